/**
 * Best-effort cloud region detection from instance metadata services. All three are asked in parallel under one deadline
 * (≤ 1 s by default); the first answer wins and the others are aborted. Base URLs are injectable for loopback tests.
 */
import type { Provider } from "./dataset.js";

export interface ImdsEndpoints {
  /** default http://169.254.169.254 */
  azureImds?: string;
  /** default http://169.254.169.254 */
  awsImds?: string;
  /** default http://metadata.google.internal */
  gcpMetadata?: string;
}

export interface ImdsHit {
  provider: Provider;
  region: string;
}

const DEFAULTS = {
  azureImds: "http://169.254.169.254",
  awsImds: "http://169.254.169.254",
  gcpMetadata: "http://metadata.google.internal",
};

const REGION_TEXT = /^[a-z0-9-]{2,40}$/;

async function text(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<string> {
  const response = await fetchImpl(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return body.trim();
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Azure IMDS: GET /metadata/instance/compute/location (text) with `Metadata: true` → "eastus2". */
async function azure(fetchImpl: typeof fetch, base: string, signal: AbortSignal): Promise<ImdsHit> {
  const location = await text(
    fetchImpl,
    `${trimSlash(base)}/metadata/instance/compute/location?api-version=2021-02-01&format=text`,
    { headers: { Metadata: "true" }, signal },
  );
  if (!REGION_TEXT.test(location.toLowerCase())) throw new Error("unexpected location text");
  return { provider: "azure", region: location.toLowerCase() };
}

/** AWS IMDSv2: PUT /latest/api/token, then GET /latest/meta-data/placement/region with the token → "us-east-1". */
async function aws(fetchImpl: typeof fetch, base: string, signal: AbortSignal): Promise<ImdsHit> {
  const root = trimSlash(base);
  const token = await text(fetchImpl, `${root}/latest/api/token`, {
    method: "PUT",
    headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" },
    signal,
  });
  const region = await text(fetchImpl, `${root}/latest/meta-data/placement/region`, {
    headers: { "X-aws-ec2-metadata-token": token },
    signal,
  });
  if (!REGION_TEXT.test(region)) throw new Error("unexpected region text");
  return { provider: "aws", region };
}

/** GCP: GET /computeMetadata/v1/instance/zone with `Metadata-Flavor: Google` → "projects/123/zones/europe-west1-b". */
async function gcp(fetchImpl: typeof fetch, base: string, signal: AbortSignal): Promise<ImdsHit> {
  const zonePath = await text(fetchImpl, `${trimSlash(base)}/computeMetadata/v1/instance/zone`, {
    headers: { "Metadata-Flavor": "Google" },
    signal,
  });
  const zone = zonePath.split("/").pop() ?? "";
  const match = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone);
  if (!match?.[1]) throw new Error("unexpected zone text");
  return { provider: "gcp", region: match[1] };
}

/**
 * Ask Azure, AWS and GCP metadata services at once; resolve with the first answer, or null when none answers before
 * `timeoutMs`. Never throws: failures are expected off-cloud.
 */
export async function detectCloudRegion(
  options: { endpoints?: ImdsEndpoints; timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<ImdsHit | null> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const endpoints = { ...DEFAULTS, ...stripUndefined(options.endpoints ?? {}) };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(null);
    }, options.timeoutMs ?? 1_000);
  });
  const attempts = [
    azure(fetchImpl, endpoints.azureImds, controller.signal),
    aws(fetchImpl, endpoints.awsImds, controller.signal),
    gcp(fetchImpl, endpoints.gcpMetadata, controller.signal),
  ];
  const first = Promise.any(attempts).catch(() => null);
  try {
    return await Promise.race([first, deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort(); // stop the losers; their rejections are already handled by Promise.any
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

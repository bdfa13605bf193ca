import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import type { IntegrationResult } from "../../src/measure/integrate.js";

export interface Loopback {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  close: () => Promise<void>;
}

/** A loopback HTTP server on 127.0.0.1, port 0; `handler` may leave a request hanging (blackhole). */
export async function loopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Loopback> {
  const requests: Loopback["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function send(res: ServerResponse, status: number, body: string, type = "text/plain"): void {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

/** A loopback server factory whose servers are all closed after each test of the calling file. */
export function closedAfterEach(): (handler: Parameters<typeof loopback>[0]) => Promise<Loopback> {
  const servers: Loopback[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (handler) => {
    const s = await loopback(handler);
    servers.push(s);
    return s;
  };
}

/**
 * A finished job as the carbon step receives it from integration: `wh` (energy and its bounds) over
 * `startMs`..`endMs`, sampled each second, no phases or GPUs.
 */
export function finishedJob(
  startMs: number,
  endMs: number,
  wh: Pick<IntegrationResult, "energyWh" | "lowWh" | "highWh"> = { energyWh: 100, lowWh: 90, highWh: 110 },
): IntegrationResult {
  return {
    startMs,
    endMs,
    intervalMs: 1_000,
    durationS: (endMs - startMs) / 1_000,
    samples: 2,
    phases: [],
    ...wh,
    gpuIndices: [],
    gpus: [],
    gpuHeldS: 0,
    gpuBridgedS: 0,
    warnings: [],
  };
}

/** The machine the carbon step is told about: a 4-thread CPU, 16 GB, no GPU. */
export const TEST_HARDWARE = { cpu: { brand: "test CPU", threads: 4, cores: 2 }, memoryGB: 16, gpus: [] };

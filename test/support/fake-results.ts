/**
 * A loopback fake of what @actions/artifact v6 calls to upload: the Actions results service (Twirp JSON
 * over HTTP: CreateArtifact, FinalizeArtifact) and Azure block-blob storage at the signed upload URL
 * (PUT ?comp=block&blockid=…, PUT ?comp=blocklist, or a single PUT with x-ms-blob-type: BlockBlob).
 * Request shapes read from node_modules/@actions/artifact/lib/internal/upload/*.js (v6).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const TWIRP = "/twirp/github.actions.results.api.v1.ArtifactService/";

export interface ResultsLogEntry {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export class FakeResultsService {
  url = "";
  readonly log: ResultsLogEntry[] = [];
  readonly created: Array<Record<string, unknown>> = [];
  readonly finalized: Array<Record<string, unknown>> = [];
  /** the uploaded blob (the artifact zip), assembled from committed blocks */
  blob: Buffer | null = null;
  /** answer CreateArtifact with this HTTP status instead (e.g. 403) */
  createStatus = 200;
  artifactId = "123";
  private blocks = new Map<string, Buffer>();
  private server: Server | null = null;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const u = new URL(req.url ?? "/", "http://x");
        const body = Buffer.concat(chunks);
        this.log.push({
          method: req.method ?? "",
          path: u.pathname,
          query: u.search,
          headers: req.headers,
          body,
        });
        const json = (status: number, value: unknown): void => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(value));
        };
        const azure = (status: number): void => {
          res.writeHead(status, {
            "x-ms-request-id": "fake",
            "x-ms-version": "2025-01-05",
            etag: '"0x1"',
            "content-length": "0",
          });
          res.end();
        };
        if (u.pathname === `${TWIRP}CreateArtifact`) {
          if (this.createStatus !== 200)
            return json(this.createStatus, { code: "permission_denied", msg: "injected" });
          this.created.push(JSON.parse(body.toString("utf8")) as Record<string, unknown>);
          return json(200, {
            ok: true,
            signed_upload_url: `${this.url}/devstoreaccount1/actions-results/artifact.zip?sv=2023-01-03&sig=fakesig`,
          });
        }
        if (u.pathname === `${TWIRP}FinalizeArtifact`) {
          this.finalized.push(JSON.parse(body.toString("utf8")) as Record<string, unknown>);
          return json(200, { ok: true, artifact_id: this.artifactId });
        }
        if (req.method === "PUT" && u.pathname.startsWith("/devstoreaccount1/")) {
          const comp = u.searchParams.get("comp");
          if (comp === "block") {
            this.blocks.set(u.searchParams.get("blockid") ?? "", body);
            return azure(201);
          }
          if (comp === "blocklist") {
            const ids = [
              ...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g),
            ].map((m) => m[1]!);
            this.blob = Buffer.concat(ids.map((id) => this.blocks.get(id) ?? Buffer.alloc(0)));
            return azure(201);
          }
          if (req.headers["x-ms-blob-type"] === "BlockBlob") {
            this.blob = body;
            return azure(201);
          }
        }
        json(404, { code: "not_found", msg: `${req.method} ${u.pathname}` });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** An unsigned JWT (alg none) with the scope claim @actions/artifact reads the backend ids from. */
export function fakeRuntimeToken(runBackendId = "run-backend-1", jobBackendId = "job-backend-1"): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}` })}.`;
}

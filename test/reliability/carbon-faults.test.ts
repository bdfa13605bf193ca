/**
 * Metadata-service faults not covered by test/carbon/context.test.ts (which covers blackholed services,
 * the shared deadline and the happy paths): wrong content and no route. Requirement: fall back (runner
 * default or world average), never throw, never take garbage for a region.
 * Live-provider faults (401/403/429/timeout/malformed JSON) are in test/carbon/live.test.ts.
 */
import { describe, expect, it } from "vitest";
import { resolveCarbonContext } from "../../src/carbon/context.js";

/** Loopback metadata servers here do answer: give them time on a loaded machine (production keeps 1 s). */
const ANSWERING_SERVER_MS = 60_000;
import { closedAfterEach, loopback, send } from "../carbon/helpers.js";

const server = closedAfterEach();

/** A loopback port nothing listens on (the server is closed at once): connection refused, like no route. */
async function refused(): Promise<string> {
  const s = await loopback(() => undefined);
  await s.close();
  return s.url;
}

const HOSTED = { RUNNER_ENVIRONMENT: "github-hosted" };

describe("IMDS with wrong content", () => {
  it.each([
    ["an HTML captive portal", "<html><body>Sign in to Wi-Fi</body></html>"],
    ["JSON instead of text", '{"location":"eastus"}'],
    ["an over-long value", "a".repeat(5_000)],
    ["an empty body", ""],
  ])("Azure answering 200 with %s is not taken for a region", async (_what, body) => {
    const azure = await server((_req, res) => send(res, 200, body));
    const none = await refused();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: HOSTED,
      endpoints: { azureImds: azure.url, awsImds: none, gcpMetadata: none },
    });
    expect(ctx.region).toMatchObject({ id: "azure:us-mix", source: "runner-default", provenance: "assumed" });
    expect(azure.requests).toHaveLength(1);
  });

  it("a well-formed region the dataset lacks is a warning and a fallback, not an error", async () => {
    const azure = await server((_req, res) => send(res, 200, "marsnorth1"));
    const none = await refused();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: {},
      endpoints: { azureImds: azure.url, awsImds: none, gcpMetadata: none },
    });
    expect(ctx.warnings).toEqual(["cloud metadata reported azure:marsnorth1, which the dataset lacks"]);
    expect(ctx.region).toMatchObject({ id: "world", source: "world-default" });
  });

  it("AWS returning a token but a JSON region, and GCP a zone without a region, both fall back", async () => {
    const aws = await server((req, res) =>
      req.method === "PUT" ? send(res, 200, "TOKEN") : send(res, 200, '{"region":"us-east-1"}'),
    );
    const gcp = await server((_req, res) => send(res, 200, "projects/1/zones/nowhere"));
    const none = await refused();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: HOSTED,
      endpoints: { azureImds: none, awsImds: aws.url, gcpMetadata: gcp.url },
    });
    expect(ctx.region.source).toBe("runner-default");
    expect(aws.requests.map((r) => r.method)).toEqual(["PUT", "GET"]);
    expect(gcp.requests).toHaveLength(1);
  });

  it("a valid answer still wins when the other services return garbage", async () => {
    const garbage = await server((_req, res) => send(res, 200, "<html>"));
    const gcp = await server((_req, res) => send(res, 200, "projects/1/zones/europe-west1-b"));
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: HOSTED,
      endpoints: { azureImds: garbage.url, awsImds: garbage.url, gcpMetadata: gcp.url },
    });
    expect(ctx.region).toMatchObject({ id: "gcp:europe-west1", source: "imds-gcp" });
  });
});

describe("IMDS with no route", () => {
  it("connection refused everywhere: world average when not on a GitHub-hosted runner", async () => {
    const none = await refused();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: {},
      endpoints: { azureImds: none, awsImds: none, gcpMetadata: none },
    });
    expect(ctx.region).toMatchObject({ id: "world", source: "world-default", provenance: "assumed" });
    expect(ctx.warnings).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/units.js";
import { resolveCarbonContext } from "../../src/carbon/context.js";

/** Loopback metadata servers here do answer: give them time on a loaded machine (production keeps 1 s). */
const ANSWERING_SERVER_MS = 60_000;
import { detectCloudRegion } from "../../src/carbon/imds.js";
import { closedAfterEach, send } from "./helpers.js";

const server = closedAfterEach();
const notFound = () => server((_req, res) => send(res, 404, "not found"));
const blackhole = () => server(() => undefined); // accepts and never answers

describe("region resolution", () => {
  it("an explicit region wins and no metadata service is asked", async () => {
    const imds = await server((_req, res) => send(res, 200, "westus2"));
    const ctx = await resolveCarbonContext({
      region: "gcp:europe-west1",
      env: {},
      endpoints: { azureImds: imds.url, awsImds: imds.url, gcpMetadata: imds.url },
    });
    expect(ctx.region).toMatchObject({ id: "gcp:europe-west1", source: "input", provenance: "measured" });
    expect(ctx.intensity).toMatchObject({ gPerKWh: 126.43, year: 2025, live: false, provenance: "modelled" });
    expect(ctx.pue.value).toBe(1.1);
    expect(imds.requests).toHaveLength(0);
  });

  it("reads Azure IMDS compute/location with the Metadata header", async () => {
    const azure = await server((req, res) => {
      if (
        req.url?.startsWith("/metadata/instance/compute/location?api-version=") &&
        req.url.includes("format=text") &&
        req.headers.metadata === "true"
      )
        send(res, 200, "eastus2");
      else send(res, 400, "bad request");
    });
    const none = await notFound();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: { RUNNER_ENVIRONMENT: "github-hosted" },
      endpoints: { azureImds: azure.url, awsImds: none.url, gcpMetadata: none.url },
    });
    expect(ctx.region).toMatchObject({ id: "azure:eastus2", source: "imds-azure" });
    expect(ctx.pue.value).toBe(1.185);
  });

  it("uses the AWS IMDSv2 token for placement/region", async () => {
    const aws = await server((req, res) => {
      if (
        req.method === "PUT" &&
        req.url === "/latest/api/token" &&
        req.headers["x-aws-ec2-metadata-token-ttl-seconds"]
      )
        send(res, 200, "TOKEN123");
      else if (
        req.method === "GET" &&
        req.url === "/latest/meta-data/placement/region" &&
        req.headers["x-aws-ec2-metadata-token"] === "TOKEN123"
      )
        send(res, 200, "eu-west-1");
      else send(res, 401, "");
    });
    const none = await notFound();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: {},
      endpoints: { azureImds: none.url, awsImds: aws.url, gcpMetadata: none.url },
    });
    expect(ctx.region).toMatchObject({ id: "aws:eu-west-1", source: "imds-aws" });
    expect(ctx.intensity.gPerKWh).toBe(278.6); // CCF aws@0.15.0 eu-west-1 0.0002786 (EEA)
  });

  it("turns the GCP zone path into its region", async () => {
    const gcp = await server((req, res) => {
      if (req.url === "/computeMetadata/v1/instance/zone" && req.headers["metadata-flavor"] === "Google")
        send(res, 200, "projects/123/zones/europe-west1-b");
      else send(res, 403, "");
    });
    const none = await notFound();
    const ctx = await resolveCarbonContext({
      imdsTimeoutMs: ANSWERING_SERVER_MS,
      env: {},
      endpoints: { azureImds: none.url, awsImds: none.url, gcpMetadata: gcp.url },
    });
    expect(ctx.region).toMatchObject({ id: "gcp:europe-west1", source: "imds-gcp" });
  });

  it("falls back to the GitHub-hosted assumption, then to the world average, when metadata is blackholed", async () => {
    const hole = await blackhole();
    const endpoints = { azureImds: hole.url, awsImds: hole.url, gcpMetadata: hole.url };
    const hosted = await resolveCarbonContext({ env: { RUNNER_ENVIRONMENT: "github-hosted" }, endpoints });
    expect(hosted.region).toMatchObject({
      id: "azure:us-mix",
      source: "runner-default",
      provenance: "assumed",
    });
    expect(hosted.intensity.provenance).toBe("assumed");
    expect(hosted.intensity.lowGPerKWh).toBeLessThan(hosted.intensity.gPerKWh);
    expect(hosted.intensity.highGPerKWh).toBeGreaterThan(hosted.intensity.gPerKWh);
    const world = await resolveCarbonContext({ env: { RUNNER_ENVIRONMENT: "self-hosted" }, endpoints });
    expect(world.region).toMatchObject({ id: "world", source: "world-default", provenance: "assumed" });
    expect(world.intensity.gPerKWh).toBe(472.94);
    expect(world.pue.value).toBe(1);
  });

  it("gives up on all metadata services together at the deadline, aborting the pending requests", async () => {
    const hole = await blackhole();
    let aborted = 0;
    const fetchImpl: typeof fetch = (input, init) => {
      init?.signal?.addEventListener("abort", () => aborted++);
      return fetch(input, init);
    };
    const hit = await detectCloudRegion({
      endpoints: { azureImds: hole.url, awsImds: hole.url, gcpMetadata: hole.url },
      timeoutMs: 200,
      fetchImpl,
    });
    expect(hit).toBeNull();
    expect(aborted).toBe(3);
  });

  it("uses a direct intensity without any lookup", async () => {
    const ctx = await resolveCarbonContext({
      carbonIntensityGPerKWh: 120,
      env: { RUNNER_ENVIRONMENT: "github-hosted" },
    });
    expect(ctx.region).toMatchObject({ id: "custom", source: "intensity-input" });
    expect(ctx.intensity).toMatchObject({
      gPerKWh: 120,
      source: "input (carbon-intensity)",
      provenance: "assumed",
    });
  });

  it("rejects an unknown region with the closest valid names", async () => {
    await expect(resolveCarbonContext({ region: "azure:eastuss", env: {} })).rejects.toThrow(InputError);
    await expect(resolveCarbonContext({ region: "azure:eastuss", env: {} })).rejects.toThrow(
      'region: "azure:eastuss" is not a known region; closest: azure:eastus, azure:eastus2, azure:eastasia; accepted: aws:<region> (aws:us-east-1), azure:<region> (azure:eastus), gcp:<region> (gcp:europe-west1), an ISO country code (FR, FRA) or "world"',
    );
  });

  it("rejects a PUE below 1 and a negative intensity", async () => {
    await expect(resolveCarbonContext({ region: "FR", pue: 0.9, env: {} })).rejects.toThrow(
      'pue: "0.9" is out of range; a PUE is facility power over IT power, accepted: 1.0 to 5.0',
    );
    await expect(resolveCarbonContext({ carbonIntensityGPerKWh: -5, env: {} })).rejects.toThrow(
      'carbon-intensity: "-5" is not valid; accepted: a number of g/kWh, 0 or more (e.g. 120)',
    );
  });
});

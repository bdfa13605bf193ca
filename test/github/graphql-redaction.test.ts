// The GraphQL identity query skips Octokit's hook chain (and with it the client's token-redacting error hook):
// it redacts on its own. A loopback server echoes the Authorization header in an HTTP error body and in a
// GraphQL error message; neither error may carry the token.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGitHubClient, unthrottledGraphqlQuery } from "../../src/github/client.js";

const TOKEN = "ghs_graphqlEchoTOKEN0123456789abcdefXYZ";
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function echoing(status: number): Promise<string> {
  const server = createServer((req, res) => {
    const echoed = String(req.headers.authorization ?? "");
    res.writeHead(status, { "content-type": "application/json" });
    res.end(
      status === 200
        ? JSON.stringify({ errors: [{ message: `bad credentials: ${echoed}` }] })
        : JSON.stringify({ message: `upstream said: ${echoed}` }),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("unthrottledGraphqlQuery", () => {
  it.each([
    [502, "an HTTP error body"],
    [200, "a GraphQL error message"],
  ])("takes the token out of %s echoed in %s", async (status) => {
    const gh = createGitHubClient({ token: TOKEN, baseUrl: await echoing(status), retries: 0 });
    const error = await unthrottledGraphqlQuery(gh, "query { viewer { login } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("***"); // the echo really came back, redacted
    expect(message).not.toContain(TOKEN);
  });
});

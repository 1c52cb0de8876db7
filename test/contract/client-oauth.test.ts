// OAuth client credentials end to end: the osac simulator over TLS (a CA of the test's own)
// and its built-in issuer over https (a CA of its own), real gRPC, real HTTPS, openid-client.
// The issuer is discovered from Capabilities.Get, tokens are cached until they expire and
// fetched again once after UNAUTHENTICATED; a wrong secret, an issuer that is down and an
// issuer certificate nobody trusts fail with the setting to fix, never with the secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostTypes } from "../../proto/gen/osac/public/v1/host_types_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection, type ConnectionInput } from "../../client/connection";
import { startIssuer, startSimulator, type Simulator } from "../../simulator";
import { pollUntil } from "../../timing/poll";
import type { TokenSourceOptions } from "../../client/auth";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { generateTestCertificates, type TestCertificates } from "../helpers/tls";

const SECRET = "cc-secret-4f9a1d7e2b6c";
const SHORT_SECRET = "short-lived-secret-8e2d";
const WRONG_SECRET = "not-the-secret-5a5a5a5a";

let certs: TestCertificates;
let sim: Simulator;
let bothCas: string;
const opened: FulfillmentClient[] = [];
const logs: string[] = [];
const messages: string[] = [];

function connect(settings: ConnectionInput, tokens: TokenSourceOptions = {}): FulfillmentClient {
  const connection = resolveConnection({
    explicit: { address: sim.address, api: "osac", caPem: bothCas, deadlineSeconds: 5, ...settings },
    env: {},
    cliConfigPath: NO_CLI_CONFIG,
    osacConfigDir: NO_CLI_CONFIG,
  });
  const client = FulfillmentClient.connect(connection, { log: (line) => logs.push(line), retry: { initialDelayMs: 5, maxDelayMs: 20 }, tokens });
  opened.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, "expected the call to fail").toBeInstanceOf(Error);
  messages.push(error!.message, error!.stack ?? "");
  return error!;
}

beforeAll(async () => {
  certs = generateTestCertificates();
  sim = await startSimulator({
    api: "osac",
    hubs: "simulated",
    seed: "catalog",
    tls: { certPem: certs.certPem, keyPem: certs.keyPem },
    osac: {
      issuer: {
        clients: [
          { clientId: "pipeline", clientSecret: SECRET, claims: { groups: ["admins"] } },
          { clientId: "short", clientSecret: SHORT_SECRET, claims: { organization: ["acme"] } },
        ],
      },
    },
  });
  bothCas = `${certs.caPem}\n${sim.issuer!.caPem}`;
});

afterAll(async () => {
  for (const client of opened) client.close();
  await sim?.stop();
  certs?.cleanup();
});

describe("client credentials", () => {
  it("discovers the issuer from Capabilities, fetches a token over https and caches it", async () => {
    const client = connect({ clientId: "pipeline", clientSecret: SECRET });
    const before = sim.issuer!.issuedTo("pipeline");
    const first = await client.call(HostTypes.method.list, {});
    await client.call(HostTypes.method.list, {});
    expect(first.items.length).toBeGreaterThan(0);
    expect(sim.issuer!.issuedTo("pipeline") - before).toBe(1);
  });

  it("uses a configured issuer and scopes", async () => {
    const client = connect({ clientId: "pipeline", clientSecret: SECRET, issuer: sim.issuer!.url, scopes: ["openid", "profile"] });
    await expect(client.call(HostTypes.method.list, {})).resolves.toBeDefined();
  });

  it("a token that expires mid-run is refused once by the server, then fetched again", async () => {
    // The issuer's tokens live 2 s (exp has whole seconds: at least 1 s after issue); a client whose clock stands still keeps a token it
    // believes valid, so the server's "token expired" is what makes it fetch a new one.
    const issuer = await startIssuer({ clients: [{ clientId: "short", clientSecret: SHORT_SECRET, claims: { organization: ["acme"] } }], tokenTtlSeconds: 2 });
    const shortSim = await startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", trustedTokenIssuers: [issuer.url], osac: { issuer: false, issuerCaPems: [issuer.caPem], tenants: ["acme"] }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    try {
      const connection = resolveConnection({
        explicit: { address: shortSim.address, api: "osac", caPem: `${certs.caPem}\n${issuer.caPem}`, clientId: "short", clientSecret: SHORT_SECRET },
        env: {},
        cliConfigPath: NO_CLI_CONFIG,
        osacConfigDir: NO_CLI_CONFIG,
      });
      const lines: string[] = [];
      const frozen = Date.now();
      const client = FulfillmentClient.connect(connection, { log: (line) => lines.push(line), tokens: { marginMs: 0, now: () => frozen } });
      opened.push(client);
      await client.call(HostTypes.method.list, {});
      expect(issuer.issuedTo("short")).toBe(1);
      // Wait for the clock, not an event: the first token's exp must pass at the server.
      const expired = (Math.floor(Date.now() / 1000) + 2) * 1000 + 50;
      await pollUntil({ what: "the first token to expire", timeoutMs: 10_000, fetch: async () => Date.now(), isDone: (now) => now > expired, describe: () => "not yet" });
      await client.call(HostTypes.method.list, {});
      expect(issuer.issuedTo("short")).toBe(2);
      expect(lines.join("\n")).toMatch(/token rejected \(UNAUTHENTICATED\); fetching a new one from the OAuth issuer/);
      logs.push(...lines);
    } finally {
      await shortSim.stop();
      await issuer.close();
    }
  });

  it("refreshes at most once: a token the server never accepts fails with the issuer to fix", async () => {
    // An issuer the server does not trust: every token it issues is refused.
    const stranger = await startIssuer({ clients: [{ clientId: "pipeline", clientSecret: SECRET }] });
    try {
      const client = connect({ clientId: "pipeline", clientSecret: SECRET, issuer: stranger.url, caPem: `${certs.caPem}\n${stranger.caPem}` });
      const error = await failure(client.call(HostTypes.method.list, {}));
      expect(error.message).toContain("UNAUTHENTICATED");
      expect(error.message).toContain("the server must trust that issuer");
      expect(stranger.issuedTo("pipeline")).toBe(2);
    } finally {
      await stranger.close();
    }
  });

  it("a wrong secret names the client, the issuer's answer and the setting, never the secret", async () => {
    const error = await failure(connect({ clientId: "pipeline", clientSecret: WRONG_SECRET }).call(HostTypes.method.list, {}));
    expect(error.name).toBe("OAuthTokenError");
    expect(error.message).toContain(`the OAuth issuer ${sim.issuer!.url} refused the credentials of OAuth client 'pipeline'`);
    expect(error.message).toContain("invalid_client");
    expect(error.message).toContain("clientSecret (connection.clientSecret, stack config fulfillment:clientSecret");
  });

  it("an issuer that is down names the issuer and the setting", async () => {
    const gone = await startIssuer({ clients: [{ clientId: "pipeline", clientSecret: SECRET }] });
    const url = gone.url;
    await gone.close();
    const error = await failure(connect({ clientId: "pipeline", clientSecret: SECRET, issuer: url }).call(HostTypes.method.list, {}));
    expect(error.message).toContain(`cannot reach the OAuth issuer ${url} (from connection.issuer) (ECONNREFUSED)`);
    expect(error.message).toContain("issuer (connection.issuer, stack config fulfillment:issuer or FULFILLMENT_ISSUER)");
  });

  it("an issuer certificate from a CA nobody configured names caFile", async () => {
    const error = await failure(connect({ clientId: "pipeline", clientSecret: SECRET, caPem: certs.caPem }).call(HostTypes.method.list, {}));
    expect(error.message).toContain(`the OAuth issuer ${sim.issuer!.url} (the first issuer ${sim.address} trusts) presented a TLS certificate that is not trusted`);
    expect(error.message).toContain("caFile or caPem");
  });

  it("no issuer set and none advertised: fails before any call, naming fulfillment:issuer, never the secret", async () => {
    const silent = await startSimulator({
      api: "osac",
      hubs: "simulated",
      seed: "catalog",
      osac: { issuer: { clients: [{ clientId: "pipeline", clientSecret: SECRET, claims: { groups: ["admins"] } }] }, advertiseIssuers: false },
    });
    try {
      const connection = resolveConnection({
        explicit: { address: silent.address, api: "osac", plaintext: true, clientId: "pipeline", clientSecret: SECRET, caPem: silent.issuer!.caPem },
        env: {},
        cliConfigPath: NO_CLI_CONFIG,
        osacConfigDir: NO_CLI_CONFIG,
      });
      const client = FulfillmentClient.connect(connection, { log: (line) => logs.push(line), retry: { initialDelayMs: 5, maxDelayMs: 20 } });
      opened.push(client);
      const error = await failure(client.call(HostTypes.method.list, {}));
      expect(error.message).toContain(`${silent.address} advertises no trusted token issuer (Capabilities.Get lists none)`);
      expect(error.message).toContain("OAuth client 'pipeline'");
      expect(error.message).toContain("set issuer (connection.issuer, stack config fulfillment:issuer or FULFILLMENT_ISSUER)");
      // Only the question for the issuer reached the server; no token was asked for.
      expect(Object.keys(silent.calls())).toEqual(["/osac.public.v1.Capabilities/Get"]);
      expect(silent.issuer!.issuedTo("pipeline")).toBe(0);
      // Naming the issuer is the fix.
      const fixed = connect({ clientId: "pipeline", clientSecret: SECRET, issuer: silent.issuer!.url, plaintext: true, address: silent.address, caPem: silent.issuer!.caPem });
      expect((await fixed.call(HostTypes.method.list, {})).items.length).toBeGreaterThan(0);
    } finally {
      await silent.stop();
    }
  });

  it("settings are checked together: a secret without an id, a token with client credentials, an http issuer", () => {
    const resolve = (explicit: ConnectionInput) => () => resolveConnection({ explicit: { address: "127.0.0.1:1", ...explicit }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG });
    expect(resolve({ clientSecret: SECRET })).toThrow("connection.clientId: clientSecret needs the clientId it belongs to");
    expect(resolve({ clientId: "x" })).toThrow("connection.clientSecret: clientId needs its clientSecret");
    expect(resolve({ clientId: "x", clientSecret: SECRET, token: "abcdefgh" })).toThrow("exclude each other");
    expect(resolve({ clientId: "x", clientSecret: SECRET, issuer: "http://sso.example.com" })).toThrow("the issuer must be an https URL");
    let thrown = "";
    try {
      resolve({ clientId: "x", clientSecret: "" })();
    } catch (error) {
      thrown = (error as Error).message;
    }
    expect(thrown).toContain("connection.clientSecret");
  });

  it("the env and the stack config form one credential group: no env secret with a stack's client id", () => {
    const resolved = resolveConnection({
      stackConfig: { address: "127.0.0.1:1", clientId: "stack-client", clientSecret: SECRET },
      env: { FULFILLMENT_TOKEN: "env-token-123456" },
      cliConfigPath: NO_CLI_CONFIG,
      osacConfigDir: NO_CLI_CONFIG,
    });
    expect(resolved.clientCredentials).toMatchObject({ clientId: "stack-client", clientSecret: SECRET });
    expect(resolved.token).toBeUndefined();
    expect(resolved.clientCredentials?.scopes).toBeUndefined();
    const fromEnv = resolveConnection({
      env: { FULFILLMENT_ADDRESS: "127.0.0.1:1", FULFILLMENT_CLIENT_ID: "env-client", FULFILLMENT_CLIENT_SECRET: SECRET, FULFILLMENT_SCOPES: "a b,c" },
      cliConfigPath: NO_CLI_CONFIG,
      osacConfigDir: NO_CLI_CONFIG,
    });
    expect(fromEnv.clientCredentials).toMatchObject({ clientId: "env-client", scopes: ["a", "b", "c"] });
    expect(fromEnv.sources.clientSecret).toBe("environment variable FULFILLMENT_CLIENT_SECRET");
  });

  it("no secret and no token appears in any message or log line", () => {
    const text = [...messages, ...logs].join("\n");
    expect(messages.length).toBeGreaterThan(0);
    for (const secret of [SECRET, SHORT_SECRET, WRONG_SECRET]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });
});

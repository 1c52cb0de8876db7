// Bearer-token auth against the simulator with client and admin roles: mapped errors,
// and a token script that is run again once after UNAUTHENTICATED.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection, type ConnectionInput } from "../../client/connection";
import { FulfillmentError } from "../../client/errors";
import { startSimulator, type Simulator } from "../../simulator";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { expectFulfillmentError } from "../helpers/failures";

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const CLIENT_TOKEN = "client-token-5b1d2c7e9a";
const ADMIN_TOKEN = "admin-token-0f4e8d2a61";
const WRONG_TOKEN = "wrong-token-77aa11bb22";
const STALE_TOKEN = "stale-token-3c3c3c3c3c";
// A JWT whose exp is inside the client's refresh margin: never cached.
const SHORT_JWT = `${b64url({ alg: "RS256" })}.${b64url({ sub: "system:serviceaccount:ci:deployer", exp: Math.floor(Date.now() / 1000) + 10 })}.c2ln`;
const ALL_TOKENS = [CLIENT_TOKEN, ADMIN_TOKEN, WRONG_TOKEN, STALE_TOKEN, SHORT_JWT];

let sim: Simulator;
let dir: string;
const opened: FulfillmentClient[] = [];
const logs: string[] = [];
const messages: string[] = [];

function connect(settings: ConnectionInput): FulfillmentClient {
  const connection = resolveConnection({ explicit: { address: sim.address, plaintext: true, deadlineSeconds: 5, ...settings }, env: {}, cliConfigPath: NO_CLI_CONFIG });
  const client = FulfillmentClient.connect(connection, { log: (line) => logs.push(line), retry: { initialDelayMs: 5, maxDelayMs: 20 } });
  opened.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<FulfillmentError> {
  const error = await expectFulfillmentError(promise);
  messages.push(error.message, error.stack ?? "");
  return error;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-auth-"));
  sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", auth: { clientTokens: [CLIENT_TOKEN, SHORT_JWT], adminTokens: [ADMIN_TOKEN] }, controllerDelayMs: 5 });
});

afterAll(async () => {
  for (const client of opened) client.close();
  await sim?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("static tokens", () => {
  it("no token: UNAUTHENTICATED, with every place a token can be set", async () => {
    const error = await failure(connect({}).call(Clusters.method.list, {}));
    expect(error.codeName).toBe("UNAUTHENTICATED");
    expect(error.message).toContain("fulfillment.v1.Clusters/List failed with UNAUTHENTICATED: authorization header is mandatory");
    expect(error.hint).toMatch(/^No token is configured; set one with the resource's connection.token/);
  });

  it("wrong token: UNAUTHENTICATED naming the setting that supplied it", async () => {
    const error = await failure(connect({ token: WRONG_TOKEN }).call(Clusters.method.get, { id: "x" }));
    expect(error.codeName).toBe("UNAUTHENTICATED");
    expect(error.hint).toBe("The server rejected the token (from connection.token); replace it with a current one, or use tokenScript so it can be refreshed.");
  });

  it("client token on private.v1 and on template writes: PERMISSION_DENIED asking for an admin token", async () => {
    const client = connect({ token: CLIENT_TOKEN });
    expect((await client.call(Clusters.method.list, {})).items).toEqual([]);
    const hubs = await failure(client.call(Hubs.method.list, {}));
    expect(hubs.codeName).toBe("PERMISSION_DENIED");
    expect(hubs.message).toContain("private.v1.Hubs/List failed with PERMISSION_DENIED: access to method '/private.v1.Hubs/List' is denied");
    expect(hubs.hint).toContain("private.v1.Hubs/List needs an admin token");
    const template = await failure(client.call(ClusterTemplates.method.create, { object: { id: "t-client" } }));
    expect(template.codeName).toBe("PERMISSION_DENIED");
    expect(template.hint).toContain("needs an admin token");
  });

  it("admin token reaches private.v1", async () => {
    expect((await connect({ token: ADMIN_TOKEN }).call(Hubs.method.list, {})).items).toEqual([]);
  });
});

describe("token script", () => {
  it("runs the script again once after UNAUTHENTICATED and picks up a rotated token", async () => {
    const tokenFile = path.join(dir, "token");
    const runsFile = path.join(dir, "runs");
    fs.writeFileSync(tokenFile, `${STALE_TOKEN}\n`);
    fs.writeFileSync(runsFile, "");
    const runs = () => fs.readFileSync(runsFile, "utf8").split("\n").filter(Boolean).length;
    const client = connect({ tokenScript: `echo run >> '${runsFile}'; cat '${tokenFile}'` });

    // stale token, re-run prints the same stale token: one refresh, then the mapped error
    const error = await failure(client.call(Clusters.method.list, {}));
    expect(error.codeName).toBe("UNAUTHENTICATED");
    expect(error.hint).toContain("printed by tokenScript (from connection.tokenScript), also after running the script again");
    expect(runs()).toBe(2);

    // the token is rotated; the cached stale token is rejected once, the script runs again, the call succeeds
    fs.writeFileSync(tokenFile, `${CLIENT_TOKEN}\n`);
    const created = await client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
    expect(created.object?.id).toBeTruthy();
    expect(runs()).toBe(3);
    expect(sim.snapshot().clusters).toHaveLength(1); // replaying a rejected Create did not create twice

    // cached: no further runs while the server accepts it
    await client.call(Clusters.method.get, { id: created.object!.id });
    await client.call(Clusters.method.list, {});
    expect(runs()).toBe(3);
    expect(logs.filter((line) => line.includes("running tokenScript again"))).toHaveLength(2);
  });

  it("runs the script before every call while its JWT is inside the expiry margin", async () => {
    const runsFile = path.join(dir, "jwt-runs");
    fs.writeFileSync(runsFile, "");
    const client = connect({ tokenScript: `echo run >> '${runsFile}'; printf '%s' '${SHORT_JWT}'` });
    for (let i = 0; i < 3; i++) await client.call(Clusters.method.list, {});
    expect(fs.readFileSync(runsFile, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("a failing script surfaces as an error naming the setting, with stderr redacted", async () => {
    const client = connect({ tokenScript: `echo 'cannot log in: Bearer ${ADMIN_TOKEN}' >&2; exit 7` });
    const error = await client.call(Clusters.method.list, {}).catch((e: Error) => e);
    messages.push((error as Error).message);
    expect((error as Error).message).toBe("tokenScript (from connection.tokenScript) failed with exit code 7: cannot log in: Bearer [REDACTED]");
  });
});

describe("secrets", () => {
  it("no token appears in any error message, stack or log line", () => {
    const everything = [...messages, ...logs].join("\n");
    expect(messages.length).toBeGreaterThan(5);
    for (const token of ALL_TOKENS) expect(everything).not.toContain(token);
  });
});

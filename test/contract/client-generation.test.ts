// Which API generation a server speaks: `api: auto` asks grpc.reflection.v1 once per
// connection; an explicit setting is taken as it is; a server that is neither says so.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection, type ConnectionInput } from "../../client/connection";
import { apiFor, generationFor, generationOf } from "../../client/api";
import { NO_CLI_CONFIG } from "../helpers/paths";

let sim: Simulator;
let bare: grpc.Server;
let barePort: number;
const opened: FulfillmentClient[] = [];

function connect(settings: ConnectionInput): FulfillmentClient {
  const client = FulfillmentClient.connect(resolveConnection({ explicit: { plaintext: true, deadlineSeconds: 5, ...settings }, env: {}, cliConfigPath: NO_CLI_CONFIG }), {
    retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
  });
  opened.push(client);
  return client;
}

beforeAll(async () => {
  sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated" });
  // A gRPC server that serves nothing of ours, not even reflection.
  bare = new grpc.Server();
  barePort = await new Promise<number>((resolve, reject) =>
    bare.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
});

afterAll(async () => {
  for (const client of opened) client.close();
  bare?.forceShutdown();
  await sim?.stop();
});

describe("generation detection", () => {
  it("tells the generations apart by their Clusters service", () => {
    expect(generationOf(["grpc.health.v1.Health", "osac.public.v1.Clusters", "osac.private.v1.Hubs"])).toBe("osac");
    expect(generationOf(["fulfillment.v1.Clusters", "private.v1.Hubs"])).toBe("innabox");
    expect(generationOf(["grpc.health.v1.Health"])).toBeUndefined();
  });

  it("asks the server through reflection when api is auto, once per connection", async () => {
    const client = connect({ address: sim.address });
    const services = await client.listServices();
    expect(services).toContain("fulfillment.v1.Clusters");
    expect(services).toContain("grpc.reflection.v1.ServerReflection");
    const first = generationFor(client);
    expect(generationFor(client)).toBe(first);
    expect(await first).toBe("innabox");
    const api = await apiFor(client);
    expect(api.generation).toBe("innabox");
    expect((await api.templates.get("sim_small"))?.nodeSets.workers).toEqual({ hostType: "acme_1tib", size: 2 });
  });

  it("takes an explicit setting without asking", async () => {
    const client = connect({ address: `127.0.0.1:${barePort}`, api: "osac" });
    expect(await generationFor(client)).toBe("osac");
  });

  it("says what to set when the server serves no reflection", async () => {
    const client = connect({ address: `127.0.0.1:${barePort}` });
    await expect(generationFor(client)).rejects.toThrow(
      `127.0.0.1:${barePort} does not serve grpc.reflection.v1, so the API generation cannot be detected; set api to osac or innabox (connection.api, stack config fulfillment:api or FULFILLMENT_API)`,
    );
  });

  it("on osac without a token: says a JWT is required and which issuers the server trusts, before any call", async () => {
    const osac = await startSimulator({ api: "osac", seed: "catalog", hubs: "simulated", osac: { issuer: {} } });
    try {
      const client = connect({ address: osac.address });
      expect(await generationFor(client)).toBe("osac");
      await expect(apiFor(client)).rejects.toThrow(
        `${osac.address} speaks the osac generation (osac.public.v1), which requires a JWT on every call, and no token is configured; it trusts tokens from ${osac.issuer!.url}.`,
      );
      const token = await osac.issuer!.mintToken({ preferred_username: "someone", groups: ["admins"] });
      const api = await apiFor(connect({ address: osac.address, token }));
      expect(api.generation).toBe("osac");
      expect((await api.hostTypes.get("acme_1tib"))?.title).toBe("ACME 1 TiB");
    } finally {
      await osac.stop();
    }
  });

  it("refuses an api setting that is neither generation, naming the choices", () => {
    expect(() => resolveConnection({ explicit: { address: "h:1", api: "v2" as never }, env: {}, cliConfigPath: NO_CLI_CONFIG })).toThrow(
      /connection\.api: expected osac \(osac\.public\.v1, today's service\), innabox \(fulfillment\.v1, Jan 2026\) or auto/,
    );
    expect(resolveConnection({ explicit: { address: "h:1" }, env: { FULFILLMENT_API: "innabox" }, cliConfigPath: NO_CLI_CONFIG }).api).toBe("innabox");
    expect(resolveConnection({ explicit: { address: "h:1" }, env: {}, cliConfigPath: NO_CLI_CONFIG }).api).toBe("auto");
  });
});

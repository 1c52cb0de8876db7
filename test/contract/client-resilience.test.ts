// Retries, idempotency, restarts and deadlines against the simulator's fault injection.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { clientFor, closeAllClients, FulfillmentClient, type ClientOptions } from "../../client/client";
import { resolveConnection, type ConnectionInput } from "../../client/connection";
import { FulfillmentError } from "../../client/errors";
import { startSimulator, type Simulator } from "../../simulator";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { expectFulfillmentError } from "../helpers/failures";

const opened: FulfillmentClient[] = [];
const FAST_RETRY = { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 100, maxElapsedMs: 20_000 };

function connect(sim: Simulator, settings: ConnectionInput = {}, options: ClientOptions = {}): FulfillmentClient {
  const connection = resolveConnection({ explicit: { address: sim.address, plaintext: true, deadlineSeconds: 5, ...settings }, env: {}, cliConfigPath: NO_CLI_CONFIG });
  const client = FulfillmentClient.connect(connection, { retry: FAST_RETRY, ...options });
  opened.push(client);
  return client;
}

const failure = expectFulfillmentError;

const retryLines = (logs: string[]) => logs.filter((line) => line.includes("; retrying in "));

afterAll(() => {
  for (const client of opened) client.close();
});

describe("retries", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 5 });
  });
  afterAll(async () => sim?.stop());

  it("Get succeeds across failNext(3) UNAVAILABLE", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l) });
    sim.faults.failNext(3);
    expect((await client.call(HostClasses.method.get, { id: "acme_1tib" })).object?.id).toBe("acme_1tib");
    expect(retryLines(logs)).toHaveLength(3);
    expect(logs[0]).toMatch(/^fulfillment\.v1\.HostClasses\/Get of 'acme_1tib' failed with UNAVAILABLE; retrying in \d+ms \(attempt 2 of 5\)$/);
  });

  it("RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED are retried too, INTERNAL is not", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l) });
    sim.faults.failNext(1, status.RESOURCE_EXHAUSTED);
    sim.faults.failNext(1, status.DEADLINE_EXCEEDED);
    await client.call(HostClasses.method.list, {});
    expect(retryLines(logs)).toHaveLength(2);
    sim.faults.failNext(1, status.INTERNAL);
    const error = await failure(client.call(HostClasses.method.list, {}));
    expect(error.message).toBe("fulfillment.v1.HostClasses/List failed with INTERNAL: injected fault: simulated failure");
    expect(retryLines(logs)).toHaveLength(2);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l), retry: { ...FAST_RETRY, maxAttempts: 3 } });
    sim.faults.failNext(3);
    const error = await failure(client.call(HostClasses.method.get, { id: "acme_gpu" }));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.serverMessage).toBe("injected fault: simulated failure");
    expect(error.hint).toContain(`Could not reach ${sim.address}`);
    expect(retryLines(logs)).toHaveLength(2);
    // the queue is drained: the next call goes through
    await client.call(HostClasses.method.get, { id: "acme_gpu" });
  });

  it("does NOT retry a Create without id, and does retry one with an id", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l) });
    const before = sim.snapshot().clusters.length;
    sim.faults.failNext(1);
    const error = await failure(client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(retryLines(logs)).toHaveLength(0);
    expect(sim.snapshot().clusters).toHaveLength(before);
    // the fault was consumed by that single attempt
    await client.call(HostClasses.method.get, { id: "acme_gpu" });

    sim.faults.failNext(2);
    const created = await client.call(HostClasses.method.create, { object: { id: "hc-retried", title: "R" } });
    expect(created.object?.id).toBe("hc-retried");
    expect(retryLines(logs)).toHaveLength(2);
  });

  it("honours idempotent: false on a Get", async () => {
    const client = connect(sim);
    sim.faults.failNext(1);
    const error = await failure(client.call(HostClasses.method.get, { id: "acme_gpu" }, { idempotent: false }));
    expect(error.codeName).toBe("UNAVAILABLE");
  });
});

describe("restart with a state file", () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "client-restart-"));
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", stateFile: path.join(dir, "state.json"), controllerDelayMs: 5 });
  });
  afterAll(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Twelve Gets in sequence; the sixth is held by the server for 400ms and restart() is
   * scheduled 100ms into that hold, so the old server cancels it and the port is closed
   * for a moment. (The timer places the fault inside the hold; nothing waits on it.)
   */
  async function getsAcrossRestart(client: FulfillmentClient): Promise<{ titles: string[]; errors: FulfillmentError[] }> {
    const titles: string[] = [];
    const errors: FulfillmentError[] = [];
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < 12; i++) {
      if (i === 5) {
        sim.faults.setLatencyMs(400);
        restarted = new Promise<void>((resolve, reject) => {
          setTimeout(() => sim.restart().then(resolve, reject), 100);
        }).finally(() => sim.faults.setLatencyMs(0));
      }
      try {
        titles.push((await client.call(HostClasses.method.get, { id: "survivor" })).object!.title);
      } catch (error) {
        errors.push(error as FulfillmentError);
      }
      if (i === 5) await restarted;
    }
    return { titles, errors };
  }

  it("a sequence of Gets survives restart() in its middle, with state reloaded", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l) });
    await client.call(HostClasses.method.create, { object: { id: "survivor", title: "before restart" } });
    const { titles, errors } = await getsAcrossRestart(client);
    expect(errors).toEqual([]);
    expect(titles).toEqual(Array(12).fill("before restart"));
    expect(retryLines(logs).length).toBeGreaterThanOrEqual(1);
  });

  it("without retries the same restart is visible to the caller", async () => {
    const client = connect(sim, {}, { retry: { maxAttempts: 1 } });
    const { errors } = await getsAcrossRestart(client);
    expect(errors.map((e) => e.codeName)).toEqual([expect.stringMatching(/^(CANCELLED|UNAVAILABLE)$/)]);
  });
});

describe("deadlines", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 5 });
  });
  afterEach(() => sim.faults.setLatencyMs(0));
  afterAll(async () => sim?.stop());

  it("DEADLINE_EXCEEDED when the server is slower than deadlineSeconds, after bounded retries", async () => {
    const logs: string[] = [];
    const client = connect(sim, { deadlineSeconds: 0.2 }, { log: (l) => logs.push(l), retry: { ...FAST_RETRY, maxAttempts: 2 } });
    sim.faults.setLatencyMs(1_500);
    // Only the client's own deadline produces DEADLINE_EXCEEDED here (the server would answer
    // after 1.5 s), so the code shows it gave up on its deadline; no wall-clock bound needed.
    const error = await failure(client.call(HostClasses.method.get, { id: "acme_1tib" }));
    expect(error.codeName).toBe("DEADLINE_EXCEEDED");
    expect(error.hint).toContain("No answer within 0.2s (from connection.deadlineSeconds)");
    expect(error.hint).toContain("raise deadlineSeconds");
    expect(retryLines(logs)).toHaveLength(1);
  });

  it("a per-call deadlineMs overrides the connection's, and a Create without id is not retried", async () => {
    const logs: string[] = [];
    const client = connect(sim, {}, { log: (l) => logs.push(l) });
    sim.faults.setLatencyMs(1_000);
    const error = await failure(client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, { deadlineMs: 100 }));
    expect(error.codeName).toBe("DEADLINE_EXCEEDED");
    expect(error.hint).toContain("No answer within 0.1s");
    expect(retryLines(logs)).toHaveLength(0);
  });

  it("an aborted signal cancels the call at once", async () => {
    const client = connect(sim);
    sim.faults.setLatencyMs(2_000);
    const controller = new AbortController();
    // Without the abort the call would succeed after the 2 s latency: CANCELLED is the proof.
    const pending = client.call(HostClasses.method.list, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error.codeName).toBe("CANCELLED");
  });
});

describe("clientFor and close", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 5 });
  });
  afterAll(async () => {
    closeAllClients();
    await sim?.stop();
  });

  it("caches one client per resolved settings, explicit over stack config", async () => {
    const a = clientFor({ address: sim.address, plaintext: true }, { address: "ignored.example:1" });
    const b = clientFor({ address: sim.address, plaintext: true });
    const c = clientFor({ address: sim.address, plaintext: true, deadlineSeconds: 3 });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(a.address).toBe(sim.address);
    expect((await a.call(HostClasses.method.list, {})).items.length).toBeGreaterThan(0);
    const fromStack = clientFor(undefined, { address: sim.address, plaintext: true });
    expect(fromStack).toBe(a);
  });

  it("a closed client refuses calls clearly", async () => {
    const client = connect(sim);
    client.close();
    await expect(client.call(HostClasses.method.list, {})).rejects.toThrow(`fulfillment.v1.HostClasses/List: the FulfillmentClient for ${sim.address} was closed`);
  });
});

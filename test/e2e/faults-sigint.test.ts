// `pulumi up` interrupted with Ctrl-C while a cluster create is waiting for READY, on a
// project directory driven by the `pulumi` CLI (as a user runs it). What Pulumi 3.250 does
// (the test passes on 3.274.1 too), checked here:
//
// - One Ctrl-C (SIGINT to the foreground process group, as a terminal sends it): the engine
//   prints "^C received; cancelling", starts nothing new, and lets the operations in flight
//   finish. The dynamic provider host ignores the engine's Cancel, so the create keeps
//   waiting until the cluster is READY (or timeouts.create); then the run ends with
//   "update canceled" and the cluster is in the state with its id. The next `pulumi up`
//   has nothing to do for it.
// - A second Ctrl-C terminates at once. The state then holds a *pending create* without an
//   id while the cluster exists on the service. A plain `pulumi up` only warns ("Attempting
//   to deploy or update resources with 1 pending operations") and creates a second cluster,
//   orphaning the first. `pulumi refresh --import-pending-creates URN ID` is no help here:
//   with the 3.250 CLI it drops the pending create and imports nothing (checked by hand).
//   What works, and what this test does as a user would:
//     1. take the id from the provider's line "cluster 'NAME' (ID): created; waiting for it
//        to become READY" (printed before any wait),
//     2. `pulumi refresh --clear-pending-creates --yes` to drop the pending create,
//     3. adopt the cluster with the resource option `import: "ID"` and `pulumi up` (it waits
//        for READY instead of creating), then remove the option again.
//   `pulumi cancel` is not needed with a file backend (it only applies to Pulumi Cloud).
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";

const run = promisify(execFile);
const CLUSTER_TYPE = "pulumi-nodejs:dynamic/fulfillment:Cluster";

const PROGRAM = `const { Cluster } = require("pulumi-fulfillment");
const web = new Cluster("web", { template: "sim_small", name: "web" });
exports.webId = web.clusterId;
exports.webState = web.state;
if (process.env.WITH_API === "1") {
  const opts = process.env.ADOPT_API_ID ? { import: process.env.ADOPT_API_ID } : {};
  const api = new Cluster("api", { template: "sim_small", name: "api" }, opts);
  exports.apiId = api.clusterId;
  exports.apiState = api.state;
}
`;

interface Interrupted {
  code: number | null;
  output: string;
}

describe("pulumi up interrupted by Ctrl-C during a create wait", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let env: NodeJS.ProcessEnv;

  const pulumi = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const { stdout } = await run("pulumi", [...args, "--non-interactive"], { cwd: t.workDir, env: { ...env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  };

  /** Runs `pulumi up` in its own process group and sends SIGINT to the group (Ctrl-C) `times` times. */
  const interruptedUp = (waitingFor: RegExp, times: 1 | 2, extraEnv: NodeJS.ProcessEnv): Promise<Interrupted> =>
    new Promise((resolve, reject) => {
      const child = spawn("pulumi", ["up", "--yes", "--non-interactive"], {
        cwd: t.workDir,
        env: { ...env, ...extraEnv },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      let sent = 0;
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (sent === 0 && waitingFor.test(output)) {
          sent = 1;
          process.kill(-child.pid!, "SIGINT");
        } else if (sent === 1 && times === 2 && /\^C received/.test(output)) {
          sent = 2;
          process.kill(-child.pid!, "SIGINT");
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });

  const exportState = async () => JSON.parse(await pulumi(["stack", "export"])).deployment;
  const clusterIdsInState = (state: { resources?: Array<{ type: string; id: string }> }) =>
    (state.resources ?? []).filter((r) => r.type === CLUSTER_TYPE).map((r) => r.id).sort();
  const clusterIdsOnServer = () => (sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id).sort();

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs: 5000, deletionDelayMs: 50 });
    const admin = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true }, env: {} }));
    await admin.call(Hubs.method.create, {
      object: { id: "sigint-hub", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\nclusters: [{name: h, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: h, user: {token: t}}]\n"), namespace: "orders" },
    });
    admin.close();
    t = createTestPulumi("faults-sigint");
    env = { ...process.env, ...t.envVars, FULFILLMENT_ADDRESS: sim.address, FULFILLMENT_PLAINTEXT: "true" };
    fs.writeFileSync(path.join(t.workDir, "Pulumi.yaml"), "name: faults-sigint\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(path.join(t.workDir, "index.js"), PROGRAM);
    await pulumi(["stack", "init", "dev"]);
  });

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
  });

  it("one Ctrl-C lets the create finish and keeps its id; the next up has nothing to do", async () => {
    const result = await interruptedUp(/cluster 'web' \([0-9a-f-]{36}\): created; waiting for it to become READY/, 1, {});
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/\^C received; cancelling/);
    expect(result.output).toMatch(/update cancel+ed/);
    expect(result.output).toMatch(/cluster 'web' \([0-9a-f-]{36}\): READY/);
    const id = /cluster 'web' \(([0-9a-f-]{36})\): created/.exec(result.output)![1];
    const state = await exportState();
    expect(state.pending_operations ?? []).toEqual([]);
    expect(clusterIdsInState(state)).toEqual([id]);
    expect(clusterIdsOnServer()).toEqual([id]);

    const again = await pulumi(["up", "--yes"]);
    expect(again).toMatch(/\d+ unchanged/);
    expect(again).not.toMatch(/created|updated|replaced/);
    const outputs = JSON.parse(await pulumi(["stack", "output", "--json"]));
    expect(outputs).toMatchObject({ webId: id, webState: "READY" });
  }, 150_000);

  it("two Ctrl-Cs leave a pending create; clear it and adopt the printed id, and nothing is orphaned", async () => {
    const result = await interruptedUp(/cluster 'api' \([0-9a-f-]{36}\): created; waiting for it to become READY/, 2, { WITH_API: "1" });
    expect(result.code).not.toBe(0);
    const apiId = /cluster 'api' \(([0-9a-f-]{36})\): created/.exec(result.output)![1];
    const interrupted = await exportState();
    // The engine lost track of the create: no id in the state, the cluster on the server.
    expect((interrupted.pending_operations ?? []).map((op: { type: string; resource: { urn: string } }) => `${op.type} ${op.resource.urn.split("::").pop()}`)).toEqual([
      "creating api",
    ]);
    expect(clusterIdsOnServer()).toContain(apiId);
    expect(clusterIdsInState(interrupted)).not.toContain(apiId);

    // The warning a plain `pulumi up` would print; the user resolves the pending create instead.
    const refresh = await pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    expect(refresh).toMatch(/unchanged/);
    expect((await exportState()).pending_operations ?? []).toEqual([]);

    const adopt = await pulumi(["up", "--yes"], { WITH_API: "1", ADOPT_API_ID: apiId });
    expect(adopt).toContain(`cluster 'api' (${apiId}): adopting the existing cluster`);
    expect(adopt).not.toMatch(/pending operations/);
    const adopted = await exportState();
    expect(clusterIdsInState(adopted)).toEqual(clusterIdsOnServer());
    expect(clusterIdsInState(adopted)).toContain(apiId);
    const outputs = JSON.parse(await pulumi(["stack", "output", "--json"]));
    expect(outputs).toMatchObject({ apiId, apiState: "READY" });

    // Without the import option the program matches the state: nothing to do.
    await pulumi(["preview", "--expect-no-changes"], { WITH_API: "1" });
    await pulumi(["destroy", "--yes", "--skip-preview"], { WITH_API: "1" });
    expect(clusterIdsOnServer()).toEqual([]);
    expect(clusterIdsInState(await exportState())).toEqual([]);
  }, 200_000);
});

// Ctrl-C on `pulumi up` / `pulumi destroy` while the provider plugin waits: the engine's
// Cancel reaches the waits, which stop at once (provisioning and deletion here outlast the
// test, and no timeout is short), and the cluster's id stays in the state: nothing orphaned.
// The dynamic host gives its waits no such signal: it answers Cancel without telling the
// provider code, and plugins run in their own process group, so Ctrl-C never reaches them
// (see faults-sigint.test.ts for what happens there).
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, writeYamlProject, pluginEnv } from "../helpers/pluginProject";

interface Interrupted {
  code: number | null;
  output: string;
}

/** Runs `pulumi <args>` in its own process group and sends it SIGINT (one Ctrl-C) once `waitingFor` shows. */
function interrupted(dir: string, env: NodeJS.ProcessEnv, args: string[], waitingFor: RegExp): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--yes", "--skip-preview", "--non-interactive"], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let sent = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && waitingFor.test(output)) {
        sent = true;
        process.kill(-child.pid!, "SIGINT");
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("provider plugin: Ctrl-C during a wait", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let api: FulfillmentApi;
  let client: FulfillmentClient;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    // Provisioning outlasts the test: only the cancel can end the create's wait.
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs: 3_600_000, deletionDelayMs: 50 });
    t = createTestPulumi("plugin-cancel");
    env = pluginEnv(t, { address: sim.address });
    client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true, api: "innabox" }, env: {}, cliConfigPath: NO_CLI_CONFIG }));
    api = await apiFor(client);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await sim?.stop();
    t?.dispose();
  });

  it("a cancelled create wait ends at once with the id in the state; a cancelled delete wait keeps the cluster; destroy then finishes", async () => {
    const dir = writeYamlProject(t, "cancel", {
      resources: {
        hub: { type: "fulfillment:index:Hub", properties: { hubId: "cancel-hub", namespace: "orders", kubeconfig: HUB_KUBECONFIG } },
        web: {
          type: "fulfillment:index:Cluster",
          properties: { template: "sim_small", name: "web", labels: { "simulator.osac.io/deletion": "stuck" } },
          options: { dependsOn: ["${hub}"] },
        },
      },
    });
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");

    const up = await interrupted(dir, env, ["up"], /cluster 'web' \([0-9a-f-]{36}\): created; waiting for it to become READY/);
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/\^C received; cancelling/);
    // The wait ended on the cancel (the default create timeout is 60m, provisioning 1h).
    expect(up.output).toMatch(/the engine cancelled the operation \(Ctrl-C or 'pulumi cancel'\), so the wait stopped/);
    expect(up.output).toMatch(/The cluster exists on the service and stays in the stack/);
    const id = /cluster 'web' \(([0-9a-f-]{36})\): created/.exec(up.output)![1];
    const state = JSON.parse(await pulumi("stack", "export")) as { deployment: { pending_operations?: unknown[] } };
    expect(state.deployment.pending_operations ?? []).toEqual([]);
    const web = exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster");
    expect(web?.id).toBe(id);
    expect((sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id)).toEqual([id]);

    // The deletion is held by the simulator: only the cancel ends the delete's wait (default 30m).
    const destroy = await interrupted(dir, env, ["destroy"], /cluster 'web' \([0-9a-f-]{36}\): deletion requested; waiting until the service has removed it/);
    expect(destroy.code).not.toBe(0);
    expect(destroy.output).toMatch(/the wait stopped\. Its deletion was requested and the cluster stays in the stack/);
    expect(exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster")?.id).toBe(id);

    await api.clusters.update(id, { labels: {} });
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);
});

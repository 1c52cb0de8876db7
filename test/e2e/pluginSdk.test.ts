// The generated TypeScript SDK (sdk/nodejs, `pulumi-fulfillment/sdk`) drives the provider
// plugin from a Node.js program: the SDK asks for plugin version and types the schema says,
// and the schema's secrets stay secret.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { createTestPulumi, backendFiles, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, pluginEnv } from "../helpers/pluginProject";

describe("generated SDK on the provider plugin", () => {
  let sim: Simulator;
  let t: TestPulumi;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi("plugin-sdk");
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
  });

  it("creates, reads back and destroys a hub and a cluster through fulfillment:index:* types", async () => {
    const dir = path.join(t.workDir, "sdk");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: sdk\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(
      path.join(dir, "index.js"),
      `const fulfillment = require("pulumi-fulfillment/sdk");
const provider = new fulfillment.Provider("service", { address: ${JSON.stringify(sim.address)}, plaintext: true });
const hub = new fulfillment.Hub("hub", { hubId: "sdk-hub", kubeconfig: ${JSON.stringify(HUB_KUBECONFIG)}, namespace: "orders" }, { provider });
const web = new fulfillment.Cluster("web", { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } } }, { provider, dependsOn: [hub] });
exports.state = web.state;
exports.kubeconfig = web.kubeconfig;
`,
    );
    const env = pluginEnv(t);
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    await pulumi("up", "--yes");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json")) as Record<string, string>;
    expect(outputs.state).toBe("READY");
    expect(outputs.kubeconfig).toBe("[secret]");
    const state = exportedResources(await pulumi("stack", "export"));
    expect(state.map((r) => r.type)).toEqual(expect.arrayContaining(["pulumi:providers:fulfillment", "fulfillment:index:Hub", "fulfillment:index:Cluster"]));
    for (const file of backendFiles(t)) expect(fs.readFileSync(file, "utf8")).not.toContain("hub-secret-token-8d2f");
    await pulumi("preview", "--expect-no-changes");
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);
});

// A stack made with the dynamic resources moves to the plugin's resources without
// recreating anything: the same project, rewritten in Pulumi YAML, with aliases naming the
// dynamic resources' URNs.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, writeYamlProject, pluginEnv } from "../helpers/pluginProject";

describe("migration from the dynamic resources to the plugin's", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi("plugin-migration");
    env = pluginEnv(t, { address: sim.address });
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
  });

  it("keeps the hub and the cluster (same ids, no replace) when the program moves to fulfillment:index:*", async () => {
    const dir = path.join(t.workDir, "fleet");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fleet\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(
      path.join(dir, "index.js"),
      `const { Cluster, Hub } = require("pulumi-fulfillment");
const hub = new Hub("hub", { hubId: "migrate-hub", kubeconfig: ${JSON.stringify(HUB_KUBECONFIG)}, namespace: "orders" });
new Cluster("web", { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } }, labels: { team: "a" } }, { dependsOn: [hub] });
`,
    );
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    await pulumi("up", "--yes", "--skip-preview");
    const before = exportedResources(await pulumi("stack", "export"));
    const dynamicCluster = before.find((r) => r.type === "pulumi-nodejs:dynamic/fulfillment:Cluster")!;
    expect(dynamicCluster.id).toBeTruthy();

    fs.rmSync(path.join(dir, "index.js"));
    writeYamlProject(t, "fleet", {
      resources: {
        hub: {
          type: "fulfillment:index:Hub",
          properties: { hubId: "migrate-hub", kubeconfig: HUB_KUBECONFIG, namespace: "orders" },
          options: { aliases: ["urn:pulumi:dev::fleet::pulumi-nodejs:dynamic/fulfillment:Hub::hub"] },
        },
        web: {
          type: "fulfillment:index:Cluster",
          properties: { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } }, labels: { team: "a" } },
          options: { dependsOn: ["${hub}"], aliases: ["urn:pulumi:dev::fleet::pulumi-nodejs:dynamic/fulfillment:Cluster::web"] },
        },
      },
    });
    const preview = JSON.parse(await pulumi("preview", "--json")) as { steps: Array<{ op: string; urn: string }> };
    // Nothing is created, replaced or deleted but the dynamic host's provider entry.
    const changing = preview.steps.filter((s) => s.op !== "same" && !s.urn.includes("::pulumi:providers:pulumi-nodejs::"));
    expect(changing.map((s) => `${s.op} ${s.urn}`)).toEqual([]);

    await pulumi("up", "--yes", "--skip-preview");
    const after = exportedResources(await pulumi("stack", "export"));
    expect(after.find((r) => r.type === "fulfillment:index:Cluster")?.id).toBe(dynamicCluster.id);
    expect(after.some((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))).toBe(false);
    expect((sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id)).toEqual([dynamicCluster.id]);
    // The plugin's resources carry no serialized provider code once refreshed.
    await pulumi("refresh", "--yes", "--skip-preview");
    expect(await pulumi("stack", "export")).not.toContain("__provider");
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);
});

// The provider plugin's osac resources with the real CLI, the Pulumi YAML language host and
// the osac simulator: a ClusterVersion, a ClusterCatalogItem and a Cluster ordered from the
// item (at the version's image) come up, preview clean, and go on destroy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, writeYamlProject, pluginEnv } from "../helpers/pluginProject";

const IMAGE = "quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64";

const PROGRAM = {
  resources: {
    hub: { type: "fulfillment:index:Hub", properties: { hubId: "plugin-osac-hub", namespace: "orders", kubeconfig: HUB_KUBECONFIG } },
    v417: { type: "fulfillment:index:ClusterVersion", properties: { version: "4.17.0", image: IMAGE, labels: { channel: "stable" } } },
    small: {
      type: "fulfillment:index:ClusterCatalogItem",
      properties: {
        catalogItemId: "plugin-small",
        title: "Small cluster",
        template: "sim_small",
        published: true,
        fieldDefinitions: [
          { path: "node_sets.workers.size", displayName: "Workers", editable: true, default: 2, validationSchema: { type: "integer", minimum: 1, maximum: 5 } },
          { path: "release_image", editable: true, default: IMAGE },
        ],
      },
    },
    dev: {
      type: "fulfillment:index:Cluster",
      properties: { catalogItem: "${small.catalogItemId}", releaseImage: "${v417.image}", nodeSets: { workers: { size: 3 } } },
      options: { dependsOn: ["${hub}"] },
    },
  },
  outputs: { clusterId: "${dev.clusterId}", state: "${dev.state}", versionName: "${v417.name}", itemTenant: "${small.tenant}" },
};

describe("provider plugin on the osac generation: ClusterVersion, ClusterCatalogItem, a cluster ordered from the item", () => {
  let g: GenerationSimulator;
  let t: TestPulumi;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    g = await startGenerationSimulator("osac", { controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi("plugin-osac");
  }, 120_000);

  afterAll(async () => {
    await g?.close();
    t?.dispose();
  });

  it("up, preview --expect-no-changes, destroy", async () => {
    const env = pluginEnv(t, { address: g.sim.address, token: g.adminToken, api: "osac" });
    const dir = writeYamlProject(t, "osac-catalog", PROGRAM);
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    await pulumi("up", "--yes", "--skip-preview");

    const outputs = JSON.parse(await pulumi("stack", "output", "--json", "--show-secrets")) as Record<string, string>;
    expect(outputs.state).toBe("READY");
    expect(outputs.versionName).toMatch(/^4-17-0-[0-9a-f]{4}$/);
    const cluster = await g.api.clusters.get(outputs.clusterId);
    expect(cluster?.spec).toMatchObject({ catalogItem: "plugin-small", releaseImage: IMAGE, nodeSets: { workers: { size: 3 } } });
    const version = await g.api.clusterVersions!.findByVersion("4.17.0", { admin: true });
    expect(version).toMatchObject({ image: IMAGE, name: outputs.versionName, labels: { channel: "stable" } });
    expect((await g.api.catalogItems.get("plugin-small"))?.published).toBe(true);
    const types = exportedResources(await pulumi("stack", "export")).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(["fulfillment:index:ClusterVersion", "fulfillment:index:ClusterCatalogItem", "fulfillment:index:Cluster"]));

    await pulumi("preview", "--expect-no-changes");
    // The plugin's diff agrees after a refresh too (server defaults never show as drift).
    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview");

    await pulumi("destroy", "--yes", "--skip-preview");
    expect(g.sim.snapshot().clusters).toHaveLength(0);
    expect(await g.api.catalogItems.get("plugin-small")).toBeUndefined();
    expect(await g.api.clusterVersions!.findByVersion("4.17.0", { admin: true })).toBeUndefined();
  }, 300_000);
});

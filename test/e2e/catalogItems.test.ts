// Catalog items and the osac Cluster inputs through the real engine against the osac
// simulator: a ClusterCatalogItem and a cluster ordered from it in one new stack (the
// first preview validates against the planned item), preview refusing what the item's
// field definitions forbid, `hostType` and its alias `hostClass` without a diff, a tenant
// change replacing the cluster, and destroy removing the cluster before its item.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { writeStackConfig } from "../../automation/stack";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
// The built package, as a user's program loads it.
import { Cluster, ClusterCatalogItem } from "pulumi-fulfillment";

interface Shape {
  workers?: number;
  sshPublicKey?: string;
  withTemplate?: boolean;
  spelling?: "hostType" | "hostClass";
  tenant?: string;
}

function program(shape: Shape = {}) {
  return async () => {
    const item = new ClusterCatalogItem("small", {
      catalogItemId: "e2e-small-ci",
      title: "Small cluster",
      description: "Two to five **workers**",
      template: "sim_small",
      published: true,
      fieldDefinitions: [
        { path: "node_sets.workers.size", displayName: "Workers", editable: true, default: 2, validationSchema: { type: "integer", minimum: 1, maximum: 5 } },
        { path: "template_parameters.release", displayName: "Release", editable: false, default: "4.17.1" },
        { path: "template_parameters.ha", editable: true, default: false, validationSchema: JSON.stringify({ type: "boolean" }) },
      ],
    });
    const fromItem = new Cluster("from-item", {
      catalogItem: item.catalogItemId,
      ...(shape.withTemplate ? { template: "sim_small" } : {}),
      nodeSets: { workers: { size: shape.workers ?? 3 } },
      ...(shape.sshPublicKey ? { sshPublicKey: shape.sshPublicKey } : {}),
      timeouts: { create: "2m" },
    });
    const spelling = shape.spelling ?? "hostType";
    const fromTemplate = new Cluster("from-template", {
      template: "sim_small",
      nodeSets: { workers: { size: 2, [spelling]: "acme_1tib" } },
      tenant: shape.tenant ?? "acme",
      timeouts: { create: "2m" },
    });
    return {
      itemTenant: item.tenant,
      itemClusterId: fromItem.clusterId,
      templateClusterId: fromTemplate.clusterId,
      effectiveNodeSets: fromTemplate.effectiveNodeSets,
    };
  };
}

describe("catalog items and osac Cluster inputs end to end (osac generation)", () => {
  let g: GenerationSimulator;
  let t: TestPulumi;
  let stack: Stack;
  let firstTemplateCluster = "";

  const configure = async (s: Stack) => {
    await writeStackConfig(
      s,
      {
        "fulfillment:address": { value: g.sim.address },
        "fulfillment:token": { value: g.adminToken, secret: true },
        "fulfillment:plaintext": { value: "true" },
        "fulfillment:api": { value: "osac" },
      },
      { ...process.env, ...t.envVars },
      s.workspace.workDir,
    );
  };
  const stackFor = async (shape: Shape) => {
    const s = await inlineStack(t, program(shape), { project: "catalog-items" });
    await configure(s);
    return s;
  };
  const previewError = (s: Stack) => s.preview().then(
    () => "",
    (error: Error) => String(error),
  );

  beforeAll(async () => {
    g = await startGenerationSimulator("osac", {
      controllerDelayMs: 5,
      provisioningDelayMs: 200,
      deletionDelayMs: 50,
      osac: { tenants: ["acme", "other"] },
    });
    // Clusters land on a registered hub (the simulator plays it).
    await g.api.hubs.create({ id: "e2e-catalog-hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: unreachableHubKubeconfig("e2e-hub-token"), namespace: "orders" });
    t = createTestPulumi("catalog-items");
    stack = await stackFor({});
  });

  afterAll(async () => {
    await g?.close();
    t?.dispose();
  });

  it("creates the item, then a cluster ordered from it (the first preview validates against the planned item)", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    const item = await g.api.catalogItems.get("e2e-small-ci");
    expect([item?.published, item?.template, item?.fieldDefinitions.map((d) => d.path)]).toEqual([
      true,
      "sim_small",
      ["node_sets.workers.size", "template_parameters.release", "template_parameters.ha"],
    ]);
    expect(up.outputs.itemTenant.value).toBe("shared");
    const cluster = await g.api.clusters.get(up.outputs.itemClusterId.value as string);
    expect([cluster?.spec.catalogItem, cluster?.spec.template, cluster?.spec.nodeSets.workers.size]).toEqual(["e2e-small-ci", "sim_small", 3]);
    expect(cluster?.spec.templateParameters.release.value).toBe("4.17.1");
    expect(cluster?.status.state).toBe("READY");
    firstTemplateCluster = up.outputs.templateClusterId.value as string;
    expect((await g.api.clusters.get(firstTemplateCluster))?.metadata.tenant).toBe("acme");
    // Outputs name the host type both ways.
    expect(up.outputs.effectiveNodeSets.value.workers).toEqual({ hostType: "acme_1tib", hostClass: "acme_1tib", size: 2 });
    await stack.preview({ expectNoChanges: true });
  }, 300_000);

  it("refuses at preview what the item's field definitions forbid, naming the field path, and template with catalogItem", async () => {
    const tooMany = await previewError(await stackFor({ workers: 9 }));
    expect(tooMany).toContain("nodeSets.workers.size: validation failed for field 'node_sets.workers.size': jsonschema validation failed with");
    expect(tooMany).toContain("must be <= 5");
    const sshKey = await previewError(await stackFor({ sshPublicKey: "ssh-ed25519 AAAAC3Nza e2e" }));
    expect(sshKey).toContain("sshPublicKey: fields not allowed by catalog item: ssh_public_key (catalog item 'e2e-small-ci')");
    const both = await previewError(await stackFor({ withTemplate: true }));
    expect(both).toContain("catalogItem: template and catalogItem are mutually exclusive");
    // Nothing was changed by the refused previews.
    await (await stackFor({})).preview({ expectNoChanges: true });
  }, 300_000);

  it("takes hostClass as an alias of hostType: switching spelling with the same value is no diff and no replace", async () => {
    const aliased = await stackFor({ spelling: "hostClass" });
    const preview = await aliased.preview({ expectNoChanges: true });
    expect(preview.changeSummary.replace ?? 0).toBe(0);
    expect(preview.changeSummary.update ?? 0).toBe(0);
  }, 300_000);

  it("replaces the cluster when its tenant changes", async () => {
    const moved = await stackFor({ tenant: "other" });
    const preview = await moved.preview();
    expect(preview.changeSummary.replace).toBe(1);
    const up = await moved.up();
    expect(up.summary.result).toBe("succeeded");
    const replacement = up.outputs.templateClusterId.value as string;
    expect(replacement).not.toBe(firstTemplateCluster);
    expect((await g.api.clusters.get(replacement))?.metadata.tenant).toBe("other");
    expect(await g.api.clusters.get(firstTemplateCluster)).toBeUndefined();
    stack = moved;
  }, 300_000);

  it("destroys the clusters, then the catalog item they were ordered from", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await g.api.catalogItems.get("e2e-small-ci")).toBeUndefined();
    expect((g.sim.snapshot() as { clusters: unknown[] }).clusters).toEqual([]);
  }, 300_000);
});

// ClusterOrderCrd on an API server that already has the CRD (a hub whose operator put it
// there, or another stack): "skip" leaves it exactly as it is, the default ("adopt")
// applies over it as a @pulumi/kubernetes CustomResourceDefinitionPatch, both leave it
// (and its ClusterOrders) in place on destroy; "fail" refuses it naming the way out; a
// CRD the component created is its own on later runs and is deleted on destroy.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { CLUSTER_ORDER_CRD_NAME, ClusterOrderCrd, clusterOrderCrdSpec } from "../../components/clusterOrderCrd";
import { getObject, kubectl, requireBuilt } from "./kubeTestUtils";

describe("ClusterOrderCrd on an API server that has the CRD already", () => {
  let kube: LocalKube;
  let t: TestPulumi;

  const crd = () => getObject(kube.adminKubeconfig, ["crd", CLUSTER_ORDER_CRD_NAME, "--show-managed-fields"]);
  const kubectlFile = async (verb: string, manifest: object) => {
    const file = path.join(t.workDir, `manifest-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(manifest));
    const result = await kubectl(kube.adminKubeconfig, [verb, "-f", file]);
    expect(result.code, result.stderr).toBe(0);
  };
  const stackWith = async (project: string, ifExists?: "adopt" | "skip" | "fail"): Promise<Stack> =>
    inlineStack(
      t,
      async () => {
        const component = new ClusterOrderCrd("orders", { kubeconfig: kube.adminKubeconfig, ...(ifExists ? { ifExists } : {}) });
        return { crdName: component.crdName, preexisting: component.preexisting };
      },
      { project },
    );

  beforeAll(async () => {
    requireBuilt(["components/clusterOrderCrd", "kube/client"]);
    // The CRD's Established condition comes from kube-apiserver itself: no controller manager needed.
    kube = await startLocalKube({ controllerManager: false });
    t = createTestPulumi("cluster-order-crd");
    // Installed out of band, as a hub operator would, with one ClusterOrder in it.
    await kubectlFile("create", {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: CLUSTER_ORDER_CRD_NAME, labels: { "installed-by": "operator" } },
      spec: clusterOrderCrdSpec,
    });
    expect((await kubectl(kube.adminKubeconfig, ["wait", "--for=condition=Established", `crd/${CLUSTER_ORDER_CRD_NAME}`, "--timeout=60s"])).code).toBe(0);
    expect((await kubectl(kube.adminKubeconfig, ["create", "namespace", "orders"])).code).toBe(0);
    await kubectlFile("create", {
      apiVersion: "cloudkit.openshift.io/v1alpha1",
      kind: "ClusterOrder",
      metadata: { name: "existing-order", namespace: "orders" },
      spec: { templateID: "example_small" },
    });
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
    t?.dispose();
  });

  it('"skip" leaves the existing CRD exactly as it is, through up, refresh and destroy', async () => {
    const before = await crd();
    const stack = await stackWith("crd-skip", "skip");
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.crdName.value).toBe(CLUSTER_ORDER_CRD_NAME);
    expect(up.outputs.preexisting.value).toBe(true);
    const after = await crd();
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion); // not written to
    expect(after.metadata.managedFields.map((f: any) => f.manager).filter((m: string) => m.startsWith("pulumi"))).toEqual([]);

    // A label changed by its owner is not drift: a skipped CRD is not compared.
    expect((await kubectl(kube.adminKubeconfig, ["label", "crd", CLUSTER_ORDER_CRD_NAME, "installed-by=operator-v2", "--overwrite"])).code).toBe(0);
    await stack.preview({ expectNoChanges: true });
    await stack.refresh({ expectNoChanges: true });

    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    const left = await crd();
    expect(left).toBeDefined();
    expect(left.metadata.deletionTimestamp).toBeUndefined();
    expect(left.metadata.labels["installed-by"]).toBe("operator-v2");
    expect(await getObject(kube.adminKubeconfig, ["clusterorders", "-n", "orders", "existing-order"])).toBeDefined();
  }, 240_000);

  it('"fail" refuses the existing CRD and names the way out', async () => {
    const stack = await stackWith("crd-fail", "fail");
    const error = await stack.up().catch((e: Error) => String(e));
    expect(error).toContain(`CustomResourceDefinition '${CLUSTER_ORDER_CRD_NAME}' already exists in the cluster and this stack did not create it`);
    expect(error).toContain(`pulumi import kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition <name> ${CLUSTER_ORDER_CRD_NAME}`);
    await stack.destroy();
    expect(await crd()).toBeDefined();
  }, 240_000);

  it("by default adopts the existing CRD: applies over it, shows no changes after, and leaves it in place on destroy", async () => {
    const stack = await stackWith("crd-adopt");
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.preexisting.value).toBe(true);
    const adopted = await crd();
    expect(adopted.metadata.managedFields.map((f: any) => f.manager).some((m: string) => m.startsWith("pulumi-kubernetes-"))).toBe(true);
    expect(adopted.metadata.labels["installed-by"]).toBe("operator-v2"); // not this program's: kept
    await stack.preview({ expectNoChanges: true });
    await stack.refresh({ expectNoChanges: true });

    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    const left = await crd();
    expect(left).toBeDefined();
    expect(left.metadata.deletionTimestamp).toBeUndefined();
    expect(await getObject(kube.adminKubeconfig, ["clusterorders", "-n", "orders", "existing-order"])).toBeDefined();
  }, 240_000);

  it("creates the CRD where there is none, and deletes what it created on destroy", async () => {
    expect((await kubectl(kube.adminKubeconfig, ["delete", "crd", CLUSTER_ORDER_CRD_NAME, "--wait=true", "--timeout=60s"])).code).toBe(0);
    const stack = await stackWith("crd-create");
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.preexisting.value).toBe(false);
    const created = await crd();
    expect(created.metadata.labels?.["installed-by"]).toBeUndefined();
    // The next run sees a CRD this stack made: still its own, nothing to change.
    await stack.preview({ expectNoChanges: true });
    await stack.destroy();
    expect(await crd()).toBeUndefined();
  }, 240_000);
});

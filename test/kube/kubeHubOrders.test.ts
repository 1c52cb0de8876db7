// KubeHubOrders against a real kube-apiserver: ClusterOrders exactly as the real
// cluster controller makes them, patch of an existing one, delete, and an answer that
// says what is wrong (without secrets) for every kind of unusable hub kubeconfig.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeconfigYaml, startLocalKube, type LocalKube } from "../helpers/localKube";
import { KubeHubOrders } from "../../simulator/kubeHubOrders";
import type { HubRecord } from "../../simulator/hubOrders";
import { clusterOrderCrdSpec } from "../../components/clusterOrderCrd";
import { getObject, kubectl } from "./kubeTestUtils";

const NS = "orders";

describe("KubeHubOrders", () => {
  let kube: LocalKube;
  let limitedToken: string;
  const orders = new KubeHubOrders({ timeoutMs: 5000, deleteWaitMs: 5000 });
  const hub = (overrides: Partial<HubRecord> = {}): HubRecord => ({ id: "hub-1", kubeconfig: kube.adminKubeconfig, namespace: NS, ...overrides });
  const request = (clusterId: string, size = 2) => ({
    clusterId,
    templateId: "ocp_4_17_small",
    templateParameters: { ha: true, release: "4.17.0" },
    nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: size }],
  });

  beforeAll(async () => {
    kube = await startLocalKube();
    console.log(`kube-apiserver + controller-manager ready in ${kube.startupMs} ms`);
    const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "clusterorders.cloudkit.openshift.io" }, spec: clusterOrderCrdSpec };
    const file = path.join(kube.dir, "crd.json");
    fs.writeFileSync(file, JSON.stringify(crd));
    const admin = kube.adminKubeconfig;
    for (const args of [
      ["apply", "-f", file],
      ["wait", "--for=condition=Established", "crd/clusterorders.cloudkit.openshift.io", "--timeout=60s"],
      ["create", "namespace", NS],
      ["create", "serviceaccount", "-n", NS, "limited"],
    ]) {
      const result = await kubectl(admin, args);
      if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    }
    for (let i = 0; i < 50 && !limitedToken; i++) {
      const token = await kubectl(admin, ["create", "token", "-n", NS, "limited", "--duration=1h"]);
      if (token.code === 0) limitedToken = token.stdout.trim();
      else await new Promise((r) => setTimeout(r, 100));
    }
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
  });

  it("creates the ClusterOrder like the real controller, patches it on the next call and deletes it", async () => {
    const outcome = await orders.ensureClusterOrder(hub(), request("c-1"));
    expect(outcome).toMatchObject({ ok: true });
    const name = (outcome as { orderName: string }).orderName;
    expect(name).toMatch(/^order-/);
    const order = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, name]);
    expect(order.apiVersion).toBe("cloudkit.openshift.io/v1alpha1");
    expect(order.metadata.labels).toEqual({ "cloudkit.openshift.io/clusterorder-uuid": "c-1" });
    expect(order.spec).toEqual({
      templateID: "ocp_4_17_small",
      templateParameters: JSON.stringify({ ha: true, release: "4.17.0" }),
      nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: 2 }],
    });

    const again = await orders.ensureClusterOrder(hub(), request("c-1", 5));
    expect(again).toEqual({ ok: true, orderName: name });
    const patched = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, name]);
    expect(patched.spec.nodeRequests).toEqual([{ resourceClass: "acme_1tib", numberOfNodes: 5 }]);
    const all = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS]);
    expect(all.items).toHaveLength(1);

    expect(await orders.deleteClusterOrder(hub(), "c-1")).toMatchObject({ ok: true });
    expect(await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, name])).toBeUndefined();
    // Deleting what is not there is fine.
    expect(await orders.deleteClusterOrder(hub(), "c-1")).toMatchObject({ ok: true });
  });

  it("says so when the kubeconfig does not parse", async () => {
    const secret = "token: sekrit-value-123456789";
    const outcome = await orders.ensureClusterOrder(hub({ kubeconfig: `{{{ not yaml\n${secret}` }), request("c-2"));
    expect(outcome).toMatchObject({ ok: false, reason: "InvalidKubeconfig" });
    expect((outcome as { message: string }).message).toMatch(/kubeconfig of hub 'hub-1'/);
    expect((outcome as { message: string }).message).not.toContain("sekrit-value");
  });

  it("says so when the API server refuses the credentials", async () => {
    const bogus = "bogus-token-0123456789abcdef";
    const kubeconfig = kubeconfigYaml({ server: kube.server, caPem: kube.caPem, token: bogus });
    const outcome = await orders.ensureClusterOrder(hub({ kubeconfig }), request("c-3"));
    expect(outcome).toMatchObject({ ok: false, reason: "HubUnauthorized" });
    expect((outcome as { message: string }).message).toMatch(/refused the credentials.*401/);
    expect(JSON.stringify(outcome)).not.toContain(bogus);
  });

  it("says so when the credentials are not allowed to use ClusterOrders", async () => {
    expect(limitedToken).toBeTruthy();
    const kubeconfig = kubeconfigYaml({ server: kube.server, caPem: kube.caPem, token: limitedToken });
    const outcome = await orders.ensureClusterOrder(hub({ kubeconfig }), request("c-4"));
    expect(outcome).toMatchObject({ ok: false, reason: "HubForbidden" });
    expect((outcome as { message: string }).message).toMatch(/does not allow it to create ClusterOrders in namespace 'orders' \(403/);
    expect(JSON.stringify(outcome)).not.toContain(limitedToken);
    const deletion = await orders.deleteClusterOrder(hub({ kubeconfig }), "c-4");
    expect(deletion).toMatchObject({ ok: false, reason: "HubForbidden" });
  });

  it("says so when the API server cannot be reached or the CA does not match", async () => {
    const token = "unreachable-token-0123456789";
    const nowhere = kubeconfigYaml({ server: "https://127.0.0.1:1", caPem: kube.caPem, token });
    const outcome = await orders.ensureClusterOrder(hub({ kubeconfig: nowhere }), request("c-5"));
    expect(outcome).toMatchObject({ ok: false, reason: "HubUnreachable" });
    expect((outcome as { message: string }).message).toMatch(/cannot reach the API server of hub 'hub-1' \(https:\/\/127\.0\.0\.1:1\)/);
    expect(JSON.stringify(outcome)).not.toContain(token);

    const wrongCa = kubeconfigYaml({ server: kube.server, token: kube.adminToken }); // no CA: system store
    const untrusted = await orders.ensureClusterOrder(hub({ kubeconfig: wrongCa }), request("c-5"));
    expect(untrusted).toMatchObject({ ok: false, reason: "HubUnreachable" });
    expect((untrusted as { message: string }).message).toMatch(/certificate/);
    expect(JSON.stringify(untrusted)).not.toContain(kube.adminToken);
  });

  it("says so when the hub serves no ClusterOrders in the namespace", async () => {
    const outcome = await orders.ensureClusterOrder(hub({ namespace: "no-such-namespace" }), request("c-6"));
    expect(outcome).toMatchObject({ ok: false, reason: "ClusterOrderCrdMissing" });
    expect((outcome as { message: string }).message).toMatch(/install the ClusterOrder CRD and create the namespace/);
  });
});

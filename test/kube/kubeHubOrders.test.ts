// KubeHubOrders against a real kube-apiserver: ClusterOrders exactly as the real
// cluster controller makes them, patch of an existing one, delete, and an answer that
// says what is wrong (without secrets) for every kind of unusable hub kubeconfig.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeconfigYaml, startLocalKube, type LocalKube } from "../helpers/localKube";
import { KubeHubOrders } from "../../simulator/kubeHubOrders";
import { logLines } from "../helpers/logLines";
import type { HubRecord } from "../../simulator/hubOrders";
import { clusterOrderCrdSpec } from "../../components/clusterOrderCrd";
import { getObject, kubectl } from "./kubeTestUtils";
import { buildKubeconfig, verifyKubeconfig } from "../../components/kube/kubeconfigProvider";
import { requiredAccess } from "../../components/hubBootstrap";
import { startSimulator } from "../../simulator";
import { clientFor, closeAllClients } from "../../client/client";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { ClusterState } from "../../proto/gen/private/v1/cluster_type_pb";

const NS = "orders";

describe("KubeHubOrders", () => {
  let kube: LocalKube;
  let limitedToken: string;
  const orders = new KubeHubOrders({ timeoutMs: 5000, deleteWaitMs: 5000 });
  const hub = (overrides: Partial<HubRecord> = {}): HubRecord => ({ id: "hub-1", kubeconfig: kube.adminKubeconfig, namespace: NS, ...overrides });
  const request = (clusterId: string, size = 2) => ({
    clusterId,
    templateId: "sim_small",
    templateParameters: { ha: true, release: "4.17.0" },
    nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: size }],
  });

  beforeAll(async () => {
    kube = await startLocalKube();
    console.log(`kube-apiserver + controller-manager ready in ${kube.startupMs} ms`);
    const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "clusterorders.cloudkit.openshift.io" }, spec: clusterOrderCrdSpec };
    const file = path.join(kube.dir, "crd.json");
    fs.writeFileSync(file, JSON.stringify(crd));
    // The osac generation's group, with the spec fields its controller adds kept as sent.
    const osacCrd = {
      ...crd,
      metadata: { name: "clusterorders.osac.openshift.io" },
      spec: {
        ...clusterOrderCrdSpec,
        group: "osac.openshift.io",
        versions: clusterOrderCrdSpec.versions.map((version) => ({
          ...version,
          schema: { openAPIV3Schema: { ...version.schema.openAPIV3Schema, properties: { ...version.schema.openAPIV3Schema.properties, spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } },
        })),
      },
    };
    const osacFile = path.join(kube.dir, "osac-crd.json");
    fs.writeFileSync(osacFile, JSON.stringify(osacCrd));
    const admin = kube.adminKubeconfig;
    for (const args of [
      ["apply", "-f", file],
      ["apply", "-f", osacFile],
      ["wait", "--for=condition=Established", "crd/clusterorders.cloudkit.openshift.io", "--timeout=60s"],
      ["wait", "--for=condition=Established", "crd/clusterorders.osac.openshift.io", "--timeout=60s"],
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
    closeAllClients();
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
      templateID: "sim_small",
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

  it("makes osac ClusterOrders: osac.openshift.io, its label, the tenant annotation and the extra spec fields", async () => {
    const osac = new KubeHubOrders({ generation: "osac", timeoutMs: 5000, deleteWaitMs: 5000 });
    expect(osac.usable(hub())).toBe(true);
    expect(osac.usable(hub({ kubeconfig: "not: [a kubeconfig" }))).toBe(false);
    const outcome = await osac.ensureClusterOrder(hub(), {
      ...request("o-1"),
      tenant: "acme",
      pullSecret: "{}",
      sshPublicKey: "ssh-ed25519 K",
      releaseImage: "quay.io/x:1",
      network: { podCIDR: "10.128.0.0/14" },
    });
    expect(outcome).toMatchObject({ ok: true });
    const name = (outcome as { orderName: string }).orderName;
    const order = await getObject(kube.adminKubeconfig, ["clusterorders.osac.openshift.io", "-n", NS, name]);
    expect(order.apiVersion).toBe("osac.openshift.io/v1alpha1");
    expect(order.metadata.labels).toEqual({ "osac.openshift.io/clusterorder-uuid": "o-1" });
    expect(order.metadata.annotations).toEqual({ "osac.openshift.io/tenant": "acme" });
    expect(order.spec).toEqual({
      templateID: "sim_small",
      templateParameters: JSON.stringify({ ha: true, release: "4.17.0" }),
      nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: 2 }],
      pullSecret: "{}",
      sshPublicKey: "ssh-ed25519 K",
      releaseImage: "quay.io/x:1",
      network: { podCIDR: "10.128.0.0/14" },
    });
    expect(await osac.deleteClusterOrder(hub(), "o-1")).toMatchObject({ ok: true });
    expect(await getObject(kube.adminKubeconfig, ["clusterorders.osac.openshift.io", "-n", NS, name])).toBeUndefined();
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

  it("in the simulator's mode, lets a hub that points nowhere or serves no ClusterOrders pass with a warning, not one that refuses", async () => {
    const lenient = new KubeHubOrders({ unusableHub: "proceed", timeoutMs: 5000 });
    const nowhere = kubeconfigYaml({ server: "https://127.0.0.1:1", caPem: kube.caPem, token: "x".repeat(20) });
    for (const [record, reason] of [
      [hub({ kubeconfig: "not a kubeconfig" }), "InvalidKubeconfig"],
      [hub({ kubeconfig: nowhere }), "HubUnreachable"],
      [hub({ namespace: "no-such-namespace" }), "ClusterOrderCrdMissing"],
    ] as const) {
      const outcome = await lenient.ensureClusterOrder(record, request("c-7"));
      expect(outcome).toMatchObject({ ok: true, orderName: "", warning: { reason } });
      expect(await lenient.deleteClusterOrder(record, "c-7")).toMatchObject({ ok: true });
    }
    const limited = kubeconfigYaml({ server: kube.server, caPem: kube.caPem, token: limitedToken });
    expect(await lenient.ensureClusterOrder(hub({ kubeconfig: limited }), request("c-7"))).toMatchObject({ ok: false, reason: "HubForbidden" });
  });

  it("makes the simulator place ClusterOrders by default; a hub that points nowhere holds the cluster back, as with the real controller", async () => {
    const logs = logLines();
    const sim = await startSimulator({ api: "innabox", seed: "catalog", provisioningDelayMs: 200, deletionDelayMs: 50, log: logs.log });
    try {
      const api = clientFor({ address: sim.address, plaintext: true });
      const create = async () => (await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } })).object!.id;
      await api.call(Hubs.method.create, { object: { id: "real", kubeconfig: Buffer.from(kube.adminKubeconfig), namespace: NS } });
      const placed = await create();
      await logs.next(new RegExp(`cluster ${placed}: READY`), { timeoutMs: 20_000 });
      const orders = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, "-l", `cloudkit.openshift.io/clusterorder-uuid=${placed}`]);
      expect(orders.items).toHaveLength(1);
      await api.call(Hubs.method.delete, { id: "real" });
      await logs.next(/hubs real: deleted/);

      const token = "fake-hub-token-0123456789";
      const fake = kubeconfigYaml({ server: "https://127.0.0.1:1", token });
      await api.call(Hubs.method.create, { object: { id: "fake", kubeconfig: Buffer.from(fake), namespace: NS } });
      const held = await create();
      const line = await logs.next(new RegExp(`cluster ${held}: hub fake could not take the ClusterOrder \\(HubUnreachable`), { timeoutMs: 20_000 });
      expect(line).not.toContain(token);
      const cluster = (await api.call(Clusters.method.get, { id: held })).object!;
      expect(cluster.status?.state ?? ClusterState.UNSPECIFIED).toBe(ClusterState.UNSPECIFIED);
      expect(JSON.stringify(cluster, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(token);
    } finally {
      await sim.stop();
    }
  });

  it("verifies a hub kubeconfig: authenticates, then refuses one not allowed to use ClusterOrders, naming what is missing", async () => {
    const admin = kubeconfigYaml({ server: kube.server, caPem: kube.caPem, token: kube.adminToken });
    const kubeconfig = buildKubeconfig({ adminKubeconfig: admin, token: limitedToken, namespace: NS, clusterName: "hub-1", userName: "limited" });
    expect(Buffer.byteLength(kubeconfig)).toBeLessThan(4096);
    const error = await verifyKubeconfig(kubeconfig, requiredAccess(NS), [], 500).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      `the hub kubeconfig authenticates as 'system:serviceaccount:${NS}:limited' but may not create clusterorders.cloudkit.openshift.io in namespace '${NS}'; the fulfillment service needs that`,
    );
    const refused = buildKubeconfig({ adminKubeconfig: admin, token: "bogus-token-value-123456", namespace: NS, clusterName: "hub-1", userName: "x" });
    await expect(verifyKubeconfig(refused, [], [], 500)).rejects.toThrow(/does not authenticate .*401/);

    // No CA data and no opt-in: refused; with the opt-in: a kubeconfig without CA that skips verification.
    const noCa = kubeconfigYaml({ server: kube.server, token: kube.adminToken });
    expect(() => buildKubeconfig({ adminKubeconfig: noCa, token: "t", namespace: NS, clusterName: "h", userName: "u" })).toThrow(/insecureSkipTlsVerify: true/);
    const insecure = buildKubeconfig({ adminKubeconfig: admin, token: limitedToken, namespace: NS, clusterName: "h", userName: "u", insecureSkipTlsVerify: true });
    expect(insecure).toContain("insecure-skip-tls-verify: true");
    expect(insecure).not.toContain("certificate-authority-data");
    expect((await kubectl(insecure, ["auth", "whoami"])).code).toBe(0);
  });
});

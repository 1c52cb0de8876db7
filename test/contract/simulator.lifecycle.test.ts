// The controller as clients observe it: UNSPECIFIED -> PROGRESSING -> READY (or
// FAILED), hub placement and ClusterOrders, node set convergence, deletion with a
// finalizer, and credentials that appear only once the cluster is READY.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { parse } from "yaml";
import { startSimulator, type Simulator } from "../../simulator";
import type { ClusterOrderRequest, HubOrderOutcome, HubOrders, HubRecord } from "../../simulator/hubOrders";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterConditionType, ClusterState, type Cluster } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { ConditionStatus } from "../../proto/gen/shared/v1/metadata_pb";
import { grpcError, pollUntil, RawClient } from "../helpers/grpcRaw";
import { logLines } from "../helpers/logLines";

class FakeHubOrders implements HubOrders {
  ensured: Array<{ hub: HubRecord; order: ClusterOrderRequest }> = [];
  deleted: Array<{ hub: string; clusterId: string }> = [];
  refuse?: { reason: string; message: string };

  async ensureClusterOrder(hub: HubRecord, order: ClusterOrderRequest): Promise<HubOrderOutcome> {
    if (this.refuse) return { ok: false, ...this.refuse };
    this.ensured.push({ hub, order });
    return { ok: true, orderName: `order-${order.clusterId.slice(0, 5)}` };
  }

  async deleteClusterOrder(hub: HubRecord, clusterId: string): Promise<HubOrderOutcome> {
    this.deleted.push({ hub: hub.id, clusterId });
    return { ok: true, orderName: "" };
  }
}

const condition = (cluster: Cluster | undefined, type: ClusterConditionType) =>
  cluster?.status?.conditions.find((candidate) => candidate.type === type);

describe("with a hub", () => {
  let sim: Simulator;
  let api: RawClient;
  const hub = new FakeHubOrders();
  const logs = logLines();
  const get = async (id: string) => (await api.call(Clusters.method.get, { id })).object!;
  const getPrivate = async (id: string) => (await api.call(PrivateClusters.method.get, { id })).object!;
  const untilState = (id: string, state: ClusterState, timeoutMs = 5000) =>
    pollUntil(() => get(id), (cluster) => cluster.status?.state === state, { timeoutMs });

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog",
      log: logs.log,
      // Long enough that a Get right after Create reliably sees the pre-controller state.
      controllerDelayMs: 250,
      provisioningDelayMs: 250,
      nodeSetConvergenceMs: 150,
      deletionDelayMs: 100,
      hubOrders: hub,
    });
    api = new RawClient(sim.address);
    await api.call(Hubs.method.create, {
      object: { id: "hub-1", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\n"), namespace: "orders" },
    });
  });

  afterAll(async () => {
    api.close();
    await sim.stop();
  });

  test("UNSPECIFIED, then PROGRESSING with every condition FALSE and a finalizer, then READY", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { name: "dev" }, spec: { template: "sim_small", nodeSets: { workers: { size: 3 } } } },
    });
    const id = created.object!.id;
    const fresh = await get(id);
    expect(fresh.status?.state ?? ClusterState.UNSPECIFIED).toBe(ClusterState.UNSPECIFIED);
    expect(fresh.status?.conditions ?? []).toEqual([]);
    const kubeconfigEarly = await grpcError(api.call(Clusters.method.getKubeconfig, { id }));
    expect([kubeconfigEarly.code, kubeconfigEarly.details]).toEqual([
      grpc.status.NOT_FOUND,
      `kubeconfig for cluster with identifier '${id}' isn't yet available`,
    ]);

    const progressing = await untilState(id, ClusterState.PROGRESSING);
    expect(progressing.status!.conditions.map((c) => c.type).sort()).toEqual([
      ClusterConditionType.PROGRESSING,
      ClusterConditionType.READY,
      ClusterConditionType.FAILED,
      ClusterConditionType.DEGRADED,
    ]);
    for (const type of [ClusterConditionType.READY, ClusterConditionType.FAILED, ClusterConditionType.DEGRADED]) {
      expect(condition(progressing, type)?.status).toBe(ConditionStatus.FALSE);
    }
    const privateView = await getPrivate(id);
    expect(privateView.metadata?.finalizers).toEqual(["fulfillment-controller"]);
    expect(privateView.status?.hub).toBe("hub-1");
    const password = await grpcError(api.call(Clusters.method.getPassword, { id }));
    expect([password.code, password.details]).toEqual([
      grpc.status.NOT_FOUND,
      `password for cluster with identifier '${id}' isn't available yet`,
    ]);

    const ready = await untilState(id, ClusterState.READY);
    expect(ready.status?.apiUrl).toBe("https://api.dev.hub-1.sim.example:6443");
    expect(ready.status?.consoleUrl).toContain("dev.hub-1.sim.example");
    expect(condition(ready, ClusterConditionType.READY)?.status).toBe(ConditionStatus.TRUE);
    expect(condition(ready, ClusterConditionType.PROGRESSING)?.status).toBe(ConditionStatus.FALSE);
    expect(ready.status?.nodeSets).toEqual(ready.spec?.nodeSets);
    expect(ready.status?.nodeSets.workers.size).toBe(3);

    const kubeconfig = (await api.call(Clusters.method.getKubeconfig, { id })).kubeconfig;
    const parsed = parse(kubeconfig) as {
      clusters: Array<{ cluster: { server: string } }>;
      users: Array<{ user: { token: string } }>;
    };
    expect(parsed.clusters[0].cluster.server).toBe(ready.status?.apiUrl);
    expect(parsed.users[0].user.token.length).toBeGreaterThan(20);
    const password2 = (await api.call(Clusters.method.getPassword, { id })).password;
    expect(password2).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    const viaHttp = await api.call(Clusters.method.getKubeconfigViaHttp, { id });
    expect(viaHttp.contentType).toBe("application/yaml");
    expect(Buffer.from(viaHttp.data).toString()).toBe(kubeconfig);
    const passwordViaHttp = await api.call(Clusters.method.getPasswordViaHttp, { id });
    expect(Buffer.from(passwordViaHttp.data).toString()).toBe(password2);

    // The ClusterOrder the controller placed on the hub.
    const order = hub.ensured.find((entry) => entry.order.clusterId === id)!;
    expect(order.hub).toEqual({ id: "hub-1", kubeconfig: "apiVersion: v1\nkind: Config\n", namespace: "orders" });
    expect(order.order).toEqual({
      clusterId: id,
      templateId: "sim_small",
      templateParameters: { ha: false, release: "4.17.0" },
      nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: 3 }],
    });
  });

  test("credentials of an unknown cluster are INTERNAL", async () => {
    const kubeconfig = await grpcError(api.call(Clusters.method.getKubeconfig, { id: "ghost" }));
    expect([kubeconfig.code, kubeconfig.details]).toEqual([
      grpc.status.INTERNAL,
      "failed to get kubeconfig for cluster with identifier 'ghost'",
    ]);
    const password = await grpcError(api.call(Clusters.method.getPassword, { id: "ghost" }));
    expect(password.code).toBe(grpc.status.INTERNAL);
  });

  test("label outcome=failed ends in FAILED with reason ProvisioningFailed; no credentials", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/outcome": "failed" } }, spec: { template: "sim_small" } },
    });
    const id = created.object!.id;
    const failed = await untilState(id, ClusterState.FAILED);
    const failedCondition = condition(failed, ClusterConditionType.FAILED);
    expect(failedCondition?.status).toBe(ConditionStatus.TRUE);
    expect(failedCondition?.reason).toBe("ProvisioningFailed");
    expect(failedCondition?.message).not.toBe("");
    expect(condition(failed, ClusterConditionType.READY)?.status).toBe(ConditionStatus.FALSE);
    expect((await grpcError(api.call(Clusters.method.getKubeconfig, { id }))).code).toBe(grpc.status.NOT_FOUND);
  });

  test("label provisioning-ms overrides the provisioning delay per cluster", async () => {
    const slow = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "60000" } }, spec: { template: "sim_small" } },
    });
    const fast = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "0" } }, spec: { template: "sim_small" } },
    });
    await untilState(fast.object!.id, ClusterState.READY);
    // A cluster with the default delay, made after the slow one, is the event: once it is
    // READY, the slow one would be too if its label were ignored.
    const usual = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
    await untilState(usual.object!.id, ClusterState.READY);
    expect((await get(slow.object!.id)).status?.state).toBe(ClusterState.PROGRESSING);
  });

  test("node set changes after READY never reach the hub: the innabox controller acts only while PROGRESSING", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "0" } }, spec: { template: "sim_small" } },
    });
    const id = created.object!.id;
    await untilState(id, ClusterState.READY);
    const ordersBefore = hub.ensured.filter((entry) => entry.order.clusterId === id).length;
    const mark = logs.lines.length;
    await api.call(Clusters.method.update, {
      object: { id, spec: { nodeSets: { workers: { hostClass: "acme_1tib", size: 5 } } } },
      updateMask: { paths: ["spec.node_sets"] },
    });
    // The controller's pass after the update is the event: it has looked and decided.
    await logs.next(new RegExp(`cluster ${id}: READY; spec.node_sets changed`), { after: mark });
    const after = await get(id);
    expect(after.spec?.nodeSets.workers.size).toBe(5);
    expect(after.status?.nodeSets.workers.size).toBe(2);
    expect(after.status?.state).toBe(ClusterState.READY);
    expect(hub.ensured.filter((entry) => entry.order.clusterId === id)).toHaveLength(ordersBefore);
  });

  test("spec changes while PROGRESSING patch the ClusterOrder", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "60000" } }, spec: { template: "sim_gpu" } },
    });
    const id = created.object!.id;
    const orders = () => hub.ensured.filter((entry) => entry.order.clusterId === id).map((entry) => entry.order.nodeRequests);
    await pollUntil(async () => orders(), (seen) => seen.length === 1);
    expect(orders()[0]).toEqual([
      { resourceClass: "acme_gpu", numberOfNodes: 1 },
      { resourceClass: "acme_1tib", numberOfNodes: 2 },
    ]);
    await api.call(Clusters.method.update, {
      object: { id, spec: { nodeSets: { workers: { size: 4 } } } },
      updateMask: { paths: ["spec.node_sets.workers.size"] },
    });
    const patched = await pollUntil(async () => orders(), (seen) => seen.length === 2);
    expect(patched[1]).toContainEqual({ resourceClass: "acme_1tib", numberOfNodes: 4 });
    expect((await get(id)).status?.state).toBe(ClusterState.PROGRESSING);
  });

  test("delete: pending with deletion_timestamp and finalizer, ClusterOrder deleted, then NOT_FOUND", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "0" } }, spec: { template: "sim_small" } },
    });
    const id = created.object!.id;
    await untilState(id, ClusterState.READY);
    await api.call(Clusters.method.delete, { id });
    const pending = await getPrivate(id);
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    expect(pending.metadata?.finalizers).toEqual(["fulfillment-controller"]);
    const gone = await pollUntil(
      () => grpcError(api.call(Clusters.method.get, { id })),
      (error) => error.code === grpc.status.NOT_FOUND,
    );
    expect(gone.details).toBe(`object with identifier '${id}' not found`);
    expect(hub.deleted).toContainEqual({ hub: "hub-1", clusterId: id });
  });

  test("label deletion=stuck keeps a deleted cluster pending until the label goes", async () => {
    const created = await api.call(Clusters.method.create, {
      object: {
        metadata: { labels: { "simulator.osac.io/deletion": "stuck", "simulator.osac.io/provisioning-ms": "0" } },
        spec: { template: "sim_small" },
      },
    });
    const id = created.object!.id;
    await untilState(id, ClusterState.READY);
    const mark = logs.lines.length;
    await api.call(Clusters.method.delete, { id });
    await logs.next(new RegExp(`cluster ${id}: deletion held by label simulator.osac.io/deletion: stuck`), { after: mark });
    expect((await get(id)).metadata?.deletionTimestamp).toBeDefined();
    await api.call(Clusters.method.update, { object: { id, metadata: { labels: {} } }, updateMask: { paths: ["metadata.labels"] } });
    await pollUntil(
      () => grpcError(api.call(Clusters.method.get, { id })),
      (error) => error.code === grpc.status.NOT_FOUND,
    );
  });

  test("a hub that cannot take the ClusterOrder: the status stays empty, and only a change of the cluster brings another try", async () => {
    hub.refuse = { reason: "HubUnauthorized", message: "hub 'hub-1' cannot authenticate: 401 Unauthorized" };
    try {
      const mark = logs.lines.length;
      const created = await api.call(Clusters.method.create, {
        object: { metadata: { labels: { "simulator.osac.io/provisioning-ms": "0" } }, spec: { template: "sim_small" } },
      });
      const id = created.object!.id;
      const refused = new RegExp(`cluster ${id}: hub hub-1 could not take the ClusterOrder \\(HubUnauthorized`);
      await logs.next(refused, { after: mark });
      const stuck = await getPrivate(id);
      expect(stuck.status?.state ?? ClusterState.UNSPECIFIED).toBe(ClusterState.UNSPECIFIED);
      expect(stuck.status?.conditions ?? []).toEqual([]);
      expect(stuck.status?.hub ?? "").toBe("");
      expect(stuck.metadata?.finalizers ?? []).toEqual([]);

      hub.refuse = undefined;
      await api.call(Clusters.method.update, { object: { id, metadata: { labels: { "simulator.osac.io/provisioning-ms": "0", touched: "yes" } } }, updateMask: { paths: ["metadata.labels"] } });
      const ready = await untilState(id, ClusterState.READY);
      expect(ready.status?.state).toBe(ClusterState.READY);
      // One failed attempt, then the one the change brought: no retries of its own in between.
      expect(logs.count(refused)).toBe(1);
    } finally {
      hub.refuse = undefined;
    }
  });
});

describe("without a hub", () => {
  let sim: Simulator;
  let api: RawClient;

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 10, provisioningDelayMs: 50 });
    api = new RawClient(sim.address);
  });

  afterAll(async () => {
    api.close();
    await sim.stop();
  });

  test("PROGRESSING with reason ResourcesUnavailable until a hub is registered; hubs are picked among the registered", async () => {
    const created = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
    const id = created.object!.id;
    const waiting = await pollUntil(
      async () => (await api.call(Clusters.method.get, { id })).object!,
      (cluster) => condition(cluster, ClusterConditionType.PROGRESSING)?.reason === "ResourcesUnavailable",
    );
    expect(waiting.status?.state).toBe(ClusterState.PROGRESSING);
    expect(condition(waiting, ClusterConditionType.PROGRESSING)?.status).toBe(ConditionStatus.FALSE);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api.call(Clusters.method.get, { id })).object?.status?.state).toBe(ClusterState.PROGRESSING);

    await api.call(Hubs.method.create, { object: { id: "late-a", namespace: "orders" } });
    await api.call(Hubs.method.create, { object: { id: "late-b", namespace: "orders" } });
    const ready = await pollUntil(
      async () => (await api.call(PrivateClusters.method.get, { id })).object!,
      (cluster) => cluster.status?.state === ClusterState.READY,
    );
    expect(["late-a", "late-b"]).toContain(ready.status?.hub);
    // No hub implementation was given: the cluster still provisions, without any Kubernetes call.
    expect(ready.status?.apiUrl).toBe(`https://api.${id}.${ready.status?.hub}.sim.example:6443`);
  });
});

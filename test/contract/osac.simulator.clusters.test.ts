// osac clusters over real gRPC against shared/osac-api.md: Create validation in the
// server's order and texts, spec defaults, CIDRs, pull secret redaction, Update checks and
// masks, the controller's passes and states, and the ClusterOrders it puts on a hub (a
// small fake Kubernetes API that records what it is sent).
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { anyPack, Int32ValueSchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/osac/private/v1/clusters_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import { HostTypes as PrivateHostTypes } from "../../proto/gen/osac/private/v1/host_types_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterConditionType, ClusterState, type Cluster } from "../../proto/gen/osac/private/v1/cluster_type_pb";
import { ConditionStatus } from "../../proto/gen/osac/private/v1/condition_status_type_pb";
import { OUTCOME_LABEL } from "../../simulator";
import { grpcError, pollUntil } from "../helpers/grpcRaw";
import { startOsac, type OsacFixture } from "../helpers/osacRaw";

const STRING = "type.googleapis.com/google.protobuf.StringValue";
const code = async (promise: Promise<unknown>) => {
  const error = await grpcError(promise);
  return [error.code, error.details];
};
const str = (value: string) => anyPack(StringValueSchema, create(StringValueSchema, { value }));

/** Host types acme_1tb (named acme-1tb), acme_gpu (named acme-gpu), plain (no name); template ocp_small (named small). */
async function catalogue(f: OsacFixture): Promise<void> {
  await f.client.call(PrivateHostTypes.method.create, { object: { id: "acme_1tb", metadata: { name: "acme-1tb" } } }, f.admin);
  await f.client.call(PrivateHostTypes.method.create, { object: { id: "acme_gpu", metadata: { name: "acme-gpu" } } }, f.admin);
  await f.client.call(PrivateHostTypes.method.create, { object: { id: "plain" } }, f.admin);
  await f.client.call(
    PrivateTemplates.method.create,
    {
      object: {
        id: "ocp_small",
        metadata: { name: "small" },
        nodeSets: { workers: { hostType: "acme-1tb", size: 2 }, infra: { hostType: "plain", size: 1 } },
        parameters: [
          { name: "pull_secret", required: true, type: STRING },
          { name: "ha", required: false, type: "type.googleapis.com/google.protobuf.BoolValue" },
          { name: "release", required: false, type: STRING, default: str("4.17.0") },
        ],
        specDefaults: { pullSecret: "DEFAULT-PS", sshPublicKey: "ssh-ed25519 AAAA", releaseImage: "quay.io/ocp:4.17", network: { podCidr: "10.128.0.1/14" } },
      },
    },
    f.admin,
  );
  await f.client.call(PrivateTemplates.method.create, { object: { id: "broken", nodeSets: { workers: { hostType: "nonexistent", size: 1 } } } }, f.admin);
}

const spec = (extra: Record<string, unknown> = {}) => ({ template: "ocp_small", templateParameters: { pull_secret: str("ps") }, ...extra });

describe("osac simulator: cluster Create", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac({ controllerDelayMs: 600_000, seed: "server" });
    await catalogue(f);
  });
  afterAll(() => f.close());
  const createCluster = (object: Record<string, unknown>, token = f.alice) => f.client.call(Clusters.method.create, { object }, token);

  it("resolves the user's host types first: NOT_FOUND for an unknown one (live)", async () => {
    expect(await code(createCluster({ spec: { template: "nope", nodeSets: { workers: { hostType: "zzz", size: 1 } } } }))).toEqual([
      grpc.status.NOT_FOUND,
      "there is no host type with identifier or name 'zzz'",
    ]);
  });

  it("checks template and catalog item (live: template lookup failure is INVALID_ARGUMENT)", async () => {
    expect(await code(createCluster({ spec: { template: "ocp_small", catalogItem: "ci" } }))).toEqual([grpc.status.INVALID_ARGUMENT, "catalog_item and template are mutually exclusive"]);
    expect(await code(createCluster({}))).toEqual([grpc.status.INVALID_ARGUMENT, "template is mandatory"]);
    expect(await code(createCluster({ spec: { template: "nope" } }))).toEqual([grpc.status.INVALID_ARGUMENT, "there is no template with identifier or name 'nope'"]);
  });

  it("validates and canonicalises CIDRs (live)", async () => {
    expect(await code(createCluster({ spec: spec({ network: { podCidr: "10.0.0.0/33" } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      'invalid pod_cidr "10.0.0.0/33": netip.ParsePrefix("10.0.0.0/33"): prefix length out of range',
    ]);
    expect(await code(createCluster({ spec: spec({ network: { serviceCidr: "abc" } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      `invalid service_cidr "abc": netip.ParsePrefix("abc"): no '/'`,
    ]);
    const created = await createCluster({ spec: spec({ network: { podCidr: "10.0.0.1/8", serviceCidr: "fd00::1/64" } }) });
    expect(created.object?.spec?.network).toMatchObject({ podCidr: "10.0.0.0/8", serviceCidr: "fd00::/64" });
  });

  it("needs every host type of the template (live)", async () => {
    expect(await code(createCluster({ spec: { template: "broken" } }))).toEqual([grpc.status.NOT_FOUND, "there is no host type with identifier or name 'nonexistent'"]);
  });

  it("checks node sets against the template with its texts (live)", async () => {
    expect(await code(createCluster({ spec: spec({ template: "small", nodeSets: { masters: { size: 1 } } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "node set 'masters' doesn't exist, valid values for template 'small' are 'infra' and 'workers'",
    ]);
    expect(await code(createCluster({ spec: spec({ nodeSets: { workers: { hostType: "acme-gpu", size: 1 } } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "host type for node set 'workers' should be empty, 'acme-1tb' or 'acme_1tb', like in template 'ocp_small', but it is 'acme_gpu'",
    ]);
    expect(await code(createCluster({ spec: spec({ nodeSets: { infra: { hostType: "acme_gpu", size: 1 } } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "host type for node set 'infra' should be empty or 'plain', like in template 'ocp_small', but it is 'acme_gpu'",
    ]);
    expect(await code(createCluster({ spec: spec({ nodeSets: { workers: { size: 0 } } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "size for node set 'workers' should be greater than zero, but it is 0",
    ]);
  });

  it("checks parameters, named by template id (live)", async () => {
    const noSecret = { template: "small" };
    expect(await code(createCluster({ spec: { ...noSecret, templateParameters: { bogus: str("x"), pull_secret: str("p") } } }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "template parameter 'bogus' doesn't exist, valid values for template 'ocp_small' are 'ha', 'pull_secret' and 'release'",
    ]);
    expect(await code(createCluster({ spec: { ...noSecret, templateParameters: { a: str("x"), b: str("y") } } }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "template parameters 'a' and 'b' don't exist, valid values for template 'ocp_small' are 'ha', 'pull_secret' and 'release'",
    ]);
    expect(await code(createCluster({ spec: noSecret }))).toEqual([grpc.status.INVALID_ARGUMENT, "parameter 'pull_secret' of template 'ocp_small' is mandatory"]);
    const wrongType = { pull_secret: anyPack(Int32ValueSchema, create(Int32ValueSchema, { value: 1 })) };
    expect(await code(createCluster({ spec: { ...noSecret, templateParameters: wrongType } }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "type of parameter 'pull_secret' of template 'ocp_small' should be 'type.googleapis.com/google.protobuf.StringValue', but it is 'type.googleapis.com/google.protobuf.Int32Value'",
    ]);
  });

  it("refuses a subnet that does not exist", async () => {
    expect(await code(createCluster({ spec: spec({ networkAttachment: { subnet: "no-such-subnet" } }) }))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "subnet 'no-such-subnet' does not exist or has been deleted",
    ]);
  });

  it("stores the template id, rebuilt node sets with host type ids, parameter and spec defaults; status {} (live)", async () => {
    const created = await createCluster({ spec: spec({ template: "small", nodeSets: { workers: { hostType: "acme-1tb", size: 5 } } }), status: { state: 2 } });
    const cluster = created.object!;
    expect(cluster.spec).toMatchObject({
      template: "ocp_small",
      nodeSets: { workers: { hostType: "acme_1tb", size: 5 }, infra: { hostType: "plain", size: 1 } },
      pullSecret: "***",
      sshPublicKey: "ssh-ed25519 AAAA",
      releaseImage: "quay.io/ocp:4.17",
      network: { podCidr: "10.128.0.0/14" },
    });
    expect(Object.keys(cluster.spec!.templateParameters).sort()).toEqual(["pull_secret", "release"]);
    expect(cluster.status).toEqual(expect.objectContaining({ state: ClusterState.UNSPECIFIED, conditions: [] }));
    expect(cluster.metadata).toMatchObject({ version: 0, tenant: "acme" });
    // The private API returns the pull secret in clear (the template's default here).
    const stored = await f.client.call(PrivateClusters.method.get, { id: cluster.id }, f.admin);
    expect(stored.object?.spec?.pullSecret).toBe("DEFAULT-PS");
  });

  it("resolves duplicated host type names to the lowest id (live)", async () => {
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "z_dup", metadata: { name: "dup" } } }, f.admin);
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "a_dup", metadata: { name: "dup" } } }, f.admin);
    await f.client.call(PrivateTemplates.method.create, { object: { id: "duptpl", nodeSets: { workers: { hostType: "dup", size: 1 } } } }, f.admin);
    const created = await createCluster({ spec: { template: "duptpl", nodeSets: { workers: { hostType: "dup", size: 1 } } } });
    expect(created.object?.spec?.nodeSets.workers.hostType).toBe("a_dup");
  });
});

describe("osac simulator: cluster Update", () => {
  let f: OsacFixture;
  let id: string;
  beforeAll(async () => {
    f = await startOsac({ controllerDelayMs: 600_000, seed: "server" });
    await catalogue(f);
  });
  afterAll(() => f.close());

  const fresh = async () => (await f.client.call(Clusters.method.create, { object: { metadata: { name: "c", labels: { team: "a" } }, spec: spec({ pullSecret: "TOPSECRET" }) } }, f.alice)).object!.id;
  const update = (object: Record<string, unknown>, paths?: string[]) =>
    f.client.call(Clusters.method.update, { object: { id, ...object }, ...(paths ? { updateMask: { paths } } : {}) }, f.alice);

  it("refuses changes of template and parameters in the mask (live)", async () => {
    id = await fresh();
    expect(await code(update({ spec: { template: "ocp_gpu" } }, ["spec.template"]))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "cannot change spec.template from 'ocp_small' to 'ocp_gpu': template is immutable",
    ]);
    expect(await code(update({ spec: { templateParameters: { pull_secret: str("other") } } }, ["spec.template_parameters"]))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "cannot change spec.template_parameters: template parameters are immutable",
    ]);
  });

  it("checks node sets: not the last, host type immutable (the name counts as a change); adds and removes (live)", async () => {
    id = await fresh();
    expect(await code(update({ spec: { nodeSets: {} } }, ["spec.node_sets"]))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "cannot remove the last node set: clusters must have at least one node set",
    ]);
    expect(await code(update({ spec: { nodeSets: { workers: { hostType: "acme-1tb", size: 3 }, infra: { hostType: "plain", size: 1 } } } }, ["spec.node_sets"]))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "cannot change host_type for node set 'workers' from 'acme_1tb' to 'acme-1tb': host_type is immutable",
    ]);
    const changed = await update({ spec: { nodeSets: { workers: { hostType: "acme_1tb", size: 3 }, extra: { hostType: "anything", size: 9 } } } }, ["spec.node_sets"]);
    expect(changed.object?.spec?.nodeSets).toEqual({ workers: expect.objectContaining({ hostType: "acme_1tb", size: 3 }), extra: expect.objectContaining({ hostType: "anything", size: 9 }) });
    expect(changed.object?.metadata?.version).toBe(1);
  });

  it("clears the stored host type with a mask path spec.node_sets.workers.size (live trap)", async () => {
    id = await fresh();
    const updated = await update({ spec: { nodeSets: { workers: { size: 4 } } } }, ["spec.node_sets.workers.size"]);
    expect(updated.object?.spec?.nodeSets.workers).toEqual(expect.objectContaining({ hostType: "", size: 4 }));
    expect(updated.object?.spec?.nodeSets.infra).toEqual(expect.objectContaining({ hostType: "plain", size: 1 }));
  });

  it("keeps the stored pull secret when `***` is echoed", async () => {
    id = await fresh();
    const got = (await f.client.call(Clusters.method.get, { id }, f.alice)).object!;
    expect(got.spec?.pullSecret).toBe("***");
    await f.client.call(Clusters.method.update, { object: { ...got, metadata: { ...got.metadata!, name: "renamed" } } }, f.alice);
    const stored = await f.client.call(PrivateClusters.method.get, { id }, f.admin);
    expect([stored.object?.metadata?.name, stored.object?.spec?.pullSecret]).toEqual(["renamed", "TOPSECRET"]);
  });

  it("wipes spec and name on a public Update without a mask, merging labels key by key (live)", async () => {
    id = await fresh();
    const updated = await update({ metadata: { labels: { team: "c", extra: "x" } } });
    expect(updated.object?.spec).toBeUndefined();
    expect(updated.object?.metadata).toMatchObject({ name: "", labels: { team: "c", extra: "x" }, tenant: "acme", version: 1 });
  });

  it("never copies a public status in; a public `status` mask clears the stored status (live)", async () => {
    const created = await f.client.call(PrivateClusters.method.create, { object: { spec: spec(), status: { state: ClusterState.PROGRESSING, hub: "h" } } }, f.admin);
    id = created.object!.id;
    const ignored = await f.client.call(Clusters.method.update, { object: { id, status: { state: ClusterState.READY } }, updateMask: { paths: ["metadata.labels"] } }, f.admin);
    expect(ignored.object?.status?.state).toBe(ClusterState.PROGRESSING);
    await f.client.call(Clusters.method.update, { object: { id, status: { state: ClusterState.READY } }, updateMask: { paths: ["status"] } }, f.admin);
    const stored = await f.client.call(PrivateClusters.method.get, { id }, f.admin);
    expect(stored.object?.status).toBeUndefined();
  });
});

describe("osac simulator: the cluster controller", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac({ provisioningDelayMs: 150, deletionDelayMs: 150, nodeSetConvergenceMs: 100, controllerDelayMs: 5 });
  });
  afterAll(() => f.close());

  const get = async (id: string) => (await f.client.call(PrivateClusters.method.get, { id }, f.admin)).object!;
  const until = (id: string, done: (cluster: Cluster) => boolean, timeoutMs = 5000) => pollUntil(() => get(id), done, { timeoutMs });

  it("without a hub: finalizer, PROGRESSING with every condition FALSE, ResourcesUnavailable, no hub (live); its delete never completes (live)", async () => {
    const id = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice)).object!.id;
    const waiting = await until(id, (c) => c.status?.conditions.some((condition) => condition.reason === "ResourcesUnavailable") ?? false);
    expect(waiting.metadata?.finalizers).toEqual(["fulfillment-controller"]);
    expect(waiting.status?.state).toBe(ClusterState.PROGRESSING);
    expect(waiting.status?.hub).toBe("");
    expect(waiting.status?.stateTransitionTime).toBeDefined();
    expect(waiting.status?.conditions.map((condition) => [condition.type, condition.status]).sort()).toEqual([
      [ClusterConditionType.PROGRESSING, ConditionStatus.FALSE],
      [ClusterConditionType.READY, ConditionStatus.FALSE],
      [ClusterConditionType.FAILED, ConditionStatus.FALSE],
      [ClusterConditionType.DEGRADED, ConditionStatus.FALSE],
    ].sort());
    const progressing = waiting.status!.conditions.find((condition) => condition.type === ClusterConditionType.PROGRESSING)!;
    expect(progressing.message).toBe("The cluster cannot be created because there are no resources available to fulfill the request.");
    await f.client.call(Clusters.method.delete, { id }, f.alice);

    // A cluster that lands on a hub, deleted after it, goes away; the hubless one stays.
    await f.client.call(Hubs.method.create, { object: { id: "hub1", spec: { namespace: "orders", kubeconfig: Buffer.from("unused") } } }, f.admin);
    const other = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice)).object!.id;
    await until(other, (c) => c.status?.state === ClusterState.READY);
    await f.client.call(Clusters.method.delete, { id: other }, f.alice);
    await pollUntil(() => grpcError(f.client.call(Clusters.method.get, { id: other }, f.alice)), (error) => error.code === grpc.status.NOT_FOUND);
    const stuck = await get(id);
    expect(stuck.metadata?.deletionTimestamp).toBeDefined();
    expect(stuck.metadata?.finalizers).toEqual(["fulfillment-controller"]);
    await f.client.call(Hubs.method.delete, { id: "hub1" }, f.admin);
  });

  it("with a hub: PROGRESSING with status.hub, READY with URLs; DELETING while deleting; versions count the writes", async () => {
    await f.client.call(Hubs.method.create, { object: { id: "hub2", spec: { namespace: "orders", kubeconfig: Buffer.from("unused") } } }, f.admin);
    const id = (await f.client.call(Clusters.method.create, { object: { metadata: { name: "web" }, spec: { template: "sim_small" } } }, f.alice)).object!.id;
    const ready = await until(id, (c) => c.status?.state === ClusterState.READY);
    expect(ready.status).toMatchObject({ hub: "hub2", apiUrl: expect.stringMatching(/^https:\/\//), consoleUrl: expect.stringMatching(/^https:\/\/console-openshift-console\.apps\./) });
    expect(ready.status?.nodeSets).toEqual({ workers: expect.objectContaining({ hostType: "acme_1tib", size: 2 }) });
    expect(ready.metadata!.version).toBeGreaterThanOrEqual(3);
    const kubeconfig = await f.client.call(Clusters.method.getKubeconfig, { id }, f.alice);
    expect(kubeconfig.kubeconfig).toContain(ready.status!.apiUrl);
    expect((await f.client.call(Clusters.method.getPassword, { id }, f.alice)).password).toMatch(/^\w{5}(-\w{5}){3}$/);

    // The osac controller keeps acting after READY: node sets converge.
    await f.client.call(Clusters.method.update, { object: { id, spec: { nodeSets: { workers: { hostType: "acme_1tib", size: 4 } } } }, updateMask: { paths: ["spec.node_sets"] } }, f.alice);
    await until(id, (c) => c.status?.nodeSets.workers?.size === 4);

    await f.client.call(Clusters.method.delete, { id }, f.alice);
    const deleting = await until(id, (c) => c.status?.state === ClusterState.DELETING);
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    await pollUntil(() => grpcError(f.client.call(Clusters.method.get, { id }, f.alice)), (error) => error.code === grpc.status.NOT_FOUND);
  });

  it("fails a cluster labelled to fail", async () => {
    const id = (await f.client.call(Clusters.method.create, { object: { metadata: { labels: { [OUTCOME_LABEL]: "failed" } }, spec: { template: "sim_small" } } }, f.alice)).object!.id;
    const failed = await until(id, (c) => c.status?.state === ClusterState.FAILED);
    expect(failed.status?.conditions.find((condition) => condition.type === ClusterConditionType.FAILED)?.status).toBe(ConditionStatus.TRUE);
  });

  it("answers GetKubeconfig/GetPassword with the clusters server's codes (live)", async () => {
    expect(await code(f.client.call(Clusters.method.getKubeconfig, { id: "" }, f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "cluster identifier is mandatory"]);
    expect(await code(f.client.call(Clusters.method.getKubeconfig, { id: "nope" }, f.alice))).toEqual([grpc.status.INTERNAL, "failed to get kubeconfig for cluster with identifier 'nope'"]);
    const created = await f.client.call(PrivateClusters.method.create, { object: { spec: { template: "sim_small" } } }, f.admin);
    const id = created.object!.id;
    expect(await code(f.client.call(Clusters.method.getKubeconfig, { id }, f.admin))).toEqual([grpc.status.NOT_FOUND, `kubeconfig for cluster with identifier '${id}' isn't yet available`]);
    expect(await code(f.client.call(Clusters.method.getPassword, { id }, f.admin))).toEqual([grpc.status.NOT_FOUND, `password for cluster with identifier '${id}' isn't available yet`]);
  });
});

interface RecordedOrder {
  apiVersion: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Just enough of a Kubernetes API for ClusterOrders in one namespace. */
async function fakeKube(): Promise<{ kubeconfig: string; orders: RecordedOrder[]; paths: string[]; close(): Promise<void> }> {
  const orders: RecordedOrder[] = [];
  const paths: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://x");
      paths.push(`${request.method} ${url.pathname}`);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (!url.pathname.startsWith("/apis/osac.openshift.io/v1alpha1/namespaces/orders/clusterorders")) return send(404, { kind: "Status", reason: "NotFound", message: "not found" });
      if (request.method === "GET") {
        const [key, value] = (url.searchParams.get("labelSelector") ?? "=").split("=");
        return send(200, { items: orders.filter((order) => order.metadata.labels[key] === value) });
      }
      if (request.method === "POST") {
        const order = JSON.parse(Buffer.concat(chunks).toString()) as RecordedOrder & { metadata: { generateName: string } };
        order.metadata.name = `${order.metadata.generateName}${orders.length}`;
        orders.push(order);
        return send(201, order);
      }
      if (request.method === "PATCH") {
        const name = url.pathname.split("/").pop();
        const order = orders.find((candidate) => candidate.metadata.name === name);
        if (order) Object.assign(order.spec, (JSON.parse(Buffer.concat(chunks).toString()) as { spec: object }).spec);
        return send(200, order);
      }
      if (request.method === "DELETE") {
        const name = url.pathname.split("/").pop();
        orders.splice(orders.findIndex((candidate) => candidate.metadata.name === name), 1);
        return send(200, {});
      }
      send(405, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: hub, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
    "users: [{name: u, user: {token: t0ken}}]",
    "contexts: [{name: c, context: {cluster: hub, user: u}}]",
    "current-context: c",
  ].join("\n");
  return { kubeconfig, orders, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("osac simulator: ClusterOrders on a hub", () => {
  let f: OsacFixture;
  let kube: Awaited<ReturnType<typeof fakeKube>>;
  beforeAll(async () => {
    kube = await fakeKube();
    f = await startOsac({ hubs: "kube", provisioningDelayMs: 100, deletionDelayMs: 50 });
  });
  afterAll(async () => {
    await f.close();
    await kube.close();
  });

  it("holds a cluster back with ResourcesUnavailable while the only hub's kubeconfig is unusable (live)", async () => {
    await f.client.call(Hubs.method.create, { object: { id: "bad", spec: { namespace: "orders", kubeconfig: Buffer.from("not: [a kubeconfig") } } }, f.admin);
    const id = (await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice)).object!.id;
    const held = await pollUntil(() => f.client.call(PrivateClusters.method.get, { id }, f.admin), (r) => r.object?.status?.conditions.some((c) => c.reason === "ResourcesUnavailable") ?? false);
    expect(held.object?.status?.hub).toBe("");
    await f.client.call(Hubs.method.delete, { id: "bad" }, f.admin);
    await f.client.call(PrivateClusters.method.update, { object: { id, metadata: { finalizers: [] } }, updateMask: { paths: ["metadata.finalizers"] } }, f.admin);
    await f.client.call(Clusters.method.delete, { id }, f.alice);
  });

  it("creates the ClusterOrder as the osac controller does, patches it after READY and deletes it", async () => {
    await f.client.call(Hubs.method.create, { object: { id: "hub", spec: { namespace: "orders", kubeconfig: Buffer.from(kube.kubeconfig) } } }, f.admin);
    const created = await f.client.call(
      Clusters.method.create,
      { object: { spec: { template: "sim_small", pullSecret: "PS", sshPublicKey: "ssh-ed25519 K", releaseImage: "quay.io/x:1", network: { podCidr: "10.0.0.1/16" } } } },
      f.alice,
    );
    const id = created.object!.id;
    await pollUntil(() => f.client.call(PrivateClusters.method.get, { id }, f.admin), (r) => r.object?.status?.state === ClusterState.READY);
    expect(kube.orders).toHaveLength(1);
    const order = kube.orders[0];
    expect(order.apiVersion).toBe("osac.openshift.io/v1alpha1");
    expect(order.metadata).toMatchObject({ namespace: "orders", labels: { "osac.openshift.io/clusterorder-uuid": id }, annotations: { "osac.openshift.io/tenant": "acme" } });
    expect(order.metadata.name).toMatch(/^order-/);
    expect(order.spec).toEqual({
      templateID: "sim_small",
      templateParameters: JSON.stringify({ ha: false, release: "4.17.0" }),
      nodeRequests: [{ resourceClass: "acme_1tib", numberOfNodes: 2 }],
      pullSecret: "PS",
      sshPublicKey: "ssh-ed25519 K",
      releaseImage: "quay.io/x:1",
      network: { podCIDR: "10.0.0.0/16" },
    });

    await f.client.call(Clusters.method.update, { object: { id, spec: { nodeSets: { workers: { hostType: "acme_1tib", size: 3 } } } }, updateMask: { paths: ["spec.node_sets"] } }, f.alice);
    await pollUntil(async () => kube.orders[0]?.spec.nodeRequests, (requests) => JSON.stringify(requests) === JSON.stringify([{ resourceClass: "acme_1tib", numberOfNodes: 3 }]));

    await f.client.call(Clusters.method.delete, { id }, f.alice);
    await pollUntil(() => grpcError(f.client.call(Clusters.method.get, { id }, f.alice)), (error) => error.code === grpc.status.NOT_FOUND);
    expect(kube.orders).toHaveLength(0);
  });
});

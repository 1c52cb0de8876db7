// Every public and private method, through FulfillmentClient.call, against the simulator
// over real gRPC on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { ClusterState } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/private/v1/cluster_templates_service_pb";
import { HostClasses as PrivateHostClasses } from "../../proto/gen/private/v1/host_classes_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { FulfillmentError, isAlreadyExists, isNotFound } from "../../client/errors";
import { packParameter, unpackParameter } from "../../client/anyValues";
import { startSimulator, type Simulator } from "../../simulator";
import { NO_CLI_CONFIG } from "../helpers/paths";

const HUB_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: hub, cluster: {server: 'https://hub.example:6443'}}]",
  "users: [{name: sa, user: {token: hub-sa-token-0123456789abcdef}}]",
  "contexts: [{name: hub, context: {cluster: hub, user: sa}}]",
  "current-context: hub",
  "",
].join("\n");

let sim: Simulator;
let client: FulfillmentClient;
const logs: string[] = [];
const errorsSeen: string[] = [];
const secretsSeen: string[] = [HUB_KUBECONFIG, "hub-sa-token-0123456789abcdef"];

async function expectError(promise: Promise<unknown>): Promise<FulfillmentError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FulfillmentError);
  errorsSeen.push((error as Error).message, (error as Error).stack ?? "");
  return error as FulfillmentError;
}

/** Polls Get until it says NOT_FOUND (deletion with finalizers/lingering is asynchronous). */
async function expectGone(get: () => Promise<unknown>): Promise<void> {
  await expect
    .poll(async () => get().then(() => "present", (e: unknown) => (isNotFound(e) ? "gone" : String(e))), { timeout: 10_000, interval: 20 })
    .toBe("gone");
}

beforeAll(async () => {
  sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 5, provisioningDelayMs: 50, nodeSetConvergenceMs: 30, deletionDelayMs: 20 });
  const connection = resolveConnection({ explicit: { address: sim.address, plaintext: true, deadlineSeconds: 5 }, env: {}, cliConfigPath: NO_CLI_CONFIG });
  client = FulfillmentClient.connect(connection, { log: (line) => logs.push(line), retry: { initialDelayMs: 10, maxDelayMs: 50 } });
});

afterAll(async () => {
  client?.close();
  await sim?.stop();
});

describe("fulfillment.v1.HostClasses", () => {
  it("List, Get, Create, Update, Delete", async () => {
    const listed = await client.call(HostClasses.method.list, {});
    expect(listed.items.map((h) => h.id)).toEqual(expect.arrayContaining(["acme_1tib", "acme_gpu"]));
    expect(listed.total).toBeGreaterThanOrEqual(2);
    expect((await client.call(HostClasses.method.get, { id: "acme_gpu" })).object?.id).toBe("acme_gpu");

    const created = await client.call(HostClasses.method.create, { object: { id: "hc-contract", title: "Contract", description: "d" } });
    expect(created.object).toMatchObject({ id: "hc-contract", title: "Contract" });
    const updated = await client.call(HostClasses.method.update, {
      object: { id: "hc-contract", title: "Renamed" },
      updateMask: { paths: ["title"] },
    });
    expect(updated.object).toMatchObject({ title: "Renamed", description: "d" });
    await client.call(HostClasses.method.delete, { id: "hc-contract" });
    await expectGone(() => client.call(HostClasses.method.get, { id: "hc-contract" }));
  });
});

describe("fulfillment.v1.ClusterTemplates", () => {
  it("List, Get, Create, Update, Delete", async () => {
    const listed = await client.call(ClusterTemplates.method.list, { limit: 10 });
    expect(listed.items.map((t) => t.id)).toContain("sim_small");
    const template = (await client.call(ClusterTemplates.method.get, { id: "sim_small" })).object!;
    const release = template.parameters.find((p) => p.name === "release")!;
    expect(unpackParameter(release.default!, "release")).toBe("4.17.0");

    await client.call(ClusterTemplates.method.create, {
      object: {
        id: "tpl-contract",
        title: "Contract template",
        parameters: [{ name: "size", title: "Size", type: "type.googleapis.com/google.protobuf.Int32Value", default: packParameter("int32", 3, "size") }],
        nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } },
      },
    });
    const updated = await client.call(ClusterTemplates.method.update, {
      object: { id: "tpl-contract", description: "now documented" },
      updateMask: { paths: ["description"] },
    });
    expect(updated.object).toMatchObject({ description: "now documented", title: "Contract template" });
    await client.call(ClusterTemplates.method.delete, { id: "tpl-contract" });
    await expectGone(() => client.call(ClusterTemplates.method.get, { id: "tpl-contract" }));
  });
});

describe("private.v1 catalogue twins", () => {
  it("HostClasses: List, Get, Create, Update, Signal, Delete", async () => {
    expect((await client.call(PrivateHostClasses.method.list, {})).items.length).toBeGreaterThanOrEqual(2);
    await client.call(PrivateHostClasses.method.create, { object: { id: "phc", title: "P", metadata: { labels: { a: "1" } } } });
    expect((await client.call(PrivateHostClasses.method.get, { id: "phc" })).object?.metadata?.labels).toEqual({ a: "1" });
    await client.call(PrivateHostClasses.method.update, { object: { id: "phc", metadata: { labels: { a: "2" } } }, updateMask: { paths: ["metadata.labels"] } });
    expect((await client.call(PrivateHostClasses.method.get, { id: "phc" })).object).toMatchObject({ title: "P", metadata: { labels: { a: "2" } } });
    await client.call(PrivateHostClasses.method.signal, { id: "phc" });
    await client.call(PrivateHostClasses.method.delete, { id: "phc" });
    await expectGone(() => client.call(PrivateHostClasses.method.get, { id: "phc" }));
  });

  it("ClusterTemplates: List, Get, Create, Update, Signal, Delete", async () => {
    expect((await client.call(PrivateTemplates.method.list, { filter: "this.id == 'sim_small'" })).items).toHaveLength(1);
    await client.call(PrivateTemplates.method.create, { object: { id: "ptpl", title: "P", nodeSets: { w: { hostClass: "acme_gpu", size: 1 } } } });
    await client.call(PrivateTemplates.method.update, { object: { id: "ptpl", title: "Q" }, updateMask: { paths: ["title"] } });
    expect((await client.call(PrivateTemplates.method.get, { id: "ptpl" })).object?.title).toBe("Q");
    await client.call(PrivateTemplates.method.signal, { id: "ptpl" });
    await client.call(PrivateTemplates.method.delete, { id: "ptpl" });
    await expectGone(() => client.call(PrivateTemplates.method.get, { id: "ptpl" }));
  });
});

describe("private.v1.Hubs", () => {
  it("Create, Get, List, Update, Signal, Delete; kubeconfig bytes round-trip", async () => {
    const kubeconfig = new Uint8Array(Buffer.from(HUB_KUBECONFIG));
    await client.call(Hubs.method.create, { object: { id: "hub-contract", kubeconfig, namespace: "orders" } });
    const got = (await client.call(Hubs.method.get, { id: "hub-contract" })).object!;
    expect(Buffer.from(got.kubeconfig).toString()).toBe(HUB_KUBECONFIG);
    expect(got.namespace).toBe("orders");
    expect((await client.call(Hubs.method.list, {})).items.map((h) => h.id)).toContain("hub-contract");
    await client.call(Hubs.method.update, { object: { id: "hub-contract", namespace: "orders-2" }, updateMask: { paths: ["namespace"] } });
    expect((await client.call(Hubs.method.get, { id: "hub-contract" })).object?.namespace).toBe("orders-2");
    await client.call(Hubs.method.signal, { id: "hub-contract" });

    const duplicate = await expectError(client.call(Hubs.method.create, { object: { id: "hub-contract", kubeconfig, namespace: "x" } }));
    expect(isAlreadyExists(duplicate)).toBe(true);
    expect(duplicate.message).toBe("private.v1.Hubs/Create of 'hub-contract' failed with ALREADY_EXISTS: object with identifier 'hub-contract' already exists");
  });
});

describe("fulfillment.v1.Clusters and private.v1.Clusters", () => {
  it("Create, Get, List, GetKubeconfig(ViaHttp), GetPassword(ViaHttp), Update, Delete, and the private twin", async () => {
    // A hub for the controller to place the cluster on (the Hubs test may run in any order).
    await client
      .call(Hubs.method.create, { object: { id: "hub-for-clusters", kubeconfig: new Uint8Array(Buffer.from(HUB_KUBECONFIG)), namespace: "orders" } })
      .catch((e) => {
        if (!isAlreadyExists(e)) throw e;
      });

    const created = (
      await client.call(Clusters.method.create, {
        object: {
          metadata: { name: "contract" },
          spec: { template: "sim_small", templateParameters: { ha: packParameter("bool", true, "ha") } },
        },
      })
    ).object!;
    const id = created.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.spec?.template).toBe("sim_small");
    expect(unpackParameter(created.spec!.templateParameters.release, "release")).toBe("4.17.0");
    expect(created.spec?.nodeSets.workers).toMatchObject({ hostClass: "acme_1tib", size: 2 });

    const early = await expectError(client.call(Clusters.method.getKubeconfig, { id }));
    if (early.code === 5) expect(early.serverMessage).toBe(`kubeconfig for cluster with identifier '${id}' isn't yet available`);

    await expect
      .poll(async () => (await client.call(Clusters.method.get, { id })).object?.status?.state, { timeout: 10_000, interval: 20 })
      .toBe(ClusterState.READY);
    const listed = await client.call(Clusters.method.list, { filter: "this.metadata.name == 'contract'" });
    expect(listed.items.map((c) => c.id)).toEqual([id]);

    const kubeconfig = (await client.call(Clusters.method.getKubeconfig, { id })).kubeconfig;
    expect(kubeconfig).toContain("apiVersion: v1");
    const viaHttp = await client.call(Clusters.method.getKubeconfigViaHttp, { id });
    expect(Buffer.from(viaHttp.data).toString()).toBe(kubeconfig);
    const password = (await client.call(Clusters.method.getPassword, { id })).password;
    expect(password.length).toBeGreaterThan(0);
    expect(Buffer.from((await client.call(Clusters.method.getPasswordViaHttp, { id })).data).toString()).toBe(password);
    secretsSeen.push(kubeconfig, password);

    const resized = await client.call(Clusters.method.update, {
      object: { id, spec: { nodeSets: { workers: { hostClass: "acme_1tib", size: 3 } } } },
      updateMask: { paths: ["spec.node_sets"] },
    });
    expect(resized.object?.spec?.nodeSets.workers.size).toBe(3);

    const privateView = (await client.call(PrivateClusters.method.get, { id })).object!;
    expect(privateView.status?.hub).toBeTruthy();
    expect((await client.call(PrivateClusters.method.list, {})).items.map((c) => c.id)).toContain(id);
    await client.call(PrivateClusters.method.update, { object: { id, metadata: { labels: { team: "a" } } }, updateMask: { paths: ["metadata.labels"] } });
    expect((await client.call(Clusters.method.get, { id })).object?.metadata?.labels).toEqual({ team: "a" });
    await client.call(PrivateClusters.method.signal, { id });

    await client.call(Clusters.method.delete, { id });
    await expectGone(() => client.call(Clusters.method.get, { id }));

    // the private Create (admin-only) works the same way
    const privateCreated = (await client.call(PrivateClusters.method.create, { object: { spec: { template: "sim_small" } } })).object!;
    await client.call(PrivateClusters.method.delete, { id: privateCreated.id });
    await expectGone(() => client.call(PrivateClusters.method.get, { id: privateCreated.id }));
  });
});

describe("errors from the server, mapped", () => {
  it("NOT_FOUND names method, object and the server's words", async () => {
    const error = await expectError(client.call(Clusters.method.get, { id: "nope" }));
    expect(error.message).toBe("fulfillment.v1.Clusters/Get of 'nope' failed with NOT_FOUND: object with identifier 'nope' not found");
    expect(isNotFound(error)).toBe(true);
  });

  it("INVALID_ARGUMENT carries the validation text", async () => {
    const error = await expectError(
      client.call(Clusters.method.create, { object: { spec: { template: "sim_small", templateParameters: { bogus: packParameter("string", "x", "bogus") } } } }),
    );
    expect(error.codeName).toBe("INVALID_ARGUMENT");
    expect(error.serverMessage).toContain("template parameter 'bogus' doesn't exist");
  });

  it("INTERNAL 'failed to list' gets the filter hint", async () => {
    const error = await expectError(client.call(Clusters.method.list, { filter: "this.status.state == 2" }));
    expect(error.codeName).toBe("INTERNAL");
    expect(error.hint).toContain("filters over enum fields");
  });

  it("an explicit objectId wins over the request's id", async () => {
    const error = await expectError(client.call(HostClasses.method.get, { id: "x1" }, { objectId: "host class x1" }));
    expect(error.message.startsWith("fulfillment.v1.HostClasses/Get of 'host class x1' failed")).toBe(true);
  });
});

describe("secrets", () => {
  it("no kubeconfig, password or hub credential appears in any log line or error seen above", () => {
    const everything = [...logs, ...errorsSeen].join("\n");
    for (const secret of secretsSeen) {
      expect(everything).not.toContain(secret.trim());
    }
  });
});

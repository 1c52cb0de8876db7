// Generic API behaviour of the simulator over real gRPC: ids, errors, update masks
// (including the no-mask footgun), deletion, list paging and CEL filters, the two
// views of one store, template validation and health.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { anyPack, BoolValueSchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { startSimulator, type Simulator } from "../../simulator";
import { logLines } from "../helpers/logLines";

const logs = logLines();
import { healthDefinition } from "../../simulator/services/health";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/private/v1/cluster_templates_service_pb";
import { HostClasses as PrivateHostClasses } from "../../proto/gen/private/v1/host_classes_service_pb";
import { grpcError, pollUntil, RawClient } from "../helpers/grpcRaw";

const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const STRING = "type.googleapis.com/google.protobuf.StringValue";

let sim: Simulator;
let api: RawClient;

beforeAll(async () => {
  // Clusters here never need to progress: a long controller delay keeps them still.
  sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 60_000, deletionDelayMs: 50, log: logs.log });
  api = new RawClient(sim.address);
});

afterAll(async () => {
  api.close();
  await sim.stop();
});

describe("ids and basic errors", () => {
  test("create keeps a client id and refuses it a second time", async () => {
    const created = await api.call(HostClasses.method.create, { object: { id: "hc-ids", title: "Ids" } });
    expect(created.object?.id).toBe("hc-ids");
    const error = await grpcError(api.call(HostClasses.method.create, { object: { id: "hc-ids" } }));
    expect(error.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(error.details).toBe("object with identifier 'hc-ids' already exists");
  });

  test("create without id generates a UUID and records creation metadata like guest mode", async () => {
    const before = Date.now();
    const created = await api.call(HostClasses.method.create, { object: { title: "generated" } });
    const object = created.object!;
    expect(object.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(object.metadata?.creators).toEqual(["guest"]);
    expect(object.metadata?.tenants).toEqual(["shared"]);
    const createdMs = Number(object.metadata!.creationTimestamp!.seconds) * 1000;
    expect(createdMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(object.metadata?.deletionTimestamp).toBeUndefined();
  });

  test("hubs are created by 'system' in guest mode", async () => {
    const hub = await api.call(Hubs.method.create, { object: { id: "hub-creator", namespace: "orders" } });
    expect(hub.object?.metadata?.creators).toEqual(["system"]);
    await api.call(Hubs.method.delete, { id: "hub-creator" });
  });

  test.each([
    ["Get", () => api.call(ClusterTemplates.method.get, { id: "nope" })],
    ["Delete", () => api.call(ClusterTemplates.method.delete, { id: "nope" })],
    ["Update", () => api.call(ClusterTemplates.method.update, { object: { id: "nope" }, updateMask: { paths: ["title"] } })],
    ["Signal", () => api.call(PrivateTemplates.method.signal, { id: "nope" })],
  ])("%s of a missing id is NOT_FOUND", async (_name, call) => {
    const error = await grpcError(call());
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toBe("object with identifier 'nope' not found");
  });

  test("empty ids and missing objects are INVALID_ARGUMENT", async () => {
    for (const call of [
      () => api.call(Clusters.method.get, { id: "" }),
      () => api.call(Clusters.method.delete, { id: "" }),
      () => api.call(Hubs.method.get, { id: "" }),
      () => api.call(HostClasses.method.update, { object: { title: "x" }, updateMask: { paths: ["title"] } }),
    ]) {
      expect((await grpcError(call())).code).toBe(grpc.status.INVALID_ARGUMENT);
    }
    for (const call of [
      () => api.call(HostClasses.method.create, {}),
      () => api.call(Clusters.method.create, {}),
      () => api.call(Hubs.method.update, {}),
    ]) {
      const error = await grpcError(call());
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toBe("object is mandatory");
    }
  });

  test("metadata.name must be a DNS label", async () => {
    const error = await grpcError(api.call(HostClasses.method.create, { object: { metadata: { name: "Big_Box" } } }));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toBe(
      "field 'metadata.name' must only contain lowercase letters (a-z), digits (0-9) and hyphens (-), but contains 'B' at position 0",
    );
  });
});

describe("update masks", () => {
  test("only masked paths change; absent values clear; unknown paths are refused by name", async () => {
    await api.call(HostClasses.method.create, {
      object: { id: "hc-mask", title: "Old", description: "keep me", metadata: { name: "old", labels: { a: "1" } } },
    });
    const updated = await api.call(HostClasses.method.update, {
      object: { id: "hc-mask", title: "New", description: "ignored", metadata: { name: "ignored-too", labels: {} } },
      updateMask: { paths: ["title", "metadata.labels"] },
    });
    expect(updated.object?.title).toBe("New");
    expect(updated.object?.description).toBe("keep me");
    expect(updated.object?.metadata?.name).toBe("old");
    expect(updated.object?.metadata?.labels).toEqual({});

    const error = await grpcError(
      api.call(HostClasses.method.update, { object: { id: "hc-mask" }, updateMask: { paths: ["title", "colour"] } }),
    );
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toContain("'colour'");
    const stored = await api.call(HostClasses.method.get, { id: "hc-mask" });
    expect(stored.object?.title).toBe("New");
  });

  test("public clients cannot reach private-only fields through a mask", async () => {
    const created = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
    const error = await grpcError(
      api.call(Clusters.method.update, { object: { id: created.object!.id }, updateMask: { paths: ["status.hub"] } }),
    );
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toContain("status.hub");
  });

  test("hub kubeconfig and namespace update in place", async () => {
    await api.call(Hubs.method.create, {
      object: { id: "hub-mask", kubeconfig: Buffer.from("old"), namespace: "ns1", metadata: { name: "east" } },
    });
    const note = anyPack(StringValueSchema, create(StringValueSchema, { value: "rack 7" }));
    const updated = await api.call(Hubs.method.update, {
      object: { id: "hub-mask", kubeconfig: Buffer.from("new"), namespace: "ns2", metadata: { annotations: { note } } },
      updateMask: { paths: ["kubeconfig", "namespace", "metadata.annotations"] },
    });
    expect(Buffer.from(updated.object!.kubeconfig).toString()).toBe("new");
    expect(updated.object?.metadata?.annotations.note.typeUrl).toBe(STRING);
    expect(updated.object?.namespace).toBe("ns2");
    expect(updated.object?.metadata?.name).toBe("east");
    await api.call(Hubs.method.delete, { id: "hub-mask" });
  });

  test("without a mask the whole object is replaced, without validation (the real server's footgun)", async () => {
    await api.call(ClusterTemplates.method.create, {
      object: {
        id: "tpl-footgun",
        title: "Footgun",
        metadata: { name: "footgun", labels: { team: "a" } },
        nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
      },
    });
    const replaced = await api.call(ClusterTemplates.method.update, {
      object: { id: "tpl-footgun", metadata: { labels: { team: "b" } }, nodeSets: { broken: { size: 0 } } },
    });
    expect(replaced.object?.title).toBe("");
    expect(replaced.object?.metadata?.name).toBe("");
    expect(replaced.object?.metadata?.labels).toEqual({ team: "b" });
    // size 0 and no host class would be refused by a masked update or a create:
    expect(replaced.object?.nodeSets.broken?.size).toBe(0);
    expect(replaced.object?.metadata?.creationTimestamp).toBeDefined();
  });

  test("a no-mask cluster update wipes spec and name (but not status or finalizers)", async () => {
    const created = await api.call(Clusters.method.create, {
      object: { metadata: { name: "dev" }, spec: { template: "sim_small" } },
    });
    const id = created.object!.id;
    const replaced = await api.call(Clusters.method.update, { object: { id, metadata: { labels: { team: "a" } } } });
    expect(replaced.object?.metadata?.name).toBe("");
    expect(replaced.object?.spec?.template ?? "").toBe("");
    expect(replaced.object?.spec?.nodeSets ?? {}).toEqual({});
    expect(replaced.object?.metadata?.labels).toEqual({ team: "a" });
  });
});

describe("templates", () => {
  const base = { title: "T", nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } } };

  test.each([
    [
      "unknown parameter type",
      { id: "bad-1", ...base, parameters: [{ name: "ha", type: "bool" }] },
      "field 'parameters[0].type' of parameter 'ha' should be one of",
    ],
    [
      "default of another type",
      {
        id: "bad-2",
        ...base,
        parameters: [{ name: "ha", type: BOOL, default: anyPack(StringValueSchema, create(StringValueSchema, { value: "no" })) }],
      },
      `field 'parameters[0].default' of parameter 'ha' should have type '${BOOL}', but it has type '${STRING}'`,
    ],
    ["parameter without name", { id: "bad-3", ...base, parameters: [{ type: BOOL }] }, "field 'parameters[0].name' is mandatory"],
    ["node set without host class", { id: "bad-4", nodeSets: { workers: { size: 1 } } }, "field 'node_sets.workers.host_class' is mandatory"],
    [
      "node set of size 0",
      { id: "bad-5", nodeSets: { workers: { hostClass: "acme_1tib", size: 0 } } },
      "field 'node_sets.workers.size' should be greater than zero, but it is 0",
    ],
  ])("create refuses a template with %s", async (_what, object, message) => {
    const error = await grpcError(api.call(ClusterTemplates.method.create, { object }));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toContain(message);
  });

  test("masked updates are validated; title, description, parameters and node sets update in place", async () => {
    await api.call(ClusterTemplates.method.create, { object: { id: "tpl-upd", ...base } });
    const error = await grpcError(
      api.call(ClusterTemplates.method.update, {
        object: { id: "tpl-upd", nodeSets: { workers: { hostClass: "acme_1tib", size: -1 } } },
        updateMask: { paths: ["node_sets"] },
      }),
    );
    expect(error.details).toBe("field 'node_sets.workers.size' should be greater than zero, but it is -1");
    const updated = await api.call(ClusterTemplates.method.update, {
      object: {
        id: "tpl-upd",
        title: "New title",
        description: "# New",
        parameters: [{ name: "ha", type: BOOL, default: anyPack(BoolValueSchema, create(BoolValueSchema, { value: true })) }],
        nodeSets: { workers: { hostClass: "acme_1tib", size: 4 } },
      },
      updateMask: { paths: ["title", "description", "parameters", "node_sets"] },
    });
    expect(updated.object?.title).toBe("New title");
    expect(updated.object?.description).toBe("# New");
    expect(updated.object?.parameters.map((p) => p.name)).toEqual(["ha"]);
    expect(updated.object?.nodeSets.workers.size).toBe(4);
  });

  test("seeded catalogue", async () => {
    const classes = await api.call(HostClasses.method.get, { id: "acme_1tib" });
    expect(classes.object?.title).toBe("ACME 1 TiB");
    expect(classes.object?.description).not.toBe("");
    const small = (await api.call(ClusterTemplates.method.get, { id: "sim_small" })).object!;
    expect(small.nodeSets).toMatchObject({ workers: { hostClass: "acme_1tib", size: 2 } });
    expect(small.parameters.map((p) => [p.name, p.type, p.required, p.default?.typeUrl ?? null])).toEqual([
      ["ha", BOOL, false, BOOL],
      ["pull_secret", STRING, false, null],
      ["release", STRING, false, STRING],
    ]);
    const medium = (await api.call(ClusterTemplates.method.get, { id: "sim_medium" })).object!;
    expect(medium.nodeSets.workers.size).toBe(3);
    const gpu = (await api.call(ClusterTemplates.method.get, { id: "sim_gpu" })).object!;
    expect(Object.keys(gpu.nodeSets).sort()).toEqual(["gpu", "workers"]);
    expect(gpu.nodeSets.gpu).toMatchObject({ hostClass: "acme_gpu", size: 1 });
    expect(gpu.parameters.map((p) => p.name)).toEqual(["ha"]);
  });
});

describe("delete", () => {
  test("a deleted template stays visible with its timestamp, then is NOT_FOUND", async () => {
    await api.call(ClusterTemplates.method.create, {
      object: { id: "tpl-del", nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } } },
    });
    await api.call(ClusterTemplates.method.delete, { id: "tpl-del" });
    const pending = await api.call(ClusterTemplates.method.get, { id: "tpl-del" });
    expect(pending.object?.metadata?.deletionTimestamp).toBeDefined();
    // Deleting again is accepted while it is pending.
    await api.call(ClusterTemplates.method.delete, { id: "tpl-del" });
    const error = await pollUntil(
      () => grpcError(api.call(ClusterTemplates.method.get, { id: "tpl-del" })),
      (e) => e.code === grpc.status.NOT_FOUND,
    );
    expect(error.details).toBe("object with identifier 'tpl-del' not found");
  });

  test("a cluster deleted before the controller's first pass (no finalizer) is gone at once", async () => {
    const created = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
    const id = created.object!.id;
    await api.call(Clusters.method.delete, { id });
    const error = await grpcError(api.call(Clusters.method.get, { id }));
    expect(error.code).toBe(grpc.status.NOT_FOUND);
  });
});

describe("list", () => {
  beforeAll(async () => {
    for (const [id, name, labels] of [
      ["list-c", "dev", { team: "a", env: "dev" }],
      ["list-a", "prod", { team: "b" }],
      ["list-b", "dev", { team: "b", "app.kubernetes.io/part-of": "x" }],
      ["list-d", "", {}],
    ] as const) {
      await api.call(PrivateHostClasses.method.create, { object: { id, title: `list ${id}`, metadata: { name, labels } } });
    }
  });

  const ids = async (filter?: string, offset?: number, limit?: number) => {
    const response = await api.call(HostClasses.method.list, { filter, offset, limit });
    return { ids: response.items.map((item) => item.id), total: response.total, size: response.size };
  };

  test("items are sorted by id; offset/limit page; total counts every match; order is ignored", async () => {
    const all = await ids("this.id.startsWith('list-')");
    expect(all).toEqual({ ids: ["list-a", "list-b", "list-c", "list-d"], total: 4, size: 4 });
    expect(await ids("this.id.startsWith('list-')", 1, 2)).toEqual({ ids: ["list-b", "list-c"], total: 4, size: 2 });
    expect(await ids("this.id.startsWith('list-')", 3, 10)).toEqual({ ids: ["list-d"], total: 4, size: 1 });
    expect(await ids("this.id.startsWith('list-')", 9)).toEqual({ ids: [], total: 4, size: 0 });
    const ordered = await api.call(HostClasses.method.list, { filter: "this.id.startsWith('list-')", order: "this.id desc" });
    expect(ordered.items.map((item) => item.id)).toEqual(all.ids);
  });

  test.each([
    ["this.metadata.name == 'dev'", ["list-b", "list-c"]],
    ['this.metadata.name == "prod"', ["list-a"]],
    ["this.metadata.labels['team'] == 'b'", ["list-a", "list-b"]],
    ["this.metadata.labels.team == 'a'", ["list-c"]],
    ["this.metadata.labels.team != 'a'", ["list-a", "list-b"]],
    ["'env' in this.metadata.labels", ["list-c"]],
    ["this.metadata.labels['app.kubernetes.io/part-of'] == 'x'", ["list-b"]],
    ["this.metadata.name == 'dev' && this.metadata.labels.team == 'b'", ["list-b"]],
    ["(this.id == 'list-a' || this.id == 'list-d') && this.metadata.name != 'x'", ["list-a", "list-d"]],
    ["this.id == 'list-a' || this.metadata.labels.team == 'a'", ["list-a", "list-c"]],
    // Filters that pin the ids (answered from those objects only) still apply the rest of the expression.
    ["this.id in ['list-d', 'list-b', 'absent']", ["list-b", "list-d"]],
    ["this.id in ['list-a', 'list-b'] && this.metadata.name == 'dev'", ["list-b"]],
    ["'list-c' == this.id && this.id in ['list-c', 'list-a']", ["list-c"]],
    ["this.id in ['list-a'] && this.id in ['list-b']", []],
    ["!(this.id in ['list-a', 'list-b'])", ["list-c", "list-d"]],
  ])("filter %s", async (filter, expected) => {
    const result = await ids(`this.id.startsWith('list-') && (${filter})`);
    expect(result.ids).toEqual(expected);
    expect(result.total).toBe(expected.length);
  });

  test.each([
    ["an enum compared with a number", "this.status.state == 2", Clusters.method.list],
    ["a malformed filter", "this.metadata.name ==", HostClasses.method.list],
    ["an unknown field", "this.colour == 'red'", HostClasses.method.list],
    ["a private field on the public view", "this.status.hub == 'h'", Clusters.method.list],
  ])("%s fails with INTERNAL 'failed to list'", async (_what, filter, method) => {
    const error = await grpcError(api.call(method as typeof HostClasses.method.list, { filter }));
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).toBe("failed to list");
  });

  test("the private view can filter on private fields", async () => {
    const response = await api.call(PrivateClusters.method.list, { filter: "this.status.hub == 'nowhere'" });
    expect(response.total).toBe(0);
  });
});

describe("views", () => {
  test("public and private services see one store; private metadata carries finalizers", async () => {
    await api.call(PrivateTemplates.method.create, {
      object: {
        id: "tpl-views",
        metadata: { finalizers: ["keep"], name: "views" },
        nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } },
      },
    });
    const viaPublic = await api.call(ClusterTemplates.method.get, { id: "tpl-views" });
    expect(viaPublic.object?.metadata?.name).toBe("views");
    expect(viaPublic.object?.$typeName).toBe("fulfillment.v1.ClusterTemplate");
    const viaPrivate = await api.call(PrivateTemplates.method.get, { id: "tpl-views" });
    expect(viaPrivate.object?.metadata?.finalizers).toEqual(["keep"]);
    // A finalizer holds a deleted object until it is removed.
    await api.call(ClusterTemplates.method.delete, { id: "tpl-views" });
    await logs.next(/templates tpl-views: deletion held by finalizers keep/);
    expect((await api.call(ClusterTemplates.method.get, { id: "tpl-views" })).object?.metadata?.deletionTimestamp).toBeDefined();
    await api.call(PrivateTemplates.method.update, {
      object: { id: "tpl-views", metadata: { finalizers: [] } },
      updateMask: { paths: ["metadata.finalizers"] },
    });
    await pollUntil(
      () => grpcError(api.call(ClusterTemplates.method.get, { id: "tpl-views" })),
      (e) => e.code === grpc.status.NOT_FOUND,
    );
  });

  test("snapshot() returns deep copies of the store", async () => {
    const snapshot = sim.snapshot();
    const classes = snapshot.hostClasses as Array<{ id: string; title: string }>;
    const seeded = classes.find((item) => item.id === "acme_1tib")!;
    seeded.title = "mutated";
    expect((await api.call(HostClasses.method.get, { id: "acme_1tib" })).object?.title).toBe("ACME 1 TiB");
    expect((snapshot.templates as Array<{ id: string }>).map((t) => t.id)).toContain("sim_small");
  });
});

describe("health", () => {
  const check = (service: string) =>
    new Promise<number>((resolve, reject) => {
      const client = new grpc.Client(sim.address, grpc.credentials.createInsecure());
      const method = healthDefinition.Check;
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize as (value: { service: string }) => Buffer,
        method.responseDeserialize as (bytes: Buffer) => number,
        { service },
        (error, value) => {
          client.close();
          if (error) reject(error);
          else resolve(value!);
        },
      );
    });

  test("serving for the server and each service; NOT_FOUND for unknown services", async () => {
    expect(await check("")).toBe(1);
    expect(await check("fulfillment.v1.Clusters")).toBe(1);
    expect(await check("private.v1.Hubs")).toBe(1);
    const error = await grpcError(check("nope.v1.Nothing"));
    expect(error.code).toBe(grpc.status.NOT_FOUND);
  });
});

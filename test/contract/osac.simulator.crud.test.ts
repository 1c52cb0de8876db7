// The osac simulator's generic server over real gRPC, case by case against the (live)
// facts of shared/osac-api.md: ids, missing/empty ids, versions and lock, masks, metadata
// rules, tenancy and projects, List paging and filters, delete and archive, dry run.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostTypes } from "../../proto/gen/osac/public/v1/host_types_service_pb";
import { HostTypes as PrivateHostTypes } from "../../proto/gen/osac/private/v1/host_types_service_pb";
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/osac/private/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/osac/public/v1/cluster_templates_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterState } from "../../proto/gen/osac/private/v1/cluster_type_pb";
import { grpcError } from "../helpers/grpcRaw";
import { startOsac, type OsacFixture } from "../helpers/osacRaw";

const code = async (promise: Promise<unknown>) => {
  const error = await grpcError(promise);
  return [error.code, error.details];
};

describe("osac simulator: ids, missing objects, versions, masks", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac();
  });
  afterAll(() => f.close());

  it("uses the client's id as given, else a UUIDv7; a taken id is ALREADY_EXISTS (live)", async () => {
    const odd = await f.client.call(HostTypes.method.create, { object: { id: "A B/c?" } }, f.admin);
    expect(odd.object?.id).toBe("A B/c?");
    const generated = await f.client.call(HostTypes.method.create, { object: { title: "x" } }, f.admin);
    expect(generated.object?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await f.client.call(HostTypes.method.create, { object: { id: "acme_1tb" } }, f.admin);
    expect(await code(f.client.call(HostTypes.method.create, { object: { id: "acme_1tb" } }, f.admin))).toEqual([
      grpc.status.ALREADY_EXISTS,
      "object with identifier 'acme_1tb' already exists",
    ]);
    // Ids of deleted (archived) objects can be reused.
    await f.client.call(HostTypes.method.delete, { id: "acme_1tb" }, f.admin);
    await f.client.call(HostTypes.method.create, { object: { id: "acme_1tb" } }, f.admin);
  });

  it("answers missing and empty ids with the generic server's codes and texts (live)", async () => {
    expect(await code(f.client.call(HostTypes.method.get, { id: "" }, f.admin))).toEqual([grpc.status.INVALID_ARGUMENT, "identifier is mandatory"]);
    expect(await code(f.client.call(HostTypes.method.get, { id: "nope" }, f.admin))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'nope' not found"]);
    expect(await code(f.client.call(Clusters.method.delete, { id: "" }, f.alice))).toEqual([grpc.status.INTERNAL, "object identifier is mandatory"]);
    expect(await code(f.client.call(Clusters.method.delete, { id: "c3" }, f.alice))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'c3' not found"]);
    expect(await code(f.client.call(Clusters.method.update, {}, f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "object is mandatory"]);
    expect(await code(f.client.call(Clusters.method.update, { object: {} }, f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "object identifier is mandatory"]);
    expect(await code(f.client.call(PrivateClusters.method.update, { object: {} }, f.admin))).toEqual([grpc.status.INTERNAL, "object identifier is mandatory"]);
    expect(await code(f.client.call(Clusters.method.update, { object: { id: "nope-id" } }, f.alice))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'nope-id' not found"]);
    expect(await code(f.client.call(Clusters.method.create, {}, f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "object is mandatory"]);
    expect(await code(f.client.call(HostTypes.method.create, {}, f.admin))).toEqual([grpc.status.INVALID_ARGUMENT, "object is mandatory"]);
    expect(await code(f.client.call(Clusters.method.create, { object: {} }, f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "template is mandatory"]);
  });

  it("keeps metadata.version: 0 on create, +1 per effective update, unchanged by a no-op (live)", async () => {
    const created = await f.client.call(PrivateHostTypes.method.create, { object: { id: "v1", title: "a" } }, f.admin);
    expect(created.object?.metadata?.version).toBe(0);
    const changed = await f.client.call(PrivateHostTypes.method.update, { object: { id: "v1", title: "b" }, updateMask: { paths: ["title"] } }, f.admin);
    expect(changed.object?.metadata?.version).toBe(1);
    const same = await f.client.call(PrivateHostTypes.method.update, { object: { id: "v1", title: "b" }, updateMask: { paths: ["title"] } }, f.admin);
    expect(same.object?.metadata?.version).toBe(1);
    const got = await f.client.call(HostTypes.method.get, { id: "v1" }, f.admin);
    expect([got.object?.title, got.object?.metadata?.version]).toEqual(["b", 1]);
  });

  it("refuses a locked update of another version with ABORTED (live)", async () => {
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "locked" } }, f.admin);
    for (const title of ["1", "2", "3", "4"]) {
      await f.client.call(PrivateHostTypes.method.update, { object: { id: "locked", title }, updateMask: { paths: ["title"] } }, f.admin);
    }
    const stale = f.client.call(PrivateHostTypes.method.update, { object: { id: "locked", title: "x", metadata: { version: 1 } }, updateMask: { paths: ["title"] }, lock: true }, f.admin);
    expect(await code(stale)).toEqual([grpc.status.ABORTED, "object with identifier 'locked' has been modified: requested version is 1 but current version is 4"]);
    // An omitted version counts as 0; no metadata at all skips the check.
    const omitted = f.client.call(PrivateHostTypes.method.update, { object: { id: "locked", title: "x", metadata: {} }, updateMask: { paths: ["title"] }, lock: true }, f.admin);
    expect(await code(omitted)).toEqual([grpc.status.ABORTED, "object with identifier 'locked' has been modified: requested version is 0 but current version is 4"]);
    const unchecked = await f.client.call(PrivateHostTypes.method.update, { object: { id: "locked", title: "x" }, updateMask: { paths: ["title"] }, lock: true }, f.admin);
    expect(unchecked.object?.metadata?.version).toBe(5);
    const current = await f.client.call(PrivateHostTypes.method.update, { object: { id: "locked", title: "y", metadata: { version: 5 } }, updateMask: { paths: ["title"] }, lock: true }, f.admin);
    expect(current.object?.metadata?.version).toBe(6);
  });

  it("answers an unknown mask path UNKNOWN `field 'nope' not found` (live)", async () => {
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "masked" } }, f.admin);
    expect(await code(f.client.call(PrivateHostTypes.method.update, { object: { id: "masked" }, updateMask: { paths: ["nope"] } }, f.admin))).toEqual([
      grpc.status.UNKNOWN,
      "field 'nope' not found",
    ]);
  });

  it("validates metadata.name with protovalidate's pattern, on Update even for an unknown id (live); names are not unique (live)", async () => {
    const message = "validation failed: validation error: object.metadata.name: does not match regex pattern `^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$`";
    expect(await code(f.client.call(HostTypes.method.create, { object: { metadata: { name: "Bad_Name" } } }, f.admin))).toEqual([grpc.status.INVALID_ARGUMENT, message]);
    expect(await code(f.client.call(HostTypes.method.update, { object: { id: "unknown-id", metadata: { name: "-x" } } }, f.admin))).toEqual([grpc.status.INVALID_ARGUMENT, message]);
    await f.client.call(HostTypes.method.create, { object: { id: "n1", metadata: { name: "acme-1tb" } } }, f.admin);
    await f.client.call(HostTypes.method.create, { object: { id: "n2", metadata: { name: "acme-1tb" } } }, f.admin);
  });

  it("checks labels and annotations with the Go rules (live: uppercase)", async () => {
    const create = (metadata: Record<string, unknown>) => code(f.client.call(HostTypes.method.create, { object: { metadata } }, f.admin));
    expect(await create({ labels: { Team: "a" } })).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "field 'metadata.labels' key 'Team' name must only contain lowercase letters (a-z), digits (0-9), hyphens (-), underscores (_) or dots (.), but contains 'T' at position 0",
    ]);
    expect(await create({ labels: { "": "a" } })).toEqual([grpc.status.INVALID_ARGUMENT, "field 'metadata.labels' has empty key"]);
    expect(await create({ labels: { "a/b/c": "a" } })).toEqual([grpc.status.INVALID_ARGUMENT, "field 'metadata.labels' key 'a/b/c' must contain at most one '/'"]);
    expect(await create({ labels: { "/b": "a" } })).toEqual([grpc.status.INVALID_ARGUMENT, "field 'metadata.labels' key '/b' must have non-empty prefix and name"]);
    expect(await create({ labels: { a: "-x" } })).toEqual([grpc.status.INVALID_ARGUMENT, "field 'metadata.labels' key 'a' value must start and end with an alphanumeric character"]);
    expect(await create({ labels: { [`${"a".repeat(64)}`]: "" } })).toEqual([grpc.status.INVALID_ARGUMENT, `field 'metadata.labels' key '${"a".repeat(64)}' name must be between 1 and 63 characters long`]);
    expect(await create({ annotations: { "a/b/c": "anything at all" } })).toEqual([grpc.status.INVALID_ARGUMENT, "field 'metadata.annotations' key 'a/b/c' must contain at most one '/'"]);
    const fine = await f.client.call(HostTypes.method.create, { object: { metadata: { labels: { "example.com/env": "", team: "a_b.c" }, annotations: { "x.io/note": "Free Text!" } } } }, f.admin);
    expect(fine.object?.metadata?.labels).toEqual({ "example.com/env": "", team: "a_b.c" });
  });

  it("makes public ClusterTemplates and HostTypes ignore the mask (live); private ones honour it (live)", async () => {
    await f.client.call(PrivateTemplates.method.create, { object: { id: "tpl", title: "T", description: "D", metadata: { name: "tpl" }, nodeSets: { workers: { hostType: "acme_1tib", size: 1 } } } }, f.admin);
    const masked = await f.client.call(PrivateTemplates.method.update, { object: { id: "tpl", title: "T2" }, updateMask: { paths: ["title"] } }, f.admin);
    expect([masked.object?.title, masked.object?.description, masked.object?.metadata?.name]).toEqual(["T2", "D", "tpl"]);
    const wiped = await f.client.call(ClusterTemplates.method.update, { object: { id: "tpl", title: "T3" }, updateMask: { paths: ["title"] } }, f.admin);
    expect(wiped.object).toMatchObject({ title: "T3", description: "", nodeSets: {}, metadata: { name: "" } });
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "ht", title: "T", description: "D" } }, f.admin);
    const host = await f.client.call(HostTypes.method.update, { object: { id: "ht", title: "T2" }, updateMask: { paths: ["title"] } }, f.admin);
    expect([host.object?.title, host.object?.description]).toEqual(["T2", ""]);
  });

  it("stores hubs with spec.kubeconfig and spec.namespace, created by `system` (live)", async () => {
    const hub = await f.client.call(Hubs.method.create, { object: { id: "hub-x", spec: { kubeconfig: Buffer.from("apiVersion: v1"), namespace: "orders" } } }, f.admin);
    expect(hub.object?.metadata).toMatchObject({ creator: "system", tenant: "shared", version: 0 });
    const got = await f.client.call(Hubs.method.get, { id: "hub-x" }, f.admin);
    expect([Buffer.from(got.object!.spec!.kubeconfig).toString(), got.object?.spec?.namespace]).toEqual(["apiVersion: v1", "orders"]);
    await f.client.call(Hubs.method.delete, { id: "hub-x" }, f.admin);
  });

  it("archives an object without finalizers at once; one with finalizers stays until an update removes them (live)", async () => {
    await f.client.call(HostTypes.method.create, { object: { id: "gone" } }, f.admin);
    await f.client.call(HostTypes.method.delete, { id: "gone" }, f.admin);
    expect(await code(f.client.call(HostTypes.method.get, { id: "gone" }, f.admin))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'gone' not found"]);
    expect(await code(f.client.call(HostTypes.method.delete, { id: "gone" }, f.admin))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'gone' not found"]);

    await f.client.call(PrivateHostTypes.method.create, { object: { id: "held", metadata: { finalizers: ["keep"] } } }, f.admin);
    await f.client.call(PrivateHostTypes.method.delete, { id: "held" }, f.admin);
    const first = (await f.client.call(PrivateHostTypes.method.get, { id: "held" }, f.admin)).object!.metadata!.deletionTimestamp!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await f.client.call(PrivateHostTypes.method.delete, { id: "held" }, f.admin);
    const second = (await f.client.call(PrivateHostTypes.method.get, { id: "held" }, f.admin)).object!.metadata!.deletionTimestamp!;
    expect(Number(second.seconds) * 1e9 + second.nanos).toBeGreaterThan(Number(first.seconds) * 1e9 + first.nanos);
    await f.client.call(PrivateHostTypes.method.update, { object: { id: "held", metadata: { finalizers: [] } }, updateMask: { paths: ["metadata.finalizers"] } }, f.admin);
    expect((await grpcError(f.client.call(PrivateHostTypes.method.get, { id: "held" }, f.admin))).code).toBe(grpc.status.NOT_FOUND);
  });
});

describe("osac simulator: tenancy and projects", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac({ osac: { projects: [{ tenant: "acme", name: "teama" }, { tenant: "shared", name: "common" }] } });
  });
  afterAll(() => f.close());

  const cluster = (metadata: Record<string, unknown> = {}) => ({ object: { metadata, spec: { template: "sim_small" } } });

  it("puts a client's objects in its tenant and an admin's in `shared`", async () => {
    const mine = await f.client.call(Clusters.method.create, cluster(), f.alice);
    expect(mine.object?.metadata).toMatchObject({ tenant: "acme", project: "" });
    const admins = await f.client.call(Clusters.method.create, cluster(), f.admin);
    expect(admins.object?.metadata?.tenant).toBe("shared");
    const chosen = await f.client.call(Clusters.method.create, cluster({ tenant: "other" }), f.admin);
    expect(chosen.object?.metadata?.tenant).toBe("other");
  });

  it("refuses tenants that are not visible or not assignable (live)", async () => {
    expect(await code(f.client.call(Clusters.method.create, cluster({ tenant: "other" }), f.alice))).toEqual([grpc.status.PERMISSION_DENIED, "tenant 'other' doesn't exist"]);
    expect(await code(f.client.call(Clusters.method.create, cluster({ tenant: "shared" }), f.alice))).toEqual([grpc.status.PERMISSION_DENIED, "tenant 'shared' can't be assigned"]);
  });

  it("requires the project to exist in the tenant (live)", async () => {
    expect(await code(f.client.call(Clusters.method.create, cluster({ project: "teamb" }), f.alice))).toEqual([grpc.status.INVALID_ARGUMENT, "project 'teamb' doesn't exist"]);
    const inProject = await f.client.call(Clusters.method.create, cluster({ project: "teama" }), f.alice);
    expect(inProject.object?.metadata).toMatchObject({ tenant: "acme", project: "teama" });
    const filtered = await f.client.call(Clusters.method.list, { filter: "this.metadata.project == 'teama'" }, f.alice);
    expect(filtered.items.map((item) => item.id)).toEqual([inProject.object!.id]);
  });

  it("shows a client its own tenants and `shared`, and lets it delete shared objects (live)", async () => {
    const shared = await f.client.call(Clusters.method.create, cluster(), f.admin);
    const bobs = await f.client.call(Clusters.method.create, cluster(), f.bob);
    const seen = await f.client.call(Clusters.method.list, {}, f.alice);
    expect(new Set(seen.items.map((item) => item.metadata?.tenant))).toEqual(new Set(["acme", "shared"]));
    expect(await code(f.client.call(Clusters.method.get, { id: bobs.object!.id }, f.alice))).toEqual([grpc.status.NOT_FOUND, `object with identifier '${bobs.object!.id}' not found`]);
    expect((await f.client.call(Clusters.method.list, {}, f.admin)).items.some((item) => item.metadata?.tenant === "other")).toBe(true);
    await f.client.call(Clusters.method.delete, { id: shared.object!.id }, f.alice);
  });

  it("keeps tenant and project immutable (live)", async () => {
    const object = (await f.client.call(PrivateHostTypes.method.create, { object: { id: "imm", metadata: { project: "common" } } }, f.admin)).object!;
    expect(object.metadata).toMatchObject({ tenant: "shared", project: "common" });
    expect(await code(f.client.call(PrivateHostTypes.method.update, { object: { id: "imm", metadata: { tenant: "acme" } }, updateMask: { paths: ["metadata.tenant"] } }, f.admin))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "field 'metadata.tenant' is immutable",
    ]);
    expect(await code(f.client.call(PrivateHostTypes.method.update, { object: { id: "imm", metadata: { project: "" } }, updateMask: { paths: ["metadata.project"] } }, f.admin))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "field 'metadata.project' is immutable",
    ]);
    // An empty tenant keeps the stored one; names can change (live).
    const renamed = await f.client.call(PrivateHostTypes.method.update, { object: { id: "imm", metadata: { name: "new-name" } }, updateMask: { paths: ["metadata.name"] } }, f.admin);
    expect(renamed.object?.metadata).toMatchObject({ name: "new-name", tenant: "shared", version: 1 });
  });
});

describe("osac simulator: List paging and filters", () => {
  let f: OsacFixture;
  // No controller pass within the test: fresh clusters stay UNSPECIFIED.
  beforeAll(async () => {
    f = await startOsac({ controllerDelayMs: 600_000 });
    for (let i = 0; i < 12; i++) await f.client.call(HostTypes.method.create, { object: { id: `p${String(i).padStart(2, "0")}` } }, f.admin);
  });
  afterAll(() => f.close());

  it("pages by offset and limit: default 100, at most 1000, negative limit = no items (live)", async () => {
    const all = await f.client.call(HostTypes.method.list, {}, f.admin);
    expect([all.size, all.total]).toEqual([14, 14]);
    const page = await f.client.call(HostTypes.method.list, { offset: 2, limit: 3, order: "this.id desc" }, f.admin);
    expect([page.size, page.total, page.items.map((item) => item.id)]).toEqual([3, 14, ["p00", "p01", "p02"]]);
    const none = await f.client.call(HostTypes.method.list, { limit: -1 }, f.admin);
    expect([none.size, none.total]).toEqual([0, 14]);
    const negative = await f.client.call(HostTypes.method.list, { offset: -5, limit: 1 }, f.admin);
    expect(negative.items.map((item) => item.id)).toEqual(["acme_1tib"]);
    const big = await f.client.call(HostTypes.method.list, { limit: 5000 }, f.admin);
    expect(big.size).toBe(14);
  });

  it("caps pages at 100 by default", async () => {
    for (let i = 0; i < 100; i++) await f.client.call(PrivateTemplates.method.create, { object: { id: `t${String(i).padStart(3, "0")}` } }, f.admin);
    const page = await f.client.call(ClusterTemplates.method.list, {}, f.admin);
    expect([page.size, page.total]).toEqual([100, 103]);
  });

  it("filters with CEL over the private object, enums with integer literals (live)", async () => {
    await f.client.call(PrivateHostTypes.method.create, { object: { id: "f1", metadata: { name: "dev", labels: { team: "a", "example.com/env": "prod" } } } }, f.admin);
    const ids = async (filter: string) => (await f.client.call(HostTypes.method.list, { filter }, f.admin)).items.map((item) => item.id);
    expect(await ids("this.metadata.name == 'dev'")).toEqual(["f1"]);
    expect(await ids("this.metadata.labels['team'] == 'a'")).toEqual(["f1"]);
    expect(await ids("'example.com/env' in this.metadata.labels")).toEqual(["f1"]);
    expect(await ids("this.metadata.deletion_timestamp != null")).toEqual([]);
    expect((await ids("this.metadata.deletion_timestamp == null")).length).toBe(15);

    const fresh = await f.client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, f.alice);
    const progressing = await f.client.call(PrivateClusters.method.create, { object: { spec: { template: "sim_small" }, status: { state: ClusterState.PROGRESSING } } }, f.admin);
    const clusters = async (filter: string) => (await f.client.call(PrivateClusters.method.list, { filter }, f.admin)).items.map((item) => item.id);
    expect(await clusters("this.status.state == 1")).toEqual([progressing.object!.id]);
    // An unset field is absent from the stored JSON: `== 0` matches nothing for a fresh cluster (live).
    expect(await clusters("this.status.state == 0")).toEqual([]);
    expect((await clusters("this.status.state != 1")).includes(fresh.object!.id)).toBe(false);
  });

  it("answers every filter error INTERNAL `failed to list` (live)", async () => {
    for (const filter of ["this.metadata.name ==", "this.nope == 1", "this.status.state == CLUSTER_STATE_READY", "this.spec.node_sets['workers'].size == 2"]) {
      expect(await code(f.client.call(PrivateClusters.method.list, { filter }, f.admin))).toEqual([grpc.status.INTERNAL, "failed to list"]);
    }
  });
});

describe("osac simulator: dry run", () => {
  let f: OsacFixture;
  beforeAll(async () => {
    f = await startOsac();
  });
  afterAll(() => f.close());

  it("runs every check and returns the would-be object without saving it with `x-dry-run: true` (live)", async () => {
    const dry = await f.client.call(Clusters.method.create, { object: { id: "dry", spec: { template: "sim_small" } } }, { token: f.alice, headers: [["x-dry-run", "true"]] });
    expect(dry.object).toMatchObject({ id: "dry", spec: { template: "sim_small", nodeSets: { workers: { hostType: "acme_1tib", size: 2 } } }, metadata: { tenant: "acme" } });
    expect(dry.object?.metadata?.creationTimestamp).toBeUndefined();
    expect(await code(f.client.call(Clusters.method.get, { id: "dry" }, f.alice))).toEqual([grpc.status.NOT_FOUND, "object with identifier 'dry' not found"]);
    const invalid = f.client.call(Clusters.method.create, { object: { spec: { template: "nope" } } }, { token: f.alice, headers: [["x-dry-run", "true"]] });
    expect(await code(invalid)).toEqual([grpc.status.INVALID_ARGUMENT, "there is no template with identifier or name 'nope'"]);
  });
});

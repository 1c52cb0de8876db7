// The osac simulator's ClusterCatalogItems over real gRPC, against shared/osac-api.md:
// who may write them (admins, tenant-admins), published-only public List and Get, the
// public Update that ignores the mask, delete protection, and clusters ordered by catalog
// item with the field definitions applied (not allowed, not editable, JSON Schema, defaults).
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterCatalogItems } from "../../proto/gen/osac/public/v1/cluster_catalog_items_service_pb";
import { ClusterCatalogItems as PrivateCatalogItems } from "../../proto/gen/osac/private/v1/cluster_catalog_items_service_pb";
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { grpcError } from "../helpers/grpcRaw";
import { startOsac, type OsacFixture } from "../helpers/osacRaw";

const code = async (promise: Promise<unknown>) => {
  const error = await grpcError(promise);
  return [error.code, error.details];
};

const SIZE_SCHEMA = JSON.stringify({ type: "integer", minimum: 1, maximum: 5 });

/** An item on sim_small: workers' size editable (1..5, default 2), the release parameter fixed, ha editable. */
const smallItem = (id: string, published = true) => ({
  id,
  title: "Small cluster",
  description: "Two to five workers",
  template: "sim_small",
  published,
  fieldDefinitions: [
    { path: "node_sets.workers.size", displayName: "Workers", editable: true, default: { kind: { case: "numberValue" as const, value: 2 } }, validationSchema: SIZE_SCHEMA },
    { path: "template_parameters.release", displayName: "Release", editable: false, default: { kind: { case: "stringValue" as const, value: "4.17.1" } } },
    { path: "template_parameters.ha", displayName: "HA", editable: true, validationSchema: JSON.stringify({ type: "boolean" }) },
  ],
});

const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const boolAny = (value: boolean) => ({ typeUrl: BOOL, value: new Uint8Array(value ? [8, 1] : []) });

describe("osac simulator: cluster catalog items", () => {
  let f: OsacFixture;
  let tenantAdmin: string;
  beforeAll(async () => {
    f = await startOsac();
    tenantAdmin = await f.token({ preferred_username: "carol", organization: ["acme"], realm_access: { roles: ["tenant-admin"] } });
    await f.client.call(ClusterCatalogItems.method.create, { object: smallItem("small-ci") }, f.admin);
  });
  afterAll(() => f.close());

  it("lets admins and tenant-admins write items and clients only read them (PERMISSION_DENIED `permission denied`)", async () => {
    expect(await code(f.client.call(ClusterCatalogItems.method.create, { object: smallItem("by-alice") }, f.alice))).toEqual([grpc.status.PERMISSION_DENIED, "permission denied"]);
    const mine = await f.client.call(ClusterCatalogItems.method.create, { object: smallItem("acme-ci") }, tenantAdmin);
    expect(mine.object?.metadata?.tenant).toBe("acme");
    expect(await code(f.client.call(PrivateCatalogItems.method.list, {}, tenantAdmin))).toEqual([grpc.status.PERMISSION_DENIED, "permission denied"]);
    const listed = await f.client.call(ClusterCatalogItems.method.list, {}, f.alice);
    expect(listed.items.map((i) => i.id).sort()).toEqual(["acme-ci", "small-ci"]);
    // bob (tenant other) sees the shared item only.
    expect((await f.client.call(ClusterCatalogItems.method.list, {}, f.bob)).items.map((i) => i.id)).toEqual(["small-ci"]);
    await f.client.call(ClusterCatalogItems.method.delete, { id: "acme-ci" }, tenantAdmin);
  });

  it("refuses Create without an object, and field definitions that cannot work", async () => {
    expect(await code(f.client.call(ClusterCatalogItems.method.create, {}, f.admin))).toEqual([grpc.status.INVALID_ARGUMENT, "object is mandatory"]);
    const badSchema = { ...smallItem("bad"), fieldDefinitions: [{ path: "node_sets.workers.size", editable: true, validationSchema: "{not json" }] };
    const [status, message] = await code(f.client.call(ClusterCatalogItems.method.create, { object: badSchema }, f.admin));
    expect(status).toBe(grpc.status.INVALID_ARGUMENT);
    expect(message).toMatch(/^field 'node_sets.workers.size' has invalid validation_schema: /);
    const fixedWithoutDefault = { ...smallItem("bad"), fieldDefinitions: [{ path: "pull_secret", editable: false }] };
    expect(await code(f.client.call(ClusterCatalogItems.method.create, { object: fixedWithoutDefault }, f.admin))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "non-editable field 'pull_secret' must have a default value",
    ]);
  });

  it("shows unpublished items on the public API only when a cluster uses them; the private API shows all (live)", async () => {
    await f.client.call(PrivateCatalogItems.method.create, { object: { ...smallItem("hidden-ci", false), tenant: "" } }, f.admin);
    expect((await f.client.call(ClusterCatalogItems.method.list, {}, f.admin)).items.map((i) => i.id)).not.toContain("hidden-ci");
    expect(await code(f.client.call(ClusterCatalogItems.method.get, { id: "hidden-ci" }, f.admin))).toEqual([grpc.status.NOT_FOUND, "catalog item not found"]);
    expect((await f.client.call(PrivateCatalogItems.method.get, { id: "hidden-ci" }, f.admin)).object?.published).toBe(false);
    expect(await code(f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "hidden-ci" } } }, f.alice))).toEqual([
      grpc.status.NOT_FOUND,
      "catalog item 'hidden-ci' is not published",
    ]);
  });

  it("pre-parses the public List filter: a syntax error is INVALID_ARGUMENT `invalid filter: …`", async () => {
    const [status, message] = await code(f.client.call(ClusterCatalogItems.method.list, { filter: "this.title ==" }, f.alice));
    expect(status).toBe(grpc.status.INVALID_ARGUMENT);
    expect(message).toMatch(/^invalid filter: /);
    const found = await f.client.call(ClusterCatalogItems.method.list, { filter: "this.title == 'Small cluster'" }, f.alice);
    expect(found.items.map((i) => i.id)).toEqual(["small-ci"]);
  });

  it("ignores the mask on the public Update (live) and honours it on the private one", async () => {
    await f.client.call(ClusterCatalogItems.method.create, { object: smallItem("wiped") }, f.admin);
    const wiped = await f.client.call(ClusterCatalogItems.method.update, { object: { id: "wiped", title: "New" }, updateMask: { paths: ["title"] } }, f.admin);
    expect([wiped.object?.title, wiped.object?.description, wiped.object?.fieldDefinitions.length]).toEqual(["New", "", 0]);
    await f.client.call(ClusterCatalogItems.method.create, { object: smallItem("masked") }, f.admin);
    const masked = await f.client.call(PrivateCatalogItems.method.update, { object: { id: "masked", title: "New" }, updateMask: { paths: ["title"] } }, f.admin);
    expect([masked.object?.title, masked.object?.description, masked.object?.fieldDefinitions.length]).toEqual(["New", "Two to five workers", 3]);
  });

  it("orders a cluster by catalog item: template from the item, defaults applied, spec.catalog_item stored", async () => {
    const created = await f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "small-ci", templateParameters: { ha: boolAny(true) } } } }, f.alice);
    const spec = created.object!.spec!;
    expect([spec.catalogItem, spec.template, spec.nodeSets.workers.size, spec.nodeSets.workers.hostType]).toEqual(["small-ci", "sim_small", 2, "acme_1tib"]);
    expect(spec.templateParameters.release.typeUrl).toBe("type.googleapis.com/google.protobuf.StringValue");
    // A catalog item a cluster uses cannot be deleted (live).
    expect(await code(f.client.call(ClusterCatalogItems.method.delete, { id: "small-ci" }, f.admin))).toEqual([
      grpc.status.FAILED_PRECONDITION,
      "cannot delete cluster catalog item 'small-ci': it is in use by at least one cluster",
    ]);
  });

  it("refuses what the field definitions do not allow, with the server's words (live)", async () => {
    const order = (spec: Record<string, unknown>) => code(f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "small-ci", ...spec } } }, f.alice));
    expect(await order({ template: "sim_small" })).toEqual([grpc.status.INVALID_ARGUMENT, "catalog_item and template are mutually exclusive"]);
    expect(await order({ sshPublicKey: "ssh-ed25519 AAAA" })).toEqual([grpc.status.INVALID_ARGUMENT, "fields not allowed by catalog item: ssh_public_key"]);
    expect(await order({ sshPublicKey: "k", pullSecret: "p" })).toEqual([grpc.status.INVALID_ARGUMENT, "fields not allowed by catalog item: pull_secret, ssh_public_key"]);
    expect(await order({ templateParameters: { release: { typeUrl: "type.googleapis.com/google.protobuf.StringValue", value: new Uint8Array([10, 1, 120]) } } })).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "field 'template_parameters.release' is not editable",
    ]);
    const [status, message] = await order({ nodeSets: { workers: { size: 10 } } });
    expect(status).toBe(grpc.status.INVALID_ARGUMENT);
    expect(message).toMatch(/^validation failed for field 'node_sets\.workers\.size': jsonschema validation failed with '.*'\n- at '': must be <= 5$/);
    expect(await code(f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "nope" } } }, f.alice))).toEqual([
      grpc.status.NOT_FOUND,
      "there is no catalog item with identifier or name 'nope'",
    ]);
  });

  it("requires an editable field without a default", async () => {
    const item = { ...smallItem("needs-ha"), fieldDefinitions: [{ path: "template_parameters.ha", editable: true }] };
    await f.client.call(ClusterCatalogItems.method.create, { object: item }, f.admin);
    expect(await code(f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "needs-ha" } } }, f.alice))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "field 'template_parameters.ha' is required but no value was provided and no default is defined",
    ]);
  });

  it("keeps spec.catalog_item immutable on Update", async () => {
    const created = await f.client.call(Clusters.method.create, { object: { spec: { catalogItem: "small-ci", templateParameters: { ha: boolAny(false) } } } }, f.alice);
    const id = created.object!.id;
    expect(await code(f.client.call(Clusters.method.update, { object: { id, spec: { catalogItem: "needs-ha" } }, updateMask: { paths: ["spec.catalog_item"] } }, f.alice))).toEqual([
      grpc.status.INVALID_ARGUMENT,
      "cannot change spec.catalog_item from 'small-ci' to 'needs-ha': catalog item is immutable",
    ]);
  });
});

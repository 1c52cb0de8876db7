// Wire facts of the osac generation (osac.public.v1, osac.private.v1, see /work/shared/osac-api.md) and
// of grpc.reflection.v1, pinned through the generated descriptors.
//
// Staleness: proto.test.ts ("generated code is up to date") regenerates the whole of proto/ and compares
// every file of proto/gen, so proto/gen/osac/** and proto/gen/grpc/** are covered there; this file only
// checks that every .proto of those trees has its generated descriptor, and pins the numbers.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ScalarType, type DescField, type DescFile, type DescMessage, type DescService } from "@bufbuild/protobuf";
import * as pubClusters from "../../proto/gen/osac/public/v1/clusters_service_pb";
import * as pubClusterType from "../../proto/gen/osac/public/v1/cluster_type_pb";
import * as pubTemplates from "../../proto/gen/osac/public/v1/cluster_templates_service_pb";
import * as pubTemplateType from "../../proto/gen/osac/public/v1/cluster_template_type_pb";
import * as pubHostTypes from "../../proto/gen/osac/public/v1/host_types_service_pb";
import * as pubHostTypeType from "../../proto/gen/osac/public/v1/host_type_type_pb";
import * as pubVersions from "../../proto/gen/osac/public/v1/cluster_versions_service_pb";
import * as pubVersionType from "../../proto/gen/osac/public/v1/cluster_version_type_pb";
import * as pubCatalog from "../../proto/gen/osac/public/v1/cluster_catalog_items_service_pb";
import * as pubCatalogType from "../../proto/gen/osac/public/v1/cluster_catalog_item_type_pb";
import * as pubFieldDef from "../../proto/gen/osac/public/v1/field_definition_type_pb";
import * as pubEvents from "../../proto/gen/osac/public/v1/events_service_pb";
import * as pubEventType from "../../proto/gen/osac/public/v1/event_type_pb";
import * as pubCapabilities from "../../proto/gen/osac/public/v1/capabilities_service_pb";
import * as pubAuthn from "../../proto/gen/osac/public/v1/authn_capabilities_type_pb";
import * as pubJwks from "../../proto/gen/osac/public/v1/json_web_key_set_service_pb";
import * as pubProjects from "../../proto/gen/osac/public/v1/projects_service_pb";
import * as pubProjectType from "../../proto/gen/osac/public/v1/project_type_pb";
import * as pubTenants from "../../proto/gen/osac/public/v1/tenants_service_pb";
import * as pubTenantType from "../../proto/gen/osac/public/v1/tenant_type_pb";
import * as pubMeta from "../../proto/gen/osac/public/v1/metadata_type_pb";
import * as pubCond from "../../proto/gen/osac/public/v1/condition_status_type_pb";
import * as privClusters from "../../proto/gen/osac/private/v1/clusters_service_pb";
import * as privClusterType from "../../proto/gen/osac/private/v1/cluster_type_pb";
import * as privTemplates from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import * as privTemplateType from "../../proto/gen/osac/private/v1/cluster_template_type_pb";
import * as privHostTypes from "../../proto/gen/osac/private/v1/host_types_service_pb";
import * as privHostTypeType from "../../proto/gen/osac/private/v1/host_type_type_pb";
import * as privHubs from "../../proto/gen/osac/private/v1/hubs_service_pb";
import * as privHubType from "../../proto/gen/osac/private/v1/hub_type_pb";
import * as privVersions from "../../proto/gen/osac/private/v1/cluster_versions_service_pb";
import * as privVersionType from "../../proto/gen/osac/private/v1/cluster_version_type_pb";
import * as privCatalog from "../../proto/gen/osac/private/v1/cluster_catalog_items_service_pb";
import * as privCatalogType from "../../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
import * as privEvents from "../../proto/gen/osac/private/v1/events_service_pb";
import * as privEventType from "../../proto/gen/osac/private/v1/event_type_pb";
import * as privCapabilities from "../../proto/gen/osac/private/v1/capabilities_service_pb";
import * as privMeta from "../../proto/gen/osac/private/v1/metadata_type_pb";
import * as privCond from "../../proto/gen/osac/private/v1/condition_status_type_pb";
import * as reflection from "../../proto/gen/grpc/reflection/v1/reflection_pb";

const ROOT = path.resolve(__dirname, "../..");
const PROTO = path.join(ROOT, "proto");

function listProtos(dir: string): string[] {
  return fs
    .readdirSync(path.join(PROTO, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listProtos(path.join(dir, e.name)) : e.name.endsWith(".proto") ? [path.join(dir, e.name)] : []))
    .sort();
}

function typeOf(f: DescField): string {
  const scalar = (t: ScalarType) => ScalarType[t].toLowerCase();
  switch (f.fieldKind) {
    case "scalar":
      return scalar(f.scalar);
    case "enum":
      return f.enum.typeName;
    case "message":
      return f.message.typeName;
    case "list":
      return `repeated ${f.listKind === "scalar" ? scalar(f.scalar) : f.listKind === "enum" ? f.enum.typeName : f.message.typeName}`;
    case "map":
      return `map<${scalar(f.mapKey)}, ${f.mapKind === "scalar" ? scalar(f.scalar) : f.mapKind === "enum" ? f.enum.typeName : f.message.typeName}>`;
  }
}

/** name -> "number [optional ]type[ (oneof x)]", e.g. { pull_secret: "4 optional string", items: "3 repeated osac.public.v1.Cluster" }. */
function shape(message: DescMessage): Record<string, string> {
  return Object.fromEntries(
    message.fields.map((f) => [
      f.name,
      `${f.number} ${f.proto.proto3Optional ? "optional " : ""}${typeOf(f)}${f.oneof ? ` (oneof ${f.oneof.name})` : ""}`,
    ]),
  );
}

function methods(service: DescService): Record<string, string> {
  return Object.fromEntries(
    service.methods.map((m) => [m.name, `${m.methodKind} ${m.input.typeName} -> ${m.output.typeName}`]),
  );
}

const OSAC_TREES = ["osac/public/v1", "osac/private/v1", "grpc/reflection/v1"];
const files = new Map<string, DescFile>();

beforeAll(async () => {
  for (const proto of OSAC_TREES.flatMap((t) => listProtos(t))) {
    const gen = path.join(PROTO, "gen", proto.replace(/\.proto$/, "_pb.ts"));
    const mod = (await import(gen)) as Record<string, unknown>;
    const file = Object.values(mod).find((v): v is DescFile => (v as DescFile | undefined)?.kind === "file");
    if (file) files.set(proto, file);
  }
});

const osacFiles = () => [...files.values()].filter((f) => f.name.startsWith("osac/"));
const osacServices = () => osacFiles().flatMap((f) => f.services);

describe("osac descriptors", () => {
  it("exist for every .proto of proto/osac and proto/grpc, one package per directory", () => {
    const protos = OSAC_TREES.flatMap((t) => listProtos(t)).sort();
    expect(protos.length).toBeGreaterThan(40);
    expect([...files.keys()].sort()).toEqual(protos);
    for (const [proto, file] of files) {
      expect(file.name).toBe(proto.replace(/\.proto$/, ""));
      const pkg = path.dirname(proto).split(path.sep).join(".");
      expect(file.proto.package, proto).toBe(pkg);
      // No dependency on the innabox generation (shared.v1, fulfillment.v1, private.v1).
      for (const dep of file.dependencies) {
        expect(dep.name, `${proto} imports ${dep.name}`).toMatch(/^(osac\/|grpc\/|google\/)/);
      }
    }
  });

  it("have the services of the facts table and their gRPC paths", () => {
    const crud = ["Create", "Delete", "Get", "List", "Update"];
    const names = (s: DescService) => s.methods.map((m) => m.name).sort();
    expect(osacServices().map((s) => s.typeName).sort()).toEqual([
      "osac.private.v1.Capabilities",
      "osac.private.v1.ClusterCatalogItems",
      "osac.private.v1.ClusterTemplates",
      "osac.private.v1.ClusterVersions",
      "osac.private.v1.Clusters",
      "osac.private.v1.Events",
      "osac.private.v1.HostTypes",
      "osac.private.v1.Hubs",
      "osac.public.v1.Capabilities",
      "osac.public.v1.ClusterCatalogItems",
      "osac.public.v1.ClusterTemplates",
      "osac.public.v1.ClusterVersions",
      "osac.public.v1.Clusters",
      "osac.public.v1.Events",
      "osac.public.v1.HostTypes",
      "osac.public.v1.JsonWebKeySet",
      "osac.public.v1.Projects",
      "osac.public.v1.Tenants",
    ]);
    expect(names(pubClusters.Clusters)).toEqual(
      ["Create", "Delete", "Get", "GetKubeconfig", "GetKubeconfigViaHttp", "GetPassword", "GetPasswordViaHttp", "List", "Update"],
    );
    for (const s of [pubTemplates.ClusterTemplates, pubHostTypes.HostTypes, pubVersions.ClusterVersions, pubCatalog.ClusterCatalogItems, pubProjects.Projects, pubTenants.Tenants]) {
      expect(names(s), s.typeName).toEqual(crud);
    }
    for (const s of [privClusters.Clusters, privTemplates.ClusterTemplates, privHostTypes.HostTypes, privHubs.Hubs, privVersions.ClusterVersions, privCatalog.ClusterCatalogItems]) {
      expect(names(s), s.typeName).toEqual([...crud, "Signal"].sort());
    }
    expect(methods(pubClusters.Clusters)).toMatchObject({
      List: "unary osac.public.v1.ClustersListRequest -> osac.public.v1.ClustersListResponse",
      GetKubeconfig: "unary osac.public.v1.ClustersGetKubeconfigRequest -> osac.public.v1.ClustersGetKubeconfigResponse",
      GetKubeconfigViaHttp: "unary osac.public.v1.ClustersGetKubeconfigViaHttpRequest -> google.api.HttpBody",
      GetPassword: "unary osac.public.v1.ClustersGetPasswordRequest -> osac.public.v1.ClustersGetPasswordResponse",
      GetPasswordViaHttp: "unary osac.public.v1.ClustersGetPasswordViaHttpRequest -> google.api.HttpBody",
    });
    expect(methods(pubEvents.Events)).toEqual({
      Watch: "server_streaming osac.public.v1.EventsWatchRequest -> osac.public.v1.EventsWatchResponse",
    });
    expect(methods(privEvents.Events)).toEqual({
      Watch: "server_streaming osac.private.v1.EventsWatchRequest -> osac.private.v1.EventsWatchResponse",
    });
    expect(methods(pubCapabilities.Capabilities)).toEqual({
      Get: "unary osac.public.v1.CapabilitiesGetRequest -> osac.public.v1.CapabilitiesGetResponse",
    });
    expect(methods(privCapabilities.Capabilities)).toEqual({
      Get: "unary osac.private.v1.CapabilitiesGetRequest -> osac.private.v1.CapabilitiesGetResponse",
    });
    expect(methods(pubJwks.JsonWebKeySet)).toEqual({ Get: "unary osac.public.v1.JsonWebKeySetGetRequest -> google.api.HttpBody" });
    expect(methods(privHubs.Hubs).Signal).toBe("unary osac.private.v1.HubsSignalRequest -> osac.private.v1.HubsSignalResponse");
    // Every other method is unary.
    for (const s of osacServices()) {
      for (const m of s.methods) {
        expect(`${s.typeName}/${m.name} ${m.methodKind}`).toBe(`${s.typeName}/${m.name} ${m.name === "Watch" ? "server_streaming" : "unary"}`);
      }
    }
  });

  it("name requests and responses <Service><Method>Request/Response, in the service's package", () => {
    for (const s of osacServices()) {
      const pkg = s.typeName.slice(0, s.typeName.lastIndexOf("."));
      for (const m of s.methods) {
        expect(m.input.typeName).toBe(`${pkg}.${s.name}${m.name}Request`);
        if (m.output.typeName !== "google.api.HttpBody") expect(m.output.typeName).toBe(`${pkg}.${s.name}${m.name}Response`);
      }
    }
  });
});

describe("osac request and response messages", () => {
  it("number every list response 1 size, 2 total, 3 items (no presence)", () => {
    const lists = osacServices().flatMap((s) => s.methods.filter((m) => m.name === "List"));
    expect(lists).toHaveLength(13);
    for (const m of lists) {
      const object = m.output.field.items!.message!.typeName;
      expect(shape(m.output), m.output.typeName).toEqual({ size: "1 int32", total: "2 int32", items: `3 repeated ${object}` });
    }
    expect(shape(pubTemplates.ClusterTemplatesListResponseSchema).items).toBe("3 repeated osac.public.v1.ClusterTemplate");
    expect(shape(pubHostTypes.HostTypesListResponseSchema).items).toBe("3 repeated osac.public.v1.HostType");
    expect(shape(privHubs.HubsListResponseSchema).items).toBe("3 repeated osac.private.v1.Hub");
  });

  it("number list requests, with order everywhere but private Clusters, ClusterTemplates and Hubs", () => {
    const withOrder = { offset: "1 optional int32", limit: "2 optional int32", filter: "3 optional string", order: "4 optional string" };
    const { order: _order, ...withoutOrder } = withOrder;
    const noOrder = ["osac.private.v1.Clusters", "osac.private.v1.ClusterTemplates", "osac.private.v1.Hubs"];
    for (const s of osacServices()) {
      const list = s.methods.find((m) => m.name === "List");
      if (!list) continue;
      expect(shape(list.input), list.input.typeName).toEqual(noOrder.includes(s.typeName) ? withoutOrder : withOrder);
    }
  });

  it("number Get/Delete/Signal/Create/Update the same way in every CRUD service, with 3 lock", () => {
    let updates = 0;
    for (const s of osacServices().filter((x) => x.methods.some((m) => m.name === "List"))) {
      for (const m of s.methods) {
        const object = s.methods.find((x) => x.name === "Get")?.output.field.object?.message?.typeName;
        switch (m.name) {
          case "Get":
          case "Delete":
          case "Signal":
            expect(shape(m.input), m.input.typeName).toEqual({ id: "1 string" });
            break;
          case "Create":
            expect(shape(m.input), m.input.typeName).toEqual({ object: `1 ${object}` });
            break;
          case "Update":
            updates++;
            expect(shape(m.input), m.input.typeName).toEqual({
              object: `1 ${object}`, update_mask: "2 google.protobuf.FieldMask", lock: "3 bool",
            });
            break;
        }
        if (["Get", "Create", "Update"].includes(m.name)) {
          expect(shape(m.output), m.output.typeName).toEqual({ object: `1 ${object}` });
        }
        if (["Delete", "Signal"].includes(m.name)) expect(shape(m.output), m.output.typeName).toEqual({});
      }
    }
    expect(updates).toBe(13);
    expect(shape(pubClusters.ClustersUpdateRequestSchema).lock).toBe("3 bool");
    expect(shape(pubClusters.ClustersGetKubeconfigRequestSchema)).toEqual({ id: "1 string" });
    expect(shape(pubClusters.ClustersGetKubeconfigViaHttpRequestSchema)).toEqual({ id: "1 string" });
    expect(shape(pubClusters.ClustersGetPasswordRequestSchema)).toEqual({ id: "1 string" });
    expect(shape(pubClusters.ClustersGetPasswordViaHttpRequestSchema)).toEqual({ id: "1 string" });
    expect(shape(pubClusters.ClustersGetKubeconfigResponseSchema)).toEqual({ kubeconfig: "1 string" });
    expect(shape(pubClusters.ClustersGetPasswordResponseSchema)).toEqual({ password: "1 string" });
  });

  it("numbers events, capabilities and JWKS messages", () => {
    expect(shape(pubEvents.EventsWatchRequestSchema)).toEqual({ filter: "1 optional string" });
    expect(shape(pubEvents.EventsWatchResponseSchema)).toEqual({ event: "1 osac.public.v1.Event" });
    expect(shape(privEvents.EventsWatchRequestSchema)).toEqual({ filter: "1 optional string" });
    expect(shape(privEvents.EventsWatchResponseSchema)).toEqual({ event: "1 osac.private.v1.Event" });
    expect(shape(pubCapabilities.CapabilitiesGetRequestSchema)).toEqual({});
    expect(shape(pubCapabilities.CapabilitiesGetResponseSchema)).toEqual({ authn: "1 osac.public.v1.AuthnCapabilities" });
    expect(shape(privCapabilities.CapabilitiesGetResponseSchema)).toEqual({ authn: "1 osac.private.v1.AuthnCapabilities" });
    expect(shape(pubAuthn.AuthnCapabilitiesSchema)).toEqual({ trusted_token_issuers: "1 repeated string" });
    expect(shape(pubJwks.JsonWebKeySetGetRequestSchema)).toEqual({});
  });
});

describe("osac objects", () => {
  it("numbers public and private Metadata differently (3 creator / 4 creator, 4 name / 6 name)", () => {
    expect(shape(pubMeta.MetadataSchema)).toEqual({
      creation_timestamp: "1 google.protobuf.Timestamp",
      deletion_timestamp: "2 google.protobuf.Timestamp",
      creator: "3 string",
      name: "4 string",
      tenant: "5 string",
      labels: "7 map<string, string>",
      annotations: "8 map<string, string>",
      version: "9 int32",
      project: "10 string",
    });
    expect(shape(privMeta.MetadataSchema)).toEqual({
      creation_timestamp: "1 google.protobuf.Timestamp",
      deletion_timestamp: "2 google.protobuf.Timestamp",
      finalizers: "3 repeated string",
      creator: "4 string",
      tenant: "5 string",
      name: "6 string",
      labels: "7 map<string, string>",
      annotations: "8 map<string, string>",
      version: "9 int32",
      project: "10 string",
    });
    expect(pubMeta.MetadataSchema.typeName).toBe("osac.public.v1.Metadata");
    expect(privMeta.MetadataSchema.typeName).toBe("osac.private.v1.Metadata");
    for (const [cond, pkg] of [[pubCond, "public"], [privCond, "private"]] as const) {
      expect(cond.ConditionStatusSchema.typeName).toBe(`osac.${pkg}.v1.ConditionStatus`);
      expect(cond.ConditionStatusSchema.values.map((v) => [v.name, v.number])).toEqual([
        ["CONDITION_STATUS_UNSPECIFIED", 0], ["CONDITION_STATUS_TRUE", 1], ["CONDITION_STATUS_FALSE", 2],
      ]);
    }
  });

  it("restructures Hub into spec (3 kubeconfig bytes, 4 namespace) and an empty status", () => {
    expect(shape(privHubType.HubSchema)).toEqual({
      id: "1 string", metadata: "2 osac.private.v1.Metadata", spec: "3 osac.private.v1.HubSpec", status: "4 osac.private.v1.HubStatus",
    });
    expect(shape(privHubType.HubSpecSchema)).toEqual({ kubeconfig: "3 bytes", namespace: "4 string" });
    expect(shape(privHubType.HubStatusSchema)).toEqual({});
  });

  it("numbers ClusterSpec 1-9 alike in both packages", () => {
    for (const [t, pkg] of [[pubClusterType, "public"], [privClusterType, "private"]] as const) {
      const p = `osac.${pkg}.v1`;
      expect(shape(t.ClusterSchema)).toEqual({
        id: "1 string", metadata: `2 ${p}.Metadata`, spec: `3 ${p}.ClusterSpec`, status: `4 ${p}.ClusterStatus`,
      });
      expect(shape(t.ClusterSpecSchema)).toEqual({
        template: "1 string",
        template_parameters: "2 map<string, google.protobuf.Any>",
        node_sets: `3 map<string, ${p}.ClusterNodeSet>`,
        pull_secret: "4 optional string",
        ssh_public_key: "5 optional string",
        release_image: "6 optional string",
        network: `7 optional ${p}.ClusterNetwork`,
        catalog_item: "8 string",
        network_attachment: `9 ${p}.ClusterNetworkAttachment`,
      });
      expect(shape(t.ClusterNetworkSchema)).toEqual({ pod_cidr: "1 optional string", service_cidr: "2 optional string" });
      expect(shape(t.ClusterNetworkAttachmentSchema)).toEqual({ subnet: "1 string", security_groups: "2 repeated string" });
      expect(shape(t.ClusterNodeSetSchema)).toEqual({ host_type: "1 string", size: "2 int32" });
      expect(shape(t.ClusterConditionSchema)).toEqual({
        type: `1 ${p}.ClusterConditionType`,
        status: `2 ${p}.ConditionStatus`,
        last_transition_time: "3 google.protobuf.Timestamp",
        reason: "4 optional string",
        message: "5 optional string",
      });
      expect(t.ClusterStateSchema.values.map((v) => [v.name, v.number])).toEqual([
        ["CLUSTER_STATE_UNSPECIFIED", 0], ["CLUSTER_STATE_PROGRESSING", 1], ["CLUSTER_STATE_READY", 2],
        ["CLUSTER_STATE_FAILED", 3], ["CLUSTER_STATE_DELETING", 4], ["CLUSTER_STATE_DELETE_FAILED", 5],
      ]);
      expect(t.ClusterConditionTypeSchema.values.map((v) => [v.name, v.number])).toEqual([
        ["CLUSTER_CONDITION_TYPE_UNSPECIFIED", 0], ["CLUSTER_CONDITION_TYPE_PROGRESSING", 1], ["CLUSTER_CONDITION_TYPE_READY", 2],
        ["CLUSTER_CONDITION_TYPE_FAILED", 3], ["CLUSTER_CONDITION_TYPE_DEGRADED", 4],
      ]);
    }
    expect(pubClusterType.ClusterState.DELETING).toBe(4);
    expect(privClusterType.ClusterState.DELETE_FAILED).toBe(5);
  });

  it("numbers ClusterStatus differently: public 6/7/8, private 6 hub then 7/8/9", () => {
    const common = (p: string) => ({
      state: `1 ${p}.ClusterState`,
      conditions: `2 repeated ${p}.ClusterCondition`,
      api_url: "3 string",
      console_url: "4 string",
      node_sets: `5 map<string, ${p}.ClusterNodeSet>`,
    });
    expect(shape(pubClusterType.ClusterStatusSchema)).toEqual({
      ...common("osac.public.v1"),
      api_endpoint: "6 string",
      ingress_endpoint: "7 string",
      state_transition_time: "8 optional google.protobuf.Timestamp",
    });
    expect(shape(privClusterType.ClusterStatusSchema)).toEqual({
      ...common("osac.private.v1"),
      hub: "6 string",
      api_endpoint: "7 string",
      ingress_endpoint: "8 string",
      state_transition_time: "9 optional google.protobuf.Timestamp",
    });
  });

  it("adds 7 spec_defaults to ClusterTemplate (pull_secret 1 only in private)", () => {
    for (const [t, pkg] of [[pubTemplateType, "public"], [privTemplateType, "private"]] as const) {
      const p = `osac.${pkg}.v1`;
      expect(shape(t.ClusterTemplateSchema)).toEqual({
        id: "1 string",
        metadata: `2 ${p}.Metadata`,
        title: "3 string",
        description: "4 string",
        parameters: `5 repeated ${p}.ClusterTemplateParameterDefinition`,
        node_sets: `6 map<string, ${p}.ClusterTemplateNodeSet>`,
        spec_defaults: `7 ${p}.ClusterTemplateSpecDefaults`,
      });
      expect(shape(t.ClusterTemplateParameterDefinitionSchema)).toEqual({
        name: "1 string", title: "2 string", description: "3 string", required: "4 bool", type: "5 string", default: "6 google.protobuf.Any",
      });
      expect(shape(t.ClusterTemplateNodeSetSchema)).toEqual({ host_type: "1 string", size: "2 int32" });
    }
    const defaults = (p: string) => ({
      ssh_public_key: "2 optional string", release_image: "3 optional string", network: `4 optional ${p}.ClusterNetwork`,
    });
    expect(shape(pubTemplateType.ClusterTemplateSpecDefaultsSchema)).toEqual(defaults("osac.public.v1"));
    expect(shape(privTemplateType.ClusterTemplateSpecDefaultsSchema)).toEqual({
      pull_secret: "1 optional string", ...defaults("osac.private.v1"),
    });
  });

  it("adds 5 interfaces to HostType (was HostClass)", () => {
    for (const [t, pkg] of [[pubHostTypeType, "public"], [privHostTypeType, "private"]] as const) {
      const p = `osac.${pkg}.v1`;
      expect(shape(t.HostTypeSchema)).toEqual({
        id: "1 string", metadata: `2 ${p}.Metadata`, title: "3 string", description: "4 string", interfaces: `5 repeated ${p}.NetworkInterface`,
      });
      expect(shape(t.NetworkInterfaceSchema)).toEqual({ name: "1 string", role: "2 string", description: "3 string" });
    }
  });

  it("numbers ClusterVersion (1 image only in private)", () => {
    const spec = (p: string) => ({
      enabled: "2 optional bool",
      is_default: "3 optional bool",
      state: `4 ${p}.ClusterVersionState`,
      deprecation: `5 ${p}.ClusterVersionDeprecation`,
      version: "6 string",
      allowed_upgrades: `7 ${p}.ClusterVersionAllowedUpgrades`,
    });
    expect(shape(pubVersionType.ClusterVersionSpecSchema)).toEqual(spec("osac.public.v1"));
    expect(shape(privVersionType.ClusterVersionSpecSchema)).toEqual({ image: "1 string", ...spec("osac.private.v1") });
    for (const [t, pkg] of [[pubVersionType, "public"], [privVersionType, "private"]] as const) {
      const p = `osac.${pkg}.v1`;
      expect(shape(t.ClusterVersionSchema)).toEqual({
        id: "1 string", metadata: `2 ${p}.Metadata`, spec: `3 ${p}.ClusterVersionSpec`, status: `4 ${p}.ClusterVersionStatus`,
      });
      expect(shape(t.ClusterVersionStatusSchema)).toEqual({});
      expect(shape(t.ClusterVersionDeprecationSchema)).toEqual({
        deprecation_timestamp: "1 google.protobuf.Timestamp", obsolescence_timestamp: "2 google.protobuf.Timestamp",
      });
      expect(shape(t.ClusterVersionAllowedUpgradesSchema)).toEqual({ version_names: "1 repeated string" });
      expect(t.ClusterVersionStateSchema.values.map((v) => [v.name, v.number])).toEqual([
        ["CLUSTER_VERSION_STATE_UNSPECIFIED", 0], ["CLUSTER_VERSION_STATE_ACTIVE", 1],
        ["CLUSTER_VERSION_STATE_DEPRECATED", 2], ["CLUSTER_VERSION_STATE_OBSOLETE", 3],
      ]);
    }
  });

  it("numbers ClusterCatalogItem (7 tenant only in private) and FieldDefinition", () => {
    const item = (p: string) => ({
      id: "1 string",
      metadata: `2 ${p}.Metadata`,
      title: "3 string",
      description: "4 string",
      template: "5 string",
      published: "6 bool",
      field_definitions: `8 repeated ${p}.FieldDefinition`,
    });
    expect(shape(pubCatalogType.ClusterCatalogItemSchema)).toEqual(item("osac.public.v1"));
    expect(shape(privCatalogType.ClusterCatalogItemSchema)).toEqual({ ...item("osac.private.v1"), tenant: "7 string" });
    expect(shape(pubFieldDef.FieldDefinitionSchema)).toEqual({
      path: "1 string", display_name: "2 string", editable: "3 bool", default: "4 google.protobuf.Value", validation_schema: "5 string",
    });
  });

  it("numbers Project and Tenant", () => {
    expect(shape(pubProjectType.ProjectSchema)).toEqual({
      id: "1 string", metadata: "2 osac.public.v1.Metadata", spec: "3 osac.public.v1.ProjectSpec", status: "4 osac.public.v1.ProjectStatus",
    });
    expect(shape(pubProjectType.ProjectSpecSchema)).toEqual({ title: "2 string", description: "3 optional string" });
    expect(shape(pubProjectType.ProjectStatusSchema)).toEqual({ state: "1 osac.public.v1.ProjectState", message: "2 optional string" });
    expect(pubProjectType.ProjectStateSchema.values.map((v) => v.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pubProjectType.ProjectState.DELETE_FAILED).toBe(5);
    expect(shape(pubTenantType.TenantSchema)).toEqual({ id: "1 string", metadata: "2 osac.public.v1.Metadata", spec: "3 osac.public.v1.TenantSpec" });
    expect(shape(pubTenantType.TenantSpecSchema)).toEqual({ domains: "1 repeated string" });
  });

  it("numbers the Event payload oneofs (in-scope members) and EventType", () => {
    expect(shape(pubEventType.EventSchema)).toEqual({
      id: "1 string",
      type: "2 osac.public.v1.EventType",
      cluster: "3 osac.public.v1.Cluster (oneof payload)",
      cluster_template: "4 osac.public.v1.ClusterTemplate (oneof payload)",
      host_type: "5 osac.public.v1.HostType (oneof payload)",
      project: "11 osac.public.v1.Project (oneof payload)",
      tenant: "13 osac.public.v1.Tenant (oneof payload)",
      cluster_version: "14 osac.public.v1.ClusterVersion (oneof payload)",
    });
    expect(shape(privEventType.EventSchema)).toEqual({
      id: "1 string",
      type: "2 osac.private.v1.EventType",
      cluster: "3 osac.private.v1.Cluster (oneof payload)",
      cluster_template: "4 osac.private.v1.ClusterTemplate (oneof payload)",
      host_type: "5 osac.private.v1.HostType (oneof payload)",
      hub: "6 osac.private.v1.Hub (oneof payload)",
      cluster_catalog_item: "22 osac.private.v1.ClusterCatalogItem (oneof payload)",
      cluster_version: "38 osac.private.v1.ClusterVersion (oneof payload)",
    });
    expect(privEventType.EventSchema.proto.reservedRange.map((r) => [r.start, r.end])).toEqual([[16, 17], [17, 18], [18, 19], [25, 26]]);
    const events = [["EVENT_TYPE_UNSPECIFIED", 0], ["EVENT_TYPE_OBJECT_CREATED", 1], ["EVENT_TYPE_OBJECT_UPDATED", 2], ["EVENT_TYPE_OBJECT_DELETED", 3]];
    expect(pubEventType.EventTypeSchema.values.map((v) => [v.name, v.number])).toEqual(events);
    expect(privEventType.EventTypeSchema.values.map((v) => [v.name, v.number])).toEqual([...events, ["EVENT_TYPE_OBJECT_SIGNALED", 4]]);
  });
});

describe("grpc.reflection.v1", () => {
  it("is the bidi-streaming ServerReflection service of upstream grpc", () => {
    expect(methods(reflection.ServerReflection)).toEqual({
      ServerReflectionInfo: "bidi_streaming grpc.reflection.v1.ServerReflectionRequest -> grpc.reflection.v1.ServerReflectionResponse",
    });
    expect(reflection.ServerReflection.typeName).toBe("grpc.reflection.v1.ServerReflection");
  });

  it("numbers the messages as upstream", () => {
    const p = "grpc.reflection.v1";
    expect(shape(reflection.ServerReflectionRequestSchema)).toEqual({
      host: "1 string",
      file_by_filename: "3 string (oneof message_request)",
      file_containing_symbol: "4 string (oneof message_request)",
      file_containing_extension: `5 ${p}.ExtensionRequest (oneof message_request)`,
      all_extension_numbers_of_type: "6 string (oneof message_request)",
      list_services: "7 string (oneof message_request)",
    });
    expect(shape(reflection.ServerReflectionResponseSchema)).toEqual({
      valid_host: "1 string",
      original_request: `2 ${p}.ServerReflectionRequest`,
      file_descriptor_response: `4 ${p}.FileDescriptorResponse (oneof message_response)`,
      all_extension_numbers_response: `5 ${p}.ExtensionNumberResponse (oneof message_response)`,
      list_services_response: `6 ${p}.ListServiceResponse (oneof message_response)`,
      error_response: `7 ${p}.ErrorResponse (oneof message_response)`,
    });
    expect(shape(reflection.ExtensionRequestSchema)).toEqual({ containing_type: "1 string", extension_number: "2 int32" });
    expect(shape(reflection.FileDescriptorResponseSchema)).toEqual({ file_descriptor_proto: "1 repeated bytes" });
    expect(shape(reflection.ExtensionNumberResponseSchema)).toEqual({ base_type_name: "1 string", extension_number: "2 repeated int32" });
    expect(shape(reflection.ListServiceResponseSchema)).toEqual({ service: `1 repeated ${p}.ServiceResponse` });
    expect(shape(reflection.ServiceResponseSchema)).toEqual({ name: "1 string" });
    expect(shape(reflection.ErrorResponseSchema)).toEqual({ error_code: "1 int32", error_message: "2 string" });
  });
});

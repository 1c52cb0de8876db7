// Today's generation: osac.public.v1 for users, osac.private.v1 for admins. Its traps:
// host types; the Hub's kubeconfig/namespace under `spec`; public ClusterTemplates and
// HostTypes Update ignore the mask (writes go through the private API, which honours it);
// `spec.node_sets.<key>.size` as a mask path clears the stored host type (always send the
// whole map); a public `status` mask clears the status (never sent); `pull_secret` comes
// back as `***`; `lock` with `metadata.version` for optimistic concurrency.
import { Clusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/osac/public/v1/cluster_templates_service_pb";
import { HostTypes } from "../../proto/gen/osac/public/v1/host_types_service_pb";
import type { Cluster as ClusterMessage } from "../../proto/gen/osac/public/v1/cluster_type_pb";
import type { ClusterTemplate as TemplateMessage } from "../../proto/gen/osac/public/v1/cluster_template_type_pb";
import type { HostType as HostTypeMessage } from "../../proto/gen/osac/public/v1/host_type_type_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/osac/private/v1/clusters_service_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import { HostTypes as PrivateHostTypes } from "../../proto/gen/osac/private/v1/host_types_service_pb";
import type { ClusterTemplate as PrivateTemplateMessage } from "../../proto/gen/osac/private/v1/cluster_template_type_pb";
import type { HostType as PrivateHostTypeMessage } from "../../proto/gen/osac/private/v1/host_type_type_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterCatalogItems } from "../../proto/gen/osac/public/v1/cluster_catalog_items_service_pb";
import { ClusterCatalogItems as PrivateCatalogItems } from "../../proto/gen/osac/private/v1/cluster_catalog_items_service_pb";
import type { ClusterCatalogItem as CatalogItemMessage } from "../../proto/gen/osac/public/v1/cluster_catalog_item_type_pb";
import type { ClusterCatalogItem as PrivateCatalogItemMessage } from "../../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
import { fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Events } from "../../proto/gen/osac/public/v1/events_service_pb";
import type { Hub as HubMessage } from "../../proto/gen/osac/private/v1/hub_type_pb";
import type { FulfillmentClient } from "../client";
import { osacProjects } from "./osacProjects";
import { osacClusterVersions } from "./osacClusterVersions";
import type { ClusterCreate, FulfillmentApi, HubField } from "./api";
import type { Cluster, ClusterCatalogItem, ClusterProgress, ClusterNetwork, ClusterTemplate, HostType, Hub, NodeSet } from "./domain";
import { clusterReadCalls, clusterWatchCalls, objectCalls } from "./objectCalls";
import { adminOnly, clusterProgress, clusterUpdate, conditions, deleted, HOST_TYPE_PATHS, nameInTenantFilter, objectMeta, orUndefined, packedValues, parameterDefinitions, parameterMessages, stateName, TEMPLATE_PATHS, typedValues } from "./mapping";

/** What the server returns instead of a cluster's pull secret. */
export const REDACTED_PULL_SECRET = "***";

function nodeSets(map: Record<string, { hostType: string; size: number }> | undefined): Record<string, NodeSet> {
  const out: Record<string, NodeSet> = {};
  for (const [key, set] of Object.entries(map ?? {})) out[key] = { hostType: set.hostType, size: set.size };
  return out;
}

const toWireNodeSets = (map: Record<string, NodeSet>) =>
  Object.fromEntries(Object.entries(map).map(([key, set]) => [key, { hostType: set.hostType, size: set.size }]));

function network(message: { podCidr?: string; serviceCidr?: string } | undefined): ClusterNetwork | undefined {
  if (!message) return undefined;
  const out: ClusterNetwork = {};
  if (message.podCidr !== undefined) out.podCidr = message.podCidr;
  if (message.serviceCidr !== undefined) out.serviceCidr = message.serviceCidr;
  return out;
}

function cluster(message: ClusterMessage): Cluster {
  const spec = message.spec;
  const out: Cluster = {
    id: message.id,
    metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
    spec: {
      template: spec?.template ?? "",
      templateParameters: typedValues(spec?.templateParameters, "templateParameters"),
      nodeSets: nodeSets(spec?.nodeSets),
    },
    status: {
      state: stateName(message.status?.state),
      conditions: conditions(message.status?.conditions),
      apiUrl: message.status?.apiUrl ?? "",
      consoleUrl: message.status?.consoleUrl ?? "",
      nodeSets: nodeSets(message.status?.nodeSets),
    },
  };
  if (spec?.pullSecret !== undefined) out.spec.pullSecret = spec.pullSecret;
  if (spec?.sshPublicKey !== undefined) out.spec.sshPublicKey = spec.sshPublicKey;
  if (spec?.releaseImage !== undefined) out.spec.releaseImage = spec.releaseImage;
  const net = network(spec?.network);
  if (net) out.spec.network = net;
  if (spec?.catalogItem) out.spec.catalogItem = spec.catalogItem;
  if (spec?.networkAttachment?.subnet) out.spec.networkAttachment = { subnet: spec.networkAttachment.subnet, securityGroups: [...spec.networkAttachment.securityGroups] };
  return out;
}

/** A cluster message as a wait sees it (event payload or List item): its parameters and pull secret are left behind. */
const progress = (message: ClusterMessage): ClusterProgress => clusterProgress(message, nodeSets(message.spec?.nodeSets), nodeSets(message.status?.nodeSets));


function template(message: TemplateMessage | PrivateTemplateMessage): ClusterTemplate {
  const out: ClusterTemplate = {
    id: message.id,
    metadata: objectMeta(message.metadata ? { finalizers: [], ...message.metadata } : undefined),
    title: message.title,
    description: message.description,
    parameters: parameterDefinitions(message.id, message.parameters),
    nodeSets: nodeSets(message.nodeSets),
  };
  const defaults = message.specDefaults;
  if (defaults) {
    out.specDefaults = {};
    if (defaults.sshPublicKey !== undefined) out.specDefaults.sshPublicKey = defaults.sshPublicKey;
    if (defaults.releaseImage !== undefined) out.specDefaults.releaseImage = defaults.releaseImage;
    const net = network(defaults.network);
    if (net) out.specDefaults.network = net;
  }
  return out;
}

/** Metadata a write sends: `tenant` and `project` only when set (empty: the server's default; both immutable after create, and in no update mask). */
const writtenMetadata = (m: { name: string; labels: Record<string, string>; tenant?: string; project?: string }) => ({
  name: m.name,
  labels: m.labels,
  ...(m.tenant ? { tenant: m.tenant } : {}),
  ...(m.project ? { project: m.project } : {}),
});

/**
 * The osac CLI's current tenant, applied as that CLI applies it to its tenant-scoped kinds
 * (internal/reflection tenantScopedTypes: clusters, templates, catalog items, projects; not
 * host types, hubs or cluster versions): the `metadata.tenant` of a new object that names
 * none, and the scope of lookups by name. Lists by id (waits) stay unscoped.
 */
function inCliTenant<T extends { metadata: { tenant?: string } }>(client: FulfillmentClient, object: T): T {
  return object.metadata.tenant || !client.defaultTenant ? object : { ...object, metadata: { ...object.metadata, tenant: client.defaultTenant } };
}

function templateMessage(t: ClusterTemplate) {
  return {
    id: t.id,
    metadata: writtenMetadata(t.metadata),
    title: t.title,
    description: t.description,
    parameters: parameterMessages(t.parameters),
    nodeSets: toWireNodeSets(t.nodeSets),
  };
}

const hostType = (message: HostTypeMessage | PrivateHostTypeMessage): HostType => ({
  id: message.id,
  metadata: objectMeta(message.metadata ? { finalizers: [], ...message.metadata } : undefined),
  title: message.title,
  description: message.description,
});

const hostTypeMessage = (h: HostType) => ({ id: h.id, metadata: writtenMetadata(h.metadata), title: h.title, description: h.description });

const hub = (message: HubMessage): Hub => ({
  id: message.id,
  metadata: objectMeta(message.metadata),
  kubeconfig: Buffer.from(message.spec?.kubeconfig ?? new Uint8Array()).toString("utf8"),
  namespace: message.spec?.namespace ?? "",
});

const hubMessage = (h: Hub) => ({
  id: h.id,
  metadata: writtenMetadata(h.metadata),
  spec: { kubeconfig: Buffer.from(h.kubeconfig, "utf8"), namespace: h.namespace },
});

const catalogItem = (message: CatalogItemMessage | PrivateCatalogItemMessage): ClusterCatalogItem => ({
  id: message.id,
  metadata: objectMeta(message.metadata ? { finalizers: [], ...message.metadata } : undefined),
  title: message.title,
  description: message.description,
  template: message.template,
  published: message.published,
  fieldDefinitions: message.fieldDefinitions.map((d) => ({
    path: d.path,
    displayName: d.displayName,
    editable: d.editable,
    validationSchema: d.validationSchema,
    ...(d.default ? { default: toJson(ValueSchema, d.default) } : {}),
  })),
});

const catalogItemMessage = (item: ClusterCatalogItem) => ({
  id: item.id,
  metadata: writtenMetadata(item.metadata),
  title: item.title,
  description: item.description,
  template: item.template,
  published: item.published,
  fieldDefinitions: item.fieldDefinitions.map((d) => ({
    path: d.path,
    displayName: d.displayName,
    editable: d.editable,
    validationSchema: d.validationSchema,
    ...(d.default !== undefined ? { default: fromJson(ValueSchema, d.default as JsonValue) } : {}),
  })),
});

const HUB_PATHS: Record<HubField, string> = { kubeconfig: "spec.kubeconfig", namespace: "spec.namespace", name: "metadata.name", labels: "metadata.labels" };


export function osacApi(client: FulfillmentClient): FulfillmentApi {
  return {
    generation: "osac",
    connection: client,
    pushesChangesAfterReady: true,
    clusters: {
      ...clusterReadCalls(client, { public: Clusters.method, private: PrivateClusters.method }, cluster),
      async create(c: ClusterCreate) {
        const spec = c.spec;
        const tenant = inCliTenant(client, c).metadata.tenant;
        const response = await client.call(
          Clusters.method.create,
          {
            object: {
              id: c.id,
              metadata: {
                name: c.metadata.name ?? "",
                labels: c.metadata.labels ?? {},
                ...(tenant ? { tenant } : {}),
                ...(c.metadata.project ? { project: c.metadata.project } : {}),
              },
              spec: {
                template: spec.template,
                templateParameters: packedValues(spec.templateParameters, "templateParameters"),
                nodeSets: toWireNodeSets(spec.nodeSets),
                ...(spec.pullSecret !== undefined ? { pullSecret: spec.pullSecret } : {}),
                ...(spec.sshPublicKey !== undefined ? { sshPublicKey: spec.sshPublicKey } : {}),
                ...(spec.releaseImage !== undefined ? { releaseImage: spec.releaseImage } : {}),
                ...(spec.network ? { network: spec.network } : {}),
                ...(spec.catalogItem ? { catalogItem: spec.catalogItem } : {}),
                ...(spec.networkAttachment ? { networkAttachment: spec.networkAttachment } : {}),
              },
            },
          },
          { objectId: c.id, idempotent: true },
        );
        return response.object ? cluster(response.object) : undefined;
      },
      async update(id, changes, options = {}) {
        const { object, paths } = clusterUpdate(id, changes, toWireNodeSets);
        if (!paths.length) return undefined;
        const locked = options.lockVersion !== undefined;
        if (locked) object.metadata = { ...((object.metadata as object | undefined) ?? {}), version: options.lockVersion };
        const response = await client.call(Clusters.method.update, { object, updateMask: { paths }, lock: locked }, { objectId: id });
        return response.object ? cluster(response.object) : undefined;
      },
      ...clusterWatchCalls(client, { watch: Events.method.watch, list: Clusters.method.list }, progress, cluster),
    },
    templates: (() => {
      const calls = objectCalls(client, { read: ClusterTemplates.method, write: PrivateTemplates.method, toDomain: template, toWire: templateMessage, paths: TEMPLATE_PATHS });
      return {
        ...calls,
        create: (t: ClusterTemplate) => calls.create(inCliTenant(client, t)),
        listByName: async (name: string) => (await client.call(ClusterTemplates.method.list, { filter: nameInTenantFilter(name, client.defaultTenant) })).items.map(template),
      };
    })(),
    hostTypes: objectCalls(client, { read: HostTypes.method, write: PrivateHostTypes.method, toDomain: hostType, toWire: hostTypeMessage, paths: HOST_TYPE_PATHS }),
    hubs: objectCalls(client, { read: Hubs.method, write: Hubs.method, toDomain: hub, toWire: hubMessage, paths: HUB_PATHS }),
    projects: osacProjects(client),
    clusterVersions: osacClusterVersions(client),
    // Public API, so tenant-admins can write too; its Update ignores the mask, so the whole
    // item is sent. Its Get hides unpublished items no cluster uses: an admin reads those
    // through the private API.
    catalogItems: {
      get: async (id) =>
        (await orUndefined(async () => catalogItem((await client.call(ClusterCatalogItems.method.get, { id }, { objectId: id })).object!))) ??
        (await adminOnly(() => orUndefined(async () => catalogItem((await client.call(PrivateCatalogItems.method.get, { id }, { objectId: id })).object!)), undefined)),
      listByName: async (name) => (await client.call(ClusterCatalogItems.method.list, { filter: nameInTenantFilter(name, client.defaultTenant) })).items.map(catalogItem),
      create: async (item) =>
        catalogItem(
          (await client.call(ClusterCatalogItems.method.create, { object: catalogItemMessage(inCliTenant(client, item)) }, { objectId: item.id, idempotent: false })).object!,
        ),
      update: async (item) => catalogItem((await client.call(ClusterCatalogItems.method.update, { object: catalogItemMessage(item) }, { objectId: item.id })).object!),
      delete: (id) => deleted(() => client.call(ClusterCatalogItems.method.delete, { id }, { objectId: id })),
    },
  };
}

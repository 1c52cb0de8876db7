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
import { Events } from "../../proto/gen/osac/public/v1/events_service_pb";
import type { Hub as HubMessage } from "../../proto/gen/osac/private/v1/hub_type_pb";
import type { FulfillmentClient } from "../client";
import type { ClusterChanges, ClusterCreate, ClusterWatchHandlers, FulfillmentApi, HostTypeField, HubField, TemplateField } from "./api";
import type { Cluster, ClusterProgress, ClusterNetwork, ClusterTemplate, HostType, Hub, NodeSet } from "./domain";
import { adminOnly, chunks, clusterEventType, clusterEventsFilter, clusterProgress, conditions, deleted, idsFilter, MAX_IDS_PER_CALL, nameFilter, objectMeta, orUndefined, packedValues, stateName, typedValue, typedValues } from "./mapping";

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

function watchClusters(client: FulfillmentClient, ids: readonly string[] | undefined, handlers: ClusterWatchHandlers, signal: AbortSignal): Promise<void> {
  return client.stream(
    Events.method.watch,
    { filter: clusterEventsFilter(ids && ids.length <= MAX_IDS_PER_CALL ? ids : undefined) },
    {
      onOpen: handlers.onOpen,
      onMessage: (response) => {
        const event = response.event;
        const type = clusterEventType(event?.type ?? 0);
        // Only the fields a wait needs leave this function; the payload itself is dropped here.
        if (type && event?.payload.case === "cluster") handlers.onEvent({ type, cluster: progress(event.payload.value) });
      },
    },
    { signal },
  );
}

async function progressOf(client: FulfillmentClient, ids: readonly string[]): Promise<Map<string, ClusterProgress>> {
  const found = new Map<string, ClusterProgress>();
  for (const part of chunks(ids, MAX_IDS_PER_CALL)) {
    const response = await client.call(Clusters.method.list, { filter: idsFilter(part), limit: part.length });
    for (const item of response.items) found.set(item.id, progress(item));
  }
  return found;
}

function template(message: TemplateMessage | PrivateTemplateMessage): ClusterTemplate {
  const out: ClusterTemplate = {
    id: message.id,
    metadata: objectMeta(message.metadata ? { finalizers: [], ...message.metadata } : undefined),
    title: message.title,
    description: message.description,
    parameters: message.parameters.map((p) => {
      const value = typedValue(p.default, `template ${message.id} parameter ${p.name} default`);
      return { name: p.name, title: p.title, description: p.description, required: p.required, typeUrl: p.type, ...(value ? { default: value } : {}) };
    }),
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

function templateMessage(t: ClusterTemplate) {
  return {
    id: t.id,
    metadata: { name: t.metadata.name, labels: t.metadata.labels, ...(t.metadata.project ? { project: t.metadata.project } : {}) },
    title: t.title,
    description: t.description,
    parameters: t.parameters.map((p) => ({
      name: p.name,
      title: p.title,
      description: p.description,
      required: p.required,
      type: p.typeUrl,
      ...(p.default ? { default: packedValues({ [p.name]: p.default }, "parameters")[p.name] } : {}),
    })),
    nodeSets: toWireNodeSets(t.nodeSets),
  };
}

const hostType = (message: HostTypeMessage | PrivateHostTypeMessage): HostType => ({
  id: message.id,
  metadata: objectMeta(message.metadata ? { finalizers: [], ...message.metadata } : undefined),
  title: message.title,
  description: message.description,
});

const hostTypeMessage = (h: HostType) => ({ id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, title: h.title, description: h.description });

const hub = (message: HubMessage): Hub => ({
  id: message.id,
  metadata: objectMeta(message.metadata),
  kubeconfig: Buffer.from(message.spec?.kubeconfig ?? new Uint8Array()).toString("utf8"),
  namespace: message.spec?.namespace ?? "",
});

const hubMessage = (h: Hub) => ({
  id: h.id,
  metadata: { name: h.metadata.name, labels: h.metadata.labels },
  spec: { kubeconfig: Buffer.from(h.kubeconfig, "utf8"), namespace: h.namespace },
});

const TEMPLATE_PATHS: Record<TemplateField, string> = {
  title: "title",
  description: "description",
  parameters: "parameters",
  nodeSets: "node_sets",
  name: "metadata.name",
  labels: "metadata.labels",
};
const HOST_TYPE_PATHS: Record<HostTypeField, string> = { title: "title", description: "description", name: "metadata.name", labels: "metadata.labels" };
const HUB_PATHS: Record<HubField, string> = { kubeconfig: "spec.kubeconfig", namespace: "spec.namespace", name: "metadata.name", labels: "metadata.labels" };

function clusterUpdate(id: string, changes: ClusterChanges): { object: Record<string, unknown>; paths: string[] } {
  const paths: string[] = [];
  const metadata: Record<string, unknown> = {};
  const spec: Record<string, unknown> = {};
  if (changes.name !== undefined) {
    paths.push("metadata.name");
    metadata.name = changes.name;
  }
  if (changes.labels !== undefined) {
    paths.push("metadata.labels");
    metadata.labels = changes.labels;
  }
  if (changes.nodeSets !== undefined) {
    // The whole map: `spec.node_sets.<key>.size` would clear the stored host type.
    paths.push("spec.node_sets");
    spec.nodeSets = toWireNodeSets(changes.nodeSets);
  }
  if (changes.releaseImage !== undefined) {
    paths.push("spec.release_image");
    spec.releaseImage = changes.releaseImage;
  }
  const object: Record<string, unknown> = { id };
  if (Object.keys(metadata).length) object.metadata = metadata;
  if (Object.keys(spec).length) object.spec = spec;
  return { object, paths };
}

export function osacApi(client: FulfillmentClient): FulfillmentApi {
  return {
    generation: "osac",
    connection: client,
    pushesChangesAfterReady: true,
    clusters: {
      get: (id) => orUndefined(async () => cluster((await client.call(Clusters.method.get, { id }, { objectId: id })).object!)),
      hubOf: (id) => adminOnly(async () => (await client.call(PrivateClusters.method.get, { id }, { objectId: id })).object?.status?.hub ?? "", ""),
      async create(c: ClusterCreate) {
        const spec = c.spec;
        const response = await client.call(
          Clusters.method.create,
          {
            object: {
              id: c.id,
              metadata: {
                name: c.metadata.name ?? "",
                labels: c.metadata.labels ?? {},
                ...(c.metadata.tenant ? { tenant: c.metadata.tenant } : {}),
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
        const { object, paths } = clusterUpdate(id, changes);
        if (!paths.length) return undefined;
        const locked = options.lockVersion !== undefined;
        if (locked) object.metadata = { ...((object.metadata as object | undefined) ?? {}), version: options.lockVersion };
        const response = await client.call(Clusters.method.update, { object, updateMask: { paths }, lock: locked }, { objectId: id });
        return response.object ? cluster(response.object) : undefined;
      },
      delete: (id) => deleted(() => client.call(Clusters.method.delete, { id }, { objectId: id })),
      kubeconfig: async (id) => (await client.call(Clusters.method.getKubeconfig, { id }, { objectId: id })).kubeconfig,
      password: async (id) => (await client.call(Clusters.method.getPassword, { id }, { objectId: id })).password,
      watch: (ids, handlers, signal) => watchClusters(client, ids, handlers, signal),
      progressOf: (ids) => progressOf(client, ids),
    },
    templates: {
      get: (id) => orUndefined(async () => template((await client.call(ClusterTemplates.method.get, { id }, { objectId: id })).object!)),
      listByName: async (name) => (await client.call(ClusterTemplates.method.list, { filter: nameFilter(name) })).items.map(template),
      create: async (t) => template((await client.call(PrivateTemplates.method.create, { object: templateMessage(t) }, { objectId: t.id, idempotent: false })).object!),
      update: async (t, fields) =>
        template((await client.call(PrivateTemplates.method.update, { object: templateMessage(t), updateMask: { paths: fields.map((f) => TEMPLATE_PATHS[f]) } }, { objectId: t.id })).object!),
      delete: (id) => deleted(() => client.call(PrivateTemplates.method.delete, { id }, { objectId: id })),
    },
    hostTypes: {
      get: (id) => orUndefined(async () => hostType((await client.call(HostTypes.method.get, { id }, { objectId: id })).object!)),
      listByName: async (name) => (await client.call(HostTypes.method.list, { filter: nameFilter(name) })).items.map(hostType),
      create: async (h) => hostType((await client.call(PrivateHostTypes.method.create, { object: hostTypeMessage(h) }, { objectId: h.id, idempotent: false })).object!),
      update: async (h, fields) =>
        hostType((await client.call(PrivateHostTypes.method.update, { object: hostTypeMessage(h), updateMask: { paths: fields.map((f) => HOST_TYPE_PATHS[f]) } }, { objectId: h.id })).object!),
      delete: (id) => deleted(() => client.call(PrivateHostTypes.method.delete, { id }, { objectId: id })),
    },
    hubs: {
      get: (id) => orUndefined(async () => hub((await client.call(Hubs.method.get, { id }, { objectId: id })).object!)),
      list: async () => (await client.call(Hubs.method.list, {})).items.map(hub),
      create: async (h) => hub((await client.call(Hubs.method.create, { object: hubMessage(h) }, { objectId: h.id, idempotent: false })).object!),
      update: async (h, fields) => hub((await client.call(Hubs.method.update, { object: hubMessage(h), updateMask: { paths: fields.map((f) => HUB_PATHS[f]) } }, { objectId: h.id })).object!),
      delete: (id) => deleted(() => client.call(Hubs.method.delete, { id }, { objectId: id })),
    },
  };
}

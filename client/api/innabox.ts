// The innabox generation (Jan 2026): fulfillment.v1 for users, private.v1 for admins.
// Its traps: host classes, a Hub with kubeconfig/namespace at the top level, update masks
// that must always be sent (no mask = replace the whole object), a controller that acts
// on a cluster only while it is PROGRESSING.
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import type { Cluster as ClusterMessage } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import type { ClusterTemplate as TemplateMessage } from "../../proto/gen/fulfillment/v1/cluster_template_type_pb";
import type { HostClass as HostClassMessage } from "../../proto/gen/fulfillment/v1/host_class_type_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Events } from "../../proto/gen/events/v1/events_service_pb";
import type { Hub as HubMessage } from "../../proto/gen/private/v1/hub_type_pb";
import type { FulfillmentClient } from "../client";
import type { ClusterChanges, ClusterCreate, ClusterWatchHandlers, FulfillmentApi, HostTypeField, HubField, TemplateField } from "./api";
import type { Cluster, ClusterProgress, ClusterTemplate, HostType, Hub, NodeSet } from "./domain";
import { adminOnly, chunks, clusterEventType, clusterEventsFilter, clusterProgress, conditions, deleted, idsFilter, MAX_IDS_PER_CALL, nameFilter, objectMeta, orUndefined, packedValues, stateName, typedValue, typedValues } from "./mapping";

function nodeSets(map: Record<string, { hostClass: string; size: number }> | undefined): Record<string, NodeSet> {
  const out: Record<string, NodeSet> = {};
  for (const [key, set] of Object.entries(map ?? {})) out[key] = { hostType: set.hostClass, size: set.size };
  return out;
}

const toWireNodeSets = (map: Record<string, NodeSet>) =>
  Object.fromEntries(Object.entries(map).map(([key, set]) => [key, { hostClass: set.hostType, size: set.size }]));

function cluster(message: ClusterMessage): Cluster {
  return {
    id: message.id,
    metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
    spec: {
      template: message.spec?.template ?? "",
      templateParameters: typedValues(message.spec?.templateParameters, "templateParameters"),
      nodeSets: nodeSets(message.spec?.nodeSets),
    },
    status: {
      state: stateName(message.status?.state),
      conditions: conditions(message.status?.conditions),
      apiUrl: message.status?.apiUrl ?? "",
      consoleUrl: message.status?.consoleUrl ?? "",
      nodeSets: nodeSets(message.status?.nodeSets),
    },
  };
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

function template(message: TemplateMessage): ClusterTemplate {
  return {
    id: message.id,
    metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
    title: message.title,
    description: message.description,
    parameters: message.parameters.map((p) => {
      const value = typedValue(p.default, `template ${message.id} parameter ${p.name} default`);
      return { name: p.name, title: p.title, description: p.description, required: p.required, typeUrl: p.type, ...(value ? { default: value } : {}) };
    }),
    nodeSets: nodeSets(message.nodeSets),
  };
}

function templateMessage(t: ClusterTemplate) {
  return {
    id: t.id,
    metadata: { name: t.metadata.name, labels: t.metadata.labels },
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

const hostType = (message: HostClassMessage): HostType => ({
  id: message.id,
  metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
  title: message.title,
  description: message.description,
});

const hub = (message: HubMessage): Hub => ({
  id: message.id,
  metadata: objectMeta(message.metadata),
  kubeconfig: Buffer.from(message.kubeconfig).toString("utf8"),
  namespace: message.namespace,
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
const HUB_PATHS: Record<HubField, string> = { kubeconfig: "kubeconfig", namespace: "namespace", name: "metadata.name", labels: "metadata.labels" };

function clusterUpdate(id: string, changes: ClusterChanges): { object: Record<string, unknown>; paths: string[] } {
  const paths: string[] = [];
  const metadata: Record<string, unknown> = {};
  const object: Record<string, unknown> = { id };
  if (changes.name !== undefined) {
    paths.push("metadata.name");
    metadata.name = changes.name;
  }
  if (changes.labels !== undefined) {
    paths.push("metadata.labels");
    metadata.labels = changes.labels;
  }
  if (changes.nodeSets !== undefined) {
    // Always the whole map with the stored host class ids: a node set whose host class is
    // empty or a name counts as a change of the (immutable) host class.
    paths.push("spec.node_sets");
    object.spec = { nodeSets: toWireNodeSets(changes.nodeSets) };
  }
  if (changes.releaseImage !== undefined) throw new Error("releaseImage: the innabox generation (fulfillment.v1) has no release image; upgrades need the osac generation");
  if (Object.keys(metadata).length) object.metadata = metadata;
  return { object, paths };
}

export function innaboxApi(client: FulfillmentClient): FulfillmentApi {
  return {
    generation: "innabox",
    connection: client,
    pushesChangesAfterReady: false,
    clusters: {
      get: (id) => orUndefined(async () => cluster((await client.call(Clusters.method.get, { id }, { objectId: id })).object!)),
      hubOf: (id) => adminOnly(async () => (await client.call(PrivateClusters.method.get, { id }, { objectId: id })).object?.status?.hub ?? "", ""),
      async create(c: ClusterCreate) {
        if (c.spec.pullSecret !== undefined || c.spec.sshPublicKey !== undefined || c.spec.releaseImage !== undefined || c.spec.network || c.spec.catalogItem || c.spec.networkAttachment) {
          throw new Error("the innabox generation (fulfillment.v1) has no pullSecret, sshPublicKey, releaseImage, network, catalogItem or networkAttachment");
        }
        const response = await client.call(
          Clusters.method.create,
          {
            object: {
              id: c.id,
              metadata: { name: c.metadata.name ?? "", labels: c.metadata.labels ?? {} },
              spec: { template: c.spec.template, templateParameters: packedValues(c.spec.templateParameters, "templateParameters"), nodeSets: toWireNodeSets(c.spec.nodeSets) },
            },
          },
          { objectId: c.id, idempotent: true },
        );
        return response.object ? cluster(response.object) : undefined;
      },
      async update(id, changes) {
        const { object, paths } = clusterUpdate(id, changes);
        if (!paths.length) return undefined;
        const response = await client.call(Clusters.method.update, { object, updateMask: { paths } }, { objectId: id });
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
      create: async (t) => template((await client.call(ClusterTemplates.method.create, { object: templateMessage(t) }, { objectId: t.id, idempotent: false })).object!),
      update: async (t, fields) =>
        template((await client.call(ClusterTemplates.method.update, { object: templateMessage(t), updateMask: { paths: fields.map((f) => TEMPLATE_PATHS[f]) } }, { objectId: t.id })).object!),
      delete: (id) => deleted(() => client.call(ClusterTemplates.method.delete, { id }, { objectId: id })),
    },
    hostTypes: {
      get: (id) => orUndefined(async () => hostType((await client.call(HostClasses.method.get, { id }, { objectId: id })).object!)),
      listByName: async (name) => (await client.call(HostClasses.method.list, { filter: nameFilter(name) })).items.map(hostType),
      create: async (h) =>
        hostType(
          (await client.call(HostClasses.method.create, { object: { id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, title: h.title, description: h.description } }, { objectId: h.id, idempotent: false })).object!,
        ),
      update: async (h, fields) =>
        hostType(
          (
            await client.call(
              HostClasses.method.update,
              { object: { id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, title: h.title, description: h.description }, updateMask: { paths: fields.map((f) => HOST_TYPE_PATHS[f]) } },
              { objectId: h.id },
            )
          ).object!,
        ),
      delete: (id) => deleted(() => client.call(HostClasses.method.delete, { id }, { objectId: id })),
    },
    hubs: {
      get: (id) => orUndefined(async () => hub((await client.call(Hubs.method.get, { id }, { objectId: id })).object!)),
      list: async () => (await client.call(Hubs.method.list, {})).items.map(hub),
      create: async (h) =>
        hub(
          (
            await client.call(
              Hubs.method.create,
              { object: { id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, kubeconfig: Buffer.from(h.kubeconfig, "utf8"), namespace: h.namespace } },
              { objectId: h.id, idempotent: false },
            )
          ).object!,
        ),
      update: async (h, fields) =>
        hub(
          (
            await client.call(
              Hubs.method.update,
              {
                object: { id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, kubeconfig: Buffer.from(h.kubeconfig, "utf8"), namespace: h.namespace },
                updateMask: { paths: fields.map((f) => HUB_PATHS[f]) },
              },
              { objectId: h.id },
            )
          ).object!,
        ),
      delete: (id) => deleted(() => client.call(Hubs.method.delete, { id }, { objectId: id })),
    },
  };
}

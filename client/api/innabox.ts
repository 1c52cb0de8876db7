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
import type { ClusterCreate, FulfillmentApi, HubField } from "./api";
import type { Cluster, ClusterProgress, ClusterTemplate, HostType, Hub, NodeSet } from "./domain";
import { clusterReadCalls, clusterWatchCalls, objectCalls } from "./objectCalls";
import { clusterProgress, clusterUpdate, conditions, HOST_TYPE_PATHS, objectMeta, packedValues, parameterDefinitions, parameterMessages, stateName, TEMPLATE_PATHS, typedValues } from "./mapping";

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


function template(message: TemplateMessage): ClusterTemplate {
  return {
    id: message.id,
    metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
    title: message.title,
    description: message.description,
    parameters: parameterDefinitions(message.id, message.parameters),
    nodeSets: nodeSets(message.nodeSets),
  };
}

function templateMessage(t: ClusterTemplate) {
  return {
    id: t.id,
    metadata: { name: t.metadata.name, labels: t.metadata.labels },
    title: t.title,
    description: t.description,
    parameters: parameterMessages(t.parameters),
    nodeSets: toWireNodeSets(t.nodeSets),
  };
}

const hostType = (message: HostClassMessage): HostType => ({
  id: message.id,
  metadata: objectMeta(message.metadata ? { ...message.metadata, finalizers: [] } : undefined),
  title: message.title,
  description: message.description,
});

const hostClassMessage = (h: HostType) => ({ id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, title: h.title, description: h.description });

const hubMessage = (h: Hub) => ({ id: h.id, metadata: { name: h.metadata.name, labels: h.metadata.labels }, kubeconfig: Buffer.from(h.kubeconfig, "utf8"), namespace: h.namespace });

const hub = (message: HubMessage): Hub => ({
  id: message.id,
  metadata: objectMeta(message.metadata),
  kubeconfig: Buffer.from(message.kubeconfig).toString("utf8"),
  namespace: message.namespace,
});

const HUB_PATHS: Record<HubField, string> = { kubeconfig: "kubeconfig", namespace: "namespace", name: "metadata.name", labels: "metadata.labels" };


export function innaboxApi(client: FulfillmentClient): FulfillmentApi {
  return {
    generation: "innabox",
    connection: client,
    pushesChangesAfterReady: false,
    clusters: {
      ...clusterReadCalls(client, { public: Clusters.method, private: PrivateClusters.method }, cluster),
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
        if (changes.networkAttachment !== undefined) throw new Error("networkAttachment: the innabox generation (fulfillment.v1) has no network attachments; they need the osac generation");
        if (changes.releaseImage !== undefined) throw new Error("releaseImage: the innabox generation (fulfillment.v1) has no release image; upgrades need the osac generation");
        const { object, paths } = clusterUpdate(id, changes, toWireNodeSets);
        if (!paths.length) return undefined;
        const response = await client.call(Clusters.method.update, { object, updateMask: { paths } }, { objectId: id });
        return response.object ? cluster(response.object) : undefined;
      },
      ...clusterWatchCalls(client, { watch: Events.method.watch, list: Clusters.method.list }, progress, cluster),
    },
    templates: objectCalls(client, { read: ClusterTemplates.method, write: ClusterTemplates.method, toDomain: template, toWire: templateMessage, paths: TEMPLATE_PATHS }),
    hostTypes: objectCalls(client, { read: HostClasses.method, write: HostClasses.method, toDomain: hostType, toWire: hostClassMessage, paths: HOST_TYPE_PATHS }),
    hubs: objectCalls(client, { read: Hubs.method, write: Hubs.method, toDomain: hub, toWire: hubMessage, paths: HUB_PATHS }),
    catalogItems: {
      get: noCatalogItems,
      listByName: noCatalogItems,
      create: noCatalogItems,
      update: noCatalogItems,
      delete: noCatalogItems,
    },
  };
}

/** Catalog items came with the osac generation. */
export const NO_CATALOG_ITEMS =
  "the innabox generation (fulfillment.v1) has no catalog items; ClusterCatalogItem and a cluster's catalogItem need a server of the osac generation (osac.public.v1)";

function noCatalogItems(): Promise<never> {
  return Promise.reject(new Error(NO_CATALOG_ITEMS));
}

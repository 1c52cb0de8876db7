// The osac generation's object model: the store holds every object in its
// osac.private.v1 form (the superset: finalizers, status.hub, spec_defaults.pull_secret),
// under the same kinds as the innabox generation. The `hostClasses` kind holds
// osac.private.v1.HostType objects here: the store's kinds are generation-neutral slots.
import type { DescMessage } from "@bufbuild/protobuf";
import { ClusterSchema, type Cluster } from "../../proto/gen/osac/private/v1/cluster_type_pb";
import { ClusterTemplateSchema, type ClusterTemplate } from "../../proto/gen/osac/private/v1/cluster_template_type_pb";
import { HostTypeSchema, type HostType } from "../../proto/gen/osac/private/v1/host_type_type_pb";
import { HubSchema, type Hub } from "../../proto/gen/osac/private/v1/hub_type_pb";
import type { Metadata } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import { ClusterCatalogItemSchema, type ClusterCatalogItem } from "../../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
import { ClusterVersionSchema, type ClusterVersion } from "../../proto/gen/osac/private/v1/cluster_version_type_pb";
import type { Kind, Store } from "../store";

export const osacSchemas = {
  clusters: ClusterSchema,
  templates: ClusterTemplateSchema,
  hostClasses: HostTypeSchema,
  hubs: HubSchema,
  catalogItems: ClusterCatalogItemSchema,
  clusterVersions: ClusterVersionSchema,
} as const satisfies Record<Kind, DescMessage>;

export interface OsacCollections {
  clusters: Map<string, Cluster>;
  templates: Map<string, ClusterTemplate>;
  hostClasses: Map<string, HostType>;
  hubs: Map<string, Hub>;
  catalogItems: Map<string, ClusterCatalogItem>;
  clusterVersions: Map<string, ClusterVersion>;
}

export type OsacObject = Cluster | ClusterTemplate | HostType | Hub | ClusterCatalogItem | ClusterVersion;

/** Every osac object: an id and private metadata. */
export interface Stored {
  id: string;
  metadata?: Metadata;
}

/** The store's collections with their osac types (the Store class itself is typed for innabox). */
export function osacCollections(store: Store): OsacCollections {
  return store as unknown as OsacCollections;
}

export function osacCollection(store: Store, kind: Kind): Map<string, Stored> {
  return store.collection(kind) as unknown as Map<string, Stored>;
}

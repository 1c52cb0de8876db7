// What the simulator stores, per kind: the shapes both the store and its persistence
// speak, kept apart from either so neither imports the other.
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ClusterSchema, type Cluster } from "../proto/gen/private/v1/cluster_type_pb";
import { ClusterTemplateSchema, type ClusterTemplate } from "../proto/gen/private/v1/cluster_template_type_pb";
import { HostClassSchema, type HostClass } from "../proto/gen/private/v1/host_class_type_pb";
import { HubSchema, type Hub } from "../proto/gen/private/v1/hub_type_pb";
// The innabox generation has no catalog items: its store keeps that slot, in the osac
// message type, always empty.
import { ClusterCatalogItemSchema, type ClusterCatalogItem } from "../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
// Nor cluster versions: that slot holds osac.private.v1.ClusterVersion, empty on innabox.
import { ClusterVersionSchema, type ClusterVersion } from "../proto/gen/osac/private/v1/cluster_version_type_pb";

/** Controller bookkeeping for one cluster: the hub side of the simulation. */
export interface ClusterRuntime {
  /** When the ClusterOrder was accepted by the hub (ms since epoch); provisioning counts from here. */
  landedAt?: number;
  /** Spec changed while PROGRESSING: the ClusterOrder must be patched. */
  orderDirty?: boolean;
  /** When spec.node_sets last diverged from status.node_sets after READY. */
  nodeSetsChangedAt?: number;
  /** The hub has confirmed the ClusterOrder is gone. */
  orderDeleted?: boolean;
  kubeconfig?: string;
  password?: string;
}

export interface Collections {
  clusters: Map<string, Cluster>;
  templates: Map<string, ClusterTemplate>;
  hostClasses: Map<string, HostClass>;
  hubs: Map<string, Hub>;
  catalogItems: Map<string, ClusterCatalogItem>;
  clusterVersions: Map<string, ClusterVersion>;
}

export type Kind = keyof Collections;

export const kindSchemas = {
  clusters: ClusterSchema,
  templates: ClusterTemplateSchema,
  hostClasses: HostClassSchema,
  hubs: HubSchema,
  catalogItems: ClusterCatalogItemSchema,
  clusterVersions: ClusterVersionSchema,
} as const satisfies Record<Kind, DescMessage>;

export type KindObject<K extends Kind> = MessageShape<(typeof kindSchemas)[K]>;

/** The message type each kind is stored as: `kindSchemas` (innabox private.v1), or another generation's. */
export type KindSchemas = Record<Kind, DescMessage>;

/** The kinds the innabox generation serves (it has no catalog items and no cluster versions). */
export type InnaboxKind = Exclude<Kind, "catalogItems" | "clusterVersions">;

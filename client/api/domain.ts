// The domain model: what resources, components, automation and the YAML stack speak.
// Plain data, the same for both API generations; only the adapters in this folder turn it
// into one generation's messages and back, and only they know each generation's traps.

/** The API generation a server speaks: today's `osac.*.v1` or the Jan 2026 innabox `fulfillment.v1`/`private.v1`. */
export type ApiGeneration = "osac" | "innabox";
export const API_GENERATIONS: readonly ApiGeneration[] = ["osac", "innabox"];

export type ClusterStateName = "UNSPECIFIED" | "PROGRESSING" | "READY" | "FAILED" | "DELETING" | "DELETE_FAILED";

export interface Condition {
  /** Progressing, Ready, Failed, Degraded (or the number of a type this client does not know). */
  type: string;
  /** True, False or Unknown. */
  status: string;
  reason?: string;
  message?: string;
  /** ISO 8601. */
  lastTransitionTime?: string;
}

export interface ObjectMeta {
  name: string;
  labels: Record<string, string>;
  /** ISO 8601; absent until the server has written the object. */
  creationTime?: string;
  /** Set once Delete was called; the object stays visible while finalizers hold it. */
  deletionTime?: string;
  finalizers: string[];
  /** osac: +1 per effective write, for `lock`. */
  version?: number;
  /** osac only. */
  tenant?: string;
  /** osac only; empty = the tenant's default project. */
  project?: string;
}

/** A template parameter value: its type URL and the plain JSON value it carries. */
export interface TypedValue {
  typeUrl: string;
  value: unknown;
}

export interface NodeSet {
  /** HostType id (osac) / HostClass id (innabox). */
  hostType: string;
  size: number;
}

export interface ClusterNetwork {
  podCidr?: string;
  serviceCidr?: string;
}

export interface ClusterNetworkAttachment {
  subnet: string;
  securityGroups: string[];
}

export interface ClusterSpec {
  template: string;
  templateParameters: Record<string, TypedValue>;
  nodeSets: Record<string, NodeSet>;
  /** osac only, write-only: the server returns `***`. */
  pullSecret?: string;
  sshPublicKey?: string;
  releaseImage?: string;
  network?: ClusterNetwork;
  catalogItem?: string;
  networkAttachment?: ClusterNetworkAttachment;
}

export interface ClusterStatus {
  state: ClusterStateName;
  conditions: Condition[];
  apiUrl: string;
  consoleUrl: string;
  nodeSets: Record<string, NodeSet>;
  /** The hub it landed on: only the admin API shows it. */
  hub?: string;
}

export interface Cluster {
  id: string;
  metadata: ObjectMeta;
  spec: ClusterSpec;
  status: ClusterStatus;
}

export interface ParameterDefinition {
  name: string;
  title: string;
  description: string;
  required: boolean;
  typeUrl: string;
  default?: TypedValue;
}

export interface ClusterTemplate {
  id: string;
  metadata: ObjectMeta;
  title: string;
  description: string;
  parameters: ParameterDefinition[];
  nodeSets: Record<string, NodeSet>;
  /** osac: what the server fills into a cluster's spec when it has none. */
  specDefaults?: { sshPublicKey?: string; releaseImage?: string; network?: ClusterNetwork };
}

/** HostType on osac, HostClass on innabox. */
export interface HostType {
  id: string;
  metadata: ObjectMeta;
  title: string;
  description: string;
}

export interface Hub {
  id: string;
  metadata: ObjectMeta;
  /** The kubeconfig's content. */
  kubeconfig: string;
  /** Where the service creates ClusterOrders. */
  namespace: string;
}

/** How a catalog item constrains one field of the clusters ordered from it. */
export interface FieldDefinition {
  /** Dot path into the cluster spec with proto names, e.g. `node_sets.workers.size`, `template_parameters.ha`. */
  path: string;
  displayName: string;
  editable: boolean;
  /** The default as plain JSON (a google.protobuf.Value); absent when there is none. */
  default?: unknown;
  /** JSON Schema 2020-12 text; empty for none. */
  validationSchema: string;
}

/** osac only: an offering of clusters of one template, with the fields users may set. */
export interface ClusterCatalogItem {
  id: string;
  metadata: ObjectMeta;
  title: string;
  description: string;
  /** Template id. */
  template: string;
  published: boolean;
  fieldDefinitions: FieldDefinition[];
}

/** What a write may set; the server fills in the rest. */
export interface WritableMeta {
  name?: string;
  labels?: Record<string, string>;
  tenant?: string;
  project?: string;
}

/** osac: a project of a tenant; every tenant has a default project named ''. */
export interface Project {
  id: string;
  name: string;
  tenant: string;
  title: string;
  description?: string;
  /** PENDING, ACTIVE, ... or UNSPECIFIED (the server does not check it). */
  state: string;
}

/** osac: a release admins publish; `image` is only visible through the private (admin) API. */
export interface ClusterVersion {
  /** Always chosen by the server. */
  id: string;
  /** `metadata.name`, what other versions' allowedUpgrades name. */
  name: string;
  version: string;
  image?: string;
  enabled: boolean;
  isDefault: boolean;
  /** ACTIVE, DEPRECATED or OBSOLETE. */
  state: string;
  allowedUpgrades: string[];
  labels: Record<string, string>;
  metadataVersion: number;
}

export interface ClusterVersionSpecInput {
  version: string;
  image: string;
  enabled?: boolean;
  isDefault?: boolean;
  state?: "ACTIVE" | "DEPRECATED" | "OBSOLETE";
  allowedUpgrades?: string[];
  name?: string;
  labels?: Record<string, string>;
}

/**
 * A cluster as a wait sees it: state, conditions, node sets and whether it is being
 * deleted. Never its template parameters or pull secret: events and lists carry whole
 * objects (the osac server sends `pull_secret` in clear in events), and what a wait keeps
 * is only this. A Cluster is one too.
 */
export interface ClusterProgress {
  id: string;
  metadata: { deletionTime?: string };
  spec: { nodeSets: Record<string, NodeSet> };
  status: ClusterStatus;
}

/** One change of a cluster, from a Watch stream (no snapshot, no replay, no delivery guarantee). */
export interface ClusterEvent {
  type: "CREATED" | "UPDATED" | "DELETED";
  /** CREATED: the new cluster; UPDATED: after the change; DELETED: as it was right before removal. */
  cluster: ClusterProgress;
}

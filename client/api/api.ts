// What resources ask of the fulfillment service, in domain terms. One implementation per
// API generation (innabox.ts, osac.ts); apiFor() in index.ts picks the one the server speaks.
import type { ApiGeneration, Cluster, ClusterCatalogItem, ClusterEvent, ClusterProgress, ClusterSpec, ClusterTemplate, ClusterVersion, ClusterVersionSpecInput, HostType, Hub, NodeSet, Project, WritableMeta } from "./domain";

export interface ClusterCreate {
  /** Chosen by the client, so a retried Create can never make a second cluster. */
  id: string;
  metadata: WritableMeta;
  spec: ClusterSpec;
}

/** The in-place changes a cluster accepts; absent fields are left alone. */
export interface ClusterChanges {
  name?: string;
  labels?: Record<string, string>;
  /** The complete node set map, with the stored host type ids. */
  nodeSets?: Record<string, NodeSet>;
  /** osac: an upgrade. */
  releaseImage?: string;
  /** osac: the network attachment's security groups (its subnet is immutable). */
  networkAttachment?: { subnet: string; securityGroups: string[] };
}

export interface WriteOptions {
  /** osac: refuse the write (ABORTED) if the object changed since this version was read. */
  lockVersion?: number;
}

export interface ClusterWatchHandlers {
  /** The server has subscribed: every change from now on is sent (unless lost). */
  onOpen(): void;
  onEvent(event: ClusterEvent): void;
}

export interface ClustersApi {
  /** undefined when there is no such cluster. */
  get(id: string): Promise<Cluster | undefined>;
  /** The hubs of these clusters by one List (admin API); empty when this token may not read it. */
  hubsOf(ids: readonly string[]): Promise<Map<string, string>>;
  create(cluster: ClusterCreate): Promise<Cluster | undefined>;
  update(id: string, changes: ClusterChanges, options?: WriteOptions): Promise<Cluster | undefined>;
  /** false when it was already gone. */
  delete(id: string): Promise<boolean>;
  kubeconfig(id: string): Promise<string>;
  password(id: string): Promise<string>;
  /**
   * Cluster changes on Events.Watch, filtered on the server to `ids` (all clusters when
   * undefined). Runs until `signal` is aborted (resolves) or the stream breaks (rejects
   * with the status; UNIMPLEMENTED or PERMISSION_DENIED when this token may not watch).
   */
  watch(ids: readonly string[] | undefined, handlers: ClusterWatchHandlers, signal: AbortSignal): Promise<void>;
  /** One List of these clusters, as waits see them; a cluster the service does not have is absent. */
  progressOf(ids: readonly string[]): Promise<Map<string, ClusterProgress>>;
  /** The same List of whole clusters, as `get` returns them; a cluster the service does not have is absent. */
  getMany(ids: readonly string[]): Promise<Map<string, Cluster>>;
}

export interface TemplatesApi {
  get(id: string): Promise<ClusterTemplate | undefined>;
  listByName(name: string): Promise<ClusterTemplate[]>;
  create(template: ClusterTemplate): Promise<ClusterTemplate>;
  /** `fields`: the top-level fields that changed (title, description, parameters, nodeSets, name, labels). */
  update(template: ClusterTemplate, fields: TemplateField[]): Promise<ClusterTemplate>;
  delete(id: string): Promise<boolean>;
}
export type TemplateField = "title" | "description" | "parameters" | "nodeSets" | "name" | "labels";

export interface HostTypesApi {
  get(id: string): Promise<HostType | undefined>;
  listByName(name: string): Promise<HostType[]>;
  create(hostType: HostType): Promise<HostType>;
  update(hostType: HostType, fields: HostTypeField[]): Promise<HostType>;
  delete(id: string): Promise<boolean>;
}
export type HostTypeField = "title" | "description" | "name" | "labels";

/** osac only (the innabox adapter refuses every call, naming the generation). Writes take an admin or tenant-admin token. */
export interface CatalogItemsApi {
  /** Published or not (an admin token sees unpublished ones too); undefined when there is none. */
  get(id: string): Promise<ClusterCatalogItem | undefined>;
  /** Published items with that name. */
  listByName(name: string): Promise<ClusterCatalogItem[]>;
  create(item: ClusterCatalogItem): Promise<ClusterCatalogItem>;
  /** Writes the whole item (the public API ignores masks). */
  update(item: ClusterCatalogItem): Promise<ClusterCatalogItem>;
  delete(id: string): Promise<boolean>;
}

export interface HubsApi {
  get(id: string): Promise<Hub | undefined>;
  list(): Promise<Hub[]>;
  create(hub: Hub): Promise<Hub>;
  update(hub: Hub, fields: HubField[]): Promise<Hub>;
  delete(id: string): Promise<boolean>;
}
export type HubField = "kubeconfig" | "namespace" | "name" | "labels";

export interface ProjectsApi {
  /** The projects the caller can see (its tenants' and `shared`'s), optionally by name and tenant. */
  list(filter?: { name?: string; tenant?: string }): Promise<Project[]>;
}

export interface ClusterVersionsApi {
  /** By `spec.version`; `admin` looks through the private API (also disabled/obsolete ones, with the image). */
  findByVersion(version: string, options?: { admin?: boolean }): Promise<ClusterVersion | undefined>;
  /** What the caller may order: enabled ACTIVE and DEPRECATED versions (public API, no image). */
  list(): Promise<ClusterVersion[]>;
  /** Private API (admins): every version, with its image. */
  listAll(): Promise<ClusterVersion[]>;
  /** Private API. */
  get(id: string): Promise<ClusterVersion | undefined>;
  create(input: ClusterVersionSpecInput): Promise<ClusterVersion>;
  /** Writes enabled, default, state, allowed upgrades and labels (version, image and name are immutable). */
  update(id: string, input: ClusterVersionSpecInput): Promise<ClusterVersion>;
  delete(id: string): Promise<boolean>;
}

/** The connection an API speaks over, for state kept per connection (the cluster watcher). */
export interface ApiConnection {
  /** The same for every client of the same settings; holds no credential in clear. */
  readonly key: string;
  readonly address: string;
  /** `listener` runs once when the connection is closed. */
  onClose(listener: () => void): () => void;
}

export interface FulfillmentApi {
  readonly generation: ApiGeneration;
  readonly connection: ApiConnection;
  /** Whether the cluster controller keeps pushing spec changes (sizes) to the hub after READY. */
  readonly pushesChangesAfterReady: boolean;
  readonly clusters: ClustersApi;
  readonly templates: TemplatesApi;
  readonly hostTypes: HostTypesApi;
  readonly hubs: HubsApi;
  /** osac only: the innabox generation has no projects. */
  readonly projects?: ProjectsApi;
  /** osac only. */
  readonly clusterVersions?: ClusterVersionsApi;
  readonly catalogItems: CatalogItemsApi;
}

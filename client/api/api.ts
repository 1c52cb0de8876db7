// What resources ask of the fulfillment service, in domain terms. One implementation per
// API generation (innabox.ts, osac.ts); apiFor() in index.ts picks the one the server speaks.
import type { ApiGeneration, Cluster, ClusterEvent, ClusterProgress, ClusterSpec, ClusterTemplate, HostType, Hub, NodeSet, WritableMeta } from "./domain";

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
  /** The hub a cluster landed on ("" when this token may not read the admin API). */
  hubOf(id: string): Promise<string>;
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

export interface HubsApi {
  get(id: string): Promise<Hub | undefined>;
  list(): Promise<Hub[]>;
  create(hub: Hub): Promise<Hub>;
  update(hub: Hub, fields: HubField[]): Promise<Hub>;
  delete(id: string): Promise<boolean>;
}
export type HubField = "kubeconfig" | "namespace" | "name" | "labels";

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
}

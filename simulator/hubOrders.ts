// The seam between the simulator's cluster controller and a hub's Kubernetes API.
// The controller calls these while a cluster is PROGRESSING and when it is deleted;
// simulator/kubeHubOrders.ts implements them with @kubernetes/client-node against the
// API server a registered hub's kubeconfig points at.

export interface HubRecord {
  id: string;
  /** Kubeconfig content (YAML), as registered. */
  kubeconfig: string;
  /** Namespace where ClusterOrder objects are created. */
  namespace: string;
}

export interface ClusterOrderRequest {
  clusterId: string;
  templateId: string;
  /** Plain JSON values of the cluster's template parameters (already unpacked from Any). */
  templateParameters: Record<string, unknown>;
  nodeRequests: Array<{ resourceClass: string; numberOfNodes: number }>;
  /** osac: `osac.openshift.io/tenant` annotation of the ClusterOrder. */
  tenant?: string;
  /** osac: spec fields set only when the cluster has them. */
  pullSecret?: string;
  sshPublicKey?: string;
  releaseImage?: string;
  network?: { podCIDR?: string; serviceCIDR?: string };
}

export type HubOrderOutcome =
  /** `warning`: the hub could not take the order but provisioning goes on (a hub that exists only in name). */
  | { ok: true; orderName: string; warning?: { reason: string; message: string } }
  /** The hub could not be used; `message` goes into the PROGRESSING condition. */
  | { ok: false; reason: string; message: string };

export interface HubOrders {
  /** Creates the ClusterOrder, or patches it when one labelled with the cluster id exists. */
  ensureClusterOrder(hub: HubRecord, order: ClusterOrderRequest): Promise<HubOrderOutcome>;
  /** Deletes the cluster's ClusterOrder; resolves when it is gone (or never existed). */
  deleteClusterOrder(hub: HubRecord, clusterId: string): Promise<HubOrderOutcome>;
  /** Can a client for this hub be made at all (its kubeconfig parses)? Absent = yes. */
  usable?(hub: HubRecord): boolean;
}

// The cluster controller and, since no real hub is involved, the hub operator too.
// Every decision is derived from persisted timestamps (creation, landing on a hub,
// deletion), so after a restart the passes simply resume where the clock says they are.
import { clone, create, equals, type DescMessage } from "@bufbuild/protobuf";
import { AnySchema, timestampDate, timestampFromMs, type Any } from "@bufbuild/protobuf/wkt";
import { toJson } from "@bufbuild/protobuf";
import {
  ClusterConditionSchema,
  ClusterConditionType,
  ClusterNodeSetSchema,
  ClusterState,
  ClusterStatusSchema,
  type Cluster,
  type ClusterCondition,
  type ClusterNodeSet,
  type ClusterStatus,
} from "../proto/gen/private/v1/cluster_type_pb";
import type { Hub } from "../proto/gen/private/v1/hub_type_pb";
import { MetadataSchema } from "../proto/gen/private/v1/metadata_type_pb";
import { ConditionStatus } from "../proto/gen/shared/v1/metadata_pb";
import { generateKubeconfig, generatePassword } from "./credentials";
import type { ClusterOrderRequest, HubOrderOutcome, HubOrders, HubRecord } from "./hubOrders";
import type { Kind, ObjectRef, Store } from "./store";
import { jsonRegistry } from "./views";

export const FINALIZER = "fulfillment-controller";
export const OUTCOME_LABEL = "simulator.osac.io/outcome";
export const PROVISIONING_LABEL = "simulator.osac.io/provisioning-ms";
export const DELETION_LABEL = "simulator.osac.io/deletion";

/**
 * What differs between the API generations' clusters and controllers. The controller works
 * on the innabox private.v1 types; another generation's objects have the same field names
 * where it matters and come with their own schemas and the few accessors below.
 */
export interface ClusterModel {
  statusSchema: DescMessage;
  conditionSchema: DescMessage;
  nodeSetSchema: DescMessage;
  metadataSchema: DescMessage;
  /** The node set's host class (innabox) or host type (osac) id. */
  hostTypeOf(nodeSet: ClusterNodeSet): string;
  hubRecord(hub: Hub): HubRecord;
  /** ClusterOrder fields beyond template, parameters and node requests (osac: secrets, image, network, tenant). */
  orderExtras?(cluster: Cluster): Partial<ClusterOrderRequest>;
  /**
   * osac: pass 1 only adds the finalizer, pass 2 writes PROGRESSING (every condition FALSE) and
   * picks a hub, pass 3 places the ClusterOrder. innabox: the first pass places the order and
   * only then adds the finalizer and writes PROGRESSING.
   */
  stagedPasses: boolean;
  /** PROGRESSING condition message while no hub can take the cluster (reason ResourcesUnavailable). */
  noResourcesMessage: string;
  /** Called whenever status.state changes (osac records status.state_transition_time). */
  stateChanged?(status: ClusterStatus, now: number): void;
  /** State shown while the hub deletes the ClusterOrder (osac DELETING); undefined = unchanged. */
  deletingState?: ClusterState;
  /** A cluster that never got a hub keeps its finalizer, and so never goes away (osac). */
  keepsFinalizerWithoutHub?: boolean;
}

export const INNABOX_CLUSTER_MODEL: ClusterModel = {
  statusSchema: ClusterStatusSchema,
  conditionSchema: ClusterConditionSchema,
  nodeSetSchema: ClusterNodeSetSchema,
  metadataSchema: MetadataSchema,
  hostTypeOf: (nodeSet) => nodeSet.hostClass,
  hubRecord: (hub) => ({ id: hub.id, kubeconfig: Buffer.from(hub.kubeconfig).toString("utf8"), namespace: hub.namespace }),
  stagedPasses: false,
  noResourcesMessage: "there are no hubs available to host the cluster",
};

export interface ControllerOptions {
  controllerDelayMs: number;
  provisioningDelayMs: number;
  nodeSetConvergenceMs: number;
  deletionDelayMs: number;
  /** Absent: simulated hubs (the simulator is the hub operator too; nothing is contacted). */
  hubOrders?: HubOrders;
  /**
   * After a pass that failed (a hub that cannot take the ClusterOrder), the real controller
   * tries again only when the object changes or at its periodic resync (hourly).
   */
  resyncMs: number;
  /**
   * The innabox controller acts on a cluster only while it is PROGRESSING: after READY, spec
   * changes (sizes) never reach the hub. The osac one keeps pushing them.
   */
  pushesChangesAfterReady?: boolean;
  /** Default INNABOX_CLUSTER_MODEL. */
  model?: ClusterModel;
  log: (line: string) => void;
}

const CONDITION_TYPES = [
  ClusterConditionType.PROGRESSING,
  ClusterConditionType.READY,
  ClusterConditionType.FAILED,
  ClusterConditionType.DEGRADED,
];

export class Controller {
  private readonly clusterTimers = new Map<string, NodeJS.Timeout>();
  private readonly removalTimers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  /** Retrying every controller pass would hammer an unreachable hub: at least a second apart. */
  private readonly retryMs: number;
  private readonly model: ClusterModel;

  constructor(
    private readonly store: Store,
    private readonly options: ControllerOptions,
  ) {
    this.retryMs = Math.max(options.controllerDelayMs, 1000);
    this.model = options.model ?? INNABOX_CLUSTER_MODEL;
  }

  start(): void {
    for (const id of this.store.clusters.keys()) this.kick(id);
    for (const kind of ["templates", "hostClasses", "hubs"] as const) {
      for (const id of this.store.collection(kind).keys()) this.objectChanged(kind, id);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of [...this.clusterTimers.values(), ...this.removalTimers.values()]) clearTimeout(timer);
    this.clusterTimers.clear();
    this.removalTimers.clear();
  }

  /** Runs a pass for the cluster as soon as possible (after any pass in flight). */
  kick(id: string): void {
    this.schedule(id, 0);
  }

  /** A hub appeared: clusters waiting for one may land now. */
  hubsChanged(): void {
    for (const cluster of this.store.clusters.values()) {
      if (cluster.status?.state === ClusterState.PROGRESSING && !cluster.status.hub) this.kick(cluster.id);
    }
  }

  /** Objects other than clusters have no finalizer of ours: the server removes them after the deletion delay. */
  objectChanged(kind: Exclude<Kind, "clusters">, id: string): void {
    if (this.stopped) return;
    const key = `${kind}/${id}`;
    clearTimeout(this.removalTimers.get(key));
    this.removalTimers.delete(key);
    const object = this.store.collection(kind).get(id);
    const deletion = object?.metadata?.deletionTimestamp;
    if (!object || !deletion) return;
    const due = timestampDate(deletion).getTime() + this.options.deletionDelayMs;
    const timer = setTimeout(() => {
      this.removalTimers.delete(key);
      const current = this.store.collection(kind).get(id);
      if (!current?.metadata?.deletionTimestamp) return;
      if (current.metadata.finalizers.length > 0) {
        this.options.log(`${kind} ${id}: deletion held by finalizers ${current.metadata.finalizers.join(", ")}`);
        return;
      }
      this.store.remove(kind, id);
      this.store.commit([{ kind, id }]);
      this.options.log(`${kind} ${id}: deleted`);
    }, Math.max(0, due - Date.now()));
    this.removalTimers.set(key, timer);
  }

  private schedule(id: string, at: number): void {
    if (this.stopped) return;
    clearTimeout(this.clusterTimers.get(id));
    const timer = setTimeout(() => {
      this.clusterTimers.delete(id);
      void this.reconcile(id);
    }, Math.max(0, at - Date.now()));
    this.clusterTimers.set(id, timer);
  }

  private async reconcile(id: string): Promise<void> {
    if (this.stopped) return;
    if (this.running.has(id)) {
      this.again.add(id);
      return;
    }
    this.running.add(id);
    try {
      const due = await this.pass(id);
      if (due !== undefined) this.schedule(id, due);
    } catch (error) {
      this.options.log(`cluster ${id}: controller pass failed: ${(error as Error).message}`);
      this.schedule(id, Date.now() + this.retryMs);
    } finally {
      this.running.delete(id);
      if (this.again.delete(id)) this.kick(id);
    }
  }

  /** One reconciliation; returns when the next pass is due, if one is. */
  private async pass(id: string): Promise<number | undefined> {
    const now = Date.now();
    const cluster = this.store.clusters.get(id);
    if (!cluster) return undefined;
    const metadata = (cluster.metadata ??= create(this.model.metadataSchema) as Cluster["metadata"] & object);
    if (metadata.deletionTimestamp) return this.deletionPass(cluster);

    if (!metadata.finalizers.includes(FINALIZER)) {
      const created = metadata.creationTimestamp ? timestampDate(metadata.creationTimestamp).getTime() : now;
      const due = created + this.options.controllerDelayMs;
      if (now < due) return due;
    }
    if ((cluster.status?.state ?? ClusterState.UNSPECIFIED) === ClusterState.UNSPECIFIED && this.model.stagedPasses) {
      // Pass 1: the finalizer, and nothing else. Pass 2: PROGRESSING, every condition FALSE.
      if (!metadata.finalizers.includes(FINALIZER)) {
        this.addFinalizer(cluster);
        return Date.now();
      }
      // Saved with the hub (or the no-hub condition) below: one write per pass.
      this.markProgressing(cluster);
    }
    if ((cluster.status?.state ?? ClusterState.UNSPECIFIED) === ClusterState.UNSPECIFIED) {
      // The real controller saves a pass's result only when the whole pass succeeded: a
      // first pass that cannot place the ClusterOrder leaves the status empty.
      const placed = await this.firstPlacement(cluster);
      if (placed !== true) return placed;
    }
    const status = (cluster.status ??= this.newStatus());
    if (status.state === ClusterState.UNSPECIFIED) {
      this.setState(cluster, ClusterState.PROGRESSING);
      status.conditions = CONDITION_TYPES.map((type) => this.newCondition(type, ConditionStatus.FALSE, now));
      this.store.commit(this.touched(id));
      this.options.log(`cluster ${id}: PROGRESSING`);
    }
    if (status.state === ClusterState.PROGRESSING) return this.progressingPass(cluster);
    if (status.state === ClusterState.READY) {
      if (this.options.pushesChangesAfterReady) return this.convergencePass(cluster);
      if (!this.sameNodeSets(status.nodeSets, cluster.spec?.nodeSets ?? {})) {
        this.options.log(`cluster ${id}: READY; spec.node_sets changed, but this controller acts only while PROGRESSING: the hub is not told`);
      }
    }
    return undefined;
  }

  private async progressingPass(cluster: Cluster): Promise<number | undefined> {
    const id = cluster.id;
    const status = cluster.status!;
    const runtime = this.store.runtimeOf(id);
    if (!status.hub) {
      const hubs = [...this.store.hubs.values()].filter(
        (hub) => !hub.metadata?.deletionTimestamp && (!this.model.stagedPasses || (this.options.hubOrders?.usable?.(this.model.hubRecord(hub)) ?? true)),
      );
      if (hubs.length === 0) {
        if (this.condition(cluster, ClusterConditionType.PROGRESSING, ConditionStatus.FALSE, "ResourcesUnavailable", this.model.noResourcesMessage)) {
          this.store.commit(this.touched(id));
          this.options.log(`cluster ${id}: no hub available`);
        }
        return Date.now() + this.retryMs;
      }
      status.hub = hubs[Math.floor(Math.random() * hubs.length)].id;
      this.store.commit(this.touched(id));
      this.options.log(`cluster ${id}: assigned to hub ${status.hub}`);
      // The staged controller places the ClusterOrder in the next pass.
      if (this.model.stagedPasses) return Date.now();
    }
    if (runtime.landedAt === undefined || runtime.orderDirty) {
      const hub = this.store.hubs.get(status.hub);
      let warning: { reason: string; message: string } | undefined;
      if (hub) {
        runtime.orderDirty = false;
        const outcome = await this.placeOrder(cluster, hub);
        if (outcome === "gone") return Date.now();
        if (!outcome.ok) {
          // Nothing of a failed pass is saved: the cluster keeps its status until it changes or the resync.
          runtime.orderDirty = true;
          this.store.commit(this.touched(id));
          return Date.now() + this.options.resyncMs;
        }
        warning = outcome.warning;
      }
      this.landed(cluster, warning);
    }

    const labels = cluster.metadata?.labels ?? {};
    const override = Number(labels[PROVISIONING_LABEL]);
    const provisioningMs = labels[PROVISIONING_LABEL] !== undefined && Number.isFinite(override) && override >= 0 ? override : this.options.provisioningDelayMs;
    const due = (runtime.landedAt ?? Date.now()) + provisioningMs;
    const now = Date.now();
    if (now < due) return due;

    if (labels[OUTCOME_LABEL] === "failed") {
      this.setState(cluster, ClusterState.FAILED);
      this.condition(cluster, ClusterConditionType.PROGRESSING, ConditionStatus.FALSE, "ProvisioningFailed", "provisioning has stopped");
      this.condition(cluster, ClusterConditionType.FAILED, ConditionStatus.TRUE, "ProvisioningFailed", `provisioning of the cluster failed on hub '${status.hub}' (requested by label '${OUTCOME_LABEL}: failed')`);
      this.store.commit(this.touched(id));
      this.options.log(`cluster ${id}: FAILED`);
      return undefined;
    }
    const host = `${cluster.metadata?.name || id}.${status.hub}.sim.example`;
    this.setState(cluster, ClusterState.READY);
    status.apiUrl = `https://api.${host}:6443`;
    status.consoleUrl = `https://console-openshift-console.apps.${host}`;
    status.nodeSets = this.cloneNodeSets(cluster.spec?.nodeSets ?? {});
    runtime.nodeSetsChangedAt = undefined;
    runtime.kubeconfig = generateKubeconfig(cluster.metadata?.name || id, status.apiUrl);
    runtime.password = generatePassword();
    this.condition(cluster, ClusterConditionType.PROGRESSING, ConditionStatus.FALSE, "Provisioned", "the cluster has been provisioned");
    this.condition(cluster, ClusterConditionType.READY, ConditionStatus.TRUE, "Ready", "the cluster is ready");
    this.store.commit(this.touched(id));
    this.options.log(`cluster ${id}: READY`);
    return undefined;
  }

  /**
   * The first pass: pick a hub and place the ClusterOrder, and only then add the finalizer
   * and write PROGRESSING. Returns true when placed (or there is no hub yet: PROGRESSING
   * with ResourcesUnavailable, as the real controller reports), else when to look again.
   */
  private async firstPlacement(cluster: Cluster): Promise<true | number | undefined> {
    const id = cluster.id;
    const metadata = cluster.metadata!;
    const hubs = [...this.store.hubs.values()].filter((hub) => !hub.metadata?.deletionTimestamp);
    if (hubs.length > 0 && this.options.hubOrders) {
      const hub = hubs[Math.floor(Math.random() * hubs.length)];
      const outcome = await this.placeOrder(cluster, hub);
      if (outcome === "gone") return Date.now();
      if (!outcome.ok) return Date.now() + this.options.resyncMs;
      this.addFinalizer(cluster);
      this.markProgressing(cluster);
      cluster.status!.hub = hub.id;
      this.options.log(`cluster ${id}: assigned to hub ${hub.id}`);
      this.landed(cluster, outcome.warning);
      return true;
    }
    if (!metadata.finalizers.includes(FINALIZER)) this.addFinalizer(cluster);
    return true;
  }

  /** Creates or patches the ClusterOrder; "gone" when the cluster went away meanwhile. */
  private async placeOrder(cluster: Cluster, hub: Hub): Promise<HubOrderOutcome | "gone"> {
    const hubOrders = this.options.hubOrders;
    if (!hubOrders) return { ok: true, orderName: "" };
    const outcome = await guard(() => hubOrders.ensureClusterOrder(this.model.hubRecord(hub), this.orderRequest(cluster)));
    const current = this.store.clusters.get(cluster.id);
    if (this.stopped || current !== cluster || cluster.metadata?.deletionTimestamp) return "gone";
    if (!outcome.ok) {
      this.options.log(
        `cluster ${cluster.id}: hub ${hub.id} could not take the ClusterOrder (${outcome.reason}: ${outcome.message}); ` +
          `like the real controller, the next attempt comes when the cluster changes or at the resync`,
      );
    }
    return outcome;
  }

  private addFinalizer(cluster: Cluster): void {
    cluster.metadata!.finalizers.push(FINALIZER);
    this.store.commit(this.touched(cluster.id));
  }

  private markProgressing(cluster: Cluster): void {
    const status = (cluster.status ??= this.newStatus());
    if (status.state !== ClusterState.UNSPECIFIED) return;
    this.setState(cluster, ClusterState.PROGRESSING);
    status.conditions = CONDITION_TYPES.map((type) => this.newCondition(type, ConditionStatus.FALSE, Date.now()));
    this.options.log(`cluster ${cluster.id}: PROGRESSING`);
  }

  /** The hub took the order (or the simulator plays the hub): provisioning starts now. */
  private landed(cluster: Cluster, warning?: { reason: string; message: string }): void {
    const status = cluster.status!;
    const runtime = this.store.runtimeOf(cluster.id);
    const simulated = !this.options.hubOrders;
    if (runtime.landedAt === undefined) {
      runtime.landedAt = Date.now();
      this.options.log(
        simulated
          ? `cluster ${cluster.id}: provisioning on simulated hub ${status.hub}`
          : warning
            ? `cluster ${cluster.id}: no ClusterOrder placed on hub ${status.hub} (${warning.message}); provisioning anyway`
            : `cluster ${cluster.id}: ClusterOrder placed on hub ${status.hub}`,
      );
    }
    const provisioning = `the cluster is being provisioned on hub '${status.hub}'`;
    this.condition(
      cluster,
      ClusterConditionType.PROGRESSING,
      ConditionStatus.TRUE,
      "Provisioning",
      warning ? `${provisioning}; no ClusterOrder was placed: ${warning.message}` : simulated ? `${provisioning} (a simulated hub)` : provisioning,
    );
    this.store.commit(this.touched(cluster.id));
  }

  private async convergencePass(cluster: Cluster): Promise<number | undefined> {
    const status = cluster.status!;
    const wanted = cluster.spec?.nodeSets ?? {};
    const runtime = this.store.runtimeOf(cluster.id);
    const hub = status.hub ? this.store.hubs.get(status.hub) : undefined;
    if (runtime.orderDirty && hub && this.options.hubOrders) {
      // The spec changed after READY: merge-patch the ClusterOrder as the osac controller does.
      runtime.orderDirty = false;
      const outcome = await this.placeOrder(cluster, hub);
      if (outcome === "gone") return Date.now();
      if (!outcome.ok) {
        runtime.orderDirty = true;
        this.store.commit(this.touched(cluster.id));
        return Date.now() + this.options.resyncMs;
      }
    }
    if (this.sameNodeSets(status.nodeSets, wanted)) return undefined;
    if (runtime.nodeSetsChangedAt === undefined) {
      runtime.nodeSetsChangedAt = Date.now();
      this.store.commit(this.touched(cluster.id));
    }
    const due = runtime.nodeSetsChangedAt + this.options.nodeSetConvergenceMs;
    if (Date.now() < due) return due;
    status.nodeSets = this.cloneNodeSets(wanted);
    runtime.nodeSetsChangedAt = undefined;
    this.store.commit(this.touched(cluster.id));
    this.options.log(`cluster ${cluster.id}: node sets converged`);
    return undefined;
  }

  private async deletionPass(cluster: Cluster): Promise<number | undefined> {
    const id = cluster.id;
    const metadata = cluster.metadata!;
    if (!metadata.finalizers.includes(FINALIZER)) {
      if (metadata.finalizers.length === 0) this.removeCluster(id);
      return undefined;
    }
    // Held on purpose (delete-timeout tests); an Update removing the label kicks us again.
    if (metadata.labels[DELETION_LABEL] === "stuck") {
      this.options.log(`cluster ${id}: deletion held by label ${DELETION_LABEL}: stuck`);
      return undefined;
    }
    // The osac controller does nothing for a cluster without a hub: its finalizer stays.
    if (this.model.keepsFinalizerWithoutHub && !cluster.status?.hub) return undefined;
    const deleting = this.model.deletingState;
    if (deleting !== undefined && cluster.status && cluster.status.state !== deleting) {
      this.setState(cluster, deleting);
      this.store.commit(this.touched(id));
      this.options.log(`cluster ${id}: DELETING`);
    }
    const runtime = this.store.runtimeOf(id);
    if (!runtime.orderDeleted) {
      const hub = cluster.status?.hub ? this.store.hubs.get(cluster.status.hub) : undefined;
      const hubOrders = this.options.hubOrders;
      if (hub && hubOrders) {
        const outcome = await guard(() => hubOrders.deleteClusterOrder(this.model.hubRecord(hub), id));
        if (this.stopped || this.store.clusters.get(id) !== cluster) return Date.now();
        if (!outcome.ok) {
          this.options.log(`cluster ${id}: hub ${hub.id} could not delete the ClusterOrder: ${outcome.reason}`);
          return Date.now() + this.retryMs;
        }
      }
      runtime.orderDeleted = true;
      this.store.commit(this.touched(id));
    }
    const due = timestampDate(metadata.deletionTimestamp!).getTime() + this.options.deletionDelayMs;
    if (Date.now() < due) return due;
    metadata.finalizers = metadata.finalizers.filter((finalizer) => finalizer !== FINALIZER);
    if (metadata.finalizers.length === 0) this.removeCluster(id);
    else this.store.commit(this.touched(id));
    return undefined;
  }

  /** What a pass's commit changed: its cluster, never another object. */
  private touched(id: string): ObjectRef[] {
    return [{ kind: "clusters", id }];
  }

  private setState(cluster: Cluster, state: ClusterState): void {
    const status = (cluster.status ??= this.newStatus());
    if (status.state === state) return;
    status.state = state;
    this.model.stateChanged?.(status, Date.now());
  }

  private newStatus(): ClusterStatus {
    return create(this.model.statusSchema) as ClusterStatus;
  }

  private newCondition(type: ClusterConditionType, value: ConditionStatus, now: number): ClusterCondition {
    return create(this.model.conditionSchema, { type, status: value, lastTransitionTime: timestampFromMs(now) }) as ClusterCondition;
  }

  /** Sets a condition; its transition time moves only when its status does. Returns whether anything changed. */
  private condition(cluster: Cluster, type: ClusterConditionType, value: ConditionStatus, reason: string, message: string): boolean {
    const status = (cluster.status ??= this.newStatus());
    let condition = status.conditions.find((candidate) => candidate.type === type);
    if (!condition) {
      condition = create(this.model.conditionSchema, { type, status: ConditionStatus.UNSPECIFIED }) as ClusterCondition;
      status.conditions.push(condition);
      status.conditions.sort((a, b) => a.type - b.type);
    }
    if (condition.status === value && condition.reason === reason && condition.message === message) return false;
    if (condition.status !== value) condition.lastTransitionTime = timestampFromMs(Date.now());
    condition.status = value;
    condition.reason = reason;
    condition.message = message;
    return true;
  }

  private cloneNodeSets(nodeSets: Record<string, ClusterNodeSet>): Record<string, ClusterNodeSet> {
    return Object.fromEntries(Object.entries(nodeSets).map(([key, value]) => [key, clone(this.model.nodeSetSchema, value) as ClusterNodeSet]));
  }

  private sameNodeSets(a: Record<string, ClusterNodeSet>, b: Record<string, ClusterNodeSet>): boolean {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => b[key] !== undefined && equals(this.model.nodeSetSchema, a[key], b[key]));
  }

  private orderRequest(cluster: Cluster): ClusterOrderRequest {
    const spec = cluster.spec;
    return {
      clusterId: cluster.id,
      templateId: spec?.template ?? "",
      templateParameters: Object.fromEntries(Object.entries(spec?.templateParameters ?? {}).map(([name, value]) => [name, plainValue(value)])),
      nodeRequests: Object.keys(spec?.nodeSets ?? {})
        .sort()
        .map((key) => ({ resourceClass: this.model.hostTypeOf(spec!.nodeSets[key]), numberOfNodes: spec!.nodeSets[key].size })),
      ...this.model.orderExtras?.(cluster),
    };
  }

  private removeCluster(id: string): void {
    this.store.remove("clusters", id);
    this.store.commit(this.touched(id));
    this.options.log(`cluster ${id}: deleted`);
  }
}

/** A hub implementation that throws is treated like one that says no. */
async function guard(call: () => Promise<HubOrderOutcome>): Promise<HubOrderOutcome> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, reason: "HubError", message: (error as Error).message };
  }
}

/** The JSON value of a parameter, as the real controller puts into `templateParameters`. */
export function plainValue(value: Any): unknown {
  try {
    const json = toJson(AnySchema, value, { registry: jsonRegistry }) as Record<string, unknown>;
    if ("value" in json && value.typeUrl.startsWith("type.googleapis.com/google.protobuf.")) return json.value;
    const { ["@type"]: _type, ...rest } = json;
    return rest;
  } catch {
    return undefined;
  }
}

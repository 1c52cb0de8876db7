// One store behind both API views. Objects are held in their private.v1 form; every
// change goes through commit(), which persists the whole state when a file is set.
import { clone, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { ClusterSchema, type Cluster } from "../proto/gen/private/v1/cluster_type_pb";
import { ClusterTemplateSchema, type ClusterTemplate } from "../proto/gen/private/v1/cluster_template_type_pb";
import { HostClassSchema, type HostClass } from "../proto/gen/private/v1/host_class_type_pb";
import { HubSchema, type Hub } from "../proto/gen/private/v1/hub_type_pb";
import { readState, writeState } from "./persistence";

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
}

export type Kind = keyof Collections;

export const kindSchemas = {
  clusters: ClusterSchema,
  templates: ClusterTemplateSchema,
  hostClasses: HostClassSchema,
  hubs: HubSchema,
} as const satisfies Record<Kind, DescMessage>;

export type KindObject<K extends Kind> = MessageShape<(typeof kindSchemas)[K]>;

export class Store implements Collections {
  clusters = new Map<string, Cluster>();
  templates = new Map<string, ClusterTemplate>();
  hostClasses = new Map<string, HostClass>();
  hubs = new Map<string, Hub>();
  runtime = new Map<string, ClusterRuntime>();
  /** Set while stopped so that late async work (hub calls in flight) cannot write. */
  frozen = false;

  constructor(readonly file?: string) {}

  /** Loads the state file; false when there is none yet (a fresh start, to be seeded). */
  load(): boolean {
    if (!this.file) return false;
    const state = readState(this.file);
    if (!state) return false;
    this.clusters = state.clusters;
    this.templates = state.templates;
    this.hostClasses = state.hostClasses;
    this.hubs = state.hubs;
    this.runtime = state.runtime;
    return true;
  }

  commit(): void {
    if (this.frozen || !this.file) return;
    writeState(this.file, this);
  }

  collection<K extends Kind>(kind: K): Map<string, KindObject<K>> {
    return this[kind] as unknown as Map<string, KindObject<K>>;
  }

  runtimeOf(clusterId: string): ClusterRuntime {
    let runtime = this.runtime.get(clusterId);
    if (!runtime) {
      runtime = {};
      this.runtime.set(clusterId, runtime);
    }
    return runtime;
  }

  remove(kind: Kind, id: string): void {
    this.collection(kind).delete(id);
    if (kind === "clusters") this.runtime.delete(id);
  }

  /** Deep copies sorted by id, for assertions in tests. */
  snapshot(): { clusters: Cluster[]; templates: ClusterTemplate[]; hostClasses: HostClass[]; hubs: Hub[] } {
    const sorted = <K extends Kind>(kind: K): KindObject<K>[] =>
      [...this.collection(kind).values()]
        .sort((a, b) => compareIds(a.id, b.id))
        .map((item) => clone(kindSchemas[kind] as DescMessage, item) as KindObject<K>);
    return {
      clusters: sorted("clusters"),
      templates: sorted("templates"),
      hostClasses: sorted("hostClasses"),
      hubs: sorted("hubs"),
    };
  }
}

/** Byte-wise order, like the database's ORDER BY id with the C collation. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

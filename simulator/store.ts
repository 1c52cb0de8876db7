// One store behind both API views. Objects are held in their private.v1 form; every
// change goes through commit(), which persists the whole state when a file is set and,
// while someone watches, publishes what changed since the last commit to the event bus.
import { randomUUID } from "node:crypto";
import { clone, equals } from "@bufbuild/protobuf";
import type { Cluster } from "../proto/gen/private/v1/cluster_type_pb";
import type { ClusterTemplate } from "../proto/gen/private/v1/cluster_template_type_pb";
import type { HostClass } from "../proto/gen/private/v1/host_class_type_pb";
import type { Hub } from "../proto/gen/private/v1/hub_type_pb";
import type { ClusterCatalogItem } from "../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
import type { ClusterVersion } from "../proto/gen/osac/private/v1/cluster_version_type_pb";
import { kindSchemas, type ClusterRuntime, type Collections, type Kind, type KindObject, type KindSchemas } from "./kinds";
import { EventType, type EventBus, type ObjectChange } from "./events";
import { readState, writeState } from "./persistence";

export { kindSchemas, type ClusterRuntime, type Collections, type InnaboxKind, type Kind, type KindObject, type KindSchemas } from "./kinds";

const KINDS = Object.keys(kindSchemas) as Kind[];

/** One object, named by kind and id: what a commit says it changed. */
export interface ObjectRef {
  kind: Kind;
  id: string;
}

/** Copies of the objects as last published, per kind and id. */
type Published = { [K in Kind]: Map<string, KindObject<K>> };

export class Store implements Collections {
  clusters = new Map<string, Cluster>();
  templates = new Map<string, ClusterTemplate>();
  hostClasses = new Map<string, HostClass>();
  hubs = new Map<string, Hub>();
  catalogItems = new Map<string, ClusterCatalogItem>();
  clusterVersions = new Map<string, ClusterVersion>();
  runtime = new Map<string, ClusterRuntime>();
  /** Set while stopped so that late async work (hub calls in flight) cannot write. */
  frozen = false;
  /**
   * Change tracking, only while the bus has subscribers. Handlers and the controller
   * change objects in place and then commit(), so changes are found by comparing with
   * copies of what was last published: one place sees every create, update and removal.
   * Creations and removals are found by id on every commit; in-place updates are looked for
   * in the objects the commit names (all of them when it names none), because comparing
   * every object at every commit made a fleet's commits quadratic.
   */
  private published?: Published;
  /** Objects removed since the last commit, in their final state. */
  private removed = new Map<string, { kind: Kind; object: KindObject<Kind>; archived?: boolean }>();
  private readonly detach?: () => void;
  /** Run at the start of every commit, before changes are persisted and published. */
  private readonly commitHooks: Array<(touched?: readonly ObjectRef[]) => void> = [];
  /** State kept beside the objects in the state file (osac: the projects), by section name. */
  private readonly sections = new Map<string, { save(): unknown; load(saved: unknown): void }>();

  constructor(
    readonly file?: string,
    private readonly events?: EventBus,
    /** The generation's stored message types (default innabox private.v1). */
    readonly schemas: KindSchemas = kindSchemas,
  ) {
    if (events) {
      this.detach = events.onActivity((active) => (active ? this.startTracking() : this.stopTracking()));
      if (events.subscriberCount > 0) this.startTracking();
    }
  }

  /** Loads the state file; false when there is none yet (a fresh start, to be seeded). */
  load(): boolean {
    if (!this.file) return false;
    const state = readState(this.file, this.schemas);
    if (!state) return false;
    this.clusters = state.clusters;
    this.templates = state.templates;
    this.hostClasses = state.hostClasses;
    this.hubs = state.hubs;
    this.catalogItems = state.catalogItems;
    this.clusterVersions = state.clusterVersions;
    this.runtime = state.runtime;
    for (const [name, section] of this.sections) if (state.extra?.[name] !== undefined) section.load(state.extra[name]);
    if (this.published) this.startTracking();
    return true;
  }

  /** Keeps `save()`'s JSON in the state file under `name`; `load` gets it back when the file is read. Register before load(). */
  persistSection(name: string, save: () => unknown, load: (saved: unknown) => void): void {
    this.sections.set(name, { save, load });
  }

  /** The sections' current state, for the state file. */
  get extra(): Record<string, unknown> | undefined {
    if (this.sections.size === 0) return undefined;
    return Object.fromEntries([...this.sections].map(([name, section]) => [name, section.save()]));
  }

  /**
   * Persists and publishes. `touched`: the objects this write may have changed in place
   * (new and removed objects are found whatever it says); left out, every object is compared.
   */
  commit(touched?: readonly ObjectRef[]): void {
    if (this.frozen) return;
    for (const hook of this.commitHooks) hook(touched);
    this.publishChanges(touched);
    if (!this.file) return;
    writeState(this.file, this, this.schemas);
  }

  /** `hook` runs at the start of every commit (e.g. to maintain metadata.version), with the commit's `touched`. */
  onCommit(hook: (touched?: readonly ObjectRef[]) => void): void {
    this.commitHooks.push(hook);
  }

  /** Stops writing and publishing for good (the simulator stopped or swapped stores). */
  close(): void {
    this.frozen = true;
    this.stopTracking();
    this.detach?.();
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

  /**
   * `archived`: the object's last change (its deletion timestamp) goes out only as the
   * DELETED payload, as the osac DAO archives a row without finalizers in one step.
   */
  remove(kind: Kind, id: string, options: { archived?: boolean } = {}): void {
    const object = this.collection(kind).get(id);
    if (object && this.published) this.removed.set(`${kind}/${id}`, { kind, object, archived: options.archived });
    this.collection(kind).delete(id);
    if (kind === "clusters") this.runtime.delete(id);
  }

  private startTracking(): void {
    const copies = <K extends Kind>(kind: K): Map<string, KindObject<K>> =>
      new Map([...this.collection(kind)].map(([id, object]) => [id, this.copy(kind, object)]));
    this.published = {
      clusters: copies("clusters"),
      templates: copies("templates"),
      hostClasses: copies("hostClasses"),
      hubs: copies("hubs"),
      catalogItems: copies("catalogItems"),
      clusterVersions: copies("clusterVersions"),
    };
    this.removed.clear();
  }

  private stopTracking(): void {
    this.published = undefined;
    this.removed.clear();
  }

  /**
   * What the real server's DAO emits: CREATED for a new object, UPDATED for a changed one
   * (a Delete that only sets deletion_timestamp included), and for a removal UPDATED if
   * its last change was not yet published, then DELETED with the object as it was last.
   */
  private publishChanges(touched?: readonly ObjectRef[]): void {
    const published = this.published;
    if (!published || !this.events) return;
    const changes: ObjectChange[] = [];
    const change = <K extends Kind>(type: ObjectChange["type"], kind: K, object: KindObject<K>) =>
      changes.push({ id: randomUUID(), type, kind, object } as ObjectChange);
    for (const kind of KINDS) {
      const seen = published[kind] as Map<string, KindObject<Kind>>;
      const current = this.collection(kind) as Map<string, KindObject<Kind>>;
      for (const id of commitCandidates(kind, touched, current, seen)) {
        const object = current.get(id);
        if (!object) continue;
        const before = seen.get(id);
        if (before && this.same(kind, before, object)) continue;
        const after = this.copy(kind, object);
        seen.set(id, after);
        change(before ? EventType.OBJECT_UPDATED : EventType.OBJECT_CREATED, kind, after);
      }
      for (const [id, before] of seen) {
        if (current.has(id)) continue;
        seen.delete(id);
        const removal = this.removed.get(`${kind}/${id}`);
        const last = removal?.object;
        let final = before;
        if (last && !this.same(kind, before, last)) {
          final = this.copy(kind, last);
          if (!removal.archived) change(EventType.OBJECT_UPDATED, kind, final);
        }
        change(EventType.OBJECT_DELETED, kind, final);
      }
    }
    this.removed.clear();
    for (const item of changes) this.events.publish(item);
  }

  private copy<K extends Kind>(kind: K, object: KindObject<K>): KindObject<K> {
    return clone(this.schemas[kind], object) as KindObject<K>;
  }

  private same(kind: Kind, a: KindObject<Kind>, b: KindObject<Kind>): boolean {
    return equals(this.schemas[kind], a, b);
  }

  /** Deep copies sorted by id, for assertions in tests. */
  snapshot(): { clusters: Cluster[]; templates: ClusterTemplate[]; hostClasses: HostClass[]; hubs: Hub[]; catalogItems: ClusterCatalogItem[]; clusterVersions: ClusterVersion[] } {
    const sorted = <K extends Kind>(kind: K): KindObject<K>[] =>
      [...this.collection(kind).values()]
        .sort((a, b) => compareIds(a.id, b.id))
        .map((item) => clone(this.schemas[kind], item) as KindObject<K>);
    return {
      clusters: sorted("clusters"),
      templates: sorted("templates"),
      hostClasses: sorted("hostClasses"),
      hubs: sorted("hubs"),
      catalogItems: sorted("catalogItems"),
      clusterVersions: sorted("clusterVersions"),
    };
  }
}


/**
 * The ids of `kind` a commit may have changed, by what it names (`touched`, every object
 * when undefined) and any object not yet in `seen` (a creation); named ids may be gone.
 */
export function* commitCandidates(kind: Kind, touched: readonly ObjectRef[] | undefined, current: ReadonlyMap<string, unknown>, seen: ReadonlyMap<string, unknown>): Iterable<string> {
  if (touched === undefined) {
    yield* current.keys();
    return;
  }
  const named = new Set(touched.filter((ref) => ref.kind === kind).map((ref) => ref.id));
  yield* named;
  for (const id of current.keys()) if (!seen.has(id) && !named.has(id)) yield id;
}

/** Byte-wise order, like the database's ORDER BY id with the C collation. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

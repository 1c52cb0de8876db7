import type { Simulator } from "../../simulator";

/** A stored object as the simulator's snapshot gives it: the JSON form of its message. */
export interface StoredObject {
  id: string;
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: string; finalizers?: string[] };
  spec?: any;
  status?: any;
  [field: string]: any;
}

export type StoredObjects = Record<"clusters" | "templates" | "hostClasses" | "hubs", StoredObject[]>;

/** The simulator's store, typed for reading in assertions. */
export function snapshotOf(sim: Simulator): StoredObjects {
  return sim.snapshot() as unknown as StoredObjects;
}

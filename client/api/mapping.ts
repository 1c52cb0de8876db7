// Mapping that both generations share: their enums carry the same numbers, timestamps and
// parameter values the same types, so one set of functions serves both adapters.
import * as grpc from "@grpc/grpc-js";
import { timestampDate, type Any, type Timestamp } from "@bufbuild/protobuf/wkt";
import { packParameter, unpackParameter } from "../anyValues";
import { grpcCode, isNotFound } from "../errors";
import type { ClusterStateName, Condition, ObjectMeta, TypedValue } from "./domain";

const STATE_NAMES: Record<number, ClusterStateName> = {
  0: "UNSPECIFIED",
  1: "PROGRESSING",
  2: "READY",
  3: "FAILED",
  4: "DELETING",
  5: "DELETE_FAILED",
};
const CONDITION_NAMES: Record<number, string> = { 0: "Unspecified", 1: "Progressing", 2: "Ready", 3: "Failed", 4: "Degraded" };
const STATUS_NAMES: Record<number, string> = { 0: "Unknown", 1: "True", 2: "False" };

export const stateName = (state: number | undefined): ClusterStateName => STATE_NAMES[state ?? 0] ?? "UNSPECIFIED";

export function isoTime(timestamp: Timestamp | undefined): string | undefined {
  return timestamp ? timestampDate(timestamp).toISOString() : undefined;
}

interface ConditionMessage {
  type: number;
  status: number;
  reason?: string;
  message?: string;
  lastTransitionTime?: Timestamp;
}

export function conditions(list: readonly ConditionMessage[] | undefined): Condition[] {
  return (list ?? []).map((c) => {
    const condition: Condition = { type: CONDITION_NAMES[c.type] ?? String(c.type), status: STATUS_NAMES[c.status] ?? String(c.status) };
    if (c.reason !== undefined) condition.reason = c.reason;
    if (c.message !== undefined) condition.message = c.message;
    const time = isoTime(c.lastTransitionTime);
    if (time) condition.lastTransitionTime = time;
    return condition;
  });
}

interface MetadataMessage {
  name: string;
  labels: Record<string, string>;
  creationTimestamp?: Timestamp;
  deletionTimestamp?: Timestamp;
  finalizers?: string[];
  version?: number;
  tenant?: string;
  project?: string;
}

export function objectMeta(metadata: MetadataMessage | undefined): ObjectMeta {
  const meta: ObjectMeta = { name: metadata?.name ?? "", labels: { ...(metadata?.labels ?? {}) }, finalizers: [...(metadata?.finalizers ?? [])] };
  const created = isoTime(metadata?.creationTimestamp);
  const deleted = isoTime(metadata?.deletionTimestamp);
  if (created) meta.creationTime = created;
  if (deleted) meta.deletionTime = deleted;
  if (metadata?.version !== undefined) meta.version = metadata.version;
  if (metadata?.tenant) meta.tenant = metadata.tenant;
  if (metadata?.project) meta.project = metadata.project;
  return meta;
}

export function typedValues(map: Record<string, Any> | undefined, field: string): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  for (const [key, any] of Object.entries(map ?? {})) out[key] = { typeUrl: any.typeUrl, value: unpackParameter(any, `${field}.${key}`) };
  return out;
}

export function packedValues(map: Record<string, TypedValue>, field: string): Record<string, Any> {
  const out: Record<string, Any> = {};
  for (const [key, typed] of Object.entries(map)) out[key] = packParameter(typed.typeUrl, typed.value, `${field}.${key}`);
  return out;
}

export function typedValue(any: Any | undefined, field: string): TypedValue | undefined {
  return any && any.typeUrl ? { typeUrl: any.typeUrl, value: unpackParameter(any, field) } : undefined;
}

/** A Get that treats NOT_FOUND as "no such object". */
export async function orUndefined<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** A Delete that treats NOT_FOUND as "already gone". */
export async function deleted(remove: () => Promise<unknown>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}


/** What only the admin API shows is simply absent for a client token. */
export async function adminOnly<T>(read: () => Promise<T>, absent: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = grpcCode(error);
    if (code === grpc.status.PERMISSION_DENIED || code === grpc.status.UNIMPLEMENTED || isNotFound(error)) return absent;
    throw error;
  }
}

export const nameFilter = (name: string) => `this.metadata.name == '${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

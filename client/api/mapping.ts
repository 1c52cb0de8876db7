// Mapping that both generations share: their enums carry the same numbers, timestamps and
// parameter values the same types, so one set of functions serves both adapters.
import * as grpc from "@grpc/grpc-js";
import { timestampDate, type Any, type Timestamp } from "@bufbuild/protobuf/wkt";
import { packParameter, unpackParameter } from "../anyValues";
import { grpcCode, isNotFound } from "../errors";
import type { ClusterChanges, HostTypeField, TemplateField } from "./api";
import type { ClusterEvent, ClusterProgress, ClusterStateName, Condition, NodeSet, ObjectMeta, ParameterDefinition, TypedValue } from "./domain";

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

export const nameFilter = (name: string) => `this.metadata.name == ${celString(name)}`;

/** A name lookup within one tenant when given (the osac CLI's current tenant scopes its Lists so). */
export const nameInTenantFilter = (name: string, tenant: string | undefined) =>
  tenant === undefined ? nameFilter(name) : `${nameFilter(name)} && this.metadata.tenant == ${celString(tenant)}`;

/** Template fields and their mask paths: the same in both generations. */
export const TEMPLATE_PATHS: Record<TemplateField, string> = {
  title: "title",
  description: "description",
  parameters: "parameters",
  nodeSets: "node_sets",
  name: "metadata.name",
  labels: "metadata.labels",
};
export const HOST_TYPE_PATHS: Record<HostTypeField, string> = { title: "title", description: "description", name: "metadata.name", labels: "metadata.labels" };

/**
 * A cluster Update's object and mask. Node sets always go as the whole map with the stored
 * host type ids: a `spec.node_sets.<key>.size` path would clear the stored host type (osac),
 * and a host type that is empty or a name counts as a change of the immutable host type.
 */
export function clusterUpdate(
  id: string,
  changes: ClusterChanges,
  toWireNodeSets: (map: Record<string, NodeSet>) => object,
): { object: Record<string, unknown>; paths: string[] } {
  const paths: string[] = [];
  const metadata: Record<string, unknown> = {};
  const spec: Record<string, unknown> = {};
  if (changes.name !== undefined) {
    paths.push("metadata.name");
    metadata.name = changes.name;
  }
  if (changes.labels !== undefined) {
    paths.push("metadata.labels");
    metadata.labels = changes.labels;
  }
  if (changes.nodeSets !== undefined) {
    paths.push("spec.node_sets");
    spec.nodeSets = toWireNodeSets(changes.nodeSets);
  }
  if (changes.releaseImage !== undefined) {
    paths.push("spec.release_image");
    spec.releaseImage = changes.releaseImage;
  }
  if (changes.networkAttachment !== undefined) {
    // Only the groups: the subnet is immutable, and sent unchanged for the server's check.
    paths.push("spec.network_attachment.security_groups");
    spec.networkAttachment = { subnet: changes.networkAttachment.subnet, securityGroups: changes.networkAttachment.securityGroups };
  }
  const object: Record<string, unknown> = { id };
  if (Object.keys(metadata).length) object.metadata = metadata;
  if (Object.keys(spec).length) object.spec = spec;
  return { object, paths };
}

interface ParameterMessage {
  name: string;
  title: string;
  description: string;
  required: boolean;
  type: string;
  default?: Any;
}

/** A template's parameter definitions, read from either generation's message. */
export function parameterDefinitions(templateId: string, list: readonly ParameterMessage[]): ParameterDefinition[] {
  return list.map((p) => {
    const value = typedValue(p.default, `template ${templateId} parameter ${p.name} default`);
    return { name: p.name, title: p.title, description: p.description, required: p.required, typeUrl: p.type, ...(value ? { default: value } : {}) };
  });
}

/** The parameter definitions as either generation's message takes them. */
export function parameterMessages(parameters: readonly ParameterDefinition[]) {
  return parameters.map((p) => ({
    name: p.name,
    title: p.title,
    description: p.description,
    required: p.required,
    type: p.typeUrl,
    ...(p.default ? { default: packedValues({ [p.name]: p.default }, "parameters")[p.name] } : {}),
  }));
}

const celString = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** A List filter for these ids (CEL `in` over a literal list, which both servers translate to SQL). */
export const idsFilter = (ids: readonly string[]) => `this.id in [${ids.map(celString).join(", ")}]`;

/**
 * A Watch filter for cluster events, of these clusters only when given: CEL over `event`
 * with proto field names, the same on both generations' Event types.
 */
export const clusterEventsFilter = (ids: readonly string[] | undefined) =>
  ids ? `has(event.cluster) && event.cluster.id in [${ids.map(celString).join(", ")}]` : "has(event.cluster)";

/** Both generations number EventType alike; SIGNALED (private only) and UNSPECIFIED are not changes a wait can use. */
export function clusterEventType(type: number): ClusterEvent["type"] | undefined {
  return type === 1 ? "CREATED" : type === 2 ? "UPDATED" : type === 3 ? "DELETED" : undefined;
}

/** The most ids one List or one Watch filter names; more are split into several Lists. */
export const MAX_IDS_PER_CALL = 1000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface ProgressMessage {
  id: string;
  metadata?: { deletionTimestamp?: Timestamp };
  status?: { state: number; conditions: readonly ConditionMessage[]; apiUrl: string; consoleUrl: string };
}

/** What a wait keeps of a cluster message (event payload or List item): no parameters, no secrets. */
export function clusterProgress(message: ProgressMessage, specNodeSets: Record<string, NodeSet>, statusNodeSets: Record<string, NodeSet>): ClusterProgress {
  const deletionTime = isoTime(message.metadata?.deletionTimestamp);
  return {
    id: message.id,
    metadata: deletionTime ? { deletionTime } : {},
    spec: { nodeSets: specNodeSets },
    status: {
      state: stateName(message.status?.state),
      conditions: conditions(message.status?.conditions),
      apiUrl: message.status?.apiUrl ?? "",
      consoleUrl: message.status?.consoleUrl ?? "",
      nodeSets: statusNodeSets,
    },
  };
}

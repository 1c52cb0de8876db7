// Watch filters: CEL over the variable `event` of type events.v1.Event, as the real
// server's createCelEnv declares it: proto (snake_case) field names, type-checked at
// Watch start, and one int constant per enum value of packages events.v1 and
// fulfillment.v1 (`EVENT_TYPE_OBJECT_DELETED`, `CLUSTER_STATE_READY`).
//
// Evaluated with @marcbachmann/cel-js (as List filters are, simulator/filter.ts), but
// typed: every message type reachable from events.v1.Event is registered with its
// fields, and an event is turned into instances of those types. Unset message fields
// and proto3 optionals are absent, so `has()` is false for them and reading through
// them is an evaluation error, which drops the event like any other evaluation error.
import { Environment } from "@marcbachmann/cel-js";
import { anyUnpack, timestampDate, type Any, type Timestamp } from "@bufbuild/protobuf/wkt";
import { toJson, type DescEnum, type DescField, type DescFile, type DescMessage, type Message } from "@bufbuild/protobuf";
import { EventSchema, file_events_v1_event_type, type Event } from "../proto/gen/events/v1/event_type_pb";
import { file_events_v1_events_service } from "../proto/gen/events/v1/events_service_pb";
import { file_fulfillment_v1_cluster_type } from "../proto/gen/fulfillment/v1/cluster_type_pb";
import { file_fulfillment_v1_cluster_template_type } from "../proto/gen/fulfillment/v1/cluster_template_type_pb";
import { file_fulfillment_v1_host_class_type } from "../proto/gen/fulfillment/v1/host_class_type_pb";
import { file_fulfillment_v1_clusters_service } from "../proto/gen/fulfillment/v1/clusters_service_pb";
import { file_fulfillment_v1_cluster_templates_service } from "../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { file_fulfillment_v1_host_classes_service } from "../proto/gen/fulfillment/v1/host_classes_service_pb";
import { invalidArgument } from "./errors";
import { jsonRegistry } from "./views";

/** Files whose enum values become constants (packages events.v1 and fulfillment.v1). */
const CONSTANT_FILES: DescFile[] = [
  file_events_v1_event_type,
  file_events_v1_events_service,
  file_fulfillment_v1_cluster_type,
  file_fulfillment_v1_cluster_template_type,
  file_fulfillment_v1_host_class_type,
  file_fulfillment_v1_clusters_service,
  file_fulfillment_v1_cluster_templates_service,
  file_fulfillment_v1_host_classes_service,
];

const WRAPPERS = new Set(
  ["Bool", "Int32", "Int64", "UInt32", "UInt64", "Float", "Double", "String", "Bytes"].map((name) => `google.protobuf.${name}Value`),
);

type Ctor = new () => Record<string, unknown>;

interface CelTypes {
  env: Environment;
  ctors: Map<string, Ctor>;
}

/**
 * Which Event type `event` is and whose enum values are constants: events.v1 with
 * fulfillment.v1 (innabox, the default), or another generation's (osac.public.v1 ...).
 */
export interface EventDialect {
  schema: DescMessage;
  constantFiles: readonly DescFile[];
}

const INNABOX_DIALECT: EventDialect = { schema: EventSchema, constantFiles: CONSTANT_FILES };

const built = new Map<DescMessage, CelTypes>();

function celTypes(dialect: EventDialect = INNABOX_DIALECT): CelTypes {
  const cached = built.get(dialect.schema);
  if (cached) return cached;
  const env = new Environment();
  const ctors = new Map<string, Ctor>();
  // Leaves first: cel-js resolves a field's message type when the type is registered.
  const register = (desc: DescMessage): void => {
    if (ctors.has(desc.typeName) || isOpaque(desc)) return;
    const ctor = { [desc.typeName]: class {} }[desc.typeName] as unknown as Ctor;
    ctors.set(desc.typeName, ctor);
    for (const field of desc.fields) {
      const nested = fieldMessage(field);
      if (nested) register(nested);
    }
    const fields = Object.fromEntries(desc.fields.map((field) => [field.name, fieldType(field)]));
    env.registerType(desc.typeName, { ctor, fields });
  };
  register(dialect.schema);
  env.registerVariable("event", dialect.schema.typeName);
  const enums: DescEnum[] = [];
  const collect = (messages: readonly DescMessage[]): void => {
    for (const message of messages) {
      enums.push(...message.nestedEnums);
      collect(message.nestedMessages);
    }
  };
  for (const file of dialect.constantFiles) {
    enums.push(...file.enums);
    collect(file.messages);
  }
  const names = new Set<string>();
  for (const value of enums.flatMap((desc) => desc.values)) {
    if (names.has(value.name)) continue;
    names.add(value.name);
    env.registerConstant(value.name, "int", BigInt(value.number));
  }
  const types = { env, ctors };
  built.set(dialect.schema, types);
  return types;
}

function isOpaque(desc: DescMessage): boolean {
  return desc.typeName.startsWith("google.protobuf.");
}

function fieldMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}

function scalarType(scalar: number): string {
  // ScalarType: DOUBLE 1, FLOAT 2, BOOL 8, STRING 9, BYTES 12; everything else is an
  // integer. (No unsigned field is reachable from events.v1.Event.)
  switch (scalar) {
    case 1:
    case 2:
      return "double";
    case 8:
      return "bool";
    case 9:
      return "string";
    case 12:
      return "bytes";
    default:
      return "int";
  }
}

function messageType(desc: DescMessage): string {
  if (desc.typeName === "google.protobuf.Timestamp") return "google.protobuf.Timestamp";
  if (isOpaque(desc)) return "dyn";
  return desc.typeName;
}

function fieldType(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return scalarType(field.scalar);
    case "enum":
      return "int";
    case "message":
      return messageType(field.message);
    case "list":
      return `list<${field.listKind === "scalar" ? scalarType(field.scalar) : field.listKind === "enum" ? "int" : messageType(field.message)}>`;
    case "map":
      return `map<${scalarType(field.mapKey)}, ${field.mapKind === "scalar" ? scalarType(field.scalar) : field.mapKind === "enum" ? "int" : messageType(field.message)}>`;
  }
}

/** A protobuf-es message as a CEL value of its registered type. */
function toCel(desc: DescMessage, message: Message, ctors: Map<string, Ctor>): unknown {
  if (isOpaque(desc)) return opaqueValue(desc, message);
  const Type = ctors.get(desc.typeName)!;
  const out = new Type();
  const fields = message as unknown as Record<string, unknown>;
  for (const field of desc.fields) {
    let value: unknown;
    if (field.oneof) {
      // protobuf-es keeps a oneof as { case, value } under the oneof's local name.
      const oneof = fields[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      value = oneof?.case === field.localName ? oneof.value : undefined;
    } else {
      value = fields[field.localName];
    }
    if (value === undefined) continue;
    out[field.name] = fieldValue(field, value, ctors);
  }
  return out;
}

function fieldValue(field: DescField, value: unknown, ctors: Map<string, Ctor>): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalarValue(field.scalar, value);
    case "enum":
      return BigInt(value as number);
    case "message":
      return toCel(field.message, value as Message, ctors);
    case "list":
      return (value as unknown[]).map((item) =>
        field.listKind === "message" ? toCel(field.message, item as Message, ctors) : field.listKind === "enum" ? BigInt(item as number) : scalarValue(field.scalar, item),
      );
    case "map": {
      const map = new Map<unknown, unknown>();
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        map.set(
          scalarType(field.mapKey) === "int" ? BigInt(key) : scalarType(field.mapKey) === "bool" ? key === "true" : key,
          field.mapKind === "message" ? toCel(field.message, item as Message, ctors) : field.mapKind === "enum" ? BigInt(item as number) : scalarValue(field.scalar, item),
        );
      }
      return map;
    }
  }
}

function scalarValue(scalar: number, value: unknown): unknown {
  return scalarType(scalar) === "int" ? BigInt(value as number | bigint | string) : value;
}

/** Well-known types as CEL sees them: timestamps, unpacked Any and wrappers, JSON. */
function opaqueValue(desc: DescMessage, message: Message): unknown {
  if (desc.typeName === "google.protobuf.Timestamp") return timestampDate(message as Timestamp);
  if (desc.typeName === "google.protobuf.Any") {
    let unpacked: Message | undefined;
    try {
      unpacked = anyUnpack(message as Any, jsonRegistry);
    } catch {
      unpacked = undefined;
    }
    if (!unpacked) return undefined;
    const inner = jsonRegistry.getMessage(unpacked.$typeName);
    return inner ? opaqueValue(inner, unpacked) : undefined;
  }
  if (WRAPPERS.has(desc.typeName)) {
    const value = (message as unknown as { value: unknown }).value;
    return typeof value === "number" && /Int/.test(desc.typeName) ? BigInt(value) : value;
  }
  try {
    return toJson(desc, message, { registry: jsonRegistry });
  } catch {
    return undefined;
  }
}

export type EventPredicate<E extends Message = Event> = (event: E) => boolean;

/** One CEL value per event, shared by every subscriber's filter (events are not modified). */
const celValues = new WeakMap<Message, unknown>();

function celValue(event: Message, ctors: Map<string, Ctor>, schema: DescMessage): unknown {
  let value = celValues.get(event);
  if (value === undefined) {
    value = toCel(schema, event, ctors);
    celValues.set(event, value);
  }
  return value;
}

/**
 * Compiles a Watch filter once. Absent or "" = no filter (undefined). A parse or type
 * error throws INVALID_ARGUMENT `failed to compile filter '<filter>'`, with the CEL
 * detail only in `onError` (the real server logs it). The predicate is true only when
 * the filter evaluates to true: results that are not booleans and evaluation errors
 * drop the event.
 */
export function compileEventFilter<E extends Message = Event>(
  filter: string | undefined,
  onError?: (detail: string) => void,
  dialect: EventDialect = INNABOX_DIALECT,
): EventPredicate<E> | undefined {
  if (filter === undefined || filter === "") return undefined;
  const { env, ctors } = celTypes(dialect);
  let program: ReturnType<Environment["parse"]>;
  try {
    program = env.parse(filter);
    const result = program.check();
    if (!result.valid) throw result.error ?? new Error("invalid filter");
    checkHasArguments(env, program.ast);
  } catch (error) {
    onError?.((error as Error).message);
    throw invalidArgument(`failed to compile filter '${filter}'`);
  }
  return (event) => {
    try {
      return program({ event: celValue(event, ctors, dialect.schema) }) === true;
    } catch {
      return false;
    }
  };
}

/**
 * cel-js does not check the field named in `has(a.b)`; the real (cel-go) checker does:
 * `has(event.host)` is "undefined field 'host'". Checks every has() argument rooted at
 * `event` as a plain selection.
 */
function checkHasArguments(env: Environment, ast: unknown): void {
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const { op, args } = node as { op?: string; args?: unknown };
    if (op === "call" && Array.isArray(args) && args[0] === "has" && Array.isArray(args[1]) && args[1].length === 1) {
      const selection = args[1][0] as { op?: string; args?: unknown[] };
      let root = selection;
      while ((root.op === "." || root.op === ".?") && Array.isArray(root.args)) root = root.args[0] as typeof root;
      if (root.op === "id" && root.args === ("event" as unknown)) {
        const source = serializeSelection(selection);
        const result = env.check(source);
        if (!result.valid) throw result.error ?? new Error(`invalid has() argument ${source}`);
      }
    }
    if (op !== "value") visit(args);
  };
  visit(ast);
}

function serializeSelection(node: { op?: string; args?: unknown }): string {
  if (node.op === "id") return String(node.args);
  const [base, name] = node.args as [{ op?: string; args?: unknown }, string];
  return `${serializeSelection(base)}${node.op === ".?" ? ".?" : "."}${name}`;
}

// List filters: CEL over the object named `this`, evaluated with @marcbachmann/cel-js
// against the object's protobuf JSON (proto field names), which is what the real
// server stores in its JSONB column and translates the CEL into SQL for.
//
// Two consequences of that SQL translation are reproduced on purpose:
// - a missing map key or unset field behaves like SQL NULL: the row does not match,
//   it is not an error;
// - comparing an enum field with a number (`this.status.state == 2`) fails in the
//   database (the JSON holds the enum's name), so the whole List fails with INTERNAL
//   "failed to list", whether or not any row exists. Malformed filters and unknown
//   fields fail the same way.
import { parse, type ASTNode } from "@marcbachmann/cel-js";
import { toJson, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { internal } from "./errors";
import { jsonRegistry } from "./views";

type Resolved =
  | { kind: "message"; desc: DescMessage }
  | { kind: "map"; field: DescField & { fieldKind: "map" } }
  | { kind: "list"; field: DescField & { fieldKind: "list" } }
  | { kind: "enum" }
  | { kind: "scalar" }
  /** Well-known types (Timestamp, Any, ...) whose JSON form is not their fields. */
  | { kind: "opaque" };

class FilterError extends Error {}

export type Predicate = ((message: Message) => boolean) & {
  /**
   * Set when the filter itself says which ids can match (`this.id in [...]` or
   * `this.id == '...'`, alone or in a conjunction): a List looks only at those objects,
   * as the database answers such a filter from its primary key instead of every row.
   */
  candidateIds?: ReadonlySet<string>;
};

export interface FilterOptions {
  /**
   * The osac generation's translator: enum fields compare with integer literals (it maps
   * them to the stored names), only `this` and `now` are declared, a map may be indexed
   * only on `metadata.labels`/`metadata.annotations`, and an unset field is absent from
   * the stored JSON (never equal to anything) while an unset message is SQL NULL.
   */
  osac?: boolean;
}

export function compileFilter(expression: string | undefined, schema: DescMessage, options: FilterOptions = {}): Predicate {
  if (expression === undefined || expression.trim() === "") return () => true;
  let evaluate: ReturnType<typeof parse>;
  try {
    evaluate = parse(expression);
    checkNode(evaluate.ast, schema, options);
  } catch {
    throw internal("failed to list");
  }
  const predicate: Predicate = (message) => {
    const data = options.osac ? toOsacFilterJson(schema, message) : toFilterJson(schema, message);
    let result: unknown;
    try {
      result = evaluate(options.osac ? { this: data, now: new Date().toISOString() } : { this: data });
    } catch (error) {
      if ((error as { code?: string }).code === "no_such_key") return false;
      throw internal("failed to list");
    }
    if (typeof result !== "boolean") throw internal("failed to list");
    return result;
  };
  const ids = requiredIds(evaluate.ast);
  if (ids) predicate.candidateIds = ids;
  return predicate;
}

/** The objects of `collection` a List with this filter needs to evaluate it on. */
export function listCandidates<T>(collection: ReadonlyMap<string, T>, matches: Predicate): T[] {
  if (!matches.candidateIds) return [...collection.values()];
  const found: T[] = [];
  for (const id of matches.candidateIds) {
    const object = collection.get(id);
    if (object !== undefined) found.push(object);
  }
  return found;
}

/** The only ids an object matching `node` can have, when its top-level conjunction pins `this.id`. */
function requiredIds(node: ASTNode): Set<string> | undefined {
  if (node.op === "&&") {
    const [left, right] = node.args.map(requiredIds);
    if (left && right) return new Set([...left].filter((id) => right.has(id)));
    return left ?? right;
  }
  const isThisId = (candidate: ASTNode) =>
    candidate.op === "." && candidate.args[0].op === "id" && candidate.args[0].args === "this" && candidate.args[1] === "id";
  const stringValue = (candidate: ASTNode) => (candidate.op === "value" && typeof candidate.args === "string" ? candidate.args : undefined);
  if (node.op === "in" && isThisId(node.args[0]) && node.args[1].op === "list") {
    const values = node.args[1].args.map(stringValue);
    return values.every((value) => value !== undefined) ? new Set(values as string[]) : undefined;
  }
  if (node.op === "==") {
    const [left, right] = node.args;
    const value = isThisId(left) ? stringValue(right) : isThisId(right) ? stringValue(left) : undefined;
    return value === undefined ? undefined : new Set([value]);
  }
  return undefined;
}

function toFilterJson(schema: DescMessage, message: Message): unknown {
  const options = { useProtoFieldName: true, alwaysEmitImplicit: true, registry: jsonRegistry } as const;
  try {
    return toJson(schema, message, options);
  } catch {
    // An Any of a type we cannot resolve: filter on everything else.
    return toJson(schema, stripAny(schema, message), options);
  }
}

/** protobuf JSON as the osac server stores it (no implicit defaults, enums as numbers here), unset messages as null. */
function toOsacFilterJson(schema: DescMessage, message: Message): unknown {
  const options = { useProtoFieldName: true, enumAsInteger: true, registry: jsonRegistry } as const;
  let json: unknown;
  try {
    json = toJson(schema, message, options);
  } catch {
    json = toJson(schema, stripAny(schema, message), options);
  }
  return withNulls(schema, json as Record<string, unknown>);
}

function withNulls(schema: DescMessage, json: Record<string, unknown>): Record<string, unknown> {
  for (const field of schema.fields) {
    if (field.fieldKind !== "message") continue;
    const key = field.name;
    if (json[key] === undefined) json[key] = null;
    else if (!field.message.typeName.startsWith("google.protobuf.") && json[key] !== null && typeof json[key] === "object") {
      withNulls(field.message, json[key] as Record<string, unknown>);
    }
  }
  return json;
}

function stripAny(schema: DescMessage, message: Message): Message {
  const copy = { ...(message as unknown as Record<string, unknown>) };
  for (const field of schema.fields) {
    if (field.fieldKind === "map" && field.mapKind === "message" && field.message.typeName === "google.protobuf.Any") {
      copy[field.localName] = {};
    } else if (field.fieldKind === "message" && copy[field.localName] !== undefined) {
      copy[field.localName] =
        field.message.typeName === "google.protobuf.Any"
          ? undefined
          : stripAny(field.message, copy[field.localName] as Message);
    }
  }
  return copy as unknown as Message;
}

function checkNode(node: ASTNode, schema: DescMessage, options: FilterOptions = {}): void {
  const check = (child: ASTNode): void => checkNode(child, schema, options);
  switch (node.op) {
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
    case "in": {
      const [left, right] = node.args;
      const leftType = resolve(left, schema);
      const rightType = resolve(right, schema);
      if (!options.osac && ((leftType?.kind === "enum" && isNumeric(right)) || (rightType?.kind === "enum" && isNumeric(left)))) {
        throw new FilterError("enum compared with a number");
      }
      check(left);
      check(right);
      return;
    }
    case ".":
    case ".?":
      resolve(node, schema);
      check(node.args[0]);
      return;
    case "[]":
    case "[?]": {
      const base = resolve(node.args[0], schema);
      if (options.osac && base?.kind === "map" && !["labels", "annotations"].includes(base.field.name)) {
        throw new FilterError("index of kind 'json' isn't supported");
      }
      resolve(node, schema);
      check(node.args[0]);
      check(node.args[1]);
      return;
    }
    case "value":
      return;
    case "id":
      if (options.osac && node.args !== "this" && node.args !== "now") throw new FilterError(`undeclared reference to '${node.args}'`);
      return;
    case "call":
      node.args[1].forEach(check);
      return;
    case "rcall":
      check(node.args[1]);
      node.args[2].forEach(check);
      return;
    case "list":
      node.args.forEach(check);
      return;
    case "map":
      node.args.forEach(([key, value]) => {
        check(key);
        check(value);
      });
      return;
    case "!_":
    case "-_":
      check(node.args);
      return;
    default:
      for (const arg of node.args as ASTNode[]) check(arg);
  }
}

function isNumeric(node: ASTNode): boolean {
  if (node.op === "value") return typeof node.args === "number" || typeof node.args === "bigint";
  if (node.op === "-_") return isNumeric(node.args);
  if (node.op === "list") return node.args.some(isNumeric);
  return false;
}

/** The static type of a `this...` path, or undefined for anything not rooted at `this`. */
function resolve(node: ASTNode, schema: DescMessage): Resolved | undefined {
  switch (node.op) {
    case "id":
      return node.args === "this" ? { kind: "message", desc: schema } : undefined;
    case ".":
    case ".?": {
      const base = resolve(node.args[0], schema);
      if (!base) return undefined;
      return select(base, node.args[1]);
    }
    case "[]":
    case "[?]": {
      const base = resolve(node.args[0], schema);
      if (!base) return undefined;
      if (base.kind === "map") return mapValue(base.field);
      if (base.kind === "list") return listItem(base.field);
      if (base.kind === "message") {
        const key = node.args[1];
        if (key.op === "value" && typeof key.args === "string") return select(base, key.args);
        throw new FilterError("message indexed with a non-literal");
      }
      return { kind: "opaque" };
    }
    default:
      return undefined;
  }
}

function select(base: Resolved, name: string): Resolved {
  if (base.kind === "map") return mapValue(base.field);
  if (base.kind === "opaque" || base.kind === "scalar" || base.kind === "enum") return { kind: "opaque" };
  if (base.kind === "list") throw new FilterError(`field '${name}' selected on a list`);
  const field = base.desc.fields.find((candidate) => candidate.name === name);
  if (!field) throw new FilterError(`unknown field '${name}' of ${base.desc.typeName}`);
  switch (field.fieldKind) {
    case "scalar":
      return { kind: "scalar" };
    case "enum":
      return { kind: "enum" };
    case "message":
      return messageType(field.message);
    case "list":
      return { kind: "list", field };
    case "map":
      return { kind: "map", field };
  }
}

function messageType(desc: DescMessage): Resolved {
  return desc.typeName.startsWith("google.protobuf.") ? { kind: "opaque" } : { kind: "message", desc };
}

function mapValue(field: DescField & { fieldKind: "map" }): Resolved {
  if (field.mapKind === "enum") return { kind: "enum" };
  if (field.mapKind === "message") return messageType(field.message);
  return { kind: "scalar" };
}

function listItem(field: DescField & { fieldKind: "list" }): Resolved {
  if (field.listKind === "enum") return { kind: "enum" };
  if (field.listKind === "message") return messageType(field.message);
  return { kind: "scalar" };
}

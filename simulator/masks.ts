// Update masks, applied generically by walking the descriptors: a path names message
// fields by their proto names and, inside a map, a key (`spec.node_sets.workers.size`),
// as the real server's path compiler allows. A path's value is copied from the request
// when present there and cleared otherwise.
import { clone, create, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { invalidArgument } from "./errors";

type Fields = Record<string, unknown>;

/** Paths that no client may write through Update, whatever the view. */
const SERVER_OWNED = ["id", "metadata.creation_timestamp", "metadata.deletion_timestamp", "metadata.creators", "metadata.tenants"];

/**
 * Checks every path against `viewSchema` (what the caller's API exposes) and refuses
 * the server-owned ones and, when `readOnlyRoots` is given, those under them.
 */
export function checkPaths(viewSchema: DescMessage, paths: readonly string[], readOnlyRoots: readonly string[] = []): void {
  for (const path of paths) {
    const segments = path.split(".");
    if (path === "" || segments.some((segment) => segment === "")) throw unknownPath(path);
    walk(viewSchema, segments, path);
    const owned = [...SERVER_OWNED, ...readOnlyRoots].find((root) => path === root || path.startsWith(`${root}.`));
    if (owned) throw invalidArgument(`field '${owned}' can't be changed with an update`);
  }
}

/** Whether `path` names a field of `schema` (map keys allowed), by the same rules as checkPaths. */
export function isKnownPath(schema: DescMessage, path: string): boolean {
  const segments = path.split(".");
  if (path === "" || segments.some((segment) => segment === "")) return false;
  try {
    walk(schema, segments, path);
    return true;
  } catch {
    return false;
  }
}

function unknownPath(path: string) {
  return invalidArgument(`field path '${path}' of the update mask doesn't exist`);
}

function walk(desc: DescMessage, segments: readonly string[], path: string): void {
  const field = findField(desc, segments[0], path);
  const rest = segments.slice(1);
  if (rest.length === 0) return;
  if (field.fieldKind === "message" && !isWellKnown(field.message)) return walk(field.message, rest, path);
  if (field.fieldKind === "map") {
    if (rest.length === 1) return;
    if (field.mapKind === "message" && !isWellKnown(field.message)) return walk(field.message, rest.slice(1), path);
  }
  throw unknownPath(path);
}

function findField(desc: DescMessage, name: string, path: string): DescField {
  const field = desc.fields.find((candidate) => candidate.name === name);
  if (!field) throw unknownPath(path);
  return field;
}

function isWellKnown(desc: DescMessage): boolean {
  return desc.typeName.startsWith("google.protobuf.");
}

export interface ApplyOptions {
  /**
   * A path into a map entry (`spec.node_sets.workers.size`) replaces the entry with one
   * holding only that field, as the osac server's path setter does, instead of merging.
   */
  replaceMapEntries?: boolean;
}

/** Applies already checked paths from `source` onto `target` (same schema), in place. */
export function applyPaths(schema: DescMessage, target: Message, source: Message, paths: readonly string[], options: ApplyOptions = {}): void {
  for (const path of paths) apply(schema, target as unknown as Fields, source as unknown as Fields, path.split("."), options);
}

function apply(desc: DescMessage, target: Fields, source: Fields | undefined, segments: string[], options: ApplyOptions = {}): void {
  const field = desc.fields.find((candidate) => candidate.name === segments[0]);
  if (!field) return;
  const rest = segments.slice(1);
  const key = field.localName;
  if (rest.length === 0) {
    target[key] = copyValue(field, source?.[key]);
    return;
  }
  if (field.fieldKind === "message") {
    target[key] ??= create(field.message);
    apply(field.message, target[key] as Fields, source?.[key] as Fields | undefined, rest, options);
    return;
  }
  if (field.fieldKind === "map") {
    const targetMap = (target[key] ??= {}) as Record<string, unknown>;
    const sourceMap = source?.[key] as Record<string, unknown> | undefined;
    const mapKey = rest[0];
    const sourceItem = sourceMap?.[mapKey];
    if (rest.length === 1) {
      if (sourceItem === undefined) delete targetMap[mapKey];
      else targetMap[mapKey] = field.mapKind === "message" ? clone(field.message, sourceItem as Message) : sourceItem;
      return;
    }
    if (field.mapKind === "message") {
      if (options.replaceMapEntries) targetMap[mapKey] = create(field.message);
      else targetMap[mapKey] ??= create(field.message);
      apply(field.message, targetMap[mapKey] as Fields, sourceItem as Fields | undefined, rest.slice(1), options);
    }
  }
}

function copyValue(field: DescField, value: unknown): unknown {
  switch (field.fieldKind) {
    case "message":
      return value === undefined ? undefined : clone(field.message, value as Message);
    case "list":
      return ((value as unknown[] | undefined) ?? []).map((item) =>
        field.listKind === "message" ? clone(field.message, item as Message) : item,
      );
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
        out[k] = field.mapKind === "message" ? clone(field.message, v as Message) : v;
      }
      return out;
    }
    case "enum":
      return value ?? field.enum.values[0].number;
    case "scalar":
      if (value instanceof Uint8Array) return value.slice();
      return value ?? defaultScalar(field);
  }
}

function defaultScalar(field: DescField & { fieldKind: "scalar" }): unknown {
  return (create(field.parent) as unknown as Fields)[field.localName];
}

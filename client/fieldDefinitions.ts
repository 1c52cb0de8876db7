// A catalog item's field definitions applied to a cluster spec, as the osac server does it
// on Create (internal/servers/catalog_item_validation.go applyFieldDefinitions), on the spec's
// protobuf JSON with proto field names. Shared by the simulator (which enforces it) and the
// Cluster resource's check (which runs it at preview), so both speak the server's words:
// - with no definitions, everything is allowed;
// - every spec leaf (a template parameter counts as one leaf) must be covered by a definition
//   path, `template` or `catalog_item`: else `fields not allowed by catalog item: a, b`;
// - a non-editable field with a value: `field 'x' is not editable`; its default is applied;
// - an editable field with a value is checked against its JSON Schema (2020-12):
//   `validation failed for field 'x': jsonschema validation failed with ...`;
// - an editable field without a value takes the default, else `field 'x' is required but no
//   value was provided and no default is defined`;
// - defaults of `template_parameters.*` are wrapped as BoolValue, Int64Value (integral
//   numbers), DoubleValue or StringValue.
import type Ajv2020 from "ajv/dist/2020";

/** A field definition in plain terms: `default` is the google.protobuf.Value as JSON, absent when unset. */
export interface FieldDefinitionRule {
  path: string;
  editable: boolean;
  default?: unknown;
  validationSchema: string;
}

export class FieldDefinitionError extends Error {
  constructor(
    /** The gRPC code the server answers with. */
    readonly code: "INVALID_ARGUMENT" | "INTERNAL",
    message: string,
    /** The spec path the error is about (proto names, e.g. `node_sets.workers.size`). */
    readonly path?: string,
  ) {
    super(message);
    this.name = "FieldDefinitionError";
  }
}

type Json = Record<string, unknown>;

const TYPE_PREFIX = "type.googleapis.com/google.protobuf.";

/** Returns the spec with the definitions applied; throws FieldDefinitionError as the server refuses. */
export function applyFieldDefinitions(spec: Json, definitions: readonly FieldDefinitionRule[]): Json {
  if (definitions.length === 0) return spec;
  const result = structuredClone(spec);
  const allowed = new Set(["catalog_item", "template", ...definitions.map((d) => d.path).filter((p) => p !== "")]);
  const unlisted = leafPaths(result, "").filter((path) => !covered(path, allowed)).sort();
  if (unlisted.length) throw new FieldDefinitionError("INVALID_ARGUMENT", `fields not allowed by catalog item: ${unlisted.join(", ")}`, unlisted[0]);
  for (const definition of definitions) {
    const path = definition.path;
    if (path === "") continue;
    const [value, present] = valueAt(result, path);
    const given = present && value !== null && value !== undefined;
    if (!definition.editable) {
      if (given) throw new FieldDefinitionError("INVALID_ARGUMENT", `field '${path}' is not editable`, path);
      applyDefault(result, path, definition);
    } else if (given) {
      if (definition.validationSchema !== "") validateAgainstSchema(path, unwrapAny(path, value), definition.validationSchema);
    } else {
      if (definition.default === undefined) {
        throw new FieldDefinitionError("INVALID_ARGUMENT", `field '${path}' is required but no value was provided and no default is defined`, path);
      }
      applyDefault(result, path, definition);
    }
  }
  return result;
}

/**
 * What a well-run server refuses when a catalog item is written (the facts are silent; the
 * server's later versions refuse the same): a non-editable field without a default, and a
 * validation schema that is not a JSON Schema.
 */
export function checkFieldDefinitions(definitions: readonly FieldDefinitionRule[]): void {
  for (const definition of definitions) {
    if (!definition.editable && definition.default === undefined) {
      throw new FieldDefinitionError("INVALID_ARGUMENT", `non-editable field '${definition.path}' must have a default value`, definition.path);
    }
    if (definition.validationSchema === "") continue;
    try {
      compile(definition.path, definition.validationSchema);
    } catch (error) {
      throw new FieldDefinitionError("INVALID_ARGUMENT", `field '${definition.path}' has invalid validation_schema: ${(error as Error).message}`, definition.path);
    }
  }
}

function leafPaths(map: Json, prefix: string): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    const path = prefix ? `${prefix}.${key}` : key;
    // Template parameters are opaque leaves: their @type/value keys are Any's JSON form.
    if (isObject(value) && prefix !== "template_parameters") paths.push(...leafPaths(value, path));
    else paths.push(path);
  }
  return paths;
}

function covered(path: string, allowed: Set<string>): boolean {
  if (allowed.has(path)) return true;
  for (let i = 0; i < path.length; i++) if (path[i] === "." && allowed.has(path.slice(0, i))) return true;
  return false;
}

function valueAt(map: Json, path: string): [unknown, boolean] {
  let current: unknown = map;
  for (const part of path.split(".")) {
    if (!isObject(current) || !(part in current)) return [undefined, false];
    current = current[part];
  }
  return [current, true];
}

function setAt(map: Json, path: string, value: unknown): void {
  const parts = path.split(".");
  let current = map;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(current[part])) current[part] = {};
    current = current[part] as Json;
  }
  current[parts[parts.length - 1]] = value;
}

function applyDefault(map: Json, path: string, definition: FieldDefinitionRule): void {
  if (definition.default === undefined) return;
  const value = path.startsWith("template_parameters.") ? wrapAsAny(definition.default) : structuredClone(definition.default);
  setAt(map, path, value);
}

function wrapAsAny(value: unknown): Json {
  if (typeof value === "boolean") return { "@type": `${TYPE_PREFIX}BoolValue`, value };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { "@type": `${TYPE_PREFIX}Int64Value`, value: String(value) } : { "@type": `${TYPE_PREFIX}DoubleValue`, value };
  }
  return { "@type": `${TYPE_PREFIX}StringValue`, value: typeof value === "string" ? value : goString(value) };
}

/** Go's %v of a decoded JSON value, for the server's StringValue of a non-scalar default. */
function goString(value: unknown): string {
  if (value === null) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goString).join(" ")}]`;
  if (isObject(value)) {
    return `map[${Object.keys(value)
      .sort()
      .map((key) => `${key}:${goString(value[key])}`)
      .join(" ")}]`;
  }
  return String(value);
}

/** The value inside a template parameter's Any JSON; 64-bit integers (strings in JSON) as numbers. */
function unwrapAny(path: string, value: unknown): unknown {
  if (!path.startsWith("template_parameters.") || !isObject(value) || !("value" in value)) return value;
  const inner = value.value;
  const type = typeof value["@type"] === "string" ? value["@type"] : "";
  if ((type.endsWith("Int64Value") || type.endsWith("UInt64Value")) && typeof inner === "string" && inner.trim() !== "" && !Number.isNaN(Number(inner))) return Number(inner);
  return inner;
}

const compiled = new Map<string, ReturnType<Ajv2020["compile"]>>();

function compile(path: string, schemaText: string): ReturnType<Ajv2020["compile"]> {
  const key = `${path}\u0000${schemaText}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = JSON.parse(schemaText) as unknown;
    // Formats are annotations in 2020-12 (the server's validator does not assert them);
    // unknown keywords are allowed, as there.
    // Loaded on first use: every cluster provider loads this module, few orders carry schemas,
    // and ajv is 8 MB of a fleet's provider process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: Validator } = require("ajv/dist/2020") as { default: typeof Ajv2020 };
    const ajv = new Validator({ allErrors: true, strict: false, validateFormats: false, logger: false });
    validate = ajv.compile(schema as Parameters<typeof ajv.compile>[0]);
    compiled.set(key, validate);
  }
  return validate;
}

function validateAgainstSchema(path: string, value: unknown, schemaText: string): void {
  let validate: ReturnType<Ajv2020["compile"]>;
  try {
    validate = compile(path, schemaText);
  } catch (error) {
    throw new FieldDefinitionError("INTERNAL", `invalid validation schema for field '${path}': ${(error as Error).message}`, path);
  }
  if (validate(value)) return;
  const resource = `schema_${path.replace(/\./g, "_")}.json#`;
  const causes = (validate.errors ?? []).map((e) => `- at '${e.instancePath}': ${e.message ?? e.keyword}`).join("\n");
  throw new FieldDefinitionError("INVALID_ARGUMENT", `validation failed for field '${path}': jsonschema validation failed with '${resource}'\n${causes}`, path);
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

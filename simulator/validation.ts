// The real server's checks, with its exact messages (see shared/fulfillment-api.md).
// Messages that name a template use the reference the client gave for node sets and
// the template id for parameters, as the real server does.
import { clone, create, equals } from "@bufbuild/protobuf";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { ClusterNodeSetSchema, ClusterSpecSchema, type Cluster, type ClusterNodeSet } from "../proto/gen/private/v1/cluster_type_pb";
import type { ClusterTemplate } from "../proto/gen/private/v1/cluster_template_type_pb";
import type { HostClass } from "../proto/gen/private/v1/host_class_type_pb";
import { ApiError, invalidArgument, notFound, wordSeries } from "./errors";
import type { Collections } from "./store";

const TYPE_PREFIX = "type.googleapis.com/google.protobuf.";
export const PARAMETER_TYPES: readonly string[] = [
  "BoolValue",
  "Int32Value",
  "Int64Value",
  "FloatValue",
  "DoubleValue",
  "StringValue",
  "Timestamp",
  "Duration",
  "BytesValue",
  "Value",
].map((name) => TYPE_PREFIX + name);

/** metadata.name follows DNS label rules (RFC 1035), like the real server's validateName. */
export function validateName(name: string): void {
  if (name === "") return;
  if (name.length > 63) {
    throw invalidArgument(`field 'metadata.name' must be at most 63 characters long, but it has ${name.length} characters`);
  }
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (!/[a-z0-9-]/.test(c)) {
      throw invalidArgument(
        `field 'metadata.name' must only contain lowercase letters (a-z), digits (0-9) and hyphens (-), but contains '${c}' at position ${i}`,
      );
    }
  }
  if (name.startsWith("-")) throw invalidArgument("field 'metadata.name' cannot start with a hyphen");
  if (name.endsWith("-")) throw invalidArgument("field 'metadata.name' cannot end with a hyphen");
}

interface Named {
  id: string;
  metadata?: { name: string };
}

function lookup<T extends Named>(items: Iterable<T>, ref: string, what: string, missing: (message: string) => ApiError): T {
  const matches = [...items].filter((item) => item.id === ref || item.metadata?.name === ref);
  if (matches.length === 0) throw missing(`there is no ${what} with identifier or name '${ref}'`);
  if (matches.length > 1) throw invalidArgument(`there are multiple ${what}s with identifier or name '${ref}'`);
  return matches[0];
}

export function lookupTemplate(store: Collections, ref: string): ClusterTemplate {
  return lookup(store.templates.values(), ref, "template", notFound);
}

export function lookupHostClass(store: Collections, ref: string): HostClass {
  return lookup(store.hostClasses.values(), ref, "host class", notFound);
}

/**
 * Validates a new cluster against its template and rewrites its spec the way the real
 * server stores it: template id, every template node set with host class ids, and the
 * defaults of optional parameters.
 */
export function prepareClusterCreate(store: Collections, cluster: Cluster): void {
  const spec = (cluster.spec ??= create(ClusterSpecSchema));
  const templateRef = spec.template;
  if (templateRef === "") throw invalidArgument("template is mandatory");
  const template = lookupTemplate(store, templateRef);
  if (template.metadata?.deletionTimestamp) throw invalidArgument(`template '${templateRef}' has been deleted`);

  // Index the template's host classes by id and name; each must exist.
  const hostClasses = new Map<string, HostClass>();
  for (const nodeSet of Object.values(template.nodeSets)) {
    if (nodeSet.hostClass === "") continue;
    const hostClass = lookupHostClass(store, nodeSet.hostClass);
    hostClasses.set(hostClass.id, hostClass);
    if (hostClass.metadata?.name) hostClasses.set(hostClass.metadata.name, hostClass);
    hostClasses.set(nodeSet.hostClass, hostClass);
  }

  const templateKeys = Object.keys(template.nodeSets).sort();
  for (const key of Object.keys(spec.nodeSets)) {
    if (!(key in template.nodeSets)) {
      throw invalidArgument(
        `node set '${key}' doesn't exist, valid values for template '${templateRef}' are ${wordSeries(templateKeys)}`,
      );
    }
  }
  for (const [key, nodeSet] of Object.entries(spec.nodeSets)) {
    if (nodeSet.hostClass === "") continue;
    const hostClass = hostClasses.get(template.nodeSets[key].hostClass);
    const id = hostClass?.id ?? template.nodeSets[key].hostClass;
    const name = hostClass?.metadata?.name ?? "";
    if (name !== "" ? nodeSet.hostClass !== id && nodeSet.hostClass !== name : nodeSet.hostClass !== id) {
      const allowed = name !== "" ? `empty, '${name}' or '${id}'` : `empty or '${id}'`;
      throw invalidArgument(
        `host class for node set '${key}' should be ${allowed}, like in template '${templateRef}', but it is '${nodeSet.hostClass}'`,
      );
    }
  }
  for (const [key, nodeSet] of Object.entries(spec.nodeSets)) {
    if (nodeSet.size <= 0) {
      throw invalidArgument(`size for node set '${key}' should be greater than zero, but it is ${nodeSet.size}`);
    }
  }

  const merged: Record<string, ClusterNodeSet> = {};
  for (const key of templateKeys) {
    const templateNodeSet = template.nodeSets[key];
    const hostClass = hostClasses.get(templateNodeSet.hostClass);
    merged[key] = create(ClusterNodeSetSchema, {
      hostClass: hostClass?.id ?? templateNodeSet.hostClass,
      size: spec.nodeSets[key]?.size ?? templateNodeSet.size,
    });
  }
  spec.nodeSets = merged;

  validateParameters(template, spec.templateParameters);
  spec.templateParameters = withParameterDefaults(template, spec.templateParameters);
  spec.template = template.id;
}

/** What parameter validation needs of a template, in either generation. */
export interface ParameterTemplate {
  id: string;
  parameters: ReadonlyArray<{ name: string; required: boolean; type: string; default?: Any }>;
}

/** The given parameters plus the defaults of the optional ones that were not given, in definition order. */
export function withParameterDefaults(template: ParameterTemplate, given: Record<string, Any>): Record<string, Any> {
  const parameters: Record<string, Any> = {};
  for (const definition of template.parameters) {
    const value = given[definition.name];
    if (value) parameters[definition.name] = clone(AnySchema, value);
    else if (definition.default) parameters[definition.name] = clone(AnySchema, definition.default);
  }
  return parameters;
}

export function validateParameters(template: ParameterTemplate, given: Record<string, Any>): void {
  const known = new Set(template.parameters.map((definition) => definition.name));
  const invalid = Object.keys(given)
    .filter((name) => !known.has(name))
    .sort();
  if (invalid.length > 0) {
    const valid = wordSeries([...known].sort());
    throw invalidArgument(
      invalid.length === 1
        ? `template parameter '${invalid[0]}' doesn't exist, valid values for template '${template.id}' are ${valid}`
        : `template parameters ${wordSeries(invalid)} don't exist, valid values for template '${template.id}' are ${valid}`,
    );
  }
  for (const definition of template.parameters) {
    if (definition.required && !given[definition.name]) {
      throw invalidArgument(`parameter '${definition.name}' of template '${template.id}' is mandatory`);
    }
  }
  for (const [name, value] of Object.entries(given)) {
    const definition = template.parameters.find((candidate) => candidate.name === name)!;
    if (value.typeUrl !== definition.type) {
      throw invalidArgument(
        `type of parameter '${name}' of template '${template.id}' should be '${definition.type}', but it is '${value.typeUrl}'`,
      );
    }
  }
}

export function touches(paths: readonly string[], field: string): boolean {
  return paths.some((path) => path === field || path.startsWith(`${field}.`) || field.startsWith(`${path}.`));
}

/**
 * Checks a masked cluster update. `current` is the stored cluster, `request` what the
 * client sent and `merged` the result of applying the mask. Only masked paths count.
 */
export function checkClusterUpdate(current: Cluster, request: Cluster, merged: Cluster, paths: readonly string[]): void {
  const currentSpec = current.spec;
  const requestSpec = request.spec;
  if (touches(paths, "spec.template")) {
    const from = currentSpec?.template ?? "";
    const to = requestSpec?.template ?? "";
    if (from !== to) throw invalidArgument(`cannot change spec.template from '${from}' to '${to}': template is immutable`);
  }
  if (touches(paths, "spec.template_parameters")) {
    if (!sameParameters(currentSpec?.templateParameters ?? {}, requestSpec?.templateParameters ?? {})) {
      throw invalidArgument("cannot change spec.template_parameters: template parameters are immutable");
    }
  }
  const nodeSetPaths = paths.filter((path) => touches([path], "spec.node_sets"));
  if (nodeSetPaths.length === 0) return;
  const newNodeSets = merged.spec?.nodeSets ?? {};
  const onlySizes = nodeSetPaths.every((path) => path.startsWith("spec.node_sets.") && path.endsWith(".size"));
  if (!onlySizes) {
    if (Object.keys(newNodeSets).length === 0) {
      throw invalidArgument("cannot remove the last node set: clusters must have at least one node set");
    }
    for (const [key, existing] of Object.entries(currentSpec?.nodeSets ?? {})) {
      const next = newNodeSets[key];
      if (next && next.hostClass !== existing.hostClass) {
        throw invalidArgument(
          `cannot change host_class for node set '${key}' from '${existing.hostClass}' to '${next.hostClass}': host_class is immutable`,
        );
      }
    }
  }
  for (const [key, nodeSet] of Object.entries(newNodeSets)) {
    if (nodeSet.size <= 0) {
      throw invalidArgument(`size for node set '${key}' should be greater than zero, but it is ${nodeSet.size}`);
    }
  }
}

export function sameParameters(a: Record<string, Any>, b: Record<string, Any>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => b[key] !== undefined && equals(AnySchema, a[key], b[key]));
}

/** Template definitions must be usable by clusters: known types, matching defaults, complete node sets. */
export function validateTemplate(template: ClusterTemplate): void {
  const seen = new Set<string>();
  template.parameters.forEach((definition, index) => {
    const name = definition.name;
    if (name === "") throw invalidArgument(`field 'parameters[${index}].name' is mandatory`);
    if (seen.has(name)) throw invalidArgument(`parameter '${name}' is defined more than once`);
    seen.add(name);
    if (!PARAMETER_TYPES.includes(definition.type)) {
      throw invalidArgument(
        `field 'parameters[${index}].type' of parameter '${name}' should be one of ${wordSeries(PARAMETER_TYPES, "or")}, but it is '${definition.type}'`,
      );
    }
    if (definition.default && definition.default.typeUrl !== definition.type) {
      throw invalidArgument(
        `field 'parameters[${index}].default' of parameter '${name}' should have type '${definition.type}', but it has type '${definition.default.typeUrl}'`,
      );
    }
  });
  for (const key of Object.keys(template.nodeSets).sort()) {
    const nodeSet = template.nodeSets[key];
    if (nodeSet.hostClass === "") throw invalidArgument(`field 'node_sets.${key}.host_class' is mandatory`);
    if (nodeSet.size <= 0) {
      throw invalidArgument(`field 'node_sets.${key}.size' should be greater than zero, but it is ${nodeSet.size}`);
    }
  }
}

// Reading a template (by id or name) and its host types, as the server resolves them,
// so checks at preview time and packing at create time agree with the server.
import type { ClusterTemplate, FulfillmentApi } from "../client/api";
import type { NodeSetState } from "./clusterModel";

export interface ParameterInfo {
  typeUrl: string;
  required: boolean;
  /** The default as a plain value, when the template declares one. */
  default?: unknown;
  hasDefault: boolean;
}

export interface TemplateInfo {
  id: string;
  name: string;
  parameters: Record<string, ParameterInfo>;
  nodeSets: Record<string, NodeSetState>;
}

export class TemplateNotFoundError extends Error {
  constructor(ref: string) {
    super(
      `there is no cluster template with id or name '${ref}'. List the templates your token can see, or, if a ` +
        `ClusterTemplate resource in this stack creates it, pass that resource's templateId output so Pulumi creates it first`,
    );
    this.name = "TemplateNotFoundError";
  }
}

export function templateInfo(template: ClusterTemplate): TemplateInfo {
  const parameters: Record<string, ParameterInfo> = {};
  for (const definition of template.parameters) {
    parameters[definition.name] = {
      typeUrl: definition.typeUrl,
      required: definition.required,
      hasDefault: definition.default !== undefined,
      ...(definition.default ? { default: definition.default.value } : {}),
    };
  }
  const nodeSets: Record<string, NodeSetState> = {};
  for (const [key, nodeSet] of Object.entries(template.nodeSets)) nodeSets[key] = { hostClass: nodeSet.hostType, size: nodeSet.size };
  return { id: template.id, name: template.metadata.name, parameters, nodeSets };
}

/** Finds a template by id, then by name, as the server does for `spec.template`. */
export async function lookupTemplate(api: FulfillmentApi, ref: string): Promise<TemplateInfo> {
  const byId = await api.templates.get(ref);
  if (byId) return templateInfo(byId);
  const named = await api.templates.listByName(ref);
  if (named.length === 1) return templateInfo(named[0]);
  if (named.length > 1) {
    throw new Error(`template name '${ref}' matches ${named.length} templates (${named.map((t) => t.id).join(", ")}); use the template id`);
  }
  throw new TemplateNotFoundError(ref);
}

/** Resolves a host type (host class) id or name to its id; undefined when there is none. */
export async function lookupHostTypeId(api: FulfillmentApi, ref: string): Promise<string | undefined> {
  const byId = await api.hostTypes.get(ref);
  if (byId) return byId.id;
  const named = await api.hostTypes.listByName(ref);
  return named.length === 1 ? named[0].id : undefined;
}

// Reading a template (by id or name) and its host classes, as the server resolves them,
// so checks at preview time and packing at create time agree with the server.
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import type { ClusterTemplate } from "../../proto/gen/fulfillment/v1/cluster_template_type_pb";
import type { FulfillmentClient } from "../client";
import { isNotFound } from "../errors";
import { unpackParameter } from "../anyValues";
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

const quote = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function templateInfo(template: ClusterTemplate): TemplateInfo {
  const parameters: Record<string, ParameterInfo> = {};
  for (const definition of template.parameters) {
    const hasDefault = definition.default !== undefined && definition.default.typeUrl !== "";
    parameters[definition.name] = {
      typeUrl: definition.type,
      required: definition.required,
      hasDefault,
      ...(hasDefault ? { default: unpackParameter(definition.default!, `template ${template.id} parameter ${definition.name} default`) } : {}),
    };
  }
  const nodeSets: Record<string, NodeSetState> = {};
  for (const [key, nodeSet] of Object.entries(template.nodeSets)) nodeSets[key] = { hostClass: nodeSet.hostClass, size: nodeSet.size };
  return { id: template.id, name: template.metadata?.name ?? "", parameters, nodeSets };
}

/** Finds a template by id, then by name, as the server does for `spec.template`. */
export async function lookupTemplate(client: FulfillmentClient, ref: string): Promise<TemplateInfo> {
  try {
    const got = await client.call(ClusterTemplates.method.get, { id: ref }, { objectId: ref });
    if (got.object) return templateInfo(got.object);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const listed = await client.call(ClusterTemplates.method.list, { filter: `this.metadata.name == ${quote(ref)}` });
  if (listed.items.length === 1) return templateInfo(listed.items[0]);
  if (listed.items.length > 1) {
    throw new Error(
      `template name '${ref}' matches ${listed.items.length} templates (${listed.items.map((t) => t.id).join(", ")}); use the template id`,
    );
  }
  throw new TemplateNotFoundError(ref);
}

/** Resolves a host class id or name to its id; undefined when there is none. */
export async function lookupHostClassId(client: FulfillmentClient, ref: string): Promise<string | undefined> {
  try {
    const got = await client.call(HostClasses.method.get, { id: ref }, { objectId: ref });
    if (got.object) return got.object.id;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const listed = await client.call(HostClasses.method.list, { filter: `this.metadata.name == ${quote(ref)}` });
  return listed.items.length === 1 ? listed.items[0].id : undefined;
}

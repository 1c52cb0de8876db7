// Templates that ClusterTemplate resources of the running program describe, so a new
// stack's preview can validate its clusters against a template the service does not have
// yet. All dynamic resources of a stack share one provider process, and the engine checks
// a ClusterTemplate before any Cluster that uses its outputs, so the template's check has
// recorded it by the time the cluster's check asks. The registry lives on globalThis:
// Pulumi may load this module more than once in that process.
import { containsUnknown, isUnknown } from "../toolkit/common";
import { toTypeUrl, unpackParameter, packParameter } from "../client/anyValues";
import type { TemplateInfo, ParameterInfo } from "./templateLookup";
import type { NodeSetState } from "./clusterModel";

export interface PlannedTemplateInput {
  templateId: string;
  name?: string;
  parameters?: Array<{ name: string; type: string; required?: boolean; default?: unknown }>;
  nodeSets: Record<string, { hostType?: string; hostClass?: string; size: number }>;
}

/** A planned template whose parameter types are not known at preview (computed) cannot vouch for values. */
export interface PlannedTemplateInfo extends TemplateInfo {
  /** Parameters whose type is computed: any value is accepted at preview. */
  untypedParameters: Set<string>;
}

const REGISTRY = Symbol.for("pulumi-fulfillment.plannedTemplates");
type Registry = Map<string, PlannedTemplateInfo>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

const key = (address: string, ref: string) => `${address}\u0000${ref}`;

/** Records a template described in the program; called from ClusterTemplate's check. */
export function recordPlannedTemplate(address: string, input: PlannedTemplateInput): void {
  if (isUnknown(input.templateId)) return;
  const parameters: Record<string, ParameterInfo> = {};
  const untypedParameters = new Set<string>();
  for (const p of input.parameters ?? []) {
    if (isUnknown(p.name)) continue;
    if (isUnknown(p.type)) {
      untypedParameters.add(p.name);
      parameters[p.name] = { typeUrl: "", required: p.required === true, hasDefault: p.default !== undefined };
      continue;
    }
    const typeUrl = toTypeUrl(p.type, `parameters.${p.name}.type`);
    const hasDefault = p.default !== undefined;
    const knownDefault = hasDefault && !containsUnknown(p.default);
    parameters[p.name] = {
      typeUrl,
      required: p.required === true,
      hasDefault,
      // Normalized the way the server would store it, so defaults compare like read-back ones.
      ...(knownDefault ? { default: unpackParameter(packParameter(typeUrl, p.default, `parameters.${p.name}.default`), p.name) } : {}),
    };
  }
  const nodeSets: Record<string, NodeSetState> = {};
  for (const [name, set] of Object.entries(input.nodeSets ?? {})) nodeSets[name] = { hostClass: set.hostType ?? set.hostClass ?? "", size: set.size };
  const info: PlannedTemplateInfo = { id: input.templateId, name: input.name ?? "", parameters, nodeSets, untypedParameters };
  registry().set(key(address, input.templateId), info);
  if (input.name && !isUnknown(input.name)) registry().set(key(address, input.name), info);
}

/** The template a ClusterTemplate resource of this program describes under that id or name, if any. */
export function plannedTemplate(address: string, ref: string): PlannedTemplateInfo | undefined {
  return registry().get(key(address, ref));
}

// A cluster as the service reports it (domain model), seen as the Cluster resource's
// outputs: one-line descriptions for progress, node sets in the resource's spelling,
// the server's parameters and defaults.
import type { Cluster, NodeSet } from "../client/api";
import { parameterValuesEqual } from "../client/anyValues";
import { compact } from "../toolkit/common";
import type { ClusterInputs, ClusterOutputs, NodeSetState } from "./clusterModel";
import type { TemplateInfo } from "./templateLookup";

/** One line for progress output: state plus the condition that explains it. */
export function describeCluster(cluster: Pick<Cluster, "status">): string {
  const state = cluster.status.state;
  if (state === "UNSPECIFIED") return "PENDING (waiting for the controller's first pass)";
  const explaining =
    state === "FAILED"
      ? cluster.status.conditions.find((c) => c.type === "Failed")
      : state === "PROGRESSING"
        ? cluster.status.conditions.find((c) => c.type === "Progressing" && (c.reason || c.message))
        : undefined;
  const detail = explaining ? [explaining.reason, explaining.message].filter(Boolean).join(": ") : "";
  return detail ? `${state} (${detail})` : state;
}

/** Node sets in the resource's spelling (`hostClass`, the innabox name the resources keep). */
export function nodeSetsOf(map: Record<string, NodeSet>): Record<string, NodeSetState> {
  const out: Record<string, NodeSetState> = {};
  for (const [key, value] of Object.entries(map)) out[key] = { hostClass: value.hostType, size: value.size };
  return out;
}

/** Outputs name each node set's host type both ways: `hostType` (osac) and `hostClass` (what existing stacks read). */
function withBothSpellings(map: Record<string, NodeSetState>): Record<string, NodeSetState> {
  return Object.fromEntries(Object.entries(map).map(([key, set]) => [key, { hostClass: set.hostClass, hostType: set.hostClass, size: set.size }]));
}

export function toDomainNodeSets(map: Record<string, NodeSetState>): Record<string, NodeSet> {
  const out: Record<string, NodeSet> = {};
  for (const [key, value] of Object.entries(map)) out[key] = { hostType: value.hostClass, size: value.size };
  return out;
}

export function storedParameters(cluster: Cluster): { values: Record<string, unknown>; types: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const types: Record<string, string> = {};
  for (const [key, typed] of Object.entries(cluster.spec.templateParameters)) {
    values[key] = typed.value;
    types[key] = typed.typeUrl;
  }
  return { values, types };
}

export function templateDefaults(template: TemplateInfo | undefined): ClusterOutputs["templateDefaults"] {
  const parameters: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(template?.parameters ?? {})) if (p.hasDefault) parameters[key] = p.default;
  return { parameters, nodeSets: template?.nodeSets ?? {} };
}

export function equalByType(types: Record<string, string>) {
  return (name: string, a: unknown, b: unknown) =>
    types[name] ? parameterValuesEqual(types[name], a, b) : JSON.stringify(a) === JSON.stringify(b);
}

export interface Observed {
  cluster: Cluster;
  hub: string;
  kubeconfig: string;
  password: string;
}

export function toOutputs(view: ClusterInputs, observed: Observed, defaults: ClusterOutputs["templateDefaults"]): ClusterOutputs {
  const { cluster } = observed;
  const params = storedParameters(cluster);
  return compact({
    ...view,
    clusterId: cluster.id,
    templateId: cluster.spec.template,
    effectiveTemplateParameters: params.values,
    parameterTypes: params.types,
    effectiveNodeSets: withBothSpellings(nodeSetsOf(cluster.spec.nodeSets)),
    observedNodeSets: withBothSpellings(nodeSetsOf(cluster.status.nodeSets)),
    state: cluster.status.state,
    conditions: cluster.status.conditions,
    apiUrl: cluster.status.apiUrl,
    consoleUrl: cluster.status.consoleUrl,
    hub: observed.hub,
    kubeconfig: observed.kubeconfig,
    password: observed.password,
    templateDefaults: defaults,
    effectiveReleaseImage: cluster.spec.releaseImage,
    effectiveSshPublicKey: cluster.spec.sshPublicKey,
    effectiveNetwork: cluster.spec.network,
    effectiveTenant: cluster.metadata.tenant,
    effectiveNetworkAttachment: cluster.spec.networkAttachment,
  });
}

export function failureMessage(cluster: Pick<Cluster, "id" | "status">): string {
  const conditions = cluster.status.conditions
    .filter((c) => c.status === "True" || c.reason || c.message)
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}`);
  return `cluster ${cluster.id} FAILED${conditions.length ? `; conditions: ${conditions.join("; ")}` : ""}`;
}

export function displayName(inputs: { name?: string }, id?: string): string {
  return inputs.name ? `'${inputs.name}'${id ? ` (${id})` : ""}` : id ? `'${id}'` : "(new)";
}

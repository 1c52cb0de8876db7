// The Cluster resource's shapes and the pure rules that map between what the user wrote
// and what the server stores. The server fills in values the user did not write
// (defaulted parameters and node sets, host class ids, a template name rewritten to its
// id); these rules make sure those never show up as changes or drift.
import { z } from "zod";
import { connectionSchema, dnsLabelSchema, labelsSchema, sameJson } from "../toolkit/common";
import { durationSchema as durationSchema_ } from "../timing/duration";
import { canonicalCidr } from "../client/cidr";

export const DEFAULT_TIMEOUTS = { create: "60m", update: "30m", delete: "30m" } as const;

const durationSchema = durationSchema_();

export const nodeSetInputSchema = z.strictObject({
  size: z
    .number({ message: "expected a positive integer" })
    .int({ message: "expected a positive integer" })
    .positive({ message: "expected a positive integer (the server refuses size 0)" })
    .max(2_147_483_647, { message: "must fit in an int32" }),
  /** The host type id or name (the osac word). */
  hostType: z.string().min(1, { message: "leave hostType out to use the template's host type" }).optional(),
  /** The innabox spelling of hostType, accepted as an alias. */
  hostClass: z.string().min(1, { message: "leave hostClass out to use the template's host class" }).optional(),
}).refine((set) => set.hostType === undefined || set.hostClass === undefined, {
  message: "give hostType or hostClass, not both (hostClass is the innabox spelling of hostType); remove hostClass",
});

/** The host type a node set names, in either spelling. */
export function hostTypeOf(set: { hostType?: string; hostClass?: string }): string | undefined {
  return set.hostType ?? set.hostClass;
}

/** The same node set with its host type replaced, in the spelling the user wrote. */
export function withHostType<T extends { hostType?: string; hostClass?: string }>(set: T, hostType: string): T {
  return set.hostClass !== undefined ? { ...set, hostClass: hostType } : { ...set, hostType };
}

export const clusterInputsSchema = z.object({
  /** A template id or name; or order from a catalog item instead (`catalogItem`). */
  template: z
    .string({ message: "set template to a template id such as 'ocp_4_17_small' (or its name)" })
    .min(1, { message: "set template to a template id such as 'ocp_4_17_small' (or its name)" })
    .optional(),
  /** osac: order from a catalog item (id or name) instead of a template. */
  catalogItem: z.string().min(1, { message: "set catalogItem to a catalog item id or name, or leave it out and set template" }).optional(),
  templateParameters: z.record(z.string(), z.unknown()).optional(),
  nodeSets: z.record(z.string().min(1), nodeSetInputSchema).optional(),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  connection: connectionSchema,
  timeouts: z
    .strictObject({ create: durationSchema.optional(), update: durationSchema.optional(), delete: durationSchema.optional() })
    .optional(),
  // The osac generation's cluster spec fields (refused at check on innabox).
  /** Registry credentials; a secret. The server returns `***` for it. */
  pullSecret: z.string().min(1, { message: "set the pull secret's content (a .dockerconfigjson document) or leave pullSecret out" }).optional(),
  sshPublicKey: z.string().min(1, { message: "set an SSH public key such as 'ssh-ed25519 AAAA...' or leave sshPublicKey out" }).optional(),
  releaseImage: z.string().min(1, { message: "set a release image such as 'quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64' or leave it out" }).optional(),
  network: z
    .strictObject({
      podCidr: z.string().min(1, { message: "a CIDR such as '10.128.0.0/14'" }).optional(),
      serviceCidr: z.string().min(1, { message: "a CIDR such as '172.30.0.0/16'" }).optional(),
    })
    .optional(),
  /** osac: the tenant the cluster belongs to (default: the caller's); immutable. */
  tenant: z.string().min(1, { message: "name a tenant you belong to, or leave tenant out for your default tenant" }).optional(),
  /** osac: the subnet (an existing Subnet; immutable) and security groups the cluster attaches to. */
  networkAttachment: z
    .strictObject({
      subnet: z.string({ message: "set subnet to the id of an existing subnet" }).min(1, { message: "set subnet to the id of an existing subnet" }),
      securityGroups: z
        .array(z.string().min(1, { message: "a security group id" }))
        .refine((groups) => new Set(groups).size === groups.length, { message: "list each security group once" })
        .optional(),
    })
    .optional(),
  /** osac: the project the cluster belongs to (empty = the tenant's default project). */
  project: z.string().min(1, { message: "name a project of your tenant, or leave project out for its default" }).optional(),
  /** Set from the `import` resource option: take over this existing cluster instead of creating one. */
  adoptId: z.string().min(1).optional(),
}).superRefine((inputs, ctx) => {
  if (inputs.template !== undefined && inputs.catalogItem !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["catalogItem"],
      message: "template and catalogItem are mutually exclusive (the server: 'catalog_item and template are mutually exclusive'); order from the catalog item, which names its template, and remove template",
    });
  } else if (inputs.template === undefined && inputs.catalogItem === undefined) {
    ctx.addIssue({ code: "custom", path: ["template"], message: "set template to a template id such as 'ocp_4_17_small' (or its name), or catalogItem to a catalog item" });
  }
});

export type ClusterInputs = z.infer<typeof clusterInputsSchema>;
export type NodeSetInput = z.infer<typeof nodeSetInputSchema>;
export interface NodeSetState {
  /** The host type id, in the spelling existing stacks read (`hostClass`). */
  hostClass: string;
  /** The same id in the osac spelling; set in the outputs. */
  hostType?: string;
  size: number;
}
export type { ClusterStateName } from "../client/api/domain";
import type { ClusterStateName } from "../client/api/domain";
export interface ConditionState {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** What the provider stores as outputs: the user's view plus everything observed. */
export interface ClusterOutputs extends ClusterInputs {
  clusterId: string;
  /** The template id the server resolved `template` to. */
  templateId: string;
  /** All parameters as stored by the server, defaults included. */
  effectiveTemplateParameters: Record<string, unknown>;
  /** Type URL of each stored parameter. */
  parameterTypes: Record<string, string>;
  /** All node sets as stored by the server (defaults and host class ids filled in). */
  effectiveNodeSets: Record<string, NodeSetState>;
  /** Node sets as the hub reports them (status). */
  observedNodeSets: Record<string, NodeSetState>;
  state: ClusterStateName;
  conditions: ConditionState[];
  apiUrl: string;
  consoleUrl: string;
  hub: string;
  kubeconfig: string;
  password: string;
  /** osac: the release image, SSH key and network as stored (server defaults included). */
  effectiveReleaseImage?: string;
  effectiveSshPublicKey?: string;
  effectiveNetwork?: { podCidr?: string; serviceCidr?: string };
  /** osac: the tenant the server put the cluster in, and its network attachment as stored. */
  effectiveTenant?: string;
  effectiveNetworkAttachment?: { subnet: string; securityGroups: string[] };
  /** The template's defaults when the cluster was last read, to tell defaults from choices. */
  templateDefaults: { parameters: Record<string, unknown>; nodeSets: Record<string, NodeSetState> };
}

export interface ClusterDiff {
  changes: boolean;
  replaces: string[];
  /** Human-readable reasons, keyed by property path. */
  changed: Record<string, "update" | "replace">;
}

type Equal = (name: string, a: unknown, b: unknown) => boolean;

/**
 * Compares the desired inputs with the stored outputs. Replace: template,
 * templateParameters, a node set's hostClass. Update: sizes, node sets added or removed,
 * name, labels, and the settings that only live in Pulumi (connection, timeouts).
 */
export function diffCluster(olds: ClusterOutputs, news: ClusterInputs, paramsEqual: Equal = defaultEqual): ClusterDiff {
  const changed: ClusterDiff["changed"] = {};
  if (news.template !== undefined && news.template !== olds.template && news.template !== olds.templateId) changed.template = "replace";
  if ((news.catalogItem ?? "") !== (olds.catalogItem ?? "")) changed.catalogItem = "replace";

  const desiredParams = news.templateParameters ?? {};
  const storedParams = olds.effectiveTemplateParameters ?? {};
  for (const [key, value] of Object.entries(desiredParams)) {
    if (!(key in storedParams) || !paramsEqual(key, value, storedParams[key])) changed[`templateParameters.${key}`] = "replace";
  }
  for (const key of Object.keys(olds.templateParameters ?? {})) {
    // A value the user used to set and no longer does: the server keeps the old value,
    // which only a new cluster can change.
    if (key in desiredParams) continue;
    const defaults = olds.templateDefaults?.parameters ?? {};
    if (key in defaults && key in storedParams && paramsEqual(key, defaults[key], storedParams[key])) continue;
    changed[`templateParameters.${key}`] = "replace";
  }

  const desiredSets = news.nodeSets ?? {};
  const storedSets = olds.effectiveNodeSets ?? {};
  for (const [key, desired] of Object.entries(desiredSets)) {
    const stored = storedSets[key];
    if (!stored) {
      changed[`nodeSets.${key}`] = "update";
      continue;
    }
    const desiredHostType = hostTypeOf(desired);
    if (desiredHostType !== undefined && desiredHostType !== stored.hostClass) {
      changed[`nodeSets.${key}.${desired.hostClass !== undefined ? "hostClass" : "hostType"}`] = "replace";
    }
    if (desired.size !== stored.size) changed[`nodeSets.${key}.size`] = "update";
  }
  for (const key of Object.keys(olds.nodeSets ?? {})) {
    if (!(key in desiredSets) && key in storedSets) changed[`nodeSets.${key}`] = "update";
  }

  // osac spec fields (but the release image): written at create; a change needs a new cluster. The stored pull
  // secret reads back as `***`, so it compares with what the program last wrote.
  if ((news.pullSecret ?? "") !== (olds.pullSecret ?? "")) changed.pullSecret = "replace";
  if (news.sshPublicKey !== undefined && news.sshPublicKey !== (olds.effectiveSshPublicKey ?? olds.sshPublicKey)) changed.sshPublicKey = "replace";
  // An upgrade in place: the osac controller pushes it to the hub after READY too.
  if (news.releaseImage !== undefined && news.releaseImage !== (olds.effectiveReleaseImage ?? olds.releaseImage)) changed.releaseImage = "update";
  for (const key of ["podCidr", "serviceCidr"] as const) {
    const desired = news.network?.[key];
    const stored = olds.effectiveNetwork?.[key] ?? olds.network?.[key];
    if (desired !== undefined && canonicalOrSame(desired, key) !== (stored === undefined ? undefined : canonicalOrSame(stored, key))) changed[`network.${key}`] = "replace";
  }
  if ((news.project ?? "") !== (olds.project ?? "")) changed.project = "replace";
  if (news.tenant !== undefined && news.tenant !== (olds.effectiveTenant ?? olds.tenant)) changed.tenant = "replace";
  // The subnet is immutable on the server; security groups may change in place.
  const storedAttachment = olds.effectiveNetworkAttachment ?? olds.networkAttachment;
  if ((news.networkAttachment?.subnet ?? "") !== (storedAttachment?.subnet ?? "")) changed["networkAttachment.subnet"] = "replace";
  else if (news.networkAttachment && !sameJson(news.networkAttachment.securityGroups ?? [], storedAttachment?.securityGroups ?? [])) {
    changed["networkAttachment.securityGroups"] = "update";
  }

  if ((news.name ?? "") !== (olds.name ?? "")) changed.name = "update";
  if (!sameJson(news.labels ?? {}, olds.labels ?? {})) changed.labels = "update";
  if (!sameJson(news.connection ?? {}, olds.connection ?? {})) changed.connection = "update";
  if (!sameJson(news.timeouts ?? {}, olds.timeouts ?? {})) changed.timeouts = "update";

  const replaces = [
    ...new Set(
      Object.entries(changed)
        .filter(([, kind]) => kind === "replace")
        .map(([path]) => path.split(".")[0]),
    ),
  ];
  return { changes: Object.keys(changed).length > 0, replaces, changed };
}

/** The CIDR as the server stores it (`10.0.0.1/8` -> `10.0.0.0/8`); a malformed one as written. */
export function canonicalOrSame(cidr: string, field: string): string {
  try {
    return canonicalCidr(cidr, field);
  } catch {
    return cidr;
  }
}

function defaultEqual(_name: string, a: unknown, b: unknown): boolean {
  return sameJson(a, b);
}

/**
 * The node sets to send in an Update of `spec.node_sets`: every stored node set keeps
 * its stored host class id (the server refuses anything else), sizes come from the
 * program, node sets the user removed are dropped, and node sets the server defaulted
 * (never written by the user) are kept as they are.
 */
export function nodeSetsForUpdate(
  stored: Record<string, NodeSetState>,
  previouslyDeclared: Record<string, NodeSetInput>,
  desired: Record<string, NodeSetInput>,
  templateHostClasses: Record<string, string>,
): Record<string, NodeSetState> {
  const result: Record<string, NodeSetState> = {};
  for (const [key, current] of Object.entries(stored)) {
    if (key in desired) result[key] = { hostClass: current.hostClass, size: desired[key].size };
    else if (!(key in previouslyDeclared)) result[key] = { ...current };
  }
  for (const [key, wanted] of Object.entries(desired)) {
    if (!(key in result)) {
      result[key] = { hostClass: hostTypeOf(wanted) ?? templateHostClasses[key] ?? "", size: wanted.size };
    }
  }
  return result;
}

/**
 * The user's view of the server's node sets, for refresh and adoption: the node sets the
 * user declared (with the server's sizes); a node set the user never declared appears
 * only if its size moved away from the template default, which is drift worth showing.
 */
export function userViewOfNodeSets(
  stored: Record<string, NodeSetState>,
  declared: Record<string, NodeSetInput> | undefined,
  templateDefaults: Record<string, NodeSetState> | undefined,
): Record<string, NodeSetInput> | undefined {
  const view: Record<string, NodeSetInput> = {};
  for (const [key, current] of Object.entries(stored)) {
    const mine = declared?.[key];
    if (mine) {
      // The user's spelling (hostType or hostClass) is kept, so switching it is no change.
      view[key] = hostTypeOf(mine) !== undefined ? withHostType({ size: current.size, ...(mine.hostClass !== undefined ? { hostClass: "" } : {}) }, current.hostClass) : { size: current.size };
    } else if (declared !== undefined && templateDefaults?.[key] && templateDefaults[key].size !== current.size) {
      view[key] = { size: current.size };
    } else if (declared === undefined) {
      // Adoption: nothing is known about what the user wrote; show what differs from the template.
      if (!templateDefaults?.[key] || templateDefaults[key].size !== current.size) view[key] = { size: current.size };
    }
  }
  if (declared !== undefined) {
    // A declared node set the server no longer has is drift: leave it out so the next up re-adds it.
  }
  return Object.keys(view).length || declared ? view : undefined;
}

/** The user's view of stored parameters: the ones they declared, and any that differ from the template default. */
export function userViewOfParameters(
  stored: Record<string, unknown>,
  declared: Record<string, unknown> | undefined,
  defaults: Record<string, unknown>,
  paramsEqual: Equal = defaultEqual,
): Record<string, unknown> | undefined {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (declared && key in declared) view[key] = value;
    else if (!(key in defaults) || !paramsEqual(key, value, defaults[key])) view[key] = value;
  }
  return Object.keys(view).length || declared ? view : undefined;
}

// The ClusterTemplate resource's provider (fulfillment.v1.ClusterTemplates; writes need
// an admin token). Parameter types may be written as friendly names ('string', 'int32')
// or full type URLs; the user's spelling is kept so neither shows as a change.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ClusterTemplate } from "../client/api";
import type { TemplateField } from "../client/api/api";
import { friendlyTypeName, packParameter, parameterValuesEqual, toTypeUrl } from "../client/anyValues";
import { isAlreadyExists } from "../client/errors";
import { apiForInputs, clientForInputs } from "../toolkit/connect";
import { recordPlannedTemplate } from "./plannedTemplates";
import { hostTypeOf } from "./clusterModel";
import { adoptionProjectProblem, projectGenerationFailures, projectSchema, projectView, sameProject } from "./objectProject";
import { checkFailure, compact, connectionSchema, containsUnknown, dnsLabelSchema, labelsSchema, progress, sameJson, parseInputs, validateInputs } from "../toolkit/common";

const parameterSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "parameter names use lowercase letters, digits and '_' (e.g. 'pull_secret')" }),
  title: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  type: z.string().min(1, { message: "set type to bool, int32, int64, float, double, string, timestamp, duration, bytes, json or a full type URL" }),
  default: z.unknown().optional(),
});

export const templateInputsSchema = z.object({
  templateId: z
    .string({ message: "set templateId, e.g. 'ocp_4_17_small'" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'ocp_4_17_small')" }),
  title: z.string({ message: "set a title, e.g. 'OpenShift 4.17 small'" }).min(1, { message: "set a title, e.g. 'OpenShift 4.17 small'" }),
  description: z.string().optional(),
  parameters: z.array(parameterSchema).optional(),
  nodeSets: z.record(
    z.string().min(1),
    z
      .strictObject({
        /** The host type id (the osac word). */
        hostType: z.string().min(1, { message: "set the host type id of this node set (e.g. 'acme_1tib')" }).optional(),
        /** The innabox spelling of hostType, accepted as an alias. */
        hostClass: z.string().min(1, { message: "set the host class id of this node set (e.g. 'acme_1tib')" }).optional(),
        size: z.number().int({ message: "expected a positive integer" }).positive({ message: "expected a positive integer" }),
      })
      .superRefine((set, ctx) => {
        if (set.hostType !== undefined && set.hostClass !== undefined) {
          ctx.addIssue({ code: "custom", message: "give hostType or hostClass, not both (hostClass is the innabox spelling of hostType); remove hostClass" });
        } else if (set.hostType === undefined && set.hostClass === undefined) {
          ctx.addIssue({ code: "custom", path: ["hostType"], message: "set the host type id of this node set (e.g. 'acme_1tib')" });
        }
      }),
    { message: "set nodeSets, e.g. { workers: { hostType: 'acme_1tib', size: 3 } }" },
  ),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  /** osac: the project of the template's tenant (empty: its default project); immutable. */
  project: projectSchema,
  connection: connectionSchema,
  /** Set from the `import` resource option: take over the existing object. */
  adoptId: z.string().min(1).optional(),
});
export type TemplateInputs = z.infer<typeof templateInputsSchema>;
type ParameterInput = NonNullable<TemplateInputs["parameters"]>[number];

function parseTemplateInputs(news: unknown): TemplateInputs {
  const value = parseInputs(templateInputsSchema, news);
  const duplicates = (value.parameters ?? []).map((p) => p.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (duplicates.length) throw new Error(`parameters: '${duplicates[0]}' is declared more than once`);
  return value;
}

function toMessage(inputs: TemplateInputs) {
  const template: ClusterTemplate = {
    id: inputs.templateId,
    metadata: { name: inputs.name ?? "", labels: inputs.labels ?? {}, finalizers: [], ...(inputs.project ? { project: inputs.project } : {}) },
    title: inputs.title,
    description: inputs.description ?? "",
    parameters: (inputs.parameters ?? []).map((p, i) => {
      const typeUrl = toTypeUrl(p.type, `parameters[${i}].type`);
      // Packing validates the default against its type; the adapter packs it for the wire.
      if (p.default !== undefined) packParameter(typeUrl, p.default, `parameters[${i}].default`);
      return {
        name: p.name,
        title: p.title ?? "",
        description: p.description ?? "",
        required: p.required ?? false,
        typeUrl,
        ...(p.default !== undefined ? { default: { typeUrl, value: p.default } } : {}),
      };
    }),
    nodeSets: Object.fromEntries(Object.entries(inputs.nodeSets).map(([key, set]) => [key, { hostType: hostTypeOf(set) ?? "", size: set.size }])),
  };
  return template;
}

/** The server's template in the user's terms, keeping their spelling of types where it means the same. */
function toView(template: ClusterTemplate, previous: Partial<TemplateInputs>): TemplateInputs {
  const previousParams = new Map((previous.parameters ?? []).map((p) => [p.name, p]));
  const parameters: ParameterInput[] = template.parameters.map((p) => {
    const before = previousParams.get(p.name);
    const type = before && safeTypeUrl(before.type) === p.typeUrl ? before.type : friendlyTypeName(p.typeUrl);
    return compact({
      name: p.name,
      title: p.title || (before?.title === "" ? "" : undefined),
      description: p.description || (before?.description === "" ? "" : undefined),
      required: p.required || (before?.required === false ? false : undefined),
      type,
      default: p.default?.value,
    });
  });
  const nodeSets: TemplateInputs["nodeSets"] = {};
  // The spelling the program used for that node set (hostType unless it wrote hostClass).
  for (const [key, ns] of Object.entries(template.nodeSets)) {
    nodeSets[key] = previous.nodeSets?.[key]?.hostClass !== undefined ? { hostClass: ns.hostType, size: ns.size } : { hostType: ns.hostType, size: ns.size };
  }
  return compact({
    templateId: template.id,
    title: template.title,
    description: template.description || (previous.description === "" ? "" : undefined),
    parameters: parameters.length || previous.parameters ? parameters : undefined,
    nodeSets,
    name: template.metadata.name || undefined,
    labels: Object.keys(template.metadata.labels).length ? { ...template.metadata.labels } : undefined,
    project: projectView(previous.project, template.metadata.project),
    connection: previous.connection,
    adoptId: previous.adoptId,
  });
}

function safeTypeUrl(type: string): string | undefined {
  try {
    return toTypeUrl(type, "type");
  } catch {
    return undefined;
  }
}

/** Parameters compared by meaning: type spelled either way, defaults compared as packed values. */
function sameParameters(a: ParameterInput[] = [], b: ParameterInput[] = []): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => {
    const q = b[i];
    const type = safeTypeUrl(p.type);
    if (p.name !== q.name || type !== safeTypeUrl(q.type)) return false;
    if ((p.title ?? "") !== (q.title ?? "") || (p.description ?? "") !== (q.description ?? "") || (p.required ?? false) !== (q.required ?? false)) return false;
    if ((p.default === undefined) !== (q.default === undefined)) return false;
    return p.default === undefined || (type !== undefined && parameterValuesEqual(type, p.default, q.default));
  });
}

/** Node sets with the host type in one spelling: switching between hostType and hostClass is no change. */
function normalizedNodeSets(sets: TemplateInputs["nodeSets"] | undefined): Record<string, { hostType: string; size: number }> {
  return Object.fromEntries(Object.entries(sets ?? {}).map(([key, set]) => [key, { hostType: hostTypeOf(set) ?? "", size: set.size }]));
}

function changedPaths(olds: TemplateInputs, news: TemplateInputs): TemplateField[] {
  const paths: TemplateField[] = [];
  if (news.title !== olds.title) paths.push("title");
  if ((news.description ?? "") !== (olds.description ?? "")) paths.push("description");
  if (!sameParameters(news.parameters, olds.parameters)) paths.push("parameters");
  if (!sameJson(normalizedNodeSets(news.nodeSets), normalizedNodeSets(olds.nodeSets))) paths.push("nodeSets");
  if ((news.name ?? "") !== (olds.name ?? "")) paths.push("name");
  if (!sameJson(news.labels ?? {}, olds.labels ?? {})) paths.push("labels");
  return paths;
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(templateInputsSchema, news);
  if (!value) return { inputs: news, failures };
  try {
    parseTemplateInputs(news);
    toMessage(value);
  } catch (error) {
    const reason = (error as Error).message;
    return { inputs: news, failures: [checkFailure(reason.startsWith("parameters") ? reason : `parameters: ${reason}`)] };
  }
  if (failures.length) return { inputs: news, failures };
  const generationFailures = await projectGenerationFailures(value, "cluster templates", "fulfillment.v1");
  if (generationFailures.length) return { inputs: news, failures: generationFailures };
  rememberForClusters(value);
  return { inputs: news, failures };
}

/** Lets clusters of this program be validated at preview against a template not created yet. */
function rememberForClusters(inputs: TemplateInputs): void {
  if (containsUnknown(inputs.connection)) return;
  try {
    recordPlannedTemplate(clientForInputs(inputs).address, inputs);
  } catch {
    // No usable connection settings: the cluster's own check reports that.
  }
}

export async function diff(_id: string, olds: TemplateInputs, news: TemplateInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [...(news.templateId !== olds.templateId ? ["templateId"] : []), ...(!sameProject(news.project, olds.project) ? ["project"] : [])];
  const changes = replaces.length > 0 || changedPaths(olds, news).length > 0 || !sameJson(news.connection ?? {}, olds.connection ?? {});
  return { changes, replaces, deleteBeforeReplace: true };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseTemplateInputs(news);
  if (inputs.adoptId) {
    if (inputs.adoptId !== inputs.templateId) throw new Error(`import: the template id to adopt ('${inputs.adoptId}') must equal templateId ('${inputs.templateId}')`);
    const current = await read(inputs.templateId, inputs);
    if (!current.id) throw new Error(`cannot adopt cluster template '${inputs.templateId}': the service has no template with that id`);
    const projectProblem = adoptionProjectProblem("cluster template", inputs.templateId, inputs.project, (current.props as TemplateInputs).project);
    if (projectProblem) throw new Error(projectProblem);
    progress("template", inputs.templateId, "adopting the existing template");
    return { id: inputs.templateId, outs: (await update(inputs.templateId, current.props as TemplateInputs, news)).outs };
  }
  const api = await apiForInputs(inputs);
  try {
    const created = await api.templates.create(toMessage(inputs));
    progress("template", inputs.templateId, "created");
    return { id: inputs.templateId, outs: toView(created, inputs) };
  } catch (error) {
    if (isAlreadyExists(error)) {
      throw new Error(
        `cluster template '${inputs.templateId}' already exists. To manage it with Pulumi, adopt it: add the resource option ` +
          `{ import: "${inputs.templateId}" } to this ClusterTemplate, run 'pulumi up', then remove the option`,
      );
    }
    throw error;
  }
}

export async function read(id: string, props: Partial<TemplateInputs>): Promise<pulumi.dynamic.ReadResult> {
  const api = await apiForInputs(props as TemplateInputs);
  const template = await api.templates.get(id);
  if (!template || template.metadata.deletionTime) return { id: "", props: {} };
  const view = toView(template, props);
  return { id, props: view, inputs: view };
}

export async function update(id: string, olds: TemplateInputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseTemplateInputs(news);
  const paths = changedPaths(olds, inputs);
  if (paths.length === 0) return { outs: { ...olds, ...inputs } };
  const api = await apiForInputs(inputs);
  const updated = await api.templates.update(toMessage(inputs), paths);
  progress("template", id, `updated ${paths.join(", ")}`);
  return { outs: toView(updated, inputs) };
}

export async function remove(id: string, props: TemplateInputs): Promise<void> {
  const api = await apiForInputs(props);
  await api.templates.delete(id);
}

export { remove as delete };

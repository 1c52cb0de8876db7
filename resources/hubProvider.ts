// The Hub resource's provider (private.v1.Hubs, admin API). The kubeconfig is content,
// not a path, and is only ever handled as a secret.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import type { Hub } from "../client/api";
import type { HubField } from "../client/api/api";
import { isAlreadyExists } from "../client/errors";
import { apiForInputs } from "../toolkit/connect";
import { adoptionProjectProblem, projectGenerationFailures, projectSchema, projectView, sameProject } from "./objectProject";
import { compact, connectionSchema, dnsLabelSchema, labelsSchema, progress, sameJson, parseInputs, validateInputs } from "../toolkit/common";

const kubeconfigSchema = z
  .string({ message: "pass the kubeconfig's content (YAML text), not a path; e.g. fs.readFileSync(path, 'utf8')" })
  .min(1, { message: "the kubeconfig content is empty" })
  .superRefine((text, ctx) => {
    if (/^\s*(~|\.{1,2})?\/[^\s:{}]*\s*$/.test(text)) {
      ctx.addIssue({ code: "custom", message: `looks like a file path ('${text.trim()}'); pass the file's content instead, e.g. fs.readFileSync(path, 'utf8')` });
      return;
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `is not valid YAML (${(error as Error).message.split("\n")[0]}); pass the kubeconfig's content, not a path` });
      return;
    }
    const config = doc as { clusters?: unknown[]; contexts?: unknown[]; users?: unknown[] } | null;
    if (!config || typeof config !== "object" || !Array.isArray(config.clusters) || config.clusters.length === 0) {
      ctx.addIssue({ code: "custom", message: "is not a kubeconfig: it has no 'clusters' entry; pass the content of a kubeconfig file" });
    } else if (!Array.isArray(config.users) || config.users.length === 0) {
      ctx.addIssue({ code: "custom", message: "has no 'users' entry: the service needs credentials to create ClusterOrders in the hub" });
    }
  });

export const hubInputsSchema = z.object({
  hubId: z
    .string({ message: "set hubId, the id the hub is registered under (e.g. 'prod-hub-01')" })
    .min(1, { message: "set hubId, the id the hub is registered under (e.g. 'prod-hub-01')" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'prod-hub-01')" }),
  kubeconfig: kubeconfigSchema,
  namespace: dnsLabelSchema,
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  /** osac: the project of the hub's tenant (empty: its default project); immutable. */
  project: projectSchema,
  connection: connectionSchema,
  /** Set from the `import` resource option: take over the existing object. */
  adoptId: z.string().min(1).optional(),
});
export type HubInputs = z.infer<typeof hubInputsSchema>;
export interface HubOutputs extends HubInputs {
  creationTimestamp: string;
}

function toOutputs(inputs: HubInputs, hub: Hub): HubOutputs {
  return compact({
    ...inputs,
    hubId: hub.id,
    kubeconfig: hub.kubeconfig,
    namespace: hub.namespace,
    name: hub.metadata.name || undefined,
    labels: Object.keys(hub.metadata.labels).length ? { ...hub.metadata.labels } : undefined,
    project: projectView(inputs.project, hub.metadata.project),
    creationTimestamp: hub.metadata.creationTime ? hub.metadata.creationTime.replace(/\.\d{3}Z$/, ".000Z") : "",
  });
}

function toHub(inputs: HubInputs): Hub {
  const metadata = { name: inputs.name ?? "", labels: inputs.labels ?? {}, finalizers: [], ...(inputs.project ? { project: inputs.project } : {}) };
  return { id: inputs.hubId, metadata, kubeconfig: inputs.kubeconfig, namespace: inputs.namespace };
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(hubInputsSchema, news);
  if (!value) return { inputs: news, failures };
  return { inputs: news, failures: await projectGenerationFailures(value, "hubs", "private.v1") };
}

export async function diff(_id: string, olds: HubOutputs, news: HubInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [...(news.hubId !== olds.hubId ? ["hubId"] : []), ...(!sameProject(news.project, olds.project) ? ["project"] : [])];
  const changed =
    replaces.length > 0 ||
    news.kubeconfig !== olds.kubeconfig ||
    news.namespace !== olds.namespace ||
    (news.name ?? "") !== (olds.name ?? "") ||
    !sameJson(news.labels ?? {}, olds.labels ?? {}) ||
    !sameJson(news.connection ?? {}, olds.connection ?? {});
  return { changes: changed, replaces, deleteBeforeReplace: true };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(hubInputsSchema, news);
  if (inputs.adoptId) {
    if (inputs.adoptId !== inputs.hubId) throw new Error(`import: the hub id to adopt ('${inputs.adoptId}') must equal hubId ('${inputs.hubId}')`);
    const current = await read(inputs.hubId, inputs);
    if (!current.id) throw new Error(`cannot adopt hub '${inputs.hubId}': no hub with that id is registered`);
    const projectProblem = adoptionProjectProblem("hub", inputs.hubId, inputs.project, (current.props as HubOutputs).project);
    if (projectProblem) throw new Error(projectProblem);
    progress("hub", inputs.hubId, "adopting the registered hub");
    return { id: inputs.hubId, outs: (await update(inputs.hubId, current.props as HubOutputs, news)).outs };
  }
  const api = await apiForInputs(inputs);
  try {
    const created = await api.hubs.create(toHub(inputs));
    progress("hub", inputs.hubId, `registered (ClusterOrders go to namespace '${inputs.namespace}')`);
    return { id: inputs.hubId, outs: toOutputs(inputs, created) };
  } catch (error) {
    if (isAlreadyExists(error)) {
      throw new Error(
        `hub '${inputs.hubId}' is already registered. To manage it with Pulumi, adopt it: add the resource option ` +
          `{ import: "${inputs.hubId}" } to this Hub, run 'pulumi up', then remove the option`,
      );
    }
    throw error;
  }
}

export async function read(id: string, props: Partial<HubOutputs>): Promise<pulumi.dynamic.ReadResult> {
  const api = await apiForInputs(props as HubInputs);
  const hub = await api.hubs.get(id);
  if (!hub || hub.metadata.deletionTime) return { id: "", props: {} };
  const outs = toOutputs({ ...(props as HubInputs), hubId: id }, hub);
  const { creationTimestamp: _ignored, ...inputs } = outs;
  return { id, props: outs, inputs: compact({ ...inputs, connection: props.connection, adoptId: props.adoptId }) };
}

export async function update(id: string, olds: HubOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(hubInputsSchema, news);
  const fields: HubField[] = [];
  if (inputs.kubeconfig !== olds.kubeconfig) fields.push("kubeconfig");
  if (inputs.namespace !== olds.namespace) fields.push("namespace");
  if ((inputs.name ?? "") !== (olds.name ?? "")) fields.push("name");
  if (!sameJson(inputs.labels ?? {}, olds.labels ?? {})) fields.push("labels");
  if (fields.length === 0) return { outs: { ...olds, ...inputs } };
  const api = await apiForInputs(inputs);
  const updated = await api.hubs.update({ ...toHub(inputs), id }, fields);
  progress("hub", id, `updated ${fields.join(", ")}`);
  return { outs: toOutputs(inputs, updated) };
}

export async function remove(id: string, props: HubOutputs): Promise<void> {
  const api = await apiForInputs(props);
  await api.hubs.delete(id);
}

export { remove as delete };

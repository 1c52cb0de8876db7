// The HostClass resource's provider (fulfillment.v1.HostClasses; writes need an admin
// token). A host class is what template node sets are made of: clusters of a template
// can only be ordered once every host class its node sets name exists.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { HostType } from "../client/api";
import type { HostTypeField } from "../client/api/api";
import { isAlreadyExists } from "../client/errors";
import { apiForInputs } from "../toolkit/connect";
import { adoptionProjectProblem, projectGenerationFailures, projectSchema, projectView, sameProject } from "./objectProject";
import { compact, connectionSchema, dnsLabelSchema, labelsSchema, progress, sameJson, parseInputs, validateInputs } from "../toolkit/common";

export const hostClassInputsSchema = z.object({
  hostClassId: z
    .string({ message: "set hostClassId, the id template node sets name (e.g. 'acme_1tib')" })
    .min(1, { message: "set hostClassId, the id template node sets name (e.g. 'acme_1tib')" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'acme_1tib')" }),
  title: z.string({ message: "set a title, e.g. 'ACME 1 TiB'" }).min(1, { message: "set a title, e.g. 'ACME 1 TiB'" }),
  description: z.string({ message: "the description is Markdown text" }).optional(),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  /** osac: the project of the host type's tenant (empty: its default project); immutable. */
  project: projectSchema,
  connection: connectionSchema,
  /** Set from the `import` resource option: take over the existing object. */
  adoptId: z.string().min(1).optional(),
});
export type HostClassInputs = z.infer<typeof hostClassInputsSchema>;

function toHostType(inputs: HostClassInputs): HostType {
  return {
    id: inputs.hostClassId,
    metadata: { name: inputs.name ?? "", labels: inputs.labels ?? {}, finalizers: [], ...(inputs.project ? { project: inputs.project } : {}) },
    title: inputs.title,
    description: inputs.description ?? "",
  };
}

/** The server's host class in the user's terms (an empty description stays as the user wrote it). */
function toView(hostClass: HostType, previous: Partial<HostClassInputs>): HostClassInputs {
  return compact({
    hostClassId: hostClass.id,
    title: hostClass.title,
    description: hostClass.description || (previous.description === "" ? "" : undefined),
    name: hostClass.metadata.name || undefined,
    labels: Object.keys(hostClass.metadata.labels).length ? { ...hostClass.metadata.labels } : undefined,
    project: projectView(previous.project, hostClass.metadata.project),
    connection: previous.connection,
    adoptId: previous.adoptId,
  });
}

/** What changed, for the update mask: nothing else of the stored object is touched. */
export function changedPaths(olds: Partial<HostClassInputs>, news: HostClassInputs): HostTypeField[] {
  const paths: HostTypeField[] = [];
  if (news.title !== olds.title) paths.push("title");
  if ((news.description ?? "") !== (olds.description ?? "")) paths.push("description");
  if ((news.name ?? "") !== (olds.name ?? "")) paths.push("name");
  if (!sameJson(news.labels ?? {}, olds.labels ?? {})) paths.push("labels");
  return paths;
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(hostClassInputsSchema, news);
  if (!value) return { inputs: news, failures };
  return { inputs: news, failures: await projectGenerationFailures(value, "host classes", "fulfillment.v1") };
}

export async function diff(_id: string, olds: HostClassInputs, news: HostClassInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [...(news.hostClassId !== olds.hostClassId ? ["hostClassId"] : []), ...(!sameProject(news.project, olds.project) ? ["project"] : [])];
  const changes = replaces.length > 0 || changedPaths(olds, news).length > 0 || !sameJson(news.connection ?? {}, olds.connection ?? {});
  return { changes, replaces, deleteBeforeReplace: true };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(hostClassInputsSchema, news);
  if (inputs.adoptId) {
    if (inputs.adoptId !== inputs.hostClassId) {
      throw new Error(`import: the host class id to adopt ('${inputs.adoptId}') must equal hostClassId ('${inputs.hostClassId}')`);
    }
    const current = await read(inputs.hostClassId, inputs);
    if (!current.id) throw new Error(`cannot adopt host class '${inputs.hostClassId}': the service has no host class with that id`);
    const projectProblem = adoptionProjectProblem("host class", inputs.hostClassId, inputs.project, (current.props as HostClassInputs).project);
    if (projectProblem) throw new Error(projectProblem);
    progress("host class", inputs.hostClassId, "adopting the existing host class");
    return { id: inputs.hostClassId, outs: (await update(inputs.hostClassId, current.props as HostClassInputs, news)).outs };
  }
  const api = await apiForInputs(inputs);
  try {
    const created = await api.hostTypes.create(toHostType(inputs));
    progress("host class", inputs.hostClassId, "created");
    return { id: inputs.hostClassId, outs: toView(created, inputs) };
  } catch (error) {
    if (isAlreadyExists(error)) {
      throw new Error(
        `host class '${inputs.hostClassId}' already exists. To manage it with Pulumi, adopt it: add the resource option ` +
          `{ import: "${inputs.hostClassId}" } to this HostClass, run 'pulumi up', then remove the option`,
      );
    }
    throw error;
  }
}

export async function read(id: string, props: Partial<HostClassInputs>): Promise<pulumi.dynamic.ReadResult> {
  const api = await apiForInputs(props as HostClassInputs);
  const hostClass = await api.hostTypes.get(id);
  if (!hostClass || hostClass.metadata.deletionTime) return { id: "", props: {} };
  const view = toView(hostClass, props);
  return { id, props: view, inputs: view };
}

export async function update(id: string, olds: HostClassInputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(hostClassInputsSchema, news);
  const paths = changedPaths(olds, inputs);
  if (paths.length === 0) return { outs: { ...olds, ...inputs } };
  const api = await apiForInputs(inputs);
  // Always with a mask (the adapter sends one): without it the server replaces the whole object.
  const updated = await api.hostTypes.update(toHostType(inputs), paths);
  progress("host class", id, `updated ${paths.join(", ")}`);
  return { outs: toView(updated, inputs) };
}

export async function remove(id: string, props: HostClassInputs): Promise<void> {
  const api = await apiForInputs(props);
  await api.hostTypes.delete(id);
}

export { remove as delete };

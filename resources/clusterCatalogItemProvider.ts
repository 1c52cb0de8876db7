// The ClusterCatalogItem resource's provider (osac ClusterCatalogItems; writes need an admin
// or tenant-admin token). Validation schemas may be written as objects or JSON text; the
// user's spelling is kept wherever it means the same, so neither shows as a change.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ClusterCatalogItem, FulfillmentApi } from "../client/api";
import { apiFor } from "../client/api";
import { isAlreadyExists } from "../client/errors";
import { checkFieldDefinitions, FieldDefinitionError, type FieldDefinitionRule } from "../client/fieldDefinitions";
import { apiForInputs, clientForInputs } from "../toolkit/connect";
import { checkFailure, compact, connectionSchema, containsUnknown, dnsLabelSchema, errorMessage, labelsSchema, parseInputs, progress, sameJson, validateInputs } from "../toolkit/common";
import { recordPlannedCatalogItem } from "./plannedCatalogItems";

/** The cluster spec's top-level fields, by their API names: a path must start with one. */
const SPEC_FIELDS = ["template_parameters", "node_sets", "pull_secret", "ssh_public_key", "release_image", "network", "network_attachment"];

const fieldDefinitionSchema = z.strictObject({
  path: z
    .string({ message: "set path to a dot path into the cluster spec, e.g. 'node_sets.workers.size'" })
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: "a dot path into the cluster spec with the API's names, e.g. 'node_sets.workers.size' or 'template_parameters.ha'" })
    .refine((path) => SPEC_FIELDS.includes(path.split(".")[0]), {
      message: `a cluster spec path starts with one of ${SPEC_FIELDS.join(", ")} (the API's names, e.g. 'node_sets.workers.size')`,
    }),
  displayName: z.string().optional(),
  editable: z.boolean().optional(),
  default: z.unknown().optional(),
  validationSchema: z.union([z.string(), z.record(z.string(), z.unknown()), z.boolean()], { message: "a JSON Schema 2020-12, as an object or its JSON text" }).optional(),
});

export const catalogItemInputsSchema = z.object({
  catalogItemId: z
    .string({ message: "set catalogItemId, e.g. 'small-dev'" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'small-dev')" }),
  title: z.string({ message: "set a title, e.g. 'Small development cluster'" }).min(1, { message: "set a title, e.g. 'Small development cluster'" }),
  description: z.string().optional(),
  template: z.string({ message: "set template to the template id clusters of this item are made from" }).min(1, { message: "set template to the template id clusters of this item are made from" }),
  published: z.boolean().optional(),
  fieldDefinitions: z.array(fieldDefinitionSchema).optional(),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  project: z.string().min(1, { message: "name a project of your tenant, or leave project out for its default" }).optional(),
  connection: connectionSchema,
  /** Set from the `import` resource option: take over the existing object. */
  adoptId: z.string().min(1).optional(),
});
export type CatalogItemInputs = z.infer<typeof catalogItemInputsSchema>;
type FieldDefinitionInput = NonNullable<CatalogItemInputs["fieldDefinitions"]>[number];

export interface CatalogItemOutputs extends CatalogItemInputs {
  tenant: string;
}

const schemaText = (schema: FieldDefinitionInput["validationSchema"]): string =>
  schema === undefined ? "" : typeof schema === "string" ? schema : JSON.stringify(schema);

/** The definitions as the server applies them. */
export function fieldRules(definitions: readonly FieldDefinitionInput[] | undefined): FieldDefinitionRule[] {
  return (definitions ?? []).map((d) => ({
    path: d.path,
    editable: d.editable ?? false,
    validationSchema: schemaText(d.validationSchema),
    ...(d.default !== undefined ? { default: d.default } : {}),
  }));
}

function toDomain(inputs: CatalogItemInputs): ClusterCatalogItem {
  return {
    id: inputs.catalogItemId,
    metadata: { name: inputs.name ?? "", labels: inputs.labels ?? {}, finalizers: [], ...(inputs.project ? { project: inputs.project } : {}) },
    title: inputs.title,
    description: inputs.description ?? "",
    template: inputs.template,
    published: inputs.published ?? false,
    fieldDefinitions: (inputs.fieldDefinitions ?? []).map((d) => ({
      path: d.path,
      displayName: d.displayName ?? "",
      editable: d.editable ?? false,
      validationSchema: schemaText(d.validationSchema),
      ...(d.default !== undefined ? { default: d.default } : {}),
    })),
  };
}

/** Two schema spellings mean the same when they parse to the same JSON. */
function sameSchema(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return sameJson(JSON.parse(a || "null"), JSON.parse(b || "null"));
  } catch {
    return false;
  }
}

/** The server's item in the user's terms, keeping their spelling of schemas and omitted defaults where they mean the same. */
function toView(item: ClusterCatalogItem, previous: Partial<CatalogItemInputs>): CatalogItemOutputs {
  const before = previous.fieldDefinitions ?? [];
  const fieldDefinitions = item.fieldDefinitions.map((d, i) => {
    const mine = before[i]?.path === d.path ? before[i] : undefined;
    const schema = mine && sameSchema(schemaText(mine.validationSchema), d.validationSchema) ? mine.validationSchema : d.validationSchema || undefined;
    return compact({
      path: d.path,
      displayName: d.displayName || (mine?.displayName === "" ? "" : undefined),
      editable: d.editable || (mine?.editable === false ? false : undefined),
      default: d.default,
      validationSchema: schema,
    });
  });
  return compact({
    catalogItemId: item.id,
    title: item.title,
    description: item.description || (previous.description === "" ? "" : undefined),
    template: item.template,
    published: item.published || (previous.published === false ? false : undefined),
    fieldDefinitions: fieldDefinitions.length || previous.fieldDefinitions ? fieldDefinitions : undefined,
    name: item.metadata.name || undefined,
    labels: Object.keys(item.metadata.labels).length ? { ...item.metadata.labels } : undefined,
    project: previous.project !== undefined ? item.metadata.project ?? "" : undefined,
    connection: previous.connection,
    adoptId: previous.adoptId,
    tenant: item.metadata.tenant ?? "",
  }) as CatalogItemOutputs;
}

function sameDefinitions(a: readonly FieldDefinitionInput[] = [], b: readonly FieldDefinitionInput[] = []): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const e = b[i];
    return (
      d.path === e.path &&
      (d.displayName ?? "") === (e.displayName ?? "") &&
      (d.editable ?? false) === (e.editable ?? false) &&
      sameJson(d.default ?? null, e.default ?? null) &&
      (d.default === undefined) === (e.default === undefined) &&
      sameSchema(schemaText(d.validationSchema), schemaText(e.validationSchema))
    );
  });
}

/** What changed in place (everything but the id and project). */
export function changedFields(olds: Partial<CatalogItemInputs>, news: CatalogItemInputs): string[] {
  const changed: string[] = [];
  if (news.title !== olds.title) changed.push("title");
  if ((news.description ?? "") !== (olds.description ?? "")) changed.push("description");
  if (news.template !== olds.template) changed.push("template");
  if ((news.published ?? false) !== (olds.published ?? false)) changed.push("published");
  if (!sameDefinitions(news.fieldDefinitions, olds.fieldDefinitions)) changed.push("fieldDefinitions");
  if ((news.name ?? "") !== (olds.name ?? "")) changed.push("name");
  if (!sameJson(news.labels ?? {}, olds.labels ?? {})) changed.push("labels");
  return changed;
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(catalogItemInputsSchema, news);
  if (!value || failures.length) return { inputs: news, failures };
  const definitionFailures = definitionProblems(value);
  if (definitionFailures.length) return { inputs: news, failures: definitionFailures };
  if (containsUnknown(value.connection)) return { inputs: news };
  const client = clientForInputs(value);
  let api: FulfillmentApi;
  try {
    api = await apiFor(client);
  } catch (error) {
    return { inputs: news, failures: [checkFailure(`connection: could not ask the service at ${client.address} which API it speaks: ${errorMessage(error)}`)] };
  }
  if (api.generation === "innabox") {
    return {
      inputs: news,
      failures: [checkFailure(`catalogItemId: the innabox generation (fulfillment.v1) has no catalog items; ClusterCatalogItem needs a server of the osac generation (osac.public.v1)`)],
    };
  }
  recordPlannedCatalogItem(client.address, { ...value, rules: fieldRules(value.fieldDefinitions) });
  return { inputs: news };
}

/** Definitions the server could never apply: duplicated paths, unusable schemas, fixed fields without a default. */
function definitionProblems(inputs: CatalogItemInputs): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const definitions = inputs.fieldDefinitions ?? [];
  definitions.forEach((definition, i) => {
    if (containsUnknown(definition)) return;
    if (definitions.findIndex((other) => other.path === definition.path) !== i) {
      failures.push(checkFailure(`fieldDefinitions[${i}].path: '${definition.path}' is defined more than once`));
      return;
    }
    try {
      checkFieldDefinitions(fieldRules([definition]));
    } catch (error) {
      const field = error instanceof FieldDefinitionError && error.message.startsWith("non-editable") ? "default" : "validationSchema";
      const fix = field === "default" ? "give it a default, or make it editable" : "write a JSON Schema 2020-12";
      failures.push(checkFailure(`fieldDefinitions[${i}].${field}: ${errorMessage(error)}; ${fix}`));
    }
  });
  return failures;
}

export async function diff(_id: string, olds: CatalogItemOutputs, news: CatalogItemInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [
    ...(news.catalogItemId !== olds.catalogItemId ? ["catalogItemId"] : []),
    ...((news.project ?? "") !== (olds.project ?? "") ? ["project"] : []),
  ];
  const changes = replaces.length > 0 || changedFields(olds, news).length > 0 || !sameJson(news.connection ?? {}, olds.connection ?? {});
  // Clusters reference the item by id: the old one must go before a new one takes its id.
  return { changes, replaces, deleteBeforeReplace: replaces.includes("project") };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(catalogItemInputsSchema, news);
  const id = inputs.catalogItemId;
  if (inputs.adoptId) {
    if (inputs.adoptId !== id) throw new Error(`import: the catalog item id to adopt ('${inputs.adoptId}') must equal catalogItemId ('${id}')`);
    const current = await read(id, inputs);
    if (!current.id) throw new Error(`cannot adopt cluster catalog item '${id}': the service has no catalog item with that id your token can see`);
    const olds = current.props as CatalogItemOutputs;
    if ((olds.project ?? "") !== (inputs.project ?? "") && inputs.project !== undefined) {
      throw new Error(`cannot adopt cluster catalog item '${id}': it is in project '${olds.project ?? ""}', not '${inputs.project}', and the project cannot change`);
    }
    progress("catalog item", id, "adopting the existing catalog item");
    return { id, outs: (await update(id, olds, news)).outs };
  }
  const api = await apiForInputs(inputs);
  try {
    const created = await api.catalogItems.create(toDomain(inputs));
    progress("catalog item", id, `created${created.published ? "" : " (not published: clusters cannot order it yet)"}`);
    return { id, outs: toView(created, inputs) };
  } catch (error) {
    if (isAlreadyExists(error)) {
      throw new Error(
        `cluster catalog item '${id}' already exists. To manage it with Pulumi, adopt it: add the resource option { import: "${id}" } ` +
          `to this ClusterCatalogItem, run 'pulumi up', then remove the option`,
      );
    }
    throw error;
  }
}

export async function read(id: string, props: Partial<CatalogItemInputs>): Promise<pulumi.dynamic.ReadResult> {
  const api = await apiForInputs(props as CatalogItemInputs);
  const item = await api.catalogItems.get(id);
  if (!item || item.metadata.deletionTime) return { id: "", props: {} };
  const view = toView(item, props);
  const { tenant: _tenant, ...inputs } = view;
  return { id, props: view, inputs };
}

export async function update(id: string, olds: CatalogItemOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(catalogItemInputsSchema, news);
  const changed = changedFields(olds, inputs);
  if (changed.length === 0) return { outs: { ...olds, ...inputs } };
  const api = await apiForInputs(inputs);
  const updated = await api.catalogItems.update(toDomain(inputs));
  progress("catalog item", id, `updated ${changed.join(", ")}`);
  return { outs: toView(updated, inputs) };
}

export async function remove(id: string, props: CatalogItemOutputs): Promise<void> {
  const api = await apiForInputs(props);
  try {
    await api.catalogItems.delete(id);
  } catch (error) {
    if (errorMessage(error).includes("in use")) {
      throw new Error(`${errorMessage(error)}. Delete (or let Pulumi delete first) the clusters ordered from '${id}', then run the command again`);
    }
    throw error;
  }
}

export { remove as delete };


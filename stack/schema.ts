// The YAML stack format: hubs, host classes, templates, catalog items and clusters in one
// document, Terraform-style. Fields a resource has too are validated by that resource's own
// schema, so the messages are the same in both.
import { z } from "zod";
import { durationSchema as oneDurationGrammar } from "../timing/duration";
import { connectionInputSchema } from "../client/connection";
import { dnsLabelSchema, labelsSchema } from "../toolkit/common";
import { clusterInputsSchema, nodeSetInputSchema } from "../resources/clusterModel";
import { projectSchema } from "../resources/objectProject";
import { catalogItemInputsSchema } from "../resources/clusterCatalogItemProvider";

const idSchema = z
  .string({ message: "expected an id such as 'prod-hub-01'" })
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.'" });

const durationSchema = oneDurationGrammar();

const bootstrapSchema = z.strictObject({
  /** The hub's admin kubeconfig file (used only to set the hub up). */
  adminKubeconfigFile: z.string({ message: "set adminKubeconfigFile to the hub's admin kubeconfig file" }),
  serviceAccountName: dnsLabelSchema.optional(),
  clusterAdmin: z.boolean().optional(),
  installCrd: z.boolean().optional(),
  token: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("request"), lifetime: durationSchema.optional(), renewBefore: z.number().gt(0).lt(1).optional() }),
      z.strictObject({ kind: z.literal("secret") }),
    ], { message: "token.kind is 'request' (a renewed TokenRequest token) or 'secret' (a long-lived token Secret)" })
    .optional(),
});

export const hubSpecSchema = z
  .strictObject({
    id: idSchema,
    namespace: dnsLabelSchema,
    /** A ready kubeconfig for the service (content stays secret). */
    kubeconfigFile: z.string().optional(),
    /** Or: bootstrap the hub from an admin kubeconfig. */
    bootstrap: bootstrapSchema.optional(),
    name: dnsLabelSchema.optional(),
    labels: labelsSchema,
    /** osac: the project of the hub's tenant (left out: its default project). */
    project: projectSchema,
  })
  .refine((hub) => (hub.kubeconfigFile === undefined) !== (hub.bootstrap === undefined), {
    message: "set exactly one of kubeconfigFile (a ready kubeconfig) or bootstrap (set the hub up from an admin kubeconfig)",
  });

export const hostClassSpecSchema = z.strictObject({
  /** The id template node sets name as their hostClass. */
  id: z
    .string({ message: "expected a host class id such as 'acme_1tib'" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'acme_1tib')" }),
  title: z.string({ message: "set a title, e.g. 'ACME 1 TiB'" }).min(1, { message: "set a title, e.g. 'ACME 1 TiB'" }),
  description: z.string().optional(),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  project: projectSchema,
});

export const templateSpecSchema = z.strictObject({
  id: idSchema,
  title: z.string({ message: "set a title" }).min(1, { message: "set a title" }),
  description: z.string().optional(),
  parameters: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "parameter names use lowercase letters, digits and '_'" }),
        title: z.string().optional(),
        description: z.string().optional(),
        required: z.boolean().optional(),
        type: z.string({ message: "set type: bool, int32, int64, float, double, string, timestamp, duration, bytes, json or a type URL" }),
        default: z.unknown().optional(),
      }),
    )
    .optional(),
  nodeSets: z.record(z.string(), z.strictObject({ hostClass: z.string().min(1), size: nodeSetInputSchema.shape.size })),
  name: dnsLabelSchema.optional(),
  labels: labelsSchema,
  project: projectSchema,
});

const catalogItem = catalogItemInputsSchema.shape;

/** osac: an offering of clusters of one template (ClusterCatalogItem). */
export const catalogItemSpecSchema = z.strictObject({
  /** The id clusters order as `catalogItem`. */
  id: z
    .string({ message: "expected a catalog item id such as 'small-dev'" })
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: "use letters, digits, '-', '_' and '.' (e.g. 'small-dev')" }),
  title: catalogItem.title,
  description: catalogItem.description,
  /** A template of this stack or one the service has. */
  template: catalogItem.template,
  published: catalogItem.published,
  fieldDefinitions: catalogItem.fieldDefinitions,
  name: catalogItem.name,
  labels: catalogItem.labels,
  project: catalogItem.project,
});

export const clusterSpecSchema = z.strictObject({
  /** Also the Pulumi resource name, so it must be unique in the stack. */
  name: dnsLabelSchema,
  template: z.string({ message: "set template to a template id (one of this stack's templates, or one on the service)" }).min(1),
  parameters: z.record(z.string(), z.unknown()).optional(),
  nodeSets: z.record(z.string(), nodeSetInputSchema).optional(),
  labels: labelsSchema,
  project: clusterInputsSchema.shape.project,
  timeouts: z.strictObject({ create: durationSchema.optional(), update: durationSchema.optional(), delete: durationSchema.optional() }).optional(),
});

export const stackSpecSchema = z
  .strictObject({
    connection: connectionInputSchema.optional(),
    hubs: z.array(hubSpecSchema).optional(),
    /** Host classes to create (writing them takes an admin token); template node sets may name them or the service's. */
    hostClasses: z.array(hostClassSpecSchema).optional(),
    templates: z.array(templateSpecSchema).optional(),
    /** osac only; writing them takes an admin or tenant-admin token. */
    catalogItems: z.array(catalogItemSpecSchema).optional(),
    clusters: z.array(clusterSpecSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    const unique = (items: Array<Record<string, unknown>> | undefined, key: string, list: string) => {
      const seen = new Map<unknown, number>();
      (items ?? []).forEach((item, index) => {
        const value = item[key];
        if (seen.has(value)) {
          ctx.addIssue({ code: "custom", path: [list, index, key], message: `'${String(value)}' is already used by ${list}[${seen.get(value)}]; ${key}s must be unique` });
        } else seen.set(value, index);
      });
    };
    unique(spec.hubs, "id", "hubs");
    unique(spec.hostClasses, "id", "hostClasses");
    unique(spec.templates, "id", "templates");
    unique(spec.catalogItems, "id", "catalogItems");
    unique(spec.clusters, "name", "clusters");
  });

export type StackSpec = z.infer<typeof stackSpecSchema>;
export type HubSpec = z.infer<typeof hubSpecSchema>;
export type HostClassSpec = z.infer<typeof hostClassSpecSchema>;
export type TemplateSpec = z.infer<typeof templateSpecSchema>;
export type CatalogItemSpec = z.infer<typeof catalogItemSpecSchema>;
export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

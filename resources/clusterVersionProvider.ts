// The ClusterVersion resource's provider (osac.private.v1.ClusterVersions, admins only).
// The server always picks the id, so a Create that fails after the server wrote the version
// could leave one nobody manages: create() therefore first looks the version up by its SemVer
// and refuses (or, with `import:`, adopts) one that exists.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ClusterVersion, ClusterVersionSpecInput, FulfillmentApi } from "../client/api";
import { apiForInputs } from "../toolkit/connect";
import { compact, connectionSchema, containsUnknown, labelsSchema, progress, sameJson, parseInputs, validateInputs } from "../toolkit/common";

export const clusterVersionInputsSchema = z.object({
  version: z
    .string({ message: "set version, a SemVer 2.0.0 string such as '4.17.0'" })
    .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/, {
      message: "expected a SemVer 2.0.0 string such as '4.17.0' or '4.17.0-rc.1' (the server refuses anything else)",
    }),
  image: z.string({ message: "set image, the release image pullspec" }).min(1, { message: "set image, the release image pullspec (the server requires it)" }),
  enabled: z.boolean({ message: "expected true or false" }).optional(),
  default: z.boolean({ message: "expected true or false" }).optional(),
  state: z.enum(["ACTIVE", "DEPRECATED", "OBSOLETE"], { message: "expected ACTIVE, DEPRECATED or OBSOLETE" }).optional(),
  allowedUpgrades: z.array(z.string().min(1).max(63, { message: "a version name has at most 63 characters" })).max(1000).optional(),
  name: z.string().min(1).max(63).optional(),
  labels: labelsSchema,
  connection: connectionSchema,
  adoptId: z.string().min(1).optional(),
  clusterVersionId: z.string().optional(),
});
export type ClusterVersionInputs = z.infer<typeof clusterVersionInputsSchema>;

async function versionsOf(inputs: ClusterVersionInputs): Promise<NonNullable<FulfillmentApi["clusterVersions"]>> {
  const api = await apiForInputs(inputs);
  if (!api.clusterVersions) throw new Error(`ClusterVersion: the server speaks the ${api.generation} generation, which has no cluster versions (osac only)`);
  return api.clusterVersions;
}

function toSpec(inputs: ClusterVersionInputs): ClusterVersionSpecInput {
  return compact({
    version: inputs.version,
    image: inputs.image,
    enabled: inputs.enabled,
    isDefault: inputs.default,
    state: inputs.state,
    allowedUpgrades: inputs.allowedUpgrades,
    name: inputs.name,
    labels: inputs.labels,
  }) as ClusterVersionSpecInput;
}

function toView(version: ClusterVersion, previous: Partial<ClusterVersionInputs>): Record<string, unknown> {
  return compact({
    clusterVersionId: version.id,
    version: version.version,
    image: version.image ?? previous.image,
    enabled: version.enabled,
    default: version.isDefault,
    state: version.state,
    allowedUpgrades: version.allowedUpgrades,
    name: version.name,
    labels: Object.keys(version.labels).length ? version.labels : previous.labels,
    connection: previous.connection,
    adoptId: previous.adoptId,
  });
}

const MUTABLE = ["enabled", "default", "state", "allowedUpgrades", "labels"] as const;

/** The mutable fields whose wanted value differs from what the state holds (server defaults count as unset). */
export function drifted(olds: Partial<ClusterVersionInputs>, news: ClusterVersionInputs): string[] {
  const wanted: Record<(typeof MUTABLE)[number], unknown> = {
    enabled: news.enabled ?? true,
    default: news.default ?? false,
    state: news.state ?? "ACTIVE",
    allowedUpgrades: news.allowedUpgrades ?? [],
    labels: news.labels ?? {},
  };
  const had: Record<(typeof MUTABLE)[number], unknown> = {
    enabled: olds.enabled ?? true,
    default: olds.default ?? false,
    state: olds.state ?? "ACTIVE",
    allowedUpgrades: olds.allowedUpgrades ?? [],
    labels: olds.labels ?? {},
  };
  return MUTABLE.filter((key) => !sameJson(wanted[key], had[key]));
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  // At preview the names of versions created in the same program are not known yet.
  const known = Object.fromEntries(
    Object.entries(news).filter(([, value]) => value !== null && !containsUnknown(value) && !(Array.isArray(value) && value.some((item) => item === null))),
  );
  const { failures } = validateInputs(clusterVersionInputsSchema, known);
  return { inputs: news, failures };
}

export async function diff(_id: string, olds: ClusterVersionInputs, news: ClusterVersionInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = (["version", "image"] as const).filter((key) => news[key] !== olds[key]);
  if (news.name !== undefined && news.name !== olds.name) replaces.push("name");
  const changes = replaces.length > 0 || drifted(olds, news).length > 0;
  return { changes, replaces, deleteBeforeReplace: true };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(clusterVersionInputsSchema, news);
  const versions = await versionsOf(inputs);
  const existing = await versions.findByVersion(inputs.version, { admin: true });
  if (existing) {
    if (inputs.adoptId === undefined) {
      throw new Error(
        `cluster version ${inputs.version} already exists (id ${existing.id}, name '${existing.name}'). To manage it with Pulumi, adopt it: ` +
          `add the resource option { import: "${inputs.version}" } to this ClusterVersion, run 'pulumi up', then remove the option`,
      );
    }
    if (existing.image !== undefined && existing.image !== inputs.image) {
      throw new Error(`cannot adopt cluster version ${inputs.version}: its image is '${existing.image}', not '${inputs.image}' (the image is immutable)`);
    }
    progress("cluster version", inputs.version, `adopting the existing version ${existing.id}`);
    const updated = drifted(toView(existing, {}) as ClusterVersionInputs, inputs).length ? await versions.update(existing.id, toSpec(inputs)) : existing;
    return { id: existing.id, outs: toView(updated, inputs) };
  }
  if (inputs.adoptId !== undefined) throw new Error(`cannot adopt cluster version ${inputs.adoptId}: the service has no version ${inputs.version}`);
  const created = await versions.create(toSpec(inputs));
  progress("cluster version", inputs.version, `created (id ${created.id}, name '${created.name}')`);
  return { id: created.id, outs: toView(created, inputs) };
}

export async function read(id: string, props: Partial<ClusterVersionInputs>): Promise<pulumi.dynamic.ReadResult> {
  const versions = await versionsOf(props as ClusterVersionInputs);
  const version = await versions.get(id);
  if (!version) return { id: "", props: {} };
  const view = toView(version, props);
  return { id, props: view, inputs: view };
}

export async function update(id: string, olds: ClusterVersionInputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(clusterVersionInputsSchema, news);
  const changed = drifted(olds, inputs);
  if (changed.length === 0) return { outs: { ...olds, ...inputs } };
  const versions = await versionsOf(inputs);
  const updated = await versions.update(id, toSpec(inputs));
  progress("cluster version", inputs.version, `updated ${changed.join(", ")}`);
  return { outs: toView(updated, inputs) };
}

export async function remove(id: string, props: ClusterVersionInputs): Promise<void> {
  const versions = await versionsOf(props);
  await versions.delete(id);
}

export { remove as delete };

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects of every kind travel as untyped JSON here; @pulumi/kubernetes replaces these resources (issue 19) */
// One dynamic provider for every plain Kubernetes object the components manage
// (Namespace, ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding,
// CustomResourceDefinition, token Secret). Loaded at run time by the serialized
// provider (see toolkit/delegate.ts); never captured.
//
// - create: refuses an object that already exists (says how to adopt it), then applies
//   it with server-side apply (field manager `pulumi-fulfillment`) and waits where the
//   kind needs it (a CRD until Established, a token Secret until its token is filled);
// - update: server-side apply again, so fields removed from the program are removed;
// - read: what the server has now, projected onto the fields the program sets (server
//   defaults are not drift); an object gone (or terminating) leaves the state;
// - adoption: the `import` option arrives as `adoptId` (see moveImportToAdoption in
//   toolkit/delegate.ts): create checks the object exists and applies over it;
// - `ifExists` (for objects that may or may not be there already, like a hub's CRD):
//   "adopt" applies over an existing object instead of refusing it, "skip" leaves an
//   existing one exactly as it is (never applied, compared or deleted); either way the
//   object is recorded as `preexisting` and stays when the resource is deleted. Absent
//   or "fail": an existing object is refused, as above;
// - delete: deletes and waits until the object is gone (not a `preexisting` one).
import { pollUntil } from "../../timing/poll";
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { compact, containsUnknown, initFailure, progress, sameJson, parseInputs, validateInputs } from "../../toolkit/common";
import { FIELD_MANAGER, isNotFound, kubeRequest, loadKubeconfig, type KubeContext } from "../../kube/client";

export const KINDS = {
  Namespace: { apiVersion: "v1", plural: "namespaces", namespaced: false },
  ServiceAccount: { apiVersion: "v1", plural: "serviceaccounts", namespaced: true },
  Secret: { apiVersion: "v1", plural: "secrets", namespaced: true },
  Role: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "roles", namespaced: true },
  ClusterRole: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterroles", namespaced: false },
  RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "rolebindings", namespaced: true },
  ClusterRoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", plural: "clusterrolebindings", namespaced: false },
  CustomResourceDefinition: { apiVersion: "apiextensions.k8s.io/v1", plural: "customresourcedefinitions", namespaced: false },
} as const;
export type Kind = keyof typeof KINDS;

export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
export const SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";

/** Fields whose change the API server refuses: changing them replaces the object. */
const IMMUTABLE_FIELDS: Partial<Record<Kind, string[]>> = {
  RoleBinding: ["roleRef"],
  ClusterRoleBinding: ["roleRef"],
  Secret: ["type"],
};

const nameSchema = z.string({ message: "set the object's name" }).min(1, { message: "set the object's name" }).max(253, { message: "must be at most 253 characters" });
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** RBAC objects only need to be valid URL path segments (e.g. `system:controller:x`). */
const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);
const stringMap = z.record(z.string(), z.string({ message: "values must be strings" })).optional();

export const objectInputsSchema = z
  .object({
    kubeconfig: z
      .string({ message: "pass the admin kubeconfig's content (YAML text), not a path" })
      .min(1, { message: "the kubeconfig content is empty" }),
    apiVersion: z.string(),
    kind: z.enum(Object.keys(KINDS) as [Kind, ...Kind[]]),
    name: nameSchema,
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a DNS label (lowercase letters, digits and '-')" })
      .max(63)
      .optional(),
    labels: stringMap,
    annotations: stringMap,
    /** Every top-level field other than apiVersion, kind and metadata (rules, subjects, roleRef, spec, type ...). */
    fields: z.record(z.string(), z.unknown()).optional(),
    /** Seconds to wait for readiness (CRD established, token filled) and for deletion. */
    timeoutSeconds: z.number().positive().optional(),
    /** Set from the `import` resource option (see moveImportToAdoption): take over the existing object. */
    adoptId: z.string().min(1).optional(),
    /** What create does when the object already exists (default "fail"): see the file's header. */
    ifExists: z.enum(["adopt", "skip", "fail"], { message: "ifExists is 'adopt', 'skip' or 'fail'" }).optional(),
  })
  .superRefine((value, ctx) => {
    const kind = KINDS[value.kind];
    if (kind.apiVersion !== value.apiVersion) {
      ctx.addIssue({ code: "custom", path: ["apiVersion"], message: `${value.kind} is served as '${kind.apiVersion}'` });
    }
    if (kind.namespaced && !value.namespace) {
      ctx.addIssue({ code: "custom", path: ["namespace"], message: `a ${value.kind} lives in a namespace: set namespace` });
    }
    if (!kind.namespaced && value.namespace) {
      ctx.addIssue({ code: "custom", path: ["namespace"], message: `a ${value.kind} is cluster-scoped: leave namespace unset` });
    }
    if (RBAC_KINDS.has(value.kind)) {
      if (/[/%]/.test(value.name) || value.name === "." || value.name === "..") {
        ctx.addIssue({ code: "custom", path: ["name"], message: "must not contain '/' or '%' (and not be '.' or '..')" });
      }
    } else if (!DNS_SUBDOMAIN.test(value.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "must be a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      });
    } else if (value.kind === "Namespace" && (value.name.includes(".") || value.name.length > 63)) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "a namespace name must be a DNS label (no '.', at most 63 characters)" });
    }
  });
export type ObjectInputs = z.infer<typeof objectInputsSchema>;
export interface ObjectOutputs extends ObjectInputs {
  uid: string;
  creationTimestamp: string;
  /** Token Secrets only: the token the controller filled in (secret). */
  token?: string;
  /** The object existed before this resource (ifExists adopt or skip): deleting the resource leaves it. */
  preexisting?: boolean;
}

export function objectPath(kind: Kind, name?: string, namespace?: string): string {
  const info = KINDS[kind];
  const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "")}` : "";
  return `${base}${ns}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
}

export function objectId(inputs: { name: string; namespace?: string }): string {
  return inputs.namespace ? `${inputs.namespace}/${inputs.name}` : inputs.name;
}

function parseId(id: string): { name: string; namespace?: string } {
  const slash = id.indexOf("/");
  return slash < 0 ? { name: id } : { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}

function describe(inputs: { kind: string; name: string; namespace?: string }): string {
  return `${inputs.kind} '${objectId(inputs)}'`;
}

/** The live value reduced to the shape of the desired one: keys the program does not set are server business. */
export function project(live: unknown, desired: unknown): unknown {
  if (desired === undefined) return undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return live;
    if (live.length !== desired.length) return live;
    return live.map((item, i) => project(item, desired[i]));
  }
  if (desired !== null && typeof desired === "object") {
    if (live === null || typeof live !== "object" || Array.isArray(live)) return live;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(desired)) {
      const value = project((live as Record<string, unknown>)[key], (desired as Record<string, unknown>)[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return live;
}

function projectMap(live: Record<string, string> | undefined, desired: Record<string, string> | undefined) {
  if (!desired) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(desired)) if (live?.[key] !== undefined) out[key] = live[key];
  return out;
}

function manifest(inputs: ObjectInputs): Record<string, unknown> {
  return compact({
    ...(inputs.fields ?? {}),
    apiVersion: inputs.apiVersion,
    kind: inputs.kind,
    metadata: { name: inputs.name, namespace: inputs.namespace, labels: inputs.labels, annotations: inputs.annotations },
  });
}

function isTokenSecret(inputs: ObjectInputs): boolean {
  return inputs.kind === "Secret" && inputs.fields?.type === SERVICE_ACCOUNT_TOKEN_TYPE;
}

function toOutputs(inputs: ObjectInputs, live: any): ObjectOutputs {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(inputs.fields ?? {})) {
    const value = project(live?.[key], inputs.fields![key]);
    if (value !== undefined) fields[key] = value;
  }
  const outs: ObjectOutputs = {
    ...inputs,
    name: live?.metadata?.name ?? inputs.name,
    namespace: live?.metadata?.namespace ?? inputs.namespace,
    labels: projectMap(live?.metadata?.labels, inputs.labels),
    annotations: projectMap(live?.metadata?.annotations, inputs.annotations),
    fields: inputs.fields ? fields : undefined,
    uid: live?.metadata?.uid ?? "",
    creationTimestamp: live?.metadata?.creationTimestamp ?? "",
  };
  if (isTokenSecret(inputs)) {
    const data = live?.data?.token;
    outs.token = data ? Buffer.from(data, "base64").toString("utf8") : "";
  }
  return compact(outs);
}

async function get(ctx: KubeContext, inputs: { kind: Kind; name: string; namespace?: string }): Promise<any | undefined> {
  try {
    return await kubeRequest(ctx, "GET", objectPath(inputs.kind, inputs.name, inputs.namespace));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function apply(ctx: KubeContext, inputs: ObjectInputs): Promise<any> {
  return kubeRequest(ctx, "PATCH", objectPath(inputs.kind, inputs.name, inputs.namespace), {
    body: manifest(inputs),
    contentType: "application/apply-patch+yaml",
    query: { fieldManager: FIELD_MANAGER, force: "true" },
  });
}

/** Polls `probe` (with backoff up to 1 s) until it returns a value, or undefined once the deadline passes. */
async function poll<T>(deadline: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await pollUntil<T | undefined>({
      what: "the object to be ready",
      timeoutMs: Math.max(0, deadline - Date.now()),
      fetch: probe,
      isDone: (value) => value !== undefined,
      describe: (value) => (value === undefined ? "waiting" : "ready"),
      maxDelayMs: 1_000,
    });
  } catch (error) {
    if (error instanceof Error && error.name === "WaitTimeoutError") return undefined;
    throw error;
  }
}

/** Waits for what the kind needs before others can use it; returns the live object, or a reason it is not ready. */
async function waitReady(ctx: KubeContext, inputs: ObjectInputs, live: any): Promise<{ live: any; problem?: string }> {
  const timeoutMs = (inputs.timeoutSeconds ?? 60) * 1000;
  const deadline = Date.now() + timeoutMs;
  if (inputs.kind === "CustomResourceDefinition") {
    const ready = await poll(deadline, async () => {
      const current = await get(ctx, inputs);
      const conditions: any[] = current?.status?.conditions ?? [];
      return conditions.some((c) => c.type === "Established" && c.status === "True") ? current : undefined;
    });
    if (ready) return { live: ready };
    return { live, problem: `${describe(inputs)} was applied but is not Established after ${timeoutMs / 1000}s (check its names and schema)` };
  }
  if (isTokenSecret(inputs)) {
    const ready = await poll(deadline, async () => {
      const current = await get(ctx, inputs);
      return current?.data?.token ? current : undefined;
    });
    if (ready) return { live: ready };
    const account = inputs.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION];
    return {
      live,
      problem:
        `${describe(inputs)} was created but no token was filled in within ${timeoutMs / 1000}s. The cluster's ` +
        `kube-controller-manager (its serviceaccount-token controller) fills such Secrets; is it running, and does ` +
        `service account '${account}' exist in namespace '${inputs.namespace}'? Or use a requested token ({ kind: "request" }).`,
    };
  }
  return { live };
}

/** A namespace being deleted blocks a new one of the same name (replace, re-create): wait for it to go. */
async function waitGone(ctx: KubeContext, inputs: { kind: Kind; name: string; namespace?: string }, timeoutMs: number): Promise<boolean> {
  const gone = await poll(Date.now() + timeoutMs, async () => ((await get(ctx, inputs)) === undefined ? true : undefined));
  return gone === true;
}

function adoptMessage(inputs: ObjectInputs): string {
  return (
    `${describe(inputs)} already exists in the cluster. To manage it with Pulumi, adopt it: add the resource ` +
    `option { import: "${objectId(inputs)}" } to this resource and run 'pulumi up': the fields this ` +
    "program sets are then applied over the live object (the option may stay or go afterwards). Or choose another name."
  );
}

/** A skipped object's outputs: what the program wrote (the live object is not compared), and its identity. */
function skippedOutputs(inputs: ObjectInputs, live: any): ObjectOutputs {
  return compact({
    ...inputs,
    uid: live?.metadata?.uid ?? "",
    creationTimestamp: live?.metadata?.creationTimestamp ?? "",
    preexisting: true,
  });
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { failures } = validateInputs(objectInputsSchema, news);
  return { inputs: news, failures };
}

export async function diff(_id: string, olds: ObjectOutputs, news: ObjectInputs): Promise<pulumi.dynamic.DiffResult> {
  const replaces: string[] = [];
  for (const key of ["apiVersion", "kind", "name", "namespace"] as const) {
    if (!sameJson(news[key], olds[key])) replaces.push(key);
  }
  for (const field of IMMUTABLE_FIELDS[news.kind] ?? []) {
    if (news.fields?.[field] !== undefined && !sameJson(news.fields[field], olds.fields?.[field])) replaces.push("fields");
  }
  const account = SERVICE_ACCOUNT_NAME_ANNOTATION;
  if (news.kind === "Secret" && news.annotations?.[account] !== olds.annotations?.[account]) replaces.push("annotations");
  const diffs: string[] = [...replaces];
  // A skipped object is never compared: only what reaching it and waiting for it need counts.
  const skipped = olds.preexisting === true && news.ifExists === "skip";
  // ifExists matters at creation; for an object that existed before, switching skip/adopt is a change.
  if (olds.preexisting === true && (news.ifExists ?? "fail") !== (olds.ifExists ?? "fail")) diffs.push("ifExists");
  for (const key of skipped ? (["kubeconfig", "timeoutSeconds"] as const) : (["labels", "annotations", "fields", "kubeconfig", "timeoutSeconds"] as const)) {
    const changed = containsUnknown(news[key]) || !sameJson(news[key] ?? (key === "kubeconfig" ? undefined : {}), olds[key] ?? (key === "kubeconfig" ? undefined : {}));
    if (changed && !diffs.includes(key)) diffs.push(key);
  }
  const unique = [...new Set(replaces)];
  return { changes: diffs.length > 0, replaces: unique, deleteBeforeReplace: true };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(objectInputsSchema, news);
  const ctx = loadKubeconfig(inputs.kubeconfig, "admin kubeconfig");
  const existing = await get(ctx, inputs);
  const id = objectId(inputs);
  if (inputs.adoptId !== undefined) {
    if (inputs.adoptId !== id) throw new Error(`import: the object to adopt ('${inputs.adoptId}') must be this resource's '${id}' (<namespace>/<name>, or <name> for cluster-scoped kinds)`);
    if (!existing || existing.metadata?.deletionTimestamp) throw new Error(`cannot adopt ${describe(inputs)}: it does not exist in the cluster`);
    progress(inputs.kind, id, "adopting the existing object (server-side apply takes over the fields this program sets)");
  } else if (existing && !existing.metadata?.deletionTimestamp && inputs.ifExists === "skip") {
    const { live, problem } = await waitReady(ctx, inputs, existing);
    const outs = skippedOutputs(inputs, live);
    if (problem) throw initFailure(id, outs as unknown as Record<string, unknown>, news, problem);
    progress(inputs.kind, id, "exists already; left as it is (ifExists: skip), and left in place on delete");
    return { id, outs };
  } else if (existing && !existing.metadata?.deletionTimestamp && inputs.ifExists === "adopt") {
    progress(inputs.kind, id, "exists already; adopting it (ifExists: adopt): this program's fields are applied over it, and it stays on delete");
    const applied = await apply(ctx, inputs);
    const { live, problem } = await waitReady(ctx, inputs, applied);
    const outs: ObjectOutputs = { ...toOutputs(inputs, live), preexisting: true };
    if (problem) throw initFailure(id, outs as unknown as Record<string, unknown>, news, problem);
    progress(inputs.kind, id, "adopted");
    return { id, outs };
  } else if (existing) {
    const terminating = existing.metadata?.deletionTimestamp;
    if (!terminating) throw new Error(adoptMessage(inputs));
    progress(inputs.kind, objectId(inputs), "waiting for the previous object of this name to finish terminating");
    if (!(await waitGone(ctx, inputs, (inputs.timeoutSeconds ?? 120) * 1000))) {
      throw new Error(`${describe(inputs)} is still terminating from an earlier deletion; retry when it is gone`);
    }
  }
  const applied = await apply(ctx, inputs);
  const { live, problem } = await waitReady(ctx, inputs, applied);
  const outs = toOutputs(inputs, live);
  if (problem) throw initFailure(id, outs as unknown as Record<string, unknown>, news, problem);
  progress(inputs.kind, id, inputs.adoptId ? "adopted" : "created");
  return { id, outs };
}

export async function read(id: string, props: Partial<ObjectOutputs>): Promise<pulumi.dynamic.ReadResult> {
  if (!props?.kubeconfig || !props.kind) {
    throw new Error(
      `cannot read Kubernetes object '${id}': the resource's inputs (kubeconfig, kind) are missing. Adopt objects with the ` +
        "`import` resource option on a resource declared in the program (the `pulumi import` command cannot build dynamic resources).",
    );
  }
  const ctx = loadKubeconfig(props.kubeconfig, "admin kubeconfig");
  const where = parseId(id);
  const kind = props.kind as Kind;
  const live = await get(ctx, { kind, ...where });
  if (!live || live.metadata?.deletionTimestamp) return { id: "", props: {} };
  if (props.preexisting === true && props.ifExists === "skip") {
    // Left alone, so not compared either: only its existence (and identity) is refreshed.
    const outs = skippedOutputs({ ...(props as ObjectInputs), ...where }, live);
    const { uid: _uid, creationTimestamp: _created, token: _token, preexisting: _pre, ...inputs } = outs;
    return { id, props: outs, inputs: compact({ ...inputs, __provider: undefined }) };
  }
  const desired = { ...(props as ObjectInputs), ...where };
  const outs: ObjectOutputs = { ...toOutputs(desired, live), ...(props.preexisting ? { preexisting: true } : {}) };
  const { uid: _uid, creationTimestamp: _created, token: _token, preexisting: _pre, ...inputs } = outs;
  return { id, props: outs, inputs: compact({ ...inputs, __provider: undefined }) };
}

export async function update(id: string, olds: ObjectOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(objectInputsSchema, news);
  const ctx = loadKubeconfig(inputs.kubeconfig, "admin kubeconfig");
  let preexisting = olds.preexisting === true;
  if (preexisting && inputs.ifExists === "skip") {
    const current = await get(ctx, inputs);
    if (current && !current.metadata?.deletionTimestamp) return { outs: skippedOutputs(inputs, current) };
    preexisting = false; // gone meanwhile: apply creates it, and it is this stack's from now on
  }
  const applied = await apply(ctx, inputs);
  const { live, problem } = await waitReady(ctx, inputs, applied);
  const outs: ObjectOutputs = { ...toOutputs(inputs, live), ...(preexisting ? { preexisting: true } : {}) };
  if (problem) throw initFailure(id, outs as unknown as Record<string, unknown>, news, problem);
  progress(inputs.kind, id, "updated");
  return { outs };
}

export async function remove(id: string, props: ObjectOutputs): Promise<void> {
  if (props.preexisting === true) {
    progress(props.kind, id, "existed before this stack (ifExists), so it is left in place");
    return;
  }
  const ctx = loadKubeconfig(props.kubeconfig, "admin kubeconfig");
  const target = { kind: props.kind, ...parseId(id) };
  try {
    await kubeRequest(ctx, "DELETE", objectPath(target.kind, target.name, target.namespace), {
      body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
    });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const timeoutMs = (props.timeoutSeconds ?? (props.kind === "Namespace" ? 120 : 30)) * 1000;
  if (!(await waitGone(ctx, target, timeoutMs))) {
    progress(props.kind, id, `deletion requested; still present after ${timeoutMs / 1000}s (finalizers), it goes away on its own`);
  }
}

export { remove as delete };

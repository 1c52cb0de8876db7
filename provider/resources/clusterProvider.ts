// The Cluster resource's provider, loaded by the dynamic provider host at run time
// (see delegate.ts). Create waits for READY, update waits for node sets to converge,
// delete waits for NOT_FOUND; a wait that fails never loses the cluster's id.
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import type { Any } from "@bufbuild/protobuf/wkt";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import {
  ClusterConditionType,
  ClusterState,
  type Cluster as ClusterMessage,
} from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { ConditionStatus } from "../../proto/gen/shared/v1/metadata_pb";
import type { FulfillmentClient } from "../client";
import { grpcCode, isAlreadyExists, isNotFound } from "../errors";
import { packParameter, parameterValuesEqual, unpackParameter } from "../anyValues";
import { formatDuration, parseDuration } from "../duration";
import { pollUntil } from "../wait";
import { clientForInputs } from "./connect";
import {
  checkFailure,
  compact,
  containsUnknown,
  errorMessage,
  initFailure,
  isUnknown,
  progress,
  validateInputs,
} from "./common";
import {
  DEFAULT_TIMEOUTS,
  clusterInputsSchema,
  diffCluster,
  nodeSetsForUpdate,
  userViewOfNodeSets,
  userViewOfParameters,
  type ClusterInputs,
  type ClusterOutputs,
  type ClusterStateName,
  type ConditionState,
  type NodeSetState,
} from "./clusterModel";
import { plannedTemplate } from "./plannedTemplates";
import { lookupHostClassId, lookupTemplate, TemplateNotFoundError, type TemplateInfo } from "./templateLookup";

const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;

const STATE_NAMES: Record<number, ClusterStateName> = {
  [ClusterState.UNSPECIFIED]: "UNSPECIFIED",
  [ClusterState.PROGRESSING]: "PROGRESSING",
  [ClusterState.READY]: "READY",
  [ClusterState.FAILED]: "FAILED",
};
const CONDITION_NAMES: Record<number, string> = {
  [ClusterConditionType.UNSPECIFIED]: "Unspecified",
  [ClusterConditionType.PROGRESSING]: "Progressing",
  [ClusterConditionType.READY]: "Ready",
  [ClusterConditionType.FAILED]: "Failed",
  [ClusterConditionType.DEGRADED]: "Degraded",
};
const STATUS_NAMES: Record<number, string> = {
  [ConditionStatus.UNSPECIFIED]: "Unknown",
  [ConditionStatus.TRUE]: "True",
  [ConditionStatus.FALSE]: "False",
};

function parse(news: unknown): ClusterInputs {
  const { value, failures } = validateInputs(clusterInputsSchema, news);
  if (!value) throw new Error(failures.map((f) => f.reason).join("; "));
  return value;
}

function displayName(inputs: { name?: string }, id?: string): string {
  return inputs.name ? `'${inputs.name}'${id ? ` (${id})` : ""}` : id ? `'${id}'` : "(new)";
}

function timeoutMs(inputs: ClusterInputs, kind: keyof typeof DEFAULT_TIMEOUTS): number {
  return parseDuration(inputs.timeouts?.[kind] ?? DEFAULT_TIMEOUTS[kind], `timeouts.${kind}`);
}

function conditionsOf(cluster: ClusterMessage): ConditionState[] {
  return (cluster.status?.conditions ?? []).map((c) =>
    compact({
      type: CONDITION_NAMES[c.type] ?? String(c.type),
      status: STATUS_NAMES[c.status] ?? String(c.status),
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime
        ? new Date(Number(c.lastTransitionTime.seconds) * 1000 + Math.floor(c.lastTransitionTime.nanos / 1e6)).toISOString()
        : undefined,
    }),
  );
}

function stateOf(cluster: ClusterMessage): ClusterStateName {
  return STATE_NAMES[cluster.status?.state ?? ClusterState.UNSPECIFIED] ?? "UNSPECIFIED";
}

/** One line for progress output: state plus the condition that explains it. */
export function describeCluster(cluster: ClusterMessage): string {
  const state = stateOf(cluster);
  if (state === "UNSPECIFIED") return "PENDING (waiting for the controller's first pass)";
  const conditions = conditionsOf(cluster);
  const explaining =
    state === "FAILED"
      ? conditions.find((c) => c.type === "Failed")
      : state === "PROGRESSING"
        ? conditions.find((c) => c.type === "Progressing" && (c.reason || c.message))
        : undefined;
  const detail = explaining ? [explaining.reason, explaining.message].filter(Boolean).join(": ") : "";
  return detail ? `${state} (${detail})` : state;
}

function nodeSetsOf(map: Record<string, { hostClass: string; size: number }> | undefined): Record<string, NodeSetState> {
  const out: Record<string, NodeSetState> = {};
  for (const [key, value] of Object.entries(map ?? {})) out[key] = { hostClass: value.hostClass, size: value.size };
  return out;
}

function storedParameters(cluster: ClusterMessage): { values: Record<string, unknown>; types: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const types: Record<string, string> = {};
  for (const [key, any] of Object.entries(cluster.spec?.templateParameters ?? {})) {
    values[key] = unpackParameter(any, `templateParameters.${key}`);
    types[key] = any.typeUrl;
  }
  return { values, types };
}

function templateDefaults(template: TemplateInfo | undefined): ClusterOutputs["templateDefaults"] {
  const parameters: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(template?.parameters ?? {})) if (p.hasDefault) parameters[key] = p.default;
  return { parameters, nodeSets: template?.nodeSets ?? {} };
}

function equalByType(types: Record<string, string>) {
  return (name: string, a: unknown, b: unknown) =>
    types[name] ? parameterValuesEqual(types[name], a, b) : JSON.stringify(a) === JSON.stringify(b);
}

interface Observed {
  cluster: ClusterMessage;
  hub: string;
  kubeconfig: string;
  password: string;
}

function toOutputs(
  view: ClusterInputs,
  observed: Observed,
  defaults: ClusterOutputs["templateDefaults"],
): ClusterOutputs {
  const { cluster } = observed;
  const params = storedParameters(cluster);
  return compact({
    ...view,
    clusterId: cluster.id,
    templateId: cluster.spec?.template ?? "",
    effectiveTemplateParameters: params.values,
    parameterTypes: params.types,
    effectiveNodeSets: nodeSetsOf(cluster.spec?.nodeSets),
    observedNodeSets: nodeSetsOf(cluster.status?.nodeSets),
    state: stateOf(cluster),
    conditions: conditionsOf(cluster),
    apiUrl: cluster.status?.apiUrl ?? "",
    consoleUrl: cluster.status?.consoleUrl ?? "",
    hub: observed.hub,
    kubeconfig: observed.kubeconfig,
    password: observed.password,
    templateDefaults: defaults,
  });
}

async function getCluster(client: FulfillmentClient, id: string): Promise<ClusterMessage | undefined> {
  try {
    return (await client.call(Clusters.method.get, { id }, { objectId: id })).object;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The hub a cluster landed on is only visible through the admin API; a client token simply does not see it. */
async function hubOf(client: FulfillmentClient, id: string): Promise<string> {
  try {
    const got = await client.call(PrivateClusters.method.get, { id }, { objectId: id });
    return got.object?.status?.hub ?? "";
  } catch (error) {
    const code = grpcCode(error);
    if (code === GRPC_PERMISSION_DENIED || code === GRPC_UNIMPLEMENTED || isNotFound(error)) return "";
    throw error;
  }
}

/** Kubeconfig and password exist once the hosted cluster's secrets do; until then NOT_FOUND. */
async function credentialsOf(client: FulfillmentClient, id: string): Promise<{ kubeconfig: string; password: string }> {
  const fetchOne = async (method: "kubeconfig" | "password") => {
    try {
      if (method === "kubeconfig") return (await client.call(Clusters.method.getKubeconfig, { id }, { objectId: id })).kubeconfig;
      return (await client.call(Clusters.method.getPassword, { id }, { objectId: id })).password;
    } catch (error) {
      if (isNotFound(error) || grpcCode(error) === GRPC_PERMISSION_DENIED) return "";
      throw error;
    }
  };
  return { kubeconfig: await fetchOne("kubeconfig"), password: await fetchOne("password") };
}

export const CREDENTIALS_ACCESS_HINT =
  "The service reads them through the hub: the HostedCluster and its Secrets in the namespace the ClusterOrder " +
  "reports (e.g. clusters-<id>), with the hub's registered credentials, which may lack 'get' on " +
  "hostedclusters.hypershift.openshift.io and secrets there (HubBootstrap grants exactly these; re-run it, or grant them to the hub's service account)";

/**
 * Right after READY the real server answers INTERNAL while the hosted cluster's secrets are
 * not readable yet, or when the hub's credentials may not read them: retry until `deadline`,
 * then say which access the hub needs.
 */
async function credentialsOnceReadable(client: FulfillmentClient, id: string, label: string, deadline: number): Promise<{ kubeconfig: string; password: string }> {
  let lastError: unknown;
  try {
    const result = await pollUntil({
      what: `the kubeconfig and password of cluster ${label} to be readable`,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
      fetch: async () => {
        try {
          return await credentialsOf(client, id);
        } catch (error) {
          if (grpcCode(error) !== grpc.status.INTERNAL) throw error;
          lastError = error;
          return undefined;
        }
      },
      isDone: (credentials) => credentials !== undefined,
      describe: (credentials) => (credentials ? "kubeconfig and password readable" : "READY, but the service cannot read the kubeconfig yet (INTERNAL)"),
      onProgress: (line) => progress("cluster", label, line),
      maxDelayMs: 2_000,
    });
    return result!;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "WaitTimeoutError") throw error;
    throw new Error(`cluster ${label} is READY, but the service kept failing to read its kubeconfig or password: ${errorMessage(lastError)}. ${CREDENTIALS_ACCESS_HINT}`);
  }
}

async function observe(client: FulfillmentClient, cluster: ClusterMessage, waitForCredentials?: { label: string; deadline: number }): Promise<Observed> {
  const ready = stateOf(cluster) === "READY";
  const credentials = async () => {
    if (!ready) return { kubeconfig: "", password: "" };
    if (waitForCredentials) return credentialsOnceReadable(client, cluster.id, waitForCredentials.label, waitForCredentials.deadline);
    try {
      return await credentialsOf(client, cluster.id);
    } catch (error) {
      // A refresh should not fail on what only the hub's access decides; the state keeps empty values.
      if (grpcCode(error) === grpc.status.INTERNAL) {
        progress("cluster", cluster.id, `could not read the kubeconfig or password (${errorMessage(error)}). ${CREDENTIALS_ACCESS_HINT}`);
        return { kubeconfig: "", password: "" };
      }
      throw error;
    }
  };
  const [hub, creds] = await Promise.all([hubOf(client, cluster.id), credentials()]);
  return { cluster, hub, ...creds };
}

function failureMessage(cluster: ClusterMessage): string {
  const conditions = conditionsOf(cluster)
    .filter((c) => c.status === "True" || c.reason || c.message)
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}`);
  return `cluster ${cluster.id} FAILED${conditions.length ? `; conditions: ${conditions.join("; ")}` : ""}`;
}

/** How long a cluster may stay PENDING before the wait says what is likely wrong. */
export function pendingHintAfterMs(timeout: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(timeout / 4)));
}

/**
 * Why a cluster stays PENDING: the real controller's first pass failed, most often because
 * the hub it picked cannot be reached, and it tries again only when the cluster changes or
 * at its hourly resync. Lists the registered hubs when the token may see them.
 */
async function pendingDiagnosis(client: FulfillmentClient, label: string, pendingMs: number): Promise<string> {
  let hubs: string;
  try {
    const listed = await client.call(Hubs.method.list, {});
    hubs = listed.items.length
      ? `registered hubs: ${listed.items.map((h) => `'${h.id}' (namespace '${h.namespace}')`).join(", ")}`
      : "no hub is registered (register one with a Hub resource or HubBootstrap)";
  } catch (error) {
    hubs = `the registered hubs are not visible with this token (${grpcCode(error) === GRPC_PERMISSION_DENIED ? "admin API" : errorMessage(error)})`;
  }
  return (
    `cluster ${label} is still PENDING after ${formatDuration(pendingMs)}: the service's controller has not taken it up. ` +
    `This usually means the hub it picked could not be reached or refused the ClusterOrder; the real controller then retries only ` +
    `when the cluster changes or at its hourly resync. Check that each hub's kubeconfig reaches its API server; ${hubs}. ` +
    `After fixing the hub, changing one of the cluster's labels makes the controller try again`
  );
}

async function waitForClusterReady(client: FulfillmentClient, id: string, label: string, timeout: number): Promise<ClusterMessage> {
  const started = Date.now();
  const hintAfter = pendingHintAfterMs(timeout);
  let pendingSince: number | undefined;
  let diagnosis: string | undefined;
  try {
    return await pollUntil({
    what: `cluster ${label} to become READY`,
    timeoutMs: timeout,
    fetch: async () => {
      const cluster = await getCluster(client, id);
      if (!cluster) throw new Error(`cluster ${label} disappeared from the service while waiting for it to become READY`);
      if (stateOf(cluster) !== "UNSPECIFIED") pendingSince = undefined;
      else {
        pendingSince ??= Date.now();
        if (!diagnosis && Date.now() - pendingSince >= hintAfter) {
          diagnosis = await pendingDiagnosis(client, label, Date.now() - pendingSince);
          progress("cluster", label, diagnosis);
        }
      }
      return cluster;
    },
    isDone: (cluster) => {
      const state = stateOf(cluster);
      if (state === "FAILED") throw new Error(failureMessage(cluster));
      return state === "READY";
    },
    describe: describeCluster,
    onProgress: (line) => progress("cluster", label, line),
  });
  } catch (error) {
    if (diagnosis && pendingSince !== undefined && error instanceof Error && error.name === "WaitTimeoutError") {
      throw Object.assign(new Error(`${error.message}. ${diagnosis.replace(/ after [^:]+:/, ` after ${formatDuration(Date.now() - Math.max(started, pendingSince))}:`)}`), { name: "WaitTimeoutError" });
    }
    throw error;
  }
}

function nodeSetsConverged(cluster: ClusterMessage): boolean {
  const spec = cluster.spec?.nodeSets ?? {};
  const status = cluster.status?.nodeSets ?? {};
  const keys = new Set([...Object.keys(spec), ...Object.keys(status)]);
  for (const key of keys) if (spec[key]?.size !== status[key]?.size) return false;
  return true;
}

function describeNodeSets(cluster: ClusterMessage): string {
  const spec = cluster.spec?.nodeSets ?? {};
  const status = cluster.status?.nodeSets ?? {};
  const keys = [...new Set([...Object.keys(spec), ...Object.keys(status)])].sort();
  return `node sets ${keys.map((k) => `${k} ${status[k]?.size ?? 0}/${spec[k]?.size ?? 0}`).join(", ")}`;
}

async function waitForNodeSets(client: FulfillmentClient, id: string, label: string, timeout: number): Promise<ClusterMessage> {
  return pollUntil({
    what: `the node sets of cluster ${label} to reach their sizes`,
    timeoutMs: timeout,
    fetch: async () => {
      const cluster = await getCluster(client, id);
      if (!cluster) throw new Error(`cluster ${label} disappeared from the service during the update`);
      return cluster;
    },
    isDone: (cluster) => {
      if (stateOf(cluster) === "FAILED") throw new Error(failureMessage(cluster));
      return nodeSetsConverged(cluster);
    },
    describe: describeNodeSets,
    onProgress: (line) => progress("cluster", label, line),
  });
}

function packParameters(template: TemplateInfo, values: Record<string, unknown> | undefined): Record<string, Any> {
  const packed: Record<string, Any> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    const definition = template.parameters[key];
    if (!definition) throw new Error(unknownParameterMessage(template, key));
    packed[key] = packParameter(definition.typeUrl, value, `templateParameters.${key}`);
  }
  return packed;
}

function listNames(names: string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(", ") : "none";
}

function unknownParameterMessage(template: TemplateInfo, key: string): string {
  return `template '${template.id}' has no parameter '${key}'; valid parameters: ${listNames(Object.keys(template.parameters))}`;
}

/** Preview-time validation against the template, when it can be read. */
async function checkAgainstTemplate(client: FulfillmentClient, inputs: ClusterInputs): Promise<{ failures: pulumi.dynamic.CheckFailure[]; normalized: ClusterInputs }> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  let template: TemplateInfo;
  let untyped = new Set<string>();
  try {
    template = await lookupTemplate(client, inputs.template);
  } catch (error) {
    // Not on the service yet, but a ClusterTemplate resource of this program describes it
    // (a new stack's preview): validate against that description instead.
    const planned = error instanceof TemplateNotFoundError ? plannedTemplate(client.address, inputs.template) : undefined;
    if (!planned) {
      const reason = error instanceof TemplateNotFoundError ? `template: ${error.message}` : `template: could not read template '${inputs.template}' to validate the cluster: ${errorMessage(error)}`;
      return { failures: [checkFailure(reason)], normalized: inputs };
    }
    template = planned;
    untyped = planned.untypedParameters;
  }
  const params = inputs.templateParameters ?? {};
  for (const [key, value] of Object.entries(params)) {
    const definition = template.parameters[key];
    if (!definition) {
      failures.push(checkFailure(`templateParameters.${key}: ${unknownParameterMessage(template, key)}`));
    } else if (!containsUnknown(value) && !untyped.has(key)) {
      try {
        packParameter(definition.typeUrl, value, `templateParameters.${key}`);
      } catch (error) {
        failures.push(checkFailure(errorMessage(error)));
      }
    }
  }
  for (const [key, definition] of Object.entries(template.parameters)) {
    if (definition.required && !(key in params)) {
      failures.push(checkFailure(`templateParameters.${key}: template '${template.id}' requires this parameter; add it to templateParameters`));
    }
  }
  const normalizedSets: NonNullable<ClusterInputs["nodeSets"]> = {};
  for (const [key, nodeSet] of Object.entries(inputs.nodeSets ?? {})) {
    const templateSet = template.nodeSets[key];
    if (!templateSet) {
      failures.push(checkFailure(`nodeSets.${key}: template '${template.id}' has no node set '${key}'; valid node sets: ${listNames(Object.keys(template.nodeSets))}`));
      continue;
    }
    normalizedSets[key] = nodeSet;
    if (nodeSet.hostClass !== undefined && !isUnknown(nodeSet.hostClass) && nodeSet.hostClass !== templateSet.hostClass) {
      const resolved = await lookupHostClassId(client, nodeSet.hostClass);
      if (resolved === templateSet.hostClass) normalizedSets[key] = { ...nodeSet, hostClass: resolved };
      else {
        failures.push(checkFailure(`nodeSets.${key}.hostClass: template '${template.id}' uses host class '${templateSet.hostClass}' for node set '${key}'; leave hostClass out or set it to '${templateSet.hostClass}'`));
      }
    }
  }
  const normalized = inputs.nodeSets ? { ...inputs, nodeSets: normalizedSets } : inputs;
  return { failures, normalized };
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(clusterInputsSchema, news);
  if (!value || failures.length) return { inputs: news, failures };
  if (isUnknown(value.template) || containsUnknown(value.connection)) return { inputs: news };
  const client = clientForInputs(value);
  const checked = await checkAgainstTemplate(client, value);
  if (checked.failures.length) return { inputs: news, failures: checked.failures };
  return { inputs: { ...news, ...(value.nodeSets ? { nodeSets: checked.normalized.nodeSets } : {}) } };
}

export async function diff(id: string, olds: ClusterOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = news as ClusterInputs;
  if (containsUnknown(inputs.template)) return { changes: true, replaces: ["template"], deleteBeforeReplace: false };
  const result = diffCluster(olds, inputs, equalByType(olds.parameterTypes ?? {}));
  const unknownReplaces = ["templateParameters"].filter((k) => containsUnknown((inputs as Record<string, unknown>)[k]));
  // A FAILED cluster never recovers on the service: only a new one can reach READY. Like a
  // tainted resource, it is replaced (the preview shows it), and the failed one is deleted
  // once its replacement is READY.
  const failed = olds.state === "FAILED" ? ["state"] : [];
  if (failed.length) progress("cluster", displayName(inputs, id), "is FAILED on the service; it will be replaced by a new cluster");
  const resized = Object.entries(result.changed)
    .filter(([path, kind]) => path.startsWith("nodeSets.") && kind === "update")
    .map(([path]) => path)
    .filter((path) => !hubAlreadyHas(path, inputs, olds));
  if (olds.state === "READY" && resized.length && !failed.length && !result.replaces.length) {
    throw new Error(resizeAfterReadyRefusal(displayName(inputs, id), resized, olds));
  }
  return {
    changes: result.changes || unknownReplaces.length > 0 || failed.length > 0 || containsUnknown(inputs),
    replaces: [...new Set([...result.replaces, ...unknownReplaces, ...failed])],
    deleteBeforeReplace: false,
  };
}

/**
 * A node set change the hub need not act on: the spec only comes back to what the hub
 * reports (e.g. after an out-of-band resize that never reached the hub).
 */
function hubAlreadyHas(path: string, inputs: ClusterInputs, olds: ClusterOutputs): boolean {
  const key = path.split(".")[1];
  const observed = olds.observedNodeSets?.[key];
  const desired = inputs.nodeSets?.[key];
  if (path.endsWith(".size")) return observed !== undefined && desired?.size === observed.size;
  return desired === undefined ? observed === undefined : observed !== undefined && desired.size === observed.size;
}

/**
 * The innabox generation's controller acts on a cluster only while it is PROGRESSING: after
 * READY, node set changes never reach the hub, so a resize could only wait until it timed out.
 */
function resizeAfterReadyRefusal(label: string, paths: string[], olds: ClusterOutputs): string {
  const now = Object.entries(olds.effectiveNodeSets ?? {}).map(([key, set]) => `${key}: ${set.size}`).join(", ");
  return (
    `cluster ${label}: ${paths.join(", ")} cannot change on a READY cluster of this service (the innabox generation, ` +
    `fulfillment.v1): its controller acts on a cluster only while it is PROGRESSING, so the change would never reach the hub ` +
    `and the update would wait until it timed out. Keep the node sets as they are (now ${now || "none"}), or order a new ` +
    `Cluster with the sizes you want and remove this one`
  );
}

/** Takes over an existing cluster (the `import` option): it must match what cannot change in place. */
async function adopt(id: string, inputs: ClusterInputs, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const current = await read(id, { ...news, clusterId: id });
  if (!current.id) throw new Error(`cannot adopt cluster '${id}': the service has no cluster with that id`);
  const olds = current.props as ClusterOutputs;
  const found = diffCluster(olds, inputs, equalByType(olds.parameterTypes ?? {}));
  const fixed = Object.entries(found.changed).filter(([, kind]) => kind === "replace").map(([path]) => path);
  if (fixed.length) {
    throw new Error(
      `cannot adopt cluster '${id}': ${fixed.join(", ")} in the program differ from the cluster and cannot change in place; ` +
        `make the program match (the cluster has template '${olds.templateId}')`,
    );
  }
  const label = displayName(inputs, id);
  progress("cluster", label, "adopting the existing cluster");
  if (found.changes) return { id, outs: (await update(id, olds, news)).outs };
  if (olds.state === "READY") return { id, outs: olds };
  const client = clientForInputs(inputs);
  const deadline = Date.now() + timeoutMs(inputs, "create");
  const ready = await waitForClusterReady(client, id, label, deadline - Date.now());
  return { id, outs: toOutputs(inputs, await observe(client, ready, { label, deadline }), olds.templateDefaults) };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parse(news);
  if (inputs.adoptId) return adopt(inputs.adoptId, inputs, news);
  const client = clientForInputs(inputs);
  const template = await lookupTemplate(client, inputs.template);
  const templateParameters = packParameters(template, inputs.templateParameters);
  const nodeSets: Record<string, NodeSetState> = {};
  for (const [key, nodeSet] of Object.entries(inputs.nodeSets ?? {})) nodeSets[key] = { hostClass: nodeSet.hostClass ?? "", size: nodeSet.size };

  // A client-chosen id makes Create safe to retry: if a retried Create finds the id
  // taken, the first attempt landed and this is our cluster, not a stranger's.
  const id = randomUUID();
  const label = displayName(inputs, id);
  let created: ClusterMessage | undefined;
  try {
    const response = await client.call(
      Clusters.method.create,
      { object: { id, metadata: { name: inputs.name ?? "", labels: inputs.labels ?? {} }, spec: { template: inputs.template, templateParameters, nodeSets } } },
      { objectId: id, idempotent: true },
    );
    created = response.object;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  progress("cluster", label, "created; waiting for it to become READY");

  const defaults = templateDefaults(template);
  try {
    const deadline = Date.now() + timeoutMs(inputs, "create");
    const ready = await waitForClusterReady(client, id, label, deadline - Date.now());
    return { id, outs: toOutputs(inputs, await observe(client, ready, { label, deadline }), defaults) };
  } catch (error) {
    // The cluster exists: its id must reach the state whatever went wrong, so the next
    // up resumes (or replaces) it and destroy deletes it.
    const current = (await getCluster(client, id).catch(() => undefined)) ?? created;
    const outs = current
      ? toOutputs(inputs, { cluster: current, hub: "", kubeconfig: "", password: "" }, defaults)
      : ({ ...inputs, clusterId: id } as Record<string, unknown>);
    const failed = current !== undefined && stateOf(current) === "FAILED";
    const next = failed ? "the next 'pulumi up' replaces it with a new cluster" : "the next 'pulumi up' resumes waiting for it to become READY";
    throw initFailure(
      id,
      outs as unknown as Record<string, unknown>,
      news,
      `cluster ${label}: ${errorMessage(error)}\nThe cluster exists on the service and stays in the stack: ${next}; 'pulumi destroy' deletes it.`,
    );
  }
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const previous = props as Partial<ClusterOutputs>;
  const client = clientForInputs(previous as ClusterInputs);
  const cluster = await getCluster(client, id);
  if (!cluster || cluster.metadata?.deletionTimestamp) {
    return { id: "", props: {} };
  }
  let defaults = previous.templateDefaults;
  try {
    defaults = templateDefaults(await lookupTemplate(client, cluster.spec?.template ?? ""));
  } catch {
    // The template may have been deleted since; the defaults we recorded still apply.
  }
  const params = storedParameters(cluster);
  const adopting = previous.clusterId === undefined;
  const declaredSets = previous.nodeSets ?? (adopting ? undefined : {});
  const declaredParams = previous.templateParameters ?? (adopting ? undefined : {});
  const view: ClusterInputs = compact({
    template: previous.template && (previous.template === cluster.spec?.template || previous.templateId === cluster.spec?.template || adopting)
      ? previous.template
      : (cluster.spec?.template ?? ""),
    templateParameters: userViewOfParameters(params.values, declaredParams, defaults?.parameters ?? {}, equalByType(params.types)),
    nodeSets: userViewOfNodeSets(nodeSetsOf(cluster.spec?.nodeSets), declaredSets, defaults?.nodeSets),
    name: cluster.metadata?.name || undefined,
    labels: Object.keys(cluster.metadata?.labels ?? {}).length ? { ...cluster.metadata!.labels } : undefined,
    connection: previous.connection,
    timeouts: previous.timeouts,
    adoptId: previous.adoptId,
  });
  if (adopting && previous.template === undefined) view.template = cluster.spec?.template ?? "";
  const outs = toOutputs(view, await observe(client, cluster), defaults ?? templateDefaults(undefined));
  return { id, props: outs, inputs: view };
}

export async function update(id: string, olds: ClusterOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parse(news);
  const client = clientForInputs(inputs);
  const label = displayName(inputs, id);
  const changes = diffCluster(olds, inputs, equalByType(olds.parameterTypes ?? {})).changed;
  const paths: string[] = [];
  const current = await getCluster(client, id);
  if (!current) throw new Error(`cluster ${label} no longer exists on the service; run 'pulumi refresh' and then 'pulumi up' to create it again`);
  const object: Record<string, unknown> = { id };
  const metadata: Record<string, unknown> = {};
  if (changes.name) {
    paths.push("metadata.name");
    metadata.name = inputs.name ?? "";
  }
  if (changes.labels) {
    paths.push("metadata.labels");
    metadata.labels = inputs.labels ?? {};
  }
  const nodeSetsChanged = Object.keys(changes).some((k) => k.startsWith("nodeSets."));
  if (nodeSetsChanged) {
    paths.push("spec.node_sets");
    const templateHostClasses = Object.fromEntries(Object.entries(olds.templateDefaults?.nodeSets ?? {}).map(([k, v]) => [k, v.hostClass]));
    object.spec = { nodeSets: nodeSetsForUpdate(nodeSetsOf(current.spec?.nodeSets), olds.nodeSets ?? {}, inputs.nodeSets ?? {}, templateHostClasses) };
  }
  if (Object.keys(metadata).length) object.metadata = metadata;
  let latest = current;
  if (paths.length) {
    const response = await client.call(Clusters.method.update, { object, updateMask: { paths } }, { objectId: id });
    latest = response.object ?? current;
    progress("cluster", label, `updated ${paths.join(", ")}`);
  }
  const defaults = olds.templateDefaults ?? templateDefaults(undefined);
  try {
    if (nodeSetsChanged) latest = await waitForNodeSets(client, id, label, timeoutMs(inputs, "update"));
    if (stateOf(latest) !== "READY") {
      // The engine sends an update with no changes to a resource whose create stopped
      // waiting (init failure: timeout, interrupted wait, unreachable service) so that it
      // can "continue awaiting initialization": resume the wait for READY.
      progress("cluster", label, `is ${describeCluster(latest)}; waiting for it to become READY`);
      latest = await waitForClusterReady(client, id, label, timeoutMs(inputs, "create"));
    }
    return { outs: toOutputs(inputs, await observe(client, latest, { label, deadline: Date.now() + timeoutMs(inputs, "update") }), defaults) };
  } catch (error) {
    const now = (await getCluster(client, id).catch(() => undefined)) ?? latest;
    throw initFailure(id, toOutputs(inputs, { cluster: now, hub: olds.hub ?? "", kubeconfig: olds.kubeconfig ?? "", password: olds.password ?? "" }, defaults) as unknown as Record<string, unknown>, news, `cluster ${label}: ${errorMessage(error)}`);
  }
}

export async function remove(id: string, props: ClusterOutputs): Promise<void> {
  const client = clientForInputs(props);
  const label = displayName(props, id);
  try {
    await client.call(Clusters.method.delete, { id }, { objectId: id });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  progress("cluster", label, "deletion requested; waiting until the service has removed it");
  try {
    await pollUntil({
      what: `cluster ${label} to be deleted (the service keeps it while it cleans up in the hub)`,
      timeoutMs: parseDuration(props.timeouts?.delete ?? DEFAULT_TIMEOUTS.delete, "timeouts.delete"),
      fetch: () => getCluster(client, id),
      isDone: (cluster) => cluster === undefined,
      describe: (cluster) => (cluster ? "DELETING" : "DELETED"),
      onProgress: (line) => progress("cluster", label, line),
    });
  } catch (error) {
    // By name: Pulumi may load this module more than once in a provider process.
    if (!(error instanceof Error) || error.name !== "WaitTimeoutError") throw error;
    throw new Error(
      `${error.message}. The service is still deleting it and the cluster stays in the stack: run the same command ` +
        `again to keep waiting, or raise timeouts.delete (now ${props.timeouts?.delete ?? `${DEFAULT_TIMEOUTS.delete}, the default`})`,
    );
  }
}

export { remove as delete };

// The Cluster resource's provider, loaded by the dynamic provider host at run time
// (see delegate.ts): check, diff, create, read, update, delete in domain terms. Create
// waits for READY, update waits for node sets to converge, delete waits for NOT_FOUND; a
// wait that fails never loses the cluster's id. Mapping lives in clusterView.ts, the
// waits in clusterWaits.ts, the wire in client/api.
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import * as grpc from "@grpc/grpc-js";
import type { Cluster, FulfillmentApi, TypedValue } from "../client/api";
import type { ClusterChanges } from "../client/api/api";
import { grpcCode, isAlreadyExists } from "../client/errors";
import { packParameter } from "../client/anyValues";
import { parseDuration } from "../timing/duration";
import { canonicalCidr } from "../client/cidr";
import { upgradeRefusal } from "./clusterUpgrades";
import { apiForInputs, clientForInputs } from "../toolkit/connect";
import { isOperationCancelled, operationTimeoutMs, timeoutSettingWords } from "../toolkit/operation";
import { apiFor } from "../client/api";
import { checkFailure, compact, containsUnknown, errorMessage, initFailure, isUnknown, progress, parseInputs, validateInputs } from "../toolkit/common";
import {
  DEFAULT_TIMEOUTS,
  clusterInputsSchema,
  diffCluster,
  hostTypeOf,
  withHostType,
  canonicalOrSame,
  nodeSetsForUpdate,
  userViewOfNodeSets,
  userViewOfParameters,
  type ClusterInputs,
  type ClusterOutputs,
  type NodeSetState,
} from "./clusterModel";
import { describeCluster, displayName, equalByType, nodeSetsOf, storedParameters, templateDefaults, toDomainNodeSets, toOutputs } from "./clusterView";
import { observe, refreshObservation, waitForClusterReady, waitForDeletion, waitForNodeSets } from "./clusterWaits";
import { plannedTemplate } from "./plannedTemplates";
import { CHECK_TEMPLATE_REUSE_MS, clusterReaderFor, sharedTemplateLookup } from "./clusterReads";
import { checkAgainstCatalogItem, lookupCatalogItem, type CatalogItemInfo } from "./clusterCatalog";
import { lookupHostTypeId, TemplateNotFoundError, type TemplateInfo } from "./templateLookup";

export { pendingHintAfterMs } from "./clusterWaits";

/** The engine's customTimeouts when a host passes them (the provider plugin), else `timeouts` or the default. */
function timeoutMs(inputs: Pick<ClusterInputs, "timeouts">, kind: keyof typeof DEFAULT_TIMEOUTS): number {
  return operationTimeoutMs(() => parseDuration(inputs.timeouts?.[kind] ?? DEFAULT_TIMEOUTS[kind], `timeouts.${kind}`));
}

/** The setting a timed-out wait of `kind` ran under, for the message that says what to raise. */
function timeoutSetting(inputs: Pick<ClusterInputs, "timeouts">, kind: keyof typeof DEFAULT_TIMEOUTS): string {
  return timeoutSettingWords(kind, () => `timeouts.${kind} (now ${inputs.timeouts?.[kind] ?? `${DEFAULT_TIMEOUTS[kind]}, the default`})`);
}

/** A timed-out wait's message with the setting to raise; other errors unchanged. */
function withTimeoutHint(error: unknown, inputs: Pick<ClusterInputs, "timeouts">, kind: keyof typeof DEFAULT_TIMEOUTS): string {
  const message = errorMessage(error);
  // By name: Pulumi may load this module more than once in a provider process.
  return error instanceof Error && error.name === "WaitTimeoutError" ? `${message}. To wait longer, raise ${timeoutSetting(inputs, kind)}` : message;
}

/** Generation-dependent words in errors: which API the server speaks. */
function generationWords(api: FulfillmentApi): string {
  return api.generation === "osac" ? "the osac generation, osac.public.v1" : "the innabox generation, fulfillment.v1";
}

/** The user's values with the types the template declares (packing validates them). */
function typedParameters(template: TemplateInfo, values: Record<string, unknown> | undefined): Record<string, TypedValue> {
  const typed: Record<string, TypedValue> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    const definition = template.parameters[key];
    if (!definition) throw new Error(unknownParameterMessage(template, key));
    packParameter(definition.typeUrl, value, `templateParameters.${key}`);
    typed[key] = { typeUrl: definition.typeUrl, value };
  }
  return typed;
}

function listNames(names: string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(", ") : "none";
}

function unknownParameterMessage(template: TemplateInfo, key: string): string {
  return `template '${template.id}' has no parameter '${key}'; valid parameters: ${listNames(Object.keys(template.parameters))}`;
}

/** Preview-time validation against the template, when it can be read. */
async function checkAgainstTemplate(api: FulfillmentApi, address: string, inputs: ClusterInputs): Promise<{ failures: pulumi.dynamic.CheckFailure[]; normalized: ClusterInputs }> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  let template: TemplateInfo;
  let untyped = new Set<string>();
  try {
    template = await sharedTemplateLookup(api, inputs.template ?? "", { reuseForMs: CHECK_TEMPLATE_REUSE_MS });
  } catch (error) {
    // Not on the service yet, but a ClusterTemplate resource of this program describes it
    // (a new stack's preview): validate against that description instead.
    const planned = error instanceof TemplateNotFoundError ? plannedTemplate(address, inputs.template ?? "") : undefined;
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
    const given = hostTypeOf(nodeSet);
    if (given !== undefined && !isUnknown(given) && given !== templateSet.hostClass) {
      const resolved = await lookupHostTypeId(api, given);
      if (resolved === templateSet.hostClass) normalizedSets[key] = withHostType(nodeSet, resolved);
      else {
        const field = nodeSet.hostClass !== undefined ? "hostClass" : "hostType";
        const word = field === "hostClass" ? "host class" : "host type";
        failures.push(checkFailure(`nodeSets.${key}.${field}: template '${template.id}' uses ${word} '${templateSet.hostClass}' for node set '${key}'; leave ${field} out or set it to '${templateSet.hostClass}'`));
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
  let api: FulfillmentApi;
  try {
    api = await apiFor(client);
  } catch (error) {
    return { inputs: news, failures: [checkFailure(`connection: could not ask the service at ${client.address} which API it speaks, to validate the cluster: ${errorMessage(error)}`)] };
  }
  const generationFailures = osacFieldFailures(api, value);
  if (generationFailures.length) return { inputs: news, failures: generationFailures };
  if (value.catalogItem !== undefined) return { inputs: news, failures: await checkCatalogCluster(api, client.address, value) };
  const checked = await checkAgainstTemplate(api, client.address, value);
  if (checked.failures.length) return { inputs: news, failures: checked.failures };
  const fromImage = typeof olds.releaseImage === "string" ? olds.releaseImage : undefined;
  if (fromImage !== undefined && value.releaseImage !== undefined && !isUnknown(value.releaseImage)) {
    const refusal = await upgradeRefusal(api, fromImage, value.releaseImage);
    if (refusal) return { inputs: news, failures: [checkFailure(refusal)] };
  }
  return { inputs: { ...news, ...(value.nodeSets ? { nodeSets: checked.normalized.nodeSets } : {}) } };
}

const OSAC_FIELDS = ["pullSecret", "sshPublicKey", "releaseImage", "network", "project", "tenant", "networkAttachment", "catalogItem"] as const;

/** A cluster ordered by catalog item: the item's field definitions, then its template, as the server checks them. */
async function checkCatalogCluster(api: FulfillmentApi, address: string, inputs: ClusterInputs): Promise<pulumi.dynamic.CheckFailure[]> {
  const ref = inputs.catalogItem!;
  if (isUnknown(ref)) return [];
  let item: CatalogItemInfo | undefined;
  try {
    item = await lookupCatalogItem(api, address, ref);
  } catch (error) {
    return [checkFailure(`catalogItem: could not read catalog item '${ref}' to validate the cluster: ${errorMessage(error)}`)];
  }
  if (!item) {
    return [
      checkFailure(
        `catalogItem: there is no catalog item with identifier or name '${ref}' that your token can see; if a ClusterCatalogItem resource in this stack creates it, pass its catalogItemId output so Pulumi creates it first`,
      ),
    ];
  }
  if (isUnknown(item.template)) return [];
  let template: TemplateInfo | undefined;
  try {
    template = await sharedTemplateLookup(api, item.template, { reuseForMs: CHECK_TEMPLATE_REUSE_MS });
  } catch {
    template = plannedTemplate(address, item.template);
  }
  const catalog = checkAgainstCatalogItem(item, inputs, template);
  if (catalog.failures.length || !catalog.effective) return catalog.failures.map(checkFailure);
  return (await checkAgainstTemplate(api, address, catalog.effective)).failures;
}

/** Fields only the osac generation has are refused on innabox; CIDRs are checked as the server does. */
function osacFieldFailures(api: FulfillmentApi, inputs: ClusterInputs): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const field of OSAC_FIELDS) {
    if (inputs[field] === undefined) continue;
    if (api.generation === "innabox") {
      failures.push(checkFailure(`${field}: clusters of the innabox generation (fulfillment.v1) have no ${field}; remove it, or use a server of the osac generation (osac.public.v1)`));
    }
  }
  for (const key of ["podCidr", "serviceCidr"] as const) {
    const cidr = inputs.network?.[key];
    if (cidr === undefined || isUnknown(cidr)) continue;
    try {
      canonicalCidr(cidr, key === "podCidr" ? "pod_cidr" : "service_cidr");
    } catch (error) {
      failures.push(checkFailure(`network.${key}: ${errorMessage(error)}`));
    }
  }
  return failures;
}

export async function diff(id: string, olds: ClusterOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const inputs = news as ClusterInputs;
  if (containsUnknown(inputs.template)) return { changes: true, replaces: ["template"], deleteBeforeReplace: false };
  const result = diffCluster(olds, inputs, equalByType(olds.parameterTypes ?? {}));
  const unknownReplaces = ["templateParameters", "catalogItem"].filter((k) => containsUnknown((inputs as Record<string, unknown>)[k]));
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
    const api = await apiForInputs(inputs);
    if (!api.pushesChangesAfterReady) throw new Error(resizeAfterReadyRefusal(displayName(inputs, id), resized, olds));
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
  const api = await apiForInputs(inputs);
  const deadline = Date.now() + timeoutMs(inputs, "create");
  const ready = await waitForClusterReady(api, id, label, deadline - Date.now());
  return { id, outs: toOutputs(inputs, await observe(api, ready, { label, deadline }), olds.templateDefaults) };
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = parseInputs(clusterInputsSchema, news);
  if (inputs.adoptId) return adopt(inputs.adoptId, inputs, news);
  const api = await apiForInputs(inputs);
  // Ordered by catalog item: the item names the template whose parameter types pack the values.
  const item = inputs.catalogItem ? await lookupCatalogItem(api, "", inputs.catalogItem) : undefined;
  if (inputs.catalogItem && !item) throw new Error(`there is no catalog item with identifier or name '${inputs.catalogItem}' that your token can see`);
  const template = await sharedTemplateLookup(api, item?.template ?? inputs.template ?? "");
  const templateParameters = typedParameters(template, inputs.templateParameters);
  const nodeSets: Record<string, NodeSetState> = {};
  for (const [key, nodeSet] of Object.entries(inputs.nodeSets ?? {})) nodeSets[key] = { hostClass: hostTypeOf(nodeSet) ?? "", size: nodeSet.size };

  // A client-chosen id makes Create safe to retry: if a retried Create finds the id
  // taken, the first attempt landed and this is our cluster, not a stranger's.
  const id = randomUUID();
  const label = displayName(inputs, id);
  let created: Cluster | undefined;
  try {
    created = await api.clusters.create({
      id,
      metadata: {
        name: inputs.name ?? "",
        labels: inputs.labels ?? {},
        ...(inputs.project ? { project: inputs.project } : {}),
        ...(inputs.tenant ? { tenant: inputs.tenant } : {}),
      },
      spec: {
        template: inputs.template ?? "",
        ...(inputs.catalogItem ? { catalogItem: inputs.catalogItem } : {}),
        templateParameters,
        nodeSets: toDomainNodeSets(nodeSets),
        ...(inputs.pullSecret !== undefined ? { pullSecret: inputs.pullSecret } : {}),
        ...(inputs.sshPublicKey !== undefined ? { sshPublicKey: inputs.sshPublicKey } : {}),
        ...(inputs.releaseImage !== undefined ? { releaseImage: inputs.releaseImage } : {}),
        ...(inputs.network ? { network: inputs.network } : {}),
        ...(inputs.networkAttachment
          ? { networkAttachment: { subnet: inputs.networkAttachment.subnet, securityGroups: inputs.networkAttachment.securityGroups ?? [] } }
          : {}),
      },
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  progress("cluster", label, `created; waiting for it to become READY (${generationWords(api)})`);

  const defaults = templateDefaults(template);
  try {
    const deadline = Date.now() + timeoutMs(inputs, "create");
    const ready = await waitForClusterReady(api, id, label, deadline - Date.now());
    return { id, outs: toOutputs(inputs, await observe(api, ready, { label, deadline }), defaults) };
  } catch (error) {
    // The cluster exists: its id must reach the state whatever went wrong, so the next
    // up resumes (or replaces) it and destroy deletes it.
    const current = (await api.clusters.get(id).catch(() => undefined)) ?? created;
    const outs = current
      ? toOutputs(inputs, { cluster: current, hub: "", kubeconfig: "", password: "" }, defaults)
      : ({ ...inputs, clusterId: id } as Record<string, unknown>);
    const failed = current !== undefined && current.status.state === "FAILED";
    const next = failed ? "the next 'pulumi up' replaces it with a new cluster" : "the next 'pulumi up' resumes waiting for it to become READY";
    throw initFailure(
      id,
      outs as unknown as Record<string, unknown>,
      news,
      `cluster ${label}: ${withTimeoutHint(error, inputs, "create")}\nThe cluster exists on the service and stays in the stack: ${next}; 'pulumi destroy' deletes it.`,
    );
  }
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const previous = props as Partial<ClusterOutputs>;
  const api = await apiForInputs(previous as ClusterInputs);
  // A fleet's reads arrive together: they share one List (clusterReads.ts).
  const { cluster, hub } = await clusterReaderFor(api).read(id, { hub: !previous.hub });
  if (!cluster || cluster.metadata.deletionTime) {
    return { id: "", props: {} };
  }
  let defaults = previous.templateDefaults;
  try {
    defaults = templateDefaults(await sharedTemplateLookup(api, cluster.spec.template));
  } catch {
    // The template may have been deleted since; the defaults we recorded still apply.
  }
  const params = storedParameters(cluster);
  const adopting = previous.clusterId === undefined;
  const declaredSets = previous.nodeSets ?? (adopting ? undefined : {});
  const declaredParams = previous.templateParameters ?? (adopting ? undefined : {});
  const view: ClusterInputs = compact({
    template: cluster.spec.catalogItem
      ? undefined
      : previous.template && (previous.template === cluster.spec.template || previous.templateId === cluster.spec.template || adopting)
        ? previous.template
        : cluster.spec.template,
    // What the program wrote when it names the same item; the server stores the reference as given.
    catalogItem: cluster.spec.catalogItem || undefined,
    templateParameters: userViewOfParameters(params.values, declaredParams, defaults?.parameters ?? {}, equalByType(params.types)),
    nodeSets: userViewOfNodeSets(nodeSetsOf(cluster.spec.nodeSets), declaredSets, defaults?.nodeSets),
    name: cluster.metadata.name || undefined,
    labels: Object.keys(cluster.metadata.labels).length ? { ...cluster.metadata.labels } : undefined,
    connection: previous.connection,
    timeouts: previous.timeouts,
    adoptId: previous.adoptId,
    // The server answers `***` for the pull secret: what the program wrote is what counts.
    pullSecret: previous.pullSecret,
    sshPublicKey: previous.sshPublicKey !== undefined ? cluster.spec.sshPublicKey : undefined,
    releaseImage: previous.releaseImage !== undefined ? cluster.spec.releaseImage : undefined,
    network: previous.network ? networkView(previous.network, cluster.spec.network ?? {}) : undefined,
    project: previous.project !== undefined ? cluster.metadata.project ?? "" : undefined,
    tenant: previous.tenant !== undefined ? cluster.metadata.tenant : undefined,
    networkAttachment: previous.networkAttachment !== undefined ? attachmentView(previous.networkAttachment, cluster.spec.networkAttachment) : undefined,
  });
  if (adopting && previous.template === undefined && !cluster.spec.catalogItem) view.template = cluster.spec.template;
  const outs = toOutputs(view, await refreshObservation(api, cluster, previous, hub), defaults ?? templateDefaults(undefined));
  return { id, props: outs, inputs: view };
}

/** The stored attachment; security groups shown when the program lists them or the server has some. */
function attachmentView(declared: NonNullable<ClusterInputs["networkAttachment"]>, stored: { subnet: string; securityGroups: string[] } | undefined): ClusterInputs["networkAttachment"] {
  if (!stored) return undefined;
  return declared.securityGroups !== undefined || stored.securityGroups.length ? { subnet: stored.subnet, securityGroups: [...stored.securityGroups] } : { subnet: stored.subnet };
}

/** The stored network in the program's spelling wherever the server's canonical form is the same. */
function networkView(declared: NonNullable<ClusterInputs["network"]>, stored: { podCidr?: string; serviceCidr?: string }): ClusterInputs["network"] {
  const view: NonNullable<ClusterInputs["network"]> = {};
  for (const key of ["podCidr", "serviceCidr"] as const) {
    const mine = declared[key];
    if (mine === undefined) continue;
    const theirs = stored[key];
    view[key] = theirs !== undefined && canonicalOrSame(mine, key) === canonicalOrSame(theirs, key) ? mine : theirs;
  }
  return view;
}

export async function update(id: string, olds: ClusterOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = parseInputs(clusterInputsSchema, news);
  const api = await apiForInputs(inputs);
  const label = displayName(inputs, id);
  const changes = diffCluster(olds, inputs, equalByType(olds.parameterTypes ?? {})).changed;
  const current = await api.clusters.get(id);
  if (!current) throw new Error(`cluster ${label} no longer exists on the service; run 'pulumi refresh' and then 'pulumi up' to create it again`);
  const nodeSetsChanged = Object.keys(changes).some((k) => k.startsWith("nodeSets."));
  const templateHostClasses = Object.fromEntries(Object.entries(olds.templateDefaults?.nodeSets ?? {}).map(([k, v]) => [k, v.hostClass]));
  // Only this program's changes, on top of the cluster as last read.
  const requestFor = (base: Cluster) => ({
    ...(changes.name ? { name: inputs.name ?? "" } : {}),
    ...(changes.labels ? { labels: inputs.labels ?? {} } : {}),
    ...(changes.releaseImage && inputs.releaseImage !== undefined ? { releaseImage: inputs.releaseImage } : {}),
    ...(nodeSetsChanged
      ? { nodeSets: toDomainNodeSets(nodeSetsForUpdate(nodeSetsOf(base.spec.nodeSets), olds.nodeSets ?? {}, inputs.nodeSets ?? {}, templateHostClasses)) }
      : {}),
    ...(changes["networkAttachment.securityGroups"] && inputs.networkAttachment
      ? { networkAttachment: { subnet: inputs.networkAttachment.subnet, securityGroups: inputs.networkAttachment.securityGroups ?? [] } }
      : {}),
  });
  let latest = current;
  if (Object.keys(requestFor(current)).length) {
    latest = await updateLocked(api, id, label, current, requestFor);
    progress("cluster", label, `updated ${Object.keys(requestFor(current)).join(", ")}`);
  }
  const defaults = olds.templateDefaults ?? templateDefaults(undefined);
  let waitKind: "update" | "create" = "update";
  try {
    if (nodeSetsChanged) latest = await waitForNodeSets(api, id, label, timeoutMs(inputs, "update"));
    if (changes.releaseImage) {
      progress("cluster", label, `upgrading to ${inputs.releaseImage}; waiting until it is READY again`);
      latest = await waitForClusterReady(api, id, label, timeoutMs(inputs, "update"));
      progress("cluster", label, `READY at ${latest.spec.releaseImage ?? inputs.releaseImage}`);
    }
    if (latest.status.state !== "READY") {
      // The engine sends an update with no changes to a resource whose create stopped
      // waiting (init failure: timeout, interrupted wait, unreachable service) so that it
      // can "continue awaiting initialization": resume the wait for READY.
      progress("cluster", label, `is ${describeCluster(latest)}; waiting for it to become READY`);
      waitKind = "create";
      latest = await waitForClusterReady(api, id, label, timeoutMs(inputs, "create"));
    }
    return { outs: toOutputs(inputs, await observe(api, latest, { label, deadline: Date.now() + timeoutMs(inputs, "update") }), defaults) };
  } catch (error) {
    const now = (await api.clusters.get(id).catch(() => undefined)) ?? latest;
    throw initFailure(id, toOutputs(inputs, { cluster: now, hub: olds.hub ?? "", kubeconfig: olds.kubeconfig ?? "", password: olds.password ?? "" }, defaults) as unknown as Record<string, unknown>, news, `cluster ${label}: ${withTimeoutHint(error, inputs, waitKind)}`);
  }
}

/**
 * An update locked to the version last read (osac: `lock` + `metadata.version`). When
 * someone else wrote the cluster in between (ABORTED), read it again and re-apply only
 * this program's changes, once; a second conflict is an error that names it.
 */
async function updateLocked(api: FulfillmentApi, id: string, label: string, current: Cluster, requestFor: (base: Cluster) => ClusterChanges): Promise<Cluster> {
  let base = current;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await api.clusters.update(id, requestFor(base), base.metadata.version !== undefined ? { lockVersion: base.metadata.version } : {})) ?? base;
    } catch (error) {
      if (grpcCode(error) !== grpc.status.ABORTED) throw error;
      if (attempt > 1) {
        throw new Error(
          `cluster ${label} was changed on the service again while Pulumi updated it: ${errorMessage(error)}. Run 'pulumi refresh' to see what changed, then 'pulumi up'`,
        );
      }
      progress("cluster", label, `changed on the service since it was read (version ${base.metadata.version}); reading it again and re-applying only this program's changes`);
      const again = await api.clusters.get(id);
      if (!again) throw new Error(`cluster ${label} disappeared from the service during the update`);
      base = again;
    }
  }
}

export async function remove(id: string, props: ClusterOutputs): Promise<void> {
  const api = await apiForInputs(props);
  const label = displayName(props, id);
  if (!(await api.clusters.delete(id))) return;
  progress("cluster", label, "deletion requested; waiting until the service has removed it");
  try {
    await waitForDeletion(api, id, label, timeoutMs(props, "delete"));
  } catch (error) {
    if (isOperationCancelled(error)) {
      throw new Error(`cluster ${label}: ${errorMessage(error)}. Its deletion was requested and the cluster stays in the stack: run the same command again to keep waiting`);
    }
    // By name: Pulumi may load this module more than once in a provider process.
    if (!(error instanceof Error) || error.name !== "WaitTimeoutError") throw error;
    const neverLanded = !props.hub && api.generation === "osac"
      ? " A cluster that never got a hub keeps its finalizer forever on this service: ask an admin to remove it."
      : "";
    throw new Error(
      `${error.message}. The service is still deleting it and the cluster stays in the stack: run the same command ` +
        `again to keep waiting, or raise ${timeoutSetting(props, "delete")}.${neverLanded}`,
    );
  }
}

export { remove as delete };

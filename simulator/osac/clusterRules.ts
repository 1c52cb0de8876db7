// Cluster Create and Update checks of the osac server (internal/servers/private_clusters_server.go,
// internal/utils/{template_parameters,cluster_spec_defaults,cidr}.go), in its order and with
// its texts. The parameter rules are the innabox ones (simulator/validation.ts).
import { clone, create, equals } from "@bufbuild/protobuf";
import {
  ClusterConditionTypeSchema,
  ClusterNetworkSchema,
  ClusterNodeSetSchema,
  ClusterSpecSchema,
  type Cluster,
  type ClusterNodeSet,
} from "../../proto/gen/osac/private/v1/cluster_type_pb";
import type { ClusterTemplate } from "../../proto/gen/osac/private/v1/cluster_template_type_pb";
import type { HostType } from "../../proto/gen/osac/private/v1/host_type_type_pb";
import { invalidArgument, notFound, wordSeries } from "../errors";
import { compareIds } from "../store";
import { sameParameters, touches, validateParameters, withParameterDefaults } from "../validation";
import { canonicalCidr } from "./cidr";
import { clusterFromCatalogItem } from "./catalogItems";
import type { OsacCollections } from "./model";
import type { OsacSubject } from "./tenancy";

/** By id or name, the lowest id first (the DAO's `limit 1` ordered by id): duplicated names never fail. */
function byIdOrName<T extends { id: string; metadata?: { name: string } }>(items: Iterable<T>, ref: string): T | undefined {
  return [...items].filter((item) => item.id === ref || item.metadata?.name === ref).sort((a, b) => compareIds(a.id, b.id))[0];
}

function hostType(store: OsacCollections, ref: string): HostType {
  const found = byIdOrName(store.hostClasses.values(), ref);
  if (!found) throw notFound(`there is no host type with identifier or name '${ref}'`);
  return found;
}

export function prepareClusterCreate(store: OsacCollections, cluster: Cluster, caller?: OsacSubject): void {
  let spec = (cluster.spec ??= create(ClusterSpecSchema));

  // 1. The user's host types, by id or name.
  const given = new Map<string, HostType>();
  for (const [key, nodeSet] of Object.entries(spec.nodeSets)) {
    if (nodeSet.hostType !== "") given.set(key, hostType(store, nodeSet.hostType));
  }

  // 2. Duplicated condition types (only the private API can send a status).
  const seen = new Set<number>();
  for (const condition of cluster.status?.conditions ?? []) {
    if (seen.has(condition.type)) {
      const name = ClusterConditionTypeSchema.values.find((value) => value.number === condition.type)?.name ?? String(condition.type);
      throw invalidArgument(`condition '${name}' is duplicated`);
    }
    seen.add(condition.type);
  }

  // 3, 4. A catalog item (which names the template and applies its field definitions), or a template.
  if (spec.catalogItem !== "" && spec.template !== "") throw invalidArgument("catalog_item and template are mutually exclusive");
  const viaCatalogItem = spec.catalogItem !== "";
  if (viaCatalogItem) {
    clusterFromCatalogItem(store, cluster, caller);
    spec = cluster.spec!;
  }
  const templateRef = spec.template;
  if (templateRef === "") throw invalidArgument("template is mandatory");
  const template = byIdOrName(store.templates.values(), templateRef);
  if (!template) throw invalidArgument(`there is no template with identifier or name '${templateRef}'`);
  if (template.metadata?.deletionTimestamp) throw invalidArgument(`template '${templateRef}' has been deleted`);

  // 5, 6. Spec defaults, then CIDRs.
  applySpecDefaults(spec, template);
  if (spec.network) {
    if (spec.network.podCidr !== undefined) spec.network.podCidr = canonicalCidr(spec.network.podCidr, "pod_cidr");
    if (spec.network.serviceCidr !== undefined) spec.network.serviceCidr = canonicalCidr(spec.network.serviceCidr, "service_cidr");
  }

  // 7. The template's host types must exist.
  const templateHostTypes = new Map<string, HostType>();
  for (const [key, nodeSet] of Object.entries(template.nodeSets)) templateHostTypes.set(key, hostType(store, nodeSet.hostType));

  // 8. Node sets against the template.
  const templateKeys = Object.keys(template.nodeSets).sort();
  for (const key of Object.keys(spec.nodeSets)) {
    if (!(key in template.nodeSets)) {
      throw invalidArgument(`node set '${key}' doesn't exist, valid values for template '${templateRef}' are ${wordSeries(templateKeys)}`);
    }
  }
  for (const [key, resolved] of given) {
    const expected = templateHostTypes.get(key)!;
    if (resolved.id === expected.id) continue;
    const name = expected.metadata?.name ?? "";
    const allowed = name !== "" ? `empty, '${name}' or '${expected.id}'` : `empty or '${expected.id}'`;
    throw invalidArgument(
      `host type for node set '${key}' should be ${allowed}, like in template '${templateRef}', but it is '${resolved.id}'`,
    );
  }
  for (const [key, nodeSet] of Object.entries(spec.nodeSets)) {
    if (nodeSet.size <= 0) throw invalidArgument(`size for node set '${key}' should be greater than zero, but it is ${nodeSet.size}`);
  }

  // 9. Node sets rebuilt from the template, host types stored by id.
  const nodeSets: Record<string, ClusterNodeSet> = {};
  for (const key of templateKeys) {
    nodeSets[key] = create(ClusterNodeSetSchema, {
      hostType: templateHostTypes.get(key)!.id,
      size: spec.nodeSets[key]?.size ?? template.nodeSets[key].size,
    });
  }
  spec.nodeSets = nodeSets;

  // 10, 11. Parameters (named by template id), defaults; the template by id.
  validateParameters(template, spec.templateParameters);
  spec.templateParameters = withParameterDefaults(template, spec.templateParameters);
  // The catalog item path keeps the template as the item names it.
  if (!viaCatalogItem) spec.template = template.id;

  // 12. No subnets are simulated: any subnet reference fails as a dangling one does.
  const subnet = spec.networkAttachment?.subnet ?? "";
  if (subnet !== "") throw invalidArgument(`subnet '${subnet}' does not exist or has been deleted`);
}

function applySpecDefaults(spec: Cluster["spec"] & object, template: ClusterTemplate): void {
  const defaults = template.specDefaults;
  if (!defaults) return;
  if (spec.pullSecret === undefined && defaults.pullSecret !== undefined) spec.pullSecret = defaults.pullSecret;
  if (spec.sshPublicKey === undefined && defaults.sshPublicKey !== undefined) spec.sshPublicKey = defaults.sshPublicKey;
  if (spec.releaseImage === undefined && defaults.releaseImage !== undefined) spec.releaseImage = defaults.releaseImage;
  if (!defaults.network) return;
  if (!spec.network) {
    spec.network = clone(ClusterNetworkSchema, defaults.network);
    return;
  }
  if (spec.network.podCidr === undefined && defaults.network.podCidr !== undefined) spec.network.podCidr = defaults.network.podCidr;
  if (spec.network.serviceCidr === undefined && defaults.network.serviceCidr !== undefined) spec.network.serviceCidr = defaults.network.serviceCidr;
}

/** private_clusters_server.go Update: only the paths in the mask are checked. */
export function checkClusterUpdate(current: Cluster, merged: Cluster, paths: readonly string[] | undefined): void {
  if (!paths) return;
  const before = current.spec ?? create(ClusterSpecSchema);
  const after = merged.spec ?? create(ClusterSpecSchema);
  if (touches(paths, "spec.template") && before.template !== after.template) {
    throw invalidArgument(`cannot change spec.template from '${before.template}' to '${after.template}': template is immutable`);
  }
  if (touches(paths, "spec.template_parameters") && !sameParameters(before.templateParameters, after.templateParameters)) {
    throw invalidArgument("cannot change spec.template_parameters: template parameters are immutable");
  }
  if (touches(paths, "spec.catalog_item") && before.catalogItem !== after.catalogItem) {
    throw invalidArgument(`cannot change spec.catalog_item from '${before.catalogItem}' to '${after.catalogItem}': catalog item is immutable`);
  }
  const beforeSubnet = before.networkAttachment?.subnet ?? "";
  const afterSubnet = after.networkAttachment?.subnet ?? "";
  if (touches(paths, "spec.network_attachment.subnet") && beforeSubnet !== afterSubnet) {
    throw invalidArgument(`cannot change spec.network_attachment.subnet from '${beforeSubnet}' to '${afterSubnet}': subnet is immutable`);
  }
  const nodeSetPaths = paths.filter((path) => touches([path], "spec.node_sets"));
  const onlySizes = nodeSetPaths.every((path) => /^spec\.node_sets\.[^.]+\.size$/.test(path));
  if (nodeSetPaths.length === 0 || onlySizes) return;
  if (Object.keys(after.nodeSets).length === 0) {
    throw invalidArgument("cannot remove the last node set: clusters must have at least one node set");
  }
  for (const [key, stored] of Object.entries(before.nodeSets)) {
    const next = after.nodeSets[key];
    if (next && next.hostType !== stored.hostType) {
      throw invalidArgument(
        `cannot change host_type for node set '${key}' from '${stored.hostType}' to '${next.hostType}': host_type is immutable`,
      );
    }
  }
}

export const REDACTED = "***";

/** Public responses carry `pull_secret` as `***` whenever it is set (clusters_server.go redactClusterSecrets). */
export function redactPullSecret(cluster: { spec?: { pullSecret?: string } }): void {
  if (cluster.spec?.pullSecret !== undefined) cluster.spec.pullSecret = REDACTED;
}

/** An Update echoing `***` keeps the stored pull secret (stripRedactedSecrets). */
export function keepRedacted(requested: Cluster, current: Cluster): void {
  if (requested.spec?.pullSecret === REDACTED) requested.spec.pullSecret = current.spec?.pullSecret;
}

export function sameSpec(a: Cluster, b: Cluster): boolean {
  return equals(ClusterSpecSchema, a.spec ?? create(ClusterSpecSchema), b.spec ?? create(ClusterSpecSchema));
}


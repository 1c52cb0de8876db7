// A cluster ordered by catalog item, checked at preview as the osac server checks it on
// Create: the item must exist (on the service, or as a ClusterCatalogItem of this program)
// and be published; its field definitions are applied to the spec the program describes
// (client/fieldDefinitions.ts, the server's rules and words), and what they default is what
// the template check then sees.
import type { FulfillmentApi } from "../client/api";
import { applyFieldDefinitions, FieldDefinitionError, type FieldDefinitionRule } from "../client/fieldDefinitions";
import { toTypeUrl } from "../client/anyValues";
import { containsUnknown, errorMessage } from "../toolkit/common";
import { hostTypeOf, type ClusterInputs } from "./clusterModel";
import { plannedCatalogItem } from "./plannedCatalogItems";
import type { TemplateInfo } from "./templateLookup";

export interface CatalogItemInfo {
  id: string;
  template: string;
  published: boolean;
  /** Undefined while the item is planned with definitions not known yet. */
  rules?: FieldDefinitionRule[];
}

/** By id, then by name (published ones), as the server resolves `spec.catalog_item`; then the program's own. */
export async function lookupCatalogItem(api: FulfillmentApi, address: string, ref: string): Promise<CatalogItemInfo | undefined> {
  const toInfo = (item: { id: string; template: string; published: boolean; fieldDefinitions: Array<{ path: string; editable: boolean; default?: unknown; validationSchema: string }> }) => ({
    id: item.id,
    template: item.template,
    published: item.published,
    rules: item.fieldDefinitions.map((d) => ({ path: d.path, editable: d.editable, validationSchema: d.validationSchema, ...(d.default !== undefined ? { default: d.default } : {}) })),
  });
  const byId = await api.catalogItems.get(ref);
  if (byId) return toInfo(byId);
  const named = await api.catalogItems.listByName(ref);
  if (named.length) return toInfo([...named].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]);
  return plannedCatalogItem(address, ref);
}

const INPUT_NAMES: Record<string, string> = {
  template_parameters: "templateParameters",
  node_sets: "nodeSets",
  pull_secret: "pullSecret",
  ssh_public_key: "sshPublicKey",
  release_image: "releaseImage",
  network: "network",
  network_attachment: "networkAttachment",
  pod_cidr: "podCidr",
  service_cidr: "serviceCidr",
  security_groups: "securityGroups",
  host_type: "hostType",
  catalog_item: "catalogItem",
};

/** `node_sets.workers.size` → `nodeSets.workers.size`: map keys stay as written. */
export function inputPath(specPath: string): string {
  const parts = specPath.split(".");
  return parts.map((part, i) => (i > 0 && (parts[i - 1] === "node_sets" || parts[i - 1] === "template_parameters") ? part : INPUT_NAMES[part] ?? part)).join(".");
}

/** The spec the program describes, as the server's protobuf JSON with proto names (unset and empty fields left out, like protojson). */
export function specJson(inputs: ClusterInputs, template: TemplateInfo | undefined): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const params = Object.entries(inputs.templateParameters ?? {});
  if (params.length) {
    spec.template_parameters = Object.fromEntries(
      params.map(([key, value]) => {
        const typeUrl = template?.parameters[key]?.typeUrl ?? "";
        const wide = /Int64Value$|UInt64Value$/.test(typeUrl) && typeof value === "number";
        return [key, { "@type": typeUrl, value: wide ? String(value) : value }];
      }),
    );
  }
  const sets = Object.entries(inputs.nodeSets ?? {});
  if (sets.length) {
    spec.node_sets = Object.fromEntries(sets.map(([key, set]) => [key, { ...(hostTypeOf(set) ? { host_type: hostTypeOf(set) } : {}), size: set.size }]));
  }
  if (inputs.pullSecret !== undefined) spec.pull_secret = inputs.pullSecret;
  if (inputs.sshPublicKey !== undefined) spec.ssh_public_key = inputs.sshPublicKey;
  if (inputs.releaseImage !== undefined) spec.release_image = inputs.releaseImage;
  if (inputs.network) {
    const network: Record<string, unknown> = {};
    if (inputs.network.podCidr !== undefined) network.pod_cidr = inputs.network.podCidr;
    if (inputs.network.serviceCidr !== undefined) network.service_cidr = inputs.network.serviceCidr;
    spec.network = network;
  }
  if (inputs.networkAttachment) {
    spec.network_attachment = {
      subnet: inputs.networkAttachment.subnet,
      ...(inputs.networkAttachment.securityGroups?.length ? { security_groups: inputs.networkAttachment.securityGroups } : {}),
    };
  }
  if (inputs.catalogItem) spec.catalog_item = inputs.catalogItem;
  return spec;
}

export interface CatalogCheck {
  failures: string[];
  /** The inputs with what the item defaulted, for the template check; undefined when it cannot run. */
  effective?: ClusterInputs;
}

/** Applies the item's field definitions to what the program describes; failures name the input path and keep the server's words. */
export function checkAgainstCatalogItem(item: CatalogItemInfo, inputs: ClusterInputs, template: TemplateInfo | undefined): CatalogCheck {
  const ref = inputs.catalogItem!;
  if (!item.published) {
    return { failures: [`catalogItem: catalog item '${ref}' is not published (the server refuses to order it); publish it (published: true) or order another one`] };
  }
  const effective: ClusterInputs = { ...inputs, template: item.template, catalogItem: undefined };
  if (!item.rules || containsUnknown(inputs)) return { failures: [], effective: { ...effective, templateParameters: inputs.templateParameters } };
  let applied: Record<string, unknown>;
  try {
    applied = applyFieldDefinitions(specJson(inputs, template), item.rules);
  } catch (error) {
    if (!(error instanceof FieldDefinitionError)) return { failures: [`catalogItem: ${errorMessage(error)}`] };
    const where = error.path ? inputPath(error.path) : "catalogItem";
    return { failures: [`${where}: ${error.message} (catalog item '${ref}')`] };
  }
  // What the item defaulted joins the program's own values.
  const params: Record<string, unknown> = { ...(inputs.templateParameters ?? {}) };
  const appliedParams = (applied.template_parameters ?? {}) as Record<string, { "@type"?: string; value?: unknown }>;
  const failures: string[] = [];
  for (const [key, any] of Object.entries(appliedParams)) {
    if (key in params) continue;
    const declared = template?.parameters[key]?.typeUrl;
    if (declared && any["@type"] && safeTypeUrl(declared) !== any["@type"]) {
      failures.push(
        `catalogItem: catalog item '${ref}' defaults template parameter '${key}' as '${any["@type"]}', but template '${item.template}' declares it '${declared}'; the server refuses such clusters`,
      );
      continue;
    }
    params[key] = /Int64Value$/.test(any["@type"] ?? "") && typeof any.value === "string" ? Number(any.value) : any.value;
  }
  const sets: NonNullable<ClusterInputs["nodeSets"]> = { ...(inputs.nodeSets ?? {}) };
  for (const [key, set] of Object.entries((applied.node_sets ?? {}) as Record<string, { size?: number; host_type?: string }>)) {
    if (key in sets || typeof set.size !== "number") continue;
    sets[key] = { size: set.size, ...(set.host_type ? { hostType: set.host_type } : {}) };
  }
  return { failures, effective: { ...effective, templateParameters: Object.keys(params).length ? params : undefined, nodeSets: Object.keys(sets).length ? sets : undefined } };
}

function safeTypeUrl(type: string): string | undefined {
  try {
    return toTypeUrl(type, "type");
  } catch {
    return undefined;
  }
}

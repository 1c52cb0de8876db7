// Catalog items that ClusterCatalogItem resources of the running program describe, so a new
// stack's preview can validate its clusters against an item the service does not have yet
// (as plannedTemplates.ts does for templates; the same process, the same ordering).
import { containsUnknown, isUnknown } from "../toolkit/common";
import type { FieldDefinitionRule } from "../client/fieldDefinitions";

export interface PlannedCatalogItem {
  id: string;
  name: string;
  /** The template id; unknown until applied when it is another resource's output. */
  template: string;
  published: boolean;
  /** Undefined while any definition is not known yet: nothing can be validated then. */
  rules?: FieldDefinitionRule[];
}

const REGISTRY = Symbol.for("pulumi-fulfillment.plannedCatalogItems");
type Registry = Map<string, PlannedCatalogItem>;

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

const key = (address: string, ref: string) => `${address}\u0000${ref}`;

/** Records an item described in the program; called from ClusterCatalogItem's check. */
export function recordPlannedCatalogItem(address: string, item: { catalogItemId: string; name?: string; template: string; published?: boolean; rules: FieldDefinitionRule[] }): void {
  if (isUnknown(item.catalogItemId)) return;
  const planned: PlannedCatalogItem = {
    id: item.catalogItemId,
    name: item.name ?? "",
    template: item.template,
    published: item.published === true || isUnknown(item.published),
    ...(containsUnknown(item.rules) ? {} : { rules: item.rules }),
  };
  registry().set(key(address, item.catalogItemId), planned);
  if (item.name && !isUnknown(item.name)) registry().set(key(address, item.name), planned);
}

/** The catalog item a ClusterCatalogItem resource of this program describes under that id or name, if any. */
export function plannedCatalogItem(address: string, ref: string): PlannedCatalogItem | undefined {
  return registry().get(key(address, ref));
}

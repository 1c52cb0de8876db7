// ClusterCatalogItems of the osac server (internal/servers/cluster_catalog_items_server.go,
// private_cluster_catalog_items_server.go, catalog_item_validation.go) on the generic server:
// public List shows only published items (its filter is parsed first: INVALID_ARGUMENT
// `invalid filter: …`), public Get of an unpublished item no cluster uses is NOT_FOUND
// `catalog item not found`, public Update ignores the mask, an item a cluster uses cannot be
// deleted (FAILED_PRECONDITION), and field definitions are checked when written. Clusters
// ordered by catalog item go through `clusterFromCatalogItem`.
import { toJson, fromJson, type Message } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { status } from "@grpc/grpc-js";
import { parse } from "@marcbachmann/cel-js";
import type { ClusterCatalogItem } from "../../proto/gen/osac/private/v1/cluster_catalog_item_type_pb";
import type { FieldDefinition } from "../../proto/gen/osac/private/v1/field_definition_type_pb";
import { ClusterSpecSchema, type Cluster } from "../../proto/gen/osac/private/v1/cluster_type_pb";
import { applyFieldDefinitions, checkFieldDefinitions, FieldDefinitionError, type FieldDefinitionRule } from "../../client/fieldDefinitions";
import { ApiError, invalidArgument, notFound } from "../errors";
import type { Handlers } from "../services/crud";
import { compareIds } from "../store";
import { jsonRegistry } from "../views";
import type { OsacEnv, OsacHooks } from "./generic";
import { osacCollections, type OsacCollections } from "./model";
import { isVisible, type OsacSubject } from "./tenancy";

const asItem = (object: unknown): ClusterCatalogItem => object as ClusterCatalogItem;

export function fieldRules(definitions: readonly FieldDefinition[]): FieldDefinitionRule[] {
  return definitions.map((d) => ({
    path: d.path,
    editable: d.editable,
    validationSchema: d.validationSchema,
    ...(d.default ? { default: toJson(ValueSchema, d.default) } : {}),
  }));
}

function checkDefinitions(item: ClusterCatalogItem): void {
  try {
    checkFieldDefinitions(fieldRules(item.fieldDefinitions));
  } catch (error) {
    throw asApiError(error);
  }
}

function asApiError(error: unknown): unknown {
  if (error instanceof FieldDefinitionError) return new ApiError(error.code === "INTERNAL" ? status.INTERNAL : status.INVALID_ARGUMENT, error.message);
  return error;
}

export const catalogItemHooks: OsacHooks = {
  publicIgnoresMask: true,
  prepareCreate: (_env, object) => checkDefinitions(asItem(object)),
  checkUpdate: (_env, _current, _requested, merged) => checkDefinitions(asItem(merged)),
};

/** Clusters that name the item (by id or by the name they were ordered with) and are not gone. */
function inUse(store: OsacCollections, item: ClusterCatalogItem): boolean {
  const refs = new Set([item.id, ...(item.metadata?.name ? [item.metadata.name] : [])]);
  return [...store.clusters.values()].some((cluster) => refs.has(cluster.spec?.catalogItem ?? ""));
}

/** Wraps the generic handlers with what the catalog item servers add. */
export function catalogItemHandlers(generic: Handlers, env: () => OsacEnv, isPublic: boolean): Handlers {
  const handlers: Handlers = { ...generic };
  const stored = (id: string) => osacCollections(env().store).catalogItems.get(id);
  handlers.Delete = (request, subject, metadata) => {
    const id = (request as unknown as { id: string }).id;
    const item = stored(id);
    if (item && isVisible(subject as OsacSubject, item.metadata?.tenant ?? "") && inUse(osacCollections(env().store), item)) {
      throw new ApiError(status.FAILED_PRECONDITION, `cannot delete cluster catalog item '${id}': it is in use by at least one cluster`);
    }
    return generic.Delete(request, subject, metadata);
  };
  if (!isPublic) return handlers;
  handlers.List = (request, subject, metadata) => {
    const { filter } = request as unknown as { filter?: string };
    let composed = "this.published == true";
    if (filter !== undefined && filter !== "") {
      try {
        parse(filter);
      } catch (error) {
        throw invalidArgument(`invalid filter: ${(error as Error).message}`);
      }
      composed = `(${filter}) && this.published == true`;
    }
    return generic.List({ ...(request as object), filter: composed } as unknown as Message, subject, metadata);
  };
  handlers.Get = async (request, subject, metadata) => {
    const response = await generic.Get(request, subject, metadata);
    const id = (request as unknown as { id: string }).id;
    const item = stored(id);
    if (item && !item.published && !inUse(osacCollections(env().store), item)) throw notFound("catalog item not found");
    return response;
  };
  return handlers;
}

/**
 * private_clusters_server.go validateAndTransformCatalogItem, up to the template: the item by
 * id or name among those the caller sees (lowest id first), published and not deleted; the
 * template taken from it; the field definitions applied. The template path follows.
 */
export function clusterFromCatalogItem(store: OsacCollections, cluster: Cluster, caller: OsacSubject | undefined): void {
  const spec = cluster.spec!;
  const ref = spec.catalogItem;
  const item = [...store.catalogItems.values()]
    .filter((candidate) => (candidate.id === ref || candidate.metadata?.name === ref) && (!caller || isVisible(caller, candidate.metadata?.tenant ?? "")))
    .sort((a, b) => compareIds(a.id, b.id))[0];
  if (!item) throw notFound(`there is no catalog item with identifier or name '${ref}'`);
  if (item.metadata?.deletionTimestamp) throw invalidArgument(`catalog item '${ref}' has been deleted`);
  if (!item.published) throw notFound(`catalog item '${ref}' is not published`);
  if (item.template === "") throw invalidArgument(`catalog item '${ref}' has no template`);
  spec.template = item.template;
  const json = toJson(ClusterSpecSchema, spec, { useProtoFieldName: true, registry: jsonRegistry }) as Record<string, unknown>;
  let applied: Record<string, unknown>;
  try {
    applied = applyFieldDefinitions(json, fieldRules(item.fieldDefinitions));
  } catch (error) {
    throw asApiError(error);
  }
  cluster.spec = fromJson(ClusterSpecSchema, applied as never, { registry: jsonRegistry });
}


// The generic List/Get/Create/Update/Delete/Signal behaviour of the real server's
// GenericServer, shared by every service; kind-specific rules come in as hooks.
import { randomUUID } from "node:crypto";
import { clone, create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { timestampNow, type FieldMask } from "@bufbuild/protobuf/wkt";
import { MetadataSchema } from "../../proto/gen/private/v1/metadata_type_pb";
import type { Metadata as GrpcMetadata } from "@grpc/grpc-js";
import type { Subject } from "../auth";
import type { Controller } from "../controller";
import { invalidArgument, objectExists, objectNotFound } from "../errors";
import { compileFilter, listCandidates } from "../filter";
import { applyPaths, checkPaths } from "../masks";
import { compareIds, kindSchemas, type InnaboxKind, type KindObject, type Store } from "../store";
import { validateName } from "../validation";
import { convert } from "../views";

/** What the handlers need; swapped as a whole on restart. */
export interface Env {
  store: Store;
  controller: Controller;
}

/** `metadata`: the call's request metadata (the osac server reads `x-dry-run` from it). */
export type Handler = (request: Message, subject: Subject, metadata?: GrpcMetadata) => Message | Promise<Message>;
export type Handlers = Record<string, Handler>;

/** How one API package sees a kind: its message type and what its clients may write. */
export interface View<K extends InnaboxKind> {
  schema: DescMessage;
  isPublic: boolean;
  toView(object: KindObject<K>): Message;
  fromView(message: Message): KindObject<K>;
  /** Mask roots clients of this view may not write. */
  readOnlyRoots: readonly string[];
}

export function privateView<K extends InnaboxKind>(kind: K): View<K> {
  const schema = kindSchemas[kind] as DescMessage;
  return {
    schema,
    isPublic: false,
    toView: (object) => clone(schema, object as Message),
    fromView: (message) => clone(schema, message) as KindObject<K>,
    readOnlyRoots: [],
  };
}

export function publicView<K extends InnaboxKind>(kind: K, schema: DescMessage): View<K> {
  const privateSchema = kindSchemas[kind] as DescMessage;
  return {
    schema,
    isPublic: true,
    toView: (object) => convert(privateSchema, object as Message, schema),
    fromView: (message) => convert(schema, message, privateSchema) as KindObject<K>,
    readOnlyRoots: ["status"],
  };
}

export interface Hooks<K extends InnaboxKind> {
  /** Validates and rewrites a new object before it gets its id. */
  prepareCreate?(env: Env, object: KindObject<K>, view: View<K>): void;
  /** Checks a masked update; `merged` is the stored object with the mask applied. */
  checkUpdate?(env: Env, current: KindObject<K>, request: KindObject<K>, merged: KindObject<K>, paths: readonly string[]): void;
  afterCreate?(env: Env, object: KindObject<K>): void;
  afterUpdate?(env: Env, before: KindObject<K>, after: KindObject<K>): void;
  afterDelete?(env: Env, id: string): void;
  afterSignal?(env: Env, id: string): void;
  /** Creator recorded for guests; the real server records hubs as `system`. */
  guestCreator?: string;
}

interface ListRequest {
  offset?: number;
  limit?: number;
  filter?: string;
}

export function crudHandlers<K extends InnaboxKind>(
  service: DescService,
  kind: K,
  view: View<K>,
  hooks: Hooks<K>,
  env: () => Env,
): Handlers {
  const output = (name: string): DescMessage => {
    const method = service.methods.find((candidate) => candidate.name === name);
    if (!method) throw new Error(`${service.typeName} has no method ${name}`);
    return method.output;
  };
  const requireId = (id: string): string => {
    if (id === "") throw invalidArgument("identifier is mandatory");
    return id;
  };
  const find = (id: string): KindObject<K> => {
    const object = env().store.collection(kind).get(id);
    if (!object) throw objectNotFound(id);
    return object;
  };

  const handlers: Handlers = {
    List: (request) => {
      const { offset, limit, filter } = request as unknown as ListRequest;
      const matches = compileFilter(filter, view.schema);
      const items = listCandidates(env().store.collection(kind), matches)
        .sort((a, b) => compareIds(a.id, b.id))
        .map((object) => view.toView(object))
        .filter(matches);
      const start = Math.max(0, offset ?? 0);
      const page = limit !== undefined && limit > 0 ? items.slice(start, start + limit) : items.slice(start);
      return create(output("List"), { size: page.length, total: items.length, items: page });
    },

    Get: (request) => {
      const id = requireId((request as unknown as { id: string }).id);
      return create(output("Get"), { object: view.toView(find(id)) });
    },

    Create: (request, subject) => {
      const sent = (request as unknown as { object?: Message }).object;
      if (!sent) throw invalidArgument("object is mandatory");
      const { store } = env();
      const object = view.fromView(sent);
      const metadata = (object.metadata ??= create(MetadataSchema));
      validateName(metadata.name);
      hooks.prepareCreate?.(env(), object, view);
      object.id ||= randomUUID();
      if (store.collection(kind).has(object.id)) throw objectExists(object.id);
      metadata.creationTimestamp = timestampNow();
      metadata.deletionTimestamp = undefined;
      metadata.creators = [subject.name === "guest" && hooks.guestCreator ? hooks.guestCreator : subject.name];
      metadata.tenants = ["shared"];
      store.collection(kind).set(object.id, object);
      store.commit([{ kind, id: object.id }]);
      hooks.afterCreate?.(env(), object);
      return create(output("Create"), { object: view.toView(object) });
    },

    Update: (request) => {
      const { object: sent, updateMask } = request as unknown as { object?: Message; updateMask?: FieldMask };
      if (!sent) throw invalidArgument("object is mandatory");
      const { store } = env();
      const requested = view.fromView(sent);
      if (requested.id === "") throw invalidArgument("object identifier is mandatory");
      const current = find(requested.id);
      const schema = kindSchemas[kind] as DescMessage;
      let merged: KindObject<K>;
      if (updateMask) {
        checkPaths(view.schema, updateMask.paths, view.readOnlyRoots);
        merged = clone(schema, current as Message) as KindObject<K>;
        applyPaths(schema, merged as Message, requested as Message, updateMask.paths);
        validateName(merged.metadata?.name ?? "");
        hooks.checkUpdate?.(env(), current, requested, merged, updateMask.paths);
      } else {
        // The real server's footgun, on purpose: no mask replaces the object wholesale,
        // without the checks a masked update gets. Only server-owned fields survive.
        merged = replaceWhole(current, requested, view);
        validateName(merged.metadata?.name ?? "");
      }
      store.collection(kind).set(merged.id, merged);
      store.commit([{ kind, id: merged.id }]);
      hooks.afterUpdate?.(env(), current, merged);
      return create(output("Update"), { object: view.toView(merged) });
    },

    Delete: (request) => {
      const id = requireId((request as unknown as { id: string }).id);
      const { store } = env();
      const object = find(id);
      const metadata = (object.metadata ??= create(MetadataSchema));
      metadata.deletionTimestamp ??= timestampNow();
      store.commit([{ kind, id }]);
      hooks.afterDelete?.(env(), id);
      return create(output("Delete"));
    },

    Signal: (request) => {
      const id = requireId((request as unknown as { id: string }).id);
      find(id);
      hooks.afterSignal?.(env(), id);
      return create(output("Signal"));
    },
  };
  const served = new Set(service.methods.map((method) => method.name));
  return Object.fromEntries(Object.entries(handlers).filter(([name]) => served.has(name)));
}

function replaceWhole<K extends InnaboxKind>(current: KindObject<K>, requested: KindObject<K>, view: View<K>): KindObject<K> {
  const next = requested;
  next.id = current.id;
  const before = current.metadata ?? create(MetadataSchema);
  const metadata = (next.metadata ??= create(MetadataSchema));
  metadata.creationTimestamp = before.creationTimestamp;
  metadata.deletionTimestamp = before.deletionTimestamp;
  metadata.creators = [...before.creators];
  metadata.tenants = [...before.tenants];
  if (view.isPublic) {
    // Public clients cannot see finalizers or status, so they cannot replace them either.
    metadata.finalizers = [...before.finalizers];
    if ("status" in current) (next as { status?: unknown }).status = (current as { status?: unknown }).status;
  }
  return next;
}

// The osac server's GenericServer (internal/servers/generic_server.go and the DAO): List,
// Get, Create, Update, Delete and Signal over the shared store, with the osac rules:
// tenancy (visible/assignable tenants, projects), creator attribution, metadata.version
// and `lock`, label rules, update masks (UNKNOWN for unknown paths; no mask = replace),
// writes only when something changed, dry runs, and archiving on delete.
// Kind-specific rules come in as hooks, as in simulator/services/crud.ts.
import { clone, create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { timestampNow, type FieldMask } from "@bufbuild/protobuf/wkt";
import { status, type Metadata as GrpcMetadata } from "@grpc/grpc-js";
import { MetadataSchema } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import { ApiError, internal, invalidArgument, objectExists, objectNotFound } from "../errors";
import { compileFilter, listCandidates } from "../filter";
import { applyPaths, isKnownPath } from "../masks";
import type { Handlers, Env } from "../services/crud";
import { compareIds, type Kind } from "../store";
import { convert } from "../views";
import { uuidv7 } from "./ids";
import { validateAnnotations, validateLabels, validateNameRule } from "./metadataRules";
import { osacCollection, type Stored } from "./model";
import { mergePublic } from "./publicMerge";
import { assignTenant, creatorOf, isVisible, type Directory, type OsacSubject } from "./tenancy";
import { equivalent } from "./versions";

export interface OsacEnv extends Env {
  directory: Directory;
}

/** How one API package sees a kind. */
export interface OsacView {
  schema: DescMessage;
  privateSchema: DescMessage;
  isPublic: boolean;
  toView(object: Stored): Message;
  fromView(message: Message): Stored;
}

export function osacView(privateSchema: DescMessage, publicSchema?: DescMessage): OsacView {
  if (!publicSchema) {
    return {
      schema: privateSchema,
      privateSchema,
      isPublic: false,
      toView: (object) => clone(privateSchema, object as unknown as Message),
      fromView: (message) => clone(privateSchema, message) as unknown as Stored,
    };
  }
  return {
    schema: publicSchema,
    privateSchema,
    isPublic: true,
    toView: (object) => convert(privateSchema, object as unknown as Message, publicSchema),
    fromView: (message) => convert(publicSchema, message, privateSchema) as unknown as Stored,
  };
}

export interface OsacHooks {
  /** Validates and rewrites a new object (the kind's server before the generic Create). */
  prepareCreate?(env: OsacEnv, object: Stored, view: OsacView, caller: OsacSubject): void;
  /** Checks an update; `paths` is undefined without a mask (or when the mask is ignored). */
  checkUpdate?(env: OsacEnv, current: Stored, requested: Stored, merged: Stored, paths: readonly string[] | undefined): void;
  /** Public ClusterTemplates, HostTypes (and catalog items) ignore the update mask. */
  publicIgnoresMask?: boolean;
  /** Rewrites what a view returns (e.g. pull_secret as `***`). */
  redact?(object: Message, view: OsacView): void;
  /** Puts back stored secrets a client echoed redacted. */
  unredact?(requested: Stored, current: Stored): void;
  afterCreate?(env: OsacEnv, object: Stored): void;
  afterUpdate?(env: OsacEnv, before: Stored, after: Stored): void;
  afterDelete?(env: OsacEnv, id: string, removed: boolean): void;
  afterSignal?(env: OsacEnv, id: string): void;
}

interface ListRequest {
  offset?: number;
  limit?: number;
  filter?: string;
}

interface UpdateRequest {
  object?: Message & { id?: string; metadata?: { version?: number; name?: string } };
  updateMask?: FieldMask;
  lock?: boolean;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function osacHandlers(service: DescService, kind: Kind, view: OsacView, hooks: OsacHooks, env: () => OsacEnv): Handlers {
  const output = (name: string): DescMessage => {
    const method = service.methods.find((candidate) => candidate.name === name);
    if (!method) throw new Error(`${service.typeName} has no method ${name}`);
    return method.output;
  };
  const collection = () => osacCollection(env().store, kind);
  const schema = view.privateSchema;
  const visible = (subject: OsacSubject, object: Stored) => isVisible(subject, object.metadata?.tenant ?? "");
  const find = (subject: OsacSubject, id: string): Stored => {
    const object = collection().get(id);
    if (!object || !visible(subject, object)) throw objectNotFound(id);
    return object;
  };
  const respond = (object: Stored): Message => {
    const out = view.toView(object);
    hooks.redact?.(out, view);
    return out;
  };

  const handlers: Handlers = {
    List: (request, subject) => {
      const { offset, limit, filter } = request as unknown as ListRequest;
      const matches = compileFilter(filter, schema, { osac: true });
      const items = listCandidates(collection(), matches)
        .filter((object) => visible(subject as OsacSubject, object))
        .sort((a, b) => compareIds(a.id, b.id))
        .filter((object) => matches(object as unknown as Message));
      const start = Math.max(0, offset ?? 0);
      const count = limit === undefined || limit === 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Math.max(0, limit));
      const page = items.slice(start, start + count).map(respond);
      return create(output("List"), { size: page.length, total: items.length, items: page });
    },

    Get: (request, subject) => {
      const id = (request as unknown as { id: string }).id;
      if (id === "") throw invalidArgument("identifier is mandatory");
      return create(output("Get"), { object: respond(find(subject as OsacSubject, id)) });
    },

    Create: (request, subject, metadata) => {
      const sent = (request as unknown as { object?: Message & { metadata?: { name?: string } } }).object;
      validateNameRule(sent?.metadata?.name);
      if (!sent && view.isPublic) throw invalidArgument("object is mandatory");
      const caller = subject as OsacSubject;
      const e = env();
      const object = sent ? view.fromView(sent) : (create(schema) as unknown as Stored);
      const meta = (object.metadata ??= create(MetadataSchema));
      hooks.prepareCreate?.(e, object, view, caller);
      validateLabels(meta.labels);
      validateAnnotations(meta.annotations);
      meta.creator = creatorOf(caller, view.isPublic);
      meta.tenant = assignTenant(caller, meta.tenant, undefined);
      meta.creationTimestamp = undefined;
      meta.deletionTimestamp = undefined;
      meta.version = 0;
      if (view.isPublic) meta.finalizers = [];
      object.id ||= uuidv7();
      if (isDryRun(metadata)) return create(output("Create"), { object: respond(object) });
      if (collection().has(object.id)) throw objectExists(object.id);
      if (!e.directory.hasProject(meta.tenant, meta.project)) throw invalidArgument(`project '${meta.project}' doesn't exist`);
      meta.creationTimestamp = timestampNow();
      collection().set(object.id, object);
      e.store.commit([{ kind, id: object.id }]);
      hooks.afterCreate?.(e, object);
      return create(output("Create"), { object: respond(object) });
    },

    Update: (request, subject) => {
      const { object: sent, updateMask, lock } = request as unknown as UpdateRequest;
      validateNameRule(sent?.metadata?.name);
      if (!sent) throw invalidArgument("object is mandatory");
      if (!sent.id) throw new ApiError(view.isPublic ? status.INVALID_ARGUMENT : status.INTERNAL, "object identifier is mandatory");
      const caller = subject as OsacSubject;
      const e = env();
      const current = find(caller, sent.id);
      const currentVersion = current.metadata?.version ?? 0;
      if (lock && sent.metadata && (sent.metadata.version ?? 0) !== currentVersion) {
        throw new ApiError(
          status.ABORTED,
          `object with identifier '${sent.id}' has been modified: requested version is ${sent.metadata.version ?? 0} but current version is ${currentVersion}`,
        );
      }
      const requested = view.fromView(sent);
      // A public status is never copied in: a public `status` mask path clears the stored one.
      if (view.isPublic && "status" in requested) (requested as { status?: unknown }).status = undefined;
      hooks.unredact?.(requested, current);
      const paths = updateMask?.paths;
      let merged: Stored;
      let maskPaths: readonly string[] | undefined;
      if (view.isPublic && (hooks.publicIgnoresMask || !paths || paths.length === 0)) {
        merged = mergePublic(schema, current as unknown as Message, view.schema, sent) as unknown as Stored;
        hooks.unredact?.(merged, current);
      } else if (updateMask) {
        for (const path of updateMask.paths) {
          if (!isKnownPath(schema, path)) throw new ApiError(status.UNKNOWN, `field '${path}' not found`);
        }
        merged = clone(schema, current as unknown as Message) as unknown as Stored;
        applyPaths(schema, merged as unknown as Message, requested as unknown as Message, updateMask.paths, { replaceMapEntries: true });
        maskPaths = updateMask.paths;
      } else {
        merged = requested;
      }
      merged.id = current.id;
      const meta = (merged.metadata ??= create(MetadataSchema));
      const before = current.metadata ?? create(MetadataSchema);
      meta.creationTimestamp = before.creationTimestamp;
      meta.deletionTimestamp = before.deletionTimestamp;
      meta.creator = before.creator;
      meta.version = currentVersion;
      if (view.isPublic) meta.finalizers = [...before.finalizers];
      hooks.checkUpdate?.(e, current, requested, merged, maskPaths);
      validateNameRule(meta.name);
      validateLabels(meta.labels);
      validateAnnotations(meta.annotations);
      meta.tenant = assignTenant(caller, meta.tenant, before.tenant);
      if (equivalent(schema, merged, current)) return create(output("Update"), { object: respond(current) });
      if (meta.tenant !== before.tenant) throw invalidArgument("field 'metadata.tenant' is immutable");
      if (meta.project !== before.project) throw invalidArgument("field 'metadata.project' is immutable");
      collection().set(merged.id, merged);
      e.store.commit([{ kind, id: merged.id }]);
      if (meta.deletionTimestamp && meta.finalizers.length === 0) {
        e.store.remove(kind, merged.id, { archived: true });
        e.store.commit([{ kind, id: merged.id }]);
      }
      hooks.afterUpdate?.(e, current, merged);
      return create(output("Update"), { object: respond(merged) });
    },

    Delete: (request, subject) => {
      const id = (request as unknown as { id: string }).id;
      if (id === "") throw internal("object identifier is mandatory");
      const e = env();
      const object = find(subject as OsacSubject, id);
      const meta = (object.metadata ??= create(MetadataSchema));
      meta.deletionTimestamp = timestampNow();
      const removed = meta.finalizers.length === 0;
      if (removed) e.store.remove(kind, id, { archived: true });
      e.store.commit([{ kind, id }]);
      hooks.afterDelete?.(e, id, removed);
      return create(output("Delete"));
    },

    Signal: (request, subject) => {
      const id = (request as unknown as { id: string }).id;
      if (id === "") throw invalidArgument("identifier is mandatory");
      find(subject as OsacSubject, id);
      hooks.afterSignal?.(env(), id);
      return create(output("Signal"));
    },
  };
  const served = new Set(service.methods.map((method) => method.name));
  return Object.fromEntries(Object.entries(handlers).filter(([name]) => served.has(name)));
}

/** gRPC metadata `x-dry-run: true` (REST header `X-Dry-Run`), case-insensitive. */
export function isDryRun(metadata: GrpcMetadata | undefined): boolean {
  return (metadata?.get("x-dry-run") ?? []).some((value) => String(value).toLowerCase() === "true");
}

// ClusterVersions, public and private, as shared/osac-api.md describes them
// (private_cluster_versions_server.go, cluster_versions_server.go): the id is always
// generated; Create needs spec, a strict SemVer `spec.version` and `spec.image` (which the
// public API lacks, so public Create always fails); defaults enabled=true, is_default=false,
// state=ACTIVE, name = the version lowercased with non-alphanumerics as '-' plus '-' and the
// last 4 hex digits of its FNV-32a; at most one default; version, image and name immutable;
// allowed upgrades name existing, enabled, non-obsolete versions other than itself; Delete
// removes the name from the others' allowed upgrades; the public List shows only enabled
// ACTIVE/DEPRECATED versions unless the filter mentions those fields; public is_default is
// ignored on input. Kept in the store like the other osac objects (so in the state file, and
// a restart keeps them), whose commits send their CREATED/UPDATED/DELETED events.
import { randomUUID } from "node:crypto";
import { clone, create, type Message } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { ClusterVersions as PublicVersions } from "../../proto/gen/osac/public/v1/cluster_versions_service_pb";
import { ClusterVersionSchema as PublicVersionSchema, type ClusterVersion as PublicVersion } from "../../proto/gen/osac/public/v1/cluster_version_type_pb";
import { ClusterVersions as PrivateVersions } from "../../proto/gen/osac/private/v1/cluster_versions_service_pb";
import {
  ClusterVersionDeprecationSchema,
  ClusterVersionSchema,
  ClusterVersionSpecSchema,
  ClusterVersionState,
  type ClusterVersion,
} from "../../proto/gen/osac/private/v1/cluster_version_type_pb";
import { MetadataSchema } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import { status } from "@grpc/grpc-js";
import { ApiError, internal, invalidArgument, objectNotFound } from "../errors";
import { compileFilter } from "../filter";
import type { ServedApi } from "../server";
import type { Handlers } from "../services/crud";
import type { OsacEnv } from "./generic";
import { osacCollections } from "./model";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
// semver.org's regular expression for SemVer 2.0.0.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** `4.17.0` → `4-17-0-e769`. */
export function defaultVersionName(version: string): string {
  return `${version.toLowerCase().replace(/[^a-z0-9]/g, "-")}-${fnv32a(version).toString(16).padStart(8, "0").slice(-4)}`;
}

interface ListRequest {
  offset?: number;
  limit?: number;
  filter?: string;
}

interface UpdateRequest<T> {
  object?: T;
  updateMask?: { paths: string[] };
  lock?: boolean;
}

function toPublic(version: ClusterVersion): PublicVersion {
  const spec = version.spec;
  const meta = version.metadata;
  return create(PublicVersionSchema, {
    id: version.id,
    metadata: meta
      ? { name: meta.name, tenant: meta.tenant, creator: meta.creator, labels: meta.labels, annotations: meta.annotations, version: meta.version, project: meta.project, creationTimestamp: meta.creationTimestamp }
      : undefined,
    spec: spec
      ? {
          ...(spec.enabled !== undefined ? { enabled: spec.enabled } : {}),
          ...(spec.isDefault !== undefined ? { isDefault: spec.isDefault } : {}),
          state: spec.state,
          ...(spec.deprecation
            ? { deprecation: { deprecationTimestamp: spec.deprecation.deprecationTimestamp, obsolescenceTimestamp: spec.deprecation.obsolescenceTimestamp } }
            : {}),
          version: spec.version,
          ...(spec.allowedUpgrades ? { allowedUpgrades: { versionNames: [...spec.allowedUpgrades.versionNames] } } : {}),
        }
      : undefined,
    status: {},
  });
}

export function clusterVersionApis(env: () => OsacEnv): ServedApi[] {
  // The current store's collection: a restart with a state file swaps the store.
  const all = (): Map<string, ClusterVersion> => osacCollections(env().store).clusterVersions;
  const commit = (): void => env().store.commit();
  const sorted = () => [...all().values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const find = (id: string): ClusterVersion => {
    if (id === "") throw invalidArgument("identifier is mandatory");
    const version = all().get(id);
    if (!version) throw objectNotFound(id);
    return version;
  };
  const byName = (name: string) => [...all().values()].find((version) => version.metadata?.name === name);

  /** The rules every write ends with: defaults, one default, allowed upgrades. */
  const validate = (version: ClusterVersion): void => {
    const spec = version.spec!;
    if (spec.isDefault) {
      if (spec.enabled === false) throw invalidArgument("cannot set 'is_default' on a disabled cluster version");
      if (spec.state === ClusterVersionState.OBSOLETE) throw invalidArgument("cannot set 'is_default' on an obsolete cluster version");
    }
    for (const name of spec.allowedUpgrades?.versionNames ?? []) {
      if (name === version.metadata?.name) throw invalidArgument(`cluster version '${name}' can't be an allowed upgrade of itself`);
      const target = byName(name);
      if (!target) throw invalidArgument(`allowed upgrade '${name}' doesn't exist`);
      if (target.spec?.enabled === false) throw invalidArgument(`allowed upgrade '${name}' is disabled`);
      if (target.spec?.state === ClusterVersionState.OBSOLETE) throw invalidArgument(`allowed upgrade '${name}' is obsolete`);
    }
  };
  const clearOtherDefaults = (version: ClusterVersion): void => {
    if (!version.spec?.isDefault) return;
    for (const other of all().values()) {
      if (other.id !== version.id && other.spec?.isDefault) {
        other.spec.isDefault = false;
        other.metadata!.version += 1;
      }
    }
  };

  const createVersion = (object: ClusterVersion | undefined, isPublic: boolean): ClusterVersion => {
    if (!object) throw invalidArgument("object is mandatory");
    const spec = object.spec;
    if (!spec) throw invalidArgument("object spec is mandatory");
    if (spec.version.length > 256 || !SEMVER.test(spec.version)) {
      throw invalidArgument(`field 'spec.version' is not a valid SemVer 2.0.0 string: invalid semantic version`);
    }
    if (isPublic || spec.image === "") throw invalidArgument("field 'spec.image' is required");
    const version = clone(ClusterVersionSchema, create(ClusterVersionSchema, object));
    version.id = randomUUID();
    version.metadata = create(MetadataSchema, {
      labels: { ...(object.metadata?.labels ?? {}) },
      annotations: { ...(object.metadata?.annotations ?? {}) },
      name: object.metadata?.name || defaultVersionName(spec.version),
      tenant: "shared",
      creator: "system",
      version: 0,
      creationTimestamp: timestampNow(),
    });
    version.spec!.enabled ??= true;
    version.spec!.isDefault ??= false;
    if (version.spec!.state === ClusterVersionState.UNSPECIFIED) version.spec!.state = ClusterVersionState.ACTIVE;
    version.spec!.deprecation = undefined;
    validate(version);
    clearOtherDefaults(version);
    all().set(version.id, version);
    commit();
    return version;
  };

  const updateVersion = (request: UpdateRequest<ClusterVersion>, isPublic: boolean): ClusterVersion => {
    const object = request.object;
    if (!object) throw invalidArgument("object is mandatory");
    if (object.id === "") throw (isPublic ? invalidArgument : internal)("object identifier is mandatory");
    const current = find(object.id);
    if (request.lock && object.metadata && object.metadata.version !== current.metadata!.version) {
      throw new ApiError(
        status.ABORTED,
        `object with identifier '${object.id}' has been modified: requested version is ${object.metadata.version} but current version is ${current.metadata!.version}`,
      );
    }
    const next = clone(ClusterVersionSchema, current);
    next.spec ??= create(ClusterVersionSpecSchema);
    const requestedSpec = object.spec;
    const paths = request.updateMask?.paths.length ? request.updateMask.paths : ["metadata.name", "metadata.labels", "spec"];
    for (const path of paths) {
      switch (path) {
        case "spec":
          for (const key of ["enabled", "isDefault", "state", "allowedUpgrades", "version", "image"] as const) {
            if (isPublic && (key === "image" || key === "isDefault")) continue;
            (next.spec as unknown as Record<string, unknown>)[key] = (requestedSpec as unknown as Record<string, unknown> | undefined)?.[key];
          }
          break;
        case "spec.enabled":
          next.spec!.enabled = requestedSpec?.enabled;
          break;
        case "spec.is_default":
          if (!isPublic) next.spec!.isDefault = requestedSpec?.isDefault;
          break;
        case "spec.state":
          next.spec!.state = requestedSpec?.state ?? ClusterVersionState.UNSPECIFIED;
          break;
        case "spec.allowed_upgrades":
        case "spec.allowed_upgrades.version_names":
          next.spec!.allowedUpgrades = requestedSpec?.allowedUpgrades;
          break;
        case "spec.version":
          next.spec!.version = requestedSpec?.version ?? "";
          break;
        case "spec.image":
          if (!isPublic) next.spec!.image = requestedSpec?.image ?? "";
          break;
        case "metadata.name":
          next.metadata!.name = object.metadata?.name ?? "";
          break;
        case "metadata.labels":
          next.metadata!.labels = { ...(object.metadata?.labels ?? {}) };
          break;
        default:
          throw new ApiError(status.UNKNOWN, `field '${path}' not found`);
      }
    }
    const immutable: Array<[string, string, string]> = [
      ["spec.version", current.spec?.version ?? "", next.spec!.version],
      ["spec.image", current.spec?.image ?? "", next.spec!.image],
      ["metadata.name", current.metadata?.name ?? "", next.metadata!.name],
    ];
    for (const [field, before, after] of immutable) {
      if (before !== after) throw invalidArgument(`field '${field}' is immutable and cannot be changed from '${before}' to '${after}'`);
    }
    next.spec!.enabled ??= true;
    next.spec!.isDefault ??= false;
    if (next.spec!.state === ClusterVersionState.UNSPECIFIED) next.spec!.state = ClusterVersionState.ACTIVE;
    next.spec!.deprecation = current.spec?.deprecation;
    if (next.spec!.state === ClusterVersionState.DEPRECATED && current.spec?.state !== ClusterVersionState.DEPRECATED) {
      next.spec!.deprecation = create(ClusterVersionDeprecationSchema, { ...(next.spec!.deprecation ?? {}), deprecationTimestamp: timestampFromDate(new Date()) });
    }
    validate(next);
    const changed = JSON.stringify(next.spec) !== JSON.stringify(current.spec) || JSON.stringify(next.metadata?.labels) !== JSON.stringify(current.metadata?.labels);
    if (changed) next.metadata!.version = current.metadata!.version + 1;
    all().set(next.id, next);
    clearOtherDefaults(next);
    commit();
    return next;
  };

  const deleteVersion = (id: string, isPublic: boolean): void => {
    if (id === "") throw (isPublic ? invalidArgument : internal)(isPublic ? "identifier is mandatory" : "object identifier is mandatory");
    const version = find(id);
    // Archived in one step (no finalizers): the DELETED event carries the deletion time.
    version.metadata!.deletionTimestamp = timestampNow();
    env().store.remove("clusterVersions", id, { archived: true });
    for (const other of all().values()) {
      const names = other.spec?.allowedUpgrades?.versionNames;
      if (names?.includes(version.metadata!.name)) {
        other.spec!.allowedUpgrades!.versionNames = names.filter((name) => name !== version.metadata!.name);
        other.metadata!.version += 1;
      }
    }
    commit();
  };

  const list = (request: ListRequest, isPublic: boolean) => {
    let filter = request.filter?.trim() ? request.filter : undefined;
    if (isPublic) {
      const visibility = [
        ...(filter && /\bspec\.state\b/.test(filter) ? [] : ["(this.spec.state == 1 || this.spec.state == 2)"]),
        ...(filter && /\bspec\.enabled\b/.test(filter) ? [] : ["this.spec.enabled == true"]),
      ];
      if (filter) {
        try {
          compileFilter(filter, ClusterVersionSchema, { osac: true });
        } catch {
          throw invalidArgument(`invalid filter: ${filter}`);
        }
      }
      filter = [...(filter ? [`(${filter})`] : []), ...visibility].join(" && ") || undefined;
    }
    const matches = compileFilter(filter, ClusterVersionSchema, { osac: true });
    const items = sorted().filter((version) => matches(version as unknown as Message));
    const start = Math.max(0, request.offset ?? 0);
    const count = request.limit === undefined || request.limit === 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Math.max(0, request.limit));
    return { items: items.slice(start, start + count), total: items.length };
  };

  const out = (service: typeof PublicVersions | typeof PrivateVersions, name: string) => service.methods.find((method) => method.name === name)!.output;
  const privateHandlers: Handlers = {
    List: (request) => {
      const { items, total } = list(request as unknown as ListRequest, false);
      return create(out(PrivateVersions, "List"), { size: items.length, total, items });
    },
    Get: (request) => create(out(PrivateVersions, "Get"), { object: find((request as unknown as { id: string }).id) }),
    Create: (request) => create(out(PrivateVersions, "Create"), { object: createVersion((request as unknown as { object?: ClusterVersion }).object, false) }),
    Update: (request) => create(out(PrivateVersions, "Update"), { object: updateVersion(request as unknown as UpdateRequest<ClusterVersion>, false) }),
    Delete: (request) => {
      deleteVersion((request as unknown as { id: string }).id, false);
      return create(out(PrivateVersions, "Delete"), {});
    },
    Signal: (request) => {
      find((request as unknown as { id: string }).id);
      return create(out(PrivateVersions, "Signal"), {});
    },
  };
  const publicHandlers: Handlers = {
    List: (request) => {
      const { items, total } = list(request as unknown as ListRequest, true);
      return create(out(PublicVersions, "List"), { size: items.length, total, items: items.map(toPublic) });
    },
    Get: (request) => create(out(PublicVersions, "Get"), { object: toPublic(find((request as unknown as { id: string }).id)) }),
    Create: (request) => {
      const object = (request as unknown as { object?: PublicVersion }).object;
      return create(out(PublicVersions, "Create"), { object: toPublic(createVersion(object as unknown as ClusterVersion | undefined, true)) });
    },
    Update: (request) => create(out(PublicVersions, "Update"), { object: toPublic(updateVersion(request as unknown as UpdateRequest<ClusterVersion>, true)) }),
    Delete: (request) => {
      deleteVersion((request as unknown as { id: string }).id, true);
      return create(out(PublicVersions, "Delete"), {});
    },
  };
  return [
    { service: PublicVersions, handlers: publicHandlers },
    { service: PrivateVersions, handlers: privateHandlers },
  ];
}

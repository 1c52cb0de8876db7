// osac ClusterVersions: admins write through osac.private.v1 (the only API with `image`;
// the id is always the server's, so a version is found again by its `spec.version`),
// everyone reads through osac.public.v1 (enabled ACTIVE/DEPRECATED versions, no image).
import { ClusterVersions } from "../../proto/gen/osac/public/v1/cluster_versions_service_pb";
import type { ClusterVersion as PublicMessage } from "../../proto/gen/osac/public/v1/cluster_version_type_pb";
import { ClusterVersions as PrivateVersions } from "../../proto/gen/osac/private/v1/cluster_versions_service_pb";
import { ClusterVersionState, type ClusterVersion as PrivateMessage } from "../../proto/gen/osac/private/v1/cluster_version_type_pb";
import type { FulfillmentClient } from "../client";
import type { ClusterVersionsApi } from "./api";
import type { ClusterVersion, ClusterVersionSpecInput } from "./domain";
import { deleted, orUndefined } from "./mapping";

function clusterVersion(message: PublicMessage | PrivateMessage): ClusterVersion {
  const spec = message.spec;
  const out: ClusterVersion = {
    id: message.id,
    name: message.metadata?.name ?? "",
    version: spec?.version ?? "",
    enabled: spec?.enabled ?? true,
    isDefault: spec?.isDefault ?? false,
    state: (ClusterVersionState[spec?.state ?? 0] ?? "UNSPECIFIED").replace(/^CLUSTER_VERSION_STATE_/, ""),
    allowedUpgrades: [...(spec?.allowedUpgrades?.versionNames ?? [])],
    labels: { ...(message.metadata?.labels ?? {}) },
    metadataVersion: message.metadata?.version ?? 0,
  };
  if (spec && "image" in spec) out.image = spec.image;
  return out;
}

const quoted = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function spec(input: ClusterVersionSpecInput) {
  return {
    version: input.version,
    image: input.image,
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}),
    state: input.state ? ClusterVersionState[input.state] : ClusterVersionState.UNSPECIFIED,
    allowedUpgrades: { versionNames: [...(input.allowedUpgrades ?? [])] },
  };
}

export function osacClusterVersions(client: FulfillmentClient): ClusterVersionsApi {
  return {
    async findByVersion(version, options = {}) {
      const filter = `this.spec.version == ${quoted(version)}`;
      const items = options.admin
        ? (await client.call(PrivateVersions.method.list, { filter })).items
        : (await client.call(ClusterVersions.method.list, { filter })).items;
      return items.length ? clusterVersion(items[0]) : undefined;
    },
    async list() {
      return (await client.call(ClusterVersions.method.list, { limit: 1000 })).items.map(clusterVersion);
    },
    async listAll() {
      return (await client.call(PrivateVersions.method.list, { limit: 1000 })).items.map(clusterVersion);
    },
    get: (id) => orUndefined(async () => clusterVersion((await client.call(PrivateVersions.method.get, { id }, { objectId: id })).object!)),
    async create(input) {
      const metadata = { ...(input.name ? { name: input.name } : {}), labels: input.labels ?? {} };
      // Not idempotent: the server picks the id, so a replayed Create could make a second one.
      const response = await client.call(PrivateVersions.method.create, { object: { metadata, spec: spec(input) } }, { idempotent: false });
      return clusterVersion(response.object!);
    },
    async update(id, input) {
      const paths = ["spec.enabled", "spec.is_default", "spec.state", "spec.allowed_upgrades", "metadata.labels"];
      const response = await client.call(
        PrivateVersions.method.update,
        { object: { id, metadata: { labels: input.labels ?? {} }, spec: spec(input) }, updateMask: { paths } },
        { objectId: id },
      );
      return clusterVersion(response.object!);
    },
    delete: (id) => deleted(() => client.call(PrivateVersions.method.delete, { id }, { objectId: id })),
  };
}

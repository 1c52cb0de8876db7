import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface ClusterVersionArgs {
  /** SemVer 2.0.0, e.g. `4.17.0`; immutable (a change replaces the version). Adoption finds a version by it. */
  version: pulumi.Input<string>;
  /** The OCI release image, e.g. `quay.io/openshift-release-dev/ocp-release:4.17.0-multi`; immutable. */
  image: pulumi.Input<string>;
  /** Whether new clusters may select it; default true. */
  enabled?: pulumi.Input<boolean>;
  /** The default for new clusters; setting it clears the previous default. */
  default?: pulumi.Input<boolean>;
  /** ACTIVE (default), DEPRECATED or OBSOLETE. */
  state?: pulumi.Input<"ACTIVE" | "DEPRECATED" | "OBSOLETE">;
  /** Names (`name`) of the versions clusters on this one may upgrade to. */
  allowedUpgrades?: pulumi.Input<pulumi.Input<string>[]>;
  /** `metadata.name`; default `<version with '-'>-<4 hex>` (e.g. `4-17-0-e769`); immutable. */
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Cluster versions live in the admin API: the token must be an admin's. */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = delegatingProvider("dist/resources/clusterVersionProvider");

/**
 * A release admins publish (osac.private.v1.ClusterVersions; osac generation only). The id
 * is always the server's; `import: "<version>"` adopts the version with that SemVer.
 */
export class ClusterVersion extends pulumi.dynamic.Resource {
  declare readonly clusterVersionId: pulumi.Output<string>;
  declare readonly version: pulumi.Output<string>;
  declare readonly image: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly default: pulumi.Output<boolean>;
  declare readonly state: pulumi.Output<string>;
  declare readonly allowedUpgrades: pulumi.Output<string[]>;
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: ClusterVersionArgs, opts?: pulumi.CustomResourceOptions) {
    // What the server fills in is an output, unknown at preview, unless the program sets it.
    const serverFilled = (["name", "enabled", "default", "state", "allowedUpgrades"] as const).filter((key) => args[key] === undefined);
    const { props, options } = resourceArguments(args, opts, { secretInputs: ["connection"], secretOutputs: ["connection"], outputs: ["clusterVersionId", ...serverFilled] });
    super(provider, name, props, options, "fulfillment", "ClusterVersion");
  }
}

export interface GetClusterVersionArgs {
  /** The SemVer, e.g. `4.17.0`. */
  version: string;
  connection?: import("../client/connection").ConnectionInput;
}

/**
 * A lookup for users: a version they may order (enabled, ACTIVE or DEPRECATED, through the
 * public API; the image is shown only to admins), with the names it may be upgraded to.
 */
export async function getClusterVersion(args: GetClusterVersionArgs): Promise<import("../client/api").ClusterVersion> {
  const { rememberStackConfig } = await import("../toolkit/stackConfig");
  const { apiForInputs } = await import("../toolkit/connect");
  rememberStackConfig({ get: (key) => pulumi.runtime.getConfig(key) });
  const api = await apiForInputs(args.connection ? { connection: args.connection } : {});
  if (!api.clusterVersions) throw new Error(`getClusterVersion: the server speaks the ${api.generation} generation, which has no cluster versions (osac only)`);
  const found = await api.clusterVersions.findByVersion(args.version);
  if (found) return found;
  const offered = (await api.clusterVersions.list()).map((version) => version.version);
  throw new Error(
    `getClusterVersion: there is no enabled ACTIVE or DEPRECATED cluster version ${args.version}; ` +
      (offered.length ? `the service offers ${offered.join(", ")}` : "the service offers none yet (an admin publishes them as ClusterVersion)"),
  );
}

import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface ClusterNodeSetArgs {
  /** Number of hosts; may change in place. */
  size: pulumi.Input<number>;
  /** Host type id or name; must match the template's. Changing it replaces the cluster. */
  hostType?: pulumi.Input<string>;
  /** The innabox spelling of `hostType` (give one of them); switching spellings with the same value changes nothing. */
  hostClass?: pulumi.Input<string>;
}

export interface ClusterTimeouts {
  /** How long create waits for READY. Default 60m. */
  create?: pulumi.Input<string>;
  /** How long a resize waits for the node sets to converge. Default 30m. */
  update?: pulumi.Input<string>;
  /** How long delete waits until the service has removed the cluster. Default 30m. */
  delete?: pulumi.Input<string>;
}

export interface ClusterArgs {
  /** Template id (e.g. `ocp_4_17_small`) or name; give this or `catalogItem`. Changing it replaces the cluster. */
  template?: pulumi.Input<string>;
  /** osac: order from a catalog item (id or name) instead of a template; its field definitions say what else may be set. Changing it replaces the cluster. */
  catalogItem?: pulumi.Input<string>;
  /** Plain values, packed into the type each template parameter declares. Changing them replaces the cluster. */
  templateParameters?: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /** Node sets by name; unset ones take the template's defaults. */
  nodeSets?: pulumi.Input<Record<string, pulumi.Input<ClusterNodeSetArgs>>>;
  /** A DNS label naming the cluster (not unique on the service). */
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  connection?: pulumi.Input<ConnectionArgs>;
  timeouts?: pulumi.Input<ClusterTimeouts>;
  /** osac: registry credentials (a .dockerconfigjson document); kept secret. Changing it replaces the cluster. */
  pullSecret?: pulumi.Input<string>;
  /** osac: the SSH public key for the nodes. Changing it replaces the cluster. */
  sshPublicKey?: pulumi.Input<string>;
  /** osac: the OpenShift release image. Changing it replaces the cluster. */
  releaseImage?: pulumi.Input<string>;
  /** osac: pod and service networks; written like the server canonicalizes them or not (10.0.0.1/8 = 10.0.0.0/8). Changing them replaces the cluster. */
  network?: pulumi.Input<{ podCidr?: pulumi.Input<string>; serviceCidr?: pulumi.Input<string> }>;
  /** osac: the project of the cluster's tenant (empty: its default project). Changing it replaces the cluster. */
  project?: pulumi.Input<string>;
  /** osac: the tenant to put the cluster in (default: the caller's). Changing it replaces the cluster. */
  tenant?: pulumi.Input<string>;
  /** osac: attach the cluster to an existing subnet (changing it replaces the cluster) with these security groups (changed in place). */
  networkAttachment?: pulumi.Input<{ subnet: pulumi.Input<string>; securityGroups?: pulumi.Input<pulumi.Input<string>[]> }>;
}

export interface ClusterCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const provider = delegatingProvider("dist/resources/clusterProvider");

/** The outputs a Cluster has beyond its inputs (the benchmark's engine-only row mirrors them). */
export const CLUSTER_OUTPUTS = [
  "clusterId",
  "templateId",
  "effectiveTemplateParameters",
  "parameterTypes",
  "effectiveNodeSets",
  "observedNodeSets",
  "state",
  "conditions",
  "apiUrl",
  "consoleUrl",
  "hub",
  "kubeconfig",
  "password",
  "templateDefaults",
  "effectiveReleaseImage",
  "effectiveSshPublicKey",
  "effectiveNetwork",
  "effectiveTenant",
  "effectiveNetworkAttachment",
] as const;

/**
 * Secret outputs: the engine encrypts them in the state and masks them in output.
 * `effectiveTemplateParameters` is the server's copy of every parameter: it has no input
 * of the same name whose secrecy the engine could carry over, and parameters such as
 * pull secrets must never land in the state in plaintext.
 */
export const CLUSTER_SECRET_OUTPUTS = ["kubeconfig", "password", "connection", "effectiveTemplateParameters", "pullSecret"];

/**
 * An OpenShift cluster ordered from the fulfillment service (`fulfillment.v1.Clusters`).
 * Create waits until the cluster is READY; a resize waits until the hub reports the new
 * sizes; delete waits until the service has removed it.
 */
export class Cluster extends pulumi.dynamic.Resource {
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly template: pulumi.Output<string>;
  declare readonly templateId: pulumi.Output<string>;
  /** osac: the catalog item the cluster was ordered from, if any. */
  declare readonly catalogItem: pulumi.Output<string | undefined>;
  declare readonly templateParameters: pulumi.Output<Record<string, unknown> | undefined>;
  declare readonly effectiveTemplateParameters: pulumi.Output<Record<string, unknown>>;
  declare readonly nodeSets: pulumi.Output<Record<string, { size: number; hostType?: string; hostClass?: string }> | undefined>;
  /** Every node set as stored; the host type id under both `hostType` and `hostClass`. */
  declare readonly effectiveNodeSets: pulumi.Output<Record<string, { size: number; hostType: string; hostClass: string }>>;
  /** Node sets as the hub reports them. */
  declare readonly observedNodeSets: pulumi.Output<Record<string, { size: number; hostType: string; hostClass: string }>>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  /** UNSPECIFIED, PROGRESSING, READY or FAILED. */
  declare readonly state: pulumi.Output<string>;
  declare readonly conditions: pulumi.Output<ClusterCondition[]>;
  declare readonly apiUrl: pulumi.Output<string>;
  declare readonly consoleUrl: pulumi.Output<string>;
  /** The hub the cluster landed on; empty unless the token may read the admin API. */
  declare readonly hub: pulumi.Output<string>;
  declare readonly kubeconfig: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = resourceArguments(args, opts, {
      secretInputs: ["connection", "pullSecret"],
      secretOutputs: CLUSTER_SECRET_OUTPUTS,
      outputs: CLUSTER_OUTPUTS,
    });
    super(provider, name, props, options, "fulfillment", "Cluster");
  }

  /** Looks up an existing cluster by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, args?: { connection?: pulumi.Input<ConnectionArgs> }, opts?: pulumi.CustomResourceOptions): Cluster {
    return new Cluster(name, { ...(args ?? {}) } as ClusterArgs, { ...opts, id });
  }
}

import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface HubArgs {
  /** The id the hub is registered under (e.g. `prod-hub-01`). Changing it replaces the hub. */
  hubId: pulumi.Input<string>;
  /** The kubeconfig's content (not a path); kept secret. */
  kubeconfig: pulumi.Input<string>;
  /** Namespace in the hub where the service creates ClusterOrder objects. */
  namespace: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** osac: the project of the hub's tenant (empty or left out: its default project). Changing it replaces the hub; an innabox server refuses it. */
  project?: pulumi.Input<string>;
  /** Hubs live in the admin API: the token must be an admin's. */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = delegatingProvider("dist/resources/hubProvider");

/** A management cluster registered with the fulfillment service (`private.v1.Hubs`). */
export class Hub extends pulumi.dynamic.Resource {
  declare readonly hubId: pulumi.Output<string>;
  declare readonly kubeconfig: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  declare readonly project: pulumi.Output<string | undefined>;
  declare readonly creationTimestamp: pulumi.Output<string>;

  constructor(name: string, args: HubArgs, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = resourceArguments(args, opts, {
      secretInputs: ["kubeconfig", "connection"],
      secretOutputs: ["kubeconfig", "connection"],
      outputs: ["creationTimestamp"],
    });
    super(provider, name, props, options, "fulfillment", "Hub");
  }

  /** Looks up a registered hub by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, args?: { connection?: pulumi.Input<ConnectionArgs> }, opts?: pulumi.CustomResourceOptions): Hub {
    return new Hub(name, { ...(args ?? {}) } as HubArgs, { ...opts, id });
  }
}

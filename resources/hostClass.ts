import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface HostClassArgs {
  /** The id template node sets name as their `hostClass` (e.g. `acme_1tib`). Changing it replaces the host class. */
  hostClassId: pulumi.Input<string>;
  title: pulumi.Input<string>;
  /** Markdown. */
  description?: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** osac: the project of the host class's tenant (empty or left out: its default project). Changing it replaces the host class; an innabox server refuses it. */
  project?: pulumi.Input<string>;
  /** Writing host classes takes an admin token. */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = delegatingProvider("dist/resources/hostClassProvider");

/** A kind of host that template node sets are made of (`fulfillment.v1.HostClasses`). */
export class HostClass extends pulumi.dynamic.Resource {
  declare readonly hostClassId: pulumi.Output<string>;
  declare readonly title: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  declare readonly project: pulumi.Output<string | undefined>;

  constructor(name: string, args: HostClassArgs, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = resourceArguments(args, opts, { secretInputs: ["connection"], secretOutputs: ["connection"] });
    super(provider, name, props, options, "fulfillment", "HostClass");
  }

  /** Looks up a host class by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, args?: { connection?: pulumi.Input<ConnectionArgs> }, opts?: pulumi.CustomResourceOptions): HostClass {
    // The engine resolves only the properties named here: list every output so a lookup has them all.
    const outputs = { hostClassId: undefined, title: undefined, description: undefined, name: undefined, labels: undefined, project: undefined };
    return new HostClass(name, { ...outputs, ...(args ?? {}) } as unknown as HostClassArgs, { ...opts, id });
  }
}

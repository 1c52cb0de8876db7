import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface TemplateParameterArgs {
  /** e.g. `pull_secret`. */
  name: pulumi.Input<string>;
  title?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  required?: pulumi.Input<boolean>;
  /** bool, int32, int64, float, double, string, timestamp, duration, bytes, json, or a full type URL. */
  type: pulumi.Input<string>;
  /** A plain value of that type. */
  default?: pulumi.Input<unknown>;
}

export interface TemplateNodeSetArgs {
  /** The host type id (give this or `hostClass`, its innabox spelling; switching spellings changes nothing). */
  hostType?: pulumi.Input<string>;
  hostClass?: pulumi.Input<string>;
  size: pulumi.Input<number>;
}

export interface ClusterTemplateArgs {
  /** The template id clusters order (e.g. `ocp_4_17_small`). Changing it replaces the template. */
  templateId: pulumi.Input<string>;
  title: pulumi.Input<string>;
  /** Markdown. */
  description?: pulumi.Input<string>;
  parameters?: pulumi.Input<pulumi.Input<TemplateParameterArgs>[]>;
  /** Default node sets of clusters of this template. */
  nodeSets: pulumi.Input<Record<string, pulumi.Input<TemplateNodeSetArgs>>>;
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** osac: the project of the template's tenant (empty or left out: its default project). Changing it replaces the template; an innabox server refuses it. */
  project?: pulumi.Input<string>;
  /** Writing templates takes an admin token. */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = delegatingProvider("dist/resources/clusterTemplateProvider");

/** What clusters can be ordered (`fulfillment.v1.ClusterTemplates`). */
export class ClusterTemplate extends pulumi.dynamic.Resource {
  declare readonly templateId: pulumi.Output<string>;
  declare readonly title: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly parameters: pulumi.Output<TemplateParameterArgs[] | undefined>;
  declare readonly nodeSets: pulumi.Output<Record<string, { hostType?: string; hostClass?: string; size: number }>>;
  declare readonly project: pulumi.Output<string | undefined>;

  constructor(name: string, args: ClusterTemplateArgs, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = resourceArguments(args, opts, { secretInputs: ["connection"], secretOutputs: ["connection"] });
    super(provider, name, props, options, "fulfillment", "ClusterTemplate");
  }

  /** Looks up a template by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, args?: { connection?: pulumi.Input<ConnectionArgs> }, opts?: pulumi.CustomResourceOptions): ClusterTemplate {
    return new ClusterTemplate(name, { ...(args ?? {}) } as ClusterTemplateArgs, { ...opts, id });
  }
}

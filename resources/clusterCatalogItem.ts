import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, resourceArguments } from "../toolkit/delegate";
import type { ConnectionArgs } from "../toolkit/connectionArgs";

export interface FieldDefinitionArgs {
  /** Dot path into the cluster spec with the API's names: `node_sets.workers.size`, `template_parameters.ha`, `ssh_public_key`, ... */
  path: pulumi.Input<string>;
  displayName?: pulumi.Input<string>;
  /** Whether users may set the field; a field that is not editable needs a default. Default false. */
  editable?: pulumi.Input<boolean>;
  /** Plain JSON applied when the user gives no value. */
  default?: pulumi.Input<unknown>;
  /** A JSON Schema 2020-12 (as an object, its JSON text, or the boolean schemas true/false) that user values must satisfy. */
  validationSchema?: pulumi.Input<string | boolean | Record<string, unknown>>;
}

export interface ClusterCatalogItemArgs {
  /** The id clusters order as `catalogItem`. Changing it replaces the item. */
  catalogItemId: pulumi.Input<string>;
  title: pulumi.Input<string>;
  /** Markdown. */
  description?: pulumi.Input<string>;
  /** The template id clusters of this item are made from. */
  template: pulumi.Input<string>;
  /** Only published items can be ordered (and listed by users). Default false, as on the server. */
  published?: pulumi.Input<boolean>;
  /** The fields users may (or may not) set; with none, users may set anything. */
  fieldDefinitions?: pulumi.Input<pulumi.Input<FieldDefinitionArgs>[]>;
  name?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The project of the item's tenant (empty: its default project). Changing it replaces the item. */
  project?: pulumi.Input<string>;
  /** Writing catalog items takes an admin or tenant-admin token. */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = delegatingProvider("dist/resources/clusterCatalogItemProvider");

/** An offering of clusters of one template, with the fields users may set (osac `ClusterCatalogItems`; osac generation only). */
export class ClusterCatalogItem extends pulumi.dynamic.Resource {
  declare readonly catalogItemId: pulumi.Output<string>;
  declare readonly title: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly template: pulumi.Output<string>;
  declare readonly published: pulumi.Output<boolean | undefined>;
  declare readonly fieldDefinitions: pulumi.Output<FieldDefinitionArgs[] | undefined>;
  declare readonly name: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  /** The tenant the item lives in: its clusters' users must see it. */
  declare readonly tenant: pulumi.Output<string>;

  constructor(name: string, args: ClusterCatalogItemArgs, opts?: pulumi.CustomResourceOptions) {
    const { props, options } = resourceArguments(args, opts, { secretInputs: ["connection"], secretOutputs: ["connection"], outputs: ["tenant"] });
    super(provider, name, props, options, "fulfillment", "ClusterCatalogItem");
  }

  /** Looks up a catalog item by id without managing it. */
  static get(name: string, id: pulumi.Input<string>, args?: { connection?: pulumi.Input<ConnectionArgs> }, opts?: pulumi.CustomResourceOptions): ClusterCatalogItem {
    const outputs = { catalogItemId: undefined, title: undefined, description: undefined, template: undefined, published: undefined, fieldDefinitions: undefined, name: undefined, labels: undefined };
    return new ClusterCatalogItem(name, { ...outputs, ...(args ?? {}) } as unknown as ClusterCatalogItemArgs, { ...opts, id });
  }
}

// The ClusterOrder CRD (clusterorders.cloudkit.openshift.io/v1alpha1) as the OSAC hub
// operator installs it, reduced to what the fulfillment service writes and reads: it
// lets a bare Kubernetes API server act as a hub (the simulator and tests create
// ClusterOrders there like the real cluster controller does).
import * as pulumi from "@pulumi/pulumi";
import { CustomResourceDefinition } from "./kube/resources";

import type { ApiGeneration } from "../client/api/domain";

/** The innabox generation's group; the osac generation's controller uses `osac.openshift.io`. */
export const CLUSTER_ORDER_GROUP = "cloudkit.openshift.io";
export const OSAC_CLUSTER_ORDER_GROUP = "osac.openshift.io";

/** The API group of the ClusterOrders a generation's controller writes on its hubs. */
export function clusterOrderGroup(generation: ApiGeneration = "innabox"): string {
  return generation === "osac" ? OSAC_CLUSTER_ORDER_GROUP : CLUSTER_ORDER_GROUP;
}
export const CLUSTER_ORDER_VERSION = "v1alpha1";
export const CLUSTER_ORDER_PLURAL = "clusterorders";
export const CLUSTER_ORDER_CRD_NAME = `${CLUSTER_ORDER_PLURAL}.${CLUSTER_ORDER_GROUP}`;
/** The label the service puts on a ClusterOrder: the fulfillment cluster's id. */
export const CLUSTER_ORDER_UUID_LABEL = "cloudkit.openshift.io/clusterorder-uuid";

/** The CRD of the given generation's ClusterOrders: the same schema, its own group. */
export function clusterOrderCrdSpecFor(generation: ApiGeneration = "innabox"): typeof clusterOrderCrdSpec {
  return { ...clusterOrderCrdSpec, group: clusterOrderGroup(generation) };
}

export const clusterOrderCrdSpec = {
  group: CLUSTER_ORDER_GROUP,
  scope: "Namespaced",
  names: { kind: "ClusterOrder", listKind: "ClusterOrderList", plural: CLUSTER_ORDER_PLURAL, singular: "clusterorder" },
  versions: [
    {
      name: CLUSTER_ORDER_VERSION,
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            apiVersion: { type: "string" },
            kind: { type: "string" },
            metadata: { type: "object" },
            spec: {
              type: "object",
              required: ["templateID"],
              properties: {
                templateID: { type: "string", description: "Id of the fulfillment ClusterTemplate." },
                templateParameters: { type: "string", description: "The template parameter values as a JSON object, in a string." },
                nodeRequests: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["resourceClass", "numberOfNodes"],
                    properties: {
                      resourceClass: { type: "string" },
                      numberOfNodes: { type: "integer", minimum: 0 },
                    },
                  },
                },
              },
            },
            status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      },
    },
  ],
};

export interface ClusterOrderCrdArgs {
  /** Admin kubeconfig content (kept secret). */
  kubeconfig: pulumi.Input<string>;
  /**
   * What to do when the API server already has `clusterorders.cloudkit.openshift.io`
   * (decided when the component is first created; a CRD that is not there is created):
   * - "adopt" (default): take it over: this definition is applied over it (server-side
   *   apply, so fields it does not set stay), and because it was there first it is left in
   *   place on destroy;
   * - "skip": leave it exactly as it is: not changed, not compared on refresh, not deleted;
   *   right for a hub whose operator installed (and owns) the CRD;
   * - "fail": refuse with the `import` option to use, as plain Kubernetes resources do.
   * A CRD the component created is deleted on destroy (and every ClusterOrder with it).
   */
  ifExists?: pulumi.Input<"adopt" | "skip" | "fail">;
  /** Which generation's ClusterOrders: `osac.openshift.io` (osac) or `cloudkit.openshift.io` (innabox, the default). */
  generation?: ApiGeneration;
}

/** Installs the ClusterOrder CRD (or takes over or leaves alone an existing one) and waits until it is Established. */
export class ClusterOrderCrd extends pulumi.ComponentResource {
  readonly crd: CustomResourceDefinition;
  /** `clusterorders.cloudkit.openshift.io` */
  readonly crdName: pulumi.Output<string>;
  /** True when the CRD existed before (adopted or skipped): destroy leaves it. */
  readonly preexisting: pulumi.Output<boolean>;

  constructor(name: string, args: ClusterOrderCrdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fulfillment:index:ClusterOrderCrd", name, {}, opts);
    this.crd = new CustomResourceDefinition(
      `${name}-crd`,
      { kubeconfig: args.kubeconfig, spec: clusterOrderCrdSpecFor(args.generation), ifExists: args.ifExists ?? "adopt" },
      { parent: this },
    );
    this.crdName = this.crd.name;
    this.preexisting = this.crd.preexisting.apply((value) => value === true);
    this.registerOutputs({ crdName: this.crdName, preexisting: this.preexisting });
  }
}

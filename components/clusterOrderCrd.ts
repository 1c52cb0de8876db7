// The ClusterOrder CRD (clusterorders.cloudkit.openshift.io/v1alpha1) as the OSAC hub
// operator installs it, reduced to what the fulfillment service writes and reads: it
// lets a bare Kubernetes API server act as a hub (the simulator and tests create
// ClusterOrders there like the real cluster controller does).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { ApiGeneration } from "../client/api/domain";

/**
 * On every object the components make: the label Pulumi's Kubernetes provider itself
 * uses. It also gives the provider's field manager a field to own (server-side apply
 * drops a manager that owns none), which is how the retired 0.1 provider
 * (components/kube/objectProvider.ts) knows to leave an object.
 */
export const MANAGED_BY_LABELS = { "app.kubernetes.io/managed-by": "pulumi" };

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
   * What to do when the API server already has the CRD and this stack did not create it
   * (a hub whose operator installed it, or another stack); a CRD that is not there is
   * created, and deleted again on destroy (with every ClusterOrder in it):
   * - "adopt" (default): apply this definition over it as a `CustomResourceDefinitionPatch`
   *   (server-side apply: fields it does not set stay); destroy gives those fields up and
   *   leaves the CRD in place;
   * - "skip": leave it exactly as it is: no resource at all, not changed, not deleted;
   *   right for a hub whose operator owns the CRD;
   * - "fail": refuse, naming the other two and `pulumi import`.
   */
  ifExists?: "adopt" | "skip" | "fail";
  /** Which generation's ClusterOrders: `osac.openshift.io` (osac) or `cloudkit.openshift.io` (innabox, the default). */
  generation?: ApiGeneration;
  /** The @pulumi/kubernetes provider to use; default: one made from `kubeconfig`. */
  provider?: k8s.Provider;
}

/** Marks the CRDs this component created, so a later run tells them from ones that were there before. */
export const CREATED_BY_ANNOTATION = "fulfillment.osac.openshift.io/created-by";

interface CrdData {
  crdName: string;
  preexisting: boolean;
}

/** Installs the ClusterOrder CRD (or takes over or leaves alone an existing one); the provider waits until it is Established. */
export class ClusterOrderCrd extends pulumi.ComponentResource<CrdData> {
  /** The CRD resource: a CustomResourceDefinition this stack owns, a patch over an adopted one, or none when skipped. */
  crd?: k8s.apiextensions.v1.CustomResourceDefinition | k8s.apiextensions.v1.CustomResourceDefinitionPatch;
  /** `clusterorders.cloudkit.openshift.io` */
  readonly crdName: pulumi.Output<string>;
  /** True when the CRD was there before this stack (adopted or skipped): destroy leaves it. */
  readonly preexisting: pulumi.Output<boolean>;

  constructor(name: string, args: ClusterOrderCrdArgs, opts?: pulumi.ComponentResourceOptions) {
    // The SDK records a component's arguments as its inputs: the kubeconfig goes in as a secret.
    super("fulfillment:index:ClusterOrderCrd", name, { ...args, kubeconfig: pulumi.secret(args.kubeconfig), componentName: name } as unknown as pulumi.Inputs, opts);
    this.crdName = pulumi.output(this.getData()).apply((data) => data.crdName);
    this.preexisting = pulumi.output(this.getData()).apply((data) => data.preexisting);
  }

  protected override async initialize(inputs: pulumi.Inputs): Promise<CrdData> {
    const args = inputs as ClusterOrderCrdArgs & { componentName: string };
    const spec = clusterOrderCrdSpecFor(args.generation);
    const crdName = `${spec.names.plural}.${spec.group}`;
    const ifExists = args.ifExists ?? "adopt";
    if (!["adopt", "skip", "fail"].includes(ifExists)) throw new Error(`ClusterOrderCrd ${args.componentName}: ifExists must be "adopt", "skip" or "fail"`);
    const stackTag = `${pulumi.getProject()}/${pulumi.getStack()}`;
    const kubeconfig = await knownValue(pulumi.secret(args.kubeconfig));
    const existing = kubeconfig === undefined ? undefined : await existingOwner(kubeconfig, crdName);
    const preexisting = existing !== undefined && existing !== stackTag;
    const provider = args.provider ?? new k8s.Provider(`${args.componentName}-kubernetes`, { kubeconfig: pulumi.secret(args.kubeconfig) }, { parent: this });
    const options = { parent: this, provider };
    if (!preexisting) {
      this.crd = new k8s.apiextensions.v1.CustomResourceDefinition(
        `${args.componentName}-crd`,
        { metadata: { name: crdName, labels: MANAGED_BY_LABELS, annotations: { [CREATED_BY_ANNOTATION]: stackTag } }, spec },
        options,
      );
    } else if (ifExists === "adopt") {
      this.crd = new k8s.apiextensions.v1.CustomResourceDefinitionPatch(`${args.componentName}-crd`, { metadata: { name: crdName, labels: MANAGED_BY_LABELS }, spec }, options);
    } else if (ifExists === "fail") {
      throw new Error(
        `ClusterOrderCrd ${args.componentName}: CustomResourceDefinition '${crdName}' already exists in the cluster and this stack did not create it. ` +
          `Set ifExists: "adopt" (apply this definition over it; it stays on destroy) or "skip" (leave it as it is), ` +
          `or take it over for good with \`pulumi import kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition <name> ${crdName}\`.`,
      );
    }
    return { crdName, preexisting };
  }
}

/** The value of an input once known; undefined when it stays unknown (a preview before its source exists). */
function knownValue<T>(input: pulumi.Output<T>): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    // isKnown is part of every Output (not in the public typings).
    const known = (input as unknown as { isKnown: Promise<boolean> }).isKnown;
    known.then((isKnown) => (isKnown ? input.apply((value) => resolve(value)) : resolve(undefined)), reject);
  });
}

/**
 * Who made the CRD: undefined when there is none, else the `<project>/<stack>` that created
 * it through this component ("" for one made otherwise). Read with the admin kubeconfig
 * through the project's kube client; the answer decides which resource the program declares.
 */
async function existingOwner(kubeconfig: string, crdName: string): Promise<string | undefined> {
  const { isNotFound, kubeRequest, loadKubeconfig } = await import("../kube/client");
  const ctx = loadKubeconfig(kubeconfig, "admin kubeconfig");
  try {
    const live = await kubeRequest(ctx, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crdName)}`);
    if (live?.metadata?.deletionTimestamp) return undefined;
    return live?.metadata?.annotations?.[CREATED_BY_ANNOTATION] ?? "";
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

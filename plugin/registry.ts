// The resource types the plugin serves and the modules behind them: the very
// check/diff/create/read/update/delete modules the dynamic resources delegate to.
import type * as pulumi from "@pulumi/pulumi";
import * as cluster from "../resources/clusterProvider";
import * as clusterCatalogItem from "../resources/clusterCatalogItemProvider";
import * as clusterTemplate from "../resources/clusterTemplateProvider";
import * as clusterVersion from "../resources/clusterVersionProvider";
import * as hostClass from "../resources/hostClassProvider";
import * as hub from "../resources/hubProvider";
import * as serviceAccountToken from "../components/kube/tokenProvider";
import * as hubKubeconfig from "../components/kube/kubeconfigProvider";
import { CLUSTER_SECRET_OUTPUTS } from "../resources/cluster";
import { diffCluster } from "../resources/clusterModel";
import type { ClusterInputs, ClusterOutputs } from "../resources/clusterModel";
import { equalByType } from "../resources/clusterView";
import { sameJson } from "../json/values";

type Props = Record<string, unknown>;

/** The resource modules' shape, as the dynamic host calls them. */
export interface ResourceModule {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(news: Props): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Props): Promise<void>;
}

export type ChangeKind = "update" | "replace";

export interface ResourceType {
  module: ResourceModule;
  /** Inputs and outputs the state must hold encrypted whatever the program marked. */
  secrets: readonly string[];
  /**
   * Property paths that change and how, for the engine's detailedDiff. Cluster has its own
   * rules (server-filled values never count); the others compare their inputs one by one.
   */
  changedPaths?: (olds: Props, news: Props) => Record<string, ChangeKind>;
}

export const RESOURCE_TYPES: Record<string, ResourceType> = {
  "fulfillment:index:Cluster": {
    module: cluster as unknown as ResourceModule,
    secrets: CLUSTER_SECRET_OUTPUTS,
    changedPaths: (olds, news) => {
      const stored = olds as unknown as ClusterOutputs;
      return diffCluster(stored, news as ClusterInputs, equalByType(stored.parameterTypes ?? {})).changed;
    },
  },
  "fulfillment:index:ClusterTemplate": { module: clusterTemplate as unknown as ResourceModule, secrets: ["connection"] },
  "fulfillment:index:HostClass": { module: hostClass as unknown as ResourceModule, secrets: ["connection"] },
  "fulfillment:index:Hub": { module: hub as unknown as ResourceModule, secrets: ["kubeconfig", "connection"] },
  "fulfillment:index:ClusterCatalogItem": {
    module: clusterCatalogItem as unknown as ResourceModule,
    secrets: ["connection"],
    // The module's own comparison: a validation schema respelled as the same JSON is no change.
    changedPaths: (olds, news) =>
      onlyUpdates([
        ...clusterCatalogItem.changedFields(olds, news as unknown as clusterCatalogItem.CatalogItemInputs),
        ...(sameJson(news.connection ?? {}, olds.connection ?? {}) ? [] : ["connection"]),
      ]),
  },
  // HubBootstrap's own children when the plugin constructs it (plugin/components.ts).
  "fulfillment:index:ServiceAccountToken": { module: serviceAccountToken as unknown as ResourceModule, secrets: ["kubeconfig", "token"] },
  "fulfillment:index:HubKubeconfig": { module: hubKubeconfig as unknown as ResourceModule, secrets: ["adminKubeconfig", "token", "kubeconfig"] },
  "fulfillment:index:ClusterVersion": {
    module: clusterVersion as unknown as ResourceModule,
    secrets: ["connection"],
    // Server defaults (enabled, state ACTIVE, ...) count as unset, as in the module's diff.
    changedPaths: (olds, news) =>
      onlyUpdates(clusterVersion.drifted(olds, news as unknown as clusterVersion.ClusterVersionInputs)),
  },
};

/** In-place changes of these properties; the module's replace reasons are added by detailedDiff. */
function onlyUpdates(paths: readonly string[]): Record<string, ChangeKind> {
  return Object.fromEntries(paths.map((path) => [path, "update" as const]));
}

/** `urn:pulumi:stack::project::fulfillment:index:Cluster::dev` -> its type token (the last type of a parent chain). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

export function resourceTypeOf(urn: string): ResourceType {
  const type = typeOfUrn(urn);
  const found = RESOURCE_TYPES[type];
  if (!found) throw new Error(`unknown resource type ${type}; this provider serves ${Object.keys(RESOURCE_TYPES).join(", ")}`);
  return found;
}

/** `...::dev` -> `dev`. */
export function nameOfUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

// HubBootstrap: everything that turns a Kubernetes cluster into a hub of the fulfillment
// service, from an admin kubeconfig: the namespace for ClusterOrders, a service
// account, least-privilege RBAC (or cluster-admin when asked for), a token for it, a
// minimal kubeconfig proven to authenticate and to be allowed what the service does,
// and the Hub registration carrying that kubeconfig.
//
// The Kubernetes objects are @pulumi/kubernetes resources (server-side apply, await,
// drift, import) through one explicit provider built from the admin kubeconfig. Ours
// (components/kube) is only what that provider has no resource for: the TokenRequest
// token with its renewal, and the verified minimal kubeconfig. A stack that 0.1 made
// (objects as dynamic resources) moves over with a plain `up`: README, "Moving a hub
// stack from 0.1".
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Hub, type HubArgs } from "../resources/hub";
import type { ConnectionArgs } from "../toolkit/connectionArgs";
import { CLUSTER_ORDER_PLURAL, clusterOrderGroup, MANAGED_BY_LABELS } from "./clusterOrderCrd";
import type { ApiGeneration } from "../client/api/domain";
import { HubKubeconfig, ServiceAccountToken, type AccessCheckArgs, type HubKubeconfigArgs, type ServiceAccountTokenArgs } from "./kube/resources";

/**
 * The three resources of a hub that are ours rather than @pulumi/kubernetes': the token,
 * the verified kubeconfig and the Hub registration. A program gets the dynamic resources;
 * the provider plugin's Construct the plugin's own resource types (plugin/components.ts),
 * since a dynamic provider's code cannot be loaded by a YAML program.
 */
export interface HubBootstrapParts {
  token(name: string, args: ServiceAccountTokenArgs, opts: pulumi.CustomResourceOptions): pulumi.CustomResource & { token: pulumi.Output<string>; expiry: pulumi.Output<string> };
  kubeconfig(
    name: string,
    args: HubKubeconfigArgs,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource & { kubeconfig: pulumi.Output<string>; username: pulumi.Output<string>; sizeBytes: pulumi.Output<number> };
  hub(
    name: string,
    args: HubArgs,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource & { hubId: pulumi.Output<string>; project: pulumi.Output<string | undefined> };
}

export const DYNAMIC_HUB_PARTS: HubBootstrapParts = {
  token: (name, args, opts) => new ServiceAccountToken(name, args, opts),
  kubeconfig: (name, args, opts) => new HubKubeconfig(name, args, opts),
  hub: (name, args, opts) => new Hub(name, args, opts),
};

/** An RBAC rule as the components write it (a plain `k8s.types.input.rbac.v1.PolicyRule`). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const RBAC_API_GROUP = "rbac.authorization.k8s.io";



export const DEFAULT_HUB_NAMESPACE = "cloudkit-orders";
export const DEFAULT_SERVICE_ACCOUNT = "fulfillment-hub";

export type HubTokenArgs =
  /** A bound token from the TokenRequest API, renewed by `pulumi up` when less than `renewBefore` of `lifetime` is left. */
  | { kind: "request"; lifetime?: string; renewBefore?: number }
  /** A long-lived token Secret filled by the cluster's kube-controller-manager; no expiry. */
  | { kind: "secret" };

export interface HubBootstrapArgs {
  /** Admin kubeconfig content (not a path); kept secret, used only to set the hub up. */
  adminKubeconfig: pulumi.Input<string>;
  /** The id the hub is registered under (e.g. `prod-hub-01`). */
  hubId: pulumi.Input<string>;
  /** Where ClusterOrders are created. Default `cloudkit-orders`. */
  namespace?: string;
  /** Create the namespace (default true); false when the hub's operator already made it. */
  createNamespace?: boolean;
  /** Default `fulfillment-hub`. */
  serviceAccountName?: string;
  /** Bind cluster-admin instead of the least-privilege Role. Default false. */
  clusterAdmin?: boolean;
  /** Default `{ kind: "request", lifetime: "24h", renewBefore: 0.25 }`. */
  token?: HubTokenArgs;
  /** The API server URL as the fulfillment service reaches it; default: the admin kubeconfig's server. */
  server?: pulumi.Input<string>;
  /** Register a kubeconfig that does not verify the API server's certificate. Only when asked for. */
  insecureSkipTlsVerify?: boolean;
  /** How to reach the fulfillment service (an admin token); see Hub. */
  connection?: pulumi.Input<ConnectionArgs>;
  /** Hub registration name and labels. */
  hubName?: pulumi.Input<string>;
  hubLabels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** osac: the project of the Hub registration's tenant (left out: its default project); see Hub. An innabox server refuses it at check. */
  project?: pulumi.Input<string>;
  /** The service's API generation: decides the ClusterOrder group granted (`osac.openshift.io` on osac). Default innabox. */
  generation?: ApiGeneration;
}

/** What the service does with ClusterOrders, in the hub namespace only. */
export function leastPrivilegeRules(generation: ApiGeneration = "innabox"): PolicyRule[] {
  return [{ apiGroups: [clusterOrderGroup(generation)], resources: [CLUSTER_ORDER_PLURAL], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] }];
}

export const HOSTED_CLUSTER_GROUP = "hypershift.openshift.io";

/**
 * What GetKubeconfig and GetPassword read: the HostedCluster and its Secrets live in the
 * namespace the ClusterOrder's status names (`clusters-<id>`, made by the hub operator for
 * each cluster), not in the hub namespace. Those namespaces come and go, so only a
 * cluster-wide grant reaches them; it is limited to `get` of these two kinds.
 */
export function hostedClusterReadRules(): PolicyRule[] {
  return [
    { apiGroups: [HOSTED_CLUSTER_GROUP], resources: ["hostedclusters"], verbs: ["get"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
  ];
}

/** A namespace such as the hub operator makes for a cluster: the access checks use it as an example. */
export const EXAMPLE_CLUSTER_NAMESPACE = "clusters-00000000-0000-0000-0000-000000000000";

/** The checks the minimal kubeconfig must pass before the hub is registered. */
export function requiredAccess(namespace: string, generation: ApiGeneration = "innabox"): AccessCheckArgs[] {
  const CLUSTER_ORDER_GROUP = clusterOrderGroup(generation);
  return [
    { verb: "create", group: CLUSTER_ORDER_GROUP, resource: CLUSTER_ORDER_PLURAL, namespace },
    { verb: "list", group: CLUSTER_ORDER_GROUP, resource: CLUSTER_ORDER_PLURAL, namespace },
    { verb: "patch", group: CLUSTER_ORDER_GROUP, resource: CLUSTER_ORDER_PLURAL, namespace },
    { verb: "delete", group: CLUSTER_ORDER_GROUP, resource: CLUSTER_ORDER_PLURAL, namespace },
    { verb: "get", group: HOSTED_CLUSTER_GROUP, resource: "hostedclusters", namespace: EXAMPLE_CLUSTER_NAMESPACE },
    { verb: "get", resource: "secrets", namespace: EXAMPLE_CLUSTER_NAMESPACE },
  ];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class HubBootstrap extends pulumi.ComponentResource {
  readonly hubId: pulumi.Output<string>;
  /** The minimal kubeconfig registered with the hub (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** ISO expiry of the requested token; undefined for a token Secret. */
  readonly tokenExpiry: pulumi.Output<string | undefined>;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** The provider every Kubernetes object of this hub is made with (the admin kubeconfig, secret). */
  readonly kubernetesProvider: k8s.Provider;
  readonly namespaceResource?: k8s.core.v1.Namespace;
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly role?: k8s.rbac.v1.Role;
  readonly roleBinding?: k8s.rbac.v1.RoleBinding;
  /** Reading HostedClusters and their Secrets in the clusters' namespaces. */
  readonly hostedClusterReader?: k8s.rbac.v1.ClusterRole;
  readonly hostedClusterReaderBinding?: k8s.rbac.v1.ClusterRoleBinding;
  readonly clusterRoleBinding?: k8s.rbac.v1.ClusterRoleBinding;
  readonly tokenRequest?: ReturnType<HubBootstrapParts["token"]>;
  /** The long-lived token Secret (token kind "secret"), filled by the cluster's controller manager. */
  readonly tokenSecret?: k8s.core.v1.Secret;
  readonly hubKubeconfig: ReturnType<HubBootstrapParts["kubeconfig"]>;
  readonly hub: ReturnType<HubBootstrapParts["hub"]>;

  /** `parts`: which token, kubeconfig and Hub resources to make (the plugin passes its own). */
  constructor(name: string, args: HubBootstrapArgs, opts?: pulumi.ComponentResourceOptions, parts: HubBootstrapParts = DYNAMIC_HUB_PARTS) {
    super("fulfillment:index:HubBootstrap", name, {}, opts);
    const namespace = args.namespace ?? DEFAULT_HUB_NAMESPACE;
    const account = args.serviceAccountName ?? DEFAULT_SERVICE_ACCOUNT;
    if (!DNS_LABEL.test(namespace) || namespace.length > 63) throw new Error(`HubBootstrap ${name}: namespace '${namespace}' must be a DNS label`);
    if (!DNS_LABEL.test(account) || account.length > 63) throw new Error(`HubBootstrap ${name}: serviceAccountName '${account}' must be a DNS label`);
    const token = args.token ?? { kind: "request" };
    if (token.kind !== "request" && token.kind !== "secret") {
      throw new Error(`HubBootstrap ${name}: token.kind must be "request" or "secret"`);
    }
    this.namespace = namespace;
    this.serviceAccountName = account;
    const admin = pulumi.secret(args.adminKubeconfig);
    const parent = { parent: this };
    this.kubernetesProvider = new k8s.Provider(`${name}-kubernetes`, { kubeconfig: admin }, parent);
    const kube = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({ parent: this, provider: this.kubernetesProvider, dependsOn });

    if (args.createNamespace !== false) {
      this.namespaceResource = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { labels: MANAGED_BY_LABELS, name: namespace } }, kube());
    }
    const inNamespace = this.namespaceResource ? [this.namespaceResource] : [];
    this.serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { labels: MANAGED_BY_LABELS, name: account, namespace } }, kube(inNamespace));
    const subjects = [{ kind: "ServiceAccount", name: account, namespace }];

    let grants: pulumi.Resource[];
    if (args.clusterAdmin) {
      this.clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-cluster-admin`,
        { metadata: { labels: MANAGED_BY_LABELS, name: `fulfillment-hub:${namespace}:${account}` }, roleRef: { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: "cluster-admin" }, subjects },
        kube([this.serviceAccount]),
      );
      grants = [this.clusterRoleBinding];
    } else {
      this.role = new k8s.rbac.v1.Role(`${name}-role`, { metadata: { labels: MANAGED_BY_LABELS, name: account, namespace }, rules: leastPrivilegeRules(args.generation) }, kube(inNamespace));
      this.roleBinding = new k8s.rbac.v1.RoleBinding(
        `${name}-rolebinding`,
        { metadata: { labels: MANAGED_BY_LABELS, name: account, namespace }, roleRef: { apiGroup: RBAC_API_GROUP, kind: "Role", name: this.role.metadata.name }, subjects },
        kube([this.serviceAccount]),
      );
      const readerName = `fulfillment-hub:${namespace}:${account}:hosted-cluster-reader`;
      this.hostedClusterReader = new k8s.rbac.v1.ClusterRole(`${name}-hosted-cluster-reader`, { metadata: { labels: MANAGED_BY_LABELS, name: readerName }, rules: hostedClusterReadRules() }, kube());
      this.hostedClusterReaderBinding = new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-hosted-cluster-reader`,
        {
          metadata: { labels: MANAGED_BY_LABELS, name: readerName },
          roleRef: { apiGroup: RBAC_API_GROUP, kind: "ClusterRole", name: this.hostedClusterReader.metadata.name },
          subjects,
        },
        kube([this.serviceAccount]),
      );
      grants = [this.roleBinding, this.hostedClusterReaderBinding];
    }

    let tokenValue: pulumi.Output<string>;
    if (token.kind === "request") {
      this.tokenRequest = parts.token(
        `${name}-token`,
        {
          kubeconfig: admin,
          namespace,
          serviceAccountName: this.serviceAccount.metadata.name,
          serviceAccountUid: this.serviceAccount.metadata.uid,
          lifetime: token.lifetime ?? "24h",
          renewBefore: token.renewBefore ?? 0.25,
        },
        parent,
      );
      tokenValue = this.tokenRequest.token;
      this.tokenExpiry = this.tokenRequest.expiry;
    } else {
      // The provider waits until the controller manager has filled the token in.
      this.tokenSecret = new k8s.core.v1.Secret(
        `${name}-token`,
        {
          metadata: { labels: MANAGED_BY_LABELS, name: `${account}-token`, namespace, annotations: { "kubernetes.io/service-account.name": account } },
          type: "kubernetes.io/service-account-token",
        },
        kube([this.serviceAccount]),
      );
      tokenValue = pulumi.secret(this.tokenSecret.data.apply((data) => Buffer.from(data?.token ?? "", "base64").toString("utf8")));
      this.tokenExpiry = pulumi.output(undefined);
    }

    this.hubKubeconfig = parts.kubeconfig(
      `${name}-kubeconfig`,
      {
        adminKubeconfig: admin,
        token: tokenValue,
        namespace,
        clusterName: args.hubId,
        userName: account,
        server: args.server,
        insecureSkipTlsVerify: args.insecureSkipTlsVerify,
        accessChecks: args.clusterAdmin ? [requiredAccess(namespace, args.generation)[0]] : requiredAccess(namespace, args.generation),
      },
      { ...parent, dependsOn: grants },
    );

    this.hub = parts.hub(
      `${name}-hub`,
      {
        hubId: args.hubId,
        kubeconfig: this.hubKubeconfig.kubeconfig,
        namespace,
        name: args.hubName,
        labels: args.hubLabels,
        project: args.project,
        connection: args.connection,
      },
      parent,
    );

    this.hubId = this.hub.hubId;
    this.kubeconfig = pulumi.secret(this.hubKubeconfig.kubeconfig);
    this.registerOutputs({ hubId: this.hubId, kubeconfig: this.kubeconfig, tokenExpiry: this.tokenExpiry });
  }
}

// HubBootstrap: everything that turns a Kubernetes cluster into a hub of the fulfillment
// service, from an admin kubeconfig: the namespace for ClusterOrders, a service
// account, least-privilege RBAC (or cluster-admin when asked for), a token for it, a
// minimal kubeconfig proven to authenticate and to be allowed what the service does,
// and the Hub registration carrying that kubeconfig.
import * as pulumi from "@pulumi/pulumi";
import { Hub } from "../resources/hub";
import type { ConnectionArgs } from "../toolkit/connectionArgs";
import { CLUSTER_ORDER_PLURAL, clusterOrderGroup } from "./clusterOrderCrd";
import type { ApiGeneration } from "../client/api/domain";
import {
  ClusterRole,
  ClusterRoleBinding,
  HubKubeconfig,
  Namespace,
  Role,
  RoleBinding,
  ServiceAccount,
  ServiceAccountToken,
  ServiceAccountTokenSecret,
  type AccessCheckArgs,
  type PolicyRule,
} from "./kube/resources";

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
  readonly namespaceResource?: Namespace;
  readonly serviceAccount: ServiceAccount;
  readonly role?: Role;
  readonly roleBinding?: RoleBinding;
  /** Reading HostedClusters and their Secrets in the clusters' namespaces. */
  readonly hostedClusterReader?: ClusterRole;
  readonly hostedClusterReaderBinding?: ClusterRoleBinding;
  readonly clusterRoleBinding?: ClusterRoleBinding;
  readonly tokenRequest?: ServiceAccountToken;
  readonly tokenSecret?: ServiceAccountTokenSecret;
  readonly hubKubeconfig: HubKubeconfig;
  readonly hub: Hub;

  constructor(name: string, args: HubBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
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

    if (args.createNamespace !== false) {
      this.namespaceResource = new Namespace(`${name}-namespace`, { kubeconfig: admin, name: namespace }, parent);
    }
    const inNamespace = { ...parent, dependsOn: this.namespaceResource ? [this.namespaceResource] : [] };
    this.serviceAccount = new ServiceAccount(`${name}-sa`, { kubeconfig: admin, namespace, name: account }, inNamespace);
    const subject = { kind: "ServiceAccount" as const, name: account, namespace };

    let grants: pulumi.Resource[];
    if (args.clusterAdmin) {
      this.clusterRoleBinding = new ClusterRoleBinding(
        `${name}-cluster-admin`,
        {
          kubeconfig: admin,
          name: `fulfillment-hub:${namespace}:${account}`,
          roleRef: { kind: "ClusterRole", name: "cluster-admin" },
          subjects: [subject],
        },
        { ...parent, dependsOn: [this.serviceAccount] },
      );
      grants = [this.clusterRoleBinding];
    } else {
      this.role = new Role(`${name}-role`, { kubeconfig: admin, namespace, name: account, rules: leastPrivilegeRules(args.generation) }, inNamespace);
      this.roleBinding = new RoleBinding(
        `${name}-rolebinding`,
        { kubeconfig: admin, namespace, name: account, roleRef: { kind: "Role", name: this.role.name }, subjects: [subject] },
        { ...parent, dependsOn: [this.serviceAccount] },
      );
      const readerName = `fulfillment-hub:${namespace}:${account}:hosted-cluster-reader`;
      this.hostedClusterReader = new ClusterRole(`${name}-hosted-cluster-reader`, { kubeconfig: admin, name: readerName, rules: hostedClusterReadRules() }, parent);
      this.hostedClusterReaderBinding = new ClusterRoleBinding(
        `${name}-hosted-cluster-reader`,
        { kubeconfig: admin, name: readerName, roleRef: { kind: "ClusterRole", name: this.hostedClusterReader.name }, subjects: [subject] },
        { ...parent, dependsOn: [this.serviceAccount] },
      );
      grants = [this.roleBinding, this.hostedClusterReaderBinding];
    }

    let tokenValue: pulumi.Output<string>;
    if (token.kind === "request") {
      this.tokenRequest = new ServiceAccountToken(
        `${name}-token`,
        {
          kubeconfig: admin,
          namespace,
          serviceAccountName: this.serviceAccount.name,
          serviceAccountUid: this.serviceAccount.uid,
          lifetime: token.lifetime ?? "24h",
          renewBefore: token.renewBefore ?? 0.25,
        },
        parent,
      );
      tokenValue = this.tokenRequest.token;
      this.tokenExpiry = this.tokenRequest.expiry;
    } else {
      this.tokenSecret = new ServiceAccountTokenSecret(
        `${name}-token`,
        { kubeconfig: admin, namespace, name: `${account}-token`, serviceAccountName: this.serviceAccount.name },
        parent,
      );
      tokenValue = this.tokenSecret.token;
      this.tokenExpiry = pulumi.output(undefined);
    }

    this.hubKubeconfig = new HubKubeconfig(
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

    this.hub = new Hub(
      `${name}-hub`,
      {
        hubId: args.hubId,
        kubeconfig: this.hubKubeconfig.kubeconfig,
        namespace,
        name: args.hubName,
        labels: args.hubLabels,
        connection: args.connection,
      },
      parent,
    );

    this.hubId = this.hub.hubId;
    this.kubeconfig = pulumi.secret(this.hubKubeconfig.kubeconfig);
    this.registerOutputs({ hubId: this.hubId, kubeconfig: this.kubeconfig, tokenExpiry: this.tokenExpiry });
  }
}

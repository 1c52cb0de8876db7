/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects of every kind travel as untyped JSON here; @pulumi/kubernetes replaces these resources (issue 19) */
// Kubernetes objects as Pulumi dynamic resources, on @kubernetes/client-node (the
// @pulumi/kubernetes plugin cannot be had on this project's machines). Each class is a
// thin front for one provider module that the serialized provider requires at run
// time from the built package (see toolkit/delegate.ts).
//
// Type tokens: pulumi-nodejs:dynamic/kubernetes:<Kind>. The admin kubeconfig is always
// a secret, in inputs and outputs. Object names default to the Pulumi resource name.
// Adopting an existing object: the resource option `{ import: "<namespace>/<name>" }`
// (or `"<name>"` for cluster-scoped kinds). The engine's import step cannot load a
// dynamic provider, so the option becomes an `adoptId` input (moveImportToAdoption)
// and create takes the object over with server-side apply. For an object that may or may
// not exist already, `ifExists: "adopt" | "skip"` decides at create time instead (see
// objectProvider.ts); such a pre-existing object stays when the resource is deleted.
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider, moveImportToAdoption } from "../../toolkit/delegate";

const objectProvider = delegatingProvider("dist/components/kube/objectProvider");
const tokenProvider = delegatingProvider("dist/components/kube/tokenProvider");
const kubeconfigProvider = delegatingProvider("dist/components/kube/kubeconfigProvider");

type Labels = pulumi.Input<Record<string, pulumi.Input<string>>>;

export interface ObjectMetaArgs {
  /** Admin kubeconfig content (kept secret). */
  kubeconfig: pulumi.Input<string>;
  /** Object name; default: the Pulumi resource name. */
  name?: pulumi.Input<string>;
  labels?: Labels;
  annotations?: Labels;
  /** Seconds to wait for readiness / deletion (defaults: 60 / 30, namespaces 120). */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * When the object already exists at create: "fail" (default) refuses it and names the
   * `import` option to use; "adopt" applies this program's fields over it; "skip" leaves
   * it exactly as it is. An adopted or skipped object is `preexisting` and is not deleted
   * with the resource.
   */
  ifExists?: pulumi.Input<"adopt" | "skip" | "fail">;
}

export interface NamespacedMetaArgs extends ObjectMetaArgs {
  namespace: pulumi.Input<string>;
}

export interface PolicyRule {
  apiGroups?: pulumi.Input<pulumi.Input<string>[]>;
  resources?: pulumi.Input<pulumi.Input<string>[]>;
  verbs: pulumi.Input<pulumi.Input<string>[]>;
  resourceNames?: pulumi.Input<pulumi.Input<string>[]>;
  nonResourceURLs?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface Subject {
  kind: pulumi.Input<"ServiceAccount" | "User" | "Group">;
  name: pulumi.Input<string>;
  namespace?: pulumi.Input<string>;
  apiGroup?: pulumi.Input<string>;
}

export interface RoleRef {
  kind: pulumi.Input<"Role" | "ClusterRole">;
  name: pulumi.Input<string>;
}

function secretOutputs(opts: pulumi.CustomResourceOptions | undefined, extra: string[] = []): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig", ...extra] };
}

/** Any Kubernetes object the object provider manages. */
export abstract class KubeObject extends pulumi.dynamic.Resource {
  declare readonly apiVersion: pulumi.Output<string>;
  declare readonly kind: pulumi.Output<string>;
  /** metadata.name */
  declare readonly name: pulumi.Output<string>;
  /** metadata.namespace (namespaced kinds) */
  declare readonly namespace: pulumi.Output<string | undefined>;
  declare readonly labels: pulumi.Output<Record<string, string> | undefined>;
  declare readonly annotations: pulumi.Output<Record<string, string> | undefined>;
  /** The object's other top-level fields as the server has them (projected onto what the program sets). */
  declare readonly fields: pulumi.Output<Record<string, any> | undefined>;
  declare readonly uid: pulumi.Output<string>;
  declare readonly creationTimestamp: pulumi.Output<string>;
  /** True when the object existed before this resource (ifExists "adopt" or "skip"): it is left in place on delete. */
  declare readonly preexisting: pulumi.Output<boolean | undefined>;

  protected constructor(
    kind: string,
    apiVersion: string,
    name: string,
    args: ObjectMetaArgs & { namespace?: pulumi.Input<string> },
    fields: Record<string, unknown> | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    extraSecrets: string[] = [],
    extraOutputs: Record<string, undefined> = {},
  ) {
    const props: Record<string, unknown> = {
      kubeconfig: pulumi.secret(args.kubeconfig),
      apiVersion,
      kind,
      name: args.name ?? name,
      namespace: args.namespace,
      labels: args.labels,
      annotations: args.annotations,
      fields,
      timeoutSeconds: args.timeoutSeconds,
      ifExists: args.ifExists,
      uid: undefined,
      creationTimestamp: undefined,
      preexisting: undefined,
      ...extraOutputs,
    };
    const options = moveImportToAdoption(props, opts);
    super(objectProvider, name, props, secretOutputs(options, extraSecrets), "kubernetes", kind);
  }
}

export class Namespace extends KubeObject {
  constructor(name: string, args: ObjectMetaArgs, opts?: pulumi.CustomResourceOptions) {
    super("Namespace", "v1", name, args, undefined, opts);
  }
}

export interface ServiceAccountArgs extends NamespacedMetaArgs {
  automountServiceAccountToken?: pulumi.Input<boolean>;
}

export class ServiceAccount extends KubeObject {
  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.CustomResourceOptions) {
    const fields = args.automountServiceAccountToken === undefined ? undefined : { automountServiceAccountToken: args.automountServiceAccountToken };
    super("ServiceAccount", "v1", name, args, fields, opts);
  }
}

export interface RoleArgs extends NamespacedMetaArgs {
  rules: pulumi.Input<pulumi.Input<PolicyRule>[]>;
}

export class Role extends KubeObject {
  constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions) {
    super("Role", "rbac.authorization.k8s.io/v1", name, args, { rules: args.rules }, opts);
  }
}

export interface ClusterRoleArgs extends ObjectMetaArgs {
  rules: pulumi.Input<pulumi.Input<PolicyRule>[]>;
}

export class ClusterRole extends KubeObject {
  constructor(name: string, args: ClusterRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super("ClusterRole", "rbac.authorization.k8s.io/v1", name, args, { rules: args.rules }, opts);
  }
}

function roleRef(ref: pulumi.Input<RoleRef>) {
  return pulumi.output(ref).apply((r) => ({ apiGroup: "rbac.authorization.k8s.io", kind: r.kind, name: r.name }));
}

export interface RoleBindingArgs extends NamespacedMetaArgs {
  roleRef: pulumi.Input<RoleRef>;
  subjects: pulumi.Input<pulumi.Input<Subject>[]>;
}

/** roleRef cannot change in place: changing it replaces the binding. */
export class RoleBinding extends KubeObject {
  constructor(name: string, args: RoleBindingArgs, opts?: pulumi.CustomResourceOptions) {
    super("RoleBinding", "rbac.authorization.k8s.io/v1", name, args, { roleRef: roleRef(args.roleRef), subjects: args.subjects }, opts);
  }
}

export interface ClusterRoleBindingArgs extends ObjectMetaArgs {
  roleRef: pulumi.Input<RoleRef>;
  subjects: pulumi.Input<pulumi.Input<Subject>[]>;
}

export class ClusterRoleBinding extends KubeObject {
  constructor(name: string, args: ClusterRoleBindingArgs, opts?: pulumi.CustomResourceOptions) {
    super("ClusterRoleBinding", "rbac.authorization.k8s.io/v1", name, args, { roleRef: roleRef(args.roleRef), subjects: args.subjects }, opts);
  }
}

export interface CustomResourceDefinitionArgs extends Omit<ObjectMetaArgs, "name"> {
  /** The CRD spec (group, names, scope, versions with openAPIV3Schema). The object name is `<plural>.<group>`. */
  spec: pulumi.Input<Record<string, any>>;
}

/** Waits until the API server reports the CRD Established. */
export class CustomResourceDefinition extends KubeObject {
  constructor(name: string, args: CustomResourceDefinitionArgs, opts?: pulumi.CustomResourceOptions) {
    const objectName = pulumi.output(args.spec).apply((spec) => `${spec?.names?.plural}.${spec?.group}`);
    super("CustomResourceDefinition", "apiextensions.k8s.io/v1", name, { ...args, name: objectName }, { spec: args.spec }, opts);
  }
}

export interface ServiceAccountTokenSecretArgs extends NamespacedMetaArgs {
  serviceAccountName: pulumi.Input<string>;
}

/**
 * A long-lived token: a Secret of type kubernetes.io/service-account-token that the
 * cluster's kube-controller-manager fills in. Creation waits for the token. It lives
 * until the Secret or the service account is deleted.
 */
export class ServiceAccountTokenSecret extends KubeObject {
  /** The token (secret). */
  declare readonly token: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountTokenSecretArgs, opts?: pulumi.CustomResourceOptions) {
    const annotations = pulumi
      .all([args.annotations ?? {}, args.serviceAccountName])
      .apply(([extra, account]) => ({ ...extra, "kubernetes.io/service-account.name": account }));
    super(
      "Secret",
      "v1",
      name,
      { ...args, annotations },
      { type: "kubernetes.io/service-account-token" },
      opts,
      ["token"],
      { token: undefined },
    );
  }
}

export interface ServiceAccountTokenArgs {
  /** Admin kubeconfig content (kept secret). */
  kubeconfig: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  /** Pass the ServiceAccount's `uid`: a re-created account then gets a new token on the next `up`. */
  serviceAccountUid?: pulumi.Input<string>;
  /** e.g. "24h" (default), at least "10m". */
  lifetime?: pulumi.Input<string>;
  /** Renew when less than this share of the lifetime is left (default 0.25). */
  renewBefore?: pulumi.Input<number>;
  audiences?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A bound service-account token from the TokenRequest API. `pulumi up` renews it once
 * less than `renewBefore` of its lifetime is left (or it expired, or the account was
 * re-created); `pulumi refresh` shows `renewalDue` and drops a token the server refuses.
 */
export class ServiceAccountToken extends pulumi.dynamic.Resource {
  declare readonly token: pulumi.Output<string>;
  declare readonly issuedAt: pulumi.Output<string>;
  /** ISO time the token stops working. */
  declare readonly expiry: pulumi.Output<string>;
  declare readonly renewalDue: pulumi.Output<boolean>;
  declare readonly lifetime: pulumi.Output<string>;
  declare readonly renewBefore: pulumi.Output<number>;

  constructor(name: string, args: ServiceAccountTokenArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      kubeconfig: pulumi.secret(args.kubeconfig),
      token: undefined,
      issuedAt: undefined,
      expiry: undefined,
      renewalDue: undefined,
    };
    super(tokenProvider, name, props, secretOutputs(opts, ["token"]), "kubernetes", "ServiceAccountToken");
  }
}

export interface AccessCheckArgs {
  verb: string;
  group?: string;
  resource: string;
  namespace?: string;
}

export interface HubKubeconfigArgs {
  adminKubeconfig: pulumi.Input<string>;
  token: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  userName: pulumi.Input<string>;
  server?: pulumi.Input<string>;
  insecureSkipTlsVerify?: pulumi.Input<boolean>;
  accessChecks?: pulumi.Input<pulumi.Input<AccessCheckArgs>[]>;
}

/** The minimal, verified kubeconfig for a hub registration (see kubeconfigProvider.ts). */
export class HubKubeconfig extends pulumi.dynamic.Resource {
  declare readonly kubeconfig: pulumi.Output<string>;
  declare readonly username: pulumi.Output<string>;
  declare readonly sizeBytes: pulumi.Output<number>;

  constructor(name: string, args: HubKubeconfigArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      adminKubeconfig: pulumi.secret(args.adminKubeconfig),
      token: pulumi.secret(args.token),
      kubeconfig: undefined,
      username: undefined,
      sizeBytes: undefined,
    };
    super(kubeconfigProvider, name, props, secretOutputs(opts, ["adminKubeconfig", "token"]), "kubernetes", "HubKubeconfig");
  }
}

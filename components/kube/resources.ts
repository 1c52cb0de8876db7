// What @pulumi/kubernetes has no resource for, as Pulumi dynamic resources: a bound
// service-account token from the TokenRequest API (renewed by `up`), and the minimal
// hub kubeconfig proven to authenticate and to be allowed what the service does. Each
// class is a thin front for one provider module that the serialized provider requires
// at run time from the built package (see toolkit/delegate.ts). The Kubernetes objects
// themselves (namespace, service account, RBAC, CRD) are @pulumi/kubernetes resources.
//
// Type tokens: pulumi-nodejs:dynamic/kubernetes:<Kind> (unchanged since 0.1, so older
// states keep them). The admin kubeconfig and the tokens are always secrets.
import * as pulumi from "@pulumi/pulumi";
import { delegatingProvider } from "../../toolkit/delegate";

const tokenProvider = delegatingProvider("dist/components/kube/tokenProvider");
const kubeconfigProvider = delegatingProvider("dist/components/kube/kubeconfigProvider");

function secretOutputs(opts: pulumi.CustomResourceOptions | undefined, extra: string[] = []): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig", ...extra] };
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

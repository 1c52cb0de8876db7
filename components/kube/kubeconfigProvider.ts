// Builds the minimal kubeconfig a hub registration carries (server URL, CA data, one
// bearer token; no client certificates, no exec plugins, no file references) and
// proves it works before anything downstream uses it: it must authenticate
// (SelfSubjectReview) and be allowed what the fulfillment service does in the hub
// namespace (SelfSubjectAccessReviews). Nothing is created in the cluster.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { compact, containsUnknown, progress, sameJson, parseInputs, validateInputs } from "../../toolkit/common";
import {
  canI,
  clusterEndpoint,
  describeAccess,
  KubeApiError,
  loadKubeconfig,
  minimalKubeconfig,
  retrying,
  whoAmI,
  type AccessCheck,
} from "../../kube/client";

/** Kubeconfigs travel inside hub registrations; the service's limits are generous, ours is a sanity bound. */
export const MAX_KUBECONFIG_BYTES = 4096;

const accessCheckSchema = z.object({
  verb: z.string().min(1),
  group: z.string().optional(),
  resource: z.string().min(1),
  namespace: z.string().optional(),
});

export const kubeconfigInputsSchema = z.object({
  adminKubeconfig: z.string({ message: "pass the admin kubeconfig's content" }).min(1, { message: "the admin kubeconfig content is empty" }),
  token: z.string({ message: "the service account token is missing" }).min(1, { message: "the service account token is empty" }),
  namespace: z.string().min(1),
  /** Name of the cluster and context entries (e.g. the hub id). */
  clusterName: z.string().min(1),
  /** Name of the user entry (e.g. the service account). */
  userName: z.string().min(1),
  /** The API server URL as the fulfillment service reaches it; default: the admin kubeconfig's. */
  server: z.string().regex(/^https?:\/\//, { message: "must be a URL like https://api.hub.example:6443" }).optional(),
  /** Register a kubeconfig that skips TLS verification (only when asked for). */
  insecureSkipTlsVerify: z.boolean().optional(),
  /** What the token must be allowed; checked with SelfSubjectAccessReviews. */
  accessChecks: z.array(accessCheckSchema).optional(),
});
export type KubeconfigInputs = z.infer<typeof kubeconfigInputsSchema>;
export interface KubeconfigOutputs extends KubeconfigInputs {
  kubeconfig: string;
  /** Who the kubeconfig authenticates as, e.g. system:serviceaccount:cloudkit-orders:fulfillment-hub. */
  username: string;
  sizeBytes: number;
}

export function buildKubeconfig(inputs: KubeconfigInputs): string {
  const admin = loadKubeconfig(inputs.adminKubeconfig, "admin kubeconfig");
  const endpoint = clusterEndpoint(admin);
  const insecure = inputs.insecureSkipTlsVerify === true;
  if (!insecure && !endpoint.caData) {
    throw new Error(
      endpoint.insecureSkipTlsVerify
        ? "the admin kubeconfig skips TLS verification and has no CA data, so the hub kubeconfig would have nothing to verify the server with; set insecureSkipTlsVerify: true to register it that way anyway"
        : "the admin kubeconfig has no certificate-authority-data (the server's certificate is trusted through the system store); set insecureSkipTlsVerify: true, or use an admin kubeconfig with CA data",
    );
  }
  const kubeconfig = minimalKubeconfig({
    name: inputs.clusterName,
    server: inputs.server ?? endpoint.server,
    caData: endpoint.caData,
    insecureSkipTlsVerify: insecure,
    tlsServerName: endpoint.tlsServerName,
    token: inputs.token,
    user: inputs.userName,
    namespace: inputs.namespace,
  });
  const size = Buffer.byteLength(kubeconfig);
  if (size >= MAX_KUBECONFIG_BYTES) {
    throw new Error(`the hub kubeconfig is ${size} bytes; it must stay under ${MAX_KUBECONFIG_BYTES} (is the CA bundle unusually large?)`);
  }
  return kubeconfig;
}

/** Authenticates with the new kubeconfig and checks its permissions; retries briefly while RBAC caches catch up. */
export async function verifyKubeconfig(kubeconfig: string, checks: AccessCheck[], secrets: string[], retryMs = 15_000): Promise<string> {
  const ctx = loadKubeconfig(kubeconfig, "hub kubeconfig");
  ctx.secrets.push(...secrets);
  const unauthenticated = (error: unknown) => error instanceof KubeApiError && error.status === 401;
  let username: string;
  try {
    // A service account created a moment ago may not be in the authenticator's cache yet.
    username = (await retrying(retryMs, unauthenticated, () => whoAmI(ctx))).username;
  } catch (error) {
    if (unauthenticated(error)) {
      throw new Error(`the hub kubeconfig does not authenticate at ${ctx.server}: the API server refused its token (401 Unauthorized)`);
    }
    throw error;
  }
  const denied = new Error("denied");
  for (const check of checks) {
    try {
      await retrying(retryMs, (error) => error === denied, async () => {
        if (!(await canI(ctx, check))) throw denied;
      });
    } catch (error) {
      if (error !== denied) throw error;
      throw new Error(`the hub kubeconfig authenticates as '${username}' but may not ${describeAccess(check)}; the fulfillment service needs that`);
    }
  }
  return username;
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { failures } = validateInputs(kubeconfigInputsSchema, news);
  return { inputs: news, failures };
}

export async function diff(_id: string, olds: KubeconfigOutputs, news: KubeconfigInputs): Promise<pulumi.dynamic.DiffResult> {
  const diffs: string[] = [];
  for (const key of Object.keys(kubeconfigInputsSchema.shape) as Array<keyof KubeconfigInputs>) {
    if (containsUnknown(news[key]) || !sameJson(news[key], olds[key])) diffs.push(key);
  }
  return { changes: diffs.length > 0 };
}

async function build(news: Record<string, unknown>, id: string): Promise<KubeconfigOutputs> {
  const inputs = parseInputs(kubeconfigInputsSchema, news);
  const kubeconfig = buildKubeconfig(inputs);
  const username = await verifyKubeconfig(kubeconfig, inputs.accessChecks ?? [], [inputs.adminKubeconfig, inputs.token]);
  progress("HubKubeconfig", id, `verified: authenticates as '${username}' (${Buffer.byteLength(kubeconfig)} bytes)`);
  return compact({ ...inputs, kubeconfig, username, sizeBytes: Buffer.byteLength(kubeconfig) });
}

export async function create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const id = `${news.clusterName}`;
  return { id, outs: await build(news, id) };
}

/** Nothing lives in the cluster: the state is the truth (the token resource reports a dead token). */
export async function read(id: string, props: KubeconfigOutputs): Promise<pulumi.dynamic.ReadResult> {
  const { kubeconfig: _k, username: _u, sizeBytes: _s, ...inputs } = props;
  return { id, props, inputs };
}

export async function update(id: string, _olds: KubeconfigOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  return { outs: await build(news, id) };
}

export async function remove(): Promise<void> {}

export { remove as delete };

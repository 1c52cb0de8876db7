/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects of every kind travel as untyped JSON here; @pulumi/kubernetes replaces these resources (issue 19) */
// The Kubernetes side of the components, loaded at run time inside the dynamic provider
// process (and by the simulator): kubeconfig parsing, authentication and TLS come from
// @kubernetes/client-node's KubeConfig; requests are plain JSON over its HTTPS options.
//
// Why not the generated typed APIs for everything: their serializer maps JSON to model
// classes and silently drops what it does not model (a CRD schema loses `default`,
// `enum` and every `x-kubernetes-*` key), so generic objects go over REST as JSON.
import * as net from "node:net";
import * as fs from "node:fs";
import { retryPolicy, withRetries } from "../timing/retry";
import * as https from "node:https";
import * as http from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import { redactSecrets } from "../client/redact";

/** client-node is ESM-only; `require()` of ESM works on Node >= 20.19. Loaded lazily: it is large. */
function clientNode(): typeof import("@kubernetes/client-node") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require("@kubernetes/client-node");
}

export const FIELD_MANAGER = "pulumi-fulfillment";

/** Everything needed to talk to one API server as one user, plus the secrets to scrub from messages. */
export interface KubeContext {
  config: KubeConfig;
  server: string;
  /** Credentials found in the kubeconfig (tokens, keys, passwords): never in an error message. */
  secrets: string[];
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

/** Parses kubeconfig content. Errors say what is wrong without echoing the content. */
export function loadKubeconfig(content: string, what = "kubeconfig"): KubeContext {
  if (typeof content !== "string" || content.trim() === "") throw new KubeconfigError(`the ${what} is empty`);
  const { KubeConfig } = clientNode();
  const config = new KubeConfig();
  try {
    config.loadFromString(content);
  } catch (error) {
    const detail = redactSecrets((error as Error).message.split("\n")[0], [content]);
    const looksLikePath = !content.includes("\n") && !content.includes(": ");
    throw new KubeconfigError(`the ${what} does not parse (${detail})${looksLikePath ? "; pass the content of a kubeconfig file, not a path" : ""}`);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new KubeconfigError(`the ${what} has no current context with a cluster (set current-context)`);
  if (!/^https?:\/\//.test(cluster.server ?? "")) {
    throw new KubeconfigError(`the ${what}'s cluster '${cluster.name}' has no server URL (https://host:port)`);
  }
  const user = config.getCurrentUser();
  const secrets: string[] = [];
  if (user) {
    for (const value of [user.token, user.password, user.keyData, user.certData]) if (value) secrets.push(value);
  }
  return { config, server: cluster.server.replace(/\/+$/, ""), secrets: [...secrets, content] };
}

/** A failed Kubernetes API call: HTTP status (0 when the server was not reached) and the Status reason. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export const isNotFound = (error: unknown) => error instanceof KubeApiError && error.status === 404;
export const isConflict = (error: unknown) => error instanceof KubeApiError && error.status === 409;
export const isUnreachable = (error: unknown) => error instanceof KubeApiError && error.status === 0;

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** One call to the API server; JSON in, JSON out. Errors carry the server's own message, scrubbed of secrets. */
export async function kubeRequest<T = any>(ctx: KubeContext, method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(ctx.server + path);
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const requestOptions: https.RequestOptions = { method, headers: { accept: "application/json" }, timeout: options.timeoutMs ?? 30_000 };
  await ctx.config.applyToHTTPSOptions(requestOptions);
  // An IP address is no TLS server name (RFC 6066; Node warns with DEP0123); the
  // certificate is still checked against the host.
  if (typeof requestOptions.servername === "string" && net.isIP(requestOptions.servername)) delete requestOptions.servername;
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  if (payload) {
    requestOptions.headers = {
      ...requestOptions.headers,
      "content-type": options.contentType ?? "application/json",
      "content-length": String(payload.length),
    };
  }
  const transport = url.protocol === "http:" ? http : https;
  const where = `${method} ${url.pathname}`;
  return new Promise<T>((resolve, reject) => {
    const request = transport.request(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = response.statusCode ?? 0;
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        if (status >= 200 && status < 300) return resolve(json as T);
        const serverMessage = json?.message ?? (text.trim().slice(0, 300) || response.statusMessage || "");
        const reason = json?.reason ?? response.statusMessage ?? "";
        reject(
          new KubeApiError(
            redactSecrets(`${where} on ${ctx.server}: ${status} ${reason}: ${serverMessage}`, ctx.secrets),
            status,
            reason,
            method,
            url.pathname,
          ),
        );
      });
      response.on("error", (error) => reject(transportError(ctx, where, error)));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${(options.timeoutMs ?? 30_000) / 1000}s`)));
    request.on("error", (error) => reject(transportError(ctx, where, error)));
    if (payload) request.write(payload);
    request.end();
  });
}

function transportError(ctx: KubeContext, where: string, error: Error & { code?: string }): KubeApiError {
  const code = error.code ? `${error.code}: ` : "";
  let hint = "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|altnames/i.test(`${error.code} ${error.message}`)) {
    hint = " (the server's certificate is not trusted by the kubeconfig's certificate-authority-data)";
  }
  return new KubeApiError(
    redactSecrets(`${where}: cannot reach the API server at ${ctx.server}: ${code}${error.message}${hint}`, ctx.secrets),
    0,
    error.code ?? "Unreachable",
    where.split(" ")[0],
    where.split(" ")[1] ?? "",
  );
}

/** Retries `call` while `retryable(error)` holds, with a short backoff, until `ms` have passed (the project's one retry loop). */
export async function retrying<T>(ms: number, retryable: (error: unknown) => boolean, call: () => Promise<T>): Promise<T> {
  const policy = retryPolicy({ maxAttempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, maxElapsedMs: ms });
  return withRetries(policy, () => call(), { shouldRetry: retryable });
}

/** The cluster entry of a kubeconfig's current context, as data a new kubeconfig can reuse. */
export interface ClusterEndpoint {
  server: string;
  /** base64 PEM, as in `certificate-authority-data` (read from `certificate-authority` files too). */
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
}

export function clusterEndpoint(ctx: KubeContext): ClusterEndpoint {
  const cluster = ctx.config.getCurrentCluster()!;
  let caData = cluster.caData;
  if (!caData && cluster.caFile) caData = fs.readFileSync(cluster.caFile).toString("base64");
  return { server: ctx.server, caData, insecureSkipTlsVerify: Boolean(cluster.skipTLSVerify), tlsServerName: cluster.tlsServerName };
}

/** JSON for a YAML scalar: quoted, so no value can change the document's structure. */
const q = (value: string) => JSON.stringify(value);

/**
 * The smallest kubeconfig the fulfillment service needs: one cluster (server URL, CA
 * data), one user with a bearer token, one context with the namespace. No client
 * certificates, no exec plugins, no files.
 */
export function minimalKubeconfig(options: {
  name: string;
  server: string;
  caData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token: string;
  user: string;
  namespace: string;
}): string {
  const lines = ["apiVersion: v1", "kind: Config", "clusters:", `- name: ${q(options.name)}`, "  cluster:", `    server: ${q(options.server)}`];
  if (options.caData && !options.insecureSkipTlsVerify) lines.push(`    certificate-authority-data: ${options.caData}`);
  if (options.insecureSkipTlsVerify) lines.push("    insecure-skip-tls-verify: true");
  if (options.tlsServerName) lines.push(`    tls-server-name: ${q(options.tlsServerName)}`);
  lines.push(
    "users:",
    `- name: ${q(options.user)}`,
    "  user:",
    `    token: ${q(options.token)}`,
    "contexts:",
    `- name: ${q(options.name)}`,
    "  context:",
    `    cluster: ${q(options.name)}`,
    `    user: ${q(options.user)}`,
    `    namespace: ${q(options.namespace)}`,
    `current-context: ${q(options.name)}`,
    "",
  );
  return lines.join("\n");
}

/** Who the kubeconfig authenticates as (SelfSubjectReview, authentication.k8s.io/v1). */
export async function whoAmI(ctx: KubeContext): Promise<{ username: string; groups: string[] }> {
  const review = await kubeRequest(ctx, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
    body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
  });
  return { username: review?.status?.userInfo?.username ?? "", groups: review?.status?.userInfo?.groups ?? [] };
}

export interface AccessCheck {
  verb: string;
  group?: string;
  resource: string;
  namespace?: string;
}

/** Whether the kubeconfig's user may do `check` (SelfSubjectAccessReview). */
export async function canI(ctx: KubeContext, check: AccessCheck): Promise<boolean> {
  const review = await kubeRequest(ctx, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: { resourceAttributes: { verb: check.verb, group: check.group ?? "", resource: check.resource, namespace: check.namespace } },
    },
  });
  return review?.status?.allowed === true;
}

export function describeAccess(check: AccessCheck): string {
  const resource = check.group ? `${check.resource}.${check.group}` : check.resource;
  return `${check.verb} ${resource}${check.namespace ? ` in namespace '${check.namespace}'` : " (cluster-wide)"}`;
}

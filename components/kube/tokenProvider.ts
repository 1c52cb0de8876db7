// A service-account token from the TokenRequest API (bound to the service account,
// with a lifetime), renewed by `pulumi up` once less than `renewBefore` of its life is
// left. Renewal is clock-driven, so it is decided where the clock is read:
// - diff (every preview/up) proposes an update when renewal is due, when the token is
//   expired, or when the service account was re-created (its uid is an input);
// - read (refresh) reports `renewalDue` and drops a token the API server no longer
//   accepts (a TokenReview), so drift shows up there too;
// - update requests a new token only when one of those holds; changing renewBefore
//   alone just records it.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { compact, containsUnknown, progress, sameJson, parseInputs, validateInputs } from "../../toolkit/common";
import { parseDuration } from "../../timing/duration";
import { systemClock, type Clock } from "../../timing/clock";
import { isNotFound, kubeRequest, loadKubeconfig, retrying, type KubeContext } from "../../kube/client";

/** The API server refuses TokenRequests shorter than 10 minutes. */
export const MIN_LIFETIME_MS = 10 * 60_000;

export const tokenInputsSchema = z.object({
  kubeconfig: z.string({ message: "pass the admin kubeconfig's content" }).min(1, { message: "the kubeconfig content is empty" }),
  namespace: z.string().min(1, { message: "set the service account's namespace" }),
  serviceAccountName: z.string().min(1, { message: "set serviceAccountName" }),
  /** The service account's uid: when it changes (re-created account) the old token is dead. */
  serviceAccountUid: z.string().optional(),
  lifetime: z
    .string()
    .default("24h")
    .superRefine((text, ctx) => {
      try {
        if (parseDuration(text, "lifetime") < MIN_LIFETIME_MS) {
          ctx.addIssue({ code: "custom", message: "must be at least 10m (the API server's minimum for TokenRequest)" });
        }
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message.replace(/^lifetime: /, "") });
      }
    }),
  renewBefore: z
    .number({ message: "renewBefore is a share of the lifetime, e.g. 0.25" })
    .gt(0, { message: "must be more than 0 (a share of the lifetime, e.g. 0.25)" })
    .max(1, { message: "must be at most 1 (a share of the lifetime, e.g. 0.25)" })
    .default(0.25),
  audiences: z.array(z.string()).optional(),
});
export type TokenInputs = z.infer<typeof tokenInputsSchema>;
export interface TokenOutputs extends TokenInputs {
  token: string;
  issuedAt: string;
  expiry: string;
  renewalDue: boolean;
}

/** Why the token held in `olds` must be replaced by a new one now, or undefined. */
export function renewalReason(olds: Partial<TokenOutputs>, now: number, renewBefore = olds.renewBefore ?? 0.25): string | undefined {
  const expiry = Date.parse(olds.expiry ?? "");
  const issued = Date.parse(olds.issuedAt ?? "");
  if (!olds.token || !Number.isFinite(expiry)) return "no token yet";
  if (now >= expiry) return `the token expired at ${olds.expiry}`;
  const life = Number.isFinite(issued) && expiry > issued ? expiry - issued : parseDuration(olds.lifetime ?? "24h", "lifetime");
  if (expiry - now <= renewBefore * life) {
    return `less than ${Math.round(renewBefore * 100)}% of the token's lifetime is left (it expires at ${olds.expiry})`;
  }
  return undefined;
}

function tokenPath(inputs: TokenInputs): string {
  return `/api/v1/namespaces/${encodeURIComponent(inputs.namespace)}/serviceaccounts/${encodeURIComponent(inputs.serviceAccountName)}/token`;
}

async function requestToken(ctx: KubeContext, inputs: TokenInputs, clock: Clock): Promise<{ token: string; issuedAt: string; expiry: string }> {
  const lifetimeMs = parseDuration(inputs.lifetime, "lifetime");
  const issuedAt = new Date(clock.now());
  // A service account created a moment ago may not be in the API server's cache yet.
  const response = await retrying(10_000, isNotFound, () =>
    kubeRequest(ctx, "POST", tokenPath(inputs), {
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: Math.round(lifetimeMs / 1000), audiences: inputs.audiences ?? null },
      },
    }),
  ).catch((error) => {
    if (isNotFound(error)) {
      throw new Error(`cannot request a token: service account '${inputs.serviceAccountName}' does not exist in namespace '${inputs.namespace}'`);
    }
    throw error;
  });
  const token: string | undefined = response?.status?.token;
  const expiry: string | undefined = response?.status?.expirationTimestamp;
  if (!token || !expiry) throw new Error("the API server answered the TokenRequest without a token");
  return { token, issuedAt: issuedAt.toISOString(), expiry: new Date(expiry).toISOString() };
}

function outputs(inputs: TokenInputs, token: { token: string; issuedAt: string; expiry: string }): TokenOutputs {
  return compact({ ...inputs, ...token, renewalDue: false });
}

/** Inputs whose change needs a new token (not renewBefore: that only moves the next renewal). */
function tokenShapeChanged(olds: Partial<TokenOutputs>, news: TokenInputs): string[] {
  const changed: string[] = [];
  for (const key of ["kubeconfig", "lifetime", "serviceAccountUid"] as const) {
    if (containsUnknown(news[key]) || (news[key] ?? "") !== (olds[key] ?? "")) changed.push(key);
  }
  if (containsUnknown(news.audiences) || !sameJson(news.audiences ?? [], olds.audiences ?? [])) changed.push("audiences");
  return changed;
}

/**
 * The provider's methods, deciding renewal by `clock` (the engine's serialized provider
 * uses the system clock; tests pass their own and call the methods directly).
 */
export function tokenProvider(clock: Clock = systemClock) {
  return {
    check,
    async diff(_id: string, olds: TokenOutputs, news: TokenInputs): Promise<pulumi.dynamic.DiffResult> {
      const replaces: string[] = [];
      for (const key of ["namespace", "serviceAccountName"] as const) {
        if (containsUnknown(news[key]) || news[key] !== olds[key]) replaces.push(key);
      }
      const diffs = [...replaces, ...tokenShapeChanged(olds, news)];
      if (news.renewBefore !== olds.renewBefore) diffs.push("renewBefore");
      const due = renewalReason(olds, clock.now(), typeof news.renewBefore === "number" ? news.renewBefore : olds.renewBefore);
      if (due) diffs.push("token");
      return { changes: diffs.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
      const inputs = parseInputs(tokenInputsSchema, news);
      const ctx = loadKubeconfig(inputs.kubeconfig, "admin kubeconfig");
      const token = await requestToken(ctx, inputs, clock);
      const id = `${inputs.namespace}/${inputs.serviceAccountName}`;
      progress("ServiceAccountToken", id, `issued, expires at ${token.expiry}`);
      return { id, outs: outputs(inputs, token) };
    },

    async read(id: string, props: Partial<TokenOutputs>): Promise<pulumi.dynamic.ReadResult> {
      if (!props?.kubeconfig || !props.token) return { id: "", props: {} };
      const ctx = loadKubeconfig(props.kubeconfig, "admin kubeconfig");
      // The token is gone for all purposes if the API server no longer accepts it (account deleted or re-created).
      const review = await kubeRequest(ctx, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", {
        body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token: props.token, audiences: props.audiences } },
      });
      if (review?.status?.authenticated !== true) return { id: "", props: {} };
      const outs = { ...props, renewalDue: renewalReason(props, clock.now()) !== undefined } as TokenOutputs;
      const { token: _t, issuedAt: _i, expiry: _e, renewalDue: _r, ...inputs } = outs;
      return { id, props: outs, inputs };
    },

    async update(id: string, olds: TokenOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
      const inputs = parseInputs(tokenInputsSchema, news);
      const reason = tokenShapeChanged(olds, inputs).length > 0 ? "its inputs changed" : renewalReason(olds, clock.now(), inputs.renewBefore);
      if (!reason) return { outs: { ...olds, ...inputs, renewalDue: false } };
      const ctx = loadKubeconfig(inputs.kubeconfig, "admin kubeconfig");
      const token = await requestToken(ctx, inputs, clock);
      progress("ServiceAccountToken", id, `renewed (${reason}); expires at ${token.expiry}`);
      return { outs: outputs(inputs, token) };
    },

    /** A requested token cannot be revoked on its own; it dies with its lifetime or its service account. */
    async delete(_id: string, _props: TokenOutputs): Promise<void> {},
  };
}

async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const { value, failures } = validateInputs(tokenInputsSchema, news);
  // Defaults are written into the inputs, so state and diffs show them.
  return { inputs: value ? { ...news, lifetime: value.lifetime, renewBefore: value.renewBefore } : news, failures };
}

// What the serialized provider (toolkit/delegate.ts) calls: the methods on the system clock.
const onSystemClock = tokenProvider();
export const { diff, create, read, update } = onSystemClock;
export { check };
export const remove = onSystemClock.delete;
export { remove as delete };

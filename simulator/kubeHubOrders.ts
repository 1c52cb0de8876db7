// ClusterOrders in a real hub, as the fulfillment service's cluster controller makes
// them: in the hub's namespace, generateName `order-`, label
// `cloudkit.openshift.io/clusterorder-uuid: <cluster id>`, spec templateID,
// templateParameters (a JSON string) and nodeRequests. The osac generation
// (`generation: "osac"`) uses `osac.openshift.io/v1alpha1` and the label
// `osac.openshift.io/clusterorder-uuid`, adds the annotation `osac.openshift.io/tenant`
// and, when the cluster has them, spec pullSecret, sshPublicKey, releaseImage, network. Talks to the API server the
// hub's registered kubeconfig points at, with @kubernetes/client-node's KubeConfig.
//
// Every failure becomes `{ ok: false, reason, message }` whose message says what went
// wrong (does not parse, cannot reach, refused the credentials, not allowed, no CRD)
// and never carries the kubeconfig or its token.
//
// With `unusableHub: "proceed"` (the simulator's default), a hub whose kubeconfig does
// not parse, whose API server cannot be reached (the fake kubeconfigs of tests and
// demos) or that serves no ClusterOrders in the namespace (a bare API server) does not
// hold the cluster back: the answer is `ok: true` with an empty order name and a
// `warning` carrying the same reason and message, for the controller to show in the
// PROGRESSING condition. A hub that refuses the credentials (401, 403) still fails, as
// it would with the real service: that is a configuration error to fix.
import { pollUntil } from "../timing/poll";
import type { ClusterOrderRequest, HubOrderOutcome, HubOrders, HubRecord } from "./hubOrders";
import { KubeApiError, KubeconfigError, kubeRequest, loadKubeconfig, type KubeContext } from "../kube/client";
import { redactSecrets } from "../client/redact";

export const CLUSTER_ORDER_API = "cloudkit.openshift.io/v1alpha1";
export const CLUSTER_ORDER_UUID_LABEL = "cloudkit.openshift.io/clusterorder-uuid";

/** Where each API generation's controller puts its ClusterOrders. */
export const CLUSTER_ORDER_SHAPES = {
  innabox: { api: CLUSTER_ORDER_API, uuidLabel: CLUSTER_ORDER_UUID_LABEL, tenantAnnotation: undefined },
  osac: { api: "osac.openshift.io/v1alpha1", uuidLabel: "osac.openshift.io/clusterorder-uuid", tenantAnnotation: "osac.openshift.io/tenant" },
} as const;

/** `ok: true` without an order: the hub could not be used, and the cluster goes on anyway. */
export interface SkippedHubOrder {
  ok: true;
  orderName: "";
  warning: { reason: string; message: string };
}
export type KubeHubOrderOutcome = HubOrderOutcome | SkippedHubOrder;

/** Reasons that mean "this kubeconfig points nowhere", as opposed to a hub that answers and refuses. */
const UNUSABLE_REASONS = new Set(["InvalidKubeconfig", "HubUnreachable", "ClusterOrderCrdMissing"]);

export interface KubeHubOrdersOptions {
  /** "fail" (default): every failure is `ok: false`. "proceed": see the file comment. */
  unusableHub?: "fail" | "proceed";
  /** Deadline of each API call. Default 10 s. */
  timeoutMs?: number;
  /** How long delete waits for the ClusterOrder to disappear (finalizers of a hub operator). Default 30 s. */
  deleteWaitMs?: number;
  /** Whose ClusterOrders: "innabox" (default, cloudkit.openshift.io) or "osac" (osac.openshift.io). */
  generation?: keyof typeof CLUSTER_ORDER_SHAPES;
}

interface ClusterOrderObject {
  metadata: { name: string; namespace?: string; deletionTimestamp?: string };
}

export class KubeHubOrders implements HubOrders {
  private readonly timeoutMs: number;
  private readonly deleteWaitMs: number;
  private readonly proceed: boolean;
  private readonly shape: (typeof CLUSTER_ORDER_SHAPES)[keyof typeof CLUSTER_ORDER_SHAPES];

  constructor(options: KubeHubOrdersOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.deleteWaitMs = options.deleteWaitMs ?? 30_000;
    this.proceed = options.unusableHub === "proceed";
    this.shape = CLUSTER_ORDER_SHAPES[options.generation ?? "innabox"];
  }

  /** Whether a client for the hub can be made at all: its kubeconfig parses. */
  usable(hub: HubRecord): boolean {
    return !("ok" in this.connect(hub));
  }

  async ensureClusterOrder(hub: HubRecord, order: ClusterOrderRequest): Promise<KubeHubOrderOutcome> {
    return this.settle(await this.ensure(hub, order));
  }

  async deleteClusterOrder(hub: HubRecord, clusterId: string): Promise<KubeHubOrderOutcome> {
    return this.settle(await this.remove(hub, clusterId));
  }

  private settle(outcome: HubOrderOutcome): KubeHubOrderOutcome {
    if (outcome.ok || !this.proceed || !UNUSABLE_REASONS.has(outcome.reason)) return outcome;
    return { ok: true, orderName: "", warning: { reason: outcome.reason, message: outcome.message } };
  }

  private async ensure(hub: HubRecord, order: ClusterOrderRequest): Promise<HubOrderOutcome> {
    const ctx = this.connect(hub);
    if ("ok" in ctx) return ctx;
    const spec = {
      templateID: order.templateId,
      templateParameters: JSON.stringify(order.templateParameters ?? {}),
      nodeRequests: order.nodeRequests.map((r) => ({ resourceClass: r.resourceClass, numberOfNodes: r.numberOfNodes })),
      ...(order.pullSecret !== undefined ? { pullSecret: order.pullSecret } : {}),
      ...(order.sshPublicKey !== undefined ? { sshPublicKey: order.sshPublicKey } : {}),
      ...(order.releaseImage !== undefined ? { releaseImage: order.releaseImage } : {}),
      ...(order.network !== undefined ? { network: order.network } : {}),
    };
    try {
      const existing = (await this.find(ctx, hub, order.clusterId)).find((o) => !o.metadata.deletionTimestamp);
      if (existing) {
        await kubeRequest(ctx, "PATCH", this.ordersPath(hub, existing.metadata.name), {
          body: { spec },
          contentType: "application/merge-patch+json",
          timeoutMs: this.timeoutMs,
        });
        return { ok: true, orderName: existing.metadata.name };
      }
      const created = await kubeRequest<ClusterOrderObject>(ctx, "POST", this.ordersPath(hub), {
        body: {
          apiVersion: this.shape.api,
          kind: "ClusterOrder",
          metadata: {
            generateName: "order-",
            namespace: hub.namespace,
            labels: { [this.shape.uuidLabel]: order.clusterId },
            ...(this.shape.tenantAnnotation ? { annotations: { [this.shape.tenantAnnotation]: order.tenant ?? "" } } : {}),
          },
          spec,
        },
        timeoutMs: this.timeoutMs,
      });
      return { ok: true, orderName: created.metadata.name };
    } catch (error) {
      return this.failure(hub, ctx, error, "create ClusterOrders");
    }
  }

  private async remove(hub: HubRecord, clusterId: string): Promise<HubOrderOutcome> {
    const ctx = this.connect(hub);
    if ("ok" in ctx) return ctx;
    try {
      const orders = await this.find(ctx, hub, clusterId);
      for (const order of orders) {
        try {
          await kubeRequest(ctx, "DELETE", this.ordersPath(hub, order.metadata.name), { timeoutMs: this.timeoutMs });
        } catch (error) {
          if (!(error instanceof KubeApiError && error.status === 404)) throw error;
        }
      }
      let left = orders;
      try {
        await pollUntil({
          what: "the ClusterOrders to be gone",
          timeoutMs: this.deleteWaitMs,
          fetch: async () => (left = await this.find(ctx, hub, clusterId)),
          isDone: (remaining) => remaining.length === 0,
          describe: (remaining) => `${remaining.length} left`,
          maxDelayMs: 1_000,
        });
        return { ok: true, orderName: orders[0]?.metadata.name ?? "" };
      } catch (error) {
        if (!(error instanceof Error && error.name === "WaitTimeoutError")) throw error;
        return {
          ok: false,
          reason: "ClusterOrderDeletionPending",
          message: `ClusterOrder '${left[0]?.metadata.name ?? "?"}' in hub '${hub.id}' (namespace '${hub.namespace}') is still being deleted`,
        };
      }
    } catch (error) {
      return this.failure(hub, ctx, error, "delete ClusterOrders");
    }
  }

  private connect(hub: HubRecord): KubeContext | (HubOrderOutcome & { ok: false }) {
    try {
      return loadKubeconfig(hub.kubeconfig, `kubeconfig of hub '${hub.id}'`);
    } catch (error) {
      const detail = error instanceof KubeconfigError ? error.message : "it does not parse";
      return { ok: false, reason: "InvalidKubeconfig", message: redactSecrets(`cannot use hub '${hub.id}': ${detail}`, [hub.kubeconfig]) };
    }
  }

  private ordersPath(hub: HubRecord, name?: string): string {
    const base = `/apis/${this.shape.api}/namespaces/${encodeURIComponent(hub.namespace)}/clusterorders`;
    return name ? `${base}/${encodeURIComponent(name)}` : base;
  }

  /** Namespace or CRD missing reads as "no orders", so delete of a never-placed order succeeds. */
  private async find(ctx: KubeContext, hub: HubRecord, clusterId: string): Promise<ClusterOrderObject[]> {
    try {
      const list = await kubeRequest<{ items?: ClusterOrderObject[] }>(ctx, "GET", this.ordersPath(hub), {
        query: { labelSelector: `${this.shape.uuidLabel}=${clusterId}` },
        timeoutMs: this.timeoutMs,
      });
      return list?.items ?? [];
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404 && ctx) return [];
      throw error;
    }
  }

  private failure(hub: HubRecord, ctx: KubeContext, error: unknown, action: string): HubOrderOutcome {
    const secrets = [hub.kubeconfig, ...ctx.secrets];
    const scrub = (text: string) => redactSecrets(text, secrets);
    if (!(error instanceof KubeApiError)) {
      return { ok: false, reason: "HubError", message: scrub(`hub '${hub.id}': ${(error as Error)?.message ?? String(error)}`) };
    }
    const where = `the API server of hub '${hub.id}' (${ctx.server})`;
    switch (error.status) {
      case 0:
        return { ok: false, reason: "HubUnreachable", message: scrub(`cannot reach ${where}: ${error.message.replace(/^.*?cannot reach the API server at \S+: /, "")}`) };
      case 401:
        return { ok: false, reason: "HubUnauthorized", message: `${where} refused the credentials of the hub's kubeconfig (401 Unauthorized): the token is invalid or expired` };
      case 403:
        return {
          ok: false,
          reason: "HubForbidden",
          message: `the hub's kubeconfig authenticates, but ${where} does not allow it to ${action} in namespace '${hub.namespace}' (403 Forbidden)`,
        };
      case 404:
        return {
          ok: false,
          reason: "ClusterOrderCrdMissing",
          message: `${where} does not serve ClusterOrders (${this.shape.api}) in namespace '${hub.namespace}': install the ClusterOrder CRD and create the namespace`,
        };
      default:
        return { ok: false, reason: "HubError", message: scrub(`${where}: ${error.message}`) };
    }
  }
}

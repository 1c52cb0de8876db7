// The Cluster resource's waits: for READY (saying what is wrong when a cluster stays
// PENDING), for node sets to converge, for the kubeconfig to become readable after READY,
// and for deletion. Each one follows its cluster through the process's watcher (one
// Events.Watch stream, or one shared List when Watch is refused: clusterWatcher.ts) and
// reports progress lines; the sighting that ends a wait is checked with one Get.
import * as grpc from "@grpc/grpc-js";
import type { Cluster, ClusterProgress, FulfillmentApi } from "../client/api";
import { grpcCode } from "../client/errors";
import { formatDuration } from "../timing/duration";
import { pollUntil, untilAborted } from "../timing/poll";
import { errorMessage, progress } from "../toolkit/common";
import { currentOperation } from "../toolkit/operation";
import type { ClusterOutputs } from "./clusterModel";
import { clusterReaderFor } from "./clusterReads";
import { describeCluster, failureMessage, type Observed } from "./clusterView";
import { watcherFor } from "./clusterWatcher";

/**
 * Aborted when the host cancels the operation (the plugin's Cancel: Ctrl-C on `pulumi up`);
 * every wait then ends at once with the signal's reason, and the resource's error handling
 * keeps the cluster's id in the state. The dynamic host never cancels: no signal there.
 */
function cancelSignal(): AbortSignal | undefined {
  return currentOperation()?.signal;
}

/** How long a wait goes without news before it looks at its deadline (and a PENDING cluster's time) again. */
const HEARTBEAT_MS = 1_000;

/**
 * Follows a cluster through the process's watcher until `ends`. `poll` runs the wait's
 * poll loop over sightings (the next change the stream or the shared List sees, without a
 * call of its own; one Get when nothing was seen within a heartbeat), so its progress line
 * comes the moment the change arrives. The sighting that ends it is then settled by one
 * read of the whole cluster, which the caller needs anyway (through the batching reader,
 * so a fleet's settling reads share Lists); if that read no longer agrees
 * (events come in no guaranteed order), the wait goes on until its deadline.
 */
async function settled(
  api: FulfillmentApi,
  id: string,
  timeout: number,
  ends: (cluster: ClusterProgress | undefined) => boolean,
  poll: (look: () => Promise<ClusterProgress | undefined>, timeoutMs: number) => Promise<unknown>,
): Promise<Cluster | undefined> {
  const signal = cancelSignal();
  signal?.throwIfAborted();
  const tracker = watcherFor(api).track(id);
  const deadline = Date.now() + timeout;
  const look = async () => {
    const seen = await tracker.next(HEARTBEAT_MS, signal);
    return seen ? seen.cluster : api.clusters.get(id);
  };
  try {
    for (let first = true; ; first = false) {
      await poll(look, first ? timeout : Math.max(1, deadline - Date.now()));
      // A fleet's waits end within moments of each other: their Gets share a List.
      const whole = (await untilAborted(clusterReaderFor(api).read(id, { hub: false }), signal)).cluster;
      if (ends(whole)) return whole;
    }
  } finally {
    tracker.release();
  }
}

const disappeared = (label: string, during: string) => new Error(`cluster ${label} disappeared from the service ${during}`);

/** How long a cluster may stay PENDING before the wait says what is likely wrong. */
export function pendingHintAfterMs(timeout: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(timeout / 4)));
}

/**
 * Why a cluster stays PENDING: the real controller's first pass failed, most often because
 * the hub it picked cannot be reached, and it tries again only when the cluster changes or
 * at its hourly resync. Lists the registered hubs when the token may see them.
 */
async function pendingDiagnosis(api: FulfillmentApi, label: string, pendingMs: number): Promise<string> {
  let hubs: string;
  try {
    const listed = await api.hubs.list();
    hubs = listed.length
      ? `registered hubs: ${listed.map((h) => `'${h.id}' (namespace '${h.namespace}')`).join(", ")}`
      : "no hub is registered (register one with a Hub resource or HubBootstrap)";
  } catch (error) {
    hubs = `the registered hubs are not visible with this token (${grpcCode(error) === grpc.status.PERMISSION_DENIED ? "admin API" : errorMessage(error)})`;
  }
  return (
    `cluster ${label} is still PENDING after ${formatDuration(pendingMs)}: the service's controller has not taken it up. ` +
    `This usually means the hub it picked could not be reached or refused the ClusterOrder; the real controller then retries only ` +
    `when the cluster changes or at its hourly resync. Check that each hub's kubeconfig reaches its API server; ${hubs}. ` +
    `After fixing the hub, changing one of the cluster's labels makes the controller try again`
  );
}

export async function waitForClusterReady(api: FulfillmentApi, id: string, label: string, timeout: number): Promise<Cluster> {
  const started = Date.now();
  const hintAfter = pendingHintAfterMs(timeout);
  let pendingSince: number | undefined;
  let diagnosis: string | undefined;
  const ends = (cluster: ClusterProgress | undefined) => !cluster || cluster.status.state === "READY" || cluster.status.state === "FAILED";
  const isDone = (cluster: ClusterProgress) => {
    if (cluster.status.state === "FAILED") throw new Error(failureMessage(cluster));
    return cluster.status.state === "READY";
  };
  try {
    const cluster = await settled(api, id, timeout, ends, (look, timeoutMs) =>
      pollUntil<ClusterProgress>({
        what: `cluster ${label} to become READY`,
        timeoutMs,
        initialDelayMs: 0,
        maxDelayMs: 0,
        fetch: async () => {
          const cluster = await look();
          if (!cluster) throw disappeared(label, "while waiting for it to become READY");
          if (cluster.status.state !== "UNSPECIFIED") pendingSince = undefined;
          else {
            pendingSince ??= Date.now();
            if (!diagnosis && Date.now() - pendingSince >= hintAfter) {
              diagnosis = await pendingDiagnosis(api, label, Date.now() - pendingSince);
              progress("cluster", label, diagnosis);
            }
          }
          return cluster;
        },
        isDone,
        describe: describeCluster,
        onProgress: (line) => progress("cluster", label, line),
        signal: cancelSignal(),
      }),
    );
    if (!cluster) throw disappeared(label, "while waiting for it to become READY");
    isDone(cluster);
    return cluster;
  } catch (error) {
    if (diagnosis && pendingSince !== undefined && error instanceof Error && error.name === "WaitTimeoutError") {
      const pendingFor = formatDuration(Date.now() - Math.max(started, pendingSince));
      throw Object.assign(new Error(`${error.message}. ${diagnosis.replace(/ after [^:]+:/, ` after ${pendingFor}:`)}`), { name: "WaitTimeoutError" });
    }
    throw error;
  }
}

function nodeSetsConverged(cluster: ClusterProgress): boolean {
  const { nodeSets: spec } = cluster.spec;
  const { nodeSets: status } = cluster.status;
  const keys = new Set([...Object.keys(spec), ...Object.keys(status)]);
  for (const key of keys) if (spec[key]?.size !== status[key]?.size) return false;
  return true;
}

function describeNodeSets(cluster: ClusterProgress): string {
  const { nodeSets: spec } = cluster.spec;
  const { nodeSets: status } = cluster.status;
  const keys = [...new Set([...Object.keys(spec), ...Object.keys(status)])].sort();
  return `node sets ${keys.map((k) => `${k} ${status[k]?.size ?? 0}/${spec[k]?.size ?? 0}`).join(", ")}`;
}

export async function waitForNodeSets(api: FulfillmentApi, id: string, label: string, timeout: number): Promise<Cluster> {
  const ends = (cluster: ClusterProgress | undefined) => !cluster || cluster.status.state === "FAILED" || nodeSetsConverged(cluster);
  const isDone = (cluster: ClusterProgress) => {
    if (cluster.status.state === "FAILED") throw new Error(failureMessage(cluster));
    return nodeSetsConverged(cluster);
  };
  const cluster = await settled(api, id, timeout, ends, (look, timeoutMs) =>
    pollUntil<ClusterProgress>({
      what: `the node sets of cluster ${label} to reach their sizes`,
      timeoutMs,
      initialDelayMs: 0,
      maxDelayMs: 0,
      fetch: async () => {
        const cluster = await look();
        if (!cluster) throw disappeared(label, "during the update");
        return cluster;
      },
      isDone,
      describe: describeNodeSets,
      onProgress: (line) => progress("cluster", label, line),
      signal: cancelSignal(),
    }),
  );
  if (!cluster) throw disappeared(label, "during the update");
  isDone(cluster);
  return cluster;
}

/** Kubeconfig and password exist once the hosted cluster's secrets do; until then NOT_FOUND. */
async function credentialsOf(api: FulfillmentApi, id: string): Promise<{ kubeconfig: string; password: string }> {
  const fetchOne = async (read: () => Promise<string>) => {
    try {
      return await read();
    } catch (error) {
      if (grpcCode(error) === grpc.status.NOT_FOUND || grpcCode(error) === grpc.status.PERMISSION_DENIED) return "";
      throw error;
    }
  };
  return { kubeconfig: await fetchOne(() => api.clusters.kubeconfig(id)), password: await fetchOne(() => api.clusters.password(id)) };
}

export const CREDENTIALS_ACCESS_HINT =
  "The service reads them through the hub: the HostedCluster and its Secrets in the namespace the ClusterOrder " +
  "reports (e.g. clusters-<id>), with the hub's registered credentials, which may lack 'get' on " +
  "hostedclusters.hypershift.openshift.io and secrets there (HubBootstrap grants exactly these; re-run it, or grant them to the hub's service account)";

/**
 * Right after READY the real server answers INTERNAL while the hosted cluster's secrets are
 * not readable yet, or when the hub's credentials may not read them: retry until `deadline`,
 * then say which access the hub needs.
 */
async function credentialsOnceReadable(api: FulfillmentApi, id: string, label: string, deadline: number): Promise<{ kubeconfig: string; password: string }> {
  let lastError: unknown;
  try {
    const result = await pollUntil({
      what: `the kubeconfig and password of cluster ${label} to be readable`,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
      fetch: async () => {
        try {
          return await credentialsOf(api, id);
        } catch (error) {
          if (grpcCode(error) !== grpc.status.INTERNAL) throw error;
          lastError = error;
          return undefined;
        }
      },
      isDone: (credentials) => credentials !== undefined,
      describe: (credentials) => (credentials ? "kubeconfig and password readable" : "READY, but the service cannot read the kubeconfig yet (INTERNAL)"),
      onProgress: (line) => progress("cluster", label, line),
      maxDelayMs: 2_000,
      signal: cancelSignal(),
    });
    return result!;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "WaitTimeoutError") throw error;
    throw new Error(`cluster ${label} is READY, but the service kept failing to read its kubeconfig or password: ${errorMessage(lastError)}. ${CREDENTIALS_ACCESS_HINT}`);
  }
}

/**
 * What a cluster's outputs need beyond the cluster itself: its hub (admin API) and, once
 * READY, its kubeconfig and password. `waitForCredentials` (create, update) retries the
 * real server's INTERNAL until the deadline; refresh takes one look and keeps going.
 */
export async function observe(api: FulfillmentApi, cluster: Cluster, waitForCredentials?: { label: string; deadline: number }, knownHub?: string): Promise<Observed> {
  const ready = cluster.status.state === "READY";
  const credentials = async () => {
    if (!ready) return { kubeconfig: "", password: "" };
    if (waitForCredentials) return credentialsOnceReadable(api, cluster.id, waitForCredentials.label, waitForCredentials.deadline);
    try {
      return await credentialsOf(api, cluster.id);
    } catch (error) {
      if (grpcCode(error) === grpc.status.INTERNAL) {
        progress("cluster", cluster.id, `could not read the kubeconfig or password (${errorMessage(error)}). ${CREDENTIALS_ACCESS_HINT}`);
        return { kubeconfig: "", password: "" };
      }
      throw error;
    }
  };
  const [hub, creds] = await Promise.all([knownHub ?? clusterReaderFor(api).hubOf(cluster.id), credentials()]);
  return { cluster, hub, ...creds };
}
/**
 * What a refresh shows beyond the cluster: the stored kubeconfig and password while the
 * cluster stays READY at the API URL they were read for, else read again (observe); the
 * hub from the batch, or the stored one.
 */
export async function refreshObservation(api: FulfillmentApi, cluster: Cluster, previous: Partial<ClusterOutputs>, hub: string | undefined): Promise<Observed> {
  const stillReady = cluster.status.state === "READY" && previous.state === "READY" && previous.apiUrl === cluster.status.apiUrl;
  if (stillReady && previous.kubeconfig && previous.password) {
    return { cluster, hub: hub ?? previous.hub ?? "", kubeconfig: previous.kubeconfig, password: previous.password };
  }
  return observe(api, cluster, undefined, hub);
}

export async function waitForDeletion(api: FulfillmentApi, id: string, label: string, timeout: number): Promise<void> {
  await settled(api, id, timeout, (cluster) => cluster === undefined, (look, timeoutMs) =>
    pollUntil<ClusterProgress | undefined>({
      what: `cluster ${label} to be deleted (the service keeps it while it cleans up in the hub)`,
      timeoutMs,
      initialDelayMs: 0,
      maxDelayMs: 0,
      fetch: look,
      isDone: (cluster) => cluster === undefined,
      describe: (cluster) => (cluster ? (cluster.status.state === "DELETING" ? "DELETING (the hub is removing it)" : "DELETING") : "DELETED"),
      onProgress: (line) => progress("cluster", label, line),
      signal: cancelSignal(),
    }),
  );
}

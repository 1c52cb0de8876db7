// One watcher per connection and provider process, feeding every cluster wait: all
// dynamic resources of a stack share one provider process, so a fleet of 500 clusters
// waits on one Events.Watch stream instead of 500 pollers.
//
// - The stream is filtered on the server to the clusters being waited on. A new wait
//   opens a new stream with the larger filter (coalesced over subscribeDelayMs); the old
//   one is cancelled once the new one is subscribed, and what it still had in flight is
//   lost with it, so every waited cluster is read (one List) as each stream is subscribed.
// - Beyond filterIdsUpTo waited clusters the stream follows every cluster instead, and
//   events of clusters nobody waits on are dropped here: a fleet's stream is then opened
//   once, rather than replaced (and every waited cluster listed) as each new wait arrives.
// - Neither server replays or guarantees delivery, so a slow reconcile (one List of every
//   waited cluster each reconcileIntervalMs) catches what the stream missed.
// - After a drop it reconnects with backoff (withRetries on the injected clock) and lists
//   every waited cluster again as soon as the new stream is subscribed.
// - When Watch is refused (UNIMPLEMENTED; PERMISSION_DENIED: the innabox deployment lets
//   only admins watch), the same loop lists every waited cluster each pollIntervalMs: one
//   List for the fleet instead of one Get per cluster; a new wait's first look is a List of
//   the waits added within subscribeDelayMs. Watch is asked again every
//   watchRetryIntervalMs (a policy that changed, a server restarted with another one).
//
// Only ClusterProgress values are kept (no parameters, no pull secret). The registry lives
// on globalThis: Pulumi may load this module more than once in one provider process.
import * as grpc from "@grpc/grpc-js";
import type { ClusterEvent, ClusterProgress, FulfillmentApi } from "../client/api";
import { grpcCode } from "../client/errors";
import { systemClock, type Clock } from "../timing/clock";
import { pollUntil } from "../timing/poll";
import { retryPolicy, withRetries, type RetryPolicy } from "../timing/retry";
import { perConnection } from "../toolkit/perConnection";

export interface WatchSettings {
  clock: Clock;
  /** With a stream: one List of every waited cluster this often, for changes the stream lost. */
  reconcileIntervalMs: number;
  /** Without a stream (Watch refused): one List of every waited cluster this often. */
  pollIntervalMs: number;
  /** New waits that arrive within this time share one re-subscription (longer for large fleets). */
  subscribeDelayMs: number;
  /** A stream names the waited clusters while there are at most this many; beyond, it follows every cluster. */
  filterIdsUpTo: number;
  /** Backoff between attempts to reconnect a dropped stream. */
  reconnect: RetryPolicy;
  /** While polling because Watch was refused: ask for a stream again this often. */
  watchRetryIntervalMs: number;
  /** Receives one line per mode change (stream subscribed, dropped, refused). */
  log: (line: string) => void;
}

export const DEFAULT_WATCH_SETTINGS: Readonly<WatchSettings> = Object.freeze({
  clock: systemClock,
  reconcileIntervalMs: 15_000,
  // 1.7 Lists a second, so that a READY is noticed within a second (bench/fleet.ts).
  pollIntervalMs: 600,
  subscribeDelayMs: 25,
  // A filter of 64 ids is still cheap for the server to compile; past that, replacing the
  // stream for each new wait (and listing every waited cluster) costs more than the
  // events of clusters nobody here waits on.
  filterIdsUpTo: 64,
  // One refused call a minute costs nothing; a stream saves a List every 0.6 s.
  watchRetryIntervalMs: 60_000,
  // Reconnects go on for as long as anything waits; each wait has its own timeout.
  reconnect: retryPolicy({ maxAttempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 200, maxDelayMs: 5_000, maxElapsedMs: Number.POSITIVE_INFINITY }),
  log: () => undefined,
});

/** What a wait last learned of its cluster: `cluster` undefined = the service no longer has it. */
export interface Sighting {
  cluster: ClusterProgress | undefined;
  /** Increases with every sighting of any cluster: newer sightings have larger numbers. */
  seq: number;
}

export interface ClusterTracker {
  /**
   * The next sighting newer than the last one this tracker returned, or, after `maxWaitMs`
   * without one, the latest (undefined when the cluster has not been seen yet). An abort of
   * `signal` (the operation was cancelled) ends the wait at once, like `maxWaitMs` running out.
   */
  next(maxWaitMs: number, signal?: AbortSignal): Promise<Sighting | undefined>;
  release(): void;
}

export type WatchMode = "connecting" | "watching" | "polling";

const REFUSED = new Set<number>([grpc.status.UNIMPLEMENTED, grpc.status.PERMISSION_DENIED]);

interface Stream {
  /** The clusters its filter names; "all" when it follows every cluster. */
  ids: Set<string> | "all";
  controller: AbortController;
  open: boolean;
}

export class ClusterWatcher {
  readonly #api: FulfillmentApi;
  readonly #settings: WatchSettings;
  readonly #trackers = new Map<string, Set<() => void>>();
  readonly #latest = new Map<string, Sighting>();
  readonly #closing = new AbortController();
  #seq = 0;
  #mode: WatchMode = "connecting";
  #active: Stream | undefined;
  #dropped = false;
  #connecting = false;
  #connectAgain = false;
  #connectTimer = false;
  #retryTimer = false;
  #ticker: AbortController | undefined;
  #lastFullList = Number.NEGATIVE_INFINITY;
  /** Newly tracked clusters an open stream already covers (or, polling, any), listed together for their first look. */
  readonly #firstLooks = new Set<string>();
  #firstLookTimer = false;
  /** Server calls made by this watcher (Watch subscriptions and Lists), for the benchmark. */
  calls = 0;

  constructor(api: FulfillmentApi, settings: Partial<WatchSettings> = {}) {
    this.#api = api;
    this.#settings = { ...DEFAULT_WATCH_SETTINGS, ...settings };
  }

  get mode(): WatchMode {
    return this.#mode;
  }

  /** Starts following a cluster; `release()` when the wait is over. */
  track(id: string): ClusterTracker {
    let wakers = this.#trackers.get(id);
    if (!wakers) {
      wakers = new Set();
      this.#trackers.set(id, wakers);
    }
    let lastSeq = -1;
    let wake: (() => void) | undefined;
    const waker = () => wake?.();
    wakers.add(waker);
    this.#covered(id);
    const clock = this.#settings.clock;
    return {
      next: async (maxWaitMs, signal) => {
        const fresh = () => {
          const seen = this.#latest.get(id);
          return seen && seen.seq > lastSeq ? seen : undefined;
        };
        let seen = fresh();
        if (!seen && maxWaitMs > 0 && !signal?.aborted) {
          const timeUp = new AbortController();
          const cancelled = () => timeUp.abort();
          signal?.addEventListener("abort", cancelled, { once: true });
          await new Promise<void>((resolve) => {
            wake = resolve;
            clock.sleep(maxWaitMs, timeUp.signal).then(resolve, resolve);
          });
          wake = undefined;
          signal?.removeEventListener("abort", cancelled);
          timeUp.abort();
          seen = fresh();
        }
        seen ??= this.#latest.get(id);
        if (seen) lastSeq = seen.seq;
        return seen;
      },
      release: () => {
        wakers.delete(waker);
        if (wakers.size) return;
        this.#trackers.delete(id);
        this.#latest.delete(id);
        if (!this.#trackers.size) this.#idle();
      },
    };
  }

  /** Stops the stream and the loop for good (the connection was closed). */
  close(): void {
    this.#closing.abort();
    this.#idle();
  }

  #ids(): string[] {
    return [...this.#trackers.keys()].sort();
  }

  #see(id: string, cluster: ClusterProgress | undefined): void {
    if (!this.#trackers.has(id)) return;
    this.#latest.set(id, { cluster, seq: ++this.#seq });
    for (const wake of [...(this.#trackers.get(id) ?? [])]) wake();
  }

  #onEvent(event: ClusterEvent): void {
    this.#see(event.cluster.id, event.type === "DELETED" ? undefined : event.cluster);
  }

  /** A cluster was added: make sure the stream (or the poller) covers it. */
  #covered(id: string): void {
    if (this.#closing.signal.aborted) return;
    this.#startTicker();
    if (this.#mode === "polling") {
      // Its first look comes from a List of the new clusters, the ticker keeping its pace:
      // restarting the ticker for each new wait put the shared List off for as long as a
      // fleet's creates kept arriving, and every wait read its cluster itself meanwhile.
      this.#firstLook(id);
      return;
    }
    if (this.#active && (this.#active.ids === "all" || this.#active.ids.has(id))) {
      // Already covered (a stream that follows every cluster, or a second wait on the same
      // cluster): it still needs a first look.
      this.#firstLook(id);
      return;
    }
    if (this.#connectTimer) return;
    this.#connectTimer = true;
    this.#settings.clock.sleep(this.#resubscribeDelay(), this.#closing.signal).then(
      () => {
        this.#connectTimer = false;
        void this.#connect();
      },
      () => (this.#connectTimer = false),
    );
  }

  #firstLook(id: string): void {
    this.#firstLooks.add(id);
    if (this.#firstLookTimer) return;
    this.#firstLookTimer = true;
    const flush = () => {
      this.#firstLookTimer = false;
      const ids = [...this.#firstLooks].filter((waited) => this.#trackers.has(waited));
      this.#firstLooks.clear();
      void this.#list(ids);
    };
    this.#settings.clock.sleep(this.#settings.subscribeDelayMs, this.#closing.signal).then(flush, () => {
      this.#firstLookTimer = false;
      this.#firstLooks.clear();
    });
  }

  /**
   * Every re-subscription sends the whole id list and makes the server compile it again:
   * the more clusters are waited on, the more new waits share one (1 ms per waited
   * cluster, at most a second; a new wait's first look comes that much later).
   */
  #resubscribeDelay(): number {
    return Math.max(this.#settings.subscribeDelayMs, Math.min(1_000, this.#trackers.size));
  }

  async #connect(): Promise<void> {
    if (this.#connecting) {
      this.#connectAgain = true;
      return;
    }
    this.#connecting = true;
    try {
      do {
        this.#connectAgain = false;
        if (!this.#trackers.size || this.#closing.signal.aborted || this.#mode === "polling") break;
        if (this.#active?.ids === "all") {
          // Waits that arrived while it was being opened are covered too: they need only a look.
          for (const id of this.#trackers.keys()) this.#firstLook(id);
          break;
        }
        await withRetries(this.#settings.reconnect, () => this.#openStream(), {
          shouldRetry: (error) => !REFUSED.has(grpcCode(error) ?? -1) && this.#trackers.size > 0,
          onRetry: ({ error, delayMs }) => this.#settings.log(`cluster watch: the stream could not be opened (${describeError(error)}); trying again in ${delayMs} ms`),
          signal: this.#closing.signal,
          clock: this.#settings.clock,
        });
      } while (this.#connectAgain);
    } catch (error) {
      if (REFUSED.has(grpcCode(error) ?? -1)) this.#startPolling(error);
      // Otherwise closed or nothing left to wait for; a later wait connects again.
    } finally {
      this.#connecting = false;
    }
  }

  /** Resolves once the new stream is subscribed (and has taken over from the old one); rejects if it fails first. */
  #openStream(): Promise<void> {
    const ids = this.#ids();
    const everyCluster = ids.length > this.#settings.filterIdsUpTo;
    const stream: Stream = { ids: everyCluster ? "all" : new Set(ids), controller: new AbortController(), open: false };
    const stop = () => stream.controller.abort();
    this.#closing.signal.addEventListener("abort", stop, { once: true });
    this.calls++;
    return new Promise<void>((resolve, reject) => {
      this.#api.clusters
        .watch(
          everyCluster ? undefined : ids,
          {
            onOpen: () => {
              stream.open = true;
              const wasPolling = this.#mode === "polling";
              if (!this.#trackers.size) {
                // Every wait ended while it was being opened: no stream for an idle watcher.
                stream.controller.abort();
                if (wasPolling) this.#mode = "connecting";
                resolve();
                return;
              }
              const previous = this.#active;
              this.#active = stream;
              previous?.controller.abort();
              const wasDropped = this.#dropped;
              const widened = everyCluster && previous?.ids !== "all";
              if (this.#mode !== "watching" || wasDropped || widened) this.#settings.log(`cluster watch: subscribed to Events.Watch for ${everyCluster ? `every cluster (${ids.length} waited on)` : `${ids.length} cluster(s)`}${wasDropped ? " again; reconciling" : ""}`);
              this.#mode = "watching";
              this.#dropped = false;
              if (wasPolling) this.#restartTicker();
              // Whatever changed before this subscription is only in a List: for the newly
              // covered clusters, and for all the others too, since the replaced stream is
              // cancelled with whatever it still had in flight (a cluster's UPDATED and DELETED
              // come back to back, and the DELETED would be lost until the next reconcile).
              void this.#list(ids);
              resolve();
            },
            // A replaced stream's late messages are dropped: the List above covers them.
            onEvent: (event) => {
              if (this.#active === stream) this.#onEvent(event);
            },
          },
          stream.controller.signal,
        )
        .then(
          () => {
            if (stream.controller.signal.aborted) return;
            // The server ended the stream (it is going away): changes may be lost from here.
            this.#lost(stream, new Error("the server ended the stream"), reject);
          },
          (error: unknown) => this.#lost(stream, error, reject),
        )
        .finally(() => this.#closing.signal.removeEventListener("abort", stop));
    });
  }

  #lost(stream: Stream, error: unknown, rejectOpen: (error: unknown) => void): void {
    if (!stream.open) {
      rejectOpen(error);
      return;
    }
    if (this.#active !== stream || stream.controller.signal.aborted) return;
    this.#active = undefined;
    this.#dropped = true;
    this.#mode = "connecting";
    this.#settings.log(`cluster watch: the stream dropped (${describeError(error)}); reconnecting`);
    void this.#connect();
  }

  #startPolling(error: unknown): void {
    if (this.#mode === "polling") return;
    this.#mode = "polling";
    this.#settings.log(`cluster watch: Events.Watch refused (${describeError(error)}); polling with one List for all waiting clusters every ${this.#settings.pollIntervalMs} ms`);
    this.#restartTicker();
    this.#scheduleWatchRetry();
  }

  #scheduleWatchRetry(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = true;
    this.#settings.clock.sleep(this.#settings.watchRetryIntervalMs, this.#closing.signal).then(
      () => {
        this.#retryTimer = false;
        void this.#retryWatch();
      },
      () => (this.#retryTimer = false),
    );
  }

  /** Polling: one Watch call; once subscribed, the stream takes over (onOpen), else polling goes on. */
  async #retryWatch(): Promise<void> {
    if (this.#mode !== "polling" || this.#closing.signal.aborted) return;
    if (!this.#trackers.size) {
      // Nothing waits: the next wait asks for a stream first.
      this.#mode = "connecting";
      return;
    }
    try {
      await this.#openStream();
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      this.#settings.log(`cluster watch: Events.Watch still not available (${describeError(error)}); polling on, asking again in ${this.#settings.watchRetryIntervalMs} ms`);
      this.#scheduleWatchRetry();
    }
  }

  /** One List of these clusters; a sighting that an event superseded while the List ran is dropped. */
  async #list(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const before = this.#seq;
    this.calls++;
    let found: Map<string, ClusterProgress>;
    try {
      found = await this.#api.clusters.progressOf(ids);
    } catch (error) {
      // The next tick tries again; a wait that sees nothing at all reads its cluster itself.
      this.#settings.log(`cluster watch: List failed (${describeError(error)})`);
      return;
    }
    if (ids.length === this.#trackers.size) this.#lastFullList = this.#settings.clock.now();
    for (const id of ids) {
      const seen = this.#latest.get(id);
      if (seen && seen.seq > before) continue;
      this.#see(id, found.get(id));
    }
  }

  #interval(): number {
    return this.#mode === "polling" ? this.#settings.pollIntervalMs : this.#settings.reconcileIntervalMs;
  }

  /** The one periodic loop (pollUntil at a fixed interval): reconcile with a stream, poll without. */
  #startTicker(): void {
    if (this.#ticker || this.#closing.signal.aborted) return;
    const ticker = new AbortController();
    this.#ticker = ticker;
    const interval = this.#interval();
    const clock = this.#settings.clock;
    pollUntil({
      what: "the cluster watcher to become idle",
      timeoutMs: Number.POSITIVE_INFINITY,
      initialDelayMs: interval,
      maxDelayMs: interval,
      fetch: async () => {
        if (ticker.signal.aborted) return;
        const due = this.#mode === "polling" || clock.now() - this.#lastFullList >= interval * 0.9;
        if (due && this.#mode !== "connecting") await this.#list(this.#ids());
      },
      isDone: () => ticker.signal.aborted || !this.#trackers.size,
      describe: () => "",
      signal: ticker.signal,
      clock,
    }).then(
      () => this.#tickerEnded(ticker),
      () => this.#tickerEnded(ticker),
    );
  }

  #tickerEnded(ticker: AbortController): void {
    if (this.#ticker === ticker) this.#ticker = undefined;
    if (!ticker.signal.aborted && this.#trackers.size) this.#startTicker();
  }

  #restartTicker(): void {
    this.#ticker?.abort();
    this.#ticker = undefined;
    if (this.#trackers.size) this.#startTicker();
  }

  /** Nothing to wait for: stop the stream and the loop (a later wait starts them again). */
  #idle(): void {
    this.#active?.controller.abort();
    this.#active = undefined;
    this.#ticker?.abort();
    this.#ticker = undefined;
    if (this.#mode === "watching") this.#mode = "connecting";
  }
}

/** The first line only: the mapped error's hint is for people calling the method, not for a background stream. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

const WATCHERS = perConnection<ClusterWatcher, WatchSettings>("clusterWatchers", (api, settings) => new ClusterWatcher(api, settings));

/** The process's watcher for this API's connection. */
export function watcherFor(api: FulfillmentApi): ClusterWatcher {
  return WATCHERS.of(api);
}

/** Settings for watchers made from now on (tests: a quick reconcile, an injected clock); closes the existing ones. */
export function configureClusterWatch(settings: Partial<WatchSettings>): void {
  WATCHERS.configure(settings);
}

/** The watchers of this process, by connection key (the benchmark and tests read their mode and calls). */
export function clusterWatchers(): ReadonlyMap<string, ClusterWatcher> {
  return WATCHERS.all();
}

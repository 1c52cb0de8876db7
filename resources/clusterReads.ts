// Reads of many clusters at once: `pulumi refresh` of a fleet sends the provider one Read
// per cluster, all at about the same time, and a fleet's creates see READY within moments
// of each other. Reads of one connection that arrive within batchWindowMs share one List by
// ids (and, for those that need their hub, one List of the admin API), and concurrent
// lookups of the same template share one call, so a refresh of 500 clusters asks the
// service a handful of Lists instead of 2,500 calls.
//
// What a refresh does not read again: a cluster's kubeconfig and password, while it stays
// READY at the same API URL with both in the state (secret there). They change only when
// the cluster is re-provisioned, which moves it out of READY or to another URL; no List
// carries them, and each read goes through the hub. Its hub, once the state has one: a
// cluster never moves to another hub.
//
// The registry lives on globalThis: Pulumi may load this module more than once in one
// provider process.
import type { Cluster, FulfillmentApi } from "../client/api";
import { systemClock, type Clock } from "../timing/clock";
import { perConnection, processShared } from "../toolkit/perConnection";
import { lookupTemplate, type TemplateInfo } from "./templateLookup";

export interface ClusterReadSettings {
  clock: Clock;
  /** Reads that arrive within this time after the first one of a batch share its Lists. */
  batchWindowMs: number;
}

export const DEFAULT_CLUSTER_READ_SETTINGS: Readonly<ClusterReadSettings> = Object.freeze({
  clock: systemClock,
  // The engine sends a fleet's reads within a few ms of each other; a lone read waits this long.
  batchWindowMs: 20,
});

/** The most reads one batch holds (one List of ids each). */
const MAX_BATCH = 1000;

interface Pending {
  id: string;
  needsCluster: boolean;
  needsHub: boolean;
  resolve: (read: { cluster: Cluster | undefined; hub: string | undefined }) => void;
  reject: (error: unknown) => void;
}

export class ClusterReader {
  readonly #api: FulfillmentApi;
  readonly #settings: ClusterReadSettings;
  readonly #closing = new AbortController();
  #batch: Pending[] = [];
  /** Lists sent by this reader (the benchmark and tests read them). */
  calls = 0;

  constructor(api: FulfillmentApi, settings: Partial<ClusterReadSettings> = {}) {
    this.#api = api;
    this.#settings = { ...DEFAULT_CLUSTER_READ_SETTINGS, ...settings };
  }

  /** The cluster as Get would return it (undefined: the service does not have it) and, when asked for, its hub. */
  read(id: string, options: { hub: boolean }): Promise<{ cluster: Cluster | undefined; hub: string | undefined }> {
    return this.#enqueue(id, true, options.hub);
  }

  /** The hub the cluster landed on, through the batch's `api.clusters.hubsOf` ("" when the token may not read the admin API). */
  async hubOf(id: string): Promise<string> {
    return (await this.#enqueue(id, false, true)).hub ?? "";
  }

  #enqueue(id: string, needsCluster: boolean, needsHub: boolean): Promise<{ cluster: Cluster | undefined; hub: string | undefined }> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ id, needsCluster, needsHub, resolve, reject });
      if (this.#batch.length >= MAX_BATCH) this.#flush();
      else if (this.#batch.length === 1) {
        const batch = this.#batch;
        this.#settings.clock.sleep(this.#settings.batchWindowMs, this.#closing.signal).then(
          () => this.#batch === batch && this.#flush(),
          () => this.#batch === batch && this.#flush(),
        );
      }
    });
  }

  close(): void {
    this.#closing.abort();
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    void this.#send(batch);
  }

  async #send(batch: Pending[]): Promise<void> {
    const ids = [...new Set(batch.filter((p) => p.needsCluster).map((p) => p.id))];
    const hubIds = [...new Set(batch.filter((p) => p.needsHub).map((p) => p.id))];
    try {
      this.calls += (ids.length ? 1 : 0) + (hubIds.length ? 1 : 0);
      const [clusters, hubs] = await Promise.all([
        ids.length ? this.#api.clusters.getMany(ids) : new Map<string, Cluster>(),
        hubIds.length ? this.#api.clusters.hubsOf(hubIds) : new Map<string, string>(),
      ]);
      for (const p of batch) p.resolve({ cluster: clusters.get(p.id), hub: p.needsHub ? (hubs.get(p.id) ?? "") : undefined });
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}

const READERS = perConnection<ClusterReader, ClusterReadSettings>("clusterReaders", (api, settings) => new ClusterReader(api, settings));

/** The process's batching reader for this API's connection. */
export function clusterReaderFor(api: FulfillmentApi): ClusterReader {
  return READERS.of(api);
}

/** Settings for readers made from now on (tests: a longer window, an injected clock). */
export function configureClusterReads(settings: Partial<ClusterReadSettings>): void {
  READERS.configure(settings);
}

/** The readers of this process, by connection key. */
export function clusterReaders(): ReadonlyMap<string, ClusterReader> {
  return READERS.all();
}

/**
 * How long a template read for a check answers the checks that follow. The engine checks a
 * fleet's resources one after another, each waiting for the one before, so a read per
 * check would put one round trip per cluster on the path to the first Create. Creates,
 * which pack parameters by the template's types, share only lookups in flight.
 */
export const CHECK_TEMPLATE_REUSE_MS = 5_000;

interface TemplateLookup {
  lookup: Promise<TemplateInfo>;
  /** When it succeeded; undefined while in flight. */
  doneAt?: number;
}

/**
 * lookupTemplate, with concurrent lookups of the same template on the same connection
 * sharing one, and a lookup that succeeded less than `reuseForMs` ago answering too.
 */
export function sharedTemplateLookup(api: FulfillmentApi, ref: string, options: { reuseForMs?: number; clock?: Clock } = {}): Promise<TemplateInfo> {
  const clock = options.clock ?? systemClock;
  const templates = processShared("templateLookups", () => new Map<string, TemplateLookup>());
  const key = `${api.connection.key}\u0000${ref}`;
  const known = templates.get(key);
  if (known && (known.doneAt === undefined || clock.now() - known.doneAt < (options.reuseForMs ?? 0))) return known.lookup;
  const entry: TemplateLookup = { lookup: lookupTemplate(api, ref) };
  templates.set(key, entry);
  entry.lookup.then(
    () => (entry.doneAt = clock.now()),
    () => templates.get(key) === entry && templates.delete(key),
  );
  return entry.lookup;
}

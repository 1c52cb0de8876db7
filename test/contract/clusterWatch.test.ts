// Cluster waits on Events.Watch, both generations, against the simulator over real gRPC:
// the domain events (nothing of the payload beyond what a wait needs), the simulator's
// stream faults, and waits that still complete when the stream drops mid-wait, when events
// are lost (the reconcile List catches READY), when Watch is refused (one shared List, and
// the stream again once Watch is allowed), and when the server restarts; deletion waits end
// on the DELETED event, also when it was in flight on a stream being replaced. Nothing
// sleeps: tests await simulator, watcher and progress lines.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterEvent } from "../../client/api";
import { closeAllClients } from "../../client/client";
import { grpcCode } from "../../client/errors";
import * as clusterProvider from "../../resources/clusterProvider";
import type { ClusterOutputs } from "../../resources/clusterModel";
import { clusterWatchers, configureClusterWatch, watcherFor } from "../../resources/clusterWatcher";
import { apiForInputs } from "../../toolkit/connect";
import { startSimulator, type Simulator } from "../../simulator";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { logLines, type LogLines } from "../helpers/logLines";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { RawClient } from "../helpers/grpcRaw";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-watch-"));
const savedHome = process.env.HOME;
beforeAll(() => {
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  closeAllClients();
  configureClusterWatch({});
  fs.rmSync(home, { recursive: true, force: true });
});

const PULL_SECRET = '{"auths":{"quay.io":{"auth":"d2F0Y2gtc2VjcmV0LTQ0"}}}';

/** Events of one domain watch, awaited instead of slept for. */
function collect(api: GenerationSimulator["api"]) {
  const events: ClusterEvent[] = [];
  const wakers = new Set<() => void>();
  const controller = new AbortController();
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const ended = api.clusters
    .watch(undefined, { onOpen: () => opened(), onEvent: (event) => (events.push(event), wakers.forEach((wake) => wake())) }, controller.signal)
    .then(() => undefined, (error: unknown) => error);
  return {
    events,
    open,
    ended,
    cancel: () => controller.abort(),
    async until(match: (event: ClusterEvent) => boolean): Promise<ClusterEvent> {
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => {
          const wake = () => (wakers.delete(wake), resolve());
          wakers.add(wake);
        });
      }
    },
  };
}

describe.each(GENERATIONS)("%s: domain cluster events and the simulator's stream faults", (generation) => {
  let service: GenerationSimulator;
  let simLog: LogLines;
  beforeAll(async () => {
    simLog = logLines();
    // No controller pass: a cluster's only changes are the test's own.
    service = await startGenerationSimulator(generation, { controllerDelayMs: 600_000, deletionDelayMs: 0, log: simLog.log });
  });
  afterAll(() => service.close());

  const spec = () => ({
    template: "sim_small",
    templateParameters: {},
    nodeSets: {},
    ...(generation === "osac" ? { pullSecret: PULL_SECRET } : {}),
  });

  it("maps CREATED, UPDATED and DELETED to domain events that carry no payload beyond a wait's needs", async () => {
    const watch = collect(service.api);
    await watch.open;
    const id = `ev-${generation}-1`;
    await service.api.clusters.create({ id, metadata: { labels: { a: "1" } }, spec: spec() });
    await service.api.clusters.update(id, { labels: { a: "2" } });
    await service.api.clusters.delete(id);
    const deleted = await watch.until((e) => e.type === "DELETED" && e.cluster.id === id);
    const mine = watch.events.filter((e) => e.cluster.id === id).map((e) => e.type);
    expect(mine[0]).toBe("CREATED");
    expect(mine).toContain("UPDATED");
    expect(mine.at(-1)).toBe("DELETED");
    // DELETED carries the last state, with its deletion time.
    expect(deleted.cluster.metadata.deletionTime).toBeDefined();
    const text = JSON.stringify(watch.events);
    expect(text).not.toContain("d2F0Y2gtc2VjcmV0LTQ0");
    expect(text).not.toContain("templateParameters");
    expect(Object.keys(deleted.cluster).sort()).toEqual(["id", "metadata", "spec", "status"]);
    expect(Object.keys(deleted.cluster.spec)).toEqual(["nodeSets"]);
    watch.cancel();
    expect(await watch.ended).toBeUndefined();
  });

  it("loses events on request (logged) and drops every stream with UNAVAILABLE", async () => {
    const watch = collect(service.api);
    await watch.open;
    const id = `ev-${generation}-2`;
    service.sim.faults.loseEvents(1, { kind: "clusters" });
    await service.api.clusters.create({ id, metadata: {}, spec: spec() });
    await simLog.next(new RegExp(`events: lost OBJECT_CREATED of clusters ${id}`));
    await service.api.clusters.update(id, { labels: { b: "1" } });
    await watch.until((e) => e.type === "UPDATED" && e.cluster.id === id);
    expect(watch.events.filter((e) => e.cluster.id === id).map((e) => e.type)).toEqual(["UPDATED"]);
    expect(service.sim.faults.dropWatchStreams()).toBeGreaterThanOrEqual(1);
    expect(grpcCode(await watch.ended)).toBe(grpc.status.UNAVAILABLE);
    await service.api.clusters.delete(id);
  });
});

interface Fixture {
  sim: Simulator;
  simLog: LogLines;
  watchLog: LogLines;
  connection: Record<string, unknown>;
  /** The filter of every Clusters/List the simulator answered, in order. */
  listFilters: string[];
}

const watcher = () => [...clusterWatchers().values()][0];
const publicGet = (generation: string) => (generation === "osac" ? "/osac.public.v1.Clusters/Get" : "/fulfillment.v1.Clusters/Get");

async function fixture(generation: "innabox" | "osac", options: { clientToken?: boolean } = {}): Promise<Fixture & { close(): Promise<void> }> {
  const simLog = logLines();
  const listFilters: string[] = [];
  const onCall = (path: string, request: unknown) => {
    if (path.endsWith("Clusters/List")) listFilters.push((request as { filter?: string }).filter ?? "");
  };
  const timings = { controllerDelayMs: 10, provisioningDelayMs: 600, deletionDelayMs: 10, log: simLog.log, onCall };
  if (generation === "osac") {
    const service = await startGenerationSimulator("osac", timings);
    await service.api.hubs.create({ id: "hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: unreachableHubKubeconfig("x"), namespace: "orders" });
    return { sim: service.sim, simLog, watchLog: logLines(), listFilters, connection: { address: service.sim.address, plaintext: true, token: service.adminToken }, close: () => service.close() };
  }
  const sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", ...timings, ...(options.clientToken ? { auth: { clientTokens: ["client-7b1e9f"], adminTokens: ["admin-2c8d4a"] } } : {}) });
  const raw = new RawClient(sim.address, options.clientToken ? { token: "admin-2c8d4a" } : {});
  await raw.call(Hubs.method.create, { object: { id: "hub", kubeconfig: Buffer.from(unreachableHubKubeconfig("x")), namespace: "orders" } });
  raw.close();
  return {
    sim,
    simLog,
    watchLog: logLines(),
    listFilters,
    connection: { address: sim.address, plaintext: true, ...(options.clientToken ? { token: "client-7b1e9f" } : {}) },
    close: () => sim.stop(),
  };
}

describe.each(GENERATIONS)("%s: cluster waits on the shared watcher", (generation) => {
  let f: Fixture & { close(): Promise<void> };
  beforeEach(async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    f = await fixture(generation);
    // A reconcile far beyond any wait here, unless a test asks for a quick one.
    configureClusterWatch({ reconcileIntervalMs: 600_000, log: f.watchLog.log });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    closeAllClients();
    await f.close();
  });

  const create = (extra: Record<string, unknown> = {}) => clusterProvider.create({ template: "sim_small", connection: f.connection, timeouts: { create: "60s" }, ...extra });

  it("follows one stream: READY without a Get per cluster while waiting", async () => {
    const before = f.sim.calls();
    const created = await Promise.all([create({ name: "a" }), create({ name: "b" }), create({ name: "c" })]);
    for (const c of created) expect((c.outs as ClusterOutputs).state).toBe("READY");
    expect(f.watchLog.count(/subscribed to Events.Watch/)).toBeGreaterThanOrEqual(1);
    expect(f.watchLog.count(/refused|dropped/)).toBe(0);
    const after = f.sim.calls();
    const gets = (after[publicGet(generation)] ?? 0) - (before[publicGet(generation)] ?? 0);
    // One Get per cluster settles READY (and toOutputs needs the whole cluster); none while waiting.
    expect(gets).toBeLessThanOrEqual(3);
    await Promise.all(created.map((c) => clusterProvider.delete(c.id, c.outs as ClusterOutputs)));
  });

  it("completes when the stream drops mid-wait: reconnects and reconciles at once", async () => {
    const pending = create({ name: "drop" });
    await f.watchLog.next(/subscribed to Events.Watch for 1 cluster/);
    await f.simLog.next(/: PROGRESSING$/);
    expect(f.sim.faults.dropWatchStreams()).toBeGreaterThanOrEqual(1);
    const created = await pending;
    expect((created.outs as ClusterOutputs).state).toBe("READY");
    expect(f.watchLog.count(/the stream dropped .*UNAVAILABLE/)).toBeGreaterThanOrEqual(1);
    await f.watchLog.next(/subscribed to Events.Watch for \d+ cluster\(s\) again; reconciling/);
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  it("completes when every cluster event is lost: the reconcile List catches READY", async () => {
    closeAllClients();
    configureClusterWatch({ reconcileIntervalMs: 300, log: f.watchLog.log });
    f.sim.faults.loseEvents(Number.POSITIVE_INFINITY, { kind: "clusters" });
    const before = f.sim.calls();
    const created = await create({ name: "lost" });
    f.sim.faults.loseEvents(0);
    // Seen by the reconcile, settled by the batching reader's List: the wait itself never polled.
    expect((f.sim.calls()[publicGet(generation)] ?? 0) - (before[publicGet(generation)] ?? 0)).toBe(0);
    expect((created.outs as ClusterOutputs).state).toBe("READY");
    expect(f.simLog.count(/events: lost OBJECT_UPDATED of clusters/)).toBeGreaterThanOrEqual(1);
    expect(f.watchLog.count(/subscribed to Events.Watch/)).toBeGreaterThanOrEqual(1);
    expect(f.watchLog.count(/refused|dropped/)).toBe(0);
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  it("completes when the server restarts mid-wait", async () => {
    const pending = create({ name: "restart" });
    await f.watchLog.next(/subscribed to Events.Watch for 1 cluster/);
    await f.simLog.next(/: PROGRESSING$/);
    await f.sim.restart();
    const created = await pending;
    expect((created.outs as ClusterOutputs).state).toBe("READY");
    await f.watchLog.next(/again; reconciling/);
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  /** The provider's progress lines (written to stdout outside an engine operation), awaitable. */
  const progressLines = () => {
    const lines = logLines();
    vi.mocked(process.stdout.write).mockImplementation((chunk: string | Uint8Array) => (lines.log(String(chunk).trimEnd()), true));
    return lines;
  };
  const STUCK = { "simulator.osac.io/deletion": "stuck" };
  const calledSince = (before: Record<string, number>, suffix: string) =>
    Object.entries(f.sim.calls()).filter(([p]) => p.endsWith(suffix)).reduce((n, [p, v]) => n + v - (before[p] ?? 0), 0);

  it("follows every cluster with one stream past filterIdsUpTo: later waits open no new stream", async () => {
    configureClusterWatch({ reconcileIntervalMs: 600_000, filterIdsUpTo: 1, log: f.watchLog.log });
    const api = await apiForInputs({ connection: f.connection });
    const before = f.sim.calls();
    const [w1, w2, w3] = ["w1", "w2", "w3"].map((name) => `${name}-${generation}`);
    const first = watcherFor(api).track(w1);
    const trackers = [first];
    try {
      await f.watchLog.next(/subscribed to Events.Watch for 1 cluster/);
      // The second wait is past the filter's limit: one stream for every cluster takes over...
      trackers.push(watcherFor(api).track(w2));
      await f.watchLog.next(/subscribed to Events.Watch for every cluster \(2 waited on\)/);
      // ...and covers the third, which gets only its first look (no such cluster yet)...
      const third = watcherFor(api).track(w3);
      trackers.push(third);
      expect((await third.next(10_000))?.cluster).toBeUndefined();
      // ...then the stream brings its CREATED, with the reconcile 10 minutes away.
      await api.clusters.create({ id: w3, metadata: {}, spec: { template: "sim_small", templateParameters: {}, nodeSets: {}, ...(generation === "osac" ? { pullSecret: PULL_SECRET } : {}) } });
      let seen = await third.next(10_000);
      for (let i = 0; i < 5 && !seen?.cluster; i++) seen = await third.next(10_000);
      expect(seen?.cluster?.id).toBe(w3);
      expect(calledSince(before, "Events/Watch")).toBe(2);
      expect(f.watchLog.count(/refused|dropped/)).toBe(0);
    } finally {
      for (const tracker of trackers) tracker.release();
    }
    await api.clusters.delete(w3);
  });

  it("ends a deletion wait on the DELETED event: no List, no Get while waiting", async () => {
    const held = await create({ name: "held", labels: STUCK });
    const progressLog = progressLines();
    const deleting = clusterProvider.delete(held.id, { ...(held.outs as ClusterOutputs), timeouts: { delete: "20s" } });
    // The wait's first look (the List as the stream is subscribed) has seen it being deleted.
    await progressLog.next(/'held' .*: DELETING/);
    const before = f.sim.calls();
    const api = await apiForInputs({ connection: f.connection });
    await api.clusters.update(held.id, { labels: {} });
    await deleting;
    await f.simLog.next(new RegExp(`cluster ${held.id}: deleted`));
    // The reconcile is 10 minutes away: only the event can have ended it; one read (a List by id) settles it.
    expect(calledSince(before, "Clusters/List")).toBe(1);
    expect(calledSince(before, publicGet(generation))).toBe(0);
    expect(f.watchLog.count(/refused|dropped/)).toBe(0);
  });

  it("ends a deletion wait whose DELETED was in flight on a stream being replaced", async () => {
    const held = await create({ name: "held", labels: STUCK });
    const other = await create({ name: "other" });
    const progressLog = progressLines();
    const deleting = clusterProvider.delete(held.id, { ...(held.outs as ClusterOutputs), timeouts: { delete: "20s" } });
    await progressLog.next(/'held' .*: DELETING/);
    // Its UPDATED and DELETED stay in flight on the one stream there is (filtered to it)...
    const inFlight = f.sim.faults.holdEvents();
    const api = await apiForInputs({ connection: f.connection });
    await api.clusters.update(held.id, { labels: {} });
    await f.simLog.next(new RegExp(`cluster ${held.id}: deleted`));
    // ...when a second wait makes the watcher replace that stream with a wider one.
    const subscriptions = f.watchLog.lines.length;
    const deletingOther = clusterProvider.delete(other.id, { ...(other.outs as ClusterOutputs), timeouts: { delete: "20s" } });
    await deleting;
    inFlight.release();
    await deletingOther;
    expect(f.simLog.count(/events: released \d+ held change/)).toBe(1);
    expect(f.watchLog.lines.length).toBeGreaterThanOrEqual(subscriptions);
    expect(f.watchLog.count(/refused|dropped/)).toBe(0);
    expect(f.sim.snapshot().clusters).toEqual([]);
  });

  it("while polling, new waits get their first look from one List of them, not from the next poll", async () => {
    if (generation === "osac") f.sim.faults.failMethod("osac.public.v1.Events/Watch", 1, grpc.status.UNIMPLEMENTED, "unknown method Watch");
    else {
      await f.close();
      f = await fixture("innabox", { clientToken: true });
    }
    // The shared poll is ten minutes away: only the first look can answer within the test.
    configureClusterWatch({ reconcileIntervalMs: 600_000, pollIntervalMs: 600_000, watchRetryIntervalMs: 600_000, log: f.watchLog.log });
    const api = await apiForInputs({ connection: f.connection });
    const ids = ["l1", "l2", "l3"].map((name) => `${name}-${generation}`);
    for (const id of ids.slice(0, 2)) {
      await api.clusters.create({ id, metadata: {}, spec: { template: "sim_small", templateParameters: {}, nodeSets: {}, ...(generation === "osac" ? { pullSecret: PULL_SECRET } : {}) } });
    }
    const trackers = [watcherFor(api).track(ids[0])];
    try {
      await f.watchLog.next(/Events.Watch refused/);
      expect(watcher().mode).toBe("polling");
      expect((await trackers[0].next(10_000))?.cluster?.id).toBe(ids[0]);
      // Two more waits while polling (one for a cluster that does not exist yet): one List of
      // those two, not of every waited cluster.
      const before = f.sim.calls();
      const listed = f.listFilters.length;
      trackers.push(watcherFor(api).track(ids[1]), watcherFor(api).track(ids[2]));
      expect((await trackers[1].next(10_000))?.cluster?.id).toBe(ids[1]);
      expect((await trackers[2].next(10_000))?.cluster).toBeUndefined();
      expect(calledSince(before, "Clusters/List")).toBe(1);
      expect(calledSince(before, publicGet(generation))).toBe(0);
      const [filter] = f.listFilters.slice(listed);
      expect(filter).toContain(ids[1]);
      expect(filter).toContain(ids[2]);
      expect(filter).not.toContain(ids[0]);
    } finally {
      for (const tracker of trackers) tracker.release();
    }
    for (const id of ids.slice(0, 2)) await api.clusters.delete(id);
  });

  it("asks for Watch again after a refusal, and follows the stream once it is allowed", async () => {
    if (generation === "osac") f.sim.faults.failMethod("osac.public.v1.Events/Watch", 1, grpc.status.UNIMPLEMENTED, "unknown method Watch");
    else {
      await f.close();
      f = await fixture("innabox", { clientToken: true });
    }
    configureClusterWatch({ reconcileIntervalMs: 600_000, watchRetryIntervalMs: 100, log: f.watchLog.log });
    const api = await apiForInputs({ connection: f.connection });
    const id = `retry-${generation}`;
    const tracker = watcherFor(api).track(id);
    try {
      await f.watchLog.next(/Events.Watch refused/);
      expect(watcher().mode).toBe("polling");
      // The innabox deployment's policy changes: this client may watch now.
      if (generation === "innabox") f.sim.setAuth({ clientTokens: [], adminTokens: ["admin-2c8d4a", "client-7b1e9f"] });
      await f.watchLog.next(/subscribed to Events.Watch for 1 cluster/);
      expect(watcher().mode).toBe("watching");
      // The first look (no such cluster yet), then the stream delivers: with the reconcile 10
      // minutes away and no more polling, the CREATED event brings the new cluster (at most
      // the List of the subscription may still be on its way).
      expect((await tracker.next(10_000))?.cluster).toBeUndefined();
      const before = f.sim.calls();
      await api.clusters.create({ id, metadata: {}, spec: { template: "sim_small", templateParameters: {}, nodeSets: {}, ...(generation === "osac" ? { pullSecret: PULL_SECRET } : {}) } });
      let seen = await tracker.next(10_000);
      for (let i = 0; i < 5 && !seen?.cluster; i++) seen = await tracker.next(10_000);
      expect(seen?.cluster?.id).toBe(id);
      expect(calledSince(before, "Clusters/List")).toBeLessThanOrEqual(1);
      expect(watcher().mode).toBe("watching");
    } finally {
      tracker.release();
    }
    await api.clusters.delete(id);
  });

  it("falls back to one shared List when Watch is refused", async () => {
    if (generation === "osac") f.sim.faults.failMethod("osac.public.v1.Events/Watch", 1, grpc.status.UNIMPLEMENTED, "unknown method Watch");
    else {
      // The innabox deployment's policy: only admins may watch; a client token is refused.
      await f.close();
      f = await fixture("innabox", { clientToken: true });
      configureClusterWatch({ reconcileIntervalMs: 600_000, log: f.watchLog.log });
    }
    const before = f.sim.calls();
    const created = await Promise.all([create({ name: "p1" }), create({ name: "p2" }), create({ name: "p3" }), create({ name: "p4" })]);
    for (const c of created) expect((c.outs as ClusterOutputs).state).toBe("READY");
    expect(watcher().mode).toBe("polling");
    expect(f.watchLog.count(generation === "osac" ? /Events.Watch refused \(.*UNIMPLEMENTED/ : /Events.Watch refused \(.*PERMISSION_DENIED/)).toBe(1);
    const after = f.sim.calls();
    const delta = (suffix: string) => Object.entries(after).filter(([p]) => p.endsWith(suffix)).reduce((n, [p, v]) => n + v - (before[p] ?? 0), 0);
    // 4 clusters for ~600 ms of provisioning: a poller each would have sent several Gets per cluster.
    expect(delta(publicGet(generation))).toBeLessThanOrEqual(4);
    expect(delta("Clusters/List")).toBeGreaterThanOrEqual(1);
    // Deletion waits share the poller too.
    await Promise.all(created.map((c) => clusterProvider.delete(c.id, c.outs as ClusterOutputs)));
    expect(f.sim.snapshot().clusters).toEqual([]);
  });
});

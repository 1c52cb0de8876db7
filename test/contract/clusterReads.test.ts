// Refresh of many clusters, both generations, against the simulator over real gRPC: reads
// that arrive together share one List by ids (plus one admin List for hubs the state lacks)
// and one template lookup, keep their semantics (a deleted cluster leaves the state, an
// out-of-band change shows as drift), and read a kubeconfig and password again only when
// the state has none or the cluster moved to another API URL.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { closeAllClients } from "../../client/client";
import * as clusterProvider from "../../resources/clusterProvider";
import type { ClusterOutputs } from "../../resources/clusterModel";
import { clusterReaders, configureClusterReads, sharedTemplateLookup } from "../../resources/clusterReads";
import { apiForInputs } from "../../toolkit/connect";
import type { Clock } from "../../timing/clock";
import { configureClusterWatch } from "../../resources/clusterWatcher";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { logLines, type LogLines } from "../helpers/logLines";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-reads-"));
const savedHome = process.env.HOME;
beforeAll(() => {
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  closeAllClients();
  configureClusterReads({});
  configureClusterWatch({});
  fs.rmSync(home, { recursive: true, force: true });
});

describe.each(GENERATIONS)("%s: cluster reads of a refresh", (generation) => {
  let service: GenerationSimulator;
  let simLog: LogLines;
  let connection: Record<string, unknown>;
  beforeEach(async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    simLog = logLines();
    service = await startGenerationSimulator(generation, { controllerDelayMs: 10, provisioningDelayMs: 200, deletionDelayMs: 10, log: simLog.log });
    await service.api.hubs.create({ id: "hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: unreachableHubKubeconfig("x"), namespace: "orders" });
    connection = { address: service.sim.address, plaintext: true, token: service.adminToken };
    // A window no test's reads can miss (they are sent in one tick); not a timing under test.
    configureClusterReads({ batchWindowMs: 250 });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    closeAllClients();
    await service.close();
  });

  const pkg = generation === "osac" ? "osac.public.v1" : "fulfillment.v1";
  const privatePkg = generation === "osac" ? "osac.private.v1" : "private.v1";
  const create = (name: string) => clusterProvider.create({ template: "sim_small", name, connection, timeouts: { create: "60s" } });
  const calledSince = (before: Record<string, number>, method: string) => (service.sim.calls()[method] ?? 0) - (before[method] ?? 0);

  it("shares one List among reads that arrive together, with drift shown and a deleted cluster dropped", async () => {
    const created = await Promise.all(["r0", "r1", "r2", "r3"].map(create));
    const [same, relabelled, gone, renamed] = created;
    await service.api.clusters.update(relabelled.id, { labels: { team: "out-of-band" } });
    await service.api.clusters.update(renamed.id, { name: "renamed" });
    await service.api.clusters.delete(gone.id);
    await simLog.next(new RegExp(`cluster ${gone.id}: deleted`));
    const before = service.sim.calls();
    const readerCalls = () => [...clusterReaders().values()].reduce((n, r) => n + r.calls, 0);
    const readerCallsBefore = readerCalls();
    const reads = await Promise.all(created.map((c) => clusterProvider.read(c.id, c.outs as Record<string, unknown>)));
    // One List of the four ids; no Get, no kubeconfig or password, no hub (the state has them all).
    expect(calledSince(before, `/${pkg}.Clusters/List`)).toBe(1);
    expect(calledSince(before, `/${pkg}.Clusters/Get`)).toBe(0);
    expect(calledSince(before, `/${pkg}.Clusters/GetKubeconfig`)).toBe(0);
    expect(calledSince(before, `/${pkg}.Clusters/GetPassword`)).toBe(0);
    expect(calledSince(before, `/${privatePkg}.Clusters/List`)).toBe(0);
    expect(calledSince(before, `/${privatePkg}.Clusters/Get`)).toBe(0);
    // The four share one template lookup.
    expect(calledSince(before, `/${pkg}.ClusterTemplates/Get`)).toBe(1);
    expect(readerCalls() - readerCallsBefore).toBe(1);

    const [sameRead, relabelledRead, goneRead, renamedRead] = reads;
    expect(goneRead).toEqual({ id: "", props: {} });
    expect(sameRead.props).toMatchObject(same.outs as Record<string, unknown>);
    expect(relabelledRead.props).toMatchObject({ labels: { team: "out-of-band" } });
    expect(relabelledRead.inputs).toMatchObject({ labels: { team: "out-of-band" } });
    expect(renamedRead.props).toMatchObject({ name: "renamed" });
    // The secrets the state had stay as they were.
    for (const [read, c] of [
      [sameRead, same],
      [relabelledRead, relabelled],
    ] as const) {
      expect(read.props.kubeconfig).toBe((c.outs as ClusterOutputs).kubeconfig);
      expect(read.props.password).toBe((c.outs as ClusterOutputs).password);
      expect((c.outs as ClusterOutputs).kubeconfig).toMatch(/apiVersion: v1/);
    }
    for (const c of [same, relabelled, renamed]) await clusterProvider.delete(c.id, c.outs as ClusterOutputs);
  });

  it("reads the kubeconfig and password again when the state has none or names another API URL, and the hub when it has none", async () => {
    const [a, b] = await Promise.all([create("k0"), create("k1")]);
    const outsA = a.outs as ClusterOutputs;
    const outsB = b.outs as ClusterOutputs;
    const before = service.sim.calls();
    const [readA, readB] = await Promise.all([
      clusterProvider.read(a.id, { ...outsA, kubeconfig: "", password: "", hub: "" }),
      clusterProvider.read(b.id, { ...outsB, apiUrl: "https://api.elsewhere.example:6443" }),
    ]);
    expect(calledSince(before, `/${pkg}.Clusters/List`)).toBe(1);
    expect(calledSince(before, `/${pkg}.Clusters/GetKubeconfig`)).toBe(2);
    expect(calledSince(before, `/${pkg}.Clusters/GetPassword`)).toBe(2);
    expect(readA.props).toMatchObject({ kubeconfig: outsA.kubeconfig, password: outsA.password, hub: "hub" });
    expect(readB.props).toMatchObject({ kubeconfig: outsB.kubeconfig, password: outsB.password, apiUrl: outsB.apiUrl });
    await Promise.all([a, b].map((c) => clusterProvider.delete(c.id, c.outs as ClusterOutputs)));
  });

  it("checks one after another share a template read for a few seconds; a failed read is not kept", async () => {
    const gets = () => service.sim.calls()[`/${pkg}.ClusterTemplates/Get`] ?? 0;
    const before = gets();
    for (const name of ["k0", "k1", "k2"]) {
      const checked = await clusterProvider.check({}, { template: "sim_small", name, connection });
      expect(checked.failures ?? []).toEqual([]);
    }
    expect(gets() - before).toBe(1);

    const api = await apiForInputs({ connection } as Parameters<typeof apiForInputs>[0]);
    let at = 1_000_000;
    const clock: Clock = { now: () => at, sleep: async () => undefined };
    const first = gets();
    await sharedTemplateLookup(api, "sim_medium", { reuseForMs: 5_000, clock });
    at += 4_999;
    await sharedTemplateLookup(api, "sim_medium", { reuseForMs: 5_000, clock });
    expect(gets() - first).toBe(1);
    // Reuse is the caller's choice: a create shares only a lookup in flight.
    await sharedTemplateLookup(api, "sim_medium", { clock });
    expect(gets() - first).toBe(2);
    at += 5_000;
    await sharedTemplateLookup(api, "sim_medium", { reuseForMs: 5_000, clock });
    expect(gets() - first).toBe(3);

    service.sim.faults.failMethod(`/${pkg}.ClusterTemplates/Get`, 1, 7, "permission denied");
    await expect(sharedTemplateLookup(api, "sim_small_gone", { reuseForMs: 5_000, clock })).rejects.toThrow(/PERMISSION_DENIED/);
    await expect(sharedTemplateLookup(api, "sim_small_gone", { reuseForMs: 5_000, clock })).rejects.toThrow(/no cluster template/);
  });

  it("fails every read of a batch with the List's error, naming the method", async () => {
    const c = await create("f0");
    service.sim.faults.failMethod(`/${pkg}.Clusters/List`, 10, 7, "permission denied");
    await expect(clusterProvider.read(c.id, c.outs as Record<string, unknown>)).rejects.toThrow(new RegExp(`${pkg.replace(/\./g, "\\.")}\\.Clusters/List failed with PERMISSION_DENIED`));
    service.sim.faults.failMethod(`/${pkg}.Clusters/List`, 0, 7);
    await clusterProvider.delete(c.id, c.outs as ClusterOutputs);
  });
});

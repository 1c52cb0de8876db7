// The Cluster provider's waits against the simulator over real gRPC, without the engine:
// what a wait says while a cluster stays PENDING, how READY copes with the real server's
// INTERNAL from GetKubeconfig, and why a resize of a READY innabox cluster is refused.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { RawClient } from "../helpers/grpcRaw";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
import { closeAllClients } from "../../client/client";
import * as clusterProvider from "../../resources/clusterProvider";
import * as templateProvider from "../../resources/clusterTemplateProvider";
import type { ClusterOutputs } from "../../resources/clusterModel";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";

interface InitFailure extends Error {
  id: string;
  reasons: string[];
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), "provider-waits-"));
const savedHome = process.env.HOME;
let stdout: string[] = [];

beforeAll(() => {
  // No fulfillment-cli config of the machine's user may leak into the connection.
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  closeAllClients();
  fs.rmSync(home, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

function captureStdout(): void {
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
}

async function failureOf(promise: Promise<unknown>): Promise<InitFailure> {
  try {
    await promise;
  } catch (error) {
    return error as InitFailure;
  }
  throw new Error("expected the operation to fail");
}

describe("a cluster that stays PENDING (its hub cannot be reached)", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", controllerDelayMs: 10 });
    const raw = new RawClient(sim.address);
    await raw.call(Hubs.method.create, { object: { id: "nowhere", kubeconfig: Buffer.from(unreachableHubKubeconfig("t0ken-9a7c")), namespace: "orders" } });
    raw.close();
  });
  afterAll(() => sim.stop());

  it("says what is likely wrong, names the registered hubs, and keeps the id", async () => {
    captureStdout();
    const error = await failureOf(
      clusterProvider.create({ template: "sim_small", connection: { address: sim.address, plaintext: true }, timeouts: { create: "4s" } }),
    );
    vi.restoreAllMocks();
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    const reason = error.reasons[0];
    expect(reason).toContain("timed out after 4s waiting for cluster");
    expect(reason).toContain("is still PENDING after");
    expect(reason).toContain("registered hubs: 'nowhere' (namespace 'orders')");
    expect(reason).toContain("changing one of the cluster's labels makes the controller try again");
    // Said while waiting (after a quarter of the timeout), not only at the end.
    const hint = stdout.findIndex((line) => line.includes("is still PENDING after"));
    expect(hint).toBeGreaterThanOrEqual(0);
    expect(stdout.join("")).not.toContain("t0ken-9a7c");
    expect(clusterProvider.pendingHintAfterMs(4_000)).toBe(1_000);
    expect(clusterProvider.pendingHintAfterMs(60 * 60_000)).toBe(60_000);
  });
});

describe("READY, then GetKubeconfig answers INTERNAL (the real server's 'forbidden or not there yet')", () => {
  let sim: Simulator;
  const connection = () => ({ address: sim.address, plaintext: true });
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 10, provisioningDelayMs: 100, deletionDelayMs: 10 });
    const raw = new RawClient(sim.address);
    await raw.call(Hubs.method.create, { object: { id: "hub", kubeconfig: Buffer.from(unreachableHubKubeconfig("x")), namespace: "orders" } });
    raw.close();
  });
  afterAll(() => sim.stop());

  it("retries within the timeout and gets the kubeconfig", async () => {
    sim.faults.failMethod("/GetKubeconfig", 3, grpc.status.INTERNAL, "failed to get kubeconfig for cluster with identifier 'x'");
    captureStdout();
    const created = await clusterProvider.create({ template: "sim_small", connection: connection(), timeouts: { create: "20s" } });
    vi.restoreAllMocks();
    expect(String((created.outs as ClusterOutputs).kubeconfig)).toContain("apiVersion: v1");
    expect(stdout.join("")).toContain("READY, but the service cannot read the kubeconfig yet (INTERNAL)");
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  it("fails at the timeout naming the access the hub's credentials need, with the id kept", async () => {
    sim.faults.failMethod("/GetKubeconfig", 10_000, grpc.status.INTERNAL, "failed to get kubeconfig for cluster with identifier 'x'");
    captureStdout();
    const error = await failureOf(clusterProvider.create({ template: "sim_small", connection: connection(), timeouts: { create: "3s" } }));
    vi.restoreAllMocks();
    sim.faults.failMethod("/GetKubeconfig", 0, grpc.status.INTERNAL);
    expect(error.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.reasons[0]).toContain("is READY, but the service kept failing to read its kubeconfig or password");
    expect(error.reasons[0]).toContain("get' on hostedclusters.hypershift.openshift.io and secrets");
  });

  it("refuses at preview to resize a READY cluster: the innabox controller would never tell the hub", async () => {
    const created = await clusterProvider.create({ template: "sim_small", connection: connection() });
    const olds = created.outs as ClusterOutputs;
    const resize = { template: "sim_small", nodeSets: { workers: { size: 3 } }, connection: connection() };
    await expect(clusterProvider.diff(created.id, olds, resize)).rejects.toThrow(
      /nodeSets\.workers\.size cannot change on a READY cluster .*innabox.*acts on a cluster only while it is PROGRESSING.*now workers: 2/,
    );
    // A change that replaces the cluster anyway is not refused.
    const replaced = await clusterProvider.diff(created.id, olds, { ...resize, template: "sim_medium" });
    expect(replaced.replaces).toContain("template");
    await clusterProvider.delete(created.id, olds);
  });
});

describe("a template this program creates (a new stack's preview)", () => {
  let sim: Simulator;
  const connection = () => ({ address: sim.address, plaintext: true });
  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated" });
  });
  afterAll(() => sim.stop());

  const planned = {
    templateId: "planned_small",
    title: "Planned",
    parameters: [{ name: "flavor", type: "string", required: true }],
    nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
  };

  it("is not on the service: without its ClusterTemplate resource, check says so", async () => {
    const checked = await clusterProvider.check({}, { template: "unplanned_small", connection: connection() });
    expect(checked.failures?.[0]?.reason).toContain("there is no cluster template with id or name 'unplanned_small'");
  });

  it("validates clusters against the ClusterTemplate resource's description", async () => {
    const templateCheck = await templateProvider.check({}, { ...planned, connection: connection() });
    expect(templateCheck.failures ?? []).toEqual([]);
    const good = await clusterProvider.check({}, { template: "planned_small", templateParameters: { flavor: "x" }, nodeSets: { workers: { size: 3 } }, connection: connection() });
    expect(good.failures ?? []).toEqual([]);
    const bad = await clusterProvider.check({}, { template: "planned_small", templateParameters: { flavor: 7, bogus: true }, nodeSets: { masters: { size: 1 } }, connection: connection() });
    const reasons = (bad.failures ?? []).map((f) => f.reason).join("\n");
    expect(reasons).toContain("templateParameters.bogus: template 'planned_small' has no parameter 'bogus'");
    expect(reasons).toMatch(/templateParameters\.flavor/);
    expect(reasons).toContain("nodeSets.masters: template 'planned_small' has no node set 'masters'");
    const missing = await clusterProvider.check({}, { template: "planned_small", connection: connection() });
    expect((missing.failures ?? []).map((f) => f.reason).join("\n")).toContain("templateParameters.flavor: template 'planned_small' requires this parameter");
  });
});

describe("osac: updates are locked to the version last read", () => {
  let service: GenerationSimulator;
  const connection = () => ({ address: service.sim.address, plaintext: true, token: service.adminToken });
  beforeAll(async () => {
    service = await startGenerationSimulator("osac", { controllerDelayMs: 10, provisioningDelayMs: 50, nodeSetConvergenceMs: 50, deletionDelayMs: 10 });
    await service.api.hubs.create({ id: "hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: unreachableHubKubeconfig("x"), namespace: "orders" });
  });
  afterAll(() => service.close());

  const aborted = (version: string) => `object with identifier 'x' has been modified: requested version is ${version}`;

  it("sends lock with the version, re-reads once after ABORTED and applies only its own change", async () => {
    const created = await clusterProvider.create({ template: "sim_small", connection: connection(), labels: { team: "a" } });
    const olds = created.outs as ClusterOutputs;
    // Someone else changes the name meanwhile; our update changes only the labels.
    await service.api.clusters.update(created.id, { name: "renamed-elsewhere" });
    sim().faults.failMethod("osac.public.v1.Clusters/Update", 1, grpc.status.ABORTED, aborted("1 but current version is 2"));
    captureStdout();
    const updated = await clusterProvider.update(created.id, olds, { template: "sim_small", connection: connection(), labels: { team: "b" } });
    vi.restoreAllMocks();
    expect(stdout.join("")).toContain("changed on the service since it was read");
    const now = (await service.api.clusters.get(created.id))!;
    expect(now.metadata.labels).toEqual({ team: "b" });
    expect(now.metadata.name).toBe("renamed-elsewhere");
    expect((updated.outs as ClusterOutputs).labels).toEqual({ team: "b" });
    // A resize converges on osac: its controller keeps telling the hub after READY.
    const resized = await clusterProvider.update(created.id, updated.outs as ClusterOutputs, { template: "sim_small", connection: connection(), labels: { team: "b" }, nodeSets: { workers: { size: 4 } } });
    expect((resized.outs as ClusterOutputs).observedNodeSets.workers.size).toBe(4);
    await clusterProvider.delete(created.id, resized.outs as ClusterOutputs);
  });

  it("names the conflict when the cluster changes again", async () => {
    const created = await clusterProvider.create({ template: "sim_small", connection: connection() });
    sim().faults.failMethod("osac.public.v1.Clusters/Update", 2, grpc.status.ABORTED, aborted("0 but current version is 3"));
    await expect(
      clusterProvider.update(created.id, created.outs as ClusterOutputs, { template: "sim_small", connection: connection(), labels: { team: "c" } }),
    ).rejects.toThrow(/was changed on the service again while Pulumi updated it: .*ABORTED.*Run 'pulumi refresh' to see what changed, then 'pulumi up'/);
    sim().faults.failMethod("osac.public.v1.Clusters/Update", 0, grpc.status.ABORTED);
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  const sim = () => service.sim;
});

describe("osac spec fields: pull secret, SSH key, release image, network", () => {
  let service: GenerationSimulator;
  let innabox: Simulator;
  const connection = () => ({ address: service.sim.address, plaintext: true, token: service.adminToken });
  beforeAll(async () => {
    service = await startGenerationSimulator("osac", { controllerDelayMs: 10, provisioningDelayMs: 50, deletionDelayMs: 10 });
    await service.api.hubs.create({ id: "hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: unreachableHubKubeconfig("x"), namespace: "orders" });
    innabox = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated" });
  });
  afterAll(async () => {
    await service.close();
    await innabox.stop();
  });

  const PULL_SECRET = '{"auths":{"quay.io":{"auth":"c2VjcmV0LTcxYzA="}}}';
  const inputs = () => ({
    template: "sim_small",
    connection: connection(),
    pullSecret: PULL_SECRET,
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e",
    releaseImage: "quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64",
    network: { podCidr: "10.128.0.1/14", serviceCidr: "172.30.0.0/16" },
  });

  it("creates with them; the server's `***` and its canonical CIDRs never show as changes", async () => {
    const created = await clusterProvider.create(inputs());
    const stored = (await service.api.clusters.get(created.id))!;
    expect(stored.spec.pullSecret).toBe("***");
    expect(stored.spec.network).toEqual({ podCidr: "10.128.0.0/14", serviceCidr: "172.30.0.0/16" });
    const refreshed = await clusterProvider.read(created.id, created.outs as Record<string, unknown>);
    expect(refreshed.inputs).toMatchObject({ pullSecret: PULL_SECRET, network: { podCidr: "10.128.0.1/14", serviceCidr: "172.30.0.0/16" } });
    const same = await clusterProvider.diff(created.id, refreshed.props as ClusterOutputs, inputs());
    expect(same.changes).toBe(false);
    const otherSecret = await clusterProvider.diff(created.id, refreshed.props as ClusterOutputs, { ...inputs(), pullSecret: "{}" });
    expect(otherSecret.replaces).toContain("pullSecret");
    const otherNetwork = await clusterProvider.diff(created.id, refreshed.props as ClusterOutputs, { ...inputs(), network: { podCidr: "10.132.0.0/14" } });
    expect(otherNetwork.replaces).toContain("network");
    await clusterProvider.delete(created.id, created.outs as ClusterOutputs);
  });

  it("checks CIDRs as the server does, and refuses the fields on innabox naming the generation", async () => {
    const bad = await clusterProvider.check({}, { ...inputs(), network: { podCidr: "10.0.0.0/33" } });
    expect(bad.failures?.map((f) => f.reason)).toEqual([
      `network.podCidr: invalid pod_cidr "10.0.0.0/33": netip.ParsePrefix("10.0.0.0/33"): prefix length out of range`,
    ]);
    const onInnabox = await clusterProvider.check({}, { template: "sim_small", connection: { address: innabox.address, plaintext: true }, pullSecret: PULL_SECRET });
    expect(onInnabox.failures?.map((f) => f.reason)).toEqual([
      "pullSecret: clusters of the innabox generation (fulfillment.v1) have no pullSecret; remove it, or use a server of the osac generation (osac.public.v1)",
    ]);
  });
});

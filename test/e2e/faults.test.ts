// Fault matrix through the real engine (Automation API, inline programs) against the
// simulator's fault injection. For every fault: the run ends with a message that says what
// happened and what to do, the stack's clusters are exactly the server's (no orphan, no lost
// id, no pending operation), and a second run converges. One source runs on both API
// generations; where they differ (service names, tokens, conditions) the case says how.
import * as fs from "node:fs";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Simulator, SimulatorOptions } from "../../simulator";
import type { ApiGeneration, FulfillmentApi } from "../../client/api";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
// The built package, as a user's program loads it.
import { Cluster, type ClusterArgs } from "pulumi-fulfillment";

const CLUSTER_TYPE = "pulumi-nodejs:dynamic/fulfillment:Cluster";
const WAITING = /created; waiting for it to become READY/;

const HUB_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: hub, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: hub, context: { cluster: hub, user: admin } }]
current-context: hub
users: [{ name: admin, user: { token: hub-token-faults-2f8c } }]
`;

interface Harness {
  sim: Simulator;
  t: TestPulumi;
  service: GenerationSimulator;
  /** The domain API over an admin connection without retries (a queued fault fails one call). */
  admin: FulfillmentApi;
  /** Every chunk of engine output of every run, for diagnostics on failure. */
  output: string[];
}

const open: Array<{ t: TestPulumi; service?: GenerationSimulator }> = [];

async function harness(generation: ApiGeneration, label: string, options: (t: TestPulumi) => SimulatorOptions = () => ({})): Promise<Harness> {
  const t = createTestPulumi(`faults-${label}-${generation}`);
  const cleanup: { t: TestPulumi; service?: GenerationSimulator } = { t };
  open.push(cleanup); // before anything below can throw
  const settings: SimulatorOptions = {
    controllerDelayMs: 20,
    provisioningDelayMs: 1500,
    nodeSetConvergenceMs: 200,
    deletionDelayMs: 100,
    ...options(t),
  };
  const service = (cleanup.service = await startGenerationSimulator(generation, settings, { retry: { maxAttempts: 1 } }));
  // A registered hub, or clusters never leave PROGRESSING (as on the real service).
  await service.api.hubs.create({ id: "faults-hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: HUB_KUBECONFIG, namespace: "orders" });
  return { sim: service.sim, t, service, admin: service.api, output: [] };
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.service?.close();
    h.t.dispose();
  }
});

/** The stack the harness's runs share (one project, one stack); each call may bring a new program. */
async function stackFor(h: Harness, program: () => Promise<Record<string, unknown>>, auth: { tokenScript?: string } = {}): Promise<Stack> {
  const stack = await inlineStack(h.t, program, { project: "faults" });
  await stack.setAllConfig({
    "fulfillment:address": { value: h.sim.address },
    "fulfillment:plaintext": { value: "true" },
    ...(auth.tokenScript ? { "fulfillment:tokenScript": { value: auth.tokenScript } } : { "fulfillment:token": { value: h.service.adminToken, secret: true } }),
  });
  return stack;
}

function clusters(specs: Record<string, ClusterArgs>) {
  return async () => {
    const out: Record<string, unknown> = {};
    for (const [name, args] of Object.entries(specs)) {
      const c = new Cluster(name, args);
      out[`${name}Id`] = c.clusterId;
      out[`${name}State`] = c.state;
    }
    return out;
  };
}

/** Output sink for stack.up/destroy that resolves `seen(re)` as soon as a line matches. */
function watcher(h: Harness) {
  let text = "";
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  return {
    onOutput: (chunk: string) => {
      h.output.push(chunk);
      text += chunk;
      for (const w of waiters.splice(0)) {
        if (w.re.test(text)) w.resolve();
        else waiters.push(w);
      }
    },
    seen: (re: RegExp) =>
      new Promise<void>((resolve) => {
        if (re.test(text)) resolve();
        else waiters.push({ re, resolve });
      }),
    get text() {
      return text;
    },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const result = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (result === undefined) throw new Error("expected the run to fail");
  return String((result as Error).message ?? result);
}

/** The stack's clusters and the server's are the same set; nothing is pending. */
async function expectStateMatchesServer(stack: Stack, sim: Simulator): Promise<string[]> {
  const state = (await stack.exportStack()).deployment;
  expect(state.pending_operations ?? []).toEqual([]);
  const inState = (state.resources ?? []).filter((r: { type: string }) => r.type === CLUSTER_TYPE).map((r: { id: string }) => r.id).sort();
  const onServer = (sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id).sort();
  expect(inState).toEqual(onServer);
  return inState;
}

async function serverCluster(h: Harness, id: string) {
  const cluster = await h.admin.clusters.get(id);
  if (!cluster) throw new Error(`cluster ${id} is not on the server`);
  return cluster;
}

/** A second run changes nothing: up touches no resource. */
async function expectConverged(stack: Stack): Promise<void> {
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(Object.keys(up.summary.resourceChanges ?? {}).filter((k) => k !== "same")).toEqual([]);
}

/** Consumes injected failures left in the queue (calls that fail once, no retries). */
async function drainFaults(h: Harness): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await h.admin.hostTypes.get("acme_1tib");
      return;
    } catch {
      // one queued failure consumed
    }
  }
}

describe.each(GENERATIONS)("fault matrix (%s generation)", (generation) => {
  it("survives a simulator restart in the middle of the create wait", async () => {
    const h = await harness(generation, "restart", (t) => ({ stateFile: path.join(t.workDir, "simulator.json"), provisioningDelayMs: 3000 }));
    const stack = await stackFor(h, clusters({ web: { template: "sim_small", name: "web" } }));
    const out = watcher(h);
    const up = stack.up({ onOutput: out.onOutput });
    await out.seen(WAITING);
    const before = h.sim.snapshot().clusters as Array<{ id: string }>;
    expect(before).toHaveLength(1);
    expect((await serverCluster(h, before[0].id)).status.state).not.toBe("READY"); // the restart lands inside the wait
    await h.sim.restart();
    const result = await up;
    expect(result.summary.result).toBe("succeeded");
    expect(result.outputs.webState.value).toBe("READY");
    expect(fs.existsSync(path.join(h.t.workDir, "simulator.json"))).toBe(true);
    const [id] = await expectStateMatchesServer(stack, h.sim);
    expect(id).toBe(result.outputs.webId.value);
    expect((await serverCluster(h, id)).status.state).toBe("READY");
    await expectConverged(stack);
  }, 150_000);

  it("runs the token script again when the token runs out mid-run, and says so when the new token is refused too", async () => {
    // innabox tokens are opaque: the server stops accepting one (setAuth), the client hears
    // UNAUTHENTICATED and runs the script again. osac tokens are JWTs: one whose exp falls
    // inside the renewal margin (30 s) is used once and the script runs again before the
    // next call, so the server never sees it expire; an expired one is refused by the server.
    const h = await harness(generation, "token", () => ({ provisioningDelayMs: 2000 }));
    const mint = (name: string, ttlSeconds: number) => h.sim.issuer!.mintToken({ preferred_username: name, groups: ["admins"] }, ttlSeconds);
    const tokens =
      generation === "innabox"
        ? { first: "token-generation-1-aaaaaaaa", second: "token-generation-2-bbbbbbbb", refused: "token-generation-2-bbbbbbbb", current: "token-generation-3-cccccccc" }
        : { first: await mint("gen-1", 20), second: await mint("gen-2", 3600), refused: await mint("gen-3", -3600), current: await mint("gen-4", 3600) };
    if (generation === "innabox") h.sim.setAuth({ clientTokens: [], adminTokens: [tokens.first] });
    const tokenFile = path.join(h.t.workDir, "token");
    const printed = path.join(h.t.workDir, "printed");
    fs.writeFileSync(tokenFile, `${tokens.first}\n`);
    const stack = await stackFor(h, clusters({ web: { template: "sim_small", name: "web" } }), { tokenScript: `cat ${tokenFile} | tee -a ${printed}` });
    const out = watcher(h);
    const up = stack.up({ onOutput: out.onOutput });
    await out.seen(WAITING);
    // The script now prints the next token; on innabox the server accepts only that one.
    fs.writeFileSync(tokenFile, `${tokens.second}\n`);
    if (generation === "innabox") h.sim.setAuth({ clientTokens: [], adminTokens: [tokens.second] });
    const result = await up;
    expect(result.summary.result).toBe("succeeded");
    expect(result.outputs.webState.value).toBe("READY");
    expect(fs.readFileSync(printed, "utf8")).toContain(tokens.second); // the script ran again mid-run
    await expectStateMatchesServer(stack, h.sim);

    // The server refuses what the script prints, also on the second try (innabox: the server
    // moved on to the next token; osac: the script prints an expired JWT).
    fs.writeFileSync(tokenFile, `${tokens.refused}\n`);
    if (generation === "innabox") h.sim.setAuth({ clientTokens: [], adminTokens: [tokens.current] });
    const message = await failureOf(stack.refresh());
    expect(message).toMatch(generation === "innabox" ? /failed with UNAUTHENTICATED: bearer token is not valid/ : /failed with UNAUTHENTICATED: token expired 1 hour ago/);
    expect(message).toMatch(/The server rejected the token printed by tokenScript \(from stack config fulfillment:tokenScript\), also after running the script again; make it print a current token/);
    for (const token of Object.values(tokens)) expect(message).not.toContain(token);
    fs.writeFileSync(tokenFile, `${tokens.current}\n`);
    await stack.refresh();
    await expectStateMatchesServer(stack, h.sim);
    await expectConverged(stack);
  }, 150_000);

  it("reports a FAILED cluster with its conditions, keeps it, and replaces it once the cause is gone", async () => {
    const h = await harness(generation, "failed", () => ({ provisioningDelayMs: 800 }));
    const failing = await stackFor(h, clusters({ web: { template: "sim_small", name: "web", labels: { "simulator.osac.io/outcome": "failed" } } }));
    const message = await failureOf(failing.up());
    expect(message).toMatch(
      /cluster 'web' \(([0-9a-f-]{36})\): cluster \1 FAILED; conditions: .*Failed=True ProvisioningFailed: provisioning of the cluster failed on hub 'faults-hub'/,
    );
    expect(message).toMatch(/the next 'pulumi up' replaces it with a new cluster/);
    const [failedId] = await expectStateMatchesServer(failing, h.sim);
    expect((await serverCluster(h, failedId)).status.state).toBe("FAILED");

    const fixed = await stackFor(h, clusters({ web: { template: "sim_small", name: "web" } }));
    const preview = await fixed.preview();
    expect(preview.changeSummary.replace).toBe(1);
    expect(preview.stdout).toMatch(/is FAILED on the service; it will be replaced by a new cluster/);
    const up = await fixed.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.webState.value).toBe("READY");
    const [id] = await expectStateMatchesServer(fixed, h.sim);
    expect(id).not.toBe(failedId);
    await expectConverged(fixed);
  }, 150_000);

  it("keeps a cluster whose deletion outlives timeouts.delete in the stack; the next destroy finishes it", async () => {
    const h = await harness(generation, "stuck", () => ({ provisioningDelayMs: 300 }));
    const stack = await stackFor(h, clusters({ web: { template: "sim_small", name: "web", labels: { "simulator.osac.io/deletion": "stuck" }, timeouts: { delete: "2s" } } }));
    const up = await stack.up();
    const id = up.outputs.webId.value as string;
    const message = await failureOf(stack.destroy());
    expect(message).toContain(
      `timed out after 2s waiting for cluster 'web' (${id}) to be deleted (the service keeps it while it cleans up in the hub); last observed: DELETING. ` +
        "The service is still deleting it and the cluster stays in the stack: run the same command again to keep waiting, or raise timeouts.delete (now 2s)",
    );
    expect(await expectStateMatchesServer(stack, h.sim)).toEqual([id]);
    expect((await serverCluster(h, id)).metadata.deletionTime).toBeDefined();

    // The hub finishes its clean-up (the simulator holds deletion while the label is there).
    await h.admin.clusters.update(id, { labels: {} });
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await expectStateMatchesServer(stack, h.sim)).toEqual([]);
  }, 150_000);
});

// Retries within a call, the per-call deadline and resuming a wait on the next up are the
// client's logic, the same over either generation (faults are injected in front of both
// servers' services): these run once, on the default generation.
const ONCE: ApiGeneration = "osac";

describe("fault matrix, client-side (generation-independent; osac)", () => {
  it("rides out a short UNAVAILABLE burst, and a longer one keeps the id; the next up resumes the wait", async () => {
    const h = await harness(ONCE, "unavailable", () => ({ provisioningDelayMs: 2500 }));
    const stack = await stackFor(h, clusters({ web: { template: "sim_small", name: "web" } }));

    // Short burst: retried inside one call.
    let out = watcher(h);
    let up = stack.up({ onOutput: out.onOutput });
    await out.seen(WAITING);
    h.sim.faults.failNext(3, status.UNAVAILABLE);
    const first = await up;
    expect(first.summary.result).toBe("succeeded");
    expect(first.outputs.webState.value).toBe("READY");
    await expectStateMatchesServer(stack, h.sim);

    // Long burst: more failures than the retry budget of a call.
    // api provisions for 20s: still PROGRESSING when the next up starts, which must resume the wait.
    const api = { template: "sim_small", name: "api", labels: { "simulator.osac.io/provisioning-ms": "20000" } };
    const longer = await stackFor(h, clusters({ web: { template: "sim_small", name: "web" }, api }));
    out = watcher(h);
    up = longer.up({ onOutput: out.onOutput });
    await out.seen(/cluster 'api' \([0-9a-f-]{36}\): created; waiting/);
    h.sim.faults.failNext(60, status.UNAVAILABLE);
    const message = await failureOf(up);
    expect(message).toMatch(new RegExp(`cluster 'api' \\([0-9a-f-]{36}\\): osac\\.public\\.v1\\.Clusters/Get of '[0-9a-f-]{36}' failed with UNAVAILABLE: injected fault: simulated failure`));
    expect(message).toMatch(/Could not reach 127\.0\.0\.1:\d+ \(from stack config fulfillment:address\)/);
    expect(message).toMatch(/The cluster exists on the service and stays in the stack: the next 'pulumi up' resumes waiting for it to become READY/);
    await drainFaults(h);
    const ids = await expectStateMatchesServer(longer, h.sim); // the id reached the state
    expect(ids).toHaveLength(2);
    const apiId = /cluster 'api' \(([0-9a-f-]{36})\): created/.exec(out.text)![1];
    expect((await serverCluster(h, apiId)).status.state).toBe("PROGRESSING");

    out = watcher(h);
    const again = await longer.up({ onOutput: out.onOutput });
    expect(again.summary.result).toBe("succeeded");
    expect(out.text).toContain(`cluster 'api' (${apiId}): is PROGRESSING (Provisioning: the cluster is being provisioned on hub 'faults-hub'`);
    expect(out.text).toMatch(/; waiting for it to become READY/);
    expect(again.outputs.apiState.value).toBe("READY");
    expect(again.outputs.apiId.value).toBe(apiId);
    expect(await expectStateMatchesServer(longer, h.sim)).toEqual(ids);
    await expectConverged(longer);
  }, 200_000);

  it("works with answers just inside the deadline, and explains answers past it", async () => {
    const h = await harness(ONCE, "deadline", () => ({ provisioningDelayMs: 1000 }));
    const connection = { deadlineSeconds: 1 };
    const stack = await stackFor(h, clusters({ web: { template: "sim_small", name: "web", connection } }));
    h.sim.faults.setLatencyMs(700);
    const slow = await stack.up();
    expect(slow.summary.result).toBe("succeeded");
    expect(slow.outputs.webState.value).toBe("READY");
    h.sim.faults.setLatencyMs(0);

    const two = await stackFor(h, clusters({ web: { template: "sim_small", name: "web", connection }, api: { template: "sim_small", name: "api", connection } }));
    const out = watcher(h);
    const up = two.up({ onOutput: out.onOutput });
    await out.seen(/cluster 'api' \([0-9a-f-]{36}\): created; waiting/);
    h.sim.faults.setLatencyMs(1500);
    const message = await failureOf(up);
    expect(message).toMatch(/Clusters\/Get of '[0-9a-f-]{36}' failed with DEADLINE_EXCEEDED/);
    expect(message).toMatch(/No answer within 1s \(from connection\.deadlineSeconds\) from 127\.0\.0\.1:\d+; raise deadlineSeconds/);
    expect(message).toMatch(/stays in the stack: the next 'pulumi up' resumes waiting/);
    h.sim.faults.setLatencyMs(0);
    const ids = await expectStateMatchesServer(two, h.sim);
    expect(ids).toHaveLength(2);
    const again = await two.up();
    expect(again.outputs.apiState.value).toBe("READY");
    expect(await expectStateMatchesServer(two, h.sim)).toEqual(ids);
    await expectConverged(two);
  }, 200_000);
});

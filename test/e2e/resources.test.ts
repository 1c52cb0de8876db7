// Hub, ClusterTemplate and Cluster through the real engine against the simulator:
// lifecycle, diffs, refresh drift, adoption, failure paths that must keep ids, secrets.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import type { Simulator } from "../../simulator";
import { randomUUID } from "node:crypto";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { pollUntil } from "../helpers/grpcRaw";
import { writeStackConfig } from "../../automation/stack";
import { backendFiles, createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
// The built package, as a user's program loads it.
import { Cluster, ClusterTemplate, Hub } from "pulumi-fulfillment";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

const HUB_KUBECONFIG_TOKEN = "hub-kubeconfig-token-8d2e6a4c";
const PULL_SECRET = "pull-secret-value-71c0b5e9";

const hubKubeconfig = unreachableHubKubeconfig(HUB_KUBECONFIG_TOKEN);

interface Shape {
  betaWorkers?: number;
  betaTeam?: string;
  alphaTemplate?: string;
  withAlpha?: boolean;
}

/** The generation the current describe block runs on (blocks run one after the other). */
let generationUnderTest: "osac" | "innabox" = "innabox";

function program(shape: Shape = {}) {
  return async () => {
    const hub = new Hub("hub", { hubId: "e2e-hub", kubeconfig: hubKubeconfig, namespace: "orders" });
    const template = new ClusterTemplate("small", {
      templateId: "e2e_small",
      title: "E2E small",
      description: "Two workers",
      parameters: [
        { name: "ha", type: "bool", default: false },
        { name: "pull_secret", type: "string", required: true },
      ],
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
    });
    const outputs: Record<string, unknown> = { hubId: hub.hubId };
    if (shape.withAlpha !== false) {
      const alpha = new Cluster(
        "alpha",
        {
          template: shape.alphaTemplate ?? template.templateId,
          templateParameters: { pull_secret: pulumi.secret(PULL_SECRET) },
          name: "alpha",
          // osac clusters carry their own pull secret (the server echoes `***`): it must never show as drift or land in the state.
          ...(generationUnderTest === "osac" ? { pullSecret: PULL_SECRET } : {}),
        },
        { dependsOn: [hub] },
      );
      outputs.alphaId = alpha.clusterId;
      outputs.alphaKubeconfig = alpha.kubeconfig;
    }
    const beta = new Cluster(
      "beta",
      { template: "sim_small", nodeSets: { workers: { size: shape.betaWorkers ?? 3 } }, labels: { team: shape.betaTeam ?? "platform" } },
      { dependsOn: [hub] },
    );
    outputs.betaId = beta.clusterId;
    outputs.betaState = beta.state;
    outputs.betaApiUrl = beta.apiUrl;
    outputs.betaObserved = beta.observedNodeSets;
    outputs.betaHub = beta.hub;
    return outputs;
  };
}

describe.each(GENERATIONS)("resources end to end (%s generation)", (generation) => {
  let sim: Simulator;
  let t: TestPulumi;
  let service: GenerationSimulator;
  let stack: Stack;
  let adminToken: string;

  // The token goes in through stdin: the Automation API's setAllConfig would put it on a command line.
  const configure = async (s: Stack) => {
    await writeStackConfig(
      s,
      {
        "fulfillment:address": { value: sim.address },
        "fulfillment:token": { value: adminToken, secret: true },
        "fulfillment:plaintext": { value: "true" },
      },
      { ...process.env, ...t.envVars },
      s.workspace.workDir,
    );
  };

  beforeAll(async () => {
    service = await startGenerationSimulator(generation, {
      controllerDelayMs: 20,
      provisioningDelayMs: 400,
      nodeSetConvergenceMs: 200,
      deletionDelayMs: 100,
    });
    ({ sim, adminToken } = service);
    generationUnderTest = generation;
    t = createTestPulumi(`resources-${generation}`);
    stack = await inlineStack(t, program(), { project: "resources" });
    await configure(stack);
  });

  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  const getCluster = async (id: string) => {
    const cluster = await service.api.clusters.get(id);
    if (!cluster) throw new Error(`NOT_FOUND: cluster ${id}`);
    return cluster;
  };

  it("creates a hub, a template and two clusters and waits for READY", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.betaState.value).toBe("READY");
    expect(up.outputs.betaApiUrl.value).toMatch(/^https:\/\/api\./);
    expect(up.outputs.betaHub.value).toBe("e2e-hub");
    expect(up.outputs.alphaKubeconfig.secret).toBe(true);
    const alpha = await getCluster(up.outputs.alphaId.value);
    expect(alpha.spec.template).toBe("e2e_small");
    expect(Object.keys(alpha.spec.templateParameters).sort()).toEqual(["ha", "pull_secret"]);
    const beta = await getCluster(up.outputs.betaId.value);
    expect(beta.spec.nodeSets.workers.size).toBe(3);
    expect(beta.status.nodeSets.workers.size).toBe(3);
    // Nothing the server filled in shows as a change.
    const again = await stack.preview({ expectNoChanges: true });
    expect(again.changeSummary.update ?? 0).toBe(0);
  }, 240_000);

  it("previews a template change as a replace, and a resize of a READY cluster as the generation allows", async () => {
    const retemplate = await inlineStack(t, program({ alphaTemplate: "sim_medium" }), { project: "resources" });
    const replacePreview = await retemplate.preview();
    expect(replacePreview.changeSummary.replace).toBe(1);
    expect(replacePreview.changeSummary.update ?? 0).toBe(0);

    const resize = await inlineStack(t, program({ betaWorkers: 4 }), { project: "resources" });
    if (generation === "innabox") {
      // The innabox controller never tells the hub about changes after READY.
      const refused = await resize.preview().then(
        () => "",
        (error: Error) => error.message,
      );
      expect(refused).toContain("nodeSets.workers.size cannot change on a READY cluster of this service (the innabox generation");
      expect(refused).toContain("now workers: 3");
      return;
    }
    // The osac controller keeps pushing spec changes to the hub: a resize converges.
    const preview = await resize.preview();
    expect(preview.changeSummary.update).toBe(1);
    const up = await resize.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    expect(up.outputs.betaObserved.value.workers.size).toBe(4);
    expect((await getCluster(up.outputs.betaId.value)).status.nodeSets.workers.size).toBe(4);
    // Back to 3, so the rest of the suite starts from the same stack on both generations.
    const back = await inlineStack(t, program(), { project: "resources" });
    expect((await back.up()).outputs.betaObserved.value.workers.size).toBe(3);
  }, 240_000);

  it("changes labels in place", async () => {
    const relabel = await inlineStack(t, program({ betaTeam: "apps" }), { project: "resources" });
    const up = await relabel.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    const beta = await getCluster(up.outputs.betaId.value);
    expect(beta.metadata.labels.team).toBe("apps");
    expect(beta.status.state).toBe("READY");
  }, 240_000);

  it("reports an out-of-band resize on refresh, and the next up puts the spec back to what the hub has", async () => {
    stack = await inlineStack(t, program({ betaTeam: "apps" }), { project: "resources" });
    const betaId = (await stack.outputs()).betaId.value as string;
    const current = await getCluster(betaId);
    await service.api.clusters.update(betaId, { nodeSets: { workers: { hostType: current.spec.nodeSets.workers.hostType, size: 6 } } });
    // osac pushes the change to the hub, innabox does not: either way, refresh sees the spec.
    if (generation === "osac") await pollUntil(() => getCluster(betaId), (c) => c.status.nodeSets.workers.size === 6, { timeoutMs: 10_000 });
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const state = await stack.exportStack();
    const betaState = state.deployment.resources.find((r: any) => r.urn.endsWith("::beta"));
    expect(betaState.inputs.nodeSets.workers.size).toBe(6);

    const up = await stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    const restored = await getCluster(betaId);
    expect(restored.spec.nodeSets.workers.size).toBe(3);
    expect(restored.status.nodeSets.workers.size).toBe(3);
  }, 240_000);

  it("drops a cluster deleted behind Pulumi's back on refresh and recreates it on up", async () => {
    const alphaId = (await stack.outputs()).alphaId.value as string;
    await service.api.clusters.delete(alphaId);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.delete).toBe(1);
    const state = await stack.exportStack();
    expect(state.deployment.resources.some((r: any) => r.urn.endsWith("::alpha"))).toBe(false);
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    expect(up.outputs.alphaId.value).not.toBe(alphaId);
  }, 240_000);

  it("adopts an existing cluster with the import option, then shows no changes", async () => {
    const id = randomUUID();
    await service.api.clusters.create({ id, metadata: { name: "legacy" }, spec: { template: "sim_small", templateParameters: {}, nodeSets: { workers: { hostType: "", size: 3 } } } });
    const adoptProgram = async () => {
      const c = new Cluster(
        "legacy",
        { template: "sim_small", name: "legacy", nodeSets: { workers: { size: 3 } }, timeouts: { create: "2m" } },
        { import: id },
      );
      return { id: c.clusterId };
    };
    const adopt = await inlineStack(t, adoptProgram, { project: "adopt" });
    await configure(adopt);
    const before = sim.snapshot().clusters.length;
    const up = await adopt.up();
    expect(up.summary.resourceChanges?.create).toBe(2); // the stack and the adopted cluster
    expect(up.outputs.id.value).toBe(id);
    expect(sim.snapshot().clusters).toHaveLength(before); // taken over, not created
    const preview = await adopt.preview({ expectNoChanges: true });
    expect(preview.changeSummary.same).toBeGreaterThanOrEqual(1);

    // Read-only lookups by id.
    const lookup = await inlineStack(t, async () => ({ state: Cluster.get("looked-up", id).state }), { project: "lookup" });
    await configure(lookup);
    const looked = await lookup.up();
    expect(looked.outputs.state.value).toBe("READY");
    await lookup.destroy();
    expect(await getCluster(id)).toBeDefined(); // a lookup never deletes

    await adopt.destroy();
    await expect(getCluster(id)).rejects.toThrow(/NOT_FOUND/);
  }, 240_000);

  it("keeps the id of a FAILED cluster and of a timed-out wait in the state, and destroy removes both", async () => {
    const failing = async () => {
      new Cluster("failing", { template: "sim_small", labels: { "simulator.osac.io/outcome": "failed" } });
      new Cluster("slow", { template: "sim_small", labels: { "simulator.osac.io/provisioning-ms": "600000" }, timeouts: { create: "2s" } });
    };
    const s = await inlineStack(t, failing, { project: "failing" });
    await configure(s);
    const error = await s.up().catch((e) => e);
    expect(String(error)).toMatch(/FAILED/);
    expect(String(error)).toMatch(/timed out after 2s waiting for cluster/);
    const state = await s.exportStack();
    const clusters = state.deployment.resources.filter((r: any) => r.type === "pulumi-nodejs:dynamic/fulfillment:Cluster");
    expect(clusters).toHaveLength(2);
    for (const c of clusters) {
      expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await getCluster(c.id)).id).toBe(c.id);
    }
    const destroy = await s.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    for (const c of clusters) await expect(getCluster(c.id)).rejects.toThrow(/NOT_FOUND/);
  }, 240_000);

  it("keeps every secret out of the state files and stores only the provider's module path", async () => {
    const files = backendFiles(t);
    expect(files.length).toBeGreaterThan(0);
    const outputs = await stack.outputs();
    expect(Object.keys(outputs)).toContain("alphaKubeconfig");
    const kubeconfig = outputs.alphaKubeconfig.value as string;
    const clusterToken = /token:\s*(\S+)/.exec(kubeconfig)?.[1];
    expect(clusterToken).toBeTruthy();
    const leaks: string[] = [];
    const findLeaks = (value: unknown, path: string, file: string) => {
      if (typeof value === "string") {
        for (const secret of [adminToken, HUB_KUBECONFIG_TOKEN, PULL_SECRET, clusterToken!]) {
          if (value.includes(secret)) leaks.push(`${secret.slice(0, 6)}… at ${path} in ${file.slice(t.backendDir.length)}`);
        }
      } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) findLeaks(v, `${path}.${k}`, file);
      }
    };
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8");
      findLeaks(file.endsWith(".json") ? JSON.parse(text) : text, "", file);
    }
    expect(leaks).toEqual([]);
    const state = await stack.exportStack();
    const beta = state.deployment.resources.find((r: any) => r.urn.endsWith("::beta"));
    const serialized = beta.inputs.__provider as string;
    expect(serialized).toContain("pulumi-fulfillment/dist/resources/clusterProvider");
    expect(serialized.length).toBeLessThan(20_000);
  }, 60_000);

  it("destroys everything it created and leaves the service as it found it", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    const snapshot = sim.snapshot();
    expect(snapshot.clusters.map((c: any) => `${c.id} ${c.metadata?.name}`)).toEqual([]);
    expect(snapshot.clusters).toHaveLength(0);
    expect(snapshot.hubs).toHaveLength(0);
    expect((snapshot.templates as Array<{ id: string }>).map((x) => x.id)).not.toContain("e2e_small");
  }, 240_000);
});

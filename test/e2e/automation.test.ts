// The Automation API wrapper against the real engine and the simulator: a structured
// preview of a changed stack and its Markdown, drift (0 on a fresh stack, 2 after
// out-of-band changes, state untouched), and no secret in any line or report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { Cluster } from "../../resources/cluster";
import { Hub } from "../../resources/hub";
import { FulfillmentStack } from "../../automation/stack";
import { renderPreviewMarkdown } from "../../automation/preview";
import { renderDriftMarkdown, renderDriftText } from "../../automation/drift";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

const ADMIN_TOKEN = "admin-token-automation-5c1e9a7f";
const PULL_SECRET = "pull-secret-automation-0b6d2e4c";
const HUB_TOKEN = "hub-kubeconfig-token-automation-7e3f";

const hubKubeconfig = unreachableHubKubeconfig(HUB_TOKEN);

/** v0: clusters a (2 workers), b (ha=false), c. v1: a renamed, b's ha flipped (replace), c gone, d new. */
function program(version: 0 | 1) {
  return async () => {
    const hub = new Hub("hub", { hubId: "automation-hub", kubeconfig: hubKubeconfig, namespace: "orders" });
    const opts = { dependsOn: [hub] };
    const params = (extra: Record<string, unknown> = {}) => ({ pull_secret: pulumi.secret(PULL_SECRET), ...extra });
    const a = new Cluster("a", { template: "sim_small", name: version ? "a2" : "a", nodeSets: { workers: { size: 2 } }, templateParameters: params() }, opts);
    new Cluster("b", { template: "sim_small", name: "b", templateParameters: params({ ha: version === 1 }) }, opts);
    if (version === 0) new Cluster("c", { template: "sim_small", name: "c", templateParameters: params() }, opts);
    if (version === 1) new Cluster("d", { template: "sim_small", name: "d", templateParameters: params(), labels: { team: "platform" } }, opts);
    return { aId: a.clusterId, aKubeconfig: a.kubeconfig };
  };
}

describe("automation wrapper: preview and drift", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let client: FulfillmentClient;
  const lines: string[] = [];
  let version: 0 | 1 = 0;
  let stack: FulfillmentStack;

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      nodeSetConvergenceMs: 100,
      deletionDelayMs: 50,
      auth: { clientTokens: [], adminTokens: [ADMIN_TOKEN] },
    });
    t = createTestPulumi("automation");
    client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, token: ADMIN_TOKEN, plaintext: true }, env: {} }));
    stack = await FulfillmentStack.open({
      stackName: "dev",
      projectName: "automation-e2e",
      program: () => program(version)(),
      workDir: t.workDir,
      backendUrl: `file://${t.backendDir}`,
      passphrase: "test-passphrase",
      connection: { address: sim.address, token: ADMIN_TOKEN, plaintext: true },
      connectionFromEnvironment: false,
      onLine: (line) => lines.push(line),
    });
    const up = await stack.up();
    expect(up.resources.map((r) => [r.name, r.operation])).toEqual([
      ["a", "create"],
      ["b", "create"],
      ["c", "create"],
      ["hub", "create"],
    ]);
    expect(up.outputs.aKubeconfig).toBe("[secret]");
  }, 240_000);

  afterAll(async () => {
    try {
      await stack?.destroy({ remove: true });
    } finally {
      client?.close();
      await sim?.stop();
      t?.dispose();
    }
  }, 240_000);

  it("streams readable progress lines: resource, operation, elapsed time, the cluster's states", () => {
    expect(lines).toContainEqual(expect.stringMatching(/^\[\s*\d+s\] fulfillment:Cluster a creating\.\.\.$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[\s*\d+s\] fulfillment:Cluster a created in \d+s$/));
    expect(lines).toContainEqual(expect.stringMatching(/cluster 'a' \([0-9a-f-]{36}\): READY/));
    expect(lines).toContainEqual(expect.stringMatching(/done in \d+s: 4 create$/));
  });

  it("reports no drift on a fresh stack", async () => {
    const report = await stack.drift();
    expect(renderDriftText(report)).toBe("no drift in automation-e2e/dev (4 resources as recorded)");
    expect(report.exitCode).toBe(0);
  }, 120_000);

  it("previews a changed stack: exactly the expected operations, Markdown for the pull request", async () => {
    version = 1;
    try {
      const report = await stack.preview();
      expect(report.summary).toEqual({ create: 1, update: 1, replace: 1, delete: 1, same: 1, read: 0, import: 0 });
      expect(report.resources.map((r) => [r.name, r.type, r.operation])).toEqual([
        ["b", "fulfillment:Cluster", "replace"],
        ["c", "fulfillment:Cluster", "delete"],
        ["d", "fulfillment:Cluster", "create"],
        ["a", "fulfillment:Cluster", "update"],
        ["hub", "fulfillment:Hub", "same"],
      ]);
      const a = report.resources.find((r) => r.name === "a")!;
      expect(a.changes).toEqual([{ path: "name", kind: "update", old: "a", new: "a2" }]);
      const b = report.resources.find((r) => r.name === "b")!;
      expect(b.replaceReasons).toEqual(["templateParameters"]);
      expect(b.changes).toEqual([{ path: "templateParameters.ha", kind: "update", old: false, new: true, forcesReplace: true }]);
      expect(b.urn).toBe("urn:pulumi:dev::automation-e2e::pulumi-nodejs:dynamic/fulfillment:Cluster::b");

      const markdown = renderPreviewMarkdown(report).replace(/`automation-e2e\/[^`]+`/g, "`automation-e2e/<stack>`");
      expect(markdown).toBe(
        [
          "### Pulumi preview of `automation-e2e/<stack>`",
          "",
          "**1 to create, 1 to update, 1 to replace, 1 to delete**, 1 unchanged",
          "",
          "> [!CAUTION]",
          "> **Destructive changes:**",
          "> - `fulfillment:Cluster` **b** will be **replaced** (deleted and created anew): `templateParameters.ha` cannot change in place",
          "> - `fulfillment:Cluster` **c** will be **deleted**",
          "",
          "| Operation | Resource | Type | Changes |",
          "|---|---|---|---|",
          "| 🔴 replace | b | `fulfillment:Cluster` | `templateParameters.ha`: `false` → `true` (forces replace) |",
          "| 🔴 delete | c | `fulfillment:Cluster` | (all) |",
          '| 🟢 create | d | `fulfillment:Cluster` | `labels.team`: `"platform"`<br>`name`: `"d"`<br>`template`: `"sim_small"`<br>`templateParameters.pull_secret`: `[secret]` |',
          '| 🟡 update | a | `fulfillment:Cluster` | `name`: `"a"` → `"a2"` |',
          "",
        ].join("\n"),
      );
      const everything = [markdown, JSON.stringify(report), ...lines].join("\n");
      for (const secret of [ADMIN_TOKEN, PULL_SECRET, HUB_TOKEN]) expect(everything).not.toContain(secret);
    } finally {
      version = 0;
    }
  }, 120_000);

  it("runs a typed FleetSpec as the inline program", async () => {
    const spec = await FulfillmentStack.open({
      stackName: "spec",
      projectName: "automation-e2e",
      spec: {
        hubs: { hub2: { hubId: "automation-hub-2", kubeconfig: hubKubeconfig, namespace: "orders" } },
        clusters: { solo: { template: "sim_small", name: "solo", templateParameters: { pull_secret: PULL_SECRET } } },
      },
      workDir: `${t.workDir}-spec`,
      backendUrl: `file://${t.backendDir}`,
      passphrase: "test-passphrase",
      connection: { address: sim.address, token: ADMIN_TOKEN, plaintext: true },
      connectionFromEnvironment: false,
    });
    try {
      const up = await spec.up();
      expect(up.resources.map((r) => [r.name, r.operation])).toEqual([
        ["hub2", "create"],
        ["solo", "create"],
      ]);
      expect(up.outputs.kubeconfigs).toBe("[secret]");
      expect(up.outputs.clusters).toMatchObject({ solo: { state: "READY", clusterId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    } finally {
      await spec.destroy({ remove: true });
    }
  }, 240_000);

  it("reports drift (exit code 2) after out-of-band changes, without writing the state", async () => {
    const exported = await stack.stack.exportStack();
    const resources = exported.deployment.resources as Array<{ urn: string; id: string; outputs: Record<string, any> }>;
    const idOf = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))!.id;
    const historyBefore = (await stack.stack.history()).length;

    // Resize a (node sets in an Update carry the stored host class id) and delete c.
    const a = (await client.call(Clusters.method.get, { id: idOf("a") })).object!;
    await client.call(Clusters.method.update, {
      object: { id: a.id, spec: { nodeSets: { workers: { hostClass: a.spec!.nodeSets.workers.hostClass, size: 5 } } } },
      updateMask: { paths: ["spec.node_sets"] },
    });
    await client.call(Clusters.method.delete, { id: idOf("c") });

    const report = await stack.drift();
    expect(report.exitCode).toBe(2);
    expect(report.resources.map((r) => [r.name, r.kind])).toEqual([
      ["a", "changed"],
      ["c", "deleted"],
    ]);
    expect(report.resources[0].id).toBe(a.id);
    expect(report.resources[0].changes).toContainEqual({ path: "nodeSets.workers.size", kind: "update", old: 2, new: 5 });
    expect(report.resources[0].changes).toContainEqual(expect.objectContaining({ path: "effectiveNodeSets.workers.size", old: 2, new: 5 }));
    expect(report.unchanged).toBe(2);
    const text = renderDriftText(report);
    expect(text).toContain("fulfillment:Cluster c (" + idOf("c") + "): deleted outside Pulumi");
    const markdown = renderDriftMarkdown(report);
    for (const secret of [ADMIN_TOKEN, PULL_SECRET, HUB_TOKEN]) expect(markdown + text + JSON.stringify(report) + lines.join("\n")).not.toContain(secret);

    // A preview-only refresh leaves the state and the history as they were.
    expect(await stack.stack.exportStack()).toEqual(exported);
    expect((await stack.stack.history()).length).toBe(historyBefore);
  }, 120_000);
});

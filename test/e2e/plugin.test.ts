// The provider plugin pulumi-resource-fulfillment with the real CLI, the Pulumi YAML
// language host and the simulator: status on the resource's own row, property-level
// diffs with replace reasons, `pulumi import` whose printed code runs, and customTimeouts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LocalWorkspace, type EngineEvent } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { pulumiCommand } from "../../automation/environment";
import { createTestPulumi, backendFiles, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, writeYamlProject, pluginEnv } from "../helpers/pluginProject";

interface Fixture {
  sim: Simulator;
  t: TestPulumi;
  env: NodeJS.ProcessEnv;
  api: FulfillmentApi;
  close(): Promise<void>;
}

async function fixture(label: string, provisioningDelayMs: number): Promise<Fixture> {
  const sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs, deletionDelayMs: 50 });
  const t = createTestPulumi(label);
  const env = pluginEnv(t, { address: sim.address });
  const client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true, api: "innabox" }, env: {}, cliConfigPath: NO_CLI_CONFIG }));
  return {
    sim,
    t,
    env,
    api: await apiFor(client),
    async close() {
      client.close();
      await sim.stop();
      t.dispose();
    },
  };
}

const HUB = { type: "fulfillment:index:Hub", properties: { hubId: "plugin-hub", namespace: "orders", kubeconfig: HUB_KUBECONFIG } };

function webCluster(overrides: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
  return {
    type: "fulfillment:index:Cluster",
    properties: { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } }, labels: { team: "a" }, ...overrides },
    options: { dependsOn: ["${hub}"], ...options },
  };
}

interface PreviewStep {
  op: string;
  urn: string;
  detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
  replaceReasons?: string[];
  diffReasons?: string[];
}

describe("provider plugin pulumi-resource-fulfillment (Pulumi YAML)", () => {
  let f: Fixture;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    f = await fixture("plugin-yaml", 300);
  }, 120_000);

  afterAll(async () => {
    await f?.close();
  });

  it("reports status on the cluster's row, previews property diffs with replace reasons, refreshes clean and destroys", async () => {
    const dir = writeYamlProject(f.t, "rows", { resources: { hub: HUB, web: webCluster() }, outputs: { clusterId: "${web.clusterId}", state: "${web.state}" } });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: "dev", workDir: dir }, { envVars: f.env as Record<string, string>, pulumiCommand: await pulumiCommand() });
    const events: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e), color: "never" });
    expect(up.outputs.state.value).toBe("READY");
    const clusterUrn = "urn:pulumi:dev::rows::fulfillment:index:Cluster::web";
    const diagnostics = events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
    const onClusterRow = diagnostics.filter((d) => d.urn === clusterUrn && d.ephemeral);
    expect(onClusterRow.map((d) => d.message).join("\n")).toMatch(/created; waiting for it to become READY/);
    expect(onClusterRow.map((d) => d.message).join("\n")).toMatch(/READY \(after/);
    // Nothing about the cluster lands on the Stack's row or among the lasting diagnostics.
    expect(diagnostics.filter((d) => d.urn !== clusterUrn && /cluster 'web'/.test(d.message))).toEqual([]);
    expect(diagnostics.filter((d) => !d.ephemeral && /waiting for it/.test(d.message))).toEqual([]);

    // A label changes in place, a template change replaces: both show per property.
    writeYamlProject(f.t, "rows", { resources: { hub: HUB, web: webCluster({ template: "sim_medium", labels: { team: "b" } }) } });
    const pulumi = pulumiCli(dir, f.env);
    const preview = JSON.parse(await pulumi("preview", "--json", "--stack", "dev")) as { steps: PreviewStep[] };
    const replace = preview.steps.find((s) => s.urn === clusterUrn && s.op === "replace");
    expect(replace, JSON.stringify(preview.steps)).toBeDefined();
    expect(replace!.replaceReasons).toEqual(["template"]);
    expect(replace!.detailedDiff).toEqual({ template: { kind: "update-replace", inputDiff: true }, labels: { kind: "update", inputDiff: true } });
    const text = await pulumi("preview", "--diff", "--stack", "dev", "--color", "never");
    expect(text).toMatch(/\+-\s*fulfillment:index:Cluster: \(replace\)/);
    expect(text).toMatch(/~ template\s*: "sim_small" => "sim_medium"/);

    writeYamlProject(f.t, "rows", { resources: { hub: HUB, web: webCluster({ labels: { team: "b" } }) } });
    const update = JSON.parse(await pulumi("preview", "--json", "--stack", "dev")) as { steps: PreviewStep[] };
    const inPlace = update.steps.find((s) => s.urn === clusterUrn);
    expect(inPlace?.op).toBe("update");
    expect(inPlace?.detailedDiff).toEqual({ labels: { kind: "update", inputDiff: true } });

    writeYamlProject(f.t, "rows", { resources: { hub: HUB, web: webCluster() } });
    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview", "--stack", "dev");
    for (const file of backendFiles(f.t)) expect(fs.readFileSync(file, "utf8")).not.toContain("hub-secret-token-8d2f");
    await pulumi("destroy", "--yes", "--skip-preview", "--stack", "dev");
    expect(f.sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);

  it("imports an existing cluster with `pulumi import`, and the code it prints runs with no changes", async () => {
    await f.api.hubs.create({ id: "import-hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: HUB_KUBECONFIG, namespace: "orders" });
    const id = randomUUID();
    await f.api.clusters.create({
      id,
      metadata: { name: "legacy", labels: { owner: "ops" } },
      spec: { template: "sim_medium", templateParameters: {}, nodeSets: { workers: { hostType: "acme_1tib", size: 4 } } },
    });
    const dir = writeYamlProject(f.t, "adopt", { resources: {} });
    const pulumi = pulumiCli(dir, f.env);
    await pulumi("stack", "init", "dev");
    const codeFile = path.join(os.tmpdir(), `import-${id}.yaml`);
    try {
      await pulumi("import", "fulfillment:index:Cluster", "legacy", id, "--yes", "--protect=false", "--out", codeFile);
      const printed = parse(fs.readFileSync(codeFile, "utf8")) as { resources: Record<string, { type: string; properties: Record<string, unknown> }> };
      expect(printed.resources.legacy.properties).toMatchObject({ template: "sim_medium", name: "legacy", labels: { owner: "ops" }, nodeSets: { workers: { size: 4 } } });
      writeYamlProject(f.t, "adopt", { resources: printed.resources });
      await pulumi("up", "--yes", "--expect-no-changes");
      const state = exportedResources(await pulumi("stack", "export"));
      expect(state.find((r) => r.type === "fulfillment:index:Cluster")?.id).toBe(id);
      await pulumi("destroy", "--yes", "--skip-preview");
      expect(f.sim.snapshot().clusters.map((c) => (c as { id: string }).id)).not.toContain(id);
    } finally {
      fs.rmSync(codeFile, { force: true });
    }
  }, 300_000);
});

describe("provider plugin: customTimeouts", () => {
  let f: Fixture;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    // Provisioning that outlasts the test: only the engine's timeout can end the wait.
    f = await fixture("plugin-timeouts", 3_600_000);
  }, 120_000);

  afterAll(async () => {
    await f?.close();
  });

  it("a create that outlives customTimeouts.create fails with the cluster's id kept in the state; destroy deletes it", async () => {
    const dir = writeYamlProject(f.t, "slow", { resources: { hub: HUB, web: webCluster({}, { customTimeouts: { create: "3s" } }) } });
    const pulumi = pulumiCli(dir, f.env);
    await pulumi("stack", "init", "dev");
    const failed = await pulumi("up", "--yes", "--skip-preview").then(
      () => "",
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/timed out after 3s waiting for cluster 'web'/);
    // The message names the option that set the timeout, not the resource's own `timeouts`.
    expect(failed).toMatch(/To wait longer, raise the customTimeouts\.create resource option \(now 3s\)/);
    expect(failed).not.toMatch(/raise timeouts\./);
    const created = f.sim.snapshot().clusters as Array<{ id: string }>;
    expect(created).toHaveLength(1);
    const cluster = exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster");
    expect(cluster?.id).toBe(created[0].id);
    expect(cluster?.initErrors?.join("\n")).toMatch(/stays in the stack/);
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(f.sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);

  it("a delete that outlives customTimeouts.delete names that option, keeps the cluster in the state, and the next destroy finishes it", async () => {
    const stuck = webCluster({ name: "stuck", labels: { "simulator.osac.io/deletion": "stuck" } }, { customTimeouts: { create: "1s", delete: "2s" } });
    const dir = writeYamlProject(f.t, "stuck", { resources: { hub: { ...HUB, properties: { ...HUB.properties, hubId: "stuck-hub" } }, stuck } });
    const pulumi = pulumiCli(dir, f.env);
    await pulumi("stack", "init", "dev");
    // The create times out (provisioning outlasts the test); the cluster stays in the state.
    await pulumi("up", "--yes", "--skip-preview").catch(() => undefined);
    const id = exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster")?.id;
    expect(id).toBeTruthy();
    const failed = await pulumi("destroy", "--yes", "--skip-preview").then(
      () => "",
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/timed out after 2s waiting for cluster 'stuck' \([0-9a-f-]+\) to be deleted/);
    expect(failed).toMatch(/raise the customTimeouts\.delete resource option \(now 2s\)/);
    expect(failed).not.toMatch(/raise timeouts\.delete/);
    expect(exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster")?.id).toBe(id);
    await f.api.clusters.update(id!, { labels: {} });
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(f.sim.snapshot().clusters.map((c) => (c as { id: string }).id)).not.toContain(id);
  }, 300_000);
});

// The pipeline CLI on a project directory (Pulumi.yaml + program run by the Node.js
// language host): up, preview to Markdown and JSON, drift exit codes, destroy, usage errors.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { createTestPulumi, REPO_ROOT, type TestPulumi } from "../helpers/pulumi";

const TOKEN = "admin-token-cli-9d3b5f7a1c";
const CLI = path.join(REPO_ROOT, "dist", "automation", "cli.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("pulumi-fulfillment CLI", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let client: FulfillmentClient;
  let project: string;
  let env: NodeJS.ProcessEnv;

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    expect(fs.existsSync(CLI), `${CLI} missing: run npx tsc -p tsconfig.json`).toBe(true);
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      nodeSetConvergenceMs: 100,
      deletionDelayMs: 50,
      auth: { clientTokens: [], adminTokens: [TOKEN] },
    });
    client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, token: TOKEN, plaintext: true }, env: {} }));
    await client.call(Hubs.method.create, { object: { id: "cli-hub", namespace: "orders", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\n") } });
    t = createTestPulumi("automation-cli");
    project = path.join(t.workDir, "project");
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: cli-e2e\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(
      path.join(project, "index.js"),
      `const { Cluster } = require("pulumi-fulfillment");
const web = new Cluster("web", { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } }, labels: { tier: process.env.TIER || "gold" } });
exports.clusterId = web.clusterId;
exports.kubeconfig = web.kubeconfig;
`,
    );
    env = { ...process.env, ...t.envVars, FULFILLMENT_TOKEN: TOKEN };
  });

  afterAll(async () => {
    client?.close();
    await sim?.stop();
    t?.dispose();
  });

  it("prints help for pipeline authors", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    for (const text of ["--stack", "--work-dir", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "FULFILLMENT_TOKEN", "--exit-code", "ephemeral"]) {
      expect(run.stdout).toContain(text);
    }
  });

  it("exits 1 on invalid arguments, naming the flag", async () => {
    const missing = await cli(["preview"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: --stack: required (or set PULUMI_STACK)");
    const unknown = await cli(["drift", "-s", "dev", "--exit-codes"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--exit-codes: Unknown option");
    const noProject = await cli(["up", "-s", "dev", "-C", path.join(t.workDir, "nowhere")]);
    expect(noProject.code).toBe(1);
    expect(noProject.stderr).toContain("no Pulumi.yaml in");
  });

  it("up, preview to Markdown and JSON, drift exit codes, destroy", async () => {
    const connection = ["-s", "dev", "-C", project, "--address", sim.address, "--plaintext"];
    const up = await cli(["up", ...connection]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/fulfillment:Cluster web created in \d+s/);
    expect(up.stderr).toMatch(/cluster 'web' \([0-9a-f-]{36}\): READY/);
    expect(up.stdout).toContain('"kubeconfig":"[secret]"');
    // The connection went to the stack config, the token as a secret.
    const stackFile = fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8");
    expect(stackFile).toContain(`fulfillment:address: ${sim.address}`);
    expect(stackFile).toMatch(/fulfillment:token:\n\s+secure: /);
    expect(stackFile).not.toContain(TOKEN);

    const md = path.join(t.workDir, "out", "preview.md");
    const json = path.join(t.workDir, "out", "preview.json");
    const preview = await cli(["preview", "-s", "dev", "-C", project, "--markdown", md, "--json", json], { TIER: "silver" });
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('update fulfillment:Cluster web: labels.tier: "gold" → "silver"');
    expect(fs.readFileSync(md, "utf8")).toContain('| 🟡 update | web | `fulfillment:Cluster` | `labels.tier`: `"gold"` → `"silver"` |');
    const report = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(report.resources.map((r: { name: string; operation: string }) => [r.name, r.operation])).toEqual([["web", "update"]]);

    const clean = await cli(["drift", "-s", "dev", "-C", project, "--exit-code"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain("no drift in cli-e2e/dev");

    const [web] = (await client.call(Clusters.method.list, {})).items;
    await client.call(Clusters.method.update, {
      object: { id: web.id, spec: { nodeSets: { workers: { hostClass: web.spec!.nodeSets.workers.hostClass, size: 4 } } } },
      updateMask: { paths: ["spec.node_sets"] },
    });
    const drifted = await cli(["drift", "-s", "dev", "-C", project, "--exit-code", "--json", "-"]);
    expect(drifted.code, drifted.stderr).toBe(2);
    const driftReport = JSON.parse(drifted.stdout);
    expect(driftReport.resources[0]).toMatchObject({ name: "web", kind: "changed" });
    expect(driftReport.resources[0].changes).toContainEqual({ path: "nodeSets.workers.size", kind: "update", old: 2, new: 4 });
    // Without --exit-code drift is a report, not a failure.
    expect((await cli(["drift", "-s", "dev", "-C", project])).code).toBe(0);

    const destroy = await cli(["destroy", "-s", "dev", "-C", project, "--remove"]);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(sim.snapshot().clusters).toEqual([]);
    // Once the stack is gone, drift is an error (1), not "no drift".
    expect((await cli(["drift", "-s", "dev", "-C", project, "--exit-code"])).code).toBe(1);

    for (const run of [up, preview, clean, drifted, destroy]) expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }, 300_000);
});

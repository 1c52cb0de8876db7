// A project directory run with the `pulumi` command itself: the Node.js language host
// runs the program, the engine starts the dynamic provider from the project directory.
// Both API generations (osac first, the default); the token comes from the environment.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../helpers/grpcRaw";
import type { Simulator } from "../../simulator";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";

const run = promisify(execFile);

describe.each([...GENERATIONS].reverse())("pulumi CLI on a project directory (%s generation)", (generation) => {
  let service: GenerationSimulator;
  let sim: Simulator;
  let t: TestPulumi;
  let env: NodeJS.ProcessEnv;

  const pulumi = async (...args: string[]) => {
    const { stdout } = await run("pulumi", [...args, "--non-interactive"], { cwd: t.workDir, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  };

  beforeAll(async () => {
    service = await startGenerationSimulator(generation, { controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    sim = service.sim;
    t = createTestPulumi(`cli-project-${generation}`);
    env = { ...process.env, ...t.envVars, FULFILLMENT_ADDRESS: sim.address, FULFILLMENT_PLAINTEXT: "true", FULFILLMENT_TOKEN: service.adminToken };
    delete env.FULFILLMENT_TOKEN_SCRIPT;
    delete env.FULFILLMENT_API;
    fs.writeFileSync(path.join(t.workDir, "Pulumi.yaml"), "name: cli-project\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(
      path.join(t.workDir, "index.js"),
      `const { Cluster, Hub } = require("pulumi-fulfillment");
const kubeconfig = "apiVersion: v1\\nkind: Config\\nclusters: [{name: h, cluster: {server: 'https://hub.example.invalid:6443'}}]\\nusers: [{name: h, user: {token: t}}]\\n";
const hub = new Hub("hub", { hubId: "cli-hub", kubeconfig, namespace: "orders" });
const web = new Cluster("web", { template: "sim_small", name: "web", nodeSets: { workers: { size: 2 } } }, { dependsOn: [hub] });
exports.state = web.state;
exports.clusterId = web.clusterId;
`,
    );
  });

  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  it("runs up, refresh and destroy through the language host", async () => {
    await pulumi("stack", "init", "dev");
    const up = await pulumi("up", "--yes");
    // The provider's progress lines reach the user's terminal.
    expect(up).toMatch(/cluster 'web' \([0-9a-f-]{36}\): .*READY/);
    // api: auto found the generation the server speaks.
    expect(up).toContain(generation === "osac" ? "(the osac generation, osac.public.v1)" : "(the innabox generation, fulfillment.v1)");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json"));
    expect(outputs.state).toBe("READY");
    expect((sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id)).toEqual([outputs.clusterId]);

    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview");
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(sim.snapshot().clusters).toHaveLength(0);
    // Hubs stay visible for the simulator's deletion delay after Delete, like objects with finalizers.
    await pollUntil(async () => sim.snapshot().hubs.length, (count) => count === 0, { timeoutMs: 5_000 });
  }, 240_000);
});

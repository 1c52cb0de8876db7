// examples/multi-cluster and the root YAML stack program, run with the pulumi CLI
// against the simulator: up (creating the host classes and templates they order), no
// drift on refresh, destroy leaves the service as it was. On both API generations (osac
// first, the default): the example takes its token from FULFILLMENT_TOKEN, the YAML
// document carries its own credentials as `connection.tokenScript`.
import { pollUntil } from "../helpers/grpcRaw";
import { snapshotOf } from "../helpers/snapshot";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../simulator";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { createTestPulumi, REPO_ROOT, backendFiles, type TestPulumi } from "../helpers/pulumi";
import { copyExample, pulumiCli } from "../helpers/cliProject";

// osac first: the generation the demo and a new user's server speak.
describe.each([...GENERATIONS].reverse())("examples (%s generation)", (generation) => {
  let service: GenerationSimulator;
  let sim: Simulator;
  let t: TestPulumi;
  /** The connection as a user's shell has it, without the token. */
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    service = await startGenerationSimulator(generation, { controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    sim = service.sim;
    t = createTestPulumi(`examples-${generation}`);
    env = { ...process.env, ...t.envVars, FULFILLMENT_ADDRESS: sim.address, FULFILLMENT_PLAINTEXT: "true", DEMO_HUB_KUBECONFIG: "" };
    delete env.FULFILLMENT_TOKEN;
    delete env.FULFILLMENT_TOKEN_SCRIPT;
    delete env.FULFILLMENT_API;
  });
  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  it("multi-cluster: hubs, a host class, a template and clusters of different sizes, up and destroy", async () => {
    const dir = copyExample(t, "multi-cluster");
    const pulumi = pulumiCli(dir, { ...env, FULFILLMENT_TOKEN: service.adminToken });
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "--path", "clusters.alpha", "2");
    await pulumi("config", "set", "--path", "clusters.beta", "4");
    await pulumi("up", "--yes");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json"));
    expect(outputs.hubIds).toEqual(["demo-hub-1", "demo-hub-2"]);
    const summaries = outputs.clusterSummaries as Array<{ name: string; state: string; hub: string; workers: number }>;
    expect(summaries.map((s) => [s.name, s.state, s.workers])).toEqual([
      ["alpha", "READY", 2],
      ["beta", "READY", 4],
    ]);
    for (const s of summaries) expect(outputs.hubIds).toContain(s.hub);
    expect(outputs.firstClusterKubeconfig).toBe("[secret]");
    // The example brings the host class and the template it orders.
    expect((await service.api.hostTypes.get("demo_workers"))?.id).toBe("demo_workers");
    expect((await service.api.templates.get("demo_standard"))?.nodeSets.workers?.hostType).toBe("demo_workers");
    const made = snapshotOf(sim);
    expect(made.clusters.map((c) => c.spec?.template)).toEqual(["demo_standard", "demo_standard"]);
    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview");
    await pulumi("destroy", "--yes", "--skip-preview");
    // Deleted hubs, templates and host classes linger for the deletion delay (50 ms) before they are gone.
    const snapshot = await pollUntil(async () => snapshotOf(sim), (now) => now.hubs.length === 0 && now.clusters.length === 0, { timeoutMs: 5_000 });
    expect(snapshot.clusters).toHaveLength(0);
    expect(snapshot.hubs).toHaveLength(0);
    expect(snapshot.templates.filter((x) => x.id === "demo_standard" && !x.metadata?.deletionTimestamp)).toEqual([]);
    expect(snapshot.hostClasses.filter((h) => h.id === "demo_workers" && !h.metadata?.deletionTimestamp)).toEqual([]);
  }, 300_000);

  it("root program: a YAML stack document becomes hubs, host classes, templates and clusters", async () => {
    const dir = path.join(t.workDir, "yaml-stack");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: yaml-stack\nruntime: nodejs\nmain: index.js\n");
    // The repository's own root program, as `pulumi up` in the repository root runs it.
    fs.writeFileSync(path.join(dir, "index.js"), `module.exports = require(${JSON.stringify(path.join(REPO_ROOT, "dist", "index.js"))});\n`);
    fs.writeFileSync(
      path.join(dir, "hub.kubeconfig"),
      "apiVersion: v1\nkind: Config\nclusters: [{name: h, cluster: {server: 'https://hub.example.invalid:6443'}}]\nusers: [{name: h, user: {token: yaml-hub-token-0c4e}}]\n",
    );
    // The document carries the credentials: a token script (osac wants a JWT, innabox takes the same setting).
    fs.writeFileSync(path.join(dir, "token"), `${service.adminToken}\n`, { mode: 0o600 });
    fs.writeFileSync(
      path.join(dir, "stack.yaml"),
      `connection: { tokenScript: "cat ${path.join(dir, "token")}" }
hubs:
  - { id: yaml-hub, namespace: orders, kubeconfigFile: ./hub.kubeconfig }
hostClasses:
  - { id: yaml_workers, title: YAML workers }
templates:
  - id: yaml_small
    title: YAML small
    parameters:
      - { name: pull_secret, type: string, required: true }
    nodeSets: { workers: { hostClass: yaml_workers, size: 2 } }
clusters:
  - name: one
    template: yaml_small
    parameters: { pull_secret: { fromEnv: YAML_PULL_SECRET } }
  - name: two
    template: sim_small
    nodeSets: { workers: { size: 3 } }
`,
    );
    const pulumi = pulumiCli(dir, { ...env, YAML_PULL_SECRET: "yaml-pull-secret-93ab" });
    await pulumi("stack", "init", "dev");
    await pulumi("up", "--yes");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json"));
    expect(outputs.hubs).toEqual({ "yaml-hub": "yaml-hub" });
    expect(outputs.templates).toEqual({ yaml_small: "yaml_small" });
    expect(outputs.clusters.one.state).toBe("READY");
    expect(outputs.clusters.two.state).toBe("READY");
    expect((await service.api.clusters.get(outputs.clusters.one.id))?.spec.nodeSets.workers?.hostType).toBe("yaml_workers");
    for (const file of backendFiles(t)) {
      const text = fs.readFileSync(file, "utf8");
      expect(text).not.toContain("yaml-pull-secret-93ab");
      expect(text).not.toContain("yaml-hub-token-0c4e");
      expect(text).not.toContain(service.adminToken);
    }

    // A bad document fails before anything is touched, pointing at the YAML path.
    fs.writeFileSync(path.join(dir, "stack.yaml"), fs.readFileSync(path.join(dir, "stack.yaml"), "utf8").replace("size: 3", "size: 0"));
    const failed = await pulumi("preview").catch((e: Error) => e.message);
    expect(failed).toContain("clusters[1].nodeSets.workers.size: expected a positive integer (the server refuses size 0) (line 18)");
    expect(failed).not.toMatch(/at .*load\.js/); // the problems, not a stack trace

    await pulumi("destroy", "--yes", "--skip-preview");
    expect(snapshotOf(sim).clusters).toHaveLength(0);
    expect(snapshotOf(sim).hostClasses.filter((h) => h.id === "yaml_workers" && !h.metadata?.deletionTimestamp)).toEqual([]);
  }, 300_000);
});

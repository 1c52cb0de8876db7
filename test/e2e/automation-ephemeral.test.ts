// Ephemeral clusters against the real engine and the simulator: cleanup after success,
// after a throwing callback, after a child process that kills itself, after SIGTERM to
// the CLI, and (cleanupEphemeralStacks) after the CLI itself was killed outright.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { cleanupEphemeralStacks, withEphemeralCluster, type EphemeralClusterOptions } from "../../automation/ephemeral";
import { pulumiCommand } from "../../automation/environment";
import { createTestPulumi, REPO_ROOT, type TestPulumi } from "../helpers/pulumi";

const TOKEN = "admin-token-ephemeral-2a8c4e6f";
const PROJECT = "ephemeral-e2e";
const CLI = path.join(REPO_ROOT, "dist", "automation", "cli.js");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("ephemeral clusters", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let workRoot: string;
  let workBase: string;
  let env: NodeJS.ProcessEnv;
  const lines: string[] = [];

  const options = (): EphemeralClusterOptions => ({
    template: "sim_small",
    nodeSets: { workers: { size: 1 } },
    projectName: PROJECT,
    backendUrl: `file://${t.backendDir}`,
    passphrase: "test-passphrase",
    connection: { address: sim.address, token: TOKEN, plaintext: true },
    connectionFromEnvironment: false,
    workBase,
    onLine: (line) => lines.push(line),
  });

  const clusters = () => sim.snapshot().clusters as Array<{ id: string; metadata?: { labels?: Record<string, string> } }>;

  const stacks = async () => {
    const dir = path.join(t.workDir, "list");
    fs.mkdirSync(dir, { recursive: true });
    const ws = await LocalWorkspace.create({
      workDir: dir,
      envVars: t.envVars,
      pulumiCommand: await pulumiCommand(),
      projectSettings: { name: PROJECT, runtime: "nodejs", backend: { url: `file://${t.backendDir}` } },
    });
    return (await ws.listStacks()).map((s) => s.name);
  };

  const cli = (args: string[], onSpawn?: (pid: number) => void): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        // Let the pipes drain before resolving.
        setImmediate(() => {
          // Whatever happened, the token never reaches the output.
          expect(stdout + stderr).not.toContain(TOKEN);
          resolve({ code, signal, stdout, stderr });
        });
      });
      onSpawn?.(child.pid!);
    });

  beforeAll(async () => {
    expect(fs.existsSync(CLI), `${CLI} missing: run npx tsc -p tsconfig.json`).toBe(true);
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      deletionDelayMs: 50,
      auth: { clientTokens: [], adminTokens: [TOKEN] },
    });
    const client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, token: TOKEN, plaintext: true }, env: {} }));
    await client.call(Hubs.method.create, { object: { id: "ephemeral-hub", namespace: "orders", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\n") } });
    client.close();
    t = createTestPulumi("automation-ephemeral");
    workRoot = path.join(t.workDir, "work");
    workBase = path.join(workRoot, "ephemeral");
    env = {
      ...process.env,
      ...t.envVars,
      FULFILLMENT_ADDRESS: sim.address,
      FULFILLMENT_PLAINTEXT: "true",
      FULFILLMENT_TOKEN: TOKEN,
      PULUMI_FULFILLMENT_WORK_DIR: workRoot,
    };
  });

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
  });

  it("hands the callback a READY cluster's credentials, then destroys it and removes the stack", async () => {
    const sigintListeners = process.listenerCount("SIGINT");
    let seen: { stackName: string; clusterId: string; kubeconfig: string; apiUrl: string; during: number } | undefined;
    const result = await withEphemeralCluster(options(), async (cluster) => {
      seen = { ...cluster, during: process.listenerCount("SIGINT") };
      const onServer = clusters().find((c) => c.id === cluster.clusterId);
      expect(onServer?.metadata?.labels?.["pulumi-fulfillment/ephemeral-stack"]).toBe(cluster.stackName);
      return 42;
    });
    expect(result).toBe(42);
    expect(seen!.stackName).toMatch(/^ephemeral-\d{14}-[0-9a-f]{6}$/);
    expect(seen!.clusterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen!.apiUrl).toMatch(/^https:\/\//);
    expect(seen!.kubeconfig).toContain("apiVersion");
    expect(seen!.during).toBe(sigintListeners + 1);
    expect(process.listenerCount("SIGINT")).toBe(sigintListeners);
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
    expect(fs.existsSync(path.join(workBase, seen!.stackName))).toBe(false);
    const everything = lines.join("\n");
    expect(everything).toContain(`removed ephemeral stack '${seen!.stackName}'`);
    expect(everything).not.toContain(TOKEN);
    for (const piece of seen!.kubeconfig.split("\n").filter((l) => l.trim().length >= 16)) expect(everything).not.toContain(piece.trim());
  }, 240_000);

  it("cleans up when the callback throws, and rethrows its error", async () => {
    let stackName = "";
    await expect(
      withEphemeralCluster(options(), (cluster) => {
        stackName = cluster.stackName;
        throw new Error("tests failed");
      }),
    ).rejects.toThrow("tests failed");
    expect(stackName).not.toBe("");
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
  }, 240_000);

  it("CLI: runs the command with a 0600 KUBECONFIG, passes its exit code through, cleans up", async () => {
    const probe = path.join(t.workDir, "probe.txt");
    const run = await cli([
      "ephemeral", "--template", "sim_small", "--node-set", "workers=1", "--project", PROJECT, "--",
      "sh", "-c", `printf '%s %s %s\\n' "$KUBECONFIG" "$(stat -c %a "$KUBECONFIG")" "$FULFILLMENT_CLUSTER_ID" > ${probe}; grep -q apiVersion "$KUBECONFIG" && exit 7`,
    ]);
    expect(run.stderr).not.toContain(TOKEN);
    expect(run.code, run.stderr).toBe(7);
    const [kubeconfig, mode, clusterId] = fs.readFileSync(probe, "utf8").trim().split(" ");
    expect(mode).toBe("600");
    expect(clusterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
  }, 240_000);

  it("CLI: cleans up after a child that kills itself (exit 128+9)", async () => {
    const run = await cli(["ephemeral", "--template", "sim_small", "--project", PROJECT, "-q", "--", "sh", "-c", "kill -KILL $$"]);
    expect(run.code, run.stderr).toBe(137);
    expect(run.stderr).toContain("killed by SIGKILL");
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
  }, 240_000);

  it("CLI: SIGTERM stops the command, destroys the cluster and exits 128+15", async () => {
    const ready = path.join(t.workDir, "ready-term.txt");
    let cliPid = 0;
    const running = cli(
      ["ephemeral", "--template", "sim_small", "--project", PROJECT, "--", "sh", "-c", `echo "$KUBECONFIG" > ${ready}; exec sleep 300`],
      (pid) => (cliPid = pid),
    );
    const kubeconfig = await waitFor("the command to start", () => (fs.existsSync(ready) && fs.readFileSync(ready, "utf8").trim()) || undefined);
    expect(clusters()).toHaveLength(1);
    process.kill(cliPid, "SIGTERM");
    const run = await running;
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain("received SIGTERM");
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
  }, 240_000);

  it("finds and removes the stack of a run that was killed outright", async () => {
    const ready = path.join(t.workDir, "ready-kill.txt");
    let cliPid = 0;
    const running = cli(
      ["ephemeral", "--template", "sim_small", "--project", PROJECT, "--", "sh", "-c", `echo $$ > ${ready}; exec sleep 300`],
      (pid) => (cliPid = pid),
    );
    const childPid = await waitFor("the command to start", () => (fs.existsSync(ready) && Number(fs.readFileSync(ready, "utf8").trim())) || undefined);
    process.kill(cliPid, "SIGKILL");
    process.kill(childPid, "SIGKILL");
    const run = await running;
    expect(run.signal).toBe("SIGKILL");
    const left = await stacks();
    expect(left).toHaveLength(1);
    expect(clusters()).toHaveLength(1);

    const young = await cleanupEphemeralStacks({ ...options(), olderThan: "1h" });
    expect(young).toEqual({ removed: [], kept: left, failed: [] });
    expect(clusters()).toHaveLength(1);

    // The CLI's cleanup, with the crashed run's work dir gone too (a fresh CI job).
    fs.rmSync(path.join(workBase, left[0]), { recursive: true, force: true });
    const cleanup = await cli(["cleanup", "--older-than", "0", "--project", PROJECT]);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toContain(`removed 1 ephemeral stack(s): ${left[0]}`);
    expect(clusters()).toEqual([]);
    expect(await stacks()).toEqual([]);
  }, 240_000);
});

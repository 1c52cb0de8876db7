// Benchmarks of the Cluster resource through the real engine against the simulator, with a
// fixed simulated provisioning time. Prints one table; not a test (no pass/fail), run by
// scripts/bench.sh (`make bench`).
//
//   engine start-up      `pulumi up` of an empty stack (the fixed cost of every run)
//   up N clusters        wall time, as a ratio to the provisioning time, raw and minus start-up
//   READY noticed        simulator's READY transition -> the provider's "READY" progress line
//   READY -> completed   simulator's READY transition -> the engine's outputs event for the resource
//                        (includes up to 200 ms of the Automation API's event-log polling)
//   refresh 50           wall time, as a ratio to one List of the 50 clusters
//   provider peak RSS    VmHWM of the dynamic-provider process (sampled from /proc)
//
// Settings (environment): BENCH_PROVISIONING_S (20), BENCH_SIZES ("10,50"), BENCH_PARALLEL (64),
// BENCH_DEFAULT_PARALLEL=0 to skip the run at the engine's default parallelism.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { Cluster } from "pulumi-fulfillment";
import { startSimulator, type Simulator } from "pulumi-fulfillment/simulator";
import { FulfillmentClient } from "pulumi-fulfillment/dist/client/client";
import { resolveConnection } from "pulumi-fulfillment/dist/client/connection";
import { Clusters } from "pulumi-fulfillment/dist/proto/gen/fulfillment/v1/clusters_service_pb";
import { Hubs } from "pulumi-fulfillment/dist/proto/gen/private/v1/hubs_service_pb";
import { pulumiCommand, pulumiEnvironment, requireBinary } from "pulumi-fulfillment/dist/automation/environment";

const REPO = path.resolve(__dirname, "../..");
const PROVISIONING_S = Number(process.env.BENCH_PROVISIONING_S ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? "10,50").split(",").map(Number);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 64);
const WITH_DEFAULT_PARALLEL = process.env.BENCH_DEFAULT_PARALLEL !== "0";

const now = () => performance.timeOrigin + performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

/** Peak memory of every dynamic-provider process started below this one. */
class ProviderMemory {
  private timer: NodeJS.Timeout | undefined;
  peakKb = 0;
  private readonly seen = new Set<number>();

  start(): void {
    this.peakKb = 0;
    this.timer = setInterval(() => this.sample(), 200);
  }

  stop(): { peakMb: number; processes: number } {
    clearInterval(this.timer);
    this.sample();
    const result = { peakMb: this.peakKb / 1024, processes: this.seen.size };
    this.seen.clear();
    return result;
  }

  private sample(): void {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        parents.set(Number(entry), ppid);
      } catch {
        // gone
      }
    }
    const mine = (pid: number) => {
      for (let p = pid, hops = 0; p > 1 && hops < 20; p = parents.get(p) ?? 0, hops++) if (p === process.pid) return true;
      return false;
    };
    for (const pid of parents.keys()) {
      if (!mine(pid)) continue;
      try {
        if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        this.seen.add(pid);
        this.peakKb = Math.max(this.peakKb, hwm);
      } catch {
        // gone
      }
    }
  }
}

interface Timings {
  readyAt: Map<string, number>;
  noticedAt: Map<string, number>;
  completedAt: Map<string, number>;
}

async function main(): Promise<void> {
  requireBinary("pulumi");
  const root = path.join(REPO, ".work", `bench-${randomBytes(4).toString("hex")}`);
  const backend = path.join(root, "backend");
  fs.mkdirSync(backend, { recursive: true });
  const envVars = pulumiEnvironment({ backendUrl: `file://${backend}`, passphrase: "bench" });
  const command = await pulumiCommand();
  const timings: Timings = { readyAt: new Map(), noticedAt: new Map(), completedAt: new Map() };
  const sim: Simulator = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
    provisioningDelayMs: PROVISIONING_S * 1000,
    deletionDelayMs: 200,
    log: (line) => {
      const ready = /^cluster ([0-9a-f-]{36}): READY$/.exec(line);
      if (ready) timings.readyAt.set(ready[1], now());
    },
  });
  const client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true }, env: {}, cliConfigPath: path.join(root, "none.json") }));
  await client.call(Hubs.method.create, {
    object: { id: "bench-hub", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\nclusters: [{name: h, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: h, user: {token: t}}]\n"), namespace: "orders" },
  });
  const memory = new ProviderMemory();
  const rows: Array<[string, string, string]> = [];

  /** `provisioningMs(i)`: a per-cluster provisioning time (simulator label); default the fixed one. */
  const stackFor = async (name: string, clusters: number, provisioningMs?: (i: number) => number): Promise<Stack> => {
    const workDir = path.join(root, name);
    fs.mkdirSync(workDir, { recursive: true });
    const program = async () => {
      for (let i = 0; i < clusters; i++) {
        const labels = provisioningMs ? { "simulator.osac.io/provisioning-ms": String(provisioningMs(i)) } : undefined;
        new Cluster(`c${i}`, { template: "sim_small", name: `c${i}`, labels });
      }
      return {};
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: name, stackName: "bench", program },
      { workDir, envVars, pulumiCommand: command, projectSettings: { name, runtime: "nodejs", backend: { url: `file://${backend}` } } },
    );
    await stack.setAllConfig({ "fulfillment:address": { value: sim.address }, "fulfillment:plaintext": { value: "true" } });
    return stack;
  };

  const observe = () => {
    let buffer = "";
    return {
      onOutput: (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) {
          const m = /cluster '[^']*' \(([0-9a-f-]{36})\): READY \(after/.exec(line);
          if (m && !timings.noticedAt.has(m[1])) timings.noticedAt.set(m[1], now());
        }
      },
      onEvent: (event: EngineEvent) => {
        const outputs = event.resOutputsEvent?.metadata?.new?.outputs as { clusterId?: string } | undefined;
        if (outputs?.clusterId && !timings.completedAt.has(outputs.clusterId)) timings.completedAt.set(outputs.clusterId, now());
      },
    };
  };

  const timed = async <T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const started = now();
    const result = await run();
    return { ms: now() - started, result };
  };

  try {
    // Engine start-up: an up with nothing to do.
    const empty = await stackFor("empty", 0);
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) startups.push((await timed(() => empty.up())).ms);
    const startup = median(startups);
    const emptyRefresh = (await timed(() => empty.refresh())).ms;
    rows.push(["engine start-up (up of an empty stack, median of 3)", seconds(startup), "fixed cost of every run"]);

    const provisioning = PROVISIONING_S * 1000;
    const upRow = (label: string, ms: number) => {
      const ratio = ms / provisioning;
      const net = (ms - startup) / provisioning;
      rows.push([label, `${seconds(ms)} = ${ratio.toFixed(2)}x; minus start-up ${net.toFixed(2)}x`, `goal <= 1.3x + start-up: ${net <= 1.3 ? "met" : "MISSED"}`]);
    };

    let fiftyStack: Stack | undefined;
    for (const size of SIZES) {
      const stack = await stackFor(`fleet-${size}`, size);
      memory.start();
      const up = await timed(() => stack.up({ parallel: PARALLEL, ...observe() }));
      const mem = memory.stop();
      upRow(`up ${size} clusters (${PROVISIONING_S} s provisioning, --parallel ${PARALLEL})`, up.ms);
      rows.push([`  dynamic-provider peak RSS during that up`, `${mem.peakMb.toFixed(0)} MB (${mem.processes} process)`, `goal < 150 MB: ${mem.peakMb < 150 ? "met" : "MISSED"}`]);
      if (size === Math.max(...SIZES)) fiftyStack = stack;
      else await stack.destroy({ parallel: PARALLEL });
    }

    // READY notice latency over every phase of the polling: 20 clusters whose provisioning
    // times are spread over one second (5 s + i x 50 ms), so READY lands anywhere between two polls.
    for (const map of [timings.readyAt, timings.noticedAt, timings.completedAt]) map.clear();
    const notice = await stackFor("notice", 20, (i) => 5000 + i * 50);
    await notice.up({ parallel: PARALLEL, ...observe() });
    await notice.destroy({ parallel: PARALLEL });
    const latencies = (to: Map<string, number>) =>
      [...timings.readyAt].filter(([id]) => to.has(id)).map(([id, at]) => to.get(id)! - at);
    const noticed = latencies(timings.noticedAt);
    const completed = latencies(timings.completedAt);
    const spread = (xs: number[]) => `median ${(median(xs) / 1000).toFixed(2)} s, p95 ${(percentile(xs, 95) / 1000).toFixed(2)} s, max ${(Math.max(...xs) / 1000).toFixed(2)} s (n=${xs.length})`;
    rows.push(["READY -> provider notices (progress line; READY phases spread over 1 s)", spread(noticed), `goal < 1 s: ${Math.max(...noticed) < 1000 ? "met (max)" : "MISSED (max)"}`]);
    rows.push(["READY -> resource completed (engine event, +<=0.2 s log polling)", spread(completed), ""]);

    if (fiftyStack) {
      const size = Math.max(...SIZES);
      const lists: number[] = [];
      for (let i = 0; i < 6; i++) lists.push((await timed(() => client.call(Clusters.method.list, { limit: 1000 }))).ms);
      const list = median(lists.slice(1));
      memory.start();
      const refresh = await timed(() => fiftyStack!.refresh({ parallel: PARALLEL }));
      const mem = memory.stop();
      rows.push([
        `refresh ${size} clusters (--parallel ${PARALLEL})`,
        `${seconds(refresh.ms)} = ${(refresh.ms / list).toFixed(0)}x one List (${list.toFixed(1)} ms); minus an empty refresh (${seconds(emptyRefresh)}): ${((refresh.ms - emptyRefresh) / list).toFixed(0)}x`,
        `provider peak RSS ${mem.peakMb.toFixed(0)} MB`,
      ]);
      const destroy = await timed(() => fiftyStack!.destroy({ parallel: PARALLEL }));
      rows.push([`destroy ${size} clusters (--parallel ${PARALLEL})`, seconds(destroy.ms), ""]);

      if (WITH_DEFAULT_PARALLEL) {
        const stack = await stackFor(`fleet-${size}-default`, size);
        const up = await timed(() => stack.up());
        upRow(`up ${size} clusters at the engine's default parallelism (4 x CPUs = ${4 * os.availableParallelism()})`, up.ms);
        await stack.destroy({ parallel: PARALLEL });
      }
    }
  } finally {
    client.close();
    await sim.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }

  const model = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const pulumiVersion = execFileSync(requireBinary("pulumi"), ["version"], { encoding: "utf8" }).trim();
  console.log(`\nmachine: nproc ${os.availableParallelism()}, ${model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; node ${process.version}; pulumi ${pulumiVersion}`);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ["measure", "figure", "goal / note"][i].length));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(["measure", "figure", "goal / note"]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

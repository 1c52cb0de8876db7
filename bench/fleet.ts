// Fleet benchmark of the Cluster resource through the real engine against the simulator, with
// a fixed simulated provisioning time, at several fleet sizes, in both wait modes and beside
// the engine alone. The program (bench/fleetProgram.ts) runs in the language host's process:
//   watch   the provider's waits follow one Events.Watch stream (an admin token: the simulator in
//           guest mode, as the innabox deployment lets only admins watch)
//   poll    Watch refused (a client token, PERMISSION_DENIED): one shared List per 0.6 s
//   engine  the engine alone, for comparison: a dynamic resource of a Cluster's shape with no
//           API behind it, whose create sleeps the provisioning time, then prints a line (as our
//           READY line), and whose read and delete return at once (delete after the simulator's
//           200 ms). Each figure of this row is the floor the engine, the Node.js SDK and the
//           dynamic-provider host set for a fleet of that size.
// Prints one table; not a test (no pass/fail), run by scripts/bench.sh (`make bench`).
//
// Per mode and size:
//   up                 wall time as a ratio to the provisioning time, minus the engine start-up
//   Creates over       from the first Create the simulator received to the last (engine row:
//                      from the first create that began to the last): how fast the engine sends them
//   last line -> end   from the last READY line to the end of `up`: the engine and the program
//                      finishing (the program resolves every resource's outputs, then exits)
//   READY -> read      simulator's READY transition -> the provider's first GetKubeconfig of the
//                      cluster, which it sends once it has seen READY and settled it with a read
//   READY -> line      simulator's READY transition -> the provider's "READY" progress line in the
//                      CLI's output: the above plus the engine's diagnostics pipeline (engine row:
//                      the line's own timestamp -> the CLI's output)
//   calls/s waiting    API calls the simulator received per second while every cluster waited
//                      (from the last Create to the first READY)
//   refresh            wall time, as a ratio to an empty stack's refresh, and to one List of the fleet;
//                      the API calls the simulator received during it
//   destroy            wall time
//   provider peak RSS  VmHWM of the dynamic-provider process (sampled from /proc)
//
//   load               the machine's 1-minute load average when the row was done
//
// Settings (environment): BENCH_PROVISIONING_S (20), BENCH_SIZES ("50,200,500"), BENCH_MODES
// ("watch,poll,engine"), BENCH_PARALLEL (default: the fleet size, so that no cluster waits for a slot),
// BENCH_CHECKPOINTS ("on"; "on,off" also runs each size with PULUMI_SKIP_CHECKPOINTS=true, the
// CLI's flag that writes only the final state of an update, to show what checkpoints cost).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "pulumi-fulfillment/simulator";
import { FulfillmentClient } from "pulumi-fulfillment/dist/client/client";
import { resolveConnection } from "pulumi-fulfillment/dist/client/connection";
import { Clusters } from "pulumi-fulfillment/dist/proto/gen/fulfillment/v1/clusters_service_pb";
import { Hubs } from "pulumi-fulfillment/dist/proto/gen/private/v1/hubs_service_pb";
import { pulumiCommand, pulumiEnvironment, requireBinary } from "pulumi-fulfillment/dist/automation/environment";

const REPO = path.resolve(__dirname, "../..");
const PROVISIONING_S = Number(process.env.BENCH_PROVISIONING_S ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? "50,200,500").split(",").map(Number);
const MODES = (process.env.BENCH_MODES ?? "watch,poll,engine").split(",") as Array<"watch" | "poll" | "engine">;
const CHECKPOINTS = (process.env.BENCH_CHECKPOINTS ?? "on").split(",") as Array<"on" | "off">;
const parallelFor = (size: number) => Number(process.env.BENCH_PARALLEL ?? Math.max(size, 8));
const ADMIN_TOKEN = `bench-admin-${randomBytes(8).toString("hex")}`;
const CLIENT_TOKEN = `bench-client-${randomBytes(8).toString("hex")}`;

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
const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

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
  /** The provider's first GetKubeconfig of the cluster, as the simulator received it. */
  readAt: Map<string, number>;
  /** When each Create reached the simulator (engine row: when each create began). */
  createdAt: number[];
  noticedAt: Map<string, number>;
}

/** Calls per second while every cluster of a run waits: from the last Create to the first READY. */
class WaitWindow {
  private timer: NodeJS.Timeout | undefined;
  private start: { at: number; calls: number } | undefined;
  private end: { at: number; calls: number } | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly size: number,
    private readonly timings: Timings,
  ) {}

  begin(): void {
    const creates = () => Object.entries(this.sim.calls()).filter(([p]) => p.endsWith("Clusters/Create")).reduce((n, [, v]) => n + v, 0);
    const baseline = creates();
    this.timer = setInterval(() => {
      if (!this.start && creates() - baseline >= this.size) this.start = { at: now(), calls: sum(this.sim.calls()) };
      if (this.start && !this.end && this.timings.readyAt.size > 0) this.end = { at: now(), calls: sum(this.sim.calls()) };
    }, 50);
  }

  finish(): { perSecond: number; seconds: number } {
    clearInterval(this.timer);
    if (!this.start || !this.end) return { perSecond: NaN, seconds: 0 };
    const secs = (this.end.at - this.start.at) / 1000;
    return { perSecond: (this.end.calls - this.start.calls) / secs, seconds: secs };
  }
}

async function main(): Promise<void> {
  requireBinary("pulumi");
  const root = path.join(REPO, ".work", `bench-${randomBytes(4).toString("hex")}`);
  const backend = path.join(root, "backend");
  fs.mkdirSync(backend, { recursive: true });
  const envVars = pulumiEnvironment({ backendUrl: `file://${backend}`, passphrase: "bench" });
  const command = await pulumiCommand();
  const timings: Timings = { readyAt: new Map(), readAt: new Map(), noticedAt: new Map(), createdAt: [] };
  const memory = new ProviderMemory();
  const header = ["mode", "clusters", "--parallel", "up (x provisioning; minus start-up)", "Creates over", "last line -> up ends", "READY -> read p95 (max)", "READY -> line p95 (max)", "calls/s waiting", "refresh (x empty; x one List)", "refresh calls", "destroy", "provider peak RSS", "load"];
  const rows: string[][] = [];
  const notes: string[] = [];

  // The program runs in the language host's own process, as a user's does: inline, it would
  // share this process (and its event loop) with the simulator.
  const stackFor = async (sim: Simulator, token: string, name: string, clusters: number, skipCheckpoints = false, baseline = false): Promise<Stack> => {
    const workDir = path.join(root, name);
    fs.mkdirSync(workDir, { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
      { workDir, stackName: "bench" },
      {
        envVars: skipCheckpoints ? { ...envVars, PULUMI_SKIP_CHECKPOINTS: "true" } : envVars,
        pulumiCommand: command,
        projectSettings: {
          name,
          runtime: { name: "nodejs", options: { typescript: false } },
          main: path.relative(workDir, path.join(__dirname, "fleetProgram.js")),
          backend: { url: `file://${backend}` },
        },
      },
    );
    await stack.setAllConfig({
      "bench:clusters": { value: String(clusters) },
      "bench:engineBaseline": { value: String(baseline) },
      "bench:provisioningMs": { value: String(provisioning) },
      "fulfillment:address": { value: sim.address },
      "fulfillment:plaintext": { value: "true" },
      "fulfillment:token": { value: token, secret: true },
    });
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
          const b = /bench-baseline (\S+): done at (\d+)/.exec(line);
          if (b && !timings.noticedAt.has(b[1])) {
            timings.readyAt.set(b[1], Number(b[2]));
            timings.createdAt.push(Number(b[2]) - provisioning);
            timings.noticedAt.set(b[1], Date.now());
          }
        }
      },
      onEvent: (_event: EngineEvent) => undefined,
    };
  };

  const timed = async <T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const started = now();
    const result = await run();
    return { ms: now() - started, result };
  };

  let startup = NaN;
  let emptyRefresh = NaN;
  const provisioning = PROVISIONING_S * 1000;
  const p95 = (xs: number[]) => (xs.length ? `${(percentile(xs, 95) / 1000).toFixed(3)} s (${(Math.max(...xs) / 1000).toFixed(3)} s), n=${xs.length}` : "-");
  try {
    for (const mode of MODES) {
      const sim: Simulator = await startSimulator({
        api: "innabox",
        seed: "catalog",
        hubs: "simulated",
        provisioningDelayMs: provisioning,
        deletionDelayMs: 200,
        // Guest mode (everyone is admin) would also do for watch; tokens keep both modes alike.
        auth: { adminTokens: [ADMIN_TOKEN], clientTokens: [CLIENT_TOKEN] },
        log: (line) => {
          const ready = /^cluster ([0-9a-f-]{36}): READY$/.exec(line);
          if (ready) timings.readyAt.set(ready[1], now());
        },
        onCall: (method, request) => {
          if (method.endsWith("Clusters/Create")) timings.createdAt.push(now());
          if (!method.endsWith("/GetKubeconfig")) return;
          const id = (request as unknown as { id?: string }).id;
          if (id && !timings.readAt.has(id)) timings.readAt.set(id, now());
        },
      });
      const token = mode === "watch" ? ADMIN_TOKEN : CLIENT_TOKEN;
      const client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true, token: ADMIN_TOKEN }, env: {}, cliConfigPath: path.join(root, "none.json") }));
      try {
        await client.call(Hubs.method.create, {
          object: { id: "bench-hub", kubeconfig: Buffer.from("apiVersion: v1\nkind: Config\nclusters: [{name: h, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: h, user: {token: t}}]\n"), namespace: "orders" },
        });
        if (Number.isNaN(startup)) {
          // Engine start-up: an up with nothing to do; an empty refresh likewise.
          const empty = await stackFor(sim, token, "empty", 0);
          const startups: number[] = [];
          for (let i = 0; i < 3; i++) startups.push((await timed(() => empty.up())).ms);
          startup = median(startups);
          emptyRefresh = (await timed(() => empty.refresh())).ms;
        }
        for (const [size, checkpoints] of SIZES.flatMap((size) => CHECKPOINTS.map((c) => [size, c] as const))) {
          const skipCheckpoints = checkpoints === "off";
          const parallel = parallelFor(size);
          timings.readyAt.clear();
          timings.readAt.clear();
          timings.noticedAt.clear();
          timings.createdAt.length = 0;
          const engine = mode === "engine";
          const stack = await stackFor(sim, token, `fleet-${mode}-${size}-${checkpoints}`, size, skipCheckpoints, engine);
          const window = new WaitWindow(sim, size, timings);
          memory.start();
          window.begin();
          const up = await timed(() => stack.up({ parallel, ...observe() }));
          const upEnded = now();
          const waiting = window.finish();
          const mem = memory.stop();
          const after = (until: Map<string, number>) => [...timings.readyAt].filter(([id]) => until.has(id)).map(([id, at]) => until.get(id)! - at);
          const latencies = after(timings.noticedAt);
          const reads = after(timings.readAt);
          const lists: number[] = [];
          for (let i = 0; i < 6; i++) lists.push((await timed(() => client.call(Clusters.method.list, { limit: 1000 }))).ms);
          const list = median(lists.slice(1));
          memory.start();
          const callsBefore = sum(sim.calls());
          const refresh = await timed(() => stack.refresh({ parallel }));
          const refreshCalls = sum(sim.calls()) - callsBefore;
          const refreshMem = memory.stop();
          const destroy = await timed(() => stack.destroy({ parallel }));
          const ratio = up.ms / provisioning;
          const net = (up.ms - startup) / provisioning;
          rows.push([
            skipCheckpoints ? `${mode}, PULUMI_SKIP_CHECKPOINTS=true` : mode,
            String(size),
            String(parallel),
            `${seconds(up.ms)} = ${ratio.toFixed(2)}x; ${net.toFixed(2)}x`,
            timings.createdAt.length ? seconds(Math.max(...timings.createdAt) - Math.min(...timings.createdAt)) : "-",
            timings.noticedAt.size ? seconds(upEnded - Math.max(...timings.noticedAt.values())) : "-",
            p95(reads),
            p95(latencies),
            engine ? "-" : `${waiting.perSecond.toFixed(2)} over ${waiting.seconds.toFixed(0)} s`,
            `${seconds(refresh.ms)} = ${(refresh.ms / emptyRefresh).toFixed(1)}x` + (engine ? "" : `; ${((refresh.ms - emptyRefresh) / list).toFixed(0)}x List (${list.toFixed(1)} ms)`),
            engine ? "-" : String(refreshCalls),
            seconds(destroy.ms),
            `${Math.max(mem.peakMb, refreshMem.peakMb).toFixed(0)} MB`,
            os.loadavg()[0].toFixed(1),
          ]);
          console.log(`bench: ${rows.at(-1)!.join(" | ")}`);
        }
      } finally {
        client.close();
        await sim.stop();
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }

  const model = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const pulumiVersion = execFileSync(requireBinary("pulumi"), ["version"], { encoding: "utf8" }).trim();
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(`\nmachine: nproc ${os.availableParallelism()}, ${model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${load} at the end; node ${process.version}; pulumi ${pulumiVersion}`);
  console.log(`provisioning ${PROVISIONING_S} s; engine start-up (up of an empty stack, median of 3) ${seconds(startup)}; empty refresh ${seconds(emptyRefresh)}`);
  console.log("goals: up <= 1.3x + start-up at 500; READY noticed p95 <= 0.1 s (watch), <= 1 s (poll); <= 2 calls/s waiting; refresh <= 2x empty + one List; peak RSS <= 200 MB\n");
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  for (const note of notes) console.log(note);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Ephemeral clusters for pipelines: a uniquely named stack with one Cluster, up (which
// waits for READY), the caller's function, then destroy and stack removal, whatever
// happens: a throwing function, SIGINT or SIGTERM. A process killed outright (SIGKILL,
// power loss) leaves a stack named `ephemeral-<UTC timestamp>-<random>`, which
// cleanupEphemeralStacks finds and removes.
import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { LocalWorkspace, type PulumiFn } from "@pulumi/pulumi/automation";
import { parseDuration } from "../timing/duration";
import type { ClusterArgs, ClusterTimeouts } from "../resources/cluster";
import { pulumiCommand, pulumiEnvironment } from "./environment";
import { connectionForStack, type ConnectionSettings } from "./connection";
import { redactLine } from "./values";
import type { LineSink } from "./progress";
import { FulfillmentStack, defaultWorkBase } from "./stack";

export const DEFAULT_EPHEMERAL_PREFIX = "ephemeral";
export const DEFAULT_EPHEMERAL_PROJECT = "fulfillment-ephemeral";

export interface EphemeralClusterOptions {
  /** Template id or name, e.g. `ocp_4_17_small`. */
  template: string;
  templateParameters?: Record<string, unknown>;
  nodeSets?: Record<string, { size: number; hostClass?: string }>;
  /** Cluster name (DNS label); default: the stack name. */
  name?: string;
  labels?: Record<string, string>;
  timeouts?: { create?: string; update?: string; delete?: string };
  connection?: ConnectionSettings;
  connectionFromEnvironment?: boolean;
  backendUrl?: string;
  passphrase?: string;
  env?: NodeJS.ProcessEnv;
  /** Project the ephemeral stacks belong to; default `fulfillment-ephemeral`. */
  projectName?: string;
  /** Stack name prefix; default `ephemeral`. */
  prefix?: string;
  /** Where the per-stack workspaces live; default `<package>/.work/automation/ephemeral`. */
  workBase?: string;
  onLine?: LineSink;
  quiet?: boolean;
  /** Signals that trigger cleanup while the cluster exists; default SIGINT and SIGTERM. */
  signals?: NodeJS.Signals[];
  /** After a signal, how long `fn` gets to return (its `signal` is aborted) before cleanup starts anyway; default 15s. */
  interruptGraceMs?: number;
}

export interface EphemeralCluster {
  stackName: string;
  clusterId: string;
  apiUrl: string;
  consoleUrl: string;
  /** Kubeconfig content (a secret: it is masked in every progress line). */
  kubeconfig: string;
  /** Aborted when SIGINT/SIGTERM arrives: stop work, cleanup starts at once. */
  signal: AbortSignal;
}

/** Thrown after cleanup when a signal interrupted the run; `exitCode` is 128 + the signal number. */
export class EphemeralInterruptedError extends Error {
  readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals, readonly stackName: string) {
    super(`interrupted by ${signal}; ephemeral stack '${stackName}' was cleaned up`);
    this.name = "EphemeralInterruptedError";
    this.exitCode = 128 + signalNumber(signal);
  }
}

/** Thrown when destroy or stack removal failed; the stack is left for cleanupEphemeralStacks. */
export class EphemeralCleanupError extends Error {
  constructor(readonly stackName: string, override readonly cause: unknown, readonly original?: unknown) {
    super(
      `cleanup of ephemeral stack '${stackName}' failed: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        `run 'pulumi-fulfillment cleanup' (or cleanupEphemeralStacks) to retry`,
    );
    this.name = "EphemeralCleanupError";
  }
}

export function signalNumber(signal: NodeJS.Signals): number {
  const n = os.constants.signals[signal];
  return typeof n === "number" ? n : 1;
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** `ephemeral-20260123045501-a1b2c3`: sortable, parseable, unique enough. */
export function ephemeralStackName(prefix = DEFAULT_EPHEMERAL_PREFIX, now = new Date()): string {
  return `${prefix}-${utcStamp(now)}-${randomBytes(3).toString("hex")}`;
}

/** When an ephemeral stack was created, from its name; undefined if it is not one. */
export function parseEphemeralStackName(name: string, prefix = DEFAULT_EPHEMERAL_PREFIX): Date | undefined {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`^${escaped}-(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})-[0-9a-f]{6}$`).exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
}

function clusterProgram(options: EphemeralClusterOptions, stackName: string): PulumiFn {
  return async () => {
    const { Cluster } = await import("../resources/cluster");
    const args: ClusterArgs = {
      template: options.template,
      name: options.name ?? stackName,
      // Finds the cluster on the service if the stack is ever lost.
      labels: { ...(options.labels ?? {}), "pulumi-fulfillment/ephemeral-stack": stackName },
    };
    if (options.templateParameters) args.templateParameters = options.templateParameters;
    if (options.nodeSets) args.nodeSets = options.nodeSets;
    if (options.timeouts) args.timeouts = options.timeouts as ClusterTimeouts;
    const cluster = new Cluster("cluster", args);
    return { clusterId: cluster.clusterId, apiUrl: cluster.apiUrl, consoleUrl: cluster.consoleUrl, kubeconfig: cluster.kubeconfig };
  };
}

/** A program for operations that do not run one (destroy, cleanup). */
const noProgram: PulumiFn = async () => ({});

interface SignalGuard {
  signal: AbortSignal;
  interrupted(): NodeJS.Signals | undefined;
  /** Resolves when a signal arrives. */
  whenInterrupted: Promise<NodeJS.Signals>;
  restore(): void;
}

function guardSignals(signals: NodeJS.Signals[], stackName: string, say: (line: string) => void): SignalGuard {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  let count = 0;
  let resolve!: (s: NodeJS.Signals) => void;
  const whenInterrupted = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (sig: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      received = sig;
      say(`received ${sig}: destroying ephemeral stack '${stackName}' (send it twice more to abandon it)`);
      controller.abort(new Error(`interrupted by ${sig}`));
      resolve(sig);
    } else if (count === 2) {
      say(`received ${sig} again: still cleaning up '${stackName}'; one more abandons it`);
    } else {
      say(`abandoning ephemeral stack '${stackName}'; remove it later with 'pulumi-fulfillment cleanup'`);
      process.exit(128 + signalNumber(sig));
    }
  };
  for (const sig of signals) process.on(sig, handler);
  return {
    signal: controller.signal,
    interrupted: () => received,
    whenInterrupted,
    restore: () => {
      for (const sig of signals) process.off(sig, handler);
    },
  };
}

/**
 * Creates a cluster in a fresh stack, waits for READY, runs `fn` with its credentials,
 * and always destroys the cluster and removes the stack (also on a throwing `fn`, SIGINT
 * or SIGTERM; signal handlers are installed for the duration and removed after).
 */
export async function withEphemeralCluster<T>(options: EphemeralClusterOptions, fn: (cluster: EphemeralCluster) => Promise<T> | T): Promise<T> {
  const prefix = options.prefix ?? DEFAULT_EPHEMERAL_PREFIX;
  const stackName = ephemeralStackName(prefix);
  const workBase = options.workBase ?? path.join(defaultWorkBase(options.env), "ephemeral");
  const workDir = path.join(workBase, stackName);
  const token = connectionForStack(options.connection, options.env ?? process.env, options.connectionFromEnvironment ?? true).token;
  const say = (line: string) => options.onLine?.(redactLine(line, token && token.length >= 6 ? [token] : []));
  const guard = guardSignals(options.signals ?? ["SIGINT", "SIGTERM"], stackName, say);
  let stack: FulfillmentStack | undefined;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  try {
    stack = await FulfillmentStack.open({
      stackName,
      projectName: options.projectName ?? DEFAULT_EPHEMERAL_PROJECT,
      program: clusterProgram(options, stackName),
      workDir,
      backendUrl: options.backendUrl,
      passphrase: options.passphrase,
      connection: options.connection,
      connectionFromEnvironment: options.connectionFromEnvironment,
      env: options.env,
      onLine: options.onLine,
      quiet: options.quiet,
    });
    if (!guard.interrupted()) {
      await stack.up({ signal: guard.signal });
      const outputs = await stack.outputs({ reveal: true });
      if (!guard.interrupted()) {
        const cluster: EphemeralCluster = {
          stackName,
          clusterId: String(outputs.clusterId ?? ""),
          apiUrl: String(outputs.apiUrl ?? ""),
          consoleUrl: String(outputs.consoleUrl ?? ""),
          kubeconfig: String(outputs.kubeconfig ?? ""),
          signal: guard.signal,
        };
        // After a signal fn gets a grace period to stop (it sees `signal` aborted), then
        // cleanup starts whether or not it returned.
        const running = Promise.resolve().then(() => fn(cluster));
        const grace = guard.whenInterrupted.then(
          () =>
            new Promise<T>((resolve) => {
              const timer = setTimeout(() => resolve(undefined as T), options.interruptGraceMs ?? 15_000);
              timer.unref();
              running.then(
                () => clearTimeout(timer),
                () => clearTimeout(timer),
              );
            }),
        );
        const value = await Promise.race([running, grace]);
        outcome = { ok: true, value };
      }
    }
  } catch (error) {
    outcome = { ok: false, error };
  }

  let cleanupError: unknown;
  try {
    await destroyAndRemove(stack, stackName, workDir, say);
  } catch (error) {
    cleanupError = error;
  } finally {
    guard.restore();
  }
  const sig = guard.interrupted();
  if (cleanupError) {
    say(`error: ${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)}`);
    throw new EphemeralCleanupError(stackName, cleanupError, outcome && !outcome.ok ? outcome.error : undefined);
  }
  if (sig) throw new EphemeralInterruptedError(sig, stackName);
  if (!outcome) throw new Error(`ephemeral stack '${stackName}' ended without a result`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

async function destroyAndRemove(
  stack: FulfillmentStack | undefined,
  stackName: string,
  workDir: string,
  say: (line: string) => void,
): Promise<void> {
  if (stack) {
    // A second attempt covers a destroy cancelled by a Ctrl-C that reached the engine too.
    let lastError: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await stack.destroy();
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error;
        say(`destroy of '${stackName}' failed (attempt ${attempt}): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      }
    }
    if (lastError) throw lastError;
    await stack.remove();
    say(`removed ephemeral stack '${stackName}'`);
  }
  fs.rmSync(workDir, { recursive: true, force: true });
}

export interface CleanupOptions {
  /** Only stacks created longer ago than this ("2h", "30m", or milliseconds); default: every ephemeral stack. */
  olderThan?: string | number;
  prefix?: string;
  projectName?: string;
  workBase?: string;
  backendUrl?: string;
  passphrase?: string;
  connection?: ConnectionSettings;
  connectionFromEnvironment?: boolean;
  env?: NodeJS.ProcessEnv;
  onLine?: LineSink;
  quiet?: boolean;
  now?: Date;
}

export interface CleanupResult {
  removed: string[];
  /** Ephemeral stacks younger than `olderThan`. */
  kept: string[];
  failed: Array<{ stack: string; error: string }>;
}

/** Destroys and removes ephemeral stacks a crashed run left behind. */
export async function cleanupEphemeralStacks(options: CleanupOptions = {}): Promise<CleanupResult> {
  const env = options.env ?? process.env;
  const prefix = options.prefix ?? DEFAULT_EPHEMERAL_PREFIX;
  const projectName = options.projectName ?? DEFAULT_EPHEMERAL_PROJECT;
  const workBase = options.workBase ?? path.join(defaultWorkBase(env), "ephemeral");
  const olderThanMs =
    options.olderThan === undefined ? 0 : typeof options.olderThan === "number" ? options.olderThan : parseDuration(options.olderThan, "olderThan");
  const now = options.now ?? new Date();
  const token = connectionForStack(options.connection, env, options.connectionFromEnvironment ?? true).token;
  const say = (line: string) => options.onLine?.(redactLine(line, token && token.length >= 6 ? [token] : []));

  const envVars = pulumiEnvironment({ backendUrl: options.backendUrl, passphrase: options.passphrase, env });
  const listDir = path.join(workBase, `.list-${randomBytes(3).toString("hex")}`);
  fs.mkdirSync(listDir, { recursive: true });
  let names: string[];
  try {
    const ws = await LocalWorkspace.create({
      workDir: listDir,
      envVars,
      pulumiCommand: await pulumiCommand(env),
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } },
    });
    names = (await ws.listStacks()).map((s) => s.name.split("/").pop() ?? s.name);
  } finally {
    fs.rmSync(listDir, { recursive: true, force: true });
  }

  const result: CleanupResult = { removed: [], kept: [], failed: [] };
  for (const name of names.sort()) {
    const created = parseEphemeralStackName(name, prefix);
    if (!created) continue;
    if (olderThanMs > 0 && now.getTime() - created.getTime() < olderThanMs) {
      result.kept.push(name);
      continue;
    }
    say(`cleaning up ephemeral stack '${name}' (created ${created.toISOString()})`);
    try {
      const stack = await FulfillmentStack.open({
        stackName: name,
        projectName,
        program: noProgram,
        workDir: path.join(workBase, name),
        create: false,
        backendUrl: options.backendUrl,
        passphrase: options.passphrase,
        connection: options.connection,
        connectionFromEnvironment: options.connectionFromEnvironment,
        env,
        onLine: options.onLine,
        quiet: options.quiet,
      });
      await destroyAndRemove(stack, name, path.join(workBase, name), say);
      result.removed.push(name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`error: could not clean up '${name}': ${message.split("\n")[0]}`);
      result.failed.push({ stack: name, error: message });
    }
  }
  return result;
}

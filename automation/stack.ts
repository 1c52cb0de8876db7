// A typed wrapper over the Automation API's LocalWorkspace for a stack of hubs and
// clusters: an inline program (a function, or a typed description of hubs and clusters)
// or a project directory with Pulumi.yaml; backend, passphrase and the fulfillment
// connection from options or the environment. Every operation streams readable progress
// lines and returns a structured, secret-free report.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import {
  LocalWorkspace,
  type ConfigMap,
  type EngineEvent,
  type OutputMap,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { pulumiCommand, pulumiEnvironment, requireBinary } from "./environment";
import { connectionConfig, connectionForStack, type ConnectionSettings } from "./connection";
import { ProgressReporter, type LineSink } from "./progress";
import { PreviewCollector, type PreviewReport } from "./preview";
import { DriftCollector, type DriftReport } from "./drift";
import { SECRET, maskValue, redactLine } from "./values";
import type { ClusterArgs } from "../resources/cluster";
import type { HubArgs } from "../resources/hub";

/** A typed description of a stack's hubs and clusters (an alternative to writing a program). */
export interface FleetSpec {
  hubs?: Record<string, HubArgs>;
  clusters?: Record<string, ClusterArgs>;
}

/**
 * The engine runs at most `parallel` resource operations at once (default 4 x CPUs), and
 * every cluster waiting for READY holds one: a fleet larger than that would provision in
 * batches. Waits are cheap polls, so allow many.
 */
export const DEFAULT_PARALLEL = 64;

export interface StackOptions {
  stackName: string;
  /** Resource operations the engine runs at once; default DEFAULT_PARALLEL. */
  parallel?: number;
  /** Inline program run in this process. */
  program?: PulumiFn;
  /** Or a typed description turned into the inline program; exports `clusters` (ids, states, URLs) and `kubeconfigs` (secret). */
  spec?: FleetSpec;
  /** Inline programs only; default `fulfillment`. */
  projectName?: string;
  /**
   * With `program`/`spec`: where the workspace keeps Pulumi.yaml and the stack files, default
   * `<package>/.work/automation/<project>-<stack>`. It must resolve the `pulumi-fulfillment`
   * package through node_modules: the engine starts the dynamic providers there.
   * Without a program: the project directory holding Pulumi.yaml (default: the current directory).
   */
  workDir?: string;
  /** Default PULUMI_BACKEND_URL, else a local file backend under ~/.pulumi-fulfillment. */
  backendUrl?: string;
  /** Default PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE). */
  passphrase?: string;
  /** Written to the stack config (`fulfillment:address`, `fulfillment:token` as a secret, ...); fields unset here come from FULFILLMENT_*. */
  connection?: ConnectionSettings;
  /** Take connection fields from FULFILLMENT_* (default true). */
  connectionFromEnvironment?: boolean;
  /** Further stack config, e.g. `{ "app:size": "3", "app:key": { value: "...", secret: true } }`. */
  config?: Record<string, string | { value: string; secret?: boolean }>;
  /** Create the stack when it does not exist (default true). */
  create?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Progress lines (masked). */
  onLine?: LineSink;
  /** Only warnings and errors reach onLine. */
  quiet?: boolean;
}

export interface OperationReport {
  project: string;
  stack: string;
  /** What happened to each resource (same shape as a preview's). */
  resources: PreviewReport["resources"];
  summary: PreviewReport["summary"];
  diagnostics: string[];
  /** Stack outputs, secrets shown as `[secret]`. */
  outputs: Record<string, unknown>;
  durationMs: number;
}

/** An engine run that failed; the message holds the engine's errors, masked. */
export class StackOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly stackName: string,
    message: string,
    readonly diagnostics: string[],
  ) {
    super(message);
    this.name = "StackOperationError";
  }
}

const MIN_MASKED_LENGTH = 6;

/** The directory of this package (holding package.json), from source or from dist/. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-fulfillment") return dir;
      } catch {
        // keep looking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, "..");
    dir = parent;
  }
}

/** Default place for inline workspaces: inside the package, so the engine's provider host resolves it. */
export function defaultWorkBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.PULUMI_FULFILLMENT_WORK_DIR ?? path.join(packageRoot(), ".work", "automation");
}

/** The inline program for a FleetSpec. */
export function programForSpec(spec: FleetSpec): PulumiFn {
  return async () => {
    const { Cluster } = await import("../resources/cluster");
    const { Hub } = await import("../resources/hub");
    const pulumi = await import("@pulumi/pulumi");
    const hubs: Record<string, InstanceType<typeof Hub>> = {};
    for (const [name, args] of Object.entries(spec.hubs ?? {})) hubs[name] = new Hub(name, args);
    const clusters: Record<string, unknown> = {};
    const kubeconfigs: Record<string, unknown> = {};
    const dependsOn = Object.values(hubs);
    for (const [name, args] of Object.entries(spec.clusters ?? {})) {
      const cluster = new Cluster(name, args, { dependsOn });
      clusters[name] = {
        clusterId: cluster.clusterId,
        state: cluster.state,
        apiUrl: cluster.apiUrl,
        consoleUrl: cluster.consoleUrl,
        hub: cluster.hub,
      };
      kubeconfigs[name] = cluster.kubeconfig;
    }
    return { clusters, kubeconfigs: pulumi.secret(kubeconfigs) };
  };
}

function configMap(options: StackOptions, connection: ConnectionSettings): ConfigMap {
  const config: ConfigMap = { ...connectionConfig(connection) };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key] = typeof value === "string" ? { value } : { value: value.value, secret: value.secret ?? false };
  }
  return config;
}

/**
 * Writes stack config. Plain values go through the Automation API; secret values are
 * piped to `pulumi config set --secret` on stdin, because the Automation API puts them
 * on the command line, where process listings and its own error messages show them.
 */
export async function writeStackConfig(stack: Stack, config: ConfigMap, env: NodeJS.ProcessEnv, workDir: string): Promise<void> {
  const plain: ConfigMap = {};
  const secret: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(config)) {
    if (value.secret) secret.push([key, value.value]);
    else plain[key] = value;
  }
  if (Object.keys(plain).length) await stack.setAllConfig(plain);
  if (!secret.length) return;
  const pulumi = requireBinary("pulumi", env);
  for (const [key, value] of secret) {
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        pulumi,
        ["config", "set", key, "--secret", "--stack", stack.name, "--non-interactive"],
        { cwd: workDir, env },
        (error, _stdout, stderr) => (error ? reject(new Error(`pulumi config set ${key} --secret failed: ${stderr.trim() || error.message}`)) : resolve()),
      );
      child.stdin?.end(value);
    });
  }
}

export class FulfillmentStack {
  private readonly secrets: string[] = [];

  private constructor(
    readonly stack: Stack,
    readonly projectName: string,
    readonly workDir: string,
    private readonly options: StackOptions,
    secrets: string[],
  ) {
    this.secrets.push(...secrets);
  }

  get stackName(): string {
    return this.stack.name;
  }

  private get parallel(): number {
    return this.options.parallel ?? DEFAULT_PARALLEL;
  }

  /** Selects (or creates) the stack and writes its connection and extra config. */
  static async open(options: StackOptions): Promise<FulfillmentStack> {
    const env = options.env ?? process.env;
    requireBinary("pulumi", env);
    const envVars = pulumiEnvironment({ backendUrl: options.backendUrl, passphrase: options.passphrase, env });
    if (!envVars.PULUMI_CONFIG_PASSPHRASE && !envVars.PULUMI_CONFIG_PASSPHRASE_FILE) {
      throw new Error("no passphrase for the stack's secrets: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), or pass `passphrase`");
    }
    const command = await pulumiCommand(env);
    const connection = connectionForStack(options.connection, env, options.connectionFromEnvironment ?? true);
    // Masked wherever they might show up. Very short values are left out: masking every
    // occurrence of "ab" would garble the reports without protecting anything.
    const secrets = [connection.token, envVars.PULUMI_CONFIG_PASSPHRASE].filter((s): s is string => !!s && s.length >= MIN_MASKED_LENGTH);
    for (const value of Object.values(options.config ?? {})) {
      if (typeof value !== "string" && value.secret && value.value.length >= MIN_MASKED_LENGTH) secrets.push(value.value);
    }
    const create = options.create ?? true;

    let stack: Stack;
    let projectName: string;
    let workDir: string;
    const program = options.program ?? (options.spec ? programForSpec(options.spec) : undefined);
    if (program) {
      requireBinary("pulumi-language-nodejs", env);
      projectName = options.projectName ?? "fulfillment";
      workDir = path.resolve(options.workDir ?? path.join(defaultWorkBase(env), `${projectName}-${options.stackName}`));
      fs.mkdirSync(workDir, { recursive: true });
      const args = { projectName, stackName: options.stackName, program };
      const wsOptions = {
        workDir,
        envVars,
        pulumiCommand: command,
        projectSettings: { name: projectName, runtime: "nodejs" as const, backend: { url: envVars.PULUMI_BACKEND_URL } },
      };
      stack = create ? await LocalWorkspace.createOrSelectStack(args, wsOptions) : await LocalWorkspace.selectStack(args, wsOptions);
    } else {
      workDir = path.resolve(options.workDir ?? process.cwd());
      if (!["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"].some((f) => fs.existsSync(path.join(workDir, f)))) {
        throw new Error(`no Pulumi.yaml in ${workDir}: pass a project directory (workDir) or an inline program`);
      }
      const args = { stackName: options.stackName, workDir };
      const wsOptions = { envVars, pulumiCommand: command };
      stack = create ? await LocalWorkspace.createOrSelectStack(args, wsOptions) : await LocalWorkspace.selectStack(args, wsOptions);
      projectName = (await stack.workspace.projectSettings()).name;
    }
    try {
      await writeStackConfig(stack, configMap(options, connection), { ...process.env, ...env, ...envVars }, workDir);
    } catch (error) {
      throw new Error(redactLine(error instanceof Error ? error.message : String(error), secrets));
    }
    return new FulfillmentStack(stack, projectName, workDir, options, secrets);
  }

  /** Values to mask in every line and report from now on (e.g. a kubeconfig handed out). */
  addSecrets(...values: Array<string | undefined>): void {
    for (const v of values) if (v && v.length >= MIN_MASKED_LENGTH) this.secrets.push(v);
  }

  private knownSecrets = (): readonly string[] => this.secrets;

  private reporter(mode: "preview" | "update" | "refresh" | "destroy", quiet?: boolean): ProgressReporter {
    return new ProgressReporter({ onLine: this.options.onLine, quiet: quiet ?? this.options.quiet, knownSecrets: this.knownSecrets, mode });
  }

  private async run<T>(operation: string, reporter: ProgressReporter, collect: (event: EngineEvent) => void, body: (onEvent: (e: EngineEvent) => void) => Promise<T>): Promise<T> {
    const errors: string[] = [];
    const onEvent = (event: EngineEvent) => {
      reporter.handle(event);
      collect(event);
      const d = event.diagnosticEvent;
      if (d && d.severity === "error") errors.push(redactLine(d.message.trim(), this.secrets));
    };
    reporter.info(`${operation} ${this.projectName}/${this.stackName}`);
    try {
      return await body(onEvent);
    } catch (error) {
      const raw = error instanceof Error ? error.message : String(error);
      const exit = /code: (\d+)/.exec(raw)?.[1];
      const detail = errors.length ? errors.join("\n") : redactLine(raw, this.secrets).split("\n").slice(0, 20).join("\n");
      throw new StackOperationError(operation, this.stackName, `pulumi ${operation} of stack '${this.stackName}' failed${exit ? ` (exit ${exit})` : ""}:\n${detail}`, errors);
    }
  }

  /** What `up` would do, resource by resource, with changed properties and replacements. */
  async preview(opts: { refresh?: boolean; diagnosticsQuiet?: boolean } = {}): Promise<PreviewReport> {
    const collector = new PreviewCollector(this.knownSecrets);
    await this.run("preview", this.reporter("preview"), collector.handle, (onEvent) => this.stack.preview({ onEvent, refresh: opts.refresh, parallel: this.parallel }));
    return collector.report(this.projectName, this.stackName);
  }

  /**
   * Applies the program, after a preview as `pulumi up` does (the Automation API's own up
   * skips it): a check that fails stops the run before anything changes. `signal` cancels
   * gracefully (operations in flight finish, so ids reach the state).
   */
  async up(opts: { signal?: AbortSignal; skipPreview?: boolean } = {}): Promise<OperationReport> {
    const started = Date.now();
    if (!opts.skipPreview) await this.preview({ diagnosticsQuiet: true });
    const collector = new PreviewCollector(this.knownSecrets);
    const result = await this.run("up", this.reporter("update"), collector.handle, (onEvent) => this.stack.up({ onEvent, signal: opts.signal, parallel: this.parallel }));
    const report = collector.report(this.projectName, this.stackName);
    return { ...report, outputs: this.maskOutputs(result.outputs), durationMs: Date.now() - started };
  }

  async destroy(opts: { remove?: boolean } = {}): Promise<OperationReport> {
    const started = Date.now();
    const collector = new PreviewCollector(this.knownSecrets);
    await this.run("destroy", this.reporter("destroy"), collector.handle, (onEvent) => this.stack.destroy({ onEvent, parallel: this.parallel }));
    const report = collector.report(this.projectName, this.stackName);
    if (opts.remove) await this.remove();
    return { ...report, outputs: {}, durationMs: Date.now() - started };
  }

  /** A refresh in preview mode: what changed outside Pulumi. Never writes the state. */
  async drift(): Promise<DriftReport> {
    const collector = new DriftCollector(this.knownSecrets);
    const stack = this.stack as Stack & { previewRefresh?: Stack["previewRefresh"] };
    await this.run("refresh --preview-only", this.reporter("refresh"), collector.handle, async (onEvent) => {
      if (typeof stack.previewRefresh === "function") await stack.previewRefresh({ onEvent });
      // SDKs before previewRefresh: the deprecated flag runs `pulumi refresh --preview-only`.
      else await stack.refresh({ onEvent, previewOnly: true } as Parameters<Stack["refresh"]>[0]);
    });
    return collector.report(this.projectName, this.stackName);
  }

  /** Stack outputs; secrets masked unless `reveal` (then they are also added to the masked values). */
  async outputs(opts: { reveal?: boolean } = {}): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    if (!opts.reveal) return this.maskOutputs(outputs);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
      out[k] = v.value;
      if (v.secret) this.collectSecretStrings(v.value);
    }
    return out;
  }

  private collectSecretStrings(value: unknown): void {
    if (typeof value === "string") this.addSecrets(value);
    else if (value && typeof value === "object") for (const v of Object.values(value)) this.collectSecretStrings(v);
  }

  private maskOutputs(outputs: OutputMap): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) out[k] = v.secret ? SECRET : maskValue(v.value, this.secrets, k);
    return out;
  }

  /** Removes the stack (its resources must be destroyed first) and, for inline workspaces, its stack file. */
  async remove(): Promise<void> {
    await this.stack.workspace.removeStack(this.stackName);
  }
}

/** Convenience: open a stack with these options. */
export function openStack(options: StackOptions): Promise<FulfillmentStack> {
  return FulfillmentStack.open(options);
}

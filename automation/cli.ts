#!/usr/bin/env node
// pulumi-fulfillment: the pipeline CLI over the Automation API wrapper.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseDuration } from "../timing/duration";
import { addressProblem, parseBooleanSetting } from "../client/connection";
import { redactSecrets } from "../client/redact";
import type { ConnectionSettings } from "./connection";
import { renderDriftMarkdown, renderDriftText } from "./drift";
import {
  EphemeralCleanupError,
  EphemeralInterruptedError,
  cleanupEphemeralStacks,
  signalNumber,
  withEphemeralCluster,
  type EphemeralClusterOptions,
} from "./ephemeral";
import { renderPreviewMarkdown, renderPreviewText } from "./preview";
import { FulfillmentStack } from "./stack";

export const HELP = `pulumi-fulfillment: run fulfillment stacks (hubs, clusters) from a pipeline.

Usage:
  pulumi-fulfillment preview   [--markdown FILE] [--json FILE] [--refresh]
  pulumi-fulfillment up
  pulumi-fulfillment destroy   [--remove]
  pulumi-fulfillment drift     [--exit-code] [--markdown FILE] [--json FILE]
  pulumi-fulfillment ephemeral --template ID [cluster options] -- <command> [args...]
  pulumi-fulfillment cleanup   [--older-than DURATION]

Commands:
  preview    What 'up' would change: a summary on stdout; --markdown writes a pull-request
             comment (replacements called out as destructive), --json the structured result.
  up         Apply the program and wait for clusters to become READY.
  destroy    Delete every resource of the stack; --remove also deletes the stack.
  drift      Refresh in preview mode (the state is not written) and report what changed
             outside Pulumi. With --exit-code: 0 no drift, 2 drift, 1 error.
  ephemeral  Create a cluster in a fresh stack (ephemeral-<UTC time>-<random>), run the
             command with KUBECONFIG pointing at its kubeconfig (a 0600 temp file), then
             destroy the cluster and remove the stack, also when the command fails, is
             killed, or this process gets SIGINT/SIGTERM. Exits with the command's code
             (128+N when it died of signal N). The command also gets FULFILLMENT_CLUSTER_ID,
             FULFILLMENT_CLUSTER_API_URL and FULFILLMENT_CLUSTER_CONSOLE_URL.
  cleanup    Destroy and remove ephemeral stacks a crashed run left behind.

Stack options (preview, up, destroy, drift):
  -s, --stack NAME         Stack name (env PULUMI_STACK); up and preview create it if missing.
  -C, --work-dir DIR       Project directory holding Pulumi.yaml (default: current directory).

Common options:
      --backend URL        State backend, e.g. file:///var/lib/pulumi (env PULUMI_BACKEND_URL;
                           default file://~/.pulumi-fulfillment/backend).
      --address HOST:PORT  Fulfillment API (env FULFILLMENT_ADDRESS).
      --plaintext          No TLS (env FULFILLMENT_PLAINTEXT=true).
      --insecure           TLS without certificate verification (env FULFILLMENT_INSECURE=true).
      --ca-file FILE       CA bundle for the API's certificate (env FULFILLMENT_CA_FILE).
  -q, --quiet              Only warnings and errors on stderr.
  -h, --help               This help.
  The connection is written to the stack config (fulfillment:address, fulfillment:token as
  a secret, fulfillment:plaintext, ...).

Ephemeral options:
      --template ID        Cluster template id or name (required), e.g. ocp_4_17_small.
      --param KEY=VALUE    Template parameter (repeatable); the template's type decides how
                           VALUE is read (true/false, numbers, strings).
      --node-set NAME=SIZE Node set size (repeatable), e.g. workers=3.
      --name NAME          Cluster name (default: the stack name).
      --label KEY=VALUE    Cluster label (repeatable).
      --timeout DURATION   How long to wait for READY (default 60m), e.g. 45m.
      --project NAME       Project of the ephemeral stacks (default fulfillment-ephemeral).
      --prefix PREFIX      Stack name prefix (default ephemeral).

Cleanup options:
      --older-than DURATION  Only stacks older than this (default 1h; 0 for all), e.g. 6h.
      --project NAME, --prefix PREFIX  As for ephemeral.

Secrets come from the environment only (flags show up in process lists and CI logs):
  PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)  encrypts the stack's secrets
  FULFILLMENT_TOKEN (or FULFILLMENT_TOKEN_SCRIPT)             bearer token for the API
Kubeconfigs, tokens and passwords are masked in every line and report.

Files: FILE may be '-' for stdout. Progress goes to stderr.
Exit codes: 0 success, 1 error (including invalid arguments), 2 drift (drift --exit-code),
ephemeral: the command's exit code.
`;

/** An error in the arguments; the message names the flag. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const COMMANDS = ["preview", "up", "destroy", "drift", "ephemeral", "cleanup"] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  stack: { type: "string", short: "s" },
  "work-dir": { type: "string", short: "C" },
  backend: { type: "string" },
  address: { type: "string" },
  plaintext: { type: "boolean" },
  insecure: { type: "boolean" },
  "ca-file": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  markdown: { type: "string" },
  json: { type: "string" },
  refresh: { type: "boolean" },
  "exit-code": { type: "boolean" },
  remove: { type: "boolean" },
  template: { type: "string" },
  param: { type: "string", multiple: true },
  "node-set": { type: "string", multiple: true },
  name: { type: "string" },
  label: { type: "string", multiple: true },
  timeout: { type: "string" },
  project: { type: "string" },
  prefix: { type: "string" },
  "older-than": { type: "string" },
} as const;

/** Which flags each command accepts (the common ones everywhere). */
const COMMON_FLAGS = ["backend", "address", "plaintext", "insecure", "ca-file", "quiet", "help"];
const STACK_FLAGS = ["stack", "work-dir"];
const COMMAND_FLAGS: Record<Command, string[]> = {
  preview: [...STACK_FLAGS, "markdown", "json", "refresh"],
  up: [...STACK_FLAGS],
  destroy: [...STACK_FLAGS, "remove"],
  drift: [...STACK_FLAGS, "exit-code", "markdown", "json"],
  ephemeral: ["template", "param", "node-set", "name", "label", "timeout", "project", "prefix"],
  cleanup: ["older-than", "project", "prefix"],
};

const durationText = (flag: string) =>
  z.string().refine(
    (v) => {
      try {
        parseDuration(v, flag);
        return true;
      } catch {
        return false;
      }
    },
    { message: "expected a duration like '90s', '45m' or '1h30m'" },
  );

const keyValue = /^([^=]+)=(.*)$/s;
const stackName = z
  .string({ message: "required (or set PULUMI_STACK)" })
  .min(1, { message: "required (or set PULUMI_STACK)" })
  .regex(/^[A-Za-z0-9_.\-/]+$/, { message: "letters, digits, '-', '_', '.' and '/' only" });
const filePath = z.string().min(1, { message: "expected a file path (or '-' for stdout)" });

const commonSchema = z.object({
  backend: z
    .string()
    .regex(/^[a-z0-9+]+:\/\//, { message: "expected a backend URL such as file:///var/lib/pulumi or s3://bucket" })
    .optional(),
  // The client's own address rule (host:port, dns:///host:port, unix:path).
  address: z
    .string()
    .superRefine((address, ctx) => {
      const problem = addressProblem(address);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  plaintext: z.boolean().optional(),
  insecure: z.boolean().optional(),
  "ca-file": z.string().min(1).optional(),
  quiet: z.boolean().optional(),
});

const stackSchema = commonSchema.extend({
  stack: stackName,
  "work-dir": z.string().min(1).optional(),
  markdown: filePath.optional(),
  json: filePath.optional(),
  refresh: z.boolean().optional(),
  "exit-code": z.boolean().optional(),
  remove: z.boolean().optional(),
});

const pairs = (what: string) =>
  z.array(z.string().regex(keyValue, { message: `expected ${what}` })).optional();

const ephemeralSchema = commonSchema.extend({
  template: z.string({ message: "required: the cluster template id or name, e.g. --template ocp_4_17_small" }).min(1, {
    message: "required: the cluster template id or name, e.g. --template ocp_4_17_small",
  }),
  param: pairs("KEY=VALUE, e.g. --param ha=true"),
  "node-set": z.array(z.string().regex(/^[^=]+=[1-9]\d*$/, { message: "expected NAME=SIZE with a positive size, e.g. --node-set workers=3" })).optional(),
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "must be a DNS label: lowercase letters, digits and '-'" })
    .optional(),
  label: pairs("KEY=VALUE, e.g. --label team=ci"),
  timeout: durationText("--timeout").optional(),
  project: z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: "letters, digits, '-', '_' and '.' only" }).optional(),
  prefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "lowercase letters, digits and '-' only" }).optional(),
  command: z.array(z.string()).min(1, { message: "give the command to run after '--', e.g. -- kubectl get nodes" }),
});

const cleanupSchema = commonSchema.extend({
  "older-than": z.union([z.literal("0"), durationText("--older-than")]).optional(),
  project: ephemeralSchema.shape.project,
  prefix: ephemeralSchema.shape.prefix,
});

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path[0];
      const flag = key === "command" ? "command" : key === undefined ? "arguments" : `--${String(key)}`;
      return `${flag}: ${issue.message}`;
    })
    .join("\n");
}

function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (!result.success) throw new UsageError(formatIssues(result.error));
  return result.data;
}

export type ParsedCommand =
  | { command: "help" }
  | { command: "preview" | "up" | "destroy" | "drift"; options: z.infer<typeof stackSchema> }
  | { command: "ephemeral"; options: z.infer<typeof ephemeralSchema> }
  | { command: "cleanup"; options: z.infer<typeof cleanupSchema> };

function envBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  try {
    return parseBooleanSetting(v, name);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses and validates a command line (without `node` and the script). */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommand {
  const dashdash = argv.indexOf("--");
  const ours = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const child = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: ours, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    throw new UsageError(`${flag ?? "arguments"}: ${message.replace(/\. To specify a positional argument.*$/s, "")}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help" || argv.length === 0) return { command: "help" };
  const [command, ...extra] = positionals;
  if (!COMMANDS.includes(command as Command)) {
    throw new UsageError(`command: expected one of ${COMMANDS.join(", ")}, got '${command}'`);
  }
  const cmd = command as Command;
  if (extra.length) throw new UsageError(`arguments: unexpected '${extra[0]}'${cmd === "ephemeral" ? " (put the command after '--')" : ""}`);
  const allowed = new Set([...COMMON_FLAGS, ...COMMAND_FLAGS[cmd]]);
  for (const key of Object.keys(values)) {
    if (!allowed.has(key)) throw new UsageError(`--${key}: not an option of '${cmd}' (see --help)`);
  }
  if (dashdash >= 0 && cmd !== "ephemeral") throw new UsageError(`arguments: '--' is only for 'ephemeral'`);

  const common = {
    ...values,
    backend: values.backend ?? env.PULUMI_BACKEND_URL,
    address: values.address ?? (env.FULFILLMENT_ADDRESS || undefined),
    plaintext: values.plaintext ?? envBool(env, "FULFILLMENT_PLAINTEXT"),
    insecure: values.insecure ?? envBool(env, "FULFILLMENT_INSECURE"),
  };
  if (cmd === "ephemeral") return { command: cmd, options: validate(ephemeralSchema, { ...common, command: child }) };
  if (cmd === "cleanup") return { command: cmd, options: validate(cleanupSchema, common) };
  return { command: cmd, options: validate(stackSchema, { ...common, stack: values.stack ?? (env.PULUMI_STACK || undefined) }) };
}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

function connectionOf(options: z.infer<typeof commonSchema>): ConnectionSettings {
  const c: ConnectionSettings = {};
  if (options.address !== undefined) c.address = options.address;
  if (options.plaintext !== undefined) c.plaintext = options.plaintext;
  if (options.insecure !== undefined) c.insecure = options.insecure;
  if (options["ca-file"] !== undefined) c.caFile = path.resolve(options["ca-file"]);
  return c;
}

function writeOutput(file: string, text: string, io: Io): void {
  if (file === "-") io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  else {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
  }
}

function splitPairs(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const m = keyValue.exec(item)!;
    out[m[1]] = m[2];
  }
  return out;
}

async function runStackCommand(parsed: Extract<ParsedCommand, { options: z.infer<typeof stackSchema> }>, io: Io): Promise<number> {
  const o = parsed.options;
  const stack = await FulfillmentStack.open({
    stackName: o.stack,
    workDir: o["work-dir"],
    backendUrl: o.backend,
    connection: connectionOf(o),
    env: io.env,
    onLine: (line) => io.stderr(`${line}\n`),
    quiet: o.quiet,
    // A first up/preview of a new stack starts it; drift and destroy of a missing stack are errors.
    create: parsed.command === "up" || parsed.command === "preview",
  });
  switch (parsed.command) {
    case "preview": {
      const report = await stack.preview({ refresh: o.refresh });
      if (o.markdown) writeOutput(o.markdown, renderPreviewMarkdown(report), io);
      if (o.json) writeOutput(o.json, JSON.stringify(report, null, 2), io);
      if (o.markdown !== "-" && o.json !== "-") io.stdout(`${renderPreviewText(report)}\n`);
      return 0;
    }
    case "up": {
      const report = await stack.up();
      io.stdout(`${renderPreviewText({ ...report }).replace(/^preview of/, "up of")}\n`);
      io.stdout(`outputs: ${JSON.stringify(report.outputs)}\n`);
      return 0;
    }
    case "destroy": {
      await stack.destroy({ remove: o.remove });
      io.stdout(`destroyed ${stack.projectName}/${o.stack}${o.remove ? " and removed the stack" : ""}\n`);
      return 0;
    }
    case "drift": {
      const report = await stack.drift();
      if (o.markdown) writeOutput(o.markdown, renderDriftMarkdown(report), io);
      if (o.json) writeOutput(o.json, JSON.stringify(report, null, 2), io);
      if (o.markdown !== "-" && o.json !== "-") io.stdout(`${renderDriftText(report)}\n`);
      return o["exit-code"] ? report.exitCode : 0;
    }
  }
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where and how both ephemeral commands open ephemeral stacks. */
function ephemeralStackSettings(options: z.infer<typeof commonSchema> & Pick<z.infer<typeof cleanupSchema>, "project" | "prefix">, io: Io) {
  return {
    projectName: options.project,
    prefix: options.prefix,
    backendUrl: options.backend,
    connection: connectionOf(options),
    env: io.env,
    onLine: (line: string) => io.stderr(`${line}\n`),
    quiet: options.quiet,
  };
}

async function runEphemeral(options: z.infer<typeof ephemeralSchema>, io: Io): Promise<number> {
  const nodeSets: EphemeralClusterOptions["nodeSets"] = {};
  for (const [k, v] of Object.entries(splitPairs(options["node-set"]))) nodeSets[k] = { size: Number(v) };
  const params = splitPairs(options.param);
  const labels = splitPairs(options.label);
  const ephemeral: EphemeralClusterOptions = {
    template: options.template,
    templateParameters: Object.keys(params).length ? params : undefined,
    nodeSets: Object.keys(nodeSets).length ? nodeSets : undefined,
    name: options.name,
    labels: Object.keys(labels).length ? labels : undefined,
    timeouts: options.timeout ? { create: options.timeout } : undefined,
    ...ephemeralStackSettings(options, io),
  };
  const [file, ...args] = options.command;
  try {
    const exit = await withEphemeralCluster(ephemeral, async (cluster) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-fulfillment-"));
      const kubeconfig = path.join(dir, "kubeconfig");
      fs.writeFileSync(kubeconfig, cluster.kubeconfig, { mode: 0o600 });
      fs.chmodSync(kubeconfig, 0o600);
      try {
        if (!options.quiet) io.stderr(`running ${file} against cluster ${cluster.clusterId} (stack ${cluster.stackName})\n`);
        return await new Promise<ChildExit>((resolve, reject) => {
          const child = spawn(file, args, {
            stdio: "inherit",
            env: {
              ...io.env,
              KUBECONFIG: kubeconfig,
              FULFILLMENT_CLUSTER_ID: cluster.clusterId,
              FULFILLMENT_CLUSTER_API_URL: cluster.apiUrl,
              FULFILLMENT_CLUSTER_CONSOLE_URL: cluster.consoleUrl,
            },
          });
          let killTimer: NodeJS.Timeout | undefined;
          const onAbort = () => {
            const reason = cluster.signal.reason as Error | undefined;
            const sig = (/(SIG[A-Z]+)/.exec(reason?.message ?? "")?.[1] ?? "SIGTERM") as NodeJS.Signals;
            child.kill(sig);
            killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            killTimer.unref();
          };
          cluster.signal.addEventListener("abort", onAbort, { once: true });
          child.on("error", (error) => {
            cluster.signal.removeEventListener("abort", onAbort);
            reject(new Error(`command: could not run '${file}': ${error.message}`));
          });
          child.on("exit", (code, signal) => {
            if (killTimer) clearTimeout(killTimer);
            cluster.signal.removeEventListener("abort", onAbort);
            resolve({ code, signal });
          });
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    if (exit.signal) {
      io.stderr(`${file} was killed by ${exit.signal}\n`);
      return 128 + signalNumber(exit.signal);
    }
    return exit.code ?? 1;
  } catch (error) {
    if (error instanceof EphemeralInterruptedError) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof EphemeralCleanupError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function runCleanup(options: z.infer<typeof cleanupSchema>, io: Io): Promise<number> {
  const olderThan = options["older-than"] ?? "1h";
  const result = await cleanupEphemeralStacks({
    olderThan: olderThan === "0" ? 0 : olderThan,
    ...ephemeralStackSettings(options, io),
  });
  io.stdout(`removed ${result.removed.length} ephemeral stack(s)${result.removed.length ? `: ${result.removed.join(", ")}` : ""}; kept ${result.kept.length} younger than ${olderThan}\n`);
  for (const f of result.failed) io.stderr(`error: ${f.stack}: ${f.error.split("\n")[0]}\n`);
  return result.failed.length ? 1 : 0;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv, io.env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\nRun 'pulumi-fulfillment --help' for usage.\n`);
      return 1;
    }
    throw error;
  }
  try {
    switch (parsed.command) {
      case "help":
        io.stdout(HELP);
        return 0;
      case "ephemeral":
        return await runEphemeral(parsed.options, io);
      case "cleanup":
        return await runCleanup(parsed.options, io);
      default:
        return await runStackCommand(parsed, io);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const secrets = [io.env.FULFILLMENT_TOKEN, io.env.PULUMI_CONFIG_PASSPHRASE].filter((v): v is string => !!v && v.length >= 6);
    io.stderr(`error: ${redactSecrets(message, secrets)}\n`);
    return 1;
  }
}

function defaultIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Exit even if a library left a handle open; the unref'd timer never delays a clean exit.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (error) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

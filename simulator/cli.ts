#!/usr/bin/env node
// fulfillment-simulator: runs the simulator as a process. Prints exactly one line on
// stdout once it listens (scripts wait for it); logs go to stderr.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startSimulator, type SimulatorOptions } from "./index";
import { parseDuration } from "../timing/duration";

const USAGE = `usage: fulfillment-simulator [options]
  --api osac|innabox           which API generation to serve (default osac, today's service); osac needs
                               JWTs from the built-in https token issuer (its URL is logged) or a trusted
                               issuer; innabox is the Jan 2026 service (static tokens or guest mode)
  --issuer-clients FILE        osac: JSON [{"clientId", "clientSecret", "claims": {...}}] registered with
                               the built-in issuer for grant_type=client_credentials
  --issuer-ca-out FILE         osac: write the PEM of the built-in issuer's CA to FILE
  --host HOST                  address to listen on (default 127.0.0.1)
  --port PORT                  port, 0 for a free one (default 8000)
  --state FILE                 keep state in this JSON file across restarts
  --tokens FILE                innabox: JSON {"clientTokens": [...], "adminTokens": [...]}; absent = guest mode
  --trusted-token-issuer URL   an OAuth issuer that Metadata/Get advertises (what fulfillment-cli login
                               starts OAuth against); repeat it or separate issuers with commas
  --tls-cert FILE --tls-key FILE  serve TLS with this PEM certificate and key
  --controller-delay DURATION  until a new cluster's first controller pass (default 100ms)
  --provisioning-delay DURATION  from landing on a hub to READY (default 3s)
  --node-set-convergence DURATION  until status node sets follow the spec (default 1s)
  --deletion-delay DURATION    from Delete to the object being gone (default 500ms)
  --seed server|catalog|none   what a fresh state holds: the real server's seed (default), plus a
                               catalogue of host classes and templates with node sets, or nothing
  --no-seed                    same as --seed none
  --hubs kube|simulated        kube (default): ClusterOrders go to each hub's API server, and a hub
                               that cannot take one holds its clusters back like the real controller;
                               simulated: the simulator plays the hubs (no Kubernetes API needed)
  --quiet                      no log lines on stderr
Durations: 250ms, 3s, 1.5m, or a plain number of milliseconds.`;

// The project's one duration grammar; a plain number is milliseconds (0 allowed here).
const duration = (flag: string) =>
  z
    .string()
    .transform((text, ctx) => {
      if (/^\d+$/.test(text.trim())) return Number(text.trim());
      try {
        return Math.round(parseDuration(text, flag));
      } catch {
        ctx.addIssue({ code: "custom", message: `${flag} must be a duration such as 500ms, 3s or 1m` });
        return z.NEVER;
      }
    })
    .optional();

const flagsSchema = z
  .object({
    api: z.enum(["innabox", "osac"], { message: "--api must be innabox or osac" }).default("osac"),
    "issuer-clients": z.string().min(1, { message: "--issuer-clients needs a file name" }).optional(),
    "issuer-ca-out": z.string().min(1, { message: "--issuer-ca-out needs a file name" }).optional(),
    host: z.string().min(1, { message: "--host must not be empty" }).default("127.0.0.1"),
    port: z
      .string()
      .regex(/^\d+$/, { message: "--port must be a number between 0 and 65535" })
      .transform(Number)
      .refine((port) => port <= 65535, { message: "--port must be a number between 0 and 65535" })
      .default(8000),
    state: z.string().min(1, { message: "--state needs a file name" }).optional(),
    tokens: z.string().min(1, { message: "--tokens needs a file name" }).optional(),
    "trusted-token-issuer": z
      .array(z.string())
      .default([])
      .transform((values) => values.flatMap((value) => value.split(",")).map((issuer) => issuer.trim()).filter((issuer) => issuer !== "")),
    "tls-cert": z.string().min(1, { message: "--tls-cert needs a file name" }).optional(),
    "tls-key": z.string().min(1, { message: "--tls-key needs a file name" }).optional(),
    "controller-delay": duration("--controller-delay"),
    "provisioning-delay": duration("--provisioning-delay"),
    "node-set-convergence": duration("--node-set-convergence"),
    "deletion-delay": duration("--deletion-delay"),
    "no-seed": z.boolean().default(false),
    seed: z.enum(["server", "catalog", "none"], { message: "--seed must be server, catalog or none" }).default("server"),
    hubs: z.enum(["kube", "simulated"], { message: "--hubs must be kube or simulated" }).default("kube"),
    quiet: z.boolean().default(false),
    help: z.boolean().default(false),
  })
  .refine((flags) => (flags["tls-cert"] === undefined) === (flags["tls-key"] === undefined), {
    message: "--tls-cert and --tls-key must be given together",
  });

const issuerClientsSchema = z.array(
  z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), claims: z.record(z.string(), z.unknown()).optional() }),
);

const tokensSchema = z.object({
  clientTokens: z.array(z.string().min(1)).default([]),
  adminTokens: z.array(z.string().min(1)).default([]),
});

export class UsageError extends Error {}

/** Turns command-line arguments into simulator options; throws UsageError naming the flag. */
export function parseCli(argv: string[]): { options: SimulatorOptions; help: boolean; issuerCaOut?: string } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        api: { type: "string" },
        "issuer-clients": { type: "string" },
        "issuer-ca-out": { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        state: { type: "string" },
        tokens: { type: "string" },
        "trusted-token-issuer": { type: "string", multiple: true },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "controller-delay": { type: "string" },
        "provisioning-delay": { type: "string" },
        "node-set-convergence": { type: "string" },
        "deletion-delay": { type: "string" },
        "no-seed": { type: "boolean" },
        seed: { type: "string" },
        hubs: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const flags = parsed.data;
  const options: SimulatorOptions = {
    api: flags.api,
    host: flags.host,
    port: flags.port,
    stateFile: flags.state,
    controllerDelayMs: flags["controller-delay"],
    provisioningDelayMs: flags["provisioning-delay"],
    nodeSetConvergenceMs: flags["node-set-convergence"],
    deletionDelayMs: flags["deletion-delay"],
    seed: flags["no-seed"] || flags.seed === "none" ? false : flags.seed,
    hubs: flags.hubs,
    trustedTokenIssuers: flags["trusted-token-issuer"].length > 0 ? flags["trusted-token-issuer"] : undefined,
    log: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  };
  if (flags.tokens !== undefined) {
    const file = flags.tokens;
    if (flags.api !== "innabox") throw new UsageError("--tokens needs --api innabox: the osac generation (the default) takes JWTs from an issuer, not static tokens");
    let json: unknown;
    try {
      json = JSON.parse(readFile(file, "--tokens"));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--tokens ${file}: not valid JSON: ${(error as Error).message}`);
    }
    const tokens = tokensSchema.safeParse(json);
    if (!tokens.success) {
      throw new UsageError(`--tokens ${file}: ${tokens.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
    }
    if (tokens.data.clientTokens.length + tokens.data.adminTokens.length === 0) {
      throw new UsageError(`--tokens ${file}: no tokens in clientTokens or adminTokens`);
    }
    options.auth = tokens.data;
  }
  if (flags["issuer-clients"] !== undefined || flags["issuer-ca-out"] !== undefined) {
    if (flags.api !== "osac") throw new UsageError("--issuer-clients and --issuer-ca-out need --api osac");
  }
  if (flags["issuer-clients"] !== undefined) {
    const file = flags["issuer-clients"];
    let json: unknown;
    try {
      json = JSON.parse(readFile(file, "--issuer-clients"));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--issuer-clients ${file}: not valid JSON: ${(error as Error).message}`);
    }
    const clients = issuerClientsSchema.safeParse(json);
    if (!clients.success) {
      throw new UsageError(`--issuer-clients ${file}: ${clients.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
    }
    options.osac = { issuer: { clients: clients.data } };
  }
  if (flags["tls-cert"] !== undefined && flags["tls-key"] !== undefined) {
    options.tls = { certPem: readFile(flags["tls-cert"], "--tls-cert"), keyPem: readFile(flags["tls-key"], "--tls-key") };
  }
  return { options, help: flags.help, issuerCaOut: flags["issuer-ca-out"] };
}

function readFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`fulfillment-simulator: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const simulator = await startSimulator(parsed.options);
  if (parsed.issuerCaOut && simulator.issuer) fs.writeFileSync(parsed.issuerCaOut, simulator.issuer.caPem);
  process.stdout.write(`fulfillment simulator listening on ${simulator.address}\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    parsed.options.log?.(`${signal}: stopping`);
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`fulfillment-simulator: ${(error as Error).message}\n`);
    process.exit(1);
  });
}

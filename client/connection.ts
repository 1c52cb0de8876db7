// Where the client's connection settings come from. Four layers, first match wins:
// the resource's `connection` input > stack config `fulfillment:*` > FULFILLMENT_* env
// > the official CLI's config file, so a user who ran `fulfillment-cli login` needs nothing else.
//
// Settings that only make sense together are taken as a group from the first layer that
// sets any of them, instead of being mixed across layers:
//   - the credentials: token, tokenScript, and OAuth client credentials (clientId,
//     clientSecret, issuer, scopes). A CLI config stores the script's last token next to the
//     script; mixing a stack's tokenScript with an env token, or a stack's clientId with an
//     env secret, would send a credential nobody chose.
//   - plaintext + insecure: a stack saying `plaintext: true` for a simulator must not be
//     combined with `insecure: true` left in ~/.config by `fulfillment-cli login`.
//   - caFile + caPem, and the CLI files' `ca_files` (PEM files whose contents are trusted
//     together), which as the lowest layers count only when no other layer sets caFile or
//     caPem. The CA is also the one the OAuth issuer's certificate is checked against.
// Every other setting is resolved on its own.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { ConfigurationError, formatIssues } from "./errors";
import { defaultOsacConfigDir, osacCliLayer } from "./osacCliConfig";

export interface ConnectionInput {
  address?: string;
  token?: string;
  tokenScript?: string;
  insecure?: boolean;
  plaintext?: boolean;
  caFile?: string;
  caPem?: string;
  deadlineSeconds?: number;
  /** Which API generation the server speaks; `auto` (default) asks it through gRPC reflection. */
  api?: ApiSetting;
  /** OAuth client credentials: a token is fetched from the issuer with the client_credentials grant. */
  clientId?: string;
  clientSecret?: string;
  /** The OAuth issuer (https URL); default: the first one Capabilities.Get lists. */
  issuer?: string;
  scopes?: string[];
}

export type ApiSetting = "osac" | "innabox" | "auto";

export interface ResolvedConnection {
  address: string;
  token?: string;
  tokenScript?: string;
  insecure: boolean;
  plaintext: boolean;
  caPem?: string;
  deadlineMs: number;
  api: ApiSetting;
  clientCredentials?: ClientCredentialsSettings;
  /**
   * The osac CLI's current tenant (`osac tenant NAME`), when the address comes from that
   * CLI's config: as in the CLI, new tenant-scoped objects get it as `metadata.tenant` and
   * lookups by name look in it.
   */
  tenant?: string;
  /** where each setting came from, for error messages; never the token value */
  sources: Record<string, string>;
}

export interface ClientCredentialsSettings {
  clientId: string;
  clientSecret: string;
  issuer?: string;
  scopes?: string[];
  /** The CA the issuer's certificate is checked against (the connection's CA), else the system roots. */
  caPem?: string;
  /** TLS to the issuer without verification, as for the server (the osac CLI does the same). */
  insecure: boolean;
}

export const DEFAULT_DEADLINE_SECONDS = 30;
const MAX_DEADLINE_SECONDS = 3600;

const ADDRESS_EXAMPLE = "e.g. fulfillment-api.example.com:443 or dns:///127.0.0.1:8000";

/** Returns a fix for a malformed address, or undefined when it is usable by grpc-js. */
export function addressProblem(address: string): string | undefined {
  if (/^unix:/.test(address)) return address.length > 5 ? undefined : `add the socket path, e.g. unix:/run/fulfillment.sock`;
  const hostPort = address.replace(/^dns:(\/\/[^/]*)?\//, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(hostPort)) {
    return `use host:port without a URL scheme, ${ADDRESS_EXAMPLE}; got '${address}'`;
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d+)$/.exec(hostPort);
  if (!match) {
    if (/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$/.test(hostPort)) return `add the port, e.g. ${hostPort}:443; got '${address}'`;
    return `expected host:port or dns:///host:port, ${ADDRESS_EXAMPLE}; got '${address}'`;
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `the port must be between 1 and 65535; got '${address}'`;
  return undefined;
}

const nonEmpty = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `expected ${what} as a string`) })
    .trim()
    .min(1, { error: `${what} must not be empty; remove the setting instead` });

const addressSchema = nonEmpty("an address (host:port)").superRefine((value, ctx) => {
  const problem = addressProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

// The message never echoes the value: it is a credential.
const tokenSchema = nonEmpty("a bearer token").superRefine((token, ctx) => {
  if (/^bearer\s/i.test(token)) ctx.addIssue({ code: "custom", message: "give the token alone, without the 'Bearer ' prefix" });
  else if (/\s/.test(token)) ctx.addIssue({ code: "custom", message: "a token must be a single word without spaces or line breaks" });
});

const booleanSchema = (name: string) =>
  z.boolean({ error: `expected true or false for ${name}` });

const caPemSchema = nonEmpty("a PEM CA certificate").refine((pem) => pem.includes("-----BEGIN CERTIFICATE-----"), {
  error: "expected PEM text starting with -----BEGIN CERTIFICATE-----; for a file path use caFile",
});

// The message never echoes the value: it is a credential.
const clientSecretSchema = nonEmpty("an OAuth client secret");

const issuerSchema = nonEmpty("an OAuth issuer URL").superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: `expected an https URL such as https://sso.example.com/realms/osac; got '${value}'` });
    return;
  }
  if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: `the issuer must be an https URL (the server trusts only https issuers); got '${value}'` });
});

const scopesSchema = z
  .array(z.string({ error: "expected each scope as a string" }).regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { error: "a scope is one word of printable characters, without spaces or quotes" }), {
    error: "expected a list of scopes, e.g. [\"openid\"] (stack config and env: separated by spaces or commas)",
  })
  .min(1, { error: "must list at least one scope; remove the setting instead" });

const SETTING_NAMES = "address, token, tokenScript, clientId, clientSecret, issuer, scopes, insecure, plaintext, caFile, caPem, deadlineSeconds, api";

const baseObject = z.strictObject(
  {
    address: addressSchema.optional(),
    token: tokenSchema.optional(),
    tokenScript: nonEmpty("a shell command that prints a token").optional(),
    clientId: nonEmpty("an OAuth client id").optional(),
    clientSecret: clientSecretSchema.optional(),
    issuer: issuerSchema.optional(),
    scopes: scopesSchema.optional(),
    insecure: booleanSchema("insecure").optional(),
    plaintext: booleanSchema("plaintext").optional(),
    caFile: nonEmpty("a path to a PEM CA file").optional(),
    caPem: caPemSchema.optional(),
    deadlineSeconds: z
      .number({ error: "expected a number of seconds" })
      .positive({ error: "must be greater than 0" })
      .max(MAX_DEADLINE_SECONDS, { error: `must be at most ${MAX_DEADLINE_SECONDS} (one hour)` })
      .optional(),
    api: z
      .enum(["osac", "innabox", "auto"], {
        error: "expected osac (osac.public.v1, today's service), innabox (fulfillment.v1, Jan 2026) or auto (ask the server)",
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown setting ${issue.keys.map((k) => `'${k}'`).join(", ")}; valid settings are ${SETTING_NAMES}`
        : "expected an object with connection settings",
  },
);

/** Conflicts inside one layer; across layers the grouping above resolves them. */
function layerConflicts(input: ConnectionInput): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  if (input.plaintext && input.insecure) {
    problems.push({ path: "insecure", message: "insecure (TLS without verification) and plaintext (no TLS) exclude each other; keep one" });
  }
  // With client credentials the CA still serves the https issuer.
  if (input.plaintext && (input.caFile || input.caPem) && input.clientId === undefined) {
    problems.push({ path: input.caFile ? "caFile" : "caPem", message: "a CA is only used with TLS (or for the OAuth issuer of clientId); remove it or set plaintext: false" });
  }
  if (input.clientId !== undefined && input.clientSecret === undefined) {
    problems.push({ path: "clientSecret", message: "clientId needs its clientSecret (kept as a secret); set both, or neither" });
  }
  if (input.clientSecret !== undefined && input.clientId === undefined) {
    problems.push({ path: "clientId", message: "clientSecret needs the clientId it belongs to; set both, or neither" });
  }
  for (const key of ["issuer", "scopes"] as const) {
    if (input[key] !== undefined && input.clientId === undefined) {
      problems.push({ path: key, message: `${key} is only used with OAuth client credentials; set clientId and clientSecret too, or remove it` });
    }
  }
  if (input.clientId !== undefined && (input.token !== undefined || input.tokenScript !== undefined)) {
    problems.push({
      path: input.token !== undefined ? "token" : "tokenScript",
      message: "a token (or tokenScript) and OAuth client credentials (clientId) exclude each other; keep one way to authenticate",
    });
  }
  if (input.caFile && input.caPem) {
    problems.push({ path: "caPem", message: "set caFile or caPem, not both" });
  }
  return problems;
}

export const connectionInputSchema: z.ZodType<ConnectionInput> = baseObject.superRefine((input, ctx) => {
  for (const problem of layerConflicts(input)) ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
}) as unknown as z.ZodType<ConnectionInput>;

type Key = keyof ConnectionInput;

interface Layer {
  input: ConnectionInput;
  /** Only the CLI files have this: their `ca_files`, read only if the CA group comes from them. */
  ca?: { where: string; load(problems: string[]): string | undefined };
  /** Human description of where a key of this layer is set. */
  describe(key: Key): string;
}

const ENV_NAMES: Partial<Record<Key, string>> = {
  address: "FULFILLMENT_ADDRESS",
  token: "FULFILLMENT_TOKEN",
  tokenScript: "FULFILLMENT_TOKEN_SCRIPT",
  insecure: "FULFILLMENT_INSECURE",
  plaintext: "FULFILLMENT_PLAINTEXT",
  caFile: "FULFILLMENT_CA_FILE",
  api: "FULFILLMENT_API",
  clientId: "FULFILLMENT_CLIENT_ID",
  clientSecret: "FULFILLMENT_CLIENT_SECRET",
  issuer: "FULFILLMENT_ISSUER",
  scopes: "FULFILLMENT_SCOPES",
};

/** Scopes written as text (env, stack config): separated by spaces or commas, as OAuth and the osac CLI's --scopes write them. */
export function parseScopesSetting(raw: string): string[] {
  return raw.split(/[\s,]+/).filter((scope) => scope !== "");
}

/** `field(undefined)` names the layer as a whole (for unknown keys and wrong shapes). */
function validateLayer(raw: unknown, field: (key?: string) => string, problems: string[]): ConnectionInput {
  const result = connectionInputSchema.safeParse(raw);
  if (result.success) return result.data;
  problems.push(...formatIssues(result.error.issues, (p) => field(p.length ? p.map(String).join(".") : undefined)));
  return {};
}

/** The one grammar for boolean settings written as text (env, stack config, CLI): true/false/1/0. */
export function parseBooleanSetting(raw: string, where: string): boolean {
  const normalized = raw.trim().toLowerCase();
  if (normalized === "true" || normalized === "1") return true;
  if (normalized === "false" || normalized === "0") return false;
  throw new ConfigurationError([`${where}: expected true, false, 1 or 0, got '${raw}'`]);
}

function envLayer(env: NodeJS.ProcessEnv, problems: string[]): ConnectionInput {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as Array<[Key, string]>) {
    const value = env[name];
    if (value === undefined || value.trim() === "") continue;
    if (key === "insecure" || key === "plaintext") {
      try {
        raw[key] = parseBooleanSetting(value, `environment variable ${name}`);
      } catch (error) {
        problems.push(...(error as ConfigurationError).problems);
      }
    } else if (key === "scopes") {
      raw[key] = parseScopesSetting(value);
    } else {
      raw[key] = value;
    }
  }
  return validateLayer(raw, (key) => `environment variable ${ENV_NAMES[key as Key] ?? key ?? "FULFILLMENT_*"}`, problems);
}

/** The FULFILLMENT_* settings of an environment, validated. */
export function environmentConnection(env: NodeJS.ProcessEnv = process.env): ConnectionInput {
  const problems: string[] = [];
  const input = envLayer(env, problems);
  if (problems.length) throw new ConfigurationError(problems);
  return input;
}

/**
 * Layers merged by the rule every connection follows: for each group of settings that
 * belong together (the credentials, the TLS mode, the CA, ...), the first layer that sets
 * any of them provides the whole group, so a token of one layer never travels with the
 * token script of another.
 */
export function mergeConnectionLayers(layers: ReadonlyArray<ConnectionInput | undefined>): ConnectionInput {
  const merged: ConnectionInput = {};
  for (const group of GROUPS) {
    const layer = layers.find((candidate) => candidate && group.some((key) => candidate[key] !== undefined));
    if (!layer) continue;
    for (const key of group) if (layer[key] !== undefined) (merged as Record<string, unknown>)[key] = layer[key];
  }
  return merged;
}

/** Where the official CLI keeps its config (Go's os.UserConfigDir + fulfillment-cli/config.json). */
export function defaultCliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || os.homedir();
  let base: string;
  if (process.platform === "darwin") base = path.join(home, "Library", "Application Support");
  else if (process.platform === "win32") base = env.AppData || path.join(home, "AppData", "Roaming");
  else base = env.XDG_CONFIG_HOME || path.join(home, ".config");
  return path.join(base, "fulfillment-cli", "config.json");
}

// The CLI file is the CLI's, not ours: unknown keys are ignored, and `access_token` (newer
// CLI generations) is read like `token`.
const cliFileSchema = z.looseObject({
  address: z.string().optional(),
  token: z.string().optional(),
  access_token: z.string().optional(),
  token_script: z.string().optional(),
  insecure: z.boolean().optional(),
  plaintext: z.boolean().optional(),
  // Go's []string: null is an empty list.
  ca_files: z.array(z.string()).nullish(),
});

const OSAC_KEYS: Partial<Record<Key, string>> = {
  address: "address",
  token: "access_token",
  tokenScript: "token_script",
  insecure: "insecure",
  plaintext: "plaintext",
  clientId: "client_id",
  clientSecret: "client_secret",
  issuer: "issuer",
  scopes: "scopes",
};

const CLI_KEYS: Partial<Record<Key, string>> = {
  address: "address",
  token: "token",
  tokenScript: "token_script",
  insecure: "insecure",
  plaintext: "plaintext",
};

function cliLayer(file: string, problems: string[]): { input: ConnectionInput; caFiles?: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return { input: {} };
    problems.push(`fulfillment-cli config ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix its permissions or remove it`);
    return { input: {} };
  }
  if (text.trim() === "") return { input: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problems.push(`fulfillment-cli config ${file}: not valid JSON; fix it or run fulfillment-cli login again`);
    return { input: {} };
  }
  const parsed = cliFileSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(...formatIssues(parsed.error.issues, (p) => `fulfillment-cli config ${file} key ${p.map(String).join(".") || "(root)"}`));
    return { input: {} };
  }
  const data = parsed.data;
  const raw: Record<string, unknown> = {};
  const set = (key: Key, value: unknown) => {
    if (value !== undefined && value !== "") raw[key] = value;
  };
  set("address", data.address);
  set("token", data.token || data.access_token);
  set("tokenScript", data.token_script);
  // The CLI stores insecure and plaintext independently; plaintext wins there, as in the CLI.
  set("insecure", data.plaintext ? undefined : data.insecure);
  set("plaintext", data.plaintext);
  const input = validateLayer(raw, (key) => `fulfillment-cli config ${file}${key ? ` key ${CLI_KEYS[key as Key] ?? key}` : ""}`, problems);
  const caFiles = (data.ca_files ?? []).map((caFile) => caFile.trim()).filter((caFile) => caFile !== "");
  return caFiles.length > 0 ? { input, caFiles } : { input };
}

const CREDENTIAL_KEYS: Key[] = ["token", "tokenScript", "clientId", "clientSecret", "issuer", "scopes"];

const GROUPS: Key[][] = [
  ["address"],
  CREDENTIAL_KEYS,
  ["plaintext", "insecure"],
  ["caFile", "caPem"],
  ["deadlineSeconds"],
  ["api"],
];

function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  if (file === "~" || file.startsWith("~/")) return path.join(env.HOME || os.homedir(), file.slice(1));
  return file;
}

function readCaFile(file: string, where: string, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const resolved = path.resolve(expandHome(file, env));
  let pem: string;
  try {
    pem = fs.readFileSync(resolved, "utf8");
  } catch (error) {
    problems.push(`${where}: cannot read '${resolved}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); point it at the PEM file of the CA that signed the server's certificate`);
    return undefined;
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push(`${where}: '${resolved}' holds no PEM certificate (-----BEGIN CERTIFICATE-----); point it at the CA's PEM file`);
    return undefined;
  }
  return pem;
}

function missingAddressMessage(cliPath: string, osacDir: string): string {
  return [
    "no fulfillment API address is configured; set it in one of these ways:",
    "  - the resource's `connection: { address: \"host:port\" }` input",
    "  - stack config: pulumi config set fulfillment:address host:port",
    "  - environment variable FULFILLMENT_ADDRESS=host:port",
    `  - "address" in ${cliPath} (written by fulfillment-cli login)`,
    `  - "address" in ${path.join(osacDir, "config.json")} (written by osac login; OSAC_CONFIG names another directory)`,
  ].join("\n");
}

const joinPems = (pems: string[]) => pems.map((pem) => (pem.endsWith("\n") ? pem : `${pem}\n`)).join("");

export function resolveConnection(layers: {
  explicit?: ConnectionInput;
  stackConfig?: ConnectionInput;
  env?: NodeJS.ProcessEnv;
  cliConfigPath?: string;
  /** The osac CLI's config directory; default OSAC_CONFIG, else the user config dir + osac. */
  osacConfigDir?: string;
}): ResolvedConnection {
  const env = layers.env ?? process.env;
  const cliPath = layers.cliConfigPath ?? defaultCliConfigPath(env);
  const osacDir = layers.osacConfigDir ?? defaultOsacConfigDir(env);
  const problems: string[] = [];

  const fulfillmentCli = cliLayer(cliPath, problems);
  const osacCli = osacCliLayer(osacDir, problems);
  const osacWhere = (key: string) => `osac CLI config ${path.join(osacDir, "config.json")} (${key})`;
  const ordered: Layer[] = [
    {
      input: layers.explicit === undefined ? {} : validateLayer(layers.explicit, (k) => (k ? `connection.${k}` : "connection"), problems),
      describe: (key) => `connection.${key}`,
    },
    {
      input: layers.stackConfig === undefined ? {} : validateLayer(layers.stackConfig, (k) => (k ? `stack config fulfillment:${k}` : "stack config fulfillment:*"), problems),
      describe: (key) => `stack config fulfillment:${key}`,
    },
    { input: envLayer(env, problems), describe: (key) => `environment variable ${ENV_NAMES[key] ?? key}` },
    {
      input: fulfillmentCli.input,
      ...(fulfillmentCli.caFiles
        ? {
            ca: {
              where: `fulfillment-cli config ${cliPath} (ca_files)`,
              load(problems: string[]) {
                const pems = fulfillmentCli.caFiles!.map((file) => readCaFile(file, this.where, env, problems));
                return pems.every((pem) => pem !== undefined) ? joinPems(pems as string[]) : undefined;
              },
            },
          }
        : {}),
      describe: (key) => `fulfillment-cli config ${cliPath} (${CLI_KEYS[key] ?? key})`,
    },
    {
      input: validateLayer(osacCli.input, (k) => `osac CLI config ${path.join(osacDir, "config.json")}${k ? ` (${OSAC_KEYS[k as Key] ?? k})` : ""}`, problems),
      ...(osacCli.caPems ? { ca: { where: osacWhere("ca_files"), load: () => joinPems(osacCli.caPems!) } } : {}),
      describe: (key) => osacWhere(OSAC_KEYS[key] ?? key),
    },
  ];
  if (osacCli.credentialProblem && !ordered.slice(0, -1).some((layer) => CREDENTIAL_KEYS.some((key) => layer.input[key] !== undefined))) {
    problems.push(osacCli.credentialProblem);
  }
  if (problems.length) throw new ConfigurationError(problems);

  const chosen: ConnectionInput = {};
  const where: Partial<Record<Key, string>> = {};
  let cliCa: Layer["ca"];
  for (const group of GROUPS) {
    const isCaGroup = group.includes("caFile");
    const layer = ordered.find((l) => group.some((key) => l.input[key] !== undefined) || (isCaGroup && l.ca !== undefined));
    if (!layer) continue;
    if (isCaGroup && layer.ca && !group.some((key) => layer.input[key] !== undefined)) {
      cliCa = layer.ca;
      continue;
    }
    for (const key of group) {
      if (layer.input[key] === undefined) continue;
      (chosen as Record<string, unknown>)[key] = layer.input[key];
      where[key] = layer.describe(key);
    }
  }

  if (chosen.address === undefined) throw new ConfigurationError([missingAddressMessage(cliPath, osacDir)]);

  const plaintext = chosen.plaintext ?? false;
  const sources: Record<string, string> = { address: where.address! };
  sources.plaintext = where.plaintext ?? "default (false)";
  sources.insecure = where.insecure ?? "default (false)";

  // A CA from a lower layer is irrelevant once a higher one chose plaintext, unless it is
  // needed for the https OAuth issuer.
  let caPem: string | undefined;
  if (!plaintext || chosen.clientId !== undefined) {
    if (chosen.caPem !== undefined) {
      caPem = chosen.caPem;
      sources.caPem = where.caPem!;
    } else if (chosen.caFile !== undefined) {
      caPem = readCaFile(chosen.caFile, where.caFile!, env, problems);
      sources.caPem = where.caFile!;
    } else if (cliCa !== undefined) {
      caPem = cliCa.load(problems);
      sources.caPem = cliCa.where;
    }
  }
  if (problems.length) throw new ConfigurationError(problems);

  const deadlineSeconds = chosen.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
  sources.deadlineMs = where.deadlineSeconds ?? `default (${DEFAULT_DEADLINE_SECONDS}s)`;

  const resolved: ResolvedConnection = {
    address: chosen.address,
    insecure: plaintext ? false : (chosen.insecure ?? false),
    plaintext,
    deadlineMs: Math.round(deadlineSeconds * 1000),
    api: chosen.api ?? "auto",
    sources,
  };
  sources.api = where.api ?? "default (auto)";
  if (chosen.tokenScript !== undefined) {
    resolved.tokenScript = chosen.tokenScript;
    sources.tokenScript = where.tokenScript!;
  }
  if (chosen.token !== undefined) {
    resolved.token = chosen.token;
    sources.token = where.token!;
  }
  if (chosen.clientId !== undefined && chosen.clientSecret !== undefined) {
    resolved.clientCredentials = {
      clientId: chosen.clientId,
      clientSecret: chosen.clientSecret,
      insecure: resolved.insecure,
      ...(chosen.issuer !== undefined ? { issuer: chosen.issuer } : {}),
      ...(chosen.scopes !== undefined ? { scopes: chosen.scopes } : {}),
      ...(caPem !== undefined ? { caPem } : {}),
    };
    for (const key of ["clientId", "clientSecret", "issuer", "scopes"] as const) if (where[key]) sources[key] = where[key];
  }
  if (caPem !== undefined && !plaintext) resolved.caPem = caPem;
  // Only where the connection falls back to the osac CLI's server: its tenant is a tenant of that server.
  const addressLayer = ordered.find((layer) => layer.input.address !== undefined);
  if (osacCli.tenant && addressLayer === ordered[ordered.length - 1]) {
    resolved.tenant = osacCli.tenant;
    sources.tenant = osacWhere("tenant");
  }
  return resolved;
}

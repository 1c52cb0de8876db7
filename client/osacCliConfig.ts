// The `osac` CLI's settings (osac-project/fulfillment-service internal/cmd/cli/root_cmd.go and
// internal/config/config_settings.go), read as that CLI reads them so that after `osac login`
// nothing else is needed:
//   - the directory is OSAC_CONFIG, else Go's os.UserConfigDir() + "osac";
//   - `config.json` there holds the general settings: address, plaintext, insecure, ca_files
//     ([{name, content}]), token_script, flow (credentials|code|device|password), issuer, scopes,
//     redirect_uri, private, tenant;
//   - the secrets (access_token, refresh_token, token_expiry, client_id, client_secret, user,
//     password) live in the OS keyring (service "osac", key "secrets"), or in `secrets.json` in
//     the same directory when the keyring is not available. We read that file; the keyring we
//     cannot read, and then say so and name the setting to give instead.
// The CLI's precedence is its own: an OAuth flow first, then token_script, then access_token.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { formatIssues } from "./errors";
import type { ConnectionInput } from "./connection";
import { jwtExpiryMs } from "./jwt";

export const OSAC_CONFIG_ENV = "OSAC_CONFIG";

/** Go's os.UserConfigDir() joined with the CLI's binary name, or OSAC_CONFIG. */
export function defaultOsacConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[OSAC_CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv);
  const home = env.HOME || os.homedir();
  let base: string;
  if (process.platform === "darwin") base = path.join(home, "Library", "Application Support");
  else if (process.platform === "win32") base = env.AppData || path.join(home, "AppData", "Roaming");
  else base = env.XDG_CONFIG_HOME || path.join(home, ".config");
  return path.join(base, "osac");
}

// The CLI's files, not ours: unknown keys are ignored. Go's omitempty means absent = zero value.
const generalSchema = z.looseObject({
  address: z.string().optional(),
  plaintext: z.boolean().optional(),
  insecure: z.boolean().optional(),
  ca_files: z.array(z.looseObject({ name: z.string().optional(), content: z.string().optional() })).nullish(),
  token_script: z.string().optional(),
  flow: z.string().optional(),
  issuer: z.string().optional(),
  scopes: z.array(z.string()).nullish(),
  tenant: z.string().optional(),
});

const secretSchema = z.looseObject({
  access_token: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export interface OsacCliLayer {
  input: ConnectionInput;
  /** The PEM texts of `ca_files`, when it lists any usable entry. */
  caPems?: string[];
  /** The CLI's current tenant (`osac tenant NAME`). */
  tenant?: string;
  /**
   * Why the CLI's credentials cannot be used (kept in the keyring, expired): reported only
   * when no higher layer provides credentials, so the settings it recommends do fix it.
   */
  credentialProblem?: string;
}

function readJson(file: string, what: string, problems: string[]): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    problems.push(`${what} ${file}: cannot read it (${code ?? (error as Error).message}); fix its permissions or remove it`);
    return undefined;
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    problems.push(`${what} ${file}: not valid JSON; fix it or run osac login again`);
    return undefined;
  }
}

/**
 * `ca_files` as the CLI's createCaPool reads it: relative names are ignored; an absolute name
 * with content is a file, read again (rotated certificates) or else its stored content; an
 * absolute name without content is a directory whose files are all trusted.
 */
function caPemsOf(entries: ReadonlyArray<{ name?: string; content?: string }>): string[] {
  const pems: string[] = [];
  for (const entry of entries) {
    const name = entry.name ? path.normalize(entry.name) : "";
    if (!path.isAbsolute(name)) continue;
    if (entry.content) {
      let pem = entry.content;
      try {
        pem = fs.readFileSync(name, "utf8");
      } catch {
        // the stored content stands in, as in the CLI
      }
      pems.push(pem);
      continue;
    }
    let files: string[];
    try {
      files = fs.readdirSync(name).map((file) => path.join(name, file));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      try {
        const text = fs.readFileSync(file, "utf8");
        if (text.includes("-----BEGIN CERTIFICATE-----")) pems.push(text);
      } catch {
        // unreadable entries are skipped, as the CLI's pool builder does
      }
    }
  }
  return pems.filter((pem) => pem.includes("-----BEGIN CERTIFICATE-----"));
}

const KEYRING = "the OS keyring (service 'osac', key 'secrets')";

/** The osac CLI's settings as a connection layer; problems name the file, the key and the fix. */
export function osacCliLayer(dir: string, problems: string[]): OsacCliLayer {
  const configFile = path.join(dir, "config.json");
  const secretsFile = path.join(dir, "secrets.json");
  const raw = readJson(configFile, "osac CLI config", problems);
  if (raw === undefined) return { input: {} };
  const parsed = generalSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...formatIssues(parsed.error.issues, (p) => `osac CLI config ${configFile} key ${p.map(String).join(".") || "(root)"}`));
    return { input: {} };
  }
  const general = parsed.data;
  const rawSecrets = readJson(secretsFile, "osac CLI secrets", problems);
  const secretsParsed = rawSecrets === undefined ? undefined : secretSchema.safeParse(rawSecrets);
  if (secretsParsed && !secretsParsed.success) {
    // Never echo the file's values: it holds credentials.
    problems.push(`osac CLI secrets ${secretsFile}: not in the format the osac CLI writes; run osac login again`);
  }
  const secrets = secretsParsed?.success ? secretsParsed.data : undefined;

  const input: ConnectionInput = {};
  if (general.address) input.address = general.address;
  // Both stored independently by the CLI; plaintext wins there.
  if (general.plaintext) input.plaintext = true;
  else if (general.insecure) input.insecure = true;

  const where = `osac CLI config ${configFile}`;
  let credentialProblem: string | undefined;
  const secretsWhere = secrets ? `osac CLI secrets ${secretsFile}` : KEYRING;
  if (general.flow) {
    if (general.flow === "credentials") {
      if (secrets?.client_id && secrets.client_secret) {
        input.clientId = secrets.client_id;
        input.clientSecret = secrets.client_secret;
        if (general.issuer) input.issuer = general.issuer;
        const scopes = (general.scopes ?? []).filter((scope) => scope !== "");
        if (scopes.length) input.scopes = scopes;
      } else {
        credentialProblem = (
          `${where}: osac login stored the client id and secret of its 'credentials' flow in ${KEYRING}, which this program cannot read` +
            (secrets ? ` (${secretsFile} has no client_id/client_secret)` : "") +
            `; give them instead: pulumi config set fulfillment:clientId <id> and pulumi config set --secret fulfillment:clientSecret <secret> ` +
            `(or FULFILLMENT_CLIENT_ID / FULFILLMENT_CLIENT_SECRET)`
        );
      }
    } else if (secrets?.access_token && (jwtExpiryMs(secrets.access_token) ?? Infinity) > Date.now()) {
      // The code/device/password flows refresh interactively or with the stored refresh
      // token; the access token they saved is good until it expires.
      input.token = secrets.access_token;
    } else {
      credentialProblem = (
        `${where}: osac login used the '${general.flow}' flow, whose tokens are in ${secretsWhere}` +
          (secrets ? " and have expired" : ", which this program cannot read") +
          `; set tokenScript to a command that prints a current token, e.g. pulumi config set fulfillment:tokenScript "osac get token" ` +
          `(or FULFILLMENT_TOKEN_SCRIPT), or use OAuth client credentials (fulfillment:clientId and fulfillment:clientSecret)`
      );
    }
  } else if (general.token_script) {
    input.tokenScript = general.token_script;
    // The script's last token, reused while it is valid (as the CLI's token store does).
    if (secrets?.access_token) input.token = secrets.access_token;
  } else if (secrets?.access_token) {
    input.token = secrets.access_token;
  }

  const layer: OsacCliLayer = { input };
  const caPems = caPemsOf(general.ca_files ?? []);
  if (caPems.length) layer.caPems = caPems;
  if (general.tenant) layer.tenant = general.tenant;
  if (credentialProblem) layer.credentialProblem = credentialProblem;
  return layer;
}

// The fulfillment connection settings a pipeline hands the stack: from options, else the
// FULFILLMENT_* environment, written as the stack's `fulfillment:` config (the token as
// a secret), which the dynamic providers receive through `configure`.
import type { ConfigMap } from "@pulumi/pulumi/automation";

export interface ConnectionSettings {
  /** host:port of the gRPC API (`fulfillment:address`, env FULFILLMENT_ADDRESS). */
  address?: string;
  /** Bearer token (`fulfillment:token`, stored as a secret; env FULFILLMENT_TOKEN). */
  token?: string;
  /** Command printing a token (`fulfillment:tokenScript`; env FULFILLMENT_TOKEN_SCRIPT). */
  tokenScript?: string;
  /** No TLS (`fulfillment:plaintext`; env FULFILLMENT_PLAINTEXT). */
  plaintext?: boolean;
  /** TLS without verification (`fulfillment:insecure`; env FULFILLMENT_INSECURE). */
  insecure?: boolean;
  /** CA bundle file (`fulfillment:caFile`; env FULFILLMENT_CA_FILE). */
  caFile?: string;
}

function envBoolean(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new Error(`${name}: expected true or false, got '${raw}'`);
}

export function connectionFromEnvironment(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const out: ConnectionSettings = {};
  if (env.FULFILLMENT_ADDRESS) out.address = env.FULFILLMENT_ADDRESS;
  if (env.FULFILLMENT_TOKEN) out.token = env.FULFILLMENT_TOKEN;
  if (env.FULFILLMENT_TOKEN_SCRIPT) out.tokenScript = env.FULFILLMENT_TOKEN_SCRIPT;
  const plaintext = envBoolean("FULFILLMENT_PLAINTEXT", env.FULFILLMENT_PLAINTEXT);
  if (plaintext !== undefined) out.plaintext = plaintext;
  const insecure = envBoolean("FULFILLMENT_INSECURE", env.FULFILLMENT_INSECURE);
  if (insecure !== undefined) out.insecure = insecure;
  if (env.FULFILLMENT_CA_FILE) out.caFile = env.FULFILLMENT_CA_FILE;
  return out;
}

/** Options win over the environment, field by field. */
export function resolveConnection(options: ConnectionSettings | undefined, env: NodeJS.ProcessEnv = process.env, useEnvironment = true): ConnectionSettings {
  const fromEnv = useEnvironment ? connectionFromEnvironment(env) : {};
  const merged: ConnectionSettings = { ...fromEnv };
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}

/** The stack config entries for connection settings. */
export function connectionConfig(settings: ConnectionSettings): ConfigMap {
  const config: ConfigMap = {};
  if (settings.address !== undefined) config["fulfillment:address"] = { value: settings.address };
  if (settings.token !== undefined) config["fulfillment:token"] = { value: settings.token, secret: true };
  if (settings.tokenScript !== undefined) config["fulfillment:tokenScript"] = { value: settings.tokenScript };
  if (settings.plaintext !== undefined) config["fulfillment:plaintext"] = { value: String(settings.plaintext) };
  if (settings.insecure !== undefined) config["fulfillment:insecure"] = { value: String(settings.insecure) };
  if (settings.caFile !== undefined) config["fulfillment:caFile"] = { value: settings.caFile };
  return config;
}

// The fulfillment connection a pipeline hands a stack: its options, else the FULFILLMENT_*
// environment, merged by the provider's own rule (client/connection.ts: the first layer
// that sets any setting of a group provides the whole group) and written as the stack's
// `fulfillment:` config (the token and the client secret as secrets), which the dynamic providers receive
// through `configure`.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { environmentConnection, mergeConnectionLayers, type ConnectionInput } from "../client/connection";

/** The settings a stack's config can carry (`fulfillment:<name>`). */
export type ConnectionSettings = Pick<
  ConnectionInput,
  "address" | "token" | "tokenScript" | "clientId" | "clientSecret" | "issuer" | "scopes" | "plaintext" | "insecure" | "caFile" | "api"
>;

const STACK_KEYS = ["address", "token", "tokenScript", "clientId", "clientSecret", "issuer", "scopes", "plaintext", "insecure", "caFile", "api"] as const;

export function connectionFromEnvironment(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const fromEnv = environmentConnection(env);
  const out: ConnectionSettings = {};
  for (const key of STACK_KEYS) if (fromEnv[key] !== undefined) (out as Record<string, unknown>)[key] = fromEnv[key];
  return out;
}

/** Options over the environment, group by group (never a token of one with the script of the other). */
export function connectionForStack(options: ConnectionSettings | undefined, env: NodeJS.ProcessEnv = process.env, useEnvironment = true): ConnectionSettings {
  return mergeConnectionLayers([options, useEnvironment ? connectionFromEnvironment(env) : undefined]) as ConnectionSettings;
}

/** The stack config entries for connection settings. */
export function connectionConfig(settings: ConnectionSettings): ConfigMap {
  const config: ConfigMap = {};
  if (settings.address !== undefined) config["fulfillment:address"] = { value: settings.address };
  if (settings.token !== undefined) config["fulfillment:token"] = { value: settings.token, secret: true };
  if (settings.tokenScript !== undefined) config["fulfillment:tokenScript"] = { value: settings.tokenScript };
  if (settings.clientId !== undefined) config["fulfillment:clientId"] = { value: settings.clientId };
  if (settings.clientSecret !== undefined) config["fulfillment:clientSecret"] = { value: settings.clientSecret, secret: true };
  if (settings.issuer !== undefined) config["fulfillment:issuer"] = { value: settings.issuer };
  if (settings.scopes !== undefined) config["fulfillment:scopes"] = { value: settings.scopes.join(" ") };
  if (settings.plaintext !== undefined) config["fulfillment:plaintext"] = { value: String(settings.plaintext) };
  if (settings.insecure !== undefined) config["fulfillment:insecure"] = { value: String(settings.insecure) };
  if (settings.caFile !== undefined) config["fulfillment:caFile"] = { value: settings.caFile };
  if (settings.api !== undefined) config["fulfillment:api"] = { value: settings.api };
  return config;
}

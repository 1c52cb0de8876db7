// Which generation a server speaks, and the adapter for it. `api: auto` asks the server
// once per connection through grpc.reflection.v1 (both generations serve it without a
// token) and remembers the answer for the life of the process.
import * as grpc from "@grpc/grpc-js";
import type { FulfillmentClient } from "../client";
import { grpcCode } from "../errors";
import type { FulfillmentApi } from "./api";
import type { ApiGeneration } from "./domain";
import { innaboxApi } from "./innabox";
import { osacApi } from "./osac";
import { Capabilities } from "../../proto/gen/osac/public/v1/capabilities_service_pb";

export type { FulfillmentApi } from "./api";
export * from "./domain";

const SETTING = "connection.api, stack config fulfillment:api or FULFILLMENT_API";

/** Decides from the service names a server lists; undefined when neither generation's Clusters is there. */
export function generationOf(services: readonly string[]): ApiGeneration | undefined {
  if (services.includes("osac.public.v1.Clusters")) return "osac";
  if (services.includes("fulfillment.v1.Clusters")) return "innabox";
  return undefined;
}

const detected = new WeakMap<FulfillmentClient, Promise<ApiGeneration>>();

async function detect(client: FulfillmentClient): Promise<ApiGeneration> {
  let services: string[];
  try {
    services = await client.listServices();
  } catch (error) {
    if (grpcCode(error) === grpc.status.UNIMPLEMENTED) {
      throw new Error(`${client.address} does not serve grpc.reflection.v1, so the API generation cannot be detected; set api to osac or innabox (${SETTING})`);
    }
    throw error;
  }
  const generation = generationOf(services);
  if (!generation) {
    throw new Error(
      `${client.address} serves neither osac.public.v1.Clusters nor fulfillment.v1.Clusters (it lists ${services.length ? services.join(", ") : "no services"}); ` +
        `check the address, or set api to osac or innabox (${SETTING})`,
    );
  }
  return generation;
}

/** The generation this connection speaks: the setting, or what the server says. */
export function generationFor(client: FulfillmentClient): Promise<ApiGeneration> {
  const setting = client.apiSetting;
  if (setting === "osac" || setting === "innabox") return Promise.resolve(setting);
  let pending = detected.get(client);
  if (!pending) {
    pending = detect(client);
    detected.set(client, pending);
    // A failed detection (server down) is asked again next time.
    pending.catch(() => detected.delete(client));
  }
  return pending;
}

export class MissingTokenError extends Error {
  override readonly name = "MissingTokenError";
}

/**
 * The osac generation refuses every call without a JWT: say so before the first call, with
 * the issuers the server trusts (Capabilities.Get needs no token).
 */
async function requireToken(client: FulfillmentClient): Promise<void> {
  if (client.hasCredentials) return;
  let issuers = "";
  try {
    const trusted = (await client.call(Capabilities.method.get, {})).authn?.trustedTokenIssuers ?? [];
    issuers = trusted.length ? `; it trusts tokens from ${trusted.join(", ")}` : "";
  } catch {
    // The message stands without the list.
  }
  throw new MissingTokenError(
    `${client.address} speaks the osac generation (osac.public.v1), which requires a JWT on every call, and no token is configured${issuers}. ` +
      `Set OAuth client credentials (connection.clientId / connection.clientSecret, stack config fulfillment:clientId and, as a secret, ` +
      `fulfillment:clientSecret, or FULFILLMENT_CLIENT_ID / FULFILLMENT_CLIENT_SECRET; the issuer is discovered from the server), ` +
      `or a token or a token script that prints one: connection.token / connection.tokenScript, stack config fulfillment:token (as a secret) / ` +
      `fulfillment:tokenScript, or FULFILLMENT_TOKEN / FULFILLMENT_TOKEN_SCRIPT, or run osac login`,
  );
}

export async function apiFor(client: FulfillmentClient): Promise<FulfillmentApi> {
  const generation = await generationFor(client);
  if (generation === "osac") {
    await requireToken(client);
    return osacApi(client);
  }
  return innaboxApi(client);
}

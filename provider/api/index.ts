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

export async function apiFor(client: FulfillmentClient): Promise<FulfillmentApi> {
  const generation = await generationFor(client);
  return generation === "osac" ? osacApi(client) : innaboxApi(client);
}

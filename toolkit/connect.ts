// The client a resource operation uses: its own `connection` input first, then the
// stack's `fulfillment:` config, then the environment and the fulfillment CLI's config.
// Resources speak the domain API (apiForInputs); only the adapters see the client.
import { clientFor, type FulfillmentClient } from "../client/client";
import type { ConnectionInput } from "../client/connection";
import { stackConfigConnection } from "./stackConfig";
import { apiFor, type FulfillmentApi } from "../client/api";

export function clientForInputs(inputs: { connection?: ConnectionInput }): FulfillmentClient {
  return clientFor(inputs.connection, stackConfigConnection());
}

/** The domain API of the generation the resolved server speaks (asked once per connection when `api` is auto). */
export async function apiForInputs(inputs: { connection?: ConnectionInput }): Promise<FulfillmentApi> {
  return apiFor(clientForInputs(inputs));
}

// The client a resource operation uses: its own `connection` input first, then the
// stack's `fulfillment:` config, then the environment and the fulfillment CLI's config.
import { clientFor, type FulfillmentClient } from "../client";
import type { ConnectionInput } from "../connection";
import { stackConfigConnection } from "./stackConfig";

export function clientForInputs(inputs: { connection?: ConnectionInput }): FulfillmentClient {
  return clientFor(inputs.connection, stackConfigConnection());
}

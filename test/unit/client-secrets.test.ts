import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { NO_CLI_CONFIG } from "../helpers/paths";

describe("FulfillmentClient holds credentials out of reach of serializers", () => {
  it("exposes no own property, JSON or inspect output carrying the token", () => {
    const token = "very-secret-token-4242";
    const connection = resolveConnection({ explicit: { address: "127.0.0.1:1", token, plaintext: true }, env: {}, cliConfigPath: NO_CLI_CONFIG });
    const client = FulfillmentClient.connect(connection);
    try {
      expect(Object.getOwnPropertyNames(client)).toEqual([]);
      expect(JSON.stringify(client)).toBe("{}");
      expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(token);
      expect(client.address).toBe("127.0.0.1:1");
    } finally {
      client.close();
    }
  });
});

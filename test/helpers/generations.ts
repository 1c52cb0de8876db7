// Both API generations from one test source: a simulator of the generation with an admin
// credential the way that generation issues them (a static token on innabox, a JWT from
// the simulator's own issuer on osac), and the domain API to look at what it stores.
import { startSimulator, type Simulator, type SimulatorOptions } from "../../simulator";
import { FulfillmentClient, type ClientOptions } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type ApiGeneration, type FulfillmentApi } from "../../client/api";
import { NO_CLI_CONFIG } from "./paths";

export const GENERATIONS: readonly ApiGeneration[] = ["innabox", "osac"];

export interface GenerationSimulator {
  generation: ApiGeneration;
  sim: Simulator;
  /** A token the generation accepts as an admin's. */
  adminToken: string;
  /** The domain API over an admin connection, for looking behind Pulumi's back. */
  api: FulfillmentApi;
  close(): Promise<void>;
}

const INNABOX_ADMIN_TOKEN = "admin-token-3f9a1c7e5b2d4f60";

/** The generation's `auth` option is innabox only; osac tokens come from `sim.issuer`. `client`: options of the admin connection (e.g. no retries). */
export async function startGenerationSimulator(
  generation: ApiGeneration,
  options: SimulatorOptions = {},
  client: ClientOptions = {},
): Promise<GenerationSimulator> {
  const sim =
    generation === "osac"
      ? await startSimulator({ seed: "catalog", hubs: "simulated", ...options, api: "osac", osac: { issuer: {}, ...options.osac } })
      : await startSimulator({ seed: "catalog", hubs: "simulated", auth: { clientTokens: [], adminTokens: [INNABOX_ADMIN_TOKEN] }, ...options, api: "innabox" });
  const adminToken =
    generation === "osac" ? await sim.issuer!.mintToken({ preferred_username: "e2e-admin", groups: ["admins"] }, 4 * 3600) : INNABOX_ADMIN_TOKEN;
  const admin = FulfillmentClient.connect(
    resolveConnection({ explicit: { address: sim.address, token: adminToken, plaintext: true, api: generation }, env: {}, cliConfigPath: NO_CLI_CONFIG }),
    client,
  );
  return {
    generation,
    sim,
    adminToken,
    api: await apiFor(admin),
    async close() {
      admin.close();
      await sim.stop();
    },
  };
}

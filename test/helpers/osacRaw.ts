// Raw gRPC access to an osac-generation simulator for contract tests: like RawClient, but
// every call can carry its own token and extra request metadata (several authorization
// headers, `x-dry-run`), and the built-in issuer mints the tokens.
import * as grpc from "@grpc/grpc-js";
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { UnaryMethod } from "../../proto/grpc";
import { unaryCall } from "./unaryCall";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../simulator";

export interface CallOptions {
  token?: string;
  /** Raw metadata entries, appended in order (e.g. two `authorization` values). */
  headers?: Array<[string, string]>;
}

export class OsacClient {
  readonly client: grpc.Client;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      "grpc.initial_reconnect_backoff_ms": 50,
      "grpc.max_reconnect_backoff_ms": 200,
    });
  }

  call<I extends DescMessage, O extends DescMessage>(
    method: UnaryMethod<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions | string = {},
  ): Promise<MessageShape<O>> {
    const { token, headers = [] } = typeof options === "string" ? { token: options } : options;
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.add("authorization", `Bearer ${token}`);
    for (const [key, value] of headers) metadata.add(key, value);
    return unaryCall(this.client, method, request, metadata, { deadline: Date.now() + 5000 });
  }

  close(): void {
    this.client.close();
  }
}

export interface OsacFixture {
  sim: Simulator;
  client: OsacClient;
  /** groups: [admins] */
  admin: string;
  /** organization: [acme] */
  alice: string;
  /** organization: [other] */
  bob: string;
  token(claims: Record<string, unknown>, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startOsac(options: SimulatorOptions = {}): Promise<OsacFixture> {
  const sim = await startSimulator({
    api: "osac",
    hubs: "simulated",
    seed: "catalog",
    controllerDelayMs: 5,
    provisioningDelayMs: 200,
    deletionDelayMs: 100,
    nodeSetConvergenceMs: 100,
    ...options,
    osac: { tenants: ["acme", "other"], ...options.osac },
  });
  const client = new OsacClient(sim.address);
  const token = (claims: Record<string, unknown>, ttl?: number) => sim.issuer!.mintToken(claims, ttl);
  return {
    sim,
    client,
    admin: await token({ preferred_username: "admin", groups: ["admins"] }),
    alice: await token({ preferred_username: "alice", organization: ["acme"] }),
    bob: await token({ preferred_username: "bob", organization: ["other"] }),
    token,
    async close() {
      client.close();
      await sim.stop();
    },
  };
}

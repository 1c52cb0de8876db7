// Raw gRPC access to a server for contract tests: one grpc-js client, protobuf-es
// messages, bearer tokens, and bounded polling. Deliberately independent of client/.
import * as grpc from "@grpc/grpc-js";
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { UnaryMethod } from "../../proto/grpc";
import { unaryCall } from "./unaryCall";

export interface RawClientOptions {
  /** PEM of the CA that signed the server certificate; absent = plaintext. */
  caPem?: string;
  /** TLS server name override (the certificate's name when connecting by IP). */
  serverName?: string;
  token?: string;
  deadlineMs?: number;
}

export class RawClient {
  readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly options: RawClientOptions = {},
  ) {
    const credentials = options.caPem
      ? grpc.credentials.createSsl(Buffer.from(options.caPem))
      : grpc.credentials.createInsecure();
    const channelOptions: grpc.ChannelOptions = {
      // Reconnect quickly after a simulator restart instead of grpc-js's 1s+ backoff.
      "grpc.initial_reconnect_backoff_ms": 50,
      "grpc.max_reconnect_backoff_ms": 200,
    };
    if (options.serverName) channelOptions["grpc.ssl_target_name_override"] = options.serverName;
    this.client = new grpc.Client(address, credentials, channelOptions);
  }

  call<I extends DescMessage, O extends DescMessage>(
    method: UnaryMethod<I, O>,
    request: MessageInitShape<I>,
    token: string | undefined = this.options.token,
  ): Promise<MessageShape<O>> {
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
    return unaryCall(this.client, method, request, metadata, {
      deadline: Date.now() + (this.options.deadlineMs ?? 5000),
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Resolves with the gRPC error a call failed with; fails the test if it succeeded. */
export async function grpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * Polls `read` until `done` accepts its value, at most `timeoutMs`. Throws with the last
 * value seen, so a failing wait says what the server showed instead of just timing out.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 5000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${(lastError as Error).message}` : `last value: ${safeJson(last)}`;
      throw new Error(`condition not met within ${timeoutMs} ms; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(value);
  }
}

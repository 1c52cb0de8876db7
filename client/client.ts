// The one way the project talks to the fulfillment API: a channel per resolved connection,
// a bearer token per call, a deadline per attempt, retries for idempotent calls, one token
// refresh after UNAUTHENTICATED, and errors that say what to fix.
import { createHash } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { serverStreamingCall, type ServerStreamingMethod, type UnaryMethod } from "../proto/grpc";
import { tokenSourceFor, type TokenSource, type TokenSourceOptions } from "./auth";
import { resolveConnection, type ConnectionInput, type ResolvedConnection } from "./connection";
import { grpcCode, statusName, toFulfillmentError } from "./errors";
import { redactSecrets } from "./redact";
import { retryPolicy, withRetries, type RetryPolicy } from "../timing/retry";
import { createChannel, invokeUnary, listServices, probeTls } from "./transport";
import { Capabilities } from "../proto/gen/osac/public/v1/capabilities_service_pb";

export interface CallOptions {
  /** Named in error messages; defaults to the request's `id` or `object.id`. */
  objectId?: string;
  /** Per attempt; defaults to the connection's deadlineSeconds. */
  deadlineMs?: number;
  /** default: true for List/Get/GetKubeconfig/GetPassword/Update/Delete/Signal, false for Create (true when the Create request carries an id) */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface StreamHandlers<O> {
  /** The server has sent its headers: it has subscribed, and changes from now on count. */
  onOpen?: () => void;
  onMessage: (message: O) => void;
}

export interface ClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Receives redacted progress lines (retries, token refreshes). */
  log?: (line: string) => void;
  /** Token caching (refresh margin, clock); tests shorten the margin. */
  tokens?: TokenSourceOptions;
}

// CANCELLED is included because a grpc server that shuts down (restart, rollout) cancels
// the calls in flight with RST_STREAM(CANCEL); our own cancellations (AbortSignal) are
// never retried, since withRetries stops as soon as the signal is aborted.
const RETRYABLE = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED, grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED]);
const IDEMPOTENT_METHODS = new Set(["List", "Get", "GetKubeconfig", "GetPassword", "Update", "Delete", "Signal"]);

function objectIdOf(request: unknown): string | undefined {
  const r = request as { id?: unknown; object?: { id?: unknown } } | undefined;
  if (typeof r?.id === "string" && r.id) return r.id;
  if (typeof r?.object?.id === "string" && r.object.id) return r.object.id;
  return undefined;
}

function defaultIdempotent(methodName: string, request: unknown): boolean {
  // A Create with a client-chosen id cannot create twice: a replay gets ALREADY_EXISTS.
  if (methodName === "Create") {
    const id = (request as { object?: { id?: unknown } } | undefined)?.object?.id;
    return typeof id === "string" && id !== "";
  }
  return IDEMPOTENT_METHODS.has(methodName);
}

/**
 * grpc-js fails a call with this wording when no connection was ever established for it,
 * so the request never left the process: safe to retry even when not idempotent.
 */
function neverSent(error: unknown): boolean {
  return grpcCode(error) === grpc.status.UNAVAILABLE && /^No connection established/.test(String((error as { details?: unknown }).details ?? ""));
}

export class FulfillmentClient {
  // Private fields: invisible to Object.keys and to Pulumi's closure serializer, so a
  // client captured by mistake cannot carry the token into the state.
  readonly #connection: ResolvedConnection;
  readonly #channel: grpc.Client;
  readonly #tokens: TokenSource;
  readonly #policy: RetryPolicy;
  readonly #log: (line: string) => void;
  #closed = false;
  readonly #closeListeners = new Set<() => void>();

  private constructor(connection: ResolvedConnection, options: ClientOptions) {
    this.#connection = connection;
    this.#policy = retryPolicy(options.retry);
    this.#log = options.log ?? (() => {});
    this.#channel = createChannel(connection);
    this.#tokens = tokenSourceFor(connection, options.tokens, { trustedIssuers: (signal) => this.#trustedIssuers(signal) });
  }

  static connect(connection: ResolvedConnection, options: ClientOptions = {}): FulfillmentClient {
    return new FulfillmentClient(connection, options);
  }

  /** The API generation setting of this connection (`auto` = ask the server). */
  get apiSetting(): ResolvedConnection["api"] {
    return this.#connection.api;
  }

  /** Whether calls carry a bearer token (a token, a token script or OAuth client credentials are configured). */
  get hasCredentials(): boolean {
    return this.#connection.token !== undefined || this.#connection.tokenScript !== undefined || this.#connection.clientCredentials !== undefined;
  }

  /**
   * The issuers the server trusts, from osac.public.v1.Capabilities/Get (open without a
   * token): how client credentials find their issuer when none is configured.
   */
  async #trustedIssuers(signal?: AbortSignal): Promise<string[]> {
    const deadlineMs = this.#connection.deadlineMs;
    const answer = await withRetries(
      this.#policy,
      () => invokeUnary(this.#channel, Capabilities.method.get, create(Capabilities.method.get.input, {}), new grpc.Metadata(), { deadlineMs, signal }),
      { shouldRetry: (error) => RETRYABLE.has(grpcCode(error) ?? -1) || neverSent(error), signal },
    ).catch(async (error: unknown) => {
      throw await this.#mapError(error, "osac.public.v1.Capabilities/Get", undefined, deadlineMs, false);
    });
    return answer.authn?.trustedTokenIssuers ?? [];
  }

  /** A digest of this client's settings: the same for every client of the same connection, and no credential in clear. */
  get key(): string {
    return cacheKey(this.#connection);
  }

  /** The osac CLI's current tenant, when the connection comes from that CLI's config. */
  get defaultTenant(): string | undefined {
    return this.#connection.tenant;
  }

  /** The address this client talks to (safe to print). */
  get address(): string {
    return this.#connection.address;
  }

  #emit(line: string): void {
    this.#log(redactSecrets(line, this.#tokens.secrets()));
  }

  async call<I extends DescMessage, O extends DescMessage>(
    method: UnaryMethod<I, O>,
    request: MessageInitShape<I>,
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    const methodName = `${method.parent.typeName}/${method.name}`;
    if (this.#closed) throw new Error(`${methodName}: the FulfillmentClient for ${this.#connection.address} was closed`);
    if (method.methodKind !== "unary") throw new Error(`${methodName}: only unary methods are supported`);
    const objectId = options.objectId ?? objectIdOf(request);
    const idempotent = options.idempotent ?? defaultIdempotent(method.name, request);
    const deadlineMs = options.deadlineMs ?? this.#connection.deadlineMs;
    const subject = objectId ? `${methodName} of '${objectId}'` : methodName;
    const message = create(method.input, request);
    let refreshed = false;
    let sentToken = false;

    const send = async (): Promise<MessageShape<O>> => {
      const token = await this.#tokens.get(options.signal);
      sentToken = token !== undefined;
      const metadata = new grpc.Metadata();
      if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
      try {
        return await invokeUnary(this.#channel, method, message, metadata, { deadlineMs, signal: options.signal });
      } catch (error) {
        // A rejected call did nothing on the server, so one replay with a fresh token is safe
        // even for Create.
        if (grpcCode(error) !== grpc.status.UNAUTHENTICATED || refreshed || !this.#tokens.refreshable) throw error;
        refreshed = true;
        this.#tokens.invalidate(token);
        this.#emit(`${subject}: token rejected (UNAUTHENTICATED); ${this.#tokens.refreshing ?? "asking for a new one"}`);
        return send();
      }
    };

    try {
      return await withRetries(this.#policy, send, {
        shouldRetry: (error) => (idempotent && RETRYABLE.has(grpcCode(error) ?? -1)) || neverSent(error),
        onRetry: ({ error, attempt, delayMs }) => {
          const code = grpcCode(error);
          this.#emit(
            `${subject} failed with ${code === undefined ? "an error" : statusName(code)}; retrying in ${delayMs}ms (attempt ${attempt + 1} of ${this.#policy.maxAttempts})`,
          );
        },
        signal: options.signal,
      });
    } catch (error) {
      throw await this.#mapError(error, methodName, objectId, deadlineMs, sentToken);
    }
  }

  /**
   * One server-streaming call, with the connection's token and no deadline (a watch lasts
   * until cancelled). Resolves when the server ends it with OK, rejects with the status as
   * a FulfillmentError otherwise; aborting `signal` cancels it (and resolves). Not retried:
   * the caller decides how to reconnect, since a stream that broke may have lost messages.
   */
  async stream<I extends DescMessage, O extends DescMessage>(
    method: ServerStreamingMethod<I, O>,
    request: MessageInitShape<I>,
    handlers: StreamHandlers<MessageShape<O>>,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const methodName = `${method.parent.typeName}/${method.name}`;
    if (this.#closed) throw new Error(`${methodName}: the FulfillmentClient for ${this.#connection.address} was closed`);
    if (options.signal?.aborted) return;
    let token: string | undefined;
    try {
      token = await this.#tokens.get(options.signal);
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
    try {
      await new Promise<void>((resolve, reject) => {
        const call = serverStreamingCall(this.#channel, method, request, metadata);
        const onAbort = () => call.cancel();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        const settle = (error?: unknown) => {
          options.signal?.removeEventListener("abort", onAbort);
          if (error === undefined || options.signal?.aborted) resolve();
          else reject(error);
        };
        call.once("metadata", () => handlers.onOpen?.());
        call.on("data", (message: MessageShape<O>) => handlers.onMessage(message));
        call.on("error", (error) => settle(error));
        call.on("end", () => settle());
      });
    } catch (error) {
      if (grpcCode(error) === grpc.status.UNAUTHENTICATED && token !== undefined) this.#tokens.invalidate(token);
      throw await this.#mapError(error, methodName, undefined, this.#connection.deadlineMs, token !== undefined);
    }
  }

  /**
   * The service names the server lists through grpc.reflection.v1 (open without a token on
   * both generations): how `api: auto` tells which generation a server speaks.
   */
  async listServices(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const methodName = "grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
    if (this.#closed) throw new Error(`${methodName}: the FulfillmentClient for ${this.#connection.address} was closed`);
    const deadlineMs = this.#connection.deadlineMs;
    try {
      return await withRetries(this.#policy, () => listServices(this.#channel, { deadlineMs, signal: options.signal }), {
        shouldRetry: (error) => RETRYABLE.has(grpcCode(error) ?? -1) || neverSent(error),
        onRetry: ({ error, attempt, delayMs }) =>
          this.#emit(`${methodName} failed with ${statusName(grpcCode(error) ?? 2)}; retrying in ${delayMs}ms (attempt ${attempt + 1} of ${this.#policy.maxAttempts})`),
        signal: options.signal,
      });
    } catch (error) {
      throw await this.#mapError(error, methodName, undefined, deadlineMs, false);
    }
  }

  async #mapError(error: unknown, method: string, objectId: string | undefined, deadlineMs: number, sentToken: boolean): Promise<Error> {
    const connection = this.#connection;
    let serverSpeaksTls: boolean | undefined;
    if (connection.plaintext && grpcCode(error) === grpc.status.UNAVAILABLE) {
      serverSpeaksTls = await probeTls(connection.address);
    }
    return toFulfillmentError(error, {
      method,
      ...(objectId ? { objectId } : {}),
      address: connection.address,
      plaintext: connection.plaintext,
      insecure: connection.insecure,
      deadlineMs,
      sources: connection.sources,
      hasToken: sentToken,
      tokenScript: this.#connection.tokenScript !== undefined && this.#connection.clientCredentials === undefined,
      clientCredentials: this.#connection.clientCredentials !== undefined,
      ...(serverSpeaksTls !== undefined ? { serverSpeaksTls } : {}),
      secrets: this.#tokens.secrets(),
    });
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** `listener` runs once when the client is closed (per-connection state built on it, such as the cluster watcher, stops then). */
  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of [...this.#closeListeners]) listener();
    this.#closeListeners.clear();
    this.#channel.close();
  }
}

// Per-process cache: dynamic providers call clientFor in every method, and one channel per
// set of settings keeps connections (and cached script tokens) across those calls. Keys
// are hashes, so the map holds no credential in clear; module state is never serialized.
const clients = new Map<string, FulfillmentClient>();

function cacheKey(connection: ResolvedConnection): string {
  const { address, token, tokenScript, insecure, plaintext, caPem, deadlineMs, api, clientCredentials, tenant } = connection;
  return createHash("sha256")
    .update(JSON.stringify([address, token, tokenScript, insecure, plaintext, caPem, deadlineMs, api, clientCredentials ?? null, tenant ?? null]))
    .digest("hex");
}

/** Resolves settings (explicit > stack config > env > CLI config) and returns a cached client for them. */
export function clientFor(explicit?: ConnectionInput, stackConfig?: ConnectionInput): FulfillmentClient {
  const connection = resolveConnection({ explicit, stackConfig, env: process.env });
  const key = cacheKey(connection);
  let client = clients.get(key);
  if (!client) {
    client = FulfillmentClient.connect(connection);
    clients.set(key, client);
  }
  return client;
}

/** Closes and forgets every client made by clientFor (tests, long-lived automation processes). */
export function closeAllClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

// The grpc-js channel: credentials for the three TLS modes, channel options, one
// cancellable unary call, and a TLS probe used only to explain connection failures.
import * as grpc from "@grpc/grpc-js";
import * as net from "node:net";
import * as tls from "node:tls";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { grpcPath, messageDeserializer, requestSerializer, type UnaryMethod } from "../proto/grpc";
import type { ResolvedConnection } from "./connection";
import { create } from "@bufbuild/protobuf";
import { ServerReflection } from "../proto/gen/grpc/reflection/v1/reflection_pb";

/**
 * plaintext -> no TLS; insecure -> TLS without verifying the chain or the name (what the
 * CLI's `insecure` does); otherwise TLS verified against `caPem` or the system roots.
 */
export function channelCredentials(connection: Pick<ResolvedConnection, "plaintext" | "insecure" | "caPem">): grpc.ChannelCredentials {
  if (connection.plaintext) return grpc.credentials.createInsecure();
  if (connection.insecure) {
    return withoutIpServerName(grpc.credentials.createSsl(null, null, null, { checkServerIdentity: () => undefined, rejectUnauthorized: false }));
  }
  return withoutIpServerName(grpc.credentials.createSsl(connection.caPem ? Buffer.from(connection.caPem) : null));
}

interface SecureConnectorFactory {
  _createSecureConnector(target: unknown, options: unknown, callCredentials: unknown): { connectionOptions?: tls.ConnectionOptions };
}

/**
 * grpc-js sends the target host as TLS SNI even when it is an IP address, which RFC 6066
 * forbids and Node answers with a DEP0123 warning on every connection. Without SNI, Node
 * still verifies the certificate against the host (an IP SAN), so only the SNI is dropped.
 */
function withoutIpServerName(credentials: grpc.ChannelCredentials): grpc.ChannelCredentials {
  const factory = credentials as unknown as SecureConnectorFactory;
  const original = factory._createSecureConnector?.bind(credentials);
  if (typeof original !== "function") return credentials;
  factory._createSecureConnector = (target, options, callCredentials) => {
    const connector = original(target, options, callCredentials);
    const servername = connector.connectionOptions?.servername;
    if (servername !== undefined && net.isIP(servername)) delete connector.connectionOptions!.servername;
    return connector;
  };
  return credentials;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.primary_user_agent": "pulumi-fulfillment",
  // grpc-js waits 1s..120s between reconnects by default; a restarted server should be
  // picked up within our own retry budget.
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2_000,
  // No DNS TXT lookups for service config: the real server publishes none.
  "grpc.service_config_disable_resolution": 1,
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
};

export function createChannel(connection: ResolvedConnection): grpc.Client {
  return new grpc.Client(connection.address, channelCredentials(connection), CHANNEL_OPTIONS);
}

/** One unary call with a deadline; aborting `signal` cancels it (status CANCELLED). */
export function invokeUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: UnaryMethod<I, O>,
  message: MessageShape<I>,
  metadata: grpc.Metadata,
  options: { deadlineMs: number; signal?: AbortSignal },
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(Object.assign(new Error("1 CANCELLED: cancelled before start"), { code: grpc.status.CANCELLED, details: "cancelled by the caller", metadata: new grpc.Metadata() }));
      return;
    }
    const call = client.makeUnaryRequest(
      grpcPath(method),
      requestSerializer(method.input),
      messageDeserializer(method.output),
      message,
      metadata,
      { deadline: Date.now() + options.deadlineMs },
      (error, response) => {
        options.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(response as MessageShape<O>);
      },
    );
    const onAbort = () => call.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** host and port of a `host:port` / `dns:///host:port` address; undefined for unix sockets. */
export function hostAndPort(address: string): { host: string; port: number } | undefined {
  const hostPort = address.replace(/^dns:(\/\/[^/]*)?\//, "");
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(hostPort);
  return match ? { host: match[1], port: Number(match[2]) } : undefined;
}

/**
 * Does the server complete a TLS handshake? true = TLS, false = it answered but not with
 * TLS, undefined = could not tell (unreachable, timeout). Never sends credentials.
 */
export function probeTls(address: string, timeoutMs = 2_000): Promise<boolean | undefined> {
  const target = hostAndPort(address);
  if (!target) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      rejectUnauthorized: false,
      ALPNProtocols: ["h2"],
      ...(net.isIP(target.host) ? {} : { servername: target.host }),
    });
    const done = (result: boolean | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once("secureConnect", () => done(true));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const unreachable = /^E(CONNREFUSED|HOSTUNREACH|NETUNREACH|TIMEDOUT|NOTFOUND|AI_AGAIN)$/.test(error.code ?? "");
      done(unreachable ? undefined : false);
    });
  });
}

/**
 * The services a server names through `grpc.reflection.v1` (both generations serve it,
 * without authentication): one `list_services` request on the bidi stream, then close.
 */
export function listServices(client: grpc.Client, options: { deadlineMs: number; signal?: AbortSignal }): Promise<string[]> {
  const method = ServerReflection.method.serverReflectionInfo;
  return new Promise((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      grpcPath(method),
      requestSerializer(method.input),
      messageDeserializer(method.output),
      new grpc.Metadata(),
      { deadline: Date.now() + options.deadlineMs },
    );
    let settled = false;
    const finish = (error: Error | undefined, names?: string[]) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      call.cancel();
      if (error) reject(error);
      else resolve(names ?? []);
    };
    const onAbort = () => finish(Object.assign(new Error("1 CANCELLED: cancelled by the caller"), { code: grpc.status.CANCELLED, details: "cancelled by the caller", metadata: new grpc.Metadata() }));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    call.on("data", (response: MessageShape<typeof method.output>) => {
      const answer = response.messageResponse;
      if (answer.case === "listServicesResponse") finish(undefined, answer.value.service.map((s) => s.name));
      else if (answer.case === "errorResponse") finish(Object.assign(new Error(`reflection: ${answer.value.errorMessage}`), { code: answer.value.errorCode, details: answer.value.errorMessage, metadata: new grpc.Metadata() }));
    });
    call.on("error", (error: Error) => finish(error));
    call.on("end", () => finish(Object.assign(new Error("13 INTERNAL: the reflection stream ended without an answer"), { code: grpc.status.INTERNAL, details: "the reflection stream ended without an answer", metadata: new grpc.Metadata() })));
    call.write(create(method.input, { messageRequest: { case: "listServices", value: "" } }));
    call.end();
  });
}

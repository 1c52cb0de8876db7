// The gRPC listener: every API call, unary or server-streaming, goes through the same
// gate (faults, then auth, then the handler), and ApiError becomes a status with the
// handler's exact text.
import * as grpc from "@grpc/grpc-js";
import type { DescService, Message } from "@bufbuild/protobuf";
import { serviceDefinition, grpcPath } from "../proto/grpc";
import type { Authenticator, Subject } from "./auth";
import { ApiError } from "./errors";
import type { Faults } from "./faults";
import type { Handlers } from "./services/crud";
import { addReflection } from "./services/reflection";
import { healthDefinition, SERVING, type HealthCheckRequest } from "./services/health";

/**
 * A server-streaming method: writes responses to `call` and settles when the stream is
 * over (the client went away, or it ended the call itself). If it has not ended the call
 * when it resolves, the gate ends it with OK; a rejection becomes the call's status.
 */
export type StreamHandler = (request: Message, subject: Subject, call: grpc.ServerWritableStream<Message, Message>) => Promise<void>;
export type StreamHandlers = Record<string, StreamHandler>;

export interface ServedApi {
  service: DescService;
  /** Unary methods, by proto method name. */
  handlers: Handlers;
  /** Server-streaming methods, by proto method name. */
  streams?: StreamHandlers;
}

export interface ServerOptions {
  apis: ServedApi[];
  /** Authenticator (innabox) or OsacAuthenticator: who is calling, or an ApiError. */
  auth: Pick<Authenticator, "check"> | { check(metadata: grpc.Metadata, path: string): Promise<Subject> };
  faults: Faults;
  tls?: { certPem: string; keyPem: string };
  log: (line: string) => void;
  /** Counts every API call by gRPC path (reflection and health are not API calls). */
  calls?: Map<string, number>;
  /** Sees each admitted call's request (streams too) before its handler runs. */
  onCall?: (path: string, request: Message) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function buildServer(options: ServerOptions): grpc.Server {
  const server = new grpc.Server();
  const served = new Set<string>([""]);
  for (const { service, handlers, streams } of options.apis) {
    served.add(service.typeName);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const handler = method.methodKind === "server_streaming" ? streams?.[method.name] : handlers[method.name];
      if (!handler) throw new Error(`no handler for ${service.typeName}.${method.name}`);
      implementation[method.name] =
        method.methodKind === "server_streaming"
          ? streamGate(grpcPath(method), handler as StreamHandler, options)
          : gate(grpcPath(method), handler as Handlers[string], options);
    }
    server.addService(serviceDefinition(service), implementation);
  }
  addReflection(server, () => [...served].filter((name) => name !== "").concat("grpc.health.v1.Health"));
  server.addService(healthDefinition, {
    Check: (call: grpc.ServerUnaryCall<HealthCheckRequest, number>, callback: grpc.sendUnaryData<number>) => {
      const service = call.request.service;
      if (served.has(service)) callback(null, SERVING);
      else callback(statusError(grpc.status.NOT_FOUND, `unknown service '${service}'`));
    },
  });
  return server;
}

/** Faults, then auth: what every call passes before its handler runs. */
async function admit(path: string, metadata: grpc.Metadata, options: ServerOptions): Promise<Subject> {
  options.calls?.set(path, (options.calls.get(path) ?? 0) + 1);
  if (options.faults.latencyMs > 0) await sleep(options.faults.latencyMs);
  const injected = options.faults.takeFailure(path);
  if (injected !== undefined) throw new ApiError(injected.code, injected.message ?? "injected fault: simulated failure");
  return options.auth.check(metadata, path);
}

function failure(path: string, error: unknown, options: ServerOptions): grpc.ServiceError {
  if (error instanceof ApiError) return statusError(error.code, error.message);
  options.log(`${path}: unexpected error: ${(error as Error).stack ?? String(error)}`);
  return statusError(grpc.status.INTERNAL, "internal error");
}

function gate(path: string, handler: Handlers[string], options: ServerOptions): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    void (async () => {
      try {
        const subject = await admit(path, call.metadata, options);
        options.onCall?.(path, call.request);
        callback(null, await handler(call.request, subject, call.metadata));
      } catch (error) {
        callback(failure(path, error, options));
      }
    })();
  };
}

function streamGate(path: string, handler: StreamHandler, options: ServerOptions): grpc.handleServerStreamingCall<Message, Message> {
  return (call) => {
    void (async () => {
      try {
        const subject = await admit(path, call.metadata, options);
        options.onCall?.(path, call.request);
        await handler(call.request, subject, call);
        if (!call.cancelled && !call.writableEnded) call.end();
      } catch (error) {
        // emit("error") is how grpc-js ends a server stream with a status.
        if (!call.cancelled && !call.writableEnded) call.emit("error", failure(path, error, options));
      }
    })();
  };
}

export function statusError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

export function serverCredentials(tls?: { certPem: string; keyPem: string }): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }], false);
}

export function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
  });
}

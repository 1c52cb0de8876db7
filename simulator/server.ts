// The gRPC listener: every API call goes through the same gate (faults, then auth,
// then the handler), and ApiError becomes a status with the handler's exact text.
import * as grpc from "@grpc/grpc-js";
import type { DescService, Message } from "@bufbuild/protobuf";
import { serviceDefinition, grpcPath } from "../proto/grpc";
import type { Authenticator } from "./auth";
import { ApiError } from "./errors";
import type { Faults } from "./faults";
import type { Handlers } from "./services/crud";
import { healthDefinition, SERVING, type HealthCheckRequest } from "./services/health";

export interface ServedApi {
  service: DescService;
  handlers: Handlers;
}

export interface ServerOptions {
  apis: ServedApi[];
  auth: Authenticator;
  faults: Faults;
  tls?: { certPem: string; keyPem: string };
  log: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function buildServer(options: ServerOptions): grpc.Server {
  const server = new grpc.Server();
  const served = new Set<string>([""]);
  for (const { service, handlers } of options.apis) {
    served.add(service.typeName);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const handler = handlers[method.name];
      if (!handler) throw new Error(`no handler for ${service.typeName}.${method.name}`);
      implementation[method.name] = gate(grpcPath(method), handler, options);
    }
    server.addService(serviceDefinition(service), implementation);
  }
  server.addService(healthDefinition, {
    Check: (call: grpc.ServerUnaryCall<HealthCheckRequest, number>, callback: grpc.sendUnaryData<number>) => {
      const service = call.request.service;
      if (served.has(service)) callback(null, SERVING);
      else callback(statusError(grpc.status.NOT_FOUND, `unknown service '${service}'`));
    },
  });
  return server;
}

function gate(path: string, handler: Handlers[string], options: ServerOptions): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    void (async () => {
      try {
        if (options.faults.latencyMs > 0) await sleep(options.faults.latencyMs);
        const injected = options.faults.takeFailure();
        if (injected !== undefined) throw new ApiError(injected, "injected fault: simulated failure");
        const subject = options.auth.check(call.metadata, path);
        callback(null, await handler(call.request, subject));
      } catch (error) {
        if (error instanceof ApiError) {
          callback(statusError(error.code, error.message));
        } else {
          options.log(`${path}: unexpected error: ${(error as Error).stack ?? String(error)}`);
          callback(statusError(grpc.status.INTERNAL, "internal error"));
        }
      }
    })();
  };
}

function statusError(code: grpc.status, details: string): grpc.ServiceError {
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

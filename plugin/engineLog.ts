// Status messages on the resource's own row: the engine's Log RPC with the resource's URN
// and `ephemeral`, as pulumi-kubernetes' awaiters report progress. Lines for one engine are
// sent in order; a failed send is dropped (status is a courtesy, never a reason to fail).
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

export class EngineLog {
  private client: EngineClient | undefined;
  private queue: Promise<void> = Promise.resolve();

  connect(address: string): void {
    if (!address) return;
    this.client?.close();
    this.client = new EngineClient(address, grpc.credentials.createInsecure());
  }

  status(urn: string, message: string): void {
    this.send(urn, message, LogSeverity.INFO, true);
  }

  warning(urn: string, message: string): void {
    this.send(urn, message, LogSeverity.WARNING, false);
  }

  /** Resolves once every line sent so far was delivered (or dropped). */
  flush(): Promise<void> {
    return this.queue;
  }

  private send(urn: string, message: string, severity: LogSeverity, ephemeral: boolean): void {
    const client = this.client;
    if (!client) return;
    const request = new LogRequest();
    request.setSeverity(severity);
    request.setMessage(message);
    request.setUrn(urn);
    request.setEphemeral(ephemeral);
    this.queue = this.queue.then(() => new Promise<void>((resolve) => client.log(request, () => resolve())));
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }
}

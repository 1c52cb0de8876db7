// Fault injection for client tests: added latency and a queue of forced failures.
import { status } from "@grpc/grpc-js";

export class Faults {
  private latency = 0;
  private failures: number[] = [];
  private methodFailures: Array<{ method: string; code: number; message?: string }> = [];

  setLatencyMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
    this.latency = ms;
  }

  /** The next `count` calls fail with `code` (after any latency). */
  failNext(count: number, code: number = status.UNAVAILABLE): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    for (let i = 0; i < count; i++) this.failures.push(code);
  }

  /**
   * The next `count` calls of one method (its gRPC path, or the path's end such as
   * `/GetKubeconfig`) fail with `code` and, when given, the real server's `message`;
   * a count of 0 drops that method's pending failures.
   */
  failMethod(method: string, count: number, code: number, message?: string): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    if (count === 0) this.methodFailures = this.methodFailures.filter((failure) => failure.method !== method);
    for (let i = 0; i < count; i++) this.methodFailures.push({ method, code, message });
  }

  get latencyMs(): number {
    return this.latency;
  }

  /** Consumes one pending failure for this call, if any. */
  takeFailure(path = ""): { code: number; message?: string } | undefined {
    const index = this.methodFailures.findIndex((failure) => path === failure.method || path.endsWith(failure.method));
    if (index !== -1) return this.methodFailures.splice(index, 1)[0];
    const code = this.failures.shift();
    return code === undefined ? undefined : { code };
  }
}

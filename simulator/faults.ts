// Fault injection for client tests: added latency and a queue of forced failures.
import { status } from "@grpc/grpc-js";

export class Faults {
  private latency = 0;
  private failures: number[] = [];

  setLatencyMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
    this.latency = ms;
  }

  /** The next `count` calls fail with `code` (after any latency). */
  failNext(count: number, code: number = status.UNAVAILABLE): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
    for (let i = 0; i < count; i++) this.failures.push(code);
  }

  get latencyMs(): number {
    return this.latency;
  }

  /** Consumes one pending failure, if any. */
  takeFailure(): number | undefined {
    return this.failures.shift();
  }
}

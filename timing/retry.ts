// Retries with exponential backoff and "full jitter" (sleep a uniform random time in
// [0, min(cap, base * multiplier^n)]), bounded by attempts and by total elapsed time.
//
// Why our own ~80 lines instead of a library: grpc-js' built-in retry (service config)
// cannot retry DEADLINE_EXCEEDED per attempt (one deadline spans all attempts) and caps
// attempts at 5; generic libraries (p-retry, exponential-backoff) either lack an elapsed
// time budget, abort signals, or full jitter, or are ESM-only wrappers around `retry`.
// The policy is small, pure (clock and random are injectable) and unit-tested.
import { systemClock, type Clock } from "./clock";

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Upper bound of the first backoff. */
  initialDelayMs: number;
  /** No single backoff exceeds this. */
  maxDelayMs: number;
  multiplier: number;
  /** No new attempt starts once this much time has passed since the first one. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  multiplier: 2,
  maxElapsedMs: 60_000,
});

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(overrides) };
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) problems.push("maxAttempts must be an integer >= 1");
  if (!(policy.initialDelayMs >= 0)) problems.push("initialDelayMs must be >= 0");
  if (!(policy.maxDelayMs >= policy.initialDelayMs)) problems.push("maxDelayMs must be >= initialDelayMs");
  if (!(policy.multiplier >= 1)) problems.push("multiplier must be >= 1");
  if (!(policy.maxElapsedMs >= 0)) problems.push("maxElapsedMs must be >= 0");
  if (problems.length) throw new Error(`invalid retry policy: ${problems.join("; ")}`);
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Upper bound of the backoff after failed attempt number `attempt` (1-based). */
export function backoffCeilingMs(policy: RetryPolicy, attempt: number): number {
  const exponential = policy.initialDelayMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1));
  return Math.min(policy.maxDelayMs, exponential);
}

/** Full jitter: uniform in [0, ceiling]. `random` returns [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * (backoffCeilingMs(policy, attempt) + 1));
}

export interface RetryHooks {
  /** Whether this error may be retried at all (e.g. status code and idempotency). */
  shouldRetry(error: unknown): boolean;
  /** Called before sleeping; `attempt` is the attempt that just failed. */
  onRetry?(info: { error: unknown; attempt: number; delayMs: number }): void;
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
}

export { abortableSleep } from "./clock";

/** Runs `operation` until it succeeds, a non-retryable error occurs, or the policy's budget is spent; rethrows the last error. */
export async function withRetries<T>(policy: RetryPolicy, operation: (attempt: number) => Promise<T>, hooks: RetryHooks): Promise<T> {
  const clock = hooks.clock ?? systemClock;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || hooks.signal?.aborted || !hooks.shouldRetry(error)) throw error;
      const delayMs = backoffDelayMs(policy, attempt, hooks.random);
      if (clock.now() - started + delayMs >= policy.maxElapsedMs) throw error;
      hooks.onRetry?.({ error, attempt, delayMs });
      try {
        await clock.sleep(delayMs, hooks.signal);
      } catch {
        throw error; // aborted while waiting: report what actually failed
      }
    }
  }
}

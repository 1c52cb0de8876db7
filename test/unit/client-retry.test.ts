import { describe, expect, it } from "vitest";
import { backoffCeilingMs, backoffDelayMs, DEFAULT_RETRY_POLICY, retryPolicy, withRetries, abortableSleep } from "../../timing/retry";

const policy = retryPolicy({ maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, maxElapsedMs: 10_000 });

function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    sleeps,
  };
}

const transient = Object.assign(new Error("unavailable"), { retryable: true });
const fatal = Object.assign(new Error("not found"), { retryable: false });
const shouldRetry = (e: unknown) => (e as { retryable?: boolean }).retryable === true;

describe("backoff", () => {
  it("grows exponentially from initialDelayMs and is capped at maxDelayMs", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffCeilingMs(policy, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("uses full jitter: uniform between 0 and the ceiling", () => {
    for (const attempt of [1, 3, 8]) {
      const ceiling = backoffCeilingMs(policy, attempt);
      expect(backoffDelayMs(policy, attempt, () => 0)).toBe(0);
      expect(backoffDelayMs(policy, attempt, () => 0.999999)).toBe(ceiling);
      expect(backoffDelayMs(policy, attempt, () => 0.5)).toBe(Math.floor(0.5 * (ceiling + 1)));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelayMs(policy, attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("has sane defaults and refuses nonsense", () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicy({ maxAttempts: undefined }).maxAttempts).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(() => retryPolicy({ maxAttempts: 0, multiplier: 0.5 })).toThrow("invalid retry policy: maxAttempts must be an integer >= 1; multiplier must be >= 1");
    expect(() => retryPolicy({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow("maxDelayMs must be >= initialDelayMs");
  });
});

describe("withRetries", () => {
  it("retries retryable errors until success, sleeping the jittered backoff", async () => {
    const clock = fakeClock();
    let calls = 0;
    const retries: number[] = [];
    const result = await withRetries(
      policy,
      async (attempt) => {
        calls++;
        expect(attempt).toBe(calls);
        if (calls < 4) throw transient;
        return "ok";
      },
      { shouldRetry, clock, random: () => 0.999999, onRetry: (i) => retries.push(i.attempt) },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it("stops at maxAttempts and rethrows the last error", async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetries(policy, async () => {
        calls++;
        throw transient;
      }, { shouldRetry, clock, random: () => 0.5 }),
    ).rejects.toBe(transient);
    expect(calls).toBe(6);
    expect(clock.sleeps).toHaveLength(5);
  });

  it("never retries errors the caller marks as not retryable", async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetries(policy, async () => {
        calls++;
        throw fatal;
      }, { shouldRetry, clock }),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("starts no attempt past maxElapsedMs", async () => {
    const clock = fakeClock();
    let calls = 0;
    const short = retryPolicy({ ...policy, maxAttempts: 100, maxElapsedMs: 2_500 });
    await expect(
      withRetries(short, async () => {
        calls++;
        clock.advance(400); // each attempt takes 400ms (e.g. a deadline)
        throw transient;
      }, { shouldRetry, clock, random: () => 0.999999 }),
    ).rejects.toBe(transient);
    // Attempts of 400 ms after sleeps of 100, 200 and 400 (the ceilings, random ~1): the fifth
    // would start after 2300 + 800 >= 2500, past the budget, so there are exactly four.
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(clock.now()).toBe(2_300);
  });

  it("stops when the signal aborts during a backoff", async () => {
    const controller = new AbortController();
    let calls = 0;
    // A clock whose sleeps end only by the signal: had the abort been ignored, the retry
    // loop would wait forever and the test would fail instead of passing late.
    const sleeps: number[] = [];
    const held = {
      now: () => 0,
      sleep: (ms: number, signal?: AbortSignal) =>
        new Promise<void>((_resolve, reject) => {
          sleeps.push(ms);
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
    };
    const promise = withRetries(
      retryPolicy({ initialDelayMs: 60_000, maxDelayMs: 60_000, maxElapsedMs: 600_000 }),
      async () => {
        calls++;
        setImmediate(() => controller.abort());
        throw transient;
      },
      { shouldRetry, signal: controller.signal, clock: held, random: () => 0.999999 },
    );
    await expect(promise).rejects.toBe(transient);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([60_000]);
  });

  it("abortableSleep rejects at once on an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(abortableSleep(10_000, controller.signal)).rejects.toThrow("stop");
  });
});

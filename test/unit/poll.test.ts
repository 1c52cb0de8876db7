import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../timing/duration";
import { pollUntil, WaitTimeoutError } from "../../timing/poll";

describe("durations", () => {
  it("parses the forms people write", () => {
    expect(parseDuration("90s", "t")).toBe(90_000);
    expect(parseDuration("45m", "t")).toBe(2_700_000);
    expect(parseDuration("1h30m", "t")).toBe(5_400_000);
    expect(parseDuration("250ms", "t")).toBe(250);
    expect(formatDuration(5_400_000)).toBe("90m");
  });
  it("rejects anything else naming the field", () => {
    expect(() => parseDuration("soon", "timeouts.create")).toThrow("timeouts.create: 'soon' is not a duration; write it like '90s', '45m' or '1h30m'");
    expect(() => parseDuration("10", "t")).toThrow(/not a duration/);
    expect(() => parseDuration("0s", "t")).toThrow(/not a duration/);
  });
});

describe("pollUntil", () => {
  it("reports each change once and returns the value that satisfies the condition", async () => {
    let n = 0;
    const lines: string[] = [];
    const value = await pollUntil({
      what: "n to reach 3",
      timeoutMs: 5_000,
      initialDelayMs: 1,
      maxDelayMs: 2,
      fetch: async () => ++n,
      isDone: (v) => v >= 3,
      describe: (v) => (v < 2 ? "low" : `value ${v}`),
      onProgress: (line) => lines.push(line.replace(/ \(after .*\)$/, "")),
    });
    expect(value).toBe(3);
    expect(lines).toEqual(["low", "value 2", "value 3"]);
  });

  it("times out with what it last saw", async () => {
    const error = await pollUntil({
      what: "never",
      timeoutMs: 30,
      initialDelayMs: 5,
      fetch: async () => "PROGRESSING",
      isDone: () => false,
      describe: (v) => v,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.message).toMatch(/^timed out after 30ms waiting for never; last observed: PROGRESSING$/);
  });

  it("stops when isDone throws (a FAILED cluster)", async () => {
    await expect(
      pollUntil({ what: "x", timeoutMs: 1000, fetch: async () => 1, isDone: () => { throw new Error("cluster c FAILED"); }, describe: String }),
    ).rejects.toThrow("cluster c FAILED");
  });

  it("backs off on the injected clock and times out without waiting in real time", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const error = await pollUntil({ what: "READY", timeoutMs: 60_000, fetch: async () => "PENDING", isDone: () => false, describe: String, clock }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(sleeps.slice(0, 5)).toEqual([100, 200, 400, 800, 800]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it("stops waiting when its signal is aborted", async () => {
    const controller = new AbortController();
    const pending = pollUntil({ what: "x", timeoutMs: 60_000, fetch: async () => 0, isDone: () => false, describe: String, signal: controller.signal, initialDelayMs: 50_000 });
    controller.abort(new Error("interrupted"));
    await expect(pending).rejects.toThrow("interrupted");
  });

  it("stops at once when its signal is aborted during a fetch that is itself waiting (for a stream's next event)", async () => {
    const controller = new AbortController();
    let fetched!: () => void;
    const started = new Promise<void>((resolve) => (fetched = resolve));
    const pending = pollUntil({
      what: "x",
      timeoutMs: 60_000,
      fetch: () => (fetched(), new Promise<number>(() => undefined)),
      isDone: () => false,
      describe: String,
      signal: controller.signal,
    });
    await started;
    controller.abort(new Error("the engine cancelled the operation"));
    await expect(pending).rejects.toThrow("the engine cancelled the operation");
  });

  it("does not fetch once its signal is aborted", async () => {
    let fetches = 0;
    const error = await pollUntil({ what: "x", timeoutMs: 60_000, fetch: async () => ++fetches, isDone: () => false, describe: String, signal: AbortSignal.abort(new Error("cancelled")) }).catch((e: Error) => e);
    expect((error as Error).message).toBe("cancelled");
    expect(fetches).toBe(0);
  });
});

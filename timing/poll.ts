// Waiting for the service to converge: polling with capped exponential backoff, a
// deadline, and progress lines whenever what we observe changes. The cap is 800 ms so a
// resource notices READY within a second of the server reporting it: at worst one full
// interval plus the round trips of the Get that sees it (bench/fleet.ts measures this).
import { formatDuration } from "./duration";
import { systemClock, type Clock } from "./clock";

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, public readonly lastObserved: string) {
    super(`timed out after ${formatDuration(timeoutMs)} waiting for ${what}; last observed: ${lastObserved}`);
    this.name = "WaitTimeoutError";
  }
}

export interface PollOptions<T> {
  /** What we wait for, for messages ("cluster 'x' to become READY"). */
  what: string;
  timeoutMs: number;
  fetch: () => Promise<T>;
  /** Returns true when done; may throw to stop waiting with an error (e.g. FAILED). */
  isDone: (value: T) => boolean;
  /** A one-line description of a value; a progress line is reported whenever it changes. */
  describe: (value: T) => string;
  onProgress?: (line: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Ends the wait at once, rejecting with the signal's reason (e.g. the engine cancelled the operation). */
  signal?: AbortSignal;
  clock?: Clock;
}

/** `promise`, or the signal's reason as soon as it is aborted; the promise's own outcome is then ignored. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason ?? new Error("aborted"));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", onAbort), reject(error)),
    );
  });
}

/** The one poll loop: capped exponential backoff, a deadline, progress whenever what is observed changes. */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const maxDelay = options.maxDelayMs ?? 800;
  let delay = options.initialDelayMs ?? 100;
  let lastDescription = "nothing yet";
  for (;;) {
    options.signal?.throwIfAborted();
    // A fetch may itself wait (for the next event of a stream): the signal ends that too.
    const value = await untilAborted(options.fetch(), options.signal);
    const description = options.describe(value);
    if (description !== lastDescription) {
      options.onProgress?.(`${description} (after ${formatDuration(clock.now() - started)})`);
      lastDescription = description;
    }
    if (options.isDone(value)) return value;
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw new WaitTimeoutError(options.what, options.timeoutMs, lastDescription);
    await clock.sleep(Math.min(delay, remaining), options.signal);
    delay = Math.min(maxDelay, delay * 2);
  }
}

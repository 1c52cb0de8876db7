// A simulator `log` sink that tests can await: a line the simulator writes is an event.
export interface LogLines {
  readonly lines: string[];
  log: (line: string) => void;
  /** Resolves with the first line (already written or still to come) that matches. */
  next: (pattern: RegExp, options?: { after?: number; timeoutMs?: number }) => Promise<string>;
  count: (pattern: RegExp) => number;
}

export function logLines(): LogLines {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; after: number; resolve: (line: string) => void }> = [];
  return {
    lines,
    log(line) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (lines.length - 1 >= waiter.after && waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    },
    next(pattern, options = {}) {
      const after = options.after ?? 0;
      const found = lines.slice(after).find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, after, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no simulator log line matched ${pattern} within ${options.timeoutMs ?? 10_000} ms; last lines:\n${lines.slice(-10).join("\n")}`));
        }, options.timeoutMs ?? 10_000);
        waiters.push(waiter);
      });
    },
    count: (pattern) => lines.filter((line) => pattern.test(line)).length,
  };
}

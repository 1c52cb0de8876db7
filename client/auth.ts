// Bearer tokens for the client: a fixed token, or a token script whose output is cached
// until the JWT's `exp` (minus a margin) or until the server rejects it. Lives on the
// client instance (never at module level) so no credential is reachable from anything
// Pulumi might serialize.
import { spawn } from "node:child_process";
import type { ResolvedConnection } from "./connection";
import { redactSecrets } from "./redact";
import { DEFAULT_TOKEN_MARGIN_MS, jwtExpiryMs } from "./jwt";
import { ClientCredentialsTokenSource } from "./oauth";

export { DEFAULT_TOKEN_MARGIN_MS, jwtExpiryMs };

export interface TokenSource {
  /** The token to send now, or undefined for an anonymous call. */
  get(signal?: AbortSignal): Promise<string | undefined>;
  /** Whether asking again after UNAUTHENTICATED can produce a different token (a script). */
  readonly refreshable: boolean;
  /** Forget `rejected` (if it is still the cached token) so the next `get` runs the script again. */
  invalidate(rejected: string | undefined): void;
  /** Every token handed out so far (and any credential it is made from), for redaction. */
  secrets(): string[];
  /** What a refresh after UNAUTHENTICATED does, for the progress line; refreshable sources only. */
  readonly refreshing?: string;
}

export interface TokenSourceOptions {
  /** Refresh this long before a JWT's `exp`. */
  marginMs?: number;
  scriptTimeoutMs?: number;
  now?: () => number;
  runScript?: (script: string, options: { timeoutMs: number; source: string; signal?: AbortSignal }) => Promise<string>;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 30_000;

class StaticTokenSource implements TokenSource {
  readonly refreshable = false;
  readonly #token: string | undefined;
  constructor(token: string | undefined) {
    this.#token = token;
  }
  async get(): Promise<string | undefined> {
    return this.#token;
  }
  invalidate(): void {}
  secrets(): string[] {
    return this.#token ? [this.#token] : [];
  }
}

class ScriptTokenSource implements TokenSource {
  readonly refreshable = true;
  readonly refreshing = "running tokenScript again";
  readonly #script: string;
  readonly #source: string;
  readonly #marginMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #run: NonNullable<TokenSourceOptions["runScript"]>;
  #cached: { token: string; validUntil: number } | undefined;
  #inflight: Promise<string> | undefined;
  readonly #seen: string[] = [];

  constructor(script: string, source: string, seed: string | undefined, options: TokenSourceOptions) {
    this.#script = script;
    this.#source = source;
    this.#marginMs = options.marginMs ?? DEFAULT_TOKEN_MARGIN_MS;
    this.#timeoutMs = options.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
    this.#run = options.runScript ?? runTokenScript;
    // The CLI stores the script's last token next to the script; reuse it only while it
    // is a JWT that has not expired, as the CLI does.
    if (seed) {
      this.#remember(seed);
      const validUntil = this.#validUntil(seed);
      if (validUntil !== undefined && validUntil > this.#now()) this.#cached = { token: seed, validUntil };
    }
  }

  #validUntil(token: string): number | undefined {
    const expiry = jwtExpiryMs(token);
    return expiry === undefined ? undefined : expiry - this.#marginMs;
  }

  #remember(token: string): void {
    if (!this.#seen.includes(token)) this.#seen.push(token);
    if (this.#seen.length > 8) this.#seen.shift();
  }

  async get(signal?: AbortSignal): Promise<string> {
    if (this.#cached && this.#cached.validUntil > this.#now()) return this.#cached.token;
    // Concurrent calls share one script run.
    this.#inflight ??= this.#run(this.#script, { timeoutMs: this.#timeoutMs, source: this.#source, signal })
      .then((token) => {
        this.#remember(token);
        // A non-JWT token has no expiry we can read: keep it until the server rejects it.
        // A JWT already inside the margin is used once and not cached.
        this.#cached = { token, validUntil: this.#validUntil(token) ?? Number.POSITIVE_INFINITY };
        return token;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  invalidate(rejected: string | undefined): void {
    if (this.#cached && (rejected === undefined || this.#cached.token === rejected)) this.#cached = undefined;
  }

  secrets(): string[] {
    return [...this.#seen];
  }
}

/** Only client credentials need it: the server's trusted issuers, for discovery. */
export interface TokenSourceContext {
  trustedIssuers(signal?: AbortSignal): Promise<string[]>;
}

export function tokenSourceFor(connection: ResolvedConnection, options: TokenSourceOptions = {}, context?: TokenSourceContext): TokenSource {
  if (connection.clientCredentials) {
    return new ClientCredentialsTokenSource(connection.clientCredentials, {
      ...options,
      trustedIssuers: context?.trustedIssuers ?? (async () => []),
      sources: connection.sources,
      address: connection.address,
      timeoutMs: connection.deadlineMs,
    });
  }
  if (connection.tokenScript) {
    return new ScriptTokenSource(connection.tokenScript, connection.sources.tokenScript ?? "tokenScript", connection.token, options);
  }
  return new StaticTokenSource(connection.token);
}

const MAX_STDOUT = 64 * 1024;
const MAX_STDERR = 8 * 1024;

/**
 * Runs a token script with `/bin/sh -c` and returns its trimmed stdout. Its stderr goes
 * into error messages only when it does not contain what the script printed on stdout,
 * and always through the redactor.
 */
export function runTokenScript(
  script: string,
  options: { timeoutMs: number; source: string; signal?: AbortSignal },
): Promise<string> {
  const label = `tokenScript (from ${options.source})`;
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout also kills whatever the script started.
    const child = spawn("/bin/sh", ["-c", script], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const finish = (error: Error | undefined, token?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(token!);
    };
    const stderrText = () => {
      const printed = stdout.trim();
      if (!stderr.trim()) return "";
      if (printed && stderr.includes(printed)) return " (stderr withheld: it contains the script's output)";
      return `: ${redactSecrets(stderr.trim().slice(-2000), printed ? [printed] : [])}`;
    };
    const timer = setTimeout(() => {
      killGroup();
      finish(new Error(`${label} did not finish within ${options.timeoutMs / 1000}s; make it print a token quickly or fix what it waits for`));
    }, options.timeoutMs);
    const onAbort = () => {
      killGroup();
      finish(new Error(`${label} was cancelled`));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < MAX_STDOUT) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    child.on("error", (error) => finish(new Error(`${label} could not be started: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code !== 0) {
        const how = code === null ? `was killed by ${signal}` : `failed with exit code ${code}`;
        return finish(new Error(`${label} ${how}${stderrText()}`));
      }
      let token = stdout.trim();
      if (/^bearer\s+/i.test(token)) token = token.replace(/^bearer\s+/i, "");
      if (!token) return finish(new Error(`${label} printed nothing on stdout; it must print the token${stderrText()}`));
      if (/\s/.test(token)) {
        return finish(new Error(`${label} printed more than one word on stdout; it must print only the token (send other output to stderr)`));
      }
      finish(undefined, token);
    });
  });
}

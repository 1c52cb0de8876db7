import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jwtExpiryMs, runTokenScript, tokenSourceFor } from "../../client/auth";
import type { ResolvedConnection } from "../../client/connection";

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jwt = (claims: Record<string, unknown>) => `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url(claims)}.c2ln`;

const connection = (overrides: Partial<ResolvedConnection>): ResolvedConnection => ({
  address: "a:1",
  insecure: false,
  plaintext: false,
  deadlineMs: 1000,
  api: "auto",
  sources: { tokenScript: "connection.tokenScript" },
  ...overrides,
});

function fakeScript(outputs: string[]) {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    run: async () => {
      const out = outputs[Math.min(runs, outputs.length - 1)];
      runs++;
      return out;
    },
  };
}

describe("jwtExpiryMs", () => {
  it("reads exp from a JWT and ignores anything else", () => {
    expect(jwtExpiryMs(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiryMs(jwt({ sub: "x" }))).toBeUndefined();
    expect(jwtExpiryMs("opaque-token")).toBeUndefined();
    expect(jwtExpiryMs("a.!!!.c")).toBeUndefined();
  });
});

describe("token sources", () => {
  it("a static token is sent as is and cannot be refreshed", async () => {
    const source = tokenSourceFor(connection({ token: "static" }));
    expect(await source.get()).toBe("static");
    expect(source.refreshable).toBe(false);
    expect(source.secrets()).toEqual(["static"]);
    expect(await tokenSourceFor(connection({})).get()).toBeUndefined();
  });

  it("caches a JWT from the script until exp minus the margin", async () => {
    let now = 1_000_000_000;
    const first = jwt({ exp: (now + 120_000) / 1000 });
    const second = jwt({ exp: (now + 600_000) / 1000 });
    const script = fakeScript([first, second]);
    const source = tokenSourceFor(connection({ tokenScript: "x" }), { now: () => now, marginMs: 30_000, runScript: script.run });
    expect(await source.get()).toBe(first);
    now += 89_000;
    expect(await source.get()).toBe(first);
    expect(script.runs).toBe(1);
    now += 2_000; // 91s later: inside the 30s margin of a 120s token
    expect(await source.get()).toBe(second);
    expect(script.runs).toBe(2);
    expect(source.secrets()).toEqual([first, second]);
  });

  it("keeps an opaque token until the server rejects it", async () => {
    let now = 0;
    const script = fakeScript(["one", "two"]);
    const source = tokenSourceFor(connection({ tokenScript: "x" }), { now: () => now, runScript: script.run });
    expect(await source.get()).toBe("one");
    now += 10 * 24 * 3600_000;
    expect(await source.get()).toBe("one");
    source.invalidate("stale-other"); // a rejection of an older token does not drop the newer one
    expect(await source.get()).toBe("one");
    source.invalidate("one");
    expect(await source.get()).toBe("two");
    expect(script.runs).toBe(2);
  });

  it("does not cache a JWT that is already inside the margin", async () => {
    const now = 5_000_000;
    const nearlyExpired = jwt({ exp: (now + 10_000) / 1000 });
    const script = fakeScript([nearlyExpired]);
    const source = tokenSourceFor(connection({ tokenScript: "x" }), { now: () => now, marginMs: 30_000, runScript: script.run });
    await source.get();
    await source.get();
    expect(script.runs).toBe(2);
  });

  it("shares one script run between concurrent callers", async () => {
    const script = fakeScript(["tok"]);
    const source = tokenSourceFor(connection({ tokenScript: "x" }), { runScript: script.run });
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual(["tok", "tok", "tok"]);
    expect(script.runs).toBe(1);
  });

  it("uses a stored CLI token as the first value while it is an unexpired JWT", async () => {
    const now = 10_000_000;
    const stored = jwt({ exp: (now + 3_600_000) / 1000 });
    const script = fakeScript(["fresh"]);
    const source = tokenSourceFor(connection({ tokenScript: "x", token: stored }), { now: () => now, runScript: script.run });
    expect(await source.get()).toBe(stored);
    expect(script.runs).toBe(0);
    const expired = tokenSourceFor(connection({ tokenScript: "x", token: jwt({ exp: 1 }) }), { now: () => now, runScript: script.run });
    expect(await expired.get()).toBe("fresh");
    const opaque = tokenSourceFor(connection({ tokenScript: "x", token: "opaque" }), { now: () => now, runScript: script.run });
    expect(await opaque.get()).toBe("fresh");
  });
});

describe("runTokenScript", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-script-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (script: string, timeoutMs = 5_000) => runTokenScript(script, { timeoutMs, source: "environment variable FULFILLMENT_TOKEN_SCRIPT" });

  it("runs with /bin/sh -c and returns trimmed stdout", async () => {
    fs.writeFileSync(path.join(dir, "token"), "  abc.def.ghi \n");
    expect(await run(`cat '${dir}/token'`)).toBe("abc.def.ghi");
    expect(await run("echo 'Bearer xyz'; echo 'note' >&2")).toBe("xyz");
  });

  it("reports a failing script with its redacted stderr and the setting's source", async () => {
    await expect(run("echo 'no credentials for Bearer abc123; token: zzz-9876543210' >&2; exit 3")).rejects.toThrow(
      "tokenScript (from environment variable FULFILLMENT_TOKEN_SCRIPT) failed with exit code 3: no credentials for Bearer [REDACTED]; token: [REDACTED]",
    );
  });

  it("withholds stderr that contains the printed token", async () => {
    const error = await run("echo leaked-SECRET-1; echo 'debug: leaked-SECRET-1' >&2; exit 1").catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "tokenScript (from environment variable FULFILLMENT_TOKEN_SCRIPT) failed with exit code 1 (stderr withheld: it contains the script's output)",
    );
  });

  it("refuses empty and multi-word output without echoing it", async () => {
    await expect(run("true")).rejects.toThrow("printed nothing on stdout; it must print the token");
    const error = (await run("echo 'hello SECRETWORD'").catch((e: Error) => e)) as Error;
    expect(error.message).toContain("printed more than one word on stdout");
    expect(error.message).not.toContain("SECRETWORD");
  });

  it("kills a script that hangs, children included", async () => {
    // The message comes only from the timeout path, and the check below that the background
    // sleep is gone shows the kill reached the process group: no wall-clock bound needed.
    await expect(run(`sleep 30 & echo $! > '${dir}/child'; wait`, 300)).rejects.toThrow("did not finish within 0.3s");
    const child = Number(fs.readFileSync(path.join(dir, "child"), "utf8"));
    // the background sleep was in the script's process group and got SIGKILL too
    await expect.poll(() => {
      try {
        // a killed child may linger as a zombie when PID 1 does not reap orphans
        return fs.readFileSync(`/proc/${child}/stat`, "utf8").split(" ")[2] === "Z" ? "gone" : "alive";
      } catch {
        return "gone";
      }
    }).toBe("gone");
  });
});

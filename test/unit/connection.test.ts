import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addressProblem, connectionInputSchema, defaultCliConfigPath, resolveConnection } from "../../client/connection";
import { ConfigurationError } from "../../client/errors";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

let home: string;
let cliPath: string;

function writeCli(config: unknown): void {
  fs.mkdirSync(path.dirname(cliPath), { recursive: true });
  fs.writeFileSync(cliPath, typeof config === "string" ? config : JSON.stringify(config));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "conn-test-"));
  cliPath = path.join(home, ".config", "fulfillment-cli", "config.json");
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe("resolveConnection: precedence", () => {
  const env = () => ({
    HOME: home,
    FULFILLMENT_ADDRESS: "env.example:443",
    FULFILLMENT_TOKEN: "env-token",
    FULFILLMENT_INSECURE: "true",
  });

  it("explicit beats stack config beats env beats the CLI file, per setting", () => {
    writeCli({ address: "cli.example:443", token: "cli-token", plaintext: true });
    const all = resolveConnection({
      explicit: { address: "explicit.example:443" },
      stackConfig: { address: "stack.example:443", token: "stack-token" },
      env: env(),
    });
    expect(all.address).toBe("explicit.example:443");
    expect(all.sources.address).toBe("connection.address");
    expect(all.token).toBe("stack-token");
    expect(all.sources.token).toBe("stack config fulfillment:token");
    // transport group: env sets insecure, so the CLI's plaintext is not mixed in
    expect(all.insecure).toBe(true);
    expect(all.plaintext).toBe(false);
    expect(all.sources.insecure).toBe("environment variable FULFILLMENT_INSECURE");

    const envOnly = resolveConnection({ env: env() });
    expect(envOnly.address).toBe("env.example:443");
    expect(envOnly.sources.token).toBe("environment variable FULFILLMENT_TOKEN");

    const cliOnly = resolveConnection({ env: { HOME: home } });
    expect(cliOnly).toMatchObject({ address: "cli.example:443", token: "cli-token", plaintext: true, insecure: false });
    expect(cliOnly.sources.address).toBe(`fulfillment-cli config ${cliPath} (address)`);
    expect(cliOnly.sources.token).toContain("(token)");
  });

  // The CLI's config lives elsewhere on macOS and Windows (Go's os.UserConfigDir).
  it.skipIf(process.platform === "darwin" || process.platform === "win32")("uses ~/.config/fulfillment-cli/config.json under HOME (or XDG_CONFIG_HOME) by default", () => {
    expect(defaultCliConfigPath({ HOME: home })).toBe(cliPath);
    expect(defaultCliConfigPath({ HOME: home, XDG_CONFIG_HOME: "/xdg" })).toBe("/xdg/fulfillment-cli/config.json");
  });

  it("an explicit cliConfigPath overrides the default location", () => {
    const other = path.join(home, "other.json");
    fs.writeFileSync(other, JSON.stringify({ address: "other.example:1234" }));
    expect(resolveConnection({ env: { HOME: home }, cliConfigPath: other }).address).toBe("other.example:1234");
  });

  it("takes token and tokenScript together from the first layer that sets either", () => {
    const resolved = resolveConnection({
      explicit: { address: "a:1", tokenScript: "echo tok" },
      env: { HOME: home, FULFILLMENT_TOKEN: "env-token" },
    });
    expect(resolved.tokenScript).toBe("echo tok");
    expect(resolved.token).toBeUndefined();
    expect(resolved.sources.tokenScript).toBe("connection.tokenScript");
  });

  it("reads token_script, and token/access_token as the script's cached token, from the CLI file", () => {
    writeCli({ address: "cli:1", token_script: "oc whoami -t", token: "cached", ca_files: [], packages: true });
    const resolved = resolveConnection({ env: { HOME: home } });
    expect(resolved.tokenScript).toBe("oc whoami -t");
    expect(resolved.token).toBe("cached");
    writeCli({ address: "cli:1", access_token: "newer-cli" });
    expect(resolveConnection({ env: { HOME: home } }).token).toBe("newer-cli");
  });

  it("lets plaintext win over insecure inside the CLI file, like the CLI", () => {
    writeCli({ address: "cli:1", plaintext: true, insecure: true });
    expect(resolveConnection({ env: { HOME: home } })).toMatchObject({ plaintext: true, insecure: false });
  });

  it("defaults: TLS verified, 30 s deadline, no token", () => {
    const resolved = resolveConnection({ explicit: { address: "a:1" }, env: { HOME: home } });
    expect(resolved).toMatchObject({ plaintext: false, insecure: false, deadlineMs: 30_000 });
    expect(resolved.token).toBeUndefined();
    expect(resolved.sources.deadlineMs).toBe("default (30s)");
    expect(resolveConnection({ explicit: { address: "a:1", deadlineSeconds: 2.5 }, env: {} }).deadlineMs).toBe(2500);
  });

  it("never records a token value in sources", () => {
    const resolved = resolveConnection({ explicit: { address: "a:1", token: "s3cr3t-value" }, env: { HOME: home } });
    expect(JSON.stringify(resolved.sources)).not.toContain("s3cr3t-value");
  });
});

describe("resolveConnection: CA", () => {
  it("reads caFile (relative to the working directory, ~ expanded) into caPem", () => {
    const file = path.join(home, "ca.pem");
    fs.writeFileSync(file, PEM);
    const fromEnv = resolveConnection({ explicit: { address: "a:1" }, env: { HOME: home, FULFILLMENT_CA_FILE: "~/ca.pem" } });
    expect(fromEnv.caPem).toBe(PEM);
    expect(fromEnv.sources.caPem).toBe("environment variable FULFILLMENT_CA_FILE");
    expect(resolveConnection({ explicit: { address: "a:1", caPem: PEM }, env: {} }).caPem).toBe(PEM.trim());
  });

  it("names the setting and the file when caFile is unreadable or not PEM", () => {
    const missing = errorOf(() => resolveConnection({ explicit: { address: "a:1", caFile: path.join(home, "nope.pem") }, env: {} }));
    expect(missing.message).toMatch(/^connection\.caFile: cannot read '.*nope\.pem' \(ENOENT\); point it at the PEM file/);
    const junk = path.join(home, "junk.pem");
    fs.writeFileSync(junk, "hello");
    const notPem = errorOf(() => resolveConnection({ stackConfig: { address: "a:1", caFile: junk }, env: {} }));
    expect(notPem.message).toContain("stack config fulfillment:caFile");
    expect(notPem.message).toContain("holds no PEM certificate");
  });

  it("ignores a lower layer's CA once a higher layer chose plaintext", () => {
    const resolved = resolveConnection({
      explicit: { address: "a:1", plaintext: true },
      env: { FULFILLMENT_CA_FILE: "/does/not/exist.pem" },
    });
    expect(resolved.plaintext).toBe(true);
    expect(resolved.caPem).toBeUndefined();
  });
});

describe("resolveConnection: errors", () => {
  it("without an address lists all four ways to set one", () => {
    const error = errorOf(() => resolveConnection({ env: { HOME: home } }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("connection: { address");
    expect(error.message).toContain("pulumi config set fulfillment:address");
    expect(error.message).toContain("FULFILLMENT_ADDRESS");
    expect(error.message).toContain(cliPath);
  });

  it.each([
    ["yes", "FULFILLMENT_INSECURE"],
    ["on", "FULFILLMENT_PLAINTEXT"],
  ])("rejects env boolean %s naming %s", (value, name) => {
    const error = errorOf(() => resolveConnection({ explicit: { address: "a:1" }, env: { [name]: value } }));
    expect(error.message).toBe(`environment variable ${name}: expected true, false, 1 or 0, got '${value}'`);
  });

  it.each([
    ["1", true],
    ["0", false],
    ["TRUE", true],
    ["false", false],
    ["", false],
  ])("accepts env boolean %j", (value, expected) => {
    expect(resolveConnection({ explicit: { address: "a:1" }, env: { FULFILLMENT_PLAINTEXT: value } }).plaintext).toBe(expected);
  });

  it("reports every problem at once, each naming its field", () => {
    const error = errorOf(() =>
      resolveConnection({
        explicit: { adress: "x", deadlineSeconds: 0 } as never,
        stackConfig: { address: "https://api.example.com" },
        env: { FULFILLMENT_ADDRESS: "host-without-port" },
      }),
    ) as ConfigurationError;
    expect(error.problems).toEqual([
      "connection.deadlineSeconds: must be greater than 0",
      expect.stringMatching(/^connection: unknown setting 'adress'; valid settings are address, token/),
      expect.stringMatching(/^stack config fulfillment:address: use host:port without a URL scheme/),
      "environment variable FULFILLMENT_ADDRESS: add the port, e.g. host-without-port:443; got 'host-without-port'",
    ]);
  });

  it("rejects conflicting settings inside one layer", () => {
    const error = errorOf(() => resolveConnection({ explicit: { address: "a:1", plaintext: true, insecure: true, caPem: PEM }, env: {} }));
    expect(error.message).toContain("connection.insecure: insecure (TLS without verification) and plaintext (no TLS) exclude each other");
    expect(error.message).toContain("connection.caPem: a CA is only used with TLS");
  });

  it("explains a malformed or unreadable CLI file", () => {
    writeCli("{not json");
    expect(errorOf(() => resolveConnection({ env: { HOME: home } })).message).toBe(
      `fulfillment-cli config ${cliPath}: not valid JSON; fix it or run fulfillment-cli login again`,
    );
    writeCli({ address: 42 });
    expect(errorOf(() => resolveConnection({ env: { HOME: home } })).message).toContain(`fulfillment-cli config ${cliPath} key address`);
    writeCli("");
    expect(errorOf(() => resolveConnection({ env: { HOME: home } })).message).toContain("no fulfillment API address");
  });

  it("never echoes a token in validation errors", () => {
    const error = errorOf(() => resolveConnection({ explicit: { address: "a:1", token: "Bearer super-secret-token" }, env: {} }));
    expect(error.message).toBe("connection.token: give the token alone, without the 'Bearer ' prefix");
    const spaced = errorOf(() => resolveConnection({ explicit: { address: "a:1" }, env: { FULFILLMENT_TOKEN: "abc def-secret" } }));
    expect(spaced.message).not.toContain("def-secret");
    expect(spaced.message).toContain("environment variable FULFILLMENT_TOKEN");
  });
});

describe("connectionInputSchema", () => {
  it("is strict and messages carry the fix (the path names the field)", () => {
    const result = connectionInputSchema.safeParse({ address: 5, insecure: "yes", extra: 1 });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([
      ["address", "expected an address (host:port) as a string"],
      ["insecure", "expected true or false for insecure"],
      ["", expect.stringContaining("unknown setting 'extra'")],
    ]);
  });

  it("trims values", () => {
    expect(connectionInputSchema.parse({ address: " a:1 ", token: "tok\n" })).toEqual({ address: "a:1", token: "tok" });
  });
});

describe("addressProblem", () => {
  it.each(["api.example.com:443", "127.0.0.1:8000", "[::1]:8000", "dns:///api.example.com:443", "dns://8.8.8.8/api:443", "unix:/run/x.sock"])(
    "accepts %s",
    (address) => expect(addressProblem(address)).toBeUndefined(),
  );
  it.each([
    ["https://api.example.com", "without a URL scheme"],
    ["api.example.com", "add the port"],
    ["a:99999", "between 1 and 65535"],
    ["a b:1", "expected host:port"],
  ])("rejects %s", (address, fix) => expect(addressProblem(address)).toContain(fix));
});

describe("resolveConnection: the CLI file's ca_files", () => {
  const PEM_B = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----";

  function caFiles(): { a: string; b: string } {
    const a = path.join(home, "a.pem");
    const b = path.join(home, "b.pem");
    fs.writeFileSync(a, PEM);
    fs.writeFileSync(b, PEM_B);
    return { a, b };
  }

  it("trusts the contents of every listed file, concatenated in order", () => {
    const { a, b } = caFiles();
    writeCli({ address: "cli:443", ca_files: [a, b] });
    const resolved = resolveConnection({ env: { HOME: home } });
    expect(resolved.caPem).toBe(`${PEM}${PEM_B}\n`);
    expect(resolved.sources.caPem).toBe(`fulfillment-cli config ${cliPath} (ca_files)`);
  });

  it("expands ~ and skips empty entries; an empty or null list is no CA", () => {
    caFiles();
    writeCli({ address: "cli:443", ca_files: ["~/a.pem", ""] });
    expect(resolveConnection({ env: { HOME: home } }).caPem).toBe(PEM);
    writeCli({ address: "cli:443", ca_files: null });
    expect(resolveConnection({ env: { HOME: home } }).caPem).toBeUndefined();
    writeCli({ address: "cli:443", ca_files: [] });
    expect(resolveConnection({ env: { HOME: home } }).caPem).toBeUndefined();
  });

  it("counts for less than caFile or caPem in any other layer, which are then used alone and the files not read", () => {
    const { a } = caFiles();
    writeCli({ address: "cli:443", ca_files: [path.join(home, "missing.pem")] });
    const fromEnv = resolveConnection({ env: { HOME: home, FULFILLMENT_CA_FILE: a } });
    expect(fromEnv.caPem).toBe(PEM);
    expect(fromEnv.sources.caPem).toBe("environment variable FULFILLMENT_CA_FILE");
    const fromStack = resolveConnection({ stackConfig: { caPem: PEM }, env: { HOME: home } });
    expect(fromStack.caPem).toBe(PEM.trim());
    expect(fromStack.sources.caPem).toBe("stack config fulfillment:caPem");
    expect(resolveConnection({ explicit: { caFile: a }, env: { HOME: home } }).sources.caPem).toBe("connection.caFile");
  });

  it("still counts when another layer sets only other settings", () => {
    const { a } = caFiles();
    writeCli({ address: "cli:443", ca_files: [a] });
    const resolved = resolveConnection({ explicit: { address: "explicit:443", insecure: false }, env: { HOME: home, FULFILLMENT_TOKEN: "t" } });
    expect(resolved.address).toBe("explicit:443");
    expect(resolved.caPem).toBe(PEM);
  });

  it("is ignored with plaintext, from the CLI file itself or from a higher layer", () => {
    const missing = path.join(home, "missing.pem");
    writeCli({ address: "cli:443", plaintext: true, ca_files: [missing] });
    expect(resolveConnection({ env: { HOME: home } })).toMatchObject({ plaintext: true });
    expect(resolveConnection({ env: { HOME: home } }).caPem).toBeUndefined();
    writeCli({ address: "cli:443", ca_files: [missing] });
    expect(resolveConnection({ explicit: { plaintext: true }, env: { HOME: home } }).caPem).toBeUndefined();
  });

  it("names the CLI file and the entry when a file is unreadable or not PEM, and refuses a list of non-strings", () => {
    const missing = path.join(home, "missing.pem");
    const junk = path.join(home, "junk.pem");
    fs.writeFileSync(junk, "hello");
    writeCli({ address: "cli:443", ca_files: [missing, junk] });
    const error = errorOf(() => resolveConnection({ env: { HOME: home } })) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems).toEqual([
      expect.stringMatching(new RegExp(`^fulfillment-cli config .*config\\.json \\(ca_files\\): cannot read '.*missing\\.pem' \\(ENOENT\\)`)),
      expect.stringMatching(new RegExp(`^fulfillment-cli config .*config\\.json \\(ca_files\\): '.*junk\\.pem' holds no PEM certificate`)),
    ]);
    writeCli({ address: "cli:443", ca_files: "/etc/ca.pem" });
    expect(errorOf(() => resolveConnection({ env: { HOME: home } })).message).toContain(`fulfillment-cli config ${cliPath} key ca_files`);
  });
});

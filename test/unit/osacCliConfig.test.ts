// The osac CLI's settings as the lowest connection layer, from real files in the layouts
// `osac login` writes (internal/config/config_settings.go): config.json in OSAC_CONFIG or
// the user config dir + osac, secrets in secrets.json when the OS keyring is unavailable;
// and its current tenant (`osac tenant NAME`), applied as the CLI applies it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../client/connection";
import { FulfillmentClient } from "../../client/client";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { startSimulator, type Simulator } from "../../simulator";
import { defaultOsacConfigDir } from "../../client/osacCliConfig";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { generateTestCertificates } from "../helpers/tls";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "osac-config-"));
const certs = generateTestCertificates();
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  certs.cleanup();
});

let counter = 0;
function osacDir(config: unknown, secrets?: unknown): string {
  const dir = path.join(root, `osac-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), typeof config === "string" ? config : JSON.stringify(config, null, 2));
  if (secrets !== undefined) fs.writeFileSync(path.join(dir, "secrets.json"), JSON.stringify(secrets, null, 2));
  return dir;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jwt = (expSeconds: number) => `${b64url({ alg: "RS256" })}.${b64url({ sub: "alice", exp: Math.floor(Date.now() / 1000) + expSeconds })}.c2ln`;

function resolveWith(dir: string, extra: { env?: NodeJS.ProcessEnv; cliConfigPath?: string } = {}) {
  return resolveConnection({ env: { OSAC_CONFIG: dir, ...extra.env }, cliConfigPath: extra.cliConfigPath ?? NO_CLI_CONFIG });
}

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("the osac CLI's config", () => {
  it("is found through OSAC_CONFIG, else in the user config dir + osac", () => {
    expect(defaultOsacConfigDir({ OSAC_CONFIG: "/etc/osac-ci" })).toBe("/etc/osac-ci");
    if (process.platform === "linux") {
      expect(defaultOsacConfigDir({ XDG_CONFIG_HOME: "/home/u/.cfg" })).toBe("/home/u/.cfg/osac");
      expect(defaultOsacConfigDir({ HOME: "/home/u" })).toBe("/home/u/.config/osac");
    }
  });

  it("the credentials flow with secrets.json gives client credentials, issuer and scopes", () => {
    const dir = osacDir(
      { address: "osac.example.com:443", flow: "credentials", issuer: "https://sso.example.com/realms/osac", scopes: ["openid"], tenant: "acme", private: true },
      { client_id: "ci-bot", client_secret: "osac-secret-1234" },
    );
    const resolved = resolveWith(dir);
    expect(resolved.address).toBe("osac.example.com:443");
    expect(resolved.clientCredentials).toMatchObject({ clientId: "ci-bot", clientSecret: "osac-secret-1234", issuer: "https://sso.example.com/realms/osac", scopes: ["openid"] });
    expect(resolved.sources.clientId).toBe(`osac CLI config ${path.join(dir, "config.json")} (client_id)`);
  });

  it("the credentials flow with its secrets in the OS keyring says so and names the settings to give instead", () => {
    const dir = osacDir({ address: "osac.example.com:443", flow: "credentials", issuer: "https://sso.example.com/realms/osac" });
    const message = problemOf(() => resolveWith(dir));
    expect(message).toContain(`osac CLI config ${path.join(dir, "config.json")}: osac login stored the client id and secret of its 'credentials' flow in the OS keyring (service 'osac', key 'secrets'), which this program cannot read`);
    expect(message).toContain("pulumi config set fulfillment:clientId <id> and pulumi config set --secret fulfillment:clientSecret <secret>");
    // The settings it recommends do fix it: a higher layer's credentials, with the CLI's address.
    const fixed = resolveWith(dir, { env: { FULFILLMENT_CLIENT_ID: "ci-bot", FULFILLMENT_CLIENT_SECRET: "from-env-secret-1" } });
    expect(fixed.address).toBe("osac.example.com:443");
    expect(fixed.clientCredentials?.clientId).toBe("ci-bot");
  });

  it("an interactive flow: its saved access token while valid, else the keyring/expiry is named with tokenScript 'osac get token'", () => {
    const valid = jwt(3600);
    const dir = osacDir({ address: "osac.example.com:443", flow: "device", issuer: "https://sso.example.com/realms/osac" }, { access_token: valid, refresh_token: "r-123456789" });
    expect(resolveWith(dir).token).toBe(valid);

    const expired = osacDir({ address: "osac.example.com:443", flow: "code" }, { access_token: jwt(-60) });
    expect(problemOf(() => resolveWith(expired))).toContain("osac login used the 'code' flow, whose tokens are in osac CLI secrets");
    const keyring = osacDir({ address: "osac.example.com:443", flow: "password" });
    const message = problemOf(() => resolveWith(keyring));
    expect(message).toContain("whose tokens are in the OS keyring (service 'osac', key 'secrets'), which this program cannot read");
    expect(message).toContain('pulumi config set fulfillment:tokenScript "osac get token"');
  });

  it("token_script (with the script's last token) and a static access token", () => {
    const last = jwt(3600);
    const scripted = resolveWith(osacDir({ address: "osac.example.com:443", token_script: "print-token" }, { access_token: last }));
    expect(scripted.tokenScript).toBe("print-token");
    expect(scripted.token).toBe(last);
    const fixed = resolveWith(osacDir({ address: "osac.example.com:443" }, { access_token: "static-token-abcdef" }));
    expect(fixed.token).toBe("static-token-abcdef");
    expect(fixed.tokenScript).toBeUndefined();
  });

  it("plaintext and insecure as the CLI stores them", () => {
    expect(resolveWith(osacDir({ address: "127.0.0.1:8000", plaintext: true, insecure: true })).plaintext).toBe(true);
    const insecure = resolveWith(osacDir({ address: "osac.example.com:443", insecure: true }));
    expect([insecure.plaintext, insecure.insecure]).toEqual([false, true]);
  });

  it("ca_files as the CLI reads them: files again (or their stored content), directories, relative names ignored", () => {
    const caDir = path.join(root, "ca-dir");
    fs.mkdirSync(caDir, { recursive: true });
    fs.copyFileSync(certs.caFile, path.join(caDir, "corp.pem"));
    fs.writeFileSync(path.join(caDir, "README"), "not a certificate");
    const gone = path.join(root, "rotated-away.pem");
    const dir = osacDir({
      address: "osac.example.com:443",
      ca_files: [{ name: gone, content: certs.selfSigned.certPem }, { name: caDir }, { name: "relative.pem", content: "ignored" }, { name: certs.caFile, content: "stale" }],
    });
    const resolved = resolveWith(dir);
    expect(resolved.sources.caPem).toBe(`osac CLI config ${path.join(dir, "config.json")} (ca_files)`);
    const pem = resolved.caPem ?? "";
    expect(pem).toContain(certs.selfSigned.certPem.trim());
    expect(pem.split(certs.caPem.trim()).length - 1).toBe(2); // from the directory and from the re-read file
    expect(pem).not.toContain("ignored");
    expect(pem).not.toContain("stale");
  });

  it("is the lowest layer: the fulfillment-cli config and the environment come first, group by group", () => {
    const dir = osacDir({ address: "osac.example.com:443", flow: "credentials" }, { client_id: "ci-bot", client_secret: "osac-secret-1234" });
    const cliFile = path.join(root, "fulfillment-cli.json");
    fs.writeFileSync(cliFile, JSON.stringify({ address: "old.example.com:443" }));
    const resolved = resolveWith(dir, { cliConfigPath: cliFile, env: { FULFILLMENT_TOKEN: "env-token-1234567" } });
    expect(resolved.address).toBe("old.example.com:443");
    expect(resolved.token).toBe("env-token-1234567");
    expect(resolved.clientCredentials).toBeUndefined();
  });

  it("names the file when it is not JSON, and never echoes secrets.json", () => {
    expect(problemOf(() => resolveWith(osacDir("{ nope")))).toContain("config.json: not valid JSON; fix it or run osac login again");
    const dir = osacDir({ address: "osac.example.com:443" }, { client_secret: 42, note: "top-secret-value-1" });
    const message = problemOf(() => resolveWith(dir));
    expect(message).toContain("not in the format the osac CLI writes");
    expect(message).not.toContain("top-secret-value-1");
  });

  it("an absent directory is no layer at all", () => {
    expect(problemOf(() => resolveWith(path.join(root, "absent")))).toContain(`"address" in ${path.join(root, "absent", "config.json")} (written by osac login`);
  });
});

describe("the osac CLI's current tenant (osac tenant NAME)", () => {
  it("comes with the CLI's server: kept when the address is the config's, dropped when a higher layer names the server", () => {
    const dir = osacDir({ address: "osac.example.com:443", tenant: "acme" }, { access_token: jwt(3600) });
    const resolved = resolveWith(dir);
    expect(resolved.tenant).toBe("acme");
    expect(resolved.sources.tenant).toBe(`osac CLI config ${path.join(dir, "config.json")} (tenant)`);
    expect(resolveWith(dir, { env: { FULFILLMENT_ADDRESS: "other.example.com:443" } }).tenant).toBeUndefined();
    expect(resolveWith(osacDir({ address: "osac.example.com:443" }, { access_token: jwt(3600) })).tenant).toBeUndefined();
  });

  describe("against the osac simulator, from a config file osac login wrote", () => {
    let sim: Simulator;
    let cli: FulfillmentClient;
    let plain: FulfillmentClient;
    let api: FulfillmentApi;
    let unscoped: FulfillmentApi;

    beforeAll(async () => {
      sim = await startSimulator({ api: "osac", hubs: "simulated", seed: "catalog", osac: { issuer: {}, tenants: ["acme"], projects: [{ tenant: "acme", name: "team-a" }] } });
      // An admin: its own default tenant would be 'shared'.
      const token = await sim.issuer!.mintToken({ preferred_username: "root", groups: ["admins"] }, 3600);
      const dir = osacDir({ address: sim.address, plaintext: true, tenant: "acme" }, { access_token: token });
      cli = FulfillmentClient.connect(resolveWith(dir));
      plain = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true, token, api: "osac" }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG }));
      api = await apiFor(cli);
      unscoped = await apiFor(plain);
    });

    afterAll(async () => {
      cli?.close();
      plain?.close();
      await sim?.stop();
    });

    const template = (id: string, name: string) => ({ id, metadata: { name, labels: {}, finalizers: [] }, title: id, description: "", parameters: [], nodeSets: {} });

    it("new templates, catalog items and clusters get the tenant as metadata.tenant; host types (not tenant-scoped in the CLI) do not", async () => {
      expect((await api.templates.create(template("cli_small", "small"))).metadata.tenant).toBe("acme");
      expect((await unscoped.templates.create(template("shared_small", "small"))).metadata.tenant).toBe("shared");
      const item = await api.catalogItems.create({ id: "cli-item", metadata: { name: "", labels: {}, finalizers: [] }, title: "Item", description: "", template: "sim_small", published: true, fieldDefinitions: [] });
      expect(item.metadata.tenant).toBe("acme");
      const cluster = await api.clusters.create({ id: "cli-cluster", metadata: {}, spec: { template: "sim_small", templateParameters: {}, nodeSets: {} } });
      expect(cluster?.metadata.tenant).toBe("acme");
      // A tenant the program names wins, as the CLI's --tenant flag would.
      const named = await api.clusters.create({ id: "named-cluster", metadata: { tenant: "shared" }, spec: { template: "sim_small", templateParameters: {}, nodeSets: {} } });
      expect(named?.metadata.tenant).toBe("shared");
      expect((await api.hostTypes.create({ id: "cli_hosts", metadata: { name: "", labels: {}, finalizers: [] }, title: "Hosts", description: "" })).metadata.tenant).toBe("shared");
    });

    it("lookups by name look in the tenant (the CLI filters its Lists with this.metadata.tenant); by id they do not", async () => {
      expect((await api.templates.listByName("small")).map((t) => t.id)).toEqual(["cli_small"]);
      expect((await unscoped.templates.listByName("small")).map((t) => t.id).sort()).toEqual(["cli_small", "shared_small"]);
      expect((await api.templates.get("shared_small"))?.id).toBe("shared_small");
      expect((await api.projects!.list()).map((p) => `${p.tenant}/${p.name}`).sort()).toEqual(["acme/", "acme/team-a"]);
      expect((await api.projects!.list({ tenant: "shared" })).map((p) => `${p.tenant}/${p.name}`)).toEqual(["shared/"]);
    });
  });
});

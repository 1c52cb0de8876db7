// A pipeline's stack on today's service: the osac simulator with authentication on (there is
// no guest mode), TLS on its gRPC listener and its built-in https issuer. The stack config
// holds only fulfillment:address, fulfillment:clientId and a secret fulfillment:clientSecret;
// the issuer is discovered from the server, the token fetched with client credentials. The
// build host's environment names the company's CA bundle (FULFILLMENT_CA_FILE), which signs
// both the server's and the issuer's certificates here. A second stack has no connection
// config at all: `osac login` left its settings in OSAC_CONFIG. Neither the client secret nor a token may appear in the state, the logs or
// the engine events.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { backendFiles, createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { generateTestCertificates, type TestCertificates } from "../helpers/tls";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type Hub } from "../../client/api";
// The built package, as a user's program loads it.
import { Cluster } from "pulumi-fulfillment";

const SECRET = "pipeline-secret-e2e-3b8f0c6d1a94";
const OSAC_SECRET = "osac-login-secret-e2e-7c1d9e2f40ab";

describe("client credentials: a stack with only address, clientId and a secret clientSecret", () => {
  let certs: TestCertificates;
  let sim: Simulator;
  let t: TestPulumi;
  const seen: string[] = [];

  const program = (name: string) => async () => {
    const cluster = new Cluster(name, { template: "sim_small", name, nodeSets: { workers: { size: 1 } } });
    return { id: cluster.clusterId, state: cluster.state };
  };
  const record = (text: unknown) => seen.push(typeof text === "string" ? text : JSON.stringify(text));
  const options = { onOutput: record, onEvent: record };

  beforeAll(async () => {
    certs = generateTestCertificates();
    sim = await startSimulator({
      api: "osac",
      hubs: "simulated",
      seed: "catalog",
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      deletionDelayMs: 50,
      tls: { certPem: certs.certPem, keyPem: certs.keyPem },
      osac: {
        tenants: ["acme"],
        issuer: {
          clients: [
            { clientId: "pipeline", clientSecret: SECRET, claims: { organization: ["acme"] } },
            { clientId: "laptop", clientSecret: OSAC_SECRET, claims: { organization: ["acme"] } },
          ],
        },
      },
    });
    t = createTestPulumi("client-credentials");
    const root = path.dirname(t.workDir);
    const bundle = path.join(root, "trusted-cas.pem");
    fs.writeFileSync(bundle, `${certs.caPem}\n${sim.issuer!.caPem}`);
    // Hermetic: no CLI config of the machine's user, no FULFILLMENT_* of the test runner.
    fs.mkdirSync(path.join(root, "config"), { recursive: true });
    Object.assign(t.envVars, { FULFILLMENT_CA_FILE: bundle, XDG_CONFIG_HOME: path.join(root, "config"), OSAC_CONFIG: path.join(root, "no-osac") });
    // Hubs are an admin's business: one registered behind the stacks' back.
    const admin = FulfillmentClient.connect(
      resolveConnection({
        explicit: { address: sim.address, caPem: certs.caPem, token: await sim.issuer!.mintToken({ preferred_username: "e2e-admin", groups: ["admins"] }), api: "osac" },
        env: {},
        cliConfigPath: NO_CLI_CONFIG,
        osacConfigDir: NO_CLI_CONFIG,
      }),
    );
    try {
      const api = await apiFor(admin);
      await api.hubs.create({ id: "cc-hub", metadata: {} as Hub["metadata"], kubeconfig: unreachableHubKubeconfig("hub-token-cc-1234", "orders"), namespace: "orders" });
    } finally {
      admin.close();
    }
  });

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
    certs?.cleanup();
  });

  let stack: Stack;

  it("goes up, waits for READY and is destroyed", async () => {
    stack = await inlineStack(t, program("ci"), { project: "pipeline" });
    await stack.setAllConfig({
      "fulfillment:address": { value: sim.address },
      "fulfillment:clientId": { value: "pipeline" },
      "fulfillment:clientSecret": { value: SECRET, secret: true },
    });
    const up = await stack.up(options);
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.state.value).toBe("READY");
    expect(sim.issuer!.issuedTo("pipeline")).toBeGreaterThan(0);
    record(up.stdout);
    // The export decrypts secrets; it must show the client secret as one.
    const exported = JSON.stringify(await stack.exportStack());
    expect(exported).toMatch(/"fulfillment:clientSecret":\{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270"/);
    const destroy = await stack.destroy(options);
    expect(destroy.summary.result).toBe("succeeded");
    record(destroy.stdout);
  }, 120_000);

  it("after osac login (OSAC_CONFIG with the credentials flow) a stack needs no connection config", async () => {
    const dir = path.join(path.dirname(t.workDir), "osac");
    fs.mkdirSync(dir, { recursive: true });
    const caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, `${certs.caPem}\n${sim.issuer!.caPem}`);
    // What `osac login --flow credentials --client-id laptop --client-secret ... --ca-file ca.pem ADDRESS` writes
    // when the OS keyring is not available.
    fs.writeFileSync(
      path.join(dir, "config.json"),
      JSON.stringify({ address: sim.address, ca_files: [{ name: caFile, content: fs.readFileSync(caFile, "utf8") }], flow: "credentials", issuer: sim.issuer!.url }, null, 2),
    );
    fs.writeFileSync(path.join(dir, "secrets.json"), JSON.stringify({ client_id: "laptop", client_secret: OSAC_SECRET }, null, 2));
    t.envVars.OSAC_CONFIG = dir;
    delete t.envVars.FULFILLMENT_CA_FILE;
    const osacStack = await inlineStack(t, program("laptop"), { project: "laptop" });
    const before = sim.issuer!.issuedTo("laptop");
    const up = await osacStack.up(options);
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.state.value).toBe("READY");
    expect(sim.issuer!.issuedTo("laptop")).toBeGreaterThan(before);
    expect((await osacStack.destroy(options)).summary.result).toBe("succeeded");
  }, 120_000);

  it("leaves the client secrets in no state file, output or engine event", () => {
    const files = backendFiles(t).map((file) => fs.readFileSync(file, "utf8"));
    expect(files.length).toBeGreaterThan(0);
    for (const text of [...files, ...seen]) {
      for (const secret of [SECRET, OSAC_SECRET]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(Buffer.from(secret).toString("base64"));
      }
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    }
  });
});

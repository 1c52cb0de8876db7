// TLS modes over real sockets: verified with a generated CA (caFile and caPem), insecure
// against a self-signed server, and the two plaintext/TLS mismatches with their hints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection, type ConnectionInput } from "../../client/connection";
import { startSimulator, type Simulator } from "../../simulator";
import { generateTestCertificates, type TestCertificates } from "../helpers/tls";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { expectFulfillmentError } from "../helpers/failures";

let certs: TestCertificates;
let tlsSim: Simulator;
let selfSignedSim: Simulator;
let plainSim: Simulator;
const opened: FulfillmentClient[] = [];

function connect(settings: ConnectionInput & { address: string }): FulfillmentClient {
  const connection = resolveConnection({ explicit: { deadlineSeconds: 5, ...settings }, env: {}, cliConfigPath: NO_CLI_CONFIG });
  const client = FulfillmentClient.connect(connection, { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } });
  opened.push(client);
  return client;
}

async function listIds(client: FulfillmentClient): Promise<string[]> {
  return (await client.call(HostClasses.method.list, {})).items.map((h) => h.id);
}

const failure = expectFulfillmentError;

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  process.on("warning", onWarning);
  certs = generateTestCertificates();
  [tlsSim, selfSignedSim, plainSim] = await Promise.all([
    startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", tls: { certPem: certs.certPem, keyPem: certs.keyPem } }),
    startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", tls: { certPem: certs.selfSigned.certPem, keyPem: certs.selfSigned.keyPem } }),
    startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",}),
  ]);
});

afterAll(async () => {
  process.off("warning", onWarning);
  for (const client of opened) client.close();
  await Promise.all([tlsSim?.stop(), selfSignedSim?.stop(), plainSim?.stop()]);
  certs?.cleanup();
});

describe("verified TLS", () => {
  it("works with caFile, for 127.0.0.1, localhost and dns:/// addresses", async () => {
    for (const address of [tlsSim.address, `localhost:${tlsSim.port}`, `dns:///localhost:${tlsSim.port}`]) {
      expect(await listIds(connect({ address, caFile: certs.caFile }))).toContain("acme_1tib");
    }
  });

  it("works with caPem", async () => {
    expect(await listIds(connect({ address: tlsSim.address, caPem: certs.caPem }))).toContain("acme_gpu");
  });

  it("refuses an unknown CA, pointing at caFile/caPem and insecure", async () => {
    const error = await failure(listIds(connect({ address: tlsSim.address })));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.serverMessage).toMatch(/unable to verify|self-signed|issuer/);
    expect(error.hint).toContain("set caFile or caPem to the CA that signed it, or insecure: true");
  });

  it("sends no IP address as TLS server name (Node's DEP0123 warning)", async () => {
    expect(await listIds(connect({ address: tlsSim.address, caFile: certs.caFile }))).toContain("acme_1tib");
    expect(tlsSim.address).toMatch(/^127\.0\.0\.1:/);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => `${(w as { code?: string }).code}: ${w.message}`).filter((w) => w.startsWith("DEP0123"))).toEqual([]);
  });

  it("refuses a self-signed server when no CA is given, naming caFile and insecure", async () => {
    const error = await failure(listIds(connect({ address: selfSignedSim.address })));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.serverMessage).toMatch(/self[- ]signed certificate/);
    expect(error.hint).toContain("set caFile or caPem to the CA that signed it, or insecure: true");
    expect(error.message).toContain("insecure: true");
  });

  it("refuses a self-signed server even with our CA", async () => {
    const error = await failure(listIds(connect({ address: selfSignedSim.address, caPem: certs.caPem })));
    expect(error.hint).toContain("The server's TLS certificate was not accepted");
    expect(error.hint).toContain("(the CA now comes from connection.caPem)");
  });
});

describe("insecure TLS", () => {
  it("connects to a self-signed server whose name does not match", async () => {
    expect(await listIds(connect({ address: selfSignedSim.address, insecure: true }))).toContain("acme_1tib");
  });
});

describe("plaintext/TLS mismatches", () => {
  it("TLS client to a plaintext server: 'the server speaks plaintext; set plaintext: true'", async () => {
    const error = await failure(listIds(connect({ address: plainSim.address })));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.hint).toBe(
      `The server at ${plainSim.address} (from connection.address) speaks plaintext; set plaintext: true (connection.plaintext, fulfillment:plaintext or FULFILLMENT_PLAINTEXT).`,
    );
  });

  it("plaintext client to a TLS server: 'the server speaks TLS; set plaintext: false'", async () => {
    const error = await failure(listIds(connect({ address: tlsSim.address, plaintext: true })));
    expect(error.codeName).toBe("UNAVAILABLE");
    expect(error.hint).toBe(
      `The server at ${tlsSim.address} (from connection.address) speaks TLS; set plaintext: false (it is true, set by connection.plaintext), with caFile/caPem or insecure: true if its certificate is not from a public CA.`,
    );
  });

  it("plaintext client to a plaintext server works", async () => {
    expect(await listIds(connect({ address: plainSim.address, plaintext: true }))).toContain("acme_1tib");
  });
});

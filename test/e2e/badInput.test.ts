// Bad input through the real engine: every mistake gives one clear error that names the
// field or setting and the fix, at preview time where the provider can tell (check), with
// nothing created on the server. Assertions are on the text the user sees in the engine's
// output of preview/up. Mistakes the server's catalogue judges (templates, parameters, node
// sets, host types) run on both API generations from this one source; mistakes the client
// finds on its own (input shapes, connection settings, TLS) are the same on either and run
// once, on the default generation (osac).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as net from "node:net";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import type { ApiGeneration } from "../../client/api";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { generateTestCertificates, type TestCertificates } from "../helpers/tls";
// The built package, as a user's program loads it.
import { Cluster, Hub, type ClusterArgs } from "pulumi-fulfillment";

const HUB_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: hub, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: hub, context: { cluster: hub, user: admin } }]
current-context: hub
users: [{ name: admin, user: { token: hub-token-badinput-91ad } }]
`;

/** The Diagnostics section of the engine's output: what the user reads after the run. */
function diagnostics(text: string): string {
  const at = text.lastIndexOf("Diagnostics:");
  return at >= 0 ? text.slice(at) : text;
}

/** The distinct error lines of the diagnostics, without the engine's closing "preview failed". */
function errorLines(text: string): string[] {
  const lines = diagnostics(text)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^error: /.test(line) && !/^error: (preview|update) failed$/.test(line));
  return [...new Set(lines)];
}

async function failureText(promise: Promise<unknown>): Promise<string> {
  const result = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (result === undefined) throw new Error("expected the run to fail");
  return String((result as Error).message ?? result);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const CLUSTER = "pulumi-nodejs:dynamic/fulfillment:Cluster resource 'c' has a problem: ";
const HUB = "pulumi-nodejs:dynamic/fulfillment:Hub resource 'h' has a problem: ";
const SECRET_IN_INPUT = "sekrit-token-5b0e8d71c2";

type Config = Record<string, { value: string; secret?: boolean }>;

/**
 * A simulator of `generation` with a registered hub and one Pulumi environment for the
 * describe block it is called in; each stack gets its own project.
 */
function badInputService(generation: ApiGeneration) {
  let service: GenerationSimulator;
  let t: TestPulumi;
  let counter = 0;

  beforeAll(async () => {
    service = await startGenerationSimulator(generation, { controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi(`bad-input-${generation}`);
    await service.api.hubs.create({ id: "bad-hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: HUB_KUBECONFIG, namespace: "orders" });
  });
  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  const h = {
    get service() {
      return service;
    },
    get t() {
      return t;
    },
    get project() {
      return `bad-${counter}`;
    },
    /** A fresh stack (own project) whose program is `program`, configured for the simulator unless `config` says otherwise. */
    async stackWith(program: () => Promise<Record<string, unknown> | void>, config?: Config): Promise<Stack> {
      const stack = await inlineStack(t, async () => (await program()) ?? {}, { project: `bad-${++counter}` });
      await stack.setAllConfig(
        config ?? {
          "fulfillment:address": { value: service.sim.address },
          "fulfillment:token": { value: service.adminToken, secret: true },
          "fulfillment:plaintext": { value: "true" },
        },
      );
      return stack;
    },
    /** Previews a program that must fail at preview; returns the one error the user reads (and the whole output). */
    async oneError(program: () => Promise<void>, config?: Config) {
      const stack = await h.stackWith(program, config);
      const before = service.sim.snapshot().clusters.length;
      const text = await failureText(stack.preview());
      expect(service.sim.snapshot().clusters.length).toBe(before);
      const errors = errorLines(text);
      expect(errors, text).toHaveLength(1);
      expect(text).not.toContain(SECRET_IN_INPUT);
      for (const token of [service.adminToken]) expect(text).not.toContain(token);
      return { error: errors[0], text: diagnostics(text) };
    },
  };
  return h;
}

const cluster = (args: ClusterArgs) => async () => void new Cluster("c", args);
const hub = (kubeconfig: string) => async () => void new Hub("h", { hubId: "h1", kubeconfig, namespace: "orders" });


describe.each(GENERATIONS)("bad input the catalogue judges (%s generation)", (generation) => {
  const h = badInputService(generation);

  const catalogueCases: Array<[string, ClusterArgs, string]> = [
    [
      "an unknown template",
      { template: "ocp_9_99" },
      "template: there is no cluster template with id or name 'ocp_9_99'. List the templates your token can see, or, if a ClusterTemplate resource in this stack creates it, pass that resource's templateId output so Pulumi creates it first",
    ],
    ["an unknown parameter", { template: "sim_small", templateParameters: { bogus: 1 } }, "templateParameters.bogus: template 'sim_small' has no parameter 'bogus'; valid parameters: 'ha', 'pull_secret', 'release'"],
    ["a bool parameter given a string", { template: "sim_small", templateParameters: { ha: "yes" } }, `templateParameters.ha: expected a boolean for type bool, got "yes" (use true or false)`],
    ["a string parameter given a number", { template: "sim_small", templateParameters: { pull_secret: 42 } }, "templateParameters.pull_secret: expected a string for type string, got 42 (quote it in YAML)"],
    [
      "a long secret in the wrong parameter",
      { template: "sim_small", templateParameters: { ha: `{"auths":{"quay.io":{"auth":"${SECRET_IN_INPUT}"}}}` } },
      "templateParameters.ha: expected a boolean for type bool, got a string of 56 characters (use true or false)",
    ],
    ["an unknown node set", { template: "sim_small", nodeSets: { masters: { size: 3 } } }, "nodeSets.masters: template 'sim_small' has no node set 'masters'; valid node sets: 'workers'"],
    [
      "a host class the template does not use",
      { template: "sim_small", nodeSets: { workers: { size: 3, hostClass: "acme_gpu" } } },
      "nodeSets.workers.hostClass: template 'sim_small' uses host class 'acme_1tib' for node set 'workers'; leave hostClass out or set it to 'acme_1tib'",
    ],
  ];

  it.each(catalogueCases)("cluster with %s: one error naming the field and the fix, at preview", async (_label, args, expected) => {
    const { error } = await h.oneError(cluster(args));
    expect(error).toBe(`error: ${CLUSTER}${expected}`);
  }, 60_000);

  it("a host class change shows as a replace at preview", async () => {
    const api = h.service.api;
    await api.templates.create({
      id: "hc_tmpl",
      metadata: { name: "", labels: {}, finalizers: [] },
      title: "Host class change",
      description: "",
      parameters: [],
      nodeSets: { workers: { hostType: "acme_1tib", size: 2 } },
    });
    const program = (hostClass: string) => async () => {
      const c = new Cluster("c", { template: "hc_tmpl", nodeSets: { workers: { size: 2, hostClass } } });
      return { id: c.clusterId };
    };
    const stack = await h.stackWith(program("acme_1tib"));
    const up = await stack.up();
    const id = up.outputs.id.value as string;
    // The template's owner moves its workers to another host class; the program follows.
    const template = (await api.templates.get("hc_tmpl"))!;
    await api.templates.update({ ...template, nodeSets: { workers: { hostType: "acme_gpu", size: 2 } } }, ["nodeSets"]);
    const moved = await inlineStack(h.t, program("acme_gpu"), { project: h.project });
    const preview = await moved.preview({ diff: true });
    expect(preview.changeSummary.replace).toBe(1);
    expect(preview.changeSummary.update ?? 0).toBe(0);
    expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/fulfillment:Cluster: \(replace\)/);
    expect(preview.stdout).toMatch(/~\s*nodeSets\s*:/);
    expect((h.service.sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id)).toContain(id); // preview touched nothing
    await moved.destroy();
  }, 120_000);

  if (generation === "innabox") {
    it("an osac-only input on an innabox server: names the field and the generation", async () => {
      const { error } = await h.oneError(cluster({ template: "sim_small", sshPublicKey: "ssh-ed25519 AAAAC3Nza e2e" }));
      expect(error).toBe(
        `error: ${CLUSTER}sshPublicKey: clusters of the innabox generation (fulfillment.v1) have no sshPublicKey; remove it, or use a server of the osac generation (osac.public.v1)`,
      );
    }, 60_000);
  } else {
    it("no token against an osac server: says the server requires one and lists the issuers it trusts", async () => {
      const { error } = await h.oneError(cluster({ template: "sim_small" }), {
        "fulfillment:address": { value: h.service.sim.address },
        "fulfillment:plaintext": { value: "true" },
      });
      expect(error).toContain(
        `${h.service.sim.address} speaks the osac generation (osac.public.v1), which requires a JWT on every call, and no token is configured; it trusts tokens from ${h.service.sim.issuer!.url}. `,
      );
      expect(error).toContain("Set OAuth client credentials (connection.clientId / connection.clientSecret");
      expect(error).toContain("or a token or a token script that prints one");
    }, 60_000);
  }
});

describe("bad input the client finds on its own (generation-independent; osac)", () => {
  const h = badInputService("osac");

  const shapeCases: Array<[string, ClusterArgs, string]> = [
    ["a size written as a string", { template: "sim_small", nodeSets: { workers: { size: "3" as unknown as number } } }, "nodeSets.workers.size: expected a positive integer"],
    ["size 0", { template: "sim_small", nodeSets: { workers: { size: 0 } } }, "nodeSets.workers.size: expected a positive integer (the server refuses size 0)"],
    ["a label value that is a number", { template: "sim_small", labels: { team: 5 as unknown as string } }, "labels.team: label values must be strings; quote numbers and booleans"],
    ["a name that is not a DNS label", { template: "sim_small", name: "Web_1" }, "name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ["a timeout in words", { template: "sim_small", timeouts: { create: "10 minutes" } }, "timeouts.create: '10 minutes' is not a duration greater than zero; write it like '90s', '45m' or '1h30m'"],
    // Refused at check, before any cluster is ordered (it used to pass check and fail after Create).
    ["a zero timeout", { template: "sim_small", timeouts: { create: "0s" } }, "timeouts.create: '0s' is not a duration greater than zero; write it like '90s', '45m' or '1h30m'"],
    [
      "a misspelt connection setting",
      { template: "sim_small", connection: { adress: "127.0.0.1:1", token: SECRET_IN_INPUT } as never },
      "connection: unknown setting 'adress'; valid settings are address, token, tokenScript, clientId, clientSecret, issuer, scopes, insecure, plaintext, caFile, caPem, deadlineSeconds, api",
    ],
    ["a token with its scheme", { template: "sim_small", connection: { token: `Bearer ${SECRET_IN_INPUT}` } }, "connection.token: give the token alone, without the 'Bearer ' prefix"],
  ];

  it.each(shapeCases)("cluster with %s: one error naming the field and the fix, at preview", async (_label, args, expected) => {
    const { error } = await h.oneError(cluster(args));
    expect(error).toBe(`error: ${CLUSTER}${expected}`);
  }, 60_000);

  it("hub kubeconfig mistakes: a path, no users, broken YAML; the token inside never shows", async () => {
    expect((await h.oneError(hub("/home/me/.kube/config"))).error).toBe(
      `error: ${HUB}kubeconfig: looks like a file path ('/home/me/.kube/config'); pass the file's content instead, e.g. fs.readFileSync(path, 'utf8')`,
    );
    expect((await h.oneError(hub(`apiVersion: v1\nclusters: [{name: a, cluster: {server: 'https://x:6443'}}]\npreferences: {token: ${SECRET_IN_INPUT}}\n`))).error).toBe(
      `error: ${HUB}kubeconfig: has no 'users' entry: the service needs credentials to create ClusterOrders in the hub`,
    );
    expect((await h.oneError(hub(`clusters: []\nusers:\n- name: a\n  user: {token: ${SECRET_IN_INPUT}\n`))).error).toMatch(
      new RegExp(`^error: ${HUB.replace(/[.'()]/g, "\\$&")}kubeconfig: is not valid YAML \\(.* at line \\d+, column \\d+:\\); pass the kubeconfig's content, not a path$`),
    );
  }, 120_000);

  it("an unreachable address: names the setting it came from", async () => {
    const port = await freePort();
    const { text } = await h.oneError(cluster({ template: "sim_small" }), {
      "fulfillment:address": { value: `127.0.0.1:${port}` },
      "fulfillment:plaintext": { value: "true" },
      "fulfillment:token": { value: SECRET_IN_INPUT, secret: true },
    });
    expect(text).toContain(
      `error: ${CLUSTER}connection: could not ask the service at 127.0.0.1:${port} which API it speaks, to validate the cluster: grpc.reflection.v1.ServerReflection/ServerReflectionInfo failed with UNAVAILABLE`,
    );
    expect(text).toContain(`Nothing is listening at 127.0.0.1:${port} (from stack config fulfillment:address); check the address and that the server is running.`);
  }, 60_000);

  it("an address with a URL scheme: names the setting and the form to use", async () => {
    const { error } = await h.oneError(cluster({ template: "sim_small" }), {
      "fulfillment:address": { value: "https://fulfillment.example.com" },
      "fulfillment:token": { value: SECRET_IN_INPUT, secret: true },
    });
    expect(error).toContain("stack config fulfillment:address: use host:port without a URL scheme, e.g. fulfillment-api.example.com:443 or dns:///127.0.0.1:8000; got 'https://fulfillment.example.com'");
  }, 60_000);

  it("TLS to a plaintext server: says the server speaks plaintext and which setting to change", async () => {
    const address = h.service.sim.address;
    const { text } = await h.oneError(cluster({ template: "sim_small" }), {
      "fulfillment:address": { value: address },
      "fulfillment:token": { value: SECRET_IN_INPUT, secret: true },
    });
    expect(text).toContain("failed with UNAVAILABLE");
    expect(text).toContain(`The server at ${address} (from stack config fulfillment:address) speaks plaintext; set plaintext: true (connection.plaintext, fulfillment:plaintext or FULFILLMENT_PLAINTEXT).`);
  }, 60_000);

  describe("against a TLS server", () => {
    let tlsSim: Simulator;
    let certs: TestCertificates;
    beforeAll(async () => {
      certs = generateTestCertificates();
      tlsSim = await startSimulator({ api: "osac", seed: "catalog", hubs: "simulated", tls: { certPem: certs.certPem, keyPem: certs.keyPem }, controllerDelayMs: 20 });
    });
    afterAll(async () => {
      await tlsSim?.stop();
      certs?.cleanup();
    });

    it("plaintext to a TLS server: says the server speaks TLS and where plaintext was set", async () => {
      const { text } = await h.oneError(cluster({ template: "sim_small" }), {
        "fulfillment:address": { value: tlsSim.address },
        "fulfillment:plaintext": { value: "true" },
        "fulfillment:token": { value: SECRET_IN_INPUT, secret: true },
      });
      expect(text).toContain("failed with UNAVAILABLE");
      expect(text).toContain(
        `The server at ${tlsSim.address} (from stack config fulfillment:address) speaks TLS; set plaintext: false (it is true, set by stack config fulfillment:plaintext), with caFile/caPem or insecure: true if its certificate is not from a public CA.`,
      );
    }, 60_000);

    it("TLS without the server's CA: says to set caFile/caPem or insecure", async () => {
      const { text } = await h.oneError(cluster({ template: "sim_small" }), {
        "fulfillment:address": { value: tlsSim.address },
        "fulfillment:token": { value: SECRET_IN_INPUT, secret: true },
      });
      expect(text).toContain("The server's TLS certificate was not accepted; set caFile or caPem to the CA that signed it, or insecure: true to skip verification (testing only).");
    }, 60_000);
  });
});

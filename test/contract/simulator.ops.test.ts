// Operating the simulator: bearer-token auth, TLS, the state file across restarts,
// fault injection, and the CLI as a real process.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { startSimulator, type Simulator } from "../../simulator";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterState } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { healthDefinition } from "../../simulator/services/health";
import { parseCli, UsageError } from "../../simulator/cli";
import { grpcError, pollUntil, RawClient } from "../helpers/grpcRaw";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "simulator-ops-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fakeJwt(sub: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part({ sub })}.c2lnbmF0dXJl`;
}

describe("call observer", () => {
  test("onCall sees each admitted call with its request, and no refused one", async () => {
    const seen: Array<{ path: string; id?: string }> = [];
    const sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", auth: { clientTokens: ["observer-token"], adminTokens: [] },
      onCall: (path, request) => seen.push({ path, id: (request as unknown as { id?: string }).id }),
    });
    const api = new RawClient(sim.address);
    try {
      expect((await grpcError(api.call(Clusters.method.get, { id: "refused" }))).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await grpcError(api.call(Clusters.method.get, { id: "absent" }, "observer-token"))).code).toBe(grpc.status.NOT_FOUND);
      expect(seen).toEqual([{ path: "/fulfillment.v1.Clusters/Get", id: "absent" }]);
    } finally {
      api.close();
      await sim.stop();
    }
  });
});

describe("auth", () => {
  const CLIENT = "client-secret-token";
  const ADMIN = "admin-secret-token";
  const JWT = fakeJwt("system:serviceaccount:team-a:deployer");
  const lines: string[] = [];
  let sim: Simulator;
  let api: RawClient;

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
      auth: { clientTokens: [CLIENT, JWT], adminTokens: [ADMIN] },
      controllerDelayMs: 60_000,
      log: (line) => lines.push(line),
    });
    api = new RawClient(sim.address);
  });

  afterAll(async () => {
    api.close();
    await sim.stop();
    expect(lines.join("\n")).not.toMatch(/secret-token|c2lnbmF0dXJl/);
  });

  test("no token or an unknown token is UNAUTHENTICATED, and the error does not echo it", async () => {
    const none = await grpcError(api.call(Clusters.method.list, {}));
    expect(none.code).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = await grpcError(api.call(Clusters.method.list, {}, "guess-token"));
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(wrong.details).not.toContain("guess-token");
  });

  test("a client may use the public cluster and catalogue reads, and nothing else", async () => {
    expect((await api.call(Clusters.method.list, {}, CLIENT)).total).toBe(0);
    expect((await api.call(ClusterTemplates.method.list, {}, CLIENT)).total).toBe(4);
    expect((await api.call(HostClasses.method.get, { id: "acme_gpu" }, CLIENT)).object?.id).toBe("acme_gpu");
    const created = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, CLIENT);
    expect(created.object?.metadata?.creators).toEqual(["client"]);
    const denied = [
      () => api.call(ClusterTemplates.method.create, { object: { id: "t" } }, CLIENT),
      () => api.call(HostClasses.method.delete, { id: "acme_gpu" }, CLIENT),
      () => api.call(Hubs.method.list, {}, CLIENT),
      () => api.call(PrivateClusters.method.list, {}, CLIENT),
    ];
    for (const call of denied) {
      const error = await grpcError(call());
      expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
    }
  });

  test("an admin may use everything, including private.v1", async () => {
    expect((await api.call(Hubs.method.list, {}, ADMIN)).total).toBe(0);
    expect((await api.call(PrivateClusters.method.list, {}, ADMIN)).total).toBe(1);
    const hub = await api.call(Hubs.method.create, { object: { id: "h", namespace: "n" } }, ADMIN);
    expect(hub.object?.metadata?.creators).toEqual(["admin"]);
  });

  test("a JWT's subject becomes the creator", async () => {
    const created = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } }, JWT);
    expect(created.object?.metadata?.creators).toEqual(["system:serviceaccount:team-a:deployer"]);
  });

  test("health is open to everyone", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const method = healthDefinition.Check;
      api.client.makeUnaryRequest(
        method.path,
        method.requestSerialize as (value: { service: string }) => Buffer,
        method.responseDeserialize as (bytes: Buffer) => number,
        { service: "" },
        (error, value) => (error ? reject(error) : resolve(value!)),
      );
    });
    expect(status).toBe(1);
  });
});

describe("TLS", () => {
  const dir = path.join(tmp, "tls");
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  let sim: Simulator;

  beforeAll(async () => {
    fs.mkdirSync(dir);
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days", "1", "-subj", "/CN=other-ca");
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated",
      tls: { certPem: fs.readFileSync(path.join(dir, "server.crt"), "utf8"), keyPem: fs.readFileSync(path.join(dir, "server.key"), "utf8") },
    });
  });

  afterAll(async () => {
    await sim.stop();
  });

  test("a client trusting the CA connects; plaintext and other CAs do not", async () => {
    const trusted = new RawClient(sim.address, { caPem: fs.readFileSync(path.join(dir, "ca.crt"), "utf8") });
    expect((await trusted.call(ClusterTemplates.method.list, {})).total).toBe(4);
    trusted.close();

    const plaintext = new RawClient(sim.address, { deadlineMs: 1000 });
    expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.INTERNAL]).toContain(
      (await grpcError(plaintext.call(ClusterTemplates.method.list, {}))).code,
    );
    plaintext.close();

    const untrusted = new RawClient(sim.address, { caPem: fs.readFileSync(path.join(dir, "other.crt"), "utf8"), deadlineMs: 1000 });
    expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain(
      (await grpcError(untrusted.call(ClusterTemplates.method.list, {}))).code,
    );
    untrusted.close();
  });
});

describe("state file and restart", () => {
  test("state survives restart() and a new process; timers resume from persisted timestamps", async () => {
    const stateFile = path.join(tmp, "state", "sim.json");
    const options = { api: "innabox" as const, seed: "catalog" as const, hubs: "simulated" as const, stateFile, controllerDelayMs: 20, provisioningDelayMs: 400, deletionDelayMs: 50 };
    let sim = await startSimulator(options);
    let api = new RawClient(sim.address);
    try {
      await api.call(Hubs.method.create, { object: { id: "hub-p", namespace: "orders", kubeconfig: Buffer.from("k") } });
      await api.call(HostClasses.method.create, { object: { id: "hc-p", title: "Persisted", metadata: { labels: { a: "b" } } } });
      const ready = await api.call(Clusters.method.create, {
        object: { metadata: { name: "early", labels: { "simulator.osac.io/provisioning-ms": "0" } }, spec: { template: "sim_small" } },
      });
      const readyId = ready.object!.id;
      await pollUntil(async () => (await api.call(Clusters.method.get, { id: readyId })).object!, (c) => c.status?.state === ClusterState.READY);
      const kubeconfig = (await api.call(Clusters.method.getKubeconfig, { id: readyId })).kubeconfig;

      const slow = await api.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
      const slowId = slow.object!.id;
      await pollUntil(async () => (await api.call(Clusters.method.get, { id: slowId })).object!, (c) => c.status?.state === ClusterState.PROGRESSING);

      const onDisk = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { version: number; clusters: unknown[] };
      expect(onDisk.version).toBe(1);
      expect(onDisk.clusters).toHaveLength(2);
      expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(path.dirname(stateFile))).toEqual(["sim.json"]);

      await sim.restart();
      // Same port, state reloaded; the PROGRESSING cluster carries on to READY.
      const afterRestart = await pollUntil(
        async () => (await api.call(HostClasses.method.get, { id: "hc-p" })).object!,
        () => true,
      );
      expect(afterRestart.metadata?.labels).toEqual({ a: "b" });
      expect((await api.call(Clusters.method.getKubeconfig, { id: readyId })).kubeconfig).toBe(kubeconfig);
      await pollUntil(async () => (await api.call(Clusters.method.get, { id: slowId })).object!, (c) => c.status?.state === ClusterState.READY);

      // A brand-new simulator on the same file: nothing lost, seed not applied twice.
      await api.call(Clusters.method.delete, { id: slowId });
      api.close();
      await sim.stop();
      sim = await startSimulator(options);
      api = new RawClient(sim.address);
      expect((await api.call(ClusterTemplates.method.list, {})).total).toBe(4);
      expect((await api.call(Hubs.method.get, { id: "hub-p" })).object?.namespace).toBe("orders");
      expect((await api.call(Clusters.method.get, { id: readyId })).object?.metadata?.name).toBe("early");
      // The deletion that was pending when the old process stopped completes.
      await pollUntil(
        () => grpcError(api.call(Clusters.method.get, { id: slowId })),
        (error) => error.code === grpc.status.NOT_FOUND,
      );
    } finally {
      api.close();
      await sim.stop();
    }
  });

  test("without a state file, restart() keeps the in-memory state", async () => {
    const sim = await startSimulator({ api: "innabox", seed: false });
    const api = new RawClient(sim.address);
    try {
      expect((await api.call(ClusterTemplates.method.list, {})).total).toBe(0);
      await api.call(HostClasses.method.create, { object: { id: "mem" } });
      await sim.restart();
      const kept = await pollUntil(async () => (await api.call(HostClasses.method.list, {})).items.map((item) => item.id), () => true);
      expect(kept).toEqual(["mem"]);
    } finally {
      api.close();
      await sim.stop();
    }
  });
});

describe("fault injection", () => {
  let sim: Simulator;
  let api: RawClient;

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated" });
    api = new RawClient(sim.address);
  });

  afterAll(async () => {
    api.close();
    await sim.stop();
  });

  test("failNext fails exactly the next calls, with UNAVAILABLE or the given code", async () => {
    sim.faults.failNext(2);
    expect((await grpcError(api.call(ClusterTemplates.method.list, {}))).code).toBe(grpc.status.UNAVAILABLE);
    expect((await grpcError(api.call(ClusterTemplates.method.get, { id: "sim_small" }))).code).toBe(grpc.status.UNAVAILABLE);
    expect((await api.call(ClusterTemplates.method.list, {})).total).toBe(4);
    sim.faults.failNext(1, grpc.status.RESOURCE_EXHAUSTED);
    expect((await grpcError(api.call(ClusterTemplates.method.list, {}))).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await api.call(ClusterTemplates.method.list, {})).total).toBe(4);
  });

  test("latency delays every call; a short deadline then expires", async () => {
    sim.faults.setLatencyMs(150);
    try {
      const started = Date.now();
      await api.call(ClusterTemplates.method.list, {});
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      const hurried = new RawClient(sim.address, { deadlineMs: 50 });
      expect((await grpcError(hurried.call(ClusterTemplates.method.list, {}))).code).toBe(grpc.status.DEADLINE_EXCEEDED);
      hurried.close();
    } finally {
      sim.faults.setLatencyMs(0);
    }
  });

  test("restart() drops connections and listens again on the same port", async () => {
    const port = sim.port;
    await sim.restart();
    expect(sim.port).toBe(port);
    const after = await pollUntil(() => api.call(ClusterTemplates.method.list, {}), () => true);
    expect(after.total).toBe(4);
  });
});

describe("CLI", () => {
  const cli = (args: string[]): ChildProcessWithoutNullStreams =>
    spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "../../simulator/cli.ts"), ...args], {
      cwd: path.join(__dirname, "../.."),
    });

  const exit = (child: ChildProcessWithoutNullStreams) =>
    new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      let stderr = "";
      let stdout = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("exit", (code) => resolve({ code, stderr, stdout }));
    });

  test("prints the listening line, serves, and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    const tokens = path.join(tmp, "tokens.json");
    fs.writeFileSync(tokens, JSON.stringify({ clientTokens: ["cli-client"], adminTokens: ["cli-admin"] }));
    const child = cli(["--api", "innabox", "--port", "0", "--tokens", tokens, "--provisioning-delay", "200ms", "--no-seed", "--quiet"]);
    const exited = exit(child);
    const address = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^fulfillment simulator listening on (127\.0\.0\.1:\d+)\n/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const api = new RawClient(address);
    try {
      expect((await grpcError(api.call(ClusterTemplates.method.list, {}))).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await api.call(ClusterTemplates.method.list, {}, "cli-client")).total).toBe(0);
      expect((await grpcError(api.call(Hubs.method.list, {}, "cli-client"))).code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      api.close();
    }
    child.kill("SIGTERM");
    const result = await exited;
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });

  test("a bad flag exits with status 2 and names the flag", { timeout: 60_000 }, async () => {
    const result = await exit(cli(["--port", "http"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port must be a number between 0 and 65535");
  });

  test.each([
    [["--port", "70000"], "--port must be a number between 0 and 65535"],
    [["--provisioning-delay", "soon"], "--provisioning-delay must be a duration such as 500ms, 3s or 1m"],
    [["--tls-cert", "x.pem"], "--tls-cert and --tls-key must be given together"],
    [["--api", "innabox", "--tokens", "/nonexistent/tokens.json"], "--tokens /nonexistent/tokens.json: ENOENT"],
    [["--tokens", "/nonexistent/tokens.json"], "--tokens needs --api innabox: the osac generation (the default) takes JWTs from an issuer, not static tokens"],
    [["--colour", "red"], "Unknown option '--colour'"],
  ])("parseCli refuses %j naming the flag", (args, message) => {
    expect(() => parseCli(args)).toThrow(UsageError);
    expect(() => parseCli(args)).toThrow(message);
  });

  test("serves the osac generation unless --api says otherwise", () => {
    expect(parseCli([]).options.api).toBe("osac");
    expect(parseCli(["--api", "innabox"]).options.api).toBe("innabox");
  });

  test("parseCli turns flags into simulator options", () => {
    const tokens = path.join(tmp, "tokens-parse.json");
    fs.writeFileSync(tokens, JSON.stringify({ adminTokens: ["a"] }));
    const { options } = parseCli([
      "--api", "innabox", "--host", "::1", "--port", "0", "--state", "s.json", "--tokens", tokens,
      "--controller-delay", "5", "--provisioning-delay", "1.5s", "--node-set-convergence", "2m", "--deletion-delay", "250ms", "--no-seed",
    ]);
    expect(options).toMatchObject({
      api: "innabox",
      host: "::1",
      port: 0,
      stateFile: "s.json",
      auth: { clientTokens: [], adminTokens: ["a"] },
      controllerDelayMs: 5,
      provisioningDelayMs: 1500,
      nodeSetConvergenceMs: 120_000,
      deletionDelayMs: 250,
      seed: false,
    });
  });
});

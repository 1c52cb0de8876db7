// A real Kubernetes API server on loopback for the kube tests: Debian's etcd, the
// kube-apiserver and kube-controller-manager built by `make toolchain-kube`. No
// kubelet, no scheduler: enough for namespaces, RBAC, service accounts, tokens (both
// TokenRequest and the controller-filled token Secrets), CRDs and custom objects.
//
// Every process runs in its own process group; stop() ends the groups and removes
// the temp dir. A process-exit hook ends them too, so a crashed test run leaves
// nothing behind. scripts/local-kube.sh does the same for `make demo`.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathWithToolchain, toolchainBinDir } from "../../automation/environment";

export interface LocalKube {
  /** https://127.0.0.1:PORT */
  server: string;
  /** PEM of the CA that signed the API server's serving certificate. */
  caPem: string;
  /** Static token of `admin` (group system:masters). */
  adminToken: string;
  /** Admin kubeconfig content (server, CA data, token). */
  adminKubeconfig: string;
  /** The same kubeconfig written to a file (for kubectl --kubeconfig). */
  kubeconfigPath: string;
  /** Directory with etcd data, keys, certs and the processes' logs. */
  dir: string;
  /** Milliseconds from start() until /readyz answered ok and the controller manager worked. */
  startupMs: number;
  /** Ends every process (SIGTERM, then SIGKILL after a grace period) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

export interface LocalKubeOptions {
  /** Keep the temp dir after stop() (for debugging). */
  keepDir?: boolean;
  /** Start kube-controller-manager (needed for token Secrets, namespace deletion, GC). Default true. */
  controllerManager?: boolean;
  /** Readiness deadline. Default 90 s (2 shared cores, apiserver start is ~2-10 s). */
  timeoutMs?: number;
}

export class MissingKubeToolchainError extends Error {
  constructor(binary: string) {
    super(
      `${binary} was not found (looked in ${toolchainBinDir()} and on PATH). ` +
        "Build it with `make toolchain-kube` (runs scripts/toolchain.sh kube: kube-apiserver and " +
        "kube-controller-manager from pinned Go modules, etcd from Debian's etcd-server).",
    );
    this.name = "MissingKubeToolchainError";
  }
}

export function findKubeBinary(binary: string): string {
  const dirs = [...pathWithToolchain().split(path.delimiter), "/usr/bin", "/usr/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // next
    }
  }
  throw new MissingKubeToolchainError(binary);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Processes of every LocalKube still running, ended by the exit hook if stop() was never reached. */
const live = new Set<ChildProcess>();
/** Their temp dirs, removed by the exit hook too. */
const liveDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of live) killGroup(child, "SIGKILL");
    for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", killAll);
  // A signal ends the process without "exit": end the groups, then let the signal act as it would have.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** One HTTPS GET with the admin token; resolves to the status code (0 when the connection failed). */
function probe(url: string, token: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = https.get(
      url,
      { headers: { authorization: `Bearer ${token}` }, ca, rejectUnauthorized: ca !== undefined, timeout: 3000 },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve({ status: 0, body: "" }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100-500 ms until it returns a value; fails with `describe()` at the deadline or when a process died. */
async function pollUntil<T>(
  what: string,
  deadline: number,
  processes: Array<{ child: ChildProcess; log: string; name: string }>,
  check: () => Promise<T | undefined>,
): Promise<T> {
  let delay = 100;
  for (;;) {
    for (const p of processes) {
      if (exited(p.child)) {
        throw new Error(`${p.name} exited (code ${p.child.exitCode ?? p.child.signalCode}) while waiting for ${what}; last log lines:\n${tail(p.log)}`);
      }
    }
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last log lines:\n` + processes.map((p) => `--- ${p.name}\n${tail(p.log)}`).join("\n"),
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 1.5, 500);
  }
}

export function kubeconfigYaml(options: { server: string; caPem?: string; token: string; namespace?: string; user?: string; cluster?: string }): string {
  const cluster = options.cluster ?? "local";
  const user = options.user ?? "admin";
  const lines = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${cluster}`,
    "  cluster:",
    `    server: ${options.server}`,
  ];
  if (options.caPem) lines.push(`    certificate-authority-data: ${Buffer.from(options.caPem).toString("base64")}`);
  lines.push(
    "users:",
    `- name: ${user}`,
    "  user:",
    `    token: ${options.token}`,
    "contexts:",
    `- name: ${cluster}`,
    "  context:",
    `    cluster: ${cluster}`,
    `    user: ${user}`,
  );
  if (options.namespace) lines.push(`    namespace: ${options.namespace}`);
  lines.push(`current-context: ${cluster}`, "");
  return lines.join("\n");
}

/** The last certificate of a PEM bundle: the apiserver writes its serving cert followed by its self-signed CA. */
function lastCertificate(bundle: string): string {
  const certs = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error("the API server's certificate file holds no certificate");
  return `${certs[certs.length - 1]}\n`;
}

export async function startLocalKube(options: LocalKubeOptions = {}): Promise<LocalKube> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 90_000);
  const etcdBin = findKubeBinary("etcd");
  const apiserverBin = findKubeBinary("kube-apiserver");
  const withControllerManager = options.controllerManager ?? true;
  const kcmBin = withControllerManager ? findKubeBinary("kube-controller-manager") : "";
  findKubeBinary("openssl");
  installExitHook();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-kube-"));
  if (!options.keepDir) liveDirs.add(dir);
  const children: Array<{ child: ChildProcess; log: string; name: string }> = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Controller manager first, etcd last, so the API server never loses its store under load.
    for (const entry of [...children].reverse()) {
      if (exited(entry.child)) {
        live.delete(entry.child);
        continue;
      }
      killGroup(entry.child, "SIGTERM");
      if (!(await waitExit(entry.child, 5000))) {
        killGroup(entry.child, "SIGKILL");
        await waitExit(entry.child, 5000);
      }
      live.delete(entry.child);
    }
    if (!options.keepDir) fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  const run = (name: string, bin: string, args: string[]) => {
    const log = path.join(dir, `${name}.log`);
    const fd = fs.openSync(log, "a");
    // detached: its own process group, so stop() reaches any child it forks.
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], env: { ...process.env, PATH: pathWithToolchain() } });
    fs.closeSync(fd);
    child.unref();
    live.add(child);
    children.push({ child, log, name });
    return child;
  };

  try {
    // Keys and tokens. The service-account key pair signs TokenRequest and Secret tokens.
    const saKey = path.join(dir, "sa.key");
    const saPub = path.join(dir, "sa.pub");
    execFileSync("openssl", ["genrsa", "-out", saKey, "2048"], { stdio: "ignore" });
    execFileSync("openssl", ["rsa", "-in", saKey, "-pubout", "-out", saPub], { stdio: "ignore" });
    const adminToken = randomBytes(24).toString("hex");
    const tokenFile = path.join(dir, "tokens.csv");
    fs.writeFileSync(tokenFile, `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    run("etcd", etcdBin, [
      "--name=local",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=local=http://127.0.0.1:${etcdPeer}`,
      "--logger=zap",
      "--log-level=warn",
    ]);

    const certDir = path.join(dir, "certs");
    const server = `https://127.0.0.1:${apiPort}`;
    run("kube-apiserver", apiserverBin, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${certDir}`,
      `--secure-port=${apiPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--token-auth-file=${tokenFile}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--service-cluster-ip-range=10.96.0.0/24",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      "--v=1",
    ]);

    // Ready: /readyz answers 200 (RBAC bootstrap roles included). The serving cert exists
    // only once the server has generated it, so verify against its CA from then on.
    const caPem = await pollUntil("kube-apiserver /readyz", deadline, children, async () => {
      const certFile = path.join(certDir, "apiserver.crt");
      if (!fs.existsSync(certFile)) return undefined;
      let ca: string;
      try {
        ca = lastCertificate(fs.readFileSync(certFile, "utf8"));
      } catch {
        return undefined; // written but not complete yet
      }
      const { status } = await probe(`${server}/readyz`, adminToken, ca);
      return status === 200 ? ca : undefined;
    });

    const adminKubeconfig = kubeconfigYaml({ server, caPem, token: adminToken });
    const kubeconfigPath = path.join(dir, "admin.kubeconfig");
    fs.writeFileSync(kubeconfigPath, adminKubeconfig, { mode: 0o600 });
    const caFile = path.join(dir, "ca.crt");
    fs.writeFileSync(caFile, caPem);

    if (withControllerManager) {
      run("kube-controller-manager", kcmBin, [
        `--kubeconfig=${kubeconfigPath}`,
        "--controllers=serviceaccount-token,serviceaccount,namespace,garbagecollector",
        `--root-ca-file=${caFile}`,
        `--service-account-private-key-file=${saKey}`,
        "--use-service-account-credentials=false",
        "--leader-elect=false",
        "--secure-port=0",
        "--v=1",
      ]);
      // Working: the serviceaccount controller has created `default` in `default`.
      await pollUntil("kube-controller-manager (service account 'default' in namespace 'default')", deadline, children, async () => {
        const { status } = await probe(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminToken, caPem);
        return status === 200 ? true : undefined;
      });
    }

    return { server, caPem, adminToken, adminKubeconfig, kubeconfigPath, dir, startupMs: Date.now() - started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

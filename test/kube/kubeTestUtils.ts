// Helpers shared by the kube tests: kubectl against the local API server, built-code
// checks, and secret scans of the Pulumi backend.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with the given kubeconfig content; never throws (assert on code/stderr). */
export async function kubectl(kubeconfig: string, args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubectl-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    return await new Promise((resolve) => {
      execFile("kubectl", ["--kubeconfig", file, ...args], { timeout: timeoutMs, env: { ...process.env, KUBECONFIG: "" } }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** kubectl get ... -o json, or undefined when NotFound. */
export async function getObject(kubeconfig: string, args: string[]): Promise<any | undefined> {
  const result = await kubectl(kubeconfig, ["get", ...args, "-o", "json"]);
  if (result.code !== 0) {
    if (/NotFound|not found/.test(result.stderr)) return undefined;
    throw new Error(`kubectl get ${args.join(" ")} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** The providers run from dist/: fail fast with the command to run when it is missing or stale. */
export function requireBuilt(modules: string[]): void {
  for (const module of modules) {
    const built = path.join(REPO_ROOT, "dist", `${module}.js`);
    const source = path.join(REPO_ROOT, `${module}.ts`);
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npx tsc -p tsconfig.json\` (or \`make build\`) before the kube tests`);
    if (fs.statSync(source).mtimeMs > fs.statSync(built).mtimeMs + 1000) {
      throw new Error(`${built} is older than ${module}.ts: run \`npx tsc -p tsconfig.json\` (or \`make build\`) before the kube tests`);
    }
  }
  if (!fs.existsSync(path.join(REPO_ROOT, "node_modules", "pulumi-fulfillment"))) {
    throw new Error("node_modules/pulumi-fulfillment is missing: run `make install` (it links the repository as the package)");
  }
}

/** Files of the backend holding any of the needles in plain text (also base64 of each). */
export function filesContaining(files: string[], needles: string[]): Array<{ file: string; needle: string }> {
  const hits: Array<{ file: string; needle: string }> = [];
  const all = needles.filter((n) => n && n.length >= 8).flatMap((n) => [n, Buffer.from(n).toString("base64")]);
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const needle of all) if (text.includes(needle)) hits.push({ file, needle: `${needle.slice(0, 6)}...` });
  }
  return hits;
}

export const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = Date.now();
  const value = await fn();
  return [value, Date.now() - started];
};

// A throwaway Pulumi environment per test: its own file backend and a work dir inside
// the repository, so the dynamic provider (started by the engine in the work dir) finds
// this repository's node_modules, including the built `pulumi-fulfillment` package.
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { LocalWorkspace, type PulumiFn, type Stack, type UpOptions } from "@pulumi/pulumi/automation";
import { pulumiCommand, pulumiEnvironment, requireBinary } from "../../automation/environment";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface TestPulumi {
  workDir: string;
  backendDir: string;
  envVars: Record<string, string>;
  /** Removes the work dir and the backend. */
  dispose(): void;
}

export function createTestPulumi(label: string): TestPulumi {
  requireBinary("pulumi");
  requireBinary("pulumi-language-nodejs");
  const root = path.join(REPO_ROOT, ".work", `${label}-${randomBytes(4).toString("hex")}`);
  const workDir = path.join(root, "program");
  const backendDir = path.join(root, "backend");
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(backendDir, { recursive: true });
  const envVars = pulumiEnvironment({ backendUrl: `file://${backendDir}`, passphrase: "test-passphrase" });
  return {
    workDir,
    backendDir,
    envVars,
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function inlineStack(
  t: TestPulumi,
  program: PulumiFn,
  names: { project?: string; stack?: string; skipPreview?: boolean } = {},
): Promise<Stack> {
  const projectName = names.project ?? "test";
  // One directory per project: the workspace writes Pulumi.yaml there, and a shared one
  // would point every earlier Stack object at the last project written.
  const workDir = path.join(t.workDir, projectName);
  fs.mkdirSync(workDir, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName, stackName: names.stack ?? "dev", program },
    {
      workDir,
      envVars: t.envVars,
      pulumiCommand: await pulumiCommand(),
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${t.backendDir}` } },
    },
  );
  return names.skipPreview ? stack : withPreviewBeforeUp(stack);
}

/**
 * The Automation API's `up` always skips the preview; `pulumi up` as people run it does
 * not, and a new stack's preview is where checks meet templates that do not exist yet.
 * Tests therefore preview before every up, as users do.
 */
export function withPreviewBeforeUp(stack: Stack): Stack {
  const up = stack.up.bind(stack);
  stack.up = async (opts?: UpOptions) => {
    await stack.preview({ parallel: opts?.parallel, color: "never" });
    return up(opts);
  };
  return stack;
}

/** Every file the local backend wrote for a stack (checkpoints, history, backups): for secret-leak checks. */
export function backendFiles(t: TestPulumi): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(t.backendDir);
  return out;
}

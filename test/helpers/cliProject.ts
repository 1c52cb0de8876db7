// Runs a Pulumi project directory with the `pulumi` command, as a user would.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TestPulumi } from "./pulumi";
import { REPO_ROOT } from "./pulumi";

const run = promisify(execFile);

/** Copies an example into the test's work dir (inside the repo, so node_modules resolves). */
export function copyExample(t: TestPulumi, example: string): string {
  const target = path.join(t.workDir, example);
  fs.cpSync(path.join(REPO_ROOT, "examples", example), target, {
    recursive: true,
    filter: (src) => !/Pulumi\.[^/]+\.yaml$/.test(src) || src.endsWith("Pulumi.yaml"),
  });
  return target;
}

export function pulumiCli(dir: string, env: NodeJS.ProcessEnv) {
  return async (...args: string[]): Promise<string> => {
    try {
      const { stdout } = await run("pulumi", [...args, "--non-interactive"], { cwd: dir, env, maxBuffer: 32 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`pulumi ${args.join(" ")} failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    }
  };
}

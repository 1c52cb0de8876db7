// Where the Pulumi engine comes from and how it runs here: a local file backend, a
// passphrase for secrets, no update checks and no plugin downloads (this project's
// machines reach no release pages). Everything that starts the engine goes through here.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export class MissingToolchainError extends Error {
  constructor(binary: string, searched: string[]) {
    super(
      `${binary} was not found (looked on PATH and in ${searched.join(", ")}). ` +
        `Build it with \`make toolchain\` (runs scripts/toolchain.sh pulumi, which builds it from pinned Go modules).`,
    );
    this.name = "MissingToolchainError";
  }
}

/** The cache the project's scripts build binaries into (scripts/toolchain.sh). */
export function toolchainBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.PULUMI_FULFILLMENT_CACHE ?? path.join(os.homedir(), ".cache", "pulumi-fulfillment");
  return path.join(cache, "bin");
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** PATH with the toolchain cache first, so the engine finds its language host and the dynamic provider launcher. */
export function pathWithToolchain(env: NodeJS.ProcessEnv = process.env): string {
  const bin = toolchainBinDir(env);
  const parts = (env.PATH ?? "").split(path.delimiter).filter((p) => p && p !== bin);
  return [bin, ...parts].join(path.delimiter);
}

/** Finds a binary on PATH (toolchain cache first) or throws an error naming the command that builds it. */
export function requireBinary(binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const dirs = pathWithToolchain(env).split(path.delimiter);
  for (const dir of dirs) {
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  throw new MissingToolchainError(binary, [toolchainBinDir(env)]);
}

export interface PulumiEnvironmentOptions {
  /** e.g. `file:///var/lib/stacks`; default: PULUMI_BACKEND_URL, else `file://~/.pulumi-fulfillment/backend`. */
  backendUrl?: string;
  /** Passphrase for the local secrets provider; default: PULUMI_CONFIG_PASSPHRASE. */
  passphrase?: string;
  env?: NodeJS.ProcessEnv;
}

/** Environment variables for every engine run: offline, local backend, secrets encrypted. */
export function pulumiEnvironment(options: PulumiEnvironmentOptions = {}): Record<string, string> {
  const env = options.env ?? process.env;
  const backendUrl =
    options.backendUrl ?? env.PULUMI_BACKEND_URL ?? `file://${path.join(os.homedir(), ".pulumi-fulfillment", "backend")}`;
  if (backendUrl.startsWith("file://")) {
    fs.mkdirSync(backendUrl.slice("file://".length), { recursive: true });
  }
  const passphrase = options.passphrase ?? env.PULUMI_CONFIG_PASSPHRASE;
  const result: Record<string, string> = {
    PATH: pathWithToolchain(env),
    PULUMI_BACKEND_URL: backendUrl,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: env.PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK ?? "false",
  };
  if (passphrase !== undefined) result.PULUMI_CONFIG_PASSPHRASE = passphrase;
  else if (env.PULUMI_CONFIG_PASSPHRASE_FILE) result.PULUMI_CONFIG_PASSPHRASE_FILE = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return result;
}

/** The Automation API's handle on the CLI: the toolchain cache's `pulumi`, else the one on PATH. */
export async function pulumiCommand(env: NodeJS.ProcessEnv = process.env) {
  const { PulumiCommand } = await import("@pulumi/pulumi/automation");
  const binary = requireBinary("pulumi", env);
  // PulumiCommand.get({ root }) runs `${root}/bin/pulumi`.
  return PulumiCommand.get({ root: path.dirname(path.dirname(binary)) });
}

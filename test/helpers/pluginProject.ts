// Pulumi YAML projects on the provider plugin `pulumi-resource-fulfillment`: the plugin
// installed the way the build installs it, the YAML language host from the toolchain cache.
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { stringify } from "yaml";
import { requireBinary } from "../../automation/environment";
import { NO_CLI_CONFIG } from "./paths";
import { REPO_ROOT, type TestPulumi } from "./pulumi";

/** Installs the plugin (idempotent: `pulumi plugin install ... --file` only when the launcher changed). */
export function ensureFulfillmentPlugin(): void {
  requireBinary("pulumi-language-yaml");
  execFileSync("bash", [path.join(REPO_ROOT, "scripts/toolchain.sh"), "plugin"], { stdio: ["ignore", "ignore", "inherit"] });
}

export const HUB_KUBECONFIG =
  "apiVersion: v1\nkind: Config\nclusters: [{name: h, cluster: {server: 'https://hub.example.invalid:6443'}}]\nusers: [{name: h, user: {token: hub-secret-token-8d2f}}]\n";

/** Writes `<workDir>/<name>/Pulumi.yaml` with runtime yaml and the given body; returns the directory. */
export function writeYamlProject(t: TestPulumi, name: string, body: Record<string, unknown>): string {
  const dir = path.join(t.workDir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name, runtime: "yaml", ...body }));
  return dir;
}

/** The stack's resources as the local backend stores them. */
export function exportedResources(exported: string): Array<{ urn: string; type: string; id?: string; initErrors?: string[]; outputs?: Record<string, unknown> }> {
  return (JSON.parse(exported) as { deployment: { resources?: Array<{ urn: string; type: string; id?: string; initErrors?: string[] }> } }).deployment.resources ?? [];
}

/**
 * The environment of a plugin project's `pulumi` commands: the test's Pulumi home and backend,
 * no `osac` or fulfillment-cli config (an empty XDG_CONFIG_HOME), and the service when given.
 */
export function pluginEnv(t: TestPulumi, service?: { address: string; token?: string; api?: "osac" | "innabox" }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...t.envVars,
    ...(service ? { FULFILLMENT_ADDRESS: service.address, FULFILLMENT_PLAINTEXT: "true" } : {}),
    ...(service?.token ? { FULFILLMENT_TOKEN: service.token } : {}),
    ...(service?.api ? { FULFILLMENT_API: service.api } : {}),
    XDG_CONFIG_HOME: path.dirname(path.dirname(NO_CLI_CONFIG)),
  };
}

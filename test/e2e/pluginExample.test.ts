// examples/yaml, the Pulumi YAML program on the provider plugin, on both API generations:
// up, refresh with no drift, destroy, with the real CLI and the simulator.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPulumi, backendFiles, type TestPulumi } from "../helpers/pulumi";
import { copyExample, pulumiCli } from "../helpers/cliProject";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { ensureFulfillmentPlugin, pluginEnv } from "../helpers/pluginProject";

describe.each(GENERATIONS)("examples/yaml on the %s generation", (generation) => {
  let g: GenerationSimulator;
  let t: TestPulumi;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    g = await startGenerationSimulator(generation, { controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi(`yaml-example-${generation}`);
  }, 120_000);

  afterAll(async () => {
    await g?.close();
    t?.dispose();
  });

  it("comes up, shows no drift on refresh, and is destroyed", async () => {
    const dir = copyExample(t, "yaml");
    const env = pluginEnv(t);
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    // The provider configuration, as a user sets it (the token as a secret).
    await pulumi("config", "set", "fulfillment:address", g.sim.address);
    await pulumi("config", "set", "fulfillment:plaintext", "true");
    await pulumi("config", "set", "fulfillment:api", generation);
    await pulumi("config", "set", "--secret", "fulfillment:token", g.adminToken);
    await pulumi("up", "--yes");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json", "--show-secrets")) as Record<string, string>;
    expect(outputs.devState).toBe("READY");
    expect(outputs.stagingState).toBe("READY");
    expect(outputs.devKubeconfig).toContain("apiVersion");
    expect(g.sim.snapshot().clusters).toHaveLength(2);

    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview");
    await pulumi("preview", "--expect-no-changes");
    for (const file of backendFiles(t)) {
      const text = fs.readFileSync(file, "utf8");
      expect(text).not.toContain(g.adminToken);
      expect(text).not.toContain(outputs.devKubeconfig);
    }
    await pulumi("destroy", "--yes", "--skip-preview");
    expect(g.sim.snapshot().clusters).toHaveLength(0);
  }, 300_000);
});

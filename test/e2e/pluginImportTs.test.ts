// `pulumi import` in a TypeScript project on the provider plugin: the CLI asks the Node.js
// language host for the program (GenerateProgram), which the toolchain's
// pulumi-language-nodejs serves with pkg/v3's TypeScript generator while the v3.68.0 host
// behind it runs the program. The code it writes runs with no changes.
import * as fs from "node:fs";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { apiFor, type FulfillmentApi } from "../../client/api";
import { createTestPulumi, REPO_ROOT, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { ensureFulfillmentPlugin, exportedResources, HUB_KUBECONFIG, pluginEnv } from "../helpers/pluginProject";

describe("pulumi import in a TypeScript project (provider plugin)", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let client: FulfillmentClient;
  let api: FulfillmentApi;

  beforeAll(async () => {
    ensureFulfillmentPlugin();
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi("plugin-import-ts");
    client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, plaintext: true, api: "innabox" }, env: {}, cliConfigPath: NO_CLI_CONFIG }));
    api = await apiFor(client);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await sim?.stop();
    t?.dispose();
  });

  it("writes TypeScript that, as the program, previews with no changes", async () => {
    await api.hubs.create({ id: "ts-import-hub", metadata: { name: "", labels: {}, finalizers: [] }, kubeconfig: HUB_KUBECONFIG, namespace: "orders" });
    const id = randomUUID();
    await api.clusters.create({
      id,
      metadata: { name: "legacy", labels: { owner: "ops" } },
      spec: { template: "sim_medium", templateParameters: {}, nodeSets: { workers: { hostType: "acme_1tib", size: 4 } } },
    });

    const dir = path.join(t.workDir, "tsimport");
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi-fulfillment"), { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: tsimport\nruntime: nodejs\n");
    // As `pulumi new typescript` makes it (else Node would take the main of the package.json above).
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "tsimport", main: "index.ts" }));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node" }, files: ["index.ts"] }));
    fs.writeFileSync(path.join(dir, "index.ts"), 'import * as pulumi from "@pulumi/pulumi";\nexport const stack = pulumi.getStack();\n');
    // The generated code imports the SDK by its package name, as `npm install @pulumi-fulfillment/sdk` would provide it.
    fs.symlinkSync(path.join(REPO_ROOT, "dist", "sdk"), path.join(dir, "node_modules", "@pulumi-fulfillment", "sdk"), "dir");

    const env = pluginEnv(t, { address: sim.address });
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    const codeFile = path.join(dir, "imported.ts");
    await pulumi("import", "fulfillment:index:Cluster", "legacy", id, "--yes", "--protect=false", "--out", codeFile);
    const code = fs.readFileSync(codeFile, "utf8");
    expect(code).toMatch(/import \* as fulfillment from "@pulumi-fulfillment\/sdk";/);
    expect(code).toMatch(/new fulfillment\.Cluster\("legacy", \{/);
    expect(code).toMatch(/template: "sim_medium"/);
    expect(code).toMatch(/owner: "ops"/);

    fs.writeFileSync(path.join(dir, "index.ts"), code);
    fs.rmSync(codeFile);
    await pulumi("preview", "--expect-no-changes");
    expect(exportedResources(await pulumi("stack", "export")).find((r) => r.type === "fulfillment:index:Cluster")?.id).toBe(id);
    await pulumi("destroy", "--yes", "--skip-preview");
    expect((sim.snapshot().clusters as Array<{ id: string }>).map((c) => c.id)).not.toContain(id);
  }, 300_000);
});

// The YAML stack passes `project` to every object it makes: a document that names one
// project throughout goes up on the osac simulator through the real engine, and the
// service keeps each object (hub, host type, template, catalog item, cluster) in it.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { backendFiles, createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
// The built package, as the root program (index.ts) loads it.
import { parseStackSpec } from "pulumi-fulfillment/dist/stack/load";
import { buildStack } from "pulumi-fulfillment/dist/stack/program";

const HUB_TOKEN = "hub-kubeconfig-token-yaml-5e1f";

describe("YAML stack: project on every kind (osac)", () => {
  let service: GenerationSimulator;
  let t: TestPulumi;
  let stack: Stack;

  beforeAll(async () => {
    service = await startGenerationSimulator("osac", { controllerDelayMs: 5, provisioningDelayMs: 200, deletionDelayMs: 50, osac: { projects: [{ tenant: "shared", name: "ops" }] } });
    t = createTestPulumi("yaml-projects");
    const baseDir = path.join(t.workDir, "document");
    fs.mkdirSync(baseDir, { recursive: true });
    fs.writeFileSync(path.join(baseDir, "hub.kubeconfig"), unreachableHubKubeconfig(HUB_TOKEN, "orders"));
    const document = `connection: { address: "${service.sim.address}", plaintext: true, token: "${service.adminToken}", api: osac }
hubs:
  - { id: yaml-hub, namespace: orders, kubeconfigFile: hub.kubeconfig, project: ops }
hostClasses:
  - { id: yaml_hosts, title: YAML hosts, project: ops }
templates:
  - { id: yaml_small, title: YAML small, nodeSets: { workers: { hostClass: yaml_hosts, size: 2 } }, project: ops }
catalogItems:
  - { id: yaml-dev, title: YAML development, template: yaml_small, published: true, project: ops }
clusters:
  - { name: yaml-dev, template: yaml_small, project: ops }
`;
    const program = async () => {
      const outputs = buildStack(parseStackSpec(document, "stack.yaml"), baseDir);
      return { clusters: outputs.clusters, catalogItems: outputs.catalogItems };
    };
    stack = await inlineStack(t, program, { project: "yaml-projects" });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  it("creates each object in the document's project", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.catalogItems.value).toEqual({ "yaml-dev": "yaml-dev" });
    const clusterId: string = up.outputs.clusters.value["yaml-dev"].id;
    const api = service.api;
    const projects = {
      hub: (await api.hubs.get("yaml-hub"))?.metadata.project,
      hostType: (await api.hostTypes.get("yaml_hosts"))?.metadata.project,
      template: (await api.templates.get("yaml_small"))?.metadata.project,
      catalogItem: (await api.catalogItems.get("yaml-dev"))?.metadata.project,
      cluster: (await api.clusters.get(clusterId))?.metadata.project,
    };
    expect(projects).toEqual({ hub: "ops", hostType: "ops", template: "ops", catalogItem: "ops", cluster: "ops" });
    await stack.preview({ expectNoChanges: true });
  }, 180_000);

  it("keeps the document's token and the hub's kubeconfig out of the state, and destroys everything", async () => {
    const files = backendFiles(t);
    const plain = files.filter((file) => [service.adminToken, HUB_TOKEN].some((secret) => fs.readFileSync(file, "utf8").includes(secret)));
    expect(plain).toEqual([]);
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(await service.api.hubs.get("yaml-hub")).toBeUndefined();
    expect(await service.api.templates.get("yaml_small")).toBeUndefined();
  }, 180_000);
});

// `project` on ClusterTemplate and Hub through the real engine against the osac simulator:
// both created in a project a tenant admin made, no diff afterwards, a project change
// previewed and applied as a replacement (same ids, new project), a project that does not
// exist failing `up` with the server's words and the fix, and destroy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { Projects } from "../../proto/gen/osac/public/v1/projects_service_pb";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { NO_CLI_CONFIG } from "../helpers/paths";
import { writeStackConfig } from "../../automation/stack";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
// The built package, as a user's program loads it.
import { ClusterTemplate, Hub } from "pulumi-fulfillment";

function program(project: string | undefined, ids = { template: "e2e_proj_small", hub: "e2e-proj-hub" }) {
  return async () => {
    const template = new ClusterTemplate("small", {
      templateId: ids.template,
      title: "Small in a project",
      nodeSets: { workers: { hostType: "acme_1tib", size: 1 } },
      ...(project !== undefined ? { project } : {}),
    });
    const hub = new Hub("hub", {
      hubId: ids.hub,
      kubeconfig: unreachableHubKubeconfig("e2e-hub-token"),
      namespace: "orders",
      ...(project !== undefined ? { project } : {}),
    });
    return { templateProject: template.project, hubProject: hub.project };
  };
}

describe("project on templates and hubs end to end (osac generation)", () => {
  let g: GenerationSimulator;
  let t: TestPulumi;

  const stackFor = async (name: string, project: string | undefined, ids?: { template: string; hub: string }) => {
    const s = await inlineStack(t, program(project, ids), { project: name });
    await writeStackConfig(
      s,
      {
        "fulfillment:address": { value: g.sim.address },
        "fulfillment:token": { value: g.adminToken, secret: true },
        "fulfillment:plaintext": { value: "true" },
        "fulfillment:api": { value: "osac" },
      },
      { ...process.env, ...t.envVars },
      s.workspace.workDir,
    );
    return s;
  };
  const stored = (kind: "templates" | "hubs", id: string) =>
    (g.sim.snapshot()[kind] as Array<{ id: string; metadata?: { project?: string; creationTimestamp?: unknown } }>).find((o) => o.id === id);

  beforeAll(async () => {
    g = await startGenerationSimulator("osac");
    t = createTestPulumi("object-projects");
    // What a tenant admin does first (admins create in tenant 'shared').
    const admin = FulfillmentClient.connect(
      resolveConnection({ explicit: { address: g.sim.address, token: g.adminToken, plaintext: true, api: "osac" }, env: {}, cliConfigPath: NO_CLI_CONFIG, osacConfigDir: NO_CLI_CONFIG }),
    );
    for (const name of ["team-a", "team-b"]) await admin.call(Projects.method.create, { object: { metadata: { name }, spec: { title: name } } });
    admin.close();
  });

  afterAll(async () => {
    await g?.close();
    t?.dispose();
  });

  describe("in a created project", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await stackFor("in-project", "team-a");
    });

    it("creates the template and the hub in the project, and sees no change afterwards", async () => {
      const up = await stack.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.outputs.templateProject.value).toBe("team-a");
      expect(up.outputs.hubProject.value).toBe("team-a");
      expect(stored("templates", "e2e_proj_small")?.metadata?.project).toBe("team-a");
      expect(stored("hubs", "e2e-proj-hub")?.metadata?.project).toBe("team-a");
      await stack.preview({ expectNoChanges: true });
      const refreshed = await stack.refresh();
      expect(refreshed.summary.resourceChanges?.update ?? 0).toBe(0);
    });

    it("a new project is previewed as a replacement and applied as one (same ids, the new project)", async () => {
      const moved = await stackFor("in-project", "team-b");
      const preview = await moved.preview({ diff: true });
      expect(preview.changeSummary.replace).toBe(2);
      const up = await moved.up();
      expect(up.summary.result).toBe("succeeded");
      expect(up.summary.resourceChanges?.replace).toBe(2);
      expect(stored("templates", "e2e_proj_small")?.metadata?.project).toBe("team-b");
      expect(stored("hubs", "e2e-proj-hub")?.metadata?.project).toBe("team-b");
      await moved.preview({ expectNoChanges: true });
      await moved.destroy();
      expect(stored("templates", "e2e_proj_small")).toBeUndefined();
      expect(stored("hubs", "e2e-proj-hub")).toBeUndefined();
    });
  });

  it("a project that does not exist fails up with the server's words and the fix, creating nothing", async () => {
    const stack = await stackFor("missing-project", "teama", { template: "e2e_proj_missing", hub: "e2e-proj-missing" });
    const failure = await stack.up().then(
      () => "",
      (error: Error) => String(error),
    );
    expect(failure).toContain("project 'teama' doesn't exist");
    expect(failure).toContain("create it first (a tenant admin's Projects/Create");
    expect(failure).toContain("leave project empty for the tenant's default project");
    expect(stored("templates", "e2e_proj_missing")).toBeUndefined();
    expect(stored("hubs", "e2e-proj-missing")).toBeUndefined();
    await stack.destroy();
  });
});

// HostClass through the real engine against the simulator: create (with a template on
// it, ordered after it through its output), an in-place update previewed then applied,
// refresh dropping a host class deleted out of band, adoption with `import:`, destroy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../client/client";
import { resolveConnection } from "../../client/connection";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { writeStackConfig } from "../../automation/stack";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
// The built package, as a user's program loads it.
import { ClusterTemplate, HostClass } from "pulumi-fulfillment";

const ADMIN_TOKEN = "admin-token-hc-6e1b0d94a7c2";
/** A deleted host class lingers for the simulator's deletion delay (50 ms here) before it is gone. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function program(shape: { title?: string } = {}) {
  return async () => {
    const hostClass = new HostClass("workers", {
      hostClassId: "e2e_workers",
      title: shape.title ?? "E2E workers",
      description: "Hosts for **e2e** workers",
      labels: { team: "platform" },
    });
    const template = new ClusterTemplate("small", {
      templateId: "e2e_hc_small",
      title: "E2E small on e2e_workers",
      nodeSets: { workers: { hostClass: hostClass.hostClassId, size: 2 } },
    });
    return { hostClassId: hostClass.hostClassId, title: hostClass.title, templateId: template.templateId };
  };
}

describe("HostClass end to end", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let client: FulfillmentClient;
  let stack: Stack;

  const configure = async (s: Stack) => {
    await writeStackConfig(
      s,
      {
        "fulfillment:address": { value: sim.address },
        "fulfillment:token": { value: ADMIN_TOKEN, secret: true },
        "fulfillment:plaintext": { value: "true" },
      },
      { ...process.env, ...t.envVars },
      s.workspace.workDir,
    );
  };
  const hostClassIds = () => (sim.snapshot().hostClasses as Array<{ id: string }>).map((h) => h.id);
  const getHostClass = async (id: string) => (await client.call(HostClasses.method.get, { id })).object!;

  beforeAll(async () => {
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", auth: { clientTokens: [], adminTokens: [ADMIN_TOKEN] }, deletionDelayMs: 50 });
    t = createTestPulumi("host-class");
    client = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, token: ADMIN_TOKEN, plaintext: true }, env: {} }));
    stack = await inlineStack(t, program(), { project: "host-class" });
    await configure(stack);
  });

  afterAll(async () => {
    client?.close();
    await sim?.stop();
    t?.dispose();
  });

  it("creates the host class, then a template on it, and sees no changes afterwards", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.hostClassId.value).toBe("e2e_workers");
    const stored = await getHostClass("e2e_workers");
    expect(stored.title).toBe("E2E workers");
    expect(stored.description).toBe("Hosts for **e2e** workers");
    expect(stored.metadata?.labels).toEqual({ team: "platform" });
    expect(sim.snapshot().templates.map((x: any) => x.id)).toContain("e2e_hc_small");
    const again = await stack.preview({ expectNoChanges: true });
    expect(again.changeSummary.update ?? 0).toBe(0);
  }, 240_000);

  it("previews a title change as an update of the host class alone, and up applies it in place", async () => {
    const retitled = await inlineStack(t, program({ title: "E2E workers, v2" }), { project: "host-class" });
    const preview = await retitled.preview();
    expect(preview.changeSummary.update).toBe(1);
    expect(preview.changeSummary.replace ?? 0).toBe(0);
    const up = await retitled.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    expect(up.outputs.title.value).toBe("E2E workers, v2");
    const stored = await getHostClass("e2e_workers");
    expect(stored.title).toBe("E2E workers, v2");
    expect(stored.metadata?.labels).toEqual({ team: "platform" }); // the mask named the title only
    stack = retitled;
  }, 240_000);

  it("drops a host class deleted out of band on refresh, and up creates it again", async () => {
    await client.call(HostClasses.method.delete, { id: "e2e_workers" });
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.delete).toBe(1);
    const state = await stack.exportStack();
    expect(state.deployment.resources.some((r: any) => r.type === "pulumi-nodejs:dynamic/fulfillment:HostClass")).toBe(false);
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    expect((await getHostClass("e2e_workers")).title).toBe("E2E workers, v2");
  }, 240_000);

  it("refuses an existing host class with the import option to use, then adopts it with import", async () => {
    await client.call(HostClasses.method.create, { object: { id: "e2e_legacy", title: "Made by hand" } });
    const settings = { adopt: false };
    const adoptProgram = async () => {
      const h = new HostClass("legacy", { hostClassId: "e2e_legacy", title: "Legacy hosts" }, settings.adopt ? { import: "e2e_legacy" } : {});
      return { id: h.hostClassId };
    };
    const adopt = await inlineStack(t, adoptProgram, { project: "host-class-adopt" });
    await configure(adopt);
    const refused = await adopt.up().catch((e: Error) => String(e));
    expect(refused).toContain(`host class 'e2e_legacy' already exists`);
    expect(refused).toContain(`{ import: "e2e_legacy" }`);

    settings.adopt = true;
    const before = hostClassIds().length;
    const up = await adopt.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    expect(up.outputs.id.value).toBe("e2e_legacy");
    expect(hostClassIds()).toHaveLength(before); // taken over, not created
    expect((await getHostClass("e2e_legacy")).title).toBe("Legacy hosts");
    await adopt.preview({ expectNoChanges: true });

    // A read-only lookup by id.
    const lookup = await inlineStack(t, async () => ({ title: HostClass.get("looked-up", "e2e_legacy").title }), { project: "host-class-lookup" });
    await configure(lookup);
    expect((await lookup.up()).outputs.title.value).toBe("Legacy hosts");
    await lookup.destroy();
    expect(hostClassIds()).toContain("e2e_legacy"); // a lookup never deletes

    await adopt.destroy();
    await settle();
    await expect(getHostClass("e2e_legacy")).rejects.toThrow(/NOT_FOUND/);
  }, 240_000);

  it("destroys the template and the host class, leaving the service's own host classes", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    await settle();
    await expect(getHostClass("e2e_workers")).rejects.toThrow(/NOT_FOUND/);
    expect(hostClassIds().filter((id) => id.startsWith("e2e_"))).toEqual([]);
    expect(sim.snapshot().templates.map((x: any) => x.id)).not.toContain("e2e_hc_small");
    expect(hostClassIds()).toEqual(expect.arrayContaining(["acme_1tib", "acme_gpu"]));
  }, 240_000);
});

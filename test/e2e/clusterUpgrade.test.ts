// Cluster versions and upgrades on the osac simulator, through the real Pulumi CLI: an admin
// publishes versions (ClusterVersion, server-chosen ids), a cluster's releaseImage change is
// an upgrade in place that `up` waits out, and preview refuses an upgrade the current
// version's allowedUpgrades do not list, naming both versions. Auth is OAuth client
// credentials against the simulator's https issuer (its CA as fulfillment:caFile).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { unreachableHubKubeconfig } from "../helpers/fixtures";
// The built package, as a user's program loads it.
import { Cluster, ClusterVersion, Hub } from "pulumi-fulfillment";

const SECRET = "upgrade-admin-secret-6d2e9f1a";
const image = (v: string) => `quay.io/openshift-release-dev/ocp-release:${v}-x86_64`;

function program(releaseVersion: string) {
  return async () => {
    const hub = new Hub("hub", { hubId: "upgrade-hub", kubeconfig: unreachableHubKubeconfig("hub-token-upgrade-1234", "orders"), namespace: "orders" });
    const v19 = new ClusterVersion("v4-19", { version: "4.19.0", image: image("4.19.0") });
    const v18 = new ClusterVersion("v4-18", { version: "4.18.0", image: image("4.18.0") });
    const v17 = new ClusterVersion("v4-17", { version: "4.17.0", image: image("4.17.0"), default: true, allowedUpgrades: [v18.name] });
    const cluster = new Cluster("web", { template: "sim_small", name: "web", releaseImage: image(releaseVersion) }, { dependsOn: [hub, v17, v18, v19] });
    return { id: cluster.clusterId, state: cluster.state, v17Name: v17.name, v17Id: v17.clusterVersionId };
  };
}

describe("cluster versions and upgrades (osac)", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let stack: Stack;
  const lines: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({
      api: "osac",
      hubs: "simulated",
      seed: "catalog",
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      deletionDelayMs: 50,
      osac: { issuer: { clients: [{ clientId: "admin-pipeline", clientSecret: SECRET, claims: { groups: ["admins"] } }] } },
    });
    t = createTestPulumi("cluster-upgrade");
    const root = path.dirname(t.workDir);
    fs.writeFileSync(path.join(root, "issuer-ca.pem"), sim.issuer!.caPem);
    fs.mkdirSync(path.join(root, "config"), { recursive: true });
    Object.assign(t.envVars, { XDG_CONFIG_HOME: path.join(root, "config"), OSAC_CONFIG: path.join(root, "no-osac") });
    stack = await inlineStack(t, program("4.17.0"), { project: "upgrade" });
    await stack.setAllConfig({
      "fulfillment:address": { value: sim.address },
      "fulfillment:plaintext": { value: "true" },
      // With client credentials the CA serves the https issuer, also over a plaintext channel.
      "fulfillment:caFile": { value: path.join(root, "issuer-ca.pem") },
      "fulfillment:clientId": { value: "admin-pipeline" },
      "fulfillment:clientSecret": { value: SECRET, secret: true },
    });
  });

  afterAll(async () => {
    await sim?.stop();
    t?.dispose();
  });

  it("publishes versions and orders a cluster at 4.17.0", async () => {
    const up = await stack.up({ onOutput: (line) => lines.push(line) });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.state.value).toBe("READY");
    expect(up.outputs.v17Name.value).toBe("4-17-0-e769");
    expect(up.outputs.v17Id.value).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);

  it("an allowed upgrade (4.17.0 → 4.18.0) is an update in place that converges to READY", async () => {
    const before = (await stack.outputs()).id.value as string;
    const upgraded = await inlineStack(t, program("4.18.0"), { project: "upgrade" });
    const preview = await upgraded.preview();
    expect(preview.changeSummary.update).toBe(1);
    expect(preview.changeSummary.replace ?? 0).toBe(0);
    const up = await upgraded.up({ onOutput: (line) => lines.push(line) });
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.id.value).toBe(before);
    expect(up.outputs.state.value).toBe("READY");
    expect(lines.join("")).toContain(`upgrading to ${image("4.18.0")}; waiting until it is READY again`);
    const stored = sim.snapshot().clusters as Array<{ id: string; spec?: { releaseImage?: string } }>;
    expect(stored.find((c) => c.id === before)?.spec?.releaseImage).toBe(image("4.18.0"));
  }, 120_000);

  it("preview refuses an upgrade the current version does not allow, naming both versions", async () => {
    const refused = await inlineStack(t, program("4.19.0"), { project: "upgrade" });
    const error = await refused.preview().catch((e: Error) => e);
    expect(String(error)).toContain("releaseImage: an upgrade from cluster version 4.18.0 ('4-18-0-");
    expect(String(error)).toContain("to 4.19.0 ('4-19-0-");
    expect(String(error)).toContain("is not allowed: 4.18.0 allows upgrades only to no version");
    const back = await inlineStack(t, program("4.18.0"), { project: "upgrade" });
    expect((await back.destroy()).summary.result).toBe("succeeded");
    expect(String(lines.join(""))).not.toContain(SECRET);
  }, 120_000);
});

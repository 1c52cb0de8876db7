// examples/dev-hub with the pulumi CLI against a real kube-apiserver and the simulator:
// the hub is bootstrapped and registered, the ordered cluster's ClusterOrder appears in
// the hub's namespace, and destroy removes the order and everything the example made.
import { pollUntil } from "../helpers/grpcRaw";
import { snapshotOf } from "../helpers/snapshot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { copyExample, pulumiCli } from "../helpers/cliProject";
import { getObject, kubectl } from "./kubeTestUtils";

describe("examples/dev-hub", () => {
  let kube: LocalKube;
  let sim: Simulator;
  let t: TestPulumi;

  beforeAll(async () => {
    kube = await startLocalKube();
    sim = await startSimulator({ api: "innabox", controllerDelayMs: 20, provisioningDelayMs: 500, deletionDelayMs: 50 });
    t = createTestPulumi("dev-hub");
  });
  afterAll(async () => {
    await sim?.stop();
    await kube?.stop();
    t?.dispose();
  });

  it("bootstraps a hub, orders a cluster whose ClusterOrder lands in the hub, and destroys cleanly", async () => {
    const dir = copyExample(t, "dev-hub");
    const pulumi = pulumiCli(dir, { ...t.envVars, FULFILLMENT_ADDRESS: sim.address, FULFILLMENT_PLAINTEXT: "true", KUBECONFIG: "" } as NodeJS.ProcessEnv);
    await pulumi("stack", "init", "dev");
    await pulumi("config", "set", "adminKubeconfigPath", kube.kubeconfigPath);
    await pulumi("up", "--yes");
    const outputs = JSON.parse(await pulumi("stack", "output", "--json"));
    expect(outputs.hubId).toBe("dev-hub");
    expect(outputs.clusterHub).toBe("dev-hub");
    expect(outputs.apiUrl).toMatch(/^https:\/\/api\.dev\./);
    expect(Date.parse(outputs.hubTokenExpiry)).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const orders = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", "cloudkit-orders"]);
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0].metadata.labels["cloudkit.openshift.io/clusterorder-uuid"]).toBe(outputs.clusterId);
    // The example's own template and host class: the simulator starts with the real server's seed only.
    expect(orders.items[0].spec.templateID).toBe("example_small");
    expect(orders.items[0].spec.nodeRequests).toEqual([{ resourceClass: "example_workers", numberOfNodes: 2 }]);

    await pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview");
    await pulumi("destroy", "--yes", "--skip-preview");
    // Deleted hubs, templates and host classes linger for the deletion delay (50 ms) before they are gone.
    await pollUntil(async () => snapshotOf(sim), (now) => now.hubs.length === 0 && now.clusters.length === 0, { timeoutMs: 5_000 });
    expect(snapshotOf(sim).clusters).toHaveLength(0);
    expect(snapshotOf(sim).hubs).toHaveLength(0);
    expect(snapshotOf(sim).templates.filter((x) => x.id === "example_small" && !x.metadata?.deletionTimestamp)).toEqual([]);
    expect(snapshotOf(sim).hostClasses.filter((h) => h.id === "example_workers" && !h.metadata?.deletionTimestamp)).toEqual([]);
    const namespace = await kubectl(kube.adminKubeconfig, ["get", "namespace", "cloudkit-orders", "-o", "jsonpath={.status.phase}"]);
    // Deleted, or still terminating while the namespace controller finishes.
    expect(namespace.code !== 0 || namespace.stdout === "Terminating").toBe(true);
  }, 300_000);
});

// HubBootstrap and ClusterOrderCrd as the provider plugin's components, from Pulumi YAML:
// a real kube-apiserver (+ controller manager) becomes an osac hub, a cluster is ordered on
// it (its ClusterOrder lands on that API server), preview is clean, destroy leaves nothing,
// and neither the admin kubeconfig (read from a file in plain text) nor the hub's token is
// readable in the state.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { backendFiles, createTestPulumi, type TestPulumi } from "../helpers/pulumi";
import { pulumiCli } from "../helpers/cliProject";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { ensureFulfillmentPlugin, writeYamlProject, pluginEnv } from "../helpers/pluginProject";
import { KubeHubOrders } from "../../simulator/kubeHubOrders";
import { filesContaining, getObject, requireBuilt } from "./kubeTestUtils";

const NS = "cloudkit-orders";
const HUB = "plugin-kube-hub";
const READER = `fulfillment-hub:${NS}:fulfillment-hub:hosted-cluster-reader`;

const PROGRAM = {
  // Read in plain text, not as a secret: the schema marks the components' credentials secret.
  variables: { adminKubeconfig: { "fn::readFile": "./admin.kubeconfig" } },
  resources: {
    orders: { type: "fulfillment:index:ClusterOrderCrd", properties: { kubeconfig: "${adminKubeconfig}", generation: "osac" } },
    bootstrap: {
      type: "fulfillment:index:HubBootstrap",
      properties: { adminKubeconfig: "${adminKubeconfig}", hubId: HUB, generation: "osac", token: { kind: "request", lifetime: "1h" }, hubLabels: { site: "loopback" } },
      options: { dependsOn: ["${orders}"] },
    },
    dev: { type: "fulfillment:index:Cluster", properties: { template: "sim_small" }, options: { dependsOn: ["${bootstrap}"] } },
  },
  outputs: { hubId: "${bootstrap.hubId}", hubKubeconfig: "${bootstrap.kubeconfig}", crdName: "${orders.crdName}", clusterId: "${dev.clusterId}", state: "${dev.state}" },
};

interface StateResource {
  urn: string;
  type: string;
  parent?: string;
}

describe("provider plugin: HubBootstrap and ClusterOrderCrd components from Pulumi YAML on a real Kubernetes API server", () => {
  let kube: LocalKube;
  let g: GenerationSimulator;
  let t: TestPulumi;

  beforeAll(async () => {
    requireBuilt(["plugin/construct", "plugin/components", "components/hubBootstrap", "components/kube/tokenProvider", "components/kube/kubeconfigProvider"]);
    ensureFulfillmentPlugin();
    kube = await startLocalKube();
    g = await startGenerationSimulator("osac", { provisioningDelayMs: 300, deletionDelayMs: 100, hubOrders: new KubeHubOrders({ generation: "osac" }) });
    t = createTestPulumi("plugin-kube-hub");
  }, 240_000);

  afterAll(async () => {
    await g?.close();
    await kube?.stop();
    t?.dispose();
  });

  it("up reaches READY with the ClusterOrder on the hub, preview is clean, destroy leaves no objects, no credential in the state", async () => {
    const env = pluginEnv(t, { address: g.sim.address, token: g.adminToken, api: "osac" });
    const admin = kube.adminKubeconfig;
    const dir = writeYamlProject(t, "plugin-kube-hub", PROGRAM);
    const pulumi = pulumiCli(dir, env);
    await pulumi("stack", "init", "dev");
    fs.writeFileSync(path.join(dir, "admin.kubeconfig"), admin, { mode: 0o600 });
    // A first preview constructs the components too (outputs unknown, nothing created).
    const preview = await pulumi("preview");
    expect(preview).toMatch(/\+\s+fulfillment:index:HubBootstrap\s+bootstrap\s+create/);
    expect(preview).toMatch(/\+\s+fulfillment:index:ServiceAccountToken\s+bootstrap-token\s+create/);
    expect(preview).toMatch(/\+\s+kubernetes:apiextensions.k8s.io\/v1:CustomResourceDefinition\s+orders-crd\s+create/);
    expect(await getObject(admin, ["namespace", NS])).toBeUndefined();
    await pulumi("up", "--yes", "--skip-preview");

    const outputs = JSON.parse(await pulumi("stack", "output", "--json", "--show-secrets")) as Record<string, string>;
    expect(outputs).toMatchObject({ hubId: HUB, crdName: "clusterorders.osac.openshift.io", state: "READY" });
    const hubToken = /token: "?([^"\s]+)"?/.exec(outputs.hubKubeconfig)?.[1] ?? "";
    expect(hubToken.length).toBeGreaterThan(20);
    expect(outputs.hubKubeconfig).not.toContain(kube.adminToken);
    // The service registered the component's minimal kubeconfig, and ordered the cluster on that hub.
    expect((await g.api.hubs.get(HUB))?.kubeconfig).toBe(outputs.hubKubeconfig);
    const orders = await getObject(admin, ["clusterorders.osac.openshift.io", "-n", NS]);
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0].metadata.labels).toEqual({ "osac.openshift.io/clusterorder-uuid": outputs.clusterId });

    // Children of the components, each under its own.
    const exported = JSON.parse(await pulumi("stack", "export")) as { deployment: { resources: StateResource[] } };
    const resources = exported.deployment.resources;
    const component = (type: string) => resources.find((r) => r.type === type)!;
    const bootstrap = component("fulfillment:index:HubBootstrap");
    const crd = component("fulfillment:index:ClusterOrderCrd");
    expect(bootstrap && crd).toBeTruthy();
    const childrenOf = (parent: StateResource) => resources.filter((r) => r.parent === parent.urn).map((r) => r.type).sort();
    expect(childrenOf(bootstrap)).toEqual(
      [
        "fulfillment:index:Hub",
        "fulfillment:index:HubKubeconfig",
        "fulfillment:index:ServiceAccountToken",
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "kubernetes:rbac.authorization.k8s.io/v1:Role",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        "pulumi:providers:kubernetes",
      ].sort(),
    );
    expect(childrenOf(crd)).toEqual(["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "pulumi:providers:kubernetes"]);
    expect(component("fulfillment:index:Cluster").parent).not.toBe(bootstrap.urn);

    // Neither the admin credentials nor the hub's token nor the kubeconfigs in clear.
    expect(filesContaining(backendFiles(t), [kube.adminToken, hubToken, admin, outputs.hubKubeconfig])).toEqual([]);

    await pulumi("preview", "--expect-no-changes");

    await pulumi("destroy", "--yes", "--skip-preview");
    expect(g.sim.snapshot().clusters).toHaveLength(0);
    expect(await g.api.hubs.get(HUB)).toBeUndefined();
    const namespace = await getObject(admin, ["namespace", NS]);
    // Gone, or still terminating while the namespace controller empties it.
    expect(namespace === undefined || namespace.status?.phase === "Terminating").toBe(true);
    expect(await getObject(admin, ["crd", "clusterorders.osac.openshift.io"])).toBeUndefined();
    expect(await getObject(admin, ["clusterrole", READER])).toBeUndefined();
    expect(await getObject(admin, ["clusterrolebinding", READER])).toBeUndefined();
    const after = JSON.parse(await pulumi("stack", "export")) as { deployment: { resources?: StateResource[] } };
    expect(after.deployment.resources ?? []).toEqual([]);
  }, 600_000);
});

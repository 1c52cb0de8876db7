// Several hubs, one host class, one template on it and clusters of different sizes. The
// service places each cluster on a hub of its choice; the `hub` output shows where it landed.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterOrderCrd, ClusterTemplate, HostClass, Hub, HubBootstrap } from "pulumi-fulfillment";

const config = new pulumi.Config();
const hubCount = config.getNumber("hubs") ?? 2;

// With a real API server's admin kubeconfig (`make demo` starts a local one), each hub is
// bootstrapped for real: CRD, namespace, service account, RBAC, token, registration, and
// the service's ClusterOrders show up there. Without one, hubs are registered with a
// placeholder kubeconfig, which only a simulator that plays the hubs itself
// (`fulfillment-simulator --hubs simulated`) provisions clusters on: a real service (and
// the simulator's default) holds clusters back until their hub takes the ClusterOrder.
const kubeconfigPath = config.get("hubKubeconfigPath") ?? process.env.DEMO_HUB_KUBECONFIG;
// The ClusterOrder CRD: a bare API server needs it. An existing one is adopted (taken over,
// and left in place on destroy); on a hub whose operator installed it, set installCrd false.
const installCrd = config.getBoolean("installCrd") ?? true;
// Which generation's ClusterOrders the hubs get (osac.openshift.io or cloudkit.openshift.io):
// the connection's `api` setting, today's osac unless it says innabox.
const generation = (new pulumi.Config("fulfillment").get("api") ?? process.env.FULFILLMENT_API) === "innabox" ? "innabox" : "osac";

function registerHubs(): pulumi.Resource[] {
  if (kubeconfigPath) {
    const adminKubeconfig = pulumi.secret(fs.readFileSync(kubeconfigPath, "utf8"));
    const crd = installCrd ? new ClusterOrderCrd("cluster-orders", { kubeconfig: adminKubeconfig, generation }) : undefined;
    return Array.from(
      { length: hubCount },
      (_, i) =>
        new HubBootstrap(
          `hub-${i + 1}`,
          {
            adminKubeconfig,
            hubId: `demo-hub-${i + 1}`,
            namespace: `orders-${i + 1}`,
            serviceAccountName: `fulfillment-hub-${i + 1}`,
            hubLabels: { region: i % 2 === 0 ? "east" : "west" },
            generation,
          },
          { dependsOn: crd ? [crd] : [] },
        ),
    );
  }
  const placeholder = `apiVersion: v1
kind: Config
clusters: [{ name: hub, cluster: { server: "https://hub.example.invalid:6443" } }]
contexts: [{ name: hub, context: { cluster: hub, user: hub } }]
current-context: hub
users: [{ name: hub, user: { token: "example-token" } }]
`;
  return Array.from(
    { length: hubCount },
    (_, i) =>
      new Hub(`hub-${i + 1}`, {
        hubId: `demo-hub-${i + 1}`,
        kubeconfig: placeholder,
        namespace: `orders-${i + 1}`,
        labels: { region: i % 2 === 0 ? "east" : "west" },
      }),
  );
}

const hubs = registerHubs();

// The service starts without host classes, and its one seeded template has no node sets:
// the example creates the host class and the template it orders (both take an admin token).
const hostClass = new HostClass("workers", {
  hostClassId: config.get("hostClassId") ?? "demo_workers",
  title: "1 TiB workers",
  description: "Worker hosts with 1 TiB of memory.",
});

const template = new ClusterTemplate("standard", {
  templateId: config.get("templateId") ?? "demo_standard",
  title: "Standard OpenShift cluster",
  description: "OpenShift 4.17 with **workers** on 1 TiB hosts. Set `ha` for three control-plane nodes.",
  parameters: [
    { name: "ha", title: "High availability", type: "bool", default: false },
    { name: "release", title: "OpenShift release", type: "string", default: "4.17.0" },
  ],
  // The host class's output: Pulumi creates the host class before the template.
  nodeSets: { workers: { hostClass: hostClass.hostClassId, size: 2 } },
});

const sizes: Record<string, number> = config.getObject("clusters") ?? { small: 2, medium: 3, large: 5 };
const clusters = Object.entries(sizes).map(
  ([name, workers]) =>
    new Cluster(
      name,
      {
        template: template.templateId,
        name,
        templateParameters: { ha: workers >= 5 },
        nodeSets: { workers: { size: workers } },
        labels: { example: "multi-cluster", size: name },
      },
      { dependsOn: hubs },
    ),
);

export const hubIds = hubs.map((h) => (h as Hub | HubBootstrap).hubId);
export const clusterSummaries = clusters.map((c) =>
  pulumi.all([c.name, c.clusterId, c.state, c.hub, c.apiUrl, c.observedNodeSets]).apply(([name, id, state, hub, apiUrl, nodeSets]) => ({
    name,
    id,
    state,
    hub,
    apiUrl,
    workers: nodeSets.workers?.size,
  })),
);
export const firstClusterKubeconfig = clusters[0].kubeconfig;

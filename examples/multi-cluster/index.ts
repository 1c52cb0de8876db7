// Several hubs, one template and clusters of different sizes. The service places each
// cluster on a hub of its choice; the `hub` output shows where it landed.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterOrderCrd, ClusterTemplate, Hub, HubBootstrap } from "pulumi-fulfillment";

const config = new pulumi.Config();
const hubCount = config.getNumber("hubs") ?? 2;

// With a real API server's admin kubeconfig (`make demo` starts a local one), each hub is
// bootstrapped for real: CRD, namespace, service account, RBAC, token, registration, and
// the service's ClusterOrders show up there. Without one, hubs are registered with a
// placeholder kubeconfig: the simulator provisions anyway and says in each cluster's
// PROGRESSING condition that it could not place a ClusterOrder.
const kubeconfigPath = config.get("hubKubeconfigPath") ?? process.env.DEMO_HUB_KUBECONFIG;

function registerHubs(): pulumi.Resource[] {
  if (kubeconfigPath) {
    const adminKubeconfig = pulumi.secret(fs.readFileSync(kubeconfigPath, "utf8"));
    const crd = new ClusterOrderCrd("cluster-orders", { kubeconfig: adminKubeconfig });
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
          },
          { dependsOn: [crd] },
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

const template = new ClusterTemplate("standard", {
  templateId: "demo_standard",
  title: "Standard OpenShift cluster",
  description: "OpenShift 4.17 with **workers** on 1 TiB hosts. Set `ha` for three control-plane nodes.",
  parameters: [
    { name: "ha", title: "High availability", type: "bool", default: false },
    { name: "release", title: "OpenShift release", type: "string", default: "4.17.0" },
  ],
  nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
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

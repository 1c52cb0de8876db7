// One Kubernetes cluster becomes a hub: the ClusterOrder CRD (for a bare API server),
// a namespace, a service account with least-privilege RBAC, a 24h token that `pulumi up`
// renews, a minimal kubeconfig proven to work, and the hub's registration. Then a host
// class and a template on it are created, and a cluster is ordered from that template;
// the service places its ClusterOrder in the hub.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterOrderCrd, ClusterTemplate, HostClass, HubBootstrap } from "pulumi-fulfillment";

const config = new pulumi.Config();
const adminKubeconfigPath =
  config.get("adminKubeconfigPath") ?? process.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(os.homedir(), ".kube", "config");
if (!fs.existsSync(adminKubeconfigPath)) {
  throw new Error(
    `dev-hub: no admin kubeconfig at ${adminKubeconfigPath}; set it with 'pulumi config set adminKubeconfigPath <file>' ` +
      `or KUBECONFIG (for a local API server: scripts/local-kube.sh start)`,
  );
}
const adminKubeconfig = pulumi.secret(fs.readFileSync(adminKubeconfigPath, "utf8"));

// Only a bare API server needs the CRD; a real hub has it from its operator.
const crd = config.getBoolean("installCrd") !== false ? new ClusterOrderCrd("cluster-orders", { kubeconfig: adminKubeconfig }) : undefined;

const hub = new HubBootstrap(
  "dev-hub",
  {
    adminKubeconfig,
    hubId: config.get("hubId") ?? "dev-hub",
    namespace: config.get("namespace") ?? "cloudkit-orders",
    token: { kind: "request", lifetime: config.get("tokenLifetime") ?? "24h", renewBefore: 0.25 },
  },
  { dependsOn: crd ? [crd] : [] },
);

// What the cluster is made of. A fresh fulfillment service has no host classes, and its
// one seeded template (`ocp_4_17_small`) has no node sets, so the example brings its own;
// writing them takes an admin token, like registering the hub. Set `template` to order a
// template the service already has instead (it must have a `workers` node set).
const existingTemplate = config.get("template");
let templateId: pulumi.Input<string>;
if (existingTemplate) {
  templateId = existingTemplate;
} else {
  const hostClass = new HostClass("workers", {
    hostClassId: config.get("hostClassId") ?? "example_workers",
    title: "Example workers",
    description: "Hosts for the workers of the **dev-hub** example's clusters.",
  });
  const template = new ClusterTemplate("small", {
    templateId: config.get("templateId") ?? "example_small",
    title: "Example cluster, small",
    description: "A hosted control plane with two workers on the example's host class.",
    parameters: [
      { name: "ha", title: "Highly available control plane", type: "bool", default: false },
      { name: "release", title: "OpenShift release", type: "string", default: "4.17.0" },
    ],
    // The host class's output: Pulumi creates the host class first (and deletes it last).
    nodeSets: { workers: { hostClass: hostClass.hostClassId, size: 2 } },
  });
  // The template's output, so Pulumi creates the template before the cluster.
  templateId = template.templateId;
}

const cluster = new Cluster(
  "dev",
  {
    template: templateId,
    name: "dev",
    nodeSets: { workers: { size: config.getNumber("workers") ?? 2 } },
    labels: { example: "dev-hub" },
  },
  { dependsOn: [hub] },
);

export const hubId = hub.hubId;
export const hubTokenExpiry = hub.tokenExpiry;
export const clusterId = cluster.clusterId;
export const clusterHub = cluster.hub;
export const apiUrl = cluster.apiUrl;
export const consoleUrl = cluster.consoleUrl;
export const kubeconfig = cluster.kubeconfig; // secret

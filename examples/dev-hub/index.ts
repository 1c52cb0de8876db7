// One Kubernetes cluster becomes a hub: the ClusterOrder CRD (for a bare API server),
// a namespace, a service account with least-privilege RBAC, a 24h token that `pulumi up`
// renews, a minimal kubeconfig proven to work, and the hub's registration. Then a
// cluster is ordered; the service places its ClusterOrder in the hub.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterOrderCrd, HubBootstrap } from "pulumi-fulfillment";

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

const cluster = new Cluster(
  "dev",
  {
    template: config.get("template") ?? "ocp_4_17_small",
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

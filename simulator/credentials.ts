// What the hub's HostedCluster secrets would hold once a cluster is READY: an admin
// kubeconfig with a bearer token, and the kubeadmin password.
import { randomBytes, randomInt } from "node:crypto";
import { stringify } from "yaml";

export function generateKubeconfig(clusterName: string, apiUrl: string): string {
  const token = `sha256~${randomBytes(32).toString("base64url")}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: apiUrl, "insecure-skip-tls-verify": true } }],
    users: [{ name: "admin", user: { token } }],
    contexts: [{ name: "admin", context: { cluster: clusterName, user: "admin", namespace: "default" } }],
    "current-context": "admin",
    preferences: {},
  });
}

const ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/** Shaped like an OpenShift kubeadmin password: four dash-separated groups of five. */
export function generatePassword(): string {
  const group = (): string => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return [group(), group(), group(), group()].join("-");
}

/**
 * A hub kubeconfig whose API server does not exist (port 1 on loopback): enough for the
 * service to register the hub and land clusters on it; the simulator provisions anyway
 * and notes in the PROGRESSING condition that no ClusterOrder could be placed.
 */
export function unreachableHubKubeconfig(token: string, namespace?: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: hub
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: hub
  context: { cluster: hub, user: admin${namespace ? `, namespace: ${namespace}` : ""} }
current-context: hub
users:
- name: admin
  user:
    token: ${token}
`;
}

// Components and Kubernetes resources (re-exported by the package entry).
export {
  HubBootstrap,
  DEFAULT_HUB_NAMESPACE,
  DEFAULT_SERVICE_ACCOUNT,
  leastPrivilegeRules,
  requiredAccess,
  type HubBootstrapArgs,
  type HubTokenArgs,
} from "./hubBootstrap";
export {
  ClusterOrderCrd,
  clusterOrderCrdSpec,
  CLUSTER_ORDER_CRD_NAME,
  CLUSTER_ORDER_UUID_LABEL,
  type ClusterOrderCrdArgs,
} from "./clusterOrderCrd";
export { ServiceAccountToken, HubKubeconfig, type ServiceAccountTokenArgs, type HubKubeconfigArgs } from "./kube/resources";

// The package's public entry: resources, components, the client layer, the simulator and automation.
export { Cluster, type ClusterArgs, type ClusterNodeSetArgs, type ClusterTimeouts } from "./resources/cluster";
export { ClusterTemplate, type ClusterTemplateArgs, type TemplateParameterArgs } from "./resources/clusterTemplate";
export { ClusterCatalogItem, type ClusterCatalogItemArgs, type FieldDefinitionArgs } from "./resources/clusterCatalogItem";
export { HostClass, type HostClassArgs } from "./resources/hostClass";
export { Hub, type HubArgs } from "./resources/hub";
export { getProject, type GetProjectArgs, type Project } from "./resources/project";
export { ClusterVersion, getClusterVersion, type ClusterVersionArgs, type GetClusterVersionArgs } from "./resources/clusterVersion";
export type { ConnectionArgs } from "./toolkit/connectionArgs";
export * from "./components";

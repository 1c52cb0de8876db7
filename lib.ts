// The package's public entry: resources, components, the client layer, the simulator and automation.
export { Cluster, type ClusterArgs, type ClusterNodeSetArgs, type ClusterTimeouts } from "./provider/resources/cluster";
export { ClusterTemplate, type ClusterTemplateArgs, type TemplateParameterArgs } from "./provider/resources/clusterTemplate";
export { HostClass, type HostClassArgs } from "./provider/resources/hostClass";
export { Hub, type HubArgs } from "./provider/resources/hub";
export type { ConnectionArgs } from "./provider/resources/connectionArgs";
export * from "./components";

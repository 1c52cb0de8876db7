// Cluster-specific rules on top of the generic CRUD: template validation and
// defaulting on create, immutables on update, controller wake-ups, and credentials.
import { create, equals } from "@bufbuild/protobuf";
import { ClusterSpecSchema, ClusterState } from "../../proto/gen/private/v1/cluster_type_pb";
import { ClusterSchema as PublicClusterSchema } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { Clusters as PublicClusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { HttpBodySchema } from "../../proto/gen/google/api/httpbody_pb";
import { internal, invalidArgument, notFound } from "../errors";
import { checkClusterUpdate, prepareClusterCreate } from "../validation";
import { crudHandlers, privateView, publicView, type Env, type Handlers, type Hooks } from "./crud";

const hooks: Hooks<"clusters"> = {
  prepareCreate(env, cluster, view) {
    // Status belongs to the controller; a public client cannot even express finalizers.
    if (view.isPublic) cluster.status = undefined;
    prepareClusterCreate(env.store, cluster);
  },
  checkUpdate(_env, current, request, merged, paths) {
    checkClusterUpdate(current, request, merged, paths);
  },
  afterCreate(env, cluster) {
    env.controller.kick(cluster.id);
  },
  afterUpdate(env, before, after) {
    const specChanged = !equals(ClusterSpecSchema, before.spec ?? create(ClusterSpecSchema), after.spec ?? create(ClusterSpecSchema));
    if (specChanged && after.status?.state === ClusterState.PROGRESSING) env.store.runtimeOf(after.id).orderDirty = true;
    env.controller.kick(after.id);
  },
  afterDelete(env, id) {
    env.controller.kick(id);
  },
  afterSignal(env, id) {
    env.controller.kick(id);
  },
};

export function privateClusterHandlers(env: () => Env): Handlers {
  return crudHandlers(PrivateClusters, "clusters", privateView("clusters"), hooks, env);
}

export function publicClusterHandlers(env: () => Env): Handlers {
  const handlers = crudHandlers(PublicClusters, "clusters", publicView("clusters", PublicClusterSchema), hooks, env);

  // The real server reads these from the hub's HostedCluster secrets; here the
  // controller keeps them in the cluster's runtime once the cluster is READY.
  const secret = (id: string, which: "kubeconfig" | "password"): string => {
    if (id === "") throw invalidArgument("identifier is mandatory");
    const { store } = env();
    if (!store.clusters.has(id)) throw internal(`failed to get ${which} for cluster with identifier '${id}'`);
    const value = store.runtime.get(id)?.[which];
    if (value === undefined) {
      throw notFound(
        which === "kubeconfig"
          ? `kubeconfig for cluster with identifier '${id}' isn't yet available`
          : `password for cluster with identifier '${id}' isn't available yet`,
      );
    }
    return value;
  };
  const idOf = (request: unknown): string => (request as { id: string }).id;
  const output = (name: string) => PublicClusters.methods.find((method) => method.name === name)!.output;

  handlers.GetKubeconfig = (request) => create(output("GetKubeconfig"), { kubeconfig: secret(idOf(request), "kubeconfig") });
  handlers.GetKubeconfigViaHttp = (request) =>
    create(HttpBodySchema, { contentType: "application/yaml", data: Buffer.from(secret(idOf(request), "kubeconfig")) });
  handlers.GetPassword = (request) => create(output("GetPassword"), { password: secret(idOf(request), "password") });
  handlers.GetPasswordViaHttp = (request) =>
    create(HttpBodySchema, { contentType: "text/plain", data: Buffer.from(secret(idOf(request), "password")) });
  return handlers;
}

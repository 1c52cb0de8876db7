// The osac services the simulator serves, on the osac generic server: public and private
// Clusters (plus kubeconfig/password), ClusterTemplates, HostTypes, ClusterCatalogItems, private Hubs, and the
// public and private Capabilities, the public JsonWebKeySet, public Projects and Tenants, and public and private Events.
import { generateKeyPairSync } from "node:crypto";
import { create, equals, type Message } from "@bufbuild/protobuf";
import { exportJWK, calculateJwkThumbprint } from "jose";
import { Clusters as PublicClusters } from "../../proto/gen/osac/public/v1/clusters_service_pb";
import { ClusterSchema as PublicClusterSchema } from "../../proto/gen/osac/public/v1/cluster_type_pb";
import { ClusterTemplates as PublicTemplates } from "../../proto/gen/osac/public/v1/cluster_templates_service_pb";
import { ClusterTemplateSchema as PublicTemplateSchema } from "../../proto/gen/osac/public/v1/cluster_template_type_pb";
import { HostTypes as PublicHostTypes } from "../../proto/gen/osac/public/v1/host_types_service_pb";
import { HostTypeSchema as PublicHostTypeSchema } from "../../proto/gen/osac/public/v1/host_type_type_pb";
import { Capabilities as PublicCapabilities } from "../../proto/gen/osac/public/v1/capabilities_service_pb";
import { JsonWebKeySet } from "../../proto/gen/osac/public/v1/json_web_key_set_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/osac/private/v1/clusters_service_pb";
import { ClusterSpecSchema, ClusterState, ClusterStatusSchema, type Cluster } from "../../proto/gen/osac/private/v1/cluster_type_pb";
import { ClusterTemplates as PrivateTemplates } from "../../proto/gen/osac/private/v1/cluster_templates_service_pb";
import { HostTypes as PrivateHostTypes } from "../../proto/gen/osac/private/v1/host_types_service_pb";
import { Hubs } from "../../proto/gen/osac/private/v1/hubs_service_pb";
import { ClusterCatalogItems as PublicCatalogItems } from "../../proto/gen/osac/public/v1/cluster_catalog_items_service_pb";
import { ClusterCatalogItemSchema as PublicCatalogItemSchema } from "../../proto/gen/osac/public/v1/cluster_catalog_item_type_pb";
import { ClusterCatalogItems as PrivateCatalogItems } from "../../proto/gen/osac/private/v1/cluster_catalog_items_service_pb";
import { Capabilities as PrivateCapabilities } from "../../proto/gen/osac/private/v1/capabilities_service_pb";
import { HttpBodySchema } from "../../proto/gen/google/api/httpbody_pb";
import { Events as PublicEvents } from "../../proto/gen/osac/public/v1/events_service_pb";
import { Events as PrivateEvents } from "../../proto/gen/osac/private/v1/events_service_pb";
import type { EventBus } from "../events";
import { osacEventsStreams } from "./events";
import { internal, invalidArgument, notFound } from "../errors";
import type { ServedApi } from "../server";
import type { Handlers } from "../services/crud";
import { checkClusterUpdate, keepRedacted, prepareClusterCreate, redactPullSecret } from "./clusterRules";
import { catalogItemHandlers, catalogItemHooks } from "./catalogItems";
import { osacHandlers, osacView, type OsacEnv, type OsacHooks } from "./generic";
import { osacCollections, osacSchemas } from "./model";
import { isVisible, type OsacSubject } from "./tenancy";
import { projectApis } from "./projects";
import { clusterVersionApis } from "./clusterVersions";

const asCluster = (object: unknown): Cluster => object as Cluster;

const clusterHooks: OsacHooks = {
  prepareCreate(env, object, view, caller) {
    const cluster = asCluster(object);
    // The public→private mapper ignores status: a new public cluster has `status: {}`.
    if (view.isPublic) cluster.status = create(ClusterStatusSchema);
    prepareClusterCreate(osacCollections(env.store), cluster, caller);
  },
  checkUpdate(_env, current, _requested, merged, paths) {
    checkClusterUpdate(asCluster(current), asCluster(merged), paths);
  },
  redact(object, view) {
    if (view.isPublic) redactPullSecret(object as { spec?: { pullSecret?: string } });
  },
  unredact(requested, current) {
    keepRedacted(asCluster(requested), asCluster(current));
  },
  afterCreate(env, object) {
    env.controller.kick(object.id);
  },
  afterUpdate(env, before, after) {
    const cluster = asCluster(after);
    const specChanged = !equals(ClusterSpecSchema, asCluster(before).spec ?? create(ClusterSpecSchema), cluster.spec ?? create(ClusterSpecSchema));
    const state = cluster.status?.state;
    // The osac controller keeps pushing the spec onto the ClusterOrder after READY too.
    if (specChanged && (state === ClusterState.PROGRESSING || state === ClusterState.READY) && env.store.clusters.has(cluster.id)) {
      env.store.runtimeOf(cluster.id).orderDirty = true;
    }
    env.controller.kick(cluster.id);
  },
  afterDelete(env, id) {
    env.controller.kick(id);
  },
  afterSignal(env, id) {
    env.controller.kick(id);
  },
};

const catalogHooks: OsacHooks = { publicIgnoresMask: true };

const hubHooks: OsacHooks = {
  afterCreate: (env) => env.controller.hubsChanged(),
  afterUpdate: (env) => env.controller.hubsChanged(),
};

/** clusters_server.go GetKubeconfig/GetPassword; the simulated hub keeps the secrets in the cluster's runtime. */
function credentialHandlers(env: () => OsacEnv): Handlers {
  const secret = (request: Message, subject: OsacSubject, which: "kubeconfig" | "password"): string => {
    const id = (request as unknown as { id: string }).id;
    if (id === "") throw invalidArgument("cluster identifier is mandatory");
    const { store } = env();
    const cluster = osacCollections(store).clusters.get(id);
    if (!cluster || !isVisible(subject, cluster.metadata?.tenant ?? "")) throw internal(`failed to get ${which} for cluster with identifier '${id}'`);
    const value = cluster.status?.hub ? store.runtime.get(id)?.[which] : undefined;
    if (value === undefined) {
      throw notFound(
        which === "kubeconfig"
          ? `kubeconfig for cluster with identifier '${id}' isn't yet available`
          : `password for cluster with identifier '${id}' isn't available yet`,
      );
    }
    return value;
  };
  const output = (name: string) => PublicClusters.methods.find((method) => method.name === name)!.output;
  return {
    GetKubeconfig: (request, subject) => create(output("GetKubeconfig"), { kubeconfig: secret(request, subject as OsacSubject, "kubeconfig") }),
    GetKubeconfigViaHttp: (request, subject) =>
      create(HttpBodySchema, { contentType: "application/yaml", data: Buffer.from(secret(request, subject as OsacSubject, "kubeconfig")) }),
    GetPassword: (request, subject) => create(output("GetPassword"), { password: secret(request, subject as OsacSubject, "password") }),
    GetPasswordViaHttp: (request, subject) =>
      create(HttpBodySchema, { contentType: "text/plain", data: Buffer.from(secret(request, subject as OsacSubject, "password")) }),
  };
}

/** The public part of the server's own token signer (console tickets), made on first use. */
function jsonWebKeySetHandlers(): Handlers {
  let body: Promise<string> | undefined;
  const jwks = async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    return JSON.stringify({ keys: [{ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "RS256", use: "sig" }] });
  };
  return { Get: async () => create(HttpBodySchema, { contentType: "application/json", data: Buffer.from(await (body ??= jwks())) }) };
}

export function osacApis(env: () => OsacEnv, trustedTokenIssuers: readonly string[], events: EventBus, log: (line: string) => void): ServedApi[] {
  const versionApis = clusterVersionApis(env);
  const capabilities = { Get: () => create(PublicCapabilities.method.get.output, { authn: { trustedTokenIssuers: [...trustedTokenIssuers] } }) };
  const privateCapabilities = { Get: () => create(PrivateCapabilities.method.get.output, { authn: { trustedTokenIssuers: [...trustedTokenIssuers] } }) };
  return [
    {
      service: PublicClusters,
      handlers: {
        ...osacHandlers(PublicClusters, "clusters", osacView(osacSchemas.clusters, PublicClusterSchema), clusterHooks, env),
        ...credentialHandlers(env),
      },
    },
    { service: PublicTemplates, handlers: osacHandlers(PublicTemplates, "templates", osacView(osacSchemas.templates, PublicTemplateSchema), catalogHooks, env) },
    { service: PublicHostTypes, handlers: osacHandlers(PublicHostTypes, "hostClasses", osacView(osacSchemas.hostClasses, PublicHostTypeSchema), catalogHooks, env) },
    {
      service: PublicCatalogItems,
      handlers: catalogItemHandlers(
        osacHandlers(PublicCatalogItems, "catalogItems", osacView(osacSchemas.catalogItems, PublicCatalogItemSchema), catalogItemHooks, env),
        env,
        true,
      ),
    },
    {
      service: PrivateCatalogItems,
      handlers: catalogItemHandlers(osacHandlers(PrivateCatalogItems, "catalogItems", osacView(osacSchemas.catalogItems), catalogItemHooks, env), env, false),
    },
    { service: PublicCapabilities, handlers: capabilities },
    { service: JsonWebKeySet, handlers: jsonWebKeySetHandlers() },
    { service: Hubs, handlers: osacHandlers(Hubs, "hubs", osacView(osacSchemas.hubs), hubHooks, env) },
    { service: PrivateClusters, handlers: osacHandlers(PrivateClusters, "clusters", osacView(osacSchemas.clusters), clusterHooks, env) },
    { service: PrivateTemplates, handlers: osacHandlers(PrivateTemplates, "templates", osacView(osacSchemas.templates), catalogHooks, env) },
    { service: PrivateHostTypes, handlers: osacHandlers(PrivateHostTypes, "hostClasses", osacView(osacSchemas.hostClasses), catalogHooks, env) },
    { service: PrivateCapabilities, handlers: privateCapabilities },
    ...projectApis(env, events),
    ...versionApis,
    { service: PublicEvents, handlers: {}, streams: osacEventsStreams(events, true, log) },
    { service: PrivateEvents, handlers: {}, streams: osacEventsStreams(events, false, log) },
  ];
}

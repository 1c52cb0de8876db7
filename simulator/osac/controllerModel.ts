// How the shared controller (simulator/controller.ts) handles osac clusters: osac.private.v1
// messages, host types, hubs with spec.kubeconfig/spec.namespace, the staged passes of
// internal/controllers/cluster/cluster_reconciler_function.go (finalizer; PROGRESSING with
// every condition FALSE and a hub; ClusterOrder), state_transition_time, DELETING while the
// hub deletes the order, and a cluster without a hub that keeps its finalizer forever.
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ClusterConditionSchema,
  ClusterNodeSetSchema,
  ClusterState,
  ClusterStatusSchema,
  type Cluster,
  type ClusterNodeSet,
  type ClusterStatus,
} from "../../proto/gen/osac/private/v1/cluster_type_pb";
import type { Hub } from "../../proto/gen/osac/private/v1/hub_type_pb";
import { MetadataSchema } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import type { ClusterModel } from "../controller";
import type { ClusterOrderRequest } from "../hubOrders";

export const OSAC_CLUSTER_MODEL: ClusterModel = {
  statusSchema: ClusterStatusSchema,
  conditionSchema: ClusterConditionSchema,
  nodeSetSchema: ClusterNodeSetSchema,
  metadataSchema: MetadataSchema,
  hostTypeOf: (nodeSet) => (nodeSet as unknown as ClusterNodeSet).hostType,
  hubRecord: (object) => {
    const hub = object as unknown as Hub;
    return { id: hub.id, kubeconfig: Buffer.from(hub.spec?.kubeconfig ?? new Uint8Array()).toString("utf8"), namespace: hub.spec?.namespace ?? "" };
  },
  orderExtras: (object) => {
    const cluster = object as unknown as Cluster;
    const spec = cluster.spec;
    const extras: Partial<ClusterOrderRequest> = { tenant: cluster.metadata?.tenant ?? "" };
    if (spec?.pullSecret !== undefined) extras.pullSecret = spec.pullSecret;
    if (spec?.sshPublicKey !== undefined) extras.sshPublicKey = spec.sshPublicKey;
    if (spec?.releaseImage !== undefined) extras.releaseImage = spec.releaseImage;
    if (spec?.network) {
      extras.network = {
        ...(spec.network.podCidr !== undefined ? { podCIDR: spec.network.podCidr } : {}),
        ...(spec.network.serviceCidr !== undefined ? { serviceCIDR: spec.network.serviceCidr } : {}),
      };
    }
    return extras;
  },
  stagedPasses: true,
  noResourcesMessage: "The cluster cannot be created because there are no resources available to fulfill the request.",
  stateChanged: (status, now) => {
    (status as unknown as ClusterStatus).stateTransitionTime = timestampFromMs(now);
  },
  deletingState: ClusterState.DELETING as number,
  keepsFinalizerWithoutHub: true,
};

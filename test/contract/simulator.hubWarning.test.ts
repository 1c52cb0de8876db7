// A hub whose kubeconfig reaches no API server, as the real controller treats it: the
// first pass fails before anything is saved, so the cluster stays PENDING with an empty
// status, and the controller tries again only when the cluster changes or at its resync.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { Clusters as PrivateClusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { ClusterState } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { RawClient } from "../helpers/grpcRaw";
import { logLines } from "../helpers/logLines";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

let sim: Simulator;
let client: RawClient;
const logs = logLines();
const TOKEN = "not-a-real-token-5e1f";

beforeAll(async () => {
  // Default hubs (Kubernetes); a short resync so the periodic retry is observable.
  sim = await startSimulator({ api: "innabox", seed: "catalog", controllerDelayMs: 10, provisioningDelayMs: 60_000, resyncMs: 300, log: logs.log });
  client = new RawClient(sim.address);
  await client.call(Hubs.method.create, { object: { id: "nowhere", kubeconfig: Buffer.from(unreachableHubKubeconfig(TOKEN)), namespace: "orders" } });
});
afterAll(async () => {
  client?.close();
  await sim?.stop();
});

it("leaves the cluster PENDING with an empty status and no finalizer, and retries at the resync", async () => {
  const created = await client.call(Clusters.method.create, { object: { spec: { template: "sim_small" } } });
  const id = created.object!.id;
  const failed = new RegExp(`cluster ${id}: hub nowhere could not take the ClusterOrder \\(HubUnreachable`);
  const first = await logs.next(failed);
  expect(first).not.toContain(TOKEN);
  const cluster = (await client.call(PrivateClusters.method.get, { id })).object!;
  expect(cluster.status?.state ?? ClusterState.UNSPECIFIED).toBe(ClusterState.UNSPECIFIED);
  expect(cluster.status?.conditions ?? []).toEqual([]);
  expect(cluster.metadata?.finalizers ?? []).toEqual([]);
  // The resync is the only thing that brings the next attempt.
  await logs.next(failed, { after: logs.lines.indexOf(first) + 1 });
  expect(logs.lines.join("\n")).not.toContain("ClusterOrder placed");
});

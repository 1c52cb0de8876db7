// A hub whose kubeconfig reaches no API server: the simulator still provisions (it is
// also the hub's operator) but says in the PROGRESSING condition that no ClusterOrder
// could be placed, so the user learns why nothing shows up in their hub.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../simulator";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { ClusterConditionType, ClusterState } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { RawClient, pollUntil } from "../helpers/grpcRaw";

let sim: Simulator;
let client: RawClient;

beforeAll(async () => {
  // Default hub orders (Kubernetes); a long provisioning delay keeps the cluster PROGRESSING.
  sim = await startSimulator({ controllerDelayMs: 10, provisioningDelayMs: 60_000 });
  client = new RawClient(sim.address);
});
afterAll(async () => {
  client?.close();
  await sim?.stop();
});

it("explains in the PROGRESSING condition that the hub could not take the ClusterOrder", async () => {
  const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: h, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: h, context: { cluster: h, user: h } }]
current-context: h
users: [{ name: h, user: { token: "not-a-real-token-5e1f" } }]
`;
  await client.call(Hubs.method.create, { object: { id: "nowhere", kubeconfig: Buffer.from(kubeconfig), namespace: "orders" } });
  const created = await client.call(Clusters.method.create, { object: { spec: { template: "ocp_4_17_small" } } });
  const cluster = await pollUntil(
    async () => (await client.call(Clusters.method.get, { id: created.object!.id })).object!,
    (c) =>
      c.status?.state === ClusterState.PROGRESSING &&
      (c.status.conditions.find((x) => x.type === ClusterConditionType.PROGRESSING)?.message ?? "").includes("no ClusterOrder"),
    { timeoutMs: 20_000 },
  );
  const progressing = cluster.status!.conditions.find((x) => x.type === ClusterConditionType.PROGRESSING)!;
  expect(progressing.message).toMatch(/^the cluster is being provisioned on hub 'nowhere'; no ClusterOrder was placed: .+/);
  expect(progressing.message).not.toContain("not-a-real-token-5e1f");
});

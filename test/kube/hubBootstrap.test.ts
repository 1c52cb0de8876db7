// HubBootstrap end to end: a real kube-apiserver (+ controller manager) as the hub, the
// simulator as the fulfillment service with KubeHubOrders, the real Pulumi engine.
import * as path from "node:path";
import * as os from "node:os";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { create } from "@bufbuild/protobuf";
import { anyPack, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { backendFiles, createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { HubBootstrap } from "../../components/hubBootstrap";
import { ClusterOrderCrd } from "../../components/clusterOrderCrd";
import { startSimulator, type Simulator } from "../../simulator";
import { KubeHubOrders } from "../../simulator/kubeHubOrders";
import { clientFor, closeAllClients } from "../../client/client";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { Clusters } from "../../proto/gen/private/v1/clusters_service_pb";
import { ClusterState } from "../../proto/gen/private/v1/cluster_type_pb";
import { startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { filesContaining, getObject, kubectl, requireBuilt, timed } from "./kubeTestUtils";

const NS = "cloudkit-orders";
const HUB = "kube-hub";

describe("HubBootstrap on a real Kubernetes API server", () => {
  let kube: LocalKube;
  let sim: Simulator;
  /** An osac service for the hub registered in a project (no ClusterOrders are made there). */
  let osac: GenerationSimulator;
  let t: TestPulumi;
  let stack: Stack;
  const simLog: string[] = [];
  const seenTokens: string[] = [];
  const settings = { renewBefore: 0.25, second: false, generation: "innabox" as "innabox" | "osac", project: undefined as string | undefined, osacHub: false };

  const client = () => clientFor({ address: sim.address, plaintext: true });
  const registeredKubeconfig = async (id: string) =>
    Buffer.from((await client().call(Hubs.method.get, { id })).object!.kubeconfig).toString("utf8");
  const tokenOf = (kubeconfig: string) => /token: "([^"]+)"/.exec(kubeconfig)![1];

  beforeAll(async () => {
    requireBuilt([
      "components/clusterOrderCrd",
      "components/kube/tokenProvider",
      "components/kube/kubeconfigProvider",
      "resources/hubProvider",
    ]);
    kube = await startLocalKube();
    console.log(`kube-apiserver + controller-manager ready in ${kube.startupMs} ms`);
    sim = await startSimulator({ api: "innabox", seed: "catalog", provisioningDelayMs: 300, deletionDelayMs: 100, hubOrders: new KubeHubOrders(), log: (l) => simLog.push(l) });
    osac = await startGenerationSimulator("osac", { osac: { projects: [{ tenant: "shared", name: "ops" }] } });
    t = createTestPulumi("kube-hub");
    const program = async () => {
      const admin = kube.adminKubeconfig;
      const connection = { address: sim.address, plaintext: true };
      const crd = new ClusterOrderCrd("orders", { kubeconfig: admin });
      const hub = new HubBootstrap(
        "hub",
        {
          adminKubeconfig: admin,
          hubId: HUB,
          token: { kind: "request", lifetime: "10m", renewBefore: settings.renewBefore },
          connection,
          generation: settings.generation,
          project: settings.project,
        },
        { dependsOn: [crd] },
      );
      const outputs: Record<string, unknown> = {
        hubId: hub.hubId,
        kubeconfig: hub.kubeconfig,
        tokenExpiry: hub.tokenExpiry,
        username: hub.hubKubeconfig.username,
      };
      if (settings.second) {
        const second = new HubBootstrap(
          "hub-admin",
          { adminKubeconfig: admin, hubId: "kube-hub-admin", namespace: "orders-admin", serviceAccountName: "fulfillment", clusterAdmin: true, token: { kind: "secret" }, connection },
          { dependsOn: [crd] },
        );
        outputs.secondKubeconfig = second.kubeconfig;
        outputs.secondExpiry = second.tokenExpiry;
      }
      if (settings.osacHub) {
        const inProject = new HubBootstrap(
          "hub-osac",
          {
            adminKubeconfig: admin,
            hubId: "kube-hub-osac",
            namespace: "orders-osac",
            token: { kind: "request", lifetime: "10m" },
            connection: { address: osac.sim.address, plaintext: true, token: osac.adminToken, api: "osac" },
            generation: "osac",
            project: "ops",
          },
          { dependsOn: [crd] },
        );
        outputs.osacKubeconfig = inProject.kubeconfig;
        outputs.osacProject = inProject.hub.project;
      }
      return outputs;
    };
    stack = await inlineStack(t, program, { project: "kube-hub" });
  }, 180_000);

  afterAll(async () => {
    closeAllClients();
    await sim?.stop();
    await osac?.close();
    await kube?.stop();
    t?.dispose();
  });

  it("creates the namespace, service account, least-privilege RBAC and token, and registers the hub", async () => {
    const [up, ms] = await timed(() => stack.up());
    console.log(`first up: ${ms} ms`);
    expect(up.summary.result).toBe("succeeded");
    const admin = kube.adminKubeconfig;
    expect(await getObject(admin, ["namespace", NS])).toBeDefined();
    expect(await getObject(admin, ["serviceaccount", "-n", NS, "fulfillment-hub"])).toBeDefined();
    const role = await getObject(admin, ["role", "-n", NS, "fulfillment-hub"]);
    expect(role.rules).toEqual([
      { apiGroups: ["cloudkit.openshift.io"], resources: ["clusterorders"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    ]);
    expect(await getObject(admin, ["rolebinding", "-n", NS, "fulfillment-hub"])).toBeDefined();
    expect(await getObject(admin, ["clusterrolebinding", `fulfillment-hub:${NS}:fulfillment-hub`])).toBeUndefined();
    // GetKubeconfig/GetPassword read the HostedCluster and its Secrets in the cluster's own namespace.
    const reader = await getObject(admin, ["clusterrole", `fulfillment-hub:${NS}:fulfillment-hub:hosted-cluster-reader`]);
    expect(reader.rules).toEqual([
      { apiGroups: ["hypershift.openshift.io"], resources: ["hostedclusters"], verbs: ["get"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
    ]);
    const readerBinding = await getObject(admin, ["clusterrolebinding", `fulfillment-hub:${NS}:fulfillment-hub:hosted-cluster-reader`]);
    expect(readerBinding.subjects).toEqual([{ kind: "ServiceAccount", name: "fulfillment-hub", namespace: NS }]);

    expect(up.outputs.hubId.value).toBe(HUB);
    expect(up.outputs.kubeconfig.secret).toBe(true);
    expect(up.outputs.username.value).toBe(`system:serviceaccount:${NS}:fulfillment-hub`);
    const expiry = Date.parse(up.outputs.tokenExpiry.value);
    expect(expiry - Date.now()).toBeGreaterThan(9 * 60_000);

    // The registered kubeconfig is the component's output.
    const kubeconfig: string = up.outputs.kubeconfig.value;
    expect(await registeredKubeconfig(HUB)).toBe(kubeconfig);
    seenTokens.push(tokenOf(kubeconfig));
    await stack.preview({ expectNoChanges: true });
  }, 240_000);

  it("registers a minimal kubeconfig that kubectl can use, allowed only what the service needs", async () => {
    const kubeconfig = await registeredKubeconfig(HUB);
    expect(Buffer.byteLength(kubeconfig)).toBeLessThan(4096);
    expect(kubeconfig).not.toMatch(/client-certificate|client-key|exec:|insecure-skip-tls-verify/);
    expect(kubeconfig).toContain("certificate-authority-data:");
    expect(kubeconfig).not.toContain(kube.adminToken);

    const who = await kubectl(kubeconfig, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    expect(who.code).toBe(0);
    expect(who.stdout).toBe(`system:serviceaccount:${NS}:fulfillment-hub`);
    const orders = await kubectl(kubeconfig, ["get", "clusterorders"]); // namespace from the context
    expect(orders.code, orders.stderr).toBe(0);
    // What the server reads for GetKubeconfig: one Secret by name in a cluster's namespace.
    const clusterNs = "clusters-3c1d7a0e";
    expect((await kubectl(kube.adminKubeconfig, ["create", "namespace", clusterNs])).code).toBe(0);
    expect((await kubectl(kube.adminKubeconfig, ["create", "secret", "generic", "admin-kubeconfig", "-n", clusterNs, "--from-literal=kubeconfig=x"])).code).toBe(0);
    const secret = await kubectl(kubeconfig, ["get", "secret", "admin-kubeconfig", "-n", clusterNs, "-o", "name"]);
    expect(secret.code, secret.stderr).toBe(0);
    // A SelfSubjectAccessReview names the API group itself: the bare API server has no HostedCluster CRD for kubectl to resolve.
    const allowed = async (verb: string, group: string, resource: string) => {
      const review = path.join(os.tmpdir(), `ssar-${process.pid}-${verb}-${resource}.json`);
      fs.writeFileSync(review, JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb, group, resource, namespace: clusterNs } } }));
      try {
        const result = await kubectl(kubeconfig, ["create", "--validate=false", "-f", review, "-o", "jsonpath={.status.allowed}"]);
        expect(result.code, result.stderr).toBe(0);
        return result.stdout.trim() === "true";
      } finally {
        fs.rmSync(review, { force: true });
      }
    };
    expect(await allowed("get", "hypershift.openshift.io", "hostedclusters")).toBe(true);
    // ... and nothing more: no listing, no writing.
    expect(await allowed("list", "", "secrets")).toBe(false);
    expect(await allowed("list", "hypershift.openshift.io", "hostedclusters")).toBe(false);
    expect(await allowed("update", "hypershift.openshift.io", "hostedclusters")).toBe(false);

    const kubeSystem = await kubectl(kubeconfig, ["get", "secrets", "-n", "kube-system"]);
    expect(kubeSystem.code).not.toBe(0);
    expect(kubeSystem.stderr).toMatch(/forbidden/i);
    const newNamespace = await kubectl(kubeconfig, ["create", "namespace", "not-allowed"]);
    expect(newNamespace.code).not.toBe(0);
    expect(newNamespace.stderr).toMatch(/forbidden/i);
    expect((await kubectl(kubeconfig, ["auth", "can-i", "delete", "secrets"])).stdout.trim()).toBe("no");
  }, 60_000);

  it("lets the simulator create the ClusterOrder in the hub and remove it when the cluster is deleted", async () => {
    const created = await client().call(Clusters.method.create, {
      object: {
        metadata: { name: "orders-test" },
        spec: {
          template: "sim_small",
          templateParameters: { release: anyPack(StringValueSchema, create(StringValueSchema, { value: "4.17.3" })) },
          nodeSets: { workers: { size: 3 } },
        },
      },
    });
    const id = created.object!.id;
    let state = ClusterState.UNSPECIFIED;
    for (let i = 0; i < 150 && state !== ClusterState.READY; i++) {
      const cluster = (await client().call(Clusters.method.get, { id })).object!;
      state = cluster.status?.state ?? ClusterState.UNSPECIFIED;
      if (state === ClusterState.FAILED) throw new Error(`cluster failed: ${JSON.stringify(cluster.status?.conditions)}`);
      if (state !== ClusterState.READY) await new Promise((r) => setTimeout(r, 100));
    }
    expect(state, simLog.join("\n")).toBe(ClusterState.READY);

    const list = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, "-l", `cloudkit.openshift.io/clusterorder-uuid=${id}`]);
    expect(list.items).toHaveLength(1);
    const order = list.items[0];
    expect(order.metadata.name).toMatch(/^order-/);
    expect(order.metadata.labels["cloudkit.openshift.io/clusterorder-uuid"]).toBe(id);
    expect(order.spec.templateID).toBe("sim_small");
    expect(typeof order.spec.templateParameters).toBe("string");
    expect(JSON.parse(order.spec.templateParameters)).toMatchObject({ release: "4.17.3", ha: false });
    expect(order.spec.nodeRequests).toEqual([{ resourceClass: "acme_1tib", numberOfNodes: 3 }]);

    await client().call(Clusters.method.delete, { id });
    let gone = false;
    for (let i = 0; i < 150 && !gone; i++) {
      gone = await client()
        .call(Clusters.method.get, { id })
        .then(
          () => false,
          () => true,
        );
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
    const after = await getObject(kube.adminKubeconfig, ["clusterorders", "-n", NS, "-l", `cloudkit.openshift.io/clusterorder-uuid=${id}`]);
    expect(after.items).toHaveLength(0);
  }, 60_000);

  it("renews a token that is due on up (clock-driven), shows it on preview and refresh, and updates the Hub", async () => {
    // renewBefore 1: a token is due the moment it is issued (less than all of its life is left).
    settings.renewBefore = 1;
    const first = await stack.up();
    const renewed: string = first.outputs.kubeconfig.value;
    expect(tokenOf(renewed)).not.toBe(seenTokens[0]);
    seenTokens.push(tokenOf(renewed));
    expect(await registeredKubeconfig(HUB)).toBe(renewed);

    // Nothing in the program changed: the clock alone makes the token due (and with it the kubeconfig and the Hub).
    const preview = await stack.preview();
    expect(preview.changeSummary.update).toBe(3);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const state = await stack.exportStack();
    const token = (state.deployment.resources as any[]).find((r) => r.type === "pulumi-nodejs:dynamic/kubernetes:ServiceAccountToken");
    expect(token.outputs.renewalDue).toBe(true);

    const second = await stack.up();
    const again: string = second.outputs.kubeconfig.value;
    expect(tokenOf(again)).not.toBe(tokenOf(renewed));
    seenTokens.push(tokenOf(again));
    expect(await registeredKubeconfig(HUB)).toBe(again);
    expect((await kubectl(again, ["get", "clusterorders"])).code).toBe(0);

    // Back to a quarter: nothing is due, so only the setting is recorded.
    settings.renewBefore = 0.25;
    const calm = await stack.up();
    expect(tokenOf(calm.outputs.kubeconfig.value)).toBe(tokenOf(again));
    await stack.preview({ expectNoChanges: true });
  }, 240_000);

  it("shows a deleted service account as drift on refresh, and up repairs it with a new token", async () => {
    const admin = kube.adminKubeconfig;
    const before = await getObject(admin, ["serviceaccount", "-n", NS, "fulfillment-hub"]);
    expect((await kubectl(admin, ["delete", "serviceaccount", "-n", NS, "fulfillment-hub"])).code).toBe(0);
    const oldKubeconfig = await registeredKubeconfig(HUB);
    // The old token dies with its account.
    for (let i = 0; i < 50; i++) {
      if ((await kubectl(oldKubeconfig, ["get", "clusterorders"])).code !== 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const drift = await stack.previewRefresh();
    expect(drift.changeSummary.delete ?? 0).toBeGreaterThanOrEqual(1); // the account (and its dead token)
    await stack.refresh();
    const [up, ms] = await timed(() => stack.up());
    console.log(`repair up: ${ms} ms`);
    expect(up.summary.resourceChanges?.create ?? 0).toBeGreaterThanOrEqual(1);
    const after = await getObject(admin, ["serviceaccount", "-n", NS, "fulfillment-hub"]);
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    const repaired: string = up.outputs.kubeconfig.value;
    seenTokens.push(tokenOf(repaired));
    expect(await registeredKubeconfig(HUB)).toBe(repaired);
    expect((await kubectl(repaired, ["get", "clusterorders"])).code).toBe(0);
    await stack.preview({ expectNoChanges: true });
  }, 240_000);

  it("bootstraps with cluster-admin and a long-lived token Secret when asked", async () => {
    settings.second = true;
    const up = await stack.up();
    const kubeconfig: string = up.outputs.secondKubeconfig.value;
    expect(up.outputs.secondExpiry?.value).toBeUndefined();
    seenTokens.push(tokenOf(kubeconfig));
    expect(await registeredKubeconfig("kube-hub-admin")).toBe(kubeconfig);
    const token = await getObject(kube.adminKubeconfig, ["secret", "-n", "orders-admin", "fulfillment-token"]);
    expect(token.type).toBe("kubernetes.io/service-account-token");
    expect((await kubectl(kubeconfig, ["auth", "can-i", "create", "namespaces"])).stdout.trim()).toBe("yes");
    expect(await getObject(kube.adminKubeconfig, ["clusterrolebinding", "fulfillment-hub:orders-admin:fulfillment"])).toBeDefined();

    settings.second = false;
    const removed = await stack.up();
    expect(removed.summary.resourceChanges?.delete ?? 0).toBeGreaterThanOrEqual(5);
    expect(await getObject(kube.adminKubeconfig, ["clusterrolebinding", "fulfillment-hub:orders-admin:fulfillment"])).toBeUndefined();
    await expect(client().call(Hubs.method.get, { id: "kube-hub-admin" })).rejects.toThrow(/not found/i);
  }, 240_000);

  it("registers the hub in a project on osac; an innabox service refuses a project at check, naming the field and the generation", async () => {
    settings.project = "ops";
    try {
      await expect(stack.preview()).rejects.toThrow(/project: hubs of the innabox generation \(private\.v1\) have no project/);
    } finally {
      settings.project = undefined;
    }
    settings.osacHub = true;
    const up = await stack.up();
    expect(up.outputs.osacProject.value).toBe("ops");
    expect((await osac.api.hubs.get("kube-hub-osac"))?.metadata.project).toBe("ops");
    seenTokens.push(tokenOf(up.outputs.osacKubeconfig.value));
    await stack.preview({ expectNoChanges: true });
  }, 240_000);

  it("previews a changed Role with the Kubernetes provider's property diff, and changes nothing", async () => {
    settings.generation = "osac";
    try {
      const preview = await stack.preview({ diff: true, color: "never" });
      expect(preview.changeSummary.update).toBeGreaterThanOrEqual(1);
      // The provider's detailed diff names the changed rule, on the Role itself.
      expect(preview.stdout).toMatch(/kubernetes:rbac.authorization.k8s.io\/v1:Role[\s\S]*rules[\s\S]*osac\.openshift\.io/);
      expect(preview.stdout).toContain("cloudkit.openshift.io");
    } finally {
      settings.generation = "innabox";
    }
    const role = await getObject(kube.adminKubeconfig, ["role", "-n", NS, "fulfillment-hub"]);
    expect(role.rules[0].apiGroups).toEqual(["cloudkit.openshift.io"]);
    await stack.preview({ expectNoChanges: true });
  }, 120_000);

  it("keeps the admin kubeconfig, its token and every service-account token out of the state in plain text", async () => {
    const files = backendFiles(t);
    const hits = filesContaining(files, [kube.adminToken, kube.adminKubeconfig, osac.adminToken, ...seenTokens]);
    expect(hits).toEqual([]);
  });

  it("destroys the hub registration and the Kubernetes objects", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    await expect(client().call(Hubs.method.get, { id: HUB })).rejects.toThrow(/not found/i);
    expect(await osac.api.hubs.get("kube-hub-osac")).toBeUndefined();
    const admin = kube.adminKubeconfig;
    const namespace = await getObject(admin, ["namespace", NS]);
    // Gone, or still terminating while the namespace controller empties it.
    expect(namespace === undefined || namespace.status?.phase === "Terminating").toBe(true);
    expect(await getObject(admin, ["crd", "clusterorders.cloudkit.openshift.io"])).toBeUndefined();
    expect(await getObject(admin, ["clusterrole", `fulfillment-hub:${NS}:fulfillment-hub:hosted-cluster-reader`])).toBeUndefined();
    expect(await getObject(admin, ["clusterrolebinding", `fulfillment-hub:${NS}:fulfillment-hub:hosted-cluster-reader`])).toBeUndefined();
    const state = await stack.exportStack();
    expect(state.deployment.resources ?? []).toEqual([]);
  }, 240_000);
});

// A hub stack written by 0.1 (Kubernetes objects as `pulumi-nodejs:dynamic/kubernetes:*`
// dynamic resources) moves to the @pulumi/kubernetes resources with a plain `up`: each
// new resource is applied over the live object (the provider's server-side apply), and
// the old resource's delete, run last by the retired provider that 0.1 states still
// require, leaves an object the new provider now manages. Nothing on the hub is deleted
// or re-created. (Aliases cannot carry the old resources over: the engine hands the
// dynamic resource's state to the Kubernetes provider, which crashes on it.)
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { delegatingProvider } from "../../toolkit/delegate";
import { HubBootstrap, hostedClusterReadRules, leastPrivilegeRules } from "../../components/hubBootstrap";
import { CLUSTER_ORDER_CRD_NAME, ClusterOrderCrd, clusterOrderCrdSpec } from "../../components/clusterOrderCrd";
import { HubKubeconfig, ServiceAccountToken } from "../../components/kube/resources";
import { requiredAccess } from "../../components/hubBootstrap";
import { Hub } from "../../resources/hub";
import { startSimulator, type Simulator } from "../../simulator";
import { KubeHubOrders } from "../../simulator/kubeHubOrders";
import { closeAllClients } from "../../client/client";
import { getObject, kubectl, requireBuilt } from "./kubeTestUtils";

const NS = "cloudkit-orders";
const SA = "fulfillment-hub";
const READER = `fulfillment-hub:${NS}:${SA}:hosted-cluster-reader`;
const retiredProvider = delegatingProvider("dist/components/kube/objectProvider");

class RetiredObject extends pulumi.dynamic.Resource {}

/** A Kubernetes object exactly as 0.1's components/kube/resources.ts declared it. */
function retiredObject(name: string, kind: string, apiVersion: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions): pulumi.dynamic.Resource {
  const inputs = { apiVersion, kind, labels: undefined, annotations: undefined, timeoutSeconds: undefined, ifExists: undefined, uid: undefined, creationTimestamp: undefined, preexisting: undefined, ...props };
  return new RetiredObject(retiredProvider, name, inputs, { ...opts, additionalSecretOutputs: ["kubeconfig"] }, "kubernetes", kind);
}

/** 0.1's HubBootstrap (least privilege, requested token) and ClusterOrderCrd: the same names, types and inputs. */
function retiredHub(admin: string, connection: { address: string; plaintext: boolean }) {
  const kubeconfig = pulumi.secret(admin);
  const crdComponent = new pulumi.ComponentResource("fulfillment:index:ClusterOrderCrd", "orders", {});
  const crd = retiredObject(
    "orders-crd",
    "CustomResourceDefinition",
    "apiextensions.k8s.io/v1",
    { kubeconfig, name: CLUSTER_ORDER_CRD_NAME, fields: { spec: clusterOrderCrdSpec }, ifExists: "adopt" },
    { parent: crdComponent },
  );
  const component = new pulumi.ComponentResource("fulfillment:index:HubBootstrap", "hub", {}, { dependsOn: [crd] });
  const parent = { parent: component };
  const ns = retiredObject("hub-namespace", "Namespace", "v1", { kubeconfig, name: NS }, parent);
  const inNs = { ...parent, dependsOn: [ns] };
  const sa = retiredObject("hub-sa", "ServiceAccount", "v1", { kubeconfig, namespace: NS, name: SA }, inNs);
  const subjects = [{ kind: "ServiceAccount", name: SA, namespace: NS }];
  const role = retiredObject("hub-role", "Role", "rbac.authorization.k8s.io/v1", { kubeconfig, namespace: NS, name: SA, fields: { rules: leastPrivilegeRules() } }, inNs);
  const roleBinding = retiredObject(
    "hub-rolebinding",
    "RoleBinding",
    "rbac.authorization.k8s.io/v1",
    { kubeconfig, namespace: NS, name: SA, fields: { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SA }, subjects } },
    { ...parent, dependsOn: [sa, role] },
  );
  const reader = retiredObject("hub-hosted-cluster-reader", "ClusterRole", "rbac.authorization.k8s.io/v1", { kubeconfig, name: READER, fields: { rules: hostedClusterReadRules() } }, parent);
  const readerBinding = retiredObject(
    "hub-hosted-cluster-reader",
    "ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1",
    { kubeconfig, name: READER, fields: { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: READER }, subjects } },
    { ...parent, dependsOn: [sa, reader] },
  );
  const token = new ServiceAccountToken(
    "hub-token",
    { kubeconfig, namespace: NS, serviceAccountName: SA, serviceAccountUid: (sa as unknown as { uid: pulumi.Output<string> }).uid, lifetime: "24h", renewBefore: 0.25 },
    { ...parent, dependsOn: [sa] },
  );
  const hubKubeconfig = new HubKubeconfig(
    "hub-kubeconfig",
    { adminKubeconfig: kubeconfig, token: token.token, namespace: NS, clusterName: "kube-hub", userName: SA, accessChecks: requiredAccess(NS) },
    { ...parent, dependsOn: [roleBinding, readerBinding] },
  );
  const hub = new Hub("hub-hub", { hubId: "kube-hub", kubeconfig: hubKubeconfig.kubeconfig, namespace: NS, connection }, parent);
  return { hubId: hub.hubId, kubeconfig: hubKubeconfig.kubeconfig };
}

describe("moving a 0.1 hub stack to the @pulumi/kubernetes resources", () => {
  let kube: LocalKube;
  let sim: Simulator;
  let t: TestPulumi;
  const settings = { retired: true };
  const uidsBefore: Record<string, string> = {};
  const objects: Record<string, string[]> = {
    namespace: ["namespace", NS],
    serviceAccount: ["serviceaccount", "-n", NS, SA],
    role: ["role", "-n", NS, SA],
    roleBinding: ["rolebinding", "-n", NS, SA],
    reader: ["clusterrole", READER],
    readerBinding: ["clusterrolebinding", READER],
    crd: ["crd", CLUSTER_ORDER_CRD_NAME],
    order: ["clusterorders", "-n", NS, "existing-order"],
  };

  beforeAll(async () => {
    requireBuilt(["components/kube/objectProvider", "components/kube/tokenProvider", "components/kube/kubeconfigProvider", "resources/hubProvider"]);
    kube = await startLocalKube();
    sim = await startSimulator({ api: "innabox", seed: "catalog", hubOrders: new KubeHubOrders() });
    t = createTestPulumi("kube-migration");
  }, 180_000);

  afterAll(async () => {
    closeAllClients();
    await sim?.stop();
    await kube?.stop();
    t?.dispose();
  });

  it("keeps every object, its uid and the registered token through the move, and destroys cleanly after", async () => {
    const admin = kube.adminKubeconfig;
    const connection = { address: sim.address, plaintext: true };
    const stack = await inlineStack(
      t,
      async () => {
        if (settings.retired) return retiredHub(admin, connection);
        const crd = new ClusterOrderCrd("orders", { kubeconfig: admin });
        const hub = new HubBootstrap("hub", { adminKubeconfig: admin, hubId: "kube-hub", connection }, { dependsOn: [crd] });
        return { hubId: hub.hubId, kubeconfig: hub.kubeconfig };
      },
      { project: "kube-migration" },
    );
    const old = await stack.up();
    expect(old.summary.result).toBe("succeeded");
    const file = path.join(t.workDir, "order.json");
    fs.writeFileSync(file, JSON.stringify({ apiVersion: "cloudkit.openshift.io/v1alpha1", kind: "ClusterOrder", metadata: { name: "existing-order", namespace: NS }, spec: { templateID: "sim_small" } }));
    expect((await kubectl(admin, ["create", "-f", file])).code).toBe(0);
    for (const [key, args] of Object.entries(objects)) uidsBefore[key] = (await getObject(admin, args)).metadata.uid;
    const oldKubeconfig: string = old.outputs.kubeconfig.value;

    settings.retired = false;
    const preview = await stack.preview();
    // Seven objects (and the two components' providers) are created over the live ones; the old seven only leave the state.
    expect(preview.changeSummary.create).toBe(9);
    expect(preview.changeSummary.delete).toBe(7);
    const moved = await stack.up();
    expect(moved.summary.result).toBe("succeeded");
    for (const [key, args] of Object.entries(objects)) {
      const live = await getObject(admin, args);
      expect(live, `${key} is still there`).toBeDefined();
      expect(live.metadata.deletionTimestamp, `${key} is not being deleted`).toBeUndefined();
      expect(live.metadata.uid, `${key} was not re-created`).toBe(uidsBefore[key]);
    }
    // Same service account, so the same token: the registration did not change.
    expect(moved.outputs.kubeconfig.value).toBe(oldKubeconfig);
    expect((await kubectl(oldKubeconfig, ["get", "clusterorders"])).code).toBe(0);
    const state = await stack.exportStack();
    const types = (state.deployment.resources as Array<{ type: string }>).map((r) => r.type);
    expect(types.filter((type) => /dynamic\/kubernetes:(Namespace|ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding|CustomResourceDefinition)$/.test(type))).toEqual([]);
    expect(types).toEqual(expect.arrayContaining(["kubernetes:core/v1:Namespace", "kubernetes:rbac.authorization.k8s.io/v1:Role", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinitionPatch"]));
    await stack.preview({ expectNoChanges: true });

    // The CRD that 0.1 made is adopted after the move (nothing marks who created it), so it stays.
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    const namespace = await getObject(admin, objects.namespace);
    expect(namespace === undefined || namespace.status?.phase === "Terminating").toBe(true);
    for (const key of ["reader", "readerBinding"]) expect(await getObject(admin, objects[key])).toBeUndefined();
    expect(await getObject(admin, objects.crd)).toBeDefined();
  }, 480_000);
});

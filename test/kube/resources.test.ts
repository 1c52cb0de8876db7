// The Kubernetes dynamic resources (components/kube) against a real kube-apiserver +
// kube-controller-manager: create, no-change preview, update, drift on refresh and
// repair by up, adoption (refusal with instructions, then `import:`), destroy, and no
// credential in plain text in the state.
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "@pulumi/pulumi/automation";
import { startLocalKube, type LocalKube } from "../helpers/localKube";
import { backendFiles, createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import {
  ClusterRole,
  ClusterRoleBinding,
  Namespace,
  Role,
  RoleBinding,
  ServiceAccount,
  ServiceAccountToken,
  ServiceAccountTokenSecret,
} from "../../components/kube/resources";
import { ClusterOrderCrd } from "../../components/clusterOrderCrd";
import { filesContaining, getObject, kubectl, requireBuilt, timed } from "./kubeTestUtils";

const NS = "res-test";

describe("Kubernetes dynamic resources on a real API server", () => {
  let kube: LocalKube;
  let t: TestPulumi;
  let stack: Stack;
  const tokens: string[] = [];
  // The program reads these on every run.
  const settings = { teamLabel: "a", adopt: false, adoptImport: false };

  beforeAll(async () => {
    requireBuilt(["components/kube/objectProvider", "components/kube/tokenProvider", "toolkit/delegate"]);
    kube = await startLocalKube();
    console.log(`kube-apiserver + controller-manager ready in ${kube.startupMs} ms`);
    t = createTestPulumi("kube-resources");
    const program = async () => {
      const kubeconfig = kube.adminKubeconfig;
      const ns = new Namespace("ns", { kubeconfig, name: NS, labels: { team: settings.teamLabel } });
      const dep = { dependsOn: [ns] };
      const sa = new ServiceAccount("sa", { kubeconfig, namespace: NS, name: "robot" }, dep);
      const role = new Role(
        "role",
        { kubeconfig, namespace: NS, name: "reader", rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }] },
        dep,
      );
      new RoleBinding(
        "rb",
        { kubeconfig, namespace: NS, name: "reader", roleRef: { kind: "Role", name: role.name }, subjects: [{ kind: "ServiceAccount", name: sa.name, namespace: NS }] },
        dep,
      );
      const clusterRole = new ClusterRole("cr", { kubeconfig, name: "res-test-nodes", rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list"] }] });
      new ClusterRoleBinding("crb", {
        kubeconfig,
        name: "res-test-nodes",
        roleRef: { kind: "ClusterRole", name: clusterRole.name },
        subjects: [{ kind: "ServiceAccount", name: sa.name, namespace: NS }],
      });
      const crd = new ClusterOrderCrd("orders", { kubeconfig });
      const secret = new ServiceAccountTokenSecret("sa-secret", { kubeconfig, namespace: NS, name: "robot-token", serviceAccountName: sa.name });
      const requested = new ServiceAccountToken("sa-token", { kubeconfig, namespace: NS, serviceAccountName: sa.name, serviceAccountUid: sa.uid, lifetime: "1h" });
      if (settings.adopt) {
        new Namespace("adopted", { kubeconfig, name: "made-by-hand", labels: { owner: "pulumi" } }, settings.adoptImport ? { import: "made-by-hand" } : {});
      }
      return {
        saUid: sa.uid,
        crdName: crd.crdName,
        secretToken: secret.token,
        requestedToken: requested.token,
        expiry: requested.expiry,
      };
    };
    stack = await inlineStack(t, program, { project: "kube-resources" });
  }, 180_000);

  afterAll(async () => {
    await kube?.stop();
    t?.dispose();
  });

  it("creates every kind, and a second preview sees no changes", async () => {
    const [up, ms] = await timed(() => stack.up());
    console.log(`first up: ${ms} ms`);
    expect(up.summary.result).toBe("succeeded");
    const admin = kube.adminKubeconfig;
    expect((await getObject(admin, ["namespace", NS])).metadata.labels.team).toBe("a");
    expect(await getObject(admin, ["serviceaccount", "-n", NS, "robot"])).toBeDefined();
    expect((await getObject(admin, ["role", "-n", NS, "reader"])).rules[0].resources).toEqual(["configmaps"]);
    expect((await getObject(admin, ["rolebinding", "-n", NS, "reader"])).roleRef.name).toBe("reader");
    expect(await getObject(admin, ["clusterrole", "res-test-nodes"])).toBeDefined();
    expect(await getObject(admin, ["clusterrolebinding", "res-test-nodes"])).toBeDefined();
    const crd = await getObject(admin, ["crd", "clusterorders.cloudkit.openshift.io"]);
    expect(crd.spec.versions[0].schema.openAPIV3Schema.properties.status["x-kubernetes-preserve-unknown-fields"]).toBe(true);
    expect(up.outputs.crdName.value).toBe("clusterorders.cloudkit.openshift.io");

    // Both tokens authenticate as the service account; both outputs are secrets.
    expect(up.outputs.secretToken.secret).toBe(true);
    expect(up.outputs.requestedToken.secret).toBe(true);
    for (const token of [up.outputs.secretToken.value, up.outputs.requestedToken.value]) {
      tokens.push(token);
      const kubeconfig = admin.replace(kube.adminToken, token);
      const who = await kubectl(kubeconfig, ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
      expect(who.stdout).toBe(`system:serviceaccount:${NS}:robot`);
      expect((await kubectl(kubeconfig, ["auth", "can-i", "list", "configmaps", "-n", NS])).stdout.trim()).toBe("yes");
      expect((await kubectl(kubeconfig, ["auth", "can-i", "list", "secrets", "-n", NS])).stdout.trim()).toBe("no");
    }
    const lifetime = Date.parse(up.outputs.expiry.value) - Date.now();
    expect(lifetime).toBeGreaterThan(55 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);

    // Server defaults (CRD conversion, RBAC subject apiGroup, ...) are not changes.
    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.changeSummary.update ?? 0).toBe(0);
  }, 240_000);

  it("updates in place: a label change", async () => {
    settings.teamLabel = "b";
    const up = await stack.up();
    expect(up.summary.resourceChanges?.update).toBe(1);
    expect((await getObject(kube.adminKubeconfig, ["namespace", NS])).metadata.labels.team).toBe("b");
  }, 120_000);

  it("shows an out-of-band deletion as drift on refresh, and up re-creates it", async () => {
    const admin = kube.adminKubeconfig;
    expect((await kubectl(admin, ["delete", "role", "-n", NS, "reader"])).code).toBe(0);
    expect((await kubectl(admin, ["label", "clusterrole", "res-test-nodes", "extra=1"])).code).toBe(0); // not ours: not drift

    const drift = await stack.previewRefresh();
    expect(drift.changeSummary.delete).toBe(1);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.delete).toBe(1);

    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    expect(await getObject(admin, ["role", "-n", NS, "reader"])).toBeDefined();
    await stack.preview({ expectNoChanges: true });
  }, 180_000);

  it("refuses to take over an existing object, says how to adopt it, and adopts it with import", async () => {
    const admin = kube.adminKubeconfig;
    expect((await kubectl(admin, ["create", "namespace", "made-by-hand"])).code).toBe(0);
    settings.adopt = true;
    const failed = await stack.up().then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).toContain("Namespace 'made-by-hand' already exists");
    expect(failed?.message).toContain('{ import: "made-by-hand" }');

    settings.adoptImport = true;
    const adopted = await stack.up();
    // import: becomes an adoptId input (toolkit/delegate.ts): the engine records a create.
    expect(adopted.summary.resourceChanges?.create).toBe(1);
    const adoptedNs = await getObject(admin, ["namespace", "made-by-hand", "--show-managed-fields"]);
    expect(adoptedNs.metadata.labels.owner).toBe("pulumi");
    expect(adoptedNs.metadata.managedFields.some((f: any) => f.manager === "pulumi-fulfillment")).toBe(true);
    settings.adoptImport = false;
    await stack.preview({ expectNoChanges: true });
  }, 180_000);

  it("keeps the admin token and the service-account tokens out of the state in plain text", async () => {
    const files = backendFiles(t);
    expect(files.length).toBeGreaterThan(0);
    expect(filesContaining(files, [kube.adminToken, kube.adminKubeconfig, ...tokens])).toEqual([]);
    // The checkpoint holds the kubeconfig inputs and token outputs as ciphertext.
    const checkpoint = files.map((f) => fs.readFileSync(f, "utf8")).find((text) => text.includes("dynamic/kubernetes:ServiceAccountToken"));
    expect(checkpoint).toBeDefined();
    expect(checkpoint!.match(/"ciphertext"/g)?.length ?? 0).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it("destroys everything, adopted objects included", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    const admin = kube.adminKubeconfig;
    expect(await getObject(admin, ["namespace", "made-by-hand"])).toBeUndefined();
    expect(await getObject(admin, ["namespace", NS])).toBeUndefined();
    expect(await getObject(admin, ["clusterrole", "res-test-nodes"])).toBeUndefined();
    expect(await getObject(admin, ["crd", "clusterorders.cloudkit.openshift.io"])).toBeUndefined();
  }, 240_000);
});

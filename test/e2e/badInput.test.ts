// Bad input through the real engine: every mistake gives one clear error that names the
// field or setting and the fix, at preview time where the provider can tell (check), with
// nothing created on the server. Assertions are on the text the user sees in the engine's
// output of preview/up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as net from "node:net";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSimulator, type Simulator } from "../../simulator";
import { FulfillmentClient } from "../../provider/client";
import { resolveConnection } from "../../provider/connection";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { Hubs } from "../../proto/gen/private/v1/hubs_service_pb";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
import { generateTestCertificates, type TestCertificates } from "../helpers/tls";
// The built package, as a user's program loads it.
import { Cluster, Hub, type ClusterArgs } from "pulumi-fulfillment";

const ADMIN_TOKEN = "admin-token-badinput-4e7a9c21";
const HUB_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: hub, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: hub, context: { cluster: hub, user: admin } }]
current-context: hub
users: [{ name: admin, user: { token: hub-token-badinput-91ad } }]
`;

/** The lines of the engine's diagnostics that are errors, joined: what the user reads. */
function errorLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^error: /.test(line) && !/^error: (preview|update) failed$/.test(line));
}

async function failureText(promise: Promise<unknown>): Promise<string> {
  const result = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (result === undefined) throw new Error("expected the run to fail");
  return String((result as Error).message ?? result);
}

describe("bad input", () => {
  let sim: Simulator;
  let t: TestPulumi;
  let admin: FulfillmentClient;
  let counter = 0;

  /** A fresh stack (own project) whose program is `program`, configured for the simulator unless `config` says otherwise. */
  const stackWith = async (program: () => Promise<Record<string, unknown> | void>, config?: Record<string, { value: string; secret?: boolean }>): Promise<Stack> => {
    const stack = await inlineStack(t, async () => (await program()) ?? {}, { project: `bad-${++counter}` });
    await stack.setAllConfig(
      config ?? {
        "fulfillment:address": { value: sim.address },
        "fulfillment:token": { value: ADMIN_TOKEN, secret: true },
        "fulfillment:plaintext": { value: "true" },
      },
    );
    return stack;
  };

  const previewError = async (args: ClusterArgs | (() => Promise<void>), config?: Record<string, { value: string; secret?: boolean }>) => {
    const program = typeof args === "function" ? args : async () => void new Cluster("c", args);
    const stack = await stackWith(program, config);
    const before = sim.snapshot().clusters.length;
    const text = await failureText(stack.preview());
    expect(sim.snapshot().clusters.length).toBe(before);
    return errorLines(text);
  };

  beforeAll(async () => {
    sim = await startSimulator({ auth: { clientTokens: [], adminTokens: [ADMIN_TOKEN] }, controllerDelayMs: 20, provisioningDelayMs: 300, deletionDelayMs: 50 });
    t = createTestPulumi("bad-input");
    admin = FulfillmentClient.connect(resolveConnection({ explicit: { address: sim.address, token: ADMIN_TOKEN, plaintext: true }, env: {}, cliConfigPath: `${t.workDir}/none.json` }));
    await admin.call(Hubs.method.create, { object: { id: "bad-hub", kubeconfig: Buffer.from(HUB_KUBECONFIG), namespace: "orders" } });
  });

  afterAll(async () => {
    admin?.close();
    await sim?.stop();
    t?.dispose();
  });

  it("probe", async () => {
    const cases: Array<[string, ClusterArgs]> = [
      ["size string", { template: "ocp_4_17_small", nodeSets: { workers: { size: "3" as unknown as number } } }],
      ["label number", { template: "ocp_4_17_small", labels: { team: 5 as unknown as string } }],
      ["name", { template: "ocp_4_17_small", name: "Web_1" }],
      ["timeouts", { template: "ocp_4_17_small", timeouts: { create: "10 minutes" } }],
      ["unknown template", { template: "ocp_9_99" }],
      ["unknown parameter", { template: "ocp_4_17_small", templateParameters: { bogus: 1 } }],
      ["bool param", { template: "ocp_4_17_small", templateParameters: { ha: "yes" } }],
      ["string param", { template: "ocp_4_17_small", templateParameters: { pull_secret: 42 } }],
      ["size 0", { template: "ocp_4_17_small", nodeSets: { workers: { size: 0 } } }],
      ["unknown node set", { template: "ocp_4_17_small", nodeSets: { masters: { size: 3 } } }],
      ["host class", { template: "ocp_4_17_small", nodeSets: { workers: { size: 3, hostClass: "acme_gpu" } } }],
      ["connection", { template: "ocp_4_17_small", connection: { adress: "x:1" } as never }],
    ];
    for (const [label, args] of cases) console.log(label, "=>", JSON.stringify(await previewError(args), null, 1));
    console.log("hub yaml", await previewError(async () => void new Hub("h", { hubId: "h1", kubeconfig: "/home/me/.kube/config", namespace: "orders" })));
    console.log("hub no users", await previewError(async () => void new Hub("h", { hubId: "h1", kubeconfig: "apiVersion: v1\nclusters: [{name: a, cluster: {server: 'https://x:6443'}}]\n", namespace: "orders" })));
    console.log("hub bad yaml", await previewError(async () => void new Hub("h", { hubId: "h1", kubeconfig: "users:\n- name: a\n  user: {token: sekrit-token-123456\n", namespace: "orders" })));
  }, 200_000);
});

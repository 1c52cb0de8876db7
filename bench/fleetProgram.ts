// The fleet benchmark's Pulumi program (bench/fleet.ts runs it through the engine's Node.js
// language host): `bench:clusters` Clusters, or as many engine-only resources of a Cluster's
// shape when `bench:engineBaseline` is true.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "pulumi-fulfillment";
import { CLUSTER_OUTPUTS, CLUSTER_SECRET_OUTPUTS } from "pulumi-fulfillment/dist/resources/cluster";

interface BaselineInputs {
  template: string;
  name: string;
  provisioningMs: number;
}

const BASELINE_OUTPUTS: readonly string[] = CLUSTER_OUTPUTS;

/**
 * The engine-only comparison: what a dynamic resource of a Cluster's shape (its inputs, its
 * output names and secret outputs, outputs of about its size) costs with nothing behind it:
 * create sleeps the provisioning time and prints a line, as our READY line; read returns at
 * once; delete after the simulator's 200 ms. Serialized into the state like any dynamic
 * provider, so it captures nothing but the output names.
 */
const engineBaseline: pulumi.dynamic.ResourceProvider = {
  async create(inputs: BaselineInputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.provisioningMs));
    process.stdout.write(`bench-baseline ${inputs.name}: done at ${Date.now()}\n`);
    const outs: Record<string, unknown> = { ...inputs };
    for (const key of BASELINE_OUTPUTS) outs[key] = `${key} of ${inputs.name}`;
    outs.kubeconfig = "k".repeat(1500);
    outs.conditions = ["PROGRESSING", "READY", "FAILED", "DEGRADED"].map((type) => ({ type, status: "FALSE", reason: "Reason", message: "a message of some length" }));
    return { id: inputs.name, outs };
  },
  async read(id: string, props: BaselineInputs) {
    return { id, props };
  },
  async delete() {
    await new Promise((resolve) => setTimeout(resolve, 200));
  },
};

class EngineBaseline extends pulumi.dynamic.Resource {
  constructor(name: string, args: BaselineInputs) {
    const props: Record<string, unknown> = { ...args };
    for (const output of CLUSTER_OUTPUTS) props[output] = undefined;
    super(engineBaseline, name, props, { additionalSecretOutputs: CLUSTER_SECRET_OUTPUTS });
  }
}

const config = new pulumi.Config("bench");
const clusters = config.requireNumber("clusters");
const provisioningMs = config.requireNumber("provisioningMs");
const baseline = config.getBoolean("engineBaseline") ?? false;
for (let i = 0; i < clusters; i++) {
  if (baseline) new EngineBaseline(`c${i}`, { template: "sim_small", name: `c${i}`, provisioningMs });
  else new Cluster(`c${i}`, { template: "sim_small", name: `c${i}` });
}

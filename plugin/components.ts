// The component resources the plugin constructs (Construct RPC): HubBootstrap and
// ClusterOrderCrd, the very components a TypeScript program uses. Their own resources
// (token, kubeconfig, Hub) are made as this plugin's resource types, not as dynamic
// resources: a YAML program has no Node.js dynamic provider that could load our code.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterOrderCrd } from "../components/clusterOrderCrd";
import { HubBootstrap, type HubBootstrapArgs, type HubBootstrapParts } from "../components/hubBootstrap";
import { validateInputs } from "../toolkit/common";
import { PLUGIN_VERSION } from "./version";

type Outputs = Record<string, pulumi.Output<unknown>>;

/** A resource of this plugin, registered from inside a Construct; its outputs are the props given as undefined. */
class PluginResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions, secretOutputs: string[]) {
    super(type, name, props, { version: PLUGIN_VERSION, ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...secretOutputs] });
  }
}

function outputsOf<T extends string>(resource: PluginResource, keys: readonly T[]): Record<T, pulumi.Output<never>> {
  const fields = resource as unknown as Outputs;
  return Object.fromEntries(keys.map((key) => [key, fields[key]])) as Record<T, pulumi.Output<never>>;
}

export const PLUGIN_HUB_PARTS: HubBootstrapParts = {
  token(name, args, opts) {
    const props = { ...args, kubeconfig: pulumi.secret(args.kubeconfig), token: undefined, issuedAt: undefined, expiry: undefined, renewalDue: undefined };
    const resource = new PluginResource("fulfillment:index:ServiceAccountToken", name, props, opts, ["kubeconfig", "token"]);
    return Object.assign(resource, outputsOf(resource, ["token", "expiry"] as const));
  },
  kubeconfig(name, args, opts) {
    const props = { ...args, adminKubeconfig: pulumi.secret(args.adminKubeconfig), token: pulumi.secret(args.token), kubeconfig: undefined, username: undefined, sizeBytes: undefined };
    const resource = new PluginResource("fulfillment:index:HubKubeconfig", name, props, opts, ["adminKubeconfig", "token", "kubeconfig"]);
    return Object.assign(resource, outputsOf(resource, ["kubeconfig", "username", "sizeBytes"] as const));
  },
  hub(name, args, opts) {
    const props = { ...args, project: args.project, kubeconfig: pulumi.secret(args.kubeconfig), creationTimestamp: undefined };
    const resource = new PluginResource("fulfillment:index:Hub", name, props, opts, ["kubeconfig", "connection"]);
    return Object.assign(resource, outputsOf(resource, ["hubId", "project"] as const));
  },
};

const generation = z.enum(["osac", "innabox"], { message: 'must be "osac" or "innabox"' }).optional();
const required = z.custom<pulumi.Input<unknown>>((value) => value !== undefined && value !== null && value !== "", { message: "is required" });
const anyInput = z.custom<pulumi.Input<unknown>>(() => true).optional();

/** What decides which resources the component declares must be known when it is constructed; the rest may be outputs. */
const hubBootstrapInputs = z.object({
  adminKubeconfig: required,
  hubId: required,
  namespace: z.string().optional(),
  createNamespace: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
  clusterAdmin: z.boolean().optional(),
  token: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("request"), lifetime: z.string().optional(), renewBefore: z.number().optional() }),
      z.object({ kind: z.literal("secret") }),
    ], { message: 'must be "request" or "secret"' })
    .optional(),
  server: anyInput,
  insecureSkipTlsVerify: z.boolean().optional(),
  connection: anyInput,
  hubName: anyInput,
  hubLabels: anyInput,
  project: anyInput,
  generation,
}).strict();

const clusterOrderCrdInputs = z.object({
  kubeconfig: required,
  ifExists: z.enum(["adopt", "skip", "fail"], { message: 'must be "adopt", "skip" or "fail"' }).optional(),
  generation,
}).strict();

const PLAIN_FIELDS = ["namespace", "createNamespace", "serviceAccountName", "clusterAdmin", "token", "insecureSkipTlsVerify", "generation", "ifExists"];

/** Zod at the edge; a field that must be plain but came as another resource's output (or a secret) is named with the fix. */
function parse<T>(component: string, name: string, model: z.ZodType<T>, inputs: Record<string, unknown>): T {
  const problems: string[] = [];
  for (const key of PLAIN_FIELDS) {
    if (pulumi.Output.isInstance(inputs[key])) problems.push(`${key}: must be a plain value known when the program runs (not a secret or another resource's output): it decides which resources are made`);
  }
  const { value, failures } = validateInputs(model, inputs);
  problems.push(...failures.map((f) => f.reason));
  if (problems.length || !value) throw new Error(`${component} ${name}: ${problems.join("; ")}`);
  return value;
}

export interface Constructed {
  urn: pulumi.Output<string>;
  state: pulumi.Inputs;
}

export const COMPONENT_TYPES = ["fulfillment:index:HubBootstrap", "fulfillment:index:ClusterOrderCrd"] as const;

export function constructComponent(type: string, name: string, inputs: Record<string, unknown>, opts: pulumi.ComponentResourceOptions): Constructed {
  switch (type) {
    case "fulfillment:index:HubBootstrap": {
      const args = parse("HubBootstrap", name, hubBootstrapInputs, inputs) as unknown as HubBootstrapArgs;
      const hub = new HubBootstrap(name, args, opts, PLUGIN_HUB_PARTS);
      return {
        urn: hub.urn,
        state: { hubId: hub.hubId, kubeconfig: hub.kubeconfig, tokenExpiry: hub.tokenExpiry, namespace: hub.namespace, serviceAccountName: hub.serviceAccountName },
      };
    }
    case "fulfillment:index:ClusterOrderCrd": {
      const args = parse("ClusterOrderCrd", name, clusterOrderCrdInputs, inputs) as unknown as ConstructorParameters<typeof ClusterOrderCrd>[1];
      const crd = new ClusterOrderCrd(name, args, opts);
      return { urn: crd.urn, state: { crdName: crd.crdName, preexisting: crd.preexisting } };
    }
    default:
      throw new Error(`unknown component type ${type}; this provider constructs ${COMPONENT_TYPES.join(", ")}`);
  }
}

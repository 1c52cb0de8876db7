// The package schema of `pulumi-resource-fulfillment`: what `pulumi import`, Pulumi YAML
// and `pulumi package gen-sdk` know of the resources. Property names and meanings are the
// dynamic resources' (resources/*.ts): one set of inputs, two hosts. Secrets are marked so
// every language keeps them encrypted in the state.
import { PLUGIN_VERSION } from "./version";

type Property = Record<string, unknown> & { description?: string };

const ANY = { $ref: "pulumi.json#/Any" };
const str = (description: string, extra: Property = {}): Property => ({ type: "string", description, ...extra });
const bool = (description: string): Property => ({ type: "boolean", description });
const ref = (type: string, description: string, extra: Property = {}): Property => ({ $ref: `#/types/fulfillment:index:${type}`, description, ...extra });
const stringMap = (description: string): Property => ({ type: "object", additionalProperties: { type: "string" }, description });
const mapOf = (type: string, description: string, extra: Property = {}): Property => ({
  type: "object",
  additionalProperties: { $ref: `#/types/fulfillment:index:${type}` },
  description,
  ...extra,
});

const connectionProperties: Record<string, Property> = {
  address: str("host:port of the fulfillment service's gRPC API, without a scheme (e.g. `fulfillment-api.apps.example.com:443`)."),
  token: str("Bearer token (a JWT on the osac generation); kept secret.", { secret: true }),
  tokenScript: str("A shell command that prints a token; run again when the token expires or is refused."),
  insecure: bool("TLS without verifying the server certificate: for trying things out only."),
  plaintext: bool("No TLS at all: only for a server that serves plaintext gRPC, such as the simulator."),
  caFile: str("PEM file of the CA that signed the server certificate."),
  caPem: str("PEM text of that CA."),
  deadlineSeconds: { type: "number", description: "Deadline of each call, in seconds." },
  api: str("The API generation the server speaks: `osac` (osac.public.v1), `innabox` (fulfillment.v1) or `auto` (default: asked once through gRPC reflection)."),
};

const CONNECTION = ref(
  "Connection",
  "How this resource reaches the fulfillment service; unset fields come from the provider configuration (`fulfillment:address`, ...), then the FULFILLMENT_* environment, then the fulfillment CLI's config. Kept secret.",
  { secret: true },
);
const NAME = str("A DNS label naming the object (not unique on the service).");
const LABELS = stringMap("Labels of the object, e.g. `team: platform`.");

const CLUSTER_INPUTS: Record<string, Property> = {
  template: str("Template id (e.g. `ocp_4_17_small`) or name. Changing it replaces the cluster.", { replaceOnChanges: true }),
  templateParameters: { type: "object", additionalProperties: ANY, description: "Plain values, packed into the type each template parameter declares. Changing them replaces the cluster." },
  nodeSets: mapOf("ClusterNodeSet", "Node sets by name; unset ones take the template's defaults. Sizes change in place; a node set's hostClass replaces the cluster."),
  name: NAME,
  labels: LABELS,
  connection: CONNECTION,
  timeouts: ref("ClusterTimeouts", "How long the waits take at most; the `customTimeouts` resource option takes precedence."),
  pullSecret: str("osac: registry credentials (a .dockerconfigjson document); kept secret. Changing it replaces the cluster.", { secret: true }),
  sshPublicKey: str("osac: the SSH public key for the nodes. Changing it replaces the cluster."),
  releaseImage: str("osac: the OpenShift release image. Changing it replaces the cluster."),
  network: ref("ClusterNetwork", "osac: pod and service networks, compared the way the server canonicalizes them. Changing them replaces the cluster."),
  project: str("osac: the project of the cluster's tenant (empty: its default project). Changing it replaces the cluster."),
};

const CLUSTER_OUTPUTS: Record<string, Property> = {
  ...CLUSTER_INPUTS,
  clusterId: str("The cluster's id on the service."),
  templateId: str("The template id the server resolved `template` to."),
  effectiveTemplateParameters: { type: "object", additionalProperties: ANY, description: "Every parameter as the server stores it, defaults included; kept secret.", secret: true },
  parameterTypes: stringMap("Type URL of each stored parameter."),
  effectiveNodeSets: mapOf("NodeSetState", "Every node set as the server stores it (defaults and host class ids filled in)."),
  observedNodeSets: mapOf("NodeSetState", "Node sets as the hub reports them."),
  state: str("UNSPECIFIED, PROGRESSING, READY or FAILED."),
  conditions: { type: "array", items: { $ref: "#/types/fulfillment:index:ClusterCondition" }, description: "The cluster's conditions." },
  apiUrl: str("URL of the cluster's API server."),
  consoleUrl: str("URL of the cluster's web console."),
  hub: str("The hub the cluster landed on; empty unless the token may read the admin API."),
  kubeconfig: str("Admin kubeconfig of the cluster, once READY; kept secret.", { secret: true }),
  password: str("Admin password of the cluster, once READY; kept secret.", { secret: true }),
  templateDefaults: ref("TemplateDefaults", "The template's defaults when the cluster was last read, to tell defaults from choices."),
  effectiveReleaseImage: str("osac: the release image as stored (server default included)."),
  effectiveSshPublicKey: str("osac: the SSH public key as stored."),
  effectiveNetwork: ref("ClusterNetwork", "osac: the networks as stored (canonical CIDRs)."),
};

const TEMPLATE_INPUTS: Record<string, Property> = {
  templateId: str("The template id clusters order (e.g. `ocp_4_17_small`). Changing it replaces the template.", { replaceOnChanges: true }),
  title: str("Title shown to users, e.g. 'OpenShift 4.17 small'."),
  description: str("Markdown."),
  parameters: { type: "array", items: { $ref: "#/types/fulfillment:index:TemplateParameter" }, description: "Parameters clusters of this template take." },
  nodeSets: mapOf("TemplateNodeSet", "Default node sets of clusters of this template."),
  name: NAME,
  labels: LABELS,
  connection: CONNECTION,
};

const HOST_CLASS_INPUTS: Record<string, Property> = {
  hostClassId: str("The id template node sets name as their `hostClass` (e.g. `acme_1tib`). Changing it replaces the host class.", { replaceOnChanges: true }),
  title: str("Title, e.g. 'ACME 1 TiB'."),
  description: str("Markdown."),
  name: NAME,
  labels: LABELS,
  connection: CONNECTION,
};

const HUB_INPUTS: Record<string, Property> = {
  hubId: str("The id the hub is registered under (e.g. `prod-hub-01`). Changing it replaces the hub.", { replaceOnChanges: true }),
  kubeconfig: str("The kubeconfig's content (not a path); kept secret.", { secret: true }),
  namespace: str("Namespace in the hub where the service creates ClusterOrder objects."),
  name: NAME,
  labels: LABELS,
  connection: ref("Connection", "Hubs live in the admin API: the token must be an admin's. Kept secret.", { secret: true }),
};

function resource(description: string, inputs: Record<string, Property>, outputs: Record<string, Property>, requiredInputs: string[], required: string[]) {
  return { description, inputProperties: inputs, requiredInputs, properties: outputs, required };
}

function objectType(description: string, properties: Record<string, Property>, required: string[] = []) {
  return { type: "object", description, properties, ...(required.length ? { required } : {}) };
}

/** The schema as an object; GetSchema serves it as JSON, `pulumi package gen-sdk` reads it from schema/schema.json. */
export function packageSchema(): Record<string, unknown> {
  return {
    name: "fulfillment",
    displayName: "OSAC cluster fulfillment",
    version: PLUGIN_VERSION,
    description: "Hubs, host classes, cluster templates and OpenShift clusters of the OSAC cluster fulfillment service (osac and innabox generations).",
    keywords: ["pulumi", "fulfillment", "osac", "openshift", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-fulfillment",
    config: {
      variables: connectionProperties,
    },
    provider: {
      description: "The fulfillment provider: where the service is and how to authenticate. Every setting is optional (environment: FULFILLMENT_ADDRESS, FULFILLMENT_TOKEN, ...; then the fulfillment CLI's config).",
      inputProperties: connectionProperties,
    },
    types: {
      "fulfillment:index:Connection": objectType("How a resource reaches the fulfillment service.", connectionProperties),
      "fulfillment:index:ClusterNodeSet": objectType("A node set of a cluster as the program declares it.", {
        size: { type: "integer", description: "Number of hosts; may change in place." },
        hostClass: str("Host class id or name; must match the template's. Changing it replaces the cluster."),
      }, ["size"]),
      "fulfillment:index:NodeSetState": objectType("A node set as stored or observed.", {
        size: { type: "integer", description: "Number of hosts." },
        hostClass: str("Host class id."),
      }, ["size", "hostClass"]),
      "fulfillment:index:ClusterTimeouts": objectType("Durations such as `45m` or `1h30m`.", {
        create: str("How long create waits for READY. Default 60m."),
        update: str("How long a resize waits for the node sets to converge. Default 30m."),
        delete: str("How long delete waits until the service has removed the cluster. Default 30m."),
      }),
      "fulfillment:index:ClusterNetwork": objectType("osac: the cluster's networks.", {
        podCidr: str("e.g. 10.128.0.0/14"),
        serviceCidr: str("e.g. 172.30.0.0/16"),
      }),
      "fulfillment:index:ClusterCondition": objectType("A condition of a cluster.", {
        type: str("e.g. Ready."),
        status: str("True, False or Unknown."),
        reason: str("Machine-readable reason."),
        message: str("Human-readable message."),
        lastTransitionTime: str("RFC 3339 time."),
      }, ["type", "status"]),
      "fulfillment:index:TemplateDefaults": objectType("A template's defaults.", {
        parameters: { type: "object", additionalProperties: ANY, description: "Default parameter values." },
        nodeSets: mapOf("NodeSetState", "Default node sets."),
      }),
      "fulfillment:index:TemplateParameter": objectType("A parameter of a cluster template.", {
        name: str("e.g. `pull_secret`."),
        title: str("Title."),
        description: str("Description."),
        required: bool("Whether clusters must set it."),
        type: str("bool, int32, int64, float, double, string, timestamp, duration, bytes, json, or a full type URL."),
        default: { ...ANY, description: "A plain value of that type." },
      }, ["name", "type"]),
      "fulfillment:index:TemplateNodeSet": objectType("A default node set of a template.", {
        hostClass: str("Host class id, e.g. `acme_1tib`."),
        size: { type: "integer", description: "Number of hosts." },
      }, ["hostClass", "size"]),
    },
    resources: {
      "fulfillment:index:Cluster": resource(
        "An OpenShift cluster ordered from the fulfillment service. Create waits until the cluster is READY (bounded by `customTimeouts.create`, else `timeouts.create`), a resize until the hub reports the new sizes, delete until the service has removed it; the id reaches the state even when a wait fails.",
        CLUSTER_INPUTS,
        CLUSTER_OUTPUTS,
        ["template"],
        ["template", "clusterId", "templateId", "state", "apiUrl", "consoleUrl", "hub", "kubeconfig", "password"],
      ),
      "fulfillment:index:ClusterTemplate": resource("What clusters can be ordered. Writing templates takes an admin token.", TEMPLATE_INPUTS, TEMPLATE_INPUTS, ["templateId", "title", "nodeSets"], ["templateId", "title", "nodeSets"]),
      "fulfillment:index:HostClass": resource(
        "A kind of host that template node sets are made of (HostType on the osac generation). Writing host classes takes an admin token.",
        HOST_CLASS_INPUTS,
        HOST_CLASS_INPUTS,
        ["hostClassId", "title"],
        ["hostClassId", "title"],
      ),
      "fulfillment:index:Hub": resource(
        "A management cluster registered with the fulfillment service (admin API).",
        HUB_INPUTS,
        { ...HUB_INPUTS, creationTimestamp: str("When the hub was registered.") },
        ["hubId", "kubeconfig", "namespace"],
        ["hubId", "kubeconfig", "namespace", "creationTimestamp"],
      ),
    },
    language: {
      nodejs: {
        packageName: "@pulumi-fulfillment/sdk",
        packageDescription: "Generated TypeScript SDK of the fulfillment provider plugin (pulumi-resource-fulfillment).",
        dependencies: { "@pulumi/pulumi": "3.270.0" },
        respectSchemaVersion: true,
      },
    },
  };
}

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
  clientId: str("osac: an OAuth client id; with clientSecret, tokens come from the issuer by the client credentials grant."),
  clientSecret: str("osac: the OAuth client's secret; kept secret.", { secret: true }),
  issuer: str("osac: the OAuth issuer (an https URL); default: the first issuer the server trusts."),
  scopes: str("osac: OAuth scopes to ask for, separated by spaces or commas."),
  insecure: bool("TLS without verifying the server certificate: for trying things out only."),
  plaintext: bool("No TLS at all: only for a server that serves plaintext gRPC, such as the simulator."),
  caFile: str("PEM file of the CA that signed the server certificate."),
  caPem: str("PEM text of that CA."),
  deadlineSeconds: { type: "number", description: "Deadline of each call, in seconds." },
  api: str("The API generation the server speaks: `osac` (osac.public.v1), `innabox` (fulfillment.v1) or `auto` (default: asked once through gRPC reflection)."),
};

/** A resource's `connection` takes the scopes as a list; configuration (strings) as one string. */
const connectionTypeProperties: Record<string, Property> = {
  ...connectionProperties,
  scopes: { type: "array", items: { type: "string" }, description: "osac: OAuth scopes to ask for, e.g. `[\"openid\"]`." },
};

const CONNECTION = ref(
  "Connection",
  "How this resource reaches the fulfillment service; unset fields come from the provider configuration (`fulfillment:address`, ...), then the FULFILLMENT_* environment, then the fulfillment CLI's config. Kept secret.",
  { secret: true },
);
const NAME = str("A DNS label naming the object (not unique on the service).");
const LABELS = stringMap("Labels of the object, e.g. `team: platform`.");
const objectProject = (what: string) =>
  str(`osac: the project of the ${what}'s tenant (empty or left out: its default project). Changing it replaces the ${what}; an innabox server refuses it.`, { replaceOnChanges: true });

const CLUSTER_INPUTS: Record<string, Property> = {
  template: str("Template id (e.g. `ocp_4_17_small`) or name; give this or `catalogItem`. Changing it replaces the cluster.", { replaceOnChanges: true }),
  catalogItem: str("osac: order from a catalog item (id or name) instead of a template; its field definitions say what else may be set. Changing it replaces the cluster.", {
    replaceOnChanges: true,
  }),
  templateParameters: { type: "object", additionalProperties: ANY, description: "Plain values, packed into the type each template parameter declares. Changing them replaces the cluster." },
  nodeSets: mapOf("ClusterNodeSet", "Node sets by name; unset ones take the template's defaults. Sizes change in place; a node set's hostType (hostClass) replaces the cluster."),
  name: NAME,
  labels: LABELS,
  connection: CONNECTION,
  timeouts: ref("ClusterTimeouts", "How long the waits take at most; the `customTimeouts` resource option takes precedence."),
  pullSecret: str("osac: registry credentials (a .dockerconfigjson document); kept secret. Changing it replaces the cluster.", { secret: true }),
  sshPublicKey: str("osac: the SSH public key for the nodes. Changing it replaces the cluster."),
  releaseImage: str("osac: the OpenShift release image. A change is an upgrade in place: the update waits until the cluster is READY again at the new image."),
  network: ref("ClusterNetwork", "osac: pod and service networks, compared the way the server canonicalizes them. Changing them replaces the cluster."),
  project: str("osac: the project of the cluster's tenant (empty: its default project). Changing it replaces the cluster."),
  tenant: str("osac: the tenant to put the cluster in (default: the caller's). Changing it replaces the cluster."),
  networkAttachment: ref("ClusterNetworkAttachment", "osac: attach the cluster to an existing subnet (changing it replaces the cluster) with these security groups (changed in place)."),
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
  effectiveTenant: str("osac: the tenant the server put the cluster in."),
  effectiveNetworkAttachment: ref("ClusterNetworkAttachment", "osac: the network attachment as stored."),
};

const TEMPLATE_INPUTS: Record<string, Property> = {
  templateId: str("The template id clusters order (e.g. `ocp_4_17_small`). Changing it replaces the template.", { replaceOnChanges: true }),
  title: str("Title shown to users, e.g. 'OpenShift 4.17 small'."),
  description: str("Markdown."),
  parameters: { type: "array", items: { $ref: "#/types/fulfillment:index:TemplateParameter" }, description: "Parameters clusters of this template take." },
  nodeSets: mapOf("TemplateNodeSet", "Default node sets of clusters of this template."),
  name: NAME,
  labels: LABELS,
  project: objectProject("template"),
  connection: CONNECTION,
};

const HOST_CLASS_INPUTS: Record<string, Property> = {
  hostClassId: str("The id template node sets name as their `hostClass` (e.g. `acme_1tib`). Changing it replaces the host class.", { replaceOnChanges: true }),
  title: str("Title, e.g. 'ACME 1 TiB'."),
  description: str("Markdown."),
  name: NAME,
  labels: LABELS,
  project: objectProject("host class"),
  connection: CONNECTION,
};

const HUB_INPUTS: Record<string, Property> = {
  hubId: str("The id the hub is registered under (e.g. `prod-hub-01`). Changing it replaces the hub.", { replaceOnChanges: true }),
  kubeconfig: str("The kubeconfig's content (not a path); kept secret.", { secret: true }),
  namespace: str("Namespace in the hub where the service creates ClusterOrder objects."),
  name: NAME,
  labels: LABELS,
  project: objectProject("hub"),
  connection: ref("Connection", "Hubs live in the admin API: the token must be an admin's. Kept secret.", { secret: true }),
};

const FIELD_DEFINITION_INPUTS: Record<string, Property> = {
  path: str("Dot path into the cluster spec with the API's names: `node_sets.workers.size`, `template_parameters.ha`, `ssh_public_key`, ..."),
  displayName: str("The name users see for the field."),
  editable: bool("Whether users may set the field; a field that is not editable needs a default. Default false."),
  default: { ...ANY, description: "Plain JSON applied when the user gives no value." },
  validationSchema: { ...ANY, description: "A JSON Schema 2020-12, as an object or its JSON text, that user values must satisfy." },
};

const CATALOG_ITEM_INPUTS: Record<string, Property> = {
  catalogItemId: str("The id clusters order as `catalogItem` (e.g. `small-dev`). Changing it replaces the item.", { replaceOnChanges: true }),
  title: str("Title shown to users, e.g. 'Small development cluster'."),
  description: str("Markdown."),
  template: str("The template id clusters of this item are made from."),
  published: bool("Only published items can be ordered (and listed by users). Default false, as on the server."),
  fieldDefinitions: { type: "array", items: { $ref: "#/types/fulfillment:index:FieldDefinition" }, description: "The fields users may (or may not) set; with none, users may set anything." },
  name: NAME,
  labels: LABELS,
  project: str("The project of the item's tenant (empty: its default project). Changing it replaces the item.", { replaceOnChanges: true }),
  connection: ref("Connection", "Writing catalog items takes an admin or tenant-admin token. Kept secret.", { secret: true }),
};

const CLUSTER_VERSION_INPUTS: Record<string, Property> = {
  version: str("SemVer 2.0.0, e.g. `4.17.0`. Changing it replaces the version; `pulumi import` and the `import` option find a version by it or by its id.", { replaceOnChanges: true }),
  image: str("The OCI release image, e.g. `quay.io/openshift-release-dev/ocp-release:4.17.0-multi`. Changing it replaces the version.", { replaceOnChanges: true }),
  enabled: bool("Whether new clusters may select it. Default true."),
  default: bool("The default for new clusters; setting it clears the previous default."),
  state: str("ACTIVE (default), DEPRECATED or OBSOLETE."),
  allowedUpgrades: { type: "array", items: { type: "string" }, description: "Names (`name`) of the versions clusters on this one may upgrade to." },
  name: str("`metadata.name`; default `<version with '-'>-<4 hex>` (e.g. `4-17-0-e769`), chosen by the server. Changing it replaces the version.", { replaceOnChanges: true }),
  labels: LABELS,
  connection: ref("Connection", "Cluster versions live in the admin API: the token must be an admin's. Kept secret.", { secret: true }),
};

const TOKEN_INPUTS: Record<string, Property> = {
  kubeconfig: str("Admin kubeconfig content; kept secret.", { secret: true }),
  namespace: str("The service account's namespace."),
  serviceAccountName: str("The service account the token is for."),
  serviceAccountUid: str("The service account's uid: a re-created account gets a new token on the next `up`."),
  lifetime: str("e.g. `24h` (default), at least `10m`."),
  renewBefore: { type: "number", description: "Renew when less than this share of the lifetime is left (default 0.25)." },
  audiences: { type: "array", items: { type: "string" }, description: "Audiences of the token (default: the API server's)." },
};

const HUB_KUBECONFIG_INPUTS: Record<string, Property> = {
  adminKubeconfig: str("Admin kubeconfig content, for the server URL, its CA and the access checks; kept secret.", { secret: true }),
  token: str("The service account token the kubeconfig carries; kept secret.", { secret: true }),
  namespace: str("The hub namespace (the kubeconfig context's)."),
  clusterName: str("Name of the cluster and context entries (e.g. the hub id)."),
  userName: str("Name of the user entry (e.g. the service account)."),
  server: str("The API server URL as the fulfillment service reaches it; default: the admin kubeconfig's."),
  insecureSkipTlsVerify: bool("Register a kubeconfig that does not verify the API server's certificate."),
  accessChecks: { type: "array", items: { $ref: "#/types/fulfillment:index:AccessCheck" }, description: "What the token must be allowed, checked with SelfSubjectAccessReviews." },
};

const GENERATION = str("The service's API generation, `osac` or `innabox` (default): decides the ClusterOrder API group (`osac.openshift.io` or `cloudkit.openshift.io`).");

const HUB_BOOTSTRAP_INPUTS: Record<string, Property> = {
  adminKubeconfig: str("Admin kubeconfig content (not a path) of the Kubernetes cluster to make a hub; kept secret, used only to set the hub up.", { secret: true }),
  hubId: str("The id the hub is registered under (e.g. `prod-hub-01`)."),
  namespace: str("Where ClusterOrders are created. Default `cloudkit-orders`."),
  createNamespace: bool("Create the namespace (default true); false when the hub's operator already made it."),
  serviceAccountName: str("Default `fulfillment-hub`."),
  clusterAdmin: bool("Bind cluster-admin instead of the least-privilege Role. Default false."),
  token: ref("HubToken", "How the service account's token is made. Default `{ kind: request, lifetime: 24h, renewBefore: 0.25 }`."),
  server: str("The API server URL as the fulfillment service reaches it; default: the admin kubeconfig's server."),
  insecureSkipTlsVerify: bool("Register a kubeconfig that does not verify the API server's certificate. Only when asked for."),
  connection: ref("Connection", "How the Hub registration reaches the fulfillment service (an admin token). Kept secret.", { secret: true }),
  hubName: str("Name of the Hub registration."),
  hubLabels: stringMap("Labels of the Hub registration."),
  project: str("osac: the project of the Hub registration (empty or left out: the tenant's default project). Changing it replaces the hub; an innabox server refuses it."),
  generation: GENERATION,
};

const HUB_BOOTSTRAP_OUTPUTS: Record<string, Property> = {
  hubId: str("The registered hub's id."),
  kubeconfig: str("The minimal kubeconfig registered with the hub (server URL, CA data, token); kept secret.", { secret: true }),
  tokenExpiry: str("RFC 3339 expiry of the requested token; empty for a token Secret."),
  namespace: str("The hub namespace."),
  serviceAccountName: str("The hub's service account."),
};

const CLUSTER_ORDER_CRD_INPUTS: Record<string, Property> = {
  kubeconfig: str("Admin kubeconfig content; kept secret.", { secret: true }),
  ifExists: str("When the API server has the CRD and this stack did not create it: `adopt` (default: apply this definition over it, left on destroy), `skip` (leave it as it is) or `fail`."),
  generation: GENERATION,
};

function component(description: string, inputs: Record<string, Property>, outputs: Record<string, Property>, requiredInputs: string[], required: string[]) {
  return { isComponent: true, ...resource(description, inputs, outputs, requiredInputs, required) };
}

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
      "fulfillment:index:Connection": objectType("How a resource reaches the fulfillment service.", connectionTypeProperties),
      "fulfillment:index:ClusterNodeSet": objectType("A node set of a cluster as the program declares it.", {
        size: { type: "integer", description: "Number of hosts; may change in place." },
        hostType: str("Host type id or name; must match the template's. Changing it replaces the cluster."),
        hostClass: str("The innabox spelling of `hostType` (give one of them); switching spellings with the same value changes nothing."),
      }, ["size"]),
      "fulfillment:index:NodeSetState": objectType("A node set as stored or observed.", {
        size: { type: "integer", description: "Number of hosts." },
        hostType: str("Host type id (the osac spelling)."),
        hostClass: str("Host class id (the same id, in the spelling existing stacks read)."),
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
      "fulfillment:index:ClusterNetworkAttachment": objectType("osac: an existing subnet and the security groups a cluster attaches to.", {
        subnet: str("The id of an existing Subnet. Changing it replaces the cluster."),
        securityGroups: { type: "array", items: { type: "string" }, description: "Security group ids; changed in place." },
      }, ["subnet"]),
      "fulfillment:index:FieldDefinition": objectType("A field of a cluster spec that a catalog item lets users set (or fixes).", FIELD_DEFINITION_INPUTS, ["path"]),
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
      "fulfillment:index:AccessCheck": objectType("An access the hub kubeconfig must have (a SelfSubjectAccessReview).", {
        verb: str("e.g. `create`."),
        group: str("API group, e.g. `osac.openshift.io`; empty for the core group."),
        resource: str("e.g. `clusterorders`."),
        namespace: str("Where; empty for cluster-wide."),
      }, ["verb", "resource"]),
      "fulfillment:index:HubToken": objectType("How HubBootstrap makes the service account's token.", {
        kind: str("`request`: a bound token from the TokenRequest API, renewed by `up`; `secret`: a long-lived token Secret filled by the controller manager."),
        lifetime: str("request: the token's lifetime, e.g. `24h` (default), at least `10m`."),
        renewBefore: { type: "number", description: "request: renew when less than this share of the lifetime is left (default 0.25)." },
      }, ["kind"]),
      "fulfillment:index:TemplateNodeSet": objectType("A default node set of a template.", {
        hostType: str("Host type id, e.g. `acme_1tib`."),
        hostClass: str("The innabox spelling of `hostType` (give one of them)."),
        size: { type: "integer", description: "Number of hosts." },
      }, ["size"]),
    },
    resources: {
      "fulfillment:index:Cluster": resource(
        "An OpenShift cluster ordered from the fulfillment service. Create waits until the cluster is READY (bounded by `customTimeouts.create`, else `timeouts.create`), a resize until the hub reports the new sizes, delete until the service has removed it; the id reaches the state even when a wait fails.",
        CLUSTER_INPUTS,
        CLUSTER_OUTPUTS,
        [],
        ["clusterId", "templateId", "state", "apiUrl", "consoleUrl", "hub", "kubeconfig", "password"],
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
      "fulfillment:index:ClusterCatalogItem": resource(
        "osac: an offering of clusters of one template, with the fields users may set (ClusterCatalogItems). Writing catalog items takes an admin or tenant-admin token.",
        CATALOG_ITEM_INPUTS,
        { ...CATALOG_ITEM_INPUTS, tenant: str("The tenant the item lives in: its clusters' users must see it.") },
        ["catalogItemId", "title", "template"],
        ["catalogItemId", "title", "template", "tenant"],
      ),
      "fulfillment:index:ClusterVersion": resource(
        "osac: a release admins publish (osac.private.v1.ClusterVersions). The server picks the id and, unless given, the name.",
        CLUSTER_VERSION_INPUTS,
        { ...CLUSTER_VERSION_INPUTS, clusterVersionId: str("The version's id on the service.") },
        ["version", "image"],
        ["clusterVersionId", "version", "image", "enabled", "default", "state", "allowedUpgrades", "name"],
      ),
      "fulfillment:index:ServiceAccountToken": resource(
        "A bound service-account token from the TokenRequest API (HubBootstrap's), renewed by `up` once less than `renewBefore` of its lifetime is left.",
        TOKEN_INPUTS,
        { ...TOKEN_INPUTS, token: str("The token; kept secret.", { secret: true }), issuedAt: str("RFC 3339."), expiry: str("RFC 3339 time the token stops working."), renewalDue: bool("Whether the next `up` renews it.") },
        ["kubeconfig", "namespace", "serviceAccountName"],
        ["kubeconfig", "namespace", "serviceAccountName", "token", "issuedAt", "expiry", "renewalDue"],
      ),
      "fulfillment:index:HubKubeconfig": resource(
        "The minimal hub kubeconfig (server URL, CA data, token; under 4 KiB), proven to authenticate and to be allowed what the service does (HubBootstrap's).",
        HUB_KUBECONFIG_INPUTS,
        { ...HUB_KUBECONFIG_INPUTS, kubeconfig: str("The kubeconfig; kept secret.", { secret: true }), username: str("Who it authenticates as."), sizeBytes: { type: "integer", description: "Its size." } },
        ["adminKubeconfig", "token", "namespace", "clusterName", "userName"],
        ["adminKubeconfig", "token", "namespace", "clusterName", "userName", "kubeconfig", "username", "sizeBytes"],
      ),
      "fulfillment:index:HubBootstrap": component(
        "Turns a Kubernetes cluster into a hub from an admin kubeconfig: the ClusterOrder namespace, a service account, least-privilege RBAC, a token, a verified minimal kubeconfig, and the Hub registration (children of the component; the Kubernetes objects through an explicit @pulumi/kubernetes provider).",
        HUB_BOOTSTRAP_INPUTS,
        HUB_BOOTSTRAP_OUTPUTS,
        ["adminKubeconfig", "hubId"],
        ["hubId", "kubeconfig", "namespace", "serviceAccountName"],
      ),
      "fulfillment:index:ClusterOrderCrd": component(
        "The ClusterOrder CRD for a bare Kubernetes API server acting as a hub (a hub's operator brings its own); waits until it is Established.",
        CLUSTER_ORDER_CRD_INPUTS,
        { crdName: str("e.g. `clusterorders.osac.openshift.io`."), preexisting: bool("True when the CRD was there before this stack (adopted or skipped): destroy leaves it.") },
        ["kubeconfig"],
        ["crdName", "preexisting"],
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

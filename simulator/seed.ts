// A catalogue to start from, so a fresh simulator can take a cluster order at once.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, BoolValueSchema, StringValueSchema, timestampNow } from "@bufbuild/protobuf/wkt";
import {
  ClusterTemplateParameterDefinitionSchema,
  ClusterTemplateSchema,
} from "../proto/gen/private/v1/cluster_template_type_pb";
import { HostClassSchema } from "../proto/gen/private/v1/host_class_type_pb";
import { MetadataSchema } from "../proto/gen/private/v1/metadata_type_pb";
import type { Store } from "./store";

const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const STRING = "type.googleapis.com/google.protobuf.StringValue";

const metadata = () => create(MetadataSchema, { creationTimestamp: timestampNow(), creators: ["system"], tenants: ["shared"] });


type ParameterInit = MessageInitShape<typeof ClusterTemplateParameterDefinitionSchema>;

function parameters(full: boolean): ParameterInit[] {
  const list: ParameterInit[] = [
    {
      name: "ha",
      title: "Highly available control plane",
      description: "Run three control plane replicas instead of one.",
      required: false,
      type: BOOL,
      default: anyPack(BoolValueSchema, create(BoolValueSchema, { value: false })),
    },
  ];
  if (!full) return list;
  return [
    ...list,
    {
      name: "pull_secret",
      title: "Pull secret",
      description: "Registry credentials (a `.dockerconfigjson` document) used to pull the release images.",
      required: false,
      type: STRING,
    },
    {
      name: "release",
      title: "OpenShift release",
      description: "The OpenShift release to install, for example `4.17.0`.",
      required: false,
      type: STRING,
      default: anyPack(StringValueSchema, create(StringValueSchema, { value: "4.17.0" })),
    },
  ];
}

/**
 * What seeds a fresh state: "server" is exactly what the real server starts with (one
 * template, no host classes); "catalog" adds a test catalogue of host classes and
 * templates with node sets, for tests that need them ready-made.
 */
export type SeedKind = "server" | "catalog";

const INT32 = "type.googleapis.com/google.protobuf.Int32Value";

/** The real innabox server's own seed: `ocp_4_17_small` with three example parameters and no node sets. */
function seedServer(store: Store): void {
  const template: MessageInitShape<typeof ClusterTemplateSchema> = {
    id: "ocp_4_17_small",
    title: "OpenShift 4.17 small",
    description: "OpenShift 4.17 with `small` instances as worker nodes.",
    parameters: [
      { name: "my_bool", title: "My bool", description: "My bool.", required: false, type: BOOL },
      { name: "my_int", title: "My int", description: "My int.", required: false, type: INT32 },
      { name: "my_string", title: "My string", description: "My string.", required: false, type: STRING },
    ],
    nodeSets: {},
  };
  store.templates.set(template.id!, create(ClusterTemplateSchema, { ...template, metadata: metadata() }));
}

export function seed(store: Store, kind: SeedKind = "server"): void {
  seedServer(store);
  if (kind === "catalog") seedCatalog(store);
}

function seedCatalog(store: Store): void {
  const hostClasses = [
    {
      id: "acme_1tib",
      title: "ACME 1 TiB",
      description: "ACME general purpose server: 2 × 64-core CPUs, **1 TiB** of RAM, 4 × 3.84 TB NVMe.",
    },
    {
      id: "acme_gpu",
      title: "ACME GPU",
      description: "ACME accelerated server: 2 × 48-core CPUs, 512 GiB of RAM and **4 × 80 GB GPUs** for AI workloads.",
    },
  ];
  for (const init of hostClasses) {
    store.hostClasses.set(init.id, create(HostClassSchema, { ...init, metadata: metadata() }));
  }

  const templates: MessageInitShape<typeof ClusterTemplateSchema>[] = [
    {
      id: "sim_small",
      title: "OpenShift 4.17, small",
      description:
        "# OpenShift 4.17, small\n\nA hosted control plane with **two** `acme_1tib` workers. Good for development and CI.",
      parameters: parameters(true),
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
    },
    {
      id: "sim_medium",
      title: "OpenShift 4.17, medium",
      description:
        "# OpenShift 4.17, medium\n\nA hosted control plane with **three** `acme_1tib` workers, for staging and small production workloads.",
      parameters: parameters(true),
      nodeSets: { workers: { hostClass: "acme_1tib", size: 3 } },
    },
    {
      id: "sim_gpu",
      title: "OpenShift 4.17 with GPUs",
      description:
        "# OpenShift 4.17 with GPUs\n\nTwo `acme_1tib` workers plus one `acme_gpu` node in its own node set `gpu`, for model serving and training.",
      parameters: parameters(false),
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 }, gpu: { hostClass: "acme_gpu", size: 1 } },
    },
  ];
  for (const init of templates) {
    store.templates.set(init.id!, create(ClusterTemplateSchema, { ...init, metadata: metadata() }));
  }
}

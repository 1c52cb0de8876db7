// What a fresh osac state holds. "server": nothing but the built-in tenants (`system`,
// `shared`, each with its default project ''), which live in the Directory, not the store.
// "catalog": the simulator's test catalogue (host types and templates with node sets), in
// tenant `shared`, created by `system`, as the innabox catalogue seed.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, BoolValueSchema, StringValueSchema, timestampNow } from "@bufbuild/protobuf/wkt";
import { ClusterTemplateSchema } from "../../proto/gen/osac/private/v1/cluster_template_type_pb";
import { HostTypeSchema } from "../../proto/gen/osac/private/v1/host_type_type_pb";
import { MetadataSchema } from "../../proto/gen/osac/private/v1/metadata_type_pb";
import type { SeedKind } from "../seed";
import type { Store } from "../store";
import { osacCollections } from "./model";

const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const STRING = "type.googleapis.com/google.protobuf.StringValue";

const metadata = () => create(MetadataSchema, { creationTimestamp: timestampNow(), creator: "system", tenant: "shared", version: 0 });

type TemplateInit = MessageInitShape<typeof ClusterTemplateSchema>;

const parameters: TemplateInit["parameters"] = [
  {
    name: "ha",
    title: "Highly available control plane",
    description: "Run three control plane replicas instead of one.",
    required: false,
    type: BOOL,
    default: anyPack(BoolValueSchema, create(BoolValueSchema, { value: false })),
  },
  {
    // The same catalogue as the innabox simulator's, so one test source serves both
    // generations (on osac a cluster's own pull secret is `spec.pull_secret`).
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

export function seedOsac(store: Store, kind: SeedKind = "server"): void {
  if (kind !== "catalog") return;
  const { hostClasses, templates } = osacCollections(store);
  for (const init of [
    { id: "acme_1tib", title: "ACME 1 TiB", description: "ACME general purpose server: 2 × 64-core CPUs, **1 TiB** of RAM, 4 × 3.84 TB NVMe." },
    { id: "acme_gpu", title: "ACME GPU", description: "ACME accelerated server: 2 × 48-core CPUs, 512 GiB of RAM and **4 × 80 GB GPUs** for AI workloads." },
  ]) {
    hostClasses.set(init.id, create(HostTypeSchema, { ...init, metadata: metadata() }));
  }
  const inits: TemplateInit[] = [
    {
      id: "sim_small",
      title: "OpenShift 4.17, small",
      description: "# OpenShift 4.17, small\n\nA hosted control plane with **two** `acme_1tib` workers. Good for development and CI.",
      parameters,
      nodeSets: { workers: { hostType: "acme_1tib", size: 2 } },
    },
    {
      id: "sim_medium",
      title: "OpenShift 4.17, medium",
      description: "# OpenShift 4.17, medium\n\nA hosted control plane with **three** `acme_1tib` workers, for staging and small production workloads.",
      parameters,
      nodeSets: { workers: { hostType: "acme_1tib", size: 3 } },
    },
    {
      id: "sim_gpu",
      title: "OpenShift 4.17 with GPUs",
      description: "# OpenShift 4.17 with GPUs\n\nTwo `acme_1tib` workers plus one `acme_gpu` node in its own node set `gpu`.",
      parameters,
      nodeSets: { workers: { hostType: "acme_1tib", size: 2 }, gpu: { hostType: "acme_gpu", size: 1 } },
    },
  ];
  for (const init of inits) templates.set(init.id!, create(ClusterTemplateSchema, { ...init, metadata: metadata() }));
}

// Cluster Create and Update rules of the real server, with its exact messages:
// template lookup, host classes, node sets, parameters, defaulting and immutables.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, anyUnpack, BoolValueSchema, Int32ValueSchema, StringValueSchema, type Any } from "@bufbuild/protobuf/wkt";
import { startSimulator, type Simulator } from "../../simulator";
import { Clusters } from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import { ClusterSchema } from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import { ClusterTemplates } from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import { HostClasses } from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import { grpcError, RawClient } from "../helpers/grpcRaw";

const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const STRING = "type.googleapis.com/google.protobuf.StringValue";
const INT32 = "type.googleapis.com/google.protobuf.Int32Value";
const str = (value: string) => anyPack(StringValueSchema, create(StringValueSchema, { value }));
const bool = (value: boolean) => anyPack(BoolValueSchema, create(BoolValueSchema, { value }));

let sim: Simulator;
let api: RawClient;

beforeAll(async () => {
  // Nothing here depends on the controller; keep it (and deletions) out of the way.
  sim = await startSimulator({ api: "innabox", seed: "catalog", hubs: "simulated", controllerDelayMs: 60_000, deletionDelayMs: 60_000 });
  api = new RawClient(sim.address);
  await api.call(HostClasses.method.create, { object: { id: "hc-big", metadata: { name: "big" }, title: "Big" } });
  await api.call(ClusterTemplates.method.create, {
    object: {
      id: "ocp_small",
      metadata: { name: "small" },
      parameters: [
        { name: "ha", type: BOOL, default: bool(false) },
        { name: "pull_secret", type: STRING, required: true },
      ],
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
    },
  });
  await api.call(ClusterTemplates.method.create, {
    object: {
      id: "two_sets",
      parameters: [{ name: "note", type: STRING }],
      nodeSets: { workers: { hostClass: "big", size: 3 }, gpu: { hostClass: "acme_gpu", size: 1 } },
    },
  });
});

afterAll(async () => {
  api.close();
  await sim.stop();
});

type ClusterInit = MessageInitShape<typeof ClusterSchema>;
const createCluster = (object: ClusterInit) => api.call(Clusters.method.create, { object });
type SpecExtra = { templateParameters?: Record<string, Any>; nodeSets?: Record<string, { hostClass?: string; size?: number }> };
const small = (extra: SpecExtra = {}): ClusterInit => ({
  spec: { template: "ocp_small", templateParameters: { pull_secret: str("{}") }, ...extra },
});

async function expectInvalid(object: ClusterInit, code: grpc.status, message: string) {
  const error = await grpcError(createCluster(object));
  expect({ code: error.code, details: error.details }).toEqual({ code, details: message });
}

describe("create: template", () => {
  test("by id or by name; stored as the id", async () => {
    const byId = await createCluster(small());
    expect(byId.object?.spec?.template).toBe("ocp_small");
    const byName = await createCluster({ spec: { template: "small", templateParameters: { pull_secret: str("{}") } } });
    expect(byName.object?.spec?.template).toBe("ocp_small");
  });

  test("missing, unknown, ambiguous, being deleted", async () => {
    await expectInvalid({ spec: {} }, grpc.status.INVALID_ARGUMENT, "template is mandatory");
    await expectInvalid({ spec: { template: "nope" } }, grpc.status.NOT_FOUND, "there is no template with identifier or name 'nope'");
    await api.call(ClusterTemplates.method.create, {
      object: { id: "twin", nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } } },
    });
    await api.call(ClusterTemplates.method.create, {
      object: { id: "twin-by-name", metadata: { name: "twin" }, nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } } },
    });
    await expectInvalid({ spec: { template: "twin" } }, grpc.status.INVALID_ARGUMENT, "there are multiple templates with identifier or name 'twin'");

    await api.call(ClusterTemplates.method.create, {
      object: { id: "doomed", nodeSets: { workers: { hostClass: "acme_1tib", size: 1 } } },
    });
    await createCluster({ spec: { template: "doomed" } });
    // Deleting a template in use is allowed...
    await api.call(ClusterTemplates.method.delete, { id: "doomed" });
    // ...but no new cluster may use it.
    await expectInvalid({ spec: { template: "doomed" } }, grpc.status.INVALID_ARGUMENT, "template 'doomed' has been deleted");
  });

  test("every host class of the template must exist, checked before the parameters", async () => {
    await api.call(ClusterTemplates.method.create, {
      object: { id: "needs_gpu", nodeSets: { workers: { hostClass: "acme_1tib", size: 1 }, accel: { hostClass: "gpu", size: 1 } } },
    });
    await expectInvalid(
      { spec: { template: "needs_gpu", templateParameters: { bogus: str("x") } } },
      grpc.status.NOT_FOUND,
      "there is no host class with identifier or name 'gpu'",
    );
  });
});

describe("create: node sets", () => {
  test("keys must exist in the template", async () => {
    await expectInvalid(
      small({ nodeSets: { masters: { size: 3 } } }),
      grpc.status.INVALID_ARGUMENT,
      "node set 'masters' doesn't exist, valid values for template 'ocp_small' are 'workers'",
    );
    await expectInvalid(
      { spec: { template: "two_sets", nodeSets: { masters: { size: 3 } } } },
      grpc.status.INVALID_ARGUMENT,
      "node set 'masters' doesn't exist, valid values for template 'two_sets' are 'gpu' and 'workers'",
    );
  });

  test("the message names the template as the client referred to it", async () => {
    await expectInvalid(
      { spec: { template: "small", templateParameters: { pull_secret: str("{}") }, nodeSets: { x: { size: 1 } } } },
      grpc.status.INVALID_ARGUMENT,
      "node set 'x' doesn't exist, valid values for template 'small' are 'workers'",
    );
  });

  test("host_class must be empty or the template's, by id or name", async () => {
    await expectInvalid(
      small({ nodeSets: { workers: { hostClass: "acme_gpu", size: 2 } } }),
      grpc.status.INVALID_ARGUMENT,
      "host class for node set 'workers' should be empty or 'acme_1tib', like in template 'ocp_small', but it is 'acme_gpu'",
    );
    await expectInvalid(
      { spec: { template: "two_sets", nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } } } },
      grpc.status.INVALID_ARGUMENT,
      "host class for node set 'workers' should be empty, 'big' or 'hc-big', like in template 'two_sets', but it is 'acme_1tib'",
    );
    const byName = await createCluster({ spec: { template: "two_sets", nodeSets: { workers: { hostClass: "big", size: 5 } } } });
    expect(byName.object?.spec?.nodeSets.workers).toMatchObject({ hostClass: "hc-big", size: 5 });
    const byId = await createCluster({ spec: { template: "two_sets", nodeSets: { workers: { hostClass: "hc-big", size: 5 } } } });
    expect(byId.object?.spec?.nodeSets.workers.hostClass).toBe("hc-big");
  });

  test("sizes must be positive", async () => {
    await expectInvalid(
      small({ nodeSets: { workers: { size: 0 } } }),
      grpc.status.INVALID_ARGUMENT,
      "size for node set 'workers' should be greater than zero, but it is 0",
    );
  });

  test("defaulting: every template node set, the user's size or the template's, host class ids", async () => {
    const created = await createCluster({ spec: { template: "two_sets", nodeSets: { gpu: { size: 4 } } } });
    expect(created.object?.spec?.nodeSets).toEqual({
      workers: expect.objectContaining({ hostClass: "hc-big", size: 3 }),
      gpu: expect.objectContaining({ hostClass: "acme_gpu", size: 4 }),
    });
    const stored = await api.call(Clusters.method.get, { id: created.object!.id });
    expect(stored.object?.spec?.nodeSets.gpu.size).toBe(4);
    expect(stored.object?.status?.state ?? 0).toBe(0);
  });
});

describe("create: parameters", () => {
  test("unknown names are refused, listing the valid ones", async () => {
    await expectInvalid(
      small({ templateParameters: { pull_secret: str("{}"), bogus: str("x") } }),
      grpc.status.INVALID_ARGUMENT,
      "template parameter 'bogus' doesn't exist, valid values for template 'ocp_small' are 'ha' and 'pull_secret'",
    );
    await expectInvalid(
      small({ templateParameters: { zed: str("x"), bogus: str("x") } }),
      grpc.status.INVALID_ARGUMENT,
      "template parameters 'bogus' and 'zed' don't exist, valid values for template 'ocp_small' are 'ha' and 'pull_secret'",
    );
  });

  test("required ones must be present; types must match", async () => {
    await expectInvalid(
      { spec: { template: "ocp_small" } },
      grpc.status.INVALID_ARGUMENT,
      "parameter 'pull_secret' of template 'ocp_small' is mandatory",
    );
    await expectInvalid(
      small({ templateParameters: { pull_secret: anyPack(Int32ValueSchema, create(Int32ValueSchema, { value: 3 })) } }),
      grpc.status.INVALID_ARGUMENT,
      `type of parameter 'pull_secret' of template 'ocp_small' should be '${STRING}', but it is '${INT32}'`,
    );
  });

  test("missing optional parameters get the definition's default; those without one stay absent", async () => {
    const created = await createCluster(small());
    const parameters = created.object!.spec!.templateParameters;
    expect(Object.keys(parameters).sort()).toEqual(["ha", "pull_secret"]);
    expect(anyUnpack(parameters.ha, BoolValueSchema)?.value).toBe(false);
    expect(parameters.ha.typeUrl).toBe(BOOL);

    const seeded = await createCluster({ spec: { template: "sim_small", templateParameters: { ha: bool(true) } } });
    const seededParams = seeded.object!.spec!.templateParameters;
    expect(Object.keys(seededParams).sort()).toEqual(["ha", "release"]);
    expect(anyUnpack(seededParams.ha, BoolValueSchema)?.value).toBe(true);
    expect(anyUnpack(seededParams.release, StringValueSchema)?.value).toBe("4.17.0");
  });
});

describe("update", () => {
  let id: string;
  let gpuId: string;
  beforeAll(async () => {
    id = (await createCluster(small())).object!.id;
    gpuId = (await createCluster({ spec: { template: "two_sets" } })).object!.id;
  });

  const update = (object: ClusterInit, paths: string[]) => api.call(Clusters.method.update, { object, updateMask: { paths } });
  async function expectRefused(object: ClusterInit, paths: string[], message: string) {
    const error = await grpcError(update(object, paths));
    expect({ code: error.code, details: error.details }).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: message });
  }

  test("spec.template is immutable (a name counts as a change)", async () => {
    await expectRefused({ id, spec: { template: "other" } }, ["spec.template"], "cannot change spec.template from 'ocp_small' to 'other': template is immutable");
    await expectRefused({ id, spec: { template: "small" } }, ["spec.template"], "cannot change spec.template from 'ocp_small' to 'small': template is immutable");
    const same = await update({ id, spec: { template: "ocp_small" } }, ["spec.template"]);
    expect(same.object?.spec?.template).toBe("ocp_small");
  });

  test("spec.template_parameters are immutable", async () => {
    await expectRefused(
      { id, spec: { templateParameters: { pull_secret: str("{other}") } } },
      ["spec.template_parameters"],
      "cannot change spec.template_parameters: template parameters are immutable",
    );
  });

  test("a node set must carry the stored host class id: empty or a name is a change", async () => {
    await expectRefused(
      { id, spec: { nodeSets: { workers: { size: 3 } } } },
      ["spec.node_sets"],
      "cannot change host_class for node set 'workers' from 'acme_1tib' to '': host_class is immutable",
    );
    await expectRefused(
      { id: gpuId, spec: { nodeSets: { workers: { hostClass: "big", size: 3 }, gpu: { hostClass: "acme_gpu", size: 1 } } } },
      ["spec.node_sets"],
      "cannot change host_class for node set 'workers' from 'hc-big' to 'big': host_class is immutable",
    );
  });

  test("the last node set cannot be removed", async () => {
    await expectRefused({ id, spec: { nodeSets: {} } }, ["spec.node_sets"], "cannot remove the last node set: clusters must have at least one node set");
  });

  test("sizes change; node sets are added and removed", async () => {
    const resized = await update({ id, spec: { nodeSets: { workers: { hostClass: "acme_1tib", size: 5 } } } }, ["spec.node_sets"]);
    expect(resized.object?.spec?.nodeSets.workers.size).toBe(5);
    const bySizePath = await update({ id, spec: { nodeSets: { workers: { size: 6 } } } }, ["spec.node_sets.workers.size"]);
    expect(bySizePath.object?.spec?.nodeSets.workers).toMatchObject({ hostClass: "acme_1tib", size: 6 });
    const added = await update(
      { id, spec: { nodeSets: { workers: { hostClass: "acme_1tib", size: 6 }, extra: { hostClass: "acme_gpu", size: 1 } } } },
      ["spec.node_sets"],
    );
    expect(Object.keys(added.object!.spec!.nodeSets).sort()).toEqual(["extra", "workers"]);
    const removed = await update({ id: gpuId, spec: { nodeSets: { workers: { hostClass: "hc-big", size: 3 } } } }, ["spec.node_sets"]);
    expect(Object.keys(removed.object!.spec!.nodeSets)).toEqual(["workers"]);
    await expectRefused(
      { id, spec: { nodeSets: { workers: { hostClass: "acme_1tib", size: 0 } } } },
      ["spec.node_sets"],
      "size for node set 'workers' should be greater than zero, but it is 0",
    );
  });

  test("immutables are only checked for masked paths", async () => {
    const updated = await update(
      { id, metadata: { name: "renamed", labels: { team: "a" } }, spec: { template: "other", nodeSets: {} } },
      ["metadata.name", "metadata.labels"],
    );
    expect(updated.object?.metadata?.name).toBe("renamed");
    expect(updated.object?.metadata?.labels).toEqual({ team: "a" });
    expect(updated.object?.spec?.template).toBe("ocp_small");
    expect(Object.keys(updated.object!.spec!.nodeSets)).toContain("workers");
  });
});

// proto/gen must be what buf generates from proto/ today, and the descriptors must carry
// the facts of the real API (full names, field numbers, kinds) that wire compatibility needs.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { DescMessage } from "@bufbuild/protobuf";
import * as pubClusters from "../../proto/gen/fulfillment/v1/clusters_service_pb";
import * as pubClusterType from "../../proto/gen/fulfillment/v1/cluster_type_pb";
import * as pubTemplates from "../../proto/gen/fulfillment/v1/cluster_templates_service_pb";
import * as pubTemplateType from "../../proto/gen/fulfillment/v1/cluster_template_type_pb";
import * as pubHostClasses from "../../proto/gen/fulfillment/v1/host_classes_service_pb";
import * as sharedMeta from "../../proto/gen/shared/v1/metadata_pb";
import * as privMeta from "../../proto/gen/private/v1/metadata_type_pb";
import * as privHubs from "../../proto/gen/private/v1/hubs_service_pb";
import * as privHubType from "../../proto/gen/private/v1/hub_type_pb";
import * as privClusterType from "../../proto/gen/private/v1/cluster_type_pb";
import * as privClusters from "../../proto/gen/private/v1/clusters_service_pb";

const ROOT = path.resolve(__dirname, "../..");

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]))
    .sort();
}

/** name -> [number, kind] for every field, e.g. { size: [3, "scalar"] }. */
function fields(message: DescMessage): Record<string, [number, string]> {
  return Object.fromEntries(message.fields.map((f) => [f.name, [f.number, f.fieldKind]]));
}

describe("generated code", () => {
  it("is up to date with proto/ (run `make proto` after editing a .proto file)", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "proto-gen-"));
    try {
      execFileSync(path.join(ROOT, "node_modules/.bin/buf"), ["generate", "--output", out], {
        cwd: path.join(ROOT, "proto"),
        env: { ...process.env, PATH: `${path.join(ROOT, "node_modules/.bin")}:${process.env.PATH}` },
      });
      const fresh = path.join(out, "gen");
      const committed = path.join(ROOT, "proto/gen");
      expect(listFiles(committed)).toEqual(listFiles(fresh));
      for (const file of listFiles(fresh)) {
        expect(fs.readFileSync(path.join(committed, file), "utf8"), `proto/gen/${file} is stale`).toBe(
          fs.readFileSync(path.join(fresh, file), "utf8"),
        );
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("wire facts of the real API", () => {
  it("uses the real gRPC paths", () => {
    expect(pubClusters.Clusters.typeName).toBe("fulfillment.v1.Clusters");
    expect(pubClusters.Clusters.methods.map((m) => m.name).sort()).toEqual(
      ["Create", "Delete", "Get", "GetKubeconfig", "GetKubeconfigViaHttp", "GetPassword", "GetPasswordViaHttp", "List", "Update"],
    );
    expect(privHubs.Hubs.typeName).toBe("private.v1.Hubs");
    expect(privHubs.Hubs.methods.map((m) => m.name).sort()).toEqual(["Create", "Delete", "Get", "List", "Signal", "Update"]);
    expect(pubClusters.Clusters.method.getKubeconfigViaHttp.output.typeName).toBe("google.api.HttpBody");
  });

  it("numbers list messages as the real services do", () => {
    expect(fields(pubClusters.ClustersListRequestSchema)).toEqual({ offset: [1, "scalar"], limit: [2, "scalar"], filter: [3, "scalar"], order: [4, "scalar"] });
    expect(fields(pubClusters.ClustersListResponseSchema)).toEqual({ size: [1, "scalar"], total: [2, "scalar"], items: [3, "list"] });
    expect(fields(pubTemplates.ClusterTemplatesListResponseSchema)).toEqual({ size: [3, "scalar"], total: [4, "scalar"], items: [5, "list"] });
    expect(fields(pubHostClasses.HostClassesListResponseSchema)).toEqual({ size: [3, "scalar"], total: [4, "scalar"], items: [5, "list"] });
    expect(fields(privHubs.HubsListRequestSchema)).toEqual({ offset: [1, "scalar"], limit: [2, "scalar"], filter: [3, "scalar"] });
    expect(fields(privHubs.HubsListResponseSchema)).toEqual({ size: [1, "scalar"], total: [2, "scalar"], items: [3, "list"] });
    expect(fields(pubClusters.ClustersUpdateRequestSchema)).toEqual({ object: [1, "message"], update_mask: [2, "message"] });
  });

  it("numbers the objects as the facts file does", () => {
    expect(fields(sharedMeta.MetadataSchema)).toEqual({
      creation_timestamp: [1, "message"], deletion_timestamp: [2, "message"], creators: [3, "list"], name: [4, "scalar"],
      tenants: [5, "list"], labels: [7, "map"], annotations: [8, "map"],
    });
    expect(fields(privMeta.MetadataSchema)).toEqual({
      creation_timestamp: [1, "message"], deletion_timestamp: [2, "message"], finalizers: [3, "list"], creators: [4, "list"],
      tenants: [5, "list"], name: [6, "scalar"], labels: [7, "map"], annotations: [8, "map"],
    });
    expect(fields(pubClusterType.ClusterSpecSchema)).toEqual({ template: [1, "scalar"], template_parameters: [2, "map"], node_sets: [3, "map"] });
    expect(fields(pubClusterType.ClusterStatusSchema)).toEqual({
      state: [1, "enum"], conditions: [2, "list"], api_url: [3, "scalar"], console_url: [4, "scalar"], node_sets: [5, "map"],
    });
    expect(fields(privClusterType.ClusterStatusSchema).hub).toEqual([6, "scalar"]);
    expect(fields(pubClusterType.ClusterConditionSchema)).toEqual({
      type: [1, "enum"], status: [2, "enum"], last_transition_time: [3, "message"], reason: [4, "scalar"], message: [5, "scalar"],
    });
    expect(fields(pubTemplateType.ClusterTemplateSchema)).toEqual({
      id: [1, "scalar"], metadata: [2, "message"], title: [3, "scalar"], description: [4, "scalar"], parameters: [5, "list"], node_sets: [6, "map"],
    });
    expect(fields(pubTemplateType.ClusterTemplateParameterDefinitionSchema)).toEqual({
      name: [1, "scalar"], title: [2, "scalar"], description: [3, "scalar"], required: [4, "scalar"], type: [5, "scalar"], default: [6, "message"],
    });
    expect(fields(privHubType.HubSchema)).toEqual({ id: [1, "scalar"], metadata: [2, "message"], kubeconfig: [3, "scalar"], namespace: [4, "scalar"] });
    expect(privHubType.HubSchema.fields.find((f) => f.name === "kubeconfig")!.scalar).toBe(12); // bytes
    expect(privClusters.ClustersSignalRequestSchema.typeName).toBe("private.v1.ClustersSignalRequest");
  });

  it("keeps the enum values", () => {
    expect(pubClusterType.ClusterState.READY).toBe(2);
    expect(pubClusterType.ClusterState.FAILED).toBe(3);
    expect(pubClusterType.ClusterConditionType.DEGRADED).toBe(4);
    expect(sharedMeta.ConditionStatus.FALSE).toBe(2);
    expect(pubClusterType.ClusterStateSchema.typeName).toBe("fulfillment.v1.ClusterState");
  });
});

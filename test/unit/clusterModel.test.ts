import { describe, expect, it } from "vitest";
import {
  clusterInputsSchema,
  diffCluster,
  nodeSetsForUpdate,
  userViewOfNodeSets,
  userViewOfParameters,
  type ClusterOutputs,
} from "../../resources/clusterModel";

function stored(overrides: Partial<ClusterOutputs> = {}): ClusterOutputs {
  return {
    template: "sim_small",
    templateId: "sim_small",
    templateParameters: { pull_secret: "abc" },
    nodeSets: { workers: { size: 3 } },
    clusterId: "c1",
    effectiveTemplateParameters: { pull_secret: "abc", ha: false, release: "4.17.0" },
    parameterTypes: {},
    effectiveNodeSets: { workers: { hostClass: "acme_1tib", size: 3 }, infra: { hostClass: "acme_1tib", size: 1 } },
    observedNodeSets: {},
    state: "READY",
    conditions: [],
    apiUrl: "",
    consoleUrl: "",
    hub: "",
    kubeconfig: "",
    password: "",
    templateDefaults: {
      parameters: { ha: false, release: "4.17.0" },
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 }, infra: { hostClass: "acme_1tib", size: 1 } },
    },
    ...overrides,
  };
}

describe("diffCluster", () => {
  it("reports no change when the server only filled in defaults", () => {
    const diff = diffCluster(stored(), { template: "sim_small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } });
    expect(diff).toEqual({ changes: false, replaces: [], changed: {} });
  });

  it("treats a template name the server rewrote to its id as the same template", () => {
    const diff = diffCluster(stored({ template: "small" }), { template: "small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } });
    expect(diff.changes).toBe(false);
    const byId = diffCluster(stored({ template: "small" }), { template: "sim_small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } });
    expect(byId.changes).toBe(false);
  });

  it("updates in place for a resize and replaces for a template change", () => {
    const resize = diffCluster(stored(), { template: "sim_small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 5 } } });
    expect(resize).toEqual({ changes: true, replaces: [], changed: { "nodeSets.workers.size": "update" } });
    const template = diffCluster(stored(), { template: "sim_medium", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } });
    expect(template.replaces).toEqual(["template"]);
  });

  it("replaces for a changed, added or dropped parameter, but not for one dropped back to its default", () => {
    const base = { template: "sim_small", nodeSets: { workers: { size: 3 } } };
    expect(diffCluster(stored(), { ...base, templateParameters: { pull_secret: "xyz" } }).replaces).toEqual(["templateParameters"]);
    expect(diffCluster(stored(), { ...base, templateParameters: { pull_secret: "abc", ha: true } }).replaces).toEqual(["templateParameters"]);
    expect(diffCluster(stored(), { ...base, templateParameters: { pull_secret: "abc", ha: false } }).changes).toBe(false);
    expect(diffCluster(stored(), { ...base, templateParameters: {} }).replaces).toEqual(["templateParameters"]);
    const withHa = stored({ templateParameters: { pull_secret: "abc", ha: false } });
    expect(diffCluster(withHa, { ...base, templateParameters: { pull_secret: "abc" } }).changes).toBe(false);
  });

  it("replaces for a host class change, and accepts the stored host class id", () => {
    const base = { template: "sim_small", templateParameters: { pull_secret: "abc" } };
    expect(diffCluster(stored(), { ...base, nodeSets: { workers: { size: 3, hostClass: "acme_gpu" } } }).replaces).toEqual(["nodeSets"]);
    expect(diffCluster(stored(), { ...base, nodeSets: { workers: { size: 3, hostClass: "acme_1tib" } } }).changes).toBe(false);
  });

  it("updates when a declared node set is removed or a new one added, not for server-defaulted ones", () => {
    const base = { template: "sim_small", templateParameters: { pull_secret: "abc" } };
    const removed = diffCluster(stored({ nodeSets: { workers: { size: 3 }, infra: { size: 1 } } }), { ...base, nodeSets: { workers: { size: 3 } } });
    expect(removed.changed).toEqual({ "nodeSets.infra": "update" });
    const added = diffCluster(stored(), { ...base, nodeSets: { workers: { size: 3 }, gpu: { size: 1 } } });
    expect(added.changed).toEqual({ "nodeSets.gpu": "update" });
  });

  it("updates for name, labels, connection and timeouts", () => {
    const base = { template: "sim_small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } };
    const diff = diffCluster(stored(), { ...base, name: "dev", labels: { team: "a" }, timeouts: { create: "10m" } });
    expect(diff.changed).toEqual({ name: "update", labels: "update", timeouts: "update" });
    expect(diff.replaces).toEqual([]);
  });

  it("compares parameters with the given equality (typed values)", () => {
    const equalAsDuration = (_: string, a: unknown, b: unknown) => String(a).replace(/s$/, "") === String(b).replace(/s$/, "");
    const olds = stored({ templateParameters: { timeout: "90s" }, effectiveTemplateParameters: { timeout: "90s" } });
    expect(diffCluster(olds, { template: "sim_small", templateParameters: { timeout: 90 }, nodeSets: { workers: { size: 3 } } }, equalAsDuration).changes).toBe(false);
  });
});

describe("nodeSetsForUpdate", () => {
  it("keeps stored host class ids, drops removed declared sets and keeps defaulted ones", () => {
    const result = nodeSetsForUpdate(
      { workers: { hostClass: "id-1tib", size: 3 }, infra: { hostClass: "id-1tib", size: 1 }, old: { hostClass: "id-gpu", size: 1 } },
      { workers: { size: 3 }, old: { size: 1 } },
      { workers: { size: 5, hostClass: "acme_1tib" }, extra: { size: 2 } },
      { extra: "id-gpu" },
    );
    expect(result).toEqual({
      workers: { hostClass: "id-1tib", size: 5 },
      infra: { hostClass: "id-1tib", size: 1 },
      extra: { hostClass: "id-gpu", size: 2 },
    });
  });
});

describe("user views for refresh and adoption", () => {
  const defaults = { workers: { hostClass: "h", size: 2 }, infra: { hostClass: "h", size: 1 } };

  it("shows declared node sets with the server's sizes and undeclared ones only when they drifted from the default", () => {
    expect(userViewOfNodeSets({ workers: { hostClass: "h", size: 5 }, infra: { hostClass: "h", size: 1 } }, { workers: { size: 3 } }, defaults)).toEqual({ workers: { size: 5 } });
    expect(userViewOfNodeSets({ workers: { hostClass: "h", size: 3 }, infra: { hostClass: "h", size: 4 } }, { workers: { size: 3 } }, defaults)).toEqual({ workers: { size: 3 }, infra: { size: 4 } });
  });

  it("on adoption shows only what differs from the template", () => {
    expect(userViewOfNodeSets({ workers: { hostClass: "h", size: 2 }, infra: { hostClass: "h", size: 1 } }, undefined, defaults)).toBeUndefined();
    expect(userViewOfNodeSets({ workers: { hostClass: "h", size: 4 }, infra: { hostClass: "h", size: 1 } }, undefined, defaults)).toEqual({ workers: { size: 4 } });
  });

  it("shows declared parameters and any that differ from the template default", () => {
    expect(userViewOfParameters({ pull_secret: "x", ha: false, release: "4.17.0" }, { pull_secret: "x" }, { ha: false, release: "4.17.0" })).toEqual({ pull_secret: "x" });
    expect(userViewOfParameters({ ha: true, release: "4.17.0" }, {}, { ha: false, release: "4.17.0" })).toEqual({ ha: true });
  });
});

describe("cluster input validation", () => {
  it("names the field and the fix", () => {
    const result = clusterInputsSchema.safeParse({ template: "", nodeSets: { workers: { size: 0 } }, name: "Bad_Name", timeouts: { create: "soon" } });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages).toContain("template: set template to a template id such as 'ocp_4_17_small' (or its name)");
    expect(messages).toContain("nodeSets.workers.size: expected a positive integer (the server refuses size 0)");
    expect(messages.some((m) => m.startsWith("name: must be a DNS label"))).toBe(true);
    expect(messages).toContain("timeouts.create: 'soon' is not a duration greater than zero; write it like '90s', '45m' or '1h30m'");
  });

  it("takes timeouts in the one duration grammar: what parseDuration refuses, check refuses", () => {
    for (const text of ["0s", "0m", "10", "1h 30m", "-5m"]) {
      const result = clusterInputsSchema.safeParse({ template: "t", timeouts: { delete: text } });
      expect(result.success, text).toBe(false);
      expect(result.error!.issues[0].path.join(".")).toBe("timeouts.delete");
    }
    for (const text of ["90s", "1h30m", "250ms", "1.5h"]) expect(clusterInputsSchema.safeParse({ template: "t", timeouts: { update: text } }).success, text).toBe(true);
  });
});

describe("hostType and its innabox alias hostClass", () => {
  const base = { template: "sim_small", templateParameters: { pull_secret: "abc" } };

  it("compares either spelling with the stored host type id: switching spelling with the same value is no change", () => {
    const withHostClass = stored({ nodeSets: { workers: { size: 3, hostClass: "acme_1tib" } } });
    expect(diffCluster(withHostClass, { ...base, nodeSets: { workers: { size: 3, hostType: "acme_1tib" } } }).changes).toBe(false);
    const withHostType = stored({ nodeSets: { workers: { size: 3, hostType: "acme_1tib" } } });
    expect(diffCluster(withHostType, { ...base, nodeSets: { workers: { size: 3, hostClass: "acme_1tib" } } }).changes).toBe(false);
  });

  it("replaces for a different host type in either spelling, naming the field the program wrote", () => {
    expect(diffCluster(stored(), { ...base, nodeSets: { workers: { size: 3, hostType: "acme_gpu" } } }).changed).toEqual({ "nodeSets.workers.hostType": "replace" });
    expect(diffCluster(stored(), { ...base, nodeSets: { workers: { size: 3, hostClass: "acme_gpu" } } }).changed).toEqual({ "nodeSets.workers.hostClass": "replace" });
  });

  it("refuses both spellings on one node set, naming the node set and the fix", () => {
    const result = clusterInputsSchema.safeParse({ template: "t", nodeSets: { workers: { size: 1, hostType: "a", hostClass: "a" } } });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(issue.path.join(".")).toBe("nodeSets.workers");
    expect(issue.message).toContain("give hostType or hostClass, not both");
  });

  it("keeps the user's spelling in the refreshed view and uses either for new node sets in an update", () => {
    const stored_ = { workers: { hostClass: "id-1tib", size: 4 } };
    expect(userViewOfNodeSets(stored_, { workers: { size: 3, hostType: "acme_1tib" } }, undefined)).toEqual({ workers: { size: 4, hostType: "id-1tib" } });
    expect(userViewOfNodeSets(stored_, { workers: { size: 3, hostClass: "acme_1tib" } }, undefined)).toEqual({ workers: { size: 4, hostClass: "id-1tib" } });
    expect(nodeSetsForUpdate({}, {}, { gpu: { size: 1, hostType: "id-gpu" } }, {})).toEqual({ gpu: { hostClass: "id-gpu", size: 1 } });
  });
});

describe("tenant and networkAttachment (osac)", () => {
  const base = { template: "sim_small", templateParameters: { pull_secret: "abc" }, nodeSets: { workers: { size: 3 } } };

  it("replaces for another tenant, not for naming the tenant the server already chose", () => {
    const olds = stored({ effectiveTenant: "shared" });
    expect(diffCluster(olds, { ...base, tenant: "shared" }).changes).toBe(false);
    expect(diffCluster(olds, { ...base, tenant: "acme" }).changed).toEqual({ tenant: "replace" });
  });

  it("replaces for another subnet and updates security groups in place", () => {
    const olds = stored({ networkAttachment: { subnet: "s1", securityGroups: ["a"] }, effectiveNetworkAttachment: { subnet: "s1", securityGroups: ["a"] } });
    expect(diffCluster(olds, { ...base, networkAttachment: { subnet: "s1", securityGroups: ["a"] } }).changes).toBe(false);
    expect(diffCluster(olds, { ...base, networkAttachment: { subnet: "s2", securityGroups: ["a"] } }).replaces).toEqual(["networkAttachment"]);
    expect(diffCluster(olds, { ...base, networkAttachment: { subnet: "s1", securityGroups: ["a", "b"] } }).changed).toEqual({ "networkAttachment.securityGroups": "update" });
    expect(diffCluster(olds, base).replaces).toEqual(["networkAttachment"]);
  });

  it("validates the attachment's shape", () => {
    const messages = (value: unknown) => clusterInputsSchema.safeParse({ template: "t", networkAttachment: value }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(messages({ securityGroups: [] })).toEqual(["networkAttachment.subnet: set subnet to the id of an existing subnet"]);
    expect(messages({ subnet: "s", securityGroups: ["a", "a"] })).toEqual(["networkAttachment.securityGroups: list each security group once"]);
  });
});

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

import { describe, expect, it } from "vitest";
import { parseStackSpec, StackSpecError } from "../../stack/load";

function problems(text: string): string[] {
  try {
    parseStackSpec(text, "stack.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(StackSpecError);
    return (error as StackSpecError).problems;
  }
  throw new Error("expected the document to be refused");
}

describe("YAML stack documents", () => {
  it("accepts the example document", () => {
    const fs = require("node:fs");
    const spec = parseStackSpec(fs.readFileSync(`${__dirname}/../../stack.example.yaml`, "utf8"));
    expect(spec.clusters?.map((c) => c.name)).toEqual(["team-a", "team-b"]);
    expect(spec.templates?.[0].nodeSets.workers).toEqual({ hostClass: "acme_1tib", size: 2 });
  });

  it("carries osac credentials in the existing connection settings, with the provider's rules", () => {
    const spec = parseStackSpec(`connection: { address: "fulfillment.example.com:443", tokenScript: "print-jwt --audience osac", api: osac }\nclusters: []\n`);
    expect(spec.connection).toEqual({ address: "fulfillment.example.com:443", tokenScript: "print-jwt --audience osac", api: "osac" });
    const [problem, ...others] = problems(`connection: { api: osac2 }\n`);
    expect(others).toEqual([]);
    expect(problem).toMatch(/^connection\.api: .*\(line 1\)$/);
  });

  it("points at the YAML path and line of a bad value", () => {
    const text = `clusters:
  - name: a
    template: t
  - name: b
    template: t
  - name: c
    template: t
    nodeSets:
      workers:
        size: 0
`;
    expect(problems(text)).toEqual([
      "clusters[2].nodeSets.workers.size: expected a positive integer (the server refuses size 0) (line 10)",
    ]);
  });

  it("names missing fields, unknown fields and wrong types", () => {
    const text = `hubs:
  - id: hub-1
    kubeconfigFile: hub.kubeconfig
    namespce: orders
templates:
  - id: t
    nodeSets: { workers: { hostClass: acme_1tib, size: two } }
clusters:
  - template: t
`;
    expect(problems(text)).toEqual([
      "hubs[0].namespace: this field is required (line 2)",
      "hubs[0]: unknown field 'namespce'; check the spelling (line 2)",
      "templates[0].title: set a title (line 6)",
      "templates[0].nodeSets.workers.size: expected a positive integer (line 7)",
      "clusters[0].name: this field is required (line 9)",
    ]);
  });

  it("refuses duplicate names and hubs with both or neither kubeconfig source", () => {
    const text = `hubs:
  - { id: h, namespace: orders }
clusters:
  - { name: dev, template: t }
  - { name: dev, template: t }
`;
    expect(problems(text)).toEqual([
      "hubs[0]: set exactly one of kubeconfigFile (a ready kubeconfig) or bootstrap (set the hub up from an admin kubeconfig) (line 2)",
      "clusters[1].name: 'dev' is already used by clusters[0]; names must be unique (line 5)",
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(problems("clusters:\n  - name: [unclosed\n")[0]).toMatch(/^YAML syntax \(line \d\): /);
  });
});

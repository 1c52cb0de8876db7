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

  it("takes project on hubs, host classes, templates, catalog items and clusters", () => {
    const spec = parseStackSpec(`hubs:
  - { id: hub-1, namespace: orders, kubeconfigFile: hub.kubeconfig, project: ops }
  - id: hub-2
    namespace: orders
    bootstrap: { adminKubeconfigFile: admin.kubeconfig }
    project: ops
hostClasses:
  - { id: acme_1tib, title: ACME 1 TiB, project: team-a }
templates:
  - { id: t, title: T, nodeSets: { workers: { hostClass: acme_1tib, size: 2 } }, project: team-a }
catalogItems:
  - id: small-dev
    title: Small development cluster
    template: t
    published: true
    fieldDefinitions:
      - { path: node_sets.workers.size, editable: true, default: 2, validationSchema: { type: integer, maximum: 5 } }
    project: team-a
clusters:
  - { name: dev, template: t, project: team-a }
`);
    expect(spec.hubs?.map((hub) => hub.project)).toEqual(["ops", "ops"]);
    expect(spec.hostClasses?.[0].project).toBe("team-a");
    expect(spec.templates?.[0].project).toBe("team-a");
    expect(spec.catalogItems).toEqual([
      {
        id: "small-dev",
        title: "Small development cluster",
        template: "t",
        published: true,
        fieldDefinitions: [{ path: "node_sets.workers.size", editable: true, default: 2, validationSchema: { type: "integer", maximum: 5 } }],
        project: "team-a",
      },
    ]);
    expect(spec.clusters?.[0].project).toBe("team-a");
    // Left out: the tenant's default project, as on the resources.
    const plain = parseStackSpec(`clusters:\n  - { name: dev, template: t }\n`);
    expect(plain.clusters?.[0]).not.toHaveProperty("project");
  });

  it("validates project with the resources' own rules and messages, at the YAML path and line", () => {
    const text = `hubs:
  - { id: h, namespace: orders, kubeconfigFile: hub.kubeconfig, project: 7 }
hostClasses:
  - { id: c, title: C, project: [ops] }
templates:
  - { id: t, title: T, nodeSets: {}, project: "" }
catalogItems:
  - { id: i, title: I, template: t, project: "" }
clusters:
  - { name: dev, template: t, project: "" }
`;
    const message = "name a project of your tenant, or leave project out for its default";
    // Templates, host classes and hubs take "" for the default project; clusters and catalog items want it left out.
    expect(problems(text)).toEqual([
      `hubs[0].project: ${message} (line 2)`,
      `hostClasses[0].project: ${message} (line 4)`,
      `catalogItems[0].project: ${message} (line 8)`,
      `clusters[0].project: ${message} (line 10)`,
    ]);
  });

  it("validates catalog items like the ClusterCatalogItem resource does, and refuses two with one id", () => {
    const text = `catalogItems:
  - { id: a, template: t }
  - id: b
    title: B
    template: t
    fieldDefinitions: [{ path: nodeSets.workers.size }]
  - { id: c, title: C, template: t, colour: blue }
`;
    expect(problems(text)).toEqual([
      "catalogItems[0].title: set a title, e.g. 'Small development cluster' (line 2)",
      "catalogItems[1].fieldDefinitions[0].path: a cluster spec path starts with one of template_parameters, node_sets, pull_secret, ssh_public_key, release_image, network, network_attachment (the API's names, e.g. 'node_sets.workers.size') (line 6)",
      "catalogItems[2]: unknown field 'colour'; check the spelling (line 7)",
    ]);
    expect(problems(`catalogItems:\n  - { id: a, title: A, template: t }\n  - { id: a, title: B, template: t }\n`)).toEqual([
      "catalogItems[1].id: 'a' is already used by catalogItems[0]; ids must be unique (line 3)",
    ]);
  });
});

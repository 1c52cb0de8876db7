// Catalog item field definitions, as the osac server applies them (client/fieldDefinitions.ts)
// and as a cluster's preview check reports them (resources/clusterCatalog.ts): fields not
// allowed, not editable, JSON Schema 2020-12 failures, required fields and defaults.
import { describe, expect, it } from "vitest";
import { applyFieldDefinitions, checkFieldDefinitions, FieldDefinitionError, type FieldDefinitionRule } from "../../client/fieldDefinitions";
import { checkAgainstCatalogItem, inputPath, specJson, type CatalogItemInfo } from "../../resources/clusterCatalog";
import { clusterInputsSchema } from "../../resources/clusterModel";
import type { TemplateInfo } from "../../resources/templateLookup";

const STRING = "type.googleapis.com/google.protobuf.StringValue";
const BOOL = "type.googleapis.com/google.protobuf.BoolValue";
const INT32 = "type.googleapis.com/google.protobuf.Int32Value";

const rules: FieldDefinitionRule[] = [
  { path: "node_sets.workers.size", editable: true, default: 2, validationSchema: JSON.stringify({ type: "integer", minimum: 1, maximum: 5 }) },
  { path: "template_parameters.release", editable: false, default: "4.17.1", validationSchema: "" },
  { path: "template_parameters.ha", editable: true, default: false, validationSchema: JSON.stringify({ type: "boolean" }) },
];

const failure = (spec: Record<string, unknown>, definitions = rules) => {
  try {
    applyFieldDefinitions(spec, definitions);
  } catch (error) {
    expect(error).toBeInstanceOf(FieldDefinitionError);
    return (error as FieldDefinitionError).message;
  }
  return undefined;
};

describe("applyFieldDefinitions (the server's rules)", () => {
  it("allows anything when there are no definitions", () => {
    expect(applyFieldDefinitions({ ssh_public_key: "k" }, [])).toEqual({ ssh_public_key: "k" });
  });

  it("refuses spec leaves no definition covers, sorted, with template and catalog_item always allowed", () => {
    expect(failure({ template: "t", catalog_item: "c", ssh_public_key: "k" })).toBe("fields not allowed by catalog item: ssh_public_key");
    expect(failure({ pull_secret: "p", network: { pod_cidr: "10.0.0.0/8" } })).toBe("fields not allowed by catalog item: network.pod_cidr, pull_secret");
    // A template parameter is one leaf; a definition of a parent path covers its children.
    expect(failure({ template_parameters: { other: { "@type": STRING, value: "x" } } })).toBe("fields not allowed by catalog item: template_parameters.other");
    expect(failure({ node_sets: { workers: { host_type: "h" } } }, [{ path: "node_sets", editable: true, validationSchema: "" }])).toBeUndefined();
  });

  it("refuses a value for a field that is not editable", () => {
    expect(failure({ template_parameters: { release: { "@type": STRING, value: "4.18" } } })).toBe("field 'template_parameters.release' is not editable");
  });

  it("checks editable values against their JSON Schema 2020-12, unwrapping parameter values", () => {
    expect(failure({ node_sets: { workers: { size: 10 } } })).toMatch(/^validation failed for field 'node_sets\.workers\.size': jsonschema validation failed with 'schema_node_sets_workers_size\.json#'\n- at '': must be <= 5$/);
    expect(failure({ template_parameters: { ha: { "@type": BOOL, value: "yes" } } })).toMatch(/^validation failed for field 'template_parameters\.ha': .*must be boolean/s);
    const prefix = [{ path: "ssh_public_key", editable: true, validationSchema: JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "string", pattern: "^ssh-" }) }];
    expect(failure({ ssh_public_key: "rsa AAAA" }, prefix)).toMatch(/must match pattern/);
    expect(failure({ ssh_public_key: "ssh-ed25519 AAAA" }, prefix)).toBeUndefined();
  });

  it("applies defaults, wrapping template parameter defaults as the server does", () => {
    const spec = applyFieldDefinitions({}, rules);
    expect(spec).toEqual({
      node_sets: { workers: { size: 2 } },
      template_parameters: { release: { "@type": STRING, value: "4.17.1" }, ha: { "@type": BOOL, value: false } },
    });
    const numbers = applyFieldDefinitions({}, [
      { path: "template_parameters.n", editable: true, default: 3, validationSchema: "" },
      { path: "template_parameters.x", editable: true, default: 1.5, validationSchema: "" },
    ]);
    expect(numbers.template_parameters).toEqual({
      n: { "@type": "type.googleapis.com/google.protobuf.Int64Value", value: "3" },
      x: { "@type": "type.googleapis.com/google.protobuf.DoubleValue", value: 1.5 },
    });
  });

  it("requires an editable field that has neither a value nor a default", () => {
    expect(failure({}, [{ path: "pull_secret", editable: true, validationSchema: "" }])).toBe("field 'pull_secret' is required but no value was provided and no default is defined");
  });

  it("refuses definitions that can never work when an item is written", () => {
    expect(() => checkFieldDefinitions([{ path: "pull_secret", editable: false, validationSchema: "" }])).toThrow("non-editable field 'pull_secret' must have a default value");
    expect(() => checkFieldDefinitions([{ path: "pull_secret", editable: true, validationSchema: "{" }])).toThrow(/^field 'pull_secret' has invalid validation_schema: /);
    expect(() => checkFieldDefinitions([{ path: "pull_secret", editable: true, validationSchema: JSON.stringify({ type: "nope" }) }])).toThrow(/has invalid validation_schema/);
  });
});

describe("a cluster's preview check against its catalog item", () => {
  const template: TemplateInfo = {
    id: "sim_small",
    name: "",
    parameters: { release: { typeUrl: STRING, required: true, hasDefault: false }, ha: { typeUrl: BOOL, required: false, hasDefault: true, default: false }, n: { typeUrl: INT32, required: false, hasDefault: false } },
    nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
  };
  const item: CatalogItemInfo = { id: "small-ci", template: "sim_small", published: true, rules };
  const inputs = (extra: Record<string, unknown>) => clusterInputsSchema.parse({ catalogItem: "small-ci", ...extra });

  it("names the input path and keeps the server's words", () => {
    expect(checkAgainstCatalogItem(item, inputs({ nodeSets: { workers: { size: 9 } } }), template).failures[0]).toMatch(
      /^nodeSets\.workers\.size: validation failed for field 'node_sets\.workers\.size': jsonschema validation failed with .*\(catalog item 'small-ci'\)$/s,
    );
    expect(checkAgainstCatalogItem(item, inputs({ sshPublicKey: "k" }), template).failures).toEqual(["sshPublicKey: fields not allowed by catalog item: ssh_public_key (catalog item 'small-ci')"]);
    expect(checkAgainstCatalogItem(item, inputs({ templateParameters: { release: "4.18" } }), template).failures).toEqual([
      "templateParameters.release: field 'template_parameters.release' is not editable (catalog item 'small-ci')",
    ]);
    expect(checkAgainstCatalogItem({ ...item, published: false }, inputs({}), template).failures[0]).toMatch(/^catalogItem: catalog item 'small-ci' is not published/);
  });

  it("hands the template check what the item defaulted (a required parameter satisfied by a default)", () => {
    const checked = checkAgainstCatalogItem(item, inputs({ templateParameters: { ha: true } }), template);
    expect(checked.failures).toEqual([]);
    expect(checked.effective).toMatchObject({ template: "sim_small", templateParameters: { ha: true, release: "4.17.1" }, nodeSets: { workers: { size: 2 } } });
  });

  it("refuses an item default whose type the template does not declare, as the server would", () => {
    const typed = { ...item, rules: [{ path: "template_parameters.n", editable: false, default: 3, validationSchema: "" }] };
    expect(checkAgainstCatalogItem(typed, inputs({}), template).failures[0]).toMatch(/defaults template parameter 'n' as '.*Int64Value', but template 'sim_small' declares it '.*Int32Value'/);
  });

  it("maps spec paths to input paths and builds the server's JSON of the spec", () => {
    expect(inputPath("node_sets.my_set.host_type")).toBe("nodeSets.my_set.hostType");
    expect(inputPath("template_parameters.pull_secret")).toBe("templateParameters.pull_secret");
    expect(inputPath("network_attachment.security_groups")).toBe("networkAttachment.securityGroups");
    expect(specJson(inputs({ nodeSets: { w: { size: 1, hostClass: "h" } }, network: { podCidr: "10.0.0.0/8" } }), template)).toEqual({
      node_sets: { w: { host_type: "h", size: 1 } },
      network: { pod_cidr: "10.0.0.0/8" },
      catalog_item: "small-ci",
    });
  });

  it("refuses template and catalogItem together, and neither, at the inputs", () => {
    const both = clusterInputsSchema.safeParse({ template: "t", catalogItem: "c" });
    expect(both.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)[0]).toMatch(/^catalogItem: template and catalogItem are mutually exclusive/);
    const neither = clusterInputsSchema.safeParse({});
    expect(neither.error?.issues[0].path).toEqual(["template"]);
  });
});

describe("ClusterTemplate node sets spell hostType too", () => {
  it("treats switching between hostType and hostClass with the same value as no change, and refuses both or neither", async () => {
    const { diff, templateInputsSchema } = await import("../../resources/clusterTemplateProvider");
    const base = { templateId: "t1", title: "T" };
    const olds = templateInputsSchema.parse({ ...base, nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } } });
    const news = templateInputsSchema.parse({ ...base, nodeSets: { workers: { hostType: "acme_1tib", size: 2 } } });
    expect((await diff("t1", olds, news)).changes).toBe(false);
    const other = templateInputsSchema.parse({ ...base, nodeSets: { workers: { hostType: "acme_gpu", size: 2 } } });
    expect((await diff("t1", olds, other)).changes).toBe(true);
    expect(templateInputsSchema.safeParse({ ...base, nodeSets: { workers: { hostType: "a", hostClass: "a", size: 1 } } }).error?.issues[0].message).toMatch(/not both/);
    expect(templateInputsSchema.safeParse({ ...base, nodeSets: { workers: { size: 1 } } }).error?.issues[0].path).toEqual(["nodeSets", "workers", "hostType"]);
  });
});

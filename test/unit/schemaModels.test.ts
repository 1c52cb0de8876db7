// The plugin's schema against the resource modules' zod input models: every input the
// modules take is in the schema with the type the model gives it, nothing else is, and the
// required inputs agree (descriptions, secrets and replace-on-change stay hand-written).
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { packageSchema } from "../../plugin/schema";
import { deriveObject, pulumiTypeOf, type PulumiType } from "../../plugin/schemaFromZod";
import { clusterInputsSchema } from "../../resources/clusterModel";
import { templateInputsSchema } from "../../resources/clusterTemplateProvider";
import { hostClassInputsSchema } from "../../resources/hostClassProvider";
import { hubInputsSchema } from "../../resources/hubProvider";
import { catalogItemInputsSchema } from "../../resources/clusterCatalogItemProvider";
import { clusterVersionInputsSchema } from "../../resources/clusterVersionProvider";
import { tokenInputsSchema } from "../../components/kube/tokenProvider";
import { kubeconfigInputsSchema } from "../../components/kube/kubeconfigProvider";

type Spec = { properties?: Record<string, PulumiType>; inputProperties?: Record<string, PulumiType>; required?: string[]; requiredInputs?: string[] };

const schema = packageSchema() as { resources: Record<string, Spec>; types: Record<string, Spec> };

/** Only the type of each property. */
function typesOnly(properties: Record<string, PulumiType> = {}): Record<string, PulumiType> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, { description: _d, secret: _s, replaceOnChanges: _r, ...type }]) => [key, type]),
  );
}

/** Names of the object types inside each model, by property path; `adoptId` (the import option) and outputs kept in the model are not inputs. */
const CASES: Array<[string, z.ZodType, Record<string, string>, string[]]> = [
  ["Cluster", clusterInputsSchema, { "nodeSets.*": "ClusterNodeSet", timeouts: "ClusterTimeouts", network: "ClusterNetwork", networkAttachment: "ClusterNetworkAttachment" }, ["adoptId"]],
  ["ClusterTemplate", templateInputsSchema, { "parameters[]": "TemplateParameter", "nodeSets.*": "TemplateNodeSet" }, ["adoptId"]],
  ["HostClass", hostClassInputsSchema, {}, ["adoptId"]],
  ["Hub", hubInputsSchema, {}, ["adoptId"]],
  ["ClusterCatalogItem", catalogItemInputsSchema, { "fieldDefinitions[]": "FieldDefinition" }, ["adoptId"]],
  ["ClusterVersion", clusterVersionInputsSchema, {}, ["adoptId", "clusterVersionId"]],
  ["ServiceAccountToken", tokenInputsSchema, {}, []],
  ["HubKubeconfig", kubeconfigInputsSchema, { "accessChecks[]": "AccessCheck" }, []],
];

describe("schema/schema.json agrees with the zod input models", () => {
  it.each(CASES)("%s", (name, model, names, omit) => {
    const derived = deriveObject(model, { connection: "Connection", ...names }, omit);
    const resource = schema.resources[`fulfillment:index:${name}`];
    expect(Object.keys(derived.root.properties).length).toBeGreaterThan(0);
    expect(typesOnly(resource.inputProperties)).toEqual(derived.root.properties);
    expect([...(resource.requiredInputs ?? [])].sort()).toEqual([...derived.root.required].sort());
    for (const [typeName, type] of Object.entries(derived.types)) {
      const declared = schema.types[`fulfillment:index:${typeName}`];
      expect(typesOnly(declared.properties), typeName).toEqual(type.properties);
      expect([...(declared.required ?? [])].sort(), `${typeName}.required`).toEqual([...type.required].sort());
    }
  });

  it("maps JSON Schema to Pulumi types: records to maps, unions of different types and unknowns to Any, fixed objects to named types only", () => {
    const any = { $ref: "pulumi.json#/Any" };
    expect(pulumiTypeOf({ type: "object", additionalProperties: { type: "string" } }, "labels", {})).toEqual({ type: "object", additionalProperties: { type: "string" } });
    expect(pulumiTypeOf({ type: "object", additionalProperties: {} }, "templateParameters", {})).toEqual({ type: "object", additionalProperties: any });
    expect(pulumiTypeOf({ anyOf: [{ type: "string" }, { type: "boolean" }] }, "x", {})).toEqual(any);
    expect(pulumiTypeOf({ anyOf: [{ type: "string", minLength: 1 }, { type: "string", pattern: "a" }] }, "x", {})).toEqual({ type: "string" });
    expect(() => pulumiTypeOf({ type: "object", properties: { a: { type: "string" } } }, "spec", {})).toThrow("spec: an object with fixed properties needs a type name");
  });
});

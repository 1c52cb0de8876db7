// The Pulumi schema types of the resource modules' zod input models: what the hand-written
// schema (schema.ts) must agree with. The models know the types and which inputs are
// required; the schema adds what they do not (descriptions, secrets, replace-on-change, the
// outputs, which are TypeScript interfaces rather than models).
import { z } from "zod";

type Json = Record<string, unknown>;
export type PulumiType = Record<string, unknown>;

const ANY: PulumiType = { $ref: "pulumi.json#/Any" };

/** Pulumi's type for the JSON Schema zod gives a model's input; objects with fixed properties become the named types `names` gives by path. */
export function pulumiTypeOf(node: Json, path: string, names: Readonly<Record<string, string>>): PulumiType {
  const members = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (members) {
    const types = members.map((member) => pulumiTypeOf(member, path, names));
    return types.every((t) => JSON.stringify(t) === JSON.stringify(types[0])) ? types[0] : ANY;
  }
  switch (node.type) {
    case "string":
    case "boolean":
    case "integer":
    case "number":
      return { type: node.type };
    case "array":
      return { type: "array", items: pulumiTypeOf((node.items ?? {}) as Json, `${path}[]`, names) };
    case "object": {
      if (node.properties) {
        const name = names[path];
        if (!name) throw new Error(`${path}: an object with fixed properties needs a type name`);
        return { $ref: `#/types/fulfillment:index:${name}` };
      }
      const values = node.additionalProperties as Json | boolean | undefined;
      return { type: "object", additionalProperties: values && typeof values === "object" && Object.keys(values).length ? pulumiTypeOf(values, `${path}.*`, names) : ANY };
    }
    default:
      return ANY;
  }
}

export interface DerivedObject {
  properties: Record<string, PulumiType>;
  required: string[];
}

/** An object's properties as Pulumi types, and the named types inside them (by name). */
export function deriveObject(model: z.ZodType, names: Readonly<Record<string, string>>, omit: readonly string[] = []): { root: DerivedObject; types: Record<string, DerivedObject> } {
  const types: Record<string, DerivedObject> = {};
  const objectOf = (node: Json, path: string): DerivedObject => {
    const properties: Record<string, PulumiType> = {};
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      if (path === "" && omit.includes(key)) continue;
      const childPath = path ? `${path}.${key}` : key;
      properties[key] = pulumiTypeOf(child, childPath, names);
      collect(child, childPath);
    }
    return { properties, required: ((node.required ?? []) as string[]).filter((key) => key in properties) };
  };
  const collect = (node: Json, path: string): void => {
    if (node.type === "object" && node.properties && names[path]) types[names[path]] = objectOf(node, path);
    else if (node.type === "object" && node.additionalProperties && typeof node.additionalProperties === "object") collect(node.additionalProperties as Json, `${path}.*`);
    else if (node.type === "array" && node.items) collect(node.items as Json, `${path}[]`);
  };
  const json = z.toJSONSchema(model, { io: "input", unrepresentable: "any" }) as Json;
  return { root: objectOf(json, ""), types };
}

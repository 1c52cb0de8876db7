// `hostClasses:` in the YAML stack document: accepted in the example, validated with the
// YAML path and line like the rest of the document.
import * as fs from "node:fs";
import * as path from "node:path";
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

describe("host classes in a YAML stack document", () => {
  it("the example document declares the host class its template uses", () => {
    const spec = parseStackSpec(fs.readFileSync(path.join(__dirname, "../../stack.example.yaml"), "utf8"));
    expect(spec.hostClasses?.map((h) => h.id)).toEqual(["acme_1tib"]);
    expect(spec.templates?.[0].nodeSets.workers.hostClass).toBe("acme_1tib");
  });

  it("accepts title, description, name and labels", () => {
    const spec = parseStackSpec(`hostClasses:
  - id: gpu.a100
    title: GPU hosts
    description: "Eight **A100**s each"
    name: gpu
    labels: { team: ml }
`);
    expect(spec.hostClasses).toEqual([{ id: "gpu.a100", title: "GPU hosts", description: "Eight **A100**s each", name: "gpu", labels: { team: "ml" } }]);
  });

  it("points at the path and line of what is wrong", () => {
    const text = `hostClasses:
  - id: ok_one
    title: One
  - id: "bad id"
    title: Two
  - id: no_title
  - id: ok_one
    title: Again
    colour: blue
`;
    expect(problems(text)).toEqual([
      "hostClasses[1].id: use letters, digits, '-', '_' and '.' (e.g. 'acme_1tib') (line 4)",
      "hostClasses[2].title: set a title, e.g. 'ACME 1 TiB' (line 6)",
      "hostClasses[3]: unknown field 'colour'; check the spelling (line 7)",
    ]);
  });

  it("refuses two host classes with one id", () => {
    expect(
      problems(`hostClasses:
  - { id: a, title: A }
  - { id: a, title: B }
`),
    ).toEqual(["hostClasses[1].id: 'a' is already used by hostClasses[0]; ids must be unique (line 3)"]);
  });
});

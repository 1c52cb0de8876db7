// Proves the real engine runs here: the CLI built from Go modules, the Node.js dynamic
// provider host, a file backend, through the Automation API.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { createTestPulumi, inlineStack } from "../helpers/pulumi";

// Captures nothing but what is in the function bodies, as a serialized provider must.
const fileProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const fsm = require("node:fs");
    fsm.writeFileSync(inputs.path, inputs.content);
    return { id: inputs.path, outs: { path: inputs.path, content: inputs.content, bytes: inputs.content.length } };
  },
  async delete(id) {
    require("node:fs").rmSync(id, { force: true });
  },
};

class TextFile extends pulumi.dynamic.Resource {
  declare readonly bytes: pulumi.Output<number>;
  constructor(name: string, args: { path: string; content: string }, opts?: pulumi.CustomResourceOptions) {
    super(fileProvider, name, { ...args, bytes: undefined }, opts, "test", "TextFile");
  }
}

describe("pulumi engine", () => {
  const t = createTestPulumi("engine");
  afterAll(() => t.dispose());

  it("runs up, a no-change preview, destroy and stack removal of a dynamic resource", async () => {
    const target = path.join(t.workDir, "hello.txt");
    const program = async () => {
      const file = new TextFile("hello", { path: target, content: "hello from pulumi" });
      return { bytes: file.bytes };
    };
    const stack = await inlineStack(t, program, { project: "engine-proof" });

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(2); // the stack + the file
    expect(fs.readFileSync(target, "utf8")).toBe("hello from pulumi");
    expect(up.outputs.bytes.value).toBe("hello from pulumi".length);

    const preview = await stack.preview({ expectNoChanges: true });
    expect(preview.changeSummary.same).toBe(2);

    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(fs.existsSync(target)).toBe(false);

    await stack.workspace.removeStack("dev");
    const stacks = await stack.workspace.listStacks();
    expect(stacks.map((s) => s.name)).not.toContain("dev");
  }, 180_000);
});

// The plugin's schema and generated SDK are what plugin/schema.ts says today (run `make sdk`
// after changing it), and the pure parts of the plugin's protocol work: secrets in and out,
// detailed diffs with their kinds.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { packageSchema } from "../../plugin/schema";
import { changedInputs, detailedDiff, DiffKind } from "../../plugin/detailedDiff";
import { secretValue, unwrapSecrets, wrapSecrets } from "../../plugin/values";
import { engineAddressOf } from "../../plugin/main";
import { RESOURCE_TYPES, typeOfUrn } from "../../plugin/registry";
import { COMPONENT_TYPES } from "../../plugin/components";
import { requireBinary } from "../../automation/environment";

const ROOT = path.resolve(__dirname, "../..");

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]))
    .sort();
}

describe("schema and generated SDK", () => {
  it("schema/schema.json is plugin/schema.ts's schema", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "schema/schema.json"), "utf8"))).toEqual(packageSchema());
  });

  it("sdk/nodejs is what the code generator makes of schema/schema.json (run `make sdk`)", () => {
    requireBinary("pulumi-language-nodejs");
    const generated = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-gen-"));
    const out = path.join(generated, "nodejs");
    try {
      execFileSync(requireBinary("pulumi"), ["package", "gen-sdk", path.join(ROOT, "schema/schema.json"), "--language", "nodejs", "-o", generated], {
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      const committed = path.join(ROOT, "sdk/nodejs");
      expect(listFiles(committed)).toEqual(listFiles(out));
      for (const file of listFiles(out)) {
        expect(fs.readFileSync(path.join(committed, file), "utf8"), `sdk/nodejs/${file} is stale`).toBe(fs.readFileSync(path.join(out, file), "utf8"));
      }
    } finally {
      fs.rmSync(generated, { recursive: true, force: true });
    }
  }, 120_000);

  it("serves a resource type for every resource of the schema, and marks credentials secret", () => {
    const schema = packageSchema() as { resources: Record<string, { isComponent?: boolean; properties: Record<string, { secret?: boolean }> }> };
    const custom = Object.fromEntries(Object.entries(schema.resources).filter(([, resource]) => !resource.isComponent));
    expect(Object.keys(custom).sort()).toEqual(Object.keys(RESOURCE_TYPES).sort());
    expect(Object.keys(schema.resources).filter((token) => schema.resources[token].isComponent).sort()).toEqual([...COMPONENT_TYPES].sort());
    for (const [token, resource] of Object.entries(custom)) {
      const secret = Object.entries(resource.properties).filter(([, p]) => p.secret).map(([k]) => k).sort();
      expect(secret, token).toEqual([...RESOURCE_TYPES[token].secrets].sort());
    }
  });
});

describe("plugin protocol helpers", () => {
  it("unwraps secrets for the modules and marks them again on the way out", () => {
    const { plain, secretKeys } = unwrapSecrets({ kubeconfig: secretValue("k"), connection: { token: secretValue("t"), address: "a" }, name: "n" });
    expect(plain).toEqual({ kubeconfig: "k", connection: { token: "t", address: "a" }, name: "n" });
    expect([...secretKeys].sort()).toEqual(["connection", "kubeconfig"]);
    expect(wrapSecrets({ ...plain, gone: undefined }, ["kubeconfig"])).toEqual({ kubeconfig: secretValue("k"), connection: plain.connection, name: "n" });
  });

  it("gives every changed path a kind, and every replace reason an entry", () => {
    const olds = { template: "a", labels: { team: "x" }, nodeSets: { workers: { size: 2 } }, state: "FAILED" };
    const news = { template: "b", labels: { team: "y" }, nodeSets: { workers: { size: 3 }, gpu: { size: 1 } } };
    const diff = detailedDiff(
      { changes: true, replaces: ["template", "state"] },
      { template: "replace", labels: "update", "nodeSets.workers.size": "update", "nodeSets.gpu": "update" },
      olds,
      news,
    );
    expect(diff).toEqual({
      template: { kind: DiffKind.UPDATE_REPLACE, inputDiff: true },
      labels: { kind: DiffKind.UPDATE, inputDiff: true },
      "nodeSets.workers.size": { kind: DiffKind.UPDATE, inputDiff: true },
      "nodeSets.gpu": { kind: DiffKind.ADD, inputDiff: true },
      state: { kind: DiffKind.UPDATE_REPLACE, inputDiff: false },
    });
    expect(detailedDiff({ changes: false, replaces: [] }, { labels: "update" }, olds, news)).toEqual({});
    expect(changedInputs({ title: "a", description: "d", adoptId: "x" }, { title: "a", description: "d" }, { title: "b" })).toEqual({ title: "update", description: "update" });
  });

  it("counts a left-out project and an empty one as the same default project, and a named one as a change", () => {
    expect(changedInputs({ title: "a", project: "" }, { title: "a", project: "" }, { title: "b" })).toEqual({ title: "update" });
    expect(changedInputs({ title: "a" }, { title: "a" }, { title: "a", project: "" })).toEqual({});
    expect(changedInputs({ title: "a", project: "" }, { title: "a", project: "" }, { title: "a", project: "teama" })).toEqual({ project: "update" });
  });

  it("finds the engine's address among the engine's arguments, and a type in a URN", () => {
    expect(engineAddressOf(["--logtostderr", "-v=9", "--tracing", "file:/x", "127.0.0.1:4000"])).toBe("127.0.0.1:4000");
    expect(engineAddressOf([])).toBeUndefined();
    expect(typeOfUrn("urn:pulumi:dev::p::my:index:Comp$fulfillment:index:Cluster::web")).toBe("fulfillment:index:Cluster");
  });
});

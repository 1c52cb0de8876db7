// The automation wrapper's pure parts: change extraction from engine events, masking,
// Markdown, drift classification, progress lines and CLI argument validation.
import { describe, expect, it } from "vitest";
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { diffProperties, friendlyType, maskValue, topLevelKey, SECRET } from "../../automation/values";
import { PreviewCollector, renderPreviewMarkdown } from "../../automation/preview";
import { DriftCollector, renderDriftMarkdown, renderDriftText } from "../../automation/drift";
import { ProgressReporter, typeFromUrn } from "../../automation/progress";
import { parseCommandLine, UsageError } from "../../automation/cli";
import { parseEphemeralStackName, ephemeralStackName } from "../../automation/ephemeral";
import { connectionConfig, connectionForStack as resolveConnection } from "../../automation/connection";

const SECRET_ENVELOPE = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
const CLUSTER = "pulumi-nodejs:dynamic/fulfillment:Cluster";
const urn = (name: string, type = CLUSTER) => `urn:pulumi:dev::proj::${type}::${name}`;

function step(
  kind: "resourcePreEvent" | "resOutputsEvent",
  op: OpType,
  name: string,
  olds: Record<string, unknown> | null,
  news: Record<string, unknown> | null,
  extra: { keys?: string[]; diffs?: string[]; oldOutputs?: Record<string, unknown>; newOutputs?: Record<string, unknown>; type?: string } = {},
): EngineEvent {
  const type = extra.type ?? CLUSTER;
  const state = (inputs: Record<string, unknown> | null, outputs?: Record<string, unknown>) =>
    inputs === null ? undefined : { type, urn: urn(name, type), id: `id-${name}`, parent: "", provider: "", inputs: { __provider: "exports.handler = ...", ...inputs }, outputs: outputs ?? inputs };
  const metadata = {
    op,
    urn: urn(name, type),
    type,
    provider: "",
    old: state(olds, extra.oldOutputs),
    new: state(news, extra.newOutputs),
    keys: extra.keys,
    diffs: extra.diffs,
  };
  return { sequence: 0, timestamp: 0, [kind]: { metadata } } as unknown as EngineEvent;
}

describe("values", () => {
  it("diffs leaf by leaf, masks secrets and credential-looking keys, ignores the serialized provider", () => {
    const changes = diffProperties(
      { __provider: "a", nodeSets: { workers: { size: 2 } }, labels: { "example.com/team": "a" }, connection: SECRET_ENVELOPE, keep: 1 },
      { __provider: "b", nodeSets: { workers: { size: 3 }, gpu: { size: 1 } }, labels: {}, connection: SECRET_ENVELOPE, keep: 1, token: "abc" },
    );
    expect(changes).toEqual([
      { path: 'labels["example.com/team"]', kind: "delete", old: "a" },
      { path: "nodeSets.gpu.size", kind: "add", new: 1 },
      { path: "nodeSets.workers.size", kind: "update", old: 2, new: 3 },
      { path: "token", kind: "add", new: SECRET },
    ]);
    expect(topLevelKey('labels["example.com/team"]')).toBe("labels");
    expect(topLevelKey('["odd.key"].x')).toBe("odd.key");
  });

  it("masks known secret values and kubeconfig-looking text anywhere in a value", () => {
    const kubeconfig = "apiVersion: v1\nusers:\n- name: a\n  user:\n    token: sha256~abcdefabcdef\n";
    expect(maskValue({ a: "xx-supersecret-xx", b: { c: kubeconfig }, d: "plain" }, ["supersecret"])).toEqual({ a: SECRET, b: { c: SECRET }, d: "plain" });
    expect(maskValue("04da6b54-80e4-46f7-96ec-b56ff0331ba9")).toBe("(known after apply)");
  });

  it("names types and URNs the way people read them", () => {
    expect(friendlyType(CLUSTER)).toBe("fulfillment:Cluster");
    expect(friendlyType("pulumi:pulumi:Stack")).toBe("pulumi:pulumi:Stack");
    expect(typeFromUrn("urn:pulumi:dev::p::my:comp:Fleet$pulumi-nodejs:dynamic/fulfillment:Hub::h")).toBe("pulumi-nodejs:dynamic/fulfillment:Hub");
  });
});

describe("preview report", () => {
  const events: EngineEvent[] = [
    step("resourcePreEvent", "same", "stack", {}, {}, { type: "pulumi:pulumi:Stack" }),
    step("resourcePreEvent", "same", "hub", { hubId: "h" }, { hubId: "h" }, { type: "pulumi-nodejs:dynamic/fulfillment:Hub" }),
    step("resourcePreEvent", "delete-replaced", "b", { template: "t", templateParameters: { ha: false } }, null),
    step("resourcePreEvent", "replace", "b", { template: "t", templateParameters: { ha: false } }, { template: "t", templateParameters: { ha: true } }, { keys: ["templateParameters"] }),
    step("resourcePreEvent", "create-replacement", "b", { template: "t", templateParameters: { ha: false } }, { template: "t", templateParameters: { ha: true } }, { keys: ["templateParameters"] }),
    step("resourcePreEvent", "update", "a", { nodeSets: { workers: { size: 2 } }, connection: SECRET_ENVELOPE }, { nodeSets: { workers: { size: 3 } }, connection: SECRET_ENVELOPE }, { diffs: ["connection"] }),
    step("resourcePreEvent", "create", "d", null, { template: "t", templateParameters: { pull_secret: SECRET_ENVELOPE }, name: "d|x" }),
    step("resourcePreEvent", "delete", "c", { template: "t" }, null),
    { sequence: 0, timestamp: 0, diagnosticEvent: { message: "warning text token: abcdefgh\n", color: "never", severity: "warning" } } as EngineEvent,
    { sequence: 0, timestamp: 0, diagnosticEvent: { message: "debug with hunter2secret", color: "never", severity: "debug" } } as unknown as EngineEvent,
  ];

  it("lists each resource once with its operation and changed properties", () => {
    const collector = new PreviewCollector(() => ["hunter2secret"]);
    for (const e of events) collector.handle(e);
    const report = collector.report("proj", "dev");
    expect(report.summary).toEqual({ create: 1, update: 1, replace: 1, delete: 1, same: 1, read: 0, import: 0 });
    expect(report.resources.map((r) => [r.name, r.type, r.operation])).toEqual([
      ["b", "fulfillment:Cluster", "replace"],
      ["c", "fulfillment:Cluster", "delete"],
      ["d", "fulfillment:Cluster", "create"],
      ["a", "fulfillment:Cluster", "update"],
      ["hub", "fulfillment:Hub", "same"],
    ]);
    const a = report.resources.find((r) => r.name === "a")!;
    // `connection` is secret on both sides: the engine's diffs hint is the only way to see it changed.
    expect(a.changes).toEqual([
      { path: "connection", kind: "update", old: SECRET, new: SECRET },
      { path: "nodeSets.workers.size", kind: "update", old: 2, new: 3 },
    ]);
    const b = report.resources.find((r) => r.name === "b")!;
    expect(b.replaceReasons).toEqual(["templateParameters"]);
    expect(b.changes).toEqual([{ path: "templateParameters.ha", kind: "update", old: false, new: true, forcesReplace: true }]);
    expect(report.diagnostics).toEqual(["warning: [secret]"]);
  });

  it("renders Markdown for a pull-request comment with destructive changes called out", () => {
    const collector = new PreviewCollector();
    for (const e of events.slice(0, 8)) collector.handle(e);
    expect(renderPreviewMarkdown(collector.report("proj", "dev"))).toBe(
      [
        "### Pulumi preview of `proj/dev`",
        "",
        "**1 to create, 1 to update, 1 to replace, 1 to delete**, 1 unchanged",
        "",
        "> [!CAUTION]",
        "> **Destructive changes:**",
        "> - `fulfillment:Cluster` **b** will be **replaced** (deleted and created anew): `templateParameters.ha` cannot change in place",
        "> - `fulfillment:Cluster` **c** will be **deleted**",
        "",
        "| Operation | Resource | Type | Changes |",
        "|---|---|---|---|",
        "| 🔴 replace | b | `fulfillment:Cluster` | `templateParameters.ha`: `false` → `true` (forces replace) |",
        "| 🔴 delete | c | `fulfillment:Cluster` | (all) |",
        '| 🟢 create | d | `fulfillment:Cluster` | `name`: `"d\\|x"`<br>`template`: `"t"`<br>`templateParameters.pull_secret`: `[secret]` |',
        "| 🟡 update | a | `fulfillment:Cluster` | `connection`: `[secret]` → `[secret]`<br>`nodeSets.workers.size`: `2` → `3` |",
        "",
      ].join("\n"),
    );
  });

  it("says so when nothing changes", () => {
    const collector = new PreviewCollector();
    collector.handle(events[1]);
    const md = renderPreviewMarkdown(collector.report("proj", "dev"));
    expect(md).toContain("**no changes**, 1 unchanged");
    expect(md).toContain("No resource changes.");
    expect(md).not.toContain("CAUTION");
  });
});

describe("drift report", () => {
  it("classifies refresh steps as changed or deleted and gives exit code 2", () => {
    const collector = new DriftCollector();
    const o = { nodeSets: { workers: { size: 2 } }, state: "READY", kubeconfig: SECRET_ENVELOPE };
    collector.handle(step("resourcePreEvent", "refresh", "a", o, o));
    collector.handle(step("resOutputsEvent", "update", "a", o, o, { newOutputs: { ...o, nodeSets: { workers: { size: 3 } } } }));
    collector.handle(step("resOutputsEvent", "delete", "c", { template: "t" }, null));
    collector.handle(step("resOutputsEvent", "same", "hub", { a: 1 }, { a: 1 }));
    const report = collector.report("proj", "dev");
    expect(report.exitCode).toBe(2);
    expect(report.unchanged).toBe(1);
    expect(report.resources).toEqual([
      { urn: urn("a"), type: "fulfillment:Cluster", name: "a", id: "id-a", kind: "changed", changes: [{ path: "nodeSets.workers.size", kind: "update", old: 2, new: 3 }] },
      { urn: urn("c"), type: "fulfillment:Cluster", name: "c", id: "id-c", kind: "deleted", changes: [] },
    ]);
    expect(renderDriftText(report)).toBe(
      [
        "drift in proj/dev: 2 resource(s) changed outside Pulumi",
        "  fulfillment:Cluster a (id-a): changed",
        "    nodeSets.workers.size: 2 -> 3",
        "  fulfillment:Cluster c (id-c): deleted outside Pulumi",
      ].join("\n"),
    );
    expect(renderDriftMarkdown(report)).toContain("| c | `fulfillment:Cluster` | deleted | gone from the service |");
  });

  it("is 0 when every resource reads back as recorded", () => {
    const collector = new DriftCollector();
    collector.handle(step("resOutputsEvent", "same", "a", { x: 1 }, { x: 1 }));
    expect(collector.report("p", "s")).toMatchObject({ drifted: false, exitCode: 0, unchanged: 1, resources: [] });
  });
});

describe("progress lines", () => {
  it("names resource, operation and elapsed time, masks secrets, drops debug output", () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const reporter = new ProgressReporter({ onLine: (l) => lines.push(l), knownSecrets: () => ["tok-123456"], now: () => now });
    reporter.handle(step("resourcePreEvent", "create", "dev", null, { a: 1 }));
    now += 5_000;
    reporter.handle({ sequence: 0, timestamp: 0, diagnosticEvent: { message: "cluster 'dev' (id): PROGRESSING (after 5s)\n\n", color: "never", severity: "info" } });
    reporter.handle({ sequence: 0, timestamp: 0, diagnosticEvent: { message: "RegisterResource token=tok-123456", color: "never", severity: "debug" } } as unknown as EngineEvent);
    reporter.handle({ sequence: 0, timestamp: 0, diagnosticEvent: { urn: urn("dev"), message: "call failed with Bearer tok-123456", color: "never", severity: "error" } });
    now += 70_000;
    reporter.handle(step("resOutputsEvent", "create", "dev", null, { a: 1 }));
    reporter.handle({ sequence: 0, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 75, resourceChanges: { create: 2 }, policyPacks: {} } });
    expect(lines).toEqual([
      "[    0s] fulfillment:Cluster dev creating...",
      "[    5s] cluster 'dev' (id): PROGRESSING (after 5s)",
      "[    5s] error: fulfillment:Cluster dev: call failed with Bearer [REDACTED]",
      "[ 1m15s] fulfillment:Cluster dev created in 1m15s",
      "[ 1m15s] done in 1m15s: 1 create",
    ]);
  });

  it("keeps only warnings and errors in quiet mode", () => {
    const lines: string[] = [];
    const reporter = new ProgressReporter({ onLine: (l) => lines.push(l), quiet: true });
    reporter.handle(step("resourcePreEvent", "create", "dev", null, { a: 1 }));
    reporter.handle({ sequence: 0, timestamp: 0, diagnosticEvent: { message: "info", color: "never", severity: "info" } });
    reporter.handle({ sequence: 0, timestamp: 0, diagnosticEvent: { message: "careful", color: "never", severity: "warning" } });
    expect(lines.map((l) => l.slice(9))).toEqual(["warning: careful"]);
  });
});

describe("connection settings", () => {
  it("takes options over FULFILLMENT_* and writes the token as a secret", () => {
    const env = { FULFILLMENT_ADDRESS: "env:1", FULFILLMENT_TOKEN: "t0k", FULFILLMENT_PLAINTEXT: "true" };
    const resolved = resolveConnection({ address: "opt:2" }, env);
    expect(resolved).toEqual({ address: "opt:2", token: "t0k", plaintext: true });
    expect(connectionConfig(resolved)).toEqual({
      "fulfillment:address": { value: "opt:2" },
      "fulfillment:token": { value: "t0k", secret: true },
      "fulfillment:plaintext": { value: "true" },
    });
    expect(() => resolveConnection({}, { FULFILLMENT_INSECURE: "maybe" })).toThrow(/FULFILLMENT_INSECURE/);
  });

  it("merges by the provider's rule: a tokenScript option and a FULFILLMENT_TOKEN never travel together", () => {
    const env = { FULFILLMENT_ADDRESS: "env:1", FULFILLMENT_TOKEN: "t0k", FULFILLMENT_INSECURE: "1", FULFILLMENT_API: "osac" };
    expect(resolveConnection({ tokenScript: "print-token", plaintext: true }, env)).toEqual({ address: "env:1", tokenScript: "print-token", plaintext: true, api: "osac" });
    expect(resolveConnection({ tokenScript: "print-token" }, env, false)).toEqual({ tokenScript: "print-token" });
    expect(connectionConfig({ api: "innabox" })).toEqual({ "fulfillment:api": { value: "innabox" } });
  });
});

describe("ephemeral stack names", () => {
  it("carry their creation time and parse back", () => {
    const name = ephemeralStackName("ephemeral", new Date("2026-01-23T04:55:01Z"));
    expect(name).toMatch(/^ephemeral-20260123045501-[0-9a-f]{6}$/);
    expect(parseEphemeralStackName(name)?.toISOString()).toBe("2026-01-23T04:55:01.000Z");
    expect(parseEphemeralStackName("dev")).toBeUndefined();
    expect(parseEphemeralStackName(name, "other")).toBeUndefined();
  });
});

describe("CLI arguments", () => {
  const usage = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      parseCommandLine(argv, env);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`no usage error for ${argv.join(" ")}`);
  };

  it("parses commands, with stack and connection from flags or environment", () => {
    expect(parseCommandLine(["preview", "-s", "dev", "--markdown", "out.md", "--json", "-"], {})).toEqual({
      command: "preview",
      options: { stack: "dev", markdown: "out.md", json: "-" },
    });
    expect(parseCommandLine(["drift", "--exit-code"], { PULUMI_STACK: "prod", FULFILLMENT_ADDRESS: "api:443", FULFILLMENT_PLAINTEXT: "1" })).toEqual({
      command: "drift",
      options: { stack: "prod", "exit-code": true, address: "api:443", plaintext: true },
    });
    const eph = parseCommandLine(["ephemeral", "--template", "ocp", "--node-set", "workers=3", "--param", "ha=true", "--", "kubectl", "get", "--help"], {});
    expect(eph).toMatchObject({ command: "ephemeral", options: { template: "ocp", "node-set": ["workers=3"], param: ["ha=true"], command: ["kubectl", "get", "--help"] } });
    expect(parseCommandLine(["--help"], {})).toEqual({ command: "help" });
  });

  it("names the flag in every error", () => {
    expect(usage(["preview"])).toBe("--stack: required (or set PULUMI_STACK)");
    expect(usage(["up", "--stack", "dev", "--address", "nope"])).toMatch(/^--address: add the port, e.g. nope:443/);
    // The client's forms: dns:///host:port and unix sockets pass.
    expect(parseCommandLine(["up", "-s", "dev", "--address", "dns:///h.example:443"])).toMatchObject({ options: { address: "dns:///h.example:443" } });
    expect(parseCommandLine(["up", "-s", "dev", "--address", "unix:/run/f.sock"])).toMatchObject({ options: { address: "unix:/run/f.sock" } });
    expect(usage(["drift", "-s", "dev", "--bogus"])).toMatch(/^--bogus: Unknown option/);
    expect(usage(["up", "-s", "dev", "--template", "x"])).toBe("--template: not an option of 'up' (see --help)");
    expect(usage(["ephemeral", "--", "true"])).toMatch(/^--template: required/);
    expect(usage(["ephemeral", "--template", "t", "--node-set", "workers=0", "--", "true"])).toMatch(/^--node-set: expected NAME=SIZE/);
    expect(usage(["ephemeral", "--template", "t", "--timeout", "soon", "--", "true"])).toMatch(/^--timeout: expected a duration/);
    expect(usage(["ephemeral", "--template", "t"])).toMatch(/^command: give the command/);
    expect(usage(["cleanup", "--older-than", "yesterday"])).toMatch(/^--older-than: /);
    expect(usage(["launch"])).toMatch(/^command: expected one of preview, up, destroy, drift, ephemeral, cleanup/);
    expect(usage(["up", "-s", "dev"], { FULFILLMENT_PLAINTEXT: "perhaps" })).toBe("FULFILLMENT_PLAINTEXT: expected true, false, 1 or 0, got 'perhaps'");
  });
});

// Secret hygiene over a whole lifecycle with the engine's most verbose logging: create,
// resize, refresh, failing runs, destroy, at -v=9 with --logflow, --debug and logs on
// stderr or in files. Afterwards no byte of the API token, the hub kubeconfig's token, a
// pull secret, a cluster's kubeconfig or its kubeadmin password may appear in clear in
// the state files, the engine's logs (stderr and TMPDIR), PULUMI_HOME, the engine events,
// the provider's own output, or any error message. Both API generations, one source: on
// osac the API token is a JWT of the simulator's issuer and the cluster's own pullSecret
// (which the server answers with `***`) joins the secrets.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { ApiGeneration } from "../../client/api";
import { GENERATIONS, startGenerationSimulator, type GenerationSimulator } from "../helpers/generations";
import { createTestPulumi, inlineStack, type TestPulumi } from "../helpers/pulumi";
// The built package, as a user's program loads it.
import { Cluster, ClusterTemplate, Hub } from "pulumi-fulfillment";
import { unreachableHubKubeconfig } from "../helpers/fixtures";

const HUB_TOKEN = "hub-token-secrets-5c7a1e0b94f8";
const PULL_SECRET = "pull-secret-secrets-8e2d4a6c1b3f";
const WRONG_INNABOX_TOKEN = "wrong-token-secrets-71f0c2a9d5e6";

const hubKubeconfig = (namespace: string) => unreachableHubKubeconfig(HUB_TOKEN, namespace);

interface Shape {
  workers: number;
  revision?: string;
  /** A kubeconfig the provider refuses at check, with the token inside. */
  brokenHub?: boolean;
}

function program(generation: ApiGeneration, shape: Shape) {
  return async () => {
    const hub = new Hub("hub", {
      hubId: "secrets-hub",
      kubeconfig: shape.brokenHub ? `users:\n- name: a\n  user: {token: ${HUB_TOKEN}\n` : hubKubeconfig("orders"),
      namespace: "orders",
    });
    const template = new ClusterTemplate("tmpl", {
      templateId: "secrets_tmpl",
      title: "Secrets",
      parameters: [{ name: "pull_secret", type: "string", required: true }],
      nodeSets: { workers: { hostClass: "acme_1tib", size: 2 } },
    });
    const cluster = new Cluster(
      "web",
      {
        template: template.templateId,
        name: "web",
        labels: { revision: shape.revision ?? "1" },
        templateParameters: { pull_secret: pulumi.secret(PULL_SECRET) },
        nodeSets: { workers: { size: shape.workers } },
        ...(generation === "osac" ? { pullSecret: PULL_SECRET } : {}),
      },
      { dependsOn: [hub] },
    );
    return { id: cluster.clusterId, kubeconfig: cluster.kubeconfig, password: cluster.password, hubKubeconfig: hub.kubeconfig };
  };
}

describe.each(GENERATIONS)("secret hygiene with verbose logging (%s generation)", (generation) => {
  let service: GenerationSimulator;
  let t: TestPulumi;
  let stack: Stack;
  let root: string;
  let clusterId = "";
  const seen: Array<{ where: string; text: string }> = [];
  const secrets: Record<string, string> = {
    "hub kubeconfig token": HUB_TOKEN,
    "pull secret": PULL_SECRET,
  };

  const record = (where: string, text: unknown) => seen.push({ where, text: typeof text === "string" ? text : JSON.stringify(text) });
  const verbose = (label: string, debug = true) => ({
    onOutput: (chunk: string) => record(`${label} output`, chunk),
    onEvent: (event: EngineEvent) => record(`${label} event`, event),
    logVerbosity: 9,
    logFlow: true,
    debug,
  });
  const capture = async <T extends { stdout: string; stderr: string }>(label: string, run: Promise<T>): Promise<T> => {
    try {
      const result = await run;
      record(`${label} stdout`, result.stdout);
      record(`${label} stderr`, result.stderr);
      return result;
    } catch (error) {
      record(`${label} error`, String((error as Error).stack ?? error));
      throw error;
    }
  };

  beforeAll(async () => {
    service = await startGenerationSimulator(generation, {
      controllerDelayMs: 20,
      provisioningDelayMs: 300,
      nodeSetConvergenceMs: 200,
      deletionDelayMs: 50,
    });
    secrets["API token"] = service.adminToken;
    // A token the server refuses: on osac an expired JWT of its own issuer, as a pipeline's stale token would be.
    secrets["wrong token"] = generation === "osac" ? await service.sim.issuer!.mintToken({ preferred_username: "e2e-admin", groups: ["admins"] }, -3600) : WRONG_INNABOX_TOKEN;
    t = createTestPulumi("secrets");
    root = path.dirname(t.workDir);
    // Everything the engine writes outside the backend lands where we can read it: glog files
    // go to TMPDIR, workspace and plugin state to PULUMI_HOME.
    for (const dir of ["tmp", "pulumi-home"]) fs.mkdirSync(path.join(root, dir), { recursive: true });
    t.envVars.TMPDIR = path.join(root, "tmp");
    t.envVars.PULUMI_HOME = path.join(root, "pulumi-home");
    stack = await inlineStack(t, program(generation, { workers: 2 }), { project: "secrets" });
    await stack.setAllConfig({
      "fulfillment:address": { value: service.sim.address },
      "fulfillment:token": { value: service.adminToken, secret: true },
      "fulfillment:plaintext": { value: "true" },
    });
  });

  afterAll(async () => {
    await service?.close();
    t?.dispose();
  });

  it("runs a full lifecycle with -v=9 --logflow --debug, logs on stderr and in files", async () => {
    const up = await capture("up", stack.up({ ...verbose("up"), logToStdErr: true }));
    expect(up.summary.result).toBe("succeeded");
    clusterId = up.outputs.id.value;
    expect(up.outputs.kubeconfig.secret).toBe(true);
    expect(up.outputs.password.secret).toBe(true);
    // The cluster's credentials, as the service hands them out.
    const kubeconfig = await service.api.clusters.kubeconfig(clusterId);
    secrets["cluster kubeconfig token"] = /token:\s*(\S+)/.exec(kubeconfig)![1];
    secrets["cluster password"] = await service.api.clusters.password(clusterId);
    expect(up.outputs.kubeconfig.value).toBe(kubeconfig);

    // An in-place update with logs in files (TMPDIR) instead of stderr, and without --debug.
    const resize = await inlineStack(t, program(generation, { workers: 2, revision: "2" }), { project: "secrets" });
    const update = await capture("update", resize.up(verbose("update", false)));
    expect(update.summary.resourceChanges?.update).toBe(1);

    const refresh = await capture("refresh", resize.refresh({ ...verbose("refresh"), logToStdErr: true }));
    expect(refresh.summary.result).toBe("succeeded");

    // A kubeconfig the provider refuses, carrying its token: the error must not echo it.
    const broken = await inlineStack(t, program(generation, { workers: 2, revision: "2", brokenHub: true }), { project: "secrets" });
    const checkError = await capture("broken hub", broken.preview({ ...verbose("broken hub"), logToStdErr: true })).catch((e: Error) => e);
    expect(String(checkError)).toMatch(/kubeconfig: is not valid YAML/);

    // A token the server refuses.
    await resize.setConfig("fulfillment:token", { value: secrets["wrong token"], secret: true });
    const authError = await capture("wrong token", resize.preview({ ...verbose("wrong token"), logToStdErr: true })).catch((e: Error) => e);
    expect(String(authError)).toMatch(generation === "osac" ? /UNAUTHENTICATED: token expired 1 hour ago/ : /UNAUTHENTICATED: bearer token is not valid/);
    await resize.setConfig("fulfillment:token", { value: service.adminToken, secret: true });

    const destroy = await capture("destroy", resize.destroy({ ...verbose("destroy"), logToStdErr: true }));
    expect(destroy.summary.result).toBe("succeeded");
    expect(service.sim.snapshot().clusters).toHaveLength(0);

    // The runs did log verbosely: the checks below look at real material.
    expect(seen.filter((s) => s.where.endsWith("stderr")).reduce((n, s) => n + s.text.length, 0)).toBeGreaterThan(100_000);
    expect(seen.some((s) => /cluster 'web' \([0-9a-f-]{36}\): READY/.test(s.text))).toBe(true); // the provider's own output
  }, 220_000);

  it("leaves no secret in clear anywhere it wrote, except where Pulumi itself logs property values", () => {
    expect(clusterId).not.toBe("");
    const files: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.isFile()) files.push(p);
      }
    };
    walk(root);
    const logFiles = files.filter((f) => f.startsWith(path.join(root, "tmp") + path.sep) && /\.log\./.test(path.basename(f)));
    expect(logFiles.length).toBeGreaterThan(0); // glog files from the run without logToStdErr
    expect(files.filter((f) => f.startsWith(t.backendDir)).length).toBeGreaterThan(0);

    const needles: Array<[string, string]> = [];
    for (const [name, value] of Object.entries(secrets)) {
      needles.push([name, value]);
      needles.push([`${name} (base64)`, Buffer.from(value).toString("base64")]);
    }
    const secretIn = (text: string) => needles.find(([, needle]) => text.includes(needle))?.[0];

    // Pulumi's own channels that print property values in clear (upstream, not fixable here):
    //  - the engine's log records at -v=7 ("Planner decided ... inputs=map[...]") and -v=9
    //    ("(Un)marshaling property for RPC[...]"),
    //  - the Node.js SDK's debug message "RegisterResource RPC finished: ...; resp: <the
    //    response, secret outputs included>", which the engine logs from -v=3 on and shows
    //    with --debug.
    const UPSTREAM_RECORD = /^((Un)?[Mm]arshaling property for RPC\[|Planner decided (to|not to) |(eventSink::Debug\(<\{%reset%\}>)?(RegisterResource|ReadResource) RPC (finished|prepared))/;
    const SDK_DEBUG = /^(RegisterResource|ReadResource) RPC (finished|prepared)/;
    const RECORD = /^\{"time":"[^"]*","level":"[A-Z]+","msg":"(.*)","v":(\d+)\}$/;

    // Lines of the SDK's debug messages as the engine renders them: the first one after a
    // resource prefix and "debug: ", the others as they are.
    const debugFirstLines: string[] = [];
    const debugLines = new Set<string>();
    const upstream: Record<string, number> = {};
    const leaks: string[] = [];
    const leak = (where: string, text: string, name: string) => {
      const at = text.indexOf(needles.find(([n]) => n === name)![1]);
      leaks.push(`${name} in ${where}: ...${text.slice(Math.max(0, at - 160), at).replace(/\s+/g, " ")}<HERE>`);
    };
    const allow = (kind: string) => (upstream[kind] = (upstream[kind] ?? 0) + 1);

    // Engine events: only the SDK's debug messages may carry secrets.
    for (const { where, text } of seen.filter((s) => s.where.endsWith(" event"))) {
      const name = secretIn(text);
      if (!name) continue;
      const event = JSON.parse(text) as EngineEvent;
      const diag = event.diagnosticEvent;
      if (diag?.prefix === "debug: " && SDK_DEBUG.test(diag.message)) {
        allow("SDK debug message (--debug)");
        const [first, ...rest] = diag.message.split("\n");
        debugFirstLines.push(first.trim());
        for (const line of rest) debugLines.add(line.trim());
      } else leak(where, text, name);
    }
    // Text: engine log records are judged by kind, rendered lines must not come from anything but a debug message.
    const texts = [...seen.filter((s) => !s.where.endsWith(" event")), ...files.map((f) => ({ where: path.relative(root, f), text: fs.readFileSync(f, "latin1") }))];
    for (const { where, text } of texts) {
      const isStateOrHome = where.startsWith("backend") || where.startsWith("pulumi-home") || where.startsWith("program");
      for (const line of text.split("\n")) {
        const name = secretIn(line);
        if (!name) continue;
        if (isStateOrHome) {
          leak(where, line, name);
          continue;
        }
        const record = RECORD.exec(line.trim());
        if (record) {
          if (UPSTREAM_RECORD.test(record[1])) allow(`engine log record at -v=${record[2]}`);
          else leak(where, line, name);
          continue;
        }
        const trimmed = line.trim();
        if (debugLines.has(trimmed) || debugFirstLines.some((d) => trimmed.endsWith(`debug: ${d}`))) allow("SDK debug message (--debug)");
        else leak(where, line, name);
      }
    }
    expect(leaks, `secrets in clear:\n${leaks.join("\n")}`).toEqual([]);
    // The upstream channels did carry secrets in this run: the check above looked at them.
    expect(Object.keys(upstream).length).toBeGreaterThan(0);
  });
});

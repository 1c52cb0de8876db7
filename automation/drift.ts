// Drift: what changed outside Pulumi, found by a refresh in preview mode (the state is
// not written). Each resource's read reports what the service has now; the engine's
// refresh step says `update` when that differs from the state and `delete` when the
// object is gone.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { diffProperties, friendlyType, isInternalType, maskValue, nameFromUrn, type PropertyChange } from "./values";

export type DriftKind = "changed" | "deleted";

export interface DriftedResource {
  urn: string;
  type: string;
  name: string;
  /** The object's id on the service (e.g. the cluster's UUID). */
  id?: string;
  kind: DriftKind;
  /** For `changed`: properties as recorded in the state (old) and as the service has them now (new). */
  changes: PropertyChange[];
}

/** Exit codes for CI: 0 no drift, 2 drift; 1 is left for errors. */
export type DriftExitCode = 0 | 2;

export interface DriftReport {
  project: string;
  stack: string;
  drifted: boolean;
  exitCode: DriftExitCode;
  resources: DriftedResource[];
  /** Resources checked and found as recorded. */
  unchanged: number;
  diagnostics: string[];
}

export class DriftCollector {
  private readonly drifted = new Map<string, DriftedResource>();
  private readonly checked = new Set<string>();
  private readonly diagnostics: string[] = [];

  constructor(private readonly knownSecrets: () => readonly string[] = () => []) {}

  handle = (event: EngineEvent): void => {
    const outputs = event.resOutputsEvent?.metadata;
    const pre = event.resourcePreEvent?.metadata;
    const meta = outputs ?? pre;
    if (meta && !isInternalType(meta.type)) {
      this.checked.add(meta.urn);
      if (!outputs) return;
      const secrets = this.knownSecrets();
      const base = { urn: meta.urn, type: friendlyType(meta.type), name: nameFromUrn(meta.urn), id: meta.old?.id || undefined };
      if (meta.op === "delete") {
        this.drifted.set(meta.urn, { ...base, kind: "deleted", changes: [] });
      } else if (meta.op === "update" || meta.op === "refresh") {
        // Outputs carry everything read() reported (for our resources a superset of the
        // inputs); inputs are compared too for providers that return inputs only.
        const changes = diffProperties(meta.old?.outputs, meta.new?.outputs, { knownSecrets: secrets });
        const seen = new Set(changes.map((c) => c.path));
        for (const change of diffProperties(meta.old?.inputs, meta.new?.inputs, { knownSecrets: secrets })) {
          if (!seen.has(change.path)) changes.push(change);
        }
        changes.sort((a, b) => a.path.localeCompare(b.path));
        if (changes.length || meta.op === "update") this.drifted.set(meta.urn, { ...base, kind: "changed", changes });
      }
      return;
    }
    const d = event.diagnosticEvent;
    if (d && (d.severity === "error" || d.severity === "warning")) {
      this.diagnostics.push(`${d.severity}: ${String(maskValue(d.message.trim(), this.knownSecrets()))}`);
    }
  };

  report(project: string, stack: string): DriftReport {
    const resources = [...this.drifted.values()].sort((a, b) => a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn));
    const drifted = resources.length > 0;
    return {
      project,
      stack,
      drifted,
      exitCode: drifted ? 2 : 0,
      resources,
      unchanged: this.checked.size - resources.length,
      diagnostics: [...this.diagnostics],
    };
  }
}

function formatChange(change: PropertyChange): string {
  const show = (v: unknown) => JSON.stringify(v) ?? "undefined";
  if (change.kind === "add") return `${change.path}: (unset) -> ${show(change.new)}`;
  if (change.kind === "delete") return `${change.path}: ${show(change.old)} -> (unset)`;
  return `${change.path}: ${show(change.old)} -> ${show(change.new)}`;
}

/** Plain text for CI logs. */
export function renderDriftText(report: DriftReport): string {
  if (!report.drifted) return `no drift in ${report.project}/${report.stack} (${report.unchanged} resources as recorded)`;
  const lines = [`drift in ${report.project}/${report.stack}: ${report.resources.length} resource(s) changed outside Pulumi`];
  for (const r of report.resources) {
    if (r.kind === "deleted") {
      lines.push(`  ${r.type} ${r.name}${r.id ? ` (${r.id})` : ""}: deleted outside Pulumi`);
      continue;
    }
    lines.push(`  ${r.type} ${r.name}${r.id ? ` (${r.id})` : ""}: changed`);
    for (const c of r.changes) lines.push(`    ${formatChange(c)}`);
  }
  return lines.join("\n");
}

export function renderDriftMarkdown(report: DriftReport): string {
  const lines = [`### Drift in \`${report.project}/${report.stack}\``, ""];
  if (!report.drifted) {
    lines.push(`No drift: ${report.unchanged} resource(s) as recorded.`, "");
    return lines.join("\n");
  }
  lines.push(`**${report.resources.length} resource(s) changed outside Pulumi**, ${report.unchanged} as recorded.`, "");
  lines.push("| Resource | Type | Drift | Details |", "|---|---|---|---|");
  for (const r of report.resources) {
    const details = r.kind === "deleted" ? "gone from the service" : r.changes.map((c) => `\`${formatChange(c).replace(/`/g, "'")}\``).join("<br>");
    lines.push(`| ${r.name} | \`${r.type}\` | ${r.kind} | ${details.replace(/\|/g, "\\|")} |`);
  }
  lines.push("");
  return lines.join("\n");
}


// The structured result of a preview, built from engine events, and its Markdown form
// for a pull-request comment. Dynamic providers cannot return a detailed diff, so the
// changed properties come from comparing the step's old and new inputs, with the
// engine's `diffs` as a hint for changes that masking hides (a secret replaced by
// another secret) and its replace keys marking what forces a replacement.
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { operationOf, type Operation } from "./operations";
import {
  PROVIDER_KEY,
  SECRET,
  diffProperties,
  formatValue,
  friendlyType,
  isInternalType,
  maskValue,
  nameFromUrn,
  topLevelKey,
  type PropertyChange,
} from "./values";

export type { Operation } from "./operations";

export interface ResourcePreview {
  urn: string;
  /** Friendly type, e.g. `fulfillment:Cluster`. */
  type: string;
  name: string;
  operation: Operation;
  /** Changed input properties; for a create every input, for a delete none. */
  changes: PropertyChange[];
  /** Top-level properties that force a replacement (engine's replace keys). */
  replaceReasons: string[];
}

export interface PreviewReport {
  project: string;
  stack: string;
  /** Counts per operation over the stack's own resources (engine-internal ones left out). */
  summary: Record<Operation, number>;
  /** Resources in a stable order: destructive first, then creates, updates, the rest; by name within. */
  resources: ResourcePreview[];
  /** Warnings and errors the engine or the providers reported, masked. */
  diagnostics: string[];
}

const ORDER: Record<Operation, number> = { replace: 0, delete: 1, create: 2, update: 3, import: 4, read: 5, same: 6 };

function emptySummary(): Record<Operation, number> {
  return { create: 0, update: 0, replace: 0, delete: 0, same: 0, read: 0, import: 0 };
}

interface StepSeen {
  metadata: StepEventMetadata;
  operation: Operation;
  /** The step whose old/new inputs explain the change (the `replace` step for replacements). */
  primary: boolean;
}

/** Collects preview steps from engine events (pass `handle` as `onEvent`). */
export class PreviewCollector {
  private readonly steps = new Map<string, StepSeen>();
  private readonly diagnostics: string[] = [];

  constructor(private readonly knownSecrets: () => readonly string[] = () => []) {}

  handle = (event: EngineEvent): void => {
    const meta = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
    if (meta) {
      if (isInternalType(meta.type)) return;
      const operation = operationOf(meta.op);
      if (!operation) return;
      const primary = meta.op === "replace" || operation !== "replace";
      const seen = this.steps.get(meta.urn);
      if (!seen || ORDER[operation] < ORDER[seen.operation] || (operation === seen.operation && primary && !seen.primary)) {
        this.steps.set(meta.urn, { metadata: meta, operation, primary });
      }
      return;
    }
    const d = event.diagnosticEvent;
    if (d && (d.severity === "error" || d.severity === "warning")) {
      const text = maskValue(d.message.trim(), this.knownSecrets());
      this.diagnostics.push(`${d.severity}: ${String(text)}`);
    }
  };

  report(project: string, stack: string): PreviewReport {
    const summary = emptySummary();
    const resources: ResourcePreview[] = [];
    for (const { metadata, operation } of this.steps.values()) {
      summary[operation] += 1;
      resources.push(resourcePreview(metadata, operation, this.knownSecrets()));
    }
    resources.sort((a, b) => ORDER[a.operation] - ORDER[b.operation] || a.name.localeCompare(b.name) || a.urn.localeCompare(b.urn));
    return { project, stack, summary, resources, diagnostics: [...this.diagnostics] };
  }
}

function resourcePreview(meta: StepEventMetadata, operation: Operation, secrets: readonly string[]): ResourcePreview {
  const replaceReasons = operation === "replace" ? [...new Set((meta.keys ?? []).filter((k) => k !== PROVIDER_KEY))].sort() : [];
  const base = { urn: meta.urn, type: friendlyType(meta.type), name: nameFromUrn(meta.urn), operation, replaceReasons };
  if (operation === "same" || operation === "delete" || operation === "read") return { ...base, changes: [] };
  const olds = operation === "create" || operation === "import" ? {} : (meta.old?.inputs ?? {});
  const news = meta.new?.inputs ?? {};
  const changes = diffProperties(olds, news, { knownSecrets: secrets });
  const seen = new Set(changes.map((c) => topLevelKey(c.path)));
  // A property the engine says changed but whose values look equal once masked (one
  // secret for another): report it without values.
  for (const key of [...(meta.diffs ?? []), ...replaceReasons]) {
    const top = topLevelKey(key);
    if (top === PROVIDER_KEY || seen.has(top)) continue;
    seen.add(top);
    changes.push({ path: top, kind: "update", old: SECRET, new: SECRET });
  }
  if (changes.length === 0 && operation === "update" && meta.old?.inputs?.[PROVIDER_KEY] !== meta.new?.inputs?.[PROVIDER_KEY]) {
    changes.push({ path: PROVIDER_KEY, kind: "update", old: "(provider code)", new: "(provider code)" });
  }
  for (const change of changes) {
    if (replaceReasons.includes(topLevelKey(change.path))) change.forcesReplace = true;
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { ...base, changes };
}

// ---------------------------------------------------------------- Markdown

const SYMBOL: Record<Operation, string> = {
  create: "🟢 create",
  update: "🟡 update",
  replace: "🔴 replace",
  delete: "🔴 delete",
  same: "same",
  read: "read",
  import: "import",
};

/** Escapes text for a GFM table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Inline code that survives backticks in the value. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function describeChange(change: PropertyChange): string {
  const path = code(change.path);
  const mark = change.forcesReplace ? " (forces replace)" : "";
  if (change.kind === "add") return `${path}: ${code(formatValue(change.new))}${mark}`;
  if (change.kind === "delete") return `${path}: ${code(formatValue(change.old))} → removed${mark}`;
  return `${path}: ${code(formatValue(change.old))} → ${code(formatValue(change.new))}${mark}`;
}

const MAX_CHANGES_PER_CELL = 8;

function changesCell(resource: ResourcePreview): string {
  if (resource.operation === "delete") return "(all)";
  if (resource.changes.length === 0) return "";
  const shown = resource.changes.slice(0, MAX_CHANGES_PER_CELL).map(describeChange);
  const rest = resource.changes.length - shown.length;
  if (rest > 0) shown.push(`…and ${rest} more`);
  return shown.join("<br>");
}

export function summaryLine(summary: Record<Operation, number>): string {
  const parts = (["create", "update", "replace", "delete"] as const).filter((op) => summary[op] > 0).map((op) => `${summary[op]} to ${op}`);
  const unchanged = summary.same + summary.read;
  const changes = parts.length ? parts.join(", ") : "no changes";
  return `**${changes}**${unchanged ? `, ${unchanged} unchanged` : ""}`;
}

/** Markdown for a pull-request comment: counts, destructive changes called out, a table of changes. */
export function renderPreviewMarkdown(report: PreviewReport, options: { title?: string } = {}): string {
  const lines: string[] = [];
  lines.push(`### ${options.title ?? `Pulumi preview of \`${report.project}/${report.stack}\``}`, "");
  lines.push(summaryLine(report.summary), "");
  const destructive = report.resources.filter((r) => r.operation === "replace" || r.operation === "delete");
  if (destructive.length) {
    lines.push("> [!CAUTION]");
    lines.push("> **Destructive changes:**");
    for (const r of destructive) {
      if (r.operation === "replace") {
        const forcing = r.replaceReasons.length
          ? r.replaceReasons
          : [...new Set(r.changes.filter((c) => c.forcesReplace).map((c) => topLevelKey(c.path)))];
        const detail = r.changes.filter((c) => c.forcesReplace).map((c) => code(c.path));
        const because = detail.length ? detail.join(", ") : forcing.map(code).join(", ");
        lines.push(`> - \`${r.type}\` **${r.name}** will be **replaced** (deleted and created anew)${because ? `: ${because} cannot change in place` : ""}`);
      } else {
        lines.push(`> - \`${r.type}\` **${r.name}** will be **deleted**`);
      }
    }
    lines.push("");
  }
  const changed = report.resources.filter((r) => r.operation !== "same" && r.operation !== "read");
  if (changed.length) {
    lines.push("| Operation | Resource | Type | Changes |", "|---|---|---|---|");
    for (const r of changed) {
      lines.push(`| ${SYMBOL[r.operation]} | ${cell(r.name)} | ${cell(code(r.type))} | ${cell(changesCell(r))} |`);
    }
    lines.push("");
  } else {
    lines.push("No resource changes.", "");
  }
  if (report.diagnostics.length) {
    lines.push("<details><summary>Diagnostics</summary>", "", "```text", ...report.diagnostics, "```", "", "</details>", "");
  }
  return lines.join("\n");
}

/** Plain-text summary for logs (one line per changed resource). */
export function renderPreviewText(report: PreviewReport): string {
  const lines = [`preview of ${report.project}/${report.stack}: ${summaryLine(report.summary).replace(/\*\*/g, "")}`];
  for (const r of report.resources) {
    if (r.operation === "same" || r.operation === "read") continue;
    const changes = r.changes.length ? `: ${r.changes.map((c) => describeChange(c).replace(/`/g, "")).join("; ")}` : "";
    lines.push(`  ${r.operation} ${r.type} ${r.name}${changes}`);
  }
  return lines.join("\n");
}


// Engine events as readable progress lines: which resource, what operation, how long it
// took, and what the providers reported meanwhile (the cluster's state messages arrive as
// diagnostics). Every line passes the redactor; debug diagnostics are dropped outright
// because the inline program's debug log echoes resource inputs, secrets included.
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { operationOf } from "./operations";
import { friendlyType, isInternalType, nameFromUrn, redactLine } from "./values";

export type LineSink = (line: string) => void;

export interface ProgressOptions {
  onLine?: LineSink;
  /** Only errors (and warnings); no per-resource lines or provider messages. */
  quiet?: boolean;
  /** Secret values known to the caller (tokens, kubeconfigs) masked in every line. */
  knownSecrets?: () => readonly string[];
  /** `preview` lines say what would happen; `update` lines what is happening. */
  mode?: "preview" | "update" | "refresh" | "destroy";
  now?: () => number;
}

const PRESENT: Partial<Record<OpType, string>> = {
  create: "creating",
  update: "updating",
  delete: "deleting",
  replace: "replacing",
  "create-replacement": "creating replacement",
  "delete-replaced": "deleting replaced",
  read: "reading",
  refresh: "refreshing",
  import: "importing",
  "import-replacement": "importing replacement",
  discard: "discarding",
  "discard-replaced": "discarding replaced",
};
const PAST: Partial<Record<OpType, string>> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  "create-replacement": "created replacement",
  "delete-replaced": "deleted replaced",
  read: "read",
  refresh: "refreshed",
  import: "imported",
  "import-replacement": "imported replacement",
  discard: "discarded",
  "discard-replaced": "discarded replaced",
};
const PLANNED: Partial<Record<OpType, string>> = {
  create: "would be created",
  update: "would be updated",
  delete: "would be deleted",
  replace: "would be replaced",
  read: "would be read",
  import: "would be imported",
};


// Engine ANSI colour codes and the `<{%fg 1%}>` style markers of uncoloured output.
const ANSI = /\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g;

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Turns a stream of engine events into lines; one instance per operation. */
export class ProgressReporter {
  private readonly started: number;
  private readonly stepStarts = new Map<string, number>();
  /** Operation per resource, for the closing line (the engine's own summary counts the stack itself). */
  private readonly done = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  private emit(line: string): void {
    const sink = this.options.onLine;
    if (!sink) return;
    const secrets = this.options.knownSecrets?.() ?? [];
    const clock = formatElapsed(this.now() - this.started).padStart(6);
    sink(`[${clock}] ${redactLine(line, secrets)}`);
  }

  /** A line of the wrapper's own (start, summary), subject to quiet mode unless `important`. */
  info(line: string, important = false): void {
    if (this.options.quiet && !important) return;
    this.emit(line);
  }

  handle(event: EngineEvent): void {
    const quiet = this.options.quiet;
    const mode = this.options.mode ?? "update";
    if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      if ((d.severity as string) === "debug" || d.ephemeral) return;
      const isProblem = d.severity === "error" || d.severity === "warning";
      if (quiet && !isProblem) return;
      const text = d.message.replace(ANSI, "").replace(/\s+$/, "");
      if (!text) return;
      const who = d.urn && !isInternalType(typeFromUrn(d.urn)) ? `${friendlyType(typeFromUrn(d.urn))} ${nameFromUrn(d.urn)}: ` : "";
      const prefix = isProblem ? `${d.severity}: ` : "";
      for (const piece of text.split(/\r?\n/)) if (piece.trim()) this.emit(`${prefix}${who}${piece}`);
      return;
    }
    if (quiet) return;
    if (event.resourcePreEvent) {
      const m = event.resourcePreEvent.metadata;
      if (isInternalType(m.type) || m.op === "same") return;
      const label = `${friendlyType(m.type)} ${nameFromUrn(m.urn)}`;
      if (mode === "preview") {
        this.done.set(m.urn, operationOf(m.op) ?? m.op);
        const planned = PLANNED[m.op];
        if (planned) this.emit(`${label} ${planned}`);
        return;
      }
      if (mode === "refresh") return;
      this.stepStarts.set(`${m.urn}\u0000${m.op}`, this.now());
      this.emit(`${label} ${PRESENT[m.op] ?? m.op}...`);
      return;
    }
    if (event.resOutputsEvent) {
      const m = event.resOutputsEvent.metadata;
      if (isInternalType(m.type) || m.op === "same" || mode === "preview") return;
      const label = `${friendlyType(m.type)} ${nameFromUrn(m.urn)}`;
      if (this.done.get(m.urn) !== "replace") this.done.set(m.urn, mode === "refresh" ? (m.op === "delete" ? "gone" : "drifted") : (operationOf(m.op) ?? m.op));
      if (mode === "refresh") {
        this.emit(`${label} ${m.op === "delete" ? "is gone from the service" : "changed outside Pulumi"}`);
        return;
      }
      const key = `${m.urn}\u0000${m.op}`;
      const began = this.stepStarts.get(key);
      this.stepStarts.delete(key);
      this.emit(`${label} ${PAST[m.op] ?? m.op}${began !== undefined ? ` in ${formatElapsed(this.now() - began)}` : ""}`);
      return;
    }
    if (event.resOpFailedEvent) {
      const m = event.resOpFailedEvent.metadata;
      const key = `${m.urn}\u0000${m.op}`;
      const began = this.stepStarts.get(key);
      this.emit(
        `${friendlyType(m.type)} ${nameFromUrn(m.urn)} ${m.op} failed${began !== undefined ? ` after ${formatElapsed(this.now() - began)}` : ""}`,
      );
      return;
    }
    if (event.summaryEvent) {
      const counts = new Map<string, number>();
      for (const op of this.done.values()) counts.set(op, (counts.get(op) ?? 0) + 1);
      const changes = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, n]) => `${n} ${op}`);
      const failed = (event.summaryEvent as { result?: string }).result === "failed";
      const verb = failed ? "failed after" : mode === "preview" ? "planned in" : "done in";
      this.emit(`${verb} ${formatElapsed(event.summaryEvent.durationSeconds * 1000)}: ${changes.length ? changes.join(", ") : "no changes"}`);
    }
  }
}

/** The type part of a URN: `urn:pulumi:stack::project::type::name` -> `type` (last type of a parent chain). */
export function typeFromUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return "";
  const chain = parts[2];
  const i = chain.lastIndexOf("$");
  return i >= 0 ? chain.slice(i + 1) : chain;
}

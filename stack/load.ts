// Reads a YAML stack document and validates it, with errors that point at the YAML path
// and line (`clusters[2].nodeSets.workers.size: expected a positive integer (line 14)`).
import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import { stackSpecSchema, type StackSpec } from "./schema";

export class StackSpecError extends Error {
  constructor(
    public readonly source: string,
    public readonly problems: string[],
  ) {
    super(`${source} is not a valid stack:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackSpecError";
  }
}

/** `clusters[2].nodeSets.workers.size` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(document)";
}

function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `'${k}'`).join(", ");
    return { path: issue.path, message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${keys}; check the spelling` };
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return { path: issue.path, message: issue.message.startsWith("Invalid input") ? "this field is required" : issue.message };
  }
  return { path: issue.path, message: issue.message };
}

export function parseStackSpec(text: string, source = "stack"): StackSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length) {
    throw new StackSpecError(
      source,
      document.errors.map((e) => `YAML syntax (line ${lineCounter.linePos(e.pos[0]).line}): ${e.message.split("\n")[0]}`),
    );
  }
  const value = document.toJS() ?? {};
  const result = stackSpecSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const { path, message } = describeIssue(issue);
    // Point at the deepest node that exists: a missing field's parent, at least.
    let line: number | undefined;
    for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
      const node = document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    }
    return `${formatPath(path)}: ${message}${line !== undefined ? ` (line ${line})` : ""}`;
  });
  throw new StackSpecError(source, problems);
}

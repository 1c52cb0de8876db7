// The engine's detailedDiff: one entry per changed property path with its kind, so
// `pulumi preview --diff` shows which property changes and which ones force a replace.
import { sameJson } from "../json/values";
import type { ChangeKind } from "./registry";

/** The engine's PropertyDiff.Kind values (pulumi/provider.proto). */
export const DiffKind = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 } as const;
export type DiffKindValue = (typeof DiffKind)[keyof typeof DiffKind];

export interface PropertyChange {
  kind: DiffKindValue;
  /** True when the change is between the old and new inputs, false for one against the state (e.g. a FAILED state). */
  inputDiff: boolean;
}

type Props = Record<string, unknown>;

/** Properties that steer the provider only and are never compared. */
const NEVER_COMPARED = new Set(["adoptId"]);

/**
 * Inputs whose spellings mean the same: a left-out `project` and "" both name the tenant's
 * default project, so moving between them is no change (the modules' own diff agrees).
 */
const NORMALIZED: Record<string, (value: unknown) => unknown> = {
  project: (value) => value ?? "",
};

function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Props)[key];
  }
  return current;
}

function kindOf(path: string, olds: Props, news: Props, replace: boolean): DiffKindValue {
  const before = valueAt(olds, path);
  const after = valueAt(news, path);
  if (before === undefined && after !== undefined) return replace ? DiffKind.ADD_REPLACE : DiffKind.ADD;
  if (after === undefined && before !== undefined) return replace ? DiffKind.DELETE_REPLACE : DiffKind.DELETE;
  return replace ? DiffKind.UPDATE_REPLACE : DiffKind.UPDATE;
}

/** Each top-level input compared with what the state holds for it. */
export function changedInputs(olds: Props, oldInputs: Props, news: Props): Record<string, ChangeKind> {
  const changed: Record<string, ChangeKind> = {};
  for (const key of new Set([...Object.keys(news), ...Object.keys(oldInputs)])) {
    if (NEVER_COMPARED.has(key)) continue;
    const normalize = NORMALIZED[key] ?? ((value: unknown) => value ?? null);
    if (!sameJson(normalize(news[key]), normalize(olds[key]))) changed[key] = "update";
  }
  return changed;
}

/**
 * Combines the resource module's verdict (changes, replaces) with the changed paths: every
 * replace reason gets an entry (a replace on a property that is not an input, such as a
 * FAILED `state`, is a diff against the state).
 */
export function detailedDiff(
  verdict: { changes: boolean; replaces: readonly string[] },
  changedPaths: Record<string, ChangeKind>,
  olds: Props,
  news: Props,
): Record<string, PropertyChange> {
  if (!verdict.changes) return {};
  const replaces = new Set(verdict.replaces);
  const replaced = (path: string) => replaces.has(path) || replaces.has(path.split(".")[0]);
  const result: Record<string, PropertyChange> = {};
  for (const [path, kind] of Object.entries(changedPaths)) {
    result[path] = { kind: kindOf(path, olds, news, kind === "replace" || replaced(path)), inputDiff: true };
  }
  for (const key of replaces) {
    if (Object.keys(result).some((path) => path === key || path.startsWith(`${key}.`))) continue;
    const isInput = key in news;
    result[key] = { kind: isInput ? kindOf(key, olds, news, true) : DiffKind.UPDATE_REPLACE, inputDiff: isInput };
  }
  return result;
}

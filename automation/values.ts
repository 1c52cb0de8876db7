// Property values as they come out of engine events: secrets masked, unknowns named, and
// the leaf-by-leaf comparison that turns old and new inputs into changed properties.
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime";
import { redactSecrets } from "../client/redact";
import { sameJson } from "../json/values";

/** What every secret value becomes in reports and lines. */
export const SECRET = "[secret]";
/** What a value not known until `up` becomes in previews. */
export const UNKNOWN_DISPLAY = "(known after apply)";

/** The engine's signature key and value on a secret in event payloads and state. */
const SIG_KEY: string = specialSigKey;
const SECRET_SIG: string = specialSecretSig;
/** The engine's placeholder for an unknown value in previews. */
const UNKNOWN_SENTINEL: string = unknownValue;
/** Input the dynamic provider host adds: the provider's serialized code. */
export const PROVIDER_KEY = "__provider";

/** Keys whose plain values are credentials even when the engine did not mark them secret. */
const SENSITIVE_KEY = /^(token|password|kubeconfig|passphrase|caPem|clientKey|client-key-data|secret)$/i;

export type PropertyChangeKind = "add" | "update" | "delete";

export interface PropertyChange {
  /** Dotted path, e.g. `nodeSets.workers.size`; keys that are not identifiers are quoted: `labels["example.com/team"]`. */
  path: string;
  kind: PropertyChangeKind;
  /** Old value (absent for `add`); secrets are `[secret]`. */
  old?: unknown;
  /** New value (absent for `delete`); secrets are `[secret]`, unknowns `(known after apply)`. */
  new?: unknown;
  /** True when a change of this property forces the resource to be replaced. */
  forcesReplace?: boolean;
}

function isSecretEnvelope(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * A copy of an event payload fit to show: secrets (engine-marked, or under a credential
 * key) become `[secret]`, unknowns `(known after apply)`, strings pass the redactor.
 */
export function maskValue(value: unknown, knownSecrets: readonly string[] = [], key?: string): unknown {
  if (isSecretEnvelope(value)) return SECRET;
  if (value === UNKNOWN_SENTINEL) return UNKNOWN_DISPLAY;
  if (typeof value === "string") {
    if (key !== undefined && SENSITIVE_KEY.test(key) && value !== "") return SECRET;
    const redacted = redactSecrets(value, knownSecrets);
    return redacted === value ? value : SECRET;
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v, knownSecrets));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, knownSecrets, k);
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value) && !isSecretEnvelope(value);
}

function joinPath(parent: string, key: string): string {
  const safe = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!parent) return safe.startsWith('"') ? `[${safe}]` : safe;
  return safe.startsWith('"') ? `${parent}[${safe}]` : `${parent}.${safe}`;
}



/** Every leaf of a value as [path, value]; arrays and secrets are leaves. */
export function leaves(value: unknown, parent = ""): Array<[string, unknown]> {
  if (isPlainObject(value)) {
    const entries = Object.keys(value).sort();
    if (entries.length === 0) return parent ? [[parent, {}]] : [];
    return entries.flatMap((k) => leaves(value[k], joinPath(parent, k)));
  }
  return [[parent, value]];
}

/**
 * Leaf-level differences between two property bags (raw event payloads), masked.
 * `ignore` drops top-level keys (the serialized provider, by default).
 */
export function diffProperties(
  olds: Record<string, unknown> | undefined | null,
  news: Record<string, unknown> | undefined | null,
  options: { knownSecrets?: readonly string[]; ignore?: readonly string[] } = {},
): PropertyChange[] {
  const ignore = new Set(options.ignore ?? [PROVIDER_KEY]);
  const secrets = options.knownSecrets ?? [];
  const changes: PropertyChange[] = [];
  const walk = (a: unknown, b: unknown, path: string, key: string | undefined) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) {
        if (!path && ignore.has(k)) continue;
        walk(a[k], b[k], joinPath(path, k), k);
      }
      return;
    }
    if (sameJson(a, b)) return;
    if (a === undefined) {
      // A whole new subtree: one change per leaf, so a PR reader sees each value.
      for (const [p, v] of leaves(b, path)) changes.push({ path: p, kind: "add", new: maskValue(v, secrets, lastKey(p) ?? key) });
    } else if (b === undefined) {
      for (const [p, v] of leaves(a, path)) changes.push({ path: p, kind: "delete", old: maskValue(v, secrets, lastKey(p) ?? key) });
    } else {
      changes.push({ path, kind: "update", old: maskValue(a, secrets, key), new: maskValue(b, secrets, key) });
    }
  };
  walk(olds ?? {}, news ?? {}, "", undefined);
  return changes;
}

function lastKey(path: string): string | undefined {
  const m = /(?:\.|^)([A-Za-z_$][A-Za-z0-9_$-]*)$|\["((?:[^"\\]|\\.)*)"\]$/.exec(path);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The top-level property a change path starts with (`nodeSets.workers.size` -> `nodeSets`). */
export function topLevelKey(path: string): string {
  const m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(path);
  if (m) return JSON.parse(`"${m[1]}"`);
  return path.split(/[.[]/)[0];
}

/** Friendly type names: `pulumi-nodejs:dynamic/fulfillment:Cluster` -> `fulfillment:Cluster`. */
export function friendlyType(type: string): string {
  const m = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}` : type;
}

/** The resource name at the end of a URN. */
export function nameFromUrn(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/** Engine-internal resources (the stack itself, default providers) that reports leave out. */
export function isInternalType(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** One value for a line or a table cell: JSON, shortened. */
export function formatValue(value: unknown, max = 60): string {
  if (value === SECRET || value === UNKNOWN_DISPLAY) return String(value);
  const text = value === undefined ? "undefined" : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Masks every secret string in a line of text (known values plus credential patterns). */
export function redactLine(text: string, knownSecrets: readonly string[] = []): string {
  return redactSecrets(text, knownSecrets);
}

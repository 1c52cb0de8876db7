// Property values on the provider protocol: secrets travel as the engine's secret
// signature objects (we accept secrets, so the engine keeps them as such), unknowns as the
// engine's sentinel string (which the resource modules already understand). The resource
// modules see plain values; what leaves the plugin is secret again where the schema or the
// program says so.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Json = unknown;

export function isSecretValue(value: Json): value is { value: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function secretValue(value: Json): Json {
  return isSecretValue(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** Plain values for the resource modules, and the top-level keys that held a secret anywhere inside. */
export function unwrapSecrets(props: Record<string, Json> | undefined): { plain: Record<string, Json>; secretKeys: Set<string> } {
  const secretKeys = new Set<string>();
  const plain: Record<string, Json> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    let found = false;
    const strip = (v: Json): Json => {
      if (isSecretValue(v)) {
        found = true;
        return strip(v.value);
      }
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, strip(inner)]));
      return v;
    };
    plain[key] = strip(value);
    if (found) secretKeys.add(key);
  }
  return { plain, secretKeys };
}

/**
 * The dynamic host's serialized provider code, found in states that moved from the dynamic
 * resources (aliases): meaningless to the plugin, and never written back.
 */
const DYNAMIC_PROVIDER_KEY = "__provider";

/**
 * Marks the named top-level keys secret; undefined values are left out (the Struct cannot
 * hold them), and so is a dynamic provider's serialized code.
 */
export function wrapSecrets(props: Record<string, Json>, secretKeys: Iterable<string>): Record<string, Json> {
  const secrets = new Set(secretKeys);
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || key === DYNAMIC_PROVIDER_KEY) continue;
    out[key] = secrets.has(key) ? secretValue(value) : value;
  }
  return out;
}

/** A JSON round trip drops undefined members anywhere inside (Struct.fromJavaScript refuses them). */
export function toStructValue(props: Record<string, Json>): Record<string, Json> {
  return JSON.parse(JSON.stringify(props)) as Record<string, Json>;
}

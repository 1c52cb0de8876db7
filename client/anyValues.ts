// Template parameters travel as google.protobuf.Any whose type URL must equal the one the
// template declares. Users write plain YAML/JS values; this module is the single place that
// turns them into the declared wrapper type (validating as it goes) and back into plain,
// JSON-able values that Pulumi can store and diff.
import { create, fromBinary, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { compact, stableStringify } from "../json/values";
import {
  anyPack,
  BoolValueSchema,
  BytesValueSchema,
  DoubleValueSchema,
  DurationSchema,
  FloatValueSchema,
  Int32ValueSchema,
  Int64ValueSchema,
  StringValueSchema,
  TimestampSchema,
  ValueSchema,
  type Any,
} from "@bufbuild/protobuf/wkt";

const PREFIX = "type.googleapis.com/google.protobuf.";

export const PARAMETER_TYPES = {
  bool: `${PREFIX}BoolValue`,
  int32: `${PREFIX}Int32Value`,
  int64: `${PREFIX}Int64Value`,
  float: `${PREFIX}FloatValue`,
  double: `${PREFIX}DoubleValue`,
  string: `${PREFIX}StringValue`,
  timestamp: `${PREFIX}Timestamp`,
  duration: `${PREFIX}Duration`,
  bytes: `${PREFIX}BytesValue`,
  json: `${PREFIX}Value`,
} as const satisfies Record<string, string>;

export type ParameterTypeName = keyof typeof PARAMETER_TYPES;

const FRIENDLY_BY_URL = new Map<string, ParameterTypeName>(
  Object.entries(PARAMETER_TYPES).map(([name, url]) => [url, name as ParameterTypeName]),
);

function validTypesText(): string {
  return `valid types are ${Object.keys(PARAMETER_TYPES).join(", ")} (or their type URLs, e.g. ${PARAMETER_TYPES.string})`;
}

/** Accepts a friendly name (`string`), a full type URL, or the bare proto name (`google.protobuf.StringValue`). */
export function toTypeUrl(friendlyOrUrl: string, fieldPath: string): string {
  if (typeof friendlyOrUrl !== "string" || friendlyOrUrl.trim() === "") {
    throw new Error(`${fieldPath}: a parameter type is required; ${validTypesText()}`);
  }
  const text = friendlyOrUrl.trim();
  if (text in PARAMETER_TYPES) return PARAMETER_TYPES[text as ParameterTypeName];
  if (FRIENDLY_BY_URL.has(text)) return text;
  if (FRIENDLY_BY_URL.has(`type.googleapis.com/${text}`)) return `type.googleapis.com/${text}`;
  throw new Error(`${fieldPath}: unknown parameter type '${text}'; ${validTypesText()}`);
}

/** `type.googleapis.com/google.protobuf.BoolValue` -> `bool`; unknown URLs come back unchanged. */
export function friendlyTypeName(typeUrl: string): string {
  return FRIENDLY_BY_URL.get(typeUrl) ?? typeUrl;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  // Only short strings are echoed: a long one put in the wrong parameter is as likely to be a
  // pull secret or a token as a typo, and check failures are printed in clear.
  if (typeof value === "string") return value.length > 32 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  return "an object";
}

function fail(fieldPath: string, expected: string, type: string, value: unknown, fix?: string): never {
  throw new Error(`${fieldPath}: expected ${expected} for type ${type}, got ${describe(value)}${fix ? ` (${fix})` : ""}`);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;
// google.protobuf.Duration and Timestamp ranges, from their .proto comments.
const DURATION_MAX_SECONDS = 315_576_000_000n;
const TIMESTAMP_MIN_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const TIMESTAMP_MAX_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

function toInteger(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

function toFiniteNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

const DURATION_UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go-style durations ("1h30m", "1.5s", "250ms", "-2m") and proto JSON ("5400s"), as nanoseconds. */
function parseDurationText(text: string): bigint | undefined {
  const match = /^([+-])?((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/.exec(text.trim());
  if (!match) return text.trim() === "0" ? 0n : undefined;
  let total = 0n;
  for (const part of match[2].matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|ms|s|m|h)/g)) {
    const unit = DURATION_UNIT_NANOS[part[3]];
    const whole = BigInt(part[1] || "0");
    const fraction = part[2] ?? "";
    total += whole * unit;
    if (fraction) total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  }
  return match[1] === "-" ? -total : total;
}

function durationFromNanos(nanos: bigint): { seconds: bigint; nanos: number } {
  // seconds and nanos carry the same sign, as google.protobuf.Duration requires.
  const seconds = nanos / 1_000_000_000n;
  return { seconds, nanos: Number(nanos - seconds * 1_000_000_000n) };
}

function numberSecondsToNanos(value: number): bigint {
  const whole = Math.trunc(value);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((value - whole) * 1e9));
}

// RFC 3339 with an explicit offset; fractional seconds up to nanoseconds are kept exactly.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil):
// exact for years 1..9999, where Date.UTC would map 0..99 to 1900..1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function parseTimestampText(text: string): { seconds: bigint; nanos: number } | undefined {
  const match = RFC3339.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const fraction = match[7] ?? "";
  const offset = match[8];
  const monthDays = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > monthDays[month - 1] || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let seconds = BigInt(daysFromCivil(year, month, day)) * 86_400n + BigInt(hour * 3600 + minute * 60 + second);
  if (offset !== "Z" && offset !== "z") {
    const sign = offset.startsWith("-") ? -1n : 1n;
    const [offsetHours, offsetMinutes] = offset.slice(1).split(":").map(BigInt);
    seconds -= sign * (offsetHours * 3600n + offsetMinutes * 60n);
  }
  return { seconds, nanos: Number((fraction + "000000000").slice(0, 9)) };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function checkJson(value: unknown, fieldPath: string, seen: Set<object>): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${fieldPath}: expected JSON for type json, got ${value} (JSON has no NaN or Infinity)`);
    return;
  }
  if (typeof value !== "object") {
    throw new Error(`${fieldPath}: expected JSON for type json, got ${describe(value)}`);
  }
  if (seen.has(value)) throw new Error(`${fieldPath}: expected JSON for type json, got a circular structure`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, `${fieldPath}[${index}]`, seen));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(`${fieldPath}: expected JSON for type json, got ${describe(value)} (only plain objects, arrays, strings, numbers, booleans and null)`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue; // JSON.stringify drops these too
      checkJson(item, `${fieldPath}.${key}`, seen);
    }
  }
  seen.delete(value);
}


/** Packs a plain value into the Any of the given parameter type (friendly name or URL), validating it. */
export function packParameter(typeUrl: string, value: unknown, fieldPath: string): Any {
  const url = toTypeUrl(typeUrl, `${fieldPath} (type)`);
  const type = friendlyTypeName(url) as ParameterTypeName;
  switch (type) {
    case "bool": {
      const v = value === "true" ? true : value === "false" ? false : value;
      if (typeof v !== "boolean") fail(fieldPath, "a boolean", type, value, "use true or false");
      return anyPack(BoolValueSchema, create(BoolValueSchema, { value: v }));
    }
    case "int32": {
      const v = toInteger(value);
      if (v === undefined) fail(fieldPath, "an integer", type, value);
      if (v < BigInt(INT32_MIN) || v > BigInt(INT32_MAX)) fail(fieldPath, `an integer between ${INT32_MIN} and ${INT32_MAX}`, type, value, "use int64 for larger values");
      return anyPack(Int32ValueSchema, create(Int32ValueSchema, { value: Number(v) }));
    }
    case "int64": {
      if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        fail(fieldPath, "an exact integer", type, value, "numbers beyond ±2^53 lose precision; write the value as a string, e.g. \"9007199254740993\"");
      }
      const v = toInteger(value);
      if (v === undefined) fail(fieldPath, "an integer", type, value);
      if (v < INT64_MIN || v > INT64_MAX) fail(fieldPath, "an integer within the int64 range", type, value);
      return anyPack(Int64ValueSchema, create(Int64ValueSchema, { value: v }));
    }
    case "float": {
      const v = toFiniteNumber(value);
      if (v === undefined) fail(fieldPath, "a finite number", type, value);
      if (Math.abs(v) > FLOAT32_MAX) fail(fieldPath, "a number within the 32-bit float range (±3.4e38)", type, value, "use double");
      return anyPack(FloatValueSchema, create(FloatValueSchema, { value: v }));
    }
    case "double": {
      const v = toFiniteNumber(value);
      if (v === undefined) fail(fieldPath, "a finite number", type, value);
      return anyPack(DoubleValueSchema, create(DoubleValueSchema, { value: v }));
    }
    case "string": {
      if (typeof value !== "string") fail(fieldPath, "a string", type, value, typeof value === "number" || typeof value === "boolean" ? "quote it in YAML" : undefined);
      return anyPack(StringValueSchema, create(StringValueSchema, { value }));
    }
    case "timestamp": {
      let parsed: { seconds: bigint; nanos: number } | undefined;
      if (value instanceof Date && !Number.isNaN(value.getTime())) {
        const millis = BigInt(value.getTime());
        const seconds = millis >= 0n ? millis / 1000n : -((-millis + 999n) / 1000n);
        parsed = { seconds, nanos: Number(millis - seconds * 1000n) * 1_000_000 };
      } else if (typeof value === "string") {
        parsed = parseTimestampText(value);
      }
      if (!parsed) fail(fieldPath, "an RFC 3339 date-time string or a Date", type, value, "e.g. \"2026-03-01T12:00:00Z\"");
      if (parsed.seconds < TIMESTAMP_MIN_SECONDS || parsed.seconds > TIMESTAMP_MAX_SECONDS) {
        fail(fieldPath, "a date between years 0001 and 9999", type, value);
      }
      return anyPack(TimestampSchema, create(TimestampSchema, parsed));
    }
    case "duration": {
      let nanos: bigint | undefined;
      if (typeof value === "number" && Number.isFinite(value)) nanos = numberSecondsToNanos(value);
      else if (typeof value === "string") nanos = parseDurationText(value);
      if (nanos === undefined) fail(fieldPath, "a duration like \"90s\" or \"1h30m\", or a number of seconds", type, value);
      const parts = durationFromNanos(nanos);
      if (parts.seconds > DURATION_MAX_SECONDS || parts.seconds < -DURATION_MAX_SECONDS) {
        fail(fieldPath, "a duration within ±10000 years", type, value);
      }
      return anyPack(DurationSchema, create(DurationSchema, parts));
    }
    case "bytes": {
      let bytes: Uint8Array | undefined;
      if (value instanceof Uint8Array) bytes = new Uint8Array(value);
      else if (typeof value === "string") {
        const text = value.replace(/\s+/g, "");
        if (BASE64.test(text)) bytes = new Uint8Array(Buffer.from(text, "base64"));
        else if (BASE64URL.test(text)) bytes = new Uint8Array(Buffer.from(text, "base64url"));
      }
      if (!bytes) fail(fieldPath, "a base64 string or a Buffer", type, value);
      return anyPack(BytesValueSchema, create(BytesValueSchema, { value: bytes }));
    }
    case "json": {
      if (value === undefined) fail(fieldPath, "a JSON value", type, value);
      checkJson(value, fieldPath, new Set());
      return anyPack(ValueSchema, fromJson(ValueSchema, compact(value) as JsonValue));
    }
  }
}

/** Shortest decimal that reads back as the same 32-bit float, so 0.1 stays 0.1 rather than 0.10000000149011612. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** Decodes an Any holding one of the parameter types into a plain JSON-able value. */
export function unpackParameter(value: Any, fieldPath: string): unknown {
  const type = FRIENDLY_BY_URL.get(value?.typeUrl ?? "");
  if (!type) {
    throw new Error(`${fieldPath}: unsupported parameter type URL '${value?.typeUrl ?? ""}'; ${validTypesText()}`);
  }
  try {
    const bytes = value.value;
    switch (type) {
      case "bool":
        return fromBinary(BoolValueSchema, bytes).value;
      case "int32":
        return fromBinary(Int32ValueSchema, bytes).value;
      case "int64": {
        const v = fromBinary(Int64ValueSchema, bytes).value;
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
      }
      case "float":
        return shortestFloat32(fromBinary(FloatValueSchema, bytes).value);
      case "double":
        return fromBinary(DoubleValueSchema, bytes).value;
      case "string":
        return fromBinary(StringValueSchema, bytes).value;
      case "timestamp":
        return toJson(TimestampSchema, fromBinary(TimestampSchema, bytes));
      case "duration":
        return toJson(DurationSchema, fromBinary(DurationSchema, bytes));
      case "bytes":
        return Buffer.from(fromBinary(BytesValueSchema, bytes).value).toString("base64");
      case "json":
        return toJson(ValueSchema, fromBinary(ValueSchema, bytes));
    }
  } catch (error) {
    throw new Error(`${fieldPath}: cannot decode the ${type} value sent by the server: ${(error as Error).message}`);
  }
}


/**
 * Whether two plain values mean the same parameter value once packed: 90 and "90s" and
 * "1m30s" are one duration, 1 and "1" one int32. Values that do not pack compare as
 * plain JSON, so a diff still shows them.
 */
export function parameterValuesEqual(typeUrl: string, a: unknown, b: unknown): boolean {
  const normalize = (value: unknown): string | undefined => {
    try {
      return stableStringify(unpackParameter(packParameter(typeUrl, value, "value"), "value"));
    } catch {
      return undefined;
    }
  };
  const left = normalize(a);
  const right = normalize(b);
  if (left === undefined || right === undefined) {
    return left === undefined && right === undefined && stableStringify(a) === stableStringify(b);
  }
  return left === right;
}

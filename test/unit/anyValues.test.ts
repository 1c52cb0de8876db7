import { create, toBinary } from "@bufbuild/protobuf";
import { anyPack, AnySchema, Int32ValueSchema, StringValueSchema, TimestampSchema, DurationSchema, anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  PARAMETER_TYPES,
  friendlyTypeName,
  packParameter,
  parameterValuesEqual,
  toTypeUrl,
  unpackParameter,
} from "../../client/anyValues";

const P = "templateParameters.p";
const roundTrip = (type: string, value: unknown) => unpackParameter(packParameter(type, value, P), P);
const packError = (type: string, value: unknown): string => {
  try {
    packParameter(type, value, P);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${type} to refuse ${String(value)}`);
};

describe("type names", () => {
  it("maps every friendly name to the google.protobuf wrapper URL and back", () => {
    expect(Object.keys(PARAMETER_TYPES)).toEqual(["bool", "int32", "int64", "float", "double", "string", "timestamp", "duration", "bytes", "json"]);
    for (const [name, url] of Object.entries(PARAMETER_TYPES)) {
      expect(url).toMatch(/^type\.googleapis\.com\/google\.protobuf\.(BoolValue|Int32Value|Int64Value|FloatValue|DoubleValue|StringValue|Timestamp|Duration|BytesValue|Value)$/);
      expect(toTypeUrl(name, "x")).toBe(url);
      expect(toTypeUrl(url, "x")).toBe(url);
      expect(friendlyTypeName(url)).toBe(name);
    }
    expect(toTypeUrl("google.protobuf.StringValue", "x")).toBe(PARAMETER_TYPES.string);
    expect(friendlyTypeName("type.googleapis.com/acme.Thing")).toBe("type.googleapis.com/acme.Thing");
  });

  it("lists the valid names for an unknown type", () => {
    expect(() => toTypeUrl("integer", "parameters[0].type")).toThrow(
      "parameters[0].type: unknown parameter type 'integer'; valid types are bool, int32, int64, float, double, string, timestamp, duration, bytes, json (or their type URLs, e.g. type.googleapis.com/google.protobuf.StringValue)",
    );
    expect(() => toTypeUrl("", "t")).toThrow("t: a parameter type is required");
  });
});

describe("pack/unpack round trips", () => {
  it.each<[string, unknown, unknown]>([
    ["bool", true, true],
    ["bool", false, false],
    ["bool", "true", true],
    ["int32", 42, 42],
    ["int32", -2147483648, -2147483648],
    ["int32", 2147483647, 2147483647],
    ["int32", "17", 17],
    ["int64", 9007199254740991, 9007199254740991],
    ["int64", "9223372036854775807", "9223372036854775807"],
    ["int64", -9223372036854775808n, "-9223372036854775808"],
    ["int64", "12", 12],
    ["float", 0.1, 0.1],
    ["float", 1.5, 1.5],
    ["float", -3.4e38, -3.4e38],
    ["double", 0.1, 0.1],
    ["double", "2.5", 2.5],
    ["string", "4.17.0", "4.17.0"],
    ["string", "", ""],
    ["timestamp", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z"],
    ["timestamp", "2026-03-01T12:00:00.123456789Z", "2026-03-01T12:00:00.123456789Z"],
    ["timestamp", "2026-03-01T14:30:00+02:30", "2026-03-01T12:00:00Z"],
    ["timestamp", new Date("2020-02-29T00:00:00.5Z"), "2020-02-29T00:00:00.500Z"],
    ["timestamp", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
    ["timestamp", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"],
    ["timestamp", "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"],
    ["duration", "90s", "90s"],
    ["duration", "1h30m", "5400s"],
    ["duration", "1.5s", "1.500s"],
    ["duration", "250ms", "0.250s"],
    ["duration", "-2m", "-120s"],
    ["duration", 90, "90s"],
    ["duration", 0.5, "0.500s"],
    ["duration", "0", "0s"],
    ["bytes", "aGVsbG8=", "aGVsbG8="],
    ["bytes", Buffer.from("hello"), "aGVsbG8="],
    ["bytes", "aGVsbG8", "aGVsbG8="],
    ["bytes", "-_8", "+/8="],
    ["bytes", "", ""],
    ["json", { a: [1, "x", null, { b: true }] }, { a: [1, "x", null, { b: true }] }],
    ["json", "plain", "plain"],
    ["json", null, null],
    ["json", 3.25, 3.25],
    ["json", { a: 1, dropped: undefined }, { a: 1 }],
  ])("%s %s", (type, input, expected) => {
    const packed = packParameter(type, input, P);
    expect(packed.typeUrl).toBe(PARAMETER_TYPES[type as keyof typeof PARAMETER_TYPES]);
    expect(unpackParameter(packed, P)).toEqual(expected);
    // and the unpacked form packs back to the same bytes
    expect(toBinary(AnySchema, packParameter(type, unpackParameter(packed, P), P))).toEqual(toBinary(AnySchema, packed));
  });

  it("accepts full type URLs as the type", () => {
    expect(roundTrip(PARAMETER_TYPES.int32, 5)).toBe(5);
  });

  it("produces exactly what the wrapper types encode", () => {
    const packed = packParameter("timestamp", "1970-01-01T00:00:01.000000002Z", P);
    expect(anyUnpack(packed, TimestampSchema)).toMatchObject({ seconds: 1n, nanos: 2 });
    const duration = packParameter("duration", "-1.5s", P);
    expect(anyUnpack(duration, DurationSchema)).toMatchObject({ seconds: -1n, nanos: -500_000_000 });
  });

  it("unpacks values packed by someone else (the server's defaults)", () => {
    expect(unpackParameter(anyPack(StringValueSchema, create(StringValueSchema, { value: "4.17.0" })), P)).toBe("4.17.0");
    expect(unpackParameter(anyPack(Int32ValueSchema, create(Int32ValueSchema, {})), P)).toBe(0);
  });
});

describe("pack errors", () => {
  it.each<[string, unknown, string]>([
    ["bool", "yes", `${P}: expected a boolean for type bool, got "yes" (use true or false)`],
    ["bool", 1, `${P}: expected a boolean for type bool, got 1 (use true or false)`],
    ["int32", 1.5, `${P}: expected an integer for type int32, got 1.5`],
    ["int32", 2147483648, `${P}: expected an integer between -2147483648 and 2147483647 for type int32, got 2147483648 (use int64 for larger values)`],
    ["int32", -2147483649, `${P}: expected an integer between -2147483648 and 2147483647 for type int32, got -2147483649 (use int64 for larger values)`],
    ["int32", "12a", `${P}: expected an integer for type int32, got "12a"`],
    ["int32", null, `${P}: expected an integer for type int32, got null`],
    ["int64", 2 ** 60, `${P}: expected an exact integer for type int64, got 1152921504606847000 (numbers beyond ±2^53 lose precision; write the value as a string, e.g. "9007199254740993")`],
    ["int64", "9223372036854775808", `${P}: expected an integer within the int64 range for type int64, got "9223372036854775808"`],
    ["int64", true, `${P}: expected an integer for type int64, got true`],
    ["float", Number.NaN, `${P}: expected a finite number for type float, got NaN`],
    ["float", 1e39, `${P}: expected a number within the 32-bit float range (±3.4e38) for type float, got 1e+39 (use double)`],
    ["double", "abc", `${P}: expected a finite number for type double, got "abc"`],
    ["double", Number.POSITIVE_INFINITY, `${P}: expected a finite number for type double, got Infinity`],
    ["string", 4.17, `${P}: expected a string for type string, got 4.17 (quote it in YAML)`],
    ["string", undefined, `${P}: expected a string for type string, got nothing`],
    ["string", { a: 1 }, `${P}: expected a string for type string, got an object`],
    ["timestamp", "2026-03-01", `${P}: expected an RFC 3339 date-time string or a Date for type timestamp, got "2026-03-01" (e.g. "2026-03-01T12:00:00Z")`],
    ["timestamp", "2026-02-30T00:00:00Z", `${P}: expected an RFC 3339 date-time string or a Date for type timestamp, got "2026-02-30T00:00:00Z" (e.g. "2026-03-01T12:00:00Z")`],
    ["timestamp", "2026-03-01T12:00:00", `${P}: expected an RFC 3339 date-time string or a Date for type timestamp, got "2026-03-01T12:00:00" (e.g. "2026-03-01T12:00:00Z")`],
    ["timestamp", new Date(Number.NaN), `${P}: expected an RFC 3339 date-time string or a Date for type timestamp, got Date(invalid) (e.g. "2026-03-01T12:00:00Z")`],
    ["timestamp", 1700000000, `${P}: expected an RFC 3339 date-time string or a Date for type timestamp, got 1700000000 (e.g. "2026-03-01T12:00:00Z")`],
    ["timestamp", "0000-12-31T23:59:59Z", `${P}: expected a date between years 0001 and 9999 for type timestamp, got "0000-12-31T23:59:59Z"`],
    ["timestamp", "9999-12-31T23:59:59-00:01", `${P}: expected a date between years 0001 and 9999 for type timestamp, got "9999-12-31T23:59:59-00:01"`],
    ["duration", "90", `${P}: expected a duration like "90s" or "1h30m", or a number of seconds for type duration, got "90"`],
    ["duration", "1d", `${P}: expected a duration like "90s" or "1h30m", or a number of seconds for type duration, got "1d"`],
    ["duration", "400000000000s", `${P}: expected a duration within ±10000 years for type duration, got "400000000000s"`],
    ["duration", true, `${P}: expected a duration like "90s" or "1h30m", or a number of seconds for type duration, got true`],
    ["bytes", "not base64!", `${P}: expected a base64 string or a Buffer for type bytes, got "not base64!"`],
    ["bytes", 5, `${P}: expected a base64 string or a Buffer for type bytes, got 5`],
    ["json", undefined, `${P}: expected a JSON value for type json, got nothing`],
    ["json", { a: [1, Number.NaN] }, `${P}.a[1]: expected JSON for type json, got NaN (JSON has no NaN or Infinity)`],
    ["json", { when: new Date(0) }, `${P}.when: expected JSON for type json, got Date(1970-01-01T00:00:00.000Z) (only plain objects, arrays, strings, numbers, booleans and null)`],
    ["json", { f: () => 1 }, `${P}.f: expected JSON for type json, got a function`],
    ["json", 10n, `${P}: expected JSON for type json, got 10n`],
  ])("%s refuses %s", (type, value, message) => {
    expect(packError(type, value)).toBe(message);
  });

  it("refuses circular JSON", () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(packError("json", value)).toBe(`${P}.self: expected JSON for type json, got a circular structure`);
  });

  it("refuses an unknown type with the list of valid ones", () => {
    expect(packError("uuid", "x")).toContain(`${P} (type): unknown parameter type 'uuid'; valid types are bool, int32`);
  });

  it("refuses to unpack unsupported or corrupt values", () => {
    expect(() => unpackParameter(create(AnySchema, { typeUrl: "type.googleapis.com/acme.Thing", value: new Uint8Array() }), P)).toThrow(
      `${P}: unsupported parameter type URL 'type.googleapis.com/acme.Thing'; valid types are`,
    );
    expect(() => unpackParameter(create(AnySchema, { typeUrl: PARAMETER_TYPES.string, value: new Uint8Array([0x0a, 0x05, 0x61]) }), P)).toThrow(
      `${P}: cannot decode the string value sent by the server`,
    );
  });
});

describe("parameterValuesEqual", () => {
  it.each<[string, unknown, unknown, boolean]>([
    ["duration", 90, "90s", true],
    ["duration", "1m30s", "90s", true],
    ["duration", "90s", "91s", false],
    ["int32", 1, "1", true],
    ["int64", "9007199254740993", 9007199254740992, false],
    ["float", 0.1, 0.10000000149011612, true],
    ["double", 0.1, 0.10000000149011612, false],
    ["timestamp", "2026-03-01T14:30:00+02:30", "2026-03-01T12:00:00Z", true],
    ["timestamp", new Date("2026-03-01T12:00:00Z"), "2026-03-01T12:00:00.000Z", true],
    ["bytes", Buffer.from("hi"), "aGk=", true],
    ["json", { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    ["json", { a: 1 }, { a: 2 }, false],
    ["bool", true, "true", true],
    ["bool", "yes", "yes", true],
    ["bool", "yes", true, false],
    ["string", "a", "b", false],
  ])("%s: %j vs %j -> %s", (type, a, b, equal) => {
    expect(parameterValuesEqual(PARAMETER_TYPES[type as keyof typeof PARAMETER_TYPES], a, b)).toBe(equal);
  });
});

// The osac server's metadata checks with its exact texts: protovalidate's name rule
// (run by the validation interceptor on the request) and the Go label/annotation rules of
// generic_server.go (run on Create and on the merged object of an Update).
import { invalidArgument } from "../errors";

const NAME_PATTERN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$/;

/** protovalidate on `object.metadata.name` (max_len 63 and the DNS-label pattern; the pattern implies the length). */
export function validateNameRule(name: string | undefined): void {
  if (name === undefined || NAME_PATTERN.test(name)) return;
  throw invalidArgument(
    "validation failed: validation error: object.metadata.name: does not match regex pattern `^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$`",
  );
}

export function validateLabels(labels: Record<string, string>): void {
  for (const [key, value] of Object.entries(labels)) {
    validateKey("metadata.labels", key);
    if (value !== "") validateNameOrValue("metadata.labels", key, "value", value);
  }
}

export function validateAnnotations(annotations: Record<string, string>): void {
  for (const key of Object.keys(annotations)) validateKey("metadata.annotations", key);
}

const byteLength = (text: string): number => Buffer.byteLength(text, "utf8");

/** Go's `for i, c := range s`: byte offsets and runes. */
function* runes(text: string): Generator<[number, string]> {
  let offset = 0;
  for (const c of text) {
    yield [offset, c];
    offset += byteLength(c);
  }
}

function validateKey(field: string, key: string): void {
  if (key === "") throw invalidArgument(`field '${field}' has empty key`);
  const parts = key.split("/");
  if (parts.length > 2) throw invalidArgument(`field '${field}' key '${key}' must contain at most one '/'`);
  let prefix = "";
  let name = parts[0];
  if (parts.length === 2) {
    [prefix, name] = parts;
    if (prefix === "" || name === "") throw invalidArgument(`field '${field}' key '${key}' must have non-empty prefix and name`);
  }
  if (prefix !== "") validatePrefix(field, key, prefix);
  validateNameOrValue(field, key, "name", name);
}

function validatePrefix(field: string, key: string, prefix: string): void {
  if (byteLength(prefix) < 1 || byteLength(prefix) > 253) {
    throw invalidArgument(`field '${field}' key '${key}' prefix must be between 1 and 253 characters long`);
  }
  for (const segment of prefix.split(".")) {
    if (segment === "") throw invalidArgument(`field '${field}' key '${key}' prefix must not contain empty segments`);
    validateDnsLabel(field, key, "prefix segment", segment);
  }
}

function validateDnsLabel(field: string, key: string, kind: string, label: string): void {
  if (byteLength(label) > 63) throw invalidArgument(`field '${field}' key '${key}' ${kind} must be at most 63 characters long`);
  for (const [i, c] of runes(label)) {
    if (!/^[a-z0-9-]$/.test(c)) {
      throw invalidArgument(
        `field '${field}' key '${key}' ${kind} must only contain lowercase letters (a-z), digits (0-9) and hyphens (-), but contains '${c}' at position ${i}`,
      );
    }
  }
  if (label.startsWith("-") || label.endsWith("-")) {
    throw invalidArgument(`field '${field}' key '${key}' ${kind} cannot start or end with a hyphen`);
  }
}

function validateNameOrValue(field: string, key: string, kind: string, value: string): void {
  if (byteLength(value) < 1 || byteLength(value) > 63) {
    throw invalidArgument(`field '${field}' key '${key}' ${kind} must be between 1 and 63 characters long`);
  }
  for (const [i, c] of runes(value)) {
    if (!/^[a-z0-9._-]$/.test(c)) {
      throw invalidArgument(
        `field '${field}' key '${key}' ${kind} must only contain lowercase letters (a-z), digits (0-9), hyphens (-), underscores (_) or dots (.), but contains '${c}' at position ${i}`,
      );
    }
  }
  const alnum = (c: string) => /^[a-z0-9]$/.test(c);
  if (!alnum(value[0]) || !alnum(value[value.length - 1])) {
    throw invalidArgument(`field '${field}' key '${key}' ${kind} must start and end with an alphanumeric character`);
  }
}

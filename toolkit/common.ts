// Helpers shared by the resource implementations (loaded inside the provider process).
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime";
import { connectionInputSchema } from "../client/connection";

import { compact } from "../json/values";
import { currentOperation } from "./operation";

export { compact, sameJson, stableStringify } from "../json/values";

/** The engine's placeholder for a value not known until apply (preview of new resources). */
export const UNKNOWN: string = unknownValue;

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (isUnknown(current)) return current;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Validates inputs with zod and returns Pulumi check failures whose reasons name the
 * full path (`nodeSets.workers.size: ...`). Issues on values not yet known are ignored.
 */
export function validateInputs<T>(
  schema: z.ZodType<T>,
  inputs: unknown,
): { value?: T; failures: pulumi.dynamic.CheckFailure[] } {
  const result = schema.safeParse(inputs);
  if (result.success) return { value: result.data, failures: [] };
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path;
    if (path.some((_, i) => isUnknown(valueAt(inputs, path.slice(0, i + 1))))) continue;
    const where = path.length ? path.map(String).join(".") : "(inputs)";
    failures.push(checkFailure(`${where}: ${issue.message}`));
  }
  return { failures };
}

/** Inputs the engine already checked, parsed again for create/update/diff: a failure here is a bug or a hand-edited state. */
export function parseInputs<T>(schema: z.ZodType<T>, inputs: unknown): T {
  const { value, failures } = validateInputs(schema, inputs);
  if (!value) throw new Error(failures.map((f) => f.reason).join("; "));
  return value;
}

/**
 * A check failure whose reason names the field itself. `property` stays empty on purpose: for
 * a failure with a property the engine prints "property X value {V} has a problem", V being
 * the input's value in clear even when it is a secret (a hub kubeconfig, a connection token,
 * a pull secret among templateParameters). The reason already starts with the field path.
 */
export function checkFailure(reason: string): pulumi.dynamic.CheckFailure {
  return { property: "", reason };
}


export const connectionSchema = connectionInputSchema.optional();

/**
 * An error the Node.js dynamic provider host turns into the engine's "resource init
 * failure": the id and properties reach the state, so the next up/destroy acts on an
 * object that exists instead of orphaning it. `__provider` must be carried over or
 * later operations on the resource cannot load its provider.
 */
export function initFailure(
  id: string,
  outs: Record<string, unknown>,
  inputs: Record<string, unknown>,
  reason: string,
): Error {
  const error = new Error(reason) as Error & { id: string; properties: Record<string, unknown>; reasons: string[] };
  error.id = id;
  error.properties = compact({ ...outs, __provider: inputs.__provider });
  error.reasons = [reason];
  return error;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Progress lines: in the dynamic host they reach the engine's diagnostics through stdout;
 * the provider plugin routes them to the resource's own row (see toolkit/operation.ts).
 */
export function progress(kind: string, name: string, line: string): void {
  const sink = currentOperation()?.progress;
  if (sink) sink(`${kind} ${name}: ${line}`);
  else process.stdout.write(`${kind} ${name}: ${line}\n`);
}

export const labelsSchema = z
  .record(
    z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
      message: "label keys look like 'team' or 'example.com/team' (letters, digits, '-', '_', '.')",
    }),
    z.string({ message: "label values must be strings; quote numbers and booleans" }),
  )
  .optional();

export const dnsLabelSchema = z
  .string()
  .max(63, { message: "must be at most 63 characters (a DNS label)" })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  });

// Turns gRPC failures into errors a person can act on: which method, which object, what
// the server said, and, for the failures whose cause is almost always local configuration
// (auth, TLS, address, deadline), which setting to change and where it currently comes from.
import * as grpc from "@grpc/grpc-js";
import type { z } from "zod";
import { redactSecrets } from "./redact";

export class FulfillmentError extends Error {
  override readonly name = "FulfillmentError";
  /** gRPC status code. */
  readonly code: number;
  /** e.g. `NOT_FOUND`. */
  readonly codeName: string;
  /** e.g. `fulfillment.v1.Clusters/Get`. */
  readonly method: string;
  readonly objectId?: string;
  /** The server's own words (redacted, whitespace collapsed). */
  readonly serverMessage: string;
  /** What to change, when we can tell; also part of `message`. */
  readonly hint?: string;

  constructor(init: { code: number; method: string; objectId?: string; serverMessage: string; hint?: string }) {
    const codeName = statusName(init.code);
    const what = init.objectId ? `${init.method} of '${init.objectId}'` : init.method;
    super(`${what} failed with ${codeName}: ${init.serverMessage}${init.hint ? `\n${init.hint}` : ""}`);
    this.code = init.code;
    this.codeName = codeName;
    this.method = init.method;
    this.serverMessage = init.serverMessage;
    if (init.objectId !== undefined) this.objectId = init.objectId;
    if (init.hint !== undefined) this.hint = init.hint;
  }
}

/** Invalid settings or inputs, reported all at once, each line naming the field and the fix. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  readonly problems: string[];
  constructor(problems: string[], heading = "invalid fulfillment connection settings") {
    super(problems.length === 1 ? problems[0] : `${heading}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

export function statusName(code: number): string {
  const name = (grpc.status as unknown as Record<number, string | undefined>)[code];
  return name ?? `STATUS_${code}`;
}

/**
 * The gRPC status code of a FulfillmentError or a raw grpc-js ServiceError, else undefined.
 * Duck-typed, not `instanceof`: Pulumi may load this module more than once in a provider
 * process (serialized closures re-require it), and errors cross those copies.
 */
export function grpcCode(e: unknown): number | undefined {
  if (e && typeof e === "object" && typeof (e as { code?: unknown }).code === "number" && ("details" in e || "codeName" in e)) {
    return (e as unknown as { code: number }).code;
  }
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  return grpcCode(e) === grpc.status.NOT_FOUND;
}

export function isAlreadyExists(e: unknown): boolean {
  return grpcCode(e) === grpc.status.ALREADY_EXISTS;
}

/** Formats zod issues as `<field>: <fix>` lines; `field` renders a path in the caller's vocabulary. */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>, field: (path: PropertyKey[]) => string): string[] {
  const lines: string[] = [];
  for (const issue of issues) lines.push(`${field(issue.path)}: ${issue.message}`);
  return lines;
}

/** What the error mapper needs to know about the connection; never the token itself. */
export interface ErrorContext {
  method: string;
  objectId?: string;
  address: string;
  plaintext: boolean;
  insecure: boolean;
  deadlineMs: number;
  sources: Record<string, string>;
  /** Whether a token (static or from a script) was sent. */
  hasToken: boolean;
  /** Whether the token came from a script that was already re-run once after UNAUTHENTICATED. */
  tokenScript: boolean;
  /** Whether the token came from OAuth client credentials (fetched again once after UNAUTHENTICATED). */
  clientCredentials?: boolean;
  /** Result of a TLS probe of the server, when one was made (plaintext channel + UNAVAILABLE). */
  serverSpeaksTls?: boolean;
  /** Values to scrub from every message. */
  secrets: string[];
}

// Wording of grpc-js / OpenSSL / Node when the two ends disagree about TLS.
const TLS_CLIENT_PLAINTEXT_SERVER = /wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol|http request/i;
const PLAINTEXT_CLIENT_TLS_SERVER = /Failed to connect|Connection dropped|Protocol error|ECONNRESET|Received RST_STREAM|GOAWAY/i;
const CERTIFICATE_PROBLEM =
  /self[- ]signed certificate|unable to verify|unable to get (?:local )?issuer|certificate has expired|certificate is not yet valid|Hostname\/IP does not match|altnames|ERR_TLS_CERT|CERT_/i;

const TOKEN_SETTINGS =
  "the resource's connection.token or connection.tokenScript, stack config fulfillment:token or fulfillment:tokenScript, " +
  "environment variable FULFILLMENT_TOKEN or FULFILLMENT_TOKEN_SCRIPT, OAuth client credentials (fulfillment:clientId and, as a secret, " +
  "fulfillment:clientSecret, or FULFILLMENT_CLIENT_ID / FULFILLMENT_CLIENT_SECRET), or `osac login` / `fulfillment-cli login`";

function from(context: ErrorContext, key: string): string {
  const source = context.sources[key];
  return source && !source.startsWith("default") ? ` (from ${source})` : "";
}

function needsAdmin(method: string): boolean {
  return method.startsWith("private.v1.") || /^fulfillment\.v1\.(ClusterTemplates|HostClasses)\/(Create|Update|Delete)$/.test(method);
}

function hintFor(code: number, serverMessage: string, context: ErrorContext): string | undefined {
  switch (code) {
    case grpc.status.UNAUTHENTICATED:
      if (!context.hasToken) return `No token is configured; set one with ${TOKEN_SETTINGS}.`;
      if (context.clientCredentials) {
        return `The server rejected the token the OAuth issuer${from(context, "issuer")} issued to clientId${from(context, "clientId")}, also a freshly fetched one; the server must trust that issuer (its Capabilities list the ones it does), so set issuer to one of them.`;
      }
      if (context.tokenScript) {
        return `The server rejected the token printed by tokenScript${from(context, "tokenScript")}, also after running the script again; make it print a current token for ${context.address}.`;
      }
      return `The server rejected the token${from(context, "token")}; replace it with a current one, or use tokenScript so it can be refreshed.`;
    case grpc.status.INVALID_ARGUMENT: {
      const project = /project '([^']*)' doesn't exist/.exec(serverMessage);
      if (project) {
        return `Project '${project[1]}' does not exist in the object's tenant; create it first (a tenant admin's Projects/Create, e.g. osac create project), look it up with getProject, or leave project empty for the tenant's default project.`;
      }
      const tenant = /tenant '([^']*)' doesn't exist/.exec(serverMessage);
      if (tenant && /user provisioning failed/.test(serverMessage)) {
        return `The token's organization names tenant '${tenant[1]}', which the service does not have; an admin must create that tenant, or use a token of an existing tenant.`;
      }
      if (/field 'metadata\.(tenant|project)' is immutable/.test(serverMessage)) {
        return "The tenant and project of an object are fixed when it is created; to move it, create a new object there and delete this one.";
      }
      return undefined;
    }
    case grpc.status.PERMISSION_DENIED: {
      const tenant = /^tenant '([^']*)' (doesn't exist|can't be assigned)$/.exec(serverMessage);
      if (tenant) {
        return tenant[2] === "can't be assigned"
          ? `The caller may see tenant '${tenant[1]}' but not create objects in it; leave tenant empty to use the caller's own tenant, or name one of the tenants in its token's organization claim.`
          : `Tenant '${tenant[1]}' is not one the caller can see (its own tenants and 'shared'); fix the tenant, or use a token of that tenant.`;
      }
      const source = context.hasToken
        ? `the token${from(context, context.clientCredentials ? "clientId" : context.tokenScript ? "tokenScript" : "token")}`
        : "an anonymous caller (no token configured)";
      if (needsAdmin(context.method)) {
        return `${context.method} needs an admin token (private.v1 services and ClusterTemplates/HostClasses writes are reserved to admins), but ${source} is not an admin's; configure an admin token via ${TOKEN_SETTINGS}.`;
      }
      return `${source.charAt(0).toUpperCase()}${source.slice(1)} is not allowed to call ${context.method}; use a token whose subject may call it.`;
    }
    case grpc.status.UNAVAILABLE: {
      const where = `${context.address}${from(context, "address")}`;
      if (!context.plaintext && TLS_CLIENT_PLAINTEXT_SERVER.test(serverMessage)) {
        return `The server at ${where} speaks plaintext; set plaintext: true (connection.plaintext, fulfillment:plaintext or FULFILLMENT_PLAINTEXT).`;
      }
      if (context.plaintext && (context.serverSpeaksTls || (context.serverSpeaksTls === undefined && PLAINTEXT_CLIENT_TLS_SERVER.test(serverMessage)))) {
        const maybe = context.serverSpeaksTls ? "speaks" : "probably speaks";
        const setBy = context.sources.plaintext ? `, set by ${context.sources.plaintext}` : "";
        return `The server at ${where} ${maybe} TLS; set plaintext: false (it is true${setBy}), with caFile/caPem or insecure: true if its certificate is not from a public CA.`;
      }
      if (!context.plaintext && CERTIFICATE_PROBLEM.test(serverMessage)) {
        return `The server's TLS certificate was not accepted; set caFile or caPem to the CA that signed it${context.sources.caPem ? ` (the CA now comes from ${context.sources.caPem})` : ""}, or insecure: true to skip verification (testing only).`;
      }
      if (/ECONNREFUSED/.test(serverMessage)) return `Nothing is listening at ${where}; check the address and that the server is running.`;
      if (/ENOTFOUND|EAI_AGAIN|Name resolution failed|DNS resolution failed/i.test(serverMessage)) {
        return `The host of ${where} does not resolve; check the address.`;
      }
      return `Could not reach ${where}; check the address, the network and that the server is up.`;
    }
    case grpc.status.DEADLINE_EXCEEDED:
      return `No answer within ${context.deadlineMs / 1000}s${from(context, "deadlineMs")} from ${context.address}; raise deadlineSeconds (connection.deadlineSeconds) if the server is slow, or check that the address points at the fulfillment API.`;
    case grpc.status.INTERNAL:
      if (context.method.endsWith("/List") && /failed to list/.test(serverMessage)) {
        return "The server answers this way to malformed filters and to filters over enum fields (e.g. this.status.state == 2); fix the filter or filter on the client side.";
      }
      return undefined;
    default:
      return undefined;
  }
}

function cleanServerMessage(details: string): string {
  return details
    .replace(/\.?\s*Resolution note:\s*$/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Maps a grpc-js error (anything with a numeric `code` and `details`) to a FulfillmentError; other errors pass through redacted. */
export function toFulfillmentError(error: unknown, context: ErrorContext): Error {
  // Already mapped (possibly by another copy of this module).
  if (error instanceof FulfillmentError || (error instanceof Error && "codeName" in error && "serverMessage" in error)) return error;
  const code = grpcCode(error);
  if (code === undefined) {
    if (error instanceof Error) {
      const scrubbed = redactSecrets(error.message, context.secrets);
      if (scrubbed !== error.message) {
        const copy = new Error(scrubbed);
        copy.name = error.name;
        return copy;
      }
      return error;
    }
    return new Error(redactSecrets(String(error), context.secrets));
  }
  const raw = String((error as { details?: unknown }).details ?? (error as Error).message ?? "");
  const serverMessage = redactSecrets(cleanServerMessage(raw), context.secrets) || "(no message)";
  const hint = hintFor(code, serverMessage, context);
  return new FulfillmentError({
    code,
    method: context.method,
    ...(context.objectId ? { objectId: context.objectId } : {}),
    serverMessage,
    ...(hint ? { hint: redactSecrets(hint, context.secrets) } : {}),
  });
}

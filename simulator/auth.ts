// Bearer-token auth with two roles. Without options it behaves like the real server's
// `--grpc-authn-type=guest`: everyone is the admin subject `guest`.
import { createHash, timingSafeEqual } from "node:crypto";
import { status, type Metadata } from "@grpc/grpc-js";
import { ApiError } from "./errors";

export interface AuthOptions {
  clientTokens: string[];
  adminTokens: string[];
}

export type Role = "client" | "admin";

export interface Subject {
  /** Recorded in metadata.creators. */
  name: string;
  role: Role;
}

/** What a client (as opposed to an admin) may call. Health is open to all and never reaches here. */
const CLIENT_METHODS = new Set([
  "/fulfillment.v1.Clusters/List",
  "/fulfillment.v1.Clusters/Get",
  "/fulfillment.v1.Clusters/Create",
  "/fulfillment.v1.Clusters/Update",
  "/fulfillment.v1.Clusters/Delete",
  "/fulfillment.v1.Clusters/GetKubeconfig",
  "/fulfillment.v1.Clusters/GetKubeconfigViaHttp",
  "/fulfillment.v1.Clusters/GetPassword",
  "/fulfillment.v1.Clusters/GetPasswordViaHttp",
  "/fulfillment.v1.ClusterTemplates/List",
  "/fulfillment.v1.ClusterTemplates/Get",
  "/fulfillment.v1.HostClasses/List",
  "/fulfillment.v1.HostClasses/Get",
]);

/**
 * Open to everyone, token or not, like the real server's publicMethodRegex
 * `^/(metadata|grpc\.(reflection|health))\..*$` (the CLI's login calls Metadata/Get
 * before it has a token).
 */
const PUBLIC_METHODS = /^\/(metadata|grpc\.(reflection|health))\./;

/**
 * Denials the real deployment words its own way. Authorino's client allow-list names
 * "/events.v1/Watch", not the real path, so ext_authz denies every non-admin Watch.
 */
const DENIALS: Record<string, string> = {
  "/events.v1.Events/Watch": "permission denied",
};

const GUEST: Subject = { name: "guest", role: "admin" };
/** Public methods with auth on run as the guest, with no rights beyond them. */
const ANONYMOUS: Subject = { name: "guest", role: "client" };

// Tokens are compared through their digests so that neither their length nor their
// content leaks through timing, and so the plain values need not be kept around.
const digest = (token: string): Buffer => createHash("sha256").update(token).digest();

export class Authenticator {
  private tokens: Array<{ digest: Buffer; role: Role }> | undefined;

  constructor(options?: AuthOptions) {
    this.tokens = digests(options);
  }

  /** Accepts a new set of tokens from now on (token rotation and expiry in tests); undefined = guest mode. */
  replaceTokens(options?: AuthOptions): void {
    this.tokens = digests(options);
  }

  get guest(): boolean {
    return this.tokens === undefined;
  }

  /** Throws UNAUTHENTICATED or PERMISSION_DENIED; never puts the token in a message. */
  check(metadata: Metadata, path: string): Subject {
    if (!this.tokens) return GUEST;
    if (PUBLIC_METHODS.test(path)) return ANONYMOUS;
    const header = metadata.get("authorization")[0];
    if (header === undefined || header === "") {
      throw new ApiError(status.UNAUTHENTICATED, "authorization header is mandatory");
    }
    const match = /^bearer\s+(\S+)\s*$/i.exec(String(header));
    if (!match) throw new ApiError(status.UNAUTHENTICATED, "authorization header must use the bearer scheme");
    const token = match[1];
    const presented = digest(token);
    const found = this.tokens.find((candidate) => timingSafeEqual(candidate.digest, presented));
    if (!found) throw new ApiError(status.UNAUTHENTICATED, "bearer token is not valid");
    if (found.role !== "admin" && !CLIENT_METHODS.has(path)) {
      throw new ApiError(status.PERMISSION_DENIED, DENIALS[path] ?? `access to method '${path}' is denied`);
    }
    return { name: jwtSubject(token) ?? found.role, role: found.role };
  }
}

function digests(options?: AuthOptions): Array<{ digest: Buffer; role: Role }> | undefined {
  return options
    ? [
        ...options.adminTokens.map((token) => ({ digest: digest(token), role: "admin" as const })),
        ...options.clientTokens.map((token) => ({ digest: digest(token), role: "client" as const })),
      ]
    : undefined;
}

/** Service-account tokens are JWTs; their `sub` is the creator the real server records. */
function jwtSubject(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { sub?: unknown };
    return typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

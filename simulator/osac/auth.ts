// Authentication and authorization as the osac server does them (there is no guest mode):
// internal/auth/grpc_authn_interceptor.go (bearer header, JWT validated against the JWKS
// of a trusted https issuer, RS256/384/512, iss/sub/iat/exp), grpc_authz_interceptor.go
// and policies/authz.rego (admins, clients and their methods), then JIT user provisioning.
import * as https from "node:https";
import { rootCertificates } from "node:tls";
import { status, type Metadata } from "@grpc/grpc-js";
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, type JWTPayload } from "jose";
import { ApiError } from "../errors";
import type { Directory, OsacSubject } from "./tenancy";

/** Open without a token (the authn interceptor's anonymous methods). */
export const ANONYMOUS_METHODS = /^\/(osac\.public\.v1\.(Capabilities\/|JsonWebKeySet\/)|grpc\.(reflection|health)\.).*$/;

/** What authz.rego lets every authenticated non-admin call, among the services the simulator serves. */
const CLIENT_METHODS = new Set([
  "/osac.public.v1.ClusterCatalogItems/Get",
  "/osac.public.v1.ClusterCatalogItems/List",
  "/osac.public.v1.ClusterTemplates/Get",
  "/osac.public.v1.ClusterTemplates/List",
  "/osac.public.v1.ClusterVersions/Get",
  "/osac.public.v1.ClusterVersions/List",
  "/osac.public.v1.Clusters/Create",
  "/osac.public.v1.Clusters/Delete",
  "/osac.public.v1.Clusters/Get",
  "/osac.public.v1.Clusters/GetKubeconfig",
  "/osac.public.v1.Clusters/GetKubeconfigViaHttp",
  "/osac.public.v1.Clusters/GetPassword",
  "/osac.public.v1.Clusters/GetPasswordViaHttp",
  "/osac.public.v1.Clusters/List",
  "/osac.public.v1.Clusters/Update",
  "/osac.public.v1.Events/Watch",
  "/osac.public.v1.HostTypes/Get",
  "/osac.public.v1.HostTypes/List",
  "/osac.public.v1.Projects/List",
]);

/** Realm role `tenant-admin` adds catalog item and project management (users and IdPs are not simulated). */
const TENANT_ADMIN_METHODS = new Set([
  "/osac.public.v1.ClusterCatalogItems/Create",
  "/osac.public.v1.ClusterCatalogItems/Update",
  "/osac.public.v1.ClusterCatalogItems/Delete",
  "/osac.public.v1.Projects/Create",
  "/osac.public.v1.Projects/Get",
  "/osac.public.v1.Projects/List",
  "/osac.public.v1.Projects/Update",
  "/osac.public.v1.Projects/Delete",
]);

const ADMIN_USERNAMES = new Set(["service-account-osac-admin", "service-account-osac-controller"]);
const ADMIN_GROUPS = new Set(["admins"]);
export const DEFAULT_EMERGENCY_SERVICE_ACCOUNTS = ["admin", "osac-operator", "osac-operator-controller-manager", "template-publisher"];

/** Where the keys of one trusted issuer come from. */
export type KeySource = () => Promise<JSONWebKeySet> | JSONWebKeySet;

export interface OsacAuthOptions {
  /** Trusted issuers (https URLs) with their key sources; use `discoveredKeys` for a remote issuer. */
  issuers: Map<string, KeySource>;
  directory: Directory;
  /** Namespace of the service, for the emergency service accounts. Default `osac`. */
  namespace?: string;
  emergencyServiceAccounts?: string[];
}

const ANONYMOUS_SUBJECT: OsacSubject = { name: "", role: "client", anonymous: true, admin: false, username: "", tenants: [], roles: [] };

export class OsacAuthenticator {
  private readonly emergency: Set<string>;
  private readonly keys = new Map<string, { fetched: number; resolve: ReturnType<typeof createLocalJWKSet> }>();

  constructor(private readonly options: OsacAuthOptions) {
    const namespace = options.namespace ?? "osac";
    this.emergency = new Set(
      (options.emergencyServiceAccounts ?? DEFAULT_EMERGENCY_SERVICE_ACCOUNTS).map((name) => `system:serviceaccount:${namespace}:${name}`),
    );
  }

  async check(metadata: Metadata, path: string): Promise<OsacSubject> {
    const values = metadata.get("authorization");
    if (values.length === 0) {
      if (ANONYMOUS_METHODS.test(path)) return { ...ANONYMOUS_SUBJECT };
      throw unauthenticated(`method '${path}' requires authentication`);
    }
    if (values.length > 1) throw unauthenticated(`expected at most one 'authorization' header, but received ${values.length}`);
    const match = /^([a-zA-Z0-9]+)\s+(.*)$/s.exec(String(values[0]));
    if (!match) throw unauthenticated("authorization header value should be 'Bearer TOKEN'");
    if (match[1].toLowerCase() !== "bearer") throw unauthenticated(`authentication scheme '${match[1]}' is not supported`);
    const claims = await this.validate(match[2]);
    const subject = this.subjectOf(claims);
    if (!ANONYMOUS_METHODS.test(path) && !this.allowed(subject, path)) throw new ApiError(status.PERMISSION_DENIED, "permission denied");
    this.options.directory.provision(subject);
    return subject;
  }

  /** auth_jwt_validator.go: every failure is a client-safe text without token content. */
  private async validate(token: string): Promise<JWTPayload> {
    const invalid = () => unauthenticated("token is not valid");
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw invalid();
    }
    if (!["RS256", "RS384", "RS512"].includes(header.alg ?? "")) throw invalid();
    const issuer = typeof claims.iss === "string" ? claims.iss : undefined;
    if (!issuer || typeof header.kid !== "string" || header.kid === "") throw invalid();
    const source = this.options.issuers.get(issuer);
    if (!source) throw invalid();
    try {
      await compactVerify(token, await this.resolver(issuer, source, header.kid), { algorithms: ["RS256", "RS384", "RS512"] });
    } catch {
      throw invalid();
    }
    const now = Date.now();
    if (typeof claims.exp !== "number") throw invalid();
    if (claims.exp * 1000 <= now) throw unauthenticated(`token expired ${relativeTime(now - claims.exp * 1000)}`);
    if (typeof claims.iat !== "number") throw invalid();
    if (claims.iat * 1000 > now) throw unauthenticated("token is issued in the future");
    if (typeof claims.nbf === "number" && claims.nbf * 1000 > now) throw unauthenticated("token is not valid yet");
    if (typeof claims.typ === "string" && claims.typ.toLowerCase() !== "bearer") throw unauthenticated(`token type '${claims.typ}' is not supported`);
    if (typeof claims.sub !== "string" || claims.sub === "") throw unauthenticated("token does not contain the 'sub' claim");
    return claims;
  }

  /** The issuer's key set, fetched again (at most every 5 s) when a key id is unknown. */
  private async resolver(issuer: string, source: KeySource, kid: string): Promise<ReturnType<typeof createLocalJWKSet>> {
    let cached = this.keys.get(issuer);
    const knows = (jwks: { resolve: ReturnType<typeof createLocalJWKSet> }) =>
      jwks.resolve({ alg: "RS256", kid }).then(
        () => true,
        () => false,
      );
    if (!cached || (!(await knows(cached)) && Date.now() - cached.fetched > 5000)) {
      cached = { fetched: Date.now(), resolve: createLocalJWKSet(await source()) };
      this.keys.set(issuer, cached);
    }
    return cached.resolve;
  }

  /** grpc_authz_interceptor.go buildInput and the rego's subject rules. */
  private subjectOf(claims: JWTPayload): OsacSubject {
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
    const sub = claims.sub as string;
    if ("kubernetes.io" in claims) {
      const admin = this.emergency.has(sub);
      const parts = sub.split(":");
      return { name: sub, role: admin ? "admin" : "client", anonymous: false, admin, username: sub, tenants: parts.length >= 4 ? [parts[2]] : [], roles: [] };
    }
    const username = typeof claims.preferred_username === "string" ? claims.preferred_username : typeof claims.username === "string" ? claims.username : "";
    const groups = strings(claims.groups);
    const organization = claims.organization;
    const tenants = Array.isArray(organization)
      ? strings(organization)
      : organization && typeof organization === "object"
        ? Object.keys(organization)
        : [];
    const realm = claims.realm_access as { roles?: unknown } | undefined;
    const roles = strings(realm?.roles);
    const admin = ADMIN_USERNAMES.has(username) || groups.some((group) => ADMIN_GROUPS.has(group));
    return { name: username, role: admin ? "admin" : "client", anonymous: false, admin, username, tenants, roles };
  }

  private allowed(subject: OsacSubject, path: string): boolean {
    if (subject.admin) return true;
    if (/^\/(metadata\.|grpc\.reflection\.|grpc\.health\.)/.test(path)) return true;
    if (CLIENT_METHODS.has(path)) return true;
    return subject.roles.includes("tenant-admin") && TENANT_ADMIN_METHODS.has(path);
  }
}

function unauthenticated(message: string): ApiError {
  return new ApiError(status.UNAUTHENTICATED, message);
}

/** go-humanize's Time(): "now", "1 second ago", "5 minutes ago", "1 hour ago", "3 days ago", ... */
export function relativeTime(agoMs: number): string {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  const week = 7 * day;
  const month = 30 * day;
  const year = 12 * month;
  const magnitudes: Array<[number, string, number]> = [
    [second, "now", second],
    [2 * second, "1 second %s", 1],
    [minute, "%d seconds %s", second],
    [2 * minute, "1 minute %s", 1],
    [hour, "%d minutes %s", minute],
    [2 * hour, "1 hour %s", 1],
    [day, "%d hours %s", hour],
    [2 * day, "1 day %s", 1],
    [week, "%d days %s", day],
    [2 * week, "1 week %s", 1],
    [month, "%d weeks %s", week],
    [2 * month, "1 month %s", 1],
    [year, "%d months %s", month],
    [18 * month, "1 year %s", 1],
    [2 * year, "2 years %s", 1],
    [37 * year, "%d years %s", year],
    [Number.MAX_SAFE_INTEGER, "a long while %s", 1],
  ];
  const diff = Math.max(0, agoMs);
  const [, format, divisor] = magnitudes.find(([limit]) => limit > diff) ?? magnitudes[magnitudes.length - 1];
  return format.replace("%d", String(Math.floor(diff / divisor))).replace("%s", "ago");
}

/**
 * The key source of a remote issuer, as auth_jwks_cache.go finds it: `<issuer>/.well-known/openid-configuration`
 * → `jwks_uri` (https). `ca`: extra PEM certificates to trust besides the system ones.
 */
export function discoveredKeys(issuer: string, ca: readonly string[] = []): KeySource {
  const trust = [...rootCertificates, ...ca];
  return async () => {
    const configuration = (await getJson(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, trust)) as { jwks_uri?: unknown };
    if (typeof configuration.jwks_uri !== "string" || !configuration.jwks_uri.startsWith("https://")) {
      throw new Error(`issuer '${issuer}' has no https jwks_uri`);
    }
    return (await getJson(configuration.jwks_uri, trust)) as JSONWebKeySet;
  };
}

function getJson(url: string, ca: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch (error) {
          reject(error as Error);
        }
      });
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`GET ${url}: timed out`)));
    request.on("error", reject);
  });
}

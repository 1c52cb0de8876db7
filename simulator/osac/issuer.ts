// A small OAuth 2.0 / OpenID token issuer for the osac simulator, which (like the real
// server) accepts only JWTs signed by a trusted https issuer. It serves, over https with
// a CA of its own (`caPem`):
//   /.well-known/openid-configuration, /.well-known/oauth-authorization-server
//   /protocol/openid-connect/certs   the JWKS (RS256 key)
//   /protocol/openid-connect/token   grant_type=client_credentials for registered clients
// Tokens of a registered client look like Keycloak service-account tokens: `sub` a
// stable UUID, `preferred_username` = `service-account-<client id>`, `azp`, `typ: Bearer`,
// plus the claims registered with the client (`groups`, `organization`, ...).
// `mintToken` signs any claims directly, for tests (a negative ttl gives an expired token).
import { createHash, generateKeyPairSync, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, calculateJwkThumbprint, exportJWK, type JSONWebKeySet, type JWK } from "jose";
import { issueCertificates } from "./certs";

export interface IssuerClient {
  clientId: string;
  clientSecret: string;
  /** Extra claims of this client's tokens, e.g. `{ organization: ["acme"] }` or `{ groups: ["admins"] }`. */
  claims?: Record<string, unknown>;
}

export interface IssuerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  clients?: IssuerClient[];
  /** Lifetime of client_credentials tokens. Default 300 s (Keycloak's default). */
  tokenTtlSeconds?: number;
}

export interface TokenIssuer {
  /** The issuer URL (`iss` of its tokens): `https://<host>:<port>`. */
  readonly url: string;
  /** PEM of the CA that signed the issuer's https certificate. */
  readonly caPem: string;
  readonly tokenEndpoint: string;
  /** Signs `claims` (iss, iat, exp and a random sub filled in unless given); ttl in seconds, default 300. */
  mintToken(claims?: Record<string, unknown>, ttlSeconds?: number): Promise<string>;
  registerClient(client: IssuerClient): void;
  /** How many client_credentials tokens it has issued to `clientId` so far. */
  issuedTo(clientId: string): number;
  /** The public keys, as served at jwks_uri. */
  jwks(): JSONWebKeySet;
  close(): Promise<void>;
}

const JWKS_PATH = "/protocol/openid-connect/certs";
const TOKEN_PATH = "/protocol/openid-connect/token";

export async function startIssuer(options: IssuerOptions = {}): Promise<TokenIssuer> {
  const host = options.host ?? "127.0.0.1";
  const ttl = options.tokenTtlSeconds ?? 300;
  const certificates = issueCertificates([host, "localhost", "127.0.0.1", "::1"].filter((h, i, all) => all.indexOf(h) === i));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicJwk: JWK = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: "RS256", use: "sig" }] };
  const clients = new Map<string, IssuerClient & { subject: string }>();
  const issued = new Map<string, number>();
  const register = (client: IssuerClient) => clients.set(client.clientId, { ...client, subject: randomUUID() });
  for (const client of options.clients ?? []) register(client);

  let url = "";
  const sign = (claims: Record<string, unknown>, seconds: number) => signToken(privateKey, kid, url, claims, seconds);

  const server = https.createServer({ cert: certificates.certPem, key: certificates.keyPem }, (request, response) => {
    void handle(request, response).catch(() => send(response, 500, { error: "server_error" }));
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", url).pathname;
    if (request.method === "GET" && path === "/.well-known/openid-configuration") {
      return send(response, 200, {
        issuer: url,
        token_endpoint: url + TOKEN_PATH,
        jwks_uri: url + JWKS_PATH,
        grant_types_supported: ["client_credentials"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        id_token_signing_alg_values_supported: ["RS256"],
        subject_types_supported: ["public"],
        response_types_supported: ["token"],
      });
    }
    if (request.method === "GET" && path === "/.well-known/oauth-authorization-server") {
      return send(response, 200, {
        issuer: url,
        token_endpoint: url + TOKEN_PATH,
        jwks_uri: url + JWKS_PATH,
        grant_types_supported: ["client_credentials"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        response_types_supported: ["token"],
      });
    }
    if (request.method === "GET" && path === JWKS_PATH) return send(response, 200, jwks);
    if (path === TOKEN_PATH) {
      if (request.method !== "POST") return send(response, 405, { error: "invalid_request", error_description: "HTTP method not allowed" });
      const form = new URLSearchParams(await readBody(request));
      const [clientId, clientSecret] = clientCredentials(request, form);
      const client = clientId === undefined ? undefined : clients.get(clientId);
      if (!client || clientSecret === undefined || !sameSecret(client.clientSecret, clientSecret)) {
        return send(response, 401, { error: "invalid_client", error_description: "Invalid client or Invalid client credentials" });
      }
      const grant = form.get("grant_type");
      if (grant !== "client_credentials") {
        return send(response, 400, { error: "unsupported_grant_type", error_description: `Unsupported grant_type: ${grant ?? ""}` });
      }
      const token = await sign(
        { sub: client.subject, preferred_username: `service-account-${client.clientId.toLowerCase()}`, azp: client.clientId, typ: "Bearer", ...client.claims },
        ttl,
      );
      issued.set(client.clientId, (issued.get(client.clientId) ?? 0) + 1);
      return send(response, 200, { access_token: token, token_type: "Bearer", expires_in: ttl, scope: form.get("scope") ?? "" });
    }
    send(response, 404, { error: "not_found" });
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    caPem: certificates.caPem,
    tokenEndpoint: url + TOKEN_PATH,
    mintToken: (claims = {}, seconds = 300) => sign(claims, seconds),
    registerClient: register,
    issuedTo: (clientId) => issued.get(clientId) ?? 0,
    jwks: () => structuredClone(jwks),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function signToken(key: KeyObject, kid: string, issuer: string, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: issuer, sub: randomUUID(), iat: now, exp: now + ttlSeconds, jti: randomUUID(), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(key);
}

/** client_secret_basic (RFC 6749 2.3.1: form-urlencoded parts) or client_secret_post. */
function clientCredentials(request: IncomingMessage, form: URLSearchParams): [string | undefined, string | undefined] {
  const header = request.headers.authorization;
  const basic = header ? /^basic\s+(\S+)$/i.exec(header) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      const unescape = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
      try {
        return [unescape(decoded.slice(0, colon)), unescape(decoded.slice(colon + 1))];
      } catch {
        return [undefined, undefined];
      }
    }
  }
  return [form.get("client_id") ?? undefined, form.get("client_secret") ?? undefined];
}

function sameSecret(expected: string, given: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) request.destroy(new Error("request body too large"));
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

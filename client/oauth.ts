// Tokens from OAuth 2.0 client credentials (RFC 6749 4.4), through openid-client: the issuer's
// metadata is discovered (RFC 8414 `/.well-known/oauth-authorization-server`, then OpenID
// `/.well-known/openid-configuration`), the token is fetched with client_secret_basic and
// kept until shortly before it expires. The issuer is the configured one, else the first of
// the server's trusted issuers (Capabilities.Get, open without a token), as `osac login` picks
// it. TLS to the issuer trusts the connection's CA (else the system roots) and honours
// `insecure`. Like every token source it lives on a client instance, never at module level.
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import type * as OpenIdClient from "openid-client";
import type { ClientCredentialsSettings } from "./connection";
import type { TokenSource, TokenSourceOptions } from "./auth";
import { DEFAULT_TOKEN_MARGIN_MS, jwtExpiryMs } from "./jwt";
import { redactSecrets } from "./redact";

/** A token could not be had from the issuer: the message names the setting and the fix, never the secret. */
export class OAuthTokenError extends Error {
  override readonly name = "OAuthTokenError";
}

export interface ClientCredentialsOptions extends TokenSourceOptions {
  /** The server's trusted issuers (Capabilities.Get), asked only when no issuer is configured. */
  trustedIssuers(signal?: AbortSignal): Promise<string[]>;
  /** Where each setting came from, for messages. */
  sources: Record<string, string>;
  /** The server's address, for messages. */
  address: string;
  timeoutMs: number;
}

const SECRET_SETTINGS = "clientSecret (connection.clientSecret, stack config fulfillment:clientSecret as a secret, or FULFILLMENT_CLIENT_SECRET)";
const ISSUER_SETTINGS = "issuer (connection.issuer, stack config fulfillment:issuer or FULFILLMENT_ISSUER)";
const CA_SETTINGS = "caFile or caPem (fulfillment:caFile, FULFILLMENT_CA_FILE) to the CA that signed it";

/** Loaded on first use: openid-client is an ES module, required only inside functions. */
function openid(): Promise<typeof OpenIdClient> {
  return import("openid-client");
}

/** undici's fetch through an agent that trusts the connection's CA; openid-client calls it for every request. */
async function fetchFor(settings: ClientCredentialsSettings): Promise<OpenIdClient.CustomFetch> {
  const undici = await import("undici");
  const connect: Record<string, unknown> = {};
  // A CA of the connection is added to what Node trusts anyway: its roots and NODE_EXTRA_CA_CERTS.
  if (settings.caPem) connect.ca = [...rootCertificates, ...extraCaCertificates(), settings.caPem];
  if (settings.insecure) connect.rejectUnauthorized = false;
  const dispatcher = new undici.Agent({ connect });
  return (url, options) =>
    undici.fetch(url, { ...(options as unknown as Parameters<typeof undici.fetch>[1]), dispatcher }) as unknown as Promise<Response>;
}

/** NODE_EXTRA_CA_CERTS, which Node adds to its default roots but not to an explicit `ca` list. */
function extraCaCertificates(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, "utf8")];
  } catch {
    return [];
  }
}

function causeOf(error: unknown): string {
  let current = error as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "string" && /^[A-Z_]+$/.test(current.code) && !current.code.startsWith("OAUTH_")) return current.code;
    current = current.cause as typeof current;
  }
  return error instanceof Error ? error.message : String(error);
}

const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

export class ClientCredentialsTokenSource implements TokenSource {
  readonly refreshable = true;
  readonly refreshing = "fetching a new one from the OAuth issuer";
  readonly #settings: ClientCredentialsSettings;
  readonly #options: ClientCredentialsOptions;
  readonly #marginMs: number;
  readonly #now: () => number;
  #configuration: Promise<{ config: OpenIdClient.Configuration; issuer: string }> | undefined;
  #cached: { token: string; validUntil: number } | undefined;
  #inflight: Promise<string> | undefined;
  readonly #seen: string[] = [];

  constructor(settings: ClientCredentialsSettings, options: ClientCredentialsOptions) {
    this.#settings = settings;
    this.#options = options;
    this.#marginMs = options.marginMs ?? DEFAULT_TOKEN_MARGIN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Describes the credential for progress lines and errors (never the secret). */
  get description(): string {
    return `OAuth client '${this.#settings.clientId}'${this.#from("clientId")}`;
  }

  #from(key: string): string {
    const source = this.#options.sources[key];
    return source ? ` (from ${source})` : "";
  }

  #fail(message: string): OAuthTokenError {
    return new OAuthTokenError(redactSecrets(message, [this.#settings.clientSecret, ...this.#seen]));
  }

  async #issuer(signal?: AbortSignal): Promise<string> {
    if (this.#settings.issuer) return this.#settings.issuer;
    let issuers: string[];
    try {
      issuers = await this.#options.trustedIssuers(signal);
    } catch (error) {
      throw this.#fail(
        `cannot discover the OAuth issuer for ${this.description}: Capabilities.Get of ${this.#options.address} failed (${causeOf(error)}); ` +
          `set ${ISSUER_SETTINGS}, or fix the connection to the server`,
      );
    }
    if (issuers.length === 0) {
      throw this.#fail(
        `${this.#options.address} advertises no trusted token issuer (Capabilities.Get lists none), so the issuer for ${this.description} cannot be discovered; set ${ISSUER_SETTINGS}`,
      );
    }
    return issuers[0];
  }

  async #discover(signal?: AbortSignal): Promise<{ config: OpenIdClient.Configuration; issuer: string }> {
    const client = await openid();
    const issuer = await this.#issuer(signal);
    const where = this.#settings.issuer ? this.#from("issuer") : ` (the first issuer ${this.#options.address} trusts)`;
    const options: OpenIdClient.DiscoveryRequestOptions = {
      [client.customFetch]: await fetchFor(this.#settings),
      timeout: Math.max(1, Math.ceil(this.#options.timeoutMs / 1000)),
    };
    const auth = client.ClientSecretBasic(this.#settings.clientSecret);
    let firstFailure: unknown;
    // RFC 8414 metadata first, then OpenID discovery.
    for (const algorithm of ["oauth2", "oidc"] as const) {
      try {
        const config = await client.discovery(new URL(issuer), this.#settings.clientId, undefined, auth, { ...options, algorithm });
        return { config, issuer };
      } catch (error) {
        firstFailure ??= error;
        // Nothing answered at all: the second document would not fare better.
        if (!(error instanceof client.ResponseBodyError) && !/status code|content-type|JSON|issuer/i.test(String((error as Error).message))) break;
      }
    }
    const cause = causeOf(firstFailure);
    if (CERTIFICATE.test(cause)) {
      throw this.#fail(`the OAuth issuer ${issuer}${where} presented a TLS certificate that is not trusted (${cause}); set ${CA_SETTINGS}, or insecure: true (testing only)`);
    }
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|UND_ERR|timed? ?out|aborted/i.test(cause)) {
      throw this.#fail(`cannot reach the OAuth issuer ${issuer}${where} (${cause}) to get a token for ${this.description}; check that it is up and that ${ISSUER_SETTINGS} is right`);
    }
    throw this.#fail(
      `the OAuth issuer ${issuer}${where} publishes no usable metadata at /.well-known/oauth-authorization-server or /.well-known/openid-configuration (${cause}); check ${ISSUER_SETTINGS}`,
    );
  }

  async #fetch(signal?: AbortSignal): Promise<string> {
    const client = await openid();
    this.#configuration ??= this.#discover(signal);
    let discovered: { config: OpenIdClient.Configuration; issuer: string };
    try {
      discovered = await this.#configuration;
    } catch (error) {
      // A later call tries discovery again (the issuer may come back).
      this.#configuration = undefined;
      throw error;
    }
    const scopes = this.#settings.scopes;
    let response: OpenIdClient.TokenEndpointResponse;
    try {
      response = await client.clientCredentialsGrant(discovered.config, scopes?.length ? { scope: scopes.join(" ") } : {});
    } catch (error) {
      if (error instanceof client.ResponseBodyError) {
        const said = `${error.error}${error.error_description ? `: ${error.error_description}` : ""}`;
        if (error.error === "invalid_client" || error.status === 401) {
          throw this.#fail(
            `the OAuth issuer ${discovered.issuer} refused the credentials of ${this.description} (${said}); check the client id and ${SECRET_SETTINGS}`,
          );
        }
        if (error.error === "invalid_scope") throw this.#fail(`the OAuth issuer ${discovered.issuer} refused the scopes${this.#from("scopes")} of ${this.description} (${said}); fix scopes or remove it`);
        throw this.#fail(`the OAuth issuer ${discovered.issuer} refused the client_credentials grant of ${this.description} (${said}); enable service accounts / client credentials for that client`);
      }
      const cause = causeOf(error);
      this.#configuration = undefined;
      throw this.#fail(`cannot get a token for ${this.description} from the OAuth issuer ${discovered.issuer} (${cause}); check that it is up and reachable`);
    }
    const token = response.access_token;
    if (!this.#seen.includes(token)) this.#seen.push(token);
    if (this.#seen.length > 8) this.#seen.shift();
    // The earlier of the JWT's exp and expires_in; a token without either is kept until refused.
    const expiries = [jwtExpiryMs(token), response.expires_in !== undefined ? this.#now() + response.expires_in * 1000 : undefined].filter(
      (value): value is number => value !== undefined,
    );
    this.#cached = { token, validUntil: expiries.length ? Math.min(...expiries) - this.#marginMs : Number.POSITIVE_INFINITY };
    return token;
  }

  async get(signal?: AbortSignal): Promise<string> {
    if (this.#cached && this.#cached.validUntil > this.#now()) return this.#cached.token;
    this.#inflight ??= this.#fetch(signal).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  invalidate(rejected: string | undefined): void {
    if (this.#cached && (rejected === undefined || this.#cached.token === rejected)) this.#cached = undefined;
  }

  secrets(): string[] {
    return [this.#settings.clientSecret, ...this.#seen];
  }
}

import type * as pulumi from "@pulumi/pulumi";

/**
 * How a resource reaches the fulfillment service. Every field is optional: unset ones
 * come from the stack config (`fulfillment:address`, `fulfillment:token` ...), then the
 * FULFILLMENT_* environment, then the fulfillment CLI's own config file.
 */
export interface ConnectionArgs {
  /** host:port of the gRPC API. */
  address?: pulumi.Input<string>;
  /** Bearer token (kept secret in the state). */
  token?: pulumi.Input<string>;
  /** A shell command that prints a token; re-run when the token expires or is refused. */
  tokenScript?: pulumi.Input<string>;
  /** OAuth client id: tokens come from the issuer with the client_credentials grant. */
  clientId?: pulumi.Input<string>;
  /** OAuth client secret (kept secret in the state). */
  clientSecret?: pulumi.Input<string>;
  /** The OAuth issuer (https URL); default: the first issuer the server trusts (Capabilities). */
  issuer?: pulumi.Input<string>;
  /** OAuth scopes to ask for. */
  scopes?: pulumi.Input<pulumi.Input<string>[]>;
  /** TLS without verifying the server certificate. */
  insecure?: pulumi.Input<boolean>;
  /** No TLS at all. */
  plaintext?: pulumi.Input<boolean>;
  /** PEM file of the CA that signed the server certificate. */
  caFile?: pulumi.Input<string>;
  /** PEM text of that CA. */
  caPem?: pulumi.Input<string>;
  /** Deadline of each call, in seconds. */
  deadlineSeconds?: pulumi.Input<number>;
  /**
   * The API generation the server speaks: `osac` (osac.public.v1, today's service), `innabox`
   * (fulfillment.v1, Jan 2026) or `auto` (default: asked once through gRPC reflection).
   */
  api?: pulumi.Input<"osac" | "innabox" | "auto">;
}

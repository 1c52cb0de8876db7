// What the token sources read from a JWT without verifying it: only when it expires, so a
// cached token is replaced before the server refuses it.

/** Refresh this long before a token's expiry. */
export const DEFAULT_TOKEN_MARGIN_MS = 30_000;

/** The `exp` claim of a JWT, in epoch milliseconds; undefined for anything that is not a JWT with `exp`. */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

// Every error message and log line of the client layer passes through here before it
// leaves the process: Pulumi prints provider errors and stderr into the engine's
// diagnostics and CI logs, where a leaked bearer token or kubeconfig would outlive the run.

const REDACTED = "[REDACTED]";

// Scrubs that need no knowledge of the secret itself: they catch credentials we were
// never told about (a server echoing a header, a script printing a kubeconfig).
const PATTERNS: Array<[RegExp, string]> = [
  // authorization metadata / HTTP headers. The value must look like a credential (a digit or
  // one of -._~+/, or 20+ characters), so that server prose such as "bearer token is not
  // valid" keeps its meaning.
  [/\b(Bearer)\s+(?=[A-Za-z0-9\-._~+/]{20}|[A-Za-z]*[0-9\-._~+/])[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\b(Basic)\s+[A-Za-z0-9+/]{8,}=*/gi, `$1 ${REDACTED}`],
  // JWTs (base64url header starting with {" -> "eyJ"), three dot-separated parts
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // kubeconfig / YAML credential lines, e.g. `token: ...`, `client-key-data: ...`
  [
    /^(\s*-?\s*["']?(?:token|id-token|refresh-token|access-token|password|client-key-data|client-key)["']?\s*:\s*)(?!\s*$).+$/gim,
    `$1${REDACTED}`,
  ],
  // `token: <value>` / `password=<value>` inside a line; the value must look like a
  // credential (8+ token characters) so prose such as "connection.token: give..." survives.
  [
    /(?<![.\w-])(token|id-token|refresh-token|access-token|access_token|refresh_token|password|client-key-data)(\s*[:=]\s*)(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/gi,
    `$1$2${REDACTED}`,
  ],
  // JSON credential fields, e.g. {"token":"..."} in a CLI config echo
  [/("(?:token|access_token|refresh_token|password|kubeconfig)"\s*:\s*")(?:[^"\\]|\\.)*(")/gi, `$1${REDACTED}$2`],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Replaces every occurrence of the given secrets (and of their base64 form, since hub
 * kubeconfigs travel as bytes) and anything that looks like a credential.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    const trimmed = secret.trim();
    if (trimmed) needles.add(trimmed);
    if (trimmed.length >= 8) needles.add(Buffer.from(trimmed).toString("base64"));
    // A multi-line secret (kubeconfig, PEM key) may show up one line at a time.
    for (const line of secret.split(/\r?\n/)) {
      const piece = line.trim();
      if (piece.length >= 16) needles.add(piece);
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    result = result.replace(new RegExp(escapeRegExp(needle), "g"), REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

#!/usr/bin/env node
// A token script for pipelines and the demo: OAuth client credentials against an issuer,
// found through its discovery document; prints the access token and nothing else.
//   oauth-token.js ISSUER_URL CLIENT_ID CLIENT_SECRET_FILE
// Trust a private CA with NODE_EXTRA_CA_CERTS. The secret is read from a file so it never
// appears on a command line.
"use strict";
const fs = require("node:fs");

async function main() {
  const [issuer, clientId, secretFile] = process.argv.slice(2);
  if (!issuer || !clientId || !secretFile) throw new Error("usage: oauth-token.js ISSUER_URL CLIENT_ID CLIENT_SECRET_FILE");
  const secret = fs.readFileSync(secretFile, "utf8").trim();
  let discovery;
  for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
    const response = await fetch(`${issuer.replace(/\/$/, "")}${path}`);
    if (response.ok) {
      discovery = await response.json();
      break;
    }
  }
  if (!discovery || !discovery.token_endpoint) throw new Error(`${issuer} publishes no token_endpoint in its discovery documents`);
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}` },
    body: "grant_type=client_credentials",
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) throw new Error(`token endpoint answered ${response.status}${body.error ? ` ${body.error}` : ""}`);
  process.stdout.write(`${body.access_token}\n`);
}

main().catch((error) => {
  process.stderr.write(`oauth-token: ${error.message}\n`);
  process.exit(1);
});

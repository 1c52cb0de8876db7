#!/usr/bin/env bash
# Regenerates schema/schema.json from plugin/schema.ts (through dist/, so run after the
# build) and the TypeScript SDK in sdk/nodejs from that schema, with the CLI's own
# `pulumi package gen-sdk` (the Node.js language host `make toolchain` builds answers
# GeneratePackage). test/unit/plugin.test.ts fails when either is stale.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(bash "$ROOT/scripts/toolchain.sh" bin-dir)"
bash "$ROOT/scripts/toolchain.sh" pulumi
node -e '
  const { packageSchema } = require(process.argv[1]);
  require("fs").writeFileSync(process.argv[2], JSON.stringify(packageSchema(), null, 2) + "\n");
' "$ROOT/dist/plugin/schema.js" "$ROOT/schema/schema.json"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
PATH="$BIN:$PATH" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" package gen-sdk "$ROOT/schema/schema.json" --language nodejs -o "$out" >/dev/null
rm -rf "$ROOT/sdk/nodejs"
mv "$out/nodejs" "$ROOT/sdk/nodejs"

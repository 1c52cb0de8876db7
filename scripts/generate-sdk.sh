#!/usr/bin/env bash
# Regenerates schema/schema.json from plugin/schema.ts (through dist/, so run after the
# build) and the TypeScript SDK in sdk/nodejs from that schema. test/unit/sdk.test.ts
# fails when either is stale.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(bash "$ROOT/scripts/toolchain.sh" bin-dir)"
bash "$ROOT/scripts/toolchain.sh" sdkgen
node -e '
  const { packageSchema } = require(process.argv[1]);
  require("fs").writeFileSync(process.argv[2], JSON.stringify(packageSchema(), null, 2) + "\n");
' "$ROOT/dist/plugin/schema.js" "$ROOT/schema/schema.json"
"$BIN/pulumi-fulfillment-sdkgen" "$ROOT/schema/schema.json" "$ROOT/sdk/nodejs"

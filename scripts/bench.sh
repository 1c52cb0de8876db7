#!/usr/bin/env bash
# make bench: compiles bench/ against the built package (dist/) and runs the benchmarks,
# which print a table of figures (see bench/fleet.ts for what each figure means).
#   BENCH_PROVISIONING_S=20 BENCH_SIZES=50,200,500 BENCH_MODES=watch,poll,engine BENCH_CHECKPOINTS=on BENCH_PARALLEL=<fleet size> scripts/bench.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$(bash scripts/toolchain.sh bin-dir):$ROOT/node_modules/.bin:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
if [[ ! -f dist/lib.js ]]; then
  echo "bench: dist/ is missing; run 'make build' (or npx tsc -p tsconfig.json) first" >&2
  exit 1
fi
tsc -p bench/tsconfig.json
node bench/dist/fleet.js

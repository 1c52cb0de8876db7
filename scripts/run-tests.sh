#!/usr/bin/env bash
# Runs every test with vitest and ends with the plain line CI reads:
# "N passed, N failed" (", N skipped" when any were skipped).
set -uo pipefail
cd "$(dirname "$0")/.."
# Only the results: .work holds other runs' work dirs (each test removes its own).
rm -rf .vitest
npx vitest run "$@"
status=$?
node scripts/test-summary.js .vitest/results.json || status=1
exit $status

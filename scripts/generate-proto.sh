#!/usr/bin/env bash
# Regenerates proto/gen from proto/*.proto with buf + protoc-gen-es (both from npm, offline).
set -euo pipefail
cd "$(dirname "$0")/../proto"
export PATH="$PWD/../node_modules/.bin:$PATH"
rm -rf gen
buf generate

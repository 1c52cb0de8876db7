# Two entry points do all the set-up on a fresh machine: `make demo` and `make test`.
# Every step is idempotent and reuses caches (node_modules, ~/.cache/pulumi-fulfillment,
# Go's module and build caches).
SHELL := /bin/bash
BIN_DIR := $(shell bash scripts/toolchain.sh bin-dir)
export PATH := $(BIN_DIR):$(CURDIR)/node_modules/.bin:$(PATH)
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true

.DEFAULT_GOAL := help
.PHONY: demo-destroy demo test install build sdk toolchain toolchain-kube toolchain-kubernetes proto proto-check bench clean help lint typecheck

help:
	@echo "make demo    - set up everything and run the multi-cluster example on the embedded simulator"
	@echo "make test    - set up everything and run every test (unit, contract, e2e, kube)"
	@echo "make demo-destroy - tear the demo stack down"
	@echo "make bench   - run the benchmarks in bench/ and print their figures"
	@echo "make lint / make typecheck - typescript-eslint over the tree / tsc over tests and benchmarks"

# Install only when the lock file changed since the last install. `npm ci` installs exactly
# the lock and never rewrites it (it fails if package.json and the lock disagree); the lock
# holds every platform's optional packages (esbuild, rollup, buf binaries), so it is the same
# on every machine. A lock that an install changed anyway fails here rather than dirtying the tree.
node_modules/.install-stamp: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- package-lock.json; then \
	  echo "package-lock.json changed during the install; commit a lock written by 'npm install' with all platforms' entries" >&2; exit 1; fi
	touch $@

install: node_modules/.install-stamp

toolchain:
	bash scripts/toolchain.sh pulumi
	bash scripts/toolchain.sh yaml
	bash scripts/toolchain.sh plugin

toolchain-kube:
	bash scripts/toolchain.sh kube

# The @pulumi/kubernetes provider plugin HubBootstrap and ClusterOrderCrd run on: built
# from the Go module proxy once (about 16 min of one core here), then reused from the cache.
toolchain-kubernetes: toolchain
	bash scripts/toolchain.sh kubernetes

# The generated SDK (sdk/nodejs) compiles into dist/sdk with its own package.json, which
# its getVersion() reads to pick the plugin version.
build: install
	npx tsc -p tsconfig.json
	npx tsc -p sdk/nodejs/tsconfig.json --outDir dist/sdk
	cp sdk/nodejs/package.json dist/sdk/package.json
	chmod +x dist/simulator/cli.js dist/automation/cli.js dist/plugin/main.js 2>/dev/null || true

# Regenerates schema/schema.json from plugin/schema.ts and sdk/nodejs from the schema.
sdk: build
	bash scripts/generate-sdk.sh

proto: install
	bash scripts/generate-proto.sh

# The tests and benchmarks are type-checked too; lint covers the whole tree.
typecheck: install
	npx tsc -p test/tsconfig.json
	npx tsc -p bench/tsconfig.json --noEmit

lint: install
	npx eslint .

test: install toolchain toolchain-kube toolchain-kubernetes build typecheck lint
	bash scripts/run-tests.sh

demo: install toolchain toolchain-kubernetes build
	bash scripts/demo.sh

demo-destroy: install toolchain toolchain-kubernetes build
	bash scripts/demo.sh destroy

bench: install toolchain build
	bash scripts/bench.sh

clean:
	rm -rf dist .work .vitest

#!/usr/bin/env bash
# Builds the binaries this project needs from pinned Go modules into a cache outside
# the repo, idempotently: a binary is rebuilt only when its helper module changes.
#
#   scripts/toolchain.sh pulumi        # pulumi CLI + Node.js language host + dynamic provider launcher
#   scripts/toolchain.sh kube          # kube-apiserver + kube-controller-manager (hub tests)
#   scripts/toolchain.sh all
#   scripts/toolchain.sh bin-dir       # prints the cache directory (put it on PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${PULUMI_FULFILLMENT_CACHE:-$HOME/.cache/pulumi-fulfillment}"
BIN="$CACHE/bin"
STAMPS="$CACHE/stamps"
PULUMI_VERSION="v3.250.0"

log() { printf '[toolchain] %s\n' "$*" >&2; }

# A stamp holds the hash of the helper module's go.mod + go.sum + this script's
# build flags, so a version bump in go.mod rebuilds and nothing else does.
module_hash() {
  local dir="$1" extra="$2"
  { cat "$ROOT/scripts/go/$dir/go.mod" "$ROOT/scripts/go/$dir/go.sum"; echo "$extra"; go version; } | sha256sum | cut -c1-16
}

build_go_binary() {
  local module_dir="$1" package="$2" output="$3" ldflags="${4:-}"
  mkdir -p "$BIN" "$STAMPS"
  local hash stamp
  hash="$(module_hash "$module_dir" "$package $ldflags")"
  stamp="$STAMPS/$output"
  if [[ -x "$BIN/$output" && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    log "$output is up to date ($BIN/$output)"
    return 0
  fi
  log "building $output from $package (first build takes minutes; later runs reuse the Go caches)"
  local started=$SECONDS
  (
    cd "$ROOT/scripts/go/$module_dir"
    # -mod=mod lets go use the committed go.sum without a vendor dir; GOFLAGS from the
    # user's environment must not turn this into a tidy that rewrites go.sum.
    GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$BIN/$output.tmp" "$package"
  )
  mv "$BIN/$output.tmp" "$BIN/$output"
  echo "$hash" > "$stamp"
  log "built $output in $((SECONDS - started))s"
}

install_dynamic_provider_launcher() {
  mkdir -p "$BIN"
  # The engine starts `pulumi-resource-pulumi-nodejs` from the program's directory.
  # Walk up from there to the nearest node_modules holding @pulumi/pulumi, so programs
  # in sub-directories (examples/, test work dirs) share the repository's install.
  cat > "$BIN/pulumi-resource-pulumi-nodejs.tmp" <<'LAUNCHER'
#!/bin/sh
dir="$PWD"
while :; do
  host="$dir/node_modules/@pulumi/pulumi/cmd/dynamic-provider"
  if [ -d "$host" ]; then exec node "$host" "$@"; fi
  [ "$dir" = "/" ] && break
  dir="$(dirname "$dir")"
done
echo "pulumi-resource-pulumi-nodejs: no node_modules/@pulumi/pulumi above $PWD; run 'npm install' in your Pulumi project" >&2
exit 1
LAUNCHER
  chmod +x "$BIN/pulumi-resource-pulumi-nodejs.tmp"
  mv "$BIN/pulumi-resource-pulumi-nodejs.tmp" "$BIN/pulumi-resource-pulumi-nodejs"
}

build_pulumi() {
  build_go_binary pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
  build_go_binary language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs
  install_dynamic_provider_launcher
}

build_kube() {
  build_go_binary kube k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver
  build_go_binary kube k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager
  if ! command -v etcd >/dev/null 2>&1; then
    log "installing etcd from Debian (etcd-server)"
    if [[ $(id -u) -eq 0 ]]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
    else
      log "etcd is missing: run 'sudo apt-get install etcd-server'"; exit 1
    fi
  fi
}

case "${1:-all}" in
  pulumi) build_pulumi ;;
  kube) build_kube ;;
  all) build_pulumi; build_kube ;;
  bin-dir) echo "$BIN" ;;
  *) echo "usage: $0 [pulumi|kube|all|bin-dir]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Builds the binaries this project needs from pinned Go modules into a cache outside
# the repo, idempotently: a binary is rebuilt only when its helper module changes.
#
#   scripts/toolchain.sh pulumi        # pulumi CLI + Node.js language host (with code generation) + dynamic provider launcher
#   scripts/toolchain.sh kube          # kube-apiserver + kube-controller-manager (hub tests)
#   scripts/toolchain.sh kubernetes    # the @pulumi/kubernetes provider plugin (hub bootstrap)
#   scripts/toolchain.sh yaml          # pulumi-language-yaml (Pulumi YAML programs, `pulumi import` code)
#   scripts/toolchain.sh plugin        # installs pulumi-resource-fulfillment (this package's provider plugin)
#   scripts/toolchain.sh all
#   scripts/toolchain.sh bin-dir       # prints the cache directory (put it on PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${PULUMI_FULFILLMENT_CACHE:-$HOME/.cache/pulumi-fulfillment}"
BIN="$CACHE/bin"
STAMPS="$CACHE/stamps"
PULUMI_VERSION="v3.274.1"
KUBERNETES_PLUGIN_VERSION="4.25.0"
KUBERNETES_PROVIDER_MODULE="github.com/pulumi/pulumi-kubernetes/provider/v4"

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
  build_language_nodejs
  install_dynamic_provider_launcher
}

# The Node.js language host the CLI runs is scripts/go/language-nodejs-codegen: it starts the
# v3.68.0 host (the last one the module proxy serves, built under a versioned name beside it)
# as a child, forwards every LanguageRuntime RPC to it, and serves the code generation RPCs
# that host predates (GenerateProgram/Project/Package: `pulumi import` for TypeScript) with
# the CLI's own pkg/v3 codegen. Its pkg/v3 must be the CLI's: bump both go.mod files together.
build_language_nodejs() {
  local codegen_mod="$ROOT/scripts/go/language-nodejs-codegen/go.mod"
  if ! grep -q "github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION\$" "$codegen_mod"; then
    log "scripts/go/language-nodejs-codegen/go.mod does not require github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION (the CLI's version):"
    log "  cd scripts/go/language-nodejs-codegen && go get github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
    exit 1
  fi
  build_go_binary language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs-v3.68.0
  # Its own sources count too (the stamp hashes go.mod, go.sum and the build flags).
  local sources
  sources="$(cat "$ROOT/scripts/go/language-nodejs-codegen/"*.go | sha256sum | cut -c1-16)"
  build_go_binary language-nodejs-codegen . pulumi-language-nodejs "-X main.sourceHash=$sources"
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

# Upstream's cmd/pulumi-resource-kubernetes embeds a schema that upstream generates at
# build time, so the helper module embeds a copy taken from the module cache, with the
# top-level version set the way upstream's generate.go sets it.
prepare_kubernetes_schema() {
  local helper="$ROOT/scripts/go/kubernetes" module_dir
  module_dir="$(cd "$helper" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' "$KUBERNETES_PROVIDER_MODULE")"
  if [[ -z "$module_dir" ]]; then
    (cd "$helper" && GOFLAGS=-mod=mod go mod download "$KUBERNETES_PROVIDER_MODULE")
    module_dir="$(cd "$helper" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' "$KUBERNETES_PROVIDER_MODULE")"
  fi
  node -e '
    const fs = require("fs");
    const [from, to, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(from, "utf8"));
    schema.version = version;
    fs.writeFileSync(to, JSON.stringify(schema));
  ' "$module_dir/cmd/pulumi-resource-kubernetes/schema.json" "$helper/schema-embed.json" "$KUBERNETES_PLUGIN_VERSION"
  cp "$module_dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$helper/terraform-mapping-embed.json"
}

# The engine looks for plugins in $PULUMI_HOME/plugins (default ~/.pulumi/plugins); a
# binary it finds on PATH instead makes it warn on every run, so the plugin is installed
# there with the CLI's own `plugin install --file`.
build_kubernetes_plugin() {
  local output="pulumi-resource-kubernetes-v$KUBERNETES_PLUGIN_VERSION"
  local hash stamp
  hash="$(module_hash kubernetes "$KUBERNETES_PLUGIN_VERSION")"
  stamp="$STAMPS/$output"
  if ! [[ -x "$BIN/$output" && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    prepare_kubernetes_schema
    build_go_binary kubernetes . "$output" "-s -w"
  fi
  install_plugin resource kubernetes "$KUBERNETES_PLUGIN_VERSION" "$BIN/$output"
}

install_plugin() {
  local kind="$1" name="$2" version="$3" binary="$4"
  local home="${PULUMI_HOME:-$HOME/.pulumi}"
  local installed="$home/plugins/$kind-$name-v$version/pulumi-$kind-$name"
  if [[ -x "$installed" ]] && cmp -s "$installed" "$binary"; then
    return 0
  fi
  [[ -x "$BIN/pulumi" ]] || build_pulumi
  PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin install "$kind" "$name" "$version" --file "$binary" --reinstall >/dev/null
  log "installed $kind plugin $name v$version into $home/plugins"
}

build_yaml() {
  build_go_binary language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml pulumi-language-yaml
}

# The provider plugin is this package's dist/plugin/main.js. The launcher installed under
# $PULUMI_HOME/plugins runs the copy of pulumi-fulfillment the program itself installed
# (node_modules above the directory the engine starts it in), else this checkout's.
install_fulfillment_plugin() {
  local version launcher
  version="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"
  launcher="$CACHE/pulumi-resource-fulfillment-launcher"
  mkdir -p "$CACHE"
  cat > "$launcher.tmp" <<LAUNCHER
#!/bin/sh
dir="\$PWD"
while :; do
  main="\$dir/node_modules/pulumi-fulfillment/dist/plugin/main.js"
  if [ -f "\$main" ]; then exec node "\$main" "\$@"; fi
  [ "\$dir" = "/" ] && break
  dir="\$(dirname "\$dir")"
done
exec node "$ROOT/dist/plugin/main.js" "\$@"
LAUNCHER
  chmod +x "$launcher.tmp"
  mv "$launcher.tmp" "$launcher"
  install_plugin resource fulfillment "$version" "$launcher"
  # The engine caches a plugin's schema by name and version, and the launcher's version stays
  # while the checkout's schema changes: a cached copy older than the built schema is dropped.
  local home="${PULUMI_HOME:-$HOME/.pulumi}" built="$ROOT/dist/plugin/schema.js" cached
  for cached in "$home/schemas/fulfillment-$version.json" "$home/plugins/schema-fulfillment-$version-.json"; do
    if [[ -f "$cached" && -f "$built" && "$built" -nt "$cached" ]]; then rm -f "$cached"; fi
  done
}

case "${1:-all}" in
  pulumi) build_pulumi ;;
  kube) build_kube ;;
  kubernetes) build_kubernetes_plugin ;;
  yaml) build_yaml ;;
  plugin) install_fulfillment_plugin ;;
  all) build_pulumi; build_kube; build_kubernetes_plugin; build_yaml; install_fulfillment_plugin ;;
  bin-dir) echo "$BIN" ;;
  *) echo "usage: $0 [pulumi|kube|kubernetes|yaml|plugin|all|bin-dir]" >&2; exit 2 ;;
esac

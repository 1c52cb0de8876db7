#!/usr/bin/env bash
# make demo: the multi-cluster example on the embedded simulator, with the real Pulumi CLI.
#   scripts/demo.sh            # up, outputs, refresh showing no drift
#   scripts/demo.sh destroy    # tear the demo stack down again
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="$ROOT/.work/demo"
mkdir -p "$DEMO/backend"
export PATH="$(bash "$ROOT/scripts/toolchain.sh" bin-dir):$PATH"
export PULUMI_BACKEND_URL="file://$DEMO/backend"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-demo}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
PROVISIONING="${DEMO_PROVISIONING_DELAY:-4s}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# The simulator keeps its state in a file, so it only runs while the script does. The
# local API server (the hubs) keeps running after `make demo`: `make demo-destroy` needs
# it to delete the hub objects, and stops it afterwards.
cleanup() {
  [[ -n "${SIM_PID:-}" ]] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null || true
}
trap cleanup EXIT

KUBE_BIN="$(bash "$ROOT/scripts/toolchain.sh" bin-dir)/kube-apiserver"
# With a local API server the hubs are real and the simulator places ClusterOrders there;
# without one the simulator plays the hubs itself, so nothing looks like a failure.
HUBS=simulated
[[ -x "$KUBE_BIN" ]] && HUBS=kube
# Today's generation by default (osac.public.v1, JWTs on every call); DEMO_API=innabox for the
# Jan 2026 one. On osac the pipeline logs in as a real one would: OAuth client credentials
# against the simulator's HTTPS issuer, through a token script (the secret stays in a 0600 file).
API="${DEMO_API:-osac}"
SIM_ARGS=(--api "$API")
if [[ "$API" == osac ]]; then
  umask 077
  [[ -s "$DEMO/client-secret" ]] || node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))' > "$DEMO/client-secret"
  node -e 'const fs=require("node:fs"); fs.writeFileSync(process.argv[1], JSON.stringify([{ clientId: "demo-pipeline", clientSecret: fs.readFileSync(process.argv[2], "utf8").trim(), claims: { preferred_username: "demo-pipeline", groups: ["admins"] } }]))' \
    "$DEMO/issuer-clients.json" "$DEMO/client-secret"
  umask 022
  SIM_ARGS+=(--issuer-clients "$DEMO/issuer-clients.json" --issuer-ca-out "$DEMO/issuer-ca.pem")
fi
say "Starting the fulfillment API simulator ($API generation, $HUBS hubs; state in .work/demo/simulator-$API.json)"
node "$ROOT/dist/simulator/cli.js" --port 0 --state "$DEMO/simulator-$API.json" --provisioning-delay "$PROVISIONING" --hubs "$HUBS" "${SIM_ARGS[@]}" \
  > "$DEMO/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do
  ADDRESS="$(sed -n 's/^fulfillment simulator listening on \(.*\)$/\1/p' "$DEMO/simulator.log" | head -1)"
  [[ -n "$ADDRESS" ]] && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$DEMO/simulator.log"; exit 1; }
  sleep 0.1
done
[[ -n "${ADDRESS:-}" ]] || { echo "the simulator did not start; see $DEMO/simulator.log"; exit 1; }
echo "listening on $ADDRESS"
export FULFILLMENT_ADDRESS="$ADDRESS" FULFILLMENT_PLAINTEXT=true FULFILLMENT_API="$API"
if [[ "$API" == osac ]]; then
  ISSUER="$(sed -n 's/.*token issuer \(https:[^ ,]*\).*/\1/p' "$DEMO/simulator.log" | head -1)"
  [[ -n "$ISSUER" ]] || { cat "$DEMO/simulator.log"; echo "the simulator logged no token issuer"; exit 1; }
  echo "token issuer $ISSUER (client credentials of 'demo-pipeline')"
  export FULFILLMENT_TOKEN_SCRIPT="NODE_EXTRA_CA_CERTS='$DEMO/issuer-ca.pem' node '$ROOT/scripts/oauth-token.js' '$ISSUER' demo-pipeline '$DEMO/client-secret'"
fi

if [[ "${1:-}" != destroy && -x "$KUBE_BIN" ]]; then
  say "Starting a local Kubernetes API server to act as the hubs"
  if bash "$ROOT/scripts/local-kube.sh" start; then
    export DEMO_HUB_KUBECONFIG="$(bash "$ROOT/scripts/local-kube.sh" kubeconfig-path)"
  fi
elif [[ "${1:-}" != destroy ]]; then
  say "No kube-apiserver built (make toolchain-kube): the simulator plays the hubs (placeholder kubeconfigs)"
fi

cd "$ROOT/examples/multi-cluster"
pulumi stack select --create dev >/dev/null

if [[ "${1:-}" == destroy ]]; then
  if pulumi stack export 2>/dev/null | grep -qE '"type": *"kubernetes:|dynamic/kubernetes:' && ! bash "$ROOT/scripts/local-kube.sh" status >/dev/null 2>&1; then
    echo "The demo's hubs lived on the local API server, which is no longer running (its objects went with it)."
    echo "Remove the stack's record instead: cd examples/multi-cluster && pulumi stack rm dev --force --yes"
    exit 1
  fi
  say "pulumi destroy (the Pulumi YAML example)"
  (cd "$ROOT/examples/yaml" && pulumi stack select --create dev >/dev/null && pulumi destroy --yes --skip-preview --parallel 32)
  say "pulumi destroy"
  pulumi destroy --yes --skip-preview --parallel 32
  bash "$ROOT/scripts/local-kube.sh" stop >/dev/null 2>&1 || true
  exit 0
fi

say "pulumi up (clusters take about $PROVISIONING each to provision on the simulator)"
# Every cluster waiting for READY holds one of the engine's parallel slots.
pulumi up --yes --parallel 32
say "Stack outputs"
pulumi stack output --json
say "pulumi refresh (expecting no drift)"
pulumi refresh --yes --expect-no-changes --skip-preview
say "The same service from Pulumi YAML (examples/yaml, on the provider plugin pulumi-resource-fulfillment)"
(
  cd "$ROOT/examples/yaml"
  pulumi stack select --create dev >/dev/null
  if [[ -n "${DEMO_HUB_KUBECONFIG:-}" ]]; then
    # The local API server is a real hub: its orders go where examples/multi-cluster's first
    # HubBootstrap made a namespace and installed the ClusterOrder CRD.
    pulumi config set --secret hubKubeconfig -- "$(cat "$DEMO_HUB_KUBECONFIG")"
    pulumi config set hubNamespace orders-1
  fi
  pulumi up --yes --parallel 32
  pulumi refresh --yes --expect-no-changes --skip-preview
)
say "Done"
cat <<MSG
The demo stack lives in .work/demo (backend and simulator state).
  Destroy it:     make demo-destroy   (also stops the local API server left running for it)
  Look around:    cd examples/multi-cluster && PULUMI_BACKEND_URL=file://$DEMO/backend PULUMI_CONFIG_PASSPHRASE=$PULUMI_CONFIG_PASSPHRASE pulumi stack
MSG

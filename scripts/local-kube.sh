#!/usr/bin/env bash
# A Kubernetes API server on loopback for `make demo` and manual work: Debian's etcd,
# kube-apiserver and kube-controller-manager (built by `make toolchain-kube`). The same
# set-up as test/helpers/localKube.ts, kept in the background until `stop`.
#
#   scripts/local-kube.sh start   # starts (or reuses a running one), prints the admin kubeconfig path
#   scripts/local-kube.sh env     # prints `export KUBECONFIG=...` (eval "$(scripts/local-kube.sh env)")
#   scripts/local-kube.sh kubeconfig-path   # prints the admin kubeconfig's path
#   scripts/local-kube.sh status  # exit 0 when running and ready
#   scripts/local-kube.sh stop    # ends every process (process groups) and removes the state
#
# State: $LOCAL_KUBE_DIR (default <repo>/.work/local-kube): admin.kubeconfig, ca.crt, logs, pids.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${LOCAL_KUBE_DIR:-$ROOT/.work/local-kube}"
BIN="$(bash "$ROOT/scripts/toolchain.sh" bin-dir)"
export PATH="$BIN:$PATH"
KUBECONFIG_FILE="$DIR/admin.kubeconfig"
PROCESSES=(kube-controller-manager kube-apiserver etcd) # stop order

log() { printf '[local-kube] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [[ -x "/usr/bin/$1" ]] && return 0
  die "$1 was not found (looked in $BIN and on PATH). Build it with \`make toolchain-kube\` (scripts/toolchain.sh kube)."
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# setsid: each process leads its own group, so stop reaches whatever it forks.
launch() {
  local name="$1"; shift
  setsid "$@" >>"$DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$DIR/$name.pid"
}

ready() {
  [[ -f "$DIR/server" && -f "$DIR/ca.crt" ]] || return 1
  curl -sf --max-time 3 --cacert "$DIR/ca.crt" -H "Authorization: Bearer $(cat "$DIR/admin.token")" \
    "$(cat "$DIR/server")/readyz" >/dev/null 2>&1
}

wait_for() {
  local what="$1" deadline=$((SECONDS + ${LOCAL_KUBE_TIMEOUT:-90})) delay=0.1; shift
  until "$@"; do
    for p in "${PROCESSES[@]}"; do
      if [[ -f "$DIR/$p.pid" ]] && ! alive "$p"; then
        tail -n 20 "$DIR/$p.log" >&2 || true
        do_stop; die "$p exited while waiting for $what (log above)"
      fi
    done
    if (( SECONDS > deadline )); then
      for p in "${PROCESSES[@]}"; do [[ -f "$DIR/$p.log" ]] && { echo "--- $p" >&2; tail -n 10 "$DIR/$p.log" >&2; }; done
      do_stop; die "timed out waiting for $what"
    fi
    sleep "$delay"
    delay=0.3
  done
}

cert_ready() {
  [[ -s "$DIR/certs/apiserver.crt" ]] || return 1
  # the serving cert is followed by its self-signed CA: keep the last certificate
  awk '/BEGIN CERTIFICATE/{buf=""} {buf=buf $0 "\n"} /END CERTIFICATE/{last=buf} END{printf "%s", last}' \
    "$DIR/certs/apiserver.crt" >"$DIR/ca.crt"
  [[ -s "$DIR/ca.crt" ]] && ready
}

default_sa_exists() {
  curl -sf --max-time 3 --cacert "$DIR/ca.crt" -H "Authorization: Bearer $(cat "$DIR/admin.token")" \
    "$(cat "$DIR/server")/api/v1/namespaces/default/serviceaccounts/default" >/dev/null 2>&1
}

do_start() {
  if alive kube-apiserver && ready; then
    log "already running at $(cat "$DIR/server")"
    echo "$KUBECONFIG_FILE"
    return 0
  fi
  do_stop quiet
  need etcd; need kube-apiserver; need kube-controller-manager; need openssl; need curl
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  local started=$SECONDS
  openssl genrsa -out "$DIR/sa.key" 2048 2>/dev/null
  openssl rsa -in "$DIR/sa.key" -pubout -out "$DIR/sa.pub" 2>/dev/null
  openssl rand -hex 24 >"$DIR/admin.token"
  printf '%s,admin,admin-uid,"system:masters"\n' "$(cat "$DIR/admin.token")" >"$DIR/tokens.csv"
  chmod 600 "$DIR/admin.token" "$DIR/tokens.csv" "$DIR/sa.key"

  local etcd_client etcd_peer api_port
  etcd_client=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
  echo "https://127.0.0.1:$api_port" >"$DIR/server"

  launch etcd etcd --name=local --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_client" --advertise-client-urls="http://127.0.0.1:$etcd_client" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-cluster="local=http://127.0.0.1:$etcd_peer" --logger=zap --log-level=warn

  launch kube-apiserver kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_client" \
    --cert-dir="$DIR/certs" --secure-port="$api_port" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --token-auth-file="$DIR/tokens.csv" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$DIR/sa.pub" --service-account-signing-key-file="$DIR/sa.key" \
    --service-cluster-ip-range=10.96.0.0/24 --enable-priority-and-fairness=false --profiling=false --v=1
  wait_for "kube-apiserver /readyz" cert_ready

  cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $(cat "$DIR/server")
    certificate-authority-data: $(base64 -w0 <"$DIR/ca.crt")
users:
- name: admin
  user:
    token: $(cat "$DIR/admin.token")
contexts:
- name: local
  context:
    cluster: local
    user: admin
current-context: local
EOF
  chmod 600 "$KUBECONFIG_FILE"

  launch kube-controller-manager kube-controller-manager --kubeconfig="$KUBECONFIG_FILE" \
    --controllers=serviceaccount-token,serviceaccount,namespace,garbagecollector \
    --root-ca-file="$DIR/ca.crt" --service-account-private-key-file="$DIR/sa.key" \
    --use-service-account-credentials=false --leader-elect=false --secure-port=0 --v=1
  wait_for "kube-controller-manager" default_sa_exists
  log "ready at $(cat "$DIR/server") in $((SECONDS - started))s; admin kubeconfig:"
  echo "$KUBECONFIG_FILE"
}

do_stop() {
  local quiet="${1:-}"
  [[ -d "$DIR" ]] || return 0
  for p in "${PROCESSES[@]}"; do
    [[ -f "$DIR/$p.pid" ]] || continue
    local pid; pid="$(cat "$DIR/$p.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/$p.pid"
  done
  rm -rf "$DIR"
  [[ -n "$quiet" ]] || log "stopped"
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  status) alive kube-apiserver && ready ;;
  kubeconfig-path)
    [[ -f "$KUBECONFIG_FILE" ]] || die "not running; run '$0 start' first"
    echo "$KUBECONFIG_FILE"
    ;;
  env)
    [[ -f "$KUBECONFIG_FILE" ]] || die "not running; run '$0 start' first"
    echo "export KUBECONFIG=$KUBECONFIG_FILE"
    ;;
  *) echo "usage: $0 start|stop|status|env|kubeconfig-path" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Simulated corporate network for the end-to-end tests (docs/e2e.md).
#
#   onprem   10.213.1.10            the employee's browser (on-prem, over the Transit Gateway)
#   tgw      10.213.1.1 / 10.213.2.1  a router namespace standing in for the Transit Gateway
#   shared   10.213.2.10            portal, IdP (Cognito stand-in), AWS API stand-ins
#            10.213.2.20            the Studio VPC-endpoint address
#            10.213.3.20            the "public" Studio address (what the internet sees)
#   internet 10.213.3.10            a laptop outside: its only link is to 10.213.3.20
#
# Usage: topology.sh up | down [--force] | status
#   up    tears down leftovers first, then builds the topology; on any error it tears down again.
#   down  idempotent: kills whatever still runs inside the namespaces, deletes them, removes the
#         root namespace's blackhole route for the range.
# Both refuse (exit 75) while another live test run owns the topology (NETNS_OWNER_PID, recorded in
# the owner file); `down --force` ignores that.
# The root namespace never gets an address in the range: the blackhole route makes any accidental
# contact from it fail at once instead of leaking to the default gateway.
set -euo pipefail

# Fixed: network.ts and the routes below use addresses from it.
RANGE=10.213.0.0/16
NS_ONPREM=onprem
NS_SHARED=shared
NS_INTERNET=internet
NS_TGW=tgw
ALL_NS=("$NS_ONPREM" "$NS_INTERNET" "$NS_SHARED" "$NS_TGW")
OWNER_FILE="${NETNS_OWNER_FILE:-/run/studio-portal-netns.owner}"

ONPREM_IP=10.213.1.10
TGW_ONPREM_IP=10.213.1.1
TGW_SHARED_IP=10.213.2.1
SHARED_IP=10.213.2.10
VPCE_IP=10.213.2.20
PUBLIC_STUDIO_IP=10.213.3.20
INTERNET_IP=10.213.3.10

log() { echo "[netns] $*" >&2; }

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "needs root (network namespaces): run as root or in CI"
    exit 77
  fi
}

# Start time of a process (clock ticks since boot): with the PID it names one process, even after
# the PID is reused.
proc_start() { sed -E 's/^.*\) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

owner_id() {
  local pid="${NETNS_OWNER_PID:-$PPID}"
  echo "$pid $(proc_start "$pid")"
}

# Another test run owns the topology: tearing it down under it would break that run.
check_owner() {
  [ -f "$OWNER_FILE" ] || return 0
  local other_pid other_start me
  read -r other_pid other_start < "$OWNER_FILE" || true
  me="$(owner_id)"
  [ -n "${other_pid:-}" ] || return 0
  [ "$other_pid $other_start" = "$me" ] && return 0
  if [ -n "${other_start:-}" ] && [ "$(proc_start "$other_pid")" = "$other_start" ]; then
    log "topology is in use by another test run (pid $other_pid, see $OWNER_FILE); wait for it to finish"
    exit 75
  fi
}

kill_ns_processes() {
  local ns="$1" pids
  pids="$(ip netns pids "$ns" 2>/dev/null || true)"
  [ -z "$pids" ] && return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 30); do
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

down() {
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "$ns"; then
      kill_ns_processes "$ns"
      ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"
    fi
  done
  while ip route show type blackhole 2>/dev/null | grep -q "^blackhole $RANGE"; do
    ip route del blackhole "$RANGE" 2>/dev/null || break
  done
  rm -f "$OWNER_FILE"
}

check_range_unused() {
  # Anything already routed in the range (other than our own blackhole) means a clash with this host.
  local clash
  clash="$(ip -4 route show match "${RANGE%/*}" 2>/dev/null | grep -v '^default' | grep -v "^blackhole $RANGE" || true)"
  clash+="$(ip -4 route show root "$RANGE" 2>/dev/null | grep -v "^blackhole $RANGE" || true)"
  if [ -n "$clash" ]; then
    log "range $RANGE is already in use on this host: $clash"
    exit 1
  fi
}

# veth pair created directly inside the two namespaces, so no interface of it ever exists in root.
link() {
  local ns_a="$1" if_a="$2" ns_b="$3" if_b="$4"
  ip -n "$ns_a" link add "$if_a" type veth peer name "$if_b" netns "$ns_b"
  ip -n "$ns_a" link set "$if_a" up
  ip -n "$ns_b" link set "$if_b" up
}

up() {
  check_owner
  down
  check_range_unused
  trap 'log "setup failed, tearing down"; down' ERR

  for ns in "${ALL_NS[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip route add blackhole "$RANGE"

  # on-prem <-> Transit Gateway <-> shared VPC
  link "$NS_ONPREM" tgw0 "$NS_TGW" onprem0
  link "$NS_SHARED" tgw0 "$NS_TGW" shared0
  # the internet's only path: to the public Studio address
  link "$NS_INTERNET" studio0 "$NS_SHARED" public0

  ip -n "$NS_ONPREM" addr add "$ONPREM_IP/24" dev tgw0
  ip -n "$NS_TGW" addr add "$TGW_ONPREM_IP/24" dev onprem0
  ip -n "$NS_TGW" addr add "$TGW_SHARED_IP/24" dev shared0
  ip -n "$NS_SHARED" addr add "$SHARED_IP/24" dev tgw0
  ip -n "$NS_SHARED" addr add "$VPCE_IP/24" dev tgw0
  ip -n "$NS_SHARED" addr add "$PUBLIC_STUDIO_IP/24" dev public0
  ip -n "$NS_INTERNET" addr add "$INTERNET_IP/24" dev studio0

  ip netns exec "$NS_TGW" sysctl -qw net.ipv4.ip_forward=1
  # Only the routes the real network has: on-prem knows the shared VPC, the VPC knows on-prem,
  # the internet knows nothing beyond its link to the public Studio address.
  ip -n "$NS_ONPREM" route add 10.213.2.0/24 via "$TGW_ONPREM_IP"
  ip -n "$NS_SHARED" route add 10.213.1.0/24 via "$TGW_SHARED_IP"

  owner_id > "$OWNER_FILE"
  trap - ERR
  log "up: onprem $ONPREM_IP -> tgw -> shared $SHARED_IP (vpce $VPCE_IP), internet $INTERNET_IP -> $PUBLIC_STUDIO_IP"
}

status() {
  for ns in "${ALL_NS[@]}"; do
    if ns_exists "$ns"; then
      echo "== $ns"
      ip -n "$ns" -4 -br addr
      ip -n "$ns" -4 route
    else
      echo "== $ns (absent)"
    fi
  done
  echo "== root blackhole"
  ip route show type blackhole | grep "$RANGE" || echo "(none)"
}

require_root
case "${1:-}" in
  up) up ;;
  down)
    [ "${2:-}" = "--force" ] || check_owner
    down
    ;;
  status) status ;;
  *) echo "usage: $0 up|down [--force]|status" >&2; exit 2 ;;
esac

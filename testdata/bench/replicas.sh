#!/usr/bin/env bash
# Load test of sandbox replicas on one PostgreSQL: one replica and two,
# each behind the same round-robin proxy, measured side by side.
#
#   testdata/bench/replicas.sh SANDBOX_BIN PROXY_BIN DSN [RUNS] [DURATION]
#
# SANDBOX_BIN is a walletsim binary, PROXY_BIN the roundrobin binary
# (client/sandbox/internal/roundrobin), DSN a postgres:// URL of an empty
# database (or schema: add search_path=…). Two replicas start on the DSN;
# proxy "one" forwards to the first only, proxy "two" to both in turn, so
# both measurements pay the same proxy hop. For each run, authenticate.lua
# (a new frictionless authentication per request) loads each proxy in
# turn, swapping which goes first every run. Everything shares this
# machine's CPUs: the replicas, the proxy, PostgreSQL and wrk.
set -euo pipefail

SANDBOX_BIN=${1:?usage: replicas.sh SANDBOX_BIN PROXY_BIN DSN [RUNS] [DURATION]}
PROXY_BIN=${2:?usage: replicas.sh SANDBOX_BIN PROXY_BIN DSN [RUNS] [DURATION]}
DSN=${3:?usage: replicas.sh SANDBOX_BIN PROXY_BIN DSN [RUNS] [DURATION]}
RUNS=${4:-3}
DURATION=${5:-15s}
OUT=${OUT:-/tmp/walletsim-bench-replicas}
CONNS=${CONNS:-16}
DIR=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"

R1=127.0.0.1:28180 R2=127.0.0.1:28182 ONE=127.0.0.1:28190 TWO=127.0.0.1:28191
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

for addr in $R1 $R2; do
  "$SANDBOX_BIN" sandbox --quiet --listen "$addr" --store "$DSN" >"$OUT/sandbox-$addr.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do curl -sf -o /dev/null "http://$addr/sandbox/cards" && break; sleep 0.05; done
done
"$PROXY_BIN" -listen "$ONE" -to "http://$R1" >"$OUT/proxy-one.log" 2>&1 &
pids+=($!)
"$PROXY_BIN" -listen "$TWO" -to "http://$R1,http://$R2" >"$OUT/proxy-two.log" 2>&1 &
pids+=($!)
for addr in $ONE $TWO; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://$addr/sandbox/cards" && break; sleep 0.05; done
done

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-9s %10s %9s %9s %7s\n' run replicas req/s p50 p99 non-2xx
for run in $(seq "$RUNS"); do
  order="one two"
  [ $((run % 2)) -eq 0 ] && order="two one"
  for which in $order; do
    addr=$ONE
    [ "$which" = two ] && addr=$TWO
    f="$OUT/$run-$which.txt"
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$DIR/authenticate.lua" "http://$addr" -- "r$run$which-" >"$f"
    printf '%-4s %-9s %10s %9s %9s %7s\n' "$run" "$which" \
      "$(awk '/^Requests\/sec/ {print $2}' "$f")" \
      "$(awk '$1 == "50%" {print $2}' "$f")" "$(awk '$1 == "99%" {print $2}' "$f")" \
      "$(awk '/Non-2xx/ {print $NF}' "$f" | grep . || echo 0)"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

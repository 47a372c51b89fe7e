#!/usr/bin/env bash
# Load test of the sandbox against the static peer, on loopback, with wrk.
#
#   testdata/bench/run.sh SANDBOX_BIN PEER_BIN [RUNS] [DURATION]
#
# SANDBOX_BIN is a walletsim binary (run as "SANDBOX_BIN sandbox --quiet"),
# PEER_BIN the staticpeer binary (client/sandbox/internal/staticpeer). Run
# from the repository root. For each run, each endpoint is loaded on each
# server in turn (wrk -t2 -c16, alternating which server goes first), while
# the sandbox's VmRSS/VmHWM is sampled every 200 ms. wrk's full outputs are
# kept in $OUT (default /tmp/walletsim-bench).
set -euo pipefail

SANDBOX_BIN=${1:?usage: run.sh SANDBOX_BIN PEER_BIN [RUNS] [DURATION]}
PEER_BIN=${2:?usage: run.sh SANDBOX_BIN PEER_BIN [RUNS] [DURATION]}
RUNS=${3:-3}
DURATION=${4:-15s}
SANDBOX_ADDR=${SANDBOX_ADDR:-127.0.0.1:28080}
PEER_ADDR=${PEER_ADDR:-127.0.0.1:28081}
OUT=${OUT:-/tmp/walletsim-bench}
AUTH=${AUTH:-authenticate} # or authenticate-distinct: no two requests alike
SANDBOX_ARGS=${SANDBOX_ARGS:-} # more sandbox flags, e.g. "--store sqlite:/tmp/bench.db"
DIR=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"

# shellcheck disable=SC2086 # SANDBOX_ARGS is split into flags on purpose
"$SANDBOX_BIN" sandbox --quiet --listen "$SANDBOX_ADDR" $SANDBOX_ARGS >"$OUT/sandbox.log" 2>&1 &
SB=$!
"$PEER_BIN" -listen "$PEER_ADDR" -seeds "$DIR/../seeds" >"$OUT/peer.log" 2>&1 &
PEER=$!
SAMPLER=
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  kill "$SB" "$PEER" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT

for addr in "$SANDBOX_ADDR/sandbox/cards" "$PEER_ADDR/issuing/api/v1/card/3DS"; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://$addr" && break; sleep 0.05; done
done

# The card issuing-get.lua reads: the sandbox's frictionless Visa test card.
curl -sf -o /dev/null -X POST "http://$SANDBOX_ADDR/issuing/api/v1/card/3DS" \
  -H 'x-api-key: bench-api-key' -H 'x-product-id: bench-product' \
  -H 'x-cardholder-id: CH-5435323362' -H 'x-wallet-id: WAL-5435323362' \
  -H 'x-card-id: 7e57ca4d-0000-4000-8000-000000000010' -H 'x-client-id: bench-client' \
  -H 'x-request-id: bench-enroll' -H 'Content-Type: application/json' \
  -H 'Authorization: Bearer bench-token' --data '{"otp_delivery_method":"EMAIL"}'

rss() { awk '/^VmRSS|^VmHWM|^RssAnon|^RssFile/ {printf "%s %s ", $1, $2}' "/proc/$SB/status"; }
# CPU accounting, in clock ticks: all CPUs busy, and one process.
TICK=$(getconf CLK_TCK)
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "sandbox at start: $(rss)"
( while kill -0 "$SB" 2>/dev/null; do echo "$(date +%s.%N) $(rss)"; sleep 0.2; done ) >"$OUT/rss.log" &
SAMPLER=$!

# server and other: CPU cores used during the run by the server under load
# and by everything except that server and wrk (0 on a quiet machine).
printf '%-4s %-22s %-8s %10s %9s %9s %7s %7s %7s\n' run endpoint server req/s p50 p99 non-2xx server other
for run in $(seq "$RUNS"); do
  for endpoint in issuing-get "$AUTH"; do
    servers="sandbox peer"
    [ $((run % 2)) -eq 0 ] && servers="peer sandbox"
    for server in $servers; do
      addr=$SANDBOX_ADDR
      [ "$server" = peer ] && addr=$PEER_ADDR
      pid=$SB
      [ "$server" = peer ] && pid=$PEER
      f="$OUT/$run-$endpoint-$server.txt"
      b0=$(busy) s0=$(ticks "$pid") t0=$(date +%s.%N)
      TIMEFORMAT='%3U %3S'
      { time wrk -t2 -c16 -d"$DURATION" --latency -s "$DIR/$endpoint.lua" "http://$addr" -- "r$run-" >"$f"; } 2>"$f.time"
      b1=$(busy) s1=$(ticks "$pid") t1=$(date +%s.%N)
      read -r wu ws <"$f.time"
      printf '%-4s %-22s %-8s %10s %9s %9s %7s %7s %7s\n' "$run" "$endpoint" "$server" \
        "$(awk '/^Requests\/sec/ {print $2}' "$f")" \
        "$(awk '$1 == "50%" {print $2}' "$f")" "$(awk '$1 == "99%" {print $2}' "$f")" \
        "$(awk '/Non-2xx/ {print $NF}' "$f" | grep . || echo 0)" \
        "$(awk -v d="$((s1 - s0))" -v t="$TICK" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", d / t / (b - a)}')" \
        "$(awk -v all="$((b1 - b0))" -v srv="$((s1 - s0))" -v wu="$wu" -v ws="$ws" -v t="$TICK" -v a="$t0" -v b="$t1" \
          'BEGIN {o = (all - srv) / t - wu - ws; if (o < 0) o = 0; printf "%.2f", o / (b - a)}')"
    done
  done
done
echo "sandbox right after the load: $(rss)"
sleep 5
echo "sandbox 5 s later:            $(rss)"
max() { awk -v k="$1:" '{for (i = 1; i < NF; i++) if ($i == k && $(i+1) > m) m = $(i+1)} END {print m " kB"}' "$OUT/rss.log"; }
echo "max sampled under load: VmRSS $(max VmRSS), RssAnon $(max RssAnon), RssFile $(max RssFile)"

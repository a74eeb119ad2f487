#!/usr/bin/env bash
# Interleaved A/B of Gannet binaries: each round starts every binary in turn on a fresh data
# directory, runs the given workloads through bench/run.sh and prints req/s and server cores.
# Interleaving is what makes two binaries comparable on a noisy shared machine.
#
# usage: bench/ab.sh WORKLOADS CONNS ROUNDS BINARY...
#   e.g. bench/ab.sh "put batch" 16 3 /tmp/gannet-old target/release/gannet
# A BINARY may be a wrapper script that adds flags ("exec /path/gannet "$@" --memtable-mb 8").
set -euo pipefail
if [ $# -lt 4 ]; then sed -n '2,8p' "$0"; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
WORKLOADS=$1 CONNS=$2 ROUNDS=$3
shift 3
DATA=$(mktemp -d) OUT=$(mktemp -d)
trap 'rm -rf "$DATA" "$OUT"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  for binary in "$@"; do
    rm -rf "$DATA/db" "$OUT/run"
    "$binary" serve --data-dir "$DATA/db" --log-level warn &
    server=$!
    sleep 1.5
    LABEL=ab SERVER_PID=$server WORKLOADS="$WORKLOADS" CONNS=$CONNS DURATION=${DURATION:-10s} \
      "$HERE/run.sh" http://127.0.0.1:8000 "$OUT/run" >/dev/null 2>&1 || true
    kill "$server"; wait "$server" 2>/dev/null || true
    printf '%s %s ' "$round" "$binary"
    awk -F, 'NR > 1 { printf "%s=%s (server %s cores) ", $1, $5, $15 }' "$OUT/run/results.csv"
    echo
  done
done

#!/usr/bin/env bash
# CPU per request by thread kind, for each binary in turn: starts it on a fresh data directory,
# runs one workload through bench/run.sh and reads /proc/PID/task/*/schedstat over a window in
# the middle of the run (bench/threads.sh). Time on a CPU per request moves much less between
# runs on a shared machine than requests per second do, so it shows a change in cost that a
# throughput A/B cannot separate from the noise.
#
# usage: bench/cost.sh WORKLOAD CONNS BINARY...   e.g. bench/cost.sh batch 16 /tmp/old target/release/gannet
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,8p' "$0"; exit 2; fi
HERE=$(cd "$(dirname "$0")" && pwd)
WORKLOAD=$1 CONNS=$2 WINDOW=8
shift 2
for binary in "$@"; do
  dir=$(mktemp -d)
  "$binary" serve --data-dir "$dir/db" --log-level warn &
  server=$!
  sleep 1.5
  LABEL=cost SERVER_PID=$server WORKLOADS="$WORKLOAD" CONNS=$CONNS DURATION=16s WARMUP=0 \
    "$HERE/run.sh" http://127.0.0.1:8000 "$dir/run" >/dev/null 2>&1 &
  runner=$!
  for _ in $(seq 120); do pgrep -x wrk >/dev/null && break; sleep 1; done
  sleep 4
  threads=$("$HERE/threads.sh" "$server" "$WINDOW")
  wait "$runner" || true
  rps=$(awk -F, 'NR > 1 { print $5 }' "$dir/run/results.csv")
  echo "$binary $WORKLOAD c=$CONNS: $rps req/s"
  # threads.sh rows: name, threads, run ms, wait ms over the window.
  echo "$threads" | awk -v rps="$rps" -v w="$WINDOW" 'NR > 1 && $3 > 0 {
    n = rps * w; run += $3; printf "  %-18s %7.1f us on a CPU, %7.1f us waiting for one, per request\n", $1, $3 * 1000 / n, $4 * 1000 / n
  } END { printf "  %-18s %7.1f us on a CPU per request\n", "server", run * 1000 / (rps * w) }'
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$dir"
done

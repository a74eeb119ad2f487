#!/usr/bin/env bash
# Per-thread scheduler time of a running server over a window, summed by thread name: how long
# each kind of thread ran and how long it sat runnable waiting for a CPU
# (/proc/PID/task/*/schedstat). A serial thread (the storage writer) whose run + wait is near
# the window is the bottleneck even when the machine's average load looks low.
#
# usage: bench/threads.sh PID [SECONDS]      e.g. bench/threads.sh "$(pgrep -n gannet)" 10
set -euo pipefail
if [ $# -lt 1 ]; then sed -n '2,7p' "$0"; exit 2; fi
PID=$1 SECS=${2:-10}
snapshot() {
  for task in /proc/"$PID"/task/*; do
    stats=$(cat "$task/schedstat" 2>/dev/null) || continue
    printf '%s %s %s\n' "${task##*/}" "$(tr ' ' '_' < "$task/comm")" "$stats"
  done | sort
}
before=$(snapshot)
sleep "$SECS"
after=$(snapshot)
# schedstat: ns on CPU, ns runnable but waiting, timeslices.
printf '%-22s %8s %12s %10s   (window %s s)\n' thread threads "run ms" "wait ms" "$SECS"
join <(echo "$before") <(echo "$after") | awk '
  { run[$2] += ($7 - $3) / 1e6; wait[$2] += ($8 - $4) / 1e6; n[$2]++ }
  END { for (t in run) printf "%-22s %8d %12.0f %10.0f\n", t, n[t], run[t], wait[t] }
' | sort -k3 -nr

#!/usr/bin/env bash
# Runs the shared load benchmark (../shared/bench/run.sh) with Gannet's extra workloads
# (update, transact, batch) placed beside the shared ones (put, get, query, mix).
#
# usage: bench/run.sh ENDPOINT OUTDIR      (same knobs as the shared run.sh, e.g.
#        WORKLOADS="put update transact batch" CONNS=16 LABEL=gannet SERVER_PID=… bench/run.sh …)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${SHARED_BENCH:-$HERE/../../shared/bench}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SHARED"/. "$WORK"/
cp "$HERE"/wrk/*.lua "$WORK"/wrk/
"$WORK/run.sh" "$@"

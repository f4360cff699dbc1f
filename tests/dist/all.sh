#!/bin/bash
# check-dist: the distributed-execution scripts of this folder and tests/reduce_order/random_sums.py,
# several at a time. Each script waits on MPI's start-up far more than it computes (one after
# another they took 148 s of wall time on 95 s of CPU); they share nothing but bin/tylesc and
# lib/libtyles.a, each in a scratch folder of its own. Each one's output is printed whole, in the
# order below, with a last line `ok SCRIPT` or `FAIL SCRIPT (exit status N)`.
# Usage: tests/dist/all.sh REPO_ROOT   (exit 1 if a script fails)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
cd "$ROOT" || exit 2
PAR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tyl-distall-XXXXXX") || exit 2
trap 'rm -rf "$PAR_DIR"' EXIT
PAR_JOBS=${PAR_JOBS:-3}
. "$ROOT/tests/par.sh"

script() { # CMD...: the script's output, then its verdict from its exit status
    "$@"
    local rc=$?
    if [ "$rc" -eq 0 ]; then echo "ok $*"; else echo "FAIL $* (exit status $rc)"; fi
}

# the longest first, so that the last to start are short
par script ${PYTHON:-python3} tests/reduce_order/random_sums.py bin/tylesc
par script bash tests/dist/run.sh "$ROOT"
par script bash tests/dist/gather_in_loop.sh "$ROOT"
par script bash tests/dist/timetile_sync.sh "$ROOT"
par script bash tests/dist/timetile_msgs.sh "$ROOT"
par script bash tests/dist/edge_strips.sh "$ROOT"
par script bash tests/dist/own_block_reads.sh "$ROOT"
par script bash tests/dist/ghost_periodic.sh "$ROOT"
PASS=0 FAIL=0
par_wait
echo "distributed execution: $FAIL failure(s)"
[ "$FAIL" -eq 0 ]

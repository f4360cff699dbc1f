#!/bin/bash
# The ways threads share a time-tiled group (tyl_timetile.c): slabs of rows (the 2-D default),
# bands of tile columns each waiting for its left neighbour (the 3-D default) and wavefronts of
# tiles with a barrier each. The defaults run at 1-4 ranks in check-programs; here the other
# two are forced in turn (TYLES_TT_SYNC: pipelines on 2-D grids too) on the time-tiled
# programs, which the runner gives 2 OpenMP threads, and compared with NumPy at 1 rank.
# Usage: tests/dist/timetile_sync.sh REPO_ROOT
set -u
cd "${1:-.}" || exit 2
fail=0
for sync in pipeline wavefront; do
    out=$(TYLES_TT_SYNC=$sync ${PYTHON:-python3} tests/run_tests.py --tylesc bin/tylesc --np 1 -j "${JOBS:-2}" -k timetile_ 2>&1)
    echo "TYLES_TT_SYNC=$sync: $(printf '%s\n' "$out" | tail -1)"
    printf '%s\n' "$out" | grep '^FAIL' && fail=1
done
exit $fail

#!/bin/bash
# The ways threads share a time-tiled group (tyl_timetile.c): slabs of rows (the 2-D default),
# bands of tile columns each waiting for its left neighbour (the 3-D default) and wavefronts of
# tiles with a barrier each. The defaults run at 1-4 ranks in check-programs, and so do the
# other two, forced in turn (TYLES_TT_SYNC: pipelines on 2-D grids too) on the time-tiled
# programs, which the runner gives 2 OpenMP threads, and compared with NumPy at 1 rank: the
# Makefile's TT_VARIANTS (run_tests.py --variant 'np=1 k=timetile_ ...', on the build and
# NumPy reference of the programs' plain runs; this script compiled and ran them again until
# 2026-12-07).
# Those runs force the groups of 2K steps that tyl_tt_go records on one rank: with the
# pipelines each takes its tiles (TYLES_TT_DOUBLE=1, 2-D groups and forced K too), with the
# wavefronts each runs as two groups of K (=split). And the automatic choice, here: Jacobi 3-D
# with K = 2 (timetile_jacobi3d_threads) runs its groups of 4 steps in tiles of 4.
# TYLES_TT_COLS=8 TYLES_TT_DOUBLE=1 takes tiles 8 columns wide where the tests' grids are too
# narrow for a tile of an L1's width (tyl_tt_plan_cols_): 2-D groups of light stencils in tiles
# of rows and columns, on one thread or in each thread's slab (run_slabs), groups of 2K steps.
# Usage: tests/dist/timetile_sync.sh REPO_ROOT
set -u
cd "${1:-.}" || exit 2
fail=0
tmp=$(mktemp -d)
if bin/tylesc tests/programs/timetile_jacobi3d_threads.tyl -o "$tmp/j3" >"$tmp/log" 2>&1 &&
    (cd "$tmp" && OMP_NUM_THREADS=2 TYLES_TT_VERBOSE=1 ./j3 2>&1 >/dev/null) >"$tmp/v"; then
    if [ "$(grep -c '^tyles: 4 steps in tiles' "$tmp/v")" = 2 ]; then
        echo "PASS doubled groups: $(sort -u "$tmp/v" | tr '\n' ' ')"
    else
        echo "FAIL doubled groups: expected 2 groups of 4 steps in tiles, got: $(sort -u "$tmp/v" | tr '\n' ' ')"
        fail=1
    fi
else
    echo "FAIL doubled groups: $(cat "$tmp/log" "$tmp/v" 2>/dev/null | head -5)"
    fail=1
fi
# A 2-D group of a light stencil on one rank with K not forced records 4K steps (tyl_tt_go) and
# runs them together in tiles of rows and columns (run_quad): tests/dist/timetile_auto.tyl at
# N = 768 (past the cache budgets: tiled), 40 steps = 32 + 8, tiles 64 columns wide
# (TYLES_TT_COLS; an L1's width is more than half the grid), on 1 thread and in 2 slabs, byte
# for byte the result of step-by-step order.
if bin/tylesc tests/dist/timetile_auto.tyl -o "$tmp/auto" >"$tmp/log" 2>&1; then
    (cd "$tmp" && mkdir off && cd off && TYLES_TIME_TILE=off OMP_NUM_THREADS=1 ../auto --N=768 >/dev/null 2>&1)
    for t in 1 2; do
        (cd "$tmp" && mkdir -p q$t && cd q$t && TYLES_TT_COLS=64 TYLES_TT_VERBOSE=1 OMP_NUM_THREADS=$t ../auto --N=768 2>v >/dev/null)
        got="$(grep -o '^tyles: 32 steps in tiles of [0-9]* rows x 64 columns' "$tmp/q$t/v" | grep -c .), $(cmp -s "$tmp/off/u.npy" "$tmp/q$t/u.npy" && echo equal || echo different)"
        if [ "$got" = "1, equal" ]; then
            echo "PASS groups of 4K steps, $t thread(s): $(sort -u "$tmp/q$t/v" | tr '\n' ' ')"
        else
            echo "FAIL groups of 4K steps, $t thread(s): expected 1 group of 32 steps in tiles 64 columns wide, equal; got $got: $(sort -u "$tmp/q$t/v" | tr '\n' ' ')"
            fail=1
        fi
    done
else
    echo "FAIL groups of 4K steps: $(head -5 "$tmp/log")"
    fail=1
fi
rm -rf "$tmp"
exit $fail

#!/bin/bash
# Exact sums whose pairwise leaves straddle the ranks' blocks (tyl_reduce.c share_leaves,
# tyl_reduce_share.c): tests/programs/sum_shared_leaves{1d,2d,3d}.tyl on grids that split the
# last axis (1-D on 2-4 ranks; 2-D 1x2, 1x3, 1x4, 2x2; 3-D 1x1x4, 1x2x2, 2x1x2) and on some that
# do not (4x1, 2x2x1: a leaf straddles only where one block row ends and the next begins), and
# tests/programs/row_sums_long_rows.tyl on 2 and 4 ranks (rows of 3000 points split over the
# ranks, summed along the last axis: every row's shared leaves in one exchange at
# tyl_rows_end). Each run's stdout and .npy files must be NumPy's byte for byte (sums, means,
# std and var of views, expressions and selections, float64 and float32), and --stats must report the shared leaves summed by their
# owners ("shared leaves N ... M points sent", N > 0 and M > 0): the leaves' points travel point
# to point to one rank each, not to every rank. Before that path existed every run matched too
# (every rank gathered the points) but no run printed the line. The 2-D program's larger sums on
# 1x4 and 2x2 have more than 64 KiB of partial sums, which go to rank 0 alone, whose value it
# broadcasts ("sums on 0 N", N > 0: tyl_ranks.c tyl_reduce_gather_some_); its smaller ones, and
# every sum of the others, are gathered on every rank.
# Usage: tests/dist/shared_leaves.sh [REPO_ROOT]   (needs bin/tylesc, lib/libtyles.a, mpirun, NumPy 2)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
PY=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-share-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS dist/shared_leaves/$1"; }
bad() { fail=$((fail + 1)); echo "FAIL dist/shared_leaves/$1: $2"; [ -z "${3:-}" ] || sed -n '1,20s/^/    /p' "$3"; }
cd "$T" || exit 2
prog() { case $1 in rows) echo "$ROOT/tests/programs/row_sums_long_rows.tyl";; *) echo "$ROOT/tests/programs/sum_shared_leaves$1.tyl";; esac; }
for k in 1d 2d 3d rows; do
    tyl=$(prog "$k")
    if ! "$ROOT/bin/tylesc" "$tyl" -o "ssl$k" >"build$k.log" 2>&1; then bad "$k" "tylesc failed" "build$k.log"; continue; fi
    mkdir "ref$k"
    if ! (cd "ref$k" && $PY "$tyl" >stdout 2>stderr); then bad "$k" "python3 failed" "ref$k/stderr"; continue; fi
done
# k np grid [root]: stdout NumPy's, and the shared leaves on --stats (root: some sums on rank 0)
for run in 1d:1:1 1d:2:2 1d:3:3 1d:4:4 2d:2:1x2 2d:3:1x3 2d:4:1x4:root 2d:4:2x2:root 2d:4:4x1 \
           3d:4:1x1x4 3d:4:1x2x2 3d:4:2x1x2 3d:4:2x2x1 rows:2:2 rows:4:4; do
    IFS=: read -r k np grid root <<<"$run"
    [ -x "ssl$k" ] && [ -s "ref$k/stdout" ] || continue
    name=$k/$grid
    rm -rf run && mkdir run
    (cd run && timeout 120 $MPIRUN -np "$np" "../ssl$k" --procs="$grid" --stats >stdout 2>stderr </dev/null)
    rc=$?
    if [ "$rc" -ne 0 ]; then bad "$name" "exit status $rc" run/stderr; continue; fi
    if ! cmp -s "ref$k/stdout" run/stdout; then diff "ref$k/stdout" run/stdout >diff.txt; bad "$name" "stdout differs from NumPy's" diff.txt; continue; fi
    same=1
    for f in "ref$k"/*.npy; do
        [ -e "$f" ] || continue
        if ! cmp -s "$f" "run/${f##*/}"; then bad "$name" "${f##*/} differs from NumPy's"; same=0; fi
    done
    [ "$same" = 1 ] || continue
    cp run/stderr err.txt
    line=$(grep -o 'shared leaves [0-9]* .* [0-9]* points sent' err.txt)
    leaves=$(echo "$line" | awk 'NF {print $3}') points=$(echo "$line" | awk 'NF {print $(NF-2)}')
    if [ "$np" = 1 ]; then
        if [ -n "$line" ]; then bad "$name" "one rank reported shared leaves" err.txt; continue; fi
    elif [ -z "$line" ] || [ "${leaves:-0}" -le 0 ] || [ "${points:-0}" -le 0 ]; then
        bad "$name" "--stats reports no shared leaf summed by its owner" err.txt; continue
    fi
    on0=$(sed -n 's/^  sums on 0 *\([0-9]*\) .*/\1/p' err.txt)
    if [ -n "$root" ] && [ "${on0:-0}" -le 0 ]; then bad "$name" "--stats reports no sum gathered on rank 0 alone" err.txt; continue; fi
    ok "$name${line:+ (${leaves} leaves, ${points} points sent${on0:+, $on0 sums on rank 0})}"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

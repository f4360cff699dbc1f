#!/bin/bash
# Exchanges left out when no rank's part of a sweep reads outside its own block (tyl_sweep.c,
# reads_own_blocks): wall conditions such as p[0, :] = p[1, :] after the stencil that made p's
# halo stale. Every rank decides from the block formula, without messages, so the counts are
# exact and the same on every run:
#   cavity_flow (CFD Python step 11: 20 steps of 50 Poisson iterations, 3 wall copies each) at 2
#   ranks (2x1) and 4 (2x2): 1039 exchanges where every wall copy exchanging gave 2039 and 4039;
#   neumann_walls_thin_blocks (6 x 7 points, 40 steps) at 4 ranks: on --procs=4x1 the first
#   rank owns one row, so T[0, :] = T[1, :] and the sum of T[1, 1:-1] - T[0, 1:-1] (anchored on
#   row 1, owned by the second rank) need a neighbour's row, and the last rank's two rows are
#   not enough for the extrapolation from T[-3, :]: 4 exchanges a step; on 1x4 the first rank
#   owns one column (T[:, 0] = T[:, 1]): 2 a step; on 2x2 only the stencil's: 1 a step.
# Each run's stdout and .npy files are byte for byte those of one rank (a wrong skip changes
# them: tests/programs/neumann_walls_thin_blocks fails at 3 ranks if the owner's check is
# dropped).
# Usage: tests/dist/own_block_reads.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-own-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/own_block_$1"; else fail=$((fail + 1)); echo "FAIL dist/own_block_$1: expected '$2', got '$3'"; fi; }
counts() { echo "$(grep -o 'exchanges *[0-9]*' "$1" | tr -s ' '), $(grep -o 'own blocks *[0-9]*' "$1" | tr -s ' ')"; }
same() { # dir1 dir2 files...: equal or the first that differs
    local a=$1 b=$2; shift 2
    for f in "$@"; do cmp -s "$a/$f" "$b/$f" || { echo "$f differs"; return; }; done
    echo equal
}
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/programs/cavity_flow.tyl" -o cav || { echo "FAIL dist/own_block_compile"; exit 1; }
"$ROOT/bin/tylesc" "$ROOT/tests/programs/neumann_walls_thin_blocks.tyl" -o walls || { echo "FAIL dist/own_block_compile"; exit 1; }
mkdir cav1 walls1
(cd cav1 && timeout 60 ../cav >out.txt)
(cd walls1 && timeout 60 ../walls >out.txt)
for np in 2 4; do
    mkdir cav$np
    (cd cav$np && timeout 60 $MPIRUN -np $np ../cav --stats >out.txt 2>err.txt)
    check "cavity_np${np}" "exchanges 1039, own blocks 3000" "$(counts cav$np/err.txt)"
    check "cavity_np${np}_equal" equal "$(same cav1 cav$np out.txt u.npy v.npy p.npy)"
done
for g in 4x1:160:80 1x4:80:160 2x2:40:200; do
    procs=${g%%:*} rest=${g#*:}
    mkdir walls$procs
    (cd walls$procs && timeout 60 $MPIRUN -np 4 ../walls --procs=$procs --stats >out.txt 2>err.txt)
    check "walls_$procs" "exchanges ${rest%%:*}, own blocks ${rest#*:}" "$(counts walls$procs/err.txt)"
    check "walls_${procs}_equal" equal "$(same walls1 walls$procs out.txt T.npy)"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

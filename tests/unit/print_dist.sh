#!/usr/bin/env bash
# print(u) / print(repr(u)) of distributed arrays at 1 to 3 ranks on 1-3-D process grids: the
# output must be NumPy's (print_dist.py) byte for byte, printed once (rank 0).
# usage: tests/unit/print_dist.sh [LIB [INCLUDE_DIR]]   (defaults lib/libtyles.a src/runtime_mpi)
# Prints "ok NAME" / "FAIL NAME" lines, then "N passed, N failed"; exit status 1 on any failure.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
LIB=$(realpath "${1:-lib/libtyles.a}")
INC=$(realpath "${2:-src/runtime_mpi}")
UNIT=$ROOT/tests/unit
CC=${MPICC:-mpicc}
MPIRUN=(timeout 60 mpirun --allow-run-as-root --oversubscribe -q)
export OMP_NUM_THREADS=1
tmp=$(mktemp -d /tmp/tyl-print-dist-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }

if ! $CC -std=c11 -Wall -Wextra -Werror -O1 -g -fopenmp -I"$INC" "$UNIT/print_dist.c" "$LIB" -lm \
    -o "$tmp/print_dist"; then
    fail "build print_dist"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
for G in 1 2 3; do
    python3 "$UNIT/print_dist.py" "$G" >"$tmp/want$G" || fail "print_dist.py $G"
    for np in 1 2 3; do
        "${MPIRUN[@]}" -np "$np" "$tmp/print_dist" "$G" >"$tmp/got" 2>"$tmp/err"
        rc=$?
        if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/got" "$tmp/want$G"; then
            pass "print_dist_G$G@np$np"
        else
            fail "print_dist_G$G@np$np: exit $rc"
            diff "$tmp/got" "$tmp/want$G" | head -20
            head -5 "$tmp/err"
        fi
    done
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

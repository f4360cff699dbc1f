#!/usr/bin/env bash
# Library mode (tyles_lib.h): tests/unit/lib_ctx.c, an application with its own MPI_Init, at 1
# to 4 ranks (tests/unit/run.sh runs it under the sanitizers too); and a check that such an application does not link
# the program-mode object (argv, signals, exit).
# usage: tests/unit/lib_ctx.sh [LIB [INCLUDE_DIR]]   (defaults lib/libtyles.a src/runtime_mpi)
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
LIB=$(realpath "${1:-lib/libtyles.a}")
INC=$(realpath "${2:-src/runtime_mpi}")
CC=${MPICC:-mpicc}
MPIRUN=(timeout 60 mpirun --allow-run-as-root --oversubscribe -q)
export OMP_NUM_THREADS=1
tmp=$(mktemp -d /tmp/tyl-lib-ctx-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }

build() { # OUT EXTRA_FLAGS...
    local out=$1
    shift
    $CC -std=c11 -Wall -Wextra -Werror -O1 -g -fopenmp "$@" -I"$INC" tests/unit/lib_ctx.c "$LIB" -lm \
        -o "$out" -Wl,-Map="$out.map"
}
if build "$tmp/app"; then
    pass "build lib_ctx"
    if grep -q "tyl_prog\.o" "$tmp/app.map" || nm "$tmp/app" | grep -q " tyl_rt_init$"; then
        fail "an application of tyles_lib.h links tyl_prog.o (program mode)"
    else
        pass "an application of tyles_lib.h does not link tyl_prog.o"
    fi
    for np in 1 2 3 4; do
        if "${MPIRUN[@]}" -np "$np" "$tmp/app" >"$tmp/out" 2>"$tmp/err"; then
            pass "lib_ctx@np$np ($(grep -c '^ok' "$tmp/out") checks)"
        else
            fail "lib_ctx@np$np"
            grep -v '^ok' "$tmp/out" | head -10
            head -5 "$tmp/err"
        fi
    done
else
    fail "build lib_ctx"
fi
# the Fortran module (tyles_lib.f90) and a Fortran application of it, at 1 and 3 ranks
FC=${MPIFC:-mpif90}
if ! command -v "$FC" >/dev/null 2>&1; then
    echo "skip Fortran: $FC not found (apt-get install gfortran libopenmpi-dev)"
elif (cd "$tmp" && $FC -std=f2008 -Wall -Wextra -Werror -fopenmp -c "$INC/tyles_lib.f90" &&
      $FC -Wall -Wextra -Werror -Wno-compare-reals -fopenmp -I. "$ROOT/tests/unit/lib_ctx_f.f90" \
          tyles_lib.o "$LIB" -lm -o app_f); then
    pass "build lib_ctx_f (Fortran)"
    for np in 1 3; do
        if "${MPIRUN[@]}" -np "$np" "$tmp/app_f" >"$tmp/out" 2>"$tmp/err"; then
            pass "lib_ctx_f@np$np ($(grep -c '^ok' "$tmp/out") checks)"
        else
            fail "lib_ctx_f@np$np"
            grep -v '^ok' "$tmp/out" | head -10
            head -5 "$tmp/err"
        fi
    done
else
    fail "build lib_ctx_f (Fortran)"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

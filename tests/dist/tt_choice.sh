#!/bin/bash
# Tiles or plain sweeps, timed by the run (src/runtime_mpi/tyl_ttchoice.c): tests/dist/
# tt_choice.tyl relaxes a float32 and a float64 3-D grid, each in a time loop the compiler tiles
# in time. With the caches made small (TYLES_L3=2M, TYLES_TT_CACHE=512K) the model answers plain
# sweeps for float32 at any rank count and for float64 on one core alone, so those loops time
# one group each way and decide once (rank 0 prints the decision under TYLES_TT_VERBOSE=1;
# --stats counts the kinds of group timed). Every run is compared with NumPy bit for bit,
# whichever way each group ran; at 2 and 3 ranks every rank must decide alike (the times are
# combined over them), or the collectives of the trials would not match and the run would hang
# (the timeout). TYLES_TT_CHOICE=model and TYLES_TIME_TILE=on time nothing.
# Usage: tests/dist/tt_choice.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ttchoice-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export TYLES_L3=2M TYLES_TT_CACHE=512K TYLES_TT_VERBOSE=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe -x TYLES_L3 -x TYLES_TT_CACHE -x TYLES_TT_VERBOSE -x TYLES_TT_CHOICE -x TYLES_TIME_TILE"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/tt_choice_$1"; else fail=$((fail + 1)); echo "FAIL dist/tt_choice_$1: expected $2, got $3"; fi; }
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/dist/tt_choice.tyl" -o prog || { echo "FAIL dist/tt_choice_compile"; exit 1; }
mkdir ref && (cd ref && ${PYTHON:-python3} "$ROOT/tests/dist/tt_choice.tyl") || { echo "FAIL dist/tt_choice_numpy"; exit 1; }
# name, ranks, threads, environment, decisions expected
run() {
    local name=$1 np=$2 nt=$3 envs=$4 want=$5
    mkdir "$name"
    if [ "$np" = 1 ]; then
        (cd "$name" && env $envs OMP_NUM_THREADS=$nt timeout 120 ../prog --stats >out.txt 2>err.txt)
    else
        (cd "$name" && env $envs OMP_NUM_THREADS=$nt timeout 120 $MPIRUN -x OMP_NUM_THREADS -np "$np" ../prog --stats >out.txt 2>err.txt)
    fi
    check "${name}_exit" 0 $?
    check "${name}_decisions" "$want" "$(grep -c '^tyles: groups of 1 stages a step: ' "$name/err.txt")"
    local timed=$(grep -o 'time tiles *[0-9]* kinds of group timed both ways' "$name/err.txt" | grep -o '[0-9][0-9]*')
    check "${name}_stats" "$want" "${timed:-0}"
    check "${name}_bitwise" "equal" "$(cmp -s ref/a.npy "$name/a.npy" && cmp -s ref/u.npy "$name/u.npy" && echo equal || echo different)"
}
run np1 1 1 "X=1" 2
run np1_threads 1 2 "X=1" 1
run np2 2 1 "X=1" 1
run np3 3 1 "X=1" 1
run model 1 1 "TYLES_TT_CHOICE=model" 0
run tiles 2 1 "TYLES_TIME_TILE=on" 0
# An in-process rescale from 2 to 3 ranks at step 100 of loop 0 (TYLES_FAULT_RESCALE, as
# tests/elastic/restart_lib.sh grows a run), after both ranks decided: the process that joins has
# timed nothing, so every process forgets its decisions and the kinds are timed again over the 3
# ranks (tyl_rt_set_size_); without that the joined rank ran the trial's collectives alone and
# the run hung. It ends equal to one rank's.
mkdir big1 rescale
(cd big1 && OMP_NUM_THREADS=1 timeout 120 ../prog --steps=300 >out.txt 2>err.txt)
(cd rescale && OMP_NUM_THREADS=1 TYLES_EVENT_LOG="$T/rescale/ev" TYLES_FAULT_RESCALE=100:3 timeout -k 5 120 \
    $MPIRUN -x OMP_NUM_THREADS --mca mpi_yield_when_idle 1 -np 2 ../prog --steps=300 >out.txt 2>err.txt </dev/null)
check rescale_exit 0 $?
cd rescale
check rescale_2to3 "rescaled, equal" "$(grep -q ' rescale from=2 to=3' ev && echo rescaled || echo 'not rescaled'), $(cmp -s ../big1/a.npy a.npy && cmp -s ../big1/u.npy u.npy && echo equal || echo different)"
check rescale_decisions "2 or more" "$([ "$(grep -c '^tyles: groups of 1 stages a step: ' err.txt)" -ge 2 ] && echo '2 or more' || grep -c '^tyles: groups of 1 stages a step: ' err.txt)"
cd "$T"
echo "dist/tt_choice: $pass passed, $fail failed"
[ "$fail" = 0 ]

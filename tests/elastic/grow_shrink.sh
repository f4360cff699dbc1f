#!/bin/bash
# In-process grow then shrink, at fixed steps (TYLES_FAULT_RESCALE=K:M,...: rank 0 takes step K
# as a request for M ranks, so no case depends on when a RESCALE file is seen). Issue 15: after
# a grow, the ranks leaving in the next shrink kept communicators the survivors had freed, and
# their MPI_Finalize sent on those context ids, which the survivors had given to new, smaller
# communicators: the survivors died of SIGSEGV (every run of the first two cases did).
#   heat3d_two_loops  2 -> 4 -> 2   3-D, grow in the first time loop, shrink in the second
#   staggered_while   2 -> 3 -> 2   a while loop, both in the same loop
#   heat3d_two_loops  2 -> 3 -> 4 -> 2   two grows (the first one's ranks take part in the
#                                        second spawn), then the ranks of both leave
#   staggered_while   2 -> 4 -> 3   one spawned rank leaves, its sibling stays
#   staggered_while   3 -> 1 -> 4   shrink then grow
# Each run: exit 0, the rescale events in order, `done` on the last rank count, and stdout and
# every .npy byte for byte equal to NumPy's (python3 running the .tyl file).
#   stencil2d_odd     3 -> 1, then 12 s more   the ranks that left wait in MPI_Finalize for the
#                     rest of the job: SIGUSR2 to mpirun then stops it with exit 75 after a
#                     checkpoint (a 10 s limit on that wait made mpirun kill the job, status 1)
# Usage: [TYLESC_FLAGS=...] tests/elastic/grow_shrink.sh [REPO_ROOT]; KEEP=1 keeps the scratch folder.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/lib.sh" grow-shrink 'grow-shrink/'
TYLESC_FLAGS=${TYLESC_FLAGS:-}
PY=${PYTHON:-python3}

# build P: the program and NumPy's results in $T/P/numpy
build() {
    mkdir -p "$T/$1/numpy"
    if ! "$TYLESC" $TYLESC_FLAGS "$ROOT/tests/elastic/$1.tyl" -o "$T/$1/$1" >"$T/$1/build.log" 2>&1; then
        bad "$1" "tylesc failed" "$T/$1/build.log"; return 1
    fi
    (cd "$T/$1/numpy" && $PY "$ROOT/tests/elastic/$1.tyl" >out 2>err) || { bad "$1" "python3 failed" "$T/$1/numpy/err"; return 1; }
}

# case P NP SPEC COUNTS: run P on NP ranks with TYLES_FAULT_RESCALE=SPEC; COUNTS: the rank
# counts it must go through after NP
case_() {
    local p=$1 np=$2 spec=$3 counts=$4 c d from=$2 m f why=
    c="$p/$np-$(echo "$counts" | tr ' ' '-')" d=$T/$p/run-$np-$(echo "$counts" | tr ' ' '-')
    mkdir -p "$d"
    (cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" TYLES_FAULT_RESCALE="$spec" timeout -k 5 "$LIMIT" \
        $MPIRUN --mca mpi_yield_when_idle 1 -np "$np" "$T/$p/$p") >"$d/out" 2>"$d/err" </dev/null
    local rc=$?
    if [ $rc -ne 0 ]; then bad "$c" "exit status $rc" "$d/err" "$d/ev"; return; fi
    # the rescales, in this order
    grep -o ' rescale from=[0-9]* to=[0-9]*' "$d/ev" >"$d/got"
    : >"$d/want"
    for m in $counts; do echo " rescale from=$from to=$m" >>"$d/want"; from=$m; done
    cmp -s "$d/want" "$d/got" || { bad "$c" "rescale events differ from the ones asked" "$d/want" "$d/got" "$d/ev"; return; }
    grep -q " done ranks=$from\$" "$d/ev" || { bad "$c" "no 'done ranks=$from' event" "$d/ev"; return; }
    cmp -s "$T/$p/numpy/out" "$d/out" || why+="stdout differs from NumPy's"$'\n'
    for f in "$T/$p/numpy"/*.npy; do
        cmp -s "$f" "$d/$(basename "$f")" || why+="$(basename "$f") differs from NumPy's or is missing"$'\n'
    done
    [ -z "$why" ] || { bad "$c" "$why" "$d/err"; return; }
    ok "$c (ranks $np -> $(echo "$counts" | sed "s/ / -> /g") in process; identical to NumPy)"
}

if build heat3d_two_loops; then
    case_ heat3d_two_loops 2 5:4,20:2 "4 2"
    case_ heat3d_two_loops 2 3:3,7:4,20:2 "3 4 2"
fi
if build staggered_while; then
    case_ staggered_while 2 10:3,20:2 "3 2"
    case_ staggered_while 2 10:4,20:3 "4 3"
    case_ staggered_while 3 10:1,20:4 "1 4"
fi
# A shrink, then a run going on for longer than a leaving rank used to be given to finish MPI.
S=stencil2d_odd
if build $S; then
    c=$S/3-1-long d=$T/$S/long
    mkdir -p "$d"
    (cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" TYLES_FAULT_RESCALE=5:1 timeout -k 5 "$LIMIT" \
        $MPIRUN --mca mpi_yield_when_idle 1 -np 3 "$T/$S/$S" --NX=401 --NY=301 --steps=100000000 \
        --checkpoint-dir=ck) >"$d/out" 2>"$d/err" </dev/null &
    tpid=$!
    for ((i = 0; i < LIMIT * 10; i++)); do
        grep -q ' first-step step=[0-9]* ranks=1$' "$d/ev" 2>/dev/null && break
        kill -0 $tpid 2>/dev/null || break
        sleep 0.1
    done
    sleep 12
    mpid=$(ps -o pid= --ppid $tpid | tr -d ' ' | head -n 1)
    if ! grep -q ' rescale from=3 to=1' "$d/ev" 2>/dev/null || [ -z "$mpid" ]; then
        kill $tpid 2>/dev/null; wait $tpid; bad "$c" "no shrink to 1 rank, or the job ended (status $?)" "$d/ev" "$d/err"
    else
        kill -USR2 "$mpid"; wait $tpid; rc=$?
        if [ $rc -ne 75 ] || ! grep -q ' stop step=[0-9]* status=75$' "$d/ev"; then
            bad "$c" "exit status $rc, expected 75 and a stop event" "$d/ev" "$d/err"
        else ok "$c (the job went on $(awk '/ left /{l=$1} / stop /{printf "%.0f", $1 - l}' "$d/ev") s after the shrink, then stopped with 75)"
        fi
    fi
fi
echo "grow-shrink: $pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/bash
# Checkpoints of a time-tiled loop (tests/programs/timetile_jacobi2d.tyl, --time-tile=4, 23
# steps, one rank): a group of 4 steps never straddles a --checkpoint-every step, so with
# --checkpoint-every=6 the checkpoints fall on steps 6, 12, 18 (not multiples of 4), and a
# --restart from step 18 (a group of 4 and one single step left) ends bitwise equal to the
# uninterrupted run; a run killed at step 10 (TYLES_FAULT_KILL_STEP: fault options step one
# step at a time) restarts from step 6 and ends equal too.
# Usage: tests/elastic/timetile_ckpt.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ttck-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS elastic/timetile_$1"; else fail=$((fail + 1)); echo "FAIL elastic/timetile_$1: expected $2, got $3"; fi; }
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/programs/timetile_jacobi2d.tyl" --time-tile=4 -o prog || { echo "FAIL elastic/timetile_compile"; exit 1; }
mkdir full && (cd full && timeout 60 ../prog >out.txt)
mkdir ck && cd ck
timeout 60 ../prog --checkpoint-every=6 >out.txt
check ckpt_steps "ckpt-000-000000000012 ckpt-000-000000000018" "$(ls prog.ckpt | grep ckpt- | tr '\n' ' ' | sed 's/ $//')"
rm -f u.npy un.npy
timeout 60 ../prog --restart >rs.txt 2>rs.err
check restart "equal" "$(cmp -s ../full/u.npy u.npy && cmp -s ../full/un.npy un.npy && cmp -s ../full/out.txt rs.txt && echo equal || echo different)"
cd .. && mkdir kill && cd kill
(TYLES_FAULT_KILL_RANK=0 TYLES_FAULT_KILL_STEP=10 timeout 60 ../prog --checkpoint-every=6 >out.txt 2>err.txt; true) 2>/dev/null
check killed "no u.npy, a checkpoint of step 6" "$([ -e u.npy ] && echo 'u.npy written' || echo 'no u.npy'), $(ls prog.ckpt | grep -q 'ckpt-000-000000000006' && echo 'a checkpoint of step 6' || echo 'no checkpoint of step 6')"
timeout 60 ../prog --restart >rs.txt 2>rs.err
check kill_restart "equal" "$(cmp -s ../full/u.npy u.npy && cmp -s ../full/out.txt rs.txt && echo equal || echo different)"
# Several ranks (deep halos: the group runs on halos K steps deep, exchanged once): 2 ranks
# report their groups and end equal to one rank; checkpoints of 2 ranks restart on 3; an
# in-process rescale from 2 to 3 ranks mid-run (RESCALE + SIGUSR1, after the first of 3
# checkpoints: one every 100 steps took 6-9 s each under load 15-20 and timed out) ends equal too.
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
cd "$T" && mkdir np2 && cd np2
timeout 60 $MPIRUN -np 2 ../prog --stats >out.txt 2>err.txt
check np2_deep "5 groups, equal" "$(grep -o '[0-9]* groups' err.txt | head -n 1), $(cmp -s ../full/u.npy u.npy && cmp -s ../full/un.npy un.npy && cmp -s ../full/out.txt out.txt && echo equal || echo different)"
cd "$T" && mkdir ck2 && cd ck2
timeout 60 $MPIRUN -np 2 ../prog --checkpoint-every=6 >out.txt 2>err.txt
rm -f u.npy un.npy
timeout 60 $MPIRUN -np 3 ../prog --restart >rs.txt 2>rs.err
check restart_2to3 "equal" "$(cmp -s ../full/u.npy u.npy && cmp -s ../full/un.npy un.npy && cmp -s ../full/out.txt rs.txt && echo equal || echo different)"
cd "$T" && mkdir big1 && cd big1
BIG="--N=801 --M=601 --nt=1500"
timeout 120 ../prog $BIG >out.txt 2>err.txt
cd "$T" && mkdir rescale && cd rescale
(exec env TYLES_EVENT_LOG="$T/rescale/ev" timeout -k 5 120 $MPIRUN --mca mpi_yield_when_idle 1 -np 2 ../prog $BIG --checkpoint-every=500 --checkpoint-dir=ck) >out.txt 2>err.txt </dev/null &
tpid=$!
for i in $(seq 1 6000); do
    grep -q " ckpt-write " ev 2>/dev/null && break
    kill -0 "$tpid" 2>/dev/null || break
    sleep 0.01
done
mpid=$(ps -o pid= --ppid "$tpid" | tr -d ' ' | head -n 1)
if [ -n "$mpid" ] && grep -q " ckpt-write " ev 2>/dev/null; then
    echo 3 >ck/RESCALE
    kill -USR1 "$mpid"
fi
wait "$tpid"
check rescale_2to3 "rescaled, equal" "$(grep -q ' rescale from=2 to=3' ev && echo rescaled || echo 'not rescaled'), $(cmp -s ../big1/u.npy u.npy && cmp -s ../big1/un.npy un.npy && cmp -s ../big1/out.txt out.txt && echo equal || echo different)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

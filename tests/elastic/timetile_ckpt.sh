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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# Software prefetch or none, timed by the run for each plain sweep (src/runtime_mpi/
# tyl_pfchoice.c): tests/dist/pf_choice.tyl sweeps two fields of rows of 640 float64 in a time
# loop (not tiled in time: TYLES_TIME_TILE=off). With the last-level cache made small (TYLES_L3=256K) both sweeps are past it, so each is
# timed with and without its prefetch and decided once; TYLES_PREFETCH_VERBOSE=1 prints each
# decision on every rank. Either way may win (the times are the machine's), but at 2-4 ranks
# every rank must print the same decision for a sweep (the times are combined over the ranks;
# a rank deciding alone would run different collectives and hang: the timeout), and --stats
# counts the sweeps timed. Every run equals NumPy bit for bit. TYLES_PREFETCH=0 and =1 force
# (nothing timed); on a 2x2 grid of ranks the rows are too short to prefetch; and at the machine's own cache (arrays of 1.3 MiB fit it) nothing prefetches,
# so nothing is decided.
# Usage: tests/dist/pf_choice.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-pfchoice-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export TYLES_PREFETCH_VERBOSE=1 TYLES_TIME_TILE=off # plain sweeps: a time-tiled group's kernels are not timed here
MPIRUN="mpirun --allow-run-as-root --oversubscribe -x TYLES_L3 -x TYLES_PREFETCH -x TYLES_PREFETCH_VERBOSE -x TYLES_TIME_TILE"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/pf_choice_$1"; else fail=$((fail + 1)); echo "FAIL dist/pf_choice_$1: expected $2, got $3"; fi; }
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/dist/pf_choice.tyl" -o prog || { echo "FAIL dist/pf_choice_compile"; exit 1; }
mkdir ref && (cd ref && ${PYTHON:-python3} "$ROOT/tests/dist/pf_choice.tyl") || { echo "FAIL dist/pf_choice_numpy"; exit 1; }
# name, ranks, threads, environment, sweeps decided[, program arguments]
run() {
    local name=$1 np=$2 nt=$3 envs=$4 want=$5 args=${6:-}
    mkdir "$name"
    if [ "$np" = 1 ]; then
        (cd "$name" && env $envs OMP_NUM_THREADS=$nt timeout 120 ../prog --stats $args >out.txt 2>err.txt)
    else
        (cd "$name" && env $envs OMP_NUM_THREADS=$nt timeout 120 $MPIRUN -x OMP_NUM_THREADS -np "$np" ../prog --stats $args >out.txt 2>err.txt)
    fi
    check "${name}_exit" 0 $?
    local lines=$(grep -c '^tyles: prefetch of .*pf_choice.tyl:[0-9]* on rank [0-9]*: o[nf]f* (' "$name/err.txt")
    check "${name}_decisions" $((want * np)) "$lines"
    # one decision a sweep, whichever rank printed it
    local ways=$(sed -n 's/^tyles: prefetch of \(.*\) on rank [0-9]*: \(o[nf]*\) (.*/\1 \2/p' "$name/err.txt" | sort -u | wc -l)
    check "${name}_same_on_every_rank" "$want" "$ways"
    local timed=$(grep -o 'prefetch *[0-9]* sweeps timed' "$name/err.txt" | grep -o '[0-9][0-9]*')
    check "${name}_stats" "$want" "${timed:-0}"
    check "${name}_bitwise" "equal" "$(cmp -s ref/T.npy "$name/T.npy" && cmp -s ref/c.npy "$name/c.npy" && echo equal || echo different)"
}
run np1 1 1 "TYLES_L3=256K" 2
run np1_threads 1 2 "TYLES_L3=256K" 2
run np2 2 1 "TYLES_L3=256K" 2
run np3 3 1 "TYLES_L3=256K" 2
run np4 4 1 "TYLES_L3=256K" 2 --procs=4x1
# On a 2x2 grid each rank's rows are 320 points (2.5 KiB): no kernel asks to prefetch (short rows
# of a 2-D box are not prefetched), so nothing is decided; the trials' collectives still match.
run np4_2x2 4 1 "TYLES_L3=256K" 0 --procs=2x2
run forced_off 2 1 "TYLES_L3=256K TYLES_PREFETCH=0" 0
run forced_on 2 1 "TYLES_L3=256K TYLES_PREFETCH=1" 0
run cache_fits 2 1 "X=1" 0
echo "dist/pf_choice: $pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/bash
# Run-time strings and restarts (called by tests/elastic/run.sh): string_restart.tyl sets a
# string at steps 3 and 8 of its time loop and reads one from its command line before the loop;
# after the loop every rank tests the first to choose what it stores into its rows of T.
#   restart   killed at step 10 with checkpoints every 8 steps on 2 ranks, its --restart on 3
#             ranks resumes at step 8, past the statements and the steps that set them: it must
#             print NumPy's output (the strings are in the checkpoint) and save NumPy's array
#   grow      2 ranks grown to 3 in process at step 9 (TYLES_FAULT_RESCALE): the new rank has
#             the strings only from rank 0's broadcast (without it, its rows of T differ)
# usage: tests/elastic/string_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-string-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
SRC="$ROOT/tests/elastic/string_restart.tyl"
"$ROOT/bin/tylesc" "$SRC" -o prog >build.log 2>&1 || { cat build.log; exit 1; }
mkdir numpy
(cd numpy && python3 "$SRC" "plate 7x9" >out) || exit 1
TYLES_FAULT_KILL_RANK=0 TYLES_FAULT_KILL_STEP=10 timeout -k 5 60 $MPIRUN -np 2 ./prog "plate 7x9" \
    --checkpoint-every=8 >killed.out 2>killed.err </dev/null
[ -d prog.ckpt ] || { echo "no checkpoint written"; cat killed.err; exit 1; }
timeout -k 5 60 $MPIRUN -np 3 ./prog "plate 7x9" --restart >restart.out 2>restart.err </dev/null ||
    { echo "restart failed:"; cat restart.err; exit 1; }
if ! cmp -s numpy/out restart.out || ! cmp -s numpy/T.npy T.npy; then
    echo "the restarted run differs from NumPy's:"
    diff numpy/out restart.out
    exit 1
fi
mkdir grow
(cd grow && TYLES_EVENT_LOG="$T/grow/ev" TYLES_FAULT_RESCALE=9:3 timeout -k 5 60 \
    $MPIRUN --mca mpi_yield_when_idle 1 -np 2 ../prog "plate 7x9" >out 2>err </dev/null) ||
    { echo "the run grown to 3 ranks failed:"; cat grow/err; exit 1; }
grep -q ' rescale from=2 to=3 ' grow/ev || { echo "no rescale from 2 to 3 ranks:"; cat grow/ev; exit 1; }
if ! cmp -s numpy/out grow/out || ! cmp -s numpy/T.npy grow/T.npy; then
    echo "the run grown to 3 ranks in process differs from NumPy's:"
    diff numpy/out grow/out
    exit 1
fi

#!/bin/bash
# Optional numbers (None or a number) and restarts (called by tests/elastic/run.sh):
# optional_restart.tyl sets t_warm at step 2 of its time loop and keeps a running peak that is
# None before it; after the loop every rank tests t_warm to choose what it stores into T.
#   restart   killed at step 10 with checkpoints every 8 steps on 2 ranks, its --restart on 3
#             ranks resumes at step 8, past the step that set t_warm: it must print NumPy's
#             output and save NumPy's array (the flags and numbers are in the checkpoint)
#   grow      2 ranks grown to 3 in process at step 9 (TYLES_FAULT_RESCALE)
# usage: tests/elastic/optional_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-optional-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
SRC="$ROOT/tests/elastic/optional_restart.tyl"
"$ROOT/bin/tylesc" "$SRC" -o prog >build.log 2>&1 || { cat build.log; exit 1; }
mkdir numpy
(cd numpy && python3 "$SRC" >out) || exit 1
TYLES_FAULT_KILL_RANK=0 TYLES_FAULT_KILL_STEP=10 timeout -k 5 60 $MPIRUN -np 2 ./prog \
    --checkpoint-every=8 >killed.out 2>killed.err </dev/null
[ -d prog.ckpt ] || { echo "no checkpoint written"; cat killed.err; exit 1; }
timeout -k 5 60 $MPIRUN -np 3 ./prog --restart >restart.out 2>restart.err </dev/null ||
    { echo "restart failed:"; cat restart.err; exit 1; }
if ! cmp -s numpy/out restart.out || ! cmp -s numpy/T.npy T.npy; then
    echo "the restarted run differs from NumPy's:"
    diff numpy/out restart.out
    exit 1
fi
mkdir grow
(cd grow && TYLES_EVENT_LOG="$T/grow/ev" TYLES_FAULT_RESCALE=9:3 timeout -k 5 60 \
    $MPIRUN --mca mpi_yield_when_idle 1 -np 2 ../prog >out 2>err </dev/null) ||
    { echo "the run grown to 3 ranks failed:"; cat grow/err; exit 1; }
grep -q ' rescale from=2 to=3 ' grow/ev || { echo "no rescale from 2 to 3 ranks:"; cat grow/ev; exit 1; }
if ! cmp -s numpy/out grow/out || ! cmp -s numpy/T.npy grow/T.npy; then
    echo "the run grown to 3 ranks in process differs from NumPy's:"
    diff numpy/out grow/out
    exit 1
fi

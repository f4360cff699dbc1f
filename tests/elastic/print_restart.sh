#!/bin/bash
# Prints of arrays and restarts (called by tests/elastic/run.sh): print_heat2d_field prints its
# distributed field every 4 steps of its time loop. Killed at step 9 with checkpoints every 6
# steps, its --restart on another rank count resumes at step 6: it must print, byte for byte,
# NumPy's output from the first print after step 6 on (a print is a side effect of the steps
# run; those before the checkpoint are not repeated), and the killed run a prefix of NumPy's.
# usage: tests/elastic/print_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-print-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
SRC="$ROOT/tests/programs/print_heat2d_field.tyl"
"$ROOT/bin/tylesc" "$SRC" -o prog >build.log 2>&1 || { cat build.log; exit 1; }
python3 "$SRC" >numpy.out || exit 1
TYLES_FAULT_KILL_RANK=0 TYLES_FAULT_KILL_STEP=9 timeout -k 5 60 $MPIRUN -np 2 ./prog --checkpoint-every=6 \
    >killed.out 2>killed.err </dev/null
[ -d prog.ckpt ] || { echo "no checkpoint written"; cat killed.err; exit 1; }
if [ ! -s killed.out ] || [ "$(head -c "$(wc -c <killed.out)" numpy.out)" != "$(cat killed.out)" ]; then
    echo "the killed run's output is not a prefix of NumPy's:"; cat killed.out; exit 1
fi
timeout -k 5 60 $MPIRUN -np 3 ./prog --restart >restart.out 2>restart.err </dev/null ||
    { echo "restart failed:"; cat restart.err; exit 1; }
sed -n '/^step 8$/,$p' numpy.out >want.out
if [ ! -s want.out ] || ! cmp -s want.out restart.out; then
    echo "the restarted run's output differs from NumPy's after step 6:"
    diff want.out restart.out | head -20
    exit 1
fi

#!/bin/bash
# Random streams and restarts (called by tests/elastic/run.sh): random_restart.tyl seeds
# np.random before its time loop and draws in it. Killed at step 25 with checkpoints every 10
# steps, its --restart (on another rank count) must exit 1 with one error naming the draw; a
# --restart that finds no checkpoint starts over and must equal NumPy's run.
# usage: tests/elastic/random_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-random-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/elastic/random_restart.tyl" -o prog >build.log 2>&1 || { cat build.log; exit 1; }
mkdir numpy fresh
(cd numpy && python3 "$ROOT/tests/elastic/random_restart.tyl" >out) || exit 1
TYLES_FAULT_KILL_RANK=0 TYLES_FAULT_KILL_STEP=25 timeout -k 5 60 $MPIRUN -np 2 ./prog --checkpoint-every=10 \
    >killed.out 2>killed.err </dev/null
[ -d prog.ckpt ] || { echo "no checkpoint written"; cat killed.err; exit 1; }
timeout -k 5 60 $MPIRUN -np 3 ./prog --restart >restart.out 2>restart.err </dev/null
rc=$?
want="^prog: .*random_restart\.tyl:12: error: cannot draw random numbers after a restart or a rescale: the state of the random stream is not in the checkpoint\$"
if [ "$rc" -ne 1 ] || [ "$(grep -c ': error:' restart.err)" -ne 1 ] || ! grep -qx "$want" restart.err; then
    echo "restart: exit status $rc (want 1), stderr:"; cat restart.err; exit 1
fi
(cd fresh && timeout -k 5 60 $MPIRUN -np 2 ../prog --restart >out 2>err </dev/null) || { cat fresh/err; exit 1; }
if ! cmp -s numpy/out fresh/out || ! cmp -s numpy/u.npy fresh/u.npy; then
    echo "a --restart without a checkpoint differs from NumPy's run"; exit 1
fi

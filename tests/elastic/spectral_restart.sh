#!/bin/bash
# A pseudo-spectral time loop restarted on another rank count (called by tests/elastic/run.sh):
# tests/programs/spectral_ns2d_vorticity.tyl (rfft2 / irfft2 on distributed fields, 30 RK2
# steps) killed at step 17 on 3 ranks with checkpoints every 5 steps, restarted on 2 ranks from
# the step-15 checkpoint, must end with the bytes of an uninterrupted 1-rank run (w.npy,
# wh_abs.npy): the spectral state (wh's parts) is checkpointed as global arrays and every
# transform is the same at any rank count.
# usage: tests/elastic/spectral_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-spectral-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/programs/spectral_ns2d_vorticity.tyl" -o prog >build.log 2>&1 || { cat build.log; exit 1; }
mkdir one run
(cd one && timeout -k 5 60 ../prog >out 2>err) || { cat one/err; exit 1; }
cd run || exit 2
TYLES_FAULT_KILL_RANK=1 TYLES_FAULT_KILL_STEP=17 timeout -k 5 60 $MPIRUN -np 3 ../prog --checkpoint-every=5 \
    >killed.out 2>killed.err </dev/null
[ -d prog.ckpt ] || { echo "no checkpoint written"; cat killed.err; exit 1; }
[ -f w.npy ] && { echo "the killed run finished"; exit 1; }
timeout -k 5 60 $MPIRUN -np 2 ../prog --restart >restart.out 2>restart.err </dev/null || {
    echo "restart failed:"; cat restart.err; exit 1; }
grep -q "step 20 enstrophy" restart.out || { echo "restart printed no step after 15:"; cat restart.out; exit 1; }
grep -q "step 10 enstrophy" restart.out && { echo "restart ran from the start:"; cat restart.out; exit 1; }
for f in w.npy wh_abs.npy; do
    cmp -s ../one/$f $f || { echo "$f after the restart on 2 ranks differs from the 1-rank run"; exit 1; }
done

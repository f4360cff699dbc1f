#!/bin/bash
# Random streams and restarts (called by tests/elastic/run.sh): random_restart.tyl seeds
# np.random before its time loop and draws in it. Killed at step 25 with checkpoints every 10
# steps, its --restart (on another rank count) must exit 1 with one error naming the draw; a
# --restart that finds no checkpoint starts over and must equal NumPy's run.
# usage: tests/elastic/random_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/restart_lib.sh" random
SRC="$ROOT/tests/elastic/random_restart.tyl"
rl_build "$SRC"
rl_numpy numpy "$SRC"
rl_kill 0 25 2 10
rl_restart 3
rc=$?
want="^prog: .*random_restart\.tyl:12: error: cannot draw random numbers after a restart or a rescale: the state of the random stream is not in the checkpoint\$"
if [ "$rc" -ne 1 ] || [ "$(grep -c ': error:' restart.err)" -ne 1 ] || ! grep -qx "$want" restart.err; then
    rl_fail "restart: exit status $rc (want 1), stderr:" restart.err
fi
mkdir fresh
(cd fresh && timeout -k 5 "$LIMIT" $MPIRUN -np 2 "$PROG" --restart >out 2>err </dev/null) ||
    rl_fail "a --restart without a checkpoint failed:" fresh/err
rl_same "a --restart without a checkpoint differs from NumPy's run" numpy/out fresh/out numpy/u.npy fresh/u.npy

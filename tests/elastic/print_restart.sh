#!/bin/bash
# Prints of arrays and restarts (called by tests/elastic/run.sh): print_heat2d_field prints its
# distributed field every 4 steps of its time loop. Killed at step 9 with checkpoints every 6
# steps, its --restart on another rank count resumes at step 6: it must print, byte for byte,
# NumPy's output from the first print after step 6 on (a print is a side effect of the steps
# run; those before the checkpoint are not repeated), and the killed run a prefix of NumPy's.
# usage: tests/elastic/print_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/restart_lib.sh" print
SRC="$ROOT/tests/programs/print_heat2d_field.tyl"
rl_build "$SRC"
rl_numpy numpy "$SRC"
rl_kill 0 9 2 6
if [ ! -s killed.out ] || [ "$(head -c "$(wc -c <killed.out)" numpy/out)" != "$(cat killed.out)" ]; then
    rl_fail "the killed run's output is not a prefix of NumPy's:" killed.out
fi
rl_restart 3 || rl_fail "restart failed:" restart.err
sed -n '/^step 8$/,$p' numpy/out >want.out
[ -s want.out ] || rl_fail "NumPy's output has no step 8:" numpy/out
rl_same "the restarted run's output differs from NumPy's after step 6:" want.out restart.out

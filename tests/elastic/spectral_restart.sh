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
. "$ROOT/tests/elastic/restart_lib.sh" spectral
rl_build "$ROOT/tests/programs/spectral_ns2d_vorticity.tyl"
mkdir one run
(cd one && timeout -k 5 "$LIMIT" "$PROG" >out 2>err) || rl_fail "the 1-rank run failed:" one/err
cd run || exit 2
rl_kill 1 17 3 5
[ -f w.npy ] && rl_fail "the killed run finished"
rl_restart 2 || rl_fail "restart failed:" restart.err
grep -q "step 20 enstrophy" restart.out || rl_fail "restart printed no step after 15:" restart.out
grep -q "step 10 enstrophy" restart.out && rl_fail "restart ran from the start:" restart.out
rl_same "w.npy after the restart on 2 ranks differs from the 1-rank run" ../one/w.npy w.npy
rl_same "wh_abs.npy after the restart on 2 ranks differs from the 1-rank run" ../one/wh_abs.npy wh_abs.npy

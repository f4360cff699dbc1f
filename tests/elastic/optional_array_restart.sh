#!/bin/bash
# Optional arrays (None or an array) and restarts (called by tests/elastic/run.sh):
# optional_array_restart.tyl keeps a snapshot set at step 2 of its time loop, the previous field
# (None before the first step) and a snapshot set at step 10; after the loop it tests them.
#   restart   killed at step 10 with checkpoints every 8 steps on 2 ranks, its --restart on 3
#             ranks resumes at step 8, past the step that set the snapshot: it must print NumPy's
#             output and save NumPy's array (the flags and arrays are in the checkpoint)
#   grow      2 ranks grown to 3 in process at step 9 (TYLES_FAULT_RESCALE)
# usage: tests/elastic/optional_array_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/restart_lib.sh" optional_array
SRC="$ROOT/tests/elastic/optional_array_restart.tyl"
rl_build "$SRC"
rl_numpy numpy "$SRC"
rl_kill 0 10 2 8
rl_restart 3 || rl_fail "restart failed:" restart.err
rl_same "the restarted run differs from NumPy's:" numpy/out restart.out numpy/T.npy T.npy numpy/prev.npy prev.npy
rl_grow grow 9 2 3
rl_same "the run grown to 3 ranks in process differs from NumPy's:" numpy/out grow/out numpy/T.npy grow/T.npy numpy/prev.npy grow/prev.npy

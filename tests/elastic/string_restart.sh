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
. "$ROOT/tests/elastic/restart_lib.sh" string
SRC="$ROOT/tests/elastic/string_restart.tyl"
rl_build "$SRC"
rl_numpy numpy "$SRC" "plate 7x9"
rl_kill 0 10 2 8 "plate 7x9"
rl_restart 3 "plate 7x9" || rl_fail "restart failed:" restart.err
rl_same "the restarted run differs from NumPy's:" numpy/out restart.out numpy/T.npy T.npy
rl_grow grow 9 2 3 "plate 7x9"
rl_same "the run grown to 3 ranks in process differs from NumPy's:" numpy/out grow/out numpy/T.npy grow/T.npy

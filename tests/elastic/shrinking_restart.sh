#!/bin/bash
# Arrays whose length changes every step, and restarts (called by tests/elastic/run.sh):
# shrinking_restart.tyl removes the particles that leave a box and injects new ones each step.
#   restart   killed at step 10 with checkpoints every 8 steps on 2 ranks, its --restart on 3
#             ranks resumes at step 8 with the lengths the checkpoint holds: NumPy's output and
#             arrays
#   forged    that checkpoint's bound x_st_0 (x's step) set to 7, checksums recomputed: the
#             restart refuses it with the reason
#   grow      2 ranks grown to 3 in process at step 9 (TYLES_FAULT_RESCALE)
# usage: tests/elastic/shrinking_restart.sh REPO_ROOT; exit status 1 on failure.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/restart_lib.sh" shrinking
SRC="$ROOT/tests/elastic/shrinking_restart.tyl"
rl_build "$SRC"
rl_numpy numpy "$SRC"
rl_kill 0 10 2 8
rl_restart 3 || rl_fail "restart failed:" restart.err
rl_same "the restarted run differs from NumPy's:" numpy/out restart.out numpy/x.npy x.npy numpy/alive.npy alive.npy
# the checkpoint's run-time bounds of x edited, its checksum recomputed: refused with the
# reason (before, the resumed loop read past x: a crash, a hang or another result)
CK=$(ls -d prog.ckpt/ckpt-* | tail -1)
python3 "$ROOT/tests/campaign/ckpt_tool.py" scalar "$CK" x_st_0=7 >forge.log || rl_fail "ckpt_tool failed:" forge.log
rl_restart 2 && rl_fail "a restart from a checkpoint with x's step forged to 7 finished:" restart.out
grep -q "checkpoint bounds of 'x' along axis 0 (start 0, step 7, [0-9]* points) fall outside its array" restart.err ||
    rl_fail "a checkpoint with x's step forged to 7 was not refused with its reason:" restart.err
rl_grow grow 9 2 3
rl_same "the run grown to 3 ranks in process differs from NumPy's:" numpy/out grow/out numpy/x.npy grow/x.npy numpy/alive.npy grow/alive.npy

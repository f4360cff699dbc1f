#!/bin/bash
# Edge strips of sweeps that overlap their halo exchange (issue 14): the interior has margins
# only on the sides of the block where halo data is still to arrive, so a rank computes one
# strip per neighbour and none along the axes the grid does not split (before: a strip on every
# side in every dimension, e.g. columns of one element at both ends of every row of a 3-D block
# split along its outer axis, which made 2 ranks of one thread barely faster than one).
#   strips/jacobi3d_np2   3-D Jacobi at -np 2 (grid 2x1x1): --stats counts 1 strip per sweep per
#                         rank; u.npy bitwise equal to the 1-rank run's and to --no-overlap's
#   strips/jacobi3d_np3   at -np 3 (3x1x1): 1 + 2 + 1 strips per sweep
#   strips/jacobi2d_2x2   2-D Jacobi at -np 4 --procs=2x2: 2 strips per sweep per rank
#   strips/jacobi2d_4x1   at -np 4 --procs=4x1: 1 + 2 + 2 + 1
#   strips/periodic_np2   a periodic (np.roll) 2-D sweep at -np 2: the rank's own periodic images
#                         arrive at once, so again 1 strip per neighbour side; bitwise equal
# Each program writes its first values where no halo holds them (a global boundary plane, one
# point), after a zero fill that left every halo current: its first sweep exchanges nothing
# (tyl_dirty_box) and runs whole, so the strips are those of the 2 later sweeps (3 before); on
# a 2x2 grid row 0 lies in the column halos of the ranks beside its owner, so there the first
# sweep exchanges those zones alone: 4 strips, and 2 x 8 after it.
# Usage: tests/dist/edge_strips.sh [REPO_ROOT]; needs bin/tylesc and lib/libtyles.a (make).
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
PY=${PYTHON:-python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-strips-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; [ -n "${3:-}" ] && sed 's/^/    /' "$3"; }

cat >"$T/j3.tyl" <<'TYL'
import numpy as np
N = 12
steps = 3
u = np.zeros((N, N, N))
u[0, :, :] = 1.0
un = u.copy()
for t in range(steps):
    un[1:-1, 1:-1, 1:-1] = (1.0 / 6.0) * (u[2:, 1:-1, 1:-1] + u[:-2, 1:-1, 1:-1] + u[1:-1, 2:, 1:-1]
                                          + u[1:-1, :-2, 1:-1] + u[1:-1, 1:-1, 2:] + u[1:-1, 1:-1, :-2])
    u, un = un, u
np.save("u.npy", u)
TYL
cat >"$T/j2.tyl" <<'TYL'
import numpy as np
N = 16
steps = 3
u = np.zeros((N, N))
u[0, :] = 1.0
un = u.copy()
for t in range(steps):
    un[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
    u, un = un, u
np.save("u.npy", u)
TYL
cat >"$T/p2.tyl" <<'TYL'
import numpy as np
N = 16
steps = 3
u = np.zeros((N, N))
u[3, 5] = 1.0
for t in range(steps):
    u = 0.25 * (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1) + np.roll(u, -1, axis=1))
np.save("u.npy", u)
TYL

# check NAME PROG NP STRIPS [ARGS...]: --stats reports STRIPS edge strips (all ranks), and u.npy
# is bitwise equal to the 1-rank run's and to the same run with --no-overlap
check() {
    local name=$1 prog=$2 np=$3 want=$4; shift 4
    local d=$T/$name
    mkdir -p "$d/one" "$d/ov" "$d/noov"
    if ! (cd "$d/one" && timeout 60 $MPIRUN -np 1 "$T/$prog" >/dev/null 2>"$d/one/err") ||
       ! (cd "$d/ov" && timeout 60 $MPIRUN -np "$np" "$T/$prog" --stats "$@" >/dev/null 2>"$d/ov/err") ||
       ! (cd "$d/noov" && timeout 60 $MPIRUN -np "$np" "$T/$prog" --no-overlap "$@" >/dev/null 2>"$d/noov/err"); then
        bad "strips/$name" "a run failed" "$d/ov/err"; return
    fi
    local got
    got=$(sed -n 's/^  edge strips  \([0-9]*\) in .*/\1/p' "$d/ov/err")
    if [ "$got" != "$want" ]; then bad "strips/$name" "--stats: '$got' edge strips, expected $want" "$d/ov/err"; return; fi
    if ! cmp -s "$d/one/u.npy" "$d/ov/u.npy" || ! cmp -s "$d/one/u.npy" "$d/noov/u.npy"; then
        bad "strips/$name" "u.npy differs between 1 rank, $np ranks and --no-overlap"; return
    fi
    ok "strips/$name"
}

for p in j3 j2 p2; do
    if ! "$TYLESC" "$T/$p.tyl" -o "$T/$p" >"$T/$p.log" 2>&1; then bad "build/$p" "tylesc failed" "$T/$p.log"; fi
done
# 3 steps; one sweep per step (p2: its four rolls fuse into one sweep), the first without an
# exchange
check jacobi3d_np2 j3 2 4
check jacobi3d_np3 j3 3 8
check jacobi2d_2x2 j2 4 20 --procs=2x2
check jacobi2d_4x1 j2 4 12 --procs=4x1
check periodic_np2 p2 2 8
(cd "$T" && $PY p2.tyl >/dev/null && cmp -s u.npy periodic_np2/ov/u.npy) && ok strips/periodic_numpy ||
    bad strips/periodic_numpy "u.npy differs from NumPy's"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

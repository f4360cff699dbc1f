#!/bin/bash
# Ghost-cell periodic copies are distributed (pass_dist, ghost_wrap): u[0, :] = u[-2, :] and
# u[-1, :] = u[1, :] read u at -2 and +2 modulo its extent, from a periodic halo, so the field
# stays split over the ranks instead of replicated (before: 'grid 1', no exchange, every rank
# computing everything). At 4 ranks --stats must report the grid asked for and these exchanges,
# exact (every rank decides alike, without messages), and stdout and every .npy must be NumPy's
# byte for byte:
#   ghost_periodic_advection2d (12 steps): the stencil on un and the 4 copies exchange, 5 a step,
#   on 2x2 and 1x4 60 (the first fill of u reads only each rank's own block), on 4x1 61;
#   ghost_periodic_two_layers (8 steps): 6 copies (row slabs u[0:2] = u[-4:-2], columns one by
#   one) and the radius-2 stencil, 5 exchanges a step: 40 (56 while any write made every halo
#   zone of u stale: the copy u[:, 0] = u[:, -4] leaves the zone left of the blocks current,
#   which u[:, 1] = u[:, -3] then reads without an exchange, and u[:, -1] = u[:, 3] likewise
#   after u[:, -2] = u[:, 2]: tyl_dirty_box);
#   ghost_periodic_channel_walls (10 steps, periodic along x only): u's and s's column copies and
#   the two stencils, 6 a step but the first step's s[:, 0] = s[:, -2], which finds the zone it
#   reads current (s is zeros written only in columns 2 to 5 so far), less one a step since u's
#   stencil's exchange travels with s's (pass_sched_xmerge): 49 (60 before tyl_dirty_box, 59
#   before pass_sched_xmerge), the wall copies s[0, :] = s[1, :] and
#   s[-1, :] = s[-2, :] reading only each rank's own block (20).
# Usage: tests/dist/ghost_periodic.sh [REPO_ROOT]   (needs bin/tylesc, lib/libtyles.a, NumPy 2)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ghost-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/$1"; else fail=$((fail + 1)); echo "FAIL dist/$1: expected '$2', got '$3'"; fi; }
stats() { echo "$(grep -o 'grid [0-9x]*' "$1"), $(grep -o 'exchanges *[0-9]*' "$1" | tr -s ' '), $(grep -o 'own blocks *[0-9]*' "$1" | tr -s ' ')"; }
same() { # dir1 dir2: stdout and every .npy of dir1 equal in dir2, or the first that differs
    for f in out.txt $(cd "$1" && ls *.npy); do cmp -s "$1/$f" "$2/$f" || { echo "$f differs"; return; }; done
    echo equal
}
cd "$T" || exit 2
# name:procs:grid:exchanges:own blocks
for c in ghost_periodic_advection2d:2x2:60:1 ghost_periodic_advection2d:1x4:60:1 ghost_periodic_advection2d:4x1:61:0 \
         ghost_periodic_two_layers:2x2:40:0 ghost_periodic_channel_walls:2x2:49:20; do
    IFS=: read -r name procs nx nown <<<"$c"
    if ! [ -d "$name" ]; then
        mkdir -p "$name/ref"
        "$ROOT/bin/tylesc" "$ROOT/tests/programs/$name.tyl" -o "$name/prog" || { fail=$((fail + 1)); echo "FAIL dist/$name: tylesc"; continue; }
        (cd "$name/ref" && python3 "$ROOT/tests/programs/$name.tyl" >out.txt) || { fail=$((fail + 1)); echo "FAIL dist/$name: NumPy"; continue; }
    fi
    d=$name/$procs
    mkdir -p "$d"
    (cd "$d" && timeout 60 $MPIRUN -np 4 ../prog --procs="$procs" --stats >out.txt 2>err.txt)
    check "${name}_$procs" "grid $procs, exchanges $nx, own blocks $nown" "$(stats "$d/err.txt")"
    check "${name}_${procs}_numpy" equal "$(same "$name/ref" "$d")"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

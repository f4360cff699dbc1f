#!/bin/bash
# Diagnostics inside the time loop keep the field distributed (pass_dist: a replicated
# statement in a loop gathers a small box of a distributed field; pass_elems: element stores at
# indices known when compiling are one-point sweeps). At 4 ranks --stats must report the grid
# asked for, these exchanges and gathers, exact (every rank decides alike, without messages),
# and stdout and every .npy must be NumPy's byte for byte. Before, the field u of each of these
# programs was whole on every rank (its stencil exchanged nothing, every rank computed all of
# it; advection2d_centreline_mean ran on 'grid 1'), and --stats had no gathers line.
#   heat2d_probes_in_loop (200 steps): the stencil exchanges once a step (200); a row of the
#   field into the history each step and a column for the profile every 40 steps: 205 boxes,
#   200 x 48 + 5 x 36 = 9780 elements, on 2x2, 4x1 and 1x4;
#   advection2d_centreline_mean (120 steps): one exchange and one row of 56 gathered a step; the
#   same compiled with --time-tile=4, whose loop then steps one step at a time (the gather
#   needs the step's row), likewise;
#   advection1d_element_ghosts (90 steps, 1-D grids of 2, 3 and 4): u's stencil and its two
#   element ghost copies u[0] = u[-2], u[-1] = u[1] (periodic halo), c's and s's stencils,
#   5 exchanges a step less the first fills that find the halo current (448 before
#   pass_sched_xmerge; now s's stencil's exchange travels with c's, 359); c's outflow
#   c[-1] = c[-2] reads only each rank's own block (90); nothing gathered.
# Programs whose arrays have different ranks (pass_dist, component axes) on the same terms:
# before, every array of a lower rank than the highest was whole on every rank, and so, through
# their reads, were the others (no exchange, 'grid 1', or --procs refused as having the wrong
# number of dimensions):
#   lbm_d2q9_shear_wave (30 steps, (ny, nx, 9) populations beside (ny, nx) moments): the 9
#   directions kept whole on each rank, the grid over (ny, nx); streaming by np.roll with the
#   shifts of the direction tables (below);
#   euler1d_maccormack_stacked (85 steps, a (3, nx) stack): 3 exchanges a step (255) on 3 ranks;
#   shallow_water1d_stacked_history (60 steps, (2, n) state, an (nsave, n) history written
#   hist[k] = q[0]): 3 exchanges a step (180) on 4 ranks, the history's rows local.
# Exchanges due at the same point travel together (pass_sched_xmerge): a later kernel's exchange
# joins an earlier one's when nothing in between writes what it exchanges.
#   lbm_d2q9_shear_wave's streaming loop (pass_planes): each roll's temporary, expanded to all
#   nine planes, is exchanged once for all of them: 2 exchanges a step and the vorticity's (61,
#   248 messages; 541 and 2168 before), the planes of shift 0 reading their own blocks (180);
#   lbm_lists_zip_enumerate (6 steps, the populations a list of nine arrays): the first rolls
#   of all nine travel in one exchange, 7 a step (42, 168 messages; 72 and 288 before);
#   shallow_water2d (40 steps): h's zone left of the blocks (u's update) and below them (v's)
#   in one exchange, then u and v together: 2 a step (80; 119 before, 318 messages both).
# Usage: tests/dist/gather_in_loop.sh [REPO_ROOT]   (needs bin/tylesc, lib/libtyles.a, NumPy 2)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-gatherloop-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/$1"; else fail=$((fail + 1)); echo "FAIL dist/$1: expected '$2', got '$3'"; fi; }
stats() {
    echo "$(grep -o 'grid [0-9x]*' "$1"), $(grep -o 'exchanges *[0-9]*' "$1" | tr -s ' '), $(grep -o 'own blocks *[0-9]*' "$1" | tr -s ' '), $(grep -o 'gathers *[0-9]* boxes of distributed arrays, [0-9]*' "$1" | tr -s ' ' | sed 's/ boxes of distributed arrays,//')"
}
same() { # dir1 dir2: stdout and every .npy of dir1 equal in dir2, or the first that differs
    for f in out.txt $(cd "$1" && ls *.npy); do cmp -s "$1/$f" "$2/$f" || { echo "$f differs"; return; }; done
    echo equal
}
cd "$T" || exit 2
# name:flags:ranks:procs:exchanges:own blocks:gathers:elements
for c in heat2d_probes_in_loop::4:2x2:200:0:205:9780 heat2d_probes_in_loop::4:4x1:200:0:205:9780 \
         heat2d_probes_in_loop::4:1x4:200:0:205:9780 \
         advection2d_centreline_mean::4:2x2:120:0:120:6720 advection2d_centreline_mean::4:4x1:120:0:120:6720 \
         advection2d_centreline_mean:--time-tile=4:4:2x2:120:0:120:6720 \
         advection2d_centreline_mean:--time-tile=4:4:1x4:120:0:120:6720 \
         advection1d_element_ghosts::2:2:359:90:0:0 advection1d_element_ghosts::3:3:359:90:0:0 \
         advection1d_element_ghosts::4:4:359:90:0:0 \
         lbm_d2q9_shear_wave::4:2x2:61:180:0:0 lbm_d2q9_shear_wave::4:1x4:61:180:0:0 \
         euler1d_maccormack_stacked::3:3:255:0:0:0 shallow_water1d_stacked_history::4:4:180:0:0:0 \
         lbm_lists_zip_enumerate::4:2x2:42:0:0:0 shallow_water2d::4:2x2:80:0:0:0; do
    IFS=: read -r name flags np procs nx nown ng nel <<<"$c"
    prog=$name${flags:+_tt}
    if ! [ -x "$prog/prog" ]; then
        mkdir -p "$prog"
        "$ROOT/bin/tylesc" $flags "$ROOT/tests/programs/$name.tyl" -o "$prog/prog" || { fail=$((fail + 1)); echo "FAIL dist/$prog: tylesc"; continue; }
    fi
    if ! [ -d "$name/ref" ]; then
        mkdir -p "$name/ref"
        (cd "$name/ref" && python3 "$ROOT/tests/programs/$name.tyl" >out.txt) || { fail=$((fail + 1)); echo "FAIL dist/$name: NumPy"; continue; }
    fi
    d=$prog/$np-$procs
    mkdir -p "$d"
    (cd "$d" && timeout 60 $MPIRUN -np "$np" ../prog --procs="$procs" --stats >out.txt 2>err.txt)
    check "${prog}_$procs" "grid $procs, exchanges $nx, own blocks $nown, gathers $ng $nel" "$(stats "$d/err.txt")"
    check "${prog}_${procs}_numpy" equal "$(same "$name/ref" "$d")"
done
# Row sums along the last axis of a distributed array (lower_reduce.c rows_exact), NumPy's tree
# per row: the loop over the rows gathers all rows' partial trees in one collective
# (pass_sched_rows, tyl_rows_end) instead of one per row. row_sums_long_rows on 4 ranks: 10
# collectives (43 before: one per row of each sum), stdout and every .npy NumPy's bytes.
name=row_sums_long_rows
mkdir -p $name/ref $name/4
"$ROOT/bin/tylesc" "$ROOT/tests/programs/$name.tyl" -o $name/prog || fail=$((fail + 1))
(cd $name/ref && python3 "$ROOT/tests/programs/$name.tyl" >out.txt) || fail=$((fail + 1))
(cd $name/4 && timeout 60 $MPIRUN -np 4 ../prog --procs=4 --stats >out.txt 2>err.txt)
check ${name}_4 "grid 4, reductions 10" "$(grep -o 'grid [0-9x]*' $name/4/err.txt), $(grep -o 'reductions.*' $name/4/err.txt | sed 's/.*(\([0-9]*\))$/reductions \1/')"
check ${name}_4_numpy equal "$(same $name/ref $name/4)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

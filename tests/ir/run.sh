#!/bin/sh
# IR tests: what the passes must establish, checked on --dump output.
#   burgers_step.tyl: after pass_inline_temps the time loop holds one sweep per output array
#   (un, vn) and allocates nothing (the six named temporaries are computed inside the sweeps);
#   after pass_fuse both sweeps are one loop nest.
# burgers_step.tyl itself is also compared with NumPy by tests/run_tests.py (it is linked there).
#   meshgrid_read_only.tyl: np.meshgrid's coordinate arrays, only read, are never allocated, nor
#   the linspaces they come from. linspace_read_only.tyl: np.linspace / np.arange grids only read
#   (slices, x[1] - x[0]) are their formula where read; one written to or saved stays stored
#   (also compared with NumPy by tests/run_tests.py: linked there).
#   halo_*.tyl: pass_dist / pass_halo on small programs; the distribution-relevant part of
#   --dump=halo (layout lines, per-sweep '# halo ARRAY: ZONES', '# interior margins', reduction
#   splits, each statement cut to its kind and target, transforms to their kind, target, axis
#   and whether distributed) must equal halo_*.expected exactly.
#   sched_*.tyl: the schedule level (pass_sched_*): the '# sched' lines of --dump=sched (kernel
#   numbers, exchange begin/end or none, interior and edges, dirty marks, time loops' step
#   boundaries and live variables, CUDA graphs), with the loop headers for context, for the C
#   target and then the CUDA target, must equal sched_*.expected exactly.
#   The C printed for sched_pointwise.tyl, sched_heat.tyl and samples/heat2d.tyl: exchanges only
#   where the schedule has them, one tyl_sweep_run call per sweep, heat2d's main() short.
#   slice_checks.tyl: a slice clipped by run-time values is checked once per assumption (below).
#   slice_checks_loop.tyl: pass_checks_once: a check whose operands a loop does not change runs
#   once per entry of the outermost such loop (its flag reset there, after a time loop's restart
#   label), a check of a bound the loop assigns or of an array it reallocates every time.
#   gen_nested.sh: programs of 200 lines with 10 and 14 nested loops compile within 5 s (each loop
#   body's types are a fixed point, not a probe per level: 2^depth before, a work-limit error).
#   stages_*.tyl: pass_fuse_stages (temporaries computed per tile of their consumer), below.
#   sched_timetile.tyl: pass_sched_timetile: which time loops are tiled, with what K, and why the
#   others step one step at a time (--time-tile=K, off, a bad value refused); a loop nested in
#   a for or a while that prints is tiled ("nested", no checkpoint boundaries); timetile_programs:
#   the loops of tests/programs/timetile_nested_*.tyl and timetile_inplace_1d.tyl are tiled.
#   sched_timetile_auto.tyl: the automatic choice (sizes, steps, halo width, the arithmetic a
#   step does for each element it moves) and its figures.
#   sched_timetile_3d.tyl: the same for 3-D grids (tiles of planes and lines).
#   sched_writeback.tyl: pass_sched_writeback: the copy back into the field a tiled kernel reads
#   at offsets is done by that kernel (lags, rows ahead, one part, the copy's kernel not run),
#   and not for a copy that scales, a copy after another sweep, a time-tiled loop, CUDA; its C
#   copies after the barrier only the rows of each thread's own block that its neighbours read.
#   sched_writeback_carried.tyl: pass_sched_carry: the loop that carries a rolled kernel's fluxes
#   stores the write back at the point (hdiff in 3-D, fluxes along axis 0 in 2-D), not where a
#   later point reads the old value (a limiter one column over, an upwind read a row back, 2-D
#   hdiff's flux along the rows); bench/hdiff.tyl's C stores in_field from that loop and copies
#   behind the value loop only a block's first row, a tile's first column and the tile before's.
#   sched_stages_roll.tyl: pass_sched_stages: stages rolled along dimension 0 (windows of rows)
#   where a stage spreads along an outer dimension, per tile where none does, inlined on CUDA;
#   the C of a rolled kernel takes a thread's rows (tyl_omp_rows) and a window per stage.
#   gather_after_loop / gather_in_loop: a replicated array read from a distributed one outside
#   every loop gathers it (the field stays distributed); inside the time loop only a small box
#   (a line, a point: gather_in_loop, heat2d_probes_in_loop), not half the field nor a column
#   per iteration of an inner loop (gather_in_loop_large); a loop that gathers is neither time
#   tiled (gather_in_loop_sched) nor captured in a CUDA graph (gather_in_graph_loop).
#   halo_components: an (n, n, 3) array keeps its component axis whole on the 2-D grid of its
#   (n, n) moments, and rolls by a table's shifts get the table's range as periodic halo; the
#   loop over the planes is split statement by statement (pass_planes), the roll's temporary
#   tmp_9 expanded to all planes (tmp_9_all, 'whole'), exchanged once for all of them.
#   elems: element stores in loops at indices known when compiling are one-point sweeps
#   (pass_elems), so a 1-D grid with element ghost copies and walls stays distributed.
#   particles_list_operands (tests/programs): the list operands of constants in its time loop
#   (the drag (0.999, 0.998), the walls [0.0, 0.0], the reflection [-1, -1]) are arrays made once
#   before the program's statements, not allocated and filled at every step.
#   bounds: pass_bounds drops the checks of element indices a loop's range proves in range
#   (tests/programs/elem_loops_bounds.tyl), and only those.
#   TYLES_IR_UPDATE=1 rewrites the .expected files from the actual output, for review.
set -u
TYLESC=${1:-bin/tylesc}
pass=0 fail=0
check() { # name condition-text expected actual
    if [ "$3" = "$4" ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1: $2: expected $3, got $4"; fi
}
dump=$($TYLESC tests/ir/burgers_step.tyl --dump=copysem) || { echo "FAIL burgers_step: tylesc failed"; exit 1; }
loop=$(printf '%s\n' "$dump" | sed -n '/^for n_it/,/^[^ ]/p' | sed '$d')
check burgers_step/sweeps "sweeps in the time loop" 2 "$(printf '%s\n' "$loop" | grep -c 'sweep\[')"
check burgers_step/allocs "allocations in the time loop" 0 "$(printf '%s\n' "$loop" | grep -c '= alloc')"
check burgers_step/targets "sweep targets" "un vn" "$(printf '%s\n' "$loop" | grep -o 'sweep\[[a-z,]*\] [a-z]*' | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
# after pass_fuse the two updates are one loop nest
dump=$($TYLESC tests/ir/burgers_step.tyl --dump=fuse) || { echo "FAIL burgers_step: tylesc failed"; exit 1; }
loop=$(printf '%s\n' "$dump" | sed -n '/^for n_it/,/^[^ ]/p' | sed '$d')
check burgers_step/fused "fused groups in the time loop" 1 "$(printf '%s\n' "$loop" | grep -c 'fused:')"
check burgers_step/fused_sweeps "sweeps inside the fused group" 2 "$(printf '%s\n' "$loop" | grep -c '^    sweep\[')"

# meshgrid coordinates read only pointwise or at offsets are not stored: X[i, j] reads x[j]
dump=$($TYLESC tests/ir/meshgrid_read_only.tyl --dump=inline) || { echo "FAIL meshgrid_read_only: tylesc failed"; exit 1; }
check meshgrid_read_only/allocs "arrays allocated (u, v; not X, Y nor the linspaces x, y)" "u v" \
    "$(printf '%s\n' "$dump" | sed -n 's/^\([A-Za-z_]*\) = alloc.*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"

# grids only read are their formula: x, xs, t, k never allocated; z (written) and q (saved) are
dump=$($TYLESC tests/ir/linspace_read_only.tyl --dump=inline) || { echo "FAIL linspace_read_only: tylesc failed"; exit 1; }
check linspace_read_only/allocs "arrays allocated (not the grids x, xs, t, k)" "du g h odd q u0 w z" \
    "$(printf '%s\n' "$dump" | sed -n 's/^\([A-Za-z_0-9]*\) = alloc.*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"

# list operands of constants in a time loop are made once, before it: no array in the loop is
# filled with constants only (a list with a run-time item, [0.0, -g * dt], still is)
loop=$($TYLESC tests/programs/particles_list_operands.tyl --dump=copysem | sed -n '/^for step_it/,/^[^ ]/p' | sed '$d')
check particles_list_operands/constant_lists "arrays filled with constants in the time loop" 0 \
    "$(printf '%s\n' "$loop" | awk '/^ *tmp_[0-9]*\{[0-9, ]*\} = /{a=$1; sub(/\{.*/,"",a); v=$0; sub(/^[^=]*= /,"",v); n[a]++; if (v ~ /^-?[0-9.e+-]+$/) k[a]++} END{c=0; for (a in n) if (k[a]==n[a]) c++; print c}')"

# pass_fuse marks a group whose targets share memory, and the kernel's pointers are then not
# restrict (two restrict pointers to u would be undefined behaviour); other groups keep restrict
d=$($TYLESC tests/ir/fused_aliased.tyl --dump=fuse)
check fused_aliased/marked "fused groups marked as sharing memory" 1 "$(printf '%s\n' "$d" | grep -c 'fused: # targets share memory')"
check fused_aliased/groups "fused groups" 2 "$(printf '%s\n' "$d" | grep -c 'fused:')"
c=$($TYLESC tests/ir/fused_aliased.tyl -o -)
sig() { printf '%s\n' "$c" | sed -n "/^static \(TYL_KERNEL \)\{0,1\}void tyl_k$1(/,/^{/p"; }
check fused_aliased/c_restrict "restrict in the signature of u's kernel (tyl_k1)" 0 "$(sig 1 | grep -c restrict)"
check fused_aliased/c_restrict_other "restrict pointers of the v, w kernel (tyl_k2)" 3 "$(sig 2 | grep -c restrict)"

# pass_fuse_stages: hdiff's lap (read at five offsets, 16 reads once the fluxes are inlined) is
# computed per tile of the sweep that reads it, over the tile grown by 2 in i and j, and never
# allocated; the C kernel takes one scratch tile per thread, the CUDA one inlines lap; the halo of
# the field covers lap's radius plus the fluxes' (2: pass_dist aligns its blocks with result's,
# 2 points up, so the extents' difference of 4 costs no halo), and lap is no longer exchanged. stages_biharmonic: the Laplacian read at five points by the Laplacian of it.
d=$($TYLESC tests/ir/stages_hdiff.tyl --stage-chains --dump=stages)
loop=$(printf '%s\n' "$d" | sed -n '/^for t_it/,/^[^ ]/p' | sed '$d')
check stages_hdiff/no_alloc "arrays allocated in the time loop" 0 "$(printf '%s\n' "$loop" | grep -c '= alloc')"
# the fluxes read lap and are read at two offsets each: a chain of stages, each computed once a
# tile over what its readers need (lap over the tile grown by 2 in i and j for the fluxes' reads,
# flx grown by 1 in i, fly by 1 in j), lap first
check stages_hdiff/stage "stage lines" "  # stage lap per tile, grown by 2 2 0, read at (1,1,0) (0,1,0) (1,0,0)
  # stage flx per tile, grown by 1 0 0, read at (1,0,0) (0,0,0)
  # stage fly per tile, grown by 0 1 0, read at (0,1,0) (0,0,0)" \
    "$(printf '%s\n' "$loop" | grep '# stage ' | sed 's/: [a-z]*_[0-9]* = .*//; s/: [a-z]* = .*//')"
check stages_hdiff/staged "reads of stages in the staged value (flx, fly at two offsets each)" "flx flx fly fly" \
    "$(printf '%s\n' "$loop" | grep '# staged value' | grep -o '\(flx\|fly\|lap\)\[' | tr -d '[' | tr '\n' ' ' | sed 's/ $//')"
check stages_hdiff/sweeps "sweeps in the time loop (result, field)" 2 "$(printf '%s\n' "$loop" | grep -c 'sweep\[')"
check stages_hdiff/sched_c "tiled kernels, stages rolled along dimension 0 (C)" 1 "$($TYLESC tests/ir/stages_hdiff.tyl --stage-chains --dump=sched | grep -c 'tiled: stages rolled along dimension 0: lap 3 rows (per tile a ring of 2 2), flx 2 rows (per tile a ring of 1 0), fly 1 row (per tile a ring of 0 1)')"
check stages_hdiff/sched_cuda "kernels with stages inlined (CUDA)" 1 "$($TYLESC tests/ir/stages_hdiff.tyl --stage-chains --target=cuda --dump=sched | grep -c 'stages inlined')"
h=$($TYLESC tests/ir/stages_hdiff.tyl --stage-chains --dump=halo)
check stages_hdiff/halo "halo of the field (layout 2)" "layout 2: distributed over a 3-D grid, halo 2/2 2/2 0/0, aligned: extent base +4 +4 +0, blocks at base +2 +2 +0" "$(printf '%s\n' "$h" | grep '^layout 2:')"
check stages_hdiff/no_lap_exchange "exchanges of lap" 0 "$(printf '%s\n' "$h" | grep -c '# halo lap')"
c=$($TYLESC tests/ir/stages_hdiff.tyl --stage-chains -o -)
check stages_hdiff/c_tiles "scratch tiles allocated in the C (lap, flx, fly)" 3 "$(printf '%s\n' "$c" | grep -c 'tyl_tile_alloc(')"
# without --stage-chains (the default: chains measured slower on hdiff) the fluxes are inlined
# into the result and lap alone is a stage
check stages_hdiff/default "stage lines without --stage-chains" "  # stage lap per tile, grown by 2 2 0, read at (2,1,0) (1,1,0) (0,1,0) (1,2,0) (1,0,0)" \
    "$($TYLESC tests/ir/stages_hdiff.tyl --dump=stages | grep '# stage ' | sed 's/: [a-z]*_[0-9]* = .*//; s/: [a-z]* = .*//')"
check stages_biharmonic/stage "stage lines" "  # stage lap per tile, grown by 2 2, read at (2,1) (0,1) (1,2) (1,0) (1,1)" \
    "$($TYLESC tests/ir/stages_biharmonic.tyl --dump=stages | grep '# stage ' | sed 's/: lap[_0-9]* = .*//')"
# stages_consumers: w read at its own point by four sweeps is inlined into each (no tile), lap
# read at two offsets by each of two flux sweeps gets a stage in each; neither is allocated
d=$($TYLESC tests/ir/stages_consumers.tyl --dump=stages)
check stages_consumers/allocs "w and lap allocated" 0 "$($TYLESC tests/ir/stages_consumers.tyl --dump=copysem | grep -c '^ *\(w\|lap\) = alloc')"
check stages_consumers/stages "stages of lap" 2 "$(printf '%s\n' "$d" | grep -c '# stage lap per tile')"
check stages_consumers/pointwise "stages of w" 0 "$(printf '%s\n' "$d" | grep -c '# stage w ')"

# ---- pass_dist / pass_halo: exact expected output ----------------------------------------------
# halo_view FILE: the lines of --dump=halo that the distribution passes decide, statements cut to
# their kind and target (sweeps), name, operation and first array read (reductions), control flow
# kept for context
halo_view() {
    hv=$($TYLESC "$1" --dump=halo) || return 1
    printf '%s\n' "$hv" | awk '
        /^layout / || /^ *# halo / || /^ *# interior margins/ || /^ *fused:/ { print; next }
        /^ *# split over the ranks by / { sub(/\[.*$/, ""); print; next }
        /^ *(for|while|if|elif|else)[ :]/ { print; next }
        /^ *sweep\[/ {
            n = match($0, /[^ ]/); s = $0; sub(/^ *sweep\[[^]]*\] /, "", s); sub(/\[.*$/, "", s)
            print substr($0, 1, n - 1) "sweep " s; next }
        / = i?fft / && /^ *[A-Za-z_][A-Za-z_0-9]* = / {
            n = match($0, /[^ ]/); split(substr($0, n), w, " ")
            print substr($0, 1, n - 1) w[3] " " w[1] " axis " $(NF - ($NF == "distributed")) ($NF == "distributed" ? " distributed" : ""); next }
        /^ *[A-Za-z_][A-Za-z_0-9]*: [a-z0-9]+ = [a-z_]+ over / {
            n = match($0, /[^ ]/); split(substr($0, n), w, " ")
            r = substr($0, index($0, " of ") + 4); sub(/\[.*$/, "", r); gsub(/[()]/, "", r)
            k = split(r, a, " ")
            print substr($0, 1, n - 1) substr(w[1], 1, length(w[1]) - 1) " = " w[4] " over " a[k]; next }'
}
for t in tests/ir/halo_*.tyl; do
    name=$(basename "$t" .tyl)
    exp=${t%.tyl}.expected
    if ! got=$(halo_view "$t"); then fail=$((fail + 1)); echo "FAIL $name: tylesc --dump=halo failed"; continue; fi
    if [ -n "${TYLES_IR_UPDATE:-}" ]; then printf '%s\n' "$got" >"$exp"; echo "wrote $exp"; fi
    if [ ! -f "$exp" ]; then fail=$((fail + 1)); echo "FAIL $name: no $exp"; continue; fi
    if [ "$got" = "$(cat "$exp")" ]; then pass=$((pass + 1)); echo "PASS $name"
    else
        fail=$((fail + 1)); echo "FAIL $name: --dump=halo differs from $exp (< expected, > actual)"
        printf '%s\n' "$got" | diff "$exp" - | sed 's/^/    /'
    fi
done
# np.roll reads carry a wrap (printed `mod`) until pass_halo, which turns them into plain reads of
# the periodic halo: two before, none after
check halo_roll/wrap_before "wrapped reads after pass_fuse" 2 "$($TYLESC tests/ir/halo_roll.tyl --dump=fuse | grep -o ' mod ' | wc -l | tr -d ' ')"
check halo_roll/wrap_after "wrapped reads after pass_halo" 0 "$($TYLESC tests/ir/halo_roll.tyl --dump=halo | grep -o ' mod ' | wc -l | tr -d ' ')"
# the replicated arrays of halo_replicated.tyl (a, c, r) appear in no halo and split no reduction
check halo_replicated/untouched "halo or split lines naming a, c or r" 0 "$($TYLESC tests/ir/halo_replicated.tyl --dump=halo | grep -Ec '# (halo|split over the ranks by) (a|c|r)[:[]')"

# pass_dist aligns the blocks of arrays whose index spaces differ by constant offsets
# (tests/programs/dist_aligned_*.tyl, compared with NumPy at 1-4 ranks by run_tests.py): hdiff's
# in_field (I+4, J+4, K) sits 2 points up from out_field (I, J, K), its halo is the stencil's
# radius 2 (not 4) and the copy back into it exchanges nothing: one exchange a step, not two.
# A 1-D profile or a copy read from a distributed field outside every loop gathers the field
# there (pass_dist, may_gather): the field stays distributed; the same read inside the time loop
# keeps every array whole, as a gather each step would move the whole field.
check gather_after_loop/layout "the field's layout" "layout 0: distributed over a 2-D grid, halo 1/1 1/1" \
    "$($TYLESC tests/programs/plate_profiles_after_loop.tyl --dump=halo | grep '^layout')"
check gather_in_loop/layouts "the field's layout" "layout 0: distributed over a 2-D grid, halo 1/1 1/1" \
    "$($TYLESC tests/ir/gather_in_loop.tyl --dump=halo | grep '^layout')"
check gather_in_loop_large/layouts "layouts (only middle's, which reads the field whole)" "layout 2: distributed over a 2-D grid, halo 0/0 0/0" \
    "$($TYLESC tests/ir/gather_in_loop_large.tyl --dump=halo | grep '^layout')"
check heat2d_probes_in_loop/layouts "layouts (u and un; not history, written a line a step)" "layout 0: distributed over a 2-D grid, halo 1/1 1/1" \
    "$($TYLESC tests/programs/heat2d_probes_in_loop.tyl --dump=halo | grep '^layout')"
check gather_in_loop_sched/timetile "the time loop, forced --time-tile=4" "step by step: a sweep gathers part of a distributed array" \
    "$($TYLESC tests/programs/advection2d_centreline_mean.tyl --time-tile=4 --dump=sched | grep '# sched loop' | sed 's/.*; //')"
check gather_in_graph_loop/graph "CUDA graphs; distributed layouts" "0; 1" \
    "$($TYLESC --target=cuda tests/ir/gather_in_graph_loop.tyl --dump=sched | grep -c 'CUDA graph'); $($TYLESC --target=cuda tests/ir/gather_in_graph_loop.tyl --dump=sched | grep -c '^layout.*distributed')"
check elems/layouts "u (periodic ghost copies), c (inflow, outflow), s (point source), un" "layout 0: distributed over a 1-D grid, halo 2/2 periodic
layout 1: distributed over a 1-D grid, halo 1/0
layout 2: distributed over a 1-D grid, halo 1/1
layout 3: distributed over a 1-D grid, halo 1/1" \
    "$($TYLESC tests/programs/advection1d_element_ghosts.tyl --dump=halo | grep '^layout')"
check elems/sweeps "one-point sweeps in the time loop" 5 \
    "$($TYLESC tests/programs/advection1d_element_ghosts.tyl --dump=elems | grep -c 'sweep\[direct\] [a-z]*\[index(.*:+1@0\] =')"
d=$($TYLESC tests/programs/dist_aligned_hdiff.tyl --dump=sched)
check dist_aligned_hdiff/layout "in_field's layout" \
    "layout 0: distributed over a 3-D grid, halo 2/2 2/2 0/0, aligned: extent base +4 +4 +0, blocks at base +2 +2 +0" \
    "$(printf '%s\n' "$d" | grep '^layout 0:')"
check dist_aligned_hdiff/exchanges "kernels with an exchange" 1 "$(printf '%s\n' "$d" | grep -c 'exchange begin')"
check dist_aligned_hdiff/no_out_halo "halo lines of out_field" 0 "$(printf '%s\n' "$d" | grep -c '# halo out_field')"
# ghost cells: u (n+2) 1 up from unew (n), v (m+2, m+2) 1 up from vn in both axes, w (m+1, m) 1
# row up: the copies back (u[1:-1] = unew, v[1:-1, 1:-1] = vn, w[1:, :] = vn) exchange nothing
d=$($TYLESC tests/programs/dist_aligned_ghost1d.tyl --dump=halo)
check dist_aligned_ghost1d/layouts "layouts of u, unew, f" \
    "layout 0: distributed over a 1-D grid, halo 1/1, aligned: extent base +2, blocks at base +1
layout 1: distributed over a 1-D grid, halo 0/0, aligned: extent base +0, blocks at base +0
layout 2: distributed over a 1-D grid, halo 0/1, aligned: extent base +1, blocks at base +0" \
    "$(printf '%s\n' "$d" | grep '^layout')"
check dist_aligned_ghost1d/no_unew_halo "halo lines of unew" 0 "$(printf '%s\n' "$d" | grep -c '# halo unew')"
d=$($TYLESC tests/programs/dist_aligned_ghost2d.tyl --dump=halo)
check dist_aligned_ghost2d/halo_lines "halo lines (v for vn's stencil, w for acc)" "# halo v: 0- -0 +0 0+|# halo w: -0" \
    "$(printf '%s\n' "$d" | grep '# halo' | sed 's/^ *//' | tr '\n' '|' | sed 's/|$//')"
check dist_aligned_ghost2d/sched "kernels with an exchange" 2 "$($TYLESC tests/programs/dist_aligned_ghost2d.tyl --dump=sched | grep -c 'exchange begin')"
# a group where aligning would widen a halo (b = a pointwise with a 2 rows up, b 0) keeps plain
# blocks: no layout aligned, the halos those blocks need (c reads a 2 rows down: 0/2)
d=$($TYLESC tests/programs/dist_unaligned_refused.tyl --dump=halo)
check dist_unaligned_refused/layouts "layouts" "layout 0: distributed over a 2-D grid, halo 0/2 0/0
layout 1: distributed over a 2-D grid, halo 2/0 0/0
layout 2: distributed over a 2-D grid, halo 1/1 0/0
layout 3: distributed over a 2-D grid, halo 1/1 0/0" "$(printf '%s\n' "$d" | grep '^layout')"
# ghost-cell periodic copies (u[0, :] = u[-2, :], u[-1, :] = u[1, :], u[ny + 1, :] = u[1, :], slabs
# u[0:2] = u[-4:-2]) read the target's index plus a constant modulo the extent: the arrays stay
# distributed with a halo periodic along the copied axes, not replicated (no layout line at all
# before). tests/programs/ghost_periodic_*.tyl are compared with NumPy at 1-4 ranks;
# tests/dist/ghost_periodic.sh checks the 2x2 grid and the exchanges.
layouts() { $TYLESC "$1" --dump=halo | grep '^layout' | tr '\n' '|' | sed 's/|$//'; }
check ghost_periodic_advection2d/layouts "layouts of u, un" \
    "layout 0: distributed over a 2-D grid, halo 2/2 periodic 2/2 periodic|layout 1: distributed over a 2-D grid, halo 1/1 1/1" \
    "$(layouts tests/programs/ghost_periodic_advection2d.tyl)"
# each copy reads one zone of u's halo, at the row (column) counted from the other end: -2 for
# row 0, N + 1 (a copy of row 1) for row N - 1
d=$($TYLESC tests/programs/ghost_periodic_advection2d.tyl --dump=halo)
check ghost_periodic_advection2d/halo_lines "halo lines of the copies" "# halo u: -0|# halo u: +0|# halo u: 0-|# halo u: 0+" \
    "$(printf '%s\n' "$d" | sed -n '/^for n_it/,$p' | grep '# halo u:' | sed 's/^ *//' | tr '\n' '|' | sed 's/|$//')"
check ghost_periodic_advection2d/reads "copies' reads in the halo" \
    "u[#-2, 0:+u.shape[1]@0]|u[#(u.shape[0] +. 1), 0:+u.shape[1]@0]|u[0:+u.shape[0]@0, #-2]|u[0:+u.shape[0]@0, #(u.shape[1] +. 1)]" \
    "$(printf '%s\n' "$d" | grep 'sweep\[buffered\]' | sed 's/.* = //' | tr '\n' '|' | sed 's/|$//')"
check ghost_periodic_diffusion2d/layouts "layouts (copies written u[ny + 1, :] = u[1, :], u[0, :] = u[ny, :]; u and un, the initial field)" \
    "layout 0: distributed over a 2-D grid, halo 2/2 periodic 2/2 periodic|layout 1: distributed over a 2-D grid, halo 1/1 1/1" \
    "$(layouts tests/programs/ghost_periodic_diffusion2d.tyl)"
check ghost_periodic_advection3d/layouts "layouts (periodic along 3 axes)" \
    "layout 0: distributed over a 3-D grid, halo 2/2 periodic 2/2 periodic 2/2 periodic|layout 1: distributed over a 3-D grid, halo 1/1 1/1 1/1" \
    "$(layouts tests/programs/ghost_periodic_advection3d.tyl)"
check ghost_periodic_two_layers/layouts "layouts (two ghost layers: reads at +-4)" \
    "layout 0: distributed over a 2-D grid, halo 4/4 periodic 4/4 periodic|layout 1: distributed over a 2-D grid, halo 0/0 0/0" \
    "$(layouts tests/programs/ghost_periodic_two_layers.tyl)"
check ghost_periodic_channel_walls/layouts "layouts (periodic along x only; y, u, s)" \
    "layout 0: distributed over a 2-D grid, halo 0/0 0/0|layout 1: distributed over a 2-D grid, halo 0/0 2/2 periodic|layout 2: distributed over a 2-D grid, halo 1/1 2/2 periodic" \
    "$(layouts tests/programs/ghost_periodic_channel_walls.tyl)"
check ghost_periodic_burgers1d/layouts "layouts (1-D, one-point slabs)" \
    "layout 0: distributed over a 1-D grid, halo 2/2 periodic" \
    "$(layouts tests/programs/ghost_periodic_burgers1d.tyl)"
check ghost_periodic_cross_arrays/layouts "layouts (u read from v's rows and columns, v from itself)" \
    "layout 0: distributed over a 2-D grid, halo 2/2 periodic 4/1 periodic|layout 1: distributed over a 2-D grid, halo 1/1 periodic 0/1" \
    "$(layouts tests/programs/ghost_periodic_cross_arrays.tyl)"
# not periodic: u[0, :] = u[ny // 2, :] keeps u replicated; v (offsets 5 and -2) distributed
check ghost_copy_middle_replicated/layouts "layouts (v only, nothing periodic)" \
    "layout 1: distributed over a 2-D grid, halo 2/1 1/5" \
    "$(layouts tests/programs/ghost_copy_middle_replicated.tyl)"

# ---- the schedule level: exact expected output -------------------------------------------------
sched_view() {
    for tg in c cuda; do
        echo "== --target=$tg"
        sv=$($TYLESC "$1" --target=$tg --dump=sched) || return 1
        printf '%s\n' "$sv" | grep -E '^ *# sched |^ *(for|while) '
    done
}
for t in tests/ir/sched_*.tyl; do
    name=$(basename "$t" .tyl)
    exp=${t%.tyl}.expected
    if ! got=$(sched_view "$t"); then fail=$((fail + 1)); echo "FAIL $name: tylesc --dump=sched failed"; continue; fi
    if [ -n "${TYLES_IR_UPDATE:-}" ]; then printf '%s\n' "$got" >"$exp"; echo "wrote $exp"; fi
    if [ ! -f "$exp" ]; then fail=$((fail + 1)); echo "FAIL $name: no $exp"; continue; fi
    if [ "$got" = "$(cat "$exp")" ]; then pass=$((pass + 1)); echo "PASS $name"
    else
        fail=$((fail + 1)); echo "FAIL $name: --dump=sched differs from $exp (< expected, > actual)"
        printf '%s\n' "$got" | diff "$exp" - | sed 's/^/    /'
    fi
done
# --time-tile: forced K, off, a loop that cannot be tiled says why when K is forced, and a bad
# value is refused (exit status 2, the exact message)
tt=tests/ir/sched_timetile.tyl
check sched_timetile/forced "tiled loops with --time-tile=3 (nested ones)" "3 (2)" "$($TYLESC $tt --time-tile=3 --dump=sched | grep -c 'time tile 3 steps (--time-tile), radius 1') ($($TYLESC $tt --time-tile=3 --dump=sched | grep -c '^  # sched loop; time tile 3 steps (--time-tile), radius 1, nested;'))"
check sched_timetile/why "loops stepped one step at a time, with the reason" 2 "$($TYLESC $tt --time-tile=3 --dump=sched | grep -c 'step by step: a \(print\|reduction\) in the body')"
check sched_timetile/off "tiled loops with --time-tile=off" "0 3" "$($TYLESC $tt --time-tile=off --dump=sched | grep -c 'time tile') $($TYLESC $tt --time-tile=off --dump=sched | grep -c 'step by step: --time-tile=off')"
check sched_timetile/one "tiled loops with --time-tile=1" 0 "$($TYLESC $tt --time-tile=1 --dump=sched | grep -c 'time tile')"
for v in 0 x 65 4x ''; do
    out=$($TYLESC $tt --time-tile=$v --dump=sched 2>&1); rc=$?
    check "sched_timetile/bad_value_$v" "exit status and message" \
        "2: tylesc: bad --time-tile value '$v' (a number of steps from 1 to 64, off or auto)" "$rc: $out"
done
# --time-tile=auto (the default) tiles only where pass_sched_timetile's model says it pays: a
# small grid not, a large one with K from the steps, a short loop, a narrow grid and long rows not
at=$($TYLESC tests/ir/sched_timetile_auto.tyl --dump=sched | grep -o -E '(time tile [0-9]+ steps|step by step: automatic: [a-z0-9 ]*)' | tr '\n' '|')
check sched_timetile_auto/decisions "the automatic choice per loop" \
    "step by step: automatic: the arrays a step touches |time tile 8 steps|time tile 2 steps|step by step: automatic: 3 steps|step by step: automatic: a deep halo of 2 x 2 points is more than 1|step by step: automatic: a tile of 8 rows |step by step: automatic: the arrays a step touches |time tile 8 steps|time tile 8 steps|step by step: automatic: 30|time tile 8 steps|" "$at"
# deep halos sized for groups of 4K steps where 4K R is within a sixteenth of the extent (Jacobi's b: 4 x 8 steps x 1), else 2K (Jacobi's b: 2 x 8 steps x 1 before h152; Burgers' u and v: 2 x 8 x
# 1, 2 x 2 x 1 while the copies handed over counted as stages that add to the lags), except the (40000, 200) strip's (8 x 1: 16 x 16 points would be more than 200 / 16)
# pass_sched_split: main() cut into parts (the default: 3 for this program, in its .expected),
# one a top-level statement with --split-main=1, none with off nor for the CUDA target
check sched_split/one "a part per top-level statement" 35 \
    "$($TYLESC tests/ir/sched_timetile_auto.tyl --split-main=1 --dump=sched | grep -c '^# sched part [0-9]* of 35 of main(): tyl_main_')"
check sched_split/off "main() whole" 0 "$($TYLESC tests/ir/sched_timetile_auto.tyl --split-main=off --dump=sched | grep -c '^# sched part')"
check sched_split/cuda "main() whole (C++ host code)" 0 \
    "$($TYLESC tests/ir/sched_timetile_auto.tyl --target=cuda --split-main=1 --dump=sched | grep -c '^# sched part')"
check sched_timetile_auto/no_widening "layouts widened only for the large grids" "halo 1/1 1/1 halo 32/32 32/32 halo 2/2 2/2 halo 1/1 1/1 halo 1/1 1/1 halo 32/32 32/32 halo 32/32 32/32 halo 2/2 2/2 halo 8/8 8/8" \
    "$($TYLESC tests/ir/sched_timetile_auto.tyl --dump=sched | sed -n 's/^layout [0-9]*: distributed over a 2-D grid, \(halo [0-9/ ]*\)$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
# the loops scientists write, tiled (tests/programs, compared with NumPy at 1-4 ranks there): a
# loop nested in a for that prints (timetile_nested_cfd) or a while that saves
# (timetile_nested_neumann_while, with Neumann copies u[0:2, :] = u[2:4, :] written in place), and
# 1-D updates in place (timetile_inplace_1d: the diffusion nested, the advection a time loop),
# each as "time tile K steps"; before, "a loop in the body" / "a sweep reads what it writes at
# another offset" kept them step by step
for run in timetile_nested_cfd:3:1:1 timetile_nested_neumann_while:3:1:1 timetile_inplace_1d:6:2:1; do
    set -- $(printf '%s' "$run" | tr : ' ')
    name=$1 K=$2 want=$3 nested=$4
    d=$($TYLESC tests/programs/$name.tyl --time-tile=$K --dump=sched)
    check "timetile_programs/$name" "tiled loops (nested ones)" "$want ($nested)" \
        "$(printf '%s\n' "$d" | grep -c "sched loop.*; time tile $K steps") ($(printf '%s\n' "$d" | grep -c "sched loop.*; time tile $K steps.*, nested;"))"
done
c=$($TYLESC $tt --time-tile=4 -o -)
check sched_timetile/c_groups "tyl_tt_go calls in the C (a time loop, two nested loops without checkpoints)" "1 2" \
    "$(printf '%s\n' "$c" | grep -c 'tyl_tt_go(4, 1, 4, 1, ') $(printf '%s\n' "$c" | grep -c 'tyl_tt_go(4, 1, 4, 0, ')"
# nothing exchanged: no kernel of sched_pointwise.tyl begins an exchange
check sched_pointwise/no_exchange "kernels with an exchange" 0 "$($TYLESC tests/ir/sched_pointwise.tyl --dump=sched | grep -c 'exchange begin')"
# the stencil of sched_heat.tyl exchanges, and its time loop has step boundaries on the C target
check sched_heat/exchange "kernels with an exchange" 1 "$($TYLESC tests/ir/sched_heat.tyl --dump=sched | grep -c 'exchange begin; interior; exchange end; edges')"
check sched_heat/steps "time loops with step boundaries (C, CUDA)" "2 1" "$($TYLESC tests/ir/sched_heat.tyl --dump=sched | grep -c 'step boundaries') $($TYLESC tests/ir/sched_heat.tyl --target=cuda --dump=sched | grep -c 'step boundaries')"
# the emitters print the schedule: a kernel without exchange has a descriptor with no exchanges
# (no tyl_halo anywhere), and each sweep in main() is a block of a few lines around one
# tyl_sweep_run call (heat2d: 6 sweeps, main() at most 200 lines besides #line directives; it
# was 302, 171 now)
# pass_sched_writeback: the first and last loops' copies are done by their tiled kernels; in the
# first the value reads u only at its point, so the value loop stores the points no later tile
# reads itself; the last reads x beside the point: the value loop copies each row back once the
# value rows that read it are done (0 rows behind: x is read at offset 0 along the rows)
d=$($TYLESC tests/ir/sched_writeback.tyl --dump=sched)
check sched_writeback/kernel "the tiled kernel's schedule" \
    "  # sched kernel 2, exchange begin; exchange end; box, tiled: stages rolled along dimension 0: lap 3 rows (per tile a ring of 2), writes back u per tile: lag 2 2, 2 rows ahead, stored by the value loop, dirty out u" \
    "$(printf '%s\n' "$d" | grep '# sched kernel 2,')"
check sched_writeback/beside "the tiled kernel reading x beside the point" \
    "  # sched kernel 9, exchange begin; exchange end; box, tiled: stages rolled along dimension 0: lx 3 rows (per tile a ring of 2), writes back x per tile: lag 2 2, 2 rows ahead, copied 0 rows behind the value loop, dirty ox x" \
    "$(printf '%s\n' "$d" | grep '# sched kernel 9,')"
check sched_writeback/copy "the copy's schedule" "  # sched kernel 3, no exchange; box, copy done by kernel 2" \
    "$(printf '%s\n' "$d" | grep '# sched kernel 3,')"
check sched_writeback/others "write backs (not a scaled copy, not after another sweep)" 2 "$(printf '%s\n' "$d" | grep -c 'writes back')"
check sched_writeback/timetile "write backs in time-tiled loops" 0 "$($TYLESC tests/ir/sched_writeback.tyl --time-tile=2 --dump=sched | grep -c 'writes back')"
check sched_writeback/cuda "write backs on CUDA" 0 "$($TYLESC tests/ir/sched_writeback.tyl --target=cuda --dump=sched | grep -c 'writes back')"
check sched_writeback/hdiff "bench/hdiff.tyl" "lag 2 2 0, 2 rows ahead" \
    "$($TYLESC --time-tile=off bench/hdiff.tyl --dump=sched | grep -o 'writes back in_field per tile: lag [0-9 ]*, [0-9]* rows ahead' | sed 's/.*: //')"
# pass_sched_stages / emit_stages.c: the rolled kernels' C (lap, dj, st) allocates a window of
# spread + 1 rows a stage and walks the thread's block of rows; the per-tile one (dk) a tile
c=$($TYLESC tests/ir/sched_stages_roll.tyl -o -)
check sched_stages_roll/c_windows "windows of lap, dj, st; per-thread row blocks; scratch tiles" \
    "lap: a window of 3 rows|dj: a window of 1 row|st: a window of 2 rows|3|4" \
    "$(printf '%s\n' "$c" | grep -o '[a-z]*: a window of [0-9]* rows*' | tr '\n' '|')$(printf '%s\n' "$c" | grep -c 'tyl_omp_rows(n0, &tyl_b0, &tyl_e0);')|$(printf '%s\n' "$c" | grep -c 'tyl_tile_alloc(')"
check sched_stages_roll/hdiff "bench/hdiff.tyl: lap rolled in a window of 3 rows" 1 \
    "$($TYLESC bench/hdiff.tyl --dump=sched | grep -c 'tiled: stages rolled along dimension 0: lap 3 rows (per tile a ring of 2 2)')"
check sched_writeback/hdiff_rows "bench/hdiff.tyl: the value's limiters read in_field 1 row back" 1 \
    "$($TYLESC --time-tile=off bench/hdiff.tyl --dump=sched | grep -c 'copied 1 row behind the value loop')"
check sched_writeback/hdiff_store "bench/hdiff.tyl --stage-chains: out (flx, fly staged) reads in_field at its point" 1 \
    "$($TYLESC --time-tile=off --stage-chains bench/hdiff.tyl --dump=sched | grep -c 'stored by the value loop')"
# pass_sched_carry: the write back stored by the carried loop (kernels 3 and 12 of
# sched_writeback_carried.tyl), and in bench/hdiff.tyl's C: one loop storing out_field and in_field
# from one value, the copies behind the value loop (in it and after it) over the columns it left
d=$($TYLESC tests/ir/sched_writeback_carried.tyl --dump=sched)
check sched_writeback_carried/stores "kernels whose carried loop stores the write back" "3 12" \
    "$(printf '%s\n' "$d" | grep 'the carried loop stores it' | sed 's/.*# sched kernel \([0-9]*\),.*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check sched_writeback_carried/hdiff "bench/hdiff.tyl step by step" 1 \
    "$($TYLESC --time-tile=off bench/hdiff.tyl --dump=sched | grep -c 'copied 1 row behind the value loop, the carried loop stores it')"
c=$($TYLESC --time-tile=off bench/hdiff.tyl -o -)
check sched_writeback_carried/c_store "bench/hdiff.tyl: the carried loop storing in_field (w2) from registers" "1 1" \
    "$(printf '%s\n' "$c" | grep -c 'and the write back from registers') $(printf '%s\n' "$c" | grep -c '^ *w2r\[i2\] = tyl_v;')"
check sched_writeback_carried/c_left "bench/hdiff.tyl: copies behind the value loop of the columns it left" 2 \
    "$(printf '%s\n' "$c" | grep -c 'i1 < (i0 == tyl_b0 ? tyl_v1 : tyl_x1)')"
c=$($TYLESC tests/ir/sched_writeback.tyl -o -)
check sched_writeback/c_calls "tyl_sweep_run calls in main() (10 kernels, the copies' not run)" 8 "$(printf '%s\n' "$c" | grep -c '^ *tyl_sweep_run(')"
check sched_writeback/c_whole "descriptors run in one part" 2 "$(printf '%s\n' "$c" | grep -c '1, /\* the local box in one part')"
check sched_writeback/c_store "value loops storing both targets (kernel 2's)" 1 "$(printf '%s\n' "$c" | grep -c 'const double tyl_v = ')"
# emit_stages.c: after the barrier each thread copies back the rows of its own block that the
# neighbouring blocks read (its first wb_ahead and last wb_lag rows), none of another block's: the
# rows after the barrier are shared as the blocks are (h105; before, the second of 2 threads
# copied 4 planes of hdiff there while the first waited). Rolled kernels (tyl_b0) and per tile
# (tests/programs/writeback_2d.tyl: tyl_Q0).
check sched_writeback/c_own_rows "copies after the barrier of the thread's own rows (kernels 2, 9)" 2 \
    "$(printf '%s\n' "$c" | grep -c 'const int64_t tyl_l0 = tyl_b0, tyl_h0 = tyl_e0 == n0 ? n0 : tyl_e0;')"
check sched_writeback/c_no_prev_rows "copies after the barrier reaching into the previous block" 0 \
    "$(printf '%s\n' "$c" | grep -c 'tyl_u0 = tyl_b0 - ')"
check sched_writeback/c_own_rows_tiles "writeback_2d.tyl per tile: the thread's own tile rows after the barrier" 1 \
    "$($TYLESC tests/programs/writeback_2d.tyl -o - | grep -c 'const int64_t tyl_l0 = tyl_Q0 \* tyl_tb, tyl_h0 = tyl_Q1 == tyl_nb0 ? n0 : tyl_Q1 \* tyl_tb;')"
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ir-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
$TYLESC tests/ir/sched_pointwise.tyl -o "$T/pw.c" || fail=$((fail + 1))
check sched_pointwise/c_exchanges "halo calls or exchange tables in the C" 0 "$(grep -c 'tyl_halo\|tyl_exchange' "$T/pw.c")"
$TYLESC tests/ir/sched_heat.tyl -o "$T/heat.c" || fail=$((fail + 1))
check sched_heat/c_exchanges "exchange tables in the C" 1 "$(grep -c '^static const tyl_exchange' "$T/heat.c")"
$TYLESC samples/heat2d.tyl -o "$T/heat2d.c" || fail=$((fail + 1))
check heat2d/sweep_calls "tyl_sweep_run calls in main()" 6 "$(grep -c '^ *tyl_sweep_run(' "$T/heat2d.c")"
check heat2d/main_short "main() at most 200 lines besides #line" yes "$(awk '/^int main/{f=1} f && !/^#line/{n++} END{print (n <= 200 ? "yes" : "no: " n)}' "$T/heat2d.c")"
# slice checks (lower_index.c check_unclipped): one tyl_slice_fits call per assumption where one
# dominates the others: the seed's four axes one; U[:N + 1] in the if and in the loop, and after
# both (U's and V's) one more; the bounds named as the source writes them
$TYLESC tests/ir/slice_checks.tyl -o "$T/sc.c" || fail=$((fail + 1))
check slice_checks/calls "tyl_slice_fits calls" 4 "$(grep -c '^ *tyl_slice_fits(' "$T/sc.c")"
check slice_checks/text "the seed's bounds as written" 1 "$(grep -c '"N // 2 - r", "N // 2 + r", "M >= N // 2 + r"}' "$T/sc.c")"
dump=$($TYLESC tests/ir/slice_checks_loop.tyl --dump=checks_once) || fail=$((fail + 1))
check slice_checks_loop/dump "loops and their slice checks" \
"for k_it in range(0, steps, 1):  # checks once: #1, #2
  check slice once #1 (u.shape[0], ((N // 2) - r), ((N // 2) + r), 1)
  check slice (u.shape[0], h, (h + r), 1)
  check slice (g.shape[0], 0, (N + 1), 1)
  for j_it in range(0, 2, 1):
    check slice once #2 (u.shape[0], 0, (N + 2), 1)
while True:  # checks once: #3
  check slice once #3 (u.shape[0], (N // 2), N, 1)" "$(printf '%s\n' "$dump" | grep -E '^ *(for|while) |check slice')"
$TYLESC tests/ir/slice_checks_loop.tyl -o "$T/scl.c" || fail=$((fail + 1))
check slice_checks_loop/calls "tyl_slice_fits calls, 3 of them once per loop entry" "5 3" \
    "$(grep -c '^ *tyl_slice_fits(' "$T/scl.c") $(grep -c '^ *if (!tyl_once[0-9]*) {$' "$T/scl.c")"
check slice_checks_loop/reset "the time loop's flags reset after its restart label" 1 \
    "$(grep -A2 '^ *tyl_ck_k0 = tyl_ck_enter(0,' "$T/scl.c" | tr -d ' \n' | grep -c '^tyl_ck_k0=tyl_ck_enter(0,tyl_ck_live0,&tyl_ck_nk);{inttyl_once1=0;$')"
# type inference of nested loops: the compile time must not grow as 2^depth (issue 12 asks for
# under a second; 5 s leaves room for a loaded machine, the exponential version took minutes)
for depth in 10 14; do
    src=${TMPDIR:-/tmp}/tyl_nested_$$_$depth.tyl
    sh tests/ir/gen_nested.sh $depth 200 >"$src"
    if timeout 5 $TYLESC "$src" -o "${src%.tyl}.c" >/dev/null 2>&1; then r=ok; else r="failed or timed out"; fi
    check nested_loops/depth$depth "200 lines, $depth nested loops, compiled within 5 s" ok "$r"
    rm -f "$src" "${src%.tyl}.c"
done
# pass_bounds: element indices a loop's range proves in [0, n) are printed without index(), and
# their + and - of constants without Python's overflow check (-. +.); those it cannot prove
# keep the check: a negative step that reaches -1, a constant index of an extent given as a
# parameter, a name reassigned in the body, a pivot row p found by a search; those known >= 0
# (every value the name is given is, p's included) are index_nn (no negative wrap)
dump=$($TYLESC tests/programs/elem_loops_bounds.tyl --dump=bounds) || fail=$((fail + 1))
check bounds/checked "indices left checked in elem_loops_bounds" 5 "$(printf '%s\n' "$dump" | grep -o 'index(' | wc -l | tr -d ' ')"
check bounds/nonneg "indices >= 0 checked against the end only" 7 "$(printf '%s\n' "$dump" | grep -o 'index_nn(' | wc -l | tr -d ' ')"
check bounds/offsets "the 5-point loop's line" 1 "$(printf '%s\n' "$dump" | grep -c '^    b{i, j} = (((a{(i -. 1), j} +. a{(i +. 1), j}) -. a{i, (j -. 1)}) +. a{i, (j +. 1)})$')"
check bounds/back_substitution "x[i] = s / M[i, i]" 1 "$(printf '%s\n' "$dump" | grep -c '^  x{i} = (s /. M{i, i})$')"
# pass_rotate's ring_rewritten (tests/programs/rotate_ring_rewritten.tyl, compared with NumPy
# there): a hand-over whose ring the statements after the update write again before reading
# the array copies nothing (Dirichlet edges of u and v, a ring of 2, six faces in 3-D, a grid
# smaller than its ring), one whose ring they leave partly unwritten (a), read (b) or write
# under a condition (c) keeps the copy; the C calls tyl_rotate_rewritten for the former
dump=$($TYLESC tests/programs/rotate_ring_rewritten.tyl --dump=rotate) || fail=$((fail + 1))
check rotate/rewritten "hand-overs whose ring is rewritten" "sn tn un vn wn" \
    "$(printf '%s\n' "$dump" | sed -n 's/^ *\([a-z]*\) <- buffer of .* rewritten next (not copied from .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
check rotate/copied "hand-overs that copy the ring" "an bn cn" \
    "$(printf '%s\n' "$dump" | sed -n 's/^ *\([a-z]*\) <- buffer of .*\] copied from .*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
check rotate/c_calls "tyl_rotate_rewritten calls in the C" 5 \
    "$($TYLESC tests/programs/rotate_ring_rewritten.tyl -o - | grep -c 'tyl_rotate_rewritten(')"
# pass_fold (tests/ir/fold_selfcmp.tyl): choice's size check became `n != n` when
# pass_inline_temps gave p = x / x.sum() the extent x was allocated with; after pass_fold it is
# gone (gcc -Werror=tautological-compare rejected the C), NumPy's float NaN test y != y stays,
# and the C compiles under -Wall -Wextra -Werror
dump=$($TYLESC tests/ir/fold_selfcmp.tyl --dump=inline) || fail=$((fail + 1))
check fold/before "self-comparisons the passes made" 2 "$(printf '%s\n' "$dump" | grep -c 'raise if (n !=. n)')"
dump=$($TYLESC tests/ir/fold_selfcmp.tyl --dump=fold) || fail=$((fail + 1))
check fold/after "self-comparisons after pass_fold" 0 "$(printf '%s\n' "$dump" | grep -c 'same size')"
check fold/nan_test "the float NaN test kept" 1 "$(printf '%s\n' "$dump" | grep -c '^if (y != y):$')"
if CFLAGS="-O0 -Wall -Wextra -Werror" $TYLESC tests/ir/fold_selfcmp.tyl -o "$T/fold" >/dev/null 2>&1; then r=ok; else r=failed; fi
check fold/werror "the C under -Wall -Wextra -Werror" ok "$r"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

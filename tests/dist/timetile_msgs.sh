#!/bin/bash
# Deep halos of a time-tiled loop on several ranks (tests/programs/timetile_jacobi2d.tyl,
# --time-tile=4, 23 steps: 5 groups of 4 and 3 single steps). Each group exchanges its halos
# once, 4 steps deep, instead of once a step: at 2, 3 and 4 ranks (grids 2x1, 3x1, 2x2) the
# run does 8 exchanges where TYLES_TIME_TILE=off does 23 (a drop of K - 1 = 3 per group),
# --stats reports the 5 groups, stepping sends the bytes of a build without tiling (one step's
# halo, not the K-deep one), and the results are byte for byte those of one rank. The exchange
# before a group sends the buffer the group writes first only on the global boundary (bytes),
# and whole allocation rows go array to array as messages of their own (TYLES_XCHG_DIRECT_MIN);
# tests/programs/timetile_swap_boundaries*.tyl run both ways under several --procs grids.
# Usage: tests/dist/timetile_msgs.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ttmsg-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
# the tile shapes expected below were planned for a core's L2 of 2 MiB (the machine's own L2
# would change them: an EPYC Zen 4 has 1 MiB)
export TYLES_TT_L2=2M
# and for a node whose plain 3-D sweeps stream past 48 MiB (a quarter of this L3: the machine's
# own 32 MiB would run the float32 groups of 128^3 below as plain sweeps, tyl_mem_host.c)
export TYLES_L3=192M
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/timetile_$1"; else fail=$((fail + 1)); echo "FAIL dist/timetile_$1: expected $2, got $3"; fi; }
cd "$T" || exit 2
"$ROOT/bin/tylesc" "$ROOT/tests/programs/timetile_jacobi2d.tyl" --time-tile=4 -o prog || { echo "FAIL dist/timetile_compile"; exit 1; }
# the same program without time tiling: its layouts' halos one step deep
"$ROOT/bin/tylesc" "$ROOT/tests/programs/timetile_jacobi2d.tyl" --time-tile=off -o narrow || { echo "FAIL dist/timetile_compile"; exit 1; }
mkdir one && (cd one && timeout 60 ./../prog >out.txt)
for np in 2 3 4; do
    mkdir on$np off$np
    (cd on$np && timeout 60 $MPIRUN -np $np ../prog --stats >out.txt 2>err.txt)
    (cd off$np && TYLES_TIME_TILE=off timeout 60 $MPIRUN -np $np ../prog --stats >out.txt 2>err.txt)
    got="$(grep -o 'exchanges *[0-9]*' on$np/err.txt | tr -s ' '), $(grep -o 'exchanges *[0-9]*' off$np/err.txt | tr -s ' ') step by step, $(grep -o '[0-9]* groups of steps on deep halos' on$np/err.txt)"
    check "np${np}_exchanges" "exchanges 8, exchanges 23 step by step, 5 groups of steps on deep halos" "$got"
    # the exchange before a group sends u (read first) 4 rows deep and un (written first) only on
    # the global boundary within those rows, the two columns no sweep writes: at 2 ranks 5 groups
    # x 2 ranks x (4 x 47 + 8) x 8 B, and 3 single steps x 2 ranks x 47 x 8 B, 0.018 MB (before:
    # un 4 rows deep too, 0.032 MB; 3 and 4 ranks 0.065 and 0.079 MB; at 4 ranks 0.044 MB while
    # any write made every halo zone stale, the first group's rows above and below the blocks
    # now left out: tyl_dirty_box, below)
    case $np in 2) want=0.018 ;; 3) want=0.036 ;; 4) want=0.043 ;; esac
    check "np${np}_deep_bytes" "$want MB sent" "$(grep -o '[0-9.]* MB sent' on$np/err.txt)"
    # stepping (TYLES_TIME_TILE=off) sends one step's halo, the bytes of a build without tiling
    # (before: the K-steps-deep halo every step, 4 times the bytes)
    mkdir narrow$np
    (cd narrow$np && timeout 60 $MPIRUN -np $np ../narrow --stats >out.txt 2>err.txt)
    check "np${np}_step_bytes" "$(grep -o '[0-9.]* MB sent' narrow$np/err.txt)" "$(grep -o '[0-9.]* MB sent' off$np/err.txt)"
    check "np${np}_equal" "equal" "$(cmp -s one/u.npy on$np/u.npy && cmp -s one/un.npy on$np/un.npy && cmp -s one/out.txt on$np/out.txt && cmp -s one/u.npy off$np/u.npy && echo equal || echo different)"
    # direct messages (TYLES_XCHG_DIRECT_MIN=1: pieces of any size; by default 64 KiB): where the
    # grid splits the rows only (2x1, 3x1), u's rows go straight from array to array, and every
    # other piece (un's boundary, strided) as an MPI datatype: a message per piece, the same
    # results; 36, 72 and 120 messages (26, 52 and 80 while only whole rows went so, the strided
    # pieces packed into one message per peer; 84 at 4 ranks while any write made every halo
    # zone stale: the first group's exchange finds the zones above and below the blocks current,
    # as the block u[10:20, 15:30] = 0.5 written after the zero fill crosses only the column
    # boundary, tyl_dirty_box)
    mkdir direct$np
    (cd direct$np && TYLES_XCHG_DIRECT_MIN=1 timeout 60 $MPIRUN -np $np -x TYLES_XCHG_DIRECT_MIN ../prog --stats >out.txt 2>err.txt)
    case $np in 2) want=36 ;; 3) want=72 ;; 4) want=120 ;; esac
    check "np${np}_direct" "exchanges 8, $want messages, equal" "$(grep -o 'exchanges *[0-9]*, [0-9]* messages' direct$np/err.txt | tr -s ' '), $(cmp -s one/u.npy direct$np/u.npy && cmp -s one/out.txt direct$np/out.txt && echo equal || echo different)"
done
# Outside time tiles, an exchange ended before its sweep writes anything (a sweep that writes
# back into an array it reads runs whole, after the exchange: pass_sched_writeback; or any
# sweep under --no-overlap) sends such pieces directly too (tyl_halo_begin_now_; before, only
# the deep exchange did; hdiff 256x256x160 on 2 ranks: halo pack 5.9 -> 1.2 ms, halo wait 17.8
# -> 8.8 ms over 40 steps, bench/RESULTS.md 2026-12-06 h69). tests/programs/writeback_2d.tyl on
# 2x1: 0.085 MB with TYLES_XCHG_DIRECT_MIN=1 (whole rows, padding included) against 0.083
# packed, byte for byte the one-rank result.
"$ROOT/bin/tylesc" "$ROOT/tests/programs/writeback_2d.tyl" -o wb || { echo "FAIL dist/timetile_compile"; exit 1; }
mkdir wb1 wb_packed wb_direct
(cd wb1 && timeout 60 ../wb >out.txt)
(cd wb_packed && timeout 60 $MPIRUN -np 2 ../wb --stats >out.txt 2>err.txt)
(cd wb_direct && TYLES_XCHG_DIRECT_MIN=1 timeout 60 $MPIRUN -np 2 -x TYLES_XCHG_DIRECT_MIN ../wb --stats >out.txt 2>err.txt)
same=equal
for f in wb1/*.npy wb1/out.txt; do cmp -s $f wb_packed/${f#*/} && cmp -s $f wb_direct/${f#*/} || same=different; done
check "writeback_direct" "0.083 MB sent, 0.085 MB sent, equal" \
    "$(grep -o '[0-9.]* MB sent' wb_packed/err.txt), $(grep -o '[0-9.]* MB sent' wb_direct/err.txt), $same"
# The buffer a group writes first travels only on the global boundary: under grids that split
# the rows, the columns or both (tests/programs/timetile_swap_boundaries*.tyl, whose buffers
# have different boundaries, rewritten between time loops), byte for byte the one-rank result.
for p in timetile_swap_boundaries:2:1x2 timetile_swap_boundaries:4:4x1 timetile_swap_boundaries:4:1x4 \
         timetile_swap_boundaries:4:2x2 timetile_swap_boundaries3d:2:1x2x1 timetile_swap_boundaries3d:2:1x1x2 \
         timetile_swap_boundaries3d:4:2x2x1 timetile_swap_boundaries3d:4:1x2x2 timetile_swap_boundaries3d:3:3x1x1; do
    IFS=: read -r name np grid <<<"$p"
    [ -x $name ] || "$ROOT/bin/tylesc" "$ROOT/tests/programs/$name.tyl" --time-tile=3 -o $name || { echo "FAIL dist/timetile_compile"; exit 1; }
    [ -d one_$name ] || { mkdir one_$name && (cd one_$name && timeout 60 ../$name >out.txt); }
    groups=6 # 3 time loops of 7 steps, 2 groups each (2 loops in 3-D)
    case $name in *3d) groups=4 ;; esac
    for min in 65536 1; do # packed; direct messages where the grid splits the rows only
        d=${name}_${grid}_$min
        mkdir $d
        (cd $d && TYLES_XCHG_DIRECT_MIN=$min timeout 60 $MPIRUN -np $np -x TYLES_XCHG_DIRECT_MIN ../$name --procs=$grid --stats >out.txt 2>err.txt)
        check "${name#timetile_}_${grid}_min$min" "equal, $groups groups" "$(cmp -s one_$name/u.npy $d/u.npy && cmp -s one_$name/un.npy $d/un.npy && cmp -s one_$name/out.txt $d/out.txt && echo equal || echo different), $(grep -o '[0-9]* groups' $d/err.txt)"
    done
done
# --time-tile=auto on several ranks (timetile_auto.tyl, tiled at compile time: 8 steps a group,
# 40 steps): a group runs on deep halos only when the points its grown boxes add stay within a
# tenth of the rank's points. N=512 on 2 ranks (256 rows each): on deep halos, in groups of 32
# steps as on one rank (the deep halos are sized for 4K steps, N's default being known): 32 and
# 8, 2 groups and 1 exchange (16, 16 and 8 and 2 exchanges while they were sized for 2K; 5 groups
# of 8 and 4 exchanges while sized for K); at 3 ranks (170 rows) and 4 (2x2) a group of 32 does
# not pay and runs as two of 16: 16, 16 and 8 (2x2: 3 exchanges); TYLES_TT_DOUBLE=0 keeps
# groups of 8 (5). N=48 (24 rows each, about 15 % more): all stepped (a group of 32 whose edges
# do not pay runs as two of 16, each as two of 8, each deciding for itself), exchanging every
# step: 40 exchanges (39 while the halos were 16 rows deep: the zero fill left them current and
# u[0, :] = 1.0 wrote no point a halo held; 32 rows deep, rank 1's holds row 0); all byte for
# byte the one-rank result.
"$ROOT/bin/tylesc" "$ROOT/tests/dist/timetile_auto.tyl" -o auto || { echo "FAIL dist/timetile_auto_compile"; exit 1; }
for run in 512:2 48:2 512:3 512:4 512:2:0; do
    IFS=: read -r n np dbl <<<"$run"
    d=auto${np}_$n${dbl:+_$dbl}
    [ -d auto1_$n ] || { mkdir auto1_$n && (cd auto1_$n && timeout 60 ../auto --N=$n >out.txt); }
    mkdir $d
    (cd $d && env ${dbl:+TYLES_TT_DOUBLE=$dbl} TYLES_TT_VERBOSE=1 timeout 60 $MPIRUN -np $np -x TYLES_TT_VERBOSE ../auto --N=$n --stats >out.txt 2>err.txt)
    got="$(grep -o 'exchanges *[0-9]*' $d/err.txt | tr -s ' '), $(grep -o '[0-9]* groups of steps on deep halos, [0-9]* stepped' $d/err.txt), $(grep -o '^tyles: [0-9]* steps on deep' $d/err.txt | grep -o '[0-9]*' | tr '\n' ' ')"
    case $run in
    512:2) want="exchanges 1, 2 groups of steps on deep halos, 0 stepped, 32 8 " ;;
    512:3) want="exchanges 2, 3 groups of steps on deep halos, 0 stepped, 16 16 8 " ;;
    512:4) want="exchanges 3, 3 groups of steps on deep halos, 0 stepped, 16 16 8 " ;;
    512:2:0) want="exchanges 4, 5 groups of steps on deep halos, 0 stepped, 8 8 8 8 8 " ;;
    *) want="exchanges 40, 0 groups of steps on deep halos, 5 stepped, " ;;
    esac
    check "auto_n${n}_np${np}${dbl:+_double$dbl}" "$want" "$got"
    check "auto_n${n}_np${np}${dbl:+_double$dbl}_equal" "equal" "$(cmp -s auto1_$n/u.npy $d/u.npy && echo equal || echo different)"
done
# With K forced the deep halos are sized for K steps: TYLES_TT_DOUBLE=1 records groups of 8
# steps of timetile_wave2d (K = 4, 17 steps, three time levels rotated), which cannot run 8
# steps deep and run as two groups of 4 on deep halos each (run_halves): 4 groups, 5
# exchanges, byte for byte the one-rank result (with the first half run twice, u and um differ).
"$ROOT/bin/tylesc" "$ROOT/tests/programs/timetile_wave2d.tyl" --time-tile=4 -o wave || { echo "FAIL dist/timetile_compile"; exit 1; }
mkdir wave1 halves2
(cd wave1 && timeout 60 ../wave >out.txt)
(cd halves2 && TYLES_TT_DOUBLE=1 timeout 60 $MPIRUN -np 2 -x TYLES_TT_DOUBLE ../wave --stats >out.txt 2>err.txt)
check "halves_np2" "exchanges 5, 4 groups of steps on deep halos, 0 stepped, equal" \
    "$(grep -o 'exchanges *[0-9]*' halves2/err.txt | tr -s ' '), $(grep -o '[0-9]* groups of steps on deep halos, [0-9]* stepped' halves2/err.txt), $(cmp -s wave1/u.npy halves2/u.npy && cmp -s wave1/um.npy halves2/um.npy && cmp -s wave1/out.txt halves2/out.txt && echo equal || echo different)"
# Ranks of one thread on one node share its L3 and memory as threads do, so a 3-D group's tiles
# are the deeper ones of several threads (tyl_ttplan.c): bench/jacobi3d.tyl at N=128, 8 steps (one
# group) on 2 ranks, tiles of 24 planes x 12 lines (one thread's 16 x 8 before, what one rank
# still takes), byte for byte the one-rank result; the same 24 x 12 on the grid 2x1x1, a line's
# bytes being its allocated row whichever axes the halos widen (18 x 9 on 1x2x1 and 22 x 11 on
# 2x1x1 while the plane's bytes over the columns written counted the halo columns as more bytes
# a line). The tiles depend on a core's L2 (the deeper tiles stay within it): TYLES_TT_L2=2M
# plans as on a machine with 2 MiB, whatever this one has; with 1 MiB the two ranks keep one
# rank's 16 x 8. A group of 2K steps whose tiles within the L2 would be thin takes K's tiles
# in two budgets (tyl_tt_spill_budget_): bench/jacobi3d_f32.tyl at N=128, 16 steps, a budget
# and an L2 of 512 KiB (2K steps in the L2: 6 x 3), one group of 16 in K's 14 x 7 (two groups
# of 8 before; 16 x 8 before float32 rows of 3-D arrays were padded to whole cache lines, 130
# elements to 144: tyl_dist.c padded_row), byte for byte the run stepped one step at a time.
# A program with a time-tiled loop over 3-D arrays takes the grid 1x2x1 on 2 ranks and 1x3x1 on
# 3, where MPI_Dims_create gives 2x1x1 and 3x1x1: the ranks split the middle axis as a rank's
# threads split it into bands (tyl_dist.c dims_default); 2x2x1 on 4 as before, and --procs still
# chooses (2x1x1: 24 x 12). The same program compiled --time-tile=off keeps 2x1x1, and so does a
# time-tiled program whose arrays' first two extents differ (timetile_swap_boundaries3d, 16 x 13
# x L: square_planes in emit_host.c).
"$ROOT/bin/tylesc" "$ROOT/bench/jacobi3d.tyl" -o j3 || { echo "FAIL dist/timetile_j3_compile"; exit 1; }
"$ROOT/bin/tylesc" "$ROOT/bench/jacobi3d.tyl" --time-tile=off -o j3off || { echo "FAIL dist/timetile_j3_compile"; exit 1; }
mkdir j3_1 j3_2 j3_2x j3_3 j3_4 j3off_2
(cd j3_1 && TYLES_TT_L2=2M TYLES_TT_VERBOSE=1 timeout 60 ../j3 --N=128 --steps=8 >out.txt 2>err.txt)
(cd j3_2 && TYLES_TT_L2=2M TYLES_TT_VERBOSE=1 timeout 60 $MPIRUN -np 2 -x TYLES_TT_L2 ../j3 --N=128 --steps=8 --stats >out.txt 2>err.txt)
(cd j3_2x && TYLES_TT_L2=2M TYLES_TT_VERBOSE=1 timeout 60 $MPIRUN -np 2 -x TYLES_TT_L2 ../j3 --N=128 --steps=8 --stats --procs=2x1x1 >out.txt 2>err.txt)
mkdir j3_2m && (cd j3_2m && TYLES_TT_L2=1M TYLES_TT_VERBOSE=1 timeout 60 $MPIRUN -np 2 -x TYLES_TT_L2 ../j3 --N=128 --steps=8 >out.txt 2>err.txt)
"$ROOT/bin/tylesc" "$ROOT/bench/jacobi3d_f32.tyl" -o j3f || { echo "FAIL dist/timetile_j3f_compile"; exit 1; }
mkdir j3f_1 j3f_off
(cd j3f_1 && TYLES_TT_CACHE=512K TYLES_TT_L2=512K TYLES_TT_VERBOSE=1 timeout 60 ../j3f --N=128 --steps=16 >out.txt 2>err.txt)
(cd j3f_off && TYLES_TIME_TILE=off timeout 60 ../j3f --N=128 --steps=16 >out.txt 2>err.txt)
check "j3f_doubled" "16 steps in tiles of 14 rows x 7 columns, equal" \
    "$(grep -o '[0-9]* steps in tiles of [0-9]* rows x [0-9]* columns' j3f_1/err.txt), $(cmp -s j3f_1/u.npy j3f_off/u.npy && echo equal || echo different)"
# The same group past the last-level cache runs as plain sweeps, one after another: float32
# planes there stream faster than they tile (tyl_ttplan.c tyl_tt_plain_planes_). TYLES_STREAM=1
# streams every sweep, as arrays past the cache do; the group of 16 then runs as two of 8 in
# order, and TYLES_TIME_TILE=on keeps its tiles; on 2 ranks it steps (halos one step deep,
# not the deep halos' grown boxes). All byte for byte the run stepped.
mkdir j3f_plain j3f_on j3f_plain2
(cd j3f_plain2 && TYLES_STREAM=1 TYLES_TT_CACHE=512K TYLES_TT_L2=512K timeout 60 $MPIRUN -np 2 -x TYLES_STREAM -x TYLES_TT_CACHE -x TYLES_TT_L2 ../j3f --N=128 --steps=16 --stats >out.txt 2>err.txt)
(cd j3f_plain && TYLES_STREAM=1 TYLES_TT_CACHE=512K TYLES_TT_L2=512K TYLES_TT_VERBOSE=1 timeout 60 ../j3f --N=128 --steps=16 >out.txt 2>err.txt)
(cd j3f_on && TYLES_TIME_TILE=on TYLES_STREAM=1 TYLES_TT_CACHE=512K TYLES_TT_L2=512K TYLES_TT_VERBOSE=1 timeout 60 ../j3f --N=128 --steps=16 >out.txt 2>err.txt)
check "j3f_plain" "8 steps in order 2 times, equal; on: 16 steps in tiles of 14 rows x 7 columns, equal; 2 ranks: 0 groups of steps on deep halos, 2 stepped, equal" \
    "$(grep -o '[0-9]* steps in order' j3f_plain/err.txt | sort -u) $(grep -c 'steps in order' j3f_plain/err.txt) times, $(cmp -s j3f_plain/u.npy j3f_off/u.npy && echo equal || echo different); on: $(grep -o '[0-9]* steps in tiles of [0-9]* rows x [0-9]* columns' j3f_on/err.txt), $(cmp -s j3f_on/u.npy j3f_off/u.npy && echo equal || echo different); 2 ranks: $(grep -o '[0-9]* groups of steps on deep halos, [0-9]* stepped' j3f_plain2/err.txt), $(cmp -s j3f_plain2/u.npy j3f_off/u.npy && echo equal || echo different)"
# float64 takes plain sweeps only on one core (one thread, one rank on the node) and only where
# each 3-D array alone is past the cache (tyl_ttplan.c wide_plain; TYLES_STREAM=1 streams every
# sweep): its rows are then padded to whole lines (tyl_dist.c padded_row); 2 threads and 2 ranks
# of one thread keep the tiles. All byte for byte the run stepped.
mkdir j3_plain j3_plain2t j3_plain2r j3_stepped
(cd j3_plain && TYLES_STREAM=1 TYLES_TT_VERBOSE=1 timeout 60 ../j3 --N=128 --steps=16 >out.txt 2>err.txt)
(cd j3_plain2t && OMP_NUM_THREADS=2 TYLES_STREAM=1 TYLES_TT_VERBOSE=1 timeout 60 ../j3 --N=128 --steps=16 >out.txt 2>err.txt)
(cd j3_plain2r && TYLES_STREAM=1 TYLES_TT_VERBOSE=1 timeout 60 $MPIRUN -np 2 -x TYLES_STREAM -x TYLES_TT_L2 -x TYLES_TT_VERBOSE ../j3 --N=128 --steps=16 >out.txt 2>err.txt)
(cd j3_stepped && TYLES_TIME_TILE=off timeout 60 ../j3 --N=128 --steps=16 >out.txt 2>err.txt)
check "j3_plain" "8 steps in order 2 times, equal; 2 threads: 16 steps in tiles of 18 rows x 9 columns, equal; 2 ranks: 8 steps in tiles of 24 rows x 12 columns, equal" \
    "$(grep -o '[0-9]* steps in [a-z]*' j3_plain/err.txt | sort -u) $(grep -c 'steps in' j3_plain/err.txt) times, $(cmp -s j3_plain/u.npy j3_stepped/u.npy && echo equal || echo different); 2 threads: $(grep -o '[0-9]* steps in tiles of [0-9]* rows x [0-9]* columns' j3_plain2t/err.txt | sort -u), $(cmp -s j3_plain2t/u.npy j3_stepped/u.npy && echo equal || echo different); 2 ranks: $(grep -o '[0-9]* steps in tiles of [0-9]* rows x [0-9]* columns' j3_plain2r/err.txt | sort -u), $(cmp -s j3_plain2r/u.npy j3_stepped/u.npy && echo equal || echo different)"
# The plain kernels stream their stores (and prefetch) when what they move, times the ranks on
# the node, is past a quarter of its L3 (3-D rows; tyl_mem_host.c past_cache): N = 128, 4 steps
# of 16 MB (--stats counts the kernel calls that streamed: 4 sweeps, not the 2 fills of a face):
# with an L3 of 32 MiB all 4, of 192 MiB none; on 2 ranks (8 MB each) with 96 MiB all 8 (before,
# h106: none, each rank's 8 MB against the whole L3) and with 160 MiB none; 2 threads as 1.
mkdir j3_st32 j3_st192 j3_st2r j3_st2r160 j3_st2t
(cd j3_st32 && TYLES_L3=32M TYLES_TIME_TILE=off timeout 60 ../j3 --N=128 --steps=4 --stats >out.txt 2>err.txt)
(cd j3_st192 && TYLES_TIME_TILE=off timeout 60 ../j3 --N=128 --steps=4 --stats >out.txt 2>err.txt)
(cd j3_st2r && TYLES_L3=96M TYLES_TIME_TILE=off timeout 60 $MPIRUN -np 2 -x TYLES_L3 -x TYLES_TIME_TILE ../j3 --N=128 --steps=4 --stats >out.txt 2>err.txt)
(cd j3_st2r160 && TYLES_L3=160M TYLES_TIME_TILE=off timeout 60 $MPIRUN -np 2 -x TYLES_L3 -x TYLES_TIME_TILE ../j3 --N=128 --steps=4 --stats >out.txt 2>err.txt)
(cd j3_st2t && OMP_NUM_THREADS=2 TYLES_L3=32M TYLES_TIME_TILE=off timeout 60 ../j3 --N=128 --steps=4 --stats >out.txt 2>err.txt)
stream_of() { sed -n 's/^  streamed *\([0-9]* of [0-9]*\) kernel calls.*/\1/p' "$1/err.txt"; }
check "stream_share" "32 MiB 4 of 6, 192 MiB 0 of 6; 2 ranks 96 MiB 8 of 20, 160 MiB 0 of 20, equal; 2 threads 8 of 10, equal" \
    "32 MiB $(stream_of j3_st32), 192 MiB $(stream_of j3_st192); 2 ranks 96 MiB $(stream_of j3_st2r), 160 MiB $(stream_of j3_st2r160), $(cmp -s j3_st2r/u.npy j3_st32/u.npy && cmp -s j3_st2r160/u.npy j3_st32/u.npy && cmp -s j3_st192/u.npy j3_st32/u.npy && echo equal || echo different); 2 threads $(stream_of j3_st2t), $(cmp -s j3_st2t/u.npy j3_st32/u.npy && echo equal || echo different)"
(cd j3_3 && timeout 60 $MPIRUN -np 3 ../j3 --N=64 --steps=2 --stats >out.txt 2>err.txt)
(cd j3_4 && timeout 60 $MPIRUN -np 4 ../j3 --N=64 --steps=2 --stats >out.txt 2>err.txt)
(cd j3off_2 && timeout 60 $MPIRUN -np 2 ../j3off --N=64 --steps=2 --stats >out.txt 2>err.txt)
mkdir sb3_2 && (cd sb3_2 && timeout 60 $MPIRUN -np 2 ../timetile_swap_boundaries3d --stats >out.txt 2>err.txt)
check "j3_tiles" "16 rows x 8 columns, 24 rows x 12 columns, equal, 1 MiB 16 rows x 8 columns" \
    "$(grep -o '[0-9]* rows x [0-9]* columns' j3_1/err.txt), $(grep -o '[0-9]* rows x [0-9]* columns' j3_2/err.txt | sort -u), $(cmp -s j3_1/u.npy j3_2/u.npy && echo equal || echo different), 1 MiB $(grep -o '[0-9]* rows x [0-9]* columns' j3_2m/err.txt | sort -u)"
# On 1x2x1 the deep halo of u is 8 planes of the middle axis: strided, it goes from array to
# array as an MPI datatype (64 KiB or more, TYLES_XCHG_DIRECT_MIN), a message of its own beside
# the packed one of un's boundary: 4 messages, the same 4.324 MB (2 while it was packed and
# unpacked: Jacobi 3-D f64 N=256, 120 steps, halo wait 36 -> 21 ms and pack 16 -> 2.3 ms,
# bench/RESULTS.md 2026-12-06 h74).
check "j3_typed" "exchanges 1, 4 messages, 4.324 MB sent" "$(grep -o 'exchanges *[0-9]*, [0-9]* messages, [0-9.]* MB sent' j3_2/err.txt | tr -s ' ')"
check "j3_grids" "grid 1x2x1, grid 2x1x1 24 rows x 12 columns equal, grid 1x3x1, grid 2x2x1, plain grid 2x1x1, 16 x 13 grid 2x1x1" \
    "$(grep -o 'grid [0-9x]*' j3_2/err.txt), $(grep -o 'grid [0-9x]*' j3_2x/err.txt) $(grep -o '[0-9]* rows x [0-9]* columns' j3_2x/err.txt | sort -u) $(cmp -s j3_1/u.npy j3_2x/u.npy && echo equal || echo different), $(grep -o 'grid [0-9x]*' j3_3/err.txt), $(grep -o 'grid [0-9x]*' j3_4/err.txt), plain $(grep -o 'grid [0-9x]*' j3off_2/err.txt), 16 x 13 $(grep -o 'grid [0-9x]*' sb3_2/err.txt)"
# Loops nested in a loop that prints or saves, Neumann copies and in-place updates are tiled
# (pass_sched_timetile's walk, pass_copysem's disjoint ranges, pass_rotate's inplace): before,
# they stepped. timetile_inplace_1d (K = 6: a diffusion in place nested in a print loop, 3 x 8
# steps, a group and 2 single steps each; an upwind advection in place, 13 steps, 2 groups)
# runs 5 groups on one rank, and on 4 ranks, whose blocks of 5-6 points are thinner than the
# 6-deep halo, 5 groups on deep halos and 12 exchanges (37 step by step);
# timetile_nested_neumann_while (K = 3, a while loop saving every 4 steps, 3 frames) on 3 ranks
# 3 groups and 6 exchanges (12); byte for byte the one-rank results.
for run in timetile_inplace_1d:6:4:5:12:37 timetile_nested_neumann_while:3:3:3:6:12; do
    IFS=: read -r name K np groups xon xoff <<<"$run"
    "$ROOT/bin/tylesc" "$ROOT/tests/programs/$name.tyl" --time-tile=$K -o $name || { echo "FAIL dist/timetile_compile"; exit 1; }
    mkdir one_$name on_$name off_$name
    (cd one_$name && TYLES_TT_VERBOSE=1 timeout 60 ../$name >out.txt 2>err.txt)
    (cd on_$name && timeout 60 $MPIRUN -np $np ../$name --stats >out.txt 2>err.txt)
    (cd off_$name && TYLES_TIME_TILE=off timeout 60 $MPIRUN -np $np -x TYLES_TIME_TILE ../$name --stats >out.txt 2>err.txt)
    same=equal
    for f in one_$name/*.npy one_$name/out.txt; do cmp -s $f on_$name/${f#*/} && cmp -s $f off_$name/${f#*/} || same=different; done
    check "${name#timetile_}_np$np" "$groups groups on one rank, exchanges $xon, $groups groups of steps on deep halos, 0 stepped, exchanges $xoff step by step, equal" \
        "$(grep -c 'steps in tiles' one_$name/err.txt) groups on one rank, $(grep -o 'exchanges *[0-9]*' on_$name/err.txt | tr -s ' '), $(grep -o '[0-9]* groups of steps on deep halos, [0-9]* stepped' on_$name/err.txt), $(grep -o 'exchanges *[0-9]*' off_$name/err.txt | tr -s ' ') step by step, $same"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

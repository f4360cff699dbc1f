#!/bin/sh
# Vectorised kernels (issue 14): every benchmark kernel's hot loop vectorises, with gcc and with
# clang, without a run-time alias test; the schedule says why (pass_sched_vec); streamed stores
# keep NumPy's results.
#   1. bench/vecreport.py compiles bench/*.tyl and tests/programs/many_reads_inplace.tyl with
#      -O3 -march=x86-64-v3 into objects and reads their assembly: each kernel inside a time loop
#      must be packed at 256 bits, and gcc must not report a loop versioned for aliasing
#      (x86-64 only; a compiler that is not installed is skipped with a message).
#   2. --dump=sched: every sweep of bench/burgers2d.tyl is '# vec simd inner loop', the fused
#      Burgers update may stream u and v and prefetch the leading rows of un and vn (within the
#      row: a 2-D grid's rows are long; with cc and clang the object has a prefetch), a reduction
#      has no '# vec' line, and a sweep that reads its own target at offsets (written to a
#      scratch box) does not stream.
#   3. tyl_stream_f64/f32 (tyles.h, inlined into the kernels) store every element
#      non-temporally, the unaligned ends too: a plain store among streamed ones costs a
#      memory round trip (x86-64, with cc and clang where installed); their 32-byte (AVX)
#      form copies every length at every offset (tests/unit/test_threads.c: the 16-byte one).
#   4. many_reads_inplace, burgers2d, heat3d, poisson3d_f32_source, hdiff_limiter_stages vs NumPy with
#      TYLES_STREAM=1 TYLES_PREFETCH=1 TYLES_BLOCK_ROWS=3 TYLES_PAD_ROWS=1 (every eligible store
#      non-temporal, rows prefetched, 3-D sweeps in blocks of 3 rows, the rows of 3-D arrays
#      with halos padded to whole cache lines) at 1 and 2 ranks: bitwise equal.
#   5. 3-D Jacobi float32 (bench/jacobi3d_f32.tyl): its sweep's rows are stored from vector
#      registers, and its leading rows prefetched (--dump=sched says so; with cc and clang, the
#      object's code has a non-temporal store after the multiply with no branch between, and a
#      prefetch), not through a buffer copied by tyl_stream_f32 (x86-64); its sweep runs in
#      blocks of rows (sched PF_BLOCK).
#   6. --dump=sched: 3-D sweeps that read an array at several planes run in blocks of rows, with
#      the rows live the run time sizes the blocks by; one that does not keeps rows prefetched.
#   7. --dump=sched: a kernel whose stages roll (bench/hdiff.tyl, and with --stage-chains)
#      prefetches per array the read whose rows come first over its row loops, in that loop:
#      in_field's leading plane in lap's rows (computed two rows ahead), coeff in the value's;
#      hdiff_limiter_stages runs with TYLES_PREFETCH=1 in 4.
#   8. One element read through views written differently is one read of the kernel (one
#      pointer, one load: emit_view_eq's compile-time facts): hdiff's value kernel, whose
#      inlined fluxes read in_field's centre five times over (in_field[2:I + 2, 2:J + 2] and
#      the composed slices of flx and fly), takes 9 read pointers (5 of them its Laplacian's),
#      not 15; samples/gray_scott.tyl's update, which reads V's centre in the Laplacian and the reaction
#      terms, 6, not 8. Their results are checked against NumPy in tests/programs.
#   9. A rolled kernel carries the fluxes its value reads at two neighbouring rows (pass_sched_carry, emit_stages.c):
#      bench/hdiff.tyl's flx (along dimension 0: a plane) and fly (along 1: a row), each
#      computed once a point in the loop that reads the lower one from its buffer, and the
#      loop that computes both for a block's first row and a tile's first column. Results:
#      tests/programs (hdiff_limiter_stages, dist_aligned_hdiff, ... bitwise at 1-4 ranks).
#  10. Row blocks or whole planes, timed by the run (tyl_mem_block_rows_at, tyl_mem_host.c): a
#      blocked 3-D sweep (bench/jacobi3d.tyl's) keeps a choice a thread and closes each call;
#      with blocks forced small (TYLES_PREFETCH=1 TYLES_TT_L2=4096: blocks of 8 rows of 21)
#      tests/programs/poisson3d_f32_source decides its loop's blocked sweep after 6 calls (the
#      coarse grid's, called once, does not: TYLES_BLOCK_CHOICE=show), and with TYLES_BLOCK_CHOICE=model or TYLES_BLOCK_ROWS set
#      times nothing; it and heat3d, whose first calls run both ways, equal NumPy bitwise at 1
#      and 2 ranks, 2 threads.
#  11. The loop that reads hdiff's carried fluxes also stores in_field at the point from the value
#      it stores into out_field (pass_sched_carry's wb_carry: no separate write-back pass over
#      the rows); tests/programs/writeback_carried*.tyl bitwise at 1-4 ranks.
# Usage: tests/vec/run.sh [TYLESC]
set -u
TYLESC=${1:-bin/tylesc}
PY=${PYTHON:-python3}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

case $(uname -m) in
x86_64)
    if out=$($PY bench/vecreport.py --tylesc "$TYLESC" --require 256 --cflags "-O3 -march=x86-64-v3" \
            bench/burgers2d.tyl bench/hdiff.tyl bench/jacobi2d.tyl bench/jacobi2d_f32.tyl \
            bench/jacobi3d.tyl bench/jacobi3d_f32.tyl bench/gray_scott.tyl tests/programs/many_reads_inplace.tyl 2>&1); then
        ok "vecreport/bench_kernels_256bit"
    else
        bad "vecreport/bench_kernels_256bit" "a hot loop is not vectorised at 256 bits"
    fi
    printf '%s\n' "$out" | sed 's/^/    /'
    ;;
*) echo "vecreport: skipped on $(uname -m) (reads x86 assembly)" ;;
esac

if [ "$(uname -m)" = x86_64 ]; then
    S=$(mktemp -d)
    printf '#include "tyles.h"\nvoid t64(double *d, const double *s, int64_t n) { tyl_stream_f64(d, s, n); }\nvoid t32(float *d, const float *s, int64_t n) { tyl_stream_f32(d, s, n); }\n' >"$S/nt.c"
    for cc in cc clang; do
        command -v $cc >/dev/null 2>&1 || { echo "stream/all_nontemporal_$cc: skipped ($cc not installed)"; continue; }
        for fl in -O2 "-O3 -march=x86-64-v3"; do
            # stores: a mov whose last operand is memory
            asm=$($cc -std=c11 $fl -Isrc/runtime_mpi -S "$S/nt.c" -o - 2>&1)
            st=$(printf '%s\n' "$asm" | grep -E '^[[:space:]]+v?mov[a-z0-9]*[[:space:]]+[^,]+,[[:space:]]*[^%$,]*\(')
            plain=$(printf '%s\n' "$st" | grep -v 'movnt' | grep -c .)
            nt=$(printf '%s\n' "$st" | grep -c 'movnt')
            if [ "$plain" = 0 ] && [ "$nt" -ge 6 ]; then
                ok "stream/all_nontemporal_${cc}_$(echo $fl | tr ' =' '__')"
            else
                bad "stream/all_nontemporal_${cc}_$(echo $fl | tr ' =' '__')" "$nt non-temporal, $plain plain stores: $(printf '%s\n' "$st" | grep -v movnt | head -3)"
            fi
        done
    done
    # the 32-byte (AVX) copies element for element, on a machine that runs them
    if grep -q ' avx2' /proc/cpuinfo 2>/dev/null; then
        cat >"$S/copy.c" <<'C'
#include <string.h>
#include "tyles.h"
int main(void)
{
    _Alignas(64) double d[160], s[160];
    _Alignas(64) float e[160], t[160];
    int bad = 0;
    for (int i = 0; i < 160; i++) s[i] = i + 0.5, t[i] = (float)i + 0.25f;
    for (int off = 0; off < 16; off++)
        for (int n = 0; n <= 100; n++) {
            memset(d, 0xa5, sizeof d);
            memset(e, 0xa5, sizeof e);
            tyl_stream_f64(d + 24 + off, s + 3, n);
            tyl_stream_f32(e + 24 + off, t + 5, n);
            for (int i = 0; i < 160; i++) {
                int in = i >= 24 + off && i < 24 + off + n;
                unsigned char g[8];
                memset(g, 0xa5, 8);
                bad += in ? d[i] != s[i - 24 - off + 3] : memcmp(&d[i], g, 8) != 0;
                bad += in ? e[i] != t[i - 24 - off + 5] : memcmp(&e[i], g, 4) != 0;
            }
        }
    return bad != 0;
}
C
        if cc -std=c11 -O2 -march=x86-64-v3 -Isrc/runtime_mpi "$S/copy.c" -o "$S/copy" && "$S/copy"; then
            ok stream/copy_32_bytes
        else
            bad stream/copy_32_bytes "an element differs or a guard was written"
        fi
    fi
    rm -rf "$S"
fi

d=$($TYLESC bench/burgers2d.tyl --dump=sched) || { bad sched/burgers "tylesc failed"; d=; }
n_sweeps=$(printf '%s\n' "$d" | grep -c '# sched kernel')
n_simd=$(printf '%s\n' "$d" | grep -c '# vec simd inner loop')
[ "$n_sweeps" -gt 0 ] && [ "$n_sweeps" = "$n_simd" ] && ok sched/burgers_simd || bad sched/burgers_simd "kernels $n_sweeps, simd $n_simd"
printf '%s\n' "$d" | grep -q 'large: stream u v; large: prefetch rows of un vn$' && ok sched/burgers_stream_prefetch ||
    bad sched/burgers_stream_prefetch "no '# vec ... stream u v; large: prefetch rows of un vn' line"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ "$(uname -m)" = x86_64 ]; then
    for cc in cc clang; do
        command -v $cc >/dev/null 2>&1 || { echo "prefetch/in_row_$cc: skipped ($cc not installed)"; continue; }
        $TYLESC bench/burgers2d.tyl -o "$T/bu.c" &&
            $cc -std=c11 -O2 -fopenmp -ffp-contract=off -fno-math-errno -fno-trapping-math -fwrapv -DTYL_NO_MPI \
                -Isrc/runtime_mpi -Wall -Wextra -c "$T/bu.c" -o "$T/bu.o" 2>"$T/cc.err" ||
            { bad "prefetch/in_row_$cc" "did not compile: $(head -5 "$T/cc.err")"; continue; }
        [ -s "$T/cc.err" ] && bad "prefetch/warnings_$cc" "$(head -5 "$T/cc.err")" || ok "prefetch/warnings_$cc"
        objdump -d --no-show-raw-insn "$T/bu.o" | grep -q 'prefetcht1' && ok "prefetch/in_row_$cc" ||
            bad "prefetch/in_row_$cc" "no prefetcht1 in Burgers' object"
    done
fi
cat >"$T/red_buf.tyl" <<'TYL'
import numpy as np
u = np.ones(100)
for t in range(3):
    u[1:-1] = u[:-2] + u[2:]
    s = np.sum(u)
print(s)
TYL
d=$($TYLESC "$T/red_buf.tyl" --dump=sched) || { bad sched/red_buf "tylesc failed"; d=; }
# the buffered sweep: simd (its values go to a scratch box), no stream; the reduction: neither
got=$(printf '%s\n' "$d" | sed -n '/^for/,$p' | grep -E '^ *# (sched|vec)' | sed 's/^ *//; s/, dirty.*//; s/^# sched kernel [0-9]*, /K /')
exp="K exchange begin; interior; exchange end; edges, into a scratch box, copied
# vec simd inner loop
K no exchange; box"
[ "$got" = "$exp" ] && ok sched/buffered_and_reduction || bad sched/buffered_and_reduction "got: $got"

d=$($TYLESC bench/jacobi3d_f32.tyl --dump=sched) || { bad sched/jacobi3d_f32 "tylesc failed"; d=; }
printf '%s\n' "$d" | grep -q 'large: stream un from vector registers; large: blocks of rows, prefetch planes of u, 4 rows live$' &&
    ok sched/jacobi3d_f32_vector_stream_prefetch || bad sched/jacobi3d_f32_vector_stream_prefetch "no such '# vec' line"
# 6. Row blocks (PF_BLOCK): a 3-D sweep that reads an array at several planes, u at three and f
#    at one: 3 + 1 + 1 + 1 rows live (the planes, and each array's one prefetched ahead); the
#    sweep du = un - u that reads each array at one plane keeps rows prefetched ahead, unblocked.
d=$($TYLESC tests/programs/poisson3d_f32_source.tyl --dump=sched) || { bad sched/row_blocks "tylesc failed"; d=; }
got=$(printf '%s\n' "$d" | sed -n 's/.*\(large: blocks of rows.*\)$/\1/p; s/.*\(large: prefetch rows of .*\)$/\1/p' |
    sort | uniq -c | sed 's/^ *//')
exp="1 large: blocks of rows, prefetch planes of u f, 6 rows live
1 large: blocks of rows, prefetch planes of uc, 4 rows live
1 large: prefetch rows of un u"
[ "$got" = "$exp" ] && ok sched/row_blocks || bad sched/row_blocks "got: $got"
for fl in "" --stage-chains; do
    d=$($TYLESC $fl bench/hdiff.tyl --dump=sched) || { bad "sched/rolled_prefetch$fl" "tylesc failed"; d=; }
    printf '%s\n' "$d" | grep -q "large: prefetch rows of in_field (lap's rows) coeff (the value's rows)$" &&
        ok "sched/rolled_prefetch$fl" || bad "sched/rolled_prefetch$fl" "$(printf '%s\n' "$d" | grep 'vec' | head -5)"
done
if [ "$(uname -m)" = x86_64 ]; then
    for cc in cc clang; do
        command -v $cc >/dev/null 2>&1 || { echo "stream/registers_$cc: skipped ($cc not installed)"; continue; }
        $TYLESC bench/jacobi3d_f32.tyl -o "$T/j3f.c" &&
            $cc -std=c11 -O3 -march=x86-64-v3 -fopenmp -ffp-contract=off -fno-math-errno -fno-trapping-math \
                -fwrapv -DTYL_NO_MPI -Isrc/runtime_mpi -Wall -Wextra -c "$T/j3f.c" -o "$T/j3f.o" 2>"$T/cc.err" ||
            { bad "stream/registers_$cc" "did not compile: $(head -5 "$T/cc.err")"; continue; }
        [ -s "$T/cc.err" ] && bad "stream/warnings_$cc" "$(head -5 "$T/cc.err")" || ok "stream/warnings_$cc"
        # a vmovntps after a vmulps with no jump between: the product stored as it is computed
        dis=$(objdump -d --no-show-raw-insn "$T/j3f.o")
        n=$(printf '%s\n' "$dis" | awk '/\tj[a-z]+ /{m = 0} /\tvmulps /{m = 1} /\tvmovntps /{if (m) n++} END {print n + 0}')
        [ "$n" -ge 1 ] && ok "stream/registers_$cc" || bad "stream/registers_$cc" "no vmovntps right after a vmulps"
        pf=$(printf '%s\n' "$dis" | grep -c 'prefetcht1')
        [ "$pf" -ge 1 ] && ok "stream/prefetch_$cc" || bad "stream/prefetch_$cc" "no prefetcht1"
    done
fi

# A kernel called on a small part (a tile of a time-tiled group: Burgers forced to K = 8 on a
# 64^2 grid, 4 tiles of 15 rows, 7 stage calls a tile a step) opens no parallel region: a region
# with a false if clause still allocates and frees a team of one in libgomp (emit_c.c). Counted
# with a GOMP_parallel wrapper preloaded (gcc's OpenMP; fewer than one region a step).
if [ "$(uname -m)" = x86_64 ] && command -v cc >/dev/null 2>&1 && cc -dM -E -x c /dev/null | grep -q __GNUC__ &&
    ! cc -dM -E -x c /dev/null | grep -q __clang__; then
    cat >"$T/gp.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
static long calls;
static void say(void) { fprintf(stderr, "GOMP_parallel calls: %ld\n", calls); }
void GOMP_parallel(void (*fn)(void *), void *data, unsigned nt, unsigned flags)
{
    static void (*real)(void (*)(void *), void *, unsigned, unsigned);
    if (!real) {
        real = (void (*)(void (*)(void *), void *, unsigned, unsigned))dlsym(RTLD_NEXT, "GOMP_parallel");
        atexit(say);
    }
    __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    real(fn, data, nt, flags);
}
C
    if cc -shared -fPIC -O2 "$T/gp.c" -o "$T/gp.so" -ldl &&
        $TYLESC --no-mpi --time-tile=8 bench/burgers2d.tyl -o "$T/burgers" >"$T/cc.log" 2>&1 &&
        (cd "$T" && OMP_NUM_THREADS=1 LD_PRELOAD="$T/gp.so" ./burgers --N=64 --steps=16 2>"$T/gp.log"); then
        n=$(sed -n 's/^GOMP_parallel calls: //p' "$T/gp.log")
        [ -n "$n" ] && [ "$n" -lt 16 ] && ok "teams/small_parts_no_region" ||
            bad "teams/small_parts_no_region" "${n:-no} GOMP_parallel calls in 16 steps: $(head -3 "$T/gp.log")"
    else
        bad "teams/small_parts_no_region" "did not build or run: $(head -5 "$T/cc.log" "$T/gp.log" 2>/dev/null)"
    fi
fi

# 8: the read pointers of the kernel that computes the value (the one with most of them)
most_reads() { "$TYLESC" "$1" -o - 2>/dev/null | awk '/^static TYL_KERNEL void tyl_k/ { n = 0; on = 1 }
    on { n += gsub(/const double \*(restrict )?r[0-9]+,/, "") } on && /^\{/ { on = 0; if (n > m) m = n }
    END { print m + 0 }'; }
for pr in "bench/hdiff.tyl 9" "samples/gray_scott.tyl 6"; do
    set -- $pr
    n=$(most_reads "$1")
    [ "$n" = "$2" ] && ok "reads/one_pointer_an_element $1" ||
        bad "reads/one_pointer_an_element $1" "the kernel with most reads takes $n read pointers, not $2"
done

# 9: two carry buffers, the loops that read them (two: one also stores in_field, 11) and the one
# that does not
c=$("$TYLESC" bench/hdiff.tyl -o - 2>/dev/null)
nb=$(printf '%s\n' "$c" | grep -c 'carried along dimension')
nl=$(printf '%s\n' "$c" | grep -c 'const double tyl_co[0-9]* = tyl_c[0-9]*r\[i2\];')
[ "$nb" = 2 ] && [ "$nl" = 4 ] && ok "carry/hdiff_fluxes" ||
    bad "carry/hdiff_fluxes" "$nb carry buffers, $nl carried reads (want 2, 4)"
# 11: the write back from registers: one loop stores the value into out_field (w1) and in_field
# (w2) from one local, and it is the loop that reads the carried fluxes
nw=$(printf '%s\n' "$c" | grep -A 14 'and the write back from registers' | grep -c '^ *w[12]r\[i2\] = tyl_v;\|tyl_co[12] = ')
[ "$nw" = 4 ] && ok "carry/hdiff_writeback_registers" ||
    bad "carry/hdiff_writeback_registers" "$nw stores of tyl_v and carried reads in the storing loop (want 4)"

# 10: the timed choice of row blocks
c=$("$TYLESC" bench/jacobi3d.tyl -o - 2>/dev/null)
nd=$(printf '%s\n' "$c" | grep -c '^    static _Thread_local tyl_blocks tyl_bc;$')
nc=$(printf '%s\n' "$c" | grep -c 'tyl_jb = tyl_mem_block_rows_at(&tyl_bc, 15, n0 \* n1 \* n2, n2 \* 8, 16, n1, 4);$')
ne=$(printf '%s\n' "$c" | grep -c '^    tyl_mem_block_end(&tyl_bc);$')
[ "$nd$nc$ne" = 111 ] && ok "blocks/timed_choice_emitted" ||
    bad "blocks/timed_choice_emitted" "$nd states, $nc choices, $ne ends (want 1, 1, 1)"
if $TYLESC tests/programs/poisson3d_f32_source.tyl -o "$T/p3" 2>"$T/p3.log"; then
    (cd "$T" && OMP_NUM_THREADS=2 TYLES_PREFETCH=1 TYLES_TT_L2=4096 TYLES_BLOCK_CHOICE=show ./p3 >/dev/null 2>show.log;
        OMP_NUM_THREADS=2 TYLES_PREFETCH=1 TYLES_TT_L2=4096 TYLES_BLOCK_CHOICE=model ./p3 >/dev/null 2>model.log;
        OMP_NUM_THREADS=2 TYLES_PREFETCH=1 TYLES_TT_L2=4096 TYLES_BLOCK_ROWS=5 TYLES_BLOCK_CHOICE=show ./p3 \
            >/dev/null 2>forced.log)
    pat='^tyles: rank 0 thread [01]: the sweep of line [0-9]*: row blocks [0-9.]* ms, whole planes [0-9.]* ms of CPU a call: \(blocks\|whole planes\)$'
    n=$(grep -c "$pat" "$T/show.log")
    lines=$(sed -n 's/.*the sweep of line \([0-9]*\):.*/\1/p' "$T/show.log" | sort -u | tr '\n' ' ')
    [ "$n" = 1 ] && [ "$lines" = "23 " ] && ! grep -q 'row blocks' "$T/model.log" "$T/forced.log" &&
        ok "blocks/timed_choice_decides" ||
        bad "blocks/timed_choice_decides" "$n decisions (want 1: the loop's update, one thread at 19^3 points) of lines '$lines': $(head -5 "$T/show.log" "$T/model.log" "$T/forced.log")"
else
    bad "blocks/timed_choice_decides" "tylesc failed: $(cat "$T/p3.log")"
fi
if OMP_NUM_THREADS=2 $PY tests/run_tests.py --tylesc "$TYLESC" --np 1,2 -j 2 -k programs/poisson3d_f32_source \
        -k programs/heat3d --variant "TYLES_PREFETCH=1 TYLES_TT_L2=4096 TYLES_BLOCK_CHOICE=show" >"$T/log" 2>&1; then
    ok "blocks/timed_choice_bitwise_numpy"
else
    bad "blocks/timed_choice_bitwise_numpy" "$(cat "$T/log")"
fi

if $PY tests/run_tests.py --tylesc "$TYLESC" --np 1,2 -j 2 -k many_reads_inplace -k programs/burgers2d \
        -k programs/heat3d -k programs/poisson3d_f32_source -k programs/hdiff_limiter_stages \
        --variant "TYLES_STREAM=1 TYLES_PREFETCH=1 TYLES_BLOCK_ROWS=3 TYLES_PAD_ROWS=1" >"$T/log" 2>&1; then
    ok "stream/bitwise_numpy"
else
    bad "stream/bitwise_numpy" "$(cat "$T/log")"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

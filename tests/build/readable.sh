#!/bin/bash
# The generated heat2d is short enough to read (issue 13): main() within a bound, a sweep with
# constant bounds one call (its slice bounds in the static descriptor, not tyl_slo/tyl_slen at
# the call), a print one call, no (void) casts or empty blocks in main(). A bound that fails is
# a reason to look at what main() has grown, not to raise it without one.
# Usage: tests/build/readable.sh [REPO_ROOT]   (needs bin/tylesc)
set -u
ROOT=$(cd "${1:-.}" && pwd)
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
T=$(mktemp -d /tmp/tyl-readable-XXXXXX)
trap 'rm -rf "$T"' EXIT
MAIN_MAX_c=165  # heat2d.c main(): 212 lines before the descriptors took constant bounds, 159 after
MAIN_MAX_cu=210 # heat2d.cu main() (a CUDA graph replays the loop body, printed three times): 297, 202
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS build/readable_$1"; }
bad() { fail=$((fail + 1)); echo "FAIL build/readable_$1: $2"; }
cp "$ROOT/samples/heat2d.tyl" "$T/heat2d.tyl"
for suf in c cu; do
    f=$T/heat2d.$suf
    if ! "$TYLESC" "$T/heat2d.tyl" -o "$f" >"$T/err" 2>&1; then
        bad "${suf}_generate" "$(head -c 300 "$T/err")"
        continue
    fi
    awk '/^int main\(/{m=1} m{print} m&&/^}/{m=0}' "$f" >"$T/main.$suf"
    n=$(wc -l <"$T/main.$suf")
    max=MAIN_MAX_$suf
    if [ "$n" -gt 0 ] && [ "$n" -le "${!max}" ]; then ok "${suf}_main_lines"
    else bad "${suf}_main_lines" "main() of heat2d.$suf has $n lines (at most ${!max})"; fi
    # the stencil u[1:-1, 1:-1]: its bounds are rows of the descriptor, the call one line
    if grep -Eq 'tyl_sl(o|en)\([a-z_0-9]+->shape\[[0-9]\], -?[0-9]+, -?[0-9]+, -?[0-9]+,' "$T/main.$suf"; then
        bad "${suf}_constant_bounds" "constant slice bounds computed at a call site: $(grep -Ec 'tyl_sl(o|en)\(' "$T/main.$suf")"
    else ok "${suf}_constant_bounds"; fi
    sweep=$(grep -A1 '^#line 28 ' "$T/main.$suf" | tail -1)
    case "$sweep" in
    *"tyl_sweep_run(&tyl_sw"*", NULL, "*");") ok "${suf}_sweep_one_call" ;;
    *) bad "${suf}_sweep_one_call" "the line after #line 28 is '$sweep'" ;;
    esac
    np=$(grep -c 'tyl_print' "$T/main.$suf")
    if [ "$np" -eq 2 ]; then ok "${suf}_print_one_call"
    else bad "${suf}_print_one_call" "$np tyl_print calls in main() for heat2d's 2 prints"; fi
    if grep -Eq '^ *\(void\)|\{ *$' "$T/main.$suf" && grep -Pzq '\{\n *\}' "$T/main.$suf"; then
        bad "${suf}_no_empty_blocks" "an empty block in main()"
    elif grep -Eq '^ *\(void\)' "$T/main.$suf"; then
        bad "${suf}_no_void_casts" "$(grep -E '^ *\(void\)' "$T/main.$suf" | head -3 | tr '\n' ' ')"
    else ok "${suf}_no_void_or_empty"; fi
done
# One kernel per computation (sum_last_axis_rows): a function inlined at seven call sites makes one
# kernel, not seven, and a sum of rows of 9 to 32 points known when compiling one kernel, not an
# array and a sweep per slice (217 kernels in 13,239 lines of C before, 29 in 4,531 after). Rows
# of 33 to 256 points are loops over the row since the twentieth session (lower_reduce.c
# pw_rows: eight accumulator sweeps and their combination, where one kernel took a pointer per
# column: 130 arguments for rows of 128, 9 s of gcc for this program, 30 s with its rows of 256):
# the program as it was then gives 43 kernels in 8,060 lines, with the rows of 201 and 256 points
# added since 54 in 10,236.
KMAX=60 LMAX=11000
cp "$ROOT/tests/programs/sum_last_axis_rows.tyl" "$T/rows.tyl"
for suf in c cu; do
    f=$T/rows.$suf
    if ! "$TYLESC" "$T/rows.tyl" -o "$f" >"$T/err" 2>&1; then
        bad "${suf}_rows_generate" "$(head -c 300 "$T/err")"
        continue
    fi
    nk=$(grep -Ec '^static (__global__ |TYL_KERNEL )?void tyl_k[0-9]+\(' "$f")
    nl=$(wc -l <"$f")
    if [ "$nk" -le $KMAX ] && [ "$nl" -le $LMAX ]; then ok "${suf}_rows_kernels"
    else bad "${suf}_rows_kernels" "rows.$suf has $nk kernels in $nl lines (at most $KMAX in $LMAX)"; fi
    # field()'s line 14 for the six float64 fields of two dimensions: six sweeps, one kernel
    runs=$(grep -E 'rows\.tyl:14", tyl_run[0-9]+, 2,' "$f" | sed 's/.*", \(tyl_run[0-9]*\),.*/\1/')
    if [ "$(wc -l <<<"$runs")" -eq 6 ] && [ "$(sort -u <<<"$runs" | wc -l)" -eq 1 ]; then ok "${suf}_rows_inlined_once"
    else bad "${suf}_rows_inlined_once" "the sweeps of line 14 name $(tr '\n' ' ' <<<"$runs")"; fi
done
echo "$([ $fail -eq 0 ] && echo PASS || echo FAIL) readable generated code: $pass passed, $fail failed"
[ $fail -eq 0 ]

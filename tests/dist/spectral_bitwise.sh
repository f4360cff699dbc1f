#!/bin/bash
# Distributed numpy.fft (tyl_fft_dist.c): the transforms' slots stay distributed like the fields
# and every result is bitwise that of one rank, whatever the grid:
#   spectral_ns2d_vorticity (rfft2 / irfft2 in an RK2 time loop, 48 x 48) at -np 2, 3, 4
#   (default grids; 4 is 2x2: both axes split) and -np 4 with --procs=4x1 and 1x4;
#   spectral_heat3d_fftn (fftn, rfftn, ifftn, a transform along axis 0; 12 x 10 x 16) at -np 2,
#   3, 4 and 8 (2x2x2) and -np 4 with --procs=1x2x2 and 4x1x1;
#   spectral_ks1d (a 1-D field: each transform gathers its line) and spectral_dist_axes (n=
#   padding and cutting along split and whole axes, irfft along axis 0, ortho) at -np 2, 3, 4.
# stdout and every .npy are compared (cmp) with the 1-rank run's; --stats must count the
# transforms of distributed arrays (its 'fft' line) and no gather (a replicated slot gathered its
# operand: the field was not distributed through the transform).
# Usage: tests/dist/spectral_bitwise.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-spec-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "PASS dist/spectral_$1"; else fail=$((fail + 1)); echo "FAIL dist/spectral_$1: expected '$2', got '$3'"; fi; }
same() { # dir1 dir2: every file of dir1 but err.txt equal in dir2, or the first that differs
    for f in "$1"/*; do
        b=$(basename "$f"); [ "$b" = err.txt ] && continue
        cmp -s "$f" "$2/$b" || { echo "$b differs"; return; }
    done
    echo equal
}
cd "$T" || exit 2
run() { # prog dir np [flags...]
    local prog=$1 dir=$2 np=$3; shift 3
    mkdir "$dir"
    (cd "$dir" && timeout 120 $MPIRUN -np "$np" "../$prog" --stats "$@" >out.txt 2>err.txt)
    check "${dir}_equal" equal "$(same "${prog}1" "$dir")"
    check "${dir}_fft" yes "$(grep -q '^  fft  *[1-9][0-9]* transforms of distributed arrays' "$dir/err.txt" && echo yes || echo no)"
    check "${dir}_gathers" "gathers 0" "$(grep -o 'gathers *[0-9]*' "$dir/err.txt" | tr -s ' ')"
}
for p in ns2d_vorticity:ns heat3d_fftn:h3 ks1d:ks dist_axes:ax; do
    "$ROOT/bin/tylesc" "$ROOT/tests/programs/spectral_${p%%:*}.tyl" -o "${p#*:}" || { echo "FAIL dist/spectral_compile ${p%%:*}"; exit 1; }
    mkdir "${p#*:}1"
    (cd "${p#*:}1" && timeout 120 "../${p#*:}" >out.txt)
done
for np in 2 3 4; do run ns ns$np $np; done
run ns ns4x1 4 --procs=4x1
run ns ns1x4 4 --procs=1x4
check ns_grid "grid 2x2" "$(grep -o 'grid [0-9x]*' ns4/err.txt)"
for np in 2 3 4 8; do run h3 h3_$np $np; done
run h3 h3_1x2x2 4 --procs=1x2x2
run h3 h3_4x1x1 4 --procs=4x1x1
check h3_grid "grid 2x2x2" "$(grep -o 'grid [0-9x]*' h3_8/err.txt)"
for np in 2 3 4; do run ks ks$np $np; run ax ax$np $np; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# Distributed execution checks beyond tests/run_tests.py --np 1,2,3,4 (which compares every
# program with NumPy at the default process grids):
#   grid3d/*    3-D programs on a 2x2x2 process grid (8 ranks; one also on 1x2x4 and 4x1x2)
#               against NumPy: stdout and every .npy bitwise; --stats must report the grid asked
#               for (so the run really was distributed in 3-D)
#   grid6d/*    a 6-D program at -np 4 on grids that split its last axes, likewise
#   bcast3d/*   a 3-D field split along each axis in turn, with np.load inputs of extent 1
#               broadcast along the split axes, likewise
#   procs/*     2-D programs (staggered shapes, offset arrays from np.load, empty blocks,
#               periodic rolls) at -np 4 with --procs=4x1, 1x4 and 2x2: the .npy files are
#               identical (cmp) to each other and to NumPy's, and --stats reports each grid
#   badprocs/*  a bad --procs (or a grid too fine for the first distributed array) must exit
#               non-zero within `timeout 60` with exactly one line from the program on stderr,
#               an `error:` line naming the bad value or axis (mpirun's own banner lines, which
#               do not start with the program's name, are ignored); nothing on stdout
#   flags/*     --stats, --no-overlap and both give the same stdout and .npy as a plain run at
#               -np 4; --stats prints its report on stderr only, with the time loop's wall time
# Usage: [TYLESC_FLAGS=--target=cuda] tests/dist/run.sh [REPO_ROOT]   (default: the current folder); needs bin/tylesc and
# lib/libtyles.a built (make), mpirun and python3 with NumPy 2. Exit status 1 if a check fails.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
TYLESC_FLAGS=${TYLESC_FLAGS:-}   # e.g. --target=cuda, on a machine with a GPU
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
PY=${PYTHON:-python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-dist-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { # name reason [detail file or text...]
    fail=$((fail + 1)); echo "FAIL $1: $2"; shift 2
    for d in "$@"; do
        if [ -f "$d" ]; then echo "    --- $(basename "$d") ---"; sed -n '1,40s/^/    /p' "$d"
        else printf '%s\n' "$d" | sed 's/^/    /'; fi
    done
}

if ! [ -x "$TYLESC" ]; then echo "FAIL setup: $TYLESC not found (run make)"; exit 1; fi
if ! $PY -c 'import numpy, sys; sys.exit(int(numpy.__version__.split(".")[0]) < 2)' 2>/dev/null; then
    echo "FAIL setup: $PY has no NumPy 2 (pip install 'numpy>=2')"; exit 1
fi

# build NAME TYL: compile tests/.../TYL to $T/NAME/NAME (the program's messages start "NAME:")
build() {
    mkdir -p "$T/$1"
    if ! (cd "$ROOT" && "$TYLESC" $TYLESC_FLAGS "$2" -o "$T/$1/$1") >"$T/$1/build.log" 2>&1; then
        bad "$1/build" "tylesc $2 failed" "$T/$1/build.log"; return 1
    fi
}
# inputs TYL DIR: copy PROG.data/* into DIR (as tests/run_tests.py does)
inputs() { mkdir -p "$2"; local d="$ROOT/${1%.tyl}.data"; [ -d "$d" ] && cp -r "$d"/. "$2"/; return 0; }
# reference NAME TYL: the NumPy run in $T/NAME/ref
reference() {
    inputs "$2" "$T/$1/ref"
    if ! (cd "$T/$1/ref" && $PY "$ROOT/$2") >"$T/$1/ref/stdout" 2>"$T/$1/ref/stderr"; then
        bad "$1/reference" "python3 $2 failed" "$T/$1/ref/stderr"; return 1
    fi
}
# run NAME TYL DIR NP ARGS...: the compiled program in $T/NAME/DIR; sets rc
run() {
    local name=$1 tyl=$2 dir=$T/$1/$3 np=$4; shift 4
    rm -rf "$dir"; inputs "$tyl" "$dir"
    (cd "$dir" && timeout 60 $MPIRUN -np "$np" "$T/$name/$name" "$@") >"$dir/stdout" 2>"$dir/stderr" </dev/null
    rc=$?
}
# npy_same A B: every .npy file in folder A is in B with the same dtype, shape and bytes
npy_same() {
    $PY - "$1" "$2" <<'EOF'
import os, sys
import numpy as np
a, b = sys.argv[1], sys.argv[2]
names = sorted(f for f in os.listdir(a) if f.endswith(".npy"))
out = [] if names else ["no .npy file in " + a]
for n in names:
    p = os.path.join(b, n)
    if not os.path.exists(p):
        out.append("%s: missing in %s" % (n, b))
        continue
    x, y = np.load(os.path.join(a, n)), np.load(p)
    if x.dtype != y.dtype or x.shape != y.shape:
        out.append("%s: %s %s vs %s %s" % (n, x.dtype, x.shape, y.dtype, y.shape))
    elif x.tobytes() != y.tobytes():
        d = x.view(np.uint8).reshape(x.shape + (-1,)) != y.view(np.uint8).reshape(y.shape + (-1,))
        d = d.any(axis=-1)
        i = tuple(int(k) for k in np.argwhere(d)[0])
        out.append("%s: %d of %d elements differ, first at %s: %r vs %r"
                   % (n, int(d.sum()), x.size, i, x[i].item(), y[i].item()))
print("\n".join(out))
sys.exit(1 if out else 0)
EOF
}
# same_as_ref NAME DIR: stdout and .npy of run DIR equal the NumPy run's
same_as_ref() {
    local d=$T/$1/$2 why
    if [ "$rc" -ne 0 ]; then bad "$1/$2" "exit status $rc" "$d/stderr"; return 1; fi
    if ! cmp -s "$T/$1/ref/stdout" "$d/stdout"; then
        bad "$1/$2" "stdout differs from NumPy's" "$(diff "$T/$1/ref/stdout" "$d/stdout" | head -20)"; return 1
    fi
    if ! why=$(npy_same "$T/$1/ref" "$d"); then bad "$1/$2" ".npy differs from NumPy's" "$why"; return 1; fi
}
# grid_is NAME DIR GRID: --stats reported this process grid
grid_is() {
    local got
    got=$(sed -n 's/^tyles stats: .*, grid \([0-9x]*\), .*/\1/p' "$T/$1/$2/stderr")
    if [ "$got" != "$3" ]; then bad "$1/$2" "--stats reports grid '$got', expected $3" "$T/$1/$2/stderr"; return 1; fi
}

# ---- (a) 3-D programs on a 2x2x2 process grid ----------------------------------------------------
for tyl in tests/programs/heat3d.tyl tests/programs/dist_stencil3d_corners.tyl; do
    name=$(basename "$tyl" .tyl)
    build "$name" "$tyl" && reference "$name" "$tyl" || continue
    run "$name" "$tyl" np8_2x2x2 8 --procs=2x2x2 --stats
    same_as_ref "$name" np8_2x2x2 && grid_is "$name" np8_2x2x2 2x2x2 && ok "grid3d/$name/2x2x2"
done
# the 3-D program on other 8-rank grids too (a flat one and a mixed one)
name=dist_stencil3d_corners tyl=tests/programs/dist_stencil3d_corners.tyl
if [ -x "$T/$name/$name" ] && [ -f "$T/$name/ref/stdout" ]; then
    for g in 1x2x4 4x1x2; do
        run "$name" "$tyl" "np8_$g" 8 --procs=$g --stats
        same_as_ref "$name" "np8_$g" && grid_is "$name" "np8_$g" "$g" && ok "grid3d/$name/$g"
    done
fi

# ---- (a2) a 6-D program on grids that split its inner axes (the default grid splits the first two)
name=vlasov6d_streaming tyl=tests/programs/vlasov6d_streaming.tyl
if build "$name" "$tyl" && reference "$name" "$tyl"; then
    for g in 1x1x1x1x1x4 2x1x1x1x1x2 1x1x2x1x2x1 1x2x1x2x1x1; do
        run "$name" "$tyl" "np4_$g" 4 --procs=$g --stats
        same_as_ref "$name" "np4_$g" && grid_is "$name" "np4_$g" "$g" && ok "grid6d/$name/$g"
    done
fi
# np.load inputs of shape (1, 1, nz) and (nx, ny, 1) broadcast against a field split along z and y
name=ocean_column_profiles tyl=tests/programs/ocean_column_profiles.tyl
if build "$name" "$tyl" && reference "$name" "$tyl"; then
    for g in 1x1x4 1x4x1 2x1x2; do
        run "$name" "$tyl" "np4_$g" 4 --procs=$g --stats
        same_as_ref "$name" "np4_$g" && grid_is "$name" "np4_$g" "$g" && ok "bcast3d/$name/$g"
    done
fi

# ---- (b) 2-D programs, three process grids at -np 4 ---------------------------------------------
for tyl in tests/programs/dist_staggered_acoustic2d.tyl tests/programs/dist_offset_arrays.tyl \
           tests/programs/dist_empty_blocks.tyl tests/programs/dist_roll2d_shift2.tyl; do
    name=$(basename "$tyl" .tyl)
    build "$name" "$tyl" && reference "$name" "$tyl" || continue
    good=1
    for g in 4x1 1x4 2x2; do
        run "$name" "$tyl" "np4_$g" 4 --procs=$g --stats
        if [ "$rc" -ne 0 ]; then bad "procs/$name/$g" "exit status $rc" "$T/$name/np4_$g/stderr"; good=0; continue; fi
        grid_is "$name" "np4_$g" "$g" || good=0
    done
    [ "$good" = 1 ] || continue
    # bitwise the same files at every grid (cmp), and the same as NumPy's
    for f in "$T/$name/np4_4x1"/*.npy; do
        for g in 1x4 2x2; do
            if ! cmp "$f" "$T/$name/np4_$g/$(basename "$f")" >"$T/$name/cmp.log" 2>&1; then
                bad "procs/$name" "$(basename "$f") differs between --procs=4x1 and --procs=$g" "$T/$name/cmp.log"; good=0
            fi
        done
    done
    if why=$(npy_same "$T/$name/ref" "$T/$name/np4_2x2"); then :; else bad "procs/$name" ".npy differs from NumPy's" "$why"; good=0; fi
    [ "$good" = 1 ] && ok "procs/$name/4x1=1x4=2x2"
done

# ---- (c) bad --procs ----------------------------------------------------------------------------
# expect_error CHECK NAME TYL NP PATTERN ARGS...: non-zero exit, no hang, exactly one program line
# on stderr, which says error: and matches PATTERN (grep -E)
expect_error() {
    local check=$1 name=$2 tyl=$3 np=$4 pat=$5; shift 5
    local dir=$T/$name/$check lines
    run "$name" "$tyl" "$check" "$np" "$@"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        bad "badprocs/$check" "-np $np $* did not finish within 60 s" "$dir/stderr"; return
    fi
    if [ "$rc" -eq 0 ]; then bad "badprocs/$check" "-np $np $* exited 0" "$dir/stderr" "$dir/stdout"; return; fi
    lines=$(grep "^$name: " "$dir/stderr")
    if [ "$(printf '%s\n' "$lines" | grep -c 'error:')" -ne 1 ] || [ "$(printf '%s\n' "$lines" | wc -l)" -ne 1 ]; then
        bad "badprocs/$check" "-np $np $*: expected exactly one '$name: ... error:' line on stderr (exit status $rc)" "$dir/stderr"; return
    fi
    if ! printf '%s\n' "$lines" | grep -Eq -- "$pat"; then
        bad "badprocs/$check" "-np $np $*: the error does not match /$pat/" "$lines"; return
    fi
    if [ -s "$dir/stdout" ]; then bad "badprocs/$check" "-np $np $*: printed on stdout" "$dir/stdout"; return; fi
    ok "badprocs/$check"
}
u=dist_uneven_split ut=tests/programs/dist_uneven_split.tyl
s3=dist_stencil3d_corners s3t=tests/programs/dist_stencil3d_corners.tyl
if build "$u" "$ut"; then
    expect_error procs_3x1_np4 "$u" "$ut" 4 'error: .*3x1' --procs=3x1
    expect_error procs_2x2x2_2d_np8 "$u" "$ut" 8 'error: .*2x2x2' --procs=2x2x2
    expect_error procs_abc "$u" "$ut" 4 'error: .*abc' --procs=abc
    expect_error procs_5x_np4 "$u" "$ut" 4 'error: .*5x' --procs=5x
    expect_error procs_0x4_np4 "$u" "$ut" 4 'error: .*0x4' --procs=0x4
    # a grid finer than the first distributed array, (3, 23), along axis 0 / (37, 2) along axis 1
    expect_error too_fine_4x1 "$u" "$ut" 4 'error: .*axis 0' --procs=4x1 --NX=3
    expect_error too_fine_1x4 "$u" "$ut" 4 'error: .*axis 1' --procs=1x4 --NY=2
fi
[ -x "$T/$s3/$s3" ] && expect_error procs_2x2_3d_np4 "$s3" "$s3t" 4 'error: .*2x2' --procs=2x2

# ---- (d) --stats and --no-overlap change nothing but stderr --------------------------------------
for tyl in tests/programs/dist_staggered_acoustic2d.tyl tests/programs/dist_roll2d_shift2.tyl; do
    name=$(basename "$tyl" .tyl)
    if ! [ -f "$T/$name/ref/stdout" ]; then build "$name" "$tyl" && reference "$name" "$tyl" || continue; fi
    run "$name" "$tyl" np4_plain 4
    same_as_ref "$name" np4_plain || continue
    for flags in --stats --no-overlap "--no-overlap --stats"; do
        dir=flags_$(echo "$flags" | tr -d ' -')
        # OpenMP threads: unset, the node's CPUs shared among its 4 ranks; OMP_NUM_THREADS kept
        case $flags in
        --stats) keep=${OMP_NUM_THREADS-unset}; unset OMP_NUM_THREADS
                 run "$name" "$tyl" "$dir" 4 $flags
                 [ "$keep" = unset ] || export OMP_NUM_THREADS="$keep"
                 t=$(( $(getconf _NPROCESSORS_ONLN) / 4 )); [ "$t" -gt "$(nproc)" ] && t=$(nproc); [ "$t" -lt 1 ] && t=1
                 threads="^  threads      $t a rank";;
        *--stats) OMP_NUM_THREADS=3 run "$name" "$tyl" "$dir" 4 $flags; threads='^  threads      3 a rank$';;
        *) run "$name" "$tyl" "$dir" 4 $flags;;
        esac
        if [ "$rc" -ne 0 ]; then bad "flags/$name/$flags" "exit status $rc" "$T/$name/$dir/stderr"; continue; fi
        if ! cmp -s "$T/$name/np4_plain/stdout" "$T/$name/$dir/stdout"; then
            bad "flags/$name/$flags" "stdout differs from the plain run's" "$(diff "$T/$name/np4_plain/stdout" "$T/$name/$dir/stdout" | head)"; continue
        fi
        if ! why=$(npy_same "$T/$name/np4_plain" "$T/$name/$dir"); then bad "flags/$name/$flags" ".npy differs from the plain run's" "$why"; continue; fi
        case $flags in
        *--stats*)
            want="overlap on"; case $flags in *--no-overlap*) want="overlap off";; esac
            if ! grep -q "^tyles stats: 4 ranks, grid [0-9x]*, $want\$" "$T/$name/$dir/stderr"; then
                bad "flags/$name/$flags" "no 'tyles stats: 4 ranks, grid ..., $want' line on stderr" "$T/$name/$dir/stderr"; continue
            fi
            if ! grep -q "$threads" "$T/$name/$dir/stderr"; then
                bad "flags/$name/$flags" "no '$threads' line on stderr" "$T/$name/$dir/stderr"; continue
            fi
            # the time loop's own wall time (tyl_looptime.c), within the total
            if ! awk '/^  total /{t=$2} /^  loop 0 .*the last rank in to the last rank out/{l=$3} END{exit !(l != "" && l > 0 && l <= t)}' \
                    "$T/$name/$dir/stderr"; then
                bad "flags/$name/$flags" "no '  loop 0 ... s (the last rank in to the last rank out)' line within the total" "$T/$name/$dir/stderr"; continue
            fi;;
        *)
            if [ -s "$T/$name/$dir/stderr" ]; then bad "flags/$name/$flags" "unexpected stderr" "$T/$name/$dir/stderr"; continue; fi;;
        esac
        ok "flags/$name/$flags"
    done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

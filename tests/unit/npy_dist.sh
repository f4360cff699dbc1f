#!/usr/bin/env bash
# np.save / np.load of distributed arrays (MPI-IO) at 1 to 4 ranks: files byte-identical to
# NumPy's, round trips through three layouts, and the input/output errors reported once by rank 0
# with every rank exiting 1 (no hang: each run is under `timeout 60`).
# usage: tests/unit/npy_dist.sh [LIB [INCLUDE_DIR]]   (defaults lib/libtyles.a src/runtime_mpi)
# Prints "ok NAME" / "FAIL NAME" lines, then "N passed, N failed"; exit status 1 on any failure.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
LIB=$(realpath "${1:-lib/libtyles.a}")
INC=$(realpath "${2:-src/runtime_mpi}")
UNIT=$ROOT/tests/unit
CC=${MPICC:-mpicc}
# -q: no "mpirun detected that one or more processes exited with non-zero status" banner
MPIRUN=(timeout 60 mpirun --allow-run-as-root --oversubscribe -q)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
tmp=$(mktemp -d /tmp/tyl-npy-dist-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
PAR_DIR=$tmp/par
mkdir -p "$PAR_DIR"
. "$ROOT/tests/par.sh"

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }
count_output() { # OUTPUT RC NAME: the "ok"/"FAIL" lines of a run count as results
    local out=$1 rc=$2 name=$3 p f
    echo "$out" | grep -E '^(ok|FAIL) ' || true
    p=$(grep -c '^ok ' <<<"$out")
    f=$(grep -c '^FAIL ' <<<"$out")
    PASS=$((PASS + p))
    FAIL=$((FAIL + f))
    if [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; then
        fail "$name (exit status $rc)"
        echo "$out" | grep -vE '^(ok|FAIL) ' | head -20
    fi
}

if ! $CC -std=c11 -Wall -Wextra -Werror -O1 -g -fopenmp -I"$INC" "$UNIT/npy_dist.c" "$LIB" -lm \
    -o "$tmp/npy_dist"; then
    fail "build npy_dist"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
P=$tmp/npy_dist

# ---- round trips: every grid rank at 1..4 ranks, whole pieces and tiny ones ----------------------
roundtrip() { # CHUNK NP G
    local chunk=$1 np=$2 G=$3 d tag out rc
    d=$tmp/save-$chunk-$np-$G
    mkdir -p "$d"
    tag="@np$np/G$G/chunk-$chunk"
    if [ "$chunk" = default ]; then
        out=$("${MPIRUN[@]}" -np "$np" "$P" save "$G" "$d" 2>&1)
    else
        out=$(TYL_NPY_CHUNK_BYTES=$chunk "${MPIRUN[@]}" -x TYL_NPY_CHUNK_BYTES -np "$np" \
            "$P" save "$G" "$d" 2>&1)
    fi
    rc=$?
    count_output "$(sed "s|^\(ok\|FAIL\) \(.*\)|\1 \2$tag|" <<<"$out")" $rc "npy_dist_save$tag"
}
checks=()
for chunk in default 24; do
    for np in 1 2 3 4; do
        for G in 1 2 3 5 6; do
            par roundtrip $chunk $np $G
            checks+=("$tmp/save-$chunk-$np-$G" "@np$np/G$G/chunk-$chunk")
        done
    done
done
par_wait
out=$(python3 "$UNIT/npy_dist_check.py" "${checks[@]}" 2>&1)
count_output "$out" $? npy_dist_check

# ---- errors: one line from rank 0, exit status 1, nothing on stdout --------------------------------
E="npy_dist: npy_dist.tyl:10: error:"
expect_error() { # NAME NP WANT_STDERR ARGS...
    local name=$1 np=$2 want=$3
    shift 3
    local out err rc me=$BASHPID
    out=$("${MPIRUN[@]}" -np "$np" "$P" "$@" 2>"$tmp/stderr.$me")
    rc=$?
    err=$(cat "$tmp/stderr.$me")
    if [ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ]; then
        pass "npy_dist_error_$name@np$np"
    else
        fail "npy_dist_error_$name@np$np: exit $rc (want 1)"
        echo "  stdout: $out"
        echo "  stderr: $err"
        echo "  want:   $want"
    fi
}
e=$tmp/err
mkdir -p "$e/isdir"
python3 - "$e" <<'EOF'
import sys
import numpy as np
d = sys.argv[1]
np.save(d + "/f4.npy", np.zeros((12, 10), dtype=np.float32))
np.save(d + "/rank3.npy", np.zeros((3, 4, 5)))
np.save(d + "/fortran.npy", np.asfortranarray(np.zeros((12, 10))))
np.save(d + "/good.npy", np.arange(120.0).reshape(12, 10))
with open(d + "/good.npy", "rb") as f:
    data = f.read()
open(d + "/trunc.npy", "wb").write(data[:300])
open(d + "/trunc1.npy", "wb").write(data[:-1])
open(d + "/trunchdr.npy", "wb").write(data[:40])
open(d + "/magic.npy", "wb").write(b"not a numpy file at all")
EOF
load_good() { # NP: and the good file loads
    local np=$1 out rc
    out=$("${MPIRUN[@]}" -np $np "$P" load 2 "$e/good.npy" 2>&1) && rc=0 || rc=$?
    if [ $rc -eq 0 ] && [ "$out" = "loaded 120 elements" ]; then
        pass "npy_dist_load_good@np$np"
    else
        fail "npy_dist_load_good@np$np: exit $rc: $out"
    fi
}
for np in 1 2 3; do
    par expect_error missing $np "$E FileNotFoundError: cannot read '$e/none.npy': No such file or directory" \
        load 2 "$e/none.npy"
    par expect_error dtype $np "$E '$e/f4.npy' holds '<f4' data, but the program was compiled for float64 ('<f8')" \
        load 2 "$e/f4.npy"
    par expect_error rank $np "$E '$e/rank3.npy' holds a 3-dimensional array, but the program was compiled for 2 dimensions" \
        load 2 "$e/rank3.npy"
    par expect_error fortran $np "$E '$e/fortran.npy' is stored in Fortran order; save it in C order (np.ascontiguousarray)" \
        load 2 "$e/fortran.npy"
    par expect_error truncated $np "$E '$e/trunc.npy' is truncated: its data is shorter than its shape says" \
        load 2 "$e/trunc.npy"
    par expect_error truncated_1byte $np "$E '$e/trunc1.npy' is truncated: its data is shorter than its shape says" \
        load 2 "$e/trunc1.npy"
    par expect_error truncated_header $np "$E '$e/trunchdr.npy' is truncated (in its header)" \
        load 2 "$e/trunchdr.npy"
    par expect_error magic $np "$E '$e/magic.npy' is not a .npy file (no \\x93NUMPY magic)" \
        load 2 "$e/magic.npy"
    for kind in dist repl; do
        par expect_error save_nodir_$kind $np "$E cannot write '$e/nodir/x.npy': No such file or directory" \
            savebad 2 "$e/nodir/x.npy" $kind
        par expect_error save_onto_dir_$kind $np "$E cannot write '$e/isdir': Is a directory" \
            savebad 2 "$e/isdir" $kind
    done
    par load_good $np
done
par_wait
left=$(ls "$e" | grep '\.tmp\.')
if [ -z "$left" ] && [ -z "$(ls "$e/isdir")" ]; then
    pass npy_dist_error_no_temporaries
else
    fail "npy_dist_error_no_temporaries: $left $(ls "$e/isdir")"
fi

# ---- big-endian data ('>f8'): byte-swapped on loading, through stdio (one rank, replicated
# arrays) and through MPI-IO (distributed arrays), whole and in pieces of 24 bytes ---------------
b=$tmp/be
mkdir -p "$b"
python3 - "$b" <<'EOF'
import sys
import numpy as np
d = sys.argv[1]
i = np.arange(13 * 7).reshape(13, 7)
want = {"float64": i / 3.0 - 2.0, "float32": (i * 0.25 - 1.0).astype(np.float32),
        "int64": i * 1000000000007 - 5, "int32": (i * 7 - 100).astype(np.int32)}
for name, a in want.items():
    np.save(d + "/" + name + ".npy", a)
    np.save(d + "/" + name + ".be.npy", a.astype(a.dtype.newbyteorder(">")))
    assert open(d + "/" + name + ".be.npy", "rb").read()[20:22] == b"'>"
EOF
be_case() { # NP DTYPE KIND [CHUNK]
    local np=$1 dt=$2 kind=$3 chunk=${4:-0} tag out rc o=$b/out.$BASHPID.npy
    tag="npy_dist_big_endian_${dt}_$kind@np$np${4:+/chunk-$chunk}"
    out=$(TYL_NPY_CHUNK_BYTES=$chunk "${MPIRUN[@]}" -x TYL_NPY_CHUNK_BYTES -np "$np" "$P" copy 2 \
        "$b/$dt.be.npy" "$o" "$dt" "$kind" 2>&1) && rc=0 || rc=$?
    if [ $rc -eq 0 ] && cmp -s "$b/$dt.npy" "$o"; then
        pass "$tag"
    else
        fail "$tag: exit $rc: $out"
    fi
    rm -f "$o"
}
for dt in float64 float32 int64 int32; do
    for kind in dist repl; do par be_case 2 $dt $kind; done
done
for np in 1 3; do
    for kind in dist repl; do par be_case $np float64 $kind; par be_case $np int32 $kind; done
done
par be_case 3 float64 dist 24
par be_case 2 int32 repl 24
par_wait

# ---- np.save never writes through a symbolic link planted under its temporary name: each rank
# plants OUT.tmp.PID (its own process id: the name saves used) before it becomes the program ----
for np in 1 2; do
    for kind in dist repl; do
        d=$tmp/link-$np-$kind
        mkdir -p "$d"
        echo precious >"$d/victim"
        out=$("${MPIRUN[@]}" -np $np sh -c 'ln -s "$1/victim" "$1/x.npy.tmp.$$"; exec "$2" savebad 2 "$1/x.npy" "$3"' \
            sh "$d" "$P" $kind 2>&1) && rc=0 || rc=$?
        if [ $rc -eq 0 ] && echo precious | cmp -s - "$d/victim" && [ -f "$d/x.npy" ] && [ ! -L "$d/x.npy" ] &&
            python3 -c "import sys, numpy as np; a = np.load(sys.argv[1]); sys.exit(1 if a.shape != (12, 10) or a.any() else 0)" \
                "$d/x.npy"; then
            pass "npy_dist_save_planted_link_$kind@np$np"
        else
            fail "npy_dist_save_planted_link_$kind@np$np: exit $rc, $(ls -l "$d"): $out"
        fi
    done
done

# ---- a save that fails (full disk, read-only folder) exits 1 on every rank count, leaves the old
# file as it was and no temporary file: a tmpfs of 64 KiB holds one file of 64 x 64 float64 (36
# KiB) but not a second copy next to it; a read-only tmpfs refuses any new file. Needs root. -----
f=$tmp/full
if [ "$(id -u)" -eq 0 ] && mkdir -p "$f" && mount -t tmpfs -o size=64k tyl-npy-test "$f" 2>/dev/null; then
    trap 'umount "$f" 2>/dev/null; rm -rf "$tmp"' EXIT
    for np in 1 2 3; do
        for kind in dist repl; do
            rm -f "$f"/*
            out=$("${MPIRUN[@]}" -np $np "$P" savebad 2 "$f/x.npy" $kind 64 2>"$tmp/stderr") && rc=0 || rc=$?
            err=$(cat "$tmp/stderr")
            want="$E cannot write '$f/x.npy': No space left on device"
            if [ $rc -eq 1 ] && [ "$out" = saved ] && [ "$err" = "$want" ] && [ "$(ls "$f")" = x.npy ] &&
                python3 -c "import sys, numpy as np; a = np.load(sys.argv[1]); sys.exit(1 if a.shape != (64, 64) or a.any() else 0)" \
                    "$f/x.npy"; then
                pass "npy_dist_save_full_disk_$kind@np$np"
            else
                fail "npy_dist_save_full_disk_$kind@np$np: exit $rc (want 1), files: $(ls "$f")"
                echo "  stdout: $out"
                echo "  stderr: $err"
                echo "  want:   $want"
            fi
        done
    done
    rm -f "$f"/*
    python3 -c "import sys, numpy as np; np.save(sys.argv[1], np.ones((3, 3)))" "$f/x.npy"
    mount -o remount,ro "$f"
    for np in 1 2; do
        for kind in dist repl; do
            out=$("${MPIRUN[@]}" -np $np "$P" savebad 2 "$f/x.npy" $kind 2>"$tmp/stderr") && rc=0 || rc=$?
            err=$(cat "$tmp/stderr")
            want="$E cannot write '$f/x.npy': Read-only file system"
            if [ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "$want" ] && [ "$(ls "$f")" = x.npy ] &&
                python3 -c "import sys, numpy as np; sys.exit(0 if (np.load(sys.argv[1]) == 1).all() else 1)" "$f/x.npy"; then
                pass "npy_dist_save_read_only_$kind@np$np"
            else
                fail "npy_dist_save_read_only_$kind@np$np: exit $rc (want 1), files: $(ls "$f")"
                echo "  stdout: $out"
                echo "  stderr: $err"
                echo "  want:   $want"
            fi
        done
    done
    umount "$f"
else
    echo "skip npy_dist_save_full_disk, npy_dist_save_read_only: need root to mount a small tmpfs"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

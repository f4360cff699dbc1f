#!/bin/sh
# Run-time np.load errors: a compiled program given a missing, different or damaged input must
# stop with a message naming the file and exit 1 (the run-time error tests in run_tests.py always
# copy PROGRAM.data/, so these cases are driven from here).
set -u
TYLESC=${1:-bin/tylesc}
tmp=$(mktemp -d /tmp/tyl-npy-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
$TYLESC tests/programs/load_input.tyl -o "$tmp/prog" || { echo "FAIL npy_inputs: tylesc failed"; exit 1; }
expect() { # name expected-substring
    out=$(cd "$tmp/run" && timeout 60 ./../prog 2>&1 >/dev/null </dev/null); rc=$?
    if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q -- "$2"; then
        pass=$((pass + 1)); echo "PASS runtime_errors/npy_$1"
    else
        fail=$((fail + 1)); echo "FAIL runtime_errors/npy_$1: exit $rc, stderr: $out"
    fi
}
mkdir -p "$tmp/run"
expect missing "FileNotFoundError: cannot read 'input.npy'"
python3 -c "import numpy as np; np.save('$tmp/run/input.npy', np.zeros((12, 10), dtype=np.float32))"
expect dtype "holds '<f4' data, but the program was compiled for float64"
python3 -c "import numpy as np; np.save('$tmp/run/input.npy', np.zeros((3, 4, 5)))"
expect rank "holds a 3-dimensional array, but the program was compiled for 2 dimensions"
python3 -c "import numpy as np; np.save('$tmp/run/input.npy', np.zeros((12, 10)))"
head -c 300 "$tmp/run/input.npy" > "$tmp/run/t.npy" && mv "$tmp/run/t.npy" "$tmp/run/input.npy"
expect truncated "is truncated"
printf 'not a numpy file at all' > "$tmp/run/input.npy"
expect magic "is not a .npy file"
# not a regular file: a folder used to be "not a .npy file", a FIFO hung the program for ever
rm -f "$tmp/run/input.npy" && mkdir "$tmp/run/input.npy"
expect folder "^prog: tests/programs/load_input.tyl:5: error: IsADirectoryError: cannot read 'input.npy': Is a directory\$"
rmdir "$tmp/run/input.npy" && mkfifo "$tmp/run/input.npy"
expect fifo "^prog: tests/programs/load_input.tyl:5: error: cannot read 'input.npy': not a regular file (a pipe, a device or a socket)\$"
rm -f "$tmp/run/input.npy" && ln -s /dev/zero "$tmp/run/input.npy"
expect device "cannot read 'input.npy': not a regular file (a pipe, a device or a socket)\$"
rm -f "$tmp/run/input.npy" && ln -s input.npy "$tmp/run/input.npy"
expect symlink_loop "error: OSError: cannot read 'input.npy': Too many levels of symbolic links\$"
rm -f "$tmp/run/input.npy"
# a file the user may not read (root reads any: the program runs as nobody through setpriv)
as_user=
[ "$(id -u)" = 0 ] && as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ -z "$as_user" ] || command -v setpriv >/dev/null 2>&1; then
    python3 -c "import numpy as np; np.save('$tmp/run/input.npy', np.zeros((12, 10)))"
    chmod 000 "$tmp/run/input.npy" && chmod 755 "$tmp" "$tmp/run"
    out=$(cd "$tmp/run" && timeout 60 $as_user ./../prog 2>&1 >/dev/null </dev/null); rc=$?
    if [ "$rc" -eq 1 ] && [ "$out" = "prog: tests/programs/load_input.tyl:5: error: PermissionError: cannot read 'input.npy': Permission denied" ]; then
        pass=$((pass + 1)); echo "PASS runtime_errors/npy_unreadable"
    else
        fail=$((fail + 1)); echo "FAIL runtime_errors/npy_unreadable: exit $rc, stderr: $out"
    fi
    rm -f "$tmp/run/input.npy"
else
    echo "SKIP runtime_errors/npy_unreadable (running as root without setpriv)"
fi

# ---- 0-size arrays load as NumPy loads them (b.npy the same bytes as NumPy's), or, where the
# process grid splits an axis of extent 0, stop with the grid's message
MPIRUN0="timeout 120 mpirun --allow-run-as-root --oversubscribe -q"
for shp in "0, 10" "12, 0" "0, 0"; do
    for np in 1 2; do
        z=$tmp/zero/$(echo "$shp" | tr -d ' ,')-$np
        mkdir -p "$z"
        python3 -c "import numpy as np; np.save('$z/input.npy', np.zeros(($shp)))"
        python3 -c "import numpy as np; np.save('$z/want.npy', np.zeros(($shp)))"
        if [ $np = 1 ]; then (cd "$z" && timeout 60 ../../prog </dev/null >/dev/null 2>err); rc=$?
        else (cd "$z" && OMP_NUM_THREADS=1 $MPIRUN0 -np 2 ../../prog </dev/null >/dev/null 2>err); rc=$?; fi
        grid="prog: tests/programs/load_input.tyl:5: error: the process grid has 2 ranks along axis 0, more than the 0 elements of the program's first distributed array (shape ($shp)) there; run on fewer ranks or choose another --procs"
        if [ $rc = 0 ] && cmp -s "$z/want.npy" "$z/b.npy"; then
            pass=$((pass + 1)); echo "PASS runtime_errors/npy_zero_size($shp)@np$np"
        elif [ $rc = 1 ] && [ $np = 2 ] && [ "${shp%%,*}" = 0 ] && [ "$(grep -c . "$z/err")" -ge 1 ] &&
            grep -qxF "$grid" "$z/err"; then
            pass=$((pass + 1)); echo "PASS runtime_errors/npy_zero_size($shp)@np$np (refused: the grid splits the empty axis)"
        else
            fail=$((fail + 1)); echo "FAIL runtime_errors/npy_zero_size($shp)@np$np: exit $rc, $(head -c 300 "$z/err")"
        fi
    done
done

# ---- np.save through a symbolic link writes its target, as NumPy does (the link itself was
# replaced, the results then not where it points); a link to a device is refused
for np in 1 2; do
    l=$tmp/link$np
    mkdir -p "$l/out" "$l/full"
    python3 -c "import numpy as np; np.save('$l/input.npy', np.arange(120.0).reshape(12, 10))"
    cp "$l/input.npy" "$l/full/input.npy"
    ln -s out/target.npy "$l/b.npy"
    ln -s /dev/full "$l/full/b.npy"
    if [ $np = 1 ]; then (cd "$l" && timeout 60 ../prog </dev/null >/dev/null 2>err); rc=$?
        (cd "$l/full" && timeout 60 ../../prog </dev/null >/dev/null 2>err); rc2=$?
    else (cd "$l" && OMP_NUM_THREADS=1 $MPIRUN0 -np 2 ../prog </dev/null >/dev/null 2>err); rc=$?
        (cd "$l/full" && OMP_NUM_THREADS=1 $MPIRUN0 -np 2 ../../prog </dev/null >/dev/null 2>err); rc2=$?; fi
    if [ $rc = 0 ] && [ -L "$l/b.npy" ] && python3 -c "
import sys, numpy as np
a = np.load(sys.argv[1]); b = np.zeros_like(a)
b[1:-1, 1:-1] = 0.25 * (a[2:, 1:-1] + a[:-2, 1:-1] + a[1:-1, 2:] + a[1:-1, :-2])
sys.exit(0 if np.array_equal(np.load(sys.argv[2]), b) else 1)" "$l/input.npy" "$l/out/target.npy"; then
        pass=$((pass + 1)); echo "PASS runtime_errors/npy_save_through_link@np$np"
    else
        fail=$((fail + 1)); echo "FAIL runtime_errors/npy_save_through_link@np$np: exit $rc, $(ls -la "$l" "$l/out" | tr '\n' ' ')"
    fi
    want="prog: tests/programs/load_input.tyl:8: error: cannot write 'b.npy': it is a link to '/dev/full', which is not a regular file"
    if [ $rc2 = 1 ] && grep -qxF "$want" "$l/full/err" && [ "$(readlink "$l/full/b.npy")" = /dev/full ]; then
        pass=$((pass + 1)); echo "PASS runtime_errors/npy_save_link_to_device@np$np"
    else
        fail=$((fail + 1)); echo "FAIL runtime_errors/npy_save_link_to_device@np$np: exit $rc2, $(head -c 300 "$l/full/err")"
    fi
done

# ---- crafted headers (npy_craft.py): the same verdict from tylesc, which reads the header of an
# np.load input when compiling, and from the compiled program at 1 and 2 ranks, with exact messages
MPIRUN="timeout 120 mpirun --allow-run-as-root --oversubscribe -q"
export OMP_NUM_THREADS=1
ok() { pass=$((pass + 1)); echo "PASS runtime_errors/npy_$1"; }
ko() { fail=$((fail + 1)); echo "FAIL runtime_errors/npy_$1"; }
same() { # name got want
    if [ "$2" = "$3" ]; then ok "$1"; else ko "$1"; echo "  got:  $2"; echo "  want: $3"; fi
}
mkdir -p "$tmp/craft"
if ! python3 tests/runtime_errors/npy_craft.py "$tmp/craft" >"$tmp/craft/list"; then
    ko "craft: npy_craft.py failed"
fi
cp tests/programs/load_input.tyl "$tmp/craft/prog.tyl"
TAB=$(printf '\t')
while IFS=$TAB read -r name rt ct; do
    # compile time: the file next to the program
    c=$tmp/c/$name
    mkdir -p "$c"
    cp "$tmp/craft/prog.tyl" "$c/prog.tyl"
    cp "$tmp/craft/$name.npy" "$c/input.npy"
    $TYLESC "$c/prog.tyl" -o "$c/prog.c" </dev/null >/dev/null 2>"$c/stderr"
    rc=$?
    if [ "$ct" = OK ]; then
        same "compile_$name" "exit $rc" "exit 0"
    else
        same "compile_$name" "exit $rc: $(head -n 1 "$c/stderr")" \
            "exit 1: $c/prog.tyl:5:13: error: '$c/input.npy' $ct"
    fi
    # run time: the program compiled for a good file is given this one
    for np in 1 2; do
        r=$tmp/r/$name-$np
        mkdir -p "$r"
        cp "$tmp/craft/$name.npy" "$r/input.npy"
        if [ $np = 1 ]; then
            (cd "$r" && ../../prog </dev/null >/dev/null 2>stderr)
        else
            (cd "$r" && $MPIRUN -np 2 ../../prog </dev/null >/dev/null 2>stderr)
        fi
        rc=$?
        if [ "$rt" = OK ]; then
            got="exit $rc: $(cat "$r/stderr")"
            if [ $rc = 0 ] && ! python3 -c "
import sys, numpy as np
a = np.load(sys.argv[1]); b = np.zeros_like(a)
b[1:-1, 1:-1] = 0.25 * (a[2:, 1:-1] + a[:-2, 1:-1] + a[1:-1, 2:] + a[1:-1, :-2])
sys.exit(0 if np.array_equal(np.load(sys.argv[2]), b) else 1)" "$tmp/craft/$name.want.npy" "$r/b.npy"
            then
                got="exit 0, but b.npy is not what NumPy computes from the array meant"
            fi
            same "run_${name}@np$np" "$got" "exit 0: "
        else
            same "run_${name}@np$np" "exit $rc: $(cat "$r/stderr")" \
                "exit 1: prog: tests/programs/load_input.tyl:5: error: 'input.npy' $rt"
        fi
    done
done <"$tmp/craft/list"
[ -s "$tmp/craft/list" ] || ko "craft: no cases"

# ---- an extent of 1 the compiler saw in the file (and broadcasts) must still be 1 at run time
b=$tmp/bcast
mkdir -p "$b/run1" "$b/run2"
if $TYLESC tests/programs/shallow_water_loaded_depth.tyl -o "$b/prog" </dev/null >/dev/null 2>&1; then
    cp tests/programs/shallow_water_loaded_depth.data/friction.npy "$b/run1/"
    cp tests/programs/shallow_water_loaded_depth.data/friction.npy "$b/run2/"
    python3 -c "import numpy as np; np.save('$b/run1/depth.npy', np.ones((3, 16)))"
    cp "$b/run1/depth.npy" "$b/run2/"
    want="prog: tests/programs/shallow_water_loaded_depth.tyl:14: error: 'depth.npy' holds an array of shape (3, 16), but the program was compiled for extent 1 along axis 0 (broadcast there); compile it again with this file"
    (cd "$b/run1" && ../prog </dev/null >/dev/null 2>stderr)
    same "bcast_extent_changed@np1" "exit $?: $(cat "$b/run1/stderr")" "exit 1: $want"
    (cd "$b/run2" && $MPIRUN -np 2 ../prog </dev/null >/dev/null 2>stderr)
    same "bcast_extent_changed@np2" "exit $?: $(cat "$b/run2/stderr")" "exit 1: $want"
else
    ko "bcast_extent_changed: tylesc failed"
fi

# the compiler reads an input's header too: a FIFO there hung tylesc, a folder was "not a .npy file"
c="$tmp/compile" && mkdir -p "$c" && cp tests/programs/load_input.tyl "$c/"
tylesc_abs=$(cd "$(dirname "$TYLESC")" && pwd)/$(basename "$TYLESC")
mkfifo "$c/input.npy"
out=$(cd "$c" && timeout 20 "$tylesc_abs" load_input.tyl -o prog.c 2>&1 | head -1)
same "compile_fifo" "$out" "load_input.tyl:5:13: error: cannot read 'input.npy': not a regular file (a pipe, a device or a socket)"
rm -f "$c/input.npy" && mkdir "$c/input.npy"
out=$(cd "$c" && timeout 20 "$tylesc_abs" load_input.tyl -o prog.c 2>&1 | head -1)
same "compile_folder" "$out" "load_input.tyl:5:13: error: cannot read 'input.npy': it is a folder"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

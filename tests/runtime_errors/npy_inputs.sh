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
    out=$(cd "$tmp/run" && ./../prog 2>&1 >/dev/null); rc=$?
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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

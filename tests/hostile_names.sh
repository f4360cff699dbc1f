#!/bin/bash
# Paths and strings from the input must never reach the generated source unescaped: a program
# in folders and files whose names hold '"', '\', a newline, '*/', '??=', '??/', spaces or a
# leading '-' is compiled (C: built and run; CUDA: generated, and compiled with nvcc -c where
# nvcc is found) and must give NumPy's stdout and array, while no code hidden in a name runs
# (the names try to call system("touch PWNED") and to end the #line directive, a comment or
# tyl_rt_init's string). Every #line directive of the generated source must be one well-formed
# line. Also: an output and an input beginning with '-' (tylesc -o -kout --keep-c -- -p.tyl).
# Usage: tests/hostile_names.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a built)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
PY=${PYTHON:-python3}
NVCC=${NVCC:-nvcc}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-hostile-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS hostile_names/$1"; }
bad() { fail=$((fail + 1)); echo "FAIL hostile_names/$1: $2"; [ $# -gt 2 ] && printf '%s\n' "$3" | sed -n '1,20s/^/    /p'; }

# The program: a stencil sweep (kernel comments and #line in kernels), strings that would form
# trigraphs, quotes, backslashes and comment markers, saved under a name with the same.
cat >"$T/prog.tyl" <<'EOF'
import numpy as np

N = 16
steps = 3
u = np.zeros(N)
u[0] = 1.0
for t in range(steps):
    u[1:-1] = 0.5 * (u[2:] + u[:-2])  # */ system("touch PWNED"); /* ??/
print("a??=b ??( ??) ??< ??> ??' ??! ??- ??/x \\ \" */ /* // ???=", N)
np.save("s p??=c\"e\\*.npy", u)
EOF
(cd "$T" && mkdir ref && cd ref && $PY ../prog.tyl >stdout) || { echo "FAIL hostile_names: python3 reference"; exit 1; }

nl='
'
dirs=("we\"ird" "back\\slash" "new${nl}line" "end*/comment" "tri??=graph??/" "sp ace" "-dash"
      "x\");${nl}system(\"touch PWNED\");${nl}//\"" "q\"${nl}#include <stdlib.h>${nl}int y = system(\"touch PWNED\");${nl}/*")
files=("-we\"ird??=.tyl" "p*\\.tyl" "n${nl}l.tyl" "s p.tyl" "z??.tyl")
lines_ok() { # every #line directive one well-formed line
    grep '^#line' "$1" | grep -Ev '^#line [0-9]+ "([^"\\]|\\.)*"$' | head -3
}
i=0
for d in "${dirs[@]}"; do
    f=${files[$((i % ${#files[@]}))]}
    name="case$i"; i=$((i + 1))
    dir="$T/w/$name/$d"
    mkdir -p "$dir" && cp "$T/prog.tyl" "$dir/$f" || { bad "$name" "cannot create the folder"; continue; }
    rm -f PWNED "$dir/PWNED" "$T/PWNED"
    if ! out=$(cd "$T" && "$TYLESC" -o "$dir/-prog" --keep-c "$dir/$f" 2>&1); then
        bad "$name" "tylesc failed" "$out"; continue
    fi
    if [ -n "$(lines_ok "$dir/-prog.c")" ]; then bad "$name" "malformed #line" "$(lines_ok "$dir/-prog.c")"; continue; fi
    mkdir -p "$dir/run"
    if ! (cd "$dir/run" && ../-prog >stdout 2>stderr); then
        bad "$name" "the compiled program failed" "$(cat "$dir/run/stderr")"; continue
    fi
    if [ -e "$dir/run/PWNED" ] || [ -e "$T/PWNED" ] || [ -e "$dir/PWNED" ]; then
        bad "$name" "code from the path ran (PWNED exists)"; continue
    fi
    if ! cmp -s "$T/ref/stdout" "$dir/run/stdout"; then
        bad "$name" "stdout differs from python3" "$(diff "$T/ref/stdout" "$dir/run/stdout")"; continue
    fi
    if ! $PY -c 'import numpy as np, sys; a, b = (np.load(p) for p in sys.argv[1:]); sys.exit(not (a.dtype == b.dtype and np.array_equal(a, b)))' \
            "$T/ref/s p??=c\"e\\*.npy" "$dir/run/s p??=c\"e\\*.npy" 2>/dev/null; then
        bad "$name" "the saved array differs from NumPy's (or is missing)"; continue
    fi
    # the help text names the program's source, as given
    if ! (cd "$dir/run" && ../-prog --help) | grep -qF "$dir/$f"; then
        bad "$name" "--help does not name the source path"; continue
    fi
    if ! out=$(cd "$T" && "$TYLESC" --target=cuda -o "$dir/-prog.cu" "$dir/$f" 2>&1); then
        bad "$name" "tylesc --target=cuda failed" "$out"; continue
    fi
    if [ -n "$(lines_ok "$dir/-prog.cu")" ]; then bad "$name" "malformed #line in CUDA" "$(lines_ok "$dir/-prog.cu")"; continue; fi
    if command -v "$NVCC" >/dev/null 2>&1; then
        if ! out=$(cd "$dir" && "$NVCC" -std=c++17 -I"$ROOT/src/runtime_mpi" -DTYL_NO_MPI -c ./-prog.cu -o cu.o 2>&1); then
            bad "$name" "nvcc -c failed on the generated CUDA" "$out"; continue
        fi
    fi
    ok "$name"
done

# a relative output and input beginning with '-', kept C source, in the current folder
mkdir -p "$T/dash" && cp "$T/prog.tyl" "$T/dash/-p.tyl"
if out=$(cd "$T/dash" && "$TYLESC" -o -kout --keep-c -- -p.tyl 2>&1) && [ -f "$T/dash/-kout.c" ] &&
        (cd "$T/dash" && ./-kout >stdout 2>&1) && cmp -s "$T/ref/stdout" "$T/dash/stdout"; then
    ok dash_output
else
    bad dash_output "tylesc -o -kout --keep-c -- -p.tyl" "$out"
fi
# the run-time library found through a TYLES_HOME beginning with '-' (a relative path)
mkdir -p "$T/dash/-home/include/tyles" "$T/dash/-home/lib"
cp "$ROOT/src/runtime_mpi/tyles.h" "$ROOT/src/runtime_mpi/tyles_version.h" "$ROOT/src/runtime_mpi/tyles_libm.h" "$T/dash/-home/include/tyles/" && cp "$ROOT/lib/libtyles.a" "$T/dash/-home/lib/"
if out=$(cd "$T/dash" && TYLES_HOME=-home "$TYLESC" -o home_prog ../prog.tyl 2>&1) &&
        (cd "$T/dash" && ./home_prog >stdout2 2>&1) && cmp -s "$T/ref/stdout" "$T/dash/stdout2"; then
    ok dash_tyles_home
else
    bad dash_tyles_home "TYLES_HOME=-home tylesc ../prog.tyl -o home_prog" "$out"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# gcc's CPU seconds (user + sys) compiling the generated C of .tyl programs, two trees (each with
# its bin/tylesc and src/runtime_mpi built) interleaved program by program, so that a drift of
# the machine's load falls on both.
# Usage: bench/ab_compile_cpu.sh BASE_TREE NEW_TREE PROGRAM.tyl...   (prints: program tree CPU-s)
set -u
B=$(cd "$1" && pwd); N=$(cd "$2" && pwd); shift 2
T=$(mktemp -d /tmp/tyl-abcc-XXXXXX)
trap 'rm -rf "$T"' EXIT
for f in "$@"; do
    s=$(basename "$f" .tyl)
    for d in "$B" "$N"; do
        mkdir -p "$T/$(basename "$d")"
        c="$T/$(basename "$d")/$s.c"
        (cd "$(dirname "$f")" && "$d/bin/tylesc" "$s.tyl" -o "$c") || continue
        t=$( { /usr/bin/time -f "%U %S" mpicc -std=c11 -O3 -march=native -fopenmp -I"$d/src/runtime_mpi" \
               -c "$c" -o "$T/x.o" 2>&1 >/dev/null; } | tail -1 | awk '{print $1 + $2}')
        echo "$s $d $t"
    done
done

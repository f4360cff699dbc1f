#!/bin/sh
# IR tests: what the passes must establish, checked on --dump output.
#   burgers_step.tyl: after pass_inline_temps the time loop holds one sweep per output array
#   (un, vn) and allocates nothing (the six named temporaries are computed inside the sweeps);
#   after pass_fuse both sweeps are one loop nest.
# The program itself is also compared with NumPy by tests/run_tests.py (it is linked there).
set -u
TYLESC=${1:-bin/tylesc}
pass=0 fail=0
check() { # name condition-text expected actual
    if [ "$3" = "$4" ]; then pass=$((pass + 1)); echo "PASS $1"; else fail=$((fail + 1)); echo "FAIL $1: $2: expected $3, got $4"; fi
}
dump=$($TYLESC tests/ir/burgers_step.tyl --dump=copysem) || { echo "FAIL burgers_step: tylesc failed"; exit 1; }
loop=$(printf '%s\n' "$dump" | sed -n '/^for n_it/,/^[^ ]/p' | sed '$d')
check burgers_step/sweeps "sweeps in the time loop" 2 "$(printf '%s\n' "$loop" | grep -c 'sweep\[')"
check burgers_step/allocs "allocations in the time loop" 0 "$(printf '%s\n' "$loop" | grep -c '= alloc')"
check burgers_step/targets "sweep targets" "un vn" "$(printf '%s\n' "$loop" | grep -o 'sweep\[[a-z,]*\] [a-z]*' | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
# after pass_fuse the two updates are one loop nest
dump=$($TYLESC tests/ir/burgers_step.tyl --dump=fuse) || { echo "FAIL burgers_step: tylesc failed"; exit 1; }
loop=$(printf '%s\n' "$dump" | sed -n '/^for n_it/,/^[^ ]/p' | sed '$d')
check burgers_step/fused "fused groups in the time loop" 1 "$(printf '%s\n' "$loop" | grep -c 'fused:')"
check burgers_step/fused_sweeps "sweeps inside the fused group" 2 "$(printf '%s\n' "$loop" | grep -c '^    sweep\[')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# The run-time library is layered: no two of its files call each other round a circle
# (tools/rt_layers.py reads the calls from the objects' symbols). First the check itself, on
# objects made here whose files do call round a circle (it must refuse them), then the library.
# usage: tests/unit/layers.sh [OBJ...]   (default: the objects make put in build/rt)
# Prints "N passed, N failed" at the end; exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-layers-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}

# a calls b, b calls c, c calls a: one circle of three; d calls a from above it
printf 'int b_f(void);\nint a_f(void) { return b_f(); }\nint a_g(void) { return 1; }\n' >"$T/a.c"
printf 'int c_f(void);\nint b_f(void) { return c_f(); }\n' >"$T/b.c"
printf 'int a_g(void);\nint c_f(void) { return a_g(); }\n' >"$T/c.c"
printf 'int a_f(void);\nint d_f(void) { return a_f(); }\n' >"$T/d.c"
for f in a b c d; do $CC -c "$T/$f.c" -o "$T/$f.o" || exit 2; done
out=$(python3 tools/rt_layers.py --check "$T"/a.o "$T"/b.o "$T"/c.o "$T"/d.o)
rc=$?
if [ "$rc" = 1 ] && grep -q '^circle of 3 files: a b c$' <<<"$out" && grep -q '^  c -> a: a_g$' <<<"$out" &&
    grep -q '^layer  1  d  -> a$' <<<"$out"; then
    pass "a circle of three files is found and refused"
else
    fail "a circle of three files is found and refused (exit status $rc)"
    echo "$out"
fi
out=$(python3 tools/rt_layers.py --check "$T"/a.o "$T"/b.o "$T"/d.o)
rc=$?
if [ "$rc" = 0 ] && grep -q '^layer  2  d  -> a$' <<<"$out"; then
    pass "without the file that closes it, no circle"
else
    fail "without the file that closes it, no circle (exit status $rc)"
    echo "$out"
fi

# the library
if [ $# -gt 0 ]; then OBJS=("$@"); else OBJS=("$ROOT"/build/rt/src/runtime_mpi/*.o "$ROOT"/build/rt/runtime/elastic/*.o); fi
if [ ! -f "${OBJS[0]}" ]; then
    fail "the run-time library's objects (${OBJS[0]}: run make first)"
else
    out=$(python3 tools/rt_layers.py --check "${OBJS[@]}")
    rc=$?
    if [ "$rc" = 0 ]; then
        pass "the run-time library is layered: $(tail -n 1 <<<"$out")"
    else
        fail "the run-time library calls round a circle (tools/rt_layers.py):"
        sed -n '/^circle/,$p' <<<"$out"
    fi
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]

#!/bin/bash
# make check-programs compiles its -O0 programs through tests/mpicc_pch.sh (gcc reading tyles.h
# from a precompiled header and linking with gold, tests/pch_cc.sh). That the header is read and a stale one refused:
#   used     a program compiled through it: gcc -H names the .gch as used ("! PATH.gch"), the
#            executable was linked by gold (where ld.gold is installed) and runs
#   stale    the .gch replaced by one made with other flags (-O2: __OPTIMIZE__): the compile
#            fails and says why (-Winvalid-pch), never compiles on without it
# Usage: tests/pch_check.sh REPO_ROOT
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-pch-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { echo "PASS pch/$1"; pass=$((pass + 1)); }
bad() { echo "FAIL pch/$1: $2"; [ -f "${3:-}" ] && sed -n 1,20p "$3" | sed 's/^/    /'; fail=$((fail + 1)); }
export TYL_PCH_DIR=$T/pch CFLAGS="-O0 -Wall -Wextra -Werror"
prog=$ROOT/samples/heat2d.tyl

if ! TYLES_CC="$ROOT/tests/mpicc_pch.sh -H" "$ROOT/bin/tylesc" "$prog" -o "$T/used" >"$T/used.log" 2>&1; then
    bad used "tylesc failed" "$T/used.log"
elif ! grep -q "^! $TYL_PCH_DIR/.*/tyles.h.gch\$" "$T/used.log"; then
    bad used "gcc -H does not name the precompiled header as used" "$T/used.log"
elif command -v ld.gold >/dev/null && ! readelf -W -S "$T/used" | grep -q gold-version; then
    bad used "not linked by gold (ld.gold is installed)" "$T/used.log"
elif ! (cd "$T" && ./used --steps=2 >/dev/null 2>"$T/run.log"); then
    bad used "the program did not run" "$T/run.log"
else
    ok used
fi

rm -rf "$TYL_PCH_DIR"
TYLES_CC="$ROOT/tests/mpicc_pch.sh" "$ROOT/bin/tylesc" "$prog" -o "$T/a" >"$T/a.log" 2>&1
gch=$(ls "$TYL_PCH_DIR"/*/tyles.h.gch 2>/dev/null | head -n 1)
if [ -z "$gch" ]; then
    bad stale "no precompiled header made" "$T/a.log"
else
    mpicc -std=c11 -fopenmp -O2 -c -x c-header "$ROOT/src/runtime_mpi/tyles.h" -o "$gch" 2>"$T/o2.log" ||
        { bad stale "could not make the -O2 header" "$T/o2.log"; }
    if TYLES_CC="$ROOT/tests/mpicc_pch.sh" "$ROOT/bin/tylesc" "$prog" -o "$T/b" >"$T/b.log" 2>&1; then
        bad stale "compiled with a precompiled header made at -O2" "$T/b.log"
    elif ! grep -q "tyles.h.gch: not used because" "$T/b.log"; then
        bad stale "the failure does not say why the header was not used" "$T/b.log"
    else
        ok "stale (refused: $(grep -m1 -o 'not used because .*' "$T/b.log"))"
    fi
fi
echo "pch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# Survey (not a pass/fail check): how many of tests/programs/*.tyl keep every array replicated
# on several ranks, from tylesc --dump=halo (pass_dist's decision, the same at any rank count).
# A program counts as "nothing distributed" when it allocates or loads arrays but no layout is
# distributed (--dump=halo prints a 'layout N: distributed over ...' line per distributed one);
# programs without arrays are counted apart.
# Usage: tests/dist/survey.sh [TYLESC] [-v]   (-v lists the programs with nothing distributed)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TYLESC=$(cd "$(dirname "${1:-$ROOT/bin/tylesc}")" && pwd)/$(basename "${1:-$ROOT/bin/tylesc}")
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-survey-XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
total=0 none=0 noarr=0 dist=0 failed=0 list=
for f in "$ROOT"/tests/programs/*.tyl; do
    n=$(basename "$f" .tyl)
    total=$((total + 1))
    rm -rf "$T/w" && mkdir -p "$T/w"
    [ -d "${f%.tyl}.data" ] && cp -r "${f%.tyl}.data"/. "$T/w"/
    if ! d=$(cd "$T/w" && "$TYLESC" "$f" --dump=halo 2>/dev/null); then failed=$((failed + 1)); continue; fi
    if printf '%s\n' "$d" | grep -q '^layout [0-9]*: distributed'; then dist=$((dist + 1))
    elif ! printf '%s\n' "$d" | grep -q '= alloc\|= load'; then noarr=$((noarr + 1))
    else none=$((none + 1)); list="$list $n"; fi
done
echo "programs $total: some array distributed $dist, nothing distributed $none, no arrays $noarr, not compiled $failed"
[ "${2:-}" = -v ] && printf '%s\n' $list
exit 0

#!/usr/bin/env bash
# The fuzz corpus through the whole compiler's command line, in the modes the libFuzzer target
# (fuzz_frontend.c, the program pipeline only) does not reach: tylesc --lib (library mode, its
# module state and exports), --dump=STAGE for every stage, and --target=cuda. The compiler is
# build/asan/bin/tylesc (ASan + UBSan). A finding is an exit status other than 0 (compiled) or 1
# (diagnostics), a sanitizer report, an internal error, or more than 20 s (a hang).
#
#   tests/fuzz/cli_modes.sh [DIR-or-FILES...]   (default build/fuzz/corpus, else every .tyl seed)
#
# Each file runs in every mode (make fuzz-long). Findings are listed and copied to
# build/fuzz/cli_findings/; the exit status is 1 when there is one.
set -u
cd "$(dirname "$0")/../.."
make -s build/asan/bin/tylesc || exit 2
TYLESC=$PWD/build/asan/bin/tylesc
OUT=build/fuzz/cli_findings
mkdir -p "$OUT"
if [ $# -eq 0 ]; then
    if [ -d build/fuzz/corpus ]; then set -- build/fuzz/corpus; else set -- $(find tests samples bench -name '*.tyl' | sort); fi
fi
files=$(for a in "$@"; do if [ -d "$a" ]; then find "$a" -type f | sort; else echo "$a"; fi; done)
one() { # FILE: every mode; prints one line per finding
    f=$1 w=$(mktemp -d /tmp/tyl-climodes.XXXXXX)
    cp "$f" "$w/p.tyl"
    for mode in "--lib -o $w/p.c" "--target=cuda -o $w/p.cu" --dump=ast --dump=ir --dump=inline \
                --dump=stages --dump=copysem --dump=fuse --dump=halo --dump=sched; do
        # shellcheck disable=SC2086
        (cd "$w" && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            timeout 20 "$TYLESC" $mode p.tyl >/dev/null 2>err)
        rc=$?
        if [ $rc -gt 1 ] || grep -qE 'Sanitizer|runtime error|internal error' "$w/err"; then
            echo "$f: tylesc ${mode%% -o*}: exit $rc: $(grep -m1 -E 'ERROR|runtime error|internal error' "$w/err" | cut -c1-200)"
        fi
    done
    rm -rf "$w"
}
export -f one
export TYLESC
n=$(echo "$files" | wc -l)
echo "cli_modes: $n files x 10 modes with $TYLESC"
echo "$files" | xargs -P "${JOBS:-2}" -I{} bash -c 'one "$1"' _ {} | tee "$OUT/list"
found=$(wc -l <"$OUT/list")
echo "cli_modes: $found findings (list: $OUT/list)"
[ "$found" -eq 0 ]

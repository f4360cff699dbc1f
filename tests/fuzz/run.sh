#!/usr/bin/env bash
# Build the tylesc front-end fuzzer (libFuzzer + ASan + UBSan) into build/fuzz/ and run it.
#
#   tests/fuzz/run.sh [SECONDS] [extra libFuzzer flags...]     (SECONDS default 60)
#
# Environment:
#   CLANG=clang-14        the compiler (needs libFuzzer: apt-get install clang libclang-rt-14-dev)
#   KEEP_GOING=1          fork mode: do not stop at the first crash/timeout (-fork=1 -ignore_*)
#   BUILD_ONLY=1          build the fuzzer and stop
#
# Crashes, timeouts, leaks and internal errors land in build/fuzz/artifacts/; the grown corpus
# in build/fuzz/corpus/. Reproduce one with: build/fuzz/fuzz_frontend FILE
# (or bin/tylesc FILE -o /tmp/x.c for the compiler's own message).
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_TO_RUN=${1:-60}
[ $# -gt 0 ] && shift
OUT=build/fuzz
CLANG=${CLANG:-$(command -v clang-14 || command -v clang || true)}
if [ -z "$CLANG" ]; then
    echo "run.sh: no clang found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi

# The generated scanner and parser come from make.
make -s build/gen/parser.c build/gen/lexer.c

mkdir -p "$OUT/obj" "$OUT/corpus" "$OUT/artifacts"
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined
       -Isrc -Ibuild/gen -Wno-unused-function"
SRCS="$(ls src/util/*.c src/frontend/*.c src/ir/*.c src/backend_c/*.c src/backend_cuda/*.c) src/driver/driver_passes.c src/runtime_mpi/tyl_npyhdr.c
      src/runtime_mpi/tyl_format.c build/gen/lexer.c
      build/gen/parser.c tests/fuzz/fuzz_frontend.c"
OBJS=""
for s in $SRCS; do
    o="$OUT/obj/$(echo "$s" | tr / _).o"
    if [ ! -e "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find src grammar build/gen -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
        # shellcheck disable=SC2086
        $CLANG $FLAGS -c "$s" -o "$o"
    fi
    OBJS="$OBJS $o"
done
# shellcheck disable=SC2086
$CLANG $FLAGS $OBJS -lm -o "$OUT/fuzz_frontend"
echo "built $OUT/fuzz_frontend"
[ -n "${BUILD_ONLY:-}" ] && exit 0

n=0
# Every .tyl under tests/, samples/ and bench/ (library-mode warnings, IR and elastic tests too),
# named by its path so that two seeds of one name do not overwrite each other.
for f in $(find tests samples bench -name '*.tyl' | sort); do
    cp "$f" "$OUT/corpus/seed_$(echo "$f" | tr / _)"
    n=$((n + 1))
done
echo "seeded $n files into $OUT/corpus ($(ls "$OUT/corpus" | wc -l) in the corpus)"

before=$(ls "$OUT/artifacts" | wc -l)
MODE=()
if [ -n "${KEEP_GOING:-}" ]; then
    MODE=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
LOG="$OUT/last_run.log"
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=tests/fuzz/ubsan.supp} \
TYL_ABORT_ON_INTERNAL=1 \
    "$OUT/fuzz_frontend" "$OUT/corpus" \
    -dict=tests/fuzz/tyl.dict -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 \
    -max_len=4096 -close_fd_mask=2 -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/" "${MODE[@]}" "$@" >"$LOG" 2>&1
rc=$?
set -e

echo "---- summary (full log: $LOG)"
grep -E '^(#[0-9]+ +(DONE|pulse)|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|INFO: fuzzed for|.*crash-|.*timeout-|.*leak-)' "$LOG" | tail -25 || true
after=$(ls "$OUT/artifacts" | wc -l)
echo "fuzzer exit status $rc; corpus $(ls "$OUT/corpus" | wc -l) files; new artifacts: $((after - before))"
ls -t "$OUT/artifacts" | head -$((after - before)) | sed "s|^|  $OUT/artifacts/|"
exit $rc

#!/usr/bin/env bash
# Builds and runs the libtyles unit tests (src/runtime_mpi) under AddressSanitizer and
# UndefinedBehaviorSanitizer. Expected values come from CPython / NumPy (python3 with numpy 2).
# usage: tests/unit/run.sh            (from anywhere; build output in tests/unit/build)
# Prints "N passed, N failed" at the end; exit status 1 if anything failed.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
UNIT=$ROOT/tests/unit
B=${TYL_UNIT_BUILD:-$UNIT/build}
rm -rf "$B"
mkdir -p "$B/data" "$B/npy"

CC=${MPICC:-mpicc}
CFLAGS="-std=c11 -Wall -Wextra -Werror -O1 -g -fopenmp -fsanitize=address,undefined
        -fno-sanitize-recover=undefined -fno-omit-frame-pointer -I$ROOT/src/runtime_mpi -I$ROOT/src -I$ROOT"
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
# Open MPI never frees what MPI_Init allocates: suppress those leaks, keep ours reported.
export ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1
export LSAN_OPTIONS=suppressions=$UNIT/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMPI_MCA_mca_base_component_disable_dlclose=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
export TYL_UNIT_DATA=$B/data

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }

# Lines "ok NAME ..." / "FAIL NAME ..." of a test's output count as results.
count_output() {
    local out=$1 rc=$2 name=$3
    echo "$out"
    local p f
    p=$(grep -c '^ok ' <<<"$out")
    f=$(grep -c '^FAIL ' <<<"$out")
    PASS=$((PASS + p))
    FAIL=$((FAIL + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        fail "$name (exit status $rc)"
    fi
}

# ---- build ----------------------------------------------------------------------------------
# The compilations are independent: up to JOBS at once (default: the number of CPUs). bg NAME
# CMD... runs CMD in the background; a failure is written to $B/failed and reported by collect.
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
bg() {
    while [ "$(jobs -pr | wc -l)" -ge "$JOBS" ]; do wait -n; done # (a wait, not a poll: tests/par.sh)
    local name=$1
    shift
    { "$@" || echo "$name" >>"$B/failed"; } &
}
collect() {
    wait
    if [ -f "$B/failed" ]; then
        while read -r name; do fail "$name"; done <"$B/failed"
        rm -f "$B/failed"
    fi
}
echo "== build"
# TYL_SAN_LIB: the library already built with these flags (make check-unit: the Makefile's
# build/rtsan/libtyles_san.a, shared with the elastic runtime's ASan run)
LIBOBJ=()
if [ -n "${TYL_SAN_LIB:-}" ]; then
    LIBOBJ=("$TYL_SAN_LIB")
else
    for src in "$ROOT"/src/runtime_mpi/*.c "$ROOT"/runtime/elastic/*.c; do
        obj=$B/$(basename "${src%.c}").o
        bg "build $(basename "$src")" $CC $CFLAGS -c "$src" -o "$obj"
        LIBOBJ+=("$obj")
    done
fi
# also the production flags of the brief, with all warnings. TYL_PROD_WARN: the folder of the
# Makefile's libtyles.a objects, whose compiles (-O2, all warnings) kept what gcc printed beside
# each object (build/rt/PATH.warn): the product's own build, read instead of compiled a second time
# (22 CPU-s); a file compiled without such a record is compiled here.
for src in "$ROOT"/src/runtime_mpi/*.c "$ROOT"/runtime/elastic/*.c; do
    warn=${TYL_PROD_WARN:+$TYL_PROD_WARN/${src#"$ROOT"/}}
    warn=${warn%.c}.warn
    if [ -n "${TYL_PROD_WARN:-}" ] && [ -f "$warn" ] && [ -f "${warn%.warn}.o" ] && [ "${warn%.warn}.o" -nt "$src" ]; then
        if [ -s "$warn" ]; then
            cat "$warn"
            echo "build -O2 $(basename "$src") (warnings in the library's build, $warn)" >>"$B/failed"
        fi
    else
        bg "build -O2 $(basename "$src")" $CC -std=c11 -Wall -Wextra -Werror -O2 -fopenmp -I"$ROOT/src" \
            -c "$src" -o "$B/prod_$(basename "${src%.c}").o"
    fi
done
# the ULFM recovery path compiles (against a stand-in <mpi-ext.h>: this MPI has no ULFM)
ULFM=(runtime/elastic/tyl_ulfm.c runtime/elastic/tyl_ckpt.c src/runtime_mpi/tyl_dist.c)
for src in "${ULFM[@]}"; do
    bg "build ULFM $(basename "$src")" $CC -std=c11 -Wall -Wextra -Werror -O2 -fopenmp -DTYL_HAVE_ULFM \
        -I"$UNIT/ulfm_stub" -I"$ROOT/src" -c "$ROOT/$src" -o "$B/ulfm_$(basename "${src%.c}").o"
done
bg gen_expected.py python3 "$UNIT/gen_expected.py" "$B/data"
bg gen_print.py python3 "$UNIT/gen_print.py" "$B/data/print_cases.bin"
collect
for src in "${ULFM[@]}"; do
    [ -f "$B/ulfm_$(basename "${src%.c}").o" ] && pass "build ULFM $(basename "$src")"
done
for t in test_values test_errors test_arrays test_print_array test_npy test_npyhdr test_crc32c test_random test_threads test_prefetch test_looptime opt_prog noparam_prog mpi_pin_prog; do
    bg "build $t" $CC $CFLAGS "$UNIT/$t.c" "${LIBOBJ[@]}" -o "$B/$t" -lm
done
collect

# ---- value tests against CPython --------------------------------------------------------------
echo "== values"
out=$("${MPIRUN[@]}" -np 1 "$B/test_values" 2>&1)
count_output "$out" $? test_values

echo "== errors"
out=$("$B/test_crc32c" 2>&1)
count_output "$out" $? test_crc32c

out=$("$B/test_errors" 2>&1)
count_output "$out" $? test_errors

out=$("$B/test_npyhdr" 2>&1)
count_output "$out" $? test_npyhdr

echo "== arrays"
out=$("${MPIRUN[@]}" -np 1 "$B/test_arrays" 2>&1)
count_output "$out" $? test_arrays

echo "== --stats' loop line (a loop entered again before it was left adds both entries' time)"
out=$("${MPIRUN[@]}" -np 1 "$B/test_looptime" 2>&1)
count_output "$out" $? test_looptime

echo "== tyl_prefetch_row asks for each line of a row once"
out=$("$B/test_prefetch" 2>&1)
count_output "$out" $? test_prefetch

echo "== threads (first-touch partition = the sweeps' schedule(static), box copies, large arrays' starts)"
# no quarantine: large_arrays_apart_modulo_256mib frees a probe to learn where the next array goes
out=$(ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=0 OMP_NUM_THREADS=4 "$B/test_threads" 2>&1)
count_output "$out" $? test_threads

echo "== Open MPI's components stay mapped through MPI_Finalize (tyl_mpipin.c; singleton)"
out=$("$B/mpi_pin_prog" 2>&1)
count_output "$out" $? mpi_pin_prog

echo "== print arrays"
out=$("${MPIRUN[@]}" -np 1 "$B/test_print_array" 2>&1)
count_output "$out" $? test_print_array

echo "== format (tyl_format.c against CPython's format())"
if $CC $CFLAGS "$UNIT/format_driver.c" "$ROOT/src/runtime_mpi/tyl_format.c" -o "$B/format_driver" -lm; then
    out=$(python3 "$UNIT/format_check.py" "$B/format_driver" 30000 2>&1)
    count_output "$out" $? format_check
else
    fail "build format_driver"
fi

echo "== float32 / float64 scalars (print, str, repr) against NumPy"
if $CC $CFLAGS "$UNIT/repr_driver.c" "${LIBOBJ[@]}" -o "$B/repr_driver" -lm; then
    out=$(python3 -W ignore "$UNIT/repr_check.py" "$B/repr_driver" 20000 2>&1)
    count_output "$out" $? repr_check
else
    fail "build repr_driver"
fi

echo "== npy"
out=$(TYL_NPY_DIR=$B/npy "${MPIRUN[@]}" -np 1 "$B/test_npy" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "$out"
    fail "test_npy (exit status $rc)"
fi
out=$(python3 "$UNIT/check_npy.py" "$B/npy" 2>&1)
count_output "$out" $? check_npy

echo "== random"
mkdir -p "$B/random"
if python3 "$UNIT/check_random.py" plan "$B/random"; then
    out=$(TYL_RANDOM_DIR=$B/random "${MPIRUN[@]}" -np 1 "$B/test_random" 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "$out"
        fail "test_random (exit status $rc)"
    fi
    out=$(python3 "$UNIT/check_random.py" check "$B/random" 2>&1)
    count_output "$out" $? check_random
else
    fail "check_random.py plan"
fi

# ---- options ------------------------------------------------------------------------------
# opt_case NAME WANT_RC WANT_STDOUT WANT_STDERR ARGS...: runs opt_prog directly (MPI singleton);
# stdout and stderr must match exactly ("*" = anything).
# Each run waits on MPI's singleton start-up: the cases run several at a time (tests/par.sh),
# each in a folder of its own.
PAR_DIR=$B/par
mkdir -p "$PAR_DIR"
. "$ROOT/tests/par.sh"
opt_case() {
    mkdir -p "$B/opt/$1"
    par opt_case_run "$@"
}
opt_case_run() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 4
    local out err rc
    cd "$B/opt/$name" || return
    out=$("$B/opt_prog" "$@" 2>stderr) && rc=0 || rc=$?
    err=$(cat stderr)
    if [ "$rc" = "$want_rc" ] && { [ "$want_out" = "*" ] || [ "$out" = "$want_out" ]; } &&
        { [ "$want_err" = "*" ] || [ "$err" = "$want_err" ]; }; then
        echo "ok $name"
    else
        echo "FAIL $name: rc=$rc (want $want_rc)"
        echo "  stdout: $out"
        echo "  want:   $want_out"
        echo "  stderr: $err"
        echo "  want:   $want_err"
    fi
}

echo "== options"
E="opt_prog: error:"
opt_case opt_defaults 0 "64 0.05 100 True" "" 
opt_case opt_set_all 0 "128 0.25 7000 False" "" --N=128 --nu=0.25 --steps=7_000 --flag=False
opt_case opt_int_syntax 0 "255 0.05 -1000000 True" "" --N=0xff --steps=-1_000_000
opt_case opt_int_bases 0 "-8 0.05 5 True" "" --N=-0o10 --steps=0b101
opt_case opt_int_plus 0 "7 0.05 9223372036854775807 True" "" --N=+007 --steps=9223372036854775807
opt_case opt_int_min 0 "-9223372036854775808 0.05 100 True" "" --N=-9223372036854775808 --N=1 --N=-9223372036854775808
opt_case opt_float_syntax 0 "64 inf 100 True" "" --nu=inf
opt_case opt_float_nan 0 "64 nan 100 True" "" --nu=nan
opt_case opt_float_exp 0 "64 1e-05 100 True" "" --nu=1e-5
opt_case opt_float_underscore 0 "64 1000.25 100 True" "" --nu=1_000.25
opt_case opt_float_exp_underscore 0 "64 10000000000.0 100 True" "" --nu=1e1_0
opt_case opt_float_bad_underscore 2 "" "$E invalid value '1__0.5' for --nu: expected a float" --nu=1__0.5
opt_case opt_float_edge_underscore 2 "" "$E invalid value '1.5_' for --nu: expected a float" --nu=1.5_
opt_case opt_float_dot_underscore 2 "" "$E invalid value '1_.5' for --nu: expected a float" --nu=1_.5
opt_case opt_float_int 0 "64 3.0 100 True" "" --nu=3
opt_case opt_bool_forms 0 "64 0.05 100 False" "" --flag=0
opt_case opt_bool_true 0 "64 0.05 100 True" "" --flag=false --flag=true
opt_case opt_last_wins 0 "2 0.05 100 True" "" --N=1 --N=2
opt_case opt_unknown 2 "" "$E unknown option '--M' (parameters: N, nu, steps, flag; see --help)" --M=3
opt_case opt_unknown_noval 2 "" "$E unknown option '--verbose' (parameters: N, nu, steps, flag; see --help)" --verbose
opt_case opt_case_sensitive 2 "" "$E unknown option '--n' (parameters: N, nu, steps, flag; see --help)" --n=3
opt_case opt_missing_value 2 "" "$E option '--N' needs a value: --N=VALUE" --N
opt_case opt_bad_int 2 "" "$E invalid value 'abc' for --N: expected an integer" --N=abc
opt_case opt_float_for_int 2 "" "$E invalid value '2.5' for --N: expected an integer" --N=2.5
opt_case opt_empty_int 2 "" "$E invalid value '' for --N: expected an integer" --N=
opt_case opt_bad_underscore 2 "" "$E invalid value '1__0' for --N: expected an integer" --N=1__0
opt_case opt_trailing_underscore 2 "" "$E invalid value '10_' for --N: expected an integer" --N=10_
opt_case opt_int_overflow 2 "" "$E invalid value '9223372036854775808' for --N: integer out of range (64-bit)" --N=9223372036854775808
opt_case opt_bad_float 2 "" "$E invalid value '0.1x' for --nu: expected a float" --nu=0.1x
opt_case opt_bad_bool 2 "" "$E invalid value 'yes' for --flag: expected True or False" --flag=yes
opt_case opt_positional 2 "" "$E unexpected argument 'foo' (options are --NAME=VALUE; see --help)" foo
opt_case opt_help_value 2 "" "$E option '--help' takes no value" --help=1
opt_case opt_ckpt_every_zero 2 "" "$E option '--checkpoint-every' needs a positive number of steps: --checkpoint-every=K" --checkpoint-every=0
opt_case opt_ckpt_every_word 2 "" "$E option '--checkpoint-every' needs a positive number of steps: --checkpoint-every=K" --checkpoint-every=often
opt_case opt_ckpt_dir_empty 2 "" "$E option '--checkpoint-dir' needs a value: --checkpoint-dir=DIR" --checkpoint-dir=
opt_case opt_restart_empty 2 "" "$E option '--restart=' needs a folder: --restart or --restart=DIR" --restart=
opt_case opt_error_first 2 "" "$E invalid value 'x' for --N: expected an integer" --N=x --M=1
HELP="usage: opt_prog [--NAME=VALUE ...] [--time] [--help]

Compiled by tylesc from opt_prog.tyl.

parameters:
  --N=INT         int (default 64)
  --nu=FLOAT      float (default 0.05)
  --steps=INT     int (default 100)
  --flag=BOOL     bool (default True)

runtime options:
  --help                show this message and exit
  --time                print the run time of the program to stderr at exit
  --procs=PxQ           the process grid, ranks per dimension (default: MPI_Dims_create)
  --no-overlap          exchange halos before computing instead of during (for comparisons)
  --stats               print time per phase, bytes exchanged and imbalance at exit
  --progress            about once a second on rank 0: outer step, steps/s, ETA
  --checkpoint-every=K  write a checkpoint every K steps of the time loop
  --checkpoint-dir=DIR  where checkpoints go (default opt_prog.ckpt)
  --restart[=DIR]       resume from the newest valid checkpoint (on any number of ranks),
                        or start from the beginning if there is none; a DIR given must exist

An option given twice takes its last value (a job script can override one).

signals: SIGUSR1 checkpoints at the next step, SIGTERM and SIGUSR2 checkpoint and stop
(exit status 75; resume with --restart)."
opt_case opt_help 0 "$HELP" "" --help
opt_case opt_help_after_params 0 "$HELP" "" --N=5 --help --M=1
# run-time error from the program: exit 1, one message, nothing after
opt_case rt_error 1 "64 0.05 7 True" "opt_prog: opt_prog.tyl:22: error: steps is 7" --steps=7
par_wait

# --time
out=$("$B/opt_prog" --time --N=10 2>"$B/stderr") && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ "$out" = "10 0.05 100 True" ] &&
    grep -qE '^tyles: time [0-9]+\.[0-9]{6} s$' "$B/stderr" && [ "$(wc -l <"$B/stderr")" -eq 1 ]; then
    pass opt_time
else
    fail "opt_time: rc=$rc stdout=$out stderr=$(cat "$B/stderr")"
fi


# a program without parameters
out=$("$B/noparam_prog" --N=1 2>&1) && rc=0 || rc=$?
if [ $rc -eq 2 ] && [ "$out" = "noparam_prog: error: unknown option '--N' (this program has no parameters; see --help)" ]; then
    pass opt_noparam_unknown
else
    fail "opt_noparam_unknown: rc=$rc output=$out"
fi

# a singleton's MPI_Finalize bounded by TYLES_SINGLETON_FINALIZE_GRACE (tyl_rt.c; 0: skipped,
# the process ends with its status once everything is flushed): the output is all there
out=$(TYLES_SINGLETON_FINALIZE_GRACE=0 "$B/noparam_prog" 2>&1) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ "$out" = "hello" ]; then
    pass singleton_finalize_grace_0
else
    fail "singleton_finalize_grace_0: rc=$rc output=$out"
fi
out=$(TYLES_SINGLETON_FINALIZE_GRACE=soon "$B/noparam_prog" 2>&1) && rc=0 || rc=$?
if [ $rc -eq 1 ] && [ "$out" = "noparam_prog: libtyles: error: TYLES_SINGLETON_FINALIZE_GRACE='soon' is not an integer from 0 to 86400" ]; then
    pass singleton_finalize_grace_checked
else
    fail "singleton_finalize_grace_checked: rc=$rc output=$out"
fi

# TYLES_* variables with values they do not take (tyl_env.c): one located message, exit 1,
# where atoi() read them as 0 or a prefix and the run went on; values they take run as before
env_case() { # name VAR=VALUE want-stderr (empty: the run must succeed)
    mkdir -p "$B/opt/$1"
    par env_case_run "$@"
}
env_case_run() {
    local out rc
    cd "$B/opt/$1" || return
    out=$(env "$2" "$B/opt_prog" --N=3 2>stderr) && rc=0 || rc=$?
    if { [ -z "$3" ] && [ $rc -eq 0 ] && [ "$out" = "3 0.05 100 True" ]; } ||
        { [ -n "$3" ] && [ $rc -eq 1 ] && [ -z "$out" ] && [ "$(cat stderr)" = "opt_prog: libtyles: error: $3" ]; }; then
        echo "ok $1"
    else
        echo "FAIL $1: rc=$rc stdout=$out stderr=$(cat stderr)"
    fi
}
env_case env_tt_rows_word TYLES_TT_ROWS=abc "TYLES_TT_ROWS='abc' is not an integer from 0 to 2147483648"
env_case env_tt_cache_mib TYLES_TT_CACHE=2M ""
env_case env_tt_l2_word TYLES_TT_L2=1q "TYLES_TT_L2='1q' is not an integer of bytes (K, M or G may follow) from 1 to 1099511627776"
env_case env_time_tile_word TYLES_TIME_TILE=no "TYLES_TIME_TILE='no' is not one of off|0|1|on|auto"
env_case env_kill_rank_range TYLES_FAULT_KILL_RANK=5 "TYLES_FAULT_KILL_RANK='5' is not a rank of the job (0 to 0) or 'random'"
env_case env_kill_rank_empty TYLES_FAULT_KILL_RANK= "TYLES_FAULT_KILL_RANK='' is not a value (it is set, but empty)"
env_case env_rescale_pairs TYLES_FAULT_RESCALE=10:2,20 "TYLES_FAULT_RESCALE='10:2,20' is not pairs STEP:RANKS separated by commas (at most 8), such as 100:2,200:4"
env_case env_empty_knob TYLES_TT_SYNC= ""
par_wait
# printed output that standard output did not take (a full disk) was lost with exit status 0: now
# a message and status 1 (Python's print raises OSError); a standard output closed at the start is
# /dev/null (exit 0, as Python), not the first file MPI opens
if [ -w /dev/full ]; then
    out=$(cd "$B/opt" && "$B/opt_prog" --N=3 2>&1 >/dev/full) && rc=0 || rc=$?
    if [ $rc -eq 1 ] && [ "$out" = "opt_prog: error: cannot write standard output: the program's printed output is lost" ]; then
        pass stdout_full
    else
        fail "stdout_full: rc=$rc $out"
    fi
fi
out=$(cd "$B/opt" && "$B/opt_prog" --N=3 2>&1 >&-) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then pass stdout_closed; else fail "stdout_closed: rc=$rc $out"; fi
# a bad value on rank 1 only: that rank's message once (then mpirun's notice), every rank stops
# (no hang, no MPI_Abort)
out=$(timeout 120 "${MPIRUN[@]}" -np 1 "$B/opt_prog" --N=3 : -np 1 env TYLES_XCHG_DIRECT_MIN=64q "$B/opt_prog" --N=3 2>&1) &&
    rc=0 || rc=$?
if [ $rc -eq 1 ] && [ "$(grep -c 'error:' <<<"$out")" -eq 1 ] &&
    [ "$(head -n 1 <<<"$out")" = "opt_prog: libtyles: error: TYLES_XCHG_DIRECT_MIN='64q' is not an integer of bytes (K, M or G may follow) from 1 to 1125899906842624" ]; then
    pass env_bad_on_one_rank
else
    fail "env_bad_on_one_rank: rc=$rc $out"
fi

# under mpirun: exit codes come through, 2 ranks are refused without hanging
out=$("${MPIRUN[@]}" -np 1 "$B/opt_prog" --N=3 2>&1) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ "$out" = "3 0.05 100 True" ]; then pass mpirun_ok; else fail "mpirun_ok: rc=$rc $out"; fi
out=$("${MPIRUN[@]}" -np 1 "$B/opt_prog" --N=abc 2>&1) && rc=0 || rc=$?
if [ $rc -eq 2 ] && grep -q "^$E invalid value 'abc' for --N: expected an integer\$" <<<"$out"; then
    pass mpirun_bad_option
else
    fail "mpirun_bad_option: rc=$rc $out"
fi
out=$(timeout 120 "${MPIRUN[@]}" -np 2 "$B/opt_prog" 2>&1) && rc=0 || rc=$?
n=$(grep -c '^64 ' <<<"$out")
# a program without arrays runs on every rank; rank 0 alone prints
if [ $rc -eq 0 ] && [ "$n" -eq 1 ]; then
    pass mpirun_two_ranks
else
    fail "mpirun_two_ranks: rc=$rc $out"
fi
out=$(timeout 120 "${MPIRUN[@]}" -np 2 "$B/opt_prog" --help 2>&1) && rc=0 || rc=$?
n=$(grep -c '^usage: opt_prog' <<<"$out")
if [ $rc -eq 0 ] && [ "$n" -eq 1 ]; then pass mpirun_two_ranks_help; else fail "mpirun_two_ranks_help: rc=$rc $out"; fi

# library mode (tyles_lib.h) under the sanitizers: an application that owns MPI, linked
# against an archive as applications are (objects it does not use stay out)
SANLIB=${TYL_SAN_LIB:-$B/libtyles_san.a}
[ -n "${TYL_SAN_LIB:-}" ] || ar rcs "$SANLIB" "${LIBOBJ[@]}"
$CC $CFLAGS "$UNIT/lib_ctx.c" "$SANLIB" -o "$B/lib_ctx" -lm || fail "build lib_ctx"
for np in 1 3; do
    out=$(timeout 120 "${MPIRUN[@]}" -np $np "$B/lib_ctx" 2>&1) && rc=0 || rc=$?
    count_output "$(sed "s/^ok /ok lib_ctx@np$np: /" <<<"$out")" $rc "lib_ctx@np$np"
done

echo
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

#!/bin/bash
# Loops singleton runs (./prog, no mpirun: an MPI singleton, as run_tests.py runs one rank) of
# compiled programs for a while, with core dumps on, and records every run that does not exit 0:
# its status, stderr, and a backtrace of every thread from the core (gdb). Not part of make
# check: a hunt for rare start-up/shutdown faults (tests/stress/README.md).
#
# Usage: tests/stress/singleton_loop.sh REPO_ROOT SECONDS STREAMS BUSY SPEC...
#   SECONDS  how long to loop;  STREAMS  loops running side by side (each in a folder of its own)
#   BUSY     busy loops (yes > /dev/null) started beside them and stopped at the end
#   SPEC     PROGRAM[:VAR=VALUE,VAR=VALUE...]: tests/programs/PROGRAM.tyl (or a path to a .tyl)
#            run with those variables; the same program may appear with several variable sets
# Environment: make check's MPI variables and OMP_NUM_THREADS=2 unless set; LOOP_OUT (a folder:
# default a new one under /tmp) keeps the executables, the failures and the log; TYLESC_FLAGS;
# LOOP_HANG (seconds, default 120): a run that takes longer is stopped with SIGABRT (a core, and
# status 134 or 124) and recorded as a failure; LOOP_OWN_TMPDIR=1: each stream gives Open MPI a
# session folder base of its own (OMPI_MCA_orte_tmpdir_base), as run_tests.py does.
set -u
root=$(cd "${1:?REPO_ROOT}" && pwd) secs=${2:?SECONDS} streams=${3:?STREAMS} busy=${4:?BUSY}
shift 4
export OMPI_MCA_pml=${OMPI_MCA_pml-ob1} HWLOC_COMPONENTS=${HWLOC_COMPONENTS--pci,-linuxio}
export HWLOC_PLUGINS_BLACKLIST=${HWLOC_PLUGINS_BLACKLIST-hwloc_gl,hwloc_opencl,hwloc_pci,hwloc_xml_libxml}
export PMIX_MCA_gds=${PMIX_MCA_gds-hash} OMP_WAIT_POLICY=${OMP_WAIT_POLICY-passive}
export OMP_NUM_THREADS=${OMP_NUM_THREADS-2} OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=${LOOP_OUT:-$(mktemp -d /tmp/singleton_loop.XXXXXX)}
mkdir -p "$out/bin" "$out/fail"
ulimit -c unlimited
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case "$pattern" in
core*) ;;
*) echo "note: core_pattern is '$pattern': cores may not land in the run folder" ;;
esac

# build each program once; a spec is "exe|VAR=VALUE ..." from here on
specs=()
for spec in "$@"; do
    prog=${spec%%:*} vars=
    [ "$prog" != "$spec" ] && vars=$(printf '%s' "${spec#*:}" | tr ',' ' ')
    tyl=$prog
    [ -f "$tyl" ] || tyl=$root/tests/programs/$prog.tyl
    name=$(basename "$tyl" .tyl)
    if [ ! -x "$out/bin/$name" ]; then
        flags=$(sed -n 's/^# tylesc-flags: //p' "$tyl")
        # shellcheck disable=SC2086
        (cd "$root" && bin/tylesc ${TYLESC_FLAGS:-} $flags "$tyl" -o "$out/bin/$name") >"$out/bin/$name.log" 2>&1 ||
            { echo "cannot compile $tyl: $(head -3 "$out/bin/$name.log")"; exit 2; }
        args=$(sed -n 's/^# args: //p' "$tyl")
        printf '%s\n' "$args" >"$out/bin/$name.args"
        # inputs the program reads (np.load, loadtxt): NAME.data/ beside it, as run_tests.py copies
        [ -d "${tyl%.tyl}.data" ] && cp -r "${tyl%.tyl}.data" "$out/bin/$name.data"
    fi
    specs+=("$name|$vars")
done

pids=()
for ((b = 0; b < busy; b++)); do
    yes >/dev/null &
    pids+=($!)
done
stop_busy() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null; done; }
trap stop_busy EXIT

stream() {
    local s=$1 dir=$out/s$1 n=0 i=0 end=$((SECONDS + secs))
    mkdir -p "$dir"
    cd "$dir" || exit 2
    if [ "${LOOP_OWN_TMPDIR:-0}" = 1 ]; then
        export OMPI_MCA_orte_tmpdir_base
        OMPI_MCA_orte_tmpdir_base=$(mktemp -d /tmp/tylo-XXXXXX)
    fi
    for d in "$out"/bin/*.data; do [ -d "$d" ] && cp -r "$d"/. .; done
    while [ "$SECONDS" -lt "$end" ]; do
        local spec=${specs[$((i % ${#specs[@]}))]}
        local name=${spec%%|*} vars=${spec#*|}
        i=$((i + 1))
        rm -f core
        # a run past LOOP_HANG seconds (default 120) is a hang: SIGABRT makes it dump core
        # shellcheck disable=SC2046,SC2086
        timeout -s ABRT "${LOOP_HANG:-120}" env $vars "$out/bin/$name" $(cat "$out/bin/$name.args") \
            >stdout 2>stderr </dev/null
        local st=$?
        n=$((n + 1))
        # a singleton whose MPI_Finalize hung, ended by libtyles' watchdog (tyl_rt.c)
        grep -q 'MPI_Finalize did not return' stderr &&
            echo "watchdog: $name $vars (stream $s, run $n, $(date -u +%T), status $st)" >>"$out/watchdog.log"
        if [ "$st" != 0 ]; then
            local tag=$out/fail/s${s}_${n}_$name
            {
                echo "status $st: $name $vars (stream $s, run $n, $(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))"
                cat stderr
            } >"$tag.txt"
            if [ -f core ]; then
                mv core "$tag.core"
                gdb -batch -q -ex 'info signals SIGSEGV' -ex 'thread apply all bt' "$out/bin/$name" "$tag.core" \
                    >>"$tag.txt" 2>&1
            fi
            echo "FAIL $(head -1 "$tag.txt")"
        fi
    done
    echo "$n" >"$dir/count"
    [ "${LOOP_OWN_TMPDIR:-0}" = 1 ] && rm -rf "$OMPI_MCA_orte_tmpdir_base"
}

spids=()
for ((s = 0; s < streams; s++)); do
    stream "$s" &
    spids+=($!)
done
wait "${spids[@]}"
stop_busy
total=0
for ((s = 0; s < streams; s++)); do total=$((total + $(cat "$out/s$s/count" 2>/dev/null || echo 0))); done
nfail=$(find "$out/fail" -name '*.txt' | wc -l)
nwd=$(cat "$out/watchdog.log" 2>/dev/null | wc -l)
echo "singleton_loop: $total runs, $nfail failed, $nwd ended by the finalize watchdog, in $secs s ($streams streams, $busy busy loops; load $(cut -d' ' -f1-3 /proc/loadavg)); $out"
[ "$nfail" = 0 ]

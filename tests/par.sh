# par.sh: independent cases of a shell suite run several at a time (sourced by the suite).
#
# Most cases of the MPI suites wait rather than compute: mpirun and MPI_Init take about 0.4 s of
# wall time and a tenth of it in CPU, and one case after another left the cores idle for most of
# a suite. par CMD... starts CMD in the background (at most PAR_JOBS at once) with its output
# kept in a file; par_wait [PASSVAR FAILVAR] waits for them all, prints each case's output in the
# order the cases were started, and adds its "ok NAME" or "PASS NAME" lines to PASSVAR and its
# "FAIL NAME" lines to FAILVAR (default PASS and FAIL; a case that prints none of these nor a
# "SKIP NAME" line counts as a failure). A case runs in a subshell: it reports through its output, never through variables,
# and writes only into files of its own.
#
# The suite sets PAR_DIR (an empty folder of its own) before the first par.
PAR_JOBS=${PAR_JOBS:-4}
PAR_N=0

# A free slot is waited for with `wait -n` (the shell sleeps until a case ends), not polled: the
# old check every 20 ms forked a subshell and wc each time, 0.47 CPU-s per 10 s of a suite's
# wall at load 37 (h157), in every suite's shell and in par_scripts.sh's above them.
par() {
    while [ "$(jobs -pr | wc -l)" -ge "$PAR_JOBS" ]; do wait -n; done
    PAR_N=$((PAR_N + 1))
    ("$@") >"$PAR_DIR/case.$PAR_N" 2>&1 </dev/null &
}

par_wait() {
    local passvar=${1:-PASS} failvar=${2:-FAIL} i out p f
    wait
    for ((i = 1; i <= PAR_N; i++)); do
        out=$(cat "$PAR_DIR/case.$i" 2>/dev/null)
        [ -n "$out" ] && echo "$out"
        p=$(grep -cE '^(ok|PASS) ' <<<"$out")
        f=$(grep -c '^FAIL ' <<<"$out")
        if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && ! grep -q '^SKIP ' <<<"$out"; then
            echo "FAIL case $i of this group printed no result"
            f=1
        fi
        printf -v "$passvar" %d $((${!passvar} + p))
        printf -v "$failvar" %d $((${!failvar} + f))
        rm -f "$PAR_DIR/case.$i"
    done
    PAR_N=0
}

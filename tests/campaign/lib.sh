# Helpers of tests/campaign/run.sh (sourced; bash). The patterns are those of
# tests/elastic/run.sh: every run under `timeout`, results compared with cmp to an
# uninterrupted 1-rank run, details of a failure printed under its FAIL line.

pass=0 fail=0 nskip=0
fault_tried=0 fault_survived=0 fault_identical=0
recov=()        # seconds from a 'killed' event to the relaunched job's 'first-step'

campaign_setup() {
    TYLESC=${TYLESC:-$ROOT/bin/tylesc}
    TYLESRUN=$ROOT/bin/tylesrun
    PY=${PYTHON:-python3}
    # seconds for any one job: a guard against hangs, never a wait that a passing case sits out.
    # A job of the bounded campaign takes 1-10 s on a quiet machine, several times that with
    # make check's other suites beside it: 60 s timed out under a load of 12-19 on 2 cores, a
    # failure that said "a hang". So the limit grows with the load when the campaign starts
    # (the higher of the 1- and 5-minute averages per core, halved, rounded up; 1 to 4 times).
    local load ncpu
    load=$(awk '{ print ($1 > $2 ? $1 : $2) }' /proc/loadavg 2>/dev/null) || load=0
    ncpu=$(nproc 2>/dev/null) || ncpu=1
    LIMIT=${LIMIT:-$(awk -v l="${load:-0}" -v n="$ncpu" 'BEGIN { f = int(l / n / 2 + 0.999)
        if (f < 1) f = 1; if (f > 4) f = 4; print 60 * f }')}
    # failures go to a file as well, with the seed that replays them: make check's output may
    # reach its reader through a pipe that keeps only its end (the seed is on its first line)
    FAILLOG=${FAILLOG:-$ROOT/build/campaign-failures.log}
    MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0 --mca mpi_yield_when_idle 1"
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    export OMP_NUM_THREADS=1
    unset TYLES_EVENT_LOG
    for v in $(env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
    t_start=$(date +%s)
    local x
    for x in "$TYLESC" "$TYLESRUN"; do
        [ -x "$x" ] || { echo "FAIL setup: $x not found (run make)"; return 1; }
    done
    command -v mpirun >/dev/null || { echo "FAIL setup: mpirun not found"; return 1; }
    T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-campaign-XXXXXX") || return 1
    if [ -n "${KEEP:-}" ]; then echo "scratch folder: $T"; else trap 'rm -rf "$T"' EXIT; fi
}

ok() { pass=$((pass + 1)); echo "PASS $1"; }
skip() { nskip=$((nskip + 1)); echo "SKIP $1: $2"; }
bad() { # NAME REASON [detail file or text...]
    fail=$((fail + 1))
    local x replay="tests/campaign/run.sh$([ "$MODE" = long ] && echo ' --long') --seed=$SEED"
    {
        echo "FAIL $1: $2 [seed $SEED: $replay]"; shift 2
        for x in "$@"; do
            if [ -f "$x" ]; then echo "    --- $(basename "$x") ---"; sed -n '1,30s/^/    /p' "$x"
            else printf '%s\n' "$x" | sed -n '1,30s/^/    /p'; fi
        done
    } | { mkdir -p "${FAILLOG%/*}" 2>/dev/null
          tee -a "$FAILLOG" 2>/dev/null || cat; } # stdout even where the file cannot be written
    return 1
}
lost() { bad "$@"; } # a fault run that did not end identical (counted in the summary)

# rnd VAR LO HI: a seeded draw in LO..HI (in this shell: $RANDOM in a subshell would not advance)
rnd() { printf -v "$1" %d $(($2 + RANDOM % ($3 - $2 + 1))); }
# pick VAR CHOICES...: one of them
pick() { local v=$1; shift; local a=("$@"); printf -v "$v" %s "${a[RANDOM % ${#a[@]}]}"; }

# build P: tests/elastic/P.tyl compiled to $T/P/P, run uninterrupted on 1 rank in $T/P/base
build() {
    local p=$1 d=$T/$1
    mkdir -p "$d/base"
    if ! "$TYLESC" "$ROOT/tests/elastic/$p.tyl" -o "$d/$p" >"$d/build.log" 2>&1; then
        bad "$p/build" "tylesc $p.tyl failed" "$d/build.log"; return 1
    fi
    (cd "$d/base" && exec timeout -k 5 "$LIMIT" $MPIRUN -np 1 "$d/$p") >"$d/base/out" 2>"$d/base/err" </dev/null ||
        { bad "$p/base" "uninterrupted run failed" "$d/base/err"; return 1; }
}

# same_result NAME P DIR REFDIR: DIR's stdout and .npy files are REFDIR's. A job that was
# killed or relaunched prints the line before the time loop once per launch that reached it
# (or not at all when the killed launch's buffer was lost): leading copies of that line are
# ignored, the rest must match exactly.
same_result() { # QUIET=1: only the status
    local c=$1 d=$3 ref=$4 first f why=
    first=$(head -n 1 "$ref/out")
    if [ "$(awk -v f="$first" 'h || $0 != f { h = 1; print }' "$d/out")" != "$(tail -n +2 "$ref/out")" ]; then
        [ -n "${QUIET:-}" ] || bad "$c" "stdout differs from the uninterrupted run's" "$(diff "$ref/out" "$d/out" | head -n 20)"; return 1
    fi
    for f in "$ref"/*.npy; do
        [ -f "$f" ] || continue
        if ! [ -f "$d/${f##*/}" ]; then why+="${f##*/} is missing"$'\n'
        elif ! cmp -s "$f" "$d/${f##*/}"; then why+="${f##*/} differs: $(cmp "$f" "$d/${f##*/}" 2>&1)"$'\n'; fi
    done
    [ -z "$why" ] || { [ -n "${QUIET:-}" ] || bad "$c" "silently different data: .npy files differ from the uninterrupted run's" "$why"; return 1; }
}

# recovery EVENTLOG: rec_s = the first 'first-step' after the 'killed' event, minus that event
# (a job killed before its first checkpoint starts anew: its 'init' with restart=1 then)
recovery() {
    rec_s=$(awk '$2 == "killed" && !k { k = $1 } k && $1 >= k && ($2 == "first-step" || ($2 == "init" && $4 == "restart=1")) { t = $1 }
        k && $1 >= k && $2 == "first-step" { exit } END { if (t) printf "%.3f", t - k }' "$1")
    [ -n "$rec_s" ] && recov+=("$rec_s")
}

# wait_event FILE REGEX PID [SKIP]: wait until a line of FILE after its first SKIP lines matches
# (grep -E); 1 if PID ended first or after LIMIT seconds
wait_event() {
    local i
    for ((i = 0; i < LIMIT * 20; i++)); do
        tail -n +"$((${4:-0} + 1))" "$1" 2>/dev/null | grep -Eq -- "$2" && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.05
    done
    tail -n +"$((${4:-0} + 1))" "$1" 2>/dev/null | grep -Eq -- "$2"
}

# stats: "median M s, max X s (n N)" of the numbers on stdin
stats() {
    sort -g | awk '{ v[n++] = $1 } END { if (!n) { print "none measured"; exit }
        m = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
        printf "median %.3f s, max %.3f s (%d measured)\n", m, v[n - 1], n }'
}

campaign_summary() {
    echo "---- campaign summary (seed $SEED, $MODE, $(($(date +%s) - t_start)) s)"
    echo "faults (kills, rescales): tried $fault_tried, survived $fault_survived (the job finished)," \
        "bitwise identical $fault_identical, lost $((fault_tried - fault_identical)) (not finished, or different data)"
    echo "recovery after a kill (killed -> first step of the relaunched job): $(printf '%s\n' ${recov[@]+"${recov[@]}"} | grep . | stats)"
    echo "in-process rescale / relaunch for a rescale: $(printf '%s\n' ${rescale_s[@]+"${rescale_s[@]}"} | grep . | stats)"
    [ "$nskip" -eq 0 ] || echo "skipped: $nskip (see SKIP lines)"
    echo "campaign: $pass passed, $fail failed (seed $SEED, job limit $LIMIT s)"
    [ "$fail" -eq 0 ] && return 0
    echo "$(date -u '+%F %T UTC') campaign seed $SEED ($MODE, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)," \
        "job limit $LIMIT s): $pass passed, $fail failed" >>"$FAILLOG" 2>/dev/null &&
        echo "failures kept in $FAILLOG; replay: tests/campaign/run.sh$([ "$MODE" = long ] && echo ' --long') --seed=$SEED"
    return 1
}

# died_in EVENTLOG: how a launch of the job died (tylesrun's 'failure' events), or nothing
died_in() {
    awk '$2 == "failure" { s = $3; sub("status=", "", s); sig = s > 128 ? " (signal " (s - 128) ")" : ""
        printf "%sthe job died with status %s%s", (n++ ? "; " : ""), s, sig }
        END { if (n) printf ", tylesrun relaunched it" }' "$1" 2>/dev/null
}
# status RC: "exit status RC", or what a timeout's status means
status() {
    case $1 in
    124 | 137) echo "timed out after $LIMIT s (a hang; exit status $1)" ;;
    *) echo "exit status $1" ;;
    esac
}

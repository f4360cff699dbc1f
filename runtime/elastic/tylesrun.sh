#!/bin/sh
# tylesrun: supervisor for Tyles programs run under MPI.
#
# Launches `mpirun -np N PROGRAM ...`, relaunches it from its newest checkpoint (--restart) when it
# fails, on one rank fewer by default, and moves it to another rank count on request
# (`tylesrun --rescale M`). POSIX sh (runs under dash); no bashisms.
#
# Protocol with the program (see the runtime's elastic support):
#   exit 0 finished; 75 stopped after a checkpoint; 1 run-time error, 2 usage error (never
#   relaunched); anything else is a failure (relaunched).  SIGUSR2 to mpirun: checkpoint and exit 75.
#   SIGUSR1 to mpirun: checkpoint and go on. DIR/RESCALE holding M: rescale in process to M ranks
#   (rank 0 looks for the file at step boundaries; tylesrun sends no signal for it, as a signal
#   can reach processes that cannot take it: ranks being spawned, mpirun starting or ending).
#   The program logs `done` once its results are written.
# Protocol with `tylesrun --rescale` (the client):
#   the supervisor's pid is in DIR/tylesrun.pid; the client writes DIR/tylesrun.request
#   ("ranks=M" and "mode=relaunch|in-process" lines), sends SIGUSR1 to the supervisor and waits for
#   DIR/tylesrun.reply ("ok ..." or "error ...").
# The job: mpirun runs in a session of its own (setsid) and its pid, which is the session id, is
# in DIR/tylesrun.job while it runs. A watcher process stops the job when the supervisor dies
# (even of SIGKILL), and a new supervisor refuses to start while that session still has processes.

set -f          # no globbing: --mpirun and --mpi-args are split on blanks only

me=tylesrun
EX_STOPPED=75

usage() {
    cat <<'EOF'
usage: tylesrun [options] -np N PROGRAM [PROGRAM ARGS...]
       tylesrun --rescale M [--in-process] [--checkpoint-dir=DIR]
       tylesrun --help

Runs `mpirun -np N PROGRAM ARGS` and relaunches it from its newest checkpoint when it fails.

options:
  -np N                 number of MPI ranks to start with (also -n N, --np=N)
  --min-ranks=K         never relaunch on fewer than K ranks (default 1)
  --max-restarts=R      give up after R relaunches caused by failures (default 3);
                        relaunches for a rescale do not count
  --on-failure=shrink|same
                        relaunch a failed job on N-1 ranks (shrink, the default; never below
                        --min-ranks) or on N ranks (same)
  --checkpoint-dir=DIR  passed to the program (default PROGRAM-basename.ckpt); tylesrun keeps
                        its pid file (tylesrun.pid) and request file there
  --checkpoint-every=K  passed to the program
  --log=FILE            event log (default DIR/events.log), exported as TYLES_EVENT_LOG
  --mpirun=CMD          launcher (default mpirun)
  --mpi-args="ARGS"     extra launcher arguments, split on blanks

rescale (asks the supervisor running in DIR to move the job to M ranks):
  --rescale M           checkpoint, stop and relaunch the job on M ranks
  --in-process          instead, write M to DIR/RESCALE: the job rescales itself at a step
                        boundary without stopping. A second one is refused until the first is done
  If --checkpoint-dir is not given, the one *.ckpt directory of the current directory that
  holds a tylesrun.pid is used.

Environment variables named TYLES_FAULT_* reach the first launch only.
If tylesrun dies (even of SIGKILL), a watcher stops its job: SIGUSR2 (checkpoint and stop),
then SIGTERM after TYLESRUN_STOP_GRACE seconds (0 to 86400, default 30).
Exit status: the program's (0 finished, 1 run-time error, 2 usage error); 75 when stopped by
SIGTERM, SIGINT or SIGHUP to tylesrun (the job checkpoints first); 128+signal when a second
signal terminated the job without a checkpoint; the last failure status when it gives up; 2 for
a usage error of tylesrun itself or when another tylesrun, or the job of one that was killed,
runs in the same DIR. A job that logged `done` has finished, whatever status mpirun exits with.
EOF
}

# plural N WORD: "1 rank", "3 ranks"
plural() {
    if [ "$1" = 1 ]; then echo "$1 $2"; else echo "$1 ${2}s"; fi
}

die_usage() {
    echo "$me: error: $*" >&2
    echo "$me: run '$me --help' for usage" >&2
    exit 2
}

is_count() {        # a positive decimal integer the shell's arithmetic holds (18 digits at most)
    case $1 in
    '' | *[!0-9]* | 0* | ???????????????????*) return 1 ;;
    esac
    return 0
}

is_uint() {         # zero or a positive decimal integer
    case $1 in
    0) return 0 ;;
    esac
    is_count "$1"
}

# now: the time in seconds with 6 decimals (falls back to whole seconds where date has no %N)
now() {
    _t=$(date +%s.%N 2>/dev/null)
    case $_t in
    *[0-9].[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])
        _t=${_t%???} ;;
    *)
        _t=$(date +%s 2>/dev/null)
        case $_t in
        '' | *[!0-9]*) _t=0 ;;
        esac
        _t=$_t.000000 ;;
    esac
    echo "$_t"
}

# event_at TIME EVENT [KEY=VALUE...]: append to the event log and tell the user
event_at() {
    _t=$1
    shift
    if [ -n "${LOG:-}" ]; then
        { echo "$_t $*" >>"$LOG"; } 2>/dev/null ||
            echo "$me: warning: cannot append to the event log $LOG" >&2
    fi
    echo "$me: $_t $*" >&2
}

event() {
    event_at "$(now)" "$@"
}

elapsed() {         # elapsed T0 T1: T1 - T0 in seconds, 3 decimals
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

nap() {             # a short sleep, where sleep accepts fractions
    sleep 0.1 2>/dev/null || sleep 1
}

# write_atomic FILE TEXT: FILE appears with TEXT or not at all
write_atomic() {
    printf '%s\n' "$2" >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

# ---------------------------------------------------------------------------------------------
# the client: tylesrun --rescale M [--in-process] [--checkpoint-dir=DIR]

rescale_client() {
    _m=$1 _mode=$2 _dir=$3
    is_count "$_m" || die_usage "--rescale needs a positive rank count, not '$_m'"
    if [ -z "$_dir" ]; then
        _found=
        _n=0
        set +f
        for _p in ./*.ckpt/tylesrun.pid; do
            [ -f "$_p" ] || continue
            _found=${_p%/tylesrun.pid}
            _n=$((_n + 1))
        done
        set -f
        [ "$_n" -eq 1 ] ||
            die_usage "give --checkpoint-dir=DIR (found $_n running supervisors' *.ckpt directories here)"
        _dir=${_found#./}
    fi
    case $_dir in
    -*) _dir=./$_dir ;;      # not an option to the commands below
    esac
    _pidf=$_dir/tylesrun.pid
    [ -f "$_pidf" ] || { echo "$me: error: no supervisor is running in $_dir (no $_pidf)" >&2; exit 1; }
    _pid=$(cat "$_pidf" 2>/dev/null)
    if ! is_count "$_pid" || ! kill -0 "$_pid" 2>/dev/null; then
        echo "$me: error: the supervisor of $_dir (pid ${_pid:-?}) is not running; stale $_pidf" >&2
        exit 1
    fi
    rm -f "$_dir/tylesrun.reply"
    write_atomic "$_dir/tylesrun.request" "ranks=$_m
mode=$_mode" || { echo "$me: error: cannot write $_dir/tylesrun.request" >&2; exit 1; }
    kill -USR1 "$_pid" || { echo "$me: error: cannot signal the supervisor (pid $_pid)" >&2; exit 1; }
    _i=0
    while [ ! -f "$_dir/tylesrun.reply" ] && [ "$_i" -lt 100 ]; do
        nap
        _i=$((_i + 1))
        if ! kill -0 "$_pid" 2>/dev/null; then
            rm -f "$_dir/tylesrun.request"
            echo "$me: error: the supervisor (pid $_pid) exited before answering" >&2
            exit 1
        fi
        # a signal that came just before the supervisor's `wait` is lost: ask again
        if [ $((_i % 10)) = 0 ] && [ -f "$_dir/tylesrun.request" ]; then
            kill -USR1 "$_pid" 2>/dev/null
        fi
    done
    if [ ! -f "$_dir/tylesrun.reply" ]; then
        rm -f "$_dir/tylesrun.request"
        echo "$me: error: the supervisor (pid $_pid) did not answer within 10 seconds" >&2
        exit 1
    fi
    _reply=$(cat "$_dir/tylesrun.reply")
    rm -f "$_dir/tylesrun.reply"
    case $_reply in
    ok*) echo "$me: ${_reply#ok }"; exit 0 ;;
    *) echo "$me: error: ${_reply#error }" >&2; exit 1 ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# the options

NP='' MIN_RANKS=1 MAX_RESTARTS=3 ON_FAILURE=shrink DIR='' CKPT_EVERY='' LOG='' MPIRUN=mpirun MPI_ARGS=''
RESCALE='' IN_PROCESS=0

while [ $# -gt 0 ]; do
    case $1 in
    --help | -h) usage; exit 0 ;;
    -np | -n | --np)
        [ $# -ge 2 ] || die_usage "$1 needs a rank count"
        NP=$2; shift ;;
    -np=* | --np=*) NP=${1#*=} ;;
    --min-ranks=*) MIN_RANKS=${1#*=} ;;
    --max-restarts=*) MAX_RESTARTS=${1#*=} ;;
    --on-failure=*) ON_FAILURE=${1#*=} ;;
    --checkpoint-dir=*) DIR=${1#*=}; [ -n "$DIR" ] || die_usage "--checkpoint-dir needs a directory" ;;
    --checkpoint-every=*) CKPT_EVERY=${1#*=} ;;
    --log=*) LOG=${1#*=}; [ -n "$LOG" ] || die_usage "--log needs a file name" ;;
    --mpirun=*) MPIRUN=${1#*=} ;;
    --mpi-args=*) MPI_ARGS=${1#*=} ;;
    --rescale)
        [ $# -ge 2 ] || die_usage "--rescale needs a rank count"
        RESCALE=$2; shift ;;
    --rescale=*) RESCALE=${1#*=} ;;
    --in-process) IN_PROCESS=1 ;;
    --min-ranks | --max-restarts | --on-failure | --checkpoint-dir | --checkpoint-every | --log | \
    --mpirun | --mpi-args)
        die_usage "write $1=VALUE" ;;
    --) shift; break ;;
    -*) die_usage "unknown option '$1'" ;;
    *) break ;;
    esac
    shift
done

if [ -n "$RESCALE" ]; then
    [ $# -eq 0 ] || die_usage "--rescale takes no program (found '$1')"
    [ -z "$NP" ] || die_usage "--rescale and -np do not go together"
    if [ "$IN_PROCESS" = 1 ]; then mode=in-process; else mode=relaunch; fi
    rescale_client "$RESCALE" "$mode" "$DIR"
fi
[ "$IN_PROCESS" = 0 ] || die_usage "--in-process goes with --rescale M"

[ -n "$NP" ] || die_usage "missing -np N"
is_count "$NP" || die_usage "-np needs a positive rank count, not '$NP'"
is_count "$MIN_RANKS" || die_usage "--min-ranks needs a positive rank count, not '$MIN_RANKS'"
is_uint "$MAX_RESTARTS" || die_usage "--max-restarts needs a count (0 or more), not '$MAX_RESTARTS'"
case $ON_FAILURE in
shrink | same) ;;
*) die_usage "--on-failure must be shrink or same, not '$ON_FAILURE'" ;;
esac
[ -z "$CKPT_EVERY" ] || is_count "$CKPT_EVERY" ||
    die_usage "--checkpoint-every needs a positive step count, not '$CKPT_EVERY'"
[ "$NP" -ge "$MIN_RANKS" ] || die_usage "-np $NP is below --min-ranks=$MIN_RANKS"
# read by the watcher only once this supervisor is gone, too late to say it is wrong
case ${TYLESRUN_STOP_GRACE-} in
'') ;;
*) { is_uint "$TYLESRUN_STOP_GRACE" && [ "$TYLESRUN_STOP_GRACE" -le 86400 ]; } ||
       die_usage "TYLESRUN_STOP_GRACE='$TYLESRUN_STOP_GRACE' is not a number of seconds from 0 to 86400" ;;
esac
[ $# -gt 0 ] || die_usage "missing PROGRAM"
PROGRAM=$1
shift
case $PROGRAM in
*/*) { [ -f "$PROGRAM" ] && [ -x "$PROGRAM" ]; } || die_usage "PROGRAM '$PROGRAM' is not an executable file" ;;
*) { [ -f "$PROGRAM" ] && [ -x "$PROGRAM" ]; } || command -v -- "$PROGRAM" >/dev/null 2>&1 ||
       die_usage "PROGRAM '$PROGRAM' is not an executable file, nor on PATH" ;;
esac
case $PROGRAM in
-*)     # mpirun would take it for one of its options
    if [ -f "$PROGRAM" ]; then PROGRAM=./$PROGRAM; else PROGRAM=$(command -v -- "$PROGRAM"); fi ;;
esac

first_word() { echo "${1:-}"; }
# shellcheck disable=SC2086  # MPIRUN may carry arguments of its own
LAUNCHER=$(first_word $MPIRUN)
[ -n "$LAUNCHER" ] || die_usage "--mpirun needs a command"
command -v -- "$LAUNCHER" >/dev/null 2>&1 || die_usage "the launcher '$LAUNCHER' is not found (give --mpirun=CMD)"

[ -n "$DIR" ] || DIR=${PROGRAM##*/}.ckpt
case $DIR in
-*) DIR=./$DIR ;;          # not an option to the commands below
esac
# the system's reason: the last ": " part of a coreutils message ("mkdir: cannot create
# directory 'x': Permission denied")
why() { _w=$(printf '%s\n' "$1" | sed -n '$p'); echo "${_w##*: }"; }
if [ -e "$DIR" ] && ! [ -d "$DIR" ]; then
    echo "$me: error: cannot create the checkpoint directory '$DIR': Not a directory" >&2; exit 1
fi
_e=$(LC_ALL=C mkdir -p -- "$DIR" 2>&1) ||
    { echo "$me: error: cannot create the checkpoint directory '$DIR': $(why "$_e")" >&2; exit 1; }
[ -n "$LOG" ] || LOG=$DIR/events.log
case $LOG in
/*) ;;
*) LOG=$(pwd)/$LOG ;;      # the ranks may run elsewhere than here
esac
# an event log that cannot be written is an error before anything runs (it used to be a
# warning per event, with the shell's own message, and the job ran without its log)
if [ -d "$LOG" ]; then
    echo "$me: error: cannot append to the event log '$LOG': Is a directory" >&2; exit 1
fi
_e=$(LC_ALL=C touch -- "$LOG" 2>&1) ||
    { echo "$me: error: cannot append to the event log '$LOG': $(why "$_e")" >&2; exit 1; }
TYLES_EVENT_LOG=$LOG
export TYLES_EVENT_LOG

PIDF=$DIR/tylesrun.pid
REQF=$DIR/tylesrun.request
REPLYF=$DIR/tylesrun.reply
JOBF=$DIR/tylesrun.job          # "MPIRUN-PID SUPERVISOR-PID" while a job runs
RESCALEF=$DIR/RESCALE

# the pid file, created atomically (noclobber); a live supervisor in DIR makes us refuse to start
if ! (set -C; echo "$$" >"$PIDF") 2>/dev/null; then
    other=$(cat "$PIDF" 2>/dev/null)
    if is_count "$other" && kill -0 "$other" 2>/dev/null; then
        echo "$me: error: another tylesrun (pid $other) is running in $DIR; stop it, or give another --checkpoint-dir" >&2
        exit 2
    fi
    echo "$me: removing the stale $PIDF (pid ${other:-?} is not running)" >&2
    rm -f "$PIDF"
    (set -C; echo "$$" >"$PIDF") 2>/dev/null || {
        echo "$me: error: cannot create $PIDF" >&2
        exit 1
    }
fi

CHILD=          # the pid of mpirun while it runs
WATCHER=        # the pid of its watcher (watch_job)
cleanup() {
    if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
        kill -TERM "$CHILD" 2>/dev/null      # never leave a job behind
    fi
    [ -z "$WATCHER" ] || kill -USR1 "$WATCHER" 2>/dev/null
    [ "$(cat "$JOBF" 2>/dev/null)" != "$CHILD $$" ] || rm -f "$JOBF"
    [ "$(cat "$PIDF" 2>/dev/null)" != "$$" ] || rm -f "$PIDF"
}
trap cleanup EXIT

# The traps only take note; handle_pending acts, from the main line.  A trapped signal makes
# `wait` return early, which wait_child relies on.
SIGFLAG=0 USR1_REQ=0 STOP_REQ=0 STOP_SEEN=0 STOP_SIG=
trap 'SIGFLAG=1; USR1_REQ=1' USR1
trap 'SIGFLAG=1; STOP_REQ=$((STOP_REQ + 1)); STOP_SIG=TERM' TERM
trap 'SIGFLAG=1; STOP_REQ=$((STOP_REQ + 1)); STOP_SIG=INT' INT
trap 'SIGFLAG=1; STOP_REQ=$((STOP_REQ + 1)); STOP_SIG=HUP' HUP

RESCALE_TO=     # the rank count of a relaunch asked for by --rescale, while one is under way
IP_PENDING=     # the rank count of an in-process rescale asked of the job and not yet logged by it
IP_LINE=0       # the event log's length when it was asked

log_lines() {
    _n=$({ wc -l <"$LOG"; } 2>/dev/null | tr -d ' ')
    echo "${_n:-0}"
}

# ip_settle: the job logged the outcome of the pending in-process rescale: the new rank count
ip_settle() {
    [ -n "$IP_PENDING" ] || return 0
    _l=$(tail -n +"$((IP_LINE + 1))" "$LOG" 2>/dev/null | sed -n '/ rescale\(-refused\)\{0,1\} from=/{p;q;}')
    case $_l in
    *' rescale from='*)
        _to=$(echo "$_l" | sed -n 's/.* to=\([0-9][0-9]*\).*/\1/p')
        [ -z "$_to" ] || NP=$_to
        IP_PENDING= ;;
    *' rescale-refused '*)
        IP_PENDING= ;;
    esac
}

reply() {       # reply ok|error TEXT: the answer to `tylesrun --rescale`
    write_atomic "$REPLYF" "$*"
}

handle_request() {
    [ -f "$REQF" ] || return 0          # a stray SIGUSR1, or a request already served
    ranks='' mode=''
    while IFS='=' read -r k v; do
        case $k in
        ranks) ranks=$v ;;
        mode) mode=$v ;;
        esac
    done <"$REQF"
    rm -f "$REQF"
    case $mode in
    relaunch | in-process) ;;
    *) reply error "bad request (mode '$mode')"; return 0 ;;
    esac
    is_count "$ranks" || { reply error "bad request (ranks '$ranks')"; return 0; }
    if [ "$ranks" -lt "$MIN_RANKS" ]; then
        reply error "$ranks ranks is below --min-ranks=$MIN_RANKS"
        return 0
    fi
    if [ "$STOP_SEEN" -gt 0 ]; then
        reply error "the job is stopping"
        return 0
    fi
    if [ "$mode" = in-process ] && [ -n "$RESCALE_TO" ]; then
        reply error "a relaunch on $RESCALE_TO ranks is already under way"
        return 0
    fi
    ip_settle
    if [ "$mode" = in-process ] && [ -n "$CHILD" ] && [ -n "$IP_PENDING" ]; then
        # one at a time: the job takes one request per step boundary, and a grow in progress
        # cannot take another
        reply error "an in-process rescale to $(plural "$IP_PENDING" rank) is under way; ask again when it is done"
        return 0
    fi
    if [ "$mode" = in-process ] && [ -n "$CHILD" ] && [ "$ranks" = "$NP" ]; then
        reply ok "the job already runs on $(plural "$ranks" rank)"
        return 0
    fi
    event rescale-request ranks="$ranks" mode="$mode"
    if [ -z "$CHILD" ]; then
        RESCALE_TO=$ranks
        reply ok "the job is between launches; it will be relaunched on $(plural "$ranks" rank)"
    elif [ "$mode" = relaunch ]; then
        if [ -z "$RESCALE_TO" ]; then
            kill -USR2 "$CHILD" 2>/dev/null
        fi
        RESCALE_TO=$ranks
        reply ok "the job (mpirun pid $CHILD) will checkpoint, stop and be relaunched on $(plural "$ranks" rank)"
    else
        # No signal: rank 0 reads the file at its step boundaries. A SIGUSR1 to mpirun reached
        # ranks still starting (a grow's new ranks) and killed mpirun itself as it ended.
        IP_LINE=$(log_lines)
        if ! write_atomic "$RESCALEF" "$ranks"; then
            reply error "cannot write $RESCALEF"
            return 0
        fi
        IP_PENDING=$ranks
        reply ok "asked the job (mpirun pid $CHILD) to rescale in process to $(plural "$ranks" rank)"
    fi
}

handle_pending() {
    if [ "$USR1_REQ" = 1 ]; then
        USR1_REQ=0
        handle_request
    fi
    if [ "$STOP_REQ" -gt "$STOP_SEEN" ]; then
        if [ "$STOP_SEEN" = 0 ]; then
            event stop-request signal="$STOP_SIG"
            [ -z "$CHILD" ] || kill -USR2 "$CHILD" 2>/dev/null
        else                            # asked again: do not wait for the checkpoint
            event stop-request signal="$STOP_SIG" force=1
            [ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null
        fi
        STOP_SEEN=$STOP_REQ
    fi
}

ROOT_ARG=
[ "$(id -u 2>/dev/null)" != 0 ] || ROOT_ARG=--allow-run-as-root
SETSID=         # mpirun in a session of its own: a terminal's ^C reaches only us, and we stop it
! command -v setsid >/dev/null 2>&1 || SETSID=setsid

# alive PID: running (a zombie is not: a killed supervisor may wait a while for its parent)
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    case $(ps -o stat= -p "$1" 2>/dev/null) in
    Z*) return 1 ;;
    esac
    return 0
}

# job_alive PID: the job that mpirun PID leads has a process left: mpirun, or with setsid any
# process of its session (ranks outlive an mpirun killed with SIGKILL)
job_alive() {
    is_count "$1" || return 1
    alive "$1" && return 0
    [ -n "$SETSID" ] || return 1
    ps -e -o sid= -o stat= 2>/dev/null | awk -v s="$1" '$1 == s && $2 !~ /^Z/ { n++ } END { exit !n }'
}

# A job whose supervisor was killed (SIGKILL leaves it no time to stop the job) may still run:
# its watcher is stopping it. A second job in the same DIR would write the same checkpoints.
if [ -f "$JOBF" ]; then
    old_job='' old_sup=''
    read -r old_job old_sup <"$JOBF" 2>/dev/null
    if job_alive "$old_job"; then
        echo "$me: error: the job of an earlier tylesrun (pid ${old_sup:-?}, no longer running) is still running in $DIR: mpirun pid $old_job$([ -z "$SETSID" ] || echo ", session $old_job"); wait for it to stop, or end it with 'kill -TERM $old_job'" >&2
        exit 2
    fi
    rm -f "$JOBF"
fi
# a request left by an earlier job is not for this one
rm -f "$RESCALEF"
IS_OMPI=0       # Open MPI passes only the variables named by -x to ranks on other hosts
# shellcheck disable=SC2086
! $MPIRUN --version 2>&1 | grep -qi 'open mpi' || IS_OMPI=1

fault_vars() {
    env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u
}

ATTEMPT=0 RESTARTS=0 STATUS=0 T_LAUNCH=0 T_EXIT=0 LAUNCH_LINE=0

# launch PROGRAM-ARGS...: start mpirun in the background
launch() {
    ATTEMPT=$((ATTEMPT + 1))
    restart=0
    if [ "$ATTEMPT" -gt 1 ]; then
        restart=1
        for v in $(fault_vars); do
            unset "$v"
        done
    fi
    set -- "$@" "--checkpoint-dir=$DIR"
    [ -z "$CKPT_EVERY" ] || set -- "$@" "--checkpoint-every=$CKPT_EVERY"
    [ "$restart" = 0 ] || set -- "$@" --restart
    xargs=
    if [ "$IS_OMPI" = 1 ]; then
        xargs="-x TYLES_EVENT_LOG"
        # when a rank dies, end the job at once rather than after Open MPI's default 1 s
        # SIGTERM-then-SIGKILL grace per stage: the failure is detected ~1-2 s sooner
        case " $MPI_ARGS " in
        *odls_base_sigkill_timeout*) ;;
        *) xargs="$xargs --mca odls_base_sigkill_timeout 0" ;;
        esac
        # an in-process grow may put more ranks than cores on a node: ranks that wait must
        # yield the core then (Open MPI decides this at start-up, before any grow), else the
        # job runs ~20x slower
        case " $MPI_ARGS " in
        *yield_when_idle*) ;;
        *) xargs="$xargs --mca mpi_yield_when_idle 1" ;;
        esac
        for v in $(fault_vars); do
            xargs="$xargs -x $v"
        done
    fi
    T_LAUNCH=$(now)
    LAUNCH_LINE=$(log_lines)
    event_at "$T_LAUNCH" launch ranks="$NP" attempt="$ATTEMPT" restart="$restart"
    # shellcheck disable=SC2086  # the launcher and its arguments are split on blanks
    $SETSID $MPIRUN -np "$NP" --oversubscribe $ROOT_ARG $xargs $MPI_ARGS "$PROGRAM" "$@" &
    CHILD=$!
    write_atomic "$JOBF" "$CHILD $$" ||
        echo "$me: warning: cannot write $JOBF: a later tylesrun will not see this job" >&2
    watch_job "$$" "$CHILD" &
    WATCHER=$!
}

# watch_job SUPERVISOR MPIRUN (in the background): stops the job when its supervisor is gone
# (killed with SIGKILL, say, which it cannot trap): SIGUSR2 first (checkpoint and stop), then
# after $TYLESRUN_STOP_GRACE seconds (30) SIGTERM to mpirun, then SIGKILL to its session.
watch_job() {
    trap - EXIT
    trap '' INT HUP TERM        # a terminal's signals and stop requests are for the supervisor
    trap 'exit 0' USR1          # the supervisor saw the job end
    while alive "$2"; do
        if ! alive "$1"; then
            event supervisor-lost pid="$1" mpirun="$2"
            echo "$me: the supervisor (pid $1) is gone: stopping its job (mpirun pid $2)" >&2
            kill -USR2 "$2" 2>/dev/null
            _g=${TYLESRUN_STOP_GRACE:-30}   # checked when the supervisor started
            _i=$((_g * 10))
            while [ "$_i" -gt 0 ] && alive "$2"; do nap; _i=$((_i - 1)); done
            if alive "$2"; then
                event supervisor-lost-terminate mpirun="$2"
                kill -TERM "$2" 2>/dev/null
                _i=50
                while [ "$_i" -gt 0 ] && alive "$2"; do nap; _i=$((_i - 1)); done
            fi
            if [ -n "$SETSID" ]; then   # what is left of the session
                for _p in $(ps -e -o sid= -o pid= 2>/dev/null | awk -v s="$2" '$1 == s { print $2 }'); do
                    kill -KILL "$_p" 2>/dev/null
                done
            fi
            [ "$(cat "$JOBF" 2>/dev/null)" != "$2 $1" ] || rm -f "$JOBF"
            exit 0
        fi
        sleep 1 </dev/null >/dev/null 2>&1 &   # in the background: the USR1 trap runs at once
        wait $! 2>/dev/null
    done
    exit 0
}

# wait_child: wait until mpirun has really exited; its status in STATUS
wait_child() {
    while :; do
        SIGFLAG=0
        handle_pending
        wait "$CHILD"
        rc=$?
        [ "$SIGFLAG" = 1 ] || break     # no trap ran: rc is mpirun's status
        handle_pending
        kill -0 "$CHILD" 2>/dev/null && continue     # still running (or not yet reaped)
        wait "$CHILD" 2>/dev/null       # reaped while `wait` was interrupted: ask for the status
        rc2=$?
        [ "$rc2" = 127 ] || rc=$rc2
        break
    done
    T_EXIT=$(now)
    [ -z "$WATCHER" ] || kill -USR1 "$WATCHER" 2>/dev/null
    WATCHER=
    [ "$(cat "$JOBF" 2>/dev/null)" != "$CHILD $$" ] || rm -f "$JOBF"
    CHILD=
    STATUS=$rc
}

# reported_done: since its launch the job logged `done` without a `stop` (the runtime logs
# `done` as it finishes MPI, also after a stop): its results are written
reported_done() {
    tail -n +"$((LAUNCH_LINE + 1))" "$LOG" 2>/dev/null | awk '
        $2 == "done" { d = 1 } $2 == "stop" { s = 1 } END { exit !(d && !s) }'
}

# stop_if_asked: between launches, a stop request ends the run
stop_if_asked() {
    handle_pending
    [ "$STOP_SEEN" -gt 0 ] || return 0
    if [ "$STATUS" = "$EX_STOPPED" ]; then
        event stopped status="$STATUS"
    else
        echo "$me: stop requested; not relaunching after the failure" >&2
    fi
    exit "$STATUS"
}

while :; do
    launch "$@"
    wait_child
    event_at "$T_EXIT" exit status="$STATUS" seconds="$(elapsed "$T_LAUNCH" "$T_EXIT")"
    ip_settle
    if [ -n "$IP_PENDING" ]; then       # asked of the job, which ended before taking it
        rm -f "$RESCALEF"
        [ -n "$RESCALE_TO" ] || RESCALE_TO=$IP_PENDING
        IP_PENDING=
    fi
    if [ "$STATUS" != 0 ] && reported_done; then
        # e.g. a signal that reached mpirun as it ended: the job itself finished
        echo "$me: the job reported done (its results are written); ignoring mpirun's exit status $STATUS" >&2
        STATUS=0
    fi
    reason=failure
    if [ "$STOP_SEEN" -gt 1 ] && [ "$STATUS" != 0 ] && [ "$STATUS" != "$EX_STOPPED" ]; then
        # stopped by force (a second signal): not a failure of the program, and no fresh checkpoint
        case $STOP_SIG in
        INT) code=130 ;;
        HUP) code=129 ;;
        *) code=143 ;;
        esac
        event stopped status="$STATUS" forced=1
        echo "$me: the job was terminated at request; not relaunching" >&2
        exit "$code"
    fi
    case $STATUS in
    0)
        rm -f "$RESCALEF"
        event finished attempts="$ATTEMPT" restarts="$RESTARTS"
        exit 0 ;;
    1 | 2)
        if [ "$STATUS" = 1 ]; then what="a run-time error"; else what="a usage error"; fi
        event error status="$STATUS"
        echo "$me: the program stopped with $what (status $STATUS); not relaunching" >&2
        exit "$STATUS" ;;
    "$EX_STOPPED")
        if [ "$STOP_SEEN" -gt 0 ] || [ -z "$RESCALE_TO" ]; then
            # stopped at our request, or by a signal sent to mpirun directly
            event stopped status="$STATUS"
            exit "$STATUS"
        fi
        reason=rescale
        newnp=$RESCALE_TO ;;
    *)
        event_at "$T_EXIT" failure status="$STATUS"
        if [ "$STOP_SEEN" -gt 0 ]; then
            echo "$me: stop requested; not relaunching after the failure" >&2
            exit "$STATUS"
        fi
        if [ "$RESTARTS" -ge "$MAX_RESTARTS" ]; then
            event gave-up status="$STATUS" restarts="$RESTARTS"
            echo "$me: giving up after $RESTARTS relaunches (--max-restarts=$MAX_RESTARTS)" >&2
            exit "$STATUS"
        fi
        RESTARTS=$((RESTARTS + 1))
        if [ "$ON_FAILURE" = same ]; then
            newnp=$NP
        else
            newnp=$((NP - 1))
            [ "$newnp" -ge "$MIN_RANKS" ] || newnp=$MIN_RANKS
        fi ;;
    esac
    stop_if_asked
    if [ -n "$RESCALE_TO" ]; then       # asked for while the job ran or between launches
        newnp=$RESCALE_TO
        RESCALE_TO=
    fi
    event relaunch ranks="$newnp" reason="$reason"
    NP=$newnp
done

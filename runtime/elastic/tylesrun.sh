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
#   SIGUSR1 to mpirun: rescale in process to the count in DIR/RESCALE if it exists, else checkpoint.
# Protocol with `tylesrun --rescale` (the client):
#   the supervisor's pid is in DIR/tylesrun.pid; the client writes DIR/tylesrun.request
#   ("ranks=M" and "mode=relaunch|in-process" lines), sends SIGUSR1 to the supervisor and waits for
#   DIR/tylesrun.reply ("ok ..." or "error ...").

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
  --in-process          instead, write M to DIR/RESCALE and signal the job to rescale itself
                        without stopping
  If --checkpoint-dir is not given, the one *.ckpt directory of the current directory that
  holds a tylesrun.pid is used.

Environment variables named TYLES_FAULT_* reach the first launch only.
Exit status: the program's (0 finished, 1 run-time error, 2 usage error); 75 when stopped by
SIGTERM, SIGINT or SIGHUP to tylesrun (the job checkpoints first); 128+signal when a second
signal terminated the job without a checkpoint; the last failure status when it gives up; 2 for
a usage error of tylesrun itself or when another tylesrun runs in the same DIR.
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

is_count() {        # a positive decimal integer
    case $1 in
    '' | *[!0-9]* | 0*) return 1 ;;
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
        echo "$_t $*" >>"$LOG" 2>/dev/null ||
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
[ $# -gt 0 ] || die_usage "missing PROGRAM"
PROGRAM=$1
shift
case $PROGRAM in
*/*) { [ -f "$PROGRAM" ] && [ -x "$PROGRAM" ]; } || die_usage "PROGRAM '$PROGRAM' is not an executable file" ;;
*) [ -x "$PROGRAM" ] || command -v "$PROGRAM" >/dev/null 2>&1 ||
       die_usage "PROGRAM '$PROGRAM' is not an executable file, nor on PATH" ;;
esac

first_word() { echo "${1:-}"; }
# shellcheck disable=SC2086  # MPIRUN may carry arguments of its own
LAUNCHER=$(first_word $MPIRUN)
[ -n "$LAUNCHER" ] || die_usage "--mpirun needs a command"
command -v "$LAUNCHER" >/dev/null 2>&1 || die_usage "the launcher '$LAUNCHER' is not found (give --mpirun=CMD)"

[ -n "$DIR" ] || DIR=$(basename "$PROGRAM").ckpt
mkdir -p "$DIR" 2>/dev/null || { echo "$me: error: cannot create the checkpoint directory $DIR" >&2; exit 1; }
[ -n "$LOG" ] || LOG=$DIR/events.log
case $LOG in
/*) ;;
*) LOG=$(pwd)/$LOG ;;      # the ranks may run elsewhere than here
esac
TYLES_EVENT_LOG=$LOG
export TYLES_EVENT_LOG

PIDF=$DIR/tylesrun.pid
REQF=$DIR/tylesrun.request
REPLYF=$DIR/tylesrun.reply

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
cleanup() {
    if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
        kill -TERM "$CHILD" 2>/dev/null      # never leave a job behind
    fi
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
        if ! write_atomic "$DIR/RESCALE" "$ranks"; then
            reply error "cannot write $DIR/RESCALE"
            return 0
        fi
        kill -USR1 "$CHILD" 2>/dev/null
        NP=$ranks
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
IS_OMPI=0       # Open MPI passes only the variables named by -x to ranks on other hosts
# shellcheck disable=SC2086
! $MPIRUN --version 2>&1 | grep -qi 'open mpi' || IS_OMPI=1

fault_vars() {
    env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u
}

ATTEMPT=0 RESTARTS=0 STATUS=0 T_LAUNCH=0 T_EXIT=0

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
    event_at "$T_LAUNCH" launch ranks="$NP" attempt="$ATTEMPT" restart="$restart"
    # shellcheck disable=SC2086  # the launcher and its arguments are split on blanks
    $SETSID $MPIRUN -np "$NP" --oversubscribe $ROOT_ARG $xargs $MPI_ARGS "$PROGRAM" "$@" &
    CHILD=$!
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
    CHILD=
    STATUS=$rc
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

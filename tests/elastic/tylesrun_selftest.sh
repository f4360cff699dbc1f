#!/bin/sh
# Self-test of the supervisor runtime/elastic/tylesrun.sh, against fake_prog.sh launched by the
# real mpirun on at most 4 ranks.  Prints `tylesrun selftest: N passed`; exits 1 on any failure.
# TYLESRUN=path overrides the supervisor under test (e.g. an installed one).

here=$(cd "$(dirname "$0")" && pwd)
T=${TYLESRUN:-$here/../../runtime/elastic/tylesrun.sh}
FAKE=$here/fake_prog.sh
[ -x "$T" ] || { echo "tylesrun selftest: $T is not executable" >&2; exit 1; }
command -v mpirun >/dev/null 2>&1 || { echo "tylesrun selftest: no mpirun" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tylesrun_selftest.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
unset TYLES_EVENT_LOG
for v in $(env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

passed=0 failed=0 case_name='' case_dir=''

# begin NAME: a fresh directory for one case; the checkpoint dir is ck, the log ck/events.log
begin() {
    case_name=$1
    case_dir=$WORK/$1
    mkdir -p "$case_dir"
    cd "$case_dir" || exit 1
}

fail() {
    failed=$((failed + 1))
    echo "FAIL [$case_name]: $*" >&2
    for f in "$case_dir"/out "$case_dir"/ck/events.log "$case_dir"/ck/fake_args.log; do
        [ -f "$f" ] || continue
        echo "  --- $f:" >&2
        tail -n 15 "$f" | sed 's/^/  | /' >&2
    done
}

pass() {
    passed=$((passed + 1))
}

# check DESCRIPTION COMMAND...: one assertion
check() {
    d=$1
    shift
    if "$@"; then pass; else fail "$d"; fi
}

has() {         # has FILE REGEX
    grep -Eq -- "$2" "$1" 2>/dev/null
}

count() {       # count FILE REGEX: matching lines
    grep -Ec -- "$2" "$1" 2>/dev/null
}

eq() {
    [ "$1" = "$2" ] || { echo "  expected '$2', got '$1'" >&2; return 1; }
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds
wait_for() {
    n=$(($1 * 10))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# events well formed and in time order
events_ok() {
    awk '
        !/^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9] [a-z][a-z-]*( [A-Za-z_]+=[^ ]*)*$/ {
            print "  bad event line: " $0 > "/dev/stderr"; bad = 1 }
        NR > 1 && $1 < last { print "  time goes back: " $0 > "/dev/stderr"; bad = 1 }
        { last = $1 }
        END { exit bad }' "$1"
}

# run_tylesrun ARGS...: run the supervisor to the end (SIGTERM after 30 s: a hang fails the
# case, not the whole test); its status in rc, its output in out
TIMEOUT=
! command -v timeout >/dev/null 2>&1 || TIMEOUT="timeout -s TERM 30"
run_tylesrun() {
    $TIMEOUT "$T" "$@" >out 2>&1
    rc=$?
}

gone() {
    ! kill -0 "$1" 2>/dev/null
}

# finish PID: wait for a supervisor started in the background (SIGTERM after 30 s); status in rc
finish() {
    wait_for 30 gone "$1" || {
        echo "  tylesrun (pid $1) still running after 30 s: SIGTERM" >&2
        kill -TERM "$1"
    }
    wait "$1"
    rc=$?
}

# ---- a normal run
begin finish
FAKE_PLAN=0 run_tylesrun --checkpoint-dir=ck --checkpoint-every=5 -np 2 "$FAKE" --N=8 'a b'
check "status 0" eq "$rc" 0
check "one launch on 2 ranks, arguments passed on" \
    has ck/fake_args.log '^attempt=1 np=2 args=--N=8 a b --checkpoint-dir=ck --checkpoint-every=5 faults=$'
check "no --restart on the first launch" eq "$(count ck/fake_args.log restart)" 0
check "events: launch, exit, finished" has ck/events.log 'launch ranks=2 attempt=1 restart=0'
check "exit event" has ck/events.log ' exit status=0 seconds=[0-9.]+$'
check "finished event" has ck/events.log ' finished'
check "program events in the same log" has ck/events.log ' start ranks=2'
check "events well formed and ordered" events_ok ck/events.log
check "pid file removed" test ! -e ck/tylesrun.pid
check "human lines on stderr" has out '^tylesrun: [0-9.]+ finished'

# ---- the default checkpoint directory and log
begin defaults
FAKE_PLAN=0 run_tylesrun -np 1 "$FAKE"
check "status 0" eq "$rc" 0
check "default DIR is PROGRAM-basename.ckpt" has fake_prog.sh.ckpt/fake_args.log 'checkpoint-dir=fake_prog.sh.ckpt'
check "default log is DIR/events.log" has fake_prog.sh.ckpt/events.log ' finished'

# ---- a killed rank: relaunch on N-1 with --restart, the faults gone
begin shrink
TYLES_FAULT_KILL_RANK=1 TYLES_FAULT_OTHER=x FAKE_PLAN=0 \
    run_tylesrun --checkpoint-dir=ck -np 3 "$FAKE"
check "status 0" eq "$rc" 0
check "first launch on 3 ranks with the faults" \
    has ck/fake_args.log '^attempt=1 np=3 args=--checkpoint-dir=ck faults=TYLES_FAULT_KILL_RANK TYLES_FAULT_OTHER $'
check "relaunch on 2 ranks with --restart, no faults" \
    has ck/fake_args.log '^attempt=2 np=2 args=--checkpoint-dir=ck --restart faults=$'
check "failure event" has ck/events.log ' failure status=137$'
check "relaunch event" has ck/events.log ' relaunch ranks=2 reason=failure$'
check "launch event for the relaunch" has ck/events.log ' launch ranks=2 attempt=2 restart=1$'
check "two launches" eq "$(count ck/events.log ' launch ')" 2
check "events well formed and ordered" events_ok ck/events.log

# ---- --on-failure=same
begin same
FAKE_PLAN=143,0 run_tylesrun --checkpoint-dir=ck --on-failure=same -np 2 "$FAKE"
check "status 0" eq "$rc" 0
check "relaunch on the same 2 ranks" has ck/fake_args.log '^attempt=2 np=2 args=--checkpoint-dir=ck --restart'
check "relaunch event" has ck/events.log ' relaunch ranks=2 reason=failure$'

# ---- --min-ranks
begin min_ranks
FAKE_PLAN=143,143,0 run_tylesrun --checkpoint-dir=ck --min-ranks=2 -np 3 "$FAKE"
check "status 0" eq "$rc" 0
check "3, then 2, then still 2 ranks" eq \
    "$(sed -n 's/^attempt=\([0-9]*\) np=\([0-9]*\).*/\1:\2/p' ck/fake_args.log | tr '\n' ' ')" "1:3 2:2 3:2 "

# ---- --max-restarts: give up with the last failure status
begin give_up
FAKE_PLAN=143,139 run_tylesrun --checkpoint-dir=ck --max-restarts=2 -np 4 "$FAKE"
check "status: the last failure's" eq "$rc" 139
check "three launches: 4, 3, 2 ranks" eq \
    "$(sed -n 's/^attempt=\([0-9]*\) np=\([0-9]*\).*/\1:\2/p' ck/fake_args.log | tr '\n' ' ')" "1:4 2:3 3:2 "
check "gave-up event" has ck/events.log ' gave-up status=139 restarts=2$'
check "no finished event" eq "$(count ck/events.log finished)" 0

# ---- a run-time error and a usage error of the program are not relaunched
for code in 1 2; do
    begin "error$code"
    FAKE_PLAN=$code,0 run_tylesrun --checkpoint-dir=ck -np 2 "$FAKE"
    check "status $code" eq "$rc" "$code"
    check "one launch only" eq "$(count ck/fake_args.log '^attempt=')" 1
    check "no relaunch event" eq "$(count ck/events.log relaunch)" 0
done

# ---- tylesrun --rescale 3: checkpoint, stop, relaunch on 3 (not counted as a restart)
begin rescale
FAKE_PLAN=run,0 "$T" --checkpoint-dir=ck --max-restarts=0 -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
"$T" --rescale 3 --checkpoint-dir=ck >client.out 2>&1
check "client status 0" eq "$?" 0
check "client says what will happen" has client.out 'relaunched on 3 ranks'
finish "$sup"
check "status 0" eq "$rc" 0
check "relaunch on 3 ranks with --restart" has ck/fake_args.log '^attempt=2 np=3 args=--checkpoint-dir=ck --restart'
check "the job stopped with a checkpoint" has ck/events.log ' exit status=75 '
check "rescale-request event" has ck/events.log ' rescale-request ranks=3 mode=relaunch$'
check "relaunch event" has ck/events.log ' relaunch ranks=3 reason=rescale$'
check "events well formed and ordered" events_ok ck/events.log
check "request and reply files gone" test ! -e ck/tylesrun.request -a ! -e ck/tylesrun.reply

# ---- tylesrun --rescale 2 --in-process, then a failure: relaunched on 2-1 ranks
begin in_process
FAKE_PLAN=run,0 "$T" --checkpoint-dir=ck -np 3 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
"$T" --rescale 2 --in-process --checkpoint-dir=ck >client.out 2>&1
check "client status 0" eq "$?" 0
wait_for 10 has ck/fake_args.log '^rescale=2$'
check "the job took the request from RESCALE" has ck/fake_args.log '^rescale=2$'
check "no SIGUSR1: it reached ranks that could not take it, and mpirun as it ended" \
    eq "$(count ck/fake_args.log usr1)" 0
check "RESCALE consumed" test ! -e ck/RESCALE
check "rescale-request event" has ck/events.log ' rescale-request ranks=2 mode=in-process$'
echo 143 >ck/fake_exit
finish "$sup"
check "status 0" eq "$rc" 0
check "relaunched on 1 rank (2 - 1) after the failure" \
    has ck/fake_args.log '^attempt=2 np=1 args=--checkpoint-dir=ck --restart'
check "only one launch before" eq "$(count ck/events.log ' launch ')" 2
check "events well formed and ordered" events_ok ck/events.log

# ---- SIGTERM to tylesrun: the job checkpoints and stops, status 75; a second supervisor refused
begin stop
FAKE_PLAN=run "$T" --checkpoint-dir=ck -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
FAKE_PLAN=0 "$T" --checkpoint-dir=ck -np 2 "$FAKE" >second.out 2>&1
check "a second supervisor on the same DIR is refused" eq "$?" 2
check "with a message" has second.out 'error: another tylesrun \(pid [0-9]+\) is running'
"$T" --rescale 0 --checkpoint-dir=ck >client.out 2>&1
check "rescale to 0 ranks is a usage error" eq "$?" 2
kill -TERM "$sup"
finish "$sup"
check "status 75" eq "$rc" 75
check "stop-request event" has ck/events.log ' stop-request signal=TERM$'
check "the program stopped itself" has ck/events.log ' stop$'
check "stopped event" has ck/events.log ' stopped status=75$'
check "not relaunched" eq "$(count ck/events.log ' launch ')" 1
check "pid file removed" test ! -e ck/tylesrun.pid
"$T" --rescale 2 --checkpoint-dir=ck >client.out 2>&1
check "rescale with no supervisor fails" eq "$?" 1

# ---- a job deaf to SIGUSR2: a second SIGTERM to tylesrun terminates it, status 143
begin force
FAKE_PLAN=hang "$T" --checkpoint-dir=ck -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
kill -TERM "$sup"
wait_for 10 has ck/events.log ' stop-request signal=TERM$'
kill -TERM "$sup"
finish "$sup"
check "status 143" eq "$rc" 143
check "forced stop-request event" has ck/events.log ' stop-request signal=TERM force=1$'
check "stopped event" has ck/events.log ' stopped status=[0-9]+ forced=1$'
check "not relaunched" eq "$(count ck/events.log ' launch ')" 1

# ---- in-process requests one at a time: a second is refused while the first is pending
begin one_at_a_time
FAKE_NO_RESCALE=1 FAKE_PLAN=run,0 "$T" --checkpoint-dir=ck -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
"$T" --rescale 3 --in-process --checkpoint-dir=ck >client.out 2>&1
check "first request: status 0" eq "$?" 0
"$T" --rescale 4 --in-process --checkpoint-dir=ck >client2.out 2>&1
check "second request while the first is pending: status 1" eq "$?" 1
check "with a message" has client2.out \
    '^tylesrun: error: an in-process rescale to 3 ranks is under way; ask again when it is done$'
check "RESCALE still holds the first request" eq "$(cat ck/RESCALE 2>/dev/null)" 3
# the job takes it (as the real program does: removes the file, logs the rescale)
rm -f ck/RESCALE
echo "$(date +%s).000000 rescale from=2 to=3" >>ck/events.log
"$T" --rescale 3 --in-process --checkpoint-dir=ck >client3.out 2>&1
check "then a request for the new count: status 0" eq "$?" 0
check "says it already runs on 3" has client3.out 'the job already runs on 3 ranks$'
check "and writes no request" test ! -e ck/RESCALE
echo 143 >ck/fake_exit
finish "$sup"
check "status 0" eq "$rc" 0
check "a failure after the rescale relaunches on 3 - 1 ranks" \
    has ck/fake_args.log '^attempt=2 np=2 args=--checkpoint-dir=ck --restart'

# ---- a job that reported done is finished, whatever mpirun's status (a late signal)
begin late_signal
FAKE_PLAN=done:138,0 run_tylesrun --checkpoint-dir=ck -np 2 "$FAKE"
check "status 0" eq "$rc" 0
check "not relaunched" eq "$(count ck/events.log ' launch ')" 1
check "finished event" has ck/events.log ' finished attempts=1 restarts=0$'
check "says why" has out "^tylesrun: the job reported done \(its results are written\); ignoring mpirun's exit status 138$"

# ---- tylesrun killed with SIGKILL: its job is stopped by the watcher, a new tylesrun refuses
# to start beside it
job_gone() {    # job_gone PID: no process left in the session mpirun PID leads
    ! ps -e -o sid= -o stat= | awk -v s="$1" '$1 == s && $2 !~ /^Z/ { n++ } END { exit !n }'
}
begin killed
FAKE_PLAN=hang TYLESRUN_STOP_GRACE=4 "$T" --checkpoint-dir=ck -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
job=$(cut -d' ' -f1 ck/tylesrun.job 2>/dev/null)
check "the job is recorded" test -n "$job"
kill -KILL "$sup"
wait "$sup" 2>/dev/null
FAKE_PLAN=0 "$T" --checkpoint-dir=ck -np 2 "$FAKE" >second.out 2>&1
check "a new tylesrun refuses while the job runs" eq "$?" 2
check "naming it" has second.out \
    "^tylesrun: error: the job of an earlier tylesrun \(pid $sup, no longer running\) is still running in ck: mpirun pid $job, session $job; wait for it to stop, or end it with 'kill -TERM $job'$"
check "one launch only" eq "$(count ck/events.log ' launch ')" 1
wait_for 20 job_gone "$job"
check "the watcher ended the job (deaf to SIGUSR2: SIGTERM after the grace)" job_gone "$job"
check "supervisor-lost event" has ck/events.log " supervisor-lost pid=$sup mpirun=$job$"
check "supervisor-lost-terminate event" has ck/events.log " supervisor-lost-terminate mpirun=$job$"
wait_for 5 test ! -e ck/tylesrun.job
check "job file removed by the watcher" test ! -e ck/tylesrun.job
FAKE_PLAN=0 run_tylesrun --checkpoint-dir=ck -np 2 "$FAKE"
check "then a new tylesrun runs" eq "$rc" 0

begin killed_stops
FAKE_PLAN=run "$T" --checkpoint-dir=ck -np 2 "$FAKE" >out 2>&1 &
sup=$!
wait_for 10 has ck/events.log ' first-step' || fail "the job did not start"
job=$(cut -d' ' -f1 ck/tylesrun.job 2>/dev/null)
kill -KILL "$sup"
wait "$sup" 2>/dev/null
wait_for 20 job_gone "$job"
check "the watcher stopped the job" job_gone "$job"
check "with a checkpoint (SIGUSR2)" has ck/events.log ' stop$'
check "no SIGTERM needed" eq "$(count ck/events.log supervisor-lost-terminate)" 0

# ---- program paths: one starting with '-', with spaces
begin odd_paths
mkdir -p "sp dir"
cp "$FAKE" "sp dir/-fake prog"
(cd "sp dir" && FAKE_PLAN=0 $TIMEOUT "$T" -np 1 -- "-fake prog" 'x y') >out 2>&1
check "'tylesrun -np 1 -- -fake\ prog': status 0" eq "$?" 0
check "default DIR from the name" has "sp dir/-fake prog.ckpt/fake_args.log" \
    '^attempt=1 np=1 args=x y --checkpoint-dir=./-fake prog.ckpt faults=$'
FAKE_PLAN=0 run_tylesrun -np 2 "$case_dir/sp dir/-fake prog"
check "a full path with a space: status 0" eq "$rc" 0
check "its DIR" has "./-fake prog.ckpt/events.log" ' finished'
"$T" -np 2 -- "-no such prog" >out 2>&1
check "a missing one: status 2" eq "$?" 2
check "a missing one: message" has out "^tylesrun: error: PROGRAM '-no such prog' is not an executable file, nor on PATH$"
# a folder is searchable (-x) but no program: it was launched, failed (mpirun: status 134),
# and was relaunched on fewer ranks until --max-restarts, leaving a checkpoint folder behind
mkdir -p "a dir"
"$T" -np 2 "a dir" >out 2>&1
check "a folder: status 2" eq "$?" 2
check "a folder: message" has out "^tylesrun: error: PROGRAM 'a dir' is not an executable file, nor on PATH$"
check "a folder: nothing launched" test ! -e "a dir.ckpt"
"$T" -np 2 "./a dir" >out 2>&1
check "a folder by path: status 2" eq "$?" 2

# ---- usage errors
begin usage
"$T" --help >out 2>&1
check "--help: status 0" eq "$?" 0
check "--help prints usage" has out '^usage: tylesrun'
for bad in "$FAKE" "-np 0 $FAKE" "-np x $FAKE" "-np 2" "--on-failure=grow -np 2 $FAKE" \
    "--bogus -np 2 $FAKE" "--min-ranks=3 -np 2 $FAKE" "--max-restarts=-1 -np 2 $FAKE" \
    "-np 2 $WORK/nonexistent" "--mpirun=no-such-launcher -np 2 $FAKE" "--in-process -np 2 $FAKE" \
    "--checkpoint-dir -np 2 $FAKE" "-np 99999999999999999999 $FAKE" "--rescale 99999999999999999999" \
    "-np 2 --checkpoint-every=99999999999999999999 $FAKE"; do
    # shellcheck disable=SC2086
    "$T" $bad >out 2>&1
    r=$?
    if [ "$r" = 2 ] && has out '^tylesrun: error: '; then pass; else fail "'tylesrun $bad': status $r"; fi
done

# TYLESRUN_STOP_GRACE, read only once the supervisor is gone: 'abc' silently became 30, and
# 18 digits overflowed the watcher's tenths of a second, so it sent SIGTERM at once
for g in abc -1 " 5" 999999999999999999 86401; do
    TYLESRUN_STOP_GRACE=$g "$T" -np 1 "$FAKE" >out 2>&1
    r=$?
    if [ "$r" = 2 ] && [ "$(head -n 1 out)" = "tylesrun: error: TYLESRUN_STOP_GRACE='$g' is not a number of seconds from 0 to 86400" ]; then pass
    else fail "TYLESRUN_STOP_GRACE='$g': status $r, $(head -n 1 out)"; fi
done
# a count past the shell's arithmetic used to go on to "[: Illegal number" and a wrong message
"$T" -np 99999999999999999999 "$FAKE" >out 2>&1
check "a huge -np: the shell's own message" eq "$(count out 'Illegal number')" 0
# a checkpoint folder or event log that cannot be written: exit 1 with the path and the reason
# before anything runs (the log used to be a warning per event, with the shell's own message)
: >afile
for c in "--checkpoint-dir=afile|cannot create the checkpoint directory 'afile': Not a directory" \
    "--checkpoint-dir=afile/x|cannot create the checkpoint directory 'afile/x': Not a directory" \
    "--log=$WORK/usage/nodir/log|cannot append to the event log '$WORK/usage/nodir/log': No such file or directory" \
    "--log=$WORK|cannot append to the event log '$WORK': Is a directory"; do
    "$T" -np 1 "${c%%|*}" "$FAKE" >out 2>&1
    r=$?
    if [ "$r" = 1 ] && [ "$(cat out)" = "tylesrun: error: ${c#*|}" ]; then pass
    else fail "'tylesrun -np 1 ${c%%|*}': status $r, $(cat out)"; fi
done

if [ "$failed" -gt 0 ]; then
    echo "tylesrun selftest: $failed failed, $passed passed" >&2
    exit 1
fi
echo "tylesrun selftest: $passed passed"

#!/bin/sh
# A stand-in for a compiled Tyles program, for tylesrun_selftest.sh; every rank runs this script.
# It speaks the program side of the tylesrun protocol without MPI calls:
#   --checkpoint-dir=DIR, --checkpoint-every=K and --restart in its arguments;
#   exit 0 done, 75 stopped after a "checkpoint", 1 or 2 errors, anything else a failure;
#   SIGUSR2: "checkpoint" and exit 75; SIGUSR1: "checkpoint" and go on; DIR/RESCALE (looked for
#   while running, as rank 0 of the real program does at step boundaries): "rescale" to that
#   count and delete it; events appended by rank 0 to $TYLES_EVENT_LOG.
# What it does is set by the environment:
#   FAKE_PLAN  comma-separated actions, one per launch (the attempt number is read from the last
#              `launch` event of the log); the last action repeats.  An action is
#              N    exit with status N after a short while (all ranks)
#              run  run until signalled; exits with the status in DIR/fake_exit once that file
#                   appears, or 0 after FAKE_RUN_SECS seconds (default 20)
#              hang like run, but deaf to SIGUSR2 (a job that never reaches a step boundary)
#              done:N  log `done` (the job finished), then exit with status N (as when a
#                   signal reaches mpirun as it ends)
#   FAKE_NO_RESCALE=1  leave DIR/RESCALE alone (a rescale request the job has not taken yet)
#   TYLES_FAULT_KILL_RANK=r  rank r kills itself with SIGKILL after a short while (a fault, as
#                            the real program's TYLES_FAULT_* variables inject)
# Rank 0 appends what it got to DIR/fake_args.log:
#   attempt=A np=N args=<arguments> faults=<names of TYLES_FAULT_* variables>
# and what it did with requests to the same file (`rescale=M`, `usr1 checkpoint`).

rank=${OMPI_COMM_WORLD_RANK:-0}
size=${OMPI_COMM_WORLD_SIZE:-1}
log=${TYLES_EVENT_LOG:-}
dir=
for a in "$@"; do
    case $a in
    --checkpoint-dir=*) dir=${a#*=} ;;
    esac
done
[ -n "$dir" ] || { echo "fake_prog: no --checkpoint-dir" >&2; exit 2; }
mkdir -p "$dir"

now() {
    t=$(date +%s.%N)
    echo "${t%???}"
}
ev() {
    [ "$rank" = 0 ] && [ -n "$log" ] && echo "$(now) $*" >>"$log"
    return 0
}

attempt=1
if [ -n "$log" ] && [ -f "$log" ]; then
    a=$(sed -n 's/.* launch .*attempt=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    [ -z "$a" ] || attempt=$a
fi
plan=${FAKE_PLAN:-0}
i=1
rest=$plan
while :; do
    action=${rest%%,*}
    [ "$i" -lt "$attempt" ] || break
    case $rest in
    *,*) rest=${rest#*,} ;;
    *) break ;;
    esac
    i=$((i + 1))
done

if [ "$rank" = 0 ]; then
    faults=$(env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p' | sort | tr '\n' ' ')
    echo "attempt=$attempt np=$size args=$* faults=$faults" >>"$dir/fake_args.log"
fi
ev start ranks="$size" action="$action"

# shellcheck disable=SC2317  # called from traps
stop() {
    ev ckpt-write
    ev stop
    ev "done"               # the runtime logs `done` as it finishes MPI, after a stop too
    # the real program's ranks meet in MPI_Finalize before exiting 75; without that, the other
    # ranks wait a moment so rank 0's events are written before mpirun ends the job
    [ "$rank" = 0 ] || sleep 0.3
    exit 75
}
# shellcheck disable=SC2317
usr1() {
    [ "$rank" != 0 ] || echo "usr1 checkpoint" >>"$dir/fake_args.log"
    ev ckpt-write
}
# rank 0 takes a rescale request (the fake does not change its rank count)
take_rescale() {
    [ "$rank" = 0 ] && [ -z "${FAKE_NO_RESCALE:-}" ] && [ -f "$dir/RESCALE" ] || return 0
    m=$(cat "$dir/RESCALE")
    rm -f "$dir/RESCALE"
    # the event first: the self-test acts (ends the job) as soon as it reads the args line, and a
    # rank 0 descheduled between the two lines left tylesrun without the event (under load)
    ev rescale from="$size" to="$m"
    echo "rescale=$m" >>"$dir/fake_args.log"
}
trap stop USR2
trap usr1 USR1

nap() {
    sleep 0.1 || :          # a signal to the rank's process group may kill the sleep
}

if [ -n "${TYLES_FAULT_KILL_RANK:-}" ]; then
    nap
    if [ "$rank" = "$TYLES_FAULT_KILL_RANK" ]; then
        ev killed rank="$rank"
        kill -KILL $$
    fi
    n=0                     # mpirun ends the others
    while [ "$n" -lt $((${FAKE_RUN_SECS:-20} * 10)) ]; do
        nap
        n=$((n + 1))
    done
    exit 0
fi

case $action in
run | hang)
    [ "$action" = run ] || trap '' USR2
    # first-step is what the self-test waits for before it signals the job, so rank 0 logs it
    # only once every rank has its traps set: a rank still starting died of SIGUSR2 (status
    # 140 where 143 was expected, under load in CI)
    : >"$dir/.fake_ready.$attempt.$rank"
    if [ "$rank" = 0 ]; then
        w=0
        while [ "$w" -lt 200 ]; do
            r=0 all=1
            while [ "$r" -lt "$size" ]; do
                [ -e "$dir/.fake_ready.$attempt.$r" ] || all=0
                r=$((r + 1))
            done
            [ "$all" = 0 ] || break
            nap
            w=$((w + 1))
        done
    fi
    ev first-step
    n=0
    while [ "$n" -lt $((${FAKE_RUN_SECS:-20} * 10)) ]; do
        nap
        take_rescale
        if [ -f "$dir/fake_exit" ]; then
            code=$(cat "$dir/fake_exit")
            ev killed status="$code"
            exit "$code"
        fi
        n=$((n + 1))
    done
    ev "done"
    exit 0 ;;
done:[0-9]*)
    nap
    ev "done"
    [ "$rank" = 0 ] || sleep 0.5
    exit "${action#done:}" ;;
*[!0-9]* | '')
    echo "fake_prog: bad action '$action' in FAKE_PLAN" >&2
    exit 2 ;;
*)
    nap
    # the other ranks end later: mpirun kills the job at the first non-zero exit, and rank 0
    # must have logged its attempt by then, even on a loaded machine
    [ "$rank" = 0 ] || [ "$action" = 0 ] || sleep 0.5
    [ "$action" != 0 ] || ev "done"
    exit "$action" ;;
esac

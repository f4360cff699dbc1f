#!/bin/sh
# A stand-in for a compiled Tyles program, for tylesrun_selftest.sh; every rank runs this script.
# It speaks the program side of the tylesrun protocol without MPI calls:
#   --checkpoint-dir=DIR, --checkpoint-every=K and --restart in its arguments;
#   exit 0 done, 75 stopped after a "checkpoint", 1 or 2 errors, anything else a failure;
#   SIGUSR2: "checkpoint" and exit 75; SIGUSR1: rescale to the count in DIR/RESCALE (and delete it)
#   or "checkpoint" and go on; events appended by rank 0 to $TYLES_EVENT_LOG.
# What it does is set by the environment:
#   FAKE_PLAN  comma-separated actions, one per launch (the attempt number is read from the last
#              `launch` event of the log); the last action repeats.  An action is
#              N    exit with status N after a short while (all ranks)
#              run  run until signalled; exits with the status in DIR/fake_exit once that file
#                   appears, or 0 after FAKE_RUN_SECS seconds (default 20)
#              hang like run, but deaf to SIGUSR2 (a job that never reaches a step boundary)
#   TYLES_FAULT_KILL_RANK=r  rank r kills itself with SIGKILL after a short while (a fault, as
#                            the real program's TYLES_FAULT_* variables inject)
# Rank 0 appends what it got to DIR/fake_args.log:
#   attempt=A np=N args=<arguments> faults=<names of TYLES_FAULT_* variables>
# and USR1 handling to the same file (`usr1 rescale=M` or `usr1 checkpoint`).

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
    # the real program's ranks meet in MPI_Finalize before exiting 75; without that, the other
    # ranks wait a moment so rank 0's events are written before mpirun ends the job
    [ "$rank" = 0 ] || sleep 0.3
    exit 75
}
# shellcheck disable=SC2317
usr1() {
    if [ -f "$dir/RESCALE" ]; then
        m=$(cat "$dir/RESCALE")
        if [ "$rank" = 0 ]; then
            echo "usr1 rescale=$m" >>"$dir/fake_args.log"
            rm -f "$dir/RESCALE"
        fi
        ev rescale ranks="$m"
    else
        [ "$rank" != 0 ] || echo "usr1 checkpoint" >>"$dir/fake_args.log"
        ev ckpt-write
    fi
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
    ev first-step
    n=0
    while [ "$n" -lt $((${FAKE_RUN_SECS:-20} * 10)) ]; do
        nap
        if [ -f "$dir/fake_exit" ]; then
            code=$(cat "$dir/fake_exit")
            ev killed status="$code"
            exit "$code"
        fi
        n=$((n + 1))
    done
    ev "done"
    exit 0 ;;
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

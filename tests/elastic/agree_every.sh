#!/bin/bash
# The step agreement at one step boundary in G (runtime/elastic/tyl_agree.c), on tiny_steps.tyl:
# a time loop of millions of steps of well under a microsecond each. Agreeing at every step
# boundary made such a loop wait for every rank's time slice at each step (a loop of 38,400
# steps: 7.3 s at 4 ranks on 2 loaded cores, 0.002 s on 1 rank).
#   stats/NP        --stats at 1, 2 and 4 ranks: the loop's line counts its step boundaries, and
#                   at 2 and 4 ranks at most one in 100 agreed; results equal to the 1-rank run's
#   usr2            SIGUSR2 to mpirun mid-loop, 3 ranks: exit 75 after a checkpoint of the step
#                   of the 'stop' event, taken while the ranks agreed every G > 1 steps (the
#                   ckpt-write event's agree-every); --restart on 2 ranks finishes byte for byte
#                   as an uninterrupted run
#   term-one-rank   SIGTERM to one rank process of 3 only: every rank stops at the same step
#                   (a rank acting alone would leave the others in the checkpoint's collectives
#                   until the limit); --restart on 1 rank, the same result
#   usr1            SIGUSR1 to mpirun: a checkpoint at a step no --checkpoint-every asked for,
#                   and the run goes on to the uninterrupted result
#   fault-rescale   TYLES_FAULT_RESCALE=100000:3 on 2 ranks: the grow is still acted on at the
#                   step after the one asked (first-step step=100002 ranks=3), G > 1 before and
#                   after it, and the result is the 1-rank run's
# Usage: tests/elastic/agree_every.sh [REPO_ROOT]; KEEP=1 keeps the scratch folder.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
. "$ROOT/tests/elastic/lib.sh" agree-every 'agree-every/'

P=$T/tiny_steps
if ! "$TYLESC" "$ROOT/tests/elastic/tiny_steps.tyl" -o "$P" >"$T/build.log" 2>&1; then
    bad build "tylesc failed" "$T/build.log"; exit 1
fi
has_event() { grep -Eq -- "$2" "$1/ev" 2>/dev/null; }
# run CASE NP ARGS...: in $T/CASE, in the foreground; rc
run() {
    local d=$T/$1 np=$2; shift 2
    mkdir -p "$d"
    (cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" timeout -k 5 "$LIMIT" $MPIRUN -np "$np" "$P" "$@") \
        >"$d/out" 2>"$d/err" </dev/null
    rc=$?
}
# same CASE REF: stdout, x.npy and u.npy of CASE equal to REF's
same() {
    local f
    cmp -s "$T/$2/out" "$T/$1/out" || { bad "$1" "stdout differs from the uninterrupted run's" "$T/$1/out" "$T/$2/out"; return 1; }
    for f in x.npy u.npy; do
        cmp -s "$T/$2/$f" "$T/$1/$f" || { bad "$1" "$f differs from the uninterrupted run's" "$T/$1/err"; return 1; }
    done
}

# ---- stats: step boundaries and agreements ----------------------------------------------------
SHORT=(--steps=300000)
run short1 1 "${SHORT[@]}" --stats
if [ "$rc" -ne 0 ]; then
    bad stats/1 "exit status $rc" "$T/short1/err"
elif ! grep -Eq '^  loop 0 .*; 300000 step boundaries$' "$T/short1/err"; then
    bad stats/1 "no 'loop 0 ... 300000 step boundaries' line in --stats" "$T/short1/err"
else
    ok "stats/1 (300000 step boundaries, no agreement)"
fi
for np in 2 4; do
    run short$np $np "${SHORT[@]}" --stats
    if [ "$rc" -ne 0 ]; then bad stats/$np "exit status $rc" "$T/short$np/err"; continue; fi
    n=$(sed -n 's/^  loop 0 .*; 300000 step boundaries, \([0-9]*\) agreed by the ranks$/\1/p' "$T/short$np/err")
    if [ -z "$n" ]; then
        bad stats/$np "no 'loop 0 ... 300000 step boundaries, N agreed by the ranks' line in --stats" "$T/short$np/err"
        continue
    fi
    if [ "$n" -gt 3000 ] || [ "$n" -lt 2 ]; then
        bad stats/$np "the ranks agreed at $n of 300000 step boundaries (expected 2 to 3000)" "$T/short$np/err"; continue
    fi
    same short$np short1 && ok "stats/$np (agreed at $n of 300000 step boundaries; same result as 1 rank)"
done

# ---- signals in a loop with G > 1 ----------------------------------------------------------------
# An uninterrupted run, then runs of the same length signalled once the first checkpoint is
# written (every rank is in the loop by then, with most of its 6,000,000 steps ahead of it).
LONG=(--steps=6000000)
run base 1 "${LONG[@]}"
[ "$rc" -eq 0 ] || { bad base "uninterrupted 1-rank run: exit status $rc" "$T/base/err"; echo "agree every: $pass passed, $fail failed"; exit 1; }
bg() {
    local d=$T/$1 np=$2; shift 2
    mkdir -p "$d"
    (cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" timeout -k 5 "$LIMIT" $MPIRUN -np "$np" "$P" "$@") \
        >"$d/out" 2>"$d/err" </dev/null &
    tpid=$!
}
# started CASE: until its first checkpoint is written (or the run ended); mpid: mpirun's pid
started() {
    local i
    for ((i = 0; i < LIMIT * 100; i++)); do
        has_event "$T/$1" " ckpt-write " && break
        kill -0 "$tpid" 2>/dev/null || break
        sleep 0.01
    done
    mpid=$(ps -o pid= --ppid "$tpid" | tr -d ' ' | head -n 1)
    has_event "$T/$1" " ckpt-write " && [ -n "$mpid" ]
}
for sc in "usr2 3 2" "term-one-rank 3 1"; do
    set -- $sc
    c=$1 d=$T/$1
    bg "$c" "$2" "${LONG[@]}" --checkpoint-every=500000 --checkpoint-dir=ck
    if ! started "$c"; then wait "$tpid"; bad "$c" "the run ended (status $?) before its first checkpoint" "$d/err" "$d/ev"; continue; fi
    if [ "$1" = usr2 ]; then kill -USR2 "$mpid"
    else kill -TERM "$(ps -o pid= --ppid "$mpid" | tr -d ' ' | tail -n 1)"
    fi
    wait "$tpid"; rc=$?
    if [ "$rc" -ne 75 ]; then bad "$c" "exit status $rc, expected 75 (did the signal land after the loop?)" "$d/err" "$d/ev"; continue; fi
    stop=$(sed -n 's/.* stop step=\([0-9]*\) status=75$/\1/p' "$d/ev")
    g=$(sed -n "s/.* ckpt-write step=$stop .* agree-every=\([0-9]*\) dir=ck\/ckpt-000-$(printf %012d "${stop:-0}")\$/\1/p" "$d/ev")
    if [ -z "$stop" ] || [ -z "$g" ]; then
        bad "$c" "expected a 'stop step=K' event after a checkpoint of step K" "$d/ev"; continue
    fi
    if [ "$g" -le 1 ]; then bad "$c" "the ranks agreed at every step when the signal came (agree-every=$g)" "$d/ev"; continue; fi
    mv "$d/ev" "$d/ev.stopped"
    run "$c" "$3" "${LONG[@]}" --restart --checkpoint-dir=ck
    if [ "$rc" -ne 0 ]; then bad "$c" "restart on $3 ranks: exit status $rc" "$d/err"; continue; fi
    if ! has_event "$d" " first-step step=$((stop + 1)) ranks=$3\$"; then
        bad "$c" "the restart did not resume at step $((stop + 1))" "$d/ev"; continue
    fi
    same "$c" base && ok "$c ($2 ranks stopped at step $stop while agreeing every $g steps; finished on $3, identical)"
done

c=usr1 d=$T/usr1
bg "$c" 3 "${LONG[@]}" --checkpoint-every=500000 --checkpoint-dir=ck
if ! started "$c"; then
    wait "$tpid"; bad "$c" "the run ended (status $?) before its first checkpoint" "$d/err" "$d/ev"
else
    kill -USR1 "$mpid"
    wait "$tpid"; rc=$?
    extra=$(sed -n 's/.* ckpt-write step=\([0-9]*\) .*/\1/p' "$d/ev" | awk '$1 % 500000 { print; exit }')
    if [ "$rc" -ne 0 ]; then bad "$c" "exit status $rc" "$d/err" "$d/ev"
    elif [ -z "$extra" ]; then bad "$c" "no checkpoint at a step SIGUSR1 asked for" "$d/ev"
    else same "$c" base && ok "$c (a checkpoint of step $extra, asked by SIGUSR1; the run went on, identical)"
    fi
fi

# ---- a rescale at a fixed step -------------------------------------------------------------------
c=fault-rescale d=$T/fault-rescale
mkdir -p "$d"
(cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" TYLES_FAULT_RESCALE=100000:3 timeout -k 5 "$LIMIT" \
    $MPIRUN --mca mpi_yield_when_idle 1 -np 2 "$P" "${SHORT[@]}" --stats) >"$d/out" 2>"$d/err" </dev/null
rc=$?
n=$(sed -n 's/^  loop 0 .*; 300000 step boundaries, \([0-9]*\) agreed by the ranks$/\1/p' "$d/err")
if [ "$rc" -ne 0 ]; then bad "$c" "exit status $rc" "$d/err" "$d/ev"
elif ! has_event "$d" " rescale from=2 to=3 " || ! has_event "$d" " done ranks=3\$"; then
    bad "$c" "no grow from 2 to 3 ranks" "$d/ev"
elif ! has_event "$d" " first-step step=100002 ranks=3\$"; then
    bad "$c" "the grow asked at step 100000 was not acted on at step 100001" "$d/ev"
elif [ -z "$n" ] || [ "$n" -gt 3000 ]; then
    bad "$c" "the ranks agreed at ${n:-?} of 300000 step boundaries (expected at most 3000)" "$d/err"
else
    same "$c" short1 && ok "$c (2 -> 3 ranks at step 100001, $n agreements; same result as 1 rank)"
fi

echo "agree every: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

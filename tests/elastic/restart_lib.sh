# tests/elastic/restart_lib.sh: the set-up the restart scripts (*_restart.sh) share, sourced
# after ROOT is set:
#   . "$ROOT/tests/elastic/restart_lib.sh" NAME
# lib.sh's environment (TYLESC, MPIRUN, LIMIT, no fault injections, one rank thread) and scratch
# folder $T, made the current folder; PROG is $T/prog. The steps, each of which prints what went
# wrong and exits with status 1 on failure (rl_restart returns the run's status instead):
#   rl_build SRC                  compile SRC to $PROG
#   rl_numpy DIR SRC [ARG...]     NumPy's run of SRC in DIR (made), its output DIR/out
#   rl_kill RANK STEP NP EVERY [ARG...]
#                                 $PROG on NP ranks, checkpoints every EVERY steps, killed by
#                                 rank RANK at step STEP: killed.out, killed.err and a checkpoint
#   rl_restart NP [ARG...]        $PROG --restart on NP ranks: restart.out, restart.err
#   rl_grow DIR STEP NP0 NP1 [ARG...]
#                                 in DIR (made), $PROG on NP0 ranks grown in process to NP1 at
#                                 step STEP: DIR/out, DIR/err, and the rescale in DIR/ev
#   rl_same MESSAGE WANT GOT [WANT GOT...]
#                                 each pair of files the same, else MESSAGE and the first
#                                 pair's differences
#   rl_fail MESSAGE [FILE...]     MESSAGE and the files
. "$ROOT/tests/elastic/lib.sh" "$1" ''
cd "$T" || exit 2
PROG=$T/prog

rl_fail() {
    echo "$1"; shift
    for f in "$@"; do cat "$f"; done
    exit 1
}
rl_build() {
    "$TYLESC" "$1" -o "$PROG" >build.log 2>&1 || rl_fail "tylesc failed on $1:" build.log
}
rl_numpy() {
    local dir=$1 src=$2; shift 2
    mkdir -p "$dir" && (cd "$dir" && python3 "$src" "$@" >out) || rl_fail "NumPy's run of $src failed"
}
rl_kill() {
    local rank=$1 step=$2 np=$3 every=$4; shift 4
    TYLES_FAULT_KILL_RANK=$rank TYLES_FAULT_KILL_STEP=$step timeout -k 5 "$LIMIT" $MPIRUN -np "$np" "$PROG" \
        "$@" --checkpoint-every="$every" >killed.out 2>killed.err </dev/null
    [ -d prog.ckpt ] || rl_fail "no checkpoint written" killed.err
}
rl_restart() {
    local np=$1; shift
    timeout -k 5 "$LIMIT" $MPIRUN -np "$np" "$PROG" "$@" --restart >restart.out 2>restart.err </dev/null
}
rl_grow() {
    local dir=$1 step=$2 np0=$3 np1=$4; shift 4
    mkdir -p "$dir"
    (cd "$dir" && TYLES_EVENT_LOG="$T/$dir/ev" TYLES_FAULT_RESCALE=$step:$np1 timeout -k 5 "$LIMIT" \
        $MPIRUN --mca mpi_yield_when_idle 1 -np "$np0" "$PROG" "$@" >out 2>err </dev/null) ||
        rl_fail "the run grown to $np1 ranks failed:" "$dir/err"
    grep -q " rescale from=$np0 to=$np1 " "$dir/ev" || rl_fail "no rescale from $np0 to $np1 ranks:" "$dir/ev"
}
rl_same() {
    local msg=$1 want=$2 got=$3; shift
    while [ $# -ge 2 ]; do
        cmp -s "$1" "$2" || { echo "$msg"; diff "$want" "$got" | head -20; exit 1; }
        shift 2
    done
}

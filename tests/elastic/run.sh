#!/bin/bash
# Elastic runtime checks (checkpoints, --restart on another rank count, fault injection,
# damaged checkpoints, stop signals, in-process rescale). Four programs in this folder, each
# also run by python3 with NumPy 2 as the reference (its .npy files and stdout must equal an
# uninterrupted 1-rank run byte for byte), each printing one line before its time loop (so a
# resumed run prints the reference's stdout less its first line):
#   stencil2d_odd      9-point stencil on 37 x 23 (no rank count 2..4 divides it), float, int
#                      and reduction scalars carried through a for loop
#   staggered_while    staggered 2-D acoustic wave, N = 29, four array shapes, a while loop
#   heat3d_two_loops   3-D heat on 13 x 11 x 9 in two time loops (checkpoints in either)
#   phase6d            6-D phase-space advection (np.roll halos, 6-D checkpoints), 3 round trips
# Cases (every result compared with `cmp` to the uninterrupted run, every mpirun under timeout):
#   roundtrip/P/NtoM  kill rank r at step k (TYLES_FAULT_KILL_*) with --checkpoint-every on N
#                     ranks, --restart on M: resumes from the last checkpoint written, same
#                     result. All 16 (N, M) in 1..4 for stencil2d_odd, 5 pairs for the others;
#                     heat3d_two_loops_split: heat3d_two_loops with main() cut into functions
#                     (--split-main=1), a restart in its second loop
#   random/*          a seeded random rank and step (the same draw twice), then a restart
#   kill-in-ckpt      rank 0 dies inside a checkpoint write: the complete-looking .tmp folder
#                     is ignored (resume from the previous one) and removed by the next write
#   damaged/*         flipped bit, truncated file (TYLES_FAULT_CORRUPT), bytes appended to one,
#                     edited MANIFEST, all
#                     checkpoints damaged, LATEST missing / naming a deleted folder / stale,
#                     a FIFO as MANIFEST or LATEST,
#                     empty folder: the fall-back, its message and the result; a missing
#                     --restart=DIR: exit 1 naming it
#   refused/*         a checkpoint of another program or taken with other parameters: exit 1
#                     and the error message, nothing saved
#   signal/*          SIGUSR2 to mpirun, SIGTERM to one rank process: exit 75 after a
#                     checkpoint, --restart on another rank count finishes identically
#   rescale/NtoM      RESCALE file + SIGUSR1 to mpirun mid-run: in-process shrink or grow (4to2,
#                     3to1, 1to2; 2 -> 4: rescale_faults.sh),
#                     "rescale from=N to=M" in the event log, same result
#   links/*, full-disk/*, lock/*, shapes/forged, progress/restart   see section 6
# Usage: [TYLESC_FLAGS=--target=cuda] tests/elastic/run.sh [REPO_ROOT]  (default: the current folder); needs bin/tylesc and
# lib/libtyles.a built (make), mpirun and python3 with NumPy 2. KEEP=1 keeps the scratch folder.
# Exit status 1 if a check fails.
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
TYLESC_FLAGS=${TYLESC_FLAGS:-}   # e.g. --target=cuda, on a machine with a GPU
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0}
PY=${PYTHON:-python3}
HERE=$ROOT/tests/elastic
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
unset TYLES_EVENT_LOG
for v in $(env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-elastic-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] && echo "scratch folder: $T"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
LIMIT=${LIMIT:-60} # seconds for any one mpirun
pass=0 fail=0
t_start=$(date +%s)
# independent cases (their own folders) run several at a time: most of their time is MPI's
# start-up, waiting rather than computing
PAR_DIR=$T/par
mkdir -p "$PAR_DIR"
. "$ROOT/tests/par.sh"

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { # name reason [detail file or text...]
    fail=$((fail + 1)); echo "FAIL $1: $2"; shift 2
    for d in "$@"; do
        if [ -f "$d" ]; then echo "    --- $(basename "$d") ---"; sed -n '1,40s/^/    /p' "$d"
        else printf '%s\n' "$d" | sed 's/^/    /'; fi
    done
    return 1
}

if ! [ -x "$TYLESC" ]; then echo "FAIL setup: $TYLESC not found (run make)"; exit 1; fi
if ! $PY -c 'import numpy, sys; sys.exit(int(numpy.__version__.split(".")[0]) < 2)' 2>/dev/null; then
    echo "FAIL setup: $PY has no NumPy 2 (pip install 'numpy>=2')"; exit 1
fi

# ---- helpers ----------------------------------------------------------------------------------
# build P: compile tests/elastic/P.tyl to $T/P/P, run NumPy in $T/P/numpy and the program
# uninterrupted on 1 rank in $T/P/base; the two must agree (stdout, every .npy with cmp)
# (P ending in _split: P less it, compiled with main() cut after every statement, --split-main=1)
build() {
    local p=$1 d=$T/$1 src=${1%_split} flags=$TYLESC_FLAGS
    [ "$src" = "$p" ] || flags="$flags --split-main=1"
    mkdir -p "$d/numpy" "$d/base"
    if ! (cd "$ROOT" && "$TYLESC" $flags "$HERE/$src.tyl" -o "$d/$p") >"$d/build.log" 2>&1; then
        bad "$p/build" "tylesc $src.tyl failed" "$d/build.log"; return 1
    fi
    if ! (cd "$d/numpy" && $PY "$HERE/$src.tyl") >"$d/numpy/out" 2>"$d/numpy/err"; then
        bad "$p/numpy" "python3 $p.tyl failed" "$d/numpy/err"; return 1
    fi
    run "$p" base 1
    if [ "$rc" -ne 0 ]; then bad "$p/base" "uninterrupted 1-rank run: exit status $rc" "$d/base/err"; return 1; fi
    if ! cmp -s "$d/numpy/out" "$d/base/out"; then
        bad "$p/base" "stdout differs from NumPy's" "$(diff "$d/numpy/out" "$d/base/out" | head -20)"; return 1
    fi
    same_npy "$p/base" "$d/numpy" "$d/base" || return 1
    ok "$p/base=numpy"
    touch "$d/built"
}
# run P CASE NP ARGS...: run $T/P/P on NP ranks in $T/P/CASE (created if needed); stdout in
# CASE/out, stderr in CASE/err, the event log appended to CASE/ev; sets rc. Environment
# variables for the run (TYLES_FAULT_*) are given by the caller as `env ... run` cannot be
# used with functions: put them in the array RUNENV.
RUNENV=()
run() {
    local p=$1 d=$T/$1/$2 np=$3; shift 3
    mkdir -p "$d"
    (cd "$d" && exec env ${RUNENV[@]+"${RUNENV[@]}"} TYLES_EVENT_LOG="$d/ev" \
        timeout -k 5 "$LIMIT" $MPIRUN -np "$np" "$T/$p/$p" "$@") >"$d/out" 2>"$d/err" </dev/null
    rc=$?
    RUNENV=()
}
# same_npy NAME REFDIR DIR: every .npy of REFDIR is in DIR, byte for byte (and nothing more)
same_npy() {
    local f n=0 why=""
    for f in "$2"/*.npy; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        if ! [ -f "$3/$(basename "$f")" ]; then why+="$(basename "$f") is missing"$'\n'
        elif ! cmp "$f" "$3/$(basename "$f")" >/dev/null 2>&1; then
            why+="$(basename "$f") differs: $(cmp "$f" "$3/$(basename "$f")" 2>&1)"$'\n'
        fi
    done
    [ "$n" -gt 0 ] || why+="no .npy in $2"$'\n'
    for f in "$3"/*.npy; do
        [ -f "$f" ] && ! [ -f "$2/$(basename "$f")" ] && why+="$(basename "$f") was not expected"$'\n'
    done
    [ -z "$why" ] || bad "$1" ".npy files differ from the uninterrupted run's" "$why"
}
# finished_like P CASE FROM_START: exit 0, .npy identical to the base run's, stdout = the base
# run's (FROM_START=1) or the base run's less its first line (a resumed run)
finished_like() {
    local p=$1 d=$T/$1/$2 want
    if [ "$rc" -ne 0 ]; then bad "$p/$2" "exit status $rc, expected 0" "$d/err" "$d/ev"; return 1; fi
    if [ "$3" = 1 ]; then want=$(cat "$T/$p/base/out"); else want=$(tail -n +2 "$T/$p/base/out"); fi
    if [ "$want" != "$(cat "$d/out")" ]; then
        bad "$p/$2" "stdout differs from the uninterrupted run's$([ "$3" = 1 ] || echo ' (less its first line)')" \
            "$(diff <(printf '%s\n' "$want") "$d/out" | head -20)"; return 1
    fi
    same_npy "$p/$2" "$T/$p/base" "$d"
}
# has_event CASE_DIR REGEX: a line of the event log matches (grep -E)
has_event() { grep -Eq -- "$2" "$1/ev" 2>/dev/null; }
# last_ckpt CASE_DIR: the folder of the last ckpt-write event (ck/ckpt-LLL-SSSSSSSSSSSS)
last_ckpt() { sed -n 's/.* ckpt-write .* dir=\([^ ]*\).*/\1/p' "$1/ev" 2>/dev/null | tail -n 1; }
# resumed_from CASE_DIR CKPT: the restart read exactly this checkpoint
resumed_from() { has_event "$1" " ckpt-read dir=[^ ]*$(basename "$2") "; }
# killed P CASE NP EVERY STEP RANK: the first leg, killed by fault injection; checks that the
# kill happened as asked and that a checkpoint was written before it; sets ck
killed() {
    local p=$1 c=$2 np=$3 every=$4 step=$5 rank=$6 d=$T/$1/$2
    RUNENV=(TYLES_FAULT_KILL_STEP="$step" TYLES_FAULT_KILL_RANK="$rank" ${SEED:+TYLES_FAULT_SEED=$SEED})
    run "$p" "$c" "$np" --checkpoint-every="$every"
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
        bad "$p/$c" "killed run: exit status $rc, expected the job to die" "$d/err" "$d/ev"; return 1
    fi
    if ! has_event "$d" " killed rank=$([ "$rank" = random ] && echo '[0-9]+' || echo "$rank") step=$([ "$step" = random ] && echo '[0-9]+' || echo "$step") "; then
        bad "$p/$c" "no 'killed rank=$rank step=$step' event" "$d/ev" "$d/err"; return 1
    fi
    ck=$(last_ckpt "$d")
    mv "$d/ev" "$d/ev.killed"; mv "$d/out" "$d/out.killed"; mv "$d/err" "$d/err.killed"
}
# restarted P CASE NP CKPT [ARGS...]: the second leg, --restart (unless ARGS have a --restart=DIR)
# on NP ranks; resumed from CKPT (empty: from the beginning, with the notice) and finished like
# the base run
restarted() {
    local p=$1 c=$2 np=$3 want=$4 d=$T/$1/$2; shift 4
    if [[ " $* " == *" --restart="* ]]; then run "$p" "$c" "$np" "$@"; else run "$p" "$c" "$np" --restart "$@"; fi
    finished_like "$p" "$c" "$([ -n "$want" ] && echo 0 || echo 1)" || return 1
    if [ -n "$want" ]; then
        if ! resumed_from "$d" "$want"; then
            bad "$p/$c" "did not resume from $want" "$d/ev" "$d/err"; return 1
        fi
        if ! has_event "$d" " first-step step=[0-9]+ ranks=$np\$"; then
            bad "$p/$c" "no 'first-step ... ranks=$np' event after the restart" "$d/ev"; return 1
        fi
    elif ! grep -q "starting from the beginning" "$d/err"; then
        bad "$p/$c" "started from the beginning without the notice on stderr" "$d/err"; return 1
    fi
}
# roundtrip P N M EVERY STEP RANK: kill on N ranks, restart on M ranks
roundtrip() {
    local p=$1 c=rt_$2to$3_k$5
    killed "$p" "$c" "$2" "$4" "$5" "$6" || return
    [ -n "$ck" ] || { bad "$p/$c" "no checkpoint was written before the kill" "$T/$p/$c/ev.killed"; return; }
    restarted "$p" "$c" "$3" "$ck" && ok "roundtrip/$p/$2to$3 (rank $6 killed at step $5, resumed from $(basename "$ck"))"
}
# expect_stderr NAME FILE REGEX: a line of FILE matches (grep -E)
expect_stderr() {
    grep -Eq -- "$3" "$2" || bad "$1" "stderr has no line matching /$3/" "$2"
}

S=stencil2d_odd W=staggered_while H=heat3d_two_loops X=phase6d Hs=heat3d_two_loops_split
for p in $S $W $H $X $Hs; do par build "$p"; done
par_wait pass fail
has() { [ -f "$T/$1/built" ]; }

# ---- 1. N -> M round trips ----------------------------------------------------------------------
if has $S; then # all 16 pairs; steps 12..27 of 40, checkpoints every 5, each rank in turn killed
    for n in 1 2 3 4; do for m in 1 2 3 4; do
        par roundtrip $S "$n" "$m" 5 $((7 + 4 * n + m)) $(((n + m) % n))
    done; done
fi
if has $W; then # the while loop (trip count unknown to the runtime)
    par roundtrip $W 1 3 4 9 0
    par roundtrip $W 2 4 4 30 1
    par roundtrip $W 3 2 4 17 2
    par roundtrip $W 4 1 4 22 3
    par roundtrip $W 4 3 4 6 0
fi
if has $H; then # warm-up loop 0 has steps 0..11, loop 1 steps 12..29 (a kill at k fires in the first loop reaching k)
    par roundtrip $H 1 4 5 8 0  # loop 0
    par roundtrip $H 2 3 5 13 1 # loop 1, resumes in loop 1 from its step 10
    par roundtrip $H 3 1 5 11 2 # loop 0, resumes at loop 0 step 10
    par roundtrip $H 4 2 5 27 1 # loop 1
    par roundtrip $H 2 2 5 21 0 # same rank count
fi
if has $Hs; then # main() in functions (pass_sched_split): main() jumps to the part of loop 1, it to the loop
    par roundtrip $Hs 2 3 5 13 1
fi
if has $X; then # 6-D arrays over a 6-D grid (2x2x1x1x1x1 on 4 ranks)
    par roundtrip $X 1 4 5 13 0
    par roundtrip $X 4 3 5 17 3
    par roundtrip $X 2 1 5 9 1
fi

# ---- 2. random faults, a kill inside a checkpoint write ---------------------------------------
# random_fault SEED NP NP2: a seeded random kill on NP ranks (twice: the same draw), the restart on NP2
random_fault() {
    local c=random_s$1 line again kr ks from
    SEED=$1 killed $S "$c" "$2" 3 random random || return
    line=$(grep ' killed ' "$T/$S/$c/ev.killed" | sed 's/^[^ ]* //')
    # the same seed draws the same rank and step
    SEED=$1 killed $S "${c}_again" "$2" 3 random random || return
    again=$(grep ' killed ' "$T/$S/${c}_again/ev.killed" | sed 's/^[^ ]* //')
    if [ "$line" != "$again" ]; then bad "random/$S/seed$1" "seed $1 drew '$line' then '$again'"; return; fi
    kr=$(echo "$line" | sed 's/.*rank=\([0-9]*\).*/\1/') ks=$(echo "$line" | sed 's/.*step=\([0-9]*\).*/\1/')
    if [ "$kr" -ge "$2" ] || [ "$ks" -lt 1 ] || [ "$ks" -gt 39 ]; then
        bad "random/$S/seed$1" "drew rank $kr step $ks for a 40-step loop on $2 ranks"; return
    fi
    from=the-beginning; [ -n "$ck" ] && from=$(basename "$ck")
    restarted $S "$c" "$3" "$ck" && ok "random/$S/seed$1 (killed rank $kr at step $ks on $2 ranks, resumed on $3 from $from)"
}
if has $S; then
    par random_fault 11 4 2
    par random_fault 12 3 1
    par random_fault 13 2 4

    # rank 0 dies in its 2nd checkpoint write (step 20) after writing everything, before the rename
    c=kill_in_ckpt d=$T/$S/kill_in_ckpt
    RUNENV=(TYLES_FAULT_KILL_IN_CKPT=2)
    run $S $c 3 --checkpoint-every=10 --checkpoint-dir=ck
    tmpd=$d/ck/.tmp-ckpt-000-000000000020
    if [ "$rc" -eq 0 ] || ! has_event "$d" " killed rank=0 step=20 "; then
        bad "kill-in-ckpt" "expected rank 0 killed in the step-20 checkpoint (exit status $rc)" "$d/ev" "$d/err"
    elif ! [ -f "$tmpd/MANIFEST" ]; then
        bad "kill-in-ckpt" "no complete leftover $tmpd" "$(ls -la "$d/ck")"
    elif [ "$(cat "$d/ck/LATEST" 2>/dev/null)" != ckpt-000-000000000010 ]; then
        bad "kill-in-ckpt" "LATEST should still name ckpt-000-000000000010" "$(cat "$d/ck/LATEST" 2>&1)"
    else
        mv "$d/ev" "$d/ev.killed"
        # resumes from step 10 (not the leftover's 20); the first write (step 14) removes the leftover
        if restarted $S $c 2 ck/ckpt-000-000000000010 --checkpoint-dir=ck --checkpoint-every=7; then
            if [ -e "$tmpd" ] || ls -d "$d"/ck/.tmp-* >/dev/null 2>&1; then
                bad "kill-in-ckpt" "the leftover temporary folder was not removed" "$(ls -la "$d/ck")"
            elif ! [ -d "$d/ck/ckpt-000-000000000035" ] || ! [ -d "$d/ck/ckpt-000-000000000028" ] ||
                 [ "$(ls -d "$d"/ck/ckpt-* | wc -l)" -ne 2 ]; then
                bad "kill-in-ckpt" "expected exactly the last two checkpoints (28, 35) to be kept" "$(ls -la "$d/ck")"
            else
                ok "kill-in-ckpt (leftover .tmp-ckpt-000-000000000020 ignored, resumed from step 10, leftover removed)"
            fi
        fi
    fi
fi

par_wait pass fail

# ---- 3. damaged checkpoints, refused checkpoints ------------------------------------------------
CK10=ckpt-000-000000000010 CK20=ckpt-000-000000000020
# The cases of this section and of section 6 are independent (each in a folder of its own, the
# fixture copied): they run several at a time (par), each a function reporting on its output.
# corrupt_case MODE: the step-20 checkpoint damaged (flip, truncate) as written, then a restart
corrupt_case() {
    local mode=$1 c=corrupt_$1 d=$T/$S/corrupt_$1 why
    RUNENV=(TYLES_FAULT_CORRUPT=$mode:2 TYLES_FAULT_KILL_STEP=25 TYLES_FAULT_KILL_RANK=1)
    run $S $c 3 --checkpoint-every=10
    if [ "$rc" -eq 0 ] || ! has_event "$d" " corrupted mode=$mode checkpoint=[^ ]*$CK20\$"; then
        bad "damaged/$mode" "expected the step-20 checkpoint to be damaged and the job killed (exit status $rc)" "$d/ev" "$d/err"
        return
    fi
    mv "$d/ev" "$d/ev.killed"
    if [ $mode = flip ]; then
        why="buf0\.npy: checksum mismatch in record [0-9]+ \(bytes [0-9]+-[0-9]+ of the data\)"
    else
        why="buf0\.npy has [0-9]+ bytes, the manifest says [0-9]+ \(truncated: [0-9]+ bytes missing\)"
    fi
    restarted $S $c 2 $CK10 &&
        expect_stderr "damaged/$mode" "$d/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: $why; trying the previous one\$" &&
        { has_event "$d" " ckpt-rejected dir=$S\.ckpt/$CK20 " || bad "damaged/$mode" "no ckpt-rejected event" "$d/ev"; } &&
        ok "damaged/$mode (rejected with the reason, resumed from the previous checkpoint)"
}
if has $S; then
    for mode in flip truncate; do par corrupt_case $mode; done

    # a clean fixture: 2 ranks, checkpoints at 10 and 20, rank 1 killed at 25
    if killed $S fixture 2 10 25 1 && [ "$ck" = "$S.ckpt/$CK20" ] && [ -d "$T/$S/fixture/$S.ckpt/$CK10" ]; then
        FX=$T/$S/fixture/$S.ckpt
    else
        bad "damaged/fixture" "expected checkpoints $CK10 and $CK20 (last: '${ck:-}')" "$(ls -la "$T/$S/fixture/$S.ckpt" 2>&1)"
        FX=
    fi
    # case C: a fresh case folder holding a copy of the fixture's checkpoints
    case_from_fixture() { rm -rf "$T/$S/$1"; mkdir -p "$T/$S/$1"; cp -r "$FX" "$T/$S/$1/$S.ckpt"; }
    if [ -n "$FX" ]; then
        fx_manifest_edit() {
            c=manifest_edit; case_from_fixture $c
            m=$T/$S/$c/$S.ckpt/$CK20/MANIFEST
            cp "$m" "$m.orig"
            sed -i 's/^loop 0 step 20 /loop 0 step 19 /' "$m" # a plausible edit: the step
            if cmp -s "$m" "$m.orig"; then bad "damaged/manifest" "could not edit the MANIFEST's step line" "$m"
            else
                restarted $S $c 3 $CK10 &&
                    expect_stderr "damaged/manifest" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: MANIFEST checksum mismatch; trying the previous one\$" &&
                    ok "damaged/manifest-edited (checksum mismatch, resumed from the previous checkpoint)"
            fi
            rm -f "$m.orig"
        }
        par fx_manifest_edit

        fx_manifest_byte() {
            c=manifest_byte; case_from_fixture $c
            m=$T/$S/$c/$S.ckpt/$CK20/MANIFEST
            # flip one bit of a byte in the middle of the manifest
            $PY - "$m" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
while b[i] in b"\n ":
    i += 1
b[i] ^= 0x01
open(p, "wb").write(b)
EOF
            restarted $S $c 4 $CK10 &&
                expect_stderr "damaged/manifest-byte" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: MANIFEST (checksum mismatch|is malformed|is truncated)" &&
                ok "damaged/manifest-byte (rejected, resumed from the previous checkpoint)"
        }
        par fx_manifest_byte

        # forged loop lines (every checksum recomputed): a step past the loop's end ran the rest
        # of the program from there with status 0, a missing loop line resumed "step 0 of 0"
        # (the loop skipped); a loop the program does not have is refused
        reforge() { # MANIFEST PYTHON-REGEX REPLACEMENT: edit its lines, recompute its end CRC
            $PY - "$ROOT/tests/campaign" "$@" <<'PYEOF'
import re, sys
sys.path.insert(0, sys.argv.pop(1))
from ckpt_tool import crc32c  # tests/campaign: the manifests' CRC-32C
m, pat, rep = sys.argv[1:4]
lines = [l for l in open(m).read().split("\n")[:-2] if l]
text = "".join(l2 + "\n" for l2 in (re.sub(pat, rep, l) for l in lines) if l2)
open(m, "w").write(text + "end %08x\n" % crc32c(text.encode()))
PYEOF
        }
        fx_forged() { # "NAME|PATTERN|REPLACEMENT|WHY"
            local f=$1 c m why
            c=manifest_${f%%|*}; case_from_fixture $c
            m=$T/$S/$c/$S.ckpt/$CK20/MANIFEST
            cp "$m" "$m.orig"
            f=${f#*|}; why=${f##*|}; f=${f%|*}; reforge "$m" "${f%%|*}" "${f#*|}"
            if cmp -s "$m" "$m.orig"; then bad "damaged/$c" "could not edit the loop line" "$m"; return; fi
            restarted $S $c 2 $CK10 &&
                expect_stderr "damaged/$c" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: $why; trying the previous one\$" &&
                ok "damaged/$c (forged loop line, checksums recomputed: rejected, resumed from the previous checkpoint)"
        }
        # (a step the folder's name does not say resumed that step with the other step's arrays)
        for f in "past-end|^loop 0 step 20 of [0-9]+$|loop 0 step 20 of 2|MANIFEST is malformed" \
            "no-loop-line|^loop .*$||MANIFEST is malformed" \
            "other-step|^loop 0 step 20 |loop 0 step 7 |its MANIFEST says loop 0 step 7, but its name says otherwise"; do
            par fx_forged "$f"
        done
        fx_loop_index() {
            c=manifest_loop_index; case_from_fixture $c
            rm -rf "$T/$S/$c/$S.ckpt/$CK10"
            reforge "$T/$S/$c/$S.ckpt/$CK20/MANIFEST" "^loop 0 " "loop 5 "
            mv "$T/$S/$c/$S.ckpt/$CK20" "$T/$S/$c/$S.ckpt/ckpt-005-000000000020" # its name says so too
            rm -f "$T/$S/$c/$S.ckpt/LATEST"
            run $S $c 2 --restart
            if [ "$rc" -ne 1 ]; then bad "damaged/$c" "exit status $rc, expected 1" "$T/$S/$c/err"
            else expect_stderr "damaged/$c" "$T/$S/$c/err" "^$S: $S\.ckpt/ckpt-005-000000000020: error: this checkpoint names time loop 5, but the program has 1; it is damaged or forged \(its checksums match its contents\)\$" &&
                ok "damaged/$c (a time loop the program does not have: refused)"; fi
        }
        par fx_loop_index

        fx_appended() { # bytes appended to a buffer: the exact message
            local f n
            c=appended; case_from_fixture $c
            f=$T/$S/$c/$S.ckpt/$CK20/buf0.npy
            n=$(stat -c %s "$f")
            printf 'extra' >>"$f"
            restarted $S $c 2 $CK10 &&
                expect_stderr "damaged/appended" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: buf0\.npy has $((n + 5)) bytes, the manifest says $n \(5 trailing bytes after its data\); trying the previous one\$" &&
                ok "damaged/appended (5 bytes appended to a buffer: rejected with its size, resumed from the previous checkpoint)"
        }
        par fx_appended

        fx_all_damaged() {
            c=all_damaged; case_from_fixture $c
            for k in $CK10 $CK20; do truncate -s -8 "$T/$S/$c/$S.ckpt/$k/buf0.npy"; done
            restarted $S $c 2 "" &&
                expect_stderr "damaged/all" "$T/$S/$c/err" "$CK10 is unusable: .*; no other checkpoint is left\$" &&
                expect_stderr "damaged/all" "$T/$S/$c/err" "^$S: no valid checkpoint in $S\.ckpt: starting from the beginning\$" &&
                ok "damaged/all (both rejected, started from the beginning with a notice)"
        }
        par fx_all_damaged

        fx_latest_missing() {
            c=latest_missing; case_from_fixture $c
            rm "$T/$S/$c/$S.ckpt/LATEST"
            restarted $S $c 3 $CK20 && ok "damaged/latest-missing (resumed from the newest checkpoint)"
        }
        par fx_latest_missing

        # a FIFO planted as a checkpoint's MANIFEST or as LATEST: the restart waited in open()
        # for ever (h120); now it is not a plain file, so not read
        fx_fifo_manifest() {
            c=fifo_manifest; case_from_fixture $c
            rm "$T/$S/$c/$S.ckpt/$CK20/MANIFEST" && mkfifo "$T/$S/$c/$S.ckpt/$CK20/MANIFEST"
            restarted $S $c 1 $CK10 &&
                expect_stderr "damaged/fifo-manifest" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: cannot read MANIFEST; trying the previous one\$" &&
                ok "damaged/fifo-manifest (a FIFO as MANIFEST: rejected, resumed from the previous checkpoint)"
        }
        par fx_fifo_manifest
        fx_fifo_latest() {
            c=fifo_latest; case_from_fixture $c
            rm "$T/$S/$c/$S.ckpt/LATEST" && mkfifo "$T/$S/$c/$S.ckpt/LATEST"
            restarted $S $c 1 $CK20 && ok "damaged/fifo-latest (a FIFO as LATEST: ignored, resumed from the newest checkpoint)"
        }
        par fx_fifo_latest

        fx_latest_deleted() {
            c=latest_deleted; case_from_fixture $c
            rm -rf "$T/$S/$c/$S.ckpt/$CK20"
            restarted $S $c 1 $CK10 &&
                expect_stderr "damaged/latest-deleted" "$T/$S/$c/err" "^$S: checkpoint $S\.ckpt/$CK20 is unusable: .*; trying the previous one\$" &&
                ok "damaged/latest-deleted (LATEST names a deleted folder: resumed from the other one)"
        }
        par fx_latest_deleted

        fx_latest_stale() {
            c=latest_stale; case_from_fixture $c
            echo $CK10 >"$T/$S/$c/$S.ckpt/LATEST"
            run $S $c 4 --restart # either checkpoint is a correct answer
            if finished_like $S $c 0; then
                if resumed_from "$T/$S/$c" $CK10 || resumed_from "$T/$S/$c" $CK20; then
                    ok "damaged/latest-stale (LATEST names the older checkpoint: resumed from a valid one)"
                else bad "damaged/latest-stale" "did not resume from a checkpoint" "$T/$S/$c/ev" "$T/$S/$c/err"; fi
            fi
        }
        par fx_latest_stale

        # the checkpoint folder given with --restart=DIR; new checkpoints go to --checkpoint-dir
        fx_restart_dir() {
            c=restart_dir; rm -rf "$T/$S/$c"; mkdir -p "$T/$S/$c"; cp -r "$FX" "$T/$S/$c/old"
            run $S $c 3 --restart=old --checkpoint-dir=new --checkpoint-every=10
            if finished_like $S $c 0 && resumed_from "$T/$S/$c" "old/$CK20"; then
                if [ -d "$T/$S/$c/new/ckpt-000-000000000030" ] && ! [ -d "$T/$S/$c/old/ckpt-000-000000000030" ]; then
                    ok "restart-dir (--restart=old --checkpoint-dir=new: read old, wrote new)"
                else bad "restart-dir" "new checkpoints not in new/" "$(ls -R "$T/$S/$c" | head -30)"; fi
            elif [ "$rc" -eq 0 ]; then bad "restart-dir" "did not resume from old/$CK20" "$T/$S/$c/ev"; fi
        }
        par fx_restart_dir

        # refusals: another program, other parameters
        refused() { # NAME P CASE REGEX ARGS...
            local name=$1 p=$2 c=$3 re=$4 d=$T/$2/$3; shift 4
            run "$p" "$c" 2 "$@"
            if [ "$rc" -ne 1 ]; then bad "refused/$name" "exit status $rc, expected 1" "$d/err"; return; fi
            if [ "$(grep -c "^$p: .*error:" "$d/err")" -ne 1 ]; then
                bad "refused/$name" "expected exactly one '$p: ... error:' line" "$d/err"; return
            fi
            expect_stderr "refused/$name" "$d/err" "$re" || return
            if ls "$d"/*.npy >/dev/null 2>&1 || [ -s "$d/out" ]; then
                bad "refused/$name" "saved or printed results" "$d/out" "$(ls "$d")"; return
            fi
            ok "refused/$name"
        }
        fx_other_program() {
            rm -rf "$T/$W/other_program"; mkdir -p "$T/$W/other_program"; cp -r "$FX" "$T/$W/other_program/foreign"
            refused other-program $W other_program \
                "^$W: foreign/$CK20: error: this checkpoint was written by another program" --restart=foreign
        }
        if has $W; then par fx_other_program; fi
        fx_other_param() {
            c=other_param; case_from_fixture $c
            refused other-param-int $S $c \
                "^$S: $S\.ckpt/$CK20: error: this checkpoint was taken with --NX=37, this run has --NX=39; restart with the checkpoint's parameters\$" \
                --restart --NX=39
            refused other-param-float $S $c \
                "^$S: $S\.ckpt/$CK20: error: this checkpoint was taken with --alpha=0\.1, this run has --alpha=0\.11; restart with the checkpoint's parameters\$" \
                --restart --alpha=0.11
        }
        par fx_other_param
    fi

    restart_empty() {
        c=restart_empty; rm -rf "$T/$S/$c"; mkdir -p "$T/$S/$c/nothing"
        restarted $S $c 2 "" --restart=nothing &&
            expect_stderr "restart-empty" "$T/$S/$c/err" "^$S: no checkpoint in nothing: starting from the beginning\$" &&
            ok "restart-empty-dir (notice, started from the beginning)"
    }
    par restart_empty
    # a --restart=DIR that does not exist is a mistake (a mistyped path): it used to be created
    # and the run started again from the beginning with status 0
    restart_missing() {
        c=restart_missing; rm -rf "$T/$S/$c"; mkdir -p "$T/$S/$c"
        run $S $c 2 --restart=nothing
        if [ "$rc" -ne 1 ]; then bad "restart-missing-dir" "exit status $rc, expected 1" "$T/$S/$c/err"
        elif [ "$(grep -c "^$S: " "$T/$S/$c/err")" -ne 1 ] ||
            ! grep -qx "$S: error: cannot restart from 'nothing': No such file or directory" "$T/$S/$c/err"; then
            bad "restart-missing-dir" "expected the one line '$S: error: cannot restart from 'nothing': No such file or directory'" "$T/$S/$c/err"
        elif [ -e "$T/$S/$c/nothing" ] || [ -s "$T/$S/$c/out" ] || ls "$T/$S/$c"/*.npy >/dev/null 2>&1; then
            bad "restart-missing-dir" "created the folder, printed or saved something" "$(ls -R "$T/$S/$c")"
        else ok "restart-missing-dir (refused with the path and the reason, nothing created)"; fi
    }
    par restart_missing
    # a folder name longer than the runtime holds: refused (checkpoints went to the folder named
    # by its first 3799 bytes)
    long_dir() {
        c=long_dir; rm -rf "$T/$S/$c"; mkdir -p "$T/$S/$c"
        long=$(printf 'd%.0s' $(seq 200))$(printf '/%0250d' $(seq 16))
        for opt in --checkpoint-dir --restart; do
            run $S $c 1 "$opt=$long" --checkpoint-every=10
            if [ "$rc" -ne 1 ] || ! grep -qx "$S: error: cannot use the checkpoint folder '$(printf 'd%.0s' $(seq 40))\.\.\.': File name too long (4216 bytes; at most 3799)" "$T/$S/$c/err"; then
                bad "long-dir$opt" "exit status $rc, expected 1 and the message" "$T/$S/$c/err"
            elif [ -e "$T/$S/$c/dddd" ] || ls -d "$T/$S/$c"/d* >/dev/null 2>&1; then
                bad "long-dir$opt" "a folder was created" "$(ls "$T/$S/$c")"
            else ok "long-dir$opt (a folder name past 3799 bytes refused, nothing written)"; fi
        done
    }
    par long_dir
fi
par_wait pass fail

# ---- 4, 5. signals: stop with exit 75, in-process rescale ---------------------------------------
# A larger run of stencil2d_odd (about 0.5-1 s at any rank count): the signal is sent once the
# first checkpoint is written (every rank is then inside the time loop), thousands of steps
# before the end. The reference is an uninterrupted 1-rank run with the same parameters.
BIG=(--NX=401 --NY=301 --steps=5000)
if has $S; then
    run $S big_base 1 "${BIG[@]}"
    if [ "$rc" -ne 0 ]; then bad "signal/base" "exit status $rc" "$T/$S/big_base/err"; BIGOK=0; else BIGOK=1; fi
fi
# bg P CASE NP ARGS...: start the program in the background (tpid = timeout's pid); BGMCA: more
# mpirun options. Its limit is 3 LIMIT: a run grown to 4 ranks on 2 cores beside the other
# suites of make check made ~60 steps/s and needed 75 s for the 4500 steps after the signal
# (the limit only catches hangs)
BGMCA=
bg() {
    local p=$1 d=$T/$1/$2 np=$3; shift 3
    mkdir -p "$d"
    (cd "$d" && exec env TYLES_EVENT_LOG="$d/ev" timeout -k 5 $((3 * LIMIT)) $MPIRUN $BGMCA -np "$np" "$T/$p/$p" "$@") \
        >"$d/out" 2>"$d/err" </dev/null &
    tpid=$!
}
# started CASE_DIR: wait (up to LIMIT s) for the first checkpoint; sets mpid (mpirun's pid)
started() {
    local i
    for ((i = 0; i < LIMIT * 100; i++)); do
        has_event "$1" " ckpt-write " && break
        kill -0 "$tpid" 2>/dev/null || break
        sleep 0.01
    done
    mpid=$(ps -o pid= --ppid "$tpid" | tr -d ' ' | head -n 1)
    has_event "$1" " ckpt-write " && [ -n "$mpid" ]
}
# big_like CASE_DIR ROUTINE: .npy identical to big_base
big_same() { same_npy "$1" "$T/$S/big_base" "$T/$S/$2"; }
if has $S && [ "$BIGOK" = 1 ]; then
    # SIGUSR2 to mpirun (forwarded to the ranks), 3 ranks, then --restart on 2; SIGTERM to a rank
    # of 2, then --restart on 1 (on 4 before: its 4500 steps polled on both cores; a restart
    # 2 -> 4 is roundtrip/stencil2d_odd/2to4's)
    for sc in "usr2 3 2" "term 2 1"; do
        set -- $sc
        c=sig_$1 d=$T/$S/sig_$1
        bg $S $c "$2" "${BIG[@]}" --checkpoint-every=500 --checkpoint-dir=ck
        if ! started "$d"; then
            wait "$tpid"; bad "signal/$1" "the run ended (status $?) before its first checkpoint" "$d/err" "$d/ev"; continue
        fi
        if [ "$1" = usr2 ]; then kill -USR2 "$mpid"
        else kill -TERM "$(ps -o pid= --ppid "$mpid" | tr -d ' ' | tail -n 1)" # one rank process only
        fi
        wait "$tpid"; rc=$?
        if [ "$rc" -ne 75 ]; then bad "signal/$1" "exit status $rc, expected 75" "$d/err" "$d/ev"; continue; fi
        stop=$(sed -n 's/.* stop step=\([0-9]*\) status=75$/\1/p' "$d/ev")
        ck=$(last_ckpt "$d")
        if [ -z "$stop" ] || [ "$ck" != "ck/ckpt-000-$(printf %012d "$stop")" ]; then
            bad "signal/$1" "expected a 'stop step=K status=75' event after a checkpoint of step K" "$d/ev"; continue
        fi
        expect_stderr "signal/$1" "$d/err" "^$S: stopped at step $stop after a checkpoint in ck; resume with --restart\$" || continue
        mv "$d/ev" "$d/ev.stopped"
        run $S $c "$3" "${BIG[@]}" --restart --checkpoint-dir=ck
        if [ "$rc" -ne 0 ]; then bad "signal/$1" "restart on $3 ranks: exit status $rc" "$d/err"; continue; fi
        if [ "$(tail -n +2 "$T/$S/big_base/out")" != "$(cat "$d/out")" ]; then
            bad "signal/$1" "stdout of the restart differs" "$d/out"; continue
        fi
        big_same "signal/$1" $c && resumed_from "$d" "$ck" && ok "signal/$1 ($2 ranks stopped at step $stop with exit 75, finished on $3)"
    done

    # A grow beyond the core count oversubscribes the first ranks too, which Open MPI started in
    # busy-polling mode (the runtime makes the ranks it spawns yield, but cannot change the
    # running ones): a step gets ~20x slower unless the job starts with mpi_yield_when_idle, as
    # tylesrun starts it.
    BGMCA="--mca mpi_yield_when_idle 1"
    # (2 -> 4, the rest of the run on 4 ranks, was here too: a grow to 4 by RESCALE and SIGUSR1
    # on this program and size is tests/elastic/rescale_faults.sh's, five runs, and a run that
    # finishes on 4 ranks after a grow is grow_shrink.sh's staggered_while 3 -> 1 -> 4; its
    # 4500 steps on 4 ranks polled on both cores, 75 s beside make check's other suites)
    for sc in "4 2" "3 1" "1 2"; do
        set -- $sc
        c=rescale_$1to$2 d=$T/$S/rescale_$1to$2
        bg $S $c "$1" "${BIG[@]}" --checkpoint-every=500 --checkpoint-dir=ck
        if ! started "$d"; then
            wait "$tpid"; bad "rescale/$1to$2" "the run ended (status $?) before its first checkpoint" "$d/err" "$d/ev"; continue
        fi
        echo "$2" >"$d/ck/RESCALE"
        kill -USR1 "$mpid"
        wait "$tpid"; rc=$?
        if [ "$rc" -ne 0 ]; then
            why="exit status $rc"
            has_event "$d" " done ranks=$2\$" && why+=" after the run finished (done ranks=$2 logged): a process died at exit"
            bad "rescale/$1to$2" "$why" "$d/err" "$d/ev"; continue
        fi
        if ! has_event "$d" " rescale from=$1 to=$2( |\$)"; then
            bad "rescale/$1to$2" "no 'rescale from=$1 to=$2' event (did the signal land after the loop?)" "$d/ev" "$d/err"; continue
        fi
        if ! has_event "$d" " done ranks=$2\$"; then bad "rescale/$1to$2" "no 'done ranks=$2' event" "$d/ev"; continue; fi
        if [ -e "$d/ck/RESCALE" ]; then bad "rescale/$1to$2" "the RESCALE request was not consumed"; continue; fi
        if ! cmp -s "$T/$S/big_base/out" "$d/out"; then
            bad "rescale/$1to$2" "stdout differs from the uninterrupted run's" "$(diff "$T/$S/big_base/out" "$d/out")"; continue
        fi
        big_same "rescale/$1to$2" $c && ok "rescale/$1to$2 ($(grep -o 'rescale from=.*' "$d/ev" | head -n 1))"
    done
fi

# ---- 6. links, a full disk, the lock, forged shapes, --progress after a restart ----------------
# links/*     a symbolic link planted as LATEST.tmp, as the temporary folder or as an old checkpoint
#             (pointing at a victim file or folder outside): the run finishes like the base run and
#             the victim is untouched; a linked checkpoint is not read
# full-disk/* a checkpoint folder on a small tmpfs (root only): the job exits 1 with "No space left
#             on device" and the path, the partial checkpoint is gone, the previous one is kept and
#             a restart from it finishes like the base run
# lock/*      a second job on a folder in use (by a job grown in process) exits 1 before any
#             output, naming the first; the folder is free again once the first is killed, and
#             tylesrun relaunches a job whose rank 0 was killed
# shapes/forged     a checkpoint whose array shapes contradict its parameters (checksums
#             recomputed) is refused with exit 1, the array and both shapes named, no fall-back
# progress/restart  the steps/s of --progress after --restart count the steps this run made
if has $S; then
    # each planted alone: LATEST.tmp -> a file, an old checkpoint and the temporary folder -> a folder
    links_case() { # NAME TARGET: a link named NAME in the checkpoint folder, to TARGET
        local c=links_${1#.} d=$T/$S/links_${1#.} why
        mkdir -p "$d/ck" "$d/victim_dir"
        echo "precious" >"$d/victim"; echo "data" >"$d/victim_dir/keep.txt"
        ln -s "$d/$2" "$d/ck/$1"
        run $S $c 2 --checkpoint-every=10 --checkpoint-dir=ck
        finished_like $S $c 1 || return
        why=""
        [ "$(cat "$d/victim")" = precious ] || why+="the file LATEST.tmp linked to was overwritten"$'\n'
        [ -f "$d/victim_dir/keep.txt" ] || why+="files of the folder $1 linked to were deleted"$'\n'
        [ "$(cat "$d/ck/LATEST" 2>/dev/null)" = ckpt-000-000000000030 ] || why+="LATEST does not name ckpt-000-000000000030"$'\n'
        [ -z "$why" ] && ok "links/$1 (a planted link is unlinked, never followed)" ||
            bad "links/$1" "$why" "$(ls -la "$d/ck" "$d/victim_dir")"
    }
    for plant in "LATEST.tmp victim" "ckpt-000-000000000001 victim_dir" ".tmp-ckpt-000-000000000010 victim_dir"; do
        par links_case $plant
    done
    # a checkpoint folder that is a link (to a real checkpoint elsewhere) is not read
    links_read() {
        c=links_read d=$T/$S/links_read
        run $S $c 2 --checkpoint-every=10 --checkpoint-dir=ck
        if [ "$rc" -ne 0 ] || ! [ -d "$d/ck/ckpt-000-000000000030" ]; then
            bad "links/read" "expected a run leaving ckpt-000-000000000030 (exit status $rc)" "$d/err"
        else
            mv "$d/ck/ckpt-000-000000000030" "$d/elsewhere"
            ln -s "$d/elsewhere" "$d/ck/ckpt-000-000000000030"
            mv "$d/ev" "$d/ev.first"
            run $S $c 1 --restart --checkpoint-dir=ck
            finished_like $S $c 0 && resumed_from "$d" ckpt-000-000000000020 &&
                expect_stderr "links/read" "$d/err" "^$S: checkpoint ck/ckpt-000-000000000030 is unusable: it is a symbolic link \(checkpoints are read only from folders inside the checkpoint folder\); trying the previous one\$" &&
                ok "links/read (a linked checkpoint folder is refused, the previous one used)"
        fi
    }
    par links_read

    full_disk() { # NP: MPI-IO writes the data on 3 ranks, stdio on 1
        local np=$1 c=full_$1 d=$T/$S/full_$1 disk=$T/$S/full_$1/disk left i
        mkdir -p "$d/disk"
        if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=40k tmpfs "$d/disk" 2>/dev/null; then
            echo "SKIP full-disk/$np (needs root to mount a small tmpfs)"; return
        fi
        # 37 x 23 float64: each .npy takes 2 pages of 4 KiB, a MANIFEST and LATEST 1 each: the
        # step-10 checkpoint fits (6 pages), the step-20 one does not (both kept: 12)
        run $S $c $np --checkpoint-every=10 --checkpoint-dir=disk
        left=$(ls -A "$d/disk" | tr '\n' ' ')
        if [ "$rc" -ne 1 ]; then bad "full-disk/$np" "exit status $rc, expected 1" "$d/err"
        elif expect_stderr "full-disk/$np" "$d/err" "^$S: checkpoint: error: cannot write 'disk/\.tmp-ckpt-000-000000000020/[A-Za-z0-9.]+': No space left on device\$" &&
            expect_stderr "full-disk/$np" "$d/err" "^$S: the partial checkpoint disk/\.tmp-ckpt-000-000000000020 was removed; the last good one, disk/ckpt-000-000000000010, is kept \(resume from it with --restart\)\$"; then
            if [ "$left" != "LATEST LOCK ckpt-000-000000000010 " ]; then
                bad "full-disk/$np" "the checkpoint folder holds '$left', expected the step-10 checkpoint alone"
            else
                cp -r "$d/disk" "$d/kept"; umount "$d/disk"; rmdir "$d/disk"; mv "$d/kept" "$d/disk"
                run $S $c 2 --restart --checkpoint-dir=disk
                finished_like $S $c 0 && resumed_from "$d" ckpt-000-000000000010 &&
                    ok "full-disk/$np (ENOSPC reported with the path, partial checkpoint removed, restart from the kept one)"
            fi
        fi
        # ($disk: bad() reuses $d as its loop variable)
        for i in 1 2 3 4 5 6 7 8 9 10; do mountpoint -q "$disk" && ! umount "$disk" 2>/dev/null && sleep 0.2; done
        mountpoint -q "$disk" && umount -l "$disk"
    }
    par full_disk 3
    par full_disk 1

    # lock: job A (a long run) holds the folder; job B on it is refused; B runs once A is gone
    lock_case() {
        c=lock d=$T/$S/lock
        BGMCA="--mca mpi_yield_when_idle 1"
        bg $S $c 2 --NX=401 --NY=301 --steps=200000 --checkpoint-every=500 --checkpoint-dir=ck
        if ! started "$d"; then
            wait "$tpid"; bad "lock" "job A ended (status $?) before its first checkpoint" "$d/err" "$d/ev"
        else
            rank0=$(ps -o pid= --ppid "$mpid" | tr -d ' ' | head -n 1)
            # grown in process to 3 ranks first: the new rank does not take the lock, rank 0 keeps it
            echo 3 >"$d/ck/RESCALE"; kill -USR1 "$mpid"
            for ((i = 0; i < LIMIT * 100; i++)); do
                has_event "$d" " rescale from=2 to=3" && break
                sleep 0.01
            done
            has_event "$d" " rescale from=2 to=3" || bad "lock/busy" "job A did not grow to 3 ranks" "$d/ev" "$d/err"
            run $S lock_b 1 --checkpoint-every=10 --checkpoint-dir=../lock/ck
            if [ "$rc" -ne 1 ]; then bad "lock/busy" "job B: exit status $rc, expected 1" "$T/$S/lock_b/err"
            elif [ -s "$T/$S/lock_b/out" ]; then bad "lock/busy" "job B printed before stopping" "$T/$S/lock_b/out"
            else
                expect_stderr "lock/busy" "$T/$S/lock_b/err" "^$S: error: checkpoint folder '\.\./lock/ck' is in use by job $rank0 on $(hostname) since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}( [^;]+)?; wait for that job to end, or give this one another --checkpoint-dir\$" &&
                    ok "lock/busy (a second job is refused before any work, naming the first, grown to 3 ranks)"
            fi
            kill -KILL "$rank0"; wait "$tpid"
            run $S lock_b 1 --checkpoint-every=10 --checkpoint-dir=../lock/ck
            [ "$rc" -eq 0 ] && grep -q "^t 5\.0 count" "$T/$S/lock_b/out" && ok "lock/released (the folder is free once the holder was killed)" ||
                bad "lock/released" "job B after A was killed: exit status $rc" "$T/$S/lock_b/err"
        fi
    }
    par lock_case

    # tylesrun relaunches a job whose rank 0 (the lock's holder) was killed: the folder is free
    lock_tylesrun() {
        c=lock_tylesrun d=$T/$S/lock_tylesrun
        mkdir -p "$d"
        (cd "$d" && exec env TYLES_FAULT_KILL_STEP=25 TYLES_FAULT_KILL_RANK=0 timeout -k 5 "$LIMIT" "$ROOT/bin/tylesrun" \
            -np 3 --checkpoint-every=10 --checkpoint-dir=ck --mpi-args="--mca odls_base_sigkill_timeout 0" \
            "$T/$S/$S") >"$d/out" 2>"$d/err" </dev/null
        rc=$?
        if [ "$rc" -ne 0 ] || ! grep -q "killed rank=0 step=25" "$d/ck/events.log" 2>/dev/null ||
            ! grep -q " ckpt-read dir=ck/ckpt-000-000000000020 " "$d/ck/events.log"; then
            bad "lock/tylesrun" "expected rank 0 killed at step 25 and a relaunch from step 20 (exit status $rc)" "$d/err" "$d/ck/events.log"
        elif ! cmp -s "$T/$S/base/out" "$d/out"; then
            bad "lock/tylesrun" "stdout of the two legs differs from the uninterrupted run's" "$(diff "$T/$S/base/out" "$d/out")"
        else
            same_npy "lock/tylesrun" "$T/$S/base" "$d" && ok "lock/tylesrun (rank 0 killed, relaunched from step 20 with the folder free)"
        fi
    }
    par lock_tylesrun

    # shapes: checkpoints of a 20 x 12 run whose MANIFEST param lines were edited to the defaults
    # (37 x 23) and its checksum recomputed: every checksum matches, the shapes do not
    forged() {
        c=forged d=$T/$S/forged
        run $S $c 2 --NX=20 --NY=12 --checkpoint-every=10 --checkpoint-dir=ck
        if [ "$rc" -ne 0 ] || ! [ -d "$d/ck/ckpt-000-000000000030" ]; then
            bad "shapes/forged" "the 20 x 12 run: exit status $rc, or no checkpoint of step 30" "$d/err"
        elif ! $PY - "$ROOT/tests/campaign" "$d/ck" <<'PYEOF'
import glob, struct, sys
sys.path.insert(0, sys.argv.pop(1))
from ckpt_tool import crc32c  # tests/campaign: the manifests' CRC-32C
assert crc32c(b"123456789") == 0xe3069283
for m in glob.glob(sys.argv[1] + "/ckpt-*/MANIFEST"):
    lines = open(m, "rb").read().decode().split("\n")[:-2] # less "end CRC" and the final ""
    for i, ln in enumerate(lines):
        for name, val in (("NX", 37), ("NY", 23)):
            if ln.startswith("param %s int64 " % name):
                lines[i] = "param %s int64 %016x %d" % (name, val, val)
    text = "\n".join(lines) + "\n"
    open(m, "wb").write((text + "end %08x\n" % crc32c(text.encode())).encode())
PYEOF
        then bad "shapes/forged" "could not edit the manifests"
        else
            mv "$d/ev" "$d/ev.first"; rm -f "$d"/*.npy
            run $S $c 3 --restart --checkpoint-dir=ck
            if [ "$rc" -ne 1 ]; then bad "shapes/forged" "restart: exit status $rc, expected 1" "$d/err" "$d/out"
            elif [ -s "$d/out" ] || ls "$d"/*.npy >/dev/null 2>&1 || grep -q "trying the previous one" "$d/err"; then
                bad "shapes/forged" "the restart printed, saved or tried an older checkpoint" "$d/out" "$d/err"
            else
                expect_stderr "shapes/forged" "$d/err" "^$S: ck/ckpt-000-000000000030: error: checkpoint array 'u' has shape \(20, 12\), this run computes \(37, 23\) from its parameters; refusing the checkpoint \(no older one is tried\)\$" &&
                    ok "shapes/forged (a checkpoint whose shapes contradict its parameters is refused, exit 1)"
            fi
        fi
    }
    par forged

    # progress: 2400 of 3200 steps in a first run, 800 after the restart
    progress() {
        c=progress d=$T/$S/progress
        RUNENV=(TYLES_FAULT_KILL_STEP=2401 TYLES_FAULT_KILL_RANK=0)
        run $S $c 2 --NX=401 --NY=301 --steps=3200 --checkpoint-every=2400
        mv "$d/ev" "$d/ev.killed" 2>/dev/null
        run $S $c 1 --NX=401 --NY=301 --steps=3200 --restart --progress
        rate=$(sed -n 's/^progress: step 3199\/3200, \([0-9.]*\) steps\/s.*/\1/p' "$d/err")
        t_read=$(sed -n 's/^\([0-9.]*\) ckpt-read .*step=2400 .*/\1/p' "$d/ev")
        t_done=$(sed -n 's/^\([0-9.]*\) done .*/\1/p' "$d/ev")
        if [ "$rc" -ne 0 ] || [ -z "$rate" ] || [ -z "$t_read" ] || [ -z "$t_done" ]; then
            bad "progress/restart" "expected a resumed run (exit status $rc) with a progress line for step 3199/3200" "$d/err" "$d/ev"
        else
            real=$(awk -v a="$t_read" -v b="$t_done" 'BEGIN { printf "%.1f", 800 / (b - a) }')
            if awk -v r="$rate" -v x="$real" 'BEGIN { exit !(r <= 2 * x && r >= x / 2) }'; then
                ok "progress/restart ($rate steps/s reported, $real measured)"
            else
                bad "progress/restart" "reported $rate steps/s, the run made 800 steps at $real steps/s" "$d/err"
            fi
        fi
    }
    par progress
fi

par_wait pass fail

# random streams are not in checkpoints: resuming a loop that draws from a seeded stream is refused
if out=$(bash "$HERE/random_restart.sh" "$ROOT" 2>&1); then ok "random-stream/restart-refused"
else bad "random-stream/restart-refused" "tests/elastic/random_restart.sh failed" "$out"; fi
if out=$(bash "$HERE/print_restart.sh" "$ROOT" 2>&1); then ok "print-arrays/restart"
else bad "print-arrays/restart" "tests/elastic/print_restart.sh failed" "$out"; fi
# run-time strings are in checkpoints: one set in an earlier step, one before the loop
if out=$(bash "$HERE/string_restart.sh" "$ROOT" 2>&1); then ok "run-time-strings/restart"
else bad "run-time-strings/restart" "tests/elastic/string_restart.sh failed" "$out"; fi
# a pseudo-spectral loop on distributed fields: killed on 3 ranks, restarted on 2, bitwise
if out=$(bash "$HERE/spectral_restart.sh" "$ROOT" 2>&1); then ok "spectral/restart-3-to-2"
else bad "spectral/restart-3-to-2" "tests/elastic/spectral_restart.sh failed" "$out"; fi
# a None-or-number name carried by a checkpointed loop
if out=$(bash "$HERE/optional_restart.sh" "$ROOT" 2>&1); then ok "optional-numbers/restart"
else bad "optional-numbers/restart" "tests/elastic/optional_restart.sh failed" "$out"; fi
if out=$(bash "$HERE/optional_array_restart.sh" "$ROOT" 2>&1); then ok "optional-arrays/restart"
else bad "optional-arrays/restart" "tests/elastic/optional_array_restart.sh failed" "$out"; fi
# arrays whose length changes every step (x = x[inside], np.concatenate) through a restart
if out=$(bash "$HERE/shrinking_restart.sh" "$ROOT" 2>&1); then ok "shrinking-arrays/restart"
else bad "shrinking-arrays/restart" "tests/elastic/shrinking_restart.sh failed" "$out"; fi

echo "elastic tests: $pass passed, $fail failed ($(($(date +%s) - t_start)) s)"
[ "$fail" -eq 0 ]

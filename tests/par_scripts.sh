#!/bin/bash
# par_scripts.sh [-j N] 'COMMAND' ...: the test scripts of one make check suite, N at a time
# (default 3), from the repository root. The shell suites wait on MPI's start-up far
# more than they compute, so one after another they left the cores idle; these share nothing but
# the built compiler and libraries, each in a scratch folder of its own. Each command's output is
# printed whole, in the order given (put the longest first), ended by `ok COMMAND` or
# `FAIL COMMAND (exit status N)`. Exit status 1 if a command fails or prints a FAIL line.
set -u
cd "$(dirname "$0")/.." || exit 2
PAR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tyl-par-XXXXXX") || exit 2
trap 'rm -rf "$PAR_DIR"' EXIT
. tests/par.sh
PAR_JOBS=3 # (not from the environment: the scripts' own par.sh reads that)
if [ "${1:-}" = -j ]; then PAR_JOBS=$2; shift 2; fi

script() { # COMMAND-LINE: its output, then its verdict from its exit status
    eval "$1"
    local rc=$?
    if [ "$rc" -eq 0 ]; then echo "ok $1"; else echo "FAIL $1 (exit status $rc)"; fi
}

for cmd in "$@"; do par script "$cmd"; done
PASS=0 FAIL=0
par_wait
[ "$FAIL" -eq 0 ]

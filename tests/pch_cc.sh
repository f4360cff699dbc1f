#!/bin/bash
# pch_cc.sh CC ARGS...: CC ARGS, with the run-time header tyles.h read from a precompiled header
# made once for each set of flags, in $TYL_PCH_DIR. Parsing tyles.h and what it includes (MPI,
# OpenMP, libc) is the same for every generated program:
# - make check-warnings (TYLES_CC="bash tests/pch_cc.sh clang", with -fsyntax-only): 0.17 of clang's
#   0.21 CPU-s front end on a program (clang's -include-pch);
# - make check-programs' compiles at -O0 (run_tests.py --fast-cc=tests/mpicc_pch.sh, below):
#   gcc's -include DIR/tyles.h, where DIR holds tyles.h.gch and no tyles.h.
# The warnings are the same: those in the program come from its own text; tyles.h's are seen once,
# where its precompiled header is made (with the same -Wall -Wextra -Werror: a warning there fails
# every program that would have shown it).
# A stale or unusable header fails loudly, never silently compiles without it: clang refuses one
# made with other language options or macros, or from a header changed since; gcc does not look
# at the header's time, so the key below hashes every header beside tyles.h, and gcc is given
# -Winvalid-pch and a DIR/tyles.h that does not exist: a .gch it cannot use (other options or
# macros, another gcc) is reported, then the missing file is a fatal error. The folder is made
# anew by each make check-warnings and check-programs.
# A source whose first #include is not "tyles.h" is compiled as it is.
# Run as tests/mpicc_pch.sh (a link to this file; TYLES_CC=/path/tests/mpicc_pch.sh): CC is mpicc,
# and tylesc, taking a command whose name begins with "mpi" for an MPI wrapper, does not ask
# mpicc for its flags twice a compile (two shells and mpicc runs: a third of what the header saves
# at -O0, 16 programs: 12.3 CPU-s plain, 11.8 through `bash pch_cc.sh mpicc`, 11.3 with no wrapper).
# As mpicc_pch.sh it also links with gold where it is installed (-fuse-ld=gold): GNU ld (bfd) took
# 0.13 CPU-s to link a program against libtyles.a (its -g debug sections), gold 0.05, lld 0.07
# (five links each, load 28). The product's link (bfd) is still what every other compile of make
# check does: the -O3 programs and the samples here, check-dist, check-elastic, check-lib, ...
set -u
fast_ld=
case ${0##*/} in
mpicc_pch*) cc=mpicc; command -v ld.gold >/dev/null && fast_ld=-fuse-ld=gold ;;
*) cc=$1; shift ;;
esac
src= flags=() incs=() prev= link=$fast_ld
for a in "$@"; do
    case $prev in -o) prev=; continue ;; esac
    case $a in
    *.c) src=$a ;;
    -o) prev=-o ;;
    # the link's inputs and options: not the header's
    -c | -fsyntax-only) link= ;;
    *.a | *.o | *.so | -l* | -L* | -Wl,*) ;;
    -I*) incs+=("${a#-I}"); flags+=("$a") ;;
    *) flags+=("$a") ;;
    esac
done
hdr=
for d in "${incs[@]}"; do [ -f "$d/tyles.h" ] && { hdr=$d/tyles.h; break; }; done
if [ -z "${TYL_PCH_DIR:-}" ] || [ -z "$src" ] || [ -z "$hdr" ] ||
    [ "$(grep -m1 '^#include' "$src")" != '#include "tyles.h"' ]; then
    exec $cc $link "$@"
fi
case ${cc##*/} in clang*) clang=1 hc= ;; *) clang= hc=-c ;; esac
# (another compiler's header: both refuse it, gcc loudly under -Winvalid-pch as below)
key=$({ printf '%s\n' "$cc" "$hdr" "${flags[@]}"; cat "${hdr%/*}"/*.h; } | md5sum | cut -c1-16)
if [ -n "$clang" ]; then
    pch=$TYL_PCH_DIR/$key.pch
else
    pch=$TYL_PCH_DIR/$key/tyles.h.gch
fi
if [ ! -f "$pch" ]; then
    mkdir -p "${pch%/*}" || exit 2
    # made under a name of its own, then renamed: tests compiled at the same time make it once each
    # at worst, and never read a half-written one
    # (-c: an MPI wrapper would add its link options, and gcc would link)
    $cc "${flags[@]}" $hc -x c-header "$hdr" -o "$pch.$$" || { rm -f "$pch.$$"; exit 1; }
    mv -f "$pch.$$" "$pch"
fi
if [ -n "$clang" ]; then
    exec $cc -include-pch "$pch" "$@"
fi
exec $cc $link -Winvalid-pch -include "${pch%.gch}" "$@"

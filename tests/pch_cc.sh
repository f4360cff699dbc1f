#!/bin/bash
# pch_cc.sh CC ARGS...: CC ARGS, with the run-time header tyles.h read from a precompiled header
# (clang's -include-pch) made once for each set of flags, in $TYL_PCH_DIR. For make check-warnings
# (TYLES_CC="bash tests/pch_cc.sh clang", with -fsyntax-only): parsing tyles.h and what it
# includes (MPI, OpenMP, libc) was most of clang's front end on a generated program (0.17 of
# 0.21 CPU-s), the same for every program. The warnings are the same: those in the program come
# from its own text; tyles.h's are seen once, where its precompiled header is made (with the same
# -Wall -Wextra -Werror: a warning there fails every program that would have shown it).
# clang refuses a precompiled header made with other language options or macros, or from a header
# changed since (an error, not a silent pass); the folder is made anew by each make check-warnings.
# A source whose first #include is not "tyles.h" is compiled as it is.
set -u
cc=$1
shift
src= flags=() incs=() prev=
for a in "$@"; do
    case $prev in -o) prev=; continue ;; esac
    case $a in
    *.c) src=$a ;;
    -o) prev=-o ;;
    -c | -fsyntax-only) ;;
    -I*) incs+=("${a#-I}"); flags+=("$a") ;;
    *) flags+=("$a") ;;
    esac
done
hdr=
for d in "${incs[@]}"; do [ -f "$d/tyles.h" ] && { hdr=$d/tyles.h; break; }; done
if [ -z "${TYL_PCH_DIR:-}" ] || [ -z "$src" ] || [ -z "$hdr" ] ||
    [ "$(grep -m1 '^#include' "$src")" != '#include "tyles.h"' ]; then
    exec $cc "$@"
fi
key=$(printf '%s\n' "$cc" "$hdr" "${flags[@]}" | md5sum | cut -c1-16)
pch=$TYL_PCH_DIR/$key.pch
if [ ! -f "$pch" ]; then
    mkdir -p "$TYL_PCH_DIR" || exit 2
    # made under a name of its own, then renamed: tests compiled at the same time make it once each
    # at worst, and never read a half-written one
    $cc "${flags[@]}" -x c-header "$hdr" -o "$pch.$$" || { rm -f "$pch.$$"; exit 1; }
    mv -f "$pch.$$" "$pch"
fi
exec $cc -include-pch "$pch" "$@"

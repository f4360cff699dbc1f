#!/bin/bash
# tylesc's command line as build systems use it: what an output's name asks for (.c, .cu, .o, an
# executable, -o - for stdout, unknown suffixes refused), '-' for a program on stdin, -MD/-MF/-MT/-MP
# dependency files, --input declarations of np.load inputs (a build machine without the data),
# CC=gcc / CC=clang with MPI's flags from the wrapper, the environment listed in --help, and
# generated files that are the same bytes from two checkouts at different paths.
# Usage: tests/build/cli.sh [REPO_ROOT]   (needs bin/tylesc and lib/libtyles.a built)
set -u
# the makes here are a project's own, not sub-makes of make check (whose jobserver they
# would be told of and not given)
unset MAKEFLAGS MFLAGS MAKELEVEL
ROOT=$(cd "${1:-.}" && pwd)
TYLESC=${TYLESC:-$ROOT/bin/tylesc} # TYLESC=build/asan/bin/tylesc TYLES_HOME=build/stage: under ASan
T=$(mktemp -d /tmp/tyl-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS build/cli_$1"; }
bad() { fail=$((fail + 1)); echo "FAIL build/cli_$1: $2"; [ $# -gt 2 ] && printf '%s\n' "$3" | sed -n '1,15s/^/    /p'; }
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "differs" "got:  $2${nl}want: $3"; fi; }
nl='
'
cd "$T" || exit 1
cp "$ROOT/samples/heat2d.tyl" heat2d.tyl
cp "$ROOT/tests/programs/load_input.tyl" load.tyl
mkdir -p load.data && cp "$ROOT/tests/programs/load_input.data/input.npy" load.data/

# ---- an input that cannot be read: the system's reason (a folder said "Input/output error")
mkdir -p folder.tyl
out=$("$TYLESC" folder.tyl -o folder.c 2>&1); rc=$?
same input_folder "$rc: $out" "2: tylesc: cannot open 'folder.tyl': Is a directory"

# ---- no output may be the program itself (it was overwritten: the source lost); refused before
# anything is written, by its name, another name or a link (-o, -MF, --keep-c, --lib's header)
cp heat2d.tyl self.c && ln -s self.c self_link
for t in "c|self.c -o self.c|the output 'self.c'" "link|self_link -o ./self.c|the output './self.c'" \
        "mf|self.c -o self -MD -MF self.c|the dependency file 'self.c'" \
        "keep_c|self.c -o self --keep-c|the source kept by --keep-c 'self.c'" \
        "lib_keep_c|self.c --lib -o self.o --keep-c|the source kept by --keep-c 'self.c'"; do
    IFS='|' read -r name args what <<<"$t"
    out=$("$TYLESC" $args 2>&1); rc=$?
    cmp -s self.c heat2d.tyl || out="$out (and self.c was overwritten)"; cp heat2d.tyl self.c
    same "output_is_input_$name" "$rc: $out" "2: tylesc: $what would overwrite the program '${args%% *}' itself: name another file"
done
cp heat2d.tyl self.h
out=$("$TYLESC" self.h --lib -o self.c 2>&1); rc=$?
cmp -s self.h heat2d.tyl || out="$out (and self.h was overwritten)"
same output_is_input_lib_header "$rc: $out" "2: tylesc: the header 'self.h' would overwrite the program 'self.h' itself: name another file"

# ---- -MD of names make cannot read as they were written: a ':' (a static pattern rule: make
# stopped) is escaped; a newline ('missing separator') is refused before anything is written
cp heat2d.tyl 'c:olon.tyl'
"$TYLESC" 'c:olon.tyl' -o colon.c -MD && printf 'all: colon.c\ncolon.c:\n\t@true\n-include colon.d\n' >colon.mk &&
    out=$(make -s -f colon.mk 2>&1) && [ "$(cat colon.d)" = 'colon.c: c\:olon.tyl' ] && ok deps_colon ||
    bad deps_colon "make on colon.d: $out" "$(cat colon.d)"
out=$("$TYLESC" heat2d.tyl -o nl.c -MD -MT "t${nl}	touch PWNED" 2>&1); rc=$?
same deps_newline "$rc: $out$([ -e nl.d ] && echo ' (nl.d written)')" \
    "2: tylesc: -MD cannot write a make rule naming 't\n	touch PWNED': a newline cannot be part of a name in a Makefile"

# ---- an endless input (a device) is refused past 256 MiB, where it was read until memory ran out
out=$("$TYLESC" /dev/zero -o zero.c 2>&1); rc=$?
same input_endless "$rc: $out" "2: tylesc: cannot read '/dev/zero': it is longer than 256 MiB, more than a program can be"

# ---- --dump: after any pass of the driver's table (src/driver/driver_passes.c), or refused
out=$("$TYLESC" heat2d.tyl --dump=bogus 2>&1); rc=$?
same dump_unknown "$rc: $out" \
    "2: tylesc: unknown dump stage 'bogus' (ast, ir, inline, fold, rotate, stages, planes, copysem, elems, dist, fuse, halo, bounds, checks_once, sched_ids, sched_exchange, sched_parts, sched_dirty, sched_graph, sched_steps, sched_ckpt, sched_stages, sched_vec, sched_timetile, sched_xmerge, sched_rows, sched_held, sched_writeback, sched_carry, sched_split, sched)"
out=$("$TYLESC" heat2d.tyl --dump=rotate 2>&1 | head -1); rc=$?
same dump_rotate "$rc: $out" "0: # IR of heat2d.tyl"
# after sched_parts a kernel has its parts but not yet what it leaves dirty (sched_dirty)
out=$("$TYLESC" heat2d.tyl --dump=sched_parts 2>&1 | grep '# sched kernel 5'); rc=$?
same dump_sched_pass "$rc: $out" "0:   # sched kernel 5, exchange begin; interior; exchange end; edges"

# a dump that standard output did not take (a full disk) was lost with exit status 0
if [ -w /dev/full ]; then
    out=$("$TYLESC" heat2d.tyl --dump=ir 2>&1 >/dev/full); rc=$?
    same dump_full "$rc: $out" "2: tylesc: cannot write '<stdout>': No space left on device"
    # --help and --version too (both exited 0 until the twentieth session)
    out=$("$TYLESC" --help 2>&1 >/dev/full); rc=$?
    same help_full "$rc: $out" "2: tylesc: cannot write '<stdout>': No space left on device"
    out=$("$TYLESC" --version 2>&1 >/dev/full); rc=$?
    same version_full "$rc: $out" "2: tylesc: cannot write '<stdout>': No space left on device"
fi

# ---- an output's suffix decides what is written
out=$("$TYLESC" heat2d.tyl -o solver.cpp 2>&1); rc=$?
same suffix_unknown "$rc: $out$( [ -e solver.cpp ] && echo ' (and solver.cpp was written)')" \
    "2: tylesc: cannot tell what to write from the output name 'solver.cpp': its suffix '.cpp' is not .c (C), .cu (CUDA), .o (object file) or none (executable)"
out=$("$TYLESC" heat2d.tyl -o libheat.a 2>&1); rc=$?
same suffix_lib "$rc: $out" \
    "2: tylesc: cannot write a library 'libheat.a' without --lib: tylesc --lib writes a library of the program's functions (docs/LIBRARY.md)"
out=$("$TYLESC" -c heat2d.tyl -o heat2d.c 2>&1); rc=$?
same c_not_o "$rc: $out" "2: tylesc: -c writes an object file, but the output 'heat2d.c' does not end in .o"
out=$("$TYLESC" -c heat2d.tyl -o - 2>&1); rc=$?
same c_stdout "$rc: $out" "2: tylesc: -c writes an object file, which cannot go to standard output (-o -)"

# -c (default name PROGRAM.o) and -o X.o: an object with main(), linked by hand against libtyles
"$TYLESC" heat2d.tyl -o ref >/dev/null && ./ref >ref.out 2>&1
if "$TYLESC" -c heat2d.tyl && [ -f heat2d.o ] && "$TYLESC" heat2d.tyl -o other.o && [ -f other.o ] &&
        nm heat2d.o | grep -q ' T main$' &&
        mpicc -fopenmp heat2d.o "$ROOT/lib/libtyles.a" -lm -o linked && ./linked >linked.out 2>&1 &&
        cmp -s ref.out linked.out; then
    ok object
else
    bad object "tylesc -c: no object, or the linked program differs from tylesc's executable"
fi
[ ! -e heat2d.c ] && [ ! -e other.c ] && ok object_no_c_left || bad object_no_c_left "a .c was left next to the object"

# -o -: the C on stdout, the same as -o heat2d.c but for the command line in the header
"$TYLESC" heat2d.tyl -o heat2d.c && "$TYLESC" heat2d.tyl -o - >stdout.c
if diff <(sed 2d heat2d.c) <(sed 2d stdout.c) >/dev/null && sed -n 2p stdout.c | grep -qF 'tylesc heat2d.tyl -o -'; then
    ok stdout
else bad stdout "-o - differs from -o heat2d.c" "$(diff heat2d.c stdout.c | head)"; fi
"$TYLESC" --target=cuda heat2d.tyl -o - >stdout.cu && grep -q '#include "tyles_cuda.h"' stdout.cu &&
    ok stdout_cuda || bad stdout_cuda "--target=cuda -o - is not CUDA"

# '-': the program on stdin, called <stdin> in messages
"$TYLESC" - -o stdin.c <heat2d.tyl && diff <(sed -e 1,3d -e 's/heat2d\.tyl/<stdin>/g' -e 's/"heat2d\.c"/"stdin.c"/' heat2d.c) \
    <(sed 1,3d stdin.c) >/dev/null && grep -q '^#line [0-9]* "<stdin>"' stdin.c &&
    ok stdin || bad stdin "tylesc - -o stdin.c <heat2d.tyl"
out=$(printf 'import numpy as np\nx = y + 1\n' | "$TYLESC" - -o - 2>&1 >/dev/null); rc=$?
same stdin_diag "$rc: $out" "1: <stdin>:2:5: error: name 'y' is not defined
    x = y + 1
        ^
tylesc: 1 error"
out=$("$TYLESC" - <heat2d.tyl 2>&1); rc=$?
same stdin_no_o "$rc: $out" "2: tylesc: a program read from standard input needs -o FILE (or -o - for the C on standard output)"

# ---- -MD: the program and the .npy files read when compiling
"$TYLESC" -MD load.tyl -o load.o
same deps_default "$(cat load.d 2>&1)" "load.o: load.tyl \\
 ./load.data/input.npy"
mkdir -p deps && "$TYLESC" -MD -MF deps/x.d -MT 'my target' -MP load.tyl -o load.c
same deps_mf_mt_mp "$(cat deps/x.d 2>&1)" "my\\ target: load.tyl \\
 ./load.data/input.npy

./load.data/input.npy:"
out=$("$TYLESC" -MF x.d heat2d.tyl -o x.c 2>&1); rc=$?
same deps_mf_alone "$rc: $out" "2: tylesc: -MF needs -MD"
out=$("$TYLESC" -MD heat2d.tyl -o - 2>&1 >/dev/null); rc=$?
same deps_stdout "$rc: $out" "2: tylesc: -MD with -o - needs -MF FILE and -MT TARGET"
# make uses it: nothing to do, then the .npy touched makes the object out of date
cat >Makefile <<'MK'
load.o: ; $(TYLESC) -MD -MP load.tyl -o load.o
-include load.d
MK
export TYLESC
make -s load.o >/dev/null 2>&1
if make -q load.o && touch load.data/input.npy && ! make -q load.o; then ok deps_make
else bad deps_make "make -q does not follow the .npy named in load.d"; fi

# ---- --input: compiled where the data is not, checked where it is
mkdir -p nodata && cp load.tyl nodata/
out=$(cd nodata && "$TYLESC" load.tyl -o prog 2>&1); rc=$?
[ $rc = 1 ] && ok input_needed || bad input_needed "compiled without the data or a declaration: $rc"
if (cd nodata && "$TYLESC" --input input.npy=float64,2 load.tyl -o prog) && mkdir -p nodata/run &&
        cp load.data/input.npy nodata/run/ && (cd nodata/run && ../prog >/dev/null) &&
        python3 -c "
import numpy as np
a = np.load('load.data/input.npy'); b = np.zeros_like(a)
b[1:-1, 1:-1] = 0.25 * (a[2:, 1:-1] + a[:-2, 1:-1] + a[1:-1, 2:] + a[1:-1, :-2])
assert np.array_equal(np.load('nodata/run/b.npy'), b)"; then
    ok input_option
else bad input_option "tylesc --input input.npy=float64,2 without the file"; fi
(cd nodata && { echo '# tyles: input input.npy float64 2'; cat load.tyl; } >decl.tyl && "$TYLESC" decl.tyl -o decl.c) &&
    ok input_comment || bad input_comment "a '# tyles: input' line without the file"
grep -qF 'tylesc --input input.npy=float64,2 load.tyl -o -' <(cd nodata && "$TYLESC" --input input.npy=float64,2 load.tyl -o - ) &&
    ok input_in_header || bad input_in_header "the header's command line does not give --input"
out=$("$TYLESC" --input input.npy=float16,2 load.tyl -o x.c 2>&1); rc=$?
same input_bad "$rc: $out" "2: tylesc: --input needs NAME=DTYPE,RANK with DTYPE float64, float32, int64, int32 or bool and RANK the number of dimensions (e.g. --input in_field.npy=float64,3), not 'input.npy=float16,2'"
out=$("$TYLESC" --input a.npy=float64,2 --input a.npy=float64,3 load.tyl -o x.c 2>&1); rc=$?
same input_twice "$rc: $out" "2: tylesc: --input 'a.npy=float64,3' contradicts an earlier --input for the same file"

# ---- C compilers that are not MPI wrappers get MPI's flags from mpicc
for cc in gcc clang; do
    if ! command -v $cc >/dev/null 2>&1; then echo "SKIP build/cli_cc_$cc: $cc not found"; continue; fi
    if out=$(CC=$cc "$TYLESC" heat2d.tyl -o "h_$cc" 2>&1) && ./"h_$cc" >"$cc.out" 2>&1 && cmp -s ref.out "$cc.out"; then
        ok "cc_$cc"
    else bad "cc_$cc" "CC=$cc tylesc heat2d.tyl -o h_$cc" "$out"; fi
done

# ---- a compiler variable of blanks is unset (TYLES_CC='  ' ran '-std=c11'); an MPI wrapper that
# does not run is named (the build failed on MPI's symbols, nothing saying why)
out=$(TYLES_CC='  ' "$TYLESC" -c heat2d.tyl -o blank_cc.o 2>&1); rc=$?
same cc_blank "$rc: $out$([ -s blank_cc.o ] || echo ' (no blank_cc.o)')" "0: "
out=$(TYLES_CC=cc MPICC=/nonexistent/mpicc "$TYLESC" -c heat2d.tyl -o bad_mpicc.o 2>&1); rc=$?
same mpicc_missing "$rc: $out" "2: tylesc: cannot get MPI's compile flags from the MPI wrapper '/nonexistent/mpicc' (neither '/nonexistent/mpicc --showme:compile' nor '/nonexistent/mpicc -compile_info' ran): set MPICC to the MPI compiler wrapper, or TYLES_CC to it (e.g. TYLES_CC=mpicc)"

# ---- nvcc's -O (the host code's level): -O3 unless NVCCFLAGS sets one, never both
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/nvcc.args"\n' "$T" >fake_nvcc && chmod +x fake_nvcc
if NVCC=$T/fake_nvcc "$TYLESC" --target=cuda -c heat2d.tyl -o h_cuda.o && opts=$(grep '^-O' nvcc.args) &&
        [ "$opts" = -O3 ] && NVCC=$T/fake_nvcc NVCCFLAGS="-O0 -lineinfo" "$TYLESC" --target=cuda -c heat2d.tyl -o h_cuda.o &&
        opts=$(grep '^-O' nvcc.args | tr '\n' ' ') && [ "$opts" = "-O0 " ]; then
    ok nvcc_opt_level
else bad nvcc_opt_level "nvcc's -O options: '$opts' (want -O3, or NVCCFLAGS's -O0 alone)"; fi

# ---- an empty name after -o, -MF or -MT (it went on to the C compiler: "gcc: fatal error: output
# filename may not be empty")
for o in -o -MF -MT; do
    out=$("$TYLESC" heat2d.tyl -MD $o '' 2>&1); rc=$?
    same "empty_name$o" "$rc: $out" "2: tylesc: $o needs $([ $o = -MT ] && echo 'a target' || echo 'a file name'), not ''"
done

# ---- an option given twice takes its last value, as with cc (documented in --help)
rm -f twice1.c twice2.c
out=$("$TYLESC" heat2d.tyl -o twice1.c --target=cuda -o twice2.c --target=c 2>&1); rc=$?
same option_twice "$rc: $out $([ -e twice1.c ] && echo twice1.c) $(grep -c 'tyles_cuda.h' twice2.c 2>&1)" "0:   0"
"$TYLESC" --help | grep -q '^An option given twice takes its last value, as with cc' && ok option_twice_help ||
    bad option_twice_help "--help does not say what a repeated option does"

# ---- every environment variable the driver reads is in --help
help=$("$TYLESC" --help)
missing=
for v in $(cat "$ROOT"/src/{util,frontend,ir,backend_c,backend_cuda,driver}/*.c | grep -ohE '(getenv|env_or)\("[A-Z_]+"' |
           sed -E 's/.*"(.*)"/\1/' | sort -u); do
    printf '%s\n' "$help" | grep -qE "^  $v( |$)" || missing="$missing $v"
done
[ -z "$missing" ] && ok help_env || bad help_env "not in --help:$missing"

# ---- the same bytes from two checkouts at different paths (absolute paths, as CMake gives them)
mkdir -p a/deep/er b/c
cp heat2d.tyl a/deep/er/ && cp heat2d.tyl b/c/
"$TYLESC" "$T/a/deep/er/heat2d.tyl" -o "$T/a/deep/er/heat2d.c" && (cd b && "$TYLESC" c/heat2d.tyl -o c/heat2d.c) &&
    cmp -s a/deep/er/heat2d.c b/c/heat2d.c && ok reproducible || bad reproducible "the two checkouts differ" \
    "$(diff a/deep/er/heat2d.c b/c/heat2d.c | head)"
mkdir -p a/gen && "$TYLESC" "$T/a/deep/er/heat2d.tyl" -o "$T/a/gen/heat2d.c" &&
    grep -q '^#line [0-9]* "../deep/er/heat2d.tyl"$' a/gen/heat2d.c && ok relative_path ||
    bad relative_path "#line does not name the program relative to the output's folder"
v=$(sed -n 's/^#define TYLES_VERSION "\(.*\)"$/\1/p' "$ROOT/src/runtime_mpi/tyles_version.h")
head -n 1 b/c/heat2d.c | grep -qF "Generated by tylesc $v from heat2d.tyl" && [ "$("$TYLESC" --version)" = "tylesc $v" ] &&
    ok version || bad version "the header or --version does not name TYLES_VERSION $v"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

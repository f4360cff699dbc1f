#!/bin/bash
# tests/lib/run.sh ROOT: tylesc --lib's errors (tests/lib/errors/NAME.tyl against NAME.err, exact
# text and exit status 1), its command-line refusals (C and CUDA), CUDA library mode's outputs
# and header (C, C++, with cuda_runtime.h; built by nvcc where it is installed), a library refusing arguments at run time
# (args.c at 1 and 2 ranks), two arrays taking turns (swap.c at 1 and 3 ranks), and checkpoint/restart in library mode (ckpt.c: 3 -> 2 and 2 -> 1
# ranks, bitwise).
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
T=$(mktemp -d /tmp/tyles_lib.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
pass=0
same() { # name got want
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); printf 'FAIL %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"; fi
}
cd "$ROOT" || exit 1
for tyl in tests/lib/errors/*.tyl; do
    got=$("$TYLESC" --lib "$tyl" -o "$T/out.c" 2>&1; echo "exit status $?")
    same "$tyl" "$got" "$(cat "${tyl%.tyl}.err"; echo "exit status 1")"
done
cp samples/app_c/heat.tyl "$T/heat.tyl"
cd "$T" || exit 1
# CUDA library mode's command-line refusals
same "cuda .c" "$("$TYLESC" --lib --target=cuda heat.tyl -o heat.c 2>&1; echo $?)" \
    "tylesc: --lib --target=cuda writes CUDA C++: name the output 'heat.cu', not 'heat.c'
2"
same "cuda suffix" "$("$TYLESC" --lib --target=cuda heat.tyl -o heat.cpp 2>&1; echo $?)" \
    "tylesc: --lib --target=cuda writes NAME.cu (CUDA C++), NAME.o (an object file) or libNAME.a (an archive), not 'heat.cpp'
2"
same "cuda stdout" "$("$TYLESC" --lib --target=cuda heat.tyl -o - 2>&1; echo $?)" \
    "tylesc: --lib writes a header and a Fortran module next to its output, so it cannot write to standard output (-o -): give -o NAME.cu
2"
same "cuda stdin" "$("$TYLESC" --lib --target=cuda - <heat.tyl 2>&1; echo $?)" \
    "tylesc: --lib with a program read from standard input needs -o NAME.cu, NAME.o or libNAME.a
2"
same stdout "$("$TYLESC" --lib heat.tyl -o - 2>&1; echo $?)" \
    "tylesc: --lib writes a header and a Fortran module next to its output, so it cannot write to standard output (-o -): give -o NAME.c
2"
same suffix "$("$TYLESC" --lib heat.tyl -o heat 2>&1; echo $?)" \
    "tylesc: --lib writes NAME.c (C), NAME.o (an object file) or libNAME.a (an archive), not 'heat'
2"
# the three outputs, each with its header next to it
mkdir -p c o a
"$TYLESC" --lib heat.tyl -o c/heat.c && "$TYLESC" --lib heat.tyl -o o/heat.o && "$TYLESC" --lib heat.tyl -o a/libheat.a
same outputs "$(ls c o a | tr '\n' ' ')" "a: heat.h heat_mod.f90 libheat.a  c: heat.c heat.h heat_mod.f90  o: heat.h heat.o heat_mod.f90 "
same archive "$(ar t a/libheat.a)" "heat.o"
# a def only annotated, its extents named alike: a stencil between its arguments compiles
cp "$ROOT/tests/lib/annotated.tyl" .
"$TYLESC" --lib annotated.tyl -o annotated.c 2>&1
same "annotated extents" "$(grep -c 'ANNOTATED_STEP_UN_HALO 1' annotated.h 2>&1)" "1"
# the same bytes from another folder (paths relative to the output)
mkdir -p r1/src r1/out r2/x/src r2/x/out && cp heat.tyl r1/src && cp heat.tyl r2/x/src
(cd r1 && "$TYLESC" --lib src/heat.tyl -o out/heat.c) && (cd r2/x/out && "$TYLESC" --lib ../src/heat.tyl -o heat.c)
same reproducible "$(for f in heat.c heat.h heat_mod.f90; do cmp r1/out/$f r2/x/out/$f 2>&1; done)" ""
# the header is C++ too (extern "C"), warning-free
printf '#include "heat.h"\nint main() { tyl_ctx *c = nullptr; double h = 0; return heat_hottest(c, nullptr, &h); }\n' >cxx.cpp
same "heat.h in C++" "$(mpicxx -std=c++17 -DOMPI_SKIP_MPICXX -Wall -Wextra -Werror -fsyntax-only \
    -I"$ROOT/src/runtime_mpi" -Ic cxx.cpp 2>&1)" ""
# default name
"$TYLESC" --lib heat.tyl && same default "$(ls heat.c heat.h 2>&1 | tr '\n' ' ')" "heat.c heat.h "

# CUDA library mode (--target=cuda): a .cu by default or for -o NAME.cu; the header plain C and
# C++ without any CUDA header, and with cuda_runtime.h a cudaStream_t passes as the stream
mkdir -p cu cu2
(cd cu && "$TYLESC" --lib --target=cuda ../heat.tyl) && (cd cu2 && "$TYLESC" --lib ../heat.tyl -o heat.cu)
same "cuda outputs" "$(ls cu cu2 | tr '\n' ' ')" "cu: heat.cu heat.h heat_mod.f90  cu2: heat.cu heat.h heat_mod.f90 "
same "cuda same source" "$(cmp cu/heat.cu cu2/heat.cu 2>&1; grep -c '^#define HEAT_CUDA 1$' cu/heat.h)" "1"
printf '#include "heat.h"\nint f(tyl_ctx **c, void *s) { return tyl_ctx_create_cuda(TYL_COMM_SELF, HEAT_GRID_RANK, 0, 0, s, c); }\n' >cu/h.c
same "cuda heat.h in C" "$(mpicc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$ROOT/src/runtime_mpi" -Icu cu/h.c 2>&1)" ""
printf '#include "heat.h"\nint main() { tyl_ctx *c = nullptr; double h = 0; return heat_hottest(c, nullptr, &h); }\n' >cu/h.cpp
same "cuda heat.h in C++" "$(mpicxx -std=c++17 -DOMPI_SKIP_MPICXX -Wall -Wextra -Werror -fsyntax-only \
    -I"$ROOT/src/runtime_mpi" -Icu cu/h.cpp 2>&1)" ""
NVCC=${NVCC:-nvcc}
if command -v "$NVCC" >/dev/null 2>&1; then
    CUDA_INC=$(dirname "$(command -v "$NVCC")")/../include
    printf '#include <cuda_runtime.h>\n#include "heat.h"\nint f(tyl_ctx **c, cudaStream_t s) { return tyl_ctx_create_cuda(TYL_COMM_SELF, HEAT_GRID_RANK, 0, 0, s, c); }\n' >cu/s.c
    same "cuda heat.h with cuda_runtime.h" "$(mpicc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$CUDA_INC" \
        -I"$ROOT/src/runtime_mpi" -Icu cu/s.c 2>&1)" ""
    cp cu/s.c cu/s.cpp
    same "cuda heat.h with cuda_runtime.h in C++" "$(mpicxx -std=c++17 -DOMPI_SKIP_MPICXX -Wall -Wextra -Werror \
        -fsyntax-only -I"$CUDA_INC" -I"$ROOT/src/runtime_mpi" -Icu cu/s.cpp 2>&1)" ""
    # an object and an archive through nvcc (-o heat.o, libheat.a), the .cu under -Wall -Wextra
    mkdir -p cuo cua
    "$TYLESC" --lib --target=cuda heat.tyl -o cuo/heat.o && "$TYLESC" --lib --target=cuda heat.tyl -o cua/libheat.a
    same "cuda object outputs" "$(ls cuo cua | tr '\n' ' '; ar t cua/libheat.a)" "cua: heat.h heat_mod.f90 libheat.a  cuo: heat.h heat.o heat_mod.f90 heat.o"
    same "cuda .cu warnings" "$("$NVCC" -std=c++17 -DOMPI_SKIP_MPICXX -Xcompiler -Wall,-Wextra,-Werror -diag-suppress=550 \
        $(mpicc --showme:compile 2>/dev/null) -I"$ROOT/src/runtime_mpi" -Icu -c cu/heat.cu -o cu/heat.o 2>&1)" ""
    # the test libraries' exports of every kind (array results, tuples, swaps, periodic axes)
    for t in args swap exports; do
        same "cuda $t.o" "$("$TYLESC" --lib --target=cuda "$ROOT/tests/lib/$t.tyl" -o cuo/$t.o 2>&1; echo $?)" "0"
    done
    # two solvers with kernels alike (heat.tyl twice) link into one application
    cp heat.tyl heat2.tyl && "$TYLESC" --lib --target=cuda heat2.tyl -o cuo/heat2.o
    printf '#include "heat.h"\n#include "heat2.h"\nint main(void) { return heat_run(0) + heat2_run(0); }\n' >cuo/two.c
    same "two CUDA solvers in one application" "$(mpicc -std=c11 -I"$ROOT/src/runtime_mpi" -Icuo -c cuo/two.c -o cuo/two.o 2>&1 &&
        "$NVCC" cuo/two.o cuo/heat.o cuo/heat2.o "$ROOT/lib/libtyles_cuda.a" $(cat "$ROOT/lib/libtyles_cuda.ldflags") \
            $(mpicc --showme:link) -lgomp -lm -o cuo/two 2>&1 | grep -c 'multiple definition')" "0"
else
    echo "SKIP the CUDA library's object and archive: $NVCC not found"
fi
# the host library refuses a CUDA context; tyl_array_copy_in/_out on host arrays
if mpicc -std=c11 -Wall -Wextra -Werror -fopenmp -I"$ROOT/src/runtime_mpi" "$ROOT/tests/lib/cuda_on_host.c" \
        "$ROOT/lib/libtyles.a" -lm -o cuda_on_host 2>&1; then
    same "tyl_ctx_create_cuda on libtyles.a" "$(OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 1 \
        ./cuda_on_host 2>&1)" "1 tyl_ctx_create_cuda: error: this libtyles runs on the host: a context on a CUDA device needs libtyles_cuda.a (and a solver generated with tylesc --lib --target=cuda)
0 device -1, block in and out alike"
else
    fail=$((fail + 1)); echo "FAIL cuda_on_host: could not build"
fi

# arguments refused at run time, and the context usable after each
cp "$ROOT/tests/lib/args.tyl" "$ROOT/tests/lib/args.c" .
mkdir -p gen
if "$TYLESC" --lib args.tyl -o gen/args.c &&
    mpicc -O2 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
        -I"$ROOT/src/runtime_mpi" -Igen args.c gen/args.c "$ROOT/lib/libtyles.a" -lm -o args 2>&1; then
    for np in 1 2; do
        out=$(OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./args 2>&1)
        same "args at $np rank(s)" "$(echo "$out" | grep -c '^ok ')/$(echo "$out" | grep -c FAIL)" "12/0" ||
            echo "$out"
    done
else
    fail=$((fail + 1)); echo "FAIL args: could not build"
fi
# two arrays taking turns, periodic reads: bitwise against the program; shapes refused
mkdir -p sw/gen
cp "$ROOT/tests/lib/swap.tyl" sw/
if (cd sw && "$TYLESC" --lib swap.tyl -o gen/swap.c && "$TYLESC" swap.tyl -o prog &&
    mpicc -O2 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
        -I"$ROOT/src/runtime_mpi" -Igen -I"$ROOT/tests/lib" "$ROOT/tests/lib/swap.c" gen/swap.c \
        "$ROOT/lib/libtyles.a" -lm -o swap 2>&1); then
    for np in 1 3; do
        out=$(cd sw && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./prog >/dev/null 2>&1 &&
              OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./swap 2>&1)
        same "swap at $np rank(s)" "$(echo "$out" | grep -c '^ok ')/$(echo "$out" | grep -c FAIL)" "2/0" ||
            echo "$out"
    done
else
    fail=$((fail + 1)); echo "FAIL swap: could not build"
fi

# the module body as PROGRAM_run(ctx) prints and saves what the program does (its prints, .npy
# files, exit status), at 1 and 3 ranks
for prog in gray_scott_roll_f32 functions_tuples laplace_while_tol random_allen_cahn_noise; do
    P=$(echo $prog | tr a-z A-Z)
    mkdir -p body/$prog && cd body/$prog || exit 1
    if "$TYLESC" --lib "$ROOT/tests/programs/$prog.tyl" -o $prog.c && "$TYLESC" "$ROOT/tests/programs/$prog.tyl" -o prog &&
        mpicc -O1 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
            -I"$ROOT/src/runtime_mpi" -I. "-DHDR=\"$prog.h\"" -DRUN=${prog}_run -DGRID=${P}_GRID_RANK \
            "$ROOT/tests/lib/run_body.c" $prog.c "$ROOT/lib/libtyles.a" -lm -o body 2>&1; then
        for np in 1 3; do
            rm -rf a b && mkdir a b
            (cd a && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ../prog >out 2>err; echo $? >>out)
            (cd b && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ../body >out 2>err; echo $? >>out)
            same "${prog}_run at $np rank(s)" "$(diff -r a b 2>&1)" ""
        done
    else
        fail=$((fail + 1)); echo "FAIL ${prog}_run: could not build"
    fi
    cd "$T" || exit 1
done

# exports of several kinds, one export's array result passed to another
mkdir -p ex/gen
cp "$ROOT/tests/lib/exports.tyl" ex/
if (cd ex && "$TYLESC" --lib exports.tyl -o gen/exports.c && "$TYLESC" exports.tyl -o prog &&
    mpicc -O1 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
        -I"$ROOT/src/runtime_mpi" -Igen -I"$ROOT/tests/lib" "$ROOT/tests/lib/exports.c" gen/exports.c \
        "$ROOT/lib/libtyles.a" -lm -o exports 2>&1); then
    for np in 1 3; do
        out=$(cd ex && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./prog 2>&1 &&
              OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./exports 2>&1)
        same "exports at $np rank(s)" "$out" "3.44 2.0 12
3.4399999999999999 2 12
ok laplacian: 0 elements differ from lap.npy"
    done
else
    fail=$((fail + 1)); echo "FAIL exports: could not build"
fi

# the module's parameters through heat_run_params, as --N=30 --steps=5 gives them to the program
mkdir -p par/gen par/a par/b
if (cd par && "$TYLESC" --lib "$ROOT/samples/app_c/heat.tyl" -o gen/heat.c && "$TYLESC" "$ROOT/samples/app_c/heat.tyl" -o prog &&
    mpicc -O1 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
        -I"$ROOT/src/runtime_mpi" -Igen "$ROOT/tests/lib/params.c" gen/heat.c "$ROOT/lib/libtyles.a" -lm -o params 2>&1); then
    (cd par/a && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 3 ../prog --N=30 --steps=5 >out 2>&1)
    (cd par/b && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np 3 ../params >out 2>&1)
    same "heat_run_params" "$(diff -r par/a par/b 2>&1; ls par/b)" "heat.npy
out"
else
    fail=$((fail + 1)); echo "FAIL params: could not build"
fi

# checkpoint, destroy, restart on one rank fewer with another halo, continue: bitwise
mkdir -p ck/gen
if (cd ck && "$TYLESC" --lib "$ROOT/samples/app_c/heat.tyl" -o gen/heat.c &&
    mpicc -O2 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
        -I"$ROOT/src/runtime_mpi" -Igen "$ROOT/tests/lib/ckpt.c" gen/heat.c "$ROOT/lib/libtyles.a" -lm -o ckpt 2>&1); then
    for np in 3 2; do
        out=$(cd ck && rm -rf mid ref again && OMP_NUM_THREADS=1 mpirun --allow-run-as-root --oversubscribe -np $np ./ckpt 2>&1)
        same "checkpoint/restart from $np rank(s)" "$(echo "$out" | grep -c '^ok: ')/$(echo "$out" | grep -c FAIL)" "1/0" ||
            echo "$out"
    done
else
    fail=$((fail + 1)); echo "FAIL ckpt: could not build"
fi
# the generated C under clang's warnings too (gcc's: every build above uses -Werror)
if command -v clang >/dev/null 2>&1; then
    for c in c/heat.c gen/args.c sw/gen/swap.c ex/gen/exports.c; do
        same "clang -Wall -Wextra on $c" "$(clang -std=c11 -fopenmp -Wall -Wextra -Werror -fsyntax-only \
            $(mpicc --showme:compile 2>/dev/null) -I"$ROOT/src/runtime_mpi" -I"$(dirname $c)" $c 2>&1)" ""
    done
else
    echo "SKIP clang -Wall -Wextra on the generated C: clang not found"
fi
echo "tests/lib: $pass passed, $fail failed"
[ $fail -eq 0 ]

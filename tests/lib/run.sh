#!/bin/bash
# tests/lib/run.sh ROOT: tylesc --lib's errors (tests/lib/errors/NAME.tyl against NAME.err, exact
# text and exit status 1) and warnings (tests/lib/warnings, exit status 0), its command-line
# refusals (C and CUDA), CUDA library mode's outputs and header (C, C++, with cuda_runtime.h;
# built by nvcc where it is installed), tyles_lib.f90's CUDA calls on libtyles.a, a library
# refusing arguments at run time (args.c at 1 and 2 ranks), two arrays taking turns (swap.c at 1
# and 3 ranks), module state, several grids, time-tiled calls, exports of several kinds, the
# module body and its parameters against the program, and checkpoint/restart in library mode
# (ckpt.c: 3 -> 2 and 2 -> 1 ranks, bitwise).
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
TYLESC=${TYLESC:-$ROOT/bin/tylesc}
T=$(mktemp -d /tmp/tyles_lib.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
pass=0
same() { # name got want
    if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); printf 'FAIL %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"; return 1; fi
}
cd "$ROOT" || exit 1
for tyl in tests/lib/errors/*.tyl; do
    got=$("$TYLESC" --lib "$tyl" -o "$T/out.c" 2>&1; echo "exit status $?")
    same "$tyl" "$got" "$(cat "${tyl%.tyl}.err"; echo "exit status 1")"
done
# defs the module calls that a C caller cannot call: left out with a warning (tests/lib/warnings,
# exact text), the library built without them
for tyl in tests/lib/warnings/*.tyl; do
    name=$(basename "$tyl" .tyl)
    left=$(sed -n "s/.*warning: '\([A-Za-z0-9_]*\)' is not exported.*/\1/p" "${tyl%.tyl}.err" | head -1)
    got=$("$TYLESC" --lib "$tyl" -o "$T/$name.c" 2>&1; echo "exit status $?"; grep -c "^int ${name}_run(" "$T/$name.h"
        grep -c "^int ${name}_${left}(" "$T/$name.h")
    same "$tyl" "$got" "$(cat "${tyl%.tyl}.err"; echo "exit status 0"; echo 1; echo 0)"
done
# a default reading a module array: the array is module state, the def exported
same "default reading module state" "$("$TYLESC" --lib tests/lib/default_state.tyl -o "$T/default_state.c" 2>&1
    echo "exit status $?"; grep -c '^int default_state_diffuse(tyl_ctx \*ctx, tyl_array \*a, tyl_array \*ref, double nu, ' "$T/default_state.h")" \
    "exit status 0
1"
# module names like tylesc's own hidden ones (_tyl_np, _tyl_state_probe): the def exported
same "hidden names" "$("$TYLESC" --lib tests/lib/hidden_names.tyl -o "$T/hidden_names.c" 2>&1
    echo "exit status $?"; grep -c '^int hidden_names_shift(tyl_ctx \*ctx, tyl_array \*u, ' "$T/hidden_names.h")" \
    "exit status 0
1"
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
    same "cuda .cu warnings" "$("$NVCC" -std=c++17 -DOMPI_SKIP_MPICXX -Xcompiler -Wall,-Wextra,-Werror \
        $(mpicc --showme:compile 2>/dev/null) -I"$ROOT/src/runtime_mpi" -Icu -c cu/heat.cu -o cu/heat.o 2>&1)" ""
    # the test libraries' exports of every kind (array results, tuples, swaps, periodic axes)
    for t in args swap exports state_mixed mixed_result; do
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
# the same from Fortran (tyles_lib.f90's CUDA calls), at 1 and 2 ranks
if command -v mpif90 >/dev/null 2>&1; then
    mkdir -p fh
    if (cd fh && mpif90 -O1 -Wall -Wextra -Werror -std=f2008 -c "$ROOT/src/runtime_mpi/tyles_lib.f90" &&
        mpif90 -O1 -Wall -Wextra -Werror -std=f2008 "$ROOT/tests/lib/cuda_host_f.f90" tyles_lib.o "$ROOT/lib/libtyles.a" \
            -fopenmp -lm -o cuda_host_f 2>&1); then
        for np in 1 2; do
            same "tyles_ctx_create_cuda on libtyles.a (Fortran) at $np rank(s)" "$(cd fh && OMP_NUM_THREADS=1 \
                timeout 120 mpirun --allow-run-as-root --oversubscribe -np $np ./cuda_host_f 2>&1)" \
                "1 tyl_ctx_create_cuda: error: this libtyles runs on the host: a context on a CUDA device needs libtyles_cuda.a (and a solver generated with tylesc --lib --target=cuda)
0 block in and out alike"
        done
    else
        fail=$((fail + 1)); echo "FAIL cuda_host_f.f90: could not build"
    fi
else
    echo "SKIP tyles_lib.f90's CUDA calls: mpif90 not found"
fi
# lib_app DIR TYL APP.c [prog]: in DIR, gen/NAME.c and its header from a copy of TYL (tylesc --lib), the
# application DIR/app from APP.c (-O2, warnings as errors), and with `prog` the program DIR/prog
# from TYL; $TFLAGS are further tylesc options for both. Status 1, counted as a failure, when a
# step fails.
lib_app() {
    local dir=$1 tyl=$2 app=$3 name
    name=$(basename "$tyl" .tyl)
    mkdir -p "$dir/gen" && cp "$tyl" "$dir/"
    if (cd "$dir" && "$TYLESC" --lib ${TFLAGS:-} $name.tyl -o gen/$name.c &&
        { [ -z "${4:-}" ] || "$TYLESC" ${TFLAGS:-} $name.tyl -o prog; } &&
        mpicc -O2 -Wall -Wextra -Werror -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv \
            -I"$ROOT/src/runtime_mpi" -Igen -I"$ROOT/tests/lib" "$app" gen/$name.c "$ROOT/lib/libtyles.a" -lm \
            -o app 2>&1); then
        return 0
    fi
    fail=$((fail + 1))
    echo "FAIL $dir ($(basename "$app")): could not build"
    return 1
}
mpirun_np() { OMP_NUM_THREADS=1 timeout 120 mpirun --allow-run-as-root --oversubscribe -np "$@"; }
# app_oks NAME DIR NP WANT: DIR/prog (when built) then DIR/app at NP ranks, in DIR; WANT is the
# count of lines starting "ok " (or "ok: ") and of lines with FAIL, "OKS/FAILS"
app_oks() {
    local out
    out=$(cd "$2" && { [ ! -x prog ] || mpirun_np "$3" ./prog >prog.out 2>&1; } && mpirun_np "$3" ./app 2>&1)
    same "$1 at $3 rank(s)" "$(echo "$out" | grep -c '^ok:\? ')/$(echo "$out" | grep -c FAIL)" "$4" || echo "$out"
}

# arguments refused at run time, and the context usable after each
if lib_app args "$ROOT/tests/lib/args.tyl" "$ROOT/tests/lib/args.c"; then
    for np in 1 2; do app_oks args args $np 16/0; done
fi
# two arrays taking turns, periodic reads: bitwise against the program; shapes refused
if lib_app sw "$ROOT/tests/lib/swap.tyl" "$ROOT/tests/lib/swap.c" prog; then
    for np in 1 3; do app_oks swap sw $np 2/0; done
fi

# defs reading arrays and scalars the module body computes (its state), changing one of them
if lib_app state "$ROOT/tests/lib/state.tyl" "$ROOT/tests/lib/state.c" prog; then
    for np in 1 3; do app_oks state state $np 18/0; done
fi

# a module-level field read as a stencil by one def and whole by two others, changed by each: kept
# distributed, gathered for the whole readers, bitwise against the program (4 ranks: a 2x2 grid)
if lib_app sm "$ROOT/tests/lib/state_mixed.tyl" "$ROOT/tests/lib/state_mixed.c" prog; then
    for np in 1 3 4; do app_oks "state read as a stencil and whole" sm $np 3/0; done
fi

# a 1-D and a 2-D solver in one library: a process grid each
if lib_app grids "$ROOT/tests/lib/grids.tyl" "$ROOT/tests/lib/grids.c" prog; then
    for np in 1 3; do app_oks grids grids $np 14/0; done
fi

# a time loop in one call, time-tiled as in the program: bitwise, and on several ranks one
# exchange per group of 4 steps (5 groups and 3 single steps: 8), 23 with TYLES_TIME_TILE=off;
# arrays with the one-step halo accepted, stepped one step at a time
if TFLAGS=--time-tile=4 lib_app tt "$ROOT/tests/lib/timetile.tyl" "$ROOT/tests/lib/timetile.c" prog; then
    for np in 1 2 3; do
        x=23 deep="exchanges 8, 5 groups of steps on deep halos"
        [ $np = 1 ] && x=0 deep="exchanges 0, 0 groups of steps on deep halos"
        same "time-tiled call at $np rank(s)" "$(cd tt && mpirun_np $np ./prog >/dev/null 2>&1 && mpirun_np $np ./app 2>&1;
            TYLES_TIME_TILE=off mpirun_np $np ./app 2>&1 | sed -n 2p)" "ok u, un with halo 4: 0 elements differ from the program's
$deep
ok u, un with halo 1: 0 elements differ from the program's
exchanges $x, 0 groups of steps on deep halos
exchanges $x, 0 groups of steps on deep halos"
    done
fi

# the module body as PROGRAM_run(ctx) prints and saves what the program does (its prints, .npy
# files, exit status), at 1 and 3 ranks; names_c_collisions has parameters named like C keywords
# and macros (NAN: a field NAN_ of its params struct)
for prog in gray_scott_roll_f32 functions_tuples laplace_while_tol random_allen_cahn_noise names_c_collisions \
    default_args_at_def_time hdiff_limiter_stages; do
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
# a library computes temporaries per tile as the program does (the passes are one table,
# src/driver/driver_passes.c): hdiff's Laplacian in a scratch tile, not a whole array (its two
# limited fluxes inlined, and carried from the row before in buffers of their own: chains of
# stages only with --stage-chains)
same "hdiff_limiter_stages_run: stages per tile" "$(grep 'tyl_tile_alloc(' body/hdiff_limiter_stages/hdiff_limiter_stages.c | grep -vc 'carried along')" 1
same "hdiff_limiter_stages --lib --stage-chains: stages per tile (lap, flx, fly)" \
    "$("$TYLESC" --lib --stage-chains "$ROOT/tests/programs/hdiff_limiter_stages.tyl" -o chains.c && grep 'tyl_tile_alloc(' chains.c | grep -vc 'carried along')" 3

# exports of several kinds, one export's array result passed to another
if lib_app ex "$ROOT/tests/lib/exports.tyl" "$ROOT/tests/lib/exports.c" prog; then
    for np in 1 3; do
        same "exports at $np rank(s)" "$(cd ex && mpirun_np $np ./prog 2>&1 && mpirun_np $np ./app 2>&1)" "3.44 2.0 12
3.4399999999999999 2 12
ok laplacian: 0 elements differ from lap.npy"
    done
fi

# defs called only from main() (advdiff_module_main.tyl: `if __name__ == "__main__": main()`), with
# module constants as defaults: exported (before, "never called"), bitwise against the program;
# the two that take the wind as a tuple left out with a warning
if lib_app mh "$ROOT/tests/programs/advdiff_module_main.tyl" "$ROOT/tests/lib/main_helpers.c" prog; then
    same "defs called from main(): warnings" "$(cd mh && "$TYLESC" --lib advdiff_module_main.tyl -o gen/a.c 2>&1 |
        grep warning: | sed 's/:.*warning: /: /; s/ (tylesc.*//')" "advdiff_module_main.tyl: 'stable_dt' is not exported
advdiff_module_main.tyl: 'rhs' is not exported"
    for np in 1 3; do app_oks "defs called from main()" mh $np 1/0; done
fi

# a scalar result that is an int or a float by the path taken (a convergence loop's change):
# a double, the program's (and NumPy's) value; before, an error about np.full's dtype
if lib_app mr "$ROOT/tests/lib/mixed_result.tyl" "$ROOT/tests/lib/mixed_result.c" prog; then
    for np in 1 3; do
        same "a result int or float by the path at $np rank(s)" "$(cd mr && mpirun_np $np ./prog 2>&1 &&
            mpirun_np $np ./app 2>&1)" "366 0.00099645530642067381
366 0.00099645530642067381
ok u: 0 elements differ from u.npy"
    done
fi

# the module's parameters through heat_run_params, as --N=30 --steps=5 gives them to the program
if lib_app par "$ROOT/samples/app_c/heat.tyl" "$ROOT/tests/lib/params.c" prog; then
    mkdir -p par/a par/b
    (cd par/a && mpirun_np 3 ../prog --N=30 --steps=5 >out 2>&1)
    (cd par/b && mpirun_np 3 ../app >out 2>&1)
    same "heat_run_params" "$(diff -r par/a par/b 2>&1; ls par/b)" "heat.npy
out"
fi

# checkpoint, destroy, restart on one rank fewer with another halo, continue: bitwise
if lib_app ck "$ROOT/samples/app_c/heat.tyl" "$ROOT/tests/lib/ckpt.c"; then
    for np in 3 2; do
        rm -rf ck/mid ck/ref ck/again
        app_oks "checkpoint/restart from" ck $np 1/0
    done
fi
# the generated C under clang's warnings too (gcc's: every build above uses -Werror)
if command -v clang >/dev/null 2>&1; then
    for c in c/heat.c args/gen/args.c sw/gen/swap.c ex/gen/exports.c state/gen/state.c grids/gen/grids.c tt/gen/timetile.c \
        sm/gen/state_mixed.c mr/gen/mixed_result.c mh/gen/advdiff_module_main.c; do
        same "clang -Wall -Wextra on $c" "$(clang -std=c11 -fopenmp -Wall -Wextra -Werror -fsyntax-only \
            $(mpicc --showme:compile 2>/dev/null) -I"$ROOT/src/runtime_mpi" -I"$(dirname $c)" $c 2>&1)" ""
    done
else
    echo "SKIP clang -Wall -Wextra on the generated C: clang not found"
fi
# the Fortran modules with state getters and several grids compile (gfortran)
if command -v gfortran >/dev/null 2>&1; then
    for f in state/gen/state_mod.f90 grids/gen/grids_mod.f90; do
        same "gfortran on $f" "$(cd "$(dirname $f)" && gfortran -std=f2008 -fsyntax-only "$(basename $f)" 2>&1)" ""
    done
else
    echo "SKIP gfortran on the generated modules: gfortran not found"
fi
echo "tests/lib: $pass passed, $fail failed"
[ $fail -eq 0 ]

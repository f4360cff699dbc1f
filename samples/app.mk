# samples/app.mk: what the Makefiles of the sample applications share (each includes it after
# setting TOP, OUT and TYL): the in-tree compiler and its flags, the solver built as a program,
# and the check. The check runs, at each rank count of NPS, the program (it writes heat.npy) and
# then the application, which compares what it computes with heat.npy bit for bit and exits
# non-zero on any difference.
TYLESC ?= $(TOP)/bin/tylesc
MPICC  ?= mpicc
MPIRUN ?= mpirun --allow-run-as-root --oversubscribe
CFLAGS ?= -O2 -Wall -Wextra -Werror
# what every generated file and the run-time library are compiled with
TYL_CFLAGS = -std=c11 -fopenmp -ffp-contract=off -fno-math-errno -fwrapv -I$(TOP)/src/runtime_mpi
NPS    ?= 1 3

# the same .tyl as a program, for the comparison (app_cmake has CMake build it)
ifneq ($(TYL),)
$(OUT)/heat_prog: $(TYL) $(TYLESC) $(TOP)/lib/libtyles.a
	@mkdir -p $(OUT)
	CFLAGS='$(CFLAGS)' $(TYLESC) $(TYL) -o $@
endif

# $(call app_check,FOLDER,FILES): the check in FOLDER, FILES (the application's own outputs)
# removed before each run
app_check = set -e; cd $(1); for np in $(NPS); do \
	    rm -rf heat.npy $(2); \
	    OMP_NUM_THREADS=1 $(MPIRUN) -np $$np ./heat_prog > prog.out; \
	    OMP_NUM_THREADS=1 $(MPIRUN) -np $$np ./app; \
	done

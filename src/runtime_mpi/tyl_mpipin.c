/* tyl_mpipin.c: keeps Open MPI's components mapped until the process ends.
 *
 * Open MPI 4.1's singleton MPI_Finalize (a program run as ./prog, as run_tests.py runs one
 * rank) closes its frameworks, dlclose'ing their components, and only then joins its progress
 * thread, which may still be running an event callback of one of them (mca_pmix_ext3x.so).
 * The thread then executes or returns into unmapped memory: a SIGSEGV "Address not mapped" at
 * the program counter, after every output was written, whose backtrace() in Open MPI's handler
 * faults again in libgcc_s's unwinder (tests/stress/README.md: 4 in 3,069 singleton runs at
 * load 20-35, each thread's stack from the cores). One more reference to each component loaded
 * when MPI_Init returns (dlopen RTLD_NOLOAD: nothing new is loaded), never released, keeps its
 * code and static data mapped through MPI_Finalize until the process exits. Components are
 * files named mca_*.so (Open MPI's, and the PMIx components it loads, pmix_mca_*.so). */
#define _GNU_SOURCE
#include "tyl_internal.h"

#if defined(__linux__) && !defined(TYL_NO_MPI)
#include <dlfcn.h>
#include <link.h>
#include <string.h>

enum { MAX_PINNED = 512 };

typedef struct {
    const char *name[MAX_PINNED];
    int n;
} pin_list;

/* The loader's own name strings stay valid while the object is loaded (all of them here). */
static int note_component(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    pin_list *p = data;
    const char *slash = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    const char *base = slash ? slash + 1 : info->dlpi_name;
    if (base && (strncmp(base, "mca_", 4) == 0 || strncmp(base, "pmix_mca_", 9) == 0) && p->n < MAX_PINNED)
        p->name[p->n++] = info->dlpi_name;
    return 0;
}

int tyl_mpi_pin_components_(void)
{
    pin_list p = {.n = 0};
    dl_iterate_phdr(note_component, &p); /* dlopen outside the loader's iteration */
    int pinned = 0;
    for (int i = 0; i < p.n; i++)
        pinned += dlopen(p.name[i], RTLD_LAZY | RTLD_NOLOAD) != NULL;
    return pinned;
}
#else
int tyl_mpi_pin_components_(void) { return 0; }
#endif

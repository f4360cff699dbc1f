/* Open MPI's components stay mapped after MPI_Finalize (tyl_mpipin.c): run as a singleton, where
 * Open MPI 4.1 dlcloses its pmix component before joining the progress thread that may still run
 * its code. Prints "ok ..." or "FAIL ..." for run.sh; the component count is printed so that a
 * machine whose MPI has no such components (MPICH: none) shows it. */
#define _GNU_SOURCE
#include "tyles.h"

#include <link.h>
#include <stdio.h>
#include <string.h>

static int count_pmix(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    const char *slash = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    if (slash && strncmp(slash + 1, "mca_pmix_", 9) == 0)
        ++*(int *)data;
    return 0;
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "mpi_pin.tyl", NULL, 0);
    int before = 0, after = 0;
    dl_iterate_phdr(count_pmix, &before);
    int st = tyl_rt_finalize();
    dl_iterate_phdr(count_pmix, &after);
    if (before == 0)
        printf("ok mpi_pin_components (no mca_pmix_* component loaded: nothing to keep)\n");
    else if (after == before)
        printf("ok mpi_pin_components (%d mca_pmix_* component(s) still mapped after MPI_Finalize)\n", after);
    else
        printf("FAIL mpi_pin_components: %d mca_pmix_* component(s) mapped before MPI_Finalize, %d after\n", before,
               after);
    return st;
}

/* tyl_pfstate.c: the software-prefetch decision for the sweep in progress, which the memory
 * layer's prefetch answers read (tyl_mem_host.c) and the run's timed choice sets
 * (tyl_pfchoice.c, above it).
 *
 * Kept apart so that neither calls the other for it (tests/unit/layers.sh: no circle of calls),
 * and so that the CUDA library, whose memory layer is tyl_mem_cuda.cu, links the same choice.
 * Data only: this file calls nothing. */
#include <stdatomic.h>

int tyl_pf_off_;        /* the sweep in progress prefetches nothing */
atomic_int tyl_pf_asked_; /* one of its prefetch answers would have prefetched */

/* Unit test of tyl_prefetch_row (tyles.h, inlined into the kernels): it asks for exactly the
 * lines at p + 0, 64, 128, .. below `bytes`, each once, in order, whatever the length and the
 * alignment of p (its loop takes four lines an iteration, then the rest one at a time).
 * __builtin_prefetch is a macro here that records its address instead of prefetching.
 * Prints "ok NAME" / "FAIL NAME ..." lines (tests/unit/run.sh counts them). */
#include <stdint.h>
#include <stdio.h>
#if defined(__SSE2__)
#include <emmintrin.h> /* tyles.h's, whose inline functions must keep the real builtin */
#endif

static const char *seen[64];
static int nseen;
#define __builtin_prefetch(a, rw, loc) (nseen < 64 ? (void)(seen[nseen++] = (const char *)(a)) : (void)nseen++)

#include "tyles.h"
#include "unit_check.h"

int main(void)
{
    static char buf[4096];
    int bad = 0;
    for (int off = 0; off < 64; off += 7)
        for (int64_t bytes = 0; bytes <= 1300; bytes++) {
            nseen = 0;
            tyl_prefetch_row(buf + off, bytes);
            int want = (int)((bytes + 63) / 64);
            if (nseen != want)
                bad++;
            for (int i = 0; i < nseen && i < want && i < 64; i++)
                if (seen[i] != buf + off + 64 * i)
                    bad++;
        }
    CHECK("prefetch_row_lines", bad == 0);
    nseen = 0;
    tyl_prefetch_row(buf, -5);
    CHECK("prefetch_row_empty", nseen == 0);
    return failed != 0;
}

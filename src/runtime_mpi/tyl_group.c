/* tyl_group.c: scratch tiles of sweeps that compute temporaries per tile (pass_fuse_stages).
 *
 * A tiled kernel's threads each take one tile buffer per stage for the whole call: a few
 * hundred KiB at most (the compiler sizes tiles to that), cache-line aligned so the tile's rows
 * vectorise as well as the arrays' do. Kept apart from the arrays' pool: a tile never outlives
 * the kernel call.
 */
#include <stdlib.h>

#include "tyles.h"

void *tyl_tile_alloc(size_t bytes, const char *where)
{
    size_t n = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, n ? n : 64);
    if (!p)
        tyl_rt_error(where, "MemoryError: cannot allocate %zu bytes for a scratch tile", bytes);
    return p;
}

void tyl_tile_free(void *p) { free(p); }

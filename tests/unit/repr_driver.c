/* Reads lines "f BITS" (a float32's bits in hex) or "d BITS" (a float64's) and writes the
 * scalar's text as libtyles prints it (tyl_repr_float32, tyl_repr_double), one line each.
 * For repr_check.py, which compares with NumPy's str() of np.float32 / np.float64. */
#include "tyles.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char line[128], buf[64];
    while (fgets(line, sizeof line, stdin)) {
        uint64_t bits = strtoull(line + 2, NULL, 16);
        if (line[0] == 'f') {
            uint32_t b32 = (uint32_t)bits;
            float v;
            memcpy(&v, &b32, sizeof v);
            tyl_repr_float32(buf, v);
        } else {
            double v;
            memcpy(&v, &bits, sizeof v);
            tyl_repr_double(buf, v);
        }
        printf("%s\n", buf);
    }
    return 0;
}

/* CRC32C of checkpoint files (runtime/elastic/tyl_crc32c.c): the standard check value, the
 * RFC 3720 test vectors, and that a checksum built in pieces equals the one-shot checksum
 * (checkpoint records are read in chunks). */
#include <stdio.h>
#include <string.h>

#include "runtime/elastic/tyl_elastic.h"

static int failed;
static void check(const char *name, uint32_t got, uint32_t want)
{
    if (got == want)
        printf("ok crc32c %s\n", name);
    else {
        printf("FAIL crc32c %s: got %08x, want %08x\n", name, got, want);
        failed = 1;
    }
}

int main(void)
{
    check("123456789", tyl_crc32c(0, "123456789", 9), 0xE3069283u);
    unsigned char z[32] = {0}, ff[32], inc[32];
    memset(ff, 0xff, sizeof ff);
    for (int i = 0; i < 32; i++)
        inc[i] = (unsigned char)i;
    check("32 zeros", tyl_crc32c(0, z, 32), 0x8A9136AAu);
    check("32 x 0xff", tyl_crc32c(0, ff, 32), 0x62A8AB43u);
    check("0..31", tyl_crc32c(0, inc, 32), 0x46DD794Eu);
    check("empty", tyl_crc32c(0, "", 0), 0);
    static unsigned char big[100003];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 2654435761u >> 13);
    uint32_t whole = tyl_crc32c(0, big, sizeof big), parts = 0;
    for (size_t at = 0; at < sizeof big; at += 4097)
        parts = tyl_crc32c(parts, big + at, sizeof big - at < 4097 ? sizeof big - at : 4097);
    check("in pieces", parts, whole);
    return failed;
}

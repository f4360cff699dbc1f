/* The unit tests' check: prints "ok NAME" or "FAIL NAME (line, condition)" and counts failures
 * in `failed`, which main returns as its status. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

static int failed;
#define CHECK(name, cond)                                                                         \
    do {                                                                                          \
        if (cond)                                                                                 \
            printf("ok %s\n", name);                                                              \
        else {                                                                                    \
            printf("FAIL %s (line %d: %s)\n", name, __LINE__, #cond);                             \
            failed++;                                                                             \
        }                                                                                         \
    } while (0)

#endif

/* Reads lines "KIND SPEC VALUE" (KIND i, f or b; SPEC between two tabs; a float VALUE in C's %a
 * notation) and writes format(VALUE, SPEC) as tyl_format.c computes it, one line each:
 * "ERR" for a spec Python rejects, "OVERFLOW" for 'c' out of range. For format_check.py. */
#include "tyl_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2)
            return 2;
        *t1 = *t2 = '\0';
        const char *spec = t1 + 1, *val = t2 + 1;
        tyl_sbuf b = {0};
        int rc;
        if (line[0] == 'f')
            rc = tyl_format_double(&b, spec, strtod(val, NULL));
        else if (line[0] == 'b')
            rc = tyl_format_bool(&b, spec, atoi(val));
        else
            rc = tyl_format_int(&b, spec, strtoll(val, NULL, 10));
        if (b.oom)
            return 3;
        if (rc == 0 && b.len)
            fwrite(b.s, 1, b.len, stdout);
        printf("%s\n", rc == -1 ? "ERR" : rc == -2 ? "OVERFLOW" : "");
        tyl_sbuf_free(&b);
    }
    return 0;
}

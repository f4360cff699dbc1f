/* tyl_event.c: the event log. When $TYLES_EVENT_LOG names a file, rank 0 appends one line per
 * event, "UNIXTIME EVENT key=value ...", with microseconds: tylesrun writes its own events to
 * the same file, so a reconfiguration reads as one time line (detection, relaunch, init,
 * checkpoint read, first step), and bench-elastic measures its phases from it. Lines are
 * written with one write() on an O_APPEND descriptor, so writers do not interleave. */
#define _POSIX_C_SOURCE 200809L
#include "tyl_elastic.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double tyl_wall_(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void tyl_event(int any_rank, const char *event, const char *fmt, ...)
{
    const char *path = getenv("TYLES_EVENT_LOG");
    if (!path || !*path || (!any_rank && tyl_rt_rank_ != 0))
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "%.6f %s", tyl_wall_(), event);
    if (fmt && *fmt && n < (int)sizeof line - 2) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, (size_t)n);
    (void)w;
    close(fd);
}

/* --stats' loop line (tyl_looptime.c): a loop entered again before it was left (a ULFM recovery
 * jumps back into the loop it failed in) adds the time of the entry it abandoned, as the
 * header promises ("a restart in place adds its times"); a 71st loop has its line too. Prints "ok NAME" / "FAIL NAME". */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"
#include "tyles.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit_check.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
    while (nanosleep(&ts, &ts))
        ;
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_looptime.tyl", NULL, 0);
    tyl_rt_stats_ = true;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tyl_loop_mark_(3, 0);
    sleep_ms(40);
    tyl_loop_mark_(3, 0); /* entered again, never left: the recovery's restart in place */
    sleep_ms(40);
    tyl_loop_mark_(3, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tyl_loop_mark_(70, 0); /* past the 64 loops of the old fixed table: its line was dropped */
    tyl_loop_mark_(70, 1);
    /* both entries' time, within what the clock saw (the first sleep alone is 40 ms) */
    const double span = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);

    /* the report goes to stderr: read it back from a file */
    char path[] = "/tmp/tyl_looptime_XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    fflush(stderr);
    dup2(fd, 2);
    tyl_loop_report_();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[4096] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    double s = 0;
    const char *l = strstr(text, "loop 3 ");
    const char *l70 = l ? strstr(l + 1, "loop ") : NULL;
    CHECK("looptime_one_line", l && !strstr(text, "loop 0 ") && l70 && !strstr(l70 + 1, "loop "));
    CHECK("looptime_loop_70", l70 && !strncmp(l70, "loop 70 ", 8));
    CHECK("looptime_reentry_adds", l && sscanf(l, "loop 3 %lf", &s) == 1 && s > span - 0.02 && s <= span + 1e-6);
    if (failed)
        fprintf(stderr, "report: %s", text);
    tyl_rt_stats_ = false;
    tyl_rt_finalize();
    return failed != 0;
}

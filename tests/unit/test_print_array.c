/* print(u) and print(repr(u)) of arrays against NumPy 2's str() and repr(), byte for byte: the
 * cases and their expected text come from gen_print.py (TYL_UNIT_DATA/print_cases.bin). Then
 * tyl_print_array itself: the text, `end`, and the line left open with end == NULL.
 * Prints "ok NAME" / "FAIL NAME". */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"
#include "tyl_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static int failed;

static void show_diff(const char *what, const char *got, const char *want)
{
    printf("  %s got:\n%s\n  want:\n%s\n", what, got ? got : "(null)", want);
}

static char *read_n(FILE *f, size_t n)
{
    char *p = malloc(n + 1);
    if (!p || fread(p, 1, n, f) != n) {
        free(p);
        return NULL;
    }
    p[n] = '\0';
    return p;
}

static int run_cases(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("FAIL print_cases (cannot open %s)\n", path);
        return 1;
    }
    char name[128];
    int code, rank, ncases = 0;
    int64_t shape[4];
    size_t nd, ns, nr;
    while (fscanf(f, "%127s %d %d %ld %ld %ld %ld %zu %zu %zu", name, &code, &rank, &shape[0],
                  &shape[1], &shape[2], &shape[3], &nd, &ns, &nr) == 10) {
        fgetc(f); /* the newline */
        char *data = read_n(f, nd), *want_s = read_n(f, ns), *want_r = read_n(f, nr);
        if (!data || !want_s || !want_r) {
            printf("FAIL print_cases (truncated at %s)\n", name);
            failed++;
            break;
        }
        tyl_array *a = tyl_alloc((tyl_dtype)code, rank, shape, TYL_INIT_ZERO, "t:1");
        tyl_mem_from_host(a->data, data, nd); /* device arrays too (libtyles_cuda) */
        char *got_s = tyl_print_array_text_(a, 0), *got_r = tyl_print_array_text_(a, 1);
        int ok_s = got_s && !strcmp(got_s, want_s), ok_r = got_r && !strcmp(got_r, want_r);
        if (ok_s && ok_r) {
            printf("ok print_%s\n", name);
        } else {
            printf("FAIL print_%s\n", name);
            failed++;
            if (!ok_s)
                show_diff("str", got_s, want_s);
            if (!ok_r)
                show_diff("repr", got_r, want_r);
        }
        tyl_release(a);
        free(got_s);
        free(got_r);
        free(data);
        free(want_s);
        free(want_r);
        ncases++;
    }
    fclose(f);
    if (ncases < 100) {
        printf("FAIL print_cases (only %d cases read)\n", ncases);
        failed++;
    }
    return 0;
}

/* tyl_print_array writes through the print line: capture stdout in a file. */
static void run_print_calls(void)
{
    const char *dir = getenv("TYL_UNIT_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/print_out.txt", dir);
    fflush(stdout);
    int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved < 0 || fd < 0 || dup2(fd, 1) < 0) {
        printf("FAIL print_calls (cannot open %s)\n", path);
        failed++;
        return;
    }
    int64_t s23[2] = {2, 3}, s2[1] = {2};
    tyl_array *a = tyl_alloc(TYL_INT32, 2, s23, TYL_INIT_ZERO, "t:2");
    int32_t av[6];
    for (int i = 0; i < 6; i++)
        av[i] = i * i - 3;
    tyl_mem_from_host(a->data, av, sizeof av);
    tyl_array *b = tyl_alloc(TYL_BOOL, 1, s2, TYL_INIT_ZERO, "t:3");
    bool bv[2] = {false, true};
    tyl_mem_from_host(b->data, bv, sizeof bv);
    tyl_print_str("u = ");
    tyl_print_array(a, 0, "\n");
    tyl_print_array(a, 1, "!\n");
    tyl_print_array(b, 0, NULL); /* print(b, 7) */
    tyl_print_str(" ");
    tyl_print_int(7);
    tyl_print_end("\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    tyl_release(a);
    tyl_release(b);
    FILE *f = fopen(path, "rb");
    char buf[512] = "";
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    const char *want = "u = [[-3 -2  1]\n [ 6 13 22]]\n"
                       "array([[-3, -2,  1],\n       [ 6, 13, 22]], dtype=int32)!\n"
                       "[False  True] 7\n";
    if (!strcmp(buf, want)) {
        printf("ok print_calls\n");
    } else {
        printf("FAIL print_calls\n");
        show_diff("stdout", buf, want);
        failed++;
    }
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_print_array.tyl", NULL, 0);
    const char *dir = getenv("TYL_UNIT_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/print_cases.bin", dir ? dir : ".");
    run_cases(path);
    if (dir)
        run_print_calls();
    tyl_rt_finalize();
    return failed ? 1 : 0;
}

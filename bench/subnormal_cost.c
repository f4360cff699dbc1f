/* subnormal_cost.c: nanoseconds an element of float32 add, multiply by 1/6 (Jacobi 3-D's
 * factor), the same multiply through float64, and Jacobi's six adds and a multiply, with
 * normal operands, subnormal operands, and normal operands whose product is subnormal.
 * bench/RESULTS.md 2026-12-06 h64 (on this machine's Xeon, a multiply or conversion with a
 * subnormal operand or result took ~100x a normal one; an add did not).
 *
 *   cc -O3 -march=native -mprefer-vector-width=512 bench/subnormal_cost.c -o /tmp/subn && /tmp/subn
 */
#include <stdio.h>
#include <time.h>

#define N 4096
static float a[N], b[N], c[N];

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

__attribute__((noinline)) static void add(void)
{
    for (int i = 0; i < N; i++)
        c[i] = a[i] + b[i];
}
__attribute__((noinline)) static void mul(void)
{
    for (int i = 0; i < N; i++)
        c[i] = a[i] * (1.0f / 6.0f);
}
__attribute__((noinline)) static void mul_f64(void)
{
    for (int i = 0; i < N; i++)
        c[i] = (float)((double)a[i] * (double)(1.0f / 6.0f));
}
__attribute__((noinline)) static void jacobi(void)
{
    for (int i = 0; i < N; i++)
        c[i] = (1.0f / 6.0f) * (a[i] + b[i] + a[i] + b[i] + a[i] + b[i]);
}

int main(void)
{
    const float v[3] = {1.0f, 1e-39f, 6e-38f};
    const char *what[3] = {"normal", "subnormal operands", "normal operands, subnormal product"};
    void (*f[4])(void) = {add, mul, mul_f64, jacobi};
    const char *fn[4] = {"add", "mul", "mul via f64", "6 adds + mul"};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < N; i++)
            a[i] = b[i] = v[k];
        for (int j = 0; j < 4; j++) {
            double t0 = now();
            for (int r = 0; r < 2000; r++) {
                f[j]();
                __asm__ volatile("" ::"r"(c) : "memory");
            }
            printf("%-36s %-14s %.3f ns/element\n", what[k], fn[j], (now() - t0) / 2000 / N * 1e9);
        }
    }
    return 0;
}

// copybw.cu: the device's copy bandwidth (a[i] = b[i], counting bytes read and written), the
// streaming roofline of an out-of-place stencil sweep. Usage: copybw BYTES_PER_ARRAY [REPS]
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

__global__ void copy(double *__restrict__ a, const double *__restrict__ b, long n)
{
    long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        a[i] = b[i];
}

int main(int argc, char **argv)
{
    size_t bytes = argc > 1 ? strtoull(argv[1], 0, 10) : ((size_t)1 << 31);
    int reps = argc > 2 ? atoi(argv[2]) : 20;
    long n = (long)(bytes / 8);
    double *a, *b;
    if (cudaMalloc(&a, n * 8) != cudaSuccess || cudaMalloc(&b, n * 8) != cudaSuccess) {
        fprintf(stderr, "copybw: cudaMalloc failed\n");
        return 1;
    }
    cudaMemset(b, 0, n * 8);
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    float best = 1e30f;
    for (int r = 0; r < reps; r++) {
        cudaEventRecord(e0);
        copy<<<(unsigned)((n + 255) / 256), 256>>>(a, b, n);
        cudaEventRecord(e1);
        cudaEventSynchronize(e1);
        float ms;
        cudaEventElapsedTime(&ms, e0, e1);
        if (r > 0 && ms < best)
            best = ms;
    }
    cudaDeviceProp p;
    cudaGetDeviceProperties(&p, 0);
    printf("device %s\ncopy %.1f GB/s (%.3f ms for %zu bytes read + written)\n", p.name,
           2.0 * n * 8 / (best * 1e-3) / 1e9, best, (size_t)n * 16);
    return 0;
}

/*
 * bench/probe_jacobi3d_rows.c: what a 3-D Jacobi sweep of 256^3 can do on this machine, by the
 * way its rows are stored and ordered (issue 14, h86; bench/RESULTS.md 2026-12-06 h86). Timing
 * only: variants nt1 and nt3 compute whole aligned rows, their first and last elements with
 * neighbours of the next row, so the values are not NumPy's (the generated code's are).
 *
 *   gcc -O3 -march=native -fopenmp -fno-tree-loop-distribute-patterns \
 *       bench/probe_jacobi3d_rows.c -o probe          (-DF32: float32)
 *   ROUNDS=5 OMP_NUM_THREADS=1 ./probe 10 copy nt1_jb0_pf1_pp0 nt7_jb32_pf0_pp1 copy
 *   LDPAD=2 ...   rows of 258 elements (a halo of one each side), as Tyles' arrays had
 *
 * Each variant is ntS_jbB_pfR_ppP: S stores (0 plain simd; 1 non-temporal 512-bit over whole
 * aligned rows; 2 as Tyles had it: 256-bit non-temporal, the row's ends element by element with
 * movnti; 3 512-bit, ends by masked plain stores; 5, 6 ends by plain scalar stores; 7 512-bit,
 * ends by movnti (Tyles now); 8 and 9 float32 forms of 7 and 3), B rows a block along j (0: whole
 * planes), R rows ahead of the leading plane prefetched, P 1: the leading row prefetched one
 * plane ahead. Printed: best wall and CPU seconds a step over ROUNDS interleaved rounds, and
 * GStencil/s (wall); "copy" is a[i] = b[i] over the same bytes (GB/s as bench/copybw.c counts).
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <stdint.h>
#ifdef F32
typedef float real;
#define VL 16
#define VT __m512
#define LD _mm512_loadu_ps
#define ADD _mm512_add_ps
#define MUL _mm512_mul_ps
#define SET _mm512_set1_ps
#define ST _mm512_stream_ps
#else
typedef double real;
#define VL 8
#define VT __m512d
#define LD _mm512_loadu_pd
#define ADD _mm512_add_pd
#define MUL _mm512_mul_pd
#define SET _mm512_set1_pd
#define ST _mm512_stream_pd
#endif
static long n = 256, ld = 256;
static real *galloc(size_t bytes){ void *p=NULL; bytes=(bytes+(2<<20)-1)&~(size_t)((2<<20)-1); posix_memalign(&p, 2<<20, bytes); madvise(p, bytes, MADV_HUGEPAGE); memset(p,0,bytes); return p;}
static double cpu(void){struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t); return t.tv_sec+1e-9*t.tv_nsec;}
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+1e-9*t.tv_nsec;}
#define C (1.0/6.0)
static inline long long bits64(double x){ long long b; __builtin_memcpy(&b,&x,8); return b; }
static inline int bits32(float x){ int b; __builtin_memcpy(&b,&x,4); return b; }
static inline void row_plain(const real *restrict c, real *restrict o, long p){
#pragma omp simd
  for(long k=1;k<n-1;k++) o[k]=C*(((((c[k+p]+c[k-p])+c[k+n])+c[k-n])+c[k+1])+c[k-1]);
}
/* NT: computes k=0..n-1 full aligned vectors (timing only; ends garbage) */
static inline void row_nt(const real *restrict c, real *restrict o, long p){
  for(long k=0;k<n;k+=VL){
    VT v=ADD(LD(c+k+p),LD(c+k-p));
    v=ADD(v,LD(c+k+n)); v=ADD(v,LD(c+k-n));
    v=ADD(v,LD(c+k+1)); v=ADD(v,LD(c+k-1));
    ST(o+k,MUL(SET(C),v));
  }
}
#ifndef F32
static inline void row_nt2(const real *restrict c, real *restrict o, long p){
  /* as Tyles: k = 1..n-2, 256-bit vectors, ends by movnti */
  long k=1; long h=(long)((-(uintptr_t)(o+1)) & 31)/8;
#define V4(k) ({ __m256d v=_mm256_add_pd(_mm256_loadu_pd(c+(k)+p),_mm256_loadu_pd(c+(k)-p)); v=_mm256_add_pd(v,_mm256_loadu_pd(c+(k)+n)); v=_mm256_add_pd(v,_mm256_loadu_pd(c+(k)-n)); v=_mm256_add_pd(v,_mm256_loadu_pd(c+(k)+1)); v=_mm256_add_pd(v,_mm256_loadu_pd(c+(k)-1)); _mm256_mul_pd(_mm256_set1_pd(C),v);})
  if(h){ __m256d v=V4(1); double t[4]; _mm256_storeu_pd(t,v); for(int j=0;j<h;j++) _mm_stream_si64((long long*)(o+1+j),bits64(t[j])); }
  for(k=1+h;k+4<=n-1;k+=4) _mm256_stream_pd(o+k,V4(k));
  if(k<n-1){ long e=n-1-4; __m256d v=V4(e); double t[4]; _mm256_storeu_pd(t,v); for(long j=k-e;j<4;j++) _mm_stream_si64((long long*)(o+e+j),bits64(t[j])); }
}
#endif
#ifndef F32
static inline void row_nt3(const real *restrict c, real *restrict o, long p){
  /* 512-bit, k = 1..n-2 with ends by masked plain stores */
  __m512d v0=_mm512_mul_pd(_mm512_set1_pd(C),_mm512_add_pd(_mm512_add_pd(_mm512_add_pd(_mm512_add_pd(_mm512_add_pd(_mm512_loadu_pd(c+p),_mm512_loadu_pd(c-p)),_mm512_loadu_pd(c+n)),_mm512_loadu_pd(c-n)),_mm512_loadu_pd(c+1)),_mm512_loadu_pd(c-1)));
  _mm512_mask_storeu_pd(o,0xfe,v0);
  long k;
  for(k=8;k<n-8;k+=8){
    VT v=ADD(LD(c+k+p),LD(c+k-p));
    v=ADD(v,LD(c+k+n)); v=ADD(v,LD(c+k-n));
    v=ADD(v,LD(c+k+1)); v=ADD(v,LD(c+k-1));
    ST(o+k,MUL(SET(C),v));
  }
  VT v=ADD(LD(c+k+p),LD(c+k-p)); v=ADD(v,LD(c+k+n)); v=ADD(v,LD(c+k-n)); v=ADD(v,LD(c+k+1)); v=ADD(v,LD(c+k-1));
  _mm512_mask_storeu_pd(o+k,0x7f,MUL(SET(C),v));
}
static inline void row_nt5(const real *restrict c, real *restrict o, long p){
  long k=1; long h=(long)((-(uintptr_t)(o+1)) & 31)/8;
  if(h){ __m256d v=V4(1); double t[4]; _mm256_storeu_pd(t,v); for(int j=0;j<h;j++) o[1+j]=t[j]; }
  for(k=1+h;k+4<=n-1;k+=4) _mm256_stream_pd(o+k,V4(k));
  if(k<n-1){ long e=n-1-4; __m256d v=V4(e); double t[4]; _mm256_storeu_pd(t,v); for(long j=k-e;j<4;j++) o[e+j]=t[j]; }
}
static inline void row_nt6(const real *restrict c, real *restrict o, long p){
  /* 256-bit; lines partly in the row stored plainly (scalar), whole lines non-temporally */
  long a=1+(long)((-(uintptr_t)(o+1)) & 63)/8; /* first line-aligned element */
  long b=(n-1) - (long)(((uintptr_t)(o+n-1)) & 63)/8; /* end of the last whole line */
  for(long k=1;k<a;k+=4){ long e=k+4<=a?k:a-4; __m256d v=V4(e); double t[4]; _mm256_storeu_pd(t,v); for(long j=k-e;j<4&&e+j<a;j++) o[e+j]=t[j]; }
  long k;
  for(k=a;k+4<=b;k+=4) _mm256_stream_pd(o+k,V4(k));
  for(k=b;k<n-1;k+=4){ long e=k+4<=n-1?k:n-1-4; __m256d v=V4(e); double t[4]; _mm256_storeu_pd(t,v); for(long j=k-e;j<4;j++) o[e+j]=t[j]; }
}
static inline void row_nt7(const real *restrict c, real *restrict o, long p){
  /* 512-bit, k = 1..n-2, head and tail lanes by movnti (Tyles at 512 bits) */
#define V8(k) ({ VT v=ADD(LD(c+(k)+p),LD(c+(k)-p)); v=ADD(v,LD(c+(k)+ld)); v=ADD(v,LD(c+(k)-ld)); v=ADD(v,LD(c+(k)+1)); v=ADD(v,LD(c+(k)-1)); MUL(SET(C),v);})
  long h=(long)((-(uintptr_t)(o+1)) & 63)/8;
  if(h){ __m512d v=V8(1); double t[8]; _mm512_storeu_pd(t,v); for(int j=0;j<h;j++) _mm_stream_si64((long long*)(o+1+j),bits64(t[j])); }
  long k;
  for(k=1+h;k+8<=n-1;k+=8) ST(o+k,V8(k));
  if(k<n-1){ long e=n-1-8; __m512d v=V8(e); double t[8]; _mm512_storeu_pd(t,v); for(long j=k-e;j<8;j++) _mm_stream_si64((long long*)(o+e+j),bits64(t[j])); }
}
#else
static inline void row_nt7(const real *restrict c, real *restrict o, long p){(void)c;(void)o;(void)p;}
static inline void row_nt6(const real *restrict c, real *restrict o, long p){(void)c;(void)o;(void)p;}
static inline void row_nt5(const real *restrict c, real *restrict o, long p){(void)c;(void)o;(void)p;}
static inline void row_nt3(const real *restrict c, real *restrict o, long p){(void)c;(void)o;(void)p;}
static inline void row_nt2(const real *restrict c, real *restrict o, long p){(void)c;(void)o;(void)p;}
#endif
#ifdef F32
#define V16(k) ({ VT v=ADD(LD(c+(k)+p),LD(c+(k)-p)); v=ADD(v,LD(c+(k)+ld)); v=ADD(v,LD(c+(k)-ld)); v=ADD(v,LD(c+(k)+1)); v=ADD(v,LD(c+(k)-1)); MUL(SET(C),v);})
static inline void row_nt8(const real *restrict c, real *restrict o, long p){
  long h=(long)((-(uintptr_t)(o+1)) & 63)/4;
  if(h){ __m512 v=V16(1); float t[16]; _mm512_storeu_ps(t,v); for(int j=0;j<h;j++) _mm_stream_si32((int*)(o+1+j),bits32(t[j])); }
  long k;
  for(k=1+h;k+16<=n-1;k+=16) ST(o+k,V16(k));
  if(k<n-1){ long e=n-1-16; __m512 v=V16(e); float t[16]; _mm512_storeu_ps(t,v); for(long j=k-e;j<16;j++) _mm_stream_si32((int*)(o+e+j),bits32(t[j])); }
}
static inline void row_nt9(const real *restrict c, real *restrict o, long p){
  long h=(long)((-(uintptr_t)(o+1)) & 63)/4;
  if(h) _mm512_mask_storeu_ps(o+1, (__mmask16)((1u<<h)-1), V16(1));
  long k;
  for(k=1+h;k+16<=n-1;k+=16) ST(o+k,V16(k));
  if(k<n-1){ _mm512_mask_storeu_ps(o+k, (__mmask16)((1u<<(n-1-k))-1), V16(k)); }
}
#endif
static int pfrows=0, nt=0, jb=0, pfplane=0;
static void sweep(const real *u, real *un){
  const long p=ld*ld;
  #pragma omp parallel
  {
    int T=omp_get_num_threads(), id=omp_get_thread_num();
    long lo=1+(n-2)*id/T, hi=1+(n-2)*(id+1)/T;
    long B = jb? jb : n-2;
    for(long j0=1;j0<n-1;j0+=B){ long j1=j0+B; if(j1>n-1) j1=n-1;
    for(long i=lo;i<hi;i++) for(long j=j0;j<j1;j++){
      const real *c=u+i*p+j*ld; real *o=un+i*p+j*ld;
      if(pfrows){ const char *q=(const char*)(c+p+pfrows*n); for(int b=0;b<n*(long)sizeof(real);b+=64) __builtin_prefetch(q+b,0,2);} 
      if(pfplane){ const char *q=(const char*)(c+2*p); for(int b=0;b<n*(long)sizeof(real);b+=64) __builtin_prefetch(q+b,0,2);} 
      if(nt==2) row_nt2(c,o,p);
#ifdef F32
      else if(nt==8) row_nt8(c,o,p); else if(nt==9) row_nt9(c,o,p);
#endif
       else if(nt==7) row_nt7(c,o,p); else if(nt==6) row_nt6(c,o,p); else if(nt==5) row_nt5(c,o,p); else if(nt==3) row_nt3(c,o,p); else if(nt) row_nt(c,o,p); else row_plain(c,o,p);
    }}
    if(nt) _mm_sfence();
  }
}
static void copy(const double *a, double *b, long N){
  #pragma omp parallel for schedule(static)
  for(long i=0;i<N;i++) b[i]=a[i];
}
#define MAXV 32
static double bw[MAXV], bc[MAXV];
int main(int argc,char**argv){
  int steps=atoi(argv[1]); if(getenv("LDPAD")) ld=n+atoi(getenv("LDPAD")); int rounds=atoi(getenv("ROUNDS")?getenv("ROUNDS"):"3");
  for(int v=0;v<MAXV;v++){bw[v]=bc[v]=1e9;}
  real *u=galloc(ld*ld*n*sizeof(real)), *un=galloc(ld*ld*n*sizeof(real));
  for(long i=0;i<n*n*n;i++) u[i]=(i%7)*0.1;
  for(int rd=0;rd<rounds;rd++)

  for(int a=2;a<argc;a++){ int last=rd==rounds-1;
    char *s=argv[a]; nt=0;jb=0;pfrows=0;pfplane=0;
    if(!strcmp(s,"copy")){ double t0=now(),c0=cpu(); for(int r=0;r<steps;r++) copy((double*)(r&1?un:u), (double*)(r&1?u:un), n*n*n*sizeof(real)/8); double t=now()-t0,c=cpu()-c0; if(t<bw[a])bw[a]=t; if(c<bc[a])bc[a]=c; t=bw[a];c=bc[a];
      if(last)
      printf("%-14s wall %.4f s/step cpu %.4f GB/s(16B) %.2f\n",s,t/steps,c/steps,2.0*sizeof(real)*n*n*n/(t/steps)/1e9);
      continue;}
    sscanf(s,"nt%d_jb%d_pf%d_pp%d",&nt,&jb,&pfrows,&pfplane);
    sweep(u,un);
    double t0=now(),c0=cpu(); for(int r=0;r<steps;r++){ sweep(u,un); real*x=u;u=un;un=x;} double t=now()-t0,c=cpu()-c0; if(t<bw[a])bw[a]=t; if(c<bc[a])bc[a]=c; t=bw[a];c=bc[a];
      if(last)
    printf("%-14s wall %.4f s/step cpu %.4f GSt/s %.3f\n",s,t/steps,c/steps,(double)(n-2)*(n-2)*(n-2)/(t/steps)/1e9);
  }
}

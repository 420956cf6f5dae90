/*
 * C[M, N] (+)= A[M, K] . B[K, N] for the thin products of convolutions
 * (N = output channels or a 64-wide panel). The K axis is a list of segments
 * (Segs): segment s covers `len` steps of A at a + aoff[s] + k * acs and rows of
 * B at b + boff[s] + k * ldb, so a convolution can read its input in place
 * (one segment per filter tap row) instead of from an im2col copy. Rows of A
 * are `ars` apart. AVX-512 register tiles of R rows x NV 16-float vectors;
 * other CPUs use cblas_sgemm on im2col blocks.
 */
#ifndef AFL_SMALL_GEMM_H
#define AFL_SMALL_GEMM_H

#include <cblas.h>

#if defined(__AVX512F__)
#include <immintrin.h>

#define AFL_HAVE_SMALL_GEMM 1

typedef struct {
  int n;
  const long *aoff;
  const long *boff;
  long len;
  long acs;
} Segs;

static inline __attribute__((always_inline)) void tile(const int R, const int NV, const Segs *sg, const float *a0,
                                                       long ars, const float *b0, long ldb, float *c, long ldc,
                                                       __mmask16 last, int accumulate) {
  __m512 acc[16][4];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
  const long acs = sg->acs;
  for (int s = 0; s < sg->n; s++) {
  const float *a = a0 + sg->aoff[s];
  const float *b = b0 + sg->boff[s];
  for (long k = 0; k < sg->len; k++) {
    __m512 bv[4];
    const float *bk = b + k * ldb;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = v == NV - 1 ? _mm512_maskz_loadu_ps(last, bk + 16 * v) : _mm512_loadu_ps(bk + 16 * v);
    const float *ak = a + k * acs;
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
      __m512 av = _mm512_set1_ps(ak[r * ars]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      float *cp = c + r * ldc + 16 * v;
      __mmask16 m = v == NV - 1 ? last : (__mmask16)0xFFFF;
      __m512 out = acc[r][v];
      if (accumulate) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(m, cp));
      _mm512_mask_storeu_ps(cp, m, out);
    }
}

/* Rows of a full tile for each vector count (accumulators + B vectors fit in 32 registers). */
static const int TILE_ROWS[5] = {0, 16, 12, 8, 6};

#define AFL_TILE_FN(R, NV)                                                                                          \
  static void tile_##R##_##NV(const Segs *sg, const float *a, long ars, const float *b, long ldb, float *c, long ldc, \
                              __mmask16 last, int accumulate) {                                                     \
    tile(R, NV, sg, a, ars, b, ldb, c, ldc, last, accumulate);                                                       \
  }
AFL_TILE_FN(16, 1)
AFL_TILE_FN(12, 2)
AFL_TILE_FN(8, 3)
AFL_TILE_FN(6, 4)
AFL_TILE_FN(8, 1)
AFL_TILE_FN(4, 1)
AFL_TILE_FN(2, 1)
AFL_TILE_FN(1, 1)
AFL_TILE_FN(4, 2)
AFL_TILE_FN(2, 2)
AFL_TILE_FN(1, 2)
AFL_TILE_FN(4, 3)
AFL_TILE_FN(2, 3)
AFL_TILE_FN(1, 3)
AFL_TILE_FN(4, 4)
AFL_TILE_FN(2, 4)
AFL_TILE_FN(1, 4)

typedef void (*TileFn)(const Segs *, const float *, long, const float *, long, float *, long, __mmask16, int);

/* Full tiles, then the remaining rows in tiles of 8/4/2/1 (or 4/2/1). */
static void tile_rows(int nv, long m, const Segs *sg, const float *a, long ars, const float *b, long ldb, float *c,
                      long ldc, __mmask16 last, int accumulate) {
  static const TileFn full[5] = {NULL, tile_16_1, tile_12_2, tile_8_3, tile_6_4};
  static const TileFn part[5][4] = {{NULL}, {tile_8_1, tile_4_1, tile_2_1, tile_1_1}, {NULL, tile_4_2, tile_2_2, tile_1_2},
                                    {NULL, tile_4_3, tile_2_3, tile_1_3}, {NULL, tile_4_4, tile_2_4, tile_1_4}};
  static const int part_rows[4] = {8, 4, 2, 1};
  long i = 0;
  int rows = TILE_ROWS[nv];
  for (; i + rows <= m; i += rows) full[nv](sg, a + i * ars, ars, b, ldb, c + i * ldc, ldc, last, accumulate);
  for (int p = 0; p < 4; p++) {
    if (part[nv][p] == NULL) continue;
    for (; i + part_rows[p] <= m; i += part_rows[p])
      part[nv][p](sg, a + i * ars, ars, b, ldb, c + i * ldc, ldc, last, accumulate);
  }
}

/* C[m, n] (ldc) (+)= A . B over the segments `sg` of the K axis; rows of A `ars` apart, B row-major (ldb). */
static void segmented_gemm(long m, long n, const Segs *sg, const float *a, long ars, const float *b, long ldb, float *c,
                           long ldc, int accumulate) {
  for (long j = 0; j < n; j += 64) {
    long w = n - j < 64 ? n - j : 64;
    int nv = (int)((w + 15) / 16);
    int tail = (int)(w - 16 * (nv - 1));
    __mmask16 last = (__mmask16)(tail == 16 ? 0xFFFF : (1u << tail) - 1);
    tile_rows(nv, m, sg, a, ars, b + j, ldb, c + j, ldc, last, accumulate);
  }
}

/* C[m, n] (ldc) (+)= A . B, A[i, k] = a[i * ars + k * acs], B row-major (ldb). */
static void small_gemm(long m, long n, long k_len, const float *a, long ars, long acs, const float *b, long ldb, float *c,
                       long ldc, int accumulate) {
  static const long zero = 0;
  Segs sg = {1, &zero, &zero, k_len, acs};
  segmented_gemm(m, n, &sg, a, ars, b, ldb, c, ldc, accumulate);
}

#else
#define AFL_HAVE_SMALL_GEMM 0
#endif

#endif

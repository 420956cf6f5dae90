#ifndef AFL_CONV_CORE_H
#define AFL_CONV_CORE_H
/*
 * Convolution arithmetic of the native addon: forward, input gradient and filter
 * gradient of N-D (2-D as depth 1, and 3-D) channels-last convolutions. On
 * AVX-512 builds the products read the (zero-padded) input in place through
 * register tiles (small-gemm.h); otherwise, and for the cases those do not
 * cover, im2col/col2im over blocks of output rows plus OpenBLAS sgemm.
 *
 * All arrays are Float32Arrays owned by JavaScript (views of the wasm heap or
 * the cpu backend's arrays); nothing is allocated for results here.
 *
 * Geometry (Int32Array, 21 entries):
 *   N, D, H, W, Ci, oD, oH, oW, Co, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw
 * where pd/ph/pw are the front/top/left paddings. Filters are
 * [kd, kh, kw, Ci, Co] (a K x Co row-major matrix, K = kd*kh*kw*Ci).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "small-gemm.h"

void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

#ifdef _OPENMP
#include <omp.h>
#endif

/* Threads of the in-place (AVX-512 tile) convolutions and of OpenBLAS. */
static void set_threads(int n) {
  openblas_set_num_threads(n);
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}

/* 1: AVX-512 register-tile products (when compiled in); 0: cblas_sgemm for everything. */
static int use_tiles = AFL_HAVE_SMALL_GEMM;

/* C[m, n] (ldc) (+)= A . B with A[i, k] = a[i * ars + k * acs] (one of the strides is 1), B row-major (ldb). */
static void matmul(long m, long n, long k, const float *a, long ars, long acs, const float *b, long ldb, float *c, long ldc,
                   int accumulate) {
#if AFL_HAVE_SMALL_GEMM
  if (use_tiles) {
    /* Rows of C are independent: blocks of 192 (a multiple of every tile height) over the threads. */
    long blocks = (m + 191) / 192;
#pragma omp parallel for schedule(static) if (blocks > 1)
    for (long bi = 0; bi < blocks; bi++) {
      long i0 = bi * 192, rows = m - i0 < 192 ? m - i0 : 192;
      small_gemm(rows, n, k, a + i0 * ars, ars, acs, b, ldb, c + i0 * ldc, ldc, accumulate);
    }
    return;
  }
#endif
  /*
   * A is row-major [m, k] (acs == 1, lda = ars) or the transpose of a row-major [k, m] (ars == 1, lda = acs). With a
   * single row or column both strides can be 1 (e.g. the filter gradient of a 1x1 kernel over one input channel: K = 1,
   * ars = acs = 1), and the stride along a size-1 axis is meaningless; sgemm still requires lda >= the row length
   * (k for NoTrans, m for Trans), so pick the layout whose stride is real and clamp the leading dimension.
   */
  int notrans = acs == 1 && (m == 1 || ars >= k);
  long lda = notrans ? (m == 1 ? k : ars) : (k == 1 ? m : acs);
  if (lda < 1) lda = 1;
  if (k == 1 && ldb < n) ldb = n; /* B is one row: its stride is not read */
  cblas_sgemm(CblasRowMajor, notrans ? CblasNoTrans : CblasTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              accumulate ? 1.0f : 0.0f, c, ldc);
}

/* w[K, Co] -> wt[Co, K] */
static float *transpose_filter(const float *w, long k, long co) {
  float *wt = malloc(sizeof(float) * k * co);
  if (wt == NULL) return NULL;
  for (long i = 0; i < k; i++)
    for (long o = 0; o < co; o++) wt[o * k + i] = w[i * co + o];
  return wt;
}

typedef struct {
  long n, d, h, w, ci, od, oh, ow, co, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw;
} Geom;

/* Floats of im2col rows per block: ~1 MiB keeps a block in L2. */
#define BLOCK_FLOATS (256 * 1024)

static long geom_k(const Geom *g) { return g->kd * g->kh * g->kw * g->ci; }
static long geom_m(const Geom *g) { return g->n * g->od * g->oh * g->ow; }

/* A 1x1x1 kernel with unit strides and no padding reads x as the column matrix. */
static int is_pointwise(const Geom *g) {
  return g->kd == 1 && g->kh == 1 && g->kw == 1 && g->sd == 1 && g->sh == 1 && g->sw == 1
      && g->pd == 0 && g->ph == 0 && g->pw == 0 && g->od == g->d && g->oh == g->h && g->ow == g->w;
}

static long block_rows(const Geom *g) {
  long rows = BLOCK_FLOATS / geom_k(g);
  if (rows < 64) rows = 64;
  return rows;
}

/*
 * Visit the input runs that output row m reads: for each filter tap
 * (a, b, and a run of c along the width), call visit(col_offset, x_offset, len)
 * for in-bounds runs and zero(col_offset, len) for padding.
 */
typedef struct {
  const Geom *g;
  float *col;
  float *x;
  int scatter; /* 0: x -> col (im2col), 1: col += into x (col2im) */
} Walk;

static void walk_row(const Walk *wk, long m, float *row) {
  const Geom *g = wk->g;
  long ow = m % g->ow;
  long t = m / g->ow;
  long oh = t % g->oh;
  t /= g->oh;
  long od = t % g->od;
  long n = t / g->od;
  long ci = g->ci;
  long kwci = g->kw * ci;
  for (long a = 0; a < g->kd; a++) {
    long id = od * g->sd - g->pd + a * g->dd;
    float *ra = row + a * g->kh * kwci;
    if (id < 0 || id >= g->d) {
      if (!wk->scatter) memset(ra, 0, sizeof(float) * g->kh * kwci);
      continue;
    }
    for (long b = 0; b < g->kh; b++) {
      long ih = oh * g->sh - g->ph + b * g->dh;
      float *rb = ra + b * kwci;
      if (ih < 0 || ih >= g->h) {
        if (!wk->scatter) memset(rb, 0, sizeof(float) * kwci);
        continue;
      }
      float *xrow = wk->x + ((n * g->d + id) * g->h + ih) * g->w * ci;
      long iw0 = ow * g->sw - g->pw;
      if (g->dw == 1) {
        long c0 = iw0 < 0 ? -iw0 : 0;
        long c1 = g->w - iw0 < g->kw ? g->w - iw0 : g->kw;
        if (c0 > g->kw) c0 = g->kw;
        if (c1 < c0) c1 = c0;
        if (!wk->scatter) {
          if (c0 > 0) memset(rb, 0, sizeof(float) * c0 * ci);
          if (c1 > c0) memcpy(rb + c0 * ci, xrow + (iw0 + c0) * ci, sizeof(float) * (c1 - c0) * ci);
          if (c1 < g->kw) memset(rb + c1 * ci, 0, sizeof(float) * (g->kw - c1) * ci);
        } else {
          float *dst = xrow + (iw0 + c0) * ci;
          const float *src = rb + c0 * ci;
          long len = (c1 - c0) * ci;
          for (long q = 0; q < len; q++) dst[q] += src[q];
        }
      } else {
        for (long c = 0; c < g->kw; c++) {
          long iw = iw0 + c * g->dw;
          float *rc = rb + c * ci;
          int inside = iw >= 0 && iw < g->w;
          if (!wk->scatter) {
            if (inside) memcpy(rc, xrow + iw * ci, sizeof(float) * ci);
            else memset(rc, 0, sizeof(float) * ci);
          } else if (inside) {
            float *dst = xrow + iw * ci;
            for (long q = 0; q < ci; q++) dst[q] += rc[q];
          }
        }
      }
    }
  }
}

static void im2col(const Geom *g, const float *x, float *col, long m0, long m1) {
  Walk wk = {g, col, (float *)x, 0};
  long k = geom_k(g);
  for (long m = m0; m < m1; m++) walk_row(&wk, m, col + (m - m0) * k);
}

static void col2im_add(const Geom *g, float *dx, float *col, long m0, long m1) {
  Walk wk = {g, col, dx, 1};
  long k = geom_k(g);
  for (long m = m0; m < m1; m++) walk_row(&wk, m, col + (m - m0) * k);
}

#if AFL_HAVE_SMALL_GEMM
/* The input zero-padded so that every tap of every output lies inside (x itself when none is needed). */
typedef struct {
  const float *p;
  float *owned;
  long dp, hp, wp;
} Padded;

static long padded_extent(long in, long pad, long out, long stride, long k, long dil) {
  long need = (out - 1) * stride + (k - 1) * dil + 1;
  return pad + in > need ? pad + in : need;
}

static int pad_input(const Geom *g, const float *x, Padded *out) {
  long dp = padded_extent(g->d, g->pd, g->od, g->sd, g->kd, g->dd);
  long hp = padded_extent(g->h, g->ph, g->oh, g->sh, g->kh, g->dh);
  long wp = padded_extent(g->w, g->pw, g->ow, g->sw, g->kw, g->dw);
  out->dp = dp, out->hp = hp, out->wp = wp, out->owned = NULL, out->p = x;
  if (dp == g->d && hp == g->h && wp == g->w) return 0;
  long ci = g->ci;
  float *buf = calloc((size_t)(g->n * dp * hp * wp * ci), sizeof(float));
  if (buf == NULL) return -1;
  for (long n = 0; n < g->n; n++)
    for (long d = 0; d < g->d; d++)
      for (long h = 0; h < g->h; h++)
        memcpy(buf + (((n * dp + d + g->pd) * hp + h + g->ph) * wp + g->pw) * ci, x + ((n * g->d + d) * g->h + h) * g->w * ci,
               sizeof(float) * g->w * ci);
  out->p = out->owned = buf;
  return 0;
}

/* Offset in the padded input of the first tap of output row (n, od, oh). */
static long row_base(const Geom *g, const Padded *xp, long row) {
  long oh = row % g->oh, t = row / g->oh;
  long od = t % g->od, n = t / g->od;
  return ((n * xp->dp + od * g->sd) * xp->hp + oh * g->sh) * xp->wp * g->ci;
}

/* Offset in the padded input of filter tap row (a, b) = segment s. */
static long tap_offset(const Geom *g, const Padded *xp, long s) {
  long a = s / g->kh, b = s % g->kh;
  return (a * g->dd * xp->hp + b * g->dh) * xp->wp * g->ci;
}

/* Forward without im2col (dilation 1 along the width): per output row, tiles of pixels x output channels. */
static int conv_forward_inplace(const Geom *g, const float *x, const float *w, float *y) {
  Padded xp;
  if (pad_input(g, x, &xp) != 0) return -1;
  long nseg = g->kd * g->kh, len = g->kw * g->ci;
  long *off = malloc(sizeof(long) * 2 * nseg);
  if (off == NULL) {
    free(xp.owned);
    return -1;
  }
  for (long s = 0; s < nseg; s++) off[s] = tap_offset(g, &xp, s), off[nseg + s] = s * len * g->co;
  Segs sg = {(int)nseg, off, off + nseg, len, 1};
  long rows = g->n * g->od * g->oh;
#pragma omp parallel for schedule(static) if (rows > 1)
  for (long r = 0; r < rows; r++)
    segmented_gemm(g->ow, g->co, &sg, xp.p + row_base(g, &xp, r), g->sw * g->ci, w, g->co, y + r * g->ow * g->co, g->co, 0);
  free(off);
  free(xp.owned);
  return 0;
}

/*
 * Filter gradient without im2col: dW[tap row s][i, :] = sum over output pixels
 * of x(tap) * dy. Output rows are cut into chunks of about 1024 pixels; each
 * (chunk, tap row) pair is one work item writing its own partial sum, and the
 * partials are added in chunk order, so the result does not depend on the
 * number of threads.
 */
static int conv_backprop_filter_inplace(const Geom *g, const float *x, const float *dy, float *dw) {
  Padded xp;
  if (pad_input(g, x, &xp) != 0) return -1;
  long rows = g->n * g->od * g->oh, len = g->kw * g->ci, nseg = g->kd * g->kh;
  long chunk = 1024 / g->ow > 0 ? 1024 / g->ow : 1;
  long nchunks = (rows + chunk - 1) / chunk;
  long kco = nseg * len * g->co;
  long *off = malloc(sizeof(long) * 2 * rows);
  float *part = nchunks > 1 ? malloc(sizeof(float) * (size_t)(nchunks * kco)) : dw;
  if (off == NULL || part == NULL) {
    free(off);
    if (part != dw) free(part);
    free(xp.owned);
    return -1;
  }
  for (long r = 0; r < rows; r++) off[r] = row_base(g, &xp, r), off[rows + r] = r * g->ow * g->co;
#pragma omp parallel for schedule(dynamic) if (nchunks * nseg > 1)
  for (long item = 0; item < nchunks * nseg; item++) {
    long c = item / nseg, s = item % nseg;
    long r0 = c * chunk, r1 = r0 + chunk < rows ? r0 + chunk : rows;
    Segs sg = {(int)(r1 - r0), off + r0, off + rows + r0, g->ow, g->sw * g->ci};
    segmented_gemm(len, g->co, &sg, xp.p + tap_offset(g, &xp, s), 1, dy, g->co, part + c * kco + s * len * g->co, g->co, 0);
  }
  if (part != dw) {
    memcpy(dw, part, sizeof(float) * kco);
    for (long c = 1; c < nchunks; c++) {
      const float *p = part + c * kco;
      for (long i = 0; i < kco; i++) dw[i] += p[i];
    }
    free(part);
  }
  free(off);
  free(xp.owned);
  return 0;
}

/*
 * Input gradient at unit strides as a forward convolution of dy with the
 * filter flipped along every spatial axis and its channel axes swapped,
 * padded by (k - 1) * dilation - pad.
 */
static int conv_backprop_input_inplace(const Geom *g, const float *dy, const float *w, float *dx) {
  Geom t = {g->n, g->od, g->oh, g->ow, g->co, g->d, g->h, g->w, g->ci, g->kd, g->kh, g->kw, 1, 1, 1,
            (g->kd - 1) * g->dd - g->pd, (g->kh - 1) * g->dh - g->ph, (g->kw - 1) * g->dw - g->pw, g->dd, g->dh, g->dw};
  long taps = g->kd * g->kh * g->kw;
  float *wf = malloc(sizeof(float) * taps * g->ci * g->co);
  if (wf == NULL) return -1;
  for (long tp = 0; tp < taps; tp++)
    for (long i = 0; i < g->ci; i++)
      for (long o = 0; o < g->co; o++) wf[((taps - 1 - tp) * g->co + o) * g->ci + i] = w[(tp * g->ci + i) * g->co + o];
  int rc = conv_forward_inplace(&t, dy, wf, dx);
  free(wf);
  return rc;
}

static int unit_strides(const Geom *g) { return g->sd == 1 && g->sh == 1 && g->sw == 1; }
#endif

/* y[M, Co] = im2col(x)[M, K] . w[K, Co] */
static int conv_forward(const Geom *g, const float *x, const float *w, float *y) {
  long m = geom_m(g), k = geom_k(g);
#if AFL_HAVE_SMALL_GEMM
  if (use_tiles && g->dw == 1 && !is_pointwise(g)) return conv_forward_inplace(g, x, w, y);
#endif
  if (is_pointwise(g)) {
    matmul(m, g->co, k, x, k, 1, w, g->co, y, g->co, 0);
    return 0;
  }
  long rows = block_rows(g);
  float *col = malloc(sizeof(float) * rows * k);
  if (col == NULL) return -1;
  for (long m0 = 0; m0 < m; m0 += rows) {
    long m1 = m0 + rows < m ? m0 + rows : m;
    im2col(g, x, col, m0, m1);
    matmul(m1 - m0, g->co, k, col, k, 1, w, g->co, y + m0 * g->co, g->co, 0);
  }
  free(col);
  return 0;
}

/* dx = col2im(dy[M, Co] . w[K, Co]^T) */
static int conv_backprop_input(const Geom *g, const float *dy, const float *w, float *dx) {
  long m = geom_m(g), k = geom_k(g);
#if AFL_HAVE_SMALL_GEMM
  if (use_tiles && g->dw == 1 && unit_strides(g) && !is_pointwise(g) && (g->kd - 1) * g->dd >= g->pd
      && (g->kh - 1) * g->dh >= g->ph && (g->kw - 1) * g->dw >= g->pw)
    return conv_backprop_input_inplace(g, dy, w, dx);
#endif
  float *wt = transpose_filter(w, k, g->co);
  if (wt == NULL) return -1;
  if (is_pointwise(g)) {
    matmul(m, k, g->co, dy, g->co, 1, wt, k, dx, k, 0);
    free(wt);
    return 0;
  }
  memset(dx, 0, sizeof(float) * g->n * g->d * g->h * g->w * g->ci);
  long rows = block_rows(g);
  float *col = malloc(sizeof(float) * rows * k);
  if (col == NULL) {
    free(wt);
    return -1;
  }
  for (long m0 = 0; m0 < m; m0 += rows) {
    long m1 = m0 + rows < m ? m0 + rows : m;
    matmul(m1 - m0, k, g->co, dy + m0 * g->co, g->co, 1, wt, k, col, k, 0);
    col2im_add(g, dx, col, m0, m1);
  }
  free(col);
  free(wt);
  return 0;
}

/* dw[K, Co] = im2col(x)[M, K]^T . dy[M, Co] */
static int conv_backprop_filter(const Geom *g, const float *x, const float *dy, float *dw) {
  long m = geom_m(g), k = geom_k(g);
#if AFL_HAVE_SMALL_GEMM
  if (use_tiles && g->dw == 1 && !is_pointwise(g)) return conv_backprop_filter_inplace(g, x, dy, dw);
#endif
  if (is_pointwise(g)) {
    matmul(k, g->co, m, x, 1, k, dy, g->co, dw, g->co, 0);
    return 0;
  }
  long rows = block_rows(g);
  float *col = malloc(sizeof(float) * rows * k);
  if (col == NULL) return -1;
  for (long m0 = 0; m0 < m; m0 += rows) {
    long m1 = m0 + rows < m ? m0 + rows : m;
    im2col(g, x, col, m0, m1);
    matmul(k, g->co, m1 - m0, col, 1, k, dy + m0 * g->co, g->co, dw, g->co, m0 > 0);
  }
  free(col);
  return 0;
}

#endif

/*
 * Per-channel reductions and affine maps over [M, C] channels-last data, for
 * batch normalisation and bias gradients (float64 accumulators).
 */
#ifndef AFL_CHANNEL_OPS_H
#define AFL_CHANNEL_OPS_H

/* s[j] += sum over i of x[i, j]; with y and p, also p[j] += sum over i of x[i, j] * y[i, j] (the same pass) */
static void channel_sums(const float *x, const float *y, long m, long c, double *s, double *p) {
  for (long i = 0; i < m; i++) {
    const float *xi = x + i * c;
    if (p == NULL) {
      for (long j = 0; j < c; j++) s[j] += xi[j];
    } else {
      const float *yi = y + i * c;
      for (long j = 0; j < c; j++) {
        s[j] += xi[j];
        p[j] += (double)xi[j] * yi[j];
      }
    }
  }
}

/* out[i, j] = x[i, j] * a[j] + (y == NULL ? 0 : y[i, j] * b[j]) + d[j], then max(0, .) when relu */
static void affine_channels(float *out, const float *x, const float *a, const float *y, const float *b, const float *d,
                            long m, long c, int relu) {
  for (long i = 0; i < m; i++) {
    const float *xi = x + i * c;
    float *oi = out + i * c;
    if (y == NULL) {
      for (long j = 0; j < c; j++) oi[j] = xi[j] * a[j] + d[j];
    } else {
      const float *yi = y + i * c;
      for (long j = 0; j < c; j++) oi[j] = xi[j] * a[j] + yi[j] * b[j] + d[j];
    }
    if (relu)
      for (long j = 0; j < c; j++) oi[j] = oi[j] > 0.0f ? oi[j] : 0.0f;
  }
}

#endif

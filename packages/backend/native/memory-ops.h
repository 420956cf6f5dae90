/* Data movement and pooling gradients on channels-last arrays of the wasm heap or the cpu backend. */
#ifndef AFL_MEMORY_OPS_H
#define AFL_MEMORY_OPS_H

#include <string.h>

/*
 * Copy the box begin/size of a row-major array of `rank` dims (elements of
 * `esize` bytes) from `src` into a dense `out`, or with `paste` the dense
 * `src` into that box of `out`. Each innermost run is one memcpy.
 */
static void copy_box(char *out, const char *src, int rank, const long *dims, const long *begin, const long *size, int paste,
                     long esize) {
  long strides[8];
  strides[rank - 1] = 1;
  for (int j = rank - 2; j >= 0; j--) strides[j] = strides[j + 1] * dims[j + 1];
  long run = size[rank - 1] * esize, outer = 1;
  for (int j = 0; j < rank - 1; j++) outer *= size[j];
  long idx[8] = {0};
  long dense = 0;
  for (long k = 0; k < outer; k++) {
    long off = begin[rank - 1];
    for (int j = 0; j < rank - 1; j++) off += (begin[j] + idx[j]) * strides[j];
    if (paste) memcpy(out + off * esize, src + dense, run);
    else memcpy(out + dense, src + off * esize, run);
    dense += run;
    for (int j = rank - 2; j >= 0; j--) {
      if (++idx[j] < size[j]) break;
      idx[j] = 0;
    }
  }
}

/*
 * Gradient of max pooling with non-overlapping windows (filter == stride, no
 * padding) over x [N, D, H, W, C] (2-D: D = 1): dy of each window goes to the
 * positions of x equal to the window's maximum y.
 */
static void max_pool_grad(const float *x, const float *y, const float *dy, float *dx, long n, long d, long h, long w,
                          long c, long sd, long sh, long sw) {
  long od = d / sd, oh = h / sh, ow = w / sw;
  for (long b = 0; b < n; b++)
    for (long i = 0; i < d; i++)
      for (long j = 0; j < h; j++) {
        const long orow = ((b * od + i / sd) * oh + j / sh) * ow * c;
        const long irow = ((b * d + i) * h + j) * w * c;
        for (long k = 0; k < w; k++) {
          const float *xv = x + irow + k * c;
          const float *yv = y + orow + (k / sw) * c;
          const float *gv = dy + orow + (k / sw) * c;
          float *o = dx + irow + k * c;
          for (long ch = 0; ch < c; ch++) o[ch] = xv[ch] == yv[ch] ? gv[ch] : 0.0f;
        }
      }
}

/* Max pooling with non-overlapping windows (filter == stride, no padding): y [N, D/sd, H/sh, W/sw, C]. */
static void max_pool(const float *x, float *y, long n, long d, long h, long w, long c, long sd, long sh, long sw) {
  long od = d / sd, oh = h / sh, ow = w / sw;
  for (long b = 0; b < n; b++)
    for (long i = 0; i < od; i++)
      for (long j = 0; j < oh; j++)
        for (long k = 0; k < ow; k++) {
          float *o = y + (((b * od + i) * oh + j) * ow + k) * c;
          for (long a = 0; a < sd; a++)
            for (long e = 0; e < sh; e++)
              for (long f = 0; f < sw; f++) {
                const float *xv = x + (((b * d + i * sd + a) * h + j * sh + e) * w + k * sw + f) * c;
                if (a == 0 && e == 0 && f == 0) memcpy(o, xv, sizeof(float) * c);
                else
                  for (long ch = 0; ch < c; ch++) o[ch] = xv[ch] > o[ch] || xv[ch] != xv[ch] ? xv[ch] : o[ch];
              }
        }
}

#endif

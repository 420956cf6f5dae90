/* N-API bindings of the native convolutions (conv-core.h) for @afl/backend. */
#include <node_api.h>

#include "channel-ops.h"
#include "conv-core.h"
#include "memory-ops.h"

static napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int get_floats(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, &buf, &off) != napi_ok || type != napi_float32_array) return -1;
  *data = ptr;
  return 0;
}

static int get_geom(napi_env env, napi_value v, Geom *g) {
  napi_typedarray_type type;
  size_t len, off;
  void *ptr;
  napi_value buf;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != napi_int32_array || len != 21)
    return -1;
  const int *a = ptr;
  long *dst = (long *)g;
  for (int i = 0; i < 21; i++) {
    dst[i] = a[i];
    if (a[i] < (i >= 15 && i <= 17 ? 0 : 1)) return -1;
  }
  return 0;
}

typedef int (*ConvFn)(const Geom *, const float *, const float *, float *);

/* Sizes (in floats) the three arrays of each function must have. */
static size_t input_size(const Geom *g) { return (size_t)(g->n * g->d * g->h * g->w * g->ci); }
static size_t output_size(const Geom *g) { return (size_t)(geom_m(g) * g->co); }
static size_t filter_size(const Geom *g) { return (size_t)(geom_k(g) * g->co); }

static napi_value call_conv(napi_env env, napi_callback_info info, ConvFn fn, size_t (*s0)(const Geom *),
                            size_t (*s1)(const Geom *), size_t (*s2)(const Geom *)) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4) return throw_error(env, "afl native conv: expected (a, b, out, geometry)");
  Geom g;
  if (get_geom(env, argv[3], &g) != 0) return throw_error(env, "afl native conv: geometry must be an Int32Array of 21 valid sizes");
  float *p[3];
  size_t len[3];
  size_t want[3] = {s0(&g), s1(&g), s2(&g)};
  for (int i = 0; i < 3; i++) {
    if (get_floats(env, argv[i], &p[i], &len[i]) != 0) return throw_error(env, "afl native conv: arrays must be Float32Arrays");
    if (len[i] != want[i]) return throw_error(env, "afl native conv: an array's length does not match the geometry");
  }
  if (fn(&g, p[0], p[1], p[2]) != 0) return throw_error(env, "afl native conv: out of memory for the im2col block");
  return NULL;
}

static napi_value js_forward(napi_env env, napi_callback_info info) {
  return call_conv(env, info, conv_forward, input_size, filter_size, output_size);
}

static napi_value js_backprop_input(napi_env env, napi_callback_info info) {
  return call_conv(env, info, conv_backprop_input, output_size, filter_size, input_size);
}

static napi_value js_backprop_filter(napi_env env, napi_callback_info info) {
  return call_conv(env, info, conv_backprop_filter, input_size, output_size, filter_size);
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t n = 0;
  if (argc == 1 && napi_get_value_int32(env, argv[0], &n) == napi_ok && n > 0) set_threads(n);
  napi_value out;
  napi_create_int32(env, openblas_get_num_threads(), &out);
  return out;
}

/* Float32Array (or null/undefined when optional) of exactly `want` elements; -1 on mismatch. */
static int get_floats_n(napi_env env, napi_value v, float **data, size_t want, int optional) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (optional && (t == napi_null || t == napi_undefined)) {
    *data = NULL;
    return 0;
  }
  size_t len;
  if (get_floats(env, v, data, &len) != 0 || len != want) return -1;
  return 0;
}

static int get_long(napi_env env, napi_value v, long *out) {
  int64_t n;
  if (napi_get_value_int64(env, v, &n) != napi_ok || n < 1) return -1;
  *out = (long)n;
  return 0;
}

/* Float64Array of exactly `want` elements, or -1. */
static int get_doubles_n(napi_env env, napi_value v, double **data, size_t want) {
  napi_typedarray_type type;
  size_t len, off;
  void *ptr;
  napi_value buf;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, &buf, &off) != napi_ok || type != napi_float64_array || len != want) return -1;
  *data = ptr;
  return 0;
}

/* channelSums(x, c, sums, y?, products?): sums[j] += sum_i x[i, j]; products[j] += sum_i x[i, j] * y[i, j] (one pass) */
static napi_value js_channel_sums(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3 && argc != 5) return throw_error(env, "afl native channelSums: expected (x, channels, sums) or (x, channels, sums, y, products)");
  float *x, *y = NULL;
  double *s, *p = NULL;
  size_t len;
  long c;
  if (get_floats(env, argv[0], &x, &len) != 0 || get_long(env, argv[1], &c) != 0 || len % c != 0)
    return throw_error(env, "afl native channelSums: x must be a Float32Array whose length is a multiple of channels");
  if (get_doubles_n(env, argv[2], &s, (size_t)c) != 0 || (argc == 5 && get_doubles_n(env, argv[4], &p, (size_t)c) != 0))
    return throw_error(env, "afl native channelSums: sums and products must be Float64Arrays of length channels");
  if (argc == 5 && get_floats_n(env, argv[3], &y, len, 0) != 0)
    return throw_error(env, "afl native channelSums: y must be a Float32Array of x's length");
  channel_sums(x, y, (long)(len / c), c, s, p);
  return NULL;
}

/* affineChannels(out, x, a, d, y?, b?, relu?): out = x * a + y * b + d per channel (then relu) */
static napi_value js_affine_channels(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) return throw_error(env, "afl native affineChannels: expected (out, x, a, d, y?, b?, relu?)");
  float *out, *x, *a, *d, *y = NULL, *b = NULL;
  size_t len, c;
  if (get_floats(env, argv[1], &x, &len) != 0 || get_floats(env, argv[2], &a, &c) != 0 || c == 0 || len % c != 0)
    return throw_error(env, "afl native affineChannels: x and a must be Float32Arrays, x's length a multiple of a's");
  if (get_floats_n(env, argv[0], &out, len, 0) != 0 || get_floats_n(env, argv[3], &d, c, 0) != 0
      || (argc > 4 && get_floats_n(env, argv[4], &y, len, 1) != 0) || (argc > 5 && get_floats_n(env, argv[5], &b, c, 1) != 0)
      || ((y == NULL) != (b == NULL)))
    return throw_error(env, "afl native affineChannels: out and y must match x, d and b must match a");
  bool relu = false;
  if (argc > 6) napi_get_value_bool(env, argv[6], &relu);
  affine_channels(out, x, a, y, b, d, (long)(len / c), (long)c, relu);
  return NULL;
}

static int typed_bytes(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

static int get_ints(napi_env env, napi_value v, long *out, size_t max, size_t *len) {
  napi_typedarray_type type;
  void *ptr;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, &buf, &off) != napi_ok || type != napi_int32_array || *len > max) return -1;
  for (size_t i = 0; i < *len; i++) out[i] = ((const int *)ptr)[i];
  return 0;
}

/* copyBox(out, src, dims, begin, size, paste): see memory-ops.h; out/src typed arrays of one element size. */
static napi_value js_copy_box(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 6) return throw_error(env, "afl native copyBox: expected (out, src, dims, begin, size, paste)");
  long dims[8], begin[8], size[8];
  size_t r1, r2, r3;
  if (get_ints(env, argv[2], dims, 8, &r1) != 0 || get_ints(env, argv[3], begin, 8, &r2) != 0
      || get_ints(env, argv[4], size, 8, &r3) != 0 || r1 != r2 || r1 != r3 || r1 == 0)
    return throw_error(env, "afl native copyBox: dims, begin and size must be Int32Arrays of one rank (1..8)");
  long full = 1, box = 1;
  for (size_t j = 0; j < r1; j++) {
    if (begin[j] < 0 || size[j] < 1 || begin[j] + size[j] > dims[j]) return throw_error(env, "afl native copyBox: the box is outside dims");
    full *= dims[j], box *= size[j];
  }
  bool paste = false;
  napi_get_value_bool(env, argv[5], &paste);
  napi_typedarray_type t0, t1;
  size_t n0, n1, off;
  void *p0, *p1;
  napi_value buf;
  if (napi_get_typedarray_info(env, argv[0], &t0, &n0, &p0, &buf, &off) != napi_ok
      || napi_get_typedarray_info(env, argv[1], &t1, &n1, &p1, &buf, &off) != napi_ok || typed_bytes(t0) != typed_bytes(t1))
    return throw_error(env, "afl native copyBox: out and src must be typed arrays of one element size");
  if ((long)n0 != (paste ? full : box) || (long)n1 != (paste ? box : full))
    return throw_error(env, "afl native copyBox: array lengths do not match dims and size");
  copy_box(p0, p1, (int)r1, dims, begin, size, paste, typed_bytes(t0));
  return NULL;
}

/* Pooling geometry [N, D, H, W, C, sd, sh, sw] with windows tiling the input; NULL or what is wrong. */
static const char *pool_geometry(napi_env env, napi_value v, long *g, size_t *in, size_t *outn) {
  size_t r;
  if (get_ints(env, v, g, 8, &r) != 0 || r != 8) return "afl native pooling: geometry must be an Int32Array [N, D, H, W, C, sd, sh, sw]";
  for (int i = 0; i < 8; i++)
    if (g[i] < 1) return "afl native pooling: sizes must be positive";
  if (g[1] % g[5] || g[2] % g[6] || g[3] % g[7]) return "afl native pooling: windows must tile the input";
  *in = (size_t)(g[0] * g[1] * g[2] * g[3] * g[4]);
  *outn = *in / (size_t)(g[5] * g[6] * g[7]);
  return NULL;
}

/* maxPoolGrad(x, y, dy, dx, [N, D, H, W, C, sd, sh, sw]) */
static napi_value js_max_pool_grad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  long g[8];
  size_t in, outn;
  const char *bad = argc == 5 ? pool_geometry(env, argv[4], g, &in, &outn) : "expected (x, y, dy, dx, geometry)";
  if (bad != NULL) return throw_error(env, bad);
  float *x, *y, *dy, *dx;
  if (get_floats_n(env, argv[0], &x, in, 0) || get_floats_n(env, argv[1], &y, outn, 0) || get_floats_n(env, argv[2], &dy, outn, 0)
      || get_floats_n(env, argv[3], &dx, in, 0))
    return throw_error(env, "afl native maxPoolGrad: x/dx and y/dy must be Float32Arrays of the input and output sizes");
  max_pool_grad(x, y, dy, dx, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
  return NULL;
}

/* maxPool(x, y, [N, D, H, W, C, sd, sh, sw]) */
static napi_value js_max_pool(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  long g[8];
  size_t in, outn;
  const char *bad = argc == 3 ? pool_geometry(env, argv[2], g, &in, &outn) : "expected (x, y, geometry)";
  if (bad != NULL) return throw_error(env, bad);
  float *x, *y;
  if (get_floats_n(env, argv[0], &x, in, 0) || get_floats_n(env, argv[1], &y, outn, 0))
    return throw_error(env, "afl native maxPool: x and y must be Float32Arrays of the input and output sizes");
  max_pool(x, y, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
  return NULL;
}

static napi_value js_use_tiles(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool on = false;
  if (argc == 1 && napi_get_value_bool(env, argv[0], &on) == napi_ok) use_tiles = on && AFL_HAVE_SMALL_GEMM;
  napi_value out;
  napi_get_boolean(env, use_tiles, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"convForward", NULL, js_forward, NULL, NULL, NULL, napi_default, NULL},
    {"convBackpropInput", NULL, js_backprop_input, NULL, NULL, NULL, napi_default, NULL},
    {"convBackpropFilter", NULL, js_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"useTiles", NULL, js_use_tiles, NULL, NULL, NULL, napi_default, NULL},
    {"channelSums", NULL, js_channel_sums, NULL, NULL, NULL, napi_default, NULL},
    {"affineChannels", NULL, js_affine_channels, NULL, NULL, NULL, napi_default, NULL},
    {"copyBox", NULL, js_copy_box, NULL, NULL, NULL, napi_default, NULL},
    {"maxPoolGrad", NULL, js_max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
    {"maxPool", NULL, js_max_pool, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)

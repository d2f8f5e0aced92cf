/* raw.c: the `fixed` world (world.wit) against the raw canonical ABI, by hand: the control for
 * guest.c. A list<T, N> is stored inline like a tuple of N T's (a C array) and flattens to N
 * copies of T's flat form. Ownership as in ../types/raw.c. */
#include "raw.h"

#define FNS "test:fixed/fns@0.1.0"
#define IMPORT(name) __attribute__((import_module(FNS), import_name(name)))
#define EXPORT(name) __attribute__((export_name(FNS "#" name)))
#define POST(name) __attribute__((export_name("cabi_post_" FNS "#" name)))

typedef struct { int32_t x, y; } point_t;
typedef struct { uint8_t c[3]; str_t name; } rgb_t;
typedef struct { uint8_t is_some; double val[2]; } opt_f64x2_t;
_Static_assert(sizeof(rgb_t) == 12 && sizeof(opt_f64x2_t) == 24, "layouts");

/* ---- bytes4 */
static void bytes4_f(const uint8_t in[4], uint8_t out[4]) { for (int i = 0; i < 4; i++) out[i] = (uint8_t)(in[3 - i] + 1); }
IMPORT("bytes4") extern void imp_bytes4(int32_t, int32_t, int32_t, int32_t, uint8_t ret[4]);
static uint8_t bytes4_ret[4];
EXPORT("bytes4") uint8_t *exp_bytes4(int32_t a, int32_t b, int32_t c, int32_t d) {
  uint8_t in[4] = { (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d }, s[4], r[4];
  bytes4_f(in, s);
  imp_bytes4(s[0], s[1], s[2], s[3], r);
  bytes4_f(r, bytes4_ret);
  return bytes4_ret;
}

/* ---- points */
static void points_f(const point_t in[2], point_t out[2]) {
  for (int i = 0; i < 2; i++) { out[i].x = in[1 - i].y; out[i].y = in[1 - i].x; }
}
IMPORT("points") extern void imp_points(int32_t, int32_t, int32_t, int32_t, point_t ret[2]);
static point_t points_ret[2];
EXPORT("points") point_t *exp_points(int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
  point_t in[2] = { { x0, y0 }, { x1, y1 } }, s[2], r[2];
  points_f(in, s);
  imp_points(s[0].x, s[0].y, s[1].x, s[1].y, r);
  points_f(r, points_ret);
  return points_ret;
}

/* ---- strings: rotate left by one, append "·" (U+00B7) */
static void strings_f(const str_t in[3], str_t out[3]) {
  for (int i = 0; i < 3; i++) {
    const str_t *s = &in[(i + 1) % 3];
    out[i].len = s->len + 2;
    out[i].ptr = xalloc(out[i].len);
    if (s->len) memcpy(out[i].ptr, s->ptr, s->len);
    memcpy(out[i].ptr + s->len, "\xC2\xB7", 2);
  }
}
IMPORT("strings") extern void imp_strings(uint8_t *, size_t, uint8_t *, size_t, uint8_t *, size_t, str_t ret[3]);
EXPORT("strings") str_t *exp_strings(uint8_t *p0, size_t n0, uint8_t *p1, size_t n1, uint8_t *p2, size_t n2) {
  str_t in[3] = { { p0, n0 }, { p1, n1 }, { p2, n2 } }, s[3], r[3];
  strings_f(in, s);
  for (int i = 0; i < 3; i++) str_free(&in[i]);
  imp_strings(s[0].ptr, s[0].len, s[1].ptr, s[1].len, s[2].ptr, s[2].len, r);
  for (int i = 0; i < 3; i++) str_free(&s[i]);
  str_t *ret = xalloc(3 * sizeof *ret);
  strings_f(r, ret);
  for (int i = 0; i < 3; i++) str_free(&r[i]);
  return ret;
}
POST("strings") void post_strings(str_t *ret) { for (int i = 0; i < 3; i++) str_free(&ret[i]); free(ret); }

/* ---- transpose */
IMPORT("transpose") extern void imp_transpose(int32_t, int32_t, int32_t, int32_t, int16_t ret[2][2]);
static int16_t transpose_ret[2][2];
EXPORT("transpose") int16_t *exp_transpose(int32_t a, int32_t b, int32_t c, int32_t d) {
  int16_t r[2][2];
  imp_transpose(a, c, b, d, r);                /* F(((a, b), (c, d))) = ((a, c), (b, d)) */
  transpose_ret[0][0] = r[0][0]; transpose_ret[0][1] = r[1][0];
  transpose_ret[1][0] = r[0][1]; transpose_ret[1][1] = r[1][1];
  return &transpose_ret[0][0];
}

/* ---- sum: 20 flat params, spilled */
IMPORT("sum") extern int64_t imp_sum(const uint32_t args[20]);
EXPORT("sum") int64_t exp_sum(uint32_t *args) {
  uint32_t s[20];
  for (int i = 0; i < 20; i++) s[i] = args[i] + 1;
  free(args);                                   /* the spilled parameter block */
  return (int64_t)((uint64_t)imp_sum(s) * 2);
}

/* ---- shade */
static rgb_t shade_f(const rgb_t *in) {
  rgb_t r;
  r.c[0] = in->c[2]; r.c[1] = in->c[0]; r.c[2] = in->c[1];
  r.name.len = in->name.len;
  r.name.ptr = xalloc(r.name.len);
  for (size_t i = 0; i < r.name.len; i++) r.name.ptr[i] = in->name.ptr[r.name.len - 1 - i];
  return r;
}
IMPORT("shade") extern void imp_shade(int32_t, int32_t, int32_t, uint8_t *, size_t, rgb_t *ret);
EXPORT("shade") rgb_t *exp_shade(int32_t c0, int32_t c1, int32_t c2, uint8_t *p, size_t n) {
  rgb_t in = { { (uint8_t)c0, (uint8_t)c1, (uint8_t)c2 }, { p, n } };
  rgb_t s = shade_f(&in);
  str_free(&in.name);
  rgb_t r;
  imp_shade(s.c[0], s.c[1], s.c[2], s.name.ptr, s.name.len, &r);
  str_free(&s.name);
  rgb_t *ret = xalloc(sizeof *ret);
  *ret = shade_f(&r);
  str_free(&r.name);
  return ret;
}
POST("shade") void post_shade(rgb_t *ret) { str_free(&ret->name); free(ret); }

/* ---- maybe */
IMPORT("maybe") extern void imp_maybe(int32_t, double, double, opt_f64x2_t *ret);
static opt_f64x2_t maybe_ret;
EXPORT("maybe") opt_f64x2_t *exp_maybe(int32_t tag, double a, double b) {
  if (tag) imp_maybe(1, -a, -b, &maybe_ret);
  else imp_maybe(0, 0, 0, &maybe_ret);
  return &maybe_ret;
}

/* ---- big: list<u8, 100000> both ways: 100,000 flat values, so the parameters are spilled
 * (a pointer to a block the host allocated with cabi_realloc; the import gets a pointer to
 * ours) and the result comes back in memory (a return area; the import writes to retptr) */
#define BIG 100000
static void big_f(const uint8_t *in, uint8_t *out) { for (int i = 0; i < BIG; i++) out[i] = (uint8_t)(in[BIG - 1 - i] + 1); }
IMPORT("big") extern void imp_big(const uint8_t *args, uint8_t *ret);
static uint8_t big_s[BIG], big_r[BIG], big_ret[BIG];
EXPORT("big") uint8_t *exp_big(uint8_t *args) {
  big_f(args, big_s);
  free(args);                                   /* the spilled parameter block */
  imp_big(big_s, big_r);
  big_f(big_r, big_ret);
  return big_ret;
}

__attribute__((export_name("heap-bytes")))
int64_t exp_heap_bytes(void) { return e2e_heap_bytes(); }

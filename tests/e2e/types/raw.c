/* raw.c: the `types` world (world.wit) implemented against the raw canonical ABI, with no
 * generated code: every core name, flat signature, memory layout and ownership rule is spelled
 * out by hand. It is the control for the generated-bindings guest (guest.c): it proves the
 * pipeline and the host's expectations independently of witc. Same behaviour as guest.c.
 *
 * Layouts on wasm32 equal the C layouts of the structs below (natural alignment, size_t = 32
 * bits), which the _Static_asserts pin. Ownership, as the canonical ABI has it:
 *   - export arguments (strings, lists, a spilled parameter block) were allocated by the host
 *     through cabi_realloc: the export frees them;
 *   - import results (and everything they point to) were allocated in the guest by the host
 *     through cabi_realloc: the guest frees them;
 *   - export results are malloc'ed (return area included) and freed by the post-return function
 *     the host calls after copying them out;
 *   - import arguments stay the guest's: the host copies them during the call.
 * Zero-length strings and lists may come with any aligned pointer (cabi_realloc hands out the
 * alignment for size 0): never free them. */
#include "raw.h"
#include "fmt.h"
#include "fns.h"

#define FNS "test:types/fns@0.1.0"
#define IMPORT(name) __attribute__((import_module(FNS), import_name(name)))
#define EXPORT(name) __attribute__((export_name(FNS "#" name)))
#define POST(name) __attribute__((export_name("cabi_post_" FNS "#" name)))

/* ---- values -------------------------------------------------------------------------------- */

typedef struct { int32_t x, y; } point_t;
typedef struct { strs_t *ptr; size_t len; } strss_t;     /* list<list<string>> */
typedef struct { point_t *ptr; size_t len; } points_t;
typedef struct { int64_t *ptr; size_t len; } s64s_t;
typedef struct { float *ptr; size_t len; } f32s_t;
typedef struct { uint64_t *ptr; size_t len; } u64s_t;

typedef struct {
  uint8_t a; int8_t b; uint16_t c; int16_t d; uint32_t e; int32_t f; uint64_t g; int64_t h;
  float fl; double db; bool yes; uint32_t ch;
  str_t name; strs_t tags; point_t at;
} mixed_t;
_Static_assert(sizeof(mixed_t) == 80 && _Alignof(mixed_t) == 8, "mixed layout");
_Static_assert(__builtin_offsetof(mixed_t, ch) == 52 && __builtin_offsetof(mixed_t, name) == 56, "mixed");

/* tuple<u8, s8, u16, s16, u32, s32, u64, s64, f32, f64, bool, char>: the first 12 fields of mixed */
typedef struct {
  uint8_t a; int8_t b; uint16_t c; int16_t d; uint32_t e; int32_t f; uint64_t g; int64_t h;
  float i; double j; bool k; uint32_t l;
} scalars_t;
_Static_assert(sizeof(scalars_t) == 56, "scalars layout");

typedef struct { uint8_t tag; union { float circle; double square; uint64_t count; str_t label; point_t at; struct { uint8_t a; float f; } pair; } val; } shape_t;
_Static_assert(sizeof(shape_t) == 16 && __builtin_offsetof(shape_t, val) == 8, "shape layout");
enum { NOTHING, CIRCLE, SQUARE, COUNT, LABEL, AT, PAIR };

typedef struct { uint8_t is_some; uint32_t val; } opt_u32_t;
typedef struct { uint8_t is_some; str_t val; } opt_str_t;
typedef struct { uint8_t is_some; struct { uint8_t is_some; uint8_t val; } val; } opt_opt_t;
typedef struct { uint8_t is_some; point_t val; } opt_point_t;
typedef struct { uint8_t is_err; union { int32_t ok; str_t err; } val; } res_s32_str_t;
typedef struct { uint8_t is_err; uint32_t ok; } res_u32_t;
typedef struct { uint8_t is_err; str_t err; } res_err_str_t;
typedef struct { uint8_t is_err; union { uint32_t ok; str_t err; } val; } status_t;
typedef struct { bool b; uint32_t n; str_t s; } swapped_t;
typedef struct { double total; str_t text; uint32_t count; } summary_t;
typedef struct { uint32_t n; str_t label; } counter_t;
_Static_assert(sizeof(opt_opt_t) == 3 && sizeof(opt_str_t) == 12 && sizeof(status_t) == 12, "options");
_Static_assert(sizeof(swapped_t) == 16 && sizeof(summary_t) == 24 && sizeof(counter_t) == 12, "records");

/* many's 14 parameters, spilled: tuple<u8, s16, u32, s64, f32, f64, bool, char, string, list<u8>,
 * point, option<u32>, u64, s8> */
typedef struct {
  uint8_t a1; int16_t a2; uint32_t a3; int64_t a4; float a5; double a6; bool a7; uint32_t a8;
  str_t a9; str_t a10; point_t a11; opt_u32_t a12; uint64_t a13; int8_t a14;
} many_args_t;
_Static_assert(sizeof(many_args_t) == 88 && __builtin_offsetof(many_args_t, a12) == 64 &&
               __builtin_offsetof(many_args_t, a14) == 80, "many layout");

static str_t str_copy(const void *s, size_t n) {
  str_t r = { xalloc(n), n };
  if (n) memcpy(r.ptr, s, n);
  return r;
}
static str_t str_cat(str_t a, const char *b, size_t bn) {
  str_t r = { xalloc(a.len + bn), a.len + bn };
  if (a.len) memcpy(r.ptr, a.ptr, a.len);
  if (bn) memcpy(r.ptr + a.len, b, bn);
  return r;
}
static void strs_free(strs_t *l) {
  for (size_t i = 0; i < l->len; i++) str_free(&l->ptr[i]);
  xfree(l->ptr, l->len * sizeof(str_t));
}

static point_t rotate(point_t p) { return (point_t){ (int32_t)(0u - (uint32_t)p.y), p.x }; }

/* ---- scalars ------------------------------------------------------------------------------- */

IMPORT("not-bool") extern int32_t imp_not_bool(int32_t);
IMPORT("dec-s8") extern int32_t imp_dec_s8(int32_t);
IMPORT("inc-u16") extern int32_t imp_inc_u16(int32_t);
IMPORT("inc-u64") extern int64_t imp_inc_u64(int64_t);
IMPORT("half-f32") extern float imp_half_f32(float);
IMPORT("half-f64") extern double imp_half_f64(double);
IMPORT("next-char") extern int32_t imp_next_char(int32_t);

EXPORT("not-bool") int32_t exp_not_bool(int32_t x) { return !imp_not_bool(!x); }
EXPORT("dec-s8") int32_t exp_dec_s8(int32_t x) {
  int8_t y = (int8_t)(imp_dec_s8((int8_t)(x - 1)) - 1);
  return y;
}
EXPORT("inc-u16") int32_t exp_inc_u16(int32_t x) {
  return (uint16_t)(imp_inc_u16((uint16_t)(x + 1)) + 1);
}
EXPORT("inc-u64") int64_t exp_inc_u64(int64_t x) {
  return (int64_t)((uint64_t)imp_inc_u64((int64_t)((uint64_t)x + 1)) + 1);
}
EXPORT("half-f32") float exp_half_f32(float x) { return imp_half_f32(x / 2) / 2; }
EXPORT("half-f64") double exp_half_f64(double x) { return imp_half_f64(x / 2) / 2; }
EXPORT("next-char") int32_t exp_next_char(int32_t c) {
  return (int32_t)next_char((uint32_t)imp_next_char((int32_t)next_char((uint32_t)c)));
}

static void scalars_f(scalars_t *s) {
  s->a++; s->b = (int8_t)(s->b + 1); s->c++; s->d = (int16_t)(s->d + 1); s->e++;
  s->f = (int32_t)((uint32_t)s->f + 1); s->g++; s->h = (int64_t)((uint64_t)s->h + 1);
  s->i *= 2; s->j *= 2; s->k = !s->k; s->l = next_char(s->l);
}
IMPORT("scalars") extern void imp_scalars(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t,
                                          int64_t, int64_t, float, double, int32_t, int32_t, scalars_t *ret);
EXPORT("scalars") scalars_t *exp_scalars(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f,
                                         int64_t g, int64_t h, float i, double j, int32_t k, int32_t l) {
  scalars_t s = { (uint8_t)a, (int8_t)b, (uint16_t)c, (int16_t)d, (uint32_t)e, f, (uint64_t)g, h, i, j, k != 0, (uint32_t)l };
  scalars_f(&s);
  scalars_t r;
  imp_scalars(s.a, s.b, s.c, s.d, (int32_t)s.e, s.f, (int64_t)s.g, s.h, s.i, s.j, s.k, (int32_t)s.l, &r);
  scalars_f(&r);
  scalars_t *ret = xalloc(sizeof *ret);
  *ret = r;
  return ret;
}
POST("scalars") void post_scalars(scalars_t *ret) { free(ret); }

/* ---- strings ------------------------------------------------------------------------------- */

static str_t rev_append(const uint8_t *p, size_t n) {
  str_t r = { xalloc(n + 2), n + 2 };
  rev_utf8(p, n, r.ptr);
  memcpy(r.ptr + n, "\xC2\xA1", 2); /* ¡ */
  return r;
}
static void post_str(str_t *ret) { str_free(ret); free(ret); }

IMPORT("rev-append") extern void imp_rev_append(const uint8_t *, size_t, str_t *ret);
EXPORT("rev-append") str_t *exp_rev_append(uint8_t *p, size_t n) {
  str_t s = rev_append(p, n);
  xfree(p, n);
  str_t r;
  imp_rev_append(s.ptr, s.len, &r);
  str_free(&s);
  str_t *ret = xalloc(sizeof *ret);
  *ret = rev_append(r.ptr, r.len);
  str_free(&r);
  return ret;
}
POST("rev-append") void post_rev_append(str_t *ret) { post_str(ret); }

IMPORT("join") extern void imp_join(const str_t *, size_t, const uint8_t *, size_t, str_t *ret);
EXPORT("join") str_t *exp_join(str_t *parts, size_t n, uint8_t *sep, size_t sep_len) {
  str_t *rev = xalloc(n * sizeof *rev);
  for (size_t i = 0; i < n; i++) rev[i] = parts[n - 1 - i];   /* borrowed views */
  str_t sep2 = { xalloc(2 * sep_len), 2 * sep_len };
  if (sep_len) { memcpy(sep2.ptr, sep, sep_len); memcpy(sep2.ptr + sep_len, sep, sep_len); }
  str_t r;
  imp_join(rev, n, sep2.ptr, sep2.len, &r);
  xfree(rev, n * sizeof *rev);
  str_free(&sep2);
  strs_t owned = { parts, n };
  strs_free(&owned);
  xfree(sep, sep_len);
  str_t *ret = xalloc(sizeof *ret);
  ret->len = r.len + 2;
  ret->ptr = xalloc(ret->len);
  ret->ptr[0] = '<';
  if (r.len) memcpy(ret->ptr + 1, r.ptr, r.len);
  ret->ptr[r.len + 1] = '>';
  str_free(&r);
  return ret;
}
POST("join") void post_join(str_t *ret) { post_str(ret); }

/* ---- lists --------------------------------------------------------------------------------- */

static str_t bump(const uint8_t *p, size_t n) {
  str_t r = { xalloc(n), n };
  for (size_t i = 0; i < n; i++) r.ptr[i] = (uint8_t)(p[n - 1 - i] + 1);
  return r;
}
IMPORT("bump-bytes") extern void imp_bump_bytes(const uint8_t *, size_t, str_t *ret);
EXPORT("bump-bytes") str_t *exp_bump_bytes(uint8_t *p, size_t n) {
  str_t s = bump(p, n);
  xfree(p, n);
  str_t r;
  imp_bump_bytes(s.ptr, s.len, &r);
  str_free(&s);
  str_t *ret = xalloc(sizeof *ret);
  *ret = bump(r.ptr, r.len);
  str_free(&r);
  return ret;
}
POST("bump-bytes") void post_bump_bytes(str_t *ret) { post_str(ret); }

/* F rotates in place */
static void rotate_all(point_t *ps, size_t n) { for (size_t i = 0; i < n; i++) ps[i] = rotate(ps[i]); }
IMPORT("rotate") extern void imp_rotate(const point_t *, size_t, points_t *ret);
EXPORT("rotate") points_t *exp_rotate(point_t *ps, size_t n) {
  rotate_all(ps, n);                    /* the argument is ours: transform it in place */
  points_t r;
  imp_rotate(ps, n, &r);
  xfree(ps, n * sizeof *ps);
  rotate_all(r.ptr, r.len);
  points_t *ret = xalloc(sizeof *ret);
  *ret = r;                             /* hand the host's buffer back: post-return frees it */
  return ret;
}
POST("rotate") void post_rotate(points_t *ret) { xfree(ret->ptr, ret->len * sizeof(point_t)); free(ret); }

/* F(xss): outer reversed, "+" appended to every string; builds a fresh value */
static strss_t nested_f(const strs_t *xss, size_t n) {
  strss_t r = { xalloc(n * sizeof(strs_t)), n };
  for (size_t i = 0; i < n; i++) {
    const strs_t *in = &xss[n - 1 - i];
    strs_t *out = &r.ptr[i];
    out->len = in->len;
    out->ptr = xalloc(in->len * sizeof(str_t));
    for (size_t j = 0; j < in->len; j++) out->ptr[j] = str_cat(in->ptr[j], "+", 1);
  }
  return r;
}
static void strss_free(strss_t *l) {
  for (size_t i = 0; i < l->len; i++) strs_free(&l->ptr[i]);
  xfree(l->ptr, l->len * sizeof(strs_t));
}
IMPORT("nested") extern void imp_nested(const strs_t *, size_t, strss_t *ret);
EXPORT("nested") strss_t *exp_nested(strs_t *xss, size_t n) {
  strss_t s = nested_f(xss, n);
  strss_t arg = { xss, n };
  strss_free(&arg);
  strss_t r;
  imp_nested(s.ptr, s.len, &r);
  strss_free(&s);
  strss_t *ret = xalloc(sizeof *ret);
  *ret = nested_f(r.ptr, r.len);
  strss_free(&r);
  return ret;
}
POST("nested") void post_nested(strss_t *ret) { strss_free(ret); free(ret); }

IMPORT("inc-s64s") extern void imp_inc_s64s(const int64_t *, size_t, s64s_t *ret);
EXPORT("inc-s64s") s64s_t *exp_inc_s64s(int64_t *xs, size_t n) {
  for (size_t i = 0; i < n; i++) xs[i] = (int64_t)((uint64_t)xs[i] + 1);
  s64s_t r;
  imp_inc_s64s(xs, n, &r);
  xfree(xs, n * 8);
  for (size_t i = 0; i < r.len; i++) r.ptr[i] = (int64_t)((uint64_t)r.ptr[i] + 1);
  s64s_t *ret = xalloc(sizeof *ret);
  *ret = r;
  return ret;
}
POST("inc-s64s") void post_inc_s64s(s64s_t *ret) { xfree(ret->ptr, ret->len * 8); free(ret); }

IMPORT("neg-f32s") extern void imp_neg_f32s(const float *, size_t, f32s_t *ret);
EXPORT("neg-f32s") f32s_t *exp_neg_f32s(float *xs, size_t n) {
  for (size_t i = 0; i < n; i++) xs[i] = -xs[i];
  f32s_t r;
  imp_neg_f32s(xs, n, &r);
  xfree(xs, n * 4);
  for (size_t i = 0; i < r.len; i++) r.ptr[i] = -r.ptr[i];
  f32s_t *ret = xalloc(sizeof *ret);
  *ret = r;
  return ret;
}
POST("neg-f32s") void post_neg_f32s(f32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

/* ---- options ------------------------------------------------------------------------------- */

static opt_u32_t opt_u32_f(opt_u32_t o) {
  if (!o.is_some) return (opt_u32_t){ 1, 0 };
  if (o.val % 2 == 0) return (opt_u32_t){ 1, o.val + 1 };
  return (opt_u32_t){ 0, 0 };
}
IMPORT("opt-u32") extern void imp_opt_u32(int32_t, int32_t, opt_u32_t *ret);
EXPORT("opt-u32") opt_u32_t *exp_opt_u32(int32_t tag, int32_t val) {
  opt_u32_t o = opt_u32_f((opt_u32_t){ (uint8_t)tag, tag ? (uint32_t)val : 0 });
  opt_u32_t r;
  imp_opt_u32(o.is_some, o.is_some ? (int32_t)o.val : 0, &r);
  opt_u32_t *ret = xalloc(sizeof *ret);
  *ret = opt_u32_f(r);
  return ret;
}
POST("opt-u32") void post_opt_u32(opt_u32_t *ret) { free(ret); }

static opt_str_t opt_string_f(const opt_str_t *o) {
  if (!o->is_some) return (opt_str_t){ 1, str_copy("\xE2\x88\x85", 3) }; /* ∅ */
  if (o->val.len < 4) return (opt_str_t){ 1, str_cat(o->val, "?", 1) };
  return (opt_str_t){ 0, { NULL, 0 } };
}
IMPORT("opt-string") extern void imp_opt_string(int32_t, const uint8_t *, size_t, opt_str_t *ret);
EXPORT("opt-string") opt_str_t *exp_opt_string(int32_t tag, uint8_t *p, size_t n) {
  opt_str_t in = { (uint8_t)tag, { tag ? p : NULL, tag ? n : 0 } };
  opt_str_t o = opt_string_f(&in);
  if (in.is_some) str_free(&in.val);
  opt_str_t r;
  imp_opt_string(o.is_some, o.is_some ? o.val.ptr : NULL, o.is_some ? o.val.len : 0, &r);
  if (o.is_some) str_free(&o.val);
  opt_str_t *ret = xalloc(sizeof *ret);
  *ret = opt_string_f(&r);
  if (r.is_some) str_free(&r.val);
  return ret;
}
POST("opt-string") void post_opt_string(opt_str_t *ret) { if (ret->is_some) str_free(&ret->val); free(ret); }

static opt_opt_t opt_opt_f(opt_opt_t o) {
  opt_opt_t r = { 0, { 0, 0 } };
  if (!o.is_some) { r.is_some = 1; return r; }                                  /* some(none) */
  if (!o.val.is_some) { r.is_some = 1; r.val.is_some = 1; return r; }          /* some(some(0)) */
  if (o.val.val == 255) return r;                                              /* none */
  r.is_some = 1; r.val.is_some = 1; r.val.val = (uint8_t)(o.val.val + 1);
  return r;
}
IMPORT("opt-opt") extern void imp_opt_opt(int32_t, int32_t, int32_t, opt_opt_t *ret);
EXPORT("opt-opt") opt_opt_t *exp_opt_opt(int32_t tag, int32_t itag, int32_t val) {
  opt_opt_t in = { (uint8_t)tag, { (uint8_t)(tag ? itag : 0), (uint8_t)(tag && itag ? val : 0) } };
  opt_opt_t o = opt_opt_f(in);
  opt_opt_t r;
  imp_opt_opt(o.is_some, o.is_some ? o.val.is_some : 0, o.is_some && o.val.is_some ? o.val.val : 0, &r);
  opt_opt_t *ret = xalloc(sizeof *ret);
  *ret = opt_opt_f(r);
  return ret;
}
POST("opt-opt") void post_opt_opt(opt_opt_t *ret) { free(ret); }

static opt_point_t maybe_f(opt_point_t o) {
  if (!o.is_some) return (opt_point_t){ 1, { 0, 0 } };
  return (opt_point_t){ 1, { o.val.y, (int32_t)((uint32_t)o.val.x + 1) } };
}
IMPORT("maybe") extern void imp_maybe(int32_t, int32_t, int32_t, opt_point_t *ret);
EXPORT("maybe") opt_point_t *exp_maybe(int32_t tag, int32_t x, int32_t y) {
  opt_point_t o = maybe_f((opt_point_t){ (uint8_t)tag, { tag ? x : 0, tag ? y : 0 } });
  opt_point_t r;
  imp_maybe(o.is_some, o.val.x, o.val.y, &r);
  opt_point_t *ret = xalloc(sizeof *ret);
  *ret = maybe_f(r);
  return ret;
}
POST("maybe") void post_maybe(opt_point_t *ret) { free(ret); }

/* ---- results ------------------------------------------------------------------------------- */

IMPORT("checked-div") extern void imp_checked_div(int32_t, int32_t, res_s32_str_t *ret);
EXPORT("checked-div") res_s32_str_t *exp_checked_div(int32_t a, int32_t b) {
  res_s32_str_t r;
  imp_checked_div((int32_t)((uint32_t)a * 2), b, &r);
  res_s32_str_t *ret = xalloc(sizeof *ret);
  ret->is_err = r.is_err;
  if (!r.is_err) {
    ret->val.ok = (int32_t)((uint32_t)r.val.ok + 1);
  } else {
    ret->val.err = (str_t){ NULL, 0 };
    str_t prefix = { (uint8_t *)"guest: ", 7 };
    ret->val.err = str_cat(prefix, (const char *)r.val.err.ptr, r.val.err.len);
    str_free(&r.val.err);
  }
  return ret;
}
POST("checked-div") void post_checked_div(res_s32_str_t *ret) { if (ret->is_err) str_free(&ret->val.err); free(ret); }

IMPORT("res-ok-only") extern void imp_res_ok_only(int32_t, res_u32_t *ret);
EXPORT("res-ok-only") res_u32_t *exp_res_ok_only(int32_t x) {
  res_u32_t r;
  imp_res_ok_only((int32_t)((uint32_t)x + 1), &r);
  res_u32_t *ret = xalloc(sizeof *ret);
  ret->is_err = r.is_err;
  ret->ok = r.is_err ? 0 : r.ok * 2;
  return ret;
}
POST("res-ok-only") void post_res_ok_only(res_u32_t *ret) { free(ret); }

IMPORT("res-err-only") extern void imp_res_err_only(const uint8_t *, size_t, res_err_str_t *ret);
EXPORT("res-err-only") res_err_str_t *exp_res_err_only(uint8_t *p, size_t n) {
  str_t in = { p, n };
  str_t arg = str_cat(in, "!", 1);
  str_free(&in);
  res_err_str_t r;
  imp_res_err_only(arg.ptr, arg.len, &r);
  str_free(&arg);
  res_err_str_t *ret = xalloc(sizeof *ret);
  ret->is_err = r.is_err;
  ret->err = (str_t){ NULL, 0 };
  if (r.is_err) {
    ret->err = (str_t){ xalloc(r.err.len), r.err.len };
    rev_utf8(r.err.ptr, r.err.len, ret->err.ptr);
    str_free(&r.err);
  }
  return ret;
}
POST("res-err-only") void post_res_err_only(res_err_str_t *ret) { if (ret->is_err) str_free(&ret->err); free(ret); }

IMPORT("res-empty") extern int32_t imp_res_empty(int32_t);
EXPORT("res-empty") int32_t exp_res_empty(int32_t x) { return imp_res_empty(!x) ? 1 : 0; }

static status_t status_f(const status_t *s) {
  status_t r = { 0, { 0 } };
  if (!s->is_err) {
    if (s->val.ok < 1000) { r.val.ok = s->val.ok * 3; return r; }
    char buf[24] = "big ";
    size_t n = 4 + fmt_u64(s->val.ok, buf + 4);
    r.is_err = 1;
    r.val.err = str_copy(buf, n);
    return r;
  }
  r.val.ok = (uint32_t)s->val.err.len;
  return r;
}
IMPORT("status-of") extern void imp_status_of(int32_t, int32_t, int32_t, status_t *ret);
EXPORT("status-of") status_t *exp_status_of(int32_t tag, int32_t a, int32_t b) {
  status_t in = { (uint8_t)tag, { 0 } };
  if (tag) in.val.err = (str_t){ (uint8_t *)(uintptr_t)a, (size_t)b }; else in.val.ok = (uint32_t)a;
  status_t s = status_f(&in);
  if (in.is_err) str_free(&in.val.err);
  status_t r;
  if (s.is_err) imp_status_of(1, (int32_t)(uintptr_t)s.val.err.ptr, (int32_t)s.val.err.len, &r);
  else imp_status_of(0, (int32_t)s.val.ok, 0, &r);
  if (s.is_err) str_free(&s.val.err);
  status_t *ret = xalloc(sizeof *ret);
  *ret = status_f(&r);
  if (r.is_err) str_free(&r.val.err);
  return ret;
}
POST("status-of") void post_status_of(status_t *ret) { if (ret->is_err) str_free(&ret->val.err); free(ret); }

/* ---- aggregates ---------------------------------------------------------------------------- */

IMPORT("swap") extern void imp_swap(const uint8_t *, size_t, int32_t, int32_t, swapped_t *ret);
EXPORT("swap") swapped_t *exp_swap(uint8_t *p, size_t n, int32_t num, int32_t b) {
  swapped_t r;
  imp_swap(p, n, (int32_t)((uint32_t)num + 1), !b, &r);
  xfree(p, n);
  swapped_t *ret = xalloc(sizeof *ret);
  ret->b = !r.b;
  ret->n = r.n * 2;
  ret->s = str_cat(r.s, (const char *)r.s.ptr, r.s.len);
  str_free(&r.s);
  return ret;
}
POST("swap") void post_swap(swapped_t *ret) { str_free(&ret->s); free(ret); }

/* F on a mixed, building a fresh value (the input stays untouched) */
static mixed_t mixed_f(const mixed_t *m) {
  mixed_t r = *m;
  r.a++; r.b = (int8_t)(r.b + 1); r.c++; r.d = (int16_t)(r.d + 1); r.e++;
  r.f = (int32_t)((uint32_t)r.f + 1); r.g++; r.h = (int64_t)((uint64_t)r.h + 1);
  r.fl *= 2; r.db *= 2; r.yes = !r.yes; r.ch = next_char(r.ch);
  r.name = str_cat(m->name, "*", 1);
  r.tags.len = m->tags.len;
  r.tags.ptr = xalloc(m->tags.len * sizeof(str_t));
  for (size_t i = 0; i < m->tags.len; i++) {
    const str_t *t = &m->tags.ptr[m->tags.len - 1 - i];
    r.tags.ptr[i] = str_copy(t->ptr, t->len);
  }
  r.at = rotate(m->at);
  return r;
}
static void mixed_free(mixed_t *m) { str_free(&m->name); strs_free(&m->tags); }

IMPORT("transform") extern void imp_transform(const mixed_t *args, mixed_t *ret);
EXPORT("transform") mixed_t *exp_transform(mixed_t *args) {
  mixed_t s = mixed_f(args);
  mixed_free(args);
  free(args);                        /* the spilled parameter block: allocated by the host */
  mixed_t r;
  imp_transform(&s, &r);
  mixed_free(&s);
  mixed_t *ret = xalloc(sizeof *ret);
  *ret = mixed_f(&r);
  mixed_free(&r);
  return ret;
}
POST("transform") void post_transform(mixed_t *ret) { mixed_free(ret); free(ret); }

static shape_t shape_f(const shape_t *s) {
  shape_t r;
  memset(&r, 0, sizeof r);
  switch (s->tag) {
  case NOTHING: r.tag = CIRCLE; r.val.circle = 1.5f; break;
  case CIRCLE: r.tag = SQUARE; r.val.square = (double)s->val.circle * 2; break;
  case SQUARE: r.tag = COUNT; r.val.count = (uint64_t)(int64_t)s->val.square; break;
  case COUNT: { char buf[20]; r.tag = LABEL; r.val.label = str_copy(buf, fmt_u64(s->val.count, buf)); break; }
  case LABEL: r.tag = AT; r.val.at = (point_t){ (int32_t)s->val.label.len, -(int32_t)s->val.label.len }; break;
  case AT: r.tag = PAIR; r.val.pair.a = (uint8_t)(s->val.at.x & 255); r.val.pair.f = (float)s->val.at.y; break;
  case PAIR: r.tag = NOTHING; break;
  default: abort();
  }
  return r;
}
/* flat form: [i32 tag, i64 slot0, i32 slot1]; slot0 = join(f32, f64, i64, i32, i32, i32) = i64,
 * slot1 = join(i32, i32, f32) = i32 */
static shape_t shape_lift(int32_t tag, int64_t p0, int32_t p1) {
  shape_t s;
  memset(&s, 0, sizeof s);
  s.tag = (uint8_t)tag;
  uint32_t lo = (uint32_t)(uint64_t)p0;
  switch (tag) {
  case NOTHING: break;
  case CIRCLE: memcpy(&s.val.circle, &lo, 4); break;
  case SQUARE: memcpy(&s.val.square, &p0, 8); break;
  case COUNT: s.val.count = (uint64_t)p0; break;
  case LABEL: s.val.label = (str_t){ (uint8_t *)(uintptr_t)lo, (size_t)(uint32_t)p1 }; break;
  case AT: s.val.at = (point_t){ (int32_t)lo, p1 }; break;
  case PAIR: s.val.pair.a = (uint8_t)lo; memcpy(&s.val.pair.f, &p1, 4); break;
  default: abort();
  }
  return s;
}
static void shape_lower(const shape_t *s, int32_t *tag, int64_t *p0, int32_t *p1) {
  uint32_t u = 0;
  *tag = s->tag; *p0 = 0; *p1 = 0;
  switch (s->tag) {
  case NOTHING: break;
  case CIRCLE: memcpy(&u, &s->val.circle, 4); *p0 = (int64_t)(uint64_t)u; break;   /* f32 bits, zero-extended */
  case SQUARE: memcpy(p0, &s->val.square, 8); break;
  case COUNT: *p0 = (int64_t)s->val.count; break;
  case LABEL: *p0 = (int64_t)(uint64_t)(uintptr_t)s->val.label.ptr; *p1 = (int32_t)s->val.label.len; break;
  case AT: *p0 = (int64_t)(uint64_t)(uint32_t)s->val.at.x; *p1 = s->val.at.y; break;  /* i32 zero-extended */
  case PAIR: *p0 = s->val.pair.a; memcpy(p1, &s->val.pair.f, 4); break;
  default: abort();
  }
}
static void shape_free(shape_t *s) { if (s->tag == LABEL) str_free(&s->val.label); }

IMPORT("next-shape") extern void imp_next_shape(int32_t, int64_t, int32_t, shape_t *ret);
EXPORT("next-shape") shape_t *exp_next_shape(int32_t tag, int64_t p0, int32_t p1) {
  shape_t in = shape_lift(tag, p0, p1);
  shape_t s = shape_f(&in);
  shape_free(&in);
  int32_t t, q1; int64_t q0;
  shape_lower(&s, &t, &q0, &q1);
  shape_t r;
  imp_next_shape(t, q0, q1, &r);
  shape_free(&s);
  shape_t *ret = xalloc(sizeof *ret);
  *ret = shape_f(&r);
  shape_free(&r);
  return ret;
}
POST("next-shape") void post_next_shape(shape_t *ret) { shape_free(ret); free(ret); }

IMPORT("next-color") extern int32_t imp_next_color(int32_t);
EXPORT("next-color") int32_t exp_next_color(int32_t c) { return (imp_next_color((c + 1) % 4) + 1) % 4; }

static uint8_t flip_small(uint8_t f) { uint8_t t = (uint8_t)(~f & 7); return (uint8_t)(((t << 1) | (t >> 2)) & 7); }
IMPORT("flip-small") extern int32_t imp_flip_small(int32_t);
IMPORT("flip-medium") extern int32_t imp_flip_medium(int32_t);
IMPORT("flip-large") extern int32_t imp_flip_large(int32_t);
EXPORT("flip-small") int32_t exp_flip_small(int32_t f) { return flip_small((uint8_t)imp_flip_small(flip_small((uint8_t)f))); }
EXPORT("flip-medium") int32_t exp_flip_medium(int32_t f) { return ~imp_flip_medium(~f & 0xFFF) & 0xFFF; }
EXPORT("flip-large") int32_t exp_flip_large(int32_t f) { return ~imp_flip_large(~f & 0xFFFFF) & 0xFFFFF; }

/* record keywords { if: u32, default: string, switch: bool, static: s8, int: f64 }: size 24 */
typedef struct { uint32_t if_; str_t default_; bool switch_; int8_t static_; double int_; } keywords_t;
_Static_assert(sizeof(keywords_t) == 24 && __builtin_offsetof(keywords_t, int_) == 16, "keywords layout");
static keywords_t keywords_f(const keywords_t *k) {
  keywords_t r = { k->if_ + 1, str_cat(k->default_, "?", 1), !k->switch_, (int8_t)(k->static_ - 1), k->int_ * -2 };
  return r;
}
IMPORT("switch") extern void imp_switch(int32_t, const uint8_t *, size_t, int32_t, int32_t, double, keywords_t *ret);
EXPORT("switch") keywords_t *exp_switch(int32_t i, uint8_t *p, size_t n, int32_t sw, int32_t st, double in) {
  keywords_t k = { (uint32_t)i, { p, n }, sw != 0, (int8_t)st, in };
  keywords_t a = keywords_f(&k);
  str_free(&k.default_);
  keywords_t r;
  imp_switch((int32_t)a.if_, a.default_.ptr, a.default_.len, a.switch_, a.static_, a.int_, &r);
  str_free(&a.default_);
  keywords_t *ret = xalloc(sizeof *ret);
  *ret = keywords_f(&r);
  str_free(&r.default_);
  return ret;
}
POST("switch") void post_switch(keywords_t *ret) { str_free(&ret->default_); free(ret); }

IMPORT("flip-full") extern int32_t imp_flip_full(int32_t);
EXPORT("flip-full") int32_t exp_flip_full(int32_t f) { return ~imp_flip_full(~f); }

IMPORT("next-big") extern int32_t imp_next_big(int32_t);
EXPORT("next-big") int32_t exp_next_big(int32_t e) { return (imp_next_big((e + 7) % 300) + 7) % 300; }

/* bag: list<shape> (16-byte elements), list<option<string>> (12-byte elements) and
 * option<result<list<string>, tuple<u8, string>>> (20 bytes: disc @0, result @4 = disc @4,
 * payload @8; flat [opt disc, result disc, p0, p1, p2] with the payloads joined:
 * ok(list) = (ptr, len, 0), err((n, s)) = (n, s.ptr, s.len)) */
typedef struct { shape_t *ptr; size_t len; } shapes_t;
typedef struct { opt_str_t *ptr; size_t len; } opt_strs_t;
typedef struct { uint8_t is_err; union { strs_t ok; struct { uint8_t n; str_t s; } err; } val; } deep_res_t;
typedef struct { uint8_t is_some; deep_res_t val; } deep_t;
typedef struct { shapes_t shapes; opt_strs_t names; deep_t deep; } bag_t;
_Static_assert(sizeof(deep_t) == 20 && sizeof(bag_t) == 36 && sizeof(opt_str_t) == 12, "bag layout");

static shapes_t shapes_f(const shapes_t *in) {
  shapes_t r = { xalloc(in->len * sizeof(shape_t)), in->len };
  for (size_t i = 0; i < in->len; i++) r.ptr[i] = shape_f(&in->ptr[i]);
  return r;
}
static void shapes_free(shapes_t *l) {
  for (size_t i = 0; i < l->len; i++) shape_free(&l->ptr[i]);
  xfree(l->ptr, l->len * sizeof(shape_t));
}
static opt_str_t name_f(const opt_str_t *o) {
  if (!o->is_some) return (opt_str_t){ 1, str_copy("?", 1) };
  if (o->val.len < 6) return (opt_str_t){ 1, str_cat(o->val, "!", 1) };
  return (opt_str_t){ 0, { NULL, 0 } };
}
static opt_strs_t names_f(const opt_strs_t *in) {
  opt_strs_t r = { xalloc(in->len * sizeof(opt_str_t)), in->len };
  for (size_t i = 0; i < in->len; i++) r.ptr[i] = name_f(&in->ptr[i]);
  return r;
}
static void names_free(opt_strs_t *l) {
  for (size_t i = 0; i < l->len; i++) if (l->ptr[i].is_some) str_free(&l->ptr[i].val);
  xfree(l->ptr, l->len * sizeof(opt_str_t));
}
static deep_t deep_f(const deep_t *d) {
  deep_t r;
  memset(&r, 0, sizeof r);
  if (!d->is_some) { r.is_some = 1; r.val.val.ok = (strs_t){ (str_t *)8, 0 }; return r; }
  if (d->val.is_err) return r;
  const strs_t *l = &d->val.val.ok;
  r.is_some = 1;
  if (l->len < 2) {
    r.val.val.ok.len = l->len + 1;
    r.val.val.ok.ptr = xalloc((l->len + 1) * sizeof(str_t));
    for (size_t i = 0; i < l->len; i++) r.val.val.ok.ptr[i] = str_copy(l->ptr[i].ptr, l->ptr[i].len);
    r.val.val.ok.ptr[l->len] = str_copy("x", 1);
    return r;
  }
  size_t n = 0;
  for (size_t i = 0; i < l->len; i++) n += l->ptr[i].len + (i ? 1 : 0);
  str_t s = { xalloc(n), n };
  size_t o = 0;
  for (size_t i = 0; i < l->len; i++) {
    if (i) s.ptr[o++] = ',';
    if (l->ptr[i].len) memcpy(s.ptr + o, l->ptr[i].ptr, l->ptr[i].len);
    o += l->ptr[i].len;
  }
  r.val.is_err = 1;
  r.val.val.err.n = (uint8_t)l->len;
  r.val.val.err.s = s;
  return r;
}
static void deep_free(deep_t *d) {
  if (!d->is_some) return;
  if (d->val.is_err) str_free(&d->val.val.err.s); else strs_free(&d->val.val.ok);
}
static deep_t deep_lift(int32_t some, int32_t err, int32_t p0, int32_t p1, int32_t p2) {
  deep_t d;
  memset(&d, 0, sizeof d);
  d.is_some = (uint8_t)some;
  if (!some) return d;
  d.val.is_err = (uint8_t)err;
  if (err) { d.val.val.err.n = (uint8_t)p0; d.val.val.err.s = (str_t){ (uint8_t *)(uintptr_t)p1, (size_t)p2 }; }
  else d.val.val.ok = (strs_t){ (str_t *)(uintptr_t)p0, (size_t)p1 };
  return d;
}
IMPORT("bag") extern void imp_bag(const shape_t *, size_t, const opt_str_t *, size_t,
                                  int32_t, int32_t, int32_t, int32_t, int32_t, bag_t *ret);
EXPORT("bag") bag_t *exp_bag(shape_t *sp, size_t sn, opt_str_t *np, size_t nn,
                             int32_t some, int32_t err, int32_t p0, int32_t p1, int32_t p2) {
  shapes_t shapes = { sp, sn };
  opt_strs_t names = { np, nn };
  deep_t deep = deep_lift(some, err, p0, p1, p2);
  bag_t a = { shapes_f(&shapes), names_f(&names), deep_f(&deep) };
  shapes_free(&shapes);
  names_free(&names);
  deep_free(&deep);
  int32_t q[3] = { 0, 0, 0 };
  if (a.deep.is_some) {
    if (a.deep.val.is_err) { q[0] = a.deep.val.val.err.n; q[1] = (int32_t)(uintptr_t)a.deep.val.val.err.s.ptr; q[2] = (int32_t)a.deep.val.val.err.s.len; }
    else { q[0] = (int32_t)(uintptr_t)a.deep.val.val.ok.ptr; q[1] = (int32_t)a.deep.val.val.ok.len; }
  }
  bag_t r;
  imp_bag(a.shapes.ptr, a.shapes.len, a.names.ptr, a.names.len, a.deep.is_some, a.deep.is_some ? a.deep.val.is_err : 0,
          q[0], q[1], q[2], &r);
  shapes_free(&a.shapes);
  names_free(&a.names);
  deep_free(&a.deep);
  bag_t *ret = xalloc(sizeof *ret);
  ret->shapes = shapes_f(&r.shapes);
  ret->names = names_f(&r.names);
  ret->deep = deep_f(&r.deep);
  shapes_free(&r.shapes);
  names_free(&r.names);
  deep_free(&r.deep);
  return ret;
}
POST("bag") void post_bag(bag_t *ret) { shapes_free(&ret->shapes); names_free(&ret->names); deep_free(&ret->deep); free(ret); }

IMPORT("sum-ids") extern int64_t imp_sum_ids(const uint64_t *, size_t);
EXPORT("sum-ids") int64_t exp_sum_ids(uint64_t *xs, size_t n) {
  for (size_t i = 0; i < n; i++) xs[i] *= 2;
  uint64_t r = (uint64_t)imp_sum_ids(xs, n);
  xfree(xs, n * 8);
  return (int64_t)(r + 1);
}

IMPORT("many") extern void imp_many(const many_args_t *args, summary_t *ret);
EXPORT("many") summary_t *exp_many(many_args_t *in) {
  many_args_t a = *in;
  a.a1++; a.a2 = (int16_t)(a.a2 + 1); a.a3++; a.a4 = (int64_t)((uint64_t)a.a4 + 1);
  a.a13++; a.a14 = (int8_t)(a.a14 + 1);
  a.a9 = str_cat(in->a9, "#", 1);
  a.a10 = (str_t){ xalloc(in->a10.len), in->a10.len };
  for (size_t i = 0; i < a.a10.len; i++) a.a10.ptr[i] = in->a10.ptr[a.a10.len - 1 - i];
  a.a11 = rotate(in->a11);
  a.a12 = opt_u32_f(in->a12);
  str_free(&in->a9);
  str_free(&in->a10);
  free(in);                          /* the spilled parameter block */
  summary_t r;
  imp_many(&a, &r);
  str_free(&a.a9);
  str_free(&a.a10);
  summary_t *ret = xalloc(sizeof *ret);
  *ret = r;                          /* hand the host's text back; post-return frees it */
  ret->count += 1000;
  return ret;
}
POST("many") void post_many(summary_t *ret) { str_free(&ret->text); free(ret); }

/* ---- world level --------------------------------------------------------------------------- */

__attribute__((import_module("$root"), import_name("world-bump")))
extern void imp_world_bump(int32_t, const uint8_t *, size_t, counter_t *ret);
__attribute__((export_name("world-ping")))
counter_t *exp_world_ping(int32_t n, uint8_t *p, size_t len) {
  counter_t r;
  imp_world_bump((int32_t)((uint32_t)n + 1), p, len, &r);
  xfree(p, len);
  counter_t *ret = xalloc(sizeof *ret);
  *ret = r;
  ret->n += 2;
  return ret;
}
__attribute__((export_name("cabi_post_world-ping")))
void post_world_ping(counter_t *ret) { str_free(&ret->label); free(ret); }

__attribute__((export_name("heap-bytes")))
int64_t exp_heap_bytes(void) { return e2e_heap_bytes(); }

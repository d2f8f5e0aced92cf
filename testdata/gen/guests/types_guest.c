/* types_guest.c: the `types` world of tests/e2e on the bindings of `witc gen c`: the same plugin as
 * tests/e2e/types/raw.c, written against the generated API (it passes tests/e2e.sh when copied to
 * tests/e2e/types/guest.c). Kept here as a worked example of the generated C API. */
/* guest.c: the `types` world on witc's bindings (same behaviour as raw.c). */
#include <stdlib.h>
#include <string.h>
#include "types.h"
#include "heap.h"

#define I(x) test_types_fns_##x
#define E(x) exports_test_types_fns_##x
typedef types_string_t str;

static void sdup(str *r, const void *p, size_t n) { types_string_dup_n(r, (const char *)p, n); }
static void scat(str *r, const str *a, const void *b, size_t bn) {
  char *t = malloc(a->len + bn + 1);
  if (a->len) memcpy(t, a->ptr, a->len);
  if (bn) memcpy(t + a->len, b, bn);
  sdup(r, t, a->len + bn);
  free(t);
}
static void rev_utf8(const uint8_t *s, size_t n, uint8_t *out) {
  size_t end = n, o = 0;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (s[start] & 0xC0) == 0x80) start--;
    memcpy(out + o, s + start, end - start);
    o += end - start;
    end = start;
  }
}
static uint32_t next_char(uint32_t c) { return c == 0xD7FF ? 0xE000 : c == 0x10FFFF ? 0 : c + 1; }
static test_types_defs_point_t rot(test_types_defs_point_t p) {
  test_types_defs_point_t r = {(int32_t)(0u - (uint32_t)p.y), p.x};
  return r;
}
static size_t fmt_u64(uint64_t v, char *buf) {
  char tmp[20]; size_t n = 0, i = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) buf[i++] = tmp[--n];
  return i;
}

bool E(not_bool)(bool x) { return !I(not_bool)(!x); }
int8_t E(dec_s8)(int8_t x) { return (int8_t)(I(dec_s8)((int8_t)(x - 1)) - 1); }
uint16_t E(inc_u16)(uint16_t x) { return (uint16_t)(I(inc_u16)((uint16_t)(x + 1)) + 1); }
uint64_t E(inc_u64)(uint64_t x) { return I(inc_u64)(x + 1) + 1; }
float E(half_f32)(float x) { return I(half_f32)(x / 2) / 2; }
double E(half_f64)(double x) { return I(half_f64)(x / 2) / 2; }
uint32_t E(next_char)(uint32_t c) { return next_char(I(next_char)(next_char(c))); }

typedef types_tuple12_u8_s8_u16_s16_u32_s32_u64_s64_f32_f64_bool_char32_t t12;
static void scalars_f(t12 *s) {
  s->f0++; s->f1 = (int8_t)(s->f1 + 1); s->f2++; s->f3 = (int16_t)(s->f3 + 1); s->f4++;
  s->f5 = (int32_t)((uint32_t)s->f5 + 1); s->f6++; s->f7 = (int64_t)((uint64_t)s->f7 + 1);
  s->f8 *= 2; s->f9 *= 2; s->f10 = !s->f10; s->f11 = next_char(s->f11);
}
void E(scalars)(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g, int64_t h,
                float i, double j, bool k, uint32_t l, t12 *ret) {
  t12 s = {a, b, c, d, e, f, g, h, i, j, k, l};
  scalars_f(&s);
  I(scalars)(s.f0, s.f1, s.f2, s.f3, s.f4, s.f5, s.f6, s.f7, s.f8, s.f9, s.f10, s.f11, ret);
  scalars_f(ret);
}

static void rev_append(str *r, const str *s) {
  uint8_t *t = malloc(s->len + 2);
  rev_utf8(s->ptr, s->len, t);
  memcpy(t + s->len, "\xC2\xA1", 2);
  sdup(r, t, s->len + 2);
  free(t);
}
void E(rev_append)(str *s, str *ret) {
  str a, r;
  rev_append(&a, s);
  I(rev_append)(&a, &r);
  types_string_free(&a);
  rev_append(ret, &r);
  types_string_free(&r);
}
void E(join)(types_list_string_t *parts, E(name_t) *sep, str *ret) {
  types_list_string_t rev = {malloc(parts->len * sizeof(str) + 1), parts->len};
  for (size_t i = 0; i < parts->len; i++) rev.ptr[i] = parts->ptr[parts->len - 1 - i];
  str sep2;
  scat(&sep2, sep, sep->ptr, sep->len);
  str r;
  I(join)(&rev, &sep2, &r);
  free(rev.ptr);
  types_string_free(&sep2);
  char *t = malloc(r.len + 2);
  t[0] = '<';
  memcpy(t + 1, r.ptr, r.len);
  t[r.len + 1] = '>';
  sdup(ret, t, r.len + 2);
  free(t);
  types_string_free(&r);
}
static void bump(types_list_u8_t *r, const types_list_u8_t *b) {
  r->len = b->len;
  r->ptr = b->len ? cabi_realloc(NULL, 0, 1, b->len) : NULL;
  for (size_t i = 0; i < b->len; i++) r->ptr[i] = (uint8_t)(b->ptr[b->len - 1 - i] + 1);
}
void E(bump_bytes)(types_list_u8_t *b, types_list_u8_t *ret) {
  types_list_u8_t s, r;
  bump(&s, b);
  I(bump_bytes)(&s, &r);
  types_list_u8_free(&s);
  bump(ret, &r);
  types_list_u8_free(&r);
}
void E(rotate)(I(list_point_t) *ps, I(list_point_t) *ret) {
  for (size_t i = 0; i < ps->len; i++) ps->ptr[i] = rot(ps->ptr[i]);
  I(rotate)(ps, ret);
  for (size_t i = 0; i < ret->len; i++) ret->ptr[i] = rot(ret->ptr[i]);
}
static void nested_f(types_list_list_string_t *r, const types_list_list_string_t *x) {
  r->len = x->len;
  r->ptr = x->len ? cabi_realloc(NULL, 0, 4, x->len * sizeof(types_list_string_t)) : NULL;
  for (size_t i = 0; i < x->len; i++) {
    const types_list_string_t *in = &x->ptr[x->len - 1 - i];
    types_list_string_t *out = &r->ptr[i];
    out->len = in->len;
    out->ptr = in->len ? cabi_realloc(NULL, 0, 4, in->len * sizeof(str)) : NULL;
    for (size_t j = 0; j < in->len; j++) scat(&out->ptr[j], &in->ptr[j], "+", 1);
  }
}
void E(nested)(types_list_list_string_t *xss, types_list_list_string_t *ret) {
  types_list_list_string_t s, r;
  nested_f(&s, xss);
  I(nested)(&s, &r);
  types_list_list_string_free(&s);
  nested_f(ret, &r);
  types_list_list_string_free(&r);
}
void E(inc_s64s)(types_list_s64_t *xs, types_list_s64_t *ret) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] = (int64_t)((uint64_t)xs->ptr[i] + 1);
  I(inc_s64s)(xs, ret);
  for (size_t i = 0; i < ret->len; i++) ret->ptr[i] = (int64_t)((uint64_t)ret->ptr[i] + 1);
}
void E(neg_f32s)(types_list_f32_t *xs, types_list_f32_t *ret) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] = -xs->ptr[i];
  I(neg_f32s)(xs, ret);
  for (size_t i = 0; i < ret->len; i++) ret->ptr[i] = -ret->ptr[i];
}
static types_option_u32_t opt_u32_f(types_option_u32_t o) {
  types_option_u32_t r = {0, 0};
  if (!o.is_some) { r.is_some = 1; return r; }
  if (o.val % 2 == 0) { r.is_some = 1; r.val = o.val + 1; }
  return r;
}
void E(opt_u32)(types_option_u32_t *x, types_option_u32_t *ret) {
  types_option_u32_t o = opt_u32_f(*x), r;
  I(opt_u32)(&o, &r);
  *ret = opt_u32_f(r);
}
static void opt_string_f(types_option_string_t *r, const types_option_string_t *o) {
  memset(r, 0, sizeof *r);
  if (!o->is_some) { r->is_some = 1; sdup(&r->val, "\xE2\x88\x85", 3); }
  else if (o->val.len < 4) { r->is_some = 1; scat(&r->val, &o->val, "?", 1); }
}
void E(opt_string)(types_option_string_t *x, types_option_string_t *ret) {
  types_option_string_t o, r;
  opt_string_f(&o, x);
  I(opt_string)(&o, &r);
  types_option_string_free(&o);
  opt_string_f(ret, &r);
  types_option_string_free(&r);
}
static types_option_option_u8_t opt_opt_f(types_option_option_u8_t o) {
  types_option_option_u8_t r;
  memset(&r, 0, sizeof r);
  if (!o.is_some) { r.is_some = 1; return r; }
  if (!o.val.is_some) { r.is_some = 1; r.val.is_some = 1; return r; }
  if (o.val.val == 255) return r;
  r.is_some = 1; r.val.is_some = 1; r.val.val = (uint8_t)(o.val.val + 1);
  return r;
}
void E(opt_opt)(types_option_option_u8_t *x, types_option_option_u8_t *ret) {
  types_option_option_u8_t o = opt_opt_f(*x), r;
  I(opt_opt)(&o, &r);
  *ret = opt_opt_f(r);
}
static I(maybe_point_t) maybe_f(I(maybe_point_t) o) {
  I(maybe_point_t) r;
  memset(&r, 0, sizeof r);
  r.is_some = 1;
  if (o.is_some) { r.val.x = o.val.y; r.val.y = (int32_t)((uint32_t)o.val.x + 1); }
  return r;
}
void E(maybe)(E(maybe_point_t) *p, E(maybe_point_t) *ret) {
  I(maybe_point_t) o = maybe_f(*p), r;
  I(maybe)(&o, &r);
  *ret = maybe_f(r);
}
void E(checked_div)(int32_t a, int32_t b, types_result_s32_string_t *ret) {
  types_result_s32_string_t r;
  I(checked_div)((int32_t)((uint32_t)a * 2), b, &r);
  ret->is_err = r.is_err;
  if (!r.is_err) ret->val.ok = (int32_t)((uint32_t)r.val.ok + 1);
  else {
    str p;
    types_string_set(&p, "guest: ");
    scat(&ret->val.err, &p, r.val.err.ptr, r.val.err.len);
  }
  types_result_s32_string_free(&r);
}
void E(res_ok_only)(uint32_t x, types_result_u32_void_t *ret) {
  types_result_u32_void_t r;
  I(res_ok_only)(x + 1, &r);
  ret->is_err = r.is_err;
  if (!r.is_err) ret->val.ok = r.val.ok * 2;
}
void E(res_err_only)(str *s, types_result_void_string_t *ret) {
  str a;
  scat(&a, s, "!", 1);
  types_result_void_string_t r;
  I(res_err_only)(&a, &r);
  types_string_free(&a);
  ret->is_err = r.is_err;
  if (r.is_err) {
    uint8_t *t = malloc(r.val.err.len + 1);
    rev_utf8(r.val.err.ptr, r.val.err.len, t);
    sdup(&ret->val.err, t, r.val.err.len);
    free(t);
  }
  types_result_void_string_free(&r);
}
void E(res_empty)(bool x, types_result_void_void_t *ret) { I(res_empty)(!x, ret); }
static void status_f(I(status_t) *r, const I(status_t) *s) {
  memset(r, 0, sizeof *r);
  if (!s->is_err) {
    if (s->val.ok < 1000) { r->val.ok = s->val.ok * 3; return; }
    char buf[24] = "big ";
    size_t n = 4 + fmt_u64(s->val.ok, buf + 4);
    r->is_err = 1;
    sdup(&r->val.err, buf, n);
    return;
  }
  r->val.ok = (uint32_t)s->val.err.len;
}
void E(status_of)(E(status_t) *s, E(status_t) *ret) {
  I(status_t) a, r;
  status_f(&a, s);
  I(status_of)(&a, &r);
  I(status_free)(&a);
  status_f(ret, &r);
  I(status_free)(&r);
}
void E(swap)(types_tuple3_string_u32_bool_t *t, types_tuple3_bool_u32_string_t *ret) {
  types_tuple3_string_u32_bool_t a = {t->f0, t->f1 + 1, !t->f2};
  types_tuple3_bool_u32_string_t r;
  I(swap)(&a, &r);
  ret->f0 = !r.f0;
  ret->f1 = r.f1 * 2;
  scat(&ret->f2, &r.f2, r.f2.ptr, r.f2.len);
  types_tuple3_bool_u32_string_free(&r);
}
static void mixed_f(I(mixed_t) *r, const I(mixed_t) *m) {
  *r = *m;
  r->a++; r->b = (int8_t)(r->b + 1); r->c++; r->d = (int16_t)(r->d + 1); r->e++;
  r->f = (int32_t)((uint32_t)r->f + 1); r->g++; r->h = (int64_t)((uint64_t)r->h + 1);
  r->fl *= 2; r->db *= 2; r->yes = !r->yes; r->ch = next_char(r->ch);
  scat(&r->name, &m->name, "*", 1);
  r->tags.len = m->tags.len;
  r->tags.ptr = m->tags.len ? cabi_realloc(NULL, 0, 4, m->tags.len * sizeof(str)) : NULL;
  for (size_t i = 0; i < m->tags.len; i++) {
    const str *t = &m->tags.ptr[m->tags.len - 1 - i];
    sdup(&r->tags.ptr[i], t->ptr, t->len);
  }
  r->at = rot(m->at);
}
void E(transform)(E(mixed_t) *m, E(mixed_t) *ret) {
  I(mixed_t) s, r;
  mixed_f(&s, m);
  I(transform)(&s, &r);
  I(mixed_free)(&s);
  mixed_f(ret, &r);
  I(mixed_free)(&r);
}
static void shape_f(I(shape_t) *r, const I(shape_t) *s) {
  memset(r, 0, sizeof *r);
  switch (s->tag) {
  case TEST_TYPES_DEFS_SHAPE_NOTHING: r->tag = TEST_TYPES_DEFS_SHAPE_CIRCLE; r->val.circle = 1.5f; break;
  case TEST_TYPES_DEFS_SHAPE_CIRCLE: r->tag = TEST_TYPES_DEFS_SHAPE_SQUARE; r->val.square = (double)s->val.circle * 2; break;
  case TEST_TYPES_DEFS_SHAPE_SQUARE: r->tag = TEST_TYPES_DEFS_SHAPE_COUNT; r->val.count = (uint64_t)(int64_t)s->val.square; break;
  case TEST_TYPES_DEFS_SHAPE_COUNT: { char buf[20]; r->tag = TEST_TYPES_DEFS_SHAPE_LABEL; sdup(&r->val.label, buf, fmt_u64(s->val.count, buf)); break; }
  case TEST_TYPES_DEFS_SHAPE_LABEL: r->tag = TEST_TYPES_DEFS_SHAPE_AT; r->val.at.x = (int32_t)s->val.label.len; r->val.at.y = -(int32_t)s->val.label.len; break;
  case TEST_TYPES_DEFS_SHAPE_AT: r->tag = TEST_TYPES_DEFS_SHAPE_PAIR; r->val.pair.f0 = (uint8_t)(s->val.at.x & 255); r->val.pair.f1 = (float)s->val.at.y; break;
  default: r->tag = TEST_TYPES_DEFS_SHAPE_NOTHING; break;
  }
}
void E(next_shape)(E(shape_t) *s, E(shape_t) *ret) {
  I(shape_t) a, r;
  shape_f(&a, s);
  I(next_shape)(&a, &r);
  I(shape_free)(&a);
  shape_f(ret, &r);
  I(shape_free)(&r);
}
static I(color_t) next_color(I(color_t) c) { return (I(color_t))((c + 1) % 4); }
E(color_t) E(next_color)(E(color_t) c) { return next_color(I(next_color)(next_color(c))); }
static I(small_t) flip_small(I(small_t) f) {
  f = (I(small_t))(~f & 7);
  return (I(small_t))(((f << 1) | (f >> 2)) & 7);
}
E(small_t) E(flip_small)(E(small_t) f) { return flip_small(I(flip_small)(flip_small(f))); }
E(medium_t) E(flip_medium)(E(medium_t) f) { return (E(medium_t))(~I(flip_medium)((I(medium_t))(~f & 0xFFF)) & 0xFFF); }
E(large_t) E(flip_large)(E(large_t) f) { return ~I(flip_large)(~f & 0xFFFFF) & 0xFFFFF; }
E(id_t) E(sum_ids)(E(ids_t) *xs) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] *= 2;
  return I(sum_ids)(xs) + 1;
}
void E(many)(uint8_t a1, int16_t a2, uint32_t a3, int64_t a4, float a5, double a6, bool a7, uint32_t a8,
             str *a9, types_list_u8_t *a10, E(point_t) *a11, types_option_u32_t *a12, uint64_t a13,
             int8_t a14, E(summary_t) *ret) {
  str s9;
  scat(&s9, a9, "#", 1);
  types_list_u8_t r10 = {malloc(a10->len + 1), a10->len};
  for (size_t i = 0; i < a10->len; i++) r10.ptr[i] = a10->ptr[a10->len - 1 - i];
  I(point_t) p = rot(*a11);
  types_option_u32_t o = opt_u32_f(*a12);
  I(many)((uint8_t)(a1 + 1), (int16_t)(a2 + 1), a3 + 1, (int64_t)((uint64_t)a4 + 1), a5, a6, a7, a8,
          &s9, &r10, &p, &o, a13 + 1, (int8_t)(a14 + 1), ret);
  ret->count += 1000;
  types_string_free(&s9);
  free(r10.ptr);
}
void exports_types_world_ping(types_counter_t *c, types_counter_t *ret) {
  types_counter_t a = {c->n + 1, c->label};
  types_world_bump(&a, ret);
  ret->n += 2;
}
int64_t exports_types_heap_bytes(void) { return e2e_heap_bytes(); }

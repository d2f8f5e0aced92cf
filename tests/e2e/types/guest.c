/* guest.c: the `types` world (world.wit) on the bindings `witc gen c` writes (types.h,
 * types.c): the same behaviour as raw.c, with no hand-written ABI code. Every export computes
 * F(host(F(x))) as world.wit documents.
 *
 * It uses the bindings' ownership rules (types.h): export arguments stay the glue's unless moved
 * out (then zeroed); export results are built from cabi_realloc'ed buffers (the _dup helpers,
 * or buffers moved out of an argument or out of an import's result); import arguments are
 * borrowed; import results are the caller's and are released with the _free helpers. Several
 * functions deliberately move buffers instead of copying them, to exercise those rules.
 * e2e: freestanding (built a second time with no libc: see ../lib/rt.h) */
#include "types.h"
#include "rt.h"
#include "fns.h"

typedef types_string_t str_t;

static void *alloc(size_t align, size_t n) { return cabi_realloc(NULL, 0, align, n); }
static str_t str_view(const void *p, size_t n) { str_t s = { (uint8_t *)p, n }; return s; }
static void str_cat(str_t *ret, const str_t *a, const void *b, size_t bn) {
  char *t = tmp_alloc(a->len + bn);
  if (a->len) memcpy(t, a->ptr, a->len);
  if (bn) memcpy(t + a->len, b, bn);
  types_string_dup_n(ret, t, a->len + bn);
  tmp_free(t, a->len + bn);
}

static test_types_fns_point_t rotate(test_types_fns_point_t p) {
  test_types_fns_point_t r = { (int32_t)(0u - (uint32_t)p.y), p.x };
  return r;
}

/* ---- scalars ------------------------------------------------------------------------------- */

bool exports_test_types_fns_not_bool(bool x) { return !test_types_fns_not_bool(!x); }
int8_t exports_test_types_fns_dec_s8(int8_t x) { return (int8_t)(test_types_fns_dec_s8((int8_t)(x - 1)) - 1); }
uint16_t exports_test_types_fns_inc_u16(uint16_t x) { return (uint16_t)(test_types_fns_inc_u16((uint16_t)(x + 1)) + 1); }
uint64_t exports_test_types_fns_inc_u64(uint64_t x) { return test_types_fns_inc_u64(x + 1) + 1; }
float exports_test_types_fns_half_f32(float x) { return test_types_fns_half_f32(x / 2) / 2; }
double exports_test_types_fns_half_f64(double x) { return test_types_fns_half_f64(x / 2) / 2; }
uint32_t exports_test_types_fns_next_char(uint32_t c) { return next_char(test_types_fns_next_char(next_char(c))); }

typedef types_tuple12_u8_s8_u16_s16_u32_s32_u64_s64_f32_f64_bool_char32_t scalars_t;
static void scalars_f(scalars_t *s) {
  s->f0++; s->f1 = (int8_t)(s->f1 + 1); s->f2++; s->f3 = (int16_t)(s->f3 + 1); s->f4++;
  s->f5 = (int32_t)((uint32_t)s->f5 + 1); s->f6++; s->f7 = (int64_t)((uint64_t)s->f7 + 1);
  s->f8 *= 2; s->f9 *= 2; s->f10 = !s->f10; s->f11 = next_char(s->f11);
}
void exports_test_types_fns_scalars(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g,
                                    int64_t h, float i, double j, bool k, uint32_t l, scalars_t *ret) {
  scalars_t s = { a, b, c, d, e, f, g, h, i, j, k, l };
  scalars_f(&s);
  test_types_fns_scalars(s.f0, s.f1, s.f2, s.f3, s.f4, s.f5, s.f6, s.f7, s.f8, s.f9, s.f10, s.f11, ret);
  scalars_f(ret);
}

/* ---- strings ------------------------------------------------------------------------------- */

static void rev_append(str_t *ret, const str_t *s) {
  char *t = tmp_alloc(s->len + 2);
  rev_utf8(s->ptr, s->len, (uint8_t *)t);
  memcpy(t + s->len, "\xC2\xA1", 2); /* ¡ */
  types_string_dup_n(ret, t, s->len + 2);
  tmp_free(t, s->len + 2);
}
void exports_test_types_fns_rev_append(str_t *s, str_t *ret) {
  str_t a, r;
  rev_append(&a, s);
  test_types_fns_rev_append(&a, &r);
  types_string_free(&a);
  rev_append(ret, &r);
  types_string_free(&r);
}

void exports_test_types_fns_join(types_list_string_t *parts, exports_test_types_fns_name_t *sep, str_t *ret) {
  types_list_string_t rev = { tmp_alloc(parts->len * sizeof(str_t)), parts->len };
  for (size_t i = 0; i < parts->len; i++) rev.ptr[i] = parts->ptr[parts->len - 1 - i];   /* views */
  str_t sep2, r;
  str_cat(&sep2, sep, sep->ptr, sep->len);
  test_types_fns_join(&rev, &sep2, &r);
  tmp_free(rev.ptr, parts->len * sizeof(str_t));
  types_string_free(&sep2);
  ret->len = r.len + 2;
  ret->ptr = alloc(1, ret->len);
  ret->ptr[0] = '<';
  if (r.len) memcpy(ret->ptr + 1, r.ptr, r.len);
  ret->ptr[r.len + 1] = '>';
  types_string_free(&r);
}

/* ---- lists --------------------------------------------------------------------------------- */

static void bump(types_list_u8_t *ret, const types_list_u8_t *b) {
  ret->len = b->len;
  ret->ptr = b->len ? alloc(1, b->len) : NULL;
  for (size_t i = 0; i < b->len; i++) ret->ptr[i] = (uint8_t)(b->ptr[b->len - 1 - i] + 1);
}
void exports_test_types_fns_bump_bytes(types_list_u8_t *b, types_list_u8_t *ret) {
  types_list_u8_t a, r;
  bump(&a, b);
  test_types_fns_bump_bytes(&a, &r);
  types_list_u8_free(&a);
  bump(ret, &r);
  types_list_u8_free(&r);
}

/* rotate: F in place on the argument, then the host's buffer moves into the result */
void exports_test_types_fns_rotate(test_types_fns_list_point_t *ps, test_types_fns_list_point_t *ret) {
  for (size_t i = 0; i < ps->len; i++) ps->ptr[i] = rotate(ps->ptr[i]);
  test_types_fns_rotate(ps, ret);
  for (size_t i = 0; i < ret->len; i++) ret->ptr[i] = rotate(ret->ptr[i]);
}

static void nested_f(types_list_list_string_t *ret, const types_list_list_string_t *xss) {
  size_t n = xss->len;
  ret->len = n;
  ret->ptr = n ? alloc(_Alignof(types_list_string_t), n * sizeof(types_list_string_t)) : NULL;
  for (size_t i = 0; i < n; i++) {
    const types_list_string_t *in = &xss->ptr[n - 1 - i];
    types_list_string_t *out = &ret->ptr[i];
    out->len = in->len;
    out->ptr = in->len ? alloc(_Alignof(str_t), in->len * sizeof(str_t)) : NULL;
    for (size_t j = 0; j < in->len; j++) str_cat(&out->ptr[j], &in->ptr[j], "+", 1);
  }
}
void exports_test_types_fns_nested(types_list_list_string_t *xss, types_list_list_string_t *ret) {
  types_list_list_string_t a, r;
  nested_f(&a, xss);
  test_types_fns_nested(&a, &r);
  types_list_list_string_free(&a);
  nested_f(ret, &r);
  types_list_list_string_free(&r);
}

/* inc-s64s: the argument's buffer is reused for the answer and moved into the result */
void exports_test_types_fns_inc_s64s(types_list_s64_t *xs, types_list_s64_t *ret) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] = (int64_t)((uint64_t)xs->ptr[i] + 1);
  types_list_s64_t r;
  test_types_fns_inc_s64s(xs, &r);
  if (r.len != xs->len) e2e_abort();
  for (size_t i = 0; i < r.len; i++) xs->ptr[i] = (int64_t)((uint64_t)r.ptr[i] + 1);
  types_list_s64_free(&r);
  *ret = *xs;
  xs->ptr = NULL;
  xs->len = 0;
}

void exports_test_types_fns_neg_f32s(types_list_f32_t *xs, types_list_f32_t *ret) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] = -xs->ptr[i];
  types_list_f32_t r;
  test_types_fns_neg_f32s(xs, &r);
  ret->len = r.len;
  ret->ptr = r.len ? alloc(4, r.len * 4) : NULL;
  for (size_t i = 0; i < r.len; i++) ret->ptr[i] = -r.ptr[i];
  types_list_f32_free(&r);
}

/* ---- options ------------------------------------------------------------------------------- */

static types_option_u32_t opt_u32_f(const types_option_u32_t *o) {
  types_option_u32_t r = { false, 0 };
  if (!o->is_some) { r.is_some = true; return r; }
  if (o->val % 2 == 0) { r.is_some = true; r.val = o->val + 1; }
  return r;
}
void exports_test_types_fns_opt_u32(types_option_u32_t *x, types_option_u32_t *ret) {
  types_option_u32_t a = opt_u32_f(x), r;
  test_types_fns_opt_u32(&a, &r);
  *ret = opt_u32_f(&r);
}

static void opt_string_f(types_option_string_t *ret, const types_option_string_t *o) {
  memset(ret, 0, sizeof *ret);
  if (!o->is_some) { ret->is_some = true; types_string_dup(&ret->val, "\xE2\x88\x85"); return; } /* ∅ */
  if (o->val.len < 4) { ret->is_some = true; str_cat(&ret->val, &o->val, "?", 1); }
}
void exports_test_types_fns_opt_string(types_option_string_t *x, types_option_string_t *ret) {
  types_option_string_t a, r;
  opt_string_f(&a, x);
  test_types_fns_opt_string(&a, &r);
  types_option_string_free(&a);
  opt_string_f(ret, &r);
  types_option_string_free(&r);
}

static types_option_option_u8_t opt_opt_f(const types_option_option_u8_t *o) {
  types_option_option_u8_t r;
  memset(&r, 0, sizeof r);
  if (!o->is_some) { r.is_some = true; return r; }
  if (!o->val.is_some) { r.is_some = true; r.val.is_some = true; return r; }
  if (o->val.val == 255) return r;
  r.is_some = true; r.val.is_some = true; r.val.val = (uint8_t)(o->val.val + 1);
  return r;
}
void exports_test_types_fns_opt_opt(types_option_option_u8_t *x, types_option_option_u8_t *ret) {
  types_option_option_u8_t a = opt_opt_f(x), r;
  test_types_fns_opt_opt(&a, &r);
  *ret = opt_opt_f(&r);
}

static exports_test_types_fns_maybe_point_t maybe_f(const exports_test_types_fns_maybe_point_t *o) {
  exports_test_types_fns_maybe_point_t r;
  memset(&r, 0, sizeof r);
  r.is_some = true;
  if (o->is_some) { r.val.x = o->val.y; r.val.y = (int32_t)((uint32_t)o->val.x + 1); }
  return r;
}
void exports_test_types_fns_maybe(exports_test_types_fns_maybe_point_t *p, exports_test_types_fns_maybe_point_t *ret) {
  test_types_fns_maybe_point_t a = maybe_f(p), r;
  test_types_fns_maybe(&a, &r);
  *ret = maybe_f(&r);
}

/* ---- results ------------------------------------------------------------------------------- */

void exports_test_types_fns_checked_div(int32_t a, int32_t b, types_result_s32_string_t *ret) {
  types_result_s32_string_t r;
  test_types_fns_checked_div((int32_t)((uint32_t)a * 2), b, &r);
  ret->is_err = r.is_err;
  if (!r.is_err) {
    ret->val.ok = (int32_t)((uint32_t)r.val.ok + 1);
  } else {
    str_t prefix = str_view("guest: ", 7);
    str_cat(&ret->val.err, &prefix, r.val.err.ptr, r.val.err.len);
  }
  types_result_s32_string_free(&r);
}

void exports_test_types_fns_res_ok_only(uint32_t x, types_result_u32_void_t *ret) {
  types_result_u32_void_t r;
  test_types_fns_res_ok_only(x + 1, &r);
  ret->is_err = r.is_err;
  if (!r.is_err) ret->val.ok = r.val.ok * 2;
}

void exports_test_types_fns_res_err_only(str_t *s, types_result_void_string_t *ret) {
  str_t arg;
  types_result_void_string_t r;
  str_cat(&arg, s, "!", 1);
  test_types_fns_res_err_only(&arg, &r);
  types_string_free(&arg);
  ret->is_err = r.is_err;
  if (r.is_err) {
    /* reverse the host's message in its own buffer, then move that buffer into the result */
    uint8_t *t = tmp_alloc(r.val.err.len);
    rev_utf8(r.val.err.ptr, r.val.err.len, t);
    if (r.val.err.len) memcpy(r.val.err.ptr, t, r.val.err.len);
    tmp_free(t, r.val.err.len);
    ret->val.err = r.val.err;
    r.val.err = str_view(NULL, 0);
  }
  types_result_void_string_free(&r);
}

void exports_test_types_fns_res_empty(bool x, types_result_void_void_t *ret) {
  test_types_fns_res_empty(!x, ret);
}

static void status_f(exports_test_types_fns_status_t *ret, const exports_test_types_fns_status_t *s) {
  memset(ret, 0, sizeof *ret);
  if (!s->is_err) {
    if (s->val.ok < 1000) { ret->val.ok = s->val.ok * 3; return; }
    char buf[24] = "big ";
    size_t n = 4 + fmt_u64(s->val.ok, buf + 4);
    ret->is_err = true;
    types_string_dup_n(&ret->val.err, buf, n);
    return;
  }
  ret->val.ok = (uint32_t)s->val.err.len;
}
void exports_test_types_fns_status_of(exports_test_types_fns_status_t *s, exports_test_types_fns_status_t *ret) {
  test_types_fns_status_t a, r;
  status_f(&a, s);
  test_types_fns_status_of(&a, &r);
  test_types_fns_status_free(&a);
  status_f(ret, &r);
  test_types_fns_status_free(&r);
}

/* ---- aggregates ---------------------------------------------------------------------------- */

void exports_test_types_fns_swap(types_tuple3_string_u32_bool_t *t, types_tuple3_bool_u32_string_t *ret) {
  types_tuple3_string_u32_bool_t a = { t->f0, t->f1 + 1, !t->f2 };   /* a view of t's string */
  types_tuple3_bool_u32_string_t r;
  test_types_fns_swap(&a, &r);
  ret->f0 = !r.f0;
  ret->f1 = r.f1 * 2;
  str_cat(&ret->f2, &r.f2, r.f2.ptr, r.f2.len);
  types_tuple3_bool_u32_string_free(&r);
}

static void mixed_f(exports_test_types_fns_mixed_t *r, const exports_test_types_fns_mixed_t *m) {
  *r = *m;
  r->a++; r->b = (int8_t)(r->b + 1); r->c++; r->d = (int16_t)(r->d + 1); r->e++;
  r->f = (int32_t)((uint32_t)r->f + 1); r->g++; r->h = (int64_t)((uint64_t)r->h + 1);
  r->fl *= 2; r->db *= 2; r->yes = !r->yes; r->ch = next_char(r->ch);
  str_cat(&r->name, &m->name, "*", 1);
  r->tags.len = m->tags.len;
  r->tags.ptr = m->tags.len ? alloc(_Alignof(str_t), m->tags.len * sizeof(str_t)) : NULL;
  for (size_t i = 0; i < m->tags.len; i++) {
    const str_t *tag = &m->tags.ptr[m->tags.len - 1 - i];
    types_string_dup_n(&r->tags.ptr[i], (const char *)tag->ptr, tag->len);
  }
  r->at = rotate(m->at);
}
void exports_test_types_fns_transform(exports_test_types_fns_mixed_t *m, exports_test_types_fns_mixed_t *ret) {
  test_types_fns_mixed_t a, r;
  mixed_f(&a, m);
  test_types_fns_transform(&a, &r);
  test_types_fns_mixed_free(&a);
  mixed_f(ret, &r);
  test_types_fns_mixed_free(&r);
}

static void shape_f(exports_test_types_fns_shape_t *r, const exports_test_types_fns_shape_t *s) {
  memset(r, 0, sizeof *r);
  switch (s->tag) {
  case TEST_TYPES_DEFS_SHAPE_NOTHING: r->tag = TEST_TYPES_DEFS_SHAPE_CIRCLE; r->val.circle = 1.5f; break;
  case TEST_TYPES_DEFS_SHAPE_CIRCLE: r->tag = TEST_TYPES_DEFS_SHAPE_SQUARE; r->val.square = (double)s->val.circle * 2; break;
  case TEST_TYPES_DEFS_SHAPE_SQUARE: r->tag = TEST_TYPES_DEFS_SHAPE_COUNT; r->val.count = (uint64_t)(int64_t)s->val.square; break;
  case TEST_TYPES_DEFS_SHAPE_COUNT: {
    char buf[24];
    size_t n = fmt_u64(s->val.count, buf);
    r->tag = TEST_TYPES_DEFS_SHAPE_LABEL;
    types_string_dup_n(&r->val.label, buf, n);
    break;
  }
  case TEST_TYPES_DEFS_SHAPE_LABEL:
    r->tag = TEST_TYPES_DEFS_SHAPE_AT;
    r->val.at.x = (int32_t)s->val.label.len;
    r->val.at.y = -(int32_t)s->val.label.len;
    break;
  case TEST_TYPES_DEFS_SHAPE_AT:
    r->tag = TEST_TYPES_DEFS_SHAPE_PAIR;
    r->val.pair.f0 = (uint8_t)(s->val.at.x & 255);
    r->val.pair.f1 = (float)s->val.at.y;
    break;
  case TEST_TYPES_DEFS_SHAPE_PAIR: r->tag = TEST_TYPES_DEFS_SHAPE_NOTHING; break;
  default: e2e_abort();
  }
}
void exports_test_types_fns_next_shape(exports_test_types_fns_shape_t *s, exports_test_types_fns_shape_t *ret) {
  test_types_fns_shape_t a, r;
  shape_f(&a, s);
  test_types_fns_next_shape(&a, &r);
  test_types_fns_shape_free(&a);
  shape_f(ret, &r);
  test_types_fns_shape_free(&r);
}

exports_test_types_fns_color_t exports_test_types_fns_next_color(exports_test_types_fns_color_t c) {
  return (exports_test_types_fns_color_t)((test_types_fns_next_color((test_types_fns_color_t)((c + 1) % 4)) + 1) % 4);
}

static test_types_fns_small_t flip_small(test_types_fns_small_t f) {
  unsigned t = ~(unsigned)f & 7u;
  test_types_fns_small_t r = 0;
  if (t & TEST_TYPES_DEFS_SMALL_READ) r |= TEST_TYPES_DEFS_SMALL_WRITE;
  if (t & TEST_TYPES_DEFS_SMALL_WRITE) r |= TEST_TYPES_DEFS_SMALL_EXEC;
  if (t & TEST_TYPES_DEFS_SMALL_EXEC) r |= TEST_TYPES_DEFS_SMALL_READ;
  return r;
}
exports_test_types_fns_small_t exports_test_types_fns_flip_small(exports_test_types_fns_small_t f) {
  return flip_small(test_types_fns_flip_small(flip_small(f)));
}
#define ALL_MEDIUM ((test_types_fns_medium_t)(TEST_TYPES_DEFS_MEDIUM_M11 * 2 - 1))
#define ALL_LARGE ((test_types_fns_large_t)(TEST_TYPES_DEFS_LARGE_L19 * 2 - 1))
exports_test_types_fns_medium_t exports_test_types_fns_flip_medium(exports_test_types_fns_medium_t f) {
  return (test_types_fns_medium_t)(~test_types_fns_flip_medium((test_types_fns_medium_t)(~f & ALL_MEDIUM)) & ALL_MEDIUM);
}
exports_test_types_fns_large_t exports_test_types_fns_flip_large(exports_test_types_fns_large_t f) {
  return ~test_types_fns_flip_large(~f & ALL_LARGE) & ALL_LARGE;
}

static void keywords_f(exports_test_types_fns_keywords_t *r, const exports_test_types_fns_keywords_t *k) {
  r->if_ = k->if_ + 1;
  str_cat(&r->default_, &k->default_, "?", 1);
  r->switch_ = !k->switch_;
  r->static_ = (int8_t)(k->static_ - 1);
  r->int_ = k->int_ * -2;
}
void exports_test_types_fns_switch(exports_test_types_fns_keywords_t *while_, exports_test_types_fns_keywords_t *ret) {
  test_types_fns_keywords_t a, r;
  keywords_f(&a, while_);
  test_types_fns_switch(&a, &r);
  test_types_fns_keywords_free(&a);
  keywords_f(ret, &r);
  test_types_fns_keywords_free(&r);
}

exports_test_types_fns_full_t exports_test_types_fns_flip_full(exports_test_types_fns_full_t f) {
  return ~test_types_fns_flip_full(~f);
}

exports_test_types_fns_big_enum_t exports_test_types_fns_next_big(exports_test_types_fns_big_enum_t e) {
  return (exports_test_types_fns_big_enum_t)((test_types_fns_next_big((test_types_fns_big_enum_t)((e + 7) % 300)) + 7) % 300);
}

typedef test_types_fns_tuple3_list_shape_list_option_string_option_result_list_string_tuple2_u8_string_t bag_t;
typedef types_option_result_list_string_tuple2_u8_string_t deep_t;
static void deep_f(deep_t *r, const deep_t *d) {
  memset(r, 0, sizeof *r);
  if (!d->is_some) { r->is_some = true; return; }                 /* some(ok([])) */
  if (d->val.is_err) return;                                       /* none */
  const types_list_string_t *l = &d->val.val.ok;
  r->is_some = true;
  if (l->len < 2) {
    types_list_string_t *o = &r->val.val.ok;
    o->len = l->len + 1;
    o->ptr = alloc(_Alignof(str_t), o->len * sizeof(str_t));
    for (size_t i = 0; i < l->len; i++) types_string_dup_n(&o->ptr[i], (const char *)l->ptr[i].ptr, l->ptr[i].len);
    types_string_dup(&o->ptr[l->len], "x");
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < l->len; i++) n += l->ptr[i].len + 1;
  char *t = tmp_alloc(n);
  size_t k = 0;
  for (size_t i = 0; i < l->len; i++) {
    if (i) t[k++] = ',';
    if (l->ptr[i].len) memcpy(t + k, l->ptr[i].ptr, l->ptr[i].len);
    k += l->ptr[i].len;
  }
  r->val.is_err = true;
  r->val.val.err.f0 = (uint8_t)l->len;
  types_string_dup_n(&r->val.val.err.f1, t, k);
  tmp_free(t, n);
}
static void bag_f(bag_t *r, const test_types_fns_list_shape_t *shapes, const types_list_option_string_t *names, const deep_t *deep) {
  r->f0.len = shapes->len;
  r->f0.ptr = shapes->len ? alloc(_Alignof(test_types_fns_shape_t), shapes->len * sizeof(test_types_fns_shape_t)) : NULL;
  for (size_t i = 0; i < shapes->len; i++) shape_f(&r->f0.ptr[i], &shapes->ptr[i]);
  r->f1.len = names->len;
  r->f1.ptr = names->len ? alloc(_Alignof(types_option_string_t), names->len * sizeof(types_option_string_t)) : NULL;
  for (size_t i = 0; i < names->len; i++) {
    const types_option_string_t *o = &names->ptr[i];
    types_option_string_t *out = &r->f1.ptr[i];
    memset(out, 0, sizeof *out);
    if (!o->is_some) { out->is_some = true; types_string_dup(&out->val, "?"); }
    else if (o->val.len < 6) { out->is_some = true; str_cat(&out->val, &o->val, "!", 1); }
  }
  deep_f(&r->f2, deep);
}
void exports_test_types_fns_bag(test_types_fns_list_shape_t *shapes, types_list_option_string_t *names, deep_t *deep, bag_t *ret) {
  bag_t a, r;
  bag_f(&a, shapes, names, deep);
  test_types_fns_bag(&a.f0, &a.f1, &a.f2, &r);
  test_types_fns_tuple3_list_shape_list_option_string_option_result_list_string_tuple2_u8_string_free(&a);
  bag_f(ret, &r.f0, &r.f1, &r.f2);
  test_types_fns_tuple3_list_shape_list_option_string_option_result_list_string_tuple2_u8_string_free(&r);
}

exports_test_types_fns_id_t exports_test_types_fns_sum_ids(exports_test_types_fns_ids_t *xs) {
  for (size_t i = 0; i < xs->len; i++) xs->ptr[i] *= 2;
  return test_types_fns_sum_ids(xs) + 1;
}

void exports_test_types_fns_many(uint8_t a1, int16_t a2, uint32_t a3, int64_t a4, float a5, double a6, bool a7,
                                 uint32_t a8, str_t *a9, types_list_u8_t *a10, exports_test_types_fns_point_t *a11,
                                 types_option_u32_t *a12, uint64_t a13, int8_t a14,
                                 exports_test_types_fns_summary_t *ret) {
  str_t s9;
  str_cat(&s9, a9, "#", 1);
  for (size_t i = 0; i < a10->len / 2; i++) {        /* reverse in place: the argument is ours to change */
    uint8_t t = a10->ptr[i];
    a10->ptr[i] = a10->ptr[a10->len - 1 - i];
    a10->ptr[a10->len - 1 - i] = t;
  }
  test_types_fns_point_t p11 = rotate(*a11);
  types_option_u32_t o12 = opt_u32_f(a12);
  test_types_fns_many((uint8_t)(a1 + 1), (int16_t)(a2 + 1), a3 + 1, (int64_t)((uint64_t)a4 + 1), a5, a6, a7, a8,
                      &s9, a10, &p11, &o12, a13 + 1, (int8_t)(a14 + 1), ret);   /* the host's summary is ours: pass it on */
  types_string_free(&s9);
  ret->count += 1000;
}

/* ---- world level --------------------------------------------------------------------------- */

void exports_types_world_ping(types_counter_t *c, types_counter_t *ret) {
  types_counter_t a = { c->n + 1, c->label };   /* a view of the argument's label */
  types_world_bump(&a, ret);
  ret->n += 2;
}

int64_t exports_types_heap_bytes(void) { return e2e_heap_bytes(); }

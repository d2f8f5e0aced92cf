/* guest.c: the `fixed` world (world.wit) on the bindings `witc gen c` writes (fixed.h, fixed.c):
 * the same behaviour as raw.c. A list<T, N> is a struct holding `T data[N]`.
 * e2e: freestanding (built a second time with no libc: see ../lib/rt.h) */
#include "fixed.h"
#include "rt.h"

static void bytes4_f(fixed_list_u8_4_t *out, const fixed_list_u8_4_t *in) {
  for (int i = 0; i < 4; i++) out->data[i] = (uint8_t)(in->data[3 - i] + 1);
}
void exports_test_fixed_fns_bytes4(fixed_list_u8_4_t *x, fixed_list_u8_4_t *ret) {
  fixed_list_u8_4_t a, r;
  bytes4_f(&a, x);
  test_fixed_fns_bytes4(&a, &r);
  bytes4_f(ret, &r);
}

static void points_f(test_fixed_fns_list_point_2_t *out, const test_fixed_fns_list_point_2_t *in) {
  for (int i = 0; i < 2; i++) { out->data[i].x = in->data[1 - i].y; out->data[i].y = in->data[1 - i].x; }
}
void exports_test_fixed_fns_points(test_fixed_fns_list_point_2_t *ps, test_fixed_fns_list_point_2_t *ret) {
  test_fixed_fns_list_point_2_t a, r;
  points_f(&a, ps);
  test_fixed_fns_points(&a, &r);
  points_f(ret, &r);
}

/* rotate left by one, "·" appended */
static void strings_f(fixed_list_string_3_t *out, const fixed_list_string_3_t *in) {
  for (int i = 0; i < 3; i++) {
    const fixed_string_t *s = &in->data[(i + 1) % 3];
    char *t = tmp_alloc(s->len + 2);
    if (s->len) memcpy(t, s->ptr, s->len);
    memcpy(t + s->len, "\xC2\xB7", 2);
    fixed_string_dup_n(&out->data[i], t, s->len + 2);
    tmp_free(t, s->len + 2);
  }
}
void exports_test_fixed_fns_strings(fixed_list_string_3_t *ss, fixed_list_string_3_t *ret) {
  fixed_list_string_3_t a, r;
  strings_f(&a, ss);
  test_fixed_fns_strings(&a, &r);
  fixed_list_string_3_free(&a);
  strings_f(ret, &r);
  fixed_list_string_3_free(&r);
}

static void transpose_f(fixed_list_list_s16_2_2_t *out, const fixed_list_list_s16_2_2_t *in) {
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) out->data[i].data[j] = in->data[j].data[i];
}
void exports_test_fixed_fns_transpose(fixed_list_list_s16_2_2_t *m, fixed_list_list_s16_2_2_t *ret) {
  fixed_list_list_s16_2_2_t a, r;
  transpose_f(&a, m);
  test_fixed_fns_transpose(&a, &r);
  transpose_f(ret, &r);
}

uint64_t exports_test_fixed_fns_sum(fixed_list_u32_20_t *x) {
  for (int i = 0; i < 20; i++) x->data[i]++;
  return test_fixed_fns_sum(x) * 2;
}

static void shade_f(test_fixed_fns_rgb_t *out, const test_fixed_fns_rgb_t *in) {
  out->c.data[0] = in->c.data[2];
  out->c.data[1] = in->c.data[0];
  out->c.data[2] = in->c.data[1];
  char *t = tmp_alloc(in->name.len);
  for (size_t i = 0; i < in->name.len; i++) t[i] = (char)in->name.ptr[in->name.len - 1 - i];
  fixed_string_dup_n(&out->name, t, in->name.len);
  tmp_free(t, in->name.len);
}
void exports_test_fixed_fns_shade(exports_test_fixed_fns_rgb_t *r, exports_test_fixed_fns_rgb_t *ret) {
  test_fixed_fns_rgb_t a, h;
  shade_f(&a, r);
  test_fixed_fns_shade(&a, &h);
  test_fixed_fns_rgb_free(&a);
  shade_f(ret, &h);
  test_fixed_fns_rgb_free(&h);
}

void exports_test_fixed_fns_maybe(fixed_option_list_f64_2_t *x, fixed_option_list_f64_2_t *ret) {
  fixed_option_list_f64_2_t a;
  memset(&a, 0, sizeof a);
  if (x->is_some) {
    a.is_some = true;
    a.val.data[0] = -x->val.data[0];
    a.val.data[1] = -x->val.data[1];
  }
  test_fixed_fns_maybe(&a, ret);
}

/* 100,000 bytes each: static, as the guest's stack is only 64 KiB (the bindings put the
 * spilled arguments in memory from cabi_realloc, never on the stack) */
static fixed_list_u8_100000_t big_a, big_r;
static void big_f(fixed_list_u8_100000_t *out, const fixed_list_u8_100000_t *in) {
  for (int i = 0; i < 100000; i++) out->data[i] = (uint8_t)(in->data[99999 - i] + 1);
}
void exports_test_fixed_fns_big(fixed_list_u8_100000_t *x, fixed_list_u8_100000_t *ret) {
  big_f(&big_a, x);
  test_fixed_fns_big(&big_a, &big_r);
  big_f(ret, &big_r);
}

int64_t exports_fixed_heap_bytes(void) { return e2e_heap_bytes(); }

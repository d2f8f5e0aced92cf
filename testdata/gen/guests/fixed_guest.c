/* fixed_guest.c: the `fixed` world of tests/e2e on the bindings of `witc gen c`: the same plugin as
 * tests/e2e/fixed/raw.c, written against the generated API (it passes tests/e2e.sh when copied to
 * tests/e2e/fixed/guest.c). Kept here as a worked example of the generated C API. */
#include <stdlib.h>
#include <string.h>
#include "fixed.h"
#include "heap.h"

static void bytes4_f(const fixed_list_u8_4_t *in, fixed_list_u8_4_t *out) {
  for (int i = 0; i < 4; i++) out->data[i] = (uint8_t)(in->data[3 - i] + 1);
}
void exports_test_fixed_fns_bytes4(fixed_list_u8_4_t *x, fixed_list_u8_4_t *ret) {
  fixed_list_u8_4_t s, r;
  bytes4_f(x, &s);
  test_fixed_fns_bytes4(&s, &r);
  bytes4_f(&r, ret);
}
static void points_f(const test_fixed_fns_list_point_2_t *in, test_fixed_fns_list_point_2_t *out) {
  for (int i = 0; i < 2; i++) { out->data[i].x = in->data[1 - i].y; out->data[i].y = in->data[1 - i].x; }
}
void exports_test_fixed_fns_points(test_fixed_fns_list_point_2_t *ps, test_fixed_fns_list_point_2_t *ret) {
  test_fixed_fns_list_point_2_t s, r;
  points_f(ps, &s);
  test_fixed_fns_points(&s, &r);
  points_f(&r, ret);
}
static void strings_f(const fixed_list_string_3_t *in, fixed_list_string_3_t *out) {
  for (int i = 0; i < 3; i++) {
    const fixed_string_t *s = &in->data[(i + 1) % 3];
    char *buf = malloc(s->len + 2);
    memcpy(buf, s->ptr, s->len);
    memcpy(buf + s->len, "\xC2\xB7", 2);
    fixed_string_dup_n(&out->data[i], buf, s->len + 2);
    free(buf);
  }
}
void exports_test_fixed_fns_strings(fixed_list_string_3_t *ss, fixed_list_string_3_t *ret) {
  fixed_list_string_3_t s, r;
  strings_f(ss, &s);
  test_fixed_fns_strings(&s, &r);
  fixed_list_string_3_free(&s);
  strings_f(&r, ret);
  fixed_list_string_3_free(&r);
}
static void transpose_f(const fixed_list_list_s16_2_2_t *in, fixed_list_list_s16_2_2_t *out) {
  for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) out->data[i].data[j] = in->data[j].data[i];
}
void exports_test_fixed_fns_transpose(fixed_list_list_s16_2_2_t *m, fixed_list_list_s16_2_2_t *ret) {
  fixed_list_list_s16_2_2_t s, r;
  transpose_f(m, &s);
  test_fixed_fns_transpose(&s, &r);
  transpose_f(&r, ret);
}
uint64_t exports_test_fixed_fns_sum(fixed_list_u32_20_t *x) {
  fixed_list_u32_20_t y;
  for (int i = 0; i < 20; i++) y.data[i] = x->data[i] + 1;
  return test_fixed_fns_sum(&y) * 2;
}
static void shade_f(const test_fixed_fns_rgb_t *in, test_fixed_fns_rgb_t *out) {
  for (int i = 0; i < 3; i++) out->c.data[i] = in->c.data[(i + 2) % 3];
  char *buf = malloc(in->name.len + 1);
  for (size_t i = 0; i < in->name.len; i++) buf[i] = (char)in->name.ptr[in->name.len - 1 - i];
  fixed_string_dup_n(&out->name, buf, in->name.len);
  free(buf);
}
void exports_test_fixed_fns_shade(exports_test_fixed_fns_rgb_t *r, exports_test_fixed_fns_rgb_t *ret) {
  test_fixed_fns_rgb_t s, q;
  shade_f(r, &s);
  test_fixed_fns_shade(&s, &q);
  test_fixed_fns_rgb_free(&s);
  shade_f(&q, ret);
  test_fixed_fns_rgb_free(&q);
}
void exports_test_fixed_fns_maybe(fixed_option_list_f64_2_t *x, fixed_option_list_f64_2_t *ret) {
  fixed_option_list_f64_2_t a = *x;
  if (a.is_some) { a.val.data[0] = -a.val.data[0]; a.val.data[1] = -a.val.data[1]; }
  test_fixed_fns_maybe(&a, ret);
}
int64_t exports_fixed_heap_bytes(void) { return e2e_heap_bytes(); }

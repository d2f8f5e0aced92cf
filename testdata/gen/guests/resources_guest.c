/* resources_guest.c: the `resources` world of tests/e2e on the bindings of `witc gen c`: the same plugin as
 * tests/e2e/resources/raw.c, written against the generated API (it passes tests/e2e.sh when copied to
 * tests/e2e/resources/guest.c). Kept here as a worked example of the generated C API. */
#include <stdlib.h>
#include <string.h>
#include "resources.h"
#include "heap.h"

#define H(x) test_resources_host_res_##x
#define G(x) exports_test_resources_guest_res_##x
typedef H(own_counter_t) own_counter;
typedef H(borrow_counter_t) borrow_counter;

struct exports_test_resources_guest_res_int_stack_t { resources_string_t name; int32_t *items; size_t len, cap; };
typedef G(int_stack_t) stack_t_;

static uint32_t n_live, n_dropped;

static stack_t_ *stack_alloc(resources_string_t name) {
  stack_t_ *s = calloc(1, sizeof *s);
  s->name = name;
  n_live++;
  return s;
}
static void stack_push(stack_t_ *s, int32_t v) {
  if (s->len == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 4;
    s->items = realloc(s->items, cap * sizeof *s->items);
    s->cap = cap;
  }
  s->items[s->len++] = v;
}
static int64_t stack_sum(const stack_t_ *s) {
  int64_t sum = 0;
  for (size_t i = 0; i < s->len; i++) sum += s->items[i];
  return sum;
}
void G(int_stack_destructor)(stack_t_ *s) {
  resources_string_free(&s->name);
  free(s->items);
  free(s);
  n_live--;
  n_dropped++;
}
G(own_int_stack_t) G(constructor_int_stack)(resources_string_t *name) {
  resources_string_t n = *name;             /* move the name out of the argument */
  memset(name, 0, sizeof *name);
  return G(int_stack_new)(stack_alloc(n));
}
void G(method_int_stack_push)(G(borrow_int_stack_t) self, int32_t v) { stack_push(self, v); }
void G(method_int_stack_pop)(G(borrow_int_stack_t) self, resources_option_s32_t *ret) {
  ret->is_some = self->len > 0;
  if (self->len) ret->val = self->items[--self->len];
}
uint32_t G(method_int_stack_len)(G(borrow_int_stack_t) self) { return (uint32_t)self->len; }
void G(method_int_stack_name)(G(borrow_int_stack_t) self, resources_string_t *ret) {
  resources_string_dup_n(ret, (const char *)self->name.ptr, self->name.len);
}
G(own_int_stack_t) G(static_int_stack_from_list)(resources_string_t *name, resources_list_s32_t *items) {
  resources_string_t n = *name;
  memset(name, 0, sizeof *name);
  stack_t_ *s = stack_alloc(n);
  for (size_t i = 0; i < items->len; i++) stack_push(s, items->ptr[i]);
  return G(int_stack_new)(s);               /* items are freed by the glue */
}
void G(method_int_stack_absorb)(G(borrow_int_stack_t) self, G(own_int_stack_t) other) {
  stack_t_ *o = G(int_stack_rep)(other);
  for (size_t i = 0; i < o->len; i++) stack_push(self, o->items[i]);
  G(int_stack_drop_own)(other);
}
void G(static_int_stack_peek)(G(borrow_int_stack_t) s, resources_option_s32_t *ret) {
  ret->is_some = s->len > 0;
  if (s->len) ret->val = s->items[s->len - 1];
}
void G(method_int_stack_push_counter)(G(borrow_int_stack_t) self, borrow_counter c) {
  stack_push(self, H(method_counter_get)(c));   /* the glue ends the borrow */
}
own_counter G(method_int_stack_to_counter)(G(borrow_int_stack_t) self) {
  return H(constructor_counter)((int32_t)stack_sum(self));
}
void G(method_int_stack_items)(G(borrow_int_stack_t) self, resources_list_s32_t *ret) {
  ret->len = self->len;
  ret->ptr = self->len ? cabi_realloc(NULL, 0, 4, self->len * 4) : NULL;
  if (self->len) memcpy(ret->ptr, self->items, self->len * 4);
}
uint32_t G(dropped)(void) { return n_dropped; }
uint32_t G(live)(void) { return n_live; }

static void out_push(resources_list_s32_t *l, int32_t v) {
  l->ptr = cabi_realloc(l->ptr, l->len * 4, 4, (l->len + 1) * 4);
  l->ptr[l->len++] = v;
}
void G(exercise)(int32_t seed, resources_list_s32_t *ret) {
  own_counter c1 = H(constructor_counter)(seed);
  out_push(ret, H(method_counter_get)(H(borrow_counter)(c1)));
  H(method_counter_add)(H(borrow_counter)(c1), 5);
  out_push(ret, H(method_counter_get)(H(borrow_counter)(c1)));
  H(tuple2_own_counter_own_counter_t) pair;
  H(static_counter_make_pair)((int32_t)((uint32_t)seed * 2), 7, &pair);
  out_push(ret, H(method_counter_get)(H(borrow_counter)(pair.f0)));
  out_push(ret, H(method_counter_get)(H(borrow_counter)(pair.f1)));
  own_counter m = H(static_counter_merge)(pair.f0, H(borrow_counter)(pair.f1));
  pair.f0.__handle = 0;                      /* moved */
  out_push(ret, H(method_counter_get)(H(borrow_counter)(m)));
  borrow_counter bs[3] = {H(borrow_counter)(c1), H(borrow_counter)(pair.f1), H(borrow_counter)(m)};
  H(list_borrow_counter_t) bl = {bs, 3};
  out_push(ret, H(total)(&bl));
  resources_string_t label;
  H(method_counter_label)(H(borrow_counter)(c1), &label);
  out_push(ret, (int32_t)label.len);
  resources_string_free(&label);
  for (int k = 0; k < 2; k++) {
    H(option_own_counter_t) mc;
    H(maybe_counter)(k == 0 ? seed : -1, &mc);
    if (mc.is_some) out_push(ret, H(method_counter_get)(H(borrow_counter)(mc.val)));
    else out_push(ret, -1);
    H(option_own_counter_free)(&mc);
  }
  own_counter back[2] = {pair.f1, H(constructor_counter)(100)};
  H(list_own_counter_t) bk = {back, 2};
  out_push(ret, (int32_t)H(give_back)(&bk));
  if (back[0].__handle || back[1].__handle) abort();  /* the glue zeroed the moved handles */
  H(counter_drop_own)(c1);
  H(counter_drop_own)(m);
}
int32_t G(consume)(own_counter c) {
  int32_t v = H(method_counter_get)(H(borrow_counter)(c));
  H(counter_drop_own)(c);
  return v;
}
void G(lengths)(G(list_own_int_stack_t) *stacks, resources_list_u32_t *ret) {
  ret->len = stacks->len;
  ret->ptr = stacks->len ? cabi_realloc(NULL, 0, 4, stacks->len * 4) : NULL;
  for (size_t i = 0; i < stacks->len; i++) ret->ptr[i] = (uint32_t)G(int_stack_rep)(stacks->ptr[i])->len;
  /* the glue drops the handles left in `stacks` */
}
void G(split)(G(own_int_stack_t) h, G(list_own_int_stack_t) *ret) {
  stack_t_ *s = G(int_stack_rep)(h);
  ret->len = s->len;
  ret->ptr = s->len ? cabi_realloc(NULL, 0, 4, s->len * 4) : NULL;
  for (size_t i = 0; i < s->len; i++) {
    char name[64];
    size_t k = s->name.len < 40 ? s->name.len : 40;
    memcpy(name, s->name.ptr, k);
    uint32_t v = (uint32_t)i;
    char tmp[12]; size_t t = 0;
    do { tmp[t++] = (char)('0' + v % 10); v /= 10; } while (v);
    name[k++] = '[';
    while (t) name[k++] = tmp[--t];
    name[k++] = ']';
    resources_string_t n;
    resources_string_dup_n(&n, name, k);
    stack_t_ *one = stack_alloc(n);
    stack_push(one, s->items[i]);
    ret->ptr[i] = G(int_stack_new)(one);
  }
  G(int_stack_drop_own)(h);
}
G(own_int_stack_t) G(larger)(G(own_int_stack_t) a, G(own_int_stack_t) b) {
  if (stack_sum(G(int_stack_rep)(a)) >= stack_sum(G(int_stack_rep)(b))) { G(int_stack_drop_own)(b); return a; }
  G(int_stack_drop_own)(a);
  return b;
}
int64_t exports_resources_heap_bytes(void) { return e2e_heap_bytes(); }

/* guest.c: the `resources` world (world.wit) on the bindings `witc gen c` writes
 * (resources.h, resources.c): the same behaviour as raw.c, with no hand-written ABI code.
 *
 * It relies on the bindings' handle rules (resources.h): borrows received by an export are ended
 * by the glue after the export returns; own handles left in an export's by-pointer arguments are
 * dropped by the glue; own handles passed to an import in a list move and are zeroed there;
 * _free helpers drop the own handles they find. `lengths` drops half of its handles itself and
 * leaves the other half to the glue, to exercise both.
 * e2e: freestanding (built a second time with no libc: see ../lib/rt.h) */
#include "resources.h"
#include "rt.h"

typedef test_resources_host_res_own_counter_t own_counter_t;
typedef test_resources_host_res_borrow_counter_t borrow_counter_t;
typedef exports_test_resources_guest_res_own_int_stack_t own_stack_t;
typedef exports_test_resources_guest_res_int_stack_t istack_t;

struct exports_test_resources_guest_res_int_stack_t {
  resources_string_t name;
  int32_t *items;
  size_t len, cap;
};

static uint32_t n_live, n_dropped;

static borrow_counter_t lend(own_counter_t c) { return test_resources_host_res_borrow_counter(c); }

static istack_t *stack_alloc(void) {
  istack_t *s = tmp_alloc(sizeof *s);
  memset(s, 0, sizeof *s);
  n_live++;
  return s;
}
static void stack_push(istack_t *s, int32_t v) {
  if (s->len == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 4;
    s->items = cabi_realloc(s->items, s->cap * sizeof *s->items, 4, cap * sizeof *s->items);
    s->cap = cap;
  }
  s->items[s->len++] = v;
}
static int64_t stack_sum(const istack_t *s) {
  int64_t sum = 0;
  for (size_t i = 0; i < s->len; i++) sum += s->items[i];
  return sum;
}
static istack_t *rep(own_stack_t h) { return exports_test_resources_guest_res_int_stack_rep(h); }

void exports_test_resources_guest_res_int_stack_destructor(istack_t *s) {
  resources_string_free(&s->name);
  if (s->cap) cabi_free(s->items, s->cap * sizeof *s->items, 4);
  tmp_free(s, sizeof *s);
  n_live--;
  n_dropped++;
}

own_stack_t exports_test_resources_guest_res_constructor_int_stack(resources_string_t *name) {
  istack_t *s = stack_alloc();
  s->name = *name;                       /* move the name out of the argument */
  name->ptr = NULL;
  name->len = 0;
  return exports_test_resources_guest_res_int_stack_new(s);
}

void exports_test_resources_guest_res_method_int_stack_push(istack_t *self, int32_t v) { stack_push(self, v); }

void exports_test_resources_guest_res_method_int_stack_pop(istack_t *self, resources_option_s32_t *ret) {
  if (self->len) { ret->is_some = true; ret->val = self->items[--self->len]; }
}

uint32_t exports_test_resources_guest_res_method_int_stack_len(istack_t *self) { return (uint32_t)self->len; }

void exports_test_resources_guest_res_method_int_stack_name(istack_t *self, resources_string_t *ret) {
  resources_string_dup_n(ret, (const char *)self->name.ptr, self->name.len);
}

own_stack_t exports_test_resources_guest_res_static_int_stack_from_list(resources_string_t *name, resources_list_s32_t *items) {
  istack_t *s = stack_alloc();
  resources_string_dup_n(&s->name, (const char *)name->ptr, name->len);   /* copy; the glue frees the argument */
  for (size_t i = 0; i < items->len; i++) stack_push(s, items->ptr[i]);
  return exports_test_resources_guest_res_int_stack_new(s);
}

void exports_test_resources_guest_res_method_int_stack_absorb(istack_t *self, own_stack_t other) {
  istack_t *o = rep(other);
  for (size_t i = 0; i < o->len; i++) stack_push(self, o->items[i]);
  exports_test_resources_guest_res_int_stack_drop_own(other);     /* runs the destructor */
}

void exports_test_resources_guest_res_static_int_stack_peek(istack_t *s, resources_option_s32_t *ret) {
  if (s->len) { ret->is_some = true; ret->val = s->items[s->len - 1]; }
}

void exports_test_resources_guest_res_method_int_stack_push_counter(istack_t *self, borrow_counter_t c) {
  stack_push(self, test_resources_host_res_method_counter_get(c));   /* the glue ends the borrow */
}

own_counter_t exports_test_resources_guest_res_method_int_stack_to_counter(istack_t *self) {
  return test_resources_host_res_constructor_counter((int32_t)stack_sum(self));
}

void exports_test_resources_guest_res_method_int_stack_items(istack_t *self, resources_list_s32_t *ret) {
  ret->len = self->len;
  if (self->len) {
    ret->ptr = cabi_realloc(NULL, 0, 4, self->len * 4);
    memcpy(ret->ptr, self->items, self->len * 4);
  }
}

int64_t exports_test_resources_guest_res_sum_all(exports_test_resources_guest_res_list_borrow_int_stack_t *stacks) {
  int64_t sum = 0;
  for (size_t i = 0; i < stacks->len; i++) sum += stack_sum(stacks->ptr[i]);   /* borrows are rep pointers */
  return sum;
}

int32_t exports_test_resources_guest_res_peek_counter(test_resources_host_res_option_borrow_counter_t *c) {
  return c->is_some ? test_resources_host_res_method_counter_get(c->val) : -1;   /* the glue ends the borrow */
}

/* Reports the handle numbers it received; drops none of the borrows: the glue ends `a`, every
 * borrow in `*bs` and the one in `*o` after this returns (resources.h: never drop a borrow) */
void exports_test_resources_guest_res_borrow_handles(borrow_counter_t a, test_resources_host_res_list_borrow_counter_t *bs,
                                                     test_resources_host_res_option_borrow_counter_t *o, resources_list_s32_t *ret) {
  size_t n = 1 + bs->len + (o->is_some ? 1 : 0), j = 0;
  int32_t *h = buf_alloc(4, (n + 1) * sizeof *h);
  int32_t sum = 0;
  h[j++] = a.__handle;
  sum += test_resources_host_res_method_counter_get(a);
  for (size_t i = 0; i < bs->len; i++) {
    h[j++] = bs->ptr[i].__handle;
    sum += test_resources_host_res_method_counter_get(bs->ptr[i]);
  }
  if (o->is_some) {
    h[j++] = o->val.__handle;
    sum += test_resources_host_res_method_counter_get(o->val);
  }
  h[j] = sum;
  ret->ptr = h;
  ret->len = n + 1;
}

void exports_test_resources_guest_res_make_holder(int32_t n, resources_string_t *tag, exports_test_resources_guest_res_holder_t *ret) {
  ret->c = test_resources_host_res_constructor_counter(n);
  ret->tag = *tag;                       /* move the argument's buffer into the result */
  tag->ptr = NULL;
  tag->len = 0;
}

int32_t exports_test_resources_guest_res_open_holder(exports_test_resources_guest_res_holder_t *h) {
  /* read only: the glue drops the counter and frees the tag after this returns */
  return test_resources_host_res_method_counter_get(lend(h->c)) + (int32_t)h->tag.len;
}

void exports_test_resources_guest_res_firsts(exports_test_resources_guest_res_list_option_own_int_stack_t *stacks, resources_list_option_s32_t *ret) {
  ret->len = stacks->len;
  if (stacks->len) {
    ret->ptr = cabi_realloc(NULL, 0, _Alignof(resources_option_s32_t), stacks->len * sizeof(resources_option_s32_t));
    memset(ret->ptr, 0, stacks->len * sizeof(resources_option_s32_t));
  }
  for (size_t i = 0; i < stacks->len; i++) {
    if (!stacks->ptr[i].is_some) continue;
    istack_t *s = rep(stacks->ptr[i].val);
    if (s->len) { ret->ptr[i].is_some = true; ret->ptr[i].val = s->items[s->len - 1]; }
  }
  exports_test_resources_guest_res_list_option_own_int_stack_free(stacks);   /* drops them all now */
}

uint32_t exports_test_resources_guest_res_dropped(void) { return n_dropped; }
uint32_t exports_test_resources_guest_res_live(void) { return n_live; }

void exports_test_resources_guest_res_exercise(int32_t seed, resources_list_s32_t *ret) {
  istack_t out = { { NULL, 0 }, NULL, 0, 0 };
  own_counter_t c1 = test_resources_host_res_constructor_counter(seed);
  stack_push(&out, test_resources_host_res_method_counter_get(lend(c1)));
  test_resources_host_res_method_counter_add(lend(c1), 5);
  stack_push(&out, test_resources_host_res_method_counter_get(lend(c1)));
  test_resources_host_res_tuple2_own_counter_own_counter_t pair;
  test_resources_host_res_static_counter_make_pair((int32_t)((uint32_t)seed * 2), 7, &pair);
  stack_push(&out, test_resources_host_res_method_counter_get(lend(pair.f0)));
  stack_push(&out, test_resources_host_res_method_counter_get(lend(pair.f1)));
  own_counter_t m = test_resources_host_res_static_counter_merge(pair.f0, lend(pair.f1));   /* pair.f0 moves */
  pair.f0.__handle = 0;
  stack_push(&out, test_resources_host_res_method_counter_get(lend(m)));
  borrow_counter_t bs[3] = { lend(c1), lend(pair.f1), lend(m) };
  test_resources_host_res_list_borrow_counter_t borrows = { bs, 3 };
  stack_push(&out, test_resources_host_res_total(&borrows));
  resources_string_t label;
  test_resources_host_res_method_counter_label(lend(c1), &label);
  stack_push(&out, (int32_t)label.len);
  resources_string_free(&label);
  for (int k = 0; k < 2; k++) {
    test_resources_host_res_option_own_counter_t mc;
    test_resources_host_res_maybe_counter(k == 0 ? seed : -1, &mc);
    stack_push(&out, mc.is_some ? test_resources_host_res_method_counter_get(lend(mc.val)) : -1);
    test_resources_host_res_option_own_counter_free(&mc);          /* drops the counter, if any */
  }
  own_counter_t back[2] = { pair.f1, test_resources_host_res_constructor_counter(100) };
  pair.f1.__handle = 0;
  test_resources_host_res_list_own_counter_t give = { back, 2 };
  stack_push(&out, (int32_t)test_resources_host_res_give_back(&give));   /* both move to the host */
  if (back[0].__handle || back[1].__handle) e2e_abort();                     /* ... and are zeroed here */
  test_resources_host_res_tuple2_own_counter_own_counter_free(&pair);   /* owns nothing any more */
  test_resources_host_res_counter_drop_own(c1);
  test_resources_host_res_counter_drop_own(m);
  ret->len = out.len;
  ret->ptr = cabi_realloc(NULL, 0, 4, out.len * 4);
  memcpy(ret->ptr, out.items, out.len * 4);
  if (out.cap) cabi_free(out.items, out.cap * 4, 4);
}

int32_t exports_test_resources_guest_res_consume(own_counter_t c) {
  int32_t v = test_resources_host_res_method_counter_get(lend(c));
  test_resources_host_res_counter_drop_own(c);
  return v;
}

void exports_test_resources_guest_res_lengths(exports_test_resources_guest_res_list_own_int_stack_t *stacks, resources_list_u32_t *ret) {
  ret->len = stacks->len;
  if (stacks->len) ret->ptr = cabi_realloc(NULL, 0, 4, stacks->len * 4);
  for (size_t i = 0; i < stacks->len; i++) {
    ret->ptr[i] = (uint32_t)rep(stacks->ptr[i])->len;
    if (i % 2 == 0) {                    /* drop these here; the glue drops the others */
      exports_test_resources_guest_res_int_stack_drop_own(stacks->ptr[i]);
      stacks->ptr[i].__handle = 0;
    }
  }
}

void exports_test_resources_guest_res_split(own_stack_t h, exports_test_resources_guest_res_list_own_int_stack_t *ret) {
  istack_t *s = rep(h);
  ret->len = s->len;
  if (s->len) ret->ptr = cabi_realloc(NULL, 0, 4, s->len * sizeof(own_stack_t));
  for (size_t i = 0; i < s->len; i++) {
    istack_t *one = stack_alloc();
    char idx[24];
    size_t k = 0;
    idx[k++] = '[';
    k += fmt_u64(i, idx + k);
    idx[k++] = ']';
    char *name = tmp_alloc(s->name.len + k);
    if (s->name.len) memcpy(name, s->name.ptr, s->name.len);
    memcpy(name + s->name.len, idx, k);
    resources_string_dup_n(&one->name, name, s->name.len + k);
    tmp_free(name, s->name.len + k);
    stack_push(one, s->items[i]);
    ret->ptr[i] = exports_test_resources_guest_res_int_stack_new(one);
  }
  exports_test_resources_guest_res_int_stack_drop_own(h);
}

own_stack_t exports_test_resources_guest_res_larger(own_stack_t a, own_stack_t b) {
  if (stack_sum(rep(a)) >= stack_sum(rep(b))) {
    exports_test_resources_guest_res_int_stack_drop_own(b);
    return a;
  }
  exports_test_resources_guest_res_int_stack_drop_own(a);
  return b;
}

uint32_t exports_resources_double_token(resources_borrow_token_t t) { return 2 * resources_method_token_value(t); }

resources_own_token_t exports_resources_next_token(uint32_t n) {
  resources_own_token_t made = resources_make_token(n);
  resources_own_token_t next = resources_constructor_token(resources_method_token_value(resources_borrow_token(made)) + 1);
  resources_token_drop_own(made);
  return next;
}

int64_t exports_resources_heap_bytes(void) { return e2e_heap_bytes(); }

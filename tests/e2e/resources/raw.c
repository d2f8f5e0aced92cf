/* raw.c: the `resources` world (world.wit) against the raw canonical ABI, written by hand: the
 * control for the generated-bindings guest (guest.c), with the same behaviour.
 *
 * Handles, as the canonical ABI has them:
 *   - an imported resource (counter) is an i32 handle into this instance's table; the guest
 *     drops owned handles with [resource-drop]counter, and also every *borrowed* handle it
 *     received as an export parameter (before returning from that export);
 *   - an exported resource (int-stack) is represented by a rep, here a pointer to `stack_t`.
 *     [resource-new] turns a rep into an owned handle, [resource-rep] reads a handle's rep,
 *     [resource-drop] drops an owned handle, after which the runtime calls the [dtor] export
 *     with the rep. Methods and borrow<int-stack> parameters receive the rep directly, own
 *     parameters receive a handle. */
#include "raw.h"

#define HOST "test:resources/host-res@0.1.0"
#define GUEST "test:resources/guest-res@0.1.0"
#define IMPORT(name) __attribute__((import_module(HOST), import_name(name)))
#define INTRINSIC(name) __attribute__((import_module("[export]" GUEST), import_name(name)))
#define EXPORT(name) __attribute__((export_name(GUEST "#" name)))
#define POST(name) __attribute__((export_name("cabi_post_" GUEST "#" name)))

typedef struct { int32_t *ptr; size_t len; } i32s_t;

/* ---- the imported counter ------------------------------------------------------------------ */

IMPORT("[constructor]counter") extern int32_t counter_new(int32_t start);
IMPORT("[method]counter.get") extern int32_t counter_get(int32_t self);
IMPORT("[method]counter.add") extern void counter_add(int32_t self, int32_t n);
IMPORT("[method]counter.label") extern void counter_label(int32_t self, str_t *ret);
IMPORT("[static]counter.make-pair") extern void counter_make_pair(int32_t a, int32_t b, int32_t ret[2]);
IMPORT("[static]counter.merge") extern int32_t counter_merge(int32_t a_own, int32_t b_borrow);
IMPORT("[resource-drop]counter") extern void counter_drop(int32_t handle);
IMPORT("total") extern int32_t host_total(const int32_t *borrows, size_t n);
IMPORT("give-back") extern int32_t host_give_back(const int32_t *owns, size_t n);
typedef struct { uint8_t is_some; int32_t handle; } opt_handle_t;
IMPORT("maybe-counter") extern void host_maybe_counter(int32_t n, opt_handle_t *ret);

/* ---- the exported int-stack ---------------------------------------------------------------- */

typedef struct { str_t name; int32_t *items; size_t len, cap; } stack_t;

INTRINSIC("[resource-new]int-stack") extern int32_t stack_new_handle(stack_t *rep);
INTRINSIC("[resource-rep]int-stack") extern stack_t *stack_rep(int32_t handle);
INTRINSIC("[resource-drop]int-stack") extern void stack_drop(int32_t handle);

static uint32_t n_live, n_dropped;

static stack_t *stack_alloc(str_t name) {
  stack_t *s = xalloc(sizeof *s);
  s->name = name;
  s->items = NULL;
  s->len = s->cap = 0;
  n_live++;
  return s;
}
static void stack_push(stack_t *s, int32_t v) {
  if (s->len == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 4;
    int32_t *p = realloc(s->cap ? s->items : NULL, cap * sizeof *p);
    if (!p) abort();
    s->items = p;
    s->cap = cap;
  }
  s->items[s->len++] = v;
}
static int64_t stack_sum(const stack_t *s) {
  int64_t sum = 0;
  for (size_t i = 0; i < s->len; i++) sum += s->items[i];
  return sum;
}
static str_t str_copy(const void *p, size_t n) {
  str_t r = { xalloc(n), n };
  if (n) memcpy(r.ptr, p, n);
  return r;
}

EXPORT("[dtor]int-stack") void stack_dtor(stack_t *s) {
  xfree(s->name.ptr, s->name.len);
  xfree(s->items, s->cap * sizeof *s->items);
  free(s);
  n_live--;
  n_dropped++;
}

EXPORT("[constructor]int-stack") int32_t exp_stack_new(uint8_t *name, size_t len) {
  return stack_new_handle(stack_alloc((str_t){ name, len }));   /* keeps the name buffer */
}
EXPORT("[method]int-stack.push") void exp_stack_push(stack_t *self, int32_t v) { stack_push(self, v); }

static struct { uint8_t is_some; int32_t val; } opt_ret;   /* no allocation: no post-return */
EXPORT("[method]int-stack.pop") void *exp_stack_pop(stack_t *self) {
  opt_ret.is_some = self->len > 0;
  opt_ret.val = self->len ? self->items[--self->len] : 0;
  return &opt_ret;
}
EXPORT("[method]int-stack.len") int32_t exp_stack_len(stack_t *self) { return (int32_t)self->len; }

EXPORT("[method]int-stack.name") str_t *exp_stack_name(stack_t *self) {
  str_t *ret = xalloc(sizeof *ret);
  *ret = str_copy(self->name.ptr, self->name.len);
  return ret;
}
POST("[method]int-stack.name") void post_stack_name(str_t *ret) { xfree(ret->ptr, ret->len); free(ret); }

EXPORT("[static]int-stack.from-list") int32_t exp_stack_from_list(uint8_t *name, size_t len, int32_t *items, size_t n) {
  stack_t *s = stack_alloc((str_t){ name, len });
  s->items = n ? items : NULL;                                 /* adopt the list buffer */
  s->len = s->cap = n;
  return stack_new_handle(s);
}

EXPORT("[method]int-stack.absorb") void exp_stack_absorb(stack_t *self, int32_t other) {
  stack_t *o = stack_rep(other);
  for (size_t i = 0; i < o->len; i++) stack_push(self, o->items[i]);
  stack_drop(other);                                           /* runs the destructor */
}

EXPORT("[static]int-stack.peek") void *exp_stack_peek(stack_t *s) {
  opt_ret.is_some = s->len > 0;
  opt_ret.val = s->len ? s->items[s->len - 1] : 0;
  return &opt_ret;
}

EXPORT("[method]int-stack.push-counter") void exp_stack_push_counter(stack_t *self, int32_t c) {
  stack_push(self, counter_get(c));
  counter_drop(c);                                             /* end the borrow */
}

EXPORT("[method]int-stack.to-counter") int32_t exp_stack_to_counter(stack_t *self) {
  return counter_new((int32_t)stack_sum(self));                /* the own handle moves to the caller */
}

EXPORT("[method]int-stack.items") i32s_t *exp_stack_items(stack_t *self) {
  i32s_t *ret = xalloc(sizeof *ret);
  ret->len = self->len;
  ret->ptr = xalloc(self->len * 4);
  if (self->len) memcpy(ret->ptr, self->items, self->len * 4);
  return ret;
}
POST("[method]int-stack.items") void post_stack_items(i32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

EXPORT("sum-all") int64_t exp_sum_all(stack_t **reps, size_t n) {   /* borrows of our own resource: reps */
  int64_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += stack_sum(reps[i]);
  xfree(reps, n * 4);
  return sum;
}

EXPORT("peek-counter") int32_t exp_peek_counter(int32_t is_some, int32_t c) {
  if (!is_some) return -1;
  int32_t v = counter_get(c);
  counter_drop(c);                                             /* end the borrow */
  return v;
}

EXPORT("borrow-handles") i32s_t *exp_borrow_handles(int32_t a, int32_t *bs, size_t n, int32_t o_some, int32_t o) {
  size_t k = 1 + n + (o_some ? 1 : 0), j = 0;
  i32s_t *ret = xalloc(sizeof *ret);
  ret->len = k + 1;
  ret->ptr = xalloc(ret->len * 4);
  int32_t sum = 0;
  ret->ptr[j++] = a;
  sum += counter_get(a);
  counter_drop(a);                                             /* end each borrow */
  for (size_t i = 0; i < n; i++) {
    ret->ptr[j++] = bs[i];
    sum += counter_get(bs[i]);
    counter_drop(bs[i]);
  }
  xfree(bs, n * 4);
  if (o_some) {
    ret->ptr[j++] = o;
    sum += counter_get(o);
    counter_drop(o);
  }
  ret->ptr[j] = sum;
  return ret;
}
POST("borrow-handles") void post_borrow_handles(i32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

typedef struct { int32_t c; str_t tag; } holder_t;
_Static_assert(sizeof(holder_t) == 12, "holder layout");
EXPORT("make-holder") holder_t *exp_make_holder(int32_t n, uint8_t *tag, size_t len) {
  holder_t *ret = xalloc(sizeof *ret);
  ret->c = counter_new(n);
  ret->tag = (str_t){ tag, len };                             /* hand the argument's buffer back */
  return ret;
}
POST("make-holder") void post_make_holder(holder_t *ret) { xfree(ret->tag.ptr, ret->tag.len); free(ret); }

EXPORT("open-holder") int32_t exp_open_holder(int32_t c, uint8_t *tag, size_t len) {
  int32_t v = counter_get(c);
  counter_drop(c);
  xfree(tag, len);
  return v + (int32_t)len;
}

typedef struct { uint8_t is_some; int32_t val; } opt_i32_t;   /* option<own<int-stack>> and option<s32>: 8 bytes */
EXPORT("firsts") i32s_t *exp_firsts(opt_i32_t *in, size_t n) {
  i32s_t *ret = xalloc(sizeof *ret);
  opt_i32_t *out = xalloc(n * sizeof *out);
  for (size_t i = 0; i < n; i++) {
    out[i].is_some = 0;
    out[i].val = 0;
    if (!in[i].is_some) continue;
    stack_t *s = stack_rep(in[i].val);
    if (s->len) { out[i].is_some = 1; out[i].val = s->items[s->len - 1]; }
    stack_drop(in[i].val);
  }
  xfree(in, n * sizeof *in);
  ret->ptr = (int32_t *)out;
  ret->len = n;
  return ret;
}
POST("firsts") void post_firsts(i32s_t *ret) { xfree(ret->ptr, ret->len * 8); free(ret); }

EXPORT("dropped") int32_t exp_dropped(void) { return (int32_t)n_dropped; }
EXPORT("live") int32_t exp_live(void) { return (int32_t)n_live; }

/* exercise(seed): see host.mjs for the expected list */
EXPORT("exercise") i32s_t *exp_exercise(int32_t seed) {
  stack_t out = { { NULL, 0 }, NULL, 0, 0 };
  int32_t c1 = counter_new(seed);
  stack_push(&out, counter_get(c1));
  counter_add(c1, 5);
  stack_push(&out, counter_get(c1));
  int32_t pair[2];
  counter_make_pair((int32_t)((uint32_t)seed * 2), 7, pair);
  stack_push(&out, counter_get(pair[0]));
  stack_push(&out, counter_get(pair[1]));
  int32_t m = counter_merge(pair[0], pair[1]);                 /* pair[0] moves to the host */
  stack_push(&out, counter_get(m));
  int32_t borrows[3] = { c1, pair[1], m };
  stack_push(&out, host_total(borrows, 3));
  str_t label;
  counter_label(c1, &label);
  stack_push(&out, (int32_t)label.len);
  xfree(label.ptr, label.len);
  for (int k = 0; k < 2; k++) {
    opt_handle_t mc;
    host_maybe_counter(k == 0 ? seed : -1, &mc);
    if (mc.is_some) { stack_push(&out, counter_get(mc.handle)); counter_drop(mc.handle); }
    else stack_push(&out, -1);
  }
  int32_t back[2] = { pair[1], counter_new(100) };
  stack_push(&out, host_give_back(back, 2));                    /* both move to the host */
  counter_drop(c1);
  counter_drop(m);
  i32s_t *ret = xalloc(sizeof *ret);
  ret->len = out.len;
  ret->ptr = xalloc(out.len * 4);
  memcpy(ret->ptr, out.items, out.len * 4);
  xfree(out.items, out.cap * 4);
  return ret;
}
POST("exercise") void post_exercise(i32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

EXPORT("consume") int32_t exp_consume(int32_t c) {
  int32_t v = counter_get(c);
  counter_drop(c);
  return v;
}

EXPORT("lengths") i32s_t *exp_lengths(int32_t *handles, size_t n) {
  i32s_t *ret = xalloc(sizeof *ret);
  ret->len = n;
  ret->ptr = xalloc(n * 4);
  for (size_t i = 0; i < n; i++) {
    ret->ptr[i] = (int32_t)stack_rep(handles[i])->len;
    stack_drop(handles[i]);
  }
  xfree(handles, n * 4);
  return ret;
}
POST("lengths") void post_lengths(i32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

EXPORT("split") i32s_t *exp_split(int32_t h) {
  stack_t *s = stack_rep(h);
  i32s_t *ret = xalloc(sizeof *ret);
  ret->len = s->len;
  ret->ptr = xalloc(s->len * 4);
  for (size_t i = 0; i < s->len; i++) {
    /* name "<name>[i]" */
    char idx[16];
    size_t k = 0;
    uint32_t v = (uint32_t)i;
    char tmp[12]; size_t t = 0;
    do { tmp[t++] = (char)('0' + v % 10); v /= 10; } while (v);
    idx[k++] = '[';
    while (t) idx[k++] = tmp[--t];
    idx[k++] = ']';
    str_t name = { xalloc(s->name.len + k), s->name.len + k };
    if (s->name.len) memcpy(name.ptr, s->name.ptr, s->name.len);
    memcpy(name.ptr + s->name.len, idx, k);
    stack_t *one = stack_alloc(name);
    stack_push(one, s->items[i]);
    ret->ptr[i] = stack_new_handle(one);
  }
  stack_drop(h);
  return ret;
}
POST("split") void post_split(i32s_t *ret) { xfree(ret->ptr, ret->len * 4); free(ret); }

EXPORT("larger") int32_t exp_larger(int32_t a, int32_t b) {
  if (stack_sum(stack_rep(a)) >= stack_sum(stack_rep(b))) { stack_drop(b); return a; }
  stack_drop(a);
  return b;
}

/* ---- the world-level resource `token` (imported from $root) -------------------------------- */

__attribute__((import_module("$root"), import_name("[constructor]token"))) extern int32_t token_new(int32_t n);
__attribute__((import_module("$root"), import_name("[method]token.value"))) extern int32_t token_value(int32_t self);
__attribute__((import_module("$root"), import_name("[resource-drop]token"))) extern void token_drop(int32_t handle);
__attribute__((import_module("$root"), import_name("make-token"))) extern int32_t make_token(int32_t n);

__attribute__((export_name("double-token"))) int32_t exp_double_token(int32_t t) {
  int32_t v = token_value(t) * 2;
  token_drop(t);                                               /* end the borrow */
  return v;
}
__attribute__((export_name("next-token"))) int32_t exp_next_token(int32_t n) {
  int32_t made = make_token(n);
  int32_t next = token_new(token_value(made) + 1);
  token_drop(made);
  return next;
}

__attribute__((export_name("heap-bytes")))
int64_t exp_heap_bytes(void) { return e2e_heap_bytes(); }

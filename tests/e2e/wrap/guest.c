/* guest.c: the `wrap` world (world.wit) on witc's bindings: every exported `ctr` wraps an
 * imported one (the host's), the shape of a component that virtualizes an API it also imports.
 * There is no raw-ABI twin: host.mjs states every expected value.
 *   ctr(start)      wraps host ctr(start * 2)
 *   inc(by)         host inc(by + 1), and counts the call
 *   get()           host get() + the number of inc calls
 *   merge(a, b)     wraps host merge(a's inner (moved), borrow of b's inner); inc counts add up;
 *                   a is destroyed (its inner already moved)
 *   total(cs)       host total(borrows of the inners) + all inc counts
 *   range(n)        wraps each of host range(n)
 *   drain(cs)       host drain(the inners, moved out of the wrappers) + all inc counts; the
 *                   wrappers are left to the glue, which drops them (their destructors run)
 * The destructor drops the inner counter (when it still has one).
 * e2e: freestanding (built a second time with no libc: see ../lib/rt.h) */
#include "wrap.h"
#include "rt.h"

struct exports_test_wrap_api_ctr_t {
  test_wrap_api_own_ctr_t inner;
  uint32_t incs;
};
typedef exports_test_wrap_api_ctr_t ctr_t;

static exports_test_wrap_api_own_ctr_t wrap_inner(test_wrap_api_own_ctr_t inner, uint32_t incs) {
  ctr_t *c = tmp_alloc(sizeof *c);
  c->inner = inner;
  c->incs = incs;
  return exports_test_wrap_api_ctr_new(c);
}
static test_wrap_api_borrow_ctr_t in(const ctr_t *c) { return test_wrap_api_borrow_ctr(c->inner); }

void exports_test_wrap_api_ctr_destructor(ctr_t *c) {
  test_wrap_api_ctr_drop_own(c->inner);        /* zero handles are ignored */
  tmp_free(c, sizeof *c);
}

exports_test_wrap_api_own_ctr_t exports_test_wrap_api_constructor_ctr(uint32_t start) {
  return wrap_inner(test_wrap_api_constructor_ctr(start * 2), 0);
}
void exports_test_wrap_api_method_ctr_inc(ctr_t *self, uint32_t by) {
  test_wrap_api_method_ctr_inc(in(self), by + 1);
  self->incs++;
}
uint32_t exports_test_wrap_api_method_ctr_get(ctr_t *self) { return test_wrap_api_method_ctr_get(in(self)) + self->incs; }

exports_test_wrap_api_own_ctr_t exports_test_wrap_api_static_ctr_merge(exports_test_wrap_api_own_ctr_t a, ctr_t *b) {
  ctr_t *ra = exports_test_wrap_api_ctr_rep(a);
  test_wrap_api_own_ctr_t inner = test_wrap_api_static_ctr_merge(ra->inner, in(b));   /* ra->inner moves */
  ra->inner.__handle = 0;
  uint32_t incs = ra->incs + b->incs;
  exports_test_wrap_api_ctr_drop_own(a);       /* runs the destructor of a */
  return wrap_inner(inner, incs);
}

uint32_t exports_test_wrap_api_total(exports_test_wrap_api_list_borrow_ctr_t *cs) {
  size_t n = cs->len;
  test_wrap_api_list_borrow_ctr_t inner = { tmp_alloc(n * sizeof(test_wrap_api_borrow_ctr_t)), n };
  uint32_t incs = 0;
  for (size_t i = 0; i < n; i++) {
    inner.ptr[i] = in(cs->ptr[i]);
    incs += cs->ptr[i]->incs;
  }
  uint32_t t = test_wrap_api_total(&inner);
  tmp_free(inner.ptr, n * sizeof(test_wrap_api_borrow_ctr_t));
  return t + incs;
}

void exports_test_wrap_api_range(uint32_t n, exports_test_wrap_api_list_own_ctr_t *ret) {
  test_wrap_api_list_own_ctr_t r;
  test_wrap_api_range(n, &r);
  ret->len = r.len;
  ret->ptr = buf_alloc(_Alignof(exports_test_wrap_api_own_ctr_t), r.len * sizeof(exports_test_wrap_api_own_ctr_t));
  for (size_t i = 0; i < r.len; i++) {
    ret->ptr[i] = wrap_inner(r.ptr[i], 0);
    r.ptr[i].__handle = 0;                     /* moved into the wrapper */
  }
  test_wrap_api_list_own_ctr_free(&r);         /* frees the list; drops nothing */
}

uint32_t exports_test_wrap_api_drain(exports_test_wrap_api_list_own_ctr_t *cs) {
  size_t n = cs->len;
  test_wrap_api_list_own_ctr_t inner = { tmp_alloc(n * sizeof(test_wrap_api_own_ctr_t)), n };
  uint32_t incs = 0;
  for (size_t i = 0; i < n; i++) {
    ctr_t *c = exports_test_wrap_api_ctr_rep(cs->ptr[i]);
    inner.ptr[i] = c->inner;                   /* move the inner out of the wrapper */
    c->inner.__handle = 0;
    incs += c->incs;
  }
  uint32_t sum = test_wrap_api_drain(&inner);  /* the inners move to the host (and are zeroed) */
  tmp_free(inner.ptr, n * sizeof(test_wrap_api_own_ctr_t));
  return sum + incs;
}

int64_t exports_wrap_heap_bytes(void) { return e2e_heap_bytes(); }

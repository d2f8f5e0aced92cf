/* free_shim.c: malloc, calloc, realloc and free on top of the allocator that `witc gen c` emits
 * for -DWITC_FREESTANDING (cabi_realloc/cabi_free), with the heap accounting of
 * tests/e2e/lib/heap.h, so the tests/e2e guests run on it. Used by tests/gen_validate.sh. */
#include <stddef.h>
#include <stdint.h>
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);
void cabi_free(void *ptr, size_t size, size_t align);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int v, size_t n);
static int64_t live_bytes, live_blocks;
int64_t e2e_heap_bytes(void) { return live_bytes; }
int64_t e2e_heap_blocks(void) { return live_blocks; }
void *malloc(size_t n) {
  size_t *p = cabi_realloc(NULL, 0, 8, n + 8);
  p[0] = n;
  live_bytes += (int64_t)n; live_blocks++;
  return p + 1;
}
void free(void *q) {
  if (!q) return;
  size_t *p = (size_t *)q - 1;
  live_bytes -= (int64_t)p[0]; live_blocks--;
  cabi_free(p, p[0] + 8, 8);
}
void *calloc(size_t a, size_t b) { void *p = malloc(a * b); memset(p, 0, a * b); return p; }
void *realloc(void *q, size_t n) {
  if (!q) return malloc(n);
  size_t old = ((size_t *)q)[-1];
  void *p = malloc(n);
  memcpy(p, q, old < n ? old : n);
  free(q);
  return p;
}
void abort(void) { __builtin_trap(); }

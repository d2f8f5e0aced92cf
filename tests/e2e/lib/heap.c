/* heap.c: counts the bytes a guest has allocated with wasi-libc's malloc family, so a host can
 * check ownership end to end: after any call (and its post-return) the guest's heap must be back
 * where it was, or someone leaked (or freed too much).
 *
 * Linked into every guest with
 *   -Wl,--wrap=malloc -Wl,--wrap=free -Wl,--wrap=calloc -Wl,--wrap=realloc
 *   -Wl,--wrap=aligned_alloc -Wl,--wrap=posix_memalign
 * wasm-ld then sends every call to malloc (from the guest, the bindings and libc itself) to
 * __wrap_malloc, which calls the real one (__real_malloc) and adds malloc_usable_size() of the
 * block; free() subtracts it before releasing the block. The count is of usable bytes, not of
 * requested bytes, but it is exact: every block is added and subtracted with the same size. */
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "heap.h"

void *__real_malloc(size_t n);
void __real_free(void *p);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
int __real_posix_memalign(void **out, size_t a, size_t n);

void *__wrap_malloc(size_t n);
void __wrap_free(void *p);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
int __wrap_posix_memalign(void **out, size_t a, size_t n);

static int64_t live_bytes, live_blocks;

static void *took(void *p) {
  if (p) { live_bytes += (int64_t)malloc_usable_size(p); live_blocks++; }
  return p;
}

void *__wrap_malloc(size_t n) { return took(__real_malloc(n)); }
void *__wrap_calloc(size_t n, size_t m) { return took(__real_calloc(n, m)); }
void *__wrap_aligned_alloc(size_t a, size_t n) { return took(__real_aligned_alloc(a, n)); }

int __wrap_posix_memalign(void **out, size_t a, size_t n) {
  int rc = __real_posix_memalign(out, a, n);
  if (rc == 0) took(*out);
  return rc;
}

void __wrap_free(void *p) {
  if (!p) return;
  live_bytes -= (int64_t)malloc_usable_size(p);
  live_blocks--;
  __real_free(p);
}

void *__wrap_realloc(void *p, size_t n) {
  int64_t old = p ? (int64_t)malloc_usable_size(p) : 0;
  void *q = __real_realloc(p, n);
  if (q) {
    live_bytes += (int64_t)malloc_usable_size(q) - old;
    if (!p) live_blocks++;
  } else if (p && n == 0) { /* realloc(p, 0) freed p */
    live_bytes -= old;
    live_blocks--;
  }
  return q;
}

int64_t e2e_heap_bytes(void) { return live_bytes; }
int64_t e2e_heap_blocks(void) { return live_blocks; }

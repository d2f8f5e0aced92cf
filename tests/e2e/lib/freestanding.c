/* freestanding.c: what a gen guest needs when it is built with no libc at all
 * (--target=wasm32 -nostdlib -ffreestanding -DWITC_FREESTANDING): memcpy and memset (the
 * compiler may call them for struct copies too), and heap-bytes' counter, which has nothing to
 * count here (the bindings' own allocator serves every block). */
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memset(void *d, int c, size_t n);

void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}

void *memset(void *d, int c, size_t n) {
  unsigned char *dp = d;
  while (n--) *dp++ = (unsigned char)c;
  return d;
}

int64_t e2e_heap_bytes(void) { return 0; }
int64_t e2e_heap_blocks(void) { return 0; }

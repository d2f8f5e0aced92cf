/* rt.h: the little C runtime the gen guests use, the same in both of their builds:
 *   - wasm32-wasi with wasi-libc (the default), and
 *   - freestanding (--target=wasm32 -nostdlib -DWITC_FREESTANDING), where the bindings bring
 *     their own allocator and there is no libc at all: lib/freestanding.c supplies memcpy and
 *     memset, and heap-bytes answers 0 (the heap checks then pass trivially; the libc build
 *     does the accounting).
 * Include it after the generated header: temporary memory comes from the bindings' allocation
 * hooks, cabi_realloc and cabi_free, in both builds. */
#ifndef E2E_RT_H
#define E2E_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef WITC_FREESTANDING
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memset(void *d, int c, size_t n);
#define e2e_abort() __builtin_trap()
#else
#include <stdlib.h>
#include <string.h>
#define e2e_abort() abort()
#endif

#include "fmt.h"
#include "heap.h"

/* n bytes (align 8) for a temporary; NULL for 0. Release with tmp_free(p, n). */
static inline void *tmp_alloc(size_t n) { return n ? cabi_realloc(NULL, 0, 8, n) : NULL; }
static inline void tmp_free(void *p, size_t n) { if (n) cabi_free(p, n, 8); }
/* An owned buffer for a result (align `align`); NULL for 0 (a length-0 list owns nothing). */
static inline void *buf_alloc(size_t align, size_t n) { return n ? cabi_realloc(NULL, 0, align, n) : NULL; }

#endif

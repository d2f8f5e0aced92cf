/* raw.h: what the hand-written raw-ABI guests (<name>/raw.c) share: the cabi_realloc export
 * through which the host allocates in the guest, allocation helpers that never return NULL,
 * and the canonical layout of string / list<u8> (and list<string>). Built with wasi-libc, so
 * lib/heap.c counts every block. Include it from the raw.c only: it defines the export. */
#ifndef E2E_RAW_H
#define E2E_RAW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

/* The canonical ABI's realloc: new_size 0 frees `old` (when it owns bytes) and returns the
 * alignment as the pointer of an empty block; alignments above 16 are not served. */
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  if (new_size == 0) {
    if (old && old_size) free(old);
    return (void *)align;
  }
  if (align > 16) abort();
  void *p = realloc(old_size ? old : NULL, new_size);
  if (!p) abort();
  return p;
}

/* n bytes of heap (aborts when there are none); 0 bytes is the aligned pointer 8, which owns
 * nothing. Release with xfree(p, n), which frees only what owns bytes. */
static inline void *xalloc(size_t n) {
  if (n == 0) return (void *)8;
  void *p = malloc(n);
  if (!p) abort();
  return p;
}
static inline void xfree(void *p, size_t n) { if (n) free(p); }

/* string and list<u8> (8 bytes, align 4 on wasm32): len counts bytes. */
typedef struct { uint8_t *ptr; size_t len; } str_t;
/* list<string> */
typedef struct { str_t *ptr; size_t len; } strs_t;

/* Frees an owned string and empties it. */
static inline void str_free(str_t *s) { xfree(s->ptr, s->len); s->ptr = NULL; s->len = 0; }

#endif

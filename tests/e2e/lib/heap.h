/* heap.h: live heap accounting for end-to-end guests (see heap.c). */
#ifndef E2E_HEAP_H
#define E2E_HEAP_H
#include <stdint.h>
/* Usable bytes currently allocated through malloc/calloc/realloc/aligned_alloc/posix_memalign. */
int64_t e2e_heap_bytes(void);
/* Blocks currently allocated. */
int64_t e2e_heap_blocks(void);
#endif

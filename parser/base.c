/* base.c: the allocation hook, arenas, strings, the string map and output buffers. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

/* ---- allocation hook ---------------------------------------------------------------- */

static void *default_realloc(void *ptr, size_t size, void *user) {
  (void)user;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

static witc_realloc_fn mem_hook = default_realloc;
static void *mem_user;

void witc_mem_set_hook(witc_realloc_fn fn, void *user) {
  mem_hook = fn ? fn : default_realloc;
  mem_user = fn ? user : NULL;
}

void *witc_mem_realloc(void *ptr, size_t size) { return mem_hook(ptr, size, mem_user); }

void witc_mem_free(void *ptr) {
  if (ptr) mem_hook(ptr, 0, mem_user);
}

/* ---- arena -------------------------------------------------------------------------- */

/* Chunks come from one of two places:
 *  - the system, when the default hook is in place and no test chunk size is set: anonymous
 *    mappings growing geometrically from MAP_FIRST to MAP_MAX bytes. Those from HUGE_PAGE
 *    bytes up are 2 MiB-aligned and marked MADV_HUGEPAGE (decisions.md, issue 09: touching
 *    fresh memory costs ~12 us per 4 KiB fault on these machines, ten times less with
 *    transparent huge pages; the kernel offers them in `madvise` mode). A mapping is never
 *    reused, so its pages are still the kernel's zero pages when handed out: no memset.
 *    Untouched tails cost address space only, not memory.
 *  - the hook otherwise (tests injecting failures): blocks of arena_chunk bytes, 1 MiB by
 *    default, each a hook call; memory is zeroed per allocation.
 * Oversized requests (over a quarter of the chunk size) get a chunk of their own. */
struct witc_arena_chunk {
  witc_arena_chunk *prev;
  size_t size;   /* usable bytes in data */
  size_t mapped; /* 0: a block from the hook; else the length of the mapping holding it */
  _Alignas(16) char data[];
};

enum { ARENA_CHUNK = 1 << 20 };
#define MAP_FIRST ((size_t)1 << 20)
#define MAP_MAX ((size_t)64 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

#if defined(__linux__) && defined(MAP_ANONYMOUS)
#define WITC_ARENA_MMAP 1
#else
#define WITC_ARENA_MMAP 0
#endif

static size_t arena_chunk; /* 0: the production policy above; else the hook, this size */

#if WITC_ARENA_MMAP
static bool hook_is_default(void) { return mem_hook == default_realloc; }
#endif

void witc_arena_set_chunk_size(size_t size) { arena_chunk = size; }

void witc_arena_init(witc_arena *self) { memset(self, 0, sizeof *self); }

static void chunk_free(witc_arena_chunk *c) {
#if WITC_ARENA_MMAP
  if (c->mapped) {
    munmap(c, c->mapped);
    return;
  }
#endif
  witc_mem_free(c);
}

void witc_arena_delete(witc_arena *self) {
  witc_arena_chunk *c = self->chunk;
  while (c) {
    witc_arena_chunk *prev = c->prev;
    chunk_free(c);
    c = prev;
  }
  self->chunk = NULL;
  self->cur = self->end = NULL;
  self->total = 0;
}

static void *arena_fail(witc_arena *self) {
  if (self->oom) longjmp(*self->oom, 1);
  return NULL;
}

#if WITC_ARENA_MMAP
/* A fresh anonymous mapping for a chunk of at least `want` usable bytes (its size recorded
 * in c->size), or NULL. */
static witc_arena_chunk *chunk_map(size_t want) {
  size_t head = offsetof(witc_arena_chunk, data);
  if (want > SIZE_MAX / 2 - head - HUGE_PAGE) return NULL;
  size_t len = head + want;
  bool huge = len >= HUGE_PAGE;
  long page = sysconf(_SC_PAGESIZE);
  size_t align = huge ? HUGE_PAGE : (size_t)(page > 0 ? page : 4096);
  len = (len + align - 1) & ~(align - 1);
  size_t span = huge ? len + HUGE_PAGE : len;
  char *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return NULL;
  char *start = base;
  if (huge) { /* trim to a 2 MiB-aligned range so every page of it can be a huge page */
    start = (char *)(((uintptr_t)base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (start > base) munmap(base, (size_t)(start - base));
    if (base + span > start + len) munmap(start + len, (size_t)(base + span - (start + len)));
#ifdef MADV_HUGEPAGE
    madvise(start, len, MADV_HUGEPAGE); /* a hint: without THP the pages stay small */
#endif
  }
  witc_arena_chunk *c = (witc_arena_chunk *)start;
  c->size = len - head;
  c->mapped = len;
  return c;
}
#endif

/* A new chunk able to hold `size` bytes (a multiple of 16), counted in total; NULL when
 * neither the system nor the hook can supply it. */
static witc_arena_chunk *chunk_new(witc_arena *self, size_t size, bool *own) {
  witc_arena_chunk *c;
#if WITC_ARENA_MMAP
  if (!arena_chunk && hook_is_default()) {
    /* mapping sizes 1, 2, 4, ... MAP_MAX MiB (chunk header included, so from 2 MiB on a
     * chunk is a whole number of huge pages) */
    size_t head = offsetof(witc_arena_chunk, data);
    size_t next = self->chunk && self->chunk->mapped ? self->chunk->mapped * 2 : MAP_FIRST;
    if (next > MAP_MAX) next = MAP_MAX;
    *own = self->chunk && size > (next - head) / 4;
    c = chunk_map(*own || size > next - head ? size : next - head);
    if (!c) return NULL;
    self->total += c->size;
    return c;
  }
#endif
  size_t chunk = arena_chunk ? arena_chunk : ARENA_CHUNK;
  size_t want = size > chunk / 4 ? size : chunk;
  *own = want != chunk && self->chunk;
  if (want > SIZE_MAX - sizeof(witc_arena_chunk)) return NULL;
  c = witc_mem_realloc(NULL, sizeof(witc_arena_chunk) + want);
  if (!c) return NULL;
  c->size = want;
  c->mapped = 0;
  self->total += want;
  return c;
}

void *witc_arena_alloc(witc_arena *self, size_t size) {
  if (size > SIZE_MAX / 2) return arena_fail(self);
  size = (size + 15) & ~(size_t)15;
  if (size == 0) size = 16;
  if (!self->cur || (size_t)(self->end - self->cur) < size) {
    bool own;
    witc_arena_chunk *c = chunk_new(self, size, &own);
    if (!c) return arena_fail(self);
    if (own) {
      /* Keep bumping in the current chunk: link the big one behind it. */
      c->prev = self->chunk->prev;
      self->chunk->prev = c;
      if (!c->mapped) memset(c->data, 0, size);
      return c->data;
    }
    c->prev = self->chunk;
    self->chunk = c;
    self->cur = c->data;
    self->end = c->data + c->size;
  }
  void *p = self->cur;
  self->cur += size;
  if (!self->chunk->mapped) memset(p, 0, size);
  return p;
}

char *witc_arena_strndup(witc_arena *self, const char *s, size_t len) {
  char *p = witc_arena_alloc(self, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = 0;
  return p;
}

char *witc_arena_vprintf(witc_arena *self, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *p = witc_arena_alloc(self, (size_t)n + 1);
  if (!p) return NULL;
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *witc_arena_printf(witc_arena *self, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = witc_arena_vprintf(self, fmt, ap);
  va_end(ap);
  return p;
}

void witc_vec_grow_(witc_arena *a, void **items, uint32_t *cap, uint32_t len, size_t elem,
                    uint32_t need) {
  uint32_t ncap = *cap ? *cap : 4;
  while (ncap < need) ncap *= 2;
  /* The newest block of the current chunk grows in place (no copy, no dead old block).
   * Like the copy below, every element from `len` on reads as zero afterwards. */
  size_t old_bytes = ((size_t)*cap * elem + 15) & ~(size_t)15;
  size_t new_bytes = ((size_t)ncap * elem + 15) & ~(size_t)15;
  char *old = *items;
  if (old && a->chunk && old >= a->chunk->data && old + old_bytes == a->cur &&
      new_bytes - old_bytes <= (size_t)(a->end - a->cur)) {
    memset(old + (size_t)len * elem, 0, old_bytes - (size_t)len * elem);
    if (!a->chunk->mapped) memset(a->cur, 0, new_bytes - old_bytes);
    a->cur += new_bytes - old_bytes;
    *cap = ncap;
    return;
  }
  void *p = witc_arena_alloc(a, (size_t)ncap * elem);
  if (!p) return; /* only reachable without an oom handler; caller would crash anyway */
  if (len) memcpy(p, *items, (size_t)len * elem);
  *items = p;
  *cap = ncap;
}

/* ---- strings ------------------------------------------------------------------------ */

witc_str witc_str_c(const char *s) {
  if (!s) return WITC_STR_NONE;
  return (witc_str){s, (uint32_t)strlen(s)};
}

bool witc_str_eq(witc_str a, witc_str b) {
  if (!a.ptr || !b.ptr) return a.ptr == b.ptr;
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool witc_str_eq_c(witc_str a, const char *c) { return a.ptr && witc_str_eq(a, witc_str_c(c)); }

int witc_str_cmp(witc_str a, witc_str b) {
  uint32_t n = a.len < b.len ? a.len : b.len;
  int r = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (r) return r;
  return a.len < b.len ? -1 : a.len > b.len;
}

uint32_t witc_str_hash(witc_str s) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < s.len; i++) h = (h ^ (unsigned char)s.ptr[i]) * 16777619u;
  return h;
}

witc_str witc_str_dup(witc_arena *a, witc_str s) {
  if (!s.ptr) return s;
  return (witc_str){witc_arena_strndup(a, s.ptr, s.len), s.len};
}

/* ---- string map --------------------------------------------------------------------- */

static witc_strmap_slot *strmap_find(const witc_strmap *self, witc_str key, uint32_t h) {
  uint32_t mask = self->cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    witc_strmap_slot *s = &self->slots[i];
    if (!s->key.ptr) return s;
    if (s->hash == h && witc_str_eq(s->key, key)) return s;
  }
}

bool witc_strmap_get(const witc_strmap *self, witc_str key, uint32_t *value) {
  if (!self->cap || !key.ptr) return false;
  witc_strmap_slot *s = strmap_find(self, key, witc_str_hash(key));
  if (!s->key.ptr) return false;
  if (value) *value = s->value;
  return true;
}

bool witc_strmap_put(witc_strmap *self, witc_arena *a, witc_str key, uint32_t value,
                     uint32_t *old) {
  if ((self->len + 1) * 4 >= self->cap * 3) {
    uint32_t ncap = self->cap ? self->cap * 2 : 16;
    witc_strmap_slot *ns = witc_arena_alloc(a, sizeof(witc_strmap_slot) * ncap);
    witc_strmap grown = {ns, ncap, self->len};
    for (uint32_t i = 0; i < self->cap; i++) {
      witc_strmap_slot *s = &self->slots[i];
      if (s->key.ptr) *strmap_find(&grown, s->key, s->hash) = *s;
    }
    *self = grown;
  }
  uint32_t h = witc_str_hash(key);
  witc_strmap_slot *s = strmap_find(self, key, h);
  if (s->key.ptr) {
    if (old) *old = s->value;
    return false;
  }
  /* An empty key still needs a non-NULL pointer to mark the slot used. */
  s->key = key.ptr ? key : (witc_str){"", 0};
  s->value = value;
  s->hash = h;
  self->len++;
  return true;
}

/* ---- output buffer ------------------------------------------------------------------ */

void witc_buf_init(witc_buf *self) { memset(self, 0, sizeof *self); }

void witc_buf_delete(witc_buf *self) {
  witc_mem_free(self->data);
  memset(self, 0, sizeof *self);
}

static bool buf_reserve(witc_buf *self, size_t extra) {
  if (self->error) return false;
  if (self->len + extra + 1 <= self->cap) return true;
  size_t ncap = self->cap ? self->cap : 256;
  while (ncap < self->len + extra + 1) {
    if (ncap > SIZE_MAX / 2) {
      self->error = true;
      return false;
    }
    ncap *= 2;
  }
  char *p = witc_mem_realloc(self->data, ncap);
  if (!p) {
    self->error = true;
    return false;
  }
  self->data = p;
  self->cap = ncap;
  return true;
}

void witc_buf_put(witc_buf *self, const void *data, size_t len) {
  if (!buf_reserve(self, len)) return;
  if (len) memcpy(self->data + self->len, data, len);
  self->len += len;
  self->data[self->len] = 0;
}

void witc_buf_puts(witc_buf *self, const char *s) { witc_buf_put(self, s, strlen(s)); }
void witc_buf_putc(witc_buf *self, char c) { witc_buf_put(self, &c, 1); }
void witc_buf_putstr(witc_buf *self, witc_str s) {
  if (s.ptr) witc_buf_put(self, s.ptr, s.len);
}

void witc_buf_fill(witc_buf *self, char c, size_t n) {
  if (!buf_reserve(self, n)) return;
  memset(self->data + self->len, c, n);
  self->len += n;
  self->data[self->len] = 0;
}

void witc_buf_vprintf(witc_buf *self, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0 || !buf_reserve(self, (size_t)n)) {
    self->error = true;
    return;
  }
  vsnprintf(self->data + self->len, (size_t)n + 1, fmt, ap);
  self->len += (size_t)n;
}

void witc_buf_printf(witc_buf *self, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  witc_buf_vprintf(self, fmt, ap);
  va_end(ap);
}

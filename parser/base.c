/* base.c: the allocation hook, arenas, strings, the string map and output buffers. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct witc_arena_chunk {
  witc_arena_chunk *prev;
  size_t size;
  _Alignas(16) char data[];
};

/* Large chunks keep the number of page-touching mallocs low (see decisions.md on the cost
 * of page faults); oversized requests get a chunk of their own. */
enum { ARENA_CHUNK = 1 << 20 };

static size_t arena_chunk = ARENA_CHUNK;

void witc_arena_set_chunk_size(size_t size) { arena_chunk = size ? size : ARENA_CHUNK; }

void witc_arena_init(witc_arena *self) { memset(self, 0, sizeof *self); }

void witc_arena_delete(witc_arena *self) {
  witc_arena_chunk *c = self->chunk;
  while (c) {
    witc_arena_chunk *prev = c->prev;
    witc_mem_free(c);
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

void *witc_arena_alloc(witc_arena *self, size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (size == 0) size = 16;
  if ((size_t)(self->end - self->cur) < size || !self->cur) {
    size_t want = size > arena_chunk / 4 ? size : arena_chunk;
    if (want > SIZE_MAX - sizeof(witc_arena_chunk)) return arena_fail(self);
    witc_arena_chunk *c = witc_mem_realloc(NULL, sizeof(witc_arena_chunk) + want);
    if (!c) return arena_fail(self);
    c->size = want;
    self->total += want;
    if (want != arena_chunk && self->chunk) {
      /* Keep bumping in the current chunk: link the big one behind it. */
      c->prev = self->chunk->prev;
      self->chunk->prev = c;
      memset(c->data, 0, size);
      return c->data;
    }
    c->prev = self->chunk;
    self->chunk = c;
    self->cur = c->data;
    self->end = c->data + want;
  }
  void *p = self->cur;
  self->cur += size;
  memset(p, 0, size);
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

/* base.h: memory, strings, spans and growable buffers shared by every part of witc.
 *
 * Memory model: every allocation goes through one hook (witc_mem_hook), so tests can
 * inject failures (Lua's debug_realloc idea). A compilation owns one witc_arena; AST,
 * model, interned strings and arrays are bump-allocated from it and freed all at once.
 * When the hook fails, the arena longjmps to the recovery point the compilation set
 * (witc_arena.oom), so callers never check individual allocations. */
#ifndef WITC_BASE_H
#define WITC_BASE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* WITC_PRINTF(f, a): argument f is a printf format checked against the arguments from a
 * on. WITC_MUST_CHECK: the result must be used (QuickJS's __exception), for functions
 * whose false return means an error was recorded. */
#if defined(__GNUC__)
#define WITC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WITC_MUST_CHECK __attribute__((warn_unused_result))
#else
#define WITC_PRINTF(f, a)
#define WITC_MUST_CHECK
#endif

/* ---- allocation hook ---------------------------------------------------------------- */

/* The one allocation hook. realloc(ptr, size) with ptr NULL allocates, size 0 frees
 * (returns NULL). Returns NULL on failure. */
typedef void *(*witc_realloc_fn)(void *ptr, size_t size, void *user);

/* Installs a hook for the whole process (NULL restores libc realloc/free). Not thread-safe:
 * set it before any compilation starts. */
void witc_mem_set_hook(witc_realloc_fn fn, void *user);

/* Allocates/reallocates/frees through the hook. Returns NULL on failure (size > 0). */
void *witc_mem_realloc(void *ptr, size_t size);
/* Frees a block of witc_mem_realloc through the hook; NULL is a no-op. */
void witc_mem_free(void *ptr);

/* ---- arena -------------------------------------------------------------------------- */

/* One block obtained from the hook (private to base.c). */
typedef struct witc_arena_chunk witc_arena_chunk;

/* A bump allocator owning large chunks. oom, when set, is longjmp'ed to (value 1) when the
 * hook cannot supply a chunk; when it is NULL, witc_arena_alloc returns NULL instead. */
typedef struct witc_arena {
  witc_arena_chunk *chunk; /* newest chunk (linked to older ones) */
  char *cur, *end;         /* free space in the newest chunk */
  size_t total;            /* bytes of chunk memory obtained (hook or mmap), for statistics */
  jmp_buf *oom;
} witc_arena;

/* Makes an empty arena (no chunk yet, oom NULL); allocates nothing, never fails. */
void witc_arena_init(witc_arena *self);
/* Testing aid (process-wide, like witc_mem_set_hook): arenas take chunks of `size` bytes
 * from the hook instead of 1 MiB (0 restores the default), so that failure injection
 * reaches many allocation sites rather than one per megabyte. */
void witc_arena_set_chunk_size(size_t size);
/* Frees every chunk; the arena may be reused after another init. */
void witc_arena_delete(witc_arena *self);
/* Returns `size` bytes aligned to 16, zero-filled. */
void *witc_arena_alloc(witc_arena *self, size_t size);
/* Copies `len` bytes and appends a NUL. */
char *witc_arena_strndup(witc_arena *self, const char *s, size_t len);
/* printf into the arena; returns a NUL-terminated string. */
char *witc_arena_printf(witc_arena *self, const char *fmt, ...) WITC_PRINTF(2, 3);
/* witc_arena_printf with a va_list (consumed). */
char *witc_arena_vprintf(witc_arena *self, const char *fmt, va_list ap);

/* ---- typed arrays (tree-sitter's Array(T), allocated from an arena) ------------------- */

/* `witc_vec(T)` declares {T *items; uint32_t len, cap;}. Growth copies into a fresh
 * arena block (the old block stays in the arena until it is freed; at most 2x waste). */
#define witc_vec(T) \
  struct {          \
    T *items;       \
    uint32_t len, cap; \
  }

/* The macros' slow path: moves the `len` elements of `elem` bytes at *items to a new arena
 * block of at least `need` elements (capacity doubling from 4) and updates *items, *cap.
 * On a failed allocation it longjmps (arena.oom) or, with no recovery point, leaves the
 * vec unchanged. */
void witc_vec_grow_(witc_arena *a, void **items, uint32_t *cap, uint32_t len, size_t elem,
                    uint32_t need);

/* Appends `val` (an expression of the element type) to vec `v`. */
#define witc_vec_push(a, v, val)                                                        \
  do {                                                                                  \
    if ((v)->len == (v)->cap)                                                           \
      witc_vec_grow_((a), (void **)&(v)->items, &(v)->cap, (v)->len, sizeof(*(v)->items), \
                     (v)->len + 1);                                                     \
    (v)->items[(v)->len++] = (val);                                                     \
  } while (0)

/* Ensures room for `n` more elements. */
#define witc_vec_reserve(a, v, n)                                                       \
  do {                                                                                  \
    if ((v)->len + (n) > (v)->cap)                                                      \
      witc_vec_grow_((a), (void **)&(v)->items, &(v)->cap, (v)->len, sizeof(*(v)->items), \
                     (v)->len + (n));                                                   \
  } while (0)

/* ---- strings and spans ------------------------------------------------------------- */

/* A byte string that is not necessarily NUL-terminated (often a slice of source text).
 * ptr == NULL means "absent" (distinct from the empty string ""). */
typedef struct witc_str {
  const char *ptr;
  uint32_t len;
} witc_str;

#define WITC_STR_NONE ((witc_str){NULL, 0})
witc_str witc_str_c(const char *s); /* from a C string (NULL -> absent) */
/* Byte equality; an absent string equals only an absent one. */
bool witc_str_eq(witc_str a, witc_str b);
/* Equality with C string `c`; false when `a` is absent. */
bool witc_str_eq_c(witc_str a, const char *c);
int witc_str_cmp(witc_str a, witc_str b); /* bytewise, like memcmp then length */
uint32_t witc_str_hash(witc_str s);      /* FNV-1a */
/* Arena copy with a NUL terminator (absent stays absent). */
witc_str witc_str_dup(witc_arena *a, witc_str s);

/* A half-open byte range [start, end) of 0-based offsets in the global offset space of a
 * witc_source_map (all loaded files concatenated, as wit-parser's SourceMap does).
 * WITC_SPAN_NONE ({UINT32_MAX, UINT32_MAX}) means "no location"; witc_span_is_none tests
 * for it. */
typedef struct witc_span {
  uint32_t start, end;
} witc_span;
#define WITC_SPAN_NONE ((witc_span){UINT32_MAX, UINT32_MAX})
static inline bool witc_span_is_none(witc_span s) { return s.start == UINT32_MAX; }

/* ---- string -> u32 map (open addressing, arena-backed) ------------------------------- */

/* One slot of a witc_strmap; key.ptr NULL marks it free. */
typedef struct witc_strmap_slot {
  witc_str key;
  uint32_t value;
  uint32_t hash;
} witc_strmap_slot;

/* Keys are not copied: they must outlive the map (source slices or arena strings). */
typedef struct witc_strmap {
  witc_strmap_slot *slots;
  uint32_t cap, len; /* cap is 0 or a power of two */
} witc_strmap;

/* Returns true and sets *value (when non-NULL) when `key` is present; an absent key is
 * never present. */
bool witc_strmap_get(const witc_strmap *self, witc_str key, uint32_t *value);
/* Inserts key -> value. If the key exists, keeps the old value, stores it in *old (when
 * non-NULL) and returns false; returns true when inserted. Grows in arena `a` (at 3/4
 * load), so it may longjmp on out of memory like any arena allocation. */
bool witc_strmap_put(witc_strmap *self, witc_arena *a, witc_str key, uint32_t value,
                     uint32_t *old);

/* ---- growable output buffer (QuickJS DynBuf) ---------------------------------------- */

/* Heap buffer through the hook (not the arena: outputs can outlive a compilation).
 * `error` is sticky: once an allocation fails every later write is a no-op; check it
 * once at the end. data is always NUL-terminated when len > 0 and !error. */
typedef struct witc_buf {
  char *data;
  size_t len, cap;
  bool error;
} witc_buf;

/* An empty buffer (data NULL: nothing allocated yet). */
void witc_buf_init(witc_buf *self);
/* Frees the data and leaves an empty buffer (error cleared). */
void witc_buf_delete(witc_buf *self);
/* Appends `len` bytes / a C string / one byte / a witc_str (nothing when absent) / printf
 * output (with a va_list: consumed). Each is a no-op once `error` is set. */
void witc_buf_put(witc_buf *self, const void *data, size_t len);
void witc_buf_puts(witc_buf *self, const char *s);
void witc_buf_putc(witc_buf *self, char c);
void witc_buf_putstr(witc_buf *self, witc_str s);
void witc_buf_printf(witc_buf *self, const char *fmt, ...) WITC_PRINTF(2, 3);
void witc_buf_vprintf(witc_buf *self, const char *fmt, va_list ap);
/* Appends `n` copies of byte c. */
void witc_buf_fill(witc_buf *self, char c, size_t n);

#endif

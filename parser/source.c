/* source.c: the source map (files in one global offset space, lazily built line tables),
 * the diagnostics sink and the reference's error rendering (wit-parser's
 * SourceMap::highlight_err, docs/wit-language.md §8.3).
 *
 * Invariants: every file's text ends with the '\n' this module appends, so every offset
 * inside a file lies on some line; files are stored in increasing `base` order with no
 * gaps, so a binary search on `base` finds the file of any offset. */
#include "source.h"

#include <errno.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files at least this large are mapped rather than copied (decisions.md: page faults on a
 * copy cost far more than the mapping). */
enum { MMAP_MIN = 64 * 1024 };

/* Non-regular files (pipes, character devices) are read up to this many bytes; beyond it
 * the input is refused with EFBIG rather than exhausting memory on /dev/zero. */
#define STREAM_MAX ((size_t)1 << 30)

/* Lines longer than this are not quoted in diagnostics (the reference's rule). */
enum { SNIPPET_MAX = 500 };

void witc_source_map_init(witc_source_map *self, witc_arena *arena) {
  memset(self, 0, sizeof *self);
  self->arena = arena;
}

void witc_source_map_delete(witc_source_map *self) {
  for (uint32_t i = 0; i < self->files.len; i++) {
    witc_source_file *f = &self->files.items[i];
    if (f->unmap) munmap(f->unmap, f->unmap_len);
    f->unmap = NULL;
  }
  self->files.len = 0;
}

/* Reserves the offset range of a file of `len` bytes (appended '\n' included) and appends
 * its record. Returns the index or UINT32_MAX (errno EFBIG) when offsets would overflow;
 * UINT32_MAX itself is reserved for WITC_SPAN_NONE. */
static uint32_t add_record(witc_source_map *self, const char *path, const char *text, size_t len,
                           void *unmap, size_t unmap_len) {
  if (len >= (size_t)UINT32_MAX - self->next_base || self->files.len >= UINT32_MAX - 1) {
    errno = EFBIG;
    return UINT32_MAX;
  }
  witc_source_file f;
  memset(&f, 0, sizeof f);
  f.path = witc_arena_strndup(self->arena, path, strlen(path));
  if (!f.path) {
    errno = ENOMEM;
    return UINT32_MAX;
  }
  f.text = text;
  f.len = (uint32_t)len;
  f.base = self->next_base;
  f.unmap = unmap;
  f.unmap_len = unmap_len;
  if (self->files.len == self->files.cap) {
    witc_vec_reserve(self->arena, &self->files, 1);
    if (self->files.len == self->files.cap) { /* no oom handler and no memory */
      errno = ENOMEM;
      return UINT32_MAX;
    }
  }
  self->files.items[self->files.len] = f;
  self->next_base += (uint32_t)len;
  return self->files.len++;
}

uint32_t witc_source_map_add(witc_source_map *self, const char *path, const char *text,
                             size_t len) {
  if (len >= (size_t)UINT32_MAX - self->next_base) {
    errno = EFBIG;
    return UINT32_MAX;
  }
  char *copy = witc_arena_alloc(self->arena, len + 1);
  if (!copy) {
    errno = ENOMEM;
    return UINT32_MAX;
  }
  if (len) memcpy(copy, text, len);
  copy[len] = '\n';
  return add_record(self, path, copy, len + 1, NULL, 0);
}

/* Maps `size` bytes of `fd` plus one writable byte after them, and stores the '\n' there.
 * An anonymous mapping reserves the whole range first, then the file is mapped privately
 * over its start: the byte after the end is either in the zero-filled tail of the file's
 * last page (private, so writable) or in the anonymous page after it. */
static char *map_file(int fd, size_t size, size_t *map_len) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) page = 4096;
  size_t total = (size + 1 + (size_t)page - 1) / (size_t)page * (size_t)page;
  char *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return NULL;
  if (mmap(base, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    int e = errno;
    munmap(base, total);
    errno = e;
    return NULL;
  }
  base[size] = '\n';
  *map_len = total;
  return base;
}

/* Reads a regular file of fstat size `size` into the arena with the '\n' appended; *got
 * receives the bytes read (less than `size` if the file shrank meanwhile; a file that grew
 * is read as of its fstat size, like a snapshot). */
static char *read_regular(witc_arena *arena, int fd, size_t size, size_t *got_out) {
  char *buf = witc_arena_alloc(arena, size + 1);
  if (!buf) {
    errno = ENOMEM;
    return NULL;
  }
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, buf + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    if (n == 0) break; /* the file shrank while we read it */
    got += (size_t)n;
  }
  buf[got] = '\n';
  *got_out = got;
  return buf;
}

char *witc_read_stream(int fd, size_t *len) {
  size_t cap = 64 * 1024, n = 0;
  char *buf = witc_mem_realloc(NULL, cap);
  if (!buf) {
    errno = ENOMEM;
    return NULL;
  }
  for (;;) {
    if (n == cap) {
      char *grown = cap < STREAM_MAX ? witc_mem_realloc(buf, cap * 2) : NULL;
      if (!grown) {
        witc_mem_free(buf);
        errno = cap < STREAM_MAX ? ENOMEM : EFBIG;
        return NULL;
      }
      buf = grown;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      witc_mem_free(buf);
      errno = e;
      return NULL;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  *len = n;
  return buf;
}

/* Reads a stream into the arena with the '\n' appended; *len gets the byte count (without
 * the '\n'). */
static char *read_stream(witc_arena *arena, int fd, size_t *len) {
  size_t n = 0;
  char *tmp = witc_read_stream(fd, &n);
  if (!tmp) return NULL;
  char *buf = witc_arena_alloc(arena, n + 1);
  if (buf) {
    if (n) memcpy(buf, tmp, n);
    buf[n] = '\n';
  }
  witc_mem_free(tmp);
  if (!buf) errno = ENOMEM;
  *len = n;
  return buf;
}

static uint32_t load_file(witc_source_map *self, const char *path);

/* The arena's out-of-memory jump is held back while a file is open or mapped (it would leak
 * the descriptor or the mapping); an allocation failure is raised once they are released. */
uint32_t witc_source_map_load(witc_source_map *self, const char *path) {
  jmp_buf *oom = self->arena->oom;
  self->arena->oom = NULL;
  uint32_t idx = load_file(self, path);
  self->arena->oom = oom;
  if (idx == UINT32_MAX && errno == ENOMEM && oom) longjmp(*oom, 1);
  return idx;
}

static uint32_t load_file(witc_source_map *self, const char *path) {
  /* O_NONBLOCK so that opening a FIFO without a writer cannot hang; it is cleared again
   * before reading. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return UINT32_MAX;
  struct stat st;
  if (fstat(fd, &st) != 0) goto fail;
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    goto fail;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);

  uint32_t idx;
  if (S_ISREG(st.st_mode)) {
    if (st.st_size < 0 || (uint64_t)st.st_size >= (uint64_t)UINT32_MAX - self->next_base) {
      errno = EFBIG;
      goto fail;
    }
    size_t size = (size_t)st.st_size;
    char *text = NULL;
    size_t map_len = 0;
    if (size >= MMAP_MIN) text = map_file(fd, size, &map_len);
    if (text) {
      idx = add_record(self, path, text, size + 1, text, map_len);
      if (idx == UINT32_MAX) {
        int e = errno;
        munmap(text, map_len);
        errno = e;
      }
    } else {
      size_t got = 0;
      text = read_regular(self->arena, fd, size, &got);
      if (!text) goto fail;
      idx = add_record(self, path, text, got + 1, NULL, 0);
    }
  } else {
    size_t n = 0;
    char *text = read_stream(self->arena, fd, &n);
    if (!text) goto fail;
    idx = add_record(self, path, text, n + 1, NULL, 0);
  }
  if (idx == UINT32_MAX) goto fail;
  close(fd);
  return idx;

fail:;
  int e = errno;
  close(fd);
  errno = e;
  return UINT32_MAX;
}

/* Index of the file holding global offset `off`, or UINT32_MAX. */
static uint32_t file_index(const witc_source_map *self, uint32_t off) {
  uint32_t lo = 0, hi = self->files.len;
  while (lo < hi) { /* first file whose base is > off */
    uint32_t mid = lo + (hi - lo) / 2;
    if (self->files.items[mid].base <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return UINT32_MAX;
  const witc_source_file *f = &self->files.items[lo - 1];
  if (off - f->base >= f->len) return UINT32_MAX;
  return lo - 1;
}

const witc_source_file *witc_source_map_file(const witc_source_map *self, uint32_t off) {
  uint32_t i = file_index(self, off);
  return i == UINT32_MAX ? NULL : &self->files.items[i];
}

/* Builds the line-start table the way wit-parser counts lines (split_terminator('\n'):
 * a line starts at 0 and after every '\n' that is not the last byte). Returns false when
 * memory is short; callers then fall back to a scan. The arena's oom handler is disabled
 * meanwhile: this runs at render time, after the compilation's recovery point is gone. */
static bool build_lines(witc_source_map *self, witc_source_file *f) {
  if (f->lines) return true;
  uint32_t n = 1;
  for (const char *p = f->text, *end = f->text + f->len;
       (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
    if (p + 1 < end) n++;
  jmp_buf *saved = self->arena->oom;
  self->arena->oom = NULL;
  uint32_t *lines = witc_arena_alloc(self->arena, (size_t)n * sizeof *lines);
  self->arena->oom = saved;
  if (!lines) return false;
  uint32_t k = 0;
  lines[k++] = 0;
  for (const char *p = f->text, *end = f->text + f->len;
       (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
    if (p + 1 < end) lines[k++] = (uint32_t)(p + 1 - f->text);
  f->lines = lines;
  f->nlines = n;
  return true;
}

/* 0-based line index and line start of local offset `rel` in `f`. */
static void line_of(witc_source_map *self, witc_source_file *f, uint32_t rel, uint32_t *line,
                    uint32_t *start) {
  if (build_lines(self, f)) {
    uint32_t lo = 0, hi = f->nlines; /* first line starting after rel */
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (f->lines[mid] <= rel)
        lo = mid + 1;
      else
        hi = mid;
    }
    *line = lo - 1;
    *start = f->lines[lo - 1];
    return;
  }
  uint32_t l = 0, s = 0;
  for (uint32_t i = 0; i < rel; i++)
    if (f->text[i] == '\n') l++, s = i + 1;
  *line = l;
  *start = s;
}

bool witc_source_map_locate(witc_source_map *self, uint32_t off, const witc_source_file **file,
                            uint32_t *line, uint32_t *col) {
  uint32_t i = file_index(self, off);
  if (i == UINT32_MAX) return false;
  witc_source_file *f = &self->files.items[i];
  uint32_t l, s;
  line_of(self, f, off - f->base, &l, &s);
  if (file) *file = f;
  if (line) *line = l + 1;
  if (col) *col = off - f->base - s + 1;
  return true;
}

witc_str witc_source_map_text(const witc_source_map *self, witc_span sp) {
  if (witc_span_is_none(sp) || sp.end < sp.start) return WITC_STR_NONE;
  const witc_source_file *f = witc_source_map_file(self, sp.start);
  if (!f) return WITC_STR_NONE;
  uint32_t rel = sp.start - f->base;
  uint32_t len = sp.end - sp.start;
  if (len > f->len - rel) len = f->len - rel;
  return (witc_str){f->text + rel, len};
}

/* ---- diagnostics -------------------------------------------------------------------- */

void witc_diags_init(witc_diags *self, witc_arena *arena) {
  memset(self, 0, sizeof *self);
  self->arena = arena;
}

void witc_diags_error(witc_diags *self, witc_span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *msg = witc_arena_vprintf(self->arena, fmt, ap);
  va_end(ap);
  witc_diag d = {WITC_SEV_ERROR, NULL, msg ? msg : "out of memory", "", span};
  witc_vec_push(self->arena, &self->items, d);
  self->errors++;
}

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

void witc_diag_render(witc_source_map *map, const witc_diag *d, witc_buf *out) {
  static const char *const sev[] = {"error: ", "warning: ", "info: "};
  const char *context = d->context ? d->context : "";
  const char *message = d->message ? d->message : "";
  /* A message built line by line may end in '\n'; the layout supplies line ends itself. */
  int mlen = (int)strlen(message);
  while (mlen > 0 && message[mlen - 1] == '\n') mlen--;
  witc_buf_puts(out, (unsigned)d->severity < 3 ? sev[d->severity] : sev[0]);
  witc_buf_puts(out, context);

  const witc_source_file *cf;
  uint32_t line, col;
  if (witc_span_is_none(d->span) || !witc_source_map_locate(map, d->span.start, &cf, &line, &col)) {
    witc_buf_put(out, message, (size_t)mlen);
    witc_buf_putc(out, '\n');
    return;
  }
  const witc_source_file *f = cf;
  uint32_t rel = d->span.start - f->base;
  uint32_t ls = rel - (col - 1);
  /* The snippet is Rust's str::lines(): up to the '\n', without a '\r' just before it. */
  const char *nl = memchr(f->text + ls, '\n', f->len - ls);
  uint32_t le = nl ? (uint32_t)(nl - f->text) : f->len;
  if (le > ls && f->text[le - 1] == '\r' && nl) le--;
  uint32_t snippet_len = le - ls;

  if (snippet_len > SNIPPET_MAX) {
    witc_buf_printf(out, "%s:%u:%u: %.*s\n", f->path, line, col, mlen, message);
    return;
  }
  witc_buf_put(out, message, (size_t)mlen);
  witc_buf_printf(out, "\n     --> %s:%u:%u\n      |\n %4u | ", f->path, line, col, line);
  witc_buf_put(out, f->text + ls, snippet_len);
  witc_buf_puts(out, "\n      | ");
  witc_buf_fill(out, ' ', col - 1);
  witc_buf_putc(out, '^');
  /* One '-' per character of the span after the first, when the span is a valid slice
   * on character boundaries (Rust's str::get(start..end)). */
  if (d->span.end > d->span.start) {
    uint32_t end = d->span.end - f->base;
    if (end <= f->len && !is_cont((unsigned char)f->text[rel]) &&
        (end == f->len || !is_cont((unsigned char)f->text[end]))) {
      size_t chars = 0;
      for (uint32_t i = rel; i < end; i++)
        if (!is_cont((unsigned char)f->text[i])) chars++;
      if (chars > 1) witc_buf_fill(out, '-', chars - 1);
    }
  }
  witc_buf_putc(out, '\n');
}

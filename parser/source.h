/* source.h: the source map (every loaded file in one byte-offset space) and diagnostics.
 *
 * Like wit-parser's SourceMap, every file gets a base offset; a witc_span is a range in
 * that global space, so one 8-byte span locates any token of any file. Each file's text
 * is stored with one extra '\n' appended (wit-parser does the same, so an "end of file"
 * span still points into the file). */
#ifndef WITC_SOURCE_H
#define WITC_SOURCE_H

#include "base.h"

/* One loaded file (an entry of witc_source_map.files, index = the file index). */
typedef struct witc_source_file {
  const char *path;    /* as the user gave it (used verbatim in messages), NUL-terminated */
  const char *text;    /* contents plus the appended '\n'; not NUL-terminated necessarily */
  uint32_t len;        /* bytes of text, including the appended '\n' */
  uint32_t base;       /* global offset of text[0] */
  uint32_t *lines;     /* lazily built: offsets (local) of each line start */
  uint32_t nlines;
  void *unmap;         /* owner handle for mmap'ed text (NULL when arena-owned) */
  size_t unmap_len;
} witc_source_file;

/* Every file of a compilation, in increasing `base` order; text and tables in `arena`. */
typedef struct witc_source_map {
  witc_arena *arena;
  witc_vec(witc_source_file) files;
  uint32_t next_base; /* global offset the next file gets */
} witc_source_map;

/* An empty map whose files will be stored in `arena` (which must outlive it). */
void witc_source_map_init(witc_source_map *self, witc_arena *arena);
/* Unmaps any mmap'ed files (arena-owned text is freed with the arena). */
void witc_source_map_delete(witc_source_map *self);

/* Adds a file whose bytes are `text[0..len)` (copied into the arena with '\n' appended).
 * Returns the file index. Fails (returns UINT32_MAX) only when the total would exceed
 * 4 GiB of offsets. */
uint32_t witc_source_map_add(witc_source_map *self, const char *path, const char *text,
                             size_t len);

/* Reads a file from disk and adds it (mmap-friendly: large files are mapped, not copied,
 * when the last byte is already a '\n'... otherwise read). Returns the file index, or
 * UINT32_MAX with errno set (unreadable file, too large). */
uint32_t witc_source_map_load(witc_source_map *self, const char *path);

/* Reads `fd` (a pipe, a device, stdin) to its end into a buffer from the allocation hook;
 * *len gets the byte count. Returns NULL with errno set (EFBIG past 1 GiB, ENOMEM, or the
 * read error). Free the buffer with witc_mem_free. */
char *witc_read_stream(int fd, size_t *len);

/* The file containing global offset `off`, or NULL. */
const witc_source_file *witc_source_map_file(const witc_source_map *self, uint32_t off);

/* Location of global offset `off`: file, 1-based line, 1-based byte column. Returns false
 * when `off` is outside every file. */
bool witc_source_map_locate(witc_source_map *self, uint32_t off, const witc_source_file **file,
                            uint32_t *line, uint32_t *col);

/* Text of span `sp`: a slice of the file text holding sp.start, clipped at that file's
 * end; WITC_STR_NONE for WITC_SPAN_NONE, a reversed span or an offset in no file. */
witc_str witc_source_map_text(const witc_source_map *self, witc_span sp);

/* ---- diagnostics -------------------------------------------------------------------- */

/* How serious a diagnostic is (only errors are produced so far). */
typedef enum witc_severity { WITC_SEV_ERROR, WITC_SEV_WARNING, WITC_SEV_INFO } witc_severity;

/* One diagnostic. `message` is the reference's text (it may contain '\n' for the
 * reference's multi-line messages, e.g. the list of known packages); `context` is the
 * prefix wit-parser's error layers add ("failed to resolve directory while parsing WIT for
 * path [d]: failed to parse package: d: "), empty when none. `span` may be WITC_SPAN_NONE
 * (rendered without a snippet). `rule` is the rule id for reports (NULL for now: issue 05). */
typedef struct witc_diag {
  witc_severity severity;
  const char *rule;
  const char *message;
  const char *context;
  witc_span span;
} witc_diag;

/* The diagnostic sink: the library never prints; it appends here. `errors` counts the
 * WITC_SEV_ERROR items ever added (printing and forgetting items leaves it). Messages
 * live in `arena`. */
typedef struct witc_diags {
  witc_arena *arena;
  witc_vec(witc_diag) items;
  uint32_t errors;
} witc_diags;

/* An empty sink whose messages go into `arena`. */
void witc_diags_init(witc_diags *self, witc_arena *arena);
/* Appends an error at `span` (may be WITC_SPAN_NONE) with a printf-formatted message
 * (copied into the arena), with no context, and counts it in `errors`. */
void witc_diags_error(witc_diags *self, witc_span span, const char *fmt, ...) WITC_PRINTF(3, 4);

/* Renders `d` the way the wasm-tools CLI does (docs/wit-language.md §8.3 with the CLI's
 * "error: " prefix): "error: <context><message>", then " --> file:line:col", the gutter,
 * the source line and a caret underline; a source line over 500 bytes is replaced by one
 * "file:line:col: message" line. Writes into `out` (sticky error). */
void witc_diag_render(witc_source_map *map, const witc_diag *d, witc_buf *out);

#endif

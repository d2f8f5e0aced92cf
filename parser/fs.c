/* fs.c: loading WIT from files and directories (wit-parser's resolve/fs.rs and
 * UnresolvedPackageGroup::parse_dir).
 *
 * A directory is one package made of its *.wit files (path order) plus the packages of
 * its deps/ folder (name order): sub-directories are packages parsed the same way (their
 * own deps/ is not consulted), .wit files are single-file packages, .wat/.wasm files are
 * binary-encoded packages (not supported here), everything else is ignored. Errors carry
 * the reference's context layers, e.g. "failed to resolve directory while parsing WIT for
 * path [d]: failed to parse package: d: ". */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "resolve.h"
#include "resolve_int.h"
#include "resolve_pkg.h"

typedef struct fs_ctx {
  witc_resolve *r;
  witc_diags *diags;
  bool *io_error;
} fs_ctx;

typedef witc_vec(witc_unresolved_group) group_vec;

static witc_arena *fs_arena(fs_ctx *fx) { return fx->r->arena; }

/* An error under context `ctx`; `io` marks system errors (the CLI exits 2 for those). */
static bool fs_error(fs_ctx *fx, const char *ctx, bool io, const char *fmt, ...)
    WITC_PRINTF(4, 5);
static bool fs_error(fs_ctx *fx, const char *ctx, bool io, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = witc_arena_vprintf(fs_arena(fx), fmt, ap);
  va_end(ap);
  rs_ctx cx = {fx->r, fx->diags, ctx, {0}};
  rs_error(&cx, WITC_SPAN_NONE, "%s", msg);
  if (io && fx->io_error) *fx->io_error = true;
  return false;
}

/* Rust's rendering of an io::Error. */
static const char *os_error(fs_ctx *fx, int err) {
  return witc_arena_printf(fs_arena(fx), "%s (os error %d)", strerror(err), err);
}

/* Rust's Debug rendering of a path: quoted, with '"' and '\' escaped. */
static const char *path_debug(fs_ctx *fx, const char *p) {
  rs_sb b = {fs_arena(fx), NULL, 0, 0};
  rs_sb_printf(&b, "\"");
  for (const char *c = p; *c; c++)
    rs_sb_printf(&b, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
  rs_sb_printf(&b, "\"");
  return rs_sb_str(&b);
}

/* Path::join: no doubled separator. */
static const char *path_join(fs_ctx *fx, const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (!n) return witc_arena_strndup(fs_arena(fx), name, strlen(name));
  return witc_arena_printf(fs_arena(fx), "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/* ---- file contents ---------------------------------------------------------------------- */

static bool utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    /* ASCII runs are the common case: skip 8 bytes at a time. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t need, min, cp;
    if ((c & 0xe0) == 0xc0) need = 1, min = 0x80, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) need = 2, min = 0x800, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) need = 3, min = 0x10000, cp = c & 0x07;
    else return false;
    if (n - i <= need) return false;
    for (uint32_t k = 1; k <= need; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/* wat::Detect: the wasm binary magic, or text whose first token is '('. */
static bool looks_like_wasm(const char *s, size_t n) {
  if (n >= 4 && memcmp(s, "\0asm", 4) == 0) return true;
  size_t i = 0;
  for (;;) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    if (i + 1 < n && s[i] == ';' && s[i + 1] == ';') {
      while (i < n && s[i] != '\n') i++;
      continue;
    }
    if (i + 1 < n && s[i] == '(' && s[i + 1] == ';') {
      /* (; ... ;) block comments nest in wat */
      uint32_t depth = 0;
      while (i + 1 < n) {
        if (s[i] == '(' && s[i + 1] == ';') depth++, i += 2;
        else if (s[i] == ';' && s[i + 1] == ')') {
          i += 2;
          if (--depth == 0) break;
        } else i++;
      }
      if (depth) return false;
      continue;
    }
    break;
  }
  return i < n && s[i] == '(';
}

static const witc_source_file *file_of(fs_ctx *fx, uint32_t idx) {
  return &fx->r->sources->files.items[idx];
}

/* Parses the given files (already path-sorted) as one package group, each file just
 * before it is pushed to the resolver (the reference's order of errors). */
static bool parse_group(fs_ctx *fx, const uint32_t *files, uint32_t n, const char *ctx,
                        witc_unresolved_group *out) {
  return witc_parse_resolve_package(fs_arena(fx), fx->r->sources, files, n, ctx, fx->diags, out);
}

/* Resolve::_push_file: one WIT file as a package group (or a wasm package: unsupported). */
static bool load_file_group(fs_ctx *fx, const char *path, const char *ctx,
                            witc_unresolved_group *out) {
  errno = 0;
  uint32_t idx = witc_source_map_load(fx->r->sources, path);
  if (idx == UINT32_MAX)
    return fs_error(fx, ctx, true, "failed to read path for WIT [%s]: %s", path,
                    os_error(fx, errno ? errno : EIO));
  const witc_source_file *f = file_of(fx, idx);
  size_t len = f->len ? f->len - 1 : 0;
  if (looks_like_wasm(f->text, len))
    return fs_error(fx, ctx, true,
                    "cannot load [%s]: WIT packages encoded as WebAssembly (.wasm/.wat) are not "
                    "supported by witc; use the package's WIT sources instead",
                    path);
  if (!utf8_valid((const unsigned char *)f->text, len))
    return fs_error(fx, ctx, false, "input file is not valid utf-8 [%s]", path);
  return parse_group(fx, &idx, 1, ctx, out);
}

/* ---- directories ---------------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef witc_vec(const char *) name_vec;

/* Entry names of `dir` (without "." and ".."), sorted bytewise. errno set on failure.
 * Names are gathered in a heap buffer while the directory is open, then moved into the
 * arena with the out-of-memory longjmp held back until the buffer is freed, so neither
 * the DIR handle nor the buffer can leak. */
static bool list_dir(fs_ctx *fx, const char *dir, name_vec *out) {
  DIR *d = opendir(dir);
  if (!d) return false;
  witc_buf names;
  witc_buf_init(&names);
  int err = 0;
  uint32_t count = 0;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) {
      err = errno;
      break;
    }
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    witc_buf_put(&names, e->d_name, strlen(e->d_name) + 1);
    count++;
  }
  closedir(d);
  witc_arena *a = fs_arena(fx);
  jmp_buf *oom = a->oom;
  if (!err && names.error) {
    /* Out of memory, not an I/O error: raised as every other allocation failure is. */
    witc_buf_delete(&names);
    if (oom) longjmp(*oom, 1);
    err = ENOMEM;
  }
  if (err || !count) {
    witc_buf_delete(&names);
    errno = err;
    return !err;
  }
  a->oom = NULL;
  char *block = witc_arena_alloc(a, names.len);
  const char **ptrs = block ? witc_arena_alloc(a, sizeof *ptrs * count) : NULL;
  a->oom = oom;
  if (block) memcpy(block, names.data, names.len);
  witc_buf_delete(&names);
  if (!ptrs) {
    if (oom) longjmp(*oom, 1);
    errno = ENOMEM;
    return false;
  }
  for (uint32_t i = 0, off = 0; i < count; i++) {
    ptrs[i] = block + off;
    off += (uint32_t)strlen(block + off) + 1;
  }
  qsort(ptrs, count, sizeof *ptrs, cmp_names);
  out->items = ptrs, out->len = out->cap = count;
  return true;
}

/* UnresolvedPackageGroup::parse_dir: the directory's *.wit files (not sub-directories,
 * not symlinks to directories) in path order. */
static bool parse_dir(fs_ctx *fx, const char *dir, const char *ctx, witc_unresolved_group *out) {
  name_vec names = {0};
  if (!list_dir(fx, dir, &names))
    return fs_error(fx, ctx, true, "failed to read directory %s: %s", path_debug(fx, dir),
                    os_error(fx, errno));
  witc_vec(uint32_t) files = {0};
  for (uint32_t i = 0; i < names.len; i++) {
    const char *full = path_join(fx, dir, names.items[i]);
    struct stat st;
    if (lstat(full, &st) != 0)
      return fs_error(fx, ctx, true, "failed to read directory %s: %s", path_debug(fx, dir),
                      os_error(fx, errno));
    if (S_ISDIR(st.st_mode)) continue;
    if (S_ISLNK(st.st_mode)) {
      struct stat tgt;
      if (stat(full, &tgt) == 0 && S_ISDIR(tgt.st_mode)) continue;
    }
    size_t nl = strlen(names.items[i]);
    if (nl < 4 || memcmp(names.items[i] + nl - 4, ".wit", 4) != 0) continue;
    errno = 0;
    uint32_t idx = witc_source_map_load(fx->r->sources, full);
    if (idx == UINT32_MAX)
      return fs_error(fx, ctx, true, "failed to read file %s: %s", path_debug(fx, full),
                      os_error(fx, errno ? errno : EIO));
    const witc_source_file *f = file_of(fx, idx);
    if (!utf8_valid((const unsigned char *)f->text, f->len ? f->len - 1 : 0))
      return fs_error(fx, ctx, false, "failed to read file %s: stream did not contain valid UTF-8",
                      path_debug(fx, full));
    witc_vec_push(fs_arena(fx), &files, idx);
  }
  return parse_group(fx, files.items, files.len, ctx, out);
}

/* Resolve::_push_dir: the root package, then deps/, then everything in dependency order. */
static witc_id push_dir(fs_ctx *fx, const char *path) {
  witc_arena *a = fs_arena(fx);
  const char *ctx =
      witc_arena_printf(a, "failed to resolve directory while parsing WIT for path [%s]: ", path);
  witc_unresolved_group *main = witc_arena_alloc(a, sizeof *main);
  const char *pctx = witc_arena_printf(a, "%sfailed to parse package: %s: ", ctx, path);
  if (!parse_dir(fx, path, pctx, main)) return WITC_ID_NONE;

  const char *deps = path_join(fx, path, "deps");
  const char *dctx =
      witc_arena_printf(a, "%sfailed to parse dependency directory: %s: ", ctx, deps);
  group_vec groups = {0};
  struct stat st;
  if (stat(deps, &st) == 0) {
    name_vec names = {0};
    if (!list_dir(fx, deps, &names)) {
      fs_error(fx, dctx, true, "failed to read directory: %s", os_error(fx, errno));
      return WITC_ID_NONE;
    }
    for (uint32_t i = 0; i < names.len; i++) {
      const char *name = names.items[i];
      const char *full = path_join(fx, deps, name);
      struct stat lst, tst;
      if (lstat(full, &lst) != 0 || (!S_ISDIR(lst.st_mode) && stat(full, &tst) != 0)) {
        /* A dangling symlink or a symlink loop. */
        fs_error(fx, dctx, true, "%s: %s", full, os_error(fx, errno));
        return WITC_ID_NONE;
      }
      witc_unresolved_group g;
      memset(&g, 0, sizeof g);
      if (S_ISDIR(lst.st_mode) || S_ISDIR(tst.st_mode)) {
        /* A package directory; its own deps/ is deliberately not read. */
        const char *fctx = witc_arena_printf(a, "%sfailed to parse package: %s: ", dctx, full);
        if (!parse_dir(fx, full, fctx, &g)) return WITC_ID_NONE;
      } else {
        const char *dot = strrchr(name, '.');
        if (!dot || dot == name) continue; /* no extension (".wit" alone is a stem) */
        if (strcmp(dot, ".wit") && strcmp(dot, ".wat") && strcmp(dot, ".wasm")) continue;
        if (!load_file_group(fx, full, dctx, &g)) return WITC_ID_NONE;
      }
      witc_vec_push(a, &groups, g);
    }
  }
  rs_ctx cx = {fx->r, fx->diags, ctx, {0}};
  return rs_push_groups(&cx, main, groups.items, groups.len);
}

witc_id witc_resolve_push_path(witc_resolve *self, const char *path, witc_diags *diags,
                               bool *io_error) {
  if (io_error) *io_error = false;
  fs_ctx fx = {self, diags, io_error};
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return push_dir(&fx, path);
  witc_unresolved_group *g = witc_arena_alloc(self->arena, sizeof *g);
  if (!load_file_group(&fx, path, "", g)) return WITC_ID_NONE;
  rs_ctx cx = {self, diags, "", {0}};
  return rs_push_groups(&cx, g, NULL, 0);
}

witc_id witc_resolve_push_str(witc_resolve *self, const char *path, const char *text, size_t len,
                              witc_diags *diags) {
  fs_ctx fx = {self, diags, NULL};
  if (!utf8_valid((const unsigned char *)text, len)) {
    fs_error(&fx, "", false, "input file is not valid utf-8 [%s]", path);
    return WITC_ID_NONE;
  }
  uint32_t idx = witc_source_map_add(self->sources, path, text, len);
  if (idx == UINT32_MAX) {
    fs_error(&fx, "", false, "input is too large [%s]", path);
    return WITC_ID_NONE;
  }
  witc_unresolved_group *g = witc_arena_alloc(self->arena, sizeof *g);
  if (!parse_group(&fx, &idx, 1, "", g)) return WITC_ID_NONE;
  rs_ctx cx = {self, diags, "", {0}};
  return rs_push_groups(&cx, g, NULL, 0);
}

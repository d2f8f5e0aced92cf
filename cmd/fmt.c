/* fmt.c: `witc fmt [--check | -w] [--features a,b | --all-features] [PATH]` - canonical
 * WIT as `wasm-tools component wit` prints it (codegen/wit_print.h).
 *
 * What is printed (docs/decisions.md, docs/fmt.md): the main package, then the packages
 * nested in its own files (not those of deps/), in the order resolving the printed text
 * gives them (witc_wit_print_order; the arena order except where a gated-off item or an
 * `include` was the only link), so that fmt(fmt(x)) == fmt(x). `--check` and `-w` work per
 * file: a package of one file must equal that whole text; in a package of several files
 * each file is laid out on its own, holding the items it declares (its interfaces, worlds
 * and nested packages), its top-level `use` statements and its `package` header if it had
 * one, and ending with one newline. Unless features are given, `--check` and `-w` resolve
 * with every feature enabled, so that formatting never drops an @unstable item. */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "../codegen/wit_print.h"
#include "../parser/parse.h"
#include "cli.h"

extern const cli_command cmd_fmt;

static const cli_option fmt_options[] = {
    CLI_RESOLVE_OPTIONS,
    {CLI_OPT_CHECK, "check", 0, NULL,
     "exit 1 and list the files that are not canonical, writing nothing"},
    {CLI_OPT_WRITE, "write", 'w', NULL, "rewrite the files that are not canonical in place"},
    {0, NULL, 0, NULL, NULL},
};

typedef struct fmt_opts {
  cli_resolve_opts resolve;
  bool check, write;
} fmt_opts;

static bool fmt_opt(int id, const char *arg, void *user) {
  fmt_opts *o = user;
  if (id == CLI_OPT_CHECK) {
    o->check = true;
    return true;
  }
  if (id == CLI_OPT_WRITE) {
    o->write = true;
    return true;
  }
  return cli_resolve_opts_take(&o->resolve, id, arg);
}

/* ---- which files and packages are the input's own ---------------------------------- */

/* Length of the directory part of `path` (up to and without the last '/'). */
static size_t dir_len(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? (size_t)(slash - path) : 0;
}

static bool same_dir(const char *a, const char *b) {
  size_t la = dir_len(a), lb = dir_len(b);
  return la == lb && memcmp(a, b, la) == 0;
}

/* Index of the source file holding span `sp`, or UINT32_MAX. */
static uint32_t span_file(const witc_source_map *map, witc_span sp) {
  if (witc_span_is_none(sp)) return UINT32_MAX;
  const witc_source_file *f = witc_source_map_file(map, sp.start);
  return f ? (uint32_t)(f - map->files.items) : UINT32_MAX;
}

typedef struct fmt_ctx {
  cli_input *in;
  uint32_t main_file;    /* the file holding the main package's header */
  witc_vec(witc_id) nested; /* packages nested in the input's own files, printing order */
  uint32_t file;         /* per-file layout: the file being printed */
  ast_file **asts;       /* per-file layout: each own file's syntax tree, by file index */
} fmt_ctx;

/* A file of the main package: the package header's file and its siblings (deps/ entries
 * live one directory further down). */
static bool own_file(const fmt_ctx *c, uint32_t file) {
  if (file == UINT32_MAX || c->main_file == UINT32_MAX) return false;
  const witc_source_file *files = c->in->sources.files.items;
  return same_dir(files[file].path, files[c->main_file].path);
}

static void collect_nested(fmt_ctx *c) {
  witc_resolve *r = &c->in->resolve;
  for (witc_id i = 0; i < r->packages.len; i++) {
    if (i == c->in->package) continue;
    if (own_file(c, span_file(&c->in->sources, r->packages.items[i].span)))
      witc_vec_push(&c->in->arena, &c->nested, i);
  }
}

static bool keep_in_file(void *user, bool is_world, witc_id id) {
  const fmt_ctx *c = user;
  const witc_resolve *r = &c->in->resolve;
  witc_span sp = is_world ? r->worlds.items[id].span : r->interfaces.items[id].span;
  return span_file(&c->in->sources, sp) == c->file;
}

/* Out of memory outside the arena: the same recovery point (fmt_run sets it). */
static void fmt_oom(cli_input *in) {
  if (in->arena.oom) longjmp(*in->arena.oom, 1);
  abort();
}

/* ---- the per-file layout: top-level uses, package order ----------------------------- */

/* The package a top-level `use` path names, or WITC_ID_NONE (a local name). */
static witc_id use_package(const witc_resolve *r, const ast_use_path *path) {
  if (!path->is_package) return WITC_ID_NONE;
  const ast_package_name *n = &path->pkg;
  for (witc_id i = 0; i < r->packages.len; i++) {
    const witc_package_name *pn = &r->packages.items[i].name;
    if (witc_str_eq(pn->ns, n->ns.name) && witc_str_eq(pn->name, n->name.name) &&
        pn->has_version == n->has_version &&
        (!n->has_version || witc_str_eq(pn->version.text, n->version.text)))
      return i;
  }
  return WITC_ID_NONE;
}

static void put_use_name(witc_buf *b, witc_str name) {
  if (witc_wit_is_keyword(name)) witc_buf_putc(b, '%');
  witc_buf_putstr(b, name);
}

/* A file's top-level `use path [as name];` statements, one per line, in source order. The
 * printer writes every path in full, so they are not needed to resolve the printed items,
 * but they are the file's own text (a file may hold nothing else) and the user's aliases. */
static void file_uses(const ast_file *ast, witc_buf *b) {
  for (uint32_t i = 0; i < ast->items.len; i++) {
    const ast_item *it = &ast->items.items[i];
    if (it->kind != AST_ITEM_USE) continue;
    const ast_toplevel_use *u = it->u.use;
    witc_buf_puts(b, "use ");
    if (u->path.is_package) {
      put_use_name(b, u->path.pkg.ns.name);
      witc_buf_putc(b, ':');
      put_use_name(b, u->path.pkg.name.name);
      witc_buf_putc(b, '/');
    }
    put_use_name(b, u->path.name.name);
    if (u->path.is_package && u->path.pkg.has_version) {
      witc_buf_putc(b, '@');
      witc_buf_putstr(b, u->path.pkg.version.text);
    }
    if (u->has_as) {
      witc_buf_puts(b, " as ");
      put_use_name(b, u->as.name);
    }
    witc_buf_puts(b, ";\n");
  }
}

/* Parses every own file (c->asts) and puts the nested packages into the order resolving
 * the files as printed will give them: the main package's text is each file's top-level
 * `use` paths, then its interfaces, then its worlds, file after file. */
static bool prepare_files(fmt_ctx *c) {
  cli_input *in = c->in;
  witc_resolve *r = &in->resolve;
  const witc_package *pkg = &r->packages.items[in->package];
  c->asts = witc_arena_alloc(&in->arena, sizeof *c->asts * (in->sources.files.len + 1));
  witc_vec(witc_wit_item) items = {0};
  for (uint32_t f = 0; f < in->sources.files.len; f++) {
    c->asts[f] = NULL;
    if (!own_file(c, f)) continue;
    if (!witc_parse_file(&in->arena, &in->sources, f, "", &in->diags, &c->asts[f])) return false;
    const ast_file *ast = c->asts[f];
    for (uint32_t i = 0; i < ast->items.len; i++) {
      const ast_item *it = &ast->items.items[i];
      witc_id id = it->kind == AST_ITEM_USE ? use_package(r, &it->u.use->path) : WITC_ID_NONE;
      if (id != WITC_ID_NONE)
        witc_vec_push(&in->arena, &items, ((witc_wit_item){WITC_WIT_ITEM_PACKAGE, id}));
    }
    c->file = f;
    for (uint32_t i = 0; i < pkg->interfaces.len; i++)
      if (keep_in_file(c, false, pkg->interfaces.items[i].id))
        witc_vec_push(&in->arena, &items,
                      ((witc_wit_item){WITC_WIT_ITEM_INTERFACE, pkg->interfaces.items[i].id}));
    for (uint32_t i = 0; i < pkg->worlds.len; i++)
      if (keep_in_file(c, true, pkg->worlds.items[i].id))
        witc_vec_push(&in->arena, &items,
                      ((witc_wit_item){WITC_WIT_ITEM_WORLD, pkg->worlds.items[i].id}));
  }
  if (!witc_wit_print_order(r, in->package, c->nested.items, c->nested.len, items.items,
                            items.len))
    fmt_oom(in);
  return true;
}

/* ---- printing ---------------------------------------------------------------------- */

/* The canonical text of the whole input (what `witc fmt PATH` prints). */
static bool print_all(fmt_ctx *c, witc_buf *out) {
  return witc_wit_print(&c->in->resolve, c->in->package, c->nested.items, c->nested.len, NULL,
                        out);
}

/* The canonical text of one file of a multi-file package (prepare_files has run): like
 * print_all's, but only this file's items, its top-level `use` statements kept, and no
 * blank line at the end. */
static bool print_file(fmt_ctx *c, uint32_t file, witc_buf *out) {
  cli_input *in = c->in;
  const ast_file *ast = c->asts[file];
  c->file = file;
  witc_vec(witc_id) mine = {0};
  for (uint32_t i = 0; i < c->nested.len; i++)
    if (span_file(&in->sources, in->resolve.packages.items[c->nested.items[i]].span) == file)
      witc_vec_push(&in->arena, &mine, c->nested.items[i]);
  /* No arena allocation from here on (it could longjmp past `uses`). */
  witc_buf uses;
  witc_buf_init(&uses);
  file_uses(ast, &uses);
  if (uses.error) {
    witc_buf_delete(&uses);
    out->error = true;
    return false;
  }
  /* The package docs belong to the one file that wrote them. */
  witc_wit_print_opts o = {.no_header = !ast->has_package,
                           .no_package_docs = !ast->package_docs.ptr,
                           .keep = keep_in_file,
                           .user = c,
                           .prelude = {uses.data, (uint32_t)uses.len}};
  bool ok = witc_wit_print(&in->resolve, in->package, mine.items, mine.len, &o, out);
  witc_buf_delete(&uses);
  /* The reference follows every interface of the root package with a blank line; at the
   * end of a file that is a trailing blank line: end with exactly one newline. */
  while (out->len >= 2 && out->data[out->len - 1] == '\n' && out->data[out->len - 2] == '\n')
    out->len--;
  return ok;
}

/* Compares (check) or rewrites (write) one file with its canonical text. Returns 0 when
 * canonical (or rewritten), 1 when --check found a difference, -1 on a write error. */
static int settle_file(const witc_source_file *f, const witc_buf *want, bool write) {
  size_t have_len = f->len ? f->len - 1 : 0; /* without the '\n' the source map appends */
  if (have_len == want->len && (!want->len || memcmp(f->text, want->data, want->len) == 0))
    return 0;
  if (!write) {
    printf("%s\n", f->path);
    return 1;
  }
  if (cli_write_file_atomic(f->path, want->len ? want->data : "", want->len) != 0) {
    fprintf(stderr, "error: failed to write %s: %s\n", f->path, strerror(errno));
    return -1;
  }
  return 0;
}

static int check_or_write(fmt_ctx *c, bool write) {
  cli_input *in = c->in;
  uint32_t nfiles = 0;
  for (uint32_t i = 0; i < in->sources.files.len; i++) nfiles += own_file(c, i);
  int rc = CLI_OK;
  if (nfiles > 1 && !prepare_files(c)) {
    cli_print_diags(in);
    return CLI_USAGE;
  } else if (nfiles <= 1 &&
             !witc_wit_print_order(&in->resolve, in->package, c->nested.items, c->nested.len,
                                   NULL, 0)) {
    fmt_oom(in);
  }
  for (uint32_t i = 0; i < in->sources.files.len; i++) {
    if (!own_file(c, i)) continue;
    witc_buf want;
    witc_buf_init(&want);
    bool ok = nfiles == 1 ? print_all(c, &want) : print_file(c, i, &want);
    if (!ok || want.error) {
      cli_print_diags(in);
      fprintf(stderr, "error: %s: cannot print %s\n", in->sources.files.items[i].path,
              want.error ? "(out of memory)" : "this package as WIT");
      witc_buf_delete(&want);
      return CLI_USAGE;
    }
    int r = settle_file(&in->sources.files.items[i], &want, write);
    witc_buf_delete(&want);
    if (r < 0) return CLI_USAGE;
    if (r > 0) rc = CLI_INVALID;
  }
  fflush(stdout);
  return rc;
}

static int fmt_loaded(cli_input *in, const fmt_opts *opts);

static int fmt_run(int argc, char **argv) {
  fmt_opts opts = {0};
  bool done = false;
  int first = cli_parse(&cmd_fmt, argc, argv, fmt_opt, &opts, &done);
  if (first < 0) return CLI_USAGE;
  if (done) return CLI_OK;
  const char *usage = NULL;
  const char *path = first < argc ? argv[first] : NULL;
  if (argc - first > 1)
    usage = "witc fmt takes one PATH";
  else if (opts.check && opts.write)
    usage = "--check and --write cannot be combined";
  else if (opts.write && (!path || !strcmp(path, "-")))
    usage = "--write needs a PATH to rewrite";
  else if (opts.check && !path)
    usage = "--check needs a PATH (or - for standard input)";
  if (usage) {
    fprintf(stderr, "error: %s\nRun 'witc fmt --help' for usage.\n", usage);
    return CLI_USAGE;
  }
  /* Rewriting must never lose the items of a feature that happens to be off. */
  if ((opts.check || opts.write) && !opts.resolve.features && !opts.resolve.all_features)
    opts.resolve.all_features = true;

  cli_input in;
  int rc = cli_input_load(&in, path, &opts.resolve, false);
  if (rc != CLI_OK) {
    cli_input_delete(&in);
    return rc;
  }
  jmp_buf oom;
  in.arena.oom = &oom;
  if (setjmp(oom) == 0)
    rc = fmt_loaded(&in, &opts);
  else
    fprintf(stderr, "error: out of memory\n"), rc = CLI_USAGE;
  in.arena.oom = NULL;
  cli_input_delete(&in);
  return rc;
}

/* fmt_run's work once the input is resolved (arena failures longjmp out of it). */
static int fmt_loaded(cli_input *in, const fmt_opts *opts) {
  int rc = CLI_OK;
  fmt_ctx c = {in, UINT32_MAX, {0}, UINT32_MAX, NULL};
  c.main_file = span_file(&in->sources, in->resolve.packages.items[in->package].span);
  collect_nested(&c);

  if (opts->check || opts->write) {
    rc = check_or_write(&c, opts->write);
  } else {
    if (!witc_wit_print_order(&in->resolve, in->package, c.nested.items, c.nested.len, NULL, 0))
      fmt_oom(in);
    witc_buf out;
    witc_buf_init(&out);
    bool ok = print_all(&c, &out);
    if (out.error) {
      fprintf(stderr, "error: out of memory while printing WIT\n");
      rc = CLI_USAGE;
    } else if (!ok) {
      fprintf(stderr, "error: the resolved package cannot be printed as WIT\n");
      rc = CLI_USAGE;
    } else if (fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len ||
               fflush(stdout) != 0) {
      fprintf(stderr, "error: failed to write standard output: %s\n", strerror(errno));
      rc = CLI_USAGE;
    }
    witc_buf_delete(&out);
  }
  return rc;
}

const cli_command cmd_fmt = {
    "fmt",
    "[OPTIONS] [PATH]",
    "print WIT in canonical form, as `wasm-tools component wit` does; --check or -w per file",
    fmt_options,
    fmt_run,
};

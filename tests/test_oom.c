/* test_oom.c: allocation-failure injection over the whole pipeline (issue 2, "all allocation
 * behind one hook (so tests can inject failures); no leaks"; Lua's ltests.c debug_realloc).
 *
 * A counting hook (witc_mem_set_hook) fails the Nth allocation, or every allocation from the
 * Nth on (the "sticky" variant), and counts live blocks. Each stage (load + resolve, JSON,
 * the WIT printer, the canonical-ABI model, C generation, and the CLI subcommands end to end)
 * runs on a few inputs (a file with every construct, a multi-file package directory with a
 * deps/ folder and a memory-mapped file, the bundled vtx:api texts, invalid inputs) for
 * N = 1, 2, ... until a run needs no failure. Every run must: not crash; report the failure
 * (an out-of-memory longjmp caught, a false/NONE return, or buf.error) or, when it claims
 * success, produce exactly the output of the run without injection; free every block (live
 * count 0 after cleanup), close every file descriptor and unmap every file.
 *
 * Arenas normally take 1 MiB chunks, so a small input allocates only a handful of blocks and
 * injection would reach one or two sites. The stage sweeps set the chunk size to 1 byte
 * (witc_arena_set_chunk_size), so that every arena allocation is a hook call and a failure
 * point; the CLI sweep uses 4 KiB chunks (so that every request of the subcommands' own can
 * be tried) and one test keeps the default size. Every N is tried up to DENSE requests, then
 * every STRIDE-th and every big one. The sticky variant runs only where the run of the Nth
 * failure went on requesting memory (otherwise it is the same run). Figures per sweep go to
 * stderr; WITC_OOM_VERBOSE=1 prints every run. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../cmd/bundled.h"
#include "../cmd/cli.h"
#include "../codegen/abi.h"
#include "../codegen/c_gen.h"
#include "../codegen/json.h"
#include "../codegen/wit_print.h"
#include "../parser/resolve.h"

/* ---- the counting, failing hook ------------------------------------------------------ */

typedef struct inject {
  long calls;    /* allocation requests (size > 0) since arm() */
  long fail_at;  /* 0: never fail; else the request number that fails */
  bool sticky;   /* fail every request from fail_at on */
  long failures; /* requests refused since arm() */
  long live;     /* blocks currently allocated */
  size_t *sizes; /* when set: the size of each request, by number - 1 (nsizes at most) */
  size_t nsizes;
} inject;

static inject I;

static void *counting_hook(void *ptr, size_t size, void *user) {
  inject *s = user;
  if (size == 0) {
    if (ptr) {
      s->live--;
      free(ptr);
    }
    return NULL;
  }
  long n = ++s->calls;
  if (s->sizes && (size_t)n <= s->nsizes) s->sizes[n - 1] = size;
  if (s->fail_at && (n == s->fail_at || (s->sticky && n > s->fail_at))) {
    s->failures++;
    return NULL;
  }
  void *p = realloc(ptr, size);
  if (p && !ptr) s->live++;
  return p;
}

static void arm(long n, bool sticky) {
  I.calls = 0;
  I.fail_at = n;
  I.sticky = sticky;
  I.failures = 0;
}

static void disarm(void) { I.fail_at = 0; }

static bool verbose;

/* ---- fixtures ------------------------------------------------------------------------ */

/* Every construct of the language in one file: versions with pre-release and build, a
 * nested package, top-level `use ... as`, all type definitions, resources with constructor,
 * methods and statics, handles, async functions, future/stream/error-context, gates,
 * docs, %-escaped names, spilling signatures, worlds with include-with, named and inline
 * imports, world-level types and functions. World `main` is what the C generator takes;
 * `async-world` it rejects (the diagnostics are then the output). */
static const char corpus_wit[] =
    "/// The corpus package: every construct of the language.\n"
    "package test:corpus@1.2.3-rc.1+build.5;\n"
    "\n"
    "use test:nested/things@0.1.0 as nested-things;\n"
    "\n"
    "/// Types of every kind.\n"
    "@since(version = 1.0.0)\n"
    "interface types {\n"
    "  /// A record.\n"
    "  record point {\n"
    "    x: s32,\n"
    "    /// The y coordinate.\n"
    "    y: s32,\n"
    "  }\n"
    "  variant shape { circle(f64), square(point), nothing }\n"
    "  enum color { red, green, blue }\n"
    "  flags perms { read, write, exec }\n"
    "  type bytes = list<u8>;\n"
    "  type pair = tuple<u64, string, char, bool>;\n"
    "  type maybe = option<point>;\n"
    "  type outcome = result<point, string>;\n"
    "  type only-ok = result<u32>;\n"
    "  type only-err = result<_, color>;\n"
    "  type empty-result = result;\n"
    "  type arr = list<f32, 4>;\n"
    "  type dict = map<string, list<u16>>;\n"
    "  type ints = tuple<s8, s16, s64, u16, u64>;\n"
    "  /** A resource. */\n"
    "  resource blob {\n"
    "    constructor(init: list<u8>);\n"
    "    /// Reads n bytes.\n"
    "    read: func(n: u32) -> list<u8>;\n"
    "    merge: static func(a: borrow<blob>, b: blob) -> blob;\n"
    "  }\n"
    "  @unstable(feature = fancy)\n"
    "  fancy-thing: func();\n"
    "  @since(version = 1.1.0)\n"
    "  @deprecated(version = 1.2.0)\n"
    "  old: func();\n"
    "  %type: func(%record: u8) -> bool;\n"
    "  many: func(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64, i: u64,\n"
    "             j: u64, k: u64, l: u64, m: u64, n: u64, o: u64, p: u64, q: f32) -> pair;\n"
    "}\n"
    "\n"
    "interface uses {\n"
    "  use types.{point, shape as figure, blob};\n"
    "  use nested-things.{thing};\n"
    "  draw: func(p: point, f: figure, b: borrow<blob>, t: thing) -> result<list<point>, string>;\n"
    "}\n"
    "\n"
    "@external-id(\"urn:x:1\")\n"
    "interface asyncy {\n"
    "  resource r {\n"
    "    constructor();\n"
    "    m: async func(s: stream<u8>) -> future<string>;\n"
    "  }\n"
    "  f: async func(e: error-context) -> future;\n"
    "  g: func(s: stream) -> future<stream<u8>>;\n"
    "}\n"
    "\n"
    "world base {\n"
    "  import log: interface {\n"
    "    write: func(s: string);\n"
    "  }\n"
    "  export run: func() -> s32;\n"
    "}\n"
    "\n"
    "/// The main world (no async: the C generator takes it).\n"
    "world main {\n"
    "  include base with { run as start }\n"
    "  import types;\n"
    "  import uses;\n"
    "  import primary: uses;\n"
    "  export types;\n"
    "  export exported: interface {\n"
    "    use types.{point};\n"
    "    ping: func(p: point) -> option<point>;\n"
    "  }\n"
    "  type t = u32;\n"
    "  import get: func(x: t) -> t;\n"
    "  export handle: func(p: list<string>) -> result<_, string>;\n"
    "  export nested-things;\n"
    "}\n"
    "\n"
    "world async-world {\n"
    "  import asyncy;\n"
    "  export asyncy;\n"
    "}\n"
    "\n"
    "package test:nested@0.1.0 {\n"
    "  /// Nested things.\n"
    "  interface things {\n"
    "    record thing { id: u64 }\n"
    "  }\n"
    "}\n";

/* A multi-file package with deps/: a directory package of two files, a single-file
 * package, an ignored file; big.wit is padded past the mmap threshold (64 KiB). */
static const struct {
  const char *path, *text;
} pkg_files[] = {
    {"pkg/a.wit",
     "/// The app package.\n"
     "package app:main@1.0.0;\n"
     "\n"
     "interface api {\n"
     "  use dep:lib/types@2.0.0.{item, kind};\n"
     "  use other:single/util.{helper};\n"
     "  get: func(i: item, k: kind) -> helper;\n"
     "  put: func(items: list<item>) -> result<u32, helper>;\n"
     "}\n"},
    {"pkg/b.wit",
     "package app:main@1.0.0;\n"
     "\n"
     "world app {\n"
     "  include dep:lib/base-world@2.0.0;\n"
     "  import api;\n"
     "  export big;\n"
     "  export dep:lib/types@2.0.0;\n"
     "}\n"},
    {"pkg/deps/lib/types.wit",
     "package dep:lib@2.0.0;\n"
     "\n"
     "/// Library types.\n"
     "interface types {\n"
     "  record item { name: string, tags: list<string>, weight: option<f64> }\n"
     "  enum kind { small, large }\n"
     "  resource cursor {\n"
     "    constructor(start: u64);\n"
     "    next: func() -> option<item>;\n"
     "  }\n"
     "}\n"},
    {"pkg/deps/lib/world.wit",
     "package dep:lib@2.0.0;\n"
     "\n"
     "world base-world {\n"
     "  import types;\n"
     "  export tick: func(n: u32);\n"
     "}\n"},
    {"pkg/deps/single.wit",
     "package other:single;\n"
     "\n"
     "interface util {\n"
     "  type helper = string;\n"
     "}\n"},
    {"pkg/deps/notes.txt", "not WIT: ignored\n"},
};

static const char big_head[] =
    "package app:main@1.0.0;\n"
    "\n"
    "interface big {\n"
    "  variant v { a(u8), b(string), c(list<u64>), d }\n"
    "  f: func(x: v, y: tuple<v, v>) -> list<v>;\n"
    "}\n";

static const char bad_wit[] =
    "package bad:pkg;\n"
    "\n"
    "interface i {\n"
    "  use missing.{t};\n"
    "  f: func(x: t);\n"
    "}\n";

static const char bad_dir_wit[] =
    "package bad:dir;\n"
    "\n"
    "interface i {\n"
    "  use nope:absent/iface.{t};\n"
    "  f: func(x: t);\n"
    "}\n";

static char tmpdir[64];

static char *fx_path(const char *rel) {
  static char paths[8][512];
  static int next;
  char *p = paths[next++ % 8];
  snprintf(p, sizeof paths[0], "%s/%s", tmpdir, rel);
  return p;
}

static void write_file(const char *rel, const char *text, size_t len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
  /* mkdir -p of the parent */
  for (char *s = path + strlen(tmpdir) + 1; (s = strchr(s, '/')) != NULL; s++) {
    *s = 0;
    mkdir(path, 0777);
    *s = '/';
  }
  FILE *f = fopen(path, "wb");
  cr_assert(f, "cannot create %s", path);
  cr_assert_eq(fwrite(text, 1, len, f), len);
  cr_assert_eq(fclose(f), 0);
}

static void make_fixtures(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/witc-oom-XXXXXX");
  cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
  write_file("corpus.wit", corpus_wit, sizeof corpus_wit - 1);
  write_file("bad.wit", bad_wit, sizeof bad_wit - 1);
  write_file("bad-dir/a.wit", bad_dir_wit, sizeof bad_dir_wit - 1);
  for (size_t i = 0; i < sizeof pkg_files / sizeof *pkg_files; i++)
    write_file(pkg_files[i].path, pkg_files[i].text, strlen(pkg_files[i].text));
  /* big.wit: the interface, then comments up to 80 KiB (mapped, not copied). */
  size_t cap = 80 * 1024;
  char *big = malloc(cap + 128);
  cr_assert(big);
  size_t n = strlen(big_head);
  memcpy(big, big_head, n);
  while (n < cap) n += (size_t)sprintf(big + n, "// padding line %zu: not a doc comment\n", n);
  write_file("pkg/big.wit", big, n);
  free(big);
  mkdir(fx_path("out"), 0777);
}

static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        remove_tree(sub);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

static void setup(void) {
  const char *v = getenv("WITC_OOM_VERBOSE");
  verbose = v && *v && strcmp(v, "0");
  memset(&I, 0, sizeof I);
  witc_mem_set_hook(counting_hook, &I);
  make_fixtures();
}

static void teardown(void) {
  witc_mem_set_hook(NULL, NULL);
  witc_arena_set_chunk_size(0);
  if (tmpdir[0]) remove_tree(tmpdir);
}

TestSuite(oom, .init = setup, .fini = teardown, .timeout = 120);

/* ---- inputs -------------------------------------------------------------------------- */

typedef struct input {
  const char *name;
  const char *rel;     /* fixture path under tmpdir, or NULL for `text` */
  const char *text;    /* in-memory text (push_str) */
  size_t len;
  const char *world;   /* world to select (NULL: the only world) */
  const char *world2;  /* a second world for the C generator, or NULL */
  bool valid;
  bool mapped;         /* holds a file big enough to be mmap'ed */
} input;

static input in_corpus(void) {
  return (input){"corpus", "corpus.wit", NULL, 0, "main", "async-world", true, false};
}
static input in_pkg(void) { return (input){"pkgdir", "pkg", NULL, 0, "app", NULL, true, true}; }
static input in_bundled(const char *version) {
  const cli_bundled *b = cli_bundled_find(version);
  cr_assert(b, "no bundled package %s", version ? version : "(default)");
  return (input){version ? "vtx:api 5.0.0" : "vtx:api default", NULL, (const char *)b->text,
                 b->len, NULL, NULL, true, false};
}
static input in_bad(void) { return (input){"bad.wit", "bad.wit", NULL, 0, NULL, NULL, false, false}; }
static input in_bad_dir(void) {
  return (input){"bad-dir", "bad-dir", NULL, 0, NULL, NULL, false, false};
}

/* ---- one compilation ----------------------------------------------------------------- */

typedef struct comp {
  witc_arena arena;
  witc_source_map sources;
  witc_diags diags;
  witc_resolve r;
  witc_id pkg, world, world2;
} comp;

static void comp_init(comp *c) {
  memset(c, 0, sizeof *c);
  witc_arena_init(&c->arena);
  witc_source_map_init(&c->sources, &c->arena);
  witc_diags_init(&c->diags, &c->arena);
  witc_resolve_init(&c->r, &c->arena, &c->sources);
  c->pkg = c->world = c->world2 = WITC_ID_NONE;
}

static void comp_delete(comp *c) {
  witc_source_map_delete(&c->sources);
  witc_arena_delete(&c->arena);
}

static void render_diags(comp *c, witc_buf *out) {
  for (uint32_t i = 0; i < c->diags.items.len; i++)
    witc_diag_render(&c->sources, &c->diags.items.items[i], out);
}

/* A stage: writes its output into `out`; returns false when it reports a failure. */
typedef bool (*stage_fn)(comp *c, const input *in, witc_buf *out);

/* Load and resolve, as cli_input_load does (every feature on), then select the world(s).
 * The output is a summary of the graph and the rendered diagnostics. */
static bool stage_load(comp *c, const input *in, witc_buf *out) {
  c->r.all_features = true;
  bool io_error = false;
  if (in->rel)
    c->pkg = witc_resolve_push_path(&c->r, fx_path(in->rel), &c->diags, &io_error);
  else
    c->pkg = witc_resolve_push_str(&c->r, "<bundled>/vtx.wit", in->text, in->len, &c->diags);
  if (c->pkg != WITC_ID_NONE) {
    c->world = witc_resolve_select_world(&c->r, c->pkg, in->world, &c->diags);
    if (in->world2) c->world2 = witc_resolve_select_world(&c->r, c->pkg, in->world2, &c->diags);
  }
  witc_buf_printf(out, "package %u world %u/%u io %d: %u packages, %u interfaces, %u worlds, "
                  "%u types, %u files\n",
                  c->pkg, c->world, c->world2, io_error, c->r.packages.len, c->r.interfaces.len,
                  c->r.worlds.len, c->r.types.len, c->sources.files.len);
  render_diags(c, out);
  bool loaded = c->pkg != WITC_ID_NONE && c->world != WITC_ID_NONE &&
                (!in->world2 || c->world2 != WITC_ID_NONE);
  /* An invalid input "succeeds" when it is refused (with the reference's diagnostics). */
  return loaded == in->valid;
}

static bool stage_json(comp *c, const input *in, witc_buf *out) {
  (void)in;
  witc_json_write(&c->r, out);
  return true; /* failures: out->error */
}

/* The file holding span `sp`, or UINT32_MAX. */
static uint32_t span_file(const witc_source_map *m, witc_span sp) {
  if (witc_span_is_none(sp)) return UINT32_MAX;
  const witc_source_file *f = witc_source_map_file(m, sp.start);
  return f ? (uint32_t)(f - m->files.items) : UINT32_MAX;
}

/* The main package with the packages nested in its file (as `witc fmt` prints it), then
 * every package on its own, without docs. */
static bool stage_print(comp *c, const input *in, witc_buf *out) {
  (void)in;
  const witc_resolve *r = &c->r;
  witc_id nested[16];
  uint32_t n = 0;
  uint32_t main_file = span_file(&c->sources, r->packages.items[c->pkg].span);
  for (witc_id i = 0; i < r->packages.len && n < 16; i++)
    if (i != c->pkg && span_file(&c->sources, r->packages.items[i].span) == main_file)
      nested[n++] = i;
  if (!witc_wit_print(r, c->pkg, nested, n, NULL, out)) return false;
  witc_wit_print_opts o = {.no_docs = true};
  for (witc_id i = 0; i < r->packages.len; i++) {
    witc_buf_puts(out, "\n----\n");
    if (!witc_wit_print(r, i, NULL, 0, &o, out)) return false;
  }
  return true; /* failures: out->error */
}

static void put_flat(witc_buf *o, const witc_core_vec *v) {
  witc_buf_putc(o, '(');
  for (uint32_t i = 0; i < v->len; i++)
    witc_buf_printf(o, "%s%s", i ? " " : "", witc_core_name(v->items[i]));
  witc_buf_putc(o, ')');
}

static bool is_async(const witc_function *f) {
  return f->kind == WITC_FUNC_ASYNC_FREESTANDING || f->kind == WITC_FUNC_ASYNC_METHOD ||
         f->kind == WITC_FUNC_ASYNC_STATIC;
}

static void abi_func(witc_abi *a, witc_buf *o, const witc_world_key *key,
                     const witc_function *f) {
  if (is_async(f)) return;
  witc_buf_putstr(o, f->name);
  for (int dir = 0; dir < 2; dir++) {
    witc_core_sig sig;
    witc_abi_func_sig(a, f, dir ? WITC_ABI_EXPORT : WITC_ABI_IMPORT, &sig);
    witc_buf_printf(o, " %s", dir ? "export" : "import");
    put_flat(o, &sig.params);
    put_flat(o, &sig.results);
    witc_buf_printf(o, " %d%d%d %u %u", sig.params_indirect, sig.results_indirect, sig.retptr,
                    sig.flat_params, sig.flat_results);
  }
  uint32_t *offs = witc_arena_alloc(a->arena, sizeof *offs * (f->params.len + 1));
  witc_layout pl = witc_abi_params_layout(a, f, offs);
  witc_buf_printf(o, " params %u/%u:", pl.size, pl.align);
  for (uint32_t i = 0; i < f->params.len; i++) witc_buf_printf(o, " %u", offs[i]);
  if (f->result.tag != WITC_T_NONE) witc_buf_printf(o, " buffers %d", witc_abi_has_buffers(a, f->result));
  for (int m = 0; m < 2; m++) {
    witc_core_import ci = witc_abi_import_func(a, (witc_mangling)m, key, f);
    witc_buf_printf(o, "\n  %s %s | %s | %s", ci.module, ci.name,
                    witc_abi_export_func(a, (witc_mangling)m, key, f),
                    witc_abi_post_return(a, (witc_mangling)m, key, f));
  }
  witc_buf_putc(o, '\n');
}

static void abi_resources(witc_abi *a, witc_buf *o, const witc_world_key *key,
                          const witc_interface *ifc) {
  for (uint32_t k = 0; k < ifc->types.len; k++) {
    const witc_typedef *td = &a->resolve->types.items[ifc->types.items[k].id];
    if (td->kind != WITC_TD_RESOURCE) continue;
    for (int m = 0; m < 2; m++)
      for (int ex = 0; ex < 2; ex++)
        for (int op = 0; op < 3; op++) {
          witc_core_import ci = witc_abi_resource_import(a, (witc_mangling)m, key, td->name, ex,
                                                         (witc_resource_op)op);
          witc_buf_printf(o, "  res %s %s\n", ci.module, ci.name);
        }
    witc_buf_printf(o, "  dtor %s\n", witc_abi_resource_dtor(a, WITC_MANGLING_LEGACY, key, td->name));
  }
}

/* Everything codegen/abi.h computes: every type's layout, variant layout, field offsets and
 * flattening at both pointer sizes, every function's signatures and names, the world's keys
 * and resource intrinsics. */
static bool stage_abi(comp *c, const input *in, witc_buf *out) {
  (void)in;
  const witc_resolve *r = &c->r;
  for (uint32_t ps = 4; ps <= 8; ps += 4) {
    witc_abi a;
    witc_abi_init(&a, r, &c->arena, ps);
    for (witc_id id = 0; id < r->types.len; id++) {
      witc_type t = witc_type_id(id);
      const witc_typedef *td = &r->types.items[id];
      witc_layout l = witc_abi_layout(&a, t);
      witc_buf_printf(out, "t%u %u/%u", id, l.size, l.align);
      witc_variant_layout vl;
      if (witc_abi_variant_layout(&a, t, &vl))
        witc_buf_printf(out, " v%u@%u+%u", vl.disc_size, vl.payload_offset, vl.payload_size);
      if (td->kind == WITC_TD_RECORD || td->kind == WITC_TD_TUPLE) {
        uint32_t nf = td->kind == WITC_TD_RECORD ? td->u.fields.len : td->u.tuple.len;
        for (uint32_t i = 0; i < nf; i++) witc_buf_printf(out, " @%u", witc_abi_field_offset(&a, t, i));
      }
      witc_core_vec flat = {0};
      bool all = witc_abi_flatten(&a, t, 64, &flat);
      witc_buf_printf(out, " %s", all ? "" : "truncated ");
      put_flat(out, &flat);
      witc_buf_printf(out, " buffers %d\n", witc_abi_has_buffers(&a, t));
    }
    for (witc_id i = 0; i < r->interfaces.len; i++) {
      const witc_interface *ifc = &r->interfaces.items[i];
      for (uint32_t k = 0; k < ifc->functions.len; k++)
        abi_func(&a, out, NULL, &ifc->functions.items[k]);
    }
    for (witc_id wid = 0; wid < r->worlds.len; wid++) {
      const witc_world *w = &r->worlds.items[wid];
      for (int side = 0; side < 2; side++) {
        const witc_world_entry *es = side ? w->exports.items : w->imports.items;
        uint32_t n = side ? w->exports.len : w->imports.len;
        for (uint32_t i = 0; i < n; i++) {
          const witc_world_key *key = &es[i].key;
          witc_buf_printf(out, "key %s %s\n", witc_abi_key(&a, key, false), witc_abi_key(&a, key, true));
          const witc_world_item *it = &es[i].item;
          if (it->kind == WITC_WI_INTERFACE) {
            const witc_interface *ifc = &r->interfaces.items[it->id];
            for (uint32_t k = 0; k < ifc->functions.len; k++)
              abi_func(&a, out, key, &ifc->functions.items[k]);
            abi_resources(&a, out, key, ifc);
          } else if (it->kind == WITC_WI_FUNCTION) {
            abi_func(&a, out, NULL, &it->func);
          }
        }
      }
    }
  }
  return true; /* failures: longjmp, or out->error */
}

/* The C bindings of the selected world in both manglings (and of the second world, which
 * the generator refuses with diagnostics). */
static bool gen_one(comp *c, witc_id world, witc_mangling m, witc_buf *out) {
  witc_gen_c_opts opts = {m};
  witc_gen_c_out g;
  uint32_t before = c->diags.items.len;
  bool ok = witc_gen_c(&c->r, world, &opts, &c->diags, &g);
  witc_buf_printf(out, "gen %u %d -> %d %s\n", world, (int)m, ok, g.base ? g.base : "(null)");
  bool failed = !ok && c->diags.items.len == before; /* false without a diagnostic: memory */
  witc_buf_put(out, g.header.data, g.header.len);
  witc_buf_put(out, g.source.data, g.source.len);
  witc_buf_put(out, g.notes.data, g.notes.len);
  if (g.header.error || g.source.error || g.notes.error) failed = true;
  witc_gen_c_out_delete(&g);
  return !failed;
}

static bool stage_gen_c(comp *c, const input *in, witc_buf *out) {
  bool ok = gen_one(c, c->world, WITC_MANGLING_LEGACY, out);
  ok = ok && gen_one(c, c->world, WITC_MANGLING_STANDARD32, out);
  if (ok && in->world2) ok = gen_one(c, c->world2, WITC_MANGLING_LEGACY, out);
  render_diags(c, out);
  return ok;
}

/* Runs `fn` under an out-of-memory recovery point, as the CLI does. Returns 1 (success),
 * 0 (failure reported) or -1 (the arena longjmp'ed). Nothing read after the longjmp is
 * modified between setjmp and longjmp. */
static int guarded(comp *c, const input *in, stage_fn fn, witc_buf *out) {
  jmp_buf oom;
  c->arena.oom = &oom;
  if (setjmp(oom) != 0) {
    c->arena.oom = NULL;
    return -1;
  }
  bool ok = fn(c, in, out);
  c->arena.oom = NULL;
  return ok ? 1 : 0;
}

/* ---- resources other than memory ------------------------------------------------------ */

static int count_fds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

/* Is any file of the fixture directory still mapped? */
static bool fixtures_mapped(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return false;
  char line[4096];
  bool hit = false;
  while (fgets(line, sizeof line, f))
    if (strstr(line, tmpdir)) hit = true;
  fclose(f);
  return hit;
}

/* ---- sweeps -------------------------------------------------------------------------- */

typedef struct outcome {
  int status;   /* 1 success, 0 failure reported (false/NONE/buf.error), -1 oom longjmp */
  bool buf_error; /* the failure reported is the output buffer's sticky error */
  char *text;   /* output (libc heap) */
  long calls;   /* allocation requests while armed */
  long failures;
} outcome;

/* Stages whose `out` is the test's own report (not the stage's output buffer). */
static bool report_stage(stage_fn stage) {
  return stage == stage_load || stage == stage_abi || stage == stage_gen_c;
}

/* One run: load (armed only for the load stage), the stage (armed), full cleanup; then
 * checks that nothing is left. A report buffer is sized first (`reserve` bytes: the
 * reference run's report), so that its growth is not a failure point. */
static outcome run_once(const input *in, stage_fn stage, long n, bool sticky, size_t reserve) {
  int fds = count_fds();
  outcome oc = {0, false, NULL, 0, 0};
  comp c;
  comp_init(&c);
  witc_buf out;
  witc_buf_init(&out);
  reserve = report_stage(stage) ? reserve : 0;
  if (reserve) {
    witc_buf_fill(&out, 0, reserve);
    out.len = 0;
  }
  if (stage == stage_load) {
    arm(n, sticky);
    oc.status = guarded(&c, in, stage_load, &out);
  } else {
    int st = guarded(&c, in, stage_load, &out);
    cr_assert_eq(st, 1, "%s: loading without injection failed:\n%s", in->name,
                 out.data ? out.data : "");
    if (reserve) {
      out.len = 0;
      out.data[0] = 0;
    } else {
      witc_buf_delete(&out);
      witc_buf_init(&out);
    }
    arm(n, sticky);
    oc.status = guarded(&c, in, stage, &out);
  }
  disarm();
  oc.calls = I.calls;
  oc.failures = I.failures;
  /* The stage's own report first; else the output buffer's sticky error. */
  oc.buf_error = oc.status == 1 && out.error;
  if (out.error && oc.status == 1) oc.status = 0;
  oc.text = strdup(out.error || !out.data ? "" : out.data);
  witc_buf_delete(&out);
  comp_delete(&c);
  cr_assert_eq(I.live, 0, "%s: n=%ld%s: %ld block(s) leaked (status %d)", in->name, n,
               sticky ? "+" : "", I.live, oc.status);
  cr_assert_eq(count_fds(), fds, "%s: n=%ld%s: file descriptors leaked", in->name, n,
               sticky ? "+" : "");
  if (in->mapped && stage == stage_load) /* the back ends run on an unarmed load */
    cr_assert(!fixtures_mapped(), "%s: n=%ld%s: a source file is still mapped", in->name, n,
              sticky ? "+" : "");
  return oc;
}

typedef struct tally {
  long runs, sticky_runs, jumps, falses, buf_errors, absorbed, max_calls;
} tally;

/* Checks one injected run against the reference; returns true when nothing was injected
 * (the sweep is over). */
static bool judge(const char *stage_name, const input *in, const outcome *ref, outcome *oc,
                  long n, bool sticky, tally *t) {
  if (verbose)
    fprintf(stderr, "  %s/%s n=%ld%s: status %d, %ld calls, %ld failed\n", in->name, stage_name,
            n, sticky ? "+" : "", oc->status, oc->calls, oc->failures);
  bool done = oc->failures == 0;
  if (done) {
    cr_assert_eq(oc->status, 1, "%s/%s n=%ld: failure reported with no allocation failed",
                 in->name, stage_name, n);
    cr_assert_str_eq(oc->text, ref->text, "%s/%s n=%ld: output differs without injection",
                     in->name, stage_name, n);
  } else if (oc->status == 1) {
    /* Claimed success although an allocation failed: only if nothing was lost. */
    cr_assert_str_eq(oc->text, ref->text,
                     "%s/%s n=%ld%s: an allocation failed, the stage reported success, and its "
                     "output differs from the run without injection",
                     in->name, stage_name, n, sticky ? "+" : "");
    t->absorbed++;
    if (verbose) fprintf(stderr, "    absorbed: %ld failure(s)\n", oc->failures);
  } else if (oc->status < 0) {
    t->jumps++;
  } else if (oc->buf_error) {
    t->buf_errors++;
  } else {
    t->falses++;
    if (verbose) fprintf(stderr, "    reported: %.300s\n", oc->text);
  }
  free(oc->text);
  return done;
}

/* Requests at least this large (arena chunks at the default size, whole files) are always
 * tried, even where the sweep strides. */
enum { BIG_REQUEST = 64 * 1024 };

/* Runs `stage` on `in` failing allocation N for N = 1, 2, ... (every `stride`-th N beyond
 * `dense`, and every big request) until a run needs no failure. The sticky variant (N and
 * every later request fail) runs for each N whose run went on requesting memory after the
 * failure; otherwise it would replay the same run. */
static void sweep(const char *stage_name, const input *in, stage_fn stage, long dense,
                  long stride, tally *t) {
  static size_t sizes[1 << 16];
  I.sizes = sizes;
  I.nsizes = sizeof sizes / sizeof *sizes;
  outcome ref = run_once(in, stage, 0, false, 0);
  size_t reserve = strlen(ref.text) + 1;
  I.sizes = NULL;
  cr_assert_eq(ref.status, 1, "%s/%s: fails without injection:\n%s", in->name, stage_name,
               ref.text);
  cr_assert_eq(ref.failures, 0);
  long total = ref.calls;
  if (total > t->max_calls) t->max_calls = total;
  for (long n = 1;;) {
    outcome oc = run_once(in, stage, n, false, reserve);
    t->runs++;
    long after = oc.calls;
    if (judge(stage_name, in, &ref, &oc, n, false, t)) break;
    if (after > n) {
      outcome os = run_once(in, stage, n, true, reserve);
      t->sticky_runs++;
      cr_assert(!judge(stage_name, in, &ref, &os, n, true, t));
    }
    cr_assert(n <= total, "%s/%s: still failing at n=%ld beyond the %ld requests of the "
              "reference run", in->name, stage_name, n, total);
    /* the next N */
    n++;
    while (n > dense && n <= total && (n - dense) % stride != 0 &&
           !(n <= (long)I.nsizes && sizes[n - 1] >= BIG_REQUEST))
      n++;
  }
  free(ref.text);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sweep_stage(const char *stage_name, const input *in, stage_fn stage, long dense,
                        long stride) {
  tally t = {0};
  double t0 = now();
  sweep(stage_name, in, stage, dense, stride, &t);
  fprintf(stderr,
          "oom %-5s %-15s %4ld requests, %4ld+%-4ld runs: %4ld longjmp, %4ld false, "
          "%3ld buf.error, %ld absorbed, %.2fs\n",
          stage_name, in->name, t.max_calls, t.runs, t.sticky_runs, t.jumps, t.falses,
          t.buf_errors, t.absorbed, now() - t0);
}

/* Chunks of 1 byte: every arena allocation takes its own block from the hook, so every
 * arena allocation site is a failure point. */
enum { SMALL_CHUNK = 1 };
/* Every N up to this many requests; beyond, every STRIDE-th. */
enum { DENSE = 1000, STRIDE = 5 };

/* ---- tests --------------------------------------------------------------------------- */

static void all_stages(const input *in, long dense, long stride) {
  sweep_stage("load", in, stage_load, dense, stride);
  if (!in->valid) return;
  sweep_stage("json", in, stage_json, dense, stride);
  sweep_stage("print", in, stage_print, dense, stride);
  sweep_stage("abi", in, stage_abi, dense, stride);
  sweep_stage("gen-c", in, stage_gen_c, dense, stride);
}

Test(oom, corpus) {
  witc_arena_set_chunk_size(SMALL_CHUNK);
  input in = in_corpus();
  all_stages(&in, DENSE, STRIDE);
}

Test(oom, package_dir) {
  witc_arena_set_chunk_size(SMALL_CHUNK);
  input in = in_pkg();
  all_stages(&in, DENSE, STRIDE);
}

Test(oom, bundled) {
  witc_arena_set_chunk_size(SMALL_CHUNK);
  input in = in_bundled(NULL);
  all_stages(&in, DENSE, STRIDE);
  input in5 = in_bundled("5.0.0");
  all_stages(&in5, DENSE, STRIDE);
}

Test(oom, invalid) {
  witc_arena_set_chunk_size(SMALL_CHUNK);
  input bad = in_bad(), bad_dir = in_bad_dir();
  all_stages(&bad, DENSE, STRIDE);
  all_stages(&bad_dir, DENSE, STRIDE);
}

/* The production chunk size (1 MiB): every arena chunk request is tried (they are big
 * requests); the many small heap buffers of the back ends, sampled, were covered above. */
Test(oom, default_chunks) {
  input ins[] = {in_corpus(), in_pkg(), in_bundled(NULL), in_bad()};
  for (size_t i = 0; i < sizeof ins / sizeof *ins; i++) all_stages(&ins[i], 32, 16);
}

/* ---- the CLI end to end ---------------------------------------------------------------- */

typedef struct cli_run {
  int rc;
  long failures; /* allocations refused */
  char *out, *err, *files; /* stdout, stderr, the files written to out/ (names and text) */
} cli_run;

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return strdup("");
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  cr_assert(s);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = 0;
  fclose(f);
  return s;
}

/* The files of out/, sorted by name, as "name\ntext" blocks; empties the directory. */
static char *take_out_files(void) {
  const char *dir = fx_path("out");
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort);
  cr_assert(n >= 0);
  size_t cap = 1, len = 0;
  char *all = calloc(1, 1);
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (strcmp(name, ".") && strcmp(name, "..")) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", dir, name);
      char *text = slurp(path);
      size_t add = strlen(name) + strlen(text) + 3;
      all = realloc(all, cap + add);
      cr_assert(all);
      cap += add;
      len += (size_t)sprintf(all + len, "%s\n%s\n", name, text);
      free(text);
      unlink(path);
    }
    free(names[i]);
  }
  free(names);
  return all;
}

/* Runs `witc argv...` with stdout and stderr captured (stdin from `in` when not NULL). */
static cli_run cli_once(char **argv, int argc, const char *in, long n, bool sticky) {
  cli_run res;
  char out_path[512], err_path[512];
  snprintf(out_path, sizeof out_path, "%s/stdout.txt", tmpdir);
  snprintf(err_path, sizeof err_path, "%s/stderr.txt", tmpdir);
  fflush(stdout);
  fflush(stderr);
  int save_in = -1;
  if (in) {
    save_in = dup(0);
    int fi = open(in, O_RDONLY);
    cr_assert(save_in >= 0 && fi >= 0);
    dup2(fi, 0);
    close(fi);
  }
  int save_out = dup(1), save_err = dup(2);
  int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  cr_assert(save_out >= 0 && save_err >= 0 && fo >= 0 && fe >= 0);
  dup2(fo, 1);
  dup2(fe, 2);
  close(fo);
  close(fe);
  int fds = count_fds();
  arm(n, sticky);
  res.rc = cli_main(argc, argv);
  disarm();
  res.failures = I.failures;
  int fds_after = count_fds();
  fflush(stdout);
  fflush(stderr);
  dup2(save_out, 1);
  dup2(save_err, 2);
  close(save_out);
  close(save_err);
  if (in) {
    dup2(save_in, 0);
    close(save_in);
  }
  res.out = slurp(out_path);
  res.err = slurp(err_path);
  res.files = take_out_files();
  cr_assert_eq(I.live, 0, "witc %s %s n=%ld%s: %ld block(s) leaked (exit %d)\n%s", argv[1],
               argv[argc - 1], n, sticky ? "+" : "", I.live, res.rc, res.err);
  cr_assert_eq(fds_after, fds, "witc %s n=%ld: file descriptors leaked", argv[1], n);
  if (strstr(argv[argc - 1], "/pkg"))
    cr_assert(!fixtures_mapped(), "witc %s n=%ld: a source file is still mapped", argv[1], n);
  return res;
}

static void cli_free(cli_run *r) {
  free(r->out);
  free(r->err);
  free(r->files);
}

/* Checks one injected CLI run; returns true when nothing was injected. */
static bool cli_judge(char **argv, int argc, const cli_run *ref, cli_run *r, long n, bool sticky,
                      tally *t) {
  if (verbose)
    fprintf(stderr, "  witc %s %s n=%ld%s: exit %d, %ld failed\n", argv[1], argv[argc - 1], n,
            sticky ? "+" : "", r->rc, r->failures);
  bool same = r->rc == ref->rc && !strcmp(r->out, ref->out) && !strcmp(r->err, ref->err) &&
              !strcmp(r->files, ref->files);
  bool done = r->failures == 0;
  if (done) {
    cr_assert(same, "witc %s %s n=%ld: exit %d, output differs with nothing injected\n%s",
              argv[1], argv[argc - 1], n, r->rc, r->err);
  } else if (r->rc != 2) {
    /* Anything but an internal failure must be the very result of the clean run. */
    cr_assert(same, "witc %s %s n=%ld%s: exit %d after a failed allocation, output differs "
              "from the run without injection:\n%s", argv[1], argv[argc - 1], n,
              sticky ? "+" : "", r->rc, r->err);
    t->absorbed++;
  } else {
    /* An allocation failure is an internal failure (exit 2) that says so. */
    cr_assert(strstr(r->err, "out of memory") || strstr(r->err, strerror(ENOMEM)),
              "witc %s %s n=%ld%s: the error does not say out of memory:\n%s", argv[1],
              argv[argc - 1], n, sticky ? "+" : "", r->err);
    t->falses++;
  }
  cli_free(r);
  return done;
}

static void cli_sweep(int argc, char **argv, const char *in, tally *t) {
  cli_run ref = cli_once(argv, argc, in, 0, false);
  cr_assert(ref.rc == 0 || ref.rc == 1, "witc %s %s: exit %d without injection\n%s", argv[1],
            argv[argc - 1], ref.rc, ref.err);
  long total = I.calls;
  if (total > t->max_calls) t->max_calls = total;
  for (long n = 1;; n = n < DENSE ? n + 1 : n + STRIDE) {
    if (n > total) n = total + 1;
    cli_run r = cli_once(argv, argc, in, n, false);
    t->runs++;
    long after = I.calls;
    if (cli_judge(argv, argc, &ref, &r, n, false, t)) break;
    if (after > n) {
      cli_run rs = cli_once(argv, argc, in, n, true);
      t->sticky_runs++;
      cr_assert(!cli_judge(argv, argc, &ref, &rs, n, true, t));
    }
    cr_assert(n <= total);
  }
  cli_free(&ref);
}

/* The CLI: 4 KiB chunks keep the arena's share of the requests small, so that every
 * request (the subcommands' own buffers, stdin, output files) is tried; the arena sites
 * were swept one by one above. */
Test(oom, cli) {
  witc_arena_set_chunk_size(4096);
  char *corpus = strdup(fx_path("corpus.wit")), *pkg = strdup(fx_path("pkg")),
       *out = strdup(fx_path("out"));
  char *cmds[][10] = {
      {"witc", "check", "--all-features", corpus},
      {"witc", "check", "--all-features", "-"}, /* stdin: the corpus */
      {"witc", "json", "--all-features", pkg},
      {"witc", "fmt", "--all-features", corpus},
      {"witc", "fmt", "--check", pkg},
      {"witc", "abi", "--all-features", "--world", "main", corpus},
      {"witc", "abi", "--protocol", "5.0.0"},
      {"witc", "gen", "c", "--all-features", "--world", "main", "-o", out, corpus},
      {"witc", "gen", "c", "-o", out, pkg},
      {"witc", "gen", "c", "-o", out},
  };
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    int argc = 0;
    while (argc < 10 && cmds[i][argc]) argc++;
    tally t = {0};
    cli_sweep(argc, cmds[i], strcmp(cmds[i][argc - 1], "-") ? NULL : corpus, &t);
    fprintf(stderr, "oom cli %-6s %-14s %4ld requests, %4ld+%-4ld runs: %4ld exit 2, "
            "%ld absorbed\n",
            cmds[i][1], strrchr(cmds[i][argc - 1], '/') ? strrchr(cmds[i][argc - 1], '/') + 1
                                                          : cmds[i][argc - 1],
            t.max_calls, t.runs, t.sticky_runs, t.falses, t.absorbed);
  }
  free(corpus);
  free(pkg);
  free(out);
}

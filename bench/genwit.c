/* genwit.c: a seeded generator of large, valid WIT for benchmarking witc.
 *
 *   genwit [--seed N] [--size BYTES[K|M]] (-o FILE | --dir DIR) [--file-size BYTES[K|M]]
 *          [--stats]
 *
 * -o FILE    one file: the root package bench:app@1.0.0, then its dependency packages as
 *            nested `package bench:io@0.2.0 { ... }` blocks, then the root's items.
 * --dir DIR  the multi-file form: DIR/part-NNN.wit (the root package, a new file every
 *            --file-size bytes, default 256K), DIR/deps/<name>/ package directories and
 *            DIR/deps/<name>.wit single-file packages. DIR is created (it must not exist).
 * --size     approximate total output (default 1M): the root package stops growing once it
 *            is reached, then one last world is written.
 * The output depends only on the seed and the sizes (splitmix64; no clock, no addresses).
 *
 * What it writes, in rough proportions of real WIT (WASI 0.2/0.3, the bundled vtx:api):
 * interfaces grouped in `use` chains (each interface `use`s types of earlier members of its
 * chain, and of dependency packages through full paths or file-level `use ... as` aliases);
 * records, variants, enums, flags, aliases and resources (constructors, methods, statics)
 * with nested list/option/result/tuple types and now and then map, future and stream;
 * functions with 0-6 parameters (borrow<R> among them), some async; documentation comments
 * in ///, // and block form; @since, @deprecated and @unstable gates; %-escaped keyword
 * names; and every third chain a world that imports a foreign interface by path and two
 * whole chains, `use`s a type, defines types, functions and an inline interface, exports
 * the third chain and functions, and mostly includes the previous world (sometimes `with
 * { a as b }`), to a depth of three. The last world, `bench-target`, keeps clear of async,
 * future and stream so `witc gen c --world bench-target` works on the output.
 *
 * Validity rules kept (docs/wit-language.md): names unique per scope; a typedef refers only
 * to earlier ones (no cycles); borrow<R> only in parameters; @unstable only on functions
 * that nothing names; @since/@deprecated only in versioned packages and never above their
 * version; worlds import and export disjoint chains, each includes at most one world, and
 * world-level names carry the world's number so includes never collide. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- random numbers ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(rng_next() % n) : 0; }
static bool chance(uint32_t pct) { return rnd(100) < pct; }
static uint32_t between(uint32_t lo, uint32_t hi) { return lo + rnd(hi - lo + 1); }

/* ---- memory and output --------------------------------------------------------------- */

static void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("genwit: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

static char *xprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
static char *xprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = xrealloc(NULL, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

#define VEC_PUSH(v, n, cap, x)                          \
  do {                                                  \
    if ((n) == (cap)) {                                 \
      (cap) = (cap) ? (cap) * 2 : 8;                    \
      (v) = xrealloc((v), sizeof *(v) * (size_t)(cap)); \
    }                                                   \
    (v)[(n)++] = (x);                                   \
  } while (0)

static FILE *out;
static char *out_path;
static size_t total_bytes, file_bytes;
static int indent_width = 2;

static void emit(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(out, fmt, ap);
  va_end(ap);
  if (n < 0) die("cannot write %s: %s", out_path, strerror(errno));
  total_bytes += (size_t)n;
  file_bytes += (size_t)n;
}

static void ind(int level) { emit("%*s", level * indent_width, ""); }

static void close_out(void) {
  if (out && fclose(out) != 0) die("cannot write %s: %s", out_path, strerror(errno));
  out = NULL;
  free(out_path);
  out_path = NULL;
}

static void open_out(char *path) { /* takes ownership of path */
  close_out();
  out = fopen(path, "w");
  if (!out) die("cannot create %s: %s", path, strerror(errno));
  out_path = path;
  file_bytes = 0;
  indent_width = chance(70) ? 4 : 2; /* per file, like real projects */
}

static void make_dir(const char *path) {
  if (mkdir(path, 0777) != 0) die("cannot create directory %s: %s", path, strerror(errno));
}

/* ---- words --------------------------------------------------------------------------- */

/* None of these is a WIT keyword. */
static const char *const nouns[] = {
    "account", "address", "agent", "alarm", "batch", "blob", "bucket", "buffer", "cache",
    "channel", "chunk", "client", "clock", "config", "connection", "context", "counter",
    "cursor", "datagram", "descriptor", "device", "digest", "directory", "document", "entry",
    "event", "field", "file", "filter", "frame", "handler", "header", "host", "identity",
    "index", "input", "instance", "item", "key", "label", "lease", "level", "limit", "link",
    "locator", "lock", "log", "message", "metric", "mode", "monitor", "network", "node",
    "offset", "output", "page", "path", "peer", "permission", "policy", "pollable", "port",
    "position", "process", "query", "queue", "range", "reader", "region", "registry", "report",
    "route", "rule", "schedule", "scope", "secret", "segment", "selector", "sequence",
    "session", "signal", "snapshot", "socket", "source", "span", "state", "status", "store",
    "subscription", "table", "target", "task", "tenant", "timer", "token", "topic", "trace",
    "transaction", "user", "value", "volume", "window", "writer", "zone", "request",
    "response", "payload", "credential", "certificate", "metadata", "attribute", "timestamp",
    "duration", "error", "code", "kind", "flag", "id", "name", "size", "count", "body"};
static const char *const adjs[] = {
    "incoming", "outgoing", "local", "remote", "pending", "active", "cached", "shared",
    "default", "raw", "signed", "encoded", "max", "min", "last", "next", "current", "total",
    "public", "private", "primary", "secondary", "blocking", "streaming", "http", "tcp", "udp",
    "ip", "dns", "tls", "sql", "json", "utf8", "base", "user", "system", "wall", "monotonic",
    "random", "secure", "insecure", "new", "old", "IP", "TCP", "HTTP"};
static const char *const verbs[] = {
    "get", "set", "open", "close", "read", "write", "create", "delete", "send", "receive",
    "poll", "subscribe", "flush", "drop", "start", "stop", "reset", "update", "fetch",
    "commit", "append", "resolve", "lookup", "query", "watch", "bind", "connect", "accept",
    "shutdown", "finish", "check", "validate", "encode", "decode", "parse", "render", "load",
    "save", "scan", "seek", "sync", "put", "remove", "insert", "clear", "count", "is", "has",
    "to", "new", "now", "blocking-read", "list-objects", "stream-to"};
/* Keywords that real WIT spells with % (WASI's %type, %list...). */
static const char *const kw_names[] = {"type",   "list",   "stream", "future", "result",
                                       "option", "string", "flags",  "variant", "record",
                                       "enum",   "own",    "borrow", "import", "export"};
static const char *const doc_lines[] = {
    "Returns the current value, or an error when the handle was closed.",
    "This is a generated item used to benchmark WIT parsers.",
    "The caller owns the returned resource and must drop it.",
    "Blocks until data is available or the stream is closed.",
    "See the specification for the exact semantics of this operation.",
    "Deprecated in favour of the streaming variant.",
    "The value is expressed in nanoseconds since an unspecified epoch.",
    "Unlike `read`, this never returns an empty list unless at end of stream.",
    "Errors are reported through the `error` variant of the result.",
    "An opaque identifier; two handles with equal ids refer to the same object.",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rnd(NELEM(a))])

/* ---- name sets (open addressing; names are owned by the set's users) ------------------ */

typedef struct nameset {
  const char **slot;
  uint32_t cap, n;
} nameset;

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static const char **ns_find(const nameset *s, const char *name) {
  for (uint32_t i = hash_str(name) & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
    if (!s->slot[i] || !strcmp(s->slot[i], name)) return &s->slot[i];
}

static bool ns_has(const nameset *s, const char *name) {
  return s->cap && *ns_find(s, name) != NULL;
}

static void ns_insert(nameset *s, const char *name) {
  if ((s->n + 1) * 2 > s->cap) {
    nameset g = {xrealloc(NULL, sizeof(char *) * (s->cap ? s->cap * 2 : 16)),
                 s->cap ? s->cap * 2 : 16, s->n};
    memset(g.slot, 0, sizeof(char *) * g.cap);
    for (uint32_t i = 0; i < s->cap; i++)
      if (s->slot[i]) *ns_find(&g, s->slot[i]) = s->slot[i];
    free(s->slot);
    *s = g;
  }
  *ns_find(s, name) = name;
  s->n++;
}

/* Makes `base` unique in `s` (appending -2, -3, ...), adds and returns it. Takes `base`. */
static const char *ns_add(nameset *s, char *base) {
  if (!ns_has(s, base)) {
    ns_insert(s, base);
    return base;
  }
  for (int k = 2;; k++) {
    char *c = xprintf("%s-%d", base, k);
    if (!ns_has(s, c)) {
      free(base);
      ns_insert(s, c);
      return c;
    }
    free(c);
  }
}

static void ns_free(nameset *s) {
  free(s->slot);
  memset(s, 0, sizeof *s);
}

/* Every WIT keyword (wit-language.md §2.3): names made of two words can hit one
 * ("error" + "context"). */
static const char *const keywords[] = {
    "as", "async", "bool", "borrow", "char", "constructor", "enum", "error-context", "export",
    "f32", "f64", "flags", "from", "func", "future", "import", "include", "interface", "list",
    "map", "option", "own", "package", "record", "resource", "result", "s8", "s16", "s32",
    "s64", "static", "stream", "string", "tuple", "type", "u8", "u16", "u32", "u64", "use",
    "variant", "with", "world", "_"};

/* A name as written: keywords get their '%'. */
static const char *spell(const char *name) {
  static char buf[8][64];
  static int next;
  for (size_t i = 0; i < NELEM(keywords); i++)
    if (!strcmp(name, keywords[i])) {
      next = (next + 1) & 7;
      snprintf(buf[next], sizeof buf[next], "%%%s", name);
      return buf[next];
    }
  return name;
}

/* World-level names are unique case-insensitively (kebab-case rule): lower-case them. */
static char *lower(char *s) {
  for (char *c = s; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  return s;
}

/* Two or three words joined by '-'. Callers draw the words in separate statements: C leaves
 * the evaluation order of function arguments unspecified, and the output must not depend on
 * the compiler. */
static char *join2(const char *a, const char *b) { return xprintf("%s-%s", a, b); }

static char *type_name(void) {
  const char *a, *b;
  switch (rnd(4)) {
  case 0: return xprintf("%s", PICK(nouns));
  case 1:
  case 2:
    a = PICK(adjs);
    b = PICK(nouns);
    return join2(a, b);
  default:
    a = PICK(nouns);
    b = PICK(nouns);
    return join2(a, b);
  }
}

static char *func_name(void) {
  const char *a, *b, *c;
  switch (rnd(3)) {
  case 0: return xprintf("%s", PICK(verbs));
  case 1:
    a = PICK(verbs);
    b = PICK(nouns);
    return join2(a, b);
  default:
    a = PICK(verbs);
    b = PICK(adjs);
    c = PICK(nouns);
    return xprintf("%s-%s-%s", a, b, c);
  }
}

static char *field_name(void) {
  if (chance(2)) return xprintf("%s", PICK(kw_names));
  if (chance(60)) return xprintf("%s", PICK(nouns));
  const char *a = PICK(adjs);
  const char *b = PICK(nouns);
  return join2(a, b);
}

/* ---- what the generator remembers ----------------------------------------------------- */

typedef struct tname {
  const char *name;
  bool resource;
} tname;

typedef struct tscope {
  tname *v;
  int n, cap;
} tscope;

typedef struct iface {
  const char *name;
  int pkg; /* index into pkgs: 0 the root */
  bool async_ok;
  tscope types; /* its own named types (what others may `use`) */
} iface;

typedef struct pkg {
  const char *ns, *name, *version; /* version NULL: unversioned */
  int *ifaces, n_ifaces, cap_ifaces;
  nameset names; /* interfaces, worlds and file-level use aliases */
} pkg;

static iface *ifaces;
static int n_ifaces, cap_ifaces;
static pkg pkgs[8];
static int n_pkgs;

typedef struct chain {
  int first, len;
  bool async_ok;
} chain;
static chain *chains;
static int n_chains, cap_chains;

typedef struct world {
  const char *name;
  const char *renamable; /* an ungated plain import an include may rename */
  bool async_ok;
  int depth; /* include chain length (real worlds include a few levels deep: WASI's
              * command includes imports, which includes a handful of interfaces' worlds) */
} world;
static world *worlds;
static int n_worlds, cap_worlds;

/* File-level `use path as alias` entries of the current root file. */
typedef struct alias {
  const char *alias;
  int iface;
} alias;
static alias *aliases;
static int n_aliases, cap_aliases;

static struct {
  long ifaces, types, funcs, worlds, gates, docs, uses, files;
} stats;

static char *foreign_path(int i) {
  const pkg *p = &pkgs[ifaces[i].pkg];
  const char *name = spell(ifaces[i].name);
  if (p->version) return xprintf("%s:%s/%s@%s", p->ns, p->name, name, p->version);
  return xprintf("%s:%s/%s", p->ns, p->name, name);
}

/* ---- comments and gates --------------------------------------------------------------- */

static void docs(int level, uint32_t pct) {
  if (!chance(pct)) return;
  stats.docs++;
  uint32_t form = rnd(100);
  if (form < 84) {
    for (uint32_t k = between(1, 3); k; k--) {
      ind(level);
      emit("/// %s\n", PICK(doc_lines));
    }
  } else if (form < 92) {
    ind(level);
    emit("/**\n");
    for (uint32_t k = between(1, 3); k; k--) {
      ind(level);
      emit(" * %s\n", PICK(doc_lines));
    }
    ind(level);
    emit(" */\n");
  } else if (form < 99) {
    ind(level);
    emit("// %s\n", PICK(doc_lines));
  } else {
    ind(level);
    emit("/* %s /* nested */ */\n", PICK(doc_lines));
  }
}

/* Attributes before an item. `version_ok`: the package is versioned (every version used
 * is at least 0.2.0, and gates name 0.1.0). `unstable_ok`: the item may be dropped. */
static void gates(int level, bool version_ok, bool unstable_ok) {
  if (unstable_ok && chance(3)) {
    stats.gates++;
    ind(level);
    const char *a = PICK(adjs);
    const char *b = PICK(nouns);
    emit("@unstable(feature = %s-%s)\n", a, b);
    return;
  }
  if (version_ok && chance(8)) {
    stats.gates++;
    ind(level);
    emit("@since(version = 0.1.0)\n");
    if (chance(15)) {
      ind(level);
      emit("@deprecated(version = 0.1.%u)\n", rnd(3));
    }
  }
}

/* ---- types --------------------------------------------------------------------------- */

static const char *const prims[] = {"u8",  "u16", "u32", "u64",  "s8",   "s16",   "s32",
                                    "s64", "f32", "f64", "bool", "char", "string"};

static const char *prim(void) { /* weighted towards what real WIT uses most */
  uint32_t r = rnd(100);
  if (r < 30) return "string";
  if (r < 50) return "u32";
  if (r < 62) return "u64";
  if (r < 70) return "bool";
  if (r < 76) return "u8";
  if (r < 80) return "s64";
  return PICK(prims);
}

typedef struct tctx {
  const tscope *scope;
  int visible;   /* the first `visible` names of scope may be named */
  bool async_ok; /* future<T>, stream<T> and async functions allowed */
} tctx;

/* A type expression; `param`: a parameter's top-level type (borrow<R> allowed). */
static void gen_type(const tctx *c, int depth, bool param) {
  uint32_t r = rnd(100);
  if (depth >= 3) r = chance(70) ? 0 : 60; /* builtins and names only */
  if (r < 52) {
    emit("%s", prim());
    return;
  }
  if (r < 80) {
    if (!c->visible) {
      emit("%s", prim());
      return;
    }
    const tname *t = &c->scope->v[rnd((uint32_t)c->visible)];
    if (t->resource && param && chance(50)) emit("borrow<%s>", spell(t->name));
    else if (t->resource && chance(10)) emit("own<%s>", spell(t->name));
    else emit("%s", spell(t->name));
    return;
  }
  if (r < 87) {
    emit("list<");
    gen_type(c, depth + 1, false);
    emit(">");
  } else if (r < 93) {
    emit("option<");
    gen_type(c, depth + 1, false);
    emit(">");
  } else if (r < 96) {
    uint32_t form = rnd(10);
    if (form == 0) {
      emit("result");
    } else if (form < 3) {
      emit("result<");
      gen_type(c, depth + 1, false);
      emit(">");
    } else if (form < 4) {
      emit("result<_, ");
      gen_type(c, depth + 1, false);
      emit(">");
    } else {
      emit("result<");
      gen_type(c, depth + 1, false);
      emit(", ");
      gen_type(c, depth + 1, false);
      emit(">");
    }
  } else if (r < 98) {
    emit("tuple<");
    for (uint32_t k = between(1, 3), i = 0; i < k; i++) {
      if (i) emit(", ");
      gen_type(c, depth + 1, false);
    }
    emit(">");
  } else if (r < 99 || !c->async_ok) {
    emit("map<%s, ", chance(70) ? "string" : "u32");
    gen_type(c, depth + 1, false);
    emit(">");
  } else if (chance(85)) {
    emit(chance(50) ? "stream<" : "future<");
    gen_type(c, depth + 1, false);
    emit(">");
  } else {
    emit(chance(50) ? "future" : "stream");
  }
}

/* ---- functions ----------------------------------------------------------------------- */

/* "(a: T, ...)", one parameter per line now and then, then maybe " -> R". `ctor`: a
 * constructor of resource `ctor` (an optional `-> result<R, E>`). */
static void gen_sig(const tctx *c, int level, const char *ctor) {
  uint32_t np = chance(15) ? 0 : between(1, chance(20) ? 6 : 3);
  bool multiline = np >= 3 && chance(30);
  nameset params = {0};
  emit("(");
  for (uint32_t i = 0; i < np; i++) {
    const char *name = ns_add(&params, field_name());
    if (multiline) {
      emit("\n");
      ind(level + 1);
    } else if (i) {
      emit(", ");
    }
    emit("%s: ", spell(name));
    gen_type(c, 0, true);
    if (multiline) emit(",");
  }
  if (multiline) {
    emit("\n");
    ind(level);
  }
  emit(")");
  for (uint32_t i = 0; i < params.cap; i++) free((void *)params.slot[i]);
  ns_free(&params);
  if (ctor) {
    if (chance(10)) emit(" -> result<%s, string>", spell(ctor));
    return;
  }
  if (chance(72)) {
    emit(" -> ");
    gen_type(c, 0, false);
  }
}

/* `prefix name: [static] [async] func(...) -> R;` with docs and gates. */
static void gen_func(const tctx *c, int level, const char *prefix, const char *name,
                     bool is_static, bool version_ok, bool unstable_ok) {
  docs(level, 45);
  gates(level, version_ok, unstable_ok);
  ind(level);
  bool async = c->async_ok && chance(25);
  emit("%s%s: %s%sfunc", prefix, spell(name), is_static ? "static " : "", async ? "async " : "");
  gen_sig(c, level, NULL);
  emit(";\n");
  stats.funcs++;
}

/* ---- type definitions ----------------------------------------------------------------- */

/* One named type definition; appends its name to `scope` (a resource before its members,
 * which may name it). */
static void gen_typedef(tscope *scope, nameset *names, int level, bool version_ok,
                        bool async_ok) {
  tctx c = {scope, scope->n, async_ok};
  const char *name = ns_add(names, type_name());
  docs(level, 45);
  gates(level, version_ok, false);
  ind(level);
  stats.types++;
  uint32_t k = rnd(100);
  bool resource = false;
  if (k < 30) { /* record */
    emit("record %s {\n", spell(name));
    nameset fields = {0};
    for (uint32_t n = between(1, chance(20) ? 12 : 5); n; n--) {
      const char *f = ns_add(&fields, field_name());
      docs(level + 1, 20);
      ind(level + 1);
      emit("%s: ", spell(f));
      gen_type(&c, 1, false);
      emit(",\n");
    }
    ns_free(&fields);
    ind(level);
    emit("}\n");
  } else if (k < 42) { /* variant */
    emit("variant %s {\n", spell(name));
    nameset cases = {0};
    for (uint32_t n = between(2, 7); n; n--) {
      const char *f = ns_add(&cases, field_name());
      docs(level + 1, 20);
      ind(level + 1);
      emit("%s", spell(f));
      if (chance(65)) {
        emit("(");
        gen_type(&c, 1, false);
        emit(")");
      }
      emit(",\n");
    }
    ns_free(&cases);
    ind(level);
    emit("}\n");
  } else if (k < 60) { /* enum (12%) or flags (6%) */
    bool flags = k >= 54;
    nameset cases = {0};
    uint32_t n = flags ? between(1, 12) : between(2, 10);
    bool one_line = chance(40);
    emit("%s %s {%s", flags ? "flags" : "enum", spell(name), one_line ? " " : "\n");
    for (uint32_t i = 0; i < n; i++) {
      const char *f = ns_add(&cases, field_name());
      if (one_line) {
        emit("%s%s", i ? ", " : "", spell(f));
      } else {
        docs(level + 1, 10);
        ind(level + 1);
        emit("%s,\n", spell(f));
      }
    }
    ns_free(&cases);
    if (one_line) {
      emit(" }\n");
    } else {
      ind(level);
      emit("}\n");
    }
  } else if (k < 80) { /* alias */
    emit("type %s = ", spell(name));
    if (c.visible && chance(20)) {
      const tname *t = &scope->v[rnd((uint32_t)c.visible)];
      emit("%s", spell(t->name));
      resource = t->resource; /* an alias of a resource is that resource */
    } else {
      gen_type(&c, 0, false);
    }
    emit(";\n");
  } else { /* resource */
    tname self = {name, true};
    VEC_PUSH(scope->v, scope->n, scope->cap, self);
    if (chance(15)) {
      emit("resource %s;\n", spell(name));
      return;
    }
    emit("resource %s {\n", spell(name));
    tctx mc = {scope, scope->n, async_ok};
    nameset members = {0};
    if (chance(60)) {
      docs(level + 1, 45);
      gates(level + 1, version_ok, false);
      ind(level + 1);
      emit("constructor");
      gen_sig(&mc, level + 1, name);
      emit(";\n");
      stats.funcs++;
    }
    for (uint32_t n = between(1, 6); n; n--)
      gen_func(&mc, level + 1, "", ns_add(&members, func_name()), false, version_ok, true);
    for (uint32_t n = chance(30) ? between(1, 2) : 0; n; n--)
      gen_func(&mc, level + 1, "", ns_add(&members, func_name()), true, version_ok, true);
    ns_free(&members);
    ind(level);
    emit("}\n");
    return;
  }
  tname t = {name, resource};
  VEC_PUSH(scope->v, scope->n, scope->cap, t);
}

/* ---- interfaces ----------------------------------------------------------------------- */

/* `use <path>.{a, b as c};` of up to `max` types of interface `src`, into `scope`. */
static void gen_use(tscope *scope, nameset *names, int level, const char *path, int src,
                    int max) {
  const tscope *from = &ifaces[src].types;
  if (!from->n) return;
  int want = (int)between(1, (uint32_t)max);
  if (want > from->n) want = from->n;
  int start = (int)rnd((uint32_t)from->n);
  ind(level);
  emit("use %s.{", path);
  for (int i = 0; i < want; i++) {
    const tname *t = &from->v[(start + i) % from->n];
    if (i) emit(", ");
    if (ns_has(names, t->name) || chance(10)) {
      const char *as = ns_add(names, xprintf("%s-%s", PICK(adjs), t->name));
      emit("%s as %s", spell(t->name), spell(as));
      tname u = {as, t->resource};
      VEC_PUSH(scope->v, scope->n, scope->cap, u);
    } else {
      ns_insert(names, t->name);
      emit("%s", spell(t->name));
      tname u = {t->name, t->resource};
      VEC_PUSH(scope->v, scope->n, scope->cap, u);
    }
  }
  emit("};\n");
  stats.uses++;
}

static int new_iface(int p, bool async_ok) {
  iface I = {0};
  const char *a = PICK(nouns);
  const char *b = chance(50) ? PICK(nouns) : PICK(verbs);
  I.name = ns_add(&pkgs[p].names, join2(a, b));
  I.pkg = p;
  I.async_ok = async_ok;
  VEC_PUSH(ifaces, n_ifaces, cap_ifaces, I);
  VEC_PUSH(pkgs[p].ifaces, pkgs[p].n_ifaces, pkgs[p].cap_ifaces, n_ifaces - 1);
  return n_ifaces - 1;
}

/* Writes interface `id`. `prev[0..n_prev)`: interfaces of the same package it may `use` by
 * plain name (the last one is always used); `foreign_hi`: dependency packages 1..foreign_hi
 * may be used by full path (or through the file's aliases, for the root). */
static void gen_interface(int id, int level, const int *prev, int n_prev, int foreign_hi) {
  iface *I = &ifaces[id];
  bool version_ok = pkgs[I->pkg].version != NULL;
  nameset names = {0};
  tscope body = {0}; /* used names, then own types */
  stats.ifaces++;
  emit("\n");
  docs(level, 50);
  gates(level, version_ok, false);
  ind(level);
  emit("interface %s {\n", spell(I->name));

  if (n_prev > 0) {
    int src = prev[n_prev - 1];
    gen_use(&body, &names, level + 1, spell(ifaces[src].name), src, 4);
  }
  if (n_prev > 2 && chance(30)) {
    int src = prev[rnd((uint32_t)n_prev - 1)];
    gen_use(&body, &names, level + 1, spell(ifaces[src].name), src, 3);
  }
  if (foreign_hi > 0 && chance(35)) {
    if (I->pkg == 0 && n_aliases && chance(50)) {
      const alias *a = &aliases[rnd((uint32_t)n_aliases)];
      gen_use(&body, &names, level + 1, a->alias, a->iface, 3);
    } else {
      const pkg *p = &pkgs[1 + rnd((uint32_t)foreign_hi)];
      if (p->n_ifaces) {
        int src = p->ifaces[rnd((uint32_t)p->n_ifaces)];
        char *path = foreign_path(src);
        gen_use(&body, &names, level + 1, path, src, 3);
        free(path);
      }
    }
  }
  if (body.n) emit("\n");

  for (uint32_t n = between(2, 9); n; n--) {
    int before = body.n;
    gen_typedef(&body, &names, level + 1, version_ok, I->async_ok);
    for (int i = before; i < body.n; i++) VEC_PUSH(I->types.v, I->types.n, I->types.cap, body.v[i]);
    if (chance(60)) emit("\n");
  }
  tctx fc = {&body, body.n, I->async_ok};
  for (uint32_t n = between(2, 10); n; n--)
    gen_func(&fc, level + 1, "", ns_add(&names, func_name()), false, version_ok, true);
  ind(level);
  emit("}\n");
  free(body.v);
  ns_free(&names);
}

/* ---- worlds -------------------------------------------------------------------------- */

static void import_chain(int level, int ch, const char *dir, bool version_ok) {
  for (int i = 0; i < chains[ch].len; i++) {
    const iface *I = &ifaces[chains[ch].first + i];
    docs(level, 10);
    if (version_ok && chance(5)) {
      ind(level);
      emit("@since(version = 0.1.0)\n");
      stats.gates++;
    }
    ind(level);
    emit("%s %s;\n", dir, spell(I->name));
  }
}

/* A root world over chains imp[0..n_imp) (imported) and exp (exported, -1: none); includes
 * the previous world when `include_prev`. */
static void gen_world(int level, const char *fixed_name, const int *imp, int n_imp, int exp,
                      bool include_prev) {
  int w = n_worlds;
  bool async_ok = false;
  for (int i = 0; i < n_imp; i++) async_ok |= chains[imp[i]].async_ok;
  if (exp >= 0) async_ok |= chains[exp].async_ok;
  const world *prev = include_prev && w > 0 && worlds[w - 1].depth < 2 ? &worlds[w - 1] : NULL;
  if (prev) async_ok |= prev->async_ok;
  const char *name;
  if (fixed_name) {
    name = ns_add(&pkgs[0].names, xprintf("%s", fixed_name));
  } else {
    const char *a = PICK(adjs);
    const char *b = PICK(nouns);
    name = ns_add(&pkgs[0].names, join2(a, b));
  }
  world W = {name, NULL, async_ok, prev ? prev->depth + 1 : 0};
  nameset imports = {0}, exports = {0};
  tscope scope = {0};
  stats.worlds++;
  emit("\n");
  docs(level, 60);
  if (chance(20)) {
    ind(level);
    emit("@since(version = 0.1.0)\n");
    stats.gates++;
  }
  ind(level);
  emit("world %s {\n", spell(name));

  /* a foreign interface first (as WASI worlds import wasi:io before what needs it) */
  if (n_pkgs > 1 && chance(60)) {
    const pkg *p = &pkgs[1 + rnd((uint32_t)n_pkgs - 1)];
    char *path = foreign_path(p->ifaces[rnd((uint32_t)p->n_ifaces)]);
    ind(level + 1);
    emit("import %s;\n", path);
    free(path);
  }
  for (int i = 0; i < n_imp; i++) import_chain(level + 1, imp[i], "import", true);

  /* a type `use`d from an imported interface, and world-level types */
  const iface *src = &ifaces[chains[imp[0]].first + (int)rnd((uint32_t)chains[imp[0]].len)];
  if (src->types.n && chance(70)) {
    const tname *t = &src->types.v[rnd((uint32_t)src->types.n)];
    const char *as = ns_add(&imports, lower(xprintf("%s-w%d", t->name, w)));
    emit("\n");
    ind(level + 1);
    emit("use %s.{%s as %s};\n", spell(src->name), spell(t->name), as);
    tname u = {as, t->resource};
    VEC_PUSH(scope.v, scope.n, scope.cap, u);
    stats.uses++;
  }
  for (uint32_t n = rnd(3); n; n--) {
    const char *tn = ns_add(&imports, lower(xprintf("%s-w%d", type_name(), w)));
    tctx c = {&scope, scope.n, async_ok};
    docs(level + 1, 45);
    ind(level + 1);
    if (chance(50)) {
      emit("record %s {\n", tn);
      nameset fields = {0};
      for (uint32_t k = between(1, 4); k; k--) {
        ind(level + 2);
        emit("%s: ", spell(ns_add(&fields, field_name())));
        gen_type(&c, 1, false);
        emit(",\n");
      }
      ns_free(&fields);
      ind(level + 1);
      emit("}\n");
    } else {
      emit("type %s = ", tn);
      gen_type(&c, 0, false);
      emit(";\n");
    }
    tname t = {tn, false};
    VEC_PUSH(scope.v, scope.n, scope.cap, t);
    stats.types++;
  }

  /* imported functions (the first is never gated: an include may rename it) and an inline
   * interface */
  emit("\n");
  tctx fc = {&scope, scope.n, async_ok};
  for (uint32_t n = between(1, 4), i = 0; i < n; i++) {
    const char *f = ns_add(&imports, lower(xprintf("%s-w%d", func_name(), w)));
    if (!i) W.renamable = f;
    gen_func(&fc, level + 1, "import ", f, false, true, i > 0);
  }
  if (chance(60)) {
    const char *iname = ns_add(&imports, xprintf("%s-host-w%d", PICK(nouns), w));
    docs(level + 1, 45);
    ind(level + 1);
    emit("import %s: interface {\n", iname);
    nameset inl = {0};
    tscope none = {0};
    tctx ic = {&none, 0, async_ok};
    for (uint32_t n = between(1, 4); n; n--)
      gen_func(&ic, level + 2, "", ns_add(&inl, func_name()), false, true, true);
    ns_free(&inl);
    ind(level + 1);
    emit("}\n");
  }

  /* exports */
  if (exp >= 0) {
    emit("\n");
    import_chain(level + 1, exp, "export", true);
  }
  for (uint32_t n = between(0, 2); n; n--)
    gen_func(&fc, level + 1, "export ", ns_add(&exports, lower(xprintf("%s-w%d", func_name(), w))),
             false, true, true);

  if (prev) {
    ind(level + 1);
    if (chance(35)) emit("include %s with { %s as %s-alt }\n", spell(prev->name),
                         prev->renamable, prev->renamable);
    else emit("include %s;\n", spell(prev->name));
  }
  ind(level);
  emit("}\n");
  free(scope.v);
  ns_free(&imports);
  ns_free(&exports);
  VEC_PUSH(worlds, n_worlds, cap_worlds, W);
}

/* ---- packages ------------------------------------------------------------------------- */

static const char *const header_comment =
    "// Generated by bench/genwit.c for benchmarking; every construct is valid WIT.\n";

static void package_header(const pkg *p, bool with_docs) {
  if (with_docs) emit("/// The %s:%s package (generated).\n", p->ns, p->name);
  if (p->version) emit("package %s:%s@%s;\n", p->ns, p->name, p->version);
  else emit("package %s:%s;\n", p->ns, p->name);
}

/* The interfaces of dependency package `d` (pkgs index >= 1) until `bytes` are written, in
 * `use` chains of DEP_CHAIN (like wasi:io's error <- poll <- streams: a package's interfaces
 * do not all depend on each other), each also using earlier dependencies; `split`: called
 * before each interface (may switch file). */
enum { DEP_CHAIN = 6 };
static void gen_dep_ifaces(int d, int level, size_t bytes, void (*split)(int d, int k)) {
  size_t start = total_bytes;
  for (int k = 0; k < 3 || total_bytes - start < bytes; k++) {
    if (split) split(d, k);
    int id = new_iface(d, false);
    const pkg *p = &pkgs[d];
    int n_prev = k % DEP_CHAIN < 4 ? k % DEP_CHAIN : 4;
    gen_interface(id, level, p->ifaces + (p->n_ifaces - 1 - n_prev), n_prev, d - 1);
  }
}

/* One world in the last dependency: imports its first interface, exports its last. */
static void gen_dep_world(int d, int level) {
  const pkg *p = &pkgs[d];
  const char *name = ns_add(&pkgs[d].names, xprintf("proxy"));
  emit("\n");
  docs(level, 100);
  ind(level);
  emit("world %s {\n", name);
  ind(level + 1);
  emit("import %s;\n", spell(ifaces[p->ifaces[0]].name));
  ind(level + 1);
  emit("export %s;\n", spell(ifaces[p->ifaces[p->n_ifaces - 1]].name));
  ind(level);
  emit("}\n");
  stats.worlds++;
}

/* ---- the two layouts ------------------------------------------------------------------- */

static const char *dir_root;
static size_t file_size = 256 * 1024;
static int part_no;

/* Directory form: dependency `d`'s files. io and util are directories (two files for io),
 * clocks and http single files. */
static void dep_split(int d, int k) {
  const pkg *p = &pkgs[d];
  bool is_dir = !strcmp(p->name, "io") || !strcmp(p->name, "util");
  if (k == 0) {
    if (is_dir) {
      char *dir = xprintf("%s/deps/%s", dir_root, p->name);
      make_dir(dir);
      open_out(xprintf("%s/types.wit", dir));
      free(dir);
    } else {
      open_out(xprintf("%s/deps/%s.wit", dir_root, p->name));
    }
    stats.files++;
    emit("%s", header_comment);
    package_header(p, true);
  } else if (k == 2 && !strcmp(p->name, "io")) {
    open_out(xprintf("%s/deps/%s/streams.wit", dir_root, p->name));
    stats.files++;
    package_header(p, false);
  }
}

/* The file-level `use ... as` aliases of a root file: two or three dependency interfaces. */
static void file_aliases(void) {
  n_aliases = 0;
  if (n_pkgs < 2) return;
  emit("\n");
  for (uint32_t n = between(2, 3); n; n--) {
    const pkg *p = &pkgs[1 + rnd((uint32_t)n_pkgs - 1)];
    int src = p->ifaces[rnd((uint32_t)p->n_ifaces)];
    const char *as = ns_add(&pkgs[0].names, xprintf("%s-%s", p->name, ifaces[src].name));
    char *path = foreign_path(src);
    emit("use %s as %s;\n", path, as);
    free(path);
    alias a = {as, src};
    VEC_PUSH(aliases, n_aliases, cap_aliases, a);
  }
}

static void root_split(void) {
  if (!dir_root || (out && file_bytes < file_size)) return;
  open_out(xprintf("%s/part-%03d.wit", dir_root, part_no));
  stats.files++;
  /* every comment before the header is package documentation, allowed in one file only */
  if (part_no == 0) emit("%s", header_comment);
  package_header(&pkgs[0], part_no == 0);
  if (part_no > 0) emit("%s", header_comment);
  part_no++;
  file_aliases();
}

static size_t parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0) die("bad size '%s'", s);
  if (*end == 'K' || *end == 'k') v *= 1024, end++;
  else if (*end == 'M' || *end == 'm') v *= 1024 * 1024, end++;
  else if (*end == 'G' || *end == 'g') v *= 1024.0 * 1024 * 1024, end++;
  if (*end) die("bad size '%s'", s);
  return (size_t)v;
}

int main(int argc, char **argv) {
  uint64_t seed = 1;
  size_t size = 1024 * 1024;
  const char *file = NULL;
  bool want_stats = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--seed") && v) seed = strtoull(v, NULL, 0), i++;
    else if (!strcmp(a, "--size") && v) size = parse_size(v), i++;
    else if (!strcmp(a, "--file-size") && v) file_size = parse_size(v), i++;
    else if (!strcmp(a, "-o") && v) file = v, i++;
    else if (!strcmp(a, "--dir") && v) dir_root = v, i++;
    else if (!strcmp(a, "--stats")) want_stats = true;
    else {
      fprintf(stderr,
              "usage: genwit [--seed N] [--size BYTES[K|M]] (-o FILE | --dir DIR) "
              "[--file-size BYTES[K|M]] [--stats]\n");
      return 2;
    }
  }
  if (!file == !dir_root) die("give exactly one of -o FILE and --dir DIR");
  if (file_size < 1024) file_size = 1024;
  rng_state = seed;

  /* the packages: the root, then dependencies (each may use the earlier ones) */
  static const struct { const char *name, *version; } dep_names[] = {
      {"io", "0.2.0"}, {"clocks", "0.2.1"}, {"util", NULL}, {"http", "0.3.0-rc.1"}};
  pkgs[n_pkgs++] = (pkg){"bench", "app", "1.0.0", NULL, 0, 0, {0}};
  for (size_t i = 0; i < NELEM(dep_names); i++)
    pkgs[n_pkgs++] = (pkg){"bench", dep_names[i].name, dep_names[i].version, NULL, 0, 0, {0}};
  size_t dep_bytes = size / 12 / (size_t)(n_pkgs - 1); /* about 8% in dependencies */

  if (file) {
    open_out(xprintf("%s", file));
    stats.files++;
    emit("%s", header_comment);
    package_header(&pkgs[0], true);
    for (int d = 1; d < n_pkgs; d++) {
      emit("\n");
      docs(0, 100);
      if (pkgs[d].version) emit("package %s:%s@%s {\n", pkgs[d].ns, pkgs[d].name, pkgs[d].version);
      else emit("package %s:%s {\n", pkgs[d].ns, pkgs[d].name);
      gen_dep_ifaces(d, 1, dep_bytes, NULL);
      if (d == n_pkgs - 1) gen_dep_world(d, 1);
      emit("}\n");
    }
    file_aliases();
  } else {
    make_dir(dir_root);
    char *deps = xprintf("%s/deps", dir_root);
    make_dir(deps);
    free(deps);
    for (int d = 1; d < n_pkgs; d++) {
      gen_dep_ifaces(d, 0, dep_bytes, dep_split);
      if (d == n_pkgs - 1) gen_dep_world(d, 0);
    }
    close_out();
  }

  /* the root: chains of interfaces, a world every third chain */
  int last_world_chain = -1;
  while (total_bytes < size) {
    chain ch = {n_ifaces, 0, chance(15)};
    int len = (int)between(4, 20);
    for (int k = 0; k < len && total_bytes < size; k++) {
      root_split();
      int id = new_iface(0, ch.async_ok);
      int prev[4], n_prev = 0;
      for (int j = k > 4 ? k - 4 : 0; j < k; j++) prev[n_prev++] = ch.first + j;
      gen_interface(id, 0, prev, n_prev, n_pkgs - 1);
      ch.len++;
    }
    VEC_PUSH(chains, n_chains, cap_chains, ch);
    if (n_chains % 3 == 0) {
      root_split();
      int imp[2] = {n_chains - 3, n_chains - 2};
      gen_world(0, NULL, imp, 2, n_chains - 1, chance(75));
      last_world_chain = n_chains - 1;
    }
  }
  (void)last_world_chain;

  /* bench-target: up to four chains imported and one exported, none async */
  int pick[5], n_pick = 0;
  for (int i = 0; i < n_chains && n_pick < 5; i++)
    if (!chains[i].async_ok) pick[n_pick++] = i;
  if (n_pick == 0) { /* every chain async (tiny outputs): add one more */
    chain ch = {n_ifaces, 1, false};
    root_split();
    int id = new_iface(0, false);
    gen_interface(id, 0, NULL, 0, n_pkgs - 1);
    VEC_PUSH(chains, n_chains, cap_chains, ch);
    pick[n_pick++] = n_chains - 1;
  }
  root_split();
  if (n_pick == 1) gen_world(0, "bench-target", pick, 1, -1, false);
  else gen_world(0, "bench-target", pick, n_pick - 1, pick[n_pick - 1], false);
  close_out();

  if (want_stats)
    fprintf(stderr,
            "genwit: seed %llu: %zu bytes in %ld file(s): %ld interfaces, %ld types, %ld "
            "functions, %ld worlds, %ld uses, %ld gates, %ld doc comments\n",
            (unsigned long long)seed, total_bytes, stats.files, stats.ifaces, stats.types,
            stats.funcs, stats.worlds, stats.uses, stats.gates, stats.docs);
  return 0;
}

/* resolve_pkg.c: per-package resolution, a port of wit-parser's SourceMap::parse splitting,
 * ast/resolve.rs (Resolver) and ast/toposort.rs.
 *
 * One resolver handles one package: the main package of the given files, or one nested
 * `package a:b { }` block. Its output arenas are filled in exactly the reference's order
 * (docs/resolve-json.md §5.2): foreign placeholders first, then the package's interfaces and
 * worlds in topological order, then the types created while resolving interfaces and then
 * worlds. Only the first error is reported, with the reference's text and span.
 *
 * Two rules the parser leaves in the tree are checked here, where the reference checks
 * them, so that the first error is the reference's: a package inside a nested one
 * (Resolver::push, before that nested package is resolved) and attributes on a top-level
 * `use` (the last pass of populate_ast_items, in item order with missing `use` targets).
 *
 * Recursion: only over type trees (resolve_type, collect_deps), which the parser caps at
 * 100 levels; a guard at TYPE_DEPTH_MAX turns deeper hand-built trees into an error. Both
 * topological sorts are iterative (Kahn's algorithm with a binary heap). */
#include "resolve_pkg.h"

#include <string.h>

#include "parse.h"

#define S(s) (int)(s).len, (s).ptr

enum { TYPE_DEPTH_MAX = 128 };

static const char FLOAT_HINT[] =
    "the `%.*s` type has been renamed to `%s` and is no longer accepted, but the "
    "`WIT_REQUIRE_F32_F64=0` environment variable can be used to temporarily disable this "
    "error";

/* ---- internal structures ------------------------------------------------------------ */

typedef witc_vec(witc_id) id_vec;

/* Gives an empty vec room for exactly n elements (witc_vec_reserve rounds up to a power of
 * two; the large arrays here have a known size). */
#define VEC_EXACT(a, v, n)                                                      \
  do {                                                                          \
    if ((n) > (v)->cap) {                                                       \
      (v)->items = witc_arena_alloc((a), sizeof(*(v)->items) * (size_t)(n));    \
      (v)->cap = (n);                                                           \
    }                                                                           \
  } while (0)

/* An interface or world of this package (wit-parser's AstItem). */
typedef struct item_ref {
  bool is_world;
  witc_id id;
} item_ref;

static uint32_t item_pack(item_ref it) { return it.id | (it.is_world ? 0x80000000u : 0); }
static item_ref item_unpack(uint32_t v) {
  return (item_ref){(v & 0x80000000u) != 0, v & 0x7fffffffu};
}

/* One entry of an interface or world name space (TypeOrItem plus span). */
typedef struct scope_entry {
  witc_str name;
  bool is_func; /* a freestanding function name, not a type */
  witc_id type;
  witc_span span;
} scope_entry;

/* An insertion-ordered name space (IndexMap<&str, (TypeOrItem, Span)>). */
typedef struct scope {
  witc_strmap index;
  witc_vec(scope_entry) entries;
} scope;

/* The top-level items of one file (or of one nested package block). */
typedef struct decl_list {
  witc_vec(const ast_item *) items;
} decl_list;

typedef struct pkg_resolver {
  witc_arena *arena;
  witc_source_map *map;
  witc_diags *diags;
  const char *context;
  witc_unresolved_package *pkg;

  bool has_name;
  bool has_docs;
  witc_vec(decl_list) decls;

  uint32_t cur; /* index into decls / file_items for path lookups */
  witc_vec(witc_strmap) file_items; /* per decl list: name -> packed item_ref */
  witc_strmap package_items;        /* name -> packed item_ref */

  witc_vec(scope) iface_scopes; /* parallel to pkg->interfaces */
  witc_vec(uint8_t) iface_foreign;
  scope lookup; /* the name space being built */

  witc_strmap dep_index;               /* formatted package name -> foreign_deps index */
  witc_vec(witc_strmap) dep_item_index; /* per dep: item name -> items index */

  witc_id *anon_slots; /* intern table of anonymous types (open addressing) */
  uint32_t anon_cap, anon_len;

  /* interface / world id -> its AST and decl list, filled after allocation */
  const ast_interface **iface_ast;
  const ast_world **world_ast;
  uint32_t *iface_file, *world_file;

  /* The types arena while resolving: segments that never move (so no growth copies of
   * the largest arena), flattened into pkg->types at the end. */
  witc_vec(witc_typedef *) segs;
  uint32_t ntypes;

  uint32_t *mark; /* per interface: (world stamp << 2) | imported 1 | exported 2 */
  uint32_t mark_len, stamp;

  /* Interned gates: key (see intern_stability) -> index into stabs. */
  witc_strmap stab_index;
  witc_vec(const witc_stability *) stabs;
} pkg_resolver;

/* ---- errors --------------------------------------------------------------------------- */

/* Reports the first (and only) error; always returns false so callers can `return fail(..)`. */
static bool fail(pkg_resolver *r, witc_span span, const char *fmt, ...) WITC_PRINTF(3, 4);
static bool fail(pkg_resolver *r, witc_span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = witc_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  witc_diags_error(r->diags, span, "%s", msg);
  if (r->diags->items.len) r->diags->items.items[r->diags->items.len - 1].context = r->context;
  return false;
}

/* ---- conversions ---------------------------------------------------------------------- */

/* The model's version text is NUL-terminated (the AST's is a slice of the source). */
static witc_version conv_version(pkg_resolver *r, const ast_version *v) {
  return (witc_version){v->major, v->minor,   v->patch,
                        v->pre,   v->build, witc_str_dup(r->arena, v->text)};
}

static witc_package_name conv_pkg_name(pkg_resolver *r, const ast_package_name *n) {
  witc_package_name out = {n->ns.name, n->name.name, n->has_version, {0}};
  if (n->has_version) out.version = conv_version(r, &n->version);
  return out;
}

/* The key of a foreign package: its formatted name ("ns:name@1.2.3"). */
static witc_str dep_key(pkg_resolver *r, const ast_package_name *n) {
  const char *k = n->has_version
                      ? witc_arena_printf(r->arena, "%.*s:%.*s@%.*s", S(n->ns.name), S(n->name.name),
                                          S(n->version.text))
                      : witc_arena_printf(r->arena, "%.*s:%.*s", S(n->ns.name), S(n->name.name));
  return witc_str_c(k);
}

/* ---- scopes --------------------------------------------------------------------------- */

static scope_entry *scope_get(scope *s, witc_str name) {
  uint32_t idx = 0;
  if (!witc_strmap_get(&s->index, name, &idx)) return NULL;
  return &s->entries.items[idx];
}

/* Inserts a new name; returns false (and changes nothing) when it is already present. */
static bool scope_put(pkg_resolver *r, scope *s, scope_entry e) {
  if (!witc_strmap_put(&s->index, r->arena, e.name, s->entries.len, NULL)) return false;
  witc_vec_push(r->arena, &s->entries, e);
  return true;
}

/* define_interface_name: one name space for types and freestanding functions. */
static bool define_name(pkg_resolver *r, const ast_id *name, bool is_func, witc_id type) {
  scope_entry e = {name->name, is_func, type, name->span};
  if (!scope_put(r, &r->lookup, e))
    return fail(r, name->span, "name `%.*s` is defined more than once", S(name->name));
  return true;
}

static void iface_add_type(pkg_resolver *r, witc_id iface, witc_str name, witc_id type) {
  witc_interface *it = &r->pkg->interfaces.items[iface];
  if (!witc_strmap_put(&it->type_index, r->arena, name, it->types.len, NULL)) return;
  witc_vec_push(r->arena, &it->types, ((witc_named_id){name, type}));
}

/* A set of names that stays a short array while small: most functions have a few
 * parameters and most resources a few methods, and a map per function would cost far
 * more memory than the names themselves. */
enum { NAME_SET_SMALL = 8 };

typedef struct name_set {
  witc_str small[NAME_SET_SMALL];
  uint32_t n;
  witc_strmap map; /* all names once n reaches NAME_SET_SMALL */
} name_set;

/* Adds `name`; returns false when it was already present. */
static bool name_set_add(pkg_resolver *r, name_set *s, witc_str name) {
  if (s->n >= NAME_SET_SMALL) return witc_strmap_put(&s->map, r->arena, name, 0, NULL);
  for (uint32_t i = 0; i < s->n; i++)
    if (witc_str_eq(s->small[i], name)) return false;
  s->small[s->n++] = name;
  if (s->n == NAME_SET_SMALL)
    for (uint32_t i = 0; i < s->n; i++) witc_strmap_put(&s->map, r->arena, s->small[i], 0, NULL);
  return true;
}

/* ---- attributes ----------------------------------------------------------------------- */

/* Skips whitespace and (nested) comments in `t` from `i`. */
static uint32_t skip_trivia(const char *t, uint32_t n, uint32_t i) {
  while (i < n) {
    if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
      i++;
    } else if (t[i] == '/' && i + 1 < n && t[i + 1] == '/') {
      while (i < n && t[i] != '\n') i++;
    } else if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
      uint32_t depth = 0;
      while (i < n) {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
          depth++, i += 2;
        } else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          i++;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

/* The reference reports gate errors at the attribute's name (`since` in `@since(..)`),
 * which ast_attr does not record: find it after the '@'. */
static witc_span attr_name_span(pkg_resolver *r, const ast_attr *a) {
  static const uint32_t lens[] = {[AST_ATTR_SINCE] = 5, [AST_ATTR_UNSTABLE] = 8,
                                  [AST_ATTR_DEPRECATED] = 10, [AST_ATTR_EXTERNAL_ID] = 11};
  witc_span sp = a->span;
  if (witc_span_is_none(sp)) return sp;
  const witc_source_file *f = witc_source_map_file(r->map, sp.start);
  if (!f || f->text[sp.start - f->base] != '@') return sp;
  uint32_t i = skip_trivia(f->text, f->len, sp.start - f->base + 1);
  return (witc_span){f->base + i, f->base + i + lens[a->kind]};
}

/* The shared arena copy of a gate (NULL for none): one per distinct gate in the package,
 * keyed by kind, the since/feature text and the deprecated version text. */
static const witc_stability *intern_stability(pkg_resolver *r, const witc_stability *s) {
  if (s->kind == WITC_STAB_UNKNOWN) return NULL;
  witc_str a = s->kind == WITC_STAB_STABLE ? s->since.text : s->feature;
  witc_str d = s->has_deprecated ? s->deprecated.text : WITC_STR_NONE;
  size_t n = 4 + (size_t)a.len + d.len;
  char *k = witc_arena_alloc(r->arena, n);
  size_t at = 0;
  k[at++] = s->kind == WITC_STAB_STABLE ? 'S' : 'U';
  if (a.len) memcpy(k + at, a.ptr, a.len);
  at += a.len;
  k[at++] = '\n';
  k[at++] = s->has_deprecated ? 'D' : '-';
  if (d.len) memcpy(k + at, d.ptr, d.len);
  at += d.len;
  witc_str key = {k, (uint32_t)at};
  uint32_t i = 0;
  if (witc_strmap_get(&r->stab_index, key, &i)) return r->stabs.items[i];
  witc_stability *copy = witc_arena_alloc(r->arena, sizeof *copy);
  *copy = *s;
  witc_strmap_put(&r->stab_index, r->arena, key, r->stabs.len, NULL);
  witc_vec_push(r->arena, &r->stabs, (const witc_stability *)copy);
  return copy;
}

/* Turns @since/@unstable/@deprecated into a Stability (wit-parser's `stability`), interned
 * (NULL: no gate). Spans are the attribute names', as the reference reports them. */
static bool get_stability(pkg_resolver *r, const ast_attrs *attrs, const witc_stability **res) {
  const ast_attr *since = NULL, *unstable = NULL, *deprecated = NULL;
  witc_stability gate;
  witc_stability *out = &gate;
  memset(out, 0, sizeof *out);
  *res = NULL;
  for (uint32_t i = 0; i < attrs->len; i++) {
    const ast_attr *a = &attrs->items[i];
    switch (a->kind) {
    case AST_ATTR_SINCE:
      if (since) return fail(r, attr_name_span(r, a), "cannot specify @since twice");
      since = a;
      break;
    case AST_ATTR_UNSTABLE:
      if (unstable) return fail(r, attr_name_span(r, a), "cannot specify @unstable twice");
      unstable = a;
      break;
    case AST_ATTR_DEPRECATED:
      if (deprecated) return fail(r, attr_name_span(r, a), "cannot specify @deprecated twice");
      deprecated = a;
      break;
    case AST_ATTR_EXTERNAL_ID:
      break; /* checked by get_external_id */
    }
  }
  if (since && unstable)
    return fail(r, attr_name_span(r, since), "cannot specify both @since and @unstable");
  if (since) {
    out->kind = WITC_STAB_STABLE;
    out->since = conv_version(r, &since->version);
  } else if (unstable) {
    out->kind = WITC_STAB_UNSTABLE;
    out->feature = unstable->feature.name;
  } else if (deprecated) {
    /* The reference's text, verbatim (it reads oddly). */
    return fail(r, attr_name_span(r, deprecated),
                "cannot specify both @deprecated without @since or @unstable");
  }
  if (deprecated) {
    out->has_deprecated = true;
    out->deprecated = conv_version(r, &deprecated->version);
  }
  *res = intern_stability(r, out);
  return true;
}

/* The @external-id("...") of an item, absent when none; at most one is allowed. */
static bool get_external_id(pkg_resolver *r, const ast_attrs *attrs, witc_str *out) {
  *out = WITC_STR_NONE;
  for (uint32_t i = 0; i < attrs->len; i++) {
    const ast_attr *a = &attrs->items[i];
    if (a->kind != AST_ATTR_EXTERNAL_ID) continue;
    if (out->ptr) return fail(r, attr_name_span(r, a), "cannot specify @external-id twice");
    *out = a->string.ptr ? a->string : (witc_str){"", 0};
  }
  return true;
}

/* ---- arena allocation ----------------------------------------------------------------- */

static witc_id alloc_interface(pkg_resolver *r, witc_span span, bool foreign) {
  witc_interface it;
  memset(&it, 0, sizeof it);
  it.name = WITC_STR_NONE;
  it.docs = WITC_STR_NONE;
  it.package = foreign ? WITC_ID_NONE : 0; /* 0: this package; resolve.c assigns the id */
  it.clone_of = WITC_ID_NONE;
  it.span = span;
  witc_id id = r->pkg->interfaces.len;
  witc_vec_push(r->arena, &r->pkg->interfaces, it);
  witc_vec_push(r->arena, &r->iface_scopes, ((scope){{0}, {0}}));
  witc_vec_push(r->arena, &r->iface_foreign, (uint8_t)foreign);
  return id;
}

static witc_id alloc_world(pkg_resolver *r, witc_span span, bool foreign) {
  witc_world w;
  memset(&w, 0, sizeof w);
  w.name = (witc_str){"", 0};
  w.docs = WITC_STR_NONE;
  w.package = foreign ? WITC_ID_NONE : 0;
  w.span = span;
  witc_id id = r->pkg->worlds.len;
  witc_vec_push(r->arena, &r->pkg->worlds, w);
  return id;
}

/* Segment k holds SEG_FIRST << k types up to SEG_MAX; then SEG_MAX each. */
enum { SEG_FIRST = 16, SEG_MAX = 4096, SEG_GROWING = 9, SEG_GROWING_TOTAL = 8176 };

static void seg_locate(witc_id id, uint32_t *seg, uint32_t *off, uint32_t *size) {
  if (id < SEG_GROWING_TOTAL) {
    uint32_t q = id / SEG_FIRST + 1, k = 0;
    while (q >> (k + 1)) k++;
    *seg = k, *off = id - SEG_FIRST * ((1u << k) - 1), *size = SEG_FIRST << k;
  } else {
    *seg = SEG_GROWING + (id - SEG_GROWING_TOTAL) / SEG_MAX;
    *off = (id - SEG_GROWING_TOTAL) % SEG_MAX, *size = SEG_MAX;
  }
}

static witc_typedef *type_at(pkg_resolver *r, witc_id id) {
  uint32_t seg, off, size;
  seg_locate(id, &seg, &off, &size);
  return &r->segs.items[seg][off];
}

static witc_id alloc_type(pkg_resolver *r, const witc_typedef *td) {
  witc_id id = r->ntypes;
  uint32_t seg, off, size;
  seg_locate(id, &seg, &off, &size);
  if (off == 0) witc_vec_push(r->arena, &r->segs, witc_arena_alloc(r->arena, sizeof *td * size));
  r->segs.items[seg][off] = *td;
  r->ntypes++;
  return id;
}

/* Moves the types into the package, in one block of the exact size. */
static void flatten_types(pkg_resolver *r) {
  VEC_EXACT(r->arena, &r->pkg->types, r->ntypes);
  for (uint32_t id = 0; id < r->ntypes;) {
    uint32_t seg, off, size;
    seg_locate(id, &seg, &off, &size);
    uint32_t n = r->ntypes - id < size ? r->ntypes - id : size;
    memcpy(r->pkg->types.items + id, r->segs.items[seg], sizeof(witc_typedef) * n);
    id += n;
  }
  r->pkg->types.len = r->ntypes;
}

static witc_typedef typedef_blank(void) {
  witc_typedef td;
  memset(&td, 0, sizeof td);
  td.name = WITC_STR_NONE;
  td.docs = WITC_STR_NONE;
  td.external_id = WITC_STR_NONE;
  td.owner = (witc_owner){WITC_OWNER_NONE, WITC_ID_NONE};
  return td;
}

/* ---- walking every use-path (DeclList::for_each_path) ---------------------------------- */

typedef enum woi { WOI_INTERFACE, WOI_WORLD, WOI_UNKNOWN } woi;

/* owner: the interface whose `use` this is, or the world an `include` is in (NULL for
 * world-level uses, imports/exports and uses in inline interfaces). use: the statement for
 * `use` paths (it has names), NULL otherwise. */
typedef bool (*path_visit)(pkg_resolver *r, const ast_id *owner, const ast_attrs *attrs,
                           const ast_use_path *path, const ast_use *use, woi kind, void *ud);

static bool visit_iface_uses(pkg_resolver *r, const ast_id *owner, const ast_iface_items *items,
                             path_visit f, void *ud) {
  for (uint32_t i = 0; i < items->len; i++) {
    const ast_iface_item *it = &items->items[i];
    if (it->kind != AST_II_USE) continue;
    const ast_use *u = it->u.use;
    if (!f(r, owner, &u->attrs, &u->path, u, WOI_INTERFACE, ud)) return false;
  }
  return true;
}

static bool visit_extern(pkg_resolver *r, const ast_world_item *wi, path_visit f, void *ud) {
  const ast_extern *e = wi->u.ext;
  switch (e->kind) {
  case AST_EXTERN_INTERFACE:
    return visit_iface_uses(r, NULL, &e->items, f, ud);
  case AST_EXTERN_PATH:
  case AST_EXTERN_NAMED:
    return f(r, NULL, &wi->attrs, &e->path, NULL, WOI_INTERFACE, ud);
  case AST_EXTERN_FUNC:
    break;
  }
  return true;
}

/* Visits paths in the reference's order: items in source order; inside a world its `use`
 * and `include` paths as met, then all imports, then all exports. */
static bool for_each_path(pkg_resolver *r, const decl_list *dl, path_visit f, void *ud) {
  for (uint32_t i = 0; i < dl->items.len; i++) {
    const ast_item *item = dl->items.items[i];
    switch (item->kind) {
    case AST_ITEM_WORLD: {
      const ast_world *w = item->u.world;
      for (uint32_t j = 0; j < w->items.len; j++) {
        const ast_world_item *wi = &w->items.items[j];
        if (wi->kind == AST_WI_USE) {
          const ast_use *u = wi->u.use;
          if (!f(r, NULL, &u->attrs, &u->path, u, WOI_INTERFACE, ud)) return false;
        } else if (wi->kind == AST_WI_INCLUDE) {
          const ast_include *inc = wi->u.include;
          if (!f(r, &w->name, &inc->attrs, &inc->path, NULL, WOI_WORLD, ud)) return false;
        }
      }
      for (int pass = 0; pass < 2; pass++) {
        ast_world_item_kind want = pass ? AST_WI_EXPORT : AST_WI_IMPORT;
        for (uint32_t j = 0; j < w->items.len; j++) {
          const ast_world_item *wi = &w->items.items[j];
          if (wi->kind == want && !visit_extern(r, wi, f, ud)) return false;
        }
      }
      break;
    }
    case AST_ITEM_INTERFACE: {
      const ast_interface *it = item->u.iface;
      if (!visit_iface_uses(r, &it->name, &it->items, f, ud)) return false;
      break;
    }
    case AST_ITEM_USE:
      /* A top-level use may name an interface or a world: the resolver decides later. Its
       * attributes go along, as in the reference (they are refused later, in
       * populate_ast_items). */
      if (!f(r, NULL, &item->u.use->attrs, &item->u.use->path, NULL, WOI_UNKNOWN, ud))
        return false;
      break;
    case AST_ITEM_PACKAGE:
      break; /* split off (or refused) before resolution */
    }
  }
  return true;
}

/* ---- foreign dependencies -------------------------------------------------------------- */

static bool foreign_dep_visit(pkg_resolver *r, const ast_id *owner, const ast_attrs *attrs,
                              const ast_use_path *path, const ast_use *use, woi kind, void *ud) {
  (void)owner, (void)use, (void)ud;
  if (!path->is_package) return true;
  const witc_stability *stab;
  /* The reference unwraps here (a bad gate on a foreign path panics); report it instead. */
  if (!get_stability(r, attrs, &stab)) return false;

  witc_unresolved_package *pkg = r->pkg;
  witc_str key = dep_key(r, &path->pkg);
  uint32_t di = 0;
  if (!witc_strmap_get(&r->dep_index, key, &di)) {
    di = pkg->foreign_deps.len;
    witc_foreign_dep dep;
    memset(&dep, 0, sizeof dep);
    dep.name = conv_pkg_name(r, &path->pkg);
    dep.span = path->pkg.span;
    witc_vec_push(r->arena, &pkg->foreign_deps, dep);
    witc_vec_push(r->arena, &r->dep_item_index, ((witc_strmap){0}));
    witc_strmap_put(&r->dep_index, r->arena, key, di, NULL);
  }
  uint32_t ii = 0;
  if (!witc_strmap_get(&r->dep_item_index.items[di], path->name.name, &ii)) {
    witc_foreign_item fi;
    memset(&fi, 0, sizeof fi);
    fi.name = path->name.name;
    fi.is_world = kind == WOI_WORLD;
    fi.id = fi.is_world ? alloc_world(r, path->name.span, true)
                        : alloc_interface(r, path->name.span, true);
    fi.span = path->name.span;
    witc_foreign_dep *dep = &pkg->foreign_deps.items[di];
    ii = dep->items.len;
    witc_vec_push(r->arena, &dep->items, fi);
    witc_strmap_put(&r->dep_item_index.items[di], r->arena, path->name.name, ii, NULL);
  }
  witc_foreign_item *fi = &pkg->foreign_deps.items[di].items.items[ii];
  witc_vec_push(r->arena, &fi->stabilities, stab);
  return true;
}

static bool populate_foreign_deps(pkg_resolver *r) {
  for (uint32_t i = 0; i < r->decls.len; i++)
    if (!for_each_path(r, &r->decls.items[i], foreign_dep_visit, NULL)) return false;
  return true;
}

/* The placeholder a foreign path refers to (it exists: populate_foreign_deps made it). */
static item_ref foreign_item_of(pkg_resolver *r, const ast_use_path *path) {
  witc_str key = dep_key(r, &path->pkg);
  uint32_t di = 0, ii = 0;
  witc_strmap_get(&r->dep_index, key, &di);
  witc_strmap_get(&r->dep_item_index.items[di], path->name.name, &ii);
  const witc_foreign_item *fi = &r->pkg->foreign_deps.items[di].items.items[ii];
  return (item_ref){fi->is_world, fi->id};
}

/* ---- topological sort (toposort.rs) --------------------------------------------------- */

typedef struct topo_node {
  witc_vec(ast_id) edges; /* names this node depends on, with the spans that named them */
} topo_node;

static void heap_push(uint32_t *heap, uint32_t *n, uint32_t v) {
  uint32_t i = (*n)++;
  heap[i] = v;
  while (i > 0) {
    uint32_t p = (i - 1) / 2;
    if (heap[p] <= heap[i]) break;
    uint32_t t = heap[p];
    heap[p] = heap[i], heap[i] = t;
    i = p;
  }
}

static uint32_t heap_pop(uint32_t *heap, uint32_t *n) {
  uint32_t top = heap[0];
  heap[0] = heap[--*n];
  for (uint32_t i = 0;;) {
    uint32_t l = 2 * i + 1, rr = l + 1, m = i;
    if (l < *n && heap[l] < heap[m]) m = l;
    if (rr < *n && heap[rr] < heap[m]) m = rr;
    if (m == i) break;
    uint32_t t = heap[m];
    heap[m] = heap[i], heap[i] = t;
    i = m;
  }
  return top;
}

static bool topo_missing(pkg_resolver *r, const char *kind, const ast_id *edge) {
  if (!strcmp(kind, "type") && (witc_str_eq_c(edge->name, "float32") ||
                                witc_str_eq_c(edge->name, "float64"))) {
    const char *repl = witc_str_eq_c(edge->name, "float32") ? "f32" : "f64";
    char *hint = witc_arena_printf(r->arena, FLOAT_HINT, S(edge->name), repl);
    return fail(r, edge->span, "%s `%.*s` does not exist\n%s", kind, S(edge->name), hint);
  }
  return fail(r, edge->span, "%s `%.*s` does not exist", kind, S(edge->name));
}

/* Kahn's algorithm; among ready nodes the one inserted first goes first. `index` maps names
 * to node indices. Writes the order of all n nodes into `order`. */
static bool toposort(pkg_resolver *r, const char *kind, const witc_strmap *index,
                     const topo_node *nodes, uint32_t n, uint32_t *order) {
  if (!n) return true;
  uint32_t *remaining = witc_arena_alloc(r->arena, sizeof(uint32_t) * n);
  uint32_t *rev_start = witc_arena_alloc(r->arena, sizeof(uint32_t) * (n + 1));
  uint32_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    remaining[i] = nodes[i].edges.len;
    for (uint32_t e = 0; e < nodes[i].edges.len; e++) {
      uint32_t j = 0;
      if (!witc_strmap_get(index, nodes[i].edges.items[e].name, &j))
        return topo_missing(r, kind, &nodes[i].edges.items[e]);
      rev_start[j + 1]++;
      total++;
    }
  }
  for (uint32_t i = 0; i < n; i++) rev_start[i + 1] += rev_start[i];
  uint32_t *rev = witc_arena_alloc(r->arena, sizeof(uint32_t) * (total ? total : 1));
  uint32_t *fill = witc_arena_alloc(r->arena, sizeof(uint32_t) * n);
  for (uint32_t i = 0; i < n; i++) fill[i] = rev_start[i];
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t e = 0; e < nodes[i].edges.len; e++) {
      uint32_t j = 0;
      witc_strmap_get(index, nodes[i].edges.items[e].name, &j);
      rev[fill[j]++] = i;
    }

  uint32_t *heap = witc_arena_alloc(r->arena, sizeof(uint32_t) * n);
  uint32_t hn = 0, done = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!remaining[i]) heap_push(heap, &hn, i);
  while (hn) {
    uint32_t i = heap_pop(heap, &hn);
    order[done++] = i;
    for (uint32_t k = rev_start[i]; k < rev_start[i + 1]; k++)
      if (--remaining[rev[k]] == 0) heap_push(heap, &hn, rev[k]);
  }
  if (done == n) return true;

  /* A cycle: report the first unfinished node's first edge into another unfinished one. */
  for (uint32_t i = 0; i < n; i++) {
    if (!remaining[i]) continue;
    for (uint32_t e = 0; e < nodes[i].edges.len; e++) {
      const ast_id *edge = &nodes[i].edges.items[e];
      uint32_t j = 0;
      witc_strmap_get(index, edge->name, &j);
      if (!remaining[j]) continue;
      return fail(r, edge->span, "%s `%.*s` depends on itself", kind, S(edge->name));
    }
  }
  return fail(r, WITC_SPAN_NONE, "%s cycle", kind); /* unreachable */
}

/* ---- the package's interfaces and worlds (populate_ast_items) -------------------------- */


/* The file name space entry: where a top-level name points (a local declaration or the
 * target of a top-level `use`, or a foreign item). */
typedef struct ns_entry {
  bool foreign;
  ast_id target;
} ns_entry;

typedef struct edge_ctx {
  witc_strmap *pkg_names; /* name -> decl index */
  witc_strmap *ns_index;  /* this file: name -> ns entry index */
  ns_entry *ns;
  topo_node *nodes;
} edge_ctx;

static bool edge_visit(pkg_resolver *r, const ast_id *owner, const ast_attrs *attrs,
                       const ast_use_path *path, const ast_use *use, woi kind, void *ud) {
  (void)attrs, (void)use, (void)kind;
  edge_ctx *c = ud;
  if (!owner || path->is_package) return true; /* worlds' imports etc. add no edges */
  uint32_t owner_idx = 0;
  witc_strmap_get(c->pkg_names, owner->name, &owner_idx);
  topo_node *node = &c->nodes[owner_idx];
  uint32_t k = 0;
  if (witc_strmap_get(c->ns_index, path->name.name, &k)) {
    if (c->ns[k].foreign) return true;
    witc_vec_push(r->arena, &node->edges, c->ns[k].target);
    return true;
  }
  if (witc_strmap_get(c->pkg_names, path->name.name, &k)) {
    witc_vec_push(r->arena, &node->edges, path->name);
    return true;
  }
  return fail(r, path->name.span, "interface or world `%.*s` does not exist", S(path->name.name));
}

static const ast_id *decl_name(const ast_item *it) {
  return it->kind == AST_ITEM_INTERFACE ? &it->u.iface->name : &it->u.world->name;
}

static bool populate_ast_items(pkg_resolver *r, id_vec *iface_order, id_vec *world_order) {
  witc_vec(const ast_item *) decls = {0}; /* interfaces and worlds, declaration order */
  witc_strmap pkg_names = {0};

  /* Interface and world names are unique across the whole package. */
  for (uint32_t f = 0; f < r->decls.len; f++) {
    const decl_list *dl = &r->decls.items[f];
    for (uint32_t i = 0; i < dl->items.len; i++) {
      const ast_item *it = dl->items.items[i];
      if (it->kind != AST_ITEM_INTERFACE && it->kind != AST_ITEM_WORLD) continue;
      const ast_id *name = decl_name(it);
      if (!witc_strmap_put(&pkg_names, r->arena, name->name, decls.len, NULL))
        return fail(r, name->span, "duplicate item named `%.*s`", S(name->name));
      witc_vec_push(r->arena, &decls, it);
    }
  }

  /* Dependencies between them, induced by `use` in interfaces and `include` in worlds. */
  topo_node *nodes = witc_arena_alloc(r->arena, sizeof(topo_node) * (decls.len + 1));
  for (uint32_t f = 0; f < r->decls.len; f++) {
    const decl_list *dl = &r->decls.items[f];
    witc_strmap ns_index = {0};
    ns_entry *ns = witc_arena_alloc(r->arena, sizeof(ns_entry) * (dl->items.len + 1));
    uint32_t nns = 0;
    for (uint32_t i = 0; i < dl->items.len; i++) {
      const ast_item *it = dl->items.items[i];
      const ast_id *name;
      ns_entry e = {false, {{0}, {0, 0}}};
      if (it->kind == AST_ITEM_USE) {
        const ast_toplevel_use *u = it->u.use;
        name = u->has_as ? &u->as : &u->path.name;
        e.foreign = u->path.is_package;
        e.target = u->path.name;
      } else if (it->kind == AST_ITEM_INTERFACE || it->kind == AST_ITEM_WORLD) {
        name = decl_name(it);
        e.target = *name;
      } else {
        continue;
      }
      if (!witc_strmap_put(&ns_index, r->arena, name->name, nns, NULL))
        return fail(r, name->span, "duplicate name `%.*s` in this file", S(name->name));
      ns[nns++] = e;
    }
    edge_ctx c = {&pkg_names, &ns_index, ns, nodes};
    if (!for_each_path(r, dl, edge_visit, &c)) return false;
  }

  uint32_t *order = witc_arena_alloc(r->arena, sizeof(uint32_t) * (decls.len + 1));
  if (!toposort(r, "interface or world", &pkg_names, nodes, decls.len, order)) return false;

  /* Allocate in that order. */
  witc_strmap ids = {0};
  for (uint32_t k = 0; k < decls.len; k++) {
    const ast_item *d = decls.items[order[k]];
    const ast_id *name = decl_name(d);
    item_ref ref = {false, WITC_ID_NONE};
    if (d->kind == AST_ITEM_INTERFACE) {
      ref = (item_ref){false, alloc_interface(r, name->span, false)};
      r->pkg->interfaces.items[ref.id].name = name->name;
      witc_vec_push(r->arena, iface_order, ref.id);
    } else {
      ref = (item_ref){true, alloc_world(r, name->span, false)};
      r->pkg->worlds.items[ref.id].name = name->name;
      witc_vec_push(r->arena, world_order, ref.id);
    }
    witc_strmap_put(&ids, r->arena, name->name, item_pack(ref), NULL);
  }

  /* Record what each file's top-level names point at. */
  uint32_t niface = r->pkg->interfaces.len, nworld = r->pkg->worlds.len;
  r->iface_ast = witc_arena_alloc(r->arena, sizeof(*r->iface_ast) * (niface + 1));
  r->iface_file = witc_arena_alloc(r->arena, sizeof(uint32_t) * (niface + 1));
  r->world_ast = witc_arena_alloc(r->arena, sizeof(*r->world_ast) * (nworld + 1));
  r->world_file = witc_arena_alloc(r->arena, sizeof(uint32_t) * (nworld + 1));
  for (uint32_t f = 0; f < r->decls.len; f++) {
    const decl_list *dl = &r->decls.items[f];
    witc_strmap items = {0};
    for (uint32_t i = 0; i < dl->items.len; i++) {
      const ast_item *it = dl->items.items[i];
      const ast_id *name;
      item_ref ref = {false, WITC_ID_NONE};
      uint32_t v = 0;
      if (it->kind == AST_ITEM_USE) {
        const ast_toplevel_use *u = it->u.use;
        /* The reference underlines the `use` keyword (ToplevelUse::span). */
        if (u->attrs.len)
          return fail(r, (witc_span){u->span.start, u->span.start + 3},
                      "attributes not allowed on top-level use");
        name = u->has_as ? &u->as : &u->path.name;
        if (u->path.is_package) {
          ref = foreign_item_of(r, &u->path);
        } else {
          if (!witc_strmap_get(&ids, u->path.name.name, &v))
            return fail(r, u->path.name.span, "interface or world `%.*s` does not exist",
                        S(u->path.name.name));
          ref = item_unpack(v);
        }
      } else if (it->kind == AST_ITEM_INTERFACE || it->kind == AST_ITEM_WORLD) {
        name = decl_name(it);
        witc_strmap_get(&ids, name->name, &v);
        ref = item_unpack(v);
        if (ref.is_world) {
          r->world_ast[ref.id] = it->u.world;
          r->world_file[ref.id] = f;
        } else {
          r->iface_ast[ref.id] = it->u.iface;
          r->iface_file[ref.id] = f;
        }
        witc_strmap_put(&r->package_items, r->arena, name->name, item_pack(ref), NULL);
      } else {
        continue;
      }
      witc_strmap_put(&items, r->arena, name->name, item_pack(ref), NULL);
    }
    witc_vec_push(r->arena, &r->file_items, items);
  }
  return true;
}

/* ---- path lookups --------------------------------------------------------------------- */

/* resolve_ast_item_path: what a use-path names, in the current file's scope. `span` gets
 * the span of the interface/world name in the path. */
static bool resolve_item_path(pkg_resolver *r, const ast_use_path *path, item_ref *out) {
  if (path->is_package) {
    *out = foreign_item_of(r, path);
    return true;
  }
  uint32_t v = 0;
  if (witc_strmap_get(&r->file_items.items[r->cur], path->name.name, &v) ||
      witc_strmap_get(&r->package_items, path->name.name, &v)) {
    *out = item_unpack(v);
    return true;
  }
  return fail(r, path->name.span, "interface or world `%.*s` does not exist", S(path->name.name));
}

static bool extract_iface(pkg_resolver *r, item_ref it, const ast_use_path *path, witc_id *out) {
  if (it.is_world)
    return fail(r, path->name.span, "name `%.*s` is defined as a world, not an interface",
                S(path->name.name));
  *out = it.id;
  return true;
}

static bool extract_world(pkg_resolver *r, item_ref it, const ast_use_path *path, witc_id *out) {
  if (!it.is_world)
    return fail(r, path->name.span, "name `%.*s` is defined as an interface, not a world",
                S(path->name.name));
  *out = it.id;
  return true;
}

static bool resolve_iface_path(pkg_resolver *r, const ast_use_path *path, witc_id *out) {
  item_ref it = {false, WITC_ID_NONE};
  return resolve_item_path(r, path, &it) && extract_iface(r, it, path, out);
}

/* ---- placeholder types for names used from foreign interfaces -------------------------- */

static bool foreign_type_visit(pkg_resolver *r, const ast_id *owner, const ast_attrs *attrs,
                               const ast_use_path *path, const ast_use *use, woi kind, void *ud) {
  (void)owner, (void)kind, (void)ud;
  if (!use) return true;
  const witc_stability *stab;
  if (!get_stability(r, attrs, &stab)) return false;
  witc_id iface = WITC_ID_NONE;
  if (!resolve_iface_path(r, path, &iface)) return false;
  if (!r->iface_foreign.items[iface]) return true;
  for (uint32_t i = 0; i < use->names.len; i++) {
    const ast_id *name = &use->names.items[i].name;
    if (scope_get(&r->iface_scopes.items[iface], name->name)) continue;
    witc_typedef td = typedef_blank();
    td.name = name->name;
    td.kind = WITC_TD_UNKNOWN;
    td.owner = (witc_owner){WITC_OWNER_INTERFACE, iface};
    td.stability = stab;
    td.span = name->span;
    witc_id id = alloc_type(r, &td);
    scope_put(r, &r->iface_scopes.items[iface], ((scope_entry){name->name, false, id, name->span}));
    iface_add_type(r, iface, name->name, id);
  }
  return true;
}

static bool populate_foreign_types(pkg_resolver *r) {
  for (uint32_t i = 0; i < r->decls.len; i++) {
    r->cur = i;
    if (!for_each_path(r, &r->decls.items[i], foreign_type_visit, NULL)) return false;
  }
  return true;
}

/* ---- anonymous type interning --------------------------------------------------------- */

static uint32_t hash_type(uint32_t h, witc_type t) {
  h = (h ^ (uint32_t)t.tag) * 16777619u;
  if (t.tag == WITC_T_ID) h = (h ^ t.id) * 16777619u;
  return h;
}

static uint32_t anon_hash(const witc_typedef *td) {
  uint32_t h = (2166136261u ^ (uint32_t)td->kind) * 16777619u;
  switch (td->kind) {
  case WITC_TD_HANDLE:
    h = (h ^ td->u.handle.resource) * 16777619u;
    return (h ^ (uint32_t)td->u.handle.borrow) * 16777619u;
  case WITC_TD_LIST:
  case WITC_TD_OPTION:
  case WITC_TD_FUTURE:
  case WITC_TD_STREAM:
    return hash_type(h, td->u.type);
  case WITC_TD_MAP:
    return hash_type(hash_type(h, td->u.map.key), td->u.map.value);
  case WITC_TD_FIXED_LIST:
    return (hash_type(h, td->u.fixed.elem) ^ td->u.fixed.size) * 16777619u;
  case WITC_TD_RESULT:
    return hash_type(hash_type(h, td->u.result.ok), td->u.result.err);
  case WITC_TD_TUPLE:
    for (uint32_t i = 0; i < td->u.tuple.len; i++) h = hash_type(h, td->u.tuple.items[i]);
    return (h ^ td->u.tuple.len) * 16777619u;
  default:
    return h;
  }
}

static bool anon_eq(const witc_typedef *a, const witc_typedef *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case WITC_TD_HANDLE:
    return a->u.handle.borrow == b->u.handle.borrow &&
           a->u.handle.resource == b->u.handle.resource;
  case WITC_TD_LIST:
  case WITC_TD_OPTION:
  case WITC_TD_FUTURE:
  case WITC_TD_STREAM:
    return witc_type_eq(a->u.type, b->u.type);
  case WITC_TD_MAP:
    return witc_type_eq(a->u.map.key, b->u.map.key) &&
           witc_type_eq(a->u.map.value, b->u.map.value);
  case WITC_TD_FIXED_LIST:
    return witc_type_eq(a->u.fixed.elem, b->u.fixed.elem) && a->u.fixed.size == b->u.fixed.size;
  case WITC_TD_RESULT:
    return witc_type_eq(a->u.result.ok, b->u.result.ok) &&
           witc_type_eq(a->u.result.err, b->u.result.err);
  case WITC_TD_TUPLE:
    if (a->u.tuple.len != b->u.tuple.len) return false;
    for (uint32_t i = 0; i < a->u.tuple.len; i++)
      if (!witc_type_eq(a->u.tuple.items[i], b->u.tuple.items[i])) return false;
    return true;
  default:
    return false;
  }
}

static void anon_grow(pkg_resolver *r) {
  uint32_t ncap = r->anon_cap ? r->anon_cap * 2 : 64;
  witc_id *slots = witc_arena_alloc(r->arena, sizeof(witc_id) * ncap);
  memset(slots, 0xff, sizeof(witc_id) * ncap);
  for (uint32_t i = 0; i < r->anon_cap; i++) {
    witc_id id = r->anon_slots[i];
    if (id == WITC_ID_NONE) continue;
    uint32_t k = anon_hash(type_at(r, id)) & (ncap - 1);
    while (slots[k] != WITC_ID_NONE) k = (k + 1) & (ncap - 1);
    slots[k] = id;
  }
  r->anon_slots = slots;
  r->anon_cap = ncap;
}

/* anon_type_def: plain references and `own<T>` are not types of their own; everything else
 * is created once per package and shared. */
static witc_type anon_type(pkg_resolver *r, const witc_typedef *td) {
  if (td->kind == WITC_TD_TYPE) return td->u.type;
  if (td->kind == WITC_TD_HANDLE && !td->u.handle.borrow)
    return witc_type_id(td->u.handle.resource);
  if ((r->anon_len + 1) * 4 >= r->anon_cap * 3) anon_grow(r);
  uint32_t mask = r->anon_cap - 1, k = anon_hash(td) & mask;
  for (;; k = (k + 1) & mask) {
    witc_id id = r->anon_slots[k];
    if (id == WITC_ID_NONE) break;
    if (anon_eq(type_at(r, id), td)) return witc_type_id(id);
  }
  witc_id id = alloc_type(r, td);
  r->anon_slots[k] = id;
  r->anon_len++;
  return witc_type_id(id);
}

/* ---- types ---------------------------------------------------------------------------- */

static bool resolve_type_name(pkg_resolver *r, const ast_id *name, witc_id *out) {
  scope_entry *e = scope_get(&r->lookup, name->name);
  if (!e) return fail(r, name->span, "name `%.*s` does not exist", S(name->name));
  if (e->is_func)
    return fail(r, name->span, "cannot use function `%.*s` as a type", S(name->name));
  *out = e->type;
  return true;
}

/* own<T>/borrow<T>: T must be a resource, possibly through aliases; a foreign T is checked
 * once dependencies are known. */
static bool validate_resource(pkg_resolver *r, const ast_id *name, witc_id *out) {
  witc_id id = WITC_ID_NONE;
  if (!resolve_type_name(r, name, &id)) return false;
  witc_id cur = id;
  for (uint32_t guard = 0; guard <= r->ntypes; guard++) {
    const witc_typedef *td = type_at(r, cur);
    if (td->kind == WITC_TD_RESOURCE) break;
    if (td->kind == WITC_TD_TYPE && td->u.type.tag == WITC_T_ID) {
      cur = td->u.type.id;
      continue;
    }
    if (td->kind == WITC_TD_UNKNOWN) {
      witc_vec_push(r->arena, &r->pkg->required_resource_types, ((witc_type_span){cur, name->span}));
      break;
    }
    return fail(r, name->span, "type `%.*s` used in a handle must be a resource", S(name->name));
  }
  *out = id;
  return true;
}

static const witc_stability *stab_of(pkg_resolver *r, witc_type t) {
  if (t.tag != WITC_T_ID) return NULL;
  return type_at(r, t.id)->stability;
}

/* find_stability: an ungated anonymous type takes the first gate among its components. */
static const witc_stability *find_stability(pkg_resolver *r, const witc_typedef *td,
                                            const witc_stability *given) {
  if (given) return given;
  const witc_stability *s = NULL;
  switch (td->kind) {
  case WITC_TD_TYPE:
  case WITC_TD_LIST:
  case WITC_TD_OPTION:
  case WITC_TD_FUTURE:
  case WITC_TD_STREAM:
    s = stab_of(r, td->u.type);
    break;
  case WITC_TD_FIXED_LIST:
    s = stab_of(r, td->u.fixed.elem);
    break;
  case WITC_TD_HANDLE:
    s = stab_of(r, witc_type_id(td->u.handle.resource));
    break;
  case WITC_TD_TUPLE:
    for (uint32_t i = 0; i < td->u.tuple.len && !s; i++) s = stab_of(r, td->u.tuple.items[i]);
    break;
  case WITC_TD_MAP:
    s = stab_of(r, td->u.map.key);
    if (!s) s = stab_of(r, td->u.map.value);
    break;
  case WITC_TD_RESULT:
    s = stab_of(r, td->u.result.ok);
    if (!s) s = stab_of(r, td->u.result.err);
    break;
  default:
    break;
  }
  return s;
}

static bool resolve_type(pkg_resolver *r, const ast_type *ty, const witc_stability *stab,
                         uint32_t depth, witc_type *out);

static bool resolve_opt_type(pkg_resolver *r, const ast_type *ty, const witc_stability *stab,
                             uint32_t depth, witc_type *out) {
  if (!ty) {
    *out = witc_type_none();
    return true;
  }
  return resolve_type(r, ty, stab, depth, out);
}

/* The keyword spans the reference reports for `map<..>` and `result<..>` errors. */
static witc_span keyword_span(const ast_type *ty, uint32_t len) {
  witc_span sp = ty->span;
  if (!witc_span_is_none(sp) && sp.end - sp.start > len) sp.end = sp.start + len;
  return sp;
}

static bool is_map_key(witc_type t) {
  switch (t.tag) {
  case WITC_T_BOOL: case WITC_T_U8: case WITC_T_U16: case WITC_T_U32: case WITC_T_U64:
  case WITC_T_S8: case WITC_T_S16: case WITC_T_S32: case WITC_T_S64:
  case WITC_T_CHAR: case WITC_T_STRING:
    return true;
  default:
    return false;
  }
}

/* resolve_type_def for a type expression: fills the kind and payload of *td. */
static bool resolve_type_kind(pkg_resolver *r, const ast_type *ty, const witc_stability *stab,
                              uint32_t depth, witc_typedef *td) {
  if (depth > TYPE_DEPTH_MAX) return fail(r, ty->span, "type nesting too deep");
  depth++;
  switch (ty->kind) {
  case AST_TY_BOOL: case AST_TY_U8: case AST_TY_U16: case AST_TY_U32: case AST_TY_U64:
  case AST_TY_S8: case AST_TY_S16: case AST_TY_S32: case AST_TY_S64: case AST_TY_F32:
  case AST_TY_F64: case AST_TY_CHAR: case AST_TY_STRING: case AST_TY_ERROR_CONTEXT: {
    static const witc_type_tag prims[] = {
        [AST_TY_BOOL] = WITC_T_BOOL, [AST_TY_U8] = WITC_T_U8,   [AST_TY_U16] = WITC_T_U16,
        [AST_TY_U32] = WITC_T_U32,   [AST_TY_U64] = WITC_T_U64, [AST_TY_S8] = WITC_T_S8,
        [AST_TY_S16] = WITC_T_S16,   [AST_TY_S32] = WITC_T_S32, [AST_TY_S64] = WITC_T_S64,
        [AST_TY_F32] = WITC_T_F32,   [AST_TY_F64] = WITC_T_F64, [AST_TY_CHAR] = WITC_T_CHAR,
        [AST_TY_STRING] = WITC_T_STRING, [AST_TY_ERROR_CONTEXT] = WITC_T_ERROR_CONTEXT,
    };
    td->kind = WITC_TD_TYPE;
    td->u.type = witc_type_prim(prims[ty->kind]);
    return true;
  }
  case AST_TY_NAME: {
    witc_id id = WITC_ID_NONE;
    if (!resolve_type_name(r, &ty->u.name, &id)) return false;
    td->kind = WITC_TD_TYPE;
    td->u.type = witc_type_id(id);
    return true;
  }
  case AST_TY_OWN:
  case AST_TY_BORROW: {
    witc_id id = WITC_ID_NONE;
    if (!validate_resource(r, &ty->u.name, &id)) return false;
    td->kind = WITC_TD_HANDLE;
    td->u.handle.borrow = ty->kind == AST_TY_BORROW;
    td->u.handle.resource = id;
    return true;
  }
  case AST_TY_LIST:
  case AST_TY_OPTION:
    td->kind = ty->kind == AST_TY_LIST ? WITC_TD_LIST : WITC_TD_OPTION;
    return resolve_type(r, ty->u.elem, stab, depth, &td->u.type);
  case AST_TY_FUTURE:
  case AST_TY_STREAM:
    td->kind = ty->kind == AST_TY_FUTURE ? WITC_TD_FUTURE : WITC_TD_STREAM;
    return resolve_opt_type(r, ty->u.elem, stab, depth, &td->u.type);
  case AST_TY_FIXED_LIST:
    td->kind = WITC_TD_FIXED_LIST;
    td->u.fixed.size = ty->u.fixed.size;
    return resolve_type(r, ty->u.fixed.elem, stab, depth, &td->u.fixed.elem);
  case AST_TY_MAP: {
    witc_type k = witc_type_none(), v = witc_type_none();
    if (!resolve_type(r, ty->u.map.key, stab, depth, &k) ||
        !resolve_type(r, ty->u.map.value, stab, depth, &v))
      return false;
    if (!is_map_key(k))
      return fail(r, keyword_span(ty, 3),
                  "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, "
                  "s32, s64, char, or string");
    td->kind = WITC_TD_MAP;
    td->u.map.key = k;
    td->u.map.value = v;
    return true;
  }
  case AST_TY_RESULT:
    td->kind = WITC_TD_RESULT;
    return resolve_opt_type(r, ty->u.result.ok, stab, depth, &td->u.result.ok) &&
           resolve_opt_type(r, ty->u.result.err, stab, depth, &td->u.result.err);
  case AST_TY_TUPLE: {
    td->kind = WITC_TD_TUPLE;
    memset(&td->u.tuple, 0, sizeof td->u.tuple);
    VEC_EXACT(r->arena, &td->u.tuple, ty->u.tuple.len);
    for (uint32_t i = 0; i < ty->u.tuple.len; i++) {
      witc_type t = witc_type_none();
      if (!resolve_type(r, ty->u.tuple.items[i], stab, depth, &t)) return false;
      witc_vec_push(r->arena, &td->u.tuple, t);
    }
    return true;
  }
  }
  return fail(r, ty->span, "unknown type"); /* unreachable with a well-formed AST */
}

/* A type in an anonymous position: components first, then the (interned) type itself. */
static bool resolve_type(pkg_resolver *r, const ast_type *ty, const witc_stability *stab,
                         uint32_t depth, witc_type *out) {
  witc_typedef td = typedef_blank();
  if (!resolve_type_kind(r, ty, stab, depth, &td)) return false;
  td.stability = find_stability(r, &td, stab);
  td.span = ty->span;
  *out = anon_type(r, &td);
  return true;
}

/* The kind of a named type definition (records, variants and the like exist only here). */
static bool resolve_typedef_kind(pkg_resolver *r, const ast_typedef *def,
                                 const witc_stability *stab, witc_typedef *td) {
  switch (def->kind) {
  case AST_TD_ALIAS:
    return resolve_type_kind(r, def->alias, stab, 0, td);
  case AST_TD_RESOURCE: {
    /* Method names are unique per resource; at most one constructor. */
    name_set names;
    names.n = 0, names.map = (witc_strmap){0};
    uint32_t ctors = 0;
    for (uint32_t i = 0; i < def->funcs.len; i++) {
      const ast_resource_func *f = &def->funcs.items[i];
      if (f->kind == AST_RES_CONSTRUCTOR) {
        if (++ctors > 1) return fail(r, f->name.span, "duplicate constructors");
      } else if (!name_set_add(r, &names, f->name.name)) {
        return fail(r, f->name.span, "duplicate function name `%.*s`", S(f->name.name));
      }
    }
    td->kind = WITC_TD_RESOURCE;
    return true;
  }
  case AST_TD_VARIANT:
    if (!def->fields.len) return fail(r, def->name.span, "empty variant");
    break;
  case AST_TD_ENUM:
    if (!def->fields.len) return fail(r, def->name.span, "empty enum");
    break;
  case AST_TD_RECORD:
  case AST_TD_FLAGS:
    break;
  }
  static const witc_typedef_kind kinds[] = {
      [AST_TD_RECORD] = WITC_TD_RECORD, [AST_TD_VARIANT] = WITC_TD_VARIANT,
      [AST_TD_ENUM] = WITC_TD_ENUM,     [AST_TD_FLAGS] = WITC_TD_FLAGS,
  };
  td->kind = kinds[def->kind];
  memset(&td->u.fields, 0, sizeof td->u.fields);
  VEC_EXACT(r->arena, &td->u.fields, def->fields.len);
  for (uint32_t i = 0; i < def->fields.len; i++) {
    const ast_field *fa = &def->fields.items[i];
    witc_field f = {fa->name.name, witc_type_none(), fa->docs, fa->name.span};
    if (def->kind == AST_TD_RECORD) {
      if (!resolve_type(r, fa->type, stab, 0, &f.type)) return false;
    } else if (def->kind == AST_TD_VARIANT) {
      if (!resolve_opt_type(r, fa->type, stab, 0, &f.type)) return false;
    }
    witc_vec_push(r->arena, &td->u.fields, f);
  }
  return true;
}

/* collect_deps: the names a type definition refers to, in source order. */
static void collect_deps(pkg_resolver *r, const ast_type *ty, topo_node *node, uint32_t depth) {
  if (!ty || depth > TYPE_DEPTH_MAX) return;
  depth++;
  switch (ty->kind) {
  case AST_TY_NAME:
  case AST_TY_OWN:
  case AST_TY_BORROW:
    witc_vec_push(r->arena, &node->edges, ty->u.name);
    break;
  case AST_TY_LIST:
  case AST_TY_OPTION:
  case AST_TY_FUTURE:
  case AST_TY_STREAM:
    collect_deps(r, ty->u.elem, node, depth);
    break;
  case AST_TY_FIXED_LIST:
    collect_deps(r, ty->u.fixed.elem, node, depth);
    break;
  case AST_TY_MAP:
    collect_deps(r, ty->u.map.key, node, depth);
    collect_deps(r, ty->u.map.value, node, depth);
    break;
  case AST_TY_RESULT:
    collect_deps(r, ty->u.result.ok, node, depth);
    collect_deps(r, ty->u.result.err, node, depth);
    break;
  case AST_TY_TUPLE:
    for (uint32_t i = 0; i < ty->u.tuple.len; i++)
      collect_deps(r, ty->u.tuple.items[i], node, depth);
    break;
  default:
    break;
  }
}

static void collect_typedef_deps(pkg_resolver *r, const ast_typedef *def, topo_node *node) {
  switch (def->kind) {
  case AST_TD_ALIAS:
    collect_deps(r, def->alias, node, 0);
    break;
  case AST_TD_RECORD:
  case AST_TD_VARIANT:
    for (uint32_t i = 0; i < def->fields.len; i++)
      collect_deps(r, def->fields.items[i].type, node, 0);
    break;
  default:
    break;
  }
}

/* `use path.{a, b as c}` inside an interface or world: one alias type per name. */
static bool resolve_use(pkg_resolver *r, witc_owner owner, const ast_use *u) {
  witc_id from = WITC_ID_NONE;
  if (!resolve_iface_path(r, &u->path, &from)) return false;
  const witc_stability *stab;
  witc_str ext = WITC_STR_NONE;
  if (!get_stability(r, &u->attrs, &stab) || !get_external_id(r, &u->attrs, &ext)) return false;
  for (uint32_t i = 0; i < u->names.len; i++) {
    const ast_use_name *n = &u->names.items[i];
    scope_entry *e = scope_get(&r->iface_scopes.items[from], n->name.name);
    if (!e) return fail(r, n->name.span, "name `%.*s` does not exist", S(n->name.name));
    if (e->is_func)
      return fail(r, n->name.span, "cannot import function `%.*s`", S(n->name.name));
    const ast_id *local = n->has_as ? &n->as : &n->name;
    witc_typedef td = typedef_blank();
    td.name = local->name;
    td.kind = WITC_TD_TYPE;
    td.u.type = witc_type_id(e->type);
    td.owner = owner;
    td.stability = stab;
    td.external_id = ext;
    td.span = n->name.span;
    witc_id id = alloc_type(r, &td);
    if (!define_name(r, local, false, id)) return false;
  }
  return true;
}

/* A `use` or a type definition of an interface or world, in source order. */
typedef struct type_item {
  const ast_use *use;
  const ast_typedef *def;
} type_item;

/* resolve_types: `use`d names first, then the definitions in dependency order. */
static bool resolve_types(pkg_resolver *r, witc_owner owner, const type_item *items, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (items[i].use && !resolve_use(r, owner, items[i].use)) return false;

  /* type_deps and type_defs share their keys: one ordered map. A later `use` of a name
   * replaces an earlier definition of it in place, as IndexMap::insert does. */
  witc_strmap index = {0};
  witc_vec(topo_node) nodes = {0};
  witc_vec(const ast_typedef *) defs = {0};
  for (uint32_t i = 0; i < n; i++) {
    if (items[i].def) {
      const ast_typedef *def = items[i].def;
      if (!witc_strmap_put(&index, r->arena, def->name.name, nodes.len, NULL))
        return fail(r, def->name.span, "name `%.*s` is defined more than once", S(def->name.name));
      topo_node node = {{0}};
      collect_typedef_deps(r, def, &node);
      witc_vec_push(r->arena, &nodes, node);
      witc_vec_push(r->arena, &defs, def);
      continue;
    }
    const ast_use *u = items[i].use;
    for (uint32_t j = 0; j < u->names.len; j++) {
      const ast_use_name *un = &u->names.items[j];
      witc_str name = un->has_as ? un->as.name : un->name.name;
      uint32_t k = 0;
      if (witc_strmap_get(&index, name, &k)) {
        nodes.items[k] = (topo_node){{0}};
        defs.items[k] = NULL;
        continue;
      }
      witc_strmap_put(&index, r->arena, name, nodes.len, NULL);
      witc_vec_push(r->arena, &nodes, ((topo_node){{0}}));
      witc_vec_push(r->arena, &defs, (const ast_typedef *)NULL);
    }
  }
  uint32_t *order = witc_arena_alloc(r->arena, sizeof(uint32_t) * (nodes.len + 1));
  if (!toposort(r, "type", &index, nodes.items, nodes.len, order)) return false;

  for (uint32_t k = 0; k < nodes.len; k++) {
    const ast_typedef *def = defs.items[order[k]];
    if (!def) continue;
    witc_typedef td = typedef_blank();
    if (!get_stability(r, &def->attrs, &td.stability) ||
        !get_external_id(r, &def->attrs, &td.external_id) ||
        !resolve_typedef_kind(r, def, td.stability, &td))
      return false;
    td.name = def->name.name;
    td.docs = def->docs;
    td.owner = owner;
    td.span = def->name.span;
    witc_id id = alloc_type(r, &td);
    if (!define_name(r, &def->name, false, id)) return false;
  }
  return true;
}

/* ---- functions ------------------------------------------------------------------------ */

static bool resolve_constructor_result(pkg_resolver *r, witc_id resource, const ast_type *ty,
                                       witc_type *out) {
  if (!resolve_type(r, ty, NULL, 0, out)) return false;
  const witc_typedef *td = out->tag == WITC_T_ID ? type_at(r, out->id) : NULL;
  if (!td || td->kind != WITC_TD_RESULT)
    return fail(r, ty->kind == AST_TY_RESULT ? keyword_span(ty, 6) : ty->span,
                "if a constructor return type is declared it must be a `result`");
  witc_type ok = td->u.result.ok;
  if (ok.tag == WITC_T_ID && ok.id == resource) return true;
  witc_span sp = ty->kind != AST_TY_RESULT ? ty->span
                 : ty->u.result.ok                ? ty->u.result.ok->span
                                                  : keyword_span(ty, 6);
  return fail(r, sp, "the `ok` type must be the resource being constructed");
}

/* resolve_function: docs, gates, then `self`, parameters left to right, then the result. */
static bool resolve_function(pkg_resolver *r, witc_str docs, const ast_attrs *attrs,
                             witc_str name, const ast_func *func, witc_func_kind kind,
                             witc_id resource, witc_span name_span, witc_function *out) {
  memset(out, 0, sizeof *out);
  out->name = name;
  out->kind = kind;
  out->resource = resource;
  out->docs = docs;
  out->span = name_span;
  if (!get_stability(r, attrs, &out->stability) ||
      !get_external_id(r, attrs, &out->external_id))
    return false;

  const witc_stability *none = NULL;
  name_set names;
  names.n = 0, names.map = (witc_strmap){0};
  bool method = kind == WITC_FUNC_METHOD || kind == WITC_FUNC_ASYNC_METHOD;
  VEC_EXACT(r->arena, &out->params, func->params.len + method);
  if (method) {
    witc_typedef td = typedef_blank();
    td.kind = WITC_TD_HANDLE;
    td.u.handle.borrow = true;
    td.u.handle.resource = resource;
    td.stability = find_stability(r, &td, none);
    td.span = func->span;
    witc_param self = {witc_str_c("self"), anon_type(r, &td), func->span};
    name_set_add(r, &names, self.name);
    witc_vec_push(r->arena, &out->params, self);
  }
  for (uint32_t i = 0; i < func->params.len; i++) {
    const ast_param *p = &func->params.items[i];
    witc_param param = {p->name.name, witc_type_none(), p->name.span};
    if (!resolve_type(r, p->type, none, 0, &param.type)) return false;
    if (!name_set_add(r, &names, p->name.name))
      return fail(r, p->name.span, "param `%.*s` is defined more than once", S(p->name.name));
    witc_vec_push(r->arena, &out->params, param);
  }

  if (kind == WITC_FUNC_CONSTRUCTOR) {
    if (!func->result) {
      out->result = witc_type_id(resource); /* implicitly `own<R>` */
      return true;
    }
    return resolve_constructor_result(r, resource, func->result, &out->result);
  }
  return resolve_opt_type(r, func->result, none, 0, &out->result);
}

static bool resolve_resource_func(pkg_resolver *r, const ast_resource_func *f,
                                  const ast_id *resource, witc_function *out) {
  scope_entry *e = scope_get(&r->lookup, resource->name);
  witc_id rid = e && !e->is_func ? e->type : WITC_ID_NONE;
  witc_func_kind kind;
  witc_str name;
  switch (f->kind) {
  case AST_RES_METHOD:
    kind = f->func.is_async ? WITC_FUNC_ASYNC_METHOD : WITC_FUNC_METHOD;
    name = witc_str_c(witc_arena_printf(r->arena, "[method]%.*s.%.*s", S(resource->name),
                                        S(f->name.name)));
    break;
  case AST_RES_STATIC:
    kind = f->func.is_async ? WITC_FUNC_ASYNC_STATIC : WITC_FUNC_STATIC;
    name = witc_str_c(witc_arena_printf(r->arena, "[static]%.*s.%.*s", S(resource->name),
                                        S(f->name.name)));
    break;
  default:
    kind = WITC_FUNC_CONSTRUCTOR;
    name = witc_str_c(witc_arena_printf(r->arena, "[constructor]%.*s", S(resource->name)));
    break;
  }
  return resolve_function(r, f->docs, &f->attrs, name, &f->func, kind, rid, f->name.span, out);
}

static void iface_add_func(pkg_resolver *r, witc_id iface, const witc_function *f) {
  witc_interface *it = &r->pkg->interfaces.items[iface];
  if (!witc_strmap_put(&it->func_index, r->arena, f->name, it->functions.len, NULL)) return;
  witc_vec_push(r->arena, &it->functions, *f);
}

/* ---- interfaces ----------------------------------------------------------------------- */

static bool resolve_interface(pkg_resolver *r, witc_id id, const ast_iface_items *items,
                              witc_str docs, const ast_attrs *attrs) {
  r->pkg->interfaces.items[id].docs = docs;
  const witc_stability *stab;
  if (!get_stability(r, attrs, &stab)) return false;
  r->pkg->interfaces.items[id].stability = stab;

  type_item *tis = witc_arena_alloc(r->arena, sizeof(type_item) * (items->len + 1));
  uint32_t n = 0;
  for (uint32_t i = 0; i < items->len; i++) {
    const ast_iface_item *it = &items->items[i];
    if (it->kind == AST_II_USE) tis[n++] = (type_item){it->u.use, NULL};
    else if (it->kind == AST_II_TYPEDEF) tis[n++] = (type_item){NULL, it->u.typedef_};
  }
  witc_owner owner = {WITC_OWNER_INTERFACE, id};
  if (!resolve_types(r, owner, tis, n)) return false;
  VEC_EXACT(r->arena, &r->pkg->interfaces.items[id].types, r->lookup.entries.len);
  for (uint32_t i = 0; i < r->lookup.entries.len; i++) {
    const scope_entry *e = &r->lookup.entries.items[i];
    iface_add_type(r, id, e->name, e->type);
  }

  /* Functions in source order, resource members where their resource is written. Their
   * number is known: reserve it (functions are large). */
  uint32_t nfuncs = 0;
  for (uint32_t i = 0; i < items->len; i++) {
    const ast_iface_item *it = &items->items[i];
    if (it->kind == AST_II_FUNC) nfuncs++;
    else if (it->kind == AST_II_TYPEDEF && it->u.typedef_->kind == AST_TD_RESOURCE)
      nfuncs += it->u.typedef_->funcs.len;
  }
  VEC_EXACT(r->arena, &r->pkg->interfaces.items[id].functions, nfuncs);
  for (uint32_t i = 0; i < items->len; i++) {
    const ast_iface_item *it = &items->items[i];
    witc_function f;
    if (it->kind == AST_II_FUNC) {
      const ast_named_func *nf = it->u.func;
      if (!define_name(r, &nf->name, true, WITC_ID_NONE)) return false;
      witc_func_kind kind = nf->func.is_async ? WITC_FUNC_ASYNC_FREESTANDING
                                              : WITC_FUNC_FREESTANDING;
      if (!resolve_function(r, nf->docs, &nf->attrs, nf->name.name, &nf->func, kind,
                            WITC_ID_NONE, nf->name.span, &f))
        return false;
      iface_add_func(r, id, &f);
    } else if (it->kind == AST_II_TYPEDEF && it->u.typedef_->kind == AST_TD_RESOURCE) {
      const ast_typedef *def = it->u.typedef_;
      for (uint32_t j = 0; j < def->funcs.len; j++) {
        if (!resolve_resource_func(r, &def->funcs.items[j], &def->name, &f)) return false;
        iface_add_func(r, id, &f);
      }
    }
  }

  r->iface_scopes.items[id] = r->lookup;
  r->lookup = (scope){{0}, {0}};
  return true;
}

/* ---- worlds --------------------------------------------------------------------------- */

static bool resolve_include(pkg_resolver *r, witc_id world, const ast_include *inc) {
  witc_world_include wi;
  memset(&wi, 0, sizeof wi);
  if (!get_stability(r, &inc->attrs, &wi.stability)) return false;
  item_ref it = {false, WITC_ID_NONE};
  if (!resolve_item_path(r, &inc->path, &it) || !extract_world(r, it, &inc->path, &wi.world))
    return false;
  for (uint32_t i = 0; i < inc->with.len; i++) {
    const ast_include_name *n = &inc->with.items[i];
    witc_vec_push(r->arena, &wi.names, ((witc_include_name){n->from.name, n->to.name, n->from.span}));
  }
  wi.span = inc->path.name.span;
  witc_vec_push(r->arena, &r->pkg->worlds.items[world].includes, wi);
  return true;
}

/* The span the reference reports for conflicts of an import or export (ExternKind::span). */
static witc_span extern_span(const ast_extern *e) {
  return e->kind == AST_EXTERN_PATH ? e->path.span : e->name.span;
}

static bool resolve_world_item(pkg_resolver *r, const ast_world_item *wi, witc_world_item *out) {
  const ast_extern *e = wi->u.ext;
  memset(out, 0, sizeof *out);
  out->docs = WITC_STR_NONE;
  out->external_id = WITC_STR_NONE;
  out->span = extern_span(e);
  switch (e->kind) {
  case AST_EXTERN_INTERFACE: {
    scope saved = r->lookup;
    r->lookup = (scope){{0}, {0}};
    witc_id id = alloc_interface(r, e->name.span, false);
    if (!resolve_interface(r, id, &e->items, wi->docs, &wi->attrs)) return false;
    r->lookup = saved;
    out->kind = WITC_WI_INTERFACE;
    out->id = id;
    out->stability = r->pkg->interfaces.items[id].stability;
    return get_external_id(r, &wi->attrs, &out->external_id);
  }
  case AST_EXTERN_PATH:
  case AST_EXTERN_NAMED:
    if (!get_stability(r, &wi->attrs, &out->stability) ||
        !get_external_id(r, &wi->attrs, &out->external_id) ||
        !resolve_iface_path(r, &e->path, &out->id))
      return false;
    out->kind = WITC_WI_INTERFACE;
    out->docs = wi->docs;
    return true;
  case AST_EXTERN_FUNC:
    out->kind = WITC_WI_FUNCTION;
    return resolve_function(r, wi->docs, &wi->attrs, e->name.name, &e->func,
                            e->func.is_async ? WITC_FUNC_ASYNC_FREESTANDING
                                             : WITC_FUNC_FREESTANDING,
                            WITC_ID_NONE, e->name.span, &out->func);
  }
  return false;
}

static const char *world_item_desc(witc_world_item_kind k) {
  return k == WITC_WI_INTERFACE ? "interface" : k == WITC_WI_FUNCTION ? "func" : "type";
}

static bool resolve_world(pkg_resolver *r, witc_id id, const ast_world *w) {
  r->pkg->worlds.items[id].docs = w->docs;
  const witc_stability *stab;
  if (!get_stability(r, &w->attrs, &stab)) return false;
  r->pkg->worlds.items[id].stability = stab;

  type_item *tis = witc_arena_alloc(r->arena, sizeof(type_item) * (w->items.len + 1));
  uint32_t n = 0;
  for (uint32_t i = 0; i < w->items.len; i++) {
    const ast_world_item *it = &w->items.items[i];
    if (it->kind == AST_WI_USE) tis[n++] = (type_item){it->u.use, NULL};
    else if (it->kind == AST_WI_TYPEDEF) tis[n++] = (type_item){NULL, it->u.typedef_};
  }
  witc_owner owner = {WITC_OWNER_WORLD, id};
  if (!resolve_types(r, owner, tis, n)) return false;

  for (uint32_t i = 0; i < w->items.len; i++)
    if (w->items.items[i].kind == AST_WI_INCLUDE &&
        !resolve_include(r, id, w->items.items[i].u.include))
      return false;

  /* Plain names of imports and exports, for conflict checks (index into the entries). */
  witc_strmap names[2] = {{0}, {0}};
  /* Interfaces imported/exported by path so far: one mark array for all worlds, stamped
   * per world (paths name only named interfaces and placeholders, which all exist before
   * worlds are resolved). */
  if (r->mark_len < r->pkg->interfaces.len) {
    r->mark_len = r->pkg->interfaces.len;
    r->mark = witc_arena_alloc(r->arena, sizeof(uint32_t) * r->mark_len);
  }
  uint32_t stamp = ++r->stamp;
  for (uint32_t i = 0; i < r->lookup.entries.len; i++) {
    const scope_entry *e = &r->lookup.entries.items[i];
    witc_world_entry we;
    memset(&we, 0, sizeof we);
    we.key.name = e->name;
    we.key.iface = WITC_ID_NONE;
    we.item.kind = WITC_WI_TYPE;
    we.item.id = e->type;
    we.item.docs = WITC_STR_NONE;
    we.item.external_id = WITC_STR_NONE;
    we.item.span = e->span;
    witc_world *wd = &r->pkg->worlds.items[id];
    witc_strmap_put(&names[0], r->arena, e->name, wd->imports.len, NULL);
    witc_vec_push(r->arena, &wd->imports, we);
  }

  for (uint32_t i = 0; i < w->items.len; i++) {
    const ast_world_item *wi = &w->items.items[i];
    if (wi->kind == AST_WI_TYPEDEF && wi->u.typedef_->kind == AST_TD_RESOURCE) {
      const ast_typedef *def = wi->u.typedef_;
      for (uint32_t j = 0; j < def->funcs.len; j++) {
        witc_world_entry we;
        memset(&we, 0, sizeof we);
        if (!resolve_resource_func(r, &def->funcs.items[j], &def->name, &we.item.func))
          return false;
        we.key.name = we.item.func.name;
        we.key.iface = WITC_ID_NONE;
        we.item.kind = WITC_WI_FUNCTION;
        we.item.id = WITC_ID_NONE;
        we.item.docs = WITC_STR_NONE;
        we.item.external_id = WITC_STR_NONE;
        we.item.span = def->funcs.items[j].name.span;
        witc_world *wd = &r->pkg->worlds.items[id];
        witc_strmap_put(&names[0], r->arena, we.key.name, wd->imports.len, NULL);
        witc_vec_push(r->arena, &wd->imports, we);
      }
      continue;
    }
    if (wi->kind != AST_WI_IMPORT && wi->kind != AST_WI_EXPORT) continue;
    int dir = wi->kind == AST_WI_EXPORT;
    const char *desc = dir ? "export" : "import";
    const ast_extern *e = wi->u.ext;

    witc_world_entry we;
    memset(&we, 0, sizeof we);
    if (!resolve_world_item(r, wi, &we.item)) return false;
    if (e->kind == AST_EXTERN_PATH) {
      we.key.is_interface = true;
      we.key.iface = we.item.id;
      we.key.name = WITC_STR_NONE;
      if (we.item.id < r->mark_len) {
        uint32_t *m = &r->mark[we.item.id], bit = dir ? 2u : 1u;
        if (*m >> 2 != stamp) *m = stamp << 2; /* a mark from another world is stale */
        if (*m & bit)
          return fail(r, extern_span(e), "interface cannot be %sed more than once", desc);
        *m |= bit;
      }
    } else {
      we.key.name = e->kind == AST_EXTERN_FUNC ? we.item.func.name : e->name.name;
      we.key.iface = WITC_ID_NONE;
    }
    witc_world *wd = &r->pkg->worlds.items[id];
    uint32_t at = 0;
    if (dir) {
      at = wd->exports.len;
      witc_vec_push(r->arena, &wd->exports, we);
    } else {
      at = wd->imports.len;
      witc_vec_push(r->arena, &wd->imports, we);
    }
    if (we.key.is_interface) continue;
    uint32_t prev = 0;
    if (!witc_strmap_put(&names[dir], r->arena, we.key.name, at, &prev)) {
      const witc_world_entry *pe = dir ? &wd->exports.items[prev] : &wd->imports.items[prev];
      return fail(r, extern_span(e), "%s `%.*s` conflicts with prior %s of same name", desc,
                  S(we.key.name), world_item_desc(pe->item.kind));
    }
  }
  r->lookup = (scope){{0}, {0}};
  return true;
}

/* ---- one package ---------------------------------------------------------------------- */

/* The span of the comments before a file's `package` header (they come first in the
 * file): from the first comment's start to the last one's end, line breaks excluded. */
static witc_span header_docs_span(pkg_resolver *r, uint32_t file_index) {
  const witc_source_file *f = &r->map->files.items[file_index];
  const char *t = f->text;
  uint32_t n = f->len, i = 0, first = UINT32_MAX, last = 0;
  if (n >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
      (unsigned char)t[2] == 0xBF)
    i = 3;
  while (i < n) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
    } else if (c == '/' && i + 1 < n && t[i + 1] == '/') {
      if (first == UINT32_MAX) first = i;
      while (i < n && t[i] != '\n') i++;
      last = i;
      while (last > first && (t[last - 1] == ' ' || t[last - 1] == '\t' || t[last - 1] == '\r'))
        last--;
    } else if (c == '/' && i + 1 < n && t[i + 1] == '*') {
      if (first == UINT32_MAX) first = i;
      uint32_t depth = 0;
      while (i < n) {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') depth++, i += 2;
        else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else i++;
      }
      last = i;
    } else {
      break;
    }
  }
  if (first == UINT32_MAX) return WITC_SPAN_NONE;
  return (witc_span){f->base + first, f->base + last};
}

/* Resolver::push for a file's header: names must agree, one header may carry docs. */
static bool push_header(pkg_resolver *r, const ast_package_name *name, witc_span span,
                        witc_str docs, uint32_t file_index) {
  witc_package_name cur = conv_pkg_name(r, name);
  if (r->has_name && !witc_package_name_eq(&cur, &r->pkg->name))
    return fail(r, span, "package identifier `%s` does not match previous package name of `%s`",
                witc_package_name_str(r->arena, &cur),
                witc_package_name_str(r->arena, &r->pkg->name));
  r->has_name = true;
  r->pkg->name = cur;
  r->pkg->name_span = span;
  if (docs.ptr) {
    if (r->has_docs)
      return fail(r, header_docs_span(r, file_index),
                  "found doc comments on multiple 'package' items");
    r->has_docs = true;
    r->pkg->docs = docs;
  }
  return true;
}

static void resolver_init(pkg_resolver *r, witc_arena *arena, witc_source_map *map,
                          witc_diags *diags, const char *context, witc_unresolved_package *pkg) {
  memset(r, 0, sizeof *r);
  memset(pkg, 0, sizeof *pkg);
  r->arena = arena;
  r->map = map;
  r->diags = diags;
  r->context = context;
  r->pkg = pkg;
  pkg->docs = WITC_STR_NONE;
  pkg->name_span = WITC_SPAN_NONE;
  pkg->context = context;
}

/* Resolver::resolve: everything after the files are pushed. */
static bool resolve_all(pkg_resolver *r) {
  if (!r->has_name)
    return fail(r, WITC_SPAN_NONE, "no `package` header was found in any WIT file for this package");
  id_vec iface_order = {0}, world_order = {0};
  if (!populate_foreign_deps(r) || !populate_ast_items(r, &iface_order, &world_order) ||
      !populate_foreign_types(r))
    return false;
  for (uint32_t i = 0; i < iface_order.len; i++) {
    witc_id id = iface_order.items[i];
    const ast_interface *it = r->iface_ast[id];
    r->cur = r->iface_file[id];
    if (!resolve_interface(r, id, &it->items, it->docs, &it->attrs)) return false;
  }
  for (uint32_t i = 0; i < world_order.len; i++) {
    witc_id id = world_order.items[i];
    r->cur = r->world_file[id];
    if (!resolve_world(r, id, r->world_ast[id])) return false;
  }
  return true;
}

static bool resolver_resolve(pkg_resolver *r) {
  bool ok = resolve_all(r);
  flatten_types(r);
  return ok;
}

/* SourceMap::parse for one parsed file: each nested package is pushed to a resolver of
 * its own and resolved at once, in order (a package inside it is refused there, by
 * Resolver::push); then the file's other items are pushed to the main resolver. */
static bool push_file(pkg_resolver *main, const ast_file *file, witc_unresolved_group *out) {
  witc_arena *arena = main->arena;
  decl_list dl = {{0}};
  for (uint32_t i = 0; i < file->items.len; i++) {
    const ast_item *it = &file->items.items[i];
    if (it->kind != AST_ITEM_PACKAGE) {
      witc_vec_push(arena, &dl.items, it);
      continue;
    }
    const ast_nested_package *np = it->u.package;
    witc_unresolved_package nested;
    pkg_resolver sub;
    resolver_init(&sub, arena, main->map, main->diags, main->context, &nested);
    witc_vec_push(arena, &nested.files, file->file_index);
    if (!push_header(&sub, &np->name, np->name.span, np->docs, file->file_index)) return false;
    /* Resolver::push: no package inside a nested one (the first one met is reported). */
    decl_list ndl = {{0}};
    for (uint32_t j = 0; j < np->items.len; j++) {
      const ast_item *nit = &np->items.items[j];
      if (nit->kind == AST_ITEM_PACKAGE)
        return fail(&sub, nit->u.package->name.span,
                    "nested packages must be placed at the top-level");
      witc_vec_push(arena, &ndl.items, nit);
    }
    witc_vec_push(arena, &sub.decls, ndl);
    if (!resolver_resolve(&sub)) return false;
    witc_vec_push(arena, &out->nested, nested);
  }
  witc_vec_push(arena, &main->decls, dl);
  witc_vec_push(arena, &out->main.files, file->file_index);
  return !file->has_package || push_header(main, &file->package, file->package_span,
                                           file->package_docs, file->file_index);
}

bool witc_resolve_package(witc_arena *arena, witc_source_map *map, ast_file **files,
                          uint32_t nfiles, const char *context, witc_diags *diags,
                          witc_unresolved_group *out) {
  if (!context) context = "";
  memset(out, 0, sizeof *out);
  pkg_resolver main;
  resolver_init(&main, arena, map, diags, context, &out->main);
  for (uint32_t f = 0; f < nfiles; f++)
    if (!push_file(&main, files[f], out)) return false;
  return resolver_resolve(&main);
}

bool witc_parse_resolve_package(witc_arena *arena, witc_source_map *map, const uint32_t *files,
                                uint32_t nfiles, const char *context, witc_diags *diags,
                                witc_unresolved_group *out) {
  if (!context) context = "";
  memset(out, 0, sizeof *out);
  pkg_resolver main;
  resolver_init(&main, arena, map, diags, context, &out->main);
  for (uint32_t f = 0; f < nfiles; f++) {
    ast_file *file = NULL;
    if (!witc_parse_file(arena, map, files[f], context, diags, &file)) {
      /* The later files are still parsed for their own syntax errors; nothing is resolved
       * (a package with a file that does not parse gives no reliable resolver errors). */
      for (uint32_t g = f + 1; g < nfiles; g++)
        if (!witc_parse_file(arena, map, files[g], context, diags, &file)) continue;
      return false;
    }
    if (!push_file(&main, file, out)) return false;
  }
  return resolver_resolve(&main);
}

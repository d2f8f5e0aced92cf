/* resolve.c: packages into the resolved graph (wit-parser's resolve/mod.rs:
 * sort_unresolved_packages, Remap::append and its helpers, select_world).
 *
 * Every unresolved package is appended in dependency order; its arenas are copied into
 * the graph in their own order, so the graph's arena order is the reference's (see
 * docs/resolve-json.md §5). Errors stop at the first one, like the reference. */
#include <stdio.h>
#include <string.h>

#include "resolve.h"
#include "resolve_int.h"

/* ---- small helpers ------------------------------------------------------------------ */

bool rs_error(rs_ctx *cx, witc_span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = witc_arena_vprintf(cx->r->arena, fmt, ap);
  va_end(ap);
  witc_diags_error(cx->diags, span, "%s", msg);
  if (cx->diags->items.len) cx->diags->items.items[cx->diags->items.len - 1].context = cx->context;
  return false;
}

void rs_sb_printf(rs_sb *sb, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n > 0) {
    if (sb->len + (size_t)n + 1 > sb->cap) {
      size_t ncap = sb->cap * 2 > sb->len + (size_t)n + 1 ? sb->cap * 2 : sb->len + (size_t)n + 64;
      char *np = witc_arena_alloc(sb->a, ncap);
      if (sb->len) memcpy(np, sb->p, sb->len);
      sb->p = np, sb->cap = ncap;
    }
    vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
  }
  va_end(ap);
}

const char *rs_sb_str(const rs_sb *sb) { return sb->p ? sb->p : ""; }

/* Fibonacci hashing, folded so the low bits (the ones masked) see the high ones. */
static uint32_t u32_hash(uint32_t k) {
  uint32_t h = k * 0x9E3779B1u;
  return h ^ (h >> 16);
}

static uint32_t *u32map_slot(const rs_u32map *self, uint32_t key) {
  uint32_t mask = self->cap - 1;
  for (uint32_t i = u32_hash(key) & mask;; i = (i + 1) & mask) {
    uint32_t *s = &self->slots[2 * i];
    if (s[0] == key || s[0] == UINT32_MAX) return s;
  }
}

bool rs_u32map_get(const rs_u32map *self, uint32_t key, uint32_t *val) {
  if (!self->cap) return false;
  uint32_t *s = u32map_slot(self, key);
  if (s[0] == UINT32_MAX) return false;
  if (val) *val = s[1];
  return true;
}

void rs_u32map_put(rs_u32map *self, witc_arena *a, uint32_t key, uint32_t val) {
  if ((self->len + 1) * 4 >= self->cap * 3) {
    uint32_t ncap = self->cap ? self->cap * 2 : 16;
    rs_u32map grown = {witc_arena_alloc(a, sizeof(uint32_t) * 2 * ncap), ncap, self->len};
    memset(grown.slots, 0xff, sizeof(uint32_t) * 2 * ncap);
    for (uint32_t i = 0; i < self->cap; i++) {
      uint32_t *s = &self->slots[2 * i];
      if (s[0] == UINT32_MAX) continue;
      uint32_t *d = u32map_slot(&grown, s[0]);
      d[0] = s[0], d[1] = s[1];
    }
    *self = grown;
  }
  uint32_t *s = u32map_slot(self, key);
  if (s[0] == UINT32_MAX) self->len++;
  s[0] = key, s[1] = val;
}

static const char *pkg_name(rs_ctx *cx, const witc_package_name *n) {
  return witc_package_name_str(cx->r->arena, n);
}

/* "file:line:col" of a span (SourceMap::render_location). */
static const char *render_location(rs_ctx *cx, witc_span sp) {
  const witc_source_file *f;
  uint32_t line, col;
  if (witc_span_is_none(sp) || !witc_source_map_locate(cx->r->sources, sp.start, &f, &line, &col))
    return "<unknown>";
  return witc_arena_printf(cx->r->arena, "%s:%u:%u", f->path, line, col);
}

bool rs_owner_eq(witc_owner a, witc_owner b) {
  return a.kind == b.kind && (a.kind == WITC_OWNER_NONE || a.id == b.id);
}

static bool version_eq(const witc_version *a, const witc_version *b) {
  return witc_version_cmp(a, b) == 0;
}

/* What a NULL gate pointer stands for. */
static const witc_stability no_gate;

bool rs_stability_eq(const witc_stability *a, const witc_stability *b) {
  if (a == b) return true;
  if (!a) a = &no_gate;
  if (!b) b = &no_gate;
  if (a->kind != b->kind || a->has_deprecated != b->has_deprecated) return false;
  if (a->has_deprecated && !version_eq(&a->deprecated, &b->deprecated)) return false;
  switch (a->kind) {
  case WITC_STAB_UNKNOWN: return true;
  case WITC_STAB_STABLE: return version_eq(&a->since, &b->since);
  case WITC_STAB_UNSTABLE: return witc_str_eq(a->feature, b->feature);
  }
  return false;
}

static void version_debug(rs_sb *b, const witc_version *v) {
  rs_sb_printf(b, "Version { major: %llu, minor: %llu, patch: %llu", (unsigned long long)v->major,
               (unsigned long long)v->minor, (unsigned long long)v->patch);
  if (v->pre.ptr && v->pre.len)
    rs_sb_printf(b, ", pre: Prerelease(\"%.*s\")", (int)v->pre.len, v->pre.ptr);
  if (v->build.ptr && v->build.len)
    rs_sb_printf(b, ", build: BuildMetadata(\"%.*s\")", (int)v->build.len, v->build.ptr);
  rs_sb_printf(b, " }");
}

/* Rust's derived Debug for Stability (String fields print quoted and escaped). */
const char *rs_stability_debug(witc_arena *a, const witc_stability *s) {
  rs_sb b = {a, NULL, 0, 0};
  if (!s || s->kind == WITC_STAB_UNKNOWN) return "Unknown";
  if (s->kind == WITC_STAB_STABLE) {
    rs_sb_printf(&b, "Stable { since: ");
    version_debug(&b, &s->since);
  } else {
    rs_sb_printf(&b, "Unstable { feature: \"");
    for (uint32_t i = 0; i < s->feature.len; i++) {
      char c = s->feature.ptr[i];
      rs_sb_printf(&b, "%s%c", c == '"' || c == '\\' ? "\\" : "", c);
    }
    rs_sb_printf(&b, "\"");
  }
  rs_sb_printf(&b, ", deprecated: ");
  if (s->has_deprecated) {
    rs_sb_printf(&b, "Some(");
    version_debug(&b, &s->deprecated);
    rs_sb_printf(&b, ")");
  } else {
    rs_sb_printf(&b, "None");
  }
  rs_sb_printf(&b, " }");
  return rs_sb_str(&b);
}

const char *rs_id_of(const witc_resolve *r, witc_id iface) {
  const witc_interface *i = &r->interfaces.items[iface];
  if (!i->name.ptr || i->package == WITC_ID_NONE) return NULL;
  const witc_package_name *n = &r->packages.items[i->package].name;
  if (n->has_version)
    return witc_arena_printf(r->arena, "%.*s:%.*s/%.*s@%.*s", (int)n->ns.len, n->ns.ptr,
                             (int)n->name.len, n->name.ptr, (int)i->name.len, i->name.ptr,
                             (int)n->version.text.len, n->version.text.ptr);
  return witc_arena_printf(r->arena, "%.*s:%.*s/%.*s", (int)n->ns.len, n->ns.ptr,
                           (int)n->name.len, n->name.ptr, (int)i->name.len, i->name.ptr);
}

witc_id rs_type_interface_dep(const witc_resolve *r, witc_id t) {
  const witc_typedef *td = &r->types.items[t];
  if (td->kind != WITC_TD_TYPE || td->u.type.tag != WITC_T_ID) return WITC_ID_NONE;
  const witc_typedef *other = &r->types.items[td->u.type.id];
  if (rs_owner_eq(td->owner, other->owner) || other->owner.kind != WITC_OWNER_INTERFACE)
    return WITC_ID_NONE;
  return other->owner.id;
}

bool rs_typedef_next_child(const witc_typedef *td, uint32_t *cursor, witc_id *out) {
  for (;;) {
    uint32_t i = *cursor;
    witc_type t;
    switch (td->kind) {
    case WITC_TD_RECORD:
    case WITC_TD_VARIANT:
      if (i >= td->u.fields.len) return false;
      t = td->u.fields.items[i].type;
      break;
    case WITC_TD_TUPLE:
      if (i >= td->u.tuple.len) return false;
      t = td->u.tuple.items[i];
      break;
    case WITC_TD_OPTION:
    case WITC_TD_LIST:
    case WITC_TD_FUTURE:
    case WITC_TD_STREAM:
    case WITC_TD_TYPE:
      if (i >= 1) return false;
      t = td->u.type;
      break;
    case WITC_TD_FIXED_LIST:
      if (i >= 1) return false;
      t = td->u.fixed.elem;
      break;
    case WITC_TD_MAP:
      if (i >= 2) return false;
      t = i ? td->u.map.value : td->u.map.key;
      break;
    case WITC_TD_RESULT:
      if (i >= 2) return false;
      t = i ? td->u.result.err : td->u.result.ok;
      break;
    case WITC_TD_HANDLE:
      if (i >= 1) return false;
      t = witc_type_id(td->u.handle.resource);
      break;
    default:
      return false;
    }
    *cursor = i + 1;
    if (t.tag == WITC_T_ID) {
      *out = t.id;
      return true;
    }
  }
}

/* ---- gates -------------------------------------------------------------------------- */

int rs_include_stability(rs_remap *rm, const witc_stability *s, witc_span span) {
  witc_resolve *r = rm->cx->r;
  if (!s) return 1;
  switch (s->kind) {
  case WITC_STAB_UNKNOWN: return 1;
  case WITC_STAB_UNSTABLE: return witc_resolve_feature_enabled(r, s->feature) ? 1 : 0;
  case WITC_STAB_STABLE: break;
  }
  const witc_package_name *pn = &r->packages.items[rm->pkgid].name;
  if (!pn->has_version) {
    rs_error(rm->cx, span,
             "package [%s] contains a feature gate with a version specifier, so it must have a "
             "version",
             pkg_name(rm->cx, pn));
    return -1;
  }
  if (witc_version_cmp(&s->since, &pn->version) > 0) {
    rs_error(rm->cx, span,
             "feature gate cannot reference unreleased version %.*s of package [%s] (current "
             "version %.*s)",
             (int)s->since.text.len, s->since.text.ptr, pkg_name(rm->cx, pn),
             (int)pn->version.text.len, pn->version.text.ptr);
    return -1;
  }
  return 1;
}

/* ---- id mapping (apply_map) ---------------------------------------------------------- */

static bool apply_map(rs_remap *rm, const witc_id *map, uint32_t n, witc_id *id, const char *desc,
                      witc_span span) {
  if (*id >= n)
    return rs_error(rm->cx, span, "internal error: reference to a %s that is not registered yet",
                    desc);
  if (map[*id] == WITC_ID_NONE)
    return rs_error(rm->cx, span,
                    "found a reference to a %s which is excluded due to its feature not being "
                    "activated",
                    desc);
  *id = map[*id];
  return true;
}

static bool map_type(rs_remap *rm, witc_id *id, witc_span span) {
  return apply_map(rm, rm->types, rm->ntypes, id, "type", span);
}

static bool map_interface(rs_remap *rm, witc_id *id, witc_span span) {
  return apply_map(rm, rm->ifaces, rm->nifaces, id, "interface", span);
}

bool rs_map_world(rs_remap *rm, witc_id *id, witc_span span) {
  return apply_map(rm, rm->worlds, rm->nworlds, id, "world", span);
}

/* ---- foreign dependencies ------------------------------------------------------------- */

static bool package_not_found(rs_remap *rm, const witc_package_name *want, witc_span span) {
  witc_resolve *r = rm->cx->r;
  rs_sb b = {r->arena, NULL, 0, 0};
  rs_sb_printf(&b, "package '%s' not found", pkg_name(rm->cx, want));
  if (r->packages.len) rs_sb_printf(&b, ". known packages:");
  for (uint32_t i = 0; i < r->packages.len; i++)
    rs_sb_printf(&b, "\n    %s", pkg_name(rm->cx, &r->packages.items[i].name));
  return rs_error(rm->cx, span, "%s", rs_sb_str(&b));
}

/* Index of a package's interfaces or worlds by name (built once per dependency). */
static void index_named(witc_arena *a, const witc_named_id *v, uint32_t n, witc_strmap *out) {
  *out = (witc_strmap){0};
  for (uint32_t i = 0; i < n; i++) witc_strmap_put(out, a, v[i].name, v[i].id, NULL);
}

/* Maps the placeholder interfaces and worlds (which come first in their arenas) onto the
 * real items of already appended packages, in arena order as the reference does. */
static bool process_foreign_items(rs_remap *rm, bool worlds) {
  rs_ctx *cx = rm->cx;
  witc_resolve *r = cx->r;
  const witc_unresolved_package *u = rm->u;
  uint32_t n = worlds ? u->worlds.len : u->interfaces.len;
  uint32_t ndeps = u->foreign_deps.len;
  /* placeholder id -> dep index, item index */
  rs_u32map which_dep = {0}, which_item = {0};
  for (uint32_t d = 0; d < ndeps; d++) {
    const witc_foreign_dep *dep = &u->foreign_deps.items[d];
    for (uint32_t k = 0; k < dep->items.len; k++) {
      const witc_foreign_item *it = &dep->items.items[k];
      if (it->is_world != worlds || it->id >= n) continue;
      rs_u32map_put(&which_dep, r->arena, it->id, d);
      rs_u32map_put(&which_item, r->arena, it->id, k);
    }
  }
  /* Per dependency: its package id (NONE until looked up) and a name index. */
  witc_id *dep_pkg = witc_arena_alloc(r->arena, sizeof(witc_id) * (ndeps + 1));
  witc_strmap *dep_index = witc_arena_alloc(r->arena, sizeof(witc_strmap) * (ndeps + 1));
  for (uint32_t d = 0; d < ndeps; d++) dep_pkg[d] = WITC_ID_NONE;

  witc_id *map = worlds ? rm->worlds : rm->ifaces;
  uint32_t *filled = worlds ? &rm->nworlds : &rm->nifaces;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t d, k = 0;
    if (!rs_u32map_get(&which_dep, i, &d)) break;
    rs_u32map_get(&which_item, i, &k);
    const witc_foreign_dep *dep = &u->foreign_deps.items[d];
    const witc_foreign_item *it = &dep->items.items[k];
    if (dep_pkg[d] == WITC_ID_NONE) {
      uint32_t pkg;
      if (!witc_strmap_get(&r->package_index, witc_str_c(pkg_name(cx, &dep->name)), &pkg))
        return package_not_found(rm, &dep->name, dep->span);
      const witc_package *p = &r->packages.items[pkg];
      if (worlds)
        index_named(r->arena, p->worlds.items, p->worlds.len, &dep_index[d]);
      else
        index_named(r->arena, p->interfaces.items, p->interfaces.len, &dep_index[d]);
      dep_pkg[d] = pkg;
    }
    witc_span span = it->span;
    if (witc_span_is_none(span))
      span = worlds ? u->worlds.items[i].span : u->interfaces.items[i].span;
    /* Kept when any referencing item is kept; an item without recorded gates is kept. */
    bool enabled = it->stabilities.len == 0;
    for (uint32_t s = 0; s < it->stabilities.len && !enabled; s++) {
      int inc = rs_include_stability(rm, it->stabilities.items[s], span);
      if (inc < 0) return false;
      enabled = inc;
    }
    *filled = i + 1;
    if (!enabled) {
      map[i] = WITC_ID_NONE;
      continue;
    }
    uint32_t found;
    if (!witc_strmap_get(&dep_index[d], it->name, &found))
      return rs_error(cx, span, "%s '%.*s' not found in package '%s'",
                      worlds ? "world" : "interface", (int)it->name.len, it->name.ptr,
                      pkg_name(cx, &dep->name));
    map[i] = found;
  }
  return true;
}

static bool process_foreign_deps(rs_remap *rm) {
  rs_ctx *cx = rm->cx;
  witc_resolve *r = cx->r;
  const witc_unresolved_package *u = rm->u;
  if (!process_foreign_items(rm, false) || !process_foreign_items(rm, true)) return false;

  /* Placeholder types ("unknown", first in the arena) name a type of a foreign interface. */
  for (uint32_t i = 0; i < u->types.len; i++) {
    const witc_typedef *td = &u->types.items[i];
    if (td->kind != WITC_TD_UNKNOWN) break;
    int inc = rs_include_stability(rm, td->stability, td->span);
    if (inc < 0) return false;
    rm->ntypes = i + 1;
    if (!inc) {
      rm->types[i] = WITC_ID_NONE;
      continue;
    }
    witc_id iface = td->owner.id;
    if (td->owner.kind != WITC_OWNER_INTERFACE)
      return rs_error(cx, td->span, "internal error: foreign type without an interface");
    if (!map_interface(rm, &iface, WITC_SPAN_NONE)) return false;
    witc_id tid = witc_interface_type(&r->interfaces.items[iface], td->name);
    if (tid == WITC_ID_NONE)
      return rs_error(cx, td->span, "type `%.*s` not defined in interface", (int)td->name.len,
                      td->name.ptr);
    rm->types[i] = tid;
  }

  for (uint32_t i = 0; i < u->required_resource_types.len; i++) {
    witc_type_span ts = u->required_resource_types.items[i];
    /* A gated-out type is reported where it is used, not here. */
    if (ts.type >= rm->ntypes || rm->types[ts.type] == WITC_ID_NONE) continue;
    witc_id id = rm->types[ts.type];
    for (uint32_t guard = 0;; guard++) {
      const witc_typedef *td = &r->types.items[id];
      if (td->kind == WITC_TD_RESOURCE) break;
      if (td->kind != WITC_TD_TYPE || td->u.type.tag != WITC_T_ID || guard > r->types.len)
        return rs_error(cx, ts.span, "type used in a handle must be a resource");
      id = td->u.type.id;
    }
  }
  return true;
}

/* ---- rewriting references -------------------------------------------------------------- */

/* Per-type facts, filled in id order: every type only refers to types with smaller ids,
 * so no recursion is needed and the scan streams through the arena once. */
enum { TF_BORROW = 1, TF_RESOURCE = 2 };

static uint8_t type_flags(rs_ctx *cx, witc_id id) {
  witc_resolve *r = cx->r;
  while (cx->borrow_memo.len <= id) {
    uint32_t cur = cx->borrow_memo.len;
    const witc_typedef *td = &r->types.items[cur];
    uint8_t v = 0;
    if (td->kind == WITC_TD_HANDLE) {
      v = td->u.handle.borrow ? TF_BORROW : 0;
    } else if (td->kind == WITC_TD_RESOURCE) {
      v = TF_RESOURCE;
    } else {
      uint32_t c = 0;
      witc_id child;
      while (rs_typedef_next_child(td, &c, &child))
        if (child < cur) v |= cx->borrow_memo.items[child] & TF_BORROW;
      /* An alias of a resource names the resource too. */
      if (td->kind == WITC_TD_TYPE && td->u.type.tag == WITC_T_ID && td->u.type.id < cur)
        v |= cx->borrow_memo.items[td->u.type.id] & TF_RESOURCE;
    }
    witc_vec_push(r->arena, &cx->borrow_memo, v);
  }
  return cx->borrow_memo.items[id];
}

static witc_id push_type(witc_resolve *r, const witc_typedef *td) {
  witc_vec_push(r->arena, &r->types, *td);
  return r->types.len - 1;
}

/* A value-position reference: map it, and turn a resource (through aliases) into the
 * package's shared anonymous own<T>, created on first need. */
static bool update_ty(rs_remap *rm, witc_type *t, witc_span span) {
  if (t->tag != WITC_T_ID) return true;
  if (!map_type(rm, &t->id, span)) return false;
  witc_resolve *r = rm->cx->r;
  if (!(type_flags(rm->cx, t->id) & TF_RESOURCE)) return true;
  witc_id own;
  if (!rs_u32map_get(&rm->own, t->id, &own)) {
    witc_typedef h = {0};
    h.kind = WITC_TD_HANDLE;
    h.u.handle.borrow = false;
    h.u.handle.resource = t->id;
    h.owner.kind = WITC_OWNER_NONE;
    h.owner.id = WITC_ID_NONE;
    h.span = WITC_SPAN_NONE;
    own = push_type(r, &h);
    rs_u32map_put(&rm->own, r->arena, t->id, own);
  }
  t->id = own;
  return true;
}

static bool update_typedef(rs_remap *rm, witc_typedef *td) {
  witc_span sp = td->span;
  switch (td->kind) {
  case WITC_TD_HANDLE: return map_type(rm, &td->u.handle.resource, sp);
  case WITC_TD_RECORD:
  case WITC_TD_VARIANT:
    for (uint32_t i = 0; i < td->u.fields.len; i++) {
      witc_field *f = &td->u.fields.items[i];
      witc_span fs = witc_span_is_none(f->span) ? sp : f->span;
      if (!update_ty(rm, &f->type, fs)) return false;
    }
    return true;
  case WITC_TD_TUPLE:
    for (uint32_t i = 0; i < td->u.tuple.len; i++)
      if (!update_ty(rm, &td->u.tuple.items[i], sp)) return false;
    return true;
  case WITC_TD_OPTION:
  case WITC_TD_LIST:
  case WITC_TD_FUTURE:
  case WITC_TD_STREAM: return update_ty(rm, &td->u.type, sp);
  case WITC_TD_FIXED_LIST: return update_ty(rm, &td->u.fixed.elem, sp);
  case WITC_TD_MAP:
    return update_ty(rm, &td->u.map.key, sp) && update_ty(rm, &td->u.map.value, sp);
  case WITC_TD_RESULT:
    return update_ty(rm, &td->u.result.ok, sp) && update_ty(rm, &td->u.result.err, sp);
  case WITC_TD_TYPE:
    /* `type a = r` stays an alias of the resource itself (usable as a handle too). */
    return td->u.type.tag != WITC_T_ID || map_type(rm, &td->u.type.id, sp);
  case WITC_TD_RESOURCE:
  case WITC_TD_FLAGS:
  case WITC_TD_ENUM: return true;
  case WITC_TD_UNKNOWN: break;
  }
  return rs_error(rm->cx, sp, "internal error: unexpected placeholder type");
}

static bool is_resource_func(witc_func_kind k) {
  return k != WITC_FUNC_FREESTANDING && k != WITC_FUNC_ASYNC_FREESTANDING;
}

static bool update_function(rs_remap *rm, witc_function *f, witc_span span) {
  if (is_resource_func(f->kind) && !map_type(rm, &f->resource, span)) return false;
  for (uint32_t i = 0; i < f->params.len; i++)
    if (!update_ty(rm, &f->params.items[i].type, span)) return false;
  if (!update_ty(rm, &f->result, span)) return false;
  if (f->result.tag == WITC_T_ID && (type_flags(rm->cx, f->result.id) & TF_BORROW))
    return rs_error(rm->cx, span,
                    "function `%.*s` returns a type which contains a `borrow<T>` which is not "
                    "supported",
                    (int)f->name.len, f->name.ptr);
  return true;
}

/* Rewrites an interface in place (the unresolved package is consumed by its append). */
static bool update_interface(rs_remap *rm, witc_interface *iface) {
  witc_resolve *r = rm->cx->r;
  /* Types: drop the gated-out ones, map the rest. */
  witc_named_id *ts = iface->types.items;
  uint32_t nt = 0;
  for (uint32_t i = 0; i < iface->types.len; i++) {
    witc_named_id e = ts[i];
    if (e.id < rm->ntypes && rm->types[e.id] == WITC_ID_NONE) continue;
    if (!map_type(rm, &e.id, iface->span)) return false;
    ts[nt++] = e;
  }
  if (nt != iface->types.len) {
    iface->types.len = nt;
    iface->type_index = (witc_strmap){0};
    for (uint32_t i = 0; i < nt; i++)
      witc_strmap_put(&iface->type_index, r->arena, ts[i].name, i, NULL);
  }

  /* Functions: drop the gated-out ones, rewrite the rest. */
  witc_function *fs = iface->functions.items;
  uint32_t nf = 0;
  for (uint32_t i = 0; i < iface->functions.len; i++) {
    int inc = rs_include_stability(rm, fs[i].stability, fs[i].span);
    if (inc < 0) return false;
    if (!inc) continue;
    if (!update_function(rm, &fs[i], fs[i].span)) return false;
    if (nf != i) fs[nf] = fs[i];
    nf++;
  }
  if (nf != iface->functions.len) {
    iface->functions.len = nf;
    iface->func_index = (witc_strmap){0};
    for (uint32_t i = 0; i < nf; i++)
      witc_strmap_put(&iface->func_index, r->arena, fs[i].name, i, NULL);
  }
  return true;
}

static const witc_stability *world_item_stability(witc_resolve *r, const witc_world_item *it) {
  switch (it->kind) {
  case WITC_WI_INTERFACE: return it->stability;
  case WITC_WI_FUNCTION: return it->func.stability;
  case WITC_WI_TYPE: return r->types.items[it->id].stability;
  }
  return it->stability;
}

static bool update_world_entries(rs_remap *rm, witc_world_entry **items, uint32_t *len,
                                 uint32_t *cap) {
  witc_resolve *r = rm->cx->r;
  witc_world_entry *out = NULL;
  uint32_t n = 0;
  if (*len) out = witc_arena_alloc(r->arena, sizeof *out * *len);
  for (uint32_t i = 0; i < *len; i++) {
    witc_world_entry e = (*items)[i];
    witc_world_item *it = &e.item;
    if (it->kind == WITC_WI_TYPE && !map_type(rm, &it->id, it->span)) return false;
    int inc = rs_include_stability(rm, world_item_stability(r, it), it->span);
    if (inc < 0) return false;
    if (!inc) continue;
    if (e.key.is_interface && !map_interface(rm, &e.key.iface, it->span)) return false;
    if (it->kind == WITC_WI_INTERFACE && !map_interface(rm, &it->id, it->span)) return false;
    if (it->kind == WITC_WI_FUNCTION && !update_function(rm, &it->func, it->span)) return false;
    out[n++] = e;
  }
  *items = out, *len = *cap = n;
  return true;
}

/* Owners of the appended types still name unresolved interfaces/worlds; map them. */
static bool fix_owners(rs_remap *rm, uint32_t first, witc_owner_kind kind) {
  witc_resolve *r = rm->cx->r;
  for (uint32_t i = first; i < rm->ntypes; i++) {
    witc_id id = rm->types[i];
    if (id == WITC_ID_NONE) continue;
    witc_owner *o = &r->types.items[id].owner;
    if (o->kind != kind) continue;
    witc_id *map = kind == WITC_OWNER_INTERFACE ? rm->ifaces : rm->worlds;
    uint32_t n = kind == WITC_OWNER_INTERFACE ? rm->nifaces : rm->nworlds;
    if (o->id >= n || map[o->id] == WITC_ID_NONE)
      return rs_error(rm->cx, rm->u->types.items[i].span,
                      "found a reference to a %s which is excluded due to its feature not being "
                      "activated; this type is not gated by a feature but its %s is",
                      kind == WITC_OWNER_INTERFACE ? "interface" : "world",
                      kind == WITC_OWNER_INTERFACE ? "interface" : "world");
    o->id = map[o->id];
  }
  return true;
}

/* Growing the big arenas by doubling copies them and touches twice the memory; reserve
 * what this package can add: its own items plus at most one own<T> per type that can
 * name a resource (resources, aliases, foreign types). */
static void reserve_exact(witc_arena *a, void **items, uint32_t len, uint32_t *cap, size_t elem,
                          uint32_t more) {
  if (len + more <= *cap) return;
  /* witc_vec_reserve rounds up to a power of two: up to 2x of zeroed, touched memory. */
  void *p = witc_arena_alloc(a, elem * ((size_t)len + more));
  if (len) memcpy(p, *items, elem * len);
  *items = p;
  *cap = len + more;
}

static void reserve_arenas(witc_resolve *r, const witc_unresolved_package *u) {
  uint32_t handles = 0;
  for (uint32_t i = 0; i < u->types.len; i++) {
    const witc_typedef *td = &u->types.items[i];
    handles += td->kind == WITC_TD_RESOURCE || td->kind == WITC_TD_UNKNOWN ||
               (td->kind == WITC_TD_TYPE && td->u.type.tag == WITC_T_ID);
  }
  reserve_exact(r->arena, (void **)&r->types.items, r->types.len, &r->types.cap,
                sizeof *r->types.items, u->types.len + handles);
  reserve_exact(r->arena, (void **)&r->interfaces.items, r->interfaces.len, &r->interfaces.cap,
                sizeof *r->interfaces.items, u->interfaces.len);
  reserve_exact(r->arena, (void **)&r->worlds.items, r->worlds.len, &r->worlds.cap,
                sizeof *r->worlds.items, u->worlds.len);
}

/* Remap::append: moves one unresolved package into the graph. Its arrays are rewritten in
 * place: the unresolved package is consumed. */
static witc_id append_package(rs_ctx *cx, const witc_unresolved_package *u) {
  witc_resolve *r = cx->r;
  witc_package pkg = {0};
  pkg.name = u->name;
  pkg.docs = u->docs;
  pkg.span = u->name_span;
  witc_vec_push(r->arena, &r->packages, pkg);
  witc_id pkgid = r->packages.len - 1;
  const char *name = pkg_name(cx, &u->name);
  if (!witc_strmap_put(&r->package_index, r->arena, witc_str_c(name), pkgid, NULL)) {
    rs_error(cx, WITC_SPAN_NONE,
             "attempting to re-add package `%s` when it's already present in this `Resolve`",
             name);
    return WITC_ID_NONE;
  }

  rs_remap rm = {0};
  rm.cx = cx;
  rm.u = u;
  rm.pkgid = pkgid;
  rm.types = witc_arena_alloc(r->arena, sizeof(witc_id) * (u->types.len + 1));
  rm.ifaces = witc_arena_alloc(r->arena, sizeof(witc_id) * (u->interfaces.len + 1));
  rm.worlds = witc_arena_alloc(r->arena, sizeof(witc_id) * (u->worlds.len + 1));
  if (!process_foreign_deps(&rm)) return WITC_ID_NONE;
  reserve_arenas(r, u);
  uint32_t ftypes = rm.ntypes, fifaces = rm.nifaces, fworlds = rm.nworlds;

  /* Types, in their (topological) order. */
  for (uint32_t i = ftypes; i < u->types.len; i++) {
    witc_typedef td = u->types.items[i];
    int inc = rs_include_stability(&rm, td.stability, td.span);
    if (inc < 0) return WITC_ID_NONE;
    if (!inc) {
      rm.types[rm.ntypes++] = WITC_ID_NONE;
      continue;
    }
    if (!update_typedef(&rm, &td)) return WITC_ID_NONE;
    witc_id nid = push_type(r, &td);
    if (!td.name.ptr && td.owner.kind == WITC_OWNER_NONE && td.kind == WITC_TD_HANDLE &&
        !td.u.handle.borrow) {
      /* An explicit anonymous own<T> shares the package's implicit one. */
      witc_id prev;
      if (rs_u32map_get(&rm.own, td.u.handle.resource, &prev))
        nid = prev;
      else
        rs_u32map_put(&rm.own, r->arena, td.u.handle.resource, nid);
    }
    rm.types[rm.ntypes++] = nid;
  }

  /* Interfaces (named ones in topological order, then the inline ones of worlds). */
  for (uint32_t i = fifaces; i < u->interfaces.len; i++) {
    witc_interface iface = u->interfaces.items[i];
    int inc = rs_include_stability(&rm, iface.stability, iface.span);
    if (inc < 0) return WITC_ID_NONE;
    if (!inc) {
      rm.ifaces[rm.nifaces++] = WITC_ID_NONE;
      continue;
    }
    iface.package = pkgid;
    iface.clone_of = WITC_ID_NONE;
    if (!update_interface(&rm, &iface)) return WITC_ID_NONE;
    witc_vec_push(r->arena, &r->interfaces, iface);
    rm.ifaces[rm.nifaces++] = r->interfaces.len - 1;
  }
  if (!fix_owners(&rm, ftypes, WITC_OWNER_INTERFACE)) return WITC_ID_NONE;

  /* Worlds: items only; includes and elaboration come once all worlds are in. */
  for (uint32_t i = fworlds; i < u->worlds.len; i++) {
    witc_world w = u->worlds.items[i];
    int inc = rs_include_stability(&rm, w.stability, w.span);
    if (inc < 0) return WITC_ID_NONE;
    if (!inc) {
      rm.worlds[rm.nworlds++] = WITC_ID_NONE;
      continue;
    }
    if (!update_world_entries(&rm, &w.imports.items, &w.imports.len, &w.imports.cap) ||
        !update_world_entries(&rm, &w.exports.items, &w.exports.len, &w.exports.cap))
      return WITC_ID_NONE;
    w.package = pkgid;
    witc_vec_push(r->arena, &r->worlds, w);
    rm.worlds[rm.nworlds++] = r->worlds.len - 1;
  }
  if (!fix_owners(&rm, ftypes, WITC_OWNER_WORLD)) return WITC_ID_NONE;

  /* Worlds are in dependency order, so an included world is already final. */
  for (uint32_t i = fworlds; i < u->worlds.len; i++)
    if (rm.worlds[i] != WITC_ID_NONE && !rs_finish_world(&rm, rm.worlds[i])) return WITC_ID_NONE;

  witc_package *p = &r->packages.items[pkgid];
  for (uint32_t i = fifaces; i < u->interfaces.len; i++) {
    witc_id id = rm.ifaces[i];
    if (id == WITC_ID_NONE) continue;
    const witc_interface *iface = &r->interfaces.items[id];
    if (iface->name.ptr)
      witc_vec_push(r->arena, &p->interfaces, ((witc_named_id){iface->name, id}));
  }
  for (uint32_t i = fworlds; i < u->worlds.len; i++) {
    witc_id id = rm.worlds[i];
    if (id == WITC_ID_NONE) continue;
    witc_vec_push(r->arena, &p->worlds, ((witc_named_id){r->worlds.items[id].name, id}));
  }
  return pkgid;
}

/* ---- package order (sort_unresolved_packages) ----------------------------------------- */

typedef struct pkg_entry {
  const witc_unresolved_package *pkg;
  const char *name;
  bool visiting, done;
} pkg_entry;

typedef struct dfs_frame {
  uint32_t entry, cursor, via; /* via: the entry whose `visiting` mark this frame clears */
} dfs_frame;

/* Package-name order (BTreeMap<PackageName, _> in the reference), as a stable merge sort
 * over entry indices: qsort has no context argument in C17. */
static void sort_indices(uint32_t *v, uint32_t *tmp, uint32_t n, const pkg_entry *es) {
  for (uint32_t w = 1; w < n; w *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * w) {
      uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = witc_package_name_cmp(&es[v[j]].pkg->name, &es[v[i]].pkg->name) < 0 ? v[j++]
                                                                                       : v[i++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    memcpy(v, tmp, sizeof *v * n);
  }
}

witc_id rs_push_groups(rs_ctx *cx, witc_unresolved_group *main, witc_unresolved_group *deps,
                       uint32_t ndeps) {
  witc_resolve *r = cx->r;
  witc_vec(pkg_entry) es = {0};
  witc_strmap by_name = {0};

  /* Every package of every group, nested ones before their file's main package. */
  for (uint32_t g = 0; g <= ndeps; g++) {
    witc_unresolved_group *grp = g == 0 ? main : &deps[g - 1];
    for (uint32_t k = 0; k <= grp->nested.len; k++) {
      const witc_unresolved_package *p = k < grp->nested.len ? &grp->nested.items[k] : &grp->main;
      pkg_entry e = {p, pkg_name(cx, &p->name), false, false};
      uint32_t prev;
      if (!witc_strmap_put(&by_name, r->arena, witc_str_c(e.name), es.len, &prev)) {
        rs_error(cx, WITC_SPAN_NONE,
                 "package `%s` is defined in two different locations:\n  * %s\n  * %s", e.name,
                 render_location(cx, p->name_span),
                 render_location(cx, es.items[prev].pkg->name_span));
        return WITC_ID_NONE;
      }
      witc_vec_push(r->arena, &es, e);
    }
  }

  uint32_t n = es.len;
  uint32_t *sorted = witc_arena_alloc(r->arena, sizeof(uint32_t) * (2 * n + 1));
  for (uint32_t i = 0; i < n; i++) sorted[i] = i;
  sort_indices(sorted, sorted + n, n, es.items);

  /* Depth-first: a package's foreign dependencies (first-reference order) go first. The
   * explicit stack holds at most one frame per package. */
  uint32_t *order = witc_arena_alloc(r->arena, sizeof(uint32_t) * (n + 1));
  uint32_t norder = 0;
  dfs_frame *stack = witc_arena_alloc(r->arena, sizeof(dfs_frame) * (n + 1));
  for (uint32_t s = 0; s < n; s++) {
    if (es.items[sorted[s]].done) continue;
    uint32_t sp = 0;
    stack[sp++] = (dfs_frame){sorted[s], 0, UINT32_MAX};
    while (sp) {
      dfs_frame *f = &stack[sp - 1];
      const witc_unresolved_package *p = es.items[f->entry].pkg;
      if (f->cursor < p->foreign_deps.len) {
        const witc_foreign_dep *dep = &p->foreign_deps.items[f->cursor++];
        uint32_t d;
        if (!witc_strmap_get(&by_name, witc_str_c(pkg_name(cx, &dep->name)), &d)) continue;
        if (es.items[d].visiting) {
          rs_error(cx, dep->span, "package `%s` creates a dependency cycle", es.items[d].name);
          return WITC_ID_NONE;
        }
        if (es.items[d].done) continue;
        es.items[d].visiting = true;
        stack[sp++] = (dfs_frame){d, 0, d};
        continue;
      }
      es.items[f->entry].done = true;
      order[norder++] = f->entry;
      if (f->via != UINT32_MAX) es.items[f->via].visiting = false;
      sp--;
    }
  }

  witc_id main_id = WITC_ID_NONE;
  for (uint32_t i = 0; i < norder; i++) {
    const witc_unresolved_package *p = es.items[order[i]].pkg;
    witc_id id = append_package(cx, p);
    if (id == WITC_ID_NONE) return WITC_ID_NONE;
    if (p == &main->main) main_id = id;
  }
  return main_id;
}

/* ---- select_world ------------------------------------------------------------------- */

static const char *world_id_str(witc_resolve *r, witc_id pkg, witc_str name) {
  const witc_package_name *n = &r->packages.items[pkg].name;
  if (n->has_version)
    return witc_arena_printf(r->arena, "%.*s:%.*s/%.*s@%.*s", (int)n->ns.len, n->ns.ptr,
                             (int)n->name.len, n->name.ptr, (int)name.len, name.ptr,
                             (int)n->version.text.len, n->version.text.ptr);
  return witc_arena_printf(r->arena, "%.*s:%.*s/%.*s", (int)n->ns.len, n->ns.ptr,
                           (int)n->name.len, n->name.ptr, (int)name.len, name.ptr);
}

static bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool all_ident(const char *s, size_t n) {
  if (!n) return false;
  for (size_t i = 0; i < n; i++)
    if (!is_ident_char(s[i])) return false;
  return true;
}

witc_id witc_resolve_select_world(witc_resolve *self, witc_id pkg, const char *name,
                                  witc_diags *diags) {
  rs_ctx cx = {self, diags, "", {0}};
  if (pkg == WITC_ID_NONE || pkg >= self->packages.len) {
    rs_error(&cx, WITC_SPAN_NONE, "No main packages defined");
    return WITC_ID_NONE;
  }
  const witc_package *p = &self->packages.items[pkg];
  const char *pname = pkg_name(&cx, &p->name);
  if (!name) {
    if (p->worlds.len == 1) return p->worlds.items[0].id;
    if (!p->worlds.len) {
      rs_error(&cx, WITC_SPAN_NONE, "The main package `%s` contains no worlds", pname);
      return WITC_ID_NONE;
    }
    rs_sb b = {self->arena, NULL, 0, 0};
    rs_sb_printf(&b, "There are multiple worlds in `%s`; one must be explicitly chosen:", pname);
    for (uint32_t i = 0; i < p->worlds.len; i++)
      rs_sb_printf(&b, "\n  %s", world_id_str(self, pkg, p->worlds.items[i].name));
    rs_error(&cx, WITC_SPAN_NONE, "%s", rs_sb_str(&b));
    return WITC_ID_NONE;
  }

  /* `world`, or `ns:pkg/world[@version]` (a use-path). A plain name may be written
   * `%world`, as in WIT. */
  const char *colon = strchr(name, ':');
  if (!colon && name[0] == '%') name++;
  witc_id in = pkg;
  witc_str wname = witc_str_c(name);
  if (colon) {
    const char *slash = strchr(colon, '/');
    const char *at = slash ? strchr(slash, '@') : NULL;
    const char *wend = at ? at : name + strlen(name);
    if (!slash || !all_ident(name, (size_t)(colon - name)) ||
        !all_ident(colon + 1, (size_t)(slash - colon - 1)) ||
        !all_ident(slash + 1, (size_t)(wend - slash - 1)) || (at && !at[1])) {
      rs_error(&cx, WITC_SPAN_NONE, "failed to parse world specifier `%s`", name);
      return WITC_ID_NONE;
    }
    wname = (witc_str){slash + 1, (uint32_t)(wend - slash - 1)};
    const char *key = at ? witc_arena_printf(self->arena, "%.*s%s", (int)(slash - name), name, at)
                         : witc_arena_strndup(self->arena, name, (size_t)(slash - name));
    uint32_t id;
    if (witc_strmap_get(&self->package_index, witc_str_c(key), &id)) {
      in = id;
    } else {
      /* Without a version, a single versioned package of that name is accepted. */
      witc_str ns = {name, (uint32_t)(colon - name)};
      witc_str pn = {colon + 1, (uint32_t)(slash - colon - 1)};
      witc_id c1 = WITC_ID_NONE;
      for (uint32_t i = 0; i < self->packages.len && !at; i++) {
        const witc_package_name *n = &self->packages.items[i].name;
        if (!n->has_version || !witc_str_eq(n->ns, ns) || !witc_str_eq(n->name, pn)) continue;
        if (c1 != WITC_ID_NONE) {
          const witc_version *v1 = &self->packages.items[c1].name.version;
          rs_error(&cx, WITC_SPAN_NONE,
                   "package name `%s` is available at both versions %.*s and %.*s but which is "
                   "not specified",
                   key, (int)v1->text.len, v1->text.ptr, (int)n->version.text.len,
                   n->version.text.ptr);
          return WITC_ID_NONE;
        }
        c1 = i;
      }
      if (c1 == WITC_ID_NONE) {
        rs_error(&cx, WITC_SPAN_NONE, "unknown package `%s`", key);
        return WITC_ID_NONE;
      }
      in = c1;
    }
  } else if (!all_ident(name, strlen(name))) {
    rs_error(&cx, WITC_SPAN_NONE, "failed to parse world specifier `%s`", name);
    return WITC_ID_NONE;
  }
  const witc_package *ip = &self->packages.items[in];
  for (uint32_t i = 0; i < ip->worlds.len; i++)
    if (witc_str_eq(ip->worlds.items[i].name, wname)) return ip->worlds.items[i].id;
  rs_error(&cx, WITC_SPAN_NONE, "World `%.*s` not found in package `%s`", (int)wname.len,
           wname.ptr, pkg_name(&cx, &ip->name));
  return WITC_ID_NONE;
}

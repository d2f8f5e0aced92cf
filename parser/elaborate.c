/* elaborate.c: finishing a world once its package's items are in the graph (wit-parser's
 * process_world_includes, resolve_include, clone.rs, the case-insensitive name check and
 * elaborate_world).
 *
 * World imports/exports are ordered lists (IndexMap in the reference); while a world is
 * being rebuilt each list carries a hash index of its keys so lookups stay O(1). Walks
 * over interface dependencies and type graphs use explicit stacks. */
#include <string.h>

#include "resolve_int.h"

/* ---- keyed lists of world entries ------------------------------------------------------ */

typedef witc_vec(witc_world_entry) entry_vec;

/* Each witc_vec() is its own struct type: copy the fields across. */
#define EV(v) ((entry_vec){(v).items, (v).len, (v).cap})
#define SET_EV(dst, src) ((dst).items = (src).items, (dst).len = (src).len, (dst).cap = (src).cap)

typedef struct wlist {
  entry_vec v;
  witc_strmap names;  /* plain-name key -> index */
  rs_u32map ifaces;   /* interface-id key -> index */
} wlist;

static uint32_t wl_find(const wlist *l, const witc_world_key *k) {
  uint32_t i;
  bool found = k->is_interface ? rs_u32map_get(&l->ifaces, k->iface, &i)
                                : witc_strmap_get(&l->names, k->name, &i);
  if (found) return i;
  return UINT32_MAX;
}

static void wl_push(witc_arena *a, wlist *l, const witc_world_entry *e) {
  uint32_t i = l->v.len;
  witc_vec_push(a, &l->v, *e);
  if (e->key.is_interface)
    rs_u32map_put(&l->ifaces, a, e->key.iface, i);
  else
    witc_strmap_put(&l->names, a, e->key.name, i, NULL);
}

static void wl_init(witc_arena *a, wlist *l, const entry_vec *from) {
  memset(l, 0, sizeof *l);
  for (uint32_t i = 0; i < from->len; i++) wl_push(a, l, &from->items[i]);
}

static witc_world_key iface_key(witc_id id) {
  return (witc_world_key){true, WITC_STR_NONE, id};
}

/* ---- the cloner (clone.rs) -------------------------------------------------------------- */

/* Deep copies of world-owned types, the anonymous types they use and inline interfaces,
 * for `include`. `types` maps original -> copy for the whole include. */
typedef struct cloner {
  rs_ctx *cx;
  witc_owner prev, next; /* owner being copied from / to */
  witc_id package;       /* package of cloned interfaces */
  rs_u32map *types;
} cloner;

typedef struct clone_frame {
  witc_id id;
  uint32_t cursor;
} clone_frame;

/* Whether child `c` of a type being copied is copied too: everything except an alias'
 * target owned by someone else (a `use`d type stays shared). */
static bool clone_child(const cloner *cl, const witc_typedef *td, witc_id c) {
  if (td->kind != WITC_TD_TYPE) return true;
  return rs_owner_eq(cl->cx->r->types.items[c].owner, cl->prev);
}

static witc_type clone_remap(const cloner *cl, witc_type t) {
  uint32_t v;
  if (t.tag == WITC_T_ID && rs_u32map_get(cl->types, t.id, &v)) t.id = v;
  return t;
}

/* Copies type `root` (children first, so ids stay topological) and returns the copy. */
static witc_id clone_type(cloner *cl, witc_id root) {
  witc_resolve *r = cl->cx->r;
  uint32_t done;
  if (rs_u32map_get(cl->types, root, &done)) return done;
  witc_vec(clone_frame) stack = {0};
  witc_vec_push(r->arena, &stack, ((clone_frame){root, 0}));
  while (stack.len) {
    clone_frame *f = &stack.items[stack.len - 1];
    const witc_typedef *td = &r->types.items[f->id];
    witc_id c;
    bool pushed = false;
    while (rs_typedef_next_child(td, &f->cursor, &c)) {
      if (!clone_child(cl, td, c) || rs_u32map_get(cl->types, c, NULL)) continue;
      witc_vec_push(r->arena, &stack, ((clone_frame){c, 0}));
      pushed = true;
      break;
    }
    if (pushed) continue;
    witc_typedef nt = *td;
    if (nt.owner.kind != WITC_OWNER_NONE) nt.owner = cl->next;
    switch (nt.kind) {
    case WITC_TD_RECORD:
    case WITC_TD_VARIANT:
    case WITC_TD_FLAGS:
    case WITC_TD_ENUM: {
      witc_field *fs = NULL;
      if (nt.u.fields.len) {
        fs = witc_arena_alloc(r->arena, sizeof *fs * nt.u.fields.len);
        for (uint32_t i = 0; i < nt.u.fields.len; i++) {
          fs[i] = nt.u.fields.items[i];
          fs[i].type = clone_remap(cl, fs[i].type);
        }
      }
      nt.u.fields.items = fs, nt.u.fields.cap = nt.u.fields.len;
      break;
    }
    case WITC_TD_TUPLE: {
      witc_type *ts = NULL;
      if (nt.u.tuple.len) {
        ts = witc_arena_alloc(r->arena, sizeof *ts * nt.u.tuple.len);
        for (uint32_t i = 0; i < nt.u.tuple.len; i++) ts[i] = clone_remap(cl, nt.u.tuple.items[i]);
      }
      nt.u.tuple.items = ts, nt.u.tuple.cap = nt.u.tuple.len;
      break;
    }
    case WITC_TD_TYPE:
      if (nt.u.type.tag == WITC_T_ID && clone_child(cl, td, nt.u.type.id))
        nt.u.type = clone_remap(cl, nt.u.type);
      break;
    case WITC_TD_OPTION:
    case WITC_TD_LIST:
    case WITC_TD_FUTURE:
    case WITC_TD_STREAM: nt.u.type = clone_remap(cl, nt.u.type); break;
    case WITC_TD_FIXED_LIST: nt.u.fixed.elem = clone_remap(cl, nt.u.fixed.elem); break;
    case WITC_TD_MAP:
      nt.u.map.key = clone_remap(cl, nt.u.map.key);
      nt.u.map.value = clone_remap(cl, nt.u.map.value);
      break;
    case WITC_TD_RESULT:
      nt.u.result.ok = clone_remap(cl, nt.u.result.ok);
      nt.u.result.err = clone_remap(cl, nt.u.result.err);
      break;
    case WITC_TD_HANDLE:
      nt.u.handle.resource = clone_remap(cl, witc_type_id(nt.u.handle.resource)).id;
      break;
    case WITC_TD_RESOURCE:
    case WITC_TD_UNKNOWN: break;
    }
    witc_id old = f->id;
    witc_vec_push(r->arena, &r->types, nt);
    rs_u32map_put(cl->types, r->arena, old, r->types.len - 1);
    stack.len--;
  }
  rs_u32map_get(cl->types, root, &done);
  return done;
}

static void clone_function(cloner *cl, witc_function *f) {
  witc_resolve *r = cl->cx->r;
  if (f->kind != WITC_FUNC_FREESTANDING && f->kind != WITC_FUNC_ASYNC_FREESTANDING)
    f->resource = clone_type(cl, f->resource);
  witc_param *ps = NULL;
  if (f->params.len) {
    ps = witc_arena_alloc(r->arena, sizeof *ps * f->params.len);
    for (uint32_t i = 0; i < f->params.len; i++) {
      ps[i] = f->params.items[i];
      if (ps[i].type.tag == WITC_T_ID) ps[i].type.id = clone_type(cl, ps[i].type.id);
    }
  }
  f->params.items = ps, f->params.cap = f->params.len;
  if (f->result.tag == WITC_T_ID) f->result.id = clone_type(cl, f->result.id);
}

/* Copies an inline interface: its types and functions get the new interface as owner and
 * the copy records the original in clone_of. */
static witc_id clone_interface(cloner *cl, witc_id id) {
  witc_resolve *r = cl->cx->r;
  witc_interface ni = r->interfaces.items[id];
  witc_id next = r->interfaces.len;
  cloner sub = *cl;
  sub.prev = (witc_owner){WITC_OWNER_INTERFACE, id};
  sub.next = (witc_owner){WITC_OWNER_INTERFACE, next};
  witc_named_id *ts = NULL;
  if (ni.types.len) {
    ts = witc_arena_alloc(r->arena, sizeof *ts * ni.types.len);
    for (uint32_t i = 0; i < ni.types.len; i++) {
      ts[i] = ni.types.items[i];
      ts[i].id = clone_type(&sub, ts[i].id);
    }
  }
  ni.types.items = ts, ni.types.cap = ni.types.len;
  witc_function *fs = NULL;
  if (ni.functions.len) {
    fs = witc_arena_alloc(r->arena, sizeof *fs * ni.functions.len);
    for (uint32_t i = 0; i < ni.functions.len; i++) {
      fs[i] = ni.functions.items[i];
      clone_function(&sub, &fs[i]);
    }
  }
  ni.functions.items = fs, ni.functions.cap = ni.functions.len;
  ni.package = cl->package;
  ni.clone_of = id;
  witc_vec_push(r->arena, &r->interfaces, ni);
  return next;
}

/* ---- include ----------------------------------------------------------------------------- */

/* The part of a plain name that `with { from as to }` can rename: the name itself, or the
 * resource of "[constructor]r", "[method]r.m" and "[static]r.s" (an identifier `from` can
 * match nothing else). */
static witc_str rename_target(witc_str name, uint32_t *prefix) {
  const char *close = name.len ? memchr(name.ptr, ']', name.len) : NULL;
  *prefix = 0;
  if (!close) return name;
  *prefix = (uint32_t)(close - name.ptr) + 1;
  witc_str rest = {close + 1, name.len - *prefix};
  const char *dot = rest.len ? memchr(rest.ptr, '.', rest.len) : NULL;
  if (dot) rest.len = (uint32_t)(dot - rest.ptr);
  return rest;
}

/* `name` with its renamable part replaced by `to`. */
static witc_str rename_name(witc_arena *a, witc_str name, witc_str to) {
  uint32_t prefix;
  witc_str part = rename_target(name, &prefix);
  if (!prefix) return to;
  size_t tail = name.len - prefix - part.len;
  return witc_str_c(witc_arena_printf(a, "%.*s%.*s%.*s", (int)prefix, name.ptr, (int)to.len,
                                      to.ptr, (int)tail, part.ptr + part.len));
}

/* update_stability: an absent gate adopts the other; two different gates clash. */
static bool update_stability(rs_ctx *cx, const witc_stability *from,
                             const witc_stability **into, witc_span span) {
  if (witc_stability_kind_of(from) == WITC_STAB_UNKNOWN || rs_stability_eq(from, *into))
    return true;
  if (witc_stability_kind_of(*into) == WITC_STAB_UNKNOWN) {
    *into = from;
    return true;
  }
  return rs_error(cx, span, "mismatch in stability from '%s' to '%s'",
                  rs_stability_debug(cx->r->arena, from), rs_stability_debug(cx->r->arena, *into));
}

static bool include_item(cloner *cl, const witc_world_include *inc, const witc_strmap *with,
                         wlist *dst,
                         const witc_world_entry *e, const char *kind, bool external) {
  rs_ctx *cx = cl->cx;
  witc_resolve *r = cx->r;
  if (e->key.is_interface) {
    uint32_t at = wl_find(dst, &e->key);
    if (at == UINT32_MAX) {
      wl_push(r->arena, dst, e);
      at = dst->v.len - 1;
    }
    witc_world_item *into = &dst->v.items[at].item;
    /* An @since gate does not travel across packages. */
    if (external && witc_stability_kind_of(e->item.stability) == WITC_STAB_STABLE) {
      into->stability = NULL;
      return true;
    }
    return update_stability(cx, e->item.stability, &into->stability, inc->span);
  }
  witc_str name = e->key.name;
  uint32_t prefix, w;
  if (witc_strmap_get(with, rename_target(name, &prefix), &w))
    name = rename_name(r->arena, name, inc->names.items[w].to);
  witc_world_entry ne = *e;
  ne.key.name = name;
  switch (ne.item.kind) {
  case WITC_WI_TYPE:
    ne.item.id = clone_type(cl, ne.item.id);
    r->types.items[ne.item.id].name = name;
    break;
  case WITC_WI_FUNCTION:
    clone_function(cl, &ne.item.func);
    ne.item.func.name = name;
    break;
  case WITC_WI_INTERFACE:
    /* Inline interfaces belong to their world; a named interface stays shared. */
    if (!r->interfaces.items[ne.item.id].name.ptr) ne.item.id = clone_interface(cl, ne.item.id);
    break;
  }
  if (wl_find(dst, &ne.key) != UINT32_MAX)
    return rs_error(cx, inc->span, "%s of `%.*s` shadows previously %sed items", kind,
                    (int)name.len, name.ptr, kind);
  wl_push(r->arena, dst, &ne);
  return true;
}

static bool resolve_include(rs_remap *rm, witc_id world, const witc_world_include *inc,
                            wlist *imports, wlist *exports) {
  rs_ctx *cx = rm->cx;
  witc_resolve *r = cx->r;
  witc_id src = inc->world;
  if (!rs_map_world(rm, &src, inc->span)) return false;
  /* Snapshot: the included world is final and is never the world being extended. */
  entry_vec si = EV(r->worlds.items[src].imports), se = EV(r->worlds.items[src].exports);
  bool external = r->worlds.items[src].package != rm->pkgid;

  /* Every `with` name must match a plain-named item of the included world; the first
   * entry for a name is the one applied. */
  witc_strmap with = {0}, targets = {0};
  for (uint32_t n = 0; n < inc->names.len; n++)
    witc_strmap_put(&with, r->arena, inc->names.items[n].from, n, NULL);
  for (uint32_t pass = 0; pass < 2 && inc->names.len; pass++) {
    const entry_vec *v = pass ? &se : &si;
    uint32_t prefix;
    for (uint32_t i = 0; i < v->len; i++)
      if (!v->items[i].key.is_interface)
        witc_strmap_put(&targets, r->arena, rename_target(v->items[i].key.name, &prefix), 0, NULL);
  }
  for (uint32_t n = 0; n < inc->names.len; n++)
    if (!witc_strmap_get(&targets, inc->names.items[n].from, NULL))
      return rs_error(cx, inc->span,
                      "no import or export kebab-name `%.*s`. Note that an ID does not support "
                      "renaming",
                      (int)inc->names.items[n].from.len, inc->names.items[n].from.ptr);

  rs_u32map types = {0};
  cloner cl = {cx, {WITC_OWNER_WORLD, src}, {WITC_OWNER_WORLD, world}, rm->pkgid, &types};
  for (uint32_t i = 0; i < si.len; i++)
    if (!include_item(&cl, inc, &with, imports, &si.items[i], "import", external)) return false;
  for (uint32_t i = 0; i < se.len; i++)
    if (!include_item(&cl, inc, &with, exports, &se.items[i], "export", external)) return false;
  return true;
}

/* Kebab-case names are case-insensitive: "foo" and "FOO" may not both be imported. */
static bool check_case(rs_ctx *cx, const witc_world *w, const entry_vec *v, const char *kind) {
  witc_resolve *r = cx->r;
  witc_strmap seen = {0};
  for (uint32_t i = 0; i < v->len; i++) {
    const witc_world_key *k = &v->items[i].key;
    if (k->is_interface) continue;
    witc_str lower = k->name;
    for (uint32_t j = 0; j < k->name.len; j++) {
      if (k->name.ptr[j] < 'A' || k->name.ptr[j] > 'Z') continue;
      char *l = witc_arena_strndup(r->arena, k->name.ptr, k->name.len);
      for (uint32_t m = j; m < k->name.len; m++)
        if (l[m] >= 'A' && l[m] <= 'Z') l[m] = (char)(l[m] - 'A' + 'a');
      lower = (witc_str){l, k->name.len};
      break;
    }
    uint32_t prev;
    if (!witc_strmap_put(&seen, r->arena, lower, i, &prev)) {
      witc_str pn = v->items[prev].key.name;
      if (!witc_str_eq(pn, k->name))
        return rs_error(cx, WITC_SPAN_NONE,
                        "%s `%.*s` in world `%.*s` conflicts with %s `%.*s` (kebab-case "
                        "identifiers are case-insensitive)",
                        kind, (int)k->name.len, k->name.ptr, (int)w->name.len, w->name.ptr, kind,
                        (int)pn.len, pn.ptr);
    }
  }
  return true;
}

/* ---- elaboration --------------------------------------------------------------------------- */

/* Import classes, the order imports end up in: interfaces, `use`d types, other types,
 * freestanding functions, resource functions. */
static int import_class(const witc_resolve *r, const witc_world_item *it) {
  switch (it->kind) {
  case WITC_WI_INTERFACE: return 0;
  case WITC_WI_TYPE: {
    const witc_typedef *td = &r->types.items[it->id];
    if (td->kind == WITC_TD_TYPE && td->u.type.tag == WITC_T_ID &&
        !rs_owner_eq(r->types.items[td->u.type.id].owner, td->owner))
      return 1;
    return 2;
  }
  case WITC_WI_FUNCTION:
    return it->func.kind == WITC_FUNC_FREESTANDING || it->func.kind == WITC_FUNC_ASYNC_FREESTANDING
               ? 3
               : 4;
  }
  return 0;
}

/* Stable sort by class (a bucket pass per class). */
static entry_vec sort_by_class(witc_resolve *r, const entry_vec *v) {
  entry_vec out = {0};
  if (!v->len) return out;
  out.items = witc_arena_alloc(r->arena, sizeof *out.items * v->len);
  out.cap = v->len;
  uint8_t *cls = witc_arena_alloc(r->arena, v->len);
  for (uint32_t i = 0; i < v->len; i++) cls[i] = (uint8_t)import_class(r, &v->items[i].item);
  for (uint8_t c = 0; c < 5; c++)
    for (uint32_t i = 0; i < v->len; i++)
      if (cls[i] == c) out.items[out.len++] = v->items[i];
  return out;
}

/* The next interface `iface` depends on (through a `use`d type), from type index *cursor. */
static bool next_iface_dep(const witc_resolve *r, witc_id iface, uint32_t *cursor, witc_id *out) {
  const witc_interface *i = &r->interfaces.items[iface];
  while (*cursor < i->types.len) {
    witc_id d = rs_type_interface_dep(r, i->types.items[(*cursor)++].id);
    if (d != WITC_ID_NONE) {
      *out = d;
      return true;
    }
  }
  return false;
}

typedef struct dep_frame {
  witc_id id;
  uint32_t cursor;
  witc_world_key key;
  bool add;  /* exports: whether this is added as an export */
  bool root;
} dep_frame;

static witc_world_entry iface_entry(witc_world_key key, witc_id id, const witc_stability *s) {
  witc_world_entry e;
  memset(&e, 0, sizeof e);
  e.key = key;
  e.item.kind = WITC_WI_INTERFACE;
  e.item.id = id;
  e.item.stability = s;
  e.item.span = WITC_SPAN_NONE;
  return e;
}

/* elaborate_world_import: `id` under `key`, preceded by everything it depends on
 * (dependencies keyed by interface, with the importing item's gate). */
static void elab_import(rs_ctx *cx, wlist *imports, const witc_world_entry *root,
                        witc_world_key key, witc_id id, const witc_stability *stab) {
  witc_resolve *r = cx->r;
  if (wl_find(imports, &key) != UINT32_MAX) return;
  witc_vec(dep_frame) stack = {0};
  witc_vec_push(r->arena, &stack, ((dep_frame){id, 0, key, false, true}));
  while (stack.len) {
    dep_frame *f = &stack.items[stack.len - 1];
    witc_id d;
    bool pushed = false;
    while (next_iface_dep(r, f->id, &f->cursor, &d)) {
      witc_world_key dk = iface_key(d);
      if (wl_find(imports, &dk) != UINT32_MAX) continue;
      witc_vec_push(r->arena, &stack, ((dep_frame){d, 0, dk, false, false}));
      pushed = true;
      break;
    }
    if (pushed) continue;
    witc_world_entry e = iface_entry(f->key, f->id, stab);
    if (f->root && root) {
      /* The item itself keeps its docs, external id and location. */
      e.item = root->item;
      e.item.stability = stab;
    }
    wl_push(r->arena, imports, &e);
    stack.len--;
  }
}

typedef struct export_ctx {
  rs_ctx *cx;
  wlist *imports, *exports;
  rs_u32map export_ifaces; /* interface id -> index into `list` */
  const witc_world_entry **list;
  rs_u32map required;      /* interfaces that must stay imports */
} export_ctx;

/* add_world_export: adds export `root` after its dependencies; dependencies that are
 * exported themselves become exports, the others (and all they depend on) imports. False
 * when an interface would have to be both. */
static bool add_export(export_ctx *x, const witc_world_entry *root) {
  witc_resolve *r = x->cx->r;
  const witc_stability *stab = root->item.stability;
  witc_vec(dep_frame) stack = {0};
  dep_frame first = {root->item.id, 0, root->key, true, true};
  if (wl_find(x->exports, &first.key) != UINT32_MAX) return true;
  witc_vec_push(r->arena, &stack, first);
  while (stack.len) {
    dep_frame *f = &stack.items[stack.len - 1];
    witc_id d;
    bool pushed = false;
    while (next_iface_dep(r, f->id, &f->cursor, &d)) {
      witc_world_key dk = iface_key(d);
      bool add = f->add && rs_u32map_get(&x->export_ifaces, d, NULL);
      if (wl_find(x->exports, &dk) != UINT32_MAX) {
        if (!add) return false;
        continue;
      }
      if (!add && rs_u32map_get(&x->required, d, NULL)) continue;
      witc_vec_push(r->arena, &stack, ((dep_frame){d, 0, dk, add, false}));
      pushed = true;
      break;
    }
    if (pushed) continue;
    witc_world_entry e = iface_entry(f->key, f->id, stab);
    if (f->add) {
      if (rs_u32map_get(&x->required, f->id, NULL)) return false;
      uint32_t li;
      const witc_world_entry *own = f->root ? root
                                   : rs_u32map_get(&x->export_ifaces, f->id, &li) ? x->list[li]
                                                                                 : NULL;
      if (own) {
        /* Keeps docs and external id; the gate is the one of the export being added. */
        e.item = own->item;
        e.item.stability = stab;
      }
      wl_push(r->arena, x->exports, &e);
    } else {
      rs_u32map_put(&x->required, r->arena, f->id, 1);
      uint32_t at = wl_find(x->imports, &e.key);
      if (at == UINT32_MAX)
        wl_push(r->arena, x->imports, &e);
      else
        x->imports->v.items[at].item.stability = stab;
    }
    stack.len--;
  }
  return true;
}

static const char *world_key_name(rs_ctx *cx, const witc_world_key *k) {
  if (!k->is_interface)
    return witc_arena_strndup(cx->r->arena, k->name.ptr ? k->name.ptr : "", k->name.len);
  const char *s = rs_id_of(cx->r, k->iface);
  return s ? s : "<anonymous>";
}

static bool elaborate_world(rs_ctx *cx, witc_id wid) {
  witc_resolve *r = cx->r;
  witc_world *w = &r->worlds.items[wid];
  wlist imports;
  memset(&imports, 0, sizeof imports);
  entry_vec wi = EV(w->imports);
  entry_vec sorted = sort_by_class(r, &wi);
  for (uint32_t i = 0; i < sorted.len; i++) {
    const witc_world_entry *e = &sorted.items[i];
    switch (e->item.kind) {
    case WITC_WI_INTERFACE:
      elab_import(cx, &imports, e, e->key, e->item.id, e->item.stability);
      break;
    case WITC_WI_FUNCTION: wl_push(r->arena, &imports, e); break;
    case WITC_WI_TYPE: {
      witc_id dep = rs_type_interface_dep(r, e->item.id);
      if (dep != WITC_ID_NONE)
        elab_import(cx, &imports, NULL, iface_key(dep), dep, r->types.items[e->item.id].stability);
      wl_push(r->arena, &imports, e);
      break;
    }
    }
  }

  wlist exports;
  memset(&exports, 0, sizeof exports);
  export_ctx x = {cx, &imports, &exports, {0}, NULL, {0}};
  uint32_t nexp = 0;
  x.list = witc_arena_alloc(r->arena, sizeof *x.list * (w->exports.len + 1));
  for (uint32_t i = 0; i < w->exports.len; i++) {
    const witc_world_entry *e = &w->exports.items[i];
    if (e->item.kind == WITC_WI_INTERFACE) {
      if (rs_u32map_get(&x.export_ifaces, e->item.id, NULL)) continue;
      rs_u32map_put(&x.export_ifaces, r->arena, e->item.id, nexp);
      x.list[nexp++] = e;
    } else {
      wl_push(r->arena, &exports, e);
    }
  }
  for (uint32_t i = 0; i < nexp; i++)
    if (!add_export(&x, x.list[i]))
      return rs_error(cx, w->span,
                      "interface `%s` transitively depends on an interface in incompatible ways",
                      world_key_name(cx, &x.list[i]->key));

  entry_vec fin = sort_by_class(r, &imports.v);
  SET_EV(w->imports, fin);
  SET_EV(w->exports, exports.v);
  return true;
}

bool rs_finish_world(rs_remap *rm, witc_id wid) {
  rs_ctx *cx = rm->cx;
  witc_resolve *r = cx->r;
  witc_world *w = &r->worlds.items[wid];
  if (w->includes.len) {
    wlist imports, exports;
    entry_vec wi = EV(w->imports), we = EV(w->exports);
    wl_init(r->arena, &imports, &wi);
    wl_init(r->arena, &exports, &we);
    for (uint32_t i = 0; i < w->includes.len; i++) {
      const witc_world_include *inc = &w->includes.items[i];
      int keep = rs_include_stability(rm, inc->stability, inc->span);
      if (keep < 0) return false;
      if (keep && !resolve_include(rm, wid, inc, &imports, &exports)) return false;
    }
    w = &r->worlds.items[wid];
    SET_EV(w->imports, imports.v);
    SET_EV(w->exports, exports.v);
    w->includes.len = 0;
  }
  entry_vec fi = EV(w->imports), fe = EV(w->exports);
  if (!check_case(cx, w, &fi, "import") || !check_case(cx, w, &fe, "export"))
    return false;
  return elaborate_world(cx, wid);
}

/* c_types.c: C types for WIT types (docs/c-bindings.md §1.4, improved per §3): the ctype
 * table, struct/typedef declarations with canonical layout asserts, case and flag macros,
 * and the per-type walkers behind every `_free` (memory freed, own handles dropped, value
 * zeroed) and behind the glue's post-return and argument clean-up. */
#include "c_int.h"

#include <string.h>

static const char *const prim_c[] = {
    [WITC_T_NONE] = "void",     [WITC_T_BOOL] = "bool",     [WITC_T_U8] = "uint8_t",
    [WITC_T_U16] = "uint16_t",  [WITC_T_U32] = "uint32_t",  [WITC_T_U64] = "uint64_t",
    [WITC_T_S8] = "int8_t",     [WITC_T_S16] = "int16_t",   [WITC_T_S32] = "int32_t",
    [WITC_T_S64] = "int64_t",   [WITC_T_F32] = "float",     [WITC_T_F64] = "double",
    [WITC_T_CHAR] = "uint32_t", [WITC_T_STRING] = NULL,     [WITC_T_ERROR_CONTEXT] = "int32_t",
};
static const char *const prim_enc[] = {
    [WITC_T_NONE] = "void", [WITC_T_BOOL] = "bool",   [WITC_T_U8] = "u8",
    [WITC_T_U16] = "u16",   [WITC_T_U32] = "u32",     [WITC_T_U64] = "u64",
    [WITC_T_S8] = "s8",     [WITC_T_S16] = "s16",     [WITC_T_S32] = "s32",
    [WITC_T_S64] = "s64",   [WITC_T_F32] = "f32",     [WITC_T_F64] = "f64",
    [WITC_T_CHAR] = "char32", [WITC_T_STRING] = "string", [WITC_T_ERROR_CONTEXT] = "error_context",
};

void cg_types_init(cg *g) {
  for (int t = 0; t < WITC_T_ID; t++) {
    ctype c;
    memset(&c, 0, sizeof c);
    c.kind = t == WITC_T_STRING ? CK_STRING : CK_PRIM;
    c.t = witc_type_prim((witc_type_tag)t);
    c.enc = prim_enc[t];
    c.state = 2;
    if (t == WITC_T_STRING) {
      c.name = witc_arena_printf(g->arena, "%s_string_t", g->ws);
      c.base = witc_arena_printf(g->arena, "%s_string", g->ws);
      c.mem = true;
    } else {
      c.name = prim_c[t];
    }
    c.ua = g->types.len;
    witc_vec_push(g->arena, &g->types, c);
  }
}

const char *cg_cname(cg *g, uint32_t i) { return cg_ct(g, i)->name; }

uint32_t cg_unalias(cg *g, uint32_t i) { return cg_ct(g, i)->ua; }

bool cg_by_pointer(cg *g, uint32_t i) {
  switch (cg_ct(g, cg_unalias(g, i))->kind) {
  case CK_PRIM: case CK_ENUM: case CK_FLAGS: case CK_OWN: case CK_BORROW: case CK_RESOURCE:
    return false;
  default: return true;
  }
}

const char *cg_ptrsel(cg *g, uint32_t a32, uint32_t a64) {
  if (a32 == a64) return witc_arena_printf(g->arena, "%u", (unsigned)a32);
  return witc_arena_printf(g->arena, "(sizeof(void *) == 4 ? %u : %u)", (unsigned)a32,
                           (unsigned)a64);
}

/* ---- building ctypes ------------------------------------------------------------------ */

static uint32_t push_ctype(cg *g, ctype *c, const char *key) {
  uint32_t idx = g->types.len;
  /* an alias's target was built before it (smaller index): one step finds the end */
  c->ua = c->kind == CK_ALIAS ? cg_ct(g, c->members[0])->ua : idx;
  witc_vec_push(g->arena, &g->types, *c);
  witc_strmap_put(&g->type_keys, g->arena, witc_str_c(key), idx, NULL);
  return idx;
}

static bool key_lookup(cg *g, const char *key, uint32_t *idx) {
  return witc_strmap_get(&g->type_keys, witc_str_c(key), idx);
}

/* Picks base, base_2, ... such that every derived name is free, and claims them.
 * suffixes: NULL-terminated list of "%s"-style patterns applied to the base. */
static const char *claim_family(cg *g, const char *want, const char *const *pats, int npats,
                                const char *what) {
  const char *base = want;
  for (uint32_t n = 2;; n++) {
    bool ok = true;
    for (int k = 0; k < npats && ok; k++)
      if (cg_name_taken(g, witc_arena_printf(g->arena, pats[k], base))) ok = false;
    if (ok) break;
    base = witc_arena_printf(g->arena, "%s_%u", want, n);
  }
  if (base != want)
    cg_note(g, "C names of %s clash with earlier ones: `%s` renamed to `%s`", what, want, base);
  for (int k = 0; k < npats; k++)
    cg_claim(g, witc_arena_printf(g->arena, pats[k], base), what);
  return base;
}

static void set_flags_from_members(cg *g, ctype *c) {
  for (uint32_t k = 0; k < c->nmembers; k++) {
    if (c->members[k] == UINT32_MAX) continue;
    const ctype *m = cg_ct(g, c->members[k]);
    c->mem |= m->mem;
    c->own |= m->own;
    c->borrow |= m->borrow;
  }
}

static const char *what_of(cg *g, const witc_typedef *td) {
  if (td && td->name.ptr)
    return witc_arena_printf(g->arena, "type `%.*s`", (int)td->name.len, td->name.ptr);
  return "an anonymous type";
}

/* Claims the type name and derived names (free function, case macros) of ctype c. */
static void name_ctype(cg *g, ctype *c, const char *want_base, const witc_typedef *td) {
  const char *pats[4];
  int n = 0;
  pats[n++] = "%s_t";
  bool owning = c->mem || c->own;
  if (owning) pats[n++] = "%s_free";
  c->base = claim_family(g, want_base, pats, n, what_of(g, td));
  c->name = witc_arena_printf(g->arena, "%s_t", c->base);
  c->shouty = cg_shouty(c->base, g);
}

static ctype blank(ckind k, witc_type t, int side) {
  ctype c;
  memset(&c, 0, sizeof c);
  c.kind = k;
  c.t = t;
  c.side = side;
  return c;
}

static uint32_t build_resource(cg *g, witc_type t, const witc_typedef *td, int ctx) {
  int side = SIDE_IMPORT;
  const char *prefix = g->ws;
  const witc_world_key *key = NULL;
  if (td->owner.kind == WITC_OWNER_INTERFACE) {
    side = cg_iface_side(g, td->owner.id, ctx);
    prefix = cg_iface_prefix(g, td->owner.id, side);
    key = g->ifaces[td->owner.id].key[side];
  }
  const char *key_s = witc_arena_printf(g->arena, "R%u/%d", (unsigned)t.id, side);
  uint32_t idx;
  if (key_lookup(g, key_s, &idx)) return idx;
  ctype c = blank(CK_RESOURCE, t, side);
  c.res_exported = side == SIDE_EXPORT;
  c.key = key;
  c.wit_name = td->name;
  c.prefix = prefix;
  const char *rs = cg_snake(g, td->name);
  /* The resource's snake name may need a suffix when any helper name is taken. */
  const char *imp_pats[] = {"%s_own_%s_t", "%s_borrow_%s_t", "%s_%s_drop_own", "%s_borrow_%s"};
  const char *exp_pats[] = {"%s_own_%s_t", "%s_borrow_%s_t", "%s_%s_t", "%s_%s_new",
                            "%s_%s_rep", "%s_%s_drop_own", "%s_%s_destructor"};
  const char *const *pats = c.res_exported ? exp_pats : imp_pats;
  int npats = c.res_exported ? 7 : 4;
  const char *r = rs;
  for (uint32_t n = 2;; n++) {
    bool ok = true;
    for (int k = 0; k < npats && ok; k++)
      if (cg_name_taken(g, witc_arena_printf(g->arena, pats[k], prefix, r))) ok = false;
    if (ok) break;
    r = witc_arena_printf(g->arena, "%s_%u", rs, n);
  }
  if (r != rs)
    cg_note(g, "C names of resource `%.*s` clash with earlier ones: written as `%s`",
            (int)td->name.len, td->name.ptr, r);
  for (int k = 0; k < npats; k++)
    cg_claim(g, witc_arena_printf(g->arena, pats[k], prefix, r), "a resource helper");
  c.rsnake = r;
  c.base = witc_arena_printf(g->arena, "%s_%s", prefix, r);
  c.own_name = witc_arena_printf(g->arena, "%s_own_%s_t", prefix, r);
  c.borrow_name = witc_arena_printf(g->arena, "%s_borrow_%s_t", prefix, r);
  c.name = c.res_exported ? witc_arena_printf(g->arena, "%s_t", c.base) : NULL;
  c.enc = r;
  c.scope = prefix;
  return push_ctype(g, &c, key_s);
}

static uint32_t build_handle(cg *g, witc_type t, const witc_typedef *td, int ctx) {
  witc_type rt = cg_wit_unalias(g, witc_type_id(td->u.handle.resource));
  uint32_t res = cg_type(g, rt, ctx);
  const char *key_s = witc_arena_printf(g->arena, "%c%u", td->u.handle.borrow ? 'B' : 'O', res);
  uint32_t idx;
  if (key_lookup(g, key_s, &idx)) return idx;
  const ctype *rc = cg_ct(g, res);
  ctype c = blank(td->u.handle.borrow ? CK_BORROW : CK_OWN, t, rc->side);
  c.res = res;
  c.name = td->u.handle.borrow ? rc->borrow_name : rc->own_name;
  c.base = c.name;
  c.enc = witc_arena_printf(g->arena, "%s_%s", td->u.handle.borrow ? "borrow" : "own", rc->rsnake);
  c.scope = rc->prefix;
  if (td->u.handle.borrow)
    c.borrow = !rc->res_exported;
  else
    c.own = true;
  return push_ctype(g, &c, key_s);
}

static const char *enc_of(cg *g, uint32_t m) {
  return m == UINT32_MAX ? "void" : cg_ct(g, m)->enc;
}

static const char *scope_of(cg *g, const uint32_t *members, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    if (members[k] != UINT32_MAX && cg_ct(g, members[k])->scope) return cg_ct(g, members[k])->scope;
  return NULL;
}

witc_type cg_wit_unalias(cg *g, witc_type t) {
  const witc_resolve *r = g->r;
  if (t.tag != WITC_T_ID || t.id >= r->types.len || r->types.items[t.id].kind != WITC_TD_TYPE)
    return t;
  if (g->unal[t.id].tag != WITC_T_NONE) return g->unal[t.id];
  /* follow the chain to the first type that is not an alias or whose end is known ... */
  witc_type u = t;
  for (uint32_t guard = 0; guard <= r->types.len; guard++) {
    if (u.tag != WITC_T_ID || u.id >= r->types.len || r->types.items[u.id].kind != WITC_TD_TYPE) break;
    if (g->unal[u.id].tag != WITC_T_NONE) {
      u = g->unal[u.id];
      break;
    }
    u = r->types.items[u.id].u.type;
  }
  /* ... and remember that end for every alias on the way */
  for (uint32_t guard = 0; guard <= r->types.len; guard++) {
    if (t.tag != WITC_T_ID || t.id >= r->types.len || r->types.items[t.id].kind != WITC_TD_TYPE ||
        g->unal[t.id].tag != WITC_T_NONE)
      break;
    g->unal[t.id] = u;
    t = r->types.items[t.id].u.type;
  }
  return u;
}

uint32_t cg_wit_nkids(const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_VARIANT: return td->u.fields.len;
  case WITC_TD_TUPLE: return td->u.tuple.len;
  case WITC_TD_OPTION: case WITC_TD_LIST: case WITC_TD_TYPE: case WITC_TD_FIXED_LIST:
  case WITC_TD_HANDLE:
    return 1;
  case WITC_TD_RESULT: case WITC_TD_MAP: return 2;
  default: return 0;
  }
}

witc_type cg_wit_kid(const witc_typedef *td, uint32_t k) {
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_VARIANT: return td->u.fields.items[k].type;
  case WITC_TD_TUPLE: return td->u.tuple.items[k];
  case WITC_TD_OPTION: case WITC_TD_LIST: case WITC_TD_TYPE: return td->u.type;
  case WITC_TD_FIXED_LIST: return td->u.fixed.elem;
  case WITC_TD_HANDLE: return witc_type_id(td->u.handle.resource);
  case WITC_TD_RESULT: return k ? td->u.result.err : td->u.result.ok;
  case WITC_TD_MAP: return k ? td->u.map.value : td->u.map.key;
  default: return witc_type_prim(WITC_T_NONE);
  }
}

/* Does WIT type `t` hold handles (or name a resource) at any depth? Memoized per type id
 * (g->handles: 0 unknown, 1 being computed, 2 no, 3 yes) and computed with an explicit
 * stack, so chains of named types of any length cost linear time and no native stack. */
static bool wit_has_handles(cg *g, witc_type t) {
  if (t.tag != WITC_T_ID || t.id >= g->r->types.len) return false;
  if (g->handles[t.id] >= 2) return g->handles[t.id] == 3;
  typedef struct { uint32_t id, next; } hframe;
  witc_vec(hframe) st = {0};
  g->handles[t.id] = 1;
  witc_vec_push(g->arena, &st, ((hframe){t.id, 0}));
  while (st.len) {
    hframe *f = &st.items[st.len - 1];
    const witc_typedef *td = &g->r->types.items[f->id];
    bool yes = td->kind == WITC_TD_HANDLE || td->kind == WITC_TD_RESOURCE ||
               td->kind == WITC_TD_FUTURE || td->kind == WITC_TD_STREAM;
    uint32_t n = yes || td->kind == WITC_TD_HANDLE ? 0 : cg_wit_nkids(td);
    bool pushed = false;
    while (!yes && f->next < n) {
      witc_type k = cg_wit_kid(td, f->next++);
      if (k.tag != WITC_T_ID || k.id >= g->r->types.len) continue;
      uint8_t st_k = g->handles[k.id];
      if (st_k == 3) yes = true;
      else if (st_k == 0) {
        g->handles[k.id] = 1;
        witc_vec_push(g->arena, &st, ((hframe){k.id, 0}));
        pushed = true;
        break;
      } /* 2: no; 1: a cycle (a corrupt model): nothing more to find there */
    }
    if (pushed) continue;
    if (yes) {
      /* every frame on the stack contains this one: all of them hold handles */
      for (uint32_t k = 0; k < st.len; k++) g->handles[st.items[k].id] = 3;
      break;
    }
    g->handles[f->id] = 2;
    st.len--;
  }
  return g->handles[t.id] == 3;
}

/* The export copy of a handle-free named type of an interface that is also imported: a
 * typedef of the import copy (one C type for both, so values pass between them as is). */
static uint32_t build_export_alias(cg *g, witc_type t, const witc_typedef *td, const char *prefix,
                                   const char *key_s) {
  uint32_t imp = cg_type(g, t, SIDE_IMPORT);
  ctype c = blank(CK_ALIAS, t, SIDE_EXPORT);
  c.export_alias = true;
  c.members = witc_arena_alloc(g->arena, sizeof(uint32_t));
  c.members[0] = imp;
  c.nmembers = 1;
  const ctype *ic = cg_ct(g, imp);
  c.mem = ic->mem;
  c.own = ic->own;
  c.borrow = ic->borrow;
  const char *sn = cg_snake(g, td->name);
  c.enc = sn;
  c.scope = prefix;
  name_ctype(g, &c, witc_arena_printf(g->arena, "%s_%s", prefix, sn), td);
  if (ic->macros && (ic->kind == CK_VARIANT || ic->kind == CK_ENUM || ic->kind == CK_FLAGS)) {
    uint32_t n = td->u.fields.len;
    c.macros = witc_arena_alloc(g->arena, sizeof(char *) * (n ? n : 1));
    c.macro_targets = ic->macros;
    c.nmacros = n;
    for (uint32_t k = 0; k < n; k++)
      c.macros[k] = cg_claim(g,
                             witc_arena_printf(g->arena, "%s_%s", c.shouty,
                                               cg_shouty(cg_snake(g, td->u.fields.items[k].name), g)),
                             "a case macro");
  }
  return push_ctype(g, &c, key_s);
}

static uint32_t build(cg *g, witc_type t, int ctx) {
  const witc_typedef *td = &g->r->types.items[t.id];
  int side = ctx;
  const char *prefix = NULL;
  if (td->kind == WITC_TD_RESOURCE) return build_resource(g, t, td, ctx);
  if (td->kind == WITC_TD_HANDLE) return build_handle(g, t, td, ctx);
  if (td->kind == WITC_TD_TYPE) {
    witc_type u = cg_wit_unalias(g, t);
    if (u.tag == WITC_T_ID && g->r->types.items[u.id].kind == WITC_TD_RESOURCE)
      return cg_type(g, u, ctx);
    if (!td->name.ptr) return cg_type(g, td->u.type, ctx);
  }
  if (td->name.ptr) {
    side = SIDE_IMPORT;
    prefix = g->ws;
    if (td->owner.kind == WITC_OWNER_INTERFACE) {
      side = cg_iface_side(g, td->owner.id, ctx);
      prefix = cg_iface_prefix(g, td->owner.id, side);
    }
    const char *key_s = witc_arena_printf(g->arena, "N%u/%d", (unsigned)t.id, side);
    uint32_t idx;
    if (key_lookup(g, key_s, &idx)) return idx;
    if (side == SIDE_EXPORT && td->owner.kind == WITC_OWNER_INTERFACE &&
        g->ifaces[td->owner.id].key[SIDE_IMPORT] && !wit_has_handles(g, t))
      return build_export_alias(g, t, td, prefix, key_s);
  }
  /* members, seen from the type's own side */
  ctype c = blank(CK_PRIM, t, side);
  uint32_t n = 0;
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_FLAGS:
    n = td->u.fields.len;
    break;
  case WITC_TD_TUPLE: n = td->u.tuple.len; break;
  case WITC_TD_RESULT: case WITC_TD_MAP: n = 2; break;
  default: n = 1; break;
  }
  c.members = witc_arena_alloc(g->arena, sizeof(uint32_t) * (n ? n : 1));
  c.mnames = witc_arena_alloc(g->arena, sizeof(char *) * (n ? n : 1));
  c.nmembers = n;
  for (uint32_t k = 0; k < n; k++) c.members[k] = UINT32_MAX;
  switch (td->kind) {
  case WITC_TD_RECORD:
    c.kind = CK_RECORD;
    for (uint32_t k = 0; k < n; k++) c.members[k] = cg_type(g, td->u.fields.items[k].type, side);
    /* after the member types: a field must not take the name of a type the struct uses */
    for (uint32_t k = 0; k < n; k++)
      c.mnames[k] = cg_ident(g, td->u.fields.items[k].name, "record field");
    break;
  case WITC_TD_VARIANT:
    c.kind = CK_VARIANT;
    for (uint32_t k = 0; k < n; k++)
      if (td->u.fields.items[k].type.tag != WITC_T_NONE)
        c.members[k] = cg_type(g, td->u.fields.items[k].type, side);
    for (uint32_t k = 0; k < n; k++)
      c.mnames[k] = cg_ident(g, td->u.fields.items[k].name, "variant case");
    break;
  case WITC_TD_ENUM: case WITC_TD_FLAGS:
    c.kind = td->kind == WITC_TD_ENUM ? CK_ENUM : CK_FLAGS;
    for (uint32_t k = 0; k < n; k++) c.mnames[k] = cg_snake(g, td->u.fields.items[k].name);
    break;
  case WITC_TD_TUPLE:
    c.kind = CK_TUPLE;
    for (uint32_t k = 0; k < n; k++) {
      c.members[k] = cg_type(g, td->u.tuple.items[k], side);
      c.mnames[k] = witc_arena_printf(g->arena, "f%u", (unsigned)k);
    }
    break;
  case WITC_TD_OPTION: c.kind = CK_OPTION; c.members[0] = cg_type(g, td->u.type, side); break;
  case WITC_TD_LIST: c.kind = CK_LIST; c.members[0] = cg_type(g, td->u.type, side); break;
  case WITC_TD_FIXED_LIST:
    c.kind = CK_FIXED;
    c.members[0] = cg_type(g, td->u.fixed.elem, side);
    c.count = td->u.fixed.size;
    break;
  case WITC_TD_RESULT:
    c.kind = CK_RESULT;
    if (td->u.result.ok.tag != WITC_T_NONE) c.members[0] = cg_type(g, td->u.result.ok, side);
    if (td->u.result.err.tag != WITC_T_NONE) c.members[1] = cg_type(g, td->u.result.err, side);
    break;
  case WITC_TD_MAP:
    c.kind = CK_MAP;
    c.members[0] = cg_type(g, td->u.map.key, side);
    c.members[1] = cg_type(g, td->u.map.value, side);
    break;
  case WITC_TD_TYPE: c.kind = CK_ALIAS; c.members[0] = cg_type(g, td->u.type, side); break;
  default:
    /* future, stream, unknown: rejected before generation; keep a harmless scalar */
    c.kind = CK_PRIM;
    c.name = "int32_t";
    c.enc = "handle";
    c.nmembers = 0;
    c.state = 2;
    return push_ctype(g, &c, witc_arena_printf(g->arena, "X%u", (unsigned)t.id));
  }
  /* anonymous types see through the export copies that are mere typedefs, so one C type
   * serves both copies */
  if (!td->name.ptr)
    for (uint32_t k = 0; k < n; k++)
      if (c.members[k] != UINT32_MAX && cg_ct(g, c.members[k])->export_alias)
        c.members[k] = cg_ct(g, c.members[k])->members[0];
  set_flags_from_members(g, &c);
  if (c.kind == CK_LIST || c.kind == CK_MAP) c.mem = true;

  if (td->name.ptr) {
    const char *key_s = witc_arena_printf(g->arena, "N%u/%d", (unsigned)t.id, side);
    const char *sn = cg_snake(g, td->name);
    c.enc = sn;
    c.scope = prefix;
    name_ctype(g, &c, witc_arena_printf(g->arena, "%s_%s", prefix, sn), td);
    if (c.kind == CK_MAP) cg_claim(g, witc_arena_printf(g->arena, "%s_entry_t", c.base), "a map entry");
    /* case / flag macros */
    if (c.kind == CK_VARIANT || c.kind == CK_ENUM || c.kind == CK_FLAGS) {
      c.macros = witc_arena_alloc(g->arena, sizeof(char *) * (n ? n : 1));
      for (uint32_t k = 0; k < n; k++)
        c.macros[k] = cg_claim(
            g,
            witc_arena_printf(g->arena, "%s_%s", c.shouty,
                              cg_shouty(cg_snake(g, td->u.fields.items[k].name), g)),
            "a case macro");
    }
    return push_ctype(g, &c, key_s);
  }

  /* anonymous: structural key and name */
  witc_buf kb;
  witc_buf_init(&kb);
  witc_buf_printf(&kb, "A%d/%u(", (int)c.kind, (unsigned)c.count);
  for (uint32_t k = 0; k < n; k++)
    witc_buf_printf(&kb, "%s,", c.members[k] == UINT32_MAX ? "-" : cg_cname(g, c.members[k]));
  witc_buf_putc(&kb, ')');
  const char *key_s = cg_buf_str(g, &kb);
  uint32_t idx;
  if (key_lookup(g, key_s, &idx)) return idx;
  switch (c.kind) {
  case CK_LIST: c.enc = witc_arena_printf(g->arena, "list_%s", enc_of(g, c.members[0])); break;
  case CK_FIXED:
    c.enc = witc_arena_printf(g->arena, "list_%s_%u", enc_of(g, c.members[0]), (unsigned)c.count);
    break;
  case CK_OPTION: c.enc = witc_arena_printf(g->arena, "option_%s", enc_of(g, c.members[0])); break;
  case CK_RESULT:
    c.enc = witc_arena_printf(g->arena, "result_%s_%s", enc_of(g, c.members[0]), enc_of(g, c.members[1]));
    break;
  case CK_MAP:
    c.enc = witc_arena_printf(g->arena, "map_%s_%s", enc_of(g, c.members[0]), enc_of(g, c.members[1]));
    break;
  case CK_TUPLE: {
    witc_buf eb;
    witc_buf_init(&eb);
    witc_buf_printf(&eb, "tuple%u", (unsigned)n);
    for (uint32_t k = 0; k < n; k++) witc_buf_printf(&eb, "_%s", enc_of(g, c.members[k]));
    c.enc = cg_buf_str(g, &eb);
    break;
  }
  default: c.enc = "anon"; break;
  }
  c.scope = scope_of(g, c.members, n);
  name_ctype(g, &c, witc_arena_printf(g->arena, "%s_%s", c.scope ? c.scope : g->ws, c.enc), NULL);
  if (c.kind == CK_MAP) cg_claim(g, witc_arena_printf(g->arena, "%s_entry_t", c.base), "a map entry");
  return push_ctype(g, &c, key_s);
}

/* Appends to g->kids the (type, context) pairs that build(g, t, ctx) passes to cg_type, in
 * the same order (a slot number type id * 2 + context each). */
static void type_kids(cg *g, witc_type t, int ctx) {
  const witc_typedef *td = &g->r->types.items[t.id];
  int side = ctx;
#define KID(ty, c)                                                                      \
  do {                                                                                  \
    witc_type k_ = (ty);                                                                \
    if (k_.tag == WITC_T_ID && k_.id < g->r->types.len)                                 \
      witc_vec_push(g->arena, &g->kids, k_.id * 2 + (uint32_t)(c));                     \
  } while (0)
  switch (td->kind) {
  case WITC_TD_RESOURCE: return;
  case WITC_TD_HANDLE:
    KID(cg_wit_unalias(g, witc_type_id(td->u.handle.resource)), ctx);
    return;
  case WITC_TD_TYPE: {
    witc_type u = cg_wit_unalias(g, t);
    if (u.tag == WITC_T_ID && u.id < g->r->types.len &&
        g->r->types.items[u.id].kind == WITC_TD_RESOURCE) {
      KID(u, ctx);
      return;
    }
    if (!td->name.ptr) {
      KID(td->u.type, ctx);
      return;
    }
    break;
  }
  default: break;
  }
  if (td->name.ptr && td->owner.kind == WITC_OWNER_INTERFACE) {
    side = cg_iface_side(g, td->owner.id, ctx);
    if (side == SIDE_EXPORT && g->ifaces[td->owner.id].key[SIDE_IMPORT] && !wit_has_handles(g, t)) {
      KID(t, SIDE_IMPORT); /* build_export_alias */
      return;
    }
  } else if (td->name.ptr) {
    side = SIDE_IMPORT;
  }
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_VARIANT: case WITC_TD_TUPLE: case WITC_TD_OPTION:
  case WITC_TD_LIST: case WITC_TD_FIXED_LIST: case WITC_TD_RESULT: case WITC_TD_MAP:
  case WITC_TD_TYPE:
    for (uint32_t k = 0, n = cg_wit_nkids(td); k < n; k++) KID(cg_wit_kid(td, k), side);
    break;
  default: break;
  }
#undef KID
}

/* cg_type without recursion on the native stack: a depth-first walk with an explicit stack
 * over the (type, context) pairs that build() will ask for, building each after its
 * members (the order in which the recursive definition would build them, so names are
 * claimed in the same order), so that every build() finds its members in the cache.
 * g->tvisit marks the pairs on the walk's stack (a cycle, which only a corrupt model can
 * have, is cut there). Re-entrant: a nested call works above the stack it finds. */
static void prepare_type(cg *g, uint32_t root) {
  uint32_t base = g->tstack.len;
  uint32_t kid0 = g->kids.len;
  g->tvisit[root] = 1;
  type_kids(g, witc_type_id(root / 2), (int)(root % 2));
  witc_vec_push(g->arena, &g->tstack, ((cg_tframe){root, kid0, g->kids.len - kid0, 0}));
  while (g->tstack.len > base) {
    uint32_t fi = g->tstack.len - 1;
    cg_tframe *f = &g->tstack.items[fi];
    if (f->next < f->nkids) {
      uint32_t slot = g->kids.items[f->kid0 + f->next++];
      if (g->tcache[slot] || g->tvisit[slot]) continue;
      g->tvisit[slot] = 1;
      uint32_t k0 = g->kids.len;
      type_kids(g, witc_type_id(slot / 2), (int)(slot % 2));
      witc_vec_push(g->arena, &g->tstack, ((cg_tframe){slot, k0, g->kids.len - k0, 0}));
      continue;
    }
    uint32_t slot = f->slot;
    g->kids.len = f->kid0;
    g->tstack.len = fi;
    g->tvisit[slot] = 0;
    if (g->tcache[slot]) continue;
    uint32_t idx = build(g, witc_type_id(slot / 2), (int)(slot % 2));
    g->tcache[slot] = idx + 1;
  }
}

uint32_t cg_type(cg *g, witc_type t, int ctx) {
  if (t.tag != WITC_T_ID) return (uint32_t)t.tag;
  if (t.id >= g->r->types.len) return WITC_T_S32;
  uint32_t slot = t.id * 2 + (uint32_t)ctx;
  if (g->tcache[slot]) return g->tcache[slot] - 1;
  if (g->tvisit[slot]) return WITC_T_S32; /* a cycle: only in a corrupt model */
  prepare_type(g, slot);
  return g->tcache[slot] ? g->tcache[slot] - 1 : WITC_T_S32;
}

/* ---- walking -------------------------------------------------------------------------- */

bool cg_walks(cg *g, uint32_t i, unsigned mode) {
  const ctype *c = cg_ct(g, i);
  return (c->mem && (mode & WALK_MEM)) || (c->own && (mode & (WALK_DROP | WALK_FORGET))) ||
         (c->borrow && (mode & WALK_END_BORROW));
}

static bool has_walker(const ctype *c) { return c->mem || c->own || c->borrow; }

void cg_emit_walk(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *mode, int ind) {
  i = cg_unalias(g, i);
  const ctype *c = cg_ct(g, i);
  if (!has_walker(c)) return;
  cg_ind(b, ind);
  switch (c->kind) {
  case CK_STRING: witc_buf_printf(b, "%s__walk(&(%s), %s);\n", c->base, expr, mode); return;
  case CK_OWN: {
    const ctype *rc = cg_ct(g, c->res);
    witc_buf_printf(b,
                    "if (((%s) & WITC_WALK_DROP) && (%s).__handle) %s_drop_own(%s);\n",
                    mode, expr, rc->base, expr);
    cg_ind(b, ind);
    witc_buf_printf(b, "if ((%s) & (WITC_WALK_DROP | WITC_WALK_FORGET)) (%s).__handle = 0;\n",
                    mode, expr);
    return;
  }
  case CK_BORROW: {
    const ctype *rc = cg_ct(g, c->res);
    witc_buf_printf(b,
                    "if (((%s) & WITC_WALK_END_BORROW) && (%s).__handle) { %s__drop_borrow(%s); "
                    "(%s).__handle = 0; }\n",
                    mode, expr, rc->base, expr, expr);
    return;
  }
  default: witc_buf_printf(b, "%s__walk(&(%s), %s);\n", c->base, expr, mode); return;
  }
}

static void emit_walker(cg *g, uint32_t i) {
  const ctype *c = cg_ct(g, i);
  witc_buf *b = &g->c_helpers;
  witc_buf_printf(b, "WITC_UNUSED static void %s__walk(%s *p, unsigned mode) {\n", c->base, c->name);
  switch (c->kind) {
  case CK_RECORD: case CK_TUPLE:
    for (uint32_t k = 0; k < c->nmembers; k++)
      cg_emit_walk(g, b, c->members[k], witc_arena_printf(g->arena, "p->%s", c->mnames[k]), "mode", 1);
    break;
  case CK_FIXED:
    witc_buf_printf(b, "  for (size_t i = 0; i < %u; i++) {\n", (unsigned)c->count);
    cg_emit_walk(g, b, c->members[0], "p->data[i]", "mode", 2);
    witc_buf_puts(b, "  }\n");
    break;
  case CK_OPTION:
    witc_buf_puts(b, "  if (p->is_some) {\n");
    cg_emit_walk(g, b, c->members[0], "p->val", "mode", 2);
    witc_buf_puts(b, "  }\n");
    break;
  case CK_RESULT:
    witc_buf_puts(b, "  if (!p->is_err) {\n");
    if (c->members[0] != UINT32_MAX) cg_emit_walk(g, b, c->members[0], "p->val.ok", "mode", 2);
    witc_buf_puts(b, "  } else {\n");
    if (c->members[1] != UINT32_MAX) cg_emit_walk(g, b, c->members[1], "p->val.err", "mode", 2);
    witc_buf_puts(b, "  }\n");
    break;
  case CK_VARIANT:
    witc_buf_puts(b, "  switch (p->tag) {\n");
    for (uint32_t k = 0; k < c->nmembers; k++) {
      if (c->members[k] == UINT32_MAX || !has_walker(cg_ct(g, c->members[k]))) continue;
      witc_buf_printf(b, "  case %u:\n", (unsigned)k);
      cg_emit_walk(g, b, c->members[k], witc_arena_printf(g->arena, "p->val.%s", c->mnames[k]), "mode", 2);
      witc_buf_puts(b, "    break;\n");
    }
    witc_buf_puts(b, "  default: break;\n  }\n");
    break;
  case CK_LIST: case CK_MAP: {
    uint32_t e = c->members[0];
    const char *elem = c->kind == CK_MAP ? witc_arena_printf(g->arena, "%s_entry_t", c->base)
                                         : cg_cname(g, e);
    bool ew = c->kind == CK_MAP ? (has_walker(cg_ct(g, c->members[0])) || has_walker(cg_ct(g, c->members[1])))
                                : has_walker(cg_ct(g, e));
    if (ew) {
      witc_buf_puts(b, "  for (size_t i = 0; i < p->len; i++) {\n");
      if (c->kind == CK_MAP) {
        cg_emit_walk(g, b, c->members[0], "p->ptr[i].key", "mode", 2);
        cg_emit_walk(g, b, c->members[1], "p->ptr[i].value", "mode", 2);
      } else {
        cg_emit_walk(g, b, e, "p->ptr[i]", "mode", 2);
      }
      witc_buf_puts(b, "  }\n");
    }
    witc_buf_printf(b,
                    "  if (mode & WITC_WALK_MEM) {\n"
                    "    if (p->len) cabi_free(p->ptr, p->len * sizeof(%s), %s_ALIGNOF(%s));\n"
                    "    p->ptr = NULL;\n    p->len = 0;\n  }\n",
                    elem, g->WS, elem);
    break;
  }
  case CK_ALIAS: cg_emit_walk(g, b, c->members[0], "*p", "mode", 1); break;
  default: break;
  }
  witc_buf_puts(b, "  (void)p;\n  (void)mode;\n}\n\n");
}

static void emit_free(cg *g, uint32_t i) {
  const ctype *c = cg_ct(g, i);
  if (!(c->mem || c->own)) return;
  witc_buf_printf(&g->h_helpers,
                  "/** Frees what `*p` owns (buffers, own handles) and zeroes it; NULL is "
                  "ignored. */\n"
                  "void %s_free(%s *p);\n",
                  c->base, c->name);
  witc_buf_printf(&g->c_helpers,
                  "void %s_free(%s *p) {\n  if (!p) return;\n  %s__walk(p, WITC_WALK_MEM | "
                  "WITC_WALK_DROP);\n  %s__zero(p, sizeof *p);\n}\n\n",
                  c->base, c->name, c->base, g->ws);
}

/* ---- definitions ---------------------------------------------------------------------- */

static void emit_asserts(cg *g, uint32_t i, bool fields) {
  const ctype *c = cg_ct(g, i);
  witc_buf *b = &g->h_types;
  witc_layout l32 = witc_abi_layout(&g->abi, c->t), l64 = witc_abi_layout(&g->abi64, c->t);
  witc_buf_printf(b, "%s_STATIC_ASSERT(sizeof(%s) == %s, \"canonical size of %s\");\n", g->WS,
                  c->name, cg_ptrsel(g, l32.size, l64.size), c->name);
  witc_buf_printf(b, "%s_STATIC_ASSERT(%s_ALIGNOF(%s) == %s, \"canonical alignment of %s\");\n",
                  g->WS, g->WS, c->name, cg_ptrsel(g, l32.align, l64.align), c->name);
  if (!fields) return;
  if (c->kind == CK_RECORD || c->kind == CK_TUPLE) {
    for (uint32_t k = 0; k < c->nmembers; k++) {
      uint32_t o32 = witc_abi_field_offset(&g->abi, c->t, k), o64 = witc_abi_field_offset(&g->abi64, c->t, k);
      witc_buf_printf(b, "%s_STATIC_ASSERT(offsetof(%s, %s) == %s, \"canonical offset of %s.%s\");\n",
                      g->WS, c->name, c->mnames[k], cg_ptrsel(g, o32, o64), c->name, c->mnames[k]);
    }
  } else if (c->kind == CK_VARIANT || c->kind == CK_OPTION || c->kind == CK_RESULT) {
    witc_variant_layout v32, v64;
    witc_abi_variant_layout(&g->abi, c->t, &v32);
    witc_abi_variant_layout(&g->abi64, c->t, &v64);
    bool payload = false;
    for (uint32_t k = 0; k < c->nmembers; k++) payload |= c->members[k] != UINT32_MAX;
    if (payload)
      witc_buf_printf(b, "%s_STATIC_ASSERT(offsetof(%s, val) == %s, \"canonical payload offset of %s\");\n",
                      g->WS, c->name, cg_ptrsel(g, v32.payload_offset, v64.payload_offset), c->name);
  }
}

static const witc_typedef *td_of(cg *g, const ctype *c) {
  if (c->t.tag != WITC_T_ID || c->t.id >= g->r->types.len) return NULL;
  return &g->r->types.items[c->t.id];
}

static const char *disc_ctype(uint32_t n) {
  uint32_t d = witc_abi_discriminant_size(n);
  return d == 1 ? "uint8_t" : d == 2 ? "uint16_t" : "uint32_t";
}

static void member_decl(cg *g, witc_buf *b, uint32_t m, const char *name, int ind) {
  cg_ind(b, ind);
  witc_buf_printf(b, "%s %s;\n", cg_cname(g, m), name);
}

/* The next member of ctype `i` that is not defined yet (its own members first, then a
 * handle's resource), from *next on; UINT32_MAX when there is none. */
static uint32_t next_undefined(cg *g, uint32_t i, uint32_t *next) {
  const ctype *c = cg_ct(g, i);
  bool handle = c->kind == CK_OWN || c->kind == CK_BORROW;
  while (*next < c->nmembers + (handle ? 1 : 0)) {
    uint32_t k = *next;
    uint32_t m = k < c->nmembers ? c->members[k] : c->res;
    if (m != UINT32_MAX && !cg_ct(g, m)->state) return m;
    (*next)++;
  }
  return UINT32_MAX;
}

static void define_one(cg *g, uint32_t i);

/* Emits ctype `i` after everything it uses, in the order of a recursive definition, with an
 * explicit stack (g->dstack holds index, next-member pairs). */
void cg_define(cg *g, uint32_t i) {
  if (cg_ct(g, i)->state) return;
  uint32_t base = g->dstack.len;
  cg_ct(g, i)->state = 1;
  witc_vec_push(g->arena, &g->dstack, i);
  witc_vec_push(g->arena, &g->dstack, 0);
  while (g->dstack.len > base) {
    uint32_t top = g->dstack.items[g->dstack.len - 2];
    uint32_t next = g->dstack.items[g->dstack.len - 1];
    uint32_t m = next_undefined(g, top, &next);
    g->dstack.items[g->dstack.len - 1] = next;
    if (m != UINT32_MAX) {
      cg_ct(g, m)->state = 1;
      witc_vec_push(g->arena, &g->dstack, m);
      witc_vec_push(g->arena, &g->dstack, 0);
      continue;
    }
    g->dstack.len -= 2;
    define_one(g, top);
  }
}

/* Emits ctype `i`, whose members are defined. */
static void define_one(cg *g, uint32_t i) {
  ctype *c = cg_ct(g, i);
  if (c->kind == CK_OWN || c->kind == CK_BORROW) {
    c->state = 2;
    return;
  }
  const witc_typedef *td = td_of(g, c);
  witc_buf *b = &g->h_types;
  witc_str docs = td ? td->docs : WITC_STR_NONE;
  switch (c->kind) {
  case CK_RESOURCE:
    if (c->res_exported)
      cg_export_resource(g, c);
    else
      cg_import_resource(g, c);
    c = cg_ct(g, i);
    c->state = 2;
    return;
  case CK_RECORD: case CK_TUPLE:
    cg_doc(g, b, docs, NULL, 0);
    witc_buf_printf(b, "typedef struct %s {\n", c->name);
    for (uint32_t k = 0; k < c->nmembers; k++) {
      if (c->kind == CK_RECORD && td) cg_doc(g, b, td->u.fields.items[k].docs, NULL, 1);
      member_decl(g, b, c->members[k], c->mnames[k], 1);
    }
    witc_buf_printf(b, "} %s;\n", c->name);
    emit_asserts(g, i, true);
    break;
  case CK_VARIANT: {
    cg_doc(g, b, docs, NULL, 0);
    bool payload = false;
    for (uint32_t k = 0; k < c->nmembers; k++) payload |= c->members[k] != UINT32_MAX;
    witc_buf_printf(b, "typedef struct %s {\n  %s tag; /* one of the %s_* case macros */\n",
                    c->name, disc_ctype(c->nmembers), c->shouty);
    if (payload) {
      witc_buf_puts(b, "  union {\n");
      for (uint32_t k = 0; k < c->nmembers; k++)
        if (c->members[k] != UINT32_MAX) member_decl(g, b, c->members[k], c->mnames[k], 2);
      witc_buf_puts(b, "  } val;\n");
    }
    witc_buf_printf(b, "} %s;\n", c->name);
    for (uint32_t k = 0; k < c->nmembers; k++) {
      if (td) cg_doc(g, b, td->u.fields.items[k].docs, NULL, 0);
      witc_buf_printf(b, "#define %s %u\n", c->macros[k], (unsigned)k);
    }
    emit_asserts(g, i, true);
    break;
  }
  case CK_ENUM: case CK_FLAGS: {
    cg_doc(g, b, docs, NULL, 0);
    uint32_t sz = witc_abi_size(&g->abi, c->t);
    const char *it = sz == 1 ? "uint8_t" : sz == 2 ? "uint16_t" : "uint32_t";
    if (c->kind == CK_ENUM) it = disc_ctype(c->nmembers);
    witc_buf_printf(b, "typedef %s %s;\n", it, c->name);
    for (uint32_t k = 0; k < c->nmembers; k++) {
      if (td) cg_doc(g, b, td->u.fields.items[k].docs, NULL, 0);
      if (c->kind == CK_ENUM)
        witc_buf_printf(b, "#define %s %u\n", c->macros[k], (unsigned)k);
      else
        witc_buf_printf(b, "#define %s ((%s)(UINT32_C(1) << %u))\n", c->macros[k], c->name,
                        (unsigned)k);
    }
    emit_asserts(g, i, false);
    break;
  }
  case CK_OPTION:
    witc_buf_printf(b, "typedef struct %s {\n  bool is_some;\n", c->name);
    member_decl(g, b, c->members[0], "val", 1);
    witc_buf_printf(b, "} %s;\n", c->name);
    emit_asserts(g, i, true);
    break;
  case CK_RESULT:
    witc_buf_printf(b, "typedef struct %s {\n  bool is_err;\n", c->name);
    if (c->members[0] != UINT32_MAX || c->members[1] != UINT32_MAX) {
      witc_buf_puts(b, "  union {\n");
      if (c->members[0] != UINT32_MAX) member_decl(g, b, c->members[0], "ok", 2);
      if (c->members[1] != UINT32_MAX) member_decl(g, b, c->members[1], "err", 2);
      witc_buf_puts(b, "  } val;\n");
    }
    witc_buf_printf(b, "} %s;\n", c->name);
    emit_asserts(g, i, true);
    break;
  case CK_LIST:
    cg_doc(g, b, docs, NULL, 0);
    witc_buf_printf(b, "typedef struct %s {\n  %s *ptr;\n  size_t len; /* elements */\n} %s;\n",
                    c->name, cg_cname(g, c->members[0]), c->name);
    emit_asserts(g, i, false);
    break;
  case CK_MAP:
    cg_doc(g, b, docs, NULL, 0);
    witc_buf_printf(b, "typedef struct %s_entry_t {\n", c->base);
    member_decl(g, b, c->members[0], "key", 1);
    member_decl(g, b, c->members[1], "value", 1);
    witc_buf_printf(b, "} %s_entry_t;\n", c->base);
    witc_buf_printf(b, "typedef struct %s {\n  %s_entry_t *ptr;\n  size_t len; /* entries */\n} %s;\n",
                    c->name, c->base, c->name);
    emit_asserts(g, i, false);
    break;
  case CK_FIXED:
    cg_doc(g, b, docs, NULL, 0);
    witc_buf_printf(b, "typedef struct %s {\n  %s data[%u];\n} %s;\n", c->name,
                    cg_cname(g, c->members[0]), (unsigned)c->count, c->name);
    emit_asserts(g, i, false);
    break;
  case CK_ALIAS:
    cg_doc(g, b, docs, NULL, 0);
    witc_buf_printf(b, "typedef %s %s;\n", cg_cname(g, c->members[0]), c->name);
    for (uint32_t k = 0; k < c->nmacros; k++)
      witc_buf_printf(b, "#define %s %s\n", c->macros[k], c->macro_targets[k]);
    break;
  default: break;
  }
  witc_buf_putc(b, '\n');
  c = cg_ct(g, i);
  if (has_walker(c)) {
    emit_walker(g, i);
    emit_free(g, i);
  }
  cg_ct(g, i)->state = 2;
}

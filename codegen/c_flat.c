/* c_flat.c: lowering C values into flat core values and lifting them back
 * (docs/canonical-abi.md §4): the glue for parameters passed in core params and for the
 * single flat result. Values in memory need no code: the C structs have the canonical
 * layout (asserted in the header), so the glue passes and casts pointers. Variant payloads
 * share joined slots; narrower values are converted as §4 says (f32 bit-cast to i32, i32
 * zero-extended to i64, floats bit-cast then extended to i64). */
#include "c_int.h"

#include <stdio.h>
#include <string.h>

const char *cg_core_ctype(witc_core c) {
  switch (c) {
  case WITC_CORE_I32: return "int32_t";
  case WITC_CORE_I64: return "int64_t";
  case WITC_CORE_F32: return "float";
  case WITC_CORE_F64: return "double";
  }
  return "int32_t";
}

static uint32_t flat_count(cg *g, uint32_t i) { return witc_abi_flat_count(&g->abi, cg_ct(g, i)->t); }

static witc_core prim_core(witc_type_tag t) {
  switch (t) {
  case WITC_T_S64: case WITC_T_U64: return WITC_CORE_I64;
  case WITC_T_F32: return WITC_CORE_F32;
  case WITC_T_F64: return WITC_CORE_F64;
  default: return WITC_CORE_I32;
  }
}

static void store(cg *g, witc_buf *b, const char *slot, const witc_core *slots, uint32_t k,
                  witc_core v, const char *expr, int ind) {
  witc_core s = slots[k];
  cg_ind(b, ind);
  witc_buf_printf(b, "%s%u = ", slot, (unsigned)k);
  if (s == v)
    witc_buf_printf(b, "%s;\n", expr);
  else if (s == WITC_CORE_I64 && v == WITC_CORE_I32)
    witc_buf_printf(b, "(int64_t)(uint32_t)(%s);\n", expr);
  else if (s == WITC_CORE_I32 && v == WITC_CORE_F32)
    witc_buf_printf(b, "%s__f32_to_i32(%s);\n", g->ws, expr);
  else if (s == WITC_CORE_I64 && v == WITC_CORE_F32)
    witc_buf_printf(b, "(int64_t)(uint32_t)%s__f32_to_i32(%s);\n", g->ws, expr);
  else /* i64 slot, f64 value */
    witc_buf_printf(b, "%s__f64_to_i64(%s);\n", g->ws, expr);
}

static const char *load(cg *g, const char *slot, const witc_core *slots, uint32_t k, witc_core v) {
  witc_core s = slots[k];
  if (s == v) return witc_arena_printf(g->arena, "%s%u", slot, (unsigned)k);
  if (v == WITC_CORE_I32)
    return witc_arena_printf(g->arena, "(int32_t)(%s%u)", slot, (unsigned)k);
  if (v == WITC_CORE_F32 && s == WITC_CORE_I32)
    return witc_arena_printf(g->arena, "%s__i32_to_f32(%s%u)", g->ws, slot, (unsigned)k);
  if (v == WITC_CORE_F32)
    return witc_arena_printf(g->arena, "%s__i32_to_f32((int32_t)(%s%u))", g->ws, slot, (unsigned)k);
  return witc_arena_printf(g->arena, "%s__i64_to_f64(%s%u)", g->ws, slot, (unsigned)k);
}

static const char *tag_field(const ctype *c) {
  return c->kind == CK_OPTION ? "is_some" : c->kind == CK_RESULT ? "is_err" : "tag";
}

/* Cases of a variant-like ctype: option has (none, some(T)), result (ok, err). */
static uint32_t case_count(const ctype *c) {
  return c->kind == CK_OPTION ? 2 : c->kind == CK_RESULT ? 2 : c->nmembers;
}
static uint32_t case_member(const ctype *c, uint32_t k) {
  if (c->kind == CK_OPTION) return k == 1 ? c->members[0] : UINT32_MAX;
  return c->members[k];
}

/* ---- the walk --------------------------------------------------------------------------
 * cg_lower and cg_lift visit a value's flat slots in the same order (§4): the members of a
 * record, tuple or fixed-length list in order; for a variant-like type its discriminant,
 * then `switch` over the cases that have a payload, each from the same first payload slot
 * (the slots are joined), after which the slot counter skips every payload slot. The walk
 * uses an explicit stack (g->fstack), and the C expression of the value being visited is
 * one growing string (g->path: the caller's lvalue, then ".field", ".data[3]", ".val.c"
 * ...), so types nested to any depth cost no native stack and linear memory. */

static void path_set(cg *g, uint32_t len) {
  g->path.len = len;
  witc_vec_reserve(g->arena, &g->path, 1);
  g->path.items[len] = 0; /* NUL-terminated past len */
}

static void path_append(cg *g, const char *s) {
  size_t n = strlen(s);
  witc_vec_reserve(g->arena, &g->path, (uint32_t)n + 1);
  memcpy(g->path.items + g->path.len, s, n);
  path_set(g, g->path.len + (uint32_t)n);
}

/* The current expression (valid until the path changes). */
static const char *path_expr(cg *g) { return g->path.items; }

static void push_frame(cg *g, uint32_t i, int ind) {
  cg_fframe f;
  memset(&f, 0, sizeof f);
  f.i = cg_unalias(g, i);
  f.plen = g->path.len;
  f.ind = ind;
  witc_vec_push(g->arena, &g->fstack, f);
}

/* A leaf of cg_lower: stores the flat value(s) of the value at the current path. */
static void lower_leaf(cg *g, witc_buf *b, const ctype *c, const char *slot,
                       const witc_core *slots, uint32_t *k, int ind) {
  const char *expr = path_expr(g);
  switch (c->kind) {
  case CK_PRIM: {
    witc_core v = prim_core(c->t.tag);
    const char *e = v == WITC_CORE_I32   ? witc_arena_printf(g->arena, "(int32_t)(%s)", expr)
                    : v == WITC_CORE_I64 ? witc_arena_printf(g->arena, "(int64_t)(%s)", expr)
                                         : expr;
    store(g, b, slot, slots, (*k)++, v, e, ind);
    return;
  }
  case CK_STRING: case CK_LIST: case CK_MAP:
    store(g, b, slot, slots, (*k)++, WITC_CORE_I32,
          witc_arena_printf(g->arena, "(int32_t)(uintptr_t)(%s).ptr", expr), ind);
    store(g, b, slot, slots, (*k)++, WITC_CORE_I32,
          witc_arena_printf(g->arena, "(int32_t)(%s).len", expr), ind);
    return;
  case CK_ENUM: case CK_FLAGS:
    store(g, b, slot, slots, (*k)++, WITC_CORE_I32, witc_arena_printf(g->arena, "(int32_t)(%s)", expr), ind);
    return;
  case CK_OWN: case CK_BORROW:
    if (c->kind == CK_BORROW && cg_ct(g, c->res)->res_exported)
      store(g, b, slot, slots, (*k)++, WITC_CORE_I32,
            witc_arena_printf(g->arena, "(int32_t)(uintptr_t)(%s)", expr), ind);
    else
      store(g, b, slot, slots, (*k)++, WITC_CORE_I32,
            witc_arena_printf(g->arena, "(%s).__handle", expr), ind);
    return;
  default: return;
  }
}

/* A leaf of cg_lift: sets the value at the current path from its flat value(s). */
static void lift_leaf(cg *g, witc_buf *b, const ctype *c, const char *slot,
                      const witc_core *slots, uint32_t *k, int ind) {
  switch (c->kind) {
  case CK_PRIM: {
    witc_core v = prim_core(c->t.tag);
    const char *l = load(g, slot, slots, (*k)++, v);
    cg_ind(b, ind);
    if (c->t.tag == WITC_T_BOOL)
      witc_buf_printf(b, "%s = (%s) != 0;\n", path_expr(g), l);
    else
      witc_buf_printf(b, "%s = (%s)(%s);\n", path_expr(g), c->name, l);
    return;
  }
  case CK_STRING: case CK_LIST: case CK_MAP: {
    const char *elem = c->kind == CK_STRING ? "uint8_t"
                       : c->kind == CK_MAP  ? witc_arena_printf(g->arena, "%s_entry_t", c->base)
                                            : cg_cname(g, c->members[0]);
    const char *p = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    const char *n = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    witc_buf_printf(b, "(%s).ptr = (%s *)(uintptr_t)(%s);\n", path_expr(g), elem, p);
    cg_ind(b, ind);
    witc_buf_printf(b, "(%s).len = (size_t)(uint32_t)(%s);\n", path_expr(g), n);
    return;
  }
  case CK_ENUM: case CK_FLAGS: {
    const char *l = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    witc_buf_printf(b, "%s = (%s)(%s);\n", path_expr(g), c->name, l);
    return;
  }
  case CK_OWN: case CK_BORROW: {
    const ctype *rc = cg_ct(g, c->res);
    const char *l = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    if (c->kind == CK_BORROW && rc->res_exported)
      witc_buf_printf(b, "%s = (%s *)(uintptr_t)(%s);\n", path_expr(g), rc->name, l);
    else
      witc_buf_printf(b, "(%s).__handle = %s;\n", path_expr(g), l);
    return;
  }
  default: return;
  }
}

/* The discriminant of a variant-like value: stores it (lower) or loads and sets it (lift);
 * returns the expression to switch on. */
static const char *walk_tag(cg *g, witc_buf *b, const ctype *c, bool lift, const char *slot,
                            const witc_core *slots, uint32_t *k, int ind) {
  const char *tag = witc_arena_printf(g->arena, "%s.%s", path_expr(g), tag_field(c));
  if (!lift) {
    store(g, b, slot, slots, (*k)++, WITC_CORE_I32, witc_arena_printf(g->arena, "(int32_t)%s", tag), ind);
    return witc_arena_printf(g->arena, "(int)%s", tag);
  }
  const char *l = load(g, slot, slots, (*k)++, WITC_CORE_I32);
  cg_ind(b, ind);
  if (c->kind == CK_VARIANT)
    witc_buf_printf(b, "%s = (%s)(%s);\n", tag,
                    witc_abi_discriminant_size(c->nmembers) == 1   ? "uint8_t"
                    : witc_abi_discriminant_size(c->nmembers) == 2 ? "uint16_t"
                                                                   : "uint32_t",
                    l);
  else
    witc_buf_printf(b, "%s = (%s) != 0;\n", tag, l);
  return witc_arena_printf(g->arena, "(int)(%s)", l);
}

static void walk(cg *g, witc_buf *b, uint32_t i, bool lift, const char *expr, const char *slot,
                 const witc_core *slots, uint32_t *k, int ind) {
  uint32_t base = g->fstack.len, pbase = g->path.len;
  path_append(g, expr);
  push_frame(g, i, ind);
  while (g->fstack.len > base) {
    uint32_t fi = g->fstack.len - 1;
    cg_fframe *f = &g->fstack.items[fi];
    const ctype *c = cg_ct(g, f->i);
    path_set(g, f->plen);
    if (f->phase == 0) {
      switch (c->kind) {
      case CK_RECORD: case CK_TUPLE: case CK_FIXED: f->phase = 1; continue;
      case CK_VARIANT: case CK_OPTION: case CK_RESULT: {
        const char *on = walk_tag(g, b, c, lift, slot, slots, k, f->ind);
        f->start = *k;
        f->width = flat_count(g, f->i) - 1;
        bool any = false;
        for (uint32_t m = 0; m < case_count(c); m++) any |= case_member(c, m) != UINT32_MAX;
        if (!any) {
          *k = f->start + f->width;
          g->fstack.len = fi;
          continue;
        }
        cg_ind(b, f->ind);
        witc_buf_printf(b, "switch (%s) {\n", on);
        f->phase = 2;
        continue;
      }
      default:
        if (lift) lift_leaf(g, b, c, slot, slots, k, f->ind);
        else lower_leaf(g, b, c, slot, slots, k, f->ind);
        g->fstack.len = fi;
        continue;
      }
    }
    if (f->phase == 1) { /* record, tuple, fixed-length list: the next member */
      uint32_t n = c->kind == CK_FIXED ? c->count : c->nmembers;
      if (f->next >= n) {
        g->fstack.len = fi;
        continue;
      }
      uint32_t m = f->next++;
      int ind2 = f->ind;
      char suffix[32];
      if (c->kind == CK_FIXED) {
        snprintf(suffix, sizeof suffix, ".data[%u]", (unsigned)m);
        path_append(g, suffix);
      } else {
        path_append(g, ".");
        path_append(g, c->mnames[m]);
      }
      push_frame(g, c->kind == CK_FIXED ? c->members[0] : c->members[m], ind2);
      continue;
    }
    /* phase 2: the cases of a variant-like type */
    if (f->open) {
      cg_ind(b, f->ind + 1);
      witc_buf_puts(b, "break;\n");
      cg_ind(b, f->ind);
      witc_buf_puts(b, "}\n");
      f->open = false;
    }
    uint32_t m = f->next;
    while (m < case_count(c) && case_member(c, m) == UINT32_MAX) m++;
    if (m >= case_count(c)) {
      cg_ind(b, f->ind);
      witc_buf_puts(b, "default: break;\n");
      cg_ind(b, f->ind);
      witc_buf_puts(b, "}\n");
      *k = f->start + f->width;
      g->fstack.len = fi;
      continue;
    }
    f->next = m + 1;
    f->open = true;
    *k = f->start;
    int ind2 = f->ind + 1;
    cg_ind(b, f->ind);
    witc_buf_printf(b, "case %u: {\n", (unsigned)m);
    if (c->kind == CK_OPTION) {
      path_append(g, ".val");
    } else if (c->kind == CK_RESULT) {
      path_append(g, m == 0 ? ".val.ok" : ".val.err");
    } else {
      path_append(g, ".val.");
      path_append(g, c->mnames[m]);
    }
    push_frame(g, case_member(c, m), ind2);
  }
  path_set(g, pbase);
}

void cg_lower(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *slot,
              const witc_core *slots, uint32_t *k, int ind) {
  walk(g, b, i, false, expr, slot, slots, k, ind);
}

void cg_lift(cg *g, witc_buf *b, uint32_t i, const char *dst, const char *slot,
             const witc_core *slots, uint32_t *k, int ind) {
  walk(g, b, i, true, dst, slot, slots, k, ind);
}

/* c_flat.c: lowering C values into flat core values and lifting them back
 * (docs/canonical-abi.md §4): the glue for parameters passed in core params and for the
 * single flat result. Values in memory need no code: the C structs have the canonical
 * layout (asserted in the header), so the glue passes and casts pointers. Variant payloads
 * share joined slots; narrower values are converted as §4 says (f32 bit-cast to i32, i32
 * zero-extended to i64, floats bit-cast then extended to i64). */
#include "c_int.h"

const char *cg_core_ctype(witc_core c) {
  switch (c) {
  case WITC_CORE_I32: return "int32_t";
  case WITC_CORE_I64: return "int64_t";
  case WITC_CORE_F32: return "float";
  case WITC_CORE_F64: return "double";
  }
  return "int32_t";
}

static uint32_t flat_count(cg *g, uint32_t i) {
  witc_core_vec v = {0};
  witc_abi_flatten(&g->abi, cg_ct(g, i)->t, 1u << 20, &v);
  return v.len;
}

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

static const char *payload_expr(cg *g, const ctype *c, const char *expr, uint32_t k) {
  switch (c->kind) {
  case CK_OPTION: return witc_arena_printf(g->arena, "(%s).val", expr);
  case CK_RESULT: return witc_arena_printf(g->arena, "(%s).val.%s", expr, k == 0 ? "ok" : "err");
  default: return witc_arena_printf(g->arena, "(%s).val.%s", expr, c->mnames[k]);
  }
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

/* cg_lower or cg_lift: both walk a value's flat slots in the same order. */
typedef void (*flat_walk)(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *slot,
                          const witc_core *slots, uint32_t *k, int ind);

/* Walks the members of the record, tuple or fixed-length list `c` at `expr` in order. */
static void walk_members(cg *g, witc_buf *b, const ctype *c, flat_walk walk, const char *expr,
                         const char *slot, const witc_core *slots, uint32_t *k, int ind) {
  if (c->kind == CK_FIXED) {
    for (uint32_t m = 0; m < c->count; m++)
      walk(g, b, c->members[0], witc_arena_printf(g->arena, "(%s).data[%u]", expr, (unsigned)m),
           slot, slots, k, ind);
    return;
  }
  for (uint32_t m = 0; m < c->nmembers; m++)
    walk(g, b, c->members[m], witc_arena_printf(g->arena, "(%s).%s", expr, c->mnames[m]), slot,
         slots, k, ind);
}

/* The payloads of the variant-like type `i` (ctype `c`) at `expr`, once its discriminant
 * slot is done: `switch (on)` over the cases that have a payload, each walking it from the
 * same first payload slot (the slots are joined); then *k skips every payload slot. */
static void walk_cases(cg *g, witc_buf *b, uint32_t i, const ctype *c, flat_walk walk,
                       const char *on, const char *expr, const char *slot,
                       const witc_core *slots, uint32_t *k, int ind) {
  uint32_t start = *k, width = flat_count(g, i) - 1;
  bool any = false;
  for (uint32_t m = 0; m < case_count(c); m++) any |= case_member(c, m) != UINT32_MAX;
  if (any) {
    cg_ind(b, ind);
    witc_buf_printf(b, "switch (%s) {\n", on);
    for (uint32_t m = 0; m < case_count(c); m++) {
      uint32_t mm = case_member(c, m);
      if (mm == UINT32_MAX) continue;
      cg_ind(b, ind);
      witc_buf_printf(b, "case %u: {\n", (unsigned)m);
      uint32_t kk = start;
      walk(g, b, mm, payload_expr(g, c, expr, m), slot, slots, &kk, ind + 1);
      cg_ind(b, ind + 1);
      witc_buf_puts(b, "break;\n");
      cg_ind(b, ind);
      witc_buf_puts(b, "}\n");
    }
    cg_ind(b, ind);
    witc_buf_puts(b, "default: break;\n");
    cg_ind(b, ind);
    witc_buf_puts(b, "}\n");
  }
  *k = start + width;
}

void cg_lower(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *slot,
              const witc_core *slots, uint32_t *k, int ind) {
  i = cg_unalias(g, i);
  const ctype *c = cg_ct(g, i);
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
  case CK_RECORD: case CK_TUPLE: case CK_FIXED:
    walk_members(g, b, c, cg_lower, expr, slot, slots, k, ind);
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
  case CK_VARIANT: case CK_OPTION: case CK_RESULT: {
    const char *tag = witc_arena_printf(g->arena, "(%s).%s", expr, tag_field(c));
    store(g, b, slot, slots, (*k)++, WITC_CORE_I32, witc_arena_printf(g->arena, "(int32_t)%s", tag), ind);
    walk_cases(g, b, i, c, cg_lower, witc_arena_printf(g->arena, "(int)%s", tag), expr, slot,
               slots, k, ind);
    return;
  }
  default: return;
  }
}

void cg_lift(cg *g, witc_buf *b, uint32_t i, const char *dst, const char *slot,
             const witc_core *slots, uint32_t *k, int ind) {
  i = cg_unalias(g, i);
  const ctype *c = cg_ct(g, i);
  switch (c->kind) {
  case CK_PRIM: {
    witc_core v = prim_core(c->t.tag);
    const char *l = load(g, slot, slots, (*k)++, v);
    cg_ind(b, ind);
    if (c->t.tag == WITC_T_BOOL)
      witc_buf_printf(b, "%s = (%s) != 0;\n", dst, l);
    else
      witc_buf_printf(b, "%s = (%s)(%s);\n", dst, c->name, l);
    return;
  }
  case CK_STRING: case CK_LIST: case CK_MAP: {
    const char *elem = c->kind == CK_STRING ? "uint8_t"
                       : c->kind == CK_MAP  ? witc_arena_printf(g->arena, "%s_entry_t", c->base)
                                            : cg_cname(g, c->members[0]);
    const char *p = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    const char *n = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    witc_buf_printf(b, "(%s).ptr = (%s *)(uintptr_t)(%s);\n", dst, elem, p);
    cg_ind(b, ind);
    witc_buf_printf(b, "(%s).len = (size_t)(uint32_t)(%s);\n", dst, n);
    return;
  }
  case CK_RECORD: case CK_TUPLE: case CK_FIXED:
    walk_members(g, b, c, cg_lift, dst, slot, slots, k, ind);
    return;
  case CK_ENUM: case CK_FLAGS: {
    const char *l = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    witc_buf_printf(b, "%s = (%s)(%s);\n", dst, c->name, l);
    return;
  }
  case CK_OWN: case CK_BORROW: {
    const ctype *rc = cg_ct(g, c->res);
    const char *l = load(g, slot, slots, (*k)++, WITC_CORE_I32);
    cg_ind(b, ind);
    if (c->kind == CK_BORROW && rc->res_exported)
      witc_buf_printf(b, "%s = (%s *)(uintptr_t)(%s);\n", dst, rc->name, l);
    else
      witc_buf_printf(b, "(%s).__handle = %s;\n", dst, l);
    return;
  }
  case CK_VARIANT: case CK_OPTION: case CK_RESULT: {
    uint32_t tk = (*k)++;
    const char *l = load(g, slot, slots, tk, WITC_CORE_I32);
    cg_ind(b, ind);
    if (c->kind == CK_VARIANT)
      witc_buf_printf(b, "(%s).tag = (%s)(%s);\n", dst,
                      witc_abi_discriminant_size(c->nmembers) == 1   ? "uint8_t"
                      : witc_abi_discriminant_size(c->nmembers) == 2 ? "uint16_t"
                                                                     : "uint32_t",
                      l);
    else
      witc_buf_printf(b, "(%s).%s = (%s) != 0;\n", dst, tag_field(c), l);
    walk_cases(g, b, i, c, cg_lift, witc_arena_printf(g->arena, "(int)(%s)", l), dst, slot,
               slots, k, ind);
    return;
  }
  default: return;
  }
}

/* c_import.c: glue for imported functions (the guest calls the host: canon lower,
 * docs/canonical-abi.md §4, docs/c-bindings.md §1.6) and helpers of imported resources
 * (§7: [resource-drop]). Arguments are lowered without copies; a spilled parameter tuple
 * lives on the caller's stack up to CG_STACK_PARAMS bytes, in a block from cabi_realloc
 * beyond; a spilled result is written by the host straight into the caller's `*ret` (C
 * layout = canonical layout). */
#include "c_int.h"

#include <string.h>

/* Largest spilled parameter tuple (wasm32 bytes) an import builds on the stack. */
#define CG_STACK_PARAMS 1024

void cg_cstr(witc_buf *b, const char *s) {
  witc_buf_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') witc_buf_putc(b, '\\');
    if (*s == '?' && s[1] == '?') { /* no trigraphs */
      witc_buf_puts(b, "?\\");
      continue;
    }
    witc_buf_putc(b, *s);
  }
  witc_buf_putc(b, '"');
}

static const char *func_c_name(cg *g, const char *prefix, witc_str name) {
  witc_buf b;
  witc_buf_init(&b);
  witc_buf_puts(&b, prefix);
  witc_buf_putc(&b, '_');
  uint32_t i = 0;
  if (name.len && name.ptr[0] == '[') i = 1;
  for (; i < name.len; i++) {
    char c = name.ptr[i];
    if (c == ']' || c == '.') c = '_';
    witc_c_snake(&b, (witc_str){&c, 1});
  }
  return cg_buf_str(g, &b);
}

void cg_fn_init(cg *g, cg_fn *fn, const witc_function *f, const char *prefix, int side) {
  memset(fn, 0, sizeof *fn);
  fn->f = f;
  uint32_t n = f->params.len;
  fn->pt = witc_arena_alloc(g->arena, sizeof(uint32_t) * (n ? n : 1));
  fn->pn = witc_arena_alloc(g->arena, sizeof(char *) * (n ? n : 1));
  for (uint32_t i = 0; i < n; i++) fn->pt[i] = cg_type(g, f->params.items[i].type, side);
  fn->rt = UINT32_MAX;
  if (f->result.tag != WITC_T_NONE) {
    fn->rt = cg_type(g, f->result, side);
    fn->ret_mode = cg_by_pointer(g, fn->rt) ? 2 : 1;
  }
  /* after every type of the function: a parameter must not hide a name the function uses */
  for (uint32_t i = 0; i < n; i++) fn->pn[i] = cg_ident(g, f->params.items[i].name, "parameter");
  witc_abi_func_sig(&g->abi, f, side == SIDE_IMPORT ? WITC_ABI_IMPORT : WITC_ABI_EXPORT, &fn->sig);
  fn->cname = cg_claim(g, func_c_name(g, prefix, f->name),
                       witc_arena_printf(g->arena, "function `%.*s`", (int)f->name.len, f->name.ptr));
  for (uint32_t i = 0; i < n; i++) cg_define(g, fn->pt[i]);
  if (fn->rt != UINT32_MAX) cg_define(g, fn->rt);
}

static const char *param_decl(cg *g, const cg_fn *fn, uint32_t i, int side) {
  uint32_t t = fn->pt[i];
  if (!cg_by_pointer(g, t)) return witc_arena_printf(g->arena, "%s %s", cg_cname(g, t), fn->pn[i]);
  bool is_const = side == SIDE_IMPORT && !cg_ct(g, t)->own;
  return witc_arena_printf(g->arena, "%s%s *%s", is_const ? "const " : "", cg_cname(g, t), fn->pn[i]);
}

void cg_fn_proto(cg *g, witc_buf *b, const cg_fn *fn, int side) {
  witc_buf_printf(b, "%s %s(", fn->ret_mode == 1 ? cg_cname(g, fn->rt) : "void", fn->cname);
  uint32_t n = fn->f->params.len;
  for (uint32_t i = 0; i < n; i++) witc_buf_printf(b, "%s%s", i ? ", " : "", param_decl(g, fn, i, side));
  if (fn->ret_mode == 2) witc_buf_printf(b, "%s%s *ret", n ? ", " : "", cg_cname(g, fn->rt));
  if (!n && fn->ret_mode != 2) witc_buf_puts(b, "void");
  witc_buf_putc(b, ')');
}

void cg_fn_params_struct(cg *g, witc_buf *b, const cg_fn *fn) {
  uint32_t n = fn->f->params.len;
  witc_buf_printf(b, "struct %s__params {\n", fn->cname);
  for (uint32_t i = 0; i < n; i++) witc_buf_printf(b, "  %s %s;\n", cg_cname(g, fn->pt[i]), fn->pn[i]);
  witc_buf_puts(b, "};\n");
  witc_layout l32 = witc_abi_params_layout(&g->abi, fn->f, NULL);
  witc_layout l64 = witc_abi_params_layout(&g->abi64, fn->f, NULL);
  witc_buf_printf(b, "%s_STATIC_ASSERT(sizeof(struct %s__params) == %s, \"canonical params tuple\");\n",
                  g->WS, fn->cname, cg_ptrsel(g, l32.size, l64.size));
}

/* "int32_t, int64_t" core parameter list of a raw declaration. */
static void core_params(witc_buf *b, const witc_core_vec *v) {
  if (!v->len) witc_buf_puts(b, "void");
  for (uint32_t i = 0; i < v->len; i++)
    witc_buf_printf(b, "%s%s _p%u", i ? ", " : "", cg_core_ctype(v->items[i]), (unsigned)i);
}

static bool any_owning_pointer_param(cg *g, const cg_fn *fn) {
  for (uint32_t i = 0; i < fn->f->params.len; i++)
    if (cg_by_pointer(g, fn->pt[i]) && cg_ct(g, fn->pt[i])->own) return true;
  return false;
}

static const char *import_ownership(cg *g, const cg_fn *fn) {
  witc_buf b;
  witc_buf_init(&b);
  if (fn->f->params.len)
    witc_buf_puts(&b, "Ownership: arguments are borrowed for the call and stay the caller's");
  else
    witc_buf_puts(&b, "Ownership: no arguments");
  if (any_owning_pointer_param(g, fn))
    witc_buf_puts(&b, ", except own handles inside them: those move to the callee and are\n"
                      "zeroed in the argument (freeing it afterwards is safe)");
  bool own_by_value = false;
  for (uint32_t i = 0; i < fn->f->params.len; i++)
    own_by_value |= cg_ct(g, cg_unalias(g, fn->pt[i]))->kind == CK_OWN;
  if (own_by_value) witc_buf_puts(&b, ".\nOwn handles passed by value move to the callee: do not drop them afterwards");
  witc_buf_puts(&b, ".");
  if (fn->rt != UINT32_MAX) {
    const ctype *rc = cg_ct(g, fn->rt);
    if (rc->mem || rc->own)
      witc_buf_printf(&b, "\nThe result %s the caller's: release it with %s_free().",
                      fn->ret_mode == 2 ? "written to `*ret` (any previous contents are overwritten) is"
                                        : "is",
                      cg_ct(g, cg_unalias(g, fn->rt))->kind == CK_OWN
                          ? cg_ct(g, cg_ct(g, cg_unalias(g, fn->rt))->res)->base
                          : rc->base);
    else if (fn->ret_mode == 2)
      witc_buf_puts(&b, "\nThe result is written to `*ret`; it owns nothing.");
  }
  const char *s = cg_buf_str(g, &b);
  /* "release it with X_free" for own handles reads better as X_drop_own */
  if (fn->rt != UINT32_MAX && cg_ct(g, cg_unalias(g, fn->rt))->kind == CK_OWN) {
    const char *p = strstr(s, "_free()");
    if (p)
      s = witc_arena_printf(g->arena, "%.*s_drop_own()%s", (int)(p - s), s, p + 7);
  }
  return s;
}

void cg_import_func(cg *g, const witc_world_key *key, const char *prefix, const witc_function *f) {
  cg_fn fn;
  cg_fn_init(g, &fn, f, prefix, SIDE_IMPORT);
  witc_core_import ci = witc_abi_import_func(&g->abi, g->mangling, key, f);

  /* header */
  cg_doc(g, &g->h_imports, f->docs, import_ownership(g, &fn), 0);
  cg_fn_proto(g, &g->h_imports, &fn, SIDE_IMPORT);
  witc_buf_puts(&g->h_imports, ";\n\n");

  /* raw import */
  witc_buf *b = &g->c_imports;
  witc_buf_puts(b, "WITC_IMPORT(");
  cg_cstr(b, ci.module);
  witc_buf_puts(b, ", ");
  cg_cstr(b, ci.name);
  witc_buf_printf(b, ")\nextern %s %s__import(",
                  fn.sig.results.len ? cg_core_ctype(fn.sig.results.items[0]) : "void", fn.cname);
  core_params(b, &fn.sig.params);
  witc_buf_puts(b, ");\n\n");

  if (fn.sig.params_indirect) cg_fn_params_struct(g, b, &fn);

  /* wrapper */
  cg_fn_proto(g, b, &fn, SIDE_IMPORT);
  witc_buf_puts(b, " {\n");
  uint32_t n = f->params.len;
  uint32_t nflat = fn.sig.params.len - (fn.sig.retptr ? 1 : 0);
  /* The argument list is complete before any arena allocation (a jump would leak it). */
  bool heap_params =
      fn.sig.params_indirect && witc_abi_params_layout(&g->abi, f, NULL).size > CG_STACK_PARAMS;
  witc_buf args;
  witc_buf_init(&args);
  /* A spilled parameter tuple of more than CG_STACK_PARAMS bytes is built in a block from
   * cabi_realloc rather than on the stack (a list<u8, 100000> argument must not overflow
   * the guest's 64 KiB shadow stack). */
  if (fn.sig.params_indirect) {
    if (heap_params) {
      witc_buf_printf(b,
                      "  struct %s__params *_p = (struct %s__params *)cabi_realloc(NULL, 0, "
                      "%s_ALIGNOF(struct %s__params), sizeof *_p);\n",
                      fn.cname, fn.cname, g->WS, fn.cname);
      witc_buf_printf(b, "  %s__zero(_p, sizeof *_p);\n", g->ws);
    } else {
      witc_buf_printf(b, "  struct %s__params _p_area, *_p = &_p_area;\n  %s__zero(_p, sizeof *_p);\n",
                      fn.cname, g->ws);
    }
    for (uint32_t i = 0; i < n; i++)
      witc_buf_printf(b, "  _p->%s = %s%s;\n", fn.pn[i], cg_by_pointer(g, fn.pt[i]) ? "*" : "", fn.pn[i]);
    witc_buf_puts(&args, "(int32_t)(uintptr_t)_p");
  } else {
    for (uint32_t k = 0; k < nflat; k++) {
      witc_buf_printf(b, "  %s _f%u = 0;\n", cg_core_ctype(fn.sig.params.items[k]), (unsigned)k);
      witc_buf_printf(&args, "%s_f%u", k ? ", " : "", (unsigned)k);
    }
  }
  if (fn.sig.retptr)
    witc_buf_printf(&args, "%s(int32_t)(uintptr_t)%s", args.len ? ", " : "",
                    fn.ret_mode == 2 ? "ret" : "&_ret");
  const char *argv = cg_buf_str(g, &args);
  if (!fn.sig.params_indirect) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
      const char *e = cg_by_pointer(g, fn.pt[i]) ? witc_arena_printf(g->arena, "(*%s)", fn.pn[i]) : fn.pn[i];
      cg_lower(g, b, fn.pt[i], e, "_f", fn.sig.params.items, &k, 1);
    }
  }
  if (fn.ret_mode == 1 && fn.sig.retptr)
    witc_buf_printf(b, "  %s _ret;\n", cg_cname(g, fn.rt));
  witc_buf_puts(b, "  ");
  if (fn.sig.results.len) witc_buf_printf(b, "%s _r0 = ", cg_core_ctype(fn.sig.results.items[0]));
  witc_buf_printf(b, "%s__import(%s);\n", fn.cname, argv);
  if (heap_params)
    witc_buf_printf(b, "  cabi_free(_p, sizeof *_p, %s_ALIGNOF(struct %s__params));\n", g->WS,
                    fn.cname);
  /* own handles inside pointer arguments moved to the callee: forget them */
  for (uint32_t i = 0; i < n; i++)
    if (cg_by_pointer(g, fn.pt[i]) && cg_ct(g, fn.pt[i])->own)
      cg_emit_walk(g, b, fn.pt[i], witc_arena_printf(g->arena, "(*%s)", fn.pn[i]), "WITC_WALK_FORGET", 1);
  if (fn.sig.results.len) {
    uint32_t k = 0;
    if (fn.ret_mode == 1) {
      witc_buf_printf(b, "  %s _ret;\n", cg_cname(g, fn.rt));
      cg_lift(g, b, fn.rt, "_ret", "_r", fn.sig.results.items, &k, 1);
      witc_buf_puts(b, "  return _ret;\n");
    } else {
      witc_buf_printf(b, "  %s__zero(ret, sizeof *ret);\n", g->ws);
      cg_lift(g, b, fn.rt, "(*ret)", "_r", fn.sig.results.items, &k, 1);
    }
  } else if (fn.ret_mode == 1) {
    witc_buf_puts(b, "  return _ret;\n");
  }
  witc_buf_puts(b, "}\n\n");
}

void cg_import_resource(cg *g, ctype *res) {
  witc_buf *h = &g->h_types;
  const witc_typedef *td = &g->r->types.items[res->t.id];
  cg_doc(g, h, td->docs, NULL, 0);
  witc_buf_printf(h,
                  "/* Handles of the imported resource `%.*s`: an own handle must be dropped "
                  "exactly once\n * (%s_drop_own, or by passing it where an own handle is "
                  "taken); a borrow is only\n * valid during the call it was passed to, and "
                  "is never dropped by you (the glue ends\n * the borrows an export receives "
                  "when it returns). Handle 0 is never valid. */\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->base);
  witc_buf_printf(h, "typedef struct %s { int32_t __handle; } %s;\n", res->own_name, res->own_name);
  witc_buf_printf(h, "typedef struct %s { int32_t __handle; } %s;\n", res->borrow_name, res->borrow_name);
  witc_buf_printf(h, "%s_STATIC_ASSERT(sizeof(%s) == 4, \"canonical size of %s\");\n", g->WS,
                  res->own_name, res->own_name);
  witc_buf_printf(h, "%s_STATIC_ASSERT(sizeof(%s) == 4, \"canonical size of %s\");\n\n", g->WS,
                  res->borrow_name, res->borrow_name);

  witc_buf *hh = &g->h_helpers;
  witc_buf_printf(hh,
                  "/** Drops an own handle of `%.*s` (it is invalid afterwards). Zero handles are "
                  "ignored. */\nvoid %s_drop_own(%s handle);\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->base, res->own_name);
  witc_buf_printf(hh,
                  "/** A borrow of an own handle, to pass where `borrow<%.*s>` is expected; the "
                  "own handle\n * stays yours and the borrow must not be dropped. */\n%s "
                  "%s_borrow_%s(%s handle);\n\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->borrow_name, res->prefix,
                  res->rsnake, res->own_name);

  /* [resource-drop] and the glue's own borrow ending go with the walkers (which use it and
   * come first in the .c): borrows an export receives are ended by the glue alone, so the
   * header offers no function that drops a borrow. */
  witc_core_import ci = witc_abi_resource_import(&g->abi, g->mangling, res->key, res->wit_name,
                                                 false, WITC_RES_DROP);
  witc_buf *w = &g->c_helpers;
  witc_buf_puts(w, "WITC_IMPORT(");
  cg_cstr(w, ci.module);
  witc_buf_puts(w, ", ");
  cg_cstr(w, ci.name);
  witc_buf_printf(w, ")\nextern void %s__drop_import(int32_t handle);\n\n", res->base);
  witc_buf_printf(w,
                  "/* ends a borrow that an export received (the export glue, after the call) */\n"
                  "WITC_UNUSED static void %s__drop_borrow(%s handle) {\n"
                  "  if (handle.__handle) %s__drop_import(handle.__handle);\n}\n\n",
                  res->base, res->borrow_name, res->base);
  witc_buf *c = &g->c_imports;
  witc_buf_printf(c,
                  "void %s_drop_own(%s handle) {\n  if (handle.__handle) %s__drop_import(handle.__handle);\n}\n\n",
                  res->base, res->own_name, res->base);
  witc_buf_printf(c,
                  "%s %s_borrow_%s(%s handle) {\n  %s b;\n  b.__handle = handle.__handle;\n  return b;\n}\n\n",
                  res->borrow_name, res->prefix, res->rsnake, res->own_name, res->borrow_name);
}

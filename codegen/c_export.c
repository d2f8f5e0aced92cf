/* c_export.c: glue for exported functions (the host calls the guest: canon lift,
 * docs/canonical-abi.md §4, §6; docs/c-bindings.md §1.7) and helpers of exported resources
 * (§7: resource.new/rep/drop, the destructor export).
 *
 * Arguments are lifted without copies; the glue owns them and releases what the
 * implementation left in them after it returns (so nothing leaks and borrows always end
 * in time). A spilled result lives in a return area of its own per export (never one
 * shared by all), freed by the weak post-return function once the host has copied it. */
#include "c_int.h"

#include <string.h>

static const char *export_ownership(cg *g, const cg_fn *fn) {
  witc_buf b;
  witc_buf_init(&b);
  witc_buf_puts(&b, "Implement this (called by the host).");
  bool ptr_args = false, own_val = false, borrow_val = false, borrow_ptr = false, rep_val = false;
  for (uint32_t i = 0; i < fn->f->params.len; i++) {
    uint32_t t = cg_unalias(g, fn->pt[i]);
    if (cg_by_pointer(g, t)) ptr_args |= cg_ct(g, t)->mem || cg_ct(g, t)->own || cg_ct(g, t)->borrow;
    if (cg_by_pointer(g, t)) borrow_ptr |= cg_ct(g, t)->borrow;
    else if (cg_ct(g, t)->kind == CK_OWN) own_val = true;
    else if (cg_ct(g, t)->kind == CK_BORROW && cg_ct(g, t)->borrow) borrow_val = true;
    else if (cg_ct(g, t)->kind == CK_BORROW) rep_val = true;
  }
  if (ptr_args)
    witc_buf_puts(&b, "\nOwnership: arguments passed by pointer stay the glue's; after you return "
                      "it frees\nwhat is left in them (buffers, own handles). To keep a "
                      "part, copy it out and zero it\nin the argument.");
  if (own_val) witc_buf_puts(&b, "\nOwn handles passed by value become yours: drop or keep them.");
  if (borrow_val || borrow_ptr)
    witc_buf_puts(&b, "\nBorrowed handles are valid until you return; the glue ends them then: "
                      "never drop\nor zero one.");
  if (rep_val)
    witc_buf_puts(&b, "\nBorrows of this component's own resources arrive as rep pointers, valid "
                      "until you\nreturn.");
  if (fn->rt != UINT32_MAX) {
    const ctype *rc = cg_ct(g, fn->rt);
    if (fn->ret_mode == 2)
      witc_buf_printf(&b, "\nWrite the result to `*ret` (zeroed on entry)%s",
                      rc->mem ? ": its buffers must come from cabi_realloc\n(or the _dup "
                                "helpers); they move to the host, and the glue frees them "
                                "after\nthe host copied the result."
                              : ".");
    if (rc->own) witc_buf_puts(&b, "\nOwn handles in the result move to the caller.");
  }
  return cg_buf_str(g, &b);
}

static void raw_import(cg *g, witc_buf *c, witc_core_import ci, const char *decl) {
  witc_buf_puts(c, "WITC_IMPORT(");
  cg_cstr(c, ci.module);
  witc_buf_puts(c, ", ");
  cg_cstr(c, ci.name);
  witc_buf_printf(c, ")\nextern %s;\n\n", decl);
  (void)g;
}

void cg_export_func(cg *g, const witc_world_key *key, const char *prefix, const witc_function *f) {
  cg_fn fn;
  cg_fn_init(g, &fn, f, prefix, SIDE_EXPORT);
  const char *ename = witc_abi_export_func(&g->abi, g->mangling, key, f);

  cg_doc(g, &g->h_exports, f->docs, export_ownership(g, &fn), 0);
  cg_fn_proto(g, &g->h_exports, &fn, SIDE_EXPORT);
  witc_buf_puts(&g->h_exports, ";\n\n");

  witc_buf *b = &g->c_glue;
  uint32_t n = f->params.len;
  if (fn.sig.params_indirect) cg_fn_params_struct(g, b, &fn);
  if (fn.sig.results_indirect)
    witc_buf_printf(b, "/* the return area of this export alone (read by the host, then freed "
                       "by the post-return) */\nstatic %s %s__ret_area;\n\n",
                    cg_cname(g, fn.rt), fn.cname);
  witc_buf_puts(b, "WITC_EXPORT(");
  cg_cstr(b, ename);
  witc_buf_printf(b, ")\n%s %s__export(",
                  fn.sig.results.len ? cg_core_ctype(fn.sig.results.items[0]) : "void", fn.cname);
  if (!fn.sig.params.len) witc_buf_puts(b, "void");
  for (uint32_t k = 0; k < fn.sig.params.len; k++)
    witc_buf_printf(b, "%s%s _f%u", k ? ", " : "", cg_core_ctype(fn.sig.params.items[k]), (unsigned)k);
  witc_buf_puts(b, ") {\n");
  /* The arguments: flat ones are lifted into locals (they are small: at most 16 core
   * values); spilled ones stay where the host wrote them, in the block it allocated with
   * cabi_realloc, which is passed by pointer and freed after the call (however large:
   * nothing of it is copied to the stack). */
  const char **av = witc_arena_alloc(g->arena, sizeof(char *) * (n ? n : 1));
  if (fn.sig.params_indirect) {
    witc_buf_printf(b, "  struct %s__params *_p = (struct %s__params *)(uintptr_t)_f0;\n",
                    fn.cname, fn.cname);
    for (uint32_t i = 0; i < n; i++) av[i] = witc_arena_printf(g->arena, "_p->%s", fn.pn[i]);
  } else {
    for (uint32_t i = 0; i < n; i++) {
      witc_buf_printf(b, "  %s _a%u;\n", cg_cname(g, fn.pt[i]), (unsigned)i);
      witc_buf_printf(b, "  %s__zero(&_a%u, sizeof _a%u);\n", g->ws, (unsigned)i, (unsigned)i);
      av[i] = witc_arena_printf(g->arena, "_a%u", (unsigned)i);
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
      cg_lift(g, b, fn.pt[i], av[i], "_f", fn.sig.params.items, &k, 1);
  }
  witc_buf args;
  witc_buf_init(&args);
  for (uint32_t i = 0; i < n; i++)
    witc_buf_printf(&args, "%s%s%s", i ? ", " : "", cg_by_pointer(g, fn.pt[i]) ? "&" : "", av[i]);
  const char *rv = NULL; /* lvalue holding the result */
  if (fn.ret_mode == 2) {
    if (fn.sig.results_indirect) {
      witc_buf_printf(b, "  %s *_ret = &%s__ret_area;\n", cg_cname(g, fn.rt), fn.cname);
      rv = "(*_ret)";
    } else {
      witc_buf_printf(b, "  %s _retv;\n  %s *_ret = &_retv;\n", cg_cname(g, fn.rt), cg_cname(g, fn.rt));
      rv = "_retv";
    }
    witc_buf_printf(b, "  %s__zero(_ret, sizeof *_ret);\n", g->ws);
    witc_buf_printf(&args, "%s_ret", n ? ", " : "");
  }
  if (args.error) b->error = true; /* no arena allocation while `args` lives */
  const char *argv = args.data && !args.error ? args.data : "";
  if (fn.ret_mode == 1) {
    witc_buf_printf(b, "  %s _retv = %s(%s);\n", cg_cname(g, fn.rt), fn.cname, argv);
    rv = "_retv";
  } else {
    witc_buf_printf(b, "  %s(%s);\n", fn.cname, argv);
  }
  witc_buf_delete(&args);
  for (uint32_t i = 0; i < n; i++) {
    if (cg_by_pointer(g, fn.pt[i]))
      cg_emit_walk(g, b, fn.pt[i], av[i], "WITC_WALK_MEM | WITC_WALK_DROP | WITC_WALK_END_BORROW", 1);
    else
      cg_emit_walk(g, b, fn.pt[i], av[i], "WITC_WALK_END_BORROW", 1);
  }
  if (fn.sig.params_indirect)
    witc_buf_printf(b, "  cabi_free(_p, sizeof *_p, %s_ALIGNOF(struct %s__params));\n", g->WS,
                    fn.cname);
  if (fn.sig.results_indirect) {
    witc_buf_puts(b, "  return (int32_t)(uintptr_t)_ret;\n");
  } else if (fn.sig.results.len) {
    witc_buf_printf(b, "  %s _r0 = 0;\n", cg_core_ctype(fn.sig.results.items[0]));
    uint32_t k = 0;
    cg_lower(g, b, fn.rt, rv, "_r", fn.sig.results.items, &k, 1);
    witc_buf_puts(b, "  return _r0;\n");
  }
  witc_buf_puts(b, "}\n\n");

  if (fn.sig.results_indirect && witc_abi_has_buffers(&g->abi, f->result)) {
    const char *pname = witc_abi_post_return(&g->abi, g->mangling, key, f);
    witc_buf_puts(b, "/* post-return: the host has copied the result; free its buffers (own "
                     "handles in it\n * moved to the host). Weak: define your own to replace "
                     "it. */\nWITC_EXPORT(");
    cg_cstr(b, pname);
    witc_buf_printf(b, ") WITC_WEAK\nvoid %s__post_return(int32_t _p0) {\n", fn.cname);
    cg_emit_walk(g, b, fn.rt,
                 witc_arena_printf(g->arena, "(*(%s *)(uintptr_t)_p0)", cg_cname(g, fn.rt)),
                 "WITC_WALK_MEM", 1);
    witc_buf_puts(b, "}\n\n");
  }
}

void cg_export_resource(cg *g, ctype *res) {
  witc_buf *h = &g->h_types;
  const witc_typedef *td = &g->r->types.items[res->t.id];
  cg_doc(g, h, td->docs, NULL, 0);
  witc_buf_printf(h,
                  "/* Resource `%.*s`, implemented by this component: define `struct %s` (your "
                  "representation,\n * the \"rep\"). Own handles are created with %s_new; a "
                  "borrow arrives as your rep pointer. */\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->name, res->base);
  witc_buf_printf(h, "typedef struct %s %s;\n", res->name, res->name);
  witc_buf_printf(h, "typedef struct %s { int32_t __handle; } %s;\n", res->own_name, res->own_name);
  witc_buf_printf(h, "typedef %s *%s;\n", res->name, res->borrow_name);
  witc_buf_printf(h, "%s_STATIC_ASSERT(sizeof(%s) == 4, \"canonical size of %s\");\n\n", g->WS,
                  res->own_name, res->own_name);

  witc_buf *hh = &g->h_helpers;
  witc_buf_printf(hh,
                  "/** A new own handle of `%.*s` for `rep` (which must stay valid until the "
                  "destructor). */\n%s %s_new(%s *rep);\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->own_name, res->base, res->name);
  witc_buf_printf(hh, "/** The rep behind an own handle of `%.*s` (the handle stays yours). */\n%s *%s_rep(%s handle);\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->name, res->base, res->own_name);
  witc_buf_printf(hh,
                  "/** Drops an own handle of `%.*s`; the destructor runs when it was the last. "
                  "Zero handles\n * are ignored. */\nvoid %s_drop_own(%s handle);\n\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->base, res->own_name);

  witc_buf_printf(&g->h_exports,
                  "/** Implement this: the last handle to a `%.*s` was dropped; release `rep`. */\n"
                  "void %s_destructor(%s *rep);\n\n",
                  (int)res->wit_name.len, res->wit_name.ptr, res->base, res->name);

  witc_buf *c = &g->c_imports;
  raw_import(g, c, witc_abi_resource_import(&g->abi, g->mangling, res->key, res->wit_name, true, WITC_RES_NEW),
             witc_arena_printf(g->arena, "int32_t %s__new_import(int32_t rep)", res->base));
  raw_import(g, c, witc_abi_resource_import(&g->abi, g->mangling, res->key, res->wit_name, true, WITC_RES_REP),
             witc_arena_printf(g->arena, "int32_t %s__rep_import(int32_t handle)", res->base));
  raw_import(g, c, witc_abi_resource_import(&g->abi, g->mangling, res->key, res->wit_name, true, WITC_RES_DROP),
             witc_arena_printf(g->arena, "void %s__drop_import(int32_t handle)", res->base));
  witc_buf_printf(c,
                  "%s %s_new(%s *rep) {\n  %s h;\n  h.__handle = %s__new_import((int32_t)(uintptr_t)rep);\n  return h;\n}\n\n",
                  res->own_name, res->base, res->name, res->own_name, res->base);
  witc_buf_printf(c,
                  "%s *%s_rep(%s handle) {\n  return (%s *)(uintptr_t)%s__rep_import(handle.__handle);\n}\n\n",
                  res->name, res->base, res->own_name, res->name, res->base);
  witc_buf_printf(c,
                  "void %s_drop_own(%s handle) {\n  if (handle.__handle) %s__drop_import(handle.__handle);\n}\n\n",
                  res->base, res->own_name, res->base);

  witc_buf *gl = &g->c_glue;
  witc_buf_puts(gl, "WITC_EXPORT(");
  cg_cstr(gl, witc_abi_resource_dtor(&g->abi, g->mangling, res->key, res->wit_name));
  witc_buf_printf(gl, ")\nvoid %s__dtor(int32_t rep) {\n  %s_destructor((%s *)(uintptr_t)rep);\n}\n\n",
                  res->base, res->base, res->name);
}

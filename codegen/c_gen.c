/* c_gen.c: the driver of the C back end: rejects what it cannot generate yet (with the WIT
 * location), walks the world in order (imports, then exports), and assembles <world>.h and
 * <world>.c around the small runtime (allocation hooks, string helpers, bit casts). */
#include "c_int.h"

#include <setjmp.h>
#include <string.h>

/* ---- what is not supported yet ---------------------------------------------------------- */

typedef struct checker {
  cg *g;
  uint8_t *seen;
  bool ok;
} checker;

static void fail(checker *ck, witc_span sp, const char *fmt, const char *a, uint32_t alen) {
  witc_diags_error(ck->g->diags, sp, fmt, (int)alen, a);
  ck->ok = false;
}

/* The checks of one type definition before its members are visited. Returns false when
 * its members are not to be visited (future, stream). */
static bool check_pre(checker *ck, const witc_typedef *td, witc_span sp) {
  const char *nm = td->name.ptr ? td->name.ptr : "";
  uint32_t nl = td->name.ptr ? td->name.len : 0;
  switch (td->kind) {
  case WITC_TD_FUTURE:
    fail(ck, sp, "`witc gen c` does not support `future` types yet%.*s", "", 0);
    return false;
  case WITC_TD_STREAM:
    fail(ck, sp, "`witc gen c` does not support `stream` types yet%.*s", "", 0);
    return false;
  case WITC_TD_UNKNOWN:
    fail(ck, sp, "unresolved type `%.*s`", nm, nl);
    break;
  default: break;
  }
  return true;
}

/* Checks type `t` (used at `where`) and every type it contains, each type once, with an
 * explicit stack. (Types that are not valid component types are the ABI model's verdict:
 * witc_abi_check_world, in check_world.) */
static void check_type(checker *ck, witc_type t, witc_span where) {
  const witc_resolve *r = ck->g->r;
  if (t.tag == WITC_T_ERROR_CONTEXT) {
    fail(ck, where, "`witc gen c` does not support `error-context` yet%.*s", "", 0);
    return;
  }
  if (t.tag != WITC_T_ID || t.id >= r->types.len || ck->seen[t.id]) return;
  typedef struct { uint32_t id, next; witc_span sp; } cframe;
  witc_vec(cframe) st = {0};
  ck->seen[t.id] = 1;
  {
    const witc_typedef *td = &r->types.items[t.id];
    witc_span sp = witc_span_is_none(td->span) ? where : td->span;
    if (!check_pre(ck, td, sp)) return;
    witc_vec_push(ck->g->arena, &st, ((cframe){t.id, 0, sp}));
  }
  while (st.len) {
    cframe *f = &st.items[st.len - 1];
    const witc_typedef *td = &r->types.items[f->id];
    uint32_t n = cg_wit_nkids(td);
    if (f->next < n) {
      witc_type k = cg_wit_kid(td, f->next++);
      witc_span psp = f->sp;
      if (k.tag == WITC_T_ERROR_CONTEXT) {
        fail(ck, psp, "`witc gen c` does not support `error-context` yet%.*s", "", 0);
        continue;
      }
      if (k.tag != WITC_T_ID || k.id >= r->types.len || ck->seen[k.id]) continue;
      ck->seen[k.id] = 1;
      const witc_typedef *kd = &r->types.items[k.id];
      witc_span ksp = witc_span_is_none(kd->span) ? psp : kd->span;
      if (!check_pre(ck, kd, ksp)) continue;
      witc_vec_push(ck->g->arena, &st, ((cframe){k.id, 0, ksp}));
      continue;
    }
    st.len--;
  }
}

static void check_func(checker *ck, const witc_function *f) {
  switch (f->kind) {
  case WITC_FUNC_ASYNC_FREESTANDING: case WITC_FUNC_ASYNC_METHOD: case WITC_FUNC_ASYNC_STATIC:
    fail(ck, f->span, "`witc gen c` does not support async functions yet: `%.*s`", f->name.ptr,
         f->name.len);
    return;
  default: break;
  }
  for (uint32_t i = 0; i < f->params.len; i++)
    check_type(ck, f->params.items[i].type,
               witc_span_is_none(f->params.items[i].span) ? f->span : f->params.items[i].span);
  check_type(ck, f->result, f->span);
}

static void check_iface(checker *ck, witc_id id) {
  const witc_interface *ifc = &ck->g->r->interfaces.items[id];
  for (uint32_t i = 0; i < ifc->types.len; i++)
    check_type(ck, witc_type_id(ifc->types.items[i].id), ifc->span);
  for (uint32_t i = 0; i < ifc->functions.len; i++) check_func(ck, &ifc->functions.items[i]);
}

static bool check_world(cg *g) {
  checker ck = {g, NULL, true};
  /* Invalid component types (empty record/variant/enum/flags/tuple, more than 32 flags,
   * list<T, 0>, 2^28 bytes or more): the one verdict `witc abi` reports too, same order. */
  if (witc_abi_check_world(&g->abi, g->w, g->diags)) ck.ok = false;
  ck.seen = witc_arena_alloc(g->arena, g->r->types.len + 1);
  for (int side = 0; side < 2; side++) {
    const witc_world_entry *es = side ? g->w->exports.items : g->w->imports.items;
    uint32_t n = side ? g->w->exports.len : g->w->imports.len;
    for (uint32_t i = 0; i < n; i++) {
      const witc_world_item *it = &es[i].item;
      if (it->kind == WITC_WI_INTERFACE) check_iface(&ck, it->id);
      else if (it->kind == WITC_WI_FUNCTION) check_func(&ck, &it->func);
      else check_type(&ck, witc_type_id(it->id), it->span);
    }
  }
  return ck.ok;
}

/* ---- fixed text --------------------------------------------------------------------------- */

static void header_prologue(cg *g, witc_buf *h, const char *world_name) {
  witc_buf_printf(h,
    "/* Generated by witc from world `%s`. DO NOT EDIT.\n"
    " *\n"
    " * C bindings for a WebAssembly component (canonical ABI, wasm32). Compile %s.c with\n"
    " * clang --target=wasm32-wasi (or --target=wasm32 -DWITC_FREESTANDING: no libc needed).\n"
    " *\n"
    " * Ownership, everywhere in this header:\n"
    " * - Imported functions (you call them): arguments are borrowed for the call (const\n"
    " *   pointers) and stay yours; own handles you pass move to the callee; results are yours.\n"
    " * - Exported functions (you implement them, named exports_...): arguments passed by\n"
    " *   pointer stay the glue's and are released after you return, unless you move a part\n"
    " *   out (copy it, then zero it in the argument); results you write become the host's.\n"
    " *   Borrowed handles they receive (by value or inside an argument) are ended by the\n"
    " *   glue when you return: never drop or zero one.\n"
    " * - Every type that owns memory or own handles has a _free function that releases it\n"
    " *   and zeroes the value (a zeroed value owns nothing). A string or list of length 0\n"
    " *   owns no buffer: never allocate one for it.\n"
    " * - All memory goes through cabi_realloc and cabi_free (weak in %s.c: define both to\n"
    " *   use your own allocator).\n"
    " */\n",
    world_name, g->ws, g->ws);
  witc_buf_printf(h, "#ifndef WITC_BINDINGS_%s_H\n#define WITC_BINDINGS_%s_H\n\n", g->WS, g->WS);
  witc_buf_puts(h, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n");
  witc_buf_printf(h,
    "#ifdef __cplusplus\n"
    "#define %s_STATIC_ASSERT(c, m) static_assert(c, m)\n"
    "#define %s_ALIGNOF(t) alignof(t)\n"
    "extern \"C\" {\n"
    "#else\n"
    "#define %s_STATIC_ASSERT(c, m) _Static_assert(c, m)\n"
    "#define %s_ALIGNOF(t) _Alignof(t)\n"
    "#endif\n\n",
    g->WS, g->WS, g->WS, g->WS);
  witc_buf_puts(h,
    "/* ---- allocation hooks ---------------------------------------------------------\n"
    " * cabi_realloc(ptr, old_size, align, new_size) is the canonical ABI realloc: the host\n"
    " * allocates arguments and results in this module through it, and so must you for\n"
    " * everything you hand over (a fresh block is cabi_realloc(NULL, 0, align, size)). It\n"
    " * never returns NULL (it traps when out of memory); new_size 0 returns a dummy aligned\n"
    " * pointer that owns nothing. cabi_free(ptr, size, align) releases a block of `size`\n"
    " * bytes (> 0) obtained from cabi_realloc. */\n"
    "void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size);\n"
    "void cabi_free(void *ptr, size_t size, size_t align);\n\n");
  witc_buf_printf(h,
    "/** A string: UTF-8 bytes, not NUL-terminated, `len` in bytes. */\n"
    "typedef struct %s_string_t {\n  uint8_t *ptr;\n  size_t len;\n} %s_string_t;\n"
    "%s_STATIC_ASSERT(sizeof(%s_string_t) == 2 * sizeof(void *), \"canonical size of %s_string_t\");\n"
    "%s_STATIC_ASSERT(%s_ALIGNOF(%s_string_t) == %s_ALIGNOF(void *), \"canonical alignment of %s_string_t\");\n\n",
    g->ws, g->ws, g->WS, g->ws, g->ws, g->WS, g->WS, g->ws, g->WS, g->ws);
}

static void header_string_helpers(cg *g, witc_buf *h) {
  witc_buf_printf(h,
    "/** Sets `*ret` to a borrowed view of the NUL-terminated `s` (no copy): never free it,\n"
    " * and never return it from an export (use %s_string_dup). */\n"
    "void %s_string_set(%s_string_t *ret, const char *s);\n"
    "/** Sets `*ret` to an owned copy of the NUL-terminated `s` (from cabi_realloc). */\n"
    "void %s_string_dup(%s_string_t *ret, const char *s);\n"
    "/** Sets `*ret` to an owned copy of the `len` bytes at `s`. */\n"
    "void %s_string_dup_n(%s_string_t *ret, const char *s, size_t len);\n"
    "/** Frees an owned string (cabi_free) and zeroes it. `s` may be NULL. */\n"
    "void %s_string_free(%s_string_t *s);\n\n",
    g->ws, g->ws, g->ws, g->ws, g->ws, g->ws, g->ws, g->ws, g->ws);
}

static void source_runtime(cg *g, witc_buf *c) {
  const char *w = g->ws;
  witc_buf_printf(c, "/* Generated by witc. DO NOT EDIT. Glue of %s.h: see there for the rules. */\n", w);
  witc_buf_printf(c, "#include \"%s.h\"\n\n", w);
  witc_buf_puts(c,
    "#if !defined(WITC_FREESTANDING)\n#include <stdlib.h>\n#endif\n\n"
    "#if defined(__wasm__)\n"
    "#define WITC_IMPORT(m, n) __attribute__((__import_module__(m), __import_name__(n)))\n"
    "#define WITC_EXPORT(n) __attribute__((__export_name__(n)))\n"
    "#else /* compiled for another target only to check it: no imports or exports */\n"
    "#define WITC_IMPORT(m, n)\n#define WITC_EXPORT(n)\n#endif\n"
    "#define WITC_WEAK __attribute__((__weak__))\n"
    "#define WITC_UNUSED __attribute__((__unused__))\n"
    "#define WITC_WALK_MEM 1u        /* free buffers */\n"
    "#define WITC_WALK_DROP 2u       /* drop own handles */\n"
    "#define WITC_WALK_END_BORROW 4u /* end borrows of imported resources */\n"
    "#define WITC_WALK_FORGET 8u     /* zero own handles that moved elsewhere */\n\n");
  witc_buf_printf(c,
    "WITC_UNUSED static void %s__zero(void *p, size_t n) {\n"
    "  unsigned char *b = (unsigned char *)p;\n  while (n--) *b++ = 0;\n}\n\n"
    "WITC_UNUSED static int32_t %s__f32_to_i32(float f) {\n"
    "  union { float f; int32_t i; } u;\n  u.f = f;\n  return u.i;\n}\n"
    "WITC_UNUSED static float %s__i32_to_f32(int32_t i) {\n"
    "  union { float f; int32_t i; } u;\n  u.i = i;\n  return u.f;\n}\n"
    "WITC_UNUSED static int64_t %s__f64_to_i64(double f) {\n"
    "  union { double f; int64_t i; } u;\n  u.f = f;\n  return u.i;\n}\n"
    "WITC_UNUSED static double %s__i64_to_f64(int64_t i) {\n"
    "  union { double f; int64_t i; } u;\n  u.i = i;\n  return u.f;\n}\n\n",
    w, w, w, w, w);
  /* allocator */
  witc_buf_printf(c,
    "/* ---- allocation hooks (weak: a strong definition elsewhere replaces them) ---- */\n"
    "#if defined(WITC_FREESTANDING)\n"
    "#if !defined(__wasm__)\n"
    "#error \"WITC_FREESTANDING needs a wasm target: its allocator grows linear memory\"\n"
    "#endif\n"
    "/* A small size-class allocator over linear memory: blocks of 2^k bytes (k >= 4) after an\n"
    " * 8-byte header holding k; freed blocks go to a free list per class. */\n"
    "extern unsigned char __heap_base;\n"
    "static uintptr_t %s__heap_top, %s__heap_end;\n"
    "static void *%s__classes[32];\n\n"
    "static void *%s__alloc(size_t n) {\n"
    "  unsigned k = 4;\n"
    "  if (n > ((size_t)1 << 30)) __builtin_trap();\n"
    "  while (((size_t)1 << k) < n) k++;\n"
    "  void *p = %s__classes[k];\n"
    "  if (p) {\n    %s__classes[k] = *(void **)p;\n    return p;\n  }\n"
    "  if (!%s__heap_top) {\n"
    "    %s__heap_top = ((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7;\n"
    "    %s__heap_end = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;\n  }\n"
    "  uintptr_t blk = %s__heap_top + 8, end = blk + ((size_t)1 << k);\n"
    "  if (end > %s__heap_end) {\n"
    "    size_t pages = (end - %s__heap_end + 65535u) / 65536u;\n"
    "    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();\n"
    "    %s__heap_end += pages * 65536u;\n  }\n"
    "  %s__heap_top = end;\n"
    "  *(uint32_t *)(blk - 8) = k;\n"
    "  return (void *)blk;\n}\n\n"
    "static void %s__dealloc(void *p) {\n"
    "  unsigned k = *(uint32_t *)((uintptr_t)p - 8);\n"
    "  *(void **)p = %s__classes[k];\n  %s__classes[k] = p;\n}\n\n",
    w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w, w);
  witc_buf_puts(c, "WITC_EXPORT(");
  cg_cstr(c, witc_abi_realloc_name(g->mangling));
  witc_buf_printf(c, ") WITC_WEAK\n"
    "void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {\n"
    "  if (align > 8) __builtin_trap();\n"
    "  if (new_size == 0) {\n    if (ptr && old_size) %s__dealloc(ptr);\n    return (void *)align;\n  }\n"
    "  if (ptr && old_size) {\n"
    "    unsigned k = *(uint32_t *)((uintptr_t)ptr - 8);\n"
    "    if (new_size <= ((size_t)1 << k)) return ptr;\n"
    "    unsigned char *q = (unsigned char *)%s__alloc(new_size);\n"
    "    for (size_t i = 0; i < old_size; i++) q[i] = ((unsigned char *)ptr)[i];\n"
    "    %s__dealloc(ptr);\n    return q;\n  }\n"
    "  return %s__alloc(new_size);\n}\n\n"
    "WITC_WEAK void cabi_free(void *ptr, size_t size, size_t align) {\n"
    "  (void)align;\n  if (ptr && size) %s__dealloc(ptr);\n}\n\n"
    "/* The compiler may call these for struct copies; there is no libc to provide them. */\n"
    "void *memcpy(void *d, const void *s, size_t n);\n"
    "void *memmove(void *d, const void *s, size_t n);\n"
    "void *memset(void *d, int v, size_t n);\n"
    "WITC_WEAK void *memcpy(void *d, const void *s, size_t n) {\n"
    "  unsigned char *dp = (unsigned char *)d;\n  const unsigned char *sp = (const unsigned char *)s;\n"
    "  while (n--) *dp++ = *sp++;\n  return d;\n}\n"
    "WITC_WEAK void *memmove(void *d, const void *s, size_t n) {\n"
    "  unsigned char *dp = (unsigned char *)d;\n  const unsigned char *sp = (const unsigned char *)s;\n"
    "  if (dp < sp) {\n    while (n--) *dp++ = *sp++;\n  } else {\n    while (n--) dp[n] = sp[n];\n  }\n  return d;\n}\n"
    "WITC_WEAK void *memset(void *d, int v, size_t n) {\n"
    "  unsigned char *dp = (unsigned char *)d;\n  while (n--) *dp++ = (unsigned char)v;\n  return d;\n}\n"
    "#else\n",
    w, w, w, w, w);
  witc_buf_puts(c, "WITC_EXPORT(");
  cg_cstr(c, witc_abi_realloc_name(g->mangling));
  witc_buf_puts(c, ") WITC_WEAK\n"
    "void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {\n"
    "  if (align > 16) abort(); /* malloc aligns to 16 */\n"
    "  if (new_size == 0) {\n    if (ptr && old_size) free(ptr);\n    return (void *)align;\n  }\n"
    "  void *p = realloc(old_size ? ptr : NULL, new_size);\n"
    "  if (!p) abort();\n  return p;\n}\n\n"
    "WITC_WEAK void cabi_free(void *ptr, size_t size, size_t align) {\n"
    "  (void)align;\n  if (ptr && size) free(ptr);\n}\n"
    "#endif\n\n");
  /* strings */
  witc_buf_printf(c,
    "WITC_UNUSED static void %s_string__walk(%s_string_t *p, unsigned mode) {\n"
    "  if (mode & WITC_WALK_MEM) {\n    if (p->len) cabi_free(p->ptr, p->len, 1);\n"
    "    p->ptr = NULL;\n    p->len = 0;\n  }\n}\n\n"
    "void %s_string_set(%s_string_t *ret, const char *s) {\n"
    "  size_t n = 0;\n  while (s[n]) n++;\n"
    "  ret->ptr = (uint8_t *)(uintptr_t)s;\n  ret->len = n;\n}\n\n"
    "void %s_string_dup_n(%s_string_t *ret, const char *s, size_t len) {\n"
    "  ret->ptr = len ? (uint8_t *)cabi_realloc(NULL, 0, 1, len) : NULL;\n"
    "  ret->len = len;\n  for (size_t i = 0; i < len; i++) ret->ptr[i] = (uint8_t)s[i];\n}\n\n"
    "void %s_string_dup(%s_string_t *ret, const char *s) {\n"
    "  size_t n = 0;\n  while (s[n]) n++;\n  %s_string_dup_n(ret, s, n);\n}\n\n"
    "void %s_string_free(%s_string_t *s) {\n  if (s) %s_string__walk(s, WITC_WALK_MEM);\n}\n\n",
    w, w, w, w, w, w, w, w, w, w, w, w);
}

/* ---- the world walk ------------------------------------------------------------------------ */

static void banner(witc_buf *b, const char *what, const char *name) {
  witc_buf_printf(b, "/* ---- %s `%s` ---- */\n\n", what, name);
}

static void gen_world(cg *g) {
  const witc_world *w = g->w;
  int world_types = 0;
  for (uint32_t i = 0; i < w->imports.len; i++) {
    const witc_world_entry *e = &w->imports.items[i];
    const witc_world_item *it = &e->item;
    if (it->kind == WITC_WI_INTERFACE) {
      const witc_interface *ifc = &g->r->interfaces.items[it->id];
      const char *prefix = cg_iface_prefix(g, it->id, SIDE_IMPORT);
      const char *kname = witc_abi_key(&g->abi, &e->key, false);
      if (ifc->types.len) {
        banner(&g->h_types, "types of imported interface", kname);
        cg_doc(g, &g->h_types, ifc->docs, NULL, 0);
      }
      for (uint32_t k = 0; k < ifc->types.len; k++)
        cg_define(g, cg_type(g, witc_type_id(ifc->types.items[k].id), SIDE_IMPORT));
      if (ifc->functions.len) banner(&g->h_imports, "imported interface", kname);
      for (uint32_t k = 0; k < ifc->functions.len; k++)
        cg_import_func(g, &e->key, prefix, &ifc->functions.items[k]);
    } else if (it->kind == WITC_WI_TYPE) {
      if (!world_types++) banner(&g->h_types, "world-level types of", g->ws);
      cg_define(g, cg_type(g, witc_type_id(it->id), SIDE_IMPORT));
    } else {
      cg_import_func(g, NULL, g->ws, &it->func);
    }
  }
  const char *wexp = witc_arena_printf(g->arena, "exports_%s", g->ws);
  for (uint32_t i = 0; i < w->exports.len; i++) {
    const witc_world_entry *e = &w->exports.items[i];
    const witc_world_item *it = &e->item;
    if (it->kind == WITC_WI_INTERFACE) {
      const witc_interface *ifc = &g->r->interfaces.items[it->id];
      const char *prefix = cg_iface_prefix(g, it->id, SIDE_EXPORT);
      const char *kname = witc_abi_key(&g->abi, &e->key, false);
      if (ifc->types.len) {
        banner(&g->h_types, "types of exported interface", kname);
        cg_doc(g, &g->h_types, ifc->docs, NULL, 0);
      }
      for (uint32_t k = 0; k < ifc->types.len; k++)
        cg_define(g, cg_type(g, witc_type_id(ifc->types.items[k].id), SIDE_EXPORT));
      banner(&g->h_exports, "exported interface (implement these)", kname);
      for (uint32_t k = 0; k < ifc->functions.len; k++)
        cg_export_func(g, &e->key, prefix, &ifc->functions.items[k]);
    } else if (it->kind == WITC_WI_FUNCTION) {
      cg_export_func(g, NULL, wexp, &it->func);
    } else {
      cg_define(g, cg_type(g, witc_type_id(it->id), SIDE_EXPORT));
    }
  }
}

static void reserve_fixed_names(cg *g) {
  cg_reserve_names(g);
  const char *fixed[] = {"cabi_realloc", "cabi_free", "memcpy", "memmove", "memset", NULL};
  for (int i = 0; fixed[i]; i++) cg_claim(g, fixed[i], "the runtime");
  const char *pats[] = {"%s_string_t", "%s_string_set", "%s_string_dup", "%s_string_dup_n",
                        "%s_string_free", "%s_STATIC_ASSERT", "%s_ALIGNOF", NULL};
  for (int i = 0; pats[i]; i++)
    cg_claim(g, witc_arena_printf(g->arena, pats[i], i >= 5 ? g->WS : g->ws), "the runtime");
}

void witc_gen_c_out_delete(witc_gen_c_out *out) {
  witc_buf_delete(&out->header);
  witc_buf_delete(&out->source);
  witc_buf_delete(&out->notes);
}

static void bufs(cg *g, bool init) {
  witc_buf *all[] = {&g->h_types, &g->h_imports, &g->h_exports, &g->h_helpers,
                     &g->c_imports, &g->c_helpers, &g->c_glue};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    if (init) witc_buf_init(all[i]);
    else witc_buf_delete(all[i]);
  }
}

static void append(witc_buf *dst, const witc_buf *src) {
  if (src->error) dst->error = true;
  else if (src->len) witc_buf_put(dst, src->data, src->len);
}

/* The generation proper; arena failures longjmp out of it to witc_gen_c. */
static bool generate(cg *g, const witc_resolve *r, witc_id world, const witc_gen_c_opts *opts,
                     witc_diags *diags, witc_gen_c_out *out) {
  g->r = r;
  g->w = &r->worlds.items[world];
  g->arena = r->arena;
  g->mangling = opts ? opts->mangling : WITC_MANGLING_LEGACY;
  g->diags = diags;
  g->notes = &out->notes;
  witc_abi_init(&g->abi, r, r->arena, 4);
  witc_abi_init(&g->abi64, r, r->arena, 8);
  g->ws = cg_snake(g, g->w->name);
  g->WS = cg_shouty(g->ws, g);
  out->base = g->ws;
  g->ifaces = witc_arena_alloc(r->arena, sizeof(cg_iface) * (r->interfaces.len + 1));
  for (int side = 0; side < 2; side++) {
    const witc_vec(witc_world_entry) *es = side ? (const void *)&g->w->exports : (const void *)&g->w->imports;
    for (uint32_t i = 0; i < es->len; i++)
      if (es->items[i].item.kind == WITC_WI_INTERFACE && es->items[i].item.id < r->interfaces.len)
        g->ifaces[es->items[i].item.id].key[side] = &es->items[i].key;
  }
  if (!check_world(g)) return false;
  g->tcache = witc_arena_alloc(r->arena, sizeof(uint32_t) * (r->types.len * 2 + 2));
  g->tvisit = witc_arena_alloc(r->arena, r->types.len * 2 + 2);
  g->handles = witc_arena_alloc(r->arena, r->types.len + 1);
  g->unal = witc_arena_alloc(r->arena, sizeof(witc_type) * (r->types.len + 1));
  reserve_fixed_names(g);
  cg_types_init(g);
  gen_world(g);

  const char *world_name = g->w->name.ptr ? witc_arena_strndup(g->arena, g->w->name.ptr, g->w->name.len) : "";
  if (g->w->package != WITC_ID_NONE && g->w->package < r->packages.len) {
    const witc_package_name *pn = &r->packages.items[g->w->package].name;
    world_name = witc_arena_printf(g->arena, "%.*s:%.*s/%s%s%.*s", (int)pn->ns.len, pn->ns.ptr,
                                   (int)pn->name.len, pn->name.ptr, world_name,
                                   pn->has_version ? "@" : "", pn->has_version ? (int)pn->version.text.len : 0,
                                   pn->has_version ? pn->version.text.ptr : "");
  }
  witc_buf *h = &out->header;
  header_prologue(g, h, world_name);
  cg_doc(g, h, g->w->docs, NULL, 0);
  witc_buf_puts(h, "/* ======== types ======== */\n\n");
  append(h, &g->h_types);
  witc_buf_puts(h, "/* ======== imported functions (call these) ======== */\n\n");
  append(h, &g->h_imports);
  witc_buf_puts(h, "/* ======== exported functions (implement these) ======== */\n\n");
  append(h, &g->h_exports);
  witc_buf_puts(h, "/* ======== helpers ======== */\n\n");
  header_string_helpers(g, h);
  append(h, &g->h_helpers);
  witc_buf_printf(h, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* WITC_BINDINGS_%s_H */\n", g->WS);

  witc_buf *c = &out->source;
  source_runtime(g, c);
  witc_buf_puts(c, "/* ======== walkers and _free helpers ======== */\n\n");
  append(c, &g->c_helpers);
  witc_buf_puts(c, "/* ======== imports and resource intrinsics ======== */\n\n");
  append(c, &g->c_imports);
  witc_buf_puts(c, "/* ======== exports ======== */\n\n");
  append(c, &g->c_glue);
  return !h->error && !c->error && !out->notes.error;
}

/* Runs generate() under its own out-of-memory recovery point (whether or not the caller set
 * one): on an arena failure the generator's buffers are freed, the diagnostics it added are
 * withdrawn (so that "false without a diagnostic" means out of memory) and false is
 * returned. The generator state lives in the arena, so nothing the jump skips over is a
 * modified local of this frame. */
bool witc_gen_c(const witc_resolve *r, witc_id world, const witc_gen_c_opts *opts,
                witc_diags *diags, witc_gen_c_out *out) {
  memset(out, 0, sizeof *out);
  witc_buf_init(&out->header);
  witc_buf_init(&out->source);
  witc_buf_init(&out->notes);
  if (world >= r->worlds.len) return false;
  witc_arena *a = r->arena;
  jmp_buf *outer = a->oom;
  a->oom = NULL;
  cg *g = witc_arena_alloc(a, sizeof *g); /* zero-filled: every buffer is initialized */
  a->oom = outer;
  if (!g) return false;
  const uint32_t ndiags = diags->items.len, nerrors = diags->errors;
  jmp_buf oom;
  a->oom = &oom;
  if (setjmp(oom) != 0) {
    a->oom = outer;
    bufs(g, false);
    diags->items.len = ndiags;
    diags->errors = nerrors;
    return false;
  }
  bufs(g, true);
  bool ok = generate(g, r, world, opts, diags, out);
  a->oom = outer;
  bufs(g, false);
  return ok;
}

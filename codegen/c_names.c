/* c_names.c: C identifiers for WIT names: snake/SHOUTY case, keyword escapes, interface
 * prefixes (docs/c-bindings.md §1.3), the global name table with deterministic renames,
 * and doc comments. */
#include "c_int.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

void cg_note(cg *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *msg = witc_arena_vprintf(g->arena, fmt, ap);
  va_end(ap);
  /* the import and export copies of an interface repeat the same escapes: say it once */
  if (!witc_strmap_put(&g->note_set, g->arena, witc_str_c(msg), 1, NULL)) return;
  witc_buf_printf(g->notes, "note: %s\n", msg);
}

void witc_c_snake(witc_buf *out, witc_str s) {
  for (uint32_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    if (c == '-') c = '_';
    else if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
    witc_buf_putc(out, c);
  }
}

const char *cg_buf_str(cg *g, witc_buf *b) {
  witc_arena *a = g->arena;
  jmp_buf *oom = a->oom;
  a->oom = NULL; /* the buffer is freed before any jump */
  const char *s = b->error ? NULL : witc_arena_strndup(a, b->data ? b->data : "", b->len);
  a->oom = oom;
  witc_buf_delete(b);
  if (!s && oom) longjmp(*oom, 1);
  return s ? s : "";
}

const char *cg_snake(cg *g, witc_str s) {
  witc_buf b;
  witc_buf_init(&b);
  witc_c_snake(&b, s);
  return cg_buf_str(g, &b);
}

const char *cg_shouty(const char *snake, cg *g) {
  size_t n = strlen(snake);
  char *s = witc_arena_strndup(g->arena, snake, n);
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'a' && s[i] <= 'z') s[i] = (char)(s[i] - 'a' + 'A');
  return s;
}

/* Identifiers a WIT name must not become (docs/gen-c.md "Keywords"): a parameter, field or
 * case written with one of these gets a trailing '_'. They are also claimed in the global
 * name table first (cg_reserve_names), so that no generated global takes one either. */
static const char *const reserved[] = {
    /* C17, C23 and C++20 keywords, alternative tokens and GNU keywords */
    "alignas", "alignof", "and", "and_eq", "asm", "atomic_cancel", "atomic_commit",
    "atomic_noexcept", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
    "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
    "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield",
    "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not",
    "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
    "reflexpr", "register", "reinterpret_cast", "requires", "restrict", "return", "short",
    "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
    "synchronized", "template", "this", "thread_local", "throw", "true", "try", "typedef",
    "typeid", "typename", "typeof", "typeof_unqual", "union", "unsigned", "using", "virtual",
    "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "_Alignas", "_Alignof", "_Atomic",
    "_BitInt", "_Bool", "_Complex", "_Decimal32", "_Decimal64", "_Decimal128", "_Generic",
    "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
    /* types and macros of <stdint.h>, <stddef.h> and <stdbool.h> (the header includes them
     * and uses these types: a parameter or member of the same name would hide them) */
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "int_least8_t", "int_least16_t", "int_least32_t", "int_least64_t", "uint_least8_t",
    "uint_least16_t", "uint_least32_t", "uint_least64_t", "int_fast8_t", "int_fast16_t",
    "int_fast32_t", "int_fast64_t", "uint_fast8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "size_t", "ptrdiff_t",
    "max_align_t", "nullptr_t", "offsetof", "NULL", "__bool_true_false_are_defined",
    /* names of the glue and of libc that an identifier must not shadow */
    "ret", "stdin", "stdout", "stderr", "errno", "assert", "EOF",
    /* lower-case macros that gcc predefines in its GNU modes (-std=gnu17, gnu++17): linux
     * and unix on Linux, i386 on x86-32, and the system and CPU names of other targets */
    "linux", "unix", "i386", "sun", "sparc", "mips", "vax", "pdp11", "m68k", "mc68000", "hppa",
    "ns32000", "powerpc",
    NULL,
};

/* In g->names, a reserved identifier maps to 2, a claimed C name to 1. */
static bool is_reserved(cg *g, const char *s) {
  uint32_t v;
  return witc_strmap_get(&g->names, witc_str_c(s), &v) && v == 2;
}

void cg_reserve_names(cg *g) {
  for (const char *const *k = reserved; *k; k++)
    witc_strmap_put(&g->names, g->arena, witc_str_c(*k), 2, NULL);
}

bool cg_name_taken(cg *g, const char *s) {
  uint32_t v;
  return witc_strmap_get(&g->names, witc_str_c(s), &v);
}

const char *cg_ident(cg *g, witc_str s, const char *what) {
  const char *sn = cg_snake(g, s);
  if (!*sn) return "_";
  bool digit = sn[0] >= '0' && sn[0] <= '9';
  if (digit || is_reserved(g, sn)) {
    const char *e = witc_arena_printf(g->arena, "%s_", sn);
    cg_note(g, "%s `%.*s` is a C/C++ keyword or reserved name: written `%s`", what, (int)s.len,
            s.ptr, e);
    return e;
  }
  if (cg_name_taken(g, sn)) {
    /* the name of a type, function or helper of the bindings, which the declaration around
     * this identifier may use */
    const char *e = sn;
    do e = witc_arena_printf(g->arena, "%s_", e);
    while (cg_name_taken(g, e));
    cg_note(g, "%s `%.*s` is the C name of a generated declaration: written `%s`", what,
            (int)s.len, s.ptr, e);
    return e;
  }
  return sn;
}

const char *cg_claim(cg *g, const char *want, const char *what) {
  witc_str k = witc_str_c(want);
  uint32_t old;
  if (!witc_strmap_get(&g->names, k, &old)) {
    witc_strmap_put(&g->names, g->arena, k, 1, NULL);
    return want;
  }
  for (uint32_t n = 2;; n++) {
    const char *cand = witc_arena_printf(g->arena, "%s_%u", want, n);
    witc_str ck = witc_str_c(cand);
    if (!witc_strmap_get(&g->names, ck, &old)) {
      witc_strmap_put(&g->names, g->arena, ck, 1, NULL);
      cg_note(g, "C name `%s` of %s is already taken: renamed to `%s`", want, what, cand);
      return cand;
    }
  }
}

void cg_ind(witc_buf *b, int ind) { witc_buf_fill(b, ' ', (size_t)ind * 2); }

static bool is_directive(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  return (size_t)(end - p) >= 5 && !memcmp(p, "witc:", 5);
}

/* Writes the text of one doc line [p, le) so that it stays inside the comment around it,
 * for every compiler and mode: `*' '/` (which would close it) becomes `* /`, `/' '*` (a
 * nested opener, -Wcomment) becomes `/ *`, a `?' '?` pair (a trigraph in ISO C modes, such as
 * the line splice `?' '?/`) becomes `?\?`, and a backslash at the end of the line (a line
 * splice, also when only spaces follow it) gets a `.` after it. Carriage returns are
 * dropped. */
static void doc_line(witc_buf *b, const char *p, const char *le) {
  const char *last = le; /* the last character that is written, spaces included */
  while (last > p && last[-1] == '\r') last--;
  const char *trail = last; /* start of the trailing blanks */
  while (trail > p && (trail[-1] == ' ' || trail[-1] == '\t' || trail[-1] == '\r')) trail--;
  for (const char *q = p; q < last; q++) {
    char c = *q;
    if (c == '\r') continue;
    const char *r = q + 1;
    while (r < last && *r == '\r') r++;
    char next = r < last ? *r : 0;
    witc_buf_putc(b, c);
    if ((c == '*' && next == '/') || (c == '/' && next == '*')) witc_buf_putc(b, ' ');
    else if (c == '?' && next == '?') witc_buf_putc(b, '\\');
    else if (c == '\\' && r >= trail) witc_buf_putc(b, '.');
  }
}

void cg_doc(cg *g, witc_buf *b, witc_str docs, const char *extra, int ind) {
  (void)g;
  bool any = false;
  const char *p = docs.ptr, *end = docs.ptr ? docs.ptr + docs.len : NULL;
  while (p && p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    if (!is_directive(p, le)) {
      if (!any) {
        cg_ind(b, ind);
        witc_buf_puts(b, "/**\n");
        any = true;
      }
      cg_ind(b, ind);
      witc_buf_puts(b, le > p ? " * " : " *");
      doc_line(b, p, le);
      witc_buf_putc(b, '\n');
    }
    p = nl ? nl + 1 : end;
  }
  if (extra) {
    if (!any) {
      cg_ind(b, ind);
      witc_buf_puts(b, "/**\n");
      any = true;
    } else {
      cg_ind(b, ind);
      witc_buf_puts(b, " *\n");
    }
    const char *q = extra;
    while (*q) {
      const char *nl = strchr(q, '\n');
      size_t n = nl ? (size_t)(nl - q) : strlen(q);
      cg_ind(b, ind);
      witc_buf_puts(b, " * ");
      witc_buf_put(b, q, n);
      witc_buf_putc(b, '\n');
      q += n;
      if (*q) q++;
    }
  }
  if (any) {
    cg_ind(b, ind);
    witc_buf_puts(b, " */\n");
  }
}

/* Is more than one version of the package named like `pkg` present? */
static bool several_versions(const witc_resolve *r, witc_id pkg) {
  const witc_package_name *a = &r->packages.items[pkg].name;
  for (uint32_t i = 0; i < r->packages.len; i++) {
    if (i == pkg) continue;
    const witc_package_name *b = &r->packages.items[i].name;
    if (witc_str_eq(a->ns, b->ns) && witc_str_eq(a->name, b->name)) return true;
  }
  return false;
}

static const char *iface_base_prefix(cg *g, witc_id iface, const witc_world_key *key) {
  const witc_interface *ifc = &g->r->interfaces.items[iface];
  witc_buf b;
  witc_buf_init(&b);
  if (key && !key->is_interface) {
    witc_c_snake(&b, key->name);
  } else if (ifc->package != WITC_ID_NONE && ifc->package < g->r->packages.len &&
             ifc->name.ptr) {
    const witc_package_name *pn = &g->r->packages.items[ifc->package].name;
    witc_c_snake(&b, pn->ns);
    witc_buf_putc(&b, '_');
    witc_c_snake(&b, pn->name);
    if (pn->has_version && several_versions(g->r, ifc->package)) {
      witc_buf_putc(&b, '_');
      witc_c_snake(&b, pn->version.text); /* '.', '-', '+' -> '_' */
    }
    witc_buf_putc(&b, '_');
    witc_c_snake(&b, ifc->name);
  } else if (ifc->name.ptr) {
    witc_c_snake(&b, ifc->name);
  } else {
    witc_buf_printf(&b, "iface%u", (unsigned)iface);
  }
  return cg_buf_str(g, &b);
}

const char *cg_iface_prefix(cg *g, witc_id iface, int side) {
  cg_iface *ci = &g->ifaces[iface];
  if (ci->prefix[side]) return ci->prefix[side];
  const witc_world_key *key = ci->key[side] ? ci->key[side] : ci->key[!side];
  const char *base = iface_base_prefix(g, iface, key);
  ci->prefix[side] =
      side == SIDE_EXPORT ? witc_arena_printf(g->arena, "exports_%s", base) : base;
  return ci->prefix[side];
}

int cg_iface_side(cg *g, witc_id iface, int ctx) {
  const cg_iface *ci = &g->ifaces[iface];
  bool imp = ci->key[SIDE_IMPORT] != NULL, exp = ci->key[SIDE_EXPORT] != NULL;
  if (exp && (ctx == SIDE_EXPORT || !imp)) return SIDE_EXPORT;
  return SIDE_IMPORT;
}

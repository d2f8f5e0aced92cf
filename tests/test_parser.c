/* test_parser.c: witc_parse_file (parser/parse.c) against wit-parser's ast.rs: every grammar
 * construct of wit-language.md §3, the AST it builds, docs attachment, spans, the exact
 * "expected X, found Y" messages and locations, depth limits, error recovery (later syntax
 * errors of a file, in order, without cascades), and a sweep over the shared conformance
 * corpus (skipped when the reference shelf is not beside the checkout). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lex.h"
#include "parse.h"
#include "resolve_pkg.h"

static witc_arena arena;
static witc_source_map map;
static witc_diags diags;

static void setup(void) {
  witc_arena_init(&arena);
  witc_source_map_init(&map, &arena);
  witc_diags_init(&diags, &arena);
}

static void teardown(void) {
  witc_source_map_delete(&map);
  witc_arena_delete(&arena);
}

TestSuite(parse, .init = setup, .fini = teardown);
TestSuite(parse_types, .init = setup, .fini = teardown);
TestSuite(parse_world, .init = setup, .fini = teardown);
TestSuite(parse_docs, .init = setup, .fini = teardown);
TestSuite(parse_errors, .init = setup, .fini = teardown);
TestSuite(parse_limits, .init = setup, .fini = teardown);
TestSuite(parse_recovery, .init = setup, .fini = teardown);
TestSuite(parse_corpus, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------------------ */

/* Adds a file; diagnostics start afresh for each parse. */
static uint32_t add_len(const char *src, size_t len) {
  witc_diags_init(&diags, &arena);
  return witc_source_map_add(&map, "t.wit", src, len);
}

static ast_file *parse_ok(const char *src) {
  uint32_t f = add_len(src, strlen(src));
  ast_file *out = NULL;
  bool ok = witc_parse_file(&arena, &map, f, "", &diags, &out);
  cr_assert(ok, "unexpected error: %s\n--- input:\n%s",
            diags.items.len ? diags.items.items[0].message : "(none)", src);
  cr_assert_not_null(out);
  cr_assert_eq(diags.items.len, 0);
  return out;
}

/* Parses `src` (expecting failure with `n` diagnostics) and returns the first. */
static const witc_diag *parse_fail_n(const char *src, size_t len, uint32_t n) {
  uint32_t f = add_len(src, len);
  ast_file *out = (ast_file *)1;
  cr_assert_not(witc_parse_file(&arena, &map, f, "", &diags, &out), "parsed:\n%s", src);
  cr_assert_null(out);
  cr_assert_eq(diags.items.len, n, "%u diagnostics expected, got %u; the last: %s\n--- input:\n%s",
               n, diags.items.len,
               diags.items.len ? diags.items.items[diags.items.len - 1].message : "(none)", src);
  return &diags.items.items[0];
}

/* Parses `src` (expecting failure) and returns the single diagnostic: recovery finds no
 * further error (and makes up none). */
static const witc_diag *parse_fail_len(const char *src, size_t len) {
  return parse_fail_n(src, len, 1);
}

/* Checks message, 1-based line:col and span length of diagnostic `d`. */
static void check_diag(const char *src, const witc_diag *d, const char *msg, uint32_t line,
                       uint32_t col, uint32_t len) {
  cr_assert_str_eq(d->message, msg, "--- input:\n%s", src);
  const witc_source_file *file;
  uint32_t l, c;
  cr_assert(witc_source_map_locate(&map, d->span.start, &file, &l, &c));
  cr_assert_eq(l, line, "%s: line %u, want %u", msg, l, line);
  cr_assert_eq(c, col, "%s: col %u, want %u", msg, c, col);
  cr_assert_eq(d->span.end - d->span.start, len, "%s: span length %u, want %u", msg,
               d->span.end - d->span.start, len);
}

/* Checks message, 1-based line:col and span length of the only error `src` gives. */
static void expect_error(const char *src, const char *msg, uint32_t line, uint32_t col,
                         uint32_t len) {
  check_diag(src, parse_fail_len(src, strlen(src)), msg, line, col, len);
}

/* The same for the first of the `n` errors of `src` (the later ones are genuine errors
 * found after recovery). */
static void expect_first_error(const char *src, uint32_t n, const char *msg, uint32_t line,
                               uint32_t col, uint32_t len) {
  check_diag(src, parse_fail_n(src, strlen(src), n), msg, line, col, len);
}

static bool str_is(witc_str s, const char *c) { return witc_str_eq_c(s, c); }

/* Source text of a span (global offsets). */
static bool span_is(witc_span sp, const char *c) {
  return witc_str_eq_c(witc_source_map_text(&map, sp), c);
}

static ast_interface *first_iface(ast_file *f) {
  for (uint32_t i = 0; i < f->items.len; i++)
    if (f->items.items[i].kind == AST_ITEM_INTERFACE) return f->items.items[i].u.iface;
  cr_assert_fail("no interface");
  return NULL;
}

static ast_world *first_world(ast_file *f) {
  for (uint32_t i = 0; i < f->items.len; i++)
    if (f->items.items[i].kind == AST_ITEM_WORLD) return f->items.items[i].u.world;
  cr_assert_fail("no world");
  return NULL;
}

/* The type of `type t = <ty>;` in a one-item interface. */
static ast_type *alias_type(const char *ty) {
  char src[4096];
  snprintf(src, sizeof src, "package a:b;\ninterface i {\n  type t = %s;\n}\n", ty);
  ast_file *f = parse_ok(src);
  ast_iface_item *it = &first_iface(f)->items.items[0];
  cr_assert_eq(it->kind, AST_II_TYPEDEF);
  cr_assert_eq(it->u.typedef_->kind, AST_TD_ALIAS);
  return it->u.typedef_->alias;
}

/* A heap string of `n` copies of `s` between `pre` and `post`. */
static char *repeat(const char *pre, const char *s, int n, const char *mid, const char *s2,
                    int n2, const char *post) {
  size_t len = strlen(pre) + strlen(s) * (size_t)n + strlen(mid) + strlen(s2) * (size_t)n2 +
               strlen(post) + 1;
  char *buf = malloc(len), *p = buf;
  p += sprintf(p, "%s", pre);
  for (int i = 0; i < n; i++) p += sprintf(p, "%s", s);
  p += sprintf(p, "%s", mid);
  for (int i = 0; i < n2; i++) p += sprintf(p, "%s", s2);
  sprintf(p, "%s", post);
  return buf;
}

/* ---- files and packages --------------------------------------------------------------- */

Test(parse, package_header) {
  ast_file *f = parse_ok("/// the package\npackage wasi:io@0.2.0-rc.1+b5;\n");
  cr_assert(f->has_package);
  cr_assert(str_is(f->package.ns.name, "wasi"));
  cr_assert(str_is(f->package.name.name, "io"));
  cr_assert(f->package.has_version);
  cr_assert_eq(f->package.version.major, 0);
  cr_assert_eq(f->package.version.minor, 2);
  cr_assert_eq(f->package.version.patch, 0);
  cr_assert(str_is(f->package.version.pre, "rc.1"));
  cr_assert(str_is(f->package.version.build, "b5"));
  cr_assert(str_is(f->package.version.text, "0.2.0-rc.1+b5"));
  cr_assert(str_is(f->package_docs, "the package"));
  cr_assert(span_is(f->package_span, "wasi:io@0.2.0-rc.1+b5"));
  cr_assert_eq(f->items.len, 0);
}

Test(parse, no_header_and_empty_file) {
  ast_file *f = parse_ok("");
  cr_assert_not(f->has_package);
  cr_assert_eq(f->items.len, 0);
  f = parse_ok("interface i {}");
  cr_assert_not(f->has_package);
  cr_assert_null(f->package_docs.ptr);
  cr_assert_eq(f->items.len, 1);
}

Test(parse, version_pieces_are_greedy) {
  ast_file *f = parse_ok("package a:b@1.0.0-a.b-c.1+x.2;");
  cr_assert(str_is(f->package.version.pre, "a.b-c.1"));
  cr_assert(str_is(f->package.version.build, "x.2"));
  /* a lone '-' prefix with nothing after it is dropped, as in the reference */
  f = parse_ok("package a:b@1.0.0-;");
  cr_assert(str_is(f->package.version.text, "1.0.0"));
  f = parse_ok("package a:b@1.0.1--;");
  cr_assert(str_is(f->package.version.pre, "-"));
}

Test(parse, nested_packages) {
  ast_file *f = parse_ok("package a:b;\n"
                         "/// nested docs\n"
                         "package c:d@1.0.0 {\n  interface i {}\n  world w {}\n  use x:y/z;\n}\n"
                         "interface j {}\n");
  cr_assert(f->has_package);
  cr_assert_eq(f->items.len, 2);
  cr_assert_eq(f->items.items[0].kind, AST_ITEM_PACKAGE);
  ast_nested_package *p = f->items.items[0].u.package;
  cr_assert(str_is(p->docs, "nested docs"));
  cr_assert(span_is(p->name.span, "c:d@1.0.0"));
  cr_assert_eq(p->items.len, 3);
  cr_assert_eq(p->items.items[2].kind, AST_ITEM_USE);
  cr_assert(span_is(p->span, "package c:d@1.0.0 {\n  interface i {}\n  world w {}\n  use x:y/z;\n}"));
  cr_assert_eq(f->items.items[1].kind, AST_ITEM_INTERFACE);
}

Test(parse, file_of_nested_packages_only) {
  ast_file *f = parse_ok("package a:b {}\npackage c:d {}\n");
  cr_assert_not(f->has_package);
  cr_assert_eq(f->items.len, 2);
}

Test(parse, toplevel_use) {
  ast_file *f = parse_ok("package a:b;\nuse foo;\nuse wasi:io/streams@0.2.0 as s;\n");
  cr_assert_eq(f->items.len, 2);
  ast_toplevel_use *u = f->items.items[0].u.use;
  cr_assert_not(u->path.is_package);
  cr_assert(str_is(u->path.name.name, "foo"));
  cr_assert_not(u->has_as);
  u = f->items.items[1].u.use;
  cr_assert(u->path.is_package);
  cr_assert(str_is(u->path.pkg.ns.name, "wasi"));
  cr_assert(str_is(u->path.pkg.name.name, "io"));
  cr_assert(str_is(u->path.name.name, "streams"));
  cr_assert(u->path.pkg.has_version);
  cr_assert(span_is(u->path.pkg.span, "wasi:io"));
  cr_assert(span_is(u->path.span, "wasi:io/streams@0.2.0"));
  cr_assert(u->has_as);
  cr_assert(str_is(u->as.name, "s"));
  cr_assert(span_is(u->span, "use wasi:io/streams@0.2.0 as s;"));
  cr_assert_eq(u->attrs.len, 0);
}

/* Attributes before a top-level `use` are kept in the tree: the per-package resolver
 * refuses them where the reference does (test_resolve_pkg.c), not the parser. */
Test(parse, toplevel_use_keeps_attributes) {
  ast_file *f = parse_ok("package a:b@1.0.0;\n@since(version = 1.0.0)\n@unstable(feature = x)\n"
                         "use a:b/c;\npackage c:d {\n  @external-id(\"e\")\n"
                         "  use x:y/z as w;\n}\n");
  cr_assert_eq(f->items.len, 2);
  cr_assert_eq(f->items.items[0].kind, AST_ITEM_USE);
  ast_toplevel_use *u = f->items.items[0].u.use;
  cr_assert_eq(u->attrs.len, 2);
  cr_assert_eq(u->attrs.items[0].kind, AST_ATTR_SINCE);
  cr_assert(span_is(u->attrs.items[0].span, "@since(version = 1.0.0)"));
  cr_assert_eq(u->attrs.items[1].kind, AST_ATTR_UNSTABLE);
  cr_assert(str_is(u->attrs.items[1].feature.name, "x"));
  /* the span still starts at the `use` keyword (the resolver underlines those 3 bytes) */
  cr_assert(span_is(u->span, "use a:b/c;"));
  ast_nested_package *p = f->items.items[1].u.package;
  cr_assert_eq(p->items.len, 1);
  u = p->items.items[0].u.use;
  cr_assert_eq(u->attrs.len, 1);
  cr_assert_eq(u->attrs.items[0].kind, AST_ATTR_EXTERNAL_ID);
  cr_assert(str_is(u->attrs.items[0].string, "e"));
  cr_assert(span_is(u->span, "use x:y/z as w;"));
}

/* A package inside a nested one is kept in the tree, at any depth up to the cap; the
 * per-package resolver refuses it (Resolver::push in the reference). */
Test(parse, nested_in_nested_kept) {
  ast_file *f = parse_ok("package a:b;\npackage a:c {\n  interface i {}\n  package a:c2 {\n"
                         "    package a:c3 {\n      world w {}\n    }\n  }\n  use i as j;\n}\n");
  cr_assert_eq(f->items.len, 1);
  ast_nested_package *p = f->items.items[0].u.package;
  cr_assert_eq(p->items.len, 3);
  cr_assert_eq(p->items.items[0].kind, AST_ITEM_INTERFACE);
  cr_assert_eq(p->items.items[1].kind, AST_ITEM_PACKAGE);
  cr_assert_eq(p->items.items[2].kind, AST_ITEM_USE);
  ast_nested_package *p2 = p->items.items[1].u.package;
  cr_assert(span_is(p2->name.span, "a:c2"));
  cr_assert_eq(p2->items.len, 1);
  cr_assert_eq(p2->items.items[0].kind, AST_ITEM_PACKAGE);
  ast_nested_package *p3 = p2->items.items[0].u.package;
  cr_assert(span_is(p3->name.span, "a:c3"));
  cr_assert_eq(p3->items.len, 1);
  cr_assert_eq(p3->items.items[0].kind, AST_ITEM_WORLD);
  cr_assert(span_is(p2->span, "package a:c2 {\n    package a:c3 {\n      world w {}\n    }\n  }"));
}

Test(parse, explicit_ids_drop_the_percent) {
  ast_file *f = parse_ok("package a:b;\ninterface %interface { %type: func(%bool: u8); }");
  ast_interface *i = first_iface(f);
  cr_assert(str_is(i->name.name, "interface"));
  cr_assert(span_is(i->name.span, "%interface"));
  ast_named_func *fn = i->items.items[0].u.func;
  cr_assert(str_is(fn->name.name, "type"));
  cr_assert(str_is(fn->func.params.items[0].name.name, "bool"));
}

Test(parse, interface_items) {
  ast_file *f = parse_ok("package a:b;\n"
                         "interface i {\n"
                         "  use other.{a, b as c,};\n"
                         "  use x:y/z@1.0.0.{};\n"
                         "  type t = u32;\n"
                         "  record r { a: u8, b: string, }\n"
                         "  record empty {}\n"
                         "  variant v { a, b(u8), }\n"
                         "  enum e { x, y }\n"
                         "  flags fl { p, q, }\n"
                         "  flags none {}\n"
                         "  resource handle;\n"
                         "  f: func(a: u8, b: list<u8>,) -> string;\n"
                         "  g: async func();\n"
                         "}\n");
  ast_interface *i = first_iface(f);
  cr_assert_eq(i->items.len, 12);
  ast_use *u = i->items.items[0].u.use;
  cr_assert_eq(i->items.items[0].kind, AST_II_USE);
  cr_assert_eq(u->names.len, 2);
  cr_assert(str_is(u->names.items[1].name.name, "b"));
  cr_assert(u->names.items[1].has_as);
  cr_assert(str_is(u->names.items[1].as.name, "c"));
  cr_assert_eq(i->items.items[1].u.use->names.len, 0);
  cr_assert(i->items.items[1].u.use->path.is_package);
  ast_typedef *r = i->items.items[3].u.typedef_;
  cr_assert_eq(r->kind, AST_TD_RECORD);
  cr_assert_eq(r->fields.len, 2);
  cr_assert_eq(r->fields.items[1].type->kind, AST_TY_STRING);
  cr_assert(span_is(r->span, "record r { a: u8, b: string, }"));
  cr_assert_eq(i->items.items[4].u.typedef_->fields.len, 0);
  ast_typedef *v = i->items.items[5].u.typedef_;
  cr_assert_eq(v->kind, AST_TD_VARIANT);
  cr_assert_null(v->fields.items[0].type);
  cr_assert_eq(v->fields.items[1].type->kind, AST_TY_U8);
  cr_assert_eq(i->items.items[6].u.typedef_->kind, AST_TD_ENUM);
  cr_assert_eq(i->items.items[7].u.typedef_->kind, AST_TD_FLAGS);
  cr_assert_eq(i->items.items[7].u.typedef_->fields.len, 2);
  cr_assert_eq(i->items.items[9].u.typedef_->kind, AST_TD_RESOURCE);
  cr_assert_eq(i->items.items[9].u.typedef_->funcs.len, 0);
  ast_named_func *fn = i->items.items[10].u.func;
  cr_assert_eq(i->items.items[10].kind, AST_II_FUNC);
  cr_assert_not(fn->func.is_async);
  cr_assert_eq(fn->func.params.len, 2);
  cr_assert_eq(fn->func.result->kind, AST_TY_STRING);
  cr_assert(span_is(fn->func.span, "func(a: u8, b: list<u8>,) -> string"));
  ast_named_func *g = i->items.items[11].u.func;
  cr_assert(g->func.is_async);
  cr_assert_null(g->func.result);
  cr_assert(span_is(g->func.span, "async func()"));
}

Test(parse, resources) {
  ast_file *f = parse_ok("package a:b;\n"
                         "interface i {\n"
                         "  resource r {\n"
                         "    constructor(x: u32);\n"
                         "    @since(version = 1.0.0)\n"
                         "    m: func() -> u32;\n"
                         "    s: static func(a: r) -> own<r>;\n"
                         "    t: static async func();\n"
                         "    a: async func();\n"
                         "  }\n"
                         "  resource q { constructor() -> result<q, string>; }\n"
                         "}\n");
  ast_typedef *r = first_iface(f)->items.items[0].u.typedef_;
  cr_assert_eq(r->funcs.len, 5);
  ast_resource_func *c = &r->funcs.items[0];
  cr_assert_eq(c->kind, AST_RES_CONSTRUCTOR);
  cr_assert(str_is(c->name.name, "constructor"));
  cr_assert(span_is(c->name.span, "constructor"));
  cr_assert_eq(c->func.params.len, 1);
  cr_assert_null(c->func.result);
  cr_assert_eq(r->funcs.items[1].kind, AST_RES_METHOD);
  cr_assert_eq(r->funcs.items[1].attrs.len, 1);
  cr_assert_eq(r->funcs.items[2].kind, AST_RES_STATIC);
  cr_assert_eq(r->funcs.items[3].kind, AST_RES_STATIC);
  cr_assert(r->funcs.items[3].func.is_async);
  cr_assert_eq(r->funcs.items[4].kind, AST_RES_METHOD);
  cr_assert(r->funcs.items[4].func.is_async);
  ast_typedef *q = first_iface(f)->items.items[1].u.typedef_;
  cr_assert_eq(q->funcs.items[0].func.result->kind, AST_TY_RESULT);
}

Test(parse, attributes) {
  ast_file *f = parse_ok("package a:b@2.0.0;\n"
                         "@since(version = 1.2.3)\n"
                         "@unstable(feature = my-feature)\n"
                         "@deprecated(version = 1.5.0)\n"
                         "@external-id(\"x\\u{41}\\n\")\n"
                         "interface i {}\n");
  ast_interface *i = first_iface(f);
  cr_assert_eq(i->attrs.len, 4);
  cr_assert_eq(i->attrs.items[0].kind, AST_ATTR_SINCE);
  cr_assert_eq(i->attrs.items[0].version.minor, 2);
  cr_assert(span_is(i->attrs.items[0].span, "@since(version = 1.2.3)"));
  cr_assert_eq(i->attrs.items[1].kind, AST_ATTR_UNSTABLE);
  cr_assert(str_is(i->attrs.items[1].feature.name, "my-feature"));
  cr_assert_eq(i->attrs.items[2].kind, AST_ATTR_DEPRECATED);
  cr_assert(str_is(i->attrs.items[2].version.text, "1.5.0"));
  cr_assert_eq(i->attrs.items[3].kind, AST_ATTR_EXTERNAL_ID);
  cr_assert(str_is(i->attrs.items[3].string, "xA\n"));
}

Test(parse, attributes_on_every_kind_of_item) {
  parse_ok("package a:b@1.0.0;\n"
           "@since(version = 1.0.0) world w {\n"
           "  @since(version = 1.0.0) import f: func();\n"
           "  @since(version = 1.0.0) export i;\n"
           "  @since(version = 1.0.0) use i.{t};\n"
           "  @since(version = 1.0.0) type x = u8;\n"
           "  @since(version = 1.0.0) include v;\n"
           "}\n"
           "@unstable(feature = f) world v {}\n"
           "interface i {\n"
           "  @since(version = 1.0.0) use j.{t};\n"
           "  @since(version = 1.0.0) type t = u8;\n"
           "  @since(version = 1.0.0) f: func();\n"
           "  @since(version = 1.0.0) resource r {\n"
           "    @since(version = 1.0.0) constructor();\n"
           "    @since(version = 1.0.0) @deprecated(version = 1.0.0) s: static func();\n"
           "  }\n"
           "}\n");
}

Test(parse, spans_are_global) {
  witc_source_map_add(&map, "first.wit", "package x:y;\n", 13);
  ast_file *f = parse_ok("package a:b;\ninterface foo {}");
  cr_assert_eq(map.files.items[1].base, 14);
  ast_interface *i = first_iface(f);
  cr_assert_eq(i->name.span.start, 14 + 23);
  cr_assert(span_is(i->name.span, "foo"));
  cr_assert(span_is(i->span, "interface foo {}"));
  cr_assert_eq(f->file_index, 1);
}

Test(parse, crlf_and_bom) {
  ast_file *f = parse_ok("\xEF\xBB\xBF// doc\r\npackage a:b;\r\ninterface i {\r\n  f: func();\r\n}\r\n");
  cr_assert(str_is(f->package_docs, "doc"));
  cr_assert_eq(first_iface(f)->items.len, 1);
}

/* ---- types -------------------------------------------------------------------------- */

Test(parse_types, primitives) {
  static const struct {
    const char *text;
    ast_type_kind kind;
  } prims[] = {
    {"bool", AST_TY_BOOL}, {"u8", AST_TY_U8}, {"u16", AST_TY_U16}, {"u32", AST_TY_U32},
    {"u64", AST_TY_U64}, {"s8", AST_TY_S8}, {"s16", AST_TY_S16}, {"s32", AST_TY_S32},
    {"s64", AST_TY_S64}, {"f32", AST_TY_F32}, {"f64", AST_TY_F64}, {"char", AST_TY_CHAR},
    {"string", AST_TY_STRING}, {"error-context", AST_TY_ERROR_CONTEXT},
  };
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
    ast_type *t = alias_type(prims[i].text);
    cr_assert_eq(t->kind, prims[i].kind, "%s", prims[i].text);
    cr_assert(span_is(t->span, prims[i].text));
  }
}

Test(parse_types, named_and_handles) {
  ast_type *t = alias_type("my-type");
  cr_assert_eq(t->kind, AST_TY_NAME);
  cr_assert(str_is(t->u.name.name, "my-type"));
  t = alias_type("%list");
  cr_assert_eq(t->kind, AST_TY_NAME);
  cr_assert(str_is(t->u.name.name, "list"));
  t = alias_type("own<r>");
  cr_assert_eq(t->kind, AST_TY_OWN);
  cr_assert(str_is(t->u.name.name, "r"));
  cr_assert(span_is(t->span, "r")); /* wit-parser's Handle span: the resource name */
  t = alias_type("borrow<r>");
  cr_assert_eq(t->kind, AST_TY_BORROW);
}

Test(parse_types, lists_and_maps) {
  ast_type *t = alias_type("list<u8>");
  cr_assert_eq(t->kind, AST_TY_LIST);
  cr_assert_eq(t->u.elem->kind, AST_TY_U8);
  cr_assert(span_is(t->span, "list"));
  t = alias_type("list<u8, 4>");
  cr_assert_eq(t->kind, AST_TY_FIXED_LIST);
  cr_assert_eq(t->u.fixed.size, 4);
  cr_assert_eq(t->u.fixed.elem->kind, AST_TY_U8);
  t = alias_type("list<u8, 4294967295>");
  cr_assert_eq(t->u.fixed.size, 4294967295u);
  t = alias_type("map<string, list<u32>>");
  cr_assert_eq(t->kind, AST_TY_MAP);
  cr_assert_eq(t->u.map.key->kind, AST_TY_STRING);
  cr_assert_eq(t->u.map.value->kind, AST_TY_LIST);
  cr_assert(span_is(t->span, "map"));
}

Test(parse_types, option_result_tuple) {
  ast_type *t = alias_type("option<u8>");
  cr_assert_eq(t->kind, AST_TY_OPTION);
  t = alias_type("result");
  cr_assert_eq(t->kind, AST_TY_RESULT);
  cr_assert_null(t->u.result.ok);
  cr_assert_null(t->u.result.err);
  t = alias_type("result<u8>");
  cr_assert_eq(t->u.result.ok->kind, AST_TY_U8);
  cr_assert_null(t->u.result.err);
  t = alias_type("result<_, string>");
  cr_assert_null(t->u.result.ok);
  cr_assert_eq(t->u.result.err->kind, AST_TY_STRING);
  t = alias_type("result<u8, string>");
  cr_assert_not_null(t->u.result.ok);
  cr_assert_not_null(t->u.result.err);
  t = alias_type("tuple<>");
  cr_assert_eq(t->kind, AST_TY_TUPLE);
  cr_assert_eq(t->u.tuple.len, 0);
  t = alias_type("tuple<u8, tuple<s8, string>, bool,>");
  cr_assert_eq(t->u.tuple.len, 3);
  cr_assert_eq(t->u.tuple.items[1]->u.tuple.len, 2);
  cr_assert_eq(t->u.tuple.items[2]->kind, AST_TY_BOOL);
}

Test(parse_types, future_and_stream) {
  ast_type *t = alias_type("future");
  cr_assert_eq(t->kind, AST_TY_FUTURE);
  cr_assert_null(t->u.elem);
  t = alias_type("future<u8>");
  cr_assert_eq(t->u.elem->kind, AST_TY_U8);
  t = alias_type("stream");
  cr_assert_eq(t->kind, AST_TY_STREAM);
  cr_assert_null(t->u.elem);
  t = alias_type("stream<list<u8>>");
  cr_assert_eq(t->u.elem->kind, AST_TY_LIST);
}

/* ---- worlds ------------------------------------------------------------------------- */

Test(parse_world, extern_forms) {
  ast_file *f = parse_ok("package a:b;\n"
                         "world w {\n"
                         "  import f: func(x: u8) -> u8;\n"
                         "  import g: async func();\n"
                         "  export inline: interface { h: func(); }\n"
                         "  import local;\n"
                         "  import wasi:io/poll@0.2.0;\n"
                         "  import wasi: io/poll;\n"
                         "  import primary: store;\n"
                         "  import cache: wasi:keyvalue/store@0.2.0;\n"
                         "  import a:b;\n"
                         "  export %import: func();\n"
                         "}\n");
  ast_world *w = first_world(f);
  cr_assert_eq(w->items.len, 10);
  ast_extern *e = w->items.items[0].u.ext;
  cr_assert_eq(w->items.items[0].kind, AST_WI_IMPORT);
  cr_assert_eq(e->kind, AST_EXTERN_FUNC);
  cr_assert(str_is(e->name.name, "f"));
  cr_assert(span_is(e->span, "f: func(x: u8) -> u8;"));
  cr_assert(w->items.items[1].u.ext->func.is_async);
  e = w->items.items[2].u.ext;
  cr_assert_eq(w->items.items[2].kind, AST_WI_EXPORT);
  cr_assert_eq(e->kind, AST_EXTERN_INTERFACE);
  cr_assert_eq(e->items.len, 1);
  e = w->items.items[3].u.ext;
  cr_assert_eq(e->kind, AST_EXTERN_PATH);
  cr_assert_not(e->path.is_package);
  e = w->items.items[4].u.ext;
  cr_assert_eq(e->kind, AST_EXTERN_PATH);
  cr_assert(e->path.is_package);
  cr_assert(str_is(e->path.name.name, "poll"));
  e = w->items.items[5].u.ext; /* `id ':' id '/'` is a package path, spaces or not */
  cr_assert_eq(e->kind, AST_EXTERN_PATH);
  cr_assert(str_is(e->path.pkg.ns.name, "wasi"));
  e = w->items.items[6].u.ext;
  cr_assert_eq(e->kind, AST_EXTERN_NAMED);
  cr_assert(str_is(e->name.name, "primary"));
  cr_assert_not(e->path.is_package);
  cr_assert(str_is(e->path.name.name, "store"));
  e = w->items.items[7].u.ext;
  cr_assert_eq(e->kind, AST_EXTERN_NAMED);
  cr_assert(str_is(e->name.name, "cache"));
  cr_assert(e->path.is_package);
  cr_assert(e->path.pkg.has_version);
  e = w->items.items[8].u.ext; /* `import a:b;` is label a, local interface b */
  cr_assert_eq(e->kind, AST_EXTERN_NAMED);
  cr_assert(str_is(e->name.name, "a"));
  cr_assert(str_is(e->path.name.name, "b"));
  cr_assert(str_is(w->items.items[9].u.ext->name.name, "import"));
}

Test(parse_world, other_items) {
  ast_file *f = parse_ok("package a:b;\n"
                         "world w {\n"
                         "  use i.{t as u};\n"
                         "  type x = u8;\n"
                         "  record r { a: u8 }\n"
                         "  resource res { constructor(); }\n"
                         "  variant v { a }\n"
                         "  enum e { a }\n"
                         "  flags fl { a }\n"
                         "  include other;\n"
                         "  include a:b/c@1.0.0 with { a as b, c as d, }\n"
                         "  include x with {}\n"
                         "}\n");
  ast_world *w = first_world(f);
  cr_assert_eq(w->items.len, 10);
  cr_assert_eq(w->items.items[0].kind, AST_WI_USE);
  for (int k = 1; k <= 6; k++) cr_assert_eq(w->items.items[k].kind, AST_WI_TYPEDEF, "%d", k);
  ast_include *inc = w->items.items[7].u.include;
  cr_assert_eq(w->items.items[7].kind, AST_WI_INCLUDE);
  cr_assert_eq(inc->with.len, 0);
  inc = w->items.items[8].u.include;
  cr_assert(inc->path.is_package);
  cr_assert_eq(inc->with.len, 2);
  cr_assert(str_is(inc->with.items[1].from.name, "c"));
  cr_assert(str_is(inc->with.items[1].to.name, "d"));
  cr_assert(span_is(inc->span, "include a:b/c@1.0.0 with { a as b, c as d, }"));
}

/* ---- docs --------------------------------------------------------------------------- */

Test(parse_docs, attached_to_every_doc_carrying_item) {
  ast_file *f = parse_ok("/// pkg\npackage a:b;\n"
                         "/// iface\n"
                         "interface i {\n"
                         "  /// td\n"
                         "  record r {\n"
                         "    /// field a\n"
                         "    a: u8, // field b\n"
                         "    b: u8,\n"
                         "    // dropped: before '}'\n"
                         "  }\n"
                         "  /// fn\n"
                         "  @since(version = 1.0.0)\n"
                         "  // not docs: after the attribute\n"
                         "  f: func();\n"
                         "  /// res\n"
                         "  resource x {\n"
                         "    /// ctor\n"
                         "    constructor();\n"
                         "  }\n"
                         "  /// use: dropped\n"
                         "  use j.{t};\n"
                         "  enum e {\n"
                         "    /** case */ c,\n"
                         "  }\n"
                         "}\n"
                         "// world\n"
                         "world w {\n"
                         "  /// imp\n"
                         "  import g: func();\n"
                         "  /// wtype\n"
                         "  type t = u8;\n"
                         "}\n"
                         "// trailing comment at the end of the file\n");
  cr_assert(str_is(f->package_docs, "pkg"));
  ast_interface *i = first_iface(f);
  cr_assert(str_is(i->docs, "iface"));
  ast_typedef *r = i->items.items[0].u.typedef_;
  cr_assert(str_is(r->docs, "td"));
  cr_assert(str_is(r->fields.items[0].docs, "field a"));
  cr_assert(str_is(r->fields.items[1].docs, "field b"));
  ast_named_func *fn = i->items.items[1].u.func;
  cr_assert(str_is(fn->docs, "fn"));
  ast_typedef *x = i->items.items[2].u.typedef_;
  cr_assert(str_is(x->docs, "res"));
  cr_assert(str_is(x->funcs.items[0].docs, "ctor"));
  ast_typedef *e = i->items.items[4].u.typedef_;
  cr_assert(str_is(e->fields.items[0].docs, "case"));
  ast_world *w = first_world(f);
  cr_assert(str_is(w->docs, "world"));
  cr_assert(str_is(w->items.items[0].docs, "imp"));
  cr_assert(str_is(w->items.items[1].u.typedef_->docs, "wtype"));
}

Test(parse_docs, absent_versus_empty) {
  ast_file *f = parse_ok("package a:b;\ninterface i {}\n//\ninterface j {}\n");
  cr_assert_null(f->items.items[0].u.iface->docs.ptr);
  cr_assert_not_null(f->items.items[1].u.iface->docs.ptr);
  cr_assert_eq(f->items.items[1].u.iface->docs.len, 0);
}

Test(parse_docs, blank_lines_do_not_break_docs_and_empty_block_is_safe) {
  ast_file *f = parse_ok("package a:b;\n/**/\n\n/// a\n\n\ninterface i {}\n");
  cr_assert(str_is(first_iface(f)->docs, "\na"));
}

Test(parse_docs, header_docs_go_to_first_item_without_header) {
  ast_file *f = parse_ok("// first\ninterface i {}\n");
  cr_assert_null(f->package_docs.ptr);
  cr_assert(str_is(first_iface(f)->docs, "first"));
}

Test(parse_docs, docs_are_arena_copies) {
  ast_file *f = parse_ok("package a:b;\n/// hi\ninterface i {}\n");
  witc_str d = first_iface(f)->docs;
  const witc_source_file *src = &map.files.items[0];
  cr_assert(d.ptr < src->text || d.ptr >= src->text + src->len);
  cr_assert_eq(d.ptr[d.len], 0);
}

/* ---- errors: messages and locations --------------------------------------------------- */

Test(parse_errors, expected_found_messages) {
  expect_error("package a:b;\ninterface i {\n  f: func() -> result<(), string>;\n}\n",
               "expected a type, found '('", 3, 23, 1);
  expect_error("package a:b;\ninterface i {\n  f: func() -> result<resource<b>, string>;\n}\n",
               "expected a type, found keyword `resource`", 3, 23, 8);
  expect_error("package a:b;\ninterface i {\n  list: func();\n}\n",
               "expected `type`, `resource` or `func`, found keyword `list`", 3, 3, 4);
  expect_error("package a:b;\ninterface i {\n  resource r {\n    async constructor();\n  }\n}\n",
               "expected `constructor` or identifier, found keyword `async`", 4, 5, 5);
  expect_error("package a:b;\ninterface i {\n  resource r {\n    x: async static func();\n  }\n}\n",
               "expected keyword `func`, found keyword `static`", 4, 14, 1);
  expect_error("package vtx:api@1;\n", "expected '.', found ';'", 1, 18, 1);
  expect_error("package a:b;\ninterface i {\n  type option = u32;\n}\n",
               "expected an identifier or string, found keyword `option`", 3, 8, 6);
  expect_error("package a:b;\ninterface i {\n  type t = u32\n}\n", "expected ';', found '}'", 4, 1,
               1);
  expect_error("package a:b;\nworld w {\n  func();\n}\n",
               "expected `import`, `export`, `include`, `use`, or type definition, found keyword "
               "`func`",
               3, 3, 4);
  expect_error("package a:b;\nfoo\n", "expected `world`, `interface` or `use`, found an identifier",
               2, 1, 3);
  expect_error("package a:b;\n%\n",
               "expected `world`, `interface` or `use`, found an '%' identifier", 2, 1, 1);
  expect_error("package a:b;\ninterface i {\n  abcd\n}\n", "expected ':', found '}'", 4, 1, 1);
  expect_error("package foo:name;\npackage bar:name;\n", "expected '{', found ';'", 2, 17, 1);
  expect_error("package a:b;\nworld w {\n  include a with { foo:foo/foo as foo2 }\n}\n",
               "expected keyword `as`, found ':'", 3, 23, 1);
  expect_error("package a:b;\ninterface i {\n  use x;\n}\n", "expected '.', found ';'", 3, 8, 1);
  expect_error("package a:b;\nworld w { import a: b: c; }\n", "expected `/`, found ';'", 2, 25, 1);
  expect_error("package a:b;\nworld w { import a:b@1.0.0; }\n", "expected ';', found `@`", 2, 21, 1);
  expect_error("package a:b;\nworld w { export a: interface {}; }\n",
               "expected `import`, `export`, `include`, `use`, or type definition, found ';'", 2,
               33, 1);
  expect_error("package a:b;\nworld w { include b with { a as b, }; }\n",
               "expected `import`, `export`, `include`, `use`, or type definition, found ';'", 2,
               37, 1);
  expect_error("package a:b;\nworld w { export a: static func(); }\n",
               "expected an identifier or string, found keyword `static`", 2, 21, 6);
  expect_error("package a:b;\ninterface i { f: func() -> (a: u32); }\n",
               "expected a type, found '('", 2, 28, 1);
  expect_error("package a:b;\ninterface i { @external-id(abc) f: func(); }\n",
               "expected a string literal, found an identifier", 2, 28, 1);
}

Test(parse_errors, eof_errors) {
  expect_error("package a:b;\ninterface i {\n  type t =\n", "expected a type, found eof", 4, 1, 0);
  expect_error("package a:b;\ninterface i {\n  type\n", "expected an identifier or string, found eof",
               4, 1, 0);
  expect_error("package a:b;\ninterface i {\n", "expected `type`, `resource` or `func`, found eof",
               3, 1, 0);
  expect_error("package a:b;\ninterface i {\n  f: func() -> u32", "expected ';', found eof", 3, 19, 1);
}

Test(parse_errors, fixed_lists) {
  expect_error("package a:b;\ninterface i {\n  type a = list<u32,>;\n}\n",
               "expected fixed-length, found '>'", 3, 21, 1);
  expect_error("package a:b;\ninterface i {\n  type b = list<u32, u32>;\n}\n",
               "expected fixed-length, found keyword `u32`", 3, 22, 3);
  expect_error("package a:b;\ninterface i {\n  type b = list<u32, 4294967296>;\n}\n",
               "invalid list size: number too large to fit in target type", 3, 22, 10);
  /* and, after recovery at `type`, the ';' missing after `u32` */
  expect_first_error("package a:b;\ninterface i {\n  type a = list<u32\n  type y = u32\n}\n", 2,
                     "expected '>', found keyword `type`", 4, 3, 1);
}

Test(parse_errors, identifiers) {
  expect_error("package a:b;\ninterface i {\n  type fooBar = u32;\n}\n",
               "invalid character in identifier 'B'", 3, 8, 1);
  expect_error("package a:b;\ninterface i {\n  type apple_pear = u32;\n}\n",
               "invalid character in identifier '_'", 3, 8, 1);
  expect_error("package a:b;\ninterface i {\n  type a--b = u32;\n}\n",
               "identifiers must have characters between '-'s", 3, 8, 1);
  expect_error("package a:b;\ninterface i {\n  type %Foo = u32;\n}\n",
               "invalid character in identifier 'o'", 3, 8, 1);
  expect_error("package a:b;\ninterface i {\n  type % = u32;\n}\n",
               "identifiers must have characters between '-'s", 3, 8, 1);
  expect_error("package a:b;\ninterface i {\n  f: func(x: garçon);\n}\n",
               "invalid character in identifier 'ç'", 3, 14, 1);
  /* the identifier is checked before the next token is looked at */
  expect_error("package a:b;\ninterface i { type Apple = u32; $ }\n",
               "invalid character in identifier 'p'", 2, 20, 1);
}

Test(parse_errors, lexical_errors) {
  expect_error("package a:b;\ninterface i {\n  type t = $;\n}\n", "unexpected character '$'", 3,
               12, 1);
  expect_error("package a:b;\ninterface i {\r type t = u32; }\n", "unexpected character '\\r'", 2,
               14, 1);
  expect_error("package a:b;\ninterface i { /* x\n}\n", "unterminated block comment", 2, 15, 1);
  expect_error("package a:b;\n\ninterface i {\x07}\n", "Control code '\\u{7}'", 3, 14, 1);
  expect_error("package a:b;\ninterface i {\xE2\x80\xAE}\n",
               "Input contains bidirectional override codepoint "
               "EscapeUnicode(EscapeIterInner('\\u{202e}'))",
               2, 14, 1);
  expect_error("package a:b;\ninterface i {\xC5\x89}\n",
               "Codepoint EscapeUnicode(EscapeIterInner('\\u{149}')) is discouraged by Unicode", 2,
               14, 1);
  /* a lexical error in the lookahead wins over the syntax error it causes */
  expect_error("package a:b;\ninterface i { type t = u32 $ }\n", "unexpected character '$'", 2, 28,
               1);
  expect_error("package a:b;\ninterface i { @external-id(\"a\\q\") f: func(); }\n",
               "invalid string escape 'q'", 2, 31, 1);
}

Test(parse_errors, invalid_utf8_is_a_clean_error) {
  const witc_diag *d = parse_fail_len("package a:b;\n\xFF\xFE", 15);
  cr_assert_str_eq(d->message, "input file is not valid utf-8 [t.wit]");
  cr_assert(witc_span_is_none(d->span));
}

Test(parse_errors, versions) {
  expect_error("package a:b@01.0.0;\n", "invalid leading zero in major version number", 1, 13, 6);
  expect_error("package a:b@1.0.0-a_b;\n",
               "unexpected character '_' after pre-release identifier", 1, 13, 9);
  expect_error("package a:b@1.0.0 -a;\n",
               "unexpected character ' ' after patch version number", 1, 13, 8);
  expect_error("package a:b@1.0;\n", "expected '.', found ';'", 1, 16, 1);
  expect_error("package a:b@1.0.0+a+b;\n", "expected '{', found `+`", 1, 20, 1);
}

Test(parse_errors, attributes) {
  expect_error("package a:b;\n@foo\ninterface i {}\n", "unknown attribute `foo`", 2, 2, 3);
  expect_error("package a:b;\n@deprecated(since = 1.2.3)\ninterface i {}\n",
               "expected `version`, found `since`", 2, 13, 5);
  expect_error("package a:b;\n@since(feature = foo, version = 1.0.0)\ninterface i {}\n",
               "expected `version`, found `feature`", 2, 8, 7);
  expect_error("package a:b;\n@deprecated()\ninterface i {}\n",
               "expected an identifier or string, found ')'", 2, 13, 1);
  expect_error("package a:b;\n@since\ninterface i {}\n", "expected '(', found keyword `interface`",
               3, 1, 1);
}

Test(parse_errors, packages) {
  expect_error("package a:b;\n@since(version = 1.0.0)\npackage c:d {}\n",
               "cannot place attributes on nested packages", 3, 1, 7);
  /* Nested-in-nested packages and attributes on a top-level use are the per-package
   * resolver's errors (test_resolve_pkg.c): a syntax error anywhere in the file wins. */
  expect_error("package a:b;\npackage c:d {\n  package e:f {}\n}\ninterface i { type t = (; }\n",
               "expected a type, found '('", 5, 24, 1);
  expect_error("package a:b;\n@since(version = 1.0.0)\nuse a:b/c;\ninterface i { type t = (; }\n",
               "expected a type, found '('", 4, 24, 1);
  expect_error("package a:b;\npackage c:d {\n  @since(version = 1.0.0)\n  use x:y/z;\n"
               "  package e:f {\n    interface i {\n  }\n}\n",
               "expected `world`, `interface` or `use`, found eof", 9, 1, 0);
  /* an attribute that does not parse is still a syntax error */
  expect_error("package a:b;\n@since(version = 1)\nuse a:b/c;\n", "expected '.', found ')'", 2, 19,
               1);
}

Test(parse_errors, context_prefix) {
  uint32_t f = add_len("package a:b;\nfoo", 16);
  ast_file *out;
  cr_assert_not(witc_parse_file(&arena, &map, f, "failed to parse package: d: ", &diags, &out));
  cr_assert_str_eq(diags.items.items[0].context, "failed to parse package: d: ");
  cr_assert_str_eq(diags.items.items[0].message,
                   "expected `world`, `interface` or `use`, found an identifier");
}

/* ---- error recovery ------------------------------------------------------------------- */

typedef struct want_err {
  const char *msg;
  uint32_t line, col;
} want_err;

/* Parses `src` and checks its diagnostics, in order, against want[0..n). */
static void expect_errors(const char *src, const want_err *want, uint32_t n) {
  parse_fail_n(src, strlen(src), n);
  for (uint32_t i = 0; i < n; i++) {
    const witc_diag *d = &diags.items.items[i];
    uint32_t l, c;
    cr_assert(witc_source_map_locate(&map, d->span.start, NULL, &l, &c));
    cr_assert(!strcmp(d->message, want[i].msg) && l == want[i].line && c == want[i].col,
              "error %u: got %u:%u %s, want %u:%u %s\n--- input:\n%s", i + 1, l, c, d->message,
              want[i].line, want[i].col, want[i].msg, src);
  }
}

#define EXPECT_ERRORS(src, ...)                                      \
  do {                                                               \
    static const want_err want_[] = {__VA_ARGS__};                   \
    expect_errors((src), want_, sizeof want_ / sizeof want_[0]);     \
  } while (0)

/* A second error the recovery must find after a first one, to show it resumed. */
#define LATER "  later: func(;\n"
#define LATER_MSG "expected an identifier or string, found ';'"

Test(parse_recovery, several_errors_in_order) {
  const char *src = "package a:b;\n"
                    "\n"
                    "interface i {\n"
                    "  f: func()\n"               /* 4: missing ';' */
                    "  g: func();\n"
                    "  record r {\n"
                    "    a: u8\n"                 /* 7: missing ',' */
                    "    b: u8,\n"
                    "  }\n"
                    "  type t = list<u8;\n"       /* 10: missing '>' */
                    "  h: func(x: u32) -> string;\n"
                    "}\n"
                    "\n"
                    "world w {\n"
                    "  improt i;\n"               /* 15: misspelled keyword */
                    "  export f: func();\n"
                    "  import x: interface {\n"
                    "    f: func(a: u8 b: u8);\n" /* 18: missing ',' */
                    "  }\n"
                    "}\n";
  EXPECT_ERRORS(src, {"expected ';', found an identifier", 5, 3},
                {"expected '}', found an identifier", 8, 5},
                {"expected '>', found ';'", 10, 19},
                {"expected `import`, `export`, `include`, `use`, or type definition, found an "
                 "identifier",
                 15, 3},
                {"expected ')', found an identifier", 18, 19});
  /* the first error is the one a parse without recovery reports, with its span */
  check_diag(src, &diags.items.items[0], "expected ';', found an identifier", 5, 3, 1);
  check_diag(src, &diags.items.items[3],
             "expected `import`, `export`, `include`, `use`, or type definition, found an "
             "identifier",
             15, 3, 6);
}

Test(parse_recovery, every_error_is_in_the_diagnostics_context) {
  const char *src = "package a:b;\ninterface i {\n  f: func(;\n  g: func(;\n}\n";
  uint32_t f = add_len(src, strlen(src));
  ast_file *out = (ast_file *)1;
  cr_assert_not(witc_parse_file(&arena, &map, f, "failed to parse package: d: ", &diags, &out));
  cr_assert_null(out);
  cr_assert_eq(diags.items.len, 2);
  cr_assert_eq(diags.errors, 2);
  for (uint32_t i = 0; i < 2; i++) {
    cr_assert_eq(diags.items.items[i].severity, WITC_SEV_ERROR);
    cr_assert_str_eq(diags.items.items[i].context, "failed to parse package: d: ");
  }
}

Test(parse_recovery, missing_semicolon) {
  EXPECT_ERRORS("package a:b;\ninterface i {\n  f: func()\n  g: func();\n" LATER "}\n",
                {"expected ';', found an identifier", 4, 3}, {LATER_MSG, 5, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  type a = u8\n  type b = u8;\n" LATER "}\n",
                {"expected ';', found keyword `type`", 4, 3}, {LATER_MSG, 5, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  f: func() -> u8\n  record r { a: u8 }\n" LATER
                "}\n",
                {"expected ';', found keyword `record`", 4, 3}, {LATER_MSG, 5, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  use x.{a}\n  use y.{b};\n" LATER "}\n",
                {"expected ';', found keyword `use`", 4, 3}, {LATER_MSG, 5, 15});
  EXPECT_ERRORS("package a:b;\nworld w {\n  import a\n  export b;\n  import c: func(;\n}\n",
                {"expected ';', found keyword `export`", 4, 3},
                {"expected an identifier or string, found ';'", 5, 18});
  /* before the closing brace, on one line */
  EXPECT_ERRORS("package a:b;\ninterface i { f: func() }\ninterface j {\n" LATER "}\n",
                {"expected ';', found '}'", 2, 25}, {LATER_MSG, 4, 15});
  /* after the package header and a top-level use */
  EXPECT_ERRORS("package a:b\ninterface i {\n" LATER "}\n",
                {"expected '{', found keyword `interface`", 2, 1}, {LATER_MSG, 3, 15});
  EXPECT_ERRORS("package a:b;\nuse a:b/c\ninterface i {\n" LATER "}\n",
                {"expected ';', found keyword `interface`", 3, 1}, {LATER_MSG, 4, 15});
}

Test(parse_recovery, missing_close_brace) {
  /* an interface, a world, an inline interface, a resource, a record left open */
  EXPECT_ERRORS("package a:b;\ninterface a {\n  f: func();\n\ninterface b {\n" LATER "}\n",
                {"expected `type`, `resource` or `func`, found keyword `interface`", 5, 1},
                {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\nworld w {\n  import a;\n\ninterface b {\n" LATER "}\n",
                {"expected `import`, `export`, `include`, `use`, or type definition, found "
                 "keyword `interface`",
                 5, 1},
                {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\nworld w {\n  import x: interface {\n    f: func();\n\n"
                "  import y: func();\n  import z: func(;\n}\n",
                {"expected `type`, `resource` or `func`, found keyword `import`", 6, 3},
                {"expected an identifier or string, found ';'", 7, 18});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  resource r {\n    constructor();\n\n"
                "  type t = u8;\n" LATER "}\n",
                {"expected `constructor` or identifier, found keyword `type`", 6, 3},
                {LATER_MSG, 7, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  record r {\n    a: u8,\n\n  type t = u8;\n" LATER
                "}\n",
                {"expected an identifier or string, found keyword `type`", 6, 3},
                {LATER_MSG, 7, 15});
  /* at the end of the file: one error, as without recovery */
  expect_error("package a:b;\ninterface i {\n  f: func();\n",
               "expected `type`, `resource` or `func`, found eof", 4, 1, 0);
  /* a nested package left open takes the items after it; after an error, one at the end
   * of the file is not reported (skipped braces leave blocks open there) */
  EXPECT_ERRORS("package a:b;\npackage c:d {\n  interface i {}\n\ninterface j {\n" LATER "}\n",
                {LATER_MSG, 6, 15});
}

Test(parse_recovery, stray_and_lost_braces) {
  /* a '}' too many at the top level */
  EXPECT_ERRORS("package a:b;\ninterface i {}\n}\ninterface j {\n" LATER "}\n",
                {"expected `world`, `interface` or `use`, found '}'", 3, 1}, {LATER_MSG, 5, 15});
  /* a missing '{': the rest of the body is skipped quietly */
  EXPECT_ERRORS("package a:b;\ninterface x\n  f: func();\n  g: func();\n}\ninterface y {\n" LATER
                "}\n",
                {"expected '{', found an identifier", 3, 3}, {LATER_MSG, 7, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  resource r\n    m: func();\n  }\n" LATER "}\n",
                {"expected ';', found an identifier", 4, 5}, {LATER_MSG, 6, 15});
  /* a '{' too many: no error at the end of the file for the block it leaves open */
  EXPECT_ERRORS("package a:b;\ninterface i {\n  { f: func(;\n}\n",
                {"expected `type`, `resource` or `func`, found '{'", 3, 3});
}

Test(parse_recovery, misspelled_keywords) {
  EXPECT_ERRORS("package a:b;\ninterfce x {\n  f: func();\n}\ninterface y {\n" LATER "}\n",
                {"expected `world`, `interface` or `use`, found an identifier", 2, 1},
                {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\nwrold x {\n  import f: func();\n}\ninterface y {\n" LATER "}\n",
                {"expected `world`, `interface` or `use`, found an identifier", 2, 1},
                {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  f: fnuc();\n" LATER "}\n",
                {"expected keyword `func`, found an identifier", 3, 6}, {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  recrod r { a: u8 }\n" LATER "}\n",
                {"expected ':', found an identifier", 3, 10}, {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  reource r {\n    m: func();\n  }\n" LATER "}\n",
                {"expected ':', found an identifier", 3, 11}, {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\nworld w {\n  improt a;\n  exprot b: interface {\n    f: func();\n"
                "  }\n  import c: func(;\n}\n",
                {"expected `import`, `export`, `include`, `use`, or type definition, found an "
                 "identifier",
                 3, 3},
                {"expected `import`, `export`, `include`, `use`, or type definition, found an "
                 "identifier",
                 4, 3},
                {"expected an identifier or string, found ';'", 7, 18});
}

Test(parse_recovery, keywords_used_as_names) {
  EXPECT_ERRORS("package a:b;\ninterface i {\n  record r {\n    type: u8,\n    b: u32,\n  }\n" LATER
                "}\n",
                {"expected an identifier or string, found keyword `type`", 4, 5},
                {LATER_MSG, 7, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  enum e {\n    type,\n    flags,\n  }\n" LATER "}\n",
                {"expected an identifier or string, found keyword `type`", 4, 5},
                {LATER_MSG, 7, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  f: func(list: u32);\n" LATER "}\n",
                {"expected an identifier or string, found keyword `list`", 3, 11},
                {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  type type = u8;\n" LATER "}\n",
                {"expected an identifier or string, found keyword `type`", 3, 8},
                {LATER_MSG, 4, 15});
}

Test(parse_recovery, misplaced_items) {
  /* an item of another kind of block, indented as an item of this one */
  EXPECT_ERRORS("package a:b;\nworld w {\n  interface x {}\n  import y: func(;\n}\n",
                {"expected `import`, `export`, `include`, `use`, or type definition, found "
                 "keyword `interface`",
                 3, 3},
                {"expected an identifier or string, found ';'", 4, 18});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  import a;\n" LATER "}\n",
                {"expected `type`, `resource` or `func`, found keyword `import`", 3, 3},
                {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  constructor();\n" LATER "}\n",
                {"expected `type`, `resource` or `func`, found keyword `constructor`", 3, 3},
                {LATER_MSG, 4, 15});
}

Test(parse_recovery, lexical_errors) {
  EXPECT_ERRORS("package a:b;\ninterface x {\n  f: func() -> $;\n" LATER "}\n",
                {"unexpected character '$'", 3, 16}, {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  @external-id(\"a\\q\") f: func();\n" LATER "}\n",
                {"invalid string escape 'q'", 3, 19}, {LATER_MSG, 4, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  @external-id(\"abc\n  f: func();\n" LATER "}\n",
                {"invalid string character '\\n'", 3, 20}, {LATER_MSG, 5, 15});
  /* a lexical error in text skipped by a recovery is not reported: it may be a cascade */
  EXPECT_ERRORS("package a:b;\ninterface x {\n  f: func(x: u32 y: u32,\n    # $ \"\\q\"\n  );\n"
                LATER "}\n",
                {"expected ')', found an identifier", 3, 18}, {LATER_MSG, 6, 15});
  /* an unterminated comment runs to the end */
  expect_error("package a:b;\ninterface i {\n  f: func(x: u32 /* unterminated\n}\n" LATER,
               "unterminated block comment", 3, 18, 1);
  /* the pre-scan stops the file at its first forbidden code point */
  expect_error("package a:b;\ninterface i {\n  f: func(;\n  \x07\n}\n", "Control code '\\u{7}'", 4,
               3, 1);
  /* identifiers are validated when parsed, so one in an item parsed later is reported */
  EXPECT_ERRORS("package a:b;\ninterface x {\n  f: func(;\n  type Foo = u8;\n}\n",
                {"expected an identifier or string, found ';'", 3, 11},
                {"invalid character in identifier 'o'", 4, 8});
}

Test(parse_recovery, no_second_error_on_the_same_line_or_position) {
  /* `}` closes the interface early: the ';' after it is not reported */
  EXPECT_ERRORS("package a:b;\ninterface i {\n  f: func() -> result<u8, u8};\n}\n"
                "interface j {\n" LATER "}\n",
                {"expected '>', found '}'", 3, 29}, {LATER_MSG, 6, 15});
  EXPECT_ERRORS("package a:b;\ninterface i {\n  use x.{a, , b};\n" LATER "}\n",
                {"expected an identifier or string, found ','", 3, 13}, {LATER_MSG, 4, 15});
}

Test(parse_recovery, header_and_attribute_errors) {
  EXPECT_ERRORS("package a:b@1.0;\ninterface x {\n" LATER "}\n",
                {"expected '.', found ';'", 1, 16}, {LATER_MSG, 3, 15});
  EXPECT_ERRORS("package a:b;\ninterface x {\n  @since(version = 1.0)\n  f: func();\n" LATER "}\n",
                {"expected '.', found ')'", 3, 23}, {LATER_MSG, 5, 15});
  EXPECT_ERRORS("package a:b;\n@since(version = 1.0.0)\npackage c:d {}\ninterface x {\n" LATER
                "}\n",
                {"cannot place attributes on nested packages", 3, 1}, {LATER_MSG, 5, 15});
}

Test(parse_recovery, depth_limits) {
  /* too deep a type is one error; the file goes on */
  char *ty = repeat("package a:b;\ninterface i {\n  type t = ", "list<", 150, "u8", ">", 150,
                    ";\n" LATER "}\n");
  EXPECT_ERRORS(ty, {"type nesting too deep", 3, 512}, {LATER_MSG, 4, 15});
  free(ty);
  teardown();
  setup();
  /* too deep a package nesting stops the file */
  char *pk = repeat("package a:b;\n", "package a:b {\n", 150, "", "}\n", 150,
                    "interface i {\n" LATER "}\n");
  expect_error(pk, "package nesting too deep", 102, 1, 7);
  free(pk);
}

Test(parse_recovery, at_most_twenty_errors_then_a_note) {
  char *src = repeat("package a:b;\ninterface i {\n", "  f: func(;\n", 30, "", "", 0, "}\n");
  parse_fail_n(src, strlen(src), 21);
  for (uint32_t i = 0; i < 20; i++) {
    const witc_diag *d = &diags.items.items[i];
    uint32_t l, c;
    cr_assert(witc_source_map_locate(&map, d->span.start, NULL, &l, &c));
    cr_assert_eq(d->severity, WITC_SEV_ERROR);
    cr_assert_eq(l, 3 + i);
  }
  const witc_diag *note = &diags.items.items[20];
  cr_assert_eq(note->severity, WITC_SEV_INFO);
  cr_assert_str_eq(note->message, "too many errors; stopping");
  uint32_t l, c;
  cr_assert(witc_source_map_locate(&map, note->span.start, NULL, &l, &c));
  cr_assert_eq(l, 23); /* where the 21st error is */
  cr_assert_eq(diags.errors, 20);
  free(src);
}

/* Random token soup: the parse ends (no hang, no crash; run under ASan+UBSan in the
 * sanitizer build), reports at most 20 errors in strictly increasing order, one per line. */
Test(parse_recovery, token_soup_terminates) {
  static const char *const toks[] = {
      "{", "}", ";", "(", ")", "<", ">", ",", ":", ".", "/", "@", "=", "->", "*", "_",
      "interface", "world", "package", "use", "type", "record", "resource", "enum", "variant",
      "flags", "import", "export", "include", "func", "constructor", "static", "list", "u32",
      "foo", "%bar", "Baz", "1", "\"s\"", "$", "\n", "\n", "\n", "  ", "a:b", "1.0.0"};
  uint32_t seed = 12345;
  for (int round = 0; round < 300; round++) {
    char src[4096];
    size_t n = 0;
    int count = 20 + round % 200;
    for (int i = 0; i < count; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *t = toks[(seed >> 16) % (sizeof toks / sizeof toks[0])];
      size_t l = strlen(t);
      if (n + l + 2 >= sizeof src) break;
      memcpy(src + n, t, l);
      n += l;
      src[n++] = ' ';
    }
    src[n] = 0;
    teardown();
    setup();
    uint32_t f = add_len(src, n);
    ast_file *out;
    if (witc_parse_file(&arena, &map, f, "", &diags, &out)) continue;
    cr_assert_geq(diags.items.len, 1);
    cr_assert_leq(diags.items.len, 21);
    uint32_t last_line = 0;
    for (uint32_t i = 0; i < diags.items.len && i < 20; i++) {
      uint32_t l, c;
      cr_assert(witc_source_map_locate(&map, diags.items.items[i].span.start, NULL, &l, &c));
      if (i) cr_assert_gt(l, last_line, "round %d: error %u on line %u after line %u:\n%s", round,
                          i + 1, l, last_line, src);
      last_line = l;
    }
  }
}

/* Every file of a package is parsed: a syntax error in one does not hide those of the
 * next; nothing is resolved then. */
Test(parse_recovery, later_files_of_a_package_are_parsed) {
  static const char *const text[3] = {"package a:b;\ninterface x { f: func() }\n",
                                      "interface y {}\n", "interface z {\n  g: func(;\n}\n"};
  uint32_t files[3];
  for (int i = 0; i < 3; i++) {
    char path[16];
    snprintf(path, sizeof path, "d/%d.wit", i + 1);
    files[i] = witc_source_map_add(&map, path, text[i], strlen(text[i]));
  }
  witc_unresolved_group g;
  cr_assert_not(witc_parse_resolve_package(&arena, &map, files, 3, "", &diags, &g));
  cr_assert_eq(diags.items.len, 2);
  const witc_source_file *file;
  uint32_t l, c;
  cr_assert(witc_source_map_locate(&map, diags.items.items[0].span.start, &file, &l, &c));
  cr_assert_str_eq(file->path, "d/1.wit");
  cr_assert_str_eq(diags.items.items[0].message, "expected ';', found '}'");
  cr_assert(witc_source_map_locate(&map, diags.items.items[1].span.start, &file, &l, &c));
  cr_assert_str_eq(file->path, "d/3.wit");
  cr_assert_eq(l, 2);
  cr_assert_eq(c, 11);
}

/* ---- depth limits --------------------------------------------------------------------- */

Test(parse_limits, type_nesting) {
  char *ok = repeat("package a:b;\ninterface i {\n  type t = ", "list<", 99, "u8", ">", 99, ";\n}\n");
  parse_ok(ok);
  free(ok);
  char *tup = repeat("package a:b;\ninterface i {\n  type t = ", "tuple<", 100, "", ">", 100, ";\n}\n");
  parse_ok(tup);
  free(tup);
  char *bad = repeat("package a:b;\ninterface i {\n  type t = ", "list<", 100, "u8", ">", 100, ";\n}\n");
  expect_error(bad, "type nesting too deep", 3, 12 + 500, 2);
  free(bad);
  char *fn = repeat("package a:b;\ninterface i {\n  f: func(a: ", "option<", 101, "u8", ">", 101,
                    ");\n}\n");
  expect_error(fn, "type nesting too deep", 3, 14 + 700, 6);
  free(fn);
}

Test(parse_limits, deep_input_never_overflows) {
  char *deep = repeat("package a:b;\ninterface i {\n  type t = ", "list<", 10000, "u8", ">", 10000,
                      ";\n}\n");
  const witc_diag *d = parse_fail_len(deep, strlen(deep));
  cr_assert_str_eq(d->message, "type nesting too deep");
  free(deep);
  teardown();
  setup();
  char *pk = repeat("package a:b;\n", "package a:b {\n", 10000, "", "}\n", 10000, "");
  d = parse_fail_len(pk, strlen(pk));
  cr_assert_str_eq(d->message, "package nesting too deep");
  free(pk);
  teardown();
  setup();
  char *cm = repeat("package a:b;\n", "/*", 100000, "", "*/", 100000, "interface i {}\n");
  parse_ok(cm);
  free(cm);
}

Test(parse_limits, package_nesting) {
  /* 100 nested levels parse, all kept in the tree (the resolver refuses the second level);
   * 101 are too deep */
  char *ok = repeat("package a:b;\n", "package a:b {\n", 100, "", "}\n", 100, "");
  ast_file *f = parse_ok(ok);
  int depth = 0;
  for (const ast_items *items = &f->items; items->len; depth++) {
    cr_assert_eq(items->len, 1);
    cr_assert_eq(items->items[0].kind, AST_ITEM_PACKAGE);
    items = &items->items[0].u.package->items;
  }
  cr_assert_eq(depth, 100);
  free(ok);
  teardown();
  setup();
  char *bad = repeat("package a:b;\n", "package a:b {\n", 101, "", "}\n", 101, "");
  expect_error(bad, "package nesting too deep", 102, 1, 7);
  free(bad);
}

/* ---- the shared conformance corpus --------------------------------------------------- */

static const char *shelf(void) {
  static char buf[1024];
  const char *env = getenv("WITC_SHARED");
  if (env && *env) return env;
#ifdef WITC_SOURCE_DIR
  snprintf(buf, sizeof buf, "%s/../shared", WITC_SOURCE_DIR);
  return buf;
#else
  return "../shared";
#endif
}

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Parses one file in a fresh source map; returns NULL on success, else the message and
 * location. */
static const char *parse_path(const char *path, uint32_t *line, uint32_t *col) {
  static char msg[512];
  teardown();
  setup();
  uint32_t idx = witc_source_map_load(&map, path);
  cr_assert_neq(idx, UINT32_MAX, "cannot read %s", path);
  ast_file *out;
  if (witc_parse_file(&arena, &map, idx, "", &diags, &out)) return NULL;
  const witc_diag *d = &diags.items.items[0];
  const witc_source_file *f;
  *line = *col = 0;
  if (!witc_span_is_none(d->span)) witc_source_map_locate(&map, d->span.start, &f, line, col);
  snprintf(msg, sizeof msg, "%s", d->message);
  return msg;
}

/* Every *.wit under `dir` (recursively) must parse, except the known-invalid VTX files. */
static int parse_tree(const char *dir, int *count) {
  int failures = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (is_dir(path)) {
      if (strcmp(e->d_name, "parse-fail") != 0) failures += parse_tree(path, count);
      continue;
    }
    size_t n = strlen(path);
    if (n < 4 || strcmp(path + n - 4, ".wit") != 0 || strstr(path, "-INVALID/")) continue;
    uint32_t line, col;
    const char *msg = parse_path(path, &line, &col);
    ++*count;
    if (msg) {
      failures++;
      cr_log_error("%s:%u:%u: %s", path, line, col, msg);
    }
  }
  closedir(d);
  return failures;
}

Test(parse_corpus, valid_files_parse) {
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/corpus", shelf());
  if (!is_dir(dir)) cr_skip_test("reference shelf not found (set WITC_SHARED)");
  int count = 0, failures = parse_tree(dir, &count);
  cr_assert_eq(failures, 0, "%d of %d files failed to parse", failures, count);
  cr_assert_gt(count, 200);
}

/* parse-fail cases whose expected error is lexical or syntactic: same message and
 * line:col as the .wit.result. */
Test(parse_corpus, syntax_failures_match) {
  char path[1200];
  snprintf(path, sizeof path, "%s/corpus/wit-parser-ui/MANIFEST.tsv", shelf());
  FILE *m = fopen(path, "r");
  if (!m) cr_skip_test("reference shelf not found (set WITC_SHARED)");
  static const char *const syntax[] = {
    "expected ", "invalid character in identifier", "identifiers must have",
    "unexpected character", "unterminated block comment", "package nesting too deep",
    "type nesting too deep", "cannot place attributes", "unknown attribute",
    "invalid list size", "tests/ui/"};
  char line[4096];
  int total = 0, matched = 0;
  while (fgets(line, sizeof line, m)) {
    if (strncmp(line, "fail\t", 5) != 0) continue;
    line[strcspn(line, "\n")] = 0;
    char *cols[8] = {0};
    int nc = 0;
    for (char *p = line; nc < 8; nc++) {
      cols[nc] = p;
      char *t = strchr(p, '\t');
      if (!t) {
        nc++;
        break;
      }
      *t = 0;
      p = t + 1;
    }
    if (nc < 8 || strcmp(cols[2], "file") != 0) continue;
    const char *want = cols[7];
    bool is_syntax = false;
    for (size_t k = 0; k < sizeof syntax / sizeof syntax[0]; k++)
      if (strncmp(want, syntax[k], strlen(syntax[k])) == 0) is_syntax = true;
    if (!is_syntax) continue;
    if (strncmp(want, "tests/ui/", 9) == 0) want = strstr(want, ": ") + 2;
    /* expected location: the " --> file:L:C" line, or "file:L:C: msg" */
    char rpath[1400], wit[1400];
    snprintf(rpath, sizeof rpath, "%s/corpus/wit-parser-ui/%s", shelf(), cols[3]);
    snprintf(wit, sizeof wit, "%s/corpus/wit-parser-ui/%s", shelf(), cols[1]);
    FILE *r = fopen(rpath, "r");
    cr_assert_not_null(r, "%s", rpath);
    char rl[8192];
    uint32_t wl = 0, wc = 0;
    while (fgets(rl, sizeof rl, r)) {
      char *at = strstr(rl, ".wit:");
      if (at && sscanf(at + 5, "%u:%u", &wl, &wc) == 2) break;
    }
    fclose(r);
    total++;
    uint32_t gl, gc;
    const char *got = parse_path(wit, &gl, &gc);
    if (got && strcmp(got, want) == 0 && gl == wl && gc == wc)
      matched++;
    else
      cr_log_error("%s: want %u:%u %s, got %u:%u %s", cols[1], wl, wc, want, got ? gl : 0,
                   got ? gc : 0, got ? got : "(parsed)");
  }
  fclose(m);
  cr_log_info("syntax-class parse-fail cases: %d/%d match", matched, total);
  cr_assert_eq(matched, total);
  cr_assert_gt(total, 20);
}

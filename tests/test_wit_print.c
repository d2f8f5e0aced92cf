/* test_wit_print.c: the WIT printer on models built by hand (docs/wit-printer.md). The
 * corpus round trips (tests/fmt_roundtrip.sh) and the golden files of testdata/fmt/ check
 * it on real resolver output. */
#include "../codegen/wit_print.h"
#include "model_fixtures.h"

TestSuite(wit_print, .init = model_setup, .fini = model_teardown);

static char *print_opts(witc_id pkg, const witc_id *nested, uint32_t n,
                        const witc_wit_print_opts *o) {
  witc_buf b;
  witc_buf_init(&b);
  cr_assert(witc_wit_print(&R, pkg, nested, n, o, &b));
  return buf_take(&b);
}

static char *print(witc_id pkg) { return print_opts(pkg, NULL, 0, NULL); }

/* ---- tests ---------------------------------------------------------------------------- */

Test(wit_print, empty_package) {
  witc_id pkg = add_package("foo", "empty", NULL);
  add_interface("empty", pkg);
  cr_assert_str_eq(print(pkg), "package foo:empty;\n\ninterface empty {\n}\n\n");
}

/* resources1.wit: resource members move into the resource, before the functions; a bare
 * own<r> prints as `r`. */
Test(wit_print, resources1) {
  witc_id pkg = model_resources1();
  cr_assert_str_eq(print(pkg), "package foo:resources1;\n"
                               "\n"
                               "interface resources1 {\n"
                               "  resource r1 {\n"
                               "    f1: func();\n"
                               "  }\n"
                               "\n"
                               "  t1: func(a: borrow<r1>);\n"
                               "\n"
                               "  t2: func(a: r1);\n"
                               "\n"
                               "  t3: func(a: r1);\n"
                               "}\n"
                               "\n");
}

Test(wit_print, type_definitions) {
  witc_id pkg = add_package("a", "t", NULL);
  witc_id i = add_interface("types", pkg);
  witc_id r = add_type("r", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, i);
  witc_id e = add_type("e", WITC_TD_ENUM, WITC_OWNER_INTERFACE, i);
  add_field(e, "a", NONE, NULL);
  witc_id own = add_type("own-r", WITC_TD_HANDLE, WITC_OWNER_INTERFACE, i);
  T(own)->u.handle.resource = r;
  witc_id bor = add_type("borrow-r", WITC_TD_HANDLE, WITC_OWNER_INTERFACE, i);
  T(bor)->u.handle.borrow = true, T(bor)->u.handle.resource = r;
  witc_id al = add_type("alias-r", WITC_TD_TYPE, WITC_OWNER_INTERFACE, i);
  T(al)->u.type = ID(r);
  struct {
    const char *name;
    witc_typedef_kind kind;
    witc_type a, b;
  } simple[] = {
      {"r0", WITC_TD_RESULT, NONE, NONE},
      {"r1", WITC_TD_RESULT, P(WITC_T_U32), NONE},
      {"r2", WITC_TD_RESULT, NONE, ID(e)},
      {"r3", WITC_TD_RESULT, P(WITC_T_U32), ID(e)},
      {"o", WITC_TD_OPTION, P(WITC_T_CHAR), NONE},
      {"l", WITC_TD_LIST, P(WITC_T_U8), NONE},
      {"f0", WITC_TD_FUTURE, NONE, NONE},
      {"f1", WITC_TD_FUTURE, P(WITC_T_STRING), NONE},
      {"s0", WITC_TD_STREAM, NONE, NONE},
      {"s1", WITC_TD_STREAM, P(WITC_T_ERROR_CONTEXT), NONE},
      {"m", WITC_TD_MAP, P(WITC_T_STRING), P(WITC_T_S64)},
  };
  for (size_t k = 0; k < sizeof simple / sizeof *simple; k++) {
    witc_id t = add_type(simple[k].name, simple[k].kind, WITC_OWNER_INTERFACE, i);
    if (simple[k].kind == WITC_TD_RESULT)
      T(t)->u.result.ok = simple[k].a, T(t)->u.result.err = simple[k].b;
    else if (simple[k].kind == WITC_TD_MAP)
      T(t)->u.map.key = simple[k].a, T(t)->u.map.value = simple[k].b;
    else
      T(t)->u.type = simple[k].a;
  }
  witc_id fx = add_type("fx", WITC_TD_FIXED_LIST, WITC_OWNER_INTERFACE, i);
  T(fx)->u.fixed.elem = P(WITC_T_F32), T(fx)->u.fixed.size = 4;
  witc_id anon_tuple = anon(WITC_TD_TUPLE);
  witc_vec_push(&arena, &T(anon_tuple)->u.tuple, P(WITC_T_BOOL));
  witc_vec_push(&arena, &T(anon_tuple)->u.tuple, ID(handle(true, r)));
  witc_id anon_list = anon(WITC_TD_LIST);
  T(anon_list)->u.type = ID(anon_tuple);
  witc_id rec = add_type("rec", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  add_field(rec, "x", ID(anon_list), "field docs");
  add_field(rec, "own", ID(handle(false, r)), NULL);
  witc_id var = add_type("var", WITC_TD_VARIANT, WITC_OWNER_INTERFACE, i);
  add_field(var, "none", NONE, NULL);
  add_field(var, "some", ID(rec), NULL);
  witc_id fl = add_type("fl", WITC_TD_FLAGS, WITC_OWNER_INTERFACE, i);
  add_field(fl, "read", NONE, NULL);
  add_field(fl, "write", NONE, NULL);
  cr_assert_str_eq(print(pkg), "package a:t;\n"
                               "\n"
                               "interface types {\n"
                               "  resource r;\n"
                               "\n"
                               "  enum e {\n"
                               "    a,\n"
                               "  }\n"
                               "\n"
                               "  type own-r = own<r>;\n"
                               "\n"
                               "  type borrow-r = borrow<r>;\n"
                               "\n"
                               "  type alias-r = r;\n"
                               "\n"
                               "  type r0 = result;\n"
                               "\n"
                               "  type r1 = result<u32>;\n"
                               "\n"
                               "  type r2 = result<_, e>;\n"
                               "\n"
                               "  type r3 = result<u32, e>;\n"
                               "\n"
                               "  type o = option<char>;\n"
                               "\n"
                               "  type l = list<u8>;\n"
                               "\n"
                               "  type f0 = future;\n"
                               "\n"
                               "  type f1 = future<string>;\n"
                               "\n"
                               "  type s0 = stream;\n"
                               "\n"
                               "  type s1 = stream<error-context>;\n"
                               "\n"
                               "  type m = map<string, s64>;\n"
                               "\n"
                               "  type fx = list<f32, 4>;\n"
                               "\n"
                               "  record rec {\n"
                               "    /// field docs\n"
                               "    x: list<tuple<bool, borrow<r>>>,\n"
                               "    %own: r,\n"
                               "  }\n"
                               "\n"
                               "  variant var {\n"
                               "    none,\n"
                               "    some(rec),\n"
                               "  }\n"
                               "\n"
                               "  flags fl {\n"
                               "    read,\n"
                               "    write,\n"
                               "  }\n"
                               "}\n"
                               "\n");
}

/* Resource members: constructors (shorthand and fallible), methods without self, statics,
 * async; docs and gates inside the resource. */
Test(wit_print, resource_members) {
  witc_id pkg = add_package("a", "r", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id r = add_type("r", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, i);
  witc_id e = add_type("e", WITC_TD_ENUM, WITC_OWNER_INTERFACE, i);
  add_field(e, "bad", NONE, NULL);
  witc_id own = handle(false, r), bor = handle(true, r);
  witc_id fallible = anon(WITC_TD_RESULT);
  T(fallible)->u.result.ok = ID(own), T(fallible)->u.result.err = ID(e);
  add_func(i, func("first", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  witc_function *c = add_func(i, func("[constructor]r", WITC_FUNC_CONSTRUCTOR, r));
  add_param(c, "x", P(WITC_T_U32));
  c->result = ID(own);
  c->docs = S("makes one");
  witc_function *m = add_func(i, func("[method]r.get", WITC_FUNC_ASYNC_METHOD, r));
  add_param(m, "self", ID(bor));
  add_param(m, "key", P(WITC_T_STRING));
  m->result = P(WITC_T_U64);
  m->stability = GATE((witc_stability){.kind = WITC_STAB_UNSTABLE, .feature = S("fancy")});
  witc_function *s = add_func(i, func("[static]r.open", WITC_FUNC_STATIC, r));
  s->result = ID(fallible);
  add_func(i, func("[static]r.%type", WITC_FUNC_ASYNC_STATIC, r))->name = S("[static]r.type");
  witc_function *c2 = add_func(i, func("[constructor]r", WITC_FUNC_CONSTRUCTOR, r));
  c2->result = ID(fallible);
  add_func(i, func("last", WITC_FUNC_ASYNC_FREESTANDING, WITC_ID_NONE))->result = ID(own);
  cr_assert_str_eq(print(pkg), "package a:r;\n"
                               "\n"
                               "interface i {\n"
                               "  resource r {\n"
                               "    /// makes one\n"
                               "    constructor(x: u32);\n"
                               "    @unstable(feature = fancy)\n"
                               "    get: async func(key: string) -> u64;\n"
                               "    open: static func() -> result<r, e>;\n"
                               "    %type: static async func();\n"
                               "    constructor() -> result<r, e>;\n"
                               "  }\n"
                               "\n"
                               "  enum e {\n"
                               "    bad,\n"
                               "  }\n"
                               "\n"
                               "  first: func();\n"
                               "\n"
                               "  last: async func() -> r;\n"
                               "}\n"
                               "\n");
}

/* `use` statements: grouped per source interface and gate, renamed with `as`, qualified
 * across packages; then the definitions after a blank line. */
Test(wit_print, uses) {
  witc_id dep = add_package("wasi", "io", "0.2.0");
  witc_id streams = add_interface("streams", dep);
  witc_id is = add_type("input-stream", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, streams);
  witc_id os = add_type("output-stream", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, streams);
  witc_id pkg = add_package("my", "pkg", NULL);
  witc_id a = add_interface("a", pkg);
  witc_id t = add_type("t", WITC_TD_TYPE, WITC_OWNER_INTERFACE, a);
  T(t)->u.type = P(WITC_T_U32);
  witc_id b = add_interface("b", pkg);
  witc_id u1 = add_type("input-stream", WITC_TD_TYPE, WITC_OWNER_INTERFACE, b);
  T(u1)->u.type = ID(is);
  witc_id u2 = add_type("out", WITC_TD_TYPE, WITC_OWNER_INTERFACE, b);
  T(u2)->u.type = ID(os);
  witc_id u3 = add_type("t", WITC_TD_TYPE, WITC_OWNER_INTERFACE, b);
  T(u3)->u.type = ID(t);
  witc_id u4 = add_type("t2", WITC_TD_TYPE, WITC_OWNER_INTERFACE, b);
  T(u4)->u.type = ID(t);
  T(u4)->stability =
      GATE((witc_stability){.kind = WITC_STAB_STABLE, .since = {.text = S("1.0.0")}});
  witc_id local = add_type("local", WITC_TD_TYPE, WITC_OWNER_INTERFACE, b);
  T(local)->u.type = ID(u3); /* an alias of a type of the same interface: declared */
  cr_assert_str_eq(print(pkg), "package my:pkg;\n"
                               "\n"
                               "interface a {\n"
                               "  type t = u32;\n"
                               "}\n"
                               "\n"
                               "interface b {\n"
                               "  use wasi:io/streams@0.2.0.{input-stream, output-stream as out};\n"
                               "  use a.{t};\n"
                               "  @since(version = 1.0.0)\n"
                               "  use a.{t as t2};\n"
                               "\n"
                               "  type local = t;\n"
                               "}\n"
                               "\n");
}

/* World layout: interface imports, types, function imports, a blank line, exports. */
Test(wit_print, world_layout) {
  witc_id pkg = add_package("a", "w", "1.0.0");
  witc_id i = add_interface("i", pkg);
  witc_id t = add_type("t", WITC_TD_TYPE, WITC_OWNER_INTERFACE, i);
  T(t)->u.type = P(WITC_T_U32);
  R.interfaces.items[i].docs = S("i docs");
  witc_id inl = add_interface(NULL, pkg);
  R.interfaces.items[inl].docs = S("inline docs");
  add_func(inl, func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_func(inl, func("g", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  witc_id empty_inl = add_interface(NULL, pkg);
  witc_id w = add_world("w", pkg);
  R.worlds.items[w].docs = S("the world");
  witc_world_entry ie = iface_entry(i, NULL);
  ie.item.docs = S("statement docs");
  world_push(w, true, ie);
  world_push(w, true, iface_entry(inl, "inl"));
  witc_id ut = add_type("t", WITC_TD_TYPE, WITC_OWNER_WORLD, w);
  T(ut)->u.type = ID(t);
  witc_id rec = add_type("rec", WITC_TD_RECORD, WITC_OWNER_WORLD, w);
  add_field(rec, "x", ID(ut), NULL);
  witc_id r = add_type("r", WITC_TD_RESOURCE, WITC_OWNER_WORLD, w);
  witc_id own = handle(false, r);
  witc_function g = func("g", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  g.result = ID(rec);
  g.docs = S("g docs");
  world_push(w, true, func_entry(g));
  witc_function ctor = func("[constructor]r", WITC_FUNC_CONSTRUCTOR, r);
  add_param(&ctor, "a", P(WITC_T_U32));
  ctor.result = ID(own);
  world_push(w, true, func_entry(ctor));
  world_push(w, false, func_entry(func("run", WITC_FUNC_FREESTANDING, WITC_ID_NONE)));
  witc_world_entry ee = iface_entry(i, NULL);
  ee.item.stability = GATE((witc_stability){.kind = WITC_STAB_UNSTABLE, .feature = S("x")});
  world_push(w, false, ee);
  world_push(w, false, iface_entry(empty_inl, "nothing"));
  add_world("second", pkg);
  cr_assert_str_eq(print(pkg), "package a:w@1.0.0;\n"
                               "\n"
                               "/// i docs\n"
                               "interface i {\n"
                               "  type t = u32;\n"
                               "}\n"
                               "\n"
                               "/// the world\n"
                               "world w {\n"
                               "  /// statement docs\n"
                               "  import i;\n"
                               "  /// inline docs\n"
                               "  import inl: interface {\n"
                               "    f: func();\n"
                               "\n"
                               "    g: func();\n"
                               "  }\n"
                               "  use i.{t};\n"
                               "\n"
                               "  record rec {\n"
                               "    x: t,\n"
                               "  }\n"
                               "\n"
                               "  resource r {\n"
                               "    constructor(a: u32);\n"
                               "  }\n"
                               "  /// g docs\n"
                               "  import g: func() -> rec;\n"
                               "\n"
                               "  export run: func();\n"
                               "  @unstable(feature = x)\n"
                               "  export i;\n"
                               "  export nothing: interface {\n"
                               "  }\n"
                               "}\n"
                               "world second {\n"
                               "}\n");
}

/* Package docs, gates on interfaces, doc lines (empty, indented, CRLF), `%` escapes, and
 * nested packages: none of the root's blank lines, two empty lines between them. */
Test(wit_print, nested_packages_docs_gates) {
  witc_id pkg = add_package("foo", "type", NULL);
  R.packages.items[pkg].docs = S("pkg docs");
  witc_id i = add_interface("interface", pkg);
  R.interfaces.items[i].docs = S("iface docs\r\n\n  indented");
  R.interfaces.items[i].stability =
      GATE((witc_stability){.kind = WITC_STAB_STABLE,
                            .since = {.text = S("1.0.0")},
                            .has_deprecated = true,
                            .deprecated = {.text = S("1.1.0-pre")}});
  witc_id e = add_type("enum", WITC_TD_ENUM, WITC_OWNER_INTERFACE, i);
  add_field(e, "list", NONE, "case docs");
  add_field(e, "map", NONE, NULL);
  add_field(e, "float32", NONE, NULL);
  add_field(e, "with-dash", NONE, NULL);
  T(e)->stability = GATE((witc_stability){.kind = WITC_STAB_UNSTABLE,
                                          .feature = S("x"),
                                          .has_deprecated = true,
                                          .deprecated = {.text = S("2.0.0")}});
  add_world("w", pkg);
  witc_id n1 = add_package("x", "y", "1.0.0");
  witc_id ni = add_interface("n", n1);
  (void)ni;
  add_world("nw", n1);
  witc_id n2 = add_package("x", "z", NULL);
  witc_id list[] = {n1, n2};
  cr_assert_str_eq(print_opts(pkg, list, 2, NULL), "/// pkg docs\n"
                                                   "package foo:%type;\n"
                                                   "\n"
                                                   "/// iface docs\n"
                                                   "///\n"
                                                   "///   indented\n"
                                                   "@since(version = 1.0.0)\n"
                                                   "@deprecated(version = 1.1.0-pre)\n"
                                                   "interface %interface {\n"
                                                   "  @unstable(feature = x)\n"
                                                   "  @deprecated(version = 2.0.0)\n"
                                                   "  enum %enum {\n"
                                                   "    /// case docs\n"
                                                   "    %list,\n"
                                                   "    %map,\n"
                                                   "    %float32,\n"
                                                   "    with-dash,\n"
                                                   "  }\n"
                                                   "}\n"
                                                   "\n"
                                                   "world w {\n"
                                                   "}\n"
                                                   "package x:y@1.0.0 {\n"
                                                   "  interface n {\n"
                                                   "  }\n"
                                                   "  world nw {\n"
                                                   "  }\n"
                                                   "}\n"
                                                   "\n"
                                                   "\n"
                                                   "package x:z {\n"
                                                   "}\n");
  witc_wit_print_opts o = {.no_docs = true};
  char *nodocs = print_opts(pkg, NULL, 0, &o);
  cr_assert(!strstr(nodocs, "///"), "%s", nodocs);
}

/* External ids: after the gates, with the printer's escapes. */
Test(wit_print, external_id) {
  witc_id pkg = add_package("a", "e", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id t = add_type("t", WITC_TD_TYPE, WITC_OWNER_INTERFACE, i);
  T(t)->u.type = P(WITC_T_U8);
  T(t)->external_id = S("a\"b\\c\n\t\xc3\xa9 x.y/z:0-9_A");
  T(t)->stability = GATE((witc_stability){.kind = WITC_STAB_UNSTABLE, .feature = S("f")});
  cr_assert_str_eq(print(pkg), "package a:e;\n"
                               "\n"
                               "interface i {\n"
                               "  @unstable(feature = f)\n"
                               "  @external-id(\"a\\\"b\\\\c\\n\\t\\u{e9} x.y/z:0-9_A\")\n"
                               "  type t = u8;\n"
                               "}\n"
                               "\n");
}

static bool keep_b(void *user, bool is_world, witc_id id) {
  (void)user;
  return is_world ? id == 0 : id == 1;
}

/* The per-file layout: a filter over the root's items, no header. */
Test(wit_print, filtered_without_header) {
  witc_id pkg = add_package("a", "f", NULL);
  add_interface("a", pkg);
  add_interface("b", pkg);
  add_world("w", pkg);
  add_world("v", pkg);
  witc_wit_print_opts o = {.no_header = true, .keep = keep_b};
  cr_assert_str_eq(print_opts(pkg, NULL, 0, &o), "interface b {\n}\n\nworld w {\n}\n");
  witc_wit_print_opts o2 = {.no_package_docs = true};
  R.packages.items[pkg].docs = S("gone");
  cr_assert(!strstr(print_opts(pkg, NULL, 0, &o2), "gone"));
}

/* Anonymous records cannot be spelled in WIT: the printer says so instead of guessing. */
Test(wit_print, unprintable_model) {
  witc_id pkg = add_package("a", "u", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id rec = anon(WITC_TD_RECORD);
  add_param(add_func(i, func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE)), "x", ID(rec));
  witc_buf b;
  witc_buf_init(&b);
  cr_assert(!witc_wit_print(&R, pkg, NULL, 0, NULL, &b));
  witc_buf_delete(&b);
}

Test(wit_print, keywords) {
  cr_assert(witc_wit_is_keyword(S("interface")));
  cr_assert(witc_wit_is_keyword(S("error-context")));
  cr_assert(witc_wit_is_keyword(S("float64")));
  cr_assert(!witc_wit_is_keyword(S("types")));
  cr_assert(!witc_wit_is_keyword(S("error-contexts")));
  cr_assert(!witc_wit_is_keyword(WITC_STR_NONE));
}

/* ---- package order (witc_wit_print_order) ----------------------------------------------- */

/* The order resolving the printed text gives: depth-first from each package in name order,
 * dependencies (first reference first) before their user; only printed references count. */
Test(wit_print, order_follows_printed_references) {
  witc_id top = add_package("a", "a-top", NULL); /* first in name order */
  witc_id mid = add_package("a", "c-mid", NULL);
  witc_id other = add_package("a", "b-other", NULL);
  witc_id w = add_world("w", top);
  witc_id mi = add_interface("m", mid);
  witc_id oi = add_interface("o", other);
  witc_id ot = add_type("t", WITC_TD_ENUM, WITC_OWNER_INTERFACE, oi);
  add_field(ot, "x", NONE, NULL);

  /* No printed reference (an `include` of an empty world, a gated-off import: gone): name
   * order, whatever the arena said. */
  witc_id nested[2] = {mid, other};
  cr_assert(witc_wit_print_order(&R, top, nested, 2, NULL, 0));
  cr_assert_eq(nested[0], other);
  cr_assert_eq(nested[1], mid);

  /* `import a:c-mid/m;` in a:a-top's world: a:c-mid comes first. */
  world_push(w, true, iface_entry(mi, NULL));
  cr_assert(witc_wit_print_order(&R, top, nested, 2, NULL, 0));
  cr_assert_eq(nested[0], mid);
  cr_assert_eq(nested[1], other);

  /* A top-level `use a:b-other/o` before the world in the root's text (per-file layout):
   * a:b-other is referenced first. */
  witc_wit_item items[] = {{WITC_WIT_ITEM_PACKAGE, other}, {WITC_WIT_ITEM_WORLD, w}};
  cr_assert(witc_wit_print_order(&R, top, nested, 2, items, 2));
  cr_assert_eq(nested[0], other);
  cr_assert_eq(nested[1], mid);

  /* A world's `use` paths count before its imports: a world type used from a:b-other/o. */
  witc_id alias = add_type("t", WITC_TD_TYPE, WITC_OWNER_WORLD, w);
  T(alias)->u.type = ID(ot);
  cr_assert(witc_wit_print_order(&R, top, nested, 2, NULL, 0));
  cr_assert_eq(nested[0], other);
  cr_assert_eq(nested[1], mid);
}

/* A dependency between two nested packages orders them, through an interface's `use`. */
Test(wit_print, order_nested_dependency) {
  witc_id top = add_package("a", "top", NULL);
  witc_id x = add_package("a", "x", NULL);
  witc_id y = add_package("a", "y", NULL);
  witc_id xi = add_interface("xi", x);
  witc_id yi = add_interface("yi", y);
  witc_id yt = add_type("t", WITC_TD_ENUM, WITC_OWNER_INTERFACE, yi);
  add_field(yt, "v", NONE, NULL);
  witc_id use = add_type("t", WITC_TD_TYPE, WITC_OWNER_INTERFACE, xi);
  T(use)->u.type = ID(yt);
  witc_id nested[2] = {x, y};
  cr_assert(witc_wit_print_order(&R, top, nested, 2, NULL, 0));
  cr_assert_eq(nested[0], y);
  cr_assert_eq(nested[1], x);
}

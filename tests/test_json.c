/* test_json.c: the JSON back end on models built by hand (docs/resolve-json.md). The
 * corpus comparison (tests/json_corpus.sh) checks it on real resolver output. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../codegen/json.h"

static witc_arena arena;
static witc_source_map sources;
static witc_resolve R;

static void setup(void) {
  witc_arena_init(&arena);
  witc_source_map_init(&sources, &arena);
  witc_resolve_init(&R, &arena, &sources);
}

static void teardown(void) {
  witc_source_map_delete(&sources);
  witc_arena_delete(&arena);
}

TestSuite(json, .init = setup, .fini = teardown);

/* ---- model builders ------------------------------------------------------------------- */

static witc_str S(const char *s) { return witc_str_c(s); }
static witc_type ID(witc_id id) { return witc_type_id(id); }
static witc_type P(witc_type_tag t) { return witc_type_prim(t); }

static witc_id add_package(const char *ns, const char *name, const char *version) {
  witc_package p = {0};
  p.name.ns = S(ns);
  p.name.name = S(name);
  if (version) {
    p.name.has_version = true;
    p.name.version.text = S(version);
  }
  p.span = WITC_SPAN_NONE;
  witc_vec_push(&arena, &R.packages, p);
  return R.packages.len - 1;
}

static witc_id add_interface(const char *name, witc_id pkg) {
  witc_interface in = {0};
  in.name = name ? S(name) : WITC_STR_NONE;
  in.package = pkg;
  in.clone_of = WITC_ID_NONE;
  witc_vec_push(&arena, &R.interfaces, in);
  witc_id id = R.interfaces.len - 1;
  if (name) witc_vec_push(&arena, &R.packages.items[pkg].interfaces, ((witc_named_id){S(name), id}));
  return id;
}

static witc_id add_world(const char *name, witc_id pkg) {
  witc_world w = {0};
  w.name = S(name);
  w.package = pkg;
  witc_vec_push(&arena, &R.worlds, w);
  witc_id id = R.worlds.len - 1;
  witc_vec_push(&arena, &R.packages.items[pkg].worlds, ((witc_named_id){S(name), id}));
  return id;
}

static witc_id add_type(const char *name, witc_typedef_kind kind, witc_owner_kind ok,
                        witc_id owner) {
  witc_typedef td = {0};
  td.name = name ? S(name) : WITC_STR_NONE;
  td.kind = kind;
  td.owner = (witc_owner){ok, owner};
  witc_vec_push(&arena, &R.types, td);
  witc_id id = R.types.len - 1;
  if (name && ok == WITC_OWNER_INTERFACE)
    witc_vec_push(&arena, &R.interfaces.items[owner].types, ((witc_named_id){S(name), id}));
  return id;
}

static witc_typedef *T(witc_id id) { return &R.types.items[id]; }

static witc_function *add_func(witc_id iface, const char *name, witc_func_kind kind,
                               witc_id resource) {
  witc_function f = {0};
  f.name = S(name);
  f.kind = kind;
  f.resource = resource;
  witc_vec_push(&arena, &R.interfaces.items[iface].functions, f);
  return &R.interfaces.items[iface].functions.items[R.interfaces.items[iface].functions.len - 1];
}

static void add_param(witc_function *f, const char *name, witc_type t) {
  witc_vec_push(&arena, &f->params, ((witc_param){S(name), t, WITC_SPAN_NONE}));
}

static void add_field(witc_id type, const char *name, witc_type t, const char *docs) {
  witc_field f = {S(name), t, docs ? S(docs) : WITC_STR_NONE, WITC_SPAN_NONE};
  witc_vec_push(&arena, &T(type)->u.fields, f);
}

static char *render(void) {
  witc_buf b;
  witc_buf_init(&b);
  witc_json_write(&R, &b);
  cr_assert(!b.error);
  char *s = witc_arena_strndup(&arena, b.data ? b.data : "", b.len);
  witc_buf_delete(&b);
  return s;
}

static char *render_string(const char *s, size_t len) {
  witc_buf b;
  witc_buf_init(&b);
  witc_json_string(&b, (witc_str){s, (uint32_t)len});
  char *r = witc_arena_strndup(&arena, b.data, b.len);
  witc_buf_delete(&b);
  return r;
}

/* ---- tests ---------------------------------------------------------------------------- */

Test(json, empty_graph) {
  cr_assert_str_eq(render(), "{\n  \"worlds\": [],\n  \"interfaces\": [],\n  \"types\": [],\n"
                             "  \"packages\": []\n}");
}

Test(json, string_escapes) {
  const char in[] = "a\"b\\c/\n\t\r\b\f\x01\x1f\x7f\xc3\xa9";
  cr_assert_str_eq(render_string(in, sizeof in - 1),
                   "\"a\\\"b\\\\c/\\n\\t\\r\\b\\f\\u0001\\u001f\x7f\xc3\xa9\"");
  cr_assert_str_eq(render_string(NULL, 0), "null");
  cr_assert_str_eq(render_string("", 0), "\"\"");
}

/* resources1.wit of the corpus (resolve-json.md §4), byte for byte. */
Test(json, resources1) {
  witc_id pkg = add_package("foo", "resources1", NULL);
  witc_id i = add_interface("resources1", pkg);
  witc_id r1 = add_type("r1", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, i);
  witc_id b = add_type(NULL, WITC_TD_HANDLE, WITC_OWNER_NONE, 0);
  T(b)->u.handle.borrow = true, T(b)->u.handle.resource = r1;
  witc_id o = add_type(NULL, WITC_TD_HANDLE, WITC_OWNER_NONE, 0);
  T(o)->u.handle.resource = r1;
  add_param(add_func(i, "t1", WITC_FUNC_FREESTANDING, WITC_ID_NONE), "a", ID(b));
  add_param(add_func(i, "t2", WITC_FUNC_FREESTANDING, WITC_ID_NONE), "a", ID(o));
  add_param(add_func(i, "t3", WITC_FUNC_FREESTANDING, WITC_ID_NONE), "a", ID(o));
  add_param(add_func(i, "[method]r1.f1", WITC_FUNC_METHOD, r1), "self", ID(b));
  const char *want =
      "{\n"
      "  \"worlds\": [],\n"
      "  \"interfaces\": [\n"
      "    {\n"
      "      \"name\": \"resources1\",\n"
      "      \"types\": {\n"
      "        \"r1\": 0\n"
      "      },\n"
      "      \"functions\": {\n"
      "        \"t1\": {\n"
      "          \"name\": \"t1\",\n"
      "          \"kind\": \"freestanding\",\n"
      "          \"params\": [\n"
      "            {\n"
      "              \"name\": \"a\",\n"
      "              \"type\": 1\n"
      "            }\n"
      "          ]\n"
      "        },\n"
      "        \"t2\": {\n"
      "          \"name\": \"t2\",\n"
      "          \"kind\": \"freestanding\",\n"
      "          \"params\": [\n"
      "            {\n"
      "              \"name\": \"a\",\n"
      "              \"type\": 2\n"
      "            }\n"
      "          ]\n"
      "        },\n"
      "        \"t3\": {\n"
      "          \"name\": \"t3\",\n"
      "          \"kind\": \"freestanding\",\n"
      "          \"params\": [\n"
      "            {\n"
      "              \"name\": \"a\",\n"
      "              \"type\": 2\n"
      "            }\n"
      "          ]\n"
      "        },\n"
      "        \"[method]r1.f1\": {\n"
      "          \"name\": \"[method]r1.f1\",\n"
      "          \"kind\": {\n"
      "            \"method\": 0\n"
      "          },\n"
      "          \"params\": [\n"
      "            {\n"
      "              \"name\": \"self\",\n"
      "              \"type\": 1\n"
      "            }\n"
      "          ]\n"
      "        }\n"
      "      },\n"
      "      \"package\": 0\n"
      "    }\n"
      "  ],\n"
      "  \"types\": [\n"
      "    {\n"
      "      \"name\": \"r1\",\n"
      "      \"kind\": \"resource\",\n"
      "      \"owner\": {\n"
      "        \"interface\": 0\n"
      "      }\n"
      "    },\n"
      "    {\n"
      "      \"name\": null,\n"
      "      \"kind\": {\n"
      "        \"handle\": {\n"
      "          \"borrow\": 0\n"
      "        }\n"
      "      },\n"
      "      \"owner\": null\n"
      "    },\n"
      "    {\n"
      "      \"name\": null,\n"
      "      \"kind\": {\n"
      "        \"handle\": {\n"
      "          \"own\": 0\n"
      "        }\n"
      "      },\n"
      "      \"owner\": null\n"
      "    }\n"
      "  ],\n"
      "  \"packages\": [\n"
      "    {\n"
      "      \"name\": \"foo:resources1\",\n"
      "      \"interfaces\": {\n"
      "        \"resources1\": 0\n"
      "      },\n"
      "      \"worlds\": {}\n"
      "    }\n"
      "  ]\n"
      "}";
  cr_assert_str_eq(render(), want);
}

/* Every kind of type definition, the owner forms, docs and stability. */
Test(json, type_kinds) {
  witc_id pkg = add_package("a", "b", "1.0.0-rc.1");
  witc_id i = add_interface("i", pkg);
  witc_id w = add_world("w", pkg);
  witc_id rec = add_type("rec", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  add_field(rec, "x", P(WITC_T_U32), "the x");
  T(rec)->docs = S("a record\n\n  indented");
  witc_id var = add_type("var", WITC_TD_VARIANT, WITC_OWNER_INTERFACE, i);
  add_field(var, "none", witc_type_none(), NULL);
  add_field(var, "some", P(WITC_T_STRING), NULL);
  witc_id en = add_type("en", WITC_TD_ENUM, WITC_OWNER_INTERFACE, i);
  add_field(en, "a", witc_type_none(), "doc");
  witc_id fl = add_type("fl", WITC_TD_FLAGS, WITC_OWNER_WORLD, w);
  T(fl)->stability = (witc_stability){.kind = WITC_STAB_UNSTABLE, .feature = S("active")};
  witc_id tup = add_type(NULL, WITC_TD_TUPLE, WITC_OWNER_NONE, 0);
  witc_vec_push(&arena, &T(tup)->u.tuple, P(WITC_T_ERROR_CONTEXT));
  witc_vec_push(&arena, &T(tup)->u.tuple, ID(rec));
  witc_id opt = add_type(NULL, WITC_TD_OPTION, WITC_OWNER_NONE, 0);
  T(opt)->u.type = P(WITC_T_F64);
  witc_id res = add_type(NULL, WITC_TD_RESULT, WITC_OWNER_NONE, 0);
  T(res)->u.result.ok = witc_type_none(), T(res)->u.result.err = ID(en);
  witc_id fix = add_type(NULL, WITC_TD_FIXED_LIST, WITC_OWNER_NONE, 0);
  T(fix)->u.fixed.elem = P(WITC_T_U8), T(fix)->u.fixed.size = 4;
  witc_id fut = add_type(NULL, WITC_TD_FUTURE, WITC_OWNER_NONE, 0);
  T(fut)->u.type = witc_type_none();
  witc_id al = add_type("al", WITC_TD_TYPE, WITC_OWNER_INTERFACE, i);
  T(al)->u.type = ID(fix);
  T(al)->stability = (witc_stability){.kind = WITC_STAB_STABLE,
                                      .since = {.text = S("1.0.0")},
                                      .has_deprecated = true,
                                      .deprecated = {.text = S("2.0.0")}};
  witc_id map = add_type(NULL, WITC_TD_MAP, WITC_OWNER_NONE, 0);
  T(map)->u.map.key = P(WITC_T_STRING), T(map)->u.map.value = ID(opt);
  T(map)->external_id = S("ext");
  (void)tup, (void)res, (void)fut;
  char *got = render();
  const char *parts[] = {
      "      \"name\": \"rec\",\n"
      "      \"kind\": {\n"
      "        \"record\": {\n"
      "          \"fields\": [\n"
      "            {\n"
      "              \"name\": \"x\",\n"
      "              \"type\": \"u32\",\n"
      "              \"docs\": {\n"
      "                \"contents\": \"the x\"\n"
      "              }\n"
      "            }\n"
      "          ]\n"
      "        }\n"
      "      },\n"
      "      \"owner\": {\n"
      "        \"interface\": 0\n"
      "      },\n"
      "      \"docs\": {\n"
      "        \"contents\": \"a record\\n\\n  indented\"\n"
      "      }\n",
      "          \"cases\": [\n"
      "            {\n"
      "              \"name\": \"none\",\n"
      "              \"type\": null\n"
      "            },\n"
      "            {\n"
      "              \"name\": \"some\",\n"
      "              \"type\": \"string\"\n"
      "            }\n",
      "        \"enum\": {\n"
      "          \"cases\": [\n"
      "            {\n"
      "              \"name\": \"a\",\n"
      "              \"docs\": {\n",
      "        \"flags\": {\n"
      "          \"flags\": []\n"
      "        }\n"
      "      },\n"
      "      \"owner\": {\n"
      "        \"world\": 0\n"
      "      },\n"
      "      \"stability\": {\n"
      "        \"unstable\": {\n"
      "          \"feature\": \"active\"\n"
      "        }\n"
      "      }\n",
      "        \"tuple\": {\n"
      "          \"types\": [\n"
      "            \"error-context\",\n"
      "            0\n"
      "          ]\n",
      "      \"kind\": {\n        \"option\": \"f64\"\n      },\n",
      "        \"result\": {\n          \"ok\": null,\n          \"err\": 2\n        }\n",
      "        \"fixed-length-list\": [\n          \"u8\",\n          4\n        ]\n",
      "      \"kind\": {\n        \"future\": null\n      },\n",
      "      \"kind\": {\n        \"type\": 7\n      },\n",
      "      \"stability\": {\n"
      "        \"stable\": {\n"
      "          \"since\": \"1.0.0\",\n"
      "          \"deprecated\": \"2.0.0\"\n"
      "        }\n"
      "      }\n",
      "        \"map\": [\n          \"string\",\n          5\n        ]\n"
      "      },\n"
      "      \"owner\": null,\n"
      "      \"external_id\": \"ext\"\n",
      "      \"name\": \"a:b@1.0.0-rc.1\",\n"
      "      \"interfaces\": {\n"
      "        \"i\": 0\n"
      "      },\n"
      "      \"worlds\": {\n"
      "        \"w\": 0\n"
      "      }\n",
  };
  for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
    cr_assert(strstr(got, parts[k]), "missing part %zu:\n%s\nin:\n%s", k, parts[k], got);
}

/* World keys ("interface-N" or names), the three item forms, function kinds, results. */
Test(json, world_items) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id inl = add_interface(NULL, pkg);
  witc_id w = add_world("w", pkg);
  witc_id r = add_type("r", WITC_TD_RESOURCE, WITC_OWNER_WORLD, w);
  witc_world *wd = &R.worlds.items[w];
  wd->docs = S("world docs");
  witc_world_entry e = {0};
  e.key = (witc_world_key){true, WITC_STR_NONE, i};
  e.item.kind = WITC_WI_INTERFACE;
  e.item.id = i;
  e.item.stability = (witc_stability){.kind = WITC_STAB_STABLE, .since = {.text = S("0.1.0")}};
  witc_vec_push(&arena, &wd->imports, e);
  memset(&e, 0, sizeof e);
  e.key = (witc_world_key){false, S("r"), WITC_ID_NONE};
  e.item.kind = WITC_WI_TYPE;
  e.item.id = r;
  witc_vec_push(&arena, &wd->imports, e);
  memset(&e, 0, sizeof e);
  e.key = (witc_world_key){false, S("[static]r.make"), WITC_ID_NONE};
  e.item.kind = WITC_WI_FUNCTION;
  e.item.func.name = S("[static]r.make");
  e.item.func.kind = WITC_FUNC_ASYNC_STATIC;
  e.item.func.resource = r;
  e.item.func.result = P(WITC_T_BOOL);
  witc_vec_push(&arena, &wd->imports, e);
  memset(&e, 0, sizeof e);
  e.key = (witc_world_key){false, S("inline"), WITC_ID_NONE};
  e.item.kind = WITC_WI_INTERFACE;
  e.item.id = inl;
  e.item.docs = S("stmt");
  witc_vec_push(&arena, &wd->exports, e);
  memset(&e, 0, sizeof e);
  e.key = (witc_world_key){false, S("run"), WITC_ID_NONE};
  e.item.kind = WITC_WI_FUNCTION;
  e.item.func.name = S("run");
  e.item.func.kind = WITC_FUNC_ASYNC_FREESTANDING;
  witc_vec_push(&arena, &wd->exports, e);
  R.interfaces.items[i].clone_of = 1;
  const char *want =
      "  \"worlds\": [\n"
      "    {\n"
      "      \"name\": \"w\",\n"
      "      \"imports\": {\n"
      "        \"interface-0\": {\n"
      "          \"interface\": {\n"
      "            \"id\": 0,\n"
      "            \"stability\": {\n"
      "              \"stable\": {\n"
      "                \"since\": \"0.1.0\"\n"
      "              }\n"
      "            }\n"
      "          }\n"
      "        },\n"
      "        \"r\": {\n"
      "          \"type\": 0\n"
      "        },\n"
      "        \"[static]r.make\": {\n"
      "          \"function\": {\n"
      "            \"name\": \"[static]r.make\",\n"
      "            \"kind\": {\n"
      "              \"async-static\": 0\n"
      "            },\n"
      "            \"params\": [],\n"
      "            \"result\": \"bool\"\n"
      "          }\n"
      "        }\n"
      "      },\n"
      "      \"exports\": {\n"
      "        \"inline\": {\n"
      "          \"interface\": {\n"
      "            \"id\": 1,\n"
      "            \"docs\": {\n"
      "              \"contents\": \"stmt\"\n"
      "            }\n"
      "          }\n"
      "        },\n"
      "        \"run\": {\n"
      "          \"function\": {\n"
      "            \"name\": \"run\",\n"
      "            \"kind\": \"async-freestanding\",\n"
      "            \"params\": []\n"
      "          }\n"
      "        }\n"
      "      },\n"
      "      \"package\": 0,\n"
      "      \"docs\": {\n"
      "        \"contents\": \"world docs\"\n"
      "      }\n"
      "    }\n"
      "  ],\n"
      "  \"interfaces\": [\n"
      "    {\n"
      "      \"name\": \"i\",\n"
      "      \"types\": {},\n"
      "      \"functions\": {},\n"
      "      \"package\": 0,\n"
      "      \"clone_of\": 1\n"
      "    },\n"
      "    {\n"
      "      \"name\": null,\n";
  char *got = render();
  cr_assert(strstr(got, want), "got:\n%s", got);
}

/* Allocation failures are sticky in the buffer, never a crash. */
static int fail_after;
static void *failing_realloc(void *ptr, size_t size, void *user) {
  (void)user;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (fail_after-- <= 0) return NULL;
  return realloc(ptr, size);
}

Test(json, oom_is_sticky) {
  witc_id pkg = add_package("a", "b", NULL);
  add_interface("i", pkg);
  witc_buf b;
  witc_buf_init(&b);
  fail_after = 0;
  witc_mem_set_hook(failing_realloc, NULL);
  witc_json_write(&R, &b);
  witc_mem_set_hook(NULL, NULL);
  cr_assert(b.error);
  witc_buf_delete(&b);
}

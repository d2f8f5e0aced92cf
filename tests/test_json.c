/* test_json.c: the JSON back end on models built by hand (docs/resolve-json.md). The
 * corpus comparison (tests/json_corpus.sh) checks it on real resolver output. */
#include <stdlib.h>

#include "../codegen/json.h"
#include "model_fixtures.h"

TestSuite(json, .init = model_setup, .fini = model_teardown);

static char *render(void) {
  witc_buf b;
  witc_buf_init(&b);
  witc_json_write(&R, &b);
  return buf_take(&b);
}

static char *render_string(const char *s, size_t len) {
  witc_buf b;
  witc_buf_init(&b);
  witc_json_string(&b, (witc_str){s, (uint32_t)len});
  return buf_take(&b);
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
  model_resources1();
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
  add_field(var, "none", NONE, NULL);
  add_field(var, "some", P(WITC_T_STRING), NULL);
  witc_id en = add_type("en", WITC_TD_ENUM, WITC_OWNER_INTERFACE, i);
  add_field(en, "a", NONE, "doc");
  witc_id fl = add_type("fl", WITC_TD_FLAGS, WITC_OWNER_WORLD, w);
  T(fl)->stability = GATE((witc_stability){.kind = WITC_STAB_UNSTABLE, .feature = S("active")});
  witc_id tup = anon(WITC_TD_TUPLE);
  witc_vec_push(&arena, &T(tup)->u.tuple, P(WITC_T_ERROR_CONTEXT));
  witc_vec_push(&arena, &T(tup)->u.tuple, ID(rec));
  witc_id opt = anon(WITC_TD_OPTION);
  T(opt)->u.type = P(WITC_T_F64);
  witc_id res = anon(WITC_TD_RESULT);
  T(res)->u.result.ok = NONE, T(res)->u.result.err = ID(en);
  witc_id fix = anon(WITC_TD_FIXED_LIST);
  T(fix)->u.fixed.elem = P(WITC_T_U8), T(fix)->u.fixed.size = 4;
  witc_id fut = anon(WITC_TD_FUTURE);
  T(fut)->u.type = NONE;
  witc_id al = add_type("al", WITC_TD_TYPE, WITC_OWNER_INTERFACE, i);
  T(al)->u.type = ID(fix);
  T(al)->stability = GATE((witc_stability){.kind = WITC_STAB_STABLE,
                                           .since = {.text = S("1.0.0")},
                                           .has_deprecated = true,
                                           .deprecated = {.text = S("2.0.0")}});
  witc_id map = anon(WITC_TD_MAP);
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
  R.worlds.items[w].docs = S("world docs");
  witc_world_entry e = iface_entry(i, NULL);
  e.item.stability =
      GATE((witc_stability){.kind = WITC_STAB_STABLE, .since = {.text = S("0.1.0")}});
  world_push(w, true, e);
  witc_id r = add_type("r", WITC_TD_RESOURCE, WITC_OWNER_WORLD, w);
  witc_function make = func("[static]r.make", WITC_FUNC_ASYNC_STATIC, r);
  make.result = P(WITC_T_BOOL);
  world_push(w, true, func_entry(make));
  e = iface_entry(inl, "inline");
  e.item.docs = S("stmt");
  world_push(w, false, e);
  world_push(w, false, func_entry(func("run", WITC_FUNC_ASYNC_FREESTANDING, WITC_ID_NONE)));
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

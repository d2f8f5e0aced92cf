/* test_resolve.c: cross-package resolution (parser/resolve.c, elaborate.c, fs.c): package
 * order and dependency errors, feature gates, implicit own<T> handles, include and world
 * elaboration, select_world, and loading directories with deps/. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve.h"
#include "source.h"

static witc_arena arena;
static witc_source_map map;
static witc_diags diags;
static witc_resolve res;
static char tmpdir[64];

static void setup(void) {
  witc_arena_init(&arena);
  witc_source_map_init(&map, &arena);
  witc_diags_init(&diags, &arena);
  witc_resolve_init(&res, &arena, &map);
  witc_resolve_enable_feature(&res, witc_str_c("active"));
  tmpdir[0] = 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(p);
}

static void teardown(void) {
  witc_source_map_delete(&map);
  witc_arena_delete(&arena);
  if (tmpdir[0]) nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(packages, .init = setup, .fini = teardown);
TestSuite(gates, .init = setup, .fini = teardown);
TestSuite(handles, .init = setup, .fini = teardown);
TestSuite(worlds, .init = setup, .fini = teardown);
TestSuite(select, .init = setup, .fini = teardown);
TestSuite(files, .init = setup, .fini = teardown);
TestSuite(scale, .init = setup, .fini = teardown, .timeout = 60);

/* ---- helpers ------------------------------------------------------------------------- */

static witc_id push(const char *text) {
  return witc_resolve_push_str(&res, "test.wit", text, strlen(text), &diags);
}

/* The first error as "<context><message>". */
static const char *err(void) {
  if (!diags.items.len) return "(no error)";
  const witc_diag *d = &diags.items.items[0];
  return witc_arena_printf(&arena, "%s%s", d->context ? d->context : "", d->message);
}

static const char *pkg_str(witc_id id) {
  return witc_package_name_str(&arena, &res.packages.items[id].name);
}

/* Package names in arena order, comma-separated. */
static const char *pkg_order(void) {
  witc_buf b;
  witc_buf_init(&b);
  for (uint32_t i = 0; i < res.packages.len; i++) {
    if (i) witc_buf_putc(&b, ',');
    witc_package_name_format(&res.packages.items[i].name, &b);
  }
  const char *s = witc_arena_strndup(&arena, b.data ? b.data : "", b.len);
  witc_buf_delete(&b);
  return s;
}

static witc_id world_named(const char *name) {
  for (uint32_t i = 0; i < res.worlds.len; i++)
    if (witc_str_eq_c(res.worlds.items[i].name, name)) return i;
  return WITC_ID_NONE;
}

static witc_id iface_named(const char *name) {
  for (uint32_t i = 0; i < res.interfaces.len; i++)
    if (witc_str_eq_c(res.interfaces.items[i].name, name)) return i;
  return WITC_ID_NONE;
}

/* World import or export keys as the JSON prints them: "name" or "interface-N". */
static const char *keys(witc_id w, bool exports) {
  const witc_world *wd = &res.worlds.items[w];
  uint32_t n = exports ? wd->exports.len : wd->imports.len;
  const witc_world_entry *es = exports ? wd->exports.items : wd->imports.items;
  witc_buf b;
  witc_buf_init(&b);
  for (uint32_t i = 0; i < n; i++) {
    if (i) witc_buf_putc(&b, ',');
    if (es[i].key.is_interface)
      witc_buf_printf(&b, "interface-%u", es[i].key.iface);
    else
      witc_buf_putstr(&b, es[i].key.name);
  }
  const char *s = witc_arena_strndup(&arena, b.data ? b.data : "", b.len);
  witc_buf_delete(&b);
  return s;
}

static const witc_world_entry *entry(witc_id w, bool exports, const char *key) {
  const witc_world *wd = &res.worlds.items[w];
  uint32_t n = exports ? wd->exports.len : wd->imports.len;
  const witc_world_entry *es = exports ? wd->exports.items : wd->imports.items;
  for (uint32_t i = 0; i < n; i++)
    if (!es[i].key.is_interface && witc_str_eq_c(es[i].key.name, key)) return &es[i];
  return NULL;
}

static const witc_typedef *ty(witc_id id) { return &res.types.items[id]; }

static void make_tmpdir(void) {
  strcpy(tmpdir, "/tmp/witc-test-resolve-XXXXXX");
  cr_assert_not_null(mkdtemp(tmpdir));
}

/* Writes `text` to tmpdir/rel (parent directories created). */
static const char *mkfile(const char *rel, const char *text, size_t len) {
  char *path = witc_arena_printf(&arena, "%s/%s", tmpdir, rel);
  for (char *p = path + strlen(tmpdir) + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    mkdir(path, 0755);
    *p = '/';
  }
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f, "cannot create %s", path);
  fwrite(text, 1, len, f);
  fclose(f);
  return path;
}

static const char *mktext(const char *rel, const char *text) {
  return mkfile(rel, text, strlen(text));
}

static const char *tmp(const char *rel) { return witc_arena_printf(&arena, "%s/%s", tmpdir, rel); }

/* ---- packages ------------------------------------------------------------------------ */

Test(packages, dependencies_come_first_in_sorted_dfs_order) {
  witc_id main = push("package r:root;\n"
                      "package a:z { interface i { type t = u32; } }\n"
                      "package a:y { interface j { use a:z/i.{t}; } }\n"
                      "package b:x { interface k {} }\n"
                      "interface m { use a:y/j.{t}; }\n");
  cr_assert_neq(main, WITC_ID_NONE, "%s", err());
  cr_assert_str_eq(pkg_order(), "a:z,a:y,b:x,r:root");
  cr_assert_str_eq(pkg_str(main), "r:root");
  uint32_t id;
  cr_assert(witc_strmap_get(&res.package_index, witc_str_c("a:y"), &id));
  cr_assert_eq(id, 1);
  /* m's `t` aliases j's `t`, which aliases i's. */
  witc_id m = iface_named("m");
  witc_id t = witc_interface_type(&res.interfaces.items[m], witc_str_c("t"));
  cr_assert_eq(ty(t)->kind, WITC_TD_TYPE);
  cr_assert_eq(ty(ty(t)->u.type.id)->owner.id, iface_named("j"));
}

Test(packages, cycle_names_the_dependency) {
  cr_assert_eq(push("package foo:root;\n"
                    "package foo:bar { interface i { use foo:qux/i.{}; } }\n"
                    "package foo:qux { interface i { use foo:bar/i.{}; } }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "package `foo:qux` creates a dependency cycle");
  cr_assert(!witc_span_is_none(diags.items.items[0].span));
}

Test(packages, missing_package_lists_known_ones) {
  cr_assert_eq(push("package foo:foo;\nworld w { import some:dep/iface; }\n"), WITC_ID_NONE);
  cr_assert_str_eq(err(), "package 'some:dep' not found. known packages:\n    foo:foo");
}

Test(packages, missing_items_in_existing_package) {
  cr_assert_eq(push("package a:root;\npackage a:b { interface i {} }\n"
                    "interface x { use a:b/nope.{}; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "interface 'nope' not found in package 'a:b'");
}

Test(packages, missing_world_in_existing_package) {
  cr_assert_eq(push("package a:root;\npackage a:b { interface w {} }\n"
                    "world x { include a:b/w; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "world 'w' not found in package 'a:b'");
}

Test(packages, missing_type_in_foreign_interface) {
  cr_assert_eq(push("package a:root;\npackage a:b { interface i {} }\n"
                    "interface x { use a:b/i.{t}; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "type `t` not defined in interface");
}

Test(packages, duplicate_package_shows_both_locations) {
  cr_assert_eq(push("package foo:root;\n\npackage foo:name {}\n\npackage foo:name {}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "package `foo:name` is defined in two different locations:\n"
                          "  * test.wit:5:9\n  * test.wit:3:9");
}

Test(packages, re_adding_a_package_fails) {
  cr_assert_neq(push("package a:b;\n"), WITC_ID_NONE);
  cr_assert_eq(push("package a:b;\n"), WITC_ID_NONE);
  cr_assert_str_eq(err(), "attempting to re-add package `a:b` when it's already present in this "
                          "`Resolve`");
}

Test(packages, later_push_uses_earlier_packages) {
  cr_assert_neq(push("package dep:x@1.0.0;\ninterface i { type t = string; }\n"), WITC_ID_NONE);
  witc_id p = push("package me:y;\ninterface j { use dep:x/i@1.0.0.{t}; }\n");
  cr_assert_neq(p, WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.packages.items[p].interfaces.len, 1);
}

/* ---- own<T> handles and borrows ----------------------------------------------------------- */

Test(handles, implicit_own_is_shared_and_made_on_first_need) {
  cr_assert_neq(push("package foo:r;\ninterface r1 {\n"
                     "  t1: func(a: borrow<r>);\n  t2: func(a: own<r>);\n  t3: func(a: r);\n"
                     "  resource r { f1: func(); }\n}\n"),
                WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.types.len, 3);
  cr_assert_eq(ty(0)->kind, WITC_TD_RESOURCE);
  cr_assert(ty(1)->kind == WITC_TD_HANDLE && ty(1)->u.handle.borrow);
  cr_assert(ty(2)->kind == WITC_TD_HANDLE && !ty(2)->u.handle.borrow);
  cr_assert(ty(1)->u.handle.resource == 0 && ty(2)->u.handle.resource == 0);
  const witc_interface *i = &res.interfaces.items[0];
  cr_assert_eq(i->functions.items[1].params.items[0].type.id, 2);
  cr_assert_eq(i->functions.items[2].params.items[0].type.id, 2);
}

Test(handles, own_handle_appended_before_the_type_needing_it) {
  cr_assert_neq(push("package foo:r;\ninterface i {\n  resource f;\n  type x = option<f>;\n}\n"),
                WITC_ID_NONE, "%s", err());
  /* f, own<f>, option<own<f>> */
  cr_assert_eq(res.types.len, 3);
  cr_assert_eq(ty(1)->kind, WITC_TD_HANDLE);
  cr_assert_eq(ty(2)->kind, WITC_TD_OPTION);
  cr_assert_eq(ty(2)->u.type.id, 1);
}

Test(handles, borrow_in_result_is_rejected) {
  cr_assert_eq(push("package foo:r;\ninterface i {\n  resource y;\n  record z { a: borrow<y> }\n"
                    "  x: func() -> option<z>;\n}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "function `x` returns a type which contains a `borrow<T>` which is not "
                          "supported");
}

Test(handles, foreign_non_resource_in_handle) {
  cr_assert_eq(push("package foo:bar;\npackage some:dep { interface foo { type r = u32; } }\n"
                    "interface foo { use some:dep/foo.{r}; type t = own<r>; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "type used in a handle must be a resource");
}

/* ---- feature gates --------------------------------------------------------------------- */

static const char gated[] = "package a:b;\n"
                            "@unstable(feature = fancy)\ninterface fi { f: func(); }\n"
                            "interface i {\n  @unstable(feature = fancy)\n  type t = u32;\n"
                            "  @unstable(feature = fancy)\n  g: func();\n  h: func();\n}\n";

Test(gates, inactive_items_are_dropped) {
  cr_assert_neq(push(gated), WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.interfaces.len, 1);
  cr_assert_eq(res.types.len, 0);
  cr_assert_eq(res.interfaces.items[0].functions.len, 1);
  cr_assert(witc_str_eq_c(res.interfaces.items[0].functions.items[0].name, "h"));
  cr_assert_null(witc_interface_func(&res.interfaces.items[0], witc_str_c("g")));
  cr_assert_not_null(witc_interface_func(&res.interfaces.items[0], witc_str_c("h")));
}

Test(gates, active_items_are_kept) {
  witc_resolve_enable_feature(&res, witc_str_c("fancy"));
  cr_assert_neq(push(gated), WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.interfaces.len, 2);
  cr_assert_eq(res.types.len, 1);
  cr_assert_eq(res.interfaces.items[1].functions.len, 2);
}

Test(gates, reference_to_dropped_type) {
  cr_assert_eq(push("package a:b;\ninterface foo {\n  @unstable(feature = off)\n  type g = u32;\n"
                    "  record r { a: u32, b: g }\n}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "found a reference to a type which is excluded due to its feature not "
                          "being activated");
}

Test(gates, ungated_type_in_dropped_interface) {
  cr_assert_eq(push("package a:b;\n@unstable(feature = off)\ninterface a { type a = u32; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "found a reference to a interface which is excluded due to its feature "
                          "not being activated; this type is not gated by a feature but its "
                          "interface is");
}

Test(gates, since_needs_released_version) {
  cr_assert_eq(push("package t:i@0.1.0;\n@since(version = 0.2.0)\ninterface foo {}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "feature gate cannot reference unreleased version 0.2.0 of package "
                          "[t:i@0.1.0] (current version 0.1.0)");
}

Test(gates, since_needs_a_package_version) {
  cr_assert_eq(push("package t:i;\n@since(version = 0.2.0)\ninterface foo {}\n"), WITC_ID_NONE);
  cr_assert_str_eq(err(), "package [t:i] contains a feature gate with a version specifier, so it "
                          "must have a version");
}

Test(gates, include_stability_mismatch) {
  cr_assert_eq(push("package a:b@1.0.0;\ninterface i {}\n"
                    "world w1 { @unstable(feature = active) import i; }\n"
                    "world w2 { @since(version = 1.0.0) import i; include w1; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "mismatch in stability from 'Unstable { feature: \"active\", deprecated: "
                          "None }' to 'Stable { since: Version { major: 1, minor: 0, patch: 0 }, "
                          "deprecated: None }'");
}

Test(gates, include_adopts_missing_gate) {
  cr_assert_neq(push("package a:b@1.0.0;\ninterface i {}\n"
                     "world w1 { @since(version = 1.0.0) import i; }\n"
                     "world w2 { import i; include w1; }\n"),
                WITC_ID_NONE, "%s", err());
  const witc_world *w2 = &res.worlds.items[world_named("w2")];
  cr_assert_eq(w2->imports.len, 1);
  cr_assert_eq(witc_stability_kind_of(w2->imports.items[0].item.stability), WITC_STAB_STABLE);
}

/* ---- worlds ------------------------------------------------------------------------------ */

Test(worlds, implicit_imports_and_class_order) {
  cr_assert_neq(push("package foo:foo;\ninterface foo { type t = u32; }\n"
                     "world w {\n  import foo: func();\n  use foo.{t};\n}\n"),
                WITC_ID_NONE, "%s", err());
  cr_assert_str_eq(keys(0, false), "interface-0,t,foo");
}

Test(worlds, exports_after_functions_with_dependencies) {
  cr_assert_neq(push("package foo:foo;\ninterface a { type t = u32; }\n"
                     "interface b { use a.{t}; }\ninterface c { use b.{t}; }\n"
                     "world w {\n  export c;\n  export f: func();\n  export b;\n}\n"),
                WITC_ID_NONE, "%s", err());
  cr_assert_str_eq(keys(0, false), "interface-0");
  cr_assert_str_eq(keys(0, true), "f,interface-1,interface-2");
}

Test(worlds, import_and_export_of_a_dependency_conflict) {
  cr_assert_eq(push("package foo:foo;\ninterface i1 { type t = u32; }\n"
                    "interface i2 { use i1.{t}; }\ninterface i3 { use i2.{t}; use i1.{t as t2}; }\n"
                    "world w {\n  export i1;\n  export i3;\n}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "interface `foo:foo/i3` transitively depends on an interface in "
                          "incompatible ways");
}

Test(worlds, include_renames_and_clones_once) {
  cr_assert_neq(push("package foo:foo;\nworld a {\n"
                     "  resource r { constructor(); m: func(); }\n"
                     "  import f: func(x: r) -> option<r>;\n"
                     "  export g: func(x: r) -> option<r>;\n}\n"
                     "world b { include a with { r as s } }\n"),
                WITC_ID_NONE, "%s", err());
  witc_id b = world_named("b");
  cr_assert_str_eq(keys(b, false), "s,f,[constructor]s,[method]s.m");
  const witc_world_entry *s = entry(b, false, "s");
  cr_assert_eq(s->item.kind, WITC_WI_TYPE);
  witc_id sid = s->item.id;
  cr_assert(witc_str_eq_c(ty(sid)->name, "s"));
  cr_assert_eq(ty(sid)->owner.kind, WITC_OWNER_WORLD);
  cr_assert_eq(ty(sid)->owner.id, b);
  /* One copy of r and of own<r>/option<own<r>>, shared by imports and exports. */
  cr_assert_eq(entry(b, false, "[constructor]s")->item.func.resource, sid);
  witc_id own = entry(b, false, "f")->item.func.params.items[0].type.id;
  cr_assert_eq(ty(own)->u.handle.resource, sid);
  cr_assert_eq(entry(b, true, "g")->item.func.params.items[0].type.id, own);
  cr_assert_eq(entry(b, true, "g")->item.func.result.id, entry(b, false, "f")->item.func.result.id);
  cr_assert_eq(res.types.len, 8);
}

Test(worlds, include_clones_inline_interfaces) {
  cr_assert_neq(push("package foo:foo;\n"
                     "world a { import x: interface { type t = u32; f: func() -> t; } }\n"
                     "world b { include a; }\n"),
                WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.interfaces.len, 2);
  cr_assert_eq(res.interfaces.items[1].clone_of, 0);
  cr_assert_eq(res.interfaces.items[0].clone_of, WITC_ID_NONE);
  witc_id t = witc_interface_type(&res.interfaces.items[1], witc_str_c("t"));
  cr_assert_eq(ty(t)->owner.id, 1);
  cr_assert_eq(res.interfaces.items[1].functions.items[0].result.id, t);
  cr_assert_eq(entry(world_named("b"), false, "x")->item.id, 1);
}

Test(worlds, include_shadowing) {
  cr_assert_eq(push("package foo:foo;\nworld foo { import a: func(); }\n"
                    "world bar { import a: func(); }\nworld baz { include foo; include bar; }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "import of `a` shadows previously imported items");
}

Test(worlds, include_with_unknown_name) {
  cr_assert_eq(push("package foo:foo;\ninterface foo {}\nworld a { import foo; }\n"
                    "world b { include a with { foo as foo2 } }\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "no import or export kebab-name `foo`. Note that an ID does not "
                          "support renaming");
}

Test(worlds, names_are_case_insensitive) {
  cr_assert_eq(push("package foo:foo;\nworld example {\n  export get-user: func();\n"
                    "  export GET-USER: func();\n}\n"),
               WITC_ID_NONE);
  cr_assert_str_eq(err(), "export `GET-USER` in world `example` conflicts with export "
                          "`get-user` (kebab-case identifiers are case-insensitive)");
  cr_assert(witc_span_is_none(diags.items.items[0].span));
}

/* ---- select_world -------------------------------------------------------------------------- */

Test(select, only_world_or_error) {
  witc_id p = push("package ex:one@1.0.0;\nworld foo {}\n");
  cr_assert_eq(witc_resolve_select_world(&res, p, NULL, &diags), world_named("foo"));
  cr_assert_eq(witc_resolve_select_world(&res, p, "foo", &diags), world_named("foo"));
  cr_assert_eq(witc_resolve_select_world(&res, p, "ex:one/foo", &diags), world_named("foo"));
  cr_assert_eq(witc_resolve_select_world(&res, p, "ex:one/foo@1.0.0", &diags), world_named("foo"));
  cr_assert_eq(diags.items.len, 0, "%s", err());
  cr_assert_eq(witc_resolve_select_world(&res, p, "bar", &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "World `bar` not found in package `ex:one@1.0.0`");
}

Test(select, several_or_no_worlds) {
  witc_id p = push("package ex:two;\nworld foo {}\nworld bar {}\n");
  cr_assert_eq(witc_resolve_select_world(&res, p, NULL, &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "There are multiple worlds in `ex:two`; one must be explicitly "
                          "chosen:\n  ex:two/foo\n  ex:two/bar");
  witc_id q = push("package ex:none;\n");
  diags.items.len = 0;
  cr_assert_eq(witc_resolve_select_world(&res, q, NULL, &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "The main package `ex:none` contains no worlds");
}

Test(select, versions_and_unknown_packages) {
  push("package ex:v@1.0.0;\nworld foo {}\n");
  witc_id p2 = push("package ex:v@2.0.0;\nworld foo {}\n");
  cr_assert_eq(witc_resolve_select_world(&res, p2, "ex:v/foo", &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "package name `ex:v` is available at both versions 1.0.0 and 2.0.0 but "
                          "which is not specified");
  diags.items.len = 0;
  cr_assert_eq(witc_resolve_select_world(&res, p2, "ex:v/foo@1.0.0", &diags), 0);
  cr_assert_eq(witc_resolve_select_world(&res, p2, "no:such/foo", &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "unknown package `no:such`");
  diags.items.len = 0;
  cr_assert_eq(witc_resolve_select_world(&res, p2, "a:b:c", &diags), WITC_ID_NONE);
  cr_assert_str_eq(err(), "failed to parse world specifier `a:b:c`");
}

/* ---- files and directories ------------------------------------------------------------------ */

Test(files, directory_with_deps) {
  make_tmpdir();
  mktext("pkg/b.wit", "interface b { use dep:d/i.{t}; use dep:f/j.{u}; }\n");
  mktext("pkg/a.wit", "package me:pkg;\n");
  mktext("pkg/sub/ignored.wit", "this is not parsed\n");
  mktext("pkg/deps/d/one.wit", "package dep:d;\ninterface i { type t = u32; }\n");
  mktext("pkg/deps/d/deps/nested.wit", "not parsed: deps of deps are not read\n");
  mktext("pkg/deps/f.wit", "package dep:f;\ninterface j { type u = u8; }\n");
  mktext("pkg/deps/notes.txt", "ignored\n");
  mktext("real/k.wit", "package dep:k;\n");
  cr_assert_eq(symlink(tmp("real"), tmp("pkg/deps/k")), 0);
  bool io = true;
  witc_id p = witc_resolve_push_path(&res, tmp("pkg"), &diags, &io);
  cr_assert_neq(p, WITC_ID_NONE, "%s", err());
  cr_assert(!io);
  cr_assert_str_eq(pkg_order(), "dep:d,dep:f,dep:k,me:pkg");
  cr_assert_eq(p, 3);
  cr_assert_eq(res.packages.items[p].interfaces.len, 1);
}

Test(files, parse_errors_carry_directory_context) {
  make_tmpdir();
  mktext("pkg/a.wit", "package me:pkg;\ninterface x { use nope.{}; }\n");
  witc_id p = witc_resolve_push_path(&res, tmp("pkg"), &diags, NULL);
  cr_assert_eq(p, WITC_ID_NONE);
  const char *d = tmp("pkg");
  cr_assert_str_eq(err(), witc_arena_printf(&arena,
                                            "failed to resolve directory while parsing WIT for "
                                            "path [%s]: failed to parse package: %s: interface "
                                            "or world `nope` does not exist",
                                            d, d));
}

Test(files, resolve_errors_carry_only_the_directory_layer) {
  make_tmpdir();
  mktext("pkg/a.wit", "package me:pkg;\ninterface x { use no:pkg/i.{}; }\n");
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, NULL), WITC_ID_NONE);
  cr_assert_str_eq(err(), witc_arena_printf(&arena,
                                            "failed to resolve directory while parsing WIT for "
                                            "path [%s]: package 'no:pkg' not found. known "
                                            "packages:\n    me:pkg",
                                            tmp("pkg")));
}

Test(files, deps_errors_carry_the_deps_layer) {
  make_tmpdir();
  mktext("pkg/a.wit", "package me:pkg;\n");
  mktext("pkg/deps/d/x.wit", "package dep:d;\ninterface {\n");
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, NULL), WITC_ID_NONE);
  const char *prefix = witc_arena_printf(
      &arena,
      "failed to resolve directory while parsing WIT for path [%s]: failed to parse dependency "
      "directory: %s: failed to parse package: %s: ",
      tmp("pkg"), tmp("pkg/deps"), tmp("pkg/deps/d"));
  cr_assert_eq(strncmp(err(), prefix, strlen(prefix)), 0, "%s", err());
}

Test(files, missing_path_is_a_system_error) {
  bool io = false;
  cr_assert_eq(witc_resolve_push_path(&res, "/nonexistent/witc/x.wit", &diags, &io), WITC_ID_NONE);
  cr_assert(io);
  cr_assert_eq(strncmp(err(), "failed to read path for WIT [/nonexistent/witc/x.wit]: ", 55), 0,
               "%s", err());
}

Test(files, symlink_loop_in_deps_is_a_system_error) {
  make_tmpdir();
  mktext("pkg/a.wit", "package me:pkg;\n");
  mkdir(tmp("pkg/deps"), 0755);
  cr_assert_eq(symlink(tmp("pkg/deps/loop"), tmp("pkg/deps/loop")), 0);
  bool io = false;
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, &io), WITC_ID_NONE);
  cr_assert(io);
  cr_assert_not_null(strstr(err(), "(os error"), "%s", err());
}

Test(files, unreadable_file_is_a_system_error) {
  if (geteuid() == 0) cr_skip_test("root can read anything");
  make_tmpdir();
  const char *f = mktext("pkg/a.wit", "package me:pkg;\n");
  chmod(f, 0);
  bool io = false;
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, &io), WITC_ID_NONE);
  cr_assert(io);
}

Test(files, wasm_packages_are_rejected_clearly) {
  make_tmpdir();
  mktext("pkg/a.wit", "package me:pkg;\n");
  mkfile("pkg/deps/e.wasm", "\0asm\1\0\0\0", 8);
  bool io = false;
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, &io), WITC_ID_NONE);
  cr_assert_not_null(strstr(err(), "encoded as WebAssembly"), "%s", err());
  cr_assert_not_null(strstr(err(), "failed to parse dependency directory"), "%s", err());
  cr_assert(io);
  diags.items.len = 0;
  cr_assert_eq(witc_resolve_push_path(&res, mktext("x.wat", "(component)\n"), &diags, &io),
               WITC_ID_NONE);
  cr_assert_not_null(strstr(err(), "encoded as WebAssembly"), "%s", err());
}

Test(files, invalid_utf8) {
  make_tmpdir();
  const char *f = mkfile("bad.wit", "package a:b;\n// \xff\n", 17);
  cr_assert_eq(witc_resolve_push_path(&res, f, &diags, NULL), WITC_ID_NONE);
  cr_assert_str_eq(err(), witc_arena_printf(&arena, "input file is not valid utf-8 [%s]", f));
  diags.items.len = 0;
  mkfile("pkg/a.wit", "package a:b;\n// \xc0\x80\n", 18);
  cr_assert_eq(witc_resolve_push_path(&res, tmp("pkg"), &diags, NULL), WITC_ID_NONE);
  cr_assert_not_null(strstr(err(), "stream did not contain valid UTF-8"), "%s", err());
}

Test(files, push_str_reports_the_given_name) {
  cr_assert_eq(witc_resolve_push_str(&res, "<stdin>", "package a:b;\nworld w { import x; }\n", 36,
                                     &diags),
               WITC_ID_NONE);
  const witc_source_file *f;
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, diags.items.items[0].span.start, &f, &line, &col));
  cr_assert_str_eq(f->path, "<stdin>");
}

/* ---- scale: long chains must not recurse ---------------------------------------------------- */

Test(scale, long_use_chain_and_world_elaboration) {
  enum { N = 20000 };
  witc_buf b;
  witc_buf_init(&b);
  witc_buf_puts(&b, "package big:chain;\ninterface i0 { type t = u32; }\n");
  for (int i = 1; i < N; i++) witc_buf_printf(&b, "interface i%d { use i%d.{t}; }\n", i, i - 1);
  witc_buf_printf(&b, "world w { import i%d; }\nworld v { export i%d; }\n", N - 1, N - 1);
  witc_id p = witc_resolve_push_str(&res, "chain.wit", b.data, b.len, &diags);
  witc_buf_delete(&b);
  cr_assert_neq(p, WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.worlds.items[world_named("w")].imports.len, N);
  cr_assert_eq(res.worlds.items[world_named("w")].imports.items[0].key.iface, 0);
  cr_assert_eq(res.worlds.items[world_named("v")].imports.len, N - 1);
  cr_assert_eq(res.worlds.items[world_named("v")].exports.len, 1);
}

Test(scale, long_world_alias_chain_is_cloned_without_recursion) {
  enum { N = 20000 };
  witc_buf b;
  witc_buf_init(&b);
  witc_buf_puts(&b, "package big:alias;\nworld a {\n  type t0 = u32;\n");
  for (int i = 1; i < N; i++) witc_buf_printf(&b, "  type t%d = t%d;\n", i, i - 1);
  witc_buf_printf(&b, "  import f: func(x: t%d);\n}\nworld b { include a; }\n", N - 1);
  witc_id p = witc_resolve_push_str(&res, "alias.wit", b.data, b.len, &diags);
  witc_buf_delete(&b);
  cr_assert_neq(p, WITC_ID_NONE, "%s", err());
  cr_assert_eq(res.types.len, 2 * N);
  witc_id f = entry(world_named("b"), false, "f")->item.func.params.items[0].type.id;
  cr_assert_geq(f, N);
  cr_assert_eq(ty(f)->owner.id, world_named("b"));
}

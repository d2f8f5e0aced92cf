/* model_fixtures.h: resolved models built by hand, for the back-end unit tests
 * (test_json.c, test_wit_print.c, test_abi.c).
 *
 * Header-only, included by one test file each: it defines that file's fixture (`arena`,
 * `sources` and the graph `R`, made afresh for every test by model_setup/model_teardown,
 * the suite's .init/.fini) and builders that append to `R` what the resolver would:
 * named interfaces and worlds join their package's maps, named types their interface's
 * type map or their world's imports. Ids are 0-based indices into R's arenas, returned as
 * the resolver numbers them (creation order). Everything is allocated in `arena`; a test
 * never frees. Functions are `static inline` so a file may use only some of them. Spans
 * are WITC_SPAN_NONE: nothing here comes from a source file. Models that more than one
 * back end is checked on are built here too (model_resources1). */
#ifndef WITC_TESTS_MODEL_FIXTURES_H
#define WITC_TESTS_MODEL_FIXTURES_H

#include <criterion/criterion.h>
#include <string.h>

#include "../parser/base.h"
#include "../parser/lex.h"
#include "../parser/model.h"

static witc_arena arena;
static witc_source_map sources;
static witc_resolve R;

static inline void model_setup(void) {
  witc_arena_init(&arena);
  witc_source_map_init(&sources, &arena);
  witc_resolve_init(&R, &arena, &sources);
}

static inline void model_teardown(void) {
  witc_source_map_delete(&sources);
  witc_arena_delete(&arena);
}

/* ---- values --------------------------------------------------------------------------- */

static inline witc_str S(const char *s) { return witc_str_c(s); }
static inline witc_type ID(witc_id id) { return witc_type_id(id); }
static inline witc_type P(witc_type_tag t) { return witc_type_prim(t); }
static const witc_type NONE = {WITC_T_NONE, WITC_ID_NONE};

/* An arena copy of a gate, for the model's `const witc_stability *` fields (NULL: none). */
static inline const witc_stability *GATE(witc_stability s) {
  witc_stability *g = witc_arena_alloc(&arena, sizeof *g);
  *g = s;
  return g;
}

/* The type definition `id` (a pointer into R.types: valid until the next add_type). */
static inline witc_typedef *T(witc_id id) { return &R.types.items[id]; }

/* Copies what `b` holds into the arena (a NUL-terminated string, "" when empty) and
 * deletes `b`. Fails the test when an allocation of `b` failed. */
static inline char *buf_take(witc_buf *b) {
  cr_assert(!b->error);
  char *s = witc_arena_strndup(&arena, b->data ? b->data : "", b->len);
  witc_buf_delete(b);
  return s;
}

/* ---- packages, interfaces, worlds ----------------------------------------------------- */

/* Package ns:name[@version]; `version` (NULL for none) must be valid SemVer. */
static inline witc_id add_package(const char *ns, const char *name, const char *version) {
  witc_package p = {0};
  p.name.ns = S(ns);
  p.name.name = S(name);
  if (version) {
    witc_version *v = &p.name.version;
    char msg[128];
    cr_assert(witc_semver_parse(version, (uint32_t)strlen(version), &v->major, &v->minor,
                                &v->patch, &v->pre, &v->build, msg, sizeof msg),
              "%s: %s", version, msg);
    p.name.has_version = true;
    v->text = S(version);
  }
  p.span = WITC_SPAN_NONE;
  witc_vec_push(&arena, &R.packages, p);
  return R.packages.len - 1;
}

/* Interface of package `pkg`; `name` NULL makes an inline (world) interface. */
static inline witc_id add_interface(const char *name, witc_id pkg) {
  witc_interface in = {0};
  in.name = name ? S(name) : WITC_STR_NONE;
  in.package = pkg;
  in.clone_of = WITC_ID_NONE;
  in.span = WITC_SPAN_NONE;
  witc_vec_push(&arena, &R.interfaces, in);
  witc_id id = R.interfaces.len - 1;
  if (name) witc_vec_push(&arena, &R.packages.items[pkg].interfaces, ((witc_named_id){S(name), id}));
  return id;
}

static inline witc_id add_world(const char *name, witc_id pkg) {
  witc_world w = {0};
  w.name = S(name);
  w.package = pkg;
  w.span = WITC_SPAN_NONE;
  witc_vec_push(&arena, &R.worlds, w);
  witc_id id = R.worlds.len - 1;
  witc_vec_push(&arena, &R.packages.items[pkg].worlds, ((witc_named_id){S(name), id}));
  return id;
}

/* Appends `e` to world `w`'s imports (`import` true) or exports. */
static inline void world_push(witc_id w, bool import, witc_world_entry e) {
  if (import)
    witc_vec_push(&arena, &R.worlds.items[w].imports, e);
  else
    witc_vec_push(&arena, &R.worlds.items[w].exports, e);
}

/* ---- types ---------------------------------------------------------------------------- */

/* A type definition with no payload yet (fill it through T). A named type owned by an
 * interface joins its type map; one owned by a world joins the world's imports. */
static inline witc_id add_type(const char *name, witc_typedef_kind kind, witc_owner_kind ok,
                               witc_id owner) {
  witc_typedef td = {0};
  td.name = name ? S(name) : WITC_STR_NONE;
  td.kind = kind;
  td.owner = (witc_owner){ok, owner};
  td.span = WITC_SPAN_NONE;
  witc_vec_push(&arena, &R.types, td);
  witc_id id = R.types.len - 1;
  if (name && ok == WITC_OWNER_INTERFACE)
    witc_vec_push(&arena, &R.interfaces.items[owner].types, ((witc_named_id){S(name), id}));
  if (name && ok == WITC_OWNER_WORLD) {
    witc_world_entry e = {0};
    e.key = (witc_world_key){false, S(name), WITC_ID_NONE};
    e.item.kind = WITC_WI_TYPE;
    e.item.id = id;
    e.item.span = WITC_SPAN_NONE;
    world_push(owner, true, e);
  }
  return id;
}

/* An anonymous type (list<T>, option<T>, a tuple, a handle...) owned by nothing. */
static inline witc_id anon(witc_typedef_kind kind) {
  return add_type(NULL, kind, WITC_OWNER_NONE, WITC_ID_NONE);
}

/* own<res> (`borrow` false) or borrow<res>. */
static inline witc_id handle(bool borrow, witc_id res) {
  witc_id h = anon(WITC_TD_HANDLE);
  T(h)->u.handle.borrow = borrow, T(h)->u.handle.resource = res;
  return h;
}

/* Appends a field, case or flag to the record, variant, enum or flags `type`; `t` is NONE
 * for enum cases, flags and payload-less variant cases; `docs` may be NULL. */
static inline void add_field(witc_id type, const char *name, witc_type t, const char *docs) {
  witc_field f = {S(name), t, docs ? S(docs) : WITC_STR_NONE, WITC_SPAN_NONE};
  witc_vec_push(&arena, &T(type)->u.fields, f);
}

/* ---- functions ------------------------------------------------------------------------ */

/* A function with no params or result; `resource` is WITC_ID_NONE unless a member. */
static inline witc_function func(const char *name, witc_func_kind kind, witc_id resource) {
  witc_function f = {0};
  f.name = S(name);
  f.kind = kind;
  f.resource = resource;
  f.span = WITC_SPAN_NONE;
  return f;
}

/* Appends `f` to interface `iface`; returns the stored copy (valid until the next add). */
static inline witc_function *add_func(witc_id iface, witc_function f) {
  witc_vec_push(&arena, &R.interfaces.items[iface].functions, f);
  return &R.interfaces.items[iface].functions.items[R.interfaces.items[iface].functions.len - 1];
}

static inline void add_param(witc_function *f, const char *name, witc_type t) {
  witc_vec_push(&arena, &f->params, ((witc_param){S(name), t, WITC_SPAN_NONE}));
}

/* ---- world entries -------------------------------------------------------------------- */

/* `import/export name: interface` (inline, `name` given) or of interface `iface` by path
 * (`name` NULL: the key is the interface id). */
static inline witc_world_entry iface_entry(witc_id iface, const char *name) {
  witc_world_entry e = {0};
  e.key = name ? (witc_world_key){false, S(name), WITC_ID_NONE}
               : (witc_world_key){true, WITC_STR_NONE, iface};
  e.item.kind = WITC_WI_INTERFACE;
  e.item.id = iface;
  e.item.span = WITC_SPAN_NONE;
  return e;
}

/* A function import or export, keyed by the function's name. */
static inline witc_world_entry func_entry(witc_function f) {
  witc_world_entry e = {0};
  e.key = (witc_world_key){false, f.name, WITC_ID_NONE};
  e.item.kind = WITC_WI_FUNCTION;
  e.item.func = f;
  e.item.span = WITC_SPAN_NONE;
  return e;
}

/* ---- shared models -------------------------------------------------------------------- */

/* The model of resources1.wit of the conformance corpus (wit-parser's tests/ui), as the
 * resolver builds it: resource r1 (type 0), borrow<r1> (1), own<r1> (2); functions
 * t1(a: borrow<r1>), t2(a: r1), t3(a: r1), [method]r1.f1(self: borrow<r1>). Returns the
 * package id. */
static inline witc_id model_resources1(void) {
  witc_id pkg = add_package("foo", "resources1", NULL);
  witc_id i = add_interface("resources1", pkg);
  witc_id r1 = add_type("r1", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, i);
  witc_id b = handle(true, r1), o = handle(false, r1);
  add_param(add_func(i, func("t1", WITC_FUNC_FREESTANDING, WITC_ID_NONE)), "a", ID(b));
  add_param(add_func(i, func("t2", WITC_FUNC_FREESTANDING, WITC_ID_NONE)), "a", ID(o));
  add_param(add_func(i, func("t3", WITC_FUNC_FREESTANDING, WITC_ID_NONE)), "a", ID(o));
  add_param(add_func(i, func("[method]r1.f1", WITC_FUNC_METHOD, r1)), "self", ID(b));
  return pkg;
}

#endif

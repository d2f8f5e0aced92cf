/* model.h: the resolved WIT model, the one source of truth every back end reads.
 *
 * It mirrors wit-parser's `Resolve` (lib.rs, resolve/mod.rs): four arenas (worlds,
 * interfaces, types, packages) addressed by 0-based ids, every cross reference an id. The
 * arena order is exactly the reference's (docs/resolve-json.md §5), so the JSON back end
 * prints arrays in creation order and gets byte-identical output.
 *
 * The same structs also hold one package before cross-package resolution
 * (witc_unresolved_package, wit-parser's UnresolvedPackage): there, references to other
 * packages point at placeholder interfaces/worlds (package == WITC_ID_NONE) and placeholder
 * types (kind WITC_TD_UNKNOWN), which resolve.c maps onto real items.
 *
 * All memory belongs to the compilation arena (witc_resolve.arena). */
#ifndef WITC_MODEL_H
#define WITC_MODEL_H

#include "base.h"
#include "source.h"

/* A 0-based index into one of the graph's arenas (which one, the field says);
 * WITC_ID_NONE for "none". */
typedef uint32_t witc_id;
#define WITC_ID_NONE UINT32_MAX

/* ---- versions, names, stability, docs ---------------------------------------------- */

/* SemVer 2.0. `pre`/`build` are absent (ptr NULL) when not written. `text` is the
 * canonical Display form ("1.2.3-rc.1+b5"), NUL-terminated. */
typedef struct witc_version {
  uint64_t major, minor, patch;
  witc_str pre, build;
  witc_str text;
} witc_version;

/* SemVer precedence (build metadata ignored), then build text as a tie-break so the
 * order is total (semver crate's Ord for Version). Returns <0, 0, >0. */
int witc_version_cmp(const witc_version *a, const witc_version *b);

/* ns:name[@version] */
typedef struct witc_package_name {
  witc_str ns, name;
  bool has_version;
  witc_version version;
} witc_package_name;

/* Writes "ns:name" or "ns:name@1.2.3" (PackageName's Display). */
void witc_package_name_format(const witc_package_name *n, witc_buf *out);
/* Arena string of the above. */
const char *witc_package_name_str(witc_arena *a, const witc_package_name *n);
/* Order used to sort packages: namespace, name, then version (none first). */
int witc_package_name_cmp(const witc_package_name *a, const witc_package_name *b);
/* Same namespace, name and version text (or both without a version). */
bool witc_package_name_eq(const witc_package_name *a, const witc_package_name *b);

/* A feature gate (wit-parser's Stability; wit-language.md's @since / @unstable /
 * @deprecated attributes). */
typedef enum witc_stability_kind {
  WITC_STAB_UNKNOWN,  /* no gate */
  WITC_STAB_STABLE,   /* @since(version = since) */
  WITC_STAB_UNSTABLE, /* @unstable(feature = feature) */
} witc_stability_kind;

typedef struct witc_stability {
  witc_stability_kind kind;
  witc_version since;      /* STABLE */
  witc_str feature;        /* UNSTABLE */
  bool has_deprecated;
  witc_version deprecated; /* @deprecated(version = ...) */
} witc_stability;

/* Model items refer to their gate out of line: a `const witc_stability *` that is NULL for
 * "no gate" (never a pointer to a WITC_STAB_UNKNOWN gate), else points to an immutable
 * arena copy shared by every item with the same gate in the package (interned by
 * resolve_pkg.c). Copying an item copies the pointer. */
static inline witc_stability_kind witc_stability_kind_of(const witc_stability *s) {
  return s ? s->kind : WITC_STAB_UNKNOWN;
}

/* Docs are a witc_str: ptr NULL = no docs (JSON omits the key); otherwise the normalized
 * contents (wit-language.md §6). */

/* ---- types ------------------------------------------------------------------------- */

typedef enum witc_type_tag {
  WITC_T_NONE = 0, /* absent (no result, no payload) */
  WITC_T_BOOL, WITC_T_U8, WITC_T_U16, WITC_T_U32, WITC_T_U64,
  WITC_T_S8, WITC_T_S16, WITC_T_S32, WITC_T_S64,
  WITC_T_F32, WITC_T_F64, WITC_T_CHAR, WITC_T_STRING, WITC_T_ERROR_CONTEXT,
  WITC_T_ID, /* a type definition: id */
} witc_type_tag;

/* A value type: a builtin, or a reference to a type definition. */
typedef struct witc_type {
  witc_type_tag tag;
  witc_id id; /* WITC_T_ID only */
} witc_type;

static inline witc_type witc_type_none(void) { return (witc_type){WITC_T_NONE, WITC_ID_NONE}; }
static inline witc_type witc_type_prim(witc_type_tag t) { return (witc_type){t, WITC_ID_NONE}; }
static inline witc_type witc_type_id(witc_id id) { return (witc_type){WITC_T_ID, id}; }
/* Same builtin, or the same type definition id (no alias following). */
static inline bool witc_type_eq(witc_type a, witc_type b) {
  return a.tag == b.tag && (a.tag != WITC_T_ID || a.id == b.id);
}
/* The WIT spelling of a builtin ("u32", "error-context"); NULL for NONE and ID. */
const char *witc_type_prim_name(witc_type_tag t);

typedef enum witc_typedef_kind {
  WITC_TD_RECORD,     /* u.fields (docs per field) */
  WITC_TD_RESOURCE,
  WITC_TD_HANDLE,     /* u.handle */
  WITC_TD_FLAGS,      /* u.fields (names, docs) */
  WITC_TD_TUPLE,      /* u.tuple */
  WITC_TD_VARIANT,    /* u.fields (type NONE = case without payload) */
  WITC_TD_ENUM,       /* u.fields (names, docs) */
  WITC_TD_OPTION,     /* u.type */
  WITC_TD_RESULT,     /* u.result (either side may be NONE) */
  WITC_TD_LIST,       /* u.type */
  WITC_TD_MAP,        /* u.map */
  WITC_TD_FIXED_LIST, /* u.fixed */
  WITC_TD_FUTURE,     /* u.type (NONE = no payload) */
  WITC_TD_STREAM,     /* u.type (NONE = no payload) */
  WITC_TD_TYPE,       /* alias: u.type */
  WITC_TD_UNKNOWN,    /* placeholder for a foreign type, unresolved stage only */
} witc_typedef_kind;

/* A record field, variant case, enum case or flag. */
typedef struct witc_field {
  witc_str name;
  witc_type type; /* record: the field type; variant: payload or NONE; enum/flags: NONE */
  witc_str docs;
  witc_span span; /* the name */
} witc_field;

/* Where a type definition is declared (TypeOwner): an interface or world id, or nowhere
 * (anonymous types). */
typedef enum witc_owner_kind { WITC_OWNER_NONE, WITC_OWNER_INTERFACE, WITC_OWNER_WORLD } witc_owner_kind;

typedef struct witc_owner {
  witc_owner_kind kind;
  witc_id id;
} witc_owner;

/* A type definition (TypeDef): named or anonymous, the payload in `u` per `kind`. */
typedef struct witc_typedef {
  witc_str name; /* absent for anonymous types */
  witc_typedef_kind kind;
  union {
    witc_vec(witc_field) fields;
    witc_vec(witc_type) tuple;
    witc_type type;
    struct {
      witc_type ok, err;
    } result;
    struct {
      witc_type key, value;
    } map;
    struct {
      witc_type elem;
      uint32_t size;
    } fixed;
    struct {
      bool borrow; /* false: own */
      witc_id resource;
    } handle;
  } u;
  witc_owner owner;
  witc_str docs;
  const witc_stability *stability;
  witc_str external_id; /* absent unless @external-id */
  witc_span span;       /* the name (named types) or the written type (anonymous) */
} witc_typedef;

/* ---- functions --------------------------------------------------------------------- */

/* FunctionKind: the resource member kinds (and async variants) carry `resource`. */
typedef enum witc_func_kind {
  WITC_FUNC_FREESTANDING,
  WITC_FUNC_ASYNC_FREESTANDING,
  WITC_FUNC_METHOD,
  WITC_FUNC_ASYNC_METHOD,
  WITC_FUNC_STATIC,
  WITC_FUNC_ASYNC_STATIC,
  WITC_FUNC_CONSTRUCTOR,
} witc_func_kind;

/* One named parameter of a function. */
typedef struct witc_param {
  witc_str name;
  witc_type type;
  witc_span span;
} witc_param;

/* A function (Function): of an interface, a world item, or a resource member. */
typedef struct witc_function {
  witc_str name;     /* "f", "[constructor]r", "[method]r.m", "[static]r.s" */
  witc_func_kind kind;
  witc_id resource;  /* the resource type id for methods, statics, constructors */
  witc_vec(witc_param) params; /* methods start with `self: borrow<r>` */
  witc_type result;  /* NONE: no result */
  witc_str docs;
  const witc_stability *stability;
  witc_str external_id;
  witc_span span;    /* the function's name */
} witc_function;

/* ---- interfaces -------------------------------------------------------------------- */

/* An ordered name -> id entry (IndexMap in the reference). */
typedef struct witc_named_id {
  witc_str name;
  witc_id id;
} witc_named_id;

/* An interface (Interface): named, or inline in a world (name absent). */
typedef struct witc_interface {
  witc_str name;                      /* absent for inline interfaces in worlds */
  witc_vec(witc_named_id) types;      /* name -> type id, in the reference's order */
  witc_strmap type_index;             /* name -> index into `types` */
  witc_vec(witc_function) functions;  /* in the reference's order */
  witc_strmap func_index;             /* name -> index into `functions` */
  witc_str docs;
  const witc_stability *stability;
  witc_id package;                    /* NONE for a foreign placeholder (unresolved stage) */
  witc_id clone_of;                   /* NONE unless cloned by include */
  witc_span span;                     /* the name */
} witc_interface;

/* ---- worlds ------------------------------------------------------------------------ */

/* WorldKey: a plain name, or an interface id ("interface-N" in JSON). */
typedef struct witc_world_key {
  bool is_interface;
  witc_str name;
  witc_id iface;
} witc_world_key;

/* What a world import/export is (WorldItem). */
typedef enum witc_world_item_kind {
  WITC_WI_INTERFACE,
  WITC_WI_FUNCTION,
  WITC_WI_TYPE,
} witc_world_item_kind;

/* One world import/export (WorldItem). */
typedef struct witc_world_item {
  witc_world_item_kind kind;
  witc_id id;                      /* INTERFACE: interface id; TYPE: type id */
  witc_function func;              /* FUNCTION */
  const witc_stability *stability; /* INTERFACE (functions/types carry their own) */
  witc_str external_id;            /* INTERFACE */
  witc_str docs;                   /* INTERFACE */
  witc_span span;
} witc_world_item;

/* An import/export of a world: its key and item (one IndexMap entry). */
typedef struct witc_world_entry {
  witc_world_key key;
  witc_world_item item;
} witc_world_entry;

/* `from as to` of an include's `with { ... }`. */
typedef struct witc_include_name {
  witc_str from, to;
  witc_span span;
} witc_include_name;

/* An `include` awaiting processing (cleared once the world is elaborated). */
typedef struct witc_world_include {
  const witc_stability *stability;
  witc_id world;
  witc_vec(witc_include_name) names;
  witc_span span;
} witc_world_include;

/* A world (World): imports and exports in the reference's (elaborated) order. */
typedef struct witc_world {
  witc_str name;
  witc_vec(witc_world_entry) imports;
  witc_vec(witc_world_entry) exports;
  witc_id package;
  witc_str docs;
  const witc_stability *stability;
  witc_vec(witc_world_include) includes;
  witc_span span; /* the name */
} witc_world;

/* ---- packages ---------------------------------------------------------------------- */

/* A package (Package): its name and its named interfaces and worlds. */
typedef struct witc_package {
  witc_package_name name;
  witc_str docs;
  witc_vec(witc_named_id) interfaces; /* named interfaces, arena order */
  witc_vec(witc_named_id) worlds;
  witc_span span; /* the name in the `package` header */
} witc_package;

/* ---- the unresolved stage (one package; resolve_pkg.c's output) --------------------- */

/* A foreign interface or world referenced by name; `id` indexes the package's own
 * interfaces or worlds arena, where a placeholder (package NONE) stands in. */
typedef struct witc_foreign_item {
  witc_str name;
  bool is_world;
  witc_id id;
  witc_vec(const witc_stability *) stabilities; /* gates of the items that reference it */
  witc_span span;                               /* first reference */
} witc_foreign_item;

/* A package referenced from outside, with the items used from it. */
typedef struct witc_foreign_dep {
  witc_package_name name;
  witc_span span; /* first reference to the package */
  witc_vec(witc_foreign_item) items;
} witc_foreign_dep;

/* A type id with the span that referenced it. */
typedef struct witc_type_span {
  witc_id type;
  witc_span span;
} witc_type_span;

/* One package before cross-package resolution (UnresolvedPackage): ids index its own
 * arenas, foreign items are placeholders listed in foreign_deps. */
typedef struct witc_unresolved_package {
  witc_package_name name;
  witc_str docs;
  witc_span name_span;
  witc_vec(witc_world) worlds;
  witc_vec(witc_interface) interfaces;
  witc_vec(witc_typedef) types;
  witc_vec(witc_foreign_dep) foreign_deps; /* in first-reference order */
  /* Types used in own/borrow that must turn out to be resources once foreign types are
   * known ("type used in a handle must be a resource"). */
  witc_vec(witc_type_span) required_resource_types;
  witc_vec(uint32_t) files; /* source-map file indices this package came from */
  const char *context;      /* error prefix for this package's errors, "" when none */
} witc_unresolved_package;

/* One `SourceMap::parse` result: the package of the files plus the packages nested in
 * them with `package a:b { }`. */
typedef struct witc_unresolved_group {
  witc_unresolved_package main;
  witc_vec(witc_unresolved_package) nested;
} witc_unresolved_group;

/* ---- the resolved graph ------------------------------------------------------------ */

/* The resolved graph (Resolve): every package loaded into one compilation, ids indexing
 * these arenas (the order is the reference's; see the file comment). */
typedef struct witc_resolve {
  witc_arena *arena;
  witc_source_map *sources;
  witc_vec(witc_world) worlds;
  witc_vec(witc_interface) interfaces;
  witc_vec(witc_typedef) types;
  witc_vec(witc_package) packages;
  witc_strmap package_index; /* formatted package name -> package id */
  witc_vec(witc_str) features; /* enabled @unstable features */
  bool all_features;
} witc_resolve;

/* Initializes an empty graph; `arena` and `sources` must outlive it. */
void witc_resolve_init(witc_resolve *self, witc_arena *arena, witc_source_map *sources);
/* Enables one feature (`--features a,b` splits on ',' before calling this). */
void witc_resolve_enable_feature(witc_resolve *self, witc_str feature);
/* True when all_features is set or `feature` was enabled. */
bool witc_resolve_feature_enabled(const witc_resolve *self, witc_str feature);

/* Looks up a type by name in an interface: its id, or WITC_ID_NONE. */
witc_id witc_interface_type(const witc_interface *iface, witc_str name);
/* Looks up a function by name in an interface (NULL when absent). */
witc_function *witc_interface_func(witc_interface *iface, witc_str name);

/* Follows `type a = b` aliases from `t` to the underlying type (a builtin, or a non-alias
 * definition). */
witc_type witc_resolve_unalias(const witc_resolve *self, witc_type t);

#endif

/* ast.h: the syntax tree of one WIT file, as parse.c builds it (grammar: wit-language.md §3;
 * it mirrors wit-parser's ast.rs). All nodes live in the compilation arena; every name is a
 * witc_str slice of the source text (or an arena copy for docs), every node has a span.
 *
 * Docs: the parser attaches the normalized documentation (wit-language.md §6: every comment
 * between the previous token and the item) to each item that can carry docs; `docs.ptr ==
 * NULL` means "no comments at all". */
#ifndef WITC_AST_H
#define WITC_AST_H

#include "base.h"

/* A type expression (§3.5); defined below. */
typedef struct ast_type ast_type;

/* An identifier after `%` stripping and kebab-case validation. */
typedef struct ast_id {
  witc_str name;
  witc_span span;
} ast_id;

/* A SemVer version: the three numbers plus the pre-release and build text (without the
 * leading '-'/'+'; absent when not written). `text` is the whole version as written. */
typedef struct ast_version {
  uint64_t major, minor, patch;
  witc_str pre, build;
  witc_str text;
  witc_span span;
} ast_version;

/* ns:name[@version] */
typedef struct ast_package_name {
  ast_id ns, name;
  bool has_version;
  ast_version version;
  witc_span span; /* the whole name */
} ast_package_name;

/* A use-path: either a local name (`foo`) or `ns:pkg/name[@version]`. */
typedef struct ast_use_path {
  bool is_package;
  ast_id name;          /* local: the name; package form: the interface/world name */
  ast_package_name pkg; /* package form only */
  witc_span span;
} ast_use_path;

/* The gate and id attributes (§3.2). */
typedef enum ast_attr_kind {
  AST_ATTR_SINCE,       /* @since(version = V) */
  AST_ATTR_UNSTABLE,    /* @unstable(feature = F) */
  AST_ATTR_DEPRECATED,  /* @deprecated(version = V) */
  AST_ATTR_EXTERNAL_ID, /* @external-id("...") */
} ast_attr_kind;

/* One attribute as written (ast.rs Attribute). */
typedef struct ast_attr {
  ast_attr_kind kind;
  ast_version version; /* since, deprecated */
  ast_id feature;      /* unstable */
  witc_str string;     /* external-id: the decoded literal (arena copy) */
  witc_span span;      /* from '@' to ')' */
} ast_attr;

/* The attributes before an item, in source order. */
typedef witc_vec(ast_attr) ast_attrs;

/* ---- types ------------------------------------------------------------------------- */

/* The type forms of §3.5: the builtins, then the named and structural forms. */
typedef enum ast_type_kind {
  AST_TY_BOOL, AST_TY_U8, AST_TY_U16, AST_TY_U32, AST_TY_U64,
  AST_TY_S8, AST_TY_S16, AST_TY_S32, AST_TY_S64,
  AST_TY_F32, AST_TY_F64, AST_TY_CHAR, AST_TY_STRING, AST_TY_ERROR_CONTEXT,
  AST_TY_NAME,       /* a named type or resource: `foo` */
  AST_TY_OWN,        /* own<id> */
  AST_TY_BORROW,     /* borrow<id> */
  AST_TY_LIST,       /* list<T> */
  AST_TY_FIXED_LIST, /* list<T, N> */
  AST_TY_MAP,        /* map<K, V> */
  AST_TY_OPTION,     /* option<T> */
  AST_TY_RESULT,     /* result, result<T>, result<_, E>, result<T, E> */
  AST_TY_TUPLE,      /* tuple<T...> */
  AST_TY_FUTURE,     /* future, future<T> */
  AST_TY_STREAM,     /* stream, stream<T> */
} ast_type_kind;

struct ast_type {
  ast_type_kind kind;
  witc_span span;
  union {
    ast_id name;     /* NAME, OWN, BORROW: the referenced identifier */
    ast_type *elem;  /* LIST, OPTION; FUTURE/STREAM (NULL = no payload) */
    struct {
      ast_type *elem;
      uint32_t size;
    } fixed;         /* FIXED_LIST */
    struct {
      ast_type *key, *value;
    } map;           /* MAP */
    struct {
      ast_type *ok, *err; /* either may be NULL */
    } result;        /* RESULT */
    witc_vec(ast_type *) tuple; /* TUPLE */
  } u;
};

/* ---- functions --------------------------------------------------------------------- */

/* `name: type` in a parameter list. */
typedef struct ast_param {
  ast_id name;
  ast_type *type;
} ast_param;

/* A function signature: `[async] func(params) [-> result]` (§3.3). */
typedef struct ast_func {
  bool is_async;
  witc_vec(ast_param) params;
  ast_type *result; /* NULL: no result */
  witc_span span;   /* from `async`/`func` to the end of the signature */
} ast_func;

/* ---- type definitions -------------------------------------------------------------- */

/* A record field, variant case, enum case or flag, with its docs (§3.4). */
typedef struct ast_field {
  witc_str docs;
  ast_id name;
  ast_type *type; /* record field type; variant case payload (NULL when none) */
} ast_field;

/* The members of a resource body (§3.4). */
typedef enum ast_resource_func_kind {
  AST_RES_CONSTRUCTOR,
  AST_RES_METHOD,
  AST_RES_STATIC,
} ast_resource_func_kind;

/* One resource member: constructor, method or static function. */
typedef struct ast_resource_func {
  ast_resource_func_kind kind;
  witc_str docs;
  ast_attrs attrs;
  ast_id name;   /* for a constructor: the `constructor` keyword's span, name "constructor" */
  ast_func func; /* constructor: params and optional `-> T`; is_async false */
} ast_resource_func;

/* The type definition forms of §3.4. */
typedef enum ast_typedef_kind {
  AST_TD_ALIAS,    /* type x = T; */
  AST_TD_RECORD,   /* fields */
  AST_TD_VARIANT,  /* fields (payload optional) */
  AST_TD_ENUM,     /* fields (names only) */
  AST_TD_FLAGS,    /* fields (names only) */
  AST_TD_RESOURCE, /* resource x; or resource x { funcs } */
} ast_typedef_kind;

/* A type definition in an interface or world (ast.rs TypeDef). */
typedef struct ast_typedef {
  ast_typedef_kind kind;
  witc_str docs;
  ast_attrs attrs;
  ast_id name;
  ast_type *alias;                    /* ALIAS */
  witc_vec(ast_field) fields;         /* RECORD, VARIANT, ENUM, FLAGS */
  witc_vec(ast_resource_func) funcs;  /* RESOURCE */
  witc_span span;                     /* the whole definition */
} ast_typedef;

/* ---- use --------------------------------------------------------------------------- */

/* One name of a `use` list, optionally renamed: `a` or `a as b`. */
typedef struct ast_use_name {
  ast_id name;
  bool has_as;
  ast_id as;
} ast_use_name;

/* `use path.{a, b as c};` inside an interface or world. */
typedef struct ast_use {
  ast_attrs attrs;
  ast_use_path path;
  witc_vec(ast_use_name) names;
  witc_span span;
} ast_use;

/* ---- interfaces -------------------------------------------------------------------- */

/* What an interface body item is (§3.3). */
typedef enum ast_iface_item_kind {
  AST_II_USE,
  AST_II_TYPEDEF,
  AST_II_FUNC,
} ast_iface_item_kind;

/* `name: func(...)` in an interface, with its docs and attributes. */
typedef struct ast_named_func {
  witc_str docs;
  ast_attrs attrs;
  ast_id name;
  ast_func func;
} ast_named_func;

/* One interface body item (the union member `kind` names). */
typedef struct ast_iface_item {
  ast_iface_item_kind kind;
  union {
    ast_use *use;
    ast_typedef *typedef_;
    ast_named_func *func;
  } u;
} ast_iface_item;

/* The items of an interface body, in source order. */
typedef witc_vec(ast_iface_item) ast_iface_items;

/* `interface name { items }` (§3.3). */
typedef struct ast_interface {
  witc_str docs;
  ast_attrs attrs;
  ast_id name;
  ast_iface_items items;
  witc_span span;
} ast_interface;

/* ---- worlds ------------------------------------------------------------------------ */

/* The forms of what follows `import` / `export` in a world (§3.6). */
typedef enum ast_extern_kind {
  AST_EXTERN_INTERFACE, /* name: interface { items } (inline) */
  AST_EXTERN_PATH,      /* use-path;                           */
  AST_EXTERN_NAMED,     /* name: use-path;  ("implements")      */
  AST_EXTERN_FUNC,      /* name: func(...);                     */
} ast_extern_kind;

/* The target of one world import or export. */
typedef struct ast_extern {
  ast_extern_kind kind;
  ast_id name;           /* INTERFACE, NAMED, FUNC */
  ast_use_path path;     /* PATH, NAMED */
  ast_iface_items items; /* INTERFACE */
  ast_func func;         /* FUNC */
  witc_span span;
} ast_extern;

typedef struct ast_include_name {
  ast_id from, to; /* `from as to` */
} ast_include_name;

/* `include path [with { a as b, ... }];` in a world (§3.6). */
typedef struct ast_include {
  ast_attrs attrs;
  ast_use_path path;
  witc_vec(ast_include_name) with;
  witc_span span;
} ast_include;

/* What a world body item is (§3.6). */
typedef enum ast_world_item_kind {
  AST_WI_IMPORT,
  AST_WI_EXPORT,
  AST_WI_USE,
  AST_WI_TYPEDEF,
  AST_WI_INCLUDE,
} ast_world_item_kind;

/* One world body item (the union member `kind` names). */
typedef struct ast_world_item {
  ast_world_item_kind kind;
  witc_str docs;   /* IMPORT, EXPORT (typedefs keep their docs in the typedef) */
  ast_attrs attrs; /* IMPORT, EXPORT */
  union {
    ast_extern *ext;    /* IMPORT, EXPORT */
    ast_use *use;
    ast_typedef *typedef_;
    ast_include *include;
  } u;
} ast_world_item;

/* `world name { items }` (§3.6). */
typedef struct ast_world {
  witc_str docs;
  ast_attrs attrs;
  ast_id name;
  witc_vec(ast_world_item) items;
  witc_span span;
} ast_world;

/* ---- files ------------------------------------------------------------------------- */

/* A top-level `use path [as name];`. The grammar lets attributes precede it; they are
 * kept here and refused by the per-package resolver ("attributes not allowed on top-level
 * use", underlining the `use` keyword: span.start to span.start + 3). */
typedef struct ast_toplevel_use {
  ast_use_path path;
  bool has_as;
  ast_id as;
  witc_span span; /* from the `use` keyword to the ';' */
  ast_attrs attrs;
} ast_toplevel_use;

/* What a top-level item (of a file or a nested package) is (§3.1). */
typedef enum ast_item_kind {
  AST_ITEM_INTERFACE,
  AST_ITEM_WORLD,
  AST_ITEM_USE,
  AST_ITEM_PACKAGE, /* nested package block; one inside another is kept in the tree (depth
                     * capped at 100 by the parser) and refused by the per-package
                     * resolver */
} ast_item_kind;

/* `package ns:name { items }` inside a file (§3.1); defined below. */
typedef struct ast_nested_package ast_nested_package;

/* One top-level item (the union member `kind` names). */
typedef struct ast_item {
  ast_item_kind kind;
  union {
    ast_interface *iface;
    ast_world *world;
    ast_toplevel_use *use;
    ast_nested_package *package;
  } u;
} ast_item;

/* Top-level items in source order. */
typedef witc_vec(ast_item) ast_items;

struct ast_nested_package {
  witc_str docs;
  ast_package_name name;
  ast_items items; /* interfaces, worlds, top-level uses; packages only when invalid */
  witc_span span;
};

/* One parsed file. */
typedef struct ast_file {
  uint32_t file_index;     /* index in the witc_source_map */
  bool has_package;        /* a `package ns:name[@v];` header */
  witc_str package_docs;
  ast_package_name package;
  witc_span package_span;  /* span of the header's package name */
  ast_items items;
} ast_file;

#endif

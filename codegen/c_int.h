/* c_int.h: what the files of the C back end share (private to codegen/c_*.c).
 *
 * The generator keeps one table of C types ("ctype"s). A WIT type gets one ctype per side
 * it is seen from (an interface that is both imported and exported has an import copy and
 * an `exports_` copy); ctypes are deduplicated by a structural key built from the C names
 * of their members, and every emitted C identifier is claimed in one global name table,
 * which renames deterministically on a clash (notes are reported, generation never
 * aborts). */
#ifndef WITC_C_INT_H
#define WITC_C_INT_H

#include "c_gen.h"

/* The side a type or function is seen from: an import of the world or (`exports_` names)
 * an export. Used as an index (cg_iface.key[side]). */
enum { SIDE_IMPORT = 0, SIDE_EXPORT = 1 };

/* Walk modes of the generated per-type walkers (the .c file's `<base>__walk`). */
enum { WALK_MEM = 1, WALK_DROP = 2, WALK_END_BORROW = 4, WALK_FORGET = 8 };

/* What kind of C type a ctype is. */
typedef enum ckind {
  CK_PRIM,     /* bool, integers, floats, char: t.tag says which */
  CK_STRING,
  CK_RECORD, CK_TUPLE, CK_VARIANT, CK_ENUM, CK_FLAGS, CK_OPTION, CK_RESULT,
  CK_LIST, CK_FIXED, CK_MAP, CK_ALIAS,
  CK_RESOURCE, /* a resource definition (res_exported says which side) */
  CK_OWN,      /* own/borrow handles: `res` is the resource ctype */
  CK_BORROW,
} ckind;

/* One C type the bindings declare or use: its names, members (by ctype index) and what
 * its values hold. Entries of cg.types, addressed by 0-based index; strings are arena's. */
typedef struct ctype {
  ckind kind;
  witc_type t;           /* the WIT type */
  int side;
  const char *name;      /* C type name ("..._t"); NULL for an imported resource */
  const char *base;      /* name without "_t": <base>_free, <base>__walk */
  const char *shouty;    /* SHOUTY base for case/flag macros */
  const char *enc;       /* short structural name used inside anonymous type names */
  const char *scope;     /* prefix of the first named type inside, NULL when none */
  uint32_t *members;     /* ctype indices (UINT32_MAX: no payload) */
  const char **mnames;   /* member identifiers (fields, cases, flags) */
  const char **macros;   /* case / flag macro names (variant, enum, flags) */
  const char **macro_targets; /* CK_ALIAS export copies: the import copy's macros */
  uint32_t nmacros;
  bool export_alias;     /* a CK_ALIAS export copy of a handle-free import type */
  uint32_t nmembers;
  uint32_t count;        /* fixed-length list length */
  uint32_t res;          /* CK_OWN/CK_BORROW: the resource ctype */
  bool mem, own, borrow; /* holds memory / own handles / borrows of imported resources */
  uint8_t state;         /* 0 new, 1 being defined, 2 defined */
  uint32_t ua;           /* this ctype with every CK_ALIAS followed (cg_unalias) */
  /* resources */
  bool res_exported;
  const witc_world_key *key; /* the resource's world item (NULL: world level) */
  witc_str wit_name;
  const char *own_name, *borrow_name, *prefix, *rsnake;
} ctype;

/* A frame of cg_type's walk (c_types.c): the (type, context) slot, its pairs in cg.kids. */
typedef struct cg_tframe {
  uint32_t slot, kid0, nkids, next;
} cg_tframe;

/* A frame of the flat lowering/lifting walk (c_flat.c). */
typedef struct cg_fframe {
  uint32_t i;            /* the ctype (aliases followed) */
  uint32_t plen;         /* length of its expression in cg.path */
  uint32_t next;         /* next member or case */
  uint32_t start, width; /* variants: first payload slot, number of payload slots */
  int ind;               /* indentation */
  uint8_t phase;         /* 0 enter, 1 members, 2 cases */
  bool open;             /* a case block is open */
} cg_fframe;

/* Per interface id: how the world reaches it on each side (SIDE_* index). */
typedef struct cg_iface {
  const witc_world_key *key[2]; /* world key when imported / exported, or NULL */
  const char *prefix[2];
} cg_iface;

/* The state of one witc_gen_c call: the world, the ctype table, the claimed C names and
 * the output sections (heap buffers, assembled into <world>.h / <world>.c at the end). */
typedef struct cg {
  const witc_resolve *r;
  const witc_world *w;
  witc_arena *arena;
  witc_abi abi;    /* wasm32 numbers */
  witc_abi abi64;  /* the same layout with 8-byte pointers (64-bit hosts) */
  witc_mangling mangling;
  witc_diags *diags;
  const char *ws;  /* world name, snake_case */
  const char *WS;  /* world name, SHOUTY */
  cg_iface *ifaces; /* per interface id */
  /* ctypes */
  witc_vec(ctype) types;
  uint32_t *tcache; /* (type id * 2 + ctx) -> ctype index + 1, 0 = not yet */
  uint8_t *tvisit;  /* (type id * 2 + ctx) -> on the stack of cg_type's walk */
  uint8_t *handles; /* type id -> holds handles: 0 unknown, 1 being computed, 2 no, 3 yes */
  witc_type *unal;  /* type id -> cg_wit_unalias of an alias (tag NONE: not known yet) */
  witc_vec(uint32_t) kids;  /* cg_type's walk: the pairs each frame will ask for */
  witc_vec(cg_tframe) tstack; /* cg_type's walk: its frames */
  witc_vec(uint32_t) dstack; /* cg_define's walk: ctype indices */
  witc_vec(cg_fframe) fstack; /* cg_lower / cg_lift: the walk's frames */
  witc_vec(char) path;        /* cg_lower / cg_lift: the C expression being visited */
  witc_strmap type_keys; /* structural key -> ctype index */
  witc_strmap names;     /* claimed C identifiers */
  witc_strmap note_set;  /* notes already reported */
  bool uses_f32_join, uses_f64_join;
  /* outputs */
  witc_buf h_types, h_imports, h_exports, h_helpers;
  witc_buf c_imports, c_helpers, c_glue;
  witc_buf *notes;
} cg;

/* ---- c_names.c ------------------------------------------------------------------------- */

/* Moves the text built in heap buffer `b` into the arena and deletes `b`. A buffer whose
 * allocation failed is raised as an arena allocation failure (the out-of-memory jump), so a
 * name is never silently empty. Build such buffers without arena allocations in between:
 * a jump would leak them. */
const char *cg_buf_str(cg *g, witc_buf *b);
/* Arena copies of `s` in snake_case / SHOUTY_CASE. */
const char *cg_snake(cg *g, witc_str s);
const char *cg_shouty(const char *snake, cg *g);
/* snake_case identifier (a parameter, field or case) escaped against C/C++ keywords, the
 * standard names the generated code uses, gcc's predefined lower-case macros and every C
 * name of the bindings claimed so far (a trailing '_' is added, the rename noted). Create
 * the ctypes of the declaration it appears in first, so that their names are claimed.
 * `what` describes the item for the note. */
const char *cg_ident(cg *g, witc_str s, const char *what);
/* Claims the reserved identifiers of cg_ident in the global name table (first of all). */
void cg_reserve_names(cg *g);
/* Is `s` a claimed (or reserved) global C name? */
bool cg_name_taken(cg *g, const char *s);
/* Claims a global C identifier: returns `want`, or want_2, want_3, ... when taken (noted). */
const char *cg_claim(cg *g, const char *want, const char *what);
/* Writes a WIT doc comment as a C comment at indentation `ind` (no output without docs);
 * `witc:` directive lines are left out, and the text is escaped so that it cannot end or
 * nest the comment, form a trigraph or splice a line (docs/gen-c.md "Doc comments");
 * `extra` (may be NULL) is appended as a last paragraph (the ownership note). */
void cg_doc(cg *g, witc_buf *b, witc_str docs, const char *extra, int ind);
/* The C prefix of interface `iface` seen from `side` (snake parts, version when several
 * versions of its package are present, `exports_` for the export copy). */
const char *cg_iface_prefix(cg *g, witc_id iface, int side);
/* The side an item owned by interface `iface` has when seen from context `ctx`. */
int cg_iface_side(cg *g, witc_id iface, int ctx);
/* Adds "note: <message>\n" to the notes (once per distinct message). */
void cg_note(cg *g, const char *fmt, ...) WITC_PRINTF(2, 3);

/* ---- c_types.c ------------------------------------------------------------------------- */

/* Creates the builtin ctypes (index = witc_type_tag). */
void cg_types_init(cg *g);
/* The ctype of WIT type `t` seen from `ctx` (SIDE_IMPORT / SIDE_EXPORT). */
uint32_t cg_type(cg *g, witc_type t, int ctx);
/* ctype `i` (valid until the next ctype is added). */
static inline ctype *cg_ct(cg *g, uint32_t i) { return &g->types.items[i]; }
/* Emits the definition of ctype `i` (and of everything it uses) once. */
void cg_define(cg *g, uint32_t i);
/* C spelling of a ctype in a declaration ("uint32_t", "ns_pkg_i_r_t"). */
const char *cg_cname(cg *g, uint32_t i);
/* Follows CK_ALIAS ctypes to the underlying one (O(1)). */
uint32_t cg_unalias(cg *g, uint32_t i);
/* Parameters of this ctype are passed by pointer (strings and aggregates). */
bool cg_by_pointer(cg *g, uint32_t i);
/* Emits, at indentation `ind`, the walk of the value at lvalue `expr` of ctype `i` with
 * the walk mode expression `mode` (no output when the type holds nothing to walk). */
void cg_emit_walk(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *mode, int ind);
/* The type holds something a walk of `mode` (a WALK_* mask) touches. */
bool cg_walks(cg *g, uint32_t i, unsigned mode);
/* "sizeof(void *) == 4 ? a : b" text for a wasm32/64-bit layout pair. */
const char *cg_ptrsel(cg *g, uint32_t a32, uint32_t a64);

/* Member type slots of a WIT typedef (fields, cases, tuple items, element, ok/err,
 * key/value, an alias's target, a handle's resource) and slot k of them (WITC_T_NONE for
 * a case without a payload or a missing result side). */
uint32_t cg_wit_nkids(const witc_typedef *td);
/* witc_resolve_unalias, memoized per type id (g->unal), so chains of aliases cost linear
 * time overall. */
witc_type cg_wit_unalias(cg *g, witc_type t);
witc_type cg_wit_kid(const witc_typedef *td, uint32_t k);

/* ---- c_flat.c: flat lowering and lifting --------------------------------------------- */

/* C type of a core value ("int32_t", ...). */
const char *cg_core_ctype(witc_core c);
/* Emits, at indentation `ind`, statements storing the flat values (§4 order) of the value
 * at `expr` (ctype `i`) into slot variables `<slot>K`, K from *k on (advanced past them);
 * slots[K] is slot K's core type (joined for variant payloads), converted to as §4 says. */
void cg_lower(cg *g, witc_buf *b, uint32_t i, const char *expr, const char *slot,
              const witc_core *slots, uint32_t *k, int ind);
/* The inverse of cg_lower: emits statements setting lvalue `dst` (ctype `i`) from slot
 * variables `<slot>K` of core types slots[K], K from *k on (advanced). */
void cg_lift(cg *g, witc_buf *b, uint32_t i, const char *dst, const char *slot,
             const witc_core *slots, uint32_t *k, int ind);

/* ---- c_import.c / c_export.c ------------------------------------------------------------ */

/* One function's C view: C name, parameter ctypes and names, how the result is returned
 * (0 nothing, 1 by value, 2 through `T *ret`), and the core signature. */
typedef struct cg_fn {
  const witc_function *f;
  const char *cname;
  uint32_t *pt;
  const char **pn;
  uint32_t rt; /* result ctype or UINT32_MAX */
  int ret_mode;
  witc_core_sig sig;
} cg_fn;

/* Fills *fn for `f` under `prefix` seen from `side` (claims the C name). */
void cg_fn_init(cg *g, cg_fn *fn, const witc_function *f, const char *prefix, int side);
/* Writes "RET NAME(PARAMS)" (no ';') for the user-facing C function. */
void cg_fn_proto(cg *g, witc_buf *b, const cg_fn *fn, int side);
/* Writes "struct NAME__params { ... };" (the spilled-params tuple) and its layout asserts. */
void cg_fn_params_struct(cg *g, witc_buf *b, const cg_fn *fn);
/* Writes a C string literal for `s` (core names: no escapes needed beyond '"' and '\\'). */
void cg_cstr(witc_buf *b, const char *s);

/* Glue for one imported / exported function of world item `key` (NULL: world level), with
 * C prefix `prefix`. */
void cg_import_func(cg *g, const witc_world_key *key, const char *prefix, const witc_function *f);
void cg_export_func(cg *g, const witc_world_key *key, const char *prefix, const witc_function *f);
/* Resource helpers (drop/borrow for imported resources; new/rep/drop and the destructor
 * trampoline for exported ones). Called once per resource by cg_define. */
void cg_import_resource(cg *g, ctype *res);
void cg_export_resource(cg *g, ctype *res);

/* Writes indentation level `ind` (2 spaces per level). */
void cg_ind(witc_buf *b, int ind);

#endif

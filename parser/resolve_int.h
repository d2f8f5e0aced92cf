/* resolve_int.h: what fs.c, resolve.c and elaborate.c share (not a public API).
 *
 * One push (push_path/push_str) runs with one rs_ctx: the graph, the diagnostic sink and
 * the error prefix the reference's context layers add. Appending one package runs with
 * one rs_remap (wit-parser's Remap): unresolved id -> resolved id for each arena. */
#ifndef WITC_RESOLVE_INT_H
#define WITC_RESOLVE_INT_H

#include "model.h"
#include "source.h"

/* ---- u32 -> u32 hash map (open addressing, arena-backed) ----------------------------- */

/* Keys are arbitrary u32 ids except UINT32_MAX; the zeroed struct is an empty map. */
typedef struct rs_u32map {
  uint32_t *slots; /* key/value pairs; key UINT32_MAX marks an empty slot */
  uint32_t cap, len;
} rs_u32map;

/* Returns true and sets *val (when non-NULL) if `key` is present. */
bool rs_u32map_get(const rs_u32map *self, uint32_t key, uint32_t *val);
/* Inserts or overwrites key -> val. `key` must not be UINT32_MAX. */
void rs_u32map_put(rs_u32map *self, witc_arena *a, uint32_t key, uint32_t val);

/* ---- arena string builder (no heap buffer to leak when the arena longjmps on OOM) ---- */

/* Text growing in arena `a` (the zeroed struct with `a` set is empty). */
typedef struct rs_sb {
  witc_arena *a;
  char *p;
  size_t len, cap;
} rs_sb;

/* Appends printf-formatted text (may longjmp on out of memory, like any arena use). */
void rs_sb_printf(rs_sb *sb, const char *fmt, ...) WITC_PRINTF(2, 3);
/* The text so far (NUL-terminated, "" when empty). */
const char *rs_sb_str(const rs_sb *sb);

/* ---- one push ----------------------------------------------------------------------- */

/* The state of one push (see the file comment). */
typedef struct rs_ctx {
  witc_resolve *r;
  witc_diags *diags;
  const char *context;           /* prefix of every error of this stage ("" when none) */
  witc_vec(uint8_t) borrow_memo; /* per type id: TF_* flags (see type_flags in resolve.c) */
} rs_ctx;

/* Appends an error with the current context; always returns false (for `return rs_error`). */
bool rs_error(rs_ctx *cx, witc_span span, const char *fmt, ...) WITC_PRINTF(3, 4);

/* ---- one package append (Remap) -------------------------------------------------------- */

/* The state of appending one unresolved package `u` as package `pkgid` (Remap::append). */
typedef struct rs_remap {
  rs_ctx *cx;
  const witc_unresolved_package *u;
  witc_id pkgid;
  /* unresolved id -> resolved id; WITC_ID_NONE = left out by a feature gate. Entries at
   * [n..) are not registered yet. */
  witc_id *types, *ifaces, *worlds;
  uint32_t ntypes, nifaces, nworlds;
  rs_u32map own; /* referenced type id -> the anonymous own<T> made for it */
} rs_remap;

/* wit-parser's include_stability: 1 keep, 0 gated out, -1 error (reported at `span`). The
 * stability helpers take NULL for "no gate" (model.h). */
int rs_include_stability(rs_remap *rm, const witc_stability *s, witc_span span);
/* Maps an unresolved world id (reports the gated-out error at `span`). */
bool rs_map_world(rs_remap *rm, witc_id *id, witc_span span);

/* Type and stability helpers shared with the elaboration. Owners are equal when of the same
 * kind and (unless NONE) the same id; stabilities when of the same kind with equal
 * versions or feature and the same @deprecated (Stability's PartialEq). */
bool rs_owner_eq(witc_owner a, witc_owner b);
bool rs_stability_eq(const witc_stability *a, const witc_stability *b);
/* Rust's Debug rendering of a Stability (used by "mismatch in stability" messages). */
const char *rs_stability_debug(witc_arena *a, const witc_stability *s);
/* "ns:pkg/name[@version]" of a named interface (Resolve::id_of); NULL for anonymous. */
const char *rs_id_of(const witc_resolve *r, witc_id iface);
/* The interface a `use`-alias type comes from when it differs from the alias' owner
 * (Resolve::type_interface_dep), else WITC_ID_NONE. */
witc_id rs_type_interface_dep(const witc_resolve *r, witc_id t);

/* Walks the type-id children of `td` in order: returns true and the next child at or after
 * *cursor (advancing it), false at the end. */
bool rs_typedef_next_child(const witc_typedef *td, uint32_t *cursor, witc_id *out);

/* ---- elaborate.c --------------------------------------------------------------------- */

/* Applies the world's includes, checks case-insensitive name clashes, then elaborates
 * it (implicit imports, export consistency, canonical order). Returns false after
 * reporting the first error through rm->cx. */
bool rs_finish_world(rs_remap *rm, witc_id world);

/* ---- resolve.c entry used by fs.c ------------------------------------------------------ */

/* wit-parser's sort_unresolved_packages: `main` plus `deps` (ndeps groups) are checked for
 * duplicates, ordered by the package DFS and appended. Returns the main package id, or
 * WITC_ID_NONE after reporting the first error through `cx`. */
witc_id rs_push_groups(rs_ctx *cx, witc_unresolved_group *main, witc_unresolved_group *deps,
                       uint32_t ndeps);

#endif

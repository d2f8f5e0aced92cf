/* abi.h: the one model of the canonical ABI (docs/canonical-abi.md) that every back end
 * uses: size and alignment of every type (§2), record field offsets, variant discriminant
 * size and payload offset, flags storage, flattening with join (§4), the spilling rules of
 * MAX_FLAT_PARAMS / MAX_FLAT_RESULTS, and the core import/export names of both manglings
 * (§8). `witc abi` prints what this module computes and the C generator emits code from it;
 * neither recomputes anything.
 *
 * Layout is computed for a pointer size (4: wasm32; 8: wasm64, whose numbers equal the C
 * layout of the generated structs on a 64-bit host). Every result is a plain number. All
 * memory (flattenings, names) comes from the arena given to witc_abi_init. */
#ifndef WITC_ABI_H
#define WITC_ABI_H

#include "../parser/base.h"
#include "../parser/model.h"

#define WITC_ABI_MAX_FLAT_PARAMS 16
#define WITC_ABI_MAX_FLAT_RESULTS 1

/* A core wasm value type. */
typedef enum witc_core { WITC_CORE_I32, WITC_CORE_I64, WITC_CORE_F32, WITC_CORE_F64 } witc_core;

/* "i32", "i64", "f32", "f64". */
const char *witc_core_name(witc_core c);

/* A sequence of core value types (a flattening, a signature's params or results); arena
 * storage. */
typedef witc_vec(witc_core) witc_core_vec;

/* Size and alignment in bytes (canonical-abi.md §2). */
typedef struct witc_layout {
  uint32_t size, align;
} witc_layout;

/* What the model knows about one type definition (abi.c; computed once per type id). */
typedef struct witc_abi_info witc_abi_info;
/* One frame of the model's explicit work stack (abi.c). */
typedef struct witc_abi_frame witc_abi_frame;

/* The ABI model of one graph for one pointer size. Every per-type fact (layout, field
 * offsets, variant layout, flat count and the first values of the flattening, whether it
 * holds buffers, validity) is computed once per type id, children before parents, with an
 * explicit stack: no input-driven recursion, and the cost is linear in the size of the
 * graph however deep its types nest. */
typedef struct witc_abi {
  const witc_resolve *resolve;
  witc_arena *arena;
  uint32_t ptrsize;      /* 4 or 8 */
  witc_abi_info *info;   /* per type id */
  uint32_t ninfo;
  witc_abi_frame *stack; /* the work stack of the per-type computation */
  uint32_t stack_cap;
} witc_abi;

/* Prepares the ABI model over `resolve` for pointer size `ptrsize` (4 or 8). The resolve and
 * the arena must outlive it. Types added to the resolve later are taken in when first asked
 * about; a type already computed is not recomputed (do not change it afterwards). */
void witc_abi_init(witc_abi *self, const witc_resolve *resolve, witc_arena *arena,
                   uint32_t ptrsize);

/* align_to(x, a) = ceil(x / a) * a, for a power-of-two `a`. */
uint32_t witc_abi_align_to(uint32_t x, uint32_t a);

/* Size and alignment of value type `t` (aliases followed; a resource in value position is
 * an own handle). Empty records, tuples and flags get size 0 and alignment 1 (they are not
 * valid component types: witc_abi_type_fault says so). Sizes saturate at UINT32_MAX. */
witc_layout witc_abi_layout(witc_abi *self, witc_type t);
/* witc_abi_layout(self, t).size and .align. */
uint32_t witc_abi_size(witc_abi *self, witc_type t);
uint32_t witc_abi_align(witc_abi *self, witc_type t);

/* Lays out `n` values in order like a record (each at align_to(offset, align)): writes the
 * offset of each into offsets[0..n) (when non-NULL) and returns the total, rounded up to
 * the largest alignment (minimum 1). Function parameters spilled to memory use this. */
witc_layout witc_abi_tuple_layout(witc_abi *self, const witc_type *types, uint32_t n,
                                  uint32_t *offsets);

/* Offset of field/element `index` of the record or tuple `t` (aliases followed). */
uint32_t witc_abi_field_offset(witc_abi *self, witc_type t, uint32_t index);

/* Discriminant size in bytes for a variant of `ncases` cases: 1 up to 256, 2 up to 65536,
 * else 4. */
uint32_t witc_abi_discriminant_size(uint32_t ncases);

/* Flags storage in bytes for `n` labels: 1 (n <= 8), 2 (<= 16), 4 (<= 32); beyond 32 the
 * legacy wit-parser representation of ceil(n/32) 32-bit words. 0 for n == 0. */
uint32_t witc_abi_flags_size(uint32_t n);

/* The variant view of a type (canonical-abi.md §1 despecialization): variant, enum, option
 * (none, some) and result (ok, error). Returns false for any other type. */
bool witc_abi_is_variant(const witc_abi *self, witc_type t);
/* Number of cases of a variant-like type (0 when `t` is not one). */
uint32_t witc_abi_case_count(const witc_abi *self, witc_type t);
/* Payload type of case `i` (WITC_T_NONE when the case has none). */
witc_type witc_abi_case_type(const witc_abi *self, witc_type t, uint32_t i);

/* How a variant-like value sits in memory (canonical-abi.md §2): the discriminant at 0,
 * the payload of any case at payload_offset; sizes and offsets in bytes. */
typedef struct witc_variant_layout {
  uint32_t disc_size;      /* 1, 2 or 4 */
  uint32_t payload_offset; /* align_to(disc_size, max payload alignment) */
  uint32_t payload_size;   /* max payload size */
  uint32_t size, align;
} witc_variant_layout;

/* Layout of a variant-like type; returns false (and zeroes *out) for other types. */
bool witc_abi_variant_layout(witc_abi *self, witc_type t, witc_variant_layout *out);

/* join of two core types (§4): equal stays, i32+f32 -> i32, any other mix -> i64. */
witc_core witc_abi_join(witc_core a, witc_core b);

/* Number of core values `t` flattens to (§4), saturating at UINT32_MAX; computed
 * arithmetically (a fixed-length list of n elements: n times its element's count). */
uint32_t witc_abi_flat_count(witc_abi *self, witc_type t);

/* The longest flattening witc_abi_flatten spells out (no signature needs more than 17
 * values: beyond 16 parameters or 1 result they spill to memory). */
#define WITC_ABI_FLAT_MAX 64

/* Appends the flattening of `t` (§4, variants joined) to `out` when it has at most `max`
 * values and at most WITC_ABI_FLAT_MAX, and returns true. Otherwise returns false and
 * appends a prefix of at most `max` + 1 of its values (possibly fewer); the length is
 * witc_abi_flat_count. The work is proportional to what is appended, never to the length
 * of a fixed-length list or the depth of the type. */
bool witc_abi_flatten(witc_abi *self, witc_type t, uint32_t max, witc_core_vec *out);

/* Which side of the canonical ABI a function signature is for. */
typedef enum witc_abi_dir {
  WITC_ABI_IMPORT, /* canon lower: the guest calls it (an import of the world) */
  WITC_ABI_EXPORT, /* canon lift: the host calls it (an export of the world) */
} witc_abi_dir;

/* The core signature of a synchronous function (§4 "Function signatures").
 * params: the flat params, or one i32 when they spill (params_indirect); for an import
 * whose result spills, a trailing i32 return pointer (retptr) is appended.
 * results: the single flat result, nothing, or (export, results_indirect) one i32. */
typedef struct witc_core_sig {
  witc_core_vec params, results;
  bool params_indirect;  /* more than 16 flat params: one pointer to the params tuple */
  bool results_indirect; /* more than 1 flat result: through memory */
  bool retptr;           /* import: the trailing return-pointer parameter is present */
  uint32_t flat_params;  /* count before spilling (saturates at 17) */
  uint32_t flat_results; /* count before spilling (saturates at 2) */
} witc_core_sig;

/* Computes the core signature of `f` for direction `dir`. */
void witc_abi_func_sig(witc_abi *self, const witc_function *f, witc_abi_dir dir,
                       witc_core_sig *out);

/* Layout of the parameters of `f` as a tuple (the spilled-params block): offsets of each
 * parameter into offsets[0..f->params.len) when non-NULL. */
witc_layout witc_abi_params_layout(witc_abi *self, const witc_function *f, uint32_t *offsets);

/* Does a value of type `t` hold buffers in linear memory (strings, lists, maps, at any
 * depth)? Only then does a lifted export need a post-return to free its result. */
bool witc_abi_has_buffers(witc_abi *self, witc_type t);

/* ---- validity ------------------------------------------------------------------------ */

/* Why a type definition is not a valid component-model type (wasmparser's component
 * validation, which wit-component runs), judged on the type itself: a type that merely
 * contains a faulty type has no fault of its own. */
typedef enum witc_abi_fault {
  WITC_ABI_VALID,
  WITC_ABI_EMPTY_RECORD,          /* record with no fields */
  WITC_ABI_EMPTY_VARIANT,         /* variant with no cases */
  WITC_ABI_EMPTY_ENUM,            /* enum with no cases */
  WITC_ABI_EMPTY_FLAGS,           /* flags with no members */
  WITC_ABI_TOO_MANY_FLAGS,        /* more than 32 flags */
  WITC_ABI_EMPTY_TUPLE,           /* tuple<> */
  WITC_ABI_EMPTY_FIXED_LIST,      /* list<T, 0> */
  WITC_ABI_FIXED_LIST_TOO_LONG,   /* list<T, N> with N > 2^30 */
  WITC_ABI_DUPLICATE_NAME,        /* two fields, cases or flags named alike, ignoring case */
  WITC_ABI_TOO_LARGE,             /* 2^28 bytes or more, while each part is smaller */
} witc_abi_fault;

/* Largest valid fixed-length list length and the size limit (wasmparser's). */
#define WITC_ABI_MAX_FIXED_LIST (1u << 30)
#define WITC_ABI_MAX_SIZE (1u << 28) /* sizes must be below this */

/* The fault of type `t` itself (WITC_ABI_VALID for builtins, aliases and sound types). */
witc_abi_fault witc_abi_type_fault(witc_abi *self, witc_type t);

/* The diagnostic for a faulty type: "record `r` has no fields: not a valid component type"
 * (arena string), or NULL when `t` has no fault. */
const char *witc_abi_fault_message(witc_abi *self, witc_type t);

/* Reports, as errors in `diags` (may be NULL), every type reachable from world `w` (its
 * imports then exports; an interface's types, then its functions' parameters and results;
 * each type once, a type before the types it contains) that has a fault, at the type's
 * WIT location (a repeated name: that member's; an anonymous type without a location:
 * where it is used). Returns the number of errors. `witc abi` and `witc gen c` both refuse
 * a world on this verdict, so they report the same errors. */
uint32_t witc_abi_check_world(witc_abi *self, const witc_world *w, witc_diags *diags);

/* ---- core names (§8) ------------------------------------------------------------------- */

/* Which spelling of core import/export names (§8) a back end uses. */
typedef enum witc_mangling {
  WITC_MANGLING_LEGACY,     /* cabi_realloc, cabi_post_*, module#func (the default) */
  WITC_MANGLING_STANDARD32, /* cm32p2 names (component-model proposal #378) */
} witc_mangling;

/* A core import: (module, field). Arena strings. */
typedef struct witc_core_import {
  const char *module, *name;
} witc_core_import;

/* The world key as core names spell it: an interface key is "ns:pkg/iface@1.2.3" (full
 * version; with `canonical_version`, 1.2.3 -> 1, 0.2.6 -> 0.2, 0.0.1 stays, pre-releases
 * kept), a name key its name. Arena string. */
const char *witc_abi_key(witc_abi *self, const witc_world_key *key, bool canonical_version);

/* Import of function `f` of world item `key` (NULL: a world-level function). */
witc_core_import witc_abi_import_func(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                      const witc_function *f);
/* Export name of function `f` of world item `key` (NULL: world level). */
const char *witc_abi_export_func(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                 const witc_function *f);
/* Post-return export name for the same function. */
const char *witc_abi_post_return(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                 const witc_function *f);

/* The resource intrinsics a component imports per resource (§7). */
typedef enum witc_resource_op {
  WITC_RES_DROP, /* [resource-drop]: imported resources (module K) or exported ([export]K) */
  WITC_RES_NEW,  /* [resource-new]: exported resources only */
  WITC_RES_REP,  /* [resource-rep]: exported resources only */
} witc_resource_op;

/* Import of a resource intrinsic for resource `name` (its WIT name) of world item `key`
 * (NULL: a world-level resource); `exported` selects the [export] module. */
witc_core_import witc_abi_resource_import(witc_abi *self, witc_mangling m,
                                          const witc_world_key *key, witc_str name,
                                          bool exported, witc_resource_op op);
/* Export name of the destructor of exported resource `name`: "K#[dtor]name". */
const char *witc_abi_resource_dtor(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                   witc_str name);

/* Names of the module-level exports, as a core module built from the generated C exports
 * them: the allocator "cabi_realloc" (legacy) / "cm32p2_realloc" (standard32), which the
 * generated code defines; the linear memory "memory" and the initializer "_initialize",
 * under both manglings, since wasm-ld and the wasi reactor start file export those names
 * (wit-component 0.259 accepts them next to the cm32p2 names; it would also take
 * "cm32p2_memory" / "cm32p2_initialize", which nothing here exports). Static strings. */
const char *witc_abi_realloc_name(witc_mangling m);
const char *witc_abi_memory_name(witc_mangling m);
const char *witc_abi_initialize_name(witc_mangling m);

#endif

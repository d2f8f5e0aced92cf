/* test_abi.c: the canonical-ABI model (codegen/abi.h) on models built by hand: the worked
 * examples of docs/canonical-abi.md §10, every type kind, join, spilling, core names of
 * both manglings; plus the C generator's handling of the same models (names, rejections). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../codegen/abi.h"
#include "../codegen/c_gen.h"
#include "cli.h"
#include "model_fixtures.h"

static witc_abi A, A64;

TestSuite(abi, .init = model_setup, .fini = model_teardown);

/* ---- anonymous types ------------------------------------------------------------------ */

static witc_id list_of(witc_type t) {
  witc_id id = anon(WITC_TD_LIST);
  T(id)->u.type = t;
  return id;
}
static witc_id option_of(witc_type t) {
  witc_id id = anon(WITC_TD_OPTION);
  T(id)->u.type = t;
  return id;
}
static witc_id result_of(witc_type ok, witc_type err) {
  witc_id id = anon(WITC_TD_RESULT);
  T(id)->u.result.ok = ok;
  T(id)->u.result.err = err;
  return id;
}
static witc_id fixed_of(witc_type t, uint32_t n) {
  witc_id id = anon(WITC_TD_FIXED_LIST);
  T(id)->u.fixed.elem = t;
  T(id)->u.fixed.size = n;
  return id;
}
static witc_id tuple_of(int n, ...) {
  witc_id id = anon(WITC_TD_TUPLE);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) witc_vec_push(&arena, &T(id)->u.tuple, va_arg(ap, witc_type));
  va_end(ap);
  return id;
}
/* A record/variant/enum/flags `name`, owned by nothing, with fields "f0".."fN" of the
 * given types (`types` NULL: all NONE). */
static witc_id fields_of(witc_typedef_kind k, const char *name, int n, const witc_type *types) {
  witc_id id = add_type(name, k, WITC_OWNER_NONE, WITC_ID_NONE);
  for (int i = 0; i < n; i++)
    add_field(id, witc_arena_printf(&arena, "f%d", i), types ? types[i] : NONE, NULL);
  return id;
}
/* fields_of with the `n` (at most 64) field types taken from `ap`. */
static witc_id fields_va(witc_typedef_kind k, const char *name, int n, va_list ap) {
  witc_type ts[64];
  for (int i = 0; i < n; i++) ts[i] = va_arg(ap, witc_type);
  return fields_of(k, name, n, ts);
}
/* record r { f0: T0, ... } / variant v { f0(T0), ... } of the given field types. */
static witc_id record_of(int n, ...) {
  va_list ap;
  va_start(ap, n);
  witc_id id = fields_va(WITC_TD_RECORD, "r", n, ap);
  va_end(ap);
  return id;
}
static witc_id variant_of(int n, ...) {
  va_list ap;
  va_start(ap, n);
  witc_id id = fields_va(WITC_TD_VARIANT, "v", n, ap);
  va_end(ap);
  return id;
}

/* ---- the ABI under test --------------------------------------------------------------- */

static void init_abi(void) {
  witc_abi_init(&A, &R, &arena, 4);
  witc_abi_init(&A64, &R, &arena, 8);
}

/* `v` as a string "i32 i64 ..." (arena). */
static const char *vec_str(const witc_core_vec *v) {
  witc_buf b;
  witc_buf_init(&b);
  for (uint32_t i = 0; i < v->len; i++) witc_buf_printf(&b, "%s%s", i ? " " : "", witc_core_name(v->items[i]));
  return buf_take(&b);
}

/* The flattening of `t` as a string "i32 i64 ..." (arena). */
static const char *flat(witc_type t) {
  witc_core_vec v = {0};
  witc_abi_flatten(&A, t, 1000, &v);
  return vec_str(&v);
}

#define LAYOUT(t, sz, al)                                                        \
  do {                                                                           \
    witc_layout l_ = witc_abi_layout(&A, (t));                                   \
    cr_expect_eq(l_.size, (sz), "size %u, expected %u", l_.size, (unsigned)(sz)); \
    cr_expect_eq(l_.align, (al), "align %u, expected %u", l_.align, (unsigned)(al)); \
  } while (0)

/* ---- primitives ---------------------------------------------------------------------- */

Test(abi, primitives) {
  init_abi();
  LAYOUT(P(WITC_T_BOOL), 1, 1);
  LAYOUT(P(WITC_T_U8), 1, 1);
  LAYOUT(P(WITC_T_S8), 1, 1);
  LAYOUT(P(WITC_T_U16), 2, 2);
  LAYOUT(P(WITC_T_S16), 2, 2);
  LAYOUT(P(WITC_T_U32), 4, 4);
  LAYOUT(P(WITC_T_S32), 4, 4);
  LAYOUT(P(WITC_T_F32), 4, 4);
  LAYOUT(P(WITC_T_CHAR), 4, 4);
  LAYOUT(P(WITC_T_U64), 8, 8);
  LAYOUT(P(WITC_T_S64), 8, 8);
  LAYOUT(P(WITC_T_F64), 8, 8);
  LAYOUT(P(WITC_T_STRING), 8, 4);
  cr_expect_eq(witc_abi_size(&A64, P(WITC_T_STRING)), 16);
  cr_expect_str_eq(flat(P(WITC_T_BOOL)), "i32");
  cr_expect_str_eq(flat(P(WITC_T_CHAR)), "i32");
  cr_expect_str_eq(flat(P(WITC_T_U64)), "i64");
  cr_expect_str_eq(flat(P(WITC_T_S64)), "i64");
  cr_expect_str_eq(flat(P(WITC_T_F32)), "f32");
  cr_expect_str_eq(flat(P(WITC_T_F64)), "f64");
  cr_expect_str_eq(flat(P(WITC_T_STRING)), "i32 i32");
}

/* ---- worked examples (canonical-abi.md §10) ------------------------------------------ */

Test(abi, example1_record) {
  witc_id r = record_of(3, P(WITC_T_U8), P(WITC_T_U32), P(WITC_T_STRING));
  init_abi();
  LAYOUT(ID(r), 16, 4);
  cr_expect_eq(witc_abi_field_offset(&A, ID(r), 0), 0);
  cr_expect_eq(witc_abi_field_offset(&A, ID(r), 1), 4);
  cr_expect_eq(witc_abi_field_offset(&A, ID(r), 2), 8);
  cr_expect_eq(witc_abi_size(&A64, ID(r)), 24);
  cr_expect_eq(witc_abi_align(&A64, ID(r)), 8);
  cr_expect_str_eq(flat(ID(r)), "i32 i32 i32 i32");
}

Test(abi, example2_result_string_enum) {
  witc_id e = fields_of(WITC_TD_ENUM, "e", 3, NULL);
  witc_id res = result_of(P(WITC_T_STRING), ID(e));
  init_abi();
  LAYOUT(ID(e), 1, 1);
  LAYOUT(ID(res), 12, 4);
  witc_variant_layout vl;
  cr_assert(witc_abi_variant_layout(&A, ID(res), &vl));
  cr_expect_eq(vl.disc_size, 1);
  cr_expect_eq(vl.payload_offset, 4);
  cr_expect_eq(witc_abi_size(&A64, ID(res)), 24);
  cr_expect_str_eq(flat(ID(res)), "i32 i32 i32");

  /* f: func(s: string) -> result<string, e> */
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "s", P(WITC_T_STRING));
  f.result = ID(res);
  witc_core_sig sig;
  witc_abi_func_sig(&A, &f, WITC_ABI_EXPORT, &sig);
  cr_expect_str_eq(vec_str(&sig.params), "i32 i32");
  cr_expect_str_eq(vec_str(&sig.results), "i32");
  cr_expect(sig.results_indirect);
  cr_expect(!sig.retptr);
  witc_abi_func_sig(&A, &f, WITC_ABI_IMPORT, &sig);
  cr_expect_str_eq(vec_str(&sig.params), "i32 i32 i32");
  cr_expect_str_eq(vec_str(&sig.results), "");
  cr_expect(sig.retptr);
}

Test(abi, example3_variant_join) {
  witc_id t = tuple_of(2, P(WITC_T_F32), P(WITC_T_U32));
  witc_id v = variant_of(3, P(WITC_T_F32), P(WITC_T_U64), ID(t));
  init_abi();
  cr_expect_str_eq(flat(ID(v)), "i32 i64 i32");
  LAYOUT(ID(v), 16, 8);
}

Test(abi, example4_option_result_variant) {
  witc_id o = option_of(P(WITC_T_U64));
  witc_id r = result_of(P(WITC_T_U32), P(WITC_T_F32));
  witc_id v = variant_of(2, P(WITC_T_STRING), P(WITC_T_F64));
  init_abi();
  cr_expect_str_eq(flat(ID(o)), "i32 i64");
  LAYOUT(ID(o), 16, 8);
  witc_variant_layout vl;
  witc_abi_variant_layout(&A, ID(o), &vl);
  cr_expect_eq(vl.payload_offset, 8);
  cr_expect_str_eq(flat(ID(r)), "i32 i32");
  cr_expect_str_eq(flat(ID(v)), "i32 i64 i32");
}

Test(abi, example5_flags) {
  witc_id f9 = fields_of(WITC_TD_FLAGS, "f9", 9, NULL);
  witc_id f8 = fields_of(WITC_TD_FLAGS, "f8", 8, NULL);
  witc_id f17 = fields_of(WITC_TD_FLAGS, "f17", 17, NULL);
  witc_id f32 = fields_of(WITC_TD_FLAGS, "f32", 32, NULL);
  init_abi();
  LAYOUT(ID(f8), 1, 1);
  LAYOUT(ID(f9), 2, 2);
  LAYOUT(ID(f17), 4, 4);
  LAYOUT(ID(f32), 4, 4);
  cr_expect_str_eq(flat(ID(f9)), "i32");
  cr_expect_eq(witc_abi_flags_size(0), 0);
  cr_expect_eq(witc_abi_flags_size(33), 8); /* legacy wit-parser: two u32 words */
}

Test(abi, example6_discriminants) {
  cr_expect_eq(witc_abi_discriminant_size(1), 1);
  cr_expect_eq(witc_abi_discriminant_size(256), 1);
  cr_expect_eq(witc_abi_discriminant_size(257), 2);
  cr_expect_eq(witc_abi_discriminant_size(65536), 2);
  cr_expect_eq(witc_abi_discriminant_size(65537), 4);
  witc_id big = fields_of(WITC_TD_ENUM, "big", 257, NULL);
  init_abi();
  LAYOUT(ID(big), 2, 2);
}

Test(abi, example7_fixed_list) {
  witc_id fl = fixed_of(P(WITC_T_U8), 4);
  witc_id fs = fixed_of(P(WITC_T_STRING), 2);
  init_abi();
  LAYOUT(ID(fl), 4, 1);
  cr_expect_str_eq(flat(ID(fl)), "i32 i32 i32 i32");
  LAYOUT(ID(fs), 16, 4);
  cr_expect_str_eq(flat(ID(fs)), "i32 i32 i32 i32");
}

Test(abi, example8_tuple_offsets) {
  witc_id t = tuple_of(4, P(WITC_T_U8), P(WITC_T_U16), P(WITC_T_U8), P(WITC_T_U32));
  init_abi();
  LAYOUT(ID(t), 12, 4);
  cr_expect_eq(witc_abi_field_offset(&A, ID(t), 0), 0);
  cr_expect_eq(witc_abi_field_offset(&A, ID(t), 1), 2);
  cr_expect_eq(witc_abi_field_offset(&A, ID(t), 2), 4);
  cr_expect_eq(witc_abi_field_offset(&A, ID(t), 3), 8);
}

Test(abi, example9_map) {
  witc_id m = anon(WITC_TD_MAP);
  T(m)->u.map.key = P(WITC_T_STRING);
  T(m)->u.map.value = P(WITC_T_U32);
  witc_id t = tuple_of(2, P(WITC_T_STRING), P(WITC_T_U32));
  init_abi();
  LAYOUT(ID(m), 8, 4);
  cr_expect_str_eq(flat(ID(m)), "i32 i32");
  LAYOUT(ID(t), 12, 4); /* element stride */
}

Test(abi, example10_seventeen_params) {
  witc_function f = func("many", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  for (int i = 0; i < 17; i++) add_param(&f, "p", P(WITC_T_U8));
  init_abi();
  witc_core_sig sig;
  witc_abi_func_sig(&A, &f, WITC_ABI_IMPORT, &sig);
  cr_expect(sig.params_indirect);
  cr_expect_str_eq(vec_str(&sig.params), "i32");
  cr_expect_str_eq(vec_str(&sig.results), "");
  uint32_t offs[17];
  witc_layout l = witc_abi_params_layout(&A, &f, offs);
  cr_expect_eq(l.size, 17);
  cr_expect_eq(l.align, 1);
  cr_expect_eq(offs[16], 16);
  /* exactly 16 flat values still pass directly */
  f.params.len = 16;
  witc_abi_func_sig(&A, &f, WITC_ABI_EXPORT, &sig);
  cr_expect(!sig.params_indirect);
  cr_expect_eq(sig.params.len, 16);
}

Test(abi, example12_e2e_plugin) {
  witc_id lu8 = list_of(P(WITC_T_U8));
  witc_id body = option_of(ID(lu8));
  witc_id req = record_of(3, P(WITC_T_STRING), P(WITC_T_STRING), ID(body));
  witc_id resp = record_of(2, P(WITC_T_U16), ID(body));
  init_abi();
  cr_expect_str_eq(flat(ID(req)), "i32 i32 i32 i32 i32 i32 i32");
  LAYOUT(ID(resp), 16, 4);
  cr_expect_eq(witc_abi_field_offset(&A, ID(resp), 1), 4);
  witc_variant_layout vl;
  witc_abi_variant_layout(&A, ID(body), &vl);
  cr_expect_eq(vl.payload_offset, 4);
  cr_expect(witc_abi_has_buffers(&A, ID(resp)));
}

/* ---- every other kind ------------------------------------------------------------------ */

Test(abi, handles_resources_aliases) {
  witc_id res = add_type("res", WITC_TD_RESOURCE, WITC_OWNER_NONE, WITC_ID_NONE);
  witc_id own = handle(false, res), bor = handle(true, res);
  witc_id alias = add_type("alias", WITC_TD_TYPE, WITC_OWNER_NONE, WITC_ID_NONE);
  T(alias)->u.type = P(WITC_T_U64);
  witc_id alias2 = add_type("alias2", WITC_TD_TYPE, WITC_OWNER_NONE, WITC_ID_NONE);
  T(alias2)->u.type = ID(alias);
  init_abi();
  LAYOUT(ID(own), 4, 4);
  LAYOUT(ID(bor), 4, 4);
  LAYOUT(ID(res), 4, 4);
  cr_expect_str_eq(flat(ID(own)), "i32");
  LAYOUT(ID(alias2), 8, 8);
  cr_expect_str_eq(flat(ID(alias2)), "i64");
  cr_expect(!witc_abi_has_buffers(&A, ID(own)));
}

Test(abi, variants_enums_options) {
  witc_id e2 = fields_of(WITC_TD_ENUM, "e2", 2, NULL);
  witc_type noneonly[3] = {NONE, NONE, NONE};
  witc_id vn = fields_of(WITC_TD_VARIANT, "vn", 3, noneonly);
  witc_id v = variant_of(3, P(WITC_T_U8), NONE, P(WITC_T_U16));
  witc_id ff = variant_of(2, P(WITC_T_F32), P(WITC_T_F64)); /* f32 vs f64 -> i64 */
  witc_id fi = variant_of(2, P(WITC_T_F32), P(WITC_T_S32)); /* f32 vs i32 -> i32 */
  witc_id oo = option_of(ID(option_of(P(WITC_T_U32))));
  witc_id rr = result_of(NONE, NONE);
  witc_id rs = result_of(NONE, P(WITC_T_STRING));
  init_abi();
  LAYOUT(ID(e2), 1, 1);
  LAYOUT(ID(vn), 1, 1);
  cr_expect_str_eq(flat(ID(vn)), "i32");
  LAYOUT(ID(v), 4, 2);
  cr_expect_str_eq(flat(ID(v)), "i32 i32");
  cr_expect_str_eq(flat(ID(ff)), "i32 i64");
  cr_expect_str_eq(flat(ID(fi)), "i32 i32");
  LAYOUT(ID(oo), 12, 4);
  cr_expect_str_eq(flat(ID(oo)), "i32 i32 i32");
  LAYOUT(ID(rr), 1, 1);
  cr_expect_str_eq(flat(ID(rr)), "i32");
  LAYOUT(ID(rs), 12, 4);
  cr_expect(witc_abi_has_buffers(&A, ID(rs)));
  cr_expect(witc_abi_is_variant(&A, ID(e2)));
  cr_expect_eq(witc_abi_case_count(&A, ID(rr)), 2);
  cr_expect_eq(witc_abi_case_type(&A, ID(rs), 1).tag, WITC_T_STRING);
}

Test(abi, join_lattice) {
  cr_expect_eq(witc_abi_join(WITC_CORE_I32, WITC_CORE_I32), WITC_CORE_I32);
  cr_expect_eq(witc_abi_join(WITC_CORE_I32, WITC_CORE_F32), WITC_CORE_I32);
  cr_expect_eq(witc_abi_join(WITC_CORE_F32, WITC_CORE_I32), WITC_CORE_I32);
  cr_expect_eq(witc_abi_join(WITC_CORE_F32, WITC_CORE_F64), WITC_CORE_I64);
  cr_expect_eq(witc_abi_join(WITC_CORE_I32, WITC_CORE_I64), WITC_CORE_I64);
  cr_expect_eq(witc_abi_join(WITC_CORE_F64, WITC_CORE_F64), WITC_CORE_F64);
  cr_expect_eq(witc_abi_join(WITC_CORE_I32, WITC_CORE_F64), WITC_CORE_I64);
}

Test(abi, nested_records_padding) {
  witc_id inner = record_of(2, P(WITC_T_U8), P(WITC_T_U64)); /* 16, align 8 */
  witc_id outer = record_of(3, P(WITC_T_BOOL), ID(inner), P(WITC_T_U16));
  init_abi();
  LAYOUT(ID(inner), 16, 8);
  LAYOUT(ID(outer), 32, 8);
  cr_expect_eq(witc_abi_field_offset(&A, ID(outer), 1), 8);
  cr_expect_eq(witc_abi_field_offset(&A, ID(outer), 2), 24);
  cr_expect_str_eq(flat(ID(outer)), "i32 i32 i64 i32");
}

Test(abi, flatten_cap_and_results) {
  witc_id big = fixed_of(P(WITC_T_U32), 100000);
  witc_id two = tuple_of(2, P(WITC_T_U32), P(WITC_T_U32));
  init_abi();
  witc_core_vec v = {0};
  cr_expect(!witc_abi_flatten(&A, ID(big), 16, &v));
  cr_expect_leq(v.len, 17);
  LAYOUT(ID(big), 400000, 4);
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  f.result = ID(two);
  witc_core_sig sig;
  witc_abi_func_sig(&A, &f, WITC_ABI_EXPORT, &sig);
  cr_expect(sig.results_indirect);
  cr_expect_eq(sig.flat_results, 2);
  f.result = P(WITC_T_F64);
  witc_abi_func_sig(&A, &f, WITC_ABI_IMPORT, &sig);
  cr_expect_str_eq(vec_str(&sig.results), "f64");
  cr_expect(!sig.retptr);
}

/* ---- cost: huge fixed-length lists, deep chains, corrupt models ------------------------- */

static witc_id world_with_func(witc_id pkg, witc_function f, bool exported);
/* These have no timing assertion: a hang or a quadratic blow-up trips ctest's timeout (300 s
 * for the file; each runs in well under a second, a few under ASan), a native-stack
 * recursion crashes (ASan's larger frames did already at 5,000). No Criterion .timeout:
 * two of them running at once leak a timer in libcriterion, which LeakSanitizer reports. */

/* Flattening a fixed-length list never walks its elements: counts multiply (saturating),
 * and an element that flattens to nothing is nothing however often it repeats. */
Test(abi, huge_fixed_lists_cost_nothing) {
  witc_id l0 = fixed_of(P(WITC_T_U8), 0);
  witc_id l1 = fixed_of(ID(l0), 65536);
  witc_id l2 = fixed_of(ID(l1), 65536);           /* list<list<list<u8, 0>, 65536>, 65536> */
  witc_id l3 = fixed_of(ID(l0), 4294967295u);     /* list<list<u8, 0>, 4294967295> */
  witc_id big = fixed_of(P(WITC_T_U64), 4294967295u);
  witc_id ones = fixed_of(ID(fixed_of(P(WITC_T_U8), 1)), 1u << 30);
  witc_id str = fixed_of(P(WITC_T_STRING), 3000000000u);
  init_abi();
  witc_core_vec v = {0};
  cr_expect(witc_abi_flatten(&A, ID(l2), 16, &v));
  cr_expect_eq(v.len, 0);
  cr_expect(witc_abi_flatten(&A, ID(l3), UINT32_MAX, &v));
  cr_expect_eq(v.len, 0);
  cr_expect_eq(witc_abi_flat_count(&A, ID(l3)), 0);
  LAYOUT(ID(l2), 0, 1);
  cr_expect(!witc_abi_flatten(&A, ID(big), 16, &v));
  cr_expect_leq(v.len, 17);
  cr_expect_eq(witc_abi_flat_count(&A, ID(big)), UINT32_MAX);
  v.len = 0;
  cr_expect(!witc_abi_flatten(&A, ID(big), UINT32_MAX, &v));
  cr_expect_leq(v.len, WITC_ABI_FLAT_MAX);
  LAYOUT(ID(big), UINT32_MAX, 8); /* saturated */
  cr_expect_eq(witc_abi_flat_count(&A, ID(ones)), 1u << 30);
  cr_expect_eq(witc_abi_flat_count(&A, ID(str)), UINT32_MAX);
  v.len = 0;
  cr_expect(!witc_abi_flatten(&A, ID(str), 16, &v));
  cr_expect_str_eq(vec_str(&v), "i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32");
  cr_expect(witc_abi_has_buffers(&A, ID(str)));
  cr_expect_eq(witc_abi_size(&A64, ID(str)), UINT32_MAX);

  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "a", ID(l3));
  add_param(&f, "b", ID(l2));
  add_param(&f, "c", P(WITC_T_U32));
  f.result = ID(l3);
  witc_core_sig sig;
  witc_abi_func_sig(&A, &f, WITC_ABI_EXPORT, &sig);
  cr_expect(!sig.params_indirect);
  cr_expect_str_eq(vec_str(&sig.params), "i32");
  cr_expect_str_eq(vec_str(&sig.results), "");
  add_param(&f, "d", ID(ones));
  f.result = ID(big);
  witc_abi_func_sig(&A, &f, WITC_ABI_IMPORT, &sig);
  cr_expect(sig.params_indirect && sig.retptr);
  cr_expect_str_eq(vec_str(&sig.params), "i32 i32");

  /* the verdicts on these */
  cr_expect_eq(witc_abi_type_fault(&A, ID(l0)), WITC_ABI_EMPTY_FIXED_LIST);
  cr_expect_eq(witc_abi_type_fault(&A, ID(l1)), WITC_ABI_VALID); /* size 0: l0's fault */
  cr_expect_eq(witc_abi_type_fault(&A, ID(l2)), WITC_ABI_VALID);
  cr_expect_eq(witc_abi_type_fault(&A, ID(l3)), WITC_ABI_FIXED_LIST_TOO_LONG);
  cr_expect_eq(witc_abi_type_fault(&A, ID(big)), WITC_ABI_FIXED_LIST_TOO_LONG);
  cr_expect_eq(witc_abi_type_fault(&A, ID(ones)), WITC_ABI_TOO_LARGE);
}

/* The size limit and the element-count limit, at their edges (wasmparser's). */
Test(abi, size_limits) {
  witc_id below = fixed_of(P(WITC_T_U8), (1u << 28) - 1);
  witc_id at = fixed_of(P(WITC_T_U8), 1u << 28);
  witc_id count_ok = fixed_of(ID(fields_of(WITC_TD_ENUM, "e", 1, NULL)), 1u << 30); /* 2^30 bytes */
  witc_id half = fixed_of(P(WITC_T_U8), 1u << 27);
  witc_id two_halves = record_of(2, ID(half), ID(half)); /* crosses the limit itself */
  witc_id outer = record_of(1, ID(at));                  /* its part crossed it */
  witc_id alias = add_type("alias", WITC_TD_TYPE, WITC_OWNER_NONE, WITC_ID_NONE);
  T(alias)->u.type = ID(two_halves);
  witc_id opt = option_of(ID(fixed_of(P(WITC_T_U32), (1u << 26) - 1))); /* 4 + 2^28 - 4 */
  init_abi();
  cr_expect_eq(witc_abi_type_fault(&A, ID(below)), WITC_ABI_VALID);
  cr_expect_eq(witc_abi_type_fault(&A, ID(at)), WITC_ABI_TOO_LARGE);
  cr_expect_eq(witc_abi_type_fault(&A, ID(count_ok)), WITC_ABI_TOO_LARGE);
  cr_expect_eq(witc_abi_type_fault(&A, ID(half)), WITC_ABI_VALID);
  cr_expect_eq(witc_abi_type_fault(&A, ID(two_halves)), WITC_ABI_TOO_LARGE);
  cr_expect_eq(witc_abi_type_fault(&A, ID(outer)), WITC_ABI_VALID);
  cr_expect_eq(witc_abi_type_fault(&A, ID(alias)), WITC_ABI_VALID);
  cr_expect_eq(witc_abi_type_fault(&A, ID(opt)), WITC_ABI_TOO_LARGE);
  cr_expect_eq(witc_abi_type_fault(&A, P(WITC_T_STRING)), WITC_ABI_VALID);
  cr_expect_str_eq(witc_abi_fault_message(&A, ID(at)),
                   "type `list<u8, 268435456>` is 2^28 bytes or larger: not a valid component type");
  cr_expect_str_eq(witc_abi_fault_message(&A, ID(two_halves)),
                   "type `r` is 2^28 bytes or larger: not a valid component type");
  cr_expect_null(witc_abi_fault_message(&A, ID(outer)));
}

/* 100,000 named types, each made of the one before (records, aliases, variants, tuples,
 * options, fixed-length lists): linear time, no recursion, every fact right at the end. */
Test(abi, chain_of_100000_types) {
  enum { N = 100000 };
  witc_type rec = P(WITC_T_U8), ali = P(WITC_T_STRING), var = P(WITC_T_U8), mix = P(WITC_T_F32);
  witc_id first_var = WITC_ID_NONE;
  for (int k = 0; k < N; k++) {
    witc_id r = add_type(witc_arena_printf(&arena, "r%d", k), WITC_TD_RECORD, WITC_OWNER_NONE, WITC_ID_NONE);
    add_field(r, "x", rec, NULL);
    rec = ID(r);
    witc_id a = add_type(witc_arena_printf(&arena, "a%d", k), WITC_TD_TYPE, WITC_OWNER_NONE, WITC_ID_NONE);
    T(a)->u.type = ali;
    ali = ID(a);
    witc_id v = add_type(witc_arena_printf(&arena, "v%d", k), WITC_TD_VARIANT, WITC_OWNER_NONE, WITC_ID_NONE);
    add_field(v, "a", var, NULL);
    add_field(v, "b", P(WITC_T_U8), NULL);
    if (k == 0) first_var = v;
    var = ID(v);
    /* tuple<option<list<prev, 1>>>: one more i32 per level, alignment 4 from the f32 */
    mix = ID(tuple_of(1, ID(option_of(ID(fixed_of(mix, 1))))));
  }
  init_abi();
  LAYOUT(rec, 1, 1);
  cr_expect_str_eq(flat(rec), "i32");
  cr_expect_eq(witc_abi_field_offset(&A, rec, 0), 0);
  cr_expect(!witc_abi_has_buffers(&A, rec));
  cr_expect_eq(witc_abi_type_fault(&A, rec), WITC_ABI_VALID);
  LAYOUT(ali, 8, 4);
  cr_expect_str_eq(flat(ali), "i32 i32");
  cr_expect(witc_abi_has_buffers(&A, ali));
  LAYOUT(var, N + 1, 1); /* one discriminant byte per level, then the u8 */
  witc_variant_layout vl;
  cr_assert(witc_abi_variant_layout(&A, var, &vl));
  cr_expect_eq(vl.payload_offset, 1);
  cr_expect_eq(vl.payload_size, N);
  cr_expect_eq(witc_abi_flat_count(&A, var), N + 1);
  witc_core_vec v = {0};
  cr_expect(!witc_abi_flatten(&A, var, 16, &v));
  cr_expect_eq(witc_abi_flat_count(&A, ID(first_var)), 2);
  LAYOUT(mix, 4 * N + 4, 4);
  cr_expect_eq(witc_abi_flat_count(&A, mix), N + 1);
  v.len = 0;
  cr_expect(!witc_abi_flatten(&A, mix, WITC_ABI_FLAT_MAX, &v));
  cr_expect_eq(witc_abi_size(&A64, mix), 4 * N + 4);

  /* a world using them all: checked (valid), and the signatures */
  witc_id pkg = add_package("a", "b", NULL);
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "r", rec);
  add_param(&f, "a", ali);
  add_param(&f, "v", var);
  add_param(&f, "m", mix);
  f.result = rec;
  witc_id w = world_with_func(pkg, f, true);
  witc_diags d;
  witc_diags_init(&d, &arena);
  cr_expect_eq(witc_abi_check_world(&A, &R.worlds.items[w], &d), 0);
  cr_expect_eq(d.errors, 0);
  witc_core_sig sig;
  witc_abi_func_sig(&A, &f, WITC_ABI_EXPORT, &sig);
  cr_expect(sig.params_indirect);
  cr_expect_str_eq(vec_str(&sig.results), "i32");
  witc_layout pl = witc_abi_params_layout(&A, &f, NULL);
  cr_expect_eq(pl.size, witc_abi_align_to(1 + 3 + 8 + N + 1, 4) + 4 * N + 4);
}

/* A model that is not in arena order (a type refers to a later one) is still right; a
 * corrupt cyclic one ends (the cycle taken as empty) instead of recursing forever. */
Test(abi, any_order_and_cycles) {
  witc_id outer = record_of(2, P(WITC_T_U8), NONE); /* field 1 set below to a later type */
  witc_id inner = record_of(1, P(WITC_T_U64));
  T(outer)->u.fields.items[1].type = ID(inner);
  witc_id c1 = record_of(1, NONE), c2 = record_of(2, P(WITC_T_U32), ID(c1));
  T(c1)->u.fields.items[0].type = ID(c2);
  witc_id self_alias = add_type("loop", WITC_TD_TYPE, WITC_OWNER_NONE, WITC_ID_NONE);
  T(self_alias)->u.type = ID(self_alias);
  init_abi();
  LAYOUT(ID(outer), 16, 8);
  cr_expect_eq(witc_abi_field_offset(&A, ID(outer), 1), 8);
  cr_expect_str_eq(flat(ID(outer)), "i32 i64");
  witc_layout l = witc_abi_layout(&A, ID(c1));
  cr_expect_leq(l.size, 8);
  witc_core_vec v = {0};
  witc_abi_flatten(&A, ID(c2), 16, &v);
  cr_expect_leq(v.len, 17);
  witc_abi_layout(&A, ID(self_alias));
  witc_abi_flatten(&A, ID(self_alias), 16, &v);
  cr_expect(!witc_abi_has_buffers(&A, ID(self_alias)));
  /* types added after init are taken in */
  witc_id late = record_of(2, P(WITC_T_U16), ID(outer));
  LAYOUT(ID(late), 24, 8);
}

/* The validity verdict, per rule, with its message; a type only containing a faulty one is
 * not faulty itself. */
Test(abi, validity_verdicts) {
  witc_id empty_rec = fields_of(WITC_TD_RECORD, "r", 0, NULL);
  witc_id empty_var = fields_of(WITC_TD_VARIANT, "v", 0, NULL);
  witc_id empty_enum = fields_of(WITC_TD_ENUM, "e", 0, NULL);
  witc_id no_flags = fields_of(WITC_TD_FLAGS, "f0", 0, NULL);
  witc_id flags32 = fields_of(WITC_TD_FLAGS, "f32", 32, NULL);
  witc_id flags40 = fields_of(WITC_TD_FLAGS, "f40", 40, NULL);
  witc_id tuple0 = tuple_of(0);
  witc_id fixed0 = fixed_of(P(WITC_T_U8), 0);
  witc_id dup = add_type("d", WITC_TD_RECORD, WITC_OWNER_NONE, WITC_ID_NONE);
  add_field(dup, "a-b", P(WITC_T_U8), NULL);
  add_field(dup, "c", P(WITC_T_U8), NULL);
  add_field(dup, "A-B", P(WITC_T_U8), NULL);
  witc_id dup_flags = add_type("df", WITC_TD_FLAGS, WITC_OWNER_NONE, WITC_ID_NONE);
  add_field(dup_flags, "x", NONE, NULL);
  add_field(dup_flags, "x", NONE, NULL);
  witc_id many = add_type("many", WITC_TD_ENUM, WITC_OWNER_NONE, WITC_ID_NONE);
  for (int i = 0; i < 5000; i++) add_field(many, witc_arena_printf(&arena, "c%d", i), NONE, NULL);
  witc_id holder = record_of(2, ID(empty_rec), ID(tuple0));
  init_abi();
  struct { witc_id id; witc_abi_fault fault; const char *msg; } want[] = {
      {empty_rec, WITC_ABI_EMPTY_RECORD, "record `r` has no fields: not a valid component type"},
      {empty_var, WITC_ABI_EMPTY_VARIANT, "variant `v` has no cases: not a valid component type"},
      {empty_enum, WITC_ABI_EMPTY_ENUM, "enum `e` has no cases: not a valid component type"},
      {no_flags, WITC_ABI_EMPTY_FLAGS, "flags `f0` has no flags: not a valid component type"},
      {flags32, WITC_ABI_VALID, NULL},
      {flags40, WITC_ABI_TOO_MANY_FLAGS, "flags `f40` has 40 flags, more than 32: not a valid component type"},
      {tuple0, WITC_ABI_EMPTY_TUPLE, "empty tuple: not a valid component type"},
      {fixed0, WITC_ABI_EMPTY_FIXED_LIST, "fixed-length list of length 0: not a valid component type"},
      {dup, WITC_ABI_DUPLICATE_NAME, "record `d` has fields `a-b` and `A-B`, names that differ only in "
                                     "letter case: not a valid component type"},
      {dup_flags, WITC_ABI_DUPLICATE_NAME, "flags `df` has two flags named `x`: not a valid component type"},
      {many, WITC_ABI_VALID, NULL},
      {holder, WITC_ABI_VALID, NULL},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    cr_expect_eq(witc_abi_type_fault(&A, ID(want[i].id)), want[i].fault, "case %zu", i);
    const char *m = witc_abi_fault_message(&A, ID(want[i].id));
    if (want[i].msg) cr_expect_str_eq(m ? m : "(none)", want[i].msg, "case %zu", i);
    else cr_expect_null(m, "case %zu: %s", i, m);
  }
  LAYOUT(ID(flags32), 4, 4);
  cr_expect_str_eq(flat(ID(flags32)), "i32");
}

/* `witc abi` and `witc gen c` refuse a world on the same verdict, with the same errors in
 * the same order: each faulty type once, a type before what it contains. */
Test(abi, check_world_agrees_with_gen_c) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id e = add_type("e", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  witc_id fl = add_type("fl", WITC_TD_FLAGS, WITC_OWNER_INTERFACE, i);
  for (int k = 0; k < 33; k++) add_field(fl, witc_arena_printf(&arena, "f%d", k), NONE, NULL);
  witc_id wrap = add_type("wrap", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  add_field(wrap, "x", ID(e), NULL);
  add_field(wrap, "y", ID(list_of(ID(tuple_of(0)))), NULL);
  add_field(wrap, "z", ID(fixed_of(P(WITC_T_U64), 1u << 25)), NULL);
  witc_id unused_iface = add_interface("unused", pkg);
  add_type("bad", WITC_TD_RECORD, WITC_OWNER_INTERFACE, unused_iface);
  witc_function *f = add_func(i, func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_param(f, "w", ID(wrap));
  witc_id w = add_world("my-world", pkg);
  world_push(w, false, iface_entry(i, NULL));
  init_abi();
  witc_diags d1, d2;
  witc_diags_init(&d1, &arena);
  witc_diags_init(&d2, &arena);
  cr_expect_eq(witc_abi_check_world(&A, &R.worlds.items[w], &d1), 4);
  cr_assert_eq(d1.items.len, 4);
  cr_expect_str_eq(d1.items.items[0].message, "record `e` has no fields: not a valid component type");
  cr_expect_str_eq(d1.items.items[1].message, "flags `fl` has 33 flags, more than 32: not a valid component type");
  cr_expect_str_eq(d1.items.items[2].message, "empty tuple: not a valid component type");
  cr_expect_str_eq(d1.items.items[3].message,
                   "type `list<u64, 33554432>` is 2^28 bytes or larger: not a valid component type");
  witc_gen_c_out out;
  cr_expect(!witc_gen_c(&R, w, NULL, &d2, &out));
  cr_assert_eq(d2.items.len, d1.items.len);
  for (uint32_t k = 0; k < d1.items.len; k++)
    cr_expect_str_eq(d2.items.items[k].message, d1.items.items[k].message);
  witc_gen_c_out_delete(&out);
  /* the world without the faulty interface is fine for both */
  witc_id ok = add_world("fine", pkg);
  world_push(ok, true, func_entry(func("g", WITC_FUNC_FREESTANDING, WITC_ID_NONE)));
  cr_expect_eq(witc_abi_check_world(&A, &R.worlds.items[ok], NULL), 0);
}

/* ---- `witc abi` on the command line: testdata/abi/ ------------------------------------------ */

/* The whole content of file `path` (arena; "" when missing), its length in *len. */
static char *slurp_file(const char *path, size_t *len) {
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return witc_arena_strndup(&arena, "", 0);
  witc_buf b;
  witc_buf_init(&b);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) witc_buf_put(&b, chunk, n);
  fclose(f);
  cr_assert(!b.error);
  *len = b.len;
  char *s = witc_arena_strndup(&arena, b.data ? b.data : "", b.len);
  witc_buf_delete(&b);
  return s;
}

typedef struct cli_run {
  int rc;
  char *out, *err; /* arena */
  size_t out_len;
} cli_run;

/* Runs `witc ARGV...` in this process (cli_main), standard output into `out_path` (NULL: a
 * temporary file), both captured. */
static cli_run run_witc(const char *out_path, char **argv) {
  int argc = 0;
  while (argv[argc]) argc++;
  char out_tmp[] = "/tmp/witc-abi-out.XXXXXX", err_tmp[] = "/tmp/witc-abi-err.XXXXXX";
  int fo = out_path ? open(out_path, O_WRONLY) : mkstemp(out_tmp), fe = mkstemp(err_tmp);
  cr_assert(fo >= 0 && fe >= 0, "%s", strerror(errno));
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  dup2(fo, 1);
  dup2(fe, 2);
  cli_run r;
  r.rc = cli_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  clearerr(stdout);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  close(fo);
  close(fe);
  size_t elen;
  r.out = out_path ? witc_arena_strndup(&arena, "", 0) : slurp_file(out_tmp, &r.out_len);
  if (out_path) r.out_len = 0;
  r.err = slurp_file(err_tmp, &elen);
  if (!out_path) unlink(out_tmp);
  unlink(err_tmp);
  return r;
}

/* Compares `got` with the expectation file `path`, or writes it there (WITC_BLESS=1). */
static void expect_file(const char *path, const char *got, size_t len, const char *what) {
  const char *bless = getenv("WITC_BLESS");
  if (bless && strcmp(bless, "1") == 0) {
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s: %s", path, strerror(errno));
    fwrite(got, 1, len, f);
    fclose(f);
    return;
  }
  size_t wlen;
  const char *want = slurp_file(path, &wlen);
  cr_expect(wlen == len && memcmp(want, got, len) == 0, "%s differs from %s:\n%s", what, path, got);
}

/* Every testdata/abi/<case>.wit: `witc abi [<case>.args] testdata/abi/<case>.wit`, whose
 * standard output, standard error and exit status must be <case>.stdout, .stderr, .exit
 * (WITC_BLESS=1 rewrites them: review the diff). A case refused with exit 1 is refused by
 * `witc gen c` with exactly the same errors, and nothing written. */
Test(abi, cli_golden_testdata_abi) {
  cr_assert_eq(chdir(WITC_SOURCE_DIR), 0);
  DIR *dir = opendir("testdata/abi");
  cr_assert(dir);
  int cases = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".wit") != 0) continue;
    const char *base = witc_arena_printf(&arena, "testdata/abi/%.*s", (int)(n - 4), e->d_name);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "witc";
    argv[argc++] = "abi";
    size_t alen;
    char *args = slurp_file(witc_arena_printf(&arena, "%s.args", base), &alen);
    for (char *tok = strtok(args, " \n"); tok && argc < 12; tok = strtok(NULL, " \n")) argv[argc++] = tok;
    int nargs = argc - 2;
    argv[argc++] = witc_arena_printf(&arena, "%s.wit", base);
    argv[argc] = NULL;
    cli_run r = run_witc(NULL, argv);
    expect_file(witc_arena_printf(&arena, "%s.stdout", base), r.out, r.out_len, base);
    expect_file(witc_arena_printf(&arena, "%s.stderr", base), r.err, strlen(r.err), base);
    char rc[16];
    snprintf(rc, sizeof rc, "%d\n", r.rc);
    expect_file(witc_arena_printf(&arena, "%s.exit", base), rc, strlen(rc), base);
    if (r.rc == CLI_INVALID) {
      char tmpl[] = "/tmp/witc-abi-gen.XXXXXX";
      cr_assert(mkdtemp(tmpl));
      char *gargv[20] = {"witc", "gen", "c", "-o", tmpl};
      int g = 5;
      for (int k = 0; k < nargs; k++) gargv[g++] = argv[2 + k];
      gargv[g++] = argv[argc - 1];
      gargv[g] = NULL;
      cli_run gr = run_witc(NULL, gargv);
      cr_expect_eq(gr.rc, CLI_INVALID, "%s: gen c exit %d", base, gr.rc);
      cr_expect_str_eq(gr.err, r.err, "%s: gen c and abi disagree", base);
      cr_expect_eq(rmdir(tmpl), 0, "%s: gen c wrote into %s", base, tmpl); /* still empty */
    }
    cases++;
  }
  closedir(dir);
  cr_expect_geq(cases, 4);
}

/* A report that cannot be written is an error: exit 2, one message. */
Test(abi, cli_write_error_exit_2) {
  cr_assert_eq(chdir(WITC_SOURCE_DIR), 0);
  char *argv[] = {"witc", "abi", "testdata/abi/legacy.wit", NULL};
  cli_run r = run_witc("/dev/full", argv);
  cr_expect_eq(r.rc, CLI_USAGE);
  cr_expect_str_eq(r.err, "error: failed to write standard output: No space left on device\n");
  r = run_witc(NULL, argv);
  cr_expect_eq(r.rc, CLI_OK);
  cr_expect_str_eq(r.err, "");
}

/* A WIT file with a chain of 100,000 named records (record rK { x: rK-1 }), through the
 * whole command line: `witc abi` (which crashed on it, and took quadratic time) and `witc
 * gen c` finish, exit 0. */
Test(abi, cli_chain_of_100000_records) {
  enum { N = 100000 };
  char path[] = "/tmp/witc-abi-chain.XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "package a:b;\ninterface i {\n  record r0 { x: u8 }\n");
  for (int k = 1; k < N; k++) fprintf(f, "  record r%d { x: r%d }\n", k, k - 1);
  fprintf(f, "  f: func(x: r%d) -> r%d;\n}\nworld w { export i; import i; }\n", N - 1, N - 1);
  fclose(f);
  char *argv[] = {"witc", "abi", path, NULL};
  cli_run r = run_witc(NULL, argv);
  cr_expect_eq(r.rc, CLI_OK, "%s", r.err);
  cr_expect(strstr(r.out, "    r99999: record, size 1, align 1, flat (i32)\n"
                          "      x: r99998 at 0 (size 1, align 1)\n") != NULL);
  cr_expect(strstr(r.out, "      core export \"a:b/i#f\" (func (param i32) (result i32))\n") != NULL);
  char tmpl[] = "/tmp/witc-abi-gen.XXXXXX";
  cr_assert(mkdtemp(tmpl));
  char *gargv[] = {"witc", "gen", "c", "-o", tmpl, path, NULL};
  r = run_witc(NULL, gargv);
  cr_expect_eq(r.rc, CLI_OK, "%s", r.err);
  unlink(witc_arena_printf(&arena, "%s/w.h", tmpl));
  unlink(witc_arena_printf(&arena, "%s/w.c", tmpl));
  rmdir(tmpl);
  unlink(path);
}

/* ---- core names ------------------------------------------------------------------------ */

Test(abi, names_legacy) {
  witc_id pkg = add_package("test", "e2e", "0.1.0");
  witc_id host = add_interface("host", pkg);
  init_abi();
  witc_world_key k = {true, WITC_STR_NONE, host};
  witc_function f = func("log", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  witc_core_import ci = witc_abi_import_func(&A, WITC_MANGLING_LEGACY, &k, &f);
  cr_expect_str_eq(ci.module, "test:e2e/host@0.1.0");
  cr_expect_str_eq(ci.name, "log");
  cr_expect_str_eq(witc_abi_export_func(&A, WITC_MANGLING_LEGACY, &k, &f), "test:e2e/host@0.1.0#log");
  cr_expect_str_eq(witc_abi_post_return(&A, WITC_MANGLING_LEGACY, &k, &f),
                   "cabi_post_test:e2e/host@0.1.0#log");
  ci = witc_abi_import_func(&A, WITC_MANGLING_LEGACY, NULL, &f);
  cr_expect_str_eq(ci.module, "$root");
  cr_expect_str_eq(witc_abi_export_func(&A, WITC_MANGLING_LEGACY, NULL, &f), "log");
  cr_expect_str_eq(witc_abi_post_return(&A, WITC_MANGLING_LEGACY, NULL, &f), "cabi_post_log");
  ci = witc_abi_resource_import(&A, WITC_MANGLING_LEGACY, &k, S("multi-word"), false, WITC_RES_DROP);
  cr_expect_str_eq(ci.module, "test:e2e/host@0.1.0");
  cr_expect_str_eq(ci.name, "[resource-drop]multi-word");
  ci = witc_abi_resource_import(&A, WITC_MANGLING_LEGACY, &k, S("r"), true, WITC_RES_NEW);
  cr_expect_str_eq(ci.module, "[export]test:e2e/host@0.1.0");
  cr_expect_str_eq(ci.name, "[resource-new]r");
  ci = witc_abi_resource_import(&A, WITC_MANGLING_LEGACY, NULL, S("r"), false, WITC_RES_DROP);
  cr_expect_str_eq(ci.module, "$root");
  cr_expect_str_eq(witc_abi_resource_dtor(&A, WITC_MANGLING_LEGACY, &k, S("multi-word")),
                   "test:e2e/host@0.1.0#[dtor]multi-word");
  witc_world_key nk = {false, S("inline-one"), WITC_ID_NONE};
  cr_expect_str_eq(witc_abi_export_func(&A, WITC_MANGLING_LEGACY, &nk, &f), "inline-one#log");
  cr_expect_str_eq(witc_abi_realloc_name(WITC_MANGLING_LEGACY), "cabi_realloc");
  cr_expect_str_eq(witc_abi_memory_name(WITC_MANGLING_LEGACY), "memory");
  cr_expect_str_eq(witc_abi_initialize_name(WITC_MANGLING_LEGACY), "_initialize");
}

Test(abi, names_standard32) {
  witc_id p1 = add_package("wasi", "io", "0.2.6");
  witc_id p2 = add_package("a", "b", "1.2.3");
  witc_id p3 = add_package("a", "c", "0.0.1");
  witc_id i1 = add_interface("streams", p1);
  witc_id i2 = add_interface("api", p2);
  witc_id i3 = add_interface("x", p3);
  init_abi();
  witc_world_key k1 = {true, WITC_STR_NONE, i1}, k2 = {true, WITC_STR_NONE, i2},
                 k3 = {true, WITC_STR_NONE, i3};
  cr_expect_str_eq(witc_abi_key(&A, &k1, true), "wasi:io/streams@0.2");
  cr_expect_str_eq(witc_abi_key(&A, &k2, true), "a:b/api@1");
  cr_expect_str_eq(witc_abi_key(&A, &k3, true), "a:c/x@0.0.1");
  cr_expect_str_eq(witc_abi_key(&A, &k2, false), "a:b/api@1.2.3");
  witc_function f = func("handle", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  witc_core_import ci = witc_abi_import_func(&A, WITC_MANGLING_STANDARD32, &k2, &f);
  cr_expect_str_eq(ci.module, "cm32p2|a:b/api@1");
  cr_expect_str_eq(ci.name, "handle");
  cr_expect_str_eq(witc_abi_export_func(&A, WITC_MANGLING_STANDARD32, &k2, &f), "cm32p2|a:b/api@1|handle");
  cr_expect_str_eq(witc_abi_post_return(&A, WITC_MANGLING_STANDARD32, &k2, &f),
                   "cm32p2|a:b/api@1|handle_post");
  cr_expect_str_eq(witc_abi_export_func(&A, WITC_MANGLING_STANDARD32, NULL, &f), "cm32p2||handle");
  ci = witc_abi_import_func(&A, WITC_MANGLING_STANDARD32, NULL, &f);
  cr_expect_str_eq(ci.module, "cm32p2");
  ci = witc_abi_resource_import(&A, WITC_MANGLING_STANDARD32, &k1, S("input-stream"), false, WITC_RES_DROP);
  cr_expect_str_eq(ci.module, "cm32p2|wasi:io/streams@0.2");
  cr_expect_str_eq(ci.name, "input-stream_drop");
  ci = witc_abi_resource_import(&A, WITC_MANGLING_STANDARD32, &k2, S("r"), true, WITC_RES_REP);
  cr_expect_str_eq(ci.module, "cm32p2|_ex_a:b/api@1");
  cr_expect_str_eq(ci.name, "r_rep");
  cr_expect_str_eq(witc_abi_resource_dtor(&A, WITC_MANGLING_STANDARD32, &k2, S("r")), "cm32p2|a:b/api@1|r_dtor");
  cr_expect_str_eq(witc_abi_realloc_name(WITC_MANGLING_STANDARD32), "cm32p2_realloc");
  /* what a module built from the generated code exports (wasm-ld, the reactor start file),
   * under either mangling; wit-component accepts these */
  cr_expect_str_eq(witc_abi_memory_name(WITC_MANGLING_STANDARD32), "memory");
  cr_expect_str_eq(witc_abi_initialize_name(WITC_MANGLING_STANDARD32), "_initialize");
}

/* ---- the C generator on hand-built worlds ------------------------------------------------ */

/* A world "my-world" of `pkg` that imports or exports just `f`. */
static witc_id world_with_func(witc_id pkg, witc_function f, bool exported) {
  witc_id w = add_world("my-world", pkg);
  world_push(w, !exported, func_entry(f));
  return w;
}

Test(abi, gen_c_world_function) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id rec = record_of(2, P(WITC_T_U8), P(WITC_T_STRING));
  witc_function f = func("do-it", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "int", ID(rec));
  f.result = P(WITC_T_STRING);
  witc_id w = world_with_func(pkg, f, true);
  witc_diags d;
  witc_diags_init(&d, &arena);
  witc_gen_c_out out;
  cr_assert(witc_gen_c(&R, w, NULL, &d, &out));
  cr_expect_str_eq(out.base, "my_world");
  cr_assert(out.header.data && out.source.data);
  cr_expect(strstr(out.header.data, "void exports_my_world_do_it(my_world_list") == NULL);
  cr_expect(strstr(out.header.data, "void exports_my_world_do_it(") != NULL);
  cr_expect(strstr(out.header.data, "*int_, my_world_string_t *ret);") != NULL);
  cr_expect(strstr(out.header.data, "MY_WORLD_STATIC_ASSERT(sizeof(") != NULL);
  cr_expect(strstr(out.source.data, "WITC_EXPORT(\"do-it\")") != NULL);
  cr_expect(strstr(out.source.data, "WITC_EXPORT(\"cabi_post_do-it\")") != NULL);
  cr_expect(strstr(out.notes.data, "`int` is a C/C++ keyword") != NULL);
  witc_gen_c_out_delete(&out);
}

Test(abi, gen_c_rejects_async) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_function f = func("later", WITC_FUNC_ASYNC_FREESTANDING, WITC_ID_NONE);
  witc_id w = world_with_func(pkg, f, false);
  witc_diags d;
  witc_diags_init(&d, &arena);
  witc_gen_c_out out;
  cr_expect(!witc_gen_c(&R, w, NULL, &d, &out));
  cr_assert_eq(d.errors, 1);
  cr_expect(strstr(d.items.items[0].message, "async") != NULL);
  witc_gen_c_out_delete(&out);
}

Test(abi, gen_c_deterministic) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id lst = list_of(ID(option_of(P(WITC_T_STRING))));
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "x", ID(lst));
  f.result = ID(lst);
  witc_id w = world_with_func(pkg, f, false);
  witc_diags d;
  witc_diags_init(&d, &arena);
  witc_gen_c_out o1, o2;
  cr_assert(witc_gen_c(&R, w, NULL, &d, &o1));
  cr_assert(witc_gen_c(&R, w, NULL, &d, &o2));
  cr_expect_eq(o1.header.len, o2.header.len);
  cr_expect(memcmp(o1.header.data, o2.header.data, o1.header.len) == 0);
  cr_expect(memcmp(o1.source.data, o2.source.data, o1.source.len) == 0);
  cr_expect(strstr(o1.header.data, "void my_world_f(const my_world_list_option_string_t *x, "
                                   "my_world_list_option_string_t *ret);") != NULL);
  witc_gen_c_out_delete(&o1);
  witc_gen_c_out_delete(&o2);
}

/* ---- the C generator: names, comments, borrows, large and deep types ---------------------- */

/* Generates world `w` into *out (asserting success) with diagnostics in *d. */
static void gen_ok(witc_id w, witc_diags *d, witc_gen_c_out *out) {
  witc_diags_init(d, &arena);
  cr_assert(witc_gen_c(&R, w, NULL, d, out), "%u diagnostics: %s", d->items.len,
            d->items.len ? d->items.items[0].message : "");
  cr_assert(out->header.data && out->source.data);
}

/* Identifiers that would hide a type the header uses, gcc's predefined lower-case macros
 * and generated C names get a trailing '_' (noted); a global that would be a <stdint.h>
 * name is renamed. */
Test(abi, gen_c_reserved_names) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id q = add_type("q", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  add_field(q, "x", P(WITC_T_U8), NULL);
  witc_id r = add_type("r", WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
  add_field(r, "size-t", P(WITC_T_U32), NULL);
  add_field(r, "uint32-t", P(WITC_T_U32), NULL);
  add_field(r, "linux", P(WITC_T_U32), NULL);
  add_field(r, "a-b-i-q-t", P(WITC_T_U32), NULL); /* the C name of q, used next */
  add_field(r, "y", ID(q), NULL);
  witc_id v = add_type("v", WITC_TD_VARIANT, WITC_OWNER_INTERFACE, i);
  add_field(v, "int64-t", P(WITC_T_S64), NULL);
  add_field(v, "bool", NONE, NULL);
  witc_function *f = add_func(i, func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_param(f, "uint8-t", P(WITC_T_U8));
  add_param(f, "unix", P(WITC_T_U8));
  add_param(f, "uintptr-t", P(WITC_T_STRING));
  add_param(f, "a-b-i-r-t", ID(r));
  f->result = ID(v);
  witc_id w = add_world("my-world", pkg);
  world_push(w, true, iface_entry(i, NULL));
  world_push(w, false, iface_entry(i, NULL));
  witc_id w2 = add_world("uint8", pkg);
  world_push(w2, true, func_entry(func("t", WITC_FUNC_FREESTANDING, WITC_ID_NONE)));

  witc_diags d;
  witc_gen_c_out out;
  gen_ok(w, &d, &out);
  const char *h = out.header.data;
  cr_expect(strstr(h, "  uint32_t size_t_;\n") != NULL);
  cr_expect(strstr(h, "  uint32_t uint32_t_;\n") != NULL);
  cr_expect(strstr(h, "  uint32_t linux_;\n") != NULL);
  cr_expect(strstr(h, "  uint32_t a_b_i_q_t_;\n  a_b_i_q_t y;\n") != NULL);
  cr_expect(strstr(h, "    int64_t int64_t_;\n") != NULL);
  cr_expect(strstr(h, "#define A_B_I_V_BOOL 1\n") != NULL);
  cr_expect(strstr(h, "void a_b_i_f(uint8_t uint8_t_, uint8_t unix_, const my_world_string_t *uintptr_t_, "
                      "const a_b_i_r_t *a_b_i_r_t_, a_b_i_v_t *ret);") != NULL, "%s", h);
  cr_expect(strstr(out.notes.data, "parameter `unix` is a C/C++ keyword or reserved name: written `unix_`") != NULL);
  cr_expect(strstr(out.notes.data, "record field `a-b-i-q-t` is the C name of a generated declaration: "
                                   "written `a_b_i_q_t_`") != NULL, "%s", out.notes.data);
  witc_gen_c_out_delete(&out);

  gen_ok(w2, &d, &out);
  cr_expect(strstr(out.header.data, "void uint8_t_2(void);") != NULL);
  cr_expect(strstr(out.notes.data, "C name `uint8_t` of function `t` is already taken: renamed to `uint8_t_2`") != NULL);
  witc_gen_c_out_delete(&out);
}

/* Doc comments cannot open or close a comment, form a trigraph or splice a line. */
Test(abi, gen_c_doc_escapes) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  f.docs = S("Handles /api/*, e.g. /* x */ ?\?/ ?\?= ?\?\?/\r\nends in \\\nand \\  \n*/"); /* ?\? is ?? */
  witc_id w = world_with_func(pkg, f, false);
  witc_diags d;
  witc_gen_c_out out;
  gen_ok(w, &d, &out);
  cr_expect(strstr(out.header.data, "/**\n * Handles /api/ *, e.g. / * x * / ?\\?/ ?\\?= ?\\?\\?/\n"
                                    " * ends in \\.\n * and \\.  \n * * /\n *\n") != NULL, "%s", out.header.data);
  witc_gen_c_out_delete(&out);
}

/* A borrow an export receives is ended by the glue after the call; the header offers no
 * function to drop one (a user's drop would be a second one). */
Test(abi, gen_c_borrows_ended_by_glue) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id host = add_interface("host", pkg), api = add_interface("api", pkg);
  witc_id res = add_type("file", WITC_TD_RESOURCE, WITC_OWNER_INTERFACE, host);
  witc_id b = handle(true, res);
  witc_function *f = add_func(api, func("take", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_param(f, "f", ID(b));
  add_param(f, "fs", ID(list_of(ID(b))));
  f->result = P(WITC_T_U32);
  witc_id w = add_world("my-world", pkg);
  world_push(w, true, iface_entry(host, NULL));
  world_push(w, false, iface_entry(api, NULL));
  witc_diags d;
  witc_gen_c_out out;
  gen_ok(w, &d, &out);
  cr_expect(strstr(out.header.data, "drop_borrow") == NULL, "%s", out.header.data);
  cr_expect(strstr(out.header.data, "never drop\n * or zero one.") != NULL);
  cr_expect(strstr(out.header.data, "uint32_t exports_a_b_api_take(a_b_host_borrow_file_t f, "
                                    "a_b_host_list_borrow_file_t *fs);") != NULL);
  const char *call = strstr(out.source.data, "= exports_a_b_api_take(_a0, &_a1);\n");
  cr_assert(call != NULL, "%s", out.source.data);
  cr_expect(strstr(call, "{ a_b_host_file__drop_borrow(_a0); (_a0).__handle = 0; }") != NULL);
  witc_gen_c_out_delete(&out);
}

/* Spilled parameters are never copied to the stack: an export works in the block the host
 * allocated, an import builds a large tuple in memory from cabi_realloc. */
Test(abi, gen_c_large_spilled_params) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_id i = add_interface("i", pkg);
  witc_id big = fixed_of(P(WITC_T_U8), 100000);
  witc_function *f = add_func(i, func("big", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_param(f, "x", ID(big));
  f->result = ID(big);
  witc_id w = add_world("my-world", pkg);
  world_push(w, true, iface_entry(i, NULL));
  world_push(w, false, iface_entry(i, NULL));
  witc_diags d;
  witc_gen_c_out out;
  gen_ok(w, &d, &out);
  const char *s = out.source.data;
  cr_expect(strstr(s, "struct a_b_i_big__params *_p = (struct a_b_i_big__params *)cabi_realloc(NULL, 0, "
                      "MY_WORLD_ALIGNOF(struct a_b_i_big__params), sizeof *_p);\n") != NULL, "%s", s);
  cr_expect(strstr(s, "  _p->x = *x;\n  a_b_i_big__import((int32_t)(uintptr_t)_p, (int32_t)(uintptr_t)ret);\n"
                      "  cabi_free(_p, sizeof *_p, MY_WORLD_ALIGNOF(struct a_b_i_big__params));\n") != NULL);
  cr_expect(strstr(s, "struct exports_a_b_i_big__params *_p = (struct exports_a_b_i_big__params *)(uintptr_t)_f0;\n") != NULL);
  cr_expect(strstr(s, "  exports_a_b_i_big(&_p->x, _ret);\n") != NULL);
  cr_expect(strstr(s, "_a0") == NULL);
  cr_expect(strstr(s, "struct a_b_i_big__params _p") == NULL);
  witc_gen_c_out_delete(&out);
}

/* An anonymous type that is too large is named by its WIT spelling. */
Test(abi, gen_c_anonymous_type_named_in_errors) {
  witc_id pkg = add_package("a", "b", NULL);
  witc_function f = func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE);
  add_param(&f, "x", ID(list_of(ID(fixed_of(P(WITC_T_U64), 67108864)))));
  witc_id w = world_with_func(pkg, f, true);
  witc_diags d;
  witc_diags_init(&d, &arena);
  witc_gen_c_out out;
  cr_expect(!witc_gen_c(&R, w, NULL, &d, &out));
  cr_assert_eq(d.errors, 1);
  cr_expect_str_eq(d.items.items[0].message,
                   "type `list<u64, 67108864>` is 2^28 bytes or larger: not a valid component type");
  witc_gen_c_out_delete(&out);
}

/* A chain of 100,000 named types (record rK { x: rK-1 }), passed both ways: no recursion on
 * the native stack, and time and memory linear in the chain. */
Test(abi, gen_c_deep_chain) {
  enum { N = 100000 };
  witc_id pkg = add_package("a", "b", NULL);
  witc_id i = add_interface("i", pkg);
  witc_type prev = P(WITC_T_U32);
  for (int k = 0; k <= N; k++) {
    witc_id r = add_type(witc_arena_printf(&arena, "r%d", k), WITC_TD_RECORD, WITC_OWNER_INTERFACE, i);
    add_field(r, "x", prev, NULL);
    prev = ID(r);
  }
  witc_function *f = add_func(i, func("f", WITC_FUNC_FREESTANDING, WITC_ID_NONE));
  add_param(f, "a", prev);
  f->result = prev;
  witc_id w = add_world("my-world", pkg);
  world_push(w, true, iface_entry(i, NULL));
  world_push(w, false, iface_entry(i, NULL));
  witc_diags d;
  witc_gen_c_out out;
  gen_ok(w, &d, &out);
  cr_expect(strstr(out.header.data, "typedef struct a_b_i_r100000_t {\n  a_b_i_r99999_t x;\n} a_b_i_r100000_t;") != NULL);
  cr_expect(strstr(out.header.data, "void a_b_i_f(const a_b_i_r100000_t *a, a_b_i_r100000_t *ret);") != NULL);
  cr_expect(strstr(out.source.data, "  _f0 = (int32_t)((*a).x.x.x.x") != NULL);
  witc_gen_c_out_delete(&out);
}

/* test_abi.c: the canonical-ABI model (codegen/abi.h) on models built by hand: the worked
 * examples of docs/canonical-abi.md §10, every type kind, join, spilling, core names of
 * both manglings; plus the C generator's handling of the same models (names, rejections). */
#include "../codegen/abi.h"
#include "../codegen/c_gen.h"
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

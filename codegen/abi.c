/* abi.c: the canonical ABI model (docs/canonical-abi.md §1-§8). */
#include "abi.h"

#include <setjmp.h>
#include <string.h>

const char *witc_core_name(witc_core c) {
  switch (c) {
  case WITC_CORE_I32: return "i32";
  case WITC_CORE_I64: return "i64";
  case WITC_CORE_F32: return "f32";
  case WITC_CORE_F64: return "f64";
  }
  return "?";
}

void witc_abi_init(witc_abi *self, const witc_resolve *resolve, witc_arena *arena,
                   uint32_t ptrsize) {
  memset(self, 0, sizeof *self);
  self->resolve = resolve;
  self->arena = arena;
  self->ptrsize = ptrsize == 8 ? 8 : 4;
  self->ncache = resolve->types.len;
  if (self->ncache) {
    self->cache = witc_arena_alloc(arena, sizeof(witc_layout) * self->ncache);
    self->busy = witc_arena_alloc(arena, self->ncache);
  }
}

uint32_t witc_abi_align_to(uint32_t x, uint32_t a) {
  if (a <= 1) return x;
  uint64_t r = ((uint64_t)x + a - 1) & ~(uint64_t)(a - 1);
  return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

static uint32_t sat_add(uint32_t a, uint32_t b) {
  uint64_t r = (uint64_t)a + b;
  return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

static uint32_t sat_mul(uint32_t a, uint32_t b) {
  uint64_t r = (uint64_t)a * b;
  return r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
}

uint32_t witc_abi_discriminant_size(uint32_t ncases) {
  if (ncases <= 256) return 1;
  if (ncases <= 65536) return 2;
  return 4;
}

uint32_t witc_abi_flags_size(uint32_t n) {
  if (n == 0) return 0;
  if (n <= 8) return 1;
  if (n <= 16) return 2;
  return 4 * ((n + 31) / 32);
}

static const witc_typedef *typedef_of(const witc_abi *self, witc_type t) {
  t = witc_resolve_unalias(self->resolve, t);
  if (t.tag != WITC_T_ID || t.id >= self->resolve->types.len) return NULL;
  return &self->resolve->types.items[t.id];
}

bool witc_abi_is_variant(const witc_abi *self, witc_type t) {
  const witc_typedef *td = typedef_of(self, t);
  if (!td) return false;
  switch (td->kind) {
  case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_OPTION: case WITC_TD_RESULT: return true;
  default: return false;
  }
}

uint32_t witc_abi_case_count(const witc_abi *self, witc_type t) {
  const witc_typedef *td = typedef_of(self, t);
  if (!td) return 0;
  switch (td->kind) {
  case WITC_TD_VARIANT: case WITC_TD_ENUM: return td->u.fields.len;
  case WITC_TD_OPTION: case WITC_TD_RESULT: return 2;
  default: return 0;
  }
}

witc_type witc_abi_case_type(const witc_abi *self, witc_type t, uint32_t i) {
  const witc_typedef *td = typedef_of(self, t);
  if (!td) return witc_type_none();
  switch (td->kind) {
  case WITC_TD_VARIANT: return i < td->u.fields.len ? td->u.fields.items[i].type : witc_type_none();
  case WITC_TD_OPTION: return i == 1 ? td->u.type : witc_type_none();
  case WITC_TD_RESULT: return i == 0 ? td->u.result.ok : i == 1 ? td->u.result.err : witc_type_none();
  default: return witc_type_none();
  }
}

static witc_layout prim_layout(const witc_abi *self, witc_type_tag tag) {
  switch (tag) {
  case WITC_T_BOOL: case WITC_T_U8: case WITC_T_S8: return (witc_layout){1, 1};
  case WITC_T_U16: case WITC_T_S16: return (witc_layout){2, 2};
  case WITC_T_U32: case WITC_T_S32: case WITC_T_F32: case WITC_T_CHAR:
  case WITC_T_ERROR_CONTEXT: return (witc_layout){4, 4};
  case WITC_T_U64: case WITC_T_S64: case WITC_T_F64: return (witc_layout){8, 8};
  case WITC_T_STRING: return (witc_layout){2 * self->ptrsize, self->ptrsize};
  default: return (witc_layout){0, 1};
  }
}

static witc_layout variant_layout_of(witc_abi *self, witc_type t, witc_variant_layout *vl);

static witc_layout compute_layout(witc_abi *self, const witc_typedef *td, witc_type t) {
  switch (td->kind) {
  case WITC_TD_RECORD: {
    uint32_t off = 0, align = 1;
    for (uint32_t i = 0; i < td->u.fields.len; i++) {
      witc_layout l = witc_abi_layout(self, td->u.fields.items[i].type);
      off = sat_add(witc_abi_align_to(off, l.align), l.size);
      if (l.align > align) align = l.align;
    }
    return (witc_layout){witc_abi_align_to(off, align), align};
  }
  case WITC_TD_TUPLE:
    return witc_abi_tuple_layout(self, td->u.tuple.items, td->u.tuple.len, NULL);
  case WITC_TD_FLAGS: {
    uint32_t n = witc_abi_flags_size(td->u.fields.len);
    return (witc_layout){n, n == 0 ? 1 : n > 4 ? 4 : n};
  }
  case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_OPTION: case WITC_TD_RESULT:
    return variant_layout_of(self, t, NULL);
  case WITC_TD_LIST: case WITC_TD_MAP:
    return (witc_layout){2 * self->ptrsize, self->ptrsize};
  case WITC_TD_FIXED_LIST: {
    witc_layout l = witc_abi_layout(self, td->u.fixed.elem);
    return (witc_layout){sat_mul(l.size, td->u.fixed.size), l.align};
  }
  case WITC_TD_RESOURCE: case WITC_TD_HANDLE: case WITC_TD_FUTURE: case WITC_TD_STREAM:
    return (witc_layout){4, 4};
  case WITC_TD_TYPE: return witc_abi_layout(self, td->u.type);
  case WITC_TD_UNKNOWN: break;
  }
  return (witc_layout){0, 1};
}

witc_layout witc_abi_layout(witc_abi *self, witc_type t) {
  if (t.tag != WITC_T_ID) return prim_layout(self, t.tag);
  if (t.id >= self->ncache) {
    if (t.id >= self->resolve->types.len) return (witc_layout){0, 1};
    return compute_layout(self, &self->resolve->types.items[t.id], t);
  }
  if (self->cache[t.id].align) return self->cache[t.id];
  if (self->busy[t.id]) return (witc_layout){0, 1}; /* cyclic: the resolver rejects these */
  self->busy[t.id] = 1;
  witc_layout l = compute_layout(self, &self->resolve->types.items[t.id], t);
  self->busy[t.id] = 0;
  if (l.align == 0) l.align = 1;
  self->cache[t.id] = l;
  return l;
}

uint32_t witc_abi_size(witc_abi *self, witc_type t) { return witc_abi_layout(self, t).size; }
uint32_t witc_abi_align(witc_abi *self, witc_type t) { return witc_abi_layout(self, t).align; }

witc_layout witc_abi_tuple_layout(witc_abi *self, const witc_type *types, uint32_t n,
                                  uint32_t *offsets) {
  uint32_t off = 0, align = 1;
  for (uint32_t i = 0; i < n; i++) {
    witc_layout l = witc_abi_layout(self, types[i]);
    off = witc_abi_align_to(off, l.align);
    if (offsets) offsets[i] = off;
    off = sat_add(off, l.size);
    if (l.align > align) align = l.align;
  }
  return (witc_layout){witc_abi_align_to(off, align), align};
}

uint32_t witc_abi_field_offset(witc_abi *self, witc_type t, uint32_t index) {
  const witc_typedef *td = typedef_of(self, t);
  if (!td) return 0;
  uint32_t off = 0;
  if (td->kind == WITC_TD_RECORD) {
    for (uint32_t i = 0; i < td->u.fields.len && i <= index; i++) {
      witc_layout l = witc_abi_layout(self, td->u.fields.items[i].type);
      off = witc_abi_align_to(off, l.align);
      if (i == index) return off;
      off = sat_add(off, l.size);
    }
  } else if (td->kind == WITC_TD_TUPLE) {
    for (uint32_t i = 0; i < td->u.tuple.len && i <= index; i++) {
      witc_layout l = witc_abi_layout(self, td->u.tuple.items[i]);
      off = witc_abi_align_to(off, l.align);
      if (i == index) return off;
      off = sat_add(off, l.size);
    }
  }
  return 0;
}

static witc_layout variant_layout_of(witc_abi *self, witc_type t, witc_variant_layout *vl) {
  uint32_t n = witc_abi_case_count(self, t);
  uint32_t disc = witc_abi_discriminant_size(n);
  uint32_t max_align = 1, max_size = 0;
  for (uint32_t i = 0; i < n; i++) {
    witc_type ct = witc_abi_case_type(self, t, i);
    if (ct.tag == WITC_T_NONE) continue;
    witc_layout l = witc_abi_layout(self, ct);
    if (l.align > max_align) max_align = l.align;
    if (l.size > max_size) max_size = l.size;
  }
  uint32_t payload = witc_abi_align_to(disc, max_align);
  uint32_t align = disc > max_align ? disc : max_align;
  uint32_t size = witc_abi_align_to(sat_add(payload, max_size), align);
  if (vl) *vl = (witc_variant_layout){disc, payload, max_size, size, align};
  return (witc_layout){size, align};
}

bool witc_abi_variant_layout(witc_abi *self, witc_type t, witc_variant_layout *out) {
  if (!witc_abi_is_variant(self, t)) {
    memset(out, 0, sizeof *out);
    return false;
  }
  variant_layout_of(self, witc_resolve_unalias(self->resolve, t), out);
  return true;
}

/* ---- flattening --------------------------------------------------------------------- */

witc_core witc_abi_join(witc_core a, witc_core b) {
  if (a == b) return a;
  if ((a == WITC_CORE_I32 && b == WITC_CORE_F32) || (a == WITC_CORE_F32 && b == WITC_CORE_I32))
    return WITC_CORE_I32;
  return WITC_CORE_I64;
}

/* Pushes one value unless the cap is already exceeded; false once more than max. */
static bool push_core(witc_abi *self, witc_core_vec *out, uint32_t base, uint32_t max, witc_core c) {
  if (out->len - base > max) return false;
  witc_vec_push(self->arena, out, c);
  return out->len - base <= max;
}

static bool flatten_into(witc_abi *self, witc_type t, uint32_t base, uint32_t max,
                         witc_core_vec *out) {
  t = witc_resolve_unalias(self->resolve, t);
  switch (t.tag) {
  case WITC_T_NONE: return true;
  case WITC_T_S64: case WITC_T_U64: return push_core(self, out, base, max, WITC_CORE_I64);
  case WITC_T_F32: return push_core(self, out, base, max, WITC_CORE_F32);
  case WITC_T_F64: return push_core(self, out, base, max, WITC_CORE_F64);
  case WITC_T_STRING:
    return push_core(self, out, base, max, WITC_CORE_I32) &&
           push_core(self, out, base, max, WITC_CORE_I32);
  case WITC_T_ID: break;
  default: return push_core(self, out, base, max, WITC_CORE_I32);
  }
  const witc_typedef *td = typedef_of(self, t);
  if (!td) {
    if (t.id < self->resolve->types.len) return true;
    return push_core(self, out, base, max, WITC_CORE_I32);
  }
  switch (td->kind) {
  case WITC_TD_RECORD:
    for (uint32_t i = 0; i < td->u.fields.len; i++)
      if (!flatten_into(self, td->u.fields.items[i].type, base, max, out)) return false;
    return true;
  case WITC_TD_TUPLE:
    for (uint32_t i = 0; i < td->u.tuple.len; i++)
      if (!flatten_into(self, td->u.tuple.items[i], base, max, out)) return false;
    return true;
  case WITC_TD_FIXED_LIST:
    for (uint32_t i = 0; i < td->u.fixed.size; i++)
      if (!flatten_into(self, td->u.fixed.elem, base, max, out)) return false;
    return true;
  case WITC_TD_FLAGS: {
    uint32_t words = td->u.fields.len <= 32 ? 1 : (td->u.fields.len + 31) / 32;
    if (td->u.fields.len == 0) words = 0;
    for (uint32_t i = 0; i < words; i++)
      if (!push_core(self, out, base, max, WITC_CORE_I32)) return false;
    return true;
  }
  case WITC_TD_LIST: case WITC_TD_MAP:
    return push_core(self, out, base, max, WITC_CORE_I32) &&
           push_core(self, out, base, max, WITC_CORE_I32);
  case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_OPTION: case WITC_TD_RESULT: {
    witc_type vt = witc_resolve_unalias(self->resolve, t);
    if (!push_core(self, out, base, max, WITC_CORE_I32)) return false;
    uint32_t start = out->len;
    uint32_t n = witc_abi_case_count(self, vt);
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
      witc_type ct = witc_abi_case_type(self, vt, i);
      if (ct.tag == WITC_T_NONE) continue;
      witc_core_vec tmp = {0};
      /* The payload may use what is left of the budget (max - used so far). */
      uint32_t used = start - base;
      uint32_t left = used > max ? 0 : max - used;
      bool whole = flatten_into(self, ct, 0, left, &tmp);
      for (uint32_t k = 0; k < tmp.len; k++) {
        uint32_t pos = start + k;
        if (pos < out->len) {
          out->items[pos] = witc_abi_join(out->items[pos], tmp.items[k]);
        } else {
          witc_vec_push(self->arena, out, tmp.items[k]);
        }
      }
      if (!whole) ok = false;
    }
    return ok && out->len - base <= max;
  }
  case WITC_TD_RESOURCE: case WITC_TD_HANDLE: case WITC_TD_FUTURE: case WITC_TD_STREAM:
    return push_core(self, out, base, max, WITC_CORE_I32);
  case WITC_TD_TYPE: return flatten_into(self, td->u.type, base, max, out);
  case WITC_TD_UNKNOWN: return true;
  }
  return true;
}

bool witc_abi_flatten(witc_abi *self, witc_type t, uint32_t max, witc_core_vec *out) {
  return flatten_into(self, t, out->len, max, out);
}

witc_layout witc_abi_params_layout(witc_abi *self, const witc_function *f, uint32_t *offsets) {
  uint32_t off = 0, align = 1;
  for (uint32_t i = 0; i < f->params.len; i++) {
    witc_layout l = witc_abi_layout(self, f->params.items[i].type);
    off = witc_abi_align_to(off, l.align);
    if (offsets) offsets[i] = off;
    off = sat_add(off, l.size);
    if (l.align > align) align = l.align;
  }
  return (witc_layout){witc_abi_align_to(off, align), align};
}

void witc_abi_func_sig(witc_abi *self, const witc_function *f, witc_abi_dir dir,
                       witc_core_sig *out) {
  memset(out, 0, sizeof *out);
  witc_core_vec flat = {0};
  bool fits = true;
  for (uint32_t i = 0; i < f->params.len && fits; i++)
    fits = witc_abi_flatten(self, f->params.items[i].type, WITC_ABI_MAX_FLAT_PARAMS, &flat) &&
           flat.len <= WITC_ABI_MAX_FLAT_PARAMS;
  if (!fits) {
    out->params_indirect = true;
    out->flat_params = WITC_ABI_MAX_FLAT_PARAMS + 1;
    witc_vec_push(self->arena, &out->params, WITC_CORE_I32);
  } else {
    out->flat_params = flat.len;
    out->params = flat;
  }
  witc_core_vec res = {0};
  bool rfits = witc_abi_flatten(self, f->result, WITC_ABI_MAX_FLAT_RESULTS, &res);
  if (!rfits) {
    out->results_indirect = true;
    out->flat_results = WITC_ABI_MAX_FLAT_RESULTS + 1;
    if (dir == WITC_ABI_IMPORT) {
      out->retptr = true;
      witc_vec_push(self->arena, &out->params, WITC_CORE_I32);
    } else {
      witc_vec_push(self->arena, &out->results, WITC_CORE_I32);
    }
  } else {
    out->flat_results = res.len;
    out->results = res;
  }
}

static bool has_buffers(witc_abi *self, witc_type t, uint32_t depth) {
  t = witc_resolve_unalias(self->resolve, t);
  if (t.tag == WITC_T_STRING) return true;
  if (t.tag != WITC_T_ID || t.id >= self->resolve->types.len || depth > 200) return false;
  const witc_typedef *td = &self->resolve->types.items[t.id];
  switch (td->kind) {
  case WITC_TD_LIST: case WITC_TD_MAP: return true;
  case WITC_TD_RECORD: case WITC_TD_VARIANT:
    for (uint32_t i = 0; i < td->u.fields.len; i++)
      if (has_buffers(self, td->u.fields.items[i].type, depth + 1)) return true;
    return false;
  case WITC_TD_TUPLE:
    for (uint32_t i = 0; i < td->u.tuple.len; i++)
      if (has_buffers(self, td->u.tuple.items[i], depth + 1)) return true;
    return false;
  case WITC_TD_OPTION: return has_buffers(self, td->u.type, depth + 1);
  case WITC_TD_RESULT:
    return has_buffers(self, td->u.result.ok, depth + 1) || has_buffers(self, td->u.result.err, depth + 1);
  case WITC_TD_FIXED_LIST: return has_buffers(self, td->u.fixed.elem, depth + 1);
  default: return false;
  }
}

bool witc_abi_has_buffers(witc_abi *self, witc_type t) { return has_buffers(self, t, 0); }

/* ---- names -------------------------------------------------------------------------- */

/* Writes the version the standard32 names use: 1.2.3 -> 1, 0.2.6 -> 0.2, 0.0.1 -> 0.0.1;
 * pre-release versions are written in full. */
static void put_canonical_version(witc_buf *b, const witc_version *v) {
  if (v->pre.ptr && v->pre.len) {
    witc_buf_putstr(b, v->text);
    return;
  }
  if (v->major != 0)
    witc_buf_printf(b, "%llu", (unsigned long long)v->major);
  else if (v->minor != 0)
    witc_buf_printf(b, "0.%llu", (unsigned long long)v->minor);
  else
    witc_buf_printf(b, "0.0.%llu", (unsigned long long)v->patch);
}

/* Moves a name built in a heap buffer into the arena. A failed buffer is an allocation
 * failure like any other (the arena's out-of-memory jump, held back until the buffer is
 * freed); without a recovery point the name is "". */
static const char *buf_to_arena(witc_abi *self, witc_buf *b) {
  witc_arena *a = self->arena;
  jmp_buf *oom = a->oom;
  a->oom = NULL;
  const char *s = b->error ? NULL : witc_arena_strndup(a, b->data ? b->data : "", b->len);
  a->oom = oom;
  witc_buf_delete(b);
  if (!s && oom) longjmp(*oom, 1);
  return s ? s : "";
}

static void put_key(witc_abi *self, witc_buf *b, const witc_world_key *key, bool canonical) {
  if (!key->is_interface) {
    witc_buf_putstr(b, key->name);
    return;
  }
  const witc_resolve *r = self->resolve;
  if (key->iface >= r->interfaces.len) return;
  const witc_interface *ifc = &r->interfaces.items[key->iface];
  if (ifc->package == WITC_ID_NONE || ifc->package >= r->packages.len) {
    witc_buf_putstr(b, ifc->name);
    return;
  }
  const witc_package_name *pn = &r->packages.items[ifc->package].name;
  witc_buf_putstr(b, pn->ns);
  witc_buf_putc(b, ':');
  witc_buf_putstr(b, pn->name);
  witc_buf_putc(b, '/');
  witc_buf_putstr(b, ifc->name);
  if (pn->has_version) {
    witc_buf_putc(b, '@');
    if (canonical)
      put_canonical_version(b, &pn->version);
    else
      witc_buf_putstr(b, pn->version.text);
  }
}

const char *witc_abi_key(witc_abi *self, const witc_world_key *key, bool canonical_version) {
  witc_buf b;
  witc_buf_init(&b);
  put_key(self, &b, key, canonical_version);
  return buf_to_arena(self, &b);
}

witc_core_import witc_abi_import_func(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                      const witc_function *f) {
  witc_buf b;
  witc_buf_init(&b);
  if (m == WITC_MANGLING_STANDARD32) {
    witc_buf_puts(&b, "cm32p2");
    if (key) {
      witc_buf_putc(&b, '|');
      put_key(self, &b, key, true);
    }
  } else if (key) {
    put_key(self, &b, key, false);
  } else {
    witc_buf_puts(&b, "$root");
  }
  witc_core_import ci;
  ci.module = buf_to_arena(self, &b);
  ci.name = witc_arena_strndup(self->arena, f->name.ptr ? f->name.ptr : "", f->name.len);
  return ci;
}

/* What precedes an export's own name: "cm32p2|K|" (standard32; K empty at world level),
 * "K#" (legacy), nothing (legacy, world level). */
static void put_export_prefix(witc_abi *self, witc_buf *b, witc_mangling m,
                              const witc_world_key *key) {
  if (m == WITC_MANGLING_STANDARD32) {
    witc_buf_puts(b, "cm32p2|");
    if (key) put_key(self, b, key, true);
    witc_buf_putc(b, '|');
  } else if (key) {
    put_key(self, b, key, false);
    witc_buf_putc(b, '#');
  }
}

const char *witc_abi_export_func(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                 const witc_function *f) {
  witc_buf b;
  witc_buf_init(&b);
  put_export_prefix(self, &b, m, key);
  witc_buf_putstr(&b, f->name);
  return buf_to_arena(self, &b);
}

const char *witc_abi_post_return(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                 const witc_function *f) {
  const char *e = witc_abi_export_func(self, m, key, f);
  if (m == WITC_MANGLING_STANDARD32) return witc_arena_printf(self->arena, "%s_post", e);
  return witc_arena_printf(self->arena, "cabi_post_%s", e);
}

witc_core_import witc_abi_resource_import(witc_abi *self, witc_mangling m,
                                          const witc_world_key *key, witc_str name,
                                          bool exported, witc_resource_op op) {
  witc_buf b;
  witc_buf_init(&b);
  witc_core_import ci;
  if (m == WITC_MANGLING_STANDARD32) {
    witc_buf_puts(&b, "cm32p2");
    if (key || exported) witc_buf_putc(&b, '|');
    if (exported) witc_buf_puts(&b, "_ex_");
    if (key) put_key(self, &b, key, true);
    ci.module = buf_to_arena(self, &b);
    const char *suffix = op == WITC_RES_NEW ? "new" : op == WITC_RES_REP ? "rep" : "drop";
    ci.name = witc_arena_printf(self->arena, "%.*s_%s", (int)name.len, name.ptr, suffix);
    return ci;
  }
  if (exported) witc_buf_puts(&b, "[export]");
  if (key)
    put_key(self, &b, key, false);
  else
    witc_buf_puts(&b, "$root");
  ci.module = buf_to_arena(self, &b);
  const char *what = op == WITC_RES_NEW ? "new" : op == WITC_RES_REP ? "rep" : "drop";
  ci.name = witc_arena_printf(self->arena, "[resource-%s]%.*s", what, (int)name.len, name.ptr);
  return ci;
}

const char *witc_abi_resource_dtor(witc_abi *self, witc_mangling m, const witc_world_key *key,
                                   witc_str name) {
  witc_buf b;
  witc_buf_init(&b);
  put_export_prefix(self, &b, m, key);
  if (m == WITC_MANGLING_STANDARD32) {
    witc_buf_putstr(&b, name);
    witc_buf_puts(&b, "_dtor");
  } else {
    witc_buf_puts(&b, "[dtor]");
    witc_buf_putstr(&b, name);
  }
  return buf_to_arena(self, &b);
}

const char *witc_abi_realloc_name(witc_mangling m) {
  return m == WITC_MANGLING_STANDARD32 ? "cm32p2_realloc" : "cabi_realloc";
}
const char *witc_abi_memory_name(witc_mangling m) {
  return m == WITC_MANGLING_STANDARD32 ? "cm32p2_memory" : "memory";
}
const char *witc_abi_initialize_name(witc_mangling m) {
  return m == WITC_MANGLING_STANDARD32 ? "cm32p2_initialize" : "_initialize";
}

/* abi.c: the canonical ABI model (docs/canonical-abi.md §1-§8).
 *
 * Every per-type fact is computed once per type id by compute(), the types it contains
 * first: dfs() walks the type graph depth-first with an explicit stack. The resolver puts
 * every type after the types it refers to, so the stack stays shallow in practice, but any
 * order works, and in a corrupt model with a cycle the back edge is taken as an empty type
 * (and the types on the cycle are marked `cyclic`). A flattening is kept as its count plus
 * its first FLAT_MEMO values, which is all witc_abi_flatten ever spells out (17 values
 * decide spilling). No input-driven recursion, and the cost is linear in the size of the
 * graph. */
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

/* How many leading values of a flattening each type keeps: all that are ever spelled out. */
enum { FLAT_MEMO = WITC_ABI_FLAT_MAX };
/* Progress of a computation per type. */
enum { ST_NEW, ST_BUSY, ST_DONE };

struct witc_abi_info {
  uint32_t size, align;
  uint32_t count;                        /* flat count, saturating */
  uint32_t payload_offset, payload_size; /* variant-like types */
  const uint32_t *offsets;               /* records and tuples: each field's offset */
  uint32_t dup, dup_of;                  /* WITC_ABI_DUPLICATE_NAME: member dup repeats dup_of */
  const uint8_t *flat;                   /* the first flat_len values (witc_core) */
  witc_type base;                        /* aliases followed */
  uint8_t flat_len, state, fault;
  bool buffers; /* holds strings, lists or maps */
  bool big;     /* size >= WITC_ABI_MAX_SIZE */
  bool cyclic;  /* reaches a type that was still being computed (corrupt model only) */
};

struct witc_abi_frame {
  witc_id id;
  uint32_t next; /* next child to look at */
};

void witc_abi_init(witc_abi *self, const witc_resolve *resolve, witc_arena *arena,
                   uint32_t ptrsize) {
  memset(self, 0, sizeof *self);
  self->resolve = resolve;
  self->arena = arena;
  self->ptrsize = ptrsize == 8 ? 8 : 4;
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

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

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

/* ---- the per-type table ---------------------------------------------------------------- */

/* The table entry of type `id`, the table grown to the resolve's current size first; NULL
 * for an id outside the resolve (or when the arena has no memory and no recovery point). */
static witc_abi_info *info_slot(witc_abi *self, witc_id id) {
  uint32_t n = self->resolve->types.len;
  if (id >= n) return NULL;
  if (id >= self->ninfo) {
    witc_abi_info *grown = witc_arena_alloc(self->arena, sizeof *grown * (size_t)n);
    if (!grown) return NULL;
    if (self->ninfo) memcpy(grown, self->info, sizeof *grown * (size_t)self->ninfo);
    self->info = grown;
    self->ninfo = n;
  }
  return &self->info[id];
}

/* Makes room for `need` frames on the work stack; false when the arena cannot. */
static bool stack_reserve(witc_abi *self, uint32_t need) {
  if (need <= self->stack_cap) return true;
  uint32_t cap = self->stack_cap ? self->stack_cap : 32;
  while (cap < need) cap = cap > UINT32_MAX / 2 ? need : cap * 2;
  witc_abi_frame *s = witc_arena_alloc(self->arena, sizeof *s * (size_t)cap);
  if (!s) return false;
  if (self->stack_cap) memcpy(s, self->stack, sizeof *s * (size_t)self->stack_cap);
  self->stack = s;
  self->stack_cap = cap;
  return true;
}

/* Which of a type's children a computation needs. */
typedef enum child_set {
  CHILD_LAYOUT, /* what size, flattening and validity depend on (not list elements) */
  CHILD_ALL,    /* every type it mentions (list elements, handles' resources too) */
} child_set;

/* Child `i` of `td` into *out (possibly NONE: a case without payload); false past the last. */
static bool child_at(const witc_typedef *td, uint32_t i, child_set set, witc_type *out) {
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_VARIANT:
    if (i >= td->u.fields.len) return false;
    *out = td->u.fields.items[i].type;
    return true;
  case WITC_TD_TUPLE:
    if (i >= td->u.tuple.len) return false;
    *out = td->u.tuple.items[i];
    return true;
  case WITC_TD_OPTION: case WITC_TD_TYPE:
    if (i) return false;
    *out = td->u.type;
    return true;
  case WITC_TD_LIST: case WITC_TD_FUTURE: case WITC_TD_STREAM:
    if (i || set != CHILD_ALL) return false;
    *out = td->u.type;
    return true;
  case WITC_TD_RESULT:
    if (i > 1) return false;
    *out = i ? td->u.result.err : td->u.result.ok;
    return true;
  case WITC_TD_MAP:
    if (i > 1 || set != CHILD_ALL) return false;
    *out = i ? td->u.map.value : td->u.map.key;
    return true;
  case WITC_TD_FIXED_LIST:
    if (i) return false;
    *out = td->u.fixed.elem;
    return true;
  case WITC_TD_HANDLE:
    if (i || set != CHILD_ALL) return false;
    *out = witc_type_id(td->u.handle.resource);
    return true;
  default: return false;
  }
}

/* What one type contributes to the types containing it. */
typedef struct props {
  uint32_t size, align, count;
  const uint8_t *flat; /* the first flat_len values */
  uint32_t flat_len;
  bool buffers, big, cyclic;
} props;

static const uint8_t core_i32[2] = {WITC_CORE_I32, WITC_CORE_I32};
static const uint8_t core_i64[1] = {WITC_CORE_I64};
static const uint8_t core_f32[1] = {WITC_CORE_F32};
static const uint8_t core_f64[1] = {WITC_CORE_F64};

static props prim_props(const witc_abi *self, witc_type_tag tag) {
  props p = {0, 1, 0, NULL, 0, false, false, false};
  switch (tag) {
  case WITC_T_NONE: return p;
  case WITC_T_BOOL: case WITC_T_U8: case WITC_T_S8: p.size = p.align = 1; break;
  case WITC_T_U16: case WITC_T_S16: p.size = p.align = 2; break;
  case WITC_T_U32: case WITC_T_S32: case WITC_T_CHAR: case WITC_T_ERROR_CONTEXT:
    p.size = p.align = 4;
    break;
  case WITC_T_F32: p.size = p.align = 4; p.flat = core_f32; break;
  case WITC_T_U64: case WITC_T_S64: p.size = p.align = 8; p.flat = core_i64; break;
  case WITC_T_F64: p.size = p.align = 8; p.flat = core_f64; break;
  case WITC_T_STRING:
    p.size = 2 * self->ptrsize;
    p.align = self->ptrsize;
    p.count = p.flat_len = 2;
    p.flat = core_i32;
    p.buffers = true;
    return p;
  default: break; /* an id outside the resolve: one i32, no size */
  }
  p.count = p.flat_len = 1;
  if (!p.flat) p.flat = core_i32;
  return p;
}

static void dfs(witc_abi *self, witc_id root);

/* The properties of `t`. compute() passes ensure = false: its children are done already,
 * and one that is not (a cycle) counts as empty. */
static props props_get(witc_abi *self, witc_type t, bool ensure) {
  if (t.tag != WITC_T_ID) return prim_props(self, t.tag);
  witc_abi_info *in = info_slot(self, t.id);
  if (!in) return prim_props(self, WITC_T_ID);
  if (in->state == ST_NEW && ensure) {
    dfs(self, t.id);
    in = &self->info[t.id];
  }
  if (in->state != ST_DONE) return (props){0, 1, 0, NULL, 0, false, false, true};
  return (props){in->size, in->align, in->count, in->flat, in->flat_len,
                 in->buffers, in->big, in->cyclic};
}

static props props_of(witc_abi *self, witc_type t) { return props_get(self, t, true); }

/* Appends `n` values of `src` to the memo `dst` (holding *len), up to FLAT_MEMO. */
static void memo_append(uint8_t *dst, uint32_t *len, const uint8_t *src, uint32_t n) {
  for (uint32_t k = 0; k < n && *len < FLAT_MEMO; k++) dst[(*len)++] = src[k];
}

/* Joins the `n` values of `src` into `dst` (holding *len) from position 0 (§4 variants). */
static void join_into(uint8_t *dst, uint32_t *len, const uint8_t *src, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    if (k < *len) dst[k] = (uint8_t)witc_abi_join((witc_core)dst[k], (witc_core)src[k]);
    else dst[(*len)++] = src[k];
  }
}

static witc_abi_fault own_fault(const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_RECORD: return td->u.fields.len ? WITC_ABI_VALID : WITC_ABI_EMPTY_RECORD;
  case WITC_TD_VARIANT: return td->u.fields.len ? WITC_ABI_VALID : WITC_ABI_EMPTY_VARIANT;
  case WITC_TD_ENUM: return td->u.fields.len ? WITC_ABI_VALID : WITC_ABI_EMPTY_ENUM;
  case WITC_TD_FLAGS:
    if (!td->u.fields.len) return WITC_ABI_EMPTY_FLAGS;
    return td->u.fields.len > 32 ? WITC_ABI_TOO_MANY_FLAGS : WITC_ABI_VALID;
  case WITC_TD_TUPLE: return td->u.tuple.len ? WITC_ABI_VALID : WITC_ABI_EMPTY_TUPLE;
  case WITC_TD_FIXED_LIST:
    if (!td->u.fixed.size) return WITC_ABI_EMPTY_FIXED_LIST;
    return td->u.fixed.size > WITC_ABI_MAX_FIXED_LIST ? WITC_ABI_FIXED_LIST_TOO_LONG : WITC_ABI_VALID;
  default: return WITC_ABI_VALID;
  }
}

/* ASCII lower case, as the component model compares names. */
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

static bool same_name(witc_str a, witc_str b) {
  if (a.len != b.len) return false;
  for (uint32_t k = 0; k < a.len; k++)
    if (lower((unsigned char)a.ptr[k]) != lower((unsigned char)b.ptr[k])) return false;
  return true;
}

/* Finds the first member of a record, variant, enum or flags whose name repeats an earlier
 * one, ignoring case (wasmparser: "... conflicts with previous ..."): true with *dup and
 * *dup_of set. A hash table in the arena, so linear; without memory, no verdict. */
static bool find_duplicate(witc_abi *self, const witc_typedef *td, uint32_t *dup, uint32_t *dup_of) {
  uint32_t n = td->u.fields.len;
  if (n < 2) return false;
  uint32_t cap = 4;
  while (cap < 2 * (uint64_t)n && cap < (1u << 31)) cap *= 2;
  uint32_t *slots = witc_arena_alloc(self->arena, sizeof *slots * (size_t)cap); /* index + 1 */
  if (!slots) return false;
  for (uint32_t i = 0; i < n; i++) {
    witc_str name = td->u.fields.items[i].name;
    uint32_t h = 2166136261u;
    for (uint32_t k = 0; k < name.len; k++) h = (h ^ lower((unsigned char)name.ptr[k])) * 16777619u;
    for (uint32_t at = h & (cap - 1);; at = (at + 1) & (cap - 1)) {
      if (!slots[at]) {
        slots[at] = i + 1;
        break;
      }
      if (same_name(td->u.fields.items[slots[at] - 1].name, name)) {
        *dup = i;
        *dup_of = slots[at] - 1;
        return true;
      }
    }
  }
  return false;
}

/* Number of cases of a variant-like definition, and the payload of case i. */
static uint32_t td_case_count(const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_VARIANT: case WITC_TD_ENUM: return td->u.fields.len;
  case WITC_TD_OPTION: case WITC_TD_RESULT: return 2;
  default: return 0;
  }
}

static witc_type td_case_type(const witc_typedef *td, uint32_t i) {
  switch (td->kind) {
  case WITC_TD_VARIANT: return i < td->u.fields.len ? td->u.fields.items[i].type : witc_type_none();
  case WITC_TD_OPTION: return i == 1 ? td->u.type : witc_type_none();
  case WITC_TD_RESULT: return i == 0 ? td->u.result.ok : i == 1 ? td->u.result.err : witc_type_none();
  default: return witc_type_none();
  }
}

static bool td_is_variant(const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_OPTION: case WITC_TD_RESULT: return true;
  default: return false;
  }
}

/* Computes every fact about type `id` from its children's (done, or part of a cycle). */
static void compute(witc_abi *self, witc_id id) {
  const witc_typedef *td = &self->resolve->types.items[id];
  uint8_t flat[FLAT_MEMO];
  uint32_t nflat = 0;
  const uint8_t *share = NULL; /* a child's memo equal to this one */
  uint32_t size = 0, align = 1, count = 0;
  bool buffers = false, cyclic = false, child_big = false;
  witc_type base = witc_type_id(id);
  const uint32_t *offsets = NULL;
  uint32_t payload_offset = 0, payload_size = 0;
  switch (td->kind) {
  case WITC_TD_RECORD: case WITC_TD_TUPLE: {
    uint32_t n = td->kind == WITC_TD_RECORD ? td->u.fields.len : td->u.tuple.len;
    uint32_t *offs = n ? witc_arena_alloc(self->arena, sizeof *offs * (size_t)n) : NULL;
    uint32_t off = 0, contributors = 0;
    for (uint32_t i = 0; i < n; i++) {
      witc_type c = td->kind == WITC_TD_RECORD ? td->u.fields.items[i].type : td->u.tuple.items[i];
      props p = props_get(self, c, false);
      off = witc_abi_align_to(off, p.align);
      if (offs) offs[i] = off;
      off = sat_add(off, p.size);
      align = max_u32(align, p.align);
      count = sat_add(count, p.count);
      if (p.flat_len && nflat < FLAT_MEMO) {
        contributors++;
        share = p.flat;
        memo_append(flat, &nflat, p.flat, p.flat_len);
      }
      buffers |= p.buffers;
      cyclic |= p.cyclic;
      child_big |= p.big;
    }
    if (contributors != 1) share = NULL;
    size = witc_abi_align_to(off, align);
    offsets = offs;
    break;
  }
  case WITC_TD_FLAGS: {
    uint32_t n = td->u.fields.len;
    size = witc_abi_flags_size(n);
    align = size == 0 ? 1 : size > 4 ? 4 : size;
    count = n == 0 ? 0 : (n + 31) / 32;
    while (nflat < count && nflat < FLAT_MEMO) flat[nflat++] = WITC_CORE_I32;
    break;
  }
  case WITC_TD_VARIANT: case WITC_TD_ENUM: case WITC_TD_OPTION: case WITC_TD_RESULT: {
    uint32_t n = td_case_count(td);
    uint32_t disc = witc_abi_discriminant_size(n), max_align = 1, max_count = 0;
    uint8_t joined[FLAT_MEMO - 1];
    uint32_t njoined = 0;
    for (uint32_t i = 0; i < n; i++) {
      witc_type ct = td_case_type(td, i);
      if (ct.tag == WITC_T_NONE) continue;
      props p = props_get(self, ct, false);
      max_align = max_u32(max_align, p.align);
      payload_size = max_u32(payload_size, p.size);
      max_count = max_u32(max_count, p.count);
      join_into(joined, &njoined, p.flat, p.flat_len < FLAT_MEMO - 1 ? p.flat_len : FLAT_MEMO - 1);
      buffers |= p.buffers;
      cyclic |= p.cyclic;
      child_big |= p.big;
    }
    payload_offset = witc_abi_align_to(disc, max_align);
    align = max_u32(disc, max_align);
    size = witc_abi_align_to(sat_add(payload_offset, payload_size), align);
    count = sat_add(1, max_count);
    flat[nflat++] = WITC_CORE_I32;
    memo_append(flat, &nflat, joined, njoined);
    break;
  }
  case WITC_TD_LIST: case WITC_TD_MAP:
    size = 2 * self->ptrsize;
    align = self->ptrsize;
    count = 2;
    share = core_i32;
    nflat = 2;
    buffers = true;
    break;
  case WITC_TD_FIXED_LIST: {
    props p = props_get(self, td->u.fixed.elem, false);
    uint32_t n = td->u.fixed.size;
    size = sat_mul(p.size, n);
    align = p.align;
    count = sat_mul(p.count, n);
    /* at most FLAT_MEMO rounds: each adds at least one value */
    for (uint32_t r = 0; r < n && p.flat_len && nflat < FLAT_MEMO; r++)
      memo_append(flat, &nflat, p.flat, p.flat_len);
    if (n == 1 || nflat == p.flat_len) share = p.flat;
    buffers = p.buffers;
    cyclic = p.cyclic;
    child_big = p.big;
    break;
  }
  case WITC_TD_RESOURCE: case WITC_TD_HANDLE: case WITC_TD_FUTURE: case WITC_TD_STREAM:
    size = align = 4;
    count = nflat = 1;
    share = core_i32;
    break;
  case WITC_TD_TYPE: {
    witc_type target = td->u.type;
    props p = props_get(self, target, false);
    size = p.size;
    align = p.align;
    count = p.count;
    share = p.flat;
    nflat = p.flat_len;
    buffers = p.buffers;
    cyclic = p.cyclic;
    child_big = p.big;
    base = target;
    if (target.tag == WITC_T_ID && target.id < self->ninfo && self->info[target.id].state == ST_DONE)
      base = self->info[target.id].base;
    break;
  }
  case WITC_TD_UNKNOWN: break;
  }
  if (!share && nflat) {
    uint8_t *copy = witc_arena_alloc(self->arena, nflat);
    if (copy) memcpy(copy, flat, nflat);
    else nflat = 0;
    share = copy;
  }
  witc_abi_info *in = &self->info[id];
  in->size = size;
  in->align = align ? align : 1;
  in->count = count;
  in->payload_offset = payload_offset;
  in->payload_size = payload_size;
  in->offsets = offsets;
  in->flat = share;
  in->flat_len = (uint8_t)nflat;
  in->base = base;
  in->buffers = buffers;
  in->cyclic = cyclic;
  in->big = size >= WITC_ABI_MAX_SIZE;
  witc_abi_fault fault = own_fault(td);
  bool named = td->kind == WITC_TD_RECORD || td->kind == WITC_TD_VARIANT ||
               td->kind == WITC_TD_ENUM || td->kind == WITC_TD_FLAGS;
  if (fault == WITC_ABI_VALID && named && find_duplicate(self, td, &in->dup, &in->dup_of))
    fault = WITC_ABI_DUPLICATE_NAME;
  if (fault == WITC_ABI_VALID && in->big && !child_big) fault = WITC_ABI_TOO_LARGE;
  in->fault = (uint8_t)fault;
}

/* Depth-first from `root`, children first, with the explicit stack, compute() on each type
 * not computed yet. A child whose frame cannot be pushed (no memory) is left for later and
 * counts as empty now. */
static void dfs(witc_abi *self, witc_id root) {
  witc_abi_info *info = self->info;
  const witc_typedef *types = self->resolve->types.items;
  if (!stack_reserve(self, 1)) return;
  uint32_t sp = 0;
  self->stack[sp++] = (witc_abi_frame){root, 0};
  info[root].state = ST_BUSY;
  while (sp) {
    witc_abi_frame *f = &self->stack[sp - 1];
    const witc_typedef *td = &types[f->id];
    witc_type c;
    bool pushed = false;
    while (child_at(td, f->next, CHILD_LAYOUT, &c)) {
      f->next++;
      if (c.tag != WITC_T_ID || c.id >= self->ninfo) continue;
      if (info[c.id].state != ST_NEW || !stack_reserve(self, sp + 1)) continue;
      info[c.id].state = ST_BUSY;
      self->stack[sp++] = (witc_abi_frame){c.id, 0};
      pushed = true;
      break;
    }
    if (pushed) continue;
    witc_id id = self->stack[--sp].id;
    compute(self, id);
    info[id].state = ST_DONE;
  }
}

/* The table entry of `t` with its facts computed; NULL for builtins and foreign ids. */
static const witc_abi_info *info_of(witc_abi *self, witc_type t) {
  if (t.tag != WITC_T_ID) return NULL;
  props_of(self, t);
  if (t.id >= self->ninfo || self->info[t.id].state != ST_DONE) return NULL;
  return &self->info[t.id];
}

/* `t` with aliases followed. */
static witc_type base_of(witc_abi *self, witc_type t) {
  const witc_abi_info *in = info_of(self, t);
  return in ? in->base : witc_resolve_unalias(self->resolve, t);
}

static const witc_typedef *typedef_of(const witc_abi *self, witc_type t) {
  if (t.tag == WITC_T_ID && t.id < self->ninfo && self->info[t.id].state == ST_DONE)
    t = self->info[t.id].base;
  else
    t = witc_resolve_unalias(self->resolve, t);
  if (t.tag != WITC_T_ID || t.id >= self->resolve->types.len) return NULL;
  return &self->resolve->types.items[t.id];
}

/* ---- layout ------------------------------------------------------------------------------ */

bool witc_abi_is_variant(const witc_abi *self, witc_type t) {
  const witc_typedef *td = typedef_of(self, t);
  return td && td_is_variant(td);
}

uint32_t witc_abi_case_count(const witc_abi *self, witc_type t) {
  const witc_typedef *td = typedef_of(self, t);
  return td ? td_case_count(td) : 0;
}

witc_type witc_abi_case_type(const witc_abi *self, witc_type t, uint32_t i) {
  const witc_typedef *td = typedef_of(self, t);
  return td ? td_case_type(td, i) : witc_type_none();
}

witc_layout witc_abi_layout(witc_abi *self, witc_type t) {
  if (t.tag == WITC_T_ID && t.id >= self->resolve->types.len) return (witc_layout){0, 1};
  props p = props_of(self, t);
  return (witc_layout){p.size, p.align};
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
  witc_type b = base_of(self, t);
  const witc_abi_info *in = info_of(self, b);
  const witc_typedef *td = typedef_of(self, b);
  if (!td || (td->kind != WITC_TD_RECORD && td->kind != WITC_TD_TUPLE)) return 0;
  uint32_t n = td->kind == WITC_TD_RECORD ? td->u.fields.len : td->u.tuple.len;
  if (index >= n) return 0;
  if (in && in->offsets) return in->offsets[index];
  uint32_t off = 0; /* the table has no offsets (no memory): count them */
  for (uint32_t i = 0; i <= index; i++) {
    witc_layout l = witc_abi_layout(self, td->kind == WITC_TD_RECORD ? td->u.fields.items[i].type
                                                                       : td->u.tuple.items[i]);
    off = witc_abi_align_to(off, l.align);
    if (i == index) return off;
    off = sat_add(off, l.size);
  }
  return 0;
}

bool witc_abi_variant_layout(witc_abi *self, witc_type t, witc_variant_layout *out) {
  memset(out, 0, sizeof *out);
  witc_type b = base_of(self, t);
  const witc_typedef *td = typedef_of(self, b);
  if (!td || !td_is_variant(td)) return false;
  const witc_abi_info *in = info_of(self, b);
  if (!in) return false;
  *out = (witc_variant_layout){witc_abi_discriminant_size(td_case_count(td)), in->payload_offset,
                               in->payload_size, in->size, in->align};
  return true;
}

/* ---- flattening --------------------------------------------------------------------- */

witc_core witc_abi_join(witc_core a, witc_core b) {
  if (a == b) return a;
  if ((a == WITC_CORE_I32 && b == WITC_CORE_F32) || (a == WITC_CORE_F32 && b == WITC_CORE_I32))
    return WITC_CORE_I32;
  return WITC_CORE_I64;
}

uint32_t witc_abi_flat_count(witc_abi *self, witc_type t) { return props_of(self, t).count; }

/* Appends `n` values to `out`; false (nothing appended) when the arena cannot grow it. */
static bool core_append(witc_abi *self, witc_core_vec *out, const uint8_t *v, uint32_t n) {
  if (!n) return true;
  if (out->len > UINT32_MAX - n) return false;
  witc_vec_reserve(self->arena, out, n);
  if (out->cap - out->len < n) return false;
  for (uint32_t k = 0; k < n; k++) out->items[out->len++] = (witc_core)v[k];
  return true;
}

bool witc_abi_flatten(witc_abi *self, witc_type t, uint32_t max, witc_core_vec *out) {
  props p = props_of(self, t);
  if (p.count <= max && p.count <= p.flat_len) return core_append(self, out, p.flat, p.count);
  /* too long (or a cycle's made-up count): a prefix, at most max + 1 values */
  core_append(self, out, p.flat, p.flat_len <= max ? p.flat_len : max + 1);
  return false;
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
  uint32_t nparams = 0;
  for (uint32_t i = 0; i < f->params.len && nparams <= WITC_ABI_MAX_FLAT_PARAMS; i++)
    nparams = sat_add(nparams, witc_abi_flat_count(self, f->params.items[i].type));
  bool fits = nparams <= WITC_ABI_MAX_FLAT_PARAMS;
  for (uint32_t i = 0; i < f->params.len && fits; i++)
    fits = witc_abi_flatten(self, f->params.items[i].type, WITC_ABI_MAX_FLAT_PARAMS, &out->params);
  if (!fits || out->params.len != nparams) {
    out->params = (witc_core_vec){0};
    out->params_indirect = true;
    out->flat_params = WITC_ABI_MAX_FLAT_PARAMS + 1;
    witc_vec_push(self->arena, &out->params, WITC_CORE_I32);
  } else {
    out->flat_params = nparams;
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

bool witc_abi_has_buffers(witc_abi *self, witc_type t) { return props_of(self, t).buffers; }

/* ---- validity --------------------------------------------------------------------------- */

witc_abi_fault witc_abi_type_fault(witc_abi *self, witc_type t) {
  const witc_abi_info *in = info_of(self, t);
  return in ? (witc_abi_fault)in->fault : WITC_ABI_VALID;
}

/* Writes type `t` as WIT spells it ("list<u64, 4294967295>", "option<r>"): named types by
 * their name, anonymous ones by their structure, cut off with "..." below depth 100 (WIT
 * source nests at most that deep; the recursion is bounded by it). */
static void spell(const witc_resolve *r, witc_buf *b, witc_type t, int depth) {
  if (t.tag != WITC_T_ID) {
    witc_buf_puts(b, t.tag == WITC_T_NONE ? "_" : witc_type_prim_name(t.tag));
    return;
  }
  if (t.id >= r->types.len) {
    witc_buf_puts(b, "?");
    return;
  }
  const witc_typedef *td = &r->types.items[t.id];
  if (td->name.ptr) {
    witc_buf_putstr(b, td->name);
    return;
  }
  if (depth >= 100) {
    witc_buf_puts(b, "...");
    return;
  }
  switch (td->kind) {
  case WITC_TD_HANDLE:
    witc_buf_puts(b, td->u.handle.borrow ? "borrow<" : "own<");
    spell(r, b, witc_type_id(td->u.handle.resource), depth + 1);
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_TUPLE:
    witc_buf_puts(b, "tuple<");
    for (uint32_t i = 0; i < td->u.tuple.len; i++) {
      if (i) witc_buf_puts(b, ", ");
      spell(r, b, td->u.tuple.items[i], depth + 1);
    }
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_TYPE: spell(r, b, td->u.type, depth + 1); return;
  case WITC_TD_OPTION: case WITC_TD_LIST:
    witc_buf_puts(b, td->kind == WITC_TD_OPTION ? "option<" : "list<");
    spell(r, b, td->u.type, depth + 1);
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_FUTURE: case WITC_TD_STREAM:
    witc_buf_puts(b, td->kind == WITC_TD_FUTURE ? "future" : "stream");
    if (td->u.type.tag == WITC_T_NONE) return;
    witc_buf_putc(b, '<');
    spell(r, b, td->u.type, depth + 1);
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_FIXED_LIST:
    witc_buf_puts(b, "list<");
    spell(r, b, td->u.fixed.elem, depth + 1);
    witc_buf_printf(b, ", %u>", (unsigned)td->u.fixed.size);
    return;
  case WITC_TD_RESULT:
    witc_buf_puts(b, "result");
    if (td->u.result.ok.tag == WITC_T_NONE && td->u.result.err.tag == WITC_T_NONE) return;
    witc_buf_putc(b, '<');
    spell(r, b, td->u.result.ok, depth + 1);
    if (td->u.result.err.tag != WITC_T_NONE) {
      witc_buf_puts(b, ", ");
      spell(r, b, td->u.result.err, depth + 1);
    }
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_MAP:
    witc_buf_puts(b, "map<");
    spell(r, b, td->u.map.key, depth + 1);
    witc_buf_puts(b, ", ");
    spell(r, b, td->u.map.value, depth + 1);
    witc_buf_putc(b, '>');
    return;
  default: witc_buf_puts(b, "?"); return;
  }
}

static const char *buf_to_arena(witc_abi *self, witc_buf *b);

const char *witc_abi_fault_message(witc_abi *self, witc_type t) {
  witc_abi_fault fault = witc_abi_type_fault(self, t);
  if (fault == WITC_ABI_VALID) return NULL;
  const witc_typedef *td = &self->resolve->types.items[t.id];
  int nl = td->name.ptr ? (int)td->name.len : 0;
  const char *nm = td->name.ptr ? td->name.ptr : "";
  const char *tail = "not a valid component type";
  witc_arena *a = self->arena;
  switch (fault) {
  case WITC_ABI_EMPTY_RECORD: return witc_arena_printf(a, "record `%.*s` has no fields: %s", nl, nm, tail);
  case WITC_ABI_EMPTY_VARIANT: return witc_arena_printf(a, "variant `%.*s` has no cases: %s", nl, nm, tail);
  case WITC_ABI_EMPTY_ENUM: return witc_arena_printf(a, "enum `%.*s` has no cases: %s", nl, nm, tail);
  case WITC_ABI_EMPTY_FLAGS: return witc_arena_printf(a, "flags `%.*s` has no flags: %s", nl, nm, tail);
  case WITC_ABI_TOO_MANY_FLAGS:
    return witc_arena_printf(a, "flags `%.*s` has %u flags, more than 32: %s", nl, nm,
                             (unsigned)td->u.fields.len, tail);
  case WITC_ABI_EMPTY_TUPLE:
    if (nl) return witc_arena_printf(a, "tuple `%.*s` is empty: %s", nl, nm, tail);
    return witc_arena_printf(a, "empty tuple: %s", tail);
  case WITC_ABI_EMPTY_FIXED_LIST:
    if (nl) return witc_arena_printf(a, "fixed-length list `%.*s` has length 0: %s", nl, nm, tail);
    return witc_arena_printf(a, "fixed-length list of length 0: %s", tail);
  case WITC_ABI_FIXED_LIST_TOO_LONG:
    if (nl)
      return witc_arena_printf(a, "fixed-length list `%.*s` has %u elements, more than 2^30: %s",
                               nl, nm, (unsigned)td->u.fixed.size, tail);
    return witc_arena_printf(a, "fixed-length list of %u elements, more than 2^30: %s",
                             (unsigned)td->u.fixed.size, tail);
  case WITC_ABI_DUPLICATE_NAME: {
    const witc_abi_info *in = info_of(self, t);
    witc_str a1 = td->u.fields.items[in->dup_of].name, a2 = td->u.fields.items[in->dup].name;
    const char *kind = td->kind == WITC_TD_RECORD ? "record" : td->kind == WITC_TD_VARIANT ? "variant"
                       : td->kind == WITC_TD_ENUM ? "enum" : "flags";
    const char *what = td->kind == WITC_TD_RECORD ? "field" : td->kind == WITC_TD_FLAGS ? "flag" : "case";
    if (witc_str_eq(a1, a2))
      return witc_arena_printf(a, "%s `%.*s` has two %ss named `%.*s`: %s", kind, nl, nm, what,
                               (int)a1.len, a1.ptr, tail);
    return witc_arena_printf(a, "%s `%.*s` has %ss `%.*s` and `%.*s`, names that differ only in letter case: %s",
                             kind, nl, nm, what, (int)a1.len, a1.ptr, (int)a2.len, a2.ptr, tail);
  }
  case WITC_ABI_TOO_LARGE: {
    witc_buf b;
    witc_buf_init(&b);
    witc_buf_puts(&b, "type `");
    spell(self->resolve, &b, t, 0);
    witc_buf_printf(&b, "` is 2^28 bytes or larger: %s", tail);
    return buf_to_arena(self, &b);
  }
  case WITC_ABI_VALID: break;
  }
  return NULL;
}

/* One type on the world walk's stack: its next child, and where its children are used. */
typedef struct walk_frame {
  witc_id id;
  uint32_t next;
  witc_span where;
} walk_frame;

typedef struct walker {
  witc_abi *self;
  witc_diags *diags;
  uint8_t *seen; /* per type id */
  witc_vec(walk_frame) stack;
  uint32_t errors;
} walker;

/* Reports type `t` (met at `where`) and everything it contains that was not seen yet, each
 * before what it contains, in order. */
static void walk_type(walker *wk, witc_type t, witc_span where) {
  witc_abi *self = wk->self;
  const witc_resolve *r = self->resolve;
  wk->stack.len = 0;
  for (;;) {
    if (t.tag == WITC_T_ID && t.id < r->types.len && !wk->seen[t.id]) {
      wk->seen[t.id] = 1;
      const witc_typedef *td = &r->types.items[t.id];
      witc_span sp = witc_span_is_none(td->span) ? where : td->span;
      const char *msg = witc_abi_fault_message(self, t);
      if (msg) {
        witc_span at = sp;
        if (witc_abi_type_fault(self, t) == WITC_ABI_DUPLICATE_NAME) {
          witc_span fs = td->u.fields.items[self->info[t.id].dup].span;
          if (!witc_span_is_none(fs)) at = fs;
        }
        wk->errors++;
        if (wk->diags) witc_diags_error(wk->diags, at, "%s", msg);
      }
      witc_vec_reserve(self->arena, &wk->stack, 1);
      if (wk->stack.len < wk->stack.cap)
        wk->stack.items[wk->stack.len++] = (walk_frame){t.id, 0, sp};
    }
    /* the next child of the innermost type with one left */
    for (;;) {
      if (!wk->stack.len) return;
      walk_frame *f = &wk->stack.items[wk->stack.len - 1];
      if (child_at(&r->types.items[f->id], f->next, CHILD_ALL, &t)) {
        f->next++;
        where = f->where;
        break;
      }
      wk->stack.len--;
    }
  }
}

static void walk_func(walker *wk, const witc_function *f) {
  for (uint32_t i = 0; i < f->params.len; i++)
    walk_type(wk, f->params.items[i].type,
              witc_span_is_none(f->params.items[i].span) ? f->span : f->params.items[i].span);
  walk_type(wk, f->result, f->span);
}

uint32_t witc_abi_check_world(witc_abi *self, const witc_world *w, witc_diags *diags) {
  const witc_resolve *r = self->resolve;
  walker wk = {self, diags, witc_arena_alloc(self->arena, (size_t)r->types.len + 1), {0}, 0};
  if (!wk.seen) return 0;
  for (int side = 0; side < 2; side++) {
    const witc_world_entry *es = side ? w->exports.items : w->imports.items;
    uint32_t n = side ? w->exports.len : w->imports.len;
    for (uint32_t i = 0; i < n; i++) {
      const witc_world_item *it = &es[i].item;
      if (it->kind == WITC_WI_INTERFACE) {
        if (it->id >= r->interfaces.len) continue;
        const witc_interface *ifc = &r->interfaces.items[it->id];
        for (uint32_t k = 0; k < ifc->types.len; k++)
          walk_type(&wk, witc_type_id(ifc->types.items[k].id), ifc->span);
        for (uint32_t k = 0; k < ifc->functions.len; k++) walk_func(&wk, &ifc->functions.items[k]);
      } else if (it->kind == WITC_WI_FUNCTION) {
        walk_func(&wk, &it->func);
      } else {
        walk_type(&wk, witc_type_id(it->id), it->span);
      }
    }
  }
  return wk.errors;
}

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
  (void)m;
  return "memory";
}
const char *witc_abi_initialize_name(witc_mangling m) {
  (void)m;
  return "_initialize";
}

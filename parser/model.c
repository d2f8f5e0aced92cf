/* model.c: small helpers over the resolved model (names, versions, lookups). */
#include "model.h"

#include <string.h>

static const char *const prim_names[] = {
    [WITC_T_BOOL] = "bool", [WITC_T_U8] = "u8",     [WITC_T_U16] = "u16",
    [WITC_T_U32] = "u32",   [WITC_T_U64] = "u64",   [WITC_T_S8] = "s8",
    [WITC_T_S16] = "s16",   [WITC_T_S32] = "s32",   [WITC_T_S64] = "s64",
    [WITC_T_F32] = "f32",   [WITC_T_F64] = "f64",   [WITC_T_CHAR] = "char",
    [WITC_T_STRING] = "string", [WITC_T_ERROR_CONTEXT] = "error-context",
};

const char *witc_type_prim_name(witc_type_tag t) {
  if (t <= WITC_T_NONE || t >= WITC_T_ID) return NULL;
  return prim_names[t];
}

/* Compares dot-separated pre-release identifiers by SemVer 2.0 §11 rules. */
static bool all_digits(const char *p, uint32_t n) {
  if (!n) return false;
  for (uint32_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9') return false;
  return true;
}

static int cmp_ident(const char *a, uint32_t an, const char *b, uint32_t bn) {
  bool ad = all_digits(a, an), bd = all_digits(b, bn);
  if (ad && bd) {
    if (an != bn) return an < bn ? -1 : 1; /* no leading zeros: longer is larger */
    int r = memcmp(a, b, an);
    return r < 0 ? -1 : r > 0;
  }
  if (ad != bd) return ad ? -1 : 1; /* numeric identifiers have lower precedence */
  return witc_str_cmp((witc_str){a, an}, (witc_str){b, bn});
}

static int cmp_dotted(witc_str a, witc_str b) {
  uint32_t i = 0, j = 0;
  while (i < a.len && j < b.len) {
    uint32_t is = i, js = j;
    while (i < a.len && a.ptr[i] != '.') i++;
    while (j < b.len && b.ptr[j] != '.') j++;
    int r = cmp_ident(a.ptr + is, i - is, b.ptr + js, j - js);
    if (r) return r;
    i++, j++;
  }
  bool amore = i < a.len, bmore = j < b.len;
  return amore == bmore ? 0 : (amore ? 1 : -1);
}

int witc_version_cmp(const witc_version *a, const witc_version *b) {
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch) return a->patch < b->patch ? -1 : 1;
  bool ap = a->pre.ptr && a->pre.len, bp = b->pre.ptr && b->pre.len;
  if (ap != bp) return ap ? -1 : 1; /* a pre-release sorts before the release */
  if (ap) {
    int r = cmp_dotted(a->pre, b->pre);
    if (r) return r;
  }
  witc_str ab = a->build.ptr ? a->build : (witc_str){"", 0};
  witc_str bb = b->build.ptr ? b->build : (witc_str){"", 0};
  if (!ab.len || !bb.len) return ab.len == bb.len ? 0 : (ab.len ? 1 : -1);
  return cmp_dotted(ab, bb);
}

void witc_package_name_format(const witc_package_name *n, witc_buf *out) {
  witc_buf_putstr(out, n->ns);
  witc_buf_putc(out, ':');
  witc_buf_putstr(out, n->name);
  if (n->has_version) {
    witc_buf_putc(out, '@');
    witc_buf_putstr(out, n->version.text);
  }
}

const char *witc_package_name_str(witc_arena *a, const witc_package_name *n) {
  if (n->has_version)
    return witc_arena_printf(a, "%.*s:%.*s@%.*s", (int)n->ns.len, n->ns.ptr, (int)n->name.len,
                             n->name.ptr, (int)n->version.text.len, n->version.text.ptr);
  return witc_arena_printf(a, "%.*s:%.*s", (int)n->ns.len, n->ns.ptr, (int)n->name.len,
                           n->name.ptr);
}

int witc_package_name_cmp(const witc_package_name *a, const witc_package_name *b) {
  int r = witc_str_cmp(a->ns, b->ns);
  if (r) return r;
  if ((r = witc_str_cmp(a->name, b->name))) return r;
  if (a->has_version != b->has_version) return a->has_version ? 1 : -1;
  return a->has_version ? witc_version_cmp(&a->version, &b->version) : 0;
}

bool witc_package_name_eq(const witc_package_name *a, const witc_package_name *b) {
  return witc_str_eq(a->ns, b->ns) && witc_str_eq(a->name, b->name) &&
         a->has_version == b->has_version &&
         (!a->has_version || witc_str_eq(a->version.text, b->version.text));
}

void witc_resolve_init(witc_resolve *self, witc_arena *arena, witc_source_map *sources) {
  memset(self, 0, sizeof *self);
  self->arena = arena;
  self->sources = sources;
}

void witc_resolve_enable_feature(witc_resolve *self, witc_str feature) {
  if (witc_resolve_feature_enabled(self, feature)) return;
  witc_vec_push(self->arena, &self->features, witc_str_dup(self->arena, feature));
}

bool witc_resolve_feature_enabled(const witc_resolve *self, witc_str feature) {
  if (self->all_features) return true;
  for (uint32_t i = 0; i < self->features.len; i++)
    if (witc_str_eq(self->features.items[i], feature)) return true;
  return false;
}

witc_id witc_interface_type(const witc_interface *iface, witc_str name) {
  uint32_t idx;
  if (!witc_strmap_get(&iface->type_index, name, &idx)) return WITC_ID_NONE;
  return iface->types.items[idx].id;
}

witc_function *witc_interface_func(witc_interface *iface, witc_str name) {
  uint32_t idx;
  if (!witc_strmap_get(&iface->func_index, name, &idx)) return NULL;
  return &iface->functions.items[idx];
}

witc_type witc_resolve_unalias(const witc_resolve *self, witc_type t) {
  /* Aliases form a DAG (the resolver rejects cycles), so this terminates; the bound is a
   * guard against a corrupted model. */
  for (uint32_t guard = 0; t.tag == WITC_T_ID && guard <= self->types.len; guard++) {
    const witc_typedef *td = &self->types.items[t.id];
    if (td->kind != WITC_TD_TYPE) break;
    t = td->u.type;
  }
  return t;
}

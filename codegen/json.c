/* json.c: the resolved graph in serde_json's pretty format (docs/resolve-json.md).
 *
 * The writer reproduces serde_json's PrettyFormatter: two-space indentation, "key": value,
 * one member or element per line, and `{}` / `[]` inline when a container stays empty.
 * Whether a container is still empty is the only state needed: when a child opens, its
 * parent has just written a key or an element separator, so one flag (`first`) suffices
 * and closing a child always leaves the parent non-empty. */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>

typedef struct jw {
  witc_buf *out;
  uint32_t depth;
  bool first; /* nothing written yet in the innermost open container */
} jw;

static void jw_indent(jw *w) { witc_buf_fill(w->out, ' ', 2 * (size_t)w->depth); }

static void jw_open(jw *w, char c) {
  witc_buf_putc(w->out, c);
  w->depth++;
  w->first = true;
}

static void jw_close(jw *w, char c) {
  w->depth--;
  if (!w->first) {
    witc_buf_putc(w->out, '\n');
    jw_indent(w);
  }
  witc_buf_putc(w->out, c);
  w->first = false;
}

/* Starts the next element of an array. */
static void jw_elem(jw *w) {
  if (!w->first) witc_buf_putc(w->out, ',');
  witc_buf_putc(w->out, '\n');
  jw_indent(w);
  w->first = false;
}

/* Starts the member `key` of an object. */
static void jw_key(jw *w, witc_str key) {
  jw_elem(w);
  witc_json_string(w->out, key);
  witc_buf_puts(w->out, ": ");
}

static void jw_keyc(jw *w, const char *key) { jw_key(w, witc_str_c(key)); }

static void jw_u64(jw *w, uint64_t v) { witc_buf_printf(w->out, "%" PRIu64, v); }

void witc_json_string(witc_buf *out, witc_str s) {
  if (!s.ptr) {
    witc_buf_puts(out, "null");
    return;
  }
  witc_buf_putc(out, '"');
  uint32_t run = 0; /* start of the pending run of bytes copied unchanged */
  for (uint32_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    const char *esc = NULL;
    char hex[8];
    switch (c) {
    case '"': esc = "\\\""; break;
    case '\\': esc = "\\\\"; break;
    case '\b': esc = "\\b"; break;
    case '\t': esc = "\\t"; break;
    case '\n': esc = "\\n"; break;
    case '\f': esc = "\\f"; break;
    case '\r': esc = "\\r"; break;
    default:
      if (c < 0x20) {
        static const char digits[] = "0123456789abcdef";
        hex[0] = '\\', hex[1] = 'u', hex[2] = '0', hex[3] = '0';
        hex[4] = digits[c >> 4], hex[5] = digits[c & 15], hex[6] = 0;
        esc = hex;
      }
      break;
    }
    if (!esc) continue;
    witc_buf_put(out, s.ptr + run, i - run);
    witc_buf_puts(out, esc);
    run = i + 1;
  }
  witc_buf_put(out, s.ptr + run, s.len - run);
  witc_buf_putc(out, '"');
}

/* ---- leaves ------------------------------------------------------------------------ */

static void put_type(jw *w, witc_type t) {
  if (t.tag == WITC_T_NONE)
    witc_buf_puts(w->out, "null");
  else if (t.tag == WITC_T_ID)
    jw_u64(w, t.id);
  else
    witc_json_string(w->out, witc_str_c(witc_type_prim_name(t.tag)));
}

static void put_docs_member(jw *w, witc_str docs) {
  if (!docs.ptr) return;
  jw_keyc(w, "docs");
  jw_open(w, '{');
  jw_keyc(w, "contents");
  witc_json_string(w->out, docs);
  jw_close(w, '}');
}

static void put_stability_member(jw *w, const witc_stability *s) {
  if (!s || s->kind == WITC_STAB_UNKNOWN) return;
  jw_keyc(w, "stability");
  jw_open(w, '{');
  if (s->kind == WITC_STAB_STABLE) {
    jw_keyc(w, "stable");
    jw_open(w, '{');
    jw_keyc(w, "since");
    witc_json_string(w->out, s->since.text);
  } else {
    jw_keyc(w, "unstable");
    jw_open(w, '{');
    jw_keyc(w, "feature");
    witc_json_string(w->out, s->feature);
  }
  if (s->has_deprecated) {
    jw_keyc(w, "deprecated");
    witc_json_string(w->out, s->deprecated.text);
  }
  jw_close(w, '}');
  jw_close(w, '}');
}

static void put_external_id_member(jw *w, witc_str ext) {
  if (!ext.ptr) return;
  jw_keyc(w, "external_id");
  witc_json_string(w->out, ext);
}

/* A one-member object {"key": N}. */
static void put_tagged_id(jw *w, const char *key, uint64_t id) {
  jw_open(w, '{');
  jw_keyc(w, key);
  jw_u64(w, id);
  jw_close(w, '}');
}

/* ---- functions --------------------------------------------------------------------- */

static void put_function(jw *w, const witc_function *f) {
  static const char *const unit_kinds[] = {
      [WITC_FUNC_FREESTANDING] = "freestanding",
      [WITC_FUNC_ASYNC_FREESTANDING] = "async-freestanding",
  };
  static const char *const res_kinds[] = {
      [WITC_FUNC_METHOD] = "method",       [WITC_FUNC_ASYNC_METHOD] = "async-method",
      [WITC_FUNC_STATIC] = "static",       [WITC_FUNC_ASYNC_STATIC] = "async-static",
      [WITC_FUNC_CONSTRUCTOR] = "constructor",
  };
  jw_open(w, '{');
  jw_keyc(w, "name");
  witc_json_string(w->out, f->name);
  jw_keyc(w, "kind");
  if (f->kind == WITC_FUNC_FREESTANDING || f->kind == WITC_FUNC_ASYNC_FREESTANDING)
    witc_json_string(w->out, witc_str_c(unit_kinds[f->kind]));
  else
    put_tagged_id(w, res_kinds[f->kind], f->resource);
  jw_keyc(w, "params");
  jw_open(w, '[');
  for (uint32_t i = 0; i < f->params.len; i++) {
    const witc_param *p = &f->params.items[i];
    jw_elem(w);
    jw_open(w, '{');
    if (p->name.ptr && p->name.len) {
      jw_keyc(w, "name");
      witc_json_string(w->out, p->name);
    }
    jw_keyc(w, "type");
    put_type(w, p->type);
    jw_close(w, '}');
  }
  jw_close(w, ']');
  if (f->result.tag != WITC_T_NONE) {
    jw_keyc(w, "result");
    put_type(w, f->result);
  }
  put_docs_member(w, f->docs);
  put_stability_member(w, f->stability);
  put_external_id_member(w, f->external_id);
  jw_close(w, '}');
}

/* ---- worlds ------------------------------------------------------------------------ */

static void put_world_items(jw *w, const witc_world_entry *items, uint32_t n) {
  jw_open(w, '{');
  for (uint32_t i = 0; i < n; i++) {
    const witc_world_entry *e = &items[i];
    if (e->key.is_interface) {
      /* "interface-N": build the key in a small stack buffer. */
      char key[32];
      int len = snprintf(key, sizeof key, "interface-%" PRIu32, e->key.iface);
      jw_key(w, (witc_str){key, (uint32_t)len});
    } else {
      jw_key(w, e->key.name);
    }
    const witc_world_item *it = &e->item;
    jw_open(w, '{');
    switch (it->kind) {
    case WITC_WI_INTERFACE:
      jw_keyc(w, "interface");
      jw_open(w, '{');
      jw_keyc(w, "id");
      jw_u64(w, it->id);
      put_stability_member(w, it->stability);
      put_external_id_member(w, it->external_id);
      put_docs_member(w, it->docs);
      jw_close(w, '}');
      break;
    case WITC_WI_FUNCTION:
      jw_keyc(w, "function");
      put_function(w, &it->func);
      break;
    case WITC_WI_TYPE:
      jw_keyc(w, "type");
      jw_u64(w, it->id);
      break;
    }
    jw_close(w, '}');
  }
  jw_close(w, '}');
}

static void put_world(jw *w, const witc_world *wd) {
  jw_open(w, '{');
  jw_keyc(w, "name");
  witc_json_string(w->out, wd->name);
  jw_keyc(w, "imports");
  put_world_items(w, wd->imports.items, wd->imports.len);
  jw_keyc(w, "exports");
  put_world_items(w, wd->exports.items, wd->exports.len);
  jw_keyc(w, "package");
  if (wd->package == WITC_ID_NONE)
    witc_buf_puts(w->out, "null");
  else
    jw_u64(w, wd->package);
  put_docs_member(w, wd->docs);
  put_stability_member(w, wd->stability);
  jw_close(w, '}');
}

/* ---- interfaces -------------------------------------------------------------------- */

static void put_id_map(jw *w, const witc_named_id *items, uint32_t n) {
  jw_open(w, '{');
  for (uint32_t i = 0; i < n; i++) {
    jw_key(w, items[i].name);
    jw_u64(w, items[i].id);
  }
  jw_close(w, '}');
}

static void put_interface(jw *w, const witc_interface *in) {
  jw_open(w, '{');
  jw_keyc(w, "name");
  witc_json_string(w->out, in->name);
  jw_keyc(w, "types");
  put_id_map(w, in->types.items, in->types.len);
  jw_keyc(w, "functions");
  jw_open(w, '{');
  for (uint32_t i = 0; i < in->functions.len; i++) {
    jw_key(w, in->functions.items[i].name);
    put_function(w, &in->functions.items[i]);
  }
  jw_close(w, '}');
  put_docs_member(w, in->docs);
  put_stability_member(w, in->stability);
  jw_keyc(w, "package");
  if (in->package == WITC_ID_NONE)
    witc_buf_puts(w->out, "null");
  else
    jw_u64(w, in->package);
  if (in->clone_of != WITC_ID_NONE) {
    jw_keyc(w, "clone_of");
    jw_u64(w, in->clone_of);
  }
  jw_close(w, '}');
}

/* ---- types ------------------------------------------------------------------------- */

/* The members of a record/variant/enum/flags: name, then the type for records (always)
 * and variants (null when there is no payload), then docs. */
static void put_fields(jw *w, const witc_typedef *td, bool with_type) {
  jw_open(w, '[');
  for (uint32_t i = 0; i < td->u.fields.len; i++) {
    const witc_field *f = &td->u.fields.items[i];
    jw_elem(w);
    jw_open(w, '{');
    jw_keyc(w, "name");
    witc_json_string(w->out, f->name);
    if (with_type) {
      jw_keyc(w, "type");
      put_type(w, f->type);
    }
    put_docs_member(w, f->docs);
    jw_close(w, '}');
  }
  jw_close(w, ']');
}

/* {"outer": {"inner": [fields]}} */
static void put_field_kind(jw *w, const char *outer, const char *inner, const witc_typedef *td,
                           bool with_type) {
  jw_open(w, '{');
  jw_keyc(w, outer);
  jw_open(w, '{');
  jw_keyc(w, inner);
  put_fields(w, td, with_type);
  jw_close(w, '}');
  jw_close(w, '}');
}

/* {"key": value} for a type payload. */
static void put_wrapped_type(jw *w, const char *key, witc_type t) {
  jw_open(w, '{');
  jw_keyc(w, key);
  put_type(w, t);
  jw_close(w, '}');
}

static void put_type_kind(jw *w, const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_RESOURCE:
    witc_buf_puts(w->out, "\"resource\"");
    return;
  case WITC_TD_UNKNOWN:
    witc_buf_puts(w->out, "\"unknown\"");
    return;
  case WITC_TD_TYPE:
    put_wrapped_type(w, "type", td->u.type);
    return;
  case WITC_TD_RECORD:
    put_field_kind(w, "record", "fields", td, true);
    return;
  case WITC_TD_VARIANT:
    put_field_kind(w, "variant", "cases", td, true);
    return;
  case WITC_TD_ENUM:
    put_field_kind(w, "enum", "cases", td, false);
    return;
  case WITC_TD_FLAGS:
    put_field_kind(w, "flags", "flags", td, false);
    return;
  case WITC_TD_OPTION:
    put_wrapped_type(w, "option", td->u.type);
    return;
  case WITC_TD_LIST:
    put_wrapped_type(w, "list", td->u.type);
    return;
  case WITC_TD_FUTURE:
    put_wrapped_type(w, "future", td->u.type);
    return;
  case WITC_TD_STREAM:
    put_wrapped_type(w, "stream", td->u.type);
    return;
  case WITC_TD_HANDLE:
    jw_open(w, '{');
    jw_keyc(w, "handle");
    put_tagged_id(w, td->u.handle.borrow ? "borrow" : "own", td->u.handle.resource);
    jw_close(w, '}');
    return;
  case WITC_TD_TUPLE:
    jw_open(w, '{');
    jw_keyc(w, "tuple");
    jw_open(w, '{');
    jw_keyc(w, "types");
    jw_open(w, '[');
    for (uint32_t i = 0; i < td->u.tuple.len; i++) {
      jw_elem(w);
      put_type(w, td->u.tuple.items[i]);
    }
    jw_close(w, ']');
    jw_close(w, '}');
    jw_close(w, '}');
    return;
  case WITC_TD_RESULT:
    jw_open(w, '{');
    jw_keyc(w, "result");
    jw_open(w, '{');
    jw_keyc(w, "ok");
    put_type(w, td->u.result.ok);
    jw_keyc(w, "err");
    put_type(w, td->u.result.err);
    jw_close(w, '}');
    jw_close(w, '}');
    return;
  case WITC_TD_MAP:
    jw_open(w, '{');
    jw_keyc(w, "map");
    jw_open(w, '[');
    jw_elem(w);
    put_type(w, td->u.map.key);
    jw_elem(w);
    put_type(w, td->u.map.value);
    jw_close(w, ']');
    jw_close(w, '}');
    return;
  case WITC_TD_FIXED_LIST:
    jw_open(w, '{');
    jw_keyc(w, "fixed-length-list");
    jw_open(w, '[');
    jw_elem(w);
    put_type(w, td->u.fixed.elem);
    jw_elem(w);
    jw_u64(w, td->u.fixed.size);
    jw_close(w, ']');
    jw_close(w, '}');
    return;
  }
}

static void put_typedef(jw *w, const witc_typedef *td) {
  jw_open(w, '{');
  jw_keyc(w, "name");
  witc_json_string(w->out, td->name);
  jw_keyc(w, "kind");
  put_type_kind(w, td);
  jw_keyc(w, "owner");
  switch (td->owner.kind) {
  case WITC_OWNER_NONE: witc_buf_puts(w->out, "null"); break;
  case WITC_OWNER_INTERFACE: put_tagged_id(w, "interface", td->owner.id); break;
  case WITC_OWNER_WORLD: put_tagged_id(w, "world", td->owner.id); break;
  }
  put_docs_member(w, td->docs);
  put_stability_member(w, td->stability);
  put_external_id_member(w, td->external_id);
  jw_close(w, '}');
}

/* ---- packages and the whole graph -------------------------------------------------- */

static void put_package(jw *w, const witc_package *p) {
  jw_open(w, '{');
  jw_keyc(w, "name");
  witc_buf pname;
  witc_buf_init(&pname);
  witc_package_name_format(&p->name, &pname);
  if (pname.error) w->out->error = true;
  witc_json_string(w->out, (witc_str){pname.len ? pname.data : "", (uint32_t)pname.len});
  witc_buf_delete(&pname);
  put_docs_member(w, p->docs);
  jw_keyc(w, "interfaces");
  put_id_map(w, p->interfaces.items, p->interfaces.len);
  jw_keyc(w, "worlds");
  put_id_map(w, p->worlds.items, p->worlds.len);
  jw_close(w, '}');
}

void witc_json_write(const witc_resolve *r, witc_buf *out) {
  jw w = {out, 0, true};
  jw_open(&w, '{');
  jw_keyc(&w, "worlds");
  jw_open(&w, '[');
  for (uint32_t i = 0; i < r->worlds.len; i++) {
    jw_elem(&w);
    put_world(&w, &r->worlds.items[i]);
  }
  jw_close(&w, ']');
  jw_keyc(&w, "interfaces");
  jw_open(&w, '[');
  for (uint32_t i = 0; i < r->interfaces.len; i++) {
    jw_elem(&w);
    put_interface(&w, &r->interfaces.items[i]);
  }
  jw_close(&w, ']');
  jw_keyc(&w, "types");
  jw_open(&w, '[');
  for (uint32_t i = 0; i < r->types.len; i++) {
    jw_elem(&w);
    put_typedef(&w, &r->types.items[i]);
  }
  jw_close(&w, ']');
  jw_keyc(&w, "packages");
  jw_open(&w, '[');
  for (uint32_t i = 0; i < r->packages.len; i++) {
    jw_elem(&w);
    put_package(&w, &r->packages.items[i]);
  }
  jw_close(&w, ']');
  jw_close(&w, '}');
}

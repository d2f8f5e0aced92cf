/* wit_print.c: canonical WIT from the resolved model (docs/wit-printer.md).
 *
 * The layout engine mirrors the reference's OutputToString: text is indented lazily (the
 * indentation is written before the first token of a line, so blank lines carry no
 * spaces), `{` opens a level and ends the line, `}` closes one on its own line. `any_items`
 * tracks whether the current block printed something, so the next item is preceded by
 * one blank line. */
#include "wit_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct printer {
  const witc_resolve *r;
  witc_buf *out;
  uint32_t indent;
  bool needs_indent;
  bool any_items;
  bool emit_docs;
  bool failed; /* the model held something WIT cannot spell */
} printer;

/* ---- layout ------------------------------------------------------------------------ */

static void indent_if_needed(printer *p) {
  if (!p->needs_indent) return;
  witc_buf_fill(p->out, ' ', 2 * (size_t)p->indent);
  p->needs_indent = false;
}

static void put(printer *p, const char *s) {
  indent_if_needed(p);
  witc_buf_puts(p->out, s);
}

static void newline(printer *p) {
  witc_buf_putc(p->out, '\n');
  p->needs_indent = true;
}

static void block_start(printer *p) {
  witc_buf_puts(p->out, " {");
  p->indent++;
  newline(p);
}

static void block_end(printer *p) {
  if (p->indent) p->indent--;
  indent_if_needed(p);
  witc_buf_putc(p->out, '}');
  newline(p);
}

static void semicolon(printer *p) {
  witc_buf_putc(p->out, ';');
  newline(p);
}

static void new_item(printer *p) {
  if (p->any_items) newline(p);
  p->any_items = true;
}

/* ---- names, docs, gates ------------------------------------------------------------- */

static const char *const keywords[] = {
    "use",      "type",    "func",     "u8",      "u16",       "u32",
    "u64",      "s8",      "s16",      "s32",     "s64",       "f32",
    "f64",      "float32", "float64",  "char",    "resource",  "record",
    "flags",    "variant", "enum",     "bool",    "string",    "option",
    "result",   "future",  "stream",   "list",    "own",       "borrow",
    "_",        "as",      "from",     "static",  "interface", "tuple",
    "world",    "import",  "export",   "package", "with",      "include",
    "constructor", "error-context", "async", "map",
};

bool witc_wit_is_keyword(witc_str name) {
  if (!name.ptr) return false;
  for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
    if (witc_str_eq_c(name, keywords[i])) return true;
  return false;
}

static void put_name(printer *p, witc_str name) {
  indent_if_needed(p);
  if (witc_wit_is_keyword(name)) witc_buf_putc(p->out, '%');
  witc_buf_putstr(p->out, name);
}

/* One `///` line per docs line (Rust's str::lines: split on '\n', drop one trailing
 * '\r', no line after a final '\n'). */
static void put_docs(printer *p, witc_str docs) {
  if (!p->emit_docs || !docs.ptr) return;
  uint32_t i = 0;
  while (i < docs.len) {
    uint32_t start = i;
    while (i < docs.len && docs.ptr[i] != '\n') i++;
    uint32_t end = i;
    if (i < docs.len) i++; /* the '\n' */
    if (end > start && docs.ptr[end - 1] == '\r') end--;
    indent_if_needed(p);
    witc_buf_puts(p->out, "///");
    if (end > start) {
      witc_buf_putc(p->out, ' ');
      witc_buf_put(p->out, docs.ptr + start, end - start);
    }
    newline(p);
  }
}

static void put_stability(printer *p, const witc_stability *s) {
  if (!s || s->kind == WITC_STAB_UNKNOWN) return;
  if (s->kind == WITC_STAB_STABLE) {
    put(p, "@since(version = ");
    witc_buf_putstr(p->out, s->since.text);
  } else {
    put(p, "@unstable(feature = ");
    witc_buf_putstr(p->out, s->feature);
  }
  witc_buf_putc(p->out, ')');
  newline(p);
  if (s->has_deprecated) {
    put(p, "@deprecated(version = ");
    witc_buf_putstr(p->out, s->deprecated.text);
    witc_buf_putc(p->out, ')');
    newline(p);
  }
}

/* Decodes one UTF-8 sequence at s[*i] (advancing *i); invalid bytes come back as
 * themselves so nothing is lost. */
static uint32_t utf8_next(witc_str s, uint32_t *i) {
  const unsigned char *b = (const unsigned char *)s.ptr;
  uint32_t c = b[*i], n = 0;
  if (c >= 0xf0 && c < 0xf8) n = 3, c &= 0x07;
  else if (c >= 0xe0) n = 2, c &= 0x0f;
  else if (c >= 0xc0) n = 1, c &= 0x1f;
  if (c >= 0x80 && n == 0) {
    (*i)++;
    return c;
  }
  uint32_t start = *i;
  (*i)++;
  for (uint32_t k = 0; k < n; k++) {
    if (*i >= s.len || (b[*i] & 0xc0) != 0x80) {
      *i = start + 1;
      return b[start];
    }
    c = (c << 6) | (b[(*i)++] & 0x3f);
  }
  return c;
}

/* `@external-id("...")` with the printer's escapes. */
static void put_external_id(printer *p, witc_str ext) {
  if (!ext.ptr) return;
  put(p, "@external-id(\"");
  for (uint32_t i = 0; i < ext.len;) {
    uint32_t c = utf8_next(ext, &i);
    switch (c) {
    case '\\': witc_buf_puts(p->out, "\\\\"); break;
    case '"': witc_buf_puts(p->out, "\\\""); break;
    case '\n': witc_buf_puts(p->out, "\\n"); break;
    case '\r': witc_buf_puts(p->out, "\\r"); break;
    case '\t': witc_buf_puts(p->out, "\\t"); break;
    default:
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ' ')
        witc_buf_putc(p->out, (char)c);
      else
        witc_buf_printf(p->out, "\\u{%" PRIx32 "}", c);
    }
  }
  witc_buf_puts(p->out, "\")");
  newline(p);
}

static bool stability_eq(const witc_stability *a, const witc_stability *b) {
  static const witc_stability none;
  if (a == b) return true;
  if (!a) a = &none;
  if (!b) b = &none;
  if (a->kind != b->kind || a->has_deprecated != b->has_deprecated) return false;
  if (a->kind == WITC_STAB_STABLE && !witc_str_eq(a->since.text, b->since.text)) return false;
  if (a->kind == WITC_STAB_UNSTABLE && !witc_str_eq(a->feature, b->feature)) return false;
  return !a->has_deprecated || witc_str_eq(a->deprecated.text, b->deprecated.text);
}

static bool ext_eq(witc_str a, witc_str b) {
  return (!a.ptr && !b.ptr) || (a.ptr && b.ptr && witc_str_eq(a, b));
}

/* ---- types ------------------------------------------------------------------------- */

static void put_type(printer *p, witc_type t);

/* The name of the resource a handle refers to (it may be an alias's name). */
static void put_resource_name(printer *p, witc_id id) {
  const witc_typedef *td = &p->r->types.items[id];
  if (!td->name.ptr) {
    p->failed = true;
    return;
  }
  put_name(p, td->name);
}

static void put_handle(printer *p, const witc_typedef *td, bool force_own) {
  if (td->u.handle.borrow) {
    put(p, "borrow<");
  } else if (force_own) {
    put(p, "own<");
  } else {
    put_resource_name(p, td->u.handle.resource);
    return;
  }
  put_resource_name(p, td->u.handle.resource);
  witc_buf_putc(p->out, '>');
}

/* list<T>, option<T>, ...: the structural spelling of an anonymous type. */
static void put_structure(printer *p, const witc_typedef *td) {
  switch (td->kind) {
  case WITC_TD_HANDLE: put_handle(p, td, false); return;
  case WITC_TD_TUPLE:
    put(p, "tuple<");
    for (uint32_t i = 0; i < td->u.tuple.len; i++) {
      if (i) witc_buf_puts(p->out, ", ");
      put_type(p, td->u.tuple.items[i]);
    }
    witc_buf_putc(p->out, '>');
    return;
  case WITC_TD_OPTION:
    put(p, "option<");
    put_type(p, td->u.type);
    witc_buf_putc(p->out, '>');
    return;
  case WITC_TD_RESULT: {
    witc_type ok = td->u.result.ok, err = td->u.result.err;
    put(p, "result");
    if (ok.tag == WITC_T_NONE && err.tag == WITC_T_NONE) return;
    witc_buf_putc(p->out, '<');
    if (ok.tag == WITC_T_NONE)
      witc_buf_putc(p->out, '_');
    else
      put_type(p, ok);
    if (err.tag != WITC_T_NONE) {
      witc_buf_puts(p->out, ", ");
      put_type(p, err);
    }
    witc_buf_putc(p->out, '>');
    return;
  }
  case WITC_TD_LIST:
    put(p, "list<");
    put_type(p, td->u.type);
    witc_buf_putc(p->out, '>');
    return;
  case WITC_TD_FIXED_LIST:
    put(p, "list<");
    put_type(p, td->u.fixed.elem);
    witc_buf_printf(p->out, ", %" PRIu32 ">", td->u.fixed.size);
    return;
  case WITC_TD_MAP:
    put(p, "map<");
    put_type(p, td->u.map.key);
    witc_buf_puts(p->out, ", ");
    put_type(p, td->u.map.value);
    witc_buf_putc(p->out, '>');
    return;
  case WITC_TD_FUTURE:
  case WITC_TD_STREAM:
    put(p, td->kind == WITC_TD_FUTURE ? "future" : "stream");
    if (td->u.type.tag != WITC_T_NONE) {
      witc_buf_putc(p->out, '<');
      put_type(p, td->u.type);
      witc_buf_putc(p->out, '>');
    }
    return;
  case WITC_TD_TYPE: put_type(p, td->u.type); return;
  case WITC_TD_RECORD:
  case WITC_TD_RESOURCE:
  case WITC_TD_FLAGS:
  case WITC_TD_VARIANT:
  case WITC_TD_ENUM:
  case WITC_TD_UNKNOWN: p->failed = true; return;
  }
}

/* A type reference: a builtin, a type's name, or the structure of an anonymous type. */
static void put_type(printer *p, witc_type t) {
  if (t.tag == WITC_T_NONE) {
    p->failed = true;
    return;
  }
  if (t.tag != WITC_T_ID) {
    put(p, witc_type_prim_name(t.tag));
    return;
  }
  if (t.id >= p->r->types.len) {
    p->failed = true;
    return;
  }
  const witc_typedef *td = &p->r->types.items[t.id];
  if (td->name.ptr)
    put_name(p, td->name);
  else
    put_structure(p, td);
}

/* The members of a record, variant, enum or flags, one per line. */
static void put_members(printer *p, const witc_typedef *td, bool record) {
  block_start(p);
  for (uint32_t i = 0; i < td->u.fields.len; i++) {
    const witc_field *f = &td->u.fields.items[i];
    put_docs(p, f->docs);
    put_name(p, f->name);
    if (record) {
      witc_buf_puts(p->out, ": ");
      put_type(p, f->type);
    } else if (f->type.tag != WITC_T_NONE) {
      witc_buf_putc(p->out, '(');
      put_type(p, f->type);
      witc_buf_putc(p->out, ')');
    }
    witc_buf_putc(p->out, ',');
    newline(p);
  }
  block_end(p);
}

/* A named non-resource type definition. */
static void declare_type(printer *p, const witc_typedef *td) {
  const char *kw = NULL;
  switch (td->kind) {
  case WITC_TD_RECORD: kw = "record "; break;
  case WITC_TD_VARIANT: kw = "variant "; break;
  case WITC_TD_ENUM: kw = "enum "; break;
  case WITC_TD_FLAGS: kw = "flags "; break;
  default: break;
  }
  if (!td->name.ptr) {
    p->failed = true;
    return;
  }
  if (kw) {
    put(p, kw);
    put_name(p, td->name);
    put_members(p, td, td->kind == WITC_TD_RECORD);
    return;
  }
  put(p, "type ");
  put_name(p, td->name);
  witc_buf_puts(p->out, " = ");
  if (td->kind == WITC_TD_HANDLE)
    put_handle(p, td, true); /* `type a = own<r>` stays a handle, not an alias of r */
  else
    put_structure(p, td);
  semicolon(p);
}

/* ---- functions --------------------------------------------------------------------- */

static bool func_is_async(const witc_function *f) {
  return f->kind == WITC_FUNC_ASYNC_FREESTANDING || f->kind == WITC_FUNC_ASYNC_METHOD ||
         f->kind == WITC_FUNC_ASYNC_STATIC;
}

static bool func_is_resource(const witc_function *f) {
  return f->kind != WITC_FUNC_FREESTANDING && f->kind != WITC_FUNC_ASYNC_FREESTANDING;
}

/* The name as written in the source: "[method]r.m" -> "m". */
static witc_str func_item_name(const witc_function *f) {
  witc_str n = f->name;
  if (!func_is_resource(f) || !n.ptr || !n.len || n.ptr[0] != '[') return n;
  uint32_t i = 0;
  while (i < n.len && n.ptr[i] != ']') i++;
  uint32_t j = i;
  while (j < n.len && n.ptr[j] != '.') j++;
  if (j < n.len) return (witc_str){n.ptr + j + 1, n.len - j - 1};
  return i < n.len ? (witc_str){n.ptr + i + 1, n.len - i - 1} : n;
}

/* A constructor whose result is the implicit own<R> of its own resource. */
static bool is_constructor_shorthand(printer *p, const witc_function *f) {
  if (f->kind != WITC_FUNC_CONSTRUCTOR) return false;
  if (f->result.tag == WITC_T_NONE) return true;
  if (f->result.tag != WITC_T_ID || f->result.id >= p->r->types.len) return false;
  const witc_typedef *td = &p->r->types.items[f->result.id];
  return td->kind == WITC_TD_HANDLE && !td->u.handle.borrow &&
         td->u.handle.resource == f->resource;
}

/* `func(a: T) -> R` / `async func(...)` / `constructor(...)`. */
static void put_signature(printer *p, const witc_function *f) {
  if (func_is_async(f)) put(p, "async ");
  put(p, f->kind == WITC_FUNC_CONSTRUCTOR ? "constructor(" : "func(");
  uint32_t skip = (f->kind == WITC_FUNC_METHOD || f->kind == WITC_FUNC_ASYNC_METHOD) ? 1 : 0;
  for (uint32_t i = skip; i < f->params.len; i++) {
    if (i > skip) witc_buf_puts(p->out, ", ");
    put_name(p, f->params.items[i].name);
    witc_buf_puts(p->out, ": ");
    put_type(p, f->params.items[i].type);
  }
  witc_buf_putc(p->out, ')');
  if (is_constructor_shorthand(p, f)) return;
  if (f->result.tag != WITC_T_NONE) {
    witc_buf_puts(p->out, " -> ");
    put_type(p, f->result);
  }
}

/* Resource functions of one block, sorted by resource (then by position) so that each
 * resource finds its members with a binary search. */
typedef struct res_func {
  witc_id resource;
  uint32_t seq;
  const witc_function *func;
} res_func;

typedef struct res_funcs {
  res_func *items;
  uint32_t len, cap;
} res_funcs;

static void res_funcs_push(printer *p, res_funcs *v, const witc_function *f) {
  if (v->len == v->cap) {
    uint32_t cap = v->cap ? v->cap * 2 : 16;
    res_func *n = witc_mem_realloc(v->items, cap * sizeof *n);
    if (!n) {
      p->out->error = true;
      return;
    }
    v->items = n, v->cap = cap;
  }
  v->items[v->len] = (res_func){f->resource, v->len, f};
  v->len++;
}

static int res_func_cmp(const void *a, const void *b) {
  const res_func *x = a, *y = b;
  if (x->resource != y->resource) return x->resource < y->resource ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_resource(printer *p, const witc_typedef *td, witc_id id, const res_funcs *fs) {
  put(p, "resource ");
  put_name(p, td->name);
  /* lower bound of `id` */
  uint32_t lo = 0, hi = fs->len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (fs->items[mid].resource < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == fs->len || fs->items[lo].resource != id) {
    semicolon(p);
    return;
  }
  block_start(p);
  for (uint32_t i = lo; i < fs->len && fs->items[i].resource == id; i++) {
    const witc_function *f = fs->items[i].func;
    put_docs(p, f->docs);
    put_stability(p, f->stability);
    put_external_id(p, f->external_id);
    if (f->kind != WITC_FUNC_CONSTRUCTOR) {
      put_name(p, func_item_name(f));
      witc_buf_puts(p->out, ": ");
      if (f->kind == WITC_FUNC_STATIC || f->kind == WITC_FUNC_ASYNC_STATIC)
        witc_buf_puts(p->out, "static ");
    }
    put_signature(p, f);
    semicolon(p);
  }
  block_end(p);
}

/* ---- interfaces, worlds ------------------------------------------------------------ */

/* `name` when `iface` is in package `cur`, else `ns:pkg/name@version`. */
static void put_interface_path(printer *p, witc_id iface, witc_id cur) {
  const witc_interface *in = &p->r->interfaces.items[iface];
  if (!in->name.ptr) {
    p->failed = true;
    return;
  }
  if (in->package == cur || in->package >= p->r->packages.len) {
    put_name(p, in->name);
    return;
  }
  const witc_package_name *pn = &p->r->packages.items[in->package].name;
  put_name(p, pn->ns);
  witc_buf_putc(p->out, ':');
  put_name(p, pn->name);
  witc_buf_putc(p->out, '/');
  put_name(p, in->name);
  if (pn->has_version) {
    witc_buf_putc(p->out, '@');
    witc_buf_putstr(p->out, pn->version.text);
  }
}

static bool owner_eq(witc_owner a, witc_owner b) { return a.kind == b.kind && a.id == b.id; }

/* When `td` is `use`d from another owner, returns the type it aliases; else NULL. */
static const witc_typedef *imported_from(printer *p, const witc_typedef *td, witc_owner owner) {
  if (td->kind != WITC_TD_TYPE || td->u.type.tag != WITC_T_ID) return NULL;
  const witc_typedef *other = &p->r->types.items[td->u.type.id];
  if (other->owner.kind == WITC_OWNER_NONE || owner_eq(other->owner, owner)) return NULL;
  return other;
}

/* The type block of an interface or world: `use` statements (consecutive uses from the
 * same interface with equal gates merged), then each definition after a blank line. */
static void print_types(printer *p, witc_owner owner, witc_id pkg, const witc_named_id *types,
                        uint32_t n, const res_funcs *fs) {
  const witc_typedef *group = NULL; /* the first alias of the open `use` line */
  witc_owner group_owner = {WITC_OWNER_NONE, WITC_ID_NONE};
  for (uint32_t i = 0; i < n; i++) {
    const witc_typedef *td = &p->r->types.items[types[i].id];
    const witc_typedef *other = imported_from(p, td, owner);
    if (!other) continue;
    if (!other->name.ptr) {
      p->failed = true;
      continue;
    }
    if (group && owner_eq(group_owner, other->owner) &&
        stability_eq(group->stability, td->stability) &&
        ext_eq(group->external_id, td->external_id)) {
      witc_buf_puts(p->out, ", ");
    } else {
      if (group) {
        witc_buf_putc(p->out, '}');
        semicolon(p);
      }
      group = td, group_owner = other->owner;
      p->any_items = true;
      put_stability(p, td->stability);
      put_external_id(p, td->external_id);
      put(p, "use ");
      if (other->owner.kind == WITC_OWNER_INTERFACE)
        put_interface_path(p, other->owner.id, pkg);
      else
        p->failed = true; /* types are only ever imported from interfaces */
      witc_buf_puts(p->out, ".{");
    }
    put_name(p, other->name);
    if (!witc_str_eq(other->name, types[i].name)) {
      witc_buf_puts(p->out, " as ");
      put_name(p, types[i].name);
    }
  }
  if (group) {
    witc_buf_putc(p->out, '}');
    semicolon(p);
  }
  for (uint32_t i = 0; i < n; i++) {
    const witc_typedef *td = &p->r->types.items[types[i].id];
    if (imported_from(p, td, owner)) continue;
    new_item(p);
    put_docs(p, td->docs);
    put_stability(p, td->stability);
    put_external_id(p, td->external_id);
    if (td->kind == WITC_TD_RESOURCE)
      print_resource(p, td, types[i].id, fs);
    else
      declare_type(p, td);
  }
}

/* The body of an interface (named, or inline in a world). */
static void print_interface_body(printer *p, witc_id id) {
  bool prev = p->any_items;
  p->any_items = false;
  const witc_interface *in = &p->r->interfaces.items[id];
  res_funcs fs = {0};
  for (uint32_t i = 0; i < in->functions.len; i++)
    if (func_is_resource(&in->functions.items[i]))
      res_funcs_push(p, &fs, &in->functions.items[i]);
  if (fs.len) qsort(fs.items, fs.len, sizeof *fs.items, res_func_cmp);
  print_types(p, (witc_owner){WITC_OWNER_INTERFACE, id}, in->package, in->types.items,
              in->types.len, &fs);
  witc_mem_free(fs.items);
  for (uint32_t i = 0; i < in->functions.len; i++) {
    const witc_function *f = &in->functions.items[i];
    if (func_is_resource(f)) continue;
    new_item(p);
    put_docs(p, f->docs);
    put_stability(p, f->stability);
    put_external_id(p, f->external_id);
    put_name(p, func_item_name(f));
    witc_buf_puts(p->out, ": ");
    put_signature(p, f);
    semicolon(p);
  }
  p->any_items = prev;
}

static const witc_stability *item_stability(printer *p, const witc_world_item *it) {
  switch (it->kind) {
  case WITC_WI_FUNCTION: return it->func.stability;
  case WITC_WI_TYPE: return p->r->types.items[it->id].stability;
  case WITC_WI_INTERFACE: break;
  }
  return it->stability;
}

static void print_world_item(printer *p, const witc_world_entry *e, witc_id pkg, const char *kw) {
  const witc_world_item *it = &e->item;
  if (it->kind == WITC_WI_TYPE) {
    p->failed = true; /* types are printed by print_types, and never exported */
    return;
  }
  if (it->kind == WITC_WI_FUNCTION) {
    put_docs(p, it->func.docs);
  } else if (!e->key.is_interface && !it->docs.ptr) {
    put_docs(p, p->r->interfaces.items[it->id].docs);
  } else {
    put_docs(p, it->docs);
  }
  put_stability(p, item_stability(p, it));
  put_external_id(p, it->kind == WITC_WI_FUNCTION ? it->func.external_id : it->external_id);
  put(p, kw);
  if (e->key.is_interface) {
    put_interface_path(p, e->key.iface, pkg);
    semicolon(p);
    return;
  }
  if (it->kind == WITC_WI_FUNCTION) {
    put_name(p, it->func.name);
    witc_buf_puts(p->out, ": ");
    put_signature(p, &it->func);
    semicolon(p);
    return;
  }
  put_name(p, e->key.name);
  witc_buf_puts(p->out, ": ");
  if (p->r->interfaces.items[it->id].name.ptr) {
    put_interface_path(p, it->id, pkg); /* `import label: iface;` */
    semicolon(p);
    return;
  }
  put(p, "interface");
  block_start(p);
  print_interface_body(p, it->id);
  block_end(p);
}

/* A world body: interface imports, then types (with resource members), then function
 * imports, then (after a blank line) the exports. */
static void print_world_body(printer *p, witc_id id) {
  bool prev = p->any_items;
  p->any_items = false;
  const witc_world *w = &p->r->worlds.items[id];
  res_funcs fs = {0};
  uint32_t ntypes = 0;
  for (uint32_t i = 0; i < w->imports.len; i++) {
    const witc_world_entry *e = &w->imports.items[i];
    if (e->item.kind == WITC_WI_TYPE) ntypes++;
    else if (e->item.kind == WITC_WI_FUNCTION && func_is_resource(&e->item.func))
      res_funcs_push(p, &fs, &e->item.func);
  }
  if (fs.len) qsort(fs.items, fs.len, sizeof *fs.items, res_func_cmp);
  witc_named_id *types = ntypes ? witc_mem_realloc(NULL, ntypes * sizeof *types) : NULL;
  if (ntypes && !types) p->out->error = true;
  uint32_t nt = 0;
  for (uint32_t i = 0; i < w->imports.len; i++) {
    const witc_world_entry *e = &w->imports.items[i];
    if (e->item.kind == WITC_WI_TYPE) {
      if (types) types[nt++] = (witc_named_id){e->key.name, e->item.id};
    } else if (e->item.kind == WITC_WI_INTERFACE) {
      print_world_item(p, e, w->package, "import ");
      p->any_items = true;
    }
  }
  print_types(p, (witc_owner){WITC_OWNER_WORLD, id}, w->package, types, nt, &fs);
  witc_mem_free(types);
  witc_mem_free(fs.items);
  for (uint32_t i = 0; i < w->imports.len; i++) {
    const witc_world_entry *e = &w->imports.items[i];
    if (e->item.kind != WITC_WI_FUNCTION || func_is_resource(&e->item.func)) continue;
    print_world_item(p, e, w->package, "import ");
    p->any_items = true;
  }
  if (w->exports.len) new_item(p);
  for (uint32_t i = 0; i < w->exports.len; i++)
    print_world_item(p, &w->exports.items[i], w->package, "export ");
  p->any_items = prev;
}

/* ---- packages ---------------------------------------------------------------------- */

/* Prints one package; returns whether the root's prelude still owes its blank line (no
 * item followed it). */
static bool print_package(printer *p, witc_id id, bool is_main, const witc_wit_print_opts *o) {
  const witc_package *pkg = &p->r->packages.items[id];
  bool header = !is_main || !o || !o->no_header;
  if (header) {
    if (!is_main || !o || !o->no_package_docs) put_docs(p, pkg->docs);
    put(p, "package ");
    put_name(p, pkg->name.ns);
    witc_buf_putc(p->out, ':');
    put_name(p, pkg->name.name);
    if (pkg->name.has_version) {
      witc_buf_putc(p->out, '@');
      witc_buf_putstr(p->out, pkg->name.version.text);
    }
    if (is_main) {
      semicolon(p);
      newline(p);
    } else {
      block_start(p);
    }
  }
  bool (*keep)(void *, bool, witc_id) = is_main && o ? o->keep : NULL;
  bool blank = false; /* a blank line is owed before the next item (after the prelude) */
  if (is_main && o && o->prelude.len) {
    indent_if_needed(p);
    witc_buf_putstr(p->out, o->prelude);
    blank = true;
  }
  for (uint32_t i = 0; i < pkg->interfaces.len; i++) {
    witc_id iid = pkg->interfaces.items[i].id;
    if (keep && !keep(o->user, false, iid)) continue;
    if (blank) newline(p), blank = false;
    const witc_interface *in = &p->r->interfaces.items[iid];
    put_docs(p, in->docs);
    put_stability(p, in->stability);
    put(p, "interface ");
    put_name(p, pkg->interfaces.items[i].name);
    block_start(p);
    print_interface_body(p, iid);
    block_end(p);
    if (is_main) newline(p);
  }
  for (uint32_t i = 0; i < pkg->worlds.len; i++) {
    witc_id wid = pkg->worlds.items[i].id;
    if (keep && !keep(o->user, true, wid)) continue;
    if (blank) newline(p), blank = false;
    const witc_world *w = &p->r->worlds.items[wid];
    put_docs(p, w->docs);
    put_stability(p, w->stability);
    put(p, "world ");
    put_name(p, pkg->worlds.items[i].name);
    block_start(p);
    print_world_body(p, wid);
    block_end(p);
  }
  if (!is_main) block_end(p);
  return blank;
}

bool witc_wit_print(const witc_resolve *r, witc_id pkg, const witc_id *nested, uint32_t n_nested,
                    const witc_wit_print_opts *opts, witc_buf *out) {
  printer p = {r, out, 0, false, false, !(opts && opts->no_docs), false};
  if (pkg >= r->packages.len) return false;
  bool blank = print_package(&p, pkg, true, opts);
  for (uint32_t i = 0; i < n_nested; i++) {
    if (nested[i] >= r->packages.len) return false;
    if (i) {
      newline(&p);
      newline(&p);
    } else if (blank) {
      newline(&p);
    }
    print_package(&p, nested[i], false, opts);
  }
  return !p.failed;
}

/* ---- package order ----------------------------------------------------------------- */

/* The package dependencies of the printed text, one list per package (CSR layout). */
typedef struct dep_graph {
  const witc_resolve *r;
  uint32_t *off;   /* off[p] .. off[p + 1]: package p's dependencies in `edges` */
  witc_id *edges;
  uint32_t nedges, cap;
  uint32_t *mark;  /* mark[q] == p + 1: q is already a dependency of p */
  witc_id cur;     /* the package whose dependencies are being collected */
  bool failed;     /* out of memory */
} dep_graph;

static void dep_add(dep_graph *g, witc_id to) {
  if (to == g->cur || to >= g->r->packages.len || g->mark[to] == g->cur + 1) return;
  if (g->nedges == g->cap) {
    uint32_t cap = g->cap ? g->cap * 2 : 64;
    witc_id *n = witc_mem_realloc(g->edges, cap * sizeof *n);
    if (!n) {
      g->failed = true;
      return;
    }
    g->edges = n, g->cap = cap;
  }
  g->mark[to] = g->cur + 1;
  g->edges[g->nedges++] = to;
}

static void dep_add_iface(dep_graph *g, witc_id iface) {
  if (iface < g->r->interfaces.len) dep_add(g, g->r->interfaces.items[iface].package);
}

/* The packages of the `use` statements print_types writes for `owner`'s types. */
static void dep_uses(dep_graph *g, witc_owner owner, const witc_named_id *types, uint32_t n) {
  const witc_resolve *r = g->r;
  for (uint32_t i = 0; i < n; i++) {
    const witc_typedef *td = &r->types.items[types[i].id];
    if (td->kind != WITC_TD_TYPE || td->u.type.tag != WITC_T_ID) continue;
    const witc_typedef *other = &r->types.items[td->u.type.id];
    if (other->owner.kind != WITC_OWNER_INTERFACE || owner_eq(other->owner, owner)) continue;
    dep_add_iface(g, other->owner.id);
  }
}

static void dep_interface(dep_graph *g, witc_id id) {
  const witc_interface *in = &g->r->interfaces.items[id];
  dep_uses(g, (witc_owner){WITC_OWNER_INTERFACE, id}, in->types.items, in->types.len);
}

/* A world's paths in the order the resolver meets them in the printed text (resolve_pkg.c's
 * for_each_path): its `use` statements, then the imports, then the exports. */
static void dep_world(dep_graph *g, witc_id id) {
  const witc_resolve *r = g->r;
  const witc_world *w = &r->worlds.items[id];
  for (uint32_t i = 0; i < w->imports.len; i++) {
    const witc_world_entry *e = &w->imports.items[i];
    if (e->item.kind != WITC_WI_TYPE) continue;
    witc_named_id t = {e->key.name, e->item.id};
    dep_uses(g, (witc_owner){WITC_OWNER_WORLD, id}, &t, 1);
  }
  for (int pass = 0; pass < 2; pass++) {
    const witc_world_entry *es = pass ? w->exports.items : w->imports.items;
    uint32_t n = pass ? w->exports.len : w->imports.len;
    for (uint32_t i = 0; i < n; i++) {
      const witc_world_entry *e = &es[i];
      if (e->item.kind != WITC_WI_INTERFACE) continue;
      if (e->key.is_interface)
        dep_add_iface(g, e->key.iface);
      else if (e->item.id < r->interfaces.len && r->interfaces.items[e->item.id].name.ptr)
        dep_add_iface(g, e->item.id); /* `import label: ns:pkg/iface;` */
      else if (e->item.id < r->interfaces.len)
        dep_interface(g, e->item.id); /* an inline interface: its `use` paths */
    }
  }
}

static void dep_item(dep_graph *g, const witc_wit_item *it) {
  switch (it->kind) {
  case WITC_WIT_ITEM_INTERFACE:
    if (it->id < g->r->interfaces.len) dep_interface(g, it->id);
    break;
  case WITC_WIT_ITEM_WORLD:
    if (it->id < g->r->worlds.len) dep_world(g, it->id);
    break;
  case WITC_WIT_ITEM_PACKAGE: dep_add(g, it->id); break;
  }
}

/* Package ids in name order (the resolver's BTreeMap<PackageName, _>): a merge sort, as
 * qsort takes no context. */
static void sort_by_name(const witc_resolve *r, witc_id *v, witc_id *tmp, uint32_t n) {
  for (uint32_t w = 1; w < n; w *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * w) {
      uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = witc_package_name_cmp(&r->packages.items[v[j]].name,
                                         &r->packages.items[v[i]].name) < 0
                       ? v[j++]
                       : v[i++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    memcpy(v, tmp, sizeof *v * n);
  }
}

bool witc_wit_print_order(const witc_resolve *r, witc_id pkg, witc_id *nested, uint32_t n_nested,
                          const witc_wit_item *main_items, uint32_t n_main_items) {
  uint32_t n = r->packages.len;
  if (pkg >= n || n_nested == 0) return true;
  dep_graph g = {r, NULL, NULL, 0, 0, NULL, 0, false};
  g.off = witc_mem_realloc(NULL, sizeof *g.off * ((size_t)n + 1));
  g.mark = witc_mem_realloc(NULL, sizeof *g.mark * (size_t)n * 4);
  bool ok = g.off && g.mark;
  if (ok) {
    memset(g.mark, 0, sizeof *g.mark * n);
    for (witc_id p = 0; p < n && !g.failed; p++) {
      g.off[p] = g.nedges;
      g.cur = p;
      if (p == pkg && main_items) {
        for (uint32_t i = 0; i < n_main_items; i++) dep_item(&g, &main_items[i]);
        continue;
      }
      /* witc_wit_print's text: the interfaces, then the worlds. */
      const witc_package *pk = &r->packages.items[p];
      for (uint32_t i = 0; i < pk->interfaces.len; i++)
        dep_interface(&g, pk->interfaces.items[i].id);
      for (uint32_t i = 0; i < pk->worlds.len; i++) dep_world(&g, pk->worlds.items[i].id);
    }
    g.off[n] = g.nedges;
    ok = !g.failed;
  }
  if (ok) {
    /* g.mark's 4n words, reused: [0, n) the roots in name order (then the result),
     * [n, 2n) the sort's scratch and then the order, [2n, 4n) the DFS stack (package,
     * cursor into edges). */
    uint32_t *roots = g.mark, *order = g.mark + n, *stack = g.mark + 2 * (size_t)n,
             *cursor = g.mark + 3 * (size_t)n;
    uint8_t *state = witc_mem_realloc(NULL, n); /* 0 new, 1 on the stack, 2 done */
    ok = state != NULL;
    if (ok) {
      memset(state, 0, n);
      for (witc_id p = 0; p < n; p++) roots[p] = p;
      sort_by_name(r, roots, order, n);
      uint32_t norder = 0;
      /* Depth-first from each root in name order; a package's dependencies (first
       * reference first) are placed before it. */
      for (uint32_t s = 0; s < n; s++) {
        if (state[roots[s]]) continue;
        uint32_t sp = 0;
        stack[sp] = roots[s], cursor[sp++] = g.off[roots[s]];
        state[roots[s]] = 1;
        while (sp) {
          witc_id e = stack[sp - 1];
          if (cursor[sp - 1] < g.off[e + 1]) {
            witc_id d = g.edges[cursor[sp - 1]++];
            if (state[d]) continue; /* done, or a cycle (never in a resolved graph) */
            state[d] = 1;
            stack[sp] = d, cursor[sp++] = g.off[d];
            continue;
          }
          state[e] = 2;
          order[norder++] = e;
          sp--;
        }
      }
      /* The nested packages in that order. */
      for (uint32_t i = 0; i < n; i++) state[i] = 0;
      for (uint32_t i = 0; i < n_nested; i++)
        if (nested[i] < n) state[nested[i]] = 1;
      uint32_t k = 0;
      for (uint32_t i = 0; i < norder && k < n_nested; i++)
        if (state[order[i]]) roots[k++] = order[i], state[order[i]] = 0;
      if (k == n_nested) memcpy(nested, roots, sizeof *nested * n_nested);
      witc_mem_free(state);
    }
  }
  witc_mem_free(g.off);
  witc_mem_free(g.mark);
  witc_mem_free(g.edges);
  return ok;
}

/* abi.c: `witc abi [--world W] [--mangling legacy|standard32] [PATH]`: a readable report of
 * a world's canonical ABI (docs/canonical-abi.md), computed by codegen/abi.h, the same
 * model the C generator emits code from: the size and alignment of every named type (with
 * record field offsets, variant discriminant and payload offset, flags storage), every
 * function's flattened core signature and whether its parameters or result spill to
 * memory, and every core import/export name, resource intrinsics and module-level exports
 * included. No PATH: the bundled vtx:api world. A world using a type that is not a valid
 * component type (an empty record, more than 32 flags, 2^28 bytes or more, ...: the
 * witc_abi_fault rules, checked by witc_abi_check_world, the verdict `witc gen c` refuses
 * it on too) gets the same errors at the WIT location as from `witc gen c`, and no report. Exit: 0 ok, 1 invalid WIT or an
 * invalid component type, 2 usage or I/O error (stdout not writable included). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../codegen/abi.h"
#include "cli.h"

static const cli_option abi_options[] = {
    CLI_RESOLVE_OPTIONS,
    CLI_MANGLING_OPTION("core names to show: legacy (default) or standard32 (cm32p2)"),
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

typedef struct abi_args {
  cli_resolve_opts ropts;
  witc_mangling mangling;
  bool bad;
} abi_args;

static bool abi_opt(int id, const char *arg, void *user) {
  abi_args *a = user;
  if (cli_resolve_opts_take(&a->ropts, id, arg)) return true;
  if (id == CLI_OPT_MANGLING) {
    if (!cli_mangling_parse(arg, &a->mangling)) a->bad = true;
    return true;
  }
  return false;
}

typedef struct report {
  const witc_resolve *r;
  witc_abi abi;
  witc_mangling m;
  witc_buf *out;
} report;

/* The kind as the report names it ("record", "fixed-length list", "alias"). */
static const char *kind_name(witc_typedef_kind k) {
  switch (k) {
  case WITC_TD_RECORD: return "record";
  case WITC_TD_RESOURCE: return "resource";
  case WITC_TD_HANDLE: return "handle";
  case WITC_TD_FLAGS: return "flags";
  case WITC_TD_TUPLE: return "tuple";
  case WITC_TD_VARIANT: return "variant";
  case WITC_TD_ENUM: return "enum";
  case WITC_TD_OPTION: return "option";
  case WITC_TD_RESULT: return "result";
  case WITC_TD_LIST: return "list";
  case WITC_TD_MAP: return "map";
  case WITC_TD_FIXED_LIST: return "fixed-length list";
  case WITC_TD_FUTURE: return "future";
  case WITC_TD_STREAM: return "stream";
  case WITC_TD_TYPE: return "alias";
  default: return "?";
  }
}

/* The WIT spelling of a type: its name, or the structure of an anonymous one (WIT source
 * nests at most 100 deep; a deeper hand-made model is cut off with "..."). */
static void put_type_at(report *rp, witc_type t, int depth);
static void put_type(report *rp, witc_type t) { put_type_at(rp, t, 0); }

static void put_type_at(report *rp, witc_type t, int depth) {
  witc_buf *b = rp->out;
  if (depth >= 100) {
    witc_buf_puts(b, "...");
    return;
  }
  if (t.tag == WITC_T_NONE) {
    witc_buf_puts(b, "_");
    return;
  }
  if (t.tag != WITC_T_ID) {
    witc_buf_puts(b, witc_type_prim_name(t.tag));
    return;
  }
  if (t.id >= rp->r->types.len) {
    witc_buf_puts(b, "?");
    return;
  }
  const witc_typedef *td = &rp->r->types.items[t.id];
  if (td->name.ptr) {
    witc_buf_putstr(b, td->name);
    return;
  }
  switch (td->kind) {
  case WITC_TD_LIST: case WITC_TD_OPTION: case WITC_TD_FUTURE: case WITC_TD_STREAM:
    witc_buf_printf(b, "%s<", kind_name(td->kind));
    put_type_at(rp, td->u.type, depth + 1);
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_FIXED_LIST:
    witc_buf_puts(b, "list<");
    put_type_at(rp, td->u.fixed.elem, depth + 1);
    witc_buf_printf(b, ", %u>", (unsigned)td->u.fixed.size);
    return;
  case WITC_TD_RESULT: case WITC_TD_MAP: {
    bool res = td->kind == WITC_TD_RESULT;
    witc_buf_printf(b, "%s<", kind_name(td->kind));
    put_type_at(rp, res ? td->u.result.ok : td->u.map.key, depth + 1);
    witc_buf_puts(b, ", ");
    put_type_at(rp, res ? td->u.result.err : td->u.map.value, depth + 1);
    witc_buf_putc(b, '>');
    return;
  }
  case WITC_TD_TUPLE:
    witc_buf_puts(b, "tuple<");
    for (uint32_t i = 0; i < td->u.tuple.len; i++) {
      if (i) witc_buf_puts(b, ", ");
      put_type_at(rp, td->u.tuple.items[i], depth + 1);
    }
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_HANDLE:
    witc_buf_puts(b, td->u.handle.borrow ? "borrow<" : "own<");
    put_type_at(rp, witc_type_id(td->u.handle.resource), depth + 1);
    witc_buf_putc(b, '>');
    return;
  case WITC_TD_TYPE: put_type_at(rp, td->u.type, depth + 1); return;
  default: witc_buf_puts(b, "?"); return;
  }
}

static void put_flat(report *rp, const witc_core_vec *v) {
  witc_buf_putc(rp->out, '(');
  for (uint32_t i = 0; i < v->len; i++)
    witc_buf_printf(rp->out, "%s%s", i ? " " : "", witc_core_name(v->items[i]));
  witc_buf_putc(rp->out, ')');
}

/* "(func (param i32 i32) (result i32))" */
static void put_core_func(report *rp, const witc_core_vec *params, const witc_core_vec *results) {
  witc_buf *b = rp->out;
  witc_buf_puts(b, "(func");
  if (params->len) {
    witc_buf_puts(b, " (param");
    for (uint32_t i = 0; i < params->len; i++) witc_buf_printf(b, " %s", witc_core_name(params->items[i]));
    witc_buf_putc(b, ')');
  }
  if (results->len) {
    witc_buf_puts(b, " (result");
    for (uint32_t i = 0; i < results->len; i++) witc_buf_printf(b, " %s", witc_core_name(results->items[i]));
    witc_buf_putc(b, ')');
  }
  witc_buf_putc(b, ')');
}

static void put_resource_names(report *rp, const witc_world_key *key, witc_str name, bool exported);

static void put_type_layout(report *rp, witc_id id, const witc_world_key *key, bool exported) {
  witc_buf *b = rp->out;
  const witc_typedef *td = &rp->r->types.items[id];
  witc_type t = witc_type_id(id);
  witc_layout l = witc_abi_layout(&rp->abi, t);
  witc_buf_puts(b, "    ");
  witc_buf_putstr(b, td->name);
  witc_buf_printf(b, ": %s", kind_name(td->kind));
  if (td->kind == WITC_TD_TYPE) {
    witc_buf_puts(b, " of ");
    put_type(rp, td->u.type);
  }
  if (td->kind == WITC_TD_RESOURCE) {
    witc_buf_puts(b, " (values are i32 handles: size 4, align 4)\n");
    put_resource_names(rp, key, td->name, exported);
    return;
  }
  witc_buf_printf(b, ", size %u, align %u", (unsigned)l.size, (unsigned)l.align);
  witc_core_vec flat = {0};
  bool whole = witc_abi_flatten(&rp->abi, t, WITC_ABI_FLAT_MAX, &flat);
  witc_buf_puts(b, ", flat ");
  if (whole) put_flat(rp, &flat);
  else witc_buf_printf(b, "(%u values, not listed)", (unsigned)witc_abi_flat_count(&rp->abi, t));
  witc_variant_layout vl;
  if (witc_abi_variant_layout(&rp->abi, t, &vl))
    witc_buf_printf(b, ", discriminant u%u at 0, payload at %u", (unsigned)vl.disc_size * 8,
                    (unsigned)vl.payload_offset);
  if (td->kind == WITC_TD_FLAGS) /* 1 to 32 flags (witc_abi_check_world) */
    witc_buf_printf(b, ", %u flags in a u%u (flag i = bit i)", (unsigned)td->u.fields.len,
                    (unsigned)l.size * 8);
  witc_buf_putc(b, '\n');
  if (td->kind == WITC_TD_RECORD) {
    for (uint32_t i = 0; i < td->u.fields.len; i++) {
      witc_layout fl = witc_abi_layout(&rp->abi, td->u.fields.items[i].type);
      witc_buf_puts(b, "      ");
      witc_buf_putstr(b, td->u.fields.items[i].name);
      witc_buf_puts(b, ": ");
      put_type(rp, td->u.fields.items[i].type);
      witc_buf_printf(b, " at %u (size %u, align %u)\n", (unsigned)witc_abi_field_offset(&rp->abi, t, i),
                      (unsigned)fl.size, (unsigned)fl.align);
    }
  }
}

static void put_func(report *rp, const witc_world_key *key, const witc_function *f, bool exported) {
  witc_buf *b = rp->out;
  witc_buf_puts(b, "    ");
  witc_buf_putstr(b, f->name);
  witc_buf_puts(b, ": func(");
  for (uint32_t i = 0; i < f->params.len; i++) {
    if (i) witc_buf_puts(b, ", ");
    witc_buf_putstr(b, f->params.items[i].name);
    witc_buf_puts(b, ": ");
    put_type(rp, f->params.items[i].type);
  }
  witc_buf_putc(b, ')');
  if (f->result.tag != WITC_T_NONE) {
    witc_buf_puts(b, " -> ");
    put_type(rp, f->result);
  }
  witc_buf_putc(b, '\n');
  if (f->kind == WITC_FUNC_ASYNC_FREESTANDING || f->kind == WITC_FUNC_ASYNC_METHOD ||
      f->kind == WITC_FUNC_ASYNC_STATIC) {
    witc_buf_puts(b, "      async: not described by this report (synchronous ABI only)\n");
    return;
  }
  witc_core_sig sig;
  witc_abi_func_sig(&rp->abi, f, exported ? WITC_ABI_EXPORT : WITC_ABI_IMPORT, &sig);
  if (exported) {
    witc_buf_printf(b, "      core export \"%s\" ", witc_abi_export_func(&rp->abi, rp->m, key, f));
  } else {
    witc_core_import ci = witc_abi_import_func(&rp->abi, rp->m, key, f);
    witc_buf_printf(b, "      core import \"%s\" \"%s\" ", ci.module, ci.name);
  }
  put_core_func(rp, &sig.params, &sig.results);
  witc_buf_putc(b, '\n');
  if (sig.params_indirect) {
    witc_layout pl = witc_abi_params_layout(&rp->abi, f, NULL);
    witc_buf_printf(b, "      params: more than %d flat values: spilled to a %u-byte tuple (align %u) %s%s\n",
                    WITC_ABI_MAX_FLAT_PARAMS, (unsigned)pl.size, (unsigned)pl.align,
                    exported ? "the host allocates with " : "in the caller's memory",
                    exported ? witc_abi_realloc_name(rp->m) : "");
  } else {
    witc_buf_printf(b, "      params: %u flat value%s\n", (unsigned)sig.flat_params,
                    sig.flat_params == 1 ? "" : "s");
  }
  if (f->result.tag != WITC_T_NONE) {
    if (sig.results_indirect) {
      witc_layout rl = witc_abi_layout(&rp->abi, f->result);
      witc_buf_printf(b, "      result: more than %d flat value, spilled to memory (%u bytes, align %u), %s\n",
                      WITC_ABI_MAX_FLAT_RESULTS, (unsigned)rl.size, (unsigned)rl.align,
                      exported ? "the callee returns a pointer to it" : "through a trailing return pointer");
      if (exported && witc_abi_has_buffers(&rp->abi, f->result))
        witc_buf_printf(b, "      post-return \"%s\" (func (param i32)): frees the result's buffers\n",
                        witc_abi_post_return(&rp->abi, rp->m, key, f));
      else if (exported)
        witc_buf_puts(b, "      post-return: none needed (the result holds no buffers)\n");
    } else {
      witc_buf_puts(b, "      result: 1 flat value\n");
    }
  }
}

static void put_resource_names(report *rp, const witc_world_key *key, witc_str name, bool exported) {
  static const struct {
    witc_resource_op op;
    const char *sig;
  } ops[] = {
      {WITC_RES_NEW, "(func (param i32) (result i32))"},
      {WITC_RES_REP, "(func (param i32) (result i32))"},
      {WITC_RES_DROP, "(func (param i32))"},
  };
  for (int k = exported ? 0 : 2; k < 3; k++) {
    witc_core_import ci = witc_abi_resource_import(&rp->abi, rp->m, key, name, exported, ops[k].op);
    witc_buf_printf(rp->out, "      core import \"%s\" \"%s\" %s\n", ci.module, ci.name, ops[k].sig);
  }
  if (exported)
    witc_buf_printf(rp->out, "      core export \"%s\" (func (param i32))  (destructor)\n",
                    witc_abi_resource_dtor(&rp->abi, rp->m, key, name));
}

static void put_world(report *rp, witc_id wid) {
  const witc_resolve *r = rp->r;
  const witc_world *w = &r->worlds.items[wid];
  witc_buf *b = rp->out;
  witc_buf_puts(b, "world ");
  if (w->package != WITC_ID_NONE) {
    const witc_package_name *pn = &r->packages.items[w->package].name;
    witc_buf_putstr(b, pn->ns);
    witc_buf_putc(b, ':');
    witc_buf_putstr(b, pn->name);
    witc_buf_putc(b, '/');
  }
  witc_buf_putstr(b, w->name);
  witc_buf_printf(b, " (canonical ABI, wasm32, %s core names)\n",
                  rp->m == WITC_MANGLING_STANDARD32 ? "standard32" : "legacy");
  for (int side = 0; side < 2; side++) {
    const witc_world_entry *es = side ? w->exports.items : w->imports.items;
    uint32_t n = side ? w->exports.len : w->imports.len;
    witc_buf_printf(b, "\n%s\n", side ? "exports" : "imports");
    bool world_fns = false;
    for (uint32_t i = 0; i < n; i++) {
      const witc_world_item *it = &es[i].item;
      if (it->kind == WITC_WI_INTERFACE) {
        const witc_interface *ifc = &r->interfaces.items[it->id];
        witc_buf_printf(b, "  interface %s\n", witc_abi_key(&rp->abi, &es[i].key, false));
        for (uint32_t k = 0; k < ifc->types.len; k++)
          put_type_layout(rp, ifc->types.items[k].id, &es[i].key, side == 1);
        for (uint32_t k = 0; k < ifc->functions.len; k++)
          put_func(rp, &es[i].key, &ifc->functions.items[k], side == 1);
      } else if (it->kind == WITC_WI_TYPE) {
        if (!world_fns) witc_buf_puts(b, "  world level\n");
        world_fns = true;
        put_type_layout(rp, it->id, NULL, false);
      } else {
        if (!world_fns) witc_buf_puts(b, "  world level\n");
        world_fns = true;
        put_func(rp, NULL, &it->func, side == 1);
      }
    }
  }
  witc_buf_puts(b, "\nmodule\n");
  witc_buf_printf(b, "  core export \"%s\" (memory)\n", witc_abi_memory_name(rp->m));
  witc_buf_printf(b, "  core export \"%s\" (func (param i32 i32 i32 i32) (result i32))\n",
                  witc_abi_realloc_name(rp->m));
  witc_buf_printf(b, "  core export \"%s\" (func)  (optional initializer)\n",
                  witc_abi_initialize_name(rp->m));
}

/* Writes the report of the selected world into *user (a report whose `out` is set; under
 * cli_run_guarded: arena failures longjmp out). */
static int write_report(cli_input *in, void *user) {
  report *rp = user;
  rp->r = &in->resolve;
  witc_abi_init(&rp->abi, &in->resolve, &in->arena, 4);
  if (witc_abi_check_world(&rp->abi, &in->resolve.worlds.items[in->world], &in->diags)) {
    cli_print_diags(in);
    return CLI_INVALID;
  }
  put_world(rp, in->world);
  return CLI_OK;
}

static int abi_run(int argc, char **argv) {
  extern const cli_command cmd_abi;
  abi_args a = {0};
  bool done;
  int first = cli_parse(&cmd_abi, argc, argv, abi_opt, &a, &done);
  if (first < 0 || a.bad) return CLI_USAGE;
  if (done) return CLI_OK;
  cli_input in;
  int rc = cli_input_load_world(&in, argc, argv, first, &a.ropts);
  if (rc != CLI_OK) return rc;
  witc_buf out;
  witc_buf_init(&out);
  report rp = {NULL, {0}, a.mangling, &out};
  rc = cli_run_guarded(&in, write_report, &rp);
  if (rc == CLI_OK && out.error) {
    fprintf(stderr, "error: out of memory\n");
    rc = CLI_USAGE;
  } else if (rc == CLI_OK) {
    errno = 0;
    size_t n = out.len ? fwrite(out.data, 1, out.len, stdout) : 0;
    if (n != out.len || fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, "error: failed to write standard output: %s\n",
              errno ? strerror(errno) : "write error");
      rc = CLI_USAGE;
    }
  }
  witc_buf_delete(&out);
  cli_input_delete(&in);
  return rc;
}

const cli_command cmd_abi = {
    "abi", "[OPTIONS] [PATH]",
    "report a world's canonical ABI: layouts, flattened core signatures, core names",
    abi_options, abi_run};

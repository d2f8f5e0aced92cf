/* c_gen.h: the C back end (`witc gen c`): a header and a glue source for one world
 * (docs/c-bindings.md conventions, with the improvements of its §3). Layout, flattening and
 * every core name come from abi.h; nothing is recomputed here. */
#ifndef WITC_C_GEN_H
#define WITC_C_GEN_H

#include "../parser/base.h"
#include "../parser/model.h"
#include "../parser/source.h"
#include "abi.h"

/* Options of witc_gen_c (NULL there: every default). */
typedef struct witc_gen_c_opts {
  witc_mangling mangling; /* core names: legacy (default) or standard32 */
} witc_gen_c_opts;

/* The generated files of one world. `base` is the world name in snake_case (the files are
 * <base>.h and <base>.c); `header` and `source` are heap buffers the caller deletes;
 * `notes` holds one line per deterministic rename ("note: ...\n"), to print on stderr. */
typedef struct witc_gen_c_out {
  const char *base; /* arena string */
  witc_buf header, source, notes;
} witc_gen_c_out;

/* Generates the bindings of world `world` of `r` into *out (initialized here; delete with
 * witc_gen_c_out_delete even on failure). Unsupported items (async functions, future,
 * stream, error-context, empty or over-large types) append an error located at the WIT
 * item to `diags` and return false; nothing partial is meant to be written then. Any
 * allocation failure (arena or output buffer) also returns false, with no diagnostic (those
 * added by this call are taken back); the arena's own recovery point is left as it was.
 * A `world` out of range returns false with no diagnostic. */
bool witc_gen_c(const witc_resolve *r, witc_id world, const witc_gen_c_opts *opts,
                witc_diags *diags, witc_gen_c_out *out);

/* Frees the three buffers of *out (`base` is the arena's). */
void witc_gen_c_out_delete(witc_gen_c_out *out);

/* Writes `s` (a WIT name) in snake_case into `out`: '-' becomes '_', letters lower-cased. */
void witc_c_snake(witc_buf *out, witc_str s);

#endif

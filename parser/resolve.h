/* resolve.h: building the resolved graph from files and directories (wit-parser's
 * resolve/fs.rs push_path and resolve/mod.rs Resolve::push_group, Remap, world
 * elaboration and include processing). */
#ifndef WITC_RESOLVE_H
#define WITC_RESOLVE_H

#include "model.h"

/* Loads `path` (a .wit file, or a package directory with an optional deps/ folder) into
 * `self`, as wit-parser's Resolve::push_path does, and returns the id of its main
 * package. On the first error appends the reference's message (with the directory
 * context prefixes) to `diags` and returns WITC_ID_NONE. Unreadable files and other
 * system errors are reported the same way; `*io_error` (when non-NULL) is set true for
 * those so the CLI can exit 2. */
witc_id witc_resolve_push_path(witc_resolve *self, const char *path, witc_diags *diags,
                               bool *io_error);

/* Loads WIT text held in memory (stdin, the bundled package) as a single file named
 * `path` in messages. Returns the main package id or WITC_ID_NONE (error in diags). */
witc_id witc_resolve_push_str(witc_resolve *self, const char *path, const char *text, size_t len,
                              witc_diags *diags);

/* Picks a world of package `pkg` (wit-parser's Resolve::select_world): `name` NULL means
 * the package's only world (an error when it has none or several); otherwise a world
 * name of the package, or a "ns:pkg/world" path. Returns WITC_ID_NONE with an error in
 * `diags` when there is no such world. */
witc_id witc_resolve_select_world(witc_resolve *self, witc_id pkg, const char *name,
                                  witc_diags *diags);

#endif

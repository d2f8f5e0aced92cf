/* resolve_pkg.h: per-package resolution (wit-parser's ast/resolve.rs Resolver and
 * toposort.rs): the parsed files of one package become an unresolved package whose
 * references to other packages are placeholders. */
#ifndef WITC_RESOLVE_PKG_H
#define WITC_RESOLVE_PKG_H

#include "ast.h"
#include "model.h"

/* Resolves the files of one package, given in path-sorted order (wit-parser's
 * SourceMap::parse then Resolver::resolve for the main package and for each nested
 * `package a:b { }` block, in the order met). On success fills *out and returns true. On
 * the first error appends the reference's message and span, prefixed with `context`, to
 * `diags` and returns false. */
WITC_MUST_CHECK bool witc_resolve_package(witc_arena *arena, witc_source_map *map,
                                          ast_file **files, uint32_t nfiles, const char *context,
                                          witc_diags *diags, witc_unresolved_group *out);

/* The same for files not yet parsed (indices into `map`, path-sorted), in the reference's
 * SourceMap::parse order: each file is parsed (witc_parse_file, with the same `context`)
 * just before it is pushed, so a syntax error in a later file comes after the errors of
 * the nested packages and the `package` header of the files before it. After a file with
 * syntax errors the remaining files are only parsed, for their own syntax errors. */
WITC_MUST_CHECK bool witc_parse_resolve_package(witc_arena *arena, witc_source_map *map,
                                                const uint32_t *files, uint32_t nfiles,
                                                const char *context, witc_diags *diags,
                                                witc_unresolved_group *out);

#endif

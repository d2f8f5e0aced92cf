/* parse.h: the lexer-driven recursive-descent parser for one WIT file (wit-parser's
 * lex.rs + ast.rs; grammar in docs wit-language.md §2-§3). */
#ifndef WITC_PARSE_H
#define WITC_PARSE_H

#include "ast.h"
#include "source.h"

/* Parses file `file_index` of `map` into *out (arena-allocated). Checks the whole file for
 * forbidden code points first (bidi overrides, discouraged and control code points).
 * Returns true on success. On a lexical or syntax error it appends to `diags`, prefixed
 * with `context` (may be ""), first exactly the error the reference reports (message text
 * and span as in wit-parser), then the further syntax errors found by resynchronising at
 * item boundaries (at most 20 errors, then an info note "too many errors; stopping"; none
 * after a forbidden code point, invalid UTF-8 or "package nesting too deep"), sets *out to
 * NULL and returns false. Recursion is bounded: type nesting and nested packages are
 * capped at depth 100 as in the reference; recovery itself is iterative. */
WITC_MUST_CHECK bool witc_parse_file(witc_arena *arena, witc_source_map *map, uint32_t file_index,
                                     const char *context, witc_diags *diags, ast_file **out);

#endif

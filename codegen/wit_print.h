/* wit_print.h: canonical WIT text of resolved packages, laid out as `wasm-tools component
 * wit` prints them (wit-component's WitPrinter; docs/wit-printer.md). The printer reads
 * the resolved model only, so it prints what the model holds: docs (as `///` lines),
 * gates, fully qualified `use` paths, resource members inside their resource, the
 * elaborated world items; plain comments, top-level `use ... as` aliases and `include`
 * statements are gone (docs/fmt.md). */
#ifndef WITC_WIT_PRINT_H
#define WITC_WIT_PRINT_H

#include "../parser/base.h"
#include "../parser/model.h"

typedef struct witc_wit_print_opts {
  /* Leave out every doc comment (the reference's --no-docs). */
  bool no_docs;
  /* Leave out the root package's `package ns:name;` line and its docs (used to lay out
   * the files of a multi-file package that do not carry the header). */
  bool no_header;
  /* Print the root package's header without its docs (another file carries them). */
  bool no_package_docs;
  /* When non-NULL, only the root package's interfaces (is_world false) and worlds for
   * which it returns true are printed (used to lay out one file of a package). */
  bool (*keep)(void *user, bool is_world, witc_id id);
  void *user;
  /* Text written after the root package's header (or first when there is none), followed
   * by a blank line when anything comes after it: a file's top-level `use` lines in the
   * per-file layout, each ending in '\n'. */
  witc_str prelude;
} witc_wit_print_opts;

/* Prints package `pkg` as the root package (`package ns:name;` and its items), followed
 * by the packages `nested[0..n_nested)` in `package ns:name { ... }` form, exactly as the
 * reference's WitPrinter::print(resolve, pkg, nested) does. `opts` may be NULL (defaults).
 * Returns false when the model holds something WIT cannot spell (an anonymous record,
 * say; never the case for a graph the resolver built); `out` then holds a partial text.
 * Allocation failures are sticky in `out`. */
bool witc_wit_print(const witc_resolve *r, witc_id pkg, const witc_id *nested, uint32_t n_nested,
                    const witc_wit_print_opts *opts, witc_buf *out);

/* One entry of a package's printed text, for witc_wit_print_order: an interface or a
 * world of the package, or a package that a top-level `use` names. */
typedef enum witc_wit_item_kind {
  WITC_WIT_ITEM_INTERFACE,
  WITC_WIT_ITEM_WORLD,
  WITC_WIT_ITEM_PACKAGE,
} witc_wit_item_kind;

typedef struct witc_wit_item {
  witc_wit_item_kind kind;
  witc_id id;
} witc_wit_item;

/* Sorts `nested[0..n_nested)` into the order in which resolving the printed text lays the
 * packages out, so that printing is a fixpoint (fmt(fmt(x)) == fmt(x)): the resolver's
 * package sort (depth-first from each package in name order, a package's dependencies in
 * first-reference order placed before it) over the references the printed text holds,
 * not over the source's. They differ where an item switched off by an inactive feature
 * was the only link between two packages, or an `include` was: the printer writes neither.
 * The root package's text is `main_items[0..n_main_items)` in text order, or (NULL) its
 * interfaces then its worlds, as witc_wit_print writes them; every other package's is the
 * latter. Where the source's references and the printed text's give the same order (all
 * inputs without such items), that is the arena order the reference printer uses. Returns false when out of memory (`nested` unchanged). */
bool witc_wit_print_order(const witc_resolve *r, witc_id pkg, witc_id *nested, uint32_t n_nested,
                          const witc_wit_item *main_items, uint32_t n_main_items);

/* True when `name` must be printed as `%name` (a WIT keyword, or the retired `float32` /
 * `float64` that the reference printer still escapes). */
bool witc_wit_is_keyword(witc_str name);

#endif

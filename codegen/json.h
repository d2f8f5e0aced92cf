/* json.h: the resolved graph as JSON, byte for byte as wit-parser's Resolve prints through
 * serde_json::to_string_pretty (docs/resolve-json.md §1-§3). The corpus's *.wit.json files
 * and `wasm-tools component wit --json` are this format. Arrays are printed in arena order:
 * matching the reference's indices is the resolver's job. */
#ifndef WITC_JSON_H
#define WITC_JSON_H

#include "../parser/base.h"
#include "../parser/model.h"

/* Writes the whole graph (worlds, interfaces, types, packages) into `out`, without a
 * trailing newline (as serde_json does). Errors are sticky in `out`. */
void witc_json_write(const witc_resolve *r, witc_buf *out);

/* Writes `s` as a JSON string literal with serde_json's escaping: `"` `\` and the control
 * characters below U+0020 are escaped (\b \t \n \f \r, else \u00xx); everything else,
 * including non-ASCII UTF-8, is copied raw. An absent string is written as `null`. */
void witc_json_string(witc_buf *out, witc_str s);

#endif

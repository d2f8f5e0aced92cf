/* notes.h: what the two vtx guests (raw.c on the raw canonical ABI, guest.c on witc's
 * bindings) share: the plugin's fixed texts and plain-C request parsing. No WIT types here.
 *
 * The plugin, "notes" (host.mjs checks every answer):
 *   GET    /notes?q=TEXT           sql.query-json(SELECT ..., [text("%TEXT%")]) -> 200 + buffer(json);
 *                                  a sql error -> 500 + buffer("error: <message>")
 *   POST   /notes?body=B&score=S   sql.execute(INSERT ..., [text(B), real(S), integer(bytes of B), null-val])
 *                                  -> 201 + buffer("inserted <n>"); no body -> 400, no body;
 *                                  a sql error -> 500 + buffer("error: <message>")
 *   DELETE /notes/ID               sql.execute(DELETE ..., [integer(ID)]) -> 204 (n > 0) or 404
 *   GET    /files/UUID             stream-io.open-file(UUID) -> 200 with that buffer as the body;
 *                                  an error -> 404 + buffer(<message>)
 *   GET    /files/UUID/head?n=K    open-file, then size() and read(0, K) (K defaults to 4) and drop
 *                                  it -> 200 + buffer("size=<size> head=<hex>"); an error -> 404
 *   GET    /debug                  logs to stderr, reads the monotonic clock (WASI) -> 200 +
 *                                  buffer("ok heap=<bytes on the guest's malloc heap>") (lib/heap.c)
 *   anything else                  404, no body
 * authenticate(headers): "authorization: Bearer secret-<user>" (header names in any case) ->
 *   ok({"u-<user>", <user>, ["users", "admins" if user is root, each x-group header value],
 *   {"token_length":<bytes of the token>}}); no authorization header -> err(401); another
 *   value -> err(403). */
#ifndef E2E_VTX_NOTES_H
#define E2E_VTX_NOTES_H

#include "req.h"

#define PLUGIN_ID "notes"
#define PLUGIN_NAME "Notes ✎"
#define PLUGIN_VERSION "1.4.2"
#define PLUGIN_DESCRIPTION "Keeps short notes in a table; files by UUID."
#define PLUGIN_ENTRYPOINT "/notes"

static const char *const plugin_migrations[] = {
  "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, score REAL, length INTEGER, extra BLOB)",
  "CREATE INDEX notes_body ON notes (body)",
  "ALTER TABLE notes ADD COLUMN created TEXT DEFAULT ''",
};
#define PLUGIN_N_MIGRATIONS (sizeof plugin_migrations / sizeof plugin_migrations[0])
static const char *const plugin_resources[] = { "notes" };
#define PLUGIN_N_RESOURCES 1

#define SQL_SEARCH "SELECT id, body FROM notes WHERE body LIKE ?1 ORDER BY id"
#define SQL_INSERT "INSERT INTO notes (body, score, length, extra) VALUES (?1, ?2, ?3, ?4)"
#define SQL_DELETE "DELETE FROM notes WHERE id = ?1"

/* The route of a request. */
typedef enum { R_NONE, R_SEARCH, R_INSERT, R_DELETE, R_FILE, R_FILE_HEAD, R_DEBUG } route_t;

/* Classifies METHOD PATH; *arg gets the id (R_DELETE) or the uuid (R_FILE, R_FILE_HEAD). */
static inline route_t route(span_t method, span_t path, span_t *arg) {
  span_t rest;
  if (span_eq(method, "GET") && span_eq(path, "/notes")) return R_SEARCH;
  if (span_eq(method, "POST") && span_eq(path, "/notes")) return R_INSERT;
  if (span_eq(method, "DELETE") && span_prefix(path, "/notes/", arg)) return R_DELETE;
  if (span_eq(method, "GET") && span_prefix(path, "/files/", &rest) && rest.n > 0) {
    const char *slash = memchr(rest.p, '/', rest.n);
    if (!slash) { *arg = rest; return R_FILE; }
    if (span_eq(span(slash, rest.n - (size_t)(slash - rest.p)), "/head")) {
      *arg = span(rest.p, (size_t)(slash - rest.p));
      return R_FILE_HEAD;
    }
    return R_NONE;
  }
  if (span_eq(method, "GET") && span_eq(path, "/debug")) return R_DEBUG;
  return R_NONE;
}

/* "size=<size> head=<hex>" into buf (at least 32 + 2 * n bytes); returns its length. */
static inline size_t head_text(char *buf, uint64_t size, const uint8_t *data, size_t n) {
  int k = sprintf(buf, "size=%llu head=", (unsigned long long)size);
  for (size_t i = 0; i < n; i++) k += sprintf(buf + k, "%02x", data[i]);
  return (size_t)k;
}

/* Authorization check: 0 and the user name (a view into the value) when it passes, else the
 * HTTP status to fail with. */
static inline int check_auth(bool have, span_t value, span_t *user, span_t *token) {
  span_t t, u;
  if (!have) return 401;
  if (!span_prefix(value, "Bearer ", &t)) return 403;
  if (!span_prefix(t, "secret-", &u) || u.n == 0) return 403;
  *user = u;
  *token = t;
  return 0;
}
#endif

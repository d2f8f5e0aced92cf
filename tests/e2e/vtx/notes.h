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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A view of bytes (not NUL-terminated). */
typedef struct { const char *p; size_t n; } span_t;

static inline span_t span(const void *p, size_t n) { span_t s = { (const char *)p, n }; return s; }
static inline span_t span_z(const char *s) { return span(s, strlen(s)); }
static inline bool span_eq(span_t a, const char *b) { return a.n == strlen(b) && memcmp(a.p, b, a.n) == 0; }
static inline bool span_ieq(span_t a, const char *b) {
  if (a.n != strlen(b)) return false;
  for (size_t i = 0; i < a.n; i++) {
    char c = a.p[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}
static inline bool span_prefix(span_t s, const char *prefix, span_t *rest) {
  size_t n = strlen(prefix);
  if (s.n < n || memcmp(s.p, prefix, n) != 0) return false;
  if (rest) *rest = span(s.p + n, s.n - n);
  return true;
}

static inline int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Looks up KEY in a query string "a=1&b=x%20y" and percent-decodes its value (+ is a space)
 * into a malloc'ed buffer (*out, *out_len; free it). False when absent. */
static inline bool query_get(span_t q, const char *key, char **out, size_t *out_len) {
  size_t i = 0;
  while (i <= q.n) {
    size_t end = i;
    while (end < q.n && q.p[end] != '&') end++;
    span_t part = span(q.p + i, end - i);
    size_t eq = 0;
    while (eq < part.n && part.p[eq] != '=') eq++;
    if (span_eq(span(part.p, eq), key)) {
      span_t v = eq < part.n ? span(part.p + eq + 1, part.n - eq - 1) : span("", 0);
      char *buf = malloc(v.n + 1);
      if (!buf) abort();
      size_t o = 0;
      for (size_t k = 0; k < v.n; k++) {
        if (v.p[k] == '%' && k + 2 < v.n && hexval(v.p[k + 1]) >= 0 && hexval(v.p[k + 2]) >= 0) {
          buf[o++] = (char)(hexval(v.p[k + 1]) * 16 + hexval(v.p[k + 2]));
          k += 2;
        } else {
          buf[o++] = v.p[k] == '+' ? ' ' : v.p[k];
        }
      }
      *out = buf;
      *out_len = o;
      return true;
    }
    i = end + 1;
  }
  return false;
}

/* A decimal s64 ("-12"); false when it is not one. */
static inline bool parse_s64(span_t s, int64_t *out) {
  size_t i = 0;
  bool neg = s.n > 0 && s.p[0] == '-';
  if (neg) i = 1;
  if (i == s.n) return false;
  uint64_t v = 0;
  for (; i < s.n; i++) {
    if (s.p[i] < '0' || s.p[i] > '9') return false;
    v = v * 10 + (uint64_t)(s.p[i] - '0');
  }
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

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

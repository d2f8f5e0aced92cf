/* plugin.c: "guestbook", a small VTX plugin in C.
 *
 * It is written against the bindings that `witc gen c -o gen` generates for the bundled
 * vtx:api `plugin` world (gen/plugin.h and gen/plugin.c); README.md shows how to build it.
 *
 *   GET  /guestbook?limit=N               the newest N entries (default 10) as JSON
 *                                         (sql.query-json)
 *   POST /guestbook?name=N&message=M      signs the guest book (sql.execute)
 *   GET  /guestbook/attachments/UUID      a picture registered with the host
 *                                         (stream-io.open-file, buffer.size, buffer.read):
 *                                         PNG or JPEG only, at most 1 MiB
 *   anything else                         404
 *
 * Every response body is a host buffer: one made with stream-io.create-memory-buffer, or
 * the opened file itself. The own handle moves to the host with the response.
 *
 * authenticate: "Authorization: Bearer guest-<name>" signs <name> in as a guest; no
 * Authorization header is 401, any other value 403.
 *
 * Ownership, as gen/plugin.h states it: what you pass to an import is only borrowed, and
 * what an import returns is yours (release it with its _free function); what an export
 * returns must be allocated with cabi_realloc (or the _dup helpers) and becomes the
 * host's, and the export's arguments are freed by the glue after you return.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

#define MAX_ATTACHMENT (1u << 20)

/* ---- small helpers ------------------------------------------------------------------- */

/* A borrowed view of a C string: fine as an argument to an import, never returned. */
static plugin_string_t str(const char *s) {
  plugin_string_t r;
  plugin_string_set(&r, s);
  return r;
}

static bool str_eq(const plugin_string_t *s, const char *lit) {
  size_t n = strlen(lit);
  return s->len == n && (n == 0 || memcmp(s->ptr, lit, n) == 0);
}

static bool str_ieq(const plugin_string_t *s, const char *lit) {
  if (s->len != strlen(lit)) return false;
  for (size_t i = 0; i < s->len; i++) {
    char c = (char)s->ptr[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != lit[i]) return false;
  }
  return true;
}

/* If `s` starts with `prefix`, sets `*rest` to a view of what follows. */
static bool str_skip(const plugin_string_t *s, const char *prefix, plugin_string_t *rest) {
  size_t n = strlen(prefix);
  if (s->len < n || memcmp(s->ptr, prefix, n) != 0) return false;
  rest->ptr = s->ptr + n;
  rest->len = s->len - n;
  return true;
}

static int hex(int c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Looks up `key` in a query string ("name=Ada&message=Hi%21") and writes its value,
 * percent-decoded and NUL-terminated, into out[cap]. False when the key is absent. */
static bool query_param(const plugin_string_t *query, const char *key, char *out, size_t cap) {
  const char *p = (const char *)query->ptr, *end = p + query->len;
  size_t klen = strlen(key);
  while (p && p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    if ((size_t)(stop - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t o = 0;
      for (const char *v = p + klen + 1; v < stop && o + 1 < cap; v++) {
        if (*v == '%' && stop - v > 2 && hex(v[1]) >= 0 && hex(v[2]) >= 0) {
          out[o++] = (char)(hex(v[1]) * 16 + hex(v[2]));
          v += 2;
        } else {
          out[o++] = *v == '+' ? ' ' : *v;
        }
      }
      out[o] = '\0';
      return true;
    }
    p = amp ? amp + 1 : NULL;
  }
  return false;
}

/* Sets the response to `status` with a body holding `len` bytes of `text`. */
static void respond(plugin_http_response_t *ret, uint16_t status, const void *text, size_t len) {
  plugin_list_u8_t data = {(uint8_t *)text, len}; /* only borrowed by the import */
  ret->status = status;
  ret->body.is_some = true;
  ret->body.val = vtx_api_stream_io_create_memory_buffer(&data);
}

static void respond_text(plugin_http_response_t *ret, uint16_t status, const char *text) {
  respond(ret, status, text, strlen(text));
}

/* "database error: <message>" from an error string an import returned. */
static void respond_error(plugin_http_response_t *ret, uint16_t status, const char *what,
                          const plugin_string_t *msg) {
  char text[512];
  int n = snprintf(text, sizeof text, "%s: %.*s", what, (int)msg->len, (const char *)msg->ptr);
  respond(ret, status, text, n < (int)sizeof text ? (size_t)n : sizeof text - 1);
}

/* ---- the routes ---------------------------------------------------------------------- */

static void list_entries(const plugin_string_t *query, plugin_http_response_t *ret) {
  char limit[24] = "10";
  query_param(query, "limit", limit, sizeof limit);

  vtx_api_sql_db_value_t param;
  param.tag = VTX_API_SQL_DB_VALUE_INTEGER;
  param.val.integer = strtoll(limit, NULL, 10);
  vtx_api_sql_list_db_value_t params = {&param, 1};
  plugin_string_t sql = str("SELECT id, name, message FROM guestbook ORDER BY id DESC LIMIT ?1");

  plugin_result_string_string_t rows; /* ours after the call: freed below */
  vtx_api_sql_query_json(&sql, &params, &rows);
  if (rows.is_err)
    respond_error(ret, 500, "database error", &rows.val.err);
  else
    respond(ret, 200, rows.val.ok.ptr, rows.val.ok.len); /* the JSON text as it came */
  plugin_result_string_string_free(&rows);
}

static void sign(const plugin_string_t *query, plugin_http_response_t *ret) {
  char name[64], message[280];
  if (!query_param(query, "name", name, sizeof name) || !name[0] ||
      !query_param(query, "message", message, sizeof message) || !message[0]) {
    respond_text(ret, 400, "name and message are required");
    return;
  }
  vtx_api_sql_db_value_t values[2];
  values[0].tag = VTX_API_SQL_DB_VALUE_TEXT;
  values[0].val.text = str(name);
  values[1].tag = VTX_API_SQL_DB_VALUE_TEXT;
  values[1].val.text = str(message);
  vtx_api_sql_list_db_value_t params = {values, 2};
  plugin_string_t sql = str("INSERT INTO guestbook (name, message) VALUES (?1, ?2)");

  plugin_result_u64_string_t done;
  vtx_api_sql_execute(&sql, &params, &done);
  if (done.is_err) {
    respond_error(ret, 500, "database error", &done.val.err);
  } else {
    char text[96];
    snprintf(text, sizeof text, "thank you, %s (%llu row written)", name,
             (unsigned long long)done.val.ok);
    respond_text(ret, 201, text);
  }
  plugin_result_u64_string_free(&done);
}

static void attachment(const plugin_string_t *uuid, plugin_http_response_t *ret) {
  vtx_api_stream_io_result_own_buffer_string_t file;
  vtx_api_stream_io_open_file(uuid, &file);
  if (file.is_err) {
    respond_error(ret, 404, "no such attachment", &file.val.err);
    vtx_api_stream_io_result_own_buffer_string_free(&file);
    return;
  }
  /* A borrow of our own handle, to call the buffer's methods. */
  vtx_api_stream_io_borrow_buffer_t buf = vtx_api_stream_io_borrow_buffer(file.val.ok);
  uint64_t size = vtx_api_stream_io_method_buffer_size(buf);
  plugin_list_u8_t head;
  vtx_api_stream_io_method_buffer_read(buf, 0, 4, &head);
  bool png = head.len == 4 && memcmp(head.ptr, "\x89PNG", 4) == 0;
  bool jpeg = head.len >= 3 && memcmp(head.ptr, "\xff\xd8\xff", 3) == 0;
  plugin_list_u8_free(&head);

  if (size > MAX_ATTACHMENT || !(png || jpeg)) {
    vtx_api_stream_io_result_own_buffer_string_free(&file); /* drops the file's handle */
    respond_text(ret, size > MAX_ATTACHMENT ? 413 : 415,
                 size > MAX_ATTACHMENT ? "attachments are limited to 1 MiB"
                                       : "attachments must be PNG or JPEG pictures");
    return;
  }
  ret->status = 200;
  ret->body.is_some = true;
  ret->body.val = file.val.ok; /* the handle moves into the response: file owns nothing else */
}

/* ---- the exports (gen/plugin.h, "exported functions") -------------------------------- */

void exports_plugin_handle(plugin_http_request_t *req, plugin_http_response_t *ret) {
  plugin_string_t uuid;
  bool get = str_eq(&req->method, "GET"), post = str_eq(&req->method, "POST");
  if (get && str_eq(&req->path, "/guestbook"))
    list_entries(&req->query, ret);
  else if (post && str_eq(&req->path, "/guestbook"))
    sign(&req->query, ret);
  else if (get && str_skip(&req->path, "/guestbook/attachments/", &uuid) && uuid.len > 0)
    attachment(&uuid, ret);
  else
    ret->status = 404; /* *ret is zeroed on entry: no body */
}

void exports_plugin_get_manifest(plugin_manifest_t *ret) {
  plugin_string_dup(&ret->id, "guestbook");
  plugin_string_dup(&ret->name, "Guest book");
  plugin_string_dup(&ret->version, "1.0.0");
  plugin_string_dup(&ret->description, "Visitors sign with a message; pictures as attachments.");
  plugin_string_dup(&ret->entrypoint, "/guestbook");
}

/* A list of copies of `n` C strings; the glue frees it once the host has copied it. */
static void string_list(plugin_list_string_t *ret, const char *const *items, size_t n) {
  ret->ptr = cabi_realloc(NULL, 0, _Alignof(plugin_string_t), n * sizeof(plugin_string_t));
  ret->len = n;
  for (size_t i = 0; i < n; i++) plugin_string_dup(&ret->ptr[i], items[i]);
}

void exports_plugin_get_migrations(plugin_list_string_t *ret) {
  static const char *const migrations[] = {
      "CREATE TABLE guestbook (id INTEGER PRIMARY KEY, name TEXT NOT NULL, message TEXT NOT NULL)",
      "ALTER TABLE guestbook ADD COLUMN signed_at TEXT DEFAULT CURRENT_TIMESTAMP",
  };
  string_list(ret, migrations, sizeof migrations / sizeof *migrations);
}

void exports_plugin_get_resources(plugin_list_string_t *ret) {
  static const char *const tables[] = {"guestbook"};
  string_list(ret, tables, 1);
}

void exports_plugin_authenticate(plugin_list_tuple2_string_string_t *headers,
                                 plugin_result_user_context_u16_t *ret) {
  const plugin_string_t *auth = NULL;
  for (size_t i = 0; i < headers->len && !auth; i++)
    if (str_ieq(&headers->ptr[i].f0, "authorization")) auth = &headers->ptr[i].f1;

  plugin_string_t guest;
  if (!auth || !str_skip(auth, "Bearer guest-", &guest) || guest.len == 0) {
    ret->is_err = true;
    ret->val.err = auth ? 403 : 401;
    return;
  }
  plugin_user_context_t *user = &ret->val.ok;
  char id[96];
  int n = snprintf(id, sizeof id, "guest:%.*s", (int)guest.len, (const char *)guest.ptr);
  plugin_string_dup_n(&user->user_id, id, n < (int)sizeof id ? (size_t)n : sizeof id - 1);
  plugin_string_dup_n(&user->username, (const char *)guest.ptr, guest.len);
  static const char *const groups[] = {"guests"};
  string_list(&user->groups, groups, 1);
  plugin_string_dup(&user->metadata, "{\"auth\":\"bearer\"}");
}

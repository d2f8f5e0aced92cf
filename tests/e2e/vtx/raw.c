/* raw.c: the "notes" VTX plugin (notes.h) for the bundled vtx:api 2.2.1 `plugin` world,
 * written by hand against the raw canonical ABI: the control for guest.c, which does the same
 * on witc's generated bindings.
 *
 * Core ABI (legacy names; vtx-api.md §4):
 *   import vtx:api/stream-io@1.2.6  [method]buffer.size (i32)->i64, [method]buffer.read
 *          (i32 i64 i64 retptr), open-file (ptr len retptr), create-memory-buffer (ptr len)->i32,
 *          [resource-drop]buffer (i32)
 *   import vtx:api/sql@1.2.6        execute, query-json (ptr len ptr len retptr)
 *   export handle (6 x i32)->ptr, get-migrations / get-manifest / get-resources ()->ptr,
 *          authenticate (ptr len)->ptr, each with cabi_post_<name>; cabi_realloc; memory */
#include <time.h>

#include "notes.h"
#include "raw.h"

#define SIO "vtx:api/stream-io@1.2.6"
#define SQL "vtx:api/sql@1.2.6"

static str_t str_dup(span_t s) {
  str_t r = { xalloc(s.n), s.n };
  if (s.n) memcpy(r.ptr, s.p, s.n);
  return r;
}

/* ---- imports ------------------------------------------------------------------------------- */

__attribute__((import_module(SIO), import_name("[method]buffer.size"))) extern int64_t buffer_size(int32_t self);
__attribute__((import_module(SIO), import_name("[method]buffer.read"))) extern void buffer_read(int32_t self, int64_t off, int64_t max, str_t *ret);
typedef struct { uint8_t is_err; union { int32_t ok; str_t err; } val; } open_result_t;
__attribute__((import_module(SIO), import_name("open-file"))) extern void open_file(const uint8_t *p, size_t n, open_result_t *ret);
__attribute__((import_module(SIO), import_name("create-memory-buffer"))) extern int32_t create_memory_buffer(const uint8_t *p, size_t n);
__attribute__((import_module(SIO), import_name("[resource-drop]buffer"))) extern void buffer_drop(int32_t handle);

/* variant db-value { text(string), integer(s64), real(f64), null-val }: size 16, payload at 8 */
typedef struct { uint8_t tag; union { str_t text; int64_t integer; double real; } val; } db_value_t;
_Static_assert(sizeof(db_value_t) == 16 && __builtin_offsetof(db_value_t, val) == 8, "db-value layout");
enum { DB_TEXT, DB_INTEGER, DB_REAL, DB_NULL };
typedef struct { uint8_t is_err; union { uint64_t ok; str_t err; } val; } exec_result_t;   /* size 16 */
typedef struct { uint8_t is_err; union { str_t ok; str_t err; } val; } query_result_t;     /* size 12 */
_Static_assert(sizeof(exec_result_t) == 16 && sizeof(query_result_t) == 12, "sql results");
__attribute__((import_module(SQL), import_name("execute")))
extern void sql_execute(const uint8_t *, size_t, const db_value_t *, size_t, exec_result_t *ret);
__attribute__((import_module(SQL), import_name("query-json")))
extern void sql_query_json(const uint8_t *, size_t, const db_value_t *, size_t, query_result_t *ret);

/* ---- handle -------------------------------------------------------------------------------- */

/* record http-response { status: u16, body: option<buffer> } */
typedef struct { uint16_t status; struct { uint8_t is_some; int32_t handle; } body; } response_t;
_Static_assert(sizeof(response_t) == 12, "http-response layout");

static response_t text_response(uint16_t status, span_t text) {
  response_t r = { status, { 1, create_memory_buffer((const uint8_t *)text.p, text.n) } };
  return r;
}
static response_t error_response(uint16_t status, const char *prefix, str_t *msg) {
  size_t pn = strlen(prefix);
  char *buf = xalloc(pn + msg->len);
  memcpy(buf, prefix, pn);
  if (msg->len) memcpy(buf + pn, msg->ptr, msg->len);
  response_t r = text_response(status, span(buf, pn + msg->len));
  xfree(buf, pn + msg->len);
  str_free(msg);
  return r;
}

static response_t do_handle(span_t method, span_t path, span_t query) {
  span_t arg = { "", 0 };
  response_t none = { 404, { 0, 0 } };
  switch (route(method, path, &arg)) {
  case R_SEARCH: {
    char *q = NULL; size_t qn = 0;
    if (!query_get(query, "q", &q, &qn)) { q = malloc(1); qn = 0; }
    char *like = xalloc(qn + 2);
    like[0] = '%';
    if (qn) memcpy(like + 1, q, qn);
    like[qn + 1] = '%';
    free(q);
    db_value_t params[1];
    params[0].tag = DB_TEXT;
    params[0].val.text = (str_t){ (uint8_t *)like, qn + 2 };
    query_result_t r;
    sql_query_json((const uint8_t *)SQL_SEARCH, strlen(SQL_SEARCH), params, 1, &r);
    xfree(like, qn + 2);
    if (r.is_err) return error_response(500, "error: ", &r.val.err);
    response_t resp = text_response(200, span(r.val.ok.ptr, r.val.ok.len));
    str_free(&r.val.ok);
    return resp;
  }
  case R_INSERT: {
    char *body = NULL; size_t bn = 0;
    if (!query_get(query, "body", &body, &bn)) { response_t bad = { 400, { 0, 0 } }; return bad; }
    double sc = 0;
    query_get_f64(query, "score", &sc);
    db_value_t params[4];
    memset(params, 0, sizeof params);
    params[0].tag = DB_TEXT; params[0].val.text = (str_t){ (uint8_t *)body, bn };
    params[1].tag = DB_REAL; params[1].val.real = sc;
    params[2].tag = DB_INTEGER; params[2].val.integer = (int64_t)bn;
    params[3].tag = DB_NULL;
    exec_result_t r;
    sql_execute((const uint8_t *)SQL_INSERT, strlen(SQL_INSERT), params, 4, &r);
    free(body);
    if (r.is_err) return error_response(500, "error: ", &r.val.err);
    char msg[40];
    int n = sprintf(msg, "inserted %llu", (unsigned long long)r.val.ok);
    return text_response(201, span(msg, (size_t)n));
  }
  case R_DELETE: {
    int64_t id;
    if (!parse_s64(arg, &id)) { response_t bad = { 400, { 0, 0 } }; return bad; }
    db_value_t params[1];
    memset(params, 0, sizeof params);
    params[0].tag = DB_INTEGER; params[0].val.integer = id;
    exec_result_t r;
    sql_execute((const uint8_t *)SQL_DELETE, strlen(SQL_DELETE), params, 1, &r);
    if (r.is_err) return error_response(500, "error: ", &r.val.err);
    response_t resp = { (uint16_t)(r.val.ok > 0 ? 204 : 404), { 0, 0 } };
    return resp;
  }
  case R_FILE: {
    open_result_t r;
    open_file((const uint8_t *)arg.p, arg.n, &r);
    if (r.is_err) return error_response(404, "", &r.val.err);
    response_t resp = { 200, { 1, r.val.ok } };             /* the buffer goes back to the host */
    return resp;
  }
  case R_FILE_HEAD: {
    open_result_t r;
    open_file((const uint8_t *)arg.p, arg.n, &r);
    if (r.is_err) { str_free(&r.val.err); return none; }
    int64_t want = 4;
    char *nq = NULL; size_t nn = 0;
    if (query_get(query, "n", &nq, &nn)) { parse_s64(span(nq, nn), &want); free(nq); }
    uint64_t size = (uint64_t)buffer_size(r.val.ok);
    str_t data;
    buffer_read(r.val.ok, 0, want, &data);
    buffer_drop(r.val.ok);
    char *text = xalloc(32 + 2 * data.len);
    size_t n = head_text(text, size, data.ptr, data.len);
    response_t resp = text_response(200, span(text, n));
    xfree(text, 32 + 2 * data.len);
    str_free(&data);
    return resp;
  }
  case R_DEBUG: {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) abort();
    fprintf(stderr, "[notes plugin] debug request (monotonic clock %s)\n", ts.tv_sec >= 0 ? "ok" : "odd");
    char text[48];
    int n = sprintf(text, "ok heap=%lld", (long long)e2e_heap_bytes());
    return text_response(200, span(text, (size_t)n));
  }
  case R_NONE:
    break;
  }
  return none;
}

__attribute__((export_name("handle")))
response_t *exp_handle(uint8_t *m, size_t mn, uint8_t *p, size_t pn, uint8_t *q, size_t qn) {
  response_t *ret = xalloc(sizeof *ret);
  *ret = do_handle(span(m, mn), span(p, pn), span(q, qn));
  xfree(m, mn);
  xfree(p, pn);
  xfree(q, qn);
  return ret;
}
__attribute__((export_name("cabi_post_handle")))
void post_handle(response_t *ret) { free(ret); }   /* the body handle moved to the host */

/* ---- lists of strings and the manifest ----------------------------------------------------- */

static strs_t *strings(const char *const *items, size_t n) {
  strs_t *ret = xalloc(sizeof *ret);
  ret->len = n;
  ret->ptr = xalloc(n * sizeof(str_t));
  for (size_t i = 0; i < n; i++) ret->ptr[i] = str_dup(span_z(items[i]));
  return ret;
}
static void strings_free(strs_t *l) {
  for (size_t i = 0; i < l->len; i++) str_free(&l->ptr[i]);
  xfree(l->ptr, l->len * sizeof(str_t));
}

__attribute__((export_name("get-migrations"))) strs_t *exp_get_migrations(void) { return strings(plugin_migrations, PLUGIN_N_MIGRATIONS); }
__attribute__((export_name("cabi_post_get-migrations"))) void post_get_migrations(strs_t *ret) { strings_free(ret); free(ret); }
__attribute__((export_name("get-resources"))) strs_t *exp_get_resources(void) { return strings(plugin_resources, PLUGIN_N_RESOURCES); }
__attribute__((export_name("cabi_post_get-resources"))) void post_get_resources(strs_t *ret) { strings_free(ret); free(ret); }

typedef struct { str_t id, name, version, description, entrypoint; } manifest_t;
__attribute__((export_name("get-manifest"))) manifest_t *exp_get_manifest(void) {
  manifest_t *m = xalloc(sizeof *m);
  m->id = str_dup(span_z(PLUGIN_ID));
  m->name = str_dup(span_z(PLUGIN_NAME));
  m->version = str_dup(span_z(PLUGIN_VERSION));
  m->description = str_dup(span_z(PLUGIN_DESCRIPTION));
  m->entrypoint = str_dup(span_z(PLUGIN_ENTRYPOINT));
  return m;
}
__attribute__((export_name("cabi_post_get-manifest"))) void post_get_manifest(manifest_t *m) {
  str_free(&m->id); str_free(&m->name); str_free(&m->version); str_free(&m->description); str_free(&m->entrypoint);
  free(m);
}

/* ---- authenticate -------------------------------------------------------------------------- */

typedef struct { str_t name, value; } header_t;
typedef struct { str_t user_id, username; strs_t groups; str_t metadata; } user_context_t;
typedef struct { uint8_t is_err; union { user_context_t ok; uint16_t err; } val; } auth_result_t;
_Static_assert(sizeof(auth_result_t) == 36, "result<user-context, u16> layout");

__attribute__((export_name("authenticate")))
auth_result_t *exp_authenticate(header_t *h, size_t n) {
  auth_result_t *ret = xalloc(sizeof *ret);
  memset(ret, 0, sizeof *ret);
  bool have = false;
  span_t value = { "", 0 }, user, token;
  size_t ngroups = 0;
  for (size_t i = 0; i < n; i++) {
    span_t name = span(h[i].name.ptr, h[i].name.len);
    if (!have && span_ieq(name, "authorization")) { have = true; value = span(h[i].value.ptr, h[i].value.len); }
    if (span_ieq(name, "x-group")) ngroups++;
  }
  int status = check_auth(have, value, &user, &token);
  if (status) {
    ret->is_err = 1;
    ret->val.err = (uint16_t)status;
  } else {
    user_context_t *u = &ret->val.ok;
    bool root = span_eq(user, "root");
    u->username = str_dup(user);
    u->user_id = (str_t){ xalloc(user.n + 2), user.n + 2 };
    memcpy(u->user_id.ptr, "u-", 2);
    memcpy(u->user_id.ptr + 2, user.p, user.n);
    u->groups.len = 1 + (root ? 1 : 0) + ngroups;
    u->groups.ptr = xalloc(u->groups.len * sizeof(str_t));
    size_t g = 0;
    u->groups.ptr[g++] = str_dup(span_z("users"));
    if (root) u->groups.ptr[g++] = str_dup(span_z("admins"));
    for (size_t i = 0; i < n; i++)
      if (span_ieq(span(h[i].name.ptr, h[i].name.len), "x-group")) u->groups.ptr[g++] = str_dup(span(h[i].value.ptr, h[i].value.len));
    char meta[48];
    int k = sprintf(meta, "{\"token_length\":%zu}", token.n);
    u->metadata = str_dup(span(meta, (size_t)k));
  }
  for (size_t i = 0; i < n; i++) { str_free(&h[i].name); str_free(&h[i].value); }
  xfree(h, n * sizeof *h);
  return ret;
}
__attribute__((export_name("cabi_post_authenticate")))
void post_authenticate(auth_result_t *ret) {
  if (!ret->is_err) {
    user_context_t *u = &ret->val.ok;
    str_free(&u->user_id); str_free(&u->username); str_free(&u->metadata);
    strings_free(&u->groups);
  }
  free(ret);
}

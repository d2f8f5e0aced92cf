/* vtx_guest.c: the "notes" VTX plugin of tests/e2e/vtx on the bindings of `witc gen c` for the bundled
 * vtx:api 2.2.1 `plugin` world: the same plugin as tests/e2e/vtx/raw.c, written against the generated
 * API (notes.h is tests/e2e/vtx/notes.h). It passes tests/e2e.sh as tests/e2e/vtx/guest.c. */
#include <time.h>
#include "notes.h"
#include <plugin.h> /* the generated bindings (-I <gen dir>) */

typedef vtx_api_types_http_response_t response_t;

static void text_response(response_t *r, uint16_t status, span_t text) {
  plugin_list_u8_t data = {(uint8_t *)(uintptr_t)text.p, text.n}; /* borrowed for the call */
  r->status = status;
  r->body.is_some = true;
  r->body.val = vtx_api_stream_io_create_memory_buffer(&data);
}
static void error_response(response_t *r, uint16_t status, const char *prefix, plugin_string_t *msg) {
  size_t pn = strlen(prefix);
  char *buf = malloc(pn + msg->len + 1);
  memcpy(buf, prefix, pn);
  if (msg->len) memcpy(buf + pn, msg->ptr, msg->len);
  text_response(r, status, span(buf, pn + msg->len));
  free(buf);
  plugin_string_free(msg);
}
static void sql_param_text(vtx_api_sql_db_value_t *v, const char *p, size_t n) {
  v->tag = VTX_API_SQL_DB_VALUE_TEXT;
  v->val.text.ptr = (uint8_t *)(uintptr_t)p;
  v->val.text.len = n;
}

static void do_handle(span_t method, span_t path, span_t query, response_t *ret) {
  span_t arg = {"", 0};
  ret->status = 404;
  switch (route(method, path, &arg)) {
  case R_SEARCH: {
    char *q = NULL; size_t qn = 0;
    if (!query_get(query, "q", &q, &qn)) { q = malloc(1); qn = 0; }
    char *like = malloc(qn + 2);
    like[0] = '%';
    if (qn) memcpy(like + 1, q, qn);
    like[qn + 1] = '%';
    free(q);
    vtx_api_sql_db_value_t params[1];
    sql_param_text(&params[0], like, qn + 2);
    vtx_api_sql_list_db_value_t pl = {params, 1};
    plugin_string_t stmt;
    plugin_string_set(&stmt, SQL_SEARCH);
    plugin_result_string_string_t r;
    vtx_api_sql_query_json(&stmt, &pl, &r);
    free(like);
    if (r.is_err) { error_response(ret, 500, "error: ", &r.val.err); return; }
    text_response(ret, 200, span(r.val.ok.ptr, r.val.ok.len));
    plugin_result_string_string_free(&r);
    return;
  }
  case R_INSERT: {
    char *body = NULL, *score = NULL; size_t bn = 0, sn = 0;
    if (!query_get(query, "body", &body, &bn)) { ret->status = 400; return; }
    double sc = 0;
    if (query_get(query, "score", &score, &sn)) {
      char tmp[64];
      size_t k = sn < sizeof tmp - 1 ? sn : sizeof tmp - 1;
      memcpy(tmp, score, k);
      tmp[k] = 0;
      sc = strtod(tmp, NULL);
      free(score);
    }
    vtx_api_sql_db_value_t params[4];
    memset(params, 0, sizeof params);
    sql_param_text(&params[0], body, bn);
    params[1].tag = VTX_API_SQL_DB_VALUE_REAL; params[1].val.real = sc;
    params[2].tag = VTX_API_SQL_DB_VALUE_INTEGER; params[2].val.integer = (int64_t)bn;
    params[3].tag = VTX_API_SQL_DB_VALUE_NULL_VAL;
    vtx_api_sql_list_db_value_t pl = {params, 4};
    plugin_string_t stmt;
    plugin_string_set(&stmt, SQL_INSERT);
    plugin_result_u64_string_t r;
    vtx_api_sql_execute(&stmt, &pl, &r);
    free(body);
    if (r.is_err) { error_response(ret, 500, "error: ", &r.val.err); return; }
    char msg[40];
    int n = sprintf(msg, "inserted %llu", (unsigned long long)r.val.ok);
    text_response(ret, 201, span(msg, (size_t)n));
    return;
  }
  case R_DELETE: {
    int64_t id;
    if (!parse_s64(arg, &id)) { ret->status = 400; return; }
    vtx_api_sql_db_value_t params[1];
    memset(params, 0, sizeof params);
    params[0].tag = VTX_API_SQL_DB_VALUE_INTEGER; params[0].val.integer = id;
    vtx_api_sql_list_db_value_t pl = {params, 1};
    plugin_string_t stmt;
    plugin_string_set(&stmt, SQL_DELETE);
    plugin_result_u64_string_t r;
    vtx_api_sql_execute(&stmt, &pl, &r);
    if (r.is_err) { error_response(ret, 500, "error: ", &r.val.err); return; }
    ret->status = (uint16_t)(r.val.ok > 0 ? 204 : 404);
    return;
  }
  case R_FILE: {
    plugin_string_t uuid = {(uint8_t *)(uintptr_t)arg.p, arg.n};
    vtx_api_stream_io_result_own_buffer_string_t r;
    vtx_api_stream_io_open_file(&uuid, &r);
    if (r.is_err) { error_response(ret, 404, "", &r.val.err); return; }
    ret->status = 200;
    ret->body.is_some = true;
    ret->body.val = r.val.ok; /* the own handle moves to the host with the response */
    return;
  }
  case R_FILE_HEAD: {
    plugin_string_t uuid = {(uint8_t *)(uintptr_t)arg.p, arg.n};
    vtx_api_stream_io_result_own_buffer_string_t r;
    vtx_api_stream_io_open_file(&uuid, &r);
    if (r.is_err) { vtx_api_stream_io_result_own_buffer_string_free(&r); return; }
    int64_t want = 4;
    char *nq = NULL; size_t nn = 0;
    if (query_get(query, "n", &nq, &nn)) { parse_s64(span(nq, nn), &want); free(nq); }
    vtx_api_stream_io_borrow_buffer_t b = vtx_api_stream_io_borrow_buffer(r.val.ok);
    uint64_t size = vtx_api_stream_io_method_buffer_size(b);
    plugin_list_u8_t data;
    vtx_api_stream_io_method_buffer_read(b, 0, (uint64_t)want, &data);
    vtx_api_stream_io_result_own_buffer_string_free(&r); /* drops the buffer */
    char *text = malloc(32 + 2 * data.len);
    size_t n = head_text(text, size, data.ptr, data.len);
    text_response(ret, 200, span(text, n));
    free(text);
    plugin_list_u8_free(&data);
    return;
  }
  case R_DEBUG: {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) abort();
    fprintf(stderr, "[notes plugin] debug request (monotonic clock %s)\n", ts.tv_sec >= 0 ? "ok" : "odd");
    text_response(ret, 200, span_z("ok"));
    return;
  }
  case R_NONE:
    break;
  }
}

void exports_plugin_handle(plugin_http_request_t *req, plugin_http_response_t *ret) {
  do_handle(span(req->method.ptr, req->method.len), span(req->path.ptr, req->path.len),
            span(req->query.ptr, req->query.len), ret);
}

static void strings(plugin_list_string_t *ret, const char *const *items, size_t n) {
  ret->len = n;
  ret->ptr = cabi_realloc(NULL, 0, PLUGIN_ALIGNOF(plugin_string_t), n * sizeof(plugin_string_t));
  for (size_t i = 0; i < n; i++) plugin_string_dup(&ret->ptr[i], items[i]);
}
void exports_plugin_get_migrations(plugin_list_string_t *ret) { strings(ret, plugin_migrations, PLUGIN_N_MIGRATIONS); }
void exports_plugin_get_resources(plugin_list_string_t *ret) { strings(ret, plugin_resources, PLUGIN_N_RESOURCES); }
void exports_plugin_get_manifest(plugin_manifest_t *ret) {
  plugin_string_dup(&ret->id, PLUGIN_ID);
  plugin_string_dup(&ret->name, PLUGIN_NAME);
  plugin_string_dup(&ret->version, PLUGIN_VERSION);
  plugin_string_dup(&ret->description, PLUGIN_DESCRIPTION);
  plugin_string_dup(&ret->entrypoint, PLUGIN_ENTRYPOINT);
}

void exports_plugin_authenticate(plugin_list_tuple2_string_string_t *headers, plugin_result_user_context_u16_t *ret) {
  bool have = false;
  span_t value = {"", 0}, user, token;
  size_t ngroups = 0;
  for (size_t i = 0; i < headers->len; i++) {
    span_t name = span(headers->ptr[i].f0.ptr, headers->ptr[i].f0.len);
    if (!have && span_ieq(name, "authorization")) { have = true; value = span(headers->ptr[i].f1.ptr, headers->ptr[i].f1.len); }
    if (span_ieq(name, "x-group")) ngroups++;
  }
  int status = check_auth(have, value, &user, &token);
  if (status) {
    ret->is_err = true;
    ret->val.err = (uint16_t)status;
    return;
  }
  plugin_user_context_t *u = &ret->val.ok;
  bool root = span_eq(user, "root");
  plugin_string_dup_n(&u->username, user.p, user.n);
  char *id = malloc(user.n + 2);
  memcpy(id, "u-", 2);
  memcpy(id + 2, user.p, user.n);
  plugin_string_dup_n(&u->user_id, id, user.n + 2);
  free(id);
  u->groups.len = 1 + (root ? 1 : 0) + ngroups;
  u->groups.ptr = cabi_realloc(NULL, 0, PLUGIN_ALIGNOF(plugin_string_t), u->groups.len * sizeof(plugin_string_t));
  size_t g = 0;
  plugin_string_dup(&u->groups.ptr[g++], "users");
  if (root) plugin_string_dup(&u->groups.ptr[g++], "admins");
  for (size_t i = 0; i < headers->len; i++)
    if (span_ieq(span(headers->ptr[i].f0.ptr, headers->ptr[i].f0.len), "x-group"))
      plugin_string_dup_n(&u->groups.ptr[g++], (const char *)headers->ptr[i].f1.ptr, headers->ptr[i].f1.len);
  char meta[48];
  int k = sprintf(meta, "{\"token_length\":%zu}", token.n);
  plugin_string_dup_n(&u->metadata, meta, (size_t)k);
}

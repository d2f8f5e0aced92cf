/* guest.c: "relay", a VTX plugin for the bundled vtx:api 5.0.0 `vtx-plugin` world, on the bindings
 * `witc gen c --protocol 5.0.0` writes (vtx_plugin.h, vtx_plugin.c). There is no raw-ABI twin:
 * host.mjs states every expected value itself.
 *
 * handle(req):
 *   GET  /meta?uri=U               vtx-vfs.head(U) -> 200 + buffer("uri=<uri> size=<size>
 *                                  modified=<s64|none> etag=<etag|none>"); error -> 404 + buffer(<error>)
 *   GET  /list?prefix=P            list-objects(P) -> 200 + buffer("<n>;<uri>:<size>;..."); error -> 500 + buffer
 *   GET  /range?uri=U&offset=O&len=L  read-range -> 200 + buffer(<bytes>); error -> 416, no body
 *   POST /buf?text=T               b = create-memory-buffer(T); n = b.write(" more"); s = b.size();
 *                                  r = b.read(0, 100); drop b -> 201 + buffer("wrote=<n> size=<s> read=<r>")
 *   POST /fetch?url=U[&body=B]     http-client.request({POST if B else GET, U, [(accept, any media type),
 *                                  (x-plugin, relay)], some(buffer(B)) or none}) -> the response's
 *                                  status and body (moved); error -> 502 + buffer(<error>)
 *   POST /transcode?input=ID       vtx-ffmpeg.execute({h264-720p, ID, [crf=23, an, preset=fast]})
 *                                  -> 202 + that buffer; error -> 500 + buffer(<error>)
 *   POST /publish?topic=T&payload=P  publish-event(T, P) -> 204; error -> 500 + buffer(<error>)
 *   GET  /whoami                   get-current-user() -> 200 + buffer("user=<id>:<name> groups=<a,b>"); none -> 401
 *   GET  /debug                    200 + buffer("ok heap=<bytes on the guest's malloc heap>")
 *   else                           404, no body
 * handle-event(e): topic "video.*" -> publish-event("relay." + topic, payload + "|" + (username or
 *   "anon") + "|" + occurred-at + "|" + (request-id or "-")) and its answer; else
 *   err("ignored: <topic> from <source>").
 * authenticate(headers): "authorization: Bearer secret-<user>" -> ok({u-<user>, <user>, [users],
 *   {"source":"token"}}); no authorization -> the context's current user as ok({id, name, groups,
 *   {"source":"context"}}), or err(401) when there is none; another value -> err(403). */
#include "vtx_plugin.h"
#include "heap.h"
#include "req.h"

typedef vtx_plugin_string_t str_t;

static span_t sv(const str_t *s) { return span(s->ptr, s->len); }
static str_t view(span_t s) { str_t r = { (uint8_t *)s.p, s.n }; return r; }

/* a growable text */
typedef struct { char *p; size_t n, cap; } text_t;
static void put(text_t *t, const void *s, size_t n) {
  if (t->n + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    while (cap < t->n + n + 1) cap *= 2;
    t->p = realloc(t->p, cap);
    if (!t->p) abort();
    t->cap = cap;
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
}
static void puts_(text_t *t, const char *s) { put(t, s, strlen(s)); }
static void putu(text_t *t, uint64_t v) { char b[24]; put(t, b, (size_t)sprintf(b, "%llu", (unsigned long long)v)); }
static void puti(text_t *t, int64_t v) { char b[24]; put(t, b, (size_t)sprintf(b, "%lld", (long long)v)); }

static vtx_api_vtx_vfs_own_buffer_t new_buffer(const void *p, size_t n) {
  vtx_plugin_list_u8_t data = { (uint8_t *)p, n };
  return vtx_api_vtx_vfs_create_memory_buffer(&data);
}
static void body_text(vtx_plugin_http_response_t *ret, uint16_t status, const void *p, size_t n) {
  ret->status = status;
  ret->body.is_some = true;
  ret->body.val = new_buffer(p, n);
}
static void body_done(vtx_plugin_http_response_t *ret, uint16_t status, text_t *t) {
  body_text(ret, status, t->p, t->n);
  free(t->p);
}
/* the value of a query parameter as a malloc'ed string (free it), or NULL */
static char *param(span_t q, const char *key, size_t *n) {
  char *v = NULL;
  return query_get(q, key, &v, n) ? v : NULL;
}

void exports_vtx_plugin_handle(vtx_plugin_http_request_t *req, vtx_plugin_http_response_t *ret) {
  span_t m = sv(&req->method), path = sv(&req->path), q = sv(&req->query);
  text_t t = { NULL, 0, 0 };
  size_t n1 = 0, n2 = 0, n3 = 0;
  ret->status = 404;
  if (span_eq(m, "GET") && span_eq(path, "/meta")) {
    char *uri = param(q, "uri", &n1);
    str_t u = view(span(uri ? uri : "", n1));
    vtx_api_vtx_vfs_result_vtx_object_meta_string_t r;
    vtx_api_vtx_vfs_head(&u, &r);
    free(uri);
    if (r.is_err) {
      body_text(ret, 404, r.val.err.ptr, r.val.err.len);
    } else {
      vtx_api_vtx_vfs_vtx_object_meta_t *x = &r.val.ok;
      puts_(&t, "uri="); put(&t, x->uri.ptr, x->uri.len);
      puts_(&t, " size="); putu(&t, x->size);
      puts_(&t, " modified=");
      if (x->last_modified.is_some) puti(&t, x->last_modified.val); else puts_(&t, "none");
      puts_(&t, " etag=");
      if (x->etag.is_some) put(&t, x->etag.val.ptr, x->etag.val.len); else puts_(&t, "none");
      body_done(ret, 200, &t);
    }
    vtx_api_vtx_vfs_result_vtx_object_meta_string_free(&r);
  } else if (span_eq(m, "GET") && span_eq(path, "/list")) {
    char *prefix = param(q, "prefix", &n1);
    str_t p = view(span(prefix ? prefix : "", n1));
    vtx_api_vtx_vfs_result_list_vtx_object_meta_string_t r;
    vtx_api_vtx_vfs_list_objects(&p, &r);
    free(prefix);
    if (r.is_err) {
      body_text(ret, 500, r.val.err.ptr, r.val.err.len);
    } else {
      putu(&t, r.val.ok.len);
      for (size_t i = 0; i < r.val.ok.len; i++) {
        puts_(&t, ";");
        put(&t, r.val.ok.ptr[i].uri.ptr, r.val.ok.ptr[i].uri.len);
        puts_(&t, ":");
        putu(&t, r.val.ok.ptr[i].size);
      }
      body_done(ret, 200, &t);
    }
    vtx_api_vtx_vfs_result_list_vtx_object_meta_string_free(&r);
  } else if (span_eq(m, "GET") && span_eq(path, "/range")) {
    char *uri = param(q, "uri", &n1), *off = param(q, "offset", &n2), *len = param(q, "len", &n3);
    int64_t o = 0, l = 0;
    if (off) parse_s64(span(off, n2), &o);
    if (len) parse_s64(span(len, n3), &l);
    str_t u = view(span(uri ? uri : "", n1));
    vtx_plugin_result_list_u8_string_t r;
    vtx_api_vtx_vfs_read_range(&u, (uint64_t)o, (uint64_t)l, &r);
    free(uri); free(off); free(len);
    if (r.is_err) ret->status = 416;
    else body_text(ret, 200, r.val.ok.ptr, r.val.ok.len);
    vtx_plugin_result_list_u8_string_free(&r);
  } else if (span_eq(m, "POST") && span_eq(path, "/buf")) {
    char *text = param(q, "text", &n1);
    vtx_api_vtx_vfs_own_buffer_t b = new_buffer(text ? text : "", n1);
    free(text);
    vtx_api_vtx_vfs_borrow_buffer_t bb = vtx_api_vtx_vfs_borrow_buffer(b);
    vtx_plugin_list_u8_t more = { (uint8_t *)" more", 5 };
    uint64_t wrote = vtx_api_vtx_vfs_method_buffer_write(bb, &more);
    uint64_t size = vtx_api_vtx_vfs_method_buffer_size(bb);
    vtx_plugin_list_u8_t data;
    vtx_api_vtx_vfs_method_buffer_read(bb, 0, 100, &data);
    vtx_api_vtx_vfs_buffer_drop_own(b);
    puts_(&t, "wrote="); putu(&t, wrote);
    puts_(&t, " size="); putu(&t, size);
    puts_(&t, " read="); put(&t, data.ptr, data.len);
    vtx_plugin_list_u8_free(&data);
    body_done(ret, 201, &t);
  } else if (span_eq(m, "POST") && span_eq(path, "/fetch")) {
    char *url = param(q, "url", &n1), *body = param(q, "body", &n2);
    vtx_api_vtx_http_client_http_client_request_t hr;
    memset(&hr, 0, sizeof hr);
    vtx_plugin_string_set(&hr.method, body ? "POST" : "GET");
    hr.url = view(span(url ? url : "", n1));
    vtx_plugin_tuple2_string_string_t headers[2];
    vtx_plugin_string_set(&headers[0].f0, "accept");
    vtx_plugin_string_set(&headers[0].f1, "*/*");
    vtx_plugin_string_set(&headers[1].f0, "x-plugin");
    vtx_plugin_string_set(&headers[1].f1, "relay");
    hr.headers.ptr = headers;
    hr.headers.len = 2;
    if (body) { hr.body.is_some = true; hr.body.val = new_buffer(body, n2); }
    vtx_api_vtx_http_client_result_http_client_response_string_t r;
    vtx_api_vtx_http_client_request(&hr, &r);          /* the body buffer moves to the host */
    if (hr.body.is_some && hr.body.val.__handle != 0) abort();   /* ... and was zeroed here */
    free(url); free(body);
    if (r.is_err) {
      body_text(ret, 502, r.val.err.ptr, r.val.err.len);
    } else {
      ret->status = r.val.ok.status;
      ret->body = r.val.ok.body;                       /* move the host's buffer into the response */
      r.val.ok.body.is_some = false;
      r.val.ok.body.val.__handle = 0;
    }
    vtx_api_vtx_http_client_result_http_client_response_string_free(&r);
  } else if (span_eq(m, "POST") && span_eq(path, "/transcode")) {
    char *input = param(q, "input", &n1);
    vtx_api_vtx_ffmpeg_ffmpeg_option_t opts[3];
    memset(opts, 0, sizeof opts);
    vtx_plugin_string_set(&opts[0].key, "crf");
    opts[0].value.is_some = true;
    vtx_plugin_string_set(&opts[0].value.val, "23");
    vtx_plugin_string_set(&opts[1].key, "an");
    vtx_plugin_string_set(&opts[2].key, "preset");
    opts[2].value.is_some = true;
    vtx_plugin_string_set(&opts[2].value.val, "fast");
    vtx_api_vtx_ffmpeg_transcode_profile_t prof;
    vtx_plugin_string_set(&prof.profile, "h264-720p");
    prof.input_id = view(span(input ? input : "", n1));
    prof.options.ptr = opts;
    prof.options.len = 3;
    vtx_api_vtx_vfs_result_own_buffer_string_t r;
    vtx_api_vtx_ffmpeg_execute(&prof, &r);
    free(input);
    if (r.is_err) {
      body_text(ret, 500, r.val.err.ptr, r.val.err.len);
    } else {
      ret->status = 202;
      ret->body.is_some = true;
      ret->body.val = r.val.ok;
      r.val.ok.__handle = 0;
    }
    vtx_api_vtx_vfs_result_own_buffer_string_free(&r);
  } else if (span_eq(m, "POST") && span_eq(path, "/publish")) {
    char *topic = param(q, "topic", &n1), *payload = param(q, "payload", &n2);
    str_t tp = view(span(topic ? topic : "", n1)), pl = view(span(payload ? payload : "", n2));
    vtx_plugin_result_void_string_t r;
    vtx_api_vtx_event_bus_publish_event(&tp, &pl, &r);
    free(topic); free(payload);
    if (r.is_err) body_text(ret, 500, r.val.err.ptr, r.val.err.len);
    else ret->status = 204;
    vtx_plugin_result_void_string_free(&r);
  } else if (span_eq(m, "GET") && span_eq(path, "/whoami")) {
    vtx_api_vtx_context_option_current_user_t u;
    vtx_api_vtx_context_get_current_user(&u);
    if (!u.is_some) {
      ret->status = 401;
    } else {
      puts_(&t, "user="); put(&t, u.val.user_id.ptr, u.val.user_id.len);
      puts_(&t, ":"); put(&t, u.val.username.ptr, u.val.username.len);
      puts_(&t, " groups=");
      for (size_t i = 0; i < u.val.groups.len; i++) {
        if (i) puts_(&t, ",");
        put(&t, u.val.groups.ptr[i].ptr, u.val.groups.ptr[i].len);
      }
      body_done(ret, 200, &t);
    }
    vtx_api_vtx_context_option_current_user_free(&u);
  } else if (span_eq(m, "GET") && span_eq(path, "/debug")) {
    puts_(&t, "ok heap=");
    puti(&t, e2e_heap_bytes());
    body_done(ret, 200, &t);
  }
}

static void dup_span(str_t *ret, span_t s) { vtx_plugin_string_dup_n(ret, s.p, s.n); }
static span_t opt_or(const vtx_plugin_option_string_t *o, const char *dflt) { return o->is_some ? sv(&o->val) : span_z(dflt); }

void exports_vtx_plugin_handle_event(vtx_plugin_vtx_event_t *e, vtx_plugin_result_void_string_t *ret) {
  text_t t = { NULL, 0, 0 };
  span_t topic = sv(&e->topic);
  if (!span_prefix(topic, "video.", NULL)) {
    puts_(&t, "ignored: "); put(&t, topic.p, topic.n);
    puts_(&t, " from "); put(&t, e->source.ptr, e->source.len);
    ret->is_err = true;
    dup_span(&ret->val.err, span(t.p, t.n));
    free(t.p);
    return;
  }
  text_t nt = { NULL, 0, 0 };
  puts_(&nt, "relay."); put(&nt, topic.p, topic.n);
  span_t user = opt_or(&e->context.username, "anon"), rid = opt_or(&e->context.request_id, "-");
  put(&t, e->payload.ptr, e->payload.len);
  puts_(&t, "|"); put(&t, user.p, user.n);
  puts_(&t, "|"); putu(&t, e->occurred_at);
  puts_(&t, "|"); put(&t, rid.p, rid.n);
  str_t tp = view(span(nt.p, nt.n)), pl = view(span(t.p, t.n));
  vtx_api_vtx_event_bus_publish_event(&tp, &pl, ret);   /* the host's answer becomes ours */
  free(nt.p);
  free(t.p);
}

static void strings(vtx_plugin_list_string_t *ret, const char *const *items, size_t n) {
  ret->len = n;
  ret->ptr = cabi_realloc(NULL, 0, _Alignof(str_t), n * sizeof(str_t));
  for (size_t i = 0; i < n; i++) vtx_plugin_string_dup(&ret->ptr[i], items[i]);
}
void exports_vtx_plugin_get_migrations(vtx_plugin_list_string_t *ret) {
  static const char *const m[] = { "CREATE TABLE relayed (id TEXT PRIMARY KEY, topic TEXT)" };
  strings(ret, m, 1);
}
void exports_vtx_plugin_get_resources(vtx_plugin_list_string_t *ret) {
  static const char *const r[] = { "relayed" };
  strings(ret, r, 1);
}
void exports_vtx_plugin_get_manifest(vtx_plugin_manifest_t *ret) {
  vtx_plugin_string_dup(&ret->id, "relay");
  vtx_plugin_string_dup(&ret->name, "Relay");
  vtx_plugin_string_dup(&ret->version, "5.0.0-test");
  vtx_plugin_string_dup(&ret->description, "Forwards events and fetches.");
  vtx_plugin_string_dup(&ret->entrypoint, "/relay");
}

static void some_str(vtx_plugin_option_string_t *o, const char *s) { o->is_some = true; vtx_plugin_string_dup(&o->val, s); }
void exports_vtx_plugin_get_capabilities(vtx_plugin_capabilities_t *ret) {
  static const char *const subs[] = { "video.*", "user.login" }, *const perms[] = { "sql:write", "vfs:read" };
  static const char *const methods[] = { "GET", "POST" }, *const hdrs[] = { "x-trace" };
  strings(&ret->subscriptions, subs, 2);
  strings(&ret->permissions, perms, 2);
  ret->http.is_some = true;
  ret->http.val.len = 2;
  ret->http.val.ptr = cabi_realloc(NULL, 0, _Alignof(vtx_api_vtx_types_http_allow_rule_t), 2 * sizeof(vtx_api_vtx_types_http_allow_rule_t));
  memset(ret->http.val.ptr, 0, 2 * sizeof(vtx_api_vtx_types_http_allow_rule_t));
  vtx_api_vtx_types_http_allow_rule_t *a = &ret->http.val.ptr[0], *b = &ret->http.val.ptr[1];
  vtx_plugin_string_dup(&a->scheme, "https");
  vtx_plugin_string_dup(&a->host, "api.example.com");
  a->port.is_some = true; a->port.val = 443;
  some_str(&a->path, "/v1/");
  a->methods.is_some = true; strings(&a->methods.val, methods, 2);
  a->max_request_bytes.is_some = true; a->max_request_bytes.val = 65536;
  a->follow_redirects.is_some = true; a->follow_redirects.val = false;
  vtx_plugin_string_dup(&b->scheme, "http");
  vtx_plugin_string_dup(&b->host, "localhost");
  b->allow_headers.is_some = true; strings(&b->allow_headers.val, hdrs, 1);
  b->max_response_bytes.is_some = true; b->max_response_bytes.val = (uint64_t)1 << 40;
  b->follow_redirects.is_some = true; b->follow_redirects.val = true;
  some_str(&b->redirect_policy, "same-host");
}

void exports_vtx_plugin_authenticate(vtx_plugin_list_tuple2_string_string_t *headers, vtx_plugin_result_user_context_u16_t *ret) {
  bool have = false;
  span_t value = { "", 0 }, user, token;
  for (size_t i = 0; i < headers->len; i++)
    if (!have && span_ieq(sv(&headers->ptr[i].f0), "authorization")) { have = true; value = sv(&headers->ptr[i].f1); }
  if (!have) {
    vtx_api_vtx_context_option_current_user_t u;
    vtx_api_vtx_context_get_current_user(&u);
    if (!u.is_some) { ret->is_err = true; ret->val.err = 401; return; }
    /* move the whole current user into the result: its buffers came from cabi_realloc */
    ret->val.ok.user_id = u.val.user_id;
    ret->val.ok.username = u.val.username;
    ret->val.ok.groups = u.val.groups;
    memset(&u, 0, sizeof u);
    vtx_plugin_string_dup(&ret->val.ok.metadata, "{\"source\":\"context\"}");
    return;
  }
  if (!span_prefix(value, "Bearer ", &token) || !span_prefix(token, "secret-", &user) || user.n == 0) {
    ret->is_err = true;
    ret->val.err = 403;
    return;
  }
  text_t id = { NULL, 0, 0 };
  puts_(&id, "u-"); put(&id, user.p, user.n);
  dup_span(&ret->val.ok.user_id, span(id.p, id.n));
  free(id.p);
  dup_span(&ret->val.ok.username, user);
  static const char *const g[] = { "users" };
  strings(&ret->val.ok.groups, g, 1);
  vtx_plugin_string_dup(&ret->val.ok.metadata, "{\"source\":\"token\"}");
}

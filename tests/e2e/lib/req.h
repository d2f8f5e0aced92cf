/* req.h: plain-C request parsing for the VTX plugins (vtx/, vtx5/): byte views, query strings
 * with percent-decoding, decimal integers. No WIT types here. */
#ifndef E2E_REQ_H
#define E2E_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The value of KEY in query string q read as a decimal number (strtod on its first 63
 * bytes) into *out. False, *out untouched, when KEY is absent. */
static inline bool query_get_f64(span_t q, const char *key, double *out) {
  char *v = NULL;
  size_t n = 0;
  if (!query_get(q, key, &v, &n)) return false;
  char tmp[64];
  size_t k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
  memcpy(tmp, v, k);
  tmp[k] = 0;
  *out = strtod(tmp, NULL);
  free(v);
  return true;
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

#endif

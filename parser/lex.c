/* lex.c: the WIT tokenizer (wit-parser's ast/lex.rs behaviour, wit-language.md §1-§2).
 *
 * Lua-style: one switch on a byte-class table, an ASCII fast path everywhere, and UTF-8
 * decoding only for bytes >= 0x80. Messages are the reference's texts, including Rust's
 * `{:?}` rendering of characters. The Unicode tables it consults are unicode.c's. */
#include "lex.h"

#include <stdio.h>
#include <string.h>

#include "unicode.h"

/* ---- UTF-8 ------------------------------------------------------------------------- */

/* Decodes one character of text already known to be valid UTF-8; returns its length. */
static uint32_t utf8_decode(const uint8_t *s, uint32_t *cp) {
  uint8_t c = s[0];
  if (c < 0x80) { *cp = c; return 1; }
  if (c < 0xE0) { *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F); return 2; }
  if (c < 0xF0) {
    *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    return 3;
  }
  *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
        ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
  return 4;
}

/* Sequence length announced by a lead byte, 0 for bytes that cannot start one. */
static uint32_t utf8_lead_len(uint8_t c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

/* Whether byte `b` may follow lead byte `lead` at position `idx` (1..3) of a sequence:
 * the second byte has lead-specific bounds (no overlongs, surrogates or > U+10FFFF). */
static bool utf8_cont_ok(uint8_t lead, uint32_t idx, uint8_t b) {
  if (idx == 1) {
    switch (lead) {
    case 0xE0: return b >= 0xA0 && b <= 0xBF;
    case 0xED: return b >= 0x80 && b <= 0x9F;
    case 0xF0: return b >= 0x90 && b <= 0xBF;
    case 0xF4: return b >= 0x80 && b <= 0x8F;
    default: break;
    }
  }
  return (b & 0xC0) == 0x80;
}

/* Validates one character at s[0..n): returns its length, or 0 when invalid. */
static uint32_t utf8_check(const uint8_t *s, uint32_t n) {
  uint32_t l = utf8_lead_len(s[0]);
  if (l == 0 || l > n) return 0;
  for (uint32_t k = 1; k < l; k++)
    if (!utf8_cont_ok(s[0], k, s[k])) return 0;
  return l;
}

static uint32_t utf8_encode(uint32_t cp, uint8_t *out) {
  if (cp < 0x80) { out[0] = (uint8_t)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | (cp >> 6));
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (cp >> 12));
    out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (cp >> 18));
  out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}

/* Rust's `{:?}` of a char: quoted, with the escapes of char::escape_debug. */
static void fmt_char(char *out, size_t size, uint32_t cp) {
  const char *esc = NULL;
  switch (cp) {
  case 0: esc = "'\\0'"; break;
  case '\t': esc = "'\\t'"; break;
  case '\r': esc = "'\\r'"; break;
  case '\n': esc = "'\\n'"; break;
  case '\'': esc = "'\\''"; break;
  case '\\': esc = "'\\\\'"; break;
  default: break;
  }
  if (esc) {
    snprintf(out, size, "%s", esc);
  } else if ((cp >= 0x20 && cp < 0x7F) ||
             (cp >= 0x80 && !unicode_debug_escapes(cp))) {
    uint8_t b[5] = {0};
    b[utf8_encode(cp, b)] = 0;
    snprintf(out, size, "'%s'", (const char *)b);
  } else {
    snprintf(out, size, "'\\u{%x}'", (unsigned)cp);
  }
}

/* ---- pre-scan (detect_invalid_input) ------------------------------------------------- */

static void set_err_cp(lex_error *err, uint32_t pos, const char *fmt, uint32_t cp) {
  err->pos = pos;
  snprintf(err->msg, sizeof err->msg, fmt, (unsigned)cp);
}

/* True for any byte that needs a closer look: controls, DEL and non-ASCII. */
static inline bool word_is_plain(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  uint64_t lt20 = (w - ones * 0x20) & ~w;     /* high bit set where byte < 0x20 */
  uint64_t x7f = w ^ (ones * 0x7F);
  uint64_t eq7f = (x7f - ones) & ~x7f;        /* high bit set where byte == 0x7F */
  return ((w | lt20 | eq7f) & highs) == 0;
}

bool lex_check_input(const uint8_t *t, uint32_t n, lex_error *err, bool *bad_utf8) {
  bool found = false; /* first forbidden code point seen; keep validating UTF-8 after it,
                         because reading the file as UTF-8 fails before any scan */
  uint32_t i = 0;
  *bad_utf8 = false;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, t + i, 8);
      if (word_is_plain(w)) { i += 8; continue; }
    }
    uint8_t c = t[i];
    if (c < 0x80) {
      if (!found && ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F)) {
        set_err_cp(err, i, "Control code '\\u{%x}'", c);
        found = true;
      }
      i++;
      continue;
    }
    uint32_t l = utf8_check(t + i, n - i), cp;
    if (l == 0) {
      err->pos = i;
      snprintf(err->msg, sizeof err->msg, "invalid UTF-8");
      *bad_utf8 = true;
      return false;
    }
    utf8_decode(t + i, &cp);
    if (!found) {
      if (cp >= 0x80 && cp <= 0x9F) {
        set_err_cp(err, i, "Control code '\\u{%x}'", cp);
        found = true;
      } else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
        set_err_cp(err, i,
                   "Input contains bidirectional override codepoint "
                   "EscapeUnicode(EscapeIterInner('\\u{%x}'))",
                   cp);
        found = true;
      } else if (cp == 0x149 || cp == 0x673 || cp == 0xF77 || cp == 0xF79 || cp == 0x17A3 ||
                 cp == 0x17A4 || cp == 0x17B4 || cp == 0x17B5) {
        set_err_cp(err, i,
                   "Codepoint EscapeUnicode(EscapeIterInner('\\u{%x}')) is discouraged by "
                   "Unicode",
                   cp);
        found = true;
      }
    }
    i += l;
  }
  return !found;
}

/* ---- byte classes ------------------------------------------------------------------ */

enum {
  C_BAD = 0, /* unexpected character */
  C_WS,      /* ' ' '\t' '\n' */
  C_CR,      /* '\r': whitespace only as part of "\r\n" */
  C_PUNCT,   /* single-byte token, kind in punct_kind[] */
  C_SLASH,
  C_MINUS,
  C_PERCENT,
  C_QUOTE,
  C_WORD,    /* ASCII letter or '_' */
  C_DIGIT,
  C_HIGH,    /* >= 0x80 */
};

static const uint8_t byte_class[256] = {
  [' '] = C_WS, ['\t'] = C_WS, ['\n'] = C_WS, ['\r'] = C_CR,
  ['='] = C_PUNCT, [','] = C_PUNCT, [':'] = C_PUNCT, ['.'] = C_PUNCT, [';'] = C_PUNCT,
  ['('] = C_PUNCT, [')'] = C_PUNCT, ['{'] = C_PUNCT, ['}'] = C_PUNCT, ['<'] = C_PUNCT,
  ['>'] = C_PUNCT, ['*'] = C_PUNCT, ['@'] = C_PUNCT, ['+'] = C_PUNCT,
  ['/'] = C_SLASH, ['-'] = C_MINUS, ['%'] = C_PERCENT, ['"'] = C_QUOTE,
  ['_'] = C_WORD,
  ['a'] = C_WORD, ['b'] = C_WORD, ['c'] = C_WORD, ['d'] = C_WORD, ['e'] = C_WORD,
  ['f'] = C_WORD, ['g'] = C_WORD, ['h'] = C_WORD, ['i'] = C_WORD, ['j'] = C_WORD,
  ['k'] = C_WORD, ['l'] = C_WORD, ['m'] = C_WORD, ['n'] = C_WORD, ['o'] = C_WORD,
  ['p'] = C_WORD, ['q'] = C_WORD, ['r'] = C_WORD, ['s'] = C_WORD, ['t'] = C_WORD,
  ['u'] = C_WORD, ['v'] = C_WORD, ['w'] = C_WORD, ['x'] = C_WORD, ['y'] = C_WORD,
  ['z'] = C_WORD,
  ['A'] = C_WORD, ['B'] = C_WORD, ['C'] = C_WORD, ['D'] = C_WORD, ['E'] = C_WORD,
  ['F'] = C_WORD, ['G'] = C_WORD, ['H'] = C_WORD, ['I'] = C_WORD, ['J'] = C_WORD,
  ['K'] = C_WORD, ['L'] = C_WORD, ['M'] = C_WORD, ['N'] = C_WORD, ['O'] = C_WORD,
  ['P'] = C_WORD, ['Q'] = C_WORD, ['R'] = C_WORD, ['S'] = C_WORD, ['T'] = C_WORD,
  ['U'] = C_WORD, ['V'] = C_WORD, ['W'] = C_WORD, ['X'] = C_WORD, ['Y'] = C_WORD,
  ['Z'] = C_WORD,
  ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
  ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
#define H16(x) [x] = C_HIGH, [x + 1] = C_HIGH, [x + 2] = C_HIGH, [x + 3] = C_HIGH, \
  [x + 4] = C_HIGH, [x + 5] = C_HIGH, [x + 6] = C_HIGH, [x + 7] = C_HIGH,         \
  [x + 8] = C_HIGH, [x + 9] = C_HIGH, [x + 10] = C_HIGH, [x + 11] = C_HIGH,        \
  [x + 12] = C_HIGH, [x + 13] = C_HIGH, [x + 14] = C_HIGH, [x + 15] = C_HIGH
  H16(0x80), H16(0x90), H16(0xA0), H16(0xB0), H16(0xC0), H16(0xD0), H16(0xE0), H16(0xF0),
#undef H16
};

static const uint8_t punct_kind[128] = {
  ['='] = LEX_EQUALS, [','] = LEX_COMMA, [':'] = LEX_COLON, ['.'] = LEX_PERIOD,
  [';'] = LEX_SEMICOLON, ['('] = LEX_LPAREN, [')'] = LEX_RPAREN, ['{'] = LEX_LBRACE,
  ['}'] = LEX_RBRACE, ['<'] = LEX_LT, ['>'] = LEX_GT, ['*'] = LEX_STAR, ['@'] = LEX_AT,
  ['+'] = LEX_PLUS,
};

/* ASCII bytes that continue a keylike word: XID_Continue plus '-'. */
static const uint8_t word_continue[128] = {
  ['_'] = 1, ['-'] = 1,
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
};

/* ---- keywords ---------------------------------------------------------------------- */

static const struct keyword {
  const char *text;
  uint8_t len, kind;
} keywords[] = {
  {"as", 2, LEX_KW_AS}, {"async", 5, LEX_KW_ASYNC}, {"bool", 4, LEX_KW_BOOL},
  {"borrow", 6, LEX_KW_BORROW}, {"char", 4, LEX_KW_CHAR},
  {"constructor", 11, LEX_KW_CONSTRUCTOR}, {"enum", 4, LEX_KW_ENUM},
  {"error-context", 13, LEX_KW_ERROR_CONTEXT}, {"export", 6, LEX_KW_EXPORT},
  {"f32", 3, LEX_KW_F32}, {"f64", 3, LEX_KW_F64}, {"flags", 5, LEX_KW_FLAGS},
  {"from", 4, LEX_KW_FROM}, {"func", 4, LEX_KW_FUNC}, {"future", 6, LEX_KW_FUTURE},
  {"import", 6, LEX_KW_IMPORT}, {"include", 7, LEX_KW_INCLUDE},
  {"interface", 9, LEX_KW_INTERFACE}, {"list", 4, LEX_KW_LIST}, {"map", 3, LEX_KW_MAP},
  {"option", 6, LEX_KW_OPTION}, {"own", 3, LEX_KW_OWN}, {"package", 7, LEX_KW_PACKAGE},
  {"record", 6, LEX_KW_RECORD}, {"resource", 8, LEX_KW_RESOURCE},
  {"result", 6, LEX_KW_RESULT}, {"s8", 2, LEX_KW_S8}, {"s16", 3, LEX_KW_S16},
  {"s32", 3, LEX_KW_S32}, {"s64", 3, LEX_KW_S64}, {"static", 6, LEX_KW_STATIC},
  {"stream", 6, LEX_KW_STREAM}, {"string", 6, LEX_KW_STRING}, {"tuple", 5, LEX_KW_TUPLE},
  {"type", 4, LEX_KW_TYPE}, {"u8", 2, LEX_KW_U8}, {"u16", 3, LEX_KW_U16},
  {"u32", 3, LEX_KW_U32}, {"u64", 3, LEX_KW_U64}, {"use", 3, LEX_KW_USE},
  {"variant", 7, LEX_KW_VARIANT}, {"with", 4, LEX_KW_WITH}, {"world", 5, LEX_KW_WORLD},
  {"_", 1, LEX_KW_UNDERSCORE},
};

/* Perfect hash over (first byte, last byte, length), found by a small search: every
 * keyword lands in its own slot of a 128-entry table. */
static inline unsigned kw_hash(const uint8_t *s, uint32_t len) {
  return ((unsigned)s[0] * 7u + (unsigned)s[len - 1] * 61u + len * 10u) & 127u;
}

/* Slot -> keyword index + 1 (generated from the hash above). */
static const uint8_t kw_table[128] = {
  [7] = 5, [9] = 14, [17] = 27, [18] = 3, [23] = 15, [31] = 36, [33] = 28, [34] = 1,
  [35] = 9, [36] = 41, [39] = 30, [45] = 29, [46] = 24, [47] = 37, [49] = 42, [53] = 39,
  [54] = 17, [59] = 38, [63] = 16, [64] = 19, [69] = 4, [70] = 44, [71] = 43, [73] = 20,
  [74] = 18, [76] = 11, [77] = 6, [82] = 10, [90] = 32, [93] = 22, [98] = 40, [99] = 12,
  [100] = 7, [101] = 35, [103] = 23, [105] = 8, [107] = 13, [108] = 33, [111] = 34,
  [112] = 2, [120] = 31, [123] = 21, [126] = 26, [127] = 25,
};

static lex_kind keyword_kind(const uint8_t *s, uint32_t len) {
  if (len > 13) return LEX_ID;
  unsigned slot = kw_table[kw_hash(s, len)];
  if (slot) {
    const struct keyword *kw = &keywords[slot - 1];
    if (kw->len == len && memcmp(kw->text, s, len) == 0) return (lex_kind)kw->kind;
  }
  return LEX_ID;
}

/* ---- tokens ------------------------------------------------------------------------ */

void lex_init(lex_state *self, const uint8_t *text, uint32_t len) {
  memset(self, 0, sizeof *self);
  self->text = text;
  self->len = len;
  if (len >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) self->pos = 3;
}

/* End of a keylike word whose first character ended at `i`; clears *ascii when the word
 * has non-ASCII characters (it can then not be a keyword). */
static uint32_t scan_word(const uint8_t *t, uint32_t i, uint32_t n, bool *ascii) {
  while (i < n) {
    uint8_t c = t[i];
    if (c < 0x80) {
      if (!word_continue[c]) break;
      i++;
    } else {
      uint32_t cp, l = utf8_decode(t + i, &cp);
      if (!unicode_is_xid_continue(cp)) break;
      *ascii = false;
      i += l;
    }
  }
  return i;
}

static bool is_keylike_start(uint32_t cp) {
  if (cp < 0x80) return cp == '_' || cp == '-' || (cp | 0x20) - 'a' < 26u;
  return unicode_is_xid_start(cp);
}

/* Streaming check of the bytes a string literal decodes to (Rust's String::from_utf8):
 * remembers the first error as (valid_up_to, error_len), error_len 0 = incomplete. */
typedef struct utf8_stream {
  uint32_t count;      /* bytes fed so far */
  uint32_t seq_start;  /* index of the lead byte of the open sequence */
  uint8_t lead, have, need;
  bool bad;
  uint32_t bad_at, bad_len;
} utf8_stream;

static void utf8_feed(utf8_stream *u, uint8_t b) {
  uint32_t at = u->count++;
  if (u->bad) return;
  if (u->need) {
    if (utf8_cont_ok(u->lead, u->have, b)) {
      u->have++;
      u->need--;
      return;
    }
    u->bad = true;
    u->bad_at = u->seq_start;
    u->bad_len = u->have;
    return;
  }
  uint32_t l = utf8_lead_len(b);
  if (l == 0) {
    u->bad = true;
    u->bad_at = at;
    u->bad_len = 1;
  } else if (l > 1) {
    u->seq_start = at;
    u->lead = b;
    u->have = 1;
    u->need = (uint8_t)(l - 1);
  }
}

static int hex_val(uint32_t c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (int)((c | 0x20) - 'a' + 10);
  return -1;
}

/* Cursor over string literal characters with "\r\n" folded to '\n' (CrlfFold). */
typedef struct str_cursor {
  const uint8_t *t;
  uint32_t i, n;
} str_cursor;

/* Next character and its position; false at the end of the input. */
static bool str_char(str_cursor *c, uint32_t *pos, uint32_t *cp) {
  if (c->i >= c->n) return false;
  *pos = c->i;
  if (c->t[c->i] == '\r' && c->i + 1 < c->n && c->t[c->i + 1] == '\n') {
    *cp = '\n';
    c->i += 2;
    return true;
  }
  c->i += utf8_decode(c->t + c->i, cp);
  return true;
}

static bool str_fail_char(lex_error *err, uint32_t pos, const char *what, uint32_t cp) {
  char q[24];
  fmt_char(q, sizeof q, cp);
  err->pos = pos;
  snprintf(err->msg, sizeof err->msg, "%s %s", what, q);
  return false;
}

static bool str_eof(lex_error *err, uint32_t n) {
  err->pos = n;
  snprintf(err->msg, sizeof err->msg, "unexpected end of file");
  return false;
}

/* A hex digit, or the error "invalid hex digit 'x'" / "unexpected end of file". */
static bool str_hexdigit(str_cursor *c, lex_error *err, uint32_t *pos, int *val) {
  uint32_t cp;
  if (!str_char(c, pos, &cp)) return str_eof(err, c->n);
  *val = hex_val(cp);
  if (*val < 0) return str_fail_char(err, *pos, "invalid hex digit", cp);
  return true;
}

/* Scans the literal whose '"' is at `start` (lex.rs expect_string_literal). Writes the
 * decoded bytes to `out` when non-NULL. Returns false with *err set on an error; *end is
 * the offset after the closing quote. */
static bool scan_string(const uint8_t *t, uint32_t n, uint32_t start, uint8_t *out,
                        uint32_t *outlen, uint32_t *end, lex_error *err) {
  str_cursor c = {t, start + 1, n};
  utf8_stream u = {0};
  uint32_t olen = 0, pos, cp;
  uint8_t buf[4];
#define EMIT(b)                         \
  do {                                  \
    uint8_t b_ = (uint8_t)(b);          \
    utf8_feed(&u, b_);                  \
    if (out) out[olen] = b_;            \
    olen++;                             \
  } while (0)
  for (;;) {
    if (!str_char(&c, &pos, &cp)) return str_eof(err, n);
    if (cp == '"') break;
    if (cp == '\\') {
      uint32_t epos;
      if (!str_char(&c, &epos, &cp)) return str_eof(err, n);
      switch (cp) {
      case '"': EMIT('"'); continue;
      case '\'': EMIT('\''); continue;
      case 't': EMIT('\t'); continue;
      case 'n': EMIT('\n'); continue;
      case 'r': EMIT('\r'); continue;
      case '\\': EMIT('\\'); continue;
      case 'u': {
        uint32_t p2, c2;
        if (!str_char(&c, &p2, &c2)) return str_eof(err, n);
        if (c2 != '{') return str_fail_char(err, p2, "expected character", '{');
        /* eat_hexnum: digits with '_' separators, no trailing '_'. */
        uint32_t first_pos, value;
        int v;
        if (!str_hexdigit(&c, err, &first_pos, &v)) return false;
        value = (uint32_t)v;
        bool last_underscore = false;
        for (;;) {
          if (c.i < n && t[c.i] == '_') {
            c.i++;
            last_underscore = true;
            continue;
          }
          str_cursor peek = c;
          uint32_t p3, c3;
          if (!str_char(&peek, &p3, &c3)) return str_eof(err, n);
          int h = hex_val(c3);
          if (h < 0) break;
          last_underscore = false;
          c = peek;
          if (value > (UINT32_MAX - (uint32_t)h) / 16) {
            err->pos = p3;
            snprintf(err->msg, sizeof err->msg, "number is too big to fit in a u32");
            return false;
          }
          value = value * 16 + (uint32_t)h;
        }
        if (last_underscore) {
          err->pos = first_pos;
          snprintf(err->msg, sizeof err->msg, "trailing underscore in number");
          return false;
        }
        if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
          err->pos = epos;
          snprintf(err->msg, sizeof err->msg, "invalid unicode value %#x", (unsigned)value);
          return false;
        }
        uint32_t l = utf8_encode(value, buf);
        for (uint32_t k = 0; k < l; k++) EMIT(buf[k]);
        if (!str_char(&c, &p2, &c2)) return str_eof(err, n);
        if (c2 != '}') return str_fail_char(err, p2, "expected character", '}');
        continue;
      }
      default: {
        int hi = hex_val(cp), lo;
        uint32_t p2;
        if (hi < 0) return str_fail_char(err, epos, "invalid string escape", cp);
        if (!str_hexdigit(&c, err, &p2, &lo)) return false;
        EMIT(hi * 16 + lo); /* a raw byte: the result is checked as UTF-8 below */
        continue;
      }
      }
    }
    if (cp < 0x20 || cp == 0x7F) return str_fail_char(err, pos, "invalid string character", cp);
    uint32_t l = utf8_encode(cp, buf);
    for (uint32_t k = 0; k < l; k++) EMIT(buf[k]);
  }
#undef EMIT
  if (!u.bad && u.need) {
    u.bad = true;
    u.bad_at = u.seq_start;
    u.bad_len = 0;
  }
  if (u.bad) {
    err->pos = start;
    if (u.bad_len)
      snprintf(err->msg, sizeof err->msg,
               "invalid UTF-8: invalid utf-8 sequence of %u bytes from index %u",
               (unsigned)u.bad_len, (unsigned)u.bad_at);
    else
      snprintf(err->msg, sizeof err->msg,
               "invalid UTF-8: incomplete utf-8 byte sequence from index %u",
               (unsigned)u.bad_at);
    return false;
  }
  *end = c.i;
  if (outlen) *outlen = olen;
  return true;
}

uint32_t lex_string_decode(const uint8_t *text, uint32_t start, uint32_t end, char *out) {
  lex_error err;
  uint32_t olen = 0, e;
  if (!scan_string(text, end, start, (uint8_t *)out, &olen, &e, &err)) return 0;
  return olen;
}

static lex_kind lex_fail_char(lex_state *self, uint32_t pos, uint32_t cp) {
  str_fail_char(&self->err, pos, "unexpected character", cp);
  return LEX_ERROR;
}

lex_kind lex_next(lex_state *self, lex_token *tok) {
  const uint8_t *t = self->text;
  uint32_t n = self->len, i = self->pos;
  tok->trivia = i;
  for (;;) {
    if (i >= n) {
      self->pos = n;
      tok->kind = LEX_EOF;
      tok->start = tok->end = n;
      return LEX_EOF;
    }
    uint32_t start = i;
    uint8_t c = t[i];
    lex_kind kind;
    switch (byte_class[c]) {
    case C_WS:
      i++;
      continue;
    case C_CR:
      if (i + 1 < n && t[i + 1] == '\n') {
        i += 2;
        continue;
      }
      self->pos = i;
      return lex_fail_char(self, i, '\r');
    case C_SLASH:
      if (i + 1 < n && t[i + 1] == '/') {
        const uint8_t *nl = memchr(t + i + 2, '\n', n - i - 2);
        i = nl ? (uint32_t)(nl - t) + 1 : n;
        continue;
      }
      if (i + 1 < n && t[i + 1] == '*') {
        uint32_t depth = 1;
        i += 2;
        while (depth > 0) {
          if (i >= n) {
            self->pos = start;
            self->err.pos = start;
            snprintf(self->err.msg, sizeof self->err.msg, "unterminated block comment");
            return LEX_ERROR;
          }
          if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
            depth++;
            i += 2;
          } else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') {
            depth--;
            i += 2;
          } else {
            i++;
          }
        }
        continue;
      }
      kind = LEX_SLASH;
      i++;
      break;
    case C_PUNCT:
      kind = (lex_kind)punct_kind[c];
      i++;
      break;
    case C_MINUS:
      if (i + 1 < n && t[i + 1] == '>') {
        kind = LEX_RARROW;
        i += 2;
      } else {
        kind = LEX_MINUS;
        i++;
      }
      break;
    case C_PERCENT: {
      bool ascii = true;
      i++;
      if (i < n) {
        uint32_t cp, l = utf8_decode(t + i, &cp);
        if (is_keylike_start(cp)) i = scan_word(t, i + l, n, &ascii);
      }
      kind = LEX_EXPLICIT_ID;
      break;
    }
    case C_QUOTE: {
      uint32_t end;
      if (!scan_string(t, n, i, NULL, NULL, &end, &self->err)) {
        self->pos = i;
        return LEX_ERROR;
      }
      i = end;
      kind = LEX_STRING;
      break;
    }
    case C_WORD: {
      bool ascii = true;
      i = scan_word(t, i + 1, n, &ascii);
      kind = ascii ? keyword_kind(t + start, i - start) : LEX_ID;
      break;
    }
    case C_DIGIT:
      i++;
      while (i < n && (uint8_t)(t[i] - '0') < 10) i++;
      kind = LEX_INTEGER;
      break;
    case C_HIGH: {
      uint32_t cp, l = utf8_decode(t + i, &cp);
      if (!unicode_is_xid_start(cp)) {
        self->pos = i;
        return lex_fail_char(self, i, cp);
      }
      bool ascii = false;
      i = scan_word(t, i + l, n, &ascii);
      kind = LEX_ID;
      break;
    }
    default:
      self->pos = i;
      return lex_fail_char(self, i, c);
    }
    self->pos = i;
    tok->kind = kind;
    tok->start = start;
    tok->end = i;
    return kind;
  }
}

void lex_skip_error(lex_state *self) {
  const uint8_t *t = self->text;
  uint32_t n = self->len, i = self->pos;
  if (i >= n) return;
  if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') {
    self->pos = n; /* an unterminated block comment runs to the end */
    return;
  }
  if (t[i] == '"') {
    /* a bad string literal: up to its closing quote, else to the end of its line */
    for (i++; i < n; i++) {
      if (t[i] == '\\' && i + 1 < n && t[i + 1] != '\n') i++;
      else if (t[i] == '"') {
        i++;
        break;
      } else if (t[i] == '\n') break;
    }
    self->pos = i;
    return;
  }
  uint32_t cp, l = t[i] < 0x80 ? 1 : utf8_decode(t + i, &cp);
  self->pos = i + l < n ? i + l : n;
}

static const char *const describe_text[LEX_KIND_COUNT] = {
  [LEX_EOF] = "eof", [LEX_ERROR] = "an invalid token",
  [LEX_EQUALS] = "'='", [LEX_COMMA] = "','", [LEX_COLON] = "':'", [LEX_PERIOD] = "'.'",
  [LEX_SEMICOLON] = "';'", [LEX_LPAREN] = "'('", [LEX_RPAREN] = "')'",
  [LEX_LBRACE] = "'{'", [LEX_RBRACE] = "'}'", [LEX_LT] = "'<'", [LEX_GT] = "'>'",
  [LEX_RARROW] = "`->`", [LEX_STAR] = "`*`", [LEX_AT] = "`@`", [LEX_SLASH] = "`/`",
  [LEX_PLUS] = "`+`", [LEX_MINUS] = "`-`",
  [LEX_STRING] = "a string literal", [LEX_ID] = "an identifier",
  [LEX_EXPLICIT_ID] = "an '%' identifier", [LEX_INTEGER] = "an integer",
  [LEX_KW_AS] = "keyword `as`", [LEX_KW_ASYNC] = "keyword `async`",
  [LEX_KW_BOOL] = "keyword `bool`", [LEX_KW_BORROW] = "keyword `borrow`",
  [LEX_KW_CHAR] = "keyword `char`", [LEX_KW_CONSTRUCTOR] = "keyword `constructor`",
  [LEX_KW_ENUM] = "keyword `enum`", [LEX_KW_ERROR_CONTEXT] = "keyword `error-context`",
  [LEX_KW_EXPORT] = "keyword `export`", [LEX_KW_F32] = "keyword `f32`",
  [LEX_KW_F64] = "keyword `f64`", [LEX_KW_FLAGS] = "keyword `flags`",
  [LEX_KW_FROM] = "keyword `from`", [LEX_KW_FUNC] = "keyword `func`",
  [LEX_KW_FUTURE] = "keyword `future`", [LEX_KW_IMPORT] = "keyword `import`",
  [LEX_KW_INCLUDE] = "keyword `include`", [LEX_KW_INTERFACE] = "keyword `interface`",
  [LEX_KW_LIST] = "keyword `list`", [LEX_KW_MAP] = "keyword `map`",
  [LEX_KW_OPTION] = "keyword `option`", [LEX_KW_OWN] = "keyword `own`",
  [LEX_KW_PACKAGE] = "keyword `package`", [LEX_KW_RECORD] = "keyword `record`",
  [LEX_KW_RESOURCE] = "keyword `resource`", [LEX_KW_RESULT] = "keyword `result`",
  [LEX_KW_S8] = "keyword `s8`", [LEX_KW_S16] = "keyword `s16`",
  [LEX_KW_S32] = "keyword `s32`", [LEX_KW_S64] = "keyword `s64`",
  [LEX_KW_STATIC] = "keyword `static`", [LEX_KW_STREAM] = "keyword `stream`",
  [LEX_KW_STRING] = "keyword `string`", [LEX_KW_TUPLE] = "keyword `tuple`",
  [LEX_KW_TYPE] = "keyword `type`", [LEX_KW_U8] = "keyword `u8`",
  [LEX_KW_U16] = "keyword `u16`", [LEX_KW_U32] = "keyword `u32`",
  [LEX_KW_U64] = "keyword `u64`", [LEX_KW_USE] = "keyword `use`",
  [LEX_KW_VARIANT] = "keyword `variant`", [LEX_KW_WITH] = "keyword `with`",
  [LEX_KW_WORLD] = "keyword `world`", [LEX_KW_UNDERSCORE] = "keyword `_`",
};

const char *lex_describe(lex_kind kind) {
  return (unsigned)kind < LEX_KIND_COUNT ? describe_text[kind] : "?";
}

/* ---- identifiers (validate_id) ------------------------------------------------------ */

static bool id_fail_char(lex_error *err, uint32_t pos, const uint8_t *s) {
  uint32_t cp;
  utf8_decode(s, &cp);
  return str_fail_char(err, pos, "invalid character in identifier", cp);
}

bool lex_validate_id(const uint8_t *id, uint32_t len, uint32_t pos, lex_error *err) {
  uint32_t i = 0;
  bool first_part = true;
  for (;;) {
    /* One '-'-separated part: non-empty, all-lowercase or all-uppercase ASCII letters and
     * digits; the first part starts with a letter. */
    if (i >= len || id[i] == '-') {
      err->pos = pos;
      snprintf(err->msg, sizeof err->msg, "identifiers must have characters between '-'s");
      return false;
    }
    uint8_t c = id[i];
    if (first_part && !((unsigned)(c | 0x20) - 'a' < 26u)) return id_fail_char(err, pos, id + i);
    int upper = -1; /* unknown until the first letter */
    while (i < len && id[i] != '-') {
      c = id[i];
      if (c >= '0' && c <= '9') {
        /* digits go with either case */
      } else if (c >= 'A' && c <= 'Z') {
        if (upper == 0) return id_fail_char(err, pos, id + i);
        upper = 1;
      } else if (c >= 'a' && c <= 'z') {
        if (upper == 1) return id_fail_char(err, pos, id + i);
        upper = 0;
      } else {
        return id_fail_char(err, pos, id + i);
      }
      i++;
    }
    if (i >= len) return true;
    i++; /* the '-' */
    first_part = false;
  }
}

/* ---- docs (wit-language.md §6) ------------------------------------------------------- */

/* Next comment in t[*i, to): sets [*cs, *ce) and returns true, or false when only
 * whitespace is left. The region was lexed already, so comments are complete. */
static bool next_comment(const uint8_t *t, uint32_t *i, uint32_t to, uint32_t *cs,
                         uint32_t *ce) {
  uint32_t k = *i;
  while (k < to && t[k] != '/') k++;
  if (k >= to) return false;
  *cs = k;
  if (k + 1 < to && t[k + 1] == '/') {
    while (k < to && t[k] != '\n') k++;
    if (k < to) k++;
  } else {
    uint32_t depth = 1;
    k += 2;
    while (depth > 0 && k < to) {
      if (t[k] == '/' && k + 1 < to && t[k + 1] == '*') {
        depth++;
        k += 2;
      } else if (t[k] == '*' && k + 1 < to && t[k + 1] == '/') {
        depth--;
        k += 2;
      } else {
        k++;
      }
    }
  }
  *ce = k;
  *i = k;
  return true;
}

/* Unicode White_Space ending at t[e - 1] (Rust's trim_end): its byte length, or 0. */
static uint32_t trailing_space(const uint8_t *t, uint32_t s, uint32_t e) {
  uint8_t c = t[e - 1];
  if (c < 0x80) return (c == ' ' || (c >= '\t' && c <= '\r')) ? 1 : 0;
  uint32_t k = e - 1;
  while (k > s && (t[k] & 0xC0) == 0x80) k--;
  uint32_t cp;
  utf8_decode(t + k, &cp);
  bool ws = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
            cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
  return ws ? e - k : 0;
}

/* The text of one comment after removing its markers and trailing whitespace. */
static void comment_body(const uint8_t *t, uint32_t cs, uint32_t ce, uint32_t *bs,
                         uint32_t *be) {
  uint32_t s = cs, e = ce;
  if (ce - cs >= 3 && t[cs + 1] == '*' && t[cs + 2] == '*') {
    s = cs + 3;
    e = ce - cs >= 5 ? ce - 2 : s; /* the 4-byte empty doc block: empty, not a panic */
  } else {
    while (s < e && t[s] == '/') s++;
  }
  while (e > s) {
    uint32_t w = trailing_space(t, s, e);
    if (!w) break;
    e -= w;
  }
  *bs = s;
  *be = e;
}

witc_str lex_docs(witc_arena *arena, const uint8_t *t, uint32_t from, uint32_t to) {
  uint32_t i = from, cs, ce, bs, be, total = 0, ncomments = 0;
  uint32_t min_ws = UINT32_MAX;
  if (!memchr(t + from, '/', to - from)) return WITC_STR_NONE;
  while (next_comment(t, &i, to, &cs, &ce)) {
    comment_body(t, cs, ce, &bs, &be);
    ncomments++;
    total += be - bs + 1;
    if (be > bs) {
      uint32_t ws = 0;
      while (bs + ws < be && (t[bs + ws] == ' ' || t[bs + ws] == '\t' || t[bs + ws] == '\n' ||
                              t[bs + ws] == '\f' || t[bs + ws] == '\r'))
        ws++;
      if (ws < min_ws) min_ws = ws;
    }
  }
  if (ncomments == 0) return WITC_STR_NONE;
  if (min_ws == UINT32_MAX) min_ws = 0;
  char *out = witc_arena_alloc(arena, total + 1);
  if (!out) return WITC_STR_NONE;
  uint32_t len = 0;
  i = from;
  while (next_comment(t, &i, to, &cs, &ce)) {
    comment_body(t, cs, ce, &bs, &be);
    uint32_t k = 0;
    while (k < min_ws && bs + k < be && t[bs + k] == ' ') k++;
    if (k == min_ws) bs += min_ws;
    if (bs == be) { /* an empty comment is one empty line */
      out[len++] = '\n';
      continue;
    }
    /* Rust's lines(): split on '\n', dropping a '\r' right before it. */
    for (uint32_t p = bs; p < be; p++) {
      if (t[p] == '\r' && p + 1 < be && t[p + 1] == '\n') continue;
      out[len++] = (char)t[p];
    }
    out[len++] = '\n';
  }
  while (len > 0 && out[len - 1] == '\n') len--;
  out[len] = 0;
  return (witc_str){out, len};
}

/* ---- SemVer (the semver crate's Version::from_str) ---------------------------------- */

enum { SV_MAJOR, SV_MINOR, SV_PATCH, SV_PRE, SV_BUILD };
static const char *const sv_pos_name[] = {"major version number", "minor version number",
                                          "patch version number", "pre-release identifier",
                                          "build metadata"};

static bool sv_char_err(const char *s, uint32_t i, const char *fmt, int pos, char *msg,
                        size_t msgsz) {
  uint32_t cp;
  char q[24];
  utf8_decode((const uint8_t *)s + i, &cp);
  fmt_char(q, sizeof q, cp);
  snprintf(msg, msgsz, fmt, q, sv_pos_name[pos]);
  return false;
}

static bool sv_numeric(const char *s, uint32_t len, uint32_t *i, int pos, uint64_t *out,
                       char *msg, size_t msgsz) {
  uint32_t k = *i, digits = 0;
  uint64_t v = 0;
  while (k < len && s[k] >= '0' && s[k] <= '9') {
    if (v == 0 && digits > 0) {
      snprintf(msg, msgsz, "invalid leading zero in %s", sv_pos_name[pos]);
      return false;
    }
    uint64_t d = (uint64_t)(s[k] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      snprintf(msg, msgsz, "value of %s exceeds u64::MAX", sv_pos_name[pos]);
      return false;
    }
    v = v * 10 + d;
    k++;
    digits++;
  }
  if (digits == 0) {
    if (k < len) return sv_char_err(s, k, "unexpected character %s while parsing %s", pos, msg, msgsz);
    snprintf(msg, msgsz, "unexpected end of input while parsing %s", sv_pos_name[pos]);
    return false;
  }
  *out = v;
  *i = k;
  return true;
}

static bool sv_dot(const char *s, uint32_t len, uint32_t *i, int pos, char *msg, size_t msgsz) {
  if (*i < len && s[*i] == '.') {
    (*i)++;
    return true;
  }
  if (*i < len) return sv_char_err(s, *i, "unexpected character %s after %s", pos, msg, msgsz);
  snprintf(msg, msgsz, "unexpected end of input while parsing %s", sv_pos_name[pos]);
  return false;
}

/* Dot-separated identifier of [0-9A-Za-z-]; numeric pre-release parts have no leading 0. */
static bool sv_ident(const char *s, uint32_t len, uint32_t *i, int pos, char *msg,
                     size_t msgsz) {
  uint32_t base = *i, acc = 0, seg = 0;
  bool nondigit = false;
  for (;;) {
    uint32_t k = base + acc + seg;
    char c = k < len ? s[k] : 0;
    bool have = k < len;
    if (have && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) {
      seg++;
      nondigit = true;
    } else if (have && c >= '0' && c <= '9') {
      seg++;
    } else {
      bool dot = have && c == '.';
      if (seg == 0) {
        if (acc == 0 && !dot) return true; /* empty: the caller reports it */
        snprintf(msg, msgsz, "empty identifier segment in %s", sv_pos_name[pos]);
        return false;
      }
      if (pos == SV_PRE && seg > 1 && !nondigit && s[base + acc] == '0') {
        snprintf(msg, msgsz, "invalid leading zero in %s", sv_pos_name[pos]);
        return false;
      }
      acc += seg;
      if (dot) {
        acc++;
        seg = 0;
        nondigit = false;
      } else {
        *i = base + acc;
        return true;
      }
    }
  }
}

bool witc_semver_parse(const char *s, uint32_t len, uint64_t *major, uint64_t *minor,
                       uint64_t *patch, witc_str *pre, witc_str *build, char *msg,
                       size_t msgsz) {
  uint32_t i = 0;
  int pos = SV_MAJOR;
  *pre = *build = WITC_STR_NONE;
  if (len == 0) {
    snprintf(msg, msgsz, "empty string, expected a semver version");
    return false;
  }
  if (!sv_numeric(s, len, &i, SV_MAJOR, major, msg, msgsz)) return false;
  if (!sv_dot(s, len, &i, SV_MAJOR, msg, msgsz)) return false;
  if (!sv_numeric(s, len, &i, SV_MINOR, minor, msg, msgsz)) return false;
  if (!sv_dot(s, len, &i, SV_MINOR, msg, msgsz)) return false;
  pos = SV_PATCH;
  if (!sv_numeric(s, len, &i, SV_PATCH, patch, msg, msgsz)) return false;
  if (i == len) return true;
  if (s[i] == '-') {
    uint32_t b = ++i;
    pos = SV_PRE;
    if (!sv_ident(s, len, &i, SV_PRE, msg, msgsz)) return false;
    if (i == b) {
      snprintf(msg, msgsz, "empty identifier segment in %s", sv_pos_name[SV_PRE]);
      return false;
    }
    *pre = (witc_str){s + b, i - b};
  }
  if (i < len && s[i] == '+') {
    uint32_t b = ++i;
    pos = SV_BUILD;
    if (!sv_ident(s, len, &i, SV_BUILD, msg, msgsz)) return false;
    if (i == b) {
      snprintf(msg, msgsz, "empty identifier segment in %s", sv_pos_name[SV_BUILD]);
      return false;
    }
    *build = (witc_str){s + b, i - b};
  }
  if (i < len) return sv_char_err(s, i, "unexpected character %s after %s", pos, msg, msgsz);
  return true;
}

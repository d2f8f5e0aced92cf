/* test_lexer.c: the tokenizer (parser/lex.c) against wit-parser's lex.rs behaviour: token
 * kinds, keywords, comments, identifiers, strings, the input pre-scan, docs normalization
 * (wit-language.md §6) and SemVer parsing with the semver crate's messages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

static witc_arena arena;

static void setup(void) { witc_arena_init(&arena); }
static void teardown(void) { witc_arena_delete(&arena); }

TestSuite(lex, .init = setup, .fini = teardown);
TestSuite(lex_id, .init = setup, .fini = teardown);
TestSuite(lex_string, .init = setup, .fini = teardown);
TestSuite(lex_input, .init = setup, .fini = teardown);
TestSuite(lex_docs, .init = setup, .fini = teardown);
TestSuite(semver, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------------------ */

/* Tokenizes `src` into kinds[] (up to the end or an error); returns the count. On an
 * error the last kind is LEX_ERROR and *err is filled. */
static int tokens(const char *src, lex_kind *kinds, int max, lex_error *err) {
  lex_state ls;
  lex_init(&ls, (const uint8_t *)src, (uint32_t)strlen(src));
  int n = 0;
  while (n < max) {
    lex_token t;
    lex_kind k = lex_next(&ls, &t);
    if (k == LEX_EOF) break;
    kinds[n++] = k;
    if (k == LEX_ERROR) {
      if (err) *err = ls.err;
      break;
    }
  }
  return n;
}

/* The single token of `src`. */
static lex_kind one(const char *src) {
  lex_kind k[4];
  int n = tokens(src, k, 4, NULL);
  cr_assert_eq(n, 1, "%s: expected one token, got %d", src, n);
  return k[0];
}

/* The lexer error of `src` (asserts there is one). */
static lex_error lex_err(const char *src) {
  lex_kind k[64];
  lex_error err;
  memset(&err, 0, sizeof err);
  int n = tokens(src, k, 64, &err);
  cr_assert(n > 0 && k[n - 1] == LEX_ERROR, "%s: expected a lexer error", src);
  return err;
}

static bool valid_id(const char *s) {
  lex_error err;
  return lex_validate_id((const uint8_t *)s, (uint32_t)strlen(s), 0, &err);
}

static const char *id_error(const char *s) {
  static lex_error err;
  cr_assert_not(lex_validate_id((const uint8_t *)s, (uint32_t)strlen(s), 7, &err), "%s", s);
  cr_assert_eq(err.pos, 7);
  return err.msg;
}

/* ---- tokens ------------------------------------------------------------------------- */

Test(lex, punctuation) {
  lex_kind k[32];
  int n = tokens("= , : . ; ( ) { } < > -> * @ / + -", k, 32, NULL);
  lex_kind want[] = {LEX_EQUALS, LEX_COMMA,  LEX_COLON,  LEX_PERIOD, LEX_SEMICOLON, LEX_LPAREN,
                     LEX_RPAREN, LEX_LBRACE, LEX_RBRACE, LEX_LT,     LEX_GT,        LEX_RARROW,
                     LEX_STAR,   LEX_AT,     LEX_SLASH,  LEX_PLUS,   LEX_MINUS};
  cr_assert_eq(n, (int)(sizeof want / sizeof want[0]));
  for (int i = 0; i < n; i++) cr_assert_eq(k[i], want[i], "token %d", i);
}

Test(lex, arrow_needs_adjacent_chars) {
  lex_kind k[4];
  cr_assert_eq(tokens("- >", k, 4, NULL), 2);
  cr_assert_eq(k[0], LEX_MINUS);
  cr_assert_eq(k[1], LEX_GT);
}

Test(lex, every_keyword) {
  static const struct {
    const char *text;
    lex_kind kind;
  } kw[] = {
    {"as", LEX_KW_AS}, {"async", LEX_KW_ASYNC}, {"bool", LEX_KW_BOOL},
    {"borrow", LEX_KW_BORROW}, {"char", LEX_KW_CHAR}, {"constructor", LEX_KW_CONSTRUCTOR},
    {"enum", LEX_KW_ENUM}, {"error-context", LEX_KW_ERROR_CONTEXT}, {"export", LEX_KW_EXPORT},
    {"f32", LEX_KW_F32}, {"f64", LEX_KW_F64}, {"flags", LEX_KW_FLAGS}, {"from", LEX_KW_FROM},
    {"func", LEX_KW_FUNC}, {"future", LEX_KW_FUTURE}, {"import", LEX_KW_IMPORT},
    {"include", LEX_KW_INCLUDE}, {"interface", LEX_KW_INTERFACE}, {"list", LEX_KW_LIST},
    {"map", LEX_KW_MAP}, {"option", LEX_KW_OPTION}, {"own", LEX_KW_OWN},
    {"package", LEX_KW_PACKAGE}, {"record", LEX_KW_RECORD}, {"resource", LEX_KW_RESOURCE},
    {"result", LEX_KW_RESULT}, {"s8", LEX_KW_S8}, {"s16", LEX_KW_S16}, {"s32", LEX_KW_S32},
    {"s64", LEX_KW_S64}, {"static", LEX_KW_STATIC}, {"stream", LEX_KW_STREAM},
    {"string", LEX_KW_STRING}, {"tuple", LEX_KW_TUPLE}, {"type", LEX_KW_TYPE},
    {"u8", LEX_KW_U8}, {"u16", LEX_KW_U16}, {"u32", LEX_KW_U32}, {"u64", LEX_KW_U64},
    {"use", LEX_KW_USE}, {"variant", LEX_KW_VARIANT}, {"with", LEX_KW_WITH},
    {"world", LEX_KW_WORLD}, {"_", LEX_KW_UNDERSCORE},
  };
  for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
    cr_assert_eq(one(kw[i].text), kw[i].kind, "%s", kw[i].text);
    char buf[64];
    snprintf(buf, sizeof buf, "keyword `%s`", kw[i].text);
    cr_assert_str_eq(lex_describe(kw[i].kind), buf);
  }
}

Test(lex, keyword_prefixes_are_identifiers) {
  const char *ids[] = {"types", "stream-io", "list-objects", "error-contexts", "u32-thing",
                       "float32", "float64", "asy", "a", "worlds", "_a", "__", "uses",
                       "handle", "union", "expected", "implements", "interfaces"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_assert_eq(one(ids[i]), LEX_ID, "%s", ids[i]);
}

Test(lex, identifiers_are_lexed_greedily) {
  /* The lexer takes any XID word (with '-'); validity is checked by the parser. */
  const char *ids[] = {"apple--pear", "apple-Pear", "_a_p_p_l_e_", "garçon", "hühnervögel",
                       "москва", "東京", "garçon-hühnervögel-москва-東京", "APPLE", "is-XML",
                       "a-"};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    cr_assert_eq(one(ids[i]), LEX_ID, "%s", ids[i]);
  lex_kind k[4];
  cr_assert_eq(tokens("apple pear", k, 4, NULL), 2);
  /* '-' continues a word, so "a->b" is "a-", '>', "b" as in the reference. */
  cr_assert_eq(tokens("a->b", k, 4, NULL), 3);
  cr_assert_eq(k[0], LEX_ID);
  cr_assert_eq(k[1], LEX_GT);
}

Test(lex, explicit_ids) {
  cr_assert_eq(one("%a"), LEX_EXPLICIT_ID);
  cr_assert_eq(one("%a-a"), LEX_EXPLICIT_ID);
  cr_assert_eq(one("%bool"), LEX_EXPLICIT_ID);
  cr_assert_eq(one("%"), LEX_EXPLICIT_ID);
  cr_assert_eq(one("%-a"), LEX_EXPLICIT_ID);
  lex_kind k[4];
  cr_assert_eq(tokens("%9", k, 4, NULL), 2); /* a digit does not start a word */
  cr_assert_eq(k[0], LEX_EXPLICIT_ID);
  cr_assert_eq(k[1], LEX_INTEGER);
  cr_assert_str_eq(lex_describe(LEX_EXPLICIT_ID), "an '%' identifier");
}

Test(lex, integers) {
  cr_assert_eq(one("0"), LEX_INTEGER);
  cr_assert_eq(one("0123456789"), LEX_INTEGER);
  lex_kind k[8];
  cr_assert_eq(tokens("1.0.0", k, 8, NULL), 5);
  cr_assert_eq(tokens("1a", k, 8, NULL), 2);
  cr_assert_eq(k[0], LEX_INTEGER);
  cr_assert_eq(k[1], LEX_ID);
  cr_assert_str_eq(lex_describe(LEX_INTEGER), "an integer");
}

Test(lex, describe_texts) {
  cr_assert_str_eq(lex_describe(LEX_EOF), "eof");
  cr_assert_str_eq(lex_describe(LEX_LPAREN), "'('");
  cr_assert_str_eq(lex_describe(LEX_SEMICOLON), "';'");
  cr_assert_str_eq(lex_describe(LEX_PERIOD), "'.'");
  cr_assert_str_eq(lex_describe(LEX_RARROW), "`->`");
  cr_assert_str_eq(lex_describe(LEX_SLASH), "`/`");
  cr_assert_str_eq(lex_describe(LEX_AT), "`@`");
  cr_assert_str_eq(lex_describe(LEX_PLUS), "`+`");
  cr_assert_str_eq(lex_describe(LEX_MINUS), "`-`");
  cr_assert_str_eq(lex_describe(LEX_STAR), "`*`");
  cr_assert_str_eq(lex_describe(LEX_ID), "an identifier");
  cr_assert_str_eq(lex_describe(LEX_STRING), "a string literal");
}

Test(lex, token_offsets_and_trivia) {
  const char *src = "  // c\n  foo /* x */ :";
  lex_state ls;
  lex_init(&ls, (const uint8_t *)src, (uint32_t)strlen(src));
  lex_token t;
  cr_assert_eq(lex_next(&ls, &t), LEX_ID);
  cr_assert_eq(t.trivia, 0);
  cr_assert_eq(t.start, 9);
  cr_assert_eq(t.end, 12);
  cr_assert_eq(lex_next(&ls, &t), LEX_COLON);
  cr_assert_eq(t.trivia, 12);
  cr_assert_eq(t.start, 21);
  cr_assert_eq(lex_next(&ls, &t), LEX_EOF);
  cr_assert_eq(t.start, (uint32_t)strlen(src));
}

Test(lex, comments_nest_and_are_skipped) {
  lex_kind k[4];
  cr_assert_eq(tokens("/* a /* b */ c */ x // y\n z", k, 4, NULL), 2);
  cr_assert_eq(tokens("/**/x", k, 4, NULL), 1);
  cr_assert_eq(tokens("//", k, 4, NULL), 0);
  cr_assert_eq(tokens("/*/ */x", k, 4, NULL), 1);
}

Test(lex, unterminated_block_comment) {
  lex_error e = lex_err("x /* a /* b */");
  cr_assert_str_eq(e.msg, "unterminated block comment");
  cr_assert_eq(e.pos, 2);
}

Test(lex, crlf_is_whitespace_but_lone_cr_is_not) {
  lex_kind k[4];
  cr_assert_eq(tokens("a\r\nb\r\n", k, 4, NULL), 2);
  lex_error e = lex_err("a \r b");
  cr_assert_str_eq(e.msg, "unexpected character '\\r'");
  cr_assert_eq(e.pos, 2);
}

Test(lex, bom_is_skipped_at_start_only) {
  cr_assert_eq(one("\xEF\xBB\xBFx"), LEX_ID);
  lex_error e = lex_err("x \xEF\xBB\xBF");
  cr_assert_str_eq(e.msg, "unexpected character '\\u{feff}'");
}

Test(lex, unexpected_characters) {
  cr_assert_str_eq(lex_err("$").msg, "unexpected character '$'");
  cr_assert_str_eq(lex_err("a #").msg, "unexpected character '#'");
  cr_assert_eq(lex_err("a #").pos, 2);
  cr_assert_str_eq(lex_err("'").msg, "unexpected character '\\''");
  cr_assert_str_eq(lex_err("\\").msg, "unexpected character '\\\\'");
  cr_assert_str_eq(lex_err("\xE2\x86\x92").msg, "unexpected character '→'");
  cr_assert_str_eq(lex_err("\xF0\x9F\x98\xBC").msg, "unexpected character '😼'");
  /* Rust's Debug escapes spaces and marks other than ' ' */
  cr_assert_str_eq(lex_err("\xC2\xA0").msg, "unexpected character '\\u{a0}'");
  cr_assert_str_eq(lex_err("\xCC\x81").msg, "unexpected character '\\u{301}'");
}

/* ---- identifiers ------------------------------------------------------------------- */

Test(lex_id, valid) {
  const char *ok[] = {"apple", "apple-pear", "apple-pear-grape", "a0", "a", "a-a", "bool",
                      "APPLE", "APPLE-PEAR", "APPLE-PEAR-GRAPE", "apple-PEAR-grape",
                      "APPLE-pear-GRAPE", "ENOENT", "is-XML", "apple-0", "a0-000-3d4a-54FF",
                      "R", "T", "a-1B"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) cr_assert(valid_id(ok[i]), "%s", ok[i]);
}

Test(lex_id, invalid) {
  const char *bad[] = {"", "0", "%", "$", "0a", ".", "·", "a a", "_", "-", "a-", "-a", "Apple",
                       "applE", "-apple-pear", "apple-pear-", "apple_pear", "apple.pear",
                       "apple pear", "apple/pear", "apple|pear", "apple-Pear", "()()", "*",
                       "apple\u05f3pear", "apple\u200cpear", "apple\u200dpear", "apple--pear",
                       "_apple", "apple_", "_Znwj", "__i386", "__i386__", "Москва",
                       "garçon-hühnervögel-Москва-東京", "a0-000-3d4A-54Ff", "😼", "\u212b",
                       "a-1Bc"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert_not(valid_id(bad[i]), "%s", bad[i]);
}

Test(lex_id, messages_name_the_first_offending_character) {
  cr_assert_str_eq(id_error("fooBar"), "invalid character in identifier 'B'");
  cr_assert_str_eq(id_error("apple_pear"), "invalid character in identifier '_'");
  cr_assert_str_eq(id_error("garçon"), "invalid character in identifier 'ç'");
  cr_assert_str_eq(id_error("0a"), "invalid character in identifier '0'");
  cr_assert_str_eq(id_error("applE"), "invalid character in identifier 'E'");
  cr_assert_str_eq(id_error("APPLe"), "invalid character in identifier 'e'");
  cr_assert_str_eq(id_error("a--b"), "identifiers must have characters between '-'s");
  cr_assert_str_eq(id_error("a-"), "identifiers must have characters between '-'s");
  cr_assert_str_eq(id_error("-a"), "identifiers must have characters between '-'s");
  cr_assert_str_eq(id_error(""), "identifiers must have characters between '-'s");
  /* parts are checked left to right */
  cr_assert_str_eq(id_error("aB--"), "invalid character in identifier 'B'");
  cr_assert_str_eq(id_error("a--B"), "identifiers must have characters between '-'s");
}

/* ---- string literals ----------------------------------------------------------------- */

static const char *str_error(const char *src, uint32_t *pos) {
  static lex_error e;
  e = lex_err(src);
  if (pos) *pos = e.pos;
  return e.msg;
}

/* Decoded value of the single string token of `src`. */
static const char *str_value(const char *src) {
  static char out[256];
  lex_state ls;
  lex_init(&ls, (const uint8_t *)src, (uint32_t)strlen(src));
  lex_token t;
  cr_assert_eq(lex_next(&ls, &t), LEX_STRING, "%s: %s", src, ls.err.msg);
  uint32_t n = lex_string_decode((const uint8_t *)src, t.start, t.end, out);
  out[n] = 0;
  return out;
}

Test(lex_string, escapes) {
  cr_assert_str_eq(str_value("\"abc\""), "abc");
  cr_assert_str_eq(str_value("\"a\\\"b\\'c\""), "a\"b'c");
  cr_assert_str_eq(str_value("\"\\t\\n\\r\\\\\""), "\t\n\r\\");
  cr_assert_str_eq(str_value("\"\\u{41}\\u{1F600}\""), "A\xF0\x9F\x98\x80");
  cr_assert_str_eq(str_value("\"\\u{1_F_6_0_0}\""), "\xF0\x9F\x98\x80");
  cr_assert_str_eq(str_value("\"\\41\\e2\\82\\ac\""), "A\xE2\x82\xAC");
  cr_assert_str_eq(str_value("\"é東\""), "é東");
  cr_assert_str_eq(str_value("\"\""), "");
}

Test(lex_string, errors) {
  uint32_t pos;
  cr_assert_str_eq(str_error("\"a\\q\"", &pos), "invalid string escape 'q'");
  cr_assert_eq(pos, 3);
  cr_assert_str_eq(str_error("\"\\x41\"", NULL), "invalid string escape 'x'");
  cr_assert_str_eq(str_error("\"a\tb\"", &pos), "invalid string character '\\t'");
  cr_assert_eq(pos, 2);
  cr_assert_str_eq(str_error("\"ab\n\"", NULL), "invalid string character '\\n'");
  cr_assert_str_eq(str_error("\"ab\r\n\"", NULL), "invalid string character '\\n'");
  cr_assert_str_eq(str_error("\"ab\rc\"", NULL), "invalid string character '\\r'");
  cr_assert_str_eq(str_error("\"abc", &pos), "unexpected end of file");
  cr_assert_eq(pos, 4);
  cr_assert_str_eq(str_error("\"a\\u41\"", NULL), "expected character '{'");
  cr_assert_str_eq(str_error("\"a\\u{41\"", NULL), "expected character '}'");
  cr_assert_str_eq(str_error("\"a\\u{41 }\"", NULL), "expected character '}'");
  cr_assert_str_eq(str_error("\"a\\u{}\"", NULL), "invalid hex digit '}'");
  cr_assert_str_eq(str_error("\"a\\u{_1}\"", NULL), "invalid hex digit '_'");
  cr_assert_str_eq(str_error("\"a\\u{4_1_}\"", &pos), "trailing underscore in number");
  cr_assert_eq(pos, 5);
  cr_assert_str_eq(str_error("\"a\\u{110000}\"", &pos), "invalid unicode value 0x110000");
  cr_assert_eq(pos, 3);
  cr_assert_str_eq(str_error("\"a\\u{d800}\"", NULL), "invalid unicode value 0xd800");
  cr_assert_str_eq(str_error("\"a\\u{FFFFFFFFF}\"", NULL), "number is too big to fit in a u32");
  cr_assert_str_eq(str_error("\"a\\4g\"", NULL), "invalid hex digit 'g'");
  cr_assert_str_eq(str_error("\"a\\u{4", NULL), "unexpected end of file");
}

Test(lex_string, decoded_bytes_must_be_utf8) {
  uint32_t pos;
  cr_assert_str_eq(str_error("x \"a\\ff\"", &pos),
                   "invalid UTF-8: invalid utf-8 sequence of 1 bytes from index 1");
  cr_assert_eq(pos, 2);
  cr_assert_str_eq(str_error("\"\\e2\\28\\a1\"", NULL),
                   "invalid UTF-8: invalid utf-8 sequence of 1 bytes from index 0");
  cr_assert_str_eq(str_error("\"\\e2\\82\\28\"", NULL),
                   "invalid UTF-8: invalid utf-8 sequence of 2 bytes from index 0");
  cr_assert_str_eq(str_error("\"ab\\e2\\82\"", NULL),
                   "invalid UTF-8: incomplete utf-8 byte sequence from index 2");
  cr_assert_str_eq(str_error("\"\\ed\\a0\\80\"", NULL),
                   "invalid UTF-8: invalid utf-8 sequence of 1 bytes from index 0");
  /* a later escape error wins over the UTF-8 check, which runs at the closing quote */
  cr_assert_str_eq(str_error("\"\\ff\\q\"", NULL), "invalid string escape 'q'");
}

/* ---- input pre-scan ---------------------------------------------------------------- */

static bool check(const char *text, lex_error *err, bool *bad_utf8) {
  return lex_check_input((const uint8_t *)text, (uint32_t)strlen(text), err, bad_utf8);
}

Test(lex_input, clean_text) {
  lex_error e;
  bool bad;
  cr_assert(check("package a:b;\r\n\tinterface i {} // é 東京 😼\n", &e, &bad));
  cr_assert(check("", &e, &bad));
}

Test(lex_input, control_codes) {
  lex_error e;
  bool bad;
  cr_assert_not(check("abcdefghij\x07", &e, &bad));
  cr_assert_not(bad);
  cr_assert_str_eq(e.msg, "Control code '\\u{7}'");
  cr_assert_eq(e.pos, 10);
  cr_assert_not(check("a\x7f", &e, &bad));
  cr_assert_str_eq(e.msg, "Control code '\\u{7f}'");
  cr_assert_not(check("a\xC2\x85", &e, &bad));
  cr_assert_str_eq(e.msg, "Control code '\\u{85}'");
  const char nul[] = {'a', 0, 'b'};
  cr_assert_not(lex_check_input((const uint8_t *)nul, 3, &e, &bad));
  cr_assert_str_eq(e.msg, "Control code '\\u{0}'");
  cr_assert_eq(e.pos, 1);
}

Test(lex_input, bidi_and_discouraged) {
  lex_error e;
  bool bad;
  cr_assert_not(check("x \xE2\x80\xAE y", &e, &bad));
  cr_assert_str_eq(e.msg, "Input contains bidirectional override codepoint "
                          "EscapeUnicode(EscapeIterInner('\\u{202e}'))");
  cr_assert_eq(e.pos, 2);
  cr_assert_not(check("\xE2\x81\xA6", &e, &bad));
  cr_assert_str_eq(e.msg, "Input contains bidirectional override codepoint "
                          "EscapeUnicode(EscapeIterInner('\\u{2066}'))");
  cr_assert_not(check("ab \xC5\x89", &e, &bad));
  cr_assert_str_eq(e.msg,
                   "Codepoint EscapeUnicode(EscapeIterInner('\\u{149}')) is discouraged by Unicode");
  cr_assert_eq(e.pos, 3);
  cr_assert_not(check("\xE1\x9E\xB5", &e, &bad));
  cr_assert_str_eq(e.msg,
                   "Codepoint EscapeUnicode(EscapeIterInner('\\u{17b5}')) is discouraged by Unicode");
}

Test(lex_input, first_forbidden_code_point_wins) {
  lex_error e;
  bool bad;
  cr_assert_not(check("\xE2\x80\xAE\x01", &e, &bad));
  cr_assert_eq(e.pos, 0);
  cr_assert_not(check("a\x01\xE2\x80\xAE", &e, &bad));
  cr_assert_str_eq(e.msg, "Control code '\\u{1}'");
}

Test(lex_input, invalid_utf8_wins_and_never_crashes) {
  lex_error e;
  bool bad;
  const char *bad_inputs[] = {"\xFF", "a\xC3", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                              "\xE2\x82", "\x80", "\xF0\x9F\x98"};
  for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
    cr_assert_not(check(bad_inputs[i], &e, &bad), "%zu", i);
    cr_assert(bad, "%zu", i);
  }
  /* even after a control character: the file is not read at all */
  cr_assert_not(check("\x01 \xFF", &e, &bad));
  cr_assert(bad);
  cr_assert_eq(e.pos, 2);
}

/* ---- docs ------------------------------------------------------------------------- */

static const char *docs(const char *region) {
  witc_str d = lex_docs(&arena, (const uint8_t *)region, 0, (uint32_t)strlen(region));
  return d.ptr;
}

Test(lex_docs, none_without_comments) {
  cr_assert_null(docs(""));
  cr_assert_null(docs("  \n\t "));
}

Test(lex_docs, markers_are_removed) {
  cr_assert_str_eq(docs("/// hello\n"), "hello");
  cr_assert_str_eq(docs("// hello\n"), "hello");
  cr_assert_str_eq(docs("/** hello */"), "hello");
  cr_assert_str_eq(docs("/* hello */"), "* hello */");
  cr_assert_str_eq(docs("//// four\n"), "four");
}

Test(lex_docs, corpus_comments_example) {
  cr_assert_str_eq(docs("// hello\n// world\n// why, yes\n// this is a comment\n"
                        "/* this too */ /* is a comment */\n"
                        "/* this /* is /* a */ nested */ comment */\n\n"),
                   " hello\n world\n why, yes\n this is a comment\n* this too */\n"
                   "* is a comment */\n* this /* is /* a */ nested */ comment */");
}

Test(lex_docs, block_keeps_continuation_indent) {
  cr_assert_str_eq(docs("/** other comment forms\n    multi-line block */"),
                   "other comment forms\n    multi-line block");
}

Test(lex_docs, common_indent_only_for_spaces) {
  cr_assert_str_eq(docs("//   a\n//     b\n/** c\n      d */\n"), "  a\n    b\nc\n      d");
  /* a tab counts towards the minimum but is never stripped */
  cr_assert_str_eq(docs("// x \xC2\xA0\n//\n// \ty\n"), "x\n\n\ty");
  cr_assert_str_eq(docs("//\ta\n//  b\n"), "\ta\n b");
}

Test(lex_docs, empty_comments_are_empty_lines) {
  cr_assert_str_eq(docs("///\n"), "");
  cr_assert_str_eq(docs("/// a\n///\n/// b\n"), "a\n\nb");
  cr_assert_str_eq(docs("///\n/// a\n"), "\na");
  cr_assert_str_eq(docs("/// a\n///\n///\n"), "a");
}

Test(lex_docs, empty_doc_blocks_do_not_panic) {
  cr_assert_str_eq(docs("/**/"), "");
  cr_assert_str_eq(docs("/***/"), "");
  cr_assert_str_eq(docs("/***/\n///   z\n"), "\nz");
}

Test(lex_docs, crlf_lines) {
  cr_assert_str_eq(docs("/// a\r\n/// b\r\n"), "a\nb");
  cr_assert_str_eq(docs("/** a\r\n b */"), "a\n b");
}

/* ---- SemVer ----------------------------------------------------------------------- */

static const char *semver_error(const char *v) {
  static char msg[160];
  uint64_t a, b, c;
  witc_str pre, build;
  cr_assert_not(witc_semver_parse(v, (uint32_t)strlen(v), &a, &b, &c, &pre, &build, msg,
                                  sizeof msg), "%s", v);
  return msg;
}

Test(semver, valid_versions) {
  const char *ok[] = {"1.0.0", "1.0.1--", "1.0.1-a+a", "1.0.1-1+1", "1.0.0-11-a", "1.0.0-a1.1-a",
                      "1.0.0-11ab", "0.0.0", "1.0.0-A.B", "1.0.0+01", "1.0.0-0",
                      "18446744073709551615.0.0"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    uint64_t a, b, c;
    witc_str pre, build;
    char msg[160];
    cr_assert(witc_semver_parse(ok[i], (uint32_t)strlen(ok[i]), &a, &b, &c, &pre, &build, msg,
                                sizeof msg), "%s: %s", ok[i], msg);
  }
}

Test(semver, parts) {
  uint64_t a, b, c;
  witc_str pre, build;
  char msg[160];
  const char *v = "12.3.45-rc.1+b.5";
  cr_assert(witc_semver_parse(v, (uint32_t)strlen(v), &a, &b, &c, &pre, &build, msg, sizeof msg));
  cr_assert_eq(a, 12);
  cr_assert_eq(b, 3);
  cr_assert_eq(c, 45);
  cr_assert(witc_str_eq_c(pre, "rc.1"));
  cr_assert(witc_str_eq_c(build, "b.5"));
  cr_assert(witc_semver_parse("1.2.3", 5, &a, &b, &c, &pre, &build, msg, sizeof msg));
  cr_assert_null(pre.ptr);
  cr_assert_null(build.ptr);
}

Test(semver, messages) {
  cr_assert_str_eq(semver_error(""), "empty string, expected a semver version");
  cr_assert_str_eq(semver_error("01.0.0"), "invalid leading zero in major version number");
  cr_assert_str_eq(semver_error("1.00.0"), "invalid leading zero in minor version number");
  cr_assert_str_eq(semver_error("1.0.0-01"), "invalid leading zero in pre-release identifier");
  cr_assert_str_eq(semver_error("1.0.0-a_b"), "unexpected character '_' after pre-release identifier");
  cr_assert_str_eq(semver_error("1.0.0 -a"), "unexpected character ' ' after patch version number");
  cr_assert_str_eq(semver_error("18446744073709551616.0.0"),
                   "value of major version number exceeds u64::MAX");
  cr_assert_str_eq(semver_error("1.2"), "unexpected end of input while parsing minor version number");
  cr_assert_str_eq(semver_error("1"), "unexpected end of input while parsing major version number");
  cr_assert_str_eq(semver_error("a.b.c"), "unexpected character 'a' while parsing major version number");
  cr_assert_str_eq(semver_error("1.2.3-"), "empty identifier segment in pre-release identifier");
  cr_assert_str_eq(semver_error("1.2.3++"), "empty identifier segment in build metadata");
  cr_assert_str_eq(semver_error("1.2.3-a..b"), "empty identifier segment in pre-release identifier");
  cr_assert_str_eq(semver_error("1.2.3+a+b"), "unexpected character '+' after build metadata");
  cr_assert_str_eq(semver_error("1.2.3-é"), "empty identifier segment in pre-release identifier");
  cr_assert_str_eq(semver_error("1.2.3é"), "unexpected character 'é' after patch version number");
}

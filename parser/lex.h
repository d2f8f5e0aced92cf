/* lex.h: the WIT tokenizer (wit-parser's ast/lex.rs; rules in docs wit-language.md §1-§2).
 *
 * The lexer pulls one token at a time from a byte buffer: no token array, no allocation.
 * Offsets in tokens and errors are local to the buffer; the parser adds the file's base.
 * Errors never print: they are returned in a lex_error (position + message text). */
#ifndef WITC_LEX_H
#define WITC_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* Token kinds (wit-parser's lex.rs Token). */
typedef enum lex_kind {
  LEX_EOF,
  LEX_ERROR, /* lexing failed: see lex_state.err */
  /* punctuation */
  LEX_EQUALS, LEX_COMMA, LEX_COLON, LEX_PERIOD, LEX_SEMICOLON, LEX_LPAREN, LEX_RPAREN,
  LEX_LBRACE, LEX_RBRACE, LEX_LT, LEX_GT, LEX_RARROW, LEX_STAR, LEX_AT, LEX_SLASH,
  LEX_PLUS, LEX_MINUS,
  /* values */
  LEX_STRING,      /* "..." (only validated here; lex_string_decode gives the value) */
  LEX_ID,          /* keylike word that is not a keyword (not yet kebab-validated) */
  LEX_EXPLICIT_ID, /* '%' + keylike word; the token includes the '%' */
  LEX_INTEGER,     /* [0-9]+ */
  /* keywords (wit-language.md §2.3) */
  LEX_KW_AS, LEX_KW_ASYNC, LEX_KW_BOOL, LEX_KW_BORROW, LEX_KW_CHAR, LEX_KW_CONSTRUCTOR,
  LEX_KW_ENUM, LEX_KW_ERROR_CONTEXT, LEX_KW_EXPORT, LEX_KW_F32, LEX_KW_F64, LEX_KW_FLAGS,
  LEX_KW_FROM, LEX_KW_FUNC, LEX_KW_FUTURE, LEX_KW_IMPORT, LEX_KW_INCLUDE, LEX_KW_INTERFACE,
  LEX_KW_LIST, LEX_KW_MAP, LEX_KW_OPTION, LEX_KW_OWN, LEX_KW_PACKAGE, LEX_KW_RECORD,
  LEX_KW_RESOURCE, LEX_KW_RESULT, LEX_KW_S8, LEX_KW_S16, LEX_KW_S32, LEX_KW_S64, LEX_KW_STATIC,
  LEX_KW_STREAM, LEX_KW_STRING, LEX_KW_TUPLE, LEX_KW_TYPE, LEX_KW_U8, LEX_KW_U16, LEX_KW_U32,
  LEX_KW_U64, LEX_KW_USE, LEX_KW_VARIANT, LEX_KW_WITH, LEX_KW_WORLD, LEX_KW_UNDERSCORE,
  LEX_KIND_COUNT
} lex_kind;

/* One token: [start, end) in the buffer. `trivia` is where the whitespace and comments
 * before it begin (the end of the previous token), so the parser can collect docs. */
typedef struct lex_token {
  lex_kind kind;
  uint32_t start, end;
  uint32_t trivia;
} lex_token;

/* A lexical error: the reference's message text and the byte it points at (local offset;
 * the reference's span is [pos, pos + 1)). */
typedef struct lex_error {
  uint32_t pos;
  char msg[160];
} lex_error;

/* Tokenizer state; copy the struct to save a position and backtrack. `len` excludes the
 * '\n' the source map appends (wit-parser tokenizes the text without it). */
typedef struct lex_state {
  const uint8_t *text;
  uint32_t len;
  uint32_t pos;
  lex_error err; /* filled when lex_next returns LEX_ERROR */
} lex_state;

/* Checks a whole file before tokenizing (wit-parser's detect_invalid_input): the text must
 * be UTF-8, and may not contain bidirectional overrides, the discouraged code points or
 * control characters other than \n \r \t. Returns true when clean; otherwise fills *err
 * with the reference's message and the offending byte. Invalid UTF-8 anywhere wins over a
 * forbidden code point (the reference rejects the file before scanning it): then
 * *bad_utf8 is set and err->pos is the first bad byte. */
bool lex_check_input(const uint8_t *text, uint32_t len, lex_error *err, bool *bad_utf8);

/* Starts tokenizing `text[0..len)` (already checked by lex_check_input); skips a UTF-8 BOM. */
void lex_init(lex_state *self, const uint8_t *text, uint32_t len);

/* Scans the next token after whitespace and comments into *tok and returns its kind:
 * LEX_EOF at the end (tok spans [len, len)), LEX_ERROR with self->err set on a lexical
 * error (unexpected character, unterminated block comment, bad string literal). */
lex_kind lex_next(lex_state *self, lex_token *tok);

/* Error recovery: after lex_next returned LEX_ERROR (self->pos is then where the bad
 * input starts), moves past it so tokenizing can resume: one character for an unexpected
 * character, the rest of the text for an unterminated block comment, a bad string literal
 * up to its closing quote (else to the end of its line). Always advances unless already
 * at the end. */
void lex_skip_error(lex_state *self);

/* The reference's Token::describe text used in "expected X, found Y": "'('", "`->`",
 * "keyword `list`", "an identifier", "an '%' identifier", "an integer", "a string
 * literal", "eof". Static string. */
const char *lex_describe(lex_kind kind);

/* Checks an identifier (without the '%') against the kebab-case rule (lex.rs validate_id).
 * On failure fills err->msg ("identifiers must have characters between '-'s" or "invalid
 * character in identifier 'B'") and sets err->pos = `pos`. */
bool lex_validate_id(const uint8_t *id, uint32_t len, uint32_t pos, lex_error *err);

/* Decodes the string literal token [start, end) of `text` (quotes included, already
 * validated by lex_next) into `out`, which needs end - start bytes; returns the length. */
uint32_t lex_string_decode(const uint8_t *text, uint32_t start, uint32_t end, char *out);

/* The docs text (wit-language.md §6) of the comments found in text[from, to), which holds
 * only whitespace and complete comments. Returns WITC_STR_NONE when there is no comment,
 * otherwise an arena copy (NUL-terminated). The 4-byte empty doc block (slash, two stars,
 * slash), on which the reference panics, counts as an empty comment. */
witc_str lex_docs(witc_arena *arena, const uint8_t *text, uint32_t from, uint32_t to);

/* SemVer 2.0 parse of `s[0..len)` exactly as the Rust semver crate's Version::from_str,
 * with its error texts ("invalid leading zero in minor version number", "unexpected
 * character ' ' after patch version number", ...). On success fills the numbers and the
 * pre-release/build slices of `s` (ptr NULL when absent) and returns true; otherwise
 * writes the message into msg (size msgsz) and returns false. */
bool witc_semver_parse(const char *s, uint32_t len, uint64_t *major, uint64_t *minor,
                       uint64_t *patch, witc_str *pre, witc_str *build, char *msg,
                       size_t msgsz);

#endif

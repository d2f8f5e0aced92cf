/* parse.c: recursive-descent parser for one WIT file (wit-parser's ast.rs).
 *
 * Functions are named after the grammar symbols of wit-language.md §3 and return false on
 * the first error (WITC_MUST_CHECK). The parser keeps one token of lookahead and lexes it
 * only when asked, so errors come out in the reference's order: an identifier is validated
 * before the token after it is looked at, a lexical error wins over the syntax error it
 * would cause. Lookahead of more than one token (the package header, world externs,
 * versions) saves and restores the lexer position, as the reference clones its tokenizer.
 *
 * Errors and recovery: fail_span() records an error and sets `failed`, which makes every
 * later fail_span() a no-op, and a lexical error token is sticky, so once failed the parse
 * unwinds to the innermost block loop (file or nested package, interface, world, resource
 * body) without reporting anything else. That loop then resynchronises (recover()) and
 * goes on, so later, independent syntax errors of the file are reported too. The first
 * error is thus exactly the one the reference reports; what comes after is witc's own.
 * Recovery is conservative (errors after the first must be real, not cascades): it stops
 * only at an item boundary (a ';' or a closed body at the block's own brace depth, or one
 * of the block's item keywords first on its line and followed by a name); at the file's
 * top level only at a top-level keyword. An item keyword of an enclosing block, at or left
 * of the block's own keyword's column, means a missing '}' (the block is left). After an
 * error, an error at or before the previous one, on its line or at the end of the file is
 * dropped, lexical errors in skipped text are not reported, and stray text at the top
 * level is skipped quietly. At most MAX_ERRORS per file; "package nesting too deep" stops
 * the file. Each step consumes a token or hands over to an enclosing block, so recovery
 * always terminates; it is iterative (no recursion beyond the grammar's own).
 *
 * Spans: ast_type.span is wit-parser's Type::span() (the keyword of a constructor type,
 * the name of a named type, the resource name of own/borrow); item spans run from the
 * item keyword to its last token; a use path's pkg.span covers `ns:pkg` only, as in the
 * reference. All spans are global (file base + local offset). */
#include "parse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#include "lex.h"

enum { MAX_TYPE_DEPTH = 100, MAX_PACKAGE_DEPTH = 100, MAX_ERRORS = 20 };

/* A braced block whose item loop recovers from errors (or the file's top level). */
typedef enum block_kind { BK_TOP, BK_IFACE, BK_WORLD, BK_RESOURCE } block_kind;

typedef struct block {
  block_kind kind;      /* BK_TOP: the file or a nested package */
  bool braced;          /* ended by '}' (false only for the file itself) */
  uint32_t base;        /* brace depth inside the block */
  uint32_t kw;          /* local offset of the keyword that opened it */
  uint32_t col;         /* that keyword's column, 0 until needed */
  struct block *outer;  /* the enclosing block, NULL for the file */
} block;

typedef struct parser {
  witc_arena *arena;
  witc_diags *diags;
  const char *context;
  const uint8_t *text;
  uint32_t base;
  lex_state lex;
  lex_token tok;      /* lookahead, valid when have_tok */
  bool have_tok;
  bool failed;
  uint32_t last_end;  /* end of the last consumed token */
  witc_source_map *map;
  /* error recovery (see the top of the file) */
  uint32_t braces;    /* '{' consumed minus '}' consumed (never below 0) */
  block *blk;         /* innermost block being parsed */
  uint32_t nerrors;   /* errors reported for this file */
  uint32_t last_err;  /* local start of the last error reported */
  bool fatal;         /* no more recovery in this file */
  bool passing;       /* a block was left for an enclosing block's item keyword or eof */
  uint32_t sync_stop; /* where the last recovery stopped before a token (UINT32_MAX: none) */
  /* List elements are collected on this stack and copied out at the end of the list, so
   * AST arrays are exactly sized (no growth copies). Nested lists pop before the outer
   * one continues, so each list's elements stay contiguous. Arena-backed. */
  char *stk;
  uint32_t stk_len, stk_cap;
  /* Small nodes are carved from arena blocks at 8-byte alignment (the arena rounds every
   * allocation to 16 bytes, which costs a lot of memory for millions of nodes). */
  char *slab, *slab_end;
} parser;

typedef struct saved_pos {
  uint32_t pos, last_end, braces;
  lex_token tok;
  bool have_tok;
} saved_pos;

/* Lexer position and lookahead, saved to backtrack (the reference clones its tokenizer). */
static saved_pos save(const parser *p) {
  return (saved_pos){p->lex.pos, p->last_end, p->braces, p->tok, p->have_tok};
}

static void restore(parser *p, saved_pos m) {
  p->lex.pos = m.pos;
  p->last_end = m.last_end;
  p->braces = m.braces;
  p->tok = m.tok;
  p->have_tok = m.have_tok;
}

static witc_span span_of(const parser *p, uint32_t start, uint32_t end) {
  return (witc_span){p->base + start, p->base + end};
}

/* ---- memory ------------------------------------------------------------------------ */

enum { SLAB_SIZE = 64 * 1024 };

/* A zeroed node of `size` bytes, 8-byte aligned (all AST structs need no more). */
static void *node(parser *p, size_t size) {
  size = (size + 7) & ~(size_t)7;
  if ((size_t)(p->slab_end - p->slab) < size) {
    if (size > SLAB_SIZE / 4) return witc_arena_alloc(p->arena, size);
    p->slab = witc_arena_alloc(p->arena, SLAB_SIZE);
    p->slab_end = p->slab + SLAB_SIZE;
  }
  void *r = p->slab;
  p->slab += size;
  return r;
}

/* Room for one list element of `size` bytes on the scratch stack. */
static void *stk_push(parser *p, size_t size) {
  if (p->stk_len + size > p->stk_cap) {
    uint32_t cap = p->stk_cap ? p->stk_cap * 2 : 4096;
    while (cap < p->stk_len + size) cap *= 2;
    char *n = witc_arena_alloc(p->arena, cap);
    if (p->stk_len) memcpy(n, p->stk, p->stk_len);
    p->stk = n;
    p->stk_cap = cap;
  }
  void *r = p->stk + p->stk_len;
  p->stk_len += (uint32_t)size;
  return r;
}

#define STK_PUSH(p, T, val) (*(T *)stk_push((p), sizeof(T)) = (val))

/* Moves the elements pushed since `mark` into an exactly sized arena array. */
static void stk_finish(parser *p, uint32_t mark, size_t elem, void **items, uint32_t *len,
                       uint32_t *cap) {
  uint32_t bytes = p->stk_len - mark;
  if (bytes) {
    *items = node(p, bytes);
    memcpy(*items, p->stk + mark, bytes);
  }
  *len = *cap = (uint32_t)(bytes / elem);
  p->stk_len = mark;
}

#define STK_FINISH(p, mark, vec) \
  stk_finish((p), (mark), sizeof(*(vec)->items), (void **)&(vec)->items, &(vec)->len, &(vec)->cap)

/* ---- errors ------------------------------------------------------------------------ */

static bool fail_span(parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
    WITC_PRINTF(4, 5);

/* Records an error (local offsets) unless the parse is already unwinding from one;
 * always returns false. After a first error, an error that is likely a cascade of the
 * recovery is dropped: one at or before the last error reported, on the same line, or at
 * the end of the file (where skipped braces leave blocks open). Past MAX_ERRORS it adds a
 * note instead and stops the file. */
static bool fail_span(parser *p, uint32_t start, uint32_t end, const char *fmt, ...) {
  if (p->failed) return false;
  p->failed = true;
  if (p->nerrors && (start <= p->last_err || start >= p->lex.len ||
                     !memchr(p->text + p->last_err, '\n', start - p->last_err)))
    return false;
  if (p->nerrors == MAX_ERRORS) {
    p->fatal = true;
    witc_diag note = {WITC_SEV_INFO, NULL, "too many errors; stopping", "",
                      span_of(p, start, start)};
    witc_vec_push(p->arena, &p->diags->items, note);
    return false;
  }
  p->nerrors++;
  p->last_err = start;
  va_list ap;
  va_start(ap, fmt);
  char *msg = witc_arena_vprintf(p->arena, fmt, ap);
  va_end(ap);
  witc_diags_error(p->diags, span_of(p, start, end), "%s", msg ? msg : "out of memory");
  p->diags->items.items[p->diags->items.len - 1].context = p->context;
  return false;
}

/* A lexer error: the reference points at one byte. */
static bool fail_lex(parser *p, const lex_error *err) {
  return fail_span(p, err->pos, err->pos + 1, "%s", err->msg);
}

/* ---- tokens ------------------------------------------------------------------------ */

static lex_kind peek(parser *p) {
  if (!p->have_tok) {
    p->have_tok = true;
    if (lex_next(&p->lex, &p->tok) == LEX_ERROR) {
      p->tok.kind = LEX_ERROR;
      fail_lex(p, &p->lex.err);
    }
  }
  return p->tok.kind;
}

/* Consumes the lookahead (lexing it first if needed). */
static lex_token take(parser *p) {
  peek(p);
  if (p->tok.kind != LEX_ERROR) {
    p->have_tok = false;
    p->last_end = p->tok.end;
    if (p->tok.kind == LEX_LBRACE) p->braces++;
    else if (p->tok.kind == LEX_RBRACE && p->braces) p->braces--;
  }
  return p->tok;
}

static bool eat(parser *p, lex_kind kind) {
  if (peek(p) != kind) return false;
  take(p);
  return true;
}

/* Tokenizer::expect: a mismatch is a lexer-style error pointing at one byte. */
static WITC_MUST_CHECK bool expect(parser *p, lex_kind kind, lex_token *out) {
  lex_kind k = peek(p);
  if (k == kind) {
    lex_token t = take(p);
    if (out) *out = t;
    return true;
  }
  if (k == LEX_ERROR) return false;
  return fail_span(p, p->tok.start, p->tok.start + 1, "expected %s, found %s", lex_describe(kind),
                   lex_describe(k));
}

/* err_expected: "expected X, found Y" over the whole token (zero width at the end). */
static bool fail_token(parser *p, const lex_token *t, const char *what) {
  if (t->kind == LEX_ERROR) return false;
  if (t->kind == LEX_EOF) return fail_span(p, t->start, t->start, "expected %s, found eof", what);
  return fail_span(p, t->start, t->end, "expected %s, found %s", what, lex_describe(t->kind));
}

static bool fail_expected(parser *p, const char *what) {
  peek(p);
  return fail_token(p, &p->tok, what);
}

/* Docs of the next item: the comments between the previous token and the lookahead. */
static witc_str parse_docs(parser *p) {
  if (peek(p) == LEX_ERROR) return WITC_STR_NONE;
  return lex_docs(p->arena, p->text, p->tok.trivia, p->tok.start);
}

/* ---- error recovery ------------------------------------------------------------------ */

/* The keywords that start an item of a block (attributes aside). */
static bool block_starts(block_kind b, lex_kind k) {
  switch (b) {
  case BK_TOP:
    return k == LEX_KW_INTERFACE || k == LEX_KW_WORLD || k == LEX_KW_USE || k == LEX_KW_PACKAGE;
  case BK_WORLD: /* and, like an interface, use items and type definitions */
    if (k == LEX_KW_IMPORT || k == LEX_KW_EXPORT || k == LEX_KW_INCLUDE) return true;
    return block_starts(BK_IFACE, k);
  case BK_IFACE:
    return k == LEX_KW_TYPE || k == LEX_KW_RECORD || k == LEX_KW_RESOURCE || k == LEX_KW_ENUM ||
           k == LEX_KW_VARIANT || k == LEX_KW_FLAGS || k == LEX_KW_USE;
  case BK_RESOURCE:
    return k == LEX_KW_CONSTRUCTOR;
  }
  return false;
}

/* The item keywords of a block that no body inside one of its items can hold (a record,
 * an interface inside a file or a world). */
static bool deep_start(block_kind b, lex_kind k) {
  switch (b) {
  case BK_TOP: return k == LEX_KW_INTERFACE || k == LEX_KW_WORLD || k == LEX_KW_PACKAGE;
  case BK_WORLD: return k == LEX_KW_IMPORT || k == LEX_KW_EXPORT || k == LEX_KW_INCLUDE;
  case BK_IFACE:
  case BK_RESOURCE: return block_starts(b, k);
  }
  return false;
}

/* Whether `k` starts an item of a block enclosing `b`. */
static bool outer_starts(const block *b, lex_kind k) {
  for (const block *o = b->outer; o; o = o->outer)
    if (block_starts(o->kind, k)) return true;
  return false;
}

/* 1-based byte column of local offset `off`. */
static uint32_t column_of(parser *p, uint32_t off) {
  uint32_t line, col;
  return witc_source_map_locate(p->map, p->base + off, NULL, &line, &col) ? col : 0;
}

/* Whether the token is the first thing on its line (only blanks before it). */
static bool at_line_start(const parser *p, const lex_token *t) {
  uint32_t i = t->start;
  while (i > 0 && (p->text[i - 1] == ' ' || p->text[i - 1] == '\t')) i--;
  return i == 0 || p->text[i - 1] == '\n' || (i == 3 && p->text[0] == 0xEF);
}

/* Whether the token after the lookahead keyword `k` is what an item starting with `k`
 * needs next, on the same line: a name, or '(' after `constructor` (a keyword used as a
 * field or parameter name is then no item start). Lexes a copy of the lexer: nothing is
 * consumed or reported. */
static bool item_follows(const parser *p, lex_kind k) {
  lex_state copy = p->lex;
  lex_token t;
  lex_kind next = lex_next(&copy, &t);
  if (next == LEX_ERROR || memchr(p->text + t.trivia, '\n', t.start - t.trivia)) return false;
  if (k == LEX_KW_CONSTRUCTOR) return next == LEX_LPAREN;
  return next == LEX_ID || next == LEX_EXPLICIT_ID;
}

/* Leaves block `b` for an enclosing one (which then sees `passing`). */
static bool leave_block(parser *p, const block *b) {
  p->braces = b->outer ? b->outer->base : 0;
  p->failed = true;
  p->passing = true;
  return false;
}

/* Whether the lookahead `t` (keyword `k`) starts an item of a block enclosing `b`, first
 * on its line, at or left of the column of `b`'s keyword: `b` lacks its '}'. */
static bool closes_block(parser *p, block *b, lex_kind k, const lex_token *t) {
  if (!b->braced || block_starts(b->kind, k) || !outer_starts(b, k) || !at_line_start(p, t) ||
      !item_follows(p, k))
    return false;
  if (!b->col) b->col = column_of(p, b->kw);
  return column_of(p, t->start) <= b->col;
}

/* After an error, the checks a block loop makes before an item: a '}' first on its line
 * right of the column of the block's keyword most likely closes a body whose '{' was lost
 * (it is skipped: returns true to go on); an item of an enclosing block (closes_block)
 * means this block's '}' is missing (it is left quietly: returns false with `failed` and
 * `passing` set). */
static bool after_error_checks(parser *p, block *b, bool *skip) {
  *skip = false;
  lex_kind k = peek(p);
  if (k == LEX_ERROR) return true;
  if (k == LEX_RBRACE && b->braced && at_line_start(p, &p->tok)) {
    if (!b->col) b->col = column_of(p, b->kw);
    if (column_of(p, p->tok.start) > b->col) {
      take(p);
      p->braces = b->base; /* it closes nothing that was counted */
      *skip = true;
    }
    return true;
  }
  if (k >= LEX_KW_AS && closes_block(p, b, k, &p->tok)) return leave_block(p, b);
  return true;
}

/* The lookahead for resynchronising: lexical errors are skipped silently (the one that
 * failed the parse was reported; later ones may be cascades of the skipped text). */
static lex_kind sync_peek(parser *p) {
  for (;;) {
    if (p->have_tok && p->tok.kind != LEX_ERROR) return p->tok.kind;
    /* the reported error token is re-scanned from its position (where the lexer stopped) */
    p->have_tok = false;
    if (lex_next(&p->lex, &p->tok) != LEX_ERROR) {
      p->have_tok = true;
      return p->tok.kind;
    }
    lex_skip_error(&p->lex);
  }
}

/* Called by the item loop of block `b` after an item failed (the error is reported, or
 * suppressed, or an inner block was left for this one). Drops the item's list elements
 * (above `mark`) and skips tokens up to the next item boundary of `b`: returns true to go
 * on with the loop, positioned at an item start, just after a ';' or a body closed at the
 * block's depth, or at the block's closing '}'; false to leave the block (fatal error, end
 * of file, or an item keyword of an enclosing block at or left of this block's keyword's
 * column: a missing '}'). At the file's top level only a top-level keyword first on its
 * line ends the skip. Consumes at least one token unless it stops at a token where no
 * recovery stopped before (every item parser consumes its first token). */
static bool recover(parser *p, block *b, uint32_t mark) {
  p->stk_len = mark;
  if (p->fatal) return false;
  bool passing = p->passing;
  p->passing = false;
  p->failed = false;
  if (!passing && sync_peek(p) != LEX_EOF && p->tok.start == p->sync_stop) take(p);
  p->sync_stop = UINT32_MAX;
  bool top = b->kind == BK_TOP;
  for (;;) {
    lex_kind k = sync_peek(p);
    lex_token t = p->tok;
    uint32_t depth = p->braces;
    switch (k) {
    case LEX_EOF:
      if (b->braced) return leave_block(p, b);
      return true;
    case LEX_RBRACE:
      if (depth <= b->base && b->braced) {
        p->sync_stop = t.start;
        return true;
      }
      take(p);
      if (depth == b->base + 1 && !top) return true;
      continue;
    case LEX_SEMICOLON:
      take(p);
      if (depth == b->base && !top) return true;
      continue;
    default:
      break;
    }
    if (k >= LEX_KW_AS && (block_starts(b->kind, k) || outer_starts(b, k)) &&
        at_line_start(p, &t) && item_follows(p, k)) {
      /* Inside a body of this block's item (a record, an inline interface), an item
       * keyword first on its line that cannot be in that body means the body is not
       * closed. */
      bool own = block_starts(b->kind, k) && (depth == b->base || deep_start(b->kind, k)) &&
                 !(top && k == LEX_KW_USE); /* more likely an interface's use item */
      if (own) {
        p->braces = b->base;
        p->sync_stop = t.start;
        return true;
      }
      if (closes_block(p, b, k, &t)) return leave_block(p, b);
    }
    take(p);
  }
}

/* ---- identifiers, versions, names ------------------------------------------------------ */

static WITC_MUST_CHECK bool id_of_token(parser *p, const lex_token *t, ast_id *out) {
  uint32_t s = t->start + (t->kind == LEX_EXPLICIT_ID ? 1u : 0u);
  lex_error err;
  if (!lex_validate_id(p->text + s, t->end - s, t->start, &err)) return fail_lex(p, &err);
  out->name = (witc_str){(const char *)p->text + s, t->end - s};
  out->span = span_of(p, t->start, t->end);
  return true;
}

/* id ::= plain or %-explicit identifier, kebab-case validated when consumed. */
static WITC_MUST_CHECK bool parse_id(parser *p, ast_id *out) {
  lex_kind k = peek(p);
  if (k != LEX_ID && k != LEX_EXPLICIT_ID) return fail_expected(p, "an identifier or string");
  lex_token t = take(p);
  return id_of_token(p, &t, out);
}

static bool is_version_piece(lex_kind k) {
  return k == LEX_ID || k == LEX_INTEGER || k == LEX_MINUS;
}

/* After `-` or `+`: greedily takes identifiers, integers and `-`, joined by `.`; a `.` not
 * followed by one of those is left alone (`use a:b/c@1.0.0-rc.{x}`). */
static WITC_MUST_CHECK bool version_pieces(parser *p, lex_kind prefix, uint32_t *end) {
  if (!eat(p, prefix)) return !p->failed;
  for (;;) {
    saved_pos m = save(p);
    lex_kind k = peek(p);
    if (k == LEX_PERIOD) {
      take(p);
      k = peek(p);
    }
    if (k == LEX_ERROR) return false;
    if (!is_version_piece(k)) {
      restore(p, m);
      return true;
    }
    *end = take(p).end;
  }
}

/* version ::= INT '.' INT '.' INT ('-' pieces)? ('+' pieces)?, checked as SemVer. */
static WITC_MUST_CHECK bool parse_version(parser *p, ast_version *out) {
  lex_token first = {0}, last = {0}; /* set by expect(); zeroed for -O3 -Wmaybe-uninitialized */
  if (!expect(p, LEX_INTEGER, &first) || !expect(p, LEX_PERIOD, NULL) ||
      !expect(p, LEX_INTEGER, NULL) || !expect(p, LEX_PERIOD, NULL) ||
      !expect(p, LEX_INTEGER, &last))
    return false;
  uint32_t end = last.end;
  if (!version_pieces(p, LEX_MINUS, &end) || !version_pieces(p, LEX_PLUS, &end)) return false;
  const char *s = (const char *)p->text + first.start;
  char msg[160];
  if (!witc_semver_parse(s, end - first.start, &out->major, &out->minor, &out->patch,
                         &out->pre, &out->build, msg, sizeof msg))
    return fail_span(p, first.start, end, "%s", msg);
  out->text = (witc_str){s, end - first.start};
  out->span = span_of(p, first.start, end);
  return true;
}

static WITC_MUST_CHECK bool parse_opt_version(parser *p, bool *has, ast_version *out) {
  *has = eat(p, LEX_AT);
  return *has ? parse_version(p, out) : !p->failed;
}

/* package-name ::= id ':' id ('@' version)? */
static WITC_MUST_CHECK bool parse_package_name(parser *p, ast_package_name *out) {
  if (!parse_id(p, &out->ns) || !expect(p, LEX_COLON, NULL) || !parse_id(p, &out->name) ||
      !parse_opt_version(p, &out->has_version, &out->version))
    return false;
  out->span = (witc_span){out->ns.span.start,
                          out->has_version ? out->version.span.end : out->name.span.end};
  return true;
}

/* use-path ::= id | id ':' id '/' id ('@' version)? */
static WITC_MUST_CHECK bool parse_use_path(parser *p, ast_use_path *out) {
  ast_id first;
  if (!parse_id(p, &first)) return false;
  if (!eat(p, LEX_COLON)) {
    if (p->failed) return false;
    out->is_package = false;
    out->name = first;
    out->span = first.span;
    return true;
  }
  out->is_package = true;
  out->pkg.ns = first;
  if (!parse_id(p, &out->pkg.name) || !expect(p, LEX_SLASH, NULL) || !parse_id(p, &out->name) ||
      !parse_opt_version(p, &out->pkg.has_version, &out->pkg.version))
    return false;
  out->pkg.span = (witc_span){first.span.start, out->pkg.name.span.end};
  out->span = span_of(p, first.span.start - p->base, p->last_end);
  return true;
}

/* ---- attributes --------------------------------------------------------------------- */

/* eat_id: an identifier that must be spelled `expected`. */
static WITC_MUST_CHECK bool parse_named_id(parser *p, const char *expected) {
  ast_id id;
  if (!parse_id(p, &id)) return false;
  if (!witc_str_eq_c(id.name, expected))
    return fail_span(p, id.span.start - p->base, id.span.end - p->base,
                     "expected `%s`, found `%.*s`", expected, (int)id.name.len, id.name.ptr);
  return true;
}

/* attribute* ::= ('@' since(version = V) | unstable(feature = F) | deprecated(version = V)
 *                 | external-id("...") )* */
static WITC_MUST_CHECK bool parse_attributes(parser *p, ast_attrs *out) {
  uint32_t mark = p->stk_len;
  while (eat(p, LEX_AT)) {
    ast_attr a;
    memset(&a, 0, sizeof a);
    uint32_t start = p->last_end - 1;
    ast_id id;
    if (!parse_id(p, &id)) return false;
    if (witc_str_eq_c(id.name, "since") || witc_str_eq_c(id.name, "deprecated")) {
      a.kind = id.name.len == 5 ? AST_ATTR_SINCE : AST_ATTR_DEPRECATED;
      if (!expect(p, LEX_LPAREN, NULL) || !parse_named_id(p, "version") ||
          !expect(p, LEX_EQUALS, NULL) || !parse_version(p, &a.version) ||
          !expect(p, LEX_RPAREN, NULL))
        return false;
    } else if (witc_str_eq_c(id.name, "unstable")) {
      a.kind = AST_ATTR_UNSTABLE;
      if (!expect(p, LEX_LPAREN, NULL) || !parse_named_id(p, "feature") ||
          !expect(p, LEX_EQUALS, NULL) || !parse_id(p, &a.feature) ||
          !expect(p, LEX_RPAREN, NULL))
        return false;
    } else if (witc_str_eq_c(id.name, "external-id")) {
      lex_token s;
      a.kind = AST_ATTR_EXTERNAL_ID;
      if (!expect(p, LEX_LPAREN, NULL) || !expect(p, LEX_STRING, &s)) return false;
      char *buf = node(p, s.end - s.start + 1);
      uint32_t n = lex_string_decode(p->text, s.start, s.end, buf);
      buf[n] = 0;
      a.string = (witc_str){buf, n};
      if (!expect(p, LEX_RPAREN, NULL)) return false;
    } else {
      return fail_span(p, id.span.start - p->base, id.span.end - p->base,
                       "unknown attribute `%.*s`", (int)id.name.len, id.name.ptr);
    }
    a.span = span_of(p, start, p->last_end);
    STK_PUSH(p, ast_attr, a);
  }
  STK_FINISH(p, mark, out);
  return !p->failed;
}

/* ---- lists -------------------------------------------------------------------------- */

typedef bool (*list_item_fn)(parser *p, witc_str docs, void *ctx);

/* list(X) up to `end`, trailing ',' allowed; with_docs collects each item's docs. */
static WITC_MUST_CHECK bool parse_list_trailer(parser *p, lex_kind end, bool with_docs,
                                               list_item_fn item, void *ctx) {
  for (;;) {
    witc_str docs = with_docs ? parse_docs(p) : WITC_STR_NONE;
    if (eat(p, end)) return true;
    if (p->failed || !item(p, docs, ctx)) return false;
    if (!eat(p, LEX_COMMA)) return expect(p, end, NULL);
  }
}

static WITC_MUST_CHECK bool parse_list(parser *p, lex_kind start, lex_kind end, bool with_docs,
                                       list_item_fn item, void *ctx) {
  return expect(p, start, NULL) && parse_list_trailer(p, end, with_docs, item, ctx);
}

/* ---- types -------------------------------------------------------------------------- */

static WITC_MUST_CHECK bool parse_type(parser *p, uint32_t depth, ast_type **out);

static bool tuple_item(parser *p, witc_str docs, void *ctx) {
  (void)docs;
  ast_type *elem;
  if (!parse_type(p, *(uint32_t *)ctx, &elem)) return false;
  STK_PUSH(p, ast_type *, elem);
  return true;
}

/* `<` type `>` */
static WITC_MUST_CHECK bool parse_type_arg(parser *p, uint32_t depth, ast_type **out) {
  return expect(p, LEX_LT, NULL) && parse_type(p, depth, out) && expect(p, LEX_GT, NULL);
}

/* `<` id `>` (own/borrow) */
static WITC_MUST_CHECK bool parse_handle(parser *p, ast_type *ty) {
  if (!expect(p, LEX_LT, NULL) || !parse_id(p, &ty->u.name) || !expect(p, LEX_GT, NULL))
    return false;
  ty->span = ty->u.name.span;
  return true;
}

/* Parses the list size: a u32 integer (Rust's str::parse::<u32>). */
static WITC_MUST_CHECK bool parse_list_size(parser *p, uint32_t *size) {
  peek(p);
  lex_token t = take(p);
  if (t.kind != LEX_INTEGER) return fail_token(p, &t, "fixed-length");
  uint64_t v = 0;
  for (uint32_t i = t.start; i < t.end; i++) {
    v = v * 10 + (uint64_t)(p->text[i] - '0');
    if (v > UINT32_MAX)
      return fail_span(p, t.start, t.end, "invalid list size: number too large to fit in target type");
  }
  *size = (uint32_t)v;
  return true;
}

/* type (wit-language.md §3.5). `depth` is the nesting level, 1 for a top-level type; the
 * token is read before the depth check, so a lexical error there still comes first. */
static WITC_MUST_CHECK bool parse_type(parser *p, uint32_t depth, ast_type **out) {
  if (peek(p) == LEX_ERROR) return false;
  lex_token t = take(p);
  if (depth > MAX_TYPE_DEPTH) return fail_span(p, t.start, t.end, "type nesting too deep");
  ast_type *ty = node(p, sizeof *ty);
  ty->span = span_of(p, t.start, t.end);
  *out = ty;
  switch (t.kind) {
  case LEX_KW_BOOL: ty->kind = AST_TY_BOOL; return true;
  case LEX_KW_U8: ty->kind = AST_TY_U8; return true;
  case LEX_KW_U16: ty->kind = AST_TY_U16; return true;
  case LEX_KW_U32: ty->kind = AST_TY_U32; return true;
  case LEX_KW_U64: ty->kind = AST_TY_U64; return true;
  case LEX_KW_S8: ty->kind = AST_TY_S8; return true;
  case LEX_KW_S16: ty->kind = AST_TY_S16; return true;
  case LEX_KW_S32: ty->kind = AST_TY_S32; return true;
  case LEX_KW_S64: ty->kind = AST_TY_S64; return true;
  case LEX_KW_F32: ty->kind = AST_TY_F32; return true;
  case LEX_KW_F64: ty->kind = AST_TY_F64; return true;
  case LEX_KW_CHAR: ty->kind = AST_TY_CHAR; return true;
  case LEX_KW_STRING: ty->kind = AST_TY_STRING; return true;
  case LEX_KW_ERROR_CONTEXT: ty->kind = AST_TY_ERROR_CONTEXT; return true;
  case LEX_KW_TUPLE: {
    uint32_t inner = depth + 1, mark = p->stk_len;
    ty->kind = AST_TY_TUPLE;
    if (!parse_list(p, LEX_LT, LEX_GT, false, tuple_item, &inner)) return false;
    STK_FINISH(p, mark, &ty->u.tuple);
    return true;
  }
  case LEX_KW_LIST: {
    ast_type *elem;
    if (!expect(p, LEX_LT, NULL) || !parse_type(p, depth + 1, &elem)) return false;
    if (eat(p, LEX_COMMA)) {
      ty->kind = AST_TY_FIXED_LIST;
      ty->u.fixed.elem = elem;
      if (!parse_list_size(p, &ty->u.fixed.size)) return false;
    } else {
      ty->kind = AST_TY_LIST;
      ty->u.elem = elem;
    }
    return expect(p, LEX_GT, NULL);
  }
  case LEX_KW_MAP:
    ty->kind = AST_TY_MAP;
    return expect(p, LEX_LT, NULL) && parse_type(p, depth + 1, &ty->u.map.key) &&
           expect(p, LEX_COMMA, NULL) && parse_type(p, depth + 1, &ty->u.map.value) &&
           expect(p, LEX_GT, NULL);
  case LEX_KW_OPTION:
    ty->kind = AST_TY_OPTION;
    return parse_type_arg(p, depth + 1, &ty->u.elem);
  case LEX_KW_RESULT:
    /* result | result<T> | result<_, E> | result<T, E> */
    ty->kind = AST_TY_RESULT;
    if (!eat(p, LEX_LT)) return !p->failed;
    if (eat(p, LEX_KW_UNDERSCORE)) {
      if (!expect(p, LEX_COMMA, NULL) || !parse_type(p, depth + 1, &ty->u.result.err))
        return false;
    } else {
      if (!parse_type(p, depth + 1, &ty->u.result.ok)) return false;
      if (eat(p, LEX_COMMA) && !parse_type(p, depth + 1, &ty->u.result.err)) return false;
    }
    return expect(p, LEX_GT, NULL);
  case LEX_KW_FUTURE:
  case LEX_KW_STREAM:
    ty->kind = t.kind == LEX_KW_FUTURE ? AST_TY_FUTURE : AST_TY_STREAM;
    if (!eat(p, LEX_LT)) return !p->failed;
    return parse_type(p, depth + 1, &ty->u.elem) && expect(p, LEX_GT, NULL);
  case LEX_KW_OWN:
  case LEX_KW_BORROW:
    ty->kind = t.kind == LEX_KW_OWN ? AST_TY_OWN : AST_TY_BORROW;
    return parse_handle(p, ty);
  case LEX_ID:
  case LEX_EXPLICIT_ID:
    ty->kind = AST_TY_NAME;
    return id_of_token(p, &t, &ty->u.name);
  default:
    return fail_token(p, &t, "a type");
  }
}

/* ---- functions ---------------------------------------------------------------------- */

static bool param_item(parser *p, witc_str docs, void *ctx) {
  (void)docs, (void)ctx;
  ast_param param;
  if (!parse_id(p, &param.name) || !expect(p, LEX_COLON, NULL) || !parse_type(p, 1, &param.type))
    return false;
  STK_PUSH(p, ast_param, param);
  return true;
}

/* '(' list(id ':' type) ')' ('->' type)? */
static WITC_MUST_CHECK bool parse_params_result(parser *p, ast_func *f) {
  uint32_t mark = p->stk_len;
  if (!parse_list(p, LEX_LPAREN, LEX_RPAREN, false, param_item, NULL)) return false;
  STK_FINISH(p, mark, &f->params);
  if (eat(p, LEX_RARROW)) return parse_type(p, 1, &f->result);
  return !p->failed;
}

/* func-type ::= 'async'? 'func' '(' params ')' ('->' type)? */
static WITC_MUST_CHECK bool parse_func_type(parser *p, ast_func *f) {
  if (peek(p) == LEX_ERROR) return false;
  uint32_t start = p->tok.start;
  f->is_async = eat(p, LEX_KW_ASYNC);
  if (!expect(p, LEX_KW_FUNC, NULL) || !parse_params_result(p, f)) return false;
  f->span = span_of(p, start, p->last_end);
  return true;
}

/* named-func ::= id ':' func-type ';' */
static WITC_MUST_CHECK bool parse_named_func(parser *p, witc_str docs, ast_attrs attrs,
                                             ast_named_func **out) {
  ast_named_func *f = node(p, sizeof *f);
  f->docs = docs;
  f->attrs = attrs;
  *out = f;
  return parse_id(p, &f->name) && expect(p, LEX_COLON, NULL) && parse_func_type(p, &f->func) &&
         expect(p, LEX_SEMICOLON, NULL);
}

/* ---- type definitions --------------------------------------------------------------- */

static bool record_field_item(parser *p, witc_str docs, void *ctx) {
  (void)ctx;
  ast_field f = {docs, {WITC_STR_NONE, WITC_SPAN_NONE}, NULL};
  if (!parse_id(p, &f.name) || !expect(p, LEX_COLON, NULL) || !parse_type(p, 1, &f.type))
    return false;
  STK_PUSH(p, ast_field, f);
  return true;
}

static bool variant_case_item(parser *p, witc_str docs, void *ctx) {
  (void)ctx;
  ast_field f = {docs, {WITC_STR_NONE, WITC_SPAN_NONE}, NULL};
  if (!parse_id(p, &f.name)) return false;
  if (eat(p, LEX_LPAREN) && (!parse_type(p, 1, &f.type) || !expect(p, LEX_RPAREN, NULL)))
    return false;
  if (p->failed) return false;
  STK_PUSH(p, ast_field, f);
  return true;
}

static bool name_item(parser *p, witc_str docs, void *ctx) {
  (void)ctx;
  ast_field f = {docs, {WITC_STR_NONE, WITC_SPAN_NONE}, NULL};
  if (!parse_id(p, &f.name)) return false;
  STK_PUSH(p, ast_field, f);
  return true;
}

/* resource-member ::= attribute* ( 'constructor' '(' params ')' ('->' type)? ';'
 *                                | id ':' 'static'? func-type ';' ) */
static WITC_MUST_CHECK bool parse_resource_member(parser *p, witc_str docs, ast_attrs attrs) {
  ast_resource_func f;
  memset(&f, 0, sizeof f);
  f.docs = docs;
  f.attrs = attrs;
  lex_kind k = peek(p);
  if (k == LEX_KW_CONSTRUCTOR) {
    lex_token t = take(p);
    f.kind = AST_RES_CONSTRUCTOR;
    f.name = (ast_id){{"constructor", 11}, span_of(p, t.start, t.end)};
    if (!parse_params_result(p, &f.func) || !expect(p, LEX_SEMICOLON, NULL)) return false;
    f.func.span = span_of(p, t.start, p->last_end);
  } else if (k == LEX_ID || k == LEX_EXPLICIT_ID) {
    if (!parse_id(p, &f.name) || !expect(p, LEX_COLON, NULL)) return false;
    f.kind = eat(p, LEX_KW_STATIC) ? AST_RES_STATIC : AST_RES_METHOD;
    if (!parse_func_type(p, &f.func) || !expect(p, LEX_SEMICOLON, NULL)) return false;
  } else {
    return fail_expected(p, "`constructor` or identifier");
  }
  STK_PUSH(p, ast_resource_func, f);
  return true;
}

/* typedef ::= 'type' id '=' type ';' | record | variant | enum | flags | resource */
static WITC_MUST_CHECK bool parse_typedef(parser *p, witc_str docs, ast_attrs attrs,
                                          ast_typedef **out) {
  ast_typedef *td = node(p, sizeof *td);
  td->docs = docs;
  td->attrs = attrs;
  *out = td;
  lex_token kw = take(p); /* the caller dispatched on it */
  if (!parse_id(p, &td->name)) return false;
  uint32_t mark = p->stk_len;
  bool ok;
  switch (kw.kind) {
  case LEX_KW_TYPE:
    td->kind = AST_TD_ALIAS;
    ok = expect(p, LEX_EQUALS, NULL) && parse_type(p, 1, &td->alias) &&
         expect(p, LEX_SEMICOLON, NULL);
    break;
  case LEX_KW_RECORD:
    td->kind = AST_TD_RECORD;
    ok = parse_list(p, LEX_LBRACE, LEX_RBRACE, true, record_field_item, NULL);
    break;
  case LEX_KW_VARIANT:
    td->kind = AST_TD_VARIANT;
    ok = parse_list(p, LEX_LBRACE, LEX_RBRACE, true, variant_case_item, NULL);
    break;
  case LEX_KW_ENUM:
    td->kind = AST_TD_ENUM;
    ok = parse_list(p, LEX_LBRACE, LEX_RBRACE, true, name_item, NULL);
    break;
  case LEX_KW_FLAGS:
    td->kind = AST_TD_FLAGS;
    ok = parse_list(p, LEX_LBRACE, LEX_RBRACE, true, name_item, NULL);
    break;
  default: /* LEX_KW_RESOURCE */
    td->kind = AST_TD_RESOURCE;
    if (eat(p, LEX_LBRACE)) {
      block b = {BK_RESOURCE, true, p->braces, kw.start, 0, p->blk};
      p->blk = &b;
      ok = true;
      for (;;) {
        uint32_t before = p->stk_len;
        witc_str member_docs = parse_docs(p);
        bool skip = false;
        if (p->nerrors && !p->failed && !after_error_checks(p, &b, &skip)) {
          ok = false;
          break;
        }
        if (skip) continue;
        if (eat(p, LEX_RBRACE)) break;
        ast_attrs member_attrs = {0};
        if (!p->failed && parse_attributes(p, &member_attrs) &&
            parse_resource_member(p, member_docs, member_attrs))
          continue;
        if (!recover(p, &b, before)) {
          ok = false;
          break;
        }
      }
      p->blk = b.outer;
    } else {
      ok = expect(p, LEX_SEMICOLON, NULL);
    }
    break;
  }
  if (td->kind == AST_TD_RESOURCE) STK_FINISH(p, mark, &td->funcs);
  else STK_FINISH(p, mark, &td->fields);
  td->span = span_of(p, kw.start, p->last_end);
  return ok;
}

/* ---- use, include ------------------------------------------------------------------- */

/* use-item ::= 'use' use-path '.' '{' list(id ('as' id)?) '}' ';' */
static WITC_MUST_CHECK bool parse_use(parser *p, ast_attrs attrs, ast_use **out) {
  ast_use *u = node(p, sizeof *u);
  u->attrs = attrs;
  *out = u;
  lex_token kw = take(p);
  if (!parse_use_path(p, &u->path) || !expect(p, LEX_PERIOD, NULL) ||
      !expect(p, LEX_LBRACE, NULL))
    return false;
  uint32_t mark = p->stk_len;
  while (!eat(p, LEX_RBRACE)) {
    ast_use_name n;
    memset(&n, 0, sizeof n);
    if (p->failed || !parse_id(p, &n.name)) return false;
    if (eat(p, LEX_KW_AS)) {
      n.has_as = true;
      if (!parse_id(p, &n.as)) return false;
    }
    STK_PUSH(p, ast_use_name, n);
    if (!eat(p, LEX_COMMA)) {
      if (!expect(p, LEX_RBRACE, NULL)) return false;
      break;
    }
  }
  STK_FINISH(p, mark, &u->names);
  if (!expect(p, LEX_SEMICOLON, NULL)) return false;
  u->span = span_of(p, kw.start, p->last_end);
  return true;
}

static bool include_name_item(parser *p, witc_str docs, void *ctx) {
  (void)docs, (void)ctx;
  ast_include_name n;
  if (!parse_id(p, &n.from) || !expect(p, LEX_KW_AS, NULL) || !parse_id(p, &n.to)) return false;
  STK_PUSH(p, ast_include_name, n);
  return true;
}

/* include ::= 'include' use-path ';' | 'include' use-path 'with' '{' list(id 'as' id) '}' */
static WITC_MUST_CHECK bool parse_include(parser *p, ast_attrs attrs, ast_include **out) {
  ast_include *inc = node(p, sizeof *inc);
  inc->attrs = attrs;
  *out = inc;
  lex_token kw = take(p);
  if (!parse_use_path(p, &inc->path)) return false;
  uint32_t mark = p->stk_len;
  bool ok = eat(p, LEX_KW_WITH)
                ? parse_list(p, LEX_LBRACE, LEX_RBRACE, false, include_name_item, NULL)
                : expect(p, LEX_SEMICOLON, NULL);
  STK_FINISH(p, mark, &inc->with);
  inc->span = span_of(p, kw.start, p->last_end);
  return ok;
}

/* ---- interfaces --------------------------------------------------------------------- */

/* interface-item ::= attribute* ( use-item | typedef | named-func ) */
static WITC_MUST_CHECK bool parse_interface_item(parser *p, witc_str docs, ast_attrs attrs) {
  ast_iface_item it;
  memset(&it, 0, sizeof it);
  bool ok;
  switch (peek(p)) {
  case LEX_KW_TYPE:
  case LEX_KW_FLAGS:
  case LEX_KW_ENUM:
  case LEX_KW_VARIANT:
  case LEX_KW_RESOURCE:
  case LEX_KW_RECORD:
    it.kind = AST_II_TYPEDEF;
    ok = parse_typedef(p, docs, attrs, &it.u.typedef_);
    break;
  case LEX_ID:
  case LEX_EXPLICIT_ID:
    it.kind = AST_II_FUNC;
    ok = parse_named_func(p, docs, attrs, &it.u.func);
    break;
  case LEX_KW_USE:
    it.kind = AST_II_USE;
    ok = parse_use(p, attrs, &it.u.use);
    break;
  default:
    return fail_expected(p, "`type`, `resource` or `func`");
  }
  if (!ok) return false;
  STK_PUSH(p, ast_iface_item, it);
  return true;
}

/* '{' interface-item* '}'; `kw` is where the item that opened it starts (recovery). */
static WITC_MUST_CHECK bool parse_interface_items(parser *p, ast_iface_items *items, uint32_t kw) {
  if (!expect(p, LEX_LBRACE, NULL)) return false;
  block b = {BK_IFACE, true, p->braces, kw, 0, p->blk};
  p->blk = &b;
  uint32_t mark = p->stk_len;
  for (;;) {
    uint32_t before = p->stk_len;
    witc_str docs = parse_docs(p);
    bool skip = false;
    if (p->nerrors && !p->failed && !after_error_checks(p, &b, &skip)) {
      p->blk = b.outer;
      return false;
    }
    if (skip) continue;
    if (eat(p, LEX_RBRACE)) {
      STK_FINISH(p, mark, items);
      p->blk = b.outer;
      return true;
    }
    ast_attrs attrs = {0};
    if (!p->failed && parse_attributes(p, &attrs) && parse_interface_item(p, docs, attrs))
      continue;
    if (!recover(p, &b, before)) {
      p->blk = b.outer;
      return false;
    }
  }
}

/* interface-def ::= 'interface' id '{' interface-item* '}' */
static WITC_MUST_CHECK bool parse_interface(parser *p, witc_str docs, ast_attrs attrs,
                                            ast_interface **out) {
  ast_interface *it = node(p, sizeof *it);
  it->docs = docs;
  it->attrs = attrs;
  *out = it;
  lex_token kw = take(p);
  if (!parse_id(p, &it->name) || !parse_interface_items(p, &it->items, kw.start)) return false;
  it->span = span_of(p, kw.start, p->last_end);
  return true;
}

/* ---- worlds ------------------------------------------------------------------------- */

/* extern ::= id ':' func-type ';' | id ':' 'interface' '{' items '}' | use-path ';'
 *          | id ':' use-path ';'
 * After `id ':'`: `func`/`async` means a function, `interface` an inline interface, and
 * `id '/'` means the colon belonged to a package path; anything else is a named import. */
static WITC_MUST_CHECK bool parse_extern(parser *p, ast_extern *e, uint32_t kw) {
  saved_pos start = save(p);
  ast_id id;
  if (!parse_id(p, &id)) return false;
  uint32_t s0 = id.span.start - p->base;
  if (eat(p, LEX_COLON)) {
    lex_kind k = peek(p);
    if (k == LEX_KW_FUNC || k == LEX_KW_ASYNC) {
      e->kind = AST_EXTERN_FUNC;
      e->name = id;
      if (!parse_func_type(p, &e->func) || !expect(p, LEX_SEMICOLON, NULL)) return false;
    } else if (k == LEX_KW_INTERFACE) {
      take(p);
      e->kind = AST_EXTERN_INTERFACE;
      e->name = id;
      if (!parse_interface_items(p, &e->items, kw)) return false;
    } else {
      saved_pos after_colon = save(p);
      bool is_path = false;
      if (k == LEX_ID || k == LEX_EXPLICIT_ID) {
        take(p);
        lex_kind k2 = peek(p);
        if (k2 == LEX_ERROR) return false;
        is_path = k2 == LEX_SLASH;
      } else if (k == LEX_ERROR) {
        return false;
      }
      if (is_path) {
        restore(p, start);
        e->kind = AST_EXTERN_PATH;
      } else {
        restore(p, after_colon);
        e->kind = AST_EXTERN_NAMED;
        e->name = id;
      }
      if (!parse_use_path(p, &e->path) || !expect(p, LEX_SEMICOLON, NULL)) return false;
    }
  } else {
    if (p->failed) return false;
    restore(p, start);
    e->kind = AST_EXTERN_PATH;
    if (!parse_use_path(p, &e->path) || !expect(p, LEX_SEMICOLON, NULL)) return false;
  }
  e->span = span_of(p, s0, p->last_end);
  return true;
}

/* world-item ::= attribute* ( 'import' extern | 'export' extern | use-item | typedef
 *                           | include ) */
static WITC_MUST_CHECK bool parse_world_item(parser *p, witc_str docs, ast_attrs attrs) {
  ast_world_item it;
  memset(&it, 0, sizeof it);
  bool ok;
  switch (peek(p)) {
  case LEX_KW_IMPORT:
  case LEX_KW_EXPORT: {
    lex_token kw = take(p);
    it.kind = kw.kind == LEX_KW_IMPORT ? AST_WI_IMPORT : AST_WI_EXPORT;
    it.docs = docs;
    it.attrs = attrs;
    it.u.ext = node(p, sizeof *it.u.ext);
    ok = parse_extern(p, it.u.ext, kw.start);
    break;
  }
  case LEX_KW_USE:
    it.kind = AST_WI_USE;
    ok = parse_use(p, attrs, &it.u.use);
    break;
  case LEX_KW_TYPE:
  case LEX_KW_FLAGS:
  case LEX_KW_RESOURCE:
  case LEX_KW_RECORD:
  case LEX_KW_VARIANT:
  case LEX_KW_ENUM:
    it.kind = AST_WI_TYPEDEF;
    ok = parse_typedef(p, docs, attrs, &it.u.typedef_);
    break;
  case LEX_KW_INCLUDE:
    it.kind = AST_WI_INCLUDE;
    ok = parse_include(p, attrs, &it.u.include);
    break;
  default:
    return fail_expected(p, "`import`, `export`, `include`, `use`, or type definition");
  }
  if (!ok) return false;
  STK_PUSH(p, ast_world_item, it);
  return true;
}

/* world-def ::= 'world' id '{' world-item* '}' */
static WITC_MUST_CHECK bool parse_world(parser *p, witc_str docs, ast_attrs attrs,
                                        ast_world **out) {
  ast_world *w = node(p, sizeof *w);
  w->docs = docs;
  w->attrs = attrs;
  *out = w;
  lex_token kw = take(p);
  if (!parse_id(p, &w->name) || !expect(p, LEX_LBRACE, NULL)) return false;
  block b = {BK_WORLD, true, p->braces, kw.start, 0, p->blk};
  p->blk = &b;
  uint32_t mark = p->stk_len;
  for (;;) {
    uint32_t before = p->stk_len;
    witc_str item_docs = parse_docs(p);
    bool skip = false;
    if (p->nerrors && !p->failed && !after_error_checks(p, &b, &skip)) {
      p->blk = b.outer;
      return false;
    }
    if (skip) continue;
    if (eat(p, LEX_RBRACE)) break;
    ast_attrs item_attrs = {0};
    if (!p->failed && parse_attributes(p, &item_attrs) &&
        parse_world_item(p, item_docs, item_attrs))
      continue;
    if (!recover(p, &b, before)) {
      p->blk = b.outer;
      return false;
    }
  }
  p->blk = b.outer;
  STK_FINISH(p, mark, &w->items);
  w->span = span_of(p, kw.start, p->last_end);
  return true;
}

/* ---- files and packages --------------------------------------------------------------- */

/* toplevel-use ::= attribute* 'use' use-path ('as' id)? ';'. Attributes are kept: the
 * per-package resolver refuses them ("attributes not allowed on top-level use") at the
 * point where the reference does, after the package's name checks. */
static WITC_MUST_CHECK bool parse_toplevel_use(parser *p, ast_attrs attrs,
                                               ast_toplevel_use **out) {
  ast_toplevel_use *u = node(p, sizeof *u);
  *out = u;
  u->attrs = attrs;
  lex_token kw = take(p);
  if (!parse_use_path(p, &u->path)) return false;
  if (eat(p, LEX_KW_AS)) {
    u->has_as = true;
    if (!parse_id(p, &u->as)) return false;
  }
  if (!expect(p, LEX_SEMICOLON, NULL)) return false;
  u->span = span_of(p, kw.start, p->last_end);
  return true;
}

static WITC_MUST_CHECK bool parse_decl_list(parser *p, uint32_t depth, uint32_t kw,
                                            ast_items *items);

/* nested-package ::= 'package' package-name '{' top-item* '}'. A package inside a nested
 * one is kept in the tree (the per-package resolver refuses it, as the reference's
 * Resolver::push does); the depth cap bounds the recursion. */
static WITC_MUST_CHECK bool parse_nested_package(parser *p, witc_str docs, ast_attrs attrs,
                                                 uint32_t depth, ast_nested_package **out) {
  ast_nested_package *pkg = node(p, sizeof *pkg);
  pkg->docs = docs;
  *out = pkg;
  lex_token kw = take(p);
  if (attrs.len)
    return fail_span(p, kw.start, kw.end, "cannot place attributes on nested packages");
  if (depth > MAX_PACKAGE_DEPTH) {
    fail_span(p, kw.start, kw.end, "package nesting too deep");
    p->fatal = true; /* recovering would only meet the next too deep package */
    return false;
  }
  if (!parse_package_name(p, &pkg->name) || !expect(p, LEX_LBRACE, NULL) ||
      !parse_decl_list(p, depth, kw.start, &pkg->items))
    return false;
  pkg->span = span_of(p, kw.start, p->last_end);
  return true;
}

/* top-item ::= attribute* ( interface-def | world-def | toplevel-use | nested-package ) */
static WITC_MUST_CHECK bool parse_top_item(parser *p, witc_str docs, uint32_t depth) {
  ast_attrs attrs = {0};
  ast_item it;
  memset(&it, 0, sizeof it);
  if (!parse_attributes(p, &attrs)) return false;
  bool ok;
  switch (peek(p)) {
  case LEX_KW_INTERFACE:
    it.kind = AST_ITEM_INTERFACE;
    ok = parse_interface(p, docs, attrs, &it.u.iface);
    break;
  case LEX_KW_WORLD:
    it.kind = AST_ITEM_WORLD;
    ok = parse_world(p, docs, attrs, &it.u.world);
    break;
  case LEX_KW_USE:
    it.kind = AST_ITEM_USE;
    ok = parse_toplevel_use(p, attrs, &it.u.use);
    break;
  case LEX_KW_PACKAGE:
    it.kind = AST_ITEM_PACKAGE;
    ok = parse_nested_package(p, docs, attrs, depth + 1, &it.u.package);
    break;
  default:
    return fail_expected(p, "`world`, `interface` or `use`");
  }
  if (!ok) return false;
  STK_PUSH(p, ast_item, it);
  return true;
}

/* top-item* up to the end of the file (depth 0), or up to '}' for a nested package whose
 * keyword is at `kw` (DeclList). */
static WITC_MUST_CHECK bool parse_decl_list(parser *p, uint32_t depth, uint32_t kw,
                                            ast_items *items) {
  bool braced = depth > 0;
  block b = {BK_TOP, braced, p->braces, kw, 0, p->blk};
  p->blk = &b;
  uint32_t mark = p->stk_len;
  for (;;) {
    uint32_t before = p->stk_len;
    witc_str docs = parse_docs(p);
    bool skip = false;
    if (braced && p->nerrors && !p->failed && !after_error_checks(p, &b, &skip)) {
      p->blk = b.outer;
      return false;
    }
    if (skip) continue;
    if (braced ? eat(p, LEX_RBRACE) : peek(p) == LEX_EOF) {
      STK_FINISH(p, mark, items);
      p->blk = b.outer;
      return true;
    }
    /* After an error, what does not start a top-level item is most likely the rest of a
     * block closed early or opened late: it is skipped quietly. */
    if (p->nerrors && !p->failed) {
      lex_kind k = peek(p);
      if (k != LEX_ERROR && k != LEX_AT && k != LEX_EOF && !(braced && k == LEX_RBRACE) &&
          !block_starts(BK_TOP, k)) {
        p->failed = true;
        p->passing = true;
        if (recover(p, &b, before)) continue;
        p->blk = b.outer;
        return false;
      }
    }
    if (!p->failed && parse_top_item(p, docs, depth)) continue;
    if (!recover(p, &b, before)) {
      p->blk = b.outer;
      return false;
    }
  }
}

/* file ::= (package-decl ';')? top-item*. The header is only a header when `;` follows
 * the name; otherwise the tokens are re-read as a nested package. */
static WITC_MUST_CHECK bool parse_file(parser *p, ast_file *file) {
  saved_pos start = save(p);
  witc_str docs = parse_docs(p);
  if (eat(p, LEX_KW_PACKAGE)) {
    ast_package_name name;
    memset(&name, 0, sizeof name);
    if (!parse_package_name(p, &name)) {
      /* resynchronise as the top level would, then parse the rest */
      block b = {BK_TOP, false, 0, 0, 0, NULL};
      if (!recover(p, &b, p->stk_len)) return false;
      return parse_decl_list(p, 0, 0, &file->items);
    }
    if (eat(p, LEX_SEMICOLON)) {
      file->has_package = true;
      file->package_docs = docs;
      file->package = name;
      file->package_span = name.span;
    } else {
      restore(p, start);
    }
  }
  if (p->failed) {
    block b = {BK_TOP, false, 0, 0, 0, NULL};
    if (!recover(p, &b, p->stk_len)) return false;
  }
  return parse_decl_list(p, 0, 0, &file->items);
}

static bool parse_source(witc_arena *arena, witc_source_map *map, uint32_t file_index,
                         const char *context, witc_diags *diags, ast_file **out) {
  const witc_source_file *f = &map->files.items[file_index];
  parser p;
  memset(&p, 0, sizeof p);
  p.arena = arena;
  p.diags = diags;
  p.context = witc_arena_strndup(arena, context, strlen(context));
  p.text = (const uint8_t *)f->text;
  p.base = f->base;
  p.map = map;
  p.sync_stop = UINT32_MAX;
  uint32_t len = f->len ? f->len - 1 : 0; /* the reference tokenizes without the added '\n' */

  lex_error err;
  bool bad_utf8;
  if (!lex_check_input(p.text, len, &err, &bad_utf8)) {
    if (!bad_utf8) return fail_lex(&p, &err);
    /* wit-parser refuses the file before tokenizing, with no location. */
    witc_diags_error(diags, WITC_SPAN_NONE, "input file is not valid utf-8 [%s]", f->path);
    diags->items.items[diags->items.len - 1].context = p.context;
    return false;
  }
  lex_init(&p.lex, p.text, len);

  ast_file *file = node(&p, sizeof *file);
  file->file_index = file_index;
  if (!parse_file(&p, file) || p.failed || p.nerrors) return false;
  *out = file;
  return true;
}

bool witc_parse_file(witc_arena *arena, witc_source_map *map, uint32_t file_index,
                     const char *context, witc_diags *diags, ast_file **out) {
  *out = NULL;
  if (file_index >= map->files.len) return false;
  if (arena->oom) return parse_source(arena, map, file_index, context ? context : "", diags, out);
  /* No recovery point from the caller: catch an allocation failure here (no diagnostic
   * can be allocated then; the parse just fails). */
  jmp_buf oom;
  arena->oom = &oom;
  volatile bool ok = false;
  if (!setjmp(oom)) ok = parse_source(arena, map, file_index, context ? context : "", diags, out);
  arena->oom = NULL;
  return ok;
}

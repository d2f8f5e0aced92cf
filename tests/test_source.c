/* test_source.c: the source map (offsets, line tables, loading), the diagnostics sink and
 * the reference's error rendering (docs/wit-language.md §8.3). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "source.h"

static witc_arena arena;
static witc_source_map map;
static witc_diags diags;

static void setup(void) {
  witc_arena_init(&arena);
  witc_source_map_init(&map, &arena);
  witc_diags_init(&diags, &arena);
}

static void teardown(void) {
  witc_source_map_delete(&map);
  witc_arena_delete(&arena);
}

TestSuite(source, .init = setup, .fini = teardown);
TestSuite(render, .init = setup, .fini = teardown);

/* Adds a NUL-terminated text. */
static uint32_t add(const char *path, const char *text) {
  return witc_source_map_add(&map, path, text, strlen(text));
}

/* ---- source map ------------------------------------------------------------------- */

Test(source, appends_newline_and_chains_offsets) {
  uint32_t a = add("a.wit", "abc");
  uint32_t b = add("b.wit", "");
  uint32_t c = add("c.wit", "x\n");
  cr_assert_eq(a, 0);
  cr_assert_eq(b, 1);
  cr_assert_eq(c, 2);
  const witc_source_file *fa = &map.files.items[a], *fb = &map.files.items[b],
                         *fc = &map.files.items[c];
  cr_assert_eq(fa->len, 4);
  cr_assert_eq(memcmp(fa->text, "abc\n", 4), 0);
  cr_assert_eq(fb->len, 1);
  cr_assert_eq(fb->text[0], '\n');
  cr_assert_eq(fc->len, 3);
  cr_assert_eq(memcmp(fc->text, "x\n\n", 3), 0);
  cr_assert_eq(fa->base, 0);
  cr_assert_eq(fb->base, 4);
  cr_assert_eq(fc->base, 5);
  cr_assert_eq(map.next_base, 8);
  cr_assert_str_eq(fb->path, "b.wit");
}

Test(source, file_of_offset) {
  add("a.wit", "abc");
  add("b.wit", "de");
  cr_assert_eq(witc_source_map_file(&map, 0), &map.files.items[0]);
  cr_assert_eq(witc_source_map_file(&map, 3), &map.files.items[0]); /* the appended '\n' */
  cr_assert_eq(witc_source_map_file(&map, 4), &map.files.items[1]);
  cr_assert_eq(witc_source_map_file(&map, 6), &map.files.items[1]);
  cr_assert_null(witc_source_map_file(&map, 7));
  cr_assert_null(witc_source_map_file(&map, UINT32_MAX));
}

Test(source, file_of_offset_many_files) {
  char name[32];
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "f%d.wit", i);
    add(name, "0123456789"); /* 11 bytes each */
  }
  for (uint32_t off = 0; off < 1100; off += 7) {
    const witc_source_file *f = witc_source_map_file(&map, off);
    cr_assert_not_null(f);
    cr_assert_eq(f, &map.files.items[off / 11], "offset %u", off);
  }
}

Test(source, locate_lines_and_byte_columns) {
  add("x.wit", "package a:b;\n\ninterface i {\n  type t = caf\xc3\xa9;\n}");
  const witc_source_file *f;
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, 0, &f, &line, &col));
  cr_assert_eq(line, 1);
  cr_assert_eq(col, 1);
  cr_assert_str_eq(f->path, "x.wit");
  cr_assert(witc_source_map_locate(&map, 12, &f, &line, &col)); /* the first '\n' */
  cr_assert_eq(line, 1);
  cr_assert_eq(col, 13);
  cr_assert(witc_source_map_locate(&map, 13, &f, &line, &col)); /* the empty line */
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 1);
  uint32_t semi = (uint32_t)(strchr(map.files.items[0].text, ';' ) - map.files.items[0].text);
  const char *t = map.files.items[0].text;
  uint32_t after = (uint32_t)(strstr(t, "\xc3\xa9;") - t) + 2; /* the ';' after "é" */
  cr_assert(witc_source_map_locate(&map, after, &f, &line, &col));
  cr_assert_eq(line, 4);
  cr_assert_eq(col, 17); /* columns count bytes: "  type t = café" is 16 bytes */
  (void)semi;
  /* The appended '\n' after the last line "}" (no final newline in the input). */
  uint32_t end = map.files.items[0].len - 1;
  cr_assert(witc_source_map_locate(&map, end, &f, &line, &col));
  cr_assert_eq(line, 5);
  cr_assert_eq(col, 2);
  cr_assert_eq(map.files.items[0].nlines, 5);
  cr_assert_not(witc_source_map_locate(&map, map.next_base, &f, &line, &col));
}

Test(source, locate_final_newline_gives_extra_line) {
  add("x.wit", "a\nb\n"); /* stored as "a\nb\n\n" */
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, 4, NULL, &line, &col));
  cr_assert_eq(line, 3);
  cr_assert_eq(col, 1);
  cr_assert_eq(map.files.items[0].nlines, 3);
}

Test(source, locate_in_second_file_is_local) {
  add("a.wit", "one\ntwo\n");
  add("b.wit", "x\n  y");
  uint32_t base = map.files.items[1].base;
  const witc_source_file *f;
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, base + 4, &f, &line, &col));
  cr_assert_str_eq(f->path, "b.wit");
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 3);
}

Test(source, locate_crlf_counts_cr_in_columns) {
  add("x.wit", "a\r\nbc\r\n");
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, 4, NULL, &line, &col)); /* 'c' */
  cr_assert_eq(line, 2);
  cr_assert_eq(col, 2);
}

Test(source, text_of_span) {
  add("a.wit", "hello world");
  witc_str s = witc_source_map_text(&map, (witc_span){6, 11});
  cr_assert_eq(s.len, 5);
  cr_assert_eq(memcmp(s.ptr, "world", 5), 0);
  cr_assert_null(witc_source_map_text(&map, WITC_SPAN_NONE).ptr);
  s = witc_source_map_text(&map, (witc_span){6, 1000}); /* clamped to the file */
  cr_assert_eq(s.len, 6);
}

/* Writes `len` bytes to a fresh temporary file; returns its path (static buffer). */
static const char *temp_file(const void *data, size_t len) {
  static char path[64];
  strcpy(path, "/tmp/witc-test-source-XXXXXX");
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  const char *p = data;
  while (len) {
    ssize_t w = write(fd, p, len);
    cr_assert_gt(w, 0);
    p += w;
    len -= (size_t)w;
  }
  close(fd);
  return path;
}

Test(source, load_small_file) {
  const char *path = temp_file("package a:b;", 12);
  uint32_t idx = witc_source_map_load(&map, path);
  unlink(path);
  cr_assert_eq(idx, 0);
  const witc_source_file *f = &map.files.items[0];
  cr_assert_eq(f->len, 13);
  cr_assert_eq(memcmp(f->text, "package a:b;\n", 13), 0);
  cr_assert_str_eq(f->path, path);
  cr_assert_null(f->unmap);
}

static void load_large(size_t size) {
  char *data = malloc(size);
  cr_assert_not_null(data);
  for (size_t i = 0; i < size; i++) data[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
  const char *path = temp_file(data, size);
  uint32_t idx = witc_source_map_load(&map, path);
  unlink(path);
  cr_assert_neq(idx, UINT32_MAX);
  const witc_source_file *f = &map.files.items[idx];
  cr_assert_eq(f->len, size + 1);
  cr_assert_eq(memcmp(f->text, data, size), 0);
  cr_assert_eq(f->text[size], '\n');
  cr_assert_not_null(f->unmap, "large files are mapped");
  uint32_t line, col;
  cr_assert(witc_source_map_locate(&map, f->base + (uint32_t)size, NULL, &line, &col));
  cr_assert_eq(line, (uint32_t)(size / 61) + 1);
  free(data);
}

Test(source, load_large_file_is_mapped) { load_large(200000); }
/* A size that is an exact multiple of the page size: the '\n' lands in the extra page. */
Test(source, load_page_multiple) { load_large(65536); }

Test(source, load_errors) {
  errno = 0;
  cr_assert_eq(witc_source_map_load(&map, "/nonexistent/x.wit"), UINT32_MAX);
  cr_assert_eq(errno, ENOENT);
  errno = 0;
  cr_assert_eq(witc_source_map_load(&map, "/tmp"), UINT32_MAX);
  cr_assert_eq(errno, EISDIR);
  cr_assert_eq(map.files.len, 0);
}

Test(source, load_device_stream) {
  uint32_t idx = witc_source_map_load(&map, "/dev/null");
  cr_assert_eq(idx, 0);
  cr_assert_eq(map.files.items[0].len, 1);
}

/* ---- diagnostics ------------------------------------------------------------------ */

Test(source, diags_collect) {
  witc_diags_error(&diags, (witc_span){1, 2}, "name `%s` is %d", "x", 42);
  witc_diags_error(&diags, WITC_SPAN_NONE, "plain");
  cr_assert_eq(diags.errors, 2);
  cr_assert_eq(diags.items.len, 2);
  cr_assert_str_eq(diags.items.items[0].message, "name `x` is 42");
  cr_assert_str_eq(diags.items.items[0].context, "");
  cr_assert_eq(diags.items.items[0].severity, WITC_SEV_ERROR);
  cr_assert_eq(diags.items.items[0].span.start, 1);
  cr_assert(witc_span_is_none(diags.items.items[1].span));
}

/* Renders diag i into a string owned by the caller's buffer. */
static char *render(uint32_t i, witc_buf *out) {
  witc_buf_init(out);
  witc_diag_render(&map, &diags.items.items[i], out);
  cr_assert_not(out->error);
  return out->data;
}

/* The span of the first occurrence of `needle` in file `file`. */
static witc_span span_of(uint32_t file, const char *needle) {
  const witc_source_file *f = &map.files.items[file];
  const char *p = strstr(f->text, needle);
  cr_assert_not_null(p, "%s", needle);
  uint32_t start = f->base + (uint32_t)(p - f->text);
  return (witc_span){start, start + (uint32_t)strlen(needle)};
}

/* Corpus case parse-fail/alias-no-type.wit and its .wit.result. */
Test(render, reference_layout) {
  add("tests/ui/parse-fail/alias-no-type.wit",
      "// parse-fail\n\npackage foo:bar;\ninterface foo {\n  type foo = bar;\n}\n");
  witc_diags_error(&diags, span_of(0, "bar;\n}"), "type `bar` does not exist");
  diags.items.items[0].span.end = diags.items.items[0].span.start + 3; /* just "bar" */
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: type `bar` does not exist\n"
                                  "     --> tests/ui/parse-fail/alias-no-type.wit:5:14\n"
                                  "      |\n"
                                  "    5 |   type foo = bar;\n"
                                  "      |              ^--\n");
  witc_buf_delete(&b);
}

Test(render, context_and_multiline_message) {
  add("tests/ui/parse-fail/bad-pkg6/root.wit",
      "package foo:foo;\ninterface a {\n  use foo:bar/baz.{};\n}\n");
  witc_diags_error(&diags, span_of(0, "foo:bar"),
                   "package 'foo:bar' not found. known packages:\n    foo:baz\n    foo:foo\n");
  diags.items.items[0].context =
      "failed to resolve directory while parsing WIT for path [tests/ui/parse-fail/bad-pkg6]: ";
  witc_buf b;
  cr_assert_str_eq(
      render(0, &b),
      "error: failed to resolve directory while parsing WIT for path "
      "[tests/ui/parse-fail/bad-pkg6]: package 'foo:bar' not found. known packages:\n"
      "    foo:baz\n"
      "    foo:foo\n"
      "     --> tests/ui/parse-fail/bad-pkg6/root.wit:3:7\n"
      "      |\n"
      "    3 |   use foo:bar/baz.{};\n"
      "      |       ^------\n");
  witc_buf_delete(&b);
}

Test(render, multiline_message_without_trailing_newline) {
  add("r.wit", "use foo:bar/baz.{};\n");
  witc_diags_error(&diags, span_of(0, "foo:bar"), "known packages:\n    foo:baz");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: known packages:\n"
                                  "    foo:baz\n"
                                  "     --> r.wit:1:5\n"
                                  "      |\n"
                                  "    1 | use foo:bar/baz.{};\n"
                                  "      |     ^------\n");
  witc_buf_delete(&b);
}

Test(render, no_span) {
  witc_diags_error(&diags, WITC_SPAN_NONE,
                   "package `foo:name` is defined in two different locations:\n"
                   "  * a.wit:5:9\n  * a.wit:3:9");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: package `foo:name` is defined in two different "
                                  "locations:\n  * a.wit:5:9\n  * a.wit:3:9\n");
  witc_buf_delete(&b);
}

/* Corpus case very-large-column.wit: a line over 500 bytes is not quoted. */
Test(render, long_line_rule) {
  char text[1200];
  memset(text, 'x', sizeof text);
  memcpy(text, "package a:b; ", 13);
  text[sizeof text - 1] = 0;
  add("tests/ui/parse-fail/very-large-column.wit", text);
  uint32_t at = 600;
  witc_diags_error(&diags, (witc_span){at, at + 3}, "expected '{', found an identifier");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: tests/ui/parse-fail/very-large-column.wit:1:601: "
                                  "expected '{', found an identifier\n");
  witc_buf_delete(&b);
}

Test(render, line_of_exactly_500_bytes_is_quoted) {
  char text[501];
  memset(text, 'y', 500);
  text[500] = 0;
  add("l.wit", text);
  witc_diags_error(&diags, (witc_span){0, 1}, "m");
  witc_buf b;
  render(0, &b);
  cr_assert(strstr(b.data, "     --> l.wit:1:1\n") != NULL);
  witc_buf_delete(&b);
}

Test(render, crlf_snippet_drops_cr) {
  add("c.wit", "package a:b;\r\ninterface i {\r\n  type foo = bar;\r\n}\r\n");
  witc_diags_error(&diags, span_of(0, "bar"), "type `bar` does not exist");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: type `bar` does not exist\n"
                                  "     --> c.wit:3:14\n"
                                  "      |\n"
                                  "    3 |   type foo = bar;\n"
                                  "      |              ^--\n");
  witc_buf_delete(&b);
}

Test(render, dashes_count_characters_columns_count_bytes) {
  add("u.wit", "// \xc3\xa9\n/* \xc3\xa9 */ \"\xc3\xa9t\xc3\xa9\" x\n");
  witc_diags_error(&diags, span_of(0, "\"\xc3\xa9t\xc3\xa9\""), "m");
  witc_buf b;
  /* the span is 5 characters (7 bytes) starting at byte column 10 */
  cr_assert_str_eq(render(0, &b), "error: m\n"
                                  "     --> u.wit:2:10\n"
                                  "      |\n"
                                  "    2 | /* \xc3\xa9 */ \"\xc3\xa9t\xc3\xa9\" x\n"
                                  "      |          ^----\n");
  witc_buf_delete(&b);
}

Test(render, span_not_on_char_boundary_has_no_dashes) {
  add("u.wit", "x \xc3\xa9\xc3\xa9 y\n");
  witc_diags_error(&diags, (witc_span){2, 5}, "m"); /* ends inside the second 'é' */
  witc_buf b;
  render(0, &b);
  cr_assert(strstr(b.data, "\n      |   ^\n") != NULL, "%s", b.data);
  witc_buf_delete(&b);
}

Test(render, eof_span_points_at_appended_newline) {
  add("e.wit", "package a:b;\ninterface i {");
  uint32_t end = map.files.items[0].len - 1;
  witc_diags_error(&diags, (witc_span){end, end + 1},
                   "expected `type`, `resource` or `func`, found eof");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: expected `type`, `resource` or `func`, found eof\n"
                                  "     --> e.wit:2:14\n"
                                  "      |\n"
                                  "    2 | interface i {\n"
                                  "      |              ^\n");
  witc_buf_delete(&b);
}

Test(render, wide_line_numbers) {
  /* 12344 newlines: the error is on line 12345. */
  size_t n = 12344;
  char *text = malloc(n + 8);
  memset(text, '\n', n);
  strcpy(text + n, "oops");
  add("w.wit", text);
  free(text);
  witc_diags_error(&diags, span_of(0, "oops"), "m");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: m\n"
                                  "     --> w.wit:12345:1\n"
                                  "      |\n"
                                  " 12345 | oops\n"
                                  "      | ^---\n");
  witc_buf_delete(&b);
}

Test(render, severities) {
  add("s.wit", "abc\n");
  witc_diags_error(&diags, WITC_SPAN_NONE, "w");
  diags.items.items[0].severity = WITC_SEV_WARNING;
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "warning: w\n");
  witc_buf_delete(&b);
  diags.items.items[0].severity = WITC_SEV_INFO;
  diags.items.items[0].context = NULL;
  cr_assert_str_eq(render(0, &b), "info: w\n");
  witc_buf_delete(&b);
}

Test(render, span_outside_every_file_renders_message_only) {
  add("s.wit", "abc\n");
  witc_diags_error(&diags, (witc_span){1000, 1001}, "lost");
  witc_buf b;
  cr_assert_str_eq(render(0, &b), "error: lost\n");
  witc_buf_delete(&b);
}

Test(source, read_stream_from_pipe) {
  int fds[2];
  cr_assert_eq(pipe(fds), 0);
  /* More than the initial 64 KiB buffer, so it has to grow. */
  size_t size = 100000;
  char *data = malloc(size);
  for (size_t i = 0; i < size; i++) data[i] = (char)(i * 7);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    size_t off = 0;
    while (off < size) {
      ssize_t w = write(fds[1], data + off, size - off);
      if (w <= 0) _exit(1);
      off += (size_t)w;
    }
    _exit(0);
  }
  close(fds[1]);
  size_t len = 0;
  char *got = witc_read_stream(fds[0], &len);
  close(fds[0]);
  cr_assert_not_null(got);
  cr_assert_eq(len, size);
  cr_assert_eq(memcmp(got, data, size), 0);
  witc_mem_free(got);
  free(data);
}

/* stages.c: where `witc check FILE` spends time and memory, stage by stage.
 *
 *   stages [--runs N] FILE.wit
 *
 * Runs witc's own front-end functions in the order `witc check` does for one file (map the
 * file, lex+parse, per-package resolve, cross-package resolve), each run in a fresh child
 * process (so every run pays the page faults a real `witc check` pays), and prints, per
 * stage, the median wall time, the arena bytes used (witc_arena.total less the free tail),
 * the growth of the resident set and the minor page faults. Also: a lex-only pass (tokens and time,
 * informational; lex+parse includes the lexing), the sizes of the model and AST structs,
 * and the item counts of the resolved graph with the bytes their arrays hold.
 *
 * Linked against build-bench/libwitc_front.a (internal headers: parser/). Only for files:
 * directories go through witc_resolve_push_path as a whole (one "total" stage). */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ast.h"
#include "lex.h"
#include "model.h"
#include "parse.h"
#include "resolve.h"
#include "resolve_int.h"
#include "resolve_pkg.h"
#include "source.h"

enum { ST_MAP, ST_LEX_ONLY, ST_PARSE, ST_PKG, ST_CROSS, ST_TOTAL, ST_COUNT };
static const char *const stage_names[ST_COUNT] = {
    "read (mmap) + UTF-8 scan",   "(lex only, informational)", "lex + parse (AST)",
    "per-package resolve",        "cross-package resolve",     "total (map..cross)"};

typedef struct sample {
  double ms[ST_COUNT];
  double arena[ST_COUNT];  /* arena bytes obtained during the stage */
  double rss_kb[ST_COUNT]; /* VmRSS growth */
  double flt[ST_COUNT];    /* minor faults */
  double hwm_kb;           /* VmHWM at the end */
  double tokens;
  double n_types, n_funcs, n_ifaces, n_worlds, n_params, n_fields;
  double bytes_types, bytes_funcs, bytes_ifaces, bytes_worlds, bytes_named;
  double ok;
} sample;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double status_kb(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double v = 0;
  size_t n = strlen(key);
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, n)) {
      v = strtod(line + n, NULL);
      break;
    }
  fclose(f);
  return v;
}

static double minflt(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_minflt;
}

typedef struct mark {
  double t, arena, rss, flt;
} mark;

/* Arena bytes in use: obtained minus the free tail of the newest chunk (tails left behind
 * when a request did not fit count as used; they are rare with witc's growing chunks). */
static double arena_used(const witc_arena *a) {
  return (double)a->total - (a->cur ? (double)(a->end - a->cur) : 0);
}

static mark take(const witc_arena *a) {
  return (mark){now_ms(), arena_used(a), status_kb("VmRSS:"), minflt()};
}

static void record(sample *s, int st, mark from, mark to) {
  s->ms[st] = to.t - from.t;
  s->arena[st] = to.arena - from.arena;
  s->rss_kb[st] = to.rss - from.rss;
  s->flt[st] = to.flt - from.flt;
}

/* The same check as fs.c's utf8_valid is part of loading; lex_check_input (which the
 * parser runs again) stands in for it here. */
static void run_file(const char *path, sample *s) {
  witc_arena arena;
  witc_source_map map;
  witc_diags diags;
  witc_resolve r;
  witc_arena_init(&arena);
  witc_source_map_init(&map, &arena);
  witc_diags_init(&diags, &arena);
  witc_resolve_init(&r, &arena, &map);

  mark m0 = take(&arena);
  uint32_t idx = witc_source_map_load(&map, path);
  if (idx == UINT32_MAX) {
    perror(path);
    exit(2);
  }
  const witc_source_file *f = &map.files.items[idx];
  lex_error err;
  bool bad;
  if (!lex_check_input((const uint8_t *)f->text, f->len - 1, &err, &bad)) {
    fprintf(stderr, "%s: invalid input\n", path);
    exit(1);
  }
  mark m1 = take(&arena);
  record(s, ST_MAP, m0, m1);

  lex_state lx;
  lex_token tok;
  lex_init(&lx, (const uint8_t *)f->text, f->len - 1);
  double tokens = 0;
  for (;;) {
    lex_kind k = lex_next(&lx, &tok);
    if (k == LEX_EOF || k == LEX_ERROR) break;
    tokens++;
  }
  mark m2 = take(&arena);
  record(s, ST_LEX_ONLY, m1, m2);
  s->tokens = tokens;

  ast_file *file = NULL;
  if (!witc_parse_file(&arena, &map, idx, "", &diags, &file)) {
    fprintf(stderr, "%s: syntax error\n", path);
    exit(1);
  }
  mark m3 = take(&arena);
  record(s, ST_PARSE, m2, m3);

  witc_unresolved_group *g = witc_arena_alloc(&arena, sizeof *g);
  if (!witc_resolve_package(&arena, &map, &file, 1, "", &diags, g)) {
    fprintf(stderr, "%s: per-package resolve failed\n", path);
    exit(1);
  }
  mark m4 = take(&arena);
  record(s, ST_PKG, m3, m4);

  rs_ctx cx = {&r, &diags, "", {0}};
  witc_id pkg = rs_push_groups(&cx, g, NULL, 0);
  if (pkg == WITC_ID_NONE || diags.errors) {
    fprintf(stderr, "%s: resolve failed\n", path);
    exit(1);
  }
  mark m5 = take(&arena);
  record(s, ST_CROSS, m4, m5);
  s->ms[ST_TOTAL] = m5.t - m0.t - s->ms[ST_LEX_ONLY];
  s->arena[ST_TOTAL] = m5.arena - m0.arena;
  s->rss_kb[ST_TOTAL] = m5.rss - m0.rss;
  s->flt[ST_TOTAL] = m5.flt - m0.flt - s->flt[ST_LEX_ONLY];
  s->hwm_kb = status_kb("VmHWM:");

  s->n_types = r.types.len;
  s->n_ifaces = r.interfaces.len;
  s->n_worlds = r.worlds.len;
  double funcs = 0, params = 0, fields = 0, named = 0;
  for (uint32_t i = 0; i < r.interfaces.len; i++) {
    const witc_interface *it = &r.interfaces.items[i];
    funcs += it->functions.len;
    named += it->types.len;
    for (uint32_t k = 0; k < it->functions.len; k++) params += it->functions.items[k].params.len;
  }
  for (uint32_t i = 0; i < r.types.len; i++) {
    const witc_typedef *td = &r.types.items[i];
    if (td->kind == WITC_TD_RECORD || td->kind == WITC_TD_VARIANT || td->kind == WITC_TD_ENUM ||
        td->kind == WITC_TD_FLAGS)
      fields += td->u.fields.len;
  }
  s->n_funcs = funcs;
  s->n_params = params;
  s->n_fields = fields;
  s->bytes_types = (double)r.types.cap * sizeof(witc_typedef);
  s->bytes_funcs = funcs * sizeof(witc_function);
  s->bytes_ifaces = (double)r.interfaces.cap * sizeof(witc_interface);
  s->bytes_worlds = (double)r.worlds.cap * sizeof(witc_world);
  s->bytes_named = named * sizeof(witc_named_id);
  s->ok = 1;
  witc_source_map_delete(&map);
  witc_arena_delete(&arena);
}

static void run_dir(const char *path, sample *s) {
  witc_arena arena;
  witc_source_map map;
  witc_diags diags;
  witc_resolve r;
  witc_arena_init(&arena);
  witc_source_map_init(&map, &arena);
  witc_diags_init(&diags, &arena);
  witc_resolve_init(&r, &arena, &map);
  mark m0 = take(&arena);
  bool io = false;
  witc_id pkg = witc_resolve_push_path(&r, path, &diags, &io);
  if (pkg == WITC_ID_NONE || diags.errors) {
    fprintf(stderr, "%s: resolve failed\n", path);
    exit(1);
  }
  mark m1 = take(&arena);
  record(s, ST_TOTAL, m0, m1);
  s->hwm_kb = status_kb("VmHWM:");
  s->n_types = r.types.len;
  s->n_ifaces = r.interfaces.len;
  s->n_worlds = r.worlds.len;
  s->ok = 1;
  witc_source_map_delete(&map);
  witc_arena_delete(&arena);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median of field at byte offset `off` over the samples. */
static double median(const sample *v, int n, size_t off) {
  double *xs = malloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < n; i++) xs[i] = *(const double *)((const char *)&v[i] + off);
  qsort(xs, (size_t)n, sizeof *xs, cmp_double);
  double m = n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  free(xs);
  return m;
}

#define MED(field) median(samples, runs, offsetof(sample, field))

int main(int argc, char **argv) {
  int runs = 5;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else path = argv[i];
  }
  if (!path || runs < 1) {
    fprintf(stderr, "usage: stages [--runs N] FILE.wit|DIR\n");
    return 2;
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    return 2;
  }
  bool dir = S_ISDIR(st.st_mode);
  sample *samples = calloc((size_t)runs, sizeof *samples);
  for (int i = 0; i < runs; i++) {
    int fd[2];
    if (pipe(fd) != 0) return 2;
    pid_t pid = fork();
    if (pid == 0) {
      close(fd[0]);
      sample s;
      memset(&s, 0, sizeof s);
      if (dir) run_dir(path, &s);
      else run_file(path, &s);
      if (write(fd[1], &s, sizeof s) != (ssize_t)sizeof s) _exit(2);
      _exit(0);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], &samples[i], sizeof samples[i]);
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got != (ssize_t)sizeof samples[i] || !WIFEXITED(status) || WEXITSTATUS(status)) {
      fprintf(stderr, "stages: run %d failed\n", i);
      return 1;
    }
  }

  double mib = (double)st.st_size / (1024.0 * 1024.0);
  printf("Input: %s, %.0f bytes (%.2f MiB); median of %d runs, each in a fresh process.\n\n",
         path, (double)st.st_size, mib, runs);
  printf("| stage | time ms | MB/s | arena bytes used | arena / input | RSS growth "
         "| minor faults |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (int k = dir ? ST_TOTAL : 0; k < ST_COUNT; k++) {
    double ms = median(samples, runs, offsetof(sample, ms) + sizeof(double) * (size_t)k);
    double ar = median(samples, runs, offsetof(sample, arena) + sizeof(double) * (size_t)k);
    double rs = median(samples, runs, offsetof(sample, rss_kb) + sizeof(double) * (size_t)k);
    double fl = median(samples, runs, offsetof(sample, flt) + sizeof(double) * (size_t)k);
    printf("| %s | %.1f | %.0f | %.1f MiB | %.2f | %.1f MiB | %.0f |\n", stage_names[k], ms,
           ms > 0 ? (double)st.st_size / 1e6 / (ms / 1e3) : 0, ar / 1048576.0,
           ar / (double)st.st_size, rs / 1024.0, fl);
  }
  printf("\nPeak RSS of the process (VmHWM): %.1f MiB (%.1f x the input).\n",
         MED(hwm_kb) / 1024.0, MED(hwm_kb) * 1024.0 / (double)st.st_size);
  if (!dir)
    printf("Tokens: %.0f (%.1f bytes per token).\n", MED(tokens),
           (double)st.st_size / MED(tokens));
  printf("\nResolved graph: %.0f types, %.0f interfaces, %.0f worlds", MED(n_types), MED(n_ifaces),
         MED(n_worlds));
  if (!dir) {
    printf(", %.0f interface functions, %.0f parameters, %.0f fields/cases/flags.\n",
           MED(n_funcs), MED(n_params), MED(n_fields));
    printf("Arrays of the resolved graph (live copies only): types %.1f MiB, interface "
           "functions %.1f MiB, interfaces %.1f MiB, worlds %.2f MiB, name->id %.2f MiB.\n",
           MED(bytes_types) / 1048576.0, MED(bytes_funcs) / 1048576.0,
           MED(bytes_ifaces) / 1048576.0, MED(bytes_worlds) / 1048576.0,
           MED(bytes_named) / 1048576.0);
  } else {
    printf(".\n");
  }

  printf("\nStruct sizes (bytes):\n\n| struct | size |\n|---|---:|\n");
#define SZ(T) printf("| %s | %zu |\n", #T, sizeof(T))
  SZ(witc_typedef);
  SZ(witc_stability);
  SZ(witc_version);
  SZ(witc_str);
  SZ(witc_type);
  SZ(witc_field);
  SZ(witc_param);
  SZ(witc_function);
  SZ(witc_interface);
  SZ(witc_world);
  SZ(witc_world_item);
  SZ(witc_world_entry);
  SZ(witc_named_id);
  SZ(witc_strmap_slot);
  SZ(witc_package);
  SZ(ast_type);
  SZ(ast_typedef);
  SZ(ast_field);
  SZ(ast_param);
  SZ(ast_func);
  SZ(ast_iface_item);
  SZ(ast_named_func);
  SZ(ast_resource_func);
  SZ(ast_attr);
  SZ(ast_version);
  SZ(ast_id);
  SZ(lex_token);
#undef SZ
  free(samples);
  return 0;
}

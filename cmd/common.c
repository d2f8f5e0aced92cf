/* common.c: the input side the subcommands share: the resolver and --mangling options,
 * loading an input (file, directory, stdin or the bundled package) into a resolved graph,
 * running a back end under an out-of-memory recovery point, and printing diagnostics.
 * Output files are output.c's; the bundled packages' table is bundled.c's. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../parser/resolve.h"
#include "bundled.h"
#include "cli.h"

/* ---- options ---------------------------------------------------------------------- */

/* Repeated --features options accumulate (`--features a --features b` = `a,b`). The
 * command line is short-lived, so a static buffer is enough. */
static char features_buf[4096];

bool cli_resolve_opts_take(cli_resolve_opts *self, int id, const char *arg) {
  switch (id) {
  case CLI_OPT_FEATURES: {
    size_t have = self->features ? strlen(self->features) : 0;
    size_t add = strlen(arg);
    if (have + add + 2 > sizeof features_buf) {
      fprintf(stderr, "error: --features: list too long\n");
      return false;
    }
    if (self->features != features_buf) {
      if (have) memmove(features_buf, self->features, have);
      features_buf[have] = 0;
    }
    if (have) features_buf[have++] = ',';
    memcpy(features_buf + have, arg, add + 1);
    self->features = features_buf;
    return true;
  }
  case CLI_OPT_ALL_FEATURES:
    self->all_features = true;
    return true;
  case CLI_OPT_WORLD:
    self->world = arg;
    return true;
  case CLI_OPT_PROTOCOL:
    if (!cli_bundled_find(arg)) {
      fprintf(stderr, "error: unknown protocol version '%s' (bundled: %s)\n", arg,
              cli_bundled_versions());
      return false;
    }
    self->protocol = arg;
    return true;
  default:
    return false;
  }
}

static bool resolve_opt(int id, const char *arg, void *user) {
  return cli_resolve_opts_take(user, id, arg);
}

int cli_parse_resolve_opts(const cli_command *cmd, int argc, char **argv, bool operands,
                           cli_resolve_opts *opts, int *rc) {
  *opts = (cli_resolve_opts){0};
  bool done;
  int first = cli_parse(cmd, argc, argv, resolve_opt, opts, &done);
  *rc = first < 0 ? CLI_USAGE : CLI_OK;
  if (first < 0 || done) return -1;
  if (!operands && first != argc) {
    fprintf(stderr, "error: 'witc %s' takes no operands\nRun 'witc %s --help' for usage.\n",
            cmd->name, cmd->name);
    *rc = CLI_USAGE;
    return -1;
  }
  return first;
}

bool cli_mangling_parse(const char *arg, witc_mangling *out) {
  if (!strcmp(arg, "legacy")) {
    *out = WITC_MANGLING_LEGACY;
  } else if (!strcmp(arg, "standard32")) {
    *out = WITC_MANGLING_STANDARD32;
  } else {
    fprintf(stderr, "error: --mangling must be 'legacy' or 'standard32', not '%s'\n", arg);
    return false;
  }
  return true;
}

/* ---- loading ---------------------------------------------------------------------- */

/* Enables each name of a comma-separated list (blanks around names ignored). */
static void enable_features(witc_resolve *r, const char *list) {
  const char *p = list;
  while (p && *p) {
    const char *e = strchr(p, ',');
    if (!e) e = p + strlen(p);
    const char *s = p, *t = e;
    while (s < t && (*s == ' ' || *s == '\t')) s++;
    while (t > s && (t[-1] == ' ' || t[-1] == '\t')) t--;
    if (t > s) witc_resolve_enable_feature(r, (witc_str){s, (uint32_t)(t - s)});
    p = *e ? e + 1 : e;
  }
}

/* The part of cli_input_load that may run out of memory (the arena then longjmps back). */
static int load(cli_input *self, const char *path, const cli_resolve_opts *opts,
                bool need_world) {
  witc_resolve *r = &self->resolve;
  if (opts->all_features) r->all_features = true;
  enable_features(r, opts->features);

  bool io_error = false;
  if (!path) {
    const cli_bundled *b = cli_bundled_find(opts->protocol);
    if (!b) {
      fprintf(stderr, "error: unknown protocol version '%s' (bundled: %s)\n",
              opts->protocol ? opts->protocol : "(default)", cli_bundled_versions());
      return CLI_USAGE;
    }
    const char *name = witc_arena_printf(&self->arena, "<bundled>/%s/%s", b->version, b->file);
    self->package =
        witc_resolve_push_str(r, name, (const char *)b->text, b->len, &self->diags);
  } else if (!strcmp(path, "-")) {
    size_t len = 0;
    char *text = witc_read_stream(STDIN_FILENO, &len);
    if (!text) {
      fprintf(stderr, "error: failed to read standard input: %s\n", strerror(errno));
      return CLI_USAGE;
    }
    /* Into the arena, with the out-of-memory jump off so the buffer cannot leak. */
    jmp_buf *oom = self->arena.oom;
    self->arena.oom = NULL;
    char *copy = witc_arena_strndup(&self->arena, text, len);
    self->arena.oom = oom;
    witc_mem_free(text);
    if (!copy) {
      fprintf(stderr, "error: out of memory reading standard input\n");
      return CLI_USAGE;
    }
    self->package = witc_resolve_push_str(r, "<stdin>", copy, len, &self->diags);
  } else {
    self->package = witc_resolve_push_path(r, path, &self->diags, &io_error);
  }
  if (self->package == WITC_ID_NONE) {
    if (self->diags.items.len == 0)
      witc_diags_error(&self->diags, WITC_SPAN_NONE, "failed to resolve %s",
                       path ? path : "the bundled package");
    return io_error ? CLI_USAGE : CLI_INVALID;
  }
  if (need_world || opts->world) {
    self->world = witc_resolve_select_world(r, self->package, opts->world, &self->diags);
    if (self->world == WITC_ID_NONE) {
      if (self->diags.items.len == 0)
        witc_diags_error(&self->diags, WITC_SPAN_NONE, "no world selected");
      return CLI_INVALID;
    }
  }
  return self->diags.errors ? CLI_INVALID : CLI_OK;
}

/* Runs load() under an out-of-memory recovery point. Nothing it reads is modified
 * between setjmp and a longjmp, so no local needs to be volatile. */
static int load_guarded(cli_input *self, const char *path, const cli_resolve_opts *opts,
                        bool need_world) {
  jmp_buf oom;
  self->arena.oom = &oom;
  if (setjmp(oom) != 0) {
    self->arena.oom = NULL;
    cli_print_diags(self);
    fprintf(stderr, "error: out of memory\n");
    return CLI_USAGE;
  }
  int rc = load(self, path, opts, need_world);
  self->arena.oom = NULL; /* the jmp_buf dies with this frame */
  return rc;
}

int cli_input_load(cli_input *self, const char *path, const cli_resolve_opts *opts,
                   bool need_world) {
  static const cli_resolve_opts none;
  memset(self, 0, sizeof *self);
  witc_arena_init(&self->arena);
  witc_source_map_init(&self->sources, &self->arena);
  witc_diags_init(&self->diags, &self->arena);
  witc_resolve_init(&self->resolve, &self->arena, &self->sources);
  self->package = WITC_ID_NONE;
  self->world = WITC_ID_NONE;
  if (path && opts && opts->protocol) {
    fprintf(stderr, "error: --protocol selects a bundled package and cannot be combined with "
                    "PATH '%s'\n",
            path);
    return CLI_USAGE;
  }
  int rc = load_guarded(self, path, opts ? opts : &none, need_world);
  cli_print_diags(self);
  return rc;
}

void cli_input_delete(cli_input *self) {
  witc_source_map_delete(&self->sources);
  witc_arena_delete(&self->arena);
  memset(self, 0, sizeof *self);
}

int cli_input_load_world(cli_input *self, int argc, char **argv, int first,
                         const cli_resolve_opts *opts) {
  if (argc - first > 1) {
    memset(self, 0, sizeof *self);
    fprintf(stderr, "error: at most one PATH may be given\n");
    return CLI_USAGE;
  }
  int rc = cli_input_load(self, argc > first ? argv[first] : NULL, opts, true);
  if (rc != CLI_OK) cli_input_delete(self);
  return rc;
}

int cli_run_guarded(cli_input *self, int (*fn)(cli_input *in, void *user), void *user) {
  jmp_buf oom;
  self->arena.oom = &oom;
  if (setjmp(oom) != 0) {
    self->arena.oom = NULL;
    fprintf(stderr, "error: out of memory\n");
    return CLI_USAGE;
  }
  int rc = fn(self, user);
  self->arena.oom = NULL; /* the jmp_buf dies with this frame */
  return rc;
}

void cli_print_diags(cli_input *self) {
  witc_buf out;
  witc_buf_init(&out);
  for (uint32_t i = 0; i < self->diags.items.len; i++) {
    if (i) witc_buf_putc(&out, '\n');
    witc_diag_render(&self->sources, &self->diags.items.items[i], &out);
  }
  if (out.error)
    fprintf(stderr, "error: out of memory while rendering diagnostics\n");
  else if (out.len)
    fwrite(out.data, 1, out.len, stderr);
  fflush(stderr);
  witc_buf_delete(&out);
  /* Printed diagnostics are not printed again by a later call. */
  self->diags.items.len = 0;
}

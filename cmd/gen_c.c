/* gen_c.c: `witc gen c [--world W] [-o DIR] [--mangling legacy|standard32] [PATH]`: writes
 * <world>.h and <world>.c (world name in snake_case) into DIR (default ".", created when
 * missing), each atomically. No PATH: the bundled vtx:api world. Deterministic renames of
 * C names are reported on stderr as notes. Exit: 0 ok; 1 invalid WIT or an item the
 * generator does not support (async, future, stream, error-context), located in the WIT;
 * 2 usage or I/O error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../codegen/c_gen.h"
#include "cli.h"

static const cli_option gen_c_options[] = {
    CLI_RESOLVE_OPTIONS,
    {CLI_OPT_OUTPUT, "output", 'o', "DIR", "directory to write <world>.h and <world>.c into (default .)"},
    CLI_MANGLING_OPTION("core import/export names: legacy (default: cabi_realloc, module#func) "
                        "or standard32 (cm32p2)"),
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

typedef struct gen_c_args {
  cli_resolve_opts ropts;
  const char *out_dir;
  witc_mangling mangling;
  bool bad;
} gen_c_args;

static bool gen_c_opt(int id, const char *arg, void *user) {
  gen_c_args *a = user;
  if (cli_resolve_opts_take(&a->ropts, id, arg)) return true;
  if (id == CLI_OPT_OUTPUT) {
    a->out_dir = arg;
    return true;
  }
  if (id == CLI_OPT_MANGLING) {
    if (!cli_mangling_parse(arg, &a->mangling)) a->bad = true;
    return true;
  }
  return false;
}

static int write_out(const char *dir, const char *base, const char *ext, const witc_buf *b) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s.%s", dir, base, ext);
  if (n < 0 || (size_t)n >= sizeof path) {
    fprintf(stderr, "error: output path too long\n");
    return CLI_USAGE;
  }
  if (cli_write_file_atomic(path, b->data ? b->data : "", b->len) != 0) {
    fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return CLI_USAGE;
  }
  return CLI_OK;
}

typedef struct gen_c_job {
  witc_gen_c_opts opts;
  witc_gen_c_out *out;
} gen_c_job;

/* Generates the bindings (under cli_run_guarded: arena failures longjmp out). */
static int generate(cli_input *in, void *user) {
  gen_c_job *job = user;
  if (!witc_gen_c(&in->resolve, in->world, &job->opts, &in->diags, job->out)) {
    if (in->diags.items.len) {
      cli_print_diags(in);
      return CLI_INVALID;
    }
    fprintf(stderr, "error: out of memory\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int gen_c_run(int argc, char **argv) {
  extern const cli_command cmd_gen_c;
  gen_c_args a = {0};
  a.out_dir = ".";
  bool done;
  int first = cli_parse(&cmd_gen_c, argc, argv, gen_c_opt, &a, &done);
  if (first < 0 || a.bad) return CLI_USAGE;
  if (done) return CLI_OK;
  cli_input in;
  int rc = cli_input_load_world(&in, argc, argv, first, &a.ropts);
  if (rc != CLI_OK) return rc;
  witc_gen_c_out out;
  memset(&out, 0, sizeof out);
  rc = cli_run_guarded(&in, generate, &(gen_c_job){{a.mangling}, &out});
  if (out.notes.len && !out.notes.error) fputs(out.notes.data, stderr);
  if (rc == CLI_OK) {
    if (cli_make_dirs(a.out_dir) != 0) {
      fprintf(stderr, "error: cannot create directory %s: %s\n", a.out_dir, strerror(errno));
      rc = CLI_USAGE;
    } else {
      rc = write_out(a.out_dir, out.base, "h", &out.header);
      if (rc == CLI_OK) rc = write_out(a.out_dir, out.base, "c", &out.source);
    }
  }
  witc_gen_c_out_delete(&out);
  cli_input_delete(&in);
  return rc;
}

const cli_command cmd_gen_c = {
    "gen c", "[OPTIONS] [PATH]",
    "generate C bindings (<world>.h, <world>.c) for a world (none: the bundled vtx:api)",
    gen_c_options, gen_c_run};

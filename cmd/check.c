/* check.c: `witc check [--features a,b | --all-features] [--world W] [--protocol V]
 * [PATH...]`: resolves each PATH (a .wit file, a package directory, or - for stdin) in a
 * fresh graph, or the bundled vtx:api package when none is given, and reports errors.
 * Silent on success. Exit: 0 all valid, 1 some input has errors, 2 usage or I/O error. */
#include "cli.h"

static const cli_option check_options[] = {
    CLI_RESOLVE_OPTIONS,
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

static bool check_opt(int id, const char *arg, void *user) {
  if (cli_resolve_opts_take(user, id, arg)) return true;
  return false;
}

static int check_run(int argc, char **argv) {
  extern const cli_command cmd_check;
  cli_resolve_opts opts = {0};
  bool done;
  int first = cli_parse(&cmd_check, argc, argv, check_opt, &opts, &done);
  if (first < 0) return CLI_USAGE;
  if (done) return CLI_OK;

  int rc = CLI_OK;
  int n = argc - first;
  for (int i = 0; i < (n ? n : 1); i++) {
    cli_input in;
    int r = cli_input_load(&in, n ? argv[first + i] : NULL, &opts, false);
    cli_input_delete(&in);
    if (r > rc) rc = r;
  }
  return rc;
}

const cli_command cmd_check = {
    "check", "[OPTIONS] [PATH...]",
    "check WIT files or package directories (- reads stdin; none: the bundled vtx:api)",
    check_options, check_run};

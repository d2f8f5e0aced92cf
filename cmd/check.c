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

static int check_run(int argc, char **argv) {
  extern const cli_command cmd_check;
  cli_resolve_opts opts;
  int rc, first = cli_parse_resolve_opts(&cmd_check, argc, argv, true, &opts, &rc);
  if (first < 0) return rc;

  rc = CLI_OK;
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

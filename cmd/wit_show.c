/* wit_show.c: `witc wit-show [--protocol V]` prints the text of the bundled vtx:api
 * package from the copy embedded in the binary (the Python package's get_wit_content()). */
#include <string.h>

#include "bundled.h"
#include "cli.h"

static const cli_option show_options[] = {
    CLI_PROTOCOL_OPTION,
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

static int show_run(int argc, char **argv) {
  extern const cli_command cmd_wit_show;
  cli_resolve_opts opts;
  int rc, first = cli_parse_resolve_opts(&cmd_wit_show, argc, argv, false, &opts, &rc);
  if (first < 0) return rc;
  const cli_bundled *b = cli_bundled_find(opts.protocol);
  /* A failed write stops here; cli_main reports it (it checks standard output once for
   * every command). */
  for (const cli_bundled *f = b; f && f->version && !strcmp(f->version, b->version); f++)
    if (fwrite(f->text, 1, f->len, stdout) != f->len) break;
  return CLI_OK;
}

const cli_command cmd_wit_show = {"wit-show", "[--protocol VERSION]",
                                  "print the bundled vtx:api WIT (from the embedded copy)",
                                  show_options, show_run};

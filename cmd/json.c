/* json.c: `witc json [--features a,b | --all-features] [PATH]` - the whole resolved graph
 * as JSON, byte for byte as the reference prints it (codegen/json.h). */
#include <errno.h>
#include <string.h>

#include "../codegen/json.h"
#include "cli.h"

extern const cli_command cmd_json;

static const cli_option json_options[] = {
    CLI_RESOLVE_OPTIONS,
    {0, NULL, 0, NULL, NULL},
};

static bool json_opt(int id, const char *arg, void *user) {
  return cli_resolve_opts_take(user, id, arg);
}

static int json_run(int argc, char **argv) {
  cli_resolve_opts opts = {0};
  bool done = false;
  int first = cli_parse(&cmd_json, argc, argv, json_opt, &opts, &done);
  if (first < 0) return CLI_USAGE;
  if (done) return CLI_OK;
  if (argc - first > 1) {
    fprintf(stderr, "error: witc json takes one PATH, got %d\n", argc - first);
    fprintf(stderr, "Run 'witc json --help' for usage.\n");
    return CLI_USAGE;
  }
  const char *path = first < argc ? argv[first] : NULL;

  cli_input in;
  int rc = cli_input_load(&in, path, &opts, false);
  if (rc == CLI_OK) {
    witc_buf out;
    witc_buf_init(&out);
    witc_json_write(&in.resolve, &out);
    witc_buf_putc(&out, '\n');
    if (out.error) {
      fprintf(stderr, "error: out of memory while writing JSON\n");
      rc = CLI_USAGE;
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
      fprintf(stderr, "error: failed to write standard output: %s\n", strerror(errno));
      rc = CLI_USAGE;
    }
    witc_buf_delete(&out);
  }
  cli_input_delete(&in);
  return rc;
}

const cli_command cmd_json = {
    "json",
    "[OPTIONS] [PATH]",
    "print the resolved graph as JSON, as `wasm-tools component wit --json` does",
    json_options,
    json_run,
};

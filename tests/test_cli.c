/* test_cli.c: the command-line plumbing shared by every subcommand (cmd/cli.c and
 * cmd/common.c): option parsing from the tables, command lookup, the resolver options,
 * input loading, atomic output files and the bundled packages. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundled.h"
#include "cli.h"

enum { OPT_FLAG = CLI_OPT_USER, OPT_VALUE };

static const cli_option test_options[] = {
    CLI_RESOLVE_OPTIONS,
    {OPT_FLAG, "flag", 'f', NULL, "a flag"},
    {OPT_VALUE, "value", 'v', "X", "a value"},
    {0},
};

static int test_run(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return 0;
}

static const cli_command test_cmd = {"test", "[OPTIONS]", "a test command", test_options,
                                     test_run};

typedef struct seen {
  cli_resolve_opts opts;
  int flags;
  const char *value;
} seen;

static bool on_opt(int id, const char *arg, void *user) {
  seen *s = user;
  if (cli_resolve_opts_take(&s->opts, id, arg)) return true;
  if (id == OPT_FLAG) return ++s->flags, true;
  if (id == OPT_VALUE) return s->value = arg, true;
  return false;
}

Test(cli, parse_options_and_operands) {
  char *argv[] = {"test", "-f", "a.wit", "--value", "x", "--features", "a,b", "--flag",
                  "--all-features", "--world", "w", "-", "--", "--not-an-option", NULL};
  int argc = 14;
  seen s = {0};
  bool done;
  int first = cli_parse(&test_cmd, argc, argv, on_opt, &s, &done);
  cr_assert_not(done);
  cr_assert_eq(s.flags, 2);
  cr_assert_str_eq(s.value, "x");
  cr_assert_str_eq(s.opts.features, "a,b");
  cr_assert(s.opts.all_features);
  cr_assert_str_eq(s.opts.world, "w");
  /* getopt_long permutes operands to the end, in order */
  cr_assert_eq(argc - first, 3);
  cr_assert_str_eq(argv[first], "a.wit");
  cr_assert_str_eq(argv[first + 1], "-");
  cr_assert_str_eq(argv[first + 2], "--not-an-option");
}

Test(cli, parse_twice_resets_getopt) {
  for (int round = 0; round < 2; round++) {
    char *argv[] = {"test", "--flag", "p", NULL};
    seen s = {0};
    bool done;
    int first = cli_parse(&test_cmd, 3, argv, on_opt, &s, &done);
    cr_assert_eq(first, 2);
    cr_assert_eq(s.flags, 1);
  }
}

Test(cli, parse_errors, .init = cr_redirect_stderr) {
  char *unknown[] = {"test", "--nope", NULL};
  char *missing[] = {"test", "--value", NULL};
  char *bad_short[] = {"test", "-z", NULL};
  seen s = {0};
  bool done;
  cr_assert_eq(cli_parse(&test_cmd, 2, unknown, on_opt, &s, &done), -1);
  cr_assert_eq(cli_parse(&test_cmd, 2, missing, on_opt, &s, &done), -1);
  cr_assert_eq(cli_parse(&test_cmd, 2, bad_short, on_opt, &s, &done), -1);
  fflush(stderr);
  cr_assert_stderr_eq_str("error: unknown option '--nope'\n"
                          "Run 'witc test --help' for usage.\n"
                          "error: option '--value' needs an argument\n"
                          "Run 'witc test --help' for usage.\n"
                          "error: unknown option '-z'\n"
                          "Run 'witc test --help' for usage.\n");
}

Test(cli, help_is_generated, .init = cr_redirect_stdout) {
  char *argv[] = {"test", "--help", NULL};
  bool done;
  seen s = {0};
  cli_parse(&test_cmd, 2, argv, on_opt, &s, &done);
  cr_assert(done);
  fflush(stdout);
  cr_assert_stdout_eq_str(
      "Usage: witc test [OPTIONS]\n\na test command\n\nOptions:\n"
      "      --features a,b      enable these @unstable features\n"
      "      --all-features      enable every @unstable feature\n"
      "      --world W           the world to use (name, or ns:pkg/name)\n"
      "      --protocol VERSION  bundled vtx:api version when no PATH is given: 2.2.1 (default) "
      "or 5.0.0\n"
      "  -f, --flag              a flag\n"
      "  -v, --value X           a value\n"
      "  -h, --help              print this help\n");
}

Test(cli, features_accumulate) {
  cli_resolve_opts o = {0};
  cr_assert(cli_resolve_opts_take(&o, CLI_OPT_FEATURES, "a"));
  cr_assert(cli_resolve_opts_take(&o, CLI_OPT_FEATURES, "b,c"));
  cr_assert_str_eq(o.features, "a,b,c");
  cr_assert_not(cli_resolve_opts_take(&o, 12345, "x"));
}

Test(cli, protocol_must_be_bundled, .init = cr_redirect_stderr) {
  cli_resolve_opts o = {0};
  cr_assert(cli_resolve_opts_take(&o, CLI_OPT_PROTOCOL, "5.0.0"));
  cr_assert_str_eq(o.protocol, "5.0.0");
  cr_assert_not(cli_resolve_opts_take(&o, CLI_OPT_PROTOCOL, "1.0.0"));
}

Test(cli, commands_are_found) {
  char *a[] = {"check", "x.wit"};
  int words = 0;
  const cli_command *c = cli_find(2, a, &words);
  cr_assert_not_null(c);
  cr_assert_str_eq(c->name, "check");
  cr_assert_eq(words, 1);
  char *b[] = {"no-such-command"};
  cr_assert_null(cli_find(1, b, &words));
  for (int i = 0; cli_commands[i]; i++) {
    cr_assert_not_null(cli_commands[i]->summary);
    cr_assert_not_null(cli_commands[i]->run);
    cr_assert_not_null(cli_commands[i]->options);
  }
}

Test(cli, bundled_packages) {
  const cli_bundled *d = cli_bundled_find(NULL);
  cr_assert_not_null(d);
  cr_assert_str_eq(d->version, "2.2.1");
  cr_assert_str_eq(d->file, "vtx.wit");
  cr_assert_eq(d->text[d->len], 0);
  cr_assert(strstr((const char *)d->text, "world plugin") != NULL);
  const cli_bundled *n = cli_bundled_find("5.0.0");
  cr_assert_not_null(n);
  cr_assert(strstr((const char *)n->text, "world vtx-plugin") != NULL);
  cr_assert_null(cli_bundled_find("0.0.0"));
  cr_assert_str_eq(cli_bundled_versions(), "2.2.1, 5.0.0");
}

Test(cli, load_bundled_and_select_world) {
  cli_resolve_opts o = {.world = "plugin"};
  cli_input in;
  cr_assert_eq(cli_input_load(&in, NULL, &o, true), CLI_OK);
  cr_assert_neq(in.package, WITC_ID_NONE);
  cr_assert_neq(in.world, WITC_ID_NONE);
  cli_input_delete(&in);
  cli_resolve_opts o5 = {.protocol = "5.0.0"};
  cr_assert_eq(cli_input_load(&in, NULL, &o5, true), CLI_OK);
  cr_assert(witc_str_eq_c(in.resolve.worlds.items[in.world].name, "vtx-plugin"));
  cli_input_delete(&in);
}

Test(cli, load_errors, .init = cr_redirect_stderr) {
  cli_input in;
  cr_assert_eq(cli_input_load(&in, "/nonexistent/x.wit", NULL, false), CLI_USAGE);
  cli_input_delete(&in);
  cli_resolve_opts o = {.protocol = "2.2.1"};
  cr_assert_eq(cli_input_load(&in, "x.wit", &o, false), CLI_USAGE);
  cli_input_delete(&in);
  cli_resolve_opts w = {.world = "no-such-world"};
  cr_assert_eq(cli_input_load(&in, NULL, &w, false), CLI_INVALID);
  cli_input_delete(&in);
}

Test(cli, write_file_atomic) {
  char dir[] = "/tmp/witc-test-cli-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  cr_assert_eq(cli_write_file_atomic(path, "hello\n", 6), 0);
  FILE *f = fopen(path, "rb");
  char buf[16] = {0};
  cr_assert_eq(fread(buf, 1, sizeof buf, f), 6);
  fclose(f);
  cr_assert_str_eq(buf, "hello\n");
  /* An existing file keeps its mode and is replaced whole. */
  chmod(path, 0640);
  cr_assert_eq(cli_write_file_atomic(path, "x", 1), 0);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  cr_assert_eq(st.st_mode & 0777, 0640);
  cr_assert_eq(st.st_size, 1);
  /* No temporary file is left behind. */
  char cmd[256];
  snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1", dir);
  cr_assert_eq(system(cmd), 0);
  /* A missing directory fails cleanly. */
  snprintf(path, sizeof path, "%s/missing/out.txt", dir);
  errno = 0;
  cr_assert_eq(cli_write_file_atomic(path, "x", 1), -1);
  cr_assert_eq(errno, ENOENT);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

/* test_cli.c: the command-line plumbing shared by every subcommand (cmd/cli.c and
 * cmd/common.c): option parsing from the tables, command lookup, the resolver options,
 * input loading, atomic output files and the bundled packages. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <fcntl.h>
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

/* Through a symbolic link the target is rewritten (mode kept) and the link stays, as gofmt
 * and clang-format do; relative links resolve against the link's directory, chains are
 * followed, a dangling link creates its target, a loop is ELOOP. */
Test(cli, write_file_atomic_through_symlink) {
  char dir[] = "/tmp/witc-test-cli-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char real_dir[160], target[192], link[192], link2[192], cmd[512];
  snprintf(real_dir, sizeof real_dir, "%s/real", dir);
  cr_assert_eq(mkdir(real_dir, 0755), 0);
  snprintf(target, sizeof target, "%s/target.wit", real_dir);
  cr_assert_eq(cli_write_file_atomic(target, "old\n", 4), 0);
  cr_assert_eq(chmod(target, 0604), 0);
  snprintf(link, sizeof link, "%s/link.wit", dir);
  cr_assert_eq(symlink("real/target.wit", link), 0); /* relative to the link's directory */
  snprintf(link2, sizeof link2, "%s/link2.wit", dir);
  cr_assert_eq(symlink(link, link2), 0); /* a chain: link2 -> link -> target */

  cr_assert_eq(cli_write_file_atomic(link2, "new text\n", 9), 0);
  struct stat st;
  cr_assert_eq(lstat(link, &st), 0);
  cr_assert(S_ISLNK(st.st_mode), "the link was replaced by a file");
  cr_assert_eq(lstat(link2, &st), 0);
  cr_assert(S_ISLNK(st.st_mode));
  cr_assert_eq(stat(target, &st), 0);
  cr_assert_eq(st.st_size, 9);
  cr_assert_eq(st.st_mode & 0777, 0604);
  FILE *f = fopen(target, "rb");
  char buf[16] = {0};
  cr_assert_eq(fread(buf, 1, sizeof buf, f), 9);
  fclose(f);
  cr_assert_str_eq(buf, "new text\n");
  /* No temporary file left in either directory. */
  snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 3 && test $(ls -A %s | wc -l) = 1", dir,
           real_dir);
  cr_assert_eq(system(cmd), 0);

  /* A dangling link: the write creates the file it names. */
  char dangling[192], created[192];
  snprintf(dangling, sizeof dangling, "%s/dangling.wit", dir);
  cr_assert_eq(symlink("real/new.wit", dangling), 0);
  cr_assert_eq(cli_write_file_atomic(dangling, "x\n", 2), 0);
  cr_assert_eq(lstat(dangling, &st), 0);
  cr_assert(S_ISLNK(st.st_mode));
  snprintf(created, sizeof created, "%s/new.wit", real_dir);
  cr_assert_eq(stat(created, &st), 0);
  cr_assert_eq(st.st_size, 2);

  /* A loop fails cleanly. */
  char loop[192];
  snprintf(loop, sizeof loop, "%s/loop.wit", dir);
  cr_assert_eq(symlink("loop.wit", loop), 0);
  errno = 0;
  cr_assert_eq(cli_write_file_atomic(loop, "x", 1), -1);
  cr_assert_eq(errno, ELOOP);

  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
}

/* ---- cli_main: the whole command line ---------------------------------------------------- */

typedef struct ran {
  int rc;
  char out[8192], err[2048];
} ran;

static void slurp(FILE *f, char *buf, size_t size) {
  rewind(f);
  size_t n = fread(buf, 1, size - 1, f);
  buf[n] = 0;
  fclose(f);
}

/* Runs cli_main on argv (NULL-terminated) with standard output going to `out_path` (NULL:
 * a temporary file, captured into r->out) and standard error captured into r->err. */
static void run_cli(ran *r, const char *out_path, char **argv) {
  int argc = 0;
  while (argv[argc]) argc++;
  fflush(stdout);
  fflush(stderr);
  FILE *fo = tmpfile(), *fe = tmpfile();
  cr_assert(fo && fe);
  int saved_out = dup(1), saved_err = dup(2);
  int target = out_path ? open(out_path, O_WRONLY) : fileno(fo);
  cr_assert_geq(target, 0);
  dup2(target, 1);
  dup2(fileno(fe), 2);
  r->rc = cli_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  clearerr(stdout);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  if (out_path) close(target);
  slurp(fo, r->out, sizeof r->out);
  slurp(fe, r->err, sizeof r->err);
}

/* A write error on standard output (here a full disk) is an error, exit 2 with a message,
 * for every command: checked once, in cli_main, after the command ran. */
Test(cli, stdout_write_errors_exit_2) {
  char *cases[][4] = {
      {"witc", "--help", NULL},      {"witc", "--version", NULL},
      {"witc", "help", "--man", NULL}, {"witc", "help", "gen", NULL},
      {"witc", "completion", "bash", NULL}, {"witc", "wit-show", NULL},
      {"witc", "check", "--help", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ran r;
    run_cli(&r, "/dev/full", cases[i]);
    cr_assert_eq(r.rc, CLI_USAGE, "witc %s > /dev/full: exit %d", cases[i][1], r.rc);
    cr_assert(strstr(r.err, "error: failed to write standard output") != NULL,
              "witc %s: stderr was '%s'", cases[i][1], r.err);
    /* The same command to a working stdout is fine. */
    run_cli(&r, NULL, cases[i]);
    cr_assert_eq(r.rc, CLI_OK, "witc %s: exit %d", cases[i][1], r.rc);
    cr_assert_str_eq(r.err, "");
  }
}

/* `gen` is a group: its help lists its commands; an unknown second word names the
 * languages there are. */
Test(cli, command_groups) {
  ran r;
  run_cli(&r, NULL, (char *[]){"witc", "gen", "--help", NULL});
  cr_assert_eq(r.rc, CLI_OK);
  cr_assert(strstr(r.out, "Usage: witc gen LANGUAGE") != NULL, "%s", r.out);
  cr_assert(strstr(r.out, "\n  gen c  generate C bindings") != NULL, "%s", r.out);
  ran h;
  run_cli(&h, NULL, (char *[]){"witc", "help", "gen", NULL});
  cr_assert_eq(h.rc, CLI_OK);
  cr_assert_str_eq(h.out, r.out);
  run_cli(&r, NULL, (char *[]){"witc", "gen", "d", NULL});
  cr_assert_eq(r.rc, CLI_USAGE);
  cr_assert(strstr(r.err, "error: unknown language 'd' (available: c)\n") == r.err, "%s", r.err);
  run_cli(&r, NULL, (char *[]){"witc", "gen", NULL});
  cr_assert_eq(r.rc, CLI_USAGE);
  cr_assert(strstr(r.err, "'witc gen' needs a language (available: c)") != NULL, "%s", r.err);
  run_cli(&r, NULL, (char *[]){"witc", "help", "gen", "d", NULL});
  cr_assert_eq(r.rc, CLI_USAGE);
  cr_assert(strstr(r.err, "unknown command 'gen d'") != NULL, "%s", r.err);
  run_cli(&r, NULL, (char *[]){"witc", "--help", "gen", "c", NULL});
  cr_assert_eq(r.rc, CLI_OK);
  cr_assert(strstr(r.out, "Usage: witc gen c ") == r.out, "%s", r.out);
}

Test(cli, version_takes_no_arguments) {
  ran r;
  run_cli(&r, NULL, (char *[]){"witc", "--version", NULL});
  cr_assert_eq(r.rc, CLI_OK);
  cr_assert(strncmp(r.out, "witc ", 5) == 0);
  run_cli(&r, NULL, (char *[]){"witc", "--version", "extra", NULL});
  cr_assert_eq(r.rc, CLI_USAGE);
  cr_assert_str_eq(r.out, "");
  cr_assert(strstr(r.err, "--version takes no arguments") != NULL, "%s", r.err);
  run_cli(&r, NULL, (char *[]){"witc", "-V", "x", NULL});
  cr_assert_eq(r.rc, CLI_USAGE);
}

/* wit_path.c: `witc wit-path [--protocol V]` prints the directory holding the bundled
 * vtx:api WIT that matches the embedded copy (the Python package's get_wit_path()):
 *   1. installed: <exe dir>/../share/witc/wit/<version> (relative to the executable);
 *   2. build tree: <source dir>/wit/<version>, when the executable runs from the build
 *      directory it was built in (both paths are baked in at build time).
 * A candidate counts only when its files equal the embedded ones byte for byte. Where
 * neither exists it says so on stderr and exits 2; `witc wit-show` always works. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundled.h"
#include "cli.h"

/* Whether dir/<file> holds exactly the embedded text of every file of b's version. */
static bool dir_matches(const char *dir, const cli_bundled *b) {
  for (const cli_bundled *f = b; f->version && !strcmp(f->version, b->version); f++) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, f->file) >= (int)sizeof path) return false;
    FILE *fp = fopen(path, "rb");
    if (!fp) return false;
    bool same = true;
    char chunk[4096];
    size_t off = 0, n;
    while (same && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
      if (off + n > f->len || memcmp(chunk, f->text + off, n) != 0) same = false;
      off += n;
    }
    if (ferror(fp) || off != f->len) same = false;
    fclose(fp);
    if (!same) return false;
  }
  return true;
}

/* Directory of the running executable (realpath'd) into buf; false when unknown. */
static bool exe_dir(char *buf, size_t size) {
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  if (n <= 0 || (size_t)n >= size - 1) return false;
  buf[n] = 0;
  char *slash = strrchr(buf, '/');
  if (!slash) return false;
  *slash = 0;
  return true;
}

static const cli_option path_options[] = {
    CLI_PROTOCOL_OPTION,
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

static int path_run(int argc, char **argv) {
  extern const cli_command cmd_wit_path;
  cli_resolve_opts opts;
  int rc, first = cli_parse_resolve_opts(&cmd_wit_path, argc, argv, false, &opts, &rc);
  if (first < 0) return rc;
  const cli_bundled *b = cli_bundled_find(opts.protocol);
  char dir[PATH_MAX], cand[PATH_MAX], real[PATH_MAX];
  bool have_exe = exe_dir(dir, sizeof dir);

  /* 1. installed beside the executable */
  if (have_exe && snprintf(cand, sizeof cand, "%s/%s/%s", dir, WITC_BIN_TO_WIT, b->version) <
                      (int)sizeof cand) {
    if (realpath(cand, real) && dir_matches(real, b)) {
      printf("%s\n", real);
      return CLI_OK;
    }
  }
  /* 2. the source tree, when running from the build tree */
  char build[PATH_MAX];
  if (have_exe && realpath(WITC_BINARY_DIR, build)) {
    size_t bl = strlen(build);
    if (!strncmp(dir, build, bl) && (dir[bl] == 0 || dir[bl] == '/') &&
        snprintf(cand, sizeof cand, "%s/wit/%s", WITC_SOURCE_DIR, b->version) < (int)sizeof cand &&
        realpath(cand, real) && dir_matches(real, b)) {
      printf("%s\n", real);
      return CLI_OK;
    }
  }
  fprintf(stderr,
          "error: the bundled vtx:api %s WIT is not installed: neither %s/%s/%s nor a build "
          "tree's wit/%s holds a copy matching this witc\n"
          "note: 'witc wit-show%s%s' prints the text from the copy embedded in the binary\n",
          b->version, have_exe ? dir : "<executable dir>", WITC_BIN_TO_WIT, b->version,
          b->version, opts.protocol ? " --protocol " : "", opts.protocol ? opts.protocol : "");
  return CLI_USAGE;
}

const cli_command cmd_wit_path = {"wit-path", "[--protocol VERSION]",
                                  "print the directory of the installed bundled vtx:api WIT",
                                  path_options, path_run};

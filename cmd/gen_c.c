/* gen_c.c: `witc gen c [--world W] [-o DIR] [--mangling legacy|standard32] [PATH]`: writes
 * <world>.h and <world>.c (world name in snake_case) into DIR (default ".", created when
 * missing), both or neither (see write_pair). No PATH: the bundled vtx:api world. Deterministic renames of
 * C names are reported on stderr as notes. Exit: 0 ok; 1 invalid WIT or an item the
 * generator does not support (async, future, stream, error-context), located in the WIT;
 * 2 usage or I/O error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- writing the pair: both or nothing -------------------------------------------------
 * <world>.h and <world>.c are written to temporary files beside their targets first, and
 * only when both are complete are they renamed over the targets; a target that is a
 * directory is refused before anything is written. If the second rename fails, the first
 * target is put back as it was (restored from a hard link to the old file, or removed when
 * there was none), so a failed `gen c` leaves DIR as it found it. A target that is a
 * symbolic link is followed: the file it points to is replaced and the link stays. */

typedef struct out_file {
  char path[4096];   /* as given: DIR/<world>.<ext> */
  char target[4096]; /* the file that is replaced (symbolic links followed) */
  char tmp[4096];    /* the complete new contents, beside target */
  char backup[4096]; /* a hard link to the old target while the pair is renamed */
  bool has_tmp, has_backup, existed;
  const witc_buf *data;
} out_file;

/* The directory part of `p` with its '/' ("" for none). */
static size_t dir_len(const char *p) {
  const char *slash = strrchr(p, '/');
  return slash ? (size_t)(slash - p) + 1 : 0;
}

/* Follows symbolic links from f->path into f->target (at most 40, like the kernel). */
static bool resolve_target(out_file *f) {
  memcpy(f->target, f->path, sizeof f->target); /* same size, NUL-terminated */
  for (int hop = 0; hop < 40; hop++) {
    struct stat st;
    if (lstat(f->target, &st) != 0 || !S_ISLNK(st.st_mode)) return true;
    char link[4096];
    ssize_t n = readlink(f->target, link, sizeof link - 1);
    if (n < 0) return false;
    link[n] = 0;
    char next[4096];
    size_t d = link[0] == '/' ? 0 : dir_len(f->target);
    if (d + (size_t)n >= sizeof next) {
      errno = ENAMETOOLONG;
      return false;
    }
    memcpy(next, f->target, d);
    memcpy(next + d, link, (size_t)n + 1);
    memcpy(f->target, next, d + (size_t)n + 1);
  }
  errno = ELOOP;
  return false;
}

/* A fresh name "<dir>/.<name>.<what>.XXXXXX" beside f->target, created by mkstemp; returns
 * the open descriptor or -1. */
static int fresh_beside(const out_file *f, char *name, size_t cap, const char *what) {
  size_t d = dir_len(f->target);
  int n = snprintf(name, cap, "%.*s.%s.%s.XXXXXX", (int)d, f->target, f->target + d, what);
  if (n < 0 || (size_t)n >= cap) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return mkstemp(name);
}

/* Writes f->data into a temporary file beside the target, with the mode the target has
 * (a new file: 0666 less the umask). */
static bool write_tmp(out_file *f) {
  int fd = fresh_beside(f, f->tmp, sizeof f->tmp, "new");
  if (fd < 0) return false;
  f->has_tmp = true;
  struct stat st;
  mode_t mode;
  if (stat(f->target, &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  const char *p = f->data->data ? f->data->data : "";
  size_t left = f->data->len;
  bool ok = fchmod(fd, mode) == 0;
  while (ok && left) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) ok = false;
    else {
      p += w;
      left -= (size_t)w;
    }
  }
  int e = errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  errno = e;
  return ok;
}

/* Keeps the old target reachable under a hard link beside it (no old target: nothing). */
static bool keep_old(out_file *f) {
  struct stat st;
  if (stat(f->target, &st) != 0) return true;
  f->existed = true;
  int fd = fresh_beside(f, f->backup, sizeof f->backup, "old");
  if (fd < 0) return false;
  close(fd);
  unlink(f->backup);
  if (link(f->target, f->backup) != 0) return false;
  f->has_backup = true;
  return true;
}

static void cleanup(out_file *f) {
  int e = errno;
  if (f->has_tmp) unlink(f->tmp);
  if (f->has_backup) unlink(f->backup);
  f->has_tmp = f->has_backup = false;
  errno = e;
}

static int fail_write(out_file *files, int n, const out_file *bad) {
  fprintf(stderr, "error: cannot write %s: %s\n", bad->path, strerror(errno));
  for (int i = 0; i < n; i++) cleanup(&files[i]);
  return CLI_USAGE;
}

/* Writes data[i] to DIR/<base>.<ext[i]> for i < 2, all or nothing (see above). */
static int write_pair(const char *dir, const char *base, const char *const ext[2],
                      const witc_buf *const data[2]) {
  out_file files[2];
  memset(files, 0, sizeof files);
  for (int i = 0; i < 2; i++) {
    out_file *f = &files[i];
    f->data = data[i];
    int n = snprintf(f->path, sizeof f->path, "%s/%s.%s", dir, base, ext[i]);
    if (n < 0 || (size_t)n >= sizeof f->path) {
      fprintf(stderr, "error: output path too long\n");
      return CLI_USAGE;
    }
    if (data[i]->error) {
      errno = ENOMEM;
      return fail_write(files, 2, f);
    }
    if (!resolve_target(f)) return fail_write(files, 2, f);
    struct stat st;
    if (stat(f->target, &st) == 0 && S_ISDIR(st.st_mode)) {
      errno = EISDIR;
      return fail_write(files, 2, f);
    }
  }
  for (int i = 0; i < 2; i++)
    if (!write_tmp(&files[i])) return fail_write(files, 2, &files[i]);
  for (int i = 0; i < 2; i++)
    if (!keep_old(&files[i])) return fail_write(files, 2, &files[i]);
  for (int i = 0; i < 2; i++) {
    out_file *f = &files[i];
    if (rename(f->tmp, f->target) == 0) {
      f->has_tmp = false;
      continue;
    }
    int e = errno;
    /* put back the targets already replaced */
    for (int j = 0; j < i; j++) {
      out_file *r = &files[j];
      if (r->has_backup) {
        if (rename(r->backup, r->target) == 0) r->has_backup = false;
      } else if (!r->existed) {
        unlink(r->target);
      }
    }
    errno = e;
    return fail_write(files, 2, f);
  }
  for (int i = 0; i < 2; i++) cleanup(&files[i]);
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
      const char *const ext[2] = {"h", "c"};
      const witc_buf *const data[2] = {&out.header, &out.source};
      rc = write_pair(a.out_dir, out.base, ext, data);
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

/* output.c: writing output files: atomically (a temporary file in the same directory, then
 * rename, so a reader never sees half a file and a failed write leaves the old one), into
 * an output directory that is created when missing (protoc's most-cited failure is not
 * doing so). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_make_dirs(const char *dir) {
  char path[4096];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof path) {
    errno = n ? ENAMETOOLONG : ENOENT;
    return -1;
  }
  memcpy(path, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (path[i] != '/' && path[i] != '\0') continue;
    char c = path[i];
    path[i] = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    path[i] = c;
  }
  struct stat st;
  if (stat(dir, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

int cli_write_file_atomic(const char *path, const void *data, size_t len) {
  size_t plen = strlen(path);
  const char *slash = strrchr(path, '/');
  size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
  /* <dir>/.<name>.XXXXXX: same directory, so rename() is atomic. */
  char *tmp = witc_mem_realloc(NULL, plen + 10);
  if (!tmp) {
    errno = ENOMEM;
    return -1;
  }
  memcpy(tmp, path, dlen);
  tmp[dlen] = '.';
  memcpy(tmp + dlen + 1, path + dlen, plen - dlen);
  memcpy(tmp + plen + 1, ".XXXXXX", 8);
  int fd = mkstemp(tmp);
  if (fd < 0) goto fail_free;

  /* Keep an existing file's mode; a new file gets 0666 less the umask (mkstemp uses 0600). */
  struct stat st;
  mode_t mode;
  if (stat(path, &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  if (fchmod(fd, mode) != 0) goto fail_close;

  const char *p = data;
  size_t left = len;
  while (left) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      goto fail_close;
    }
    p += w;
    left -= (size_t)w;
  }
  if (close(fd) != 0) {
    fd = -1;
    goto fail_close;
  }
  fd = -1;
  if (rename(tmp, path) != 0) goto fail_close;
  witc_mem_free(tmp);
  return 0;

fail_close:;
  int e = errno;
  if (fd >= 0) close(fd);
  unlink(tmp);
  errno = e;
fail_free:;
  int e2 = errno;
  witc_mem_free(tmp);
  errno = e2;
  return -1;
}

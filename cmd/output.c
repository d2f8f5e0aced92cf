/* output.c: writing output files: atomically (a temporary file in the same directory, then
 * rename, so a reader never sees half a file and a failed write leaves the old one; through
 * a symbolic link, the link's target is what gets replaced), into
 * an output directory that is created when missing (protoc's most-cited failure is not
 * doing so). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int write_atomic(const char *path, const void *data, size_t len);

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

/* The file a write to `path` must replace: `path` itself, or when it is a symbolic link
 * the file it finally points to (a relative link is relative to the link's directory), so
 * that rewriting through a link updates the target and keeps the link, as gofmt and
 * clang-format do. The target need not exist (a dangling link: the write creates it).
 * Returns a witc_mem_realloc'ed string, or NULL with errno set (ELOOP past 40 links). */
static char *resolve_links(const char *path) {
  size_t n = strlen(path);
  char *cur = witc_mem_realloc(NULL, n + 1);
  if (!cur) {
    errno = ENOMEM;
    return NULL;
  }
  memcpy(cur, path, n + 1);
  for (int hops = 0;; hops++) {
    struct stat st;
    if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) return cur; /* missing or not a link */
    if (hops == 40) {
      witc_mem_free(cur);
      errno = ELOOP;
      return NULL;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 256;
    char *target = NULL;
    ssize_t got;
    for (;;) { /* the link may change size between lstat and readlink */
      char *t = witc_mem_realloc(target, cap);
      if (!t) {
        witc_mem_free(target);
        witc_mem_free(cur);
        errno = ENOMEM;
        return NULL;
      }
      target = t;
      got = readlink(cur, target, cap);
      if (got < 0) {
        int e = errno;
        witc_mem_free(target);
        witc_mem_free(cur);
        errno = e;
        return NULL;
      }
      if ((size_t)got < cap) break;
      cap *= 2;
    }
    target[got] = '\0';
    const char *slash = strrchr(cur, '/');
    size_t dlen = target[0] != '/' && slash ? (size_t)(slash - cur) + 1 : 0;
    char *next = witc_mem_realloc(NULL, dlen + (size_t)got + 1);
    if (!next) {
      witc_mem_free(target);
      witc_mem_free(cur);
      errno = ENOMEM;
      return NULL;
    }
    memcpy(next, cur, dlen);
    memcpy(next + dlen, target, (size_t)got + 1);
    witc_mem_free(target);
    witc_mem_free(cur);
    cur = next;
  }
}

int cli_write_file_atomic(const char *link_path, const void *data, size_t len) {
  char *path = resolve_links(link_path);
  if (!path) return -1;
  int rc = write_atomic(path, data, len);
  int e = errno;
  witc_mem_free(path);
  errno = e;
  return rc;
}

/* cli_write_file_atomic once `path` is known not to be a symbolic link. */
static int write_atomic(const char *path, const void *data, size_t len) {
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

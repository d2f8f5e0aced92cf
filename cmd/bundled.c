/* bundled.c: lookups in the table of bundled vtx:api packages (bundled.h), which
 * scripts/embed_wit.cmake generates at build time, default version first. */
#include "bundled.h"

#include <stdio.h>
#include <string.h>

const cli_bundled *cli_bundled_find(const char *version) {
  for (const cli_bundled *b = cli_bundled_wit; b->version; b++)
    if (!version || !strcmp(b->version, version)) return b;
  return NULL;
}

const char *cli_bundled_versions(void) {
  static char list[256];
  if (list[0]) return list;
  size_t n = 0;
  for (const cli_bundled *b = cli_bundled_wit; b->version; b++) {
    if (b != cli_bundled_wit && !strcmp(b->version, b[-1].version)) continue;
    int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", b->version);
    if (w < 0 || (size_t)w >= sizeof list - n) break;
    n += (size_t)w;
  }
  return list;
}

/* bundled.h: the vtx:api WIT packages embedded into the binary at build time
 * (scripts/embed_wit.cmake turns each wit/<version>/NAME.wit into a generated C source that
 * defines cli_bundled_wit; bundled.c looks things up in it). */
#ifndef WITC_CLI_BUNDLED_H
#define WITC_CLI_BUNDLED_H

#include <stddef.h>

/* The --protocol option entry for commands that take no PATH (wit-path, wit-show); the
 * resolving commands get it from CLI_RESOLVE_OPTIONS. */
#define CLI_PROTOCOL_OPTION                                                              \
  {CLI_OPT_PROTOCOL, "protocol", 0, "VERSION",                                          \
   "bundled vtx:api version: 2.2.1 (default) or 5.0.0"}

/* One embedded file: wit/<version>/<file>. text[len] is a NUL byte. */
typedef struct cli_bundled {
  const char *version; /* protocol release, e.g. "2.2.1" */
  const char *file;    /* file name inside the version directory, e.g. "vtx.wit" */
  const unsigned char *text;
  size_t len;
} cli_bundled;

/* Every embedded file, the default version's first; terminated by {0}. */
extern const cli_bundled cli_bundled_wit[];

/* The first embedded file of `version` (NULL: the default version), or NULL when that
 * version is not bundled. */
const cli_bundled *cli_bundled_find(const char *version);

/* Writes the bundled versions as "2.2.1, 5.0.0" into a static string (for messages). */
const char *cli_bundled_versions(void);

#endif

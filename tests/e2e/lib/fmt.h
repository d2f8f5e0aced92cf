/* fmt.h: decimal formatting without printf, for every guest (raw and gen, with or without
 * libc). */
#ifndef E2E_FMT_H
#define E2E_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Decimal digits of v into buf (at least 20 bytes, not NUL-terminated); returns their number. */
static inline size_t fmt_u64(uint64_t v, char *buf) {
  char tmp[20];
  size_t n = 0, i = 0;
  do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) buf[i++] = tmp[--n];
  return i;
}

#endif

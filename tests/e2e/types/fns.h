/* fns.h: the value functions F that both `types` guests (raw.c on the raw ABI, guest.c on the
 * bindings) apply, so that the host's F(host(F(x))) holds for either; the host has its own copy
 * in JavaScript. Include it after raw.h or rt.h (it needs memcpy). */
#ifndef E2E_TYPES_FNS_H
#define E2E_TYPES_FNS_H

#include <stddef.h>
#include <stdint.h>

/* Code points of s[0..n) reversed into out[0..n) (UTF-8 sequences kept intact). */
static inline void rev_utf8(const uint8_t *s, size_t n, uint8_t *out) {
  size_t end = n, o = 0;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (s[start] & 0xC0) == 0x80) start--;
    memcpy(out + o, s + start, end - start);
    o += end - start;
    end = start;
  }
}

/* The next Unicode scalar value, skipping the surrogates; U+10FFFF wraps to 0. */
static inline uint32_t next_char(uint32_t c) { return c == 0xD7FF ? 0xE000 : c == 0x10FFFF ? 0 : c + 1; }

#endif

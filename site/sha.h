/*
 * sha: SHA-256 (FIPS 180-4) for the SHA256SUMS files of the site and
 * of every bundle.  One-shot interface; output is lowercase hex.
 */
#ifndef SHA_H
#define SHA_H

#include <stddef.h>

/* Writes 64 hex digits and a NUL into hex[65]. */
void	sha256_hex(const void *, size_t, char hex[65]);

#endif /* !SHA_H */

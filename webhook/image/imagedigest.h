/* Content digests ("sha256:<hex>"), as the OCI image spec and Docker's
 * go-digest define them: algorithm sha256, sha384 or sha512, lowercase
 * hex of exactly the hash's length. Hashing is nettle's (Debian's
 * nettle-dev); nothing here is hand-written crypto. Pure. */
#ifndef IMAGE_DIGEST_H
#define IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

/* "sha512:" and 128 hex digits */
#define IMAGE_DIGEST_MAX 135

enum imagedigest_alg { DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512 };

enum imagedigest_status {
	DIGEST_VALID = 0,
	DIGEST_BAD_FORMAT,  /* not algorithm ":" encoded */
	DIGEST_UNSUPPORTED, /* a well-formed algorithm other than the three */
	DIGEST_BAD_LENGTH,  /* hex of the wrong length for the algorithm */
	DIGEST_BAD_HEX,     /* not lowercase hex */
};

/* Checks the first len bytes of s. alg may be NULL. */
enum imagedigest_status imagedigest_check_syntax(const char *s, size_t len,
						 enum imagedigest_alg *alg);
const char *imagedigest_status_text(enum imagedigest_status st);
static inline bool imagedigest_valid(const char *s, size_t len)
{
	return imagedigest_check_syntax(s, len, NULL) == DIGEST_VALID;
}

/* The digest of data with the algorithm given, as "alg:hex", in out. */
void imagedigest_of(enum imagedigest_alg alg, const void *data, size_t len,
		    char out[IMAGE_DIGEST_MAX + 1]);

/* 1 when data hashes to digest, 0 when it does not, -1 when digest is
 * not a valid digest string. */
int imagedigest_matches(const char *digest, const void *data, size_t len);

#endif

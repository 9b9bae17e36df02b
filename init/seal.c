#include "seal.h"

#include <string.h>

struct seal_region {
	unsigned char magic[SEAL_MAGIC_SIZE];
	uint32_t length; /* bytes of text; 0: not sealed */
	uint32_t reserved;
	char text[SEAL_TEXT_MAX];
};

_Static_assert(sizeof(struct seal_region) == SEAL_REGION_SIZE, "region size");

/* The magic occurs nowhere else in the binary: the code below compares with
 * the region's own bytes, never with a second copy of the string. Read-only
 * data; every read goes through region(), so that the compiler reads what
 * the file says instead of folding the initialiser. */
__attribute__((used, aligned(16))) static const struct seal_region strict_seal = {
	.magic = "\177strict-groups sealed policy v1",
};

static const struct seal_region *region(void)
{
	const struct seal_region *r = &strict_seal;

	__asm__("" : "+r"(r)); /* hide where r points */
	return r;
}

enum seal_state seal_self(const char **text, size_t *len)
{
	const struct seal_region *r = region();
	uint32_t n = r->length;

	if (n == 0)
		return SEAL_NONE;
	if (n > SEAL_TEXT_MAX)
		return SEAL_DAMAGED;
	*text = r->text;
	*len = n;
	return SEAL_PRESENT;
}

long seal_find(const unsigned char *image, size_t size)
{
	const unsigned char *self = (const unsigned char *)region();
	const unsigned char *magic = self; /* the magic starts the region */
	long found = -1;

	for (size_t i = 0; size >= SEAL_REGION_SIZE && i <= size - SEAL_REGION_SIZE; i++) {
		if (image[i] != magic[0] || memcmp(image + i, magic, SEAL_MAGIC_SIZE) != 0)
			continue;
		if (found >= 0)
			return -1; /* twice: which one is it? */
		found = (long)i;
	}
	if (found < 0 || memcmp(image + found, self, SEAL_REGION_SIZE) != 0)
		return -1;
	return found;
}

void seal_write(unsigned char *image, size_t offset, const char *text, size_t len)
{
	unsigned char *r = image + offset;
	uint32_t n = (uint32_t)len;

	memset(r + offsetof(struct seal_region, text), 0, SEAL_TEXT_MAX);
	memcpy(r + offsetof(struct seal_region, text), text, len);
	memcpy(r + offsetof(struct seal_region, length), &n, sizeof(n));
}

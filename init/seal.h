/* The sealed policy: `install` writes the settings it was given into the
 * copy it makes, in a fixed region of strict-init's own read-only data, and
 * that copy applies them on every start (docs/design.md, "The seal").
 *
 * Why this is safe to trust: the copy carries a file capability, and the
 * kernel removes security.capability on any write to the file; only root
 * (CAP_SETFCAP) can write a copy that has both a seal and the capability.
 * A copy without a seal never uses a file capability. */
#ifndef STRICT_SEAL_H
#define STRICT_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_REGION_SIZE 4096u
#define SEAL_MAGIC_SIZE 32u
/* The settings, NAME=VALUE entries each ended by a NUL, take at most this
 * many bytes: STRICT_GROUPS holds at least 360 gids of ten digits. */
#define SEAL_TEXT_MAX (SEAL_REGION_SIZE - SEAL_MAGIC_SIZE - 8u)

enum seal_state { SEAL_NONE, SEAL_PRESENT, SEAL_DAMAGED };

/* The seal this running copy carries: its text (*len bytes) in *text when
 * SEAL_PRESENT. */
enum seal_state seal_self(const char **text, size_t *len);

/* In image, the bytes of this running binary's file, the offset of its
 * seal region: the only place the region's magic occurs, holding exactly
 * what the running copy holds. -1 when there is no such place. */
long seal_find(const unsigned char *image, size_t size);

/* Writes text (len <= SEAL_TEXT_MAX bytes) as the seal of the region at
 * image + offset, the rest of the region zero. */
void seal_write(unsigned char *image, size_t offset, const char *text, size_t len);

#endif

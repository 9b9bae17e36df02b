/* The one parser for gid lists ("60000,1000"), shared by strict-init and the
 * LD_PRELOAD guard. It never allocates and touches no libc state, so the
 * preload can use it from inside setgroups()/initgroups().
 *
 * Accepted: decimal numbers separated by single commas; the empty string is
 * the empty list. Refused: anything else, including signs, spaces, hex,
 * leading zeros (an octal reading would be ambiguous), empty elements and
 * values of 4294967295 ((gid_t)-1, which setgroups treats as "no change") or
 * more. */
#ifndef STRICT_GIDLIST_H
#define STRICT_GIDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum gid_parse_error {
	GID_OK = 0,
	GID_EMPTY,        /* empty element: "", "1,,2", ",1", "1," */
	GID_NOT_DECIMAL,  /* a character other than 0-9 */
	GID_LEADING_ZERO, /* "01" */
	GID_TOO_LARGE,    /* >= 4294967295, including overflow */
};

/* Parse one id made of exactly the len bytes at s. */
enum gid_parse_error gidlist_parse_id(const char *s, size_t len, unsigned int *out);

/* Check a whole list. On success *count is the number of elements
 * (duplicates included). On error *bad_index is the 0-based element that
 * failed. */
enum gid_parse_error gidlist_validate(const char *s, size_t *count, size_t *bad_index);

/* Store up to cap elements of an already validated list into out; returns
 * the number stored. */
size_t gidlist_fill(const char *s, gid_t *out, size_t cap);

/* Whether the already validated list s contains g. */
bool gidlist_contains(const char *s, gid_t g);

const char *gidlist_strerror(enum gid_parse_error e);

/* Arrays of gids (not used by the preload, which must not allocate). */

/* Sorts ids and removes duplicates in place; returns the new length. */
size_t gidlist_sort_unique(gid_t *ids, size_t n);
/* Binary search in a sorted array. */
bool gidlist_sorted_contains(const gid_t *sorted, size_t n, gid_t g);
/* "1000,60000", or "none" for an empty list; malloc'ed, NULL when out of
 * memory. */
char *gidlist_format(const gid_t *ids, size_t n);

#endif

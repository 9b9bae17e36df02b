#include "gidlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GID_INVALID_VALUE 4294967295u /* (gid_t)-1 */

enum gid_parse_error gidlist_parse_id(const char *s, size_t len, unsigned int *out)
{
	unsigned long long value = 0;

	if (len == 0)
		return GID_EMPTY;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return GID_NOT_DECIMAL;
	if (len > 1 && s[0] == '0')
		return GID_LEADING_ZERO;
	if (len > 10) /* more digits than 4294967295 has */
		return GID_TOO_LARGE;
	for (size_t i = 0; i < len; i++)
		value = value * 10 + (unsigned)(s[i] - '0');
	if (value >= GID_INVALID_VALUE)
		return GID_TOO_LARGE;
	*out = (unsigned int)value;
	return GID_OK;
}

static size_t element_length(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ',')
		n++;
	return n;
}

enum gid_parse_error gidlist_validate(const char *s, size_t *count, size_t *bad_index)
{
	size_t n = 0;

	*count = 0;
	*bad_index = 0;
	if (*s == '\0')
		return GID_OK;
	for (;;) {
		size_t len = element_length(s);
		unsigned int id;
		enum gid_parse_error e = gidlist_parse_id(s, len, &id);

		if (e != GID_OK) {
			*bad_index = n;
			return e;
		}
		n++;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*count = n;
	return GID_OK;
}

size_t gidlist_fill(const char *s, gid_t *out, size_t cap)
{
	size_t n = 0;

	if (*s == '\0')
		return 0;
	while (n < cap) {
		size_t len = element_length(s);
		unsigned int id;

		if (gidlist_parse_id(s, len, &id) != GID_OK)
			break;
		out[n++] = (gid_t)id;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	return n;
}

bool gidlist_contains(const char *s, gid_t g)
{
	if (*s == '\0')
		return false;
	for (;;) {
		size_t len = element_length(s);
		unsigned int id;

		if (gidlist_parse_id(s, len, &id) == GID_OK && (gid_t)id == g)
			return true;
		if (s[len] == '\0')
			return false;
		s += len + 1;
	}
}

const char *gidlist_strerror(enum gid_parse_error e)
{
	switch (e) {
	case GID_OK:
		return "valid";
	case GID_EMPTY:
		return "empty element";
	case GID_NOT_DECIMAL:
		return "not a decimal number";
	case GID_LEADING_ZERO:
		return "leading zero";
	case GID_TOO_LARGE:
		return "value is 4294967295 or more";
	}
	return "invalid";
}

/* ---- arrays of gids ---- */

static int compare_gids(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return (x > y) - (x < y);
}

size_t gidlist_sort_unique(gid_t *ids, size_t n)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(ids, n, sizeof(*ids), compare_gids);
	for (size_t i = 1; i < n; i++)
		if (ids[i] != ids[out])
			ids[++out] = ids[i];
	return out + 1;
}

bool gidlist_sorted_contains(const gid_t *sorted, size_t n, gid_t g)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] == g)
			return true;
		if (sorted[mid] < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

char *gidlist_format(const gid_t *ids, size_t n)
{
	char *text = malloc(n * 11 + 5); /* "4294967294," per id, or "none" */
	size_t len = 0;

	if (!text)
		return NULL;
	if (n == 0) {
		memcpy(text, "none", 5);
		return text;
	}
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 12, "%s%u", i ? "," : "", (unsigned)ids[i]);
	return text;
}

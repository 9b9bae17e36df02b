#include "gidlist.h"

#define GID_INVALID_VALUE 4294967295u /* (gid_t)-1 */

enum gid_parse_error parse_id(const char *s, size_t len, unsigned int *out)
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

enum gid_parse_error gidlist_validate(const char *s, size_t *count,
				      size_t *bad_index)
{
	size_t n = 0;

	*count = 0;
	*bad_index = 0;
	if (*s == '\0')
		return GID_OK;
	for (;;) {
		size_t len = element_length(s);
		unsigned int id;
		enum gid_parse_error e = parse_id(s, len, &id);

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

		if (parse_id(s, len, &id) != GID_OK)
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

		if (parse_id(s, len, &id) == GID_OK && (gid_t)id == g)
			return true;
		if (s[len] == '\0')
			return false;
		s += len + 1;
	}
}

const char *gid_parse_strerror(enum gid_parse_error e)
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

#include "text.h"

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void text_one_line(char *s)
{
	for (; *s; s++)
		if (is_control((unsigned char)*s) || (unsigned char)*s >= 0x80)
			*s = '?';
}

bool text_has_control(const char *s)
{
	for (; *s; s++)
		if (is_control((unsigned char)*s))
			return true;
	return false;
}

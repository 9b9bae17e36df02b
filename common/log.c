#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/* Most lines fit here; a longer one (a list of thousands of gids) is
 * allocated. The preload logs from inside setgroups() and friends, where
 * its short lines never reach malloc. */
#define LINE_ON_STACK 512

static void write_all_stderr(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nothing else to tell it to */
		s += n;
		len -= (size_t)n;
	}
}

void log_write(int errnum, const char *fmt, ...)
{
	static const char oom[] = LOG_PREFIX "out of memory while reporting an error\n";
	int saved_errno = errno;
	const char *reason = errnum >= 0 ? strerror(errnum) : NULL;
	size_t prefix = sizeof(LOG_PREFIX) - 1, extra = reason ? strlen(reason) + 2 : 0;
	char on_stack[LINE_ON_STACK], *line = on_stack;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len >= 0 && prefix + (size_t)len + extra + 2 > sizeof(on_stack))
		line = malloc(prefix + (size_t)len + extra + 2);
	if (len < 0 || !line) {
		write_all_stderr(oom, sizeof(oom) - 1);
		errno = saved_errno;
		return;
	}
	memcpy(line, LOG_PREFIX, prefix);
	va_start(ap, fmt);
	vsnprintf(line + prefix, (size_t)len + 1, fmt, ap);
	va_end(ap);
	if (reason)
		sprintf(line + prefix + len, ": %s", reason);
	text_one_line(line);
	len = (int)strlen(line);
	line[len] = '\n';
	write_all_stderr(line, (size_t)len + 1);
	if (line != on_stack)
		free(line);
	errno = saved_errno;
}

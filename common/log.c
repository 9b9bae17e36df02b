#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init/config.h"

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
	va_list ap;
	char *line;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	line = len < 0 ? NULL : malloc(prefix + (size_t)len + extra + 2);
	if (!line) {
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
	text_make_one_line(line);
	len = (int)strlen(line);
	line[len] = '\n';
	write_all_stderr(line, (size_t)len + 1);
	free(line);
	errno = saved_errno;
}

/* libcap-ng reports problems in capng_apply() through syslog(3). Inside a
 * container /dev/log is whatever the image put there, and strict-init has
 * nothing to say to it: this definition replaces libc's (static link), so
 * the report goes to stderr with our prefix instead. It also keeps
 * syslog's time-zone and strftime code out of the binary (about 10 KiB). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

void syslog(int priority, const char *format, ...)
{
	va_list ap;

	(void)priority;
	fputs(LOG_PREFIX "libcap-ng: ", stderr);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* libcap-ng reports problems in capng_apply() through syslog(3). Inside a
 * container /dev/log is whatever the image put there, and strict-init has
 * nothing to say to it: this definition replaces libc's (static link), so
 * the report goes to stderr with our prefix instead. It also keeps
 * syslog's time-zone and strftime code out of the binary (about 10 KiB). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "common/log.h"

void syslog(int priority, const char *format, ...)
{
	va_list ap;
	char *text;
	int n;

	(void)priority;
	va_start(ap, format);
	n = vasprintf(&text, format, ap);
	va_end(ap);
	if (n < 0) {
		log_msg("libcap-ng: (a message that could not be formatted)");
		return;
	}
	log_msg("libcap-ng: %s", text);
	free(text);
}

/* Logging for strict-init: one line on stderr, always prefixed
 * "strict-init: ", written with a single write(2). Control characters from
 * the input (an option, a path, a command name) are shown as '?', so a
 * message is always exactly one line and cannot forge another one in a
 * container log. errno is preserved across a log call. */
#ifndef STRICT_LOG_H
#define STRICT_LOG_H

#include <errno.h>

/* strict-groups-webhook builds this file with its own prefix (-DLOG_PREFIX). */
#ifndef LOG_PREFIX
#define LOG_PREFIX "strict-init: "
#endif

/* errnum >= 0 appends ": strerror(errnum)". */
void log_write(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_msg(...) log_write(-1, __VA_ARGS__)
#define log_errno(...) log_write(errno, __VA_ARGS__)

#endif

/* Logging for strict-init, the preload and the webhook: one line on stderr,
 * always prefixed (LOG_PREFIX), written with a single write(2). Text from
 * the input (an option, a path, a command name, a pod's name) is made one
 * line (text.h), so a message cannot forge another one in a log. errno is
 * preserved across a log call. */
#ifndef STRICT_LOG_H
#define STRICT_LOG_H

#include <errno.h>

/* The preload and the webhook build this file with their own prefix
 * (-DLOG_PREFIX). */
#ifndef LOG_PREFIX
#define LOG_PREFIX "strict-init: "
#endif

/* errnum >= 0 appends ": strerror(errnum)". */
void log_write(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_msg(...) log_write(-1, __VA_ARGS__)
#define log_errno(...) log_write(errno, __VA_ARGS__)

#endif

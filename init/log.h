/* Logging for strict-init: one line on stderr, always prefixed "strict-init: ".
 * errno is preserved across a log call so a caller can still inspect it. */
#ifndef STRICT_LOG_H
#define STRICT_LOG_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LOG_PREFIX "strict-init: "

#define log_msg(fmt, ...)                                                      \
	do {                                                                   \
		int log_saved_errno_ = errno;                                  \
		fprintf(stderr, LOG_PREFIX fmt "\n", ##__VA_ARGS__);           \
		errno = log_saved_errno_;                                      \
	} while (0)

/* Like log_msg, and appends ": <strerror(errno)>". */
#define log_errno(fmt, ...)                                                    \
	do {                                                                   \
		int log_saved_errno_ = errno;                                  \
		fprintf(stderr, LOG_PREFIX fmt ": %s\n", ##__VA_ARGS__,        \
			strerror(log_saved_errno_));                           \
		errno = log_saved_errno_;                                      \
	} while (0)

#endif

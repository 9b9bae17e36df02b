/* Text from hostile input (argv, a path, an image reference, a registry's
 * answer, a pod's names) on its way into a message: one line, always.
 * Shared by strict-init, the preload (through log.c) and the webhook. */
#ifndef STRICT_TEXT_H
#define STRICT_TEXT_H

#include <stdbool.h>

/* Replaces every byte that is not printable ASCII (0x20-0x7e) with '?', so
 * that a message quoting s stays on one line and cannot forge another one in
 * a log. Bytes of 0x80 and above go too: UTF-8 encodes the C1 controls
 * (U+009B is CSI, a terminal escape where the log is read), and a message
 * cut to fit may end inside a character. */
void text_one_line(char *s);

/* Whether s holds a control character (a byte below 0x20, or 0x7f). */
bool text_has_control(const char *s);

#endif

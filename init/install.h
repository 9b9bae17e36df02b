#ifndef STRICT_INSTALL_H
#define STRICT_INSTALL_H

/* Copy the running binary to dest (or dest/strict-init when dest is a
 * directory), mode 0755, with the file capability cap_setgid=p, replacing
 * dest atomically. Logs what failed; returns 0 or -1. */
int install_self(const char *dest);

#endif

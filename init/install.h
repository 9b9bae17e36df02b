#ifndef STRICT_INSTALL_H
#define STRICT_INSTALL_H

#include "config.h"

/* `strict-init install`: writes a copy of the running binary carrying
 * cfg's settings as its sealed policy, mode 0755, with the file capability
 * cap_setgid=p, at cfg->install_dest (or DEST/strict-init when DEST is a
 * directory), replacing it atomically. Every step goes through one
 * descriptor of the destination directory. Logs what failed; returns 0 or
 * an exit code (exitcodes.h). */
int install_self(const struct sg_config *cfg);

#endif

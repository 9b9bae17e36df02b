/* The seccomp lock (STRICT_GROUPS_LOCK=1): every system call that sets the
 * supplementary groups fails with EPERM, for the command and all its
 * descendants, whatever libc or preload they use. */
#ifndef STRICT_SECCOMP_H
#define STRICT_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>

#define LOCK_FILTER_MAX 16

/* Writes the BPF program into out (LOCK_FILTER_MAX entries) and returns its
 * length. Pure. */
size_t lock_filter_build(struct sock_filter *out);

/* Installs the filter and checks that seccomp mode 2 is on. Needs
 * no_new_privs or CAP_SYS_ADMIN. Returns 0, or -1 with errno. */
int lock_setgroups(void);

#endif

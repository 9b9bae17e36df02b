/* The seccomp lock (STRICT_GROUPS_LOCK=1), for the command and all its
 * descendants, whatever libc or preload they use:
 *   - every system call that sets the supplementary groups fails with EPERM;
 *   - setgid, setregid, setresgid and setfsgid fail with EPERM unless each
 *     gid they are given is allowed (STRICT_GROUPS + the primary gid) or -1
 *     ("unchanged");
 *   - no new user namespace, where an allowed gid could be mapped to any
 *     other, and no joining one: unshare and clone with CLONE_NEWUSER fail
 *     with EPERM, clone3 with ENOSYS (libc then uses clone), setns with
 *     EPERM for CLONE_NEWUSER or nstype 0 (any type).
 * Native, x32 and the 32-bit compat ABI (16- and 32-bit gid calls); a system
 * call from an architecture this build does not know kills the process. */
#ifndef STRICT_SECCOMP_H
#define STRICT_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>
#include <sys/types.h>

/* LOCK_MAX_GIDS, the longest allowed list the filter encodes, is in
 * common/lock_limit.h: the webhook refuses pods beyond it too. */
#include "common/lock_limit.h"

/* The program's length for n allowed gids (n <= LOCK_MAX_GIDS): a fixed
 * dispatch of 47 instructions, then a 32-bit check of three arguments
 * (n + 3 each) and a 16-bit one (at most n + 4 each), each ending in
 * ALLOW. init/seccomp.c checks this against its layout. */
#define LOCK_FILTER_LEN(n) (47 + 3 * ((n) + 3) + 1 + 3 * ((n) + 4) + 1)
#define LOCK_FILTER_MAX LOCK_FILTER_LEN(LOCK_MAX_GIDS)

/* Writes the program for the allowed gids (sorted, unique: STRICT_GROUPS +
 * the primary gid; order and duplicates change the length, not the rule)
 * into out (cap entries); returns its length, or 0 when n > LOCK_MAX_GIDS
 * or cap is too small. Pure. */
size_t lock_filter_build(const gid_t *allowed, size_t n,
			 struct sock_filter *out, size_t cap);

/* Installs the filter and checks that seccomp mode 2 is on. Needs
 * no_new_privs or CAP_SYS_ADMIN. Returns 0, or -1 with errno (E2BIG when
 * n > LOCK_MAX_GIDS). */
int lock_gid_calls(const gid_t *allowed, size_t n);

#endif

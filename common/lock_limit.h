/* The longest allowed list (STRICT_GROUPS plus the primary gid) the seccomp
 * lock encodes (init/seccomp.c): strict-init refuses a longer one at start
 * (77) and install refuses to seal one (64); the webhook refuses a pod whose
 * copy it would seal with --lock=1 and more groups.
 *
 * Each gid argument is checked by one comparison with -1 and one per
 * allowed gid, and a match jumps over the comparisons left and the EPERM
 * that ends the check: n + 1 instructions, and a conditional BPF jump
 * reaches at most 255. A longer list would need a different encoding; no
 * real pod needs one. */
#ifndef STRICT_LOCK_LIMIT_H
#define STRICT_LOCK_LIMIT_H

#define LOCK_MAX_GIDS 254

#endif

/* The thin layer of privileged system calls. Each function does one thing,
 * reports nothing itself and leaves errno set on failure; the caller says
 * what failed. */
#ifndef STRICT_PRIVOPS_H
#define STRICT_PRIVOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

/* Fills st from getresuid/getresgid/getgroups; *held_buf must be freed. */
int state_read(struct sg_state *st, gid_t **held_buf);

/* Non-root start: make CAP_SETGID (from the file capability) effective and
 * drop every other capability. Fails with EPERM when it is not permitted. */
int caps_raise_setgid(void);

/* Empty the effective, permitted and inheritable sets. */
int caps_clear(void);

/* Whether CAP_SETGID could be used: permitted, or effective for root. */
bool caps_setgid_available(void);
bool caps_sys_admin_effective(void);

/* setgroups(target), then getgroups() must give exactly target (a sorted,
 * duplicate-free list). Returns 0, -1 when setgroups failed (errno kept),
 * -2 when the result differs. */
int groups_set_verified(const gid_t *target, size_t n);

/* Root start: groups = target, gid, uid, then every capability set empty,
 * bounding and ambient included; verified. Returns 0, -1 on a failed call
 * (errno kept), -2 when the result differs. */
int user_switch_verified(uid_t uid, gid_t gid, const gid_t *target, size_t n);

/* prctl(PR_SET_NO_NEW_PRIVS) and read it back. */
int no_new_privs_set_verified(void);

#endif

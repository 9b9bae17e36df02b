/* libstrict-preload.so: keeps a process's supplementary groups within
 * STRICT_GROUPS after strict-init has exec'd it.
 *
 * Interposes initgroups() and setgroups(). glibc's and musl's initgroups()
 * call setgroups internally, past any interposition, so initgroups must be
 * replaced itself (DESIGN.md fact 7). Static binaries and raw
 * syscall(SYS_setgroups) bypass any preload: that is what the seccomp lock
 * (STRICT_GROUPS_LOCK=1) is for.
 *
 * Built against glibc without _FORTIFY_SOURCE, and using only getenv,
 * dlsym, getegid, write and malloc, so that the same file loads in glibc
 * and musl programs (DESIGN.md fact 8). Everything but the two interposed
 * functions is hidden. */
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "gidlist.h"

#define PUBLIC __attribute__((visibility("default")))

/* Bind the oldest dlsym (GLIBC_2.2.5, in libdl.so.2 before glibc 2.34 and
 * kept in libc.so.6 since) rather than dlsym@GLIBC_2.34, so that images
 * with an older glibc can load the guard; musl ignores symbol versions. */
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
#endif
#define STACK_GIDS 64
#define KERNEL_NGROUPS_MAX 65536 /* setgroups fails with EINVAL above it */

typedef int (*setgroups_fn)(size_t, const gid_t *);

static void say_once(const char *why)
{
	static int said;
	static const char prefix[] = "strict-groups preload: ";
	static const char suffix[] = "; setgroups/initgroups fail with EPERM\n";

	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		return;
	/* best effort: nothing to do if stderr is gone */
	if (write(STDERR_FILENO, prefix, sizeof(prefix) - 1) < 0 ||
	    write(STDERR_FILENO, why, strlen(why)) < 0 ||
	    write(STDERR_FILENO, suffix, sizeof(suffix) - 1) < 0)
		return;
}

/* STRICT_GROUPS when it is set and valid, with its element count; else
 * NULL after saying why once (fail closed). */
static const char *strict_groups(size_t *count)
{
	const char *list = getenv("STRICT_GROUPS");
	size_t bad;

	if (!list) {
		say_once("STRICT_GROUPS is not set");
		return NULL;
	}
	if (gidlist_validate(list, count, &bad) != GID_OK) {
		say_once("STRICT_GROUPS is malformed");
		return NULL;
	}
	return list;
}

static setgroups_fn real_setgroups(void)
{
	static setgroups_fn fn;
	setgroups_fn found = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);

	if (!found) {
		/* POSIX gives dlsym a void *; this is how a function comes out */
		*(void **)&found = dlsym(RTLD_NEXT, "setgroups");
		if (!found) {
			say_once("the real setgroups cannot be found");
			return NULL;
		}
		__atomic_store_n(&fn, found, __ATOMIC_RELEASE);
	}
	return found;
}

/* Calls the real setgroups with the gids chosen by pick, using a stack
 * buffer for short lists. */
static int set_filtered(size_t cap, size_t (*pick)(const void *, gid_t *),
			const void *arg)
{
	gid_t stack_buf[STACK_GIDS];
	gid_t *buf = stack_buf;
	setgroups_fn real = real_setgroups();
	int rc, saved;

	if (!real) {
		errno = EPERM;
		return -1;
	}
	if (cap > STACK_GIDS) {
		buf = malloc(cap * sizeof(gid_t));
		if (!buf) {
			errno = ENOMEM;
			return -1;
		}
	}
	rc = real(pick(arg, buf), buf);
	saved = errno;
	if (buf != stack_buf)
		free(buf);
	errno = saved;
	return rc;
}

struct initgroups_args {
	const char *list;
	size_t count;
	gid_t group;
};

static size_t pick_initgroups(const void *arg, gid_t *out)
{
	const struct initgroups_args *a = arg;
	size_t n = gidlist_fill(a->list, out, a->count);

	if (!gidlist_contains(a->list, a->group))
		out[n++] = a->group;
	return n;
}

/* Under a strict policy the pod spec is the only source of groups, never
 * the image's /etc/group: user is not looked up at all. */
PUBLIC int initgroups(const char *user, gid_t group)
{
	struct initgroups_args a = {.group = group};

	(void)user;
	a.list = strict_groups(&a.count);
	if (!a.list) {
		errno = EPERM;
		return -1;
	}
	return set_filtered(a.count + 1, pick_initgroups, &a);
}

struct setgroups_args {
	const char *list;
	size_t n;
	const gid_t *wanted;
	gid_t egid;
};

static size_t pick_setgroups(const void *arg, gid_t *out)
{
	const struct setgroups_args *a = arg;
	size_t kept = 0;

	for (size_t i = 0; i < a->n; i++)
		if (a->wanted[i] == a->egid || gidlist_contains(a->list, a->wanted[i]))
			out[kept++] = a->wanted[i];
	return kept;
}

/* Keeps only the requested gids that STRICT_GROUPS allows, or that equal
 * the effective gid, and sets those. */
PUBLIC int setgroups(size_t n, const gid_t *list)
{
	struct setgroups_args a = {.n = n, .wanted = list, .egid = getegid()};
	size_t count;

	a.list = strict_groups(&count);
	if (!a.list) {
		errno = EPERM;
		return -1;
	}
	if (n > KERNEL_NGROUPS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0 && !list) {
		errno = EFAULT;
		return -1;
	}
	return set_filtered(n, pick_setgroups, &a);
}

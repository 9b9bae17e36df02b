/* The benchmark's floor: the least a static program can do to make the
 * supplementary groups strict before running a command.
 *
 *   floor GID COMMAND [ARG...]
 *
 * Default build: setgroups(1, {GID}) then execve(COMMAND). Installed with
 * the file capability cap_setgid=ep, so the kernel raises CAP_SETGID at
 * exec and no capability code is needed.
 *
 * -DFLOOR_FULL: the same steps strict-init's common path takes, written as
 * bare system calls: file capability cap_setgid=p, capset to raise
 * CAP_SETGID, setgroups, capset to clear every set, PR_SET_NO_NEW_PRIVS,
 * execve. This is what strict-init's semantics cost without libcap-ng, the
 * configuration parser, the policy, verification or logging.
 *
 * No libc stdio, no allocation: the time measured is exec + these calls. */
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef FLOOR_FULL
static int capset_raw(unsigned int effective, unsigned int permitted)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{effective, permitted, 0}, {0, 0, 0}};

	return (int)syscall(SYS_capset, &hdr, data);
}
#endif

int main(int argc, char **argv)
{
	unsigned int gid = 0;
	gid_t list[1];

	if (argc < 3)
		return 64;
	for (const char *p = argv[1]; *p; p++) {
		if (*p < '0' || *p > '9')
			return 64;
		gid = gid * 10 + (unsigned int)(*p - '0');
	}
	list[0] = (gid_t)gid;
#ifdef FLOOR_FULL
	if (capset_raw(1u << CAP_SETGID, 1u << CAP_SETGID))
		return 71;
#endif
	if (setgroups(1, list))
		return 71;
#ifdef FLOOR_FULL
	if (capset_raw(0, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 71;
#endif
	execve(argv[2], argv + 2, environ);
	return 127;
}

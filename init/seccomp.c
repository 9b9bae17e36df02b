#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>

/* libseccomp is not used: Debian builds it for glibc only, and a musl build
 * of it would more than double strict-init's size. The filter is small
 * enough to read: per architecture, the numbers of setgroups (and of the
 * 16-bit setgroups that 32-bit ABIs also have); anything else is allowed,
 * and an architecture this build does not know is killed, as libseccomp's
 * default for a foreign architecture would. */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NATIVE_SETGROUPS 116u
#define X32_BIT 0x40000000u /* x32 calls run under AUDIT_ARCH_X86_64 */
#define COMPAT_ARCH AUDIT_ARCH_I386
#define COMPAT_SETGROUPS16 81u
#define COMPAT_SETGROUPS32 206u
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define NATIVE_SETGROUPS 159u
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define COMPAT_SETGROUPS16 81u
#define COMPAT_SETGROUPS32 206u
#else
#error "the seccomp lock knows x86_64 and aarch64 only; add this architecture's setgroups numbers"
#endif

#ifndef X32_BIT
#define X32_BIT 0u /* no x32: instruction 4 repeats instruction 3 */
#endif

#define ERRNO_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JEQ(k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf)))
#define LOAD(field) STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, field))

/* Jump offsets count from the next instruction; the targets are named in
 * the comments. */
size_t lock_filter_build(struct sock_filter *out)
{
	const struct sock_filter prog[] = {
		/* 0 */ LOAD(arch),
		/* 1 */ JEQ(NATIVE_ARCH, 0, 4),                   /* else -> 6 */
		/* 2 */ LOAD(nr),
		/* 3 */ JEQ(NATIVE_SETGROUPS, 8, 0),              /* -> 12 */
		/* 4 */ JEQ(X32_BIT | NATIVE_SETGROUPS, 7, 0),    /* -> 12 */
		/* 5 */ STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 6 */ JEQ(COMPAT_ARCH, 0, 4),                   /* else -> 11 */
		/* 7 */ LOAD(nr),
		/* 8 */ JEQ(COMPAT_SETGROUPS16, 3, 0),            /* -> 12 */
		/* 9 */ JEQ(COMPAT_SETGROUPS32, 2, 0),            /* -> 12 */
		/* 10 */ STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* 11 */ STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		/* 12 */ STMT(BPF_RET | BPF_K, ERRNO_EPERM),
	};
	size_t n = sizeof(prog) / sizeof(prog[0]);

	for (size_t i = 0; i < n; i++)
		out[i] = prog[i];
	return n;
}

int lock_setgroups(void)
{
	struct sock_filter filter[LOCK_FILTER_MAX];
	struct sock_fprog prog = {.filter = filter};

	prog.len = (unsigned short)lock_filter_build(filter);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -1;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SECCOMP_MODE_FILTER) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

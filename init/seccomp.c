#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* libseccomp is not used: Debian builds it for glibc only, and a musl build
 * of it would more than double strict-init's size. The filter is written
 * out here instead, in two parts:
 *
 *   a fixed dispatch (47 instructions): the architecture, then the system
 *     call number. Native numbers outside the gid calls' range leave after
 *     7 to 11 instructions, those between them after 12; setgroups gets
 *     EPERM; an architecture this build does not know is killed, as
 *     libseccomp's default would;
 *
 *   user namespaces: unshare and clone with CLONE_NEWUSER get EPERM,
 *     clone3 (whose flags the filter cannot read) ENOSYS, so that libc
 *     falls back to clone. In a namespace of its own, root maps an allowed
 *     gid (0) to any outside gid and setgid(0) passes every check
 *     (measured: with only the gid calls checked, root under the lock read
 *     a group-50000 file that way). Joining one is the same escape:
 *     setns needs CAP_SYS_ADMIN in the target namespace, and a process
 *     whose euid owns a child namespace of its own holds every capability
 *     there, whoever made it (measured: locked root joined one an unlocked
 *     root process made and read the file). So setns gets EPERM for
 *     CLONE_NEWUSER (a pidfd with it included), and for nstype 0, "any
 *     type", where the filter cannot see which namespace the descriptor
 *     names;
 *
 *   the gid checks: for each argument position 2, 1, 0 a check that the
 *     argument is -1 or one of the allowed gids, else EPERM; setresgid
 *     enters at argument 2 and falls through to 1 and 0, setregid at 1,
 *     setgid and setfsgid at 0. One chain for 32-bit gids (native, x32 and
 *     the compat *32 calls) and one for the compat 16-bit calls.
 *
 * What the kernel reads of a gid argument (measured by the unit tests' kernel
 * cases, and in SYSCALL_DEFINE): the native calls cast the 64-bit register
 * to gid_t, so only the low 32 bits count (0x1_0000C350 sets 50000); the
 * compat calls take 32-bit registers; the 16-bit calls keep the low 16 bits
 * and read 0xFFFF as -1. Every check compares the low word only, and the
 * 16-bit chain masks it to 16 bits first. */

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NATIVE_SETGID 106u
#define NATIVE_SETREGID 114u
#define NATIVE_SETGROUPS 116u
#define NATIVE_SETRESGID 119u
#define NATIVE_SETFSGID 123u
#define NATIVE_GID_FIRST NATIVE_SETGID
#define NATIVE_GID_LAST NATIVE_SETFSGID
#define NATIVE_NS_BELOW 56u  /* clone */
#define NATIVE_NS_ABOVE 272u /* unshare */
#define NATIVE_SETNS 308u
#define X32_BIT 0x40000000u /* x32 calls run under AUDIT_ARCH_X86_64 */
#define COMPAT_ARCH AUDIT_ARCH_I386
#define COMPAT_UNSHARE 310u
#define COMPAT_SETNS 346u
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define NATIVE_SETREGID 143u
#define NATIVE_SETGID 144u
#define NATIVE_SETRESGID 149u
#define NATIVE_SETFSGID 152u
#define NATIVE_SETGROUPS 159u
#define NATIVE_GID_FIRST NATIVE_SETREGID
#define NATIVE_GID_LAST NATIVE_SETGROUPS
#define NATIVE_NS_BELOW 97u  /* unshare */
#define NATIVE_NS_ABOVE 220u /* clone */
#define NATIVE_SETNS 268u
#define COMPAT_ARCH AUDIT_ARCH_ARM
#define COMPAT_UNSHARE 337u
#define COMPAT_SETNS 375u
#else
#error "the seccomp lock knows x86_64 and aarch64 only; add this architecture's gid call numbers"
#endif

#ifndef X32_BIT
#define X32_BIT 0u /* no x32: the AND of instruction 3 changes nothing */
#endif

/* i386 and arm (EABI) have the same numbers for these. */
#define COMPAT_SETGID16 46u
#define COMPAT_SETREGID16 71u
#define COMPAT_SETGROUPS16 81u
#define COMPAT_SETFSGID16 139u
#define COMPAT_SETRESGID16 170u
#define COMPAT_SETREGID32 204u
#define COMPAT_SETGROUPS32 206u
#define COMPAT_SETRESGID32 210u
#define COMPAT_SETGID32 214u
#define COMPAT_SETFSGID32 216u
#define COMPAT_CLONE 120u
#define CLONE3 435u /* every architecture */

#define IN_GID_RANGE(nr) ((nr) >= NATIVE_GID_FIRST && (nr) <= NATIVE_GID_LAST)
_Static_assert(IN_GID_RANGE(NATIVE_SETGID) && IN_GID_RANGE(NATIVE_SETREGID) &&
		       IN_GID_RANGE(NATIVE_SETGROUPS) && IN_GID_RANGE(NATIVE_SETRESGID) &&
		       IN_GID_RANGE(NATIVE_SETFSGID),
	       "the range test of instructions 4-5 must cover every native gid call");
_Static_assert(NATIVE_NS_BELOW < NATIVE_GID_FIRST && NATIVE_NS_ABOVE > NATIVE_GID_LAST &&
		       NATIVE_SETNS > NATIVE_NS_ABOVE && CLONE3 > NATIVE_SETNS,
	       "instructions 11-15 look for clone and unshare on either side of the gid calls, setns and clone3 above");
_Static_assert(LOCK_MAX_GIDS + 1 <= 255, "a check's first jump must reach its end");

#define GID_UNCHANGED 0xFFFFFFFFu   /* (gid_t)-1 */
#define GID16_UNCHANGED 0xFFFFu     /* (old_gid_t)-1 */

#define ERRNO_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define ERRNO_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))
#define CLONE_NEWUSER_FLAG 0x10000000u /* linux/sched.h CLONE_NEWUSER */
#define STMT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(op, k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf)))
#define JEQ(k, jt, jf) JUMP(BPF_JEQ, (k), (jt), (jf))
#define RET(k) STMT(BPF_RET | BPF_K, (k))
#define AND(k) STMT(BPF_ALU | BPF_AND | BPF_K, (k))
#define LOAD(offset) STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(offset))
#define LOAD_FIELD(field) LOAD(offsetof(struct seccomp_data, field))

/* The low 32 bits of argument i: the first word of the 64-bit value on a
 * little-endian machine. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LOW_WORD 0u
#else
#define LOW_WORD 4u
#endif
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(uint64_t) + LOW_WORD)

/* Positions in the fixed dispatch. A jump's offset counts from the next
 * instruction: FWD(from, to). */
enum {
	H_LOAD_ARCH,
	H_IS_NATIVE,
	H_LOAD_NR,
	H_CLEAR_X32,
	H_BELOW_GID_CALLS,
	H_ABOVE_GID_CALLS,
	H_SETGROUPS,
	H_SETGID,
	H_SETFSGID,
	H_SETREGID,
	H_SETRESGID,
	H_NS_BELOW,
	H_BELOW_NS_ABOVE,
	H_NS_ABOVE,
	H_SETNS,
	H_CLONE3,
	H_ALLOW_NATIVE,
	H_IS_COMPAT,
	H_COMPAT_LOAD_NR,
	H_SETGROUPS16,
	H_SETGROUPS32,
	H_SETGID32,
	H_SETFSGID32,
	H_SETREGID32,
	H_SETRESGID32,
	H_SETGID16,
	H_SETFSGID16,
	H_SETREGID16,
	H_SETRESGID16,
	H_COMPAT_CLONE,
	H_COMPAT_UNSHARE,
	H_COMPAT_SETNS,
	H_COMPAT_CLONE3,
	H_LOAD_NSTYPE,
	H_NSTYPE_ANY,
	H_LOAD_FLAGS,
	H_NEWUSER,
	H_ALLOW,
	H_KILL,
	H_EPERM,
	H_ENOSYS,
	/* long jumps (BPF_JA) to the checks, whose distance depends on n */
	H_TO_CHECK32_ARG2,
	H_TO_CHECK32_ARG1,
	H_TO_CHECK32_ARG0,
	H_TO_CHECK16_ARG2,
	H_TO_CHECK16_ARG1,
	H_TO_CHECK16_ARG0,
	HEAD_LEN
};
#define FWD(from, to) ((to) - (from) - 1)

_Static_assert(LOCK_FILTER_LEN(0) == HEAD_LEN + 3 * 3 + 1 + 3 * 4 + 1,
	       "seccomp.h's LOCK_FILTER_LEN must match the layout");

static const struct sock_filter head[HEAD_LEN] = {
	[H_LOAD_ARCH] = LOAD_FIELD(arch),
	[H_IS_NATIVE] = JEQ(NATIVE_ARCH, 0, FWD(H_IS_NATIVE, H_IS_COMPAT)),
	[H_LOAD_NR] = LOAD_FIELD(nr),
	/* x32's numbers are the native ones plus X32_BIT */
	[H_CLEAR_X32] = AND(~X32_BIT),
	[H_BELOW_GID_CALLS] = JUMP(BPF_JGE, NATIVE_GID_FIRST, 0,
				   FWD(H_BELOW_GID_CALLS, H_NS_BELOW)),
	[H_ABOVE_GID_CALLS] = JUMP(BPF_JGT, NATIVE_GID_LAST,
				   FWD(H_ABOVE_GID_CALLS, H_BELOW_NS_ABOVE), 0),
	[H_SETGROUPS] = JEQ(NATIVE_SETGROUPS, FWD(H_SETGROUPS, H_EPERM), 0),
	[H_SETGID] = JEQ(NATIVE_SETGID, FWD(H_SETGID, H_TO_CHECK32_ARG0), 0),
	[H_SETFSGID] = JEQ(NATIVE_SETFSGID, FWD(H_SETFSGID, H_TO_CHECK32_ARG0), 0),
	[H_SETREGID] = JEQ(NATIVE_SETREGID, FWD(H_SETREGID, H_TO_CHECK32_ARG1), 0),
	[H_SETRESGID] = JEQ(NATIVE_SETRESGID, FWD(H_SETRESGID, H_TO_CHECK32_ARG2),
			    FWD(H_SETRESGID, H_ALLOW_NATIVE)),
	/* below the gid calls: clone (x86_64) or unshare (aarch64) */
	[H_NS_BELOW] = JEQ(NATIVE_NS_BELOW, FWD(H_NS_BELOW, H_LOAD_FLAGS),
			   FWD(H_NS_BELOW, H_ALLOW_NATIVE)),
	/* above: unshare (x86_64) or clone (aarch64), and clone3 */
	[H_BELOW_NS_ABOVE] = JUMP(BPF_JGE, NATIVE_NS_ABOVE, 0,
				  FWD(H_BELOW_NS_ABOVE, H_ALLOW_NATIVE)),
	[H_NS_ABOVE] = JEQ(NATIVE_NS_ABOVE, FWD(H_NS_ABOVE, H_LOAD_FLAGS), 0),
	[H_SETNS] = JEQ(NATIVE_SETNS, FWD(H_SETNS, H_LOAD_NSTYPE), 0),
	[H_CLONE3] = JEQ(CLONE3, FWD(H_CLONE3, H_ENOSYS), 0),
	[H_ALLOW_NATIVE] = RET(SECCOMP_RET_ALLOW),

	[H_IS_COMPAT] = JEQ(COMPAT_ARCH, 0, FWD(H_IS_COMPAT, H_KILL)),
	[H_COMPAT_LOAD_NR] = LOAD_FIELD(nr),
	[H_SETGROUPS16] = JEQ(COMPAT_SETGROUPS16, FWD(H_SETGROUPS16, H_EPERM), 0),
	[H_SETGROUPS32] = JEQ(COMPAT_SETGROUPS32, FWD(H_SETGROUPS32, H_EPERM), 0),
	[H_SETGID32] = JEQ(COMPAT_SETGID32, FWD(H_SETGID32, H_TO_CHECK32_ARG0), 0),
	[H_SETFSGID32] = JEQ(COMPAT_SETFSGID32, FWD(H_SETFSGID32, H_TO_CHECK32_ARG0), 0),
	[H_SETREGID32] = JEQ(COMPAT_SETREGID32, FWD(H_SETREGID32, H_TO_CHECK32_ARG1), 0),
	[H_SETRESGID32] = JEQ(COMPAT_SETRESGID32, FWD(H_SETRESGID32, H_TO_CHECK32_ARG2), 0),
	[H_SETGID16] = JEQ(COMPAT_SETGID16, FWD(H_SETGID16, H_TO_CHECK16_ARG0), 0),
	[H_SETFSGID16] = JEQ(COMPAT_SETFSGID16, FWD(H_SETFSGID16, H_TO_CHECK16_ARG0), 0),
	[H_SETREGID16] = JEQ(COMPAT_SETREGID16, FWD(H_SETREGID16, H_TO_CHECK16_ARG1), 0),
	[H_SETRESGID16] = JEQ(COMPAT_SETRESGID16, FWD(H_SETRESGID16, H_TO_CHECK16_ARG2), 0),
	[H_COMPAT_CLONE] = JEQ(COMPAT_CLONE, FWD(H_COMPAT_CLONE, H_LOAD_FLAGS), 0),
	[H_COMPAT_UNSHARE] = JEQ(COMPAT_UNSHARE, FWD(H_COMPAT_UNSHARE, H_LOAD_FLAGS), 0),
	[H_COMPAT_SETNS] = JEQ(COMPAT_SETNS, FWD(H_COMPAT_SETNS, H_LOAD_NSTYPE), 0),
	[H_COMPAT_CLONE3] = JEQ(CLONE3, FWD(H_COMPAT_CLONE3, H_ENOSYS),
				FWD(H_COMPAT_CLONE3, H_ALLOW)),

	/* setns: nstype is argument 1 (an int); 0 means any type, then the
	 * same test as clone's flags */
	[H_LOAD_NSTYPE] = LOAD(ARG_LOW(1)),
	[H_NSTYPE_ANY] = JEQ(0, FWD(H_NSTYPE_ANY, H_EPERM), FWD(H_NSTYPE_ANY, H_NEWUSER)),
	/* clone and unshare: the flags are argument 0 in every ABI */
	[H_LOAD_FLAGS] = LOAD(ARG_LOW(0)),
	[H_NEWUSER] = JUMP(BPF_JSET, CLONE_NEWUSER_FLAG, FWD(H_NEWUSER, H_EPERM), 0),
	[H_ALLOW] = RET(SECCOMP_RET_ALLOW),
	[H_KILL] = RET(SECCOMP_RET_KILL_PROCESS),
	[H_EPERM] = RET(ERRNO_EPERM),
	[H_ENOSYS] = RET(ERRNO_ENOSYS),
	/* H_TO_CHECK*: filled in by lock_filter_build */
};

static struct sock_filter long_jump(size_t from, size_t to)
{
	return STMT(BPF_JMP | BPF_JA, (uint32_t)(to - from - 1));
}

/* One check of argument arg, into out: passes on to the instruction after
 * it when the argument is "unchanged" or one of the n gids in ids, else
 * returns EPERM. With mask16, the argument is cut to 16 bits first (then
 * ids must be 16-bit values other than 0xFFFF). Returns its length. */
static size_t emit_check(struct sock_filter *out, unsigned int arg, bool mask16,
			 const gid_t *ids, size_t n)
{
	size_t len = 0;

	out[len++] = LOAD(ARG_LOW(arg));
	if (mask16)
		out[len++] = AND(GID16_UNCHANGED);
	/* each match skips the comparisons left and the EPERM */
	out[len++] = JEQ(mask16 ? GID16_UNCHANGED : GID_UNCHANGED, (uint8_t)(n + 1), 0);
	for (size_t i = 0; i < n; i++)
		out[len++] = JEQ((uint32_t)ids[i], (uint8_t)(n - i), 0);
	out[len++] = RET(ERRNO_EPERM);
	return len;
}

/* Checks of arguments 2, 1, 0 in a row, then ALLOW; starts[a] is where the
 * check of argument a begins. Returns the length. */
static size_t emit_chain(struct sock_filter *out, size_t at, bool mask16,
			 const gid_t *ids, size_t n, size_t starts[3])
{
	size_t len = 0;

	for (unsigned int arg = 3; arg-- > 0;) {
		starts[arg] = at + len;
		len += emit_check(out + len, arg, mask16, ids, n);
	}
	out[len++] = RET(SECCOMP_RET_ALLOW);
	return len;
}

size_t lock_filter_build(const gid_t *allowed, size_t n,
			 struct sock_filter *out, size_t cap)
{
	gid_t ids16[LOCK_MAX_GIDS];
	size_t n16 = 0, len = HEAD_LEN, at32[3], at16[3];

	if (n > LOCK_MAX_GIDS)
		return 0;
	/* a 16-bit call can only name a gid below 0xFFFF */
	for (size_t i = 0; i < n; i++)
		if (allowed[i] < GID16_UNCHANGED)
			ids16[n16++] = allowed[i];
	if (cap < HEAD_LEN + 3 * (n + 3) + 1 + 3 * (n16 + 4) + 1)
		return 0;

	memcpy(out, head, sizeof(head));
	len += emit_chain(out + len, len, false, allowed, n, at32);
	len += emit_chain(out + len, len, true, ids16, n16, at16);
	out[H_TO_CHECK32_ARG2] = long_jump(H_TO_CHECK32_ARG2, at32[2]);
	out[H_TO_CHECK32_ARG1] = long_jump(H_TO_CHECK32_ARG1, at32[1]);
	out[H_TO_CHECK32_ARG0] = long_jump(H_TO_CHECK32_ARG0, at32[0]);
	out[H_TO_CHECK16_ARG2] = long_jump(H_TO_CHECK16_ARG2, at16[2]);
	out[H_TO_CHECK16_ARG1] = long_jump(H_TO_CHECK16_ARG1, at16[1]);
	out[H_TO_CHECK16_ARG0] = long_jump(H_TO_CHECK16_ARG0, at16[0]);
	return len;
}

/* The number of seccomp filters attached to this thread: /proc/self/status
 * line "Seccomp_filters:" (Linux >= 5.9). -2 when the file reads but has
 * no such line (an older kernel), -1 when it cannot be read. */
static long seccomp_filters(void)
{
	static const char key[] = "\nSeccomp_filters:";
	char buf[4096];
	const char *line;
	ssize_t n = 0, got;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (n < (ssize_t)sizeof(buf) - 1 &&
	       (got = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	line = strstr(buf, key);
	return line ? strtol(line + sizeof(key) - 1, NULL, 10) : -2;
}

int lock_gid_calls(const gid_t *allowed, size_t n)
{
	struct sock_filter filter[LOCK_FILTER_MAX];
	struct sock_fprog prog = {.filter = filter};
	long before;

	if (n > LOCK_MAX_GIDS) {
		errno = E2BIG;
		return -1;
	}
	prog.len = (unsigned short)lock_filter_build(allowed, n, filter, LOCK_FILTER_MAX);
	if (prog.len == 0) {
		errno = EINVAL;
		return -1;
	}
	/* The mode alone cannot tell whether *this* filter went on when the
	 * runtime's own profile (RuntimeDefault, Docker's) is there already:
	 * it reads 2 before the lock. The count of filters can (verify.bats
	 * fakes PR_SET_SECCOMP under another filter). */
	before = seccomp_filters();
	if (before == -1)
		return -1;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return -1;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SECCOMP_MODE_FILTER ||
	    (before >= 0 && seccomp_filters() != before + 1)) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

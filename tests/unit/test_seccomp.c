/* The seccomp lock, in two ways:
 *
 *  - its program run by a small classic-BPF interpreter written for this
 *    test, on synthetic seccomp_data for every ABI, including those this
 *    kernel cannot run (i386 through int $0x80 faults on some machines of
 *    this kind, x32 may be compiled out, an unknown architecture), checked
 *    against an oracle written from the kernel's rules, not from the
 *    filter's code;
 *  - against the running kernel: each case forks, installs the filter in
 *    the child and reports what the system calls returned, with an
 *    unlocked control, and the interpreter's verdict cross-checked with the
 *    kernel's on the same calls.
 *
 * Runs as root (the kernel cases need CAP_SETGID to show that a call the
 * filter lets through really changes the gid). */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "init/seccomp.h"

#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS
#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)
#define NEWUSER 0x10000000u /* CLONE_NEWUSER */
#define UNCHANGED 0xFFFFFFFFu
#define FORBIDDEN 50000u
#define ALLOWED 60000u

/* ---- the ABIs, numbered from the kernel's tables (not from seccomp.c) ---- */

/* The gid calls, then the calls that make or join a user namespace (arg 0
 * is the flags of clone and unshare, arg 1 setns's nstype). */
enum call {
	SETGID,
	SETREGID,
	SETRESGID,
	SETFSGID,
	SETGROUPS,
	CLONE,
	UNSHARE,
	CLONE3,
	SETNS,
	NCALLS
};
#define NGIDCALLS CLONE
static const char *const call_names[NCALLS] = {"setgid",   "setregid",  "setresgid",
					       "setfsgid", "setgroups", "clone",
					       "unshare",  "clone3",    "setns"};
static const unsigned int call_args[NCALLS] = {1, 2, 3, 1, 0, 1, 1, 0, 2};

struct abi {
	const char *name;
	uint32_t arch;
	bool gid16; /* the kernel keeps the low 16 bits; 0xFFFF is -1 */
	int nr[NCALLS];
};

#define X32 0x40000000
#if defined(__x86_64__)
static const struct abi native = {
	"x86_64", AUDIT_ARCH_X86_64, false, {106, 114, 119, 123, 116, 56, 272, 435, 308}};
static const struct abi x32 = {"x32",
			       AUDIT_ARCH_X86_64,
			       false,
			       {X32 | 106, X32 | 114, X32 | 119, X32 | 123, X32 | 116, X32 | 56,
				X32 | 272, X32 | 435, X32 | 308}};
static const struct abi compat16 = {
	"i386 16-bit", AUDIT_ARCH_I386, true, {46, 71, 170, 139, 81, 120, 310, 435, 346}};
static const struct abi compat32 = {
	"i386 32-bit", AUDIT_ARCH_I386, false, {214, 204, 210, 216, 206, 120, 310, 435, 346}};
static const struct abi *const abis[] = {&native, &x32, &compat16, &compat32};
#elif defined(__aarch64__)
static const struct abi native = {
	"aarch64", AUDIT_ARCH_AARCH64, false, {144, 143, 149, 152, 159, 220, 97, 435, 268}};
static const struct abi compat16 = {
	"arm 16-bit", AUDIT_ARCH_ARM, true, {46, 71, 170, 139, 81, 120, 337, 435, 375}};
static const struct abi compat32 = {
	"arm 32-bit", AUDIT_ARCH_ARM, false, {214, 204, 210, 216, 206, 120, 337, 435, 375}};
static const struct abi *const abis[] = {&native, &compat16, &compat32};
#endif
#define NABIS (sizeof(abis) / sizeof(abis[0]))

/* Argument values: allowed, forbidden, "unchanged" in each width, and the
 * upper-bit tricks (the kernel reads the low 32 bits, or 16). */
static const uint64_t values[] = {
	ALLOWED,
	0, /* root's primary gid, allowed in the kernel cases */
	FORBIDDEN,
	UNCHANGED,
	0xFFFFFFFFFFFFFFFFull, /* -1 as a long: the low word is -1 */
	0x1FFFFFFFFull,        /* -1 in the low word only */
	0x10000C350ull,        /* low word 50000: sets 50000 */
	0xFFFFFFFF0000C350ull, /* the same with every upper bit */
	0x10000EA60ull,        /* low word 60000: sets 60000 */
	0xFFFFu,               /* -1 for the 16-bit calls, 65535 for the others */
	0x1C350u,              /* 115536; 16-bit: 50000 */
	0x1EA60u,              /* 125536; 16-bit: 60000 */
	0xFFFFC350u,           /* 16-bit: 50000 */
	0x11u,                 /* clone flags: SIGCHLD */
	0x10000000u,           /* CLONE_NEWUSER */
	0x10000011u,           /* CLONE_NEWUSER | SIGCHLD */
	0x100000011ull,        /* SIGCHLD and bit 32 */
	0xFFFFFFFF00000000ull, /* upper bits only */
};
#define NVALUES (sizeof(values) / sizeof(values[0]))

/* ---- the interpreter ---- */

struct bpf_result {
	uint32_t ret;
	unsigned int steps; /* instructions executed */
};

/* What the kernel's loader would refuse (bpf_check_classic and
 * seccomp_check_filter), for the instructions this interpreter knows. */
static void assert_loadable(const struct sock_filter *f, size_t len)
{
	assert_true(len > 0 && len <= BPF_MAXINSNS);
	for (size_t i = 0; i < len; i++) {
		uint16_t code = f[i].code;

		if (BPF_CLASS(code) == BPF_JMP && BPF_OP(code) == BPF_JA)
			assert_true(f[i].k < len - i - 1);
		else if (BPF_CLASS(code) == BPF_JMP)
			assert_true(i + 1 + f[i].jt < len && i + 1 + f[i].jf < len);
		if (code == (BPF_LD | BPF_W | BPF_ABS))
			assert_true(f[i].k % 4 == 0 && f[i].k + 4 <= sizeof(struct seccomp_data));
	}
	assert_int_equal(BPF_CLASS(f[len - 1].code), BPF_RET);
}

/* Runs the program on d as the kernel would. Only what a seccomp filter
 * can use: loads of seccomp_data words, ALU with constants, jumps, RET. */
static struct bpf_result bpf_run(const struct sock_filter *f, size_t len,
				 const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0;
	size_t pc = 0;
	unsigned int steps = 0;

	for (;;) {
		const struct sock_filter *in;

		if (pc >= len)
			fail_msg("the program runs past its end");
		in = &f[pc++];
		steps++;
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k % 4 || in->k + 4 > sizeof(*d))
				fail_msg("load at %u, outside seccomp_data", in->k);
			memcpy(&a, (const char *)d + in->k, sizeof(a));
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = sizeof(*d);
			break;
		case BPF_LD | BPF_IMM:
			a = in->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = in->k;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			a += in->k;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			a -= in->k;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= in->k;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			a = in->k < 32 ? a >> in->k : 0;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & in->k) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return (struct bpf_result){in->k, steps};
		default:
			fail_msg("instruction %zu: opcode 0x%x is not interpreted", pc - 1,
				 (unsigned)in->code);
		}
	}
}

static struct seccomp_data call_data(uint32_t arch, int nr, const uint64_t args[3])
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = nr;
	for (int i = 0; i < 3; i++)
		d.args[i] = args[i];
	/* what the unused registers may hold: nothing the filter must read */
	d.args[3] = d.args[4] = d.args[5] = FORBIDDEN;
	d.instruction_pointer = 0x1000;
	return d;
}

/* ---- the oracle: what the rule says, from the kernel's reading of args ---- */

static bool gid_arg_ok(const struct abi *abi, uint64_t value, const gid_t *allowed, size_t n)
{
	uint32_t gid = (uint32_t)value; /* SYSCALL_DEFINE casts to gid_t */

	if (abi->gid16) {
		gid &= 0xFFFFu; /* old_gid_t */
		if (gid == 0xFFFFu)
			return true;
	} else if (gid == UNCHANGED) {
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (allowed[i] == gid)
			return true;
	return false;
}

static uint32_t expected(const struct abi *abi, enum call c, const uint64_t args[3],
			 const gid_t *allowed, size_t n)
{
	if (c == SETGROUPS)
		return EPERM_RET;
	if (c == CLONE3) /* its flags are in memory: libc falls back to clone */
		return ENOSYS_RET;
	if (c == CLONE ||
	    c == UNSHARE) /* the kernel reads all 64 bits; the flag is in the low word */
		return (args[0] & NEWUSER) ? EPERM_RET : ALLOW;
	if (c == SETNS) { /* int nstype: the low word; 0 is any type, a user namespace too */
		uint32_t nstype = (uint32_t)args[1];

		return (nstype == 0 || (nstype & NEWUSER)) ? EPERM_RET : ALLOW;
	}
	for (unsigned int i = 0; i < call_args[c]; i++)
		if (!gid_arg_ok(abi, args[i], allowed, n))
			return EPERM_RET;
	return ALLOW;
}

struct filter {
	struct sock_filter prog[LOCK_FILTER_MAX];
	size_t len;
};

static void build(struct filter *f, const gid_t *allowed, size_t n)
{
	f->len = lock_filter_build(allowed, n, f->prog, LOCK_FILTER_MAX);
	assert_true(f->len > 0);
	assert_loadable(f->prog, f->len);
}

static uint32_t verdict(const struct filter *f, const struct abi *abi, enum call c, uint64_t a0,
			uint64_t a1, uint64_t a2)
{
	const uint64_t args[3] = {a0, a1, a2};
	struct seccomp_data d = call_data(abi->arch, abi->nr[c], args);

	return bpf_run(f->prog, f->len, &d).ret;
}

/* Every ABI, every gid call, every argument position, every value (the
 * other arguments -1, then an allowed gid): the program and the oracle
 * agree. Returns how many calls were compared. */
static size_t compare_all(const struct filter *f, const gid_t *allowed, size_t n)
{
	size_t compared = 0;

	for (size_t a = 0; a < NABIS; a++)
		for (int c = 0; c < NCALLS; c++)
			for (unsigned int pos = 0; pos < 3; pos++)
				for (size_t v = 0; v < NVALUES; v++)
					for (int other = 0; other < 2; other++) {
						uint64_t args[3];
						uint32_t want, got;

						args[0] = args[1] = args[2] =
							other ? allowed[0] : UNCHANGED;
						args[pos] = values[v];
						want = expected(abis[a], (enum call)c, args,
								allowed, n);
						got = verdict(f, abis[a], (enum call)c, args[0],
							      args[1], args[2]);
						if (want != got)
							fail_msg(
								"%s %s(%#llx, %#llx, %#llx): filter %#x, rule %#x",
								abis[a]->name, call_names[c],
								(unsigned long long)args[0],
								(unsigned long long)args[1],
								(unsigned long long)args[2], got,
								want);
						compared++;
					}
	return compared;
}

/* Whether nr is a call the lock checks, in any ABI that runs under arch. */
static bool is_checked_call(uint32_t arch, int nr)
{
	for (size_t a = 0; a < NABIS; a++)
		for (int c = 0; c < NCALLS; c++)
			if (abis[a]->arch == arch && abis[a]->nr[c] == nr)
				return true;
	return false;
}

/* ---- interpreter tests: every ABI ---- */

static const gid_t one[] = {ALLOWED};
static const gid_t several[] = {0, 1000, ALLOWED, 70000 /* above 16 bits */};

static void test_interp_named_cases(void **state)
{
	struct filter f;

	(void)state;
	build(&f, several, 4);
	/* setgroups: always EPERM, even for allowed gids */
	assert_int_equal(verdict(&f, &native, SETGROUPS, 0, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETGROUPS, 0, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, SETGROUPS, 0, 0, 0), EPERM_RET);
	/* each argument position of setresgid */
	assert_int_equal(verdict(&f, &native, SETRESGID, FORBIDDEN, UNCHANGED, UNCHANGED),
			 EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETRESGID, UNCHANGED, FORBIDDEN, UNCHANGED),
			 EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETRESGID, UNCHANGED, UNCHANGED, FORBIDDEN),
			 EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETRESGID, ALLOWED, 1000, 0), ALLOW);
	assert_int_equal(verdict(&f, &native, SETRESGID, UNCHANGED, UNCHANGED, UNCHANGED), ALLOW);
	/* setgid reads one argument: the others hold anything */
	assert_int_equal(verdict(&f, &native, SETGID, ALLOWED, FORBIDDEN, FORBIDDEN), ALLOW);
	assert_int_equal(verdict(&f, &native, SETREGID, ALLOWED, ALLOWED, FORBIDDEN), ALLOW);
	/* the low 32 bits are what the kernel sets */
	assert_int_equal(verdict(&f, &native, SETGID, 0x10000C350ull, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETFSGID, 0x10000EA60ull, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &native, SETGID, 0x1FFFFFFFFull, 0, 0), ALLOW);
	/* 16-bit calls: 0xFFFF is -1, 70000 cannot be named, 0x1C350 is 50000 */
	assert_int_equal(verdict(&f, &compat16, SETGID, 0xFFFF, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &compat16, SETGID, 70000, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETGID, 70000 & 0xFFFF, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETGID, 0x1C350, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETREGID, ALLOWED, 1000, 0), ALLOW);
	assert_int_equal(verdict(&f, &compat32, SETGID, 70000, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &compat32, SETGID, 0xFFFF, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, SETRESGID, UNCHANGED, UNCHANGED, FORBIDDEN),
			 EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETFSGID, FORBIDDEN, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, SETFSGID, FORBIDDEN, 0, 0), EPERM_RET);
	/* no new user namespace; other namespaces and plain clones are fine */
	assert_int_equal(verdict(&f, &native, UNSHARE, NEWUSER, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, UNSHARE, 0x20000 /* CLONE_NEWNS */, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &native, CLONE, NEWUSER | 0x11, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, CLONE, 0x11, NEWUSER, NEWUSER), ALLOW);
	assert_int_equal(verdict(&f, &native, CLONE3, 0, 0, 0), ENOSYS_RET);
	assert_int_equal(verdict(&f, &compat16, CLONE, NEWUSER, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, UNSHARE, NEWUSER, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, UNSHARE, 0, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &compat32, CLONE3, 0, 0, 0), ENOSYS_RET);
	/* no joining a user namespace: CLONE_NEWUSER (a pidfd's flags too) or
	 * nstype 0, which names any type; other types are fine */
	assert_int_equal(verdict(&f, &native, SETNS, 3, NEWUSER, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETNS, 3, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETNS, 3, 0x100000000ull, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETNS, 3, NEWUSER | 0x40000000u /* NEWNET */, 0),
			 EPERM_RET);
	assert_int_equal(verdict(&f, &native, SETNS, 3, 0x40000000u, 0), ALLOW);
	assert_int_equal(verdict(&f, &native, SETNS, NEWUSER, 0x20000, NEWUSER), ALLOW);
	assert_int_equal(verdict(&f, &compat32, SETNS, 3, NEWUSER, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat16, SETNS, 3, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &compat32, SETNS, 3, 0x40000000u, 0), ALLOW);
#ifdef __x86_64__
	assert_int_equal(verdict(&f, &x32, SETNS, 3, NEWUSER, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &x32, UNSHARE, NEWUSER, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &x32, CLONE3, 0, 0, 0), ENOSYS_RET);
	assert_int_equal(verdict(&f, &x32, SETGID, FORBIDDEN, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&f, &x32, SETGID, ALLOWED, 0, 0), ALLOW);
	assert_int_equal(verdict(&f, &x32, SETGROUPS, 0, 0, 0), EPERM_RET);
#endif
}

static void test_interp_unknown_arch_killed(void **state)
{
	const uint64_t args[3] = {0, 0, 0};
	const uint32_t foreign[] = {AUDIT_ARCH_MIPS, AUDIT_ARCH_PPC64LE, AUDIT_ARCH_S390X,
				    AUDIT_ARCH_X86_64 ^ 1u, 0};
	struct filter f;

	(void)state;
	build(&f, one, 1);
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		for (int nr = 0; nr < 500; nr += 7) {
			struct seccomp_data d = call_data(foreign[i], nr, args);

			assert_int_equal(bpf_run(f.prog, f.len, &d).ret, KILL);
		}
}

/* The whole matrix for lists of 1, several and LOCK_MAX_GIDS gids. */
static void test_interp_every_abi_matrix(void **state)
{
	static gid_t longest[LOCK_MAX_GIDS];
	struct filter f;
	size_t compared = 0;

	(void)state;
	build(&f, one, 1);
	compared += compare_all(&f, one, 1);
	build(&f, several, 4);
	compared += compare_all(&f, several, 4);
	/* 60000, 60300, ...: some above 0xFFFF, 50000 not among them */
	for (size_t i = 0; i < LOCK_MAX_GIDS; i++)
		longest[i] = (gid_t)(ALLOWED + 300 * i);
	build(&f, longest, LOCK_MAX_GIDS);
	compared += compare_all(&f, longest, LOCK_MAX_GIDS);
	/* and every gid of the longest list, in each position */
	for (size_t i = 0; i < LOCK_MAX_GIDS; i++) {
		assert_int_equal(verdict(&f, &native, SETRESGID, UNCHANGED, UNCHANGED, longest[i]),
				 ALLOW);
		assert_int_equal(
			verdict(&f, &native, SETRESGID, longest[i], longest[i], longest[i]), ALLOW);
		assert_int_equal(verdict(&f, &compat32, SETREGID, UNCHANGED, longest[i], 0), ALLOW);
		assert_int_equal(verdict(&f, &native, SETGID, longest[i] + 1, 0, 0), EPERM_RET);
	}
	print_message("# %zu calls compared with the rule\n", compared);
}

/* The cost every other system call pays, by range of native numbers:
 * below the gid calls (read, write, mmap, ...), between them (geteuid,
 * getppid, getresuid, ...), above them up to the namespace calls (futex,
 * openat, ...), and from there (epoll_pwait, getrandom, statx, ...). */
static void test_interp_other_calls_cheap(void **state)
{
	const uint64_t args[3] = {FORBIDDEN, FORBIDDEN, FORBIDDEN};
	int first = native.nr[0], last = native.nr[0], ns_above = 1024;
	unsigned int most[4] = {0, 0, 0, 0};
	struct filter f;

	(void)state;
	for (int c = 0; c < NGIDCALLS; c++) {
		first = native.nr[c] < first ? native.nr[c] : first;
		last = native.nr[c] > last ? native.nr[c] : last;
	}
	for (int c = NGIDCALLS; c < NCALLS; c++)
		if (native.nr[c] > last && native.nr[c] < ns_above)
			ns_above = native.nr[c];
	build(&f, several, 4);
	for (size_t a = 0; a < NABIS; a++)
		for (int nr = 0; nr < 1024; nr++) {
			/* x32's numbers carry its bit */
			int n = (abis[a]->nr[0] & X32) | nr;
			struct seccomp_data d;
			struct bpf_result r;
			int range;

			if (is_checked_call(abis[a]->arch, n))
				continue;
			d = call_data(abis[a]->arch, n, args);
			r = bpf_run(f.prog, f.len, &d);
			assert_int_equal(r.ret, ALLOW);
			if (abis[a] != &native)
				continue;
			range = nr < first ? 0 : nr <= last ? 1 : nr < ns_above ? 2 : 3;
			most[range] = r.steps > most[range] ? r.steps : most[range];
		}
	print_message("# instructions a native system call that the lock does not check runs: "
		      "%u below %d, %u up to %d, %u up to %d, %u from there\n",
		      most[0], first, most[1], last, most[2], ns_above - 1, most[3]);
	assert_true(most[0] <= 7 && most[1] <= 12 && most[2] <= 8 && most[3] <= 11);
}

static void test_interp_sizes(void **state)
{
	static gid_t gids[LOCK_MAX_GIDS + 1];
	struct sock_filter prog[LOCK_FILTER_MAX];
	struct filter none;
	size_t len1, lenmax;

	(void)state;
	for (size_t i = 0; i <= LOCK_MAX_GIDS; i++)
		gids[i] = (gid_t)(1000 + i);
	len1 = lock_filter_build(gids, 1, prog, LOCK_FILTER_MAX);
	assert_int_equal(len1, LOCK_FILTER_LEN(1));
	lenmax = lock_filter_build(gids, LOCK_MAX_GIDS, prog, LOCK_FILTER_MAX);
	assert_int_equal(lenmax, LOCK_FILTER_MAX);
	assert_true(lenmax <= BPF_MAXINSNS);
	assert_loadable(prog, lenmax);
	print_message("# filter length: %zu instructions for 1 gid, %zu for %d\n", len1, lenmax,
		      LOCK_MAX_GIDS);
	/* one gid too many, or no room: nothing written that could be used */
	assert_int_equal(lock_filter_build(gids, LOCK_MAX_GIDS + 1, prog, LOCK_FILTER_MAX), 0);
	assert_int_equal(lock_filter_build(gids, 1, prog, LOCK_FILTER_LEN(1) - 1), 0);
	assert_int_equal(lock_filter_build(gids, 1, prog, 0), 0);
	/* no gid at all: everything but -1 is refused */
	build(&none, gids, 0);
	assert_int_equal(verdict(&none, &native, SETGID, 0, 0, 0), EPERM_RET);
	assert_int_equal(verdict(&none, &native, SETRESGID, UNCHANGED, UNCHANGED, UNCHANGED),
			 ALLOW);
	assert_int_equal(verdict(&none, &compat16, SETREGID, 0xFFFF, UNCHANGED, 0), ALLOW);
	/* gids a 16-bit call cannot name (0xFFFF is its -1) are left out of
	 * the 16-bit checks */
	gids[0] = 0xFFFF;
	gids[1] = 70000;
	assert_int_equal(lock_filter_build(gids, 2, prog, LOCK_FILTER_MAX),
			 LOCK_FILTER_LEN(2) - 3 * 2);
}

static void test_lock_refuses_too_long_list(void **state)
{
	static gid_t gids[LOCK_MAX_GIDS + 1];

	(void)state;
	errno = 0;
	assert_int_equal(lock_gid_calls(gids, LOCK_MAX_GIDS + 1), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0);
}

/* ---- against the kernel ---- */

/* root's primary gid and STRICT_GROUPS=60000 */
static const gid_t kernel_allowed[] = {0, ALLOWED};
#define NKERNEL_ALLOWED 2

/* Skips the test, saying why, when why is set (a check this kernel cannot
 * show). */
static void skip_if(const char *why)
{
	if (why) {
		print_message("# skip reason: %s\n", why);
		skip();
	}
}

static void child_signals_default(void)
{
	/* a fault ends the child, as cmocka's handler would go on testing there */
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	signal(SIGSYS, SIG_DFL);
}

static int lock_self(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    lock_gid_calls(kernel_allowed, NKERNEL_ALLOWED))
		return -1;
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 ? 0 : -1;
}

/* Runs body in a child, locked or not; returns the child's exit status
 * (100: the lock could not be installed). */
static int in_child(int (*body)(void), bool locked)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		child_signals_default();
		if (locked && lock_self())
			_exit(100);
		_exit(body());
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("the child ended by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

static long raw(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return syscall(nr, a0, a1, a2);
}

static bool rgids_are(gid_t r, gid_t e, gid_t s)
{
	gid_t gr, ge, gs;

	return getresgid(&gr, &ge, &gs) == 0 && gr == r && ge == e && gs == s;
}

static gid_t current_fsgid(void)
{
	return (gid_t)syscall(SYS_setfsgid, -1); /* -1 changes nothing */
}

#define EXPECT(cond, code) \
	do { \
		if (!(cond)) \
			return (code); \
	} while (0)
#define DENIED(call) ((call) == -1 && errno == EPERM)

/* The attack, unlocked: root reaches 50000 by each call, and through the
 * upper bits of a raw argument. */
static int unlocked_calls_reach_forbidden(void)
{
	EXPECT(raw(SYS_setresgid, UNCHANGED, FORBIDDEN, UNCHANGED) == 0, 1);
	EXPECT(rgids_are(0, FORBIDDEN, 0), 2);
	EXPECT(raw(SYS_setregid, 0, 0, 0) == 0 && rgids_are(0, 0, 0), 3);
	EXPECT(raw(SYS_setgid, 0x10000C350ull, 0, 0) == 0, 4);
	EXPECT(rgids_are(FORBIDDEN, FORBIDDEN, FORBIDDEN), 5);
	EXPECT(raw(SYS_setgid, 0, 0, 0) == 0, 6);
	EXPECT(raw(SYS_setfsgid, FORBIDDEN, 0, 0) == 0 && current_fsgid() == FORBIDDEN, 7);
	EXPECT(raw(SYS_setregid, UNCHANGED, FORBIDDEN, 0) == 0 &&
		       rgids_are(0, FORBIDDEN, FORBIDDEN),
	       8);
	EXPECT(raw(SYS_setgroups, 0, 0, 0) == 0, 9);
	return 0;
}

static int locked_calls_refuse_forbidden(void)
{
	errno = 0;
	EXPECT(DENIED(raw(SYS_setgid, FORBIDDEN, 0, 0)), 1);
	EXPECT(DENIED(raw(SYS_setgid, 0x10000C350ull, 0, 0)), 2);
	EXPECT(DENIED(raw(SYS_setregid, FORBIDDEN, UNCHANGED, 0)), 3);
	EXPECT(DENIED(raw(SYS_setregid, UNCHANGED, FORBIDDEN, 0)), 4);
	EXPECT(DENIED(raw(SYS_setresgid, FORBIDDEN, UNCHANGED, UNCHANGED)), 5);
	EXPECT(DENIED(raw(SYS_setresgid, UNCHANGED, FORBIDDEN, UNCHANGED)), 6);
	EXPECT(DENIED(raw(SYS_setresgid, UNCHANGED, UNCHANGED, FORBIDDEN)), 7);
	EXPECT(DENIED(raw(SYS_setresgid, ALLOWED, ALLOWED, 0xFFFFFFFF0000C350ull)), 8);
	EXPECT(DENIED(raw(SYS_setfsgid, FORBIDDEN, 0, 0)), 9);
	EXPECT(DENIED(raw(SYS_setgroups, 0, 0, 0)), 10);
	EXPECT(DENIED(setgid(FORBIDDEN)) && DENIED(setegid(FORBIDDEN)), 11);
	/* nothing changed */
	EXPECT(rgids_are(0, 0, 0) && current_fsgid() == 0, 12);
	return 0;
}

/* The control under the lock: the allowed gids and -1 still work. */
static int locked_calls_allow_allowed(void)
{
	EXPECT(raw(SYS_setresgid, ALLOWED, UNCHANGED, ALLOWED) == 0, 1);
	EXPECT(rgids_are(ALLOWED, 0, ALLOWED), 2);
	EXPECT(raw(SYS_setregid, 0, ALLOWED, 0) == 0 && rgids_are(0, ALLOWED, ALLOWED), 3);
	EXPECT(raw(SYS_setgid, 0x10000EA60ull, 0, 0) == 0, 4);
	EXPECT(rgids_are(ALLOWED, ALLOWED, ALLOWED), 5);
	EXPECT(raw(SYS_setfsgid, 0, 0, 0) == (long)ALLOWED && current_fsgid() == 0, 6);
	EXPECT(setegid(0) == 0 && setgid(0) == 0 && rgids_are(0, 0, 0), 7);
	/* setgid(-1) passes the filter; the kernel refuses it (EINVAL) */
	errno = 0;
	EXPECT(raw(SYS_setgid, UNCHANGED, 0, 0) == -1 && errno == EINVAL, 8);
	return 0;
}

static int other_calls_work(void)
{
	gid_t g[1];
	uid_t r, e, s;

	EXPECT(getppid() > 0 && getgroups(0, g) >= 0, 1);
	EXPECT(syscall(SYS_getpid) > 0, 2);
	/* the native numbers between the gid calls */
	EXPECT(geteuid() == 0 && getegid() == 0 && getpgrp() > 0 && getpgid(0) > 0, 3);
	EXPECT(getresuid(&r, &e, &s) == 0 && setresuid((uid_t)-1, (uid_t)-1, (uid_t)-1) == 0, 4);
	EXPECT(setreuid((uid_t)-1, (uid_t)-1) == 0 && syscall(SYS_setfsuid, -1) == 0, 5);
	return 0;
}

static void test_control_unlocked_calls_reach_forbidden(void **state)
{
	(void)state;
	if (geteuid() != 0)
		fail_msg("run as root: as another user the gid calls are EPERM anyway, "
			 "and the lock tests would prove nothing");
	assert_int_equal(in_child(unlocked_calls_reach_forbidden, false), 0);
}

static void test_native_forbidden_denied(void **state)
{
	(void)state;
	assert_int_equal(in_child(locked_calls_refuse_forbidden, true), 0);
}

static void test_native_allowed_work(void **state)
{
	(void)state;
	assert_int_equal(in_child(locked_calls_allow_allowed, true), 0);
}

/* The kernel takes the longest program, and it works */
static int longest_lock_works(void)
{
	static gid_t gids[LOCK_MAX_GIDS];

	for (size_t i = 0; i < LOCK_MAX_GIDS; i++)
		gids[i] = (gid_t)(1000 + i);
	EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, 1);
	EXPECT(lock_gid_calls(gids, LOCK_MAX_GIDS) == 0, 2);
	EXPECT(raw(SYS_setresgid, gids[0], gids[LOCK_MAX_GIDS / 2], gids[LOCK_MAX_GIDS - 1]) == 0,
	       3);
	EXPECT(rgids_are(gids[0], gids[LOCK_MAX_GIDS / 2], gids[LOCK_MAX_GIDS - 1]), 4);
	errno = 0;
	EXPECT(DENIED(raw(SYS_setgid, FORBIDDEN, 0, 0)), 5);
	return 0;
}

static void test_kernel_takes_longest(void **state)
{
	(void)state;
	assert_int_equal(in_child(longest_lock_works, false), 0);
}

static void test_other_calls_allowed(void **state)
{
	(void)state;
	assert_int_equal(in_child(other_calls_work, true), 0);
}

/* ---- user namespaces ---- */

/* The control, found by trying without a filter: this kernel lets root make
 * a user namespace, and clone3 exists. NULL when so, else why not. */
static const char *userns_unavailable(void)
{
	static char why[128];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		child_signals_default();
		if (unshare(CLONE_NEWUSER))
			_exit(errno < 256 ? errno : 255);
		errno = 0;
		/* a size below the first version's: EINVAL from the kernel itself */
		_exit(syscall(SYS_clone3, NULL, 0) == -1 && errno == EINVAL ? 0 : 255);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return "cannot run the user namespace probe";
	if (WEXITSTATUS(status) == 255)
		return "clone3 does not answer EINVAL to a short size on this kernel";
	if (WEXITSTATUS(status) != 0) {
		snprintf(why, sizeof(why),
			 "unshare(CLONE_NEWUSER) fails on this kernel without "
			 "the lock: %s",
			 strerror(WEXITSTATUS(status)));
		return why;
	}
	return NULL;
}

static void *thread_body(void *arg)
{
	return arg;
}

static int locked_userns_refused(void)
{
	int marker = 7, status;
	void *back = NULL;
	pthread_t t;
	long rc;
	pid_t pid;

	errno = 0;
	EXPECT(DENIED(unshare(CLONE_NEWUSER)), 1);
	EXPECT(DENIED(unshare(CLONE_NEWUSER | CLONE_NEWNS)), 2);
	EXPECT(DENIED(raw(SYS_unshare, (1ull << 32) | NEWUSER, 0, 0)), 3);
	rc = syscall(SYS_clone, NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (rc == 0)
		_exit(0); /* a child the lock should not have let be */
	EXPECT(rc == -1 && errno == EPERM, 4);
	errno = 0;
	EXPECT(syscall(SYS_clone3, NULL, 0) == -1 && errno == ENOSYS, 5);
#ifdef __x86_64__
	EXPECT(DENIED(syscall(X32 | SYS_unshare, NEWUSER)), 6);
#endif
	/* the rest works: other namespaces, fork (clone), threads (libc falls
	 * back from clone3 to clone) */
	EXPECT(unshare(0) == 0 && unshare(CLONE_FILES) == 0, 7);
	pid = fork();
	if (pid == 0)
		_exit(marker);
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		       WEXITSTATUS(status) == marker,
	       8);
	EXPECT(pthread_create(&t, NULL, thread_body, &marker) == 0, 9);
	EXPECT(pthread_join(t, &back) == 0 && back == &marker, 10);
	return 0;
}

static void test_userns_refused(void **state)
{
	(void)state;
	skip_if(userns_unavailable());
	assert_int_equal(in_child(locked_userns_refused, true), 0);
}

/* A user namespace another (unlocked) root process made and keeps: its
 * owner is uid 0, so a root process holds every capability there and may
 * join it, where setgid(0) can mean any gid outside. */
static pid_t userns_holder = -1;

static int open_holders_userns(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)userns_holder);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int locked_setns_userns_refused(void)
{
	int fd = open_holders_userns(), pidfd;

	EXPECT(fd >= 0, 1);
	errno = 0;
	EXPECT(DENIED(setns(fd, CLONE_NEWUSER)), 2);
	EXPECT(DENIED(setns(fd, 0)), 3);
	pidfd = (int)syscall(SYS_pidfd_open, userns_holder, 0);
	EXPECT(pidfd < 0 || DENIED(setns(pidfd, CLONE_NEWUSER | CLONE_NEWNET)), 4);
	return 0;
}

/* the control: unlocked, a root process joins it */
static int unlocked_setns_userns_works(void)
{
	int fd = open_holders_userns();

	EXPECT(fd >= 0, 1);
	EXPECT(setns(fd, CLONE_NEWUSER) == 0, 2);
	return 0;
}

/* setns to another type still works under the lock: this process's own
 * network namespace */
static int setns_netns_works(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	EXPECT(fd >= 0 && setns(fd, CLONE_NEWNET) == 0, 1);
	return 0;
}

static void test_setns_userns_refused(void **state)
{
	int ready[2], status;
	char c;

	(void)state;
	skip_if(userns_unavailable());
	assert_int_equal(pipe(ready), 0);
	userns_holder = fork();
	if (userns_holder == 0) {
		int null = open("/dev/null", O_RDWR);

		child_signals_default();
		close(ready[0]);
		/* nothing of the test's output held open; gone in a minute at worst */
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		alarm(60);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		(void)!write(ready[1], "u", 1);
		pause(); /* until killed */
		_exit(0);
	}
	assert_true(userns_holder > 0);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(in_child(unlocked_setns_userns_works, false), 0);
	assert_int_equal(in_child(locked_setns_userns_refused, true), 0);
	assert_int_equal(in_child(setns_netns_works, true), 0);
	kill(userns_holder, SIGKILL);
	assert_int_equal(waitpid(userns_holder, &status, 0), userns_holder);
	userns_holder = -1;
}

/* ---- the interpreter against the kernel, on the same calls ---- */

typedef long (*syscall_fn)(long nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* Makes every call of the matrix for abi in a locked child (allowed calls
 * change the child's gids, among allowed values only) and writes one byte
 * per call to fd: 'E' for EPERM, 'K' for anything else (the kernel ran it).
 * Returns the number of calls. */
static size_t matrix_calls(const struct abi *abi, syscall_fn call, int fd, uint64_t *args_out)
{
	size_t k = 0;

	/* the gid calls only: clone with these flags would make processes */
	for (int c = 0; c < NGIDCALLS; c++)
		for (unsigned int pos = 0; pos < (call_args[c] ? call_args[c] : 1); pos++)
			for (size_t v = 0; v < NVALUES; v++) {
				uint64_t args[3] = {UNCHANGED, UNCHANGED, UNCHANGED};

				args[pos] = values[v];
				if (args_out) {
					memcpy(args_out + 3 * k, args, sizeof(args));
				} else {
					long rc;
					char verdict_byte;

					errno = 0;
					rc = call(abi->nr[c], args[0], args[1], args[2]);
					verdict_byte = rc == -1 && errno == EPERM ? 'E' : 'K';
					if (write(fd, &verdict_byte, 1) != 1)
						_exit(3);
					/* back to root's gids for the next call */
					(void)call(abi->nr[SETRESGID], 0, 0, 0);
					(void)call(abi->nr[SETFSGID], 0, 0, 0);
				}
				k++;
			}
	return k;
}

#define MATRIX_MAX (NGIDCALLS * 3 * NVALUES)

static void cross_check(const struct abi *abi, syscall_fn call)
{
	uint64_t args[MATRIX_MAX * 3];
	char kernel[MATRIX_MAX];
	size_t n = matrix_calls(abi, call, -1, args), got = 0;
	struct filter f;
	int fds[2], status;
	pid_t pid;

	assert_true(n <= MATRIX_MAX);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_signals_default();
		if (lock_self())
			_exit(100);
		matrix_calls(abi, call, fds[1], NULL);
		_exit(0);
	}
	assert_true(pid > 0);
	close(fds[1]);
	while (got < n) {
		ssize_t r = read(fds[0], kernel + got, n - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(got, n);

	build(&f, kernel_allowed, NKERNEL_ALLOWED);
	for (size_t k = 0, i = 0; i < (size_t)NGIDCALLS; i++) {
		for (unsigned int pos = 0; pos < (call_args[i] ? call_args[i] : 1); pos++)
			for (size_t v = 0; v < NVALUES; v++, k++) {
				const uint64_t *a = args + 3 * k;
				uint32_t interp = verdict(&f, abi, (enum call)i, a[0], a[1], a[2]);
				char want = interp == EPERM_RET ? 'E' : 'K';

				if (interp != EPERM_RET && interp != ALLOW)
					fail_msg("unexpected verdict %#x", interp);
				if (kernel[k] != want)
					fail_msg(
						"%s %s(%#llx, %#llx, %#llx): kernel %s, interpreter %s",
						abi->name, call_names[i], (unsigned long long)a[0],
						(unsigned long long)a[1], (unsigned long long)a[2],
						kernel[k] == 'E' ? "EPERM" : "ran it",
						want == 'E' ? "EPERM" : "ALLOW");
			}
	}
}

static void test_cross_check_native(void **state)
{
	(void)state;
	cross_check(&native, raw);
}

#ifdef __x86_64__
static void test_cross_check_x32(void **state)
{
	(void)state;
	cross_check(&x32, raw);
}

/* Whether x32 system calls run here (CONFIG_X86_X32_ABI, not disabled):
 * found by trying, without a filter. */
static bool x32_works(void)
{
	return syscall(X32 | SYS_getpid) > 0;
}

static int x32_locked_calls(void)
{
	bool works = x32_works();

	errno = 0;
	EXPECT(DENIED(syscall(X32 | SYS_setgroups, 0, NULL)), 1);
	EXPECT(DENIED(raw(X32 | SYS_setgid, FORBIDDEN, 0, 0)), 2);
	EXPECT(DENIED(raw(X32 | SYS_setregid, UNCHANGED, FORBIDDEN, 0)), 3);
	EXPECT(DENIED(raw(X32 | SYS_setresgid, UNCHANGED, UNCHANGED, FORBIDDEN)), 4);
	EXPECT(DENIED(raw(X32 | SYS_setfsgid, FORBIDDEN, 0, 0)), 5);
	EXPECT(DENIED(raw(X32 | SYS_setgid, 0x10000C350ull, 0, 0)), 6);
	EXPECT(rgids_are(0, 0, 0), 7);
	/* the control: allowed gids reach the kernel, which runs them or,
	 * without x32, says ENOSYS; never EPERM */
	errno = 0;
	if (works) {
		EXPECT(raw(X32 | SYS_setresgid, ALLOWED, ALLOWED, ALLOWED) == 0, 8);
		EXPECT(rgids_are(ALLOWED, ALLOWED, ALLOWED), 9);
	} else {
		EXPECT(raw(X32 | SYS_setresgid, ALLOWED, ALLOWED, ALLOWED) == -1 && errno == ENOSYS,
		       10);
		EXPECT(raw(X32 | SYS_setgid, 0, 0, 0) == -1 && errno == ENOSYS, 11);
	}
	return 0;
}

static void test_x32_gid_calls(void **state)
{
	(void)state;
	if (!x32_works())
		print_message("# x32 system calls are not enabled in this kernel: the allowed ones "
			      "are shown reaching it (ENOSYS), not running\n");
	assert_int_equal(in_child(x32_locked_calls, true), 0);
}

/* The i386 ABI through int $0x80 from 64-bit code. Returns the kernel's
 * answer (-errno on failure). */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

/* int80 in the shape of syscall(): -1 and errno on failure */
static long int80_call(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	long rc = int80(nr, (long)a0, (long)a1, (long)a2);

	if (rc < 0 && rc > -4096) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

/* Whether this kernel runs i386 system calls through int $0x80, found by
 * trying in a child without any filter: some machines of this kind fault
 * (SIGSEGV) although the kernel is built with IA-32 emulation, others
 * answer -ENOSYS, others work (docs/design.md, the lock). NULL
 * when it works, else why not. */
static const char *int80_unavailable(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		child_signals_default();
		_exit(int80(20 /* i386 getpid */, 0, 0, 0) > 0 ? 0 : 3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return "cannot fork the int $0x80 probe";
	if (WIFSIGNALED(status))
		return "int $0x80 raises a signal on this kernel (no usable IA-32 emulation)";
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return "int $0x80 getpid fails on this kernel (no IA-32 emulation)";
	return NULL;
}

static int compat_calls_unlocked(void)
{
	EXPECT(int80_call(compat32.nr[SETRESGID], UNCHANGED, FORBIDDEN, UNCHANGED) == 0, 1);
	EXPECT(int80_call(compat16.nr[SETGID], 0x1C350, 0, 0) == 0, 2);
	return 0;
}

static int compat_calls_locked(void)
{
	long rc;

	errno = 0;
	for (int c = 0; c < NGIDCALLS; c++) {
		if (c == SETGROUPS)
			continue;
		EXPECT(DENIED(int80_call(compat16.nr[c], FORBIDDEN, FORBIDDEN, FORBIDDEN)), 10 + c);
		EXPECT(DENIED(int80_call(compat32.nr[c], FORBIDDEN, FORBIDDEN, FORBIDDEN)), 20 + c);
	}
	EXPECT(DENIED(int80_call(compat16.nr[SETGROUPS], 0, 0, 0)), 30);
	EXPECT(DENIED(int80_call(compat32.nr[SETGROUPS], 0, 0, 0)), 31);
	/* no new user namespace (i386 unshare 310, clone 120, clone3 435) */
	EXPECT(DENIED(int80_call(310, NEWUSER, 0, 0)), 34);
	rc = int80_call(120, NEWUSER | SIGCHLD, 0, 0);
	if (rc == 0)
		_exit(0); /* a child the lock should not have let be */
	EXPECT(rc == -1 && errno == EPERM, 35);
	EXPECT(int80_call(435, 0, 0, 0) == -1 && errno == ENOSYS, 36);
	/* 16-bit: 0x1C350 is 50000 there */
	EXPECT(DENIED(int80_call(compat16.nr[SETGID], 0x1C350, 0, 0)), 32);
	EXPECT(DENIED(int80_call(compat32.nr[SETRESGID], 0xFFFF, 0xFFFF, 0xFFFF)), 33);
	/* the control: allowed gids and -1 in each width work */
	EXPECT(int80_call(compat32.nr[SETRESGID], ALLOWED, UNCHANGED, ALLOWED) == 0, 40);
	EXPECT(int80_call(compat16.nr[SETREGID], 0xFFFF, ALLOWED, 0) == 0, 41);
	EXPECT(int80_call(compat16.nr[SETFSGID], 0, 0, 0) == (long)ALLOWED, 42);
	EXPECT(int80_call(compat32.nr[SETGID], 0, 0, 0) == 0, 43);
	return 0;
}

static int compat_state_after_unlocked(void)
{
	int rc = compat_calls_unlocked();

	return rc ? rc : (rgids_are(FORBIDDEN, FORBIDDEN, FORBIDDEN) ? 0 : 9);
}

static void test_compat_gid_calls(void **state)
{
	(void)state;
	skip_if(int80_unavailable());
	assert_int_equal(in_child(compat_state_after_unlocked, false), 0);
	assert_int_equal(in_child(compat_calls_locked, true), 0);
}

static void test_cross_check_compat(void **state)
{
	(void)state;
	skip_if(int80_unavailable());
	cross_check(&compat16, int80_call);
	cross_check(&compat32, int80_call);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interp_named_cases),
		cmocka_unit_test(test_interp_unknown_arch_killed),
		cmocka_unit_test(test_interp_every_abi_matrix),
		cmocka_unit_test(test_interp_other_calls_cheap),
		cmocka_unit_test(test_interp_sizes),
		cmocka_unit_test(test_lock_refuses_too_long_list),
		cmocka_unit_test(test_control_unlocked_calls_reach_forbidden),
		cmocka_unit_test(test_native_forbidden_denied),
		cmocka_unit_test(test_native_allowed_work),
		cmocka_unit_test(test_kernel_takes_longest),
		cmocka_unit_test(test_other_calls_allowed),
		cmocka_unit_test(test_userns_refused),
		cmocka_unit_test(test_setns_userns_refused),
		cmocka_unit_test(test_cross_check_native),
#ifdef __x86_64__
		cmocka_unit_test(test_cross_check_x32),
		cmocka_unit_test(test_x32_gid_calls),
		cmocka_unit_test(test_compat_gid_calls),
		cmocka_unit_test(test_cross_check_compat),
#endif
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}

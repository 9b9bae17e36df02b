/* The seccomp lock, tested against the running kernel: each case forks,
 * installs the filter in the child and reports what the system calls
 * returned. Needs no privileges (no_new_privs is set first). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "seccomp.h"

/* Runs body in a child, locked or not; returns the child's exit status. */
static int in_child(int (*body)(void), int locked)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* a fault ends the child, as cmocka's */
		signal(SIGILL, SIG_DFL);  /* handler would go on testing there */
		if (locked && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || lock_setgroups()))
			_exit(100);
		_exit(body());
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int in_locked_child(int (*body)(void))
{
	return in_child(body, 1);
}

/* The control: without the lock, root's setgroups(0, NULL) succeeds, so
 * an EPERM in the locked child comes from the filter. */
static int raw_setgroups_works(void)
{
	return syscall(SYS_setgroups, 0, NULL) == 0 ? 0 : 1;
}

static int raw_setgroups_is_eperm(void)
{
	errno = 0;
	if (syscall(SYS_setgroups, 0, NULL) != -1 || errno != EPERM)
		return 1;
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2 ? 0 : 2;
}

static int other_calls_work(void)
{
	gid_t g[1];

	if (getppid() <= 0 || getgroups(0, g) < 0)
		return 1;
	return syscall(SYS_getpid) > 0 ? 0 : 2;
}

#ifdef __x86_64__
static int x32_setgroups_is_eperm(void)
{
	errno = 0;
	if (syscall(0x40000000 | SYS_setgroups, 0, NULL) != -1 || errno != EPERM)
		return 1;
	return 0;
}

/* The i386 ABI through int $0x80: setgroups (81) and setgroups32 (206).
 * Returns 0 when both give -EPERM. */
static long int80(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}

static int compat_setgroups_is_eperm(void)
{
	if (int80(81, 0, 0) != -EPERM || int80(206, 0, 0) != -EPERM)
		return 1;
	return 0;
}

/* Whether this kernel runs i386 system calls through int $0x80, found by
 * trying in a child without any filter: some machines of this kind fault
 * (SIGSEGV) although the kernel is built with IA-32 emulation, others
 * answer -ENOSYS, others work (DESIGN.md, "On this machine kind"). NULL
 * when it works, else why not. */
static const char *int80_unavailable(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* cmocka's handler would catch the fault and go on testing in
		 * the child */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		_exit(int80(20 /* i386 getpid */, 0, 0) > 0 ? 0 : 3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return "cannot fork the int $0x80 probe";
	if (WIFSIGNALED(status))
		return "int $0x80 raises a signal on this kernel (no usable IA-32 emulation)";
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return "int $0x80 getpid fails on this kernel (no IA-32 emulation)";
	return NULL;
}
#endif

static void test_filter_shape(void **state)
{
	struct sock_filter f[LOCK_FILTER_MAX];
	size_t n = lock_filter_build(f);

	(void)state;
	assert_true(n > 0 && n <= LOCK_FILTER_MAX);
	/* every jump stays inside the program */
	for (size_t i = 0; i < n; i++)
		if (BPF_CLASS(f[i].code) == BPF_JMP)
			assert_true(i + 1 + f[i].jt < n && i + 1 + f[i].jf < n);
	assert_int_equal(BPF_CLASS(f[n - 1].code), BPF_RET);
}

static void test_control_unlocked_setgroups_works(void **state)
{
	(void)state;
	if (geteuid() != 0)
		fail_msg("run as root: as another user setgroups is EPERM anyway, "
			 "and the lock tests would prove nothing");
	assert_int_equal(in_child(raw_setgroups_works, 0), 0);
}

static void test_raw_setgroups_denied(void **state)
{
	(void)state;
	assert_int_equal(in_locked_child(raw_setgroups_is_eperm), 0);
}

static void test_other_calls_allowed(void **state)
{
	(void)state;
	assert_int_equal(in_locked_child(other_calls_work), 0);
}

#ifdef __x86_64__
static void test_x32_setgroups_denied(void **state)
{
	(void)state;
	assert_int_equal(in_locked_child(x32_setgroups_is_eperm), 0);
}

static void test_compat_setgroups_denied(void **state)
{
	const char *why = int80_unavailable();

	(void)state;
	if (why) {
		print_message("# skip reason: %s\n", why);
		skip();
		return;
	}
	assert_int_equal(in_locked_child(compat_setgroups_is_eperm), 0);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_shape),
		cmocka_unit_test(test_control_unlocked_setgroups_works),
		cmocka_unit_test(test_raw_setgroups_denied),
		cmocka_unit_test(test_other_calls_allowed),
#ifdef __x86_64__
		cmocka_unit_test(test_x32_setgroups_denied),
		cmocka_unit_test(test_compat_setgroups_denied),
#endif
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}

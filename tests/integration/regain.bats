# After the drop a setuid-root or setgid binary in the image can bring the
# groups back; no_new_privs (the default) is what stops both. probe (see
# fixtures/probe.c) tries setgroups(ARGS) and prints its ids and groups.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

@test "regain: with no_new_privs (default) a setuid-root binary cannot add 50000 back" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init probe-suid 1000 50000 60000
	expect_status 0
	expect_stdout 'setgroups: Operation not permitted
uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "regain: with STRICT_GROUPS_NO_NEW_PRIVS=0 a setuid-root binary adds 50000 back (why nnp is the default)" {
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init probe-suid 1000 50000 60000
	expect_status 0
	expect_stdout 'setgroups: ok
uid=1000 euid=0 gid=1000 egid=1000 groups=1000,50000,60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "regain: with no_new_privs (default) a setgid-50000 binary does not get gid 50000" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init probe-sgid
	expect_status 0
	expect_stdout 'uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "regain: with STRICT_GROUPS_NO_NEW_PRIVS=0 a setgid-50000 binary runs with egid 50000" {
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init probe-sgid
	expect_status 0
	expect_stdout 'uid=1000 euid=1000 gid=1000 egid=50000 groups=1000,60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "regain: the plain probe (no setuid bit) cannot call setgroups after the drop" {
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init probe 1000 50000 60000
	expect_status 0
	expect_stdout 'setgroups: Operation not permitted
uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
}

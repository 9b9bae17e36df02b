# Without a root start strict-init only removes groups the process holds:
# it carries a file capability, so anyone in the container can run it.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ALICE_STRICT='uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
ALICE_MERGED='uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'

@test "never adds: STRICT_GROUPS=60000,70000 drops 50000 and does not add 70000" {
	ctr_run -e STRICT_GROUPS=60000,70000 -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_STRICT"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "never adds: STRICT_GROUPS=50000,60000,70000 leaves the groups alone, silent" {
	ctr_run -e STRICT_GROUPS=50000,60000,70000 -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_MERGED"
	expect_stderr ''
}

@test "never adds: the payload re-running strict-init --groups=50000,60000 does not get 50000 back" {
	ctr_run -e STRICT_GROUPS=60000 -- \
		/strict/strict-init /strict/strict-init --groups=50000,60000 -- id
	expect_status 0
	expect_stdout "$ALICE_STRICT"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "never adds: re-run without no_new_privs, with CAP_SETGID really raised, still no 50000" {
	# The inner strict-init gets CAP_SETGID from its file capability here.
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_NO_NEW_PRIVS=0 -- \
		/strict/strict-init /strict/strict-init --groups=50000,60000,70000 -- \
		sh -c 'id; /strict/strict-init check | grep "^can drop:"'
	expect_status 0
	expect_stdout "$ALICE_STRICT
can drop: yes (CAP_SETGID available)"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "never adds: a re-run asking for 50000 instead of 60000 (with CAP_SETGID) drops 60000, adds nothing" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_NO_NEW_PRIVS=0 -- \
		/strict/strict-init /strict/strict-init --groups=50000 -- id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice)'
	expect_stderr 'strict-init: dropped groups 50000
strict-init: dropped groups 60000'
}

@test "never adds: the primary gid is not added to the supplementary groups when not held" {
	ctr_run -u 1000:1000:50000,60000 -e STRICT_GROUPS=60000 -- /strict/strict-init probe
	expect_status 0
	expect_stdout 'uid=1000 euid=1000 gid=1000 egid=1000 groups=60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

# A non-root start asking for a user switch: refused, the command never runs.
user_switch_refused() {
	ctr_run -e STRICT_GROUPS=60000 -e "STRICT_GROUPS_USER=$1" -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.* started as root'
	expect_no_file "$SG_OUT/ran"
}

@test "never adds: non-root STRICT_GROUPS_USER=0:0 is refused (77)" { user_switch_refused 0:0; }
@test "never adds: non-root STRICT_GROUPS_USER=1000:50000 is refused (77)" { user_switch_refused 1000:50000; }

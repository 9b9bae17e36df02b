# Without a root start strict-init only removes groups the process holds,
# and only as its seal says: it carries a file capability, so anyone in the
# container can run it. A caller's own --groups cannot change what it
# removes (removing a group is a privilege too; negative.bats).
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ALICE_STRICT='uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
ALICE_MERGED='uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'

@test "never adds: STRICT_GROUPS=60000,70000 drops 50000 and does not add 70000" {
	ctr_run -P "--groups=60000,70000" -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_STRICT"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "never adds: STRICT_GROUPS=50000,60000,70000 leaves the groups alone, silent" {
	ctr_run -P "--groups=50000,60000,70000" -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_MERGED"
	expect_stderr ''
}

@test "never adds: the payload re-running strict-init --groups=50000,60000 is refused (77), naming both lists" {
	ctr_run -- /strict/strict-init /strict/strict-init --groups=50000,60000 -- id
	expect_status 77
	expect_stdout ''
	expect_stderr 'strict-init: dropped groups 50000
strict-init: --groups=50000,60000 contradicts the sealed policy (STRICT_GROUPS=60000)'
}

@test "never adds: a re-run without no_new_privs, with CAP_SETGID really raised, is refused; no 50000" {
	# The inner strict-init gets CAP_SETGID from its file capability here.
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init sh -c '/strict/strict-init --groups=50000,60000,70000 -- id
			echo "rc=$?"; id; /strict/strict-init check | grep "^can drop:"'
	expect_status 0
	expect_stdout "rc=77
$ALICE_STRICT
can drop: yes (CAP_SETGID available)"
	expect_stderr_match 'contradicts the sealed policy \(STRICT_GROUPS=60000\)'
}

@test "never adds: a re-run asking for 50000 instead of 60000 (with CAP_SETGID) is refused: 60000 stays" {
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init sh -c '/strict/strict-init --groups=50000 -- id; echo "rc=$?"; id -G'
	expect_status 0
	expect_stdout 'rc=77
1000 60000'
}

@test "never adds: the primary gid is not added to the supplementary groups when not held" {
	ctr_run -u 1000:1000:50000,60000 -e STRICT_GROUPS=60000 -- /strict/strict-init probe
	expect_status 0
	expect_stdout 'uid=1000 euid=1000 gid=1000 egid=1000 groups=60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

# A non-root start asking for a user switch: refused, the command never runs.
user_switch_refused() {
	ctr_run -e "STRICT_GROUPS_USER=$1" -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr "strict-init: STRICT_GROUPS_USER=$1 contradicts the sealed policy, which has no user switch"
	expect_no_file "$SG_OUT/ran"
	# sealed with that switch, from a non-root start
	ctr_run -P "--groups=60000 --user=$1" -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.* started as root'
	expect_no_file "$SG_OUT/ran"
}

@test "never adds: non-root STRICT_GROUPS_USER=0:0 is refused (77)" { user_switch_refused 0:0; }
@test "never adds: non-root STRICT_GROUPS_USER=1000:50000 is refused (77)" { user_switch_refused 1000:50000; }

@test "never adds: a copy without a seal never uses its file capability (77), also for the groups it is told" {
	ctr_run -s "$SG_IT_DIR/strict-unsealed" -e STRICT_GROUPS=60000 -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'no sealed policy'
	expect_no_file "$SG_OUT/ran"
	ctr_run -s "$SG_IT_DIR/strict-unsealed" -- /strict/strict-init --groups= -- touch /out/ran
	expect_refusal 50000,60000
	expect_no_file "$SG_OUT/ran"
	# the control: the same copy does hold cap_setgid=p
	[ "$(getcap "$SG_IT_DIR/strict-unsealed/strict-init")" = "$SG_IT_DIR/strict-unsealed/strict-init cap_setgid=p" ]
}

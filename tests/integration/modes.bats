# STRICT_GROUPS_MODE (enforce, refuse, audit), STRICT_GROUPS_GID, and the
# `check` subcommand.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ALICE_MERGED='uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'

@test "mode refuse: forbidden group held -> 77, the command never runs" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_MODE=refuse -- \
		/strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
}

@test "mode refuse: nothing forbidden held -> the command runs, silent" {
	ctr_run -e STRICT_GROUPS=50000,60000 -e STRICT_GROUPS_MODE=refuse -- \
		/strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_MERGED"
	expect_stderr ''
}

@test "mode audit: runs unchanged, names 50000 on stderr, no_new_privs not set" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init sh -c 'id; exec grep NoNewPrivs /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_MERGED
NoNewPrivs:	0"
	expect_one_strict_line
	expect_stderr_match '^strict-init: audit: .*[^0-9]50000[^0-9]'
}

@test "mode audit: nothing forbidden held -> silent" {
	ctr_run -e STRICT_GROUPS=50000,60000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 50000 60000'
	expect_stderr ''
}

@test "--mode overrides STRICT_GROUPS_MODE" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init --mode=refuse touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
}

@test "--groups overrides STRICT_GROUPS (--opt VALUE form)" {
	ctr_run -e STRICT_GROUPS=50000,60000 -- /strict/strict-init --groups 60000 id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "STRICT_GROUPS_GID equal to the primary gid: runs" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_GID=1000 -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "STRICT_GROUPS_GID other than the primary gid: refused (77)" {
	ctr_run -u 1000:50000:50000,60000 -e STRICT_GROUPS=60000 -e STRICT_GROUPS_GID=1000 -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*STRICT_GROUPS_GID'
	expect_no_file "$SG_OUT/ran"
}

@test "check: forbidden 50000 held -> exit 1 and the full report" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init check
	expect_status 1
	expect_stdout 'uid: 1000
gid: 1000
groups: 1000,50000,60000
allowed: 1000,60000
forbidden: 50000
can drop: yes (CAP_SETGID available)
would: drop the forbidden groups'
	expect_stderr ''
}

@test "check: STRICT_GROUPS unset -> only the primary gid is allowed, exit 1" {
	ctr_run -- /strict/strict-init check
	expect_status 1
	[[ $output == *$'\nallowed: 1000 (STRICT_GROUPS unset: primary gid only)\nforbidden: 50000,60000\n'* ]] ||
		sg_show_run "expected allowed: 1000 and forbidden: 50000,60000"
}

@test "check: every capability dropped -> exit 1, can drop: no" {
	ctr_run -c none -e STRICT_GROUPS=60000 -- /strict/strict-init check
	expect_status 1
	[[ $output == *'forbidden: 50000'$'\n''can drop: no'* ]] ||
		sg_show_run "expected forbidden: 50000 then can drop: no"
}

@test "check after the drop (strict-init -- strict-init check): exit 0, nothing forbidden" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init -- /strict/strict-init check
	expect_status 0
	[[ $output == *'groups: 1000,60000'$'\n''allowed: 1000,60000'$'\n''forbidden: none'$'\n'* ]] ||
		sg_show_run "expected groups 1000,60000 and forbidden: none"
	expect_stderr 'strict-init: dropped groups 50000'
}

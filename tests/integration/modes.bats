# STRICT_GROUPS_MODE (enforce, refuse, audit), STRICT_GROUPS_GID, and the
# `check` subcommand.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ALICE_MERGED='uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'

@test "mode refuse: forbidden group held -> 77, the command never runs" {
	ctr_run -P "--groups=60000 --mode=refuse" -- \
		/strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
}

@test "mode refuse: nothing forbidden held -> the command runs, silent" {
	ctr_run -P "--groups=50000,60000 --mode=refuse" -- \
		/strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_MERGED"
	expect_stderr ''
}

@test "mode audit: runs unchanged, names 50000 on stderr, no_new_privs not set" {
	ctr_run -P "--groups=60000 --mode=audit" -- \
		/strict/strict-init sh -c 'id; exec grep NoNewPrivs /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_MERGED
NoNewPrivs:	0"
	expect_one_strict_line
	expect_stderr_match '^strict-init: audit: .*[^0-9]50000[^0-9]'
}

@test "mode audit: nothing forbidden held -> silent" {
	ctr_run -P "--groups=50000,60000 --mode=audit" -- \
		/strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 50000 60000'
	expect_stderr ''
}

@test "--mode overrides STRICT_GROUPS_MODE (a root start of a copy without a seal)" {
	ctr_run -u 0:0:0,50000,60000 -s "$SG_IT_DIR/strict-unsealed" \
		-e STRICT_GROUPS=60000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init --mode=refuse touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
}

@test "sealed: --mode equal to the sealed mode overrides an image's STRICT_GROUPS_MODE=audit" {
	ctr_run -P "--groups=60000 --mode=refuse" -e STRICT_GROUPS_MODE=audit -- \
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
	ctr_run -P "--groups=60000 --gid=1000" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "STRICT_GROUPS_GID other than the primary gid: refused (77)" {
	ctr_run -u 1000:50000:50000,60000 -P "--groups=60000 --gid=1000" -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match "^strict-init: refusing.*the process's gid is 50000, not STRICT_GROUPS_GID 1000"
	expect_no_file "$SG_OUT/ran"
}

@test "STRICT_GROUPS_GID given at start when the seal leaves it unset: checked (77 on a mismatch)" {
	ctr_run -u 1000:50000:50000,60000 -e STRICT_GROUPS_GID=1000 -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_stderr_match "^strict-init: refusing.*the process's gid is 50000, not STRICT_GROUPS_GID 1000"
	expect_no_file "$SG_OUT/ran"
	ctr_run -e STRICT_GROUPS_GID=1000 -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
}

@test "check: forbidden 50000 held -> exit 1 and the full report" {
	ctr_run -- /strict/strict-init check
	expect_status 1
	expect_stdout 'sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1
uid: 1000
gid: 1000
groups: 1000,50000,60000
allowed: 1000,60000
forbidden: 50000
can drop: yes (CAP_SETGID available)
would: drop the forbidden groups'
	expect_stderr ''
}

@test "check: a copy without a seal, STRICT_GROUPS unset -> only the primary gid is allowed, cannot drop, exit 1" {
	ctr_run -s "$SG_IT_DIR/strict-unsealed" -- /strict/strict-init check
	expect_status 1
	expect_stdout 'sealed: no
uid: 1000
gid: 1000
groups: 1000,50000,60000
allowed: 1000 (STRICT_GROUPS unset: primary gid only)
forbidden: 50000,60000
can drop: no (this copy has no sealed policy and was not started as root)
would: refuse: this copy of strict-init has no sealed policy, so it drops groups only when started as root (make one with: strict-init install --groups=LIST DEST)'
}

@test "check: an environment that contradicts the seal is refused (77), naming both values" {
	ctr_run -e STRICT_GROUPS_MODE=audit -- /strict/strict-init check
	expect_status 77
	expect_stderr 'strict-init: STRICT_GROUPS_MODE=audit contradicts the sealed policy (STRICT_GROUPS_MODE=enforce)'
	expect_stdout ''
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

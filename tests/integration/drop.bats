# Dropping the image's groups: non-root through the file capability, with
# every capability dropped, and from a root start with STRICT_GROUPS_USER.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ALICE_STRICT='uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
ALICE_MERGED='uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'
ZERO=0000000000000000

# The command's capability sets and no_new_privs, read by the command itself.
status_lines() {
	printf '%s\n' "CapInh:	$ZERO" "CapPrm:	$ZERO" "CapEff:	$ZERO" \
		"CapBnd:	$1" "CapAmb:	$ZERO" "NoNewPrivs:	$2"
}

@test "non-root drop, noNewPrivileges false: groups become exactly 1000,60000" {
	ctr_run -n false -e STRICT_GROUPS=60000 -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_STRICT"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "non-root drop, noNewPrivileges true: the file capability still works as entrypoint" {
	ctr_run -n true -e STRICT_GROUPS=60000 -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_STRICT"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "non-root drop: the command has no capabilities and no_new_privs is set by default" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init \
		grep -E '^(Cap|NoNewPrivs)' /proc/self/status
	expect_status 0
	# containerd's default bounding set is left alone without a user switch.
	expect_stdout "$(status_lines 00000000a80425fb 1)"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "non-root drop with STRICT_GROUPS_NO_NEW_PRIVS=0: no_new_privs stays 0" {
	ctr_run -P "--groups=60000 --no-new-privs=0" -- \
		/strict/strict-init sh -c 'id; exec grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_STRICT
$(status_lines 00000000a80425fb 0)"
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "nothing forbidden held: silent, groups unchanged" {
	ctr_run -P "--groups=50000,60000" -- /strict/strict-init id
	expect_status 0
	expect_stdout "$ALICE_MERGED"
	expect_stderr ''
}

@test "every capability dropped: enforce refuses (77) and the command does not run" {
	ctr_run -c none -e STRICT_GROUPS=60000 -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'CAP_SETGID'
	expect_no_file "$SG_OUT/ran"
}

@test "every capability dropped, nothing forbidden held: the command runs" {
	ctr_run -c none -P "--groups=50000,60000" -- /strict/strict-init \
		sh -c 'id; exec grep NoNewPrivs /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_MERGED
NoNewPrivs:	1"
	expect_stderr ''
}

@test "root start with STRICT_GROUPS_USER=1000:1000: uid 1000, groups 1000,60000, every capability set empty" {
	ctr_run -u 0:0:0,50000,60000 -P "--groups=60000 --user=1000:1000" -- \
		/strict/strict-init sh -c 'id; exec grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_STRICT
$(status_lines $ZERO 1)"
	expect_stderr 'strict-init: dropped groups 0,50000'
}

@test "root start without STRICT_GROUPS_USER: drops 50000 and stays root (uid and gid never change)" {
	ctr_run -u 0:0:0,50000,60000 -e STRICT_GROUPS=60000 -- /strict/strict-init id
	expect_status 0
	expect_stdout 'uid=0(root) gid=0(root) groups=0(root),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "root start with --user and nothing to drop: switches user, clears the bounding set" {
	# A copy without a seal, started as root, takes its settings from the
	# environment and the options.
	ctr_run -u 0:0:0 -s "$SG_IT_DIR/strict-unsealed" -e STRICT_GROUPS=60000 -- \
		/strict/strict-init --user 1000:1000 -- \
		sh -c 'id; exec grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	expect_status 0
	expect_stdout "$ALICE_STRICT
$(status_lines $ZERO 1)"
}

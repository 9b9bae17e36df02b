# `strict-init install DEST` and what happens when the file capability is
# missing (plain cp, nosuid mount): enforce refuses with a clear message.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

expect_cap_setgid_p() {
	local caps
	caps=$(getcap "$1")
	[ "$caps" = "$1 cap_setgid=p" ] || sg_die "getcap $1: '$caps', expected cap_setgid=p"
}

@test "install: the suite's copy (installed on the host) carries cap_setgid=p, mode 0755" {
	expect_cap_setgid_p "$SG_IT_DIR/strict/strict-init"
	[ "$(stat -c %a "$SG_IT_DIR/strict/strict-init")" = 755 ]
	cmp "$SG_INIT" "$SG_IT_DIR/strict/strict-init"
}

@test "install: an init container (root, containerd caps) installs into a volume; the copy then drops" {
	ctr_run -u 0:0:0 -- /strict/strict-init install /out/strict-init
	expect_status 0
	expect_stderr ''
	expect_cap_setgid_p "$SG_OUT/strict-init"
	[ "$(stat -c %a "$SG_OUT/strict-init")" = 755 ]
	cmp "$SG_INIT" "$SG_OUT/strict-init"

	ctr_run -s "$SG_OUT" -e STRICT_GROUPS=60000 -- /strict/strict-init id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "install: DEST may be the binary's own path; the capability is kept" {
	cp -a "$SG_IT_DIR/strict/strict-init" "$SG_OUT/strict-init"
	run "$SG_OUT/strict-init" install "$SG_OUT/strict-init"
	[ "$status" -eq 0 ] || sg_die "install onto itself: $status: $output"
	expect_cap_setgid_p "$SG_OUT/strict-init"
	cmp "$SG_INIT" "$SG_OUT/strict-init"
}

@test "install: without CAP_SETFCAP (uid 1000) it fails with 71 and leaves nothing behind" {
	ctr_run -- /strict/strict-init install /out/strict-init
	expect_status 71
	expect_strict_lines 1
	expect_no_file "$SG_OUT/strict-init"
	[ -z "$(ls -A "$SG_OUT")" ] || sg_die "left in the volume: $(ls -A "$SG_OUT")"
}

@test "install: a plain cp loses the capability; enforce then refuses (77) naming CAP_SETGID and 50000" {
	[ -z "$(getcap "$SG_IT_DIR/strict-plain/strict-init")" ]
	ctr_run -s "$SG_IT_DIR/strict-plain" -e STRICT_GROUPS=60000 -- \
		/strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'CAP_SETGID.*file capability'
	expect_no_file "$SG_OUT/ran"
}

@test "install: the capability is ignored on a nosuid mount; enforce refuses (77)" {
	ctr_run -o rbind,ro,nosuid -e STRICT_GROUPS=60000 -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'nosuid'
	expect_no_file "$SG_OUT/ran"
}

@test "install: a plain copy still runs the command when nothing forbidden is held" {
	ctr_run -s "$SG_IT_DIR/strict-plain" -e STRICT_GROUPS=50000,60000 -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 50000 60000'
	expect_stderr ''
}

@test "--version and --help: exit 0, print on stdout" {
	run "$SG_INIT" --version
	[ "$status" -eq 0 ] && [[ $output == 'strict-init '[0-9]* ]] ||
		sg_die "--version: $status: $output"
	run "$SG_INIT" --help
	[ "$status" -eq 0 ] && [[ $output == *'strict-init install DEST'* ]] ||
		sg_die "--help: $status: $output"
}

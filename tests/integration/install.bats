# `strict-init install --groups=LIST [OPTIONS] DEST`: a sealed copy with the
# file capability; what happens when the capability is missing (plain cp,
# nosuid mount); DEST handled through one directory descriptor.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

expect_cap_setgid_p() {
	local caps
	caps=$(getcap "$1")
	[ "$caps" = "$1 cap_setgid=p" ] || sg_die "getcap $1: '$caps', expected cap_setgid=p"
}

# The copy is the build output but for the seal region (4096 bytes).
expect_same_but_seal() {
	local differ
	[ "$(stat -c %s "$1")" = "$(stat -c %s "$SG_INIT")" ] ||
		sg_die "$1 and $SG_INIT differ in size" || return
	differ=$(cmp -l "$SG_INIT" "$1" | awk 'NR == 1 { first = $1 } END { print (NR ? $1 - first : -1) }')
	[ "$differ" -ge 0 ] && [ "$differ" -lt 4096 ] ||
		sg_die "$1 differs from $SG_INIT outside one 4096-byte region ($differ)"
}

no_leftovers() {
	local left
	left=$(find "$1" -name '*.tmp-*' | head -5)
	[ -z "$left" ] || sg_die "temporary files left: $left"
}

@test "install: the suite's copy carries cap_setgid=p, mode 0755, and its seal" {
	expect_cap_setgid_p "$SG_IT_DIR/strict/strict-init"
	[ "$(stat -c %a "$SG_IT_DIR/strict/strict-init")" = 755 ]
	expect_same_but_seal "$SG_IT_DIR/strict/strict-init"
	run "$SG_IT_DIR/strict/strict-init" check
	[[ ${lines[0]} == 'sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1' ]] ||
		sg_die "check: ${lines[0]}"
	run "$SG_INIT" check
	[[ ${lines[0]} == 'sealed: no' ]] || sg_die "build output check: ${lines[0]}"
}

@test "install: an init container as in deploy/pod.yaml (root, only CAP_SETFCAP) seals a copy into a 0777 volume; it drops" {
	mkdir -m 0777 "$SG_OUT/vol"
	ctr_run -u 0:0:0 -c CAP_SETFCAP -s "$SG_IT_DIR/strict-plain" -- \
		/strict/strict-init install --groups=60000 --mode=enforce /out/vol/strict-init
	expect_status 0
	expect_stderr ''
	expect_cap_setgid_p "$SG_OUT/vol/strict-init"
	[ "$(stat -c %a:%u "$SG_OUT/vol/strict-init")" = 755:0 ]
	expect_same_but_seal "$SG_OUT/vol/strict-init"
	no_leftovers "$SG_OUT"

	ctr_run -s "$SG_OUT/vol" -c CAP_SETGID -n true -- /strict/strict-init id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "install: settings from the environment, the option winning, as at run time" {
	ctr_run -u 0:0:0 -c CAP_SETFCAP -e STRICT_GROUPS=60000,70000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init install --mode=refuse /out/strict-init
	expect_status 0
	run "$SG_OUT/strict-init" check
	[[ ${lines[0]} == 'sealed: STRICT_GROUPS=60000,70000 STRICT_GROUPS_MODE=refuse STRICT_GROUPS_NO_NEW_PRIVS=1' ]] ||
		sg_die "check: ${lines[0]}"
}

@test "install: DEST a directory gets DEST/strict-init" {
	mkdir "$SG_OUT/dir"
	run "$SG_INIT" install --groups=1 "$SG_OUT/dir"
	[ "$status" -eq 0 ] || sg_die "install into a directory: $status: $output"
	expect_cap_setgid_p "$SG_OUT/dir/strict-init"
	[ "$(ls -A "$SG_OUT/dir")" = strict-init ]
}

@test "install: DEST may be the binary's own path; the capability and the new seal are kept" {
	cp -a "$SG_IT_DIR/strict/strict-init" "$SG_OUT/strict-init"
	run "$SG_OUT/strict-init" install --groups=70000 "$SG_OUT/strict-init"
	[ "$status" -eq 0 ] || sg_die "install onto itself: $status: $output"
	expect_cap_setgid_p "$SG_OUT/strict-init"
	expect_same_but_seal "$SG_OUT/strict-init"
	run "$SG_OUT/strict-init" check
	[[ ${lines[0]} == 'sealed: STRICT_GROUPS=70000 '* ]] || sg_die "check: ${lines[0]}"
}

@test "install: a symbolic link as DEST is refused (71), neither followed nor replaced" {
	mkdir "$SG_OUT/elsewhere"
	ln -s elsewhere "$SG_OUT/to-dir"
	ln -s elsewhere/file "$SG_OUT/to-file"
	for dest in to-dir to-file; do
		run "$SG_INIT" install --groups=1 "$SG_OUT/$dest"
		[ "$status" -eq 71 ] || sg_die "$dest: $status: $output"
		[[ $output == "strict-init: install: $SG_OUT/$dest is a symbolic link; name the file or directory itself" ]] ||
			sg_die "$dest: $output"
		[ -L "$SG_OUT/$dest" ] || sg_die "$dest was replaced"
	done
	[ -z "$(ls -A "$SG_OUT/elsewhere")" ] || sg_die "written through a link: $(ls -A "$SG_OUT/elsewhere")"
	no_leftovers "$SG_OUT"
}

@test "install: a failed rename (DEST/strict-init is a directory) leaves no temporary file" {
	mkdir -p "$SG_OUT/dest/strict-init/full"
	run "$SG_INIT" install --groups=1 "$SG_OUT/dest"
	[ "$status" -eq 71 ] || sg_die "install: $status: $output"
	[[ $output == *"cannot rename"* ]] || sg_die "install: $output"
	no_leftovers "$SG_OUT"
	[ "$(ls -A "$SG_OUT/dest")" = strict-init ] || sg_die "left: $(ls -A "$SG_OUT/dest")"
}

@test "install: an enforce copy without CAP_SETFCAP (uid 1000) fails with 71 and leaves nothing behind" {
	ctr_run -- /strict/strict-init install --groups=60000 /out/strict-init
	expect_status 71
	expect_strict_lines 1
	expect_no_file "$SG_OUT/strict-init"
	[ -z "$(ls -A "$SG_OUT")" ] || sg_die "left in the volume: $(ls -A "$SG_OUT")"
}

# Only enforce calls setgroups: a refuse- or audit-sealed copy gets no file
# capability, so installing one needs no CAP_SETFCAP (the installer of a Pod
# Security restricted pod: non-root, every capability dropped,
# no_new_privs), and root writes none either.
@test "install: refuse and audit copies carry no capability; non-root with no capability and no_new_privs installs them" {
	local mode
	for mode in refuse audit; do
		rm -f "$SG_OUT/strict-init"
		ctr_run -c none -n true -- /strict/strict-init install --groups=60000 --mode=$mode /out/strict-init
		expect_status 0 || return
		expect_stderr '' || return
		[ -z "$(getcap "$SG_OUT/strict-init")" ] || sg_die "$mode: $(getcap "$SG_OUT/strict-init")" || return
		[ "$(stat -c %a:%u "$SG_OUT/strict-init")" = 755:1000 ] || sg_die "$mode: $(stat -c %a:%u "$SG_OUT/strict-init")" || return
		expect_same_but_seal "$SG_OUT/strict-init" || return
		run "$SG_OUT/strict-init" check
		[[ ${lines[0]} == "sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=$mode STRICT_GROUPS_NO_NEW_PRIVS=1" ]] ||
			sg_die "check: ${lines[0]}" || return
		[[ $output == *"can drop: not needed (mode $mode never changes groups)"* ]] || sg_die "check: $output" || return
		# as root: no capability either
		"$SG_INIT" install --groups=60000 --mode=$mode "$SG_OUT/root-$mode" || sg_die "root install: $mode" || return
		[ -z "$(getcap "$SG_OUT/root-$mode")" ] || sg_die "root $mode: $(getcap "$SG_OUT/root-$mode")" || return
	done
	no_leftovers "$SG_OUT"
}

@test "install: a refuse copy without capability, every capability dropped, no_new_privs: 77 naming 50000 when the image adds it, runs when nothing is forbidden" {
	mkdir -m 0777 "$SG_OUT/vol"
	ctr_run -c none -n true -- /strict/strict-init install --groups=60000 --mode=refuse /out/vol/strict-init
	expect_status 0
	ctr_run -s "$SG_OUT/vol" -c none -n true -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
	ctr_run -s "$SG_OUT/vol" -c none -n true -u 1000:1000:1000,60000 -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
	expect_stderr ''
}

# The swap loop: DEST ($SG_OUT/race/dest) is by turns a directory and a
# symbolic link to $SG_OUT/race/elsewhere, while installs run into it.
swap_dest() {
	local r=$1
	while [ ! -e "$r/stop" ]; do
		mv -T "$r/d" "$r/dest" 2>/dev/null
		mv -T "$r/dest" "$r/d" 2>/dev/null
		mv -T "$r/l" "$r/dest" 2>/dev/null
		mv -T "$r/dest" "$r/l" 2>/dev/null
	done
}

race_setup() {
	local r=$SG_OUT/race
	mkdir -p "$r/d" "$r/elsewhere"
	ln -s elsewhere "$r/l"
	swap_dest "$r" &
	SWAPPER=$!
}

race_stop() {
	touch "$SG_OUT/race/stop"
	wait "$SWAPPER" || true
}

# The control first: a path-based install (cp, setcap, mv), raced by the
# same loop, writes capable files through the link; then strict-init's,
# which never does. Run in turn (interleaved, the naive one stopped racing).
@test "install: raced by the swap loop, a path-based install writes through the link; strict-init's never, and leaves no temporary file" {
	local r=$SG_OUT/race i ok=0 f
	race_setup
	for i in $(seq 300); do
		{ cp "$SG_INIT" "$r/dest/strict-init.tmp-$i" &&
			setcap cap_setgid=p "$r/dest/strict-init.tmp-$i" &&
			mv "$r/dest/strict-init.tmp-$i" "$r/dest/strict-init"; } 2>/dev/null || true
	done
	race_stop
	if [ -z "$(find "$r/elsewhere" "$r/d" -name '*.tmp-*')" ] && [ -z "$(ls -A "$r/elsewhere")" ]; then
		skip "the swap loop did not race the path-based install in 300 tries on this machine"
	fi
	rm -rf "$r"
	race_setup
	for i in $(seq 300); do
		"$SG_INIT" install --groups=60000 "$r/dest" 2>/dev/null && ok=$((ok + 1))
	done
	race_stop
	[ -z "$(ls -A "$r/elsewhere")" ] || sg_die "written through the link: $(ls -A "$r/elsewhere")"
	no_leftovers "$r"
	# each success landed in the directory (or replaced DEST itself while it was absent)
	[ "$ok" -gt 0 ] || sg_die "no install succeeded in 300 tries"
	for f in $(find "$r" -type f ! -name stop); do
		case $f in "$r/d/strict-init" | "$r/dest" | "$r/l") ;; *) sg_die "a copy at $f" ;; esac
	done
}

@test "install: a plain cp loses the capability; enforce then refuses (77) naming CAP_SETGID and 50000" {
	[ -z "$(getcap "$SG_IT_DIR/strict-plain/strict-init")" ]
	ctr_run -s "$SG_IT_DIR/strict-plain" -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'CAP_SETGID.*file capability'
	expect_no_file "$SG_OUT/ran"
}

@test "install: the capability is ignored on a nosuid mount; enforce refuses (77)" {
	ctr_run -o rbind,ro,nosuid -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_stderr_match 'nosuid'
	expect_no_file "$SG_OUT/ran"
}

@test "install: a plain copy still runs the command when nothing forbidden is held" {
	local dir
	sg_sealed_dir dir "--groups=50000,60000"
	cp "$dir/strict-init" "$SG_OUT/strict-init"
	ctr_run -s "$SG_OUT" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 50000 60000'
	expect_stderr ''
}

@test "--version and --help: exit 0, print on stdout" {
	run "$SG_INIT" --version
	[ "$status" -eq 0 ] && [[ $output == 'strict-init '[0-9]* ]] ||
		sg_die "--version: $status: $output"
	run "$SG_INIT" --help
	[ "$status" -eq 0 ] && [[ $output == *'strict-init install --groups=LIST [OPTIONS] DEST'* ]] ||
		sg_die "--help: $status: $output"
}

# `strict-init install --groups=LIST [OPTIONS] DEST`: a sealed copy with the
# file capability; what happens when the capability is missing (plain cp,
# nosuid mount); DEST looked up without a symbolic link, its folder closed
# to other users, the copy written where only root reaches it (issue 18):
# each attack of another uid with a control against a naive copy.
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

# Nothing of an install's own left: no private folder, no temporary file.
no_leftovers() {
	local left
	left=$(find "$1" \( -name '.strict-init-*' -o -name '*.tmp-*' \) | head -5)
	[ -z "$left" ] || sg_die "left behind: $left"
}

# Capable files under DIR but the paths given: "" when none.
capable_files_but() {
	local dir=$1 f keep
	shift
	getcap -r "$dir" 2>/dev/null | while read -r f _; do
		for keep; do [ "$f" = "$keep" ] && continue 2; done
		printf '%s\n' "$f"
	done
}

# as_second_uid CMD...: CMD as uid and gid 1000, no other group (another
# user of the volume, as a second container would be).
as_second_uid() { setpriv --reuid=1000 --regid=1000 --clear-groups -- "$@"; }

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

# The volume is mounted at /out as kubelet mounts an emptyDir: a folder of
# root's, 0777, the mount point itself. Root without CAP_FOWNER can chmod it:
# it owns it.
@test "install: an init container as in deploy/pod.yaml (root, only CAP_SETFCAP) seals a copy into a 0777 volume, closing it to other users; it drops" {
	local vol=$SG_OUT/vol
	mkdir -m 0777 "$vol"
	SG_OUT=$vol ctr_run -u 0:0:0 -c CAP_SETFCAP -s "$SG_IT_DIR/strict-plain" -- \
		/strict/strict-init install --groups=60000 --mode=enforce /out/strict-init
	expect_status 0
	expect_stderr "strict-init: install: closed /out (mode 0777 -> 0755): other users could have renamed or replaced the copy
strict-init: installed /out/strict-init, sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1"
	expect_cap_setgid_p "$vol/strict-init"
	[ "$(stat -c %a:%u "$vol/strict-init")" = 755:0 ]
	[ "$(stat -c %a:%u "$vol")" = 755:0 ]
	expect_same_but_seal "$vol/strict-init"
	no_leftovers "$vol"
	# a second install (the pod's sandbox made again) finds it closed: no chmod, no line
	SG_OUT=$vol ctr_run -u 0:0:0 -c CAP_SETFCAP -s "$SG_IT_DIR/strict-plain" -- \
		/strict/strict-init install --groups=60000 --mode=enforce /out/strict-init
	expect_status 0
	expect_strict_lines 1

	ctr_run -s "$vol" -c CAP_SETGID -n true -- /strict/strict-init id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

# Another container of the pod mounts the volume read-write as uid 1000 and
# puts a script where the copy was; the next start runs it with the image's
# groups. The control: a copy put into the 0777 volume by a naive install.
replace_copy() {
	ctr_run -s "$1" -o rbind,rw -- /bin/sh -c \
		'mv /strict/strict-init /strict/moved && printf "#!/bin/sh\nexec id -G\n" >/strict/strict-init && chmod 755 /strict/strict-init'
}

@test "install: in a 0777 volume another uid can replace a naive copy with a script, which the next start runs with 50000; not strict-init's" {
	local naive=$SG_OUT/naive vol=$SG_OUT/vol
	mkdir -m 0777 "$naive" "$vol"
	cp -a "$SG_IT_DIR/strict/strict-init" "$naive/strict-init"
	replace_copy "$naive"
	expect_status 0
	ctr_run -s "$naive" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 50000 60000'

	SG_OUT=$vol ctr_run -u 0:0:0 -c CAP_SETFCAP -- /strict/strict-init install --groups=60000 /out/strict-init
	expect_status 0
	replace_copy "$vol"
	expect_status 1
	expect_stderr_match 'Permission denied'
	[ "$(ls -A "$vol")" = strict-init ] || sg_die "in the volume: $(ls -A "$vol")"
	ctr_run -s "$vol" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
}

# A Dockerfile's RUN step has the base image's ENV in its environment:
# install seals its options only, and refuses a variable they do not repeat.
@test "install: a STRICT_GROUPS* variable its options do not repeat is refused (64), naming it; a repeated one is fine" {
	local var
	for var in STRICT_GROUPS=50000,60000 STRICT_GROUPS_MODE=audit STRICT_GROUPS_NO_NEW_PRIVS=0 STRICT_GROUPS_LOCKED=1; do
		ctr_run -u 0:0:0 -c CAP_SETFCAP -e "$var" -- \
			/strict/strict-init install --groups=60000 /out/strict-init
		expect_status 64
		expect_strict_lines 1
		expect_stderr_match "^strict-init: install seals its options only, and ${var%%=*}"
		expect_no_file "$SG_OUT/strict-init"
	done
	# the control: the same install, the variable repeated by its option
	ctr_run -u 0:0:0 -c CAP_SETFCAP -e STRICT_GROUPS=60000,60000 -e STRICT_GROUPS_MODE=audit -- \
		/strict/strict-init install --groups=60000 --mode=audit /out/strict-init
	expect_status 0
	expect_stderr 'strict-init: installed /out/strict-init, sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=audit STRICT_GROUPS_NO_NEW_PRIVS=1'
	run "$SG_OUT/strict-init" check
	[[ ${lines[0]} == 'sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=audit STRICT_GROUPS_NO_NEW_PRIVS=1' ]] ||
		sg_die "check: ${lines[0]}"
}

@test "install: a sealed copy given no option installs its own seal again, with the capability" {
	local dir
	sg_sealed_dir dir "--groups=60000,70000 --mode=enforce --gid=1000"
	cp "$dir/strict-init" "$SG_OUT/strict-init" # a plain cp: the capability is lost
	[ -z "$(getcap "$SG_OUT/strict-init")" ]
	run "$SG_OUT/strict-init" install "$SG_OUT/strict-init"
	[ "$status" -eq 0 ] || sg_die "install: $status: $output"
	[ "$output" = "strict-init: installed $SG_OUT/strict-init, sealed: STRICT_GROUPS=60000,70000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1 STRICT_GROUPS_GID=1000" ] ||
		sg_die "install: $output"
	expect_cap_setgid_p "$SG_OUT/strict-init"
	cmp "$dir/strict-init" "$SG_OUT/strict-init" || sg_die "not the same copy"
	# a variable is refused there too: install names no option to repeat it
	run env STRICT_GROUPS_MODE=refuse "$SG_OUT/strict-init" install "$SG_OUT/strict-init"
	[ "$status" -eq 64 ] && [[ $output == *'STRICT_GROUPS_MODE=refuse is set in its environment'* ]] ||
		sg_die "with a variable: $status: $output"
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

# A symbolic link anywhere on the way, DEST's trailing '/' and '.' included.
@test "install: DEST through a symbolic link is refused (77), with a trailing / or . too, and nothing is written through it" {
	local dest naive
	mkdir -m 0700 "$SG_OUT/real" "$SG_OUT/naive"
	mkdir "$SG_OUT/real/sub"
	ln -s real "$SG_OUT/link"
	ln -s real/file "$SG_OUT/to-file"
	# the control: a path-based copy follows the link
	cp "$SG_INIT" "$SG_OUT/link/" && setcap cap_setgid=p "$SG_OUT/link/strict-init"
	[ -n "$(getcap "$SG_OUT/real/strict-init")" ] || sg_die "control: the naive copy did not land in real/"
	rm "$SG_OUT/real/strict-init"
	for dest in link link/ link/. link/./ link/sub link/sub/x to-file real/../link/; do
		run "$SG_INIT" install --groups=60000 "$SG_OUT/$dest"
		[ "$status" -eq 77 ] || sg_die "$dest: $status: $output"
		[[ $output == "strict-init: install: $SG_OUT/"*" is a symbolic link: name the real path, which no other user can change" ]] ||
			sg_die "$dest: $output"
	done
	[ -L "$SG_OUT/link" ] && [ -L "$SG_OUT/to-file" ] || sg_die "a link was replaced"
	[ "$(ls -A "$SG_OUT/real")" = sub ] && [ -z "$(ls -A "$SG_OUT/real/sub")" ] ||
		sg_die "written through a link: $(find "$SG_OUT/real")"
	no_leftovers "$SG_OUT"
	# the real path works
	run "$SG_INIT" install --groups=60000 "$SG_OUT/real/sub/."
	[ "$status" -eq 0 ] || sg_die "real/sub/.: $status: $output"
	expect_cap_setgid_p "$SG_OUT/real/sub/strict-init"
}

@test "install: a failed rename (DEST/strict-init is a directory) leaves nothing behind" {
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

@test "install: a folder of another uid, or below a folder others can write, is refused (77): they could replace the copy" {
	mkdir -m 0777 "$SG_OUT/open"
	mkdir -m 0755 "$SG_OUT/root"
	mkdir "$SG_OUT/open/mine" "$SG_OUT/root/theirs"
	chown 1000:1000 "$SG_OUT/root/theirs"
	run "$SG_INIT" install --groups=60000 "$SG_OUT/root/theirs/strict-init"
	[ "$status" -eq 77 ] && [[ $output == *"theirs belongs to uid 1000, who could rename or replace"* ]] ||
		sg_die "a folder of uid 1000: $status: $output"
	run "$SG_INIT" install --groups=60000 "$SG_OUT/open/mine/strict-init"
	[ "$status" -eq 77 ] && [[ $output == *"open (owner 0, mode 0777) lets other users rename the folders in it"* ]] ||
		sg_die "below a 0777 folder: $status: $output"
	# the control: uid 1000 moves the folder away and puts its own in place
	as_second_uid mv "$SG_OUT/open/mine" "$SG_OUT/open/moved" || sg_die "control: the rename failed"
	[ -z "$(find "$SG_OUT/root/theirs" "$SG_OUT/open/moved" -mindepth 1)" ] || sg_die "written: $(find "$SG_OUT/root" "$SG_OUT/open")"
	# sticky (as /tmp, and the suite's $SG_OUT, 1777): root's entries stay root's
	run "$SG_INIT" install --groups=60000 "$SG_OUT/strict-init"
	[ "$status" -eq 0 ] || sg_die "a sticky folder: $status: $output"
	[ "$(stat -c %a "$SG_OUT")" = 1777 ] || sg_die "the sticky folder was changed"
	! as_second_uid mv "$SG_OUT/strict-init" "$SG_OUT/moved" 2>/dev/null || sg_die "uid 1000 renamed the copy"
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
		expect_stderr "strict-init: installed /out/strict-init, sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=$mode STRICT_GROUPS_NO_NEW_PRIVS=1" || return
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
	# root's 0777 folder, which uid 1000 may not close: said, and left to
	# the wiring (read-only mounts); a capable copy is never left there
	expect_stderr_match 'install: /out/vol \(owner 0, mode 0777\) stays open to other users: uid 1000 may not close it'
	[ "$(stat -c %a "$SG_OUT/vol")" = 777 ] || sg_die "the folder changed: $(stat -c %a "$SG_OUT/vol")"
	ctr_run -s "$SG_OUT/vol" -c none -n true -- /strict/strict-init touch /out/ran
	expect_refusal 50000
	expect_no_file "$SG_OUT/ran"
	ctr_run -s "$SG_OUT/vol" -c none -n true -u 1000:1000:1000,60000 -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
	expect_stderr ''
}

# The swap loop, run by uid 1000 in a folder of root's open to it (0777, an
# emptyDir): DEST ($r/dest) is by turns a directory of its own and a link to
# $SG_OUT/rootonly (root's, 0700), while root installs into it.
swap_dest() {
	local r=$1
	# stopped by a file, or after two minutes whatever happens
	while [ ! -e "$r/stop" ] && [ "$SECONDS" -lt 120 ]; do
		mv -T "$r/d" "$r/dest" 2>/dev/null
		mv -T "$r/dest" "$r/d" 2>/dev/null
		mv -T "$r/l" "$r/dest" 2>/dev/null
		mv -T "$r/dest" "$r/l" 2>/dev/null
	done
}

race_start() {
	local r=$SG_OUT/race
	mkdir -m 0777 "$r"
	mkdir -p -m 0700 "$SG_OUT/rootonly"
	as_second_uid mkdir "$r/d" && as_second_uid ln -s ../rootonly "$r/l" || return
	as_second_uid bash -c "$(declare -f swap_dest); swap_dest '$r'" &
	RACER=$!
}

race_stop() {
	touch "$SG_OUT/race/stop"
	wait "$RACER" || true
	rm -rf "$SG_OUT/race" "$SG_OUT/rootonly"
}

# One swap loop, a naive install and strict-init's in turn: skipped when the
# naive one never escaped (the race was not run on this machine), else
# strict-init's must never have written anything anywhere.
@test "install: while uid 1000 swaps DEST between a directory and a link to root's folder, a path-based install writes into root's folder; strict-init never writes" {
	local r=$SG_OUT/race i escaped dest status_seen=' '
	race_start
	for i in $(seq 300); do
		{ cp "$SG_INIT" "$r/dest/strict-init.tmp-$i" &&
			setcap cap_setgid=p "$r/dest/strict-init.tmp-$i" &&
			mv "$r/dest/strict-init.tmp-$i" "$r/dest/strict-init"; } 2>/dev/null || true
	done
	escaped=$(capable_files_but "$SG_OUT/rootonly")
	race_stop
	[ -n "$escaped" ] || skip "the swap loop did not race the naive install in 300 tries on this machine"
	race_start
	for i in $(seq 300); do
		case $((i % 3)) in 0) dest=$r/dest/ ;; 1) dest=$r/dest/. ;; 2) dest=$r/dest/strict-init ;; esac
		"$SG_INIT" install --groups=60000 "$dest" 2>/dev/null && status_seen+='0 ' || status_seen+="$? "
	done
	touch "$r/stop"
	wait "$RACER" || true
	[ -z "$(capable_files_but "$SG_OUT")" ] || sg_die "capable files: $(capable_files_but "$SG_OUT")"
	[ -z "$(ls -A "$SG_OUT/rootonly")" ] || sg_die "written into root's folder: $(ls -A "$SG_OUT/rootonly")"
	no_leftovers "$SG_OUT"
	# each one refused (77: a link, or a folder of uid 1000's below an open
	# one) or found no DEST (71, between two renames)
	[[ $status_seen != *' 0 '* ]] || sg_die "an install succeeded into a folder uid 1000 controls"
	[[ $status_seen == *' 77 '* ]] || sg_die "never refused: $status_seen"
	race_stop
}

# Renaming whatever appears in a 0777 folder, uid 1000 steals a naive
# install's temporary file (written next to DEST, the capability set through
# its descriptor): capable copies under its names. strict-init closes the
# folder before it writes, and writes where only root reaches.
steal_loop() {
	local v=$1 n=0 f
	while [ ! -e "$v/../stop" ] && [ "$SECONDS" -lt 120 ]; do
		for f in "$v"/* "$v"/.strict-init-* "$v"/.strict-init-*/*; do
			case $f in "$v/strict-init" | */stolen-* | *'*') continue ;; esac
			mv "$f" "${f%/*}/stolen-$n" 2>/dev/null && n=$((n + 1))
		done
	done
}

# naive_install DIR [PAUSE_MS]: fixtures/naive-install.c, the temporary next
# to DEST, the capability through its descriptor (strict-init's install
# before issue 18), PAUSE_MS before its rename
naive_install() {
	if [ ! -x "$SG_IT_DIR/naive-install" ]; then
		musl-gcc -static -Os -o "$SG_IT_DIR/naive-install" "$SG_FIXTURES/naive-install.c" || return
	fi
	"$SG_IT_DIR/naive-install" "$SG_INIT" "$1" strict-init "${2:-0}"
}

@test "install: uid 1000 renaming everything in a 0777 folder steals capable copies from a naive install; from strict-init's, nothing" {
	local v=$SG_OUT/steal/vol i stolen failed=0
	mkdir -p -m 0755 "$SG_OUT/steal" && mkdir -m 0777 "$v"
	chmod 0777 "$v"
	naive_install "$v" && [ -n "$(getcap "$v/strict-init")" ] || sg_die "the naive install does not work"
	as_second_uid bash -c "$(declare -f steal_loop); steal_loop '$v'" &
	RACER=$!
	# 10 ms between the capability and the rename (a slow write): without
	# it, some machines never let the racer's mv in within 200 tries
	for i in $(seq 200); do naive_install "$v" 10 || true; done
	stolen=$(capable_files_but "$v" "$v/strict-init")
	touch "$SG_OUT/steal/stop"
	wait "$RACER" || true
	[ -n "$stolen" ] || skip "uid 1000 never stole a naive install's temporary in 200 tries on this machine"
	rm -rf "$SG_OUT/steal"
	mkdir -p -m 0755 "$SG_OUT/steal" && mkdir -m 0777 "$v"
	chmod 0777 "$v"
	as_second_uid bash -c "$(declare -f steal_loop); steal_loop '$v'" &
	RACER=$!
	for i in $(seq 200); do
		"$SG_INIT" install --groups=60000 "$v/" 2>/dev/null || failed=$((failed + 1))
		[ "$(stat -c %a "$v")" = 755 ] || sg_die "install $i left the folder open"
		# open again for the next round, the copy gone first
		rm -f "$v/strict-init"
		chmod 0777 "$v"
	done
	touch "$SG_OUT/steal/stop"
	wait "$RACER" || true
	[ "$failed" = 0 ] || sg_die "$failed installs failed"
	[ -z "$(capable_files_but "$SG_OUT/steal")" ] || sg_die "capable files: $(capable_files_but "$SG_OUT/steal")"
	[ -z "$(ls -A "$v")" ] || sg_die "in the folder: $(ls -A "$v")"
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

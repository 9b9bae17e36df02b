# The seccomp lock covers every gid call (issue 8). A root container
# (additionalGids [0, 60000], containerd's capabilities without
# CAP_DAC_OVERRIDE, as when root is squashed on an NFS export) runs
# strict-init with STRICT_GROUPS=60000 and STRICT_GROUPS_LOCK=1: no gid call
# reaches gid 50000, and /data/only-50000 (readable by group 50000 only)
# stays unreadable. For each call two controls: under the lock the same call
# to the allowed 60000 works, and without the lock the call reaches 50000
# and reads the file (the attack). gidcall (fixtures/gidcall.c, static
# musl) makes the calls and prints each result and the ids.
load lib

ROOT_USER=0:0:0,60000
READ=read:/data/only-50000
DENIED='Permission denied'
EPERM='Operation not permitted'

setup_file() {
	sg_require_prereqs
	sg_gidcall_fixtures
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# locked|unlocked STEP...: gidcall STEP... as root without CAP_DAC_OVERRIDE
locked() {
	ctr_run -u $ROOT_USER -c no-dac-override -e STRICT_GROUPS=60000 \
		-e STRICT_GROUPS_LOCK=1 -- /strict/strict-init gidcall "$@"
}

unlocked() {
	ctr_run -u $ROOT_USER -c no-dac-override -e STRICT_GROUPS=60000 -- \
		/strict/strict-init gidcall "$@"
}

# expect_lines LINE...: stdout is exactly these lines, nothing on stderr
expect_lines() {
	local want
	printf -v want '%s\n' "$@"
	expect_status 0 || return
	expect_stdout "${want%$'\n'}" || return
	expect_stderr ''
}

# --- setgid ---

@test "lock: setgid(50000) is EPERM and the file stays unreadable; setgid(60000) works" {
	locked setgid:50000 $READ ids setgid:60000 ids
	expect_lines "setgid:50000: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setgid:60000: ok' 'ids: gids=60000,60000,60000,60000 groups=0,60000'
}

@test "lock control: without it, setgid(50000) reaches 50000 and reads the file" {
	unlocked setgid:50000 $READ ids
	expect_lines 'setgid:50000: ok' "$READ: ok" \
		'ids: gids=50000,50000,50000,50000 groups=0,60000'
}

# --- setegid ---

@test "lock: setegid(50000) is EPERM and the file stays unreadable; setegid(60000) works" {
	locked setegid:50000 $READ ids setegid:60000 ids
	expect_lines "setegid:50000: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setegid:60000: ok' 'ids: gids=0,60000,0,60000 groups=0,60000'
}

@test "lock control: without it, setegid(50000) reaches 50000 and reads the file" {
	unlocked setegid:50000 $READ ids
	expect_lines 'setegid:50000: ok' "$READ: ok" \
		'ids: gids=0,50000,0,50000 groups=0,60000'
}

# --- setregid ---

@test "lock: setregid(-1, 50000) is EPERM and the file stays unreadable; setregid(-1, 60000) works" {
	locked setregid:-1:50000 $READ ids setregid:-1:60000 ids
	expect_lines "setregid:-1:50000: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setregid:-1:60000: ok' 'ids: gids=0,60000,60000,60000 groups=0,60000'
}

@test "lock control: without it, setregid(-1, 50000) reaches 50000 and reads the file" {
	unlocked setregid:-1:50000 $READ ids
	expect_lines 'setregid:-1:50000: ok' "$READ: ok" \
		'ids: gids=0,50000,50000,50000 groups=0,60000'
}

# --- setresgid ---

@test "lock: setresgid(-1, 50000, -1) is EPERM and the file stays unreadable; setresgid(-1, 60000, -1) works" {
	locked setresgid:-1:50000:-1 $READ ids setresgid:-1:60000:-1 ids
	expect_lines "setresgid:-1:50000:-1: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setresgid:-1:60000:-1: ok' 'ids: gids=0,60000,0,60000 groups=0,60000'
}

@test "lock control: without it, setresgid(-1, 50000, -1) reaches 50000 and reads the file" {
	unlocked setresgid:-1:50000:-1 $READ ids
	expect_lines 'setresgid:-1:50000:-1: ok' "$READ: ok" \
		'ids: gids=0,50000,0,50000 groups=0,60000'
}

# --- setfsgid: returns the previous fsgid, or -1 (EPERM) from the filter ---

@test "lock: setfsgid(50000) is refused and the file stays unreadable; setfsgid(60000) works" {
	locked setfsgid:50000 $READ ids setfsgid:60000 ids
	expect_lines 'setfsgid:50000: returned -1' "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setfsgid:60000: returned 0' 'ids: gids=0,0,0,60000 groups=0,60000'
}

@test "lock control: without it, setfsgid(50000) reaches 50000 and reads the file" {
	unlocked setfsgid:50000 $READ ids
	expect_lines 'setfsgid:50000: returned 0' "$READ: ok" \
		'ids: gids=0,0,0,50000 groups=0,60000'
}

# --- setgroups: refused whatever it sets ---

@test "lock: setgroups(50000) is EPERM and the file stays unreadable; setgroups(60000) is EPERM too" {
	locked setgroups:50000 $READ setgroups:60000 ids
	expect_lines "setgroups:50000: $EPERM" "$READ: $DENIED" \
		"setgroups:60000: $EPERM" 'ids: gids=0,0,0,0 groups=0,60000'
}

@test "lock control: without it, setgroups(50000) reaches 50000 and reads the file" {
	unlocked setgroups:50000 $READ ids
	expect_lines 'setgroups:50000: ok' "$READ: ok" 'ids: gids=0,0,0,0 groups=50000'
}

# --- raw system calls, bit 32 set in each argument: the kernel reads the
# --- low 32 bits, and so must the filter ---

@test "lock: raw setgid(0x1_0000C350) is EPERM and the file stays unreadable; raw setgid(0x1_0000EA60) works" {
	locked raw-setgid:50000 $READ ids raw-setgid:60000 ids
	expect_lines "raw-setgid:50000: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'raw-setgid:60000: ok' 'ids: gids=60000,60000,60000,60000 groups=0,60000'
}

@test "lock control: without it, raw setgid(0x1_0000C350) sets 50000 and reads the file" {
	unlocked raw-setgid:50000 $READ ids
	expect_lines 'raw-setgid:50000: ok' "$READ: ok" \
		'ids: gids=50000,50000,50000,50000 groups=0,60000'
}

@test "lock: raw setregid(-1, 50000) with bit 32 set is EPERM; the same to 60000 works" {
	locked raw-setregid:-1:50000 $READ ids raw-setregid:-1:60000 ids
	expect_lines "raw-setregid:-1:50000: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'raw-setregid:-1:60000: ok' 'ids: gids=0,60000,60000,60000 groups=0,60000'
}

@test "lock control: without it, raw setregid(-1, 50000) with bit 32 set reads the file" {
	unlocked raw-setregid:-1:50000 $READ ids
	expect_lines 'raw-setregid:-1:50000: ok' "$READ: ok" \
		'ids: gids=0,50000,50000,50000 groups=0,60000'
}

@test "lock: raw setresgid(-1, 50000, -1) with bit 32 set is EPERM; the same to 60000 works" {
	locked raw-setresgid:-1:50000:-1 $READ ids raw-setresgid:-1:60000:-1 ids
	expect_lines "raw-setresgid:-1:50000:-1: $EPERM" "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'raw-setresgid:-1:60000:-1: ok' 'ids: gids=0,60000,0,60000 groups=0,60000'
}

@test "lock control: without it, raw setresgid(-1, 50000, -1) with bit 32 set reads the file" {
	unlocked raw-setresgid:-1:50000:-1 $READ ids
	expect_lines 'raw-setresgid:-1:50000:-1: ok' "$READ: ok" \
		'ids: gids=0,50000,0,50000 groups=0,60000'
}

@test "lock: raw setfsgid(0x1_0000C350) is refused; the same to 60000 works" {
	locked raw-setfsgid:50000 $READ ids raw-setfsgid:60000 ids
	expect_lines 'raw-setfsgid:50000: returned -1' "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'raw-setfsgid:60000: returned 0' 'ids: gids=0,0,0,60000 groups=0,60000'
}

@test "lock control: without it, raw setfsgid(0x1_0000C350) sets 50000 and reads the file" {
	unlocked raw-setfsgid:50000 $READ ids
	expect_lines 'raw-setfsgid:50000: returned 0' "$READ: ok" \
		'ids: gids=0,0,0,50000 groups=0,60000'
}

# --- a user namespace: root maps the allowed gid 0 to 50000, setgid(0) ---

# Where the kernel lets no container make a user namespace (a sysctl, a
# runtime's seccomp profile), there is nothing to show: both tests skip.
userns_or_skip() {
	unlocked userns:50000:/data/only-50000
	if [[ $output == *": unshare: "* ]]; then
		skip "a container here cannot make a user namespace even without the lock (${output##*: })"
	fi
}

@test "lock: no new user namespace, where setgid(0) could be mapped to 50000" {
	userns_or_skip
	locked userns:50000:/data/only-50000
	expect_lines "userns:50000:/data/only-50000: unshare: $EPERM"
}

@test "lock control: without it, setgid(0) in a new user namespace mapped to 50000 reads the file" {
	userns_or_skip
	expect_lines 'userns:50000:/data/only-50000: setgid(0) ok, read ok'
}

# --- joining a user namespace that an unlocked root process made ---

# The container's command (root, through strict-init, locked or not) waits
# for a user namespace that an exec session of the same container (unlocked
# root, as `kubectl exec` runs) makes and maps, its gid 0 to 50000; joins
# it (root holds every capability in a namespace its euid owns), setgid(0)
# there, and reads the file. Its lines in $SG_OUT/joined.
join_from_exec() {
	local lock=()
	[ "$1" = locked ] && lock=(-e STRICT_GROUPS_LOCK=1)
	sg_ctr -d -u $ROOT_USER -c no-dac-override -e STRICT_GROUPS=60000 "${lock[@]}" -- \
		/strict/strict-init sh -c 'gidcall setns-user:/out/ns.pid setgid:0 read:/data/only-50000 >/out/joined 2>&1; touch /out/ns.pid.done; exec sleep 60' ||
		return
	exec_run "$SG_CTR_ID" gidcall userns-hold:50000:/out/ns.pid
	expect_lines 'userns-hold:50000:/out/ns.pid: ok' || return
	output=$(<"$SG_OUT/joined")
}

@test "lock control: without it, the command joins a user namespace an exec session made, and setgid(0) there reads the file" {
	userns_or_skip
	join_from_exec unlocked
	[ "$output" = $'setns-user:/out/ns.pid: ok\nsetgid:0: ok\nread:/data/only-50000: ok' ] ||
		sg_die "joined: $output"
}

@test "lock: no joining a user namespace an exec session made (setns EPERM); the file stays unreadable" {
	userns_or_skip
	join_from_exec locked
	[ "$output" = $'setns-user:/out/ns.pid: Operation not permitted\nsetgid:0: ok\nread:/data/only-50000: Permission denied' ] ||
		sg_die "joined: $output"
}

# --- a root daemon dropping to a gid: only to an allowed one ---

@test "lock: a root daemon cannot drop to gid 1000 unless STRICT_GROUPS allows it" {
	locked setresgid:1000:1000:1000 ids
	expect_lines "setresgid:1000:1000:1000: $EPERM" 'ids: gids=0,0,0,0 groups=0,60000'
	ctr_run -u $ROOT_USER -c no-dac-override -P "--groups=1000,60000" \
		-e STRICT_GROUPS_LOCK=1 -- /strict/strict-init gidcall setresgid:1000:1000:1000 ids
	expect_lines 'setresgid:1000:1000:1000: ok' 'ids: gids=1000,1000,1000,1000 groups=0,60000'
}

# --- the limit of the filter's encoding ---

# gids 60000, 60001, ...: N of them, comma-separated, in $list
gid_list() {
	local i
	list=60000
	for ((i = 1; i < $1; i++)); do list+=,$((60000 + i)); done
}

@test "lock: the longest list it encodes (253 gids + the primary gid = 254) works" {
	local list
	gid_list 253
	ctr_run -u $ROOT_USER -c no-dac-override -P "--groups=$list --lock=1" -- \
		/strict/strict-init gidcall setgid:60252 setgid:50000 ids
	expect_lines 'setgid:60252: ok' "setgid:50000: $EPERM" \
		'ids: gids=60252,60252,60252,60252 groups=0,60000'
}

@test "lock: one gid more than it encodes is refused (77), naming the limit (254)" {
	local list
	gid_list 254
	ctr_run -u $ROOT_USER -c no-dac-override -P "--groups=$list" \
		-e STRICT_GROUPS_LOCK=1 -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*at most 254 allowed gids.* are 255'
	expect_no_file "$SG_OUT/ran"
}

@test "lock: install refuses (64) to seal a lock over more gids than it encodes" {
	local list
	gid_list 254
	ctr_run -u 0:0:0 -- /strict/strict-init install "--groups=$list" --lock=1 /out/strict-init
	expect_status 64
	expect_stderr 'strict-init: STRICT_GROUPS_LOCK=1 encodes at most 254 allowed gids, and STRICT_GROUPS has 254 plus the primary gid'
	expect_no_file "$SG_OUT/strict-init"
}

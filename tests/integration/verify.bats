# "Verify, then exec" (docs/design.md): after each call whose effect must
# hold before the command runs, strict-init reads the result back. Here the
# kernel's answer is made a lie: fakesys (fixtures/fakesys.c) installs a
# seccomp filter under which one call returns 0 without doing anything,
# then execs strict-init. Each case first shows the fake at work (the
# same call made by fakesys itself answers ok and changes nothing), then
# that strict-init under it exits 71 with one line and the command (touch
# /out/ran) does not run. The controls: without the fake the same starts
# run the command.
#
# fakesys needs CAP_SYS_ADMIN to install its filter without no_new_privs
# (itself one of the answers faked, and it would stop the file capability):
# the containers start as root with containerd's capabilities plus
# CAP_SYS_ADMIN, and fakesys --ids becomes alice where a case needs a
# non-root start.
load lib

setup_file() {
	sg_require_prereqs
	if [ ! -x "$SG_IT_DIR/rootfs/bin/fakesys" ]; then
		musl-gcc -static -Os -Wall -Wextra -Werror -idirafter "$SG_REPO/build/kernel-headers" \
			-o "$SG_IT_DIR/fakesys" "$SG_FIXTURES/fakesys.c" &&
			install -m 0755 "$SG_IT_DIR/fakesys" "$SG_IT_DIR/rootfs/bin/fakesys"
	fi
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

ADMIN_CAPS=$(IFS=,; echo "${SG_DEFAULT_CAPS[*]},CAP_SYS_ADMIN")
# containerd's capability set plus CAP_SYS_ADMIN (bit 21)
ADMIN_MASK=00000000a82425fb
# alice as a CRI starts her (the image's 50000 merged in), and with only
# the pod's groups
ALICE_MERGED=1000,1000,1000:1000,1000,1000:1000,50000,60000
ALICE_STRICT=1000,1000,1000:1000,1000,1000:1000,60000
SWITCH_SEAL="--groups=60000 --user=1000:1000"

# as_alice [-e NAME=VALUE]... IDS FAKESYS-ARG...: a root start with
# CAP_SYS_ADMIN (and these variables); fakesys takes alice's ids IDS,
# installs the fakes and runs the rest
as_alice() {
	local env=() ids
	while [ "$1" = -e ]; do
		env+=(-e "$2")
		shift 2
	done
	ids=$1
	shift
	ctr_run -u 0:0:0 -c "$ADMIN_CAPS" "${env[@]}" -- fakesys "--ids=$ids" "$@"
}

# as_root FAKESYS-ARG...: root (groups 0,50000,60000) with CAP_SYS_ADMIN,
# /strict sealed with a switch to 1000:1000
as_root() {
	ctr_run -u 0:0:0,50000,60000 -c "$ADMIN_CAPS" -P "$SWITCH_SEAL" -- fakesys "$@"
}

# The verdict of every faked case: 71, one line, the command never ran.
expect_not_verified() {
	expect_status 71 || return
	expect_one_strict_line || return
	expect_stderr "strict-init: $1" || return
	expect_stdout '' || return
	expect_no_file "$SG_OUT/ran"
}

SWITCH_WRONG='switched to 1000:1000 but ids, groups or capabilities are not as set; not running the command'

# faked AS FAKE TRY STATUS-LINE: under FAKE, fakesys's own TRY answers ok
# and the status line shows nothing changed; then strict-init under the
# same fake. AS: as_root, or as_alice with its arguments.
faked() {
	local fake=$1 try=$2 line=$3
	shift 3
	"$@" "--fake=$fake" "--try=$try" -- true
	expect_status 0 || return
	expect_stdout "$try: ok; $line" || return
	"$@" "--fake=$fake" -- /strict/strict-init touch /out/ran
}

# --- the groups after a drop: getgroups must give exactly the target ---

@test "verify: setgroups answers 0 but changes nothing: the drop is not trusted (71)" {
	faked setgroups=0 setgroups:1000,60000 'Groups: 1000 50000 60000' as_alice $ALICE_MERGED
	expect_not_verified 'setgroups succeeded but getgroups shows other groups; not running the command'
}

# --- a user switch: every id, the groups, every capability set ---

@test "verify: a user switch whose setgroups changes nothing is not trusted (71)" {
	faked setgroups=0 setgroups:1000,60000 'Groups: 0 50000 60000' as_root
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose setresgid changes nothing is not trusted (71)" {
	faked setresgid=0 setresgid:1000,1000,1000 'Gid: 0 0 0 0' as_root
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose setresuid changes nothing is not trusted (71)" {
	faked setresuid=0 setresuid:1000,1000,1000 'Uid: 0 0 0 0' as_root
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose capset changes nothing (permitted set kept) is not trusted (71)" {
	faked capset=0 capset-empty "CapPrm: $ADMIN_MASK" as_root
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose bounding-set drops change nothing is not trusted (71)" {
	faked prctl:PR_CAPBSET_DROP=0 bset-drop:0 "CapBnd: $ADMIN_MASK" as_root
	expect_not_verified "$SWITCH_WRONG"
}

# --- no_new_privs, read back after PR_SET_NO_NEW_PRIVS ---

@test "verify: PR_SET_NO_NEW_PRIVS answers 0 but the flag stays 0: not trusted (71)" {
	faked prctl:PR_SET_NO_NEW_PRIVS=0 nnp 'NoNewPrivs: 0' as_alice $ALICE_STRICT
	expect_not_verified 'no_new_privs reads back 0; not running the command'
}

# --- the lock: the seccomp mode read back after PR_SET_SECCOMP ---

@test "verify: PR_GET_SECCOMP says no filter after the lock went on: not trusted (71)" {
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_GET_SECCOMP=0 --try=get-seccomp -- true
	expect_status 0
	expect_stdout 'get-seccomp: returned 0; Seccomp: 2'
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_GET_SECCOMP=0 -- \
		/strict/strict-init touch /out/ran
	expect_not_verified "the lock's filter is not in force after it was installed; not running the command"
}

# Under another filter (fakesys's here; a runtime's default profile in real
# life) the mode reads 2 before the lock: only the count of filters shows
# whether the lock's own went on.
@test "verify: PR_SET_SECCOMP answers 0 but installs nothing, under another filter: not trusted (71)" {
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_SET_SECCOMP=0 --try=get-seccomp -- true
	expect_status 0
	expect_stdout 'get-seccomp: returned 2; Seccomp: 2'
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_SET_SECCOMP=0 -- \
		/strict/strict-init touch /out/ran
	expect_not_verified "the lock's filter is not in force after it was installed; not running the command"
}

# --- the controls: the same starts without a fake ---

@test "verify control: without a fake, alice's start through fakesys drops 50000, sets no_new_privs, locks" {
	as_alice $ALICE_MERGED -- /strict/strict-init sh -c 'id; grep NoNewPrivs /proc/self/status'
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000
NoNewPrivs:	1'
	expect_stderr 'strict-init: dropped groups 50000'
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT -- /strict/strict-init sh -c 'probe 1000 60000; touch /out/ran'
	expect_status 0
	expect_stdout 'setgroups: Operation not permitted
uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
	[ -e "$SG_OUT/ran" ] || sg_show_run "the locked command did not run"
}

@test "verify control: with a fake that the switch does not meet, the same root start switches and runs the command" {
	# the filter is there (Seccomp 2), no_new_privs is not, and PR_GET_SECCOMP
	# is a call a switch without the lock never makes
	as_root --fake=prctl:PR_GET_SECCOMP=0 -- /strict/strict-init \
		sh -c 'id; exec grep -E "^(CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000
CapPrm:	0000000000000000
CapBnd:	0000000000000000
NoNewPrivs:	1
Seccomp:	2'
	expect_stderr 'strict-init: dropped groups 0,50000'
}

# --- refusal: real, effective and saved ids that differ, each id read ---

# After an exec the saved ids equal the effective ones: what a command
# started by a setuid or setgid binary can hand strict-init is a real id
# that differs from the other two. Each case first shows the ids (probe,
# not busybox: busybox drops a real/effective difference itself).

# ids_refused IDS PROBE-LINE IDS-IN-MESSAGE
ids_refused() {
	as_alice "$1" -- probe
	expect_status 0 || return
	expect_stdout "$2" || return
	as_alice "$1" -- /strict/strict-init touch /out/ran
	expect_status 77 || return
	expect_one_strict_line || return
	expect_stderr_match "^strict-init: refusing.*ids differ \\($3\\)" || return
	expect_no_file "$SG_OUT/ran"
}

@test "refuse: a real uid other than the effective and saved uid (after a setuid-root binary): 77" {
	ids_refused 1000,0,0:1000,1000,1000:1000,50000,60000 \
		'uid=1000 euid=0 gid=1000 egid=1000 groups=1000,50000,60000' 'uid 1000/0/0, gid 1000/1000/1000'
}

@test "refuse: a real gid other than the effective and saved gid (after a setgid-50000 binary): 77" {
	ids_refused 1000,1000,1000:1000,50000,50000:1000,50000,60000 \
		'uid=1000 euid=1000 gid=1000 egid=50000 groups=1000,50000,60000' 'uid 1000/1000/1000, gid 1000/50000/50000'
}

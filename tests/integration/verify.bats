# "Verify, then exec" (docs/design.md): after each call whose effect must
# hold before the command runs, strict-init reads the result back. Here the
# kernel's answer is made a lie: fakesys (fixtures/fakesys.c) installs a
# seccomp filter under which one call returns 0 without doing anything,
# then execs strict-init. For each check: the command (touch /out/ran)
# does not run, strict-init exits 71 with one line; and a control: under
# the same fake a plain call "succeeds" and nothing changes, and without
# the fake the same start runs the command.
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

# --- the groups after a drop: getgroups must give exactly the target ---

@test "verify: setgroups answers 0 but changes nothing: the drop is not trusted (71)" {
	as_alice $ALICE_MERGED --fake=setgroups=0 -- /strict/strict-init touch /out/ran
	expect_not_verified 'setgroups succeeded but getgroups shows other groups; not running the command'
}

@test "verify control: under that fake setgroups answers ok and the groups stay; without it the same start drops 50000" {
	as_alice $ALICE_MERGED --fake=setgroups=0 --try=setgroups:1000,60000 -- true
	expect_status 0
	expect_stdout 'setgroups:1000,60000: ok; Groups: 1000 50000 60000'
	as_alice $ALICE_MERGED -- /strict/strict-init id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

# --- a user switch: every id, the groups, every capability set ---

@test "verify: a user switch whose setgroups changes nothing is not trusted (71)" {
	as_root --fake=setgroups=0 -- /strict/strict-init touch /out/ran
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose setresgid changes nothing is not trusted (71)" {
	as_root --fake=setresgid=0 -- /strict/strict-init touch /out/ran
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose setresuid changes nothing is not trusted (71)" {
	as_root --fake=setresuid=0 -- /strict/strict-init touch /out/ran
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose capset changes nothing (permitted set kept) is not trusted (71)" {
	as_root --fake=capset=0 -- /strict/strict-init touch /out/ran
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify: a user switch whose bounding-set drops change nothing is not trusted (71)" {
	as_root --fake=prctl:PR_CAPBSET_DROP=0 -- /strict/strict-init touch /out/ran
	expect_not_verified "$SWITCH_WRONG"
}

@test "verify control: under each fake the call answers ok and changes nothing" {
	as_root --fake=setgroups=0 --try=setgroups:1000,60000 --fake=setresgid=0 \
		--try=setresgid:1000,1000,1000 --fake=setresuid=0 --try=setresuid:1000,1000,1000 \
		--fake=capset=0 --try=capset-empty --fake=prctl:PR_CAPBSET_DROP=0 --try=bset-drop:0 -- true
	expect_status 0
	expect_stdout "setgroups:1000,60000: ok; Groups: 0 50000 60000
setresgid:1000,1000,1000: ok; Gid: 0 0 0 0
setresuid:1000,1000,1000: ok; Uid: 0 0 0 0
capset-empty: ok; CapPrm: $ADMIN_MASK
bset-drop:0: ok; CapBnd: $ADMIN_MASK"
}

@test "verify control: with a fake that the switch does not meet, the same start switches and runs the command" {
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

# --- no_new_privs, read back after PR_SET_NO_NEW_PRIVS ---

@test "verify: PR_SET_NO_NEW_PRIVS answers 0 but the flag stays 0: not trusted (71)" {
	as_alice $ALICE_STRICT --fake=prctl:PR_SET_NO_NEW_PRIVS=0 -- /strict/strict-init touch /out/ran
	expect_not_verified 'no_new_privs reads back 0; not running the command'
}

@test "verify control: under that fake PR_SET_NO_NEW_PRIVS answers ok and the flag stays 0; without it the command gets 1" {
	as_alice $ALICE_STRICT --fake=prctl:PR_SET_NO_NEW_PRIVS=0 --try=nnp -- true
	expect_status 0
	expect_stdout 'nnp: ok; NoNewPrivs: 0'
	as_alice $ALICE_STRICT -- /strict/strict-init grep NoNewPrivs /proc/self/status
	expect_status 0
	expect_stdout 'NoNewPrivs:	1'
}

# --- the lock: the seccomp mode read back after PR_SET_SECCOMP ---

@test "verify: PR_GET_SECCOMP says no filter after the lock went on: not trusted (71)" {
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_GET_SECCOMP=0 -- /strict/strict-init touch /out/ran
	expect_not_verified 'seccomp mode is not filter after the lock; not running the command'
}

@test "verify control: under that fake PR_GET_SECCOMP answers 0 while the filter is on; without it the locked command runs" {
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT --fake=prctl:PR_GET_SECCOMP=0 --try=get-seccomp -- true
	expect_status 0
	expect_stdout 'get-seccomp: returned 0; Seccomp: 2'
	as_alice -e STRICT_GROUPS_LOCK=1 $ALICE_STRICT -- /strict/strict-init sh -c 'probe 1000 60000; touch /out/ran'
	expect_status 0
	expect_stdout 'setgroups: Operation not permitted
uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
	[ -e "$SG_OUT/ran" ] || sg_show_run "the locked command did not run"
}

# --- refusal: real, effective and saved ids that differ, each id read ---

# After an exec the saved ids equal the effective ones: what a command
# started by a setuid or setgid binary can hand strict-init is a real id
# that differs from the other two.
@test "refuse: a real uid other than the effective and saved uid (after a setuid-root binary): 77" {
	as_alice 1000,0,0:1000,1000,1000:1000,50000,60000 -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*ids differ \(uid 1000/0/0, gid 1000/1000/1000\)'
	expect_no_file "$SG_OUT/ran"
}

@test "refuse: a real gid other than the effective and saved gid (after a setgid-50000 binary): 77" {
	as_alice 1000,1000,1000:1000,50000,50000:1000,50000,60000 -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*ids differ \(uid 1000/1000/1000, gid 1000/50000/50000\)'
	expect_no_file "$SG_OUT/ran"
}

@test "refuse control: the ids fakesys sets are the ids the next program starts with" {
	# probe, not busybox: busybox drops a real/effective difference itself
	as_alice 1000,0,0:1000,50000,50000:1000,50000,60000 -- probe
	expect_status 0
	expect_stdout 'uid=1000 euid=0 gid=1000 egid=50000 groups=1000,50000,60000'
}

# Removing a group is a privilege too: a file can deny a group what it
# grants to others (mode 0604 owned by the group, or an ACL entry
# group:60000:---), which is why the kernel demands CAP_SETGID even to
# shrink the group list (docs/design.md, "Why a seal"). strict-init carries that
# capability, so whoever runs it must not choose what it removes: the
# sealed policy decides. The attacks come from a `kubectl exec` session
# (runc exec with the container's own process spec, as containerd's CRI
# does) and from a nested run inside a container whose entrypoint ran with
# no_new_privs off or in audit mode.
load lib

setup_file() {
	local root
	sg_require_prereqs
	root=$SG_IT_DIR/rootfs
	sg_gidcall_fixtures
	install -d -m 0755 "$root/deny"
	# others may read, group 60000 may not
	printf 'DENIED-TO-60000 by mode\n' >"$root/deny/mode"
	chown 0:60000 "$root/deny/mode" && chmod 0604 "$root/deny/mode"
	printf 'DENIED-TO-60000 by ACL\n' >"$root/deny/acl"
	chmod 0644 "$root/deny/acl"
	setfacl -m g:60000:--- "$root/deny/acl"
	# The control's tool: a program with the same power as strict-init
	# (cap_setgid, effective) that takes its list from its caller.
	install -m 0755 "$SG_IT_DIR/gidcall" "$root/bin/gidcall-capable"
	setcap cap_setgid=ep "$root/bin/gidcall-capable"
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# The app container as deploy/pod.yaml configures it (drop ALL, add
# SETGID, allowPrivilegeEscalation: false), running with the pod's merged
# groups 1000,50000,60000; an exec session into it is left in SG_CTR_ID.
pod_yaml_container() {
	sg_ctr -d -c CAP_SETGID -n true "$@" -- sleep 600 ||
		sg_die "cannot start the container"
}

expect_denied_read() { # FILE: the command ran and could not read it
	[[ $output != *DENIED-TO-60000* ]] || sg_show_run "the file was read" || return
	expect_stderr_match "$1'?: Permission denied"
}

# One function per case, run for both files (mode and acl).

control_capable_tool_reads() {
	pod_yaml_container
	exec_run "$SG_CTR_ID" gidcall-capable setgroups:1000 read:/deny/$1
	expect_status 0
	expect_stdout "setgroups:1000: ok
read:/deny/$1: ok"
}

control_session_cannot_read() {
	pod_yaml_container
	exec_run "$SG_CTR_ID" cat /deny/$1
	expect_status 1
	expect_denied_read /deny/$1
}

session_groups_option_refused() {
	pod_yaml_container
	exec_run "$SG_CTR_ID" /strict/strict-init --groups= -- cat /deny/$1
	expect_status 77
	expect_stdout ''
	expect_stderr 'strict-init: --groups= contradicts the sealed policy (STRICT_GROUPS=60000)'
}

session_groups_variable_refused() {
	pod_yaml_container
	exec_run "$SG_CTR_ID" env STRICT_GROUPS=1000 /strict/strict-init cat /deny/$1
	expect_status 77
	expect_stdout ''
	expect_stderr 'strict-init: STRICT_GROUPS=1000 contradicts the sealed policy (STRICT_GROUPS=60000)'
}

session_sealed_policy_keeps_60000() {
	pod_yaml_container
	exec_run "$SG_CTR_ID" /strict/strict-init -- cat /deny/$1
	expect_status 1
	expect_denied_read /deny/$1
	expect_stderr_match '^strict-init: dropped groups 50000'
}

nested_without_nnp_refused() {
	ctr_run -P '--groups=60000 --no-new-privs=0' -- /strict/strict-init \
		sh -c "/strict/strict-init --groups= -- cat /deny/$1; echo rc=\$?"
	expect_status 0
	expect_stdout 'rc=77'
	expect_stderr_match 'contradicts the sealed policy \(STRICT_GROUPS=60000\)'
}

nested_in_audit_refused() {
	ctr_run -P '--groups=60000 --mode=audit' -- /strict/strict-init \
		sh -c "/strict/strict-init --groups= -- cat /deny/$1; echo rc=\$?
			/strict/strict-init -- cat /deny/$1; echo rc=\$?"
	expect_status 0
	expect_stdout $'rc=77\nrc=1'
	expect_denied_read /deny/$1
}

@test "negative (mode 0604): control: in an exec session a capable tool that takes its list from its caller reads the file" { control_capable_tool_reads mode; }
@test "negative (ACL g:60000:---): control: in an exec session a capable tool that takes its list from its caller reads the file" { control_capable_tool_reads acl; }
@test "negative (mode 0604): control: without dropping 60000 the session cannot read it" { control_session_cannot_read mode; }
@test "negative (ACL g:60000:---): control: without dropping 60000 the session cannot read it" { control_session_cannot_read acl; }
@test "negative (mode 0604): in an exec session strict-init --groups= is refused (77), naming both lists" { session_groups_option_refused mode; }
@test "negative (ACL g:60000:---): in an exec session strict-init --groups= is refused (77), naming both lists" { session_groups_option_refused acl; }
@test "negative (mode 0604): in an exec session STRICT_GROUPS=1000 in the environment is refused (77)" { session_groups_variable_refused mode; }
@test "negative (ACL g:60000:---): in an exec session STRICT_GROUPS=1000 in the environment is refused (77)" { session_groups_variable_refused acl; }
@test "negative (mode 0604): in an exec session the sealed policy keeps 60000: the file stays unreadable" { session_sealed_policy_keeps_60000 mode; }
@test "negative (ACL g:60000:---): in an exec session the sealed policy keeps 60000: the file stays unreadable" { session_sealed_policy_keeps_60000 acl; }
@test "negative (mode 0604): nested in an entrypoint sealed with --no-new-privs=0, --groups= is refused (77)" { nested_without_nnp_refused mode; }
@test "negative (ACL g:60000:---): nested in an entrypoint sealed with --no-new-privs=0, --groups= is refused (77)" { nested_without_nnp_refused acl; }
@test "negative (mode 0604): nested in audit mode, --groups= is refused and the file stays unreadable" { nested_in_audit_refused mode; }
@test "negative (ACL g:60000:---): nested in audit mode, --groups= is refused and the file stays unreadable" { nested_in_audit_refused acl; }

@test "negative: control: nested in an entrypoint without no_new_privs (sealed --no-new-privs=0, or audit), a capable tool reads the file" {
	for seal in '--groups=60000 --no-new-privs=0' '--groups=60000 --mode=audit'; do
		ctr_run -P "$seal" -- /strict/strict-init gidcall-capable setgroups:1000 read:/deny/mode
		expect_status 0 || return
		expect_stdout $'setgroups:1000: ok\nread:/deny/mode: ok' || return
	done
}

@test "negative: a copy without a seal, with the file capability, drops nothing for an exec session" {
	pod_yaml_container -s "$SG_IT_DIR/strict-unsealed"
	exec_run "$SG_CTR_ID" /strict/strict-init --groups= -- cat /deny/mode
	expect_status 77
	expect_stderr_match 'no sealed policy'
	[[ $output != *DENIED-TO-60000* ]] || sg_show_run "the file was read"
}

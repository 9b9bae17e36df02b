# Exec transparency: after the drop, COMMAND is what the container runs,
# with its PID, argv, environment, cwd and exit status.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# Every run below drops 50000 first, so the exec path after a drop is tested.
si() {
	ctr_run -e STRICT_GROUPS=60000 "$@"
}

@test "exec: the command is PID 1" {
	si -- /strict/strict-init sh -c 'echo $$; exec cut -d" " -f1,2 /proc/self/stat'
	expect_status 0
	expect_stdout '1
1 (cut)'
}

@test "exec: argv with spaces, empty strings, quotes, newlines and option look-alikes passes through exactly" {
	si -- /strict/strict-init /bin/sh -c 'for a; do printf "[%s]\n" "$a"; done' sh \
		'a b' '' '  lead' 'trail  ' '' "it's" '"q"' 'new
line' '--groups=50000' '--' '-x' '*'
	expect_status 0
	expect_stdout '[a b]
[]
[  lead]
[trail  ]
[]
[it'"'"'s]
["q"]
[new
line]
[--groups=50000]
[--]
[-x]
[*]'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "exec: '--' ends strict-init's options and a COMMAND named like an option runs" {
	si -- /strict/strict-init -- /bin/echo --mode=audit -- x
	expect_status 0
	expect_stdout '--mode=audit -- x'
}

@test "exec: the environment passes through unchanged (compared with a run without strict-init)" {
	local envs=(-e 'SPACED=a b  c' -e 'EMPTY=' -e 'LD_PRELOAD=/nonexistent.so'
		-e 'LD_LIBRARY_PATH=/opt/lib' -e 'TMPDIR=/var/tmp' -e 'GCONV_PATH=/x'
		-e 'WEIRD=x=y=z')
	si "${envs[@]}" -- env
	expect_status 0
	local direct=$output
	si "${envs[@]}" -- /strict/strict-init env
	expect_status 0
	expect_stdout "$direct"
	[[ $output == *'SPACED=a b  c'* && $output == *'LD_PRELOAD=/nonexistent.so'* ]] ||
		sg_show_run "expected SPACED and LD_PRELOAD in the environment"
}

@test "exec: the working directory (process.cwd) is kept" {
	si -w '/work/dir with space' -- /strict/strict-init pwd
	expect_status 0
	expect_stdout '/work/dir with space'
}

@test "exec: the command's exit status passes through (0, 1, 42, 255)" {
	local code
	for code in 0 1 42 255; do
		si -- /strict/strict-init sh -c "exit $code"
		expect_status "$code"
		expect_stderr 'strict-init: dropped groups 50000'
	done
}

@test "exec: a file that is not executable -> 126 with a message" {
	si -- /strict/strict-init /bin/not-executable
	expect_status 126
	expect_strict_lines 2
	expect_stderr_match "cannot execute '/bin/not-executable'"
	expect_stdout ''
}

@test "exec: an executable file in no known format (no shebang) -> 126" {
	si -- /strict/strict-init /bin/garbage
	expect_status 126
	expect_strict_lines 2
	expect_stderr_match "cannot execute '/bin/garbage'"
}

@test "exec: a directory as COMMAND -> 126" {
	si -- /strict/strict-init /bin
	expect_status 126
	expect_strict_lines 2
}

@test "exec: a missing command -> 127 with a message" {
	si -- /strict/strict-init no-such-command
	expect_status 127
	expect_strict_lines 2
	expect_stderr_match "cannot execute 'no-such-command'"
	expect_stdout ''
}

@test "exec: a missing path -> 127" {
	si -- /strict/strict-init /no/such/dir/cmd
	expect_status 127
	expect_strict_lines 2
}

@test "exec: a bare name is looked up in the container's PATH" {
	si -e PATH=/nonexistent:/bin -- /strict/strict-init probe
	expect_status 0
	expect_stdout 'uid=1000 euid=1000 gid=1000 egid=1000 groups=1000,60000'
}

@test "exec: a bare name not in PATH -> 127" {
	si -e PATH=/nonexistent:/tmp -- /strict/strict-init probe
	expect_status 127
	expect_strict_lines 2
}

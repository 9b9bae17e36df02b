# The bug reproduced, and the harness itself.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

@test "harness: without strict-init the image's group 50000 is held (the bug, #112879, that every drop test starts from)" {
	ctr_run -- id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed),60000'
	expect_stderr ''
}

@test "harness: the image's probes are setuid-root (4755) and setgid-50000 (2755)" {
	[ "$(stat -c '%a %u %g' "$SG_IT_DIR/rootfs/bin/probe-suid")" = '4755 0 0' ]
	[ "$(stat -c '%a %u %g' "$SG_IT_DIR/rootfs/bin/probe-sgid")" = '2755 0 50000' ]
}

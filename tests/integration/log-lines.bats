# Every message of strict-init is one line starting "strict-init: ", even
# when it quotes hostile input: a newline in argv must not forge a second
# "strict-init: ..." line in the container's log.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

FORGED=$'x\nstrict-init: dropped groups 50000'

@test "log: an unknown option carrying a newline is reported on one line (64)" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init "--$FORGED" id
	expect_status 64
	expect_one_strict_line
	expect_stderr "strict-init: unknown option '--x?strict-init: dropped groups 50000'"
}

@test "log: a missing command whose name carries a newline is reported on one line (127)" {
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init "/bin/$FORGED"
	expect_status 127
	# the drop line, then the exec error: two lines, neither forged
	expect_strict_lines 2
	expect_stderr "strict-init: dropped groups 50000
strict-init: cannot execute '/bin/x?strict-init: dropped groups 50000': No such file or directory"
}

@test "log: a preload path carrying a newline is refused on one line (64)" {
	ctr_run -e STRICT_GROUPS=60000 -e "STRICT_GROUPS_PRELOAD=/strict/$FORGED" -- \
		/strict/strict-init touch /out/ran
	expect_status 64
	expect_one_strict_line
	expect_no_file "$SG_OUT/ran"
}

# Builds the fixtures once for the whole suite (bats >= 1.5 runs this file
# before any .bats file of this directory). A missing prerequisite fails
# here and again in every test's setup: never a silent skip.
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

setup_suite() {
	sg_require_prereqs
	mkdir -p "$SG_REPO/build"
	# Under build/, not /tmp: /tmp may be mounted nosuid, and the suite
	# needs file capabilities and setuid bits to work.
	SG_IT_DIR=$(mktemp -d "$SG_REPO/build/sg-it-XXXXXX")
	export SG_IT_DIR
	# a second uid on the host (install.bats) reaches the tests' folders
	chmod 0711 "$SG_IT_DIR"
	if findmnt -n -o OPTIONS -T "$SG_IT_DIR" | grep -qw nosuid; then
		sg_die "$SG_IT_DIR is on a nosuid mount"
		return 1
	fi
	sg_fixtures_build "$SG_IT_DIR"
}

teardown_suite() {
	[ -n "${SG_IT_DIR:-}" ] || return 0
	sg_containers_cleanup
	rm -rf "$SG_IT_DIR"
}

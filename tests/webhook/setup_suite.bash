# Suite set-up for `bats --tap tests/webhook`: the tools, the node modules
# (npm ci from package-lock.json) and one test CA with a server certificate.
# Every instance of the webhook is started by the test file that uses it and
# stopped in its teardown_file.

setup_suite() {
    load lib
    local tool
    for tool in openssl curl jq node npm; do
        command -v "$tool" >/dev/null || { echo "tests/webhook needs $tool" >&2; return 1; }
    done
    [ -x "$WH_BIN" ] || { echo "$WH_BIN missing: run make webhook" >&2; return 1; }
    local dir=$WH_REPO/tests/webhook
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
        [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
    fi
    export WH_CERTS=$BATS_RUN_TMPDIR/certs
    mkdir -p "$WH_CERTS"
    wh_cert "$WH_CERTS" server
}

# Suite set-up for `bats --tap tests/registry` (from the repository root,
# after `make registry-e2e-deps`): a test CA, a token service and two blob
# stores (Node.js, ./tools), four Distribution registries on 127.0.0.1,
# images built offline and pushed with skopeo, some of them then tampered
# with in the registry's storage. teardown_suite stops and removes all of
# it, also after a failure. No root needed; nothing is skipped: a missing
# tool or a server that cannot start fails the suite.
#
#   basic   TLS, htpasswd (Basic), blobs redirected (307) to an HTTPS store
#   token   TLS, Bearer tokens from the token service (anonymous pull of public/*)
#   plain   plain HTTP, anonymous, blobs redirected to a plain-HTTP store
#   outage  TLS, anonymous: the suite stops it mid-way

setup_suite() {
    load lib/registry
    reg_require || return 1
    export REG_ROOT
    REG_ROOT=$(mktemp -d "$REPO_ROOT/build/registry-e2e.XXXXXX") || return 1
    echo "$REG_ROOT" > "$BATS_RUN_TMPDIR/reg-root"
    # The suite's own servers are on 127.0.0.1: no proxy in between.
    export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

    reg_make_pki || return 1
    node "$REG_TOOLS/htpasswd.js" "$REG_USER:$REG_PASSWORD" > "$REG_ROOT/htpasswd" || return 1
    printf '{"%s":"%s"}\n' "$REG_USER" "$REG_PASSWORD" > "$REG_ROOT/users.json"

    local pki=$REG_ROOT/pki
    reg_node token token-server.js --cert "$pki/server.crt" --key "$pki/server.key" \
        --sign-key "$pki/signer.key" --sign-cert "$pki/signer.crt" \
        --issuer strict-groups-e2e-token-service --service registry.e2e.test \
        --users "$REG_ROOT/users.json" --log "$REG_ROOT/token.log" || return 1
    mkdir -p "$REG_ROOT/basic/storage" "$REG_ROOT/plain/storage"
    reg_node blobs-https blob-server.js --root "$REG_ROOT/basic/storage" \
        --cert "$pki/server.crt" --key "$pki/server.key" --log "$REG_ROOT/blobs-https.log" || return 1
    reg_node blobs-http blob-server.js --root "$REG_ROOT/plain/storage" \
        --log "$REG_ROOT/blobs-http.log" || return 1
    : > "$REG_ROOT/token.log" "$REG_ROOT/blobs-https.log" "$REG_ROOT/blobs-http.log"

    local name auth tls redirect
    for name in basic token plain outage; do
        case $name in
            basic) auth=htpasswd tls=1 redirect=https://127.0.0.1:$(cat "$REG_ROOT/blobs-https.port")/ ;;
            token) auth=token tls=1 redirect= ;;
            plain) auth=none tls=0 redirect=http://127.0.0.1:$(cat "$REG_ROOT/blobs-http.port")/ ;;
            outage) auth=none tls=1 redirect= ;;
        esac
        reg_config "$name" "$(reg_free_port)" "$auth" "$tls" "$redirect" || return 1
        reg_start "$name" || return 1
    done

    reg_build_images || return 1
    reg_push_images || return 1
    reg_write_configs
    reg_log "registries: basic $(reg_addr basic), token $(reg_addr token), plain $(reg_addr plain), outage $(reg_addr outage)"
}

# The images, as OCI layouts under $REG_ROOT/layout; each image's salt
# makes its blobs its own (the tampered ones share nothing).
reg_build_images() {
    local l=$REG_ROOT/layout d a b at
    "$MKLAYOUT" init "$l" || return 1
    image() { "$MKLAYOUT" image "$l" "$@"; }
    digest() { jq -r .digest <<<"$1"; }

    a=$(image linux/amd64 "$REG_EXEC" single) || return 1
    "$MKLAYOUT" tag "$l" single "$a"
    export SINGLE_DIGEST
    SINGLE_DIGEST=$(digest "$a")

    a=$(image linux/amd64 "$REG_EXEC" multi) && b=$(image linux/arm64/v8 "$REG_EXEC" multi) &&
        at=$("$MKLAYOUT" attestation "$l" "$(digest "$a")") &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b" "$at") || return 1
    "$MKLAYOUT" tag "$l" multi "$d"
    export MULTI_DIGEST MULTI_AMD64 MULTI_ARM64 MULTI_ATTEST
    MULTI_DIGEST=$(digest "$d") MULTI_AMD64=$(digest "$a") MULTI_ARM64=$(digest "$b")
    MULTI_ATTEST=$(digest "$at")

    # pushed as a Docker manifest list (skopeo --format v2s2)
    a=$(image linux/amd64 "$REG_EXEC" list) && b=$(image linux/arm64/v8 "$REG_EXEC" list) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" list "$d"

    # the same ENTRYPOINT, another CMD on arm64
    a=$(image linux/amd64 "$REG_EXEC" disagree) &&
        b=$(image linux/arm64/v8 '{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo arm64"],"User":"1000:1000"}' disagree) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" disagree "$d"

    a=$(image linux/amd64 "$REG_EXEC" tamper-config) || return 1
    "$MKLAYOUT" tag "$l" tamper-config "$a"
    export TAMPER_CONFIG
    TAMPER_CONFIG=$(jq -r '.config.digest' "$l/blobs/sha256/$(digest "$a" | cut -d: -f2)")

    a=$(image linux/amd64 "$REG_EXEC" tamper-child) && b=$(image linux/arm64/v8 "$REG_EXEC" tamper-child) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" tamper-child "$d"
    export TAMPER_CHILD
    TAMPER_CHILD=$(digest "$b")

    local t
    for t in conc ttl public private other; do
        a=$(image linux/amd64 "$REG_EXEC" "$t") || return 1
        "$MKLAYOUT" tag "$l" "$t" "$a"
    done
}

# All at once (the images share no blob), each push's status checked.
reg_push_images() {
    local t pids=() pid rc=0
    for t in single multi disagree tamper-config tamper-child conc ttl; do
        reg_push basic "$t" "e2e/$t:1" & pids+=($!)
    done
    reg_push basic list e2e/list:1 --format v2s2 & pids+=($!)
    reg_push token public public/app:1 & pids+=($!)
    reg_push token private private/app:1 & pids+=($!)
    reg_push plain single e2e/single:1 & pids+=($!)
    reg_push outage single e2e/single:1 & pids+=($!)
    reg_push outage other e2e/other:1 & pids+=($!)
    for pid in "${pids[@]}"; do
        wait "$pid" || rc=1
    done
    [ "$rc" = 0 ] || return 1
    export LIST_DIGEST
    LIST_DIGEST=$(reg_raw_digest basic e2e/list:1) || return 1
    # What the registry will serve for these two is not what it was given.
    reg_tamper "$(reg_blob_file basic "$TAMPER_CONFIG")" &&
        reg_tamper "$(reg_blob_file basic "$TAMPER_CHILD")"
}

# Docker config.json files for the driver's --config.
reg_write_configs() {
    local basic token auth wrong
    basic=$(reg_addr basic) token=$(reg_addr token)
    auth=$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)
    wrong=$(printf '%s:%s' "$REG_USER" "not-the-password" | base64 -w0)
    printf '{"auths":{"%s":{"auth":"%s"},"https://%s/v1/":{"username":"%s","password":"%s"}}}\n' \
        "$basic" "$auth" "$token" "$REG_USER" "$REG_PASSWORD" > "$REG_ROOT/config.json"
    printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}\n' \
        "$basic" "$wrong" "$token" "$wrong" > "$REG_ROOT/config-wrong.json"
    export BASIC=$basic TOKEN=$token PLAIN OUTAGE
    PLAIN=$(reg_addr plain) OUTAGE=$(reg_addr outage)
    export BLOBS_HTTP=127.0.0.1:$(cat "$REG_ROOT/blobs-http.port")
}

teardown_suite() {
    load lib/registry
    [ -n "${REG_ROOT:-}" ] || REG_ROOT=$(cat "$BATS_RUN_TMPDIR/reg-root" 2>/dev/null) || true
    [ -n "${REG_ROOT:-}" ] && [ -d "$REG_ROOT" ] || return 0
    reg_stop_all
    if [ -n "${REG_KEEP:-}" ]; then
        echo "registry e2e: REG_KEEP set, leaving $REG_ROOT" >&2
    else
        rm -rf "$REG_ROOT"
    fi
}

#!/usr/bin/env bats
# Containers without a command, as the API server sends them: the webhook
# reads their image's ENTRYPOINT, CMD and USER from a real registry
# (Debian's docker-registry on 127.0.0.1, TLS from a test CA, htpasswd
# Basic auth, credentials from a Docker config.json; tests/registry/lib),
# wraps them, pins them to the digest it read; and what happens when it
# cannot: denied, or admitted unchanged with --on-lookup-failure=skip; a
# registry that hangs delays no other admission; with --registry-allow, an
# image of another registry is refused without a connection to it (a
# listening socket that records every connection shows none). Images built offline
# (mklayout.sh) and pushed with skopeo; digests computed here.

setup_file() {
    load lib
    load ../registry/lib/registry
    local tool
    for tool in docker-registry skopeo openssl; do
        command -v "$tool" >/dev/null ||
            reg_die "$tool not found: run \`make webhook-test-deps\`" || return 1
    done
    [ -f "$REG_TOOLS/node_modules/.package-lock.json" ] ||
        (cd "$REG_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
    export REG_ROOT=$BATS_FILE_TMPDIR/registry NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
    mkdir -p "$REG_ROOT"
    reg_make_pki || return 1
    node "$REG_TOOLS/htpasswd.js" "$REG_USER:$REG_PASSWORD" > "$REG_ROOT/htpasswd" || return 1
    reg_config basic "$(reg_free_port)" htpasswd 1 || return 1
    reg_config stall "$(reg_free_port)" none 1 || return 1
    reg_start basic && reg_start stall || return 1

    local l=$REG_ROOT/layout a b d
    "$MKLAYOUT" init "$l" || return 1
    image() { "$MKLAYOUT" image "$l" "$@"; }
    a=$(image linux/amd64 "$REG_EXEC" single) || return 1
    "$MKLAYOUT" tag "$l" single "$a"
    export SINGLE_DIGEST
    SINGLE_DIGEST=$(jq -r .digest <<<"$a")
    a=$(image linux/amd64 '{"Cmd":["/bin/id","-G"],"User":"1000:2000"}' cmdonly) || return 1
    "$MKLAYOUT" tag "$l" cmdonly "$a"
    a=$(image linux/amd64 '{"User":"1000"}' nothing) || return 1
    "$MKLAYOUT" tag "$l" nothing "$a"
    a=$(image linux/amd64 "$REG_EXEC" disagree) &&
        b=$(image linux/arm64/v8 '{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo arm64"],"User":"1000:1000"}' disagree) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" disagree "$d"
    a=$(image linux/amd64 "$REG_EXEC" tamper) || return 1
    "$MKLAYOUT" tag "$l" tamper "$a"
    local config
    config=$(jq -r '.config.digest' "$l/blobs/sha256/$(jq -r .digest <<<"$a" | cut -d: -f2)")
    a=$(image linux/amd64 "$REG_EXEC" stalled) || return 1
    "$MKLAYOUT" tag "$l" stalled "$a"
    local t pids=() pid rc=0
    for t in single cmdonly nothing disagree tamper; do
        reg_push basic "$t" "e2e/$t:1" & pids+=($!)
    done
    reg_push stall stalled e2e/stalled:1 & pids+=($!)
    reg_push stall stalled e2e/stalled:2 & pids+=($!)
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    [ "$rc" = 0 ] || return 1
    reg_tamper "$(reg_blob_file basic "$config")" || return 1

    export BASIC STALL
    BASIC=$(reg_addr basic) STALL=$(reg_addr stall)
    printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$BASIC" \
        "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" > "$REG_ROOT/config.json"
    # one webhook as deployed (deny), one that skips, one with one worker thread
    local common=(--registry-ca="$REG_ROOT/pki/ca.crt")
    STRICT_GROUPS_WEBHOOK_REGISTRY_CONFIG=$REG_ROOT/config.json wh_start images "${common[@]}" \
        --lookup-timeout=2 || return 1
    export DENY_URL=$WEBHOOK_URL DENY_DIR=$WH_DIR
    wh_start images-skip "${common[@]}" --registry-config="$REG_ROOT/config.json" \
        --on-lookup-failure=skip --lookup-timeout=2 || return 1
    export SKIP_URL=$WEBHOOK_URL SKIP_DIR=$WH_DIR
    wh_start images-one-thread "${common[@]}" --registry-config="$REG_ROOT/config.json" \
        --threads=1 --tag-ttl=3600 --lookup-timeout=4 || return 1
    export ONE_URL=$WEBHOOK_URL
    # --registry-allow: the flag (deny), the variable (skip); the trap is
    # what a pod author would aim at: a port that records each connection
    export TRAP TRAP_LOG=$REG_ROOT/trap.log
    : > "$TRAP_LOG"
    node -e 'const fs = require("fs");
        const s = require("net").createServer((c) => { fs.appendFileSync(process.argv[1], "connection\n"); c.destroy(); });
        s.listen(0, "127.0.0.1", () => fs.writeFileSync(process.argv[2], String(s.address().port)));' \
        "$TRAP_LOG" "$REG_ROOT/trap.port" &
    echo $! >> "$BATS_FILE_TMPDIR/pids"
    for _ in $(seq 100); do [ -s "$REG_ROOT/trap.port" ] && break; sleep 0.05; done
    TRAP=127.0.0.1:$(cat "$REG_ROOT/trap.port") || return 1
    wh_start images-allow "${common[@]}" --registry-config="$REG_ROOT/config.json" \
        --registry-allow="*.registry.example,$BASIC" --registry-allow=docker.io --lookup-timeout=2 ||
        return 1
    export ALLOW_URL=$WEBHOOK_URL ALLOW_DIR=$WH_DIR
    STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=$BASIC wh_start images-allow-skip "${common[@]}" \
        --registry-config="$REG_ROOT/config.json" --on-lookup-failure=skip --lookup-timeout=2 ||
        return 1
    export ALLOW_SKIP_URL=$WEBHOOK_URL ALLOW_SKIP_DIR=$WH_DIR WEBHOOK_CA
}

teardown_file() {
    load lib
    load ../registry/lib/registry
    wh_stop_all
    reg_stop_all
}

setup() {
    load lib
    load ../registry/lib/registry
    export WEBHOOK_URL=$DENY_URL
}

# image_pod IMAGE [JQ]: a pod of one container "web" without command, as
# JSON (runAsUser/runAsGroup 1000, supplementalGroups 60000), changed by JQ.
image_pod() {
    jq -n --arg img "$1" '{apiVersion:"v1",kind:"Pod",metadata:{name:"web"},
        spec:{securityContext:{runAsUser:1000,runAsGroup:1000,supplementalGroups:[60000]},
        containers:[{name:"web",image:$img}]}}' | jq "${2:-.}"
}

# admit [CLIENT ARGS...] < POD: the API server's call (client.mjs review:
# applies the patch, validates, sends the result again); the report in out.json.
admit() {
    wh_client review - "$@" > "$BATS_TEST_TMPDIR/out.json" || return 1
    echo "--- $(jq -c '.response | del(.patch)' "$BATS_TEST_TMPDIR/out.json")"
}
out() { jq -r "$@" "$BATS_TEST_TMPDIR/out.json"; }

# metric URL NAME: a sample's value from /metrics.
metric() {
    curl -s --cacert "$WEBHOOK_CA" "$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}

@test "no command: ENTRYPOINT after --, CMD as args, '\$' escaped for kubelet, pinned to the digest read; sent again unchanged" {
    image_pod "$BASIC/e2e/single:1" | admit
    [ "$(out .response.allowed)" = true ]
    [ "$(out -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","/bin/sh","-c"]' ]
    # the image's CMD is 'echo $HOME $(id -u)': every "$" doubled, which
    # kubelet turns back into one
    [ "$(out -c '.pod.spec.containers[0].args')" = '["echo $$HOME $$(id -u)"]' ]
    [ "$(out '.pod.spec.containers[0].image')" = "$BASIC/e2e/single@$SINGLE_DIGEST" ]
    [ "$(out '.pod.spec.initContainers[0].name')" = strict-groups-install-gid-1000 ]
    # client.mjs sent the result again: no patch, and nothing to look up
    [ "$(out .again.allowed)" = true ]
    [ "$(out .again.patch)" = null ]
}

@test "an update of the image of a container whose command came from its image is denied: recreate the pod" {
    image_pod "$BASIC/e2e/single:1" | admit --update \
        "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"$BASIC/e2e/cmdonly:1\"}]"
    [ "$(out .response.allowed)" = true ]
    [ "$(out -c '.pod.metadata.annotations["strict-groups/injected"] | fromjson | .fromImage')" = '["web"]' ] ||
        { out '.pod.metadata.annotations'; false; }
    [ "$(out .update.allowed)" = false ]
    [[ "$(out .update.status.message)" == *"spec.containers[0].image: container web runs the ENTRYPOINT and CMD the webhook read from its image"*"recreate the pod"* ]]
    # its other fields as an update may change them: allowed
    image_pod "$BASIC/e2e/single:1" | admit --update '[{"op":"add","path":"/spec/activeDeadlineSeconds","value":60}]'
    [ "$(out .update.allowed)" = true ]
}

@test "args set: ENTRYPOINT + the pod's args; CMD only; neither: denied" {
    image_pod "$BASIC/e2e/single:1" '.spec.containers[0].args = ["exec id $(HOME)"]' | admit
    [ "$(out -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","/bin/sh","-c"]' ]
    [ "$(out -c '.pod.spec.containers[0].args')" = '["exec id $(HOME)"]' ]
    image_pod "$BASIC/e2e/cmdonly:1" | admit
    [ "$(out -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--"]' ]
    [ "$(out -c '.pod.spec.containers[0].args')" = '["/bin/id","-G"]' ]
    [ "$(out .again.patch)" = null ]
    image_pod "$BASIC/e2e/nothing:1" | admit
    [ "$(out .response.allowed)" = false ]
    [[ "$(out .response.status.message)" == *"container web sets no command or args and its image has no ENTRYPOINT or CMD: nothing to run"* ]]
}

@test "USER 1000:2000 and no runAsGroup: denied, the image's group does not count on Kubernetes" {
    image_pod "$BASIC/e2e/cmdonly:1" 'del(.spec.securityContext.runAsGroup)' | admit
    [ "$(out .response.allowed)" = false ]
    [[ "$(out .response.status.message)" == *"its image would choose the primary gid (the group in its image's USER does not count"* ]]
}

@test "init containers too, and imagePullPolicy: Always reads the tag again (a HEAD), the content from the cache" {
    local heads
    heads=$(reg_count basic HEAD /v2/e2e/single/manifests/1 200)
    image_pod "$BASIC/e2e/single:1" '.spec.initContainers = [{name:"init",image:.spec.containers[0].image,
        imagePullPolicy:"Always"}] | .spec.containers[0].imagePullPolicy = "Always"' | admit
    [ "$(out -c '[.pod.spec.initContainers[].name]')" = '["strict-groups-install-gid-1000","init"]' ]
    [ "$(out '.pod.spec.initContainers[1].image')" = "$BASIC/e2e/single@$SINGLE_DIGEST" ]
    [ "$(out -c '.pod.spec.initContainers[1].args')" = '["echo $$HOME $$(id -u)"]' ]
    # one image, two containers: one lookup, one HEAD
    [ "$(reg_count basic HEAD /v2/e2e/single/manifests/1 200)" -eq $((heads + 1)) ]
}

@test "a lookup that fails is denied, naming the container, the image and the reason" {
    image_pod "$BASIC/e2e/missing:1" | admit
    [ "$(out .response.allowed)" = false ]
    [ "$(out .response.status.code)" = 403 ]
    [[ "$(out .response.status.message)" == *"container web sets no command, and what its image runs could not be read: image \"$BASIC/e2e/missing:1\""*"not found"* ]] ||
        [[ "$(out .response.status.message)" == *"MANIFEST_UNKNOWN"* ]]
    image_pod "$BASIC/e2e/tamper:1" | admit
    [ "$(out .response.allowed)" = false ]
    [[ "$(out .response.status.message)" == *"does not match"* ]] || [[ "$(out .response.status.message)" == *"digest"* ]]
    # platforms that disagree are the image's, not the lookup's: denied with skip too
    image_pod "$BASIC/e2e/disagree:1" | WEBHOOK_URL=$SKIP_URL admit
    [ "$(out .response.allowed)" = false ]
    [[ "$(out .response.status.message)" == *"platforms do not run the same thing"*"linux/amd64 and linux/arm64 have different CMD"* ]]
}

@test "--on-lookup-failure=skip: admitted unchanged, with a warning, an annotation and a metric" {
    local before
    before=$(metric "$SKIP_URL" strict_groups_webhook_lookup_skipped_total)
    image_pod "$BASIC/e2e/missing:1" '.spec.containers += [{name:"app",image:"x:1",command:["id"]}]' |
        WEBHOOK_URL=$SKIP_URL admit
    [ "$(out .response.allowed)" = true ]
    [[ "$(out '.response.warnings[0]')" == *"container web: image \"$BASIC/e2e/missing:1\""*"the pod is admitted without strict-init (--on-lookup-failure=skip)"* ]]
    [ "$(out -c '.pod.spec.containers | map(.command)')" = '[null,["id"]]' ]
    [ "$(out '.pod.spec.initContainers')" = null ]
    [ "$(out '.pod.metadata.annotations["strict-groups/skipped"]')" = \
        "{\"images\":[\"$BASIC/e2e/missing:1\"],\"reason\":\"image lookup failed\"}" ]
    [ "$(out .again.patch)" = null ]
    [ "$(metric "$SKIP_URL" strict_groups_webhook_lookup_skipped_total)" -eq $((before + 2)) ]
    [ "$(metric "$SKIP_URL" 'strict_groups_webhook_admissions_total{operation="CREATE",mode="enforce",result="skipped"}')" -ge 2 ]
    grep -q 'skipped: an image lookup failed' "$SKIP_DIR/log"
}

# connections: how many reached the trap so far.
connections() { grep -c connection "$TRAP_LOG" || true; }

@test "--registry-allow: an allowed registry's image is wrapped; another's is denied naming it, with no connection to it" {
    image_pod "$BASIC/e2e/single:1" | WEBHOOK_URL=$ALLOW_URL admit
    [ "$(out .response.allowed)" = true ]
    [ "$(out -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","/bin/sh","-c"]' ]
    [ "$(out '.pod.spec.containers[0].image')" = "$BASIC/e2e/single@$SINGLE_DIGEST" ]
    local requests stalled
    requests=$(metric "$ALLOW_URL" strict_groups_webhook_image_registry_requests_total)
    stalled=$(reg_count stall GET /v2/e2e/stalled/manifests/1 200)
    [ "$(connections)" -eq 0 ]
    # a host the pod picks, a registry that exists but is not listed, the
    # name the wildcard does not cover, and a digest (no tag to read)
    local image
    for image in "$TRAP/x:y" "$TRAP/x@$SINGLE_DIGEST" "$STALL/e2e/stalled:1" \
        "registry.example:$(cut -d: -f2 <<<"$TRAP")/x:y"; do
        image_pod "$image" | WEBHOOK_URL=$ALLOW_URL admit
        [ "$(out .response.allowed)" = false ]
        [ "$(out .response.status.code)" = 403 ]
        [[ "$(out .response.status.message)" == *"container web sets no command, and what its image runs could not be read: image \"$image\": its registry ${image%%/*} is not in --registry-allow (not looked up)"* ]]
    done
    # nothing reached the trap, nor the other registry; no request sent
    [ "$(connections)" -eq 0 ]
    [ "$(reg_count stall GET /v2/e2e/stalled/manifests/1 200)" -eq "$stalled" ]
    [ "$(metric "$ALLOW_URL" strict_groups_webhook_image_registry_requests_total)" -eq "$requests" ]
    [ "$(metric "$ALLOW_URL" 'strict_groups_webhook_image_lookups_total{result="not_allowed"}')" -ge 4 ]
    # the trap records: the webhook without --registry-allow connects to it
    image_pod "$TRAP/x:y" | admit
    [ "$(out .response.allowed)" = false ]
    [[ "$(out .response.status.message)" != *"--registry-allow"* ]]
    [ "$(connections)" -ge 1 ]
}

@test "--registry-allow (the variable) with --on-lookup-failure=skip: admitted unchanged, with the annotation; no connection" {
    local before
    before=$(connections)
    image_pod "$BASIC/e2e/cmdonly:1" | WEBHOOK_URL=$ALLOW_SKIP_URL admit
    [ "$(out -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--"]' ]
    image_pod "$TRAP/x:y" | WEBHOOK_URL=$ALLOW_SKIP_URL admit
    [ "$(out .response.allowed)" = true ]
    [[ "$(out '.response.warnings[0]')" == *"container web: image \"$TRAP/x:y\": its registry $TRAP is not in --registry-allow"*"the pod is admitted without strict-init (--on-lookup-failure=skip)"* ]]
    [ "$(out '.pod.spec.containers[0].command')" = null ]
    [ "$(out '.pod.spec.initContainers')" = null ]
    [ "$(out '.pod.metadata.annotations["strict-groups/skipped"]')" = \
        "{\"images\":[\"$TRAP/x:y\"],\"reason\":\"image lookup failed\"}" ]
    [ "$(connections)" -eq "$before" ]
    # the admission and client.mjs's second one of the result
    [ "$(metric "$ALLOW_SKIP_URL" 'strict_groups_webhook_image_lookups_total{result="not_allowed"}')" -eq 2 ]
}

@test "without --registry-allow, one warning line at start that every registry is looked up; with it, none" {
    [ "$(grep -c 'warning: no --registry-allow: the images of containers without command are looked up in whatever registry they name' "$DENY_DIR/log")" -eq 1 ]
    ! grep -q 'registry-allow' "$ALLOW_DIR/log"
    ! grep -q 'registry-allow' "$ALLOW_SKIP_DIR/log"
}

@test "/metrics: lookups by result, cache hits, the registry's latency" {
    local text
    text=$(curl -s --cacert "$WEBHOOK_CA" "$DENY_URL/metrics")
    grep -qE '^strict_groups_webhook_image_lookups_total\{result="ok"\} [1-9]' <<<"$text"
    grep -qE '^strict_groups_webhook_image_lookups_total\{result="not_found"\} [1-9]' <<<"$text"
    grep -qE '^strict_groups_webhook_image_lookups_total\{result="digest_mismatch"\} [1-9]' <<<"$text"
    grep -qE '^strict_groups_webhook_image_cache_hits_total\{kind="(tag|revalidated)"\} [1-9]' <<<"$text"
    grep -qE '^strict_groups_webhook_image_registry_duration_seconds_count [1-9]' <<<"$text"
    grep -qE '^strict_groups_webhook_image_registry_duration_seconds_bucket\{le="\+Inf"\} [1-9]' <<<"$text"
    grep -q '^strict_groups_webhook_admissions_total{operation="CREATE",mode="enforce",result="denied"}' <<<"$text"
}

# posts N URL POD_JSON OUT: N admissions of the pod over one keep-alive
# connection (one curl); each answer's response on a line of OUT, then the
# time the last was answered (ms since epoch) in OUT.done.
posts() {
    local n=$1 url=$2 urls=() i
    for i in $(seq "$n"); do urls+=("$url"); done
    wh_review_of <<<"$3" > "$4.body"
    curl -s --cacert "$WEBHOOK_CA" -H 'Content-Type: application/json' --data-binary @"$4.body" \
        "${urls[@]}" | jq -c .response > "$4"
    date +%s%3N > "$4.done"
}

@test "a registry that hangs: its lookups end at the deadline, denied; meanwhile one worker thread answers every other admission" {
    # warm: a cached image, then the registry stops answering (SIGSTOP:
    # connections accepted, nothing sent back)
    image_pod "$BASIC/e2e/single:1" | WEBHOOK_URL=$ONE_URL admit
    [ "$(out .response.allowed)" = true ]
    reg_signal stall STOP
    local t0 i
    t0=$(date +%s%3N)
    for i in 1 2 3 4; do
        posts 1 "$ONE_URL/mutate?timeout=10s" "$(image_pod "$STALL/e2e/stalled:$((i % 2 + 1))")" \
            "$BATS_TEST_TMPDIR/stalled.$i" &
    done
    sleep 0.5
    # while those four wait (--lookup-timeout=4), the one worker thread
    # answers pods with a command, and pods of the cached image
    posts 20 "$ONE_URL/mutate?timeout=10s" "$(image_pod x:1 '.spec.containers[0].command = ["id"]')" \
        "$BATS_TEST_TMPDIR/command"
    posts 20 "$ONE_URL/mutate?timeout=10s" "$(image_pod "$BASIC/e2e/single:1")" "$BATS_TEST_TMPDIR/cached"
    wait
    reg_signal stall CONT
    local fast first last
    fast=$(cat "$BATS_TEST_TMPDIR/cached.done")
    first=$(cat "$BATS_TEST_TMPDIR"/stalled.*.done | sort -n | head -1)
    last=$(cat "$BATS_TEST_TMPDIR"/stalled.*.done | sort -n | tail -1)
    echo "40 admissions answered after $((fast - t0)) ms; the stalled ones after $((first - t0)) to $((last - t0)) ms"
    [ "$(jq -s 'map(select(.allowed and .patchType == "JSONPatch")) | length' "$BATS_TEST_TMPDIR/command")" = 20 ]
    [ "$(jq -s 'map(select(.allowed and .patchType == "JSONPatch")) | length' "$BATS_TEST_TMPDIR/cached")" = 20 ]
    # every one of them before any stalled lookup ended
    [ "$fast" -lt "$first" ]
    for i in 1 2 3 4; do
        [ "$(jq .allowed "$BATS_TEST_TMPDIR/stalled.$i")" = false ]
        jq -r .status.message "$BATS_TEST_TMPDIR/stalled.$i" | grep -q "deadline"
    done
    # at the deadline, with room for a loaded machine
    [ $((first - t0)) -ge 3800 ] && [ $((last - t0)) -lt 6500 ]
}

@test "the API server's ?timeout= shortens the deadline: 80% of it" {
    reg_signal stall STOP
    local t0 t1
    t0=$(date +%s%3N)
    posts 1 "$DENY_URL/mutate?timeout=1s" "$(image_pod "$STALL/e2e/stalled:1")" "$BATS_TEST_TMPDIR/short"
    t1=$(date +%s%3N)
    reg_signal stall CONT
    echo "answered after $((t1 - t0)) ms"
    [ "$(jq .allowed "$BATS_TEST_TMPDIR/short")" = false ]
    jq -r .status.message "$BATS_TEST_TMPDIR/short" | grep -q "deadline"
    [ $((t1 - t0)) -ge 700 ] && [ $((t1 - t0)) -lt 1800 ]
}

@test "flags of the lookup checked at start: exit 64 with one line naming the problem" {
    local bad
    for bad in --platform=linux --registry-ca=/nonexistent/ca.pem --registry-endpoint=docker.io \
        --on-lookup-failure=maybe --insecure-registry= --lookup-timeout=0 --pin-digest=2 \
        --registry-allow= '--registry-allow=*' --registry-allow=docker.io, --registry-allow=nginx \
        --registry-allow=https://registry.example; do
        run "$WH_BIN" --tls-cert=x --tls-key=y --image=i "$bad"
        echo "$bad: $status $output"
        [ "$status" -eq 64 ]
        [ "${#lines[@]}" -eq 1 ]
    done
    # a list variable: comma-separated, an empty entry refused
    run env STRICT_GROUPS_WEBHOOK_INSECURE_REGISTRY=a:1,,b:2 "$WH_BIN" --tls-cert=x --tls-key=y --image=i
    [ "$status" -eq 64 ]
    [[ "$output" == *"STRICT_GROUPS_WEBHOOK_INSECURE_REGISTRY: empty"* ]]
    run env STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=docker.io,,registry.example "$WH_BIN" --tls-cert=x --tls-key=y --image=i
    [ "$status" -eq 64 ]
    [[ "$output" == *"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW: empty"* ]]
}

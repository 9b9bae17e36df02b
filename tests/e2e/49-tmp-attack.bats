load lib/e2e
load ../webhook/lib
load lib/webhook
setup_file() {
    load lib/e2e; load ../webhook/lib; load lib/webhook
    e2e_webhook_prepare || return 1
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start tmp || return 1
    export WH_DIR WH_PID WEBHOOK_URL WEBHOOK_CA
}
teardown_file() { load ../webhook/lib; wh_stop_all; }

@test "attack: an image VOLUME through the image's own link /v -> /" {
    local d=$BATS_TEST_TMPDIR/volimg
    cp -a "$E2E_ROOT/images/rootfs" "$d"
    ln -s / "$d/v"
    mkdir -p "$d/strict-groups/d/d" "$d/strict-groups/d/d/d/d/d"
    for p in strict-groups strict-groups/d/d strict-groups/d/d/d/d/d; do
        printf '#!/bin/sh\nshift\nexec "$@"\n' > "$d/$p/strict-init-gid-1000"; chmod 755 "$d/$p/strict-init-gid-1000"
    done
    /tmp/mkimage-vol --docker-only --cmd '["id"]' --user 1000 "$d" sg-e2e-vol:1 "$d.tar"
    ctrc images import "$d.tar"
    manifest deploy/pod.yaml | jq '.spec.containers[0].image = "sg-e2e-vol:1"' | admit
    admitted -c '.pod.spec.containers[0].command'
    admitted .pod | EXTRA_IMAGES='{"sg-e2e-vol:1": "docker.io/library/sg-e2e-vol:1"}' run_pod
    pod -c '.containers[0] | {stdout, stderr, exitCode}'
    false
}

#!/usr/bin/env bats
# The README's "Day 2" commands, run as written (bash, jq) against a stand-in
# kubectl (fake-kubectl.mjs) that holds namespaces and pods of each kind the
# commands must tell apart.

setup() {
    load lib
    export FAKE_KUBECTL_STATE=$BATS_TEST_TMPDIR/cluster
    FAKE_BIN=$BATS_TEST_TMPDIR/bin
    mkdir -p "$FAKE_BIN"
    printf '#!/bin/sh\nexec node %s/fake-kubectl.mjs "$@"\n' "$BATS_TEST_DIRNAME" > "$FAKE_BIN/kubectl"
    chmod +x "$FAKE_BIN/kubectl"
    # namespaces: labels as the API server has them
    ns team-a '{"strict-groups/mode":"enforce"}'
    ns team-b '{"strict-groups/mode":"audit"}'
    ns team-c '{}'
    ns team-d '{"strict-groups/mode":"enforce","strict-groups/exempt":"true"}'
    ns team-e '{"strict-groups/mode":"Enforce"}'
    ns kube-system '{"strict-groups/mode":"enforce"}'
    ns strict-groups '{"strict-groups/exempt":"true"}'
    injected_enforce='{"strict-groups/injected":"{\"copies\":{\"gid-1000\":[\"app\"]},\"groups\":\"60000\",\"mode\":\"enforce\",\"version\":\"0.1.0\"}"}'
    injected_audit='{"strict-groups/injected":"{\"copies\":{\"gid-1000\":[\"app\"]},\"groups\":\"60000\",\"mode\":\"audit\",\"version\":\"0.1.0\"}"}'
    # pods: NAMESPACE NAME ANNOTATIONS OWNER INSTALLER-IMAGE
    pod team-a old '{}' '{"kind":"ReplicaSet","name":"web-5d4f"}' ''
    pod team-a new "$injected_enforce" '{"kind":"ReplicaSet","name":"web-7c9b"}' strict-groups:0.1.0
    pod team-a skipped '{"strict-groups/skipped":"{\"images\":[\"x:1\"],\"reason\":\"image lookup failed\"}"}' '' ''
    pod team-b before '{}' '{"kind":"StatefulSet","name":"db"}' ''
    pod team-b audited "$injected_audit" '{"kind":"StatefulSet","name":"db"}' strict-groups:0.1.0
    pod team-b audited-new "$injected_audit" '' registry.example/strict-groups:0.2.0
    pod team-c unserved '{}' '' ''
    pod team-d exempt '{}' '' ''
    pod team-e misspelt '{}' '' ''
    pod kube-system coredns '{}' '{"kind":"ReplicaSet","name":"coredns-1"}' ''
    pod strict-groups strict-groups-webhook-1 '{}' '{"kind":"ReplicaSet","name":"strict-groups-webhook-2"}' ''
}

# ns NAME LABELS
ns() {
    jq -n --arg n "$1" --argjson l "$2" \
        '{apiVersion:"v1",kind:"Namespace",metadata:{name:$n,labels:({"kubernetes.io/metadata.name":$n} + $l)}}' \
        > "$BATS_TEST_TMPDIR/obj.json"
    node "$BATS_TEST_DIRNAME/fake-kubectl.mjs" --load "$BATS_TEST_TMPDIR/obj.json"
}

# pod NAMESPACE NAME ANNOTATIONS OWNER INSTALLER-IMAGE
pod() {
    jq -n --arg ns "$1" --arg n "$2" --argjson a "$3" --arg owner "$4" --arg img "$5" '
        {apiVersion:"v1",kind:"Pod",metadata:({name:$n,namespace:$ns,annotations:$a}
            + (if $owner == "" then {} else {ownerReferences:[$owner | fromjson]} end)),
         spec:({containers:[{name:"app",image:"app:1"}]}
            + (if $img == "" then {} else {initContainers:[{name:"strict-groups-install-gid-1000",image:$img}]} end))}' \
        > "$BATS_TEST_TMPDIR/obj.json"
    node "$BATS_TEST_DIRNAME/fake-kubectl.mjs" --load "$BATS_TEST_TMPDIR/obj.json"
}

# readme_block TITLE: the first ```sh block after the README line starting TITLE
readme_block() {
    awk -v t="$1" 'index($0, t) == 1 { found = 1; next }
        found && /^```sh$/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$WH_REPO/README.md"
}

# run_block TITLE [SUBSTITUTION]: runs it with bash and the stand-in kubectl
run_block() {
    readme_block "$1" > "$BATS_TEST_TMPDIR/block.sh"
    [ -s "$BATS_TEST_TMPDIR/block.sh" ]
    if [ -n "${2:-}" ]; then sed -i "$2" "$BATS_TEST_TMPDIR/block.sh"; fi
    cat "$BATS_TEST_TMPDIR/block.sh"
    run env PATH="$FAKE_BIN:$PATH" bash -eo pipefail "$BATS_TEST_TMPDIR/block.sh"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "README, pods from before the install: exactly the served namespaces' pods without the annotation, with their owners" {
    run_block "*Pods from before the install.*"
    [ "$output" = "$(printf 'team-a\told\tReplicaSet/web-5d4f\nteam-a\tskipped\tPod/-\nteam-b\tbefore\tStatefulSet/db')" ]
}

@test "README, upgrade: the pods whose installer is not the new image; with 'none', every injected pod" {
    run_block "*Upgrade.*" 's|REGISTRY/strict-groups:NEW|registry.example/strict-groups:0.2.0|'
    [ "$output" = "$(printf 'team-a\tnew\nteam-b\taudited')" ]
    run_block "*Upgrade.*" 's|REGISTRY/strict-groups:NEW|none|'
    [ "$output" = "$(printf 'team-a\tnew\nteam-b\taudited\nteam-b\taudited-new')" ]
}

@test "README, audit to enforce: the namespace's pods injected in audit mode" {
    run_block "*Audit to enforce.*" 's|-n team-a|-n team-b|'
    [ "$output" = "$(printf 'audited\naudited-new')" ]
}

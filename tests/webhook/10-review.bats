#!/usr/bin/env bats
# The API server's admission calls over HTTPS, for the pods in deploy/ with
# their manual strict-groups wiring taken out: the answer's JSONPatch applied
# by fast-json-patch (RFC 6902, independent of the webhook), the result
# validated against Kubernetes' OpenAPI schemas (kubernetes-models), sent
# again and unchanged. client.mjs does the API server's part.

setup_file() {
    load lib
    wh_start review
    export WH_DIR WH_PID WEBHOOK_URL WEBHOOK_CA
}

teardown_file() {
    load lib
    wh_stop_all
}

setup() {
    load lib
}

@test "deploy/pod.yaml without its wiring: installer first with the sealed settings, the command wrapped, valid, idempotent" {
    run wh_client review "$WH_REPO/deploy/pod.yaml"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    echo "$output" > "$BATS_TEST_TMPDIR/out.json"
    pod() { jq -c "$1" "$BATS_TEST_TMPDIR/out.json"; }
    [ "$(pod .response.allowed)" = true ]
    [ "$(pod .response.patchType)" = '"JSONPatch"' ]
    [ "$(pod '[.pod.spec.initContainers[].name]')" = '["strict-groups-install-gid-1000"]' ]
    [ "$(pod '.pod.spec.initContainers[0].command')" = '["/strict-init","install","--groups=60000","--mode=enforce","--no-new-privs=1","--gid=1000","/strict-groups/strict-init-gid-1000"]' ]
    [ "$(pod '.pod.spec.initContainers[0].securityContext.capabilities')" = '{"add":["SETFCAP"],"drop":["ALL"]}' ]
    [ "$(pod '.pod.spec.initContainers[0].securityContext.runAsUser')" = 0 ]
    # the app's own command after "--", nothing else changed in it but the mount
    [ "$(pod '.input.spec.containers[0].command')" = '["id"]' ]
    [ "$(pod '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","id"]' ]
    [ "$(pod '.pod.spec.containers[0] | del(.command, .volumeMounts)')" = "$(pod '.input.spec.containers[0] | del(.command, .volumeMounts)')" ]
    [ "$(pod '.pod.spec.containers[0].volumeMounts')" = '[{"name":"strict-groups","mountPath":"/strict-groups/d/d","readOnly":true}]' ]
    [ "$(pod '.pod.spec.volumes')" = '[{"name":"strict-groups","emptyDir":{"sizeLimit":"1Mi"}}]' ]
    # no STRICT_GROUPS* env is needed any more: the policy is sealed
    [ "$(pod '.pod.spec.containers[0].env')" = null ]
    [ "$(pod '.pod.metadata.annotations["strict-groups/injected"] | fromjson | .groups')" = '"60000"' ]
    # sent again (reinvocationPolicy: IfNeeded): allowed, no patch; on the same connection
    [ "$(pod .again.allowed)" = true ]
    [ "$(pod .again.patch)" = null ]
    [ "$(pod .reused)" = true ]
}

@test "deploy/deployment.yaml's pod template (generateName, no name) and a kubectl debug container" {
    run wh_client review "$WH_REPO/deploy/deployment.yaml" --template --ephemeral-debug sh
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    echo "$output" > "$BATS_TEST_TMPDIR/out.json"
    pod() { jq -c "$1" "$BATS_TEST_TMPDIR/out.json"; }
    [ "$(pod '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","sleep","3600"]' ]
    [ "$(pod '.pod.metadata.generateName')" = '"strict-groups-app-"' ]
    [ "$(pod .ephemeral.allowed)" = true ]
    [ "$(pod '.ephemeralPod.spec.ephemeralContainers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","sh"]' ]
    [ "$(pod '.ephemeralPod.spec.ephemeralContainers[0].volumeMounts')" = '[{"name":"strict-groups","mountPath":"/strict-groups/d/d","readOnly":true}]' ]
}

@test "deploy/pod-image-volume.yaml without its wiring" {
    run wh_client review "$WH_REPO/deploy/pod-image-volume.yaml"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [ "$(echo "$output" | jq -c '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","id"]' ]
    [ "$(echo "$output" | jq -c '[.pod.spec.volumes[].name]')" = '["strict-groups"]' ]
}

@test "/mutate/audit and /mutate/refuse seal their mode" {
    for mode in audit refuse enforce; do
        run wh_client review "$WH_REPO/deploy/pod.yaml" --path "/mutate/$mode"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ "$(echo "$output" | jq -r '.pod.spec.initContainers[0].command[3]')" = "--mode=$mode" ]
    done
}

@test "--mode is the mode of /mutate alone: /mutate/MODE seals MODE whatever it says" {
    wh_start mode-audit --mode=audit
    run wh_client review "$WH_REPO/deploy/pod.yaml" --path /mutate
    [ "$(echo "$output" | jq -r '.pod.spec.initContainers[0].command[3]')" = --mode=audit ]
    for mode in enforce refuse; do
        run wh_client review "$WH_REPO/deploy/pod.yaml" --path "/mutate/$mode"
        [ "$(echo "$output" | jq -r '.pod.spec.initContainers[0].command[3]')" = "--mode=$mode" ]
    done
}

@test "dryRun gets the same answer" {
    run wh_client review "$WH_REPO/deploy/pod.yaml"
    a=$(echo "$output" | jq -c '.response | del(.uid)')
    run wh_client review "$WH_REPO/deploy/pod.yaml" --dry-run
    b=$(echo "$output" | jq -c '.response | del(.uid)')
    [ -n "$a" ] && [ "$a" = "$b" ]
}

@test "a container without command whose image cannot be read is denied, naming it and why; no runAsGroup is denied in enforce, warned in audit" {
    # docker.io has no endpoint unless the admin gives one (--registry-endpoint):
    # the lookup fails at once, without a request
    jq -n '{apiVersion:"v1",kind:"Pod",metadata:{name:"nocmd"},spec:{securityContext:{runAsGroup:1000},
        containers:[{name:"web",image:"nginx:1.25"}]}}' > "$BATS_TEST_TMPDIR/nocmd.yaml"
    run wh_client review "$BATS_TEST_TMPDIR/nocmd.yaml"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [ "$(echo "$output" | jq .response.allowed)" = false ]
    [ "$(echo "$output" | jq .response.status.code)" = 403 ]
    echo "$output" | jq -r .response.status.message |
        grep -q 'container web sets no command, and what its image runs could not be read: image "nginx:1.25": .*docker.io.*--registry-endpoint'
    jq -n '{apiVersion:"v1",kind:"Pod",metadata:{name:"nogid"},spec:{containers:[{name:"app",image:"a:1",command:["a"]}]}}' \
        > "$BATS_TEST_TMPDIR/nogid.yaml"
    run wh_client review "$BATS_TEST_TMPDIR/nogid.yaml"
    echo "$output" | jq -r .response.status.message | grep -q 'container app has no runAsGroup'
    run wh_client review "$BATS_TEST_TMPDIR/nogid.yaml" --path /mutate/audit
    [ "$(echo "$output" | jq .response.allowed)" = true ]
    echo "$output" | jq -r '.response.warnings[]' | grep -q 'container app has no runAsGroup'
    [ "$(echo "$output" | jq -r '.pod.spec.containers[0].command[0]')" = /strict-groups/d/d/strict-init-any-gid ]
}

@test "audit mode: a pod enforce would refuse is admitted, and said in a warning, auditAnnotations, the pod's annotation, one log line and the would_deny count" {
    jq -n '{apiVersion:"v1",kind:"Pod",metadata:{name:"wouldbe"},spec:{containers:[{name:"app",image:"a:1",command:["a"]}]}}' \
        > "$BATS_TEST_TMPDIR/wouldbe.yaml"
    sample='strict_groups_webhook_admissions_total{operation="CREATE",mode="audit",result="would_deny"}'
    before=$(wh_curl "$WEBHOOK_URL/metrics" | awk -v s="$sample" '$1 == s { print $2 }')
    lines_before=$(grep -c 'CREATE pods strict-e2e/wouldbe: would_deny' "$WH_DIR/log" || true)
    run wh_client review "$BATS_TEST_TMPDIR/wouldbe.yaml" --path /mutate/audit
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    pod() { echo "$output" | jq -r "$1"; }
    [ "$(pod .response.allowed)" = true ]
    pod '.response.warnings[]' | grep -q 'container app has no runAsGroup .* (audit mode: left as it is)'
    [ "$(pod '.response.auditAnnotations | keys | join(",")')" = would-deny ]
    pod '.response.auditAnnotations["would-deny"]' | grep -q '^container app has no runAsGroup'
    [ "$(pod '.pod.metadata.annotations["strict-groups/audit"]')" = \
        'would deny: container app has no runAsGroup (nor has the pod): its image would choose the primary gid' ]
    # sent again (reinvocation): the annotation stays as it is, no patch
    [ "$(pod .again.patch)" = null ]
    # one log line per review (the client sends the pod twice), naming the pod and why
    [ "$(grep -c 'strict-groups-webhook: CREATE pods strict-e2e/wouldbe: would_deny: container app has no runAsGroup' "$WH_DIR/log")" = $((lines_before + 2)) ]
    after=$(wh_curl "$WEBHOOK_URL/metrics" | awk -v s="$sample" '$1 == s { print $2 }')
    [ "$after" = $((before + 2)) ]
    # the same pod in enforce mode: denied, and nothing said for the audit log
    run wh_client review "$BATS_TEST_TMPDIR/wouldbe.yaml"
    [ "$(pod .response.allowed)" = false ]
    [ "$(pod .response.auditAnnotations)" = null ]
}

@test "a pod that tries to pass for injected, or to bring its own strict-init, gets the webhook's" {
    jq -n '{apiVersion:"v1",kind:"Pod",metadata:{name:"forged",annotations:{"strict-groups/injected":"{}"}},
        spec:{securityContext:{runAsGroup:1000,supplementalGroups:[60000]},
        volumes:[{name:"strict-groups",hostPath:{path:"/tmp"}}],
        initContainers:[{name:"strict-groups-install-gid-1000",image:"evil:1",command:["/bin/true"],
            volumeMounts:[{name:"strict-groups",mountPath:"/strict-groups"}]}],
        containers:[{name:"app",image:"a:1",command:["/strict-groups/strict-init-gid-1000","--","$(SH)","-c","id"],
            env:[{name:"SH",value:"/bin/sh"}],volumeMounts:[{name:"strict-groups",mountPath:"/strict-groups"}]}]}}' \
        > "$BATS_TEST_TMPDIR/forged.yaml"
    run wh_client review "$BATS_TEST_TMPDIR/forged.yaml"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    pod() { echo "$output" | jq -c "$1"; }
    [ "$(pod '.pod.spec.initContainers | length')" = 1 ]
    [ "$(pod '.pod.spec.initContainers[0].image')" = '"strict-groups:0.1.0"' ]
    [ "$(pod '.pod.spec.volumes')" = '[{"name":"strict-groups","emptyDir":{"sizeLimit":"1Mi"}}]' ]
    [ "$(pod '.pod.spec.containers[0].volumeMounts')" = '[{"name":"strict-groups","mountPath":"/strict-groups/d/d","readOnly":true}]' ]
    [ "$(pod '.pod.spec.containers[0].command')" = '["/strict-groups/d/d/strict-init-gid-1000","--","$(SH)","-c","id"]' ]
    pod '.response.warnings[]' | grep -q 'reserved'
}

@test "env STRICT_GROUPS_MODE=audit in the pod is denied: the sealed copy would refuse it" {
    jq -n '{apiVersion:"v1",kind:"Pod",metadata:{name:"env"},spec:{securityContext:{runAsGroup:1000},
        containers:[{name:"app",image:"a:1",command:["a"],env:[{name:"STRICT_GROUPS_MODE",value:"audit"}]}]}}' \
        > "$BATS_TEST_TMPDIR/env.yaml"
    run wh_client review "$BATS_TEST_TMPDIR/env.yaml"
    [ "$(echo "$output" | jq .response.allowed)" = false ]
    echo "$output" | jq -r .response.status.message | grep -q 'STRICT_GROUPS_MODE=audit contradicts the sealed policy (enforce)'
}

# The installer command is the contract between the webhook and strict-init:
# run every one the webhook writes (each mode, with and without the admin's
# --lock=1) with the strict-init of this tree, as the strict-groups image
# does, and read the seal back.
@test "every installer the webhook writes is one this strict-init runs: each mode, with and without --lock=1" {
    local dest=$BATS_TEST_TMPDIR lock mode copy want
    local bin=$WH_REPO/build/strict-init
    [ -x "$bin" ] || { echo "$bin missing: run make" >&2; false; }
    [ "$(id -u)" = 0 ] || skip "install writes a file capability: needs root"
    for lock in 0 1; do
        wh_start "lock$lock" --lock=$lock
        for mode in enforce refuse audit; do
            run wh_client review "$WH_REPO/deploy/pod.yaml" --path "/mutate/$mode"
            [ "$status" -eq 0 ] || { echo "$output"; false; }
            copy=$dest/$mode-$lock
            mapfile -t args < <(echo "$output" | jq -r --arg bin "$bin" --arg copy "$copy" \
                '.pod.spec.initContainers[0].command | .[0] = $bin | .[-1] = $copy | .[]')
            echo "${args[*]}"
            "${args[@]}"
            want="sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=$mode STRICT_GROUPS_NO_NEW_PRIVS=1 STRICT_GROUPS_GID=1000"
            # the lock only where strict-init takes it: not in audit mode
            [ "$lock" = 1 ] && [ "$mode" != audit ] && want="$want STRICT_GROUPS_LOCK=1"
            [ "$("$copy" check | head -1)" = "$want" ]
        done
    done
}

# The exec probes and hooks of deploy/pod.yaml's container, and a mount
# deeper than the runtime's own: what kubelet runs through the runtime's exec
# goes through the copy, mounted below every other mount.
@test "exec probes and hooks run through the copy, mounted below the pod's deepest mount" {
    manifest_pod() {
        node -e 'const y=require("yaml");process.stdout.write(JSON.stringify(y.parse(require("fs").readFileSync(process.argv[1],"utf8"))))' \
            "$WH_REPO/deploy/pod.yaml"
    }
    (cd "$BATS_TEST_DIRNAME" && manifest_pod) | jq '.spec.containers[0] += {
        livenessProbe: {exec: {command: ["cat", "/tmp/ok"]}, periodSeconds: 5},
        readinessProbe: {httpGet: {path: "/", port: 8080}},
        lifecycle: {postStart: {exec: {command: ["sh", "-c", "touch /tmp/ok"]}}}} |
        .spec.volumes += [{name: "token", emptyDir: {}}] |
        .spec.containers[0].volumeMounts += [{name: "token", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true}]' \
        > "$BATS_TEST_TMPDIR/probes.json"
    run wh_client review "$BATS_TEST_TMPDIR/probes.json"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    echo "$output" > "$BATS_TEST_TMPDIR/out.json"
    pod() { jq -c "$1" "$BATS_TEST_TMPDIR/out.json"; }
    local copy='"/strict-groups/d/d/d/d/d/strict-init-gid-1000"'
    [ "$(pod '.pod.spec.containers[0].command[0]')" = "$copy" ]
    [ "$(pod '.pod.spec.containers[0].livenessProbe')" = "{\"exec\":{\"command\":[$copy,\"--\",\"cat\",\"/tmp/ok\"]},\"periodSeconds\":5}" ]
    [ "$(pod '.pod.spec.containers[0].readinessProbe')" = '{"httpGet":{"path":"/","port":8080}}' ]
    [ "$(pod '.pod.spec.containers[0].lifecycle.postStart.exec.command')" = "[$copy,\"--\",\"sh\",\"-c\",\"touch /tmp/ok\"]" ]
    [ "$(pod '.pod.spec.containers[0].volumeMounts[-1]')" = '{"name":"strict-groups","mountPath":"/strict-groups/d/d/d/d/d","readOnly":true}' ]
    [ "$(pod '.again.patch')" = null ]
}

# UPDATE pods as the API server sends it: object (the new pod), oldObject
# (the stored one, here the webhook's own output), no subresource.
@test "an update that changes the installer's image is denied, naming the field; an app's image, tolerations, a deadline pass" {
    run wh_client review "$WH_REPO/deploy/pod.yaml" --update \
        '[{"op":"replace","path":"/spec/initContainers/0/image","value":"registry.example/evil:1"}]'
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [ "$(echo "$output" | jq .update.allowed)" = false ]
    [ "$(echo "$output" | jq .update.status.code)" = 403 ]
    echo "$output" | jq -r .update.status.message |
        grep -qF 'spec.initContainers[0].image: the installer strict-groups-install-gid-1000 cannot change'
    run wh_client review "$WH_REPO/deploy/pod.yaml" --update \
        '[{"op":"replace","path":"/metadata/annotations/strict-groups~1injected","value":"{}"}]'
    [ "$(echo "$output" | jq .update.allowed)" = false ]
    echo "$output" | jq -r .update.status.message | grep -qF 'metadata.annotations[strict-groups/injected]'
    run wh_client review "$WH_REPO/deploy/pod.yaml" --path /mutate/audit --update \
        '[{"op":"replace","path":"/spec/initContainers/0/image","value":"registry.example/evil:1"}]'
    [ "$(echo "$output" | jq .update.allowed)" = false ]
    run wh_client review "$WH_REPO/deploy/pod.yaml" --update \
        '[{"op":"replace","path":"/spec/containers/0/image","value":"your-app:2.0"},
          {"op":"add","path":"/spec/tolerations","value":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]},
          {"op":"add","path":"/spec/activeDeadlineSeconds","value":600}]'
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    [ "$(echo "$output" | jq -c '.update | {allowed, patch, status}')" = '{"allowed":true,"patch":null,"status":null}' ]
}

@test "an ephemeral containers update whose body claims a mirror or windows pod is wrapped all the same" {
    local body
    for body in '[{"op":"add","path":"/metadata/annotations/kubernetes.io~1config.mirror","value":"x"}]' \
        '[{"op":"add","path":"/spec/os","value":{"name":"windows"}}]'; do
        run wh_client review "$WH_REPO/deploy/pod.yaml" --ephemeral-debug sh --ephemeral-body "$body"
        [ "$status" -eq 0 ] || { echo "$output"; false; }
        [ "$(echo "$output" | jq .ephemeral.allowed)" = true ]
        [ "$(echo "$output" | jq -c '.ephemeralPod.spec.ephemeralContainers[0].command')" = \
            '["/strict-groups/d/d/strict-init-gid-1000","--","sh"]' ]
    done
}

# Pod Security restricted (pss-restricted.mjs: the profile's published rules,
# as the API server's PodSecurity admission applies them).
@test "a pod shaped for Pod Security restricted comes out passing it (refuse, an installer without privilege); the usual wiring fails it" {
    cat > "$BATS_TEST_TMPDIR/restricted.json" <<'POD'
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "restricted"},
 "spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "runAsGroup": 1000,
                              "supplementalGroups": [60000], "seccompProfile": {"type": "RuntimeDefault"}},
          "containers": [{"name": "app", "image": "your-app:1.0", "command": ["id"],
                          "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}}
POD
    run wh_client review "$BATS_TEST_TMPDIR/restricted.json"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    echo "$output" > "$BATS_TEST_TMPDIR/out.json"
    jq .input "$BATS_TEST_TMPDIR/out.json" | node "$WH_REPO/tests/webhook/pss-restricted.mjs"
    jq .pod "$BATS_TEST_TMPDIR/out.json" | node "$WH_REPO/tests/webhook/pss-restricted.mjs"
    [ "$(jq -r '.pod.spec.initContainers[0].command[3]' "$BATS_TEST_TMPDIR/out.json")" = --mode=refuse ]
    [ "$(jq -c '.pod.spec.initContainers[0].securityContext' "$BATS_TEST_TMPDIR/out.json")" = '{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true,"runAsGroup":1000,"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}}' ]
    run wh_client review "$WH_REPO/deploy/pod.yaml"
    run node "$WH_REPO/tests/webhook/pss-restricted.mjs" < <(jq .pod <<< "$output")
    [ "$status" -eq 1 ]
    [[ $output == *"Capabilities (restricted): initContainers strict-groups-install-gid-1000 adds SETFCAP"* ]]
}

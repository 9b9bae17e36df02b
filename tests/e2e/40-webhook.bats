#!/usr/bin/env bats
# strict-groups-webhook end to end (issue 9's "Done when"): a pod from
# deploy/ with its manual strict-groups wiring taken out goes through the
# webhook exactly as the API server sends it (AdmissionReview v1 over HTTPS,
# keep-alive, ?timeout=10s; tests/webhook/client.mjs), the answer's
# JSONPatch is applied by fast-json-patch (an RFC 6902 implementation
# independent of the webhook) and validated against Kubernetes' schemas, and
# the result runs on the suite's containerd through the CRI client, next to
# the same pod without the webhook. The webhook runs on 127.0.0.1 with a test
# CA, its installer image being the strict-groups image the suite imported.
#
# Every pod runs as uid 1000 in the busybox test image, whose /etc/group
# lists uid 1000 in 50000: the group containerd adds (#112879).

load lib/e2e
load ../webhook/lib
load lib/webhook

setup_file() {
    load lib/e2e
    load ../webhook/lib
    load lib/webhook
    e2e_webhook_prepare || return 1
    # The webhook's own image (make webhook-image), for its Deployment below.
    local image=$REPO_ROOT/build/strict-groups-webhook-image.tar
    [ -f "$image" ] || e2e_die "$image missing: run make webhook-image" || return 1
    ctrc images import --base-name localhost/strict-groups-webhook "$image" >/dev/null ||
        e2e_die "importing $image failed" || return 1
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start e2e || return 1
    export WH_DIR WH_PID WEBHOOK_URL WEBHOOK_CA
}

teardown_file() {
    load ../webhook/lib
    wh_stop_all
}

# The images of the manifests run as the busybox test image (run_pod maps
# your-app:1.0); the debug container of kubectl debug too.

@test "webhook+cri: deploy/pod.yaml without its wiring: the installer from the strict-groups image seals the copy, the app holds 1000 and 60000 only" {
    manifest deploy/pod.yaml | admit
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted '.pod.spec.initContainers[0].image')" "$STRICT_IMAGE_DOCKER"
    # Without the webhook: the image's 50000 is there (the bug).
    admitted .input | run_pod
    assert_eq "$(pod '.initContainers | length')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    local base
    base=$(pod '.containers[0].stdout')
    assert_eq "$(groups_in "$base")" "1000,50000,60000"
    # With it.
    admitted .pod | run_pod
    assert_eq "$(pod '.initContainers[0].name')" strict-groups-install-gid-1000
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_eq "$(pod '.containers[0].stdout')" "${base/,50000(bypassed)/}"
    assert_eq "$(pod '.containers[0].stderr')" "strict-init: dropped groups 50000"
    # The copy carries the capability and the pod's sealed policy.
    local copy
    copy=$(pod '.pod.dir')/volumes/kubernetes.io~empty-dir/strict-groups/strict-init-gid-1000
    run getcap "$copy"
    assert_contains "$output" "cap_setgid=p"
    run "$copy" check
    assert_eq "${lines[0]}" "sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1 STRICT_GROUPS_GID=1000"
}

@test "webhook+cri: deploy/deployment.yaml's pod template: argv, env, cwd, uid, gid of PID 1 exactly as without the webhook, groups strict" {
    admit --template < "$REPO_ROOT/deploy/deployment.yaml"
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted .pod.metadata.generateName)" strict-groups-app-
    assert_eq "$(admitted -c '.pod.spec.containers[0].command')" '["/strict-groups/d/d/strict-init-gid-1000","--","sleep","3600"]'
    # The API server names the pod after admission.
    admitted '.input | .metadata.name = "strict-groups-app-base"' | run_kept base
    admitted '.pod | .metadata.name = "strict-groups-app-wh"' | run_kept wh
    assert_eq "$(jq -r '.initContainers[0].exitCode' "$(T wh.json)")" 0
    assert_eq "$(section "$(T base.app)" cmdline | tr '\n' ' ')" "sleep 3600 "
    assert_eq "$(status_line "$(T base.app)" Groups)" "1000 50000 60000 "
    same_process "$(T base.app)" "$(T wh.app)" 1000,60000
}

@test "webhook+cri: /mutate/audit (a namespace labelled for audit): the pod runs as before, strict-init names the image's group" {
    manifest deploy/pod.yaml | admit --path /mutate/audit
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted '.pod.spec.initContainers[0].command[3]')" --mode=audit
    admitted .pod | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    assert_contains "$(pod '.containers[0].stderr')" "strict-init: audit"
    assert_contains "$(pod '.containers[0].stderr')" "50000"
}

# A pod of the kinds the webhook must get right at once: an init container
# of the author's, two app containers with different runAsGroup, fsGroup,
# args, workingDir, env.
multi_pod() {
    manifest deploy/pod.yaml | jq '
        .metadata.name = "multi" | .spec.securityContext.fsGroup = 70000 |
        (.spec.containers[0] | del(.command)) as $c |
        .spec.initContainers += [$c + {name: "prepare", command: ["sh", "-c", "id; echo $PREP"],
            env: [{name: "PREP", value: "ready"}]}] |
        .spec.containers = [
            $c + {name: "app", command: ["sleep"], args: ["3600"], workingDir: "/tmp",
                  env: [{name: "GREETING", value: "hello world"}, {name: "EMPTY", value: ""}]},
            $c + {name: "other", command: ["sh", "-c", "exec sleep \"$0\"", "3601"], workingDir: "/home/alice",
                  securityContext: ($c.securityContext + {runAsGroup: 2000})}]'
}

@test "webhook+cri: init container, two containers with different runAsGroup, fsGroup: one sealed copy per gid, each process as without the webhook" {
    multi_pod | admit
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted -c '[.pod.spec.initContainers[].name]')" \
        '["strict-groups-install-gid-1000","strict-groups-install-gid-2000","prepare"]'
    assert_eq "$(admitted -c '[.pod.spec.initContainers[0,1].command[2]] | unique')" '["--groups=60000,70000"]'
    assert_eq "$(admitted -c '.pod.spec.containers[1].command')" \
        '["/strict-groups/d/d/strict-init-gid-2000","--","sh","-c","exec sleep \"$0\"","3601"]'
    assert_eq "$(admitted -c '.pod.spec.containers[0].args')" '["3600"]'
    admitted .input | run_kept base
    admitted .pod | run_kept wh
    # the author's init container: wrapped too
    assert_eq "$(groups_in "$(jq -r '.initContainers[0].stdout' "$(T base.json)")")" "1000,50000,60000,70000"
    assert_eq "$(jq -r '.initContainers[2].name' "$(T wh.json)")" prepare
    assert_eq "$(jq -r '.initContainers[2].stdout' "$(T wh.json)")" \
        "$(jq -r '.initContainers[0].stdout' "$(T base.json)" | sed 's/,50000(bypassed)//')"
    assert_contains "$(jq -r '.initContainers[2].stdout' "$(T wh.json)")" ready
    assert_eq "$(section "$(T base.app)" cwd)" /tmp
    assert_contains "$(section "$(T base.app)" environ)" "GREETING=hello world"
    assert_eq "$(status_line "$(T base.other)" Gid)" "2000 2000 2000 2000"
    assert_eq "$(status_line "$(T base.other)" Groups)" "2000 50000 60000 70000 "
    same_process "$(T base.app)" "$(T wh.app)" 1000,60000,70000
    same_process "$(T base.other)" "$(T wh.other)" 2000,60000,70000
}

@test "webhook+cri: kubectl debug: the ephemeral container is wrapped and holds only the pod's groups" {
    local debug
    multi_pod | admit --ephemeral-debug id --ephemeral-image "$E2E_BUSYBOX"
    assert_eq "$(admitted .ephemeral.allowed)" true
    assert_eq "$(admitted -c '.ephemeralPod.spec.ephemeralContainers[0].command')" \
        '["/strict-groups/d/d/strict-init-gid-1000","--","id"]'
    # Control: the same debug container in the pod without the webhook.
    admitted '.input | .spec.ephemeralContainers = [{name: "debugger", image: "'"$E2E_BUSYBOX"'", command: ["id"]}]' |
        run_pod --keep
    debug=$(cri wait "$(pod '.ephemeralContainers[0].id')") || { cri remove-pod "$(pod '.pod.id')"; false; }
    cri remove-pod "$(pod '.pod.id')" >/dev/null
    assert_eq "$(groups_in "$(jq -r .stdout <<< "$debug")")" "1000,50000,60000,70000"
    admitted .ephemeralPod | run_pod --keep
    debug=$(cri wait "$(pod '.ephemeralContainers[0].id')") || { cri remove-pod "$(pod '.pod.id')"; false; }
    cri remove-pod "$(pod '.pod.id')" >/dev/null
    echo "debug container: $debug"
    assert_eq "$(jq -r .exitCode <<< "$debug")" 0
    assert_eq "$(groups_in "$(jq -r .stdout <<< "$debug")")" "1000,60000,70000"
}

# A pod written to pass for injected: the annotation set, an init container
# named like the installer that plants its own "strict-init" in a volume of
# the webhook's name, the app's command already pointing at that copy.
forged_pod() {
    local fake=/strict-groups/strict-init-gid-1000
    manifest deploy/pod.yaml | jq --arg img "$MANIFEST_APP_IMAGE" \
        --arg plant "printf '#!/bin/sh\\nshift\\nexec \"\$@\"\\n' > $fake && chmod 755 $fake" '
        .metadata.name = "forged" |
        .metadata.annotations = {"strict-groups/injected": "{\"copies\":{\"gid-1000\":[\"app\"]},\"groups\":\"60000,50000\",\"mode\":\"audit\"}"} |
        .spec.volumes = [{name: "strict-groups", emptyDir: {}}] |
        .spec.initContainers = [{name: "strict-groups-install-gid-1000", image: $img,
            command: ["sh", "-c", $plant],
            volumeMounts: [{name: "strict-groups", mountPath: "/strict-groups"}]}] |
        .spec.containers[0].command = ["/strict-groups/strict-init-gid-1000", "--", "id"] |
        .spec.containers[0].volumeMounts = [{name: "strict-groups", mountPath: "/strict-groups"}]'
}

@test "webhook+cri: a pod that claims to be injected and brings its own installer gets the webhook's: strict groups anyway" {
    # Control: the forged pod as written, without the webhook: its fake
    # strict-init runs the command with the image's 50000.
    forged_pod | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    forged_pod | admit
    assert_eq "$(admitted .response.allowed)" true
    assert_contains "$(admitted '.response.warnings[]')" "reserved"
    assert_eq "$(admitted -c '[.pod.spec.initContainers[] | [.name, .image]]')" \
        "[[\"strict-groups-install-gid-1000\",\"$STRICT_IMAGE_DOCKER\"]]"
    assert_eq "$(admitted -c '.pod.spec.volumes')" '[{"name":"strict-groups","emptyDir":{"sizeLimit":"1Mi"}}]'
    assert_eq "$(admitted '.pod.metadata.annotations["strict-groups/injected"] | fromjson | [.groups, .mode] | join(" ")')" \
        "60000 enforce"
    admitted .pod | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_eq "$(pod '.containers[0].stderr')" "strict-init: dropped groups 50000"
}

@test "webhook: env STRICT_GROUPS_MODE=audit, or an app container named like the installer: denied, naming why" {
    forged_pod | jq '.spec.containers[0].env = [{name: "STRICT_GROUPS_MODE", value: "audit"}]' | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_eq "$(admitted .response.status.code)" 403
    assert_contains "$(admitted .response.status.message)" \
        "container app: env STRICT_GROUPS_MODE=audit contradicts the sealed policy (enforce)"
    assert_eq "$(admitted .pod)" null
    manifest deploy/pod.yaml | jq '.spec.containers += [.spec.containers[0] + {name: "strict-groups-install-gid-1000"}]' | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_contains "$(admitted .response.status.message)" "container name strict-groups-install-gid-1000 is reserved"
}

@test "webhook+cri: an image whose ENV says STRICT_GROUPS_MODE=audit passes admission (no pod field shows it) and strict-init refuses it (77)" {
    manifest deploy/pod.yaml | jq --arg img "$E2E_HOSTILE" '.spec.containers[0].image = $img' | admit
    assert_eq "$(admitted .response.allowed)" true
    admitted .pod | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 77
    assert_eq "$(pod '.containers[0].stdout')" ""
    assert_contains "$(pod '.containers[0].stderr')" "contradicts the sealed policy"
}

# The webhook's own Deployment (deploy/webhook/server/deployment.yaml) run from
# its image as kubelet would: user 65532, read-only root filesystem, every
# capability dropped, the TLS secret mounted read-only. Deviation: the CRI
# client gives every pod the node's network, so the listen addresses become
# free loopback ports (the manifest's 8443 and 9090 may be taken here).
@test "webhook image: deploy/webhook's Deployment in containerd (non-root, read-only, drop ALL) answers an AdmissionReview" {
    local port mport tls=$BATS_TEST_TMPDIR/tls pid
    port=$(wh_free_port)
    mport=$(wh_free_port)
    mkdir -p "$tls"
    cp "$WH_CERTS/server.crt" "$tls/tls.crt"
    cp "$WH_CERTS/server.key" "$tls/tls.key"
    chmod 0644 "$tls/tls.crt" "$tls/tls.key" # kubelet's default for secret files
    manifest deploy/webhook/server/deployment.yaml | jq --arg l "127.0.0.1:$port" --arg m "127.0.0.1:$mport" \
        --arg img "$STRICT_IMAGE_DOCKER" '.spec.containers[0].args |= map(
            if startswith("--listen=") then "--listen=" + $l
            elif startswith("--metrics-listen=") then "--metrics-listen=" + $m
            elif startswith("--image=") then "--image=" + $img else . end)' > "$(T deployment-pod.json)"
    EXTRA_IMAGES='{"strict-groups-webhook:0.1.0": "localhost/strict-groups-webhook:0.1.0"}' \
        SECRETS=$(jq -nc --arg d "$tls" '{"strict-groups-webhook-tls": $d}') \
        run_pod --keep < "$(T deployment-pod.json)"
    local pod_id
    pod_id=$(pod '.pod.id')
    pid=$(pod '.containers[0].pid')
    # its readinessProbe: HTTPS GET /readyz on the https port
    export WEBHOOK_URL=https://127.0.0.1:$port
    for _ in $(seq 100); do
        wh_curl -f "$WEBHOOK_URL/readyz" >/dev/null 2>&1 && break
        sleep 0.05
    done
    local ready metrics status mounts
    ready=$(wh_curl -s "$WEBHOOK_URL/readyz")
    status=$(grep -E '^(Uid|Gid|Groups|CapEff|CapPrm|CapBnd|NoNewPrivs):' "/proc/$pid/status" | tr -s ' \t' ' ')
    mounts=$(awk '$5 == "/" { split($6, o, ","); print o[1] }' "/proc/$pid/mountinfo")
    manifest deploy/pod.yaml | admit || { cri remove-pod "$pod_id"; false; }
    metrics=$(curl -s "http://127.0.0.1:$mport/metrics")
    cri remove-pod "$pod_id" >/dev/null
    echo "$status"
    assert_eq "$(pod '.containers[0].state')" CONTAINER_RUNNING
    assert_eq "$ready" ok
    assert_contains "$status" "Uid: 65532 65532 65532 65532"
    assert_contains "$status" "Gid: 65532 65532 65532 65532"
    assert_contains "$status" "CapEff: 0000000000000000"
    assert_contains "$status" "CapBnd: 0000000000000000"
    assert_contains "$status" "NoNewPrivs: 1"
    assert_eq "$mounts" ro
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted '.pod.spec.initContainers[0].command[0:2] | join(" ")')" "/strict-init install"
    assert_eq "$(admitted '.pod.spec.initContainers[0].image')" "$STRICT_IMAGE_DOCKER"
    assert_eq "$(admitted .again.patch)" null
    assert_contains "$metrics" 'strict_groups_webhook_admissions_total{operation="CREATE",mode="enforce",result="injected"} 1'
}

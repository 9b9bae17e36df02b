#!/usr/bin/env bats
# The attacks of issue 8, through containerd's CRI (as kubelet drives it)
# and dockerd: a `kubectl exec` / `docker exec` session that runs the sealed
# copy with its own --groups to drop a group that a file denies, and a root
# container that reaches a forbidden gid with setresgid under the lock.
# The same attacks with their controls run in plain runc in
# tests/integration (negative.bats, lock.bats).

load lib/e2e

APP='.spec.containers[0]'
INIT='.spec.initContainers[0]'

# deploy/deployment.yaml's pod, plus an init container (root, busybox) that
# writes /data/deny into an emptyDir: mode 0604, owned by group 60000, so
# others may read it and the pod's own group 60000 may not.
deny_pod() {
    manifest deploy/deployment.yaml | jq "
        .spec.volumes += [{name: \"data\", emptyDir: {}}] |
        .spec.initContainers += [{name: \"make-deny\", image: \"$E2E_BUSYBOX\",
            command: [\"sh\", \"-c\", \"echo DENIED-TO-60000 > /data/deny && chown 0:60000 /data/deny && chmod 0604 /data/deny\"],
            securityContext: {runAsUser: 0, runAsGroup: 0},
            volumeMounts: [{name: \"data\", mountPath: \"/data\"}]}] |
        $APP.volumeMounts += [{name: \"data\", mountPath: \"/data\", readOnly: true}]"
}

@test "attack (CRI): an exec session cannot use the sealed copy to drop 60000 and read a file that denies it" {
    deny_pod | run_pod --keep
    local id pod_id plain option variable sealed
    id=$(pod '.containers[0].id')
    pod_id=$(pod '.pod.id')
    plain=$(cri exec "$id" cat /data/deny) &&
        option=$(cri exec "$id" /strict/strict-init --groups= -- cat /data/deny) &&
        variable=$(cri exec "$id" env STRICT_GROUPS=1000 /strict/strict-init cat /data/deny) &&
        sealed=$(cri exec "$id" /strict/strict-init -- cat /data/deny) ||
        { cri remove-pod "$pod_id"; false; }
    cri remove-pod "$pod_id" >/dev/null
    echo "plain: $plain"; echo "option: $option"; echo "variable: $variable"; echo "sealed: $sealed"
    # the control: the session holds 60000 and is denied
    assert_eq "$(jq -r .exitCode <<< "$plain")" 1
    assert_contains "$(jq -r .stderr <<< "$plain")" "Permission denied"
    assert_eq "$(jq -r .exitCode <<< "$option")" 77
    assert_eq "$(jq -r .stderr <<< "$option")" \
        "strict-init: --groups= contradicts the sealed policy (STRICT_GROUPS=60000)"
    assert_eq "$(jq -r .exitCode <<< "$variable")" 77
    assert_eq "$(jq -r .exitCode <<< "$sealed")" 1
    for out in "$plain" "$option" "$variable" "$sealed"; do
        assert_not_contains "$(jq -r .stdout <<< "$out")" DENIED-TO-60000
    done
}

# A root pod as a daemon image runs it: uid 0, supplementalGroups [60000],
# no CAP_DAC_OVERRIDE (so files are read by their group bits), /data/deny
# made readable by group 50000 only.
root_lock_pod() { # INSTALL-OPTIONS
    manifest deploy/pod.yaml | jq --arg o "$1" "
        .spec.securityContext.runAsUser = 0 | .spec.securityContext.runAsGroup = 0 |
        $INIT.command = [\"/strict-init\", \"install\"] + (\$o | split(\" \")) + [\"/strict/strict-init\"] |
        .spec.volumes += [{name: \"data\", emptyDir: {}}] |
        .spec.initContainers += [{name: \"make-only-50000\", image: \"$E2E_BUSYBOX\",
            command: [\"sh\", \"-c\", \"echo ONLY-50000 > /data/f && chown 2000:50000 /data/f && chmod 0040 /data/f\"],
            securityContext: {runAsUser: 0, runAsGroup: 0},
            volumeMounts: [{name: \"data\", mountPath: \"/data\"}]}] |
        $APP.securityContext = {runAsNonRoot: false, allowPrivilegeEscalation: false,
            capabilities: {drop: [\"ALL\"], add: [\"SETGID\", \"SETUID\"]}} |
        $APP.volumeMounts += [{name: \"data\", mountPath: \"/data\", readOnly: true}] |
        $APP.command = [\"/strict/strict-init\", \"--\", \"gidcall\", \"setresgid:50000:50000:50000\", \"read:/data/f\"]"
}

@test "attack (CRI): control: a root container without the lock reaches gid 50000 and reads its file" {
    root_lock_pod "--groups=60000" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].stdout')" $'setresgid:50000:50000:50000: ok\nread:/data/f: ok'
}

@test "attack (CRI): under the sealed lock, setresgid(50000) is EPERM and the file stays unreadable" {
    root_lock_pod "--groups=60000 --lock=1" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].stdout')" \
        $'setresgid:50000:50000:50000: Operation not permitted\nread:/data/f: Permission denied'
}

@test "attack (docker): a docker exec session cannot use the sealed copy to drop a group" {
    local vol=sg-e2e-attack-$BATS_SUITE_TEST_NUMBER c
    dkr volume create "$vol" >/dev/null
    dkr run --rm --network none -v "$vol:/strict" "$STRICT_IMAGE_DOCKER" \
        install --groups=60000 /strict/strict-init
    c=$(dkr run -d --network none --user 1000 --group-add 60000 -v "$vol:/strict:ro" \
        --entrypoint /strict/strict-init "$E2E_BUSYBOX" -- sleep 300)
    run dkr exec "$c" /strict/strict-init --groups= -- id
    local option_status=$status option_output=$output
    run dkr exec "$c" /strict/strict-init -- id -G
    dkr rm -f "$c" >/dev/null
    dkr volume rm "$vol" >/dev/null
    echo "option: $option_status $option_output"
    echo "sealed: $status $output"
    assert_eq "$option_status" 77
    assert_contains "$option_output" "contradicts the sealed policy (STRICT_GROUPS=60000)"
    assert_eq "$status" 0
    assert_contains "$output" "1000 60000"
    assert_not_contains "$output" "50000 "
}

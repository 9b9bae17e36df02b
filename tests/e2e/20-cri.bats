#!/usr/bin/env bats
# containerd's CRI plugin, driven the way kubelet drives it (tests/e2e/cri):
# each case is a manifest from deploy/ (or a stated variation of it) that
# the CRI client translates as kubelet would and runs in the suite's private
# containerd 1.6 + runc. The pod identity is always run_as_user 1000,
# run_as_group 1000, supplemental_groups [60000], and the image's /etc/group
# lists uid 1000 in 50000: the groups containerd merges in (#112879).

load lib/e2e

# The manifest's pod with the variation a case names, as JSON.
pod_yaml() { manifest deploy/pod.yaml; }
# jq filters selecting the containers of the manifests.
APP='.spec.containers[0]'
INIT='.spec.initContainers[0]'

# Sets the policy the init container seals into the copy: its install
# options, one word each.
seal() { # "--groups=... [OPTIONS]"
    jq --arg o "$1" "$INIT.command = [\"/strict-init\", \"install\"] + (\$o | split(\" \")) + [\"/strict/strict-init\"]"
}

# Manifest: deploy/pod.yaml before the wiring (no init container, no volume,
# the app's own command `id`): what users run today.
@test "cri: without strict-init the image's group 50000 is added (the bug, reproduced)" {
    # deploy/pod.yaml before the wiring: no init container, the app's own command.
    pod_yaml | jq "del(.spec.initContainers) | $APP.command = [\"id\"] |
        $APP.volumeMounts = [] | .spec.volumes = [] | $APP.env = []" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    # The OCI spec containerd wrote says the same.
    assert_eq "$(pod '.containers[0].ociUser.additionalGids | join(",")')" "1000,50000,60000"
}

# Manifest: deploy/pod.yaml exactly (no_new_privs on: allowPrivilegeEscalation: false).
@test "cri: deploy/pod.yaml as written: groups 1000 and 60000 only (no_new_privs on)" {
    pod_yaml | run_pod
    assert_eq "$(pod '.initContainers[0].name')" strict-install
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_contains "$(pod '.containers[0].stderr')" "strict-init: dropped groups 50000"
    # The copy in the emptyDir carries the file capability install gave it.
    run getcap "$(pod '.pod.dir')/volumes/kubernetes.io~empty-dir/strict/strict-init"
    assert_contains "$output" "cap_setgid=p"
    # What the runtime reports is still the merged list (documented limit):
    # containerd copies it from the OCI spec, not from the process.
    assert_eq "$(pod '.containers[0].ociUser.additionalGids | join(",")')" "1000,50000,60000"
}

# Manifest: deploy/pod.yaml with allowPrivilegeEscalation: true (CRI no_new_privs false).
@test "cri: deploy/pod.yaml with allowPrivilegeEscalation: true (no_new_privs off): groups 1000 and 60000" {
    pod_yaml | jq "$APP.securityContext.allowPrivilegeEscalation = true |
        $APP.command = [\"/strict/strict-init\", \"--\", \"sh\", \"-c\", \"id; grep NoNewPrivs /proc/self/status\"]" |
        run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    # strict-init sets no_new_privs itself (STRICT_GROUPS_NO_NEW_PRIVS defaults to 1).
    assert_contains "$(pod '.containers[0].stdout')" $'NoNewPrivs:\t1'
}

# Manifest: deploy/pod.yaml, no_new_privs off in the pod and sealed with --no-new-privs=0.
@test "cri: deploy/pod.yaml with no_new_privs off and sealed --no-new-privs=0: groups 1000 and 60000" {
    pod_yaml | jq "$APP.securityContext.allowPrivilegeEscalation = true |
        $APP.command = [\"/strict/strict-init\", \"--\", \"sh\", \"-c\", \"id; grep NoNewPrivs /proc/self/status\"]" |
        seal "--groups=60000 --mode=enforce --no-new-privs=0" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_contains "$(pod '.containers[0].stdout')" $'NoNewPrivs:\t0'
}

# Manifest: deploy/pod.yaml with its commented-out fsGroup set (and --groups extended, as its comment says).
@test "cri: deploy/pod.yaml with fsGroup 70000 and --groups=60000,70000: groups 1000, 60000, 70000" {
    pod_yaml | jq '.spec.securityContext.fsGroup = 70000' | seal "--groups=60000,70000 --mode=enforce" | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000,70000"
}

# Manifest: deploy/pod.yaml with the app's capabilities {drop: [ALL]} (Pod Security "restricted").
@test "cri: deploy/pod.yaml with capabilities drop ALL only: strict-init refuses (77), the log says why" {
    pod_yaml | jq "$APP.securityContext.capabilities = {drop: [\"ALL\"]} |
        $APP.command = [\"/strict/strict-init\", \"--\", \"sh\", \"-c\", \"echo COMMAND-RAN\"]" | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 77
    assert_not_contains "$(pod '.containers[0].stdout')" COMMAND-RAN
    # Read through the CRI log path: "<time> stderr F strict-init: refusing ..."
    local line
    line=$(pod '.containers[0].log[] | select(.stream == "stderr") | .line')
    assert_contains "$line" "strict-init: refusing to run the command"
    assert_contains "$line" "CAP_SETGID"
    assert_contains "$line" "50000"
    run grep -c ' stderr F strict-init: refusing' "$(pod '.containers[0].logPath')"
    assert_eq "$output" 1
}

# Manifest: deploy/pod.yaml as written, with an app image whose ENV says
# STRICT_GROUPS=50000,60000, STRICT_GROUPS_MODE=audit, STRICT_GROUPS_NO_NEW_PRIVS=0.
@test "cri: an image's ENV cannot switch strict-init off: the sealed copy refuses (77), naming both values" {
    pod_yaml | jq "$APP.image = \"$E2E_HOSTILE\" |
        $APP.command = [\"/strict/strict-init\", \"--\", \"sh\", \"-c\", \"echo COMMAND-RAN; id\"]" |
        run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 77
    assert_not_contains "$(pod '.containers[0].stdout')" COMMAND-RAN
    assert_eq "$(pod '.containers[0].stderr')" \
        "strict-init: STRICT_GROUPS=50000,60000 contradicts the sealed policy (STRICT_GROUPS=60000)"
}

# The same hostile image and pod without strict-init: the control that shows
# the image's ENV does reach the container's process.
@test "cri: control: the hostile image's ENV is in the container's environment" {
    pod_yaml | jq "$APP.image = \"$E2E_HOSTILE\" | $APP.command = [\"env\"]" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_contains "$(pod '.containers[0].stdout')" "STRICT_GROUPS_MODE=audit"
    assert_contains "$(pod '.containers[0].stdout')" "STRICT_GROUPS_NO_NEW_PRIVS=0"
}

# Manifest: deploy/pod.yaml with --mode=refuse sealed.
@test "cri: deploy/pod.yaml sealed with --mode=refuse: the command never runs (77)" {
    pod_yaml | jq "$APP.command = [\"/strict/strict-init\", \"--\", \"sh\", \"-c\", \"echo COMMAND-RAN\"]" |
        seal "--groups=60000 --mode=refuse" | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 77
    assert_not_contains "$(pod '.containers[0].stdout')" COMMAND-RAN
    assert_contains "$(pod '.containers[0].stderr')" "strict-init: refusing to run the command"
    assert_contains "$(pod '.containers[0].stderr')" "50000"
}

# Manifest: deploy/deployment.yaml's pod template exactly; `kubectl exec` = ExecSync.
@test "cri: deploy/deployment.yaml: PID 1 holds 1000 and 60000; an exec session still gets 50000 (documented limit)" {
    manifest deploy/deployment.yaml | run_pod --keep
    local id pod_id pid1 session
    id=$(pod '.containers[0].id')
    pod_id=$(pod '.pod.id')
    # The entrypoint's process: strict-init exec'd sleep, which kept PID 1.
    pid1=$(cri exec "$id" sh -c 'tr "\0" " " < /proc/1/cmdline; grep "^Groups:" /proc/1/status') &&
        session=$(cri exec "$id" id) || { cri remove-pod "$pod_id"; false; }
    cri remove-pod "$pod_id" >/dev/null
    echo "PID 1: $pid1"
    echo "exec session: $session"
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].state')" CONTAINER_RUNNING
    assert_eq "$(jq -r .exitCode <<< "$pid1")" 0
    assert_eq "$(jq -r .stdout <<< "$pid1" | tr -s ' \t' ' ')" "sleep 3600 Groups: 1000 60000 "
    # ExecSync copies the OCI spec's process, merged groups included: an exec
    # session never passes through the entrypoint.
    assert_eq "$(jq -r .exitCode <<< "$session")" 0
    assert_eq "$(groups_in "$(jq -r .stdout <<< "$session")")" "1000,50000,60000"
}

# Manifest: deploy/pod.yaml sealed with --mode=refuse and a long-running command.
@test "cri: mode refuse keeps the container from running, so there is nothing to exec into" {
    pod_yaml | jq "$APP.command = [\"/strict/strict-init\", \"--\", \"sleep\", \"300\"]" |
        seal "--groups=60000 --mode=refuse" | run_pod --keep
    local id pod_id exited
    id=$(pod '.containers[0].id')
    pod_id=$(pod '.pod.id')
    exited=$(cri wait "$id") || { cri remove-pod "$pod_id"; false; }
    run cri exec "$id" id
    cri remove-pod "$pod_id" >/dev/null
    echo "$exited"
    assert_eq "$(jq -r .exitCode <<< "$exited")" 77
    assert_not_contains "$(jq -r .stdout <<< "$exited")" "uid="
    [ "$status" != 0 ]
    assert_contains "$output" "CONTAINER_EXITED"
}

# Manifest: deploy/pod-image-volume.yaml exactly.
@test "cri: deploy/pod-image-volume.yaml (image volume, mounted as containerd >= 2.1 does): groups 1000 and 60000" {
    # containerd 1.6 has no image volumes: the suite does what containerd
    # >= 2.1 does for mounts[].image, i.e. unpacks the image, mounts its
    # snapshot read-only on the host, and bind-mounts that read-only.
    local dir=$BATS_TEST_TMPDIR/image-volume
    mkdir -p "$dir"
    ctrc images mount "$E2E_POLICY_CRI" "$dir" >/dev/null
    IMAGE_VOLUMES=$(jq -nc --arg r "$E2E_POLICY" --arg d "$dir" '{($r): $d}')
    manifest deploy/pod-image-volume.yaml | IMAGE_VOLUMES=$IMAGE_VOLUMES run_pod || true
    ctrc images unmount --rm "$dir" >/dev/null || umount "$dir"
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_contains "$(pod '.containers[0].stderr')" "strict-init: dropped groups 50000"
}

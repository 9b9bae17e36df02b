#!/usr/bin/env bats
# strict-groups-webhook against the ways around it a pod author had (issue
# 15), on the suite's containerd through the CRI client, each next to its
# control: exec probes and lifecycle hooks (kubelet runs them through CRI
# ExecSync, never through the entrypoint), a mount that lands on the copies
# through a symbolic link, an update of an installer's image, an ephemeral
# containers update whose body claims a mirror pod. Reviews go to the
# webhook over HTTPS as the API server sends them (tests/webhook/client.mjs).
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
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start doors || return 1
    export WH_DIR WH_PID WEBHOOK_URL WEBHOOK_CA
}

teardown_file() {
    load ../webhook/lib
    wh_stop_all
}

# The Groups line of a process of a running container, read through an exec
# session: "1000 50000 60000".
groups_of() {
    cri exec "$1" sh -c "sed -n 's/^Groups:[[:space:]]*//p' /proc/$2/status" | jq -r .stdout |
        tr -s ' \t\n' ' ' | sed 's/ $//'
}

# deploy/pod.yaml's container sleeping, with an exec liveness probe and a
# postStart hook that leaves a process behind (it could serve the main
# process with the image's group for as long as the container runs).
probe_pod() {
    manifest deploy/pod.yaml | jq '.metadata.name = "probes" |
        .spec.containers[0].command = ["sleep", "3600"] |
        .spec.containers[0].livenessProbe = {exec: {command: ["id", "-G"]}, periodSeconds: 10} |
        .spec.containers[0].lifecycle = {postStart: {exec: {command: ["sh", "-c",
            "sleep 3600 >/dev/null 2>&1 & echo $!; id -G"]}}}'
}

# run_probes LABEL < POD: runs the pod kept, then what kubelet would run:
# the postStart hook (cri.js, right after the start) and the liveness
# probe, both ExecSync with the pod's commands; writes LABEL.hook (the
# hook's report), LABEL.probe (the probe's), LABEL.left (the groups of the
# process the hook left).
run_probes() {
    local label=$1 id pod_id
    run_pod --keep || return 1
    id=$(pod '.containers[0].id')
    pod_id=$(pod '.pod.id')
    pod -c '.postStart.app' > "$(T "$label.hook")"
    # kubelet sends the probe's command as the pod writes it (after its
    # plain $(VAR) expansion, none here)
    mapfile -t cmd < <(jq -r '.spec.containers[0].livenessProbe.exec.command[]' "$(T "$label.pod")")
    cri exec "$id" "${cmd[@]}" > "$(T "$label.probe")"
    # the hook printed the pid of what it left behind, then its groups
    groups_of "$id" "$(jq -r '.stdout | split("\n")[0]' "$(T "$label.hook")")" > "$(T "$label.left")"
    cri remove-pod "$pod_id" >/dev/null
}

@test "webhook+cri: an exec probe and a postStart hook run through ExecSync hold only the pod's groups; unwrapped (the control), the image's too" {
    probe_pod | admit
    assert_eq "$(admitted .response.allowed)" true
    local copy=/strict-groups/d/d/strict-init-gid-1000
    assert_eq "$(admitted -c '.pod.spec.containers[0].livenessProbe.exec.command')" "[\"$copy\",\"--\",\"id\",\"-G\"]"
    assert_eq "$(admitted -c '.pod.spec.containers[0].lifecycle.postStart.exec.command[0:2]')" "[\"$copy\",\"--\"]"
    # Control: the pod without the webhook.
    admitted .input > "$(T base.pod)"
    run_probes base < "$(T base.pod)"
    assert_eq "$(jq -r '.stdout | split("\n")[1]' "$(T base.hook)")" "1000 50000 60000"
    assert_eq "$(jq -r .stdout "$(T base.probe)")" "1000 50000 60000"
    assert_eq "$(cat "$(T base.left)")" "1000 50000 60000"
    # With it.
    admitted .pod > "$(T wh.pod)"
    run_probes wh < "$(T wh.pod)"
    assert_eq "$(jq -r .exitCode "$(T wh.hook)")" 0
    assert_eq "$(jq -r '.stdout | split("\n")[1]' "$(T wh.hook)")" "1000 60000"
    assert_eq "$(jq -r .stderr "$(T wh.hook)")" "strict-init: dropped groups 50000"
    assert_eq "$(jq -r .exitCode "$(T wh.probe)")" 0
    assert_eq "$(jq -r .stdout "$(T wh.probe)")" "1000 60000"
    assert_eq "$(cat "$(T wh.left)")" "1000 60000"
}

@test "webhook+cri: a wrapped exec probe's status is its command's; a refusal (77) fails it" {
    probe_pod | admit
    admitted .pod | run_pod --keep
    local id pod_id copy=/strict-groups/d/d/strict-init-gid-1000 three refused
    id=$(pod '.containers[0].id')
    pod_id=$(pod '.pod.id')
    three=$(cri exec "$id" "$copy" -- sh -c 'exit 3')
    # a probe whose environment contradicts the seal: strict-init refuses
    refused=$(cri exec "$id" env STRICT_GROUPS_MODE=audit "$copy" -- true)
    cri remove-pod "$pod_id" >/dev/null
    assert_eq "$(jq -r .exitCode <<< "$three")" 3
    assert_eq "$(jq -r .exitCode <<< "$refused")" 77
    assert_contains "$(jq -r .stderr <<< "$refused")" "contradicts the sealed policy"
}

# The issue's shadowing pod: the author's init container makes /data/b a
# link to /strict-groups in an emptyDir; the app mounts that emptyDir at /a
# and a configMap at /a/b, whose strict-init-gid-1000 is a script that runs
# its command (containerd mounts /a/b after every mount one level up, and
# runc follows the link in /a).
shadow_pod() {
    manifest deploy/pod.yaml | jq '.metadata.name = "shadow" |
        .spec.volumes += [{name: "data", emptyDir: {}}, {name: "fake", configMap: {name: "fake", defaultMode: 493}}] |
        .spec.initContainers += [(.spec.containers[0] | {name: "prepare", image, securityContext,
            command: ["ln", "-s", "/strict-groups", "/data/b"], volumeMounts: [{name: "data", mountPath: "/data"}]})] |
        .spec.containers[0].volumeMounts += [{name: "data", mountPath: "/a"}, {name: "fake", mountPath: "/a/b"}]'
}

fake_config_map() {
    local d=$BATS_TEST_TMPDIR/fake
    mkdir -p "$d"
    printf '#!/bin/sh\nshift\nexec "$@"\n' > "$d/strict-init-gid-1000"
    chmod 0755 "$d/strict-init-gid-1000"
    CONFIG_MAPS=$(jq -nc --arg d "$d" '{fake: $d}')
    export CONFIG_MAPS
}

@test "webhook+cri: a configMap mounted through a link onto the copies: on the copies' former depth it replaces strict-init (the control); below every mount runc refuses the container" {
    fake_config_map
    shadow_pod | admit
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted -c '.pod.spec.containers[0].command')" '["/strict-groups/d/d/strict-init-gid-1000","--","id"]'
    assert_eq "$(admitted -c '.pod.spec.containers[0].volumeMounts[-1]')" \
        '{"name":"strict-groups","mountPath":"/strict-groups/d/d","readOnly":true}'
    # Control: the webhook's pod with the copies where it mounted them
    # before, at /strict-groups (depth 1): the configMap lands on them.
    admitted '.pod | .spec.containers[0].volumeMounts[-1].mountPath = "/strict-groups" |
        .spec.containers[0].command[0] = "/strict-groups/strict-init-gid-1000"' | run_pod
    assert_eq "$(pod '.initContainers[1].name')" prepare
    assert_eq "$(pod '.initContainers[1].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    assert_eq "$(pod '.containers[0].stderr')" ""
    # The webhook's pod: the configMap is mounted first, through the link,
    # read-only at /strict-groups; the copies' mount point below it cannot
    # be made there, so runc refuses to start the container: nothing runs.
    run run_pod < <(admitted .pod)
    assert_eq "$status" 1
    assert_contains "$output" 'error mounting'
    assert_contains "$output" 'to rootfs at "/strict-groups/d/d": mkdir'
    assert_contains "$output" '/rootfs/strict-groups/d: read-only file system'
    assert_eq "$(pod .)" ""
}

@test "webhook+cri: the same link with an emptyDir at /a/b: the copies are mounted on it, last, and the real strict-init runs" {
    local plant
    plant='ln -s /strict-groups /data/b && printf "#!/bin/sh\nshift\nexec \"\$@\"\n" > /fake/strict-init-gid-1000 && chmod 755 /fake/strict-init-gid-1000'
    shadow_pod | jq --arg plant "$plant" '.spec.volumes[-1] = {name: "fake", emptyDir: {}} |
        .spec.initContainers[-1].command = ["sh", "-c", $plant] |
        .spec.initContainers[-1].volumeMounts += [{name: "fake", mountPath: "/fake"}]' | admit
    assert_eq "$(admitted .response.allowed)" true
    # Control: at depth 1 the emptyDir's script runs the command.
    admitted '.pod | .spec.containers[0].volumeMounts[-1].mountPath = "/strict-groups" |
        .spec.containers[0].command[0] = "/strict-groups/strict-init-gid-1000"' | run_pod
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    admitted .pod | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
    assert_eq "$(pod '.containers[0].stderr')" "strict-init: dropped groups 50000"
}

# An image whose /strict-init is a script that writes, at the installer's
# destination, a "copy" that runs its command: what any image the author
# puts in place of the installer's can do (as root with CAP_SETFCAP it could
# also write a copy with any file capability).
evil_installer_image() {
    local d=$BATS_FILE_TMPDIR/evil
    [ -f "$d.tar" ] && return 0
    rm -rf "$d" && cp -a "$E2E_ROOT/images/rootfs" "$d" || return 1
    printf '#!/bin/sh\nfor dest; do :; done\nprintf "#!/bin/sh\\nshift\\nexec \\"\\$@\\"\\n" > "$dest"\nchmod 755 "$dest"\n' \
        > "$d/strict-init"
    chmod 0755 "$d/strict-init"
    "$REPO_ROOT/tools/mkimage" --docker-only --entrypoint '["/strict-init"]' "$d" sg-e2e-evil:1 "$d.tar" \
        2>/dev/null || return 1
    ctrc images import "$d.tar" >/dev/null
}

@test "webhook+cri: an update of the installer's image: the author's image would write the copy (the control); the webhook denies it, naming the field" {
    evil_installer_image
    manifest deploy/pod.yaml | admit --update \
        '[{"op":"replace","path":"/spec/initContainers/0/image","value":"sg-e2e-evil:1"}]'
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted .update.allowed)" false
    assert_eq "$(admitted .update.status.code)" 403
    assert_contains "$(admitted .update.status.message)" \
        "spec.initContainers[0].image: the installer strict-groups-install-gid-1000 cannot change"
    # Control: the pod as such an update would have left it.
    admitted '.pod | .spec.initContainers[0].image = "sg-e2e-evil:1"' |
        EXTRA_IMAGES='{"sg-e2e-evil:1": "docker.io/library/sg-e2e-evil:1"}' run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,50000,60000"
    # The webhook's pod, not updated.
    admitted .pod | run_pod
    assert_eq "$(groups_in "$(pod '.containers[0].stdout')")" "1000,60000"
}

@test "webhook+cri: kubectl debug with a body that claims a mirror pod: wrapped all the same, the debug container holds only the pod's groups" {
    local debug
    manifest deploy/pod.yaml | jq '.spec.containers[0].command = ["sleep", "3600"]' |
        admit --ephemeral-debug id --ephemeral-image "$E2E_BUSYBOX" \
        --ephemeral-body '[{"op":"add","path":"/metadata/annotations/kubernetes.io~1config.mirror","value":"x"}]'
    assert_eq "$(admitted .ephemeral.allowed)" true
    assert_eq "$(admitted -c '.ephemeralPod.spec.ephemeralContainers[0].command')" \
        '["/strict-groups/d/d/strict-init-gid-1000","--","id"]'
    # The API server keeps the new ephemeral container and restores the
    # rest from the stored pod: the webhook's pod with the debug container.
    jq '.pod.spec.ephemeralContainers = .ephemeralPod.spec.ephemeralContainers | .pod' "$(T admit.json)" |
        run_pod --keep
    debug=$(cri wait "$(pod '.ephemeralContainers[0].id')") || { cri remove-pod "$(pod '.pod.id')"; false; }
    cri remove-pod "$(pod '.pod.id')" >/dev/null
    assert_eq "$(jq -r .exitCode <<< "$debug")" 0
    assert_eq "$(groups_in "$(jq -r .stdout <<< "$debug")")" "1000,60000"
}

#!/usr/bin/env bats
# kubectl exec, kubectl cp and Pod Security restricted pods end to end
# (issue 16) on containerd's CRI:
#   - a pod goes through the webhook (tests/webhook/client.mjs review) and
#     runs; the CONNECT review the API server sends for `kubectl exec` goes
#     through the webhook, which reads the pod from a stand-in for the API
#     server (tests/webhook/kubeapi.mjs: no real API server runs here); the
#     answer's JSONPatch, applied to the PodExecOptions by fast-json-patch,
#     is what the session runs through CRI Exec and the runtime's streaming
#     server (kubelet's part, cri.js exec-stream), next to the same session
#     without the webhook;
#   - kubectl cp is tar over such a session: a binary file goes both ways
#     through the wrapped exec and arrives byte for byte;
#   - a pod shaped for Pod Security restricted (drop ALL, no privilege
#     escalation, non-root, RuntimeDefault) goes through the webhook, passes
#     a check of the restricted profile written from the published rules
#     (tests/webhook/pss-restricted.mjs; the webhook's wiring of an ordinary
#     pod is the control that fails it), and runs with every capability
#     dropped and no_new_privs: its installer without any privilege, its
#     copy sealed refuse without a capability, which refuses (77) when the
#     image adds a group and runs the command when it adds none.
# Every pod runs as uid 1000 (or 2000) in the busybox test image, whose
# /etc/group lists uid 1000 in 50000.

load lib/e2e
load ../webhook/lib
load lib/webhook

setup_file() {
    load lib/e2e
    load ../webhook/lib
    load lib/webhook
    e2e_webhook_prepare || return 1
    wh_kubeapi_start "$BATS_FILE_TMPDIR/kube" || return 1
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start e2e-exec "${KUBE_FLAGS[@]}" || return 1
    export WH_DIR WH_PID WEBHOOK_URL WEBHOOK_CA
}

teardown_file() {
    load ../webhook/lib
    wh_stop_all
}

# A long-running deploy/pod.yaml (its wiring taken out by the client),
# through the webhook, running; the stand-in serves the admitted pod.
running_pod() {
    manifest deploy/pod.yaml | jq --arg n "$1" '.metadata.name = $n |
        .spec.containers[0].command = ["/strict/strict-init", "--", "sleep", "3600"] |
        .spec.volumes += [{name: "data", emptyDir: {}}] |
        .spec.containers[0].volumeMounts += [{name: "data", mountPath: "/data"}]' | admit
    assert_eq "$(admitted .response.allowed)" true
    admitted .pod | wh_kube_pod strict-e2e
    admitted .pod | run_pod --keep
    assert_eq "$(pod '.containers[0].state')" CONTAINER_RUNNING
    APP_ID=$(pod '.containers[0].id')
    POD_ID=$(pod '.pod.id')
}

# exec_through_webhook NAME OPTIONS: the API server's CONNECT review; the
# patched PodExecOptions in exec.json.
exec_through_webhook() {
    wh_client exec strict-e2e "$1" "$2" > "$(T exec.json)"
    echo "--- exec review: $(jq -c '.response | del(.patch)' "$(T exec.json)")"
    assert_eq "$(jq -r .response.allowed "$(T exec.json)")" true
}

# session [--stdin FILE] NAME CMD...: CRI Exec into the app container, its
# stdout in NAME.out, the report in NAME.json. With stdin the session is
# closed once it is sent: the only end of stdin the runtime's WebSocket
# protocol (v4) has (cri.js, execStream), and the status is then lost.
session() {
    local stdin=()
    [ "$1" = --stdin ] && { stdin=(--stdin "$2" --close); shift 2; }
    local name=$1
    shift
    cri exec-stream --timeout 30 "${stdin[@]}" --stdout "$(T "$name.out")" "$APP_ID" "$@" > "$(T "$name.json")"
    echo "--- session $name: $(cat "$(T "$name.json")")"
}

@test "webhook+cri: kubectl exec: the CONNECT review's answer runs through CRI Exec with the pod's groups only; without it, the image's 50000 too" {
    running_pod exec-groups
    exec_through_webhook exec-groups '{"container":"app","stdout":true,"stderr":true,"command":["id"]}'
    assert_eq "$(jq -c .options.command "$(T exec.json)")" '["/strict-groups/d/d/strict-init-gid-1000","--","id"]'
    local cmd
    mapfile -t cmd < <(jq -r '.options.command[]' "$(T exec.json)")
    session wrapped "${cmd[@]}" || { cri remove-pod "$POD_ID"; false; }
    session plain id || { cri remove-pod "$POD_ID"; false; }
    # the same session started by the runtime's exec, and a non-zero status passed through
    session failing "${cmd[0]}" -- sh -c 'echo out; echo err >&2; exit 3' || { cri remove-pod "$POD_ID"; false; }
    cri remove-pod "$POD_ID" >/dev/null
    assert_eq "$(jq .exitCode "$(T plain.json)")" 0
    assert_eq "$(groups_in "$(cat "$(T plain.out)")")" "1000,50000,60000"
    assert_eq "$(jq .exitCode "$(T wrapped.json)")" 0
    assert_eq "$(groups_in "$(cat "$(T wrapped.out)")")" "1000,60000"
    assert_eq "$(jq -r .stderr "$(T wrapped.json)")" "strict-init: dropped groups 50000"
    assert_eq "$(cat "$(T wrapped.out)")" "$(sed 's/,50000(bypassed)//' "$(T plain.out)")"
    assert_eq "$(jq .exitCode "$(T failing.json)")" 3
    assert_eq "$(cat "$(T failing.out)")" out
    assert_eq "$(jq -r .stderr "$(T failing.json)")" $'strict-init: dropped groups 50000\nerr'
}

@test "webhook+cri: kubectl cp: a binary file through the wrapped exec (tar), out of the container and into it, byte for byte" {
    local want busybox=$E2E_ROOT/images/rootfs/bin/busybox cmd
    want=$(sha256sum < "$busybox" | cut -d' ' -f1)
    running_pod exec-cp
    # kubectl cp POD:/bin/busybox ./  ==  kubectl exec POD -- tar cf - /bin/busybox
    exec_through_webhook exec-cp '{"container":"app","stdout":true,"stderr":true,"command":["tar","cf","-","/bin/busybox"]}'
    mapfile -t cmd < <(jq -r '.options.command[]' "$(T exec.json)")
    assert_eq "${cmd[*]:0:2}" "/strict-groups/d/d/strict-init-gid-1000 --"
    session out-wrapped "${cmd[@]}" || { cri remove-pod "$POD_ID"; false; }
    session out-plain tar cf - /bin/busybox || { cri remove-pod "$POD_ID"; false; }
    # kubectl cp ./file POD:/data/  ==  tar cf - file | kubectl exec -i POD -- tar xmf - -C /data
    mkdir -p "$(T local)"
    cp "$busybox" "$(T local/payload)"
    head -c 65537 /dev/urandom > "$(T local/random)"
    tar -C "$(T local)" -cf "$(T in.tar)" payload random
    exec_through_webhook exec-cp '{"container":"app","stdin":true,"stdout":true,"stderr":true,"command":["tar","xmf","-","-C","/data"]}'
    mapfile -t cmd < <(jq -r '.options.command[]' "$(T exec.json)")
    session --stdin "$(T in.tar)" in-wrapped "${cmd[@]}" || { cri remove-pod "$POD_ID"; false; }
    # tar ends at the end of its stdin: the files are whole once it has gone
    for _ in $(seq 100); do
        session ps sh -c 'ps -o comm | grep -c "^tar$" || true' || break
        [ "$(cat "$(T ps.out)")" = 0 ] && break
        sleep 0.1
    done
    session sums sha256sum /data/payload /data/random || { cri remove-pod "$POD_ID"; false; }
    session owner stat -c '%u:%g %a' /data/payload || { cri remove-pod "$POD_ID"; false; }
    cri remove-pod "$POD_ID" >/dev/null
    assert_eq "$(jq .exitCode "$(T out-wrapped.json)")" 0
    assert_eq "$(jq .stdoutBytes "$(T out-wrapped.json)")" "$(stat -c %s "$(T out-wrapped.out)")"
    # the stream is the one tar writes without strict-init, byte for byte
    cmp "$(T out-plain.out)" "$(T out-wrapped.out)"
    mkdir -p "$(T got)"
    tar -C "$(T got)" -xf "$(T out-wrapped.out)"
    assert_eq "$(sha256sum < "$(T got/bin/busybox)" | cut -d' ' -f1)" "$want"
    assert_eq "$(jq -r .stderr "$(T in-wrapped.json)")" "strict-init: dropped groups 50000"
    assert_eq "$(cat "$(T sums.out)")" "$want  /data/payload
$(sha256sum < "$(T local/random)" | cut -d' ' -f1)  /data/random"
    # written by the session's process: uid 1000, gid 1000
    assert_eq "$(cut -d' ' -f1 "$(T owner.out)")" 1000:1000
}

@test "webhook+cri: kubectl exec into a kubectl debug container: the copy its gid names, the pod's groups only" {
    local id cmd pod_id
    manifest deploy/pod.yaml | jq '.metadata.name = "exec-debug" |
        .spec.containers[0].command = ["/strict/strict-init", "--", "sleep", "3600"]' |
        admit --ephemeral-debug sleep --ephemeral-image "$E2E_BUSYBOX"
    assert_eq "$(admitted .ephemeral.allowed)" true
    # the debug container stays up (kubectl debug's own command would be a shell)
    admitted '.ephemeralPod | .spec.ephemeralContainers[0].command += ["3600"]' > "$(T debug-pod.json)"
    assert_eq "$(jq -c '.spec.ephemeralContainers[0].command' "$(T debug-pod.json)")" \
        '["/strict-groups/d/d/strict-init-gid-1000","--","sleep","3600"]'
    wh_kube_pod strict-e2e < "$(T debug-pod.json)"
    run_pod --keep < "$(T debug-pod.json)"
    pod_id=$(pod '.pod.id')
    id=$(pod '.ephemeralContainers[0].id')
    exec_through_webhook exec-debug '{"container":"debugger","stdout":true,"stderr":true,"command":["id"]}' ||
        { cri remove-pod "$pod_id"; false; }
    mapfile -t cmd < <(jq -r '.options.command[]' "$(T exec.json)")
    APP_ID=$id session debug-wrapped "${cmd[@]}" || { cri remove-pod "$pod_id"; false; }
    APP_ID=$id session debug-plain id || { cri remove-pod "$pod_id"; false; }
    cri remove-pod "$pod_id" >/dev/null
    assert_eq "${cmd[*]}" "/strict-groups/d/d/strict-init-gid-1000 -- id"
    assert_eq "$(groups_in "$(cat "$(T debug-plain.out)")")" "1000,50000,60000"
    assert_eq "$(groups_in "$(cat "$(T debug-wrapped.out)")")" "1000,60000"
}

# A pod as Pod Security restricted requires it: non-root, RuntimeDefault,
# every container dropping ALL without privilege escalation. USER: 1000
# (the image adds 50000) or 2000 (it adds nothing).
restricted_pod() {
    manifest deploy/pod.yaml | jq --argjson u "$1" '.metadata.name = "restricted-\($u)" |
        .spec.securityContext = {runAsNonRoot: true, runAsUser: $u, runAsGroup: $u,
            supplementalGroups: [60000], seccompProfile: {type: "RuntimeDefault"}} |
        .spec.containers[0].command = ["/strict/strict-init", "--", "sh", "-c",
            "id; grep -E \"^(NoNewPrivs|CapPrm|CapEff|CapBnd):\" /proc/self/status"] |
        .spec.containers[0].securityContext = {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
            capabilities: {drop: ["ALL"]}}'
}

pss() { node "$REPO_ROOT/tests/webhook/pss-restricted.mjs"; }

@test "webhook+cri: Pod Security restricted: the injected pod passes every restricted check, init containers included; the usual wiring is the control that fails" {
    restricted_pod 1000 | admit
    assert_eq "$(admitted .response.allowed)" true
    # the author's pod passes, and so does the webhook's
    admitted .input | pss
    admitted .pod | pss
    assert_contains "$(admitted '.response.warnings[]')" "no container of the pod can hold CAP_SETGID"
    assert_eq "$(admitted '.pod.spec.initContainers[0].command | join(" ")')" \
        "/strict-init install --groups=60000 --mode=refuse --no-new-privs=1 --gid=1000 /strict-groups/strict-init-gid-1000"
    # the control: an ordinary pod's wiring (root installer adding SETFCAP,
    # an app container adding SETGID) fails it, naming the rules
    manifest deploy/pod.yaml | admit
    run pss < <(admitted .pod)
    echo "$output"
    [ "$status" -eq 1 ]
    assert_contains "$output" "Running as Non-root user: initContainers strict-groups-install-gid-1000: runAsUser 0"
    assert_contains "$output" "Capabilities (restricted): initContainers strict-groups-install-gid-1000 adds SETFCAP"
    assert_contains "$output" "Capabilities (restricted): containers app adds SETGID"
}

@test "webhook+cri: Pod Security restricted: every capability dropped, no_new_privs; the image's group makes strict-init refuse (77), without one the command runs" {
    restricted_pod 1000 | admit
    admitted .pod | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 77
    assert_eq "$(pod '.containers[0].stdout')" ""
    assert_contains "$(pod '.containers[0].stderr')" "strict-init: refusing"
    assert_contains "$(pod '.containers[0].stderr')" "50000"
    # the copy: written by uid 1000 without any privilege, no capability on it
    local copy
    copy=$(pod '.pod.dir')/volumes/kubernetes.io~empty-dir/strict-groups/strict-init-gid-1000
    assert_eq "$(stat -c %u "$copy")" 1000
    assert_eq "$(getcap "$copy")" ""
    run "$copy" check
    assert_eq "${lines[0]}" "sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=refuse STRICT_GROUPS_NO_NEW_PRIVS=1 STRICT_GROUPS_GID=1000"
    # uid 2000: the image lists it in no group
    restricted_pod 2000 | admit
    admitted .pod | pss
    admitted .pod | run_pod
    assert_eq "$(pod '.initContainers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].exitCode')" 0
    assert_eq "$(pod '.containers[0].stderr')" ""
    local out
    out=$(pod '.containers[0].stdout')
    assert_eq "$(groups_in "$out")" "2000,60000"
    assert_contains "$out" "NoNewPrivs:	1"
    assert_contains "$out" "CapPrm:	0000000000000000"
    assert_contains "$out" "CapEff:	0000000000000000"
    assert_contains "$out" "CapBnd:	0000000000000000"
}

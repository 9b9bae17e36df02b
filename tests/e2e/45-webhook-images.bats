#!/usr/bin/env bats
# Pods whose containers set no command (issue 10's "Done when"), end to end:
# the webhook reads each image's ENTRYPOINT and CMD from the suite's real
# registries (Debian's docker-registry on 127.0.0.1, TLS from the test CA,
# htpasswd Basic auth or Bearer tokens; e2e_registry_start), the answer's
# patch is applied by an independent RFC 6902 implementation and validated
# (tests/webhook/client.mjs), and the pod runs on the suite's containerd,
# which pulls the pinned digest from the same registry (its CRI registry
# configuration trusts the test CA and has the credentials) -- next to the
# same pod without the webhook, pulled by its tag. PID 1 of both is
# compared: argv (/proc/1/cmdline), environment, cwd, uid and gid, and the
# groups, only the pod's.
#
# The images run the e2e root filesystem, whose /etc/group lists alice
# (1000) in 50000: the group containerd adds (#112879). Their CMD holds
# "$(GREETING)" and "$$", which kubelet (cri/kubelet.js follows it) would
# expand in a pod's command or args: the pods set GREETING.

load lib/e2e
load ../webhook/lib
load lib/webhook

setup_file() {
    load lib/e2e
    load ../webhook/lib
    load lib/webhook
    e2e_webhook_prepare || return 1
    export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
    export REG_CA=$E2E_ROOT/registry/pki/ca.crt
    local flags=(--registry-ca="$REG_CA" --registry-config="$E2E_REG_CONFIG" --tag-ttl=3600
        --lookup-timeout=3)
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start e2e-images "${flags[@]}" || return 1
    export DENY_URL=$WEBHOOK_URL
    STRICT_GROUPS_WEBHOOK_IMAGE=$STRICT_IMAGE_DOCKER wh_start e2e-images-skip "${flags[@]}" \
        --on-lookup-failure=skip || return 1
    export SKIP_URL=$WEBHOOK_URL WEBHOOK_CA WH_DIR
}

teardown_file() {
    load ../webhook/lib
    wh_stop_all
}

setup() {
    export WEBHOOK_URL=$DENY_URL
    . "$REPO_ROOT/tests/registry/lib/registry.bash"
}

# image_pod NAME IMAGE [JQ]: a pod of one container without command,
# runAsUser and runAsGroup 1000 (containerd's sandbox refuses runAsGroup
# without runAsUser, as the CRI says), supplementalGroups 60000, env
# GREETING, allowPrivilegeEscalation: false as in deploy/ (strict-init sets
# no_new_privs by default: without it, that would be the one difference);
# changed by JQ.
image_pod() {
    jq -n --arg name "$1" --arg img "$2" '{apiVersion:"v1",kind:"Pod",metadata:{name:$name},
        spec:{securityContext:{runAsUser:1000,runAsGroup:1000,supplementalGroups:[60000]},
        containers:[{name:"app",image:$img,env:[{name:"GREETING",value:"hello world"}],
            securityContext:{allowPrivilegeEscalation:false}}]}}' |
        jq "${3:-.}"
}

# compare NAME IMAGE [JQ]: the pod through the webhook and without it, both
# run on containerd; asserts the image was pinned (and containerd has that
# digest: the webhook's pod ran it) and PID 1 is the same process, with only
# the pod's groups (1000, 60000).
compare() {
    local name=$1 image=$2
    image_pod "$name" "$image" "${3:-.}" | admit
    assert_eq "$(admitted .response.allowed)" true
    assert_eq "$(admitted .again.patch)" null
    local pinned
    pinned=$(admitted '.pod.spec.containers[0].image')
    [[ "$pinned" == "${image%:*}@sha256:"* ]] || { echo "not pinned: $pinned" >&2; return 1; }
    admitted .input | run_kept base
    admitted .pod | run_kept wh
    assert_eq "$(jq -r '.initContainers[0].exitCode' "$(T wh.json)")" 0
    assert_eq "$(cri image-status "$pinned" | jq -r --arg p "$pinned" '.repoDigests | index($p) != null')" true
    # the image's group is there without the webhook (the bug), not with it
    assert_eq "$(status_line "$(T base.app)" Groups)" "1000 50000 60000 "
    same_process "$(T base.app)" "$(T wh.app)" 1000,60000
}

@test "webhook+cri: no command, OCI image (Basic auth): ENTRYPOINT + CMD with \$(VAR) and \$\$ reach PID 1 as the image wrote them; pinned digest pulled; strict groups" {
    compare escaped "$E2E_BASIC/e2e/app:1"
    assert_eq "$(admitted -c '.pod.spec.containers[0].command')" \
        '["/strict-groups/d/d/strict-init-gid-1000","--","/bin/sh","-c"]'
    assert_eq "$(admitted -c '.pod.spec.containers[0].args')" \
        '["sleep 3600; true # $$(GREETING) $$$$ $$HOME","$$(GREETING)","$$$$x"]'
    # PID 1 has the image's bytes, unexpanded, with and without the webhook
    assert_eq "$(section "$(T wh.app)" cmdline)" '/bin/sh
-c
sleep 3600; true # $(GREETING) $$ $HOME
$(GREETING)
$$x'
    assert_eq "$(section "$(T wh.app)" cwd)" /home/alice
    assert_contains "$(section "$(T wh.app)" environ)" "FROM_IMAGE=yes"
    assert_contains "$(section "$(T wh.app)" environ)" "GREETING=hello world"
    # containerd pulled the tag for the pod without the webhook, and the
    # digest for the pod with it (the webhook itself reads this manifest by
    # its tag): in the registry's own log
    local digest
    digest=$(admitted '.pod.spec.containers[0].image' | sed 's/.*@//')
    [ "$(reg_count basic '(GET|HEAD)' "/v2/e2e/app/manifests/$digest" 200)" -ge 1 ]
    assert_eq "$(jq -c '[.pulled[].image]' "$(T base.json)")" "[\"$E2E_BASIC/e2e/app:1\"]"
}

@test "webhook+cri: args set: ENTRYPOINT + the pod's args, which kubelet expands as it would without the webhook" {
    compare args "$E2E_BASIC/e2e/app:1" \
        '.spec.containers[0].args = ["sleep 3600; true", "$(GREETING)", "$$y"]'
    assert_eq "$(section "$(T wh.app)" cmdline)" '/bin/sh
-c
sleep 3600; true
hello world
$y'
}

@test "webhook+cri: ENTRYPOINT only, from an OCI index with two platforms and an attestation" {
    compare entrypoint "$E2E_BASIC/e2e/multi:1"
    assert_eq "$(admitted -c '.pod.spec.containers[0].command')" \
        '["/strict-groups/d/d/strict-init-gid-1000","--","/bin/sleep","3600"]'
    assert_eq "$(admitted '.pod.spec.containers[0].args')" null
    assert_eq "$(section "$(T wh.app)" cmdline | tr '\n' ' ')" "/bin/sleep 3600 "
}

@test "webhook+cri: CMD only, from a Docker manifest list" {
    compare cmdonly "$E2E_BASIC/e2e/list:1"
    assert_eq "$(admitted -c '.pod.spec.containers[0].command')" '["/strict-groups/d/d/strict-init-gid-1000","--"]'
    assert_eq "$(admitted -c '.pod.spec.containers[0].args')" '["/bin/sh","-c","sleep 3600; true"]'
}

@test "webhook+cri: a private repository behind a Bearer token service, with an init container of the same image" {
    : > "$E2E_ROOT/registry/token.log"
    compare bearer "$E2E_TOKEN/private/app:1" \
        '.spec.initContainers = [{name:"init",image:.spec.containers[0].image,args:["id -G"]}]'
    assert_eq "$(jq -r '.initContainers[1].stdout' "$(T wh.json)")" "1000 60000"
    assert_eq "$(jq -r '.initContainers[0].stdout' "$(T base.json)")" "1000 50000 60000"
    # tokens for alice: the webhook's, and containerd's for both pulls
    [ "$(jq -c 'select(.user == "alice" and .status == 200)' "$E2E_ROOT/registry/token.log" | wc -l)" -ge 2 ]
}

@test "webhook: platforms that disagree, a tampered config blob, an image with nothing to run: denied, naming why" {
    image_pod disagree "$E2E_BASIC/e2e/disagree:1" | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_contains "$(admitted .response.status.message)" "linux/amd64 and linux/arm64 have different"
    image_pod tamper "$E2E_BASIC/e2e/tamper:1" | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_contains "$(admitted .response.status.message)" "e2e/tamper:1"
    image_pod nothing "$E2E_BASIC/e2e/nothing:1" | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_contains "$(admitted .response.status.message)" "nothing to run"
}

@test "webhook+cri: USER 1000:2000 without runAsGroup: denied; without the webhook the gid is /etc/passwd's, not 2000 (the runtime reports only the uid)" {
    image_pod user "$E2E_BASIC/e2e/user:1" 'del(.spec.securityContext.runAsGroup, .spec.securityContext.runAsUser)' | admit
    assert_eq "$(admitted .response.allowed)" false
    assert_contains "$(admitted .response.status.message)" "the group in its image's USER does not count"
    admitted .input | run_pod --keep
    cri remove-pod "$(pod '.pod.id')" >/dev/null
    assert_eq "$(pod '.containers[0].ociUser | "\(.uid) \(.gid)"')" "1000 1000"
    local status
    status=$(cri image-status "$E2E_BASIC/e2e/user:1")
    assert_eq "$(jq -c '[.uid, .username]' <<<"$status")" '[1000,""]'
}

@test "webhook+cri: the registry stopped: a cached image is still admitted and runs; another is denied within the deadline, or admitted unchanged with skip" {
    local pid t0 t1 before
    pid=$(cat "$E2E_ROOT/registry/basic/pid")
    kill -STOP "$pid"
    # cached (the first test read its tag, --tag-ttl=3600), and pulled by
    # containerd already: admitted, pinned, and it runs
    image_pod cached "$E2E_BASIC/e2e/app:1" | admit || { kill -CONT "$pid"; false; }
    assert_eq "$(admitted .response.allowed)" true || { kill -CONT "$pid"; false; }
    admitted .pod | run_pod --keep || { kill -CONT "$pid"; false; }
    cri remove-pod "$(pod '.pod.id')" >/dev/null
    assert_eq "$(pod '.containers[0].state')" CONTAINER_RUNNING || { kill -CONT "$pid"; false; }
    # never looked up: the lookup ends at --lookup-timeout=3
    t0=$(date +%s%3N)
    image_pod other "$E2E_BASIC/e2e/other:1" | admit || { kill -CONT "$pid"; false; }
    t1=$(date +%s%3N)
    assert_eq "$(admitted .response.allowed)" false || { kill -CONT "$pid"; false; }
    assert_contains "$(admitted .response.status.message)" "deadline" || { kill -CONT "$pid"; false; }
    echo "denied after $((t1 - t0)) ms"
    [ $((t1 - t0)) -ge 2800 ] && [ $((t1 - t0)) -lt 6000 ] || { kill -CONT "$pid"; false; }
    before=$(curl -s --cacert "$WEBHOOK_CA" "$SKIP_URL/metrics" | awk '$1 == "strict_groups_webhook_lookup_skipped_total" {print $2}')
    image_pod other "$E2E_BASIC/e2e/other:1" | WEBHOOK_URL=$SKIP_URL admit || { kill -CONT "$pid"; false; }
    kill -CONT "$pid"
    assert_eq "$(admitted .response.allowed)" true
    assert_contains "$(admitted '.response.warnings[0]')" "--on-lookup-failure=skip"
    assert_eq "$(admitted '.pod.spec.containers[0].command')" null
    assert_eq "$(admitted '.pod.metadata.annotations["strict-groups/skipped"] | fromjson | .images[0]')" \
        "$E2E_BASIC/e2e/other:1"
    [ "$(curl -s --cacert "$WEBHOOK_CA" "$SKIP_URL/metrics" | awk '$1 == "strict_groups_webhook_lookup_skipped_total" {print $2}')" -gt "$before" ]
}

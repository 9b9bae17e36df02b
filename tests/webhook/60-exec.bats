#!/usr/bin/env bats
# kubectl exec and kubectl cp (tar over exec), as the API server sends them:
# a CONNECT review of the PodExecOptions (kind PodExecOptions, resource
# pods, subResource exec, oldObject and options null; client.mjs exec), for
# which the webhook reads the pod from the API server. No real API server
# runs here: kubeapi.mjs stands in for it over HTTPS (a bearer token
# required, 401 and 404 Status objects as the API server writes them), and
# its log shows every request the webhook made. The pods it serves are the
# ones the webhook itself injected (client.mjs review).

setup_file() {
    load lib
    wh_kubeapi_start "$BATS_FILE_TMPDIR/kube" || return 1
    wh_start exec "${KUBE_FLAGS[@]}" || return 1
    export EXEC_URL=$WEBHOOK_URL EXEC_DIR=$WH_DIR
    wh_start exec-allow "${KUBE_FLAGS[@]}" --exec-unwrapped=allow || return 1
    export ALLOW_URL=$WEBHOOK_URL
    # one worker thread, and pod reads that take as long as they may
    wh_start exec-one-thread "${KUBE_FLAGS[@]}" --threads=1 --lookup-timeout=8 || return 1
    export ONE_URL=$WEBHOOK_URL
    # no --kube-api, outside a pod: nowhere to read a pod from
    (unset KUBERNETES_SERVICE_HOST; wh_start exec-nowhere && echo "$WEBHOOK_URL" > "$BATS_FILE_TMPDIR/nowhere") || return 1
    NOWHERE_URL=$(cat "$BATS_FILE_TMPDIR/nowhere")
    export NOWHERE_URL
    export WEBHOOK_URL=$EXEC_URL
    # the pod of deploy/pod.yaml as the webhook injected it, and as it was
    wh_client review "$WH_REPO/deploy/pod.yaml" > "$BATS_FILE_TMPDIR/injected.json" || return 1
    jq '.pod | .metadata.name = "app"' "$BATS_FILE_TMPDIR/injected.json" | wh_kube_pod team-a
    jq '.input | .metadata.name = "old"' "$BATS_FILE_TMPDIR/injected.json" | wh_kube_pod team-a
}

teardown_file() {
    load lib
    wh_stop_all
}

setup() {
    load lib
    export WEBHOOK_URL=$EXEC_URL
}

# exec_review NS POD OPTIONS [CLIENT ARGS]: the answer in $BATS_TEST_TMPDIR/exec.json
exec_review() {
    wh_client exec "$@" > "$BATS_TEST_TMPDIR/exec.json"
}
answer() { jq -r "$@" "$BATS_TEST_TMPDIR/exec.json"; }

@test "exec: the command goes through the container's sealed copy; the pod read with the bearer token; stdin, stdout, tty as sent" {
    : > "$KUBE_DIR/requests.log"
    exec_review team-a app '{"container":"app","stdin":true,"stdout":true,"tty":true,"command":["sh","-c","id"]}'
    [ "$(answer .response.allowed)" = true ]
    [ "$(answer -c .options)" = '{"kind":"PodExecOptions","apiVersion":"v1","stdin":true,"stdout":true,"tty":true,"container":"app","command":["/strict-groups/d/d/strict-init-gid-1000","--","sh","-c","id"]}' ]
    [ "$(jq -c 'del(.port)' "$KUBE_DIR/requests.log")" = "{\"method\":\"GET\",\"path\":\"/api/v1/namespaces/team-a/pods/app\",\"auth\":\"Bearer $(cat "$KUBE_DIR/token")\"}" ]
}

@test "exec: one review after the other reuse the connection to the API server (no handshake per session)" {
    : > "$KUBE_DIR/requests.log"
    for i in 1 2 3 4 5; do
        exec_review team-a app '{"container":"app","command":["id"]}'
        [ "$(answer .response.allowed)" = true ]
    done
    [ "$(wc -l < "$KUBE_DIR/requests.log")" = 5 ]
    [ "$(jq -r .port "$KUBE_DIR/requests.log" | sort -u | wc -l)" = 1 ]
}

@test "exec: kubectl cp's tar (from and into the container): wrapped, its arguments exactly as sent" {
    exec_review team-a app '{"container":"app","stdout":true,"command":["tar","cf","-","/data/a b","--","-x"]}'
    [ "$(answer -c .options.command)" = '["/strict-groups/d/d/strict-init-gid-1000","--","tar","cf","-","/data/a b","--","-x"]' ]
    exec_review team-a app '{"container":"app","stdin":true,"stdout":true,"command":["tar","xmf","-","-C","/tmp"]}'
    [ "$(answer -c .options.command)" = '["/strict-groups/d/d/strict-init-gid-1000","--","tar","xmf","-","-C","/tmp"]' ]
}

@test "exec: no container named, the pod has one: that one, named in the patch" {
    exec_review team-a app '{"stdout":true,"command":["id"]}'
    [ "$(answer .options.container)" = app ]
    [ "$(answer -c .options.command)" = '["/strict-groups/d/d/strict-init-gid-1000","--","id"]' ]
}

@test "exec: a container that is not in the pod, an installer, a pod the webhook did not wrap: denied, saying why" {
    exec_review team-a app '{"container":"nope","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [ "$(answer .response.status.code)" = 400 ]
    [[ $(answer .response.status.message) == "container nope is not valid for pod team-a/app" ]]
    exec_review team-a app '{"container":"strict-groups-install-gid-1000","command":["sh"]}'
    [ "$(answer .response.allowed)" = false ]
    exec_review team-a old '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [ "$(answer .response.status.code)" = 403 ]
    [[ $(answer .response.status.message) == *"container app of pod team-a/old does not start through strict-init"*"recreate the pod"* ]]
}

@test "exec: --exec-unwrapped=allow admits a pod the webhook did not wrap, unchanged, with a warning" {
    WEBHOOK_URL=$ALLOW_URL exec_review team-a old '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = true ]
    [ "$(answer .response.patch)" = null ]
    [[ $(answer '.response.warnings[0]') == *"(--exec-unwrapped=allow)"* ]]
    # a wrapped one is wrapped all the same
    WEBHOOK_URL=$ALLOW_URL exec_review team-a app '{"container":"app","command":["id"]}'
    [ "$(answer -c .options.command)" = '["/strict-groups/d/d/strict-init-gid-1000","--","id"]' ]
}

@test "exec: audit namespace (/mutate/audit): a pod the webhook did not wrap is admitted, said as enforce would deny it" {
    exec_review team-a old '{"container":"app","command":["id"]}' --path /mutate/audit
    [ "$(answer .response.allowed)" = true ]
    [ "$(answer .response.patch)" = null ]
    [[ $(answer '.response.warnings[0]') == "container app of pod team-a/old does not start through strict-init"* ]]
    [[ $(answer '.response.auditAnnotations["would-deny"]') == *"container app of pod team-a/old does not start through strict-init"*"recreate the pod"* ]]
}

@test "exec: the pod's annotation edited to claim injected changes nothing (it is never read)" {
    jq '.input | .metadata.name = "claims" | .metadata.annotations["strict-groups/injected"] = "{\"copies\":{\"gid-1000\":[\"app\"]}}"' \
        "$BATS_FILE_TMPDIR/injected.json" | wh_kube_pod team-a
    exec_review team-a claims '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    jq '.pod | .metadata.name = "edited" | .metadata.annotations = {}' "$BATS_FILE_TMPDIR/injected.json" | wh_kube_pod team-a
    exec_review team-a edited '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = true ]
}

@test "exec: a pod the API server does not have (404), a read it forbids (403): denied with its message" {
    exec_review team-a gone '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [ "$(answer .response.status.code)" = 403 ]
    [[ $(answer .response.status.message) == *'pod team-a/gone could not be read from the API server (HTTP 404 from the API server: pods "gone" not found)'* ]]
    mkdir -p "$KUBE_DIR/pods/team-a" && echo 403 > "$KUBE_DIR/pods/team-a/secret.status"
    exec_review team-a secret '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [[ $(answer .response.status.message) == *'(HTTP 403 from the API server: pods "secret" is forbidden: '* ]]
}

@test "exec: the API server's 401 (a token it refuses): denied, naming it" {
    # a second stand-in whose token the webhook does not have
    local other=$BATS_TEST_TMPDIR/kube-other webhook_token=$BATS_TEST_TMPDIR/webhook-token
    echo not-the-token > "$webhook_token"
    (wh_kubeapi_start "$other" && echo "$KUBE_URL" > "$other/url") || false
    wh_start exec-401 --kube-api="$(cat "$other/url")" --kube-token-file="$webhook_token" --kube-ca="$WH_CERTS/ca.crt"
    exec_review team-a app '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [[ $(answer .response.status.message) == *"(HTTP 401 from the API server: Unauthorized)"* ]]
    [ "$(jq -r .auth "$other/requests.log")" = "Bearer not-the-token" ]
    # the token file is read at every request (kubelet rotates it): the right one now
    cp "$other/token" "$webhook_token"
    jq '.pod | .metadata.name = "app"' "$BATS_FILE_TMPDIR/injected.json" > "$other/pods/app.json"
    mkdir -p "$other/pods/team-a" && mv "$other/pods/app.json" "$other/pods/team-a/"
    exec_review team-a app '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = true ]
}

@test "exec: an API server that does not answer: denied within the review's deadline (80% of ?timeout=)" {
    mkdir -p "$KUBE_DIR/pods/team-a" && touch "$KUBE_DIR/pods/team-a/stuck.hang"
    exec_review team-a stuck '{"container":"app","command":["id"]}' --timeout 2s
    [ "$(answer .response.allowed)" = false ]
    echo "$(answer -c .)"
    # within what was left of the 1.6 s when the read began
    [[ $(answer .response.status.message) =~ "the API server did not answer within 1"[0-9]{3}" ms" ]]
    [ "$(answer .ms)" -ge 1500 ] && [ "$(answer .ms)" -lt 2000 ]
}

@test "exec: pod reads that hang hold no worker thread: one thread answers pod creations meanwhile" {
    local pids=() load t0 t1
    mkdir -p "$KUBE_DIR/pods/team-a" && touch "$KUBE_DIR/pods/team-a/stuck.hang"
    t0=$(date +%s%N)
    for i in 1 2 3; do
        WEBHOOK_URL=$ONE_URL wh_client exec team-a stuck '{"container":"app","command":["id"]}' > "$BATS_TEST_TMPDIR/stuck$i.json" &
        pids+=($!)
    done
    sleep 0.5
    # one second of pod creations on four connections while the three reads wait
    load=$(WEBHOOK_URL=$ONE_URL wh_client load 1 4)
    t1=$(date +%s%N)
    echo "$load, done after $(( (t1 - t0) / 1000000 )) ms"
    for pid in "${pids[@]}"; do wait "$pid"; done
    [ "$(jq .failed <<< "$load")" = 0 ]
    [ "$(jq .ok <<< "$load")" -ge 5 ]
    # answered while the reads still waited: those end at their deadline, 8 s
    [ $(( (t1 - t0) / 1000000 )) -lt 7000 ]
    for i in 1 2 3; do
        [ "$(jq -r .response.allowed "$BATS_TEST_TMPDIR/stuck$i.json")" = false ]
        [[ $(jq -r .response.status.message "$BATS_TEST_TMPDIR/stuck$i.json") == *"did not answer within"* ]]
        [ "$(jq .ms "$BATS_TEST_TMPDIR/stuck$i.json")" -ge 7500 ]
    done
}

@test "exec: a review naming no valid pod is denied without a request; no API server configured: denied, pod creation unchanged" {
    : > "$KUBE_DIR/requests.log"
    exec_review team-a ../x '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [[ $(answer .response.status.message) == *'the review names no valid pod'* ]]
    [ ! -s "$KUBE_DIR/requests.log" ]
    WEBHOOK_URL=$NOWHERE_URL exec_review team-a app '{"container":"app","command":["id"]}'
    [ "$(answer .response.allowed)" = false ]
    [[ $(answer .response.status.message) == *"no API server: the webhook runs outside a pod and no --kube-api was given"* ]]
    WEBHOOK_URL=$NOWHERE_URL run wh_client review "$WH_REPO/deploy/pod.yaml"
    [ "$status" -eq 0 ]
    [ "$(jq -r .response.allowed <<< "$output")" = true ]
}

@test "exec: the metrics count the reviews (operation CONNECT) and the pod reads by result" {
    local m
    m=$(wh_curl "$EXEC_URL/metrics")
    grep -qx 'strict_groups_webhook_admissions_total{operation="CONNECT",mode="enforce",result="injected"} [1-9][0-9]*' <<< "$m"
    grep -qx 'strict_groups_webhook_admissions_total{operation="CONNECT",mode="enforce",result="denied"} [1-9][0-9]*' <<< "$m"
    grep -qx 'strict_groups_webhook_pod_reads_total{result="ok"} [1-9][0-9]*' <<< "$m"
    grep -qx 'strict_groups_webhook_pod_reads_total{result="not_found"} [1-9][0-9]*' <<< "$m"
    grep -qx 'strict_groups_webhook_pod_reads_total{result="timeout"} [1-9][0-9]*' <<< "$m"
    grep -q 'CONNECT pods/exec team-a/old: denied: container app of pod team-a/old does not start through strict-init' "$EXEC_DIR/log"
}

@test "exec: a --kube-api that is no https URL is refused at start (64)" {
    for url in http://127.0.0.1:1 "https://" "https://a b" "https://x/?q"; do
        run "$WH_BIN" --tls-cert=x --tls-key=y --image=i --kube-api="$url"
        [ "$status" -eq 64 ]
        [[ $output == *"--kube-api="*": an https:// URL" ]]
    done
}

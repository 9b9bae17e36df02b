# Helpers shared by the e2e suite's webhook files (40-webhook.bats,
# 45-webhook-images.bats): the webhook's test certificate and client, the
# API server's admission call, and PID 1 of a pod's containers read from
# outside and compared with the same pod without the webhook. Loaded after
# lib/e2e and ../webhook/lib.

# e2e_webhook_prepare: the client's node modules and a server certificate
# under $BATS_FILE_TMPDIR/certs (WH_CERTS), for wh_start.
e2e_webhook_prepare() {
    local dir=$REPO_ROOT/tests/webhook
    [ -x "$WH_BIN" ] || e2e_die "$WH_BIN missing: run make webhook" || return 1
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
        [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
            e2e_die "npm ci failed in $dir" || return 1
    fi
    export WH_CERTS=$BATS_FILE_TMPDIR/certs
    mkdir -p "$WH_CERTS"
    wh_cert "$WH_CERTS" server || e2e_die "openssl: no test certificate"
}

T() { echo "$BATS_TEST_TMPDIR/$1"; }

# admit [CLIENT ARGS...] < POD: the API server's admission call for the pod
# on stdin (JSON or YAML; its manual wiring taken out, defaulted). The
# client's report ({response, input, pod, again, ...}) goes to admit.json.
admit() {
    wh_client review - "$@" > "$(T admit.json)" || return 1
    echo "--- admission: $(jq -c '.response | del(.patch)' "$(T admit.json)")"
}
admitted() { jq -r "$@" "$(T admit.json)"; }

# What the process of a running container is, read from outside through an
# exec session (/proc/1 is the container's command, which strict-init
# exec'd): argv, environment, working directory, ids, groups, capabilities.
# The environment is compared whole: kubelet's additions (service links,
# the same for two pods of one namespace) are not made by this CRI client,
# and containerd's HOSTNAME is the node's for both (host network).
PROBE='tr "\0" "\n" < /proc/1/cmdline; echo "--- environ"; tr "\0" "\n" < /proc/1/environ | sort
echo "--- cwd"; readlink /proc/1/cwd
echo "--- status"; grep -E "^(Uid|Gid|Groups|NoNewPrivs|CapInh|CapPrm|CapEff|CapBnd|CapAmb):" /proc/1/status'

# run_kept NAME < POD: runs the pod with --keep, writes its report to
# NAME.json and each app container's probe to NAME.CONTAINER, removes it.
run_kept() {
    local name=$1 pod_id id c rc=0
    run_pod --keep || return 1
    cp "$(T pod.json)" "$(T "$name.json")"
    pod_id=$(pod '.pod.id')
    for c in $(pod '.containers[].name'); do
        id=$(pod --arg c "$c" '.containers[] | select(.name == $c) | .id')
        cri exec "$id" sh -c "$PROBE" | jq -r .stdout > "$(T "$name.$c")" || rc=1
    done
    cri remove-pod "$pod_id" >/dev/null || rc=1
    return $rc
}

# section FILE NAME: one part of a probe (cmdline, environ, cwd, status).
section() {
    awk -v want="$2" 'BEGIN { s = "cmdline" } /^--- / { s = $2; next } s == want' "$1"
}
status_line() { section "$1" status | sed -n "s/^$2:[[:space:]]*//p" | tr -s ' \t' ' '; }

# same_process BASE WEBHOOK GROUPS: the container with the webhook runs the
# very process it runs without it (argv, environment, cwd, uid and gid,
# no_new_privs, every capability set), holding only GROUPS.
same_process() {
    local base=$1 wh=$2 groups=$3 s
    for s in cmdline environ cwd; do
        [ -s "$base" ] && [ -n "$(section "$base" "$s")" ] || { echo "no $s in $base" >&2; return 1; }
        assert_eq "$(section "$wh" "$s")" "$(section "$base" "$s")" || { echo "($s differs)" >&2; return 1; }
    done
    for s in Uid Gid NoNewPrivs CapInh CapPrm CapEff CapBnd CapAmb; do
        assert_eq "$(status_line "$wh" "$s")" "$(status_line "$base" "$s")" || { echo "($s differs)" >&2; return 1; }
    done
    assert_eq "$(status_line "$wh" Groups | tr ' ' ',' | sed 's/,$//')" "$groups"
}


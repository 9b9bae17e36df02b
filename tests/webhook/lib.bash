# Helpers for tests/webhook/*.bats: a test CA (openssl), webhook instances on
# free loopback ports, the API server's side (client.mjs).

WH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WH_BIN=${WH_BIN:-$WH_REPO/build/strict-groups-webhook}
WH_CLIENT=$WH_REPO/tests/webhook/client.mjs

# wh_cert DIR NAME: a key and a certificate for 127.0.0.1/localhost signed by
# the CA in DIR (made on first use).
wh_cert() {
    local dir=$1 name=$2
    if [ ! -f "$dir/ca.crt" ]; then
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj /CN=strict-groups-test-ca -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null || return 1
    fi
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null || return 1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 1 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
}

wh_free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wh_start NAME [FLAG...]: starts an instance with its own certificate under
# $BATS_FILE_TMPDIR/NAME; sets WH_DIR, WH_PID, WEBHOOK_URL, WEBHOOK_CA and
# waits until /readyz answers. With WH_TLS_CERT, WH_TLS_KEY and WH_TLS_CA set,
# it serves that pair instead, for clients that trust that CA only and check
# the name in WEBHOOK_SERVERNAME.
wh_start() {
    local name=$1
    shift
    WH_DIR=$BATS_FILE_TMPDIR/$name
    mkdir -p "$WH_DIR"
    local crt=$WH_DIR/tls.crt key=$WH_DIR/tls.key
    if [ -n "${WH_TLS_CERT:-}" ]; then
        crt=$WH_TLS_CERT key=$WH_TLS_KEY
        cp "$WH_TLS_CA" "$WH_DIR/ca.crt"
    else
        cp "$WH_CERTS/ca.crt" "$WH_DIR/ca.crt"
        cp "$WH_CERTS/server.crt" "$WH_DIR/tls.crt"
        cp "$WH_CERTS/server.key" "$WH_DIR/tls.key"
    fi
    WH_PORT=$(wh_free_port)
    export WEBHOOK_URL=https://127.0.0.1:$WH_PORT WEBHOOK_CA=$WH_DIR/ca.crt
    STRICT_GROUPS_WEBHOOK_SHUTDOWN_DELAY=${STRICT_GROUPS_WEBHOOK_SHUTDOWN_DELAY:-0} \
    STRICT_GROUPS_WEBHOOK_IMAGE=${STRICT_GROUPS_WEBHOOK_IMAGE:-strict-groups:0.1.0} \
        "$WH_BIN" --tls-cert="$crt" --tls-key="$key" \
        --listen="127.0.0.1:$WH_PORT" "$@" 2>"$WH_DIR/log" &
    WH_PID=$!
    echo "$WH_PID" >> "$BATS_FILE_TMPDIR/pids"
    for _ in $(seq 100); do
        wh_curl -f -o /dev/null "$WEBHOOK_URL/readyz" 2>/dev/null && return 0
        kill -0 "$WH_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "webhook did not start:" >&2
    cat "$WH_DIR/log" >&2
    return 1
}

wh_stop_all() {
    [ -f "$BATS_FILE_TMPDIR/pids" ] || return 0
    while read -r pid; do
        kill "$pid" 2>/dev/null || true
    done < "$BATS_FILE_TMPDIR/pids"
    while read -r pid; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done < "$BATS_FILE_TMPDIR/pids"
    rm -f "$BATS_FILE_TMPDIR/pids"
}

wh_client() {
    node "$WH_CLIENT" "$@"
}

# wh_curl [CURL ARGS...]: HTTPS to the instance, trusting the test CA (and
# reaching it by the name in WEBHOOK_SERVERNAME when that is set).
wh_curl() {
    if [ -n "${WEBHOOK_SERVERNAME:-}" ]; then
        local port=${WEBHOOK_URL##*:} arg args=()
        for arg in "$@"; do args+=("${arg/"$WEBHOOK_URL"/https://$WEBHOOK_SERVERNAME:$port}"); done
        curl -sS --cacert "$WEBHOOK_CA" --resolve "$WEBHOOK_SERVERNAME:$port:127.0.0.1" "${args[@]}"
    else
        curl -sS --cacert "$WEBHOOK_CA" "$@"
    fi
}

# A review body for a pod given as JSON on stdin.
wh_review_of() {
    jq -c '{apiVersion:"admission.k8s.io/v1",kind:"AdmissionReview",request:{uid:"11111111-2222-3333-4444-555555555555",
        kind:{group:"",version:"v1",kind:"Pod"},resource:{group:"",version:"v1",resource:"pods"},
        namespace:"strict-e2e",operation:"CREATE",object:.}}'
}

# wh_kubeapi_start DIR: the API server's stand-in (kubeapi.mjs) over HTTPS
# with a certificate of the test CA, its pods under DIR/pods/NS/NAME.json,
# its token in DIR/token, its requests in DIR/requests.log; sets KUBE_URL
# and KUBE_DIR, and the flags that point a webhook there in KUBE_FLAGS.
wh_kubeapi_start() {
    KUBE_DIR=$1
    mkdir -p "$KUBE_DIR/pods"
    wh_cert "$WH_CERTS" kubeapi || return 1
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$KUBE_DIR/token"
    : > "$KUBE_DIR/requests.log"
    rm -f "$KUBE_DIR/port"
    node "$WH_REPO/tests/webhook/kubeapi.mjs" --cert "$WH_CERTS/kubeapi.crt" --key "$WH_CERTS/kubeapi.key" \
        --token-file "$KUBE_DIR/token" --pods "$KUBE_DIR/pods" --port-file "$KUBE_DIR/port" \
        --log "$KUBE_DIR/requests.log" 2>"$KUBE_DIR/stderr" 3>&- &
    echo $! >> "$BATS_FILE_TMPDIR/pids"
    for _ in $(seq 100); do [ -s "$KUBE_DIR/port" ] && break; sleep 0.05; done
    [ -s "$KUBE_DIR/port" ] || { cat "$KUBE_DIR/stderr" >&2; return 1; }
    KUBE_URL=https://127.0.0.1:$(cat "$KUBE_DIR/port")
    KUBE_FLAGS=(--kube-api="$KUBE_URL" --kube-token-file="$KUBE_DIR/token" --kube-ca="$WH_CERTS/ca.crt")
    export KUBE_URL KUBE_DIR
}

# wh_kube_pod NS < POD: the stand-in serves the pod (JSON) under its name.
wh_kube_pod() {
    local pod name
    pod=$(cat)
    name=$(jq -r .metadata.name <<< "$pod")
    mkdir -p "$KUBE_DIR/pods/$1"
    printf '%s\n' "$pod" > "$KUBE_DIR/pods/$1/$name.json"
}

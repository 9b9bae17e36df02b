# Helper library of the registry e2e suite (tests/registry): a test CA and
# certificates (openssl), real Distribution registries (Debian's
# docker-registry) on 127.0.0.1, the Node.js test services of ../tools (a
# Bearer token service, blob stores behind redirects), images pushed with
# skopeo from OCI layouts built offline (mklayout.sh), and the driver of
# the lookup module. Loaded by setup_suite.bash and every .bats file.
#
# Everything lives under $REG_ROOT (build/registry-e2e.XXXXXX in the
# repository); processes are stopped by the PIDs recorded there.

REG_DIR=${REG_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_ROOT=${REPO_ROOT:-$(cd "$REG_DIR/../.." && pwd)}
REG_TOOLS=$REG_DIR/tools
MKLAYOUT=$REG_DIR/lib/mklayout.sh
REG_DRIVER=${REG_DRIVER:-$REPO_ROOT/build/registry/registry-driver}
# The user of the htpasswd file and the token service.
REG_USER=alice
REG_PASSWORD=alice-secret-1
# What the test images run, "$" in it for the escaping to matter.
REG_EXEC='{"Entrypoint":["/bin/sh","-c"],"Cmd":["echo $HOME $(id -u)"],"User":"1000:1000","Env":["PATH=/bin"]}'

reg_log() { echo "# $*" >&3 2>/dev/null || echo "# $*" >&2; }

reg_die() {
    echo "registry e2e: $*" >&2
    return 1
}

reg_require() {
    local tool
    for tool in docker-registry skopeo openssl node jq tar sha256sum od dd; do
        command -v "$tool" >/dev/null ||
            reg_die "$tool not found: run \`make registry-e2e-deps\` (mk/registry.mk)" || return 1
    done
    [ -x "$REG_DRIVER" ] || reg_die "$REG_DRIVER missing: run \`make registry-e2e-deps\`" || return 1
    [ -f "$REG_TOOLS/node_modules/.package-lock.json" ] ||
        reg_die "$REG_TOOLS/node_modules missing: run \`make registry-e2e-deps\`" || return 1
}

# A free TCP port on 127.0.0.1 (the kernel's choice; another process
# could take it before the registry binds: reg_start then says so).
reg_free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The test CA, the servers' certificate (127.0.0.1 and localhost) and the
# token service's signing certificate, under $REG_ROOT/pki.
reg_make_pki() {
    local d=$REG_ROOT/pki
    mkdir -p "$d/skopeo"
    (
        cd "$d" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
            -subj "/CN=strict-groups registry e2e CA" \
            -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || exit 1
        sign() { # NAME SUBJECT EXTENSIONS
            openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null &&
                printf '%s\n' "$3" > "$1.ext" &&
                openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
                    -out "$1.crt" -days 2 -extfile "$1.ext" 2>/dev/null
        }
        sign server /CN=127.0.0.1 "subjectAltName=IP:127.0.0.1,DNS:localhost
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth" || exit 1
        # openssl req writes PKCS#8 keys, which the token service's jose reads
        sign signer "/CN=strict-groups token signer" "basicConstraints=CA:FALSE
keyUsage=digitalSignature" || exit 1
        cp ca.crt skopeo/ca.crt
    ) || reg_die "making the test CA failed"
}

# reg_wait_file FILE: until FILE exists and is not empty (10 s).
reg_wait_file() {
    local i
    for i in $(seq 100); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    reg_die "$1 did not appear"
}

# reg_node NAME SCRIPT ARGS...: starts a Node.js test service in the
# background; it writes its port to $REG_ROOT/NAME.port.
reg_node() {
    local name=$1 script=$2
    shift 2
    node "$REG_TOOLS/$script" "$@" --port-file "$REG_ROOT/$name.port" \
        >"$REG_ROOT/$name.out" 2>&1 &
    echo $! > "$REG_ROOT/$name.pid"
    disown $! # stopped by its pid: no "Killed" notice from the shell
    reg_wait_file "$REG_ROOT/$name.port" || { cat "$REG_ROOT/$name.out" >&2; return 1; }
}

# reg_config NAME PORT AUTH TLS [REDIRECT_BASEURL]: a registry's config
# (AUTH: none, htpasswd or token; TLS: 1 or 0) and its storage directory.
reg_config() {
    local name=$1 port=$2 auth=$3 tls=$4 redirect=${5:-}
    local d=$REG_ROOT/$name
    mkdir -p "$d/storage"
    {
        cat <<EOF
# registry e2e: $name
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $d/storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: strict-groups-registry-e2e
EOF
        if [ "$tls" = 1 ]; then
            cat <<EOF
  tls:
    certificate: $REG_ROOT/pki/server.crt
    key: $REG_ROOT/pki/server.key
EOF
        fi
        case $auth in
            htpasswd) cat <<EOF
auth:
  htpasswd:
    realm: strict-groups-e2e
    path: $REG_ROOT/htpasswd
EOF
            ;;
            token) cat <<EOF
auth:
  token:
    realm: https://127.0.0.1:$(cat "$REG_ROOT/token.port")/token
    service: registry.e2e.test
    issuer: strict-groups-e2e-token-service
    rootcertbundle: $REG_ROOT/pki/ca.crt
EOF
            ;;
        esac
        if [ -n "$redirect" ]; then
            cat <<EOF
middleware:
  storage:
    - name: redirect
      options:
        baseurl: $redirect
EOF
        fi
    } > "$d/config.yml"
    echo "$port" > "$d/port"
}

# reg_start NAME: starts the registry configured by reg_config; waits
# until it accepts connections (10 s).
reg_start() {
    local d=$REG_ROOT/$1 port i
    port=$(cat "$d/port")
    docker-registry serve "$d/config.yml" >>"$d/registry.log" 2>&1 &
    echo $! > "$d/pid"
    disown $!
    for i in $(seq 100); do
        if ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
            tail -5 "$d/registry.log" >&2
            reg_die "registry $1 exited at start (port $port taken?)"
            return 1
        fi
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    reg_die "registry $1 did not listen on 127.0.0.1:$port"
}

# reg_signal NAME SIGNAL: signals a registry (or a Node.js service).
reg_signal() {
    local pidfile=$REG_ROOT/$1/pid
    [ -f "$pidfile" ] || pidfile=$REG_ROOT/$1.pid
    kill "-$2" "$(cat "$pidfile")"
}

reg_stop_all() {
    local pidfile pid
    for pidfile in "$REG_ROOT"/*/pid "$REG_ROOT"/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -CONT "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pidfile in "$REG_ROOT"/*/pid "$REG_ROOT"/*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
}

# reg_addr NAME: host:port of a registry.
reg_addr() { echo "127.0.0.1:$(cat "$REG_ROOT/$1/port")"; }

reg_is_tls() { grep -q '^  tls:' "$REG_ROOT/$1/config.yml"; }

# reg_push NAME LAYOUT_TAG REPO:TAG [skopeo options]: pushes every
# manifest of the layout's tag to registry NAME as the layout has it
# (--preserve-digests, unless options convert), with the test CA and
# alice's credentials (plain HTTP for a registry without TLS).
reg_push() {
    local name=$1 src=$2 dest=$3
    shift 3
    local tls=(--dest-cert-dir "$REG_ROOT/pki/skopeo")
    reg_is_tls "$name" || tls=(--dest-tls-verify=false)
    [ $# -gt 0 ] || set -- --preserve-digests
    REGISTRY_AUTH_FILE=$REG_ROOT/skopeo-auth.json skopeo --insecure-policy copy --quiet --all \
        "${tls[@]}" --dest-creds "$REG_USER:$REG_PASSWORD" "$@" \
        "oci:$REG_ROOT/layout:$src" "docker://$(reg_addr "$name")/$dest" >&2 ||
        reg_die "skopeo could not push $src to $name as $dest"
}

# reg_raw NAME REPO:TAG: the manifest the registry serves, byte for byte
# (read by skopeo, not by the module under test).
reg_raw() {
    local tls=(--cert-dir "$REG_ROOT/pki/skopeo")
    reg_is_tls "$1" || tls=(--tls-verify=false)
    REGISTRY_AUTH_FILE=$REG_ROOT/skopeo-auth.json skopeo inspect --raw "${tls[@]}" \
        --creds "$REG_USER:$REG_PASSWORD" "docker://$(reg_addr "$1")/$2"
}

# reg_raw_digest NAME REPO:TAG: its sha256, computed here.
reg_raw_digest() {
    local raw
    raw=$(reg_raw "$1" "$2") || return 1
    printf 'sha256:%s\n' "$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)"
}

# reg_blob_file NAME DIGEST: where the registry keeps a blob (manifests
# are blobs too) in its filesystem storage.
reg_blob_file() {
    local hex=${2#sha256:}
    echo "$REG_ROOT/$1/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# reg_tamper FILE: the same size, the middle byte changed; the registry
# serves it as it is (Distribution does not check what it stored).
reg_tamper() {
    local f=$1 size off byte
    size=$(stat -c %s "$f")
    [ "$size" -gt 10 ] || reg_die "$f: too small to tamper with" || return 1
    off=$((size / 2))
    byte=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' $((byte ^ 1)))" |
        dd of="$f" bs=1 seek="$off" count=1 conv=notrunc status=none
}

# reg_count NAME METHOD PATH_REGEX STATUS: requests in the registry's
# access log (combined format) with that method, path and status.
reg_count() {
    grep -cE "\"$2 $3 HTTP/[0-9.]+\" $4 " "$REG_ROOT/$1/registry.log" || true
}

# driver ARGS...: the lookup driver, trusting the test CA.
driver() {
    "$REG_DRIVER" --ca "$REG_ROOT/pki/ca.crt" "$@"
}

# jqo N [JQ_OPTIONS] FILTER: jq -r on the Nth JSON line of $output.
jqo() {
    local n=$1
    shift
    sed -n "${n}p" <<<"$output" | jq -r "$@"
}

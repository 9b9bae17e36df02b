#!/bin/bash
# make bench-webhook: strict-groups-webhook under load on loopback, with a
# test certificate (ECDSA P-256, as deploy/webhook's Certificate asks for):
#   1. admissions/s over keep-alive TLS (wrk, 2 threads, 32 connections)
#      for a typical 3-container pod (bench/webhook-pod.json)
#   2. latency at a constant 500/s (bench/webhook-rate.mjs, open loop), with
#      what the server measured itself for those requests (its histogram:
#      headers in to answer queued) and, as a cross-check from another
#      client, wrk paced to about 500/s (5 connections, 10 ms between an
#      answer and the next request)
#   3. the same 500/s with the server and the client at real-time priority
#      (chrt -f, root only): on a machine shared with other work, what the
#      server costs when that work cannot preempt it or its client
#   4. new connections/s: one request per TLS handshake (wrk, Connection: close)
#   5. the server's RSS after all that (VmHWM: the peak), and its CPU time
#      per admission in steps 1 and 4
#   6. image lookups, on a second server trusting the CA of a TLS registry
#      on 127.0.0.1 (Debian's docker-registry, tests/registry/lib), one
#      image pushed with skopeo and named by LOOKUP_TAGS tags: admission
#      latency (bench/webhook-lookups.mjs, one keep-alive connection, one
#      admission at a time) of a pod whose one container sets no command,
#      cold (a new tag each time: the registry's round trips, the manifest
#      and the config blob), warm (the same image: the cache), with
#      imagePullPolicy: Always (the tag read again, a HEAD), and the same
#      pod with a command (no lookup) as the baseline
#   7. kubectl exec reviews (CONNECT pods/exec): each reads its pod from a
#      stand-in for the API server (tests/webhook/kubeapi.mjs: HTTPS
#      keep-alive, a bearer token, the pod as the webhook injected it):
#      latency one at a time (bench/webhook-lookups.mjs: p50, p99), a pod
#      creation on the same server as the baseline, and throughput (wrk)
# The last line: `webhook: A admissions/s; p99 P ms at 500/s; rss R MiB`.
#   bench/webhook.sh WEBHOOK-BINARY WORKDIR [SECONDS]
set -euo pipefail
bin=$1 dir=$2 secs=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
    -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile ext -out tls.crt 2>/dev/null
jq -c '{apiVersion:"admission.k8s.io/v1",kind:"AdmissionReview",request:{uid:"705ab4f5-6393-11e8-b7cc-42010a800002",
    kind:{group:"",version:"v1",kind:"Pod"},resource:{group:"",version:"v1",resource:"pods"},namespace:"shop",
    operation:"CREATE",userInfo:{username:"system:serviceaccount:kube-system:replicaset-controller"},object:.,
    oldObject:null,dryRun:false,options:{apiVersion:"meta.k8s.io/v1",kind:"CreateOptions"}}}' \
    "$here/webhook-pod.json" > review.json
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$bin" --tls-cert=tls.crt --tls-key=tls.key --image=strict-groups:0.1.0 --listen="127.0.0.1:$port" \
    --shutdown-delay=0 2>server.log &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf --cacert ca.crt "https://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done
url=https://127.0.0.1:$port
echo "body: $(wc -c < review.json) bytes, 3 containers; $(nproc) CPUs; ${secs} s per step"

# the answer is right before it is fast
curl -sf --cacert ca.crt -H 'Content-Type: application/json' --data-binary @review.json "$url/mutate" |
    jq -e '.response.allowed and .response.patchType == "JSONPatch"' >/dev/null

export WEBHOOK_BODY=$dir/review.json
# cpu_ticks: the server's user + system time, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
t0=$(cpu_ticks)
wrk -t2 -c32 -d"${secs}s" --latency -s "$here/webhook-post.lua" "$url" > wrk-keepalive.txt
t1=$(cpu_ticks)
rps=$(awk '/^Requests\/sec:/ {printf "%d", $2}' wrk-keepalive.txt)
grep -E 'Latency|50%|99%|Requests/sec|^wrk:' wrk-keepalive.txt | sed 's/^/keep-alive: /'
grep -q '^wrk: [0-9]* requests, 0 errors, 0 bad answers' wrk-keepalive.txt
echo "keep-alive: server CPU per admission: $(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    -v n="$(awk '/^wrk:/ {print $2}' wrk-keepalive.txt)" 'BEGIN {printf "%.0f us", t / hz / n * 1e6}')"

node "$here/webhook-rate.mjs" "$url" ca.crt review.json 500 "$secs" > rate.json
echo "at 500/s: $(cat rate.json)"
p99=$(jq -r '.p99_ms | . * 100 | round / 100' rate.json)
[ "$(jq .failed rate.json)" = 0 ]
echo "at 500/s, the server's own clock: $(jq -r '.server | "\(.["le_0.005"]) of \(.["le_+Inf"]) answered within 5 ms"' rate.json)"
if [ "$(id -u)" = 0 ] && command -v chrt >/dev/null; then
    chrt -f -a -p 10 "$pid" >/dev/null
    chrt -f 10 node "$here/webhook-rate.mjs" "$url" ca.crt review.json 500 "$secs" > rate-rt.json
    chrt -o -a -p 0 "$pid" >/dev/null
    echo "at 500/s, server and client at real-time priority: $(cat rate-rt.json)"
    [ "$(jq .failed rate-rt.json)" = 0 ]
fi
WEBHOOK_DELAY_MS=10 wrk -t1 -c5 -d"${secs}s" --latency -s "$here/webhook-post.lua" "$url" > wrk-paced.txt
grep -q '^wrk: [0-9]* requests, 0 errors, 0 bad answers' wrk-paced.txt
echo "wrk paced: $(awk '/^Requests\/sec:/ {printf "%d/s", $2}' wrk-paced.txt)," \
    "p50 $(awk '$1 == "50%" {print $2}' wrk-paced.txt), p99 $(awk '$1 == "99%" {print $2}' wrk-paced.txt)"

t0=$(cpu_ticks)
wrk -t2 -c16 -d"${secs}s" -H 'Connection: close' -s "$here/webhook-post.lua" "$url" > wrk-handshake.txt
t1=$(cpu_ticks)
hs=$(awk '/^Requests\/sec:/ {printf "%d", $2}' wrk-handshake.txt)
echo "new connection per request (a TLS handshake each): $hs/s;" \
    "server CPU per connection and admission: $(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    -v n="$(awk '/^wrk:/ {print $2}' wrk-handshake.txt)" 'BEGIN {printf "%.0f us", t / hz / n * 1e6}')"

rss_kib=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status)

# 6. image lookups
LOOKUP_TAGS=${LOOKUP_TAGS:-100}
REG_ROOT=$dir/registry
rm -rf "$REG_ROOT"
mkdir -p "$REG_ROOT"
# shellcheck source=../tests/registry/lib/registry.bash
. "$here/../tests/registry/lib/registry.bash"
export REG_ROOT NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
reg_make_pki
reg_config bench "$(reg_free_port)" none 1
reg_start bench
trap 'kill $pid ${pid2:-} 2>/dev/null; wait $pid ${pid2:-} 2>/dev/null; reg_stop_all' EXIT
"$MKLAYOUT" init "$REG_ROOT/layout"
"$MKLAYOUT" tag "$REG_ROOT/layout" app "$("$MKLAYOUT" image "$REG_ROOT/layout" linux/amd64 "$REG_EXEC" bench)"
reg_push bench app bench/app:1
addr=$(reg_addr bench)
reg_raw bench bench/app:1 > manifest.json
for i in $(seq "$LOOKUP_TAGS"); do
    curl -sf --cacert "$REG_ROOT/pki/ca.crt" -X PUT -H "Content-Type: $(jq -r .mediaType manifest.json)" \
        --data-binary @manifest.json "https://$addr/v2/bench/app/manifests/t$i" -o /dev/null
done
port2=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$bin" --tls-cert=tls.crt --tls-key=tls.key --image=strict-groups:0.1.0 --listen="127.0.0.1:$port2" \
    --shutdown-delay=0 --registry-ca="$REG_ROOT/pki/ca.crt" --tag-ttl=3600 2>server-lookups.log &
pid2=$!
for _ in $(seq 100); do curl -sf --cacert ca.crt "https://127.0.0.1:$port2/readyz" >/dev/null && break; sleep 0.05; done
# reviews FILE N JQ: N reviews of a one-container pod (runAsUser/runAsGroup
# 1000), its container set by JQ with $i the review's number
reviews() {
    local out=$1 n=$2 filter=$3
    : > "$out"
    for i in $(seq "$n"); do
        jq -nc --arg img "$addr/bench/app" --argjson i "$i" '{apiVersion:"admission.k8s.io/v1",kind:"AdmissionReview",
            request:{uid:"705ab4f5-6393-11e8-b7cc-42010a800002",kind:{group:"",version:"v1",kind:"Pod"},
            resource:{group:"",version:"v1",resource:"pods"},namespace:"shop",operation:"CREATE",
            object:{metadata:{name:"web"},spec:{securityContext:{runAsUser:1000,runAsGroup:1000},
            containers:[{name:"web",image:($img + ":1")} | '"$filter"']}}}}' >> "$out"
    done
}
reviews cold.jsonl "$LOOKUP_TAGS" '.image = ($img + ":t\($i)")'
reviews warm.jsonl 500 .
reviews always.jsonl 200 '.imagePullPolicy = "Always"'
reviews command.jsonl 500 '.command = ["/bin/true"]'
url2=https://127.0.0.1:$port2
node "$here/webhook-lookups.mjs" "$url2" ca.crt command.jsonl 20 > lookup-command.json
node "$here/webhook-lookups.mjs" "$url2" ca.crt cold.jsonl 0 > lookup-cold.json
node "$here/webhook-lookups.mjs" "$url2" ca.crt warm.jsonl 20 > lookup-warm.json
node "$here/webhook-lookups.mjs" "$url2" ca.crt always.jsonl 5 > lookup-always.json
curl -s --cacert ca.crt "$url2/metrics" | grep -E '^strict_groups_webhook_image_(lookups_total\{result="ok"\}|cache_hits_total|registry_lookups_total|registry_requests_total)' |
    sed 's/^/lookups: /'
echo "lookups: a pod with a command (no lookup): $(cat lookup-command.json)"
echo "lookups: cold, a registry round trip (manifest, config) per admission: $(cat lookup-cold.json)"
echo "lookups: warm, the image from the cache: $(cat lookup-warm.json)"
echo "lookups: imagePullPolicy Always, the tag read again (HEAD): $(cat lookup-always.json)"
echo "lookups: server peak RSS (VmHWM): $(awk '/^VmHWM:/ {printf "%.1f MiB", $2 / 1024}' /proc/$pid2/status)"
echo "webhook lookups: cold p50 $(jq .p50_ms lookup-cold.json) ms; warm p50 $(jq .p50_ms lookup-warm.json) ms;" \
    "with a command p50 $(jq .p50_ms lookup-command.json) ms"
# 7. kubectl exec reviews
kube=$dir/kube
rm -rf "$kube"
mkdir -p "$kube/pods/shop"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$kube/tls.key" -out "$kube/tls.csr" 2>/dev/null
openssl x509 -req -in "$kube/tls.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile ext \
    -out "$kube/tls.crt" 2>/dev/null
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$kube/token"
node "$here/../tests/webhook/kubeapi.mjs" --cert "$kube/tls.crt" --key "$kube/tls.key" --token-file "$kube/token" \
    --pods "$kube/pods" --port-file "$kube/port" --log /dev/null &
kpid=$!
for _ in $(seq 100); do [ -s "$kube/port" ] && break; sleep 0.05; done
port3=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$bin" --tls-cert=tls.crt --tls-key=tls.key --image=strict-groups:0.1.0 --listen="127.0.0.1:$port3" \
    --shutdown-delay=0 --kube-api="https://127.0.0.1:$(cat "$kube/port")" --kube-token-file="$kube/token" \
    --kube-ca=ca.crt 2>server-exec.log &
pid3=$!
trap 'kill $pid ${pid2:-} ${pid3:-} ${kpid:-} 2>/dev/null; wait $pid ${pid2:-} ${pid3:-} 2>/dev/null; reg_stop_all' EXIT
for _ in $(seq 100); do curl -sf --cacert ca.crt "https://127.0.0.1:$port3/readyz" >/dev/null && break; sleep 0.05; done
url3=https://127.0.0.1:$port3
# the bench pod as this webhook injects it, served by the stand-in
WEBHOOK_URL=$url3 WEBHOOK_CA=ca.crt node "$here/../tests/webhook/client.mjs" review "$here/webhook-pod.json" |
    jq '.pod | .metadata.name = "web-0"' > "$kube/pods/shop/web-0.json"
jq -c '.request.operation = "CONNECT" | .request.subResource = "exec" | .request.name = "web-0" |
    .request.kind.kind = "PodExecOptions" | .request.options = null |
    .request.object = {kind: "PodExecOptions", apiVersion: "v1", stdin: true, stdout: true,
                       container: "web", command: ["tar", "cf", "-", "/data"]}' review.json > exec-review.json
for _ in $(seq 500); do cat exec-review.json; echo; done > exec.jsonl
for _ in $(seq 500); do cat review.json; echo; done > create.jsonl
node "$here/webhook-lookups.mjs" "$url3" ca.crt create.jsonl 20 > exec-baseline.json
node "$here/webhook-lookups.mjs" "$url3" ca.crt exec.jsonl 20 > exec-latency.json
if [ "$(id -u)" = 0 ] && command -v chrt >/dev/null; then
    # the same with the server, the stand-in and the client at real-time
    # priority: what the review costs when the machine's other work cannot
    # preempt them
    chrt -f -a -p 10 "$pid3" >/dev/null
    chrt -f -a -p 10 "$kpid" >/dev/null
    chrt -f 10 node "$here/webhook-lookups.mjs" "$url3" ca.crt exec.jsonl 20 > exec-latency-rt.json
    chrt -f 10 node "$here/webhook-lookups.mjs" "$url3" ca.crt create.jsonl 20 > exec-baseline-rt.json
    chrt -o -a -p 0 "$pid3" >/dev/null
    chrt -o -a -p 0 "$kpid" >/dev/null
    echo "exec: at real-time priority, a pod creation: $(cat exec-baseline-rt.json)"
    echo "exec: at real-time priority, an exec review: $(cat exec-latency-rt.json)"
fi
WEBHOOK_BODY=$dir/exec-review.json wrk -t2 -c16 -d"${secs}s" --latency -s "$here/webhook-post.lua" "$url3" > wrk-exec.txt
grep -q '^wrk: [0-9]* requests, 0 errors, 0 bad answers' wrk-exec.txt
echo "exec: a pod creation on this server (no read): $(cat exec-baseline.json)"
echo "exec: an exec review, the pod read from the stand-in: $(cat exec-latency.json)"
echo "exec: under wrk (16 connections): $(awk '/^Requests\/sec:/ {printf "%d/s", $2}' wrk-exec.txt)," \
    "p50 $(awk '$1 == "50%" {print $2}' wrk-exec.txt), p99 $(awk '$1 == "99%" {print $2}' wrk-exec.txt)"
curl -s --cacert ca.crt "$url3/metrics" | grep -E '^strict_groups_webhook_pod_reads_total\{result="(ok|error|timeout)"\}' |
    sed 's/^/exec: /'
echo "webhook exec: p50 $(jq .p50_ms exec-latency.json) ms; p99 $(jq .p99_ms exec-latency.json) ms" \
    "(a pod creation: p50 $(jq .p50_ms exec-baseline.json) ms, p99 $(jq .p99_ms exec-baseline.json) ms)"

rss=$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}')
echo "server peak RSS (VmHWM): $rss MiB"
echo "webhook: $rps admissions/s; p99 $p99 ms at 500/s; rss $rss MiB"

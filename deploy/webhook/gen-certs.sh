#!/bin/sh
# Without cert-manager: a CA and a serving certificate made with openssl,
# the Secret the Deployment mounts, and the CA in the webhook configuration.
#   deploy/webhook/gen-certs.sh [DAYS]   (kubectl and openssl on PATH)
# Run it again before DAYS pass: it signs a new serving certificate with the
# same CA (kept in the Secret strict-groups-webhook-ca, valid ten years), so
# the API server's caBundle does not change and the webhook picks the new
# pair up in place, with no failed request while kubelet updates the
# mounted Secret. Delete that Secret to start over with a new CA.
set -eu
days=${1:-365}
ns=strict-groups
svc=strict-groups-webhook
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if kubectl -n "$ns" get secret "$svc-ca" >/dev/null 2>&1; then
    kubectl -n "$ns" get secret "$svc-ca" -o 'jsonpath={.data.tls\.crt}' | base64 -d > "$dir/ca.crt"
    kubectl -n "$ns" get secret "$svc-ca" -o 'jsonpath={.data.tls\.key}' | base64 -d > "$dir/ca.key"
else
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj "/CN=$svc-ca" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    kubectl -n "$ns" create secret tls "$svc-ca" --cert="$dir/ca.crt" --key="$dir/ca.key"
fi
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$svc.$ns.svc" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
    "$svc" "$ns" "$svc" "$ns" > "$dir/ext"
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -extfile "$dir/ext" -out "$dir/tls.crt" 2>/dev/null
kubectl -n "$ns" create secret tls "$svc-tls" --cert="$dir/tls.crt" --key="$dir/tls.key" \
    --dry-run=client -o yaml | kubectl apply -f -
ca=$(base64 -w0 < "$dir/ca.crt")
for i in 0 1 2; do
    kubectl patch mutatingwebhookconfiguration "$svc" --type=json \
        -p "[{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$ca\"}]"
done

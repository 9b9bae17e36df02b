#!/bin/sh
# Without cert-manager: the webhook's CA and serving certificate, made with
# openssl, in the Secrets the Deployment mounts, and the CA in the caBundle
# of every entry of the MutatingWebhookConfiguration (README, "Install").
# Run it again to renew: it keeps the CA (Secret strict-groups-webhook-ca)
# and signs a new serving pair with it, so the API server's caBundle does not
# change and the webhook picks the new pair up in place.
set -eu

prog=${0##*/}

usage() {
    cat <<EOF
Usage: $prog [OPTIONS] [DAYS]

Makes (or renews) the certificates of strict-groups-webhook without
cert-manager, with openssl and kubectl (on PATH, pointed at the cluster):

  1. the namespace, when it does not exist yet;
  2. a CA in the Secret SERVICE-ca, on the first run only (later runs read
     it back: the caBundle stays the same);
  3. a serving certificate for SERVICE.NAMESPACE.svc signed by that CA, for
     DAYS days, in the Secret SERVICE-tls (the one the Deployment mounts);
  4. the CA in the caBundle of every entry of the MutatingWebhookConfiguration
     CONFIGURATION, in one patch, when it exists. Before it exists nothing is
     refused (there is nothing to call the webhook): apply it, then run this
     again.

Options:
  --days=DAYS            validity of the serving certificate (default 365)
  --ca-days=DAYS         validity of a new CA (default 3650)
  --namespace=NAME       the webhook's namespace (default strict-groups)
  --service=NAME         its Service (default strict-groups-webhook)
  --configuration=NAME   its MutatingWebhookConfiguration (default: the Service's name)
  -h, --help             this text

Delete the Secret SERVICE-ca to start over with a new CA (the caBundle then
changes: pods are refused until kubelet has given the webhook the new pair).
Exit codes: 0 done, 64 bad arguments, 69 openssl or kubectl missing,
65 the CA ends before the new certificate would, 1 a command failed.
EOF
}

# One line on stderr, then exit.
die() {
    code=$1
    shift
    printf '%s: %s\n' "$prog" "$*" >&2
    exit "$code"
}

days=365
ca_days=3650
ns=strict-groups
svc=strict-groups-webhook
config=
positional=

# A positive whole number of days, at most a hundred years.
check_days() {
    case $2 in
    '' | *[!0-9]* | 0*) die 64 "$1=$2: a whole number of days, 1 or more" ;;
    esac
    [ "${#2}" -le 5 ] && [ "$2" -le 36500 ] || die 64 "$1=$2: at most 36500 days"
}

# A DNS-1123 label (Namespace and Service names): lower case letters,
# digits and '-', starting and ending with a letter or digit, 63 at most.
check_label() {
    case $2 in
    '' | -* | *- | *[!a-z0-9-]*) die 64 "$1=$2: not a DNS-1123 label (a-z, 0-9, '-')" ;;
    esac
    [ "${#2}" -le 63 ] || die 64 "$1=$2: longer than 63 characters"
}

# A DNS-1123 subdomain (the configuration's name): labels joined by '.'.
check_subdomain() {
    case $2 in
    '' | [-.]* | *[-.] | *..* | *.-* | *-.* | *[!a-z0-9.-]*)
        die 64 "$1=$2: not a DNS-1123 subdomain (a-z, 0-9, '-', '.')" ;;
    esac
    [ "${#2}" -le 253 ] || die 64 "$1=$2: longer than 253 characters"
}

for arg in "$@"; do
    case $arg in
    -h | --help) usage; exit 0 ;;
    --days=*) days=${arg#*=} ;;
    --ca-days=*) ca_days=${arg#*=} ;;
    --namespace=*) ns=${arg#*=} ;;
    --service=*) svc=${arg#*=} ;;
    --configuration=*) config=${arg#*=} ;;
    -*) die 64 "$arg: unknown option (--help lists them)" ;;
    *)
        [ -z "$positional" ] || die 64 "$arg: one DAYS at most (--help)"
        positional=$arg
        days=$arg
        ;;
    esac
done
check_days --days "$days"
check_days --ca-days "$ca_days"
check_label --namespace "$ns"
check_label --service "$svc"
# the Secrets' names add "-tls" and "-ca"
[ "${#svc}" -le 59 ] || die 64 "--service=$svc: longer than 59 characters (its Secrets add -tls)"
config=${config:-$svc}
check_subdomain --configuration "$config"
[ "$days" -le "$ca_days" ] || die 64 "--days=$days is longer than --ca-days=$ca_days"
for tool in openssl kubectl base64; do
    command -v "$tool" >/dev/null 2>&1 || die 69 "$tool: not found on PATH"
done

umask 077
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
host=$svc.$ns.svc

# 1. the namespace
if [ -z "$(kubectl get namespace "$ns" --ignore-not-found -o name)" ]; then
    kubectl create namespace "$ns"
fi

# 2. the CA: made once, then read back
crt=$(kubectl -n "$ns" get secret "$svc-ca" --ignore-not-found -o 'jsonpath={.data.tls\.crt}')
if [ -n "$crt" ]; then
    printf '%s' "$crt" | base64 -d > "$dir/ca.crt"
    kubectl -n "$ns" get secret "$svc-ca" -o 'jsonpath={.data.tls\.key}' | base64 -d > "$dir/ca.key"
    openssl x509 -in "$dir/ca.crt" -noout >/dev/null 2>&1 ||
        die 1 "Secret $ns/$svc-ca holds no PEM certificate in tls.crt"
    # a certificate that outlives its CA stops verifying when the CA ends
    openssl x509 -in "$dir/ca.crt" -noout -checkend "$((days * 86400))" >/dev/null ||
        die 65 "the CA in Secret $ns/$svc-ca ends before $days days: give fewer --days, or delete that Secret to make a new CA (the caBundle changes)"
else
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$ca_days" \
        -subj "/CN=$svc-ca" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    kubectl -n "$ns" create secret tls "$svc-ca" --cert="$dir/ca.crt" --key="$dir/ca.key"
fi

# 3. the serving pair, signed by the CA
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.cluster.local\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n' \
    "$host" "$host" > "$dir/ext"
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -extfile "$dir/ext" -out "$dir/tls.crt" 2>/dev/null
kubectl -n "$ns" create secret tls "$svc-tls" --cert="$dir/tls.crt" --key="$dir/tls.key" \
    --dry-run=client -o yaml > "$dir/secret.yaml"
kubectl apply -f "$dir/secret.yaml"

# 4. the caBundle of every entry, in one patch: each entry's name is tested
# first, so a configuration changed meanwhile fails the patch as a whole
names=$(kubectl get mutatingwebhookconfiguration "$config" --ignore-not-found \
    -o 'jsonpath={.webhooks[*].name}')
if [ -z "$names" ]; then
    echo "$prog: no MutatingWebhookConfiguration $config (or no entry in it) yet: apply it, then run $prog again to write its caBundle"
    exit 0
fi
ca=$(base64 < "$dir/ca.crt" | tr -d '\n')
patch= i=0
for name in $names; do
    patch="$patch{\"op\":\"test\",\"path\":\"/webhooks/$i/name\",\"value\":\"$name\"},"
    patch="$patch{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$ca\"},"
    i=$((i + 1))
done
kubectl patch mutatingwebhookconfiguration "$config" --type=json -p "[${patch%,}]"
echo "$prog: $svc-tls renewed for $days days; the caBundle of the $i entries of $config is the CA of $svc-ca"

#!/bin/sh
# Writes the seeds of tests/registry/fuzz_registry.c into ./corpus, byte
# for byte the same every time: the first byte is the mode (see the head
# of fuzz_registry.c), the second a mode's parameter, then the input.
#   tests/registry/fuzz/make-seeds.sh
set -eu
cd "$(dirname "$0")"
fixtures=../fixtures
rm -rf corpus
mkdir corpus
seed() { # NAME MODE PARAM (the input on stdin)
    { printf "\\$(printf '%03o' "$2")\\$(printf '%03o' "$3")"; cat; } > "corpus/$1"
}
F64=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
printf 'busybox' | seed ref-familiar 0 0
printf 'docker.io/library/busybox:1.36@sha256:%s' $F64 | seed ref-full 0 0
printf '[::1]:5000/team/app_1.2-x__y:v1' | seed ref-ipv6 0 0
printf 'index.docker.io/x/y@sha512:%s%s' $F64 $F64 | seed ref-legacy 0 0
printf 'Bearer realm="https://127.0.0.1:5001/token",service="registry.test",scope="repository:team/app:pull"' | seed www-bearer 1 0
printf 'Basic realm="x", Bearer realm="https://a/t?x=\\"y\\""' | seed www-both 1 0
for f in index-oci.json list-docker.json manifest-oci-amd64.json manifest-docker-amd64.json \
    manifest-schema1.json manifest-ambiguous.json config-amd64.json config-empty-entrypoint.json; do
    seed "doc-${f%.json}" 2 0 < "$fixtures/$f"
done
seed doc-ct-index 2 2 < "$fixtures/index-oci.json"
# n entries, wanted platform, then 4 bytes per entry (see fuzz_resolve)
printf '\003\000\377\004\000\000\377\010\000\000\377\024\001\000' | seed resolve-attest 3 0
printf '\002\001\377\004\000\000\007\014\000\000' | seed resolve-disagree 3 0
printf '\001\000\377\001\000\000' | seed resolve-noplatform-desc 3 0
printf '{"auths":{"reg.test:5000":{"auth":"YWxpY2U6czNjcmV0"},"https://index.docker.io/v1/":{"username":"u","password":"p"}},"credsStore":"x"}' |
    seed dockercfg 4 0
printf '{"token":"eyJh.eyJi.c2ln","access_token":"x","expires_in":300}' | seed token 5 0
printf '/bin/sh\000-c\000echo $HOME $(id -u) $$\000$(HOME)\000$(NOPE\000$' | seed argv-mixed 6 165
printf '\000x\000$$(HOME)' | seed argv-empty-entrypoint 6 36
printf '1000:60000' | seed user 7 0
printf 'linux/arm64/v8' | seed platform 7 0

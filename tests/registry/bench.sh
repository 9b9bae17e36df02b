#!/bin/bash
# make bench-registry: the latency of an image lookup against a real
# registry on 127.0.0.1 (Distribution 2.8, TLS), cold and warm, for the
# webhook's admission latency (docs/registry.md has the method and a run).
#
#   cold        a new cache and client per lookup: TLS handshake, (token,)
#               manifest(s), config blob(s): what the first pod of an image pays
#   revalidate  imagePullPolicy: Always on a warm cache: one HEAD request
#   warm        the cache: what every other pod pays
#
# Three images: a single-platform image and a two-platform index on an
# anonymous registry, and the single image behind a Bearer token service.
# The last line: `registry: cold P ms, index P ms, token P ms; revalidate P ms; warm P us`
# (medians). BENCH_REGISTRY_ROUNDS (default 50) cold lookups each.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/lib/registry.bash
reg_require
rounds=${BENCH_REGISTRY_ROUNDS:-50}
REG_ROOT=$(mktemp -d "$PWD/build/registry-bench.XXXXXX")
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
cleanup() { reg_stop_all; rm -rf "$REG_ROOT"; }
trap cleanup EXIT

reg_make_pki
printf '{"%s":"%s"}\n' "$REG_USER" "$REG_PASSWORD" > "$REG_ROOT/users.json"
pki=$REG_ROOT/pki
reg_node token token-server.js --cert "$pki/server.crt" --key "$pki/server.key" \
    --sign-key "$pki/signer.key" --sign-cert "$pki/signer.crt" \
    --issuer strict-groups-e2e-token-service --service registry.e2e.test \
    --users "$REG_ROOT/users.json" --log "$REG_ROOT/token.log"
reg_config anon "$(reg_free_port)" none 1
reg_config token "$(reg_free_port)" token 1
reg_start anon
reg_start token

l=$REG_ROOT/layout
"$MKLAYOUT" init "$l"
a=$("$MKLAYOUT" image "$l" linux/amd64 "$REG_EXEC" bench)
"$MKLAYOUT" tag "$l" single "$a"
a=$("$MKLAYOUT" image "$l" linux/amd64 "$REG_EXEC" bench-index)
b=$("$MKLAYOUT" image "$l" linux/arm64/v8 "$REG_EXEC" bench-index)
"$MKLAYOUT" tag "$l" index "$("$MKLAYOUT" index "$l" "$a" "$b")"
reg_push anon single bench/single:1
reg_push anon index bench/index:1
reg_push token single public/single:1

out=$REG_ROOT/results.json
"$REG_DRIVER" --ca "$pki/ca.crt" \
    "bench:$rounds:$(reg_addr anon)/bench/single:1" \
    "bench:$rounds:$(reg_addr anon)/bench/index:1" \
    "bench:$rounds:$(reg_addr token)/public/single:1" > "$out"
printf '%-22s %-10s %10s %10s %10s %10s %6s\n' image kind n p50_ms p90_ms p99_ms failed
jq -r '.ref as $r | ("cold", "revalidate", "warm") as $k | .[$k] |
    [($r | sub("^[^/]*/"; "")), $k, .n, .p50_ms, .p90_ms, .p99_ms, .failed] | @tsv' "$out" |
    awk -F'\t' '{ printf "%-22s %-10s %10d %10.4f %10.4f %10.4f %6d\n", $1, $2, $3, $4, $5, $6, $7 }'
fails=$(jq -s '[.[] | .cold.failed + .revalidate.failed + .warm.failed] | add' "$out")
[ "$fails" -eq 0 ] || { echo "bench-registry: $fails lookups failed" >&2; exit 1; }
jq -rs '"registry: cold \(.[0].cold.p50_ms * 10 | round / 10) ms, index \(.[1].cold.p50_ms * 10 | round / 10) ms, token \(.[2].cold.p50_ms * 10 | round / 10) ms; revalidate \(.[0].revalidate.p50_ms * 10 | round / 10) ms; warm \(.[0].warm.p50_ms * 1000 * 10 | round / 10) us"' "$out"

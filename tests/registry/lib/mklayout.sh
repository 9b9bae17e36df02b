#!/bin/sh
# mklayout.sh: OCI image layouts for the registry e2e suite, offline, from
# sha256sum and printf (the way tools/mkimage builds the project's image):
# images for several platforms, indexes with attestation entries, the
# shapes a registry must serve. skopeo pushes them (oci:DIR:TAG).
#
#   mklayout.sh init DIR
#   mklayout.sh image DIR PLATFORM EXEC_JSON [SALT]
#       an image manifest for PLATFORM (os/arch[/variant]) whose config's
#       "config" object is EXEC_JSON (e.g. {"Entrypoint":["/bin/sh"]}); one
#       small layer whose content depends on PLATFORM and SALT, or, when
#       MKLAYOUT_LAYER names a tar file, that file (a root filesystem: an
#       image that runs). Prints the manifest's descriptor JSON, with the
#       platform.
#   mklayout.sh attestation DIR SUBJECT_DIGEST
#       a BuildKit-style attestation manifest (platform unknown/unknown,
#       annotations vnd.docker.reference.type=attestation-manifest and
#       vnd.docker.reference.digest=SUBJECT_DIGEST). Prints its descriptor.
#   mklayout.sh index DIR DESCRIPTOR_JSON...
#       an OCI image index of the descriptors; prints its descriptor.
#   mklayout.sh tag DIR TAG DESCRIPTOR_JSON
#       names a manifest or index TAG in index.json (oci:DIR:TAG).
set -eu
export LC_ALL=C TZ=UTC

OCI_INDEX=application/vnd.oci.image.index.v1+json
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_CONFIG=application/vnd.oci.image.config.v1+json
OCI_LAYER=application/vnd.oci.image.layer.v1.tar

die() { echo "mklayout: $*" >&2; exit 64; }

# put DIR FILE: moves FILE into DIR's blobs; prints "sha256:HEX SIZE".
put() {
    hex=$(sha256sum "$2" | cut -d' ' -f1)
    size=$(stat -c %s "$2")
    mv "$2" "$1/blobs/sha256/$hex"
    echo "sha256:$hex $size"
}

descriptor() { # MEDIA_TYPE "DIGEST SIZE" [EXTRA_JSON]
    set -- "$1" "${2% *}" "${2#* }" "${3:-}"
    printf '{"mediaType":"%s","digest":"%s","size":%s%s}' "$1" "$2" "$3" "$4"
}

platform_json() { # os/arch[/variant]
    os=${1%%/*} rest=${1#*/}
    arch=${rest%%/*} variant=
    [ "$rest" != "$arch" ] && variant=${rest#*/}
    printf '"architecture":"%s","os":"%s"' "$arch" "$os"
    [ -n "$variant" ] && printf ',"variant":"%s"' "$variant"
    return 0
}

cmd=${1:-}
[ $# -ge 2 ] || die "usage: see the head of this file"
dir=$2
shift 2
case $cmd in
init)
    mkdir -p "$dir/blobs/sha256"
    printf '{"imageLayoutVersion":"1.0.0"}\n' > "$dir/oci-layout"
    printf '{"schemaVersion":2,"manifests":[]}\n' > "$dir/index.json"
    ;;
image)
    [ $# -ge 2 ] || die "image DIR PLATFORM EXEC_JSON [SALT]"
    platform=$1 exec_json=$2 salt=${3:-}
    work=$(mktemp -d "$dir/.work.XXXXXX")
    if [ -n "${MKLAYOUT_LAYER:-}" ]; then
        cp "$MKLAYOUT_LAYER" "$work/layer.tar"
    else
        printf '%s %s\n' "$platform" "$salt" > "$work/id"
        tar --create --file "$work/layer.tar" --format=pax --sort=name --mtime=@0 \
            --owner=0 --group=0 --numeric-owner -C "$work" id
    fi
    layer=$(put "$dir" "$work/layer.tar")
    printf '{%s,"created":"1970-01-01T00:00:00Z","config":%s,"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
        "$(platform_json "$platform")" "$exec_json" "${layer% *}" > "$work/config.json"
    config=$(put "$dir" "$work/config.json")
    printf '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}' "$OCI_MANIFEST" \
        "$(descriptor $OCI_CONFIG "$config")" "$(descriptor $OCI_LAYER "$layer")" > "$work/manifest.json"
    manifest=$(put "$dir" "$work/manifest.json")
    rm -rf "$work"
    descriptor $OCI_MANIFEST "$manifest" ",\"platform\":{$(platform_json "$platform")}"
    echo
    ;;
attestation)
    [ $# -eq 1 ] || die "attestation DIR SUBJECT_DIGEST"
    work=$(mktemp -d "$dir/.work.XXXXXX")
    printf '{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":"%s"}}]}' \
        "${1#sha256:}" > "$work/statement.json"
    statement=$(put "$dir" "$work/statement.json")
    printf '{"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
        "${statement% *}" > "$work/config.json"
    config=$(put "$dir" "$work/config.json")
    printf '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}' "$OCI_MANIFEST" \
        "$(descriptor $OCI_CONFIG "$config")" \
        "$(descriptor application/vnd.in-toto+json "$statement" ',"annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v0.2"}')" \
        > "$work/manifest.json"
    manifest=$(put "$dir" "$work/manifest.json")
    rm -rf "$work"
    descriptor $OCI_MANIFEST "$manifest" \
        ",\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},\"annotations\":{\"vnd.docker.reference.digest\":\"$1\",\"vnd.docker.reference.type\":\"attestation-manifest\"}"
    echo
    ;;
index)
    [ $# -ge 1 ] || die "index DIR DESCRIPTOR_JSON..."
    work=$(mktemp -d "$dir/.work.XXXXXX")
    entries=
    for d in "$@"; do entries="$entries${entries:+,}$d"; done
    printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s]}' "$OCI_INDEX" "$entries" > "$work/index.json"
    index=$(put "$dir" "$work/index.json")
    rm -rf "$work"
    descriptor $OCI_INDEX "$index"
    echo
    ;;
tag)
    [ $# -eq 2 ] || die "tag DIR TAG DESCRIPTOR_JSON"
    tag=$1 desc=$2
    # the descriptor without its platform, named TAG; other tags kept
    entry=$(printf '%s' "$desc" | jq -c --arg tag "$tag" \
        'del(.platform) | .annotations = {"org.opencontainers.image.ref.name": $tag}')
    jq -c --argjson entry "$entry" --arg tag "$tag" \
        '.manifests = ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $tag)] + [$entry])' \
        "$dir/index.json" > "$dir/index.json.new"
    mv "$dir/index.json.new" "$dir/index.json"
    ;;
*)
    die "unknown command $cmd"
    ;;
esac

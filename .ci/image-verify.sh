#!/bin/sh
# The image's gate (Dockerfile, stage `verify`): takes the release binary for one platform from a
# directory laid out as a release (dingtalk-notify-<arch>-unknown-linux-musl and one vX.Y.Z.sha256,
# what release.yml's checksums job writes), checks it against that file and the size ceiling in
# .ci/release.env, runs it when the build machine can, and copies it to OUT. Nothing is compiled.
#
#   usage: image-verify.sh ASSETS_DIR TARGETARCH BUILDARCH OUT
#
# POSIX sh: it runs in busybox (the image stage) and in the release rehearsal on the host.
set -eu

fail() { echo "image-verify: $*" >&2; exit 1; }
[ $# -eq 4 ] || fail "usage: $0 ASSETS_DIR TARGETARCH BUILDARCH OUT"
assets=$1 arch=$2 buildarch=$3 out=$4
case $out in /*) ;; *) out=$PWD/$out ;; esac

# NAME=value lines only (MUSL_MAX_BYTES here).
# shellcheck disable=SC1091
. "$(dirname "$0")/release.env"

case $arch in
  amd64) triple=x86_64-unknown-linux-musl ;;
  arm64) triple=aarch64-unknown-linux-musl ;;
  *) fail "no release binary for TARGETARCH $arch (amd64 and arm64 are released)" ;;
esac
asset=dingtalk-notify-$triple

cd "$assets"
set -- v*.sha256
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  fail "the release assets need exactly one vX.Y.Z.sha256 beside the binaries; found: $*"
fi
sums=$1
[ -f "$asset" ] || fail "$asset is not among the release assets (context release-assets)"

# The line for this asset only: the file lists every binary of the release.
line=$(grep -E "^[0-9a-f]{64} [ *]$asset\$" "$sums" || true)
[ -n "$line" ] || fail "$sums has no checksum for $asset"
printf '%s\n' "$line" | sha256sum -c - || fail "$asset does not match $sums: not the released bytes"

size=$(wc -c <"$asset")
size=$((size + 0))
[ "$size" -le "$MUSL_MAX_BYTES" ] ||
  fail "$asset is $size bytes, over the ceiling of $MUSL_MAX_BYTES (.ci/release.env)"
echo "image-verify: $asset: sha256 as in $sums, $size bytes (ceiling $MUSL_MAX_BYTES)"

cp "$asset" "$out"
chmod 0755 "$out"
if [ "$arch" = "$buildarch" ]; then
  "$out" --version
else
  echo "image-verify: not run here ($buildarch machine, $arch binary); release.yml ran it on an $arch runner"
fi

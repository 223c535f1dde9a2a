#!/usr/bin/env bash
# What a musl build of the binary would weigh, measured on a machine whose rustup toolchain has
# no musl target and cannot download one (3 MB is the aim, 3,200,000 bytes the release's
# ceiling; docs/performance.md).
#
# How: Debian's rustc-web (a second Rust toolchain, from apt, installed beside rustup's in
# /usr/bin) builds std itself for x86_64-unknown-linux-musl from its std sources (rust-web-src;
# `-Z build-std`, which RUSTC_BOOTSTRAP allows on a stable compiler), links with Debian's musl
# (musl-tools) and LLVM's libunwind. The same compiler and flags also build the glibc
# `crt-static` binary, so the two differ only in the C library. Debian's musl has no `rcrt1.o`,
# so both are position-dependent (`-C relocation-model=static`), as .ci/build-static.sh builds
# the release binaries.
#
# A measurement, not a way to ship: release builds use the toolchain that .ci/release.env pins,
# with rustup's musl targets and its prebuilt std, and no unstable flags (their sizes: issue 20,
# docs/performance.md). Time the musl binary with `BIN=<the path printed below> bench/run.sh`.
#
# Needs root for apt-get (once). Usage: bench/musl-size.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/target/musl-size
cd "$root"

if ! [ -x /usr/bin/rustc ] || ! [ -d /usr/lib/rustlib/src/rust/library ] || ! command -v musl-gcc >/dev/null ||
    ! [ -f /usr/lib/llvm-14/lib/libunwind.a ]; then
    echo "== installing Debian's rustc-web, its std sources, musl and LLVM's libunwind" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        rustc-web cargo-web rust-web-src musl-tools libunwind-14-dev >/dev/null
fi

# Build the binary with Debian's toolchain, std built from source for target $1.
build() {
    local target=$1 rustflags=$2 var
    var=$(echo "$target" | tr 'a-z-' 'A-Z_')
    env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 "CARGO_TARGET_${var}_RUSTFLAGS=$rustflags -C relocation-model=static" \
        "CARGO_TARGET_${var}_LINKER=${3:-cc}" "CC_${target//-/_}=${3:-cc}" \
        /usr/bin/cargo build --quiet --release --locked -Z build-std=std,panic_abort \
        --target "$target" --target-dir "$out"
}

echo "== building: the local static build (.ci/build-static.sh), then glibc and musl with $(/usr/bin/rustc --version | cut -d' ' -f1-2) and build-std" >&2
shipped=$(bash .ci/build-static.sh --quiet | tail -n 1)
build x86_64-unknown-linux-gnu "-C target-feature=+crt-static"
glibc=$out/x86_64-unknown-linux-gnu/release/dingtalk-notify
build x86_64-unknown-linux-musl "-C target-feature=+crt-static -C link-self-contained=no -L /usr/lib/llvm-14/lib" musl-gcc
musl=$out/x86_64-unknown-linux-musl/release/dingtalk-notify

# The musl binary must be static and work, or its size means nothing.
file -b "$musl" | grep -q 'statically linked' || { echo "not static: $(file -b "$musl")" >&2; exit 1; }
env -i "$musl" --dry-run | grep -q '"msgtype"' || { echo "the musl binary's dry run failed" >&2; exit 1; }

size() { stat -c %s "$1"; }
echo
printf '  %-58s %10s bytes\n' "build-static.sh: rustup $(rustc --version | cut -d' ' -f2), glibc crt-static, non-PIE" "$(size "$shipped")"
printf '  %-58s %10s bytes\n' "rustc-web, build-std, glibc crt-static, non-PIE" "$(size "$glibc")"
printf '  %-58s %10s bytes\n' "rustc-web, build-std, musl, non-PIE" "$(size "$musl")"
echo "  musl saves $(($(size "$glibc") - $(size "$musl"))) bytes over glibc, like for like"
echo "  the musl binary: $musl"

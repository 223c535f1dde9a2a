#!/usr/bin/env bash
# The static release build, in one command:
#
#   .ci/build-static.sh [TARGET]
#
# TARGET defaults to the host's own linux-gnu triple (glibc linked in statically); releases and
# the image pass x86_64-unknown-linux-musl or aarch64-unknown-linux-musl. The binary is built with
# `cargo build --release --locked --target TARGET` and `-C target-feature=+crt-static
# -C relocation-model=static` added to RUSTFLAGS: with an explicit --target, cargo keeps
# RUSTFLAGS off build scripts and proc-macros, which a crt-static host cannot build
# (rust-lang/cargo#8716). A plain `cargo build` stays untouched and works on any host.
#
# relocation-model=static makes a static executable that is not position-independent: 0.19 MB
# smaller than a static-pie (docs/performance.md), which keeps the binary within its size
# budget. What it gives up is address-space randomization of the executable itself, for a
# process that lives a few milliseconds and parses only what the CI hands it.
#
# C compiler and linker (ring compiles C), each only when the caller has not set it already:
#   - a musl target of the host's own architecture: CC = musl-gcc when installed (musl-tools);
#     rustc links with its self-contained musl, so the default `cc` linker is fine;
#   - another architecture: CC and linker = <arch>-linux-gnu-gcc when installed (Debian/Ubuntu
#     gcc-<arch>-linux-gnu). For a musl target it only drives the link: rustc passes its own
#     self-contained crt objects and libc.a.
#
# The path of the built binary is the LAST line of stdout; cargo's progress goes to stderr. Extra
# arguments after TARGET go to cargo (e.g. --target-dir DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
if [[ $# -ge 1 && $1 != -* ]]; then
  target=$1
  shift
else
  case $host in
    *-unknown-linux-gnu) target=$host ;;
    *) echo "build-static: the host is $host; name a Linux target, e.g. $0 x86_64-unknown-linux-musl" >&2; exit 2 ;;
  esac
fi
case $target in
  *-linux-gnu* | *-linux-musl*) ;;
  *) echo "build-static: $target is not a Linux target: static linking here is for Linux" >&2; exit 2 ;;
esac

arch=${target%%-*}
env_target=$(tr 'a-z-' 'A-Z_' <<<"$target") # CARGO_TARGET_<TRIPLE>_LINKER
cc_var="CC_${target//-/_}"                   # cc-rs: CC_<triple>

if [[ $arch != "${host%%-*}" ]]; then
  cross_gcc="$arch-linux-gnu-gcc"
  if command -v "$cross_gcc" >/dev/null 2>&1; then
    linker_var="CARGO_TARGET_${env_target}_LINKER"
    [[ -n ${!linker_var:-} ]] || export "$linker_var=$cross_gcc"
    [[ -n ${!cc_var:-} ]] || export "$cc_var=$cross_gcc"
  fi
elif [[ $target == *-musl* ]] && command -v musl-gcc >/dev/null 2>&1; then
  [[ -n ${!cc_var:-} ]] || export "$cc_var=musl-gcc"
fi

if ! rustup target list --installed 2>/dev/null | grep -qx "$target" && [[ $target != "$host" ]]; then
  echo "build-static: note: rustup does not list $target as installed (rustup target add $target)" >&2
fi

# CARGO_ENCODED_RUSTFLAGS would take precedence over RUSTFLAGS and drop the flag: refuse it.
[[ -z ${CARGO_ENCODED_RUSTFLAGS:-} ]] || { echo "build-static: unset CARGO_ENCODED_RUSTFLAGS" >&2; exit 2; }
# --no-eh-frame-hdr: the index the unwinder searches is only for unwinding, and with panic = "abort"
# nothing unwinds (a panic prints its message and aborts; a backtrace would come out empty).
# It saves 68,432 bytes of the glibc build (docs/performance.md, "Release size").
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static -C relocation-model=static -C link-arg=-Wl,--no-eh-frame-hdr"

echo "build-static: cargo build --release --locked --target $target (RUSTFLAGS=$RUSTFLAGS)" >&2
# cargo prints the artifacts it built as JSON on stdout; the executable's path is taken from there,
# so --target-dir or CARGO_TARGET_DIR need no special case.
messages=$(cargo build --release --locked --target "$target" --message-format=json-render-diagnostics "$@")
# (grep, not a JSON parser: the rust image that runs this has no python.)
bin=$(grep '"reason":"compiler-artifact"' <<<"$messages" | grep '"name":"dingtalk-notify"' |
  grep -o '"executable":"[^"]*"' | tail -n 1 | sed 's/^"executable":"//; s/"$//' || true)
[[ -n $bin && -x $bin ]] || { echo "build-static: cargo reported no dingtalk-notify executable" >&2; exit 1; }
echo "$bin"

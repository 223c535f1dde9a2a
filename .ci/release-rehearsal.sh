#!/usr/bin/env bash
# A release, rehearsed on this machine as far as it can be, with nothing published:
#
#   1. builds the Linux musl binaries with release.yml's command and flags (.ci/build-static.sh
#      TARGET): x86_64-unknown-linux-musl, and aarch64-unknown-linux-musl where a cross linker
#      (aarch64-linux-gnu-gcc) is installed, each only where rustup has the target;
#   2. gates each at the ceiling in .ci/release.env (the x86_64 one through .ci/static-check.sh,
#      as release.yml does) and runs it with --version and a dry run (aarch64 under qemu-aarch64);
#   3. writes <asset>.sha256 per binary and vX.Y.Z.sha256 for all, as release.yml's binaries and
#      checksums jobs do, and runs the image's gate (.ci/image-verify.sh) on them;
#   4. serves them from a loopback HTTP server laid out as a mirror (<url>/vX.Y.Z/<asset>) and runs
#      the action's install step (.github/action/install.sh) against it with download_url, from a
#      checkout laid out as the release commit: it must verify and install the binary, which must
#      run, and must refuse a different binary served under the same name.
#
# Where rustup has no musl target (this project's dev machines: rustup there cannot download one),
# each missing build prints "skipped: ...", and steps 3-4 run on a STAND-IN: the host's glibc
# crt-static build (.ci/build-static.sh with no target), served under the x86_64 musl asset's name
# because that is the name install.sh asks for. A stand-in is NOT a musl build: its size says
# nothing about the release's, and the musl ceiling and the image gate are not applied to it.
# REQUIRE_MUSL=1 makes a missing musl build a failure instead (for a release machine).
# REHEARSAL_PREBUILT_DIR=DIR takes dingtalk-notify-<triple> from DIR where it is there instead of
# building it (binaries from a CI run's artifacts, or another toolchain's build): the rest of the
# rehearsal is the same, and the summary says "given".
#
# The toolchain is the one rustup runs here; when rustup has RUST_TOOLCHAIN from .ci/release.env
# it is used, as in the release; otherwise the difference is printed. Output: the summary table at
# the end; the artifacts stay in target/release-rehearsal/dist (a valid `release-assets` build
# context for the Dockerfile when musl binaries were built).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
started=$SECONDS

env_value() { sed -n "s/^$1=//p" .ci/release.env; }
RUST_TOOLCHAIN=$(env_value RUST_TOOLCHAIN)
MUSL_MAX_BYTES=$(env_value MUSL_MAX_BYTES)
[[ -n $RUST_TOOLCHAIN && $MUSL_MAX_BYTES =~ ^[0-9]+$ ]] || { echo "rehearsal: .ci/release.env lacks RUST_TOOLCHAIN or MUSL_MAX_BYTES" >&2; exit 1; }

out=$root/target/release-rehearsal
dist=$out/dist
rm -rf "$out"
mkdir -p "$dist"

say() { printf 'rehearsal: %s\n' "$*"; }
skipped() { printf 'rehearsal: skipped: %s\n' "$*"; }
fail() { printf 'rehearsal: FAIL: %s\n' "$*" >&2; exit 1; }

server_pid=""
trap '[[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true' EXIT

version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
tag="v$version"

# --- the toolchain ------------------------------------------------------------------------------
if rustup toolchain list 2>/dev/null | grep -q "^$RUST_TOOLCHAIN-"; then
  export RUSTUP_TOOLCHAIN=$RUST_TOOLCHAIN
fi
rustc_version=$(rustc -V)
say "release $tag; toolchain here: $rustc_version; release.yml pins $RUST_TOOLCHAIN (.ci/release.env)"
if [[ $rustc_version != "rustc $RUST_TOOLCHAIN "* ]]; then
  say "note: rustup here has no $RUST_TOOLCHAIN, so these binaries come from another compiler than the release's: expect sizes a few tens of KB apart"
fi
installed_targets=$(rustup target list --installed 2>/dev/null || true)

# --- 1. build ---------------------------------------------------------------------------------
host=$(rustc -vV | sed -n 's/^host: //p')
built=()      # triples of real musl builds
declare -A bin_of kind_of
for triple in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
  arch=${triple%%-*}
  given=${REHEARSAL_PREBUILT_DIR:+$REHEARSAL_PREBUILT_DIR/dingtalk-notify-$triple}
  if [[ -n $given && -f $given ]]; then
    say "$triple: taking $given (REHEARSAL_PREBUILT_DIR), built elsewhere: not built here"
    bin_of[$triple]=$(realpath "$given")
    kind_of[$triple]="given (REHEARSAL_PREBUILT_DIR)"
    built+=("$triple")
    continue
  fi
  if ! grep -qx "$triple" <<<"$installed_targets"; then
    why="rustup has no $triple target for $rustc_version (rustup target add $triple; it cannot be downloaded on a machine without the internet)"
    [[ ${REQUIRE_MUSL:-} != 1 ]] || fail "$why"
    skipped "musl build of $triple: $why"
    continue
  fi
  if [[ $arch != "${host%%-*}" ]] && ! command -v "$arch-linux-gnu-gcc" >/dev/null 2>&1; then
    why="no cross linker $arch-linux-gnu-gcc (apt-get install gcc-$arch-linux-gnu libc6-dev-${arch/aarch64/arm64}-cross)"
    [[ ${REQUIRE_MUSL:-} != 1 ]] || fail "$why"
    skipped "musl build of $triple: $why"
    continue
  fi
  say "building $triple: .ci/build-static.sh $triple (as release.yml)"
  bin_of[$triple]=$(bash .ci/build-static.sh "$triple" | tail -n 1)
  kind_of[$triple]="musl, static"
  built+=("$triple")
done

standin=false
if ((${#built[@]} == 0)); then
  standin=true
  case $host in
    x86_64-unknown-linux-gnu) ;;
    *) fail "no musl target, and the stand-in needs an x86_64 Linux host (this is $host)" ;;
  esac
  say "STAND-IN: no musl binary could be built here, so the host's glibc crt-static build"
  say "  (.ci/build-static.sh, no target) plays the x86_64 musl asset in steps 3-4. It is NOT a musl"
  say "  build: its size is not the release's, and the musl ceiling and image gate are not applied."
  triple=x86_64-unknown-linux-musl
  bin_of[$triple]=$(bash .ci/build-static.sh | tail -n 1)
  kind_of[$triple]="STAND-IN: glibc static"
  built+=("$triple")
fi

# --- 2. gate and run each ---------------------------------------------------------------------
run_bin() { # run_bin TRIPLE FILE ARGS...: runs FILE, under qemu when it is another architecture
  local arch=${1%%-*} file=$2; shift 2
  local cmd=("$file")
  if [[ $arch != "${host%%-*}" ]]; then cmd=("qemu-$arch" "$file"); fi
  env -i "${cmd[@]}" "$@"
}
declare -A ran
for triple in "${built[@]}"; do
  bin=${bin_of[$triple]}
  size=$(wc -c <"$bin")
  arch=${triple%%-*}
  if ! $standin; then
    ((size <= MUSL_MAX_BYTES)) || fail "$triple is $size bytes, over the ceiling of $MUSL_MAX_BYTES (.ci/release.env)"
    say "$triple: $size bytes, within the ceiling of $MUSL_MAX_BYTES (aspiration 3000000)"
    if [[ $arch == "${host%%-*}" ]]; then
      say "$triple: .ci/static-check.sh with MAX_BYTES=$MUSL_MAX_BYTES (as release.yml)"
      MAX_BYTES=$MUSL_MAX_BYTES bash .ci/static-check.sh "$bin" | sed 's/^/  /'
    else
      # static-check runs it natively on an arm64 runner in release.yml; here, what file says.
      desc=$(file -b "$bin")
      [[ $desc == *"statically linked"* && $desc == *"${arch/x86_64/x86-64}"* ]] ||
        fail "$triple: not a static $arch executable: $desc"
      say "$triple: file: $desc"
    fi
  else
    say "$triple (stand-in): $size bytes; .ci/run's static-check gates this glibc build at its own budget"
  fi
  if [[ $arch != "${host%%-*}" ]] && ! command -v "qemu-$arch" >/dev/null 2>&1; then
    skipped "running $triple: no qemu-$arch (apt-get install qemu-user)"
    ran[$triple]=no
  else
    v=$(run_bin "$triple" "$bin" --version)
    [[ $v == *"$version"* ]] || fail "$triple --version says '$v', not $version"
    run_bin "$triple" "$bin" --dry-run 2>/dev/null | grep -q '"msgtype"' || fail "$triple: the dry run printed no message body"
    say "$triple: --version: $v; --dry-run printed a message body"
    ran[$triple]=yes
  fi
done

# --- 3. checksums as release.yml writes them; the image's gate -----------------------------------
for triple in "${built[@]}"; do
  asset=dingtalk-notify-$triple
  cp "${bin_of[$triple]}" "$dist/$asset"
  (cd "$dist" && sha256sum "$asset" >"$asset.sha256") # the binaries job
done
(cd "$dist" && cat ./*.sha256 | sort -k 2 >"$tag.sha256.tmp" && mv "$tag.sha256.tmp" "$tag.sha256") # the checksums job
(cd "$dist" && sha256sum -c --quiet "$tag.sha256") || fail "$tag.sha256 does not check"
say "checksum file $dist/$tag.sha256:"
sed 's/^/  /' "$dist/$tag.sha256"

if $standin; then
  skipped "the image's gate (.ci/image-verify.sh): its ceiling and checks are for the musl binaries, and a stand-in is none"
else
  image_sh=(sh)
  if command -v busybox >/dev/null 2>&1; then image_sh=(busybox sh); fi
  for triple in "${built[@]}"; do
    case $triple in x86_64-*) a=amd64 ;; aarch64-*) a=arm64 ;; esac
    # The build machine runs what it can, as BuildKit's verify stage does on an amd64 runner.
    "${image_sh[@]}" .ci/image-verify.sh "$dist" "$a" amd64 "$out/image-$a" | sed 's/^/  /'
  done
  say "image gate (.ci/image-verify.sh under ${image_sh[*]}): passed for ${built[*]}"
fi

# --- 4. a loopback mirror, and the action's install step against it ---------------------------
srv=$out/srv
mkdir -p "$srv/$tag"
cp "$dist"/dingtalk-notify-* "$srv/$tag/"
rm -f "$srv/$tag"/*.sha256 # a mirror's own .sha256 is never read; leave none to be sure
python3 - "$srv" "$out/port" <<'EOF' &
import functools, http.server, os, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 100); do [[ -s $out/port ]] && break; sleep 0.1; done
[[ -s $out/port ]] || fail "the loopback mirror did not start"
mirror="http://127.0.0.1:$(<"$out/port")"
say "mirror: $mirror/$tag/ serves $(cd "$srv/$tag" && echo *)"

# The action's checkout at the release commit: Cargo.toml and the checksum file that release.yml
# commits as .github/action/checksums/vX.Y.Z.sha256.
action=$out/action
mkdir -p "$action/.github/action/checksums"
cp Cargo.toml "$action/"
cp "$dist/$tag.sha256" "$action/.github/action/checksums/$tag.sha256"

install() { # install RUNNER_ARCH: runs install.sh as action.yml does, output in $out/install.log
  rm -rf "$out/runner"
  : >"$out/install.out"
  env -u INPUT_BUILD_FROM_SOURCE NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 \
    GITHUB_ACTION_PATH="$action" ACTION_REF="$tag" ACTION_REPOSITORY=dingtalk-notify/dingtalk-notify \
    GITHUB_SERVER_URL=http://127.0.0.1:9 INPUT_DOWNLOAD_URL="$mirror" INPUT_FAIL_ON_ERROR=true \
    RUNNER_OS=Linux RUNNER_ARCH="$1" RUNNER_TEMP="$out/runner" GITHUB_OUTPUT="$out/install.out" \
    DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT=20 bash .github/action/install.sh >"$out/install.log" 2>&1
}
for triple in "${built[@]}"; do
  case $triple in x86_64-*) runner_arch=X64 ;; aarch64-*) runner_arch=ARM64 ;; esac
  asset=dingtalk-notify-$triple
  install "$runner_arch" || { cat "$out/install.log" >&2; fail "install.sh ($runner_arch) failed against the mirror"; }
  grep -q "sha256 verified against the pinned ref" "$out/install.log" || fail "install.sh did not verify $asset"
  installed=$(sed -n 's/^bin=//p' "$out/install.out")
  cmp -s "$installed" "${bin_of[$triple]}" || fail "install.sh installed other bytes than $asset"
  if [[ ${ran[$triple]} == yes ]]; then
    v=$(run_bin "$triple" "$installed" --version)
    say "install.sh ($runner_arch, download_url=$mirror): verified, installed, runs: $v"
  else
    say "install.sh ($runner_arch, download_url=$mirror): verified and installed (not run: see above)"
  fi

  # A different binary under the same name: refused, and nothing left under the final name.
  cp "${bin_of[$triple]}" "$srv/$tag/$asset"
  printf 'x' >>"$srv/$tag/$asset"
  if install "$runner_arch"; then fail "install.sh accepted a different binary served as $asset"; fi
  grep -q "sha256 mismatch for $asset" "$out/install.log" || { cat "$out/install.log" >&2; fail "install.sh failed, but not on the checksum"; }
  [[ ! -e $out/runner/dingtalk-notify-$tag/$asset ]] || fail "a refused binary was left installed"
  say "install.sh refused a different $asset (one byte longer): $(grep -o 'expects [0-9a-f]\{12\}' "$out/install.log")…, got another"
  cp "${bin_of[$triple]}" "$srv/$tag/$asset"
done

# --- summary ----------------------------------------------------------------------------------
echo
say "summary (built here with $rustc_version, where built here; release pin $RUST_TOOLCHAIN; $((SECONDS - started)) s)"
printf '  %-44s %-31s %10s  %s\n' asset kind bytes sha256
for triple in "${built[@]}"; do
  asset=dingtalk-notify-$triple
  printf '  %-44s %-31s %10s  %s\n' "$asset" "${kind_of[$triple]}" "$(wc -c <"$dist/$asset")" "$(cut -d ' ' -f 1 "$dist/$asset.sha256")"
done
$standin && say "passed on a STAND-IN (no musl target here): packaging, checksums, mirror and install step rehearsed; musl build, ceiling and image gate skipped"
if ! $standin; then
  for triple in "${built[@]}"; do
    say "passed: $triple (${kind_of[$triple]}): gated at $MUSL_MAX_BYTES bytes, run, checksummed, image gate, served and installed"
  done
fi

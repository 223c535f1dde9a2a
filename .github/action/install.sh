#!/usr/bin/env bash
# Puts the dingtalk-notify binary for this runner on disk for action.yml and writes its path
# to $GITHUB_OUTPUT as `bin`.
#
# A released ref (a `v*` tag, or a commit SHA) gets the release asset of the version in the
# action's own Cargo.toml, checked against its .sha256 file: nothing is compiled. Only an
# unreleased ref (a branch, a SHA whose version has no release yet, or `uses: ./` in this
# repository) is built from source with the same command as CI.
#
# Inputs (environment): GITHUB_ACTION_PATH, ACTION_REF, ACTION_REPOSITORY, RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP, GITHUB_SERVER_URL, GITHUB_OUTPUT. No secret reaches this script.
set -euo pipefail

fail() { echo "::error title=dingtalk-notify::$*" >&2; exit 1; }

# Git Bash on Windows: turn D:\a\... into /d/a/... so every path below is one kind.
unix_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else printf '%s\n' "$1"; fi; }

root=$(unix_path "${GITHUB_ACTION_PATH:?not run from action.yml}")
temp=$(unix_path "${RUNNER_TEMP:-${TMPDIR:-/tmp}}")
ref=${ACTION_REF:-}
repo=${ACTION_REPOSITORY:-}

# The release asset names below are the ones release.yml uploads.
exe=""
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64)     triple=x86_64-unknown-linux-gnu ;;
  Linux/ARM64)   triple=aarch64-unknown-linux-gnu ;;
  macOS/X64)     triple=x86_64-apple-darwin ;;
  macOS/ARM64)   triple=aarch64-apple-darwin ;;
  # Windows on Arm runs x64 programs under emulation.
  Windows/X64 | Windows/ARM64) triple=x86_64-pc-windows-msvc; exe=.exe ;;
  *) fail "no dingtalk-notify binary for runner ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" ;;
esac

version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)
[[ -n $version ]] || fail "no version in $root/Cargo.toml"
tag="v$version"
asset="dingtalk-notify-$triple$exe"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d ' ' -f 1
}

# Prints the HTTP status (000 when no answer came); the body goes to $2.
fetch() {
  curl --silent --show-error --location --retry 3 --retry-connrefused --connect-timeout 20 \
    --max-time 120 --output "$2" --write-out '%{http_code}' "$1" || true
}

build_from_source() {
  echo "::notice title=dingtalk-notify::$1: building from source (a release tag would download a prebuilt binary)"
  command -v cargo >/dev/null 2>&1 || fail "$1, and cargo is not installed to build it: pin a release tag"
  local args=(build --release --locked)
  # .cargo/config.toml defaults the build to x86_64 Linux (static glibc); every other runner names its own.
  if [[ $triple != x86_64-unknown-linux-gnu ]]; then
    # Build for the host itself (e.g. aarch64 Windows): its std is installed, an emulated one may not be.
    triple=$(rustc -vV | sed -n 's/^host: //p')
    args+=(--target "$triple")
  fi
  (cd "$root" && cargo "${args[@]}") >&2
  bin="$root/target/$triple/release/dingtalk-notify$exe"
}

download_release() {
  local dir="$temp/dingtalk-notify-$tag" url
  bin="$dir/$asset"
  if [[ -x $bin ]]; then echo "dingtalk-notify $tag already installed at $bin"; return 0; fi
  mkdir -p "$dir"
  url="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$tag/$asset"
  echo "Downloading $url"
  local status; status=$(fetch "$url" "$bin.part")
  if [[ $status == 404 && $ref != "$tag" ]]; then
    rm -f "$bin.part"; build_from_source "no release $tag for ref $ref"; return 0
  fi
  [[ $status == 404 ]] && fail "release $tag has no $asset yet (is its release workflow still running?)"
  [[ $status == 200 ]] || fail "downloading $url failed (HTTP $status)"
  status=$(fetch "$url.sha256" "$bin.sha256")
  [[ $status == 200 ]] || fail "downloading $url.sha256 failed (HTTP $status)"
  local want got
  want=$(tr -d '\r' <"$bin.sha256" | cut -d ' ' -f 1)
  got=$(sha256_of "$bin.part")
  [[ -n $want && $want == "$got" ]] || fail "sha256 mismatch for $asset: expected ${want:-nothing}, got $got"
  echo "sha256 verified: $got"
  chmod +x "$bin.part"
  mv "$bin.part" "$bin"   # only a verified binary ever gets the final name
}

if [[ -z $ref || -z $repo ]]; then
  build_from_source "local action (uses: ./)"
elif [[ $ref =~ ^v[0-9] || $ref =~ ^[0-9a-f]{40}$ ]]; then
  # A version tag (v1.2.3, or a moving v1) or a commit SHA: the action's Cargo.toml at that ref
  # names the release whose binary matches it.
  download_release
else
  build_from_source "branch $ref"
fi

[[ -x $bin ]] || fail "no binary at $bin"
echo "bin=$bin" >>"${GITHUB_OUTPUT:-/dev/stdout}"

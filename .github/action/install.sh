#!/usr/bin/env bash
# Puts the dingtalk-notify binary for this runner on disk for action.yml and writes its path
# to $GITHUB_OUTPUT as `bin`.
#
# Pinning the action pins the binary. A release commit (what release.yml tags
# vX.Y.Z) carries .github/action/checksums/vX.Y.Z.sha256, the SHA-256 of every binary of that
# release. The binary for this runner is downloaded and must match the line in THAT file, inside
# the action's own checkout ($GITHUB_ACTION_PATH): a .sha256 published beside the mutable release
# assets is never trusted. So a tag pin, or a pin to the tag's commit SHA, runs exactly the binary
# released from that commit.
#
# A ref whose checkout has no checksums for its own Cargo.toml version (a branch, a commit that
# was never released) has no binary of its own: it is refused, rather than running another
# version's, unless `build_from_source: true` asks for a build with cargo. `uses: ./` (this
# repository's own checkout) builds from source.
#
# Inputs (environment): GITHUB_ACTION_PATH, ACTION_REF, ACTION_REPOSITORY, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP, GITHUB_SERVER_URL, GITHUB_OUTPUT; INPUT_DOWNLOAD_URL (a mirror of the release
# downloads, laid out as <download_url>/vX.Y.Z/<asset>), INPUT_BUILD_FROM_SOURCE,
# INPUT_FAIL_ON_ERROR (false: a failure here is a warning; action.yml lets the job go on);
# DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT (seconds for the whole download, retries included; default 60,
# for tests). No secret reaches this script.
set -euo pipefail

# fail_on_error false, in any spelling the binary accepts: the step's failure does not fail the
# job (action.yml's continue-on-error), so it is reported as a warning, not an error.
level=error
case ${INPUT_FAIL_ON_ERROR:-} in
  false | False | FALSE | 0 | no | No | NO) level=warning ;;
esac

partial="" # a download in progress, removed on failure: no unverified file is left behind
fail() {
  [[ -z $partial ]] || rm -f "$partial"
  echo "::$level title=dingtalk-notify::$*" >&2
  exit 1
}

# Git Bash on Windows: turn D:\a\... into /d/a/... so every path below is one kind.
unix_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else printf '%s\n' "$1"; fi; }

root=$(unix_path "${GITHUB_ACTION_PATH:?not run from action.yml}")
temp=$(unix_path "${RUNNER_TEMP:-${TMPDIR:-/tmp}}")
ref=${ACTION_REF:-}
repo=${ACTION_REPOSITORY:-}
download_url=${INPUT_DOWNLOAD_URL:-}
# Only a web address reaches curl: not an option (`-K/etc/passwd`), not file:// or another scheme.
if [[ -n $download_url && ! $download_url =~ ^https?://[^[:space:]]+$ ]]; then
  # (non-printing characters shown as ?: a newline would start a workflow command of its own)
  fail "download_url must be an http:// or https:// URL (a mirror of the release downloads), not '${download_url//[^[:print:]]/?}'"
fi
budget=${DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT:-60}
case ${INPUT_BUILD_FROM_SOURCE:-} in
  true | True | TRUE | 1 | yes | Yes | YES) from_source=true ;;
  "" | false | False | FALSE | 0 | no | No | NO) from_source=false ;;
  *) fail "build_from_source must be true or false, not '${INPUT_BUILD_FROM_SOURCE}'" ;;
esac

# The release asset names below are the ones release.yml uploads. Linux binaries are musl, static.
exe=""
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64)     triple=x86_64-unknown-linux-musl ;;
  Linux/ARM64)   triple=aarch64-unknown-linux-musl ;;
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
sums="$root/.github/action/checksums/$tag.sha256"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d ' ' -f 1
}

build_from_source() {
  echo "::notice title=dingtalk-notify::$1: building from source with cargo"
  command -v cargo >/dev/null 2>&1 || fail "$1, and cargo is not installed to build it"
  # A plain host build (any OS); --target-dir keeps the path fixed whatever CARGO_TARGET_DIR says.
  (cd "$root" && cargo build --release --locked --target-dir "$root/target") >&2
  bin="$root/target/release/dingtalk-notify$exe"
}

# download URL FILE: at most 3 attempts, all within $budget seconds (curl's --max-time is set to
# what is left of it). Retries only what may pass next time: no answer, 429, 5xx.
download() {
  local url=$1 out=$2 start=$SECONDS tries=0 status left rc last="" began
  while ((tries < 3)); do
    left=$((budget - (SECONDS - start)))
    ((left >= 1)) || break
    tries=$((tries + 1))
    began=$SECONDS
    rc=0
    # `--` ends curl's options: nothing in the URL can be read as one.
    status=$(curl --silent --show-error --location --connect-timeout "$((left < 10 ? left : 10))" \
      --max-time "$left" --output "$out" --write-out '%{http_code}' -- "$url") || rc=$?
    case $rc/$status in
      0/200) return 0 ;;
      0/403) fail "no access to $url (HTTP 403). $(forbidden_hint)" ;;
      0/404) fail "no $asset at $url (HTTP 404): release $tag lacks it, or the mirror (download_url) does not hold it" ;;
      0/429 | 0/5??) last="HTTP $status" ;;
      0/*) fail "downloading $url failed: HTTP $status" ;;
      28/*) last="timed out after $((SECONDS - began))s" ;;
      *) last="curl exit $rc (no connection or a broken one: curl's own message is above)" ;;
    esac
    echo "attempt $tries of 3: $last" >&2
    # A short pause before the next attempt, if there is time for one.
    ((tries < 3 && budget - (SECONDS - start) > 1)) && sleep 1
  done
  local plural=s
  ((tries == 1)) && plural=""
  fail "could not download $url: $tries attempt$plural in $((SECONDS - start))s (limit ${budget}s), the last: $last. $(unreachable_hint)"
}

unreachable_hint() {
  if [[ -n $download_url ]]; then
    echo "Check that the runner reaches the mirror in download_url and that it serves $tag/$asset"
  else
    echo "A runner that cannot reach ${GITHUB_SERVER_URL:-https://github.com} can set download_url to a mirror of the release downloads (README, \"Mainland China\")"
  fi
}

forbidden_hint() {
  if [[ -n $download_url ]]; then
    echo "The mirror in download_url refuses this runner: allow anonymous reads of $tag/, or give the runner access to it"
  else
    echo "GitHub refuses downloads when a network or proxy blocks them or a rate limit is reached: retry later, or set download_url to a mirror of the release downloads (README, \"Mainland China\")"
  fi
}

install_release() {
  local want dir url got
  # The expected hash comes from the pinned checkout, never from the server.
  want=$(tr -d '\r' <"$sums" | awk -v a="$asset" '$2 == a || $2 == "*" a { print $1; exit }')
  [[ $want =~ ^[0-9a-f]{64}$ ]] || fail "$sums has no checksum for $asset: release $tag has no binary for this runner"
  dir="$temp/dingtalk-notify-$tag"
  bin="$dir/$asset"
  if [[ -f $bin && $(sha256_of "$bin") == "$want" ]]; then
    echo "dingtalk-notify $tag already installed at $bin (sha256 verified)"
    return 0
  fi
  command -v curl >/dev/null 2>&1 ||
    fail "curl is not installed on this runner, and the action downloads its binary with it: install curl before this step (or set build_from_source: true, which needs cargo)"
  mkdir -p "$dir"
  url="${download_url:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}"
  url="${url%/}/$tag/$asset"
  echo "Downloading $url (at most 3 attempts in ${budget}s)"
  rm -f "$bin" "$bin.part"
  partial="$bin.part"
  download "$url" "$bin.part"
  got=$(sha256_of "$bin.part")
  if [[ $got != "$want" ]]; then
    local bytes
    bytes=$(wc -c <"$bin.part" | tr -d ' ')
    fail "sha256 mismatch for $asset from $url: the pinned ref ($sums) expects $want, got $got ($bytes bytes). Refusing to run it. A proxy or mirror that answers with a page of its own, a cut-off download, or another release's file under this name gives this: compare the file at that URL with the release's own asset (a $tag binary is a few MB) and fix the mirror; do not skip the check"
  fi
  echo "sha256 verified against the pinned ref: $got"
  chmod +x "$bin.part"
  mv "$bin.part" "$bin" # only a verified binary ever gets the final name
  partial=""
}

if $from_source; then
  build_from_source "build_from_source is true"
elif [[ -z $ref || -z $repo ]]; then
  build_from_source "local action (uses: ./)"
elif [[ -f $sums ]]; then
  install_release
elif [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
  fail "commit $ref has no release of its own (its Cargo.toml says $version, and it carries no .github/action/checksums/$tag.sha256), so no binary is known to match it. Pin a release tag or the commit SHA it points at, or set build_from_source: true (needs cargo)"
else
  fail "ref $ref carries no checksums for $tag (.github/action/checksums/$tag.sha256): it is not a release commit, so no binary is known to match it. Pin a release tag or its commit SHA, or set build_from_source: true (needs cargo)"
fi

[[ -x $bin ]] || fail "no binary at $bin"
echo "bin=$bin" >>"${GITHUB_OUTPUT:-/dev/stdout}"

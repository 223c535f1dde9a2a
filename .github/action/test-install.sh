#!/usr/bin/env bash
# Tests install.sh without GitHub: a loopback HTTP server plays the release downloads (and a
# mirror, and a server that never answers), a stub cargo stands in for the source build. Covers a
# tag pin, reuse, a SHA pin, a tampered binary (refused although the server's own .sha256 matches
# it), a SHA and a branch without a release (refused, never built), build_from_source, `uses: ./`,
# a mirror (download_url) with github.com unreachable, a missing asset, the time-out bound, a
# download_url that is not a web address (never reaches curl), a runner without curl, 403, retried
# 503s with a true attempt count, the mirror hint only without download_url, and fail_on_error
# false turning the error into a warning.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$here/../../Cargo.toml" | head -n 1)
tag="v$version"
sha=0123456789abcdef0123456789abcdef01234567
asset=dingtalk-notify-x86_64-unknown-linux-musl

tmp=$(mktemp -d)
server_pid=""
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# Two checkouts of the action: a release commit (Cargo.toml and the checksums release.yml
# commits) and a commit without a release (Cargo.toml only).
mkdir -p "$tmp/release-commit/.github/action/checksums" "$tmp/plain-commit" "$tmp/stub" \
  "$tmp/srv/o/r/releases/download/$tag" "$tmp/srv/mirror/$tag"
cp "$here/../../Cargo.toml" "$tmp/release-commit/"
cp "$here/../../Cargo.toml" "$tmp/plain-commit/"
release="$tmp/srv/o/r/releases/download/$tag"
printf '#!/bin/sh\necho released\n' >"$release/$asset"
printf '#!/bin/sh\necho released-arm64\n' >"$release/dingtalk-notify-aarch64-unknown-linux-musl"
cp "$release/$asset" "$tmp/srv/mirror/$tag/$asset"
(cd "$release" && sha256sum "$asset" dingtalk-notify-aarch64-unknown-linux-musl) \
  >"$tmp/release-commit/.github/action/checksums/$tag.sha256"

# cargo stub: logs its arguments and leaves a binary where `cargo build --target-dir DIR` would.
cat >"$tmp/stub/cargo" <<'EOF'
#!/bin/sh
echo "cargo $*" >>"$STUB_LOG"
dir=target
while [ $# -gt 0 ]; do [ "$1" = --target-dir ] && dir=$2; shift; done
mkdir -p "$dir/release"
printf '#!/bin/sh\necho built\n' >"$dir/release/dingtalk-notify"
chmod +x "$dir/release/dingtalk-notify"
EOF
chmod +x "$tmp/stub/cargo"

# Serves $tmp/srv; any path under /stall/ is answered never (the handler sleeps past every
# budget used below), under /forbidden/ with 403, under /busy/ with 503. Every request is logged,
# one path a line.
python3 - "$tmp/srv" "$tmp/port" "$tmp/requests" <<'EOF' &
import functools, http.server, os, sys, time
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[3], "a") as log:
            log.write(self.path + "\n")
        if self.path.startswith("/stall/"):
            time.sleep(30)
            return
        for prefix, code in (("/forbidden/", 403), ("/busy/", 503)):
            if self.path.startswith(prefix):
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        super().do_GET()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
server.daemon_threads = True
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
[[ -s $tmp/port ]] || { echo "release server did not start" >&2; exit 1; }
base="http://127.0.0.1:$(<"$tmp/port")"

failures=0
bad() { echo "FAIL  $*"; failures=$((failures + 1)); }
# case_ NAME EXPECT(ok|fail) WORD NAME=value...: runs install.sh (from the release commit unless
# GITHUB_ACTION_PATH is given), checks its exit status, and that the installed binary prints WORD.
# On failure, WORD is a text install.sh's output must contain.
case_() {
  local name=$1 expect=$2 word=$3; shift 3
  : >"$tmp/out"; : >"$tmp/stub.log"; : >"$tmp/requests"
  local rc=0
  # NO_PROXY: the release server is on loopback, whatever proxy the caller has set.
  env PATH="$tmp/stub:$PATH" STUB_LOG="$tmp/stub.log" GITHUB_ACTION_PATH="$tmp/release-commit" \
    NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 INPUT_DOWNLOAD_URL= INPUT_BUILD_FROM_SOURCE= \
    RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$tmp/runner" GITHUB_OUTPUT="$tmp/out" \
    GITHUB_SERVER_URL="$base" ACTION_REPOSITORY=o/r ACTION_REF="$tag" "$@" \
    "$BASH" "$here/install.sh" >"$tmp/log" 2>&1 || rc=$?
  local got=fail bin ok=false
  bin=$(sed -n 's/^bin=//p' "$tmp/out")
  [[ $rc == 0 && -n $bin ]] && got=ok
  if [[ $got == ok && $expect == ok && $("$bin") == "$word" ]]; then ok=true; fi
  if [[ $got == fail && $expect == fail ]] && grep -qF -- "$word" "$tmp/log"; then ok=true; fi
  if $ok; then
    echo "ok    install.sh: $name"
  else
    bad "install.sh: $name (exit $rc, bin=${bin:-none}, expected $expect/$word)"
    sed 's/^/      /' "$tmp/log" "$tmp/stub.log"
  fi
}
no_build() { [[ ! -s $tmp/stub.log ]] || bad "$1: cargo ran: $(cat "$tmp/stub.log")"; }
# has / lacks TEXT WHAT: the last case's output does (not) contain TEXT.
has() { grep -qF -- "$1" "$tmp/log" || { bad "$2: the output lacks '$1'"; sed 's/^/      /' "$tmp/log"; }; }
lacks() { ! grep -qF -- "$1" "$tmp/log" || { bad "$2: the output has '$1'"; sed 's/^/      /' "$tmp/log"; }; }

case_ "tag pin downloads and verifies against the pinned checksums" ok released
grep -qx "/o/r/releases/download/$tag/$asset" "$tmp/requests" || bad "tag pin: no request for $asset"
grep -q '\.sha256' "$tmp/requests" && bad "tag pin: fetched a .sha256 from the server"
case_ "second run reuses the verified binary" ok released
[[ ! -s $tmp/requests ]] || bad "reuse: downloaded again"
rm -rf "$tmp/runner"
case_ "SHA pin of a release commit downloads its release" ok released ACTION_REF=$sha
rm -rf "$tmp/runner"
case_ "Linux arm64 gets the aarch64 musl binary" ok released-arm64 RUNNER_ARCH=ARM64
case_ "SHA without a release is refused, never built" fail "has no release of its own" \
  ACTION_REF=$sha GITHUB_ACTION_PATH="$tmp/plain-commit"
no_build "SHA without a release"
case_ "branch without a release is refused" fail "not a release commit" \
  ACTION_REF=main GITHUB_ACTION_PATH="$tmp/plain-commit"
no_build "branch"
case_ "SHA without a release builds when asked (build_from_source)" ok built \
  ACTION_REF=$sha GITHUB_ACTION_PATH="$tmp/plain-commit" INPUT_BUILD_FROM_SOURCE=true
grep -q -- "--release --locked --target-dir $tmp/plain-commit/target" "$tmp/stub.log" ||
  bad "build_from_source: unexpected cargo call: $(cat "$tmp/stub.log")"
case_ "build_from_source rejects a non-boolean" fail "build_from_source must be" INPUT_BUILD_FROM_SOURCE=maybe
case_ "uses: ./ builds" ok built ACTION_REF= GITHUB_ACTION_PATH="$tmp/plain-commit"
case_ "macOS arm64 builds a host binary (no --target)" ok built ACTION_REF= RUNNER_OS=macOS RUNNER_ARCH=ARM64
grep -q -- '--target ' "$tmp/stub.log" && bad "macOS build passed --target"

rm -rf "$tmp/runner"
case_ "mirror (download_url) is used; github.com unreachable" ok released \
  GITHUB_SERVER_URL=http://127.0.0.1:9 INPUT_DOWNLOAD_URL="$base/mirror/"
grep -qx "/mirror/$tag/$asset" "$tmp/requests" || bad "mirror: no request for /mirror/$tag/$asset"
rm -rf "$tmp/runner"

case_ "runner without a binary in the release is refused" fail "no checksum for dingtalk-notify-x86_64-apple-darwin" \
  RUNNER_OS=macOS RUNNER_ARCH=X64
case_ "missing asset fails clearly, never builds" fail "HTTP 404" ACTION_REPOSITORY=o/none
no_build "missing asset"

start=$SECONDS
case_ "a server that never answers fails within the time budget" fail "could not download" \
  INPUT_DOWNLOAD_URL="$base/stall" DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT=4
took=$((SECONDS - start))
((took <= 7)) || bad "time-out: took ${took}s with a 4s budget"
# The one attempt took the whole budget: the message counts one, and names no mirror to set
# (download_url is set already).
has ": 1 attempt in " "time-out: attempt count"
has "attempt 1 of 3: timed out after " "time-out: what the attempt met"
lacks "can set download_url" "time-out with download_url set"
has "Check that the runner reaches the mirror in download_url" "time-out with download_url set"
case_ "no answer from GitHub suggests a mirror" fail "can set download_url to a mirror" \
  GITHUB_SERVER_URL="$base/stall" DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT=2
case_ "503 is retried: 3 attempts, counted" fail ": 3 attempts in " INPUT_DOWNLOAD_URL="$base/busy"
has "attempt 3 of 3: HTTP 503" "503: each attempt is reported"
[[ $(grep -c "/busy/$tag/$asset" "$tmp/requests") == 3 ]] || bad "503: expected 3 requests, got $(grep -c . "$tmp/requests")"
case_ "403 from GitHub says what to do" fail "(HTTP 403). GitHub refuses downloads" \
  GITHUB_SERVER_URL="$base/forbidden"
case_ "403 from the mirror says what to do" fail "The mirror in download_url refuses this runner" \
  INPUT_DOWNLOAD_URL="$base/forbidden"
[[ $(grep -c . "$tmp/requests") == 1 ]] || bad "403: retried"

# download_url reaches curl only as a web address after `--`.
for url in "-K/etc/passwd" "file:///etc/passwd" "ftp://127.0.0.1/x" "--config=/etc/passwd"; do
  case_ "download_url '$url' is refused before curl" fail "download_url must be an http:// or https:// URL" \
    INPUT_DOWNLOAD_URL="$url"
  [[ ! -s $tmp/requests ]] || bad "download_url '$url': a request was made"
done
grep -qF -- "--write-out '%{http_code}' -- \"\$url\"" "$here/install.sh" || bad "install.sh: curl's URL does not follow --"

# A runner without curl is told so, not sent looking at its network. PATH holds every tool
# install.sh uses before its download, but no curl.
rm -rf "$tmp/runner"
mkdir -p "$tmp/nocurl"
for t in sed head awk tr cut sha256sum mkdir rm; do ln -sf "$(command -v "$t")" "$tmp/nocurl/$t"; done
case_ "no curl on the runner is said up front" fail "curl is not installed on this runner" PATH="$tmp/nocurl"
lacks "could not download" "no curl"

# fail_on_error false: action.yml lets the job go on, so the failure is a warning, not an error.
case_ "fail_on_error false: a download failure is a warning" fail "::warning title=dingtalk-notify::no dingtalk-notify" \
  ACTION_REPOSITORY=o/none INPUT_FAIL_ON_ERROR=false
lacks "::error" "fail_on_error false"
case_ "fail_on_error true: a download failure is an error" fail "::error title=dingtalk-notify::no dingtalk-notify" \
  ACTION_REPOSITORY=o/none INPUT_FAIL_ON_ERROR=true
# shellcheck disable=SC2016 # the text of install.sh, not an expansion
grep -qF 'budget=${DINGTALK_NOTIFY_DOWNLOAD_TIMEOUT:-60}' "$here/install.sh" ||
  bad "time-out: install.sh's default budget is no longer 60 s"

# Tampering: the server's binary changes, and the server even publishes a matching .sha256 of
# its own; only the pinned checksums count.
printf '#!/bin/sh\necho tampered\n' >"$release/$asset"
(cd "$release" && sha256sum "$asset" >"$asset.sha256")
case_ "tampered binary is refused (pinned checksum wins over the server's .sha256)" fail "sha256 mismatch" \
  ACTION_REF=$sha
has "($(wc -c <"$release/$asset" | tr -d ' ') bytes). Refusing to run it" "mismatch: the byte count"
[[ ! -e $tmp/runner/dingtalk-notify-$tag/$asset ]] || bad "an unverified binary was left under its final name"
[[ ! -e $tmp/runner/dingtalk-notify-$tag/$asset.part ]] || bad "an unverified download was left behind"

((failures == 0)) || { echo "install.sh: $failures check(s) failed" >&2; exit 1; }
echo "install.sh: all cases passed"

#!/usr/bin/env bash
# Tests install.sh without GitHub: a loopback HTTP server plays the release downloads, stub
# cargo/rustc stand in for the source build. Covers a tag pin, a SHA pin, reuse, a tampered
# checksum, a tag without assets, a SHA and a branch without a release, `uses: ./`, and macOS.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$here/../../Cargo.toml" | head -n 1)
sha=0123456789abcdef0123456789abcdef01234567

tmp=$(mktemp -d)
server_pid=""
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# The action's checkout (only Cargo.toml is read) and a release of o/r at v$version.
mkdir -p "$tmp/action" "$tmp/stub" "$tmp/srv/o/r/releases/download/v$version"
cp "$here/../../Cargo.toml" "$tmp/action/"
release="$tmp/srv/o/r/releases/download/v$version"
printf '#!/bin/sh\necho released\n' >"$release/dingtalk-notify-x86_64-unknown-linux-gnu"
(cd "$release" && sha256sum dingtalk-notify-x86_64-unknown-linux-gnu >dingtalk-notify-x86_64-unknown-linux-gnu.sha256)

# cargo stub: logs its arguments and leaves a binary where cargo would.
cat >"$tmp/stub/cargo" <<'EOF'
#!/bin/sh
echo "cargo $*" >>"$STUB_LOG"
triple=x86_64-unknown-linux-gnu
while [ $# -gt 0 ]; do [ "$1" = --target ] && triple=$2; shift; done
mkdir -p "target/$triple/release"
printf '#!/bin/sh\necho built\n' >"target/$triple/release/dingtalk-notify"
chmod +x "target/$triple/release/dingtalk-notify"
EOF
printf '#!/bin/sh\necho "host: aarch64-apple-darwin"\n' >"$tmp/stub/rustc"
chmod +x "$tmp/stub/cargo" "$tmp/stub/rustc"

python3 - "$tmp/srv" "$tmp/port" <<'EOF' &
import functools, http.server, os, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 100); do [[ -s $tmp/port ]] && break; sleep 0.1; done
[[ -s $tmp/port ]] || { echo "release server did not start" >&2; exit 1; }

failures=0
# case NAME EXPECT(ok|fail) OUTPUT-WORD NAME=value...: runs install.sh, checks its exit status, and
# that the installed binary prints OUTPUT-WORD (released or built).
case_() {
  local name=$1 expect=$2 word=$3; shift 3
  : >"$tmp/out"; : >"$tmp/stub.log"
  local rc=0
  # NO_PROXY: the release server is on loopback, whatever proxy the caller has set.
  env PATH="$tmp/stub:$PATH" STUB_LOG="$tmp/stub.log" GITHUB_ACTION_PATH="$tmp/action" \
    NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 \
    RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$tmp/runner" GITHUB_OUTPUT="$tmp/out" \
    GITHUB_SERVER_URL="http://127.0.0.1:$(<"$tmp/port")" ACTION_REPOSITORY=o/r "$@" \
    bash "$here/install.sh" >"$tmp/log" 2>&1 || rc=$?
  local got=fail bin
  bin=$(sed -n 's/^bin=//p' "$tmp/out")
  [[ $rc == 0 && -n $bin ]] && got=ok
  if [[ $got == "$expect" && ($expect == fail || $("$bin") == "$word") ]]; then
    echo "ok    install.sh: $name"
  else
    echo "FAIL  install.sh: $name (exit $rc, bin=${bin:-none})"; sed 's/^/      /' "$tmp/log" "$tmp/stub.log"
    failures=$((failures + 1))
  fi
}

case_ "tag pin downloads and verifies" ok released ACTION_REF="v$version"
case_ "second run reuses the verified binary" ok released ACTION_REF="v$version"
rm -rf "$tmp/runner"
case_ "SHA pin downloads the release of its version" ok released ACTION_REF=$sha
rm -rf "$tmp/runner"
case_ "tag pin without assets fails, never builds" fail - ACTION_REF="v$version" ACTION_REPOSITORY=o/none
case_ "SHA pin without a release builds" ok built ACTION_REF=$sha ACTION_REPOSITORY=o/none
case_ "branch builds" ok built ACTION_REF=main
case_ "uses: ./ builds" ok built ACTION_REF=
case_ "macOS arm64 builds with --target" ok built ACTION_REF=main RUNNER_OS=macOS RUNNER_ARCH=ARM64
grep -q -- "--target aarch64-apple-darwin" "$tmp/stub.log" || { echo "FAIL  macOS build lacked --target"; failures=$((failures + 1)); }
cp "$release/dingtalk-notify-x86_64-unknown-linux-gnu.sha256" "$tmp/good.sha256"
echo "0000000000000000000000000000000000000000000000000000000000000000  x" >"$release/dingtalk-notify-x86_64-unknown-linux-gnu.sha256"
case_ "tampered checksum fails" fail - ACTION_REF="v$version"
[[ ! -e $tmp/runner/dingtalk-notify-v$version/dingtalk-notify-x86_64-unknown-linux-gnu ]] ||
  { echo "FAIL  an unverified binary was left under its final name"; failures=$((failures + 1)); }

((failures == 0)) || { echo "install.sh: $failures case(s) failed" >&2; exit 1; }

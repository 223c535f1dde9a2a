#!/usr/bin/env bash
# The README's GitLab examples run by a real GitLab client, gitlab-ci-local, with the built binary
# on PATH, against the fake relay and GitLab API of .ci/gitlab-ci-local/check.py on 127.0.0.1.
# gitlab-ci-local is pinned with its whole dependency tree (.ci/gitlab-ci-local/package-lock.json)
# and installed under target/. A machine without node/npm, a registry or rsync prints "skipped:"
# and passes: CI stays green on a fresh machine; a wrong message fails.
#
# usage: .ci/gitlab-ci-local.sh [DINGTALK_NOTIFY]   (default target/debug/dingtalk-notify)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=${1:-target/debug/dingtalk-notify}
version=4.55.0
dir=$PWD/target/gitlab-ci-local
gcl=$dir/node_modules/.bin/gitlab-ci-local

[[ -x $bin ]] || { echo "error: $bin is not built (cargo build)"; exit 1; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "skipped: gitlab-ci-local, node and npm are not installed"
  exit 0
fi
# 4.55.0 asks for Node >= 16.10 (its package.json); later releases need a newer Node.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 16)); then
  echo "skipped: gitlab-ci-local $version needs Node 16.10 or later, this is $(node --version)"
  exit 0
fi

if [[ "$("$gcl" --version 2>/dev/null)" != "$version" ]]; then
  mkdir -p "$dir"
  cp .ci/gitlab-ci-local/package.json .ci/gitlab-ci-local/package-lock.json "$dir/"
  if ! (cd "$dir" && npm ci --loglevel=error --no-audit --no-fund >npm.log 2>&1); then
    sed 's/^/  npm: /' "$dir/npm.log" | tail -n 5
    echo "skipped: gitlab-ci-local, npm could not install gitlab-ci-local@$version (no registry?)"
    exit 0
  fi
fi

# gitlab-ci-local copies the tracked files with rsync before every pipeline.
if ! command -v rsync >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq rsync) >"$dir/apt.log" 2>&1 || true
  fi
  if ! command -v rsync >/dev/null; then
    echo "skipped: gitlab-ci-local, it needs rsync (apt-get install rsync, as root)"
    exit 0
  fi
fi

python3 .ci/gitlab-ci-local/check.py "$gcl" "$bin" "$dir/work"

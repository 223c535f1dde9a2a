#!/usr/bin/env bash
# The performance benchmark, in one command: `bench/run.sh` (method and figures in
# docs/performance.md).
#
# 1. Builds the release binary and the harness (bench/harness: a loopback sink and a timer).
# 2. Starts the sink on 127.0.0.1, plain HTTP and TLS; the TLS certificate comes from a CA made
#    here and now with openssl, given to the binary as `ca_file` and to curl as `--cacert`.
# 3. Times one notification, the binary against curl posting the same body, alternating, over
#    HTTP and over HTTPS: medians, min/max, the ratio of medians, peak RSS.
#    Then straight to DingTalk (the summary and the message, two POSTs, against curl posting the
#    same two bodies), and the relay path with the token renewed first against without (the
#    renewal's added cost).
# 4. Times rendering GitHub push events of 10 KB to 20 MB (a dry run) to show the cost per size.
#
# The binary runs as it does in a GitHub Actions job: GITHUB_ACTIONS=true, a push event (the
# 9 KB fixture tests/fixtures/github/push.branch.json) and a `message`, which make a body of
# about 1 KB; an otherwise empty environment (no proxy variables, no other CI's). curl posts the
# body the binary's dry run prints. One extra line times the binary with no CI at all, in an
# empty directory, where it asks git about the checkout (and finds none).
#
# Needs: cargo, curl, openssl, python3 (to write the large events). Knobs: RUNS (rounds per
# comparison, default 40), RENDER_RUNS (default 10), SIZES (event sizes in KB, default below),
# BIN (time another build of the binary instead, such as bench/musl-size.sh's).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# BIN made absolute here, against the caller's directory: the script changes directory later.
bin=${BIN:+$(realpath "$BIN")}
runs=${RUNS:-40}
render_runs=${RENDER_RUNS:-10}
sizes=${SIZES:-"10 100 1500 5000 10000 20000"}

cd "$root"
echo "== building (release)" >&2
# The binary under test is the shipped one: the static build of .ci/build-static.sh, which prints
# its path last. The harness is an ordinary host build; an explicit target dir keeps its path
# fixed whatever CARGO_TARGET_DIR says.
if [ -z "$bin" ]; then
    bin=$(bash .ci/build-static.sh --quiet | tail -n 1)
fi
cargo build --release --quiet --target-dir "$root/bench/harness/target" --manifest-path bench/harness/Cargo.toml
harness=$root/bench/harness/target/release/harness

work=$(mktemp -d)
sink_pid=
cleanup() {
    if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- a CA and a server certificate for 127.0.0.1, made for this run only
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=bench CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 1 -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null

# --- the sink
"$harness" sink "$work/server.pem" "$work/server.key" "$work/ports" &
sink_pid=$!
for _ in $(seq 50); do [ -s "$work/ports" ] && break; sleep 0.1; done
read -r http_port tls_port <"$work/ports"

# --- one notification: the binary as in a GitHub job, curl posting the same body
event=$root/tests/fixtures/github/push.branch.json
common=(PATH=/usr/bin:/bin HOME="$work" GITHUB_ACTIONS=true ACTION_JOB_STATUS=success GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$event"
    GITHUB_REPOSITORY=toolmantim/release-drafter-test-project GITHUB_RUN_ID=1 DINGTALK_KDOCS_TOKEN=tok
    "DINGTALK_WEBHOOK=https://oapi.dingtalk.com/robot/send?access_token=x" DINGTALK_RETRIES=0
    "DINGTALK_MESSAGE=Deployed to staging: migrations applied, caches warmed, smoke tests passed. Canary at 5 % for 30 minutes, then the rest of the fleet. Roll back with the previous tag if the error rate rises above 0.5 % or p99 latency above 800 ms; the on-call engineer has the runbook.")
env -i "${common[@]}" "$bin" --dry-run >"$work/dry" 2>/dev/null
grep -v '^::' "$work/dry" >"$work/body.json"
path="/api/v1/openapi/notification/dingtalk?access_token=tok"
curl_args=(-sS --fail -o /dev/null -X POST -H "Content-Type: application/json; charset=utf-8" -H "Expect:"
    --data-binary "@$work/body.json")

cd "$work" # not a git checkout: the no-CI line must not find the repository's history
echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== binary: $(stat -c %s "$bin") bytes; body: $(stat -c %s "$work/body.json") bytes; $runs alternating rounds, 3 warm-up runs each"
echo "== sink: bench/harness (Rust, std + rustls/ring, a thread per connection) on 127.0.0.1"
echo
echo "-- HTTP (http://127.0.0.1:$http_port)"
env -i PATH=/usr/bin:/bin HARNESS_RATIO=1 "$harness" time "$runs" 3 \
    :: binary "${common[@]}" DINGTALK_KDOCS_API_URL="http://127.0.0.1:$http_port" "$bin" \
    :: curl /usr/bin/curl "${curl_args[@]}" "http://127.0.0.1:$http_port$path"
echo
echo "-- HTTPS (https://127.0.0.1:$tls_port, certificate via ca_file / --cacert)"
env -i PATH=/usr/bin:/bin HARNESS_RATIO=1 "$harness" time "$runs" 3 \
    :: binary "${common[@]}" DINGTALK_KDOCS_API_URL="https://127.0.0.1:$tls_port" DINGTALK_CA_FILE="$work/ca.pem" "$bin" \
    :: curl /usr/bin/curl "${curl_args[@]}" --cacert "$work/ca.pem" "https://127.0.0.1:$tls_port$path"
echo
echo "-- HTTP, straight to DingTalk (transport: dingtalk, summary and message: two POSTs; curl posts both)"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); [open(f"{sys.argv[2]}.{i}","w").write(json.dumps(m)) for i,m in enumerate(b["data"])]' \
    "$work/body.json" "$work/msg"
hook="http://127.0.0.1:$http_port/robot/send?access_token=x"
cat >"$work/curl2.sh" <<SH
#!/bin/sh
set -e
/usr/bin/curl -sS --fail -o /dev/null -X POST -H "Content-Type: application/json; charset=utf-8" -H "Expect:" --data-binary @$work/msg.0 "$hook"
/usr/bin/curl -sS --fail -o /dev/null -X POST -H "Content-Type: application/json; charset=utf-8" -H "Expect:" --data-binary @$work/msg.1 "$hook"
SH
chmod +x "$work/curl2.sh"
env -i PATH=/usr/bin:/bin HARNESS_RATIO=1 "$harness" time "$runs" 3 \
    :: binary-direct "${common[@]}" DINGTALK_KDOCS_TOKEN= DINGTALK_WEBHOOK="$hook" "$bin" \
    :: curl-2-posts "$work/curl2.sh"
echo
echo "-- HTTP, relay with the token renewed first (two calls: renewal, then the send)"
renew=(DINGTALK_KDOCS_TOKEN= DINGTALK_KDOCS_APP_ID=app DINGTALK_KDOCS_APP_KEY=key DINGTALK_KDOCS_REFRESH_TOKEN=refresh)
env -i PATH=/usr/bin:/bin HARNESS_RATIO=1 "$harness" time "$runs" 3 \
    :: binary-renewing "${common[@]}" "${renew[@]}" DINGTALK_KDOCS_API_URL="http://127.0.0.1:$http_port" "$bin" \
    :: binary "${common[@]}" DINGTALK_KDOCS_API_URL="http://127.0.0.1:$http_port" "$bin"
echo
echo "-- HTTP, no CI at all (the binary asks git; here an empty directory)"
env -i PATH=/usr/bin:/bin HARNESS_RATIO=1 "$harness" time "$runs" 3 \
    :: binary-no-ci PATH=/usr/bin:/bin HOME="$work" DINGTALK_KDOCS_TOKEN=tok \
    "DINGTALK_WEBHOOK=https://oapi.dingtalk.com/robot/send?access_token=x" DINGTALK_RETRIES=0 \
    DINGTALK_KDOCS_API_URL="http://127.0.0.1:$http_port" "$bin" \
    :: curl /usr/bin/curl "${curl_args[@]}" "http://127.0.0.1:$http_port$path"

# --- rendering: push events of growing size, dry run (render only, nothing sent)
mkdir -p "$work/events"
# shellcheck disable=SC2086 # $sizes: one argument per size
python3 - "$event" "$work/events" $sizes >"$work/events/counts" <<'PY'
import json, sys
src, out, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
event = json.load(open(src))
one = event["commits"][0]

def commit(i):
    return {**one, "id": f"{i:040x}", "message": f"Commit {i}: {one['message']}"}

def size(n):
    return len(json.dumps({**event, "commits": [commit(i) for i in range(n)]}, indent=2))

base, per = size(0), size(1001) - size(1000)  # about 750 bytes a commit: 2,000 make 1.5 MB
for kb in sizes:
    n = max(1, round((kb * 1000 - base) / per))
    with open(f"{out}/push-{kb}KB.json", "w") as f:
        json.dump({**event, "commits": [commit(i) for i in range(n)]}, f, indent=2)
    print(f"{kb} {n}")
PY

echo
echo "-- render a push event (dry run), $render_runs alternating rounds"
render=()
for kb in $sizes; do
    render+=(:: "push-${kb}KB" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push
        GITHUB_EVENT_PATH="$work/events/push-${kb}KB.json" "$bin" --dry-run)
done
: >"$work/render"
env -i PATH=/usr/bin:/bin HARNESS_RESULTS="$work/render" "$harness" time "$render_runs" 1 "${render[@]}"
echo
echo "     size   commits   median ms   ms per MB above the smallest"
awk 'NR == FNR { commits[$1] = $2; next }
     { kb = substr($1, 6); sub(/KB$/, "", kb); mb = kb / 1000
       if (!seen++) { mb0 = mb; ms0 = $2; printf "  %6.2f MB  %7d   %9.2f   -\n", mb, commits[kb], $2 }
       else printf "  %6.2f MB  %7d   %9.2f   %.2f\n", mb, commits[kb], $2, ($2 - ms0) / (mb - mb0) }' \
    "$work/events/counts" "$work/render"

# --- custom templates: what a user's `title` or `template` adds to a dry run, on the 9 KB push
# and the 1.5 MB one. Lookups, `if` blocks, `~` and this program's own filters render in the
# binary's own process; anything that can loop or allocate without bound (here `upper`, one of
# minijinja's filters, and a `for` loop over the commits) renders apart, bounded in memory and
# time (src/summary/sandbox.rs): on Linux in a copy of the process made by `fork`, elsewhere in a
# child process, which costs a process start: `/bin/true` is timed alongside as that floor.
custom_runs=${CUSTOM_RUNS:-40}
lookups_title="DINGTALK_TITLE={{ repo.name }} {{ status }}"
lookups_text="DINGTALK_TEMPLATE={{ repo.name }}: {{ commit.title }}"
filters_title="DINGTALK_TITLE={{ status|emoji }} {{ repo.name }} {{ t('status.' ~ status) }}"
filters_text="DINGTALK_TEMPLATE={% if commit %}{{ commit.title|link(commit.url) }}{% endif %} {{ t('view_run')|link(run.url) }}"
child_title="DINGTALK_TITLE={{ repo.name|upper }} {{ status }}"
child_text="DINGTALK_TEMPLATE={% for c in commits %}{{ c.title|first_line }} {% endfor %}"
for ev in "$event" "$work/events/push-1500KB.json"; do
    [ -f "$ev" ] || continue
    echo
    echo "-- custom templates, dry run of $(basename "$ev") ($(stat -c %s "$ev") bytes), $custom_runs alternating rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
    base=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$ev")
    : >"$work/custom"
    env -i PATH=/usr/bin:/bin HARNESS_RESULTS="$work/custom" "$harness" time "$custom_runs" 3 \
        :: built-in "${base[@]}" "$bin" --dry-run \
        :: title-lookups "${base[@]}" "$lookups_title" "$bin" --dry-run \
        :: template-lookups "${base[@]}" "$lookups_text" "$bin" --dry-run \
        :: title-filters "${base[@]}" "$filters_title" "$bin" --dry-run \
        :: template-filters "${base[@]}" "$filters_text" "$bin" --dry-run \
        :: title-child "${base[@]}" "$child_title" "$bin" --dry-run \
        :: template-child "${base[@]}" "$child_text" "$bin" --dry-run \
        :: process-start /bin/true
    awk '!seen++ { ms0 = $2 } { printf "  %-17s %7.2f ms   %+6.2f ms   %.2fx built-in\n", $1, $2, $2 - ms0, $2 / ms0 }' "$work/custom"
done

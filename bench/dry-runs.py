#!/usr/bin/env python3
"""Dry-run every fixture through a built binary and write what it printed, one file per run.

Run it before and after a change that should not alter output, then diff the two folders:

    python3 bench/dry-runs.py target/release/dingtalk-notify /tmp/before
    ... change ...
    python3 bench/dry-runs.py target/release/dingtalk-notify /tmp/after
    diff -r /tmp/before /tmp/after

Each file holds the exit code, stdout and stderr of one dry run: every GitHub event payload in
tests/fixtures/github/ (in both languages once `lang` exists, through LANGS), and every
GitLab/Drone/Woodpecker/Jenkins env file, and the built-in sample. A duration over an hour runs
"to now" from a fixture's old start time, so it is written as <long duration> to keep runs
comparable (a static binary cannot be given a fake clock).
"""
import os
import re
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
# 21676h 33m 41s, 1d 3h, 1 天 3 小时: anything over an hour
LONG = re.compile(r"(?<![0-9A-Za-z])\d+(h|d| 小时| 天)( \d+(m|h|s| 分钟| 分| 小时| 秒))*(?![0-9A-Za-z])")


def dotenv(path):
    """The fixtures' dotenv dialect: KEY=value, double quotes allowed, \\n inside them a newline."""
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        out[key] = value
    return out


def run(binary, env, outfile, args=("--dry-run",)):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}
    base.update(env)
    p = subprocess.run([binary, *args], env=base, capture_output=True, cwd="/", timeout=60)
    text = f"exit {p.returncode}\n--- stdout\n{p.stdout.decode()}--- stderr\n{p.stderr.decode()}"
    outfile.write_text(LONG.sub("<long duration>", text))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: dry-runs.py BINARY OUTDIR")
    binary, outdir = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    langs = [l for l in os.environ.get("LANGS", "").split(",") if l]
    count = 0
    for lang in langs or [None]:
        suffix = f".{lang}" if lang else ""
        extra = {"DINGTALK_LANG": lang} if lang else {}
        for payload in sorted((FIX / "github").glob("*.json")):
            event = payload.name.split(".")[0]
            env = {
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": event,
                "GITHUB_EVENT_PATH": str(payload),
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_REPOSITORY": "octo-org/octo-repo",
                "GITHUB_RUN_ID": "9876543210",
                "GITHUB_RUN_NUMBER": "77",
                "GITHUB_WORKFLOW": "CI",
                "GITHUB_JOB": "build",
                "GITHUB_ACTOR": "octocat",
                **extra,
            }
            run(binary, env, outdir / f"github.{payload.stem}{suffix}.txt")
            count += 1
        for ci in ("gitlab", "drone", "woodpecker", "jenkins"):
            for envfile in sorted((FIX / ci).glob("*.env")):
                run(binary, {**dotenv(envfile), **extra}, outdir / f"{ci}.{envfile.stem}{suffix}.txt")
                count += 1
        run(binary, extra, outdir / f"local.sample{suffix}.txt")
        count += 1
    print(f"{count} dry runs written to {outdir}")


if __name__ == "__main__":
    main()

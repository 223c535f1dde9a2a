#!/usr/bin/env python3
"""Print what DingTalk shows for a few common events, in both languages, from real dry runs.

    python3 docs/samples.py target/release/dingtalk-notify > /tmp/samples.md

Each sample is the binary's own output for a fixture in tests/fixtures/github/, with the markdown
read as DingTalk's client shows it: the title as the chat list shows it, links as their text,
bold as plain words, a quote with a bar. The README's "What a message looks like" sections are
this script's output; nothing in them is written by hand.
"""
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "github"

SAMPLES = [
    ("push", "push.branch.json", {"INPUT_STATUS": "success"}),
    ("pull_request", "pull_request.opened.json",
     {"INPUT_STATUS": "failure", "INPUT_JOBS": '{"build": "success", "test": "failure", "lint": "skipped"}'}),
    ("push", "push.branch.json", {"INPUT_STATUS": "started", "INPUT_STARTED_AT": "1718097522"}),
    ("release", "release.published.json", {"INPUT_STATUS": "success"}),
]


def shown(text):
    """Markdown as DingTalk's client shows it, in plain text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "")
    text = re.sub(r"^#### ", "", text, flags=re.M)
    text = re.sub(r"^> ", "▎", text, flags=re.M)
    return re.sub(r"\n\n+", "\n", text)


def main():
    binary = os.path.abspath(sys.argv[1])
    for lang in ("zh-CN", "en"):
        print(f"lang: {lang}\n")
        for event, fixture, extra in SAMPLES:
            env = {
                "PATH": "/usr/bin:/bin", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event,
                "GITHUB_EVENT_PATH": str(FIX / fixture), "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_RUN_ID": "9876543210", "GITHUB_RUN_NUMBER": "77", "GITHUB_WORKFLOW": "CI",
                "GITHUB_JOB": "build", "INPUT_LANG": lang, **extra,
            }
            out = subprocess.run([binary, "--dry-run"], env=env, capture_output=True, check=True).stdout.decode()
            body = json.loads("\n".join(l for l in out.splitlines() if not l.startswith("::")))
            md = body["data"][0]["markdown"]
            print("```text")
            print(f"[{md['title']}]")
            print(shown(md["text"]))
            print("```\n")


if __name__ == "__main__":
    main()

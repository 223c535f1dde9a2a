#!/usr/bin/env python3
"""The README's GitLab examples, run by a real GitLab client: gitlab-ci-local.

usage: check.py GITLAB_CI_LOCAL DINGTALK_NOTIFY WORK_DIR

Each example (examples/gitlab-ci.yml, examples/gitlab-ci-no-token.yml, read at run time) is
copied with its `image:` keys removed, so that gitlab-ci-local runs every job with its shell
executor (4.55.0 has no switch to do that for a job that names an image) and `dingtalk-notify` is
the built binary on PATH. Nothing else of the README's text changes; where a pipeline must fail,
the copy gets one more job, `failing-test`, appended after the README's text. The fake KDocs relay
and the fake GitLab API listen on 127.0.0.1 in this process and record every request; the checks
are on what they received, the notify jobs' outcome and gitlab-ci-local's output.
"""

import difflib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

# Test values only; each is looked for in every output and in the requests to the wrong peer.
KDOCS_TOKEN = "kdocs-gcl-token-5b1e"
SECRET = "SECgcl-secret-9d40"
ROBOT_TOKEN = "robot-gcl-token-77c2"
GITLAB_TOKEN = "glpat-gcl-token-e3a9"
SECRETS = {"DINGTALK_KDOCS_TOKEN": KDOCS_TOKEN, "DINGTALK_SECRET": SECRET,
           "DINGTALK_ROBOT_TOKEN": ROBOT_TOKEN, "DINGTALK_GITLAB_TOKEN": GITLAB_TOKEN}

# gitlab-ci-local 4.55.0 sets CI_PROJECT_ID to 1217 (src/predefined-variables.ts) and
# CI_PIPELINE_ID to the state dir's pipeline iid + 1000 (src/job.ts); a fresh state dir starts at
# iid 0.
JOBS_PATH = "/api/v4/projects/1217/pipelines/1000/jobs"
JOB_URL = "https://gitlab.example.com/acme/app/-/jobs/"

FAILING_JOB = """
# Not in the README: added by .ci/gitlab-ci-local/check.py so that the pipeline fails.
failing-test:
  stage: test
  script:
    - echo "a test fails" && exit 1
"""


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; `answer(method, target, headers)` gives (status, JSON body)."""

    answer = None
    log = None

    def handle_one(self, method):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.log.append({"method": method, "target": self.path,
                         "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        status, reply = type(self).answer(method, self.path, self.headers)
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def log_message(self, *_):
        pass


def serve(answer):
    log = []
    handler = type("Handler", (Recorder,), {"answer": staticmethod(answer), "log": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", log


def relay_answer(method, target, _headers):
    return (200, {"code": 0}) if method == "POST" else (404, {})


def api_answer(method, target, headers):
    """GitLab's "List pipeline jobs" (docs.gitlab.com/api/jobs/#list-pipeline-jobs): the copy's
    jobs as GitLab lists them once the test stage is over, the notify job still running."""
    if headers.get("private-token") != GITLAB_TOKEN:
        return 401, {"message": "401 Unauthorized"}
    path = urlsplit(target).path
    if method == "GET" and path == JOBS_PATH:
        return 200, [
            {"id": 1, "name": "test", "stage": "test", "status": "success", "allow_failure": False,
             "web_url": JOB_URL + "1"},
            {"id": 2, "name": "failing-test", "stage": "test", "status": "failed", "allow_failure": False,
             "web_url": JOB_URL + "2"},
            {"id": 3, "name": "dingtalk", "stage": "notify", "status": "running", "allow_failure": False,
             "web_url": JOB_URL + "3"},
        ]
    # The previous pipeline on the ref: none, as in a project's first pipeline.
    if method == "GET" and path == "/api/v4/projects/1217/pipelines":
        return 200, []
    return 404, {"message": "404 Not Found"}


def without_images(text):
    """The text without its `image:` keys (a one-line value or an indented block under it)."""
    out, block = [], None
    for line in text.splitlines(keepends=True):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if block is not None and (not body.strip() or indent > block):
            continue
        block = None
        if re.match(r"image:(\s|$)", body):
            block = indent
            continue
        out.append(line)
    copy = "".join(out)
    # Only whole lines went, each of an image: block; the rest is the README's text, unchanged.
    ops = difflib.SequenceMatcher(a=text.splitlines(), b=copy.splitlines(), autojunk=False).get_opcodes()
    assert all(op in ("equal", "delete") for op, *_ in ops), "the copy changed more than the image: keys"
    assert copy != text and "image:" not in copy, "no image: key removed"
    return copy


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def run_pipeline(name, example, fail, gcl, bindir, work, variables):
    """Runs `example` as the pipeline of a fresh repository under `work/name`."""
    repo = work / name
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    copy = without_images(Path(example).read_text())
    (repo / ".gitlab-ci.yml").write_text(copy + (FAILING_JOB if fail else ""))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Ada Lovelace")
    git(repo, "config", "user.email", "ada@example.com")
    git(repo, "remote", "add", "origin", "https://gitlab.example.com/acme/app.git")
    git(repo, "add", ".gitlab-ci.yml")
    git(repo, "commit", "-q", "-m", "Add the pipeline")
    # What a clone has; without it gitlab-ci-local warns that it guesses the default branch.
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    home = work / f"{name}.home"
    home.mkdir(exist_ok=True)
    # Nothing of the machine's own CI (CI, GITHUB_ACTIONS, …) reaches the jobs: gitlab-ci-local
    # passes its environment on to shell-executor jobs.
    env = {"PATH": f"{bindir}:{os.environ['PATH']}", "HOME": str(home), "LANG": "C.UTF-8", "NO_COLOR": "1"}
    args = [str(gcl), "--home", str(home), "--no-color"]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    done = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=180)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True).stdout
    logs = "".join(p.read_text(errors="replace") for p in sorted((repo / ".gitlab-ci-local").rglob("*.log")))
    return done, logs, sha.strip()


def job_lines(output):
    """Each job's outcome, from gitlab-ci-local's closing lines (` PASS  test`, ` FAIL  failing-test`)."""
    return {m.group(2): m.group(1) for m in re.finditer(r"^\s*(PASS|FAIL|WARN)\s+(\S+)", output, re.M)}


def markdown(request):
    body = json.loads(request["body"])
    md = body["data"][0]["markdown"]
    return body, md["title"], md["text"]


def check_message(check, where, request, fail, token, title_start, sha):
    """The one message the relay got: to the relay's path with the KDocs token, for the robot the
    example's DINGTALK_WEBHOOK names, about this project and commit as GitLab's variables tell them,
    with the pipeline's status; its failed jobs named when the API was asked."""
    check(request["method"] == "POST"
          and request["target"] == f"/api/v1/openapi/notification/dingtalk?access_token={KDOCS_TOKEN}",
          f"{where}: relay request {request['method']} {request['target']}")
    body, title, text = markdown(request)
    check(body.get("link") == f"https://oapi.dingtalk.com/robot/send?access_token={ROBOT_TOKEN}",
          f"{where}: link {body.get('link')!r}")
    check(body.get("sk") == SECRET, f"{where}: sk {body.get('sk')!r}")
    check(GITLAB_TOKEN not in json.dumps(request), f"{where}: the GitLab token reached the relay")
    check(title.startswith(title_start), f"{where}: title {title!r}, expected it to start with {title_start!r}")
    heading = f"#### {title_start}[acme/app](https://gitlab.example.com/acme/app) · {'失败' if fail else '成功'}\n"
    check(text.startswith(heading), f"{where}: the summary does not start with {heading!r}", text)
    commit = f"\n\n提交 [{sha[:8]}](https://gitlab.example.com/acme/app/-/commit/{sha}) Commit Title\n\n"
    check(commit in text, f"{where}: the summary does not name the commit {sha}", text)
    if token:
        failed_line = f"\n\n失败的作业：[failing-test]({JOB_URL}2) · 成功 1 个\n\n"
        check(failed_line in text, f"{where}: the summary does not name the failed job", text)
    else:
        check("失败的作业" not in text, f"{where}: jobs named without a token", text)


def main():
    gcl, binary, work = (Path(a).resolve() for a in sys.argv[1:4])
    work.mkdir(parents=True, exist_ok=True)
    bindir = work / "bin"
    bindir.mkdir(exist_ok=True)
    link = bindir / "dingtalk-notify"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(binary)

    relay, relay_url, relay_log = serve(relay_answer)
    api, api_url, api_log = serve(api_answer)
    problems, started = [], time.monotonic()

    def check(ok, what, detail=""):
        if not ok:
            problems.append(f"{what}{': ' + detail if detail else ''}")
        return ok

    common = {
        # GitLab sets it; gitlab-ci-local sets it to false on purpose (src/predefined-variables.ts).
        "GITLAB_CI": "true",
        "CI_API_V4_URL": f"{api_url}/api/v4",
        "DINGTALK_KDOCS_API_URL": relay_url,
        "DINGTALK_KDOCS_TOKEN": KDOCS_TOKEN,
        "DINGTALK_SECRET": SECRET,
        "DINGTALK_ROBOT_TOKEN": ROBOT_TOKEN,
    }
    runs = [
        # (name, example, a job fails, gitlab_token, the notify jobs that must run, expected title)
        ("token-failed", "examples/gitlab-ci.yml", True, True, ["dingtalk"], "❌ "),
        ("no-token-failed", "examples/gitlab-ci-no-token.yml", True, False, ["dingtalk-failure"], "❌ "),
        ("no-token-passed", "examples/gitlab-ci-no-token.yml", False, False, ["dingtalk-success"], "✅ "),
    ]
    for name, example, fail, token, notify_jobs, title_start in runs:
        relay_log.clear()
        api_log.clear()
        variables = dict(common, **({"DINGTALK_GITLAB_TOKEN": GITLAB_TOKEN} if token else {}))
        done, logs, sha = run_pipeline(name, example, fail, gcl, bindir, work, variables)
        output = done.stdout + done.stderr
        where = f"{name} ({example})"
        before = len(problems)

        check(len(logs) > 100, f"{where}: gitlab-ci-local wrote no job logs")
        for key, value in SECRETS.items():
            check(value not in output and value not in logs, f"{where}: {key}'s value is in gitlab-ci-local's output")
        jobs = job_lines(output)
        check(done.returncode == (1 if fail else 0), f"{where}: gitlab-ci-local exited {done.returncode}")
        notify_all = {"dingtalk", "dingtalk-success", "dingtalk-failure"}
        ran = sorted(j for j in jobs if j in notify_all)
        check(ran == notify_jobs, f"{where}: notify jobs run {ran}, expected {notify_jobs}")
        check(all(jobs.get(j) == "PASS" for j in notify_jobs), f"{where}: a notify job failed {jobs}")
        check(jobs.get("failing-test") == ("FAIL" if fail else None), f"{where}: failing-test {jobs}")
        # What dingtalk-notify printed: the one line that says where the message went.
        said = [m.group(1) for j in notify_jobs for m in re.finditer(rf"^{re.escape(j)}\s+> (.*)$", output, re.M)]
        # The line is in the default language, zh-CN (`lang` unset in the README's examples).
        check(said == [f"已通过 {relay_url} 发到钉钉（`transport: kdocs`）"], f"{where}: dingtalk-notify said {said}")

        if check(len(relay_log) == 1, f"{where}: the relay got {len(relay_log)} requests, expected 1"):
            check_message(check, where, relay_log[0], fail, token, title_start, sha)

        if token:
            targets = [r["target"] for r in api_log]
            # The pipeline's jobs, and the previous pipeline on the branch (none), once each.
            expected = [f"{JOBS_PATH}?per_page=100",
                        "/api/v4/projects/1217/pipelines?ref=main&scope=finished&order_by=id&sort=desc&per_page=10"]
            check(sorted(targets) == expected, f"{where}: the API got {targets}, expected {expected}")
            for r in api_log:
                check(r["method"] == "GET" and r["headers"].get("private-token") == GITLAB_TOKEN,
                      f"{where}: API request {r['method']} {r['target']} without the token in PRIVATE-TOKEN")
                for key in ("DINGTALK_KDOCS_TOKEN", "DINGTALK_SECRET", "DINGTALK_ROBOT_TOKEN"):
                    check(SECRETS[key] not in json.dumps(r), f"{where}: {key}'s value reached the GitLab API")
        else:
            check(not api_log, f"{where}: the API got {len(api_log)} requests without a token")
        if len(problems) > before:
            for value in SECRETS.values():
                output = output.replace(value, "***")
            problems.append(f"{where}: gitlab-ci-local's output (test tokens shown as ***):\n{output}")

    relay.shutdown()
    api.shutdown()
    seconds = time.monotonic() - started
    if problems:
        print("\n".join(f"error: {p}" for p in problems))
        print(f"gitlab-ci-local: {len(problems)} problems in {len(runs)} pipelines ({seconds:.0f} s)")
        sys.exit(1)
    print(f"ok: gitlab-ci-local ran {len(runs)} pipelines of the README's GitLab examples; "
          f"the fake relay and GitLab API got what they should ({seconds:.0f} s)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where each GitHub event stands: dry-run every example payload of @octokit/webhooks-examples
through a built binary, in zh-CN and en, and print figures as markdown (for docs/events.md).

    python3 bench/corpus-report.py target/debug/dingtalk-notify \\
        target/corpus/node_modules/@octokit/webhooks-examples > /tmp/events.md

The payloads come from the package's api.github.com/index.json (`.ci/run` fetches the pinned
version; see tests/fixtures/README.md). Each one is delivered as GitHub Actions would: the
variables tests/e2e/corpus.rs sets (the same rules, written twice on purpose: this script must
not depend on the test crate). python3 stdlib only.

What it measures (tests/e2e/corpus.rs fails on each of these, with the same rules written
again in Rust, besides exits, leaks, secrets and size):

- stray English in zh-CN: ASCII words left in a zh-CN title or text once identifiers and user
  text are taken out. Taken out: backticked spans, URLs and link targets, `@logins`, words with
  digits, `_`, `/`, `.`, `#`, `-` or `@` inside (identifiers, paths, refs, versions), the run's
  own names (workflow `CI`, job `build`), product names (PROPER, PROPER_PHRASES), and every word
  that occurs in the payload's user text or names (the string values under USER_KEYS, anywhere
  in the payload, and everything under USER_SUBTREES). A word a user wrote in a title or body
  therefore never counts, even when the binary also used it as stray English: the figure can
  only be an undercount on that side. Examples are printed so a reader can judge each word.
- the notifying run's sha shown where the event has its own: the run's GITHUB_SHA is RUN_SHA,
  which is in no payload; a message that shows it while the payload carries a commit of its
  own (SHA_KEYS) describes the run, not the thing the event is about.
- Chinese in en: CJK characters in an en title or text outside the payload's user text.
"""
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

RUN_SHA = "5ca1ab1e" * 5
RUN_ENV = {"GITHUB_WORKFLOW": "CI", "GITHUB_JOB": "build"}
# Keys whose string values are names or text a person chose: titles, bodies, logins, branch,
# label, file and app names. Not enums (action, state, conclusion, event, ref_type, role, …):
# those are what the catalog should put into words.
USER_KEYS = {
    "title", "body", "name", "login", "full_name", "message", "ref", "head_ref", "base_ref",
    "head_branch", "tag_name", "description", "summary", "text", "note", "path", "filename",
    "context", "environment", "original_environment", "default_branch", "master_branch",
    "page_name", "slug", "email", "display_title", "workflow", "workflow_name", "key", "label",
    "target_commitish", "branch", "runner_name", "runner_group_name", "app_slug", "homepage",
    "single_file_name", "affected_package_name", "identifier", "full_description", "help",
    "unit_name", "username", "value", "namespace", "topics", "language", "to", "from",
}
# Everything under these keys is the user's (old values of edits, dispatch inputs).
USER_SUBTREES = {"changes", "inputs", "client_payload"}
# Keys that hold a commit of the event's own.
SHA_KEYS = {"after", "head_sha", "sha", "commit_id", "commit_sha", "merge_commit_sha", "id", "commit_oid", "commit"}
# Product names, which stay as they are in Chinese; the two-word ones only as a whole.
PROPER = {"GitHub", "Git", "DingTalk", "Dependabot", "Marketplace", "Webhook", "Wiki"}
PROPER_PHRASES = ("GitHub App", "GitHub Pages", "GitHub Actions")
# Short forms the catalog itself gives in zh-CN (`pr.short`: "PR", "API 调用"): a choice, not a
# missing word. Counted apart, so a reader who disagrees (SPEC §6.3 says 拉取请求) sees how often.
ABBREVIATIONS = {"PR", "API"}
# The run's own identifiers (GITHUB_* values): names, not words to translate.
RUN_IDENTIFIERS = ("GITHUB_REPOSITORY", "GITHUB_REF_NAME", "GITHUB_ACTOR", "GITHUB_WORKFLOW", "GITHUB_JOB")

URL = re.compile(r"https?://[^\s)\]]+")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
BACKTICKS = re.compile(r"`[^`\n]*`")
AT_LOGIN = re.compile(r"@[A-Za-z0-9_.\-\[\]]+")
TOKEN = re.compile(r"[^\s，。：；、（）()\[\]【】「」“”\"'·|*>!?！？,:;]+")
WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
HEX40 = re.compile(r"^[0-9a-f]{40}$")
# A review comment or thread told as if the pull request itself was created/edited/deleted
# (they are comments on the pull request): the verb on the pull request's number with no
# `的` after it (`删除了拉取请求 #2 的一条评论` is right), or a title `PR #2 已编辑`.
AS_THE_PR = re.compile(r"(创建|编辑|删除|关闭|重新打开)了拉取请求 (\[#\d+\]\([^)]*\)|#\d+(?!\d))(?!\s*的)|PR #\d+ 已(创建|编辑|删除|关闭|重新打开)")
REVIEW_EVENTS = {"pull_request_review_comment", "pull_request_review_thread"}


def unescape_md(text):
    """The summaries' escaping undone, as tests/e2e/support.rs's unescape_md does."""
    table = dict(zip("＼∗＿∼ˋ［］＜＞＆｜＃－＋＝．）", "\\*_~`[]<>&|#-+=.)"))
    return "".join(table.get(c, c) for c in text if c != "\u200b")


def actions_env(event, payload):
    """GITHUB_* as Actions sets them for `event` (docs: 'Events that trigger workflows')."""
    repo = (payload.get("repository") or {}).get("full_name") or "octo-org/ci"
    default = (payload.get("repository") or {}).get("default_branch") or "main"
    ref, sha = f"refs/heads/{default}", RUN_SHA
    if event == "push":
        ref, sha = payload.get("ref") or ref, payload.get("after") or sha
    elif event.startswith("pull_request") and "pull_request" in payload:
        ref = f"refs/pull/{payload['pull_request']['number']}/merge"
    elif event == "create" and payload.get("ref"):
        ref = f"refs/{'tags' if payload.get('ref_type') == 'tag' else 'heads'}/{payload['ref']}"
    elif event == "release":
        ref = f"refs/tags/{payload['release']['tag_name']}"
    elif event == "workflow_dispatch" and payload.get("ref"):
        ref = payload["ref"]
    elif event == "merge_group":
        ref, sha = payload["merge_group"]["head_ref"], payload["merge_group"]["head_sha"]
    ref_name = re.sub(r"^refs/(heads|tags|pull)/", "", ref)
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_REPOSITORY": repo,
        "GITHUB_SHA": sha,
        "GITHUB_REF": ref,
        "GITHUB_REF_NAME": ref_name,
        "GITHUB_ACTOR": (payload.get("sender") or {}).get("login") or "octocat",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_RUN_ID": "9876543210",
        "GITHUB_RUN_NUMBER": "77",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_WORKFLOW_REF": f"{repo}/.github/workflows/ci.yml@{ref}",
        **RUN_ENV,
        "ACTION_JOB_STATUS": "success",
    }


def strings(value, key=None, user=False):
    """(key, string, is user text) for every string in the payload."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k, user or k in USER_SUBTREES)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key, user)
    elif isinstance(value, str):
        yield key, value, user or key in USER_KEYS


def user_words(event, payload):
    words = set()
    for _, s, user in strings(payload):
        if user:
            words.update(WORD.findall(unescape_md(s)))
    if event == "repository_dispatch":  # its action is the sender's own event_type
        words.update(WORD.findall(payload.get("action") or ""))
    env = actions_env(event, payload)
    for k in RUN_IDENTIFIERS:
        words.update(WORD.findall(env[k]))
    return words


def own_shas(payload):
    return {s for k, s, _ in strings(payload) if k in SHA_KEYS and HEX40.match(s)}


def stray_english(text, allowed):
    """ASCII words of `text` that are neither identifiers nor the payload's user text."""
    text = unescape_md(text)
    for pattern in (BACKTICKS, LINK_TARGET, URL, AT_LOGIN):
        text = pattern.sub(" ", text)
    for phrase in PROPER_PHRASES:
        text = text.replace(phrase, " ")
    found = []
    for token in TOKEN.findall(text):
        core = token.strip("…~_-")
        if re.search(r"[0-9_/.#@]", core) or re.search(r"[A-Za-z]-[A-Za-z]", core):
            continue  # an identifier, path, version, ref or hyphenated name
        for w in WORD.findall(core):
            if w not in allowed and w not in PROPER:
                found.append(w)
    return found


def run(binary, event, index, payload, lang, tmp):
    path = pathlib.Path(tmp) / f"{event}.{index}.{lang}.json"
    path.write_text(json.dumps(payload))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": "/nonexistent",
        **actions_env(event, payload),
        "GITHUB_EVENT_PATH": str(path),
        "INPUT_LANG": lang,
        "INPUT_DRY_RUN": "true",
        "INPUT_KDOCS_TOKEN": "report-token",
        "INPUT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=report-hook",
        "INPUT_KDOCS_API_URL": "http://127.0.0.1:9",
    }
    p = subprocess.run([binary], env=env, capture_output=True, cwd=tmp, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    title = text = ""
    size = 0
    try:
        body = json.loads(out[out.index("{"):])
        first = body["requests"][0]["body"] if isinstance(body.get("requests"), list) else body["data"][0]
        title, text = first["markdown"]["title"], first["markdown"]["text"]
        size = max(len(json.dumps(m, ensure_ascii=False).encode()) for m in body.get("data") or [first])
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return {"code": p.returncode, "title": title, "text": text, "size": size,
            "stderr": p.stderr.decode("utf-8", "replace")}


def context_of(word, text, width=40):
    """The first line of `text` where `word` stands as a word, cut to about 2 × width."""
    for line in text.splitlines() + unescape_md(text).splitlines():
        m = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", line)
        if m:
            a, b = max(0, m.start() - width), min(len(line), m.end() + width)
            return ("…" if a else "") + line[a:b].replace("|", "\\|") + ("…" if b < len(line) else "")
    return ""


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: corpus-report.py BINARY CORPUS  (CORPUS: the @octokit/webhooks-examples folder)")
    binary, corpus = os.path.abspath(sys.argv[1]), pathlib.Path(sys.argv[2])
    package = json.loads((corpus / "package.json").read_text())
    index = json.loads((corpus / "api.github.com" / "index.json").read_text())
    jobs = [(d["name"], i, e, lang) for d in index for i, e in enumerate(d["examples"]) for lang in ("zh-CN", "en")]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda j: (j, run(binary, *j, tmp)), jobs))

    codes = collections.Counter(r["code"] for _, r in results)
    empty = sum(1 for _, r in results if not r["title"].strip() or not r["text"].strip())
    biggest = max(r["size"] for _, r in results)
    pairs = collections.OrderedDict()  # (event, action) -> facts
    stray_msgs = abbr_msgs = run_sha_msgs = cjk_msgs = as_pr_msgs = 0
    word_count = collections.Counter()
    for (event, i, payload, lang), r in results:
        action = payload.get("action") or "—"
        p = pairs.setdefault((event, action), {"payloads": set(), "stray": collections.Counter(),
                                              "example": {}, "run_sha": 0, "cjk": 0, "codes": set(),
                                              "as_pr": 0})
        p["payloads"].add(i)
        p["codes"].add(r["code"])
        allowed = user_words(event, payload)
        message = r["title"] + "\n" + r["text"]
        if lang == "zh-CN":
            found = stray_english(message, allowed)
            if event in REVIEW_EVENTS and AS_THE_PR.search(message):
                as_pr_msgs += 1
                p["as_pr"] += 1
            if any(w in ABBREVIATIONS for w in found):
                abbr_msgs += 1
            found = [w for w in found if w not in ABBREVIATIONS]
            if found:
                stray_msgs += 1
                for w in dict.fromkeys(found):
                    p["stray"][w] += 1
                    word_count[w] += 1
                    p["example"].setdefault(w, (i, context_of(w, message)))
        else:
            user_text = " ".join(s for _, s, u in strings(payload) if u)
            if any(c not in user_text for c in CJK.findall(message)):
                cjk_msgs += 1
                p["cjk"] += 1
        if RUN_SHA[:7] in message and own_shas(payload):
            run_sha_msgs += 1
            p["run_sha"] += 1

    zh = sum(1 for (j, _) in results if j[3] == "zh-CN")
    print(f"## Figures: {package['name']} {package['version']} ({package.get('license')}), "
          f"api.github.com/index.json\n")
    print("| Figure | Value |\n|---|---|")
    print(f"| events | {len(index)} |")
    print(f"| payloads | {len(jobs) // 2} |")
    print(f"| (event, action) pairs | {len(pairs)} |")
    print(f"| messages (payloads × zh-CN, en) | {len(results)} |")
    print(f"| exit codes | {', '.join(f'{c}: {n}' for c, n in sorted(codes.items()))} |")
    print(f"| messages with an empty title or text | {empty} |")
    print(f"| largest message (bytes, limit 20,000) | {biggest} |")
    print(f"| zh-CN messages with stray English words | {stray_msgs} of {zh} |")
    print(f"| zh-CN messages with the catalog's short forms {'/'.join(sorted(ABBREVIATIONS))} (not counted above) | {abbr_msgs} of {zh} |")
    print(f"| (event, action) pairs with stray English in zh-CN | {sum(1 for p in pairs.values() if p['stray'])} of {len(pairs)} |")
    print(f"| messages showing the notifying run's sha (`{RUN_SHA[:7]}`) where the event has a commit of its own | {run_sha_msgs} of {len(results)} |")
    print(f"| zh-CN review comments/threads told as the pull request's own action (its verb on the PR's number, or `PR #N 已…`) | {as_pr_msgs} of {sum(1 for j, _ in results if j[3] == 'zh-CN' and j[0] in REVIEW_EVENTS)} |")
    print(f"| en messages with Chinese characters not from the payload | {cjk_msgs} of {len(results) - zh} |")
    print("\n## Stray English words in zh-CN, most frequent first (messages)\n")
    print(", ".join(f"`{w}` {n}" for w, n in word_count.most_common()) or "none")
    print("\n## Each (event, action)\n")
    print("Stray words: in how many of the pair's zh-CN messages each appears. Run sha: messages "
          "(both languages) showing the notifying run's sha instead of the event's own. As the PR's "
          "own: zh-CN review comments/threads that read as the pull request being created, edited, "
          "deleted, closed or reopened.\n")
    print("| Event | Action | Payloads | Exit | Stray English in zh-CN | Run sha | As the PR's own |")
    print("|---|---|---|---|---|---|---|")
    for (event, action), p in sorted(pairs.items()):
        stray = ", ".join(f"`{w}` {n}" for w, n in p["stray"].most_common()) or "—"
        print(f"| {event} | {action} | {len(p['payloads'])} | {', '.join(map(str, sorted(p['codes'])))} "
              f"| {stray} | {p['run_sha'] or '—'} | {p['as_pr'] or '—'} |")
    print("\n## What was flagged, in context (one line per word and pair, judge for yourself)\n")
    print("| Event | Action | Payload | Word | The zh-CN line |\n|---|---|---|---|---|")
    for (event, action), p in sorted(pairs.items()):
        for w, (i, line) in p["example"].items():
            print(f"| {event} | {action} | [{i}] | `{w}` | {line} |")


if __name__ == "__main__":
    main()

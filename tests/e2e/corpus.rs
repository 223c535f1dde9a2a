//! Every example payload GitHub documents, from material no one here wrote: the npm package
//! `@octokit/webhooks-examples` (pinned in `.ci/run`, never committed; `tests/fixtures/README.md`
//! says where it comes from). Each payload is dry-run as GitHub Actions would deliver it, in
//! both languages, and must exit 0 with a non-empty title and text, no template leak, no
//! secret and no message over DingTalk's 20,000-byte limit.
//!
//! The package is found through `DINGTALK_CORPUS` (its folder, holding `package.json` and
//! `api.github.com/index.json`). Unset or empty, the test says so on stderr and passes, so that
//! `cargo test` needs no npm; set, it must be readable.
//!
//! Each message must also be *right*: a zh-CN message has no stray English (an English word
//! that is not an identifier, a URL, a login, a product name or the payload's own text), no
//! message shows the notifying run's commit where the event has a commit of its own, and a
//! review comment or thread is never told as the pull request's own action. The same rules are
//! measured by `bench/corpus-report.py` (written twice on purpose, so that neither leans on the
//! other); its figures are in `docs/events.md`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::support::*;

const CORPUS: &str = "DINGTALK_CORPUS";

/// The notifying run's commit: in no payload, so a message that shows it is about the run.
const RUN_SHA: &str = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";

/// DingTalk refuses a body over 20,000 bytes; each message is sent as its own body.
const BODY_LIMIT: usize = 20_000;

const WORKERS: usize = 2;

/// Messages that fail a check today, each a real bug reported upstream: `(event, index of the
/// example in the event's list, lang, check)`. The test fails when one of them passes, so that
/// the list cannot outlive the bug: remove the line with the fix.
const KNOWN_FAILURES: &[(&str, usize, &str, &str)] = &[];

#[test]
fn every_documented_github_payload_dry_runs_cleanly_in_each_language() {
    let Some(dir) = std::env::var_os(CORPUS).filter(|d| !d.is_empty()) else {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: corpus test, {CORPUS} is not set (.ci/run sets it to the @octokit/webhooks-examples folder)"
        );
        return;
    };
    let dir = Path::new(&dir);
    let read = |rel: &str| -> Value {
        let path = dir.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{CORPUS}: {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{CORPUS}: {}: {e}", path.display()))
    };
    let package = read("package.json");
    let mut cases = Vec::new();
    for definition in read("api.github.com/index.json").as_array().expect("a list of events") {
        let event = definition["name"].as_str().expect("an event name").to_owned();
        for (index, payload) in definition["examples"].as_array().expect("examples").iter().enumerate() {
            for lang in ["zh-CN", "en"] {
                cases.push(Case { event: event.clone(), index, lang, payload: payload.clone() });
            }
        }
    }
    assert!(cases.len() >= 600, "only {} messages in {}", cases.len(), dir.display());

    let started = Instant::now();
    // One dry run takes 20–40 ms; two workers, as CI machines have at least two cores.
    let mut failures: Vec<Failure> = std::thread::scope(|s| {
        let workers: Vec<_> = cases
            .chunks(cases.len().div_ceil(WORKERS))
            .map(|part| s.spawn(move || part.iter().flat_map(check).collect::<Vec<_>>()))
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    failures.sort_by(|a, b| a.key().cmp(&b.key()));

    let known = |f: &Failure| KNOWN_FAILURES.iter().any(|k| *k == f.key());
    let unexpected: Vec<&Failure> = failures.iter().filter(|f| !known(f)).collect();
    let fixed: Vec<_> = KNOWN_FAILURES.iter().filter(|k| !failures.iter().any(|f| f.key() == **k)).collect();
    let _ = writeln!(
        std::io::stderr(),
        "corpus: {} {} ({}), {} payloads of {} events, {} messages dry-run in {:.1} s; {} known failures",
        package["name"].as_str().unwrap_or_default(),
        package["version"].as_str().unwrap_or_default(),
        package["license"].as_str().unwrap_or_default(),
        cases.len() / 2,
        read("api.github.com/index.json").as_array().map_or(0, Vec::len),
        cases.len(),
        started.elapsed().as_secs_f64(),
        KNOWN_FAILURES.len(),
    );
    let mut report = String::new();
    for f in &unexpected {
        let _ = writeln!(report, "{} [{}] {} ({}), {}: {}\n", f.event, f.index, f.lang, f.action, f.check, f.detail);
    }
    assert!(unexpected.is_empty(), "{} messages fail:\n\n{report}", unexpected.len());
    assert!(fixed.is_empty(), "these pass now: remove them from KNOWN_FAILURES: {fixed:?}");
}

struct Case {
    event: String,
    index: usize,
    lang: &'static str,
    payload: Value,
}

#[derive(Debug)]
struct Failure {
    event: String,
    index: usize,
    lang: &'static str,
    action: String,
    check: &'static str,
    detail: String,
}

impl Failure {
    fn key(&self) -> (&str, usize, &str, &str) {
        (&self.event, self.index, self.lang, self.check)
    }
}

/// One dry run of `case`, and what is wrong with it.
fn check(case: &Case) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut fail = |check: &'static str, detail: String| {
        failures.push(Failure {
            event: case.event.clone(),
            index: case.index,
            lang: case.lang,
            action: case.payload["action"].as_str().unwrap_or("-").to_owned(),
            check,
            detail,
        });
    };
    let run = actions_env(&case.event, &case.payload)
        .into_iter()
        .fold(Run::github(&case.event, "github", NO_RELAY), |run, (k, v)| run.env(k, &v))
        .env("INPUT_LANG", case.lang)
        .env("INPUT_DRY_RUN", "true");
    let path = run.dir().join("event.json");
    std::fs::write(&path, serde_json::to_vec(&case.payload).unwrap()).unwrap();
    let run = run.env("GITHUB_EVENT_PATH", path.to_str().unwrap());
    // `Run::run` panics when the binary is killed (an abort) or a secret leaks: both are findings.
    let out = match catch_unwind(AssertUnwindSafe(|| run.run())) {
        Ok(out) => out,
        Err(panic) => {
            let why = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            fail(if why.contains("secret") { "secret" } else { "killed" }, why);
            return failures;
        }
    };
    if out.code != 0 {
        fail("exit", format!("exit {}: {}", out.code, out.stderr));
    }
    if out.stderr.contains("panicked") {
        fail("panic", out.stderr.clone());
    }
    if out.stderr.contains("plainer summary") {
        fail("template", out.stderr.clone());
    }
    let Some(body) = out.stdout.find('{').and_then(|i| serde_json::from_str::<Value>(&out.stdout[i..]).ok()) else {
        fail("body", format!("no JSON body on stdout:\n{}\n{}", out.stdout, out.stderr));
        return failures;
    };
    let messages: Vec<&Value> = match body["requests"].as_array() {
        Some(requests) => requests.iter().map(|r| &r["body"]).collect(),
        None => body["data"].as_array().map(|d| d.iter().collect()).unwrap_or_default(),
    };
    if messages.is_empty() {
        fail("body", format!("no message in {body}"));
    }
    for m in &messages {
        let n = serde_json::to_string(m).unwrap().len();
        if n > BODY_LIMIT {
            fail("size", format!("a message of {n} bytes"));
        }
    }
    let Some(first) = messages.first() else { return failures };
    let title = first["markdown"]["title"].as_str().unwrap_or_default();
    let text = first["markdown"]["text"].as_str().unwrap_or_default();
    if title.trim().is_empty() || text.trim().is_empty() {
        fail("empty", format!("title {title:?}, text {text:?}"));
    }
    let shown = unescape_md(&format!("{title}\n{text}"));
    let given = payload_text(&case.payload);
    for leak in leaks(&shown, &given) {
        fail("leak", format!("{leak:?} in:\ntitle: {title}\n\n{text}"));
    }
    if case.lang == "zh-CN" {
        let stray = stray_english(&shown, &allowed_words(&case.event, &case.payload));
        if !stray.is_empty() {
            fail("english", format!("stray English {stray:?} in:\ntitle: {title}\n\n{text}"));
        }
        if REVIEW_EVENTS.contains(&case.event.as_str())
            && let Some(said) = told_as_the_prs_own(&shown)
        {
            fail(
                "as-the-pr",
                format!("a comment told as the pull request's own action ({said:?}) in:\ntitle: {title}\n\n{text}"),
            );
        }
    }
    if shown.contains(&RUN_SHA[..7]) && has_own_sha(&case.payload) {
        fail(
            "run-sha",
            format!(
                "the notifying run's commit {} where the event has its own, in:\ntitle: {title}\n\n{text}",
                &RUN_SHA[..7]
            ),
        );
    }
    failures
}

/// Keys whose string values are names or text a person chose (titles, bodies, logins, branch,
/// label, file and app names), not enums the catalog should put into words (action, state,
/// conclusion, event…): the same list as `bench/corpus-report.py`'s `USER_KEYS`.
const USER_KEYS: &[&str] = &[
    "title",
    "body",
    "name",
    "login",
    "full_name",
    "message",
    "ref",
    "head_ref",
    "base_ref",
    "head_branch",
    "tag_name",
    "description",
    "summary",
    "text",
    "note",
    "path",
    "filename",
    "context",
    "environment",
    "original_environment",
    "default_branch",
    "master_branch",
    "page_name",
    "slug",
    "email",
    "display_title",
    "workflow",
    "workflow_name",
    "key",
    "label",
    "target_commitish",
    "branch",
    "runner_name",
    "runner_group_name",
    "app_slug",
    "homepage",
    "single_file_name",
    "affected_package_name",
    "identifier",
    "full_description",
    "help",
    "unit_name",
    "username",
    "value",
    "namespace",
    "topics",
    "language",
    "to",
    "from",
];
/// Everything under these keys is the user's (old values of edits, dispatch inputs).
const USER_SUBTREES: &[&str] = &["changes", "inputs", "client_payload"];
/// Keys that hold a commit of the event's own.
const SHA_KEYS: &[&str] =
    &["after", "head_sha", "sha", "commit_id", "commit_sha", "merge_commit_sha", "id", "commit_oid", "commit"];
/// Product names, which stay as they are in Chinese; the two-word ones only as a whole.
const PROPER: &[&str] = &["GitHub", "Git", "DingTalk", "Dependabot", "Marketplace", "Webhook", "Wiki"];
const PROPER_PHRASES: &[&str] = &["GitHub App", "GitHub Pages", "GitHub Actions"];
/// The catalog's own short forms in zh-CN (`pr.short`, `API 调用`): a choice, not a missing word.
const ABBREVIATIONS: &[&str] = &["PR", "API"];
const REVIEW_EVENTS: &[&str] = &["pull_request_review_comment", "pull_request_review_thread"];
/// The notifying run's own names (`GITHUB_WORKFLOW`, `GITHUB_JOB` of `Run::github`).
const RUN_NAMES: &[&str] = &["CI", "build"];

/// Every string of the payload with its key, and whether it is a person's text.
fn strings<'a>(v: &'a Value, key: &'a str, user: bool, out: &mut Vec<(&'a str, &'a str, bool)>) {
    match v {
        Value::String(s) => out.push((key, s, user || USER_KEYS.contains(&key))),
        Value::Array(a) => a.iter().for_each(|v| strings(v, key, user, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| strings(v, k, user || USER_SUBTREES.contains(&k.as_str()), out)),
        _ => {}
    }
}

/// Runs of two or more ASCII letters.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2)
}

/// The English words a zh-CN message may hold: the payload's own text and names, and the
/// run's names (`GITHUB_*` values).
fn allowed_words(event: &str, payload: &Value) -> std::collections::HashSet<String> {
    let mut all = Vec::new();
    strings(payload, "", false, &mut all);
    let mut allowed: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (_, s, user) in all {
        if user {
            allowed.extend(words(&unescape_md(s)).map(str::to_owned));
        }
    }
    // A repository dispatch's action is the sender's own event type.
    if event == "repository_dispatch" {
        allowed.extend(words(payload["action"].as_str().unwrap_or_default()).map(str::to_owned));
    }
    for (k, v) in actions_env(event, payload) {
        if matches!(k, "GITHUB_REPOSITORY" | "GITHUB_REF_NAME" | "GITHUB_ACTOR") {
            allowed.extend(words(&v).map(str::to_owned));
        }
    }
    allowed.extend(RUN_NAMES.iter().map(|w| (*w).to_owned()));
    allowed
}

/// `text` with every span from `open` (ASCII) to where `close` says it ends, measured from
/// after `open`, replaced by a space; an `open` that `close` does not end stays.
fn without_spans(text: &str, open: &str, close: impl Fn(&str) -> Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        if let Some(end) = close(after) {
            out.push(' ');
            rest = &after[end..];
        } else {
            out.push_str(&rest[at..=at]);
            rest = &rest[at + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// The ASCII words of a zh-CN message (unescaped) that are neither identifiers nor allowed:
/// backticked spans, link targets, URLs and `@logins` are taken out, and so is each token with
/// a digit, `_ / . # @` or a hyphen between letters in it (paths, refs, versions, names).
fn stray_english(text: &str, allowed: &std::collections::HashSet<String>) -> Vec<String> {
    let mut text =
        without_spans(text, "`", |rest| rest.find(['`', '\n']).filter(|&i| rest[i..].starts_with('`')).map(|i| i + 1));
    text = without_spans(&text, "](", |rest| rest.find(')').map(|i| i + 1));
    for scheme in ["https://", "http://"] {
        text = without_spans(&text, scheme, |rest| {
            Some(rest.find(|c: char| c.is_whitespace() || c == ')' || c == ']').unwrap_or(rest.len()))
        });
    }
    let login = |c: char| c.is_ascii_alphanumeric() || "_.-[]".contains(c);
    text = without_spans(&text, "@", |rest| {
        rest.starts_with(login).then(|| rest.find(|c: char| !login(c)).unwrap_or(rest.len()))
    });
    for phrase in PROPER_PHRASES {
        text = text.replace(phrase, " ");
    }
    let separator = |c: char| c.is_whitespace() || "，。：；、（）()[]【】「」“”\"'·|*>!?！？,:;".contains(c);
    let mut found = Vec::new();
    for token in text.split(separator).filter(|t| !t.is_empty()) {
        let core = token.trim_matches(|c| "…~_-".contains(c));
        let hyphenated = core
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_alphabetic() && w[1] == b'-' && w[2].is_ascii_alphabetic());
        if core.contains(|c: char| c.is_ascii_digit() || "_/.#@".contains(c)) || hyphenated {
            continue;
        }
        for w in words(core) {
            if !allowed.contains(w) && !PROPER.contains(&w) && !ABBREVIATIONS.contains(&w) {
                found.push(w.to_owned());
            }
        }
    }
    found
}

/// Whether the payload holds a commit of its own (a 40-hex sha under one of [`SHA_KEYS`]).
fn has_own_sha(payload: &Value) -> bool {
    let mut all = Vec::new();
    strings(payload, "", false, &mut all);
    all.iter().any(|(k, s, _)| SHA_KEYS.contains(k) && s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A review comment or thread told as if the pull request itself was created, edited, deleted,
/// closed or reopened: `删除了拉取请求 #2` not followed by `的` (`…的一条评论` is right), or a
/// title saying `PR #2 已编辑`. The phrase found, if any.
fn told_as_the_prs_own(shown: &str) -> Option<String> {
    for verb in ["创建", "编辑", "删除", "关闭", "重新打开"] {
        for needle in [format!("{verb}了拉取请求 "), format!("已{verb}")] {
            for (at, _) in shown.match_indices(&needle) {
                let rest = &shown[at + needle.len()..];
                if needle.starts_with("已") {
                    // A title: `PR #2 已编辑`.
                    let before = shown[..at].trim_end();
                    let number = before.rsplit(' ').next().unwrap_or_default();
                    let is_pr =
                        number.starts_with('#') && before[..before.len() - number.len()].trim_end().ends_with("PR");
                    if is_pr {
                        return Some(format!("PR {number} {needle}"));
                    }
                    continue;
                }
                // `[#2](url)` or `#2`, then anything but `的`.
                let after = match rest.strip_prefix('[') {
                    Some(r) => r.find(')').map_or("", |i| &r[i + 1..]),
                    None => rest.trim_start_matches(|c: char| c == '#' || c.is_ascii_digit()),
                };
                if !after.trim_start().starts_with('的') {
                    return Some(format!("{needle}{}", &rest[..rest.len() - after.len()]));
                }
            }
        }
    }
    None
}

/// Template markers and empty values shown in `shown` that the payload's own text (`given`)
/// does not hold: a user may write `{{` or "none" in a title, the binary may not invent it.
fn leaks(shown: &str, given: &str) -> Vec<&'static str> {
    let markers = ["{{", "{%", "}}", "%}", "[object"];
    let words = ["undefined", "None", "none", "null", "NaN"];
    let has_word = |text: &str, w: &str| {
        text.match_indices(w).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    };
    let markers = markers.into_iter().filter(|m| shown.contains(m) && !given.contains(m));
    let words = words.into_iter().filter(|w| has_word(shown, w) && !has_word(given, w));
    markers.chain(words).collect()
}

/// Every string of the payload, one per line.
fn payload_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s}\n"),
        Value::Array(a) => a.iter().map(payload_text).collect(),
        Value::Object(o) => o.values().map(payload_text).collect(),
        _ => String::new(),
    }
}

/// The variables GitHub Actions sets for a workflow run on `event` (GitHub's "Events that trigger
/// workflows": which `GITHUB_SHA` and `GITHUB_REF` each event gets); the same rules as
/// `bench/corpus-report.py`'s `actions_env`. Where the run's commit is not in the payload (a
/// pull request's merge commit, the default branch's head), it is [`RUN_SHA`].
fn actions_env(event: &str, p: &Value) -> Vec<(&'static str, String)> {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let repo = s(&p["repository"]["full_name"]).unwrap_or_else(|| "octo-org/ci".into());
    let default = s(&p["repository"]["default_branch"]).unwrap_or_else(|| "main".into());
    let mut git_ref = format!("refs/heads/{default}");
    let mut sha = RUN_SHA.to_owned();
    match event {
        "push" => {
            git_ref = s(&p["ref"]).unwrap_or(git_ref);
            sha = s(&p["after"]).unwrap_or(sha);
        }
        e if e.starts_with("pull_request") && p["pull_request"].is_object() => {
            git_ref = format!("refs/pull/{}/merge", p["pull_request"]["number"]);
        }
        "create" if p["ref"].is_string() => {
            let kind = if p["ref_type"] == "tag" { "tags" } else { "heads" };
            git_ref = format!("refs/{kind}/{}", p["ref"].as_str().unwrap());
        }
        "release" => git_ref = format!("refs/tags/{}", p["release"]["tag_name"].as_str().unwrap_or_default()),
        "workflow_dispatch" => git_ref = s(&p["ref"]).unwrap_or(git_ref),
        "merge_group" => {
            git_ref = s(&p["merge_group"]["head_ref"]).unwrap_or(git_ref);
            sha = s(&p["merge_group"]["head_sha"]).unwrap_or(sha);
        }
        _ => {}
    }
    let ref_name = ["refs/heads/", "refs/tags/", "refs/pull/"]
        .iter()
        .find_map(|prefix| git_ref.strip_prefix(prefix))
        .unwrap_or(&git_ref)
        .to_owned();
    vec![
        ("GITHUB_REPOSITORY", repo.clone()),
        ("GITHUB_SHA", sha),
        ("GITHUB_REF_NAME", ref_name),
        ("GITHUB_WORKFLOW_REF", format!("{repo}/.github/workflows/ci.yml@{git_ref}")),
        ("GITHUB_REF", git_ref),
        ("GITHUB_ACTOR", s(&p["sender"]["login"]).unwrap_or_else(|| "octocat".into())),
        ("GITHUB_API_URL", "https://api.github.com".into()),
        ("GITHUB_RUN_ATTEMPT", "1".into()),
        // The action passes `job.status` here; an event that reports an outcome has its own.
        ("ACTION_JOB_STATUS", "success".into()),
    ]
}

/// The leak check sees what the binary adds, not what the payload already says.
#[test]
fn a_leak_is_a_marker_or_empty_value_the_payload_does_not_hold() {
    assert_eq!(leaks("分支 None，由 {{ actor }} 发起", ""), ["{{", "}}", "None"]);
    assert_eq!(leaks("[object Object] undefined", "x"), ["[object", "undefined"]);
    assert_eq!(leaks("标题：{{ x }} none", "title {{ x }}\nnone of these\n"), Vec::<&str>::new());
    // A word, not a part of one: `nonempty`, `Nonesuch`, `nullable` are no leak.
    assert_eq!(leaks("nonempty Nonesuch nullable", ""), Vec::<&str>::new());
}

/// The stray-English rule: English words count, identifiers, URLs, logins, backticked spans,
/// product names and the payload's own words do not.
#[test]
fn stray_english_is_an_english_word_that_is_no_identifier_name_or_user_text() {
    let none = std::collections::HashSet::new();
    assert_eq!(
        stray_english("✅ 成功 · octo-repo · branch protection rule（main）", &none),
        ["branch", "protection", "rule", "main"]
    );
    let ok = "`custom_action`：已创建 [查看](https://x.io/a/b) @octocat v1.2.0 feature/x octo-repo PR #2 GitHub App 安装 Dependabot 告警";
    assert_eq!(stray_english(ok, &none), Vec::<String>::new());
    let allowed = ["Spelling", "error"].iter().map(|w| (*w).to_owned()).collect();
    assert_eq!(stray_english("议题 #1 milestoned：Spelling error", &allowed), ["milestoned"]);
}

#[test]
fn a_comment_is_told_on_the_pull_request_not_as_its_own_action() {
    let told = |s: &str| told_as_the_prs_own(s);
    assert_eq!(
        told("**Codertocat** 删除了拉取请求 [#2](https://github.com/o/r/pull/2)\n"),
        Some("删除了拉取请求 [#2](https://github.com/o/r/pull/2)".into())
    );
    assert_eq!(told("**a** 编辑了拉取请求 #2"), Some("编辑了拉取请求 #2".into()));
    assert_eq!(told("✅ 成功 · r · PR #2 已编辑：x"), Some("PR #2 已编辑".into()));
    assert_eq!(told("**a** 删除了拉取请求 [#2](https://github.com/o/r/pull/2) 的一条评论"), None);
    assert_eq!(told("✅ 成功 · r · PR #2 的评论已删除：x\n**a** 将拉取请求 [#2](u) 的一个评审会话标记为已解决"), None);
}

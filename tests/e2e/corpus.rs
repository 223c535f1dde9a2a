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
//! Whether each message is also *right* (no stray English in zh-CN, the event's own sha and
//! branch) is measured, not enforced, by `bench/corpus-report.py`; its figures are in
//! `docs/events.md`.

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
    failures
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

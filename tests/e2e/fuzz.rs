//! A fuzz-style pass through the real binary: a seeded generator mutates the fixture payloads,
//! the settings and the templates, a few hundred cases per run, and every case must end with
//! exit 0, 1 or 2, show no secret (nor a start of one) anywhere, and send or print only
//! messages under DingTalk's 20,000 bytes. The same generator drives the message builder
//! through the library, a few hundred summaries, settings and mentions of any length.
//!
//! Seeded rather than `proptest`: the cases are runs of the binary, not values to shrink, and a
//! failing case prints its seed and its inputs, which is all a reproduction needs. The seed is
//! fixed so that `cargo test` is deterministic; `FUZZ_SEED=<n>` and `FUZZ_CASES=<n>` explore
//! further.

use std::path::Path;
use std::sync::Arc;
use std::thread;

use serde_json::Value;

use crate::support::*;

use crate::rng::Rng;

impl Rng {
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// Text that is empty, short or long, of the characters that break things: markup, JSON
    /// escapes, control characters, wide characters, and now and then a secret or its start.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            " ",
            "\n",
            "\"",
            "\\",
            "\u{1}",
            "\u{202e}",
            "汉",
            "😀",
            "@138",
            "[x](javascript:1)",
            "**",
            "#",
            "…",
            "...",
            "{{",
            "%",
            "::error::x",
            "errcode 310000 ",
            "https://e.com/",
            "\u{200b}",
        ];
        let len = match self.below(5) {
            0 => 0,
            1 | 2 => self.below(20),
            3 => self.below(400),
            _ => self.below(6_000),
        };
        let mut out = String::new();
        for _ in 0..len {
            if self.chance(200) {
                let secret = self.pick(&[SK, HOOK_TOKEN, TOKEN]);
                let cut = 8 + self.below(secret.len() - 7);
                out.push_str(&secret[..cut]);
            } else {
                out.push_str(PIECES[self.below(PIECES.len())]);
            }
        }
        out
    }
}

/// Template pieces: ordinary ones, ones that fail, ones that once aborted the process.
const TEMPLATE_PIECES: &[&str] = &[
    "{{ repo.full_name }}",
    "{{ commit.title|shorten(20) }}",
    "{{ message }}",
    "{% for c in commits %}- {{ c.title }}\n{% endfor %}",
    "{{ run.url|url }}",
    "{{ status|emoji }}",
    "{{ payload|tojson }}",
    "{{ nope.x }}",
    "{% if %}",
    "{{ 5 is divisibleby(0) }}",
    "{{ \"%.2000000000f\"|format(1.0) }}",
    "{{ range(10)|batch(9223372036854775807) }}",
    "{{ 'x' * 30000 }}",
    "{% for i in range(100000) %}{{ i }}{% endfor %}",
    "**bold** [link](https://e.com)",
];

/// A random change to a JSON value: a field replaced by text, a number, null, a list or a huge
/// string; or nothing.
fn mutate(v: &mut Value, rng: &mut Rng, depth: usize) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for _ in 0..=rng.below(3) {
                let key = &keys[rng.below(keys.len())];
                let child = map.get_mut(key).unwrap();
                if depth < 4 && rng.chance(2) {
                    mutate(child, rng, depth + 1);
                } else {
                    *child = match rng.below(6) {
                        0 => Value::from(rng.text()),
                        1 => Value::from(rng.next()),
                        2 => Value::Null,
                        3 => Value::from(vec![Value::from(rng.text()); rng.below(50)]),
                        4 => Value::from(format!("https://github.com/{}", "p".repeat(rng.below(30_000)))),
                        _ => Value::Bool(rng.chance(2)),
                    };
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            mutate(&mut items[i], rng, depth + 1);
        }
        _ => {}
    }
}

/// One case: its inputs (for the failure message) and the run.
fn case(seed: u64, relay: &str, fixtures: &[String]) -> (String, Run) {
    let mut rng = Rng(seed.max(1));
    let file = &fixtures[rng.below(fixtures.len())];
    let event = file.split('.').next().unwrap();
    let mut run =
        Run::github(event, &format!("github/{file}"), relay).env("INPUT_RETRIES", "0").env("INPUT_TIMEOUT", "5");
    let mut inputs = vec![format!("seed={seed} event={file}")];
    if rng.chance(2) {
        let mut payload: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(&format!("github/{file}"))).unwrap()).unwrap();
        mutate(&mut payload, &mut rng, 0);
        let mut bytes = serde_json::to_vec(&payload).unwrap();
        if rng.chance(10) {
            bytes.truncate(rng.below(bytes.len() + 1)); // malformed
        }
        let path = run.dir().join("event.json");
        std::fs::write(&path, bytes).unwrap();
        run = run.env("GITHUB_EVENT_PATH", path.to_str().unwrap());
        inputs.push("mutated payload".into());
    }
    let set = |run: Run, name: &str, value: String, inputs: &mut Vec<String>| {
        inputs.push(format!("{name}={} chars", value.chars().count()));
        run.env(name, &value)
    };
    if rng.chance(2) {
        let template: String = (0..=rng.below(4)).map(|_| rng.pick(TEMPLATE_PIECES)).collect::<Vec<_>>().join("\n");
        inputs.push(format!("template={template:?}"));
        run = run.env("INPUT_TEMPLATE", &template);
    }
    for name in ["INPUT_TITLE", "INPUT_MESSAGE", "INPUT_KEYWORD"] {
        if rng.chance(3) {
            let text = rng.text();
            run = set(run, name, text, &mut inputs);
        }
    }
    if rng.chance(3) {
        let mobiles: Vec<String> = (0..rng.below(900)).map(|i| format!("139{i:08}")).collect();
        run = set(run, "INPUT_AT_MOBILES", mobiles.join(","), &mut inputs);
    }
    if rng.chance(3) {
        let value = rng.pick(&["actionCard", "markdown", "card"]).to_owned();
        run = set(run, "INPUT_MSGTYPE", value, &mut inputs);
    }
    if rng.chance(4) {
        let value = rng.pick(&["true", "no", "maybe"]).to_owned();
        run = set(run, "INPUT_AT_ALL", value, &mut inputs);
    }
    // Always a signing secret: the generator quotes its start, which must then be hidden.
    run = run.env("INPUT_SECRET", SK);
    if rng.chance(8) {
        run = run.env("INPUT_FAIL_ON_ERROR", "false");
    }
    if rng.below(4) != 0 {
        run = run.env("INPUT_DRY_RUN", "true");
        inputs.push("dry run".into());
    }
    (inputs.join(", "), run)
}

/// Each message of a request body, in bytes as sent.
fn assert_messages_fit(body: &Value, inputs: &str) {
    for m in body["data"].as_array().into_iter().flatten() {
        let size = serde_json::to_string(m).unwrap().len();
        assert!(size < 20_000, "{size} bytes: {inputs}");
    }
}

#[test]
fn mutated_fixtures_settings_and_templates_never_crash_leak_or_overflow() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(240);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x00d1_6a1c);
    let mut fixtures: Vec<String> = std::fs::read_dir(fixture("github"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| Path::new(f).extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    let fixtures = Arc::new(fixtures);
    // A relay that answers at random: success, a refusal echoing a cut of the request, a
    // huge answer, an answer that is not JSON.
    let relay = Arc::new(Server::start(|r| {
        let body = &r.body;
        let cut = &body[..body.char_indices().map(|(i, _)| i).nth(r.index * 37 % body.len().max(1)).unwrap_or(0)];
        match r.index % 5 {
            0 => Reply::json(200, r#"{"code":0}"#),
            1 => Reply::json(200, &serde_json::json!({ "code": 1, "msg": format!("{cut}...") }).to_string()),
            2 => Reply::json(400, &serde_json::json!({ "code": 1, "msg": body, "hint": cut }).to_string()),
            3 => Reply::json(200, &format!(r#"{{"code":1,"msg":"{}"}}"#, "errcode 1 ".repeat(20_000))),
            _ => Reply::text(200, "<html>"),
        }
    }));
    let workers: Vec<_> = (0..2)
        .map(|worker| {
            let (relay, fixtures) = (relay.clone(), fixtures.clone());
            thread::spawn(move || {
                for n in (worker..cases).step_by(2) {
                    let (inputs, run) = case(seed.wrapping_add(n.wrapping_mul(0x9e37_79b9)), &relay.url, &fixtures);
                    let dry = inputs.contains("dry run");
                    // `run` checks that no whole secret reaches stdout, stderr or the files.
                    let out = run.run();
                    assert!(matches!(out.code, 0..=2), "exit {}: {inputs}\n{}", out.code, out.stderr);
                    let starts: Vec<&str> = [SK, HOOK_TOKEN, TOKEN].iter().map(|s| &s[..8]).collect();
                    out.assert_hidden(&starts);
                    if dry && out.code == 0 && out.stdout.starts_with('{') {
                        let body: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {inputs}"));
                        assert_messages_fit(&body, &inputs);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    for request in relay.received() {
        if let Ok(body) = serde_json::from_str::<Value>(&request.body) {
            assert_messages_fit(&body, "a request the relay received");
        }
    }
}

impl Rng {
    /// Text of up to `max` characters, often of the kinds that grow in JSON.
    fn json_text(&mut self, max: usize) -> String {
        const CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '\n', '\u{1}', '汉', '😀', '@', '…', '/', '%', '&'];
        let len = match self.below(4) {
            0 => 0,
            1 => self.below(50),
            _ => self.below(max + 1),
        };
        (0..len).map(|_| CHARS[self.below(CHARS.len())]).collect()
    }
}

/// The message builder, through the library: whatever is long (the title, the keyword, the
/// text, the message, hundreds of mentions, the run's and the buttons' URLs), every message stays
/// under 20,000 bytes.
#[test]
fn every_message_fits_whatever_is_long() {
    use dingtalk_notify::context::{Context, PullRequest, Release, Run};
    use dingtalk_notify::env::Env;
    use dingtalk_notify::settings::{Settings, Sources};
    use dingtalk_notify::summary::message::{At, MAX_MESSAGE_BYTES, build};
    use dingtalk_notify::summary::render::Summary;
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    for case in 0..300 {
        let mobiles: Vec<String> = (0..rng.below(1_000)).map(|i| format!("138{:08}", i * 7919 % 100_000_000)).collect();
        let users: Vec<String> =
            (0..rng.below(300)).map(|_| rng.json_text(40).replace([' ', ',', '\n'], "u")).collect();
        let at = At::new(mobiles, users, rng.below(2) == 0);
        let mut vars = vec![
            ("DINGTALK_DRY_RUN".to_owned(), "true".to_owned()),
            ("DINGTALK_MSGTYPE".to_owned(), ["markdown", "actionCard"][rng.below(2)].to_owned()),
            ("DINGTALK_KEYWORD".to_owned(), rng.json_text(30_000)),
        ];
        if rng.below(2) == 0 {
            vars.push(("DINGTALK_MESSAGE".to_owned(), rng.json_text(30_000)));
        }
        let settings = Settings::new(&Sources::from_env(&Env::new(vars, 0))).unwrap();
        let url = |rng: &mut Rng| Some(format!("https://example.com/{}", rng.json_text(30_000)));
        let cx = Context {
            event: ["push", "pull_request", "release"][rng.below(3)].into(),
            run: Run { url: url(&mut rng), ..Run::default() },
            compare_url: url(&mut rng),
            pr: (rng.below(2) == 0).then(|| PullRequest { number: 1, url: url(&mut rng), ..PullRequest::default() }),
            release: (rng.below(2) == 0).then(|| Release {
                tag: "v1".into(),
                url: url(&mut rng),
                ..Release::default()
            }),
            ..Context::default()
        };
        let summary = Summary { title: rng.json_text(30_000), text: rng.json_text(30_000) };
        for m in build(&summary, &settings, &cx, at, &mut Vec::new()) {
            let size = serde_json::to_vec(&m).unwrap().len();
            assert!(size < MAX_MESSAGE_BYTES, "case {case}: {size} bytes");
        }
    }
}

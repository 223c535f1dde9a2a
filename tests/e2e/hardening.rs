//! What a red-team pass found, each as it was reproduced: huge or malformed answers, templates
//! that aborted the process, secrets cut or escaped, messages over DingTalk's limit, retries of
//! what is not transient, a dry run's stdout, error texts.

use std::process::{Command, Stdio};

use crate::support::*;

/// A GitHub push run with a fixed, small summary.
fn push_run(relay: &str) -> Run {
    Run::github("push", "github/push.branch.json", relay).env("INPUT_TEMPLATE", "{{ repo.name }}")
}

/// `errcode 1 errcode 2 … errcode n `.
fn errcodes(n: u32) -> String {
    (1..=n).flat_map(|n| ["errcode ".to_owned(), n.to_string(), " ".to_owned()]).collect()
}

fn hint_lines(out: &Output) -> usize {
    out.stderr.lines().filter(|l| l.starts_with("hint: ")).count()
}

// --- Unbounded work and unbounded answers -------------------------------------------------

#[test]
fn an_answer_naming_a_hundred_thousand_codes_is_cut_off_and_told_briefly() {
    // 1.4 MB: it took 25 s, and printed 100,000 hint lines and a 4.8 MB `::error` line.
    let msg: String = errcodes(100_000);
    let body = serde_json::json!({ "code": 1, "msg": msg }).to_string();
    let relay = Server::script(vec![Reply::json(200, &body)]);
    let out = push_run(&relay.url).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1);
    assert!(out.stderr.len() < 2_000, "{} bytes of stderr", out.stderr.len());
    assert!(out.stderr.contains("more than 64 KiB"), "{}", out.stderr);
    assert!(out.outputs.len() < 2_000, "{}", out.outputs.len());
    let out = push_run(&relay.url).env("INPUT_FAIL_ON_ERROR", "false").env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn an_answer_under_the_limit_gives_a_few_hints_and_a_short_line() {
    let msg: String = errcodes(4_000);
    let body = serde_json::json!({ "code": 1, "msg": msg, "hint": "x".repeat(5_000) }).to_string();
    assert!(body.len() < 64 * 1024);
    let relay = Server::script(vec![Reply::json(200, &body)]);
    let out = push_run(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(hint_lines(&out) <= 3, "{}", out.stderr);
    assert!(out.stderr.len() < 3_000, "{} bytes of stderr", out.stderr.len());
    let shown = out.output("msg").unwrap();
    assert!(shown.chars().count() <= 301 && shown.ends_with('…'), "{shown}");
}

#[test]
fn an_answer_without_length_is_read_up_to_the_limit_only() {
    let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".to_vec();
    raw.extend(std::iter::repeat_n(b' ', 3_000_000));
    let relay = Server::script(vec![Reply::raw(&raw)]);
    let out = push_run(&relay.url).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("more than 64 KiB"), "{}", out.stderr);
}

#[test]
fn a_ca_file_that_never_ends_is_a_usage_error() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = push_run(&relay.url).env("INPUT_CA_FILE", "/dev/zero").run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`ca_file` /dev/zero"), "{}", out.stderr);
    let out = push_run(&relay.url).env("INPUT_CA_FILE", "/dev/zero").env("INPUT_FAIL_ON_ERROR", "false").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(relay.received().is_empty());
}

#[test]
fn a_template_file_under_proc_is_refused() {
    let out = Run::github("push", "github/push.branch.json", NO_RELAY)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_DRY_RUN", "true")
        .env("INPUT_TEMPLATE_FILE", "/proc/self/environ")
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file of the workspace"), "{}", out.stderr);
}

// --- Templates cannot abort the process -------------------------------------------------------

/// How a template that needs bounds is rendered: in a copy of the process (`fork`, Linux), or in
/// the child started by `exec` (other systems, or another thread running; the debug build can be
/// told to, for these tests).
const WAYS: [(&str, &str); 2] = [("fork", ""), ("exec", "1")];

#[test]
fn templates_that_aborted_the_process_are_usage_errors() {
    for (way, exec) in WAYS {
        for (template, says) in [
            ("{{ 5 is divisibleby(0) }}", "divisibleby(0)"),
            (r#"{{ "%.2000000000f"|format(1.0) }}"#, "`format` takes at most 10000"),
            ("{{ range(10)|batch(9223372036854775807) }}", "`batch` takes at most 10000"),
            // 2.7 GB and still running at 60 s before.
            ("{% for i in range(100) %}{{ 'x'*100000000 }}{% endfor %}", "writes more than 1024 KiB"),
            // Doubling a string in a loop: fuel counts steps, not bytes.
            (DOUBLING, "was stopped: it took more than 512 MiB of memory"),
        ] {
            let run = || {
                Run::github("push", "github/push.branch.json", NO_RELAY)
                    .env("INPUT_DRY_RUN", "true")
                    .env("DINGTALK_NOTIFY_TEST_EXEC", exec)
                    .env("INPUT_TEMPLATE", template)
                    .env("DINGTALK_LANG", "en")
            };
            let out = run().run();
            assert_eq!(out.code, 2, "{way} {template}: {}", out.stderr);
            let error = out.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
            assert!(error.starts_with("error: the template from INPUT_TEMPLATE"), "{way} {template}: {}", out.stderr);
            assert!(out.stderr.contains(says), "{way} {template}: {}", out.stderr);
            // The renderer's own last words (`memory allocation of … failed`) stay its own.
            assert!(!out.stderr.contains("memory allocation"), "{way} {template}: {}", out.stderr);
            let out = run().env("INPUT_FAIL_ON_ERROR", "false").run();
            assert_eq!(out.code, 0, "{way} {template}: {}", out.stderr);
            assert_eq!(out.output("sent").as_deref(), Some("false"), "{way} {template}: {}", out.outputs);
        }
    }
}

/// A template that fuel does not stop in time (each step upper-cases a megabyte) is killed at
/// 10 s, however it is rendered.
#[test]
fn a_template_past_its_time_is_stopped() {
    let template = "{% set s = 'x' * 1000000 %}{% for i in range(100000) %}{% set y = s|upper %}{% endfor %}done";
    let runs = WAYS.map(|(way, exec)| {
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let out = Run::github("push", "github/push.branch.json", NO_RELAY)
                .env("INPUT_DRY_RUN", "true")
                .env("DINGTALK_NOTIFY_TEST_EXEC", exec)
                .env("INPUT_TEMPLATE", template)
                .env("DINGTALK_LANG", "en")
                .run();
            (way, out, started.elapsed())
        })
    });
    for run in runs {
        let (way, out, took) = run.join().unwrap();
        assert_eq!(out.code, 2, "{way}: {}", out.stderr);
        let error = out.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
        assert_eq!(
            error,
            "error: the template from INPUT_TEMPLATE was stopped: it took more than 10 s; it must not build huge texts or call filters with absurd arguments; fix the template",
            "{way}: {}",
            out.stderr
        );
        // Not a speed check: a bound, far above the 10 s, that a renderer left running would pass.
        assert!(took < std::time::Duration::from_secs(30), "{way}: {took:?}");
    }
}

/// A template that needs bounds renders the same in the copy, in the child and (a template that
/// needs none) in the process itself: loops over the commits, the payload, minijinja's filters.
#[test]
fn each_way_of_rendering_gives_the_same_text() {
    let template = "{% for c in commits %}{{ loop.index }}. {{ c.title|upper }} ({{ c.short_sha }}, {{ c.author }}){% endfor %} \
        {{ payload.pusher.name|title }} {{ commits|map(attribute='sha')|first }} {{ commits[-1].url }}";
    let title = "{{ repo.name|replace('-', ' ') }} {{ status }}";
    let texts = WAYS.map(|(_, exec)| {
        let out = Run::github("push", "github/push.branch.json", NO_RELAY)
            .env("DINGTALK_NOTIFY_TEST_EXEC", exec)
            .env("INPUT_TEMPLATE", template)
            .env("INPUT_TITLE", title)
            .env("DINGTALK_LANG", "en")
            .dry_run();
        markdown(&out.json())
    });
    assert_eq!(texts[0], texts[1]);
    assert_eq!(texts[0].0, "release drafter test project success");
    assert_eq!(
        texts[0].1,
        "1. UPDATE RELEASE-DRAFTER.YML (1496a1f, toolmantim) Toolmantim 1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093 \
         https://github.com/toolmantim/release-drafter-test-project/commit/1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093"
    );
}

#[test]
fn safe_uses_of_the_checked_filters_still_work() {
    let out = Run::github("push", "github/push.branch.json", NO_RELAY)
        .env(
            "INPUT_TEMPLATE",
            r#"{{ 6 is divisibleby(3) }} {{ "%5.2f"|format(3.14159) }} {{ [1,2,3]|batch(2)|list|length }}"#,
        )
        .dry_run();
    assert_eq!(markdown(&out.json()).1, "True  3.14 2");
}

/// The built binary, copied into a run's directory and started on an event file that is a FIFO:
/// the run waits for its event until `change` has done what it does to the copy's file (replace
/// it, make it not executable), so that the template is rendered after the change.
#[cfg(target_os = "linux")]
fn run_changed_mid_run(
    template: &str,
    fail_on_error: bool,
    env: &[(&str, &str)],
    change: impl FnOnce(&std::path::Path),
) -> Output {
    use std::io::Write as _;
    let dir = Run::new();
    let bin = dir.dir().join("dingtalk-notify");
    std::fs::copy(env!("CARGO_BIN_EXE_dingtalk-notify"), &bin).unwrap();
    let fifo = dir.dir().join("event.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let output = dir.dir().join("output");
    let child = Command::new(&bin)
        .env_clear()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        // As the action always passes it (and `Run::github` does).
        .env("ACTION_JOB_STATUS", "success")
        .env("GITHUB_EVENT_PATH", &fifo)
        .env("GITHUB_OUTPUT", &output)
        .env("INPUT_DRY_RUN", "true")
        .env("INPUT_TEMPLATE", template)
        .env("INPUT_FAIL_ON_ERROR", fail_on_error.to_string())
        .env("DINGTALK_LANG", "en")
        .envs(env.iter().copied())
        .current_dir(dir.dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    change(&bin);
    let event = std::fs::read(fixture("github/push.branch.json")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        // Blocks until the run opens its event.
        std::thread::spawn(move || std::fs::OpenOptions::new().write(true).open(fifo)?.write_all(&event))
    };
    let out = child.wait_with_output().unwrap();
    // A run that ended without reading its event: opening the FIFO both ways never blocks, and
    // lets the writer's open return.
    drop(std::fs::OpenOptions::new().read(true).write(true).open(&fifo));
    let _ = writer.join();
    let out = Output {
        code: out.status.code().unwrap_or_else(|| panic!("killed: {}", out.status)),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        outputs: std::fs::read_to_string(&output).unwrap_or_default(),
        step_summary: String::new(),
    };
    out.assert_no_secrets();
    out
}

/// Doubles a string in a loop until the sandbox stops it.
const DOUBLING: &str = "{% set ns = namespace(s='x'*1000000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}";

#[cfg(target_os = "linux")]
#[test]
fn a_binary_replaced_during_the_run_still_renders_templates_apart_and_bounded() {
    let replace = |bin: &std::path::Path| {
        // As an update does it: a new file renamed over the old one.
        let new = bin.with_extension("new");
        std::fs::write(&new, "#!/bin/sh\necho 'the new binary ran' >&2\nexit 7\n").unwrap();
        std::fs::set_permissions(&new, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        std::fs::rename(&new, bin).unwrap();
    };
    for (way, exec) in WAYS {
        let env = [("DINGTALK_NOTIFY_TEST_EXEC", exec)];
        // It aborted (SIGABRT), rendered in this process with no limit, whatever fail_on_error said.
        let out = run_changed_mid_run(DOUBLING, true, &env, replace);
        assert_eq!(out.code, 2, "{way}: {}", out.stderr);
        assert!(out.stderr.contains("was stopped: it took more than 512 MiB of memory"), "{way}: {}", out.stderr);
        let out = run_changed_mid_run(DOUBLING, false, &env, replace);
        assert_eq!(out.code, 0, "{way}: {}", out.stderr);
        assert_eq!(out.output("sent").as_deref(), Some("false"), "{way}: {}", out.outputs);
        // A template that needs bounds renders as it does when the binary stays in place.
        let template = "{{ repo.name|upper }}: {% for c in commits %}{{ c.title }}{% endfor %}";
        let out = run_changed_mid_run(template, true, &env, |bin| std::fs::remove_file(bin).unwrap());
        assert_eq!(out.code, 0, "{way}: {}", out.stderr);
        assert_eq!(markdown(&out.json()).1, "RELEASE-DRAFTER-TEST-PROJECT: Update release-drafter.yml", "{way}");
        assert!(!out.stderr.contains("new binary"), "{way}: {}", out.stderr);
    }
}

/// A template that can neither loop nor grow (an `if`, `~`, the program's own filters) needs no
/// child: it renders even when no child could start.
#[cfg(target_os = "linux")]
#[test]
fn a_template_without_loops_renders_without_a_child() {
    let template = "{% if commit %}{{ commit.title|link(commit.url) }}{% endif %} {{ t('status.' ~ status)|e }}";
    let out = run_changed_mid_run(template, true, &[], |bin| {
        std::fs::set_permissions(bin, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    let want = Run::github("push", "github/push.branch.json", NO_RELAY)
        .env("INPUT_TEMPLATE", template)
        .env("DINGTALK_LANG", "en")
        .dry_run();
    assert_eq!(
        markdown(&out.json()).1,
        "[Update release-drafter.yml](https://github.com/toolmantim/release-drafter-test-project/commit/1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093) success"
    );
    assert_eq!(markdown(&out.json()), markdown(&want.json()));
}

#[cfg(target_os = "linux")]
#[test]
fn a_template_is_never_rendered_without_its_bounds() {
    // The binary's file is no longer executable: no child can start by `exec`. It rendered the
    // template in this process, where nothing bounds it.
    let not_executable = |bin: &std::path::Path| {
        std::fs::set_permissions(bin, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    };
    let exec = [("DINGTALK_NOTIFY_TEST_EXEC", "1")];
    let out = run_changed_mid_run("{{ repo.name|upper }}", true, &exec, not_executable);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let error = out.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
    assert!(error.starts_with("error: the template from INPUT_TEMPLATE cannot be rendered"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = run_changed_mid_run("{{ repo.name|upper }}", false, &exec, not_executable);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("the template from INPUT_TEMPLATE cannot be rendered"), "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("false"), "{}", out.outputs);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // Text and lookups only can do nothing unbounded: that needs no renderer apart.
    let out = run_changed_mid_run("{{ repo.name }}: {{ commit.sha }}", true, &exec, not_executable);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(markdown(&out.json()).1, "release-drafter-test-project: 1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093");
    // A copy of the process needs no file: it renders, bounded, and the doubling is stopped.
    let out = run_changed_mid_run("{{ repo.name|upper }}", true, &[], not_executable);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(markdown(&out.json()).1, "RELEASE-DRAFTER-TEST-PROJECT");
    let out = run_changed_mid_run(DOUBLING, true, &[], not_executable);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("was stopped: it took more than 512 MiB of memory"), "{}", out.stderr);
}

/// A run that asked its CI's API by host name looked the name up on a thread of its own (the
/// resolver's); by the time the template renders that thread is gone, and the copy of the process
/// renders it: here the binary's file cannot be started, so nothing else could.
#[cfg(target_os = "linux")]
#[test]
fn after_an_api_lookup_by_host_name_the_template_still_renders_in_a_copy() {
    let api = Server::start(|r| match r.target.as_str() {
        t if t.ends_with("/jobs?per_page=100") => Reply::json(200, r#"{"total_count": 0, "jobs": []}"#),
        _ => Reply::json(200, r#"{"id": 1}"#),
    });
    let by_name = api.url.replace("127.0.0.1", "localhost");
    let env = [
        ("GITHUB_API_URL", by_name.as_str()),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_RUN_ID", "1"),
        ("INPUT_GITHUB_TOKEN", "ghs_apiTOKENsEcReT9"),
    ];
    let out = run_changed_mid_run("{{ repo.name|upper }}", true, &env, |bin| {
        std::fs::set_permissions(bin, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    });
    assert!(!api.received().is_empty(), "the API was not asked: {}", out.stderr);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(markdown(&out.json()).1, "RELEASE-DRAFTER-TEST-PROJECT");
}

// --- Secrets, every form ---------------------------------------------------------------------

/// A relay that echoes the request in `msg`, as `echo` makes it from the request.
fn echoing(echo: impl Fn(&Received) -> String + Send + Sync + 'static) -> Server {
    Server::start(move |r| Reply::json(400, &serde_json::json!({ "code": 1, "msg": echo(r) }).to_string()))
}

/// No start of eight characters or more of any secret anywhere.
fn assert_no_start_of(out: &Output, secrets: &[&str]) {
    let starts: Vec<String> = secrets.iter().map(|s| s.chars().take(8).collect()).collect();
    let starts: Vec<&str> = starts.iter().map(String::as_str).collect();
    out.assert_hidden(&starts);
}

#[test]
fn a_secret_cut_short_by_the_relay_does_not_leak_its_start() {
    for cut in ["...", "[truncated]", "", "…"] {
        for keep in [8, 12, 16] {
            let relay = echoing(move |r| {
                let body = &r.body;
                // Cut inside the webhook's token, and inside `sk`.
                let at = |s: &str| body.find(s).map_or(0, |i| i + keep);
                format!("{}{cut} and {}{cut}", &body[..at(HOOK_TOKEN)], &body[..at(SK)])
            });
            let out = push_run(&relay.url).env("INPUT_SECRET", SK).run();
            assert_eq!(out.code, 1, "{}", out.stderr);
            assert_no_start_of(&out, &[HOOK_TOKEN, SK]);
        }
    }
}

#[test]
fn secrets_with_quotes_backslashes_and_spaces_are_hidden_escaped_too() {
    // As the token (URL-encoded in the query) and as `sk` (JSON-escaped in the body).
    let secret = "SEC\"quo\\te d\u{200b}x";
    let relay = echoing(|r| format!("{} {}", r.target, r.body));
    let out = push_run(&relay.url).env("INPUT_SECRET", secret).env("INPUT_KDOCS_TOKEN", secret).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = serde_json::to_string(secret).unwrap();
    let json = &json[1..json.len() - 1];
    let url = "SEC%22quo%5Cte+d%E2%80%8Bx";
    assert!(relay.received()[0].target.contains(url) && relay.received()[0].body.contains(json));
    out.assert_hidden(&[secret, json, url]);
    assert_no_start_of(&out, &[secret, json, url]);
}

#[test]
fn a_secret_split_across_lines_is_hidden() {
    let relay = echoing(|_| format!("a {}\n{} b", &SK[..5], &SK[5..]));
    let out = push_run(&relay.url).env("INPUT_SECRET", SK).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    out.assert_hidden(&[&SK[5..], &SK[..5]]);
}

#[test]
fn the_bare_token_of_a_webhook_with_a_fragment_is_hidden() {
    let relay = echoing(|r| r.body.clone());
    let out = push_run(&relay.url).env("INPUT_WEBHOOK", &format!("{}#frag", webhook())).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    // `Run` checks HOOK_TOKEN itself; the masks name the bare token too.
    assert!(out.stdout.contains(&format!("::add-mask::{HOOK_TOKEN}\n")), "{}", out.stdout);
}

// --- Every message under 20,000 bytes -------------------------------------------------------

fn message_sizes(body: &serde_json::Value) -> Vec<usize> {
    body["data"].as_array().unwrap().iter().map(|m| serde_json::to_string(m).unwrap().len()).collect()
}

#[test]
fn long_mentions_keywords_and_urls_still_fit() {
    let mobiles: Vec<String> = (0..740).map(|i| format!("1380000{i:04}")).collect();
    let mobiles = mobiles.join(",");
    let keyword = "k".repeat(25_000);
    let long_url = format!("https://github.com/{}", "p".repeat(25_000));
    for extra in [
        vec![("INPUT_AT_MOBILES", mobiles.as_str())],
        vec![("INPUT_KEYWORD", keyword.as_str())],
        vec![("INPUT_KEYWORD", keyword.as_str()), ("INPUT_MESSAGE", "m")],
        vec![("GITHUB_SERVER_URL", long_url.as_str())],
        vec![("GITHUB_SERVER_URL", long_url.as_str()), ("INPUT_MSGTYPE", "actionCard")],
    ] {
        let out = Run::github("push", "github/push.branch.json", NO_RELAY).envs(extra.iter().copied()).dry_run();
        for size in message_sizes(&out.json()) {
            assert!(
                size < 20_000,
                "{size} bytes with {:?}",
                extra.iter().map(|(k, v)| (k, v.len())).collect::<Vec<_>>()
            );
        }
    }
    // The mentions that did not fit are named.
    let out = Run::github("push", "github/push.branch.json", NO_RELAY).env("INPUT_AT_MOBILES", &mobiles).dry_run();
    assert!(out.stderr.contains("of 740 mentions left out"), "{}", out.stderr);
}

#[test]
fn a_long_html_url_on_a_card_button_is_dropped() {
    let run = Run::github("pull_request", "github/pull_request.opened.json", NO_RELAY);
    let path = payload_from(&run, "github/pull_request.opened.json", |v| {
        v["pull_request"]["html_url"] = format!("https://github.com/{}", "h".repeat(25_000)).into();
    });
    let out = run.env("GITHUB_EVENT_PATH", &path).env("INPUT_MSGTYPE", "actionCard").dry_run();
    let body = out.json();
    for size in message_sizes(&body) {
        assert!(size < 20_000, "{size}");
    }
}

// --- Retries only for what is transient ------------------------------------------------------

#[test]
fn malformed_answers_and_closed_connections_are_not_retried() {
    let mut huge_head = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..20_000 {
        huge_head.extend(format!("x-filler-{i}: {}\r\n", "v".repeat(40)).as_bytes());
    }
    huge_head.extend(b"\r\n");
    for (reply, says) in [
        (Reply::raw(b"HTTP/9.9 200 OK\r\ncontent-length: 2\r\n\r\n{}"), "failed (invalid HTTP version parsed)"),
        (Reply::raw(&huge_head), "failed (message head is too large)"),
        (
            Reply::raw(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"code\":"),
            "failed (end of file before message length reached)",
        ),
        (Reply::raw(b""), "failed (connection closed before message completed)"),
    ] {
        let relay = Server::script(vec![reply]);
        let out = push_run(&relay.url).env("DINGTALK_LANG", "en").run();
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert_eq!(relay.received().len(), 1, "retried: {}", out.stderr);
        assert!(out.stderr.contains(says) && !out.stderr.contains("retrying"), "{}", out.stderr);
    }
}

#[test]
fn a_tls_handshake_that_is_cut_is_not_retried_and_is_told_in_words() {
    let relay = Server::script(vec![Reply::raw(b"")]);
    let https = relay.url.replace("http://", "https://");
    let out = push_run(&https).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.received().len(), 1, "retried: {}", out.stderr);
    assert!(out.stderr.contains("closed the connection during the TLS handshake"), "{}", out.stderr);
    // A plain-HTTP server behind an https:// URL: words, not rustls' debug text.
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = push_run(&relay.url.replace("http://", "https://")).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("it did not answer with TLS"), "{}", out.stderr);
    assert!(!out.stderr.contains("InvalidContentType") && !out.stderr.contains("Other("), "{}", out.stderr);
}

// --- fail_on_error, the dry run's stdout, error texts ---------------------------------------

#[test]
fn two_spellings_of_one_variable_are_no_error_and_the_documented_one_is_read() {
    // Reading the environment once failed here ("duplicate field"): exit 2, whatever
    // fail_on_error said. `dry_run` checks the exit code is 0, with fail_on_error at its default.
    let out = Run::github("push", "github/push.branch.json", NO_RELAY)
        .env("INPUT_TITLE", "a")
        .env("INPUT_title", "b")
        .dry_run();
    assert_eq!(markdown(&out.json()).0, "a");
    assert!(!out.stderr.contains("error"), "{}", out.stderr);
}

#[test]
fn a_github_dry_run_prints_the_json_alone_on_stdout_and_masks_on_stderr() {
    let out = Run::github("push", "github/push.branch.json", NO_RELAY).env("INPUT_SECRET", SK).dry_run();
    let body: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is the JSON alone");
    assert_eq!(body["sk"], "***");
    // The masks come first, before anything else is printed; a dry run does not use the KDocs
    // token, but hides it all the same.
    let first: Vec<&str> = out.stderr.lines().take(3).collect();
    assert_eq!(
        first,
        [format!("::add-mask::{TOKEN}"), format!("::add-mask::{SK}"), format!("::add-mask::{HOOK_TOKEN}")]
    );
}

#[test]
fn a_closed_stdout_is_no_crash() {
    for args in [&["--dry-run"][..], &["--help"], &["--version"], &["kdocs-auth", "--help"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dingtalk-notify"))
            .env_clear()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // `| head -0`: the reader is gone before anything is written
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {status}");
    }
}

#[test]
fn a_mistyped_flag_gets_a_suggestion() {
    let out = Run::new().env("DINGTALK_LANG", "en").arg("--dryrun").run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        "error: unknown option `--dryrun`: did you mean `--dry-run`? (see --help)"
    );
}

#[test]
fn drone_settings_written_with_dashes_are_read() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = Run::new()
        .env("DRONE", "true")
        .env("PLUGIN_KDOCS-TOKEN", TOKEN)
        .env("PLUGIN_WEBHOOK", &webhook())
        .env("PLUGIN_KDOCS-API-URL", &relay.url)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1);
}

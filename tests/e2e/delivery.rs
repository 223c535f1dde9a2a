//! The one call: the exact body and query the relay receives, and what each answer means.

use std::time::Duration;

use serde_json::json;

use crate::support::*;

/// A summary whose text the test decides, so the whole body can be compared exactly.
const TEMPLATE: &str = "{{ repo.full_name }} {{ ref.name }} {{ commit.short_sha }} {{ commit.title }}";
const TEXT: &str = "toolmantim/release-drafter-test-project master 1496a1f Update release-drafter.yml";

fn push_run(relay: &str) -> Run {
    Run::github("push", "github/push.branch.json", relay)
        .env("INPUT_TEMPLATE", TEMPLATE)
        .env("INPUT_TITLE", "Build")
        .env("DINGTALK_LANG", "en")
}

#[test]
fn success_without_secret_or_message_sends_exactly_the_summary() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0,"msg":"ok","data":{}}"#)]);
    let out = push_run(&relay.url).run();
    let got = relay.relay_calls();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("content-type"), Some("application/json; charset=utf-8"));
    assert_eq!(got[0].header("user-agent"), Some(concat!("dingtalk-notify/", env!("CARGO_PKG_VERSION"))));
    assert_eq!(
        got[0].json(),
        json!({
            "link": webhook(),
            "data": [{"msgtype": "markdown", "markdown": {"title": "Build", "text": TEXT}}]
        })
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("sent to DingTalk"), "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("true"));
    assert_eq!(out.output("code").as_deref(), Some("0"));
    assert_eq!(out.output("msg").as_deref(), Some("ok"));
    assert!(out.step_summary.contains(TEXT), "{}", out.step_summary);
    // The masks come first, before anything else is printed.
    let first: Vec<&str> = out.stdout.lines().take(2).collect();
    assert_eq!(first, [format!("::add-mask::{TOKEN}"), format!("::add-mask::{HOOK_TOKEN}")]);
    assert_eq!(out.stdout.matches("::add-mask::").count(), 2);
}

#[test]
fn the_token_is_url_encoded_in_the_query() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = push_run(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].target, format!("{PATH}?access_token={TOKEN_ENCODED}"));
}

#[test]
fn success_with_secret_and_message_sends_sk_and_a_text_message() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out =
        push_run(&relay.url).env("INPUT_SECRET", SK).env("INPUT_MESSAGE", "deployed to staging\nsecond line").run();
    let got = relay.relay_calls();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].json(),
        json!({
            "link": webhook(),
            "sk": SK,
            "data": [
                {"msgtype": "markdown", "markdown": {"title": "Build", "text": TEXT}},
                {"msgtype": "text", "text": {"content": "deployed to staging\nsecond line"}}
            ]
        })
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_refusal_from_the_relay_is_shown_with_msg_and_hint_and_not_retried() {
    let relay =
        Server::script(vec![Reply::json(200, r#"{"code":400001,"msg":"robot refused","hint":"check the webhook"}"#)]);
    let out = push_run(&relay.url).run();
    assert_eq!(relay.relay_calls().len(), 1);
    assert_eq!(out.code, 1);
    let first = out.stderr.lines().find(|l| l.starts_with("error:")).unwrap();
    assert_eq!(
        first,
        r#"error: the relay refused the message: code 400001, msg "robot refused", hint "check the webhook""#
    );
    assert!(out.stdout.contains("::error title=dingtalk-notify::the relay refused"), "{}", out.stdout);
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("code").as_deref(), Some("400001"));
    assert_eq!(out.output("msg").as_deref(), Some("robot refused"));
}

#[test]
fn http_401_says_the_token_is_invalid_and_is_not_retried() {
    let relay = Server::script(vec![Reply::json(401, r#"{"code":401,"msg":"invalid access_token"}"#)]);
    let out = push_run(&relay.url).run();
    assert_eq!(relay.relay_calls().len(), 1);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("HTTP 401"), "{}", out.stderr);
    // A token pasted once expires within a day: renewal is the lasting fix.
    assert!(
        out.stderr.lines().any(|l| l
            == "hint: the KDocs token is invalid or expired: create a new one and update `kdocs_token`, or let each \
                run renew it: set `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` (README, \"KDocs token\")"),
        "{}",
        out.stderr
    );
}

#[test]
fn http_500_is_retried_then_fails() {
    let relay = Server::script(vec![Reply::text(500, "oops")]);
    let out = push_run(&relay.url).env("INPUT_RETRIES", "1").run();
    assert_eq!(relay.relay_calls().len(), 2);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("attempt 1 of 2 failed (the relay answered HTTP 500)"), "{}", out.stderr);
    assert!(out.stderr.contains("error: the relay answered HTTP 500 (after 2 attempts)"), "{}", out.stderr);
}

#[test]
fn http_503_then_success_delivers_once() {
    let relay = Server::script(vec![Reply::text(503, "busy"), Reply::json(200, r#"{"code":0,"msg":"ok"}"#)]);
    let out = push_run(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.relay_calls();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body, "a retry sends the same body");
    assert_eq!(out.output("sent").as_deref(), Some("true"));
}

#[test]
fn a_relay_that_echoes_the_request_cannot_leak_secrets_through_retry_notices() {
    let echo = format!(
        r#"{{"code":503,"msg":"upstream failed for {}","hint":"{PATH}?access_token={TOKEN} sk={SK}\n::stop-commands::x"}}"#,
        webhook()
    );
    let relay = Server::script(vec![Reply::json(503, &echo), Reply::json(200, r#"{"code":0}"#)]);
    // `run` fails the test if any secret reaches stdout, stderr or the output files.
    let out = push_run(&relay.url).env("INPUT_SECRET", SK).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let notice = out.stderr.lines().find(|l| l.contains("attempt 1 of 3 failed")).unwrap();
    assert!(notice.contains("access_token=***") && notice.contains("sk=***"), "{notice}");
    assert!(!out.stderr.lines().any(|l| l.starts_with("::")), "a relay's text started a workflow command");
}

#[test]
fn http_429_waits_as_long_as_retry_after_says() {
    let relay = Server::script(vec![
        Reply::json(429, r#"{"code":429,"msg":"slow down"}"#).header("Retry-After", "3"),
        Reply::json(200, r#"{"code":0}"#),
    ]);
    let out = push_run(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.relay_calls();
    assert_eq!(got.len(), 2);
    // The default first backoff is at most 1.25 s; only Retry-After makes it 3 s.
    let waited = got[1].at - got[0].at;
    assert!(waited >= Duration::from_millis(2900), "waited {waited:?}");
    assert!(out.stderr.contains("retrying in 3.0s"), "{}", out.stderr);
}

#[test]
fn a_relay_that_does_not_answer_times_out() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#).delay(Duration::from_secs(5))]);
    let out = push_run(&relay.url).env("INPUT_TIMEOUT", "0.5").env("INPUT_RETRIES", "0").run();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no answer from http://127.0.0.1:"), "{}", out.stderr);
    assert!(out.stderr.contains("within 0.5s"), "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1);
}

#[test]
fn a_notification_that_may_have_arrived_is_never_sent_again() {
    // The relay read the whole body, then answered only after the time-out: it may have passed
    // the message on, so a retry could post it twice.
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#).delay(Duration::from_secs(3))]);
    let out = push_run(&relay.url).env("INPUT_TIMEOUT", "0.5").env("INPUT_RETRIES", "2").run();
    assert_eq!(relay.relay_calls().len(), 1, "{}", out.stderr);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error: no answer from http://127.0.0.1:"), "{}", out.stderr);
    assert!(!out.stderr.contains("retrying"), "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l
            == "hint: the message may or may not have reached the group: it was sent, but no readable answer came; \
                it is not sent again, which could post it twice"),
        "{}",
        out.stderr
    );
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    // fail_on_error: false makes it a warning, as any failure.
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#).delay(Duration::from_secs(3))]);
    let out = push_run(&relay.url)
        .env("INPUT_TIMEOUT", "0.5")
        .env("INPUT_RETRIES", "2")
        .env("INPUT_FAIL_ON_ERROR", "false")
        .run();
    assert_eq!(relay.relay_calls().len(), 1, "{}", out.stderr);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("warning: no answer from"), "{}", out.stderr);
}

#[test]
fn a_2xx_answer_that_is_not_json_fails_without_retry() {
    let relay = Server::script(vec![Reply::text(200, "<html>gateway</html>")]);
    let out = push_run(&relay.url).run();
    assert_eq!(out.code, 1);
    assert_eq!(relay.relay_calls().len(), 1);
    assert!(out.stderr.contains("answered HTTP 200 but not with JSON"), "{}", out.stderr);
}

#[test]
fn connection_refused_fails_with_exit_1() {
    let out = push_run(&closed_port_url()).env("INPUT_RETRIES", "0").run();
    assert_eq!(out.code, 1);
    let first = out.stderr.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(first.starts_with("error: cannot connect to http://127.0.0.1:"), "{first}");
}

#[test]
fn fail_on_error_false_turns_a_failure_into_a_warning() {
    let relay = Server::script(vec![Reply::json(500, r#"{"code":50001,"msg":"relay down"}"#)]);
    let out = push_run(&relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_RETRIES", "0")
        .env("INPUT_FAIL_ON_ERROR", "false")
        .run();
    assert_eq!(relay.relay_calls().len(), 1);
    assert_eq!(out.code, 0);
    assert_eq!(out.outputs.matches("sent=").count(), 1, "outputs written once:\n{}", out.outputs);
    assert!(out.stderr.contains("warning: the relay answered HTTP 500"), "{}", out.stderr);
    assert!(out.stderr.contains("fail_on_error is false"), "{}", out.stderr);
    assert!(out.stdout.contains("::warning title=dingtalk-notify::"), "{}", out.stdout);
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("code").as_deref(), Some("50001"));
    assert_eq!(out.output("msg").as_deref(), Some("relay down"));
}

#[test]
fn dry_run_prints_the_body_with_secrets_redacted_and_sends_nothing() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = push_run(&relay.url).env("INPUT_SECRET", SK).dry_run();
    assert!(relay.received().is_empty(), "a dry run sent {:?}", relay.received());
    assert_eq!(
        out.json(),
        json!({
            "link": "https://oapi.dingtalk.com/robot/send?access_token=***",
            "sk": "***",
            "data": [{"msgtype": "markdown", "markdown": {"title": "Build", "text": TEXT}}]
        })
    );
}

/// A dry run of a push whose one commit has `message`, with `secret` as the signing secret.
fn dry_run_with_commit_message(message: &str, secret: &str) -> Output {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let path = payload_from(&run, "github/push.branch.json", |v| {
        v["head_commit"]["message"] = json!(message);
        v["commits"][0]["message"] = json!(message);
    });
    run.env("GITHUB_EVENT_PATH", &path).env("INPUT_SECRET", secret).dry_run()
}

#[test]
fn a_secret_quoted_in_a_commit_message_is_redacted_in_its_escaped_form_too() {
    // `_` and `*` are escaped in summaries (as `＿`, `∗`): redaction must catch that form too.
    let secret = "SEC_pasted*by_mistake";
    let out = dry_run_with_commit_message(&format!("oops, pasted {secret} here"), secret);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("oops, pasted *** here"), "{}", out.stdout);
    assert!(out.step_summary.contains("oops, pasted *** here"), "{}", out.step_summary);
    out.assert_hidden(&[secret]);
}

#[test]
fn a_redirect_is_reported_with_where_it_points_and_not_followed() {
    // Followed, a 301 would turn the POST into a GET to the new place: a second request here.
    let relay = Server::script(vec![Reply::text(301, "").header("Location", "/v2/notify?access_token=echoed#x")]);
    let out = push_run(&relay.url).env("INPUT_RETRIES", "2").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1, "followed or retried: {:?}", relay.received());
    assert!(out.stderr.starts_with("error: the relay answered HTTP 301"), "{}", out.stderr);
    let hint = format!("the relay redirects to {}/v2/notify: if it moved, set `kdocs_api_url`", relay.url);
    assert!(out.stderr.contains(&hint), "{}", out.stderr);
    assert!(!out.stderr.contains("echoed"), "the Location's query was printed: {}", out.stderr);
}

#[test]
fn a_tls_refusal_is_not_retried() {
    // An https:// URL on a plain-HTTP port: rustls refuses what comes back, and would again.
    let plain = Server::script(vec![Reply::text(400, "")]);
    let https = plain.url.replace("http://", "https://");
    let out = push_run(&https).env("INPUT_RETRIES", "2").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = plain.received();
    assert_eq!(got.len(), 1, "retried: {}", out.stderr);
    assert_eq!(got[0].method, "", "not a TLS handshake: {:?}", got[0]);
    assert!(out.stderr.starts_with(&format!("error: cannot connect to {https}")), "{}", out.stderr);
    assert!(!out.stderr.contains("retrying"), "{}", out.stderr);
}

#[test]
fn a_secret_cut_short_in_a_summary_shows_none_of_its_start() {
    // Commit titles are shortened to 100 characters: this secret starts at 87 and is cut.
    let secret = "SECa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5";
    let out = dry_run_with_commit_message(&format!("{} {secret} and more", "x".repeat(85)), secret);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(&format!("{} ***…", "x".repeat(85))), "{}", out.stdout);
    let printed: Vec<&str> = out.stdout.lines().filter(|l| !l.starts_with("::add-mask::")).collect();
    assert!(!printed.concat().contains("SECa1b2") && !out.step_summary.contains("SECa1b2"), "{}", out.stdout);
}

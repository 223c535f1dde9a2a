//! Straight to DingTalk, without a KDocs app: one POST per message to the webhook, signed when
//! a secret is set, never a message sent twice once DingTalk accepted it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::support::*;

const OK: &str = r#"{"errcode":0,"errmsg":"ok"}"#;

/// A push on GitHub with no KDocs credential and the webhook on `server`.
fn direct(server: &Server) -> Run {
    Run::github("push", "github/push.branch.json", NO_RELAY)
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_WEBHOOK", &format!("{}/robot/send?access_token={HOOK_TOKEN}", server.url))
        .env("INPUT_TEMPLATE", "{{ repo.full_name }} {{ commit.short_sha }}")
        .env("INPUT_TITLE", "Build")
        .env("DINGTALK_LANG", "en")
}

fn query(r: &Received) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x{}", r.target))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[test]
fn unsigned_messages_go_to_the_webhook_in_order_and_the_log_says_how() {
    let robot = Server::script(vec![Reply::json(200, OK)]);
    let out = direct(&robot).env("INPUT_MESSAGE", "deployed").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = robot.received();
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("POST", format!("/robot/send?access_token={HOOK_TOKEN}").as_str())
        );
        assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));
    }
    assert_eq!(
        got[0].json(),
        json!({"msgtype": "markdown", "markdown": {"title": "Build", "text": "toolmantim/release-drafter-test-project 1496a1f"}})
    );
    assert_eq!(got[1].json(), json!({"msgtype": "text", "text": {"content": "deployed"}}));
    assert!(
        out.stderr.contains("sent to DingTalk directly") && out.stderr.contains("transport: dingtalk"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("is not https"), "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("true"));
    assert_eq!(out.output("code").as_deref(), Some("0"));
    assert_eq!(out.output("msg").as_deref(), Some("ok"));
}

#[test]
fn with_a_secret_each_request_is_signed_as_dingtalk_documents() {
    let robot = Server::script(vec![Reply::json(200, OK)]);
    let out = direct(&robot).env("INPUT_SECRET", SK).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = robot.received();
    assert_eq!(got.len(), 1);
    let q = query(&got[0]);
    assert_eq!(q.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["access_token", "timestamp", "sign"]);
    assert_eq!(q[0].1, HOOK_TOKEN);
    let timestamp: u128 = q[1].1.parse().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis();
    assert!(now.abs_diff(timestamp) < 60_000, "timestamp {timestamp} is not now ({now}) in ms");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SK.as_bytes());
    let want = STANDARD.encode(ring::hmac::sign(&key, format!("{timestamp}\n{SK}").as_bytes()).as_ref());
    assert_eq!(q[2].1, want, "the sign");
    // URL-encoded in the query: no raw `+` or `/` of base64.
    let raw = got[0].target.split("sign=").nth(1).unwrap();
    assert!(!raw.contains(['+', '/']), "{raw}");
    assert!(!got[0].body.contains(SK), "the secret itself is never sent");
}

#[test]
fn a_message_that_may_have_arrived_is_never_sent_again() {
    let robot = Server::script(vec![Reply::json(200, OK).delay(Duration::from_secs(3))]);
    let out = direct(&robot).env("INPUT_TIMEOUT", "0.5").env("INPUT_RETRIES", "2").run();
    assert_eq!(robot.received().len(), 1, "{}", out.stderr);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no answer from http://127.0.0.1:"), "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l
            == "hint: the message may or may not have reached the group: it was sent, but no readable answer came; \
                it is not sent again, which could post it twice"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_refusal_gets_the_same_hints_as_through_the_relay_and_is_not_retried() {
    let robot = Server::script(vec![Reply::json(200, r#"{"errcode":310000,"errmsg":"keywords not in content"}"#)]);
    let out = direct(&robot).env("INPUT_RETRIES", "2").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(robot.received().len(), 1);
    assert!(
        out.stderr.contains(r#"error: DingTalk refused the message: errcode 310000, errmsg "keywords not in content""#),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: DingTalk errcode 310000: the message lacks the robot's security keyword"),
        "{}",
        out.stderr
    );
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("code").as_deref(), Some("310000"));
    assert_eq!(out.output("msg").as_deref(), Some("keywords not in content"));
}

#[test]
fn a_text_message_failing_after_the_summary_went_out_is_reported_so_and_the_summary_not_resent() {
    let robot = Server::script(vec![
        Reply::json(200, OK),
        Reply::text(503, "busy"),
        Reply::json(200, r#"{"errcode":300001,"errmsg":"token is not exist"}"#),
    ]);
    let out = direct(&robot).env("INPUT_MESSAGE", "deployed").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = robot.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].json()["msgtype"], "markdown");
    assert_eq!(got[1].json()["msgtype"], "text", "the retry resent the summary");
    assert_eq!(got[2].json()["msgtype"], "text");
    assert!(out.stderr.contains("attempt 1 of 3 failed (DingTalk answered HTTP 503)"), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "error: the summary was sent, but the text message was not: DingTalk refused the message: errcode 300001"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: DingTalk errcode 300001: the robot's access_token in `webhook` is wrong"),
        "{}",
        out.stderr
    );
    assert_eq!(out.output("sent").as_deref(), Some("true"));
}

#[test]
fn transport_kdocs_forces_the_relay_and_transport_dingtalk_the_webhook() {
    let robot = Server::script(vec![Reply::json(200, OK)]);
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    // A KDocs token, yet `dingtalk`: the webhook alone is called.
    let out = direct(&robot)
        .env("INPUT_KDOCS_TOKEN", TOKEN)
        .env("INPUT_KDOCS_API_URL", &relay.url)
        .env("INPUT_TRANSPORT", "dingtalk")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!((robot.received().len(), relay.received().len()), (1, 0));
    assert!(
        out.stderr.contains("`transport` is `dingtalk`: the KDocs credentials given are not used"),
        "{}",
        out.stderr
    );
    // A dry run with a webhook alone shows the direct requests, secrets as `***`.
    let out = direct(&robot).env("INPUT_SECRET", SK).dry_run();
    let body = out.json();
    assert_eq!(body["transport"], "dingtalk");
    let url = body["requests"][0]["url"].as_str().unwrap();
    assert!(url.ends_with("/robot/send?access_token=***&timestamp=…&sign=***"), "{url}");
    assert_eq!(body["requests"][0]["body"]["msgtype"], "markdown");
    assert_eq!(robot.received().len(), 1, "a dry run sent something");
}

#[test]
fn dingtalks_errmsg_is_capped_and_cleaned_like_the_relays_msg() {
    // (A failure prints at most 1,000 characters of what it got.)
    let short = |s: &str| s.chars().take(1_000).collect::<String>();
    // 60,000 characters, and a line break that could start a workflow command.
    let errmsg = format!("line one\n::error::two {}", "x".repeat(60_000));
    let robot = Server::script(vec![Reply::json(200, &json!({"errcode": 777_777, "errmsg": errmsg}).to_string())]);
    let out = direct(&robot).run();
    assert_eq!(out.code, 1, "{}", short(&out.stderr));
    let error =
        out.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("{}", short(&out.stderr)));
    assert!(
        error.starts_with(r#"error: DingTalk refused the message: errcode 777777, errmsg "line one ::error::two xxx"#),
        "{}",
        short(error)
    );
    assert!(error.ends_with("…\""), "{}", short(error));
    assert!(out.stderr.len() < 2_000, "{} bytes on stderr", out.stderr.len());
    assert!(out.stdout.len() < 2_000, "{} bytes on stdout", out.stdout.len());
    assert!(out.outputs.len() < 2_000, "{} bytes in GITHUB_OUTPUT", out.outputs.len());
    assert_eq!(out.output("code").as_deref(), Some("777777"));
    let msg = out.output("msg").unwrap();
    assert!(msg.starts_with("line one ::error::two xxx") && msg.ends_with('…'), "{}", short(&msg));
    assert_eq!(msg.chars().count(), 301, "{}", short(&msg));
    // Accepted with a long errmsg: the output is capped too.
    let robot =
        Server::script(vec![Reply::json(200, &json!({"errcode": 0, "errmsg": "y".repeat(60_000)}).to_string())]);
    let out = direct(&robot).run();
    assert_eq!(out.code, 0, "{}", short(&out.stderr));
    assert_eq!(out.output("msg").map(|m| short(&m)), Some(format!("{}…", "y".repeat(300))));
}

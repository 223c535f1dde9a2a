//! KDocs tokens that renew themselves, the first tokens from `kdocs-auth`, and a DingTalk
//! refusal hidden in a relay success.

use serde_json::json;

use crate::support::*;

/// A push on GitHub with the three renewal settings and no `kdocs_token`.
fn renewing(relay: &str) -> Run {
    Run::github("push", "github/push.branch.json", relay)
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_KDOCS_APP_ID", APP_ID)
        .env("INPUT_KDOCS_APP_KEY", APP_KEY)
        .env("INPUT_KDOCS_REFRESH_TOKEN", REFRESH_TOKEN)
        .env("DINGTALK_LANG", "en")
}

/// A renewal answer giving [`RENEWED`], with the refresh token living `refresh_secs` more.
fn renewed(refresh_secs: u64) -> Reply {
    Reply::json(
        200,
        &json!({"code": 0, "data": {"access_token": RENEWED, "expires_in": 86400,
                 "refresh_token": REFRESH_TOKEN, "refresh_expires_in": refresh_secs}})
        .to_string(),
    )
}

fn assert_renewal_call(r: &Received) {
    assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", format!("{REFRESH_PATH}?app_id={APP_ID}").as_str()));
    assert_eq!(r.json(), json!({"app_key": APP_KEY, "refresh_token": REFRESH_TOKEN}));
}

fn assert_send_with(r: &Received, token_encoded: &str) {
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", format!("{PATH}?access_token={token_encoded}").as_str())
    );
}

#[test]
fn each_run_renews_the_token_first_and_sends_with_the_new_one() {
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) { renewed(90 * 86400) } else { Reply::json(200, r#"{"code":0}"#) }
    });
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_renewal_call(&got[0]);
    assert_send_with(&got[1], RENEWED_ENCODED);
    assert_eq!(got[1].json()["link"], webhook());
    // Masked on GitHub as soon as it is known, and its lifetime reported as a fact.
    assert!(out.stdout.contains(&format!("::add-mask::{RENEWED}")), "{}", out.stdout);
    assert!(out.stderr.contains("renewed the KDocs access token (valid for 24 h)"), "{}", out.stderr);
    assert!(!out.stderr.contains("refresh token expires"), "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("true"));
}

#[test]
fn a_refresh_token_near_its_end_gives_a_warning_with_the_date() {
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) { renewed(3 * 86400 + 60) } else { Reply::json(200, r#"{"code":0}"#) }
    });
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warning =
        out.stderr.lines().find(|l| l.contains("refresh token expires")).unwrap_or_else(|| panic!("{}", out.stderr));
    assert!(warning.starts_with("warning: the KDocs refresh token expires in 3 days, on 20"), "{warning}");
    assert!(warning.contains("UTC: authorize again with `dingtalk-notify kdocs-auth`"), "{warning}");
    assert!(out.stdout.contains("::warning title=dingtalk-notify::the KDocs refresh token expires"), "{}", out.stdout);
}

#[test]
fn a_refused_renewal_fails_with_a_hint_to_authorize_again_and_sends_nothing() {
    // The answer echoes what it got: none of it may be printed.
    let echo =
        json!({"code": 20003, "msg": format!("invalid refresh_token {REFRESH_TOKEN} for key {APP_KEY}")}).to_string();
    let relay = Server::script(vec![Reply::json(200, &echo)]);
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got = relay.received();
    assert_eq!(got.len(), 1, "sent after a refused renewal: {got:?}");
    assert_renewal_call(&got[0]);
    assert!(
        out.stderr.starts_with(
            "error: KDocs refused to renew the access token: code 20003, msg \"invalid refresh_token *** for key ***\""
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint: KDocs did not accept the refresh token, the app id or the app key: authorize again with `dingtalk-notify kdocs-auth`"), "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("code").as_deref(), Some("20003"));
}

#[test]
fn an_expired_given_token_is_renewed_once_and_the_message_sent_again() {
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) {
            renewed(90 * 86400)
        } else if r.target.ends_with(TOKEN_ENCODED) {
            Reply::json(401, r#"{"code":401,"msg":"access_token expired"}"#)
        } else {
            Reply::json(200, r#"{"code":0,"msg":"ok"}"#)
        }
    });
    let out = renewing(&relay.url).env("INPUT_KDOCS_TOKEN", TOKEN).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_send_with(&got[0], TOKEN_ENCODED);
    assert_renewal_call(&got[1]);
    assert_send_with(&got[2], RENEWED_ENCODED);
    assert_eq!(got[0].body, got[2].body, "the same message is sent again");
    assert!(out.stderr.contains("the KDocs token was refused as invalid or expired"), "{}", out.stderr);
    assert_eq!(out.output("msg").as_deref(), Some("ok"));
}

#[test]
fn a_given_token_that_works_is_not_renewed_and_a_renewed_one_refused_is_not_renewed_again() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = renewing(&relay.url).env("INPUT_KDOCS_TOKEN", TOKEN).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1);
    // Refused, renewed, refused again: one renewal only, then the failure.
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) {
            renewed(90 * 86400)
        } else {
            Reply::json(401, r#"{"code":401,"msg":"invalid token"}"#)
        }
    });
    let out = renewing(&relay.url).env("INPUT_KDOCS_TOKEN", TOKEN).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.received().len(), 3, "{:?}", relay.received());
    assert!(out.stderr.contains("error: the relay answered HTTP 401"), "{}", out.stderr);
}

#[test]
fn a_renewal_that_meets_a_503_is_retried() {
    let relay = Server::start(|r| match (r.index, r.target.starts_with(REFRESH_PATH)) {
        (0, true) => Reply::text(503, "busy"),
        (_, true) => renewed(90 * 86400),
        _ => Reply::json(200, r#"{"code":0}"#),
    });
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = relay.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_renewal_call(&got[0]);
    assert_renewal_call(&got[1]);
    assert_send_with(&got[2], RENEWED_ENCODED);
    assert!(out.stderr.contains("attempt 1 of 3 failed (the KDocs token renewal answered HTTP 503)"), "{}", out.stderr);
}

#[test]
fn a_relay_that_echoes_the_renewed_token_cannot_leak_it() {
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) {
            renewed(90 * 86400)
        } else {
            Reply::json(
                400,
                &json!({"code": 1, "msg": format!("bad request {}", r.target), "hint": RENEWED}).to_string(),
            )
        }
    });
    // `run` fails the test if any secret, the renewed token included, reaches an output.
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("access_token=***"), "{}", out.stderr);
}

#[test]
fn a_dingtalk_refusal_inside_a_relay_success_is_a_failure_reported_with_dingtalks_answer() {
    let relay = Server::script(vec![Reply::json(
        200,
        r#"{"code":0,"msg":"success","data":{"errcode":310000,"errmsg":"keywords not in content"}}"#,
    )]);
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("INPUT_RETRIES", "2")
        .env("DINGTALK_LANG", "en")
        .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.relay_calls().len(), 1, "a refusal is not retried");
    // DingTalk's errcode and errmsg, not the relay's "code 0, msg success".
    assert_eq!(
        out.stderr.lines().next(),
        Some(
            "error: DingTalk refused the message: errcode 310000, errmsg \"keywords not in content\" (passed on by the \
             relay, which answered code 0)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: DingTalk errcode 310000: the message lacks the robot's security keyword: set `keyword`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("code").as_deref(), Some("310000"));
    assert_eq!(out.output("msg").as_deref(), Some("keywords not in content"));

    // Wherever the refusal is in `data`: the one that says no.
    let relay = Server::script(vec![Reply::json(
        200,
        r#"{"code":0,"msg":"success","data":[{"errcode":0,"errmsg":"ok"},{"errcode":"400102","errmsg":"robot disabled"}]}"#,
    )]);
    let out = Run::github("push", "github/push.branch.json", &relay.url).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: DingTalk refused the message: errcode 400102, errmsg \"robot disabled\""),
        "{}",
        out.stderr
    );
    assert_eq!(out.output("code").as_deref(), Some("400102"));
    assert_eq!(out.output("msg").as_deref(), Some("robot disabled"));
}

/// The hint when the relay refuses a token renewed a moment ago.
const RENEWED_REFUSED: &str = "hint: the KDocs token was renewed just now and refused too: check the app's permissions \
                               on the KDocs developer console, or authorize again with `dingtalk-notify kdocs-auth` \
                               (README, \"KDocs token\") and update `kdocs_refresh_token`";

#[test]
fn a_renewed_token_that_is_refused_says_so_instead_of_asking_for_a_new_kdocs_token() {
    let refusing = || {
        Server::start(|r| {
            if r.target.starts_with(REFRESH_PATH) {
                renewed(90 * 86400)
            } else {
                Reply::json(401, r#"{"code":401,"msg":"access_token expired"}"#)
            }
        })
    };
    // Renewed first.
    let relay = refusing();
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.lines().any(|l| l == RENEWED_REFUSED), "{}", out.stderr);
    assert!(!out.stderr.contains("update `kdocs_token`"), "{}", out.stderr);
    // The given token refused, renewed, and the renewed one refused too.
    let relay = refusing();
    let out = renewing(&relay.url).env("INPUT_KDOCS_TOKEN", TOKEN).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.received().len(), 3);
    assert!(out.stderr.lines().any(|l| l == RENEWED_REFUSED), "{}", out.stderr);
    assert!(!out.stderr.contains("update `kdocs_token`"), "{}", out.stderr);
    // The renewed token refused in words, with a 200.
    let relay = Server::start(|r| {
        if r.target.starts_with(REFRESH_PATH) {
            renewed(90 * 86400)
        } else {
            Reply::json(200, r#"{"code":40001,"msg":"access_token invalid"}"#)
        }
    });
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.lines().any(|l| l == RENEWED_REFUSED), "{}", out.stderr);
}

#[test]
fn kdocs_auth_prints_the_authorization_url() {
    let out = Run::new()
        .arg("kdocs-auth")
        .args(&["--app-id", APP_ID, "--redirect-uri", "https://example.com/cb?x=1", "--scope", "a,b"])
        .env("DINGTALK_KDOCS_API_URL", "http://127.0.0.1:9/")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let want = format!(
        "http://127.0.0.1:9/h5/auth?app_id={APP_ID}&scope=a%2Cb&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1&state=dingtalk-notify"
    );
    assert!(out.stdout.contains(&want), "{}", out.stdout);
    // Without what it needs, it says which flag.
    let out = Run::new().arg("kdocs-auth").args(&["--app-id", APP_ID]).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("`--redirect-uri`"), "{}", out.stderr);
    let help = Run::new().arg("--help").run();
    assert!(help.stdout.contains("dingtalk-notify kdocs-auth"), "{}", help.stdout);
}

#[test]
fn kdocs_auth_exchanges_a_code_for_the_tokens_and_prints_them_on_purpose() {
    let kdocs = Server::script(vec![Reply::json(
        200,
        r#"{"code":0,"data":{"access_token":"firstACCESStoken1","expires_in":86400,"refresh_token":"firstREFRESHtoken","refresh_expires_in":7776000}}"#,
    )]);
    let out = Run::new()
        .env("DINGTALK_LANG", "en")
        .arg("kdocs-auth")
        .args(&["--app-id", APP_ID, "--code", "c0de"])
        .env("DINGTALK_KDOCS_APP_KEY", APP_KEY)
        .env("DINGTALK_KDOCS_API_URL", &kdocs.url)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = kdocs.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "GET");
    assert_eq!(got[0].target, format!("/api/v1/oauth2/access_token?app_id={APP_ID}&app_key={APP_KEY}&code=c0de"));
    assert!(out.stdout.contains("access_token:  firstACCESStoken1  (valid for 24 h"), "{}", out.stdout);
    assert!(out.stdout.contains("refresh_token: firstREFRESHtoken  (valid for 90 days"), "{}", out.stdout);
    assert!(
        out.stdout.contains("KDOCS_REFRESH_TOKEN") && out.stdout.contains("DINGTALK_KDOCS_REFRESH_TOKEN"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("prints the tokens below ON PURPOSE"), "{}", out.stderr);
    // A refused code: exit 1, with what to do.
    let kdocs = Server::script(vec![Reply::json(200, r#"{"code":20001,"msg":"invalid code"}"#)]);
    let out = Run::new()
        .env("DINGTALK_LANG", "en")
        .arg("kdocs-auth")
        .args(&["--app-id", APP_ID, "--code", "old"])
        .env("DINGTALK_KDOCS_APP_KEY", APP_KEY)
        .env("DINGTALK_KDOCS_API_URL", &kdocs.url)
        .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("KDocs refused the authorization code: code 20001"), "{}", out.stderr);
    assert!(out.stderr.contains("works once and for 5 minutes"), "{}", out.stderr);
}

#[test]
fn a_bare_robot_token_is_completed_to_dingtalks_url() {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_WEBHOOK", HOOK_TOKEN)
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(relay.relay_calls()[0].json()["link"], webhook());
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=")
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: `webhook` (from INPUT_WEBHOOK) has an empty `access_token`"),
        "{}",
        out.stderr
    );
    assert_eq!(relay.received().len(), 1, "a usage error sent a request");
}

#[test]
fn a_dry_run_with_every_kind_of_secret_shows_none() {
    let out = renewing(NO_RELAY).env("INPUT_KDOCS_TOKEN", TOKEN).env("INPUT_SECRET", SK).dry_run();
    assert_eq!(out.json()["link"], "https://oapi.dingtalk.com/robot/send?access_token=***");
    assert_eq!(out.json()["sk"], "***");
    for secret in [TOKEN, APP_KEY, REFRESH_TOKEN] {
        // A dry run's masks are on stderr: stdout is the JSON alone.
        assert!(out.stderr.contains(&format!("::add-mask::{secret}")), "{secret} not masked: {}", out.stderr);
    }
}

/// The error line for a token answer whose `field` is not a token.
fn not_a_token(field: &str) -> String {
    format!(
        "error: KDocs answered code 0, but `{field}` is not a token (shorter than 16 characters, or with spaces or \
         control characters)"
    )
}

#[test]
fn a_renewed_token_too_short_or_blank_is_no_token_and_nothing_is_sent_or_masked_with_it() {
    for bad in ["e", "   ", "renewed token with spaces", "renewedTOKENlong\u{1b}[31m"] {
        let answer = json!({"code": 0, "data": {"access_token": bad, "expires_in": 86400}}).to_string();
        let relay = Server::start(move |r| {
            if r.target.starts_with(REFRESH_PATH) {
                Reply::json(200, &answer)
            } else {
                Reply::json(200, r#"{"code":0}"#)
            }
        });
        let out = renewing(&relay.url).run();
        assert_eq!(out.code, 1, "{bad:?}: {}", out.stderr);
        let got = relay.received();
        assert_eq!(got.len(), 1, "{bad:?}: sent with a token that is none: {got:?}");
        assert_renewal_call(&got[0]);
        assert_eq!(out.stderr.lines().next(), Some(not_a_token("data.access_token").as_str()), "{bad:?}");
        // Only the settings' own secrets are masked.
        for masked in out.stdout.lines().filter_map(|l| l.strip_prefix("::add-mask::")) {
            assert!([APP_KEY, REFRESH_TOKEN, HOOK_TOKEN].contains(&masked), "{bad:?}: {}", out.stdout);
        }
        assert!(!out.stderr.contains('\u{1b}'), "{bad:?}: {}", out.stderr);
        assert_eq!(out.output("sent").as_deref(), Some("false"));
    }
}

#[test]
fn a_renewed_refresh_token_that_is_no_token_is_neither_masked_nor_taken() {
    let answer =
        json!({"code": 0, "data": {"access_token": RENEWED, "refresh_token": "e", "expires_in": 86400}}).to_string();
    let relay = Server::start(move |r| {
        if r.target.starts_with(REFRESH_PATH) { Reply::json(200, &answer) } else { Reply::json(200, r#"{"code":0}"#) }
    });
    let out = renewing(&relay.url).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(relay.received().len(), 1);
    assert_eq!(out.stderr.lines().next(), Some(not_a_token("data.refresh_token").as_str()));
    for masked in out.stdout.lines().filter_map(|l| l.strip_prefix("::add-mask::")) {
        assert!([APP_KEY, REFRESH_TOKEN, HOOK_TOKEN].contains(&masked), "{}", out.stdout);
    }
}

#[test]
fn kdocs_auth_prints_no_control_character_from_the_token_endpoint() {
    for (access, refresh, field) in [
        ("firstACCESStoken\n::warning::pwned", "firstREFRESHtoken", "data.access_token"),
        ("firstACCESStoken1", "\u{1b}]0;title\u{7}firstREFRESHtoken", "data.refresh_token"),
    ] {
        let body = json!({"code": 0, "data": {"access_token": access, "refresh_token": refresh, "expires_in": 86400}});
        let kdocs = Server::script(vec![Reply::json(200, &body.to_string())]);
        let out = Run::new()
            .arg("kdocs-auth")
            .args(&["--app-id", APP_ID, "--code", "c0de"])
            .env("DINGTALK_KDOCS_APP_KEY", APP_KEY)
            .env("DINGTALK_KDOCS_API_URL", &kdocs.url)
            .env("DINGTALK_LANG", "en")
            .run();
        assert_eq!(out.code, 1, "{field}: {}", out.stderr);
        assert_eq!(out.stderr.lines().next(), Some(not_a_token(field).as_str()), "{field}");
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains("::warning::") && !text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
        }
    }
}

#[test]
fn a_webhooks_password_is_masked_and_never_shown() {
    // A proxy in front of DingTalk that wants a login: its password is a secret as the token is.
    let webhook = format!("https://alice:pr0xy%2FPASSword@proxy.example.com/robot/send?access_token={HOOK_TOKEN}");
    let out = Run::github("push", "github/push.branch.json", NO_RELAY).env("INPUT_WEBHOOK", &webhook).dry_run();
    // As given and decoded; a workflow command writes `%` as `%25`, and GitHub reads it back.
    for (secret, command) in [("pr0xy%2FPASSword", "pr0xy%252FPASSword"), ("pr0xy/PASSword", "pr0xy/PASSword")] {
        assert!(out.stderr.contains(&format!("::add-mask::{command}\n")), "{secret} not masked: {}", out.stderr);
        let said = out.stderr.replace(&format!("::add-mask::{command}\n"), "");
        for text in [&out.stdout, &said, &out.outputs] {
            assert!(!text.contains(secret), "{secret} shown:\n{text}");
        }
    }
}

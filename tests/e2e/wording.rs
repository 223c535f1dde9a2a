//! The exact words of a few messages that were wrong: each names who answered, the setting or
//! variable to check, and nothing it should not show.

use serde_json::json;

use crate::support::*;

const GH_TOKEN: &str = "ghTOKENsEcReT7";

/// A GitHub push whose one API call is for the previous run, on `server` (which is the relay too).
fn with_api(server: &Server, base: &str) -> Run {
    Run::github("push", "github/push.branch.json", &server.url)
        .env("INPUT_STATUS", "success")
        .env("GITHUB_API_URL", base)
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_REF", "refs/heads/main")
        .env("GITHUB_REF_NAME", "main")
        .env("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/heads/main")
        .env("INPUT_GITHUB_TOKEN", GH_TOKEN)
        .env("INPUT_JOBS", r#"{"build": "success"}"#)
        .env("INPUT_STARTED_AT", "1718097249")
        .env("INPUT_RETRIES", "0")
}

/// A relay that says yes, and an API that answers `api`.
fn relay_and_api(api: Reply) -> Server {
    Server::start(move |r| if r.target.starts_with(PATH) { Reply::json(200, r#"{"code":0}"#) } else { api.clone() })
}

fn warnings(out: &Output) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.starts_with("warning:")).collect()
}

#[test]
fn an_api_page_too_large_names_the_api_and_its_variable() {
    let server = relay_and_api(Reply::json(200, &" ".repeat(17 << 20)));
    let out = with_api(&server, &format!("{}/api/v3", server.url)).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        warnings(&out),
        [format!(
            "warning: cannot read the previous run from the GitHub API: the GitHub API answered HTTP 200 with more \
             than 16 MiB, far more than its answers hold: check `GITHUB_API_URL` ({}); the notification goes on \
             without it",
            server.url
        )]
    );
}

#[test]
fn a_spent_rate_limit_names_the_api_once() {
    let spent = Reply::json(403, r#"{"message":"API rate limit exceeded"}"#).header("x-ratelimit-remaining", "0");
    let server = relay_and_api(spent);
    let out = with_api(&server, &format!("{}/api/v3", server.url)).env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warnings = warnings(&out);
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(
        warnings[0].starts_with(
            "warning: cannot read the previous run from the GitHub API: the GitHub API's rate limit is spent (HTTP 403); "
        ),
        "{}",
        warnings[0]
    );
}

#[test]
fn an_api_url_that_is_not_http_is_named_as_given() {
    let server = relay_and_api(Reply::json(500, "{}"));
    let out = with_api(&server, "file:///etc/api").unset("INPUT_JOBS").env("DINGTALK_LANG", "en").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        warnings(&out),
        ["warning: cannot read the run's jobs from the GitHub API: cannot connect to file:///etc/api (not an \
          http(s) URL): check GITHUB_API_URL, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy; the \
          notification goes on without it"]
    );
    assert_eq!(server.received().len(), 1, "only the relay is called");
}

#[test]
fn a_token_lifetime_past_any_real_one_is_not_counted_in_days() {
    let answer = json!({"code": 0, "data": {"access_token": RENEWED, "expires_in": u64::MAX}}).to_string();
    let relay = Server::start(move |r| {
        if r.target.starts_with(REFRESH_PATH) { Reply::json(200, &answer) } else { Reply::json(200, r#"{"code":0}"#) }
    });
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_KDOCS_APP_ID", APP_ID)
        .env("INPUT_KDOCS_APP_KEY", APP_KEY)
        .env("INPUT_KDOCS_REFRESH_TOKEN", REFRESH_TOKEN)
        .env("DINGTALK_LANG", "en")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l == "renewed the KDocs access token (valid for more than 10 years)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_dry_run_hides_the_user_and_password_of_a_webhook() {
    let out = Run::github("push", "github/push.branch.json", NO_RELAY)
        .env("INPUT_WEBHOOK", &format!("https://robot:pa55word@oapi.dingtalk.com/robot/send?access_token={HOOK_TOKEN}"))
        .dry_run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["link"], "https://***@oapi.dingtalk.com/robot/send?access_token=***");
    // The password is masked (its `::add-mask::` line is GitHub's to read), and shown nowhere.
    assert!(out.stderr.contains("::add-mask::pa55word\n"), "{}", out.stderr);
    let said = out.stderr.replace("::add-mask::pa55word\n", "");
    for text in [&out.stdout, &said] {
        assert!(!text.contains("pa55word") && !text.contains("robot:"), "{text}");
    }
}

#[test]
fn errcode_zero_with_spaces_is_success_straight_to_dingtalk_as_through_the_relay() {
    let robot = Server::script(vec![Reply::json(200, r#"{"errcode":"0 ","errmsg":"ok"}"#)]);
    let out = Run::github("push", "github/push.branch.json", NO_RELAY)
        .unset("INPUT_KDOCS_TOKEN")
        .env("INPUT_WEBHOOK", &format!("{}/robot/send?access_token={HOOK_TOKEN}", robot.url))
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(robot.received().len(), 1);
    assert_eq!(out.output("sent").as_deref(), Some("true"));
    let relay = Server::script(vec![Reply::json(200, r#"{"code":"0 ","data":{"errcode":"0 "}}"#)]);
    let out = Run::github("push", "github/push.branch.json", &relay.url).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.output("sent").as_deref(), Some("true"));
}

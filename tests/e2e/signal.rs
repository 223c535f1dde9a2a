//! Signal over noise: `notify_on`, `at_on`, the previous outcome (from the CI, the setting, and
//! GitHub's and GitLab's APIs on loopback), `users` and `at_author`, mention lists, and pull
//! requests that get no secrets.

use std::time::Duration;

use serde_json::{Value, json};

use crate::dotenv;
use crate::support::*;

const GH_TOKEN: &str = "ghTOKENsEcReT4";
const GL_TOKEN: &str = "glTOKENsEcReT5";

fn relay_ok() -> Server {
    Server::script(vec![Reply::json(200, r#"{"code":0,"msg":"ok"}"#)])
}

/// A GitHub push run with `status` and `previous_status` set.
fn push(relay: &str, status: &str, previous: &str) -> Run {
    Run::github("push", "github/push.branch.json", relay)
        .env("INPUT_STATUS", status)
        .env("INPUT_PREVIOUS_STATUS", previous)
}

fn env_file(rel: &str) -> Vec<(String, String)> {
    dotenv::parse(&std::fs::read_to_string(fixture(rel)).unwrap(), rel)
}

/// A run with a CI's env fixture, `changes` over it (empty unsets), and plain DINGTALK_* settings.
fn ci_run(rel: &str, changes: &[(&str, &str)], relay: &str) -> Run {
    let mut run = Run::new();
    for (k, v) in env_file(rel) {
        if !changes.iter().any(|(c, _)| *c == k) && !k.starts_with("PLUGIN_") {
            run = run.env(&k, &v);
        }
    }
    run.envs(changes.iter().copied().filter(|(_, v)| !v.is_empty()))
        .env("DINGTALK_KDOCS_TOKEN", TOKEN)
        .env("DINGTALK_WEBHOOK", &webhook())
        .env("DINGTALK_KDOCS_API_URL", relay)
}

fn assert_sent(out: &Output, relay: &Server) -> Value {
    assert_eq!(out.code, 0, "{}", out.stderr);
    let calls = relay.received().into_iter().filter(|r| r.target.starts_with(PATH)).collect::<Vec<_>>();
    assert_eq!(calls.len(), 1, "stderr: {}", out.stderr);
    calls[0].json()
}

fn assert_skipped(out: &Output, relay: &Server) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(relay.received().is_empty(), "a skipped run sent {:?}", relay.received().len());
    assert_eq!(out.output("sent").as_deref(), Some("false"));
    assert_eq!(out.output("skipped").as_deref(), Some("true"));
    let said = out.stderr.lines().filter(|l| l.starts_with("不发送：") || l.starts_with("not sending:"));
    assert_eq!(said.count(), 1, "{}", out.stderr);
}

#[test]
fn notify_on_each_word() {
    // (notify_on, status, previous_status, sent?)
    let cases = [
        ("always", "failure", "", true),
        ("success", "success", "", true),
        ("success", "failure", "", false),
        ("failure", "failure", "", true),
        ("failure", "success", "", false),
        ("cancelled", "cancelled", "", true),
        ("cancelled", "success", "", false),
        ("skipped", "skipped", "", true),
        ("skipped", "failure", "", false),
        ("unknown", "unknown", "", true),
        ("unknown", "success", "", false),
        ("fixed", "success", "failure", true),
        ("fixed", "success", "success", false),
        ("fixed", "success", "", false),
        ("broken", "failure", "success", true),
        ("broken", "failure", "failure", false),
        ("changed", "failure", "success", true),
        ("changed", "success", "failure", true),
        ("changed", "success", "success", false),
        ("failure，fixed", "success", "failed", true),
    ];
    for (on, status, previous, sent) in cases {
        let relay = relay_ok();
        let out = push(&relay.url, status, previous).env("INPUT_NOTIFY_ON", on).run();
        if sent {
            assert_sent(&out, &relay);
            assert_eq!(out.output("skipped").as_deref(), Some("false"), "{on} {status} {previous}");
        } else {
            assert_skipped(&out, &relay);
            assert!(out.stderr.contains(&format!("（`{status}`），上一次是")), "{on}: {}", out.stderr);
        }
    }
}

#[test]
fn at_on_each_word() {
    let cases = [
        ("always", "success", "", true),
        ("failure", "failure", "", true),
        ("failure", "success", "", false),
        ("success", "success", "", true),
        ("cancelled", "cancelled", "", true),
        ("skipped", "success", "", false),
        ("unknown", "unknown", "", true),
        ("fixed", "success", "failure", true),
        ("fixed", "success", "", false),
        ("broken", "failure", "success", true),
        ("broken", "failure", "cancelled", false),
        ("changed", "success", "failure", true),
        ("changed", "failure", "failure", false),
    ];
    for (on, status, previous, mentioned) in cases {
        let relay = relay_ok();
        let out = push(&relay.url, status, previous)
            .env("INPUT_AT_ON", on)
            .env("INPUT_AT_MOBILES", "13800000001")
            .env("INPUT_AT_USER_IDS", "manager01")
            .env("INPUT_AT_ALL", "true")
            .env("INPUT_MESSAGE", "see the log")
            .run();
        let body = assert_sent(&out, &relay);
        let md = &body["data"][0];
        let (_, text) = markdown(&body);
        if mentioned {
            assert_eq!(md["at"], json!({"atMobiles": ["13800000001"], "atUserIds": ["manager01"], "isAtAll": true}));
            assert!(text.contains("@13800000001 @manager01"), "{on}: {text}");
        } else {
            assert!(md.get("at").is_none() && body["data"][1].get("at").is_none(), "{on}: {body}");
            assert!(!text.contains('@') && !body["data"][1]["text"]["content"].as_str().unwrap().contains('@'), "{on}");
        }
    }
}

#[test]
fn fixed_and_broken_from_drone_woodpecker_and_the_setting() {
    for (rel, status_var, prev_var) in [
        ("drone/push.env", "DRONE_BUILD_STATUS", "DRONE_PREV_BUILD_STATUS"),
        ("woodpecker/push.env", "CI_PIPELINE_STATUS", "CI_PREV_PIPELINE_STATUS"),
    ] {
        for (status, previous, on, sent) in [
            ("success", "failure", "fixed", true),
            ("success", "success", "fixed", false),
            ("failure", "success", "broken", true),
            ("failure", "failure", "broken", false),
        ] {
            let relay = relay_ok();
            let changes = [(status_var, status), (prev_var, previous), ("DINGTALK_NOTIFY_ON", on)];
            let out = ci_run(rel, &changes, &relay.url).run();
            if sent {
                let (title, text) = markdown(&assert_sent(&out, &relay));
                let (lead, shown) =
                    if on == "fixed" { ("✅ 已修复 · ", "已修复") } else { ("❌ 新失败 · ", "新失败") };
                assert!(title.starts_with(lead) && text.contains(shown), "{rel} {on}: {title}\n{text}");
            } else {
                assert_eq!(out.code, 0, "{}", out.stderr);
                assert!(relay.received().is_empty(), "{rel} {status} after {previous}");
            }
        }
    }
    // The setting wins over the CI's variable.
    let relay = relay_ok();
    let changes =
        [("DRONE_BUILD_STATUS", "success"), ("DRONE_PREV_BUILD_STATUS", "success"), ("DINGTALK_NOTIFY_ON", "fixed")];
    let out = ci_run("drone/push.env", &changes, &relay.url).env("DINGTALK_PREVIOUS_STATUS", "failed").run();
    assert_sent(&out, &relay);
}

/// A loopback server that is both the relay and GitHub's API (routed by path).
fn github_api(runs: Value, api_reply: Option<Reply>) -> Server {
    Server::start(move |r: &Received| {
        if r.target.starts_with(PATH) {
            Reply::json(200, r#"{"code":0}"#)
        } else if let Some(reply) = &api_reply {
            reply.clone()
        } else if r.target.starts_with("/api/v3/repos/o/r/actions/workflows/ci.yml/runs?") {
            Reply::json(200, &runs.to_string())
        } else {
            Reply::json(404, r#"{"message":"Not Found"}"#)
        }
    })
}

fn github_with_api(server: &Server) -> Run {
    push(&server.url, "success", "")
        .env("GITHUB_API_URL", &format!("{}/api/v3", server.url))
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_REF", "refs/heads/main")
        .env("GITHUB_REF_NAME", "main")
        .env("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/heads/main")
        .env("INPUT_GITHUB_TOKEN", GH_TOKEN)
        // The jobs and the start known, so that the previous run is the one thing the API is
        // asked (tests/e2e/pipeline.rs asks it for the jobs).
        .env("INPUT_JOBS", r#"{"build": "success"}"#)
        .env("INPUT_STARTED_AT", "1718097249")
}

#[test]
fn github_previous_run_from_the_api() {
    // Newest first: this run itself (a re-run's earlier attempt), a later run, then the previous one.
    let runs = json!({"total_count": 3, "workflow_runs": [
        {"id": 9_876_543_210_u64, "run_number": 77, "conclusion": "success"},
        {"id": 9_876_543_299_u64, "run_number": 78, "conclusion": "success"},
        {"id": 9_876_543_100_u64, "run_number": 76, "conclusion": "failure"},
    ]});
    let server = github_api(runs, None);
    let out = github_with_api(&server).env("INPUT_NOTIFY_ON", "fixed").run();
    out.assert_hidden(&[GH_TOKEN]);
    let (title, _) = markdown(&assert_sent(&out, &server));
    assert!(title.starts_with("✅ 已修复 · "), "{title}");
    let api = server.received().into_iter().find(|r| !r.target.starts_with(PATH)).unwrap();
    assert_eq!(api.method, "GET");
    assert_eq!(api.target, "/api/v3/repos/o/r/actions/workflows/ci.yml/runs?branch=main&status=completed&per_page=10");
    assert_eq!(api.header("authorization"), Some(format!("Bearer {GH_TOKEN}").as_str()));
    assert!(out.stderr.is_empty() || !out.stderr.contains("warning"), "{}", out.stderr);

    // The previous run succeeded too: no change, so `fixed` does not match.
    let runs = json!({"workflow_runs": [{"id": 1, "run_number": 70, "conclusion": "success"}]});
    let server = github_api(runs, None);
    let out = github_with_api(&server).env("INPUT_NOTIFY_ON", "fixed").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.output("skipped").as_deref(), Some("true"));
    assert!(out.stderr.contains("，上一次是成功（`success`），"), "{}", out.stderr);
}

/// A loopback relay and GitHub API that answers every list of a workflow's runs with `runs`.
fn any_workflow_api(runs: Value) -> Server {
    Server::start(move |r: &Received| {
        if r.target.starts_with(PATH) {
            Reply::json(200, r#"{"code":0}"#)
        } else if r.target.starts_with("/api/v3/repos/o/r/actions/workflows/") {
            Reply::json(200, &runs.to_string())
        } else {
            Reply::json(404, r#"{"message":"Not Found"}"#)
        }
    })
}

/// A notifier (its own workflow notify.yml, run 9876543210 #77, on main) started by `event`
/// with `file`'s payload changed by `change`, a GitHub token, and the API on `server`.
fn reporting_run(server: &Server, event: &str, file: &str, change: impl FnOnce(&mut Value)) -> Run {
    let run = Run::github(event, file, &server.url);
    let path = payload_from(&run, file, change);
    run.env("GITHUB_EVENT_PATH", &path)
        .env("GITHUB_API_URL", &format!("{}/api/v3", server.url))
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_REF", "refs/heads/main")
        .env("GITHUB_REF_NAME", "main")
        .env("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/notify.yml@refs/heads/main")
        .env("ACTION_JOB_STATUS", "success")
        .env("INPUT_GITHUB_TOKEN", GH_TOKEN)
        .env("INPUT_STARTED_AT", "1718097249")
}

#[test]
fn a_workflow_run_is_compared_with_the_previous_run_of_the_workflow_it_reports() {
    // The reported run is workflow 2823525's run 289782451 (#163) on master. Newest first: the
    // reported run itself, a later run, then the one before it.
    let runs = json!({"workflow_runs": [
        {"id": 289_782_451, "run_number": 163, "conclusion": "failure"},
        {"id": 289_782_999, "run_number": 164, "conclusion": "failure"},
        {"id": 289_782_000, "run_number": 162, "conclusion": "success"},
    ]});
    let server = any_workflow_api(runs);
    let file = "github/workflow_run.completed-success.json";
    let out = reporting_run(&server, "workflow_run", file, |v| v["workflow_run"]["conclusion"] = "failure".into())
        .env("INPUT_JOBS", r#"{"test": "failure"}"#)
        .env("INPUT_NOTIFY_ON", "broken")
        .run();
    out.assert_hidden(&[GH_TOKEN]);
    let (title, _) = markdown(&assert_sent(&out, &server));
    assert!(title.starts_with("❌ 新失败 · "), "{title}");
    let api: Vec<Received> = server.received().into_iter().filter(|r| !r.target.starts_with(PATH)).collect();
    assert_eq!(api.len(), 1, "{}", out.stderr);
    assert_eq!(
        api[0].target,
        "/api/v3/repos/o/r/actions/workflows/2823525/runs?branch=master&status=completed&per_page=10"
    );

    // Without the workflow's id, its file.
    let server = any_workflow_api(json!({"workflow_runs": [{"id": 1, "run_number": 160, "conclusion": "failure"}]}));
    let out = reporting_run(&server, "workflow_run", file, |v| {
        v["workflow_run"]["conclusion"] = "failure".into();
        v["workflow_run"].as_object_mut().unwrap().remove("workflow_id");
    })
    .env("INPUT_JOBS", r#"{"test": "failure"}"#)
    .run();
    let (title, _) = markdown(&assert_sent(&out, &server));
    assert!(title.starts_with("❌ 失败 · octo-repo"), "no change after a failure: {title}");
    let api: Vec<Received> = server.received().into_iter().filter(|r| !r.target.starts_with(PATH)).collect();
    assert_eq!(api.len(), 1, "{}", out.stderr);
    assert!(
        api[0].target.starts_with("/api/v3/repos/o/r/actions/workflows/test.yml/runs?branch=master&"),
        "{}",
        api[0].target
    );
}

#[test]
fn events_about_a_check_a_job_a_deployment_or_a_status_ask_for_no_previous_run() {
    for (event, file) in [
        ("check_run", "github/check_run.completed-failure.json"),
        ("check_suite", "github/check_suite.completed-success.json"),
        ("workflow_job", "github/workflow_job.completed-failure.json"),
        ("deployment_status", "github/deployment_status.success.json"),
        ("status", "github/status.success.json"),
    ] {
        let server =
            any_workflow_api(json!({"workflow_runs": [{"id": 1, "run_number": 1, "conclusion": "cancelled"}]}));
        let out = reporting_run(&server, event, file, |_| {}).env("INPUT_JOBS", r#"{"build": "success"}"#).run();
        let (title, _) = markdown(&assert_sent(&out, &server));
        assert!(
            !title.contains("已修复") && !title.contains("新失败"),
            "{event}: no change without a previous run: {title}"
        );
        let api: Vec<String> =
            server.received().into_iter().filter(|r| !r.target.starts_with(PATH)).map(|r| r.target).collect();
        assert!(api.is_empty(), "{event}: {api:?}");
    }
}

#[test]
fn github_api_failures_are_one_warning_and_the_message_still_goes() {
    for (reply, says) in [
        (Reply::json(401, r#"{"message":"Bad credentials"}"#), "refused `github_token` (HTTP 401)"),
        (Reply::json(404, r#"{"message":"Not Found"}"#), "`permissions: actions: read`"),
        (
            Reply::json(403, r#"{"message":"API rate limit exceeded"}"#).header("x-ratelimit-remaining", "0"),
            "rate limit is spent (HTTP 403)",
        ),
        (Reply::json(200, "{}").delay(Duration::from_secs(3)), "no answer from"),
    ] {
        let server = github_api(json!({}), Some(reply));
        let out = github_with_api(&server)
            .env("INPUT_TIMEOUT", "0.5")
            .env("INPUT_RETRIES", "0")
            .env("DINGTALK_LANG", "en")
            .run();
        out.assert_hidden(&[GH_TOKEN]);
        assert_sent(&out, &server);
        let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("warning:")).collect();
        assert_eq!(warnings.len(), 1, "{}", out.stderr);
        assert!(
            warnings[0].contains("cannot read the previous run from the GitHub API") && warnings[0].contains(says),
            "{says}: {}",
            warnings[0]
        );
        assert!(warnings[0].ends_with("the notification goes on without it"), "{}", warnings[0]);
    }
}

#[test]
fn without_an_api_token_no_api_call_is_made() {
    let server = github_api(json!({}), None);
    let out = github_with_api(&server).unset("INPUT_GITHUB_TOKEN").run();
    assert_sent(&out, &server);
    assert_eq!(server.received().len(), 1, "only the relay was called");
}

/// A loopback server that is both the relay and GitLab's API.
fn gitlab_api(pipelines: Value, status: u16) -> Server {
    Server::start(move |r: &Received| {
        if r.target.starts_with(PATH) {
            Reply::json(200, r#"{"code":0}"#)
        } else if status != 200 {
            Reply::json(status, r#"{"message":"401 Unauthorized"}"#)
        } else if r.target.starts_with("/api/v4/projects/4242/pipelines?") {
            Reply::json(200, &pipelines.to_string())
        } else {
            Reply::json(404, r#"{"message":"404 Not Found"}"#)
        }
    })
}

#[test]
fn gitlab_previous_pipeline_from_the_api() {
    let pipelines = json!([
        {"id": 1_187_345, "status": "success"},
        {"id": 1_187_300, "status": "failed"},
    ]);
    let server = gitlab_api(pipelines, 200);
    let api = format!("{}/api/v4", server.url);
    // The jobs known, so that the previous pipeline is the one thing the API is asked.
    let changes = [
        ("CI_API_V4_URL", api.as_str()),
        ("DINGTALK_GITLAB_TOKEN", GL_TOKEN),
        ("DINGTALK_NOTIFY_ON", "fixed"),
        ("DINGTALK_JOBS", r#"{"build": "success"}"#),
    ];
    let out = ci_run("gitlab/push.env", &changes, &server.url).run();
    out.assert_hidden(&[GL_TOKEN]);
    let (title, _) = markdown(&assert_sent(&out, &server));
    assert!(title.starts_with("✅ 已修复 · "), "{title}");
    let call = server.received().into_iter().find(|r| !r.target.starts_with(PATH)).unwrap();
    assert_eq!(
        call.target,
        "/api/v4/projects/4242/pipelines?ref=main&scope=finished&order_by=id&sort=desc&per_page=10"
    );
    assert_eq!(call.header("private-token"), Some(GL_TOKEN));

    let server = gitlab_api(json!([]), 401);
    let api = format!("{}/api/v4", server.url);
    let changes = [
        ("CI_API_V4_URL", api.as_str()),
        ("DINGTALK_GITLAB_TOKEN", GL_TOKEN),
        ("DINGTALK_JOBS", r#"{"build": "success"}"#),
    ];
    let out = ci_run("gitlab/push.env", &changes, &server.url).env("DINGTALK_LANG", "en").run();
    out.assert_hidden(&[GL_TOKEN]);
    assert_sent(&out, &server);
    assert!(
        out.stderr.contains("warning: cannot read the previous pipeline from the GitLab API: the GitLab API refused `gitlab_token` (HTTP 401)"),
        "{}",
        out.stderr
    );
}

const USERS: &str = "toolmantim: 138 0000 0001\nCodertocat: codertocat_ding\ndkowalski@example.com: 13900000002\ndana.kowalski@example.com：13900000003\nDKOWALSKI: dana_ding";

fn assert_mentions(body: &Value, mobiles: &[&str], user_ids: &[&str]) {
    let at = &body["data"][0]["at"];
    let list = |k: &str| {
        at[k]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        (list("atMobiles"), list("atUserIds")),
        (mobiles.iter().map(|s| (*s).to_owned()).collect(), user_ids.iter().map(|s| (*s).to_owned()).collect()),
        "{body}"
    );
    let (_, text) = markdown(body);
    for who in mobiles.iter().chain(user_ids) {
        assert!(text.contains(&format!("@{who}")), "{who}: {text}");
    }
}

#[test]
fn at_author_on_a_push_a_pull_request_gitlab_and_drone() {
    // A push: the head commit's author (login `toolmantim`).
    let relay = relay_ok();
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_USERS", USERS)
        .env("INPUT_AT_AUTHOR", "true")
        .run();
    assert_mentions(&assert_sent(&out, &relay), &["13800000001"], &[]);

    // A pull request: its author, `Codertocat`, whoever pushed.
    let relay = relay_ok();
    let out = Run::github("pull_request", "github/pull_request.opened.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("GITHUB_ACTOR", "toolmantim")
        .env("INPUT_USERS", USERS)
        .env("INPUT_AT_AUTHOR", "true")
        .run();
    assert_mentions(&assert_sent(&out, &relay), &[], &["codertocat_ding"]);

    // GitLab: GITLAB_USER_LOGIN `dkowalski` (any case), before the commit author's email.
    let relay = relay_ok();
    let changes = [("DINGTALK_USERS", USERS), ("DINGTALK_AT_AUTHOR", "true")];
    let out = ci_run("gitlab/push.env", &changes, &relay.url).run();
    assert_mentions(&assert_sent(&out, &relay), &[], &["dana_ding"]);

    // Drone: DRONE_COMMIT_AUTHOR's email when the login is not mapped.
    let relay = relay_ok();
    let changes = [
        ("DINGTALK_USERS", "dana.kowalski@example.com：13900000003"),
        ("DINGTALK_AT_AUTHOR", "true"),
        ("DRONE_COMMIT_AUTHOR_EMAIL", "Dana.Kowalski@example.com"),
    ];
    let out = ci_run("drone/push.env", &changes, &relay.url).run();
    assert_mentions(&assert_sent(&out, &relay), &["13900000003"], &[]);

    // Nobody mapped: a notice, and the message goes without a mention.
    let relay = relay_ok();
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_USERS", "someone: 13800000009")
        .env("INPUT_AT_AUTHOR", "true")
        .run();
    let body = assert_sent(&out, &relay);
    assert!(body["data"][0].get("at").is_none(), "{body}");
    assert!(
        out.stderr.contains("notice: at_author: toolmantim / t@toolmantim.com / Tim Lucas is not in `users`"),
        "{}",
        out.stderr
    );
}

#[test]
fn mention_lists_are_normalized_and_bad_values_named() {
    let relay = relay_ok();
    let out = Run::github("push", "github/push.branch.json", &relay.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_AT_MOBILES", "138 0000 0001，+86 139-0000-0002、13800000001; 0000")
        .env("INPUT_AT_USER_IDS", "manager01、[x](http://evil) ; **bold**\nmanager01 user_2")
        .run();
    let body = assert_sent(&out, &relay);
    assert_mentions(&body, &["13800000001", "13900000002"], &["manager01", "user_2"]);
    let (_, text) = markdown(&body);
    assert!(!text.contains("evil") && !text.contains("**bold**") && !text.contains("@0000"), "{text}");
    for bad in [
        "`at_mobiles`: `0000` is not a mobile",
        "`at_user_ids`: `[x](http://evil)` is not a DingTalk userId",
        "`at_user_ids`: `**bold**`",
    ] {
        assert!(out.stderr.contains(bad), "{bad}: {}", out.stderr);
    }
}

#[test]
fn fork_and_bot_pull_requests_and_dependabots_runs_without_credentials_exit_0_and_send_nothing() {
    let server = relay_ok();
    for (who, change) in [
        (
            "the fork",
            Box::new(|v: &mut Value| v["pull_request"]["head"]["repo"]["full_name"] = "someone/Hello-World".into())
                as Box<dyn Fn(&mut Value)>,
        ),
        ("dependabot[bot]", Box::new(|v: &mut Value| v["pull_request"]["user"]["login"] = "dependabot[bot]".into())),
        ("renovate[bot]", Box::new(|v: &mut Value| v["pull_request"]["user"]["login"] = "renovate[bot]".into())),
    ] {
        let run =
            Run::github("pull_request", "github/pull_request.opened.json", &server.url).env("DINGTALK_LANG", "en");
        let path = payload_from(&run, "github/pull_request.opened.json", |v| change(v));
        let out = run
            .env("GITHUB_EVENT_PATH", &path)
            .env("INPUT_KDOCS_TOKEN", "")
            .env("INPUT_WEBHOOK", "")
            .env("INPUT_GITHUB_TOKEN", "")
            .env("INPUT_FAIL_ON_ERROR", "true")
            .run();
        assert_eq!(out.code, 0, "{who}: {}", out.stderr);
        assert!(server.received().is_empty(), "{who}: a request was made");
        assert_eq!(out.output("skipped").as_deref(), Some("true"));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.starts_with("not sending: a pull request") && out.stderr.contains(who), "{}", out.stderr);
    }
    // Any run Dependabot starts (a push to its branch, a re-run of one) gets no Actions secrets.
    for (var, event, file) in [
        ("GITHUB_ACTOR", "push", "github/push.branch.json"),
        ("GITHUB_TRIGGERING_ACTOR", "push", "github/push.branch.json"),
        ("GITHUB_ACTOR", "create", "github/create.branch.json"),
    ] {
        let out = Run::github(event, file, &server.url)
            .env("DINGTALK_LANG", "en")
            .env(var, "dependabot[bot]")
            .env("INPUT_KDOCS_TOKEN", "")
            .env("INPUT_WEBHOOK", "")
            .env("INPUT_GITHUB_TOKEN", "")
            .env("INPUT_FAIL_ON_ERROR", "true")
            .run();
        assert_eq!(out.code, 0, "{var} {event}: {}", out.stderr);
        assert!(server.received().is_empty(), "{var} {event}: a request was made");
        assert_eq!(out.output("skipped").as_deref(), Some("true"));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(out.stderr.starts_with("not sending: a run started by dependabot[bot]"), "{}", out.stderr);
    }
    // Renovate pushes as a user with the repository's secrets: its push is not excused.
    let out = Run::github("push", "github/push.branch.json", &server.url)
        .env("DINGTALK_LANG", "en")
        .env("GITHUB_ACTOR", "renovate[bot]")
        .env("INPUT_WEBHOOK", "")
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    // The same pull request from the repository itself: a missing credential stays a usage error.
    let out = Run::github("pull_request", "github/pull_request.opened.json", &server.url)
        .env("DINGTALK_LANG", "en")
        .env("INPUT_KDOCS_TOKEN", "")
        .env("INPUT_WEBHOOK", "")
        .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the input `webhook` is required: add `webhook: ${{ secrets.DINGTALK_WEBHOOK }}`"),
        "{}",
        out.stderr
    );
    assert!(server.received().is_empty());
}

/// A run that stops early still says what was wrong with the CI's data.
#[test]
fn a_skipped_run_still_warns_about_an_unreadable_event_file() {
    let relay = relay_ok();
    let out = push(&relay.url, "success", "success")
        .env("INPUT_NOTIFY_ON", "failure")
        .env("GITHUB_EVENT_PATH", "/nonexistent/event.json")
        .env("DINGTALK_LANG", "en")
        .run();
    assert_skipped(&out, &relay);
    assert!(out.stderr.contains("warning: cannot read the event file /nonexistent/event.json"), "{}", out.stderr);
}

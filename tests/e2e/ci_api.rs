//! Drone's, Woodpecker's and Jenkins' own APIs: the run's parts and outcome, its start and the
//! previous run, read with each CI's token (or, on Drone and Woodpecker, without one when the
//! status is otherwise unknown), each API faked on 127.0.0.1 with its own paths, fields,
//! pagination and refusals. The relay is a second server, so that each peer's requests count.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::dotenv;
use crate::support::*;

const DRONE_TOKEN: &str = "droneTOKENsEcReT7";
const WP_TOKEN: &str = "wpTOKENsEcReT8";
/// `user:apitoken`; its Basic form is `amVua2luczoxMWphbmtpbnNUT0tFTnNFY1JlVDk=`.
const JENKINS_TOKEN: &str = "jenkins:11jankinsTOKENsEcReT9";
const JENKINS_BASIC: &str = "Basic amVua2luczoxMWphbmtpbnNUT0tFTnNFY1JlVDk=";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The fixture `rel` as the whole environment but its plugin settings (each test says its
/// own), with `changes` (an empty value unsets), and the relay's settings as `DINGTALK_*`.
fn ci_run(rel: &str, changes: &[(&str, &str)], relay: &Server) -> Run {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    let mut run = dotenv::parse(&text, rel)
        .into_iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k) && !k.starts_with("PLUGIN_"))
        .fold(Run::new(), |run, (k, v)| run.env(&k, &v));
    for (k, v) in changes.iter().filter(|(_, v)| !v.is_empty()) {
        run = run.env(k, v);
    }
    run.env("DINGTALK_KDOCS_TOKEN", TOKEN).env("DINGTALK_WEBHOOK", &webhook()).env("DINGTALK_KDOCS_API_URL", &relay.url)
}

fn new_relay() -> Server {
    Server::script(vec![Reply::json(200, r#"{"code":0}"#)])
}

/// The one message the relay got: its title and text; no token in anything printed.
fn delivered(relay: &Server, out: &Output) -> (String, String) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.assert_hidden(&[DRONE_TOKEN, WP_TOKEN, JENKINS_TOKEN, "amVua2luczoxMWphbmtpbnNUT0tFTnNFY1JlVDk"]);
    let got = relay.relay_calls();
    assert_eq!(got.len(), 1, "{got:?}");
    markdown(&got[0].json())
}

fn warnings(out: &Output) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.contains("warning")).collect()
}

/// `host:port` of a server, as Drone's `DRONE_SYSTEM_HOST` gives it.
fn host(server: &Server) -> &str {
    server.url.strip_prefix("http://").unwrap()
}

// ---------------------------------------------------------------------------------------------
// Drone (harness/drone v2.25.0: core/build.go, stage.go, step.go; handler/api/repos/builds)

const DRONE_BUILD: &str = "/api/repos/acme/ci-notify/builds/57";
const DRONE_LIST: &str = "/api/repos/acme/ci-notify/builds?branch=main&page=";

/// Build 57 as Drone gives it while its `notify` step runs: two stages; `test` failed, `lint`
/// failed with `failure: ignore` (`errignore`), `deploy` waits.
fn drone_build(test: &str) -> String {
    json!({
        "id": 1057, "number": 57, "status": "running", "started": now() - 125,
        "stages": [
            {"number": 1, "name": "default", "status": "running", "steps": [
                {"number": 1, "name": "clone", "status": "success"},
                {"number": 2, "name": "test", "status": test},
                {"number": 3, "name": "lint-ignored", "status": "failure", "errignore": true},
                {"number": 4, "name": "notify", "status": "running"},
                {"number": 5, "name": "deploy", "status": "waiting_on_dependencies"}
            ]},
            {"number": 2, "name": "docs", "status": "success", "steps": [
                {"number": 1, "name": "build", "status": "success"}
            ]}
        ]
    })
    .to_string()
}

fn drone_run(api: &Server, relay: &Server, changes: &[(&str, &str)]) -> Run {
    let mut all = vec![("DRONE_SYSTEM_PROTO", "http"), ("DRONE_SYSTEM_HOST", host(api))];
    all.extend_from_slice(changes);
    ci_run("drone/push.env", &all, relay).env("DINGTALK_DRONE_TOKEN", DRONE_TOKEN)
}

/// Builds on `main`, newest first: `numbers` with `status` each.
fn drone_list(builds: &[(u64, &str)]) -> String {
    json!(builds.iter().map(|(n, s)| json!({"number": n, "status": s, "target": "main"})).collect::<Vec<_>>())
        .to_string()
}

#[test]
fn drone_api_steps_give_the_builds_status_and_the_failed_steps() {
    let api = Server::start(|r: &Received| {
        assert_eq!(r.header("authorization"), Some(format!("Bearer {DRONE_TOKEN}").as_str()), "{r:?}");
        match r.target.as_str() {
            DRONE_BUILD => Reply::json(200, &drone_build("failure")),
            t if t == format!("{DRONE_LIST}1&per_page=25") => {
                // This build, still running, comes first; then the previous one, passed.
                Reply::json(200, &drone_list(&[(57, "running"), (56, "success"), (55, "failure")]))
            }
            other => panic!("unexpected API call {other}"),
        }
    });
    let relay = new_relay();
    // DRONE_BUILD_STATUS is the runner's snapshot, and says success: the API knows better.
    let out = drone_run(&api, &relay, &[("DINGTALK_NOTIFY_ON", "broken")]).run();
    let (title, text) = delivered(&relay, &out);
    assert!(title.starts_with("❌ "), "{title}");
    assert!(text.contains("default/test"), "{text}");
    // The ignored failure, the notifying step and the waiting one are not named.
    for absent in ["lint-ignored", "notify", "deploy"] {
        assert!(!text.contains(&format!("default/{absent}")), "{absent}: {text}");
    }
    assert!(warnings(&out).is_empty(), "{}", out.stderr);
    let targets: Vec<String> = api.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [DRONE_BUILD.to_owned(), format!("{DRONE_LIST}1&per_page=25")]);
}

#[test]
fn drone_previous_build_is_paged_for_and_gives_fixed() {
    // A full first page of later builds on the branch (a re-run of an old build has a higher
    // number than this one), then the previous build on the second page.
    let later: Vec<(u64, &str)> = (0..25).map(|i| (82 - i, if i == 0 { "running" } else { "success" })).collect();
    let page1 = drone_list(&later);
    let api = Server::start(move |r: &Received| match r.target.as_str() {
        DRONE_BUILD => Reply::json(200, &drone_build("success")),
        t if t == format!("{DRONE_LIST}1&per_page=25") => Reply::json(200, &page1),
        t if t == format!("{DRONE_LIST}2&per_page=25") => {
            Reply::json(200, &drone_list(&[(57, "running"), (56, "killed"), (55, "success")]))
        }
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let out = drone_run(&api, &relay, &[("DINGTALK_NOTIFY_ON", "fixed")]).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    assert_eq!(api.received().len(), 3, "the build and two pages");

    // The same build after a success: not fixed, nothing sent.
    let api = Server::start(|r: &Received| match r.target.as_str() {
        DRONE_BUILD => Reply::json(200, &drone_build("success")),
        _ => Reply::json(200, &drone_list(&[(57, "running"), (56, "success")])),
    });
    let relay = new_relay();
    let out = drone_run(&api, &relay, &[("DINGTALK_NOTIFY_ON", "fixed")]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(relay.received().is_empty(), "{}", out.stderr);
    assert!(out.stderr.contains("，上一次是成功（`success`），"), "{}", out.stderr);
}

#[test]
fn drone_without_a_status_asks_a_public_repository_without_a_token() {
    let api = Server::start(|r: &Received| {
        assert_eq!(r.header("authorization"), None, "no token was given: {r:?}");
        match r.target.as_str() {
            DRONE_BUILD => Reply::json(200, &drone_build("success")),
            other => panic!("unexpected API call {other}"),
        }
    });
    let relay = new_relay();
    let unknown = [("DRONE_BUILD_STATUS", ""), ("DRONE_STAGE_STATUS", "")];
    let out = drone_run(&api, &relay, &unknown).unset("DINGTALK_DRONE_TOKEN").env("DINGTALK_LANG", "en").run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    // The status alone: without a token, the previous build is not asked.
    assert_eq!(api.received().len(), 1);

    // A private repository: one warning naming the setting, and the message still goes.
    let api = Server::script(vec![Reply::json(401, r#"{"message":"Unauthorized"}"#)]);
    let relay = new_relay();
    let out = drone_run(&api, &relay, &unknown).unset("DINGTALK_DRONE_TOKEN").env("DINGTALK_LANG", "en").run();
    delivered(&relay, &out);
    assert_eq!(
        warnings(&out),
        ["warning: cannot read the build's status and steps from the Drone API: it answered HTTP 401 to a call \
          without a token (a private repository, or a server that wants a login): set `drone_token`; the \
          notification goes on without it"],
    );
    assert_eq!(api.received().len(), 1);
}

#[test]
fn a_known_status_and_no_token_make_no_call() {
    // The fixtures' status is known (DRONE_BUILD_STATUS, CI_PIPELINE_STATUS) and Jenkins is never
    // asked without a token: nothing listens at the APIs' addresses, so a call would warn.
    for (rel, base) in [
        ("drone/push.env", ("DRONE_SYSTEM_HOST", "127.0.0.1:9")),
        ("woodpecker/push.env", ("CI_SYSTEM_URL", NO_RELAY)),
        ("jenkins/push.env", ("JENKINS_URL", "http://127.0.0.1:9/")),
    ] {
        let relay = new_relay();
        let out = ci_run(rel, &[base, ("DRONE_SYSTEM_PROTO", "http")], &relay).run();
        delivered(&relay, &out);
        assert!(warnings(&out).is_empty(), "{rel}: {}", out.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// Woodpecker (woodpecker-ci/woodpecker v2.8.0 and v3.8.0: server/model/pipeline.go, workflow.go,
// step.go; server/api/pipeline.go; server/router/api.go)

/// Pipeline 57 while its `notify` step runs, in 2.x's fields (`started_at`, `start_time`) or
/// 3.x's (`started`).
fn woodpecker_pipeline(v3: bool, test: &str) -> String {
    let started = if v3 { "started" } else { "started_at" };
    let step_started = if v3 { "started" } else { "start_time" };
    json!({
        "id": 3057, "number": 57, "status": "running", "branch": "main", started: now() - 125,
        "workflows": [
            {"name": "ci", "state": "running", step_started: now() - 120, "children": [
                {"pid": 2, "name": "clone", "state": "success"},
                {"pid": 3, "name": "test", "state": test},
                {"pid": 4, "name": "notify", "state": "running"},
                {"pid": 5, "name": "publish", "state": "pending"}
            ]}
        ]
    })
    .to_string()
}

fn woodpecker_run(api: &Server, relay: &Server, changes: &[(&str, &str)]) -> Run {
    let mut all = vec![("CI_SYSTEM_URL", api.url.as_str())];
    all.extend_from_slice(changes);
    ci_run("woodpecker/push.env", &all, relay).env("DINGTALK_WOODPECKER_TOKEN", WP_TOKEN)
}

#[test]
fn woodpecker_api_steps_give_the_status_in_2x_and_3x_fields() {
    for v3 in [false, true] {
        let api = Server::start(move |r: &Received| {
            assert_eq!(r.header("authorization"), Some(format!("Bearer {WP_TOKEN}").as_str()), "{r:?}");
            match r.target.as_str() {
                // The repository's id (12) comes from CI_PIPELINE_URL.
                "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(v3, "failure")),
                other => panic!("unexpected API call {other}"),
            }
        });
        let relay = new_relay();
        // 3.0–3.14 set no CI_PIPELINE_STATUS; the start is left to the API too.
        let changes = [("CI_PIPELINE_STATUS", ""), ("CI_PIPELINE_STARTED", ""), ("CI_PIPELINE_CREATED", "")];
        let out = woodpecker_run(&api, &relay, &changes).run();
        let (title, text) = delivered(&relay, &out);
        assert!(title.starts_with("❌ "), "v3={v3}: {title}");
        assert!(text.contains("test") && !text.contains("publish"), "v3={v3}: {text}");
        assert!(text.contains("耗时 2 分"), "v3={v3}: the start from the API: {text}");
        // The previous pipeline (56) is known from CI_PREV_PIPELINE_STATUS: not asked.
        assert_eq!(api.received().len(), 1, "v3={v3}");
    }
}

#[test]
fn woodpecker_looks_the_repository_up_when_no_variable_gives_its_id() {
    let api = Server::start(|r: &Received| match r.target.as_str() {
        "/api/repos/lookup/acme/ci-notify" => Reply::json(200, r#"{"id": 12, "full_name": "acme/ci-notify"}"#),
        "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(true, "success")),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let out = woodpecker_run(&api, &relay, &[("CI_PIPELINE_URL", ""), ("CI_PIPELINE_STATUS", "")]).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    let targets: Vec<String> = api.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/api/repos/lookup/acme/ci-notify", "/api/repos/12/pipelines/57"]);
}

#[test]
fn woodpecker_previous_pipeline_when_the_variable_says_it_was_running() {
    // CI_PREV_PIPELINE_STATUS was `running` when this pipeline was created, and pipeline 56 still
    // runs: the listing is read. Woodpecker 2.x ignores `branch=`, so the listing holds other
    // branches too: they are passed over by hand.
    let api = Server::start(|r: &Received| match r.target.as_str() {
        "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(false, "success")),
        "/api/repos/12/pipelines/56" => Reply::json(200, r#"{"number": 56, "status": "running", "branch": "main"}"#),
        "/api/repos/12/pipelines?branch=main&page=1&perPage=25" => Reply::json(
            200,
            r#"[{"number": 58, "status": "pending", "branch": "main"},
                {"number": 57, "status": "running", "branch": "main"},
                {"number": 56, "status": "running", "branch": "main"},
                {"number": 55, "status": "success", "branch": "feature/x"},
                {"number": 54, "status": "failure", "branch": "main"}]"#,
        ),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let changes = [("CI_PREV_PIPELINE_STATUS", "running"), ("DINGTALK_NOTIFY_ON", "fixed")];
    let out = woodpecker_run(&api, &relay, &changes).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    assert_eq!(api.received().len(), 3);

    // Pipeline 56 finished since: it is the previous one, and no listing is read.
    let api = Server::start(|r: &Received| match r.target.as_str() {
        "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(true, "success")),
        "/api/repos/12/pipelines/56" => Reply::json(200, r#"{"number": 56, "status": "success", "branch": "main"}"#),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let out = woodpecker_run(&api, &relay, &changes).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(relay.received().is_empty(), "a success after a success is not fixed: {}", out.stderr);
    assert_eq!(api.received().len(), 2);
}

#[test]
fn woodpecker_2x_pages_past_other_branches_for_the_previous_pipeline() {
    // 2.x lists every branch whatever `branch=` says: a first page full of another branch's
    // pipelines, then this branch's previous one on the second.
    let other: Vec<_> =
        (0..25).map(|i| json!({"number": 56 - i, "status": "success", "branch": "renovate/x"})).collect();
    let page1 = json!(other).to_string();
    let api = Server::start(move |r: &Received| match r.target.as_str() {
        "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(false, "success")),
        "/api/repos/12/pipelines?branch=main&page=1&perPage=25" => Reply::json(200, &page1),
        "/api/repos/12/pipelines?branch=main&page=2&perPage=25" => Reply::json(
            200,
            r#"[{"number": 31, "status": "error", "branch": "main"}, {"number": 30, "status": "success", "branch": "main"}]"#,
        ),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let changes = [("CI_PREV_PIPELINE_NUMBER", ""), ("CI_PREV_PIPELINE_STATUS", ""), ("DINGTALK_NOTIFY_ON", "fixed")];
    let out = woodpecker_run(&api, &relay, &changes).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    assert_eq!(api.received().len(), 3, "the pipeline and two pages");
}

#[test]
fn woodpecker_without_a_status_asks_a_public_repository_without_a_token() {
    let api = Server::start(|r: &Received| {
        assert_eq!(r.header("authorization"), None, "{r:?}");
        match r.target.as_str() {
            "/api/repos/12/pipelines/57" => Reply::json(200, &woodpecker_pipeline(true, "failure")),
            other => panic!("unexpected API call {other}"),
        }
    });
    let relay = new_relay();
    let out = woodpecker_run(&api, &relay, &[("CI_PIPELINE_STATUS", "")]).unset("DINGTALK_WOODPECKER_TOKEN").run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("❌ "), "{title}");
    assert_eq!(api.received().len(), 1);

    // A dry run makes no call that no setting asked for.
    let out = woodpecker_run(&api, &relay, &[("CI_PIPELINE_STATUS", "")])
        .unset("DINGTALK_WOODPECKER_TOKEN")
        .env("DINGTALK_DRY_RUN", "true")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(api.received().len(), 1, "no call in the dry run");
}

// ---------------------------------------------------------------------------------------------
// Jenkins (its `/api` pages; the Pipeline Stage View plugin's `wfapi`)

const JENKINS_BUILD: &str = "/job/ci-notify/57/api/json?tree=result%2Cbuilding%2Ctimestamp";
const JENKINS_STAGES: &str = "/job/ci-notify/57/wfapi/describe";
const JENKINS_BUILDS: &str = "/job/ci-notify/api/json?tree=builds%5Bnumber%2Cresult%2Cbuilding%5D%7B0%2C20%7D";

fn jenkins_run(api: &Server, relay: &Server, changes: &[(&str, &str)]) -> Run {
    let (root, build, job) =
        (format!("{}/", api.url), format!("{}/job/ci-notify/57/", api.url), format!("{}/job/ci-notify/", api.url));
    // The fixture's `status` and `started_at` settings left out: the API is to tell them.
    let mut all = vec![
        ("JENKINS_URL", root.as_str()),
        ("BUILD_URL", build.as_str()),
        ("JOB_URL", job.as_str()),
        ("DINGTALK_STATUS", ""),
        ("DINGTALK_STARTED_AT", ""),
    ];
    all.extend_from_slice(changes);
    ci_run("jenkins/push.env", &all, relay).env("DINGTALK_JENKINS_TOKEN", JENKINS_TOKEN)
}

fn jenkins_builds(previous: &str) -> String {
    json!({"builds": [
        {"number": 58, "result": null, "building": true},
        {"number": 57, "result": null, "building": true},
        {"number": 56, "result": previous, "building": false}
    ]})
    .to_string()
}

#[test]
fn jenkins_pipeline_stages_give_the_builds_status_and_start_and_the_previous_build_broken() {
    let started_ms = (now() - 125) * 1000;
    let api = Server::start(move |r: &Received| {
        assert_eq!(r.header("authorization"), Some(JENKINS_BASIC), "{r:?}");
        match r.target.as_str() {
            JENKINS_BUILD => Reply::json(
                200,
                &json!({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "result": null,
                        "building": true, "timestamp": started_ms})
                .to_string(),
            ),
            JENKINS_STAGES => Reply::json(
                200,
                r#"{"id": "57", "status": "IN_PROGRESS", "stages": [
                    {"id": "6", "name": "Build", "status": "SUCCESS"},
                    {"id": "12", "name": "Test", "status": "FAILED"},
                    {"id": "20", "name": "Deploy", "status": "NOT_EXECUTED"},
                    {"id": "25", "name": "Notify", "status": "IN_PROGRESS"}]}"#,
            ),
            JENKINS_BUILDS => Reply::json(200, &jenkins_builds("SUCCESS")),
            other => panic!("unexpected API call {other}"),
        }
    });
    let relay = new_relay();
    let out = jenkins_run(&api, &relay, &[("DINGTALK_NOTIFY_ON", "broken")]).run();
    let (title, text) = delivered(&relay, &out);
    assert!(title.starts_with("❌ "), "{title}");
    assert!(text.contains("Test") && !text.contains("Deploy"), "{text}");
    assert!(text.contains("耗时 2 分"), "{text}");
    let targets: Vec<String> = api.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [JENKINS_BUILD, JENKINS_STAGES, JENKINS_BUILDS]);
}

#[test]
fn jenkins_freestyle_result_after_the_builders_and_no_stages_asked() {
    let api = Server::start(|r: &Received| match r.target.as_str() {
        JENKINS_BUILD => Reply::json(
            200,
            r#"{"_class": "hudson.model.FreeStyleBuild", "result": "UNSTABLE", "building": true, "timestamp": 1718097249000}"#,
        ),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let out = jenkins_run(&api, &relay, &[]).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("⚠️") || title.contains("不稳定"), "{title}");
    // Unstable is no change to look for: the build alone.
    assert_eq!(api.received().len(), 1);
}

#[test]
fn jenkins_the_setting_wins_and_a_missing_stage_view_is_no_warning() {
    let api = Server::start(|r: &Received| match r.target.as_str() {
        // No `_class`, and no Stage View plugin: 404.
        "/job/ci-notify/57/api/json?tree=result%2Cbuilding%2Ctimestamp" => {
            Reply::json(200, r#"{"result": null, "building": true, "timestamp": 1718097249000}"#)
        }
        JENKINS_STAGES => Reply::text(404, "Not Found"),
        JENKINS_BUILDS => Reply::json(200, &jenkins_builds("FAILURE")),
        other => panic!("unexpected API call {other}"),
    });
    let relay = new_relay();
    let out = jenkins_run(&api, &relay, &[("DINGTALK_STATUS", "SUCCESS"), ("DINGTALK_NOTIFY_ON", "fixed")]).run();
    let (title, _) = delivered(&relay, &out);
    assert!(title.starts_with("✅ "), "{title}");
    assert!(warnings(&out).is_empty(), "{}", out.stderr);
    assert_eq!(api.received().len(), 3);
}

#[test]
fn refusals_are_one_warning_and_the_message_goes_out() {
    type Case = (&'static str, u16, &'static str);
    let cases: [Case; 7] = [
        (
            "drone",
            401,
            "cannot read the build's status and steps from the Drone API: the Drone API refused `drone_token` (HTTP 401)",
        ),
        ("drone", 403, "the Drone API answered HTTP 403: the user of `drone_token` cannot read this repository"),
        (
            "woodpecker",
            401,
            "cannot read the pipeline's status and steps from the Woodpecker API: the Woodpecker API refused `woodpecker_token` (HTTP 401)",
        ),
        (
            "woodpecker",
            404,
            "the Woodpecker API answered HTTP 404: the user of `woodpecker_token` cannot read this repository",
        ),
        (
            "jenkins",
            401,
            "cannot read the build's status and stages from the Jenkins API: the Jenkins API refused `jenkins_token` (HTTP 401)",
        ),
        (
            "jenkins",
            403,
            "the Jenkins API answered HTTP 403: set `jenkins_token` to `user:apitoken` (Jenkins answers a wrong one this way too)",
        ),
        (
            "jenkins",
            404,
            "the Jenkins API answered HTTP 404: the user of `jenkins_token` cannot see this job; give it Job/Read",
        ),
    ];
    for (ci, status, says) in cases {
        let api = Server::script(vec![Reply::json(status, r#"{"message":"no"}"#)]);
        let relay = new_relay();
        let out = match ci {
            "drone" => drone_run(&api, &relay, &[]),
            "woodpecker" => woodpecker_run(&api, &relay, &[]),
            _ => jenkins_run(&api, &relay, &[]),
        }
        .env("DINGTALK_LANG", "en")
        .run();
        delivered(&relay, &out);
        let warned = warnings(&out);
        assert_eq!(warned.len(), 1, "{ci} {status}: {}", out.stderr);
        assert!(
            warned[0].contains(says) && warned[0].ends_with("the notification goes on without it"),
            "{}",
            warned[0]
        );
        assert_eq!(api.received().len(), 1, "{ci} {status}: no retry, no further call");
    }
}

#[test]
fn the_token_never_goes_to_another_origin() {
    let foreign = Server::script(vec![Reply::json(200, r#"{"result": "FAILURE"}"#)]);
    // Jenkins' BUILD_URL and JOB_URL elsewhere than JENKINS_URL: not called at all.
    let api = Server::script(vec![Reply::json(500, "{}")]);
    let relay = new_relay();
    let elsewhere = [
        ("BUILD_URL", format!("{}/job/ci-notify/57/", foreign.url)),
        ("JOB_URL", format!("{}/job/ci-notify/", foreign.url)),
    ];
    let changes: Vec<(&str, &str)> = elsewhere.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = jenkins_run(&api, &relay, &changes).env("DINGTALK_STATUS", "success").run();
    delivered(&relay, &out);
    assert_eq!(api.received().len() + foreign.received().len(), 0);

    // A redirect to another origin is not followed: one warning, and the other origin hears nothing.
    for ci in ["drone", "woodpecker", "jenkins"] {
        let to = format!("{}/elsewhere", foreign.url);
        let api = Server::script(vec![Reply::text(302, "").header("location", &to)]);
        let relay = new_relay();
        let out = match ci {
            "drone" => drone_run(&api, &relay, &[]),
            "woodpecker" => woodpecker_run(&api, &relay, &[]),
            _ => jenkins_run(&api, &relay, &[]),
        }
        .run();
        delivered(&relay, &out);
        assert_eq!(warnings(&out).len(), 1, "{ci}: {}", out.stderr);
        assert_eq!(api.received().len(), 1, "{ci}");
    }
    assert!(foreign.received().is_empty(), "{:?}", foreign.received());
}

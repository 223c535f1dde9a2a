//! The whole pipeline in one message: the `jobs` setting (GitHub's `toJSON(needs)`), the status
//! it adds up to, Drone's failed steps, the jobs section of the summary and its size, and the jobs
//! that GitHub's and GitLab's APIs list.

use dingtalk_notify::time::format_rfc3339;

use crate::dotenv;
use crate::support::*;

/// `${{ toJSON(needs) }}` in a final job with `needs: [build, lint, test, docs]`, shaped as
/// GitHub documents the `needs` context (`result` and `outputs` per job):
/// <https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#needs-context>
const NEEDS: &str = r#"{
  "build": {"result": "success", "outputs": {"version": "1.2.0"}},
  "docs": {"result": "skipped", "outputs": {}},
  "lint": {"result": "success", "outputs": {}},
  "test": {"result": "failure", "outputs": {}}
}"#;

fn notify_job(jobs: &str) -> Run {
    // The notify job itself succeeds: `if: always()` after the others.
    Run::github("push", "github/push.branch.json", NO_RELAY).env("ACTION_JOB_STATUS", "success").env("INPUT_JOBS", jobs)
}

#[test]
fn jobs_from_to_json_needs_name_the_failure_and_decide_the_status() {
    let (title, text) = markdown(&notify_job(NEEDS).dry_run().json());
    assert!(title.starts_with("❌ "), "{title}");
    assert!(text.starts_with("#### ❌ ") && text.contains("· 失败"), "{text}");
    assert!(text.contains("\n\n失败的作业：test · 成功 2 个，跳过 1 个\n\n"), "{text}");

    let all_passed = NEEDS.replace(r#""result": "failure""#, r#""result": "success""#);
    let (title, text) = markdown(&notify_job(&all_passed).dry_run().json());
    assert!(title.starts_with("✅ ") && text.contains("\n\n作业：成功 3 个，跳过 1 个\n\n"), "{title}\n{text}");

    let cancelled = NEEDS.replace(r#""result": "failure""#, r#""result": "cancelled""#);
    let (title, _) = markdown(&notify_job(&cancelled).dry_run().json());
    assert!(title.starts_with("🚫 "), "{title}");

    // The status setting still wins.
    let (title, _) = markdown(&notify_job(NEEDS).env("INPUT_STATUS", "success").dry_run().json());
    assert!(title.starts_with("✅ "), "{title}");
}

/// Without `jobs`, the action's `job.status` (`ACTION_JOB_STATUS`) is the status, as before; and on
/// GitHub a failure of the notifying job itself is not hidden by jobs that passed.
#[test]
fn the_notifying_jobs_own_status_counts_on_github() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY).env("ACTION_JOB_STATUS", "failure");
    assert!(markdown(&run.dry_run().json()).0.starts_with("❌ "));
    let run = notify_job(r#"{"build": "success"}"#).env("ACTION_JOB_STATUS", "failure").env("GITHUB_JOB", "notify");
    let (title, text) = markdown(&run.dry_run().json());
    assert!(title.starts_with("❌ "), "{title}");
    // The failure is named: the notifying job, which no list has.
    assert!(text.contains("\n\n失败的作业：notify · 成功 1 个\n\n"), "{text}");
}

#[test]
fn a_malformed_jobs_value_is_a_usage_error_that_says_where_never_what() {
    let out = notify_job("{\"build\": \"success\",\n \"deploy\" \"fai SECRETISH").env("INPUT_DRY_RUN", "true").run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("error: `jobs`（来自 INPUT_JOBS）无法解析：不是有效的 JSON（第 2 行第 11 列）；"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("SECRETISH") && !out.stderr.contains("deploy"), "{}", out.stderr);
    assert!(!out.stdout.contains("SECRETISH"), "{}", out.stdout);
}

#[test]
fn drone_failed_steps_and_stages_are_named() {
    let mut run = Run::new();
    let text = std::fs::read_to_string(fixture("drone/pull_request.env")).unwrap();
    for (k, v) in dotenv::parse(&text, "drone/pull_request.env") {
        run = run.env(&k, &v);
    }
    let run = run.env("DRONE_FAILED_STEPS", "lint,test").env("DRONE_FAILED_STAGES", "default,arm64");
    let (title, text) = markdown(&run.env("PLUGIN_DRY_RUN", "true").run().json());
    assert!(title.starts_with("❌ "), "{title}");
    assert!(text.contains("\n\n失败的步骤：lint、test、arm64\n\n"), "{text}");
}

/// 500 jobs, half of them failed with long names: ten are named, the rest counted, and the
/// message stays under DingTalk's 20,000 bytes with the run link.
#[test]
fn five_hundred_jobs_fit() {
    let jobs: serde_json::Map<String, serde_json::Value> = (0..500)
        .map(|i| {
            let result = if i % 2 == 0 { "failure" } else { "success" };
            let url = format!("https://github.com/o/r/actions/runs/1/job/{i}");
            (
                format!("test (matrix leg {i:03}, {})", "x".repeat(150)),
                serde_json::json!({"result": result, "url": url}),
            )
        })
        .collect();
    let jobs = serde_json::Value::Object(jobs).to_string();
    let body = notify_job(&jobs).dry_run().json();
    let message = serde_json::to_string(&body["data"][0]).unwrap();
    assert!(message.len() < 20_000, "{} bytes", message.len());
    let (_, text) = markdown(&body);
    let line = text.lines().find(|l| l.starts_with("失败的作业：")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(line.matches("](https://github.com/o/r/actions/runs/1/job/").count(), 10, "{line}");
    assert!(line.contains("leg 000") && line.ends_with("，还有 240 个 · 成功 250 个"), "{line}");
    assert!(text.contains("[查看运行 #77](https://github.com/"), "{text}");
}

/// Tokens for the APIs: secrets like the others, checked never to be printed.
const GH_TOKEN: &str = "ghs_apiTOKENsEcReT4";
const GL_TOKEN: &str = "glpat-apiTOKENsEcReT5";

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

const JOBS_PATH: &str = "/repos/o/r/actions/runs/9876543210/jobs";

/// A GitHub run's jobs on two pages (the notify job, still running, among them) and its start.
fn github_api(started: u64) -> Server {
    Server::start(move |r: &Received| {
        assert_eq!(r.header("authorization"), Some(format!("Bearer {GH_TOKEN}").as_str()), "{}", r.target);
        match r.target.as_str() {
            "/repos/o/r/actions/runs/9876543210/jobs?per_page=100" => Reply::json(
                200,
                r#"{"total_count": 4, "jobs": [
                    {"name": "build", "status": "completed", "conclusion": "success", "html_url": "https://github.com/o/r/actions/runs/9876543210/job/1"},
                    {"name": "notify", "status": "in_progress", "conclusion": null, "html_url": "https://github.com/o/r/actions/runs/9876543210/job/4"}]}"#,
            )
            // GitHub's Link is absolute; a relative one is joined to the API's URL the same way.
            .header("link", &format!(r#"<{JOBS_PATH}?per_page=100&page=2>; rel="next", <{JOBS_PATH}?per_page=100&page=2>; rel="last""#)),
            "/repos/o/r/actions/runs/9876543210/jobs?per_page=100&page=2" => Reply::json(
                200,
                r#"{"total_count": 4, "jobs": [
                    {"name": "test (ubuntu-latest, 20)", "status": "completed", "conclusion": "failure", "html_url": "https://github.com/o/r/actions/runs/9876543210/job/2"},
                    {"name": "lint", "status": "completed", "conclusion": "skipped", "html_url": "https://github.com/o/r/actions/runs/9876543210/job/3"}]}"#,
            ),
            "/repos/o/r/actions/runs/9876543210" => {
                Reply::json(200, &format!(r#"{{"id": 9876543210, "run_started_at": "{}"}}"#, format_rfc3339(started)))
            }
            other => panic!("unexpected API call {other}"),
        }
    })
}

fn github_run(api: &Server, relay: &str) -> Run {
    Run::github("push", "github/push.branch.json", relay)
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_API_URL", &api.url)
        .env("ACTION_JOB_STATUS", "success")
        .env("INPUT_GITHUB_TOKEN", GH_TOKEN)
}

fn delivered(relay: &Server, out: &Output) -> (String, String) {
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.assert_hidden(&[GH_TOKEN, GL_TOKEN]);
    let got = relay.relay_calls();
    assert_eq!(got.len(), 1, "{got:?}");
    markdown(&got[0].json())
}

#[test]
fn github_api_gives_the_runs_completed_jobs_and_its_start() {
    let api = github_api(now() - 125);
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = github_run(&api, &relay.url).run();
    let (title, text) = delivered(&relay, &out);
    assert!(title.starts_with("❌ "), "{title}");
    assert!(
        text.contains("\n\n失败的作业：[test (ubuntu-latest, 20)](https://github.com/o/r/actions/runs/9876543210/job/2) · 成功 1 个，跳过 1 个\n\n"),
        "{text}"
    );
    // That whole line: the notifying job, still in progress, is not one of them.
    assert!(text.contains("耗时 2 分"), "{text}");
    let calls: Vec<String> = api.received().iter().map(|r| r.target.clone()).collect();
    assert_eq!(calls.len(), 3, "two pages and the run, nothing more: {calls:?}");
}

#[test]
fn github_api_refusals_are_warnings_and_the_message_goes_out() {
    for (status, says) in [(401, "refused `github_token` (HTTP 401)"), (404, "answered HTTP 404")] {
        let api = Server::script(vec![Reply::json(status, r#"{"message": "Bad credentials"}"#)]);
        let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
        let out = github_run(&api, &relay.url).env("DINGTALK_LANG", "en").run();
        let (title, text) = delivered(&relay, &out);
        assert!(
            title.starts_with("✅ ") && !text.contains("失败的作业"),
            "the job's own status stands: {title}\n{text}"
        );
        assert!(
            out.stderr.contains(&format!("cannot read the run's jobs from the GitHub API: the GitHub API {says}")),
            "{}",
            out.stderr
        );
        // One warning per run: after a refusal, the API is not asked again (for the start time,
        // or the previous run's outcome).
        assert_eq!(out.stderr.matches("warning:").count(), 1, "{}", out.stderr);
        assert_eq!(api.received().len(), 1, "refusals are not retried, nor other calls made");
    }
}

#[test]
fn no_token_or_nothing_left_to_ask_makes_no_api_call() {
    let api = Server::script(vec![Reply::json(500, "{}")]);
    let out = github_run(&api, NO_RELAY).unset("INPUT_GITHUB_TOKEN").dry_run();
    assert!(markdown(&out.json()).0.starts_with("✅ "));
    let out = github_run(&api, NO_RELAY).env("INPUT_JOBS", NEEDS).env("INPUT_STARTED_AT", "1718097249").dry_run();
    assert!(markdown(&out.json()).0.starts_with("❌ "));
    assert_eq!(api.received().len(), 0);
}

/// A GitLab push job with `gitlab_token`, the API at `api` and the relay at `relay`.
fn gitlab_run(api: &Server, relay: &Server) -> Run {
    let text = std::fs::read_to_string(fixture("gitlab/push.env")).unwrap();
    dotenv::parse(&text, "gitlab/push.env")
        .into_iter()
        .fold(Run::new(), |run, (k, v)| run.env(&k, &v))
        // The previous pipeline known, so that the jobs are the one thing the API is asked
        // (tests/e2e/signal.rs asks it for the previous pipeline).
        .env("DINGTALK_PREVIOUS_STATUS", "cancelled")
        .env("CI_API_V4_URL", &format!("{}/api/v4", api.url))
        .env("DINGTALK_GITLAB_TOKEN", GL_TOKEN)
        .env("DINGTALK_KDOCS_TOKEN", TOKEN)
        .env("DINGTALK_WEBHOOK", &webhook())
        .env("DINGTALK_KDOCS_API_URL", &relay.url)
}

#[test]
fn gitlab_api_gives_the_pipelines_outcome_without_the_notify_job() {
    let api = Server::start(|r: &Received| {
        assert_eq!(r.header("private-token"), Some(GL_TOKEN));
        match r.target.as_str() {
            "/api/v4/projects/4242/pipelines/1187345/jobs?per_page=100" => Reply::json(
                200,
                r#"[{"id": 7712901, "name": "build", "status": "success", "allow_failure": false, "web_url": "https://gitlab.example.com/acme/tools/ci-notify/-/jobs/7712901"},
                    {"id": 7712904, "name": "notify", "status": "failed", "allow_failure": false}]"#,
            )
            .header("x-next-page", "2"),
            "/api/v4/projects/4242/pipelines/1187345/jobs?per_page=100&page=2" => Reply::json(
                200,
                r#"[{"id": 7712902, "name": "test: [ruby, 3.3]", "status": "failed", "allow_failure": false, "web_url": "https://gitlab.example.com/acme/tools/ci-notify/-/jobs/7712902"},
                    {"id": 7712903, "name": "lint", "status": "failed", "allow_failure": true},
                    {"id": 7712905, "name": "deploy", "status": "manual", "allow_failure": false}]"#,
            )
            .header("x-next-page", ""),
            other => panic!("unexpected API call {other}"),
        }
    });
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = gitlab_run(&api, &relay).run();
    // CI_JOB_STATUS=success is the notify job's own; the pipeline failed.
    let (title, text) = delivered(&relay, &out);
    assert!(title.starts_with("❌ ") && text.contains("· 失败"), "{title}\n{text}");
    assert!(
        text.contains("\n\n失败的作业：[test: [ruby, 3.3]](https://gitlab.example.com/acme/tools/ci-notify/-/jobs/7712902) · 不稳定 1 个，成功 1 个\n\n"),
        "{text}"
    );
    // That whole line: neither this notify job (listed as failed) nor the manual deploy job.
    assert_eq!(api.received().len(), 2);
}

#[test]
fn gitlab_api_refusals_are_warnings_and_the_message_goes_out() {
    for (status, says) in [(401, "refused `gitlab_token` (HTTP 401)"), (404, "answered HTTP 404")] {
        let api = Server::script(vec![Reply::json(status, r#"{"message": "404 Project Not Found"}"#)]);
        let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
        let out = gitlab_run(&api, &relay).env("DINGTALK_LANG", "en").run();
        let (title, _) = delivered(&relay, &out);
        assert!(title.starts_with("✅ "), "CI_JOB_STATUS stands: {title}");
        assert!(
            out.stderr.contains(&format!("cannot read the pipeline's jobs from the GitLab API: the GitLab API {says}")),
            "{}",
            out.stderr
        );
        assert_eq!(api.received().len(), 1);
    }
}

#[test]
fn a_workflow_run_event_asks_for_the_jobs_of_the_run_it_reports() {
    let api = Server::start(|r: &Received| match r.target.as_str() {
        "/repos/o/r/actions/runs/289782451/jobs?per_page=100" => Reply::json(
            200,
            r#"{"total_count": 1, "jobs": [{"name": "e2e", "status": "completed", "conclusion": "failure", "html_url": "https://github.com/octo-org/octo-repo/actions/runs/289782451/job/9"}]}"#,
        ),
        other => panic!("unexpected API call {other}"),
    });
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0}"#)]);
    let out = Run::github("workflow_run", "github/workflow_run.completed-success.json", &relay.url)
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_API_URL", &api.url)
        .env("INPUT_GITHUB_TOKEN", GH_TOKEN)
        // The previous run known, so that the jobs are the one thing the API is asked
        // (tests/e2e/signal.rs asks it for the reported workflow's previous run).
        .env("INPUT_PREVIOUS_STATUS", "failure")
        .run();
    let (_, text) = delivered(&relay, &out);
    assert!(
        text.contains("失败的作业：[e2e](https://github.com/octo-org/octo-repo/actions/runs/289782451/job/9)"),
        "{text}"
    );
    assert_eq!(api.received().len(), 1, "the reported run's jobs, and not the notifying run's");
}

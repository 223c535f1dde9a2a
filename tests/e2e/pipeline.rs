//! The whole pipeline in one message: the `jobs` setting (GitHub's `toJSON(needs)`), the status
//! it adds up to, Drone's failed steps, the jobs section of the summary and its size, and the jobs
//! that GitHub's and GitLab's APIs list.

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
    assert!(text.starts_with("#### ❌ ") && text.contains("· failure"), "{text}");
    assert!(text.contains("\n\nFailed: test · 2 succeeded, 1 skipped\n\n"), "{text}");

    let all_passed = NEEDS.replace(r#""result": "failure""#, r#""result": "success""#);
    let (title, text) = markdown(&notify_job(&all_passed).dry_run().json());
    assert!(title.starts_with("✅ ") && text.contains("\n\nJobs: 3 succeeded, 1 skipped\n\n"), "{title}\n{text}");

    let cancelled = NEEDS.replace(r#""result": "failure""#, r#""result": "cancelled""#);
    let (title, _) = markdown(&notify_job(&cancelled).dry_run().json());
    assert!(title.starts_with("🚫 "), "{title}");

    // The status setting still wins.
    let (title, _) = markdown(&notify_job(NEEDS).env("INPUT_STATUS", "success").dry_run().json());
    assert!(title.starts_with("✅ "), "{title}");
}

/// Without `jobs`, the action's `job.status` (ACTION_JOB_STATUS) is the status, as before; and on
/// GitHub a failure of the notifying job itself is not hidden by jobs that passed.
#[test]
fn the_notifying_jobs_own_status_counts_on_github() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY).env("ACTION_JOB_STATUS", "failure");
    assert!(markdown(&run.dry_run().json()).0.starts_with("❌ "));
    let run = notify_job(r#"{"build": "success"}"#).env("ACTION_JOB_STATUS", "failure");
    assert!(markdown(&run.dry_run().json()).0.starts_with("❌ "));
}

#[test]
fn a_malformed_jobs_value_is_a_usage_error_that_says_where_never_what() {
    let out = notify_job("{\"build\": \"success\",\n \"deploy\" \"fai SECRETISH").env("INPUT_DRY_RUN", "true").run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("`jobs` (from INPUT_JOBS)") && out.stderr.contains("line 2, column 11"),
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
    assert!(text.contains("\n\nFailed: lint, test, arm64\n\n"), "{text}");
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
    let line = text.lines().find(|l| l.starts_with("Failed: ")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(line.matches("](https://github.com/o/r/actions/runs/1/job/").count(), 10, "{line}");
    assert!(line.contains("leg 000") && line.ends_with(" and 240 more · 250 succeeded"), "{line}");
    assert!(text.contains("[View run #77](https://github.com/"), "{text}");
}

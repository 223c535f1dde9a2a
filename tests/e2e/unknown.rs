//! A status or a previous outcome the run cannot know: the message says so in words, and stderr
//! says once, for that CI, what to set. A `status` setting that contradicts the event's own
//! result is a warning naming both.

use crate::dotenv;
use crate::support::*;

/// The message says the status is unknown in words, in the title and the headline.
fn assert_says_unknown(out: &Output) {
    let (title, text) = markdown(&out.json());
    assert!(title.contains("状态未知"), "{title}");
    assert!(text.lines().next().is_some_and(|l| l.contains("状态未知")), "{text}");
    assert!(!title.contains("推送"), "nothing says this run was a push:\n{title}");
}

/// The one line of stderr that names `setting`, which it must, once (on GitHub, besides its
/// annotation).
fn hint<'a>(out: &'a Output, setting: &str) -> &'a str {
    let lines: Vec<&str> = out.stderr.lines().filter(|l| l.contains(setting) && !l.starts_with("::")).collect();
    assert_eq!(lines.len(), 1, "`{setting}` said once:\n{}", out.stderr);
    lines[0]
}

#[test]
fn woodpecker_3_8_without_pipeline_status_says_unknown_and_how_to_know() {
    let out = dry_run_env("woodpecker/push-3.8.env", &[]);
    let (title, _) = markdown(&out.json());
    assert!(title.contains("状态未知") && title.contains("ci-notify"), "{title}");
    let line = hint(&out, "woodpecker_token");
    assert!(line.starts_with("warning: ") && line.contains("3.15") && line.contains("CI_PIPELINE_STATUS"), "{line}");

    // 3.15 and later say it again: nothing to hint.
    let out = dry_run_env("woodpecker/push.env", &[]);
    assert!(markdown(&out.json()).0.starts_with("✅ "), "{}", out.stdout);
    assert!(!out.stderr.contains("woodpecker_token"), "{}", out.stderr);
}

#[test]
fn woodpecker_2_8_reports_its_workflows_status() {
    let out = dry_run_env("woodpecker/push-2.8.env", &[]);
    let (title, text) = markdown(&out.json());
    // A success after the failed pipeline the fixture names as previous: the outcome word is the change.
    assert!(title.starts_with("✅ 已修复 · ") && text.contains("· 已修复"), "{title}\n{text}");
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn gitlab_inside_script_without_a_token_says_unknown_and_how_to_know() {
    let out = dry_run_env("gitlab/push.env", &[("CI_JOB_STATUS", "running")]);
    let (title, _) = markdown(&out.json());
    assert!(title.contains("状态未知") && title.contains("推送到 main"), "{title}");
    let line = hint(&out, "gitlab_token");
    assert!(line.contains("running") && line.contains("after_script") && line.contains("on_failure"), "{line}");

    // In `after_script:` GitLab gives the job's outcome: nothing to hint.
    let out = dry_run_env("gitlab/push.env", &[("CI_JOB_STATUS", "failed")]);
    assert!(markdown(&out.json()).0.starts_with("❌ "), "{}", out.stdout);
    assert!(!out.stderr.contains("gitlab_token"), "{}", out.stderr);
}

#[test]
fn jenkins_freestyle_build_is_a_build_of_unknown_status_with_the_fix() {
    let out = dry_run_env("jenkins/freestyle.env", &[]);
    assert_says_unknown(&out);
    let (title, text) = markdown(&out.json());
    assert!(title.contains("构建") && title.contains("main"), "{title}");
    assert!(!text.contains("推送"), "a freestyle build's trigger is unknown, not a push:\n{text}");
    let line = hint(&out, "jenkins_token");
    assert!(line.contains("currentBuild.currentResult"), "{line}");
}

#[test]
fn no_ci_says_unknown_and_to_set_status() {
    let out = Run::new()
        .env("INPUT_WEBHOOK", &webhook())
        .env("INPUT_KDOCS_TOKEN", TOKEN)
        .env("INPUT_EVENT_PATH", fixture("github/push.branch.json").to_str().unwrap())
        .dry_run();
    assert!(markdown(&out.json()).0.contains("状态未知"), "{}", out.stdout);
    assert!(hint(&out, "`status`").contains("warning: "), "{}", out.stderr);
}

#[test]
fn a_previous_outcome_notify_on_needs_and_cannot_get_is_said_with_the_fix() {
    // Drone 1.x and 2.x set no DRONE_PREV_BUILD_STATUS: only its API knows the previous build.
    let out = Run::new();
    let mut run = out.env("INPUT_NOTIFY_ON", "fixed").env("INPUT_WEBHOOK", &webhook()).env("INPUT_KDOCS_TOKEN", TOKEN);
    for (k, v) in dotenv::parse(&std::fs::read_to_string(fixture("drone/push.env")).unwrap(), "drone/push.env") {
        if k != "DRONE_PREV_BUILD_STATUS" {
            run = run.env(&k, &v);
        }
    }
    let out = run.env("INPUT_DRY_RUN", "true").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = hint(&out, "drone_token");
    assert!(line.starts_with("warning: ") && line.contains("fixed"), "{line}");
}

#[test]
fn a_status_setting_that_contradicts_the_events_result_is_a_warning_naming_both() {
    let out = Run::github("workflow_run", "github/workflow_run.completed-success.json", NO_RELAY)
        .env("INPUT_STATUS", "failure")
        .dry_run();
    let line = hint(&out, "workflow_run");
    assert!(line.contains("failure") && line.contains("success") && line.contains("workflow_run"), "{line}");
    assert!(markdown(&out.json()).0.starts_with("❌ "), "the setting wins:\n{}", out.stdout);

    let out = Run::github("workflow_run", "github/workflow_run.completed-success.json", NO_RELAY)
        .env("INPUT_STATUS", "success")
        .dry_run();
    assert!(!out.stderr.contains("workflow_run"), "{}", out.stderr);
}

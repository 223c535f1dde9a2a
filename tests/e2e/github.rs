//! Real GitHub payloads through the built-in summaries, as the relay receives them.

use crate::support::*;

#[test]
fn push_summary_names_repo_branch_pusher_commit_and_run() {
    let (title, text) = markdown(&dry_run("push", "github/push.branch.json", &[("INPUT_STATUS", "success")]));
    assert!(title.starts_with("✅ ") && title.contains("release-drafter-test-project"), "{title}");
    assert!(title.contains("master"), "{title}");
    for fact in [
        "✅",
        "toolmantim",
        "**master**",
        "[1496a1f](https://github.com/toolmantim/release-drafter-test-project/commit/1496a1f82f32f240f7cbe1a42eb0b0c7a06a5093)",
        "Update release-drafter.yml",
        "(https://github.com/toolmantim/release-drafter-test-project/actions/runs/9876543210)",
    ] {
        assert!(text.contains(fact), "{fact:?} missing from:\n{text}");
    }
}

#[test]
fn pull_request_summary_names_the_pr_branches_and_outcome() {
    let (title, text) =
        markdown(&dry_run("pull_request", "github/pull_request.closed-merged.json", &[("INPUT_STATUS", "failure")]));
    let payload: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("github/pull_request.closed-merged.json")).unwrap())
            .unwrap();
    let pr = &payload["pull_request"];
    let number = pr["number"].as_u64().unwrap();
    assert!(title.starts_with("❌ ") && title.contains(&format!("#{number}")), "{title}");
    for fact in [
        "合并了拉取请求".to_owned(),
        format!("[#{number}]({})", pr["html_url"].as_str().unwrap()),
        format!("**{}**", pr["head"]["ref"].as_str().unwrap()),
        format!("**{}**", pr["base"]["ref"].as_str().unwrap()),
        "actions/runs/9876543210".to_owned(),
    ] {
        assert!(text.contains(&fact), "{fact:?} missing from:\n{text}");
    }
}

#[test]
fn a_malformed_event_file_is_a_warning_and_the_summary_comes_from_the_variables() {
    let run = Run::github("push", "github/push.branch.json", NO_RELAY);
    let bad = run.dir().join("event.json");
    std::fs::write(&bad, "{ truncated").unwrap();
    let out = run
        .env("GITHUB_EVENT_PATH", bad.to_str().unwrap())
        .env("GITHUB_REPOSITORY", "octo/hello")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .env("GITHUB_REF", "refs/heads/main")
        .env("DINGTALK_LANG", "en")
        .dry_run();
    assert!(out.stderr.contains("warning: the event file") && out.stderr.contains("not valid JSON"), "{}", out.stderr);
    let (_, text) = markdown(&out.json());
    assert!(text.contains("[octo/hello](https://github.com/octo/hello)"), "{text}");
    assert!(
        text.contains("[0123456](https://github.com/octo/hello/commit/0123456789abcdef0123456789abcdef01234567)"),
        "{text}"
    );
}

#[test]
fn dry_run_outside_any_ci_renders_the_sample_push_without_token_or_webhook() {
    let out = Run::new().env("DINGTALK_LANG", "en").arg("--dry-run").run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let body = out.json();
    assert_eq!(body["link"], "https://oapi.dingtalk.com/robot/send?access_token=***");
    assert!(body.get("sk").is_none());
    let (_, text) = markdown(&body);
    assert!(text.contains("Update release-drafter.yml") && text.contains("toolmantim"), "{text}");
    assert!(out.stderr.contains("rendered the built-in sample push event"), "say so on stderr: {:?}", out.stderr);
    // In a CI, or with an event file, there is no sample to mention.
    let out = Run::github("push", "github/push.branch.json", NO_RELAY).env("DINGTALK_LANG", "en").dry_run();
    assert!(!out.stderr.contains("sample"), "{}", out.stderr);
}

/// A reporting event's fixture with its run not finished: no conclusion, the event's object
/// `status` and the payload's `action` set, while the notifying job itself succeeded.
fn in_flight(event: &str, action: &str, status: &str, lang: &str) -> (String, String) {
    let file = match event {
        "workflow_run" => "github/workflow_run.completed-success.json",
        "check_run" => "github/check_run.completed-success.json",
        "check_suite" => "github/check_suite.completed-success.json",
        _ => "github/workflow_job.completed-success.json",
    };
    let run = Run::github(event, file, NO_RELAY);
    let path = payload_from(&run, file, |v| {
        v["action"] = action.into();
        v[event]["conclusion"] = serde_json::Value::Null;
        v[event]["status"] = status.into();
    });
    let out = run.env("GITHUB_EVENT_PATH", &path).env("ACTION_JOB_STATUS", "success").env("INPUT_LANG", lang).dry_run();
    markdown(&out.json())
}

#[test]
fn a_reported_run_that_has_not_finished_is_started_not_the_notifying_jobs_success() {
    for (event, action, status) in [
        ("workflow_run", "requested", "queued"),
        ("workflow_run", "in_progress", "in_progress"),
        ("check_run", "created", "queued"),
        ("check_run", "created", "in_progress"),
        ("check_suite", "requested", "queued"),
        ("workflow_job", "queued", "queued"),
        ("workflow_job", "waiting", "waiting"),
        ("workflow_job", "in_progress", "in_progress"),
    ] {
        let (title, text) = in_flight(event, action, status, "zh-CN");
        assert!(title.starts_with("🚀 "), "{event} {status}: {title}");
        assert!(text.contains("🚀") && text.contains("开始") && !text.contains("✅"), "{event} {status}:\n{text}");
    }
}

#[test]
fn a_chinese_title_names_an_unfinished_runs_state_in_chinese() {
    for (event, action, status, zh, en) in [
        ("workflow_run", "requested", "queued", "：已请求", ": requested"),
        ("workflow_run", "in_progress", "in_progress", "：进行中", ": in progress"),
        ("check_run", "created", "in_progress", "：进行中", ": in progress"),
        ("check_suite", "requested", "queued", "：排队中", ": queued"),
    ] {
        let (title, _) = in_flight(event, action, status, "zh-CN");
        assert!(title.ends_with(zh), "{event} {action}: {title}");
        for word in ["requested", "queued", "in progress", "in_progress", "created"] {
            assert!(!title.contains(word), "{event} {action}: English `{word}` in {title}");
        }
        let (title, _) = in_flight(event, action, status, "en");
        assert!(title.ends_with(en), "{event} {action}: {title}");
    }
}

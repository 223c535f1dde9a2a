//! The built-in summaries of every GitHub payload under `tests/fixtures/github/` (snapshots in
//! `tests/snapshots/`, each reviewed by eye), and DingTalk's guardrails end to end: escaping,
//! size, mentions, actionCard buttons, the keyword, and the hints for DingTalk's error codes.

use crate::support::*;

/// A dry run of `event` with `payload`; returns the body that would be sent.
fn dry(event: &str, payload: &str, extra: &[(&str, &str)]) -> serde_json::Value {
    let out = Run::github(event, payload, "http://127.0.0.1:9").env("INPUT_DRY_RUN", "true").envs(extra.to_vec()).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()
}

fn markdown(body: &serde_json::Value) -> (String, String) {
    let md = &body["data"][0]["markdown"];
    (md["title"].as_str().unwrap().to_owned(), md["text"].as_str().unwrap().to_owned())
}

/// Events whose payload reports another run's outcome: the status comes from there.
const REPORTS_AN_OUTCOME: [&str; 5] = ["workflow_run", "workflow_job", "check_run", "check_suite", "deployment_status"];

#[test]
fn every_fixture_payload_has_a_reviewed_summary() {
    let mut names: Vec<String> = std::fs::read_dir(fixture("github"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 40, "{names:?}");
    for name in names {
        let event = name.split('.').next().unwrap();
        // As with `status: ${{ job.status }}`, except where the event carries its own outcome.
        let status: &[(&str, &str)] =
            if REPORTS_AN_OUTCOME.contains(&event) { &[] } else { &[("INPUT_STATUS", "success")] };
        let (title, text) = markdown(&dry(event, &format!("github/{name}"), status));
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true, description => format!("GITHUB_EVENT_NAME={event}, payload tests/fixtures/github/{name}") }, {
            insta::assert_snapshot!(name.trim_end_matches(".json"), format!("title: {title}\n\n{text}\n"));
        });
    }
}

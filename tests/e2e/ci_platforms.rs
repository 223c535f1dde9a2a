//! GitLab CI, Drone, Woodpecker and Jenkins: each CI's env file (`tests/fixtures/<ci>/*.env`) is the whole
//! environment of the binary, settings come as `PLUGIN_*` (Drone, Woodpecker) or `DINGTALK_*`
//! (GitLab, Jenkins), and the relay receives one request whose summary carries that CI's facts and links.

use std::time::{SystemTime, UNIX_EPOCH};

use dingtalk_notify::time::format_rfc3339;
use serde_json::{Value, json};

use crate::dotenv;
use crate::support::*;

const MOBILES: &str = "13800000000,13900000000";

/// The variables of a fixture env file (see [`dotenv`]).
fn env_file(rel: &str) -> Vec<(String, String)> {
    dotenv::parse(&std::fs::read_to_string(fixture(rel)).unwrap(), rel)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// What the relay received, and what the binary printed.
struct Delivered {
    out: Output,
    body: Value,
    title: String,
    text: String,
}

impl Delivered {
    fn assert_has(&self, facts: &[&str]) {
        for fact in facts {
            assert!(self.text.contains(fact), "{fact:?} missing from:\n{}", self.text);
        }
    }
}

/// Runs the binary with exactly `vars` plus the settings under `prefix` (`PLUGIN_` or
/// `DINGTALK_`), and checks that the relay got one request carrying those settings.
fn deliver(prefix: &str, vars: &[(String, String)]) -> Delivered {
    let relay = Server::script(vec![Reply::json(200, r#"{"code":0,"msg":"ok"}"#)]);
    let mut run = Run::new();
    for (k, v) in vars {
        run = run.env(k, v);
    }
    let run = run
        .env(&format!("{prefix}KDOCS_TOKEN"), TOKEN)
        .env(&format!("{prefix}WEBHOOK"), &webhook())
        .env(&format!("{prefix}SECRET"), SK)
        .env(&format!("{prefix}KDOCS_API_URL"), &relay.url)
        .env(&format!("{prefix}AT_MOBILES"), MOBILES);
    let out = run.run();
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    let got = relay.relay_calls();
    assert_eq!(got.len(), 1, "{got:?}");
    let body = got[0].json();
    assert_eq!((&body["link"], &body["sk"]), (&json!(webhook()), &json!(SK)), "{body}");
    let (title, text) = markdown(&body);
    Delivered { out, body, title, text }
}

/// An env file with some variables replaced (an empty value unsets one, as CIs do).
fn with(rel: &str, changes: &[(&str, String)]) -> Vec<(String, String)> {
    let mut vars = env_file(rel);
    vars.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k));
    vars.extend(changes.iter().map(|(k, v)| (k.to_string(), v.clone())));
    vars
}

/// Every plugin step gets the lists comma-joined; the mentions arrive as a list and in the text.
fn assert_mentions(d: &Delivered) {
    assert_eq!(d.body["data"][0]["at"]["atMobiles"], json!(["13800000000", "13900000000"]), "{}", d.body);
    d.assert_has(&["@13800000000", "@13900000000"]);
}

#[test]
fn gitlab_push_pipeline_with_settings_from_dingtalk_variables() {
    let vars = with("gitlab/push.env", &[("CI_PIPELINE_CREATED_AT", format_rfc3339(now() - 125))]);
    let d = deliver("DINGTALK_", &vars);
    assert!(d.title.starts_with("✅ ") && d.title.contains("ci-notify") && d.title.contains("main"), "{}", d.title);
    d.assert_has(&[
        "✅",
        "[acme/tools/ci-notify](https://gitlab.example.com/acme/tools/ci-notify)",
        "**dkowalski**",
        "分支 **main**",
        "[3f9c1d2e](https://gitlab.example.com/acme/tools/ci-notify/-/commit/3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d)",
        "Fix retry backoff when webhook returns 429",
        "(https://gitlab.example.com/acme/tools/ci-notify/-/compare/9b2e7c41d0a5f8e3b6c9d2a1f4e7b0c3d6a9f2e5...3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d)",
        "[查看流水线 #318](https://gitlab.example.com/acme/tools/ci-notify/-/pipelines/1187345)",
        "耗时 2 分",
    ]);
    assert!(!d.text.contains("Honour the Retry-After header"), "only the commit's title:\n{}", d.text);
    assert_mentions(&d);
    assert!(!d.out.stdout.contains("::add-mask::"), "no GitHub commands outside GitHub:\n{}", d.out.stdout);
}

#[test]
fn gitlab_merge_request_pipeline_reports_the_jobs_own_failure() {
    let d = deliver("DINGTALK_", &env_file("gitlab/merge_request.env"));
    assert!(d.title.starts_with("❌ ") && d.title.contains("!57"), "{}", d.title);
    d.assert_has(&[
        "❌",
        "失败",
        "[!57](https://gitlab.example.com/acme/tools/ci-notify/-/merge_requests/57)",
        "Honour Retry-After header on HTTP 429",
        "**fix/retry-after** → **main**",
        "[c47a0e9d](https://gitlab.example.com/acme/tools/ci-notify/-/commit/c47a0e9d1b6f3a8e2d5c7b9f0a1e3d5c7b9f1a2e)",
        "[查看流水线 #319](https://gitlab.example.com/acme/tools/ci-notify/-/pipelines/1187412)",
        "耗时 ",
    ]);
}

/// The README's pattern: `when: on_success` / `when: on_failure` jobs in a last stage say how
/// the pipeline went through `DINGTALK_STATUS`, which wins over the notify job's own status.
#[test]
fn gitlab_status_setting_wins_over_ci_job_status() {
    let d = deliver("DINGTALK_", &with("gitlab/merge_request.env", &[("DINGTALK_STATUS", "success".into())]));
    assert!(d.title.starts_with("✅ "), "{}", d.title);
    assert!(d.text.contains("✅") && !d.text.contains("❌") && !d.text.contains("失败"), "{}", d.text);

    let d = deliver("DINGTALK_", &with("gitlab/push.env", &[("DINGTALK_STATUS", "failure".into())]));
    assert!(d.title.starts_with("❌ ") && d.text.contains("❌"), "{}\n{}", d.title, d.text);
}

#[test]
fn drone_push_build_with_plugin_settings() {
    let now = now();
    let vars = with(
        "drone/push.env",
        &[
            ("DRONE_BUILD_STARTED", (now - 125).to_string()),
            // Drone sets the finish of a running build to the moment the step's env was made.
            ("DRONE_BUILD_FINISHED", now.to_string()),
            // A plugin's settings win over plain variables.
            ("DINGTALK_KDOCS_TOKEN", "not-this-token".into()),
            ("DINGTALK_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=not-this-one".into()),
            // The fixture's `notify_on: failure,fixed` would skip this success (see signal.rs).
            ("PLUGIN_NOTIFY_ON", String::new()),
        ],
    );
    let d = deliver("PLUGIN_", &vars);
    assert!(d.title.starts_with("✅ ") && d.title.contains("main"), "{}", d.title);
    d.assert_has(&[
        "✅",
        "[acme/ci-notify](https://github.com/acme/ci-notify)",
        "**dkowalski**",
        "分支 **main**",
        "[5e1f0a9](https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f)",
        "Fix retry backoff when webhook returns 429",
        "[查看变更](https://github.com/acme/ci-notify/compare/a07c9e1b3d5f...5e1f0a9c3b7d)",
        "[查看构建 #57](https://drone.example.com/acme/ci-notify/57)",
        "耗时 2 分",
    ]);
    assert_mentions(&d);
}

#[test]
fn drone_pull_request_build_reports_the_failed_build() {
    let d = deliver("PLUGIN_", &env_file("drone/pull_request.env"));
    assert!(d.title.starts_with("❌ ") && d.title.contains("#58"), "{}", d.title);
    d.assert_has(&[
        "❌",
        "[#58](https://github.com/acme/ci-notify/pull/58)",
        "Honour Retry-After header on HTTP 429",
        "**fix/retry-after** → **main**",
        "**sokafor**",
        "[查看构建 #58](https://drone.example.com/acme/ci-notify/58)",
        "耗时 ",
    ]);
    // For pull requests DRONE_COMMIT_MESSAGE is the pull request's body, not a commit title.
    assert!(!d.text.contains("waits for the server-provided delay"), "{}", d.text);
    assert_mentions(&d);
}

#[test]
fn woodpecker_push_pipeline_with_plugin_settings() {
    let vars = with("woodpecker/push.env", &[("CI_PIPELINE_STARTED", (now() - 125).to_string())]);
    let d = deliver("PLUGIN_", &vars);
    assert!(d.title.starts_with("✅ ") && d.title.contains("main"), "{}", d.title);
    d.assert_has(&[
        "✅",
        "[acme/ci-notify](https://github.com/acme/ci-notify)",
        "分支 **main**",
        "[5e1f0a9](https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f)",
        "(https://github.com/acme/ci-notify/compare/a07c9e1b3d5f7092b4d6f8a1c3e5b7d9f0a2c4e6...5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f)",
        "[查看流水线 #57](https://ci.example.com/repos/12/pipeline/57)",
        "耗时 2 分",
    ]);
    assert_mentions(&d);
}

/// Woodpecker's Drone-compatibility `DRONE_BUILD_STATUS` is always `success`.
#[test]
fn woodpecker_pull_request_pipeline_reports_ci_pipeline_status_not_drones() {
    let d = deliver("PLUGIN_", &env_file("woodpecker/pull_request.env"));
    assert!(d.title.starts_with("❌ ") && d.title.contains("#58"), "{}", d.title);
    d.assert_has(&[
        "❌",
        "失败",
        "[#58](https://github.com/acme/ci-notify/pull/58)",
        "Honour Retry-After header on HTTP 429",
        "**fix/retry-after** → **main**",
        "[查看流水线 #58](https://ci.example.com/repos/12/pipeline/58)",
        "耗时 ",
    ]);
    assert!(!d.text.contains("✅"), "{}", d.text);
}

/// A summary with nothing to say about a fact leaves it out: no empty names, bold or links.
fn assert_sensible(d: &Delivered, what: &str) {
    assert!(!d.title.trim().is_empty(), "{what}: empty title");
    let text = d.text.replace("@13800000000", "").replace("@13900000000", "");
    for bad in ["by  ", " on  ", "  ·", "· ·", "****", "[]", "]()", "none", "None", "null", "undefined", "耗时 0 秒"]
    {
        assert!(!text.contains(bad), "{what}: {bad:?} in:\n{}", d.text);
        assert!(!d.title.contains(bad), "{what}: {bad:?} in the title {:?}", d.title);
    }
    assert!(!d.text.lines().any(|l| l.ends_with(' ') || l.trim() == "·" || l.trim() == "-"), "{what}:\n{}", d.text);
}

#[test]
fn a_nearly_empty_environment_still_gives_a_sensible_summary() {
    for (detect, value, prefix) in
        [("GITLAB_CI", "true", "DINGTALK_"), ("DRONE", "true", "PLUGIN_"), ("CI", "woodpecker", "PLUGIN_")]
    {
        let d = deliver(prefix, &[(detect.to_owned(), value.to_owned())]);
        assert_sensible(&d, detect);
        assert!(d.text.contains("🔔"), "{detect}: unknown status:\n{}", d.text);
    }
}

/// CIs write unset variables as empty ones: every variable of the push env file, emptied.
#[test]
fn empty_variables_are_unset_not_empty_facts() {
    for (file, detect, prefix) in [
        ("gitlab/push.env", "GITLAB_CI", "DINGTALK_"),
        ("drone/push.env", "DRONE", "PLUGIN_"),
        ("woodpecker/push.env", "CI", "PLUGIN_"),
        ("jenkins/push.env", "JENKINS_URL", "DINGTALK_"),
    ] {
        let vars = env_file(file)
            .into_iter()
            .filter(|(k, _)| !k.starts_with("PLUGIN_") && !k.starts_with("DINGTALK_"))
            .map(|(k, v)| if k == detect { (k, v) } else { (k, String::new()) })
            .collect::<Vec<_>>();
        let d = deliver(prefix, &vars);
        assert_sensible(&d, file);
    }
}

/// Only a few facts: the repository and the run, as a CI with most variables missing gives them.
#[test]
fn a_partial_environment_names_what_it_knows() {
    let d = deliver(
        "PLUGIN_",
        &[
            ("DRONE".into(), "true".into()),
            ("DRONE_REPO".into(), "acme/app".into()),
            ("DRONE_BUILD_NUMBER".into(), "7".into()),
            ("DRONE_BUILD_LINK".into(), "https://drone.example.com/acme/app/7".into()),
            ("DRONE_BUILD_STATUS".into(), "failure".into()),
            ("DRONE_COMMIT_SHA".into(), "0123456789abcdef0123456789abcdef01234567".into()),
        ],
    );
    assert_sensible(&d, "partial");
    d.assert_has(&["❌", "acme/app", "0123456", "[查看构建 #7](https://drone.example.com/acme/app/7)"]);
}

#[test]
fn jenkins_push_build_with_the_jenkinsfiles_settings() {
    // As the README's Jenkinsfile passes them: currentBuild.currentResult and startTimeInMillis.
    let started = (now() - 125) * 1000;
    let d = deliver("DINGTALK_", &with("jenkins/push.env", &[("DINGTALK_STARTED_AT", started.to_string())]));
    assert!(d.title.starts_with("✅ ") && d.title.contains("ci-notify") && d.title.contains("main"), "{}", d.title);
    d.assert_has(&[
        "✅",
        "[acme/ci-notify](https://github.com/acme/ci-notify)",
        "成功",
        "分支 **main**",
        "[5e1f0a9](https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f)",
        "[查看构建 #57](https://jenkins.example.com/job/ci-notify/57/)",
        "耗时 2 分",
    ]);
    assert!(!d.text.contains("origin/"), "{}", d.text);
    assert_mentions(&d);
}

#[test]
fn jenkins_multibranch_pull_request_build() {
    let d = deliver("DINGTALK_", &env_file("jenkins/pull_request.env"));
    assert!(d.title.starts_with("❌ ") && d.title.contains("#58"), "{}", d.title);
    d.assert_has(&[
        "❌",
        "失败",
        "[#58](https://github.com/acme/ci-notify/pull/58)",
        "Honour Retry-After header on HTTP 429",
        "**sokafor**",
        "**fix/retry-after** → **main**",
        "[c47a0e9](https://github.com/acme/ci-notify/commit/c47a0e9d1b6f3a8e2d5c7b9f0a1e3d5c7b9f1a2e)",
        "[查看构建 #3](https://jenkins.example.com/job/acme/job/ci-notify/view/change-requests/job/PR-58/3/)",
    ]);
    assert!(!d.text.contains("PR-58**"), "the source branch, not Jenkins' PR-58:\n{}", d.text);
}

#[test]
fn jenkins_tag_build() {
    let d = deliver("DINGTALK_", &env_file("jenkins/tag.env"));
    assert!(d.title.starts_with("✅ ") && d.title.contains("标签 v1.2.0"), "{}", d.title);
    d.assert_has(&[
        "标签 **v1.2.0**",
        "[查看构建 #1](https://jenkins.example.com/job/acme/job/ci-notify/view/tags/job/v1.2.0/1/)",
    ]);
}

/// `currentBuild.currentResult`'s five words, as the README's Jenkins section says each shows.
#[test]
fn jenkins_status_words_each_show_as_documented() {
    for (word, emoji, shown) in [
        ("SUCCESS", "✅", "成功"),
        ("FAILURE", "❌", "失败"),
        ("UNSTABLE", "⚠️", "不稳定"),
        ("ABORTED", "🚫", "已取消"),
        ("NOT_BUILT", "⏭️", "已跳过"),
    ] {
        let d = deliver("DINGTALK_", &with("jenkins/push.env", &[("DINGTALK_STATUS", word.into())]));
        assert!(d.title.starts_with(&format!("{emoji} ")), "{word}: {}", d.title);
        assert!(
            d.text.starts_with(&format!("#### {emoji} ")) && d.text.contains(&format!("· {shown}")),
            "{word}:\n{}",
            d.text
        );
    }
}

/// Without the status setting a Jenkins build still says what it knows, with its link.
#[test]
fn jenkins_without_settings_is_unknown_but_linked() {
    let d = deliver("DINGTALK_", &with("jenkins/push.env", &[("DINGTALK_STATUS", String::new())]));
    assert!(d.title.starts_with("🔔 "), "{}", d.title);
    d.assert_has(&["[查看构建 #57](https://jenkins.example.com/job/ci-notify/57/)"]);
    let d = deliver("DINGTALK_", &[("JENKINS_URL".into(), "https://jenkins.example.com/".into())]);
    assert_sensible(&d, "JENKINS_URL alone");
}

//! What each CI's variables say, per version and per event: GitLab's pipeline sources, its
//! `script:` and `after_script:` job states, schedules, external pull requests and tag messages;
//! Drone 1.x/2.x builds, promotions, rollbacks, custom and cron builds. Each through the binary
//! with a fixture env file, in the reader's words.

use crate::support::*;

/// The title and the text's lines (blank ones dropped) of a dry run.
fn message(rel: &str, changes: &[(&str, &str)]) -> (String, Vec<String>) {
    let (title, text) = markdown(&dry_run_env(rel, changes).json());
    (title, text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

const PUSH_TITLE: &str = "推送到 main：Fix retry backoff when webhook returns 429";

#[test]
fn gitlab_script_says_unknown_and_after_script_says_the_jobs_outcome() {
    let (title, _) = message("gitlab/script.env", &[]);
    assert_eq!(title, format!("🔔 状态未知 · ci-notify · {PUSH_TITLE}"));

    // GitLab Runner 17.x says `timedout` for a job past its timeout: a failure, not unknown.
    let (title, lines) = message("gitlab/after_script.env", &[]);
    assert_eq!(title, format!("❌ 失败 · ci-notify · {PUSH_TITLE}"));
    assert_eq!(lines[0], "#### ❌ [acme/tools/ci-notify](https://gitlab.example.com/acme/tools/ci-notify) · 失败");
    for (word, said) in [("success", "✅ 成功"), ("failed", "❌ 失败"), ("canceled", "🚫 已取消")] {
        let (title, _) = message("gitlab/after_script.env", &[("CI_JOB_STATUS", word)]);
        assert!(title.starts_with(&format!("{said} · ci-notify · ")), "{word}: {title}");
    }
}

#[test]
fn every_gitlab_pipeline_source_is_said_in_chinese_and_english() {
    // GitLab's `CI_PIPELINE_SOURCE` values (doc/ci/jobs/job_rules.md), but the four with summaries
    // of their own (push, schedule and the two change requests), then three newer ones.
    let words = [
        ("api", "API 调用", "api"),
        ("chat", "ChatOps 命令", "ChatOps command"),
        ("external", "外部仓库", "external repository"),
        ("ondemand_dast_scan", "按需 DAST 扫描", "on-demand DAST scan"),
        ("ondemand_dast_validation", "按需 DAST 站点验证", "on-demand DAST site validation"),
        ("parent_pipeline", "父流水线", "parent pipeline"),
        ("pipeline", "上游流水线", "pipeline"),
        ("security_orchestration_policy", "安全策略", "security policy"),
        ("trigger", "触发器", "trigger"),
        ("web", "网页触发", "web"),
        ("webide", "Web IDE", "Web IDE"),
        ("container_registry_push", "容器镜像推送", "container registry push"),
        ("pipeline_execution_policy_schedule", "流水线执行策略定时任务", "pipeline execution policy schedule"),
        ("duo_workflow", "GitLab Duo 工作流", "GitLab Duo workflow"),
    ];
    for (source, zh, en) in words {
        let (title, lines) = message("gitlab/push.env", &[("CI_PIPELINE_SOURCE", source)]);
        assert_eq!(title, format!("✅ 成功 · ci-notify · {zh}（main）"), "{source}");
        assert_eq!(lines[1], format!("**{zh}**，分支 **main**，由 **dkowalski** 发起"), "{source}");
        let (title, _) = message("gitlab/push.env", &[("CI_PIPELINE_SOURCE", source), ("INPUT_LANG", "en")]);
        assert_eq!(title, format!("✅ Success · ci-notify · {en} on main"), "{source}");
    }
}

#[test]
fn a_gitlab_merge_request_pipeline_without_its_variables_is_still_a_merge_request_in_words() {
    // A merge request pipeline for a closed merge request has no CI_MERGE_REQUEST_IID.
    let (title, _) = message("gitlab/merge_request.env", &[("CI_MERGE_REQUEST_IID", "")]);
    assert_eq!(title, "❌ 失败 · ci-notify · 合并请求（fix/retry-after）");
}

#[test]
fn a_gitlab_schedule_is_named_by_its_description() {
    let (title, lines) = message("gitlab/schedule.env", &[]);
    assert_eq!(title, "❌ 失败 · ci-notify · 定时运行 Nightly dependency audit（main）");
    assert_eq!(lines[1], "定时运行 **Nightly dependency audit**，分支 **main**");

    // Before GitLab 17.8 the schedule has no name to give.
    let (title, lines) = message("gitlab/schedule.env", &[("CI_PIPELINE_SCHEDULE_DESCRIPTION", "")]);
    assert_eq!(title, "❌ 失败 · ci-notify · 定时运行（main）");
    assert_eq!(lines[1], "定时运行，分支 **main**");
}

#[test]
fn a_gitlab_external_pull_request_is_githubs_pull_request() {
    let (title, lines) = message("gitlab/external_pull_request.env", &[]);
    assert_eq!(title, "❌ 失败 · ci-notify · PR #58");
    assert_eq!(lines[1], "**sokafor** 的拉取请求 [#58](https://github.com/acme/ci-notify/pull/58)");
    assert!(!lines.iter().any(|l| l.contains("合并请求") || l.contains("!58")), "{lines:#?}");
}

#[test]
fn a_gitlab_tag_shows_its_message() {
    let (title, lines) = message("gitlab/tag.env", &[]);
    assert_eq!(title, "✅ 成功 · ci-notify · 标签 v1.2.0");
    assert_eq!(lines[1], "**dkowalski** 推送了标签 **v1.2.0**");
    assert_eq!(lines[2], "> Release 1.2.0 Retries honour Retry-After.");

    // A lightweight tag has no message: nothing is quoted.
    let (_, lines) = message("gitlab/tag.env", &[("CI_COMMIT_TAG_MESSAGE", "")]);
    assert!(!lines.iter().any(|l| l.starts_with('>')), "{lines:#?}");
}

#[test]
fn drone_1_and_2_builds_tell_their_outcome_without_a_previous_build_status() {
    let (title, lines) = message("drone/push-1.x.env", &[]);
    assert_eq!(title, format!("✅ 成功 · ci-notify · {PUSH_TITLE}"));
    assert_eq!(lines[1], "**dkowalski** 推送到分支 **main**");

    let out = dry_run_env("drone/failure-2.x.env", &[]);
    let (title, text) = markdown(&out.json());
    assert_eq!(title, format!("❌ 失败 · ci-notify · {PUSH_TITLE}"));
    assert!(text.contains("\n失败的步骤：test"), "{text}");
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn drone_promote_rollback_and_custom_builds_say_what_and_where() {
    let (title, lines) = message("drone/promote.env", &[]);
    assert_eq!(title, "✅ 成功 · ci-notify · 推广到 production（main）");
    assert_eq!(lines[1], "推广到 **production**，分支 **main**，由 **sokafor** 发起");
    let (title, lines) = message("drone/promote.env", &[("INPUT_LANG", "en")]);
    assert_eq!(title, "✅ Success · ci-notify · promoted to production on main");
    assert_eq!(lines[1], "Promoted to **production** on branch **main** by **sokafor**");

    let (title, lines) = message("drone/promote.env", &[("DRONE_BUILD_EVENT", "rollback")]);
    assert_eq!(title, "✅ 成功 · ci-notify · 回滚 production（main）");
    assert_eq!(lines[1], "回滚 **production**，分支 **main**，由 **sokafor** 发起");

    let (title, lines) = message("drone/promote.env", &[("DRONE_BUILD_EVENT", "custom"), ("DRONE_DEPLOY_TO", "")]);
    assert_eq!(title, "✅ 成功 · ci-notify · 自定义构建（main）");
    assert_eq!(lines[1], "**自定义构建**，分支 **main**，由 **sokafor** 发起");
}

#[test]
fn a_drone_cron_build_is_not_named_after_its_stage() {
    let (title, lines) = message("drone/cron.env", &[]);
    assert_eq!(title, "✅ 成功 · ci-notify · 定时运行（main）");
    assert_eq!(lines[1], "定时运行，分支 **main**");
    assert!(!lines.iter().any(|l| l.contains("default")), "the stage is not the cron job: {lines:#?}");
}

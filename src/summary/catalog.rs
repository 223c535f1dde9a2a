//! Words for people, in each language the summaries speak: one catalog of phrases that the
//! built-in templates (and custom ones, through `t`) use, so that the template logic exists once.
//!
//! A phrase may hold placeholders, `{name}`, filled from the arguments a template gives
//! (`t("push.pushed", n=3, ref=…)`), and `{s}`, which is `s` unless `n` is 1 (English plurals;
//! Chinese needs none). The catalog is a static table: a run looks up the few phrases it prints
//! and builds nothing at start (docs/performance.md).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The language of built-in titles, summaries, buttons and markers (the `lang` setting). A
/// language is a variant here, its name in [`Lang::ALL`], and a column of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    /// Each language by its name (the `lang` setting's word, `{{ lang }}` in a template), in the
    /// order of the variants, which is the order of the catalog's columns.
    pub const ALL: &'static [(&'static str, Lang)] = &[("zh-CN", Lang::ZhCn), ("en", Lang::En)];
    pub const COUNT: usize = Lang::ALL.len();

    pub fn name(self) -> &'static str {
        Lang::ALL[self as usize].0
    }
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Lang, D::Error> {
        let name = String::deserialize(deserializer)?;
        let lang = Lang::ALL.iter().find(|(n, _)| *n == name).map(|(_, lang)| *lang);
        lang.ok_or_else(|| serde::de::Error::custom(format!("unknown language `{name}`")))
    }
}

/// The phrase for `key` in `lang`, with its placeholders still in it.
pub fn phrase(lang: Lang, key: &str) -> Option<&'static str> {
    PHRASES.iter().find(|(k, _)| *k == key).map(|(_, column)| column[lang as usize])
}

/// Fills a phrase's placeholders: `{name}` with `arg(name)` (left as it is when there is no such
/// argument), `{s}` with the English plural ending for the argument `n`.
pub fn fill(phrase: &str, mut arg: impl FnMut(&str, bool) -> Option<String>) -> String {
    let mut out = String::with_capacity(phrase.len() + 32);
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let at_start = out.is_empty();
        let value = if name == "s" {
            Some(if arg("n", false).is_some_and(|n| n.trim() == "1") { String::new() } else { "s".to_owned() })
        } else {
            arg(name, at_start)
        };
        match value {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `(key, [the phrase in each language])`, in the order of [`Lang::ALL`]. Chinese follows the habits of engineering writing: a space between
/// Chinese and Latin words or numbers (`推送了 3 个提交`), Chinese punctuation in Chinese
/// sentences (`，`, `：`, `（）`), names, branches, SHAs and URLs as they are. GitHub's pull
/// request is 拉取请求 (PR), GitLab's merge request 合并请求, as each product's Chinese UI says.
#[rustfmt::skip]
const PHRASES: &[(&str, [&str; Lang::COUNT])] = &[
    // Statuses, in the headline.
    ("status.success", ["成功", "success"]),
    ("status.failure", ["失败", "failure"]),
    ("status.cancelled", ["已取消", "cancelled"]),
    ("status.skipped", ["已跳过", "skipped"]),
    ("status.started", ["已开始", "started"]),
    ("status.unstable", ["不稳定", "unstable"]),
    ("change.fixed", ["已修复", "fixed"]),
    // A failure after a success: "new", never 又失败了, which reads as "failing still".
    ("change.broken", ["新失败", "broken"]),
    ("status.unknown", ["状态未知", "status unknown"]),
    // Nouns.
    ("build", ["构建", "build"]),
    ("pr", ["拉取请求", "pull request"]),
    ("mr", ["合并请求", "merge request"]),
    ("pr.short", ["PR", "PR"]),
    ("mr.short", ["合并请求", "MR"]),
    ("issue", ["议题", "issue"]),
    ("discussion", ["讨论", "discussion"]),
    ("release", ["版本", "release"]),
    ("prerelease", ["预发布版本", "pre-release"]),
    ("ref.branch", ["分支 {name}", "branch {name}"]),
    ("ref.tag", ["标签 {name}", "tag {name}"]),
    ("ref.branch.short", ["分支", "branch"]),
    ("ref.tag.short", ["标签", "tag"]),
    ("a_ref", ["引用", "a ref"]),
    ("a_branch", ["分支", "a branch"]),
    ("a_workflow", ["工作流", "a workflow"]),
    ("someone", ["有人", "Someone"]),
    ("draft", ["草稿", "Draft"]),
    ("draft_mark", ["（草稿）", " (draft)"]),
    ("empty", ["（空）", "(empty)"]),
    // Glue.
    ("colon", ["：", ": "]),
    ("paren", ["（{text}）", " ({text})"]),
    ("on", ["{ref}", "On {ref}"]),
    ("on_ref", ["，{ref}", " on {ref}"]),
    ("by_bold", ["，由 {who} 发起", " by {who}"]),
    ("run_by", ["发起人 {who}", "by {who}"]),
    ("opened_by", ["作者 {who}", "opened by {who}"]),
    ("labels", ["标签：{labels}", "Labels: {labels}"]),
    ("in_category", ["，分类：{name}", " in {name}"]),
    // Commits and the footer.
    ("commit", ["提交 {commit}", "Commit {commit}"]),
    ("head", ["最新提交 {commit}", "Head {commit}"]),
    ("now_at", ["现在指向 {commit}", "Now at {commit}"]),
    ("more_commits", ["还有 {n} 个提交", "and {n} more"]),
    ("more_items", ["还有 {n} 项", "and {n} more"]),
    // The run's link, as its CI calls the run (`words.run`, src/context/mod.rs): GitHub's
    // workflow run is 运行, GitLab's and Woodpecker's pipeline 流水线, Jenkins' and Drone's build 构建.
    ("view_run", ["查看运行", "View run"]),
    ("view_pipeline", ["查看流水线", "View pipeline"]),
    ("view_build", ["查看构建", "View build"]),
    ("took", ["耗时 {duration}", "took {duration}"]),
    // Durations (src/time.rs): the two largest units; a minute alone is 分钟 in Chinese.
    ("time.day", ["{n} 天", "{n}d"]),
    ("time.hour", ["{n} 小时", "{n}h"]),
    ("time.minute", ["{n} 分", "{n}m"]),
    ("time.minute.alone", ["{n} 分钟", "{n}m"]),
    ("time.second", ["{n} 秒", "{n}s"]),
    ("started_at", ["开始于 {time}", "started {time}"]),
    ("changes", ["查看变更", "Changes"]),
    ("details", ["详情", "Details"]),
    ("environment", ["环境", "Environment"]),
    ("logs", ["日志", "Logs"]),
    ("comment", ["查看评论", "Comment"]),
    ("review", ["查看评审", "Review"]),
    ("release_page", ["发布页", "Release"]),
    // The run's parts, as its CI calls them (`words.part`): GitHub's and GitLab's jobs 作业,
    // Jenkins' stages 阶段, Drone's and Woodpecker's steps 步骤.
    ("failed.job", ["失败的作业：{jobs}", "Failed jobs: {jobs}"]),
    ("failed.stage", ["失败的阶段：{jobs}", "Failed stages: {jobs}"]),
    ("failed.step", ["失败的步骤：{jobs}", "Failed steps: {jobs}"]),
    ("jobs.more", ["，还有 {n} 个", " and {n} more"]),
    ("parts.job", ["作业：{counts}", "Jobs: {counts}"]),
    ("parts.stage", ["阶段：{counts}", "Stages: {counts}"]),
    ("parts.step", ["步骤：{counts}", "Steps: {counts}"]),
    ("jobs.count.unstable", ["不稳定 {n} 个", "{n} unstable"]),
    ("jobs.count.cancelled", ["取消 {n} 个", "{n} cancelled"]),
    ("jobs.count.success", ["成功 {n} 个", "{n} succeeded"]),
    ("jobs.count.skipped", ["跳过 {n} 个", "{n} skipped"]),
    ("jobs.count.started", ["运行中 {n} 个", "{n} running"]),
    ("jobs.count.unknown", ["未知 {n} 个", "{n} unknown"]),
    ("list_sep", ["、", ", "]),
    ("count_sep", ["，", ", "]),
    // Buttons of an actionCard, and the marker of a text cut to DingTalk's size limit.
    ("button.run", ["查看运行", "View run"]),
    ("button.pipeline", ["查看流水线", "View pipeline"]),
    ("button.build", ["查看构建", "View build"]),
    ("button.repo", ["打开仓库", "Open repository"]),
    ("button.pr", ["查看 PR {num}", "View PR {num}"]),
    ("button.mr", ["查看合并请求 {num}", "View MR {num}"]),
    ("button.release", ["查看版本", "View release"]),
    ("button.changes", ["查看变更", "View changes"]),
    ("cut", ["…（内容过长，已截断）", "…"]),
    // Pushes.
    ("push.deleted", ["删除了{ref}", "deleted {ref}"]),
    ("push.new_tag", ["推送了新标签 {tag}", "pushed new tag {tag}"]),
    ("push.created", ["创建了{ref}", "created {ref}"]),
    ("push.created_with", ["创建了{ref}，包含 {n} 个提交", "created {ref} with {n} commit{s}"]),
    ("push.forced", ["强制推送了{ref}", "force-pushed {ref}"]),
    ("push.forced_with", ["强制推送了{ref}（{n} 个新提交）", "force-pushed {ref} ({n} new commit{s})"]),
    ("push.pushed", ["推送了 {n} 个提交到{ref}", "pushed {n} commit{s} to {ref}"]),
    ("push.tag", ["推送了标签 {tag}", "pushed tag {tag}"]),
    ("push.to", ["推送到{ref}", "pushed to {ref}"]),
    ("push.bare", ["推送了代码", "pushed"]),
    ("ref_event.created", ["创建了{ref}", "created {ref}"]),
    ("ref_event.deleted", ["删除了{ref}", "deleted {ref}"]),
    ("default_branch", ["（默认分支：{name}）", " (default branch: {name})"]),
    // Pull requests and issues: `what` is the noun, `num` the linked number.
    ("pr.merged", ["合并了{what} {num}", "merged {what} {num}"]),
    ("pr.closed_unmerged", ["关闭了{what} {num}（未合并）", "closed {what} {num} without merging"]),
    ("pr.synchronize", ["向{what} {num} 推送了新提交", "pushed to {what} {num}"]),
    ("pr.labeled", ["修改了{what} {num} 的标签", "labeled {what} {num}"]),
    ("pr.labeled_who", ["给{what} {num} 添加了标签 {who}", "labeled {what} {num} with {who}"]),
    ("pr.unlabeled", ["修改了{what} {num} 的标签", "unlabeled {what} {num}"]),
    ("pr.unlabeled_who", ["移除了{what} {num} 的标签 {who}", "unlabeled {what} {num} from {who}"]),
    ("pr.assigned", ["指派了{what} {num}", "assigned {what} {num}"]),
    ("pr.assigned_who", ["将{what} {num} 指派给 {who}", "assigned {what} {num} to {who}"]),
    ("pr.unassigned", ["取消了{what} {num} 的指派", "unassigned {what} {num}"]),
    ("pr.unassigned_who", ["取消了 {who} 在{what} {num} 上的指派", "unassigned {what} {num} from {who}"]),
    ("pr.review_requested", ["为{what} {num} 请求了评审", "requested a review of {what} {num}"]),
    ("pr.review_requested_who", ["请 {who} 评审{what} {num}", "requested a review of {what} {num} from {who}"]),
    ("pr.review_request_removed", ["撤回了{what} {num} 的评审请求", "withdrew the review request for {what} {num}"]),
    ("pr.review_request_removed_who", ["撤回了请 {who} 评审{what} {num} 的请求", "withdrew the review request for {what} {num} to {who}"]),
    ("pr.by", ["{who} 的{what} {num}", "{what} {num} by {who}"]),
    ("pr.alone", ["{what} {num}", "{what} {num}"]),
    ("issue.closed", ["关闭了{what} {num}", "closed {what} {num}"]),
    ("issue.closed_completed", ["关闭了{what} {num}（已完成）", "closed {what} {num} as completed"]),
    ("issue.closed_not_planned", ["关闭了{what} {num}（不做计划）", "closed {what} {num} as not planned"]),
    // Any other action on a pull request, issue, release or discussion; `did` when the
    // catalog has no sentence for the action.
    ("did", ["更新了{what} {num}（{action}）", "{action} {what} {num}"]),
    ("did.synchronized", ["向{what} {num} 推送了新提交", "synchronized {what} {num}"]),
    ("did.opened", ["创建了{what} {num}", "opened {what} {num}"]),
    ("did.created", ["创建了{what} {num}", "created {what} {num}"]),
    ("did.reopened", ["重新打开了{what} {num}", "reopened {what} {num}"]),
    ("did.closed", ["关闭了{what} {num}", "closed {what} {num}"]),
    ("did.edited", ["编辑了{what} {num}", "edited {what} {num}"]),
    ("did.deleted", ["删除了{what} {num}", "deleted {what} {num}"]),
    ("did.updated", ["更新了{what} {num}", "updated {what} {num}"]),
    ("did.ready_for_review", ["将{what} {num} 标记为可评审", "marked {what} {num} ready for review"]),
    ("did.converted_to_draft", ["将{what} {num} 转为草稿", "converted {what} {num} to a draft"]),
    ("did.locked", ["锁定了{what} {num}", "locked {what} {num}"]),
    ("did.unlocked", ["解锁了{what} {num}", "unlocked {what} {num}"]),
    ("did.pinned", ["置顶了{what} {num}", "pinned {what} {num}"]),
    ("did.unpinned", ["取消置顶了{what} {num}", "unpinned {what} {num}"]),
    ("did.transferred", ["转移了{what} {num}", "transferred {what} {num}"]),
    ("did.milestoned", ["将{what} {num} 加入了里程碑", "added {what} {num} to a milestone"]),
    ("did.demilestoned", ["将{what} {num} 移出了里程碑", "removed {what} {num} from its milestone"]),
    ("did.answered", ["为{what} {num} 选出了答案", "marked an answer in {what} {num}"]),
    ("did.unanswered", ["取消了{what} {num} 的答案", "unmarked the answer in {what} {num}"]),
    ("did.enqueued", ["将{what} {num} 加入了合并队列", "added {what} {num} to the merge queue"]),
    ("did.dequeued", ["将{what} {num} 移出了合并队列", "removed {what} {num} from the merge queue"]),
    ("did.auto_merge_enabled", ["为{what} {num} 开启了自动合并", "enabled auto-merge for {what} {num}"]),
    ("did.auto_merge_disabled", ["为{what} {num} 关闭了自动合并", "disabled auto-merge for {what} {num}"]),
    ("did.published", ["发布了{what} {num}", "published {what} {num}"]),
    ("did.released", ["发布了{what} {num}", "released {what} {num}"]),
    ("did.unpublished", ["撤回了{what} {num}", "unpublished {what} {num}"]),
    // Reviews and comments.
    ("review.approved", ["{who} 批准了{what} {num}", "{who} approved {what} {num}"]),
    ("review.changes_requested", ["{who} 要求修改{what} {num}", "{who} requested changes on {what} {num}"]),
    ("review.commented", ["{who} 评论了{what} {num}", "{who} commented on {what} {num}"]),
    ("review.dismissed", ["{who} 驳回了{what} {num} 的一条评审", "{who} dismissed a review of {what} {num}"]),
    ("review.reviewed", ["{who} 评审了{what} {num}", "{who} reviewed {what} {num}"]),
    ("comment.created", ["评论了{what} {num}", "commented on {what} {num}"]),
    ("comment.edited", ["编辑了{what} {num} 的一条评论", "edited a comment on {what} {num}"]),
    ("comment.deleted", ["删除了{what} {num} 的一条评论", "deleted a comment on {what} {num}"]),
    // Releases.
    ("release.published", ["发布了{what} {name}", "published {what} {name}"]),
    ("release.drafted", ["起草了{what} {name}", "drafted {what} {name}"]),
    ("release.line", ["{what} {name}", "{what} {name}"]),
    ("tag_mark", ["（标签 {tag}）", " (tag {tag})"]),
    ("target", ["目标：{ref}", "Target: {ref}"]),
    // Runs started otherwise: by hand, by the clock, through the API.
    ("dispatch.ran", ["手动运行了 {workflow}", "ran {workflow} by hand"]),
    ("dispatch.ran_on", ["在{ref} 上手动运行了 {workflow}", "ran {workflow} by hand on {ref}"]),
    ("dispatch.sent", ["通过 API 触发了 {type}", "sent the repository dispatch {type}"]),
    ("dispatch.sent_on", ["通过 API 在{ref} 上触发了 {type}", "sent the repository dispatch {type} on {ref}"]),
    ("dispatch.event", ["事件", "event"]),
    ("inputs", ["输入参数：", "Inputs:"]),
    ("client_payload", ["附带参数：", "Client payload:"]),
    ("schedule", ["定时运行", "Scheduled run"]),
    ("schedule.of", ["定时运行 {workflow}", "Scheduled run of {workflow}"]),
    ("cron", ["（cron：{cron}）", " (cron {cron})"]),
    // Reporting events: other runs, checks, deployments, the merge queue.
    ("workflow", ["工作流 {name}", "Workflow {name}"]),
    ("attempt", ["（第 {n} 次尝试）", " (attempt {n})"]),
    ("triggered_by", ["触发方式：{event}", "Triggered by {event}"]),
    ("ran", ["运行", "Ran"]),
    ("run.on", [" · {ref}", " on {ref}"]),
    ("run.by", [" · 发起人 {who}", " by {who}"]),
    ("outcome", ["：{word}", " {word}"]),
    ("check_run", ["检查 {name}", "Check {name}"]),
    ("check_run.unnamed", ["运行", "run"]),
    ("check_suite", ["检查套件", "Check suite"]),
    ("check_suite.of", ["检查套件 {app}", "Check suite of {app}"]),
    ("deploy", ["部署", "Deployment"]),
    ("deploy.of", ["部署 {ref}", "Deployment of {ref}"]),
    ("deploy.to", ["部署到 {env}", "Deployment to {env}"]),
    ("deploy.of_to", ["将 {ref} 部署到 {env}", "Deployment of {ref} to {env}"]),
    ("merge_queue", ["合并队列", "Merge queue"]),
    ("merge_queue.for", ["{ref} 的合并队列", "Merge queue for {ref}"]),
    // Words of events and states, where the payload gives a word.
    ("word.success", ["成功", "success"]),
    ("word.unstable", ["不稳定", "unstable"]),
    ("word.failure", ["失败", "failure"]),
    ("word.cancelled", ["已取消", "cancelled"]),
    ("word.skipped", ["已跳过", "skipped"]),
    ("word.neutral", ["中立", "neutral"]),
    ("word.timed_out", ["超时", "timed out"]),
    ("word.action_required", ["需要处理", "action required"]),
    ("word.stale", ["已过期", "stale"]),
    ("word.startup_failure", ["启动失败", "startup failure"]),
    ("word.completed", ["已完成", "completed"]),
    ("word.in_progress", ["进行中", "in progress"]),
    ("word.queued", ["排队中", "queued"]),
    ("word.requested", ["已请求", "requested"]),
    ("word.waiting", ["等待中", "waiting"]),
    ("word.pending", ["等待中", "pending"]),
    ("word.error", ["出错", "error"]),
    ("word.inactive", ["已失效", "inactive"]),
    ("word.rerequested", ["已重新请求", "re-requested"]),
    ("word.checks_requested", ["已请求检查", "checks requested"]),
    ("word.destroy_requested", ["已请求销毁", "destroy requested"]),
    ("word.push", ["推送", "push"]),
    ("word.pull_request", ["拉取请求", "pull request"]),
    ("word.pull_request_target", ["拉取请求", "pull request target"]),
    ("word.schedule", ["定时任务", "schedule"]),
    ("word.workflow_dispatch", ["手动运行", "workflow dispatch"]),
    ("word.repository_dispatch", ["API 调用", "repository dispatch"]),
    ("word.workflow_run", ["工作流运行", "workflow run"]),
    ("word.merge_group", ["合并队列", "merge group"]),
    ("word.release", ["发布", "release"]),
    ("word.status", ["提交状态", "status"]),
    ("word.manual", ["手动运行", "manual"]),
    ("word.web", ["网页触发", "web"]),
    ("word.api", ["API 调用", "api"]),
    ("word.trigger", ["触发器", "trigger"]),
    ("word.pipeline", ["上游流水线", "pipeline"]),
    ("word.cron", ["定时任务", "cron"]),
    ("word.tag", ["标签", "tag"]),
    // GitLab's pipeline sources (`CI_PIPELINE_SOURCE`, doc/ci/jobs/job_rules.md) that have no
    // summary of their own, as its Chinese UI and engineers say them; the last three are newer.
    ("word.chat", ["ChatOps 命令", "ChatOps command"]),
    ("word.external", ["外部仓库", "external repository"]),
    ("word.external_pull_request_event", ["外部拉取请求", "external pull request"]),
    ("word.merge_request_event", ["合并请求", "merge request"]),
    ("word.ondemand_dast_scan", ["按需 DAST 扫描", "on-demand DAST scan"]),
    ("word.ondemand_dast_validation", ["按需 DAST 站点验证", "on-demand DAST site validation"]),
    ("word.parent_pipeline", ["父流水线", "parent pipeline"]),
    ("word.security_orchestration_policy", ["安全策略", "security policy"]),
    ("word.webide", ["Web IDE", "Web IDE"]),
    ("word.container_registry_push", ["容器镜像推送", "container registry push"]),
    ("word.pipeline_execution_policy_schedule", ["流水线执行策略定时任务", "pipeline execution policy schedule"]),
    ("word.duo_workflow", ["GitLab Duo 工作流", "GitLab Duo workflow"]),
    // Drone's builds started by hand (`drone build promote|rollback|create`).
    ("word.promote", ["推广", "promotion"]),
    ("word.rollback", ["回滚", "rollback"]),
    ("word.custom", ["自定义构建", "custom build"]),
    // A promotion or rollback and the environment it goes to (Drone's `DRONE_DEPLOY_TO`).
    ("deploy_to.promote", ["推广到 {env}", "promoted to {env}"]),
    ("deploy_to.rollback", ["回滚 {env}", "rolled back {env}"]),
    // A run whose trigger the CI does not say (a Jenkins build).
    ("word.build", ["构建", "build"]),
    ("word.deployment", ["部署", "deployment"]),
    ("word.workflow_job", ["工作流作业", "workflow job"]),
    ("word.synchronize", ["同步", "synchronize"]),
    ("word.synchronized", ["已同步", "synchronized"]),
    ("word.opened", ["已创建", "opened"]),
    ("word.closed", ["已关闭", "closed"]),
    ("word.created", ["已创建", "created"]),
    ("word.edited", ["已编辑", "edited"]),
    ("word.deleted", ["已删除", "deleted"]),
    // Each GitHub webhook event by name (docs.github.com, "Webhook events and payloads"), as
    // GitHub's Chinese docs and engineers say it; product names (Dependabot, GitHub Pages,
    // Marketplace, Webhook, GitHub App, Wiki) stay as they are. An event not listed here is shown
    // as its identifier, `like_this`.
    ("event.branch_protection_configuration", ["分支保护配置", "branch protection configuration"]),
    ("event.branch_protection_rule", ["分支保护规则", "branch protection rule"]),
    ("event.check_run", ["检查运行", "check run"]),
    ("event.check_suite", ["检查套件", "check suite"]),
    ("event.code_scanning_alert", ["代码扫描告警", "code scanning alert"]),
    ("event.commit_comment", ["提交评论", "commit comment"]),
    ("event.create", ["创建分支或标签", "branch or tag created"]),
    ("event.custom_property", ["自定义属性", "custom property"]),
    ("event.custom_property_values", ["仓库的自定义属性值", "custom property values"]),
    ("event.delete", ["删除分支或标签", "branch or tag deleted"]),
    ("event.dependabot_alert", ["Dependabot 告警", "Dependabot alert"]),
    ("event.deploy_key", ["部署密钥", "deploy key"]),
    ("event.deployment", ["部署", "deployment"]),
    ("event.deployment_protection_rule", ["部署保护规则", "deployment protection rule"]),
    ("event.deployment_review", ["部署审核", "deployment review"]),
    ("event.deployment_status", ["部署状态", "deployment status"]),
    ("event.discussion", ["讨论", "discussion"]),
    ("event.discussion_comment", ["讨论评论", "discussion comment"]),
    ("event.fork", ["复刻", "fork"]),
    ("event.github_app_authorization", ["GitHub App 授权", "GitHub App authorization"]),
    ("event.gollum", ["Wiki 页面", "wiki page"]),
    ("event.installation", ["GitHub App 安装", "GitHub App installation"]),
    ("event.installation_repositories", ["GitHub App 安装的仓库", "repositories of a GitHub App installation"]),
    ("event.installation_target", ["GitHub App 安装的账号", "account of a GitHub App installation"]),
    ("event.issue_comment", ["议题评论", "issue comment"]),
    ("event.issue_dependencies", ["议题依赖", "issue dependencies"]),
    ("event.issues", ["议题", "issue"]),
    ("event.label", ["标签", "label"]),
    ("event.marketplace_purchase", ["Marketplace 购买", "Marketplace purchase"]),
    ("event.member", ["协作者", "collaborator"]),
    ("event.membership", ["团队成员", "team membership"]),
    ("event.merge_group", ["合并队列", "merge queue"]),
    ("event.meta", ["Webhook", "webhook"]),
    ("event.milestone", ["里程碑", "milestone"]),
    ("event.org_block", ["组织屏蔽的用户", "user blocked by an organization"]),
    ("event.organization", ["组织", "organization"]),
    ("event.package", ["软件包", "package"]),
    ("event.page_build", ["GitHub Pages 构建", "GitHub Pages build"]),
    ("event.personal_access_token_request", ["个人访问令牌申请", "personal access token request"]),
    ("event.ping", ["Webhook 连通测试", "webhook ping"]),
    ("event.project", ["项目（经典）", "project (classic)"]),
    ("event.project_card", ["项目卡片（经典）", "project card (classic)"]),
    ("event.project_column", ["项目列（经典）", "project column (classic)"]),
    ("event.projects_v2", ["项目", "project"]),
    ("event.projects_v2_item", ["项目条目", "project item"]),
    ("event.projects_v2_status_update", ["项目状态更新", "project status update"]),
    ("event.public", ["仓库公开", "repository made public"]),
    ("event.pull_request", ["拉取请求", "pull request"]),
    ("event.pull_request_review", ["拉取请求评审", "pull request review"]),
    ("event.pull_request_review_comment", ["拉取请求评审评论", "pull request review comment"]),
    ("event.pull_request_review_thread", ["拉取请求评审会话", "pull request review thread"]),
    ("event.push", ["推送", "push"]),
    ("event.registry_package", ["软件包", "package"]),
    ("event.release", ["版本", "release"]),
    ("event.repository", ["仓库", "repository"]),
    ("event.repository_advisory", ["仓库安全公告", "repository security advisory"]),
    ("event.repository_dispatch", ["API 调用", "repository dispatch"]),
    ("event.repository_import", ["仓库导入", "repository import"]),
    ("event.repository_ruleset", ["仓库规则集", "repository ruleset"]),
    ("event.repository_vulnerability_alert", ["仓库漏洞告警", "repository vulnerability alert"]),
    ("event.secret_scanning_alert", ["密钥扫描告警", "secret scanning alert"]),
    ("event.secret_scanning_alert_location", ["密钥扫描告警位置", "secret scanning alert location"]),
    ("event.secret_scanning_scan", ["密钥扫描", "secret scanning scan"]),
    ("event.security_advisory", ["安全公告", "security advisory"]),
    ("event.security_and_analysis", ["安全与分析设置", "security and analysis settings"]),
    ("event.sponsorship", ["赞助", "sponsorship"]),
    ("event.star", ["星标", "star"]),
    ("event.status", ["提交状态", "commit status"]),
    ("event.sub_issues", ["子议题", "sub-issues"]),
    ("event.team", ["团队", "team"]),
    ("event.team_add", ["团队获得仓库权限", "team added to a repository"]),
    ("event.watch", ["星标", "star"]),
    ("event.workflow_dispatch", ["手动运行", "workflow dispatch"]),
    ("event.workflow_job", ["工作流作业", "workflow job"]),
    ("event.workflow_run", ["工作流运行", "workflow run"]),
    // What happened to the event's object (its `action`), as a state: "分支保护规则 main：已创建".
    // `action.<event>.<action>` where the event gives the word another sense.
    ("action.created", ["已创建", "created"]),
    ("action.deleted", ["已删除", "deleted"]),
    ("action.edited", ["已编辑", "edited"]),
    ("action.updated", ["已更新", "updated"]),
    ("action.closed", ["已关闭", "closed"]),
    ("action.reopened", ["已重新打开", "reopened"]),
    ("action.opened", ["已创建", "opened"]),
    ("action.added", ["已添加", "added"]),
    ("action.removed", ["已移除", "removed"]),
    ("action.renamed", ["已重命名", "renamed"]),
    ("action.moved", ["已移动", "moved"]),
    ("action.transferred", ["已转移", "transferred"]),
    ("action.archived", ["已归档", "archived"]),
    ("action.unarchived", ["已取消归档", "unarchived"]),
    ("action.converted", ["已转换", "converted"]),
    ("action.reordered", ["已调整顺序", "reordered"]),
    ("action.restored", ["已恢复", "restored"]),
    ("action.published", ["已发布", "published"]),
    ("action.withdrawn", ["已撤回", "withdrawn"]),
    ("action.privatized", ["已设为私有", "made private"]),
    ("action.publicized", ["已设为公开", "made public"]),
    ("action.fixed", ["已修复", "fixed"]),
    ("action.closed_by_user", ["已被用户关闭", "closed by a user"]),
    ("action.reopened_by_user", ["已被用户重新打开", "reopened by a user"]),
    ("action.appeared_in_branch", ["出现在新分支", "appeared in a branch"]),
    ("action.dismissed", ["已忽略", "dismissed"]),
    ("action.auto_dismissed", ["已自动忽略", "auto-dismissed"]),
    ("action.auto_reopened", ["已自动重新打开", "auto-reopened"]),
    ("action.reintroduced", ["再次出现", "reintroduced"]),
    ("action.resolved", ["已解决", "resolved"]),
    ("action.unresolved", ["已重新打开", "unresolved"]),
    ("action.create", ["已创建", "created"]),
    ("action.dismiss", ["已忽略", "dismissed"]),
    ("action.resolve", ["已解决", "resolved"]),
    ("action.reopen", ["已重新打开", "reopened"]),
    ("action.blocked", ["已屏蔽", "blocked"]),
    ("action.unblocked", ["已解除屏蔽", "unblocked"]),
    ("action.member_added", ["成员已加入", "member added"]),
    ("action.member_removed", ["成员已移除", "member removed"]),
    ("action.member_invited", ["已邀请成员", "member invited"]),
    ("action.added_to_repository", ["已获得仓库权限", "added to a repository"]),
    ("action.removed_from_repository", ["已失去仓库权限", "removed from a repository"]),
    ("action.purchased", ["已购买", "purchased"]),
    ("action.cancelled", ["已取消", "cancelled"]),
    ("action.changed", ["已变更", "changed"]),
    ("action.pending_change", ["待变更", "change pending"]),
    ("action.pending_change_cancelled", ["待变更已取消", "pending change cancelled"]),
    ("action.pending_cancellation", ["待取消", "cancellation pending"]),
    ("action.pending_tier_change", ["等级待变更", "tier change pending"]),
    ("action.tier_changed", ["等级已变更", "tier changed"]),
    ("action.revoked", ["已撤销", "revoked"]),
    ("action.suspend", ["已暂停", "suspended"]),
    ("action.unsuspend", ["已恢复", "unsuspended"]),
    ("action.new_permissions_accepted", ["已接受新权限", "new permissions accepted"]),
    ("action.requested", ["已请求", "requested"]),
    ("action.approved", ["已批准", "approved"]),
    ("action.rejected", ["已拒绝", "rejected"]),
    ("action.denied", ["已拒绝", "denied"]),
    ("action.completed", ["已完成", "completed"]),
    ("action.in_progress", ["进行中", "in progress"]),
    ("action.queued", ["排队中", "queued"]),
    ("action.waiting", ["等待中", "waiting"]),
    ("action.rerequested", ["已重新请求", "re-requested"]),
    ("action.requested_action", ["已请求操作", "action requested"]),
    ("action.checks_requested", ["已请求检查", "checks requested"]),
    ("action.destroyed", ["已销毁", "destroyed"]),
    ("action.enabled", ["已启用", "enabled"]),
    ("action.disabled", ["已停用", "disabled"]),
    ("action.labeled", ["已添加标签", "labeled"]),
    ("action.unlabeled", ["已移除标签", "unlabeled"]),
    ("action.assigned", ["已指派", "assigned"]),
    ("action.unassigned", ["已取消指派", "unassigned"]),
    ("action.milestoned", ["已加入里程碑", "added to a milestone"]),
    ("action.demilestoned", ["已移出里程碑", "removed from its milestone"]),
    ("action.pinned", ["已置顶", "pinned"]),
    ("action.unpinned", ["已取消置顶", "unpinned"]),
    ("action.locked", ["已锁定", "locked"]),
    ("action.unlocked", ["已解锁", "unlocked"]),
    ("action.answered", ["已解答", "answered"]),
    ("action.unanswered", ["已取消答案", "answer unmarked"]),
    ("action.category_changed", ["分类已变更", "category changed"]),
    ("action.submitted", ["已提交", "submitted"]),
    ("action.synchronize", ["有新提交", "new commits"]),
    ("action.ready_for_review", ["可以评审了", "ready for review"]),
    ("action.converted_to_draft", ["已转为草稿", "converted to a draft"]),
    ("action.review_requested", ["已请求评审", "review requested"]),
    ("action.review_request_removed", ["已撤回评审请求", "review request removed"]),
    ("action.prereleased", ["已预发布", "pre-released"]),
    ("action.released", ["已发布", "released"]),
    ("action.unpublished", ["已撤回发布", "unpublished"]),
    ("action.star.created", ["已加星标", "starred"]),
    ("action.star.deleted", ["已取消星标", "unstarred"]),
    ("action.watch.started", ["已加星标", "starred"]),
    ("action.package.published", ["已发布新版本", "new version published"]),
    ("action.package.updated", ["版本已更新", "version updated"]),
    // The generic summary: the event's object (`name`, when it has one), what happened to it, who.
    ("generic.what", ["{event} {name}：{action}", "{event} {name}: {action}"]),
    ("generic.event", ["{event}：{action}", "{event}: {action}"]),
    ("by_who", ["，操作人 {who}", " by {who}"]),
    ("sha_mark", ["（提交 {sha}）", " (commit {sha})"]),
    // Commit statuses, a workflow's jobs, review comments and threads on a pull request.
    ("status.of", ["提交状态 {context}", "Commit status {context}"]),
    ("job", ["作业 {name}", "Job {name}"]),
    ("job.of", ["工作流 {workflow}", "Workflow {workflow}"]),
    ("file", ["文件 {path}", "File {path}"]),
    ("runner", ["运行器 {name}", "Runner {name}"]),
    ("review_comment.created", ["评论了{what} {num} 的代码", "commented on the code of {what} {num}"]),
    ("thread.resolved", ["将{what} {num} 的一个评审会话标记为已解决", "resolved a review thread on {what} {num}"]),
    ("thread.unresolved", ["将{what} {num} 的一个评审会话重新标记为未解决", "unresolved a review thread on {what} {num}"]),
    ("thread", ["更新了{what} {num} 的一个评审会话", "updated a review thread on {what} {num}"]),
    ("release.created", ["创建了{what} {name}", "created {what} {name}"]),
    // The title: plain text, short.
    ("title.deleted", ["删除{kind} {name}", "deleted {kind} {name}"]),
    ("title.new", ["新{kind} {name}", "new {kind} {name}"]),
    ("title.force", ["强制推送", "force-push"]),
    ("title.force_to", ["强制推送到 {ref}", "force-push to {ref}"]),
    ("title.tag", ["标签 {name}", "tag {name}"]),
    ("title.push", ["推送", "push"]),
    ("title.push_to", ["推送到 {ref}", "push to {ref}"]),
    ("title.review.approved", ["PR {num} 已批准", "PR {num} approved"]),
    ("title.review.changes_requested", ["PR {num} 被要求修改", "PR {num} changes requested"]),
    ("title.review.reviewed", ["PR {num} 有新评审", "PR {num} reviewed"]),
    ("title.comment", ["{what} {num} 有新评论", "comment on {what} {num}"]),
    ("title.comment.edited", ["{what} {num} 的评论已编辑", "comment on {what} {num} edited"]),
    ("title.comment.deleted", ["{what} {num} 的评论已删除", "comment on {what} {num} deleted"]),
    ("title.pr", ["{what} {num}", "{what} {num}"]),
    ("title.pr.merged", ["{what} {num} 已合并", "{what} {num} merged"]),
    ("title.pr.closed", ["{what} {num} 已关闭", "{what} {num} closed"]),
    ("title.pr.opened", ["{what} {num} 已创建", "{what} {num} opened"]),
    ("title.pr.reopened", ["{what} {num} 重新打开", "{what} {num} reopened"]),
    ("title.pr.ready_for_review", ["{what} {num} 可以评审了", "{what} {num} ready for review"]),
    ("title.release", ["发布{what} {name}", "{what} {name}"]),
    ("title.workflow", ["工作流 {name}", "workflow {name}"]),
    ("title.by_hand", ["手动运行 {workflow}", "{workflow} run by hand"]),
    ("title.by_hand_on", ["手动运行 {workflow}（{ref}）", "{workflow} run by hand on {ref}"]),
    ("title.scheduled", ["定时运行 {workflow}", "scheduled run of {workflow}"]),
    ("title.scheduled_on", ["定时运行 {workflow}（{ref}）", "scheduled run of {workflow} on {ref}"]),
    ("schedule.run", ["工作流", "the workflow"]),
    // A run by the clock whose schedule has no name the CI gives (a Drone cron build).
    ("title.scheduled_bare", ["定时运行", "scheduled run"]),
    ("title.scheduled_bare_on", ["定时运行（{ref}）", "scheduled run on {ref}"]),
    ("title.dispatch", ["API 触发 {type}", "dispatch {type}"]),
    ("title.issue", ["议题 {num} {action}", "issue {num} {action}"]),
    ("title.deploy", ["部署", "deployment"]),
    ("title.deploy_to", ["部署到 {env}", "deployment to {env}"]),
    ("title.check_run", ["检查 {name}", "check {name}"]),
    ("title.check_suite", ["检查套件 {app}", "check suite {app}"]),
    ("title.merge_queue_for", ["合并队列（{ref}）", "merge queue for {ref}"]),
    ("title.discussion", ["讨论 {num} {action}", "discussion {num} {action}"]),
    ("title.on", ["（{ref}）", " on {ref}"]),
    ("title.event", ["{event}：{action}", "{event} {action}"]),
    ("title.event_named", ["{event} {name}：{action}", "{event} {name} {action}"]),
    ("title.status", ["提交状态 {context}", "commit status {context}"]),
    ("title.job", ["作业 {name}", "job {name}"]),
    ("title.thread.resolved", ["{what} {num} 评审会话已解决", "{what} {num} review thread resolved"]),
    ("title.thread.unresolved", ["{what} {num} 评审会话未解决", "{what} {num} review thread unresolved"]),
    ("title.release.created", ["创建{what} {name}", "{what} {name} created"]),
    ("title.release.drafted", ["{what}草稿 {name}", "draft {what} {name}"]),
    ("title.release.edited", ["编辑{what} {name}", "{what} {name} edited"]),
    ("title.release.deleted", ["删除{what} {name}", "{what} {name} deleted"]),
    ("title.release.unpublished", ["撤回{what} {name}", "{what} {name} unpublished"]),
    // What happened to an issue or a discussion, in a title.
    ("done.opened", ["已创建", "opened"]),
    ("done.created", ["已创建", "created"]),
    ("done.closed", ["已关闭", "closed"]),
    ("done.reopened", ["已重新打开", "reopened"]),
    ("done.edited", ["已编辑", "edited"]),
    ("done.deleted", ["已删除", "deleted"]),
    ("done.labeled", ["标签有变", "labeled"]),
    ("done.unlabeled", ["标签有变", "unlabeled"]),
    ("done.assigned", ["已指派", "assigned"]),
    ("done.unassigned", ["已取消指派", "unassigned"]),
    ("done.answered", ["已解答", "answered"]),
    ("done.locked", ["已锁定", "locked"]),
    ("done.unlocked", ["已解锁", "unlocked"]),
    ("done.pinned", ["已置顶", "pinned"]),
    ("done.transferred", ["已转移", "transferred"]),
];

/// What the tool says to people besides the summary, in the language of `lang`: usage errors,
/// warnings, notices, `--help` and `kdocs-auth`, `{name}` filled from `args`. Setting names,
/// variable names, codes and URLs are arguments or stay as they are in every language.
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let text = MESSAGES.iter().find(|(k, _)| *k == key).map_or(key, |(_, column)| column[lang as usize]);
    fill(text, |name, _| args.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
}

/// `a, b or c` / `a、b 或 c`.
pub fn one_of(lang: Lang, words: &[&str]) -> String {
    match words.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => {
            let sep = if lang == Lang::ZhCn { "、" } else { ", " };
            say(lang, "list.or", &[("rest", &rest.join(sep)), ("last", last)])
        }
        None => String::new(),
    }
}

/// `(key, [the message in each language])`, like [`PHRASES`]. Chinese as a CI log line says it:
/// short, full-width punctuation in Chinese sentences, names in backticks as they are.
#[rustfmt::skip]
const MESSAGES: &[(&str, [&str; Lang::COUNT])] = &[
    ("list.or", ["{rest} 或 {last}", "{rest} or {last}"]),
    // The command line (src/settings/args.rs): never the argument's text, which may be a secret.
    ("args.unexpected", [
        "无法识别第 {place} 个参数（可能是密钥，不予显示）：设置项写作 --name value（见 {help}）",
        "unexpected argument {place}, not shown as it may be a secret: settings are given as --name value (see {help})",
    ]),
    ("args.unknown", ["未知选项 `--{flag}`{guess}（见 {help}）", "unknown option `--{flag}`{guess} (see {help})"]),
    ("args.did_you_mean", ["，是不是 `{flag}`？", ": did you mean `{flag}`?"]),
    ("args.needs_value", ["选项 `--{flag}` 缺少值（见 {help}）", "option `--{flag}` needs a value (see {help})"]),
    ("args.not_utf8", [
        "选项 `--{flag}` 的值不是 UTF-8 文本（见 {help}）",
        "option `--{flag}` has a value that is not UTF-8 text (see {help})",
    ]),
    // Settings (src/settings/mod.rs).
    ("setting.required", [
        "缺少设置 `{name}`{when}：在 {places} 中任设其一{or}",
        "the setting `{name}` is required{when}: set one of {places}{or}",
    ]),
    ("setting.required.input", [
        "缺少输入 `{name}`{when}：在该步骤的 `with:` 下添加 `{name}: {expr}`（也会从 {places} 读取）{or}",
        "the input `{name}` is required{when}: add `{name}: {expr}` under the step's `with:` (also read from {places}){or}",
    ]),
    ("setting.required.kdocs", ["（`transport: kdocs` 时必填）", " with `transport: kdocs`"]),
    ("setting.required.renew", [
        "；也可以设置 `kdocs_app_id`、`kdocs_app_key`、`kdocs_refresh_token` 三项，每次自动续期令牌（见 README「KDocs 令牌」）",
        ", or the three `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` to renew one (README, \"KDocs token\")",
    ]),
    ("setting.required.renew.input", [
        "；也可以设置 `kdocs_app_id`、`kdocs_app_key`、`kdocs_refresh_token` 三个输入，每次自动续期令牌（见 README「KDocs 令牌」）",
        ", or the three inputs `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` to renew one (README, \"KDocs token\")",
    ]),
    ("setting.renew.missing", [
        "续期 KDocs 令牌需要 `kdocs_app_id`、`kdocs_app_key` 和 `kdocs_refresh_token` 三项：缺少 {missing}",
        "renewing the KDocs token needs `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token`: {missing} is missing",
    ]),
    ("setting.renew.one", ["`{name}`（在 {places} 中任设其一）", "`{name}` (set one of {places})"]),
    ("setting.renew.and", ["、", " and "]),
    ("setting.bad_value", ["`{name}` 的值 `{value}`（来自 {from}）无效：{fix}", "`{name}` has the value `{value}` (from {from}): {fix}"]),
    ("setting.default", ["默认值", "its default"]),
    ("setting.not_url", [
        "`{name}`（来自 {from}）不是 http(s) 地址：请填完整地址 https://…",
        "`{name}` (from {from}) is not an http(s) URL: give the full URL, https://…",
    ]),
    ("setting.empty_access_token", [
        "`{name}`（来自 {from}）的 `access_token` 为空：从群机器人设置中复制完整的 Webhook 地址，或只填它的 access token",
        "`{name}` (from {from}) has an empty `access_token`: copy the robot's whole webhook URL from the group's robot settings, or give its access token alone",
    ]),
    ("setting.jobs_unreadable", [
        "`{name}`（来自 {from}）无法解析：{why}；请填 {json} 这样的 JSON，或 GitHub 的 {needs}",
        "`{name}` (from {from}) cannot be read: {why}; give JSON like {json} or GitHub's {needs}",
    ]),
    ("setting.both_templates", [
        "`template`（{template}）和 `template_file`（{file}）同时设置了：只保留一个",
        "`template` ({template}) and `template_file` ({file}) are both set: keep one",
    ]),
    ("fix.bool", ["请填 true 或 false（也可用 1/0、yes/no）", "use true or false (also 1/0, yes/no)"]),
    ("fix.when", ["`{word}` 不是 {words} 之一{guess}", "`{word}` is not one of {words}{guess}"]),
    ("fix.did_you_mean", ["（是不是 `{word}`？）", " (did you mean `{word}`?)"]),
    ("fix.seconds", ["请填 0.1 到 600 之间的秒数", "give a number of seconds from 0.1 to 600"]),
    ("fix.count", ["请填 0 到 {max} 之间的整数", "give a whole number from 0 to {max}"]),
    ("fix.status", [
        "请填 success、failure、cancelled、skipped、unstable 或 started（Jenkins 的写法也可以）",
        "use success, failure, cancelled, skipped, unstable or started (Jenkins' words work too)",
    ]),
    ("fix.start_time", ["请填 Unix 时间（秒或毫秒），如 1718097249", "give Unix time in seconds or milliseconds, like 1718097249"]),
    ("fix.choice", ["请填 {words}", "use {words}"]),
    ("fix.timezone", [
        "请填 UTC 偏移，如 +08:00，或没有夏令时的时区名，如 Asia/Shanghai（一个偏移表示不了一年中会变的时区）",
        "give a UTC offset like +08:00, or the name of a zone without daylight saving time, like Asia/Shanghai (one offset cannot show a zone whose offset changes over the year)",
    ]),
    ("template_file.unusable", ["无法使用模板文件 `{path}`（来自 {from}）：{why}", "cannot use the template file `{path}` (from {from}): {why}"]),
    ("template_file.unreadable", [
        "无法读取模板文件 `{path}`（来自 {from}）：{error}；请检查路径，它相对于 {dir}",
        "cannot read the template file `{path}` (from {from}): {error}; check the path, relative to {dir}",
    ]),
    ("template_file.working_dir", ["工作目录", "the working directory"]),
    ("template_file.not_regular", ["它不是工作区里的普通文件，请给出模板文件", "it is not a regular file of the workspace; give a template file"]),
    ("template_file.too_large", ["文件超过 {kib} KiB", "it is larger than {kib} KiB"]),
    ("template_file.not_utf8", ["它不是 UTF-8 文本", "it is not UTF-8 text"]),
    // A webhook whose host is not DingTalk's robot host.
    ("webhook.robot_url", [
        "https://oapi.dingtalk.com/robot/send?access_token=…（从群机器人设置中复制）",
        "https://oapi.dingtalk.com/robot/send?access_token=… (from the group's robot settings)",
    ]),
    ("webhook.other_service", [
        "`webhook`（来自 {from}）是 {service} 机器人的地址（{host}），不是钉钉机器人的",
        "`webhook` (from {from}) is a {service} robot's URL ({host}), not a DingTalk robot's",
    ]),
    ("webhook.other_service.fix", ["把 `webhook` 设为钉钉群机器人的地址 {url}", "set `webhook` to the DingTalk group robot's URL, {url}"]),
    ("webhook.not_robot_host", [
        "`webhook`（来自 {from}）指向 {host}，不是钉钉机器人的域名 {robot_host}",
        "`webhook` (from {from}) points at {host}, not DingTalk's robot host {robot_host}",
    ]),
    ("webhook.near_miss.fix", ["是不是 {robot_host}？把 `webhook` 设为 {url}", "did you mean {robot_host}? Set `webhook` to {url}"]),
    ("webhook.other.fix", ["如果它不是钉钉前面的代理，把 `webhook` 设为 {url}", "if it is not a proxy in front of DingTalk, set `webhook` to {url}"]),
    ("webhook.dry_run", ["{what}，真正运行时什么都不会发送：{fix}", "{what}, so a real run would send nothing: {fix}"]),
    ("webhook.refused", ["{what}，所以没有发送：{fix}", "{what}, so nothing was sent: {fix}"]),
    ("webhook.through_relay", ["{what}；仍通过中转发送：{fix}", "{what}; sending through the relay anyway: {fix}"]),
    // `--help` (src/settings/mod.rs).
    ("help.intro", [
        "把 CI 运行的摘要发到钉钉群机器人，经 KDocs 中转或直接发到机器人的 Webhook。",
        "Send a CI run's summary to a DingTalk group robot, through the KDocs relay or straight to its webhook.",
    ]),
    ("help.usage", ["用法：", "USAGE: "]),
    ("help.kdocs_auth", ["获取最初的 KDocs 令牌（会有意打印出来）", "get the first KDocs tokens (prints them, on purpose)"]),
    ("help.sources", [
        "每个设置项依次从 {places} 中读取，先找到的为准。\n空值视为未设置。[方括号内为默认值]",
        "Each setting is read, first found wins, from {places}.\nEmpty values count as unset. [defaults in brackets]",
    ]),
    ("help.lang", [
        "这份帮助的语言跟随 `lang`：环境变量中的，或命令行上 --help 前后的 --lang en。",
        "This help follows `lang`: from the environment, or --lang en before or after --help.",
    ]),
    ("help.settings", ["设置项：", "SETTINGS:"]),
    ("help.help", ["打印本帮助", "print this help"]),
    ("help.version", ["打印版本号", "print the version"]),
    ("help.exit_codes", [
        "退出码：0 已送达、试运行、有意不发送（notify_on 不匹配，或拿不到密钥的运行），或 fail_on_error=false\n\
        \x20       时的任何失败；1 发送失败；2 用法错误",
        "EXIT CODES: 0 delivered, a dry run, not sent on purpose (notify_on did not match, or a run that\n\
        \x20           gets no secrets), or any failure with fail_on_error=false; 1 delivery failed; 2 usage error",
    ]),
    // The reporter (src/report.rs).
    ("report.downgraded", ["{error}（fail_on_error 为 false，作业不失败）", "{error} (not failing the job: fail_on_error is false)"]),
    ("report.cannot_write", ["无法写入 {what}（{path}）：{error}", "cannot write {what} ({path}): {error}"]),
    // A run (src/notify.rs).
    ("run.sample", [
        "没有检测到 CI：本次试运行渲染的是内置的示例 push 事件（设置 event_path 可渲染你自己的事件）",
        "no CI found: this dry run rendered the built-in sample push event (set event_path to render your own)",
    ]),
    ("run.no_secrets", [
        "不发送：{ci} 上的{why}拿不到密钥，`{name}` 为空",
        "not sending: {why} gets no secrets on {ci}, and `{name}` is empty",
    ]),
    ("run.no_secrets.output", ["{why}拿不到密钥", "{why} gets no secrets"]),
    ("run.not_matched", [
        "不发送：本次运行的状态是{status}，上一次是{previous}，而 notify_on 是 `{notify_on}`",
        "not sending: the run's status is {status} (previous: {previous}), and notify_on is `{notify_on}`",
    ]),
    ("run.previous_unknown", ["未知", "unknown"]),
    ("run.status_unknown", [
        "本次运行的状态未知（消息中写明“状态未知”）。{fix}",
        "the run's status is unknown, and the message says so. To know it, {fix}",
    ]),
    ("run.previous_unknown.warning", [
        "上一次运行的结果未知，`notify_on` 的 fixed、broken、changed 无从判断。{fix}",
        "the previous run's outcome is unknown, so `notify_on`'s fixed, broken and changed cannot match. To know it, {fix}",
    ]),
    ("run.contradiction", [
        "`status` 设置为 {set}，而 {event} 事件本身的结果是 {reported}：消息以设置的 {set} 为准",
        "`status` is {set}, which contradicts the {event} event's own result, {reported}: the message says {set}",
    ]),
    ("run.dry_run.output", ["试运行：什么都没有发送", "dry run: nothing was sent"]),
    ("mention.bad_mobile", [
        "`at_mobiles`：`{value}` 不是手机号（以 1 开头的 11 位数字），不会 @ 它",
        "`at_mobiles`: `{value}` is not a mobile (11 digits from 1); it is not mentioned",
    ]),
    ("mention.bad_user_id", [
        "`at_user_ids`：`{value}` 不是钉钉 userId，不会 @ 它",
        "`at_user_ids`: `{value}` is not a DingTalk userId; it is not mentioned",
    ]),
    ("mention.bad_users_line", [
        "`users`：`{line}` 这一行不是 `identity: mobile-or-userId` 格式，已忽略",
        "`users`: the line `{line}` is not `identity: mobile-or-userId`; it is left out",
    ]),
    ("mention.nobody", ["at_author：CI 没有说明这次运行是谁触发的", "at_author: the CI does not say who the run is about"]),
    ("mention.not_in_users", [
        "at_author：{who} 不在 `users` 中；添加一行 `{first}: mobile-or-userId`",
        "at_author: {who} is not in `users`; add a line `{first}: mobile-or-userId`",
    ]),
    // `kdocs-auth` (src/auth.rs).
    ("auth.help", [
        "dingtalk-notify kdocs-auth：不写代码，拿到最初的 KDocs 令牌（见 README「KDocs 令牌」）。\n\
\n\
1. 打印授权地址，在已登录 KDocs 的浏览器中打开：\n\
\x20    dingtalk-notify kdocs-auth --app-id ID --redirect-uri URI --scope SCOPES\n\
\x20  URI 是在 KDocs 开发者后台为应用登记的回调地址；SCOPES 是应用的权限，用逗号分隔。\n\
\x20  同意授权后，浏览器会跳转到 URI?code=CODE&state=…：复制 CODE（只能用一次，5 分钟内有效）。\n\
2. 用 code 换取令牌（app key 从环境变量传入，不会留在 shell 历史里）：\n\
\x20    DINGTALK_KDOCS_APP_KEY=… dingtalk-notify kdocs-auth --app-id ID --code CODE\n\
\x20  这一步会有意打印出 access token 和 refresh token，以及在各 CI 中保存它们的密钥名。\n\
\n\
选项：\n\
\x20 --app-id ID          应用 id [也可用 --kdocs-app-id、INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_ID]\n\
\x20 --app-key KEY        应用 key [也可用 --kdocs-app-key、INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_KEY]\n\
\x20 --redirect-uri URI   为应用登记的回调地址（第 1 步）\n\
\x20 --scope SCOPES       申请的权限，用逗号分隔（第 1 步）\n\
\x20 --state TEXT         回调时原样带回（第 1 步，可选）\n\
\x20 --code CODE          回调带回的 code（第 2 步）\n\
\x20 --kdocs-api-url URL  [https://developer.kdocs.cn]；--timeout、--retries、--ca-file 与发送时相同\n\
\x20 --lang en            用英文输出（也可设置 DINGTALK_LANG=en）\n",
        "dingtalk-notify kdocs-auth: the first KDocs tokens, without writing code (README, \"KDocs token\").\n\
\n\
1. Print the authorization URL, and open it in a browser logged in to KDocs:\n\
\x20    dingtalk-notify kdocs-auth --app-id ID --redirect-uri URI --scope SCOPES\n\
\x20  URI is a redirect URI registered for the app on the KDocs developer console; SCOPES are the\n\
\x20  app's permissions, separated by commas. After you agree, the browser goes to\n\
\x20  URI?code=CODE&state=…: copy CODE (it works once, for 5 minutes).\n\
2. Exchange the code for the tokens (the app key from the environment keeps it out of the\n\
\x20  shell history):\n\
\x20    DINGTALK_KDOCS_APP_KEY=… dingtalk-notify kdocs-auth --app-id ID --code CODE\n\
\x20  This prints the access and refresh tokens, on purpose, and the secret names to store them\n\
\x20  under in each CI.\n\
\n\
OPTIONS:\n\
\x20 --app-id ID          the app's id [also --kdocs-app-id, INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_ID]\n\
\x20 --app-key KEY        the app's key [also --kdocs-app-key, INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_KEY]\n\
\x20 --redirect-uri URI   a redirect URI registered for the app (step 1)\n\
\x20 --scope SCOPES       the permissions to ask for, separated by commas (step 1)\n\
\x20 --state TEXT         returned unchanged on the redirect (step 1, optional)\n\
\x20 --code CODE          the code from the redirect (step 2)\n\
\x20 --kdocs-api-url URL  [https://developer.kdocs.cn]; --timeout, --retries, --ca-file as for a run\n\
\x20 --lang en            English output (or DINGTALK_LANG=en)\n",
    ]),
    ("auth.needs", ["kdocs-auth 需要 `{flag}`：在命令行给出，或在 {places} 中任设其一", "kdocs-auth needs `{flag}`: give it, or set one of {places}"]),
    ("auth.needs_step", [
        "kdocs-auth 需要 `{flag}` 来打印授权地址，或者用 `--code` 换取令牌（见 kdocs-auth --help）",
        "kdocs-auth needs `{flag}` to print the authorization URL, or `--code` to exchange a code (see kdocs-auth --help)",
    ]),
    ("auth.bad_base", ["`kdocs_api_url` 拼不出有效的地址（{error}）", "`kdocs_api_url` does not make a valid URL ({error})"]),
    ("auth.open", [
        "在已登录 KDocs 的浏览器中打开这个地址，并同意授权：\n\n  {url}\n\n\
         浏览器随后会跳转到 {redirect}?code=CODE&state=…；复制 CODE（只能用一次，5 分钟内有效），再运行：\n\n  \
         DINGTALK_KDOCS_APP_KEY=<应用 key> dingtalk-notify kdocs-auth --app-id {app_id} --code CODE\n\n\
         （这是 KDocs 文档中的授权页面，developer.kdocs.cn/common/authorization/web.html。）\n",
        "Open this URL in a browser logged in to KDocs, and agree:\n\n  {url}\n\n\
         The browser then goes to {redirect}?code=CODE&state=…; copy CODE (it works once, for 5 minutes) and run:\n\n  \
         DINGTALK_KDOCS_APP_KEY=<the app key> dingtalk-notify kdocs-auth --app-id {app_id} --code CODE\n\n\
         (The URL is KDocs' documented authorization page, developer.kdocs.cn/common/authorization/web.html.)\n",
    ]),
    ("auth.on_purpose", [
        "kdocs-auth 会【有意】打印下面的令牌，供你保存为 CI 密钥；保存后请清空终端。",
        "kdocs-auth prints the tokens below ON PURPOSE, for you to store as CI secrets; clear this terminal afterwards.",
    ]),
    ("auth.lifetime_unknown", ["有效期未给出", "lifetime not given"]),
    ("auth.access_token", [
        "access_token:  {token}  （有效期 {life}；CI 中不需要：每次运行都会续期）\n",
        "access_token:  {token}  (valid for {life}; not needed in CI: each run renews it)\n",
    ]),
    ("auth.refresh_token", [
        "refresh_token: {token}  （有效期 {life}；到期前请重新授权）\n",
        "refresh_token: {token}  (valid for {life}; authorize again before it expires)\n",
    ]),
    ("auth.no_refresh_token", [
        "refresh_token: （KDocs 的应答中没有：access token 无法续期；把它存为 `kdocs_token`）\n",
        "refresh_token: (none in KDocs' answer: the access token cannot be renewed; store it as `kdocs_token`)\n",
    ]),
    ("auth.store", [
        "\n保存三个密钥，作为设置项 kdocs_app_id、kdocs_app_key、kdocs_refresh_token 传入：\n\
         \x20 GitHub Actions：   密钥 KDOCS_APP_ID、KDOCS_APP_KEY、KDOCS_REFRESH_TOKEN；\
         {with}（另两个同理）\n\
         \x20 GitLab CI：        masked 变量 DINGTALK_KDOCS_APP_ID、DINGTALK_KDOCS_APP_KEY、DINGTALK_KDOCS_REFRESH_TOKEN\n\
         \x20 Drone、Woodpecker：密钥 kdocs_app_id、kdocs_app_key、kdocs_refresh_token，各自在 `settings:` 中用 `from_secret:` 引用\n\
         \x20 Jenkins、shell：   凭据，以 DINGTALK_KDOCS_APP_ID、DINGTALK_KDOCS_APP_KEY、DINGTALK_KDOCS_REFRESH_TOKEN 传入\n",
        "\nStore three secrets, and pass them as the settings kdocs_app_id, kdocs_app_key, kdocs_refresh_token:\n\
         \x20 GitHub Actions:    secrets KDOCS_APP_ID, KDOCS_APP_KEY, KDOCS_REFRESH_TOKEN; \
         {with} (and the two others)\n\
         \x20 GitLab CI:         masked variables DINGTALK_KDOCS_APP_ID, DINGTALK_KDOCS_APP_KEY, DINGTALK_KDOCS_REFRESH_TOKEN\n\
         \x20 Drone, Woodpecker: secrets kdocs_app_id, kdocs_app_key, kdocs_refresh_token, each `from_secret:` in `settings:`\n\
         \x20 Jenkins, a shell:  credentials as DINGTALK_KDOCS_APP_ID, DINGTALK_KDOCS_APP_KEY, DINGTALK_KDOCS_REFRESH_TOKEN\n",
    ]),
    // A call that failed, whoever answered (src/delivery/hints.rs); `{who}` is the peer's word.
    ("call.attempts", ["（共尝试 {count} 次）", " (after {count} attempts)"]),
    ("call.may_have_arrived", [
        "消息可能已经发到群里，也可能没有：请求已发出，但没有收到可读的应答；为免重复发送，不再重发",
        "the message may or may not have reached the group: it was sent, but no readable answer came; it is not sent again, which could post it twice",
    ]),
    ("call.retrying", ["第 {attempt}/{attempts} 次尝试失败（{what}），{wait} 秒后重试", "attempt {attempt} of {attempts} failed ({what}); retrying in {wait}s"]),
    ("life.decade", ["超过 {count} 年", "more than {count} years"]),
    ("life.days", ["{count} 天", "{count} days"]),
    ("life.hours", ["{count} 小时", "{count} h"]),
    ("life.minutes", ["{count} 分钟", "{count} min"]),
    ("call.http", ["{who}返回 HTTP {status}{said}", "{who} answered HTTP {status}{said}"]),
    ("call.inner", ["钉钉拒收了消息{dingtalk}（由中转转达，中转本身返回 code 0）", "DingTalk refused the message{dingtalk} (passed on by the relay, which answered code 0)"]),
    ("call.no_token", ["KDocs 返回 code 0，但没有 access token（`{field}`）{said}", "KDocs answered code 0 but without an access token (`{field}`){said}"]),
    ("call.no_token.malformed", [
        "KDocs 返回 code 0，但 `{field}` 不是令牌（短于 16 个字符，或含空格、控制字符）",
        "KDocs answered code 0, but `{field}` is not a token (shorter than 16 characters, or with spaces or control characters)",
    ]),
    ("call.not_json", ["{who}返回 HTTP {status}，但不是 JSON（{length} 字节）：{fix}", "{who} answered HTTP {status} but not with JSON ({length} bytes): {fix}"]),
    ("call.too_large", [
        "{who}返回 HTTP {status}，内容超过 {limit}，远超正常应答：请检查 `{setting}`（{origin}）",
        "{who} answered HTTP {status} with more than {limit}, far more than its answers hold: check `{setting}` ({origin})",
    ]),
    ("call.timed_out", ["{origin} 在 {secs} 秒内没有应答", "no answer from {origin} within {secs}s"]),
    ("call.connect", ["无法连接 {origin}（`{cause}`）", "cannot connect to {origin} ({cause})"]),
    ("call.connect.tls", ["无法连接 {origin}：{tls}", "cannot connect to {origin}: {tls}"]),
    ("call.request.tls", ["请求 {origin} 失败：{tls}", "the request to {origin} failed: {tls}"]),
    ("call.request", ["请求 {origin} 失败（`{cause}`）", "the request to {origin} failed ({cause})"]),
    ("tls.unknown_issuer", ["它的 TLS 证书不是由本程序信任的 CA 签发的", "its TLS certificate is not signed by a certificate authority this binary trusts"]),
    ("tls.expired", ["它的 TLS 证书已过期或尚未生效（也可能是 runner 的时钟不准）", "its TLS certificate has expired or is not valid yet (or the runner's clock is wrong)"]),
    ("tls.wrong_name", ["它的 TLS 证书属于另一个主机名", "its TLS certificate is for another host name"]),
    ("tls.not_server_certificate", [
        "它的 TLS 证书不是服务器证书（是 CA 证书，或另有用途）",
        "its TLS certificate is not a server certificate (a certificate authority's, or one made for another use)",
    ]),
    ("tls.bad_certificate", ["它的 TLS 证书被拒绝（已吊销、签名有误或格式错误）", "its TLS certificate was refused (revoked, badly signed or malformed)"]),
    ("tls.not_tls", ["它没有用 TLS 应答（https:// 地址背后是 http:// 服务或端口？）", "it did not answer with TLS (an http:// server or port behind an https:// URL?)"]),
    ("tls.closed", ["它在 TLS 握手时关闭了连接", "it closed the connection during the TLS handshake"]),
    ("tls.other", [
        "TLS 握手失败（没有共同的 TLS 版本或加密套件，或被服务器拒绝）",
        "the TLS handshake failed (no TLS version or cipher in common, or the server refused it)",
    ]),
    ("hint.timed_out", ["调大 `timeout`，或检查 runner 与对端（{far_end}）之间的网络", "raise `timeout`, or check the network between the runner and {far_end}"]),
    ("hint.tls.unknown_issuer", [
        "会重签 TLS 的代理需要把它的根证书放进 `ca_file`（PEM 文件）；runner 需要代理时，设置 HTTPS_PROXY/NO_PROXY",
        "a proxy that re-signs TLS needs its root certificate in `ca_file` (a PEM file); or set HTTPS_PROXY/NO_PROXY if the runner needs a proxy",
    ]),
    ("hint.tls.not_server_certificate", [
        "`ca_file` 里应放签发服务器证书的 CA 证书，而不是服务器自己的证书",
        "put the certificate authority that signed the server's certificate in `ca_file`, not the server's own certificate",
    ]),
    ("hint.tls.wrong_name", ["检查 `{setting}` 中的主机名；如有代理代为应答，再检查 HTTPS_PROXY/NO_PROXY", "check the host in `{setting}`, and HTTPS_PROXY/NO_PROXY if a proxy answers for it"]),
    ("hint.tls.not_tls", ["检查 `{setting}`（https:// 还是 http://，以及端口），以及 HTTPS_PROXY/NO_PROXY", "check `{setting}` (https:// or http://, and the port), and HTTPS_PROXY/NO_PROXY"]),
    ("hint.connect", ["检查 `{setting}`；runner 需要代理时，再检查 HTTPS_PROXY/NO_PROXY", "check `{setting}`, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy"]),
    // DingTalk's error codes, explained.
    ("dingtalk.explained", ["钉钉 errcode {code}：{hint}", "DingTalk errcode {code}: {hint}"]),
    ("dingtalk.unknown.errmsg", ["钉钉返回 errcode {code}：{errmsg}", "DingTalk answered errcode {code}: {errmsg}"]),
    ("dingtalk.unknown", ["钉钉返回 errcode {code}", "DingTalk answered errcode {code}"]),
    ("dingtalk.security", ["钉钉安全设置校验失败：{hint}", "DingTalk's security check failed: {hint}"]),
    ("dingtalk.310000.direct", [
        "机器人安全设置校验失败：消息缺少机器人的关键词（设置 `keyword`）、`secret` 与机器人的加签密钥不符、本机时钟不准，或机器人只接受 IP 白名单内的地址（把 runner 的出口地址加进去）",
        "the robot's security check failed: the message lacks the robot's keyword (set `keyword`), the `secret` does not match the robot's signing secret, this machine's clock is off, or the robot only accepts listed IP addresses (add the runner's)",
    ]),
    ("dingtalk.310000.relay", [
        "机器人安全设置校验失败：消息缺少机器人的关键词（设置 `keyword`）、`secret` 与机器人的加签密钥不符、中转的时钟不准，或机器人只接受 IP 白名单内的地址（经中转无法满足：把机器人的安全设置改为自定义关键词或加签）",
        "the robot's security check failed: the message lacks the robot's keyword (set `keyword`), the `secret` does not match the robot's signing secret, the relay's clock is off, or the robot only accepts listed IP addresses (the relay cannot pass those: switch the robot to keyword or signature security)",
    ]),
    ("dingtalk.bad_token", [
        "`webhook` 中机器人的 access_token 不对，或机器人已被删除：从群机器人设置中重新复制 Webhook 地址",
        "the robot's access_token in `webhook` is wrong or the robot was deleted: copy the webhook URL again from the group's robot settings",
    ]),
    ("dingtalk.400106", ["机器人不存在（或已删除）：在群里重新添加机器人，并更新 `webhook`", "this robot does not exist (any more): add a robot to the group and update `webhook`"]),
    ("dingtalk.400013", ["群已解散：改发到其他群的机器人（更新 `webhook`）", "the group was dissolved: send to another group's robot (update `webhook`)"]),
    ("dingtalk.400102", ["机器人已停用：请群管理员重新启用", "the robot is disabled: ask the group's admin to enable it again"]),
    ("dingtalk.400105", ["钉钉不支持这种消息类型：请用 `msgtype: markdown` 或 `actionCard`", "DingTalk does not support this message type: use `msgtype: markdown` or `actionCard`"]),
    ("dingtalk.rate_limited", [
        "机器人被限流（每分钟最多 20 条，超过后钉钉会限制 10 分钟）：现在不要重试，并减少发送，例如只在失败时发送",
        "the robot is rate limited (at most 20 messages a minute; after that DingTalk blocks it for 10 minutes): do not retry now, and send fewer messages, e.g. only on failure",
    ]),
    ("dingtalk.too_long", ["消息超出钉钉的长度上限（最多 20000 字节）：缩短 `template` 或 `message`", "the message is too long for DingTalk (20,000 bytes at most): shorten the `template` or the `message`"]),
    ("dingtalk.content", [
        "钉钉拒收了消息内容（不安全的链接，或被判定为不当的文字、图片）：检查模板和 `message` 写进消息的内容",
        "DingTalk rejected the content (an unsafe link, or text or images it deems inappropriate): check what the template and `message` put in the message",
    ]),
    ("dingtalk.keyword", ["消息缺少机器人的安全关键词：把 `keyword` 设为该关键词", "the message lacks the robot's security keyword: set `keyword` to it"]),
    ("dingtalk.sign", [
        "签名不匹配：把 `secret` 设为机器人的加签密钥（SEC…）；机器人未开启加签时去掉它",
        "the signature does not match: set `secret` to the robot's signing secret (SEC…), or remove it if the robot does not sign",
    ]),
    ("dingtalk.timestamp.direct", ["签名的时间戳被拒绝（偏差超过 1 小时）：校准本机时钟（NTP）", "the signature's timestamp was refused (more than an hour off): set this machine's clock right (NTP)"]),
    ("dingtalk.timestamp.relay", [
        "签名的时间戳被拒绝（偏差超过 1 小时）：中转的时钟或签名时间有误；请重试，持续出现请反馈给 KDocs",
        "the signature's timestamp was refused (more than an hour off): the relay's clock or the time of signing is wrong; try again, and report it to KDocs if it persists",
    ]),
    ("dingtalk.whitelist.direct", [
        "机器人只接受 IP 白名单内的地址：把 runner 的出口地址加进白名单，或把安全设置改为自定义关键词或加签（`keyword`、`secret`）",
        "the robot only accepts listed IP addresses: add the runner's outgoing address to the robot's list, or switch its security to a keyword or a signature (`keyword`, `secret`)",
    ]),
    ("dingtalk.whitelist.relay", [
        "机器人只接受 IP 白名单内的地址，而中转从自己的地址调用钉钉：把机器人的安全设置改为自定义关键词或加签（`keyword`、`secret`）",
        "the robot only accepts listed IP addresses, and the relay calls DingTalk from its own: switch the robot's security to a keyword or a signature (`keyword`, `secret`)",
    ]),
    // The KDocs relay and its OAuth endpoint (src/delivery/kdocs.rs).
    ("kdocs.who.relay", ["KDocs 中转", "the relay"]),
    ("kdocs.who.renewal", ["KDocs 令牌续期接口", "the KDocs token renewal"]),
    ("kdocs.who.exchange", ["KDocs 授权接口", "KDocs"]),
    ("kdocs.refused.relay", ["KDocs 中转拒收了消息", "the relay refused the message"]),
    ("kdocs.refused.renewal", ["KDocs 拒绝续期 access token", "KDocs refused to renew the access token"]),
    ("kdocs.refused.exchange", ["KDocs 拒绝了授权 code", "KDocs refused the authorization code"]),
    ("kdocs.not_json", ["检查 `kdocs_api_url`（{origin}）是否指向 KDocs 开放平台", "check `kdocs_api_url` ({origin}) points at the KDocs open API"]),
    ("kdocs.far_end.relay", ["KDocs 中转", "the relay"]),
    ("kdocs.far_end.oauth", ["KDocs 的 OAuth 接口", "KDocs' OAuth endpoint"]),
    ("kdocs.unanswered.renewal", [
        "KDocs 可能已经续期了令牌，也可能没有：请求已发出，但没有收到可读的应答；KDocs 可能已更换 refresh token，所以不再重发",
        "KDocs may or may not have renewed the token: the request was sent, but no readable answer came; it is not sent again, as KDocs may have replaced the refresh token",
    ]),
    ("kdocs.unanswered.exchange", [
        "KDocs 可能已经收下了授权 code，也可能没有：请求已发出，但没有收到可读的应答；code 只能用一次，所以不再重发",
        "KDocs may or may not have taken the authorization code: the request was sent, but no readable answer came; it is not sent again, as a code works once",
    ]),
    ("kdocs.not_found", ["检查 `kdocs_api_url`（{origin}）：中转的路径是 {path}", "check `kdocs_api_url` ({origin}): the relay lives at {path}"]),
    ("kdocs.not_found.renewal", ["检查 `kdocs_api_url`（{origin}）：续期接口的路径是 {path}", "check `kdocs_api_url` ({origin}): the renewal lives at {path}"]),
    ("kdocs.redirect", [
        "中转重定向到 {to}：如果它搬了家，把 `kdocs_api_url` 设为新的基础地址（不含 {path}）",
        "the relay redirects to {to}: if it moved, set `kdocs_api_url` to its new base URL (without {path})",
    ]),
    ("kdocs.code_refused", [
        "授权 code 只能用一次，5 分钟内有效：重新打开授权地址，拿到新 code 后立即换取；同时检查 app id 和 app key",
        "an authorization code works once and for 5 minutes: open the authorization URL again and exchange the new code at once; check the app id and the app key too",
    ]),
    ("kdocs.authorize_again", [
        "用 `dingtalk-notify kdocs-auth` 重新授权（见 README「KDocs 令牌」），并更新 `kdocs_refresh_token`",
        "authorize again with `dingtalk-notify kdocs-auth` (README, \"KDocs token\") and update `kdocs_refresh_token`",
    ]),
    ("kdocs.renewal_refused", [
        "KDocs 不接受这个 refresh token、app id 或 app key：{again}，并对照 KDocs 开发者后台上的应用检查 `kdocs_app_id` 和 `kdocs_app_key`",
        "KDocs did not accept the refresh token, the app id or the app key: {again}, and check `kdocs_app_id` and `kdocs_app_key` against the app on the KDocs developer console",
    ]),
    ("kdocs.token.is", ["已失效或过期", "is invalid or expired"]),
    ("kdocs.token.may_be", ["可能已失效或过期", "may be invalid or expired"]),
    ("kdocs.token_refused.given", [
        "KDocs 令牌{is}：生成新令牌并更新 `kdocs_token`，或让每次运行自动续期：设置 `kdocs_app_id`、`kdocs_app_key` 和 `kdocs_refresh_token`（见 README「KDocs 令牌」）",
        "the KDocs token {is}: create a new one and update `kdocs_token`, or let each run renew it: set `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token` (README, \"KDocs token\")",
    ]),
    ("kdocs.token_refused.renewable", [
        "KDocs 令牌{is}：更新 `kdocs_token`，或去掉它，让每次运行用 `kdocs_app_id`、`kdocs_app_key` 和 `kdocs_refresh_token` 续期",
        "the KDocs token {is}: update `kdocs_token`, or leave it out so that each run renews one with `kdocs_app_id`, `kdocs_app_key` and `kdocs_refresh_token`",
    ]),
    ("kdocs.token_refused.renewed", [
        "KDocs 令牌刚刚续期，同样被拒：在 KDocs 开发者后台检查应用的权限，或{again}",
        "the KDocs token was renewed just now and refused too: check the app's permissions on the KDocs developer console, or {again}",
    ]),
    ("kdocs.renewed", ["已续期 KDocs access token", "renewed the KDocs access token"]),
    ("kdocs.renewed.life", ["已续期 KDocs access token（有效期 {life}）", "renewed the KDocs access token (valid for {life})"]),
    ("kdocs.refresh_expires", [
        "KDocs refresh token 将在 {life}后（{date} UTC）过期：请在此之前{again}，否则发送会失败",
        "the KDocs refresh token expires in {life}, on {date} UTC: {again} before then, or sending will fail",
    ]),
    ("kdocs.renewing", [
        "KDocs 令牌被拒，已失效或过期（{why}）；续期后重新发送",
        "the KDocs token was refused as invalid or expired ({why}); renewing it and sending again",
    ]),
    ("kdocs.sent", ["已通过 {origin} 发到钉钉（`transport: kdocs`）", "sent to DingTalk through {origin} (transport: kdocs)"]),
    ("kdocs.new_refresh_token", [
        "KDocs 续期时返回了新的 refresh token（不显示）；如果之后续期失败，请用 `dingtalk-notify kdocs-auth` 重新授权",
        "KDocs answered the renewal with a new refresh token (not shown); if renewals start to fail, authorize again with `dingtalk-notify kdocs-auth`",
    ]),
    // Straight to the robot (src/delivery/dingtalk.rs).
    ("direct.who", ["钉钉", "DingTalk"]),
    ("direct.refused", ["钉钉拒收了消息", "DingTalk refused the message"]),
    ("direct.the_webhook", ["`webhook` 中的地址", "the webhook"]),
    ("direct.not_json", ["检查 `webhook`（{origin}）是否是机器人的地址", "check that `webhook` ({origin}) is the robot's URL"]),
    ("direct.not_found", [
        "检查 `webhook`：应是机器人的地址 https://oapi.dingtalk.com/robot/send?access_token=…，或只填它的 access token",
        "check `webhook`: it is the robot's URL, https://oapi.dingtalk.com/robot/send?access_token=…, or its access token alone",
    ]),
    ("direct.redirect", ["Webhook 重定向到 {to}：更新 `webhook`", "the webhook redirects to {to}: update `webhook`"]),
    ("direct.kdocs_unused", [
        "`transport` 是 `dingtalk`：给出的 KDocs 凭据不会使用（要经 KDocs 发送，把 `transport` 保留为 `auto`）",
        "`transport` is `dingtalk`: the KDocs credentials given are not used (leave `transport` at `auto` to send through KDocs)",
    ]),
    ("direct.not_https", [
        "`webhook`（{origin}）不是 https：机器人的 access token、签名和消息都以明文传输",
        "`webhook` ({origin}) is not https: the robot's access token, the signature and the messages travel unencrypted",
    ]),
    ("direct.sent", ["已直接发到钉钉（{origin}，`transport: dingtalk`）：{what}", "sent to DingTalk directly ({origin}, transport: dingtalk): {what}"]),
    ("direct.one_message", ["1 条消息", "1 message"]),
    ("direct.two_messages", ["2 条消息", "2 messages"]),
    ("direct.partly_sent", ["摘要已发出，但文本消息没有：{error}", "the summary was sent, but the text message was not: {error}"]),
    ("direct.none_sent", ["什么都没有发出（摘要失败，文本消息未尝试）：{error}", "nothing was sent (the summary failed, so the text message was not tried): {error}"]),
    // A CI's REST API (src/ci/api/hints.rs, src/ci/*/api.rs): `{name}` is `GitHub API`.
    ("api.name", ["{ci} 接口", "the {ci} API"]),
    ("api.run.github", ["运行", "run"]),
    ("api.run.gitlab", ["流水线", "pipeline"]),
    ("api.run.drone", ["构建", "build"]),
    ("api.run.woodpecker", ["流水线", "pipeline"]),
    ("api.run.jenkins", ["构建", "build"]),
    ("api.parts.jobs", ["作业", "jobs"]),
    ("api.parts.steps", ["步骤", "steps"]),
    ("api.parts.stages", ["阶段", "stages"]),
    ("api.what.jobs", ["{run}的作业", "the {run}'s jobs"]),
    ("api.what.status", ["{run}的状态和{parts}", "the {run}'s status and {parts}"]),
    ("api.what.start", ["{run}的开始时间", "the {run}'s start time"]),
    ("api.what.previous", ["上一次{run}的结果", "the previous {run}"]),
    ("api.not_url", ["不是 http(s) 地址", "not an http(s) URL"]),
    ("api.previous.not_url", ["未读取{what}：API 地址 `{base}` 不是 http(s) 地址", "{what} is not read: the API's address `{base}` is not an http(s) URL"]),
    ("api.warning", ["无法从 {name}读取{what}：{reason}{attempts}；通知照常发送，只是不含这项信息", "cannot read {what} from {name}: {reason}{attempts}; the notification goes on without it"]),
    ("api.rate_limited", ["{name}的调用额度已用完（HTTP {status}）；{advice}", "{name}'s rate limit is spent (HTTP {status}); {advice}"]),
    ("api.status", ["{name}返回 HTTP {status}", "{name} answered HTTP {status}"]),
    ("api.not_json", [
        "{name}返回 HTTP {status}，但不是 JSON（{length} 字节）：检查 {variable}（{origin}）",
        "{name} answered HTTP {status} but not with JSON ({length} bytes): check {variable} ({origin})",
    ]),
    ("api.timed_out", ["{origin} 在 {secs} 秒内没有应答：调大 `timeout`，或检查网络", "no answer from {origin} within {secs}s: raise `timeout`, or check the network"]),
    ("api.connect", [
        "无法连接 {origin}（`{cause}`）：检查 {variable}；runner 需要代理时，再检查 HTTPS_PROXY/NO_PROXY",
        "cannot connect to {origin} ({cause}): check {variable}, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy",
    ]),
    ("api.connect.tls", [
        "无法连接 {origin}（{tls}）：检查 {variable}；runner 需要代理时，再检查 HTTPS_PROXY/NO_PROXY",
        "cannot connect to {origin}: {tls}: check {variable}, and HTTPS_PROXY/NO_PROXY if the runner needs a proxy",
    ]),
    ("api.check", ["检查 {variable}（{origin}）", "check {variable} ({origin})"]),
    ("api.unanswered", ["已请求 API，但没有收到可读的应答", "the API was asked, but no readable answer came"]),
    ("api.redirect", ["它重定向到 {to}：检查 {variable}", "it redirects to {to}: check {variable}"]),
    ("api.spent", ["API 查询的时间已用完", "the API lookups' time is spent"]),
    ("api.anonymous", [
        "无法从 {name}读取{what}：未带令牌的请求得到 HTTP {status}（私有仓库，或服务器要求登录）：设置 `{setting}`；通知照常发送，只是不含这项信息",
        "cannot read {what} from {name}: it answered HTTP {status} to a call without a token (a private repository, or a server that wants a login): set `{setting}`; the notification goes on without it",
    ]),
    ("api.nothing_more", ["没有更多信息", "nothing more"]),
    ("api.and", ["{init}和{last}", "{init} and {last}"]),
    ("api.out_of_time", [
        "无法从 {name}读取{names}：{origin} 在 {secs} 秒内没有应答，这是本次运行所有 API 调用共用的时间（`timeout`）：调大 `timeout`，或检查网络；通知照常发送，只是不含这项信息",
        "cannot read {names} from {name}: no answer from {origin} within {secs}s, the time all its calls of this run share (`timeout`): raise `timeout`, or check the network; the notification goes on without it",
    ]),
    ("api.out_of_time.them", [
        "无法从 {name}读取{names}：{origin} 在 {secs} 秒内没有应答，这是本次运行所有 API 调用共用的时间（`timeout`）：调大 `timeout`，或检查网络；通知照常发送，只是不含这些信息",
        "cannot read {names} from {name}: no answer from {origin} within {secs}s, the time all its calls of this run share (`timeout`): raise `timeout`, or check the network; the notification goes on without them",
    ]),
    ("api.rate_limit.github", [
        "额度在一小时内重置；`github_token`（作业自己的令牌）的额度更高",
        "it resets within the hour, and `github_token` (the job's own token) has a higher one",
    ]),
    ("api.rate_limit.gitlab", ["稍后重试，或在实例设置中调高限额", "try again later, or raise the limit in the instance's settings"]),
    ("api.rate_limit.later", ["稍后重试", "try again later"]),
    ("api.token_refused.github", [
        "{name}拒绝了 `github_token`（HTTP 401）：请传入有效的令牌，如 `github_token: ${{ github.token }}`",
        "{name} refused `github_token` (HTTP 401): pass a valid token, e.g. `github_token: ${{ github.token }}`",
    ]),
    ("api.not_allowed.github", [
        "{name}返回 HTTP {status}：令牌无权读取本仓库的 Actions；给作业加上 `permissions: actions: read`（fine-grained 令牌：\"Actions\" 读权限）",
        "{name} answered HTTP {status}: the token cannot read this repository's Actions; grant the job `permissions: actions: read` (a fine-grained token: \"Actions\" read)",
    ]),
    ("api.token_refused.gitlab", [
        "{name}拒绝了 `gitlab_token`（HTTP 401）：请使用未过期、带 `read_api` 权限范围的令牌",
        "{name} refused `gitlab_token` (HTTP 401): use a token with the `read_api` scope that has not expired",
    ]),
    ("api.not_allowed.gitlab", [
        "{name}返回 HTTP {status}：给 `gitlab_token` 加上 `read_api` 权限范围，并在本项目中至少授予 Reporter 角色",
        "{name} answered HTTP {status}: give `gitlab_token` the `read_api` scope and at least the Reporter role in this project",
    ]),
    ("api.token_refused.drone", [
        "{name}拒绝了 `drone_token`（HTTP 401）：请使用 Drone 账户页（User settings）上的令牌",
        "{name} refused `drone_token` (HTTP 401): use the token on your Drone account page (User settings)",
    ]),
    ("api.not_allowed.drone", [
        "{name}返回 HTTP {status}：`drone_token` 的用户无权读取本仓库；请换用有权限的用户的令牌",
        "{name} answered HTTP {status}: the user of `drone_token` cannot read this repository; use the token of a user who can",
    ]),
    ("api.token_refused.woodpecker", [
        "{name}拒绝了 `woodpecker_token`（HTTP 401）：请使用 Woodpecker 用户设置中的个人访问令牌",
        "{name} refused `woodpecker_token` (HTTP 401): use a personal access token from your Woodpecker user settings",
    ]),
    ("api.not_allowed.woodpecker", [
        "{name}返回 HTTP {status}：`woodpecker_token` 的用户无权读取本仓库；请换用有权限的用户的令牌",
        "{name} answered HTTP {status}: the user of `woodpecker_token` cannot read this repository; use the token of a user who can",
    ]),
    ("api.token_refused.jenkins", [
        "{name}拒绝了 `jenkins_token`（HTTP 401）：设为 `user:apitoken`，API token 在该用户的 Security 页面生成",
        "{name} refused `jenkins_token` (HTTP 401): set it to `user:apitoken`, with an API token from that user's Security page",
    ]),
    ("api.not_allowed.jenkins.404", [
        "{name}返回 HTTP {status}：`jenkins_token` 的用户看不到这个 job；授予它 Job/Read 权限，并确认 BUILD_URL 和 JOB_URL 都在 JENKINS_URL 之下",
        "{name} answered HTTP {status}: the user of `jenkins_token` cannot see this job; give it Job/Read, and check that BUILD_URL and JOB_URL are under JENKINS_URL",
    ]),
    ("api.not_allowed.jenkins", [
        "{name}返回 HTTP {status}：把 `jenkins_token` 设为 `user:apitoken`（令牌错误时 Jenkins 也这样应答），该用户需对本 job 有 Overall/Read 和 Job/Read 权限",
        "{name} answered HTTP {status}: set `jenkins_token` to `user:apitoken` (Jenkins answers a wrong one this way too), for a user with Overall/Read and Job/Read on this job",
    ]),
    // Why a `jobs` value is refused (src/context/jobs.rs): where it broke, never what it holds.
    ("jobs.ends_early", ["内容不完整（第 {line} 行第 {column} 列）", "it ends too early (line {line}, column {column})"]),
    ("jobs.not_json", ["不是有效的 JSON（第 {line} 行第 {column} 列）", "it is not valid JSON (line {line}, column {column})"]),
    ("jobs.not_object", ["它是 JSON {kind}，不是以作业名为键的对象", "it is JSON {kind}, not an object of job names"]),
    ("jobs.no_result", [
        "第 {index} 个作业（按键的顺序）是 JSON {kind}：请把结果写成文本，或写成 {json}",
        "job {index} (in key order) is JSON {kind}: give its result as text or as {json}",
    ]),
    ("json.null", ["null 值", "null"]),
    ("json.bool", ["布尔值", "true/false"]),
    ("json.number", ["数字", "a number"]),
    ("json.text", ["文本", "text"]),
    ("json.list", ["列表", "a list"]),
    ("json.empty_object", ["空对象", "an empty object"]),
    ("json.object_without_result", ["不含 `result` 的对象", "an object without `result`"]),
    // The GitHub event file (src/ci/github/mod.rs).
    ("event_file.too_large", ["事件文件 {path} 超过 32 MiB；摘要只使用 GITHUB_* 变量", "the event file {path} is larger than 32 MiB; the summary uses the GITHUB_* variables only"]),
    ("event_file.unreadable", ["无法读取事件文件 {path}（{error}）；摘要只使用 GITHUB_* 变量", "cannot read the event file {path} ({error}); the summary uses the GITHUB_* variables only"]),
    ("event_file.not_object", ["事件文件 {path} 不是 JSON 对象；摘要只使用 GITHUB_* 变量", "the event file {path} is not a JSON object; the summary uses the GITHUB_* variables only"]),
    ("event_file.not_json", ["事件文件 {path} 不是有效的 JSON（{error}）；摘要只使用 GITHUB_* 变量", "the event file {path} is not valid JSON ({error}); the summary uses the GITHUB_* variables only"]),
    ("json.where", ["第 {line} 行第 {column} 列", "line {line}, column {column}"]),
    ("file.not_found", ["文件不存在", "no such file"]),
    ("file.permission_denied", ["没有读取权限", "permission denied"]),
    // A user's template (src/summary/engine.rs, render.rs, sandbox.rs); minijinja's own detail is quoted as it is.
    ("template.line", ["，第 {line} 行", " line {line}:"]),
    ("template.broken", ["模板（来自 {origin}）无法渲染{line}：{detail}；请修改模板", "the template from {origin} does not work,{line} {detail}; fix the template"]),
    ("template.kind.syntax", ["语法错误", "syntax error"]),
    ("template.kind.undefined", ["未定义的值", "undefined value"]),
    ("template.kind.unknown_filter", ["未知的过滤器", "unknown filter"]),
    ("template.kind.unknown_function", ["未知的函数", "unknown function"]),
    ("template.kind.unknown_test", ["未知的测试", "unknown test"]),
    ("template.kind.unknown_method", ["未知的方法", "unknown method"]),
    ("template.kind.too_many_arguments", ["参数过多", "too many arguments"]),
    ("template.kind.missing_argument", ["缺少参数", "missing argument"]),
    ("template.kind.invalid_operation", ["无效的操作", "invalid operation"]),
    ("template.kind.cannot_unpack", ["无法解包", "cannot unpack"]),
    ("template.kind.other", ["模板错误", "template error"]),
    ("template.at_most", ["`{filter}` 的参数最大为 {max}，而不是 {n}", "`{filter}` takes at most {max}, not {n}"]),
    ("template.divide_by_zero", ["divisibleby(0)：不能除以零", "divisibleby(0): cannot divide by zero"]),
    ("template.too_much", ["模板输出超过 {kib} KiB", "the template writes more than {kib} KiB"]),
    ("template.not_utf8", ["模板（来自 {origin}）输出的不是有效的 UTF-8", "the template from {origin} wrote invalid UTF-8"]),
    ("template.no_phrase", ["目录中没有短语 `{key}`（docs/templates.md 列出了全部短语）", "no phrase `{key}` in the catalog (docs/templates.md lists them)"]),
    ("template.builtin_failed", ["{event} 事件的内容与预期不符（`{error}`）；改发一份简化的摘要", "the {event} event does not read as expected ({error}); sending a plainer summary"]),
    ("template.lost_text", ["模板渲染进程丢失了一段文本", "the template renderer lost a text"]),
    ("template.no_context", ["无法把上下文传给模板：`{error}`", "cannot pass the context to the template: {error}"]),
    ("template.stopped", [
        "模板（来自 {origins}）被中止：{why}；模板不能生成巨大的文本，也不能以离谱的参数调用过滤器；请修改模板",
        "the template from {origins} was stopped: {why}; it must not build huge texts or call filters with absurd arguments; fix the template",
    ]),
    ("template.wrong_answer", ["它给出了错误的应答", "it gave a wrong answer"]),
    ("template.no_answer", ["它没有应答", "it gave no answer"]),
    ("template.ended", ["它以 `{status}` 退出", "it ended with {status}"]),
    ("template.too_slow", ["耗时超过 {secs} 秒", "it took more than {secs} s"]),
    ("template.too_big", ["占用内存超过 {mib} MiB", "it took more than {mib} MiB of memory"]),
    ("template.no_renderer", [
        "模板（来自 {origins}）无法渲染：渲染进程（本程序，从 {program} 再次启动）没有启动（`{error}`）；模板只在那里渲染，那里的内存和时间都有上限",
        "the template from {origins} cannot be rendered: its renderer (this program, started again from {program}) did not start ({error}); a template is rendered only there, where its memory and time are bounded",
    ]),
    // The HTTP client's own setup (src/delivery/http.rs) and the transports' list.
    ("http.no_client", ["无法建立 HTTP 客户端：`{error}`", "cannot set up the HTTP client: {error}"]),
    ("http.no_runtime", ["无法启动 I/O 运行时：`{error}`", "cannot start the I/O runtime: {error}"]),
    ("http.no_tls", ["无法建立 TLS：`{error}`", "cannot set up TLS: {error}"]),
    ("http.bad_ca_file", [
        "`ca_file` {path}（来自 {from}）：{why}；请提供根证书的 PEM 文件",
        "`ca_file` {path} (from {from}): {why}; give a PEM file of root certificates",
    ]),
    ("http.ca_file_too_large", ["文件超过 {kib} KiB", "it is larger than {kib} KiB"]),
    ("http.ca_file_empty", ["文件里没有证书", "it holds no certificate"]),
    ("transport.not_built", ["`transport`：本程序没有内置 `{name}`", "`transport`: `{name}` is not built into this binary"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_once_in_the_catalog_with_every_language() {
        let mut keys: Vec<&str> = PHRASES.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "a key is listed twice");
        // The same placeholders in each language (`{s}` is English's plural).
        let names = |p: &str| {
            let mut v: Vec<String> = p
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned()))
                .filter(|n| n != "s")
                .collect();
            v.sort();
            v
        };
        for (key, column) in PHRASES {
            for (phrase, (lang, _)) in column.iter().zip(Lang::ALL) {
                assert!(!phrase.is_empty(), "{key} in {lang}");
                assert_eq!(names(phrase), names(column[0]), "{key} in {lang}");
            }
            // Chinese sentences use Chinese punctuation.
            let zh = column[Lang::ZhCn as usize];
            assert!(!zh.contains(": ") && !zh.contains(" (") && !zh.contains(", "), "{key}: {zh}");
        }
    }

    /// The `{name}` placeholders of a text, sorted (not `{"a": 1}` nor `${{ … }}`).
    fn placeholders(text: &str) -> Vec<&str> {
        let mut v: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n))
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn every_message_has_every_language_with_the_same_placeholders() {
        let mut keys: Vec<&str> = MESSAGES.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "a message key is listed twice");
        for (key, column) in MESSAGES {
            for (text, (lang, _)) in column.iter().zip(Lang::ALL) {
                assert!(!text.trim().is_empty(), "{key} in {lang}");
                assert_eq!(placeholders(text), placeholders(column[0]), "{key} in {lang}");
            }
            // Chinese sentences use Chinese punctuation; code in backticks and the tokens'
            // `name: value` labels stay as they are.
            let zh: String = column[Lang::ZhCn as usize].split('`').step_by(2).collect();
            let zh = zh.replace("access_token: ", "").replace("refresh_token: ", "");
            assert!(!zh.contains(": ") && !zh.contains(" (") && !zh.contains(", "), "{key}: {zh}");
            assert!(zh.chars().any(|c| c > '\u{2e80}') || placeholders(&zh).len() > 1, "{key} is not Chinese: {zh}");
        }
    }

    #[test]
    fn every_message_the_code_says_is_in_the_catalog() {
        let sources = [
            include_str!("../settings/mod.rs"),
            include_str!("../settings/args.rs"),
            include_str!("../report.rs"),
            include_str!("../notify.rs"),
            include_str!("../auth.rs"),
            include_str!("../delivery/hints.rs"),
            include_str!("../delivery/kdocs.rs"),
            include_str!("../delivery/dingtalk.rs"),
            include_str!("../delivery/http.rs"),
            include_str!("../delivery/mod.rs"),
            include_str!("../ci/api/hints.rs"),
            include_str!("../ci/api/mod.rs"),
            include_str!("../ci/github/api.rs"),
            include_str!("../ci/gitlab/api.rs"),
            include_str!("../ci/drone/api.rs"),
            include_str!("../ci/woodpecker/api.rs"),
            include_str!("../ci/jenkins/api.rs"),
            include_str!("../ci/github/mod.rs"),
            include_str!("../context/jobs.rs"),
            include_str!("engine.rs"),
            include_str!("render.rs"),
            include_str!("sandbox.rs"),
        ];
        let mut said = 0;
        for source in sources {
            for call in source.split("say(").skip(1) {
                // `say(lang, "key", …)`: the first string literal of the call.
                let Some(key) = call.split('"').nth(1) else { continue };
                let before = call.split('"').next().unwrap_or_default();
                if !before.ends_with(", ") || before.contains([')', '\n']) || before.len() > 40 {
                    continue;
                }
                said += 1;
                assert!(MESSAGES.iter().any(|(k, _)| *k == key), "`{key}` is not in MESSAGES");
            }
        }
        assert!(said > 40, "the scan found only {said} messages");
    }

    #[test]
    fn messages_fill_their_placeholders_in_the_language_asked() {
        assert_eq!(
            say(Lang::ZhCn, "args.needs_value", &[("flag", "title"), ("help", "--help")]),
            "选项 `--title` 缺少值（见 --help）"
        );
        assert_eq!(
            say(Lang::En, "args.needs_value", &[("flag", "title"), ("help", "--help")]),
            "option `--title` needs a value (see --help)"
        );
        assert_eq!(one_of(Lang::ZhCn, &["auto", "kdocs", "dingtalk"]), "auto、kdocs 或 dingtalk");
        assert_eq!(one_of(Lang::En, &["zh-CN", "en"]), "zh-CN or en");
    }

    #[test]
    fn every_ci_word_has_its_phrases_in_every_language() {
        use crate::context::{PartNoun, RunNoun};
        let keys =
            RunNoun::ALL.iter().flat_map(|r| [format!("view_{}", r.as_str()), format!("button.{}", r.as_str())]).chain(
                PartNoun::ALL.iter().flat_map(|p| [format!("failed.{}", p.as_str()), format!("parts.{}", p.as_str())]),
            );
        for key in keys {
            for (name, lang) in Lang::ALL {
                assert!(phrase(*lang, &key).is_some(), "{key} in {name}");
            }
        }
    }

    #[test]
    fn languages_are_listed_in_the_order_of_the_columns_and_keep_their_names() {
        for (i, (name, lang)) in Lang::ALL.iter().enumerate() {
            assert_eq!(*lang as usize, i, "{name}");
            let json = serde_json::to_string(lang).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), *lang);
        }
        assert_eq!(serde_json::to_string(&Lang::ZhCn).unwrap(), r#""zh-CN""#, "the names settings and templates know");
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), r#""en""#);
        assert!(serde_json::from_str::<Lang>(r#""fr""#).is_err());
    }

    #[test]
    fn placeholders_are_filled_and_english_plurals_follow_n() {
        let p = phrase(Lang::En, "push.pushed").unwrap();
        let args = |n: &'static str| move |name: &str, _| (name == "n").then(|| n.to_owned());
        assert_eq!(fill(p, args("1")), "pushed 1 commit to {ref}");
        assert_eq!(fill(p, args("3")), "pushed 3 commits to {ref}");
        let zh = phrase(Lang::ZhCn, "push.pushed").unwrap();
        assert_eq!(
            fill(zh, |n, _| Some(if n == "n" { "3" } else { "分支 **main**" }.to_owned())),
            "推送了 3 个提交到分支 **main**"
        );
    }
}

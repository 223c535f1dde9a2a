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

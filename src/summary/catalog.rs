//! Words for people, in each language the summaries speak: one catalog of phrases that the
//! built-in templates (and custom ones, through `t`) use, so that the template logic exists once.
//!
//! A phrase may hold placeholders, `{name}`, filled from the arguments a template gives
//! (`t("push.pushed", n=3, ref=…)`), and `{s}`, which is `s` unless `n` is 1 (English plurals;
//! Chinese needs none). The catalog is a static table: a run looks up the few phrases it prints
//! and builds nothing at start (docs/performance.md).

use serde::{Deserialize, Serialize};

/// The language of built-in titles, summaries, buttons and markers (the `lang` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

/// The phrase for `key` in `lang`, with its placeholders still in it.
pub fn phrase(lang: Lang, key: &str) -> Option<&'static str> {
    PHRASES.iter().find(|(k, _, _)| *k == key).map(|(_, en, zh)| match lang {
        Lang::En => *en,
        Lang::ZhCn => *zh,
    })
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

/// `(key, English, Chinese)`. Chinese follows the habits of engineering writing: a space between
/// Chinese and Latin words or numbers (`推送了 3 个提交`), Chinese punctuation in Chinese
/// sentences (`，`, `：`, `（）`), names, branches, SHAs and URLs as they are. GitHub's pull
/// request is 拉取请求 (PR), GitLab's merge request 合并请求, as each product's Chinese UI says.
#[rustfmt::skip]
const PHRASES: &[(&str, &str, &str)] = &[
    // Statuses, in the headline.
    ("status.success", "success", "成功"),
    ("status.failure", "failure", "失败"),
    ("status.cancelled", "cancelled", "已取消"),
    ("status.skipped", "skipped", "已跳过"),
    ("status.started", "started", "开始"),
    ("status.unstable", "unstable", "不稳定"),
    ("change.fixed", "fixed", "已修复"),
    ("change.broken", "broken", "又失败了"),
    ("status.unknown", "unknown", "未知"),
    // Said in the headline and the title when nothing told the status, so that no one reads a bare emoji as an outcome.
    ("status.unknown.said", "status unknown", "状态未知"),
    // Nouns.
    ("build", "build", "构建"),
    ("pr", "pull request", "拉取请求"),
    ("mr", "merge request", "合并请求"),
    ("pr.short", "PR", "PR"),
    ("mr.short", "MR", "合并请求"),
    ("issue", "issue", "议题"),
    ("discussion", "discussion", "讨论"),
    ("release", "release", "版本"),
    ("prerelease", "pre-release", "预发布版本"),
    ("ref.branch", "branch {name}", "分支 {name}"),
    ("ref.tag", "tag {name}", "标签 {name}"),
    ("ref.branch.short", "branch", "分支"),
    ("ref.tag.short", "tag", "标签"),
    ("a_ref", "a ref", "引用"),
    ("a_branch", "a branch", "分支"),
    ("a_workflow", "a workflow", "工作流"),
    ("someone", "Someone", "有人"),
    ("draft", "Draft", "草稿"),
    ("draft_mark", " (draft)", "（草稿）"),
    ("empty", "(empty)", "（空）"),
    // Glue.
    ("colon", ": ", "："),
    ("paren", " ({text})", "（{text}）"),
    ("on", "On {ref}", "{ref}"),
    ("on_ref", " on {ref}", "，{ref}"),
    ("by_bold", " by {who}", "，由 {who} 发起"),
    ("run_by", "by {who}", "发起人 {who}"),
    ("opened_by", "opened by {who}", "作者 {who}"),
    ("labels", "Labels: {labels}", "标签：{labels}"),
    ("in_category", " in {name}", "，分类：{name}"),
    // Commits and the footer.
    ("commit", "Commit {commit}", "提交 {commit}"),
    ("head", "Head {commit}", "最新提交 {commit}"),
    ("now_at", "Now at {commit}", "现在指向 {commit}"),
    ("more_commits", "and {n} more", "还有 {n} 个提交"),
    ("more_items", "and {n} more", "还有 {n} 项"),
    ("view_run", "View run", "查看运行"),
    ("took", "took {duration}", "耗时 {duration}"),
    // Durations (src/time.rs): the two largest units; a minute alone is 分钟 in Chinese.
    ("time.day", "{n}d", "{n} 天"),
    ("time.hour", "{n}h", "{n} 小时"),
    ("time.minute", "{n}m", "{n} 分"),
    ("time.minute.alone", "{n}m", "{n} 分钟"),
    ("time.second", "{n}s", "{n} 秒"),
    ("started_at", "started {time}", "开始于 {time}"),
    ("changes", "Changes", "查看变更"),
    ("details", "Details", "详情"),
    ("environment", "Environment", "环境"),
    ("logs", "Logs", "日志"),
    ("comment", "Comment", "查看评论"),
    ("review", "Review", "查看评审"),
    ("release_page", "Release", "发布页"),
    // The pipeline's jobs.
    ("jobs.failed", "Failed: {jobs}", "失败的作业：{jobs}"),
    ("jobs.more", " and {n} more", "，还有 {n} 个"),
    ("jobs.all", "Jobs: {counts}", "作业：{counts}"),
    ("jobs.count.unstable", "{n} unstable", "不稳定 {n} 个"),
    ("jobs.count.cancelled", "{n} cancelled", "取消 {n} 个"),
    ("jobs.count.success", "{n} succeeded", "成功 {n} 个"),
    ("jobs.count.skipped", "{n} skipped", "跳过 {n} 个"),
    ("jobs.count.started", "{n} running", "运行中 {n} 个"),
    ("jobs.count.unknown", "{n} unknown", "未知 {n} 个"),
    ("list_sep", ", ", "、"),
    ("count_sep", ", ", "，"),
    // Buttons of an actionCard, and the marker of a text cut to DingTalk's size limit.
    ("button.run", "View run", "查看运行"),
    ("button.repo", "Open repository", "打开仓库"),
    ("button.pr", "View PR {num}", "查看 PR {num}"),
    ("button.mr", "View MR {num}", "查看合并请求 {num}"),
    ("button.release", "View release", "查看版本"),
    ("button.changes", "View changes", "查看变更"),
    ("cut", "…", "…（内容过长，已截断）"),
    // Pushes.
    ("push.deleted", "deleted {ref}", "删除了{ref}"),
    ("push.new_tag", "pushed new tag {tag}", "推送了新标签 {tag}"),
    ("push.created", "created {ref}", "创建了{ref}"),
    ("push.created_with", "created {ref} with {n} commit{s}", "创建了{ref}，包含 {n} 个提交"),
    ("push.forced", "force-pushed {ref}", "强制推送了{ref}"),
    ("push.forced_with", "force-pushed {ref} ({n} new commit{s})", "强制推送了{ref}（{n} 个新提交）"),
    ("push.pushed", "pushed {n} commit{s} to {ref}", "推送了 {n} 个提交到{ref}"),
    ("push.tag", "pushed tag {tag}", "推送了标签 {tag}"),
    ("push.to", "pushed to {ref}", "推送到{ref}"),
    ("push.bare", "pushed", "推送了代码"),
    ("ref_event.created", "created {ref}", "创建了{ref}"),
    ("ref_event.deleted", "deleted {ref}", "删除了{ref}"),
    ("default_branch", " (default branch: {name})", "（默认分支：{name}）"),
    // Pull requests and issues: `what` is the noun, `num` the linked number.
    ("pr.merged", "merged {what} {num}", "合并了{what} {num}"),
    ("pr.closed_unmerged", "closed {what} {num} without merging", "关闭了{what} {num}（未合并）"),
    ("pr.synchronize", "pushed to {what} {num}", "向{what} {num} 推送了新提交"),
    ("pr.labeled", "labeled {what} {num}", "修改了{what} {num} 的标签"),
    ("pr.labeled_who", "labeled {what} {num} with {who}", "给{what} {num} 添加了标签 {who}"),
    ("pr.unlabeled", "unlabeled {what} {num}", "修改了{what} {num} 的标签"),
    ("pr.unlabeled_who", "unlabeled {what} {num} from {who}", "移除了{what} {num} 的标签 {who}"),
    ("pr.assigned", "assigned {what} {num}", "指派了{what} {num}"),
    ("pr.assigned_who", "assigned {what} {num} to {who}", "将{what} {num} 指派给 {who}"),
    ("pr.unassigned", "unassigned {what} {num}", "取消了{what} {num} 的指派"),
    ("pr.unassigned_who", "unassigned {what} {num} from {who}", "取消了 {who} 在{what} {num} 上的指派"),
    ("pr.review_requested", "requested a review of {what} {num}", "为{what} {num} 请求了评审"),
    ("pr.review_requested_who", "requested a review of {what} {num} from {who}", "请 {who} 评审{what} {num}"),
    ("pr.review_request_removed", "withdrew the review request for {what} {num}", "撤回了{what} {num} 的评审请求"),
    ("pr.review_request_removed_who", "withdrew the review request for {what} {num} to {who}", "撤回了请 {who} 评审{what} {num} 的请求"),
    ("pr.by", "{what} {num} by {who}", "{who} 的{what} {num}"),
    ("pr.alone", "{what} {num}", "{what} {num}"),
    ("issue.closed", "closed {what} {num}", "关闭了{what} {num}"),
    ("issue.closed_completed", "closed {what} {num} as completed", "关闭了{what} {num}（已完成）"),
    ("issue.closed_not_planned", "closed {what} {num} as not planned", "关闭了{what} {num}（不做计划）"),
    // Any other action on a pull request, issue, release or discussion; `did` when the
    // catalog has no sentence for the action.
    ("did", "{action} {what} {num}", "更新了{what} {num}（{action}）"),
    ("did.synchronized", "synchronized {what} {num}", "向{what} {num} 推送了新提交"),
    ("did.opened", "opened {what} {num}", "创建了{what} {num}"),
    ("did.created", "created {what} {num}", "创建了{what} {num}"),
    ("did.reopened", "reopened {what} {num}", "重新打开了{what} {num}"),
    ("did.closed", "closed {what} {num}", "关闭了{what} {num}"),
    ("did.edited", "edited {what} {num}", "编辑了{what} {num}"),
    ("did.deleted", "deleted {what} {num}", "删除了{what} {num}"),
    ("did.updated", "updated {what} {num}", "更新了{what} {num}"),
    ("did.ready_for_review", "marked {what} {num} ready for review", "将{what} {num} 标记为可评审"),
    ("did.converted_to_draft", "converted {what} {num} to a draft", "将{what} {num} 转为草稿"),
    ("did.locked", "locked {what} {num}", "锁定了{what} {num}"),
    ("did.unlocked", "unlocked {what} {num}", "解锁了{what} {num}"),
    ("did.pinned", "pinned {what} {num}", "置顶了{what} {num}"),
    ("did.unpinned", "unpinned {what} {num}", "取消置顶了{what} {num}"),
    ("did.transferred", "transferred {what} {num}", "转移了{what} {num}"),
    ("did.milestoned", "added {what} {num} to a milestone", "将{what} {num} 加入了里程碑"),
    ("did.demilestoned", "removed {what} {num} from its milestone", "将{what} {num} 移出了里程碑"),
    ("did.answered", "marked an answer in {what} {num}", "为{what} {num} 选出了答案"),
    ("did.unanswered", "unmarked the answer in {what} {num}", "取消了{what} {num} 的答案"),
    ("did.enqueued", "added {what} {num} to the merge queue", "将{what} {num} 加入了合并队列"),
    ("did.dequeued", "removed {what} {num} from the merge queue", "将{what} {num} 移出了合并队列"),
    ("did.auto_merge_enabled", "enabled auto-merge for {what} {num}", "为{what} {num} 开启了自动合并"),
    ("did.auto_merge_disabled", "disabled auto-merge for {what} {num}", "为{what} {num} 关闭了自动合并"),
    ("did.published", "published {what} {num}", "发布了{what} {num}"),
    ("did.released", "released {what} {num}", "发布了{what} {num}"),
    ("did.unpublished", "unpublished {what} {num}", "撤回了{what} {num}"),
    // Reviews and comments.
    ("review.approved", "{who} approved {what} {num}", "{who} 批准了{what} {num}"),
    ("review.changes_requested", "{who} requested changes on {what} {num}", "{who} 要求修改{what} {num}"),
    ("review.commented", "{who} commented on {what} {num}", "{who} 评论了{what} {num}"),
    ("review.dismissed", "{who} dismissed a review of {what} {num}", "{who} 驳回了{what} {num} 的一条评审"),
    ("review.reviewed", "{who} reviewed {what} {num}", "{who} 评审了{what} {num}"),
    ("comment.created", "commented on {what} {num}", "评论了{what} {num}"),
    ("comment.edited", "edited a comment on {what} {num}", "编辑了{what} {num} 的一条评论"),
    ("comment.deleted", "deleted a comment on {what} {num}", "删除了{what} {num} 的一条评论"),
    // Releases.
    ("release.published", "published {what} {name}", "发布了{what} {name}"),
    ("release.drafted", "drafted {what} {name}", "起草了{what} {name}"),
    ("release.line", "{what} {name}", "{what} {name}"),
    ("tag_mark", " (tag {tag})", "（标签 {tag}）"),
    ("target", "Target: {ref}", "目标：{ref}"),
    // Runs started otherwise: by hand, by the clock, through the API.
    ("dispatch.ran", "ran {workflow} by hand", "手动运行了 {workflow}"),
    ("dispatch.ran_on", "ran {workflow} by hand on {ref}", "在{ref} 上手动运行了 {workflow}"),
    ("dispatch.sent", "sent the repository dispatch {type}", "通过 API 触发了 {type}"),
    ("dispatch.sent_on", "sent the repository dispatch {type} on {ref}", "通过 API 在{ref} 上触发了 {type}"),
    ("dispatch.event", "event", "事件"),
    ("inputs", "Inputs:", "输入参数："),
    ("client_payload", "Client payload:", "附带参数："),
    ("schedule", "Scheduled run", "定时运行"),
    ("schedule.of", "Scheduled run of {workflow}", "定时运行 {workflow}"),
    ("cron", " (cron {cron})", "（cron：{cron}）"),
    // Reporting events: other runs, checks, deployments, the merge queue.
    ("workflow", "Workflow {name}", "工作流 {name}"),
    ("attempt", " (attempt {n})", "（第 {n} 次尝试）"),
    ("triggered_by", "Triggered by {event}", "触发方式：{event}"),
    ("ran", "Ran", "运行"),
    ("run.on", " on {ref}", " · {ref}"),
    ("run.by", " by {who}", " · 发起人 {who}"),
    ("outcome", " {word}", "：{word}"),
    ("check_run", "Check {name}", "检查 {name}"),
    ("check_run.unnamed", "run", "运行"),
    ("check_suite", "Check suite", "检查套件"),
    ("check_suite.of", "Check suite of {app}", "检查套件 {app}"),
    ("deploy", "Deployment", "部署"),
    ("deploy.of", "Deployment of {ref}", "部署 {ref}"),
    ("deploy.to", "Deployment to {env}", "部署到 {env}"),
    ("deploy.of_to", "Deployment of {ref} to {env}", "将 {ref} 部署到 {env}"),
    ("merge_queue", "Merge queue", "合并队列"),
    ("merge_queue.for", "Merge queue for {ref}", "{ref} 的合并队列"),
    // Words of events and states, where the payload gives a word.
    ("word.success", "success", "成功"),
    ("word.unstable", "unstable", "不稳定"),
    ("word.failure", "failure", "失败"),
    ("word.cancelled", "cancelled", "已取消"),
    ("word.skipped", "skipped", "已跳过"),
    ("word.neutral", "neutral", "中立"),
    ("word.timed_out", "timed out", "超时"),
    ("word.action_required", "action required", "需要处理"),
    ("word.stale", "stale", "已过期"),
    ("word.startup_failure", "startup failure", "启动失败"),
    ("word.completed", "completed", "已完成"),
    ("word.in_progress", "in progress", "进行中"),
    ("word.queued", "queued", "排队中"),
    ("word.requested", "requested", "已请求"),
    ("word.waiting", "waiting", "等待中"),
    ("word.pending", "pending", "等待中"),
    ("word.error", "error", "出错"),
    ("word.inactive", "inactive", "已失效"),
    ("word.rerequested", "re-requested", "已重新请求"),
    ("word.checks_requested", "checks requested", "已请求检查"),
    ("word.destroy_requested", "destroy requested", "已请求销毁"),
    ("word.push", "push", "推送"),
    ("word.pull_request", "pull request", "拉取请求"),
    ("word.pull_request_target", "pull request target", "拉取请求"),
    ("word.schedule", "schedule", "定时任务"),
    ("word.workflow_dispatch", "workflow dispatch", "手动运行"),
    ("word.repository_dispatch", "repository dispatch", "API 调用"),
    ("word.workflow_run", "workflow run", "工作流运行"),
    ("word.merge_group", "merge group", "合并队列"),
    ("word.release", "release", "发布"),
    ("word.status", "status", "提交状态"),
    ("word.manual", "manual", "手动运行"),
    ("word.web", "web", "网页触发"),
    ("word.api", "api", "API 调用"),
    ("word.trigger", "trigger", "触发器"),
    ("word.pipeline", "pipeline", "上游流水线"),
    ("word.cron", "cron", "定时任务"),
    ("word.tag", "tag", "标签"),
    // A run whose trigger the CI does not say (a Jenkins build).
    ("word.build", "build", "构建"),
    ("word.deployment", "deployment", "部署"),
    ("word.workflow_job", "workflow job", "工作流作业"),
    ("word.synchronize", "synchronize", "同步"),
    ("word.synchronized", "synchronized", "已同步"),
    ("word.opened", "opened", "已创建"),
    ("word.closed", "closed", "已关闭"),
    ("word.created", "created", "已创建"),
    ("word.edited", "edited", "已编辑"),
    ("word.deleted", "deleted", "已删除"),
    // The title: plain text, short.
    ("title.deleted", "deleted {kind} {name}", "删除{kind} {name}"),
    ("title.new", "new {kind} {name}", "新{kind} {name}"),
    ("title.force", "force-push", "强制推送"),
    ("title.force_to", "force-push to {ref}", "强制推送到 {ref}"),
    ("title.tag", "tag {name}", "标签 {name}"),
    ("title.push", "push", "推送"),
    ("title.push_to", "push to {ref}", "推送到 {ref}"),
    ("title.review.approved", "PR {num} approved", "PR {num} 已批准"),
    ("title.review.changes_requested", "PR {num} changes requested", "PR {num} 被要求修改"),
    ("title.review.reviewed", "PR {num} reviewed", "PR {num} 有新评审"),
    ("title.comment", "comment on {what} {num}", "{what} {num} 有新评论"),
    ("title.pr", "{what} {num}", "{what} {num}"),
    ("title.pr.merged", "{what} {num} merged", "{what} {num} 已合并"),
    ("title.pr.closed", "{what} {num} closed", "{what} {num} 已关闭"),
    ("title.pr.opened", "{what} {num} opened", "{what} {num} 已创建"),
    ("title.pr.reopened", "{what} {num} reopened", "{what} {num} 重新打开"),
    ("title.pr.ready_for_review", "{what} {num} ready for review", "{what} {num} 可以评审了"),
    ("title.release", "{what} {name}", "发布{what} {name}"),
    ("title.workflow", "workflow {name}", "工作流 {name}"),
    ("title.by_hand", "{workflow} run by hand", "手动运行 {workflow}"),
    ("title.by_hand_on", "{workflow} run by hand on {ref}", "手动运行 {workflow}（{ref}）"),
    ("title.scheduled", "scheduled run of {workflow}", "定时运行 {workflow}"),
    ("title.scheduled_on", "scheduled run of {workflow} on {ref}", "定时运行 {workflow}（{ref}）"),
    ("schedule.run", "the workflow", "工作流"),
    ("title.dispatch", "dispatch {type}", "API 触发 {type}"),
    ("title.issue", "issue {num} {action}", "议题 {num} {action}"),
    ("title.deploy", "deployment", "部署"),
    ("title.deploy_to", "deployment to {env}", "部署到 {env}"),
    ("title.check_run", "check {name}", "检查 {name}"),
    ("title.check_suite", "check suite {app}", "检查套件 {app}"),
    ("title.merge_queue_for", "merge queue for {ref}", "合并队列（{ref}）"),
    ("title.discussion", "discussion {num} {action}", "讨论 {num} {action}"),
    ("title.on", " on {ref}", "（{ref}）"),
    ("title.change", "{change}: ", "【{change}】"),
    // What happened to an issue or a discussion, in a title.
    ("done.opened", "opened", "已创建"),
    ("done.created", "created", "已创建"),
    ("done.closed", "closed", "已关闭"),
    ("done.reopened", "reopened", "已重新打开"),
    ("done.edited", "edited", "已编辑"),
    ("done.deleted", "deleted", "已删除"),
    ("done.labeled", "labeled", "标签有变"),
    ("done.unlabeled", "unlabeled", "标签有变"),
    ("done.assigned", "assigned", "已指派"),
    ("done.unassigned", "unassigned", "已取消指派"),
    ("done.answered", "answered", "已解答"),
    ("done.locked", "locked", "已锁定"),
    ("done.unlocked", "unlocked", "已解锁"),
    ("done.pinned", "pinned", "已置顶"),
    ("done.transferred", "transferred", "已转移"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_once_in_the_catalog_with_both_languages() {
        let mut keys: Vec<&str> = PHRASES.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "a key is listed twice");
        for (key, en, zh) in PHRASES {
            assert!(!en.is_empty() && !zh.is_empty(), "{key}");
            // The same placeholders in both (Chinese has no `{s}`).
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
            assert_eq!(names(en), names(zh), "{key}");
            // Chinese sentences use Chinese punctuation.
            assert!(!zh.contains(": ") && !zh.contains(" (") && !zh.contains(", "), "{key}: {zh}");
        }
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

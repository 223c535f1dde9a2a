//! Woodpecker: the plugin step's `CI_*` variables → [`Context`].
//!
//! Plugin steps also get Drone-compatibility `DRONE_*` variables, whose `DRONE_BUILD_STATUS` is
//! hard-coded to `success`: nothing here reads `DRONE_*`. The status is `CI_PIPELINE_STATUS`, the
//! workflow's state right before this step. Woodpecker sets a variable only when it is not empty,
//! and its forges leave some timestamps at `0`, which means unknown.

mod api;

use super::{Ci, Env, Inputs, Warnings, is_null_sha};
use crate::context::status::Status;
use crate::context::{ChangeKind, Commit, Context, Person, PullRequest, Ref, RefKind, Release, Repo, Run};
use crate::summary::catalog::Lang;
use crate::time::{format_rfc3339, interval};

pub struct Woodpecker;

impl Ci for Woodpecker {
    fn name(&self) -> &'static str {
        "Woodpecker"
    }

    /// A pipeline (流水线) of workflows whose steps (步骤) the API lists.
    fn words(&self) -> crate::context::Words {
        use crate::context::{PartNoun, RunNoun, Words};
        Words { run: RunNoun::Pipeline, part: PartNoun::Step }
    }

    fn detect(&self, env: &Env) -> bool {
        env.is("CI", "woodpecker")
    }

    fn context(&self, env: &Env, _: &Inputs, _: &mut Warnings) -> Context {
        context(env)
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "Woodpecker 3.0 至 3.14 不设置 `CI_PIPELINE_STATUS`，其 API 也没有给出结果：请设置 `woodpecker_token`，\
                 或升级到 Woodpecker 3.15 及以上"
            }
            Lang::En => {
                "Woodpecker 3.0 to 3.14 sets no `CI_PIPELINE_STATUS` and its API did not tell: set `woodpecker_token`, \
                 or upgrade to Woodpecker 3.15 or later"
            }
        }
    }

    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "没有 `CI_PREV_PIPELINE_STATUS`（没有上一条流水线）：请设置 `woodpecker_token` 或 `previous_status`"
            }
            Lang::En => {
                "no `CI_PREV_PIPELINE_STATUS` (no previous pipeline): set `woodpecker_token` or `previous_status`"
            }
        }
    }

    fn api(&self) -> Option<&dyn super::api::RunApi> {
        Some(self)
    }
}

pub fn context(env: &Env) -> Context {
    let repo = repo(env);
    let forge = Forge::of(env, repo.url.as_deref());
    let event = env.string("CI_PIPELINE_EVENT").unwrap_or_else(|| {
        if env.get("CI_COMMIT_PULL_REQUEST").is_some() { "pull_request" } else { "push" }.to_owned()
    });
    let forge_link = env.string("CI_PIPELINE_FORGE_URL");
    let pr = pull_request(env, &event, &forge, forge_link.as_deref());
    let commit = commit(env, &forge, forge_link.as_deref(), pr.is_some());
    let git_ref = git_ref(env, pr.is_some());
    Context {
        ci: "woodpecker",
        status: Status::parse(env.get("CI_PIPELINE_STATUS")),
        // The previous pipeline's status (woodpecker-ci.org/docs/usage/environment, CI_PREV_*).
        previous_status: env.get("CI_PREV_PIPELINE_STATUS").map(|s| Status::parse(Some(s))),
        person: Person {
            login: env.string("CI_COMMIT_AUTHOR"),
            email: env.string("CI_COMMIT_AUTHOR_EMAIL"),
            name: None,
        },
        action: match event.as_str() {
            "pull_request_closed" => Some("closed".to_owned()),
            // Label, assignee and edit changes, e.g. `labeled`.
            _ => env.string("CI_PIPELINE_EVENT_REASON"),
        },
        compare_url: compare_url(env, &event, &forge, git_ref.as_ref(), commit.as_ref(), forge_link.as_deref()),
        release: release(env, &event, forge_link.as_deref()),
        actor: env.first(&["CI_PIPELINE_AUTHOR", "CI_COMMIT_AUTHOR"]),
        run: run(env),
        event,
        git_ref,
        commit,
        pr,
        repo,
        ..Context::default()
    }
}

fn repo(env: &Env) -> Repo {
    let name = env.string("CI_REPO_NAME");
    let full_name =
        env.string("CI_REPO").or_else(|| Some(format!("{}/{}", env.string("CI_REPO_OWNER")?, name.as_deref()?)));
    let name = name.or_else(|| full_name.as_deref()?.rsplit('/').next().map(str::to_owned));
    // `CI_REPO_LINK` is the name before Woodpecker 1.0.
    let url = env.first(&["CI_REPO_URL", "CI_REPO_LINK"]).map(|u| u.trim_end_matches('/').to_owned());
    Repo { name, full_name, url }
}

/// How the forge spells its web links, for the ones Woodpecker does not give.
struct Forge {
    kind: String,
    repo_url: Option<String>,
}

impl Forge {
    fn of(env: &Env, repo_url: Option<&str>) -> Forge {
        let kind = env.string("CI_FORGE_TYPE").unwrap_or_default().to_ascii_lowercase();
        Forge { kind, repo_url: repo_url.map(str::to_owned) }
    }

    fn commit_url(&self, sha: &str) -> Option<String> {
        let path = match self.kind.as_str() {
            "gitlab" => "-/commit",
            "bitbucket" | "bitbucket-dc" => "commits",
            _ => "commit",
        };
        Some(format!("{}/{path}/{sha}", self.repo_url.as_deref()?))
    }

    fn pull_request_url(&self, number: u64) -> Option<String> {
        let path = match self.kind.as_str() {
            "github" => "pull",
            "gitea" | "forgejo" => "pulls",
            "gitlab" => "-/merge_requests",
            "bitbucket" | "bitbucket-dc" => "pull-requests",
            _ => return None,
        };
        Some(format!("{}/{path}/{number}", self.repo_url.as_deref()?))
    }

    fn compare_url(&self, before: &str, after: &str) -> Option<String> {
        let path = match self.kind.as_str() {
            "github" | "gitea" | "forgejo" => "compare",
            "gitlab" => "-/compare",
            _ => return None,
        };
        Some(format!("{}/{path}/{before}...{after}", self.repo_url.as_deref()?))
    }
}

fn git_ref(env: &Env, is_pr: bool) -> Option<Ref> {
    if let Some(tag) = env.string("CI_COMMIT_TAG") {
        return Some(Ref { name: tag, kind: RefKind::Tag });
    }
    // `CI_COMMIT_BRANCH` is the target branch of a pull request.
    let source = if is_pr { env.string("CI_COMMIT_SOURCE_BRANCH") } else { None };
    if let Some(name) = source.or_else(|| env.string("CI_COMMIT_BRANCH")) {
        return Some(Ref { name, kind: RefKind::Branch });
    }
    env.string("CI_COMMIT_REF")
        .filter(|r| r.starts_with("refs/heads/") || r.starts_with("refs/tags/"))
        .and_then(|r| Ref::parse(&r))
}

fn commit(env: &Env, forge: &Forge, forge_link: Option<&str>, is_pr: bool) -> Option<Commit> {
    let sha = env.string("CI_COMMIT_SHA")?;
    // For pull requests the forges put the pull request's title in the message.
    let message = if is_pr { None } else { env.get("CI_COMMIT_MESSAGE") };
    let mut commit = Commit::new(&sha, message);
    commit.author = env.string("CI_COMMIT_AUTHOR");
    commit.author_email = env.string("CI_COMMIT_AUTHOR_EMAIL");
    commit.url = forge_link
        .filter(|l| l.contains("/commit/") && l.contains(sha.as_str()))
        .map(str::to_owned)
        .or_else(|| forge.commit_url(&sha));
    Some(commit)
}

fn run(env: &Env) -> Run {
    // `unix_time` reads Woodpecker's `0` (a timestamp it does not know) as unset.
    let start = env.unix_time("CI_PIPELINE_STARTED").or_else(|| env.unix_time("CI_PIPELINE_CREATED"));
    // Only older versions set a finish time, and it is not in the past while the pipeline runs.
    let finish = env.unix_time("CI_PIPELINE_FINISHED").filter(|&f| f < env.now);
    Run {
        id: None,
        number: env.string("CI_PIPELINE_NUMBER"),
        attempt: None,
        url: env.string("CI_PIPELINE_URL"),
        workflow: env.string("CI_WORKFLOW_NAME"),
        job: env.string("CI_STEP_NAME"),
        started_at: start.map(format_rfc3339),
        duration: interval(start, finish, env.now),
    }
}

fn pull_request(env: &Env, event: &str, forge: &Forge, forge_link: Option<&str>) -> Option<PullRequest> {
    let number = env.get("CI_COMMIT_PULL_REQUEST")?.trim().parse::<u64>().ok().filter(|&n| n > 0)?;
    // On pull request events the forge link is the pull request's page.
    let url = forge_link
        .filter(|_| event.starts_with("pull_request"))
        .map(str::to_owned)
        .or_else(|| forge.pull_request_url(number));
    let title = env.get("CI_COMMIT_MESSAGE").and_then(|m| Commit::new("", Some(m)).title);
    Some(PullRequest {
        // `CI_FORGE_TYPE` is the forge's kind (woodpecker-ci.org/docs/usage/environment; the
        // names of server/model's ForgeType: github, gitlab, gitea, forgejo, bitbucket…).
        kind: if forge.kind == "gitlab" { ChangeKind::MergeRequest } else { ChangeKind::PullRequest },
        number,
        title,
        url,
        author: env.string("CI_COMMIT_AUTHOR"),
        base: env.first(&["CI_COMMIT_TARGET_BRANCH", "CI_COMMIT_BRANCH"]),
        head: env.string("CI_COMMIT_SOURCE_BRANCH"),
        draft: env.is("CI_COMMIT_PULL_REQUEST_DRAFT", "true"),
        merged: false,
        state: Some(if event == "pull_request_closed" { "closed" } else { "open" }.to_owned()),
    })
}

/// A push compared with the previous pipeline's commit on the same branch.
fn compare_url(
    env: &Env,
    event: &str,
    forge: &Forge,
    git_ref: Option<&Ref>,
    commit: Option<&Commit>,
    forge_link: Option<&str>,
) -> Option<String> {
    if event != "push" {
        return None;
    }
    if let Some(link) = forge_link.filter(|l| l.contains("/compare/")) {
        return Some(link.to_owned());
    }
    let (branch, commit) = (git_ref.filter(|r| r.kind == RefKind::Branch)?, commit?);
    if env.string("CI_PREV_COMMIT_BRANCH").as_deref() != Some(branch.name.as_str()) {
        return None;
    }
    let before = env.string("CI_PREV_COMMIT_SHA").filter(|s| s != &commit.sha && !is_null_sha(s))?;
    forge.compare_url(&before, &commit.sha)
}

fn release(env: &Env, event: &str, forge_link: Option<&str>) -> Option<Release> {
    if event != "release" {
        return None;
    }
    Some(Release {
        tag: env.string("CI_COMMIT_TAG")?,
        name: env.string("CI_PIPELINE_RELEASE_TITLE"),
        url: forge_link.map(str::to_owned),
        prerelease: env.is("CI_PIPELINE_RELEASE_PRE", "true") || env.is("CI_COMMIT_PRERELEASE", "true"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::gitlab::fixture_env;
    use super::*;

    const PUSH: &str = include_str!("../../../tests/fixtures/woodpecker/push.env");
    const PULL_REQUEST: &str = include_str!("../../../tests/fixtures/woodpecker/pull_request.env");

    #[test]
    fn push_pipeline() {
        let ctx = context(&fixture_env(PUSH, 1_718_097_249 + 270));
        assert_eq!(ctx.ci, "woodpecker");
        assert_eq!(ctx.repo.name.as_deref(), Some("ci-notify"));
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/ci-notify"));
        assert_eq!(ctx.repo.url.as_deref(), Some("https://github.com/acme/ci-notify"));
        assert_eq!(ctx.status, "success");
        assert_eq!((ctx.event.as_str(), ctx.action.as_deref()), ("push", None));
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("main", RefKind::Branch));

        let commit = ctx.commit.unwrap();
        assert_eq!(commit.short_sha, "5e1f0a9");
        assert_eq!(commit.title.as_deref(), Some("Fix retry backoff when webhook returns 429"));
        assert_eq!(commit.author.as_deref(), Some("dkowalski"));
        assert_eq!(
            commit.url.as_deref(),
            Some("https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f")
        );
        assert_eq!(ctx.actor.as_deref(), Some("dkowalski"));
        assert_eq!(
            ctx.compare_url.as_deref(),
            Some(
                "https://github.com/acme/ci-notify/compare/\
                 a07c9e1b3d5f7092b4d6f8a1c3e5b7d9f0a2c4e6...5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f"
            )
        );

        assert_eq!(ctx.run.number.as_deref(), Some("57"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://ci.example.com/repos/12/pipeline/57"));
        assert_eq!(ctx.run.workflow.as_deref(), Some("ci"));
        assert_eq!(ctx.run.job.as_deref(), Some("notify"));
        assert_eq!(ctx.run.started_at.as_deref(), Some("2024-06-11T09:14:09Z"));
        assert_eq!(ctx.run.duration, Some(270), "no finish time: measured to now");
        assert!(ctx.pr.is_none() && ctx.release.is_none());
    }

    #[test]
    fn pull_request_pipeline_reports_the_pipeline_status_not_drones() {
        let ctx = context(&fixture_env(PULL_REQUEST, 1_718_100_155 + 280));
        assert_eq!(ctx.status, "failure", "CI_PIPELINE_STATUS, not DRONE_BUILD_STATUS=success");
        assert_eq!(ctx.event, "pull_request");
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("fix/retry-after", RefKind::Branch));
        let pr = ctx.pr.unwrap();
        assert_eq!(pr.number, 58);
        assert_eq!(pr.title.as_deref(), Some("Honour Retry-After header on HTTP 429"));
        assert_eq!(pr.url.as_deref(), Some("https://github.com/acme/ci-notify/pull/58"));
        assert_eq!((pr.head.as_deref(), pr.base.as_deref()), (Some("fix/retry-after"), Some("main")));
        assert_eq!(pr.author.as_deref(), Some("sokafor"));
        assert_eq!(pr.state.as_deref(), Some("open"));
        assert!(!pr.draft);
        let commit = ctx.commit.unwrap();
        assert_eq!(commit.title, None, "CI_COMMIT_MESSAGE is the pull request's title here");
        assert_eq!(
            commit.url.as_deref(),
            Some("https://github.com/acme/ci-notify/commit/c47a0e9d1b6f3a8e2d5c7b9f0a1e3d5c7b9f1a2e")
        );
        assert_eq!(ctx.compare_url, None);
        assert_eq!(ctx.run.url.as_deref(), Some("https://ci.example.com/repos/12/pipeline/58"));
        assert_eq!(ctx.run.duration, Some(280));
    }

    #[test]
    fn no_pipeline_status_is_unknown_even_with_drone_compatibility_variables() {
        let ctx = context(&fixture_env(&format!("{PULL_REQUEST}\nCI_PIPELINE_STATUS=\n"), 0));
        assert_eq!(ctx.status, "unknown");
    }

    #[test]
    fn closed_pull_request_tag_and_release_events() {
        let closed = context(&fixture_env(&format!("{PULL_REQUEST}\nCI_PIPELINE_EVENT=pull_request_closed\n"), 0));
        assert_eq!(closed.action.as_deref(), Some("closed"));
        assert_eq!(closed.pr.unwrap().state.as_deref(), Some("closed"));

        let text = format!(
            "{PUSH}\nCI_PIPELINE_EVENT=release\nCI_COMMIT_TAG=v1.2.0\nCI_COMMIT_REF=refs/tags/v1.2.0\n\
             CI_PIPELINE_RELEASE_TITLE=\"Version 1.2\"\nCI_PIPELINE_RELEASE_PRE=true\n\
             CI_PIPELINE_FORGE_URL=https://github.com/acme/ci-notify/releases/tag/v1.2.0\n"
        );
        let ctx = context(&fixture_env(&text, 0));
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("v1.2.0", RefKind::Tag));
        let release = ctx.release.unwrap();
        assert_eq!((release.tag.as_str(), release.name.as_deref()), ("v1.2.0", Some("Version 1.2")));
        assert!(release.prerelease);
        assert_eq!(release.url.as_deref(), Some("https://github.com/acme/ci-notify/releases/tag/v1.2.0"));
        assert_eq!(ctx.compare_url, None);
    }

    #[test]
    fn links_follow_the_forge() {
        let text = "CI=woodpecker\nCI_FORGE_TYPE=gitlab\nCI_REPO=g/app\nCI_REPO_URL=https://gl.example/g/app\n\
                    CI_PIPELINE_EVENT=pull_request\nCI_COMMIT_PULL_REQUEST=4\nCI_COMMIT_SHA=abc\n";
        let ctx = context(&fixture_env(text, 0));
        assert_eq!(ctx.pr.unwrap().url.as_deref(), Some("https://gl.example/g/app/-/merge_requests/4"));
        assert_eq!(ctx.commit.unwrap().url.as_deref(), Some("https://gl.example/g/app/-/commit/abc"));
        let gitea = context(&fixture_env(&text.replace("=gitlab", "=gitea"), 0));
        assert_eq!(gitea.pr.unwrap().url.as_deref(), Some("https://gl.example/g/app/pulls/4"));
    }

    #[test]
    fn most_variables_missing_or_empty() {
        let env = fixture_env(
            "CI=woodpecker\nCI_REPO=acme/app\nCI_COMMIT_SHA=abcdef0123456789\nCI_COMMIT_TIMESTAMP=0\n\
             CI_PIPELINE_STARTED=0\nCI_PIPELINE_CREATED=0\nCI_PIPELINE_NUMBER=5\nDRONE_BUILD_STATUS=success\n",
            1_000,
        );
        let ctx = context(&env);
        assert_eq!((ctx.status.as_str(), ctx.event.as_str()), ("unknown", "push"));
        assert_eq!(ctx.repo.name.as_deref(), Some("app"));
        assert_eq!((ctx.run.started_at.as_deref(), ctx.run.duration), (None, None), "0 is unknown");
        assert_eq!(ctx.run.url, None);
        assert!(ctx.git_ref.is_none() && ctx.actor.is_none() && ctx.pr.is_none() && ctx.compare_url.is_none());
        let commit = ctx.commit.unwrap();
        assert_eq!((commit.title, commit.author, commit.url), (None, None, None));

        let bare = context(&fixture_env("CI=woodpecker\n", 1_000));
        assert!(bare.repo.full_name.is_none() && bare.commit.is_none() && bare.run.number.is_none());
    }
}

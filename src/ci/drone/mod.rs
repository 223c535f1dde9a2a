//! Drone: the plugin step's `DRONE_*` variables → [`Context`].
//!
//! Drone's legacy `CI_*` names are not read: they collide with Woodpecker's and mean other things
//! (Drone's `CI_BUILD_STATUS` is `running`, its `CI_BUILD_LINK` is the forge link). For pull
//! requests, `DRONE_COMMIT_MESSAGE` is the pull request's body, not a commit message, and
//! `DRONE_COMMIT_LINK` is the pull request (for a push: the compare view).

mod api;

use super::{Ci, Env, Inputs, Warnings};
use crate::context::jobs::Job;
use crate::context::status::Status;
use crate::context::{ChangeKind, Commit, Context, Person, PullRequest, Ref, RefKind, Repo, Run};
use crate::summary::catalog::Lang;
use crate::time::{format_rfc3339, interval};

pub struct Drone;

impl Ci for Drone {
    fn name(&self) -> &'static str {
        "Drone"
    }

    /// A build (构建) whose failed steps (步骤) `DRONE_FAILED_STEPS` and the API name.
    fn words(&self) -> crate::context::Words {
        use crate::context::{PartNoun, RunNoun, Words};
        Words { run: RunNoun::Build, part: PartNoun::Step }
    }

    fn detect(&self, env: &Env) -> bool {
        env.is("DRONE", "true")
    }

    fn context(&self, env: &Env, _: &Inputs, _: &mut Warnings) -> Context {
        context(env)
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "这个 Drone runner 没有设置 `DRONE_BUILD_STATUS`：请设置 `drone_token`，或设置 `status`",
            Lang::En => "this Drone runner sets no `DRONE_BUILD_STATUS`: set `drone_token`, or `status`",
        }
    }

    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "Drone 1.x 和 2.x 不设置 `DRONE_PREV_BUILD_STATUS`（只有 0.8 设置）：请设置 `drone_token` 以读取上一次构建"
            }
            Lang::En => {
                "Drone 1.x and 2.x set no `DRONE_PREV_BUILD_STATUS` (only 0.8 did): set `drone_token` so that the previous build is read"
            }
        }
    }

    fn api(&self) -> Option<&dyn super::api::RunApi> {
        Some(self)
    }
}

pub fn context(env: &Env) -> Context {
    let repo = repo(env);
    let event = env
        .string("DRONE_BUILD_EVENT")
        .unwrap_or_else(|| if env.get("DRONE_PULL_REQUEST").is_some() { "pull_request" } else { "push" }.to_owned());
    let action = env.get("DRONE_BUILD_ACTION").and_then(action);
    let link = env.string("DRONE_COMMIT_LINK");
    let pr = pull_request(env, repo.url.as_deref(), link.as_deref(), action.as_deref());
    let commit = commit(env, repo.url.as_deref(), link.as_deref(), pr.is_some());
    // Set, and read, only for promotions and rollbacks (drone/docs, `DRONE_DEPLOY_TO`).
    let deploy_to = env.string("DRONE_DEPLOY_TO").filter(|_| matches!(event.as_str(), "promote" | "rollback"));
    let run = run(env, &event);
    Context {
        ci: "drone",
        // The build status is `failure` as soon as a step of this stage has failed; the stage
        // status stands in on runners that do not set it.
        status: Status::parse(env.get("DRONE_BUILD_STATUS").or_else(|| env.get("DRONE_STAGE_STATUS"))),
        // Drone 0.8 only (cncd/pipeline's frontend/metadata.go, vendored in harness/drone
        // v0.8.6); 1.x and 2.x runners set no previous build, which only the API knows.
        previous_status: env.get("DRONE_PREV_BUILD_STATUS").map(|s| Status::parse(Some(s))),
        person: Person {
            login: env.string("DRONE_COMMIT_AUTHOR"),
            email: env.string("DRONE_COMMIT_AUTHOR_EMAIL"),
            name: env.string("DRONE_COMMIT_AUTHOR_NAME"),
        },
        event,
        action,
        git_ref: git_ref(env, pr.is_some()),
        commit,
        actor: actor(env),
        run,
        deploy_to,
        jobs: failed(env),
        compare_url: link.filter(|l| l.contains("/compare/")),
        pr,
        repo,
        ..Context::default()
    }
}

/// What failed so far: the steps of this stage (`DRONE_FAILED_STEPS`), then the other failed
/// stages (`DRONE_FAILED_STAGES`). This stage is named only when none of its steps is, as its
/// steps say more. Drone names the failures alone, so the summary counts no others.
fn failed(env: &Env) -> Vec<Job> {
    let list = |name| env.get(name).into_iter().flat_map(|v| v.split(',')).map(str::trim).filter(|n| !n.is_empty());
    let mut jobs: Vec<Job> = list("DRONE_FAILED_STEPS").map(|n| Job::new(n, Status::Failure, None)).collect();
    let this_stage = env.string("DRONE_STAGE_NAME");
    let stages = list("DRONE_FAILED_STAGES").filter(|s| jobs.is_empty() || this_stage.as_deref() != Some(*s));
    let stages: Vec<Job> = stages.map(|n| Job::new(n, Status::Failure, None)).collect();
    jobs.extend(stages);
    jobs
}

fn repo(env: &Env) -> Repo {
    let name = env.string("DRONE_REPO_NAME");
    let full_name = env.string("DRONE_REPO").or_else(|| {
        let owner = env.first(&["DRONE_REPO_NAMESPACE", "DRONE_REPO_OWNER"])?;
        Some(format!("{owner}/{}", name.as_deref()?))
    });
    let name = name.or_else(|| full_name.as_deref()?.rsplit('/').next().map(str::to_owned));
    let url = env.string("DRONE_REPO_LINK").map(|u| u.trim_end_matches('/').to_owned());
    Repo { name, full_name, url }
}

/// Drone copies the forge's action word (`opened`, `synchronized`, and in its docs `open`,
/// `sync`); templates see GitHub's words.
fn action(raw: &str) -> Option<String> {
    let raw = raw.trim().to_ascii_lowercase();
    let word = match raw.as_str() {
        "" => return None,
        "open" | "opened" => "opened",
        "sync" | "synchronize" | "synchronized" => "synchronize",
        "close" | "closed" => "closed",
        "reopen" | "reopened" => "reopened",
        "create" | "created" => "created",
        "merge" | "merged" => "merged",
        other => other,
    };
    Some(word.to_owned())
}

fn git_ref(env: &Env, is_pr: bool) -> Option<Ref> {
    if let Some(tag) = env.string("DRONE_TAG") {
        return Some(Ref { name: tag, kind: RefKind::Tag });
    }
    if is_pr {
        // `DRONE_BRANCH` is the target of a pull request; the work happens on the source branch.
        if let Some(source) = env.string("DRONE_SOURCE_BRANCH") {
            return Some(Ref { name: source, kind: RefKind::Branch });
        }
    }
    env.string("DRONE_COMMIT_REF")
        .filter(|r| r.starts_with("refs/heads/") || r.starts_with("refs/tags/"))
        .and_then(|r| Ref::parse(&r))
        .or_else(|| Some(Ref { name: env.first(&["DRONE_COMMIT_BRANCH", "DRONE_BRANCH"])?, kind: RefKind::Branch }))
}

fn commit(env: &Env, repo_url: Option<&str>, link: Option<&str>, is_pr: bool) -> Option<Commit> {
    let sha = env.first(&["DRONE_COMMIT_SHA", "DRONE_COMMIT", "DRONE_COMMIT_AFTER"])?;
    let message = if is_pr { None } else { env.get("DRONE_COMMIT_MESSAGE") };
    let mut commit = Commit::new(&sha, message);
    commit.author = env.first(&["DRONE_COMMIT_AUTHOR_NAME", "DRONE_COMMIT_AUTHOR"]);
    commit.author_email = env.string("DRONE_COMMIT_AUTHOR_EMAIL");
    commit.url = link
        .filter(|l| l.contains("/commit/"))
        .map(str::to_owned)
        .or_else(|| Some(format!("{}/commit/{sha}", repo_url?)));
    Some(commit)
}

/// Whoever started the build by hand; for webhooks (`@hook`) and cron (`@cron`), the author.
fn actor(env: &Env) -> Option<String> {
    env.string("DRONE_BUILD_TRIGGER").filter(|t| !t.starts_with('@')).or_else(|| env.string("DRONE_COMMIT_AUTHOR"))
}

fn run(env: &Env, event: &str) -> Run {
    let number = env.string("DRONE_BUILD_NUMBER");
    let url = env.string("DRONE_BUILD_LINK").or_else(|| {
        let proto = env.string("DRONE_SYSTEM_PROTO").unwrap_or_else(|| "https".to_owned());
        let host = env.string("DRONE_SYSTEM_HOST")?;
        Some(format!("{proto}://{host}/{}/{}", env.string("DRONE_REPO")?, number.as_deref()?))
    });
    let start = env.unix_time("DRONE_BUILD_STARTED").or_else(|| env.unix_time("DRONE_BUILD_CREATED"));
    // A running build has no finish time, so Drone sets `DRONE_BUILD_FINISHED` to the time the
    // step's environment was made: a value that is not in the past means "still running".
    let finish = env.unix_time("DRONE_BUILD_FINISHED").filter(|&f| f < env.now);
    Run {
        id: None,
        number,
        attempt: None,
        url,
        // A cron build would read as the cron job named after the stage: the server keeps the
        // cron job's name in the build (`build.Cron`, drone/drone trigger/cron/cron.go) and no
        // runner sets a variable for it (drone/runner-go environ/environ.go).
        workflow: env.string("DRONE_STAGE_NAME").filter(|_| event != "cron"),
        job: env.string("DRONE_STEP_NAME"),
        started_at: start.map(format_rfc3339),
        duration: interval(start, finish, env.now),
    }
}

fn pull_request(env: &Env, repo_url: Option<&str>, link: Option<&str>, action: Option<&str>) -> Option<PullRequest> {
    let number = env.get("DRONE_PULL_REQUEST")?.trim().parse::<u64>().ok().filter(|&n| n > 0)?;
    let url = link
        .filter(|l| ["/pull/", "/pulls/", "/merge_requests/", "/pull-requests/"].iter().any(|p| l.contains(p)))
        .map(str::to_owned)
        .or_else(|| Some(format!("{}/pull/{number}", repo_url?)));
    Some(PullRequest {
        // Drone names no forge (`DRONE_REPO_SCM` is `git`); on a pull request event its link
        // (`DRONE_COMMIT_LINK`, docs.drone.io/pipeline/environment/reference) is the forge's page.
        kind: if url.as_deref().is_some_and(|u| u.contains("/merge_requests/")) {
            ChangeKind::MergeRequest
        } else {
            ChangeKind::PullRequest
        },
        number,
        title: env.string("DRONE_PULL_REQUEST_TITLE"),
        url,
        author: env.string("DRONE_COMMIT_AUTHOR"),
        base: env.first(&["DRONE_TARGET_BRANCH", "DRONE_COMMIT_BRANCH", "DRONE_BRANCH"]),
        head: env.string("DRONE_SOURCE_BRANCH"),
        draft: false,
        merged: action == Some("merged"),
        state: match action {
            Some("closed" | "merged") => Some("closed".to_owned()),
            Some("opened" | "synchronize" | "reopened") => Some("open".to_owned()),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::gitlab::fixture_env;
    use super::*;

    const PUSH: &str = include_str!("../../../tests/fixtures/drone/push.env");
    const PULL_REQUEST: &str = include_str!("../../../tests/fixtures/drone/pull_request.env");

    #[test]
    fn push_build() {
        // `DRONE_BUILD_FINISHED` (…512) is when the notify step's environment was made.
        let ctx = context(&fixture_env(PUSH, 1_718_097_520));
        assert_eq!(ctx.ci, "drone");
        assert_eq!(ctx.repo.name.as_deref(), Some("ci-notify"));
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/ci-notify"));
        assert_eq!(ctx.repo.url.as_deref(), Some("https://github.com/acme/ci-notify"));
        assert_eq!(ctx.status, "success");
        assert_eq!(ctx.event, "push");
        assert_eq!(ctx.action, None, "DRONE_BUILD_ACTION is empty for a push");
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("main", RefKind::Branch));

        let commit = ctx.commit.unwrap();
        assert_eq!(commit.sha, "5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f");
        assert_eq!(commit.short_sha, "5e1f0a9");
        assert_eq!(commit.title.as_deref(), Some("Fix retry backoff when webhook returns 429"));
        assert_eq!(commit.author.as_deref(), Some("Dana Kowalski"));
        assert_eq!(
            commit.url.as_deref(),
            Some("https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f")
        );
        assert_eq!(ctx.actor.as_deref(), Some("dkowalski"), "a webhook build is the author's");
        assert_eq!(
            ctx.compare_url.as_deref(),
            Some("https://github.com/acme/ci-notify/compare/a07c9e1b3d5f...5e1f0a9c3b7d")
        );

        assert_eq!(ctx.run.number.as_deref(), Some("57"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://drone.example.com/acme/ci-notify/57"));
        assert_eq!(ctx.run.workflow.as_deref(), Some("default"));
        assert_eq!(ctx.run.job.as_deref(), Some("notify"));
        assert_eq!(ctx.run.started_at.as_deref(), Some("2024-06-11T09:14:09Z"));
        assert_eq!(ctx.run.duration, Some(1_718_097_512 - 1_718_097_249));
        assert!(ctx.pr.is_none());
    }

    #[test]
    fn a_finish_time_that_is_now_or_later_means_still_running() {
        for now in [1_718_097_512, 1_718_097_500] {
            let run = context(&fixture_env(PUSH, now)).run;
            assert_eq!(run.duration, Some(now - 1_718_097_249), "now = {now}");
        }
        let run = context(&fixture_env(&format!("{PUSH}\nDRONE_BUILD_FINISHED=\n"), 1_718_097_549)).run;
        assert_eq!(run.duration, Some(300));
    }

    #[test]
    fn pull_request_build() {
        let ctx = context(&fixture_env(PULL_REQUEST, 1_718_100_435));
        assert_eq!(ctx.status, "failure");
        assert_eq!(ctx.event, "pull_request");
        assert_eq!(ctx.action.as_deref(), Some("synchronize"));
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("fix/retry-after", RefKind::Branch));
        let pr = ctx.pr.unwrap();
        assert_eq!(pr.number, 58);
        assert_eq!(pr.title.as_deref(), Some("Honour Retry-After header on HTTP 429"));
        assert_eq!(pr.url.as_deref(), Some("https://github.com/acme/ci-notify/pull/58"));
        assert_eq!(pr.author.as_deref(), Some("sokafor"));
        assert_eq!((pr.head.as_deref(), pr.base.as_deref()), (Some("fix/retry-after"), Some("main")));
        assert_eq!(pr.state.as_deref(), Some("open"));
        let commit = ctx.commit.unwrap();
        assert_eq!(commit.short_sha, "c47a0e9");
        assert_eq!(commit.title, None, "DRONE_COMMIT_MESSAGE is the pull request's body here");
        assert_eq!(
            commit.url.as_deref(),
            Some("https://github.com/acme/ci-notify/commit/c47a0e9d1b6f3a8e2d5c7b9f0a1e3d5c7b9f1a2e")
        );
        assert_eq!(ctx.compare_url, None);
        assert_eq!(ctx.run.url.as_deref(), Some("https://drone.example.com/acme/ci-notify/58"));
        assert_eq!(ctx.run.duration, Some(1_718_100_431 - 1_718_100_155));
        let failed: Vec<&str> = ctx.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(failed, ["test"], "the stage `default` is this one, named by its step");
    }

    #[test]
    fn failed_steps_then_other_failed_stages() {
        let names = |extra: &str| {
            let ctx = context(&fixture_env(&format!("{PULL_REQUEST}\n{extra}"), 0));
            assert!(ctx.jobs.iter().all(|j| j.status == Status::Failure));
            ctx.jobs.into_iter().map(|j| j.name).collect::<Vec<_>>()
        };
        assert_eq!(
            names("DRONE_FAILED_STEPS=lint, test\nDRONE_FAILED_STAGES=default,arm64\n"),
            ["lint", "test", "arm64"]
        );
        assert_eq!(names("DRONE_FAILED_STEPS=\nDRONE_FAILED_STAGES=default\n"), ["default"]);
        assert!(context(&fixture_env(PUSH, 0)).jobs.is_empty());
    }

    #[test]
    fn the_stage_status_stands_in_for_a_missing_build_status() {
        let ctx = context(&fixture_env(&format!("{PULL_REQUEST}\nDRONE_BUILD_STATUS=\n"), 0));
        assert_eq!(ctx.status, "failure");
        let ctx = context(&fixture_env("DRONE=true\nDRONE_STAGE_STATUS=success\n", 0));
        assert_eq!(ctx.status, "success");
    }

    #[test]
    fn tag_build_and_manual_trigger() {
        let text = format!(
            "{PUSH}\nDRONE_BUILD_EVENT=tag\nDRONE_TAG=v1.2.0\nDRONE_COMMIT_REF=refs/tags/v1.2.0\n\
             DRONE_COMMIT_BRANCH=\nDRONE_BUILD_ACTION=create\nDRONE_BUILD_TRIGGER=sokafor\n\
             DRONE_COMMIT_LINK=https://github.com/acme/ci-notify/releases/tag/v1.2.0\n"
        );
        let ctx = context(&fixture_env(&text, 0));
        assert_eq!(ctx.event, "tag");
        assert_eq!(ctx.action.as_deref(), Some("created"));
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("v1.2.0", RefKind::Tag));
        assert_eq!(ctx.actor.as_deref(), Some("sokafor"));
        assert_eq!(ctx.compare_url, None);
    }

    #[test]
    fn most_variables_missing_or_empty() {
        let env = fixture_env(
            "DRONE=true\nDRONE_REPO=acme/app\nDRONE_SYSTEM_HOST=drone.local\nDRONE_BUILD_NUMBER=3\n\
             DRONE_COMMIT_SHA=abcdef0123456789\nDRONE_COMMIT_MESSAGE=\nDRONE_BUILD_ACTION=\n\
             DRONE_PULL_REQUEST=\nDRONE_BUILD_STARTED=0\nDRONE_BUILD_FINISHED=0\nDRONE_BUILD_TRIGGER=@hook\n",
            1_000,
        );
        let ctx = context(&env);
        assert_eq!((ctx.status.as_str(), ctx.event.as_str()), ("unknown", "push"));
        assert_eq!(ctx.repo.name.as_deref(), Some("app"));
        assert_eq!(ctx.repo.url, None);
        assert_eq!(ctx.run.url.as_deref(), Some("https://drone.local/acme/app/3"));
        assert!(ctx.git_ref.is_none() && ctx.actor.is_none() && ctx.pr.is_none() && ctx.action.is_none());
        assert_eq!((ctx.run.started_at, ctx.run.duration), (None, None));
        let commit = ctx.commit.unwrap();
        assert_eq!((commit.title, commit.author, commit.url), (None, None, None));

        let bare = context(&fixture_env("DRONE=true\n", 1_000));
        assert!(bare.repo.full_name.is_none() && bare.commit.is_none() && bare.run.url.is_none());
    }
}

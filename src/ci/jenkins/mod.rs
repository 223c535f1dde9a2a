//! Jenkins: the build's environment variables → [`Context`].
//!
//! Names and meanings are Jenkins' documented ones (`/env-vars.html` on any Jenkins, and
//! "Pipeline Syntax → Global Variable Reference": <https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables>)
//! and the Git plugin's (`GIT_COMMIT`, `GIT_BRANCH`, `GIT_URL`:
//! <https://plugins.jenkins.io/git/#plugin-content-environment-variables>). Multibranch projects
//! add `BRANCH_NAME`, `CHANGE_*` for pull requests and `TAG_NAME` for tags.
//!
//! Jenkins has no variable for the build's result or start: the Jenkinsfile passes
//! `currentBuild.currentResult` as the `status` setting and `currentBuild.startTimeInMillis` as
//! `started_at` (README, "Jenkins").

mod api;

use super::{Ci, Env, Inputs, Warnings, local};
use crate::context::status::Status;
use crate::context::{ChangeKind, Commit, Context, Person, PullRequest, Ref, RefKind, Repo, Run};
use crate::summary::catalog::Lang;

pub struct Jenkins;

impl Ci for Jenkins {
    fn name(&self) -> &'static str {
        "Jenkins"
    }

    /// A build (构建) of stages (阶段), as Pipeline jobs show them.
    fn words(&self) -> crate::context::Words {
        use crate::context::{PartNoun, RunNoun, Words};
        Words { run: RunNoun::Build, part: PartNoun::Stage }
    }

    fn detect(&self, env: &Env) -> bool {
        env.get("JENKINS_URL").is_some()
    }

    fn context(&self, env: &Env, _: &Inputs, _: &mut Warnings) -> Context {
        context(env)
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "Jenkins 没有表示构建结果的变量：Pipeline 中请在 `post { always { … } }` 里设置 \
                 `status: ${currentBuild.currentResult}`；自由风格任务请设置 `jenkins_token`（user:apitoken），\
                 并在构建后步骤（如 Post build task）中运行，由 API 给出结果"
            }
            Lang::En => {
                "Jenkins has no variable for the build's result: in a Pipeline set \
                 `status: ${currentBuild.currentResult}` in `post { always { … } }`; in a freestyle job set \
                 `jenkins_token` (user:apitoken) and run from a post-build step (such as Post build task), so that the API tells it"
            }
        }
    }

    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "请设置 `jenkins_token`，或在 Pipeline 中设置 `previous_status: ${currentBuild.previousCompletedBuild?.result}`"
            }
            Lang::En => {
                "set `jenkins_token`, or in a Pipeline `previous_status: ${currentBuild.previousCompletedBuild?.result}`"
            }
        }
    }

    fn api(&self) -> Option<&dyn super::api::RunApi> {
        Some(self)
    }
}

pub fn context(env: &Env) -> Context {
    let repo = repo(env);
    let pr = pull_request(env);
    let git_ref = git_ref(env, pr.as_ref());
    let event = if pr.is_some() {
        "pull_request"
    } else if git_ref.as_ref().is_some_and(|r| r.kind == RefKind::Tag) {
        "tag"
    } else {
        // Nothing says what started a build (SCM polling, a timer, a person, a webhook): a
        // branch build is a build, not a push.
        "build"
    };
    let commit = commit(env, repo.url.as_deref());
    // Who the build is about (README, `at_author`): a pull request's author, else the commit's
    // (from the workspace's git; the Git plugin's GIT_AUTHOR_* are its configured identity).
    let person = pr.as_ref().and_then(|_| super::change_author(env)).unwrap_or_else(|| Person {
        login: None,
        email: commit.as_ref().and_then(|c| c.author_email.clone()),
        name: commit.as_ref().and_then(|c| c.author.clone()),
    });
    Context {
        ci: "jenkins",
        status: Status::Unknown,
        event: event.to_owned(),
        commit,
        person,
        // Jenkins itself does not say who started a build; the Build User Vars plugin does.
        actor: pr.as_ref().and_then(|p| p.author.clone()).or_else(|| env.first(&["BUILD_USER_ID", "BUILD_USER"])),
        run: Run {
            id: env.string("BUILD_ID"),
            number: env.string("BUILD_NUMBER"),
            attempt: None,
            url: env.first(&["BUILD_URL", "RUN_DISPLAY_URL"]),
            workflow: env.string("JOB_NAME"),
            // Set inside a `stage` block only; a `post` section at the top level has none.
            job: env.string("STAGE_NAME"),
            started_at: None,
            duration: None,
        },
        git_ref,
        pr,
        repo,
        ..Context::default()
    }
}

/// The repository from the Git plugin's `GIT_URL` (https or ssh, `.git` or not), else the
/// job's name: a multibranch job is `folder/repo/branch`, so the branch part is dropped.
fn repo(env: &Env) -> Repo {
    if let Some((url, full_name)) = env.first(&["GIT_URL", "GIT_URL_1"]).as_deref().and_then(web_url) {
        let name = full_name.rsplit('/').next().map(str::to_owned);
        return Repo { name, full_name: Some(full_name), url: Some(url) };
    }
    let full_name = env.string("JOB_NAME").map(|job| match job.rsplit_once('/') {
        Some((parent, _)) if env.get("BRANCH_NAME").is_some() => parent.to_owned(),
        _ => job,
    });
    Repo { name: full_name.as_deref().and_then(|f| f.rsplit('/').next()).map(str::to_owned), full_name, url: None }
}

/// `https://github.com/acme/app.git`, `git@github.com:acme/app.git`, `ssh://git@host:22/acme/app`
/// → (`https://host/acme/app`, `acme/app`). Credentials in an https URL are dropped.
fn web_url(git_url: &str) -> Option<(String, String)> {
    let url = git_url.trim().trim_end_matches('/').trim_end_matches(".git");
    let (host, path) = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        rest.split_once('/')?
    } else if let Some(rest) = url.strip_prefix("ssh://") {
        let (host, path) = rest.split_once('/')?;
        (host.split(':').next()?, path)
    } else {
        // scp-like: git@host:owner/repo
        let (host, path) = url.split_once(':')?;
        if host.contains('/') {
            return None;
        }
        (host, path)
    };
    let host = host.rsplit('@').next()?;
    let path = path.trim_matches('/');
    (!host.is_empty() && path.contains('/')).then(|| (format!("https://{host}/{path}"), path.to_owned()))
}

fn git_ref(env: &Env, pr: Option<&PullRequest>) -> Option<Ref> {
    if let Some(tag) = env.string("TAG_NAME") {
        return Some(Ref { name: tag, kind: RefKind::Tag });
    }
    if let Some(head) = pr.and_then(|p| p.head.clone()) {
        return Some(Ref { name: head, kind: RefKind::Branch });
    }
    // `GIT_BRANCH` is the remote-tracking name (`origin/main`) outside multibranch projects.
    let branch = env.first(&["BRANCH_NAME", "GIT_LOCAL_BRANCH", "GIT_BRANCH"])?;
    let branch = branch.strip_prefix("refs/remotes/").unwrap_or(&branch);
    Ref::parse(branch.strip_prefix("origin/").unwrap_or(branch))
}

fn commit(env: &Env, repo_url: Option<&str>) -> Option<Commit> {
    let sha = env.string("GIT_COMMIT")?;
    // Jenkins gives no message or author; the workspace's git does when it has this commit.
    let mut commit = local::git_commit(&sha).unwrap_or_else(|| Commit::new(&sha, None));
    commit.url = repo_url.map(|u| {
        let path = if u.contains("gitlab") {
            "-/commit"
        } else if u.contains("bitbucket") {
            "commits"
        } else {
            "commit"
        };
        format!("{u}/{path}/{sha}")
    });
    Some(commit)
}

/// A multibranch pull request (`CHANGE_ID`); Gerrit-style ids that are not numbers are left out.
fn pull_request(env: &Env) -> Option<PullRequest> {
    let number = env.get("CHANGE_ID")?.trim().parse::<u64>().ok()?;
    let url = env.string("CHANGE_URL");
    // No variable names the forge; GitLab Branch Source's CHANGE_URL is the merge request's page.
    let gitlab = url.as_deref().is_some_and(|u| u.contains("/merge_requests/"));
    Some(PullRequest {
        kind: if gitlab { ChangeKind::MergeRequest } else { ChangeKind::PullRequest },
        number,
        title: env.string("CHANGE_TITLE"),
        url,
        author: env.first(&["CHANGE_AUTHOR", "CHANGE_AUTHOR_DISPLAY_NAME"]),
        base: env.string("CHANGE_TARGET"),
        head: env.string("CHANGE_BRANCH"),
        draft: false,
        merged: false,
        // Jenkins builds a change request while it is open.
        state: Some("open".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::gitlab::fixture_env;
    use super::*;

    const PUSH: &str = include_str!("../../../tests/fixtures/jenkins/push.env");
    const PULL_REQUEST: &str = include_str!("../../../tests/fixtures/jenkins/pull_request.env");
    const TAG: &str = include_str!("../../../tests/fixtures/jenkins/tag.env");

    #[test]
    fn push_build() {
        let ctx = context(&fixture_env(PUSH, 0));
        assert_eq!((ctx.ci, ctx.event.as_str(), ctx.status), ("jenkins", "build", Status::Unknown));
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/ci-notify"));
        assert_eq!(ctx.repo.name.as_deref(), Some("ci-notify"));
        assert_eq!(ctx.repo.url.as_deref(), Some("https://github.com/acme/ci-notify"));
        let r = ctx.git_ref.unwrap();
        assert_eq!((r.name.as_str(), r.kind), ("main", RefKind::Branch), "GIT_BRANCH without origin/");
        let c = ctx.commit.unwrap();
        assert_eq!(c.short_sha, "5e1f0a9");
        assert_eq!(
            c.url.as_deref(),
            Some("https://github.com/acme/ci-notify/commit/5e1f0a9c3b7d2e4f6a8b0c1d3e5f7a9b2c4d6e8f")
        );
        assert_eq!(ctx.run.number.as_deref(), Some("57"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://jenkins.example.com/job/ci-notify/57/"));
        assert_eq!(ctx.run.workflow.as_deref(), Some("ci-notify"));
        assert!(ctx.pr.is_none() && ctx.actor.is_none());
    }

    #[test]
    fn a_gitlab_merge_request_is_a_merge_request() {
        // GitLab Branch Source sets CHANGE_URL to the merge request's page.
        let url = "CHANGE_URL=https://gitlab.example.com/acme/ci-notify/-/merge_requests/58";
        let ctx = context(&fixture_env(&format!("{PULL_REQUEST}\n{url}\n"), 0));
        assert_eq!(ctx.pr.unwrap().kind, ChangeKind::MergeRequest);
        assert_eq!(context(&fixture_env(PULL_REQUEST, 0)).pr.unwrap().kind, ChangeKind::PullRequest);
    }

    #[test]
    fn multibranch_pull_request() {
        let ctx = context(&fixture_env(PULL_REQUEST, 0));
        assert_eq!(ctx.event, "pull_request");
        let pr = ctx.pr.unwrap();
        assert_eq!(pr.number, 58);
        assert_eq!(pr.title.as_deref(), Some("Honour Retry-After header on HTTP 429"));
        assert_eq!(pr.url.as_deref(), Some("https://github.com/acme/ci-notify/pull/58"));
        assert_eq!((pr.head.as_deref(), pr.base.as_deref()), (Some("fix/retry-after"), Some("main")));
        assert_eq!(ctx.actor.as_deref(), Some("sokafor"));
        assert_eq!(ctx.person.email.as_deref(), Some("sam.okafor@example.com"));
        assert_eq!(ctx.git_ref.unwrap().name, "fix/retry-after", "the source branch, not PR-58");
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/ci-notify"));
        assert_eq!(
            ctx.run.url.as_deref(),
            Some("https://jenkins.example.com/job/acme/job/ci-notify/view/change-requests/job/PR-58/3/")
        );
    }

    #[test]
    fn multibranch_tag() {
        let ctx = context(&fixture_env(TAG, 0));
        assert_eq!(ctx.event, "tag");
        let r = ctx.git_ref.unwrap();
        assert_eq!((r.name.as_str(), r.kind), ("v1.2.0", RefKind::Tag));
    }

    #[test]
    fn git_urls_of_every_shape_give_the_web_page() {
        let want = Some(("https://github.com/acme/app".to_owned(), "acme/app".to_owned()));
        for url in [
            "https://github.com/acme/app.git",
            "https://bot:tok@github.com/acme/app",
            "git@github.com:acme/app.git",
            "ssh://git@github.com:22/acme/app.git",
        ] {
            assert_eq!(web_url(url), want, "{url}");
        }
        assert_eq!(web_url("/srv/git/app.git"), None);
        assert_eq!(web_url("https://github.com/app"), None);
    }

    #[test]
    fn without_git_the_job_names_the_repository_and_the_build_links_itself() {
        let env = fixture_env(
            "JENKINS_URL=https://ci/\nJOB_NAME=acme/ci-notify/feature%2Fx\nBRANCH_NAME=feature/x\nBUILD_URL=https://ci/job/x/1/\n",
            0,
        );
        let ctx = context(&env);
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/ci-notify"));
        assert_eq!((ctx.event.as_str(), ctx.git_ref.unwrap().name.as_str()), ("build", "feature/x"));
        let bare = context(&fixture_env(
            "JENKINS_URL=https://ci/\nJOB_NAME=nightly\nBUILD_URL=https://ci/job/nightly/9/\n",
            0,
        ));
        assert_eq!((bare.event.as_str(), bare.repo.name.as_deref()), ("build", Some("nightly")));
        assert_eq!(bare.run.url.as_deref(), Some("https://ci/job/nightly/9/"));
    }
}

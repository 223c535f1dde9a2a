//! GitLab CI: the job's `CI_*` and `GITLAB_USER_*` variables → [`Context`].
//!
//! The notifier runs as a job, usually in a final stage, so the pipeline is still running: its
//! duration is measured from `CI_PIPELINE_CREATED_AT` to now. `CI_JOB_STATUS` is the notifying
//! job's own status, not the pipeline's (GitLab has no pipeline-status variable); the README shows
//! the `when: on_success` / `when: on_failure` pattern that reports the pipeline's outcome through
//! the `status` setting, which always wins over this.
//!
//! What only the API tells (the pipeline's jobs, the previous pipeline's outcome) is in `api`.

mod api;

use super::{Ci, Env, Inputs, Warnings, is_null_sha};
use crate::context::status::Status;
use crate::context::{ChangeKind, Commit, Context, Person, PullRequest, Ref, RefKind, Repo, Run};
use crate::summary::catalog::Lang;
use crate::time::{format_rfc3339, interval, parse_rfc3339};

pub struct GitLab;

impl Ci for GitLab {
    fn name(&self) -> &'static str {
        "GitLab"
    }

    /// A pipeline (流水线) of jobs (作业), as GitLab says.
    fn words(&self) -> crate::context::Words {
        use crate::context::{PartNoun, RunNoun, Words};
        Words { run: RunNoun::Pipeline, part: PartNoun::Job }
    }

    fn detect(&self, env: &Env) -> bool {
        env.is("GITLAB_CI", "true")
    }

    fn context(&self, env: &Env, _: &Inputs, _: &mut Warnings) -> Context {
        context(env)
    }

    fn api(&self) -> Option<&dyn super::api::RunApi> {
        Some(self)
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "在 `script:` 中 GitLab 只给出 `CI_JOB_STATUS=running`：请设置 `gitlab_token`（需 read_api 权限）以从流水线的作业得出结果，\
                 或在 `after_script:` 中运行，或用 README 中的两个作业（`when: on_success` / `when: on_failure`）设置 `status`"
            }
            Lang::En => {
                "inside `script:` GitLab gives only `CI_JOB_STATUS=running`: set `gitlab_token` (read_api) so that the \
                 pipeline's jobs tell the outcome, or run from `after_script:`, or use the README's two jobs \
                 (`when: on_success` / `when: on_failure`) that set `status`"
            }
        }
    }

    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "GitLab 没有上一条流水线结果的变量：请设置 `gitlab_token`（需 read_api 权限）",
            Lang::En => "GitLab has no variable for the previous pipeline's outcome: set `gitlab_token` (read_api)",
        }
    }
}

pub fn context(env: &Env) -> Context {
    let repo = repo(env);
    let project_url = repo.url.clone();
    let pr = merge_request(env, project_url.as_deref()).or_else(|| external_pull_request(env));
    let git_ref = git_ref(env);
    let commit = commit(env, project_url.as_deref());
    let event = env
        .string("CI_PIPELINE_SOURCE")
        .unwrap_or_else(|| if pr.is_some() { "merge_request_event" } else { "push" }.to_owned());
    // A push that moved a branch has a real previous sha; GitLab sends 40 zeros for the first
    // push of a branch, for merge request pipelines and for pipelines run by hand.
    let compare_url = match (&project_url, env.string("CI_COMMIT_BEFORE_SHA"), &commit) {
        (Some(url), Some(before), Some(c)) if event == "push" && !is_null_sha(&before) => {
            Some(format!("{url}/-/compare/{before}...{}", c.sha))
        }
        _ => None,
    };
    let run = run(env, &event, project_url.as_deref());
    Context {
        ci: "gitlab",
        status: job_status(env.get("CI_JOB_STATUS")),
        person: person(env),
        event,
        action: None,
        git_ref,
        commit,
        actor: env.first(&["GITLAB_USER_LOGIN", "GITLAB_USER_NAME"]),
        run,
        tag_message: env.string("CI_COMMIT_TAG").and(env.get("CI_COMMIT_TAG_MESSAGE")).and_then(tag_message),
        pr,
        compare_url,
        repo,
        ..Context::default()
    }
}

/// The notify job's own state. `running` is what the job's `script:` sees, not a pipeline
/// starting: a start-of-pipeline message says `status: started` itself. `timedout` is what
/// `after_script:` sees since GitLab Runner 17.x (gitlab-runner merge request 4717) once the job
/// ran past its timeout, which GitLab shows as failed; older runners said `failed`.
fn job_status(raw: Option<&str>) -> Status {
    match raw.map(str::trim) {
        Some("timedout") => Status::Failure,
        raw => match Status::parse(raw) {
            Status::Started => Status::Unknown,
            status => status,
        },
    }
}

/// An annotated tag's message, without the blank lines git keeps around it; a lightweight tag
/// has none (GitLab 15.5 and later set `CI_COMMIT_TAG_MESSAGE`, empty for those).
fn tag_message(raw: &str) -> Option<String> {
    let message = raw.trim();
    (!message.is_empty()).then(|| message.to_owned())
}

fn repo(env: &Env) -> Repo {
    let full_name = env.string("CI_PROJECT_PATH");
    let url = env.string("CI_PROJECT_URL").or_else(|| {
        let server = env.string("CI_SERVER_URL")?;
        Some(format!("{}/{}", server.trim_end_matches('/'), full_name.as_deref()?))
    });
    let name = env.string("CI_PROJECT_NAME").or_else(|| full_name.as_deref()?.rsplit('/').next().map(str::to_owned));
    Repo { name, full_name, url: url.map(|u| u.trim_end_matches('/').to_owned()) }
}

fn git_ref(env: &Env) -> Option<Ref> {
    if let Some(tag) = env.string("CI_COMMIT_TAG") {
        return Some(Ref { name: tag, kind: RefKind::Tag });
    }
    // `CI_COMMIT_BRANCH` is absent in merge request pipelines, where `CI_COMMIT_REF_NAME` is the
    // source branch.
    let name = env.first(&["CI_COMMIT_BRANCH", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "CI_COMMIT_REF_NAME"])?;
    Some(Ref { name, kind: RefKind::Branch })
}

fn commit(env: &Env, project_url: Option<&str>) -> Option<Commit> {
    let sha = env.string("CI_COMMIT_SHA")?;
    let message = env.get("CI_COMMIT_MESSAGE").or_else(|| env.get("CI_COMMIT_TITLE"));
    let mut commit = Commit::new(&sha, message);
    if let Some(short) = env.string("CI_COMMIT_SHORT_SHA") {
        commit.short_sha = short;
    }
    if let Some(title) = env.string("CI_COMMIT_TITLE") {
        commit.title = Some(title);
    }
    commit.author = env.get("CI_COMMIT_AUTHOR").and_then(author_name);
    commit.author_email = env.get("CI_COMMIT_AUTHOR").and_then(author_email);
    commit.url = project_url.map(|url| format!("{url}/-/commit/{sha}"));
    Some(commit)
}

/// Who the pipeline is about: GitLab names the user who started it (`GITLAB_USER_LOGIN`, the
/// pusher or the merge request's updater) and the commit's author (`CI_COMMIT_AUTHOR`).
fn person(env: &Env) -> Person {
    let author = env.get("CI_COMMIT_AUTHOR");
    Person {
        login: env.string("GITLAB_USER_LOGIN"),
        email: author.and_then(author_email).or_else(|| env.string("GITLAB_USER_EMAIL")),
        name: author.and_then(author_name).or_else(|| env.string("GITLAB_USER_NAME")),
    }
}

/// The email of a `Name <email>` author.
fn author_email(raw: &str) -> Option<String> {
    let email = raw.split_once('<')?.1.split_once('>')?.0.trim();
    (!email.is_empty()).then(|| email.to_owned())
}

/// The name of a `Name <email>` author, or the whole value when it has no email part.
fn author_name(raw: &str) -> Option<String> {
    let name = raw.split_once('<').map_or(raw, |(name, _)| name).trim();
    let name = if name.is_empty() { raw.trim().trim_matches(['<', '>']) } else { name };
    (!name.is_empty()).then(|| name.to_owned())
}

fn run(env: &Env, source: &str, project_url: Option<&str>) -> Run {
    let id = env.string("CI_PIPELINE_ID");
    let url =
        env.string("CI_PIPELINE_URL").or_else(|| Some(format!("{}/-/pipelines/{}", project_url?, id.as_deref()?)));
    // The pipeline's age is what readers want, not the few seconds of the notify job itself;
    // GitLab gives no pipeline finish time, as the notifier runs inside the pipeline.
    let start = ["CI_PIPELINE_CREATED_AT", "CI_JOB_STARTED_AT"].iter().find_map(|n| parse_rfc3339(env.get(n)?));
    Run {
        id,
        number: env.string("CI_PIPELINE_IID"),
        attempt: None,
        url,
        // A schedule's description names what runs by the clock (GitLab 17.8 and later); the
        // pipeline's `workflow:name` stands in before that, as everywhere else.
        workflow: if source == "schedule" {
            env.first(&["CI_PIPELINE_SCHEDULE_DESCRIPTION", "CI_PIPELINE_NAME"])
        } else {
            env.string("CI_PIPELINE_NAME")
        },
        job: env.string("CI_JOB_NAME"),
        started_at: start.map(format_rfc3339),
        duration: interval(start, None, env.now),
    }
}

/// Set only in merge request pipelines, and only while the merge request is open.
fn merge_request(env: &Env, project_url: Option<&str>) -> Option<PullRequest> {
    let number = env.get("CI_MERGE_REQUEST_IID")?.trim().parse::<u64>().ok()?;
    let target_project = env.string("CI_MERGE_REQUEST_PROJECT_URL");
    let url = target_project
        .as_deref()
        .or(project_url)
        .map(|u| format!("{}/-/merge_requests/{number}", u.trim_end_matches('/')));
    Some(PullRequest {
        kind: ChangeKind::MergeRequest,
        number,
        title: env.string("CI_MERGE_REQUEST_TITLE"),
        url,
        author: None,
        base: env.string("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        head: env.string("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        draft: env.is("CI_MERGE_REQUEST_DRAFT", "true"),
        merged: false,
        state: Some("open".to_owned()),
    })
}

/// GitHub pull requests that GitLab builds through CI/CD for external repositories.
fn external_pull_request(env: &Env) -> Option<PullRequest> {
    let number = env.get("CI_EXTERNAL_PULL_REQUEST_IID")?.trim().parse::<u64>().ok()?;
    let url = env
        .string("CI_EXTERNAL_PULL_REQUEST_TARGET_REPOSITORY")
        .map(|repo| format!("https://github.com/{repo}/pull/{number}"));
    // A GitHub pull request, named as GitHub names it (`#12`), not as GitLab's own.
    Some(PullRequest {
        kind: ChangeKind::PullRequest,
        number,
        url,
        base: env.string("CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME"),
        head: env.string("CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME"),
        state: Some("open".to_owned()),
        ..PullRequest::default()
    })
}

/// An environment from a fixture env file's text, for the CI modules' tests.
#[cfg(test)]
pub(super) fn fixture_env(text: &str, now: u64) -> Env {
    Env::new(crate::env::dotenv::parse(text, "fixture"), now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUSH: &str = include_str!("../../../tests/fixtures/gitlab/push.env");
    const MERGE_REQUEST: &str = include_str!("../../../tests/fixtures/gitlab/merge_request.env");
    /// `push.env`'s pipeline was created at 09:14:07 UTC; the notifier runs five minutes later.
    const PUSH_NOW: u64 = 1_718_097_247 + 300;

    #[test]
    fn fixture_reader_handles_quotes_escapes_and_comments() {
        let env = fixture_env("# c\nA=\"x\\ny\"\nB='{\"k\":\"v\\n\"}'\nC=\nD=plain\n", 0);
        assert_eq!(env.get("A"), Some("x\ny"));
        assert_eq!(env.get("B"), Some("{\"k\":\"v\\n\"}"));
        assert_eq!(env.get("C"), None);
        assert_eq!(env.get("D"), Some("plain"));
        assert_eq!(env.vars().count(), 4);
    }

    #[test]
    fn push_pipeline() {
        let ctx = context(&fixture_env(PUSH, PUSH_NOW));
        assert_eq!(ctx.ci, "gitlab");
        assert_eq!(ctx.repo.name.as_deref(), Some("ci-notify"));
        assert_eq!(ctx.repo.full_name.as_deref(), Some("acme/tools/ci-notify"));
        assert_eq!(ctx.repo.url.as_deref(), Some("https://gitlab.example.com/acme/tools/ci-notify"));
        assert_eq!(ctx.status, "success");
        assert_eq!(ctx.event, "push");
        assert_eq!(ctx.action, None);
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("main", RefKind::Branch));

        let commit = ctx.commit.unwrap();
        assert_eq!(commit.sha, "3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d");
        assert_eq!(commit.short_sha, "3f9c1d2e", "GitLab's own 8-character short sha");
        assert_eq!(commit.title.as_deref(), Some("Fix retry backoff when webhook returns 429"));
        assert_eq!(
            commit.message.as_deref(),
            Some(
                "Fix retry backoff when webhook returns 429\n\nHonour the Retry-After header instead of the fixed 2s delay."
            )
        );
        assert_eq!(commit.author.as_deref(), Some("Dana Kowalski"));
        assert_eq!(
            commit.url.as_deref(),
            Some("https://gitlab.example.com/acme/tools/ci-notify/-/commit/3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d")
        );
        assert_eq!(ctx.actor.as_deref(), Some("dkowalski"));

        assert_eq!(ctx.run.id.as_deref(), Some("1187345"));
        assert_eq!(ctx.run.number.as_deref(), Some("318"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://gitlab.example.com/acme/tools/ci-notify/-/pipelines/1187345"));
        assert_eq!(ctx.run.job.as_deref(), Some("notify"));
        assert_eq!(ctx.run.workflow, None);
        assert_eq!(ctx.run.started_at.as_deref(), Some("2024-06-11T09:14:07Z"));
        assert_eq!(ctx.run.duration, Some(300), "measured from the pipeline's creation to now");

        assert!(ctx.pr.is_none());
        assert_eq!(
            ctx.compare_url.as_deref(),
            Some(
                "https://gitlab.example.com/acme/tools/ci-notify/-/compare/\
                 9b2e7c41d0a5f8e3b6c9d2a1f4e7b0c3d6a9f2e5...3f9c1d2e7b8a4c6d5e0f1a2b3c4d5e6f7a8b9c0d"
            )
        );
        assert!(ctx.commits.is_empty() && ctx.release.is_none() && ctx.payload.is_null());
    }

    #[test]
    fn merge_request_pipeline() {
        let now = parse_rfc3339("2024-06-11T10:08:03Z").unwrap();
        let ctx = context(&fixture_env(MERGE_REQUEST, now));
        assert_eq!(ctx.status, "failure", "CI_JOB_STATUS=failed");
        assert_eq!(ctx.event, "merge_request_event");
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("fix/retry-after", RefKind::Branch));
        let pr = ctx.pr.unwrap();
        assert_eq!((pr.kind, pr.number), (ChangeKind::MergeRequest, 57));
        assert_eq!(pr.title.as_deref(), Some("Honour Retry-After header on HTTP 429"));
        assert_eq!(pr.url.as_deref(), Some("https://gitlab.example.com/acme/tools/ci-notify/-/merge_requests/57"));
        assert_eq!(pr.head.as_deref(), Some("fix/retry-after"));
        assert_eq!(pr.base.as_deref(), Some("main"));
        assert_eq!(pr.state.as_deref(), Some("open"));
        assert!(!pr.draft && !pr.merged);
        let commit = ctx.commit.unwrap();
        assert_eq!(commit.short_sha, "c47a0e9d");
        assert_eq!(commit.author.as_deref(), Some("Sam Okafor"));
        assert_eq!(commit.message.as_deref().map(|m| m.lines().count()), Some(4));
        assert_eq!(ctx.actor.as_deref(), Some("sokafor"));
        assert_eq!(ctx.run.number.as_deref(), Some("319"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://gitlab.example.com/acme/tools/ci-notify/-/pipelines/1187412"));
        assert_eq!(ctx.run.started_at.as_deref(), Some("2024-06-11T10:02:33Z"));
        assert_eq!(ctx.run.duration, Some(330));
        assert_eq!(ctx.compare_url, None, "the before sha of a merge request pipeline is 40 zeros");
    }

    #[test]
    fn tag_pipeline_and_cancelled_job() {
        let text = format!("{PUSH}\nCI_COMMIT_TAG=v1.2.0\nCI_COMMIT_BRANCH=\nCI_JOB_STATUS=canceled\n");
        let ctx = context(&fixture_env(&text, PUSH_NOW));
        let git_ref = ctx.git_ref.unwrap();
        assert_eq!((git_ref.name.as_str(), git_ref.kind), ("v1.2.0", RefKind::Tag));
        assert_eq!(ctx.status, "cancelled");
    }

    #[test]
    fn external_pull_request_pipeline() {
        let text = "GITLAB_CI=true\nCI_PIPELINE_SOURCE=external_pull_request_event\n\
                    CI_EXTERNAL_PULL_REQUEST_IID=12\nCI_EXTERNAL_PULL_REQUEST_TARGET_REPOSITORY=acme/ci-notify\n\
                    CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME=feat\nCI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME=main\n";
        let pr = context(&fixture_env(text, 0)).pr.unwrap();
        assert_eq!((pr.kind, pr.number), (ChangeKind::PullRequest, 12), "GitHub's pull request #12");
        assert_eq!(pr.url.as_deref(), Some("https://github.com/acme/ci-notify/pull/12"));
        assert_eq!((pr.head.as_deref(), pr.base.as_deref()), (Some("feat"), Some("main")));
    }

    #[test]
    fn the_job_start_stands_in_for_the_pipeline_creation() {
        let env = fixture_env("GITLAB_CI=true\nCI_JOB_STARTED_AT=2024-06-11T09:18:42Z\n", 1_718_097_522 + 42);
        let run = context(&env).run;
        assert_eq!(run.started_at.as_deref(), Some("2024-06-11T09:18:42Z"));
        assert_eq!(run.duration, Some(42));
    }

    #[test]
    fn most_variables_missing_or_empty() {
        let env = fixture_env(
            "GITLAB_CI=true\nCI_PROJECT_PATH=group/app\nCI_SERVER_URL=https://gl.example/\n\
             CI_COMMIT_SHA=abcdef0123456789\nCI_COMMIT_MESSAGE=\nCI_COMMIT_AUTHOR=\" \"\n\
             CI_PIPELINE_ID=9\nCI_PIPELINE_CREATED_AT=garbage\nCI_MERGE_REQUEST_IID=\nCI_COMMIT_BEFORE_SHA=\n",
            1_000,
        );
        let ctx = context(&env);
        assert_eq!(ctx.status, "unknown");
        assert_eq!(ctx.event, "push");
        assert_eq!(ctx.repo.name.as_deref(), Some("app"));
        assert_eq!(ctx.repo.url.as_deref(), Some("https://gl.example/group/app"));
        assert_eq!(ctx.run.url.as_deref(), Some("https://gl.example/group/app/-/pipelines/9"));
        assert!(ctx.git_ref.is_none() && ctx.actor.is_none() && ctx.pr.is_none() && ctx.compare_url.is_none());
        assert_eq!((ctx.run.started_at, ctx.run.duration), (None, None));
        let commit = ctx.commit.unwrap();
        assert_eq!(commit.short_sha, "abcdef0");
        assert_eq!((commit.title, commit.message, commit.author), (None, None, None));

        let bare = context(&fixture_env("GITLAB_CI=true\n", 1_000));
        assert!(bare.repo.name.is_none() && bare.repo.url.is_none() && bare.commit.is_none());
        assert!(bare.run.url.is_none() && bare.run.number.is_none() && bare.run.job.is_none());
    }
}

//! GitHub Actions (and Gitea/Forgejo Actions): the `GITHUB_*` variables plus the event JSON.
//!
//! The event file is the richer source; the variables fill what it lacks. A missing or
//! malformed file is a warning, and the context is then built from the variables alone.
//!
//! The file is parsed once into a [`Payload`] (`context/payload.rs`), which keeps the text: the
//! fields below are read from it where they are, and templates get the same payload, so a push
//! of thousands of commits costs one pass of the parser and a `Commit` each.
//!
//! What only the API tells (the run's jobs, its start, the previous run's outcome) is in `api`.

mod api;

use super::{Ci, Env, Inputs, Warnings};
use crate::context::jobs::{self, Job};
use crate::context::payload::{Json, Payload};
use crate::context::status::Status;
use crate::context::{ChangeKind, Commit, Context, Person, PullRequest, Ref, RefKind, Release, Repo, Run};
use crate::error::Error;
use crate::settings::Name;
use crate::summary::catalog::{Lang, say};
use crate::time::{format_rfc3339, interval, parse_rfc3339};

pub struct GitHub;

impl Ci for GitHub {
    fn name(&self) -> &'static str {
        "GitHub"
    }

    /// A workflow run (运行) of jobs (作业), as GitHub Actions says.
    fn words(&self) -> crate::context::Words {
        use crate::context::{PartNoun, RunNoun, Words};
        Words { run: RunNoun::Run, part: PartNoun::Job }
    }

    fn detect(&self, env: &Env) -> bool {
        env.is("GITHUB_ACTIONS", "true")
    }

    fn context(&self, env: &Env, inputs: &Inputs, warnings: &mut Warnings) -> Context {
        context(env, inputs.event_path.as_deref(), inputs.lang, warnings)
    }

    fn without_secrets(&self, cx: &Context, env: &Env) -> Option<String> {
        without_secrets(cx, env)
    }

    /// Worded for the step's `with:` input, which is how a workflow passes a secret.
    fn missing(&self, name: Name, lang: Lang, _: &Error) -> Error {
        name.required(true, lang)
    }

    /// The notifying job is one of the run's jobs, though no list has it (it is still
    /// running): when it did worse than the others, it joins the list, so that its failure
    /// counts and is named.
    fn count_this_job(&self, cx: &mut Context) {
        if let Some(others) = jobs::outcome(&cx.jobs)
            && jobs::worse(others, cx.status) != others
        {
            let name = cx.run.job.clone().unwrap_or_else(|| "notify".to_owned());
            cx.jobs.push(Job::new(&name, cx.status, None));
        }
    }

    fn api(&self) -> Option<&dyn super::api::RunApi> {
        Some(self)
    }

    fn unknown_status(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => {
                "只有本 action 会传入作业状态：在 `run:` 步骤中直接运行时，请设置 `status: ${{ job.status }}`"
            }
            Lang::En => {
                "only the action passes the job's status: when running it from a `run:` step, set `status: ${{ job.status }}`"
            }
        }
    }

    fn unknown_previous(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => "请设置 `github_token`（需 `actions: read` 权限），以读取本工作流在该分支上一次运行的结果",
            Lang::En => {
                "set `github_token` (with `actions: read`) so that the workflow's previous run on the branch is read"
            }
        }
    }

    fn event_result(&self, cx: &Context) -> Option<Status> {
        Some(event_status(&cx.event, cx.payload.json())).filter(|s| *s != Status::Unknown)
    }
}

pub fn context(env: &Env, event_path: Option<&str>, lang: Lang, warnings: &mut Warnings) -> Context {
    let payload = match event_path.or(env.get("GITHUB_EVENT_PATH")) {
        Some(path) => read_event(path, lang, warnings),
        None => Payload::default(),
    };
    let event = env.string("GITHUB_EVENT_NAME").or_else(|| guess_event(payload.json()));
    from_payload(env, event.unwrap_or_else(|| "unknown".into()), payload)
}

/// The run an event reports on (a workflow run, a check run or suite, a deployment, a commit
/// status): its link, number, name, start and duration, so that the summary's run link and the
/// card's button point at what the message is about, not at the job that sends it. `None` for
/// the other events, and where the payload has no page to link.
fn reported_run(event: &str, payload: Json, repo_url: Option<&str>, now: u64) -> Option<Run> {
    let time = |v: Json, k: &str| s(v, &[k]).as_deref().and_then(parse_rfc3339);
    let number = |v: Json, k: &str| v.get(k).and_then(Json::as_u64).map(|n| n.to_string());
    // A run that is still going runs to now; a finished one to its last update.
    let span = |v: Json, start: &str, end: &str, done: bool| {
        let started = time(v, start);
        let ended = if done { time(v, end) } else { None };
        (started.map(format_rfc3339), interval(started, ended, now).filter(|&d| d > 0))
    };
    let run = match event {
        "workflow_run" => {
            let wr = payload.get("workflow_run")?;
            let done = s(wr, &["status"]).as_deref() == Some("completed");
            let (started_at, duration) = span(wr, "run_started_at", "updated_at", done);
            Run {
                id: number(wr, "id"),
                number: number(wr, "run_number"),
                attempt: number(wr, "run_attempt"),
                url: s(wr, &["html_url"]),
                workflow: s(payload, &["workflow", "name"]).or_else(|| s(wr, &["name"])),
                job: None,
                started_at,
                duration,
            }
        }
        "check_run" => {
            let cr = payload.get("check_run")?;
            let done = s(cr, &["status"]).as_deref() == Some("completed");
            let (started_at, duration) = span(cr, "started_at", "completed_at", done);
            Run {
                id: number(cr, "id"),
                url: s(cr, &["html_url"]),
                workflow: s(cr, &["app", "name"]),
                job: s(cr, &["name"]),
                started_at,
                duration,
                ..Run::default()
            }
        }
        "workflow_job" => {
            let job = payload.get("workflow_job")?;
            let done = s(job, &["status"]).as_deref() == Some("completed");
            let (started_at, duration) = span(job, "started_at", "completed_at", done);
            Run {
                id: number(job, "run_id"),
                attempt: number(job, "run_attempt"),
                url: s(job, &["html_url"]),
                workflow: s(job, &["workflow_name"]),
                job: s(job, &["name"]),
                started_at,
                duration,
                ..Run::default()
            }
        }
        // A check suite has no page of its own; the commit's checks page lists it.
        "check_suite" => {
            let cs = payload.get("check_suite")?;
            let sha = s(cs, &["head_sha"])?;
            let done = s(cs, &["status"]).as_deref() == Some("completed");
            let (started_at, duration) = span(cs, "created_at", "updated_at", done);
            Run {
                id: number(cs, "id"),
                url: repo_url.map(|u| format!("{u}/commit/{sha}/checks")),
                workflow: s(cs, &["app", "name"]),
                started_at,
                duration,
                ..Run::default()
            }
        }
        "deployment_status" => {
            let ds = payload.get("deployment_status")?;
            let done = !matches!(s(ds, &["state"]).as_deref(), Some("in_progress" | "queued" | "pending"));
            let (started_at, duration) = match payload.get("deployment") {
                Some(d) => {
                    let started = time(d, "created_at");
                    let ended = if done { time(ds, "created_at") } else { None };
                    (started.map(format_rfc3339), interval(started, ended, now).filter(|&d| d > 0))
                }
                None => (None, None),
            };
            Run {
                url: Some(s(ds, &["log_url"]).or_else(|| s(ds, &["target_url"]))?),
                workflow: s(ds, &["environment"]),
                started_at,
                duration,
                ..Run::default()
            }
        }
        "status" => {
            Run { url: Some(s(payload, &["target_url"])?), workflow: s(payload, &["context"]), ..Run::default() }
        }
        _ => return None,
    };
    run.url.as_ref()?;
    Some(run)
}

/// The built-in sample push event (the fixture `github/push.branch.json`), for a dry run outside
/// any CI.
pub fn sample(env: &Env) -> Context {
    let payload = Payload::parse(include_str!("../../../tests/fixtures/github/push.branch.json").into())
        .expect("the embedded sample event is valid JSON");
    let mut cx = from_payload(env, "push".into(), payload);
    cx.ci = "local";
    cx
}

fn read_event(path: &str, lang: Lang, warnings: &mut Warnings) -> Payload {
    let mut warn = |key: &str, error: &str| warnings.push(say(lang, key, &[("path", path), ("error", error)]));
    // GitHub caps a webhook payload at 25 MB; past that this is not an event file.
    let text = match crate::env::read_limited(std::path::Path::new(path), 32 * 1024 * 1024) {
        Ok(Some(text)) => text,
        Ok(None) => {
            warn("event_file.too_large", "");
            return Payload::default();
        }
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => say(lang, "file.not_found", &[]),
                std::io::ErrorKind::PermissionDenied => say(lang, "file.permission_denied", &[]),
                _ => e.to_string(),
            };
            warn("event_file.unreadable", &why);
            return Payload::default();
        }
    };
    match Payload::parse(text) {
        Ok(p) if p.json().is_object() => p,
        Ok(_) => {
            warn("event_file.not_object", "");
            Payload::default()
        }
        Err(e) => {
            warn(
                "event_file.not_json",
                &say(lang, "json.where", &[("line", &e.line().to_string()), ("column", &e.column().to_string())]),
            );
            Payload::default()
        }
    }
}

/// For an event file given by hand outside Actions: tell the event from its shape.
fn guess_event(p: Json) -> Option<String> {
    let has = |k: &str| p.get(k).is_some();
    let event = if has("pull_request") && has("review") {
        "pull_request_review"
    } else if has("pull_request") {
        "pull_request"
    } else if has("commits") && has("ref") {
        "push"
    } else if has("release") {
        "release"
    } else if has("workflow_run") {
        "workflow_run"
    } else if has("ref_type") {
        "create"
    } else {
        return None;
    };
    Some(event.into())
}

/// A string at a path of keys in the payload; empty strings count as absent.
fn s(v: Json, path: &[&str]) -> Option<String> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn flag(v: Json, path: &[&str]) -> bool {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(Json::as_bool).unwrap_or(false)
}

#[allow(clippy::too_many_lines, reason = "one field after another, each next to where it comes from")]
fn from_payload(env: &Env, event: String, json: Payload) -> Context {
    let payload = json.json();
    let server = env.string("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
    let server = server.trim_end_matches('/');
    let full_name = s(payload, &["repository", "full_name"]).or_else(|| env.string("GITHUB_REPOSITORY"));
    let repo = Repo {
        name: s(payload, &["repository", "name"])
            .or_else(|| full_name.as_deref().and_then(|f| f.rsplit('/').next()).map(str::to_owned)),
        url: s(payload, &["repository", "html_url"]).or_else(|| full_name.as_ref().map(|f| format!("{server}/{f}"))),
        full_name,
    };
    let commit_url = |sha: &str| repo.url.as_ref().map(|u| format!("{u}/commit/{sha}"));

    let (run_id, run_number) = (env.string("GITHUB_RUN_ID"), env.string("GITHUB_RUN_NUMBER"));
    // GitHub and Gitea serve a run at its id; Forgejo (which sets FORGEJO_ACTIONS) at its
    // number within the repository, and its run ids there lead to another run or none.
    let in_url = if env.is("FORGEJO_ACTIONS", "true") { &run_number } else { &run_id };
    let run = Run {
        url: match (&repo.full_name, in_url) {
            (Some(f), Some(n)) => Some(format!("{server}/{f}/actions/runs/{n}")),
            _ => None,
        },
        id: run_id,
        number: run_number,
        attempt: env.string("GITHUB_RUN_ATTEMPT"),
        workflow: env.string("GITHUB_WORKFLOW"),
        job: env.string("GITHUB_JOB"),
        started_at: None,
        duration: None,
    };

    let pr = payload.get("pull_request").filter(|p| p.is_object()).map(|p| PullRequest {
        kind: ChangeKind::PullRequest,
        number: p.get("number").and_then(Json::as_u64).unwrap_or_default(),
        title: s(p, &["title"]),
        url: s(p, &["html_url"]),
        author: s(p, &["user", "login"]),
        base: s(p, &["base", "ref"]),
        head: s(p, &["head", "ref"]),
        draft: flag(p, &["draft"]),
        merged: flag(p, &["merged"]),
        state: s(p, &["state"]),
    });

    let commits: Vec<Commit> = payload
        .get("commits")
        .and_then(Json::items)
        .map(|list| list.filter_map(push_commit).collect())
        .unwrap_or_default();

    // The commit the event is about: a push's head, a pull request's head, the head of the
    // workflow run, check or merge group that triggered this run (GITHUB_SHA is then the default
    // branch's), a deployment's, a commit status's; else GITHUB_SHA.
    let subject = ["workflow_run", "check_suite", "merge_group"]
        .iter()
        .find_map(|k| payload.get(k))
        .or_else(|| payload.get("check_run").and_then(|c| c.get("check_suite")));
    let commit = if let Some(head) = payload.get("head_commit").filter(|c| c.is_object()) {
        push_commit(head)
    } else if let Some(sha) = s(payload, &["deployment", "sha"]) {
        Some(Commit { url: commit_url(&sha), ..Commit::new(&sha, None) })
    } else if let Some(p) = payload.get("pull_request").filter(|p| p.is_object()) {
        s(p, &["head", "sha"]).map(|sha| Commit { url: commit_url(&sha), ..Commit::new(&sha, None) })
    } else if let Some(head) = subject.and_then(|w| w.get("head_commit")).filter(|c| c.is_object()) {
        push_commit(head).map(|c| Commit { url: c.url.clone().or_else(|| commit_url(&c.sha)), ..c })
    } else if let Some(sha) = ["workflow_run", "check_run", "check_suite", "merge_group", "workflow_job"]
        .iter()
        .find_map(|k| s(payload, &[k, "head_sha"]).or_else(|| s(payload, &[k, "sha"])))
        // The commit commented on, an alert was found at, GitHub Pages built.
        .or_else(|| s(payload, &["comment", "commit_id"]))
        .or_else(|| s(payload, &["commit_oid"]))
        .or_else(|| s(payload, &["build", "commit"]))
    {
        Some(Commit { url: commit_url(&sha), ..Commit::new(&sha, None) })
    } else if let (Some(sha), Some(c)) = (s(payload, &["sha"]), payload.get("commit").filter(|c| c.is_object())) {
        // A commit status (`status` event): the commit it was set on.
        Some(Commit {
            author: s(c, &["author", "login"]).or_else(|| s(c, &["commit", "author", "name"])),
            url: s(c, &["html_url"]).or_else(|| commit_url(&sha)),
            ..Commit::new(&sha, c.get("commit").and_then(|c| c.get("message")).and_then(Json::as_str))
        })
    } else if about_the_runs_commit(&event, payload) {
        env.string("GITHUB_SHA").map(|sha| Commit { url: commit_url(&sha), ..Commit::new(&sha, None) })
    } else {
        None
    };

    let git_ref = match &pr {
        Some(pr) => pr.head.clone().map(|name| Ref { name, kind: RefKind::Branch }),
        None => match (s(payload, &["ref"]), s(payload, &["ref_type"])) {
            // create/delete events give a short ref and say what it is.
            (Some(name), Some(kind)) => {
                Some(Ref { name, kind: if kind == "tag" { RefKind::Tag } else { RefKind::Branch } })
            }
            // A pull request's merge ref (a code scanning alert's) names no branch.
            (Some(full), None) if full.starts_with("refs/pull/") => None,
            (Some(full), None) => Ref::parse(&full),
            // The branch of the run, job, check, deployment or merge queue this event is about.
            _ => s(payload, &["deployment", "ref"])
                .or_else(|| s(payload, &["workflow_run", "head_branch"]))
                .or_else(|| s(payload, &["workflow_job", "head_branch"]))
                .or_else(|| s(payload, &["check_suite", "head_branch"]))
                .or_else(|| s(payload, &["check_run", "check_suite", "head_branch"]))
                .or_else(|| s(payload, &["merge_group", "base_ref"]))
                .or_else(|| status_branch(payload))
                .and_then(|r| Ref::parse(&r))
                .or_else(|| {
                    about_the_runs_commit(&event, payload)
                        .then(|| env.string("GITHUB_REF").and_then(|r| Ref::parse(&r)))
                        .flatten()
                }),
        },
    };

    let release = payload.get("release").filter(|r| r.is_object()).and_then(|r| {
        Some(Release {
            tag: s(r, &["tag_name"])?,
            name: s(r, &["name"]),
            url: s(r, &["html_url"]),
            prerelease: flag(r, &["prerelease"]),
        })
    });

    // Reporting events link the run they report; the notifying run's link is kept only where
    // the payload has no page for it.
    let run = reported_run(&event, payload, repo.url.as_deref(), env.now).unwrap_or(run);

    let actor = s(payload, &["sender", "login"]).or_else(|| env.string("GITHUB_ACTOR"));
    let person = match (&pr, payload.get("head_commit").filter(|c| c.is_object())) {
        (Some(pr), _) if event.starts_with("pull_request") => Person::login(pr.author.clone()),
        (_, Some(head)) if event == "push" => Person {
            login: s(head, &["author", "username"]),
            email: s(head, &["author", "email"]),
            name: s(head, &["author", "name"]),
        },
        _ => Person::login(env.string("GITHUB_ACTOR").or_else(|| actor.clone())),
    };
    Context {
        ci: "github",
        repo,
        // The outcome the event reports about another run, else this job's own status, which
        // the action passes as ACTION_JOB_STATUS (`job.status`: GitHub has no variable for it).
        status: match event_status(&event, payload) {
            Status::Unknown => Status::parse(env.get("ACTION_JOB_STATUS")),
            reported => reported,
        },
        action: s(payload, &["action"]),
        git_ref,
        commit,
        actor,
        person,
        run,
        jobs: Vec::new(),
        pr,
        commits: commits.into(),
        compare_url: s(payload, &["compare"]),
        release,
        message: None,
        event,
        payload: json,
        ..Context::default()
    }
}

/// Whether the run's own commit and branch (`GITHUB_SHA`, `GITHUB_REF`) are what the event is
/// about. GitHub's "Events that trigger workflows" gives each event's: a push's, a release's
/// tagged commit, a created ref's, a workflow run by hand, by the clock or through the API, a
/// published package's. For the other events (a label, a star, a member, an alert…) they are the
/// default branch's head, which the event has nothing to do with. Without an event file nothing
/// else is known, so they stand.
fn about_the_runs_commit(event: &str, payload: Json) -> bool {
    let runs_own = [
        "push",
        "pull_request",
        "pull_request_target",
        "create",
        "release",
        "workflow_dispatch",
        "schedule",
        "repository_dispatch",
        "registry_package",
        "merge_group",
        "unknown",
    ];
    runs_own.contains(&event) || !payload.is_object()
}

/// The branch a commit status was set on: of the branches that hold its commit (`branches`),
/// the one whose head it is, or the only one.
fn status_branch(payload: Json) -> Option<String> {
    let sha = s(payload, &["sha"])?;
    let branches: Vec<Json> = payload.get("branches")?.items()?.collect();
    let at_head = branches.iter().find(|b| s(**b, &["commit", "sha"]).as_deref() == Some(sha.as_str()));
    let only = if branches.len() == 1 { branches.first() } else { None };
    at_head.or(only).and_then(|b| s(*b, &["name"]))
}

/// The outcome an event reports about another run (a workflow run, a check, a deployment, a
/// commit status): the status to show unless the `status` setting says otherwise. A run with no
/// conclusion yet is still going (`queued`, `requested`, `in_progress`, `waiting`, `pending`):
/// started, not the notifying job's own success. Anything else is `unknown`.
fn event_status(event: &str, payload: Json) -> Status {
    let run = ["workflow_run", "check_run", "check_suite", "workflow_job"].iter().find_map(|k| payload.get(k));
    if let Some(run) = run.filter(|r| r.is_object()) {
        return match (s(run, &["conclusion"]), s(run, &["status"])) {
            (Some(conclusion), _) => Status::parse(Some(&conclusion)),
            (None, Some(status)) if still_going(&status) => Status::Started,
            _ => Status::Unknown,
        };
    }
    let outcome = s(payload, &["deployment_status", "state"])
        .or_else(|| if event == "status" { s(payload, &["state"]) } else { None });
    match outcome {
        Some(state) if still_going(&state) => Status::Started,
        state => Status::parse(state.as_deref()),
    }
}

/// GitHub's words for a run, check or deployment that has not finished.
fn still_going(status: &str) -> bool {
    matches!(status, "queued" | "requested" | "in_progress" | "waiting" | "pending")
}

/// Why this run gets no secrets: a pull request from a fork or opened by a bot, or any run that
/// Dependabot started. GitHub gives such `pull_request` runs no secrets (docs.github.com, "Using
/// secrets in GitHub Actions"; `pull_request_target` runs in the base repository and has them),
/// and any run Dependabot triggers, a push to its branch too, only Dependabot secrets, never the
/// Actions ones (docs.github.com, "Automating Dependabot with GitHub Actions").
fn without_secrets(cx: &Context, env: &Env) -> Option<String> {
    if let Some(why) = pull_request_without_secrets(cx, env) {
        return Some(why);
    }
    // A re-run keeps the first run's actor and its restrictions; the triggering actor is who re-ran.
    let bot = ["GITHUB_ACTOR", "GITHUB_TRIGGERING_ACTOR"]
        .iter()
        .filter_map(|var| env.string(var))
        .find(|who| who.eq_ignore_ascii_case("dependabot[bot]"))?;
    Some(format!("a run started by {bot}"))
}

fn pull_request_without_secrets(cx: &Context, env: &Env) -> Option<String> {
    if !matches!(cx.event.as_str(), "pull_request" | "pull_request_review" | "pull_request_review_comment") {
        return None;
    }
    let p = cx.payload.json().get("pull_request").filter(|p| p.is_object())?;
    let head = s(p, &["head", "repo", "full_name"]);
    let base = s(p, &["base", "repo", "full_name"]);
    if let (Some(head), Some(base)) = (&head, &base)
        && !head.eq_ignore_ascii_case(base)
    {
        return Some(format!("a pull request from the fork {head}"));
    }
    let bot = [s(p, &["user", "login"]), env.string("GITHUB_ACTOR")].into_iter().flatten().find(|who| {
        who.ends_with("[bot]") || who.eq_ignore_ascii_case("dependabot") || who.eq_ignore_ascii_case("renovate")
    })?;
    Some(format!("a pull request by {bot}"))
}

/// A commit of a push event (`commits[]`, `head_commit`).
fn push_commit(c: Json) -> Option<Commit> {
    let sha = s(c, &["id"])?;
    Some(Commit {
        author: s(c, &["author", "username"]).or_else(|| s(c, &["author", "name"])),
        author_email: s(c, &["author", "email"]),
        url: s(c, &["url"]),
        ..Commit::new(&sha, c.get("message").and_then(Json::as_str))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of this test's own, removed when the test ends, even by a panic.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("dingtalk-notify-unit-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn join(&self, file: &str) -> std::path::PathBuf {
            self.0.join(file)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())), 0)
    }

    fn fixture(name: &str) -> String {
        format!("{}/tests/fixtures/github/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn push_event_gives_branch_commit_and_run_link() {
        let e = env(&[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_REPOSITORY", "ignored/when-payload-has-it"),
        ]);
        let mut w = vec![];
        let cx = context(&e, Some(&fixture("push.branch.json")), Lang::En, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cx.repo.full_name.as_deref(), Some("toolmantim/release-drafter-test-project"));
        let r = cx.git_ref.unwrap();
        assert_eq!((r.name.as_str(), r.kind), ("master", RefKind::Branch));
        let c = cx.commit.unwrap();
        assert_eq!((c.short_sha.as_str(), c.title.as_deref()), ("1496a1f", Some("Update release-drafter.yml")));
        assert_eq!(c.author.as_deref(), Some("toolmantim"));
        assert_eq!(cx.commits.len(), 1);
        assert_eq!(
            cx.run.url.as_deref(),
            Some("https://github.com/toolmantim/release-drafter-test-project/actions/runs/42")
        );
    }

    #[test]
    fn a_commit_status_event_reports_its_state_on_its_commit() {
        let dir = TempDir::new("status");
        let text = std::fs::read_to_string(fixture("status.success.json")).unwrap();
        let path = dir.join("status.json");
        std::fs::write(&path, text.replacen(r#""state": "success""#, r#""state": "error""#, 1)).unwrap();
        let e = env(&[("GITHUB_EVENT_NAME", "status"), ("GITHUB_SHA", "0000000default0branch0head")]);
        let cx = context(&e, Some(path.to_str().unwrap()), Lang::En, &mut vec![]);
        assert_eq!(cx.status, "failure", "GitHub's `error` state is a failure");
        let c = cx.commit.unwrap();
        assert_eq!((c.short_sha.as_str(), c.title.as_deref()), ("6113728", Some("Initial commit")));
        let e = env(&[("GITHUB_EVENT_NAME", "push")]);
        assert_eq!(
            context(&e, Some(path.to_str().unwrap()), Lang::En, &mut vec![]).status,
            "unknown",
            "only a status event"
        );
    }

    #[test]
    fn reporting_events_link_and_time_the_run_they_report_not_the_notifying_one() {
        let dir = TempDir::new("reported");
        let text = std::fs::read_to_string(fixture("workflow_run.completed-success.json")).unwrap();
        let path = dir.join("wr.json");
        let text =
            text.replacen(r#""updated_at": "2020-10-05T16:33:49Z""#, r#""updated_at": "2020-10-06T19:35:59Z""#, 1);
        std::fs::write(&path, text).unwrap();
        let e = env(&[
            ("GITHUB_EVENT_NAME", "workflow_run"),
            ("GITHUB_REPOSITORY", "o/notify"),
            ("GITHUB_RUN_ID", "1"),
            ("GITHUB_RUN_NUMBER", "9"),
        ]);
        let run = context(&e, Some(path.to_str().unwrap()), Lang::En, &mut vec![]).run;
        assert_eq!(run.url.as_deref(), Some("https://github.com/octo-org/octo-repo/actions/runs/289782451"));
        assert_eq!((run.number.as_deref(), run.id.as_deref()), (Some("163"), Some("289782451")));
        assert_eq!((run.started_at.as_deref(), run.duration), (Some("2020-10-05T16:33:49Z"), Some(97_330)));
        for (event, file, url) in [
            (
                "check_run",
                "check_run.completed-success.json",
                "https://github.com/Codertocat/Hello-World/runs/128620228",
            ),
            (
                "workflow_job",
                "workflow_job.completed-success.json",
                "https://github.com/octo-org/octo-repo/runs/1291536064",
            ),
            (
                "check_suite",
                "check_suite.completed-success.json",
                "https://github.com/Codertocat/Hello-World/commit/ec26c3e57ca3a959ca5aad62de7213c562f8c821/checks",
            ),
        ] {
            let e = env(&[("GITHUB_EVENT_NAME", event), ("GITHUB_RUN_ID", "1")]);
            let run = context(&e, Some(&fixture(file)), Lang::En, &mut vec![]).run;
            assert_eq!(run.url.as_deref(), Some(url), "{event}");
        }
        let e = env(&[("GITHUB_EVENT_NAME", "workflow_job")]);
        assert_eq!(
            context(&e, Some(&fixture("workflow_job.completed-success.json")), Lang::En, &mut vec![]).run.duration,
            Some(198)
        );
        // No page in the payload: the notifying run's link stays.
        let e =
            env(&[("GITHUB_EVENT_NAME", "deployment_status"), ("GITHUB_REPOSITORY", "o/r"), ("GITHUB_RUN_ID", "1")]);
        let run = context(&e, Some(&fixture("deployment_status.success.json")), Lang::En, &mut vec![]).run;
        assert_eq!(run.url.as_deref(), Some("https://github.com/Codertocat/Hello-World/actions/runs/1"));
    }

    #[test]
    fn an_event_about_another_commit_or_none_shows_its_own_not_the_notifying_runs() {
        const RUN_SHA: &str = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
        let dir = TempDir::new("own-sha");
        let e = |event: &str| {
            env(&[("GITHUB_EVENT_NAME", event), ("GITHUB_SHA", RUN_SHA), ("GITHUB_REF", "refs/heads/default")])
        };
        let of = |event: &str, json: &str| {
            let path = dir.join(&format!("{event}.json"));
            std::fs::write(&path, json).unwrap();
            let cx = context(&e(event), Some(path.to_str().unwrap()), Lang::En, &mut vec![]);
            (cx.commit.map(|c| c.sha), cx.git_ref.map(|r| r.name))
        };
        let job = std::fs::read_to_string(fixture("workflow_job.completed-success.json")).unwrap();
        assert_eq!(
            of("workflow_job", &job),
            (Some("3484a3fb816e0859fd6e1cea078d76385ff50625".into()), Some("main".into())),
            "the job's own head_sha and head_branch"
        );
        let sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
        let comment = format!(r#"{{"action":"created","comment":{{"commit_id":"{sha}","body":"ok"}}}}"#);
        assert_eq!(of("commit_comment", &comment), (Some(sha.into()), None), "the commented commit");
        let alert = format!(r#"{{"action":"fixed","ref":"refs/heads/feature","commit_oid":"{sha}","alert":{{}}}}"#);
        assert_eq!(of("code_scanning_alert", &alert), (Some(sha.into()), Some("feature".into())));
        let alert = format!(r#"{{"action":"fixed","ref":"refs/pull/11/merge","commit_oid":"{sha}","alert":{{}}}}"#);
        assert_eq!(of("code_scanning_alert", &alert).1, None, "a pull request's merge ref is no branch");
        let build = format!(r#"{{"build":{{"status":"built","commit":"{sha}"}}}}"#);
        assert_eq!(of("page_build", &build).0, Some(sha.into()));
        // A label, a star, a member: about no commit or branch; the run's are the default branch's.
        for event in ["label", "star", "member", "gollum", "ping", "some_future_event"] {
            assert_eq!(of(event, r#"{"action":"created","label":{"name":"bug"}}"#), (None, None), "{event}");
        }
        // The runs whose commit is the event's: a workflow started by hand, by the clock, a release.
        for event in ["workflow_dispatch", "schedule", "release", "create", "repository_dispatch"] {
            assert_eq!(of(event, "{}").0.as_deref(), Some(RUN_SHA), "{event}");
        }
        let status = std::fs::read_to_string(fixture("status.success.json")).unwrap();
        assert_eq!(of("status", &status), (Some(sha.into()), None), "the branches hold the commit, none is at it");
    }

    #[test]
    fn forgejo_links_a_run_by_its_number() {
        let vars = [("GITHUB_EVENT_NAME", "push"), ("GITHUB_RUN_ID", "272"), ("GITHUB_RUN_NUMBER", "43")];
        let path = fixture("push.branch.json");
        let url = |extra: &[(&str, &str)]| {
            let e = env(&[&vars[..], extra].concat());
            context(&e, Some(&path), Lang::En, &mut vec![]).run.url.unwrap()
        };
        let repo = "https://github.com/toolmantim/release-drafter-test-project";
        assert_eq!(url(&[]), format!("{repo}/actions/runs/272"));
        assert_eq!(url(&[("GITEA_ACTIONS", "true")]), format!("{repo}/actions/runs/272"));
        assert_eq!(url(&[("GITEA_ACTIONS", "true"), ("FORGEJO_ACTIONS", "true")]), format!("{repo}/actions/runs/43"));
    }

    #[test]
    fn pull_request_event_gives_the_pr() {
        let e = env(&[("GITHUB_EVENT_NAME", "pull_request")]);
        let cx = context(&e, Some(&fixture("pull_request.closed-merged.json")), Lang::En, &mut vec![]);
        let pr = cx.pr.unwrap();
        assert!(pr.merged);
        assert!(pr.number > 0 && pr.title.is_some() && pr.base.is_some() && pr.head.is_some());
        assert_eq!(cx.action.as_deref(), Some("closed"));
    }

    #[test]
    fn a_missing_or_malformed_event_file_is_a_warning_and_the_variables_still_count() {
        let dir = TempDir::new("bad");
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{ not json").unwrap();
        let e = env(&[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_SHA", "abcdef1234567"),
            ("GITHUB_REF", "refs/tags/v2"),
        ]);
        for path in [bad.to_str().unwrap(), "/nonexistent/event.json"] {
            let mut w = vec![];
            let cx = context(&e, Some(path), Lang::En, &mut w);
            assert_eq!(w.len(), 1);
            assert!(w[0].contains(path), "{w:?}");
            assert_eq!(cx.repo.url.as_deref(), Some("https://github.com/o/r"));
            assert_eq!(cx.git_ref.unwrap().kind, RefKind::Tag);
            assert_eq!(cx.commit.unwrap().url.as_deref(), Some("https://github.com/o/r/commit/abcdef1234567"));
        }
    }
}

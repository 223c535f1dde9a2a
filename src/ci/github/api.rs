//! GitHub's REST API: the run's jobs and start, and the previous run's outcome, when
//! `github_token` is given; and what to grant the token when GitHub refuses.
//!
//! <https://docs.github.com/en/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run>,
//! <https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run> and
//! <https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow>.
//! The base is `GITHUB_API_URL`: `https://api.github.com`, or `https://HOST/api/v3` on GitHub
//! Enterprise Server.

use reqwest::header::{AUTHORIZATION, HeaderName};
use serde_json::Value;

use super::GitHub;
use crate::ci::api::hints::api_name;
use crate::ci::api::{Api, Ask, Failed, PREVIOUS_PAGES, Page, RunApi, Want, segment, text};
use crate::context::Context;
use crate::context::jobs::Job;
use crate::context::payload::Json;
use crate::context::status::Status;
use crate::env::Env;
use crate::settings::{Secret, Settings};
use crate::summary::catalog::{Lang, say};
use crate::time::parse_rfc3339;

impl RunApi for GitHub {
    fn name(&self) -> &'static str {
        "GitHub"
    }

    fn run_word(&self, lang: Lang) -> String {
        say(lang, "api.run.github", &[])
    }

    fn base(&self, env: &Env) -> String {
        env.string("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_owned())
    }

    fn base_variable(&self) -> &'static str {
        "GITHUB_API_URL"
    }

    fn token<'s>(&self, settings: &'s Settings) -> Option<&'s Secret> {
        settings.github_token.as_ref()
    }

    // docs.github.com/rest/authentication/authenticating-to-the-rest-api
    fn authorization(&self, token: &str) -> (HeaderName, String) {
        (AUTHORIZATION, format!("Bearer {token}"))
    }

    fn headers(&self) -> &'static [(&'static str, &'static str)] {
        &[("accept", "application/vnd.github+json"), ("x-github-api-version", "2022-11-28")]
    }

    fn rate_limit_advice(&self, lang: Lang) -> String {
        say(lang, "api.rate_limit.github", &[])
    }

    fn token_refused(&self, lang: Lang) -> String {
        say(lang, "api.token_refused.github", &[("name", &api_name(self, lang))])
    }

    // GitHub answers 404, not 403, for what a token may not see.
    fn not_allowed(&self, status: u16, lang: Lang) -> String {
        say(lang, "api.not_allowed.github", &[("name", &api_name(self, lang)), ("status", &status.to_string())])
    }

    /// The jobs listing and the run of the run the message is about (`run_id`).
    fn ask(&self, env: &Env, cx: &Context, want: Want) -> Option<Ask> {
        let run = format!("/repos/{}/actions/runs/{}", env.string("GITHUB_REPOSITORY")?, run_id(env, cx)?);
        let ask =
            Ask { jobs: want.jobs.then(|| format!("{run}/jobs")), run: want.start.then_some(run), ..Ask::default() };
        (ask.jobs.is_some() || ask.run.is_some()).then_some(ask)
    }

    /// The completed jobs (the notifying one is still in progress); the total says whether more
    /// pages follow.
    fn jobs_page(&self, page: &Value, _: &Ask, jobs: &mut Vec<Job>) -> Page {
        let listed = page.get("jobs").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        jobs.extend(listed.iter().filter_map(job));
        Page { listed: listed.len(), total: Some(page.get("total_count").and_then(Value::as_u64).unwrap_or(0)) }
    }

    fn started_at(&self, run: &Value) -> Option<u64> {
        run.get("run_started_at").and_then(Value::as_str).and_then(parse_rfc3339)
    }

    /// The latest completed run of the workflow the message is about, on its branch, not that
    /// run nor a later one: the run a `workflow_run` event reports, else this run. `None` when
    /// the run does not say which workflow or branch it is, when the event is about a check, a
    /// job, a deployment or a commit status (no workflow run of its own to compare), or when
    /// there is no earlier run.
    fn previous(&self, api: &Api, env: &Env, cx: &Context) -> Result<Option<Status>, Failed> {
        let Some(repo) = env.string("GITHUB_REPOSITORY") else { return Ok(None) };
        let Some(run) = run_on_branch(env, &cx.event, cx.payload.json()) else { return Ok(None) };
        let path = format!("/repos/{repo}/actions/workflows/{}/runs", segment(&run.workflow));
        let query = [("branch", run.branch.as_str()), ("status", "completed"), ("per_page", "10")];
        let earlier = |r: &Value| {
            let id = r.get("id").and_then(Value::as_u64);
            let number = r.get("run_number").and_then(Value::as_u64);
            id != run.id && !matches!((number, run.number), (Some(n), Some(this)) if n >= this)
        };
        let mut found = None;
        let mut pages = 0;
        api.pages(&path, &query, |page| {
            pages += 1;
            let runs = page.get("workflow_runs").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            found =
                runs.iter().find(|r| earlier(r)).map(|r| Status::parse(r.get("conclusion").and_then(Value::as_str)));
            found.is_none() && !runs.is_empty() && pages < PREVIOUS_PAGES
        })?;
        Ok(found)
    }
}

/// The Actions run the message is about, by id: this one, or the one a `workflow_run` event
/// reports (the run `super::reported_run` links); `None` for the other events that report on
/// something else (a check, a deployment), whose jobs are not this run's.
fn run_id(env: &Env, cx: &Context) -> Option<String> {
    match cx.event.as_str() {
        "workflow_run" => cx.run.id.clone(),
        "workflow_job" | "check_run" | "check_suite" | "deployment_status" | "status" => None,
        _ => env.string("GITHUB_RUN_ID"),
    }
}

/// A completed job of a GitHub run (the notifying one is still in progress): matrix legs come
/// by their full names, `test (ubuntu-latest, 20)`.
fn job(job: &Value) -> Option<Job> {
    if text(job, "status")? != "completed" {
        return None;
    }
    Some(Job::new(text(job, "name")?, Status::parse(text(job, "conclusion")), text(job, "html_url").map(str::to_owned)))
}

/// The GitHub run whose predecessor is looked for: its workflow (a numeric id or a file name;
/// the API takes either), branch, id and number.
#[derive(Debug, PartialEq)]
struct RunOnBranch {
    workflow: String,
    branch: String,
    id: Option<u64>,
    number: Option<u64>,
}

fn run_on_branch(env: &Env, event: &str, payload: Json) -> Option<RunOnBranch> {
    fn text<'a>(v: Json<'a>, k: &str) -> Option<&'a str> {
        v.get(k).and_then(Json::as_str).map(str::trim).filter(|s| !s.is_empty())
    }
    match event {
        // The run it reports, in its own workflow and on its own branch.
        "workflow_run" => {
            let wr = payload.get("workflow_run").filter(|w| w.is_object())?;
            let workflow = wr
                .get("workflow_id")
                .and_then(Json::as_u64)
                .map(|id| id.to_string())
                .or_else(|| text(wr, "path").and_then(file_name))?;
            Some(RunOnBranch {
                workflow,
                branch: text(wr, "head_branch")?.to_owned(),
                id: wr.get("id").and_then(Json::as_u64),
                number: wr.get("run_number").and_then(Json::as_u64),
            })
        }
        // A check, a job, a deployment or a commit status: no workflow run to compare with.
        "check_run" | "check_suite" | "workflow_job" | "deployment_status" | "status" => None,
        _ => {
            // A pull request's runs are on its head branch; tags have no previous run to speak of.
            let branch = env.string("GITHUB_HEAD_REF").or_else(|| {
                env.get("GITHUB_REF").filter(|r| r.starts_with("refs/heads/"))?;
                env.string("GITHUB_REF_NAME")
            })?;
            Some(RunOnBranch {
                workflow: workflow_file(env)?,
                branch,
                id: env.string("GITHUB_RUN_ID").and_then(|id| id.parse().ok()),
                number: env.string("GITHUB_RUN_NUMBER").and_then(|n| n.parse().ok()),
            })
        }
    }
}

/// The workflow's file name from `GITHUB_WORKFLOW_REF` (`owner/repo/.github/workflows/ci.yml@refs/heads/main`).
fn workflow_file(env: &Env) -> Option<String> {
    let workflow_ref = env.string("GITHUB_WORKFLOW_REF")?;
    file_name(workflow_ref.split_once('@').map_or(workflow_ref.as_str(), |(path, _)| path))
}

/// The last segment of a path (`.github/workflows/ci.yml` → `ci.yml`).
fn file_name(path: &str) -> Option<String> {
    path.rsplit('/').next().filter(|f| !f.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ci::api::hints::{retry_notice, warning};
    use crate::ci::api::{self, Failure, Retry};
    use crate::delivery::http;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())), 0)
    }

    #[test]
    fn only_completed_github_jobs_with_their_full_names() {
        let page = serde_json::json!([
            {"name": "test (ubuntu-latest, 20)", "status": "completed", "conclusion": "failure", "html_url": "https://g/1"},
            {"name": "notify", "status": "in_progress", "conclusion": null},
            {"name": "lint", "status": "completed", "conclusion": "skipped"},
        ]);
        let jobs: Vec<Job> = page.as_array().unwrap().iter().filter_map(job).collect();
        assert_eq!(
            jobs,
            [
                Job::new("test (ubuntu-latest, 20)", Status::Failure, Some("https://g/1".into())),
                Job::new("lint", Status::Skipped, None)
            ]
        );
    }

    #[test]
    fn the_workflow_file_comes_from_the_workflow_ref() {
        let env = env(&[("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/heads/main")]);
        assert_eq!(workflow_file(&env).as_deref(), Some("ci.yml"));
    }

    #[test]
    fn the_base_honours_github_api_url() {
        assert_eq!(GitHub.base(&env(&[])), "https://api.github.com");
        assert_eq!(
            GitHub.base(&env(&[("GITHUB_API_URL", "https://ghe.example/api/v3")])),
            "https://ghe.example/api/v3"
        );
    }

    #[test]
    fn api_warnings_say_what_to_grant() {
        let failed = |failure| api::Failed { failure, attempts: 1 };
        let status = |status, rate_limited| failed(Failure::Status { status, rate_limited });
        let t = Duration::from_secs(10);
        let gh = |f: &api::Failed| warning(&GitHub, "the previous run", f, "https://api.github.com", t, Lang::En);
        assert_eq!(
            gh(&status(404, false)),
            "cannot read the previous run from the GitHub API: the GitHub API answered HTTP 404: the token cannot \
             read this repository's Actions; grant the job `permissions: actions: read` (a fine-grained token: \
             \"Actions\" read); the notification goes on without it"
        );
        assert_eq!(
            gh(&status(401, false)),
            "cannot read the previous run from the GitHub API: the GitHub API refused `github_token` (HTTP 401): pass \
             a valid token, e.g. `github_token: ${{ github.token }}`; the notification goes on without it"
        );
        assert!(gh(&status(403, true)).contains("rate limit is spent (HTTP 403)"));
        let timed_out = api::Failed {
            failure: Failure::Call(Box::new(http::Failure::TimedOut { connecting: false })),
            attempts: 3,
        };
        assert_eq!(
            gh(&timed_out),
            "cannot read the previous run from the GitHub API: no answer from https://api.github.com within 10s: \
             raise `timeout`, or check the network (after 3 attempts); the notification goes on without it"
        );
        let busy = Failure::Status { status: 503, rate_limited: false };
        let retry = Retry { attempt: 1, attempts: 2, failure: &busy, wait: Duration::from_secs(1) };
        assert_eq!(
            retry_notice(&GitHub, &retry, "https://api.github.com", t, Lang::En),
            "attempt 1 of 2 failed (the GitHub API answered HTTP 503); retrying in 1.0s"
        );
    }
}
